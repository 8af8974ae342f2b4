//! A stateful fake of one Pinecone index (data plane, API 2025-04) on
//! 127.0.0.1, for tests that need vectors to really be stored and searched:
//!
//! - `POST /vectors/upsert` — per-namespace storage, an id replaces the
//!   earlier vector; the first vector fixes the index dimension and later
//!   ones of another length are refused (400), as are `null` or nested
//!   metadata values, like Pinecone does;
//! - `POST /query` — cosine similarity, best `topK` first, metadata filter
//!   (`$eq`, `$ne`, `$in`, `$nin`, `$and`, `$or`, and the `{"f": v}`
//!   shorthand for `$eq`), metadata returned with `includeMetadata`;
//! - `POST /vectors/delete` — by `ids`, by `filter` or `deleteAll`; 404
//!   "Namespace not found" for a namespace that holds nothing, as Pinecone.
//!
//! Requests without the right `Api-Key` header get 401. Every request is
//! recorded (path and JSON body) for tests to inspect.

use axum::{
    Json, Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::post,
};
use serde_json::{Map, Value, json};
use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, Mutex, MutexGuard},
};

#[derive(Default)]
struct Index {
    dimension: Option<usize>,
    namespaces: HashMap<String, BTreeMap<String, Stored>>,
    requests: Vec<(String, Value)>,
}

#[derive(Clone)]
struct Stored {
    values: Vec<f64>,
    metadata: Map<String, Value>,
}

#[derive(Clone)]
struct Shared {
    api_key: Arc<str>,
    index: Arc<Mutex<Index>>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Index> {
        self.index.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A running fake index; the server lives as long as the runtime it was
/// started on.
pub struct FakePinecone {
    url: String,
    shared: Shared,
}

/// Start a fake index that accepts `api_key`.
pub async fn start(api_key: &str) -> anyhow::Result<FakePinecone> {
    let shared = Shared {
        api_key: Arc::from(api_key),
        index: Arc::default(),
    };
    let app = Router::new()
        .route("/vectors/upsert", post(handle))
        .route("/query", post(handle))
        .route("/vectors/delete", post(handle))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(FakePinecone { url, shared })
}

impl FakePinecone {
    /// `http://127.0.0.1:PORT`, to use as the index host.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The key it accepts (`Api-Key`).
    pub fn api_key(&self) -> &str {
        &self.shared.api_key
    }

    /// Vectors stored in a namespace.
    pub fn count(&self, namespace: &str) -> usize {
        self.shared
            .lock()
            .namespaces
            .get(namespace)
            .map_or(0, BTreeMap::len)
    }

    /// Every request so far: path and JSON body (`null` when not JSON).
    pub fn requests(&self) -> Vec<(String, Value)> {
        self.shared.lock().requests.clone()
    }

    /// The stored metadata of a vector.
    pub fn metadata(&self, namespace: &str, id: &str) -> Option<Map<String, Value>> {
        self.shared
            .lock()
            .namespaces
            .get(namespace)
            .and_then(|ns| ns.get(id))
            .map(|s| s.metadata.clone())
    }
}

/// A refusal: status and Pinecone's JSON error body.
struct Fail(StatusCode, Value);

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        (self.0, Json(self.1)).into_response()
    }
}

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Fail {
    let message = message.into();
    Fail(
        status,
        json!({
            "error": { "code": code, "message": message },
            "status": status.as_u16()
        }),
    )
}

fn bad_request(message: impl Into<String>) -> Fail {
    error(StatusCode::BAD_REQUEST, "INVALID_ARGUMENT", message)
}

async fn handle(
    State(shared): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let parsed: Option<Value> = serde_json::from_slice(&body).ok();
    let mut index = shared.lock();
    index
        .requests
        .push((path.clone(), parsed.clone().unwrap_or(Value::Null)));
    let key = headers.get("api-key").and_then(|v| v.to_str().ok());
    if key != Some(&*shared.api_key) {
        return error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "Invalid API Key",
        )
        .into_response();
    }
    let Some(Value::Object(body)) = parsed else {
        return bad_request("the request body is not a JSON object").into_response();
    };
    let namespace = match body.get("namespace") {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return bad_request("namespace must be a string").into_response(),
    };
    let result = match path.as_str() {
        "/vectors/upsert" => upsert(&mut index, &namespace, &body),
        "/query" => query(&index, &namespace, &body),
        "/vectors/delete" => delete(&mut index, &namespace, &body),
        _ => Err(error(StatusCode::NOT_FOUND, "NOT_FOUND", "no such route")),
    };
    match result {
        Ok(v) => (StatusCode::OK, Json(v)).into_response(),
        Err(fail) => fail.into_response(),
    }
}

