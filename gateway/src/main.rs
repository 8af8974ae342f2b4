//! `gateway`: the HTTP API.

use anyhow::Context;
use shared::config::{Component, Settings};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = match Settings::load(Component::Gateway) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    shared::telemetry::init(&settings.log_format);
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
    gateway::serve(settings, listener, shutdown_signal()).await
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
