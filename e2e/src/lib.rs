//! The end-to-end test harness: one real stack per test binary.
//!
//! On first use it creates a fresh Postgres database (local Supabase bootstrap
//! and migrations), starts a Temporal dev server from the `temporal` binary on
//! PATH (or `TEMPORAL_CLI`) with our search attributes and dynamic config,
//! and runs the real worker and the real gateway (bound to 127.0.0.1:0) on a
//! dedicated thread that lives as long as the test process. Tests talk to it
//! like any client would: HTTP with bearer tokens.
//!
//! The dev server is started through `scripts/temporal-child`, which asks the
//! kernel to kill it when the harness thread (that is, the test process)
//! exits, so no server outlives a test run.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use anyhow::Context;
use secrecy::SecretString;
use serde_json::Value;
use shared::config::{Component, Settings};
use sqlx::PgPool;
use std::{
    path::PathBuf,
    sync::{OnceLock, mpsc},
    time::{Duration, Instant},
};
use temporalio_client::Client;
use temporalio_sdk::{
    Runtime,
    testing::{EphemeralExe, LocalWorkflowEnvironmentOptions, WorkflowEnvironment},
};
use uuid::Uuid;

pub mod faults;
pub mod http;
pub mod jwks;
pub mod moto;
pub mod openai;
pub mod otlp;
pub mod pages;
pub mod pinecone;

pub use http::{Reply, TestUser};

/// Everything a test needs to reach the running stack.
pub struct Stack {
    pub base_url: String,
    /// A fake n8n (real HTTP, wiremock) when the stack was started with n8n on.
    pub n8n: Option<wiremock::MockServer>,
    /// A fake OpenAI (real HTTP) when the stack runs on cloud providers.
    pub openai: Option<openai::FakeOpenAi>,
    /// A fake Pinecone index (real HTTP) when the stack runs on cloud providers.
    pub pinecone: Option<pinecone::FakePinecone>,
    /// S3 storage (moto) when the stack runs on cloud providers.
    pub s3: Option<moto::Moto>,
    /// Job posting pages on 127.0.0.1 (`/job.html`, `/plain.txt`, ...).
    pub pages: pages::PageServer,
    pub blob_dir: PathBuf,
    pub db_url: String,
    pub jwt_secret: String,
    pub workflow_token: String,
    pub temporal_target: String,
    pub task_queue: String,
    pub jwks: jwks::JwksServer,
    pub settings: Settings,
    http: reqwest::Client,
}

/// Extra worker registrations (benchmarks add a baseline workflow).
pub type Register =
    Box<dyn FnOnce(&mut temporalio_sdk::WorkerOptions) -> anyhow::Result<()> + Send>;

static STACK: OnceLock<Stack> = OnceLock::new();
static N8N_STACK: OnceLock<Stack> = OnceLock::new();
static CLOUD_STACK: OnceLock<Stack> = OnceLock::new();

/// Which providers a stack's worker uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// The embedded defaults.
    Local,
    /// Uploads and job URLs go to a fake n8n (wiremock).
    N8n,
    /// OpenAI and Pinecone, both fakes speaking their wire protocols.
    Cloud,
}

/// The shared stack, started on first use (embedded defaults, no n8n).
pub fn stack() -> &'static Stack {
    STACK.get_or_init(|| start(Flavor::Local, None).expect("start the end-to-end stack"))
}

/// A second stack whose worker hands uploads to a fake n8n (wiremock) and
/// waits for its callback for at most [`N8N_CALLBACK_TIMEOUT_SECS`].
pub fn n8n_stack() -> &'static Stack {
    N8N_STACK.get_or_init(|| start(Flavor::N8n, None).expect("start the n8n stack"))
}

/// A stack whose worker uses OpenAI and Pinecone (fakes on 127.0.0.1), and
/// gives up on a failing provider after [`CLOUD_RETRY_BUDGET_SECS`].
pub fn cloud_stack() -> &'static Stack {
    CLOUD_STACK.get_or_init(|| start(Flavor::Cloud, None).expect("start the cloud stack"))
}

