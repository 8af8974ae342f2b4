//! The cloud providers end to end: the worker on OpenAI (structured outputs)
//! and Pinecone, both fakes speaking the real wire protocols, through the
//! real router and Temporal — and what users see when OpenAI misbehaves.

use crate::jobs::{create_job, wait_job};
use e2e::{TestUser, cloud_stack, fixture, fixture_text, openai::Rule};
use serde_json::{Value, json};
use uuid::Uuid;

const RESUME: &str = "resumes/en_backend_maya_lindqvist.md";
const JOB: &str = "jobs/en_backend_engineer_ledgerline.txt";

/// A resume whose text carries `marker`, so scripted failures hit only
/// this test's requests.
pub async fn resume_with_marker(user: &TestUser, marker: &str) -> String {
    // A line about Rust and PostgreSQL: retrieval keeps it in the prompts.
    let text = format!(
        "{}- **Community:** Rust and PostgreSQL meetup organiser ({marker})\n",
        fixture_text(RESUME)
    );
    let c = user.create_text_resume("CV", &text).await;
    let id = c["resume"]["id"].as_str().unwrap().to_string();
    let r = user.wait_parsed(&id).await;
    assert_eq!(r["parse_status"], "parsed", "{r}");
    id
}

pub fn marker() -> String {
    format!("mk{}", Uuid::new_v4().simple())
}

#[tokio::test]
async fn an_optimisation_on_openai_is_structured_retrieved_verified_and_costed() {
    let stack = cloud_stack();
    let openai = stack.openai.as_ref().unwrap();
    let user = stack.new_user().await;

    let health = user.get("/health").await.expect(200).clone();
    assert_eq!(health["providers"]["llm"], "openai:gpt-4o-mini", "{health}");
    assert_eq!(
        health["providers"]["embeddings"], "openai:text-embedding-3-small",
        "{health}"
    );

    let m = marker();
    let resume = resume_with_marker(&user, &m).await;
    // The resume was structured by the model, from its text.
    let parse = openai.chat_requests("parsed_resume", &m);
    assert_eq!(parse.len(), 1);
    assert!(
        parse[0]["messages"][1]["content"]
            .as_str()
            .unwrap()
            .contains("Maya Lindqvist")
    );

    let posting = fixture_text(JOB);
    let job = create_job(
        &user,
        json!({ "resume_id": resume, "job_description": posting }),
    )
    .await;
    let id = job["id"].as_str().unwrap();
    let d = wait_job(&user, id).await;
    assert_eq!(d["status"], "complete", "{}", d["error"]);
    let r = &d["result"];
    let score = r["score"].as_i64().unwrap();
    assert!((1..=100).contains(&score), "{score}");

    // Every requirement checked, with verbatim evidence from the resume.
    let reqs = r["report"]["requirements"].as_array().unwrap();
    assert!(!reqs.is_empty());
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let resume_text = squash(&fixture_text(RESUME));
    for req in reqs {
        for e in req["evidence"].as_array().unwrap() {
            assert!(
                resume_text.contains(&squash(e["quote"].as_str().unwrap()))
                    || e["quote"].as_str().unwrap().contains(&m),
                "{e}"
            );
        }
    }

    // The model's invented achievement did not survive the verifier.
    let md = r["preview_md"].as_str().unwrap();
    assert!(md.contains("Maya Lindqvist"), "{md}");
    assert!(!md.contains("Google"), "invented claim kept:\n{md}");
    assert!(
        r["report"]["warnings"].to_string().contains("Google"),
        "the removal is reported: {}",
        r["report"]["warnings"]
    );

    // Tokens and cost of the run.
    let usage = &r["token_usage"];
    assert_eq!(usage["engine"], "openai:gpt-4o-mini", "{usage}");
    // Parsing the posting, the analysis and the generation.
    assert_eq!(usage["calls"], 3, "{usage}");
    assert_eq!(
        usage["by_step"]["parse_job_description"]["calls"], 1,
        "{usage}"
    );
    let prompt = usage["prompt_tokens"].as_u64().unwrap();
    let completion = usage["completion_tokens"].as_u64().unwrap();
    assert!(prompt > 100 && completion > 10, "{usage}");
    assert_eq!(usage["total_tokens"].as_u64().unwrap(), prompt + completion);
    assert!(
        usage["estimated_cost_usd"].as_f64().unwrap() > 0.0,
        "{usage}"
    );
    assert!(
        usage["by_step"]["analyze_resume_vs_job"]["calls"] == 1,
        "{usage}"
    );

    // What was sent: strict structured outputs, retrieved chunks rather than
    // the posting (its "how to apply" section never leaves).
    let analyze = openai.chat_requests("match_analysis", &m);
    assert_eq!(analyze.len(), 1);
    assert_eq!(analyze[0]["response_format"]["json_schema"]["strict"], true);
    let sent = analyze[0]["messages"][1]["content"].as_str().unwrap();
    assert!(sent.contains("RESUME EXCERPTS\n[E1]"), "{sent}");
    let tail: String = posting
        .lines()
        .rev()
        .find(|l| l.trim().len() > 30)
        .unwrap()
        .trim()
        .to_string();
    assert!(!sent.contains(&tail), "the whole posting was sent: {tail}");

    // Vectors live in Pinecone, in the user's namespace; deleting the resume
    // removes its vectors there, and those of its jobs.
    let pinecone = stack.pinecone.as_ref().unwrap();
    let ns = user.id.to_string();
    let before = pinecone.count(&ns);
    assert!(
        before >= 2,
        "resume and job chunks in the user's namespace: {before}"
    );
    assert!(
        pinecone
            .requests()
            .iter()
            .any(|(p, b)| p == "/query" && b["namespace"] == ns.as_str())
    );
    assert_eq!(health["providers"]["vectors"], "pinecone", "{health}");
    user.delete(&format!("/resumes/{resume}")).await.expect(200);
    e2e::eventually(
        std::time::Duration::from_secs(60),
        "the resume's vectors to go",
        || async { (pinecone.count(&ns) < before).then_some(()) },
    )
    .await;
    assert!(
        pinecone
            .requests()
            .iter()
            .any(|(p, b)| p == "/vectors/delete"
                && b["namespace"] == ns.as_str()
                && b["filter"].to_string().contains(&resume)),
        "deleted by filter"
    );

    // Embeddings went to OpenAI, with the configured size.
    assert!(
        openai.requests().iter().any(
            |(p, b)| p.ends_with("/embeddings") && b["dimensions"] == e2e::CLOUD_EMBEDDING_DIMS
        )
    );
}

