//! Callbacks from n8n: authenticated by `X-Workflow-Token` (constant-time
//! compare), turned into signals to the waiting workflow. Large payloads are
//! parked in `workflow_inbox`; the signal carries only the inbox id.

use crate::envelope::ErrorEnvelope;
use crate::openapi::errors as E;
use crate::{
    envelope::{self, Envelope},
    error::{ApiError, ApiResult},
    extract::ApiJson,
    state::AppState,
};
use axum::{extract::State, http::HeaderMap, response::Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use shared::{
    contracts::{self, N8nCallback, ParseResumeN8nCallback},
    db::{inbox, resumes},
};
use utoipa::ToSchema;
use uuid::Uuid;

/// `POST /callbacks/n8n/resume` body.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct ResumeCallback {
    #[schema(value_type = Uuid, required = true)]
    pub resume_version_id: Option<String>,
    pub raw_text: Option<String>,
    pub content_md: Option<String>,
    /// Structure following `/schemas/parsed_resume.json`; ignored (and the
    /// text structured locally) when it does not match.
    #[schema(value_type = Option<Object>)]
    pub parsed_json: Option<Value>,
    /// Set when n8n could not parse the file; the version fails with it.
    pub error: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CallbackAccepted {
    pub accepted: bool,
    /// True when this exact callback was already received (no second effect).
    pub duplicate: bool,
}

pub fn check_token(state: &AppState, headers: &HeaderMap) -> ApiResult<()> {
    let presented = headers
        .get("x-workflow-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if presented.is_empty() || !state.workflow_token_matches(presented) {
        return Err(ApiError::Unauthorized(
            "missing or wrong X-Workflow-Token".into(),
        ));
    }
    Ok(())
}

/// Hash of the callback body in canonical form (keys sorted).
fn digest(v: &Value) -> String {
    let bytes = serde_json::to_vec(v).unwrap_or_default();
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn parse_id(field: &str, raw: Option<&str>) -> ApiResult<Uuid> {
    let raw = raw
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::validation(field, "is required"))?;
    raw.parse()
        .map_err(|_| ApiError::BadRequest(format!("{field} is not a valid id")))
}

/// A callback payload to park in the inbox for one subject.
struct Parked {
    kind: &'static str,
    subject_id: Uuid,
    user_id: Uuid,
    payload: Value,
}

/// Park the payload, then signal its id to the waiting workflow. The first
/// callback wins: an identical one again is a no-op (200, `duplicate: true`;
/// the signal is repeated in case the first one did not get through), a
/// different one after it — or with no workflow waiting — is a 409.
async fn deliver<F, Fut>(
    state: &AppState,
    parked: Parked,
    signal: F,
    not_waiting: &str,
) -> ApiResult<Response>
where
    F: FnOnce(AppState, N8nCallback) -> Fut,
    Fut: std::future::Future<Output = ApiResult<bool>>,
{
    let mut conn = state.db.acquire().await?;
    let (inbox_id, new) = inbox::put(
        &mut conn,
        parked.user_id,
        parked.kind,
        parked.subject_id,
        &parked.payload,
        &digest(&parked.payload),
    )
    .await?;
    if !new {
        drop(conn);
        // The workflow keeps the first callback it sees, so this is harmless
        // when the first signal did arrive.
        let _ = signal(state.clone(), N8nCallback { inbox_id }).await;
        return Ok(envelope::ok(CallbackAccepted {
            accepted: true,
            duplicate: true,
        }));
    }
    let received = inbox::count_for(&mut conn, parked.kind, parked.subject_id).await?;
    drop(conn);
    if received > 1 || !signal(state.clone(), N8nCallback { inbox_id }).await? {
        return Err(ApiError::Conflict(not_waiting.to_string()));
    }
    Ok(envelope::ok(CallbackAccepted {
        accepted: true,
        duplicate: false,
    }))
}

/// n8n's parse result for an uploaded resume.
#[utoipa::path(
    post, path = "/callbacks/n8n/resume", operation_id = "n8n_resume_callback", tag = "callbacks",
    request_body = ResumeCallback,
    params(("X-Workflow-Token" = String, Header, description = "Shared secret (WORKFLOW_TOKEN)")),
    responses(
        (status = 200, body = Envelope<CallbackAccepted>),
        (status = 404, description = "`not_found`: unknown resume version", body = ErrorEnvelope),
        (status = 409, description = "`conflict`: the version is no longer waiting for a result, or got a different one", body = ErrorEnvelope),
        E::BadRequest, E::CallbackUnauthorized, E::TooLarge, E::Invalid, E::Unavailable,
    )
)]
pub async fn n8n_resume(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ResumeCallback>,
) -> ApiResult<Response> {
    // Looked up once, before the token check: the audit trail names the owner of
    // the subject even for a refused callback; delivery uses it after the check.
    let subject = body
        .resume_version_id
        .as_deref()
        .and_then(|s| s.parse().ok());
    let found = owner_of(&state, "n8n_resume", subject).await;
    let owner = found.as_ref().ok().copied().flatten();
    let answer = n8n_resume_inner(&state, &headers, body, found).await;
    let outcome = answer.as_ref().map(|_| ()).map_err(ApiError::code);
    audit_callback(&state, &headers, "n8n_resume", subject, owner, outcome).await;
    answer
}

