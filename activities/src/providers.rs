//! Everything the activities talk to, chosen from the settings: the embedded
//! defaults with no keys, cloud services when configured.

use crate::{
    embed::{Embedder, LocalEmbedder},
    indexing::Indexer,
    llm::{Analyst, OfflineAnalyst, Prices},
    n8n::N8nClient,
    openai::{OpenAiAnalyst, OpenAiClient, OpenAiEmbedder},
    pinecone::PineconeStore,
    scrape::FetchPolicy,
    vectors::{PgVectorStore, VectorStore},
};
use anyhow::Context;
use shared::{
    config::{LlmFallback, Settings},
    storage::BlobStore,
};
use sqlx::PgPool;
use std::{sync::Arc, time::Duration};
use url::Url;

#[derive(Clone)]
pub struct Providers {
    pub db: PgPool,
    pub blobs: Arc<dyn BlobStore>,
    pub indexer: Indexer,
    pub n8n: N8nClient,
    /// Base of callback URLs handed to n8n.
    pub public_url: Url,
    pub download_ttl: Duration,
    pub analyst: Arc<dyn Analyst>,
    pub fetch_policy: FetchPolicy,
    /// How long a failing provider is retried before the job fails.
    pub retry_budget: Duration,
    /// What a step does when the cloud LLM fails for good.
    pub llm_fallback: LlmFallback,
}

impl Providers {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Providers> {
        shared::telemetry::install_crypto_provider();
        let db = shared::db::connect(settings.database_url(), settings.database_max_connections)?;
        let openai = match &settings.openai_api_key {
            Some(key) => Some(
                OpenAiClient::new(
                    &settings.openai_base_url,
                    key.clone(),
                    Duration::from_secs(settings.openai_timeout_secs),
                )
                .context("OpenAI client")?,
            ),
            None => None,
        };
        let embedder: Arc<dyn Embedder> = match &openai {
            Some(client) => Arc::new(OpenAiEmbedder {
                client: client.clone(),
                model: settings.openai_embedding_model.clone(),
                dims: settings.openai_embedding_dims,
            }),
            None => Arc::new(LocalEmbedder),
        };
        let analyst: Arc<dyn Analyst> = match &openai {
            Some(client) => Arc::new(OpenAiAnalyst {
                client: client.clone(),
                model: settings.openai_model.clone(),
                prices: Prices {
                    prompt: settings.openai_prompt_price_per_1m,
                    cached_prompt: settings.openai_cached_prompt_price_per_1m,
                    completion: settings.openai_completion_price_per_1m,
                },
            }),
            None => Arc::new(OfflineAnalyst),
        };
        let vectors: Arc<dyn VectorStore> =
            match PineconeStore::from_settings(settings).context("Pinecone")? {
                Some(pinecone) => Arc::new(pinecone),
                None => Arc::new(PgVectorStore { db: db.clone() }),
            };
        let parse = |v: &Option<String>, name: &str| -> anyhow::Result<Option<Url>> {
            v.as_deref()
                .map(Url::parse)
                .transpose()
                .with_context(|| name.to_string())
        };
        let n8n = N8nClient::new(
            parse(&settings.n8n_resume_webhook_url, "N8N_RESUME_WEBHOOK_URL")?,
            parse(&settings.n8n_job_webhook_url, "N8N_JOB_WEBHOOK_URL")?,
            settings.workflow_token.clone(),
            Duration::from_secs(settings.n8n_request_timeout_secs),
            Duration::from_secs(settings.n8n_callback_timeout_secs),
        )?;
        Ok(Providers {
            blobs: shared::storage::from_settings(settings).context("file storage")?,
            indexer: Indexer {
                db: db.clone(),
                embedder,
                vectors,
            },
            db,
            n8n,
            public_url: settings.public_url()?,
            download_ttl: settings.download_url_ttl(),
            analyst,
            retry_budget: Duration::from_secs(settings.provider_retry_budget_secs),
            llm_fallback: settings.llm_fallback,
            fetch_policy: FetchPolicy {
                allow: settings.fetch_allow_list(),
                timeout: Duration::from_secs(settings.fetch_timeout_secs),
                ..FetchPolicy::default()
            },
        })
    }

    /// `{public_url}/callbacks/n8n/{kind}`
    pub fn callback_url(&self, kind: &str) -> String {
        let mut u = self.public_url.clone();
        let base = u.path().trim_end_matches('/').to_string();
        u.set_path(&format!("{base}/callbacks/n8n/{kind}"));
        u.to_string()
    }
}
