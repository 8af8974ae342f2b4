//! Applications: create (from a resume or an inline structured CV, for a
//! posting's text or an existing job), list, read with CVs, cover letters,
//! tracker and live progress, regenerate a CV version, update, delete.

use crate::envelope::ErrorEnvelope;
use crate::openapi::errors as E;
use crate::{
    audit,
    envelope::{self, Envelope, Page},
    error::{ApiError, ApiResult},
    extract::{ApiJson, ApiPath, ApiQuery, AuthUser, LimitedUser},
    routes::{
        resumes::Deleted,
        views::{
            ActionPointView, ApplicationDetail, ApplicationListQuery, ApplicationView,
            CommunicationView, CoverLetterView, CvView, DocumentLinks, JobOfferView,
        },
    },
    state::AppState,
    temporal::{self, StartRequest},
    validate::{
        MAX_COMPANY_CHARS, MAX_DESCRIPTION_CHARS, MAX_INSTRUCTIONS_CHARS, Problems,
        account_missing, check_lang, check_len, check_no_nul, check_optional, present, truncate,
    },
};
use axum::{extract::State, response::Response};
use serde::{Deserialize, Serialize};
use shared::{
    contracts::{
        self, GenerateApplicationInput, GenerateApplicationProgress, GenerateApplicationWorkflow,
    },
    cv::StructuredCv,
    db::{self, applications as apps, jobs, pagination, resumes},
    domain::{ApplicationStatus, GenerationStatus, JobStatus, Lang, ParseStatus},
    storage,
};
use sqlx::PgConnection;
use utoipa::ToSchema;
use uuid::Uuid;

/// Longest `notes`.
pub const MAX_NOTES_CHARS: usize = 20_000;
/// Communications and action points shown inline by `GET /applications/{id}`.
const INLINE_TRACKER_ITEMS: i64 = 100;

/// `POST /applications` body: exactly one of `resume_id` / `base_cv` and
/// exactly one of `job_description` / `job_id`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(examples(json!({"resume_id": "5f0c6f8e-8d1a-4c1e-9a57-3b0f2f1f7a11", "job_description": "Backend engineer\nRust and PostgreSQL required", "company": "Ledgerline", "position": "Backend engineer"})))]
pub struct CreateApplicationRequest {
    /// One of the caller's resumes, parsed. Give this or `base_cv`.
    #[schema(value_type = Option<Uuid>)]
    pub resume_id: Option<String>,
    /// A structured CV (the shape of a parsed resume's `parsed_json`). Give
    /// this or `resume_id`.
    #[schema(value_type = Option<StructuredCv>)]
    pub base_cv: Option<serde_json::Value>,
    /// The posting text (1..100,000 characters). Give this or `job_id`.
    #[schema(max_length = 100000, pattern = r"^[^\u0000]*$")]
    pub job_description: Option<String>,
    /// One of the caller's jobs: its parsed posting is the offer. Give this
    /// or `job_description`.
    #[schema(value_type = Option<Uuid>)]
    pub job_id: Option<String>,
    /// Defaults to the job's company when `job_id` is given, else to the one
    /// read from the posting.
    #[schema(max_length = 200, pattern = r"^[^\u0000]*$")]
    pub company: Option<String>,
    /// The job title applied for; defaults like `company`.
    #[schema(max_length = 200, pattern = r"^[^\u0000]*$")]
    pub position: Option<String>,
    /// The CV's language; defaults to the CV's own.
    #[schema(value_type = Option<Lang>)]
    pub output_lang: Option<String>,
    /// e.g. "keep it to one page", "emphasise leadership".
    #[schema(max_length = 2000, pattern = r"^[^\u0000]*$")]
    pub custom_instructions: Option<String>,
}

/// The body schema of `POST /applications`: [`CreateApplicationRequest`] with
/// exactly one of `resume_id` / `base_cv` (non-null) and exactly one of
/// `job_description` / `job_id` (a string with a non-space character), and a
/// `base_cv` with something in it, as the handler checks.
pub struct CreateApplicationBody;

