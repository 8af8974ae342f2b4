//! What the API shows of rows: the JSON shapes of API.md, built from DB rows.

use crate::error::ApiError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shared::{
    contracts::Progress,
    db::{
        applications::{
            ActionPointRow, ApplicationRow, CommunicationRow, CoverLetterRow, CvRow, JobOfferRow,
        },
        pagination::{self, Cursor},
        resumes::{ResumeListRow, ResumeRow, VersionRow},
    },
    domain::{
        ApplicationStatus, CommunicationChannel, CommunicationDirection, EmbeddingStatus,
        GenerationStatus, JobStatus, ParseStatus, ResumeSource,
    },
};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A resume version.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionView {
    pub id: Uuid,
    pub resume_id: Uuid,
    pub version_no: i32,
    pub source: ResumeSource,
    pub parse_status: ParseStatus,
    pub embedding_status: EmbeddingStatus,
    /// Language the user declared, if any.
    pub resume_lang: Option<String>,
    /// Language detected from the text (`en` or `ar`).
    pub detected_lang: Option<String>,
    pub raw_text: Option<String>,
    pub content_md: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub parsed_json: Option<shared::db::RawJson>,
    /// Why parsing failed, when `parse_status` is `failed`.
    pub error: Option<String>,
    pub file_name: Option<String>,
    pub file_kind: Option<String>,
    pub file_size: Option<i64>,
    pub workflow_id: Option<String>,
    pub parsed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&VersionRow> for VersionView {
    fn from(v: &VersionRow) -> Self {
        Self {
            id: v.id,
            resume_id: v.resume_id,
            version_no: v.version_no,
            source: v.source,
            parse_status: v.parse_status,
            embedding_status: v.embedding_status,
            resume_lang: v.resume_lang.clone(),
            detected_lang: v.detected_lang.clone(),
            raw_text: v.raw_text.clone(),
            content_md: v.content_md.clone(),
            parsed_json: v.parsed_json.clone(),
            error: v.error.clone(),
            file_name: v.file_name.clone(),
            file_kind: v.file_kind.clone(),
            file_size: v.file_size,
            workflow_id: v.workflow_id.clone(),
            parsed_at: v.parsed_at,
            created_at: v.created_at,
            updated_at: v.updated_at,
        }
    }
}

/// A short line about the newest version when it is not the one shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionSummary {
    pub id: Uuid,
    pub version_no: i32,
    pub parse_status: ParseStatus,
    pub error: Option<String>,
}

/// A resume with its active version (or, before any version is parsed, its
/// newest one) flattened in: `parse_status`, `content_md`, `detected_lang`, ...
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResumeView {
    pub id: Uuid,
    pub user_id: Uuid,
    pub title: String,
    pub source: ResumeSource,
    pub active_version_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Id of the version whose fields are shown below.
    pub version_id: Option<Uuid>,
    pub version_no: Option<i32>,
    pub parse_status: Option<ParseStatus>,
    pub embedding_status: Option<EmbeddingStatus>,
    pub resume_lang: Option<String>,
    pub detected_lang: Option<String>,
    pub raw_text: Option<String>,
    pub content_md: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub parsed_json: Option<shared::db::RawJson>,
    pub error: Option<String>,
    pub file_name: Option<String>,
    /// The shown version in full.
    pub version: Option<VersionView>,
    /// The newest version, when a newer one than the shown version exists.
    pub latest_version: Option<VersionSummary>,
    /// Live workflow progress while the newest version is being parsed.
    pub progress: Option<Progress>,
}

impl ResumeView {
    pub fn new(r: &ResumeRow, shown: Option<&VersionRow>, latest: Option<&VersionRow>) -> Self {
        let latest_version = match (shown, latest) {
            (Some(s), Some(l)) if s.id != l.id => Some(VersionSummary {
                id: l.id,
                version_no: l.version_no,
                parse_status: l.parse_status,
                error: l.error.clone(),
            }),
            _ => None,
        };
        Self {
            id: r.id,
            user_id: r.user_id,
            title: r.title.clone(),
            source: r.source,
            active_version_id: r.active_version_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version_id: shown.map(|v| v.id),
            version_no: shown.map(|v| v.version_no),
            parse_status: shown.map(|v| v.parse_status),
            embedding_status: shown.map(|v| v.embedding_status),
            resume_lang: shown.and_then(|v| v.resume_lang.clone()),
            detected_lang: shown.and_then(|v| v.detected_lang.clone()),
            raw_text: shown.and_then(|v| v.raw_text.clone()),
            content_md: shown.and_then(|v| v.content_md.clone()),
            parsed_json: shown.and_then(|v| v.parsed_json.clone()),
            error: shown.and_then(|v| v.error.clone()),
            file_name: shown.and_then(|v| v.file_name.clone()),
            version: shown.map(VersionView::from),
            latest_version,
            progress: None,
        }
    }
}

