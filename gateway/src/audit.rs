//! Writes the audit trail (`audit_events`, see its migration): after the action has
//! happened, with the service connection. A failed write is logged and does not fail
//! the request the user already saw succeed; rate-limit refusals are written off the
//! request path, and only while few such writes are pending, so a flood of refused
//! requests cannot turn into a flood of database writes.

use crate::{extract::AuthUser, state::AppState};
use serde_json::Value;
use shared::db::audit::{self, AuditEvent};
use std::sync::atomic::{AtomicUsize, Ordering};
use uuid::Uuid;

/// One action by `user` on a subject.
pub async fn record(
    state: &AppState,
    user: &AuthUser,
    action: &'static str,
    subject: (&'static str, Uuid),
    workflow_id: Option<&str>,
    detail: Value,
) {
    write(
        state,
        AuditEvent {
            user_id: Some(user.user_id),
            action,
            subject_type: Some(subject.0),
            subject_id: Some(subject.1),
            request_id: user.request_id.clone(),
            workflow_id: workflow_id.map(str::to_string),
            detail,
        },
    )
    .await;
}

/// Any event, as built by the caller (callbacks know no user until they look it up).
pub async fn write(state: &AppState, event: AuditEvent) {
    let result = async {
        let mut conn = state.db.acquire().await?;
        audit::record(&mut conn, &event).await
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, action = event.action, "audit event not recorded");
    }
}

/// Rate-limit refusals in flight (see the module docs).
static PENDING_REFUSALS: AtomicUsize = AtomicUsize::new(0);
const MAX_PENDING_REFUSALS: usize = 16;

/// A refused request: recorded in the background, dropped when many are pending.
pub fn rate_limited(state: &AppState, user: &AuthUser, retry_after_secs: u64) {
    if PENDING_REFUSALS.fetch_add(1, Ordering::SeqCst) >= MAX_PENDING_REFUSALS {
        PENDING_REFUSALS.fetch_sub(1, Ordering::SeqCst);
        return;
    }
    let state = state.clone();
    let event = AuditEvent {
        user_id: Some(user.user_id),
        action: "rate_limit.refused",
        request_id: user.request_id.clone(),
        detail: serde_json::json!({ "retry_after_secs": retry_after_secs }),
        ..AuditEvent::default()
    };
    tokio::spawn(async move {
        write(&state, event).await;
        PENDING_REFUSALS.fetch_sub(1, Ordering::SeqCst);
    });
}