impl utoipa::PartialSchema for CreateApplicationBody {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::{
            Ref,
            schema::{AllOfBuilder, AnyOfBuilder, ArrayBuilder, ObjectBuilder, OneOfBuilder, Type},
        };
        let text = || {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(r"\S"))
        };
        let given = |field: &str, schema: ObjectBuilder| {
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .required(field)
                .property(field, schema)
        };
        // A name, or at least one role, education entry or skill.
        let non_empty_list = || ArrayBuilder::new().min_items(Some(1));
        let has_content = AnyOfBuilder::new()
            .item(given(
                "contact",
                ObjectBuilder::new()
                    .schema_type(Type::Object)
                    .required("name")
                    .property("name", text()),
            ))
            .item(
                ObjectBuilder::new()
                    .required("experience")
                    .property("experience", non_empty_list()),
            )
            .item(
                ObjectBuilder::new()
                    .required("education")
                    .property("education", non_empty_list()),
            )
            .item(
                ObjectBuilder::new()
                    .required("skills")
                    .property("skills", non_empty_list()),
            );
        // A current role has no end date.
        let current_without_end = ObjectBuilder::new().property(
            "experience",
            ArrayBuilder::new().items(
                AnyOfBuilder::new()
                    .item(
                        ObjectBuilder::new()
                            .property("current", ObjectBuilder::new().enum_values(Some([false]))),
                    )
                    .item(
                        ObjectBuilder::new()
                            .property("end", ObjectBuilder::new().schema_type(Type::Null)),
                    ),
            ),
        );
        let base_cv_rules = ObjectBuilder::new().property(
            "base_cv",
            AnyOfBuilder::new()
                .item(ObjectBuilder::new().schema_type(Type::Null))
                .item(
                    AllOfBuilder::new()
                        .item(has_content)
                        .item(current_without_end),
                ),
        );
        AllOfBuilder::new()
            .item(Ref::from_schema_name("CreateApplicationRequest"))
            .item(
                OneOfBuilder::new()
                    .item(given("resume_id", text()))
                    .item(given(
                        "base_cv",
                        ObjectBuilder::new().schema_type(Type::Object),
                    )),
            )
            .item(
                OneOfBuilder::new()
                    .item(given("job_description", text()))
                    .item(given("job_id", text())),
            )
            .item(base_cv_rules)
            .into()
    }
}

impl ToSchema for CreateApplicationBody {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        schemas.push((
            "CreateApplicationRequest".into(),
            <CreateApplicationRequest as utoipa::PartialSchema>::schema(),
        ));
        <CreateApplicationRequest as ToSchema>::schemas(schemas);
    }
}

/// What `POST /applications` answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationCreated {
    pub application: ApplicationView,
    /// The workflow generating CV version 1 (`generate-application-{id}`).
    pub workflow_id: String,
}

/// What `POST /applications/{id}/cvs` answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct CvStarted {
    pub application: ApplicationView,
    /// The new CV version (`processing`).
    pub cv: CvView,
    /// The workflow generating it (`generate-application-{id}-v{n}`).
    pub workflow_id: String,
}

/// An id given as a string: `None` when absent or null; a string that is
/// not an id is a 400, like every other unparsable id.
fn parse_id(field: &str, raw: Option<&str>) -> ApiResult<Option<Uuid>> {
    match raw {
        None => Ok(None),
        Some(r) => r
            .parse::<Uuid>()
            .map(Some)
            .map_err(|_| ApiError::BadRequest(format!("{field} is not a valid id"))),
    }
}

