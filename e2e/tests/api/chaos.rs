//! Issue 13, scenario 1: the `worker` binary SIGKILLed at random points while users
//! upload resumes, create text jobs and refine them, and restarted after a random
//! pause — several times per run. Everything must complete, nothing may be duplicated
//! or orphaned (rows, chunks, vectors, stored files), and the scores must equal those
//! of an undisturbed run of the same inputs (the offline engine is deterministic).
//!
//! Sizes come from the environment so that `scripts/chaos` can run it bigger:
//! `CHAOS_USERS` (default 5: 5 uploads, 15 text jobs, 5 refines = 20 optimisations),
//! `CHAOS_KILLS` (default 4) and `CHAOS_SEED`. The drain times it prints
//! (`CHAOS_RESULT {...}`) are recorded in `RELIABILITY.md`; the test asserts no time.

use crate::worker_process::{spawn_worker, start_polling_worker};
use e2e::{TestUser, fixture, fixture_text, stack};
use serde_json::json;
use std::collections::BTreeMap;
use std::process::Child;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const RESUMES: [&str; 5] = [
    "resumes/en_backend_maya_lindqvist.pdf",
    "resumes/ar_accountant_sara_almansouri.docx",
    "resumes/en_data_analyst_hannah_castellanos.txt",
    "resumes/en_backend_maya_lindqvist.docx",
    "resumes/bilingual_network_engineer_yousef_alzoubi.txt",
];
/// Job postings of every kind (English, Arabic, unrelated), shared with `load.rs`.
pub(crate) const JOBS: [&str; 4] = [
    "jobs/en_backend_engineer_ledgerline.txt",
    "jobs/en_data_analyst_coastline.txt",
    "jobs/ar_senior_accountant_alrayyan.txt",
    "jobs/en_registered_nurse_unrelated.txt",
];
const JOBS_PER_USER: usize = 3;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator (xorshift64*): the same seed, the same kill points.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn millis(&mut self, lo: u64, hi: u64) -> Duration {
        Duration::from_millis(lo + self.next() % (hi - lo).max(1))
    }
}

/// The worker child of one wave, replaced on every restart.
struct Worker {
    child: Mutex<Child>,
    queue: String,
    blob_dir: std::path::PathBuf,
    db_url: String,
}

impl Worker {
    fn start(db_url: &str, queue: &str, blob_dir: &std::path::Path) -> Arc<Worker> {
        let child = start_polling_worker(&stack().temporal_target, db_url, queue, blob_dir, &[]);
        Arc::new(Worker {
            child: Mutex::new(child),
            queue: queue.to_string(),
            blob_dir: blob_dir.to_path_buf(),
            db_url: db_url.to_string(),
        })
    }

    /// SIGKILL (by the pid this test started), reap it, and start a new one after `pause`.
    fn kill_and_restart(&self, pause: Duration) {
        let mut child = self.child.lock().unwrap();
        let _ = child.kill();
        let _ = child.wait();
        std::thread::sleep(pause);
        let (fresh, _logs) = spawn_worker(&self.db_url, &self.queue, &self.blob_dir);
        *child = fresh;
    }

