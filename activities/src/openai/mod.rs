//! OpenAI (or any OpenAI-compatible server at `OPENAI_BASE_URL`): chat
//! completions with strict JSON-schema structured outputs for parsing,
//! analysis and generation, and `/embeddings` for vectors.
//!
//! The wire types are async-openai's; requests go through our reqwest client
//! so every failure is classified by [`crate::errors::classify_http`] (the
//! `Retry-After` of a 429 becomes Temporal's next retry delay) and nothing
//! retries behind Temporal's back.

pub mod prompts;
pub mod schema;

use crate::{
    embed::Embedder,
    errors::{self, ProviderError},
    llm::{Analyst, AnalyzeRequest, GenerateRequest, PlanRequest, PlannedCv, Prices, Usage},
};
use async_openai::types::{
    chat::{
        ChatCompletionRequestAssistantMessage, ChatCompletionRequestAssistantMessageContent,
        ChatCompletionRequestMessage, ChatCompletionRequestSystemMessage,
        ChatCompletionRequestSystemMessageContent, ChatCompletionRequestUserMessage,
        ChatCompletionRequestUserMessageContent, CreateChatCompletionRequest,
        CreateChatCompletionResponse, FinishReason, ResponseFormat, ResponseFormatJsonSchema,
    },
    embeddings::{CreateEmbeddingRequest, CreateEmbeddingResponse, EmbeddingInput, EncodingFormat},
};
use async_trait::async_trait;
use engine::{self, Analysis, Optimized, ParsedJob, ParsedResume};
use schemars::JsonSchema;
use secrecy::{ExposeSecret, SecretString};
use serde::{Serialize, de::DeserializeOwned};
use std::time::Duration;

const SERVICE: &str = "OpenAI";

/// Connection settings shared by the analyst and the embedder.
#[derive(Clone)]
pub struct OpenAiClient {
    http: reqwest::Client,
    base_url: String,
    api_key: SecretString,
}

impl std::fmt::Debug for OpenAiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAiClient")
            .field("base_url", &self.base_url)
            .field("api_key", &"[REDACTED]")
            .finish()
    }
}

impl OpenAiClient {
    pub fn new(base_url: &str, api_key: SecretString, timeout: Duration) -> anyhow::Result<Self> {
        let http = shared::telemetry::http_client_builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10))
            .build()?;
        Ok(Self {
            http,
            base_url: base_url.trim_end_matches('/').to_string(),
            api_key: api_key.clone(),
        })
    }

    async fn post<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<R, ProviderError> {
        let req = self
            .http
            .post(format!("{}{path}", self.base_url))
            .bearer_auth(self.api_key.expose_secret())
            .json(body);
        let text = errors::send(SERVICE, req).await?.ok(SERVICE)?;
        serde_json::from_str(&text).map_err(|e| {
            ProviderError::transient(format!("{SERVICE} sent an unreadable answer: {e}"))
        })
    }
}

/// The LLM capability on OpenAI chat completions.
#[derive(Debug, Clone)]
pub struct OpenAiAnalyst {
    pub client: OpenAiClient,
    pub model: String,
    /// USD per million tokens.
    pub prices: Prices,
}

fn system(text: String) -> ChatCompletionRequestMessage {
    ChatCompletionRequestMessage::System(ChatCompletionRequestSystemMessage {
        content: ChatCompletionRequestSystemMessageContent::Text(text),
        name: None,
    })
}

fn user(text: String) -> ChatCompletionRequestMessage {
    ChatCompletionRequestMessage::User(ChatCompletionRequestUserMessage {
        content: ChatCompletionRequestUserMessageContent::Text(text),
        name: None,
    })
}

fn assistant(content: Option<String>) -> ChatCompletionRequestMessage {
    ChatCompletionRequestMessage::Assistant(ChatCompletionRequestAssistantMessage {
        content: content.map(ChatCompletionRequestAssistantMessageContent::Text),
        ..Default::default()
    })
}

