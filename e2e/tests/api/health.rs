//! `GET /health`: real checks, 503 naming the failing part.

use e2e::stack;
use shared::config::{Component, Settings};

#[tokio::test]
async fn health_is_ok_when_everything_is_up() {
    let r = stack().anonymous().get("/health").await;
    let d = r.expect(200);
    assert_eq!(d["status"], "ok");
    assert_eq!(d["database"], "ok");
    assert_eq!(d["temporal"], "ok");
    // With no keys, every capability runs on the embedded default.
    assert_eq!(
        d["providers"],
        serde_json::json!({
            "llm": "offline", "embeddings": "local", "vectors": "postgres",
            "storage": "local", "resume_parsing": "local", "job_scraping": "local"
        })
    );
}

/// A second gateway whose settings point somewhere else.
pub async fn gateway_with(overrides: &[(&str, &str)]) -> e2e::TestUser {
    let s = stack();
    let mut fig = Settings::figment()
        .merge(("database_url", s.db_url.clone()))
        .merge(("temporal_address", s.temporal_target.clone()))
        .merge(("supabase_jwt_secret", s.jwt_secret.clone()));
    for (k, v) in overrides {
        // Like environment variables: numbers are numbers.
        fig = match v.parse::<i64>() {
            Ok(n) => fig.merge((k.to_string(), n)),
            Err(_) => fig.merge((k.to_string(), v.to_string())),
        };
    }
    let settings = Settings::from_figment(fig, Component::Gateway).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(gateway::serve(settings, listener, std::future::pending()));
    let mut user = s.anonymous();
    user.base_url = base;
    user
}

#[tokio::test]
async fn health_is_503_naming_temporal_when_it_is_unreachable() {
    let gw = gateway_with(&[("temporal_address", "127.0.0.1:1")]).await;
    let r = gw.get("/health").await;
    let e = r.expect_error(503, "unavailable");
    assert!(e["message"].as_str().unwrap().contains("temporal"), "{e}");
    assert!(!e["message"].as_str().unwrap().contains("database"), "{e}");
    assert_eq!(e["details"]["temporal"], "unavailable");
    assert_eq!(e["details"]["database"], "ok");
}

#[tokio::test]
async fn health_is_503_naming_the_database_when_it_is_unreachable() {
    let gw = gateway_with(&[("database_url", "postgres://postgres@127.0.0.1:1/nothing")]).await;
    let r = gw.get("/health").await;
    let e = r.expect_error(503, "unavailable");
    assert!(e["message"].as_str().unwrap().contains("database"), "{e}");
    assert_eq!(e["details"]["temporal"], "ok");
}

#[tokio::test]
async fn writes_answer_503_not_500_when_temporal_is_down() {
    let gw = gateway_with(&[("temporal_address", "127.0.0.1:1")]).await;
    let user = stack().new_user().await;
    let mut as_user = gw.clone();
    as_user.token = user.token.clone();
    let r = as_user
        .post_json(
            "/resumes/from-text",
            &serde_json::json!({ "title": "t", "raw_text": "Some text" }),
        )
        .await;
    r.expect_error(503, "unavailable");
    // Nothing half-created: the user still has no resumes.
    let list = user.get("/resumes").await;
    assert_eq!(list.expect(200)["items"], serde_json::json!([]));
}

#[tokio::test]
async fn starting_work_is_rate_limited_per_user_with_retry_after() {
    let gw = gateway_with(&[("rate_limit_per_minute", "2")]).await;
    let a = stack().new_user().await;
    let b = stack().new_user().await;
    let as_user = |u: &e2e::TestUser| {
        let mut x = gw.clone();
        x.token = u.token.clone();
        x
    };
    let (ga, gb) = (as_user(&a), as_user(&b));
    let body = serde_json::json!({ "title": "t", "raw_text": "Some text" });
    ga.post_json("/resumes/from-text", &body).await.expect(202);
    ga.post_json("/resumes/from-text", &body).await.expect(202);
    let r = ga.post_json("/resumes/from-text", &body).await;
    r.expect_error(429, "rate_limited");
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // Reads are not limited, and other users are not affected.
    ga.get("/resumes").await.expect(200);
    gb.post_json("/resumes/from-text", &body).await.expect(202);
}

#[tokio::test]
async fn livez_and_readyz_answer_without_a_token() {
    let anon = stack().anonymous();
    assert_eq!(anon.get("/livez").await.expect(200)["status"], "ok");
    let ready = anon.get("/readyz").await;
    assert_eq!(ready.expect(200)["status"], "ok");
    // Liveness ignores the dependencies; readiness does not.
    let gw = gateway_with(&[("temporal_address", "127.0.0.1:1")]).await;
    gw.get("/livez").await.expect(200);
    let e = gw.get("/readyz").await;
    let e = e.expect_error(503, "unavailable");
    assert!(e["message"].as_str().unwrap().contains("temporal"), "{e}");
}

#[tokio::test]
async fn after_sigterm_readyz_says_503_while_requests_are_still_served() {
    let s = stack();
    let mut settings = s.settings.clone();
    settings.shutdown_drain_secs = 3;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(gateway::serve(settings, listener, async {
        let _ = stopped.await;
    }));
    let mut user = s.new_user().await;
    user.base_url = base;
    user.get("/readyz").await.expect(200);

    stop.send(()).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let e = user.get("/readyz").await;
    let e = e.expect_error(503, "unavailable");
    assert!(
        e["message"].as_str().unwrap().contains("shutting down"),
        "{e}"
    );
    // Still serving while it drains: liveness and real requests.
    user.get("/livez").await.expect(200);
    user.get("/resumes").await.expect(200);
    // Then it stops.
    tokio::time::timeout(std::time::Duration::from_secs(10), server)
        .await
        .expect("the gateway stops after the drain")
        .unwrap()
        .unwrap();
}