pub const CLOUD_RETRY_BUDGET_SECS: u64 = 4;
/// The cloud stack's bucket on moto.
pub const CLOUD_BUCKET: &str = "smartresume-e2e";
/// Vector size of the fake OpenAI embeddings (the local embedder's).
pub const CLOUD_EMBEDDING_DIMS: usize = activities::embed::LOCAL_DIMS;

pub const N8N_CALLBACK_TIMEOUT_SECS: u64 = 4;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// `../shared/fixtures` next to the repository (or `FIXTURES_DIR`).
pub fn fixtures_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("FIXTURES_DIR") {
        return PathBuf::from(d);
    }
    let root = repo_root();
    for candidate in [
        root.join("../shared/fixtures"),
        root.join("shared/fixtures"),
    ] {
        if candidate.is_dir() {
            return candidate;
        }
    }
    root.join("../shared/fixtures")
}

pub fn fixture(rel: &str) -> Vec<u8> {
    let p = fixtures_dir().join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("fixture {}: {e}", p.display()))
}

pub fn fixture_text(rel: &str) -> String {
    String::from_utf8(fixture(rel)).expect("fixture is UTF-8")
}

/// The `temporal` CLI to run.
pub fn temporal_cli() -> String {
    if let Ok(p) = std::env::var("TEMPORAL_CLI") {
        return p;
    }
    let out = std::process::Command::new("sh")
        .args(["-c", "command -v temporal"])
        .output()
        .ok();
    out.and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "temporal".into())
}

/// Dev-server arguments from `temporal-config/` (shared with `scripts/dev`).
pub fn dev_server_args() -> Vec<String> {
    let dir = repo_root().join("temporal-config");
    let mut args = Vec::new();
    for (file, flag) in [
        ("search-attributes.txt", "--search-attribute"),
        ("dev-server.flags", "--dynamic-config-value"),
    ] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        for line in text.lines().map(str::trim) {
            if !line.is_empty() && !line.starts_with('#') {
                args.push(flag.to_string());
                args.push(line.to_string());
            }
        }
    }
    args
}

pub fn admin_db_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn db_url_for(name: &str) -> String {
    let mut u = url::Url::parse(&admin_db_url()).expect("TEST_DATABASE_URL is a URL");
    u.set_path(&format!("/{name}"));
    u.to_string()
}

/// Drop databases of earlier test processes that are gone.
async fn drop_stale_databases() -> anyhow::Result<()> {
    let admin = PgPool::connect(&admin_db_url()).await?;
    let names: Vec<String> =
        sqlx::query_scalar("select datname from pg_database where datname like 'sr_test_%'")
            .fetch_all(&admin)
            .await?;
    for name in names {
        let pid = name.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
        let alive = pid.is_some_and(|p| std::path::Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            let _ = sqlx::query(&format!("drop database if exists \"{name}\" with (force)"))
                .execute(&admin)
                .await;
        }
    }
    admin.close().await;
    Ok(())
}

/// A fresh, bootstrapped and migrated database; returns its URL.
pub async fn fresh_database(tag: &str) -> anyhow::Result<String> {
    let name = format!(
        "sr_test_{}_{}_{}",
        std::process::id(),
        tag,
        Uuid::new_v4().simple().to_string().get(..8).unwrap_or("x")
    );
    let url = db_url_for(&name);
    let pool = shared::db::prepare(&url, true).await?;
    pool.close().await;
    Ok(url)
}

/// Start a stack of one's own (a benchmark, say), leaked for the process.
pub fn start_stack(with_n8n: bool, register: Option<Register>) -> anyhow::Result<&'static Stack> {
    let flavor = if with_n8n { Flavor::N8n } else { Flavor::Local };
    Ok(Box::leak(Box::new(start(flavor, register)?)))
}

