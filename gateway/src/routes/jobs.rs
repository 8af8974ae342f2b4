//! Jobs: create (text or URL), list, read with result and live progress,
//! refine (a new optimisation run), list runs; and `POST /resumes/{id}/optimize`.

use crate::envelope::ErrorEnvelope;
use crate::openapi::errors as E;
use crate::{
    audit,
    envelope::{self, Envelope, Page},
    error::{ApiError, ApiResult},
    extract::{ApiJson, ApiPath, ApiQuery, AuthUser, LimitedUser},
    routes::views::{JobListQuery, JobView, OptimizationView},
    state::AppState,
    temporal::{self, StartRequest},
    validate::{
        MAX_COMPANY_CHARS, MAX_DESCRIPTION_CHARS, MAX_INSTRUCTIONS_CHARS, MAX_TITLE_CHARS,
        Problems, account_missing, check_lang, check_len, check_no_nul, check_optional, check_url,
        non_empty, truncate,
    },
};
use axum::{extract::State, response::Response};
use serde::{Deserialize, Serialize};
use shared::{
    contracts::{
        self, IngestJobInput, IngestJobProgress, IngestJobWorkflow, OptimizeJobInput,
        OptimizeJobProgress, OptimizeJobWorkflow, Progress, steps,
    },
    db::{self, jobs, pagination, resumes},
    domain::{JobStatus, Lang},
};
use utoipa::ToSchema;
use uuid::Uuid;

/// `POST /jobs` body: exactly one of `job_description` / `job_url`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(examples(json!({"resume_id": "5f0c6f8e-8d1a-4c1e-9a57-3b0f2f1f7a11", "job_description": "Backend engineer\nRust and PostgreSQL required"})))]
pub struct CreateJobRequest {
    /// One of the caller's resumes.
    #[schema(value_type = Uuid, required = true)]
    pub resume_id: Option<String>,
    /// Defaults to the title parsed from the description, else its first line.
    #[schema(max_length = 200, pattern = r"^[^\u0000]*$")]
    pub title: Option<String>,
    #[schema(max_length = 200, pattern = r"^[^\u0000]*$")]
    pub company: Option<String>,
    /// The posting text (1..100,000 characters). Give this or `job_url`.
    #[schema(max_length = 100000, pattern = r"^[^\u0000]*$")]
    pub job_description: Option<String>,
    /// A public http(s) page with the posting (no user name or password in
    /// it). Give this or `job_description`.
    #[schema(
        max_length = 2048,
        pattern = r"^([ \t\n\r]*|[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z]([A-Za-z0-9-]{0,20}[A-Za-z0-9])?(\.[A-Za-z]([A-Za-z0-9-]{0,20}[A-Za-z0-9])?)*(:[1-9][0-9]{0,3})?(/[A-Za-z0-9._~/-]*)?)$"
    )]
    pub job_url: Option<String>,
    /// e.g. "keep it to one page", "emphasise leadership".
    #[schema(max_length = 2000, pattern = r"^[^\u0000]*$")]
    pub custom_instructions: Option<String>,
    /// Detected when omitted.
    #[schema(value_type = Option<Lang>)]
    pub resume_lang: Option<String>,
    /// Detected when omitted.
    #[schema(value_type = Option<Lang>)]
    pub jd_lang: Option<String>,
    /// Defaults to the resume's language.
    #[schema(value_type = Option<Lang>)]
    pub desired_output_lang: Option<String>,
}

/// The body schema of `POST /jobs`: [`CreateJobRequest`] where exactly one of
/// `job_description` / `job_url` is given (a string with a non-space
/// character; null, blank or absent count as not given), as the handler checks.
pub struct CreateJobBody;

impl utoipa::PartialSchema for CreateJobBody {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::{
            Ref,
            schema::{AllOfBuilder, ObjectBuilder, OneOfBuilder, Type},
        };
        let given = |field: &str| {
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .required(field)
                .property(
                    field,
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .pattern(Some(r"\S")),
                )
        };
        AllOfBuilder::new()
            .item(Ref::from_schema_name("CreateJobRequest"))
            .item(
                OneOfBuilder::new()
                    .item(given("job_description"))
                    .item(given("job_url")),
            )
            .into()
    }
}

