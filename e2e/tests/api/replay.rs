//! Histories of real runs replay against the workflow code. With
//! `RECORD_HISTORIES=1` the runs are also saved to `workflows/histories/`,
//! where `workflows/tests/replay.rs` replays them on every CI run.

use e2e::{Stack, fixture, n8n_stack, repo_root, stack};
use serde_json::json;
use std::time::Duration;
use temporalio_client::{WorkflowFetchHistoryOptions, WorkflowHistory};
use temporalio_sdk::workflow_replayer::{WorkflowReplayer, WorkflowReplayerOptions};

pub async fn replay_and_maybe_record(s: &Stack, workflow_id: &str, file_name: &str) {
    let client = s.temporal().await;
    let handle =
        client.get_workflow_handle::<temporalio_common::UntypedWorkflow>(workflow_id.to_string());
    let json = handle
        .fetch_history(WorkflowFetchHistoryOptions::default())
        .to_json()
        .await
        .expect("fetch history");
    let replayer = WorkflowReplayer::new(
        WorkflowReplayerOptions::new()
            .register_workflow::<workflows::ParseResume>()
            .unwrap()
            .register_workflow::<workflows::PurgeResume>()
            .unwrap()
            .register_workflow::<workflows::IngestJob>()
            .unwrap()
            .register_workflow::<workflows::OptimizeJob>()
            .unwrap()
            .register_workflow::<workflows::GenerateApplication>()
            .unwrap()
            .build(),
    )
    .unwrap();
    replayer
        .replay_workflow(WorkflowHistory::from_json(&json).unwrap())
        .await
        .unwrap_or_else(|e| panic!("fresh history of {workflow_id} does not replay: {e}"));
    if std::env::var("RECORD_HISTORIES").as_deref() == Ok("1") {
        let path = repo_root().join("workflows/histories").join(file_name);
        std::fs::write(&path, &json).expect("write history");
        eprintln!("recorded {}", path.display());
    }
}

#[tokio::test]
async fn parse_resume_runs_replay() {
    let s = stack();
    let user = s.new_user().await;
    let text = e2e::fixture_text("resumes/en_backend_maya_lindqvist.md");
    let c = user.create_text_resume("Replay me", &text).await;
    let id = c["resume"]["id"].as_str().unwrap().to_string();
    user.wait_parsed(&id).await;
    replay_and_maybe_record(
        s,
        c["workflow_id"].as_str().unwrap(),
        "parse_resume_text.json",
    )
    .await;

    let r = user
        .upload(
            fixture("resumes/ar_accountant_sara_almansouri.docx"),
            "sara.docx",
        )
        .await;
    let d = r.expect(202).clone();
    user.wait_parsed(d["resume"]["id"].as_str().unwrap()).await;
    replay_and_maybe_record(
        s,
        d["workflow_id"].as_str().unwrap(),
        "parse_resume_upload.json",
    )
    .await;

    let r = user
        .upload(fixture("bad_inputs/scanned_image_only.pdf"), "scan.pdf")
        .await;
    let d = r.expect(202).clone();
    user.wait_parsed(d["resume"]["id"].as_str().unwrap()).await;
    replay_and_maybe_record(
        s,
        d["workflow_id"].as_str().unwrap(),
        "parse_resume_failed.json",
    )
    .await;

    user.delete(&format!("/resumes/{id}")).await.expect(200);
    let purge = shared::contracts::purge_resume_workflow_id(id.parse().unwrap());
    replay_and_maybe_record(s, &purge, "purge_resume.json").await;
}

#[tokio::test]
async fn an_n8n_parse_run_replays() {
    let s = n8n_stack();
    let user = s.new_user().await;
    let r = user
        .upload(
            fixture("resumes/en_data_analyst_hannah_castellanos.pdf"),
            "h.pdf",
        )
        .await;
    let d = r.expect(202).clone();
    let version = d["version"]["id"].as_str().unwrap().to_string();
    let server = s.n8n.as_ref().unwrap();
    e2e::eventually(Duration::from_secs(20), "the webhook", || async {
        let reqs = server.received_requests().await.unwrap_or_default();
        reqs.iter()
            .any(|r| String::from_utf8_lossy(&r.body).contains(&version))
            .then_some(())
    })
    .await;
    let cb = e2e::TestUser::send(
        s.anonymous()
            .request(reqwest::Method::POST, "/callbacks/n8n/resume")
            .header("X-Workflow-Token", &s.workflow_token)
            .json(&json!({ "resume_version_id": version, "raw_text": e2e::fixture_text("resumes/en_data_analyst_hannah_castellanos.txt") })),
    )
    .await;
    cb.expect(200);
    user.wait_parsed(d["resume"]["id"].as_str().unwrap()).await;
    replay_and_maybe_record(
        s,
        d["workflow_id"].as_str().unwrap(),
        "parse_resume_n8n.json",
    )
    .await;
}

#[tokio::test]
async fn job_runs_replay() {
    let s = stack();
    let user = s.new_user().await;
    let resume = crate::jobs::resume_from_text(&user, "resumes/en_backend_maya_lindqvist.md").await;
    let job = crate::jobs::create_job(
        &user,
        json!({ "resume_id": resume, "job_url": format!("{}/job.html", s.pages.base_url) }),
    )
    .await;
    let id = job["id"].as_str().unwrap().to_string();
    crate::jobs::wait_job(&user, &id).await;
    replay_and_maybe_record(s, &format!("ingest-job-{id}"), "ingest_job_url.json").await;
    replay_and_maybe_record(s, &format!("optimize-job-{id}-1"), "optimize_job.json").await;

    let bad = crate::jobs::create_job(
        &user,
        json!({ "resume_id": resume, "job_url": "http://10.1.2.3/job" }),
    )
    .await;
    let bad_id = bad["id"].as_str().unwrap().to_string();
    crate::jobs::wait_job(&user, &bad_id).await;
    replay_and_maybe_record(s, &format!("ingest-job-{bad_id}"), "ingest_job_failed.json").await;
}
