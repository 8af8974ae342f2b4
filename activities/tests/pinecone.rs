//! The Pinecone client against a local server (wiremock): the exact requests
//! it sends (paths, headers, bodies, batching) and how it reads answers and
//! failures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use activities::{
    errors::ProviderError,
    pinecone::PineconeStore,
    vectors::{Filter, VectorItem, VectorStore},
};
use secrecy::SecretString;
use serde_json::{Map, Value, json};
use std::time::Duration;
use uuid::Uuid;
use wiremock::{
    Mock, MockServer, Request, ResponseTemplate,
    matchers::{header, method, path},
};

const KEY: &str = "pcsk_test_key_123";
const VERSION: &str = "2025-04";

fn store(server: &MockServer) -> PineconeStore {
    PineconeStore::new(&server.uri(), SecretString::from(KEY), VERSION).unwrap()
}

fn item(i: usize) -> VectorItem {
    let mut metadata = Map::new();
    metadata.insert("source_kind".into(), json!("resume"));
    metadata.insert("chunk_index".into(), json!(i));
    VectorItem {
        id: format!("v-{i}"),
        values: vec![i as f32, 1.0, 0.5],
        metadata,
    }
}

fn body(r: &Request) -> Value {
    serde_json::from_slice(&r.body).unwrap()
}

/// Every request carries the key, the pinned version and a JSON body.
fn assert_headers(r: &Request) {
    let get = |name: &str| {
        r.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    assert_eq!(get("api-key").as_deref(), Some(KEY), "{}", r.url);
    assert_eq!(
        get("x-pinecone-api-version").as_deref(),
        Some(VERSION),
        "{}",
        r.url
    );
    assert_eq!(
        get("content-type").as_deref(),
        Some("application/json"),
        "{}",
        r.url
    );
    assert_eq!(r.method.as_str(), "POST");
}

async fn mount_ok(server: &MockServer, p: &str, answer: Value) {
    Mock::given(method("POST"))
        .and(path(p))
        .and(header("Api-Key", KEY))
        .and(header("X-Pinecone-Api-Version", VERSION))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(server)
        .await;
}

#[tokio::test]
async fn upsert_sends_batches_of_100_in_order_to_the_user_namespace() {
    let server = MockServer::start().await;
    mount_ok(&server, "/vectors/upsert", json!({ "upsertedCount": 100 })).await;
    let user = Uuid::new_v4();
    let items: Vec<VectorItem> = (0..250).map(item).collect();
    store(&server).upsert(user, items.clone()).await.unwrap();

    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 3);
    let mut sent = Vec::new();
    for (r, expected) in reqs.iter().zip([100, 100, 50]) {
        assert_headers(r);
        assert_eq!(r.url.path(), "/vectors/upsert");
        let b = body(r);
        assert_eq!(b["namespace"], json!(user.to_string()));
        let vectors = b["vectors"].as_array().unwrap();
        assert_eq!(vectors.len(), expected);
        sent.extend(vectors.iter().cloned());
    }
    // Every vector, in order, exactly as given.
    let expected: Vec<Value> = items
        .iter()
        .map(|i| json!({ "id": i.id, "values": i.values, "metadata": i.metadata }))
        .collect();
    assert_eq!(sent, expected);
}

