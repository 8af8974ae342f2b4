//! Resumes from text: create → ParseResume → read; validation; isolation.

use e2e::{fixture_text, stack};
use serde_json::json;

#[tokio::test]
async fn an_english_resume_from_text_is_parsed() {
    let user = stack().new_user().await;
    let text = fixture_text("resumes/en_data_analyst_hannah_castellanos.txt");
    let created = user.create_text_resume("Data analyst CV", &text).await;
    let resume_id = created["resume"]["id"].as_str().unwrap().to_string();
    let version_id = created["version"]["id"].as_str().unwrap();
    assert_eq!(created["workflow_id"], format!("parse-resume-{version_id}"));
    assert_eq!(created["version"]["version_no"], 1);
    assert_eq!(created["resume"]["title"], "Data analyst CV");
    assert_eq!(created["resume"]["parse_status"], "pending");

    let parsed = user.wait_parsed(&resume_id).await;
    assert_eq!(parsed["parse_status"], "parsed", "{parsed}");
    assert_eq!(parsed["detected_lang"], "en");
    assert_eq!(parsed["active_version_id"], version_id);
    let md = parsed["content_md"].as_str().unwrap();
    assert!(md.len() > 200, "content_md: {md}");
    assert!(md.to_lowercase().contains("hannah castellanos"), "{md}");
    assert!(
        parsed["parsed_json"]["sections"]
            .as_array()
            .is_some_and(|s| !s.is_empty())
    );
    assert!(
        parsed["raw_text"]
            .as_str()
            .unwrap()
            .contains("hannah.castellanos@example.org")
    );
    assert!(parsed["error"].is_null());
}

#[tokio::test]
async fn an_arabic_resume_from_text_is_detected_as_arabic() {
    let user = stack().new_user().await;
    let text = fixture_text("resumes/ar_accountant_sara_almansouri.txt");
    let created = user.create_text_resume("سيرة ذاتية", &text).await;
    let id = created["resume"]["id"].as_str().unwrap();
    let parsed = user.wait_parsed(id).await;
    assert_eq!(parsed["parse_status"], "parsed", "{parsed}");
    assert_eq!(parsed["detected_lang"], "ar");
    assert!(
        parsed["content_md"]
            .as_str()
            .unwrap()
            .contains("سارة خالد المنصوري")
    );
    assert_eq!(parsed["title"], "سيرة ذاتية");
}

#[tokio::test]
async fn another_user_gets_404_for_my_resume() {
    let owner = stack().new_user().await;
    let other = stack().new_user().await;
    let created = owner
        .create_text_resume("Mine", "Jane Doe\njane@example.com\nSkills: Rust")
        .await;
    let id = created["resume"]["id"].as_str().unwrap();
    other
        .get(&format!("/resumes/{id}"))
        .await
        .expect_error(404, "not_found");
    other
        .get(&format!("/resumes/{id}/versions"))
        .await
        .expect_error(404, "not_found");
    other
        .delete(&format!("/resumes/{id}"))
        .await
        .expect_error(404, "not_found");
    let list = other.get("/resumes").await;
    assert_eq!(list.expect(200)["items"], json!([]));
    // Still there for the owner.
    owner.get(&format!("/resumes/{id}")).await.expect(200);
}

#[tokio::test]
async fn validation_errors_name_the_field() {
    let user = stack().new_user().await;
    let cases = [
        (json!({ "title": "t", "raw_text": "" }), "raw_text"),
        (
            json!({ "title": "t", "raw_text": " \n\t\u{00a0} " }),
            "raw_text",
        ),
        (json!({ "title": "t" }), "raw_text"),
        (
            json!({ "title": "t", "raw_text": "text", "resume_lang": "fr" }),
            "resume_lang",
        ),
        (
            json!({ "title": "t", "raw_text": "text", "resume_lang": "EN" }),
            "resume_lang",
        ),
        (json!({ "title": "", "raw_text": "text" }), "title"),
        (
            json!({ "title": "t".repeat(201), "raw_text": "text" }),
            "title",
        ),
        (
            json!({ "title": "t", "raw_text": "a".repeat(200_001) }),
            "raw_text",
        ),
    ];
    for (body, field) in cases {
        let r = user.post_json("/resumes/from-text", &body).await;
        let e = r.expect_error(422, "validation_failed");
        assert!(e["details"]["fields"][field].is_string(), "{field}: {e}");
    }
    // Nothing was created by any of them.
    assert_eq!(user.get("/resumes").await.expect(200)["items"], json!([]));
}

