//! Prometheus metrics of the gateway, served in the text format on a listener of their
//! own (`SMARTRESUME_METRICS_BIND`, off when unset), never on the public port: requests
//! by route template and status, latency histograms, requests in flight, the database
//! pool, rate-limit refusals and workflows started by type.

use axum::{
    extract::{MatchedPath, Request},
    middleware::Next,
    response::Response,
};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};
use sqlx::PgPool;
use std::sync::LazyLock;
use std::time::Instant;

/// Every metric of the process (one registry: tests that run several gateways in one
/// process see their sum).
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    in_flight: IntGauge,
    rate_limited: IntCounterVec,
    workflows_started: IntCounterVec,
    db_pool: IntGaugeVec,
}

static METRICS: LazyLock<Option<Metrics>> = LazyLock::new(|| match Metrics::new() {
    Ok(m) => Some(m),
    Err(e) => {
        tracing::error!(error = %e, "metrics could not be set up; /metrics stays empty");
        None
    }
});

/// The process's metrics (`None` only if they could not be registered).
pub fn get() -> Option<&'static Metrics> {
    METRICS.as_ref()
}

impl Metrics {
    fn new() -> Result<Metrics, prometheus::Error> {
        let registry = Registry::new_custom(Some("smartresume_gateway".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests answered, by route template and status",
            ),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time to answer an HTTP request, by route template",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                10.0,
            ]),
            &["method", "route"],
        )?;
        let in_flight = IntGauge::new("http_requests_in_flight", "HTTP requests being answered")?;
        let rate_limited = IntCounterVec::new(
            Opts::new(
                "rate_limited_total",
                "Requests refused with 429 by the per-user limit, by route template",
            ),
            &["route"],
        )?;
        let workflows_started = IntCounterVec::new(
            Opts::new(
                "workflows_started_total",
                "Temporal workflows started, by type",
            ),
            &["workflow"],
        )?;
        let db_pool = IntGaugeVec::new(
            Opts::new(
                "db_pool_connections",
                "Database pool connections: open, idle, in use, and the maximum",
            ),
            &["state"],
        )?;
        for m in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(in_flight.clone()),
            Box::new(rate_limited.clone()),
            Box::new(workflows_started.clone()),
            Box::new(db_pool.clone()),
        ] {
            registry.register(m)?;
        }
        Ok(Metrics {
            registry,
            requests,
            latency,
            in_flight,
            rate_limited,
            workflows_started,
            db_pool,
        })
    }

    pub fn rate_limited(&self, route: &str) {
        self.rate_limited.with_label_values(&[route]).inc();
    }

    pub fn workflow_started(&self, workflow: &str) {
        self.workflows_started.with_label_values(&[workflow]).inc();
    }

    /// The text exposition, with the pool's gauges read now.
    pub fn render(&self, pool: &PgPool, max_connections: u32) -> String {
        let size = i64::from(pool.size());
        let idle = i64::try_from(pool.num_idle()).unwrap_or(i64::MAX);
        for (state, v) in [
            ("open", size),
            ("idle", idle),
            ("in_use", (size - idle).max(0)),
            ("max", i64::from(max_connections)),
        ] {
            self.db_pool.with_label_values(&[state]).set(v);
        }
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .unwrap_or_default();
        String::from_utf8(out).unwrap_or_default()
    }
}

/// The route template of a request (`/jobs/{id}`), never its path: ids would make one
/// series per resource.
pub fn route_of(req: &Request) -> String {
    req.extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into())
}

/// Middleware: count and time every request.
pub async fn track(req: Request, next: Next) -> Response {
    let Some(m) = get() else {
        return next.run(req).await;
    };
    let route = route_of(&req);
    let method = req.method().as_str().to_owned();
    m.in_flight.inc();
    let started = Instant::now();
    let res = next.run(req).await;
    m.in_flight.dec();
    m.latency
        .with_label_values(&[&method, &route])
        .observe(started.elapsed().as_secs_f64());
    m.requests
        .with_label_values(&[&method, &route, res.status().as_str()])
        .inc();
    res
}

/// Serve `GET /metrics` on `listener` until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, pool: PgPool, max_connections: u32) {
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let pool = pool.clone();
            async move {
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    get()
                        .map(|m| m.render(&pool, max_connections))
                        .unwrap_or_default(),
                )
            }
        }),
    );
    if let Err(e) = axum::serve(listener, app).await {
        tracing::error!(error = %e, "metrics listener stopped");
    }
}