impl ToSchema for CreateJobBody {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        schemas.push((
            "CreateJobRequest".into(),
            <CreateJobRequest as utoipa::PartialSchema>::schema(),
        ));
        <CreateJobRequest as ToSchema>::schemas(schemas);
    }
}

/// A validated job, ready to insert.
struct JobInput {
    title: Option<String>,
    company: Option<String>,
    job_description: Option<String>,
    job_url: Option<String>,
    custom_instructions: Option<String>,
    resume_lang: Option<Lang>,
    jd_lang: Option<Lang>,
    desired_output_lang: Option<Lang>,
}

fn validate_job(req: &CreateJobRequest, problems: &mut Problems) -> JobInput {
    let title = check_optional(problems, "title", req.title.as_deref(), MAX_TITLE_CHARS);
    let company = check_optional(
        problems,
        "company",
        req.company.as_deref(),
        MAX_COMPANY_CHARS,
    );
    let description = req
        .job_description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .map(str::to_string);
    let url_raw = non_empty(req.job_url.as_deref());
    match (&description, &url_raw) {
        (Some(_), Some(_)) => problems.add(
            "job_description",
            "give either job_description or job_url, not both",
        ),
        (None, None) => {
            let msg = if req.job_description.is_some() {
                "must not be empty"
            } else {
                "give exactly one of job_description or job_url"
            };
            problems.add("job_description", msg);
        }
        _ => {}
    }
    check_len(
        problems,
        "job_description",
        &description,
        MAX_DESCRIPTION_CHARS,
    );
    let job_url = url_raw.as_deref().and_then(|u| check_url(problems, u));
    let custom_instructions = check_optional(
        problems,
        "custom_instructions",
        req.custom_instructions.as_deref(),
        MAX_INSTRUCTIONS_CHARS,
    );
    JobInput {
        title,
        company,
        job_description: description,
        job_url,
        custom_instructions,
        resume_lang: check_lang(problems, "resume_lang", req.resume_lang.as_deref()),
        jd_lang: check_lang(problems, "jd_lang", req.jd_lang.as_deref()),
        desired_output_lang: check_lang(
            problems,
            "desired_output_lang",
            req.desired_output_lang.as_deref(),
        ),
    }
}

fn parse_resume_id(raw: Option<&str>, problems: &mut Problems) -> Option<Uuid> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => {
            problems.add("resume_id", "is required");
            None
        }
        Some(r) => r.parse().ok(),
    }
}

/// What `POST /jobs` (and `/resumes/{id}/optimize`, `/jobs/{id}/refine`) answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobStarted {
    #[serde(flatten)]
    pub job: JobView,
    /// The workflow doing the work (visible in the Temporal Web UI).
    pub workflow_id: String,
}

/// The job row, then IngestJob, then commit (a Temporal outage leaves nothing).
async fn create_job(
    state: &AppState,
    user: &AuthUser,
    resume_id: Uuid,
    input: JobInput,
) -> ApiResult<JobStarted> {
    let job_id = Uuid::new_v4();
    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    // The resume must be the caller's (else: 404, existence never revealed).
    resumes::get_resume(&mut tx, user.user_id, resume_id)
        .await?
        .ok_or(ApiError::NotFound("resume"))?;
    // API.md's title rule; the worker applies it again once the posting is parsed.
    let provisional_title = shared::domain::job_title(
        input.title.as_deref(),
        None,
        input.job_description.as_deref(),
    );
    let job = jobs::insert_job(
        &mut tx,
        &jobs::NewJob {
            id: job_id,
            user_id: user.user_id,
            resume_id,
            title: provisional_title,
            title_is_explicit: input.title.is_some(),
            company: input.company,
            job_description: input.job_description,
            job_url: input.job_url,
            custom_instructions: input.custom_instructions,
            resume_lang: input.resume_lang,
            jd_lang: input.jd_lang,
            desired_output_lang: input.desired_output_lang,
        },
    )
    .await
    .map_err(account_missing)?;
    let workflow_id = contracts::ingest_job_workflow_id(job_id);
    state
        .temporal
        .start(StartRequest {
            workflow: IngestJobWorkflow,
            workflow_id: workflow_id.clone(),
            input: IngestJobInput {
                user_id: user.user_id,
                job_id,
                resume_id,
            },
            summary: format!("Ingest job \"{}\" and optimise", truncate(&job.title, 60)),
            search_attributes: temporal::attributes(
                user.user_id,
                &[
                    (&contracts::SA_JOB_ID, job_id.to_string()),
                    (&contracts::SA_RESUME_ID, resume_id.to_string()),
                ],
            ),
        })
        .await?;
    tx.commit().await?;
    audit::record(
        state,
        user,
        "job.created",
        ("job", job_id),
        Some(&workflow_id),
        serde_json::json!({ "resume_id": resume_id, "from_url": job.job_url.is_some() }),
    )
    .await;
    Ok(JobStarted {
        job: JobView::new(&job, None, None),
        workflow_id,
    })
}

