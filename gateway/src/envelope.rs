//! The `{data, error}` envelope around every answer, including the ones axum
//! and tower produce themselves (unknown route, body limit, panic).

use crate::error::{ApiError, ErrorMark};
use axum::{
    Json,
    body::Body,
    extract::Request,
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

/// A successful answer: `{ "data": ..., "error": null }`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Envelope<T> {
    pub data: T,
    /// Always null on success.
    #[schema(schema_with = null_schema)]
    pub error: Option<()>,
}

/// A failed answer: `{ "data": null, "error": { code, message, request_id, details? } }`.
/// Built by [`ApiError::envelope`] only.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorEnvelope {
    /// Always null on failure.
    #[schema(schema_with = null_schema)]
    pub data: (),
    pub error: crate::error::ErrorBody,
}

/// JSON Schema `{"type": "null"}`: the half of the envelope that is always null.
fn null_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::Null)
        .build()
}

pub fn ok<T: Serialize>(data: T) -> Response {
    (StatusCode::OK, Json(Envelope { data, error: None })).into_response()
}

pub fn accepted<T: Serialize>(data: T) -> Response {
    (StatusCode::ACCEPTED, Json(Envelope { data, error: None })).into_response()
}

/// A page of items: `{ items, next_cursor }`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `?cursor=` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Runs inside the request-id and trace layers: stamps the request id into
/// error bodies, wraps foreign error responses, and logs each error once.
pub async fn finalize(req: Request, next: Next) -> Response {
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let mut res = crate::tracectx::scope(request_id.clone(), next.run(req)).await;

    let err = match res.extensions_mut().remove::<ErrorMark>() {
        Some(ErrorMark(err)) => Some(err),
        None if res.status().is_client_error() || res.status().is_server_error() => {
            // Produced outside our handlers: map the status onto our table.
            Some(std::sync::Arc::new(foreign_error(res.status())))
        }
        None => None,
    };
    let Some(err) = err else { return res };

    if err.status().is_server_error() {
        tracing::error!(error = ?err, code = err.code(), "request failed");
    } else {
        tracing::info!(error = %err, code = err.code(), "request rejected");
    }
    let status = if matches!(err.as_ref(), ApiError::Internal(_)) {
        StatusCode::INTERNAL_SERVER_ERROR
    } else if res.status() == StatusCode::METHOD_NOT_ALLOWED {
        res.status()
    } else {
        err.status()
    };
    let bytes = serde_json::to_vec(&err.envelope(&request_id)).unwrap_or_default();
    *res.status_mut() = status;
    res.headers_mut().remove(header::CONTENT_LENGTH);
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    *res.body_mut() = Body::from(bytes);
    res
}

fn foreign_error(status: StatusCode) -> ApiError {
    match status {
        StatusCode::NOT_FOUND => ApiError::NotFound("route"),
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::BadRequest("method not allowed on this route".into())
        }
        StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::PayloadTooLarge("request body is too large".into())
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ApiError::BadRequest("unsupported content type".into())
        }
        StatusCode::UNAUTHORIZED => ApiError::Unauthorized("authentication required".into()),
        StatusCode::REQUEST_TIMEOUT | StatusCode::GATEWAY_TIMEOUT => {
            ApiError::Unavailable("upstream")
        }
        s if s.is_client_error() => {
            ApiError::BadRequest(s.canonical_reason().unwrap_or("bad request").to_lowercase())
        }
        StatusCode::SERVICE_UNAVAILABLE => ApiError::Unavailable("service"),
        _ => ApiError::Internal(anyhow::anyhow!("unhandled {status} response")),
    }
}

/// Unknown routes answer 404 in the envelope.
pub async fn not_found() -> ApiError {
    ApiError::NotFound("route")
}

/// Panics become a generic 500 in the envelope (the panic is logged).
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".into());
    ApiError::Internal(anyhow::anyhow!("handler panicked: {detail}")).into_response()
}
