//! A test user talking HTTP to the stack, and what comes back.

use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::Value;
use std::time::Duration;
use uuid::Uuid;

#[derive(Clone)]
pub struct TestUser {
    pub id: Uuid,
    pub token: String,
    pub base_url: String,
    pub http: reqwest::Client,
}

/// A response: status, headers, and the body parsed as JSON (`Value::Null` if not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }

    pub fn error_code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// Assert the envelope rules of API.md and the status; return `data`.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        assert_envelope(self);
        &self.body["data"]
    }

    /// Assert an error answer with this status and code.
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) -> &Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        assert_envelope(self);
        assert_eq!(self.error_code(), code, "body: {}", self.text);
        &self.body["error"]
    }
}

/// Exactly one of data/error is non-null; errors carry code, message and the
/// request id that is also in the `x-request-id` header.
#[track_caller]
pub fn assert_envelope(r: &Reply) {
    let obj = r
        .body
        .as_object()
        .unwrap_or_else(|| panic!("not a JSON object: {}", r.text));
    assert!(
        obj.contains_key("data") && obj.contains_key("error"),
        "{}",
        r.text
    );
    let (data, error) = (&r.body["data"], &r.body["error"]);
    assert!(
        data.is_null() != error.is_null(),
        "exactly one of data/error: {}",
        r.text
    );
    let header_id = r
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(!header_id.is_empty(), "x-request-id header missing");
    if !error.is_null() {
        assert!(
            error["code"].is_string() && error["message"].is_string(),
            "{}",
            r.text
        );
        assert_eq!(error["request_id"].as_str(), Some(header_id), "{}", r.text);
    }
}

impl TestUser {
    /// The same user talking to another gateway (see `Stack::extra_gateway`).
    pub fn on(&self, base_url: &str) -> TestUser {
        TestUser {
            base_url: base_url.to_string(),
            ..self.clone()
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let rb = self.http.request(method, self.url(path));
        if self.token.is_empty() {
            rb
        } else {
            rb.bearer_auth(&self.token)
        }
    }

    pub async fn send(rb: reqwest::RequestBuilder) -> Reply {
        let res = rb.send().await.expect("request reaches the gateway");
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        Self::send(self.request(Method::GET, path)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        Self::send(self.request(Method::DELETE, path)).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Reply {
        Self::send(self.request(Method::POST, path).json(body)).await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Reply {
        Self::send(
            self.request(Method::POST, path)
                .header("content-type", content_type)
                .body(body),
        )
        .await
    }

    /// `POST path` with a multipart form: `file` plus text fields.
    pub async fn post_file(
        &self,
        path: &str,
        bytes: Vec<u8>,
        file_name: &str,
        fields: &[(&str, &str)],
    ) -> Reply {
        let mut form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_string()),
        );
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        Self::send(self.request(Method::POST, path).multipart(form)).await
    }

    /// Upload a resume file; returns the reply (202 expected for good files).
    pub async fn upload(&self, bytes: Vec<u8>, file_name: &str) -> Reply {
        self.post_file("/resumes/upload", bytes, file_name, &[])
            .await
    }

    /// Create a resume from text; returns the 202 `data`.
    pub async fn create_text_resume(&self, title: &str, text: &str) -> Value {
        self.post_json(
            "/resumes/from-text",
            &serde_json::json!({ "title": title, "raw_text": text }),
        )
        .await
        .expect(202)
        .clone()
    }

    /// Poll `GET /resumes/{id}` until ParseResume is done with its newest
    /// version: failed, or parsed and embedded (or embedding failed).
    pub async fn wait_parsed(&self, resume_id: &str) -> Value {
        crate::eventually(
            Duration::from_secs(90),
            "the resume to be parsed",
            || async {
                let r = self.get(&format!("/resumes/{resume_id}")).await;
                let d = r.expect(200).clone();
                let latest_done = d["latest_version"].is_null()
                    || matches!(d["latest_version"]["parse_status"].as_str(), Some("failed"));
                let shown_done = match d["parse_status"].as_str() {
                    Some("failed") => true,
                    Some("parsed") => d["embedding_status"] != "pending",
                    _ => false,
                };
                (shown_done && latest_done).then_some(d)
            },
        )
        .await
    }
}
