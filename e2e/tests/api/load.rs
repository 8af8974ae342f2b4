//! Issue 13, scenario 8: sustained mixed load on the real programs — the `gateway` and
//! `worker` binaries as child processes, the Temporal dev server, Postgres — then a
//! drain. Several users, each with a few concurrent clients, loop for `LOAD_SECONDS`
//! over a mix of reads (a job, the job list, a resume, a job's runs) and requests that
//! start work (text jobs, uploads, refines), as fast as the answers come.
//!
//! What must hold: no error at all (no 5xx, no transport error, no status the request
//! should not get); 429 only on routes that start work, always with `Retry-After` (the
//! clients honour it, as the frontend does); every accepted job, upload and refine
//! reaches an end (`complete` or `failed`) — nothing lost, nothing duplicated in the
//! database. The figures (`LOAD_RESULT {...}`: rate, latency percentiles per kind of
//! request, the gateway's CPU per request and peak RSS, the drain) go in
//! `RELIABILITY.md`; the test asserts no time.
//!
//! Sizes: `LOAD_SECONDS` (default 8), `LOAD_USERS` (4), `LOAD_CLIENTS` per user (3),
//! `LOAD_RATE_LIMIT` per user and minute on routes that start work (10: low enough that the
//! bounded run surely reaches it), `LOAD_SEED`.
//! `scripts/load` runs it for 60 s on release builds.

use crate::chaos::JOBS;
use crate::worker_process::start_polling_worker;
use e2e::{TestUser, fixture, fixture_text, stack};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const UPLOADS: [&str; 4] = [
    "resumes/en_backend_maya_lindqvist.pdf",
    "resumes/ar_accountant_sara_almansouri.docx",
    "resumes/en_data_analyst_hannah_castellanos.txt",
    "resumes/bilingual_network_engineer_yousef_alzoubi.txt",
];
fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    GetJob,
    ListJobs,
    GetResume,
    ListRuns,
    CreateJob,
    Upload,
    Refine,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::GetJob => "GET /jobs/{id}",
            Kind::ListJobs => "GET /jobs?limit=20",
            Kind::GetResume => "GET /resumes/{id}",
            Kind::ListRuns => "GET /jobs/{id}/optimizations",
            Kind::CreateJob => "POST /jobs (text)",
            Kind::Upload => "POST /resumes/upload",
            Kind::Refine => "POST /jobs/{id}/refine",
        }
    }

    /// Routes that start work count against the per-user rate limit.
    fn starts_work(self) -> bool {
        matches!(self, Kind::CreateJob | Kind::Upload | Kind::Refine)
    }

    fn success(self) -> u16 {
        if self.starts_work() { 202 } else { 200 }
    }
}

/// xorshift64*: the same seed, the same choices.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

/// One user's world, shared by its clients.
struct UserState {
    user: TestUser,
    resume_id: String,
    jobs: Mutex<Vec<String>>,
    resumes: Mutex<Vec<String>>,
}

#[derive(Default)]
struct Tally {
    latencies: BTreeMap<Kind, Vec<Duration>>,
    limited: BTreeMap<Kind, usize>,
    errors: Vec<String>,
    error_count: usize,
    /// Accepted work: (user slot, job id, refined).
    jobs: Vec<(usize, String, bool)>,
    uploads: Vec<(usize, String)>,
}

impl Tally {
    fn error(&mut self, what: String) {
        self.error_count += 1;
        if self.errors.len() < 20 {
            self.errors.push(what);
        }
    }
}

