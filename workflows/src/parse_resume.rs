//! ParseResume (`parse-resume-{version_id}`): extract → structure, with the
//! version row marked `failed` and a readable reason whenever a step gives up.

use crate::support::{activity_options, failure_reason};
use activities::resume::{FailVersion, ResumeActivities, VersionRef};
use shared::{
    contracts::{ParseResumeInput, ParseResumeOutput, Progress},
    domain::ParseStatus,
};
use std::time::Duration;
use temporalio_common::error::ApplicationFailure;
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{
    ActivityExecutionError, WorkflowContext, WorkflowContextView, WorkflowResult,
};

const STEPS: [&str; 2] = ["extract_text", "structure"];

#[workflow]
#[derive(Default)]
pub struct ParseResume {
    progress: Progress,
}

#[workflow_methods]
impl ParseResume {
    #[run]
    pub async fn run(
        ctx: &mut WorkflowContext<Self>,
        input: ParseResumeInput,
    ) -> WorkflowResult<ParseResumeOutput> {
        let version = VersionRef {
            user_id: input.user_id,
            version_id: input.version_id,
        };

        set_step(ctx, 0);
        let extracted = match ctx
            .execute_activity(
                ResumeActivities::extract_text,
                version.clone(),
                activity_options(
                    "load, extract and normalise the text",
                    Duration::from_secs(120),
                    Duration::from_secs(300),
                ),
            )
            .await
        {
            Ok(e) => e,
            Err(err) => return fail(ctx, &input, &err).await,
        };
        ctx.set_current_details(format!(
            "extracted {} characters, language {}",
            extracted.chars, extracted.detected_lang
        ));

        set_step(ctx, 1);
        let structured = match ctx
            .execute_activity(
                ResumeActivities::structure,
                version,
                activity_options(
                    "structure into sections and markdown",
                    Duration::from_secs(60),
                    Duration::from_secs(300),
                ),
            )
            .await
        {
            Ok(s) => s,
            Err(err) => return fail(ctx, &input, &err).await,
        };

        set_step(ctx, STEPS.len());
        ctx.set_current_details(format!(
            "parsed: {} sections, {} jobs, {} skills",
            structured.sections, structured.experience_entries, structured.skills
        ));
        Ok(ParseResumeOutput {
            status: ParseStatus::Parsed,
            detected_lang: Some(extracted.detected_lang),
            error: None,
        })
    }

    /// Where the run is: `{ step, completed_steps, total_steps }`.
    #[query]
    pub fn progress(&self, _ctx: &WorkflowContextView) -> Progress {
        self.progress.clone()
    }
}

fn set_step(ctx: &WorkflowContext<ParseResume>, done: usize) {
    let step = STEPS.get(done).copied().unwrap_or("done");
    ctx.state_mut(|s| {
        s.progress = Progress {
            step: step.to_string(),
            completed_steps: done as u32,
            total_steps: STEPS.len() as u32,
        }
    });
    ctx.set_current_details(format!(
        "step {}/{}: {step}",
        done.min(STEPS.len()),
        STEPS.len()
    ));
}

/// Mark the version failed with a readable reason, then fail the run with the
/// same reason so the Web UI shows it too.
async fn fail(
    ctx: &mut WorkflowContext<ParseResume>,
    input: &ParseResumeInput,
    err: &ActivityExecutionError,
) -> WorkflowResult<ParseResumeOutput> {
    let reason = failure_reason(err);
    ctx.execute_activity(
        ResumeActivities::mark_failed,
        FailVersion {
            user_id: input.user_id,
            version_id: input.version_id,
            reason: reason.clone(),
        },
        activity_options(
            "mark the version failed",
            Duration::from_secs(30),
            Duration::from_secs(600),
        ),
    )
    .await?;
    ctx.state_mut(|s| s.progress.step = "failed".into());
    Err(ApplicationFailure::non_retryable(reason).into())
}
