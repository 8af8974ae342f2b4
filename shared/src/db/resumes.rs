//! Resumes and their versions.

use super::pagination::Cursor;
use crate::domain::{EmbeddingStatus, Lang, ParseStatus, ResumeSource};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct ResumeRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub title: String,
    pub file_url: Option<String>,
    pub active_version_id: Option<Uuid>,
    pub source: ResumeSource,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct VersionRow {
    pub id: Uuid,
    pub resume_id: Uuid,
    pub user_id: Uuid,
    pub version_no: i32,
    pub source: ResumeSource,
    pub resume_lang: Option<String>,
    pub detected_lang: Option<String>,
    pub raw_text: Option<String>,
    pub content_md: Option<String>,
    pub parsed_json: Option<super::RawJson>,
    pub parse_status: ParseStatus,
    pub embedding_status: EmbeddingStatus,
    pub error: Option<String>,
    pub file_path: Option<String>,
    pub file_name: Option<String>,
    pub file_kind: Option<String>,
    pub file_size: Option<i64>,
    pub workflow_id: Option<String>,
    pub parsed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl VersionRow {
    pub fn detected_lang(&self) -> Option<Lang> {
        self.detected_lang.as_deref().and_then(|l| l.parse().ok())
    }
}

/// A version to create; `version_no` is assigned here.
#[derive(Debug, Clone)]
pub struct NewVersion {
    pub id: Uuid,
    pub resume_id: Uuid,
    pub user_id: Uuid,
    pub source: ResumeSource,
    pub resume_lang: Option<Lang>,
    /// Text versions carry their text from the start; uploads get it on extraction.
    pub raw_text: Option<String>,
    pub file_path: Option<String>,
    pub file_name: Option<String>,
    pub file_kind: Option<String>,
    pub file_size: Option<i64>,
    pub workflow_id: String,
}

pub async fn insert_resume(
    conn: &mut PgConnection,
    id: Uuid,
    user_id: Uuid,
    title: &str,
    source: ResumeSource,
    file_url: Option<&str>,
) -> Result<ResumeRow, sqlx::Error> {
    sqlx::query_as!(
        ResumeRow,
        r#"insert into resumes (id, user_id, title, source, file_url) values ($1, $2, $3, $4, $5)
         returning id, user_id, title, file_url, active_version_id, source as "source: ResumeSource",
           created_at, updated_at"#,
        id,
        user_id,
        title,
        source as ResumeSource,
        file_url,
    )
    .fetch_one(conn)
    .await
}

/// Insert the next version of a resume. The resume row is locked so two
/// concurrent uploads get distinct numbers.
pub async fn insert_version(
    conn: &mut PgConnection,
    v: &NewVersion,
) -> Result<VersionRow, sqlx::Error> {
    sqlx::query!(
        "select id from resumes where id = $1 and user_id = $2 for update",
        v.resume_id,
        v.user_id,
    )
    .fetch_optional(&mut *conn)
    .await?;
    sqlx::query_as!(
        VersionRow,
        r#"insert into resume_versions
           (id, resume_id, user_id, version_no, source, resume_lang, raw_text,
            file_path, file_name, file_kind, file_size, workflow_id)
         values ($1, $2, $3,
           coalesce((select max(version_no) from resume_versions where resume_id = $2), 0) + 1,
           $4, $5, $6, $7, $8, $9, $10, $11)
         returning id, resume_id, user_id, version_no, source as "source: ResumeSource", resume_lang,
           detected_lang, raw_text, content_md, parsed_json as "parsed_json: _",
           parse_status as "parse_status: ParseStatus",
           embedding_status as "embedding_status: EmbeddingStatus", error, file_path,
           file_name, file_kind, file_size, workflow_id, parsed_at, created_at, updated_at"#,
        v.id,
        v.resume_id,
        v.user_id,
        v.source as ResumeSource,
        v.resume_lang.map(Lang::as_str),
        v.raw_text,
        v.file_path,
        v.file_name,
        v.file_kind,
        v.file_size,
        v.workflow_id,
    )
    .fetch_one(conn)
    .await
}

pub async fn get_resume(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
) -> Result<Option<ResumeRow>, sqlx::Error> {
    sqlx::query_as!(
        ResumeRow,
        r#"select id, user_id, title, file_url, active_version_id, source as "source: ResumeSource",
           created_at, updated_at
         from resumes where id = $1 and user_id = $2"#,
        id,
        user_id,
    )
    .fetch_optional(conn)
    .await
}

pub async fn get_version(
    conn: &mut PgConnection,
    user_id: Uuid,
    version_id: Uuid,
) -> Result<Option<VersionRow>, sqlx::Error> {
    sqlx::query_as!(
        VersionRow,
        r#"select id, resume_id, user_id, version_no, source as "source: ResumeSource", resume_lang,
           detected_lang, raw_text, content_md, parsed_json as "parsed_json: _",
           parse_status as "parse_status: ParseStatus",
           embedding_status as "embedding_status: EmbeddingStatus", error, file_path,
           file_name, file_kind, file_size, workflow_id, parsed_at, created_at, updated_at
         from resume_versions where id = $1 and user_id = $2"#,
        version_id,
        user_id,
    )
    .fetch_optional(conn)
    .await
}

/// The version a reader should see: the active (parsed) one, else the newest.
pub async fn current_version(
    conn: &mut PgConnection,
    user_id: Uuid,
    resume: &ResumeRow,
) -> Result<Option<VersionRow>, sqlx::Error> {
    if let Some(active) = resume.active_version_id
        && let Some(v) = get_version(conn, user_id, active).await?
    {
        return Ok(Some(v));
    }
    latest_version(conn, user_id, resume.id).await
}

pub async fn latest_version(
    conn: &mut PgConnection,
    user_id: Uuid,
    resume_id: Uuid,
) -> Result<Option<VersionRow>, sqlx::Error> {
    sqlx::query_as!(
        VersionRow,
        r#"select id, resume_id, user_id, version_no, source as "source: ResumeSource", resume_lang,
           detected_lang, raw_text, content_md, parsed_json as "parsed_json: _",
           parse_status as "parse_status: ParseStatus",
           embedding_status as "embedding_status: EmbeddingStatus", error, file_path,
           file_name, file_kind, file_size, workflow_id, parsed_at, created_at, updated_at
         from resume_versions where resume_id = $1 and user_id = $2
         order by version_no desc limit 1"#,
        resume_id,
        user_id,
    )
    .fetch_optional(conn)
    .await
}

pub async fn list_versions(
    conn: &mut PgConnection,
    user_id: Uuid,
    resume_id: Uuid,
) -> Result<Vec<VersionRow>, sqlx::Error> {
    sqlx::query_as!(
        VersionRow,
        r#"select id, resume_id, user_id, version_no, source as "source: ResumeSource", resume_lang,
           detected_lang, raw_text, content_md, parsed_json as "parsed_json: _",
           parse_status as "parse_status: ParseStatus",
           embedding_status as "embedding_status: EmbeddingStatus", error, file_path,
           file_name, file_kind, file_size, workflow_id, parsed_at, created_at, updated_at
         from resume_versions where resume_id = $1 and user_id = $2
         order by version_no desc"#,
        resume_id,
        user_id,
    )
    .fetch_all(conn)
    .await
}

/// One row of `GET /resumes`: the resume plus the state of the version a reader sees.
#[derive(Debug, Clone)]
pub struct ResumeListRow {
    pub resume: ResumeRow,
    pub version_id: Option<Uuid>,
    pub version_no: Option<i32>,
    pub parse_status: Option<ParseStatus>,
    pub embedding_status: Option<EmbeddingStatus>,
    pub detected_lang: Option<String>,
    pub error: Option<String>,
    pub versions: i64,
}

/// Newest first; fetches `limit + 1` rows so the caller can tell if more exist.
pub async fn list_resumes(
    conn: &mut PgConnection,
    user_id: Uuid,
    limit: i64,
    after: Option<Cursor>,
) -> Result<Vec<ResumeListRow>, sqlx::Error> {
    // The version columns come from a left join: nullable whatever the table says.
    let rows = sqlx::query!(
        r#"select r.id, r.user_id, r.title, r.file_url, r.active_version_id,
                r.source as "source: ResumeSource", r.created_at, r.updated_at,
                v.id as "version_id?", v.version_no as "version_no?",
                v.parse_status as "parse_status?: ParseStatus",
                v.embedding_status as "embedding_status?: EmbeddingStatus",
                v.detected_lang as "detected_lang?", v.error as "error?",
                (select count(*) from resume_versions c where c.resume_id = r.id) as "versions!"
         from resumes r
         left join lateral (
           select v.id, v.version_no, v.parse_status, v.embedding_status, v.detected_lang, v.error
           from resume_versions v
           where v.resume_id = r.id
           order by (v.id = r.active_version_id) desc, v.version_no desc
           limit 1
         ) v on true
         where r.user_id = $1
           and ($2::timestamptz is null or (r.created_at, r.id) < ($2, $3))
         order by r.created_at desc, r.id desc
         limit $4"#,
        user_id,
        after.map(|c| c.created_at),
        after.map(|c| c.id),
        limit + 1,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ResumeListRow {
            resume: ResumeRow {
                id: r.id,
                user_id: r.user_id,
                title: r.title,
                file_url: r.file_url,
                active_version_id: r.active_version_id,
                source: r.source,
                created_at: r.created_at,
                updated_at: r.updated_at,
            },
            version_id: r.version_id,
            version_no: r.version_no,
            parse_status: r.parse_status,
            embedding_status: r.embedding_status,
            detected_lang: r.detected_lang,
            error: r.error,
            versions: r.versions,
        })
        .collect())
}

