//! The worker's own metrics, recorded through the Temporal SDK's meter so they are served
//! on the same `/metrics` as the SDK's worker metrics (`SMARTRESUME_METRICS_BIND`):
//! provider calls and their errors by class, model tokens and cost, and runs finished by
//! workflow type and outcome. Until [`install`] is called (metrics off, tests) every
//! function here does nothing.

use std::sync::{Arc, OnceLock};
use temporalio_common::telemetry::metrics::{
    CoreMeter, Counter, MetricKeyValue, MetricParameters, NewAttributes,
};

struct Instruments {
    meter: Arc<dyn CoreMeter>,
    provider_calls: Counter,
    provider_errors: Counter,
    tokens: Counter,
    cost_micro_usd: Counter,
    runs_finished: Counter,
}

static INSTRUMENTS: OnceLock<Instruments> = OnceLock::new();

fn counter(meter: &Arc<dyn CoreMeter>, name: &'static str, description: &'static str) -> Counter {
    meter.counter(
        MetricParameters::builder()
            .name(name)
            .description(description)
            .build(),
    )
}

/// Record through `meter` from now on (once per process; later calls are ignored).
pub fn install(meter: Arc<dyn CoreMeter>) {
    let _ = INSTRUMENTS.set(Instruments {
        provider_calls: counter(
            &meter,
            "smartresume_provider_calls",
            "HTTP requests to providers (OpenAI, Pinecone, n8n), by provider",
        ),
        provider_errors: counter(
            &meter,
            "smartresume_provider_errors",
            "Failed provider requests, by provider and class (timeout, connect, transport, 429, quota, auth, 4xx, 5xx)",
        ),
        tokens: counter(
            &meter,
            "smartresume_llm_tokens",
            "Model tokens, by kind (prompt, cached, completion)",
        ),
        cost_micro_usd: counter(
            &meter,
            "smartresume_llm_cost_micro_usd",
            "Estimated model cost in millionths of a US dollar",
        ),
        runs_finished: counter(
            &meter,
            "smartresume_runs_finished",
            "Runs that reached an end, by workflow type and outcome (complete, failed)",
        ),
        meter,
    });
}

fn add(pick: impl Fn(&Instruments) -> &Counter, value: u64, labels: &[(&str, &str)]) {
    if let Some(i) = INSTRUMENTS.get() {
        let attrs = i.meter.new_attributes(NewAttributes::from(
            labels
                .iter()
                .map(|(k, v)| MetricKeyValue::new(*k, v.to_string())),
        ));
        pick(i).add(value, &attrs);
    }
}

pub fn provider_call(provider: &str) {
    add(|i| &i.provider_calls, 1, &[("provider", provider)]);
}

pub fn provider_error(provider: &str, class: &str) {
    add(
        |i| &i.provider_errors,
        1,
        &[("provider", provider), ("class", class)],
    );
}

/// Tokens of one model call; `cached` is the part of `prompt` served from the prompt cache.
pub fn tokens(prompt: u64, cached: u64, completion: u64) {
    for (kind, n) in [
        ("prompt", prompt.saturating_sub(cached)),
        ("cached", cached),
        ("completion", completion),
    ] {
        if n > 0 {
            add(|i| &i.tokens, n, &[("kind", kind)]);
        }
    }
}

pub fn cost_usd(usd: f64) {
    if usd.is_finite() && usd > 0.0 {
        add(|i| &i.cost_micro_usd, (usd * 1e6).round() as u64, &[]);
    }
}

pub fn run_finished(workflow: &str, outcome: &str) {
    add(
        |i| &i.runs_finished,
        1,
        &[("workflow", workflow), ("outcome", outcome)],
    );
}

/// The class of an HTTP error status, as a metric label.
pub fn status_class(status: u16, body: &str) -> &'static str {
    match status {
        429 if body.contains("insufficient_quota") => "quota",
        429 => "429",
        401 | 403 => "auth",
        400..=499 => "4xx",
        _ => "5xx",
    }
}
