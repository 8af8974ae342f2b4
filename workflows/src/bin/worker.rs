//! `worker`: polls the `smartresume` task queue and runs every workflow and
//! activity. Stops gracefully on Ctrl-C / SIGTERM.

use anyhow::Context;
use shared::config::{Component, Settings};
use temporalio_sdk::Runtime;

fn main() -> anyhow::Result<()> {
    let settings = match Settings::load(Component::Worker) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    shared::telemetry::init(&settings.log_format);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("tokio runtime")?;
    rt.block_on(async move {
        let deps = workflows::worker::deps(&settings)?;
        if settings.run_migrations {
            shared::db::MIGRATOR
                .run(&deps.db)
                .await
                .context("applying migrations (set SMARTRESUME_RUN_MIGRATIONS=false to skip)")?;
        }
        let client = workflows::worker::connect(&settings).await?;
        let runtime =
            Runtime::from_current_tokio(Default::default()).context("temporal runtime")?;
        let mut worker = workflows::worker::build(&runtime, client, &settings.task_queue, &deps)?;
        let stop = worker.shutdown_handle();
        tokio::spawn(async move {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("shutting down worker");
            stop();
        });
        tracing::info!(task_queue = %settings.task_queue, "worker polling");
        worker.run().await.context("worker stopped with an error")
    })
}