pub async fn delete_resume(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "delete from resumes where id = $1 and user_id = $2",
        id,
        user_id,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

// ---- worker-side state transitions (service connection, always by user) ----

/// `pending|parsing → parsing`; a version already parsed or failed is left alone
/// (a replayed or repeated activity must not undo a finished parse).
pub async fn mark_parsing(
    conn: &mut PgConnection,
    user_id: Uuid,
    version_id: Uuid,
) -> Result<Option<VersionRow>, sqlx::Error> {
    sqlx::query_as!(
        VersionRow,
        r#"update resume_versions set parse_status = 'parsing', error = null
         where id = $1 and user_id = $2 and parse_status in ('pending', 'parsing')
         returning id, resume_id, user_id, version_no, source as "source: ResumeSource", resume_lang,
           detected_lang, raw_text, content_md, parsed_json as "parsed_json: _",
           parse_status as "parse_status: ParseStatus",
           embedding_status as "embedding_status: EmbeddingStatus", error, file_path,
           file_name, file_kind, file_size, workflow_id, parsed_at, created_at, updated_at"#,
        version_id,
        user_id,
    )
    .fetch_optional(conn)
    .await
}

pub async fn save_extracted_text(
    conn: &mut PgConnection,
    user_id: Uuid,
    version_id: Uuid,
    raw_text: &str,
    detected_lang: Lang,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "update resume_versions set raw_text = $3, detected_lang = $4
         where id = $1 and user_id = $2",
        version_id,
        user_id,
        raw_text,
        detected_lang.as_str(),
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Store the parse result, mark the version parsed and make it the resume's
/// active version unless a newer version is already active.
pub async fn save_parsed(
    conn: &mut PgConnection,
    user_id: Uuid,
    version_id: Uuid,
    content_md: &str,
    parsed_json: &serde_json::Value,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query!(
        "update resume_versions
           set content_md = $3, parsed_json = $4, parse_status = 'parsed', error = null,
               parsed_at = coalesce(parsed_at, now())
         where id = $1 and user_id = $2
         returning resume_id, version_no",
        version_id,
        user_id,
        content_md,
        parsed_json,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(false);
    };
    sqlx::query!(
        "update resumes r set active_version_id = $2
         where r.id = $1 and r.user_id = $3
           and (r.active_version_id is null
                or (select version_no from resume_versions where id = r.active_version_id) <= $4)",
        row.resume_id,
        version_id,
        user_id,
        row.version_no,
    )
    .execute(conn)
    .await?;
    Ok(true)
}

/// Failed with a reason a person can read. Never overwrites a finished parse.
pub async fn mark_parse_failed(
    conn: &mut PgConnection,
    user_id: Uuid,
    version_id: Uuid,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "update resume_versions set parse_status = 'failed', error = $3
         where id = $1 and user_id = $2 and parse_status <> 'parsed'",
        version_id,
        user_id,
        reason,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn set_embedding_status(
    conn: &mut PgConnection,
    user_id: Uuid,
    version_id: Uuid,
    status: EmbeddingStatus,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "update resume_versions set embedding_status = $3 where id = $1 and user_id = $2",
        version_id,
        user_id,
        status as EmbeddingStatus,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// A version by id alone, with its owner: for service-side lookups (n8n
/// callbacks carry only the version id).
pub async fn find_version_any_user(
    conn: &mut PgConnection,
    version_id: Uuid,
) -> Result<Option<VersionRow>, sqlx::Error> {
    sqlx::query_as!(
        VersionRow,
        r#"select id, resume_id, user_id, version_no, source as "source: ResumeSource", resume_lang,
           detected_lang, raw_text, content_md, parsed_json as "parsed_json: _",
           parse_status as "parse_status: ParseStatus",
           embedding_status as "embedding_status: EmbeddingStatus", error, file_path,
           file_name, file_kind, file_size, workflow_id, parsed_at, created_at, updated_at
         from resume_versions where id = $1"#,
        version_id,
    )
    .fetch_optional(conn)
    .await
}
