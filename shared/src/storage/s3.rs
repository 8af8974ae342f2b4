//! Blob storage in an S3-compatible bucket (Supabase Storage's S3 endpoint,
//! AWS S3, MinIO, ...) through `object_store`, with SigV4 presigned GET URLs
//! for downloads.
//!
//! Endpoints:
//! - Supabase Storage: `https://<project>.supabase.co/storage/v1/s3`,
//!   path-style (`S3_FORCE_PATH_STYLE=true`, the default). An endpoint with a
//!   path prefix works: requests (and presigned links) go to
//!   `{endpoint}/{bucket}/{path}` and the signature covers the whole path,
//!   prefix included, which is what Supabase verifies.
//! - Virtual-hosted style (`S3_FORCE_PATH_STYLE=false`): `object_store` then
//!   uses the endpoint as the bucket's own URL, so it must already name the
//!   bucket (`https://<bucket>.s3.<region>.amazonaws.com`).
//! - No endpoint: AWS S3 in `S3_REGION`.
//!
//! Presigned links live at most 7 days (the SigV4 limit); a longer TTL is
//! cut to that and `expires_at` says so.

use super::{BlobStore, SignedUrl, StorageError, check_path};
use anyhow::Context;
use async_trait::async_trait;
use bytes::Bytes;
use chrono::Utc;
use futures::{StreamExt, TryStreamExt};
use object_store::{
    Attribute, Attributes, ClientOptions, ObjectStore, ObjectStoreExt, PutOptions, PutPayload,
    RetryConfig,
    aws::{AmazonS3, AmazonS3Builder},
    path::Path,
    signer::{Method, SignedUrlOptions, Signer},
};
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

/// The longest a SigV4 presigned URL may be valid.
pub const MAX_PRESIGN_TTL: Duration = Duration::from_secs(7 * 24 * 3600);
/// Per-request timeout (uploads are at most a few MB).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Where and how to reach the bucket.
#[derive(Clone)]
pub struct S3Config {
    /// `https://<project>.supabase.co/storage/v1/s3`; `None` = AWS S3.
    pub endpoint: Option<String>,
    pub bucket: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    /// Path-style requests (`{endpoint}/{bucket}/{key}`), as Supabase needs.
    pub force_path_style: bool,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"[REDACTED]")
            .field("force_path_style", &self.force_path_style)
            .finish()
    }
}

impl S3Config {
    /// From `S3_*` settings; `None` when `S3_BUCKET` is not set.
    pub fn from_settings(settings: &crate::config::Settings) -> anyhow::Result<Option<S3Config>> {
        let Some(bucket) = &settings.s3_bucket else {
            return Ok(None);
        };
        let access_key_id = settings
            .s3_access_key_id
            .clone()
            .context("S3_ACCESS_KEY_ID is required when S3_BUCKET is set")?;
        let secret_access_key = settings
            .s3_secret_access_key
            .clone()
            .context("S3_SECRET_ACCESS_KEY is required when S3_BUCKET is set")?;
        Ok(Some(S3Config {
            endpoint: settings.s3_endpoint.clone(),
            bucket: bucket.clone(),
            region: settings.s3_region.clone(),
            access_key_id,
            secret_access_key,
            force_path_style: settings.s3_force_path_style,
        }))
    }
}

/// Files in an S3-compatible bucket. `Debug` shows no credentials.
pub struct S3BlobStore {
    store: AmazonS3,
    config: S3Config,
}

impl std::fmt::Debug for S3BlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3BlobStore")
            .field("config", &self.config)
            .finish()
    }
}

impl S3BlobStore {
    pub fn new(config: S3Config) -> anyhow::Result<S3BlobStore> {
        crate::telemetry::install_crypto_provider();
        anyhow::ensure!(!config.bucket.trim().is_empty(), "S3_BUCKET is empty");
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(config.bucket.trim())
            .with_region(config.region.trim())
            .with_access_key_id(config.access_key_id.trim())
            .with_secret_access_key(config.secret_access_key.expose_secret().trim())
            .with_virtual_hosted_style_request(!config.force_path_style)
            .with_client_options(
                ClientOptions::new()
                    .with_timeout(REQUEST_TIMEOUT)
                    .with_connect_timeout(Duration::from_secs(10))
                    .with_allow_http(
                        config
                            .endpoint
                            .as_deref()
                            .is_some_and(|e| e.trim().starts_with("http://")),
                    ),
            )
            // Temporal retries the activity; keep our own retries short.
            .with_retry(RetryConfig {
                max_retries: 2,
                retry_timeout: Duration::from_secs(20),
                ..RetryConfig::default()
            });
        if let Some(endpoint) = &config.endpoint {
            let endpoint = endpoint.trim().trim_end_matches('/');
            let url = url::Url::parse(endpoint)
                .with_context(|| format!("S3_ENDPOINT {endpoint:?} is not a URL"))?;
            anyhow::ensure!(
                matches!(url.scheme(), "http" | "https"),
                "S3_ENDPOINT {endpoint:?} is not an http(s) URL"
            );
            builder = builder.with_endpoint(endpoint);
        }
        let store = builder
            .build()
            .map_err(|e| anyhow::anyhow!("S3 storage settings: {}", short(&e)))?;
        Ok(S3BlobStore { store, config })
    }

