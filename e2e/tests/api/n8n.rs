//! The n8n parse path, against a fake n8n (wiremock) that receives the
//! webhook; the test plays n8n's part by calling back (or not).

use e2e::{N8N_CALLBACK_TIMEOUT_SECS, TestUser, fixture, n8n_stack};
use serde_json::{Value, json};
use std::time::Duration;

/// The webhook n8n received for this version (waits for it).
async fn webhook_for(version_id: &str) -> Value {
    let server = n8n_stack().n8n.as_ref().unwrap();
    e2e::eventually(Duration::from_secs(20), "the n8n webhook", || async {
        let reqs = server.received_requests().await.unwrap_or_default();
        reqs.iter()
            .filter_map(|r| serde_json::from_slice::<Value>(&r.body).ok())
            .find(|b| b["resume_version_id"] == version_id)
    })
    .await
}

/// n8n calling back: no bearer token, maybe an `X-Workflow-Token`.
async fn post_callback(token: Option<&str>, body: &Value) -> e2e::Reply {
    let mut rb = n8n_stack()
        .anonymous()
        .request(reqwest::Method::POST, "/callbacks/n8n/resume")
        .json(body);
    if let Some(t) = token {
        rb = rb.header("X-Workflow-Token", t);
    }
    TestUser::send(rb).await
}

