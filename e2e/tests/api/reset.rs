//! Issue 13, scenario 5: an operator resets a finished OptimizeJob from the Web UI's tools
//! (`temporal workflow reset`) to its analysis step. The reset run re-executes the
//! analysis and the generation and leaves exactly one `optimizations` row for that run,
//! updated in place, with the job `complete` again and the same result.

use crate::jobs::{create_job, resume_from_text, wait_job};
use e2e::{fixture_text, stack};
use serde_json::{Value, json};
use std::process::Command;
use std::time::Duration;

fn temporal(args: &[&str]) -> String {
    let address = stack()
        .temporal_target
        .trim_start_matches("http://")
        .to_string();
    let out = Command::new(e2e::temporal_cli())
        .args(args)
        .args(["--address", &address, "--namespace", "default"])
        .output()
        .expect("run the temporal CLI");
    assert!(
        out.status.success(),
        "temporal {args:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn describe(workflow_id: &str) -> Value {
    serde_json::from_str(&temporal(&[
        "workflow",
        "describe",
        "--workflow-id",
        workflow_id,
        "--output",
        "json",
    ]))
    .expect("describe as JSON")
}

/// The event id of the last workflow task completed before `activity` was scheduled:
/// where a reset re-runs that activity from.
fn reset_point(history: &Value, activity: &str) -> i64 {
    let events = history["events"].as_array().expect("events");
    let mut last_wft = None;
    for e in events {
        let kind = e["eventType"].as_str().unwrap_or("");
        if kind.ends_with("WORKFLOW_TASK_COMPLETED") || kind == "WorkflowTaskCompleted" {
            last_wft = e["eventId"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .or(e["eventId"].as_i64());
        }
        let scheduled = e["activityTaskScheduledEventAttributes"]["activityType"]["name"]
            .as_str()
            .unwrap_or("");
        // Registered as `OptimizeActivities::<name>`.
        if scheduled.rsplit("::").next() == Some(activity) {
            return last_wft.expect("a workflow task before the activity");
        }
    }
    panic!("{activity} was never scheduled: {history}");
}

#[tokio::test]
async fn resetting_a_finished_optimisation_to_its_analysis_updates_the_one_row() {
    let s = stack();
    let user = s.new_user().await;
    let resume = resume_from_text(&user, "resumes/en_backend_maya_lindqvist.md").await;
    let job = create_job(
        &user,
        json!({ "resume_id": resume, "job_description": fixture_text("jobs/en_backend_engineer_ledgerline.txt") }),
    )
    .await;
    let id = job["id"].as_str().unwrap().to_string();
    let first = wait_job(&user, &id).await;
    assert_eq!(first["status"], "complete", "{}", first["error"]);
    let workflow_id = format!("optimize-job-{id}-1");
    let pool = s.db().await;
    let row_before: (uuid::Uuid, chrono::DateTime<chrono::Utc>) = sqlx::query_as(
        "select id, updated_at from optimizations where job_id = $1::uuid and run_no = 1",
    )
    .bind(&id)
    .fetch_one(&pool)
    .await
    .unwrap();

    let original_run = describe(&workflow_id)["workflowExecutionInfo"]["execution"]["runId"]
        .as_str()
        .unwrap()
        .to_string();
    let history: Value = serde_json::from_str(&temporal(&[
        "workflow",
        "show",
        "--workflow-id",
        &workflow_id,
        "--output",
        "json",
    ]))
    .unwrap();
    let event = reset_point(&history, "analyze_resume_vs_job").to_string();
    temporal(&[
        "workflow",
        "reset",
        "--workflow-id",
        &workflow_id,
        "--event-id",
        &event,
        "--reason",
        "e2e: re-run the analysis",
        "--yes",
    ]);

    // The reset run (a new run of the same workflow id) completes.
    let done = e2e::eventually(
        Duration::from_secs(120),
        "the reset run to complete",
        || {
            let workflow_id = workflow_id.clone();
            let original = original_run.clone();
            async move {
                let d = describe(&workflow_id);
                let info = &d["workflowExecutionInfo"];
                let run = info["execution"]["runId"]
                    .as_str()
                    .unwrap_or("")
                    .to_string();
                let completed = info["status"].as_str().unwrap_or("").contains("COMPLETED");
                (run != original && completed).then_some(d)
            }
        },
    )
    .await;
    assert!(!done["workflowExecutionInfo"]["execution"]["runId"].is_null());

    // …and leaves one row for the run, the same row, updated, with the same result.
    let rows: Vec<(
        uuid::Uuid,
        chrono::DateTime<chrono::Utc>,
        String,
        Option<i32>,
    )> = sqlx::query_as(
        "select id, updated_at, status::text, score from optimizations where job_id = $1::uuid",
    )
    .bind(&id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let (row_id, updated_at, status, score) = &rows[0];
    assert_eq!(*row_id, row_before.0, "the same row, not a new one");
    assert!(*updated_at > row_before.1, "the row was written again");
    assert_eq!(status, "complete");
    let after = wait_job(&user, &id).await;
    assert_eq!(after["status"], "complete", "{}", after["error"]);
    assert_eq!(after["run_count"], 1);
    assert_eq!(score.map(i64::from), first["result"]["score"].as_i64());
    assert_eq!(after["result"]["preview_md"], first["result"]["preview_md"]);
    pool.close().await;
}
