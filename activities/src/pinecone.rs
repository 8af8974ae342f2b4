//! Pinecone as the vector store: the data-plane REST API of one index
//! (`https://{index_host}`), API version pinned by `PINECONE_API_VERSION`
//! (2025-04). One namespace per user (the user id), like [`PgVectorStore`].
//!
//! - `POST /vectors/upsert` in batches of at most [`UPSERT_BATCH`] vectors and
//!   under [`MAX_REQUEST_BYTES`] per request (Pinecone's limit is 2 MB);
//! - `POST /query` with the equality filter translated to Pinecone's metadata
//!   filter language (`{"f":{"$eq":v}}`, several joined with `$and`);
//! - `POST /vectors/delete` by ids (batches of [`DELETE_BATCH`]) or by filter.
//!   Pinecone answers 404 when the namespace does not exist (nothing was ever
//!   stored for that user, or everything is gone): for a delete that means
//!   there is nothing to delete, so it is a success.
//!
//! Metadata values that are `null` are left out: Pinecone accepts strings,
//! numbers, booleans and lists of strings only, and an absent field is what a
//! `null` means to a filter anyway.
//!
//! [`PgVectorStore`]: crate::vectors::PgVectorStore

use crate::{
    errors::{self, ProviderError},
    vectors::{Filter, VectorItem, VectorMatch, VectorStore},
};
use anyhow::Context;
use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::time::Duration;
use url::Url;
use uuid::Uuid;

/// At most this many vectors per upsert request.
pub const UPSERT_BATCH: usize = 100;
/// At most this many ids per delete request (Pinecone's limit).
pub const DELETE_BATCH: usize = 1000;
/// Upsert bodies stay under this size (Pinecone rejects requests over 2 MB).
pub const MAX_REQUEST_BYTES: usize = 2 * 1024 * 1024 - 64 * 1024;
/// Per-request timeout.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

const SERVICE: &str = "Pinecone";

/// A client for one Pinecone index. `Debug` never shows the API key.
#[derive(Clone)]
pub struct PineconeStore {
    http: reqwest::Client,
    base: Url,
    api_key: SecretString,
    api_version: String,
}

impl std::fmt::Debug for PineconeStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PineconeStore")
            .field("base", &self.base.as_str())
            .field("api_key", &"[REDACTED]")
            .field("api_version", &self.api_version)
            .finish()
    }
}

impl PineconeStore {
    /// `host` is the index host from the Pinecone console
    /// (`my-index-abc123.svc.aped-1234.pinecone.io`), with or without
    /// `https://`; an explicit `http://` URL is kept (local servers).
    pub fn new(host: &str, api_key: SecretString, api_version: &str) -> anyhow::Result<Self> {
        let base = index_url(host)?;
        anyhow::ensure!(
            !api_key.expose_secret().trim().is_empty(),
            "the Pinecone API key is empty"
        );
        anyhow::ensure!(
            !api_version.trim().is_empty(),
            "the Pinecone API version is empty"
        );
        let http = shared::telemetry::http_client_builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(Duration::from_secs(10))
            .build()
            .context("build the Pinecone HTTP client")?;
        Ok(Self {
            http,
            base,
            api_key,
            api_version: api_version.trim().to_string(),
        })
    }

    /// The store configured by `PINECONE_API_KEY` and `PINECONE_INDEX_HOST`;
    /// `None` when they are not both set.
    pub fn from_settings(settings: &shared::config::Settings) -> anyhow::Result<Option<Self>> {
        match (&settings.pinecone_api_key, &settings.pinecone_index_host) {
            (Some(key), Some(host)) => Ok(Some(
                Self::new(host, key.clone(), &settings.pinecone_api_version)
                    .context("PINECONE_INDEX_HOST / PINECONE_API_KEY")?,
            )),
            _ => Ok(None),
        }
    }

    /// The index URL requests go to (`https://host/`).
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    fn endpoint(&self, path: &str) -> Result<Url, ProviderError> {
        self.base
            .join(path)
            .map_err(|e| ProviderError::permanent(format!("Pinecone URL for {path}: {e}")))
    }

    /// POST a JSON body; the parsed JSON answer, or the classified failure.
    /// `Ok(None)` when `missing_ok` and Pinecone answered 404.
    async fn post(
        &self,
        path: &str,
        body: String,
        missing_ok: bool,
    ) -> Result<Option<Value>, ProviderError> {
        let req = self
            .http
            .post(self.endpoint(path)?)
            .header("Api-Key", self.api_key.expose_secret())
            .header("X-Pinecone-Api-Version", &self.api_version)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body);
        let answer = errors::send(SERVICE, req).await?;
        if answer.status.as_u16() == 404 && missing_ok {
            return Ok(None);
        }
        let text = answer.ok(SERVICE)?;
        serde_json::from_str::<Value>(if text.trim().is_empty() { "{}" } else { &text })
            .map(Some)
            .map_err(|_| {
                ProviderError::transient(format!(
                    "Pinecone answered {path} with a body that is not JSON"
                ))
            })
    }
}

