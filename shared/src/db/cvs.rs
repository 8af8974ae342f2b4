//! The worker's side of applications: what GenerateApplication reads and writes
//! (the gateway's CRUD lives in `applications`). Service connection, every query
//! filtered by the `user_id` carried in the workflow input. Writes are keyed by
//! natural ids (`cvs.id`, `job_offers.id`, `cover_letters.cv_id`), so a retried or
//! replayed activity leaves the same state as one run.

use crate::domain::GenerationStatus;
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

/// An application and the CV version being generated for it.
#[derive(Debug, Clone)]
pub struct GenerationRow {
    pub application_id: Uuid,
    pub resume_id: Option<Uuid>,
    pub job_id: Option<Uuid>,
    pub job_offer_id: Option<Uuid>,
    pub base_cv: Option<serde_json::Value>,
    pub job_description: Option<String>,
    pub company: Option<String>,
    pub position: Option<String>,
    pub output_lang: Option<String>,
    pub cv_id: Uuid,
    pub version_no: i32,
    pub cv_status: GenerationStatus,
    pub custom_instructions: Option<String>,
    pub source_json: Option<serde_json::Value>,
    pub planned_changes: Option<serde_json::Value>,
    pub edit_report: Option<serde_json::Value>,
    pub lang: Option<String>,
    pub pdf_path: Option<String>,
    pub docx_path: Option<String>,
}

pub async fn get_generation(
    conn: &mut PgConnection,
    user_id: Uuid,
    application_id: Uuid,
    cv_id: Uuid,
) -> Result<Option<GenerationRow>, sqlx::Error> {
    sqlx::query_as!(
        GenerationRow,
        r#"select a.id as application_id, a.resume_id, a.job_id, a.job_offer_id, a.base_cv,
           a.job_description, a.company, a.position, a.output_lang,
           c.id as cv_id, c.version_no, c.status as "cv_status: GenerationStatus",
           c.custom_instructions, c.source_json, c.planned_changes, c.edit_report, c.lang,
           c.pdf_path, c.docx_path
         from applications a join cvs c on c.application_id = a.id and c.user_id = a.user_id
         where a.id = $1 and c.id = $2 and a.user_id = $3"#,
        application_id,
        cv_id,
        user_id,
    )
    .fetch_optional(conn)
    .await
}

/// The job offer of an application: one per application, with a stable id so a
/// retried parse overwrites instead of adding a second one.
pub fn job_offer_id(application_id: Uuid) -> Uuid {
    Uuid::new_v5(&application_id, b"job_offer")
}

/// What the job-offer parser found.
#[derive(Debug, Clone)]
pub struct JobOffer<'a> {
    pub job_id: Option<Uuid>,
    pub raw_text: &'a str,
    pub title: Option<&'a str>,
    pub company: Option<&'a str>,
    pub location: Option<&'a str>,
    pub language: &'a str,
    pub requirements: &'a serde_json::Value,
    pub keywords: &'a serde_json::Value,
    pub parsed_json: &'a serde_json::Value,
    pub token_usage: Option<&'a serde_json::Value>,
}

/// Store the application's job offer and link it (idempotent). `None` when the
/// application was deleted: then nothing is stored (no orphaned offer).
pub async fn upsert_job_offer(
    conn: &mut PgConnection,
    user_id: Uuid,
    application_id: Uuid,
    offer: &JobOffer<'_>,
) -> Result<Option<Uuid>, sqlx::Error> {
    let id = job_offer_id(application_id);
    let mut tx = conn.begin().await?;
    // Locks the application: a concurrent DELETE either waits for this link or has
    // already removed the row, which is seen here.
    let exists = sqlx::query_scalar!(
        "select id from applications where id = $1 and user_id = $2 for update",
        application_id,
        user_id,
    )
    .fetch_optional(&mut *tx)
    .await?;
    if exists.is_none() {
        return Ok(None);
    }
    sqlx::query!(
        r#"insert into job_offers (id, user_id, job_id, raw_text, title, company, location,
             language, requirements, keywords, parsed_json, token_usage)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           on conflict (id) do update set job_id = excluded.job_id, raw_text = excluded.raw_text,
             title = excluded.title, company = excluded.company, location = excluded.location,
             language = excluded.language, requirements = excluded.requirements,
             keywords = excluded.keywords, parsed_json = excluded.parsed_json,
             token_usage = excluded.token_usage
           where job_offers.user_id = excluded.user_id"#,
        id,
        user_id,
        offer.job_id,
        offer.raw_text,
        offer.title,
        offer.company,
        offer.location,
        offer.language,
        offer.requirements,
        offer.keywords,
        offer.parsed_json,
        offer.token_usage,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update applications set job_offer_id = $1 where id = $2 and user_id = $3",
        id,
        application_id,
        user_id,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// The parsed posting (`ParsedJob` JSON) and language of an application's job offer.
pub async fn get_job_offer(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
) -> Result<Option<(Option<serde_json::Value>, Option<String>)>, sqlx::Error> {
    let row = sqlx::query!(
        "select parsed_json, language from job_offers where id = $1 and user_id = $2",
        id,
        user_id,
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.parsed_json, r.language)))
}

