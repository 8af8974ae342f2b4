//! Resumes: create from text, read, list, versions, delete.

use super::upload;
use crate::envelope::ErrorEnvelope;
use crate::openapi::errors as E;
use crate::{
    audit,
    envelope::{self, Envelope, Page},
    error::{ApiError, ApiResult},
    extract::{ApiJson, ApiPath, ApiQuery, AuthUser, LimitedUser},
    routes::views::{ListQuery, ResumeListItem, ResumeView, VersionView},
    state::AppState,
    temporal::{self, StartRequest},
    validate::{
        Problems, account_missing, check_lang, check_no_nul, check_raw_text, check_title, truncate,
    },
};
use axum::{extract::State, response::Response};
use serde::{Deserialize, Serialize};
use shared::{
    contracts::{
        self, ParseResumeInput, ParseResumeProgress, ParseResumeWorkflow, PurgeResumeInput,
        PurgeResumeWorkflow,
    },
    db::{self, pagination, resumes},
    domain::{Lang, ParseStatus, ResumeSource},
    filetype::DocKind,
    storage,
};
use utoipa::ToSchema;
use uuid::Uuid;

/// `POST /resumes/from-text` body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FromTextRequest {
    /// 1..200 characters, not only spaces.
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200, pattern = r"^[^\u0000]*[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\u0000][^\u0000]*$", example = "Backend resume")]
    pub title: Option<String>,
    /// The resume text, 1..200,000 characters, not only spaces.
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200000, pattern = r"^[^\u0000]*[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\u0000][^\u0000]*$")]
    pub raw_text: Option<String>,
    /// Detected from the text when omitted.
    #[schema(value_type = Option<Lang>, example = "en")]
    pub resume_lang: Option<String>,
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
    post, path = "/resumes/from-text", operation_id = "create_resume_from_text", tag = "resumes",
    request_body = FromTextRequest,
    responses(
        (status = 202, description = "Created; parsing runs in the background", body = Envelope<ResumeCreated>,
            links(
                ("GetResume" = (operation_id = "get_resume", parameters(("id" = "$response.body#/data/resume/id")))),
                ("ListVersions" = (operation_id = "list_resume_versions", parameters(("id" = "$response.body#/data/resume/id")))),
                ("GetFileUrl" = (operation_id = "get_resume_file_url", parameters(("id" = "$response.body#/data/resume/id")))),
                ("AddVersion" = (operation_id = "add_resume_version", parameters(("id" = "$response.body#/data/resume/id")))),
                ("DeleteResume" = (operation_id = "delete_resume", parameters(("id" = "$response.body#/data/resume/id")))),
                ("OptimizeResume" = (operation_id = "optimize_resume", parameters(("id" = "$response.body#/data/resume/id")))),
                ("CreateJob" = (operation_id = "create_job", request_body = json!({
                    "resume_id": "$response.body#/data/resume/id",
                    "job_description": "Backend engineer\nRust and PostgreSQL required",
                }))),
            )
        ),
        E::BadRequest, E::Unauthorized, E::TooLarge, E::Invalid, E::RateLimited, E::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn create_from_text(
    State(state): State<AppState>,
    LimitedUser(user): LimitedUser,
    ApiJson(req): ApiJson<FromTextRequest>,
) -> ApiResult<Response> {
    let mut problems = Problems::default();
    check_no_nul(
        &mut problems,
        &[
            ("title", req.title.as_deref()),
            ("raw_text", req.raw_text.as_deref()),
        ],
    );
    let title = check_title(&mut problems, req.title.as_deref(), true);
    let raw_text = check_raw_text(&mut problems, req.raw_text.as_deref());
    let lang = check_lang(&mut problems, "resume_lang", req.resume_lang.as_deref());
    problems.into_result()?;
    let (Some(title), Some(raw_text)) = (title, raw_text) else {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };

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

/// An upload to store with the new version.
pub struct FileToStore {
    pub name: Option<String>,
    pub kind: DocKind,
    pub bytes: bytes::Bytes,
}

/// A new resume, or a new version of an existing one.
pub enum Target {
    New { title: String },
    Existing(Uuid),
}

pub struct NewVersionInput {
    pub source: ResumeSource,
    pub resume_lang: Option<Lang>,
    pub raw_text: Option<String>,
    pub file: Option<FileToStore>,
}

pub struct NewResume {
    pub title: String,
    pub source: ResumeSource,
    pub resume_lang: Option<Lang>,
    pub raw_text: Option<String>,
    pub file: Option<FileToStore>,
}

pub async fn create_resume_with_version(
    state: &AppState,
    user: &AuthUser,
    new: NewResume,
) -> ApiResult<ResumeCreated> {
    create_version(
        state,
        user,
        Target::New { title: new.title },
        NewVersionInput {
            source: new.source,
            resume_lang: new.resume_lang,
            raw_text: new.raw_text,
            file: new.file,
        },
    )
    .await
}

/// The original goes to blob storage first, at the deterministic path of the
/// new version's id, with no database connection held: an upload of up to
/// 10 MiB (to S3, in the cloud) must not keep a pooled connection busy, or a
/// few slow uploads would block the whole API. Then one transaction inserts
/// the rows, starts the workflow and commits. If anything after the store
/// fails (no such resume, Temporal unreachable, an insert), the rows are
/// rolled back and the stored file is deleted (best effort; an orphan left by
/// a crash sits under the resume's prefix, which the purge removes) — nothing
/// is left half-created. (If the commit fails after the start, the workflow
/// finds no version and ends at once.)
pub async fn create_version(
    state: &AppState,
    user: &AuthUser,
    target: Target,
    input: NewVersionInput,
) -> ApiResult<ResumeCreated> {
    let resume_id = match &target {
        Target::New { .. } => Uuid::new_v4(),
        Target::Existing(id) => *id,
    };
    let version_id = Uuid::new_v4();
    let workflow_id = contracts::parse_resume_workflow_id(version_id);

    if let (Target::Existing(id), Some(_)) = (&target, &input.file) {
        // Ownership first: nothing is stored for a resume the caller cannot
        // see. A short read of its own; the insert transaction checks again.
        let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
        resumes::get_resume(&mut tx, user.user_id, *id)
            .await?
            .ok_or(ApiError::NotFound("resume"))?;
        tx.commit().await?;
    }
    let stored = match &input.file {
        Some(f) => {
            let path =
                storage::resume_original_path(user.user_id, resume_id, version_id, f.kind.as_str());
            state
                .blobs
                .put(&path, f.bytes.clone(), f.kind.mime_type())
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "storing upload failed");
                    ApiError::Unavailable("file storage")
                })?;
            Some(path)
        }
        None => None,
    };

    let result = insert_version_and_start(
        state,
        user,
        &target,
        &input,
        resume_id,
        version_id,
        &workflow_id,
        stored.as_deref(),
    )
    .await;
    match result {
        Ok((resume, version)) => {
            let action = match target {
                Target::New { .. } => "resume.created",
                Target::Existing(_) => "resume.version_added",
            };
            audit::record(
                state,
                user,
                action,
                ("resume", resume.id),
                Some(&workflow_id),
                serde_json::json!({
                    "version_id": version.id,
                    "source": if stored.is_some() { "upload" } else { "text" },
                    "file_kind": input.file.as_ref().map(|f| f.kind.as_str()),
                }),
            )
            .await;
            Ok(ResumeCreated {
                resume: ResumeView::new(&resume, Some(&version), None),
                version: VersionView::from(&version),
                workflow_id,
            })
        }
        Err(e) => {
            if let Some(path) = stored
                && let Err(cleanup) = state.blobs.delete(&path).await
            {
                tracing::warn!(error = %cleanup, path = %path, "could not delete the stored upload of a failed request");
            }
            Err(e)
        }
    }
}