async fn upload(user: &TestUser) -> (String, String) {
    let r = user
        .upload(fixture("resumes/en_backend_maya_lindqvist.pdf"), "maya.pdf")
        .await;
    let d = r.expect(202);
    (
        d["resume"]["id"].as_str().unwrap().to_string(),
        d["version"]["id"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn n8n_parses_the_file_and_calls_back() {
    let s = n8n_stack();
    let user = s.new_user().await;
    let (id, version) = upload(&user).await;
    let hook = webhook_for(&version).await;

    // n8n downloads the file from the signed link it was given, no token needed.
    let file = reqwest::get(hook["file_url"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(
        file.bytes().await.unwrap().to_vec(),
        fixture("resumes/en_backend_maya_lindqvist.pdf")
    );
    assert_eq!(
        hook["callback_url"],
        format!("{}/callbacks/n8n/resume", s.base_url)
    );

    let text = e2e::fixture_text("resumes/en_backend_maya_lindqvist.md");
    let body = json!({
        "resume_version_id": version,
        "raw_text": text,
        "content_md": "# Maya Lindqvist\n\nParsed by n8n.",
    });
    let r = post_callback(Some(&s.workflow_token), &body).await;
    assert_eq!(r.expect(200)["duplicate"], false);
    let d = user.wait_parsed(&id).await;
    assert_eq!(d["parse_status"], "parsed", "{}", d["error"]);
    assert_eq!(d["content_md"], "# Maya Lindqvist\n\nParsed by n8n.");
    assert!(
        d["raw_text"]
            .as_str()
            .unwrap()
            .contains("Parcelwise Logistics")
    );
    assert_eq!(d["parsed_json"]["contact"]["name"], "Maya Lindqvist");

    // The same callback again: 200, nothing happens a second time.
    let again = post_callback(Some(&s.workflow_token), &body).await;
    assert_eq!(again.expect(200)["duplicate"], true);
    let db = s.db().await;
    let inbox: i64 =
        sqlx::query_scalar("select count(*) from workflow_inbox where subject_id = $1::uuid")
            .bind(&version)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(inbox, 1);
    // A different late callback for a finished version is a conflict, not a 5xx.
    let late = post_callback(
        Some(&s.workflow_token),
        &json!({ "resume_version_id": version, "raw_text": "other" }),
    )
    .await;
    late.expect_error(409, "conflict");
}

#[tokio::test]
async fn without_a_callback_the_workflow_falls_back_to_local_parsing() {
    let s = n8n_stack();
    let user = s.new_user().await;
    let started = std::time::Instant::now();
    let (id, version) = upload(&user).await;
    webhook_for(&version).await;
    let d = user.wait_parsed(&id).await;
    assert_eq!(d["parse_status"], "parsed", "{}", d["error"]);
    assert!(
        started.elapsed() >= Duration::from_secs(N8N_CALLBACK_TIMEOUT_SECS),
        "waited for n8n first"
    );
    assert_eq!(
        d["parsed_json"]["contact"]["email"],
        "maya.lindqvist@example.com"
    );
}

#[tokio::test]
async fn a_callback_with_an_error_fails_the_version_with_that_reason() {
    let s = n8n_stack();
    let user = s.new_user().await;
    let (id, version) = upload(&user).await;
    webhook_for(&version).await;
    let r = post_callback(
        Some(&s.workflow_token),
        &json!({ "resume_version_id": version, "error": "OCR service quota exceeded" }),
    )
    .await;
    r.expect(200);
    let d = user.wait_parsed(&id).await;
    assert_eq!(d["parse_status"], "failed");
    assert!(
        d["error"]
            .as_str()
            .unwrap()
            .contains("OCR service quota exceeded"),
        "{}",
        d["error"]
    );
}

#[tokio::test]
async fn callbacks_need_the_token_and_a_known_version() {
    let s = n8n_stack();
    let body = json!({ "resume_version_id": uuid::Uuid::new_v4(), "raw_text": "x" });
    post_callback(None, &body)
        .await
        .expect_error(401, "unauthorized");
    post_callback(Some("wrong-token-wrong-token"), &body)
        .await
        .expect_error(401, "unauthorized");
    post_callback(Some(&s.workflow_token), &body)
        .await
        .expect_error(404, "not_found");
    post_callback(
        Some(&s.workflow_token),
        &json!({ "resume_version_id": "nope" }),
    )
    .await
    .expect_error(400, "bad_request");
    post_callback(Some(&s.workflow_token), &json!({ "raw_text": "x" }))
        .await
        .expect_error(422, "validation_failed");
}

/// The job webhook n8n received for this job (waits for it).
async fn job_webhook_for(job_id: &str) -> Value {
    let server = n8n_stack().n8n.as_ref().unwrap();
    e2e::eventually(Duration::from_secs(20), "the n8n job webhook", || async {
        let reqs = server.received_requests().await.unwrap_or_default();
        reqs.iter()
            .filter(|r| r.url.path() == "/webhook/job")
            .filter_map(|r| serde_json::from_slice::<Value>(&r.body).ok())
            .find(|b| b["job_id"] == job_id)
    })
    .await
}

async fn url_job(user: &TestUser) -> String {
    let s = n8n_stack();
    let c = user
        .create_text_resume(
            "CV",
            &e2e::fixture_text("resumes/en_backend_maya_lindqvist.md"),
        )
        .await;
    let resume = c["resume"]["id"].as_str().unwrap().to_string();
    user.wait_parsed(&resume).await;
    let r = user
        .post_json(
            "/jobs",
            &json!({ "resume_id": resume, "job_url": format!("{}/job.html", s.pages.base_url) }),
        )
        .await;
    r.expect(202)["id"].as_str().unwrap().to_string()
}

async fn job_callback(body: &Value) -> e2e::Reply {
    let s = n8n_stack();
    TestUser::send(
        s.anonymous()
            .request(reqwest::Method::POST, "/callbacks/n8n/job")
            .header("X-Workflow-Token", &s.workflow_token)
            .json(body),
    )
    .await
}

#[tokio::test]
async fn n8n_scrapes_a_url_job_and_calls_back() {
    let s = n8n_stack();
    let user = s.new_user().await;
    let id = url_job(&user).await;
    let hook = job_webhook_for(&id).await;
    assert_eq!(
        hook["callback_url"],
        format!("{}/callbacks/n8n/job", s.base_url)
    );
    assert!(hook["job_url"].as_str().unwrap().ends_with("/job.html"));
    let body = json!({
        "job_id": id,
        "title": "Senior Backend Engineer (Rust)",
        "company": "Ledgerline Payments",
        "job_description": e2e::fixture_text("jobs/en_backend_engineer_ledgerline.txt"),
    });
    job_callback(&body).await.expect(200);
    assert_eq!(job_callback(&body).await.expect(200)["duplicate"], true);
    let d = crate::jobs::wait_job(&user, &id).await;
    assert_eq!(d["status"], "complete", "{}", d["error"]);
    assert_eq!(d["company"], "Ledgerline Payments");
    assert!(
        d["job_description"]
            .as_str()
            .unwrap()
            .contains("Requirements")
    );
}

#[tokio::test]
async fn without_a_job_callback_the_page_is_fetched_locally() {
    let s = n8n_stack();
    let user = s.new_user().await;
    let id = url_job(&user).await;
    job_webhook_for(&id).await;
    let d = crate::jobs::wait_job(&user, &id).await;
    assert_eq!(d["status"], "complete", "{}", d["error"]);
    assert_eq!(d["title"], "Senior Backend Engineer (Rust)");
}

#[tokio::test]
async fn a_job_callback_with_an_error_fails_the_job() {
    let s = n8n_stack();
    let user = s.new_user().await;
    let id = url_job(&user).await;
    job_webhook_for(&id).await;
    job_callback(&json!({ "job_id": id, "error": "page behind a login" }))
        .await
        .expect(200);
    let d = crate::jobs::wait_job(&user, &id).await;
    assert_eq!(d["status"], "failed");
    assert!(d["error"].as_str().unwrap().contains("page behind a login"));
    // Token and id rules as for resumes.
    let anon = TestUser::send(
        s.anonymous()
            .request(reqwest::Method::POST, "/callbacks/n8n/job")
            .json(&json!({ "job_id": id })),
    )
    .await;
    anon.expect_error(401, "unauthorized");
    job_callback(&json!({ "job_id": uuid::Uuid::new_v4() }))
        .await
        .expect_error(404, "not_found");
}