/// What we use of a chat completion: OpenAI's answers parse as
/// async-openai's response type; other OpenAI-compatible servers that differ
/// in fields we do not use (an unknown `service_tier`, no `created`) are read
/// leniently.
#[derive(Debug, Default)]
struct Reply {
    content: Option<String>,
    refusal: Option<String>,
    finish_reason: Option<String>,
    prompt_tokens: u64,
    /// `usage.prompt_tokens_details.cached_tokens`: read from the raw answer, which
    /// every OpenAI-compatible server may or may not send.
    cached_tokens: u64,
    completion_tokens: u64,
}

impl Reply {
    fn read(raw: serde_json::Value) -> Result<Reply, ProviderError> {
        let cached_tokens = raw
            .pointer("/usage/prompt_tokens_details/cached_tokens")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0);
        if let Ok(resp) = serde_json::from_value::<CreateChatCompletionResponse>(raw.clone()) {
            let (prompt_tokens, completion_tokens) = resp
                .usage
                .as_ref()
                .map(|u| (u64::from(u.prompt_tokens), u64::from(u.completion_tokens)))
                .unwrap_or_default();
            let choice = resp.choices.into_iter().next().ok_or_else(|| {
                ProviderError::transient(format!("{SERVICE} answered without a choice"))
            })?;
            let finish_reason = choice.finish_reason.map(|f| match f {
                FinishReason::Length => "length".to_string(),
                FinishReason::ContentFilter => "content_filter".to_string(),
                other => format!("{other:?}").to_lowercase(),
            });
            return Ok(Reply {
                content: choice.message.content,
                refusal: choice.message.refusal,
                finish_reason,
                prompt_tokens,
                cached_tokens,
                completion_tokens,
            });
        }
        let choice = raw.pointer("/choices/0").ok_or_else(|| {
            ProviderError::permanent(format!(
                "{SERVICE} answered with something that is not a chat completion"
            ))
        })?;
        let text = |p: &str| {
            choice
                .pointer(p)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let tokens = |p: &str| {
            raw.pointer(p)
                .and_then(serde_json::Value::as_u64)
                .unwrap_or(0)
        };
        Ok(Reply {
            content: text("/message/content"),
            refusal: text("/message/refusal"),
            finish_reason: text("/finish_reason"),
            prompt_tokens: tokens("/usage/prompt_tokens"),
            cached_tokens,
            completion_tokens: tokens("/usage/completion_tokens"),
        })
    }
}

impl OpenAiAnalyst {
    /// One structured-output call for `T`: an unusable answer (refusal, cut
    /// off at the length limit, not matching the schema or `check`) gets one
    /// repair attempt, then fails permanently with the reason.
    pub async fn chat_json<T>(
        &self,
        task: &str,
        (system_prompt, user_prompt): (String, String),
        check: impl Fn(&T) -> Result<(), String> + Send + Sync,
    ) -> Result<(T, Usage), ProviderError>
    where
        T: JsonSchema + DeserializeOwned + Send,
    {
        let format = ResponseFormat::JsonSchema {
            json_schema: ResponseFormatJsonSchema {
                description: Some(format!("SmartResume {task}")),
                name: task.replace(' ', "_"),
                schema: schema::strict_schema::<T>(),
                strict: Some(true),
            },
        };
        let mut messages = vec![system(system_prompt), user(user_prompt)];
        let mut usage = Usage::default();
        let mut last_problem = String::new();
        for attempt in 0..2 {
            let request = CreateChatCompletionRequest {
                model: self.model.clone(),
                messages: messages.clone(),
                response_format: Some(format.clone()),
                // No temperature: reasoning models accept only the default.
                ..Default::default()
            };
            let raw: serde_json::Value = self.client.post("/chat/completions", &request).await?;
            let reply = Reply::read(raw)?;
            usage.add(&Usage {
                calls: 1,
                prompt_tokens: reply.prompt_tokens,
                cached_tokens: reply.cached_tokens,
                completion_tokens: reply.completion_tokens,
                ..Usage::default()
            });
            crate::metrics::tokens(
                reply.prompt_tokens,
                reply.cached_tokens,
                reply.completion_tokens,
            );
            crate::metrics::cost_usd(self.prices.cost(
                reply.prompt_tokens,
                reply.cached_tokens,
                reply.completion_tokens,
            ));
            let content = reply.content.clone();
            let refusal = reply.refusal.clone();
            let problem = if let Some(r) = &refusal {
                format!(
                    "the model refused ({})",
                    r.chars().take(200).collect::<String>()
                )
            } else if reply.finish_reason.as_deref() == Some("length") {
                "the answer was cut off at the length limit".to_string()
            } else if reply.finish_reason.as_deref() == Some("content_filter") {
                "the answer was stopped by the content filter".to_string()
            } else {
                match content.as_deref().map(str::trim) {
                    None | Some("") => "the answer was empty".to_string(),
                    Some(c) => match serde_json::from_str::<T>(strip_fences(c)) {
                        Ok(v) => match check(&v) {
                            Ok(()) => return Ok((v, usage)),
                            Err(e) => format!("the answer is not valid: {e}"),
                        },
                        Err(e) => format!("the answer does not match the schema: {e}"),
                    },
                }
            };
            tracing::warn!(task, attempt, %problem, "unusable structured output");
            last_problem = problem;
            if attempt == 0 {
                // An assistant turn needs content; after a refusal or an empty
                // answer the repair request goes without it.
                if content.as_deref().is_some_and(|c| !c.trim().is_empty()) {
                    messages.push(assistant(content));
                }
                messages.push(user(prompts::repair(&last_problem)));
            }
        }
        Err(ProviderError::permanent(format!(
            "{SERVICE} ({}) could not produce a usable {task} even after a repair attempt: {last_problem}",
            self.model
        )))
    }
}

