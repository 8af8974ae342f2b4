//! The route table: every path of API.md in one place.

pub mod docs;
pub mod health;
pub mod resumes;
pub mod views;

use crate::app::AppState;
use axum::{Router, routing::get};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health))
        .route("/openapi.json", get(docs::openapi_json))
        .route("/docs", get(docs::docs_page))
        .route("/resumes", get(resumes::list))
        .route(
            "/resumes/from-text",
            axum::routing::post(resumes::create_from_text),
        )
        .route(
            "/resumes/{id}",
            get(resumes::get_one).delete(resumes::delete),
        )
        .route("/resumes/{id}/versions", get(resumes::list_versions))
}
