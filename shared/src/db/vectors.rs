//! The embedded vector store (`vector_items`): Pinecone's model in a table —
//! namespace (the user id), id, values, metadata — queried with an exact
//! cosine scan of one namespace (fine for a person's few dozen chunks).
//! `activities::vectors::PgVectorStore` is the `VectorStore` built on these.

use sqlx::PgExecutor;
use uuid::Uuid;

/// One hit of [`nearest`].
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredItem {
    pub id: String,
    pub score: f64,
    pub metadata: serde_json::Value,
}

/// Insert or replace one item. `values` must be unit length already: the
/// score of [`nearest`] is a plain dot product.
pub async fn upsert(
    db: impl PgExecutor<'_>,
    namespace: Uuid,
    id: &str,
    values: &[f32],
    metadata: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into vector_items (namespace, id, vals, metadata) values ($1, $2, $3, $4)
         on conflict (namespace, id) do update
           set vals = excluded.vals, metadata = excluded.metadata, updated_at = now()",
        namespace,
        id,
        values,
        metadata,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The `top_k` items of a namespace whose metadata contains `filter`
/// (`@>`, equality on every field given), best first. `vector` must be unit
/// length, like the stored ones, so the dot product is the cosine.
pub async fn nearest(
    db: impl PgExecutor<'_>,
    namespace: Uuid,
    vector: &[f32],
    filter: &serde_json::Value,
    top_k: i64,
) -> Result<Vec<ScoredItem>, sqlx::Error> {
    sqlx::query_as!(
        ScoredItem,
        r#"select id,
                coalesce((select sum(a * b) from unnest(vals, $2::real[]) as t(a, b)), 0)::float8
                  as "score!",
                metadata
         from vector_items
         where namespace = $1 and metadata @> $3
         order by 2 desc, id -- 2: the score
         limit $4"#,
        namespace,
        vector,
        filter,
        top_k,
    )
    .fetch_all(db)
    .await
}

/// Delete items by id; returns how many existed.
pub async fn delete_ids(
    db: impl PgExecutor<'_>,
    namespace: Uuid,
    ids: &[String],
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "delete from vector_items where namespace = $1 and id = any($2)",
        namespace,
        ids,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// Delete every item of a namespace whose metadata contains `filter`.
pub async fn delete_matching(
    db: impl PgExecutor<'_>,
    namespace: Uuid,
    filter: &serde_json::Value,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "delete from vector_items where namespace = $1 and metadata @> $2",
        namespace,
        filter,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
