//! PurgeResume's activities: remove what a deleted resume left behind.
//! Both are idempotent (deleting what is gone is fine), so Temporal may retry
//! them until the storage or vector service answers.

use crate::{errors, providers::Providers};
use shared::contracts::PurgeResumeInput;
use std::sync::Arc;
use temporalio_macros::activities;
use temporalio_sdk::activities::{ActivityContext, ActivityError};

pub struct PurgeActivities {
    pub p: Arc<Providers>,
}

#[activities]
impl PurgeActivities {
    /// Whether the resume's rows still exist (the gateway starts the purge just
    /// before committing the delete). A database error is an error — retried by
    /// Temporal — never an answer: only a real "still there" may stop the purge.
    #[activity]
    pub async fn resume_still_exists(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: PurgeResumeInput,
    ) -> Result<bool, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let mut conn = self.p.db.acquire().await.map_err(errors::db)?;
        Ok(
            shared::db::resumes::get_resume(&mut conn, input.user_id, input.resume_id)
                .await
                .map_err(errors::db)?
                .is_some(),
        )
    }

    /// Before the `purge-db-outage-retried` patch: waited (by retrying) until the
    /// rows were gone, and could not tell a database outage from a live resume.
    /// Kept registered for runs started before the patch.
    #[activity]
    pub async fn confirm_resume_deleted(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: PurgeResumeInput,
    ) -> Result<(), ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let mut conn = self.p.db.acquire().await.map_err(errors::db)?;
        let still_there =
            shared::db::resumes::get_resume(&mut conn, input.user_id, input.resume_id)
                .await
                .map_err(errors::db)?
                .is_some();
        if still_there {
            return Err(errors::transient(
                "the resume still exists (delete not committed yet)",
            ));
        }
        Ok(())
    }

    /// Delete every stored file of the resume (originals of all versions).
    #[activity]
    pub async fn delete_resume_files(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: PurgeResumeInput,
    ) -> Result<u64, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        self.p
            .blobs
            .delete_prefix(&shared::storage::resume_prefix(
                input.user_id,
                input.resume_id,
            ))
            .await
            .map_err(|e| errors::transient(e.to_string()))
    }

    /// Delete the resume's chunks and vectors, and those of its jobs.
    #[activity]
    pub async fn delete_resume_vectors(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: PurgeResumeInput,
    ) -> Result<u64, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let mut n = self
            .p
            .indexer
            .forget(input.user_id, "resume", input.resume_id)
            .await
            .map_err(errors::provider)?;
        for job in &input.job_ids {
            n += self
                .p
                .indexer
                .forget(input.user_id, "job", *job)
                .await
                .map_err(errors::provider)?;
        }
        Ok(n)
    }
}