/// Create a job (text or URL) for one of the user's resumes and start
/// IngestJob, which then runs OptimizeJob.
#[utoipa::path(
    post, path = "/jobs", operation_id = "create_job", tag = "jobs",
    request_body = CreateJobBody,
    responses(
        (status = 202, description = "Queued", body = Envelope<JobStarted>,
            links(
                ("GetJob" = (operation_id = "get_job", parameters(("id" = "$response.body#/data/id")))),
                ("ListOptimizations" = (operation_id = "list_job_optimizations", parameters(("id" = "$response.body#/data/id")))),
                ("Refine" = (operation_id = "refine_job", parameters(("id" = "$response.body#/data/id")))),
            )
        ),
        (status = 404, description = "`not_found`: no such resume for this user", body = ErrorEnvelope),
        E::BadRequest, E::Unauthorized, E::TooLarge, E::Invalid, E::RateLimited, E::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    LimitedUser(user): LimitedUser,
    ApiJson(req): ApiJson<CreateJobRequest>,
) -> ApiResult<Response> {
    if let Some(raw) = req
        .resume_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        && raw.parse::<Uuid>().is_err()
    {
        return Err(ApiError::BadRequest("resume_id is not a valid id".into()));
    }
    let mut problems = Problems::default();
    check_no_nul(
        &mut problems,
        &[
            ("title", req.title.as_deref()),
            ("company", req.company.as_deref()),
            ("job_description", req.job_description.as_deref()),
            ("job_url", req.job_url.as_deref()),
            ("custom_instructions", req.custom_instructions.as_deref()),
        ],
    );
    let resume_id = parse_resume_id(req.resume_id.as_deref(), &mut problems);
    let input = validate_job(&req, &mut problems);
    problems.into_result()?;
    let Some(resume_id) = resume_id else {
        return Err(ApiError::validation("resume_id", "is required"));
    };
    let started = create_job(&state, &user, resume_id, input).await?;
    Ok(envelope::accepted(started))
}

/// `POST /resumes/{id}/optimize` body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OptimizeResumeRequest {
    /// One of the caller's jobs.
    #[schema(value_type = Uuid, required = true)]
    pub job_id: Option<String>,
}