fn start(flavor: Flavor, register: Option<Register>) -> anyhow::Result<Stack> {
    // Quiet by default; RUST_LOG=info shows every request of the stack.
    shared::telemetry::init_with(
        &std::env::var("SMARTRESUME_LOG_FORMAT").unwrap_or_else(|_| "pretty".into()),
        "warn,gateway::envelope=error,tower_http=off",
    );
    let (tx, rx) = mpsc::channel::<anyhow::Result<Stack>>();
    std::thread::Builder::new()
        .name("e2e-stack".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = tx.send(Err(e.into()));
                    return;
                }
            };
            // The dev server is spawned from this thread (inside block_on), so
            // its parent-death signal fires when the process exits.
            rt.block_on(async move {
                match boot(flavor, register).await {
                    Ok((stack, env, mut worker)) => {
                        let _ = tx.send(Ok(stack));
                        if let Err(e) = worker.run().await {
                            eprintln!("e2e worker stopped: {e:?}");
                        }
                        drop(env);
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                    }
                }
            });
        })
        .context("spawn harness thread")?;
    rx.recv_timeout(Duration::from_secs(120))
        .context("the stack did not start within 120 s")?
}

type Booted = (
    Stack,
    (
        WorkflowEnvironment<temporalio_sdk::testing::LocalServer>,
        Runtime,
    ),
    temporalio_sdk::Worker,
);

pub fn free_port() -> anyhow::Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