/// The transaction of [`create_version`]: rows, workflow start, commit.
#[allow(clippy::too_many_arguments)]
async fn insert_version_and_start(
    state: &AppState,
    user: &AuthUser,
    target: &Target,
    input: &NewVersionInput,
    resume_id: Uuid,
    version_id: Uuid,
    workflow_id: &str,
    stored: Option<&str>,
) -> ApiResult<(resumes::ResumeRow, resumes::VersionRow)> {
    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    let resume = match target {
        Target::Existing(id) => resumes::get_resume(&mut tx, user.user_id, *id)
            .await?
            .ok_or(ApiError::NotFound("resume"))?,
        Target::New { title } => resumes::insert_resume(
            &mut tx,
            resume_id,
            user.user_id,
            title,
            input.source,
            stored,
        )
        .await
        .map_err(account_missing)?,
    };
    let version = resumes::insert_version(
        &mut tx,
        &resumes::NewVersion {
            id: version_id,
            resume_id,
            user_id: user.user_id,
            source: input.source,
            resume_lang: input.resume_lang,
            raw_text: input.raw_text.clone(),
            file_path: stored.map(str::to_string),
            file_name: input.file.as_ref().and_then(|f| f.name.clone()),
            file_kind: input.file.as_ref().map(|f| f.kind.as_str().to_string()),
            file_size: input.file.as_ref().map(|f| f.bytes.len() as i64),
            workflow_id: workflow_id.to_string(),
        },
    )
    .await?;
    start_parse(state, user.user_id, &resume, &version, &resume.title).await?;
    tx.commit().await?;
    Ok((resume, version))
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

/// One resume with the version a reader should see.
#[utoipa::path(
    get, path = "/resumes/{id}", operation_id = "get_resume", tag = "resumes",
    params(("id" = Uuid, Path, description = "Resume id")),
    responses(
        (status = 200, body = Envelope<ResumeView>),
        (status = 404, description = "`not_found`: no such resume for this user", body = ErrorEnvelope),
        E::BadRequest, E::Unauthorized, E::Unavailable,
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
    get, path = "/resumes", operation_id = "list_resumes", tag = "resumes",
    params(ListQuery),
    responses(
        (status = 200, body = Envelope<Page<ResumeListItem>>),
        E::BadRequest, E::Unauthorized, E::Invalid, E::Unavailable,
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
        next_cursor: crate::routes::views::next_cursor(next_cursor),
    }))
}

