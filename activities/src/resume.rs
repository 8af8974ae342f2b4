//! ParseResume's activities: turn a stored version into text, markdown,
//! structure and vectors, and record the outcome on the version row.

use crate::{
    errors, fallback,
    indexing::Source,
    llm::{Analyst, OfflineAnalyst},
    providers::Providers,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use shared::{
    Lang,
    db::{inbox, resumes},
    domain::{EmbeddingStatus, ParseStatus, ResumeSource},
};
use std::{sync::Arc, time::Duration};
use temporalio_macros::activities;
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use text::{self, DocKind};
use uuid::Uuid;

/// Longest text we keep for one resume (the API's limit for pasted text).
pub const MAX_RESUME_CHARS: usize = 200_000;
/// A single document's extraction may not take longer than this.
const EXTRACT_TIMEOUT: Duration = Duration::from_secs(90);

pub struct ResumeActivities {
    pub p: Arc<Providers>,
}

/// Which version, for whom. Activities load everything else themselves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionRef {
    pub user_id: Uuid,
    pub version_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extracted {
    pub chars: u64,
    pub detected_lang: Lang,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Structured {
    pub sections: u32,
    pub experience_entries: u32,
    pub skills: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailVersion {
    pub user_id: Uuid,
    pub version_id: Uuid,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indexed {
    pub chunks: u32,
}

/// Whether the parse was handed to n8n, and how long to wait for its answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum N8nDispatch {
    Sent { timeout_secs: u64 },
    NotConfigured,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplyN8n {
    pub user_id: Uuid,
    pub version_id: Uuid,
    pub inbox_id: Uuid,
}

/// What an n8n callback gave us.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum N8nOutcome {
    /// The version is parsed: text from n8n; structure and markdown from n8n
    /// where it sent valid ones, else from the local engine.
    Parsed {
        detected_lang: Lang,
        n8n_structure: bool,
    },
    /// n8n reported an error (the reason is shown to the user).
    Failed { reason: String },
}

/// The callback body of `POST /callbacks/n8n/resume`, as parked in the inbox.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct N8nResumePayload {
    pub raw_text: Option<String>,
    pub content_md: Option<String>,
    pub parsed_json: Option<Value>,
    pub error: Option<String>,
}

#[derive(Serialize)]
struct N8nResumeRequest<'a> {
    resume_version_id: Uuid,
    file_url: &'a str,
    file_expires_at: chrono::DateTime<chrono::Utc>,
    file_name: Option<&'a str>,
    file_kind: Option<&'a str>,
    callback_url: &'a str,
}

async fn load(
    p: &Providers,
    ctx: &ActivityContext,
    v: &VersionRef,
) -> Result<resumes::VersionRow, ActivityError> {
    let mut conn = p.db.acquire().await.map_err(errors::db)?;
    resumes::get_version(&mut conn, v.user_id, v.version_id)
        .await
        .map_err(errors::db)?
        .ok_or_else(|| errors::missing_row(ctx, "this resume version"))
}

/// Normalise, check and store extracted text; shared by every way text arrives.
async fn store_text(
    p: &Providers,
    v: &VersionRef,
    original: &str,
) -> Result<Extracted, ActivityError> {
    let normalized = text::normalize_text(original);
    if normalized.is_empty() {
        return Err(errors::permanent(
            "the resume has no text (it is empty or only whitespace)",
        ));
    }
    let chars = normalized.chars().count();
    if chars > MAX_RESUME_CHARS {
        return Err(errors::permanent(format!(
            "the document has {chars} characters of text, more than the {MAX_RESUME_CHARS} a resume may have"
        )));
    }
    let detected = text::detect_lang(&normalized);
    let mut conn = p.db.acquire().await.map_err(errors::db)?;
    resumes::save_extracted_text(&mut conn, v.user_id, v.version_id, &normalized, detected)
        .await
        .map_err(errors::db)?;
    Ok(Extracted {
        chars: chars as u64,
        detected_lang: detected,
    })
}

/// Structure text into `parsed_json` + `content_md`, mark the version parsed.
async fn structure_and_save(
    p: &Providers,
    ctx: &ActivityContext,
    v: &VersionRef,
    raw: &str,
    lang: Lang,
    content_md: Option<String>,
    parsed: Option<engine::ParsedResume>,
) -> Result<Structured, ActivityError> {
    let parsed = match parsed {
        Some(parsed) => parsed,
        None => {
            let (parsed, usage) = fallback::llm_step(
                ctx,
                p,
                "parse_resume",
                p.analyst.parse_resume(raw, lang.as_str()),
                OfflineAnalyst.parse_resume(raw, lang.as_str()),
            )
            .await?;
            if usage.calls > 0 {
                tracing::info!(
                    engine = %p.analyst.name(),
                    prompt_tokens = usage.prompt_tokens,
                    completion_tokens = usage.completion_tokens,
                    "resume structured"
                );
            }
            parsed
        }
    };
    let content_md = content_md
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| engine::resume_to_markdown(&parsed));
    let json = serde_json::to_value(&parsed)
        .map_err(|e| errors::permanent(format!("could not encode the parsed resume: {e}")))?;
    let mut conn = p.db.acquire().await.map_err(errors::db)?;
    resumes::save_parsed(&mut conn, v.user_id, v.version_id, &content_md, &json)
        .await
        .map_err(errors::db)?;
    Ok(Structured {
        sections: parsed.sections.len() as u32,
        experience_entries: parsed.experience.len() as u32,
        skills: parsed.skills.len() as u32,
    })
}

