//! ParseResume's activities: turn a stored version into text, markdown and
//! structure, and record the outcome on the version row.

use crate::{engine, errors, text};
use serde::{Deserialize, Serialize};
use shared::{
    Lang,
    db::resumes,
    domain::{ParseStatus, ResumeSource},
};
use sqlx::PgPool;
use std::sync::Arc;
use temporalio_macros::activities;
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use uuid::Uuid;

pub struct ResumeActivities {
    pub db: PgPool,
}

/// Which version, for whom. Activities load everything else themselves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionRef {
    pub user_id: Uuid,
    pub version_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extracted {
    pub chars: u64,
    pub detected_lang: Lang,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Structured {
    pub sections: u32,
    pub experience_entries: u32,
    pub skills: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailVersion {
    pub user_id: Uuid,
    pub version_id: Uuid,
    pub reason: String,
}

#[activities]
impl ResumeActivities {
    /// Load the version's original (pasted text, or the stored upload),
    /// normalise it, detect its language and store the text.
    #[activity]
    pub async fn extract_text(
        self: Arc<Self>,
        _ctx: ActivityContext,
        input: VersionRef,
    ) -> Result<Extracted, ActivityError> {
        let mut conn = self.db.acquire().await.map_err(errors::db)?;
        let version = resumes::get_version(&mut conn, input.user_id, input.version_id)
            .await
            .map_err(errors::db)?
            .ok_or_else(|| errors::permanent("this resume version no longer exists"))?;
        if version.parse_status == ParseStatus::Failed {
            return Err(errors::permanent(
                version
                    .error
                    .unwrap_or_else(|| "parsing already failed".into()),
            ));
        }
        resumes::mark_parsing(&mut conn, input.user_id, input.version_id)
            .await
            .map_err(errors::db)?;

        let original = match version.source {
            ResumeSource::Text => version.raw_text.clone().unwrap_or_default(),
            ResumeSource::Upload => {
                return Err(errors::permanent(
                    "uploaded files are not supported by this worker version",
                ));
            }
        };
        let normalized = text::normalize_text(&original);
        if normalized.is_empty() {
            return Err(errors::permanent(
                "the resume has no text (it is empty or only whitespace)",
            ));
        }
        let detected = text::detect_lang(&normalized);
        resumes::save_extracted_text(
            &mut conn,
            input.user_id,
            input.version_id,
            &normalized,
            detected,
        )
        .await
        .map_err(errors::db)?;
        Ok(Extracted {
            chars: normalized.chars().count() as u64,
            detected_lang: detected,
        })
    }

    /// Structure the stored text into sections, contact, experience, ...;
    /// write `content_md` and `parsed_json`, mark the version parsed and make
    /// it the resume's active version.
    #[activity]
    pub async fn structure(
        self: Arc<Self>,
        _ctx: ActivityContext,
        input: VersionRef,
    ) -> Result<Structured, ActivityError> {
        let mut conn = self.db.acquire().await.map_err(errors::db)?;
        let version = resumes::get_version(&mut conn, input.user_id, input.version_id)
            .await
            .map_err(errors::db)?
            .ok_or_else(|| errors::permanent("this resume version no longer exists"))?;
        let raw = version
            .raw_text
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| errors::permanent("the resume has no extracted text to parse"))?;
        let lang = version.detected_lang().unwrap_or(Lang::En);
        let parsed = engine::parse_resume(raw, Some(lang.as_str()));
        let content_md = engine::resume_to_markdown(&parsed);
        let json = serde_json::to_value(&parsed)
            .map_err(|e| errors::permanent(format!("could not encode the parsed resume: {e}")))?;
        resumes::save_parsed(
            &mut conn,
            input.user_id,
            input.version_id,
            &content_md,
            &json,
        )
        .await
        .map_err(errors::db)?;
        Ok(Structured {
            sections: parsed.sections.len() as u32,
            experience_entries: parsed.experience.len() as u32,
            skills: parsed.skills.len() as u32,
        })
    }

    /// Record a permanent failure with a reason a person can read.
    #[activity]
    pub async fn mark_failed(
        self: Arc<Self>,
        _ctx: ActivityContext,
        input: FailVersion,
    ) -> Result<(), ActivityError> {
        let mut conn = self.db.acquire().await.map_err(errors::db)?;
        resumes::mark_parse_failed(&mut conn, input.user_id, input.version_id, &input.reason)
            .await
            .map_err(errors::db)?;
        Ok(())
    }
}
