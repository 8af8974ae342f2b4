//! Logging set-up shared by the binaries: `RUST_LOG` filters, and
//! `SMARTRESUME_LOG_FORMAT=json` switches to one JSON object per line.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

pub fn init(log_format: &str) {
    init_with(
        log_format,
        "info,sqlx=warn,temporalio_sdk_core=warn,tower_http=info",
    );
}

/// Like [`init`], with the filter to use when `RUST_LOG` is unset.
pub fn init_with(log_format: &str, default_filter: &str) {
    // An empty RUST_LOG counts as unset.
    let filter = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .and_then(|v| EnvFilter::try_new(v).ok())
        .unwrap_or_else(|| EnvFilter::new(default_filter));
    let registry = tracing_subscriber::registry().with(filter);
    // A second init (tests) is harmless: keep the first subscriber.
    let _ = if log_format == "json" {
        registry
            .with(fmt::layer().json().flatten_event(true))
            .try_init()
    } else {
        registry.with(fmt::layer().compact()).try_init()
    };
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
