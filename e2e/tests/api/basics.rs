//! Envelope, unknown routes, request ids, CORS, OpenAPI.

use e2e::{http::assert_envelope, stack};
use serde_json::json;

#[tokio::test]
async fn unknown_route_is_404_in_the_envelope() {
    let user = stack().new_user().await;
    let r = user.get("/no/such/route").await;
    r.expect_error(404, "not_found");
    let anon = stack().anonymous();
    anon.get("/nothing-here")
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn request_id_is_echoed_or_generated() {
    let user = stack().new_user().await;
    let r = e2e::TestUser::send(
        user.request(reqwest::Method::GET, "/resumes/not-a-uuid")
            .header("x-request-id", "my-trace-123"),
    )
    .await;
    r.expect_error(400, "bad_request");
    assert_eq!(r.headers["x-request-id"], "my-trace-123");
    assert_eq!(r.body["error"]["request_id"], "my-trace-123");

    let r = user.get("/resumes").await;
    r.expect(200);
    let id = r.headers["x-request-id"].to_str().unwrap();
    assert!(id.len() >= 32, "a generated id: {id}");
}

#[tokio::test]
async fn malformed_json_and_wrong_content_type_are_400() {
    let user = stack().new_user().await;
    let r = user
        .post_raw(
            "/resumes/from-text",
            "application/json",
            "{\"title\": \"x\", raw_text",
        )
        .await;
    let e = r.expect_error(400, "bad_request");
    assert!(e["message"].as_str().unwrap().contains("JSON"), "{e}");
    user.post_raw("/resumes/from-text", "text/plain", "hello")
        .await
        .expect_error(400, "bad_request");
}

#[tokio::test]
async fn wrong_field_types_are_422() {
    let user = stack().new_user().await;
    user.post_json(
        "/resumes/from-text",
        &json!({ "title": "t", "raw_text": 42 }),
    )
    .await
    .expect_error(422, "validation_failed");
    user.post_json("/resumes/from-text", &json!([1, 2, 3]))
        .await
        .expect_error(422, "validation_failed");
}

#[tokio::test]
async fn cors_allows_the_frontend_origin_only() {
    let anon = stack().anonymous();
    let preflight = |origin: &'static str| {
        anon.request(reqwest::Method::OPTIONS, "/resumes")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
    };
    let ok = e2e::TestUser::send(preflight("http://localhost:3000")).await;
    assert!(ok.status.is_success(), "{}", ok.status);
    assert_eq!(
        ok.headers["access-control-allow-origin"],
        "http://localhost:3000"
    );
    let other = e2e::TestUser::send(preflight("https://evil.example")).await;
    assert!(other.headers.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn openapi_describes_the_routes() {
    let anon = stack().anonymous();
    let r = anon.get("/openapi.json").await;
    assert_eq!(r.status, 200);
    let paths = r.body["paths"].as_object().expect("paths");
    for p in [
        "/health",
        "/resumes",
        "/resumes/from-text",
        "/resumes/{id}",
        "/resumes/{id}/versions",
    ] {
        assert!(paths.contains_key(p), "missing {p}");
    }
    assert!(r.body["components"]["schemas"]["ResumeView"].is_object());
    let schema = anon.get("/schemas/parsed_resume.json").await;
    assert_eq!(schema.status, 200);
    assert!(
        schema.body["properties"]["contact"].is_object(),
        "{}",
        schema.text
    );
    assert!(schema.body["properties"]["experience"].is_object());
    let docs = anon.get("/docs").await;
    assert_eq!(docs.status, 200);
    assert!(docs.text.contains("/openapi.json"));
}

#[tokio::test]
async fn pagination_params_are_validated() {
    let user = stack().new_user().await;
    user.get("/resumes?limit=0")
        .await
        .expect_error(422, "validation_failed");
    user.get("/resumes?limit=101")
        .await
        .expect_error(422, "validation_failed");
    user.get("/resumes?limit=abc")
        .await
        .expect_error(400, "bad_request");
    user.get("/resumes?cursor=garbage!")
        .await
        .expect_error(400, "bad_request");
    let r = user.get("/resumes?limit=100").await;
    assert_envelope(&r);
    assert_eq!(r.data()["items"], json!([]));
    assert!(r.data()["next_cursor"].is_null());
}

#[tokio::test]
async fn a_wrong_method_is_answered_in_the_envelope() {
    let user = stack().new_user().await;
    let r = e2e::TestUser::send(user.request(reqwest::Method::PUT, "/resumes")).await;
    assert_eq!(r.status, 405);
    assert_envelope(&r);
}

#[tokio::test]
async fn a_nul_character_in_text_is_422_not_500() {
    // Found by schemathesis: Postgres text cannot hold U+0000.
    let user = stack().new_user().await;
    let r = user
        .post_json(
            "/resumes/from-text",
            &json!({ "title": "CV\u{0}", "raw_text": "Jane Doe" }),
        )
        .await;
    let e = r.expect_error(422, "validation_failed");
    assert!(e["details"]["fields"]["title"].is_string(), "{e}");
}
