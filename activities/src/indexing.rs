//! Chunk → embed → upsert, and the retrieval side (`search_chunks`): shared
//! by resumes and job descriptions.

use crate::{
    embed::Embedder,
    errors::ProviderError,
    vectors::{Filter, VectorItem, VectorStore},
};
use serde_json::{Map, Value, json};
use shared::db::chunks::{self, ChunkRow};
use sqlx::PgPool;
use std::sync::Arc;
use text::{self, Chunk};
use uuid::Uuid;

pub const CHUNK_CHARS: usize = 3500;
pub const CHUNK_OVERLAP: usize = 400;
const EMBED_BATCH: usize = 64;

#[derive(Clone)]
pub struct Indexer {
    pub db: PgPool,
    pub embedder: Arc<dyn Embedder>,
    pub vectors: Arc<dyn VectorStore>,
}

/// What is being indexed.
#[derive(Debug, Clone, Copy)]
pub struct Source {
    pub user_id: Uuid,
    /// `resume` or `job`
    pub kind: &'static str,
    /// resume id or job id
    pub source_id: Uuid,
    /// resume version id (the job id again for jobs)
    pub version_id: Uuid,
}

/// A retrieved chunk with its similarity to the query.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ScoredChunk {
    pub chunk_id: String,
    pub score: f32,
    pub text: String,
}

impl Indexer {
    /// Index `text` for `source`; returns the number of chunks. Ids are
    /// deterministic, so running it twice leaves the same state.
    pub async fn index(
        &self,
        source: Source,
        text_body: &str,
        lang: &str,
    ) -> Result<u32, ProviderError> {
        let pieces: Vec<Chunk> = text::chunk_text(text_body, CHUNK_CHARS, CHUNK_OVERLAP);
        let rows: Vec<ChunkRow> = pieces
            .iter()
            .map(|c| ChunkRow {
                id: chunks::chunk_id(source.version_id, c.index),
                user_id: source.user_id,
                source_kind: source.kind.to_string(),
                source_id: source.source_id,
                version_id: source.version_id,
                chunk_index: i32::try_from(c.index).unwrap_or(i32::MAX),
                lang: Some(lang.to_string()),
                char_start: i32::try_from(c.char_start).unwrap_or(i32::MAX),
                char_end: i32::try_from(c.char_end).unwrap_or(i32::MAX),
                text: c.text.clone(),
            })
            .collect();

        let stale = {
            let mut conn = self.db.acquire().await?;
            chunks::replace_chunks(&mut conn, &rows, source.user_id, source.version_id).await?
        };
        if !stale.is_empty() {
            self.vectors.delete_ids(source.user_id, &stale).await?;
        }
        for batch in rows.chunks(EMBED_BATCH) {
            let texts: Vec<String> = batch.iter().map(|r| r.text.clone()).collect();
            let vectors = self.embedder.embed(&texts).await?;
            if vectors.len() != batch.len() {
                return Err(ProviderError::permanent(format!(
                    "the embedder returned {} vectors for {} texts",
                    vectors.len(),
                    batch.len()
                )));
            }
            let items = batch
                .iter()
                .zip(vectors)
                .map(|(r, values)| VectorItem {
                    id: r.id.clone(),
                    values,
                    metadata: metadata(source, r, self.embedder.model()),
                })
                .collect();
            self.vectors.upsert(source.user_id, items).await?;
        }
        Ok(u32::try_from(rows.len()).unwrap_or(u32::MAX))
    }

    /// Top-`k` chunks of one document version for a query text, best first.
    pub async fn search_chunks(
        &self,
        user_id: Uuid,
        kind: &str,
        version_id: Uuid,
        query: &str,
        k: usize,
    ) -> Result<Vec<ScoredChunk>, ProviderError> {
        let vector = self
            .embedder
            .embed(&[query.to_string()])
            .await?
            .into_iter()
            .next()
            .unwrap_or_default();
        // Only vectors of the current model are comparable with the query.
        let filter = Filter::default()
            .eq("source_kind", kind)
            .eq("version_id", version_id.to_string())
            .eq("model", self.embedder.model());
        let matches = self.vectors.query(user_id, &vector, k, &filter).await?;
        let ids: Vec<String> = matches.iter().map(|m| m.id.clone()).collect();
        let mut conn = self.db.acquire().await?;
        let rows = chunks::chunks_by_ids(&mut conn, user_id, &ids).await?;
        Ok(matches
            .into_iter()
            .filter_map(|m| {
                rows.iter().find(|r| r.id == m.id).map(|r| ScoredChunk {
                    chunk_id: m.id.clone(),
                    score: m.score,
                    text: r.text.clone(),
                })
            })
            .collect())
    }

    /// Remove every chunk and vector of a source.
    pub async fn forget(
        &self,
        user_id: Uuid,
        kind: &str,
        source_id: Uuid,
    ) -> Result<u64, ProviderError> {
        // By id first: every store supports it (some Pinecone indexes do not
        // delete by metadata). The chunk rows go last, so a retry still
        // knows the ids.
        let ids = {
            let mut conn = self.db.acquire().await?;
            chunks::ids_of_source(&mut conn, user_id, kind, source_id).await?
        };
        self.vectors.delete_ids(user_id, &ids).await?;
        // Then a sweep by filter for vectors without a chunk row (an
        // interrupted re-index); a store that refuses it keeps only those.
        let filter = Filter::default()
            .eq("source_kind", kind)
            .eq("source_id", source_id.to_string());
        match self.vectors.delete_by_filter(user_id, &filter).await {
            Ok(()) => {}
            Err(ProviderError::Permanent(reason)) => {
                tracing::warn!(%reason, kind, %source_id, "vector store refused a delete by filter");
            }
            Err(e) => return Err(e),
        }
        let mut conn = self.db.acquire().await?;
        Ok(chunks::delete_source(&mut conn, user_id, kind, source_id).await?)
    }
}

fn metadata(source: Source, r: &ChunkRow, model: &str) -> Map<String, Value> {
    let v = json!({
        "user_id": source.user_id.to_string(),
        "source_kind": source.kind,
        "source_id": source.source_id.to_string(),
        "version_id": source.version_id.to_string(),
        "chunk_index": r.chunk_index,
        "lang": r.lang,
        "char_start": r.char_start,
        "char_end": r.char_end,
        "model": model,
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}
