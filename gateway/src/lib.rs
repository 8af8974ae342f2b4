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
pub mod metrics;
pub mod openapi;
pub mod provision;
pub mod ratelimit;
pub mod routes;
pub mod state;
pub mod temporal;
pub mod tracectx;
pub mod validate;

pub use app::router;
/// The allocator the `gateway` program installs (`#[global_allocator]` in its `main`).
pub use mimalloc::MiMalloc as Allocator;
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
    if let Some(bind) = &state.settings.metrics_bind {
        let metrics = TcpListener::bind(bind)
            .await
            .with_context(|| format!("cannot listen on {bind} (SMARTRESUME_METRICS_BIND)"))?;
        tracing::info!(addr = %bind, "metrics on /metrics");
        tokio::spawn(metrics::serve(
            metrics,
            state.db.clone(),
            state.settings.database_max_connections,
        ));
    }
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

/// The `gateway` program: settings from the environment, migrations when asked, then
/// [`serve`] until SIGTERM or Ctrl-C (also built as `sr-gateway` in the e2e package, so
/// tests can run it as a child process).
pub fn main() -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("start the async runtime")?
        .block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let settings = match Settings::load(shared::config::Component::Gateway) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let _telemetry = shared::telemetry::init_traced(
        &settings.log_format,
        "smartresume-gateway",
        temporalio_sdk::opentelemetry::WorkflowIdGenerator::default(),
        |batch| batch,
    )?;
    if settings.run_migrations {
        let pool = shared::db::connect(settings.database_url(), 2)?;
        shared::db::MIGRATOR
            .run(&pool)
            .await
            .context("applying migrations (set SMARTRESUME_RUN_MIGRATIONS=false to skip)")?;
        pool.close().await;
    }
    let listener = tokio::net::TcpListener::bind(&settings.bind)
        .await
        .with_context(|| format!("cannot listen on {}", settings.bind))?;
    tracing::info!(addr = %settings.bind, temporal = %settings.temporal_address, "gateway listening");
    serve(settings, listener, shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
