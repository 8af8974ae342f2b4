//! Issue 12, item 6: one OpenTelemetry trace from the HTTP request to the last activity.
//!
//! The `gateway` and `worker` programs run as child processes with
//! `OTEL_EXPORTER_OTLP_ENDPOINT` pointing at an OTLP collector stand-in
//! (`e2e::otlp`, OTLP/HTTP protobuf, as a collector's port 4318 serves it). A client
//! sends `POST /jobs` with a W3C `traceparent` of its own; the trace it names must then
//! hold the gateway's request span, the workflow start, both workflows (IngestJob and
//! its child OptimizeJob), and for every activity their histories scheduled a
//! `RunActivity` span with our `activity` span inside it; every span carries the
//! request's id and a workflow id. The worker's activity log lines carry both ids too.

use crate::load::start_gateway;
use crate::worker_process::{spawn_worker_with, wait_for_line};
use e2e::otlp::{Collector, SpanRecord};
use e2e::{TestUser, fixture_text, stack};
use reqwest::Method;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use temporalio_client::WorkflowFetchHistoryOptions;

/// The activity types a workflow's history scheduled.
async fn scheduled_activities(s: &e2e::Stack, workflow_id: &str) -> Vec<String> {
    let client = s.temporal().await;
    let json = client
        .get_workflow_handle::<temporalio_common::UntypedWorkflow>(workflow_id.to_string())
        .fetch_history(WorkflowFetchHistoryOptions::default())
        .to_json()
        .await
        .expect("fetch history");
    let history: serde_json::Value = serde_json::from_slice(&json).expect("history JSON");
    history["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| {
            e["attributes"]["ActivityTaskScheduledEventAttributes"]["activity_type"]["name"]
                .as_str()
                .map(str::to_owned)
        })
        .collect()
}

