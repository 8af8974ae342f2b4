//! The "LLM" capability: parse a resume, parse a job, analyse the match,
//! write the optimised resume. The offline engine is the default; OpenAI (or
//! any OpenAI-compatible server) replaces it when configured. Whatever engine
//! runs, its output goes through the same truthfulness verifier.

use crate::errors::ProviderError;
use async_trait::async_trait;
use engine::{self, Analysis, Optimized, ParsedJob, ParsedResume, RetrievedChunk};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Tokens used by one call (zero for the offline engine).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    pub calls: u32,
    pub prompt_tokens: u64,
    /// The part of `prompt_tokens` OpenAI served from its prompt cache (cheaper).
    #[serde(default)]
    pub cached_tokens: u64,
    pub completion_tokens: u64,
    /// Why the offline engine finished this step instead of the cloud model
    /// (`SMARTRESUME_LLM_FALLBACK=offline`); absent when it did not have to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
}

impl Usage {
    pub fn add(&mut self, other: &Usage) {
        self.calls += other.calls;
        self.prompt_tokens += other.prompt_tokens;
        self.cached_tokens += other.cached_tokens;
        self.completion_tokens += other.completion_tokens;
    }
}

/// USD per million tokens: prompt, prompt served from the cache, completion.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Prices {
    pub prompt: f64,
    pub cached_prompt: f64,
    pub completion: f64,
}

impl Prices {
    /// The estimated cost of `usage`, in USD.
    pub fn cost(&self, prompt: u64, cached: u64, completion: u64) -> f64 {
        let cached = cached.min(prompt);
        ((prompt - cached) as f64 * self.prompt
            + cached as f64 * self.cached_prompt
            + completion as f64 * self.completion)
            / 1_000_000.0
    }
}

/// Token accounting of one optimisation run, stored with it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunUsage {
    pub engine: String,
    pub calls: u32,
    pub prompt_tokens: u64,
    /// The part of `prompt_tokens` served from OpenAI's prompt cache, priced at the
    /// cached rate.
    #[serde(default)]
    pub cached_tokens: u64,
    pub completion_tokens: u64,
    pub total_tokens: u64,
    /// From the configured per-1M-token prices; 0 for the offline engine.
    pub estimated_cost_usd: f64,
    pub by_step: BTreeMap<String, Usage>,
}

#[derive(Clone, Copy)]
pub struct AnalyzeRequest<'a> {
    pub resume: &'a ParsedResume,
    pub resume_text: &'a str,
    pub job: &'a ParsedJob,
    pub job_text: &'a str,
    pub retrieved: &'a [(String, Vec<RetrievedChunk>)],
    pub output_lang: &'a str,
}

#[derive(Clone, Copy)]
pub struct GenerateRequest<'a> {
    pub resume: &'a ParsedResume,
    pub resume_text: &'a str,
    pub job: &'a ParsedJob,
    pub analysis: &'a Analysis,
    pub output_lang: &'a str,
    pub custom_instructions: Option<&'a str>,
    pub retrieved: &'a [(String, Vec<RetrievedChunk>)],
}

impl RunUsage {
    /// Record one step's usage (a retried step replaces its own entry) and recompute
    /// the totals and the cost estimate from the per-million prices.
    pub fn set_step(&mut self, step: &str, usage: Usage, prices: Prices) {
        self.by_step.insert(step.to_string(), usage);
        let mut total = Usage::default();
        for u in self.by_step.values() {
            total.add(u);
        }
        self.calls = total.calls;
        self.prompt_tokens = total.prompt_tokens;
        self.cached_tokens = total.cached_tokens;
        self.completion_tokens = total.completion_tokens;
        self.total_tokens = total.prompt_tokens + total.completion_tokens;
        self.estimated_cost_usd = prices.cost(
            total.prompt_tokens,
            total.cached_tokens,
            total.completion_tokens,
        );
    }
}

/// Plan the tailoring of a structured CV for one job offer.
#[derive(Clone, Copy)]
pub struct PlanRequest<'a> {
    pub cv: &'a ParsedResume,
    pub job: &'a ParsedJob,
    pub output_lang: &'a str,
    pub custom_instructions: Option<&'a str>,
}

/// An edit plan and the user's requests it could not honour (the CV has nothing
/// to support them): they are reported as gaps, never planned.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlannedCv {
    pub plan: engine::cv::EditPlan,
    pub gaps: Vec<String>,
}

#[async_trait]
pub trait Analyst: Send + Sync {
    /// `offline` or `openai:<model>`: stored with each run.
    fn name(&self) -> String;
    async fn parse_resume(
        &self,
        text: &str,
        lang: &str,
    ) -> Result<(ParsedResume, Usage), ProviderError>;
    async fn parse_job(
        &self,
        text: &str,
        lang: Option<&str>,
    ) -> Result<(ParsedJob, Usage), ProviderError>;
    async fn analyze(&self, req: AnalyzeRequest<'_>) -> Result<(Analysis, Usage), ProviderError>;
    async fn generate(&self, req: GenerateRequest<'_>)
    -> Result<(Optimized, Usage), ProviderError>;
    /// The CV edit plan (GenerateApplication's step 2). Whatever plans it, the CV
    /// editor validates every operation before applying it.
    async fn plan_cv(&self, req: PlanRequest<'_>) -> Result<(PlannedCv, Usage), ProviderError> {
        Ok((offline_plan(&req), Usage::default()))
    }
    /// Prices per million tokens, for cost estimates.
    fn prices_per_million(&self) -> Prices {
        Prices::default()
    }
}

/// The offline engine's plan (also the source of the gaps on every path).
pub fn offline_plan(req: &PlanRequest<'_>) -> PlannedCv {
    let (plan, gaps) = engine::cv::plan(req.cv, req.job, req.output_lang, req.custom_instructions);
    PlannedCv { plan, gaps }
}

/// The offline engine: rule-based, deterministic, no network.
#[derive(Debug, Clone, Default)]
pub struct OfflineAnalyst;

#[async_trait]
impl Analyst for OfflineAnalyst {
    fn name(&self) -> String {
        "offline".into()
    }

    async fn parse_resume(
        &self,
        text: &str,
        lang: &str,
    ) -> Result<(ParsedResume, Usage), ProviderError> {
        Ok((engine::parse_resume(text, Some(lang)), Usage::default()))
    }

    async fn parse_job(
        &self,
        text: &str,
        lang: Option<&str>,
    ) -> Result<(ParsedJob, Usage), ProviderError> {
        Ok((engine::parse_job(text, lang), Usage::default()))
    }

    async fn analyze(&self, req: AnalyzeRequest<'_>) -> Result<(Analysis, Usage), ProviderError> {
        Ok((
            engine::analyze_in(
                req.resume,
                req.resume_text,
                req.job,
                req.retrieved,
                req.output_lang,
            ),
            Usage::default(),
        ))
    }

    async fn generate(
        &self,
        req: GenerateRequest<'_>,
    ) -> Result<(Optimized, Usage), ProviderError> {
        Ok((
            engine::generate_optimized(
                req.resume,
                req.resume_text,
                req.job,
                req.analysis,
                req.output_lang,
                req.custom_instructions,
            ),
            Usage::default(),
        ))
    }
}
