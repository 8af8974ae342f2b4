//! One tracing span per activity attempt, so every log line an activity writes can be
//! tied to its run in the Temporal Web UI: the workflow id, the activity's name and
//! the attempt number. Registered once on the worker (an activity inbound
//! interceptor) instead of an annotation on every activity.

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
        let span = tracing::info_span!(
            "activity",
            activity = %info.activity_type,
            workflow_id = info.workflow_id.as_deref().unwrap_or(""),
            run_id = info.workflow_run_id.as_deref().unwrap_or(""),
            attempt = info.attempt,
        );
        Box::pin(
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
            .instrument(span),
        )
    }
}