/// `base_cv` read and checked, each problem under `base_cv.<path>`.
fn check_base_cv(problems: &mut Problems, raw: &serde_json::Value) -> Option<StructuredCv> {
    let cv: StructuredCv = match serde_path_to_error::deserialize(raw) {
        Ok(cv) => cv,
        Err(e) => {
            let path = e.path().to_string();
            let field = if path == "." || path.is_empty() {
                "base_cv".to_string()
            } else {
                format!("base_cv.{path}")
            };
            problems.add(&field, e.inner().to_string());
            return None;
        }
    };
    let found = cv.problems();
    if found.is_empty() {
        return Some(cv.normalized());
    }
    for (path, problem) in found {
        problems.add(&format!("base_cv.{path}"), problem);
    }
    None
}

/// Where the CV comes from.
enum CvSource {
    Resume(Uuid),
    Inline(Box<StructuredCv>),
}

/// Where the offer comes from.
enum OfferSource {
    Text(String),
    Job(Uuid),
}

/// The resume must be the caller's (else 404) and its active version parsed:
/// still being read is a 409 (try again shortly), unreadable a 422.
async fn check_resume_ready(conn: &mut PgConnection, user_id: Uuid, id: Uuid) -> ApiResult<()> {
    let resume = resumes::get_resume(conn, user_id, id)
        .await?
        .ok_or(ApiError::NotFound("resume"))?;
    let version = resumes::current_version(conn, user_id, &resume).await?;
    match version {
        Some(v) if v.parse_status == ParseStatus::Parsed && v.parsed_json.is_some() => Ok(()),
        Some(v) if v.parse_status == ParseStatus::Failed => Err(ApiError::validation(
            "resume_id",
            format!(
                "this resume could not be read ({}); add a new version or send base_cv",
                v.error.as_deref().unwrap_or("no text")
            ),
        )),
        _ => Err(ApiError::Conflict(
            "this resume is still being parsed; try again when its parse_status is parsed".into(),
        )),
    }
}

/// The job must be the caller's (else 404) and its posting parsed.
async fn check_job_ready(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
) -> ApiResult<jobs::JobRow> {
    let job = jobs::get_job(conn, user_id, id)
        .await?
        .ok_or(ApiError::NotFound("job"))?;
    if job.parsed_json.is_some() {
        return Ok(job);
    }
    if matches!(job.status, JobStatus::Queued | JobStatus::Processing) {
        return Err(ApiError::Conflict(
            "this job's posting is still being read; try again in a moment".into(),
        ));
    }
    Err(ApiError::validation(
        "job_id",
        format!(
            "this job's posting could not be read ({}); send job_description instead",
            job.error.as_deref().unwrap_or("no description")
        ),
    ))
}

/// "Tailored CV v2 for Backend engineer at Ledgerline".
fn summary(version_no: i32, position: Option<&str>, company: Option<&str>) -> String {
    let what = match (position, company) {
        (Some(p), Some(c)) => format!("for {} at {}", truncate(p, 60), truncate(c, 60)),
        (Some(p), None) => format!("for {}", truncate(p, 60)),
        (None, Some(c)) => format!("at {}", truncate(c, 60)),
        (None, None) => "for a new application".to_string(),
    };
    format!("Tailored CV v{version_no} {what}")
}

async fn start_generation(
    state: &AppState,
    user_id: Uuid,
    app: &apps::ApplicationRow,
    cv: &apps::CvRow,
    workflow_id: &str,
) -> ApiResult<()> {
    state
        .temporal
        .start(StartRequest {
            workflow: GenerateApplicationWorkflow,
            workflow_id: workflow_id.to_string(),
            input: GenerateApplicationInput {
                user_id,
                application_id: app.id,
                cv_id: cv.id,
                version_no: cv.version_no,
            },
            summary: summary(
                cv.version_no,
                app.position.as_deref(),
                app.company.as_deref(),
            ),
            search_attributes: temporal::attributes(
                user_id,
                &[(&contracts::SA_APPLICATION_ID, app.id.to_string())],
            ),
        })
        .await?;
    Ok(())
}

