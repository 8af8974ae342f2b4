//! Issue 13, scenario 4: network and provider faults between the worker and its cloud
//! providers, injected by a proxy (`e2e::faults`) in front of the wire fakes: OpenAI
//! that never answers, cuts its answer off mid-body, or answers 200 with a body that is
//! not JSON; Pinecone answering 503 throughout, or cutting its answers off; S3 (moto)
//! answering 503, or cutting the upload's original off, when the worker reads it. A `worker`
//! child process runs as deployed (the default `SMARTRESUME_LLM_FALLBACK=offline`), with
//! a 4 s retry budget and a 2 s OpenAI timeout. Every run must end — `complete`, or
//! `failed` with a reason a user can read — and never stay `processing`; the time each
//! took is printed (`PROVIDER_FAULT {...}`) for `RELIABILITY.md`.

use crate::fallback::cloud_env;
use crate::worker_process::start_polling_worker;
use e2e::faults::{Fault, FaultProxy};
use e2e::{TestUser, cloud_stack, fixture_text};
use serde_json::json;
use std::time::{Duration, Instant};

/// Create a text resume and a text job; wait until the job ended (or give up after
/// `within`, which fails the test: a run stuck in `processing`).
async fn run_job(user: &TestUser, within: Duration) -> (serde_json::Value, Duration) {
    let started = Instant::now();
    let created = user
        .create_text_resume(
            "faults",
            &fixture_text("resumes/en_backend_maya_lindqvist.md"),
        )
        .await;
    let resume = created["resume"]["id"].as_str().unwrap().to_string();
    let job = user
        .post_json(
            "/jobs",
            &json!({ "resume_id": resume, "job_description": fixture_text("jobs/en_backend_engineer_ledgerline.txt") }),
        )
        .await;
    let id = job.expect(202)["id"].as_str().unwrap().to_string();
    loop {
        let d = user.get(&format!("/jobs/{id}")).await;
        let d = d.expect(200).clone();
        if matches!(d["status"].as_str(), Some("complete" | "failed")) {
            return (d, started.elapsed());
        }
        assert!(
            started.elapsed() < within,
            "job {id} still {} after {within:?}",
            d["status"]
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Upload a PDF (the gateway stores it in the bucket directly; the worker reads it back
/// through the proxy) and wait until its parse ended; the resume and how long it took.
async fn run_upload(user: &TestUser, within: Duration) -> (serde_json::Value, Duration) {
    let started = Instant::now();
    let r = user
        .upload(
            e2e::fixture("resumes/en_backend_maya_lindqvist.pdf"),
            "maya.pdf",
        )
        .await;
    let id = r.expect(202)["resume"]["id"].as_str().unwrap().to_string();
    loop {
        let d = user.get(&format!("/resumes/{id}")).await;
        let d = d.expect(200).clone();
        let ended = match d["parse_status"].as_str() {
            Some("failed") => true,
            Some("parsed") => d["embedding_status"] != "pending",
            _ => false,
        };
        if ended {
            return (d, started.elapsed());
        }
        assert!(
            started.elapsed() < within,
            "resume {id} still {} after {within:?}",
            d["parse_status"]
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_faults_end_every_run_complete_or_failed_with_a_reason() {
    let stack = cloud_stack();
    let s = &stack.settings;
    // The proxy forwards paths as they come: its upstream is the fake's origin.
    let openai_url = url::Url::parse(&s.openai_base_url).unwrap();
    let openai = FaultProxy::start(&openai_url.origin().ascii_serialization())
        .await
        .unwrap();
    let pinecone = FaultProxy::start(s.pinecone_index_host.as_deref().unwrap())
        .await
        .unwrap();
    // moto does not check SigV4 signatures, so a proxy in front of it (another host
    // in the signed headers) is still served.
    let s3 = FaultProxy::start(s.s3_endpoint.as_deref().unwrap())
        .await
        .unwrap();
    let mut env: Vec<(String, String)> = cloud_env(s)
        .into_iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "OPENAI_BASE_URL"
                    | "PINECONE_INDEX_HOST"
                    | "SMARTRESUME_PROVIDER_RETRY_BUDGET_SECS"
            )
        })
        .collect();
    // The proxies keep the upstream's path: OpenAI's base URL ends in /v1.
    let openai_path = url::Url::parse(&s.openai_base_url)
        .unwrap()
        .path()
        .to_string();
    env.extend([
        (
            "OPENAI_BASE_URL".to_string(),
            format!("{}{}", openai.url, openai_path.trim_end_matches('/')),
        ),
        ("PINECONE_INDEX_HOST".into(), pinecone.url.clone()),
        ("S3_ENDPOINT".into(), s3.url.clone()),
        ("SMARTRESUME_PROVIDER_RETRY_BUDGET_SECS".into(), "4".into()),
        ("SMARTRESUME_OPENAI_TIMEOUT_SECS".into(), "2".into()),
    ]);
    let queue = format!("faults-{}", uuid::Uuid::new_v4());
    let mut child = start_polling_worker(
        &stack.temporal_target,
        &stack.db_url,
        &queue,
        &stack.blob_dir,
        &env,
    );
    let q = queue.clone();
    let base = stack.extra_gateway(move |st| st.task_queue = q).await;
    let user = stack.new_user().await.on(&base);

    // Undisturbed first: the proxies pass everything through.
    let (d, took) = run_job(&user, Duration::from_secs(120)).await;
    assert_eq!(
        d["status"], "complete",
        "through the proxies: {}",
        d["error"]
    );
    println!(
        "PROVIDER_FAULT {}",
        json!({"fault": "none", "status": d["status"], "seconds": took.as_secs_f64()})
    );

    let cases: [(&str, &FaultProxy, Fault); 5] = [
        ("OpenAI never answers", &openai, Fault::Hang),
        (
            "OpenAI cuts its answer off mid-body",
            &openai,
            Fault::ResetMidBody,
        ),
        (
            "OpenAI answers 200 with a body that is not JSON",
            &openai,
            Fault::Garbage,
        ),
        (
            "Pinecone answers 503 throughout",
            &pinecone,
            Fault::Status(503),
        ),
        (
            "Pinecone cuts its answers off mid-body",
            &pinecone,
            Fault::ResetMidBody,
        ),
    ];
    let mut failures = Vec::new();
    for (what, proxy, fault) in cases {
        proxy.set(fault.clone());
        let before = proxy.faulted();
        let (d, took) = run_job(&user, Duration::from_secs(240)).await;
        proxy.set(Fault::Pass);
        let status = d["status"].as_str().unwrap_or("").to_string();
        let error = d["error"].as_str().unwrap_or("").to_string();
        let warnings = d["result"]["report"]["warnings"].clone();
        println!(
            "PROVIDER_FAULT {}",
            json!({"fault": what, "status": status, "seconds": took.as_secs_f64(),
                   "faulted_requests": proxy.faulted() - before, "error": error, "warnings": warnings})
        );
        assert!(proxy.faulted() > before, "{what}: the fault was never hit");
        match status.as_str() {
            "complete" => {}
            "failed" => {
                // A reason a user can read: names the provider, no internals.
                if error.is_empty()
                    || error.contains("panicked")
                    || error.contains("ActivityError")
                    || !(error.contains("OpenAI")
                        || error.contains("Pinecone")
                        || error.contains("vector"))
                {
                    failures.push(format!("{what}: unreadable reason {error:?}"));
                }
            }
            other => failures.push(format!("{what}: ended {other}")),
        }
    }
    for (what, fault) in [
        (
            "S3 answers 503 when the worker reads the original",
            Fault::Status(503),
        ),
        ("S3 cuts the original off mid-body", Fault::ResetMidBody),
    ] {
        s3.set(fault.clone());
        let before = s3.faulted();
        let (d, took) = run_upload(&user, Duration::from_secs(240)).await;
        s3.set(Fault::Pass);
        let status = d["parse_status"].as_str().unwrap_or("").to_string();
        let error = d["error"].as_str().unwrap_or("").to_string();
        println!(
            "PROVIDER_FAULT {}",
            json!({"fault": what, "status": status, "seconds": took.as_secs_f64(),
                   "faulted_requests": s3.faulted() - before, "error": error})
        );
        assert!(s3.faulted() > before, "{what}: the fault was never hit");
        if status == "failed" && (error.is_empty() || error.contains("panicked")) {
            failures.push(format!("{what}: unreadable reason {error:?}"));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(failures.is_empty(), "{failures:#?}");
}
