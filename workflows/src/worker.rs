//! Worker assembly: which workflows and activities run on the task queue.
//! Used by `bin/worker.rs` and by the end-to-end test harness.

use activities::{
    ApplicationActivities, JobActivities, OptimizeActivities, Providers, PurgeActivities,
    ResumeActivities,
};
use anyhow::Context;
use shared::config::Settings;
use std::sync::Arc;
use std::time::Duration;
use temporalio_client::{Client, ClientOptions, ConnectionOptions};
use temporalio_common::telemetry::{
    PrometheusExporterOptions, TelemetryOptions, metrics::CoreMeter,
    start_prometheus_metric_exporter,
};
use temporalio_sdk::{
    Runtime, Worker, WorkerOptions, interceptors::ActivityInboundInterceptor,
    runtime::RuntimeOptions,
};

/// After SIGTERM/SIGINT the worker stops polling and lets running activities finish
/// for this long before cancelling them (`docker stop` waits 30 s in compose, see
/// `stop_grace_period`); cancelled ones are retried by another worker.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// What the activities need from the outside world.
pub type Deps = Arc<Providers>;

pub fn deps(settings: &Settings) -> anyhow::Result<Deps> {
    Ok(Arc::new(Providers::from_settings(settings)?))
}

/// See [`options`]: how long a workflow task waits for the worker that last ran it.
pub const STICKY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

pub fn options(task_queue: &str, deps: &Deps) -> anyhow::Result<WorkerOptions> {
    Ok(WorkerOptions::new(task_queue)
        .graceful_shutdown_period(SHUTDOWN_GRACE)
        // A worker that died (SIGKILL, OOM, lost node) leaves its workflows' next tasks on
        // its sticky queue; after this long they move to the shared queue and any worker
        // takes them (the SDK's default of 10 s made every crash cost that much).
        .sticky_queue_schedule_to_start_timeout(STICKY_TIMEOUT)
        // Registered as a plugin so it runs inside the OpenTelemetry plugin's activity
        // interceptor (client plugins come first): its span then joins the trace the
        // workflow's headers carry.
        .worker_plugin(
            temporalio_sdk::SimplePlugin::builder("smartresume-activity-spans")
                .activity_inbound_interceptors(vec![Arc::new(activities::spans::ActivitySpans)
                    as Arc<dyn ActivityInboundInterceptor>])
                .build(),
        )
        .register_workflow::<crate::ParseResume>()?
        .register_workflow::<crate::PurgeResume>()?
        .register_workflow::<crate::IngestJob>()?
        .register_workflow::<crate::OptimizeJob>()?
        .register_workflow::<crate::GenerateApplication>()?
        .register_activities(ResumeActivities { p: deps.clone() })
        .register_activities(PurgeActivities { p: deps.clone() })
        .register_activities(JobActivities { p: deps.clone() })
        .register_activities(OptimizeActivities { p: deps.clone() })
        .register_activities(ApplicationActivities { p: deps.clone() })
        .build())
}

pub async fn connect(settings: &Settings) -> anyhow::Result<Client> {
    let url = settings.temporal_url().map_err(anyhow::Error::msg)?;
    let conn = ConnectionOptions::new(url)
        .identity(format!("smartresume-worker@{}", std::process::id()))
        .build();
    Client::connect(
        conn,
        ClientOptions::new(settings.temporal_namespace.clone())
            // Trace context (and the request's and workflow's ids as baggage) from the
            // workflow's headers into its activities; the worker gets it from its client.
            .plugin(temporalio_sdk::opentelemetry::OpenTelemetryPlugin::builder().build())
            .build(),
    )
    .await
    .with_context(|| format!("cannot reach Temporal at {}", settings.temporal_address))
}

/// How long a starting worker waits for Temporal (a dev server or cluster that is
/// still starting, or restarting) before it gives up and exits.
pub const STARTUP_CONNECT_PATIENCE: std::time::Duration = std::time::Duration::from_secs(60);