/// Optimise this resume against an existing job: the same as creating that
/// job (its description or URL, title, company, instructions, languages)
/// with this resume.
#[utoipa::path(
    post, path = "/resumes/{id}/optimize", operation_id = "optimize_resume", tag = "jobs",
    params(("id" = Uuid, Path, description = "Resume id")),
    request_body = OptimizeResumeRequest,
    responses(
        (status = 202, body = Envelope<JobStarted>),
        (status = 404, description = "`not_found`: no such resume or job for this user", body = ErrorEnvelope),
        E::BadRequest, E::Unauthorized, E::TooLarge, E::Invalid, E::RateLimited, E::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn optimize_resume(
    State(state): State<AppState>,
    LimitedUser(user): LimitedUser,
    ApiPath(resume_id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<OptimizeResumeRequest>,
) -> ApiResult<Response> {
    let mut problems = Problems::default();
    let job_id = match non_empty(req.job_id.as_deref()) {
        None => {
            problems.add("job_id", "is required");
            None
        }
        Some(raw) => match raw.parse::<Uuid>() {
            Ok(id) => Some(id),
            Err(_) => return Err(ApiError::BadRequest("job_id is not a valid id".into())),
        },
    };
    problems.into_result()?;
    let Some(job_id) = job_id else {
        return Err(ApiError::validation("job_id", "is required"));
    };
    let source = {
        let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
        let job = jobs::get_job(&mut tx, user.user_id, job_id)
            .await?
            .ok_or(ApiError::NotFound("job"))?;
        tx.commit().await?;
        job
    };
    let input = JobInput {
        title: source.title_is_explicit.then(|| source.title.clone()),
        company: source.company.clone(),
        // A URL job whose page was already read keeps its text: no second fetch.
        job_description: source
            .job_description
            .clone()
            .filter(|d| !d.trim().is_empty()),
        job_url: if source
            .job_description
            .as_deref()
            .is_some_and(|d| !d.trim().is_empty())
        {
            None
        } else {
            source.job_url.clone()
        },
        custom_instructions: source.custom_instructions.clone(),
        resume_lang: None,
        jd_lang: source.jd_lang(),
        desired_output_lang: source.desired_output_lang(),
    };
    if input.job_description.is_none() && input.job_url.is_none() {
        return Err(ApiError::validation(
            "job_id",
            "that job has neither a description nor a URL",
        ));
    }
    let started = create_job(&state, &user, resume_id, input).await?;
    Ok(envelope::accepted(started))
}

/// The user's jobs, newest first, optionally by status.
#[utoipa::path(
    get, path = "/jobs", operation_id = "list_jobs", tag = "jobs",
    params(JobListQuery),
    responses(
        (status = 200, body = Envelope<Page<JobView>>),
        E::BadRequest, E::Unauthorized, E::Invalid, E::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<JobListQuery>,
) -> ApiResult<Response> {
    let (limit, cursor, status) = q.parse()?;
    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    let rows = jobs::list_jobs(&mut tx, user.user_id, status, limit, cursor).await?;
    tx.commit().await?;
    let (rows, next_cursor) = pagination::split_page(rows, limit, |r| pagination::Cursor {
        created_at: r.created_at,
        id: r.id,
    });
    Ok(envelope::ok(Page {
        items: rows.iter().map(|j| JobView::new(j, None, None)).collect(),
        next_cursor: crate::routes::views::next_cursor(next_cursor),
    }))
}

/// Live progress of the job's running workflow, if any.
async fn progress_of(state: &AppState, job: &jobs::JobRow) -> Option<Progress> {
    if !matches!(job.status, JobStatus::Queued | JobStatus::Processing) {
        return None;
    }
    if job.run_count <= 1 {
        let ingest = state
            .temporal
            .progress(
                IngestJobProgress,
                &contracts::ingest_job_workflow_id(job.id),
            )
            .await;
        match ingest {
            Some(p) if p.step != steps::OPTIMIZE && p.step != steps::DONE => return Some(p),
            Some(p) => {
                // The child run reports steps counted across both workflows.
                let child = state
                    .temporal
                    .progress(
                        OptimizeJobProgress,
                        &contracts::optimize_job_workflow_id(job.id, 1),
                    )
                    .await;
                return child.or(Some(p));
            }
            None => {}
        }
    }
    state
        .temporal
        .progress(
            OptimizeJobProgress,
            &contracts::optimize_job_workflow_id(job.id, job.run_count.max(1)),
        )
        .await
}

/// A job with its latest result and, while it runs, its progress.
#[utoipa::path(
    get, path = "/jobs/{id}", operation_id = "get_job", tag = "jobs",
    params(("id" = Uuid, Path, description = "Job id")),
    responses(
        (status = 200, body = Envelope<JobView>),
        (status = 404, description = "`not_found`: no such job for this user", body = ErrorEnvelope),
        E::BadRequest, E::Unauthorized, E::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn get_one(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    // Three round trips: BEGIN with the claims and role, the job with its latest run,
    // COMMIT (RLS enforced by Postgres throughout).
    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    let (job, result) = jobs::get_job_with_latest(&mut tx, user.user_id, id)
        .await?
        .ok_or(ApiError::NotFound("job"))?;
    tx.commit().await?;
    let progress = progress_of(&state, &job).await;
    Ok(envelope::ok(JobView::new(
        &job,
        Some(result.as_ref()),
        progress,
    )))
}

/// `POST /jobs/{id}/refine` body.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct RefineRequest {
    #[schema(max_length = 2000, pattern = r"^[^\u0000]*$")]
    pub custom_instructions: Option<String>,
    #[schema(value_type = Option<Lang>)]
    pub desired_output_lang: Option<String>,
}

/// A new optimisation run for the same job and resume.
#[utoipa::path(
    post, path = "/jobs/{id}/refine", operation_id = "refine_job", tag = "jobs",
    params(("id" = Uuid, Path, description = "Job id")),
    request_body(content = Option<RefineRequest>, description = "Optional: an empty body starts a run with the same settings"),
    responses(
        (status = 202, body = Envelope<JobStarted>),
        (status = 404, description = "`not_found`: no such job for this user", body = ErrorEnvelope),
        (status = 409, description = "`conflict`: a run of this job is already in progress", body = ErrorEnvelope),
        E::BadRequest, E::Unauthorized, E::TooLarge, E::Invalid, E::RateLimited, E::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn refine(
    State(state): State<AppState>,
    LimitedUser(user): LimitedUser,
    ApiPath(id): ApiPath<Uuid>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    // The body is optional: an empty one means "same settings, new run".
    let req: RefineRequest = crate::extract::optional_json(&headers, &body)?;
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
    let lang = check_lang(
        &mut problems,
        "desired_output_lang",
        req.desired_output_lang.as_deref(),
    );
    problems.into_result()?;

    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    // The row lock makes two concurrent refines answer 202 once and 409 once.
    let job = jobs::get_job_for_update(&mut tx, user.user_id, id)
        .await?
        .ok_or(ApiError::NotFound("job"))?;
    if matches!(job.status, JobStatus::Queued | JobStatus::Processing) {
        return Err(ApiError::Conflict(
            "an optimisation of this job is already running; try again when it is done".into(),
        ));
    }
    if job.parsed_json.is_none() {
        return Err(ApiError::validation(
            "job",
            format!(
                "this job's description could not be read ({}); create the job again",
                job.error.as_deref().unwrap_or("no description")
            ),
        ));
    }
    let job = jobs::begin_refine(&mut tx, user.user_id, id, instructions.as_deref(), lang).await?;
    let run_no = job.run_count;
    let workflow_id = contracts::optimize_job_workflow_id(id, run_no);
    state
        .temporal
        .start(StartRequest {
            workflow: OptimizeJobWorkflow,
            workflow_id: workflow_id.clone(),
            input: OptimizeJobInput {
                user_id: user.user_id,
                job_id: id,
                resume_id: job.resume_id,
                run_no,
                step_offset: 0,
            },
            summary: format!(
                "Optimise resume for \"{}\" (run {run_no})",
                truncate(&job.title, 60)
            ),
            search_attributes: temporal::attributes(
                user.user_id,
                &[
                    (&contracts::SA_JOB_ID, id.to_string()),
                    (&contracts::SA_RESUME_ID, job.resume_id.to_string()),
                ],
            ),
        })
        .await?;
    tx.commit().await?;
    Ok(envelope::accepted(JobStarted {
        job: JobView::new(&job, None, None),
        workflow_id,
    }))
}

/// Every optimisation run of a job, newest first.
#[utoipa::path(
    get, path = "/jobs/{id}/optimizations", operation_id = "list_job_optimizations", tag = "jobs",
    params(("id" = Uuid, Path, description = "Job id")),
    responses(
        (status = 200, body = Envelope<Vec<OptimizationView>>),
        (status = 404, description = "`not_found`: no such job for this user", body = ErrorEnvelope),
        E::BadRequest, E::Unauthorized, E::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn optimizations(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    jobs::get_job(&mut tx, user.user_id, id)
        .await?
        .ok_or(ApiError::NotFound("job"))?;
    let runs = jobs::list_runs(&mut tx, user.user_id, id).await?;
    tx.commit().await?;
    Ok(envelope::ok(
        runs.iter().map(OptimizationView::from).collect::<Vec<_>>(),
    ))
}
