//! Typed settings, loaded in layers and validated once at start-up.
//!
//! Layers, later ones win:
//! 1. built-in defaults (everything runs locally with no keys),
//! 2. an optional TOML file (`SMARTRESUME_CONFIG`, else `smartresume.toml` if present),
//! 3. the standard variables other tools also use (`DATABASE_URL`, `TEMPORAL_ADDRESS`,
//!    `SUPABASE_JWT_SECRET`, ...),
//! 4. `SMARTRESUME_<KEY>` variables (e.g. `SMARTRESUME_TASK_QUEUE`).
//!
//! Secrets are `SecretString`s: `Debug` prints `[REDACTED]`, and no error
//! message ever contains their value.

use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::{fmt, net::SocketAddr, path::PathBuf, time::Duration};
use url::Url;

/// Variables read without the `SMARTRESUME_` prefix, each mapped to the key of
/// the same name in lower case.
pub const STANDARD_ENV: &[&str] = &[
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_MODEL",
    "OPENAI_EMBEDDING_MODEL",
    "PINECONE_API_KEY",
    "PINECONE_INDEX_HOST",
    "PINECONE_API_VERSION",
    "S3_ENDPOINT",
    "S3_BUCKET",
    "S3_REGION",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_FORCE_PATH_STYLE",
    "N8N_RESUME_WEBHOOK_URL",
    "N8N_JOB_WEBHOOK_URL",
    "N8N_CALLBACK_TIMEOUT_SECS",
    "DATABASE_URL",
    "TEMPORAL_ADDRESS",
    "TEMPORAL_NAMESPACE",
    "SUPABASE_JWT_SECRET",
    "SUPABASE_JWKS_URL",
    "SUPABASE_JWT_ISSUER",
    "WORKFLOW_TOKEN",
    "FRONTEND_ORIGIN",
];

/// What a step does when the cloud LLM fails permanently (`SMARTRESUME_LLM_FALLBACK`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LlmFallback {
    /// Finish with the offline engine, with a warning (the default).
    #[default]
    Offline,
    /// End the run `failed` with the provider's reason.
    Fail,
}

