//! `GET /files/{path}?expires=&sig=`: downloads behind the gateway's signed,
//! expiring links (local blob storage). The link is the credential: no bearer
//! token, so it works from an `<a href>` or for n8n.

use crate::{envelope::ErrorEnvelope, error::ApiError, extract::ApiQuery, state::AppState};
use axum::{
    extract::{Path, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use shared::storage::{LinkError, StorageError};
use utoipa::IntoParams;

/// The route; the path has slashes, so it is a wildcard in the router.
pub const ROUTE: &str = "/files/{*path}";

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LinkParams {
    /// Unix time the link expires at.
    pub expires: Option<String>,
    /// The link's signature.
    pub sig: Option<String>,
}

/// Download a stored file through a link from `GET /resumes/{id}/file` (no
/// bearer token: the signed link is the credential).
#[utoipa::path(
    get, path = "/files/{path}", operation_id = "download_file", tag = "files",
    params(("path" = String, Path, description = "Stored file path (may contain `/`)"), LinkParams),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 400, description = "Malformed query string", body = ErrorEnvelope),
        (status = 401, description = "Signature missing, or the link expired", body = ErrorEnvelope),
        (status = 403, description = "Wrong signature", body = ErrorEnvelope),
        (status = 404, description = "No such file", body = ErrorEnvelope),
        (status = 503, description = "File storage unreachable", body = ErrorEnvelope),
    ),
)]
pub async fn download(
    State(state): State<AppState>,
    Path(path): Path<String>,
    ApiQuery(q): ApiQuery<LinkParams>,
) -> Result<Response, ApiError> {
    let (Some(expires), Some(sig)) = (q.expires, q.sig) else {
        return Err(ApiError::Unauthorized(
            "this download link is missing its signature".into(),
        ));
    };
    let expires: i64 = expires
        .parse()
        .map_err(|_| ApiError::Forbidden(LinkError::BadSignature.to_string()))?;
    state
        .signer
        .verify(&path, expires, &sig, chrono::Utc::now().timestamp())
        .map_err(|e| match e {
            LinkError::Expired => ApiError::Unauthorized(e.to_string()),
            LinkError::BadSignature => ApiError::Forbidden(e.to_string()),
        })?;
    let bytes = state.blobs.get(&path).await.map_err(|e| match e {
        StorageError::NotFound(_) | StorageError::BadPath(_) => ApiError::NotFound("file"),
        StorageError::Unavailable(_) | StorageError::Rejected(_) => {
            ApiError::Unavailable("file storage")
        }
    })?;
    let file_name = path.rsplit('/').next().unwrap_or("file").to_string();
    let content_type = match file_name.rsplit('.').next() {
        Some("pdf") => "application/pdf",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("md") => "text/markdown; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
    let mut res = bytes.into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(res)
}
