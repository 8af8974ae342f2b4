//! The route table: every path of API.md in one place, and the OpenAPI
//! document built from the same table. A route joins with `routes!(handler)`,
//! which takes its path and methods from the handler's `#[utoipa::path]`, so
//! a route cannot exist undocumented and a document cannot list a route that
//! does not exist.

pub mod applications;
pub mod callbacks;
pub mod docs;
pub mod files;
pub mod health;
pub mod jobs;
pub mod resumes;
pub mod tracker;
pub mod upload;
pub mod views;

use crate::{openapi::ApiDoc, state::AppState};
use axum::{Router, routing::get};
use utoipa::OpenApi;
use utoipa_axum::{
    router::{OpenApiRouter, UtoipaMethodRouterExt},
    routes,
};

/// The router and its OpenAPI document.
pub fn table(upload_limit: usize) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    // Upload routes accept the file limit (plus multipart overhead and the
    // drain allowance, see `upload`).
    let upload_limit = axum::extract::DefaultBodyLimit::max(upload::route_body_limit(upload_limit));
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        // Public
        .routes(routes!(health::health))
        .routes(routes!(health::livez))
        .routes(routes!(health::readyz))
        .routes(routes!(docs::openapi_json))
        .routes(routes!(docs::docs_page))
        .routes(routes!(docs::parsed_resume_schema))
        .routes(routes!(docs::tailored_cv_schema))
        // Resumes
        .routes(routes!(resumes::list))
        .routes(routes!(resumes::create_from_text))
        .routes(routes!(resumes::upload).layer(upload_limit))
        .routes(routes!(resumes::get_one, resumes::delete))
        .routes(routes!(resumes::list_versions, resumes::add_version).layer(upload_limit))
        .routes(routes!(resumes::file_url))
        .routes(routes!(jobs::optimize_resume))
        // Jobs
        .routes(routes!(jobs::list, jobs::create))
        .routes(routes!(jobs::get_one))
        .routes(routes!(jobs::refine))
        .routes(routes!(jobs::optimizations))
        // Applications
        .routes(routes!(applications::list, applications::create))
        .routes(routes!(
            applications::get_one,
            applications::update,
            applications::delete
        ))
        .routes(routes!(applications::regenerate))
        .routes(routes!(
            tracker::list_communications,
            tracker::create_communication
        ))
        .routes(routes!(
            tracker::list_action_points,
            tracker::create_action_point
        ))
        .routes(routes!(tracker::update_action_point))
        // n8n
        .routes(routes!(callbacks::n8n_resume))
        .routes(routes!(callbacks::n8n_job))
        .split_for_parts();
    // The one route `routes!` cannot register: a download path has slashes
    // (`/files/{*path}`), which OpenAPI cannot express. It is documented as
    // `/files/{path}` in `ApiDoc` (see `openapi.rs`).
    let router = router.route(files::ROUTE, get(files::download));
    (router, doc)
}
