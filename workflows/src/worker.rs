//! Worker assembly: which workflows and activities run on the task queue.
//! Used by `bin/worker.rs` and by the end-to-end test harness.

use activities::{JobActivities, OptimizeActivities, Providers, PurgeActivities, ResumeActivities};
use anyhow::Context;
use shared::config::Settings;
use std::sync::Arc;
use temporalio_client::{Client, ClientOptions, ConnectionOptions};
use temporalio_sdk::{Runtime, Worker, WorkerOptions};

/// What the activities need from the outside world.
pub type Deps = Arc<Providers>;

pub fn deps(settings: &Settings) -> anyhow::Result<Deps> {
    Ok(Arc::new(Providers::from_settings(settings)?))
}

pub fn options(task_queue: &str, deps: &Deps) -> anyhow::Result<WorkerOptions> {
    Ok(WorkerOptions::new(task_queue)
        .register_workflow::<crate::ParseResume>()?
        .register_workflow::<crate::PurgeResume>()?
        .register_workflow::<crate::IngestJob>()?
        .register_workflow::<crate::OptimizeJob>()?
        .register_activities(ResumeActivities { p: deps.clone() })
        .register_activities(PurgeActivities { p: deps.clone() })
        .register_activities(JobActivities { p: deps.clone() })
        .register_activities(OptimizeActivities { p: deps.clone() })
        .build())
}

pub async fn connect(settings: &Settings) -> anyhow::Result<Client> {
    let url = settings.temporal_url().map_err(anyhow::Error::msg)?;
    let conn = ConnectionOptions::new(url)
        .identity(format!("smartresume-worker@{}", std::process::id()))
        .build();
    Client::connect(
        conn,
        ClientOptions::new(settings.temporal_namespace.clone()).build(),
    )
    .await
    .with_context(|| format!("cannot reach Temporal at {}", settings.temporal_address))
}

/// Build a worker for `client`. `Worker::run` is not `Send`: run it on the
/// task that owns it (the main task in the binary).
pub fn build(
    runtime: &Runtime,
    client: Client,
    task_queue: &str,
    deps: &Deps,
) -> anyhow::Result<Worker> {
    build_with(runtime, client, task_queue, deps, |_| Ok(()))
}

/// Like [`build`], with extra registrations (benchmarks add a baseline workflow).
pub fn build_with(
    runtime: &Runtime,
    client: Client,
    task_queue: &str,
    deps: &Deps,
    extra: impl FnOnce(&mut WorkerOptions) -> anyhow::Result<()>,
) -> anyhow::Result<Worker> {
    let mut opts = options(task_queue, deps)?;
    extra(&mut opts)?;
    Worker::new(runtime, client, opts).context("create worker")
}
