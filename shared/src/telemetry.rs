//! Logging and tracing set-up shared by the binaries.
//!
//! - `RUST_LOG` filters; `SMARTRESUME_LOG_FORMAT=json` gives one JSON object per line
//!   (with the fields of the spans it is in: `request_id`, `workflow_id`, ...).
//! - `OTEL_EXPORTER_OTLP_ENDPOINT` set: spans are exported over OTLP (HTTP, protobuf) to
//!   that collector: the `tracing` spans through `tracing-opentelemetry`, and the
//!   Temporal SDK's own (workflow starts, workflow runs, activities) through its
//!   OpenTelemetry plugin, which carries the trace context in Temporal headers. Unset:
//!   no exporter, nothing is recorded. The standard `OTEL_SERVICE_NAME`,
//!   `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_EXPORTER_OTLP_HEADERS` and `OTEL_BSP_*` apply.

use opentelemetry::{Context, KeyValue, baggage::BaggageExt, trace::TracerProvider as _};
use opentelemetry_sdk::{
    Resource,
    error::OTelSdkResult,
    trace::{BatchSpanProcessor, IdGenerator, SdkTracerProvider, Span, SpanData, SpanProcessor},
};
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// The baggage keys (W3C Baggage, carried with the trace context through Temporal
/// headers) that put the request's id and the workflow's id on every span and on the
/// activity log lines (see [`WithIds`]).
pub const REQUEST_ID: &str = "request_id";
pub const WORKFLOW_ID: &str = "workflow_id";

/// The variable that switches trace export on.
const OTLP_ENDPOINT_VAR: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";

static EXPORTING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether this process exports spans ([`init_traced`] with an endpoint): lets hot paths
/// skip what only a trace would use.
pub fn exporting() -> bool {
    EXPORTING.load(std::sync::atomic::Ordering::Relaxed)
}

/// The OTLP endpoint, when traces are to be exported.
fn otlp_endpoint() -> Option<String> {
    std::env::var(OTLP_ENDPOINT_VAR)
        .ok()
        .filter(|v| !v.trim().is_empty())
}

/// Keeps the tracer provider of [`init_traced`]; dropping it flushes the spans not yet
/// exported (a worker's last activities, a gateway's last requests).
#[must_use = "dropping the guard stops trace export"]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take()
            && let Err(e) = provider.shutdown()
        {
            eprintln!("flushing traces failed: {e}");
        }
    }
}

/// The crates whose `tracing` spans are exported as trace spans.
const OUR_CRATES: [&str; 7] = [
    "gateway",
    "activities",
    "workflows",
    "shared",
    "render",
    "engine",
    "text",
];

const DEFAULT_FILTER: &str = "info,sqlx=warn,temporalio_sdk_core=warn,tower_http=info";

/// Logs only (tests and tools): no trace export.
pub fn init(log_format: &str) {
    init_with(log_format, DEFAULT_FILTER);
}

/// Like [`init`], with the filter to use when `RUST_LOG` is unset.
pub fn init_with(log_format: &str, default_filter: &str) {
    install(log_format, default_filter, None);
}

/// Logs, and traces exported over OTLP when [`otlp_endpoint`] is set. `service` is the
/// default `service.name`; `ids` and `wrap` let the worker use the Temporal SDK's
/// replay-safe id generator and span processor (workflow spans keep their ids when a
/// workflow is replayed, and replayed spans are not exported twice).
pub fn init_traced<G, P>(
    log_format: &str,
    service: &'static str,
    ids: G,
    wrap: impl FnOnce(BatchSpanProcessor) -> P,
) -> anyhow::Result<Telemetry>
where
    G: IdGenerator + 'static,
    P: SpanProcessor + 'static,
{
    let Some(endpoint) = otlp_endpoint() else {
        init(log_format);
        return Ok(Telemetry { provider: None });
    };
    if let Ok(protocol) = std::env::var("OTEL_EXPORTER_OTLP_PROTOCOL")
        && !protocol.is_empty()
        && protocol != "http/protobuf"
    {
        anyhow::bail!(
            "OTEL_EXPORTER_OTLP_PROTOCOL={protocol} is not supported: traces are sent as http/protobuf (port 4318 on a collector)"
        );
    }
    use opentelemetry_otlp::WithExportConfig as _;
    // The exporter builds a (blocking) reqwest client: it needs the process's TLS provider.
    install_crypto_provider();
    // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT itself and appends `/v1/traces`.
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
        .build()
        .map_err(|e| anyhow::anyhow!("cannot export traces to {endpoint}: {e}"))?;
    let mut resource = Resource::builder();
    if std::env::var("OTEL_SERVICE_NAME").map_or(true, |v| v.is_empty()) {
        resource = resource.with_service_name(service);
    }
    let provider = SdkTracerProvider::builder()
        .with_resource(resource.build())
        .with_id_generator(ids)
        .with_span_processor(WithIds(wrap(BatchSpanProcessor::builder(exporter).build())))
        .build();
    opentelemetry::global::set_tracer_provider(provider.clone());
    let tracer = provider.tracer(service);
    install(log_format, DEFAULT_FILTER, Some(tracer));
    EXPORTING.store(true, std::sync::atomic::Ordering::Relaxed);
    tracing::info!(endpoint = %endpoint, service, "exporting traces over OTLP");
    Ok(Telemetry {
        provider: Some(provider),
    })
}