#[tokio::test]
async fn upsert_of_nothing_sends_nothing() {
    let server = MockServer::start().await;
    store(&server)
        .upsert(Uuid::new_v4(), Vec::new())
        .await
        .unwrap();
    store(&server)
        .delete_ids(Uuid::new_v4(), &[])
        .await
        .unwrap();
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn query_translates_one_condition_bare_and_parses_matches() {
    let server = MockServer::start().await;
    mount_ok(
        &server,
        "/query",
        json!({
            "results": [],
            "matches": [
                { "id": "v-2", "score": 0.91, "values": [], "metadata": { "source_kind": "resume", "chunk_index": 2 } },
                { "id": "v-7", "score": 0.42, "values": [] }
            ],
            "namespace": "ns",
            "usage": { "readUnits": 6 }
        }),
    )
    .await;
    let user = Uuid::new_v4();
    let matches = store(&server)
        .query(
            user,
            &[0.1, 0.2, 0.3],
            5,
            &Filter::default().eq("source_kind", "resume"),
        )
        .await
        .unwrap();

    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1);
    assert_headers(&reqs[0]);
    let b = body(&reqs[0]);
    assert_eq!(
        b,
        json!({
            "namespace": user.to_string(),
            "vector": [0.1, 0.2, 0.3],
            "topK": 5,
            "filter": { "source_kind": { "$eq": "resume" } },
            "includeMetadata": true,
            "includeValues": false
        })
    );

    assert_eq!(matches.len(), 2);
    assert_eq!(matches[0].id, "v-2");
    assert!((matches[0].score - 0.91).abs() < 1e-6);
    assert_eq!(
        Value::Object(matches[0].metadata.clone()),
        json!({ "source_kind": "resume", "chunk_index": 2 })
    );
    assert_eq!(matches[1].id, "v-7");
    assert!(matches[1].metadata.is_empty());
}

#[tokio::test]
async fn query_joins_several_conditions_with_and_and_omits_an_empty_filter() {
    let server = MockServer::start().await;
    mount_ok(&server, "/query", json!({ "matches": [], "namespace": "" })).await;
    let user = Uuid::new_v4();
    let version = Uuid::new_v4();
    let s = store(&server);
    let none = s
        .query(
            user,
            &[1.0, 0.0],
            3,
            &Filter::default()
                .eq("source_kind", "resume")
                .eq("version_id", version.to_string())
                .eq("model", "local-hash-ngram-v1"),
        )
        .await
        .unwrap();
    assert!(none.is_empty());
    s.query(user, &[1.0, 0.0], 3, &Filter::default())
        .await
        .unwrap();

    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    let filter = body(&reqs[0])["filter"].clone();
    let conds = filter["$and"].as_array().expect("$and").clone();
    assert_eq!(filter.as_object().unwrap().len(), 1, "{filter}");
    let mut conds: Vec<String> = conds.iter().map(Value::to_string).collect();
    conds.sort();
    let mut expected: Vec<String> = [
        json!({ "model": { "$eq": "local-hash-ngram-v1" } }),
        json!({ "source_kind": { "$eq": "resume" } }),
        json!({ "version_id": { "$eq": version.to_string() } }),
    ]
    .iter()
    .map(Value::to_string)
    .collect();
    expected.sort();
    assert_eq!(conds, expected);

    let unfiltered = body(&reqs[1]);
    assert!(unfiltered.get("filter").is_none(), "{unfiltered}");
    assert_eq!(unfiltered["topK"], json!(3));
}

#[tokio::test]
async fn deletes_by_ids_in_batches_and_by_filter() {
    let server = MockServer::start().await;
    mount_ok(&server, "/vectors/delete", json!({})).await;
    let user = Uuid::new_v4();
    let source = Uuid::new_v4();
    let s = store(&server);
    let ids: Vec<String> = (0..1500).map(|i| format!("v-{i}")).collect();
    s.delete_ids(user, &ids).await.unwrap();
    s.delete_by_filter(
        user,
        &Filter::default()
            .eq("source_kind", "job")
            .eq("source_id", source.to_string()),
    )
    .await
    .unwrap();

    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 3);
    for r in &reqs {
        assert_headers(r);
        assert_eq!(r.url.path(), "/vectors/delete");
    }
    assert_eq!(
        body(&reqs[0]),
        json!({ "ids": ids[..1000], "namespace": user.to_string() })
    );
    assert_eq!(
        body(&reqs[1]),
        json!({ "ids": ids[1000..], "namespace": user.to_string() })
    );
    let by_filter = body(&reqs[2]);
    assert_eq!(by_filter["namespace"], json!(user.to_string()));
    assert!(by_filter.get("ids").is_none(), "{by_filter}");
    let conds = by_filter["filter"]["$and"].as_array().unwrap();
    assert_eq!(conds.len(), 2);
    assert!(conds.contains(&json!({ "source_kind": { "$eq": "job" } })));
    assert!(conds.contains(&json!({ "source_id": { "$eq": source.to_string() } })));
}

