//! The vector store: Pinecone's model (namespace = user id; id; values;
//! metadata with equality filters). Default: the `vector_items` table with an
//! exact cosine scan of one namespace (fine for a person's few dozen chunks).

use crate::errors::ProviderError;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
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
            sqlx::query(
                "insert into vector_items (namespace, id, vals, metadata) values ($1, $2, $3, $4)
                 on conflict (namespace, id) do update
                   set vals = excluded.vals, metadata = excluded.metadata, updated_at = now()",
            )
            .bind(namespace)
            .bind(&item.id)
            .bind(&values)
            .bind(Value::Object(item.metadata))
            .execute(&mut *tx)
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
        // Stored vectors are unit length, so the dot product is the cosine.
        let rows: Vec<(String, f64, Value)> = sqlx::query_as(
            "select id,
                    coalesce((select sum(a * b) from unnest(vals, $2::real[]) as t(a, b)), 0)::float8 as score,
                    metadata
             from vector_items
             where namespace = $1 and metadata @> $3
             order by score desc, id
             limit $4",
        )
        .bind(namespace)
        .bind(&q)
        .bind(Value::Object(filter.0.clone()))
        .bind(i64::try_from(top_k).unwrap_or(i64::MAX))
        .fetch_all(&self.db)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, score, metadata)| VectorMatch {
                id,
                score: score as f32,
                metadata: match metadata {
                    Value::Object(m) => m,
                    _ => Map::new(),
                },
            })
            .collect())
    }

    async fn delete_ids(&self, namespace: Uuid, ids: &[String]) -> Result<(), ProviderError> {
        sqlx::query("delete from vector_items where namespace = $1 and id = any($2)")
            .bind(namespace)
            .bind(ids)
            .execute(&self.db)
            .await?;
        Ok(())
    }

    async fn delete_by_filter(
        &self,
        namespace: Uuid,
        filter: &Filter,
    ) -> Result<(), ProviderError> {
        sqlx::query("delete from vector_items where namespace = $1 and metadata @> $2")
            .bind(namespace)
            .bind(Value::Object(filter.0.clone()))
            .execute(&self.db)
            .await?;
        Ok(())
    }
}
