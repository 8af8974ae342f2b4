//! OptimizeJob (`optimize-job-{job_id}-{run_no}`): one optimisation run —
//! prepare (waits while the resume is still being parsed), retrieve resume
//! evidence per requirement, analyse, generate the truthful optimised resume.
//! Every step stores its result on the run's row; a permanent failure marks
//! the run and the job `failed` with a readable reason.

use crate::support::{self, Reports, StepPlan, activity_options, failure_reason, set_step};
use activities::{
    jobs::{JobActivities, JobFail},
    optimize::{OptimizeActivities, RunRef},
};
use shared::contracts::{OptimizeJobInput, OptimizeJobOutput, Progress, steps};
use std::time::Duration;
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{WorkflowContext, WorkflowContextView, WorkflowResult};

#[workflow]
#[derive(Default)]
pub struct OptimizeJob {
    progress: Progress,
}

#[workflow_methods]
impl OptimizeJob {
    #[run]
    pub async fn run(
        ctx: &mut WorkflowContext<Self>,
        input: OptimizeJobInput,
    ) -> WorkflowResult<OptimizeJobOutput> {
        let run = RunRef {
            user_id: input.user_id,
            job_id: input.job_id,
            run_no: input.run_no,
        };

        set_step(ctx, &plan(&input), 0);
        // Waits (retrying every few seconds) while the resume is still being
        // parsed — a user often adds a job right after uploading.
        let prepare_opts = support::waiting_options(
            "open the run (waits for the resume to be parsed)",
            Duration::from_secs(30),
            Duration::from_secs(15 * 60),
        );
        let prepared = match ctx
            .execute_activity(OptimizeActivities::prepare_run, run.clone(), prepare_opts)
            .await
        {
            Ok(p) => p,
            Err(err) => return fail(ctx, &input, failure_reason(&err)).await,
        };
        ctx.set_current_details(format!(
            "resume {} → job {} → output {}",
            prepared.resume_lang, prepared.jd_lang, prepared.output_lang
        ));

        set_step(ctx, &plan(&input), 1);
        let searched = match ctx
            .execute_activity(
                OptimizeActivities::search_resume_vs_job,
                run.clone(),
                activity_options(
                    "retrieve resume evidence per requirement",
                    Duration::from_secs(120),
                    Duration::from_secs(600),
                ),
            )
            .await
        {
            Ok(s) => s,
            Err(err) => return fail(ctx, &input, failure_reason(&err)).await,
        };
        ctx.set_current_details(format!(
            "{} requirements, average similarity {:.2}",
            searched.requirements, searched.avg_score
        ));

        set_step(ctx, &plan(&input), 2);
        let analyzed = match ctx
            .execute_activity(
                OptimizeActivities::analyze_resume_vs_job,
                run.clone(),
                activity_options(
                    "score and explain the match",
                    Duration::from_secs(180),
                    Duration::from_secs(900),
                ),
            )
            .await
        {
            Ok(a) => a,
            Err(err) => return fail(ctx, &input, failure_reason(&err)).await,
        };
        ctx.set_current_details(format!(
            "score {}: {} requirements met, {} not",
            analyzed.score, analyzed.met, analyzed.unmet
        ));

        set_step(ctx, &plan(&input), 3);
        let generated = match ctx
            .execute_activity(
                OptimizeActivities::generate_optimized_resume,
                run,
                activity_options(
                    "write and verify the optimised resume",
                    Duration::from_secs(180),
                    Duration::from_secs(900),
                ),
            )
            .await
        {
            Ok(g) => g,
            Err(err) => return fail(ctx, &input, failure_reason(&err)).await,
        };

        set_step(ctx, &plan(&input), steps::OPTIMIZE_JOB.len());
        ctx.set_current_details(format!(
            "done: score {}, {} changes, {} warnings",
            analyzed.score, generated.changes, generated.warnings
        ));
        Ok(OptimizeJobOutput {
            score: analyzed.score,
            warnings: generated.warnings,
        })
    }

    #[query]
    pub fn progress(&self, _ctx: &WorkflowContextView) -> Progress {
        self.progress.clone()
    }
}

impl Reports for OptimizeJob {
    fn progress_mut(&mut self) -> &mut Progress {
        &mut self.progress
    }
}

/// OptimizeJob's steps, counted on from its parent's when it runs as IngestJob's child.
fn plan(input: &OptimizeJobInput) -> StepPlan {
    StepPlan {
        offset: input.step_offset,
        total: input.step_offset + steps::OPTIMIZE_JOB.len() as u32,
        ..StepPlan::own(&steps::OPTIMIZE_JOB)
    }
}

async fn fail(
    ctx: &mut WorkflowContext<OptimizeJob>,
    input: &OptimizeJobInput,
    reason: String,
) -> WorkflowResult<OptimizeJobOutput> {
    let mark = JobFail {
        user_id: input.user_id,
        job_id: input.job_id,
        run_no: input.run_no,
        reason: reason.clone(),
    };
    support::fail(
        ctx,
        JobActivities::fail_job,
        mark,
        "mark the run failed",
        reason,
    )
    .await
}