/// A line of `GET /resumes`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResumeListItem {
    pub id: Uuid,
    pub title: String,
    pub source: ResumeSource,
    pub active_version_id: Option<Uuid>,
    pub version_id: Option<Uuid>,
    pub version_no: Option<i32>,
    pub versions_count: i64,
    pub parse_status: Option<ParseStatus>,
    pub embedding_status: Option<EmbeddingStatus>,
    pub detected_lang: Option<String>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&ResumeListRow> for ResumeListItem {
    fn from(r: &ResumeListRow) -> Self {
        Self {
            id: r.resume.id,
            title: r.resume.title.clone(),
            source: r.resume.source,
            active_version_id: r.resume.active_version_id,
            version_id: r.version_id,
            version_no: r.version_no,
            versions_count: r.versions,
            parse_status: r.parse_status,
            embedding_status: r.embedding_status,
            detected_lang: r.detected_lang.clone(),
            error: r.error.clone(),
            created_at: r.resume.created_at,
            updated_at: r.resume.updated_at,
        }
    }
}

/// `?limit=&cursor=` (strings here so a bad value gets our own message).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Default 20.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// Opaque; from the previous page's `next_cursor`.
    #[param(pattern = r"^([0-9]{1,16}\.[0-9a-f]{32})?$")]
    pub cursor: Option<String>,
}

/// The API's page cursor: `{created_at in µs}.{id, 32 hex digits}`. Opaque to
/// clients; this plain form (rather than base64) is one the OpenAPI document
/// can state exactly, so every string it allows is a cursor the API accepts.
pub fn api_cursor(c: &Cursor) -> String {
    format!("{}.{}", c.created_at.timestamp_micros(), c.id.simple())
}

/// `next_cursor` of a page from `pagination::split_page`, in the API's form.
pub fn next_cursor(db_cursor: Option<String>) -> Option<String> {
    db_cursor
        .and_then(|c| Cursor::decode(&c).ok())
        .map(|c| api_cursor(&c))
}

