//! The route table: every path of API.md in one place.

pub mod callbacks;
pub mod docs;
pub mod files;
pub mod health;
pub mod resumes;
pub mod upload;
pub mod views;

use crate::app::AppState;
use axum::{Router, routing::get};

pub fn routes(upload_limit: usize) -> Router<AppState> {
    // Upload routes accept the file limit plus the multipart overhead.
    let upload_limit = axum::extract::DefaultBodyLimit::max(upload::route_body_limit(upload_limit));
    Router::new()
        .route("/health", get(health::health))
        .route("/openapi.json", get(docs::openapi_json))
        .route("/docs", get(docs::docs_page))
        .route("/schemas/parsed_resume.json", get(docs::parsed_resume_schema))
        .route("/resumes", get(resumes::list))
        .route(
            "/resumes/from-text",
            axum::routing::post(resumes::create_from_text),
        )
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
        .route(
            "/resumes/upload",
            axum::routing::post(resumes::upload).layer(upload_limit),
        )
        .route("/resumes/{id}/file", get(resumes::file_url))
        .route("/files/{*path}", get(files::download))
        .route(
            "/callbacks/n8n/resume",
            axum::routing::post(callbacks::n8n_resume),
        )
}