fn install(
    log_format: &str,
    default_filter: &str,
    tracer: Option<opentelemetry_sdk::trace::SdkTracer>,
) {
    // An empty RUST_LOG counts as unset.
    let filter = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .and_then(|v| EnvFilter::try_new(v).ok())
        .unwrap_or_else(|| EnvFilter::new(default_filter));
    // Only our own spans become trace spans: the SDK core's, hyper's, h2's and sqlx's
    // (at `RUST_LOG=info`, say) would bury a run's trace in polling noise. The Temporal
    // plugin's spans do not go through `tracing` and are not affected.
    let otel = tracer.map(|t| {
        tracing_opentelemetry::layer().with_tracer(t).with_filter(
            tracing_subscriber::filter::filter_fn(|meta| {
                OUR_CRATES.iter().any(|c| {
                    meta.target()
                        .strip_prefix(c)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
                })
            }),
        )
    });
    let registry = tracing_subscriber::registry().with(filter).with(otel);
    // A second init (tests) is harmless: keep the first subscriber.
    let _ = if log_format == "json" {
        registry
            .with(fmt::layer().json().flatten_event(true))
            .try_init()
    } else {
        registry.with(fmt::layer().compact()).try_init()
    };
}

/// Puts the request's id and the workflow's id on every span it forwards to `inner`.
///
/// `request_id` comes from the [`REQUEST_ID`] baggage of the span's parent context (the
/// gateway adds it; Temporal headers carry it into workflows and activities), unless the
/// span has one already. `workflow_id` is the span's own when it has one (our spans'
/// field, the Temporal SDK's `temporalWorkflowID`: a child workflow's spans name the
/// child), else the [`WORKFLOW_ID`] baggage (the workflow the request started).
#[derive(Debug)]
pub struct WithIds<P>(pub P);

const BAGGAGE_REQUEST_ID: &str = "smartresume.baggage.request_id";
const BAGGAGE_WORKFLOW_ID: &str = "smartresume.baggage.workflow_id";

impl<P: SpanProcessor> SpanProcessor for WithIds<P> {
    fn on_start(&self, span: &mut Span, cx: &Context) {
        use opentelemetry::trace::Span as _;
        let baggage = cx.baggage();
        for (key, stash) in [
            (REQUEST_ID, BAGGAGE_REQUEST_ID),
            (WORKFLOW_ID, BAGGAGE_WORKFLOW_ID),
        ] {
            if let Some(value) = baggage.get(key) {
                span.set_attribute(KeyValue::new(stash, value.to_string()));
            }
        }
        self.0.on_start(span, cx);
    }

    fn on_end(&self, mut span: SpanData) {
        let attrs = &mut span.attributes;
        let mut take = |key: &str| {
            let i = attrs.iter().position(|kv| kv.key.as_str() == key)?;
            Some(attrs.swap_remove(i).value)
        };
        let rid = take(BAGGAGE_REQUEST_ID);
        let wid = take(BAGGAGE_WORKFLOW_ID);
        let has = |attrs: &[KeyValue], key: &str| {
            attrs
                .iter()
                .find(|kv| kv.key.as_str() == key && !kv.value.as_str().is_empty())
                .map(|kv| kv.value.clone())
        };
        if has(attrs, REQUEST_ID).is_none()
            && let Some(rid) = rid
        {
            attrs.retain(|kv| kv.key.as_str() != REQUEST_ID);
            attrs.push(KeyValue::new(REQUEST_ID, rid));
        }
        if has(attrs, WORKFLOW_ID).is_none()
            && let Some(wid) = has(attrs, "temporalWorkflowID").or(wid)
        {
            attrs.retain(|kv| kv.key.as_str() != WORKFLOW_ID);
            attrs.push(KeyValue::new(WORKFLOW_ID, wid));
        }
        self.0.on_end(span);
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.0.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: std::time::Duration) -> OTelSdkResult {
        self.0.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.0.set_resource(resource);
    }
}

/// The current trace context with the request's and the workflow's ids added as
/// baggage: what the gateway starts, signals and queries workflows under.
pub fn context_with_ids(request_id: Option<&str>, workflow_id: &str) -> Context {
    let cx = Context::current();
    // Keep what baggage the caller sent (a `baggage` header), add ours.
    let mut entries: Vec<KeyValue> = cx
        .baggage()
        .iter()
        .filter(|(k, _)| k.as_str() != REQUEST_ID && k.as_str() != WORKFLOW_ID)
        .map(|(k, (v, _))| KeyValue::new(k.clone(), v.to_string()))
        .collect();
    if let Some(rid) = request_id.filter(|r| !r.is_empty()) {
        entries.push(KeyValue::new(REQUEST_ID, rid.to_owned()));
    }
    entries.push(KeyValue::new(WORKFLOW_ID, workflow_id.to_owned()));
    cx.with_baggage(entries)
}

/// The [`REQUEST_ID`] baggage of the current context, if any.
pub fn current_request_id() -> Option<String> {
    Context::current()
        .baggage()
        .get(REQUEST_ID)
        .map(|v| v.to_string())
}

/// Install the process-wide TLS crypto provider used by every HTTPS client
/// (reqwest is built without one so the whole workspace shares `ring`).
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A plain HTTPS-capable client (installs the crypto provider first).
pub fn http_client() -> anyhow::Result<reqwest::Client> {
    http_client_builder()
        .build()
        .map_err(|e| anyhow::anyhow!("cannot build an HTTP client: {e}"))
}

/// A client builder that is safe to `build()`: the crypto provider is installed.
pub fn http_client_builder() -> reqwest::ClientBuilder {
    install_crypto_provider();
    reqwest::Client::builder()
}