/// Create an application and start generating its first tailored CV (with
/// its cover letter).
#[utoipa::path(
    post, path = "/applications", operation_id = "create_application", tag = "applications",
    request_body = CreateApplicationBody,
    responses(
        (status = 202, description = "Created; the CV is generated in the background", body = Envelope<ApplicationCreated>,
            links(
                ("GetApplication" = (operation_id = "get_application", parameters(("id" = "$response.body#/data/application/id")))),
                ("ListCommunications" = (operation_id = "list_communications", parameters(("id" = "$response.body#/data/application/id")))),
                ("ListActionPoints" = (operation_id = "list_action_points", parameters(("id" = "$response.body#/data/application/id")))),
                ("UpdateApplication" = (operation_id = "update_application", parameters(("id" = "$response.body#/data/application/id")))),
                ("RegenerateCv" = (operation_id = "regenerate_cv", parameters(("id" = "$response.body#/data/application/id")))),
                ("CreateCommunication" = (operation_id = "create_communication", parameters(("id" = "$response.body#/data/application/id")))),
                ("CreateActionPoint" = (operation_id = "create_action_point", parameters(("id" = "$response.body#/data/application/id")))),
                ("DeleteApplication" = (operation_id = "delete_application", parameters(("id" = "$response.body#/data/application/id")))),
            )
        ),
        (status = 404, description = "`not_found`: no such resume or job for this user", body = ErrorEnvelope),
        (status = 409, description = "`conflict`: the resume (or the job's posting) is still being read", body = ErrorEnvelope),
        E::BadRequest, E::Unauthorized, E::TooLarge, E::Invalid, E::RateLimited, E::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    LimitedUser(user): LimitedUser,
    ApiJson(req): ApiJson<CreateApplicationRequest>,
) -> ApiResult<Response> {
    let resume_id = parse_id("resume_id", req.resume_id.as_deref())?;
    let job_id = parse_id("job_id", req.job_id.as_deref())?;
    let mut problems = Problems::default();
    check_no_nul(
        &mut problems,
        &[
            ("job_description", req.job_description.as_deref()),
            ("company", req.company.as_deref()),
            ("position", req.position.as_deref()),
            ("custom_instructions", req.custom_instructions.as_deref()),
        ],
    );
    let base_cv = req.base_cv.as_ref().filter(|v| !v.is_null());
    let cv_source = match (resume_id, base_cv) {
        (Some(_), Some(_)) => {
            problems.add("resume_id", "give either resume_id or base_cv, not both");
            None
        }
        (None, None) => {
            problems.add("resume_id", "give exactly one of resume_id or base_cv");
            None
        }
        (Some(id), None) => Some(CvSource::Resume(id)),
        (None, Some(raw)) => {
            check_base_cv(&mut problems, raw).map(|cv| CvSource::Inline(Box::new(cv)))
        }
    };
    let description = req
        .job_description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .map(str::to_string);
    check_len(
        &mut problems,
        "job_description",
        &description,
        MAX_DESCRIPTION_CHARS,
    );
    let offer_source = match (description, job_id) {
        (Some(_), Some(_)) => {
            problems.add(
                "job_description",
                "give either job_description or job_id, not both",
            );
            None
        }
        (None, None) => {
            let msg = if req.job_description.is_some() {
                "must not be empty"
            } else {
                "give exactly one of job_description or job_id"
            };
            problems.add("job_description", msg);
            None
        }
        (Some(text), None) => Some(OfferSource::Text(text)),
        (None, Some(id)) => Some(OfferSource::Job(id)),
    };
    let company = check_optional(
        &mut problems,
        "company",
        req.company.as_deref(),
        MAX_COMPANY_CHARS,
    );
    let position = check_optional(
        &mut problems,
        "position",
        req.position.as_deref(),
        MAX_COMPANY_CHARS,
    );
    let instructions = check_optional(
        &mut problems,
        "custom_instructions",
        req.custom_instructions.as_deref(),
        MAX_INSTRUCTIONS_CHARS,
    );
    let output_lang = check_lang(&mut problems, "output_lang", req.output_lang.as_deref());
    problems.into_result()?;
    let (Some(cv_source), Some(offer_source)) = (cv_source, offer_source) else {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };

    let app_id = Uuid::new_v4();
    let workflow_id = contracts::generate_application_workflow_id(app_id, 1);
    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    let (resume_id, base_cv) = match cv_source {
        CvSource::Resume(id) => {
            check_resume_ready(&mut tx, user.user_id, id).await?;
            (Some(id), None)
        }
        CvSource::Inline(cv) => (
            None,
            Some(serde_json::to_value(&*cv).map_err(anyhow::Error::from)?),
        ),
    };
    let (job_id, job_description, company, position) = match offer_source {
        OfferSource::Text(text) => (None, Some(text), company, position),
        OfferSource::Job(id) => {
            let job = check_job_ready(&mut tx, user.user_id, id).await?;
            (
                Some(id),
                None,
                company.or(job.company),
                position.or(Some(job.title)),
            )
        }
    };
    let app = apps::insert_application(
        &mut tx,
        &apps::NewApplication {
            id: app_id,
            user_id: user.user_id,
            resume_id,
            job_id,
            company,
            position,
            output_lang,
            base_cv,
            job_description,
            workflow_id: workflow_id.clone(),
        },
    )
    .await
    .map_err(account_missing)?;
    let cv = apps::insert_cv(
        &mut tx,
        Uuid::new_v4(),
        user.user_id,
        app_id,
        1,
        instructions.as_deref(),
    )
    .await?;
    // Started before the commit: Temporal down → 503 and the rows roll back,
    // so nothing is left `queued` with no workflow behind it.
    start_generation(&state, user.user_id, &app, &cv, &workflow_id).await?;
    tx.commit().await?;
    audit::record(
        &state,
        &user,
        "application.created",
        ("application", app_id),
        Some(&workflow_id),
        serde_json::json!({ "resume_id": resume_id, "job_id": job_id }),
    )
    .await;
    Ok(envelope::accepted(ApplicationCreated {
        application: ApplicationView::from(&app),
        workflow_id,
    }))
}

