//! Issue 13, scenario 10: the audit trail. One test per security-relevant action: the
//! event is there with the user, the subject, the request id the caller saw in
//! `x-request-id` and the workflow id — and never a document's content or a secret.
//! A user reads only their own events, and cannot write any (RLS, raw SQL).

use crate::generation::{create_application, wait_generation};
use crate::jobs::{create_job, resume_from_text, wait_job};
use e2e::{Reply, TestUser, fixture, fixture_text, n8n_stack, stack};
use serde_json::{Value, json};
use std::time::Duration;

#[derive(Debug, Clone, sqlx::FromRow)]
struct Event {
    subject_type: Option<String>,
    subject_id: Option<uuid::Uuid>,
    request_id: Option<String>,
    workflow_id: Option<String>,
    detail: Value,
}

/// The user's events with this action, waiting a little for background writes.
async fn events(s: &e2e::Stack, user: uuid::Uuid, action: &str) -> Vec<Event> {
    let pool = s.db().await;
    let found = e2e::eventually(Duration::from_secs(10), action, || {
        let pool = pool.clone();
        async move {
            let rows: Vec<Event> = sqlx::query_as(
                "select subject_type, subject_id, request_id, workflow_id, detail
                 from audit_events where user_id = $1 and action = $2 order by created_at",
            )
            .bind(user)
            .bind(action)
            .fetch_all(&pool)
            .await
            .unwrap();
            (!rows.is_empty()).then_some(rows)
        }
    })
    .await;
    pool.close().await;
    found
}

fn request_id(r: &Reply) -> String {
    r.headers["x-request-id"].to_str().unwrap().to_string()
}

/// Nothing of the document's content, and no token, in any of the user's events.
async fn assert_no_content(s: &e2e::Stack, user: &TestUser, secrets: &[&str]) {
    let pool = s.db().await;
    let all: Vec<String> =
        sqlx::query_scalar("select row_to_json(a)::text from audit_events a where user_id = $1")
            .bind(user.id)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(!all.is_empty());
    for row in &all {
        assert!(!row.contains(&user.token), "a token in {row}");
        for s in secrets {
            assert!(!row.contains(s), "content {s:?} in {row}");
        }
    }
    pool.close().await;
}

#[tokio::test]
async fn resumes_created_versioned_linked_and_deleted_are_audited() {
    let s = stack();
    let user = s.new_user().await;
    let r = user
        .upload(fixture("resumes/en_backend_maya_lindqvist.pdf"), "maya.pdf")
        .await;
    let rid = request_id(&r);
    let d = r.expect(202).clone();
    let id = d["resume"]["id"].as_str().unwrap().to_string();
    let created = events(s, user.id, "resume.created").await;
    assert_eq!(created.len(), 1);
    let e = &created[0];
    assert_eq!(e.request_id.as_deref(), Some(rid.as_str()));
    assert_eq!(e.subject_type.as_deref(), Some("resume"));
    assert_eq!(e.subject_id.map(|u| u.to_string()), Some(id.clone()));
    assert_eq!(
        e.workflow_id.as_ref(),
        d["workflow_id"].as_str().map(str::to_string).as_ref()
    );
    assert_eq!(e.detail["source"], "upload");
    assert_eq!(e.detail["file_kind"], "pdf");
    user.wait_parsed(&id).await;

    let v = user
        .post_json(
            &format!("/resumes/{id}/versions"),
            &json!({ "raw_text": "Maya Lindqvist\nSecret-Marker-Line\nRust" }),
        )
        .await;
    v.expect(202);
    let added = events(s, user.id, "resume.version_added").await;
    assert_eq!(
        added[0].request_id.as_deref(),
        Some(request_id(&v).as_str())
    );
    assert_eq!(added[0].detail["source"], "text");

    let link = user.get(&format!("/resumes/{id}/file")).await;
    link.expect(200);
    let issued = events(s, user.id, "file_link.issued").await;
    assert_eq!(issued[0].detail["file"], "resume_original");
    assert_eq!(
        issued[0].request_id.as_deref(),
        Some(request_id(&link).as_str())
    );

    let del = user.delete(&format!("/resumes/{id}")).await;
    del.expect(200);
    let deleted = events(s, user.id, "resume.deleted").await;
    assert_eq!(
        deleted[0].subject_id.map(|u| u.to_string()),
        Some(id.clone())
    );
    assert_eq!(
        deleted[0].workflow_id.as_deref(),
        Some(format!("purge-resume-{id}").as_str())
    );
    assert_no_content(s, &user, &["Secret-Marker-Line", "Parcelwise"]).await;
}