fn describe(spans: &[SpanRecord]) -> String {
    spans
        .iter()
        .map(|s| {
            format!(
                "{} {} [{}] {} <- {} {:?}",
                s.service, s.trace_id, s.span_id, s.name, s.parent_span_id, s.attributes
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_trace_covers_an_optimisation_from_the_request_to_the_last_activity() {
    let s = stack();
    let collector = Collector::start().await;
    let queue = format!("traces-{}", uuid::Uuid::new_v4());
    let otel = vec![
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT".to_string(),
            collector.endpoint.clone(),
        ),
        // Export within a fraction of a second instead of the default 5 s.
        ("OTEL_BSP_SCHEDULE_DELAY".to_string(), "200".to_string()),
    ];
    let mut worker_env = otel.clone();
    // Debug for `activities`: the "activity completed" line of each activity.
    worker_env.push((
        "RUST_LOG".into(),
        "info,activities=debug,temporalio_sdk_core=warn,sqlx=warn".into(),
    ));
    let (mut worker, worker_log) = spawn_worker_with(
        &s.temporal_target,
        &s.db_url,
        &queue,
        &s.blob_dir,
        &worker_env,
    );
    let mut log = Vec::new();
    assert!(
        wait_for_line(
            &worker_log,
            "worker polling",
            Duration::from_secs(90),
            &mut log
        ),
        "the worker never started polling:\n{}",
        log.join("\n")
    );
    let (mut gateway, base_url) = start_gateway(&queue, 1000, &otel).await;
    let user = s.new_user().await.on(&base_url);

    let created = user
        .create_text_resume(
            "traced",
            &fixture_text("resumes/en_backend_maya_lindqvist.md"),
        )
        .await;
    let resume_id = created["resume"]["id"].as_str().unwrap().to_string();
    user.wait_parsed(&resume_id).await;

    // The caller's own trace: the gateway's span must join it.
    let trace_id = format!("{:032x}", uuid::Uuid::new_v4().as_u128());
    let reply = TestUser::send(
        user.request(Method::POST, "/jobs")
            .header("traceparent", format!("00-{trace_id}-00f067aa0ba902b7-01"))
            .json(&json!({
                "resume_id": resume_id,
                "job_description": fixture_text("jobs/en_backend_engineer_ledgerline.txt"),
            })),
    )
    .await;
    let request_id = reply.headers["x-request-id"].to_str().unwrap().to_string();
    let data = reply.expect(202).clone();
    let job_id = data["id"].as_str().unwrap().to_string();
    let ingest_id = data["workflow_id"].as_str().unwrap().to_string();
    let job = e2e::eventually(Duration::from_secs(180), "the job to finish", || async {
        let d = user
            .get(&format!("/jobs/{job_id}"))
            .await
            .expect(200)
            .clone();
        matches!(d["status"].as_str(), Some("complete" | "failed")).then_some(d)
    })
    .await;
    assert_eq!(job["status"], "complete", "{job}");
    let optimize_id = shared::contracts::optimize_job_workflow_id(job_id.parse().unwrap(), 1);

    let mut want_activities = BTreeMap::new();
    for wf in [&ingest_id, &optimize_id] {
        let scheduled = scheduled_activities(s, wf).await;
        assert!(!scheduled.is_empty(), "{wf} scheduled no activity");
        want_activities.insert(wf.clone(), scheduled);
    }
    let total: usize = want_activities.values().map(Vec::len).sum();

    // Both programs export in batches: wait until every activity's span arrived.
    let trace = e2e::eventually(Duration::from_secs(30), "the whole trace", || async {
        let trace: Vec<SpanRecord> = collector
            .spans()
            .into_iter()
            .filter(|s| s.trace_id == trace_id)
            .collect();
        let ours = trace
            .iter()
            .filter(|s| s.name.starts_with("activity "))
            .count();
        // A workflow's span ends (and is exported) after its last activity's: wait for
        // both workflows, and for every span's parent.
        let workflows = ["RunWorkflow:IngestJob", "RunWorkflow:OptimizeJob"]
            .iter()
            .all(|w| trace.iter().any(|s| s.name == *w));
        let ids: BTreeSet<&str> = trace.iter().map(|s| s.span_id.as_str()).collect();
        let orphans = trace
            .iter()
            .filter(|s| !ids.contains(s.parent_span_id.as_str()))
            .count();
        (ours >= total && workflows && orphans == 1).then_some(trace)
    })
    .await;
    let all = describe(&trace);
    let mut names: Vec<&str> = trace.iter().map(|s| s.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    eprintln!(
        "TRACE {{\"spans\": {}, \"activities\": {total}, \"names\": {names:?}}}",
        trace.len()
    );
    assert_eq!(
        collector.requests().1,
        0,
        "export requests that did not decode"
    );

    // One tree: a single root (the caller's span is the root's parent), every other
    // span's parent is in the trace.
    let ids: BTreeSet<&str> = trace.iter().map(|s| s.span_id.as_str()).collect();
    let roots: Vec<&SpanRecord> = trace
        .iter()
        .filter(|s| !ids.contains(s.parent_span_id.as_str()))
        .collect();
    assert_eq!(roots.len(), 1, "one root span, got:\n{all}");
    let root = roots[0];
    assert_eq!(root.parent_span_id, "00f067aa0ba902b7", "{all}");
    assert_eq!(root.service, "smartresume-gateway", "{all}");
    assert_eq!(root.name, "POST /jobs", "{all}");
    assert_eq!(root.attr("request_id"), Some(request_id.as_str()), "{all}");
    assert_eq!(root.attr("workflow_id"), Some(ingest_id.as_str()), "{all}");

    let by_id: BTreeMap<&str, &SpanRecord> =
        trace.iter().map(|s| (s.span_id.as_str(), s)).collect();
    let named = |name: &str| -> Vec<&SpanRecord> {
        trace
            .iter()
            .filter(|s| s.name.eq_ignore_ascii_case(name))
            .collect()
    };
    for (name, service) in [
        ("StartWorkflow:IngestJob", "smartresume-gateway"),
        ("RunWorkflow:IngestJob", "smartresume-worker"),
        ("StartChildWorkflow:OptimizeJob", "smartresume-worker"),
        ("RunWorkflow:OptimizeJob", "smartresume-worker"),
    ] {
        let found = named(name);
        assert_eq!(found.len(), 1, "one {name} span:\n{all}");
        assert_eq!(found[0].service, service, "{name}:\n{all}");
    }

    // Every scheduled activity ran inside the trace, under its workflow, with our span
    // (what the activity logged and called) inside the SDK's.
    for (wf, scheduled) in &want_activities {
        let mut ran: Vec<String> = trace
            .iter()
            .filter(|s| {
                s.name.starts_with("RunActivity:") && s.attr("temporalWorkflowID") == Some(wf)
            })
            .map(|s| s.name.trim_start_matches("RunActivity:").to_string())
            .collect();
        let mut want = scheduled.clone();
        ran.sort();
        want.sort();
        assert_eq!(ran, want, "activities of {wf}:\n{all}");
    }
    for ours in trace.iter().filter(|s| s.name.starts_with("activity ")) {
        let parent = by_id[ours.parent_span_id.as_str()];
        assert_eq!(
            parent.name,
            format!("RunActivity:{}", ours.attr("activity").unwrap_or_default()),
            "{all}"
        );
        assert_eq!(ours.attr("request_id"), Some(request_id.as_str()), "{all}");
    }

    // Every span names the request and a workflow of this run.
    for span in &trace {
        assert_eq!(
            span.attr("request_id"),
            Some(request_id.as_str()),
            "request_id on {}:\n{all}",
            span.name
        );
        let wf = span.attr("workflow_id").unwrap_or_default();
        assert!(
            wf == ingest_id || wf == optimize_id,
            "workflow_id on {} is {wf:?}:\n{all}",
            span.name
        );
    }

    // The worker's log lines from inside the activities carry both ids.
    let lines: Vec<serde_json::Value> = worker_log
        .try_iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(&l).ok())
        .filter(|l| l["span"]["name"] == "activity")
        .filter(|l| {
            let wf = l["span"]["workflow_id"].as_str().unwrap_or_default();
            wf == ingest_id || wf == optimize_id
        })
        .collect();
    assert!(
        lines.len() >= total,
        "a log line per activity, got {}",
        lines.len()
    );
    for l in &lines {
        assert_eq!(l["span"]["request_id"], request_id.as_str(), "{l}");
    }

    let _ = gateway.kill();
    let _ = worker.kill();
    let _ = gateway.wait();
    let _ = worker.wait();
}