    /// The store configured by the `S3_*` settings; `None` without `S3_BUCKET`.
    pub fn from_settings(settings: &crate::config::Settings) -> anyhow::Result<Option<Self>> {
        S3Config::from_settings(settings)?
            .map(S3BlobStore::new)
            .transpose()
    }

    pub fn bucket(&self) -> &str {
        &self.config.bucket
    }
}

fn key(path: &str) -> Result<Path, StorageError> {
    check_path(path)?;
    Path::parse(path).map_err(|_| StorageError::BadPath(path.chars().take(80).collect()))
}

/// The first line of an error, bounded: enough to diagnose (status, S3 error
/// code), never credentials (requests are signed in headers, not URLs).
fn short(e: &object_store::Error) -> String {
    let text = e.to_string();
    let line = text.lines().next().unwrap_or_default();
    let mut s: String = line.chars().take(240).collect();
    if s.len() < line.len() {
        s.push('…');
    }
    s
}

fn unavailable(e: &object_store::Error) -> StorageError {
    tracing::warn!(error = %short(e), "S3 storage request failed");
    StorageError::Unavailable(short(e))
}

fn map_err(path: &str, e: object_store::Error) -> StorageError {
    match e {
        object_store::Error::NotFound { .. } => StorageError::NotFound(path.to_string()),
        object_store::Error::PermissionDenied { .. }
        | object_store::Error::Unauthenticated { .. } => {
            tracing::warn!(error = %short(&e), "S3 storage refused access");
            StorageError::Rejected(short(&e))
        }
        other => unavailable(&other),
    }
}