/// `Serialize` exists only to hand the built-in defaults to figment; secret
/// fields are never serialised (`skip_serializing`: a missing field takes its
/// value from `Default` when read back), so no serialised form of the settings
/// can carry a secret.
#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Postgres connection string (service connection; the gateway narrows it
    /// per request with `set local role authenticated`).
    #[serde(skip_serializing)]
    pub database_url: SecretString,
    pub database_max_connections: u32,
    /// Apply `migrations/` at start-up (the local bootstrap is never applied here).
    pub run_migrations: bool,
    /// Create the `auth.users` row of a verified token's user the first time
    /// the gateway sees it. On by default because the embedded default is a
    /// plain Postgres with the local stand-in for `auth.users`, where nobody
    /// else creates those rows; turn it off on Supabase's own database (GoTrue
    /// creates the row at sign-up, and a deleted account must stay deleted).
    pub provision_users: bool,
    /// After SIGTERM the gateway answers `/readyz` with 503 for this long while it
    /// still serves requests, so a load balancer stops sending new ones before the
    /// listener closes (then in-flight requests finish: graceful shutdown).
    pub shutdown_drain_secs: u64,
    /// Where `/metrics` (Prometheus text format) is served, `host:port`, on a listener
    /// of its own, never the public one: the gateway's request metrics, or the worker's
    /// (the Temporal SDK's worker metrics and ours). Off when unset.
    pub metrics_bind: Option<String>,

    /// Temporal frontend, `host:port` or `http(s)://host:port`.
    pub temporal_address: String,
    pub temporal_namespace: String,
    pub task_queue: String,

    /// Supabase project JWT secret (HS256 access tokens).
    #[serde(skip_serializing)]
    pub supabase_jwt_secret: Option<SecretString>,
    /// Supabase JWKS endpoint (ES256/RS256 access tokens).
    pub supabase_jwks_url: Option<String>,
    /// Expected `iss`; unchecked when unset.
    pub supabase_jwt_issuer: Option<String>,
    pub jwt_audience: String,

    /// Shared secret n8n sends in `X-Workflow-Token`; callbacks answer 401 while unset.
    #[serde(skip_serializing)]
    pub workflow_token: Option<SecretString>,

    /// Allowed CORS origins, comma separated (`*` allows any origin, without credentials).
    pub frontend_origin: String,

    /// Gateway listen address.
    pub bind: String,
    /// Public base URL of the gateway (signed file URLs, n8n callback URLs).
    pub public_url: String,
    /// Maximum JSON request body in bytes.
    pub json_body_limit: usize,
    /// Maximum upload size in bytes.
    pub upload_limit: usize,
    /// Per-user requests per minute on routes that start work; 0 disables.
    pub rate_limit_per_minute: u32,

    /// `pretty` or `json`.
    pub log_format: String,

    /// Local blob storage root (originals, generated PDFs).
    pub blob_dir: String,
    /// Key for the gateway's signed download links; required once
    /// `SMARTRESUME_PUBLIC_URL` is not a local address.
    #[serde(skip_serializing)]
    pub signing_key: Option<SecretString>,
    /// Lifetime of signed download links, seconds.
    pub download_url_ttl_secs: u64,

    /// n8n webhook that parses uploaded resumes; the local extractor is used when unset.
    pub n8n_resume_webhook_url: Option<String>,
    /// n8n webhook that scrapes job pages; the local fetcher is used when unset.
    pub n8n_job_webhook_url: Option<String>,
    /// How long a workflow waits for the n8n callback before falling back, seconds.
    pub n8n_callback_timeout_secs: u64,
    /// Timeout of the webhook request itself, seconds.
    pub n8n_request_timeout_secs: u64,

    /// Hosts or CIDRs job URLs may point to although they are private or
    /// loopback (comma separated); empty = only public addresses.
    pub fetch_allow: String,
    /// Timeout for fetching a job page, seconds.
    pub fetch_timeout_secs: u64,

    /// OpenAI (or any OpenAI-compatible server): set the key to use it for
    /// parsing, analysis, generation and embeddings instead of the offline engine.
    #[serde(skip_serializing)]
    pub openai_api_key: Option<SecretString>,
    pub openai_base_url: String,
    pub openai_model: String,
    pub openai_embedding_model: String,
    pub openai_embedding_dims: usize,
    pub openai_timeout_secs: u64,
    /// USD per million prompt / completion tokens, for cost estimates.
    pub openai_prompt_price_per_1m: f64,
    /// USD per million prompt tokens served from OpenAI's prompt cache
    /// (`usage.prompt_tokens_details.cached_tokens`).
    pub openai_cached_prompt_price_per_1m: f64,
    pub openai_completion_price_per_1m: f64,
    /// How long an activity keeps retrying a failing provider (HTTP 5xx,
    /// timeouts, 429s) before it gives up and the job is marked failed,
    /// seconds. At most 400, so it always ends before the activities'
    /// schedule-to-close timeouts (600 s and more) would.
    pub provider_retry_budget_secs: u64,
    /// When the cloud LLM fails for good (no quota, a wrong key or model, answers
    /// that never fit the schema, the retry budget spent): `offline` finishes the
    /// step with the offline engine and says so in the run's warnings and token
    /// usage; `fail` ends the run `failed` with the reason.
    pub llm_fallback: LlmFallback,

    /// Pinecone: set both to store vectors there instead of Postgres.
    #[serde(skip_serializing)]
    pub pinecone_api_key: Option<SecretString>,
    pub pinecone_index_host: Option<String>,
    pub pinecone_api_version: String,

    /// S3-compatible storage (Supabase Storage's S3 endpoint): set endpoint,
    /// bucket and keys to keep files there instead of `SMARTRESUME_BLOB_DIR`.
    pub s3_endpoint: Option<String>,
    pub s3_bucket: Option<String>,
    pub s3_region: String,
    pub s3_access_key_id: Option<String>,
    #[serde(skip_serializing)]
    pub s3_secret_access_key: Option<SecretString>,
    pub s3_force_path_style: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: SecretString::from("postgres://postgres@127.0.0.1:5432/smartresume"),
            database_max_connections: 10,
            run_migrations: true,
            provision_users: true,
            shutdown_drain_secs: 5,
            metrics_bind: None,
            temporal_address: "http://127.0.0.1:7233".into(),
            temporal_namespace: "default".into(),
            task_queue: "smartresume".into(),
            supabase_jwt_secret: None,
            supabase_jwks_url: None,
            supabase_jwt_issuer: None,
            jwt_audience: "authenticated".into(),
            workflow_token: None,
            frontend_origin: "http://localhost:3000".into(),
            bind: "0.0.0.0:8080".into(),
            public_url: "http://localhost:8080".into(),
            json_body_limit: 2 * 1024 * 1024,
            upload_limit: 10 * 1024 * 1024,
            rate_limit_per_minute: 120,
            log_format: "pretty".into(),
            blob_dir: "./data/blobs".into(),
            signing_key: None,
            download_url_ttl_secs: 900,
            n8n_resume_webhook_url: None,
            n8n_job_webhook_url: None,
            n8n_callback_timeout_secs: 300,
            n8n_request_timeout_secs: 15,
            fetch_allow: String::new(),
            fetch_timeout_secs: 15,
            openai_api_key: None,
            openai_base_url: "https://api.openai.com/v1".into(),
            openai_model: "gpt-4o-mini".into(),
            openai_embedding_model: "text-embedding-3-small".into(),
            openai_embedding_dims: 1536,
            openai_timeout_secs: 60,
            openai_prompt_price_per_1m: 0.15,
            openai_cached_prompt_price_per_1m: 0.075,
            openai_completion_price_per_1m: 0.60,
            provider_retry_budget_secs: 300,
            llm_fallback: LlmFallback::Offline,
            pinecone_api_key: None,
            pinecone_index_host: None,
            pinecone_api_version: "2025-04".into(),
            s3_endpoint: None,
            s3_bucket: None,
            s3_region: "us-east-1".into(),
            s3_access_key_id: None,
            s3_secret_access_key: None,
            s3_force_path_style: true,
        }
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field(
                "database_url",
                &redact_url(self.database_url.expose_secret()),
            )
            .field("database_max_connections", &self.database_max_connections)
            .field("temporal_address", &self.temporal_address)
            .field("temporal_namespace", &self.temporal_namespace)
            .field("task_queue", &self.task_queue)
            .field(
                "supabase_jwt_secret",
                &self.supabase_jwt_secret.as_ref().map(|_| "[REDACTED]"),
            )
            .field("supabase_jwks_url", &self.supabase_jwks_url)
            .field("supabase_jwt_issuer", &self.supabase_jwt_issuer)
            .field(
                "workflow_token",
                &self.workflow_token.as_ref().map(|_| "[REDACTED]"),
            )
            .field("frontend_origin", &self.frontend_origin)
            .field("bind", &self.bind)
            .field("public_url", &self.public_url)
            .field(
                "openai_api_key",
                &self.openai_api_key.as_ref().map(|_| "[REDACTED]"),
            )
            .field(
                "pinecone_api_key",
                &self.pinecone_api_key.as_ref().map(|_| "[REDACTED]"),
            )
            .field(
                "s3_secret_access_key",
                &self.s3_secret_access_key.as_ref().map(|_| "[REDACTED]"),
            )
            .field("providers", &self.providers())
            .finish_non_exhaustive()
    }
}