    fn stop(&self) {
        let mut child = self.child.lock().unwrap();
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// What one wave produced: per (user slot, job slot) the scores of its runs in order.
struct Wave {
    scores: BTreeMap<(usize, usize), Vec<i64>>,
    drain: Duration,
    /// When the last SIGKILL landed, from the first request.
    last_kill: Option<Duration>,
    kills: usize,
    users: Vec<TestUser>,
}

async fn run_wave(users_n: usize, kills: usize, seed: u64) -> Wave {
    let stack = stack();
    let queue = format!("chaos-{}", uuid::Uuid::new_v4());
    let worker = Worker::start(&stack.db_url, &queue, &stack.blob_dir);
    let q = queue.clone();
    let base_url = stack
        .extra_gateway(move |s| {
            s.task_queue = q;
            // The scenario's own traffic must not be throttled.
            s.rate_limit_per_minute = 100_000;
        })
        .await;

    let mut users = Vec::new();
    for _ in 0..users_n {
        users.push(stack.new_user().await.on(&base_url));
    }

    // The killer starts with the traffic: kills land while uploads are parsed, jobs
    // are read and optimisations run.
    let done = Arc::new(AtomicBool::new(false));
    let killed = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let last_kill = Arc::new(Mutex::new(None::<Duration>));
    let killer = {
        let (worker, done, killed, last_kill) = (
            worker.clone(),
            done.clone(),
            killed.clone(),
            last_kill.clone(),
        );
        std::thread::spawn(move || {
            let mut rng = Rng(seed | 1);
            for _ in 0..kills {
                std::thread::sleep(rng.millis(300, 2000));
                if done.load(Ordering::SeqCst) {
                    break;
                }
                *last_kill.lock().unwrap() = Some(started.elapsed());
                worker.kill_and_restart(rng.millis(200, 1500));
                killed.fetch_add(1, Ordering::SeqCst);
            }
        })
    };

    let (scores, drain) = drive(&users, started).await;
    done.store(true, Ordering::SeqCst);
    killer.join().unwrap();
    worker.stop();

    Wave {
        scores,
        drain,
        last_kill: *last_kill.lock().unwrap(),
        kills: killed.load(Ordering::SeqCst),
        users,
    }
}

/// The scenario's traffic on `users` (already on the gateway under test): each uploads
/// a resume and creates its text jobs straight away; the first job of each user is
/// refined once it completes. Returns the scores of every run once everything settled,
/// and how long that took from `started`.
pub(crate) async fn drive(
    users: &[TestUser],
    started: Instant,
) -> (BTreeMap<(usize, usize), Vec<i64>>, Duration) {
    let jobs = submit(users).await;
    settle(users, &jobs, started).await
}

/// Each user's (user slot, job slot) and job id.
pub(crate) type Submitted = Vec<((usize, usize), String)>;

/// Upload each user's resume and create its text jobs (see [`drive`]).
pub(crate) async fn submit(users: &[TestUser]) -> Submitted {
    let mut jobs: Submitted = Vec::new();
    for (u, user) in users.iter().enumerate() {
        let file = RESUMES[u % RESUMES.len()];
        let name = file.rsplit('/').next().unwrap();
        let r = user.upload(fixture(file), name).await;
        let resume = r.expect(202)["resume"]["id"].as_str().unwrap().to_string();
        for j in 0..JOBS_PER_USER {
            let text = fixture_text(JOBS[(u + j) % JOBS.len()]);
            let r = user
                .post_json(
                    "/jobs",
                    &json!({ "resume_id": resume, "job_description": text }),
                )
                .await;
            jobs.push(((u, j), r.expect(202)["id"].as_str().unwrap().to_string()));
        }
    }
    jobs
}

/// Drive the submitted jobs to the end (see [`drive`]).
pub(crate) async fn settle(
    users: &[TestUser],
    jobs: &Submitted,
    started: Instant,
) -> (BTreeMap<(usize, usize), Vec<i64>>, Duration) {
    let users_n = users.len();
    // Drive to the end: the first job of every user is refined once it completes.
    let deadline = Instant::now() + Duration::from_secs(900);
    let mut refined = vec![false; users_n];
    loop {
        let mut pending = Vec::new();
        for ((u, j), id) in jobs {
            let d = users[*u].get(&format!("/jobs/{id}")).await;
            // Whatever happens underneath, a reader gets an answer or a clear 503.
            assert!(
                d.status.as_u16() < 500 || d.status.as_u16() == 503,
                "GET /jobs/{id}: {} {}",
                d.status,
                d.text
            );
            if d.status.as_u16() != 200 {
                pending.push(format!("{id}: HTTP {}", d.status));
                continue;
            }
            let d = d.data();
            let status = d["status"].as_str().unwrap_or("").to_string();
            let runs = d["run_count"].as_i64().unwrap_or(0);
            match status.as_str() {
                "complete" if *j == 0 && !refined[*u] => {
                    let r = users[*u]
                        .post_json(&format!("/jobs/{id}/refine"), &json!({}))
                        .await;
                    if r.status.as_u16() == 202 {
                        refined[*u] = true;
                    }
                    pending.push(format!("{id}: refining"));
                }
                "complete" | "failed" if *j != 0 || runs == 2 => {}
                other => pending.push(format!("{id}: {other} (run {runs})")),
            }
        }
        if pending.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "stuck after {:?}: {pending:?}",
            started.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let drain = started.elapsed();
    let mut scores = BTreeMap::new();
    for ((u, j), id) in jobs {
        let runs = users[*u].get(&format!("/jobs/{id}/optimizations")).await;
        let mut runs = runs.expect(200).as_array().unwrap().clone();
        runs.sort_by_key(|r| r["run_no"].as_i64());
        for r in &runs {
            assert_eq!(
                r["status"], "complete",
                "job {id} run {} ended {}: {}",
                r["run_no"], r["status"], r["error"]
            );
        }
        scores.insert(
            (*u, *j),
            runs.iter().map(|r| r["score"].as_i64().unwrap()).collect(),
        );
    }
    (scores, drain)
}

/// Rows, chunks, vectors and files of the wave's users, checked for duplicates and
/// orphans. Returns what is wrong, in words.
pub(crate) async fn integrity(users: &[TestUser]) -> Vec<String> {
    integrity_in(&stack().db_url, users).await
}

/// [`integrity`] against the database at `db_url`.
pub(crate) async fn integrity_in(db_url: &str, users: &[TestUser]) -> Vec<String> {
    let stack = stack();
    let pool = sqlx::PgPool::connect(db_url).await.unwrap();
    let ids: Vec<uuid::Uuid> = users.iter().map(|u| u.id).collect();
    let mut wrong = Vec::new();
    let checks: [(&str, &str); 7] = [
        (
            "resumes per user other than 1",
            "select count(*) from (select user_id from resumes where user_id = any($1)
             group by user_id having count(*) <> 1) x",
        ),
        (
            "resume versions per resume other than 1",
            "select count(*) from (select resume_id from resume_versions where user_id = any($1)
             group by resume_id having count(*) <> 1) x",
        ),
        (
            "jobs per user other than 3",
            "select count(*) from (select user_id from jobs where user_id = any($1)
             group by user_id having count(*) <> 3) x",
        ),
        (
            "optimisation runs not numbered 1..n per job",
            "select count(*) from (select job_id from optimizations where user_id = any($1)
             group by job_id having count(*) <> max(run_no) or min(run_no) <> 1) x",
        ),
        (
            "chunk indexes not 0..n-1 per version",
            "select count(*) from (select version_id from document_chunks where user_id = any($1)
             group by version_id having count(*) <> max(chunk_index) + 1) x",
        ),
        (
            "vectors without a chunk",
            "select count(*) from vector_items v where v.namespace = any($1)
             and not exists (select 1 from document_chunks c where c.id = v.id)",
        ),
        (
            "chunks without a vector",
            "select count(*) from document_chunks c where c.user_id = any($1)
             and not exists (select 1 from vector_items v where v.namespace = c.user_id and v.id = c.id)",
        ),
    ];
    for (what, sql) in checks {
        let n: i64 = sqlx::query_scalar(sql)
            .bind(&ids)
            .fetch_one(&pool)
            .await
            .unwrap();
        if n != 0 {
            wrong.push(format!("{what}: {n}"));
        }
    }
    let incomplete: i64 = sqlx::query_scalar(
        "select count(*) from resume_versions where user_id = any($1)
         and (parse_status <> 'parsed' or embedding_status <> 'indexed')",
    )
    .bind(&ids)
    .fetch_one(&pool)
    .await
    .unwrap();
    if incomplete != 0 {
        wrong.push(format!("versions not parsed and indexed: {incomplete}"));
    }

    // Every stored file belongs to a version row, and every version's file is there.
    let paths: Vec<Option<String>> =
        sqlx::query_scalar("select file_path from resume_versions where user_id = any($1)")
            .bind(&ids)
            .fetch_all(&pool)
            .await
            .unwrap();
    let expected: std::collections::BTreeSet<String> = paths.into_iter().flatten().collect();
    let mut stored = std::collections::BTreeSet::new();
    for id in &ids {
        let dir = stack.blob_dir.join("resumes").join(id.to_string());
        for f in walk(&dir) {
            let rel = f.strip_prefix(&stack.blob_dir).unwrap();
            stored.insert(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    let orphans: Vec<_> = stored.difference(&expected).collect();
    let missing: Vec<_> = expected.difference(&stored).collect();
    if !orphans.is_empty() {
        wrong.push(format!("stored files with no row: {orphans:?}"));
    }
    if !missing.is_empty() {
        wrong.push(format!("rows whose file is gone: {missing:?}"));
    }
    pool.close().await;
    wrong
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_at_random_points_loses_and_duplicates_nothing() {
    let users = env_usize("CHAOS_USERS", 5);
    let kills = env_usize("CHAOS_KILLS", 4);
    let seed = std::env::var("CHAOS_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("chaos: {users} users, {kills} kills, CHAOS_SEED={seed}");

    let calm = run_wave(users, 0, seed).await;
    let stormy = run_wave(users, kills, seed).await;

    for wave in [&calm, &stormy] {
        let wrong = integrity(&wave.users).await;
        assert!(
            wrong.is_empty(),
            "after {} kills (CHAOS_SEED={seed}): {wrong:#?}",
            wave.kills
        );
    }
    assert_eq!(
        calm.scores, stormy.scores,
        "a disturbed run must score exactly as an undisturbed one (CHAOS_SEED={seed})"
    );
    assert!(stormy.kills > 0, "the worker was never killed");
    let optimisations: usize = stormy.scores.values().map(Vec::len).sum();
    eprintln!(
        "CHAOS_RESULT {}",
        json!({
            "scenario": "worker_sigkill",
            "users": users,
            "optimisations": optimisations,
            "kills": stormy.kills,
            "seed": seed,
            "undisturbed_drain_s": calm.drain.as_secs_f64(),
            "disturbed_drain_s": stormy.drain.as_secs_f64(),
            "last_kill_s": stormy.last_kill.map(|d| d.as_secs_f64()),
            "target_s": 2.0 * calm.drain.as_secs_f64() + 15.0,
        })
    );
}