async fn n8n_resume_inner(
    state: &AppState,
    headers: &HeaderMap,
    body: ResumeCallback,
    owner: ApiResult<Option<Uuid>>,
) -> ApiResult<Response> {
    let state = state.clone();
    check_token(&state, headers)?;
    let version_id = parse_id("resume_version_id", body.resume_version_id.as_deref())?;
    let user_id = owner?.ok_or(ApiError::NotFound("resume version"))?;
    deliver(
        &state,
        Parked {
            kind: "n8n_resume",
            subject_id: version_id,
            user_id,
            payload: serde_json::to_value(&body).map_err(|e| ApiError::Internal(e.into()))?,
        },
        |state, cb| async move {
            state
                .temporal
                .signal(
                    ParseResumeN8nCallback,
                    &contracts::parse_resume_workflow_id(version_id),
                    cb,
                )
                .await
        },
        "this resume version is no longer waiting for a parse result",
    )
    .await
}

/// `POST /callbacks/n8n/job` body.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct JobCallback {
    #[schema(value_type = Uuid, required = true)]
    pub job_id: Option<String>,
    pub job_description: Option<String>,
    pub title: Option<String>,
    pub company: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub parsed_json: Option<Value>,
    /// Set when n8n could not scrape the page; the job fails with it.
    pub error: Option<String>,
}

/// n8n's scrape result for a URL job.
#[utoipa::path(
    post, path = "/callbacks/n8n/job", operation_id = "n8n_job_callback", tag = "callbacks",
    request_body = JobCallback,
    params(("X-Workflow-Token" = String, Header, description = "Shared secret (WORKFLOW_TOKEN)")),
    responses(
        (status = 200, body = Envelope<CallbackAccepted>),
        (status = 404, description = "`not_found`: unknown job", body = ErrorEnvelope),
        (status = 409, description = "`conflict`: the job is no longer waiting for a result, or got a different one", body = ErrorEnvelope),
        E::BadRequest, E::CallbackUnauthorized, E::TooLarge, E::Invalid, E::Unavailable,
    )
)]
pub async fn n8n_job(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<JobCallback>,
) -> ApiResult<Response> {
    let subject = body.job_id.as_deref().and_then(|s| s.parse().ok());
    let found = owner_of(&state, "n8n_job", subject).await;
    let owner = found.as_ref().ok().copied().flatten();
    let answer = n8n_job_inner(&state, &headers, body, found).await;
    let outcome = answer.as_ref().map(|_| ()).map_err(ApiError::code);
    audit_callback(&state, &headers, "n8n_job", subject, owner, outcome).await;
    answer
}

async fn n8n_job_inner(
    state: &AppState,
    headers: &HeaderMap,
    body: JobCallback,
    owner: ApiResult<Option<Uuid>>,
) -> ApiResult<Response> {
    let state = state.clone();
    check_token(&state, headers)?;
    let job_id = parse_id("job_id", body.job_id.as_deref())?;
    let user_id = owner?.ok_or(ApiError::NotFound("job"))?;
    deliver(
        &state,
        Parked {
            kind: "n8n_job",
            subject_id: job_id,
            user_id,
            payload: serde_json::to_value(&body).map_err(|e| ApiError::Internal(e.into()))?,
        },
        |state, cb| async move {
            state
                .temporal
                .signal(
                    contracts::IngestJobN8nCallback,
                    &contracts::ingest_job_workflow_id(job_id),
                    cb,
                )
                .await
        },
        "this job is no longer waiting for a scrape result",
    )
    .await
}

/// The owner of the subject a callback names (`kind`), looked up once: `Ok(None)` when
/// there is no such subject or no usable id.
async fn owner_of(state: &AppState, kind: &str, subject: Option<Uuid>) -> ApiResult<Option<Uuid>> {
    let Some(id) = subject else {
        return Ok(None);
    };
    let mut conn = state.db.acquire().await?;
    Ok(match kind {
        "n8n_resume" => resumes::find_version_any_user(&mut conn, id)
            .await?
            .map(|v| v.user_id),
        _ => shared::db::jobs::find_job_any_user(&mut conn, id)
            .await?
            .map(|j| j.user_id),
    })
}

/// Every callback, accepted or refused, goes to the audit trail: under the subject's
/// owner when the subject exists (the owner reads it), else with no user. Only the
/// kind, the subject id and the answer's code are kept — never the payload.
async fn audit_callback(
    state: &AppState,
    headers: &HeaderMap,
    kind: &str,
    subject: Option<Uuid>,
    owner: Option<Uuid>,
    outcome: Result<(), &'static str>,
) {
    let (action, outcome) = match outcome {
        Ok(()) => ("callback.accepted", "ok"),
        Err(code) => ("callback.refused", code),
    };
    crate::audit::write(
        state,
        shared::db::audit::AuditEvent {
            user_id: owner,
            action,
            subject_type: Some(if kind == "n8n_resume" {
                "resume_version"
            } else {
                "job"
            }),
            subject_id: owner.and(subject),
            request_id: crate::extract::request_id(headers),
            workflow_id: None,
            detail: serde_json::json!({ "callback": kind, "outcome": outcome }),
        },
    )
    .await;
}
