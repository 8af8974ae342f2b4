//! Issue 12, memory: the `worker` binary's resident memory (RSS, sampled from `/proc`)
//! with many workflows in flight at once, and over many completed runs (no growth from
//! caches). A child worker on a queue of its own; batches of `MEMORY_IN_FLIGHT` runs
//! (default 60: text resumes parsed, text jobs ingested and optimised, uploads parsed,
//! applications generated — a tailored CV and cover letter rendered as PDF and DOCX —
//! mixed) are started at once, each batch drained before the next, `MEMORY_BATCHES`
//! times (default 3). It prints `MEMORY_RESULT {...}` (the peak, and the RSS after each
//! batch) for `BENCHMARKS.md`; `scripts/memory` runs it bigger (200 in flight, 25 batches
//! = 5,000 runs). It asserts what a user would check: every run completes.

use crate::worker_process::start_polling_worker;
use e2e::{TestUser, fixture, fixture_text, stack};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

/// Start `n` runs for `user` (a quarter each: a text resume, a text job on the user's
/// parsed resume, an upload, an application with its CV documents) and wait until all
/// of them ended; returns how many failed.
async fn batch(user: &TestUser, resume_id: &str, n: usize, round: usize) -> usize {
    let mut jobs = Vec::new();
    let mut resumes = Vec::new();
    let mut applications = Vec::new();
    let resume_text = fixture_text("resumes/en_data_analyst_hannah_castellanos.txt");
    let job_text = fixture_text("jobs/en_backend_engineer_ledgerline.txt");
    let pdf = fixture("resumes/en_backend_maya_lindqvist.pdf");
    for i in 0..n {
        match i % 4 {
            0 => {
                let r = user
                    .post_json(
                        "/resumes/from-text",
                        &json!({ "title": format!("m{round}-{i}"), "raw_text": resume_text }),
                    )
                    .await;
                resumes.push(r.expect(202)["resume"]["id"].as_str().unwrap().to_string());
            }
            1 => {
                let r = user
                    .post_json(
                        "/jobs",
                        &json!({ "resume_id": resume_id, "job_description": job_text }),
                    )
                    .await;
                jobs.push(r.expect(202)["id"].as_str().unwrap().to_string());
            }
            2 => {
                let r = user.upload(pdf.clone(), "maya.pdf").await;
                resumes.push(r.expect(202)["resume"]["id"].as_str().unwrap().to_string());
            }
            _ => {
                let r = user
                    .post_json(
                        "/applications",
                        &json!({ "resume_id": resume_id, "job_description": job_text }),
                    )
                    .await;
                applications.push(
                    r.expect(202)["application"]["id"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                );
            }
        }
    }
    let deadline = Instant::now() + Duration::from_secs(900);
    let job_end = |d: &serde_json::Value| d["status"].as_str().map(str::to_owned);
    let generation_end = |d: &serde_json::Value| d["generation_status"].as_str().map(str::to_owned);
    // Parsed counts once the embedding has ended too.
    let resume_end = |d: &serde_json::Value| match d["parse_status"].as_str() {
        Some("parsed") if d["embedding_status"] != "pending" => Some("complete".to_owned()),
        other => other.map(str::to_owned),
    };
    let mut failed = 0;
    for (path, ids, end) in [
        (
            "jobs",
            &jobs,
            &job_end as &dyn Fn(&serde_json::Value) -> Option<String>,
        ),
        ("applications", &applications, &generation_end),
        ("resumes", &resumes, &resume_end),
    ] {
        for id in ids {
            loop {
                let d = user.get(&format!("/{path}/{id}")).await;
                match end(d.expect(200)).as_deref() {
                    Some("complete") => break,
                    Some("failed") => {
                        failed += 1;
                        break;
                    }
                    _ => {}
                }
                assert!(Instant::now() < deadline, "{path}/{id} never ended");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    failed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_memory_with_many_runs_in_flight_and_over_many_runs() {
    let in_flight = env_usize("MEMORY_IN_FLIGHT", 60);
    let batches = env_usize("MEMORY_BATCHES", 3);
    let s = stack();
    let queue = format!("memory-{}", uuid::Uuid::new_v4());
    // As deployed (Dockerfile, scripts/dev): two glibc malloc arenas.
    let mut worker = start_polling_worker(
        &s.temporal_target,
        &s.db_url,
        &queue,
        &s.blob_dir,
        &[("MALLOC_ARENA_MAX".to_string(), "2".to_string())],
    );
    let pid = worker.id();
    let q = queue.clone();
    let base = s
        .extra_gateway(move |st| {
            st.task_queue = q;
            st.rate_limit_per_minute = 0;
        })
        .await;
    let user = s.new_user().await.on(&base);
    let seed = user
        .create_text_resume(
            "memory",
            &fixture_text("resumes/en_backend_maya_lindqvist.md"),
        )
        .await;
    let resume_id = seed["resume"]["id"].as_str().unwrap().to_string();
    user.wait_parsed(&resume_id).await;
    let idle = rss_mib(pid);

    // The peak, sampled every 50 ms while the batches run.
    let peak = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::SeqCst) {
                let kib = (rss_mib(pid) * 1024.0) as u64;
                peak.fetch_max(kib, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let mut after = Vec::new();
    let mut failed = 0;
    let started = Instant::now();
    for round in 0..batches {
        failed += batch(&user, &resume_id, in_flight, round).await;
        after.push(rss_mib(pid));
    }
    let took = started.elapsed();
    done.store(true, Ordering::SeqCst);
    sampler.join().unwrap();
    let _ = worker.kill();
    let _ = worker.wait();
    let peak_mib = peak.load(Ordering::SeqCst) as f64 / 1024.0;
    let result = json!({
        "in_flight": in_flight, "batches": batches, "runs": in_flight * batches,
        "idle_rss_mib": idle, "peak_rss_mib": peak_mib, "rss_after_each_batch_mib": after,
        "seconds": took.as_secs_f64(), "failed": failed,
    });
    println!("MEMORY_RESULT {result}");
    assert_eq!(failed, 0, "runs that failed: {result}");
}
