//! The contract between the gateway and the worker: workflow type names,
//! business-key workflow ids, inputs, outputs, signals, queries and search
//! attributes. The gateway starts and signals workflows through these markers
//! without depending on the workflow code; the `workflows` crate has a test
//! that its implementations answer to exactly these names.
//!
//! Workflows carry ids, never documents: every payload here stays tiny.

use crate::domain::{EmbeddingStatus, JobStatus, Lang, ParseStatus, ResumeSource};
use serde::{Deserialize, Serialize};
use temporalio_common::{
    HasWorkflowDefinition, QueryDefinition, SignalDefinition, WorkflowDefinition,
    search_attributes::SearchAttributeKey,
};
use utoipa::ToSchema;
use uuid::Uuid;

pub const PARSE_RESUME: &str = "ParseResume";
pub const PURGE_RESUME: &str = "PurgeResume";
pub const INGEST_JOB: &str = "IngestJob";
pub const OPTIMIZE_JOB: &str = "OptimizeJob";
pub const GENERATE_APPLICATION: &str = "GenerateApplication";
pub const PROGRESS_QUERY: &str = "progress";
/// Signal carrying an n8n callback (by inbox id) to the waiting workflow.
pub const N8N_CALLBACK_SIGNAL: &str = "n8n_callback";

pub const SA_USER_ID: SearchAttributeKey<String> = SearchAttributeKey::keyword("UserId");
pub const SA_RESUME_ID: SearchAttributeKey<String> = SearchAttributeKey::keyword("ResumeId");
pub const SA_JOB_ID: SearchAttributeKey<String> = SearchAttributeKey::keyword("JobId");
pub const SA_APPLICATION_ID: SearchAttributeKey<String> =
    SearchAttributeKey::keyword("ApplicationId");

/// Custom search attributes every Temporal namespace we use must have
/// (name, type as the Temporal CLI spells it). `temporal-config/` lists the same.
pub const SEARCH_ATTRIBUTES: &[(&str, &str)] = &[
    ("UserId", "Keyword"),
    ("ResumeId", "Keyword"),
    ("JobId", "Keyword"),
    ("ApplicationId", "Keyword"),
];

pub fn parse_resume_workflow_id(version_id: Uuid) -> String {
    format!("parse-resume-{version_id}")
}

pub fn purge_resume_workflow_id(resume_id: Uuid) -> String {
    format!("purge-resume-{resume_id}")
}

pub fn ingest_job_workflow_id(job_id: Uuid) -> String {
    format!("ingest-job-{job_id}")
}

pub fn optimize_job_workflow_id(job_id: Uuid, run_no: i32) -> String {
    format!("optimize-job-{job_id}-{run_no}")
}

/// GenerateApplication's id: version 1 is `generate-application-{application_id}` (the
/// id the issue and the Web UI search name); regenerations add `-v{n}`.
pub fn generate_application_workflow_id(application_id: Uuid, version_no: i32) -> String {
    if version_no <= 1 {
        format!("generate-application-{application_id}")
    } else {
        format!("generate-application-{application_id}-v{version_no}")
    }
}

/// Input of GenerateApplication: one CV version of an application (the `cvs` row is
/// created by the gateway in `processing` before the workflow starts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerateApplicationInput {
    pub user_id: Uuid,
    pub application_id: Uuid,
    pub cv_id: Uuid,
    pub version_no: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerateApplicationOutput {
    pub cv_id: Uuid,
    pub version_no: i32,
    /// Edit operations applied / rejected by the CV editor.
    pub applied: u32,
    pub rejected: u32,
}

/// Input of IngestJob: read the posting (text or URL), parse and embed it,
/// then run the first optimisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestJobInput {
    pub user_id: Uuid,
    pub job_id: Uuid,
    pub resume_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestJobOutput {
    pub status: JobStatus,
    pub score: Option<u8>,
    pub error: Option<String>,
}

/// Input of OptimizeJob: one optimisation run of a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptimizeJobInput {
    pub user_id: Uuid,
    pub job_id: Uuid,
    pub resume_id: Uuid,
    pub run_no: i32,
    /// Steps already done before this run (IngestJob's), so `progress`
    /// counts across both workflows.
    pub step_offset: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptimizeJobOutput {
    pub score: u8,
    pub warnings: u32,
}

/// Input of ParseResume: which version to parse, for whom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParseResumeInput {
    pub user_id: Uuid,
    pub resume_id: Uuid,
    pub version_id: Uuid,
    pub source: ResumeSource,
    /// Language the user declared; `None` means detect it.
    pub resume_lang: Option<Lang>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParseResumeOutput {
    pub status: ParseStatus,
    pub detected_lang: Option<Lang>,
    pub error: Option<String>,
    pub embedding_status: EmbeddingStatus,
    pub chunks: u32,
    /// `n8n` or `local`: who extracted the text.
    pub parsed_by: String,
}

/// An n8n callback parked in `workflow_inbox`, by id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct N8nCallback {
    pub inbox_id: Uuid,
}

/// Input of PurgeResume: everything stored for a deleted resume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PurgeResumeInput {
    pub user_id: Uuid,
    pub resume_id: Uuid,
    /// Jobs deleted with the resume: their chunks and vectors go too.
    #[serde(default)]
    pub job_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PurgeResumeOutput {
    pub files_deleted: u64,
    pub chunks_deleted: u64,
}

