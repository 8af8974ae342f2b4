//! Application state: one `App` shared by every handler, with an `Arc`
//! inside so cloning the state is cheap. Built from validated settings;
//! nothing here needs Postgres or Temporal to be up.

use crate::{provision::Provisioner, ratelimit::RateLimiter, temporal::Temporal};
use anyhow::Context;
use secrecy::ExposeSecret;
use shared::{
    auth::Verifier,
    config::Settings,
    storage::{BlobStore, UrlSigner},
};
use sqlx::PgPool;
use std::{ops::Deref, sync::Arc, time::Duration};

pub struct App {
    pub settings: Settings,
    pub db: PgPool,
    pub auth: Verifier,
    pub temporal: Temporal,
    pub limiter: RateLimiter,
    /// Creates `auth.users` rows for never-seen users (`SMARTRESUME_PROVISION_USERS`).
    pub users: Provisioner,
    pub blobs: Arc<dyn BlobStore>,
    /// Verifies the gateway's own download links (`/files/...`).
    pub signer: UrlSigner,
    /// Set on SIGTERM: `/readyz` answers 503 while the gateway drains.
    pub draining: std::sync::atomic::AtomicBool,
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
    /// Build the state from validated settings.
    pub fn from_settings(settings: Settings) -> anyhow::Result<AppState> {
        Ok(AppState(Arc::new(App::from_settings(settings)?)))
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

impl App {
    /// Every part from validated settings (tests may swap a part before
    /// wrapping it in [`AppState`]). Nothing here needs Postgres or Temporal
    /// to be up: both connect lazily and `/health` tells.
    pub fn from_settings(settings: Settings) -> anyhow::Result<App> {
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
        let users = Provisioner::new(settings.provision_users);
        let blobs = shared::storage::from_settings(&settings)?;
        let signer = UrlSigner::new(settings.signing_key());
        Ok(App {
            settings,
            db,
            auth,
            temporal,
            limiter,
            users,
            blobs,
            signer,
            draining: std::sync::atomic::AtomicBool::new(false),
        })
    }
}
