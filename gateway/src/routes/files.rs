//! `GET /files/{path}?expires=&sig=`: downloads behind the gateway's signed,
//! expiring links (local blob storage). The link is the credential: no bearer
//! token, so it works from an `<a href>` or for n8n.

use crate::{app::AppState, error::ApiError, extract::ApiQuery};
use axum::{
    extract::{Path, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use shared::storage::{LinkError, StorageError};

#[derive(Debug, Deserialize)]
pub struct LinkParams {
    pub expires: Option<String>,
    pub sig: Option<String>,
}

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
