//! When the cloud LLM fails for good — no quota, a wrong key or model, answers that
//! never fit the schema after the repair attempt, or the retry budget spent on
//! 429s, 5xx and timeouts — a user should still get a result whenever the offline
//! engine can give one (`SMARTRESUME_LLM_FALLBACK=offline`, the default). The step
//! then finishes offline and says so: the step's usage carries the reason (stored
//! in `token_usage.by_step`) and the caller adds a warning the user sees.
//! With `fail`, the run ends `failed` with the provider's reason, as before.

use crate::{errors, llm::Usage, providers::Providers};
use shared::config::LlmFallback;
use std::future::Future;
use temporalio_sdk::activities::{ActivityContext, ActivityError};

use crate::errors::ProviderError;

/// Why the offline engine should finish a step whose cloud call failed with `e`,
/// or `None` when the failure should be retried (or fail the run) as it is.
pub fn reason(ctx: &ActivityContext, p: &Providers, e: &ProviderError) -> Option<String> {
    if p.llm_fallback != LlmFallback::Offline || p.analyst.name() == "offline" {
        return None;
    }
    match e {
        ProviderError::Permanent(m) => Some(m.clone()),
        ProviderError::Transient { message, .. } => {
            errors::budget_spent(ctx, p.retry_budget).map(|spent| format!("{message}; {spent}"))
        }
    }
}

/// Run one LLM step: the configured analyst's `cloud` call, and — only when it
/// fails for good and the fallback is on — the offline engine's `offline` call
/// (futures are lazy: it costs nothing when unused). The returned usage carries
/// the fallback reason when the offline engine answered.
pub async fn llm_step<T, C, O>(
    ctx: &ActivityContext,
    p: &Providers,
    step: &str,
    cloud: C,
    offline: O,
) -> Result<(T, Usage), ActivityError>
where
    C: Future<Output = Result<(T, Usage), ProviderError>>,
    O: Future<Output = Result<(T, Usage), ProviderError>>,
{
    match cloud.await {
        Ok(v) => Ok(v),
        Err(e) => match reason(ctx, p, &e) {
            Some(why) => {
                tracing::warn!(
                    engine = %p.analyst.name(),
                    step,
                    reason = %why,
                    "the cloud model failed for good; the offline engine finishes this step"
                );
                let (v, mut usage) = offline.await.map_err(errors::provider)?;
                usage.fallback = Some(why);
                Ok((v, usage))
            }
            None => Err(errors::provider_within(ctx, p.retry_budget, e)),
        },
    }
}

/// The sentence a user reads when `what` came from the offline engine.
pub fn warning(what: &str, why: &str) -> String {
    format!(
        "The AI model could not be used for the {what} ({}), so the offline engine produced it.",
        why.trim_end_matches('.')
    )
}