/// A URL with any password replaced, for logs.
pub fn redact_url(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.to_string()
        }
        Err(_) => "<unparsable url>".into(),
    }
}

/// The implementation behind each capability, as `/health` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Providers {
    /// `offline` or `openai:<model>`
    pub llm: String,
    /// `local` or `openai:<model>`
    pub embeddings: String,
    /// `postgres` or `pinecone`
    pub vectors: String,
    /// `local` or `s3`
    pub storage: String,
    /// `local` or `n8n`
    pub resume_parsing: String,
    /// `local` or `n8n`
    pub job_scraping: String,
}

/// Which binary is starting; each needs a different subset of settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Component {
    Gateway,
    Worker,
    Tool,
}

/// Every problem found, one line each, naming the variable to fix.
#[derive(Debug)]
pub struct ConfigError {
    pub problems: Vec<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "invalid configuration:")?;
        for p in &self.problems {
            writeln!(f, "  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

impl Settings {
    /// Load from the process environment (and the optional file).
    pub fn load(component: Component) -> Result<Settings, ConfigError> {
        Self::from_figment(Self::figment(), component)
    }

    /// The layered sources, exposed so tests can add `Serialized` overrides.
    pub fn figment() -> Figment {
        let mut fig = Figment::from(Serialized::defaults(Settings::default()));
        let file = std::env::var_os("SMARTRESUME_CONFIG")
            .map(PathBuf::from)
            .or_else(|| {
                let p = PathBuf::from("smartresume.toml");
                p.exists().then_some(p)
            });
        if let Some(file) = file {
            fig = fig.merge(Toml::file_exact(file));
        }
        fig.merge(
            Env::raw()
                .only(STANDARD_ENV)
                .map(|k| k.as_str().to_lowercase().into()),
        )
        .merge(
            Env::prefixed("SMARTRESUME_")
                .ignore(&["CONFIG"])
                .map(|k| k.as_str().to_lowercase().into()),
        )
    }

    pub fn from_figment(fig: Figment, component: Component) -> Result<Settings, ConfigError> {
        let mut settings: Settings = fig.extract().map_err(|e| ConfigError {
            problems: e.into_iter().map(|e| describe_figment_error(&e)).collect(),
        })?;
        settings.blank_means_unset();
        settings.validate(component)?;
        Ok(settings)
    }

    /// `FOO=` (as docker-compose passes an unset `${FOO:-}`) means "not set".
    fn blank_means_unset(&mut self) {
        fn text(v: &mut Option<String>) {
            if v.as_deref().is_some_and(|s| s.trim().is_empty()) {
                *v = None;
            }
        }
        fn secret(v: &mut Option<SecretString>) {
            if v.as_ref()
                .is_some_and(|s| s.expose_secret().trim().is_empty())
            {
                *v = None;
            }
        }
        for v in [
            &mut self.supabase_jwks_url,
            &mut self.supabase_jwt_issuer,
            &mut self.n8n_resume_webhook_url,
            &mut self.n8n_job_webhook_url,
            &mut self.pinecone_index_host,
            &mut self.s3_endpoint,
            &mut self.s3_bucket,
            &mut self.s3_access_key_id,
        ] {
            text(v);
        }
        for v in [
            &mut self.supabase_jwt_secret,
            &mut self.workflow_token,
            &mut self.signing_key,
            &mut self.openai_api_key,
            &mut self.pinecone_api_key,
            &mut self.s3_secret_access_key,
        ] {
            secret(v);
        }
    }

    /// One message per bad value; all problems are reported together.
    pub fn validate(&self, component: Component) -> Result<(), ConfigError> {
        let mut problems = Vec::new();
        if !(1..=400).contains(&self.provider_retry_budget_secs) {
            problems.push(format!(
                "SMARTRESUME_PROVIDER_RETRY_BUDGET_SECS: must be between 1 and 400, got {}",
                self.provider_retry_budget_secs
            ));
        }
        match Url::parse(self.database_url.expose_secret()) {
            Ok(u) if matches!(u.scheme(), "postgres" | "postgresql") => {}
            _ => problems.push(
                "DATABASE_URL: must be a postgres:// URL, e.g. postgres://postgres@127.0.0.1:5432/smartresume"
                    .to_string(),
            ),
        }
        if self.database_max_connections == 0 {
            problems.push("SMARTRESUME_DATABASE_MAX_CONNECTIONS: must be at least 1".into());
        }
        if let Err(e) = self.temporal_url() {
            problems.push(format!("TEMPORAL_ADDRESS: {e}"));
        }
        if self.temporal_namespace.trim().is_empty() {
            problems.push("TEMPORAL_NAMESPACE: must not be empty".into());
        }
        if self.task_queue.trim().is_empty() {
            problems.push("SMARTRESUME_TASK_QUEUE: must not be empty".into());
        }
        if !matches!(self.log_format.as_str(), "pretty" | "json") {
            problems.push(format!(
                "SMARTRESUME_LOG_FORMAT: must be \"pretty\" or \"json\", not {:?}",
                self.log_format
            ));
        }
        for (var, value) in [
            ("N8N_RESUME_WEBHOOK_URL", &self.n8n_resume_webhook_url),
            ("N8N_JOB_WEBHOOK_URL", &self.n8n_job_webhook_url),
        ] {
            if let Some(u) = value {
                match Url::parse(u) {
                    Ok(u) if matches!(u.scheme(), "http" | "https") => {}
                    _ => problems.push(format!("{var}: {u:?} is not an http(s) URL")),
                }
            }
        }
        if self.openai_api_key.is_some() {
            match Url::parse(&self.openai_base_url) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => {}
                _ => problems.push(format!(
                    "OPENAI_BASE_URL: {:?} is not an http(s) URL",
                    self.openai_base_url
                )),
            }
            if self.openai_model.trim().is_empty() {
                problems.push("OPENAI_MODEL: must not be empty".into());
            }
            if self.openai_embedding_model.trim().is_empty() {
                problems.push("OPENAI_EMBEDDING_MODEL: must not be empty".into());
            }
        }
        match (&self.pinecone_api_key, &self.pinecone_index_host) {
            (Some(_), None) => {
                problems.push("PINECONE_INDEX_HOST: required when PINECONE_API_KEY is set".into())
            }
            (None, Some(_)) => {
                problems.push("PINECONE_API_KEY: required when PINECONE_INDEX_HOST is set".into())
            }
            (Some(_), Some(h)) => match Url::parse(h) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => {}
                _ => problems.push(format!("PINECONE_INDEX_HOST: {h:?} is not an http(s) URL")),
            },
            (None, None) => {}
        }
        let s3_parts = [
            ("S3_ENDPOINT", self.s3_endpoint.is_some()),
            ("S3_BUCKET", self.s3_bucket.is_some()),
            ("S3_ACCESS_KEY_ID", self.s3_access_key_id.is_some()),
            ("S3_SECRET_ACCESS_KEY", self.s3_secret_access_key.is_some()),
        ];
        if s3_parts.iter().any(|(_, set)| *set) {
            for (var, set) in s3_parts {
                if !set {
                    problems.push(format!("{var}: required when S3 storage is configured (S3_ENDPOINT, S3_BUCKET and the keys)"));
                }
            }
            if let Some(e) = &self.s3_endpoint
                && !matches!(
                    Url::parse(e).map(|u| u.scheme().to_string()).as_deref(),
                    Ok("http" | "https")
                )
            {
                problems.push(format!("S3_ENDPOINT: {e:?} is not an http(s) URL"));
            }
        }
        if self.n8n_callback_timeout_secs == 0 {
            problems.push("N8N_CALLBACK_TIMEOUT_SECS: must be at least 1".into());
        }
        if self.blob_dir.trim().is_empty() {
            problems.push("SMARTRESUME_BLOB_DIR: must not be empty".into());
        }
        if self.download_url_ttl_secs == 0 || self.download_url_ttl_secs > 7 * 24 * 3600 {
            problems.push("SMARTRESUME_DOWNLOAD_URL_TTL_SECS: must be between 1 and 604800".into());
        }
        match Url::parse(&self.public_url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {
                let local = matches!(
                    u.host_str(),
                    Some("localhost" | "127.0.0.1" | "[::1]" | "::1")
                );
                if !local && self.signing_key.is_none() && component != Component::Tool {
                    problems.push(
                        "SMARTRESUME_SIGNING_KEY: required when SMARTRESUME_PUBLIC_URL is not a local address (it signs download links)"
                            .into(),
                    );
                }
            }
            _ => problems.push(format!(
                "SMARTRESUME_PUBLIC_URL: {:?} is not an http(s) URL",
                self.public_url
            )),
        }
        if let Some(k) = &self.signing_key
            && k.expose_secret().len() < 16
        {
            problems.push("SMARTRESUME_SIGNING_KEY: too short (at least 16 characters)".into());
        }
        if let Some(m) = &self.metrics_bind
            && m.parse::<SocketAddr>().is_err()
        {
            problems.push(format!(
                "SMARTRESUME_METRICS_BIND: {m:?} is not a socket address like 0.0.0.0:9464"
            ));
        }
        if component == Component::Gateway {
            if self.supabase_jwt_secret.is_none() && self.supabase_jwks_url.is_none() {
                problems.push(
                    "SUPABASE_JWT_SECRET or SUPABASE_JWKS_URL: set at least one so access tokens can be verified"
                        .into(),
                );
            }
            if let Some(s) = &self.supabase_jwt_secret
                && s.expose_secret().len() < 16
            {
                problems.push("SUPABASE_JWT_SECRET: too short (at least 16 characters)".into());
            }
            if let Some(u) = &self.supabase_jwks_url {
                match Url::parse(u) {
                    Ok(u) if matches!(u.scheme(), "http" | "https") => {}
                    _ => problems.push(format!("SUPABASE_JWKS_URL: {u:?} is not an http(s) URL")),
                }
            }
            if let Some(t) = &self.workflow_token
                && t.expose_secret().len() < 16
            {
                problems.push("WORKFLOW_TOKEN: too short (at least 16 characters)".into());
            }
            if self.bind.parse::<SocketAddr>().is_err() {
                problems.push(format!(
                    "SMARTRESUME_BIND: {:?} is not a socket address like 0.0.0.0:8080",
                    self.bind
                ));
            }
            for origin in self.frontend_origins() {
                if origin != "*" && http_origin(&origin).is_none() {
                    problems.push(format!(
                        "FRONTEND_ORIGIN: {origin:?} is not an origin like https://app.example.com"
                    ));
                }
            }
            if self.json_body_limit < 1024 {
                problems.push("SMARTRESUME_JSON_BODY_LIMIT: must be at least 1024 bytes".into());
            }
            if self.upload_limit < 1024 {
                problems.push("SMARTRESUME_UPLOAD_LIMIT: must be at least 1024 bytes".into());
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError { problems })
        }
    }

    /// The Temporal frontend as a URL (`host:port` gets `http://`).
    pub fn temporal_url(&self) -> Result<Url, String> {
        let raw = self.temporal_address.trim();
        let with_scheme = if raw.contains("://") {
            raw.to_string()
        } else {
            format!("http://{raw}")
        };
        match Url::parse(&with_scheme) {
            Ok(u)
                if matches!(u.scheme(), "http" | "https")
                    && u.host().is_some()
                    && u.port_or_known_default().is_some() =>
            {
                Ok(u)
            }
            _ => Err(format!(
                "{raw:?} is not an address like 127.0.0.1:7233 or http://temporal:7233"
            )),
        }
    }

    pub fn frontend_origins(&self) -> Vec<String> {
        self.frontend_origin
            .split(',')
            .map(|s| s.trim().trim_end_matches('/').to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }

    pub fn database_url(&self) -> &str {
        self.database_url.expose_secret()
    }

    /// The key that signs download links (a fixed development key when unset,
    /// which validation only allows for a local public URL).
    pub fn signing_key(&self) -> SecretString {
        self.signing_key
            .clone()
            .unwrap_or_else(|| SecretString::from("smartresume-local-development-signing-key"))
    }

    /// `SMARTRESUME_PUBLIC_URL`, parsed (start-up validation has already checked it).
    pub fn public_url(&self) -> anyhow::Result<Url> {
        Url::parse(&self.public_url).map_err(|e| {
            anyhow::anyhow!(
                "SMARTRESUME_PUBLIC_URL: {:?} is not a URL: {e}",
                self.public_url
            )
        })
    }

    /// Which implementation serves each capability (never a secret).
    pub fn providers(&self) -> Providers {
        let openai = self.openai_api_key.is_some();
        Providers {
            llm: if openai {
                format!("openai:{}", self.openai_model)
            } else {
                "offline".into()
            },
            embeddings: if openai {
                format!("openai:{}", self.openai_embedding_model)
            } else {
                "local".into()
            },
            vectors: if self.pinecone_api_key.is_some() {
                "pinecone"
            } else {
                "postgres"
            }
            .into(),
            storage: if self.s3_bucket.is_some() {
                "s3"
            } else {
                "local"
            }
            .into(),
            resume_parsing: if self.n8n_resume_webhook_url.is_some() {
                "n8n"
            } else {
                "local"
            }
            .into(),
            job_scraping: if self.n8n_job_webhook_url.is_some() {
                "n8n"
            } else {
                "local"
            }
            .into(),
        }
    }

    pub fn fetch_allow_list(&self) -> Vec<String> {
        self.fetch_allow
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    pub fn download_url_ttl(&self) -> Duration {
        Duration::from_secs(self.download_url_ttl_secs)
    }

    pub fn jwks_cache_ttl(&self) -> Duration {
        Duration::from_secs(600)
    }
}

fn http_origin(s: &str) -> Option<Url> {
    let u = Url::parse(s).ok()?;
    (matches!(u.scheme(), "http" | "https") && u.host().is_some() && u.path() == "/").then_some(u)
}

/// Figment errors name the key; map it back to the variable a person sets.
fn describe_figment_error(e: &figment::Error) -> String {
    let key = e.path.last().cloned().unwrap_or_default();
    let var = if key.is_empty() {
        "configuration".to_string()
    } else if STANDARD_ENV.iter().any(|v| v.eq_ignore_ascii_case(&key)) {
        key.to_uppercase()
    } else {
        format!("SMARTRESUME_{}", key.to_uppercase())
    };
    let what = match &e.kind {
        figment::error::Kind::InvalidType(actual, expected) => {
            // Never echo the value: it may be a secret in the wrong variable.
            format!("expected {expected}, found {}", actual_kind(actual))
        }
        figment::error::Kind::UnknownField(field, _) => {
            return format!(
                "SMARTRESUME_{}: unknown setting (a typo? see the README's table; also checked in the config file)",
                field.to_uppercase()
            );
        }
        other => other.to_string(),
    };
    format!("{var}: {what}")
}

fn actual_kind(a: &figment::error::Actual) -> &'static str {
    use figment::error::Actual;
    match a {
        Actual::Bool(_) => "a boolean",
        Actual::Str(_) | Actual::Char(_) => "text",
        Actual::Unsigned(_) | Actual::Signed(_) => "an integer",
        Actual::Float(_) => "a number",
        Actual::Map => "a table",
        Actual::Seq => "a list",
        _ => "another kind of value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&str, &str)], component: Component) -> Result<Settings, ConfigError> {
        let mut fig = Figment::from(Serialized::defaults(Settings::default()));
        for (k, v) in pairs {
            fig = fig.merge((k.to_string(), v.to_string()));
        }
        Settings::from_figment(fig, component)
    }

    #[test]
    fn defaults_are_valid_for_the_worker() {
        let s = with(&[], Component::Worker).unwrap();
        assert_eq!(s.task_queue, "smartresume");
        assert_eq!(s.temporal_url().unwrap().as_str(), "http://127.0.0.1:7233/");
    }

    #[test]
    fn gateway_needs_a_way_to_verify_tokens() {
        let err = with(&[], Component::Gateway).unwrap_err();
        assert!(
            err.to_string()
                .contains("SUPABASE_JWT_SECRET or SUPABASE_JWKS_URL"),
            "{err}"
        );
        with(
            &[("supabase_jwt_secret", "0123456789abcdef0123")],
            Component::Gateway,
        )
        .unwrap();
    }

    #[test]
    fn every_bad_value_is_reported_once_with_its_variable() {
        let err = with(
            &[
                ("database_url", "mysql://x"),
                ("temporal_address", "not an address"),
                ("supabase_jwt_secret", "x9Q-s3cr"),
                ("frontend_origin", "https://ok.example, nope"),
                ("log_format", "xml"),
            ],
            Component::Gateway,
        )
        .unwrap_err();
        let text = err.to_string();
        for var in [
            "DATABASE_URL",
            "TEMPORAL_ADDRESS",
            "SUPABASE_JWT_SECRET",
            "FRONTEND_ORIGIN",
            "SMARTRESUME_LOG_FORMAT",
        ] {
            assert_eq!(text.matches(var).count(), 1, "{var} in:\n{text}");
        }
        assert!(!text.contains("x9Q-s3cr"), "secret value leaked: {text}");
    }

    #[test]
    fn wrong_types_name_the_variable_without_echoing_the_value() {
        let err = with(
            &[("database_max_connections", "lots-of-secret")],
            Component::Worker,
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("SMARTRESUME_DATABASE_MAX_CONNECTIONS"),
            "{text}"
        );
        assert!(!text.contains("lots-of-secret"), "{text}");
    }

    #[test]
    fn keys_switch_capabilities_to_cloud_providers() {
        let local = with(&[], Component::Worker).unwrap().providers();
        assert_eq!(
            (
                local.llm.as_str(),
                local.vectors.as_str(),
                local.storage.as_str()
            ),
            ("offline", "postgres", "local")
        );
        let cloud = with(
            &[
                ("openai_api_key", "sk-test-0123456789"),
                ("pinecone_api_key", "pc-key"),
                ("pinecone_index_host", "https://idx-abc.svc.pinecone.io"),
                ("s3_endpoint", "https://proj.supabase.co/storage/v1/s3"),
                ("s3_bucket", "resumes"),
                ("s3_access_key_id", "AKIA"),
                ("s3_secret_access_key", "s3-secret-value"),
            ],
            Component::Worker,
        )
        .unwrap();
        let p = cloud.providers();
        assert_eq!(p.llm, "openai:gpt-4o-mini");
        assert_eq!(p.embeddings, "openai:text-embedding-3-small");
        assert_eq!((p.vectors.as_str(), p.storage.as_str()), ("pinecone", "s3"));
        let dbg = format!("{cloud:?}");
        assert!(
            !dbg.contains("sk-test") && !dbg.contains("s3-secret-value") && !dbg.contains("pc-key"),
            "{dbg}"
        );
    }

    #[test]
    fn half_configured_providers_are_reported() {
        let err = with(
            &[("s3_bucket", "b"), ("pinecone_api_key", "k")],
            Component::Worker,
        )
        .unwrap_err();
        let text = err.to_string();
        for var in [
            "S3_ENDPOINT",
            "S3_ACCESS_KEY_ID",
            "S3_SECRET_ACCESS_KEY",
            "PINECONE_INDEX_HOST",
        ] {
            assert!(text.contains(var), "{var} in:\n{text}");
        }
    }

    #[test]
    fn empty_values_mean_unset() {
        let s = with(
            &[
                ("openai_api_key", ""),
                ("s3_bucket", " "),
                ("n8n_resume_webhook_url", ""),
            ],
            Component::Worker,
        )
        .unwrap();
        assert_eq!(s.providers().llm, "offline");
        assert_eq!(s.providers().storage, "local");
        assert_eq!(s.providers().resume_parsing, "local");
    }

    #[test]
    fn a_misspelt_setting_is_reported() {
        let err = with(&[("task_queeu", "x")], Component::Worker).unwrap_err();
        assert!(err.to_string().contains("SMARTRESUME_TASK_QUEEU"), "{err}");
    }

    #[test]
    fn debug_never_prints_secrets() {
        let s = Settings {
            database_url: SecretString::from("postgres://app:hunter2@db:5432/x"),
            supabase_jwt_secret: Some(SecretString::from("super-secret-jwt-value")),
            workflow_token: Some(SecretString::from("super-secret-token-value")),
            ..Settings::default()
        };
        let dbg = format!("{s:?}");
        assert!(
            !dbg.contains("hunter2") && !dbg.contains("super-secret"),
            "{dbg}"
        );
    }

    #[test]
    fn serialising_settings_never_writes_a_secret() {
        let s = Settings {
            database_url: SecretString::from("postgres://app:hunter2@db:5432/x"),
            supabase_jwt_secret: Some(SecretString::from("super-secret-jwt-value")),
            workflow_token: Some(SecretString::from("super-secret-token-value")),
            signing_key: Some(SecretString::from("super-secret-signing-key")),
            openai_api_key: Some(SecretString::from("sk-super-secret")),
            pinecone_api_key: Some(SecretString::from("pc-super-secret")),
            s3_secret_access_key: Some(SecretString::from("s3-super-secret")),
            ..Settings::default()
        };
        let json = serde_json::to_string(&s).unwrap();
        let toml = toml_like(&s);
        for text in [&json, &toml] {
            assert!(
                !text.contains("hunter2") && !text.contains("super-secret"),
                "{text}"
            );
        }
        // Still loadable: the defaults figment starts from lose nothing.
        let back = with(&[], Component::Worker).unwrap();
        assert_eq!(
            back.database_url(),
            "postgres://postgres@127.0.0.1:5432/smartresume"
        );
    }

    /// What figment's `Serialized` provider sees of the settings.
    fn toml_like(s: &Settings) -> String {
        format!(
            "{:?}",
            figment::Provider::data(&Figment::from(Serialized::defaults(s.clone())))
        )
    }

    #[test]
    fn provisioning_users_is_on_by_default_and_a_bad_value_names_the_variable() {
        assert!(with(&[], Component::Worker).unwrap().provision_users);
        let off = Settings::from_figment(
            Figment::from(Serialized::defaults(Settings::default()))
                .merge(("provision_users", false)),
            Component::Worker,
        )
        .unwrap();
        assert!(!off.provision_users);
        let err = with(&[("provision_users", "maybe")], Component::Worker).unwrap_err();
        assert!(
            err.to_string().contains("SMARTRESUME_PROVISION_USERS"),
            "{err}"
        );
    }

    #[test]
    fn the_llm_fallback_is_offline_unless_set_to_fail() {
        let d = with(&[], Component::Worker).unwrap();
        assert_eq!(d.llm_fallback, LlmFallback::Offline);
        let fail = with(&[("llm_fallback", "fail")], Component::Worker).unwrap();
        assert_eq!(fail.llm_fallback, LlmFallback::Fail);
        let err = with(&[("llm_fallback", "sometimes")], Component::Worker).unwrap_err();
        assert!(
            err.to_string().contains("SMARTRESUME_LLM_FALLBACK"),
            "{err}"
        );
    }

    #[test]
    fn temporal_address_accepts_host_port() {
        let s = with(&[("temporal_address", "temporal:7233")], Component::Worker).unwrap();
        assert_eq!(s.temporal_url().unwrap().as_str(), "http://temporal:7233/");
    }
}
