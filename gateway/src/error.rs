//! The one place where failures become HTTP answers.
//!
//! Handlers return `Result<_, ApiError>`; [`ApiError::into_response`] picks the
//! status and public code from API.md's table and puts the error in the
//! response extensions. The envelope middleware (see `envelope.rs`) fills in
//! `request_id` and logs the error once, inside the trace span. 5xx bodies are
//! generic: internals only go to the log.

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use std::{collections::BTreeMap, sync::Arc, time::Duration};
use utoipa::ToSchema;

pub use crate::envelope::ErrorEnvelope;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{message}")]
    Validation {
        message: String,
        fields: BTreeMap<String, String>,
    },
    #[error("too many requests")]
    RateLimited { retry_after: Duration },
    #[error("{0} is unavailable")]
    Unavailable(&'static str),
    /// Like `Unavailable`, with the cause kept for the log (the envelope
    /// middleware logs it once, with the request id; the client sees only
    /// which part is down).
    #[error("{part} is unavailable")]
    Unreachable {
        part: &'static str,
        #[source]
        cause: anyhow::Error,
    },
    /// Health check failure: which parts are down, part by part in `details`.
    #[error("{message}")]
    Degraded {
        message: String,
        parts: serde_json::Value,
    },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// One field problem, e.g. `validation("raw_text", "must not be empty")`.
    pub fn validation(field: &str, problem: impl Into<String>) -> Self {
        let problem = problem.into();
        ApiError::Validation {
            message: format!("{field}: {problem}"),
            fields: BTreeMap::from([(field.to_string(), problem)]),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::Unreachable { .. } | ApiError::Degraded { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::Conflict(_) => "conflict",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::Validation { .. } => "validation_failed",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Unavailable(_) | ApiError::Unreachable { .. } | ApiError::Degraded { .. } => {
                "unavailable"
            }
            ApiError::Internal(_) => "internal",
        }
    }

    /// What the client may read. 5xx never carry internals.
    pub fn public_message(&self) -> String {
        match self {
            ApiError::Internal(_) => {
                "internal error; quote the request id when reporting it".into()
            }
            other => other.to_string(),
        }
    }

    pub fn details(&self) -> Option<serde_json::Value> {
        match self {
            ApiError::Validation { fields, .. } if !fields.is_empty() => {
                Some(serde_json::json!({ "fields": fields }))
            }
            ApiError::Degraded { parts, .. } => Some(parts.clone()),
            _ => None,
        }
    }
}

/// Database errors: connection trouble is a 503, anything else a bug. Either
/// way the sqlx error stays attached, so the log says what went wrong.
impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_) => ApiError::Unreachable {
                part: "database",
                cause: anyhow::Error::new(e),
            },
            _ => ApiError::Internal(anyhow::Error::new(e).context("database query")),
        }
    }
}

/// The public shape of an error (inside the envelope).
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code, see the table in API.md.
    #[schema(example = "not_found")]
    pub code: &'static str,
    pub message: String,
    /// Equals the `x-request-id` response header.
    pub request_id: String,
    /// Field problems of a 422 (`{ "fields": { "raw_text": "must not be empty" } }`),
    /// or the parts of a failed health check.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
}

impl ApiError {
    /// The one place the error body is built: `{ "data": null, "error": {...} }`.
    pub fn envelope(&self, request_id: &str) -> ErrorEnvelope {
        ErrorEnvelope {
            data: (),
            error: ErrorBody {
                code: self.code(),
                message: self.public_message(),
                request_id: request_id.to_string(),
                details: self.details(),
            },
        }
    }
}

/// Carried in the response extensions so the envelope middleware can add the
/// request id and log the error exactly once.
#[derive(Clone)]
pub struct ErrorMark(pub Arc<ApiError>);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // The envelope middleware (`envelope::finalize`) renders the body
        // again with the request id; this one only serves a response that
        // never passes through it.
        let mut res = (self.status(), Json(self.envelope(""))).into_response();
        if let ApiError::RateLimited { retry_after } = &self {
            let secs = retry_after.as_secs().max(1).to_string();
            if let Ok(v) = HeaderValue::from_str(&secs) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        res.extensions_mut().insert(ErrorMark(Arc::new(self)));
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_outage_is_a_503_that_keeps_its_cause_for_the_log() {
        let err = ApiError::from(sqlx::Error::PoolTimedOut);
        assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(err.code(), "unavailable");
        assert_eq!(err.public_message(), "database is unavailable");
        // What the envelope middleware logs (`error = ?err`) names the cause.
        let logged = format!("{err:?}");
        assert!(logged.contains("pool timed out"), "{logged}");
        let chain: Vec<String> =
            std::iter::successors(Some(&err as &dyn std::error::Error), |e| e.source())
                .map(ToString::to_string)
                .collect();
        assert!(
            chain.iter().any(|m| m.contains("pool timed out")),
            "{chain:?}"
        );
    }

    #[test]
    fn the_error_body_is_the_envelope_with_the_request_id() {
        let body = serde_json::to_value(
            ApiError::validation("raw_text", "must not be empty").envelope("rid-1"),
        )
        .unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "data": null,
                "error": {
                    "code": "validation_failed",
                    "message": "raw_text: must not be empty",
                    "request_id": "rid-1",
                    "details": { "fields": { "raw_text": "must not be empty" } }
                }
            })
        );
    }
}
