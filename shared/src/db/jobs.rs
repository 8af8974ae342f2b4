//! Jobs (a job description + its optimisation runs) and optimisation rows.

use super::pagination::Cursor;
use crate::domain::{JobStatus, Lang};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct JobRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub resume_id: Uuid,
    pub title: String,
    pub title_is_explicit: bool,
    pub company: Option<String>,
    pub job_description: Option<String>,
    pub job_url: Option<String>,
    pub fetched_url: Option<String>,
    pub parsed_json: Option<super::RawJson>,
    pub custom_instructions: Option<String>,
    pub resume_lang: Option<String>,
    pub jd_lang: Option<String>,
    pub desired_output_lang: Option<String>,
    pub status: JobStatus,
    pub error: Option<String>,
    pub run_count: i32,
    /// Tokens used to parse the posting (`{calls, prompt_tokens, completion_tokens}`).
    pub parse_token_usage: Option<super::RawJson>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl JobRow {
    pub fn jd_lang(&self) -> Option<Lang> {
        self.jd_lang.as_deref().and_then(|l| l.parse().ok())
    }
    pub fn resume_lang(&self) -> Option<Lang> {
        self.resume_lang.as_deref().and_then(|l| l.parse().ok())
    }
    pub fn desired_output_lang(&self) -> Option<Lang> {
        self.desired_output_lang
            .as_deref()
            .and_then(|l| l.parse().ok())
    }
}

#[derive(Debug, Clone)]
pub struct NewJob {
    pub id: Uuid,
    pub user_id: Uuid,
    pub resume_id: Uuid,
    pub title: String,
    pub title_is_explicit: bool,
    pub company: Option<String>,
    pub job_description: Option<String>,
    pub job_url: Option<String>,
    pub custom_instructions: Option<String>,
    pub resume_lang: Option<Lang>,
    pub jd_lang: Option<Lang>,
    pub desired_output_lang: Option<Lang>,
}

/// Insert a queued job whose first optimisation run is number 1.
pub async fn insert_job(conn: &mut PgConnection, j: &NewJob) -> Result<JobRow, sqlx::Error> {
    sqlx::query_as!(
        JobRow,
        r#"insert into jobs (id, user_id, resume_id, title, title_is_explicit, company, job_description,
                           job_url, custom_instructions, resume_lang, jd_lang, desired_output_lang, run_count)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1)
         returning id, user_id, resume_id, title, title_is_explicit, company, job_description, job_url,
           fetched_url, parsed_json as "parsed_json: _", custom_instructions, resume_lang, jd_lang,
           desired_output_lang, status as "status: JobStatus", error, run_count,
           parse_token_usage as "parse_token_usage: _", created_at, updated_at"#,
        j.id,
        j.user_id,
        j.resume_id,
        j.title,
        j.title_is_explicit,
        j.company,
        j.job_description,
        j.job_url,
        j.custom_instructions,
        j.resume_lang.map(Lang::as_str),
        j.jd_lang.map(Lang::as_str),
        j.desired_output_lang.map(Lang::as_str),
    )
    .fetch_one(conn)
    .await
}

pub async fn get_job(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
) -> Result<Option<JobRow>, sqlx::Error> {
    sqlx::query_as!(
        JobRow,
        r#"select id, user_id, resume_id, title, title_is_explicit, company, job_description, job_url,
           fetched_url, parsed_json as "parsed_json: _", custom_instructions, resume_lang, jd_lang,
           desired_output_lang, status as "status: JobStatus", error, run_count,
           parse_token_usage as "parse_token_usage: _", created_at, updated_at
         from jobs where id = $1 and user_id = $2"#,
        id,
        user_id,
    )
    .fetch_optional(conn)
    .await
}

/// Lock the job row for a state change (refine).
pub async fn get_job_for_update(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
) -> Result<Option<JobRow>, sqlx::Error> {
    sqlx::query_as!(
        JobRow,
        r#"select id, user_id, resume_id, title, title_is_explicit, company, job_description, job_url,
           fetched_url, parsed_json as "parsed_json: _", custom_instructions, resume_lang, jd_lang,
           desired_output_lang, status as "status: JobStatus", error, run_count,
           parse_token_usage as "parse_token_usage: _", created_at, updated_at
         from jobs where id = $1 and user_id = $2 for update"#,
        id,
        user_id,
    )
    .fetch_optional(conn)
    .await
}