/// `Content-Disposition` for a download named `name`: a plain ASCII
/// `filename` for old clients and the exact name as RFC 5987 `filename*`.
pub fn attachment_disposition(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    let base = if base.is_empty() { "file" } else { base };
    let ascii: String = base
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && !matches!(c, '"' | '\\' | ';' | '%')) || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in base.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[async_trait]
impl BlobStore for S3BlobStore {
    fn kind(&self) -> &'static str {
        "s3"
    }

    async fn put(&self, path: &str, bytes: Bytes, content_type: &str) -> Result<(), StorageError> {
        let location = key(path)?;
        let mut attributes = Attributes::new();
        if !content_type.is_empty() {
            attributes.insert(Attribute::ContentType, content_type.to_string().into());
        }
        let opts = PutOptions {
            attributes,
            ..PutOptions::default()
        };
        self.store
            .put_opts(&location, PutPayload::from_bytes(bytes), opts)
            .await
            // A 404 here means the bucket is missing: not a missing file.
            .map_err(|e| unavailable(&e))?;
        Ok(())
    }

    async fn get(&self, path: &str) -> Result<Bytes, StorageError> {
        let location = key(path)?;
        let res = self
            .store
            .get(&location)
            .await
            .map_err(|e| map_err(path, e))?;
        res.bytes().await.map_err(|e| map_err(path, e))
    }

    async fn delete(&self, path: &str) -> Result<(), StorageError> {
        let location = key(path)?;
        match self.store.delete(&location).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(unavailable(&e)),
        }
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<u64, StorageError> {
        let location = key(prefix)?;
        // `list` takes whole segments: `a/b` lists `a/b/...`, never `a/bc`.
        let listed: Vec<Path> = self
            .store
            .list(Some(&location))
            .map_ok(|meta| meta.location)
            .try_collect()
            .await
            .map_err(|e| unavailable(&e))?;
        if listed.is_empty() {
            return Ok(0);
        }
        let mut deleted = 0u64;
        let mut results = self
            .store
            .delete_stream(futures::stream::iter(listed.into_iter().map(Ok)).boxed());
        while let Some(r) = results.next().await {
            match r {
                Ok(_) => deleted += 1,
                // Gone meanwhile: someone else deleted it, which is what we want.
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(unavailable(&e)),
            }
        }
        Ok(deleted)
    }

    async fn exists(&self, path: &str) -> Result<bool, StorageError> {
        let location = key(path)?;
        match self.store.head(&location).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(unavailable(&e)),
        }
    }

    async fn download_url(
        &self,
        path: &str,
        ttl: Duration,
        file_name: Option<&str>,
    ) -> Result<SignedUrl, StorageError> {
        let location = key(path)?;
        let ttl = ttl.clamp(Duration::from_secs(1), MAX_PRESIGN_TTL);
        let ttl = Duration::from_secs(ttl.as_secs().max(1));
        let mut options = SignedUrlOptions::new();
        if let Some(name) = file_name {
            options = options
                .with_query([("response-content-disposition", attachment_disposition(name))]);
        }
        let issued = Utc::now();
        let url = self
            .store
            .signed_url_opts(Method::GET, &location, ttl, &options)
            .await
            .map_err(|e| unavailable(&e))?;
        let expires_at = issued
            + chrono::Duration::from_std(ttl).unwrap_or_else(|_| chrono::Duration::minutes(15));
        Ok(SignedUrl {
            url: url.to_string(),
            expires_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> S3Config {
        S3Config {
            endpoint: Some("https://proj.supabase.co/storage/v1/s3".into()),
            bucket: "files".into(),
            region: "eu-central-1".into(),
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: SecretString::from("very-secret-key-material"),
            force_path_style: true,
        }
    }

    #[test]
    fn debug_shows_no_secret() {
        let store = S3BlobStore::new(config()).unwrap();
        let dbg = format!("{store:?}");
        assert!(!dbg.contains("very-secret-key-material"), "{dbg}");
        assert!(dbg.contains("[REDACTED]"), "{dbg}");
        assert_eq!(store.kind(), "s3");
    }

    #[tokio::test]
    async fn presigned_links_keep_the_endpoint_path_and_name_the_file() {
        let store = S3BlobStore::new(config()).unwrap();
        let link = store
            .download_url(
                "resumes/u/r/v/original.pdf",
                Duration::from_secs(600),
                Some("Lebenslauf Müller \"2025\".pdf"),
            )
            .await
            .unwrap();
        let url = url::Url::parse(&link.url).unwrap();
        assert_eq!(url.host_str(), Some("proj.supabase.co"));
        assert_eq!(
            url.path(),
            "/storage/v1/s3/files/resumes/u/r/v/original.pdf"
        );
        let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
        assert_eq!(q.get("X-Amz-Expires").map(String::as_str), Some("600"));
        assert!(q.contains_key("X-Amz-Signature"));
        assert!(
            q["X-Amz-Credential"].starts_with("AKIDEXAMPLE/"),
            "{}",
            q["X-Amz-Credential"]
        );
        assert_eq!(
            q["response-content-disposition"],
            "attachment; filename=\"Lebenslauf M_ller _2025_.pdf\"; filename*=UTF-8''Lebenslauf%20M%C3%BCller%20%222025%22.pdf"
        );
        assert!(!link.url.contains("very-secret-key-material"));
        let left = link.expires_at - Utc::now();
        assert!(left > chrono::Duration::seconds(590) && left <= chrono::Duration::seconds(600));

        // Longer than SigV4 allows: cut to 7 days.
        let week = store
            .download_url("a.txt", Duration::from_secs(30 * 24 * 3600), None)
            .await
            .unwrap();
        assert!(week.url.contains("X-Amz-Expires=604800"), "{}", week.url);
        assert!(!week.url.contains("response-content-disposition"));
    }

    #[tokio::test]
    async fn bad_paths_are_refused_before_any_request() {
        let store = S3BlobStore::new(config()).unwrap();
        for bad in ["../x", "a//b", "/abs", "a b"] {
            assert!(
                matches!(store.get(bad).await, Err(StorageError::BadPath(_))),
                "{bad}"
            );
            assert!(matches!(
                store.download_url(bad, Duration::from_secs(60), None).await,
                Err(StorageError::BadPath(_))
            ));
        }
    }

    #[test]
    fn settings_choose_s3_only_with_a_bucket() {
        let mut s = crate::config::Settings::default();
        assert!(S3Config::from_settings(&s).unwrap().is_none());
        s.s3_bucket = Some("files".into());
        assert!(S3Config::from_settings(&s).is_err());
        s.s3_access_key_id = Some("AKID".into());
        s.s3_secret_access_key = Some(SecretString::from("secret"));
        s.s3_endpoint = Some("http://127.0.0.1:9000".into());
        let c = S3Config::from_settings(&s).unwrap().unwrap();
        assert_eq!(c.bucket, "files");
        assert!(c.force_path_style);
        assert!(S3BlobStore::new(c).is_ok());
    }
}
