//! Applications (one per job applied to), their structured job offer, the
//! tailored CV versions with their cover letters, and the tracker:
//! communications and action points.
//!
//! The gateway calls these inside [`super::begin_user_tx`] (RLS applies) and
//! every query also filters by `user_id` itself.

use super::pagination::Cursor;
use crate::domain::{
    ApplicationStatus, CommunicationChannel, CommunicationDirection, GenerationStatus, Lang,
};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct ApplicationRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub job_offer_id: Option<Uuid>,
    pub resume_id: Option<Uuid>,
    pub job_id: Option<Uuid>,
    pub company: Option<String>,
    pub position: Option<String>,
    pub output_lang: Option<String>,
    pub base_cv: Option<serde_json::Value>,
    pub job_description: Option<String>,
    pub status: ApplicationStatus,
    pub notes: Option<String>,
    pub generation_status: GenerationStatus,
    pub generation_error: Option<String>,
    pub workflow_id: Option<String>,
    pub cv_count: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An application to create, with its first CV version (`cv_count` 1).
#[derive(Debug, Clone)]
pub struct NewApplication {
    pub id: Uuid,
    pub user_id: Uuid,
    pub resume_id: Option<Uuid>,
    pub job_id: Option<Uuid>,
    pub company: Option<String>,
    pub position: Option<String>,
    pub output_lang: Option<Lang>,
    pub base_cv: Option<serde_json::Value>,
    pub job_description: Option<String>,
    pub workflow_id: String,
}

pub async fn insert_application(
    conn: &mut PgConnection,
    a: &NewApplication,
) -> Result<ApplicationRow, sqlx::Error> {
    sqlx::query_as!(
        ApplicationRow,
        r#"insert into applications (id, user_id, resume_id, job_id, company, position, output_lang,
                                   base_cv, job_description, workflow_id, generation_status, cv_count)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'queued', 1)
         returning id, user_id, job_offer_id, resume_id, job_id, company, position, output_lang,
           base_cv, job_description, status as "status: ApplicationStatus", notes,
           generation_status as "generation_status: GenerationStatus", generation_error,
           workflow_id, cv_count, created_at, updated_at"#,
        a.id,
        a.user_id,
        a.resume_id,
        a.job_id,
        a.company,
        a.position,
        a.output_lang.map(Lang::as_str),
        a.base_cv,
        a.job_description,
        a.workflow_id,
    )
    .fetch_one(conn)
    .await
}

pub async fn get_application(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
) -> Result<Option<ApplicationRow>, sqlx::Error> {
    sqlx::query_as!(
        ApplicationRow,
        r#"select id, user_id, job_offer_id, resume_id, job_id, company, position, output_lang,
           base_cv, job_description, status as "status: ApplicationStatus", notes,
           generation_status as "generation_status: GenerationStatus", generation_error,
           workflow_id, cv_count, created_at, updated_at
         from applications where id = $1 and user_id = $2"#,
        id,
        user_id,
    )
    .fetch_optional(conn)
    .await
}

/// Lock the application for a state change (regenerate, delete).
pub async fn get_application_for_update(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
) -> Result<Option<ApplicationRow>, sqlx::Error> {
    sqlx::query_as!(
        ApplicationRow,
        r#"select id, user_id, job_offer_id, resume_id, job_id, company, position, output_lang,
           base_cv, job_description, status as "status: ApplicationStatus", notes,
           generation_status as "generation_status: GenerationStatus", generation_error,
           workflow_id, cv_count, created_at, updated_at
         from applications where id = $1 and user_id = $2 for update"#,
        id,
        user_id,
    )
    .fetch_optional(conn)
    .await
}

