//! Text chunks of resumes and job descriptions (`document_chunks`).

use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ChunkRow {
    pub id: String,
    pub user_id: Uuid,
    pub source_kind: String,
    pub source_id: Uuid,
    pub version_id: Uuid,
    pub chunk_index: i32,
    pub lang: Option<String>,
    pub char_start: i32,
    pub char_end: i32,
    pub text: String,
}

/// Deterministic chunk id: `{version_id}:{chunk_index}`.
pub fn chunk_id(version_id: Uuid, index: usize) -> String {
    format!("{version_id}:{index}")
}

/// Replace the chunks of one version (same ids for the same text: idempotent).
/// Returns the ids of chunks that no longer exist (a re-chunk got shorter).
pub async fn replace_chunks(
    conn: &mut PgConnection,
    chunks: &[ChunkRow],
    user_id: Uuid,
    version_id: Uuid,
) -> Result<Vec<String>, sqlx::Error> {
    for c in chunks {
        sqlx::query!(
            "insert into document_chunks
               (id, user_id, source_kind, source_id, version_id, chunk_index, lang, char_start, char_end, text)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             on conflict (id) do update set
               lang = excluded.lang, char_start = excluded.char_start,
               char_end = excluded.char_end, text = excluded.text",
            c.id,
            c.user_id,
            c.source_kind,
            c.source_id,
            c.version_id,
            c.chunk_index,
            c.lang,
            c.char_start,
            c.char_end,
            c.text,
        )
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query_scalar!(
        "delete from document_chunks where user_id = $1 and version_id = $2 and chunk_index >= $3
         returning id",
        user_id,
        version_id,
        i32::try_from(chunks.len()).unwrap_or(i32::MAX),
    )
    .fetch_all(conn)
    .await
}

pub async fn chunks_by_ids(
    conn: &mut PgConnection,
    user_id: Uuid,
    ids: &[String],
) -> Result<Vec<ChunkRow>, sqlx::Error> {
    sqlx::query_as!(
        ChunkRow,
        "select id, user_id, source_kind, source_id, version_id, chunk_index, lang, char_start, char_end, text
         from document_chunks where user_id = $1 and id = any($2)",
        user_id,
        ids,
    )
    .fetch_all(conn)
    .await
}

pub async fn delete_source(
    conn: &mut PgConnection,
    user_id: Uuid,
    source_kind: &str,
    source_id: Uuid,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "delete from document_chunks where user_id = $1 and source_kind = $2 and source_id = $3",
        user_id,
        source_kind,
        source_id,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Ids of every chunk of a source (resume or job), all versions.
pub async fn ids_of_source(
    conn: &mut PgConnection,
    user_id: Uuid,
    source_kind: &str,
    source_id: Uuid,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "select id from document_chunks where user_id = $1 and source_kind = $2 and source_id = $3 order by id",
        user_id,
        source_kind,
        source_id,
    )
    .fetch_all(conn)
    .await
}
