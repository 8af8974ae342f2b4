//! Trace context for what the gateway asks of Temporal.
//!
//! Every start, signal, query and cancel runs under the request's trace context with
//! the request's id and the workflow's id as W3C baggage. The Temporal SDK's
//! OpenTelemetry plugin (on the gateway's client and the worker's) carries both in
//! the workflow's headers into each activity, so the worker's spans and activity log
//! lines name the request that started the run, and, with `OTEL_EXPORTER_OTLP_ENDPOINT`
//! set, one trace runs from the HTTP request to the last activity.

use opentelemetry::trace::{FutureExt as _, WithContext};
use std::future::Future;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// Runs a request's handling with its id where [`traced`] finds it.
pub fn scope<F: Future>(request_id: String, f: F) -> impl Future<Output = F::Output> {
    REQUEST_ID.scope(request_id, f)
}

/// The id of the request being handled (the `x-request-id` the gateway answers with).
pub fn request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// `f` (a call to Temporal about `workflow_id`) under the request's trace context with
/// both ids as baggage; the request's span and its log lines get the `workflow_id`.
pub fn traced<F: Future>(workflow_id: &str, f: F) -> WithContext<F> {
    tracing::Span::current().record("workflow_id", workflow_id);
    f.with_context(shared::telemetry::context_with_ids(
        request_id().as_deref(),
        workflow_id,
    ))
}

/// The trace context a caller sent (`traceparent`, `tracestate`, `baggage`), if any.
pub fn incoming(headers: &http::HeaderMap) -> Option<opentelemetry::Context> {
    use opentelemetry::propagation::{Extractor, TextMapCompositePropagator, TextMapPropagator};
    use opentelemetry_sdk::propagation::{BaggagePropagator, TraceContextPropagator};
    struct Headers<'a>(&'a http::HeaderMap);
    impl Extractor for Headers<'_> {
        fn get(&self, key: &str) -> Option<&str> {
            self.0.get(key).and_then(|v| v.to_str().ok())
        }
        fn keys(&self) -> Vec<&str> {
            self.0.keys().map(|k| k.as_str()).collect()
        }
    }
    if !headers.contains_key("traceparent") && !headers.contains_key("baggage") {
        return None;
    }
    let propagator = TextMapCompositePropagator::new(vec![
        Box::new(TraceContextPropagator::new()),
        Box::new(BaggagePropagator::new()),
    ]);
    Some(propagator.extract(&Headers(headers)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::{baggage::BaggageExt, trace::TraceContextExt};

    #[tokio::test]
    async fn a_call_runs_with_the_request_and_workflow_ids_as_baggage() {
        let seen = scope("rid-7".into(), async {
            traced("job-1", async {
                let cx = opentelemetry::Context::current();
                let b = cx.baggage();
                (
                    b.get(shared::telemetry::REQUEST_ID).map(|v| v.to_string()),
                    b.get(shared::telemetry::WORKFLOW_ID).map(|v| v.to_string()),
                )
            })
            .await
        })
        .await;
        assert_eq!(seen, (Some("rid-7".into()), Some("job-1".into())));
        // Outside a request there is no request id, the workflow id still goes.
        let outside = traced("job-2", async {
            opentelemetry::Context::current()
                .baggage()
                .get(shared::telemetry::REQUEST_ID)
                .map(|v| v.to_string())
        })
        .await;
        assert_eq!(outside, None);
    }

    #[test]
    fn a_callers_traceparent_becomes_the_parent() {
        let mut h = http::HeaderMap::new();
        assert!(incoming(&h).is_none());
        h.insert(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
                .parse()
                .unwrap(),
        );
        let cx = incoming(&h).unwrap();
        assert_eq!(
            cx.span().span_context().trace_id().to_string(),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
    }
}