/// A job whose analysis requests get the scripted answer (`times` times, or
/// always); the finished job and how many analysis requests were made.
async fn job_with_scripted_analysis(
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
    times: Option<usize>,
) -> (Value, usize) {
    let stack = cloud_stack();
    let openai = stack.openai.as_ref().unwrap();
    let user = stack.new_user().await;
    let m = marker();
    openai.fail_when(Rule {
        marker: m.clone(),
        schema: "match_analysis".into(),
        status,
        headers,
        body,
        times,
    });
    let resume = resume_with_marker(&user, &m).await;
    let job = create_job(
        &user,
        json!({ "resume_id": resume, "job_description": fixture_text(JOB) }),
    )
    .await;
    let d = wait_job(&user, job["id"].as_str().unwrap()).await;
    (d, openai.chat_requests("match_analysis", &m).len())
}

async fn failing_job(body: Value, status: u16, times: Option<usize>) -> (Value, usize) {
    job_with_scripted_analysis(status, vec![], body, times).await
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_with_the_servers_delay() {
    let (d, calls) = job_with_scripted_analysis(
        429,
        vec![("retry-after".into(), "1".into())],
        json!({"error": {"message": "Rate limit reached for gpt-4o-mini", "type": "requests", "code": "rate_limit_exceeded"}}),
        Some(1),
    )
    .await;
    assert_eq!(d["status"], "complete", "{}", d["error"]);
    assert_eq!(calls, 2, "one 429, one retry");
}

#[tokio::test]
async fn persistent_server_errors_end_with_the_job_failed_and_a_readable_reason() {
    let (d, calls) = failing_job(
        json!({"error": {"message": "The server had an error while processing your request.", "type": "server_error"}}),
        500,
        None,
    )
    .await;
    assert_eq!(d["status"], "failed");
    let err = d["error"].as_str().unwrap();
    assert!(err.contains("OpenAI answered HTTP 500"), "{err}");
    assert!(err.contains("try again later"), "{err}");
    assert!(calls >= 2, "retried before giving up: {calls}");
}

#[tokio::test]
async fn an_exhausted_quota_fails_fast_without_retries() {
    let (d, calls) = failing_job(
        json!({"error": {"message": "You exceeded your current quota, please check your plan and billing details.", "type": "insufficient_quota", "code": "insufficient_quota"}}),
        429,
        None,
    )
    .await;
    assert_eq!(d["status"], "failed");
    assert!(
        d["error"].as_str().unwrap().contains("no quota left"),
        "{}",
        d["error"]
    );
    assert_eq!(calls, 1);
}

#[tokio::test]
async fn answers_that_never_fit_the_schema_fail_after_one_repair() {
    let (d, calls) = failing_job(json!("{\"score\": \"excellent\"}"), 200, None).await;
    assert_eq!(d["status"], "failed");
    let err = d["error"].as_str().unwrap();
    assert!(
        err.contains("repair attempt") && err.contains("schema"),
        "{err}"
    );
    assert_eq!(calls, 2);
}

#[tokio::test]
async fn uploads_live_in_s3_and_download_through_a_presigned_url() {
    let stack = cloud_stack();
    let user = stack.new_user().await;
    let health = user.get("/health").await.expect(200).clone();
    assert_eq!(health["providers"]["storage"], "s3", "{health}");

    let original = fixture("resumes/en_backend_maya_lindqvist.docx");
    let r = user.upload(original.clone(), "maya.docx").await;
    let id = r.expect(202)["resume"]["id"].as_str().unwrap().to_string();
    let parsed = user.wait_parsed(&id).await;
    assert_eq!(parsed["parse_status"], "parsed", "{parsed}");

    let link = user.get(&format!("/resumes/{id}/file")).await;
    let d = link.expect(200).clone();
    let url = d["url"].as_str().unwrap();
    let moto = stack.s3.as_ref().unwrap();
    // A presigned S3 URL on the bucket's endpoint, not a gateway link.
    assert!(
        url.starts_with(&format!(
            "{}/{}/resumes/{}/{id}/",
            moto.url,
            e2e::CLOUD_BUCKET,
            user.id
        )),
        "{url}"
    );
    assert!(url.contains("X-Amz-Signature="), "{url}");
    assert!(d["expires_at"].is_string());
    let res = reqwest::get(url).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().to_vec(), original);

    // Deleting the resume deletes the stored original.
    user.delete(&format!("/resumes/{id}")).await.expect(200);
    let key = url::Url::parse(url).unwrap().path().to_string();
    e2e::eventually(
        std::time::Duration::from_secs(60),
        "the original to be deleted",
        || async {
            let status = reqwest::get(format!("{}{key}", moto.url))
                .await
                .unwrap()
                .status();
            (status == 404).then_some(())
        },
    )
    .await;
}
