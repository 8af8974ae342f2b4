//! The vector store: Pinecone's model (namespace = user id; id; values;
//! metadata with equality filters). Default: the `vector_items` table with an
//! exact cosine scan of one namespace (fine for a person's few dozen chunks);
//! its SQL is in `shared::db::vectors`.

use crate::errors::ProviderError;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use shared::db;
use sqlx::PgPool;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VectorItem {
    pub id: String,
    pub values: Vec<f32>,
    pub metadata: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VectorMatch {
    pub id: String,
    pub score: f32,
    pub metadata: Map<String, Value>,
}

/// Equality conditions on metadata fields (all must hold).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter(pub Map<String, Value>);

impl Filter {
    pub fn eq(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.0.insert(key.to_string(), value.into());
        self
    }
}

#[async_trait]
pub trait VectorStore: Send + Sync {
    /// `postgres` or `pinecone`, for `/health` and logs.
    fn kind(&self) -> &'static str;
    async fn upsert(&self, namespace: Uuid, items: Vec<VectorItem>) -> Result<(), ProviderError>;
    async fn query(
        &self,
        namespace: Uuid,
        vector: &[f32],
        top_k: usize,
        filter: &Filter,
    ) -> Result<Vec<VectorMatch>, ProviderError>;
    async fn delete_ids(&self, namespace: Uuid, ids: &[String]) -> Result<(), ProviderError>;
    async fn delete_by_filter(&self, namespace: Uuid, filter: &Filter)
    -> Result<(), ProviderError>;
}

pub struct PgVectorStore {
    pub db: PgPool,
}

#[async_trait]
impl VectorStore for PgVectorStore {
    fn kind(&self) -> &'static str {
        "postgres"
    }

    async fn upsert(&self, namespace: Uuid, items: Vec<VectorItem>) -> Result<(), ProviderError> {
        let mut tx = self.db.begin().await?;
        for item in items {
            let mut values = item.values;
            crate::embed::normalize(&mut values);
            db::vectors::upsert(
                &mut *tx,
                namespace,
                &item.id,
                &values,
                &Value::Object(item.metadata),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn query(
        &self,
        namespace: Uuid,
        vector: &[f32],
        top_k: usize,
        filter: &Filter,
    ) -> Result<Vec<VectorMatch>, ProviderError> {
        let mut q = vector.to_vec();
        crate::embed::normalize(&mut q);
        let rows = db::vectors::nearest(
            &self.db,
            namespace,
            &q,
            &Value::Object(filter.0.clone()),
            i64::try_from(top_k).unwrap_or(i64::MAX),
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| VectorMatch {
                id: r.id,
                score: r.score as f32,
                metadata: match r.metadata {
                    Value::Object(m) => m,
                    _ => Map::new(),
                },
            })
            .collect())
    }

    async fn delete_ids(&self, namespace: Uuid, ids: &[String]) -> Result<(), ProviderError> {
        db::vectors::delete_ids(&self.db, namespace, ids).await?;
        Ok(())
    }

    async fn delete_by_filter(
        &self,
        namespace: Uuid,
        filter: &Filter,
    ) -> Result<(), ProviderError> {
        db::vectors::delete_matching(&self.db, namespace, &Value::Object(filter.0.clone())).await?;
        Ok(())
    }
}
