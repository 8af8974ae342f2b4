//! The OpenAPI document, generated from the same types the handlers use.

use crate::{
    envelope::{Envelope, Page},
    error::ErrorBody,
    routes::{self, health::Health, resumes, views},
};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "SmartResume API",
        description = "Tailors a resume to a job. Every JSON answer is `{data, error}` with exactly one non-null."
    ),
    paths(
        routes::health::health,
        routes::resumes::create_from_text,
        routes::resumes::get_one,
        routes::resumes::list,
        routes::resumes::list_versions,
        routes::resumes::delete,
        routes::resumes::upload,
        routes::resumes::add_version,
        routes::resumes::file_url,
        routes::callbacks::n8n_resume,
        routes::callbacks::n8n_job,
        routes::jobs::create,
        routes::jobs::list,
        routes::jobs::get_one,
        routes::jobs::refine,
        routes::jobs::optimizations,
        routes::jobs::optimize_resume,
    ),
    components(schemas(
        ErrorBody,
        Health,
        Envelope<Health>,
        resumes::FromTextRequest,
        resumes::ResumeCreated,
        resumes::Deleted,
        views::ResumeView,
        views::VersionView,
        views::VersionSummary,
        views::ResumeListItem,
        Page<views::ResumeListItem>,
        shared::contracts::Progress,
        shared::storage::SignedUrl,
        resumes::UploadRequest,
        resumes::TextVersionRequest,
        routes::callbacks::ResumeCallback,
        routes::callbacks::CallbackAccepted,
        routes::callbacks::JobCallback,
        routes::jobs::CreateJobRequest,
        routes::jobs::RefineRequest,
        routes::jobs::OptimizeResumeRequest,
        routes::jobs::JobStarted,
        views::JobView,
        views::OptimizationView,
        Page<views::JobView>,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "health"),
        (name = "resumes", description = "Upload or paste resumes; parsing runs as a Temporal workflow"),
        (name = "jobs", description = "Job descriptions and their optimisation runs"),
        (name = "callbacks", description = "n8n calls these with X-Workflow-Token"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("Supabase access token"))
                    .build(),
            ),
        );
    }
}