#[tokio::test]
async fn jobs_and_applications_created_linked_and_deleted_are_audited() {
    let s = stack();
    let user = s.new_user().await;
    let resume = resume_from_text(&user, "resumes/en_backend_maya_lindqvist.md").await;
    let r = user
        .post_json(
            "/jobs",
            &json!({ "resume_id": resume, "job_description": fixture_text("jobs/en_backend_engineer_ledgerline.txt") }),
        )
        .await;
    let job = r.expect(202).clone();
    let job_id = job["id"].as_str().unwrap().to_string();
    let e = &events(s, user.id, "job.created").await[0];
    assert_eq!(e.request_id.as_deref(), Some(request_id(&r).as_str()));
    assert_eq!(e.subject_id.map(|u| u.to_string()), Some(job_id.clone()));
    assert_eq!(
        e.workflow_id.as_deref(),
        Some(format!("ingest-job-{job_id}").as_str())
    );
    wait_job(&user, &job_id).await;
    // Optimising the resume against the job again creates a job too.
    let again = create_job(
        &user,
        json!({ "resume_id": resume, "job_description": "Rust engineer\nMust have: Rust" }),
    )
    .await;
    assert_eq!(events(s, user.id, "job.created").await.len(), 2);
    wait_job(&user, again["id"].as_str().unwrap()).await;

    let (app, _) =
        create_application(&user, json!({ "resume_id": resume, "job_id": job_id })).await;
    let e = &events(s, user.id, "application.created").await[0];
    assert_eq!(e.subject_id.map(|u| u.to_string()), Some(app.clone()));
    assert_eq!(
        e.workflow_id.as_deref(),
        Some(format!("generate-application-{app}").as_str())
    );
    wait_generation(&user, &app).await;
    let links = events(s, user.id, "file_link.issued").await;
    let docs = links
        .iter()
        .find(|e| e.detail["file"] == "application_documents")
        .expect("signed CV links are audited");
    assert_eq!(docs.subject_type.as_deref(), Some("application"));

    user.delete(&format!("/applications/{app}"))
        .await
        .expect(200);
    let e = &events(s, user.id, "application.deleted").await[0];
    assert_eq!(e.subject_id.map(|u| u.to_string()), Some(app));
    assert_no_content(s, &user, &["Ledgerline", "Parcelwise"]).await;
}

#[tokio::test]
async fn rate_limit_refusals_are_audited() {
    let s = stack();
    let base = s.extra_gateway(|st| st.rate_limit_per_minute = 1).await;
    let user = s.new_user().await.on(&base);
    let body = json!({ "title": "CV", "raw_text": "Maya Lindqvist\nRust engineer" });
    user.post_json("/resumes/from-text", &body)
        .await
        .expect(202);
    let refused = user.post_json("/resumes/from-text", &body).await;
    refused.expect_error(429, "rate_limited");
    let e = &events(s, user.id, "rate_limit.refused").await[0];
    assert_eq!(e.request_id.as_deref(), Some(request_id(&refused).as_str()));
    assert!(
        e.detail["retry_after_secs"].as_u64().unwrap() >= 1,
        "{:?}",
        e.detail
    );
}