/// Newest first, optionally by status; fetches `limit + 1` rows.
pub async fn list_applications(
    conn: &mut PgConnection,
    user_id: Uuid,
    status: Option<ApplicationStatus>,
    limit: i64,
    after: Option<Cursor>,
) -> Result<Vec<ApplicationRow>, sqlx::Error> {
    sqlx::query_as!(
        ApplicationRow,
        r#"select id, user_id, job_offer_id, resume_id, job_id, company, position, output_lang,
           base_cv, job_description, status as "status: ApplicationStatus", notes,
           generation_status as "generation_status: GenerationStatus", generation_error,
           workflow_id, cv_count, created_at, updated_at
         from applications
         where user_id = $1
           and ($2::application_status is null or status = $2)
           and ($3::timestamptz is null or (created_at, id) < ($3, $4))
         order by created_at desc, id desc
         limit $5"#,
        user_id,
        status as Option<ApplicationStatus>,
        after.map(|c| c.created_at),
        after.map(|c| c.id),
        limit + 1,
    )
    .fetch_all(conn)
    .await
}

/// Start CV version `cv_count + 1`: the generation is queued again.
pub async fn begin_regenerate(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
    workflow_id: &str,
    output_lang: Option<Lang>,
) -> Result<ApplicationRow, sqlx::Error> {
    sqlx::query_as!(
        ApplicationRow,
        r#"update applications set cv_count = cv_count + 1, generation_status = 'queued',
                generation_error = null, workflow_id = $3,
                output_lang = coalesce($4, output_lang)
         where id = $1 and user_id = $2
         returning id, user_id, job_offer_id, resume_id, job_id, company, position, output_lang,
           base_cv, job_description, status as "status: ApplicationStatus", notes,
           generation_status as "generation_status: GenerationStatus", generation_error,
           workflow_id, cv_count, created_at, updated_at"#,
        id,
        user_id,
        workflow_id,
        output_lang.map(Lang::as_str),
    )
    .fetch_one(conn)
    .await
}

/// What `PATCH /applications/{id}` changes: `None` leaves a field alone;
/// `notes: Some(None)` clears the notes.
#[derive(Debug, Clone, Default)]
pub struct ApplicationChanges {
    pub status: Option<ApplicationStatus>,
    pub notes: Option<Option<String>>,
}

pub async fn update_application(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
    c: &ApplicationChanges,
) -> Result<Option<ApplicationRow>, sqlx::Error> {
    sqlx::query_as!(
        ApplicationRow,
        r#"update applications set status = coalesce($3, status),
                notes = case when $4 then $5 else notes end
         where id = $1 and user_id = $2
         returning id, user_id, job_offer_id, resume_id, job_id, company, position, output_lang,
           base_cv, job_description, status as "status: ApplicationStatus", notes,
           generation_status as "generation_status: GenerationStatus", generation_error,
           workflow_id, cv_count, created_at, updated_at"#,
        id,
        user_id,
        c.status as Option<ApplicationStatus>,
        c.notes.is_some(),
        c.notes.clone().flatten(),
    )
    .fetch_optional(conn)
    .await
}

