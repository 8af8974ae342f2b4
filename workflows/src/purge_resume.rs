//! PurgeResume (`purge-resume-{resume_id}`): after `DELETE /resumes/{id}` has
//! removed the rows, remove the files, chunks and vectors. Durable: if storage
//! or the vector service is down, Temporal retries until it is back.

use crate::support::activity_options;
use activities::purge::PurgeActivities;
use shared::contracts::{PurgeResumeInput, PurgeResumeOutput};
use std::time::Duration;
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{WorkflowContext, WorkflowResult};

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
        // The rows must be gone first; if the delete never committed, stop.
        let confirmed = ctx
            .execute_activity(
                PurgeActivities::confirm_resume_deleted,
                input.clone(),
                activity_options(
                    "wait for the delete to commit",
                    Duration::from_secs(10),
                    Duration::from_secs(60),
                ),
            )
            .await;
        if confirmed.is_err() {
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
