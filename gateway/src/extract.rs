//! Extractors whose rejections speak our envelope, and the authenticated user.

use crate::{error::ApiError, state::AppState};
use axum::{
    extract::{
        FromRequest, FromRequestParts,
        rejection::{JsonRejection, PathRejection, QueryRejection},
    },
    http::{StatusCode, request::Parts},
};
use uuid::Uuid;

/// `axum::Json` with API.md's answers: malformed JSON or a wrong content type
/// is 400, well-formed JSON of the wrong shape is 422, an oversized body 413.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::MissingJsonContentType(_) => ApiError::BadRequest(
                "expected a JSON body with Content-Type: application/json".into(),
            ),
            JsonRejection::JsonSyntaxError(e) => {
                ApiError::BadRequest(format!("malformed JSON: {}", e.body_text()))
            }
            JsonRejection::JsonDataError(e) => ApiError::Validation {
                message: e.body_text(),
                fields: Default::default(),
            },
            JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::PayloadTooLarge("request body is too large".into())
            }
            other => ApiError::BadRequest(other.body_text()),
        }
    }
}

/// Path parameters; an unparsable id is a 400.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        match r {
            PathRejection::FailedToDeserializePathParams(_) => {
                ApiError::BadRequest("invalid id in path: expected a UUID".into())
            }
            other => ApiError::BadRequest(other.body_text()),
        }
    }
}

/// Query string; a malformed one is a 400.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::BadRequest(format!("invalid query string: {}", r.body_text()))
    }
}

/// The request id the gateway set (or the caller sent) in `x-request-id`.
pub fn request_id(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(100).collect())
}

/// The caller, from a verified Supabase access token.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub user_id: Uuid,
    /// The token's payload, handed to Postgres as `request.jwt.claims`.
    pub claims: serde_json::Value,
    pub is_anonymous: bool,
    /// The request's `x-request-id` (for the audit trail).
    pub request_id: Option<String>,
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .ok_or_else(|| {
                ApiError::Unauthorized("missing Authorization: Bearer <access token>".into())
            })?;
        let header = header
            .to_str()
            .map_err(|_| ApiError::Unauthorized("malformed Authorization header".into()))?;
        let token = shared::auth::bearer_token(header)
            .map_err(|e| ApiError::Unauthorized(e.to_string()))?;
        let verified = state.auth.verify(token).await.map_err(|e| match e {
            shared::auth::AuthError::JwksUnavailable(_) => {
                ApiError::Unavailable("token key service")
            }
            other => ApiError::Unauthorized(other.to_string()),
        })?;
        state
            .users
            .ensure(
                &state.db,
                verified.user_id,
                verified.claims.email.as_deref(),
            )
            .await?;
        Ok(AuthUser {
            user_id: verified.user_id,
            is_anonymous: verified.claims.is_anonymous.unwrap_or(false),
            claims: verified.claims_json,
            request_id: request_id(&parts.headers),
        })
    }
}

/// The caller on a route that starts work (a workflow, an upload): the request
/// counts against the per-user limit and is refused with 429 + `Retry-After`
/// above it. It counts when it arrives, valid or not: a flood of bad requests
/// is a flood too, and nothing is parsed for a caller who is over the limit.
#[derive(Debug, Clone)]
pub struct LimitedUser(pub AuthUser);

impl FromRequestParts<AppState> for LimitedUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        if let Err(retry_after) = state.limiter.check(user.user_id) {
            let route = parts
                .extensions
                .get::<axum::extract::MatchedPath>()
                .map_or("unmatched", |p| p.as_str());
            if let Some(m) = crate::metrics::get() {
                m.rate_limited(route);
            }
            crate::audit::rate_limited(state, &user, retry_after.as_secs().max(1));
            return Err(ApiError::RateLimited { retry_after });
        }
        Ok(LimitedUser(user))
    }
}

/// An optional JSON body: empty or `null` → `T::default()`; otherwise the same answers
/// as [`ApiJson`] (400 malformed / wrong content type, 422 wrong shape).
pub fn optional_json<T: serde::de::DeserializeOwned + Default>(
    headers: &axum::http::HeaderMap,
    body: &[u8],
) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let is_json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            let ct = ct.to_ascii_lowercase();
            ct.starts_with("application/json")
                || (ct.starts_with("application/") && ct.contains("+json"))
        });
    if !is_json {
        return Err(ApiError::BadRequest(
            "expected a JSON body with Content-Type: application/json".into(),
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    // `null` is the JSON spelling of "no body".
    match serde_path_to_error::deserialize::<_, Option<T>>(&mut de) {
        Ok(v) => Ok(v.unwrap_or_default()),
        Err(e) if e.inner().is_data() => Err(ApiError::Validation {
            message: format!("{}: {}", e.path(), e.inner()),
            fields: Default::default(),
        }),
        Err(e) => Err(ApiError::BadRequest(format!(
            "malformed JSON: {}",
            e.inner()
        ))),
    }
}
