//! Replay safety: recorded histories must replay against today's workflow
//! code. A change that breaks determinism fails here; guard such changes with
//! `ctx.patched(..)` and record a new history next to the old one.
//!
//! Histories are recorded from real runs by the end-to-end suite
//! (`RECORD_HISTORIES=1 cargo test -p e2e`) and committed in `histories/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use temporalio_client::WorkflowHistory;
use temporalio_sdk::workflow_replayer::{WorkflowReplayer, WorkflowReplayerOptions};

fn history(name: &str) -> WorkflowHistory {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("histories")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    WorkflowHistory::from_json(&bytes).expect("a Temporal history in JSON")
}

fn replayer() -> WorkflowReplayer {
    let opts = WorkflowReplayerOptions::new()
        .register_workflow::<workflows::ParseResume>()
        .expect("register")
        .register_workflow::<workflows::PurgeResume>()
        .expect("register")
        .register_workflow::<workflows::IngestJob>()
        .expect("register")
        .register_workflow::<workflows::OptimizeJob>()
        .expect("register")
        .register_workflow::<workflows::GenerateApplication>()
        .expect("register")
        .build();
    WorkflowReplayer::new(opts).expect("replayer")
}

#[tokio::test]
async fn recorded_histories_replay() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("histories");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("histories/ exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    for expected in [
        "parse_resume_text.json",
        "parse_resume_upload.json",
        "parse_resume_n8n.json",
        "parse_resume_failed.json",
        "purge_resume.json",
        "ingest_job_url.json",
        "ingest_job_failed.json",
        "optimize_job.json",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "missing recorded history {expected} in {}",
            dir.display()
        );
    }
    let replayer = replayer();
    for name in names {
        replayer
            .replay_workflow(history(&name))
            .await
            .unwrap_or_else(|e| panic!("{name} no longer replays: {e}"));
    }
}

#[test]
fn workflow_names_match_the_contract() {
    use temporalio_common::{QueryDefinition, WorkflowDefinition};
    assert_eq!(
        workflows::ParseResume::run.name(),
        shared::contracts::PARSE_RESUME
    );
    assert_eq!(
        workflows::ParseResume::progress.name(),
        shared::contracts::PROGRESS_QUERY
    );
    assert_eq!(
        workflows::PurgeResume::run.name(),
        shared::contracts::PURGE_RESUME
    );
    assert_eq!(
        workflows::IngestJob::run.name(),
        shared::contracts::INGEST_JOB
    );
    assert_eq!(
        workflows::OptimizeJob::run.name(),
        shared::contracts::OPTIMIZE_JOB
    );
    assert_eq!(
        workflows::GenerateApplication::run.name(),
        shared::contracts::GENERATE_APPLICATION
    );
    assert_eq!(
        workflows::GenerateApplication::progress.name(),
        shared::contracts::PROGRESS_QUERY
    );
    assert_eq!(
        workflows::IngestJob::progress.name(),
        shared::contracts::PROGRESS_QUERY
    );
    assert_eq!(
        workflows::OptimizeJob::progress.name(),
        shared::contracts::PROGRESS_QUERY
    );
    use temporalio_common::SignalDefinition;
    assert_eq!(
        workflows::ParseResume::n8n_callback.name(),
        shared::contracts::N8N_CALLBACK_SIGNAL
    );
    assert_eq!(
        workflows::IngestJob::n8n_callback.name(),
        shared::contracts::N8N_CALLBACK_SIGNAL
    );
}

#[test]
fn search_attributes_match_temporal_config() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../temporal-config/search-attributes.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let listed: Vec<(String, String)> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            l.split_once('=')
                .map(|(a, b)| (a.to_string(), b.to_string()))
        })
        .collect();
    let expected: Vec<(String, String)> = shared::contracts::SEARCH_ATTRIBUTES
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(listed, expected);
}