/// A job by id alone (n8n callbacks carry only the job id).
pub async fn find_job_any_user(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Option<JobRow>, sqlx::Error> {
    sqlx::query_as!(
        JobRow,
        r#"select id, user_id, resume_id, title, title_is_explicit, company, job_description, job_url,
           fetched_url, parsed_json as "parsed_json: _", custom_instructions, resume_lang, jd_lang,
           desired_output_lang, status as "status: JobStatus", error, run_count,
           parse_token_usage as "parse_token_usage: _", created_at, updated_at
         from jobs where id = $1"#,
        id,
    )
    .fetch_optional(conn)
    .await
}

/// Newest first, optionally by status; fetches `limit + 1` rows.
pub async fn list_jobs(
    conn: &mut PgConnection,
    user_id: Uuid,
    status: Option<JobStatus>,
    limit: i64,
    after: Option<Cursor>,
) -> Result<Vec<JobRow>, sqlx::Error> {
    sqlx::query_as!(
        JobRow,
        r#"select id, user_id, resume_id, title, title_is_explicit, company, job_description, job_url,
           fetched_url, parsed_json as "parsed_json: _", custom_instructions, resume_lang, jd_lang,
           desired_output_lang, status as "status: JobStatus", error, run_count,
           parse_token_usage as "parse_token_usage: _", created_at, updated_at
         from jobs
         where user_id = $1
           and ($2::job_status is null or status = $2)
           and ($3::timestamptz is null or (created_at, id) < ($3, $4))
         order by created_at desc, id desc
         limit $5"#,
        user_id,
        status as Option<JobStatus>,
        after.map(|c| c.created_at),
        after.map(|c| c.id),
        limit + 1,
    )
    .fetch_all(conn)
    .await
}

/// Start run `run_count + 1` with new instructions/language when given.
pub async fn begin_refine(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
    custom_instructions: Option<&str>,
    desired_output_lang: Option<Lang>,
) -> Result<JobRow, sqlx::Error> {
    sqlx::query_as!(
        JobRow,
        r#"update jobs set run_count = run_count + 1, status = 'processing', error = null,
                custom_instructions = coalesce($3, custom_instructions),
                desired_output_lang = coalesce($4, desired_output_lang)
         where id = $1 and user_id = $2
         returning id, user_id, resume_id, title, title_is_explicit, company, job_description, job_url,
           fetched_url, parsed_json as "parsed_json: _", custom_instructions, resume_lang, jd_lang,
           desired_output_lang, status as "status: JobStatus", error, run_count,
           parse_token_usage as "parse_token_usage: _", created_at, updated_at"#,
        id,
        user_id,
        custom_instructions,
        desired_output_lang.map(Lang::as_str),
    )
    .fetch_one(conn)
    .await
}

pub async fn set_status(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
    status: JobStatus,
    error: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "update jobs set status = $3, error = $4 where id = $1 and user_id = $2",
        id,
        user_id,
        status as JobStatus,
        error,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The posting text of a URL job, once fetched.
pub async fn save_description(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
    text: &str,
    fetched_url: Option<&str>,
    title_hint: Option<&str>,
    company_hint: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "update jobs set job_description = $3, fetched_url = coalesce($4, fetched_url),
                title = case when title_is_explicit or $5::text is null then title else left($5, 200) end,
                company = coalesce(company, $6)
         where id = $1 and user_id = $2",
        id,
        user_id,
        text,
        fetched_url,
        title_hint,
        company_hint,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Store the structured description; a non-explicit title becomes `title`.
pub async fn save_parsed(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
    parsed: &serde_json::Value,
    title: &str,
    company: Option<&str>,
    jd_lang: Lang,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "update jobs set parsed_json = $3,
                title = case when title_is_explicit then title else $4 end,
                company = coalesce(company, $5),
                jd_lang = coalesce(jd_lang, $6)
         where id = $1 and user_id = $2",
        id,
        user_id,
        parsed,
        title,
        company,
        jd_lang.as_str(),
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Record the tokens used to parse the posting.
pub async fn set_parse_usage(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
    usage: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update jobs set parse_token_usage = $3 where id = $1 and user_id = $2",
        id,
        user_id,
        usage,
    )
    .execute(conn)
    .await?;
    Ok(())
}

// ---- optimizations ----

#[derive(Debug, Clone)]
pub struct OptimizationRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub resume_id: Uuid,
    pub resume_version_id: Option<Uuid>,
    pub job_id: Uuid,
    pub run_no: i32,
    pub status: OptimizationStatus,
    pub score: Option<i32>,
    pub report_json: Option<super::RawJson>,
    pub preview_md: Option<String>,
    pub change_log: Option<super::RawJson>,
    pub matches: Option<super::RawJson>,
    pub retrieval: Option<super::RawJson>,
    pub detected_resume_lang: Option<String>,
    pub detected_jd_lang: Option<String>,
    pub output_lang: Option<String>,
    pub custom_instructions: Option<String>,
    pub token_usage: Option<super::RawJson>,
    pub engine: Option<String>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "optimization_status", rename_all = "lowercase")]
pub enum OptimizationStatus {
    Running,
    Complete,
    Failed,
}

/// Create (or find) the row of run `run_no`: idempotent on `(job_id, run_no)`.
#[allow(clippy::too_many_arguments)]
pub async fn upsert_run(
    conn: &mut PgConnection,
    user_id: Uuid,
    job_id: Uuid,
    run_no: i32,
    resume_id: Uuid,
    resume_version_id: Uuid,
    resume_lang: Lang,
    jd_lang: Lang,
    output_lang: Lang,
    custom_instructions: Option<&str>,
    engine: &str,
) -> Result<OptimizationRow, sqlx::Error> {
    sqlx::query_as!(
        OptimizationRow,
        r#"insert into optimizations (user_id, job_id, run_no, resume_id, resume_version_id,
                                    detected_resume_lang, detected_jd_lang, output_lang,
                                    custom_instructions, engine)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         on conflict (job_id, run_no) do update set
           resume_version_id = excluded.resume_version_id,
           detected_resume_lang = excluded.detected_resume_lang,
           detected_jd_lang = excluded.detected_jd_lang,
           output_lang = excluded.output_lang,
           custom_instructions = excluded.custom_instructions,
           engine = excluded.engine
         returning id, user_id, resume_id, resume_version_id, job_id, run_no,
           status as "status: OptimizationStatus", score, report_json as "report_json: _", preview_md,
           change_log as "change_log: _", matches as "matches: _", retrieval as "retrieval: _",
           detected_resume_lang, detected_jd_lang, output_lang,
           custom_instructions, token_usage as "token_usage: _", engine, error, created_at, updated_at"#,
        user_id,
        job_id,
        run_no,
        resume_id,
        resume_version_id,
        resume_lang.as_str(),
        jd_lang.as_str(),
        output_lang.as_str(),
        custom_instructions,
        engine,
    )
    .fetch_one(conn)
    .await
}

