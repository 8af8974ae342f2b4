//! The n8n webhook sender against a wiremock server: the shared token
//! header, the JSON body as given, the request timeout, and how failures
//! are classified (the same way as every provider's).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use activities::{errors::ProviderError, n8n::N8nClient};
use secrecy::SecretString;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_json, header, method, path},
};

fn client(server: &MockServer, token: Option<&str>, timeout: Duration) -> (N8nClient, url::Url) {
    let hook = url::Url::parse(&format!("{}/webhook/resume", server.uri())).unwrap();
    let c = N8nClient::new(
        Some(hook.clone()),
        None,
        token.map(SecretString::from),
        timeout,
        Duration::from_secs(300),
    )
    .unwrap();
    (c, hook)
}

fn body() -> Value {
    json!({
        "resume_version_id": "0b7d3c1e-8f7a-4c1e-9a55-3f1f7f0a9e11",
        "file_url": "https://api.example.com/files/resumes/x/original.pdf?expires=1&sig=ab",
        "callback_url": "https://api.example.com/callbacks/n8n/resume"
    })
}

#[tokio::test]
async fn the_webhook_gets_the_token_header_and_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/webhook/resume"))
        .and(header("x-workflow-token", "wf-secret"))
        .and(header("content-type", "application/json"))
        .and(body_json(body()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    let (c, hook) = client(&server, Some("wf-secret"), Duration::from_secs(5));
    c.post(&hook, &body()).await.unwrap();

    // Without a configured token no header is sent at all.
    let bare = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&bare)
        .await;
    let (c, hook) = client(&bare, None, Duration::from_secs(5));
    c.post(&hook, &body()).await.unwrap();
    let sent = bare.received_requests().await.unwrap();
    assert!(sent[0].headers.get("x-workflow-token").is_none());
}

#[tokio::test]
async fn failures_are_classified_and_a_slow_webhook_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(404))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    let (c, hook) = client(&server, Some("t"), Duration::from_millis(500));
    match c.post(&hook, &body()).await.unwrap_err() {
        ProviderError::Permanent(m) => assert_eq!(m, "n8n webhook answered HTTP 404"),
        other => panic!("404 must be permanent: {other:?}"),
    }
    assert!(matches!(
        c.post(&hook, &body()).await,
        Err(ProviderError::Transient { .. })
    ));
    let started = Instant::now();
    match c.post(&hook, &body()).await.unwrap_err() {
        ProviderError::Transient { message, .. } => {
            assert_eq!(message, "n8n webhook timed out");
            assert!(!message.contains("127.0.0.1"), "no URL in the reason");
        }
        other => panic!("a timeout must be transient: {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(5));
}