/// `host`, `https://host`, `http://127.0.0.1:9999/` → a base URL ending in `/`.
fn index_url(host: &str) -> anyhow::Result<Url> {
    let host = host.trim();
    anyhow::ensure!(!host.is_empty(), "the Pinecone index host is empty");
    let with_scheme = if host.contains("://") {
        host.to_string()
    } else {
        format!("https://{host}")
    };
    let mut url = Url::parse(&with_scheme)
        .with_context(|| format!("the Pinecone index host {host:?} is not a host name or URL"))?;
    anyhow::ensure!(
        matches!(url.scheme(), "http" | "https") && url.host_str().is_some(),
        "the Pinecone index host {host:?} is not an http(s) address"
    );
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

/// Pinecone's metadata filter for equality conditions: one condition bare
/// (`{"f":{"$eq":v}}`), several under `$and`; `None` when there are none.
pub fn filter_json(filter: &Filter) -> Option<Value> {
    let mut conds: Vec<Value> = filter
        .0
        .iter()
        .map(|(k, v)| {
            let mut m = Map::new();
            m.insert(k.clone(), json!({ "$eq": v }));
            Value::Object(m)
        })
        .collect();
    match conds.len() {
        0 => None,
        1 => conds.pop(),
        _ => Some(json!({ "$and": conds })),
    }
}

/// Metadata as Pinecone accepts it: `null` values left out.
fn clean_metadata(metadata: Map<String, Value>) -> Map<String, Value> {
    metadata.into_iter().filter(|(_, v)| !v.is_null()).collect()
}

/// Upsert bodies, each with at most [`UPSERT_BATCH`] vectors and (unless a
/// single vector is larger) under [`MAX_REQUEST_BYTES`].
fn upsert_bodies(namespace: Uuid, items: Vec<VectorItem>) -> Result<Vec<String>, ProviderError> {
    let head = r#"{"vectors":["#;
    let tail = format!(r#"],"namespace":"{namespace}"}}"#);
    let overhead = head.len() + tail.len();
    let mut bodies = Vec::new();
    let mut parts: Vec<String> = Vec::new();
    let mut size = overhead;
    let finish = |parts: &[String]| format!("{head}{}{tail}", parts.join(","));
    for item in items {
        if item.values.iter().any(|v| !v.is_finite()) {
            return Err(ProviderError::permanent(format!(
                "vector {} has a value that is not a finite number",
                item.id
            )));
        }
        // Serialized from `f32` directly: `0.1`, not `0.10000000149011612`.
        let part = serde_json::to_string(&UpsertVector {
            id: &item.id,
            values: &item.values,
            metadata: clean_metadata(item.metadata),
        })
        .map_err(|e| ProviderError::permanent(format!("vector cannot be encoded: {e}")))?;
        let added = part.len() + usize::from(!parts.is_empty());
        if !parts.is_empty() && (parts.len() >= UPSERT_BATCH || size + added > MAX_REQUEST_BYTES) {
            bodies.push(finish(&parts));
            parts.clear();
            size = overhead;
        }
        size += part.len() + usize::from(!parts.is_empty());
        parts.push(part);
    }
    if !parts.is_empty() {
        bodies.push(finish(&parts));
    }
    Ok(bodies)
}

#[derive(Serialize)]
struct UpsertVector<'a> {
    id: &'a str,
    values: &'a [f32],
    metadata: Map<String, Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct QueryRequest<'a> {
    namespace: String,
    vector: &'a [f32],
    top_k: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    filter: Option<Value>,
    include_metadata: bool,
    include_values: bool,
}

#[derive(Deserialize)]
struct QueryResponse {
    #[serde(default)]
    matches: Vec<QueryMatch>,
}

#[derive(Deserialize)]
struct QueryMatch {
    id: String,
    #[serde(default)]
    score: f32,
    #[serde(default)]
    metadata: Option<Map<String, Value>>,
}

fn to_body(v: &Value) -> Result<String, ProviderError> {
    serde_json::to_string(v)
        .map_err(|e| ProviderError::permanent(format!("request cannot be encoded: {e}")))
}

#[async_trait]
impl VectorStore for PineconeStore {
    fn kind(&self) -> &'static str {
        "pinecone"
    }

    async fn upsert(&self, namespace: Uuid, items: Vec<VectorItem>) -> Result<(), ProviderError> {
        for body in upsert_bodies(namespace, items)? {
            let answer = self.post("vectors/upsert", body, false).await?;
            if answer
                .as_ref()
                .and_then(|v| v.get("upsertedCount"))
                .and_then(Value::as_u64)
                .is_none()
            {
                return Err(ProviderError::transient(
                    "Pinecone answered an upsert without upsertedCount",
                ));
            }
        }
        Ok(())
    }

    async fn query(
        &self,
        namespace: Uuid,
        vector: &[f32],
        top_k: usize,
        filter: &Filter,
    ) -> Result<Vec<VectorMatch>, ProviderError> {
        if top_k == 0 {
            return Ok(Vec::new());
        }
        if vector.iter().any(|v| !v.is_finite()) {
            return Err(ProviderError::permanent(
                "the query vector has a value that is not a finite number",
            ));
        }
        let body = QueryRequest {
            namespace: namespace.to_string(),
            vector,
            top_k,
            filter: filter_json(filter),
            include_metadata: true,
            include_values: false,
        };
        let body = serde_json::to_string(&body)
            .map_err(|e| ProviderError::permanent(format!("query cannot be encoded: {e}")))?;
        let answer = self.post("query", body, false).await?.unwrap_or_default();
        let parsed: QueryResponse = serde_json::from_value(answer).map_err(|_| {
            ProviderError::transient("Pinecone answered a query with an unexpected body")
        })?;
        Ok(parsed
            .matches
            .into_iter()
            .map(|m| VectorMatch {
                id: m.id,
                score: m.score,
                metadata: m.metadata.unwrap_or_default(),
            })
            .collect())
    }

    async fn delete_ids(&self, namespace: Uuid, ids: &[String]) -> Result<(), ProviderError> {
        for batch in ids.chunks(DELETE_BATCH) {
            let body = json!({ "ids": batch, "namespace": namespace.to_string() });
            self.post("vectors/delete", to_body(&body)?, true).await?;
        }
        Ok(())
    }

    async fn delete_by_filter(
        &self,
        namespace: Uuid,
        filter: &Filter,
    ) -> Result<(), ProviderError> {
        let body = match filter_json(filter) {
            Some(f) => json!({ "filter": f, "namespace": namespace.to_string() }),
            // No condition matches every vector of the namespace.
            None => json!({ "deleteAll": true, "namespace": namespace.to_string() }),
        };
        self.post("vectors/delete", to_body(&body)?, true).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_hosts_become_base_urls() {
        for (host, url) in [
            (
                "idx-abc.svc.aped-1.pinecone.io",
                "https://idx-abc.svc.aped-1.pinecone.io/",
            ),
            (
                " https://idx-abc.svc.aped-1.pinecone.io/ ",
                "https://idx-abc.svc.aped-1.pinecone.io/",
            ),
            ("http://127.0.0.1:9999", "http://127.0.0.1:9999/"),
        ] {
            assert_eq!(index_url(host).unwrap().as_str(), url, "{host}");
        }
        for bad in ["", "ftp://x", "https://"] {
            assert!(index_url(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn debug_hides_the_key() {
        let s = PineconeStore::new(
            "idx.svc.pinecone.io",
            SecretString::from("pcsk_very_secret"),
            "2025-04",
        )
        .unwrap();
        let dbg = format!("{s:?}");
        assert!(!dbg.contains("pcsk_very_secret"), "{dbg}");
        assert!(dbg.contains("[REDACTED]"), "{dbg}");
    }

    #[test]
    fn bodies_respect_count_and_size_limits() {
        let ns = Uuid::new_v4();
        let item = |i: usize, dims: usize| VectorItem {
            id: format!("v{i}"),
            values: vec![0.123_456_79; dims],
            metadata: Map::new(),
        };
        let small: Vec<_> = (0..201).map(|i| item(i, 4)).collect();
        let bodies = upsert_bodies(ns, small).unwrap();
        let counts: Vec<usize> = bodies
            .iter()
            .map(|b| {
                let v: Value = serde_json::from_str(b).unwrap();
                assert_eq!(v["namespace"], ns.to_string());
                v["vectors"].as_array().unwrap().len()
            })
            .collect();
        assert_eq!(counts, vec![100, 100, 1]);

        // 3072 dims ≈ 37 kB of JSON each: 100 of them would be ~3.7 MB.
        let big: Vec<_> = (0..100).map(|i| item(i, 3072)).collect();
        let bodies = upsert_bodies(ns, big).unwrap();
        assert!(bodies.len() >= 2, "{}", bodies.len());
        let mut total = 0;
        for b in &bodies {
            assert!(b.len() <= MAX_REQUEST_BYTES, "{}", b.len());
            let v: Value = serde_json::from_str(b).unwrap();
            total += v["vectors"].as_array().unwrap().len();
        }
        assert_eq!(total, 100);
    }

    #[test]
    fn null_metadata_is_left_out_and_nan_refused() {
        let ns = Uuid::new_v4();
        let mut metadata = Map::new();
        metadata.insert("lang".into(), Value::Null);
        metadata.insert("model".into(), json!("m"));
        let bodies = upsert_bodies(
            ns,
            vec![VectorItem {
                id: "a".into(),
                values: vec![1.0],
                metadata,
            }],
        )
        .unwrap();
        let v: Value = serde_json::from_str(&bodies[0]).unwrap();
        assert_eq!(v["vectors"][0]["metadata"], json!({ "model": "m" }));
        let nan = upsert_bodies(
            ns,
            vec![VectorItem {
                id: "b".into(),
                values: vec![f32::NAN],
                metadata: Map::new(),
            }],
        );
        assert!(matches!(nan, Err(ProviderError::Permanent(_))));
    }
}