pub async fn get_run(
    conn: &mut PgConnection,
    user_id: Uuid,
    job_id: Uuid,
    run_no: i32,
) -> Result<Option<OptimizationRow>, sqlx::Error> {
    sqlx::query_as!(
        OptimizationRow,
        r#"select id, user_id, resume_id, resume_version_id, job_id, run_no,
           status as "status: OptimizationStatus", score, report_json as "report_json: _", preview_md,
           change_log as "change_log: _", matches as "matches: _", retrieval as "retrieval: _",
           detected_resume_lang, detected_jd_lang, output_lang,
           custom_instructions, token_usage as "token_usage: _", engine, error, created_at, updated_at
         from optimizations where job_id = $1 and run_no = $2 and user_id = $3"#,
        job_id,
        run_no,
        user_id,
    )
    .fetch_optional(conn)
    .await
}

pub async fn save_retrieval(
    conn: &mut PgConnection,
    user_id: Uuid,
    job_id: Uuid,
    run_no: i32,
    matches: &serde_json::Value,
    retrieval: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update optimizations set matches = $4, retrieval = $5
         where job_id = $1 and run_no = $2 and user_id = $3",
        job_id,
        run_no,
        user_id,
        matches,
        retrieval,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn save_analysis(
    conn: &mut PgConnection,
    user_id: Uuid,
    job_id: Uuid,
    run_no: i32,
    score: i32,
    report: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update optimizations set score = $4, report_json = $5
         where job_id = $1 and run_no = $2 and user_id = $3",
        job_id,
        run_no,
        user_id,
        score,
        report,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The generated resume; the run is complete and so is the job.
pub async fn complete_run(
    conn: &mut PgConnection,
    user_id: Uuid,
    job_id: Uuid,
    run_no: i32,
    preview_md: &str,
    change_log: &serde_json::Value,
    report: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update optimizations set preview_md = $4, change_log = $5, report_json = $6,
                status = 'complete', error = null
         where job_id = $1 and run_no = $2 and user_id = $3",
        job_id,
        run_no,
        user_id,
        preview_md,
        change_log,
        report,
    )
    .execute(&mut *conn)
    .await?;
    // Only the latest run decides the job's status.
    sqlx::query!(
        "update jobs set status = 'complete', error = null
         where id = $1 and user_id = $2 and run_count = $3",
        job_id,
        user_id,
        run_no,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The run failed (its row, if any, and the job, if it is the latest run).
pub async fn fail_run(
    conn: &mut PgConnection,
    user_id: Uuid,
    job_id: Uuid,
    run_no: i32,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update optimizations set status = 'failed', error = $4
         where job_id = $1 and run_no = $2 and user_id = $3 and status <> 'complete'",
        job_id,
        run_no,
        user_id,
        reason,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "update jobs set status = 'failed', error = $4
         where id = $1 and user_id = $2 and run_count = $3",
        job_id,
        user_id,
        run_no,
        reason,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn add_token_usage(
    conn: &mut PgConnection,
    user_id: Uuid,
    job_id: Uuid,
    run_no: i32,
    usage: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update optimizations set token_usage = $4 where job_id = $1 and run_no = $2 and user_id = $3",
        job_id,
        run_no,
        user_id,
        usage,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A job and its latest complete run, read in one query (`GET /jobs/{id}`: one round
/// trip instead of two). The run's `retrieval` is not read (`None`): it holds every
/// requirement's retrieved chunks, and no answer shows it.
pub async fn get_job_with_latest(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
) -> Result<Option<(JobRow, Option<OptimizationRow>)>, sqlx::Error> {
    let row = sqlx::query_as!(
        JobWithLatestRow,
        r#"select j.id, j.user_id, j.resume_id, j.title, j.title_is_explicit, j.company,
           j.job_description, j.job_url, j.fetched_url, j.parsed_json as "parsed_json: _", j.custom_instructions,
           j.resume_lang, j.jd_lang, j.desired_output_lang, j.status as "status: JobStatus",
           j.error, j.run_count, j.parse_token_usage as "parse_token_usage: _", j.created_at, j.updated_at,
           o.id as "o_id?", o.user_id as "o_user_id?", o.resume_id as "o_resume_id?",
           o.resume_version_id as o_resume_version_id, o.job_id as "o_job_id?",
           o.run_no as "o_run_no?", o.status as "o_status?: OptimizationStatus",
           o.score as o_score, o.report_json as "o_report_json: _", o.preview_md as o_preview_md,
           o.change_log as "o_change_log: _", o.matches as "o_matches: _",
           o.detected_resume_lang as o_detected_resume_lang,
           o.detected_jd_lang as o_detected_jd_lang, o.output_lang as o_output_lang,
           o.custom_instructions as o_custom_instructions, o.token_usage as "o_token_usage: _",
           o.engine as o_engine, o.error as o_error, o.created_at as "o_created_at?",
           o.updated_at as "o_updated_at?"
         from jobs j
         left join lateral (
           select * from optimizations o
           where o.job_id = j.id and o.user_id = j.user_id and o.status = 'complete'
           order by o.run_no desc limit 1
         ) o on true
         where j.id = $1 and j.user_id = $2"#,
        id,
        user_id,
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(JobWithLatestRow::split))
}

/// The flat row of [`get_job_with_latest`].
struct JobWithLatestRow {
    id: Uuid,
    user_id: Uuid,
    resume_id: Uuid,
    title: String,
    title_is_explicit: bool,
    company: Option<String>,
    job_description: Option<String>,
    job_url: Option<String>,
    fetched_url: Option<String>,
    parsed_json: Option<super::RawJson>,
    custom_instructions: Option<String>,
    resume_lang: Option<String>,
    jd_lang: Option<String>,
    desired_output_lang: Option<String>,
    status: JobStatus,
    error: Option<String>,
    run_count: i32,
    parse_token_usage: Option<super::RawJson>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    o_id: Option<Uuid>,
    o_user_id: Option<Uuid>,
    o_resume_id: Option<Uuid>,
    o_resume_version_id: Option<Uuid>,
    o_job_id: Option<Uuid>,
    o_run_no: Option<i32>,
    o_status: Option<OptimizationStatus>,
    o_score: Option<i32>,
    o_report_json: Option<super::RawJson>,
    o_preview_md: Option<String>,
    o_change_log: Option<super::RawJson>,
    o_matches: Option<super::RawJson>,
    o_detected_resume_lang: Option<String>,
    o_detected_jd_lang: Option<String>,
    o_output_lang: Option<String>,
    o_custom_instructions: Option<String>,
    o_token_usage: Option<super::RawJson>,
    o_engine: Option<String>,
    o_error: Option<String>,
    o_created_at: Option<DateTime<Utc>>,
    o_updated_at: Option<DateTime<Utc>>,
}

impl JobWithLatestRow {
    fn split(self) -> (JobRow, Option<OptimizationRow>) {
        let latest = match (
            self.o_id,
            self.o_user_id,
            self.o_resume_id,
            self.o_job_id,
            self.o_run_no,
            self.o_status,
            self.o_created_at,
            self.o_updated_at,
        ) {
            (
                Some(id),
                Some(user_id),
                Some(resume_id),
                Some(job_id),
                Some(run_no),
                Some(status),
                Some(created_at),
                Some(updated_at),
            ) => Some(OptimizationRow {
                id,
                user_id,
                resume_id,
                resume_version_id: self.o_resume_version_id,
                job_id,
                run_no,
                status,
                score: self.o_score,
                report_json: self.o_report_json,
                preview_md: self.o_preview_md,
                change_log: self.o_change_log,
                matches: self.o_matches,
                // What the answer shows comes without the stored retrieval (every
                // requirement's chunks): no read of a job needs it.
                retrieval: None,
                detected_resume_lang: self.o_detected_resume_lang,
                detected_jd_lang: self.o_detected_jd_lang,
                output_lang: self.o_output_lang,
                custom_instructions: self.o_custom_instructions,
                token_usage: self.o_token_usage,
                engine: self.o_engine,
                error: self.o_error,
                created_at,
                updated_at,
            }),
            _ => None,
        };
        let job = JobRow {
            id: self.id,
            user_id: self.user_id,
            resume_id: self.resume_id,
            title: self.title,
            title_is_explicit: self.title_is_explicit,
            company: self.company,
            job_description: self.job_description,
            job_url: self.job_url,
            fetched_url: self.fetched_url,
            parsed_json: self.parsed_json,
            custom_instructions: self.custom_instructions,
            resume_lang: self.resume_lang,
            jd_lang: self.jd_lang,
            desired_output_lang: self.desired_output_lang,
            status: self.status,
            error: self.error,
            run_count: self.run_count,
            parse_token_usage: self.parse_token_usage,
            created_at: self.created_at,
            updated_at: self.updated_at,
        };
        (job, latest)
    }
}

pub async fn list_runs(
    conn: &mut PgConnection,
    user_id: Uuid,
    job_id: Uuid,
) -> Result<Vec<OptimizationRow>, sqlx::Error> {
    sqlx::query_as!(
        OptimizationRow,
        r#"select id, user_id, resume_id, resume_version_id, job_id, run_no,
           status as "status: OptimizationStatus", score, report_json as "report_json: _", preview_md,
           change_log as "change_log: _", matches as "matches: _", retrieval as "retrieval: _",
           detected_resume_lang, detected_jd_lang, output_lang,
           custom_instructions, token_usage as "token_usage: _", engine, error, created_at, updated_at
         from optimizations where job_id = $1 and user_id = $2 order by run_no desc"#,
        job_id,
        user_id,
    )
    .fetch_all(conn)
    .await
}

/// Ids of the jobs of a resume (they are deleted with it).
pub async fn job_ids_of_resume(
    conn: &mut PgConnection,
    user_id: Uuid,
    resume_id: Uuid,
) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "select id from jobs where resume_id = $1 and user_id = $2",
        resume_id,
        user_id,
    )
    .fetch_all(conn)
    .await
}