/// Every version of a resume, newest first.
#[utoipa::path(
    get, path = "/resumes/{id}/versions", operation_id = "list_resume_versions", tag = "resumes",
    params(("id" = Uuid, Path, description = "Resume id")),
    responses(
        (status = 200, body = Envelope<Vec<VersionView>>),
        (status = 404, description = "`not_found`: no such resume for this user", body = ErrorEnvelope),
        E::BadRequest, E::Unauthorized, E::Unavailable,
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

/// Delete a resume with all its versions, stored files and vectors.
#[utoipa::path(
    delete, path = "/resumes/{id}", operation_id = "delete_resume", tag = "resumes",
    params(("id" = Uuid, Path, description = "Resume id")),
    responses(
        (status = 200, body = Envelope<Deleted>),
        (status = 404, description = "`not_found`: no such resume for this user", body = ErrorEnvelope),
        E::BadRequest, E::Unauthorized, E::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn delete(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    // Rows go in the transaction; files, chunks and vectors go in PurgeResume,
    // which Temporal retries until done. It starts before the commit so a
    // Temporal outage deletes nothing; it only purges once the rows are gone.
    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    let job_ids = db::jobs::job_ids_of_resume(&mut tx, user.user_id, id).await?;
    let deleted = resumes::delete_resume(&mut tx, user.user_id, id).await?;
    if !deleted {
        return Err(ApiError::NotFound("resume"));
    }
    let workflow_id = contracts::purge_resume_workflow_id(id);
    let job_count = job_ids.len();
    state
        .temporal
        .start(StartRequest {
            workflow: PurgeResumeWorkflow,
            workflow_id: workflow_id.clone(),
            input: PurgeResumeInput {
                user_id: user.user_id,
                resume_id: id,
                job_ids,
            },
            summary: format!("Purge files and vectors of deleted resume {id}"),
            search_attributes: temporal::attributes(
                user.user_id,
                &[(&contracts::SA_RESUME_ID, id.to_string())],
            ),
        })
        .await?;
    tx.commit().await?;
    audit::record(
        &state,
        &user,
        "resume.deleted",
        ("resume", id),
        Some(&workflow_id),
        serde_json::json!({ "jobs": job_count }),
    )
    .await;
    // Usually done in well under a second; answer anyway after a short wait.
    let _ = state
        .temporal
        .result::<PurgeResumeWorkflow>(&workflow_id, std::time::Duration::from_secs(15))
        .await;
    Ok(envelope::ok(Deleted { deleted: true }))
}

/// Upload a resume file (PDF, DOCX, TXT or MD, 10 MiB max) and start parsing it.
#[utoipa::path(
    post, path = "/resumes/upload", operation_id = "upload_resume", tag = "resumes",
    request_body(content = UploadRequest, content_type = "multipart/form-data"),
    responses(
        (status = 202, description = "Stored; parsing runs in the background", body = Envelope<ResumeCreated>,
            links(
                ("GetResume" = (operation_id = "get_resume", parameters(("id" = "$response.body#/data/resume/id")))),
                ("ListVersions" = (operation_id = "list_resume_versions", parameters(("id" = "$response.body#/data/resume/id")))),
                ("GetFileUrl" = (operation_id = "get_resume_file_url", parameters(("id" = "$response.body#/data/resume/id")))),
                ("AddVersion" = (operation_id = "add_resume_version", parameters(("id" = "$response.body#/data/resume/id")))),
                ("DeleteResume" = (operation_id = "delete_resume", parameters(("id" = "$response.body#/data/resume/id")))),
                ("OptimizeResume" = (operation_id = "optimize_resume", parameters(("id" = "$response.body#/data/resume/id")))),
                ("CreateJob" = (operation_id = "create_job", request_body = json!({
                    "resume_id": "$response.body#/data/resume/id",
                    "job_description": "Backend engineer\nRust and PostgreSQL required",
                }))),
            )
        ),
        E::BadRequest, E::Unauthorized, E::TooLarge, E::UnsupportedType, E::Invalid, E::RateLimited, E::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn upload(
    State(state): State<AppState>,
    LimitedUser(user): LimitedUser,
    headers: axum::http::HeaderMap,
    mp: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    let limit = state.settings.upload_limit;
    upload::check_declared_length(&headers, limit)?;
    let form = upload::read_form(mp.map_err(upload::multipart_rejection)?, limit).await?;
    let mut problems = Problems::default();
    check_no_nul(&mut problems, &[("title", form.title.as_deref())]);
    let lang = check_lang(&mut problems, "resume_lang", form.resume_lang.as_deref());
    let title = check_title(&mut problems, form.title.as_deref(), false);
    if form.file.is_none() {
        problems.add("file", "is required");
    }
    problems.into_result()?;
    let Some(file) = form.file else {
        return Err(ApiError::validation("file", "is required"));
    };
    let kind = upload::classify(&file)?;
    let title = title.unwrap_or_else(|| upload::title_from_file_name(file.name.as_deref()));
    let created = create_resume_with_version(
        &state,
        &user,
        NewResume {
            title,
            source: ResumeSource::Upload,
            resume_lang: lang,
            raw_text: None,
            file: Some(FileToStore {
                name: file.name,
                kind,
                bytes: file.bytes,
            }),
        },
    )
    .await?;
    Ok(envelope::accepted(created))
}

/// The multipart form of `POST /resumes/upload` (and of file versions).
/// (`Deserialize` only so the document says `additionalProperties: false`:
/// the form is read by `upload::read_form`, which refuses other fields.)
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct UploadRequest {
    /// The resume file: PDF, DOCX, TXT or MD, at most 10 MiB, not empty.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    pub file: Vec<u8>,
    /// Defaults to the file name without its extension; at most 200 characters.
    #[schema(value_type = String, required = false, max_length = 200, pattern = r"^[^\u0000]*$")]
    pub title: Option<String>,
    /// Detected when omitted (or empty).
    #[schema(value_type = UploadLang, required = false)]
    pub resume_lang: Option<String>,
}

/// `en` or `ar`; an empty form field means "detect it".
pub struct UploadLang;

impl utoipa::PartialSchema for UploadLang {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(["en", "ar", ""]))
            .description(Some(
                "`en` or `ar`; empty (or no field) means \"detect it\"",
            ))
            .into()
    }
}

impl ToSchema for UploadLang {}

/// `POST /resumes/{id}/versions` with a JSON body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TextVersionRequest {
    /// The new text, 1..200,000 characters, not only spaces.
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200000, pattern = r"^[^\u0000]*[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\u0000][^\u0000]*$")]
    pub raw_text: Option<String>,
    /// Detected when omitted.
    #[schema(value_type = Option<Lang>)]
    pub resume_lang: Option<String>,
}

