//! The SmartResume REST API (see `shared/API.md` in the product repo).
//!
//! The gateway validates, authenticates and answers in the `{data,error}`
//! envelope; anything slow or side-effectful happens in Temporal workflows it
//! starts. It depends on `shared` only, never on `activities`.

pub mod app;
pub mod envelope;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod ratelimit;
pub mod routes;
pub mod temporal;

pub use app::{AppState, router};

use anyhow::Context;
use shared::config::Settings;
use tokio::net::TcpListener;

/// Serve until `shutdown` resolves.
pub async fn serve(
    settings: Settings,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let state = AppState::from_settings(settings)?;
    let app = router(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .context("http server")
}
