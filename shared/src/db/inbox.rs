//! Large callback payloads (n8n) parked for the workflow that waits for them.

use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct InboxRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: String,
    pub subject_id: Uuid,
    pub payload: serde_json::Value,
    pub payload_sha256: String,
}

/// Store a payload; an identical one for the same subject returns the first
/// row and `false` (a repeated callback has no second effect).
pub async fn put(
    conn: &mut PgConnection,
    user_id: Uuid,
    kind: &str,
    subject_id: Uuid,
    payload: &serde_json::Value,
    sha256: &str,
) -> Result<(Uuid, bool), sqlx::Error> {
    let inserted = sqlx::query_scalar!(
        "insert into workflow_inbox (user_id, kind, subject_id, payload, payload_sha256)
         values ($1, $2, $3, $4, $5)
         on conflict (kind, subject_id, payload_sha256) do nothing
         returning id",
        user_id,
        kind,
        subject_id,
        payload,
        sha256,
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = inserted {
        return Ok((id, true));
    }
    let id = sqlx::query_scalar!(
        "select id from workflow_inbox where kind = $1 and subject_id = $2 and payload_sha256 = $3",
        kind,
        subject_id,
        sha256,
    )
    .fetch_one(conn)
    .await?;
    Ok((id, false))
}

pub async fn get(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
) -> Result<Option<InboxRow>, sqlx::Error> {
    sqlx::query_as!(
        InboxRow,
        "select id, user_id, kind, subject_id, payload, payload_sha256
         from workflow_inbox where id = $1 and user_id = $2",
        id,
        user_id,
    )
    .fetch_optional(conn)
    .await
}

/// How many payloads a subject has received (the first one wins).
pub async fn count_for(
    conn: &mut PgConnection,
    kind: &str,
    subject_id: Uuid,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from workflow_inbox where kind = $1 and subject_id = $2"#,
        kind,
        subject_id,
    )
    .fetch_one(conn)
    .await
}
