//! Helpers shared by the workflows: activity options and failure reasons.

use shared::contracts::{N8nCallback, Progress, steps};
use std::time::Duration;
use temporalio_common::{
    ActivityCloseTimeouts, ActivityDefinition, RetryPolicy,
    data_converters::TemporalDeserializable,
    error::{ApplicationFailure, IncomingError},
};
use temporalio_sdk::{ActivityExecutionError, ActivityOptions, WorkflowContext, WorkflowResult};

/// A workflow whose state carries the [`Progress`] its `progress` query answers.
pub trait Reports {
    fn progress_mut(&mut self) -> &mut Progress;
}

/// Which steps a workflow reports, and where they sit in the whole the user sees
/// (IngestJob's 3 steps are followed by its child OptimizeJob's 4).
#[derive(Debug, Clone, Copy)]
pub struct StepPlan {
    /// This workflow's own steps, in order.
    pub names: &'static [&'static str],
    /// Steps reported before this workflow's first one (by a parent).
    pub offset: u32,
    /// Steps in the whole.
    pub total: u32,
    /// Reported after this workflow's own steps until the whole is done.
    pub then: &'static str,
}

impl StepPlan {
    /// A workflow whose steps are the whole.
    pub const fn own(names: &'static [&'static str]) -> Self {
        Self {
            names,
            offset: 0,
            total: names.len() as u32,
            then: steps::DONE,
        }
    }

    /// The step name and the completed count once `done` of this workflow's steps ran.
    fn at(&self, done: usize) -> (&'static str, u32) {
        let completed = (self.offset + done as u32).min(self.total);
        let name = match self.names.get(done) {
            Some(name) => name,
            None if completed >= self.total => steps::DONE,
            None => self.then,
        };
        (name, completed)
    }
}

/// Report that `done` of the plan's steps have completed (the next one is running):
/// for the `progress` query and as the run's current details in the Web UI.
pub fn set_step<W: Reports>(ctx: &WorkflowContext<W>, plan: &StepPlan, done: usize) {
    let (step, completed) = plan.at(done);
    let total = plan.total;
    ctx.state_mut(|s| {
        *s.progress_mut() = Progress {
            step: step.to_string(),
            completed_steps: completed,
            total_steps: total,
        }
    });
    ctx.set_current_details(format!("step {completed}/{total}: {step}"));
}

/// Give up: record the readable `reason` on the row with the workflow's "mark failed"
/// activity, report [`steps::FAILED`], and fail the run with the same reason so the
/// Web UI shows it too.
pub async fn fail<W: Reports, A: ActivityDefinition, O>(
    ctx: &mut WorkflowContext<W>,
    mark_failed: A,
    input: A::Input,
    summary: &str,
    reason: String,
) -> WorkflowResult<O>
where
    A::Output: TemporalDeserializable,
{
    ctx.execute_activity(
        mark_failed,
        input,
        activity_options(summary, Duration::from_secs(30), Duration::from_secs(600)),
    )
    .await?;
    ctx.state_mut(|s| s.progress_mut().step = steps::FAILED.into());
    Err(ApplicationFailure::non_retryable(reason).into())
}

/// Every activity heartbeats (see `activities::heartbeat`): a worker that dies
/// mid-activity is noticed after this long and the activity is retried elsewhere,
/// instead of after its whole start-to-close timeout.
pub const HEARTBEAT_TIMEOUT: Duration = Duration::from_secs(10);

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
    .heartbeat_timeout(HEARTBEAT_TIMEOUT)
    .summary(summary.to_string())
    .build()
}

/// Options for a step that waits on something another workflow is still producing
/// (a resume being parsed, a job being read): it answers "not yet" as a transient
/// failure, so it is retried every few seconds (backoff capped at 5 s) until `total`.
pub fn waiting_options(summary: &str, attempt: Duration, total: Duration) -> ActivityOptions {
    ActivityOptions::with_close_timeouts(ActivityCloseTimeouts::ScheduleAndStartToClose {
        schedule_to_close: total,
        start_to_close: attempt,
    })
    .retry_policy(
        RetryPolicy::builder()
            .initial_interval(Duration::from_millis(500))
            .backoff_coefficient(1.5)
            .maximum_interval(Duration::from_secs(5))
            .non_retryable_error_types([activities::errors::PERMANENT])
            .build(),
    )
    .heartbeat_timeout(HEARTBEAT_TIMEOUT)
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
