//! The n8n webhook sender: resume parsing and job scraping can be handed to
//! n8n, which calls back `POST /callbacks/n8n/{resume,job}`.

use crate::errors::ProviderError;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use std::time::Duration;

#[derive(Clone)]
pub struct N8nClient {
    http: reqwest::Client,
    pub resume_url: Option<url::Url>,
    pub job_url: Option<url::Url>,
    token: Option<SecretString>,
    pub callback_timeout: Duration,
}

pub const TOKEN_HEADER: &str = "X-Workflow-Token";

impl N8nClient {
    pub fn new(
        resume_url: Option<url::Url>,
        job_url: Option<url::Url>,
        token: Option<SecretString>,
        request_timeout: Duration,
        callback_timeout: Duration,
    ) -> Self {
        let http = shared::telemetry::http_client_builder()
            .timeout(request_timeout)
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self {
            http,
            resume_url,
            job_url,
            token,
            callback_timeout,
        }
    }

    /// POST a JSON body to a webhook; 2xx is success, 4xx permanent, the rest transient.
    pub async fn post(&self, url: &url::Url, body: &impl Serialize) -> Result<(), ProviderError> {
        let mut req = self.http.post(url.clone()).json(body);
        if let Some(t) = &self.token {
            req = req.header(TOKEN_HEADER, t.expose_secret());
        }
        let res = req.send().await.map_err(|e| {
            ProviderError::transient(format!("n8n webhook unreachable: {}", without_url(&e)))
        })?;
        let status = res.status();
        if status.is_success() {
            return Ok(());
        }
        let msg = format!("n8n webhook answered {status}");
        if status.is_client_error() && status.as_u16() != 408 && status.as_u16() != 429 {
            Err(ProviderError::permanent(msg))
        } else {
            Err(ProviderError::transient(msg))
        }
    }
}

fn without_url(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    if let Some(u) = e.url() {
        s = s.replace(u.as_str(), "<webhook>");
    }
    s
}