fn numbers(v: Option<&Value>, what: &str) -> Result<Vec<f64>, Fail> {
    let arr = v
        .and_then(Value::as_array)
        .ok_or_else(|| bad_request(format!("{what} must be an array of numbers")))?;
    arr.iter()
        .map(|x| {
            x.as_f64()
                .ok_or_else(|| bad_request(format!("{what} must be an array of numbers")))
        })
        .collect()
}

fn check_dimension(index: &Index, len: usize) -> Result<(), Fail> {
    match index.dimension {
        Some(d) if d != len => Err(bad_request(format!(
            "Vector dimension {len} does not match the dimension of the index {d}"
        ))),
        _ if len == 0 => Err(bad_request("vectors must have at least one value")),
        _ => Ok(()),
    }
}

fn upsert(index: &mut Index, namespace: &str, body: &Map<String, Value>) -> Result<Value, Fail> {
    let vectors = body
        .get("vectors")
        .and_then(Value::as_array)
        .ok_or_else(|| bad_request("vectors is required"))?;
    if vectors.is_empty() || vectors.len() > 1000 {
        return Err(bad_request("upsert between 1 and 1000 vectors at a time"));
    }
    let mut parsed = Vec::with_capacity(vectors.len());
    for v in vectors {
        let id = v
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| bad_request("every vector needs a non-empty id"))?;
        let values = numbers(v.get("values"), "values")?;
        check_dimension(index, values.len())?;
        if index.dimension.is_none() {
            index.dimension = Some(values.len());
        }
        let metadata = match v.get("metadata") {
            None => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => return Err(bad_request("metadata must be an object")),
        };
        for (k, value) in &metadata {
            let ok = match value {
                Value::String(_) | Value::Number(_) | Value::Bool(_) => true,
                Value::Array(items) => items.iter().all(Value::is_string),
                Value::Null | Value::Object(_) => false,
            };
            if !ok {
                return Err(bad_request(format!(
                    "Metadata value for field {k} must be a string, number, boolean or list of strings, got {value}"
                )));
            }
        }
        parsed.push((id.to_string(), Stored { values, metadata }));
    }
    let count = parsed.len();
    let ns = index.namespaces.entry(namespace.to_string()).or_default();
    for (id, stored) in parsed {
        ns.insert(id, stored);
    }
    Ok(json!({ "upsertedCount": count }))
}

fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

fn query(index: &Index, namespace: &str, body: &Map<String, Value>) -> Result<Value, Fail> {
    let vector = numbers(body.get("vector"), "vector")?;
    check_dimension(index, vector.len())?;
    let top_k = body
        .get("topK")
        .and_then(Value::as_u64)
        .filter(|k| (1..=10_000).contains(k))
        .ok_or_else(|| bad_request("topK must be between 1 and 10000"))?;
    let include_metadata = body
        .get("includeMetadata")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let include_values = body
        .get("includeValues")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let filter = body.get("filter");
    if let Some(f) = filter {
        // Validate once even if the namespace is empty.
        matches(f, &Map::new())?;
    }
    let mut hits: Vec<(f64, &String, &Stored)> = Vec::new();
    if let Some(ns) = index.namespaces.get(namespace) {
        for (id, stored) in ns {
            if let Some(f) = filter
                && !matches(f, &stored.metadata)?
            {
                continue;
            }
            hits.push((cosine(&vector, &stored.values), id, stored));
        }
    }
    hits.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let read_units = hits.len().div_ceil(100).max(1);
    let matches: Vec<Value> = hits
        .into_iter()
        .take(usize::try_from(top_k).unwrap_or(usize::MAX))
        .map(|(score, id, stored)| {
            let mut m = Map::new();
            m.insert("id".into(), json!(id));
            m.insert("score".into(), json!(score));
            m.insert(
                "values".into(),
                if include_values {
                    json!(stored.values)
                } else {
                    json!([])
                },
            );
            if include_metadata && !stored.metadata.is_empty() {
                m.insert("metadata".into(), Value::Object(stored.metadata.clone()));
            }
            Value::Object(m)
        })
        .collect();
    Ok(json!({
        "results": [],
        "matches": matches,
        "namespace": namespace,
        "usage": { "readUnits": read_units }
    }))
}

