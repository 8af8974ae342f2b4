//! Histories of real runs replay against the workflow code. With
//! `RECORD_HISTORIES=1` the run is also saved to `workflows/histories/`, where
//! `workflows/tests/replay.rs` replays it on every CI run.

use e2e::{repo_root, stack};
use temporalio_client::{WorkflowFetchHistoryOptions, WorkflowHistory};
use temporalio_sdk::workflow_replayer::{WorkflowReplayer, WorkflowReplayerOptions};

pub async fn replay_and_maybe_record(workflow_id: &str, file_name: &str) {
    let client = stack().temporal().await;
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
async fn a_parse_resume_run_replays() {
    let user = stack().new_user().await;
    let text = e2e::fixture_text("resumes/en_backend_maya_lindqvist.md");
    let c = user.create_text_resume("Replay me", &text).await;
    user.wait_parsed(c["resume"]["id"].as_str().unwrap()).await;
    replay_and_maybe_record(c["workflow_id"].as_str().unwrap(), "parse_resume_text.json").await;
}