/// Deletes the application; its CVs, cover letters, communications and action
/// points go with it (`on delete cascade`). The job offer is the user's own
/// row and goes too when no other application uses it.
pub async fn delete_application(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
) -> Result<bool, sqlx::Error> {
    let offer = sqlx::query_scalar!(
        r#"delete from applications where id = $1 and user_id = $2 returning job_offer_id"#,
        id,
        user_id,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(offer) = offer else {
        return Ok(false);
    };
    if let Some(offer) = offer {
        sqlx::query!(
            "delete from job_offers o where o.id = $1 and o.user_id = $2
               and not exists (select 1 from applications a where a.job_offer_id = o.id)",
            offer,
            user_id,
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(true)
}

#[derive(Debug, Clone)]
pub struct JobOfferRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub job_id: Option<Uuid>,
    pub raw_text: Option<String>,
    pub title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub language: Option<String>,
    pub requirements: Option<serde_json::Value>,
    pub keywords: Option<serde_json::Value>,
    pub parsed_json: Option<serde_json::Value>,
    pub token_usage: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn get_job_offer(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
) -> Result<Option<JobOfferRow>, sqlx::Error> {
    sqlx::query_as!(
        JobOfferRow,
        r#"select id, user_id, job_id, raw_text, title, company, location, language, requirements,
           keywords, parsed_json, token_usage, created_at, updated_at
         from job_offers where id = $1 and user_id = $2"#,
        id,
        user_id,
    )
    .fetch_optional(conn)
    .await
}

#[derive(Debug, Clone)]
pub struct CvRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub application_id: Uuid,
    pub version_no: i32,
    pub status: GenerationStatus,
    pub custom_instructions: Option<String>,
    pub source_json: Option<serde_json::Value>,
    pub planned_changes: Option<serde_json::Value>,
    pub edit_report: Option<serde_json::Value>,
    pub pdf_path: Option<String>,
    pub docx_path: Option<String>,
    pub lang: Option<String>,
    pub engine: Option<String>,
    pub token_usage: Option<serde_json::Value>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A CV version being generated (`processing`); the worker fills it in.
pub async fn insert_cv(
    conn: &mut PgConnection,
    id: Uuid,
    user_id: Uuid,
    application_id: Uuid,
    version_no: i32,
    custom_instructions: Option<&str>,
) -> Result<CvRow, sqlx::Error> {
    sqlx::query_as!(
        CvRow,
        r#"insert into cvs (id, user_id, application_id, version_no, status, custom_instructions)
         values ($1, $2, $3, $4, 'processing', $5)
         returning id, user_id, application_id, version_no,
           status as "status: GenerationStatus", custom_instructions, source_json,
           planned_changes, edit_report, pdf_path, docx_path, lang, engine, token_usage, error,
           created_at, updated_at"#,
        id,
        user_id,
        application_id,
        version_no,
        custom_instructions,
    )
    .fetch_one(conn)
    .await
}

/// Every CV version of an application, newest first.
pub async fn list_cvs(
    conn: &mut PgConnection,
    user_id: Uuid,
    application_id: Uuid,
) -> Result<Vec<CvRow>, sqlx::Error> {
    sqlx::query_as!(
        CvRow,
        r#"select id, user_id, application_id, version_no,
           status as "status: GenerationStatus", custom_instructions, source_json,
           planned_changes, edit_report, pdf_path, docx_path, lang, engine, token_usage, error,
           created_at, updated_at
         from cvs where application_id = $1 and user_id = $2
         order by version_no desc"#,
        application_id,
        user_id,
    )
    .fetch_all(conn)
    .await
}

#[derive(Debug, Clone)]
pub struct CoverLetterRow {
    pub id: Uuid,
    pub cv_id: Uuid,
    pub lang: Option<String>,
    pub body_json: serde_json::Value,
    pub body_text: String,
    pub pdf_path: Option<String>,
    pub docx_path: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The cover letters of an application's CV versions (at most one per CV).
pub async fn list_cover_letters(
    conn: &mut PgConnection,
    user_id: Uuid,
    application_id: Uuid,
) -> Result<Vec<CoverLetterRow>, sqlx::Error> {
    sqlx::query_as!(
        CoverLetterRow,
        r#"select id, cv_id, lang, body_json, body_text, pdf_path, docx_path, created_at, updated_at
         from cover_letters where application_id = $1 and user_id = $2"#,
        application_id,
        user_id,
    )
    .fetch_all(conn)
    .await
}

#[derive(Debug, Clone)]
pub struct CommunicationRow {
    pub id: Uuid,
    pub application_id: Uuid,
    pub channel: CommunicationChannel,
    pub direction: CommunicationDirection,
    pub subject: Option<String>,
    pub body: String,
    pub occurred_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewCommunication {
    pub application_id: Uuid,
    pub user_id: Uuid,
    pub channel: CommunicationChannel,
    pub direction: CommunicationDirection,
    pub subject: Option<String>,
    pub body: String,
    /// Now when not given.
    pub occurred_at: Option<DateTime<Utc>>,
}

pub async fn insert_communication(
    conn: &mut PgConnection,
    c: &NewCommunication,
) -> Result<CommunicationRow, sqlx::Error> {
    sqlx::query_as!(
        CommunicationRow,
        r#"insert into communications (user_id, application_id, channel, direction, subject, body, occurred_at)
         values ($1, $2, $3, $4, $5, $6, coalesce($7, now()))
         returning id, application_id, channel as "channel: CommunicationChannel",
           direction as "direction: CommunicationDirection", subject, body, occurred_at, created_at"#,
        c.user_id,
        c.application_id,
        c.channel as CommunicationChannel,
        c.direction as CommunicationDirection,
        c.subject,
        c.body,
        c.occurred_at,
    )
    .fetch_one(conn)
    .await
}

/// Newest `occurred_at` first; the cursor's `created_at` holds `occurred_at`.
/// Fetches `limit + 1` rows.
pub async fn list_communications(
    conn: &mut PgConnection,
    user_id: Uuid,
    application_id: Uuid,
    limit: i64,
    after: Option<Cursor>,
) -> Result<Vec<CommunicationRow>, sqlx::Error> {
    sqlx::query_as!(
        CommunicationRow,
        r#"select id, application_id, channel as "channel: CommunicationChannel",
           direction as "direction: CommunicationDirection", subject, body, occurred_at, created_at
         from communications
         where application_id = $1 and user_id = $2
           and ($3::timestamptz is null or (occurred_at, id) < ($3, $4))
         order by occurred_at desc, id desc
         limit $5"#,
        application_id,
        user_id,
        after.map(|c| c.created_at),
        after.map(|c| c.id),
        limit + 1,
    )
    .fetch_all(conn)
    .await
}

#[derive(Debug, Clone)]
pub struct ActionPointRow {
    pub id: Uuid,
    pub application_id: Uuid,
    pub title: String,
    pub due_at: Option<DateTime<Utc>>,
    pub done: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn insert_action_point(
    conn: &mut PgConnection,
    user_id: Uuid,
    application_id: Uuid,
    title: &str,
    due_at: Option<DateTime<Utc>>,
    done: bool,
) -> Result<ActionPointRow, sqlx::Error> {
    sqlx::query_as!(
        ActionPointRow,
        r#"insert into action_points (user_id, application_id, title, due_at, done)
         values ($1, $2, $3, $4, $5)
         returning id, application_id, title, due_at, done, created_at, updated_at"#,
        user_id,
        application_id,
        title,
        due_at,
        done,
    )
    .fetch_one(conn)
    .await
}

/// Newest first; fetches `limit + 1` rows.
pub async fn list_action_points(
    conn: &mut PgConnection,
    user_id: Uuid,
    application_id: Uuid,
    limit: i64,
    after: Option<Cursor>,
) -> Result<Vec<ActionPointRow>, sqlx::Error> {
    sqlx::query_as!(
        ActionPointRow,
        r#"select id, application_id, title, due_at, done, created_at, updated_at
         from action_points
         where application_id = $1 and user_id = $2
           and ($3::timestamptz is null or (created_at, id) < ($3, $4))
         order by created_at desc, id desc
         limit $5"#,
        application_id,
        user_id,
        after.map(|c| c.created_at),
        after.map(|c| c.id),
        limit + 1,
    )
    .fetch_all(conn)
    .await
}

/// What `PATCH /action_points/{id}` changes: `None` leaves a field alone;
/// `due_at: Some(None)` clears the due date.
#[derive(Debug, Clone, Default)]
pub struct ActionPointChanges {
    pub title: Option<String>,
    pub due_at: Option<Option<DateTime<Utc>>>,
    pub done: Option<bool>,
}

pub async fn update_action_point(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
    c: &ActionPointChanges,
) -> Result<Option<ActionPointRow>, sqlx::Error> {
    sqlx::query_as!(
        ActionPointRow,
        r#"update action_points set title = coalesce($3, title),
                due_at = case when $4 then $5 else due_at end,
                done = coalesce($6, done)
         where id = $1 and user_id = $2
         returning id, application_id, title, due_at, done, created_at, updated_at"#,
        id,
        user_id,
        c.title,
        c.due_at.is_some(),
        c.due_at.flatten(),
        c.done,
    )
    .fetch_optional(conn)
    .await
}