fn delete(index: &mut Index, namespace: &str, body: &Map<String, Value>) -> Result<Value, Fail> {
    let ids = body.get("ids");
    let delete_all = body
        .get("deleteAll")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let filter = body.get("filter");
    let modes =
        usize::from(ids.is_some()) + usize::from(delete_all) + usize::from(filter.is_some());
    if modes != 1 {
        return Err(bad_request(
            "exactly one of ids, deleteAll and filter must be given",
        ));
    }
    if let Some(f) = filter {
        matches(f, &Map::new())?;
    }
    let ids: Vec<String> = match ids {
        None => Vec::new(),
        Some(v) => {
            let arr = v
                .as_array()
                .filter(|a| a.len() <= 1000)
                .ok_or_else(|| bad_request("ids must be an array of at most 1000 strings"))?;
            arr.iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| bad_request("ids must be strings"))
                })
                .collect::<Result<_, _>>()?
        }
    };
    let Some(ns) = index
        .namespaces
        .get_mut(namespace)
        .filter(|ns| !ns.is_empty())
    else {
        return Err(Fail(
            StatusCode::NOT_FOUND,
            json!({ "code": 5, "message": "Namespace not found", "details": [] }),
        ));
    };
    if delete_all {
        ns.clear();
    } else if let Some(f) = filter {
        let mut keep = BTreeMap::new();
        for (id, stored) in std::mem::take(ns) {
            if !matches(f, &stored.metadata)? {
                keep.insert(id, stored);
            }
        }
        *ns = keep;
    } else {
        for id in &ids {
            ns.remove(id);
        }
    }
    Ok(json!({}))
}

/// Does `metadata` satisfy Pinecone filter `f`? Malformed filters are 400s.
fn matches(f: &Value, metadata: &Map<String, Value>) -> Result<bool, Fail> {
    let obj = f
        .as_object()
        .ok_or_else(|| bad_request("a filter must be a JSON object"))?;
    for (key, cond) in obj {
        let ok = match key.as_str() {
            "$and" | "$or" => {
                let parts = cond
                    .as_array()
                    .filter(|a| !a.is_empty())
                    .ok_or_else(|| bad_request(format!("{key} takes a non-empty array")))?;
                let mut results = Vec::with_capacity(parts.len());
                for p in parts {
                    results.push(matches(p, metadata)?);
                }
                if key == "$and" {
                    results.iter().all(|r| *r)
                } else {
                    results.iter().any(|r| *r)
                }
            }
            k if k.starts_with('$') => {
                return Err(bad_request(format!("unsupported top-level operator {k}")));
            }
            field => field_matches(cond, metadata.get(field))?,
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// One field's condition: `{"$eq": v}` (or a bare value), `$ne`, `$in`, `$nin`.
fn field_matches(cond: &Value, value: Option<&Value>) -> Result<bool, Fail> {
    let eq = |expected: &Value| match value {
        // A list field matches when it contains the value.
        Some(Value::Array(items)) => items.iter().any(|i| same(i, expected)),
        Some(v) => same(v, expected),
        None => false,
    };
    let Some(ops) = cond.as_object() else {
        return Ok(eq(cond));
    };
    for (op, arg) in ops {
        let ok = match op.as_str() {
            "$eq" => eq(arg),
            "$ne" => !eq(arg),
            "$in" | "$nin" => {
                let items = arg
                    .as_array()
                    .ok_or_else(|| bad_request(format!("{op} takes an array")))?;
                let any = items.iter().any(eq);
                if op == "$in" { any } else { !any }
            }
            other => return Err(bad_request(format!("unsupported operator {other}"))),
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}