/// [`connect`], retried (1 s apart, then up to 5 s) until `patience` has passed: a
/// worker started alongside Temporal (compose, a deploy, a restart of Temporal) waits
/// for it instead of exiting at once.
pub async fn connect_patiently(
    settings: &Settings,
    patience: std::time::Duration,
) -> anyhow::Result<Client> {
    let started = std::time::Instant::now();
    let mut delay = std::time::Duration::from_secs(1);
    loop {
        match connect(settings).await {
            Ok(client) => return Ok(client),
            Err(e) if started.elapsed() + delay < patience => {
                tracing::warn!(error = %format!("{e:#}"), retry_in_secs = delay.as_secs(), "Temporal is not reachable yet");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(std::time::Duration::from_secs(5));
            }
            Err(e) => return Err(e),
        }
    }
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

/// The `worker` binary: load settings, migrate, connect, poll until SIGTERM or SIGINT,
/// then drain gracefully (exit code 0). A thin `main` calls this, so the tests can run
/// the same program as a child process.
pub fn main() -> anyhow::Result<()> {
    let settings = match Settings::load(shared::config::Component::Worker) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let _telemetry = shared::telemetry::init_traced(
        &settings.log_format,
        "smartresume-worker",
        temporalio_sdk::opentelemetry::WorkflowIdGenerator::default(),
        temporalio_sdk::opentelemetry::WorkflowSpanProcessor::new,
    )?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("tokio runtime")?;
    rt.block_on(async move {
        // Listen before connecting: a SIGTERM during start-up must not kill the process.
        let stop_signal = shutdown_signal()?;
        let deps = deps(&settings)?;
        if settings.run_migrations {
            shared::db::MIGRATOR
                .run(&deps.db)
                .await
                .context("applying migrations (set SMARTRESUME_RUN_MIGRATIONS=false to skip)")?;
        }
        let client = connect_patiently(&settings, STARTUP_CONNECT_PATIENCE).await?;
        let runtime =
            Runtime::from_current_tokio(runtime_options(&settings)?).context("temporal runtime")?;
        let mut worker = build(&runtime, client, &settings.task_queue, &deps)?;
        let stop = worker.shutdown_handle();
        tokio::spawn(async move {
            let signal = stop_signal.await;
            tracing::info!(
                signal,
                grace_secs = SHUTDOWN_GRACE.as_secs(),
                "shutting down worker: no new tasks, running activities may finish"
            );
            stop();
        });
        tracing::info!(task_queue = %settings.task_queue, "worker polling");
        worker.run().await.context("worker stopped with an error")?;
        tracing::info!("worker stopped");
        Ok(())
    })
}

/// The SDK runtime's options: with `SMARTRESUME_METRICS_BIND` set, a Prometheus endpoint
/// (`/metrics` on that address) carrying the SDK's worker metrics (task slots, poll
/// latency, workflow and activity task latencies, ...) and ours ([`activities::metrics`]:
/// runs, provider calls and errors, tokens, cost), all through the SDK's meter.
pub fn runtime_options(settings: &Settings) -> anyhow::Result<RuntimeOptions> {
    let Some(bind) = &settings.metrics_bind else {
        return Ok(RuntimeOptions::default());
    };
    let addr: std::net::SocketAddr = bind.parse().context("SMARTRESUME_METRICS_BIND")?;
    let started = start_prometheus_metric_exporter(
        PrometheusExporterOptions::builder()
            .socket_addr(addr)
            .counters_total_suffix(true)
            .use_seconds_for_durations(true)
            .unit_suffix(true)
            .build(),
    )
    .with_context(|| format!("cannot serve metrics on {addr} (SMARTRESUME_METRICS_BIND)"))?;
    tracing::info!(addr = %started.bound_addr, "metrics on /metrics");
    let meter: Arc<dyn CoreMeter> = started.meter;
    activities::metrics::install(meter.clone());
    RuntimeOptions::builder()
        .telemetry_options(TelemetryOptions::builder().metrics(meter).build())
        .build()
        .map_err(anyhow::Error::msg)
}

/// Resolves with the signal's name on the first SIGTERM (what `docker stop` and
/// Kubernetes send) or SIGINT (Ctrl-C).
pub fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = &'static str>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("listen for SIGTERM")?;
    let mut int = signal(SignalKind::interrupt()).context("listen for SIGINT")?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        }
    })
}
