//! GenerateApplication (`generate-application-{application_id}`, `-v{n}` for later
//! versions): one tailored CV version of an application — parse the job offer, plan
//! the CV changes, apply them with the CV editor, render the PDF and DOCX (CV and
//! cover letter), store them. Every step writes its result to the version's `cvs`
//! row; a permanent failure marks the version and the application `failed` with a
//! readable reason and removes whatever documents it stored.

use crate::support::{self, Reports, StepPlan, activity_options, failure_reason, set_step};
use activities::applications::{ApplicationActivities, GenFail, GenRef};
use shared::contracts::{GenerateApplicationInput, GenerateApplicationOutput, Progress, steps};
use std::time::Duration;
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{WorkflowContext, WorkflowContextView, WorkflowResult};

const PLAN: StepPlan = StepPlan::own(&steps::GENERATE_APPLICATION);

#[workflow]
#[derive(Default)]
pub struct GenerateApplication {
    progress: Progress,
}

#[workflow_methods]
impl GenerateApplication {
    #[run]
    pub async fn run(
        ctx: &mut WorkflowContext<Self>,
        input: GenerateApplicationInput,
    ) -> WorkflowResult<GenerateApplicationOutput> {
        let g = GenRef {
            user_id: input.user_id,
            application_id: input.application_id,
            cv_id: input.cv_id,
            version_no: input.version_no,
        };

        set_step(ctx, &PLAN, 0);
        // Waits (retrying every few seconds) while a job named by the application is
        // still being read; a model call inside is bounded by the provider budget.
        let offer_opts = support::waiting_options(
            "parse the job offer",
            Duration::from_secs(180),
            Duration::from_secs(15 * 60),
        );
        let offer = match ctx
            .execute_activity(
                ApplicationActivities::parse_job_offer,
                g.clone(),
                offer_opts,
            )
            .await
        {
            Ok(o) => o,
            Err(err) => return fail(ctx, &g, failure_reason(&err)).await,
        };
        ctx.set_current_details(format!(
            "offer: {} at {} — {} must-have, {} nice-to-have, {} keywords{}",
            offer.title.as_deref().unwrap_or("(untitled)"),
            offer.company.as_deref().unwrap_or("(company not named)"),
            offer.must_have,
            offer.nice_to_have,
            offer.keywords,
            if offer.reused_job {
                " (from the job)"
            } else {
                ""
            }
        ));

        set_step(ctx, &PLAN, 1);
        let planned = match ctx
            .execute_activity(
                ApplicationActivities::plan_cv_changes,
                g.clone(),
                activity_options(
                    "plan the CV changes",
                    Duration::from_secs(180),
                    Duration::from_secs(900),
                ),
            )
            .await
        {
            Ok(p) => p,
            Err(err) => return fail(ctx, &g, failure_reason(&err)).await,
        };
        ctx.set_current_details(format!(
            "{} changes planned by {} ({} requests not supported by the CV), output {}",
            planned.changes, planned.engine, planned.gaps, planned.output_lang
        ));

        set_step(ctx, &PLAN, 2);
        let applied = match ctx
            .execute_activity(
                ApplicationActivities::apply_cv_changes,
                g.clone(),
                activity_options(
                    "validate and apply the changes (CV editor)",
                    Duration::from_secs(60),
                    Duration::from_secs(600),
                ),
            )
            .await
        {
            Ok(a) => a,
            Err(err) => return fail(ctx, &g, failure_reason(&err)).await,
        };
        ctx.set_current_details(format!(
            "{} changes applied, {} rejected, {} gaps",
            applied.applied, applied.rejected, applied.gaps
        ));

        set_step(ctx, &PLAN, 3);
        let rendered = match ctx
            .execute_activity(
                ApplicationActivities::render_documents,
                g.clone(),
                activity_options(
                    "render the CV and cover letter (PDF, DOCX)",
                    Duration::from_secs(120),
                    Duration::from_secs(600),
                ),
            )
            .await
        {
            Ok(r) => r,
            Err(err) => return fail(ctx, &g, failure_reason(&err)).await,
        };
        ctx.set_current_details(format!(
            "CV: PDF {} bytes, DOCX {} bytes; cover letter: PDF {} bytes",
            rendered.cv_pdf_bytes, rendered.cv_docx_bytes, rendered.letter_pdf_bytes
        ));

        set_step(ctx, &PLAN, 4);
        if let Err(err) = ctx
            .execute_activity(
                ApplicationActivities::store_cv,
                g.clone(),
                activity_options(
                    "store the CV version",
                    Duration::from_secs(30),
                    Duration::from_secs(600),
                ),
            )
            .await
        {
            return fail(ctx, &g, failure_reason(&err)).await;
        }

        set_step(ctx, &PLAN, steps::GENERATE_APPLICATION.len());
        ctx.set_current_details(format!(
            "done: CV v{} — {} changes applied, {} rejected",
            input.version_no, applied.applied, applied.rejected
        ));
        Ok(GenerateApplicationOutput {
            cv_id: input.cv_id,
            version_no: input.version_no,
            applied: applied.applied,
            rejected: applied.rejected,
        })
    }

    #[query]
    pub fn progress(&self, _ctx: &WorkflowContextView) -> Progress {
        self.progress.clone()
    }
}

impl Reports for GenerateApplication {
    fn progress_mut(&mut self) -> &mut Progress {
        &mut self.progress
    }
}

async fn fail(
    ctx: &mut WorkflowContext<GenerateApplication>,
    g: &GenRef,
    reason: String,
) -> WorkflowResult<GenerateApplicationOutput> {
    let mark = GenFail {
        generation: g.clone(),
        reason: reason.clone(),
    };
    support::fail(
        ctx,
        ApplicationActivities::fail_generation,
        mark,
        "mark the CV version failed",
        reason,
    )
    .await
}