/// The `gateway` binary as a child process on a free port (with more environment in
/// `env`); returns it and its base URL once `/livez` answers.
pub(crate) async fn start_gateway(
    queue: &str,
    rate_limit: u64,
    env: &[(String, String)],
) -> (Child, String) {
    let s = stack();
    let port = e2e::free_port().expect("a free port");
    let base_url = format!("http://127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sr-gateway"))
        .env("DATABASE_URL", &s.db_url)
        .env("TEMPORAL_ADDRESS", &s.temporal_target)
        .env("SUPABASE_JWT_SECRET", &s.jwt_secret)
        .env("SMARTRESUME_TASK_QUEUE", queue)
        .env("SMARTRESUME_BIND", format!("127.0.0.1:{port}"))
        .env("SMARTRESUME_PUBLIC_URL", &base_url)
        .env("SMARTRESUME_BLOB_DIR", &s.blob_dir)
        .env("SMARTRESUME_RUN_MIGRATIONS", "false")
        .env("SMARTRESUME_RATE_LIMIT_PER_MINUTE", rate_limit.to_string())
        .env("SMARTRESUME_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the gateway binary");
    // Its log is read (and dropped) so that a full pipe never blocks it.
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    for out in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let log = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let mut log = log.lock().unwrap();
                if log.len() < 200 && !line.contains("\"INFO\"") {
                    log.push(line);
                }
            }
        });
    }
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = http.get(format!("{base_url}/livez")).send().await
            && r.status().is_success()
        {
            return (child, base_url);
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "the gateway exited ({status}):\n{}",
                log.lock().unwrap().join("\n")
            );
        }
        assert!(
            Instant::now() < deadline,
            "the gateway never answered /livez"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// CPU seconds (user + system) a process of ours has used so far, and its peak RSS in
/// MiB (Linux `/proc`).
fn cpu_and_peak(pid: u32) -> (f64, f64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 (1-based), i.e. 11 and 12 after the name.
    let cpu = (ticks(11) + ticks(12)) / 100.0;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let peak_kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    (cpu, peak_kib / 1024.0)
}

/// Seed a user: a parsed resume and one completed job, so reads have something to read.
async fn seed(user: TestUser, slot: usize) -> UserState {
    let text = fixture_text(UPLOADS[2 + slot % 2]);
    let created = user.create_text_resume("load", &text).await;
    let resume_id = created["resume"]["id"].as_str().unwrap().to_string();
    user.wait_parsed(&resume_id).await;
    let r = user
        .post_json(
            "/jobs",
            &json!({ "resume_id": resume_id, "job_description": fixture_text(JOBS[slot % JOBS.len()]) }),
        )
        .await;
    let job = r.expect(202)["id"].as_str().unwrap().to_string();
    e2e::eventually(Duration::from_secs(120), "the seed job", || async {
        let d = user.get(&format!("/jobs/{job}")).await;
        (d.expect(200)["status"] == "complete").then_some(())
    })
    .await;
    UserState {
        user,
        resume_id: resume_id.clone(),
        jobs: Mutex::new(vec![job]),
        resumes: Mutex::new(vec![resume_id]),
    }
}

/// One client of one user: loops until `until`, choosing requests with `rng`.
async fn client(
    slot: usize,
    state: Arc<UserState>,
    tally: Arc<Mutex<Tally>>,
    until: Instant,
    mut rng: Rng,
) {
    let u = &state.user;
    // Jobs this client created, and whether it refined them already.
    let mut own: Vec<(String, bool)> = Vec::new();
    let mut blocked_until = Instant::now();
    while Instant::now() < until {
        let roll = rng.below(100);
        let mut kind = match roll {
            0..35 => Kind::GetJob,
            35..50 => Kind::ListJobs,
            50..62 => Kind::GetResume,
            62..70 => Kind::ListRuns,
            70..85 => Kind::CreateJob,
            85..93 => Kind::Upload,
            _ => Kind::Refine,
        };
        // A client that was told to wait does only reads until Retry-After has passed.
        if kind.starts_work() && Instant::now() < blocked_until {
            kind = Kind::GetJob;
        }
        let pick = |v: &Mutex<Vec<String>>, r: u64| {
            let v = v.lock().unwrap();
            v[(r as usize) % v.len()].clone()
        };
        let mut refining = None;
        if kind == Kind::Refine {
            // Refine a job of this client's that completed and was not refined yet (a
            // second refine while one runs would be a documented 409, not load). Whether
            // it completed is read first, and that read counts as a read.
            match own.iter().position(|(_, refined)| !refined) {
                None => kind = Kind::GetJob,
                Some(i) => {
                    let sent = Instant::now();
                    let d = u.get(&format!("/jobs/{}", own[i].0)).await;
                    let took = sent.elapsed();
                    let mut t = tally.lock().unwrap();
                    if d.status.as_u16() != 200 {
                        t.error(format!(
                            "GET /jobs/{}: HTTP {} {}",
                            own[i].0, d.status, d.text
                        ));
                        continue;
                    }
                    t.latencies.entry(Kind::GetJob).or_default().push(took);
                    if d.data()["status"] != "complete" {
                        continue;
                    }
                    refining = Some(i);
                }
            }
        }
        let (path, request) = match kind {
            Kind::GetJob => {
                let id = pick(&state.jobs, rng.below(1 << 20));
                let p = format!("/jobs/{id}");
                (p.clone(), u.request(Method::GET, &p))
            }
            Kind::ListJobs => {
                let p = "/jobs?limit=20".to_string();
                (p.clone(), u.request(Method::GET, &p))
            }
            Kind::GetResume => {
                let id = pick(&state.resumes, rng.below(1 << 20));
                let p = format!("/resumes/{id}");
                (p.clone(), u.request(Method::GET, &p))
            }
            Kind::ListRuns => {
                let id = pick(&state.jobs, rng.below(1 << 20));
                let p = format!("/jobs/{id}/optimizations");
                (p.clone(), u.request(Method::GET, &p))
            }
            Kind::CreateJob => {
                let text = fixture_text(JOBS[rng.below(JOBS.len() as u64) as usize]);
                let body = json!({ "resume_id": state.resume_id, "job_description": text });
                (
                    "/jobs".to_string(),
                    u.request(Method::POST, "/jobs").json(&body),
                )
            }
            Kind::Upload => {
                let file = UPLOADS[rng.below(UPLOADS.len() as u64) as usize];
                let name = file.rsplit('/').next().unwrap().to_string();
                let form = reqwest::multipart::Form::new().part(
                    "file",
                    reqwest::multipart::Part::bytes(fixture(file)).file_name(name),
                );
                (
                    "/resumes/upload".to_string(),
                    u.request(Method::POST, "/resumes/upload").multipart(form),
                )
            }
            Kind::Refine => {
                let i = refining.expect("chosen above");
                let p = format!("/jobs/{}/refine", own[i].0);
                (p.clone(), u.request(Method::POST, &p).json(&json!({})))
            }
        };
        let sent = Instant::now();
        let res = request.send().await;
        let took = sent.elapsed();
        let res = match res {
            Ok(r) => r,
            Err(e) => {
                tally
                    .lock()
                    .unwrap()
                    .error(format!("{} {path}: transport: {e}", kind.name()));
                continue;
            }
        };
        let status = res.status().as_u16();
        let retry_after = res
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let text = res.text().await.unwrap_or_default();
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let mut t = tally.lock().unwrap();
        if status == kind.success() {
            t.latencies.entry(kind).or_default().push(took);
            match kind {
                Kind::CreateJob => {
                    let id = body["data"]["id"].as_str().unwrap_or_default().to_string();
                    state.jobs.lock().unwrap().push(id.clone());
                    own.push((id.clone(), false));
                    t.jobs.push((slot, id, false));
                }
                Kind::Upload => {
                    let id = body["data"]["resume"]["id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string();
                    state.resumes.lock().unwrap().push(id.clone());
                    t.uploads.push((slot, id));
                }
                Kind::Refine => {
                    let i = refining.expect("chosen above");
                    own[i].1 = true;
                    let id = own[i].0.clone();
                    if let Some(j) = t.jobs.iter_mut().find(|(_, j, _)| *j == id) {
                        j.2 = true;
                    }
                }
                _ => {}
            }
        } else if status == 429
            && kind.starts_work()
            && body["error"]["code"] == "rate_limited"
            && retry_after.is_some_and(|s| s >= 1)
        {
            *t.limited.entry(kind).or_default() += 1;
            blocked_until = Instant::now() + Duration::from_secs(retry_after.unwrap_or(1));
        } else {
            t.error(format!(
                "{} {path}: HTTP {status} (Retry-After {retry_after:?}) {}",
                kind.name(),
                text.chars().take(300).collect::<String>()
            ));
        }
    }
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sustained_mixed_load_loses_nothing_and_limits_only_where_configured() {
    let seconds = env_u64("LOAD_SECONDS", 8);
    let users_n = env_u64("LOAD_USERS", 4) as usize;
    let clients = env_u64("LOAD_CLIENTS", 3) as usize;
    let rate_limit = env_u64("LOAD_RATE_LIMIT", 10);
    let rng_seed = env_u64("LOAD_SEED", 20261203);
    let s = stack();
    let queue = format!("load-{}", uuid::Uuid::new_v4());
    let mut worker = start_polling_worker(&s.temporal_target, &s.db_url, &queue, &s.blob_dir, &[]);
    let (mut gateway, base_url) = start_gateway(&queue, rate_limit, &[]).await;

    let mut seeded = Vec::new();
    for slot in 0..users_n {
        let user = s.new_user().await.on(&base_url);
        seeded.push(tokio::spawn(seed(user, slot)));
    }
    let mut states = Vec::new();
    for h in seeded {
        states.push(Arc::new(h.await.expect("seed a user")));
    }

    let tally = Arc::new(Mutex::new(Tally::default()));
    let (cpu0, _) = cpu_and_peak(gateway.id());
    let (wcpu0, _) = cpu_and_peak(worker.id());
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for (slot, st) in states.iter().enumerate() {
        for c in 0..clients {
            let rng = Rng((rng_seed ^ ((slot * 131 + c) as u64).wrapping_mul(0x9E37_79B9)) | 1);
            tasks.push(tokio::spawn(client(
                slot,
                st.clone(),
                tally.clone(),
                until,
                rng,
            )));
        }
    }
    for t in tasks {
        t.await.expect("a load client panicked");
    }
    let window = started.elapsed();
    let (cpu1, gateway_peak_mib) = cpu_and_peak(gateway.id());
    let (wcpu1, _) = cpu_and_peak(worker.id());

    // Drain: every accepted job (with its refine) and every upload reaches an end.
    let tally = Arc::try_unwrap(tally).ok().unwrap().into_inner().unwrap();
    let drain_started = Instant::now();
    let deadline = drain_started + Duration::from_secs(900);
    let mut failed_runs;
    let mut pending: Vec<String>;
    loop {
        pending = Vec::new();
        failed_runs = 0;
        for (slot, id, refined) in &tally.jobs {
            let d = states[*slot].user.get(&format!("/jobs/{id}")).await;
            assert_eq!(d.status.as_u16(), 200, "GET /jobs/{id}: {}", d.text);
            let d = d.data();
            let runs = d["run_count"].as_i64().unwrap_or(0);
            let want = if *refined { 2 } else { 1 };
            match d["status"].as_str().unwrap_or("") {
                "complete" | "failed" if runs == want => {
                    if d["status"] == "failed" {
                        failed_runs += 1;
                    }
                }
                other => pending.push(format!("job {id}: {other}, run {runs} of {want}")),
            }
        }
        for (slot, id) in &tally.uploads {
            let d = states[*slot].user.get(&format!("/resumes/{id}")).await;
            assert_eq!(d.status.as_u16(), 200, "GET /resumes/{id}: {}", d.text);
            let status = d.data()["parse_status"].as_str().unwrap_or("").to_string();
            match status.as_str() {
                "parsed" if d.data()["embedding_status"] != "pending" => {}
                "failed" => failed_runs += 1,
                other => pending.push(format!("upload {id}: {other}")),
            }
        }
        if pending.is_empty() || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let drain = drain_started.elapsed();
    let _ = gateway.kill();
    let _ = gateway.wait();
    let _ = worker.kill();
    let _ = worker.wait();

    // The database holds exactly what was accepted: no lost and no duplicated rows.
    let pool = sqlx::PgPool::connect(&s.db_url).await.unwrap();
    let ids: Vec<uuid::Uuid> = states.iter().map(|st| st.user.id).collect();
    let jobs_in_db: i64 = sqlx::query_scalar("select count(*) from jobs where user_id = any($1)")
        .bind(&ids)
        .fetch_one(&pool)
        .await
        .unwrap();
    let runs_in_db: i64 =
        sqlx::query_scalar("select count(*) from optimizations where user_id = any($1)")
            .bind(&ids)
            .fetch_one(&pool)
            .await
            .unwrap();
    let resumes_in_db: i64 =
        sqlx::query_scalar("select count(*) from resumes where user_id = any($1)")
            .bind(&ids)
            .fetch_one(&pool)
            .await
            .unwrap();
    let versions_in_db: i64 =
        sqlx::query_scalar("select count(*) from resume_versions where user_id = any($1)")
            .bind(&ids)
            .fetch_one(&pool)
            .await
            .unwrap();
    let duplicate_runs: i64 = sqlx::query_scalar(
        "select count(*) from (select job_id, run_no from optimizations where user_id = any($1)
         group by job_id, run_no having count(*) > 1) x",
    )
    .bind(&ids)
    .fetch_one(&pool)
    .await
    .unwrap();
    let refines = tally.jobs.iter().filter(|j| j.2).count();

    let requests: usize = tally.latencies.values().map(Vec::len).sum::<usize>()
        + tally.limited.values().sum::<usize>()
        + tally.error_count;
    let mut by_kind = serde_json::Map::new();
    let mut all = Vec::new();
    for (kind, v) in &tally.latencies {
        let mut v = v.clone();
        v.sort();
        all.extend(v.iter().copied());
        by_kind.insert(
            kind.name().to_string(),
            json!({
                "ok": v.len(),
                "limited_429": tally.limited.get(kind).copied().unwrap_or(0),
                "p50_ms": pct(&v, 0.5), "p95_ms": pct(&v, 0.95), "p99_ms": pct(&v, 0.99),
                "max_ms": pct(&v, 1.0),
            }),
        );
    }
    all.sort();
    let gateway_cpu = cpu1 - cpu0;
    let result = json!({
        "scenario": "sustained_load",
        "seconds": window.as_secs_f64(),
        "users": users_n,
        "clients": users_n * clients,
        "rate_limit_per_minute": rate_limit,
        "requests": requests,
        "requests_per_s": requests as f64 / window.as_secs_f64(),
        "p50_ms": pct(&all, 0.5), "p95_ms": pct(&all, 0.95), "p99_ms": pct(&all, 0.99),
        "errors": tally.error_count,
        "limited_429": tally.limited.values().sum::<usize>(),
        "accepted": { "jobs": tally.jobs.len(), "refines": refines, "uploads": tally.uploads.len() },
        "failed_runs": failed_runs,
        "drain_s": drain.as_secs_f64(),
        "gateway_cpu_ms_per_request": gateway_cpu * 1000.0 / requests.max(1) as f64,
        "gateway_peak_rss_mib": gateway_peak_mib,
        "worker_cpu_s": wcpu1 - wcpu0,
        "by_kind": by_kind,
    });
    println!("LOAD_RESULT {result}");

    assert!(
        tally.error_count == 0,
        "{} errors under load, first ones:\n{}",
        tally.error_count,
        tally.errors.join("\n")
    );
    assert!(
        pending.is_empty(),
        "not finished {drain:?} after the load stopped: {pending:?}"
    );
    assert!(
        !tally.jobs.is_empty() && !tally.uploads.is_empty(),
        "the load started no work: {result}"
    );
    assert!(
        tally.limited.values().sum::<usize>() > 0,
        "the clients never reached the configured limit ({rate_limit}/min); the scenario did not test it: {result}"
    );
    assert_eq!(
        jobs_in_db as usize,
        users_n + tally.jobs.len(),
        "jobs in the database against jobs accepted (plus one seeded per user)"
    );
    assert_eq!(
        runs_in_db as usize,
        users_n + tally.jobs.len() + refines,
        "optimisation runs in the database against runs accepted"
    );
    assert_eq!(
        (resumes_in_db as usize, versions_in_db as usize),
        (users_n + tally.uploads.len(), users_n + tally.uploads.len()),
        "resumes and versions in the database against uploads accepted"
    );
    assert_eq!(duplicate_runs, 0, "duplicate optimisation runs");
    // Nothing in the offline engine fails on these fixtures: a failed run is a lost result.
    assert_eq!(
        failed_runs, 0,
        "runs that ended failed under load: {result}"
    );
}
