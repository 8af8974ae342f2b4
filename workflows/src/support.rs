//! Helpers shared by the workflows: activity options and failure reasons.

use shared::contracts::N8nCallback;
use std::time::Duration;
use temporalio_common::{ActivityCloseTimeouts, RetryPolicy, error::IncomingError};
use temporalio_sdk::{ActivityExecutionError, ActivityOptions, WorkflowContext};

/// Options for short DB/CPU activities: each attempt bounded, retried with
/// backoff for transient faults, and never longer than `total` overall.
pub fn activity_options(summary: &str, attempt: Duration, total: Duration) -> ActivityOptions {
    ActivityOptions::with_close_timeouts(ActivityCloseTimeouts::ScheduleAndStartToClose {
        schedule_to_close: total,
        start_to_close: attempt,
    })
    .retry_policy(
        RetryPolicy::builder()
            .initial_interval(Duration::from_millis(500))
            .backoff_coefficient(2.0)
            .maximum_interval(Duration::from_secs(30))
            .non_retryable_error_types([activities::errors::PERMANENT])
            .build(),
    )
    .summary(summary.to_string())
    .build()
}

/// The sentence to show a user for a failed activity: our permanent failures
/// carry a readable message; timeouts and exhausted retries get a plain one.
pub fn failure_reason(err: &ActivityExecutionError) -> String {
    if let Some(t) = err.as_timeout() {
        let _ = t;
        return "a processing step took too long and was stopped; please try again".into();
    }
    match err.cause() {
        Some(IncomingError::Application(app)) => {
            let msg = app.to_string();
            if app.type_name() == Some(activities::errors::TRANSIENT) {
                format!("a temporary problem did not clear up in time ({msg}); please try again")
            } else {
                msg
            }
        }
        Some(IncomingError::Timeout(_)) => {
            "a processing step took too long and was stopped; please try again".into()
        }
        Some(other) => other.to_string(),
        None => err.to_string(),
    }
}

/// Wait for an n8n callback signal (read from the workflow state by
/// `received`) for at most `timeout_secs`; `None` when the time ran out.
pub async fn wait_for_callback<W>(
    ctx: &WorkflowContext<W>,
    timeout_secs: u64,
    received: fn(&W) -> Option<N8nCallback>,
) -> Option<N8nCallback> {
    let answered = temporalio_sdk::workflows::select! {
        _ = ctx.wait_condition(move |s| received(s).is_some()) => true,
        _ = ctx.timer(Duration::from_secs(timeout_secs)) => false,
    };
    if answered { ctx.state(received) } else { None }
}