fn doc_kind(v: &resumes::VersionRow, bytes: &[u8]) -> Result<DocKind, ActivityError> {
    match v.file_kind.as_deref() {
        Some("pdf") => Ok(DocKind::Pdf),
        Some("docx") => Ok(DocKind::Docx),
        Some("md") => Ok(DocKind::Md),
        Some("txt") => Ok(DocKind::Txt),
        _ => {
            text::sniff(bytes, v.file_name.as_deref()).map_err(|e| errors::permanent(e.to_string()))
        }
    }
}

#[activities]
impl ResumeActivities {
    /// Hand an uploaded file to n8n (when `N8N_RESUME_WEBHOOK_URL` is set) with a
    /// signed link to the file and the URL to call back.
    #[activity]
    pub async fn dispatch_to_n8n(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: VersionRef,
    ) -> Result<N8nDispatch, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let p = &self.p;
        let Some(webhook) = p.n8n.resume_url.clone() else {
            return Ok(N8nDispatch::NotConfigured);
        };
        let version = load(p, &ctx, &input).await?;
        let Some(path) = version.file_path.as_deref() else {
            return Ok(N8nDispatch::NotConfigured);
        };
        {
            let mut conn = p.db.acquire().await.map_err(errors::db)?;
            resumes::mark_parsing(&mut conn, input.user_id, input.version_id)
                .await
                .map_err(errors::db)?;
        }
        // The link must outlive the wait for the callback.
        let ttl = p.n8n.callback_timeout + p.download_ttl;
        let link = p
            .blobs
            .download_url(path, ttl, version.file_name.as_deref())
            .await
            .map_err(|e| errors::storage_within(&ctx, p.retry_budget, e))?;
        let callback_url = p.callback_url("resume");
        p.n8n
            .post(
                &webhook,
                &N8nResumeRequest {
                    resume_version_id: input.version_id,
                    file_url: &link.url,
                    file_expires_at: link.expires_at,
                    file_name: version.file_name.as_deref(),
                    file_kind: version.file_kind.as_deref(),
                    callback_url: &callback_url,
                },
            )
            .await
            .map_err(errors::provider)?;
        Ok(N8nDispatch::Sent {
            timeout_secs: p.n8n.callback_timeout.as_secs().max(1),
        })
    }

    /// Apply an n8n callback: store its text and, when valid, its structure.
    #[activity]
    pub async fn apply_n8n_result(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: ApplyN8n,
    ) -> Result<N8nOutcome, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let p = &self.p;
        let v = VersionRef {
            user_id: input.user_id,
            version_id: input.version_id,
        };
        let row = {
            let mut conn = p.db.acquire().await.map_err(errors::db)?;
            inbox::get(&mut conn, input.user_id, input.inbox_id)
                .await
                .map_err(errors::db)?
                .ok_or_else(|| errors::permanent("the n8n callback payload is missing"))?
        };
        // The gateway validated the callback before storing it; a payload that no longer
        // reads is a bug to report, not an empty answer to act on.
        let payload: N8nResumePayload = serde_json::from_value(row.payload).map_err(|e| {
            tracing::error!(error = %e, "stored n8n callback payload does not decode");
            errors::permanent(format!("the n8n callback could not be read ({e})"))
        })?;
        if let Some(reason) = payload
            .error
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            return Ok(N8nOutcome::Failed {
                reason: format!(
                    "the document parser reported: {}",
                    text::truncate_chars(reason, 500)
                ),
            });
        }
        let text_source = payload
            .raw_text
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .or(payload.content_md.as_deref())
            .unwrap_or_default()
            .to_string();
        let extracted = match store_text(p, &v, &text_source).await {
            Ok(e) => e,
            Err(_) if text_source.trim().is_empty() => {
                return Ok(N8nOutcome::Failed {
                    reason: "the document parser returned no text for this file".into(),
                });
            }
            Err(e) => return Err(e),
        };
        // Structure from n8n is used only when it matches our schema
        // (schemas/parsed_resume.schema.json); otherwise the local engine
        // structures the text n8n extracted. n8n's markdown is kept if given.
        let parsed = payload
            .parsed_json
            .as_ref()
            .and_then(|j| engine::validate_parsed_resume(j).ok());
        let n8n_structure = parsed.is_some();
        let version = load(p, &ctx, &v).await?;
        let raw = version.raw_text.unwrap_or_default();
        structure_and_save(
            p,
            &ctx,
            &v,
            &raw,
            extracted.detected_lang,
            payload.content_md,
            parsed,
        )
        .await?;
        Ok(N8nOutcome::Parsed {
            detected_lang: extracted.detected_lang,
            n8n_structure,
        })
    }

    /// Load the version's original (pasted text, or the stored upload),
    /// extract and normalise its text, detect its language and store it.
    #[activity]
    pub async fn extract_text(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: VersionRef,
    ) -> Result<Extracted, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let p = &self.p;
        let version = load(p, &ctx, &input).await?;
        if version.parse_status == ParseStatus::Failed {
            return Err(errors::permanent(
                version
                    .error
                    .unwrap_or_else(|| "parsing already failed".into()),
            ));
        }
        {
            let mut conn = p.db.acquire().await.map_err(errors::db)?;
            resumes::mark_parsing(&mut conn, input.user_id, input.version_id)
                .await
                .map_err(errors::db)?;
        }
        let original = match version.source {
            ResumeSource::Text => version.raw_text.clone().unwrap_or_default(),
            ResumeSource::Upload => {
                let path = version
                    .file_path
                    .clone()
                    .ok_or_else(|| errors::permanent("the uploaded file was not stored"))?;
                let bytes = match p.blobs.get(&path).await {
                    Ok(b) => b,
                    Err(shared::storage::StorageError::NotFound(_)) => {
                        return Err(errors::permanent(
                            "the uploaded file is missing from storage",
                        ));
                    }
                    Err(e) => return Err(errors::storage_within(&ctx, p.retry_budget, e)),
                };
                let kind = doc_kind(&version, &bytes)?;
                // Parsing is CPU-bound (and a PDF library may panic): off the
                // async runtime, behind a timeout.
                let job = tokio::task::spawn_blocking(move || text::extract_text(&bytes, kind));
                match tokio::time::timeout(EXTRACT_TIMEOUT, job).await {
                    Err(_) => {
                        return Err(errors::permanent(
                            "reading this file took too long; try a simpler PDF, a DOCX or a TXT",
                        ));
                    }
                    Ok(Err(join_error)) => {
                        // The extractor panicked (or was cancelled): a bug or a file the
                        // PDF library cannot cope with. Log it for us; tell the user plainly.
                        tracing::error!(
                            version_id = %input.version_id,
                            error = %join_error,
                            "text extraction panicked"
                        );
                        return Err(errors::permanent(
                            "this file could not be read (it may be damaged)",
                        ));
                    }
                    Ok(Ok(Err(e))) => return Err(errors::permanent(e.to_string())),
                    Ok(Ok(Ok(text))) => text,
                }
            }
        };
        store_text(p, &input, &original).await
    }

    /// Structure the stored text into sections, contact, experience, ...;
    /// write `content_md` and `parsed_json`, mark the version parsed and make
    /// it the resume's active version.
    #[activity]
    pub async fn structure(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: VersionRef,
    ) -> Result<Structured, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let p = &self.p;
        let version = load(p, &ctx, &input).await?;
        let raw = version
            .raw_text
            .clone()
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| errors::permanent("the resume has no extracted text to parse"))?;
        let lang = version.detected_lang().unwrap_or(Lang::En);
        structure_and_save(p, &ctx, &input, &raw, lang, None, None).await
    }

    /// Chunk and embed the version's text into the vector store (namespace =
    /// user); `embedding_status` becomes `indexed`.
    #[activity]
    pub async fn embed_version(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: VersionRef,
    ) -> Result<Indexed, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let p = &self.p;
        let version = load(p, &ctx, &input).await?;
        let raw = version.raw_text.clone().unwrap_or_default();
        let lang = version.detected_lang().unwrap_or(Lang::En);
        let chunks = p
            .indexer
            .index(
                Source {
                    user_id: input.user_id,
                    kind: "resume",
                    source_id: version.resume_id,
                    version_id: version.id,
                },
                &raw,
                lang.as_str(),
            )
            .await
            .map_err(|e| errors::provider_within(&ctx, p.retry_budget, e))?;
        let mut conn = p.db.acquire().await.map_err(errors::db)?;
        resumes::set_embedding_status(
            &mut conn,
            input.user_id,
            input.version_id,
            EmbeddingStatus::Indexed,
        )
        .await
        .map_err(errors::db)?;
        crate::metrics::run_finished("ParseResume", "complete");
        Ok(Indexed { chunks })
    }

    /// Embedding gave up: the resume stays usable, its status says so.
    #[activity]
    pub async fn mark_embedding_failed(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: VersionRef,
    ) -> Result<(), ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let mut conn = self.p.db.acquire().await.map_err(errors::db)?;
        resumes::set_embedding_status(
            &mut conn,
            input.user_id,
            input.version_id,
            EmbeddingStatus::Failed,
        )
        .await
        .map_err(errors::db)?;
        Ok(())
    }

    /// Record a permanent failure with a reason a person can read.
    #[activity]
    pub async fn mark_failed(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: FailVersion,
    ) -> Result<(), ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let mut conn = self.p.db.acquire().await.map_err(errors::db)?;
        resumes::mark_parse_failed(&mut conn, input.user_id, input.version_id, &input.reason)
            .await
            .map_err(errors::db)?;
        crate::metrics::run_finished("ParseResume", "failed");
        Ok(())
    }
}
