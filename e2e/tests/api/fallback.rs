//! Issue 13, scenario 4: when the cloud LLM fails for good (no quota left, a storm of
//! 5xx outlasting the retry budget, answers that never fit the schema) a user still
//! gets a result: the step finishes on the offline engine and the run says so in
//! `report.warnings` (or the CV's `edit_report.warnings`) and in `token_usage`.
//! This is the product's default (`SMARTRESUME_LLM_FALLBACK=offline`), so it runs on a
//! `worker` child process configured as a deployment would be, against the cloud
//! stack's wire fakes; the shared cloud stack runs with `fail` to test the other mode.

use crate::cloud::{marker, resume_with_marker};
use crate::generation::{create_application, latest_cv, wait_generation};
use crate::jobs::{create_job, wait_job};
use crate::worker_process::start_polling_worker;
use e2e::{cloud_stack, fixture_text, openai::Rule};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

/// The cloud stack's providers as environment variables for a child worker.
pub(crate) fn cloud_env(s: &shared::config::Settings) -> Vec<(String, String)> {
    let mut env = vec![
        ("OPENAI_BASE_URL".to_string(), s.openai_base_url.clone()),
        (
            "SMARTRESUME_OPENAI_EMBEDDING_DIMS".into(),
            s.openai_embedding_dims.to_string(),
        ),
        (
            "SMARTRESUME_PROVIDER_RETRY_BUDGET_SECS".into(),
            s.provider_retry_budget_secs.to_string(),
        ),
        ("SMARTRESUME_FETCH_ALLOW".into(), s.fetch_allow.clone()),
        ("S3_REGION".into(), s.s3_region.clone()),
        (
            "S3_FORCE_PATH_STYLE".into(),
            s.s3_force_path_style.to_string(),
        ),
    ];
    let secrets = [
        ("OPENAI_API_KEY", s.openai_api_key.as_ref()),
        ("PINECONE_API_KEY", s.pinecone_api_key.as_ref()),
        ("S3_SECRET_ACCESS_KEY", s.s3_secret_access_key.as_ref()),
    ];
    for (k, v) in secrets {
        if let Some(v) = v {
            env.push((k.into(), v.expose_secret().to_string()));
        }
    }
    let plain = [
        ("PINECONE_INDEX_HOST", &s.pinecone_index_host),
        ("S3_ENDPOINT", &s.s3_endpoint),
        ("S3_BUCKET", &s.s3_bucket),
        ("S3_ACCESS_KEY_ID", &s.s3_access_key_id),
    ];
    for (k, v) in plain {
        if let Some(v) = v {
            env.push((k.into(), v.clone()));
        }
    }
    env
}