#[tokio::test]
async fn an_oversized_body_is_413() {
    let user = stack().new_user().await;
    let huge = "x".repeat(3 * 1024 * 1024);
    let r = user
        .post_json(
            "/resumes/from-text",
            &json!({ "title": "t", "raw_text": huge }),
        )
        .await;
    r.expect_error(413, "payload_too_large");
}

#[tokio::test]
async fn unparsable_ids_are_400() {
    let user = stack().new_user().await;
    user.get("/resumes/123")
        .await
        .expect_error(400, "bad_request");
    user.delete("/resumes/zzz")
        .await
        .expect_error(400, "bad_request");
    user.get(&format!("/resumes/{}", uuid::Uuid::new_v4()))
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn listing_is_newest_first_with_a_working_cursor() {
    let user = stack().new_user().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let c = user
            .create_text_resume(&format!("R{i}"), &format!("Person {i}\nSkills: Go"))
            .await;
        ids.push(c["resume"]["id"].as_str().unwrap().to_string());
    }
    ids.reverse();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/resumes?limit=2&cursor={c}"),
            None => "/resumes?limit=2".to_string(),
        };
        let r = user.get(&path).await;
        let d = r.expect(200);
        let items = d["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|i| i["id"].as_str().unwrap().to_string()));
        match d["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, ids);
}

#[tokio::test]
async fn versions_and_delete() {
    let user = stack().new_user().await;
    let c = user
        .create_text_resume(
            "To delete",
            "Sam Lee\nsam@example.com\nExperience\nEngineer at Foo",
        )
        .await;
    let id = c["resume"]["id"].as_str().unwrap();
    user.wait_parsed(id).await;
    let v = user.get(&format!("/resumes/{id}/versions")).await;
    let versions = v.expect(200).as_array().unwrap().clone();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0]["parse_status"], "parsed");

    let d = user.delete(&format!("/resumes/{id}")).await;
    assert_eq!(d.expect(200), &json!({ "deleted": true }));
    user.get(&format!("/resumes/{id}"))
        .await
        .expect_error(404, "not_found");
    user.delete(&format!("/resumes/{id}"))
        .await
        .expect_error(404, "not_found");
    let db = stack().db().await;
    let left: i64 =
        sqlx::query_scalar("select count(*) from resume_versions where resume_id = $1::uuid")
            .bind(id)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn the_workflow_is_readable_in_temporal() {
    use temporalio_client::WorkflowDescribeOptions;
    let user = stack().new_user().await;
    let c = user
        .create_text_resume("Visible", "Ann Example\nann@example.com\nSkills: SQL")
        .await;
    let id = c["resume"]["id"].as_str().unwrap();
    user.wait_parsed(id).await;
    let client = stack().temporal().await;
    let wf = c["workflow_id"].as_str().unwrap();
    let handle =
        client.get_workflow_handle::<shared::contracts::ParseResumeWorkflow>(wf.to_string());
    let d = handle
        .describe(WorkflowDescribeOptions::default())
        .await
        .unwrap();
    assert_eq!(
        d.search_attributes().get(&shared::contracts::SA_USER_ID),
        Some(user.id.to_string())
    );
    assert_eq!(
        d.search_attributes().get(&shared::contracts::SA_RESUME_ID),
        Some(id.to_string())
    );
    assert!(d.static_summary().unwrap_or_default().contains("Visible"));
}
