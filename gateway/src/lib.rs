//! The SmartResume REST API (see `shared/API.md` in the product repo).
//!
//! The gateway validates, authenticates and answers in the `{data,error}`
//! envelope; anything slow or side-effectful happens in Temporal workflows it
//! starts. It depends on `shared` only, never on `activities`.

pub mod app;
pub mod audit;
pub mod envelope;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod provision;
pub mod ratelimit;
pub mod routes;
pub mod state;
pub mod temporal;
pub mod validate;

pub use app::router;
pub use state::AppState;

use anyhow::Context;
use shared::config::Settings;
use tokio::net::TcpListener;

/// Serve until `shutdown` resolves.
pub async fn serve(
    settings: Settings,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    serve_state(AppState::from_settings(settings)?, listener, shutdown).await
}

/// Serve a state built by the caller (tests swap parts of it).
pub async fn serve_state(
    state: AppState,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let drain = std::time::Duration::from_secs(state.settings.shutdown_drain_secs);
    let draining = state.clone();
    // On the signal: report not-ready first (load balancers stop routing here), keep
    // serving for the drain period, then stop accepting and finish in-flight requests.
    let shutdown = async move {
        shutdown.await;
        draining
            .draining
            .store(true, std::sync::atomic::Ordering::SeqCst);
        tracing::info!(
            drain_secs = drain.as_secs(),
            "draining: /readyz answers 503, requests are still served"
        );
        tokio::time::sleep(drain).await;
    };
    let app = router(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .context("http server")
}
