//! Blob storage for originals (uploads) and generated files (CV PDFs).
//!
//! One trait, two homes: a local directory (default; downloads go through the
//! gateway's `/files/...` route with an HMAC-signed, expiring link) and an
//! S3-compatible bucket such as Supabase Storage (presigned URLs). Paths are
//! deterministic (see [`resume_original_path`]), so writing twice is harmless.

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use std::{
    path::{Path, PathBuf},
    time::Duration,
};
use url::Url;
use uuid::Uuid;

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

/// HMAC-SHA256 over `path` and expiry: the gateway's download links.
#[derive(Clone)]
pub struct UrlSigner {
    key: SecretString,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("this download link has expired; ask for a new one")]
    Expired,
    #[error("this download link is not valid")]
    BadSignature,
}

impl UrlSigner {
    pub fn new(key: SecretString) -> Self {
        Self { key }
    }

    fn mac(&self, path: &str, expires: i64) -> Hmac<Sha256> {
        // HMAC accepts keys of any length; new_from_slice cannot fail for it.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.key.expose_secret().as_bytes())
            .unwrap_or_else(|_| unreachable_hmac());
        mac.update(path.as_bytes());
        mac.update(b"\n");
        mac.update(expires.to_string().as_bytes());
        mac
    }

    pub fn sign(&self, path: &str, expires: i64) -> String {
        hex(&self.mac(path, expires).finalize().into_bytes())
    }

    /// Constant-time check of signature, then expiry.
    pub fn verify(&self, path: &str, expires: i64, sig: &str, now: i64) -> Result<(), LinkError> {
        let raw = unhex(sig).ok_or(LinkError::BadSignature)?;
        self.mac(path, expires)
            .verify_slice(&raw)
            .map_err(|_| LinkError::BadSignature)?;
        if now > expires {
            return Err(LinkError::Expired);
        }
        Ok(())
    }
}

#[allow(clippy::panic)]
fn unreachable_hmac() -> Hmac<Sha256> {
    panic!("HMAC-SHA256 accepts keys of any length")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || s.len() > 256 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

/// Files under a local directory; downloads via the gateway's `/files/{path}`.
pub struct LocalBlobStore {
    root: PathBuf,
    public_url: Url,
    signer: UrlSigner,
}

impl LocalBlobStore {
    pub fn new(root: impl Into<PathBuf>, public_url: Url, signer: UrlSigner) -> Self {
        Self {
            root: root.into(),
            public_url,
            signer,
        }
    }

    fn full(&self, path: &str) -> Result<PathBuf, StorageError> {
        check_path(path)?;
        Ok(self.root.join(path))
    }

    pub fn signer(&self) -> &UrlSigner {
        &self.signer
    }
}

fn io_err(e: std::io::Error) -> StorageError {
    StorageError::Unavailable(e.to_string())
}

#[async_trait]
impl BlobStore for LocalBlobStore {
    fn kind(&self) -> &'static str {
        "local"
    }

    async fn put(&self, path: &str, bytes: Bytes, _content_type: &str) -> Result<(), StorageError> {
        let full = self.full(path)?;
        let dir = full
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root.clone());
        tokio::fs::create_dir_all(&dir).await.map_err(io_err)?;
        // Write then rename: a reader never sees half a file.
        let tmp = dir.join(format!(".tmp-{}", Uuid::new_v4().simple()));
        tokio::fs::write(&tmp, &bytes).await.map_err(io_err)?;
        tokio::fs::rename(&tmp, &full).await.map_err(io_err)
    }

    async fn get(&self, path: &str) -> Result<Bytes, StorageError> {
        let full = self.full(path)?;
        match tokio::fs::read(&full).await {
            Ok(b) => Ok(Bytes::from(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(StorageError::NotFound(path.to_string()))
            }
            Err(e) => Err(io_err(e)),
        }
    }

    async fn delete(&self, path: &str) -> Result<(), StorageError> {
        let full = self.full(path)?;
        match tokio::fs::remove_file(&full).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_err(e)),
        }
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<u64, StorageError> {
        let full = self.full(prefix)?;
        let mut count = 0u64;
        let mut stack = vec![full.clone()];
        while let Some(dir) = stack.pop() {
            let mut rd = match tokio::fs::read_dir(&dir).await {
                Ok(rd) => rd,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io_err(e)),
            };
            while let Some(entry) = rd.next_entry().await.map_err(io_err)? {
                if entry.file_type().await.map_err(io_err)?.is_dir() {
                    stack.push(entry.path());
                } else {
                    count += 1;
                }
            }
        }
        match tokio::fs::remove_dir_all(&full).await {
            Ok(()) => Ok(count),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(io_err(e)),
        }
    }

    async fn exists(&self, path: &str) -> Result<bool, StorageError> {
        let full = self.full(path)?;
        tokio::fs::try_exists(&full).await.map_err(io_err)
    }

    async fn download_url(
        &self,
        path: &str,
        ttl: Duration,
        _file_name: Option<&str>,
    ) -> Result<SignedUrl, StorageError> {
        check_path(path)?;
        let expires_at = Utc::now()
            + chrono::Duration::from_std(ttl).unwrap_or_else(|_| chrono::Duration::minutes(15));
        let expires = expires_at.timestamp();
        let sig = self.signer.sign(path, expires);
        let mut url = self.public_url.clone();
        let base = url.path().trim_end_matches('/').to_string();
        url.set_path(&format!("{base}/files/{path}"));
        url.query_pairs_mut()
            .clear()
            .append_pair("expires", &expires.to_string())
            .append_pair("sig", &sig);
        Ok(SignedUrl {
            url: url.to_string(),
            expires_at,
        })
    }
}