/// The similarity of a chunk to a requirement (its best over all
/// requirements when the model renamed the requirement).
fn similarity(
    retrieved: &[(String, Vec<engine::RetrievedChunk>)],
    requirement: &str,
    chunk_id: &str,
) -> f32 {
    let of = |hits: &Vec<engine::RetrievedChunk>| {
        hits.iter()
            .find(|h| h.chunk_id == chunk_id)
            .map(|h| h.score)
    };
    retrieved
        .iter()
        .find(|(r, _)| r == requirement)
        .and_then(|(_, hits)| of(hits))
        .or_else(|| {
            retrieved
                .iter()
                .filter_map(|(_, hits)| of(hits))
                .max_by(f32::total_cmp)
        })
        .map(|s| (s * 1000.0).round() / 1000.0)
        .unwrap_or(0.0)
}

/// Some OpenAI-compatible servers wrap JSON in a markdown fence.
fn strip_fences(s: &str) -> &str {
    let t = s.trim();
    t.strip_prefix("```json")
        .or_else(|| t.strip_prefix("```"))
        .and_then(|r| r.strip_suffix("```"))
        .map(str::trim)
        .unwrap_or(t)
}

#[async_trait]
impl Analyst for OpenAiAnalyst {
    fn name(&self) -> String {
        format!("openai:{}", self.model)
    }

    async fn parse_resume(
        &self,
        text: &str,
        lang: &str,
    ) -> Result<(ParsedResume, Usage), ProviderError> {
        let (mut parsed, usage) = self
            .chat_json::<ParsedResume>("parsed resume", prompts::parse_resume(text, lang), |p| {
                let v = serde_json::to_value(p).map_err(|e| e.to_string())?;
                engine::validate_parsed_resume(&v).map(|_| ())
            })
            .await?;
        // As on the offline path: the language is the detected (or chosen)
        // one, and sections are cut from the text itself — verbatim, and not
        // paid for twice in completion tokens.
        parsed.lang = lang.to_string();
        parsed.sections = engine::parse_resume(text, Some(lang)).sections;
        Ok((parsed, usage))
    }

    async fn parse_job(
        &self,
        text: &str,
        lang: Option<&str>,
    ) -> Result<(ParsedJob, Usage), ProviderError> {
        let (mut job, usage) = self
            .chat_json::<ParsedJob>("parsed job", prompts::parse_job(text, lang), |_| Ok(()))
            .await?;
        if let Some(l) = lang {
            job.language = l.to_string();
        }
        Ok((job, usage))
    }

