//! The route table: every path of API.md in one place.

pub mod callbacks;
pub mod docs;
pub mod files;
pub mod health;
pub mod jobs;
pub mod resumes;
pub mod upload;
pub mod views;

use crate::app::AppState;
use axum::{
    Router,
    routing::{get, post},
};

pub fn routes(upload_limit: usize) -> Router<AppState> {
    // Upload routes accept the file limit (plus multipart overhead and the
    // drain allowance, see `upload`).
    let upload_limit = axum::extract::DefaultBodyLimit::max(upload::route_body_limit(upload_limit));
    Router::new()
        // Public
        .route("/health", get(health::health))
        .route("/openapi.json", get(docs::openapi_json))
        .route("/docs", get(docs::docs_page))
        .route(
            "/schemas/parsed_resume.json",
            get(docs::parsed_resume_schema),
        )
        .route("/files/{*path}", get(files::download))
        // Resumes
        .route("/resumes", get(resumes::list))
        .route("/resumes/from-text", post(resumes::create_from_text))
        .route("/resumes/upload", post(resumes::upload).layer(upload_limit))
        .route(
            "/resumes/{id}",
            get(resumes::get_one).delete(resumes::delete),
        )
        .route(
            "/resumes/{id}/versions",
            get(resumes::list_versions)
                .post(resumes::add_version)
                .layer(upload_limit),
        )
        .route("/resumes/{id}/file", get(resumes::file_url))
        .route("/resumes/{id}/optimize", post(jobs::optimize_resume))
        // Jobs
        .route("/jobs", get(jobs::list).post(jobs::create))
        .route("/jobs/{id}", get(jobs::get_one))
        .route("/jobs/{id}/refine", post(jobs::refine))
        .route("/jobs/{id}/optimizations", get(jobs::optimizations))
        // n8n
        .route("/callbacks/n8n/resume", post(callbacks::n8n_resume))
        .route("/callbacks/n8n/job", post(callbacks::n8n_job))
}
