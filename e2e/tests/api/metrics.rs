//! `/metrics` as a Prometheus operator scrapes it (issue 12): the gateway's and the
//! worker's, each on a listener of its own (`SMARTRESUME_METRICS_BIND`), never on the
//! public port.

use crate::worker_process::start_polling_worker;
use e2e::{fixture_text, stack};
use std::time::Duration;

async fn scrape(addr: &str) -> String {
    let r = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .expect("the metrics listener answers");
    assert_eq!(r.status(), 200);
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(ct.starts_with("text/plain"), "{ct}");
    r.text().await.unwrap()
}

/// The value of the series whose line starts with `name{` and holds every label in
/// `labels` (0 when absent).
fn value(text: &str, name: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(&format!("{name}{{")) || l.starts_with(&format!("{name} ")))
        .filter(|l| labels.iter().all(|want| l.contains(want)))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_serves_request_metrics_by_route_template_on_its_own_port() {
    let s = stack();
    let port = e2e::free_port().unwrap();
    let metrics = format!("127.0.0.1:{port}");
    let m = metrics.clone();
    let base = s
        .extra_gateway(move |st| {
            st.metrics_bind = Some(m);
            st.rate_limit_per_minute = 1;
        })
        .await;
    let user = s.new_user().await.on(&base);
    let created = user
        .create_text_resume(
            "metrics",
            &fixture_text("resumes/en_backend_maya_lindqvist.md"),
        )
        .await;
    let resume = created["resume"]["id"].as_str().unwrap().to_string();
    // Found, not found, and over the limit of 1 start per minute.
    user.get(&format!("/resumes/{resume}")).await.expect(200);
    let missing = uuid::Uuid::new_v4();
    user.get(&format!("/jobs/{missing}"))
        .await
        .expect_error(404, "not_found");
    user.post_json(
        "/resumes/from-text",
        &serde_json::json!({ "title": "again", "raw_text": "Jane Doe\njane@example.com" }),
    )
    .await
    .expect_error(429, "rate_limited");

    // Give the listener a moment to come up (it starts with the gateway).
    let text = e2e::eventually(Duration::from_secs(10), "the metrics listener", || {
        let metrics = metrics.clone();
        async move {
            reqwest::get(format!("http://{metrics}/metrics"))
                .await
                .ok()
                .filter(|r| r.status() == 200)?;
            Some(scrape(&metrics).await)
        }
    })
    .await;
    let requests = "smartresume_gateway_http_requests_total";
    assert!(
        value(
            &text,
            requests,
            &[
                r#"route="/resumes/{id}""#,
                r#"status="200""#,
                r#"method="GET""#
            ]
        ) >= 1.0,
        "{text}"
    );
    assert!(
        value(
            &text,
            requests,
            &[r#"route="/jobs/{id}""#, r#"status="404""#]
        ) >= 1.0,
        "{text}"
    );
    assert!(
        value(
            &text,
            requests,
            &[r#"route="/resumes/from-text""#, r#"status="429""#]
        ) >= 1.0,
        "{text}"
    );
    assert!(
        value(
            &text,
            "smartresume_gateway_rate_limited_total",
            &[r#"route="/resumes/from-text""#]
        ) >= 1.0,
        "{text}"
    );
    assert!(
        value(
            &text,
            "smartresume_gateway_workflows_started_total",
            &[r#"workflow="ParseResume""#]
        ) >= 1.0,
        "{text}"
    );
    assert!(
        value(
            &text,
            "smartresume_gateway_http_request_duration_seconds_count",
            &[r#"route="/resumes/{id}""#]
        ) >= 1.0,
        "{text}"
    );
    assert!(
        text.contains("smartresume_gateway_http_requests_in_flight"),
        "{text}"
    );
    assert!(
        value(
            &text,
            "smartresume_gateway_db_pool_connections",
            &[r#"state="max""#]
        ) >= 1.0,
        "{text}"
    );
    // Route templates only: no id ever becomes a label value.
    assert!(!text.contains(&resume), "a resume id leaked into a label");
    assert!(
        !text.contains(&missing.to_string()),
        "a path leaked into a label"
    );
    // Not on the public port.
    user.get("/metrics").await.expect_error(404, "not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_serves_the_sdk_metrics_and_its_own_on_its_own_port() {
    let s = stack();
    let queue = format!("metrics-{}", uuid::Uuid::new_v4());
    let port = e2e::free_port().unwrap();
    let addr = format!("127.0.0.1:{port}");
    let mut worker = start_polling_worker(
        &s.temporal_target,
        &s.db_url,
        &queue,
        &s.blob_dir,
        &[("SMARTRESUME_METRICS_BIND".into(), addr.clone())],
    );
    let q = queue.clone();
    let base = s
        .extra_gateway(move |st| {
            st.task_queue = q;
        })
        .await;
    let user = s.new_user().await.on(&base);
    let created = user
        .create_text_resume(
            "metrics",
            &fixture_text("resumes/en_backend_maya_lindqvist.md"),
        )
        .await;
    let resume = created["resume"]["id"].as_str().unwrap().to_string();
    user.wait_parsed(&resume).await;

    let text = e2e::eventually(
        Duration::from_secs(20),
        "the worker's metrics to show the run",
        || {
            let addr = addr.clone();
            async move {
                let text = scrape(&addr).await;
                // Ours is recorded by the last activity; the SDK counts the workflow
                // once its last task completes, a moment later.
                let ours = value(
                    &text,
                    "smartresume_runs_finished_total",
                    &[r#"workflow="ParseResume""#, r#"outcome="complete""#],
                ) >= 1.0;
                let sdk = value(
                    &text,
                    "temporal_workflow_completed_total",
                    &[r#"workflow_type="ParseResume""#],
                ) >= 1.0;
                (ours && sdk).then_some(text)
            }
        },
    )
    .await;
    let _ = worker.kill();
    let _ = worker.wait();
    // The SDK's own worker metrics: task slots, polls, task latencies.
    for name in [
        "temporal_worker_task_slots_available",
        "temporal_activity_execution_latency_seconds",
        "temporal_workflow_task_execution_latency_seconds",
        "temporal_workflow_completed_total",
    ] {
        assert!(text.contains(name), "no {name} in:\n{text}");
    }
    assert!(
        text.lines().any(
            |l| l.starts_with("temporal_workflow_completed_total") && l.contains("ParseResume")
        ),
        "{text}"
    );
}
