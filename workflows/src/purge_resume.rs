//! PurgeResume (`purge-resume-{resume_id}`): after `DELETE /resumes/{id}` has
//! removed the rows, remove the files, chunks and vectors. Durable: if storage
//! or the vector service is down, Temporal retries until it is back.

use crate::support::activity_options;
use activities::purge::PurgeActivities;
use shared::contracts::{PurgeResumeInput, PurgeResumeOutput};
use std::time::Duration;
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{WorkflowContext, WorkflowResult};

/// `patched()` id of the change that tells "still there" from "database down".
const PATCH_DB_OUTAGE_RETRIED: &str = "purge-db-outage-retried";
/// How long a resume may stay after `DELETE` before the purge decides the delete
/// never committed (the gateway starts the purge just before committing).
const COMMIT_WAIT_CHECKS: u32 = 30;
const COMMIT_WAIT_INTERVAL: Duration = Duration::from_secs(2);

#[workflow]
#[derive(Default)]
pub struct PurgeResume;

#[workflow_methods]
impl PurgeResume {
    #[run]
    pub async fn run(
        ctx: &mut WorkflowContext<Self>,
        input: PurgeResumeInput,
    ) -> WorkflowResult<PurgeResumeOutput> {
        // The rows must be gone first; if the delete never committed, stop. "Still
        // there" and "the database is down" are different answers: only the first
        // may end the purge, the second is retried until the database is back, so an
        // outage after a committed DELETE never leaves files or vectors behind.
        let deleted = if ctx.patched(PATCH_DB_OUTAGE_RETRIED) {
            wait_until_deleted(ctx, &input).await?
        } else {
            // Histories recorded before the patch.
            ctx.execute_activity(
                PurgeActivities::confirm_resume_deleted,
                input.clone(),
                activity_options(
                    "wait for the delete to commit",
                    Duration::from_secs(10),
                    Duration::from_secs(60),
                ),
            )
            .await
            .is_ok()
        };
        if !deleted {
            ctx.set_current_details("the resume was not deleted; nothing purged");
            return Ok(PurgeResumeOutput {
                files_deleted: 0,
                chunks_deleted: 0,
            });
        }
        // Retried for up to a day: deletion must eventually happen.
        let opts = |what: &str| {
            activity_options(
                what,
                Duration::from_secs(60),
                Duration::from_secs(24 * 3600),
            )
        };
        let files = ctx
            .execute_activity(
                PurgeActivities::delete_resume_files,
                input.clone(),
                opts("delete stored files"),
            )
            .await?;
        let chunks = ctx
            .execute_activity(
                PurgeActivities::delete_resume_vectors,
                input,
                opts("delete chunks and vectors"),
            )
            .await?;
        ctx.set_current_details(format!("deleted {files} files and {chunks} chunks"));
        Ok(PurgeResumeOutput {
            files_deleted: files,
            chunks_deleted: chunks,
        })
    }
}

/// Whether the resume's rows are gone: checked every couple of seconds for about a
/// minute while they are still there; each check itself retried for up to a day while
/// the database cannot answer.
async fn wait_until_deleted(
    ctx: &mut WorkflowContext<PurgeResume>,
    input: &PurgeResumeInput,
) -> WorkflowResult<bool> {
    for _ in 0..COMMIT_WAIT_CHECKS {
        let still_there = ctx
            .execute_activity(
                PurgeActivities::resume_still_exists,
                input.clone(),
                activity_options(
                    "check that the delete committed",
                    Duration::from_secs(10),
                    Duration::from_secs(24 * 3600),
                ),
            )
            .await?;
        if !still_there {
            return Ok(true);
        }
        ctx.timer(COMMIT_WAIT_INTERVAL).await;
    }
    Ok(false)
}
