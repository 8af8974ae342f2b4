//! `GET /openapi.json` (generated from the handler types) and `GET /docs`.

use axum::{
    Json,
    response::{Html, IntoResponse, Response},
};

/// The JSON Schema of `parsed_json` (a resume's structure), which the code
/// checks n8n's `parsed_json` against; generated from the Rust types and kept
/// in step by a test.
pub const PARSED_RESUME_SCHEMA: &str = include_str!("../../../schemas/parsed_resume.schema.json");

/// The JSON Schema of a resume's `parsed_json`.
#[utoipa::path(
    get, path = "/schemas/parsed_resume.json", operation_id = "parsed_resume_schema", tag = "docs",
    responses((status = 200, description = "JSON Schema (draft 2020-12)", content_type = "application/schema+json", body = Object)),
)]
pub async fn parsed_resume_schema() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/schema+json")],
        PARSED_RESUME_SCHEMA,
    )
        .into_response()
}

/// The JSON Schema of a tailored CV (`cvs.source_json` in `GET /applications/{id}`):
/// a parsed resume's shape plus the order of its sections; generated from the Rust
/// type and kept in step by a test.
pub const TAILORED_CV_SCHEMA: &str = include_str!("../../../schemas/tailored_cv.schema.json");

/// The JSON Schema of a tailored CV (`source_json` of each CV version).
#[utoipa::path(
    get, path = "/schemas/tailored_cv.json", operation_id = "tailored_cv_schema", tag = "docs",
    responses((status = 200, description = "JSON Schema (draft 2020-12)", content_type = "application/schema+json", body = Object)),
)]
pub async fn tailored_cv_schema() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/schema+json")],
        TAILORED_CV_SCHEMA,
    )
        .into_response()
}

/// This document.
#[utoipa::path(
    get, path = "/openapi.json", operation_id = "openapi_document", tag = "docs",
    responses((status = 200, description = "OpenAPI 3.1 document", body = Object)),
)]
pub async fn openapi_json() -> Response {
    Json(crate::openapi::document()).into_response()
}

/// A ReDoc page over `/openapi.json` (the script loads from the CDN in the
/// reader's browser; the raw document is linked for offline readers).
#[utoipa::path(
    get, path = "/docs", operation_id = "docs_page", tag = "docs",
    responses((status = 200, description = "HTML page", content_type = "text/html", body = String)),
)]
pub async fn docs_page() -> Html<&'static str> {
    Html(
        r#"<!doctype html>
<html><head><meta charset="utf-8"><title>SmartResume API</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<noscript><p>The API description is at <a href="/openapi.json">/openapi.json</a>.</p></noscript>
<redoc spec-url="/openapi.json"></redoc>
<script src="https://cdn.redoc.ly/redoc/latest/bundles/redoc.standalone.js"></script>
</body></html>"#,
    )
}