#[tokio::test]
async fn n8n_callbacks_accepted_and_refused_are_audited() {
    let s = n8n_stack();
    let user = s.new_user().await;
    let r = user
        .upload(fixture("resumes/en_backend_maya_lindqvist.pdf"), "maya.pdf")
        .await;
    let d = r.expect(202).clone();
    let version = d["version"]["id"].as_str().unwrap().to_string();
    let send = |token: &str, body: Value| {
        let rb = s
            .anonymous()
            .request(reqwest::Method::POST, "/callbacks/n8n/resume")
            .header("X-Workflow-Token", token.to_string())
            .json(&body);
        TestUser::send(rb)
    };
    // A wrong token, naming the user's version: refused, and the owner can see it.
    let forged = send(
        "wrong-token-wrong-token",
        json!({ "resume_version_id": version, "raw_text": "forged" }),
    )
    .await;
    forged.expect_error(401, "unauthorized");
    let e = &events(s, user.id, "callback.refused").await[0];
    assert_eq!(e.detail["outcome"], "unauthorized");
    assert_eq!(e.detail["callback"], "n8n_resume");
    assert_eq!(e.subject_id.map(|u| u.to_string()), Some(version.clone()));
    assert_eq!(e.request_id.as_deref(), Some(request_id(&forged).as_str()));

    // Wait for the workflow to ask n8n, then the real callback.
    let server = s.n8n.as_ref().unwrap();
    e2e::eventually(Duration::from_secs(20), "the n8n webhook", || async {
        let reqs = server.received_requests().await.unwrap_or_default();
        reqs.iter()
            .filter_map(|r| serde_json::from_slice::<Value>(&r.body).ok())
            .find(|b| b["resume_version_id"] == version.as_str())
    })
    .await;
    let ok = send(
        &s.workflow_token,
        json!({ "resume_version_id": version, "raw_text": fixture_text("resumes/en_backend_maya_lindqvist.md") }),
    )
    .await;
    ok.expect(200);
    let e = &events(s, user.id, "callback.accepted").await[0];
    assert_eq!(e.detail["outcome"], "ok");
    assert_no_content(s, &user, &["Parcelwise", &s.workflow_token]).await;

    // A refused callback for an unknown subject is kept with no user.
    let stranger = uuid::Uuid::new_v4();
    send(
        &s.workflow_token,
        json!({ "resume_version_id": stranger, "raw_text": "x" }),
    )
    .await
    .expect_error(404, "not_found");
    let pool = s.db().await;
    let anonymous: i64 = sqlx::query_scalar(
        "select count(*) from audit_events where user_id is null and action = 'callback.refused'
         and detail->>'outcome' = 'not_found'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(anonymous >= 1);
    pool.close().await;
}

#[tokio::test]
async fn users_read_only_their_own_audit_events_and_cannot_write_them() {
    let s = stack();
    let a = s.new_user().await;
    let b = s.new_user().await;
    for u in [&a, &b] {
        u.create_text_resume("CV", "Maya Lindqvist\nRust engineer")
            .await;
    }
    events(s, b.id, "resume.created").await;
    let pool = s.db().await;
    let claims = json!({ "sub": a.id, "role": "authenticated", "aud": "authenticated" });
    let mut tx = shared::db::begin_user_tx(&pool, &claims).await.unwrap();
    let owners: Vec<Option<uuid::Uuid>> = sqlx::query_scalar("select user_id from audit_events")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert!(!owners.is_empty());
    assert!(owners.iter().all(|o| *o == Some(a.id)), "{owners:?}");
    let forged =
        sqlx::query("insert into audit_events (user_id, action) values ($1, 'resume.deleted')")
            .bind(a.id)
            .execute(&mut *tx)
            .await;
    assert!(forged.is_err(), "a user must not write audit events");
    tx.rollback().await.unwrap();
    let mut tx = shared::db::begin_user_tx(&pool, &claims).await.unwrap();
    let erased = sqlx::query("delete from audit_events")
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(erased.rows_affected(), 0, "a user must not erase the trail");
    tx.rollback().await.unwrap();
    pool.close().await;
}
