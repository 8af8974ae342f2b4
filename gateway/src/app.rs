//! Application state and assembly: one `App` shared by every handler, with
//! an `Arc` inside so cloning the state is cheap.

use crate::{envelope, ratelimit::RateLimiter, routes, temporal::Temporal};
use anyhow::Context;
use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::{HeaderName, HeaderValue, Method, header},
    middleware,
};
use secrecy::ExposeSecret;
use shared::{
    auth::Verifier,
    config::Settings,
    storage::{BlobStore, UrlSigner},
};
use sqlx::PgPool;
use std::{ops::Deref, sync::Arc, time::Duration};
use tower_http::{
    catch_panic::CatchPanicLayer,
    cors::{AllowOrigin, CorsLayer},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    sensitive_headers::SetSensitiveRequestHeadersLayer,
    trace::TraceLayer,
};

pub struct App {
    pub settings: Settings,
    pub db: PgPool,
    pub auth: Verifier,
    pub temporal: Temporal,
    pub limiter: RateLimiter,
    pub blobs: Arc<dyn BlobStore>,
    /// Verifies the gateway's own download links (`/files/...`).
    pub signer: UrlSigner,
}

#[derive(Clone)]
pub struct AppState(pub Arc<App>);

impl Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}

impl AppState {
    /// Build the state from validated settings. Nothing here needs Postgres or
    /// Temporal to be up: both connect lazily and `/health` tells.
    pub fn from_settings(settings: Settings) -> anyhow::Result<AppState> {
        shared::telemetry::install_crypto_provider();
        let db = shared::db::connect(settings.database_url(), settings.database_max_connections)
            .context("database settings")?;
        let http = shared::telemetry::http_client_builder()
            .timeout(Duration::from_secs(10))
            .build()
            .context("http client")?;
        let auth = Verifier::new(
            shared::auth::AuthConfig {
                jwt_secret: settings.supabase_jwt_secret.clone(),
                jwks_url: settings
                    .supabase_jwks_url
                    .as_deref()
                    .map(url::Url::parse)
                    .transpose()
                    .context("SUPABASE_JWKS_URL")?,
                issuer: settings.supabase_jwt_issuer.clone(),
                audience: settings.jwt_audience.clone(),
                jwks_cache_ttl: settings.jwks_cache_ttl(),
                leeway_secs: 30,
            },
            http,
        );
        let temporal = Temporal::new(
            settings.temporal_url().map_err(anyhow::Error::msg)?,
            settings.temporal_namespace.clone(),
            settings.task_queue.clone(),
        );
        let limiter = RateLimiter::new(settings.rate_limit_per_minute);
        let blobs = shared::storage::from_settings(&settings)?;
        let signer = UrlSigner::new(settings.signing_key());
        Ok(AppState(Arc::new(App {
            settings,
            db,
            auth,
            temporal,
            limiter,
            blobs,
            signer,
        })))
    }

    /// Constant-time check of the n8n callback token.
    pub fn workflow_token_matches(&self, presented: &str) -> bool {
        use subtle::ConstantTimeEq;
        match &self.settings.workflow_token {
            Some(expected) => expected
                .expose_secret()
                .as_bytes()
                .ct_eq(presented.as_bytes())
                .into(),
            None => false,
        }
    }
}

/// The whole HTTP surface with its middleware stack.
pub fn router(state: AppState) -> Router {
    let x_request_id = HeaderName::from_static("x-request-id");
    let cors = cors_layer(&state.settings.frontend_origins());
    let json_limit = state.settings.json_body_limit;
    routes::routes(state.settings.upload_limit)
        .fallback(envelope::not_found)
        .layer(DefaultBodyLimit::max(json_limit))
        .layer(CatchPanicLayer::custom(envelope::panic_response))
        .layer(middleware::from_fn(envelope::finalize))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                let route = req
                    .extensions()
                    .get::<axum::extract::MatchedPath>()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_else(|| "unmatched".into());
                let request_id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                tracing::info_span!("http", method = %req.method(), route, request_id)
            }),
        )
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
        .layer(cors)
        .layer(SetSensitiveRequestHeadersLayer::new([
            header::AUTHORIZATION,
            HeaderName::from_static("x-workflow-token"),
        ]))
        .with_state(state)
}

fn cors_layer(origins: &[String]) -> CorsLayer {
    let base = CorsLayer::new()
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([HeaderName::from_static("x-request-id"), header::RETRY_AFTER])
        .max_age(Duration::from_secs(600));
    if origins.iter().any(|o| o == "*") {
        return base.allow_origin(AllowOrigin::any());
    }
    let list: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    base.allow_origin(list).allow_credentials(true)
}