/// The user's applications, newest first, optionally by status.
#[utoipa::path(
    get, path = "/applications", operation_id = "list_applications", tag = "applications",
    params(ApplicationListQuery),
    responses(
        (status = 200, body = Envelope<Page<ApplicationView>>),
        E::BadRequest, E::Unauthorized, E::Invalid, E::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<ApplicationListQuery>,
) -> ApiResult<Response> {
    let (limit, cursor, status) = q.parse()?;
    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    let rows = apps::list_applications(&mut tx, user.user_id, status, limit, cursor).await?;
    tx.commit().await?;
    let (rows, next_cursor) = pagination::split_page(rows, limit, |r| pagination::Cursor {
        created_at: r.created_at,
        id: r.id,
    });
    Ok(envelope::ok(Page {
        items: rows.iter().map(ApplicationView::from).collect(),
        next_cursor: crate::routes::views::next_cursor(next_cursor),
    }))
}

/// Short-lived links to a document pair (none for a path not yet written).
async fn links(
    state: &AppState,
    pdf: Option<&str>,
    docx: Option<&str>,
    name: &str,
) -> ApiResult<DocumentLinks> {
    let ttl = state.settings.download_url_ttl();
    let mut out = DocumentLinks::default();
    for (path, ext) in [(pdf, "pdf"), (docx, "docx")] {
        let Some(path) = path else { continue };
        let link = state
            .blobs
            .download_url(path, ttl, Some(&format!("{name}.{ext}")))
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "signing a download link failed");
                ApiError::Unavailable("file storage")
            })?;
        out.expires_at = Some(match out.expires_at {
            Some(t) => t.min(link.expires_at),
            None => link.expires_at,
        });
        match ext {
            "pdf" => out.pdf_url = Some(link.url),
            _ => out.docx_url = Some(link.url),
        }
    }
    Ok(out)
}