    async fn analyze(&self, req: AnalyzeRequest<'_>) -> Result<(Analysis, Usage), ProviderError> {
        let prompt = prompts::analyze(&req);
        let (mut analysis, usage) = self
            .chat_json::<Analysis>("match analysis", (prompt.system, prompt.user), |a| {
                if a.score > 100 {
                    Err(format!("score {} is above 100", a.score))
                } else if a.report.summary.trim().is_empty() {
                    Err("the summary is empty".into())
                } else {
                    Ok(())
                }
            })
            .await?;
        analysis.score = analysis.score.min(100);
        // Excerpt labels back to chunk ids, scores from the retrieval.
        for check in &mut analysis.report.requirements {
            let requirement = check.requirement.clone();
            check.evidence.retain_mut(|e| {
                let label: String = e
                    .chunk_id
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect();
                let id = prompt
                    .aliases
                    .get(&label.to_uppercase())
                    .cloned()
                    .or_else(|| {
                        // An unknown label: the retrieved chunk that holds the quote.
                        req.retrieved
                            .iter()
                            .flat_map(|(_, hits)| hits)
                            .find(|h| !e.quote.trim().is_empty() && h.text.contains(e.quote.trim()))
                            .map(|h| h.chunk_id.clone())
                    });
                match id {
                    Some(id) => {
                        e.chunk_id = id;
                        e.score = similarity(req.retrieved, &requirement, &e.chunk_id);
                        true
                    }
                    None => false,
                }
            });
        }
        Ok((analysis, usage))
    }

    async fn generate(
        &self,
        req: GenerateRequest<'_>,
    ) -> Result<(Optimized, Usage), ProviderError> {
        self.chat_json::<Optimized>("optimized resume", prompts::generate(&req), |o| {
            if o.markdown.trim().is_empty() {
                Err("the resume markdown is empty".into())
            } else {
                Ok(())
            }
        })
        .await
    }

    async fn plan_cv(&self, req: PlanRequest<'_>) -> Result<(PlannedCv, Usage), ProviderError> {
        let (plan, usage) = self
            .chat_json::<engine::cv::EditPlan>("cv edit plan", prompts::plan_cv(&req), |p| {
                if p.changes.len() > 200 {
                    Err(format!(
                        "{} changes is more than a CV can take",
                        p.changes.len()
                    ))
                } else {
                    Ok(())
                }
            })
            .await?;
        // The user's requests the CV cannot support are found the same way on every path.
        let gaps = crate::llm::offline_plan(&req).gaps;
        Ok((PlannedCv { plan, gaps }, usage))
    }

    fn prices_per_million(&self) -> Prices {
        self.prices
    }
}

/// Embeddings from `/embeddings` (`text-embedding-3-small` by default).
#[derive(Debug, Clone)]
pub struct OpenAiEmbedder {
    pub client: OpenAiClient,
    pub model: String,
    pub dims: usize,
}

#[async_trait]
impl Embedder for OpenAiEmbedder {
    fn model(&self) -> &str {
        &self.model
    }

    fn dims(&self) -> usize {
        self.dims
    }

    async fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, ProviderError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        // Only the text-embedding-3 family can shorten its vectors.
        let dimensions = self
            .model
            .starts_with("text-embedding-3")
            .then(|| u32::try_from(self.dims).ok())
            .flatten();
        let request = CreateEmbeddingRequest {
            model: self.model.clone(),
            input: EmbeddingInput::StringArray(texts.to_vec()),
            encoding_format: Some(EncodingFormat::Float),
            user: None,
            dimensions,
        };
        let resp: CreateEmbeddingResponse = self.client.post("/embeddings", &request).await?;
        let mut data = resp.data;
        data.sort_by_key(|e| e.index);
        if data.len() != texts.len() {
            return Err(ProviderError::transient(format!(
                "{SERVICE} returned {} embeddings for {} texts",
                data.len(),
                texts.len()
            )));
        }
        let mut out = Vec::with_capacity(data.len());
        for e in data {
            if e.embedding.len() != self.dims {
                return Err(ProviderError::permanent(format!(
                    "{SERVICE} model {} returns {}-dimensional vectors but OPENAI_EMBEDDING_DIMS is {}",
                    self.model,
                    e.embedding.len(),
                    self.dims
                )));
            }
            out.push(e.embedding);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::strip_fences;

    #[test]
    fn fences_are_stripped() {
        assert_eq!(strip_fences("```json\n{\"a\":1}\n```"), "{\"a\":1}");
        assert_eq!(strip_fences(" {\"a\":1} "), "{\"a\":1}");
    }
}
