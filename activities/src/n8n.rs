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
    ) -> anyhow::Result<Self> {
        // A default client would silently drop the timeouts and the no-redirect policy.
        let http = shared::telemetry::http_client_builder()
            .timeout(request_timeout)
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| anyhow::anyhow!("cannot build the n8n HTTP client: {e}"))?;
        Ok(Self {
            http,
            resume_url,
            job_url,
            token,
            callback_timeout,
        })
    }

    /// POST a JSON body to a webhook; 2xx is success, failures classified
    /// like every provider's (see [`crate::errors::classify_http`]).
    pub async fn post(&self, url: &url::Url, body: &impl Serialize) -> Result<(), ProviderError> {
        let mut req = self.http.post(url.clone()).json(body);
        if let Some(t) = &self.token {
            req = req.header(TOKEN_HEADER, t.expose_secret());
        }
        crate::errors::send("n8n webhook", req)
            .await?
            .ok("n8n webhook")
            .map(|_| ())
    }
}
