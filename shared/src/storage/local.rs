//! The default store: files under a local directory, downloaded through the
//! gateway's `/files/{path}` route with an HMAC-signed, expiring link.

use super::{BlobStore, SignedUrl, StorageError, check_path};
use async_trait::async_trait;
use bytes::Bytes;
use chrono::Utc;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use std::path::{Path, PathBuf};
use std::time::Duration;
use url::Url;
use uuid::Uuid;

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
        let mut mac = keyed_hmac(self.key.expose_secret().as_bytes());
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

/// HMAC-SHA256 keyed with a key of any length, as RFC 2104 defines it: a key longer
/// than the 64-byte block is hashed first, then the key is zero-padded to the block.
/// (What `Mac::new_from_slice` does, without its never-taken error path.)
fn keyed_hmac(key: &[u8]) -> Hmac<Sha256> {
    use hmac::digest::{Digest, KeyInit};
    let mut block = [0u8; 64];
    if key.len() > block.len() {
        let digest = Sha256::digest(key);
        block[..digest.len()].copy_from_slice(&digest);
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    <Hmac<Sha256> as KeyInit>::new(&block.into())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::from_settings;

    /// RFC 4231 test cases 2 (short key) and 6 (key longer than the block).
    #[test]
    fn hmac_matches_rfc_4231() {
        let hex_of = |key: &[u8], data: &[u8]| {
            let mut m = keyed_hmac(key);
            m.update(data);
            hex(&m.finalize().into_bytes())
        };
        assert_eq!(
            hex_of(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex_of(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            ),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

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