/// An application with its job offer, CV versions (each with signed
/// download links and its cover letter), tracker, and progress while a CV
/// is being generated.
#[utoipa::path(
    get, path = "/applications/{id}", operation_id = "get_application", tag = "applications",
    params(("id" = Uuid, Path, description = "Application id")),
    responses(
        (status = 200, body = Envelope<ApplicationDetail>),
        (status = 404, description = "`not_found`: no such application for this user", body = ErrorEnvelope),
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
    let app = apps::get_application(&mut tx, user.user_id, id)
        .await?
        .ok_or(ApiError::NotFound("application"))?;
    let offer = match app.job_offer_id {
        Some(o) => apps::get_job_offer(&mut tx, user.user_id, o).await?,
        None => None,
    };
    let cvs = apps::list_cvs(&mut tx, user.user_id, id).await?;
    let letters = apps::list_cover_letters(&mut tx, user.user_id, id).await?;
    let communications =
        apps::list_communications(&mut tx, user.user_id, id, INLINE_TRACKER_ITEMS, None).await?;
    let action_points =
        apps::list_action_points(&mut tx, user.user_id, id, INLINE_TRACKER_ITEMS, None).await?;
    tx.commit().await?;

    let mut cv_views = Vec::with_capacity(cvs.len());
    for cv in &cvs {
        let v = cv.version_no;
        let cover_letter = match letters.iter().find(|l| l.cv_id == cv.id) {
            Some(l) => {
                let l_links = links(
                    &state,
                    l.pdf_path.as_deref(),
                    l.docx_path.as_deref(),
                    &format!("cover-letter-v{v}"),
                )
                .await?;
                Some(CoverLetterView::new(l, l_links))
            }
            None => None,
        };
        let cv_links = links(
            &state,
            cv.pdf_path.as_deref(),
            cv.docx_path.as_deref(),
            &format!("cv-v{v}"),
        )
        .await?;
        cv_views.push(CvView::new(cv, cv_links, cover_letter));
    }
    let documents: Vec<Uuid> = cvs
        .iter()
        .filter(|c| c.pdf_path.is_some())
        .map(|c| c.id)
        .collect();
    if !documents.is_empty() {
        audit::record(
            &state,
            &user,
            "file_link.issued",
            ("application", id),
            None,
            serde_json::json!({ "file": "application_documents", "cv_ids": documents }),
        )
        .await;
    }
    let progress = if matches!(
        app.generation_status,
        GenerationStatus::Queued | GenerationStatus::Processing
    ) {
        state
            .temporal
            .progress(
                GenerateApplicationProgress,
                &contracts::generate_application_workflow_id(app.id, app.cv_count.max(1)),
            )
            .await
    } else {
        None
    };
    Ok(envelope::ok(ApplicationDetail {
        application: ApplicationView::from(&app),
        job_offer: offer.as_ref().map(JobOfferView::from),
        cvs: cv_views,
        communications: communications.iter().map(CommunicationView::from).collect(),
        action_points: action_points.iter().map(ActionPointView::from).collect(),
        progress,
    }))
}

/// `POST /applications/{id}/cvs` body.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct RegenerateRequest {
    /// e.g. "shorter summary", "lead with the payments work". What the CV
    /// does not support is reported as a gap, never added.
    #[schema(max_length = 2000, pattern = r"^[^\u0000]*$")]
    pub custom_instructions: Option<String>,
    /// Changes the application's output language from this version on.
    #[schema(value_type = Option<Lang>)]
    pub output_lang: Option<String>,
}

