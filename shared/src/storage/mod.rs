//! Blob storage for originals (uploads) and generated files (CV PDFs).
//!
//! One trait, two homes: a local directory (default; downloads go through the
//! gateway's `/files/...` route with an HMAC-signed, expiring link) and an
//! S3-compatible bucket such as Supabase Storage (presigned URLs). Paths are
//! deterministic (see [`resume_original_path`]), so writing twice is harmless.

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use std::time::Duration;
use uuid::Uuid;

mod local;
pub mod s3;

pub use local::{LinkError, LocalBlobStore, UrlSigner};
pub use s3::S3BlobStore;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("no stored file at {0}")]
    NotFound(String),
    #[error("invalid storage path {0:?}")]
    BadPath(String),
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// The storage refused our credentials or their permissions (a
    /// configuration error: retrying cannot fix it).
    #[error("file storage refused access (check the S3 keys, region and bucket policy): {0}")]
    Rejected(String),
}

/// A link a browser (or n8n) can GET until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SignedUrl {
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

#[async_trait]
pub trait BlobStore: Send + Sync {
    /// `local` or `s3`, for `/health` and logs.
    fn kind(&self) -> &'static str;
    async fn put(&self, path: &str, bytes: Bytes, content_type: &str) -> Result<(), StorageError>;
    async fn get(&self, path: &str) -> Result<Bytes, StorageError>;
    /// Deleting a missing file is not an error.
    async fn delete(&self, path: &str) -> Result<(), StorageError>;
    /// Delete everything under `prefix/`; returns how many files went.
    async fn delete_prefix(&self, prefix: &str) -> Result<u64, StorageError>;
    async fn exists(&self, path: &str) -> Result<bool, StorageError>;
    async fn download_url(
        &self,
        path: &str,
        ttl: Duration,
        file_name: Option<&str>,
    ) -> Result<SignedUrl, StorageError>;
}

/// Where the original of a resume version is kept.
pub fn resume_original_path(user: Uuid, resume: Uuid, version: Uuid, ext: &str) -> String {
    format!("resumes/{user}/{resume}/{version}/original.{ext}")
}

/// Everything stored for one resume.
pub fn resume_prefix(user: Uuid, resume: Uuid) -> String {
    format!("resumes/{user}/{resume}")
}

/// Everything stored for one application (its CV versions and cover letters).
pub fn application_prefix(user: Uuid, application: Uuid) -> String {
    format!("applications/{user}/{application}")
}

/// Where a generated document of one CV version is kept: `kind` is `cv` or
/// `cover_letter`, `ext` is `pdf` or `docx`. Deterministic, so a retried render
/// overwrites instead of leaving a second copy.
pub fn application_document_path(
    user: Uuid,
    application: Uuid,
    version_no: i32,
    kind: &str,
    ext: &str,
) -> String {
    format!("applications/{user}/{application}/v{version_no}/{kind}.{ext}")
}

/// Paths are relative, `/`-separated, made of `[A-Za-z0-9._-]` segments, and
/// never climb (`..`): a path can never leave the storage root.
pub fn check_path(path: &str) -> Result<(), StorageError> {
    let ok = !path.is_empty()
        && path.len() <= 512
        && path.split('/').all(|seg| {
            !seg.is_empty()
                && seg != "."
                && seg != ".."
                && seg
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        });
    if ok {
        Ok(())
    } else {
        Err(StorageError::BadPath(path.chars().take(80).collect()))
    }
}

/// The configured store: an S3-compatible bucket when `S3_BUCKET` is set
/// (see [`s3`]), else the local directory `SMARTRESUME_BLOB_DIR`.
/// Fails when the S3 settings are incomplete or malformed.
pub fn from_settings(
    settings: &crate::config::Settings,
) -> anyhow::Result<std::sync::Arc<dyn BlobStore>> {
    if let Some(s3) = S3BlobStore::from_settings(settings)? {
        return Ok(std::sync::Arc::new(s3));
    }
    Ok(std::sync::Arc::new(LocalBlobStore::new(
        settings.blob_dir.clone(),
        settings.public_url()?,
        UrlSigner::new(settings.signing_key()),
    )))
}
