//! The Pinecone client against the stateful fake index (`e2e::pinecone`):
//! vectors are really stored per user namespace, searched by cosine
//! similarity under a metadata filter, and deleted by id and by filter.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use activities::{
    errors::ProviderError,
    pinecone::PineconeStore,
    vectors::{Filter, VectorItem, VectorStore},
};
use secrecy::SecretString;
use serde_json::{Map, Value, json};
use uuid::Uuid;

const KEY: &str = "pcsk_fake_index_key";

fn item(id: &str, values: [f32; 3], meta: Value) -> VectorItem {
    let Value::Object(metadata) = meta else {
        panic!("metadata must be an object")
    };
    VectorItem {
        id: id.into(),
        values: values.to_vec(),
        metadata,
    }
}

fn client(fake: &e2e::pinecone::FakePinecone, key: &str) -> PineconeStore {
    PineconeStore::new(&fake.url(), SecretString::from(key), "2025-04").unwrap()
}

#[tokio::test]
async fn vectors_are_stored_searched_and_deleted_per_user() {
    let fake = e2e::pinecone::start(KEY).await.unwrap();
    let store = client(&fake, KEY);
    let user = Uuid::new_v4();
    let other = Uuid::new_v4();
    let resume = Uuid::new_v4().to_string();
    let job = Uuid::new_v4().to_string();

    store
        .upsert(
            user,
            vec![
                item(
                    "r:0",
                    [1.0, 0.0, 0.0],
                    json!({ "source_kind": "resume", "source_id": resume, "lang": null }),
                ),
                item(
                    "r:1",
                    [0.6, 0.8, 0.0],
                    json!({ "source_kind": "resume", "source_id": resume }),
                ),
                item(
                    "r:2",
                    [0.0, 0.0, 1.0],
                    json!({ "source_kind": "resume", "source_id": resume }),
                ),
                // Closest of all to the query, but a job chunk.
                item(
                    "j:0",
                    [0.9, 0.1, 0.0],
                    json!({ "source_kind": "job", "source_id": job }),
                ),
            ],
        )
        .await
        .unwrap();
    store
        .upsert(
            other,
            vec![item(
                "r:0",
                [1.0, 0.0, 0.0],
                json!({ "source_kind": "resume", "source_id": resume }),
            )],
        )
        .await
        .unwrap();
    assert_eq!(fake.count(&user.to_string()), 4);
    assert_eq!(fake.count(&other.to_string()), 1);
    // `null` metadata never reaches Pinecone (it would refuse it).
    assert_eq!(
        fake.metadata(&user.to_string(), "r:0").unwrap().get("lang"),
        None
    );

    // Upserting an id again replaces it.
    store
        .upsert(
            user,
            vec![item(
                "r:2",
                [0.95, 0.0, 0.3],
                json!({ "source_kind": "resume", "source_id": resume, "chunk_index": 2 }),
            )],
        )
        .await
        .unwrap();
    assert_eq!(fake.count(&user.to_string()), 4);

    let filter = Filter::default()
        .eq("source_kind", "resume")
        .eq("source_id", resume.clone());
    let hits = store
        .query(user, &[1.0, 0.05, 0.0], 2, &filter)
        .await
        .unwrap();
    let ids: Vec<&str> = hits.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["r:0", "r:2"], "{hits:?}");
    assert!(hits[0].score > hits[1].score);
    assert!(hits[0].score > 0.99 && hits[0].score <= 1.0 + 1e-6);
    assert_eq!(hits[1].metadata.get("chunk_index"), Some(&json!(2)));
    assert_eq!(hits[1].metadata.get("source_id"), Some(&json!(resume)));

    // Without the filter the job chunk is in the running.
    let all = store
        .query(user, &[1.0, 0.05, 0.0], 10, &Filter::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(all[1].id, "j:0", "{all:?}");

    // Delete by ids: only that user's vector goes.
    store.delete_ids(user, &["r:1".into()]).await.unwrap();
    assert_eq!(fake.count(&user.to_string()), 3);
    assert_eq!(fake.count(&other.to_string()), 1);

    // Delete by filter empties the resume's vectors, keeps the job's.
    store.delete_by_filter(user, &filter).await.unwrap();
    assert_eq!(fake.count(&user.to_string()), 1);
    assert!(
        store
            .query(user, &[1.0, 0.0, 0.0], 5, &filter)
            .await
            .unwrap()
            .is_empty()
    );
    store
        .delete_by_filter(user, &Filter::default().eq("source_id", job))
        .await
        .unwrap();
    assert_eq!(fake.count(&user.to_string()), 0);
    assert_eq!(fake.count(&other.to_string()), 1);
    // Purging again finds nothing to delete, and that is fine.
    store.delete_by_filter(user, &filter).await.unwrap();

    let requests = fake.requests();
    let paths: Vec<&str> = requests.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/vectors/upsert",
            "/vectors/upsert",
            "/vectors/upsert",
            "/query",
            "/query",
            "/vectors/delete",
            "/vectors/delete",
            "/query",
            "/vectors/delete",
            "/vectors/delete",
        ]
    );
    assert_eq!(requests[3].1["namespace"], json!(user.to_string()));
}

#[tokio::test]
async fn the_fake_refuses_what_pinecone_refuses() {
    let fake = e2e::pinecone::start(KEY).await.unwrap();
    let user = Uuid::new_v4();

    let wrong = client(&fake, "not-the-key")
        .upsert(user, vec![item("a", [1.0, 0.0, 0.0], json!({}))])
        .await
        .unwrap_err();
    assert!(
        matches!(wrong, ProviderError::Permanent(ref m) if m.contains("401")),
        "{wrong:?}"
    );

    // No Api-Key header at all.
    let res = shared::telemetry::http_client()
        .unwrap()
        .post(format!("{}/query", fake.url()))
        .json(&json!({ "namespace": "x", "vector": [1.0], "topK": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    assert_eq!(fake.count(&user.to_string()), 0);

    let store = client(&fake, KEY);
    store
        .upsert(user, vec![item("a", [1.0, 0.0, 0.0], json!({}))])
        .await
        .unwrap();
    let dims = store
        .upsert(
            user,
            vec![VectorItem {
                id: "b".into(),
                values: vec![1.0, 2.0],
                metadata: Map::new(),
            }],
        )
        .await
        .unwrap_err();
    assert!(
        matches!(dims, ProviderError::Permanent(ref m) if m.contains("dimension")),
        "{dims:?}"
    );
    let nested = store
        .upsert(
            user,
            vec![item("c", [1.0, 0.0, 0.0], json!({ "x": { "y": 1 } }))],
        )
        .await
        .unwrap_err();
    assert!(matches!(nested, ProviderError::Permanent(_)), "{nested:?}");
    assert_eq!(fake.count(&user.to_string()), 1);
}