#[tokio::test]
async fn deleting_from_a_namespace_pinecone_does_not_know_is_not_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/vectors/delete"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(
                json!({ "code": 5, "message": "Namespace not found", "details": [] }),
            ),
        )
        .mount(&server)
        .await;
    let s = store(&server);
    s.delete_ids(Uuid::new_v4(), &["a".to_string()])
        .await
        .unwrap();
    s.delete_by_filter(Uuid::new_v4(), &Filter::default().eq("source_kind", "job"))
        .await
        .unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

async fn failing(status: u16, headers: &[(&str, &str)], body: Value) -> ProviderError {
    let server = MockServer::start().await;
    let mut t = ResponseTemplate::new(status).set_body_json(body);
    for (k, v) in headers {
        t = t.insert_header(*k, *v);
    }
    Mock::given(method("POST"))
        .respond_with(t)
        .mount(&server)
        .await;
    store(&server)
        .query(Uuid::new_v4(), &[1.0], 1, &Filter::default())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn rate_limits_are_retried_after_the_delay_pinecone_asks_for() {
    let e = failing(
        429,
        &[("Retry-After", "3")],
        json!({ "error": { "code": "RESOURCE_EXHAUSTED", "message": "Request rate limit exceeded" }, "status": 429 }),
    )
    .await;
    match e {
        ProviderError::Transient {
            retry_after,
            message,
        } => {
            assert_eq!(retry_after, Some(Duration::from_secs(3)));
            assert!(message.contains("Pinecone"), "{message}");
        }
        other => panic!("expected a transient error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_bad_key_is_permanent_with_a_readable_message() {
    let e = failing(
        401,
        &[],
        json!({ "error": { "code": "UNAUTHENTICATED", "message": "Invalid API Key" }, "status": 401 }),
    )
    .await;
    assert_eq!(
        e,
        ProviderError::Permanent(
            "Pinecone refused our credentials (HTTP 401); check its API key and permissions".into()
        )
    );
    assert!(!e.to_string().contains(KEY));
}

#[tokio::test]
async fn server_errors_and_garbage_are_transient() {
    let e = failing(
        503,
        &[],
        json!({ "error": { "code": "UNAVAILABLE", "message": "Service unavailable" } }),
    )
    .await;
    assert!(
        matches!(
            e,
            ProviderError::Transient {
                retry_after: None,
                ..
            }
        ),
        "{e:?}"
    );

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>gateway</html>"))
        .mount(&server)
        .await;
    let e = store(&server)
        .query(Uuid::new_v4(), &[1.0], 1, &Filter::default())
        .await
        .unwrap_err();
    assert!(matches!(e, ProviderError::Transient { .. }), "{e:?}");
    let e = store(&server)
        .upsert(Uuid::new_v4(), vec![item(1)])
        .await
        .unwrap_err();
    assert!(matches!(e, ProviderError::Transient { .. }), "{e:?}");
}

#[tokio::test]
async fn an_unreachable_index_is_transient() {
    // A port nothing listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let s = PineconeStore::new(
        &format!("http://127.0.0.1:{port}"),
        SecretString::from(KEY),
        VERSION,
    )
    .unwrap();
    let e = s
        .delete_ids(Uuid::new_v4(), &["x".into()])
        .await
        .unwrap_err();
    assert_eq!(e, ProviderError::transient("Pinecone could not be reached"));
}

#[tokio::test]
async fn kind_is_pinecone_and_settings_choose_it() {
    let server = MockServer::start().await;
    assert_eq!(store(&server).kind(), "pinecone");
    let mut settings = shared::config::Settings::default();
    assert!(PineconeStore::from_settings(&settings).unwrap().is_none());
    settings.pinecone_api_key = Some(SecretString::from(KEY));
    settings.pinecone_index_host = Some("idx-abc.svc.aped-1.pinecone.io".into());
    let s = PineconeStore::from_settings(&settings).unwrap().unwrap();
    assert_eq!(
        s.base_url().as_str(),
        "https://idx-abc.svc.aped-1.pinecone.io/"
    );
}