async fn boot(flavor: Flavor, register: Option<Register>) -> anyhow::Result<Booted> {
    let with_n8n = flavor == Flavor::N8n;
    shared::telemetry::install_crypto_provider();
    drop_stale_databases().await.ok();
    let db_url = fresh_database("e2e").await?;

    let wrapper = repo_root().join("scripts/temporal-child");
    // The SDK gives the dev server 5 s to answer; on a loaded two-core machine (other
    // test binaries, builds) that is sometimes too short: try again on a new port.
    let mut attempt = 0;
    let (env, port) = loop {
        attempt += 1;
        let port = free_port()?;
        match WorkflowEnvironment::start_local(
            LocalWorkflowEnvironmentOptions::builder()
                .server_executable(EphemeralExe::ExistingPath(wrapper.display().to_string()))
                .port(port)
                .extra_args(dev_server_args())
                .build(),
        )
        .await
        {
            Ok(env) => break (env, port),
            Err(e) if attempt < 4 => {
                eprintln!("the Temporal dev server did not come up (attempt {attempt}): {e}");
            }
            Err(e) => {
                return Err(anyhow::Error::new(e).context(
                    "start the Temporal dev server (is `temporal` on PATH? run scripts/test)",
                ));
            }
        }
    };
    let client: Client = env.client().clone();
    let temporal_target = format!("http://127.0.0.1:{port}");

    let jwks = jwks::JwksServer::start().await?;
    let n8n = if with_n8n {
        let server = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::method("POST"))
            .respond_with(
                wiremock::ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!({ "ok": true })),
            )
            .mount(&server)
            .await;
        Some(server)
    } else {
        None
    };
    let openai = if flavor == Flavor::Cloud {
        let key = format!("sk-test-{}", Uuid::new_v4().simple());
        Some(openai::FakeOpenAi::start(&key, CLOUD_EMBEDDING_DIMS).await?)
    } else {
        None
    };
    let pinecone = if flavor == Flavor::Cloud {
        Some(pinecone::start(&format!("pc-test-{}", Uuid::new_v4().simple())).await?)
    } else {
        None
    };
    let s3 = if flavor == Flavor::Cloud {
        Some(moto::start(CLOUD_BUCKET).await?)
    } else {
        None
    };
    let pages = pages::PageServer::start(
        String::from_utf8(fixture("jobs/en_backend_engineer_ledgerline.html"))?,
        String::from_utf8(fixture("jobs/en_data_analyst_coastline.txt"))?,
    )
    .await?;
    let blob_dir = std::env::temp_dir().join(format!(
        "sr-e2e-blobs-{}-{}",
        std::process::id(),
        Uuid::new_v4().simple()
    ));
    let jwt_secret = format!("test-secret-{}", Uuid::new_v4().simple());
    let workflow_token = format!("wf-token-{}", Uuid::new_v4().simple());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let base_url = format!("http://{addr}");
    let task_queue = format!("smartresume-test-{}", std::process::id());

    let mut settings = Settings::from_figment(
        Settings::figment()
            .merge(("database_url", db_url.clone()))
            .merge(("temporal_address", temporal_target.clone()))
            .merge(("task_queue", task_queue.clone()))
            .merge(("supabase_jwt_secret", jwt_secret.clone()))
            .merge((
                "supabase_jwks_url",
                format!("{}/auth/v1/.well-known/jwks.json", jwks.base_url),
            ))
            .merge(("workflow_token", workflow_token.clone()))
            .merge(("public_url", base_url.clone()))
            .merge(("frontend_origin", "http://localhost:3000"))
            .merge(("rate_limit_per_minute", 100_000))
            .merge(("blob_dir", blob_dir.display().to_string()))
            .merge(("n8n_callback_timeout_secs", N8N_CALLBACK_TIMEOUT_SECS))
            // Test job pages are served from 127.0.0.1; everything else private stays refused.
            .merge(("fetch_allow", "127.0.0.1"))
            .merge(("fetch_timeout_secs", 5))
            .merge((
                "n8n_resume_webhook_url",
                n8n.as_ref().map(|s| format!("{}/webhook/resume", s.uri())),
            ))
            .merge((
                "n8n_job_webhook_url",
                n8n.as_ref().map(|s| format!("{}/webhook/job", s.uri())),
            ))
            .merge((
                "openai_api_key",
                openai.as_ref().map(|o| o.api_key().to_string()),
            ))
            .merge((
                "openai_base_url",
                openai
                    .as_ref()
                    .map(|o| o.base_url.clone())
                    .unwrap_or_else(|| "https://api.openai.com/v1".into()),
            ))
            .merge(("openai_embedding_dims", CLOUD_EMBEDDING_DIMS))
            .merge((
                "pinecone_api_key",
                pinecone.as_ref().map(|p| p.api_key().to_string()),
            ))
            .merge((
                "pinecone_index_host",
                pinecone.as_ref().map(pinecone::FakePinecone::url),
            ))
            .merge(("s3_endpoint", s3.as_ref().map(|m| m.url.clone())))
            .merge(("s3_bucket", s3.as_ref().map(|_| CLOUD_BUCKET)))
            .merge(("s3_access_key_id", s3.as_ref().map(|_| "AKIAE2ETEST")))
            .merge((
                "s3_secret_access_key",
                s3.as_ref().map(|_| "e2e-secret-access-key"),
            ))
            // The cloud stack's tests check how each provider failure ends a run, so
            // its model failures are not finished offline (the product's default,
            // tested with a worker of its own in `fallback.rs`).
            .merge((
                "llm_fallback",
                if flavor == Flavor::Cloud {
                    "fail"
                } else {
                    "offline"
                },
            ))
            .merge((
                "provider_retry_budget_secs",
                if flavor == Flavor::Cloud {
                    CLOUD_RETRY_BUDGET_SECS
                } else {
                    300
                },
            )),
        Component::Gateway,
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    settings.supabase_jwt_secret = Some(SecretString::from(jwt_secret.clone()));

    let deps = workflows::worker::deps(&settings)?;
    let runtime = Runtime::from_current_tokio(Default::default())?;
    let worker =
        workflows::worker::build_with(
            &runtime,
            client,
            &task_queue,
            &deps,
            |opts| match register {
                Some(r) => r(opts),
                None => Ok(()),
            },
        )?;

    let gw_settings = settings.clone();
    tokio::spawn(async move {
        if let Err(e) = gateway::serve(gw_settings, listener, std::future::pending()).await {
            eprintln!("e2e gateway stopped: {e:?}");
        }
    });

    let stack = Stack {
        base_url,
        n8n,
        openai,
        pinecone,
        s3,
        pages,
        blob_dir,
        db_url,
        jwt_secret,
        workflow_token,
        temporal_target,
        task_queue,
        jwks,
        settings,
        // No idle pooling: each test has its own tokio runtime, and a pooled
        // connection would belong to a runtime that is gone.
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(0)
            .build()?,
    };
    Ok((stack, (env, runtime), worker))
}