/// Generate the next CV version (2, 3, ...) of an application, with its
/// cover letter; older versions stay.
#[utoipa::path(
    post, path = "/applications/{id}/cvs", operation_id = "regenerate_cv", tag = "applications",
    params(("id" = Uuid, Path, description = "Application id")),
    request_body(content = Option<RegenerateRequest>, description = "Optional: an empty body makes a new version with the same settings"),
    responses(
        (status = 202, body = Envelope<CvStarted>),
        (status = 404, description = "`not_found`: no such application for this user", body = ErrorEnvelope),
        (status = 409, description = "`conflict`: a CV of this application is already being generated", body = ErrorEnvelope),
        E::BadRequest, E::Unauthorized, E::TooLarge, E::Invalid, E::RateLimited, E::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn regenerate(
    State(state): State<AppState>,
    LimitedUser(user): LimitedUser,
    ApiPath(id): ApiPath<Uuid>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let req: RegenerateRequest = crate::extract::optional_json(&headers, &body)?;
    let mut problems = Problems::default();
    check_no_nul(
        &mut problems,
        &[("custom_instructions", req.custom_instructions.as_deref())],
    );
    let instructions = check_optional(
        &mut problems,
        "custom_instructions",
        req.custom_instructions.as_deref(),
        MAX_INSTRUCTIONS_CHARS,
    );
    let lang = check_lang(&mut problems, "output_lang", req.output_lang.as_deref());
    problems.into_result()?;

    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    // The row lock makes two concurrent regenerations answer 202 once and 409 once.
    let app = apps::get_application_for_update(&mut tx, user.user_id, id)
        .await?
        .ok_or(ApiError::NotFound("application"))?;
    if matches!(
        app.generation_status,
        GenerationStatus::Queued | GenerationStatus::Processing
    ) {
        return Err(ApiError::Conflict(
            "a CV of this application is already being generated; try again when it is done".into(),
        ));
    }
    if app.resume_id.is_none() && app.base_cv.is_none() {
        return Err(ApiError::validation(
            "resume_id",
            "the resume this application was made from has been deleted; create a new application",
        ));
    }
    let version_no = app.cv_count + 1;
    let workflow_id = contracts::generate_application_workflow_id(id, version_no);
    let app = apps::begin_regenerate(&mut tx, user.user_id, id, &workflow_id, lang).await?;
    let cv = apps::insert_cv(
        &mut tx,
        Uuid::new_v4(),
        user.user_id,
        id,
        app.cv_count,
        instructions.as_deref(),
    )
    .await?;
    start_generation(&state, user.user_id, &app, &cv, &workflow_id).await?;
    tx.commit().await?;
    Ok(envelope::accepted(CvStarted {
        application: ApplicationView::from(&app),
        cv: CvView::new(&cv, DocumentLinks::default(), None),
        workflow_id,
    }))
}

/// `PATCH /applications/{id}` body: at least one field.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateApplicationRequest {
    /// Where the user is with this application.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = ApplicationStatus, required = false)]
    pub status: Option<Option<String>>,
    /// Free text, at most 20,000 characters; null clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, required = false, max_length = 20000, pattern = r"^[^\u0000]*$")]
    pub notes: Option<Option<String>>,
}

/// A PATCH body schema: `$name` is the request type `$request` with at least
/// one field (as the handler checks: `{}` and an empty body are a 422).
#[macro_export]
macro_rules! at_least_one {
    ($name:ident, $request:ty, $request_name:literal) => {
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                use utoipa::openapi::{
                    Ref,
                    schema::{AllOfBuilder, ObjectBuilder, Type},
                };
                AllOfBuilder::new()
                    .item(Ref::from_schema_name($request_name))
                    .item(
                        ObjectBuilder::new()
                            .schema_type(Type::Object)
                            .min_properties(Some(1)),
                    )
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn schemas(
                schemas: &mut Vec<(
                    String,
                    utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
                )>,
            ) {
                schemas.push((
                    $request_name.into(),
                    <$request as utoipa::PartialSchema>::schema(),
                ));
                <$request as utoipa::ToSchema>::schemas(schemas);
            }
        }
    };
}

