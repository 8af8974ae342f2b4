//! Issue 13, scenario 2: the Temporal dev server SIGKILLed mid-run and started again on
//! its file-backed database (`--db-filename`, as `scripts/dev` runs it), twice. Every run
//! continues and completes once it is back, nothing is lost or duplicated, the scores
//! equal an undisturbed run's; while it is down the gateway answers 503 `unavailable`
//! naming `temporal` (never a 500, never a hang) and it recovers without a restart.
//!
//! Sizes: `CHAOS_USERS` (default 4). The figures it prints (`OUTAGE_RESULT {...}`) are
//! recorded in `RELIABILITY.md`; nothing here asserts a time.

use crate::chaos::{integrity, integrity_in, settle, submit};
use crate::worker_process::start_polling_worker;
use e2e::{TestUser, stack};
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A Temporal dev server of the test's own, on a fixed port and database file so it
/// can be killed and started again as the same server.
struct DevServer {
    port: u16,
    db_file: std::path::PathBuf,
    child: Option<Child>,
}

impl DevServer {
    fn start(port: u16, db_file: std::path::PathBuf) -> DevServer {
        let mut s = DevServer {
            port,
            db_file,
            child: None,
        };
        s.up();
        s
    }

    fn up(&mut self) {
        let child = Command::new(e2e::repo_root().join("scripts/temporal-child"))
            .env("TEMPORAL_CLI", e2e::temporal_cli())
            .args(["server", "start-dev", "--ip", "127.0.0.1", "--headless"])
            .args(["--port", &self.port.to_string()])
            .args(["--db-filename", &self.db_file.display().to_string()])
            .args(["--log-level", "error"])
            .args(e2e::dev_server_args())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the Temporal dev server");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(60);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "the dev server did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// SIGKILL by the pid this test started.
    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn target(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for DevServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// What a user sees while Temporal is down: starting work is 503 naming temporal, in
/// bounded time; health says 503; reading still works. Returns the slowest answer.
async fn probe_while_down(user: &TestUser, resume: &str, job: &str) -> Duration {
    let mut slowest = Duration::ZERO;
    let t = Instant::now();
    let r = user
        .post_json(
            "/jobs",
            &json!({ "resume_id": resume, "job_description": "Rust engineer\nMust have: Rust" }),
        )
        .await;
    slowest = slowest.max(t.elapsed());
    let e = r.expect_error(503, "unavailable");
    assert!(
        e["message"].as_str().unwrap_or("").contains("temporal"),
        "{e}"
    );
    let t = Instant::now();
    let h = user.get("/health").await;
    slowest = slowest.max(t.elapsed());
    assert_eq!(h.status.as_u16(), 503, "{}", h.text);
    assert!(h.text.contains("temporal"), "{}", h.text);
    let t = Instant::now();
    let g = user.get(&format!("/jobs/{job}")).await;
    slowest = slowest.max(t.elapsed());
    assert!(
        matches!(g.status.as_u16(), 200 | 503),
        "reading a job while Temporal is down: {} {}",
        g.status,
        g.text
    );
    slowest
}

struct Outcome {
    /// Total time the server was down, and when it last came back (from the start).
    down: Duration,
    last_up: Option<Duration>,
    scores: std::collections::BTreeMap<(usize, usize), Vec<i64>>,
    drain: Duration,
    slowest_answer_while_down: Duration,
    users: Vec<TestUser>,
}

async fn wave(users_n: usize, outages: usize) -> Outcome {
    let stack = stack();
    let dir = std::env::temp_dir().join(format!("sr-temporal-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = e2e::free_port().unwrap();
    let mut server = DevServer::start(port, dir.join("temporal.db"));
    let queue = format!("outage-{}", uuid::Uuid::new_v4());
    let mut worker = start_polling_worker(
        &server.target(),
        &stack.db_url,
        &queue,
        &stack.blob_dir,
        &[],
    );
    let (q, target) = (queue.clone(), server.target());
    let base = stack
        .extra_gateway(move |s| {
            s.task_queue = q;
            s.temporal_address = target;
            s.rate_limit_per_minute = 100_000;
        })
        .await;
    let mut users = Vec::new();
    for _ in 0..users_n {
        users.push(stack.new_user().await.on(&base));
    }

    let started = Instant::now();
    let jobs = submit(&users).await;
    let mut slowest = Duration::ZERO;
    let mut down = Duration::ZERO;
    let mut last_up = None;
    for i in 0..outages {
        tokio::time::sleep(Duration::from_millis(700)).await;
        let went_down = Instant::now();
        server.kill();
        if i == 0 {
            // The first outage lasts until every probe has had its answer.
            let first = &users[0];
            let resume = first.get("/resumes").await.expect(200)["items"][0]["id"]
                .as_str()
                .unwrap()
                .to_string();
            slowest = slowest.max(probe_while_down(first, &resume, &jobs[0].1).await);
        } else {
            // Later ones are short (about 3 s, as an operator's restart is).
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
        server.up();
        down += went_down.elapsed();
        last_up = Some(started.elapsed());
    }
    let (scores, drain) = settle(&users, &jobs, started).await;
    // The gateway recovered by itself: it starts work again.
    let h = users[0].get("/health").await;
    assert_eq!(h.status.as_u16(), 200, "{}", h.text);
    assert!(
        worker.try_wait().unwrap().is_none(),
        "the worker exited while Temporal was down"
    );
    let _ = worker.kill();
    let _ = worker.wait();
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
    Outcome {
        down,
        last_up,
        scores,
        drain,
        slowest_answer_while_down: slowest,
        users,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn temporal_restarted_mid_run_loses_nothing_and_the_gateway_says_503_meanwhile() {
    let users = std::env::var("CHAOS_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    let calm = wave(users, 0).await;
    let stormy = wave(users, 2).await;
    for w in [&calm, &stormy] {
        let wrong = integrity(&w.users).await;
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
    assert_eq!(calm.scores, stormy.scores);
    let optimisations: usize = stormy.scores.values().map(Vec::len).sum();
    eprintln!(
        "OUTAGE_RESULT {}",
        json!({
            "scenario": "temporal_restart",
            "users": users,
            "optimisations": optimisations,
            "outages": 2,
            "undisturbed_drain_s": calm.drain.as_secs_f64(),
            "disturbed_drain_s": stormy.drain.as_secs_f64(),
            "target_s": 2.0 * calm.drain.as_secs_f64() + 15.0,
            "slowest_answer_while_down_s": stormy.slowest_answer_while_down.as_secs_f64(),
            "down_s": stormy.down.as_secs_f64(),
            "drain_after_last_restart_s": stormy.last_up.map(|t| (stormy.drain - t).as_secs_f64()),
        })
    );
}

/// A Postgres cluster of the test's own (`initdb` on a free port, as `nobody` when the
/// test runs as root), so the machine's Postgres is never touched. Crashed with SIGQUIT
/// (Postgres' immediate shutdown: no checkpoint, crash recovery on the next start).
struct PgCluster {
    bin: std::path::PathBuf,
    dir: std::path::PathBuf,
    port: u16,
    child: Option<Child>,
}

fn pg_bin() -> std::path::PathBuf {
    let mut versions: Vec<_> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("the Postgres server binaries (/usr/lib/postgresql/*/bin)")
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .expect("initdb under /usr/lib/postgresql/*/bin")
}

fn as_postgres_user(program: &std::path::Path) -> Command {
    // SAFETY-free check of our own uid: root may not run Postgres.
    let root = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    if root {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--pdeathsig",
            "KILL",
        ])
        .arg(program);
        c
    } else {
        Command::new(program)
    }
}

impl PgCluster {
    fn start() -> PgCluster {
        let bin = pg_bin();
        let dir = std::env::temp_dir().join(format!("sr-pg-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let _ = std::os::unix::fs::chown(&dir, Some(65534), Some(65534));
        let out = as_postgres_user(&bin.join("initdb"))
            .args(["-D", &dir.join("data").display().to_string()])
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
            .output()
            .expect("run initdb");
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut c = PgCluster {
            bin,
            dir,
            port: e2e::free_port().unwrap(),
            child: None,
        };
        c.up();
        c
    }

    fn up(&mut self) {
        let child = as_postgres_user(&self.bin.join("postgres"))
            .args(["-D", &self.dir.join("data").display().to_string()])
            .args(["-p", &self.port.to_string()])
            .args(["-k", &self.dir.display().to_string()])
            .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start postgres");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let ready = Command::new(self.bin.join("pg_isready"))
                .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                break;
            }
            assert!(Instant::now() < deadline, "postgres did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Immediate shutdown, as a crash: SIGQUIT to the postmaster this test started.
    fn crash(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-QUIT", &c.id().to_string()])
                .status();
            let _ = c.wait();
        }
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/smartresume", self.port)
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        self.crash();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn pg_wave(users_n: usize, outage: bool) -> (Outcome, PgCluster) {
    let stack = stack();
    let mut pg = PgCluster::start();
    let db_url = pg.url();
    shared::db::prepare(&db_url, true)
        .await
        .expect("bootstrap and migrate the private cluster")
        .close()
        .await;
    let queue = format!("pg-outage-{}", uuid::Uuid::new_v4());
    let mut worker = start_polling_worker(
        &stack.temporal_target,
        &db_url,
        &queue,
        &stack.blob_dir,
        &[],
    );
    let (q, url) = (queue.clone(), db_url.clone());
    let base = stack
        .extra_gateway(move |s| {
            s.task_queue = q;
            s.database_url = secrecy::SecretString::from(url);
            s.rate_limit_per_minute = 100_000;
        })
        .await;
    let pool = sqlx::PgPool::connect(&db_url).await.unwrap();
    let mut users = Vec::new();
    for _ in 0..users_n {
        let id = uuid::Uuid::new_v4();
        let mut conn = pool.acquire().await.unwrap();
        shared::db::ensure_auth_user(&mut conn, id, Some(&format!("{id}@example.test")))
            .await
            .unwrap();
        let token = stack.token_for(id, Duration::from_secs(3600), json!({}));
        let mut u = stack.unknown_user().on(&base);
        u.id = id;
        u.token = token;
        users.push(u);
    }
    pool.close().await;

    let started = Instant::now();
    let jobs = submit(&users).await;
    let mut slowest = Duration::ZERO;
    let mut down = Duration::ZERO;
    let mut last_up = None;
    if outage {
        tokio::time::sleep(Duration::from_millis(700)).await;
        let went_down = Instant::now();
        pg.crash();
        // What a user sees meanwhile: 503 naming the database, in bounded time.
        let u = &users[0];
        for path in ["/resumes", &format!("/jobs/{}", jobs[0].1)] {
            let t = Instant::now();
            let r = u.get(path).await;
            slowest = slowest.max(t.elapsed());
            let e = r.expect_error(503, "unavailable");
            assert!(
                e["message"].as_str().unwrap_or("").contains("database"),
                "{e}"
            );
        }
        let t = Instant::now();
        let h = u.get("/health").await;
        slowest = slowest.max(t.elapsed());
        assert_eq!(h.status.as_u16(), 503, "{}", h.text);
        assert!(h.text.contains("database"), "{}", h.text);
        tokio::time::sleep(Duration::from_secs(2)).await;
        pg.up();
        down = went_down.elapsed();
        last_up = Some(started.elapsed());
    }
    let (scores, drain) = settle(&users, &jobs, started).await;
    let h = users[0].get("/health").await;
    assert_eq!(
        h.status.as_u16(),
        200,
        "recovered without a restart: {}",
        h.text
    );
    assert!(
        worker.try_wait().unwrap().is_none(),
        "the worker exited while the database was down"
    );
    let _ = worker.kill();
    let _ = worker.wait();
    (
        Outcome {
            down,
            last_up,
            scores,
            drain,
            slowest_answer_while_down: slowest,
            users,
        },
        pg,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarted_mid_run_loses_nothing_and_the_gateway_says_503_meanwhile() {
    let users = std::env::var("CHAOS_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    let (calm, calm_pg) = pg_wave(users, false).await;
    let (stormy, stormy_pg) = pg_wave(users, true).await;
    for (w, pg) in [(&calm, &calm_pg), (&stormy, &stormy_pg)] {
        let wrong = integrity_in(&pg.url(), &w.users).await;
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
    assert_eq!(calm.scores, stormy.scores);
    let optimisations: usize = stormy.scores.values().map(Vec::len).sum();
    eprintln!(
        "OUTAGE_RESULT {}",
        json!({
            "scenario": "postgres_restart",
            "users": users,
            "optimisations": optimisations,
            "outages": 1,
            "undisturbed_drain_s": calm.drain.as_secs_f64(),
            "disturbed_drain_s": stormy.drain.as_secs_f64(),
            "target_s": 2.0 * calm.drain.as_secs_f64() + 15.0,
            "slowest_answer_while_down_s": stormy.slowest_answer_while_down.as_secs_f64(),
            "down_s": stormy.down.as_secs_f64(),
            "drain_after_last_restart_s": stormy.last_up.map(|t| (stormy.drain - t).as_secs_f64()),
        })
    );
}
