//! Resumes: create from text, read, list, versions, delete.

use crate::{
    app::AppState,
    envelope::{self, Envelope, Page},
    error::{ApiError, ApiResult},
    extract::{ApiJson, ApiPath, ApiQuery, AuthUser},
    routes::views::{ListQuery, ResumeListItem, ResumeView, VersionView},
    temporal::{self, StartRequest},
};
use axum::{extract::State, response::Response};
use serde::{Deserialize, Serialize};
use shared::{
    contracts::{self, ParseResumeInput, ParseResumeProgress, ParseResumeWorkflow},
    db::{self, pagination, resumes},
    domain::{Lang, ParseStatus, ResumeSource},
};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

pub const MAX_RAW_TEXT_CHARS: usize = 200_000;
pub const MAX_TITLE_CHARS: usize = 200;

/// `POST /resumes/from-text` body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FromTextRequest {
    /// 1..200 characters.
    #[schema(example = "Backend resume")]
    pub title: Option<String>,
    /// The resume text, 1..200,000 characters.
    pub raw_text: Option<String>,
    /// `en` or `ar`; detected from the text when omitted.
    #[schema(example = "en")]
    pub resume_lang: Option<String>,
}

/// Field problems collected in one pass, answered as one 422.
#[derive(Default)]
pub struct Problems(BTreeMap<String, String>);

impl Problems {
    pub fn add(&mut self, field: &str, problem: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_insert_with(|| problem.into());
    }

    pub fn into_result(self) -> ApiResult<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        let message = self
            .0
            .iter()
            .map(|(f, p)| format!("{f}: {p}"))
            .collect::<Vec<_>>()
            .join("; ");
        Err(ApiError::Validation {
            message,
            fields: self.0,
        })
    }
}

/// `None` = not given; a given value must be exactly `en` or `ar`.
pub fn check_lang(problems: &mut Problems, field: &str, value: Option<&str>) -> Option<Lang> {
    let v = value?;
    match v.parse::<Lang>() {
        Ok(l) => Some(l),
        Err(e) => {
            problems.add(field, e.to_string());
            None
        }
    }
}

pub fn check_title(problems: &mut Problems, title: Option<&str>, required: bool) -> Option<String> {
    match title.map(str::trim) {
        None | Some("") if required => {
            problems.add("title", "must not be empty");
            None
        }
        None | Some("") => None,
        Some(t) if t.chars().count() > MAX_TITLE_CHARS => {
            problems.add(
                "title",
                format!("must be at most {MAX_TITLE_CHARS} characters"),
            );
            None
        }
        Some(t) => Some(t.to_string()),
    }
}

pub fn check_raw_text(problems: &mut Problems, raw_text: Option<&str>) -> Option<String> {
    match raw_text {
        None => {
            problems.add("raw_text", "is required");
            None
        }
        Some(t) if t.trim().is_empty() => {
            problems.add("raw_text", "must not be empty");
            None
        }
        Some(t) if t.chars().count() > MAX_RAW_TEXT_CHARS => {
            problems.add(
                "raw_text",
                format!("must be at most {MAX_RAW_TEXT_CHARS} characters"),
            );
            None
        }
        Some(t) => Some(t.to_string()),
    }
}

/// What `POST /resumes/...` answers: the resume, the new version, the workflow parsing it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResumeCreated {
    pub resume: ResumeView,
    pub version: VersionView,
    /// Temporal workflow id (`parse-resume-{version_id}`), visible in the Web UI.
    pub workflow_id: String,
}

