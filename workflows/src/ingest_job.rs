//! IngestJob (`ingest-job-{job_id}`): get the posting text (as given, from n8n
//! with a timeout and local fallback, or by fetching the URL safely), parse
//! it, embed it, then run the first optimisation as a child workflow
//! (`optimize-job-{job_id}-1`). Any permanent failure marks the job `failed`
//! with a readable reason first.

use crate::{
    optimize_job::OptimizeJob,
    support::{
        self, Reports, StepPlan, activity_options, failure_reason, set_step, wait_for_callback,
    },
};
use activities::{
    jobs::{ApplyN8nJob, JobActivities, JobFail, JobRef, N8nJobOutcome},
    resume::N8nDispatch,
};
use shared::{
    contracts::{
        self, IngestJobInput, IngestJobOutput, N8nCallback, OptimizeJobInput, Progress, steps,
    },
    domain::JobStatus,
};
use std::time::Duration;
use temporalio_common::{error::ApplicationFailure, search_attributes::SearchAttributes};
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{
    ChildWorkflowOptions, SyncWorkflowContext, WorkflowContext, WorkflowContextView, WorkflowResult,
};

/// IngestJob's steps, then its child OptimizeJob's: one count for the user.
const PLAN: StepPlan = StepPlan {
    names: &steps::INGEST_JOB,
    offset: 0,
    total: (steps::INGEST_JOB.len() + steps::OPTIMIZE_JOB.len()) as u32,
    then: steps::OPTIMIZE,
};

#[workflow]
#[derive(Default)]
pub struct IngestJob {
    progress: Progress,
    n8n: Option<N8nCallback>,
}