/// Add a version from text (JSON) or a file (multipart); it becomes the
/// active version once parsed.
#[utoipa::path(
    post, path = "/resumes/{id}/versions", operation_id = "add_resume_version", tag = "resumes",
    params(("id" = Uuid, Path, description = "Resume id")),
    request_body(content(
        (TextVersionRequest = "application/json"),
        (UploadRequest = "multipart/form-data"),
    )),
    responses(
        (status = 202, body = Envelope<ResumeCreated>),
        (status = 404, description = "`not_found`: no such resume for this user", body = ErrorEnvelope),
        E::BadRequest, E::Unauthorized, E::TooLarge, E::UnsupportedType, E::Invalid, E::RateLimited, E::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn add_version(
    State(state): State<AppState>,
    LimitedUser(user): LimitedUser,
    ApiPath(id): ApiPath<Uuid>,
    request: axum::extract::Request,
) -> ApiResult<Response> {
    use axum::extract::FromRequest;
    let content_type = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let input = if content_type.starts_with("multipart/form-data") {
        let limit = state.settings.upload_limit;
        upload::check_declared_length(request.headers(), limit)?;
        let mp = axum::extract::Multipart::from_request(request, &state)
            .await
            .map_err(upload::multipart_rejection)?;
        let form = upload::read_form(mp, limit).await?;
        let mut problems = Problems::default();
        let lang = check_lang(&mut problems, "resume_lang", form.resume_lang.as_deref());
        if form.file.is_none() {
            problems.add("file", "is required");
        }
        problems.into_result()?;
        let Some(file) = form.file else {
            return Err(ApiError::validation("file", "is required"));
        };
        let kind = upload::classify(&file)?;
        NewVersionInput {
            source: ResumeSource::Upload,
            resume_lang: lang,
            raw_text: None,
            file: Some(FileToStore {
                name: file.name,
                kind,
                bytes: file.bytes,
            }),
        }
    } else {
        let ApiJson(req) = ApiJson::<TextVersionRequest>::from_request(request, &state).await?;
        let mut problems = Problems::default();
        check_no_nul(&mut problems, &[("raw_text", req.raw_text.as_deref())]);
        let raw_text = check_raw_text(&mut problems, req.raw_text.as_deref());
        let lang = check_lang(&mut problems, "resume_lang", req.resume_lang.as_deref());
        problems.into_result()?;
        NewVersionInput {
            source: ResumeSource::Text,
            resume_lang: lang,
            raw_text,
            file: None,
        }
    };
    let created = create_version(&state, &user, Target::Existing(id), input).await?;
    Ok(envelope::accepted(created))
}

/// A short-lived link to the original file of the resume's shown version.
#[utoipa::path(
    get, path = "/resumes/{id}/file", operation_id = "get_resume_file_url", tag = "resumes",
    params(("id" = Uuid, Path, description = "Resume id")),
    responses(
        (status = 200, body = Envelope<shared::storage::SignedUrl>),
        (status = 404, description = "`not_found`: no such resume, or it was pasted as text", body = ErrorEnvelope),
        E::BadRequest, E::Unauthorized, E::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn file_url(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    let resume = resumes::get_resume(&mut tx, user.user_id, id)
        .await?
        .ok_or(ApiError::NotFound("resume"))?;
    let shown = resumes::current_version(&mut tx, user.user_id, &resume).await?;
    tx.commit().await?;
    let version = shown.ok_or(ApiError::NotFound("resume file"))?;
    let path = version
        .file_path
        .as_deref()
        .ok_or(ApiError::NotFound("resume file"))?;
    let link = state
        .blobs
        .download_url(
            path,
            state.settings.download_url_ttl(),
            version.file_name.as_deref(),
        )
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "signing a download link failed");
            ApiError::Unavailable("file storage")
        })?;
    audit::record(
        &state,
        &user,
        "file_link.issued",
        ("resume", id),
        None,
        serde_json::json!({ "file": "resume_original", "version_id": version.id, "expires_at": link.expires_at }),
    )
    .await;
    Ok(envelope::ok(link))
}
