//! ParseResume (`parse-resume-{version_id}`):
//!
//! 1. uploads may be handed to n8n (when configured); the run then waits for
//!    the `n8n_callback` signal up to the configured timeout and falls back to
//!    local extraction when it does not come;
//! 2. extract and normalise the text, detect the language;
//! 3. structure it (`parsed_json`, `content_md`), mark the version parsed;
//! 4. chunk and embed it (`embedding_status`).
//!
//! Whenever a step gives up, the version is marked `failed` with a readable
//! reason first; a failed embedding leaves the parsed resume usable.

use crate::support::{
    self, Reports, StepPlan, activity_options, failure_reason, set_step, wait_for_callback,
};
use activities::resume::{
    ApplyN8n, FailVersion, N8nDispatch, N8nOutcome, ResumeActivities, VersionRef,
};
use shared::{
    Lang,
    contracts::{N8nCallback, ParseResumeInput, ParseResumeOutput, Progress, steps},
    domain::{EmbeddingStatus, ParseStatus, ResumeSource},
};
use std::time::Duration;
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{
    ActivityExecutionError, SyncWorkflowContext, WorkflowContext, WorkflowContextView,
    WorkflowResult,
};

const PLAN: StepPlan = StepPlan::own(&steps::PARSE_RESUME);

#[workflow]
#[derive(Default)]
pub struct ParseResume {
    progress: Progress,
    /// The first n8n callback received (later ones are ignored).
    n8n: Option<N8nCallback>,
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
        let mut detected: Option<Lang> = None;
        let mut structured = false;
        let mut parsed_by = "local";

        if input.source == ResumeSource::Upload {
            set_step(ctx, &PLAN, 0);
            let dispatch = ctx
                .execute_activity(
                    ResumeActivities::dispatch_to_n8n,
                    version.clone(),
                    activity_options(
                        "hand the file to n8n (if configured)",
                        Duration::from_secs(30),
                        Duration::from_secs(120),
                    ),
                )
                .await;
            match dispatch {
                Ok(N8nDispatch::Sent { timeout_secs }) => {
                    ctx.set_current_details(format!(
                        "waiting up to {timeout_secs} s for n8n to parse the file"
                    ));
                    match wait_for_callback(ctx, timeout_secs, |s| s.n8n.clone()).await {
                        Some(cb) => {
                            let outcome = ctx
                                .execute_activity(
                                    ResumeActivities::apply_n8n_result,
                                    ApplyN8n {
                                        user_id: input.user_id,
                                        version_id: input.version_id,
                                        inbox_id: cb.inbox_id,
                                    },
                                    activity_options(
                                        "apply the n8n result",
                                        Duration::from_secs(60),
                                        Duration::from_secs(300),
                                    ),
                                )
                                .await;
                            match outcome {
                                Ok(N8nOutcome::Parsed {
                                    detected_lang,
                                    n8n_structure,
                                }) => {
                                    detected = Some(detected_lang);
                                    structured = true;
                                    parsed_by = if n8n_structure {
                                        "n8n"
                                    } else {
                                        "n8n text, local structure"
                                    };
                                }
                                Ok(N8nOutcome::Failed { reason }) => {
                                    return fail_with(ctx, &input, reason).await;
                                }
                                Err(err) => return fail(ctx, &input, &err).await,
                            }
                        }
                        None => ctx.set_current_details(format!(
                            "n8n did not call back within {timeout_secs} s; parsing locally"
                        )),
                    }
                }
                Ok(N8nDispatch::NotConfigured) => {}
                // n8n unreachable after retries: parse locally rather than fail.
                Err(err) => ctx.set_current_details(format!(
                    "n8n could not take the file ({}); parsing locally",
                    failure_reason(&err)
                )),
            }
        }

        if detected.is_none() {
            set_step(ctx, &PLAN, 1);
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
            detected = Some(extracted.detected_lang);
        }

        if !structured {
            set_step(ctx, &PLAN, 2);
            if let Err(err) = ctx
                .execute_activity(
                    ResumeActivities::structure,
                    version.clone(),
                    activity_options(
                        "structure into sections and markdown",
                        // On OpenAI: a call and its repair attempt, each up
                        // to OPENAI_TIMEOUT_SECS.
                        Duration::from_secs(180),
                        Duration::from_secs(900),
                    ),
                )
                .await
            {
                return fail(ctx, &input, &err).await;
            }
        }

        set_step(ctx, &PLAN, 3);
        let (embedding_status, chunks) = match ctx
            .execute_activity(
                ResumeActivities::embed_version,
                version.clone(),
                activity_options(
                    "chunk and embed into the vector store",
                    Duration::from_secs(120),
                    Duration::from_secs(600),
                ),
            )
            .await
        {
            Ok(indexed) => (EmbeddingStatus::Indexed, indexed.chunks),
            Err(err) => {
                ctx.set_current_details(format!("embedding failed: {}", failure_reason(&err)));
                ctx.execute_activity(
                    ResumeActivities::mark_embedding_failed,
                    version,
                    activity_options(
                        "mark embedding failed",
                        Duration::from_secs(30),
                        Duration::from_secs(600),
                    ),
                )
                .await?;
                (EmbeddingStatus::Failed, 0)
            }
        };

        set_step(ctx, &PLAN, steps::PARSE_RESUME.len());
        ctx.set_current_details(format!(
            "parsed ({parsed_by}); {chunks} chunks, embedding {embedding_status}"
        ));
        Ok(ParseResumeOutput {
            status: ParseStatus::Parsed,
            detected_lang: detected,
            error: None,
            embedding_status,
            chunks,
            parsed_by: parsed_by.to_string(),
        })
    }

    /// n8n called back (`POST /callbacks/n8n/resume`); the first callback wins.
    #[signal(name = "n8n_callback")]
    pub fn n8n_callback(&mut self, _ctx: &mut SyncWorkflowContext<Self>, input: N8nCallback) {
        if self.n8n.is_none() {
            self.n8n = Some(input);
        }
    }

    /// Where the run is: `{ step, completed_steps, total_steps }`.
    #[query]
    pub fn progress(&self, _ctx: &WorkflowContextView) -> Progress {
        self.progress.clone()
    }
}

impl Reports for ParseResume {
    fn progress_mut(&mut self) -> &mut Progress {
        &mut self.progress
    }
}

async fn fail(
    ctx: &mut WorkflowContext<ParseResume>,
    input: &ParseResumeInput,
    err: &ActivityExecutionError,
) -> WorkflowResult<ParseResumeOutput> {
    fail_with(ctx, input, failure_reason(err)).await
}

/// Mark the version failed with a readable reason, then fail the run with the
/// same reason so the Web UI shows it too.
async fn fail_with(
    ctx: &mut WorkflowContext<ParseResume>,
    input: &ParseResumeInput,
    reason: String,
) -> WorkflowResult<ParseResumeOutput> {
    let mark = FailVersion {
        user_id: input.user_id,
        version_id: input.version_id,
        reason: reason.clone(),
    };
    support::fail(
        ctx,
        ResumeActivities::mark_failed,
        mark,
        "mark the version failed",
        reason,
    )
    .await
}