fn warnings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|w| w.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_cloud_model_fails_for_good_the_offline_engine_finishes_and_says_so() {
    let stack = cloud_stack();
    let openai = stack.openai.as_ref().unwrap();
    let queue = format!("fallback-{}", uuid::Uuid::new_v4());
    let mut child = start_polling_worker(
        &stack.temporal_target,
        &stack.db_url,
        &queue,
        &stack.blob_dir,
        &cloud_env(&stack.settings),
    );
    let q = queue.clone();
    let base = stack.extra_gateway(move |s| s.task_queue = q).await;
    let user = stack.new_user().await.on(&base);

    // 1. No quota left: permanent at the first answer. The analysis is the offline
    // engine's; writing the resume still uses the model.
    let m = marker();
    openai.fail_when(Rule {
        marker: m.clone(),
        schema: "match_analysis".into(),
        status: 429,
        headers: vec![],
        body: json!({"error": {"message": "You exceeded your current quota, please check your plan and billing details.", "type": "insufficient_quota", "code": "insufficient_quota"}}),
        times: None,
    });
    let resume = resume_with_marker(&user, &m).await;
    let job = create_job(
        &user,
        json!({ "resume_id": resume, "job_description": fixture_text("jobs/en_backend_engineer_ledgerline.txt") }),
    )
    .await;
    let d = wait_job(&user, job["id"].as_str().unwrap()).await;
    assert_eq!(d["status"], "complete", "{}", d["error"]);
    let r = &d["result"];
    let w = warnings(&r["report"]["warnings"]);
    assert!(
        w.iter().any(|w| w.contains("match analysis")
            && w.contains("offline engine")
            && w.contains("quota")),
        "{w:?}"
    );
    let step = &r["token_usage"]["by_step"]["analyze_resume_vs_job"];
    assert!(
        step["fallback"].as_str().unwrap_or("").contains("quota"),
        "{}",
        r["token_usage"]
    );
    assert!(r["score"].as_i64().unwrap() > 40, "a real analysis: {r}");
    assert!(!r["report"]["requirements"].as_array().unwrap().is_empty());
    assert_eq!(openai.chat_requests("match_analysis", &m).len(), 1);
    // The other steps still ran on the model.
    assert!(
        r["token_usage"]["by_step"]["generate_optimized_resume"]["fallback"].is_null(),
        "{}",
        r["token_usage"]
    );

    // 2. A 5xx storm on writing the resume that outlasts the retry budget.
    let m = marker();
    openai.fail_when(Rule {
        marker: m.clone(),
        schema: "optimized_resume".into(),
        status: 503,
        headers: vec![],
        body: json!({"error": {"message": "The engine is currently overloaded, please try again later.", "type": "server_error"}}),
        times: None,
    });
    let resume = resume_with_marker(&user, &m).await;
    let job = create_job(
        &user,
        json!({ "resume_id": resume, "job_description": fixture_text("jobs/en_backend_engineer_ledgerline.txt") }),
    )
    .await;
    let d = wait_job(&user, job["id"].as_str().unwrap()).await;
    assert_eq!(d["status"], "complete", "{}", d["error"]);
    let r = &d["result"];
    let w = warnings(&r["report"]["warnings"]);
    assert!(
        w.iter()
            .any(|w| w.contains("optimised resume") && w.contains("offline engine")),
        "{w:?}"
    );
    assert!(
        r["preview_md"].as_str().unwrap().contains("Maya Lindqvist"),
        "{}",
        r["preview_md"]
    );
    assert!(
        openai.chat_requests("optimized_resume", &m).len() >= 2,
        "retried within the budget before falling back"
    );

    // 3. A CV plan that never fits the schema: the offline planner plans it, the
    // documents are rendered, and the edit report says why.
    let m = format!("Garbage-{}", uuid::Uuid::new_v4().simple());
    openai.fail_when(Rule {
        marker: m.clone(),
        schema: "cv_edit_plan".into(),
        status: 200,
        headers: vec![],
        body: json!("{\"changes\": \"many\"}"),
        times: None,
    });
    let base_cv = engine::parse_resume(
        &fixture_text("resumes/en_backend_maya_lindqvist.md"),
        Some("en"),
    );
    let (id, _) = create_application(
        &user,
        json!({
            "base_cv": base_cv,
            "job_description": fixture_text("jobs/en_backend_engineer_ledgerline.txt"),
            "custom_instructions": format!("Keep it to one page ({m})."),
        }),
    )
    .await;
    let d = wait_generation(&user, &id).await;
    assert_eq!(d["generation_status"], "complete", "{d}");
    let cv = latest_cv(&d);
    assert_eq!(cv["status"], "complete", "{cv}");
    assert!(cv["pdf_url"].is_string(), "{cv}");
    let w = warnings(&cv["edit_report"]["warnings"]);
    assert!(
        w.iter()
            .any(|w| w.contains("CV plan") && w.contains("repair attempt")),
        "{w:?}"
    );
    assert_eq!(openai.chat_requests("cv_edit_plan", &m).len(), 2);

    let _ = child.kill();
    let _ = child.wait();
}
