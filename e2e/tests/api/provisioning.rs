//! Users the database has never seen (Supabase Auth in front of a database
//! whose `auth.users` nobody else fills), and deleted accounts.

use e2e::stack;
use serde_json::json;

const RESUME: &str = "Jane Doe\njane@example.com\n\nSkills\nRust, SQL, PostgreSQL";

#[tokio::test]
async fn a_never_seen_user_can_create_a_resume_and_a_job_straight_away() {
    let s = stack();
    let user = s.unknown_user();
    let created = user
        .post_json(
            "/resumes/from-text",
            &json!({ "title": "First", "raw_text": RESUME }),
        )
        .await;
    let resume_id = created.expect(202)["resume"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let job = user
        .post_json(
            "/jobs",
            &json!({ "resume_id": resume_id, "job_description": "Backend engineer\nRust and SQL required" }),
        )
        .await;
    assert_eq!(job.expect(202)["resume_id"], resume_id.as_str());
    let upload = user.upload(RESUME.as_bytes().to_vec(), "cv.txt").await;
    upload.expect(202);

    // The row carries the e-mail of the verified token.
    let db = s.db().await;
    let email: Option<String> = sqlx::query_scalar("select email from auth.users where id = $1")
        .bind(user.id)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(email, Some(format!("{}@example.test", user.id)));
    db.close().await;
}

#[tokio::test]
async fn two_concurrent_first_requests_of_a_new_user_both_succeed() {
    let user = stack().unknown_user();
    let body = json!({ "title": "Same time", "raw_text": RESUME });
    let (a, b) = tokio::join!(
        user.post_json("/resumes/from-text", &body),
        user.post_json("/resumes/from-text", &body),
    );
    a.expect(202);
    b.expect(202);
    let list = user.get("/resumes").await;
    assert_eq!(list.expect(200)["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn with_provisioning_off_a_deleted_account_keeps_its_401() {
    let s = stack();
    let base = s
        .extra_gateway(|settings| settings.provision_users = false)
        .await;
    let ghost = s.unknown_user().on(&base); // no auth.users row: deleted, or never signed up
    let r = ghost
        .post_json(
            "/resumes/from-text",
            &json!({ "title": "t", "raw_text": "text" }),
        )
        .await;
    let e = r.expect_error(401, "unauthorized");
    assert!(
        e["message"].as_str().unwrap().contains("no longer exists"),
        "{e}"
    );
    // A signed-up user is served by the same gateway.
    let known = s.new_user().await.on(&base);
    known
        .post_json(
            "/resumes/from-text",
            &json!({ "title": "t", "raw_text": "text" }),
        )
        .await
        .expect(202);
}