impl Stack {
    /// A service connection to the stack's database (bypasses RLS, like the worker).
    pub async fn db(&self) -> PgPool {
        PgPool::connect(&self.db_url)
            .await
            .expect("connect to the test database")
    }

    /// A signed-up user (row in `auth.users`) with a valid HS256 access token.
    pub async fn new_user(&self) -> TestUser {
        let id = Uuid::new_v4();
        let pool = self.db().await;
        let mut conn = pool.acquire().await.unwrap();
        shared::db::ensure_auth_user(&mut conn, id, Some(&format!("{id}@example.test")))
            .await
            .unwrap();
        drop(conn);
        pool.close().await;
        TestUser {
            id,
            token: self.token_for(id, Duration::from_secs(3600), serde_json::json!({})),
            base_url: self.base_url.clone(),
            http: self.http.clone(),
        }
    }

    pub fn token_for(&self, id: Uuid, ttl: Duration, extra: Value) -> String {
        shared::auth::mint_hs256(&self.jwt_secret, id, ttl, extra).expect("mint token")
    }

    /// A second gateway on the stack's database and Temporal, with settings
    /// changed by `tweak` (provisioning off, an unreachable Temporal, a small
    /// pool, ...). It runs on the calling test's runtime and stops with it;
    /// returns its base URL.
    pub async fn extra_gateway(&self, tweak: impl FnOnce(&mut Settings)) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind an extra gateway");
        let base_url = format!("http://{}", listener.local_addr().expect("local addr"));
        let mut settings = self.settings.clone();
        settings.public_url = base_url.clone();
        tweak(&mut settings);
        tokio::spawn(async move {
            if let Err(e) = gateway::serve(settings, listener, std::future::pending()).await {
                eprintln!("extra gateway stopped: {e:?}");
            }
        });
        base_url
    }

    /// A user with a valid token and no `auth.users` row: never seen by this
    /// database (or deleted from it).
    pub fn unknown_user(&self) -> TestUser {
        let id = Uuid::new_v4();
        TestUser {
            id,
            token: self.token_for(
                id,
                Duration::from_secs(3600),
                serde_json::json!({ "email": format!("{id}@example.test") }),
            ),
            base_url: self.base_url.clone(),
            http: self.http.clone(),
        }
    }

    pub fn anonymous(&self) -> TestUser {
        TestUser {
            id: Uuid::nil(),
            token: String::new(),
            base_url: self.base_url.clone(),
            http: self.http.clone(),
        }
    }

    /// A Temporal client on the stack's dev server.
    pub async fn temporal(&self) -> Client {
        let conn = temporalio_client::ConnectionOptions::new(
            url::Url::parse(&self.temporal_target).expect("temporal url"),
        )
        .identity("e2e-test".to_string())
        .build();
        Client::connect(
            conn,
            temporalio_client::ClientOptions::new("default").build(),
        )
        .await
        .expect("connect to temporal")
    }
}

/// Poll `f` until it returns `Some`, or panic after `timeout`.
pub async fn eventually<T, F, Fut>(timeout: Duration, what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = f().await {
            return v;
        }
        if start.elapsed() > timeout {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}
