//! IngestJob's activities: get the posting text (as given, from n8n, or by
//! fetching the URL safely), structure it, embed it, and record failures.

use crate::{
    errors, fallback,
    indexing::Source,
    llm::{Analyst, OfflineAnalyst},
    providers::Providers,
    resume::N8nDispatch,
    scrape,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use shared::{
    Lang,
    db::{inbox, jobs},
    domain::JobStatus,
};
use std::sync::Arc;
use temporalio_macros::activities;
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use uuid::Uuid;

/// Longest posting text we keep.
pub const MAX_JOB_CHARS: usize = 100_000;

pub struct JobActivities {
    pub p: Arc<Providers>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRef {
    pub user_id: Uuid,
    pub job_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobStart {
    /// The posting must be fetched from `job_url` first.
    pub needs_fetch: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobFetched {
    pub chars: u64,
    pub final_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobParsed {
    pub title: String,
    pub requirements: u32,
    pub keywords: u32,
    pub jd_lang: Lang,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobIndexed {
    pub chunks: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobFail {
    pub user_id: Uuid,
    pub job_id: Uuid,
    /// The run that failed (the job fails only if it is the latest run).
    pub run_no: i32,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplyN8nJob {
    pub user_id: Uuid,
    pub job_id: Uuid,
    pub inbox_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum N8nJobOutcome {
    Ready { chars: u64 },
    Failed { reason: String },
}

/// `POST /callbacks/n8n/job` body, as parked in the inbox.
#[derive(Debug, Clone, Default, Deserialize)]
struct N8nJobPayload {
    job_description: Option<String>,
    title: Option<String>,
    company: Option<String>,
    error: Option<String>,
}

#[derive(Serialize)]
struct N8nJobRequest<'a> {
    job_id: Uuid,
    job_url: &'a str,
    callback_url: &'a str,
}

async fn load(
    p: &Providers,
    ctx: &ActivityContext,
    j: &JobRef,
) -> Result<jobs::JobRow, ActivityError> {
    let mut conn = p.db.acquire().await.map_err(errors::db)?;
    jobs::get_job(&mut conn, j.user_id, j.job_id)
        .await
        .map_err(errors::db)?
        .ok_or_else(|| errors::missing_row(ctx, "this job"))
}

/// Normalise and store a posting text (from n8n or a fetched page).
async fn store_description(
    p: &Providers,
    j: &JobRef,
    raw: &str,
    final_url: Option<&str>,
    title: Option<&str>,
    company: Option<&str>,
) -> Result<u64, ActivityError> {
    let normalized = text::normalize_text(raw);
    if normalized.is_empty() {
        return Err(errors::permanent("the job page has no readable text"));
    }
    let chars = normalized.chars().count();
    if chars > MAX_JOB_CHARS {
        return Err(errors::permanent(format!(
            "the job description has {chars} characters, more than the {MAX_JOB_CHARS} we accept"
        )));
    }
    let mut conn = p.db.acquire().await.map_err(errors::db)?;
    jobs::save_description(
        &mut conn,
        j.user_id,
        j.job_id,
        &normalized,
        final_url,
        title,
        company,
    )
    .await
    .map_err(errors::db)?;
    Ok(chars as u64)
}

#[activities]
impl JobActivities {
    /// The job is being processed; say whether its posting must be fetched.
    #[activity]
    pub async fn start_ingest(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: JobRef,
    ) -> Result<JobStart, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let job = load(&self.p, &ctx, &input).await?;
        let mut conn = self.p.db.acquire().await.map_err(errors::db)?;
        jobs::set_status(
            &mut conn,
            input.user_id,
            input.job_id,
            JobStatus::Processing,
            None,
        )
        .await
        .map_err(errors::db)?;
        let has_text = job
            .job_description
            .as_deref()
            .is_some_and(|t| !t.trim().is_empty());
        Ok(JobStart {
            needs_fetch: !has_text && job.job_url.is_some(),
        })
    }

    /// Hand the URL to n8n for scraping (when `N8N_JOB_WEBHOOK_URL` is set).
    #[activity]
    pub async fn dispatch_job_to_n8n(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: JobRef,
    ) -> Result<N8nDispatch, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let p = &self.p;
        let Some(webhook) = p.n8n.job_url.clone() else {
            return Ok(N8nDispatch::NotConfigured);
        };
        let job = load(p, &ctx, &input).await?;
        let Some(url) = job.job_url.as_deref() else {
            return Ok(N8nDispatch::NotConfigured);
        };
        let callback_url = p.callback_url("job");
        p.n8n
            .post(
                &webhook,
                &N8nJobRequest {
                    job_id: input.job_id,
                    job_url: url,
                    callback_url: &callback_url,
                },
            )
            .await
            .map_err(errors::provider)?;
        Ok(N8nDispatch::Sent {
            timeout_secs: p.n8n.callback_timeout.as_secs().max(1),
        })
    }

    /// Apply n8n's scrape result.
    #[activity]
    pub async fn apply_n8n_job(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: ApplyN8nJob,
    ) -> Result<N8nJobOutcome, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let p = &self.p;
        let row = {
            let mut conn = p.db.acquire().await.map_err(errors::db)?;
            inbox::get(&mut conn, input.user_id, input.inbox_id)
                .await
                .map_err(errors::db)?
                .ok_or_else(|| errors::permanent("the n8n callback payload is missing"))?
        };
        // The gateway validated the callback before storing it; a payload that no longer
        // reads is a bug to report, not an empty answer to act on.
        let payload: N8nJobPayload = serde_json::from_value(row.payload).map_err(|e| {
            tracing::error!(error = %e, "stored n8n callback payload does not decode");
            errors::permanent(format!("the n8n callback could not be read ({e})"))
        })?;
        if let Some(reason) = payload
            .error
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            return Ok(N8nJobOutcome::Failed {
                reason: format!(
                    "the job page scraper reported: {}",
                    text::truncate_chars(reason, 500)
                ),
            });
        }
        let Some(text_body) = payload
            .job_description
            .as_deref()
            .filter(|t| !t.trim().is_empty())
        else {
            return Ok(N8nJobOutcome::Failed {
                reason: "the job page scraper returned no job description".into(),
            });
        };
        let chars = store_description(
            p,
            &JobRef {
                user_id: input.user_id,
                job_id: input.job_id,
            },
            text_body,
            None,
            payload.title.as_deref(),
            payload.company.as_deref(),
        )
        .await?;
        Ok(N8nJobOutcome::Ready { chars })
    }

    /// Fetch the posting page (SSRF-safe, 2 MiB, 5 redirects, HTML or text)
    /// and keep its readable text.
    #[activity]
    pub async fn fetch_job_page(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: JobRef,
    ) -> Result<JobFetched, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let p = &self.p;
        let job = load(p, &ctx, &input).await?;
        let url = job
            .job_url
            .clone()
            .ok_or_else(|| errors::permanent("the job has neither a description nor a URL"))?;
        let page = scrape::fetch_page(&url, &p.fetch_policy)
            .await
            .map_err(|e| {
                let msg = format!("could not read the job page: {e}");
                if e.is_transient() {
                    errors::transient(msg)
                } else {
                    errors::permanent(msg)
                }
            })?;
        // HTML parsing is CPU work: off the async runtime.
        let final_url = page.final_url.clone();
        let extracted = tokio::task::spawn_blocking(move || {
            if page.content_type.starts_with("text/plain") {
                text::html::extract_plain(&page.body)
            } else {
                text::html::extract_posting(&page.body, Some(&page.final_url))
            }
        })
        .await
        .map_err(|_| errors::permanent("the job page could not be read (it may be malformed)"))?;
        let chars = store_description(
            p,
            &input,
            &extracted.text,
            Some(final_url.as_str()),
            extracted.title.as_deref(),
            extracted.company.as_deref(),
        )
        .await?;
        Ok(JobFetched {
            chars,
            final_url: Some(final_url.to_string()),
        })
    }

    /// Structure the posting (title, company, requirements, keywords, ...).
    #[activity]
    pub async fn parse_job_description(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: JobRef,
    ) -> Result<JobParsed, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let p = &self.p;
        let job = load(p, &ctx, &input).await?;
        let body = job
            .job_description
            .clone()
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| errors::permanent("the job has no description to read"))?;
        let detected = text::detect_lang(&body);
        let lang = job.jd_lang().unwrap_or(detected);
        let (parsed, usage) = fallback::llm_step(
            &ctx,
            p,
            "parse_job_description",
            p.analyst.parse_job(&body, Some(lang.as_str())),
            OfflineAnalyst.parse_job(&body, Some(lang.as_str())),
        )
        .await?;
        let title = if job.title_is_explicit {
            job.title.clone()
        } else {
            shared::domain::job_title(None, parsed.title.as_deref(), Some(&body))
        };
        let json: Value = serde_json::to_value(&parsed)
            .map_err(|e| errors::permanent(format!("could not encode the parsed job: {e}")))?;
        let mut conn = p.db.acquire().await.map_err(errors::db)?;
        jobs::save_parsed(
            &mut conn,
            input.user_id,
            input.job_id,
            &json,
            &title,
            parsed.company.as_deref(),
            lang,
        )
        .await
        .map_err(errors::db)?;
        if usage.calls > 0 {
            let usage = serde_json::to_value(&usage).unwrap_or(Value::Null);
            jobs::set_parse_usage(&mut conn, input.user_id, input.job_id, &usage)
                .await
                .map_err(errors::db)?;
        }
        Ok(JobParsed {
            title,
            requirements: (parsed.must_have.len() + parsed.nice_to_have.len()) as u32,
            keywords: parsed.keywords.len() as u32,
            jd_lang: lang,
        })
    }

    /// Chunk and embed the posting (namespace = user).
    #[activity]
    pub async fn embed_job(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: JobRef,
    ) -> Result<JobIndexed, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let p = &self.p;
        let job = load(p, &ctx, &input).await?;
        let body = job.job_description.clone().unwrap_or_default();
        let lang = job.jd_lang().unwrap_or_else(|| text::detect_lang(&body));
        let chunks = p
            .indexer
            .index(
                Source {
                    user_id: input.user_id,
                    kind: "job",
                    source_id: job.id,
                    version_id: job.id,
                },
                &body,
                lang.as_str(),
            )
            .await
            .map_err(|e| errors::provider_within(&ctx, p.retry_budget, e))?;
        Ok(JobIndexed { chunks })
    }

    /// Record why a run (or the ingestion before it) gave up.
    #[activity]
    pub async fn fail_job(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: JobFail,
    ) -> Result<(), ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let mut conn = self.p.db.acquire().await.map_err(errors::db)?;
        jobs::fail_run(
            &mut conn,
            input.user_id,
            input.job_id,
            input.run_no,
            &input.reason,
        )
        .await
        .map_err(errors::db)?;
        crate::metrics::run_finished("OptimizeJob", "failed");
        Ok(())
    }
}
