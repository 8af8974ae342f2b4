//! Slow or missing dependencies must not make requests queue behind each other.

use async_trait::async_trait;
use bytes::Bytes;
use e2e::stack;
use serde_json::json;
use shared::storage::{BlobStore, SignedUrl, StorageError};
use std::{
    sync::Arc,
    time::{Duration, Instant},
};
use tokio::sync::Notify;

/// A blob store whose `put` waits until the test lets it finish.
struct GatedStore {
    inner: Arc<dyn BlobStore>,
    entered: Notify,
    release: Notify,
}

#[async_trait]
impl BlobStore for GatedStore {
    fn kind(&self) -> &'static str {
        self.inner.kind()
    }
    async fn put(&self, path: &str, bytes: Bytes, content_type: &str) -> Result<(), StorageError> {
        self.entered.notify_one();
        self.release.notified().await;
        self.inner.put(path, bytes, content_type).await
    }
    async fn get(&self, path: &str) -> Result<Bytes, StorageError> {
        self.inner.get(path).await
    }
    async fn delete(&self, path: &str) -> Result<(), StorageError> {
        self.inner.delete(path).await
    }
    async fn delete_prefix(&self, prefix: &str) -> Result<u64, StorageError> {
        self.inner.delete_prefix(prefix).await
    }
    async fn exists(&self, path: &str) -> Result<bool, StorageError> {
        self.inner.exists(path).await
    }
    async fn download_url(
        &self,
        path: &str,
        ttl: Duration,
        file_name: Option<&str>,
    ) -> Result<SignedUrl, StorageError> {
        self.inner.download_url(path, ttl, file_name).await
    }
}

#[tokio::test]
async fn a_slow_upload_does_not_hold_a_database_connection() {
    let s = stack();
    // One connection in the pool: if the upload held it while the file is
    // stored, nobody else could read anything meanwhile.
    let mut settings = s.settings.clone();
    settings.database_max_connections = 1;
    let mut app = gateway::state::App::from_settings(settings).unwrap();
    let gate = Arc::new(GatedStore {
        inner: app.blobs.clone(),
        entered: Notify::new(),
        release: Notify::new(),
    });
    app.blobs = gate.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(gateway::serve_state(
        gateway::AppState(Arc::new(app)),
        listener,
        std::future::pending(),
    ));
    let user = s.new_user().await.on(&base);

    let uploader = user.clone();
    let upload = tokio::spawn(async move {
        uploader
            .upload(b"Jane Doe\nSkills\nRust, SQL".to_vec(), "cv.txt")
            .await
    });
    tokio::time::timeout(Duration::from_secs(30), gate.entered.notified())
        .await
        .expect("the upload reaches file storage");
    // While the file is being stored, the API still answers.
    let list = user.get("/resumes").await;
    list.expect(200);
    gate.release.notify_one();
    let created = upload.await.unwrap();
    created.expect(202);
}

#[tokio::test]
async fn during_a_temporal_outage_concurrent_requests_all_answer_503_promptly() {
    let s = stack();
    // A "Temporal" that accepts connections and never answers: every connect
    // attempt runs into its timeout.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_addr = silent.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = silent.accept().await {
            held.push(sock);
        }
    });
    let base = s
        .extra_gateway(|settings| settings.temporal_address = silent_addr.to_string())
        .await;
    let user = s.new_user().await.on(&base);
    let body = json!({ "title": "t", "raw_text": "Some text" });

    let started = Instant::now();
    let replies =
        futures::future::join_all((0..4).map(|_| user.post_json("/resumes/from-text", &body)))
            .await;
    let elapsed = started.elapsed();
    for r in &replies {
        let e = r.expect_error(503, "unavailable");
        assert!(e["message"].as_str().unwrap().contains("temporal"), "{e}");
    }
    // One connect timeout (6 s) for all of them, not one each (24 s).
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    // Nothing half-created.
    assert_eq!(user.get("/resumes").await.expect(200)["items"], json!([]));
}