/// The step names workflows report in their `progress` query (and the gateway reads
/// back): one list per workflow, plus the names every workflow shares.
pub mod steps {
    /// Reported once a run has finished.
    pub const DONE: &str = "done";
    /// Reported once a run has given up (the row says why).
    pub const FAILED: &str = "failed";

    pub const DISPATCH: &str = "dispatch";
    pub const EXTRACT_TEXT: &str = "extract_text";
    pub const STRUCTURE: &str = "structure";
    pub const EMBED: &str = "embed";
    /// ParseResume, in order.
    pub const PARSE_RESUME: [&str; 4] = [DISPATCH, EXTRACT_TEXT, STRUCTURE, EMBED];

    pub const FETCH_POSTING: &str = "fetch_posting";
    pub const PARSE_JOB: &str = "parse_job";
    pub const EMBED_JOB: &str = "embed_job";
    /// IngestJob's own steps, in order; then it reports [`OPTIMIZE`] while its child
    /// OptimizeJob runs (whose steps count on from these).
    pub const INGEST_JOB: [&str; 3] = [FETCH_POSTING, PARSE_JOB, EMBED_JOB];
    /// IngestJob is waiting for its child OptimizeJob: ask the child for the step.
    pub const OPTIMIZE: &str = "optimize";

    pub const PREPARE: &str = "prepare";
    pub const SEARCH: &str = "search_resume_vs_job";
    pub const ANALYZE: &str = "analyze_resume_vs_job";
    pub const GENERATE: &str = "generate_optimized_resume";
    /// OptimizeJob, in order.
    pub const OPTIMIZE_JOB: [&str; 4] = [PREPARE, SEARCH, ANALYZE, GENERATE];

    pub const PARSE_JOB_OFFER: &str = "parse_job_offer";
    pub const PLAN_CV_CHANGES: &str = "plan_cv_changes";
    pub const APPLY_CV_CHANGES: &str = "apply_cv_changes";
    pub const RENDER_DOCUMENTS: &str = "render_documents";
    pub const STORE_CV: &str = "store_cv";
    /// GenerateApplication, in order.
    pub const GENERATE_APPLICATION: [&str; 5] = [
        PARSE_JOB_OFFER,
        PLAN_CV_CHANGES,
        APPLY_CV_CHANGES,
        RENDER_DOCUMENTS,
        STORE_CV,
    ];
}

/// Where a running workflow is, for `GET` responses and the Web UI.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Progress {
    pub step: String,
    pub completed_steps: u32,
    pub total_steps: u32,
}

macro_rules! remote_workflow {
    ($(#[$meta:meta])* $marker:ident, $name:expr, $input:ty, $output:ty) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $marker;
        impl WorkflowDefinition for $marker {
            type Input = $input;
            type Output = $output;
            fn name(&self) -> &str {
                $name
            }
        }
        impl HasWorkflowDefinition for $marker {
            type Run = Self;
        }
    };
}

macro_rules! remote_query {
    ($marker:ident, $workflow:ty, $name:expr, $input:ty, $output:ty) => {
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $marker;
        impl QueryDefinition for $marker {
            type Workflow = $workflow;
            type Input = $input;
            type Output = $output;
            fn name(&self) -> &str {
                $name
            }
        }
    };
}

macro_rules! remote_signal {
    ($marker:ident, $workflow:ty, $name:expr, $input:ty) => {
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $marker;
        impl SignalDefinition for $marker {
            type Workflow = $workflow;
            type Input = $input;
            fn name(&self) -> &str {
                $name
            }
        }
    };
}

remote_workflow!(
    /// Parse one resume version: extract, normalise, detect language, structure.
    ParseResumeWorkflow,
    PARSE_RESUME,
    ParseResumeInput,
    ParseResumeOutput
);
remote_query!(
    ParseResumeProgress,
    ParseResumeWorkflow,
    PROGRESS_QUERY,
    (),
    Progress
);
remote_signal!(
    ParseResumeN8nCallback,
    ParseResumeWorkflow,
    N8N_CALLBACK_SIGNAL,
    N8nCallback
);
remote_workflow!(
    /// Remove a deleted resume's files, chunks and vectors (durably, with retries).
    PurgeResumeWorkflow,
    PURGE_RESUME,
    PurgeResumeInput,
    PurgeResumeOutput
);
remote_workflow!(
    /// Read a job posting (text or URL), parse and embed it, then optimise.
    IngestJobWorkflow,
    INGEST_JOB,
    IngestJobInput,
    IngestJobOutput
);
remote_query!(
    IngestJobProgress,
    IngestJobWorkflow,
    PROGRESS_QUERY,
    (),
    Progress
);
remote_signal!(
    IngestJobN8nCallback,
    IngestJobWorkflow,
    N8N_CALLBACK_SIGNAL,
    N8nCallback
);
remote_workflow!(
    /// One optimisation run: retrieve, analyse, generate, verify, store.
    OptimizeJobWorkflow,
    OPTIMIZE_JOB,
    OptimizeJobInput,
    OptimizeJobOutput
);
remote_query!(
    OptimizeJobProgress,
    OptimizeJobWorkflow,
    PROGRESS_QUERY,
    (),
    Progress
);
remote_workflow!(
    /// One tailored CV version of an application: parse the offer, plan, edit, render, store.
    GenerateApplicationWorkflow,
    GENERATE_APPLICATION,
    GenerateApplicationInput,
    GenerateApplicationOutput
);
remote_query!(
    GenerateApplicationProgress,
    GenerateApplicationWorkflow,
    PROGRESS_QUERY,
    (),
    Progress
);
