//! The audit trail (`audit_events`): security-relevant actions, written with the
//! service connection. See the migration for what may and may not go in it.

use sqlx::PgConnection;
use uuid::Uuid;

/// One event. `action` is `<subject>.<verb>` (`resume.created`, `callback.refused`).
#[derive(Debug, Clone, Default)]
pub struct AuditEvent {
    pub user_id: Option<Uuid>,
    pub action: &'static str,
    pub subject_type: Option<&'static str>,
    pub subject_id: Option<Uuid>,
    pub request_id: Option<String>,
    pub workflow_id: Option<String>,
    /// Small facts only (a kind, a count, an error code): never content or secrets.
    pub detail: serde_json::Value,
}

pub async fn record(conn: &mut PgConnection, e: &AuditEvent) -> Result<(), sqlx::Error> {
    let detail = if e.detail.is_null() {
        serde_json::json!({})
    } else {
        e.detail.clone()
    };
    sqlx::query!(
        "insert into audit_events (user_id, action, subject_type, subject_id, request_id, workflow_id, detail)
         values ($1, $2, $3, $4, $5, $6, $7)",
        e.user_id,
        e.action,
        e.subject_type,
        e.subject_id,
        e.request_id,
        e.workflow_id,
        detail,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