fn parse_api_cursor(raw: &str) -> Option<Cursor> {
    let (micros, id) = raw.split_once('.')?;
    let digits =
        |s: &str, max: usize| (1..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    let hex = id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !digits(micros, 16) || !hex {
        return None;
    }
    Some(Cursor {
        created_at: chrono::DateTime::from_timestamp_micros(micros.parse().ok()?)?,
        id: id.parse().ok()?,
    })
}

impl ListQuery {
    pub fn parse(&self) -> Result<(i64, Option<Cursor>), ApiError> {
        let limit = match self.limit.as_deref().map(str::trim) {
            None | Some("") => pagination::DEFAULT_LIMIT,
            Some(raw) => {
                let n: i64 = raw.parse().map_err(|_| {
                    ApiError::BadRequest(format!("limit must be a number, not {raw:?}"))
                })?;
                if !(1..=pagination::MAX_LIMIT).contains(&n) {
                    return Err(ApiError::validation(
                        "limit",
                        format!("must be between 1 and {}", pagination::MAX_LIMIT),
                    ));
                }
                n
            }
        };
        let cursor = match self.cursor.as_deref() {
            None | Some("") => None,
            Some(c) => Some(parse_api_cursor(c).ok_or_else(|| {
                ApiError::BadRequest("cursor: cursor is not one this API returned".into())
            })?),
        };
        Ok((limit, cursor))
    }
}

/// One optimisation run: the `result` of API.md.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OptimizationView {
    pub id: Uuid,
    pub job_id: Uuid,
    pub resume_id: Uuid,
    pub resume_version_id: Option<Uuid>,
    pub run_no: i32,
    /// `running`, `complete` or `failed`.
    pub status: shared::db::jobs::OptimizationStatus,
    /// 0–100 (see the README for the formula); null until analysed.
    pub score: Option<i32>,
    pub detected_resume_lang: Option<String>,
    pub detected_jd_lang: Option<String>,
    pub output_lang: Option<String>,
    /// `{ summary, matched_keywords, missing_keywords, strengths, gaps, suggestions, requirements[{requirement, met, evidence[{chunk_id, quote, score}]}], warnings }`
    #[schema(value_type = Option<Object>)]
    pub report: Option<shared::db::RawJson>,
    /// The optimised resume in markdown (sanitised: no raw HTML, no script links).
    pub preview_md: Option<String>,
    /// `[{ section, before, after, reason }]`
    #[schema(value_type = Option<Vec<Object>>)]
    pub change_log: Option<shared::db::RawJson>,
    /// `{ avg_score, items: [{ chunk_id, score, text }] }`
    #[schema(value_type = Option<Object>)]
    pub matches: Option<shared::db::RawJson>,
    pub custom_instructions: Option<String>,
    /// `offline` or `openai:<model>`.
    pub engine: Option<String>,
    /// `{ calls, prompt_tokens, completion_tokens, total_tokens, estimated_cost_usd, by_step }`
    #[schema(value_type = Option<Object>)]
    pub token_usage: Option<shared::db::RawJson>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&shared::db::jobs::OptimizationRow> for OptimizationView {
    fn from(o: &shared::db::jobs::OptimizationRow) -> Self {
        Self {
            id: o.id,
            job_id: o.job_id,
            resume_id: o.resume_id,
            resume_version_id: o.resume_version_id,
            run_no: o.run_no,
            status: o.status,
            score: o.score,
            detected_resume_lang: o.detected_resume_lang.clone(),
            detected_jd_lang: o.detected_jd_lang.clone(),
            output_lang: o.output_lang.clone(),
            report: o.report_json.clone(),
            preview_md: o.preview_md.clone(),
            change_log: o.change_log.clone(),
            matches: o.matches.clone(),
            custom_instructions: o.custom_instructions.clone(),
            engine: o.engine.clone(),
            token_usage: o.token_usage.clone(),
            error: o.error.clone(),
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

/// A job. `result` and `progress` are filled by `GET /jobs/{id}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobView {
    pub id: Uuid,
    pub resume_id: Uuid,
    pub title: String,
    pub company: Option<String>,
    pub job_description: Option<String>,
    pub job_url: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub parsed_json: Option<shared::db::RawJson>,
    pub custom_instructions: Option<String>,
    pub resume_lang: Option<String>,
    pub jd_lang: Option<String>,
    pub desired_output_lang: Option<String>,
    /// `queued`, `processing`, `complete` or `failed`.
    pub status: JobStatus,
    /// Why the job failed, when `status` is `failed`.
    pub error: Option<String>,
    /// Number of optimisation runs started.
    pub run_count: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The latest complete optimisation, or null.
    pub result: Option<OptimizationView>,
    /// `{ step, completed_steps, total_steps }` while a workflow runs.
    pub progress: Option<Progress>,
}

impl JobView {
    pub fn new(
        j: &shared::db::jobs::JobRow,
        result: Option<Option<&shared::db::jobs::OptimizationRow>>,
        progress: Option<Progress>,
    ) -> Self {
        Self {
            id: j.id,
            resume_id: j.resume_id,
            title: j.title.clone(),
            company: j.company.clone(),
            job_description: j.job_description.clone(),
            job_url: j.job_url.clone(),
            parsed_json: j.parsed_json.clone(),
            custom_instructions: j.custom_instructions.clone(),
            resume_lang: j.resume_lang.clone(),
            jd_lang: j.jd_lang.clone(),
            desired_output_lang: j.desired_output_lang.clone(),
            status: j.status,
            error: j.error.clone(),
            run_count: j.run_count,
            created_at: j.created_at,
            updated_at: j.updated_at,
            result: result.flatten().map(OptimizationView::from),
            progress,
        }
    }
}

/// `?limit=&cursor=&status=`
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobListQuery {
    /// Default 20.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// Opaque; from the previous page's `next_cursor`.
    #[param(pattern = r"^([0-9]{1,16}\.[0-9a-f]{32})?$")]
    pub cursor: Option<String>,
    #[param(value_type = Option<JobStatus>)]
    pub status: Option<String>,
}

impl JobListQuery {
    pub fn parse(&self) -> Result<(i64, Option<Cursor>, Option<JobStatus>), ApiError> {
        let (limit, cursor) = ListQuery {
            limit: self.limit.clone(),
            cursor: self.cursor.clone(),
        }
        .parse()?;
        // Exactly one of the documented values (`?status=` is not "any status").
        let status = match self.status.as_deref() {
            None => None,
            Some(s) => Some(
                s.parse::<JobStatus>()
                    .map_err(|e| ApiError::validation("status", e))?,
            ),
        };
        Ok((limit, cursor, status))
    }
}

/// An application: what it was made from, where the user is with it
/// (`status`, set by them) and where its latest CV generation is
/// (`generation_status`, set by the workflow).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApplicationView {
    pub id: Uuid,
    /// The resume the CV is tailored from (null when made from `base_cv`, or
    /// when that resume was deleted since).
    pub resume_id: Option<Uuid>,
    /// The job whose posting is the offer, when made from one.
    pub job_id: Option<Uuid>,
    /// The structured job offer, once parsed.
    pub job_offer_id: Option<Uuid>,
    pub company: Option<String>,
    pub position: Option<String>,
    /// The language the CV is written in; null: the CV's own language.
    pub output_lang: Option<String>,
    pub status: ApplicationStatus,
    pub notes: Option<String>,
    /// `queued`, `processing`, `complete` or `failed`: the latest CV version.
    pub generation_status: GenerationStatus,
    /// Why the latest generation failed, when `generation_status` is `failed`.
    pub generation_error: Option<String>,
    /// The workflow generating the latest CV version.
    pub workflow_id: Option<String>,
    /// CV versions started (the latest one's `version_no`).
    pub cv_count: i32,
    /// The structured CV the application was made from, when given inline.
    #[schema(value_type = Option<Object>)]
    pub base_cv: Option<serde_json::Value>,
    /// The job offer text, when given inline.
    pub job_description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&ApplicationRow> for ApplicationView {
    fn from(a: &ApplicationRow) -> Self {
        Self {
            id: a.id,
            resume_id: a.resume_id,
            job_id: a.job_id,
            job_offer_id: a.job_offer_id,
            company: a.company.clone(),
            position: a.position.clone(),
            output_lang: a.output_lang.clone(),
            status: a.status,
            notes: a.notes.clone(),
            generation_status: a.generation_status,
            generation_error: a.generation_error.clone(),
            workflow_id: a.workflow_id.clone(),
            cv_count: a.cv_count,
            base_cv: a.base_cv.clone(),
            job_description: a.job_description.clone(),
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// The job offer parsed from the posting.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobOfferView {
    pub id: Uuid,
    /// The job whose parsed posting was reused, if any.
    pub job_id: Option<Uuid>,
    pub raw_text: Option<String>,
    pub title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    /// `en` or `ar`.
    pub language: Option<String>,
    /// `{ must: [...], nice: [...] }`
    #[schema(value_type = Option<Object>)]
    pub requirements: Option<serde_json::Value>,
    /// `[...]`
    #[schema(value_type = Option<Vec<String>>)]
    pub keywords: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub parsed_json: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&JobOfferRow> for JobOfferView {
    fn from(o: &JobOfferRow) -> Self {
        Self {
            id: o.id,
            job_id: o.job_id,
            raw_text: o.raw_text.clone(),
            title: o.title.clone(),
            company: o.company.clone(),
            location: o.location.clone(),
            language: o.language.clone(),
            requirements: o.requirements.clone(),
            keywords: o.keywords.clone(),
            parsed_json: o.parsed_json.clone(),
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

/// Short-lived download links of a generated document (null until rendered).
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct DocumentLinks {
    pub pdf_url: Option<String>,
    pub docx_url: Option<String>,
    /// When the links stop working (null when there are none).
    pub expires_at: Option<DateTime<Utc>>,
}

/// The cover letter generated with a CV version.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CoverLetterView {
    pub id: Uuid,
    pub lang: Option<String>,
    pub body_text: String,
    /// `{ greeting, paragraphs: [...], closing }`
    #[schema(value_type = Object)]
    pub body_json: serde_json::Value,
    #[serde(flatten)]
    pub links: DocumentLinks,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CoverLetterView {
    pub fn new(c: &CoverLetterRow, links: DocumentLinks) -> Self {
        Self {
            id: c.id,
            lang: c.lang.clone(),
            body_text: c.body_text.clone(),
            body_json: c.body_json.clone(),
            links,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// One tailored CV version of an application.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CvView {
    pub id: Uuid,
    pub application_id: Uuid,
    pub version_no: i32,
    /// `processing`, `complete` or `failed`.
    pub status: GenerationStatus,
    /// `en` or `ar`, once known.
    pub lang: Option<String>,
    pub custom_instructions: Option<String>,
    /// The tailored structured CV (the shape of `StructuredCv`).
    #[schema(value_type = Option<Object>)]
    pub source_json: Option<serde_json::Value>,
    /// `{ changes: [...] }`: the edit plan.
    #[schema(value_type = Option<Object>)]
    pub planned_changes: Option<serde_json::Value>,
    /// `{ applied: [...], rejected: [{ change, reason }], gaps: [...] }`
    #[schema(value_type = Option<Object>)]
    pub edit_report: Option<serde_json::Value>,
    /// `offline` or `openai:<model>`.
    pub engine: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub token_usage: Option<serde_json::Value>,
    /// Why this version failed, when `status` is `failed`.
    pub error: Option<String>,
    #[serde(flatten)]
    pub links: DocumentLinks,
    /// The cover letter generated with this version, or null.
    pub cover_letter: Option<CoverLetterView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CvView {
    pub fn new(c: &CvRow, links: DocumentLinks, cover_letter: Option<CoverLetterView>) -> Self {
        Self {
            id: c.id,
            application_id: c.application_id,
            version_no: c.version_no,
            status: c.status,
            lang: c.lang.clone(),
            custom_instructions: c.custom_instructions.clone(),
            source_json: c.source_json.clone(),
            planned_changes: c.planned_changes.clone(),
            edit_report: c.edit_report.clone(),
            engine: c.engine.clone(),
            token_usage: c.token_usage.clone(),
            error: c.error.clone(),
            links,
            cover_letter,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A message with the company.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommunicationView {
    pub id: Uuid,
    pub application_id: Uuid,
    pub channel: CommunicationChannel,
    pub direction: CommunicationDirection,
    pub subject: Option<String>,
    pub body: String,
    pub occurred_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

impl From<&CommunicationRow> for CommunicationView {
    fn from(c: &CommunicationRow) -> Self {
        Self {
            id: c.id,
            application_id: c.application_id,
            channel: c.channel,
            direction: c.direction,
            subject: c.subject.clone(),
            body: c.body.clone(),
            occurred_at: c.occurred_at,
            created_at: c.created_at,
        }
    }
}

/// A to-do of an application.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActionPointView {
    pub id: Uuid,
    pub application_id: Uuid,
    pub title: String,
    pub due_at: Option<DateTime<Utc>>,
    pub done: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&ActionPointRow> for ActionPointView {
    fn from(a: &ActionPointRow) -> Self {
        Self {
            id: a.id,
            application_id: a.application_id,
            title: a.title.clone(),
            due_at: a.due_at,
            done: a.done,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// `GET /applications/{id}`: the application with everything about it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApplicationDetail {
    #[serde(flatten)]
    pub application: ApplicationView,
    /// The parsed job offer, once the first generation has read it.
    pub job_offer: Option<JobOfferView>,
    /// Every CV version, newest first, each with its cover letter.
    pub cvs: Vec<CvView>,
    /// The newest 100 messages (newest `occurred_at` first); all of them
    /// through `GET /applications/{id}/communications`.
    pub communications: Vec<CommunicationView>,
    /// The newest 100 action points; all of them through
    /// `GET /applications/{id}/action_points`.
    pub action_points: Vec<ActionPointView>,
    /// `{ step, completed_steps, total_steps }` while a CV is being generated.
    pub progress: Option<Progress>,
}

/// `?limit=&cursor=&status=` of `GET /applications`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationListQuery {
    /// Default 20.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// Opaque; from the previous page's `next_cursor`.
    #[param(pattern = r"^([0-9]{1,16}\.[0-9a-f]{32})?$")]
    pub cursor: Option<String>,
    #[param(value_type = Option<ApplicationStatus>)]
    pub status: Option<String>,
}

impl ApplicationListQuery {
    pub fn parse(&self) -> Result<(i64, Option<Cursor>, Option<ApplicationStatus>), ApiError> {
        let (limit, cursor) = ListQuery {
            limit: self.limit.clone(),
            cursor: self.cursor.clone(),
        }
        .parse()?;
        // Exactly one of the documented values (`?status=` is not "any status").
        let status = match self.status.as_deref() {
            None => None,
            Some(s) => Some(
                s.parse::<ApplicationStatus>()
                    .map_err(|e| ApiError::validation("status", e))?,
            ),
        };
        Ok((limit, cursor, status))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_only_their_exact_form_is_accepted() {
        let c = Cursor {
            created_at: chrono::DateTime::from_timestamp_micros(1_790_000_000_123_456).unwrap(),
            id: Uuid::new_v4(),
        };
        assert_eq!(parse_api_cursor(&api_cursor(&c)), Some(c));
        for bad in [
            "",
            "garbage!",
            "1.abc",
            " 1.00000000000000000000000000000000",
            "1.0000000000000000000000000000000A",
        ] {
            assert_eq!(parse_api_cursor(bad), None, "{bad}");
        }
    }
}