/// The configured store: an S3-compatible bucket when `S3_BUCKET` is set
/// (see [`crate::storage_s3`]), else the local directory `SMARTRESUME_BLOB_DIR`.
/// Fails when the S3 settings are incomplete or malformed.
pub fn from_settings(
    settings: &crate::config::Settings,
) -> anyhow::Result<std::sync::Arc<dyn BlobStore>> {
    if let Some(s3) = crate::storage_s3::S3BlobStore::from_settings(settings)? {
        return Ok(std::sync::Arc::new(s3));
    }
    Ok(std::sync::Arc::new(LocalBlobStore::new(
        settings.blob_dir.clone(),
        settings.public_url(),
        UrlSigner::new(settings.signing_key()),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> UrlSigner {
        UrlSigner::new(SecretString::from("test-signing-key-0123456789"))
    }

    #[test]
    fn signatures_bind_path_and_expiry() {
        let s = signer();
        let sig = s.sign("resumes/a/b/c/original.pdf", 2_000);
        assert_eq!(
            s.verify("resumes/a/b/c/original.pdf", 2_000, &sig, 1_000),
            Ok(())
        );
        assert_eq!(
            s.verify("resumes/a/b/c/original.pdf", 2_000, &sig, 2_001),
            Err(LinkError::Expired)
        );
        assert_eq!(
            s.verify("resumes/a/b/x/original.pdf", 2_000, &sig, 1_000),
            Err(LinkError::BadSignature)
        );
        assert_eq!(
            s.verify("resumes/a/b/c/original.pdf", 9_000, &sig, 1_000),
            Err(LinkError::BadSignature)
        );
        assert_eq!(
            s.verify("resumes/a/b/c/original.pdf", 2_000, "zz", 1_000),
            Err(LinkError::BadSignature)
        );
        let other = UrlSigner::new(SecretString::from("another-key-0123456789"));
        assert_eq!(
            other.verify("resumes/a/b/c/original.pdf", 2_000, &sig, 1_000),
            Err(LinkError::BadSignature)
        );
    }

    #[test]
    fn paths_cannot_escape_the_root() {
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "a/./b",
            "a b",
            "a/%2e%2e/b",
            "ä",
        ] {
            assert!(check_path(bad).is_err(), "{bad:?}");
        }
        check_path("resumes/u/r/v/original.pdf").unwrap();
    }

    #[test]
    fn settings_choose_the_store() {
        let mut s = crate::config::Settings::default();
        assert_eq!(from_settings(&s).unwrap().kind(), "local");
        s.s3_bucket = Some("files".into());
        s.s3_endpoint = Some("https://proj.supabase.co/storage/v1/s3".into());
        let err = from_settings(&s).err().unwrap().to_string();
        assert!(err.contains("S3_ACCESS_KEY_ID"), "{err}");
        s.s3_access_key_id = Some("AKID".into());
        s.s3_secret_access_key = Some(SecretString::from("secret"));
        assert_eq!(from_settings(&s).unwrap().kind(), "s3");
    }

    #[tokio::test]
    async fn local_store_round_trip_and_prefix_delete() {
        let root = std::env::temp_dir().join(format!("sr-blobs-{}", Uuid::new_v4()));
        let store = LocalBlobStore::new(
            &root,
            Url::parse("http://127.0.0.1:8080").unwrap(),
            signer(),
        );
        store
            .put(
                "resumes/u/r/v1/original.txt",
                Bytes::from_static(b"hello"),
                "text/plain",
            )
            .await
            .unwrap();
        store
            .put(
                "resumes/u/r/v2/original.txt",
                Bytes::from_static(b"again"),
                "text/plain",
            )
            .await
            .unwrap();
        assert_eq!(
            store.get("resumes/u/r/v1/original.txt").await.unwrap(),
            Bytes::from_static(b"hello")
        );
        assert!(matches!(
            store.get("resumes/u/r/v9/x.txt").await,
            Err(StorageError::NotFound(_))
        ));
        let url = store
            .download_url("resumes/u/r/v1/original.txt", Duration::from_secs(60), None)
            .await
            .unwrap();
        assert!(
            url.url
                .starts_with("http://127.0.0.1:8080/files/resumes/u/r/v1/original.txt?expires="),
            "{}",
            url.url
        );
        assert_eq!(store.delete_prefix("resumes/u/r").await.unwrap(), 2);
        assert!(!store.exists("resumes/u/r/v1/original.txt").await.unwrap());
        store.delete("resumes/u/r/v1/original.txt").await.unwrap();
        let _ = std::fs::remove_dir_all(root);
    }
}