/// Create a resume from pasted text and start parsing it.
#[utoipa::path(
    post, path = "/resumes/from-text", tag = "resumes",
    request_body = FromTextRequest,
    responses(
        (status = 202, description = "Created; parsing runs in the background", body = Envelope<ResumeCreated>),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody),
        (status = 413, body = crate::error::ErrorBody),
        (status = 422, description = "Empty text, bad language code", body = crate::error::ErrorBody),
        (status = 429, body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create_from_text(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<FromTextRequest>,
) -> ApiResult<Response> {
    let mut problems = Problems::default();
    let title = check_title(&mut problems, req.title.as_deref(), true);
    let raw_text = check_raw_text(&mut problems, req.raw_text.as_deref());
    let lang = check_lang(&mut problems, "resume_lang", req.resume_lang.as_deref());
    problems.into_result()?;
    let (Some(title), Some(raw_text)) = (title, raw_text) else {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };
    state
        .limiter
        .check(user.user_id)
        .map_err(|retry_after| ApiError::RateLimited { retry_after })?;

    let created = create_resume_with_version(
        &state,
        &user,
        NewResume {
            title,
            source: ResumeSource::Text,
            resume_lang: lang,
            raw_text: Some(raw_text),
            file: None,
        },
    )
    .await?;
    Ok(envelope::accepted(created))
}

/// An uploaded original, already stored.
pub struct StoredFile {
    pub path: String,
    pub name: String,
    pub kind: String,
    pub size: i64,
}

pub struct NewResume {
    pub title: String,
    pub source: ResumeSource,
    pub resume_lang: Option<Lang>,
    pub raw_text: Option<String>,
    pub file: Option<StoredFile>,
}

/// Rows first, then the workflow, then commit: if Temporal cannot take the
/// workflow the rows are rolled back and the client gets a 503 — nothing is
/// left half-created. If the commit fails after the start, the workflow finds
/// no version and ends at once.
pub async fn create_resume_with_version(
    state: &AppState,
    user: &AuthUser,
    new: NewResume,
) -> ApiResult<ResumeCreated> {
    let resume_id = Uuid::new_v4();
    let version_id = Uuid::new_v4();
    let workflow_id = contracts::parse_resume_workflow_id(version_id);
    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    let resume = resumes::insert_resume(
        &mut tx,
        resume_id,
        user.user_id,
        &new.title,
        new.source,
        new.file.as_ref().map(|f| f.path.as_str()),
    )
    .await
    .map_err(account_missing)?;
    let version = resumes::insert_version(
        &mut tx,
        &resumes::NewVersion {
            id: version_id,
            resume_id,
            user_id: user.user_id,
            source: new.source,
            resume_lang: new.resume_lang,
            raw_text: new.raw_text,
            file_path: new.file.as_ref().map(|f| f.path.clone()),
            file_name: new.file.as_ref().map(|f| f.name.clone()),
            file_kind: new.file.as_ref().map(|f| f.kind.clone()),
            file_size: new.file.as_ref().map(|f| f.size),
            workflow_id: workflow_id.clone(),
        },
    )
    .await?;
    start_parse(state, user.user_id, &resume, &version, &new.title).await?;
    tx.commit().await?;
    Ok(ResumeCreated {
        resume: ResumeView::new(&resume, Some(&version), None),
        version: VersionView::from(&version),
        workflow_id,
    })
}

pub async fn start_parse(
    state: &AppState,
    user_id: Uuid,
    resume: &resumes::ResumeRow,
    version: &resumes::VersionRow,
    title: &str,
) -> ApiResult<()> {
    let source = version.source;
    let summary = format!(
        "Parse resume \"{}\" v{} ({})",
        truncate(title, 60),
        version.version_no,
        source
    );
    state
        .temporal
        .start(StartRequest {
            workflow: ParseResumeWorkflow,
            workflow_id: contracts::parse_resume_workflow_id(version.id),
            input: ParseResumeInput {
                user_id,
                resume_id: resume.id,
                version_id: version.id,
                source,
                resume_lang: version.resume_lang.as_deref().and_then(|l| l.parse().ok()),
            },
            summary,
            search_attributes: temporal::attributes(
                user_id,
                &[(&contracts::SA_RESUME_ID, resume.id.to_string())],
            ),
        })
        .await?;
    Ok(())
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

/// A valid token whose user row is gone (deleted account).
pub fn account_missing(e: sqlx::Error) -> ApiError {
    if db::is_foreign_key_violation(&e) {
        ApiError::Unauthorized("the account for this access token no longer exists".into())
    } else {
        e.into()
    }
}

/// One resume with the version a reader should see.
#[utoipa::path(
    get, path = "/resumes/{id}", tag = "resumes",
    params(("id" = Uuid, Path, description = "Resume id")),
    responses(
        (status = 200, body = Envelope<ResumeView>),
        (status = 400, description = "Unparsable id", body = crate::error::ErrorBody),
        (status = 404, description = "No such resume for this user", body = crate::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_one(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    let resume = resumes::get_resume(&mut tx, user.user_id, id)
        .await?
        .ok_or(ApiError::NotFound("resume"))?;
    let shown = resumes::current_version(&mut tx, user.user_id, &resume).await?;
    let latest = resumes::latest_version(&mut tx, user.user_id, resume.id).await?;
    tx.commit().await?;

    let mut view = ResumeView::new(&resume, shown.as_ref(), latest.as_ref());
    // Live progress of the newest version while its workflow runs.
    if let Some(latest) = &latest
        && matches!(
            latest.parse_status,
            ParseStatus::Pending | ParseStatus::Parsing
        )
    {
        view.progress = state
            .temporal
            .progress(
                ParseResumeProgress,
                &contracts::parse_resume_workflow_id(latest.id),
            )
            .await;
    }
    Ok(envelope::ok(view))
}

/// The user's resumes, newest first.
#[utoipa::path(
    get, path = "/resumes", tag = "resumes",
    params(ListQuery),
    responses(
        (status = 200, body = Envelope<Page<ResumeListItem>>),
        (status = 400, description = "Bad cursor", body = crate::error::ErrorBody),
        (status = 422, description = "limit outside 1..100", body = crate::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Response> {
    let (limit, cursor) = q.parse()?;
    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    let rows = resumes::list_resumes(&mut tx, user.user_id, limit, cursor).await?;
    tx.commit().await?;
    let (rows, next_cursor) = pagination::split_page(rows, limit, |r| pagination::Cursor {
        created_at: r.resume.created_at,
        id: r.resume.id,
    });
    Ok(envelope::ok(Page {
        items: rows.iter().map(ResumeListItem::from).collect(),
        next_cursor,
    }))
}

/// Every version of a resume, newest first.
#[utoipa::path(
    get, path = "/resumes/{id}/versions", tag = "resumes",
    params(("id" = Uuid, Path, description = "Resume id")),
    responses(
        (status = 200, body = Envelope<Vec<VersionView>>),
        (status = 404, body = crate::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_versions(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    resumes::get_resume(&mut tx, user.user_id, id)
        .await?
        .ok_or(ApiError::NotFound("resume"))?;
    let versions = resumes::list_versions(&mut tx, user.user_id, id).await?;
    tx.commit().await?;
    Ok(envelope::ok(
        versions.iter().map(VersionView::from).collect::<Vec<_>>(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Deleted {
    pub deleted: bool,
}

/// Delete a resume with all its versions.
#[utoipa::path(
    delete, path = "/resumes/{id}", tag = "resumes",
    params(("id" = Uuid, Path, description = "Resume id")),
    responses(
        (status = 200, body = Envelope<Deleted>),
        (status = 404, body = crate::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn delete(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    let deleted = resumes::delete_resume(&mut tx, user.user_id, id).await?;
    tx.commit().await?;
    if !deleted {
        return Err(ApiError::NotFound("resume"));
    }
    Ok(envelope::ok(Deleted { deleted: true }))
}