at_least_one!(
    UpdateApplicationBody,
    UpdateApplicationRequest,
    "UpdateApplicationRequest"
);

/// Set the application's status and/or notes.
#[utoipa::path(
    patch, path = "/applications/{id}", operation_id = "update_application", tag = "applications",
    params(("id" = Uuid, Path, description = "Application id")),
    request_body = UpdateApplicationBody,
    responses(
        (status = 200, body = Envelope<ApplicationView>),
        (status = 404, description = "`not_found`: no such application for this user", body = ErrorEnvelope),
        E::BadRequest, E::Unauthorized, E::TooLarge, E::Invalid, E::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn update(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    // An empty body is "nothing to change": a 422 like `{}`, not a 400.
    let req: UpdateApplicationRequest = crate::extract::optional_json(&headers, &body)?;
    let mut problems = Problems::default();
    if req.status.is_none() && req.notes.is_none() {
        problems.add("status", "give status and/or notes");
    }
    let status = match &req.status {
        None => None,
        Some(None) => {
            problems.add("status", "must not be null");
            None
        }
        Some(Some(s)) => match s.parse::<ApplicationStatus>() {
            Ok(s) => Some(s),
            Err(e) => {
                problems.add("status", e);
                None
            }
        },
    };
    if let Some(Some(n)) = &req.notes {
        check_no_nul(&mut problems, &[("notes", Some(n))]);
        check_len(&mut problems, "notes", &Some(n.clone()), MAX_NOTES_CHARS);
    }
    problems.into_result()?;
    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    let app = apps::update_application(
        &mut tx,
        user.user_id,
        id,
        &apps::ApplicationChanges {
            status,
            notes: req.notes,
        },
    )
    .await?
    .ok_or(ApiError::NotFound("application"))?;
    tx.commit().await?;
    Ok(envelope::ok(ApplicationView::from(&app)))
}

/// Delete an application with its CV versions, cover letters, stored
/// documents, communications and action points; a generation still running
/// is cancelled.
#[utoipa::path(
    delete, path = "/applications/{id}", operation_id = "delete_application", tag = "applications",
    params(("id" = Uuid, Path, description = "Application id")),
    responses(
        (status = 200, body = Envelope<Deleted>),
        (status = 404, description = "`not_found`: no such application for this user", body = ErrorEnvelope),
        E::BadRequest, E::Unauthorized, E::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn delete(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let prefix = storage::application_prefix(user.user_id, id);
    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    let app = apps::get_application_for_update(&mut tx, user.user_id, id)
        .await?
        .ok_or(ApiError::NotFound("application"))?;
    apps::delete_application(&mut tx, user.user_id, id).await?;
    // The documents go before the commit: a storage outage answers 503 and
    // keeps the rows, so a retry can finish the job (rather than leaving
    // documents that no row points at).
    state.blobs.delete_prefix(&prefix).await.map_err(|e| {
        tracing::error!(error = %e, "deleting an application's documents failed");
        ApiError::Unavailable("file storage")
    })?;
    tx.commit().await?;
    let running = matches!(
        app.generation_status,
        GenerationStatus::Queued | GenerationStatus::Processing
    );
    if running {
        let workflow_id = contracts::generate_application_workflow_id(id, app.cv_count.max(1));
        state
            .temporal
            .cancel::<GenerateApplicationWorkflow>(&workflow_id, "application deleted")
            .await;
        // A render that finished meanwhile may have stored a document again.
        if let Err(e) = state.blobs.delete_prefix(&prefix).await {
            tracing::warn!(error = %e, "second sweep of a deleted application's documents failed");
        }
    }
    audit::record(
        &state,
        &user,
        "application.deleted",
        ("application", id),
        None,
        serde_json::json!({ "cv_versions": app.cv_count, "generation_running": running }),
    )
    .await;
    Ok(envelope::ok(Deleted { deleted: true }))
}