#[workflow_methods]
impl IngestJob {
    #[run]
    pub async fn run(
        ctx: &mut WorkflowContext<Self>,
        input: IngestJobInput,
    ) -> WorkflowResult<IngestJobOutput> {
        let job = JobRef {
            user_id: input.user_id,
            job_id: input.job_id,
        };
        set_step(ctx, &PLAN, 0);
        let start = match ctx
            .execute_activity(
                JobActivities::start_ingest,
                job.clone(),
                activity_options(
                    "mark the job processing",
                    Duration::from_secs(30),
                    Duration::from_secs(300),
                ),
            )
            .await
        {
            Ok(s) => s,
            Err(err) => return fail(ctx, &input, failure_reason(&err)).await,
        };

        if start.needs_fetch {
            let mut have_text = false;
            let dispatch = ctx
                .execute_activity(
                    JobActivities::dispatch_job_to_n8n,
                    job.clone(),
                    activity_options(
                        "hand the URL to n8n (if configured)",
                        Duration::from_secs(30),
                        Duration::from_secs(120),
                    ),
                )
                .await;
            if let Ok(N8nDispatch::Sent { timeout_secs }) = dispatch {
                ctx.set_current_details(format!(
                    "waiting up to {timeout_secs} s for n8n to scrape the page"
                ));
                match wait_for_callback(ctx, timeout_secs, |s| s.n8n.clone()).await {
                    Some(cb) => {
                        let outcome = ctx
                            .execute_activity(
                                JobActivities::apply_n8n_job,
                                ApplyN8nJob {
                                    user_id: input.user_id,
                                    job_id: input.job_id,
                                    inbox_id: cb.inbox_id,
                                },
                                activity_options(
                                    "apply the n8n result",
                                    Duration::from_secs(30),
                                    Duration::from_secs(300),
                                ),
                            )
                            .await;
                        match outcome {
                            Ok(N8nJobOutcome::Ready { .. }) => have_text = true,
                            Ok(N8nJobOutcome::Failed { reason }) => {
                                return fail(ctx, &input, reason).await;
                            }
                            Err(err) => return fail(ctx, &input, failure_reason(&err)).await,
                        }
                    }
                    None => ctx.set_current_details(format!(
                        "n8n did not call back within {timeout_secs} s; fetching the page locally"
                    )),
                }
            }
            if !have_text
                && let Err(err) = ctx
                    .execute_activity(
                        JobActivities::fetch_job_page,
                        job.clone(),
                        activity_options(
                            "fetch the job page",
                            // A page that cannot be read within a minute and a
                            // half (DNS, timeouts) is reported, not retried on.
                            Duration::from_secs(30),
                            Duration::from_secs(90),
                        ),
                    )
                    .await
            {
                return fail(ctx, &input, failure_reason(&err)).await;
            }
        }

        set_step(ctx, &PLAN, 1);
        let parsed = match ctx
            .execute_activity(
                JobActivities::parse_job_description,
                job.clone(),
                activity_options(
                    "parse the job description",
                    Duration::from_secs(180),
                    Duration::from_secs(900),
                ),
            )
            .await
        {
            Ok(p) => p,
            Err(err) => return fail(ctx, &input, failure_reason(&err)).await,
        };
        ctx.set_current_details(format!(
            "\"{}\": {} requirements, {} keywords, language {}",
            parsed.title, parsed.requirements, parsed.keywords, parsed.jd_lang
        ));

        set_step(ctx, &PLAN, 2);
        // The posting's vectors serve later searches; the run does not need them.
        if let Err(err) = ctx
            .execute_activity(
                JobActivities::embed_job,
                job.clone(),
                activity_options(
                    "chunk and embed the posting",
                    Duration::from_secs(120),
                    Duration::from_secs(600),
                ),
            )
            .await
        {
            ctx.set_current_details(format!(
                "embedding the posting failed: {}",
                failure_reason(&err)
            ));
        }

        set_step(ctx, &PLAN, 3);
        let child = ctx
            .start_child_workflow(
                OptimizeJob::run,
                OptimizeJobInput {
                    user_id: input.user_id,
                    job_id: input.job_id,
                    resume_id: input.resume_id,
                    run_no: 1,
                    step_offset: steps::INGEST_JOB.len() as u32,
                },
                ChildWorkflowOptions::builder()
                    .workflow_id(contracts::optimize_job_workflow_id(input.job_id, 1))
                    .static_summary(format!("Optimise resume for \"{}\" (run 1)", parsed.title))
                    .search_attributes(SearchAttributes::new([
                        contracts::SA_USER_ID.value_set(input.user_id.to_string()),
                        contracts::SA_JOB_ID.value_set(input.job_id.to_string()),
                        contracts::SA_RESUME_ID.value_set(input.resume_id.to_string()),
                    ]))
                    .build(),
            )
            .await;
        let started = match child {
            Ok(s) => s,
            Err(e) => {
                return fail(
                    ctx,
                    &input,
                    format!("could not start the optimisation: {e}"),
                )
                .await;
            }
        };
        // The child records its own failure on the job; pass its reason on.
        match started.result().await {
            Ok(out) => {
                set_step(ctx, &PLAN, PLAN.total as usize);
                Ok(IngestJobOutput {
                    status: JobStatus::Complete,
                    score: Some(out.score),
                    error: None,
                })
            }
            Err(e) => {
                let reason = e
                    .cause()
                    .and_then(|c| c.cause())
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| e.to_string());
                Err(ApplicationFailure::non_retryable(reason).into())
            }
        }
    }

    /// n8n called back (`POST /callbacks/n8n/job`); the first callback wins.
    #[signal(name = "n8n_callback")]
    pub fn n8n_callback(&mut self, _ctx: &mut SyncWorkflowContext<Self>, input: N8nCallback) {
        if self.n8n.is_none() {
            self.n8n = Some(input);
        }
    }

    #[query]
    pub fn progress(&self, _ctx: &WorkflowContextView) -> Progress {
        self.progress.clone()
    }
}

impl Reports for IngestJob {
    fn progress_mut(&mut self) -> &mut Progress {
        &mut self.progress
    }
}

async fn fail(
    ctx: &mut WorkflowContext<IngestJob>,
    input: &IngestJobInput,
    reason: String,
) -> WorkflowResult<IngestJobOutput> {
    let mark = JobFail {
        user_id: input.user_id,
        job_id: input.job_id,
        run_no: 1,
        reason: reason.clone(),
    };
    support::fail(
        ctx,
        JobActivities::fail_job,
        mark,
        "mark the job failed",
        reason,
    )
    .await
}
