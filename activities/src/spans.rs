//! One tracing span per activity attempt, so every log line an activity writes can be
//! tied to its run in the Temporal Web UI: the workflow id, the activity's name and
//! the attempt number. Registered once on the worker (an activity inbound
//! interceptor) instead of an annotation on every activity.
//!
//! The span also names the HTTP request that started the run (`request_id`, W3C baggage
//! the gateway adds and the Temporal SDK's OpenTelemetry plugin carries in the
//! workflow's headers), and with traces exported (`OTEL_EXPORTER_OTLP_ENDPOINT`) it is
//! a child of the plugin's `RunActivity` span, so what an activity does (its provider
//! calls, its database writes) shows in the request's trace.

use temporalio_common::ActivityError;
use temporalio_sdk::interceptors::{
    ActivityInboundInterceptor, ExecuteActivityInput, ExecuteActivityOutput, Next,
};
use tracing::Instrument;

/// The interceptor to register with `WorkerOptions::activity_inbound_interceptor`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ActivitySpans;

impl ActivityInboundInterceptor for ActivitySpans {
    fn execute_activity<'a>(
        &'a self,
        input: ExecuteActivityInput,
        next: Next<'a, ExecuteActivityInput, ExecuteActivityOutput<'a>>,
    ) -> ExecuteActivityOutput<'a> {
        let info = input.activity_info();
        let activity = info.activity_type.clone();
        let workflow_id = info.workflow_id.clone().unwrap_or_default();
        let run_id = info.workflow_run_id.clone().unwrap_or_default();
        let attempt = info.attempt;
        Box::pin(async move {
            // Made here, not before: the plugin's interceptor polls this future with the
            // activity's trace context current (it is not current when we are called).
            let request_id = shared::telemetry::current_request_id().unwrap_or_default();
            let span = tracing::info_span!(
                "activity",
                activity = %activity,
                workflow_id = %workflow_id,
                run_id = %run_id,
                attempt,
                request_id = %request_id,
                otel.name = format!("activity {activity}"),
            );
            {
                use tracing_opentelemetry::OpenTelemetrySpanExt as _;
                // Err only when spans are not exported.
                let _ = span.set_parent(opentelemetry::Context::current());
            }
            async move {
                let result = next.run(input).await;
                match &result {
                    Ok(_) => tracing::debug!("activity completed"),
                    Err(ActivityError::Application(failure)) => {
                        tracing::warn!(error = %failure, "activity failed")
                    }
                    Err(other) => tracing::warn!(error = ?other, "activity did not complete"),
                }
                result
            }
            .instrument(span)
            .await
        })
    }
}
