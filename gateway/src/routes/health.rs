//! `GET /health`: a real database query and a real Temporal call.

use crate::envelope::ErrorEnvelope;
use crate::error::ApiError;
use crate::{envelope::Envelope, state::AppState};
use axum::{
    extract::State,
    response::{IntoResponse, Response},
};
use serde::Serialize;
use std::time::Duration;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
    #[schema(example = "ok")]
    pub database: &'static str,
    #[schema(example = "ok")]
    pub temporal: &'static str,
    /// Which implementation serves each capability (embedded default or cloud).
    pub providers: shared::config::Providers,
}

/// Liveness of the API and the two services it cannot work without.
#[utoipa::path(
    get, path = "/health", operation_id = "health", tag = "health",
    responses(
        (status = 200, description = "Everything reachable", body = Envelope<Health>),
        (status = 503, description = "`unavailable`: Postgres or Temporal unreachable; the message names which, `error.details` has each part", body = ErrorEnvelope),
    )
)]
pub async fn health(State(state): State<AppState>) -> Response {
    check(&state).await
}

/// Liveness for an orchestrator: the process answers. Never looks at Postgres or
/// Temporal (an outage there must not get the gateway restarted).
#[utoipa::path(
    get, path = "/livez", operation_id = "livez", tag = "health",
    responses((status = 200, description = "The process is up", body = Envelope<Probe>))
)]
pub async fn livez() -> Response {
    crate::envelope::ok(Probe { status: "ok" })
}

/// Readiness for an orchestrator or load balancer: 503 while the gateway drains after
/// SIGTERM, or while Postgres or Temporal is unreachable (as `/health`); 200 otherwise.
#[utoipa::path(
    get, path = "/readyz", operation_id = "readyz", tag = "health",
    responses(
        (status = 200, description = "Ready for traffic", body = Envelope<Health>),
        (status = 503, description = "`unavailable`: draining after SIGTERM, or Postgres or Temporal unreachable", body = ErrorEnvelope),
    )
)]
pub async fn readyz(State(state): State<AppState>) -> Response {
    if state.draining.load(std::sync::atomic::Ordering::SeqCst) {
        return ApiError::Unavailable("the gateway is shutting down").into_response();
    }
    check(&state).await
}

/// What `/livez` says.
#[derive(Debug, Serialize, ToSchema)]
pub struct Probe {
    #[schema(example = "ok")]
    pub status: &'static str,
}

async fn check(state: &AppState) -> Response {
    let db = async {
        tokio::time::timeout(
            Duration::from_secs(3),
            sqlx::query_scalar::<_, i32>("select 1").fetch_one(&state.db),
        )
        .await
        .map_err(|_| "timed out".to_string())?
        .map_err(|e| e.to_string())
    };
    let (db, temporal) = tokio::join!(db, state.temporal.health());
    if let Err(e) = &db {
        tracing::warn!(error = %e, "health: database unreachable");
    }
    if let Err(e) = &temporal {
        tracing::warn!(error = %e, "health: temporal unreachable");
    }
    let part = |r: bool| if r { "ok" } else { "unavailable" };
    let report = Health {
        status: if db.is_ok() && temporal.is_ok() {
            "ok"
        } else {
            "degraded"
        },
        database: part(db.is_ok()),
        temporal: part(temporal.is_ok()),
        providers: state.settings.providers(),
    };
    if db.is_ok() && temporal.is_ok() {
        return crate::envelope::ok(report);
    }
    let failing: Vec<&str> = [("database", db.is_ok()), ("temporal", temporal.is_ok())]
        .into_iter()
        .filter(|(_, ok)| !ok)
        .map(|(name, _)| name)
        .collect();
    let verb = if failing.len() > 1 { "are" } else { "is" };
    ApiError::Degraded {
        message: format!("{} {verb} unavailable", failing.join(" and ")),
        parts: serde_json::json!({
            "database": report.database,
            "temporal": report.temporal,
            "providers": report.providers,
        }),
    }
    .into_response()
}