/// The generation has started: the application shows `processing`.
pub async fn mark_processing(
    conn: &mut PgConnection,
    user_id: Uuid,
    application_id: Uuid,
    cv_id: Uuid,
) -> Result<(), sqlx::Error> {
    let mut tx = conn.begin().await?;
    sqlx::query!(
        r#"update applications set generation_status = 'processing', generation_error = null
           where id = $1 and user_id = $2 and generation_status <> 'processing'"#,
        application_id,
        user_id,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"update cvs set status = 'processing', error = null
           where id = $1 and user_id = $2 and status <> 'processing'"#,
        cv_id,
        user_id,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Step 2's result: the edit plan, who made it, its cost and the output language.
pub async fn save_plan(
    conn: &mut PgConnection,
    user_id: Uuid,
    cv_id: Uuid,
    planned_changes: &serde_json::Value,
    engine: &str,
    token_usage: &serde_json::Value,
    lang: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"update cvs set planned_changes = $1, engine = $2, token_usage = $3, lang = $4
           where id = $5 and user_id = $6"#,
        planned_changes,
        engine,
        token_usage,
        lang,
        cv_id,
        user_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Step 3's result: the tailored structured CV and the editor's report.
pub async fn save_tailored(
    conn: &mut PgConnection,
    user_id: Uuid,
    cv_id: Uuid,
    source_json: &serde_json::Value,
    edit_report: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update cvs set source_json = $1, edit_report = $2 where id = $3 and user_id = $4",
        source_json,
        edit_report,
        cv_id,
        user_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The cover letter of one CV version (one per CV; a retry overwrites it).
#[derive(Debug, Clone)]
pub struct CoverLetterRow<'a> {
    pub lang: &'a str,
    pub body_json: &'a serde_json::Value,
    pub body_text: &'a str,
    pub pdf_path: &'a str,
    pub docx_path: &'a str,
}

/// Step 5: the documents are stored; the CV, its cover letter and the application
/// become `complete` together, or nothing changes. `false` when the application
/// (or this CV) was deleted meanwhile.
pub async fn complete(
    conn: &mut PgConnection,
    user_id: Uuid,
    application_id: Uuid,
    cv_id: Uuid,
    pdf_path: &str,
    docx_path: &str,
    letter: &CoverLetterRow<'_>,
) -> Result<bool, sqlx::Error> {
    let mut tx = conn.begin().await?;
    let updated = sqlx::query!(
        r#"update cvs set status = 'complete', error = null, pdf_path = $1, docx_path = $2
           where id = $3 and application_id = $4 and user_id = $5"#,
        pdf_path,
        docx_path,
        cv_id,
        application_id,
        user_id,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        return Ok(false);
    }
    sqlx::query!(
        r#"insert into cover_letters (user_id, application_id, cv_id, lang, body_json, body_text,
             pdf_path, docx_path)
           values ($1, $2, $3, $4, $5, $6, $7, $8)
           on conflict (cv_id) do update set lang = excluded.lang, body_json = excluded.body_json,
             body_text = excluded.body_text, pdf_path = excluded.pdf_path,
             docx_path = excluded.docx_path"#,
        user_id,
        application_id,
        cv_id,
        letter.lang,
        letter.body_json,
        letter.body_text,
        letter.pdf_path,
        letter.docx_path,
    )
    .execute(&mut *tx)
    .await?;
    // Only the newest version speaks for the application.
    sqlx::query!(
        r#"update applications a set generation_status = 'complete', generation_error = null
           where a.id = $1 and a.user_id = $2
             and not exists (select 1 from cvs c where c.application_id = a.id
                             and c.version_no > (select version_no from cvs where id = $3))"#,
        application_id,
        user_id,
        cv_id,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// A permanent failure: the CV version and the application say why. Drops a
/// cover letter a failed run may have stored, so nothing is left half-written.
pub async fn fail(
    conn: &mut PgConnection,
    user_id: Uuid,
    application_id: Uuid,
    cv_id: Uuid,
    reason: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = conn.begin().await?;
    sqlx::query!(
        r#"update cvs set status = 'failed', error = $1, pdf_path = null, docx_path = null
           where id = $2 and user_id = $3"#,
        reason,
        cv_id,
        user_id,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "delete from cover_letters where cv_id = $1 and user_id = $2",
        cv_id,
        user_id,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"update applications a set generation_status = 'failed', generation_error = $1
           where a.id = $2 and a.user_id = $3
             and not exists (select 1 from cvs c where c.application_id = a.id
                             and c.version_no > (select version_no from cvs where id = $4))"#,
        reason,
        application_id,
        user_id,
        cv_id,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}
