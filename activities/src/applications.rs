//! GenerateApplication's activities: parse the job offer, plan the CV changes,
//! apply them with the CV editor, render the PDF and DOCX (CV and cover letter),
//! store the result. Each step reads its inputs from the database by id and
//! writes its result back keyed by the CV version (`cvs.id`), so a retried or
//! replayed step leaves the same state as one run; documents go to
//! deterministic storage paths, so a retried render overwrites its own files.

use crate::{
    errors, fallback,
    llm::{Analyst, OfflineAnalyst, PlanRequest, PlannedCv, RunUsage},
    providers::Providers,
};
use bytes::Bytes;
use engine::{
    ParsedJob, ParsedResume, SectionKind,
    cv::{CoverLetterText, EditReport, TailoredCv},
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use shared::{
    Lang,
    db::{cvs, jobs, resumes},
    domain::{JobStatus, ParseStatus},
    storage::application_document_path,
};
use std::{
    sync::{Arc, OnceLock},
    time::Duration,
};
use temporalio_macros::activities;
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use uuid::Uuid;

pub const PDF: &str = "application/pdf";
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
/// One render (layout of a CV or a letter) may not take longer than this.
const RENDER_TIMEOUT: Duration = Duration::from_secs(60);

pub struct ApplicationActivities {
    pub p: Arc<Providers>,
}

/// Which CV version of which application, for whom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenRef {
    pub user_id: Uuid,
    pub application_id: Uuid,
    pub cv_id: Uuid,
    pub version_no: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenFail {
    pub generation: GenRef,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfferParsed {
    pub title: Option<String>,
    pub company: Option<String>,
    pub must_have: u32,
    pub nice_to_have: u32,
    pub keywords: u32,
    pub lang: Lang,
    /// Taken from an existing job's parsed posting rather than parsed again.
    pub reused_job: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Planned {
    pub changes: u32,
    pub gaps: u32,
    pub engine: String,
    pub output_lang: Lang,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Applied {
    pub applied: u32,
    pub rejected: u32,
    pub gaps: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RenderedDocs {
    pub cv_pdf_bytes: u64,
    pub cv_docx_bytes: u64,
    pub letter_pdf_bytes: u64,
    pub letter_docx_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredCv {
    pub cv_id: Uuid,
    pub pdf_path: String,
    pub docx_path: String,
}

/// The edit plan as stored in `cvs.planned_changes`: `{ changes: [...], gaps: [...] }`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct StoredPlan {
    #[serde(default)]
    changes: Vec<engine::cv::PlannedChange>,
    #[serde(default)]
    gaps: Vec<String>,
    /// Shown in the edit report (e.g. the offline engine planned it).
    #[serde(default)]
    warnings: Vec<String>,
}

async fn load(
    p: &Providers,
    ctx: &ActivityContext,
    r: &GenRef,
) -> Result<cvs::GenerationRow, ActivityError> {
    let mut conn = p.db.acquire().await.map_err(errors::db)?;
    cvs::get_generation(&mut conn, r.user_id, r.application_id, r.cv_id)
        .await
        .map_err(errors::db)?
        .ok_or_else(|| errors::missing_row(ctx, "this application"))
}

/// The structured CV the application starts from: the inline `base_cv`, else the
/// resume's active parsed version.
async fn base_cv(
    p: &Providers,
    user_id: Uuid,
    row: &cvs::GenerationRow,
) -> Result<ParsedResume, ActivityError> {
    if let Some(v) = &row.base_cv {
        let mut cv: ParsedResume = serde_json::from_value(v.clone()).map_err(|e| {
            errors::permanent(format!(
                "the CV given with this application is not valid: {e}"
            ))
        })?;
        if cv.lang != "ar" && cv.lang != "en" {
            cv.lang = guess_lang(&cv).as_str().to_string();
        }
        return Ok(cv);
    }
    let resume_id = row
        .resume_id
        .ok_or_else(|| errors::permanent("the resume of this application was deleted"))?;
    let mut conn = p.db.acquire().await.map_err(errors::db)?;
    let resume = resumes::get_resume(&mut conn, user_id, resume_id)
        .await
        .map_err(errors::db)?
        .ok_or_else(|| errors::permanent("the resume of this application was deleted"))?;
    let version = resumes::current_version(&mut conn, user_id, &resume)
        .await
        .map_err(errors::db)?
        .ok_or_else(|| errors::permanent("the resume of this application has no version"))?;
    match version.parse_status {
        ParseStatus::Parsed => {}
        ParseStatus::Failed => {
            return Err(errors::permanent(
                "the resume of this application could not be read; upload a new version",
            ));
        }
        ParseStatus::Pending | ParseStatus::Parsing => {
            return Err(errors::transient("the resume is still being parsed"));
        }
    }
    version
        .parsed_json
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| errors::permanent("the resume has no structure to work with"))
}

fn guess_lang(cv: &ParsedResume) -> Lang {
    let mut text = String::new();
    for e in &cv.experience {
        text.push_str(&e.title);
        text.push(' ');
        text.push_str(&e.bullets.join(" "));
    }
    text.push_str(cv.summary.as_deref().unwrap_or_default());
    text::detect_lang(&text)
}

fn output_lang(row: &cvs::GenerationRow, cv: &ParsedResume) -> Lang {
    row.output_lang
        .as_deref()
        .or(row.lang.as_deref())
        .and_then(|l| l.parse().ok())
        .or_else(|| cv.lang.parse().ok())
        .unwrap_or(Lang::En)
}

async fn job_offer(
    p: &Providers,
    user_id: Uuid,
    row: &cvs::GenerationRow,
) -> Result<ParsedJob, ActivityError> {
    let id = row
        .job_offer_id
        .ok_or_else(|| errors::permanent("the job offer of this application was not parsed"))?;
    let mut conn = p.db.acquire().await.map_err(errors::db)?;
    cvs::get_job_offer(&mut conn, user_id, id)
        .await
        .map_err(errors::db)?
        .and_then(|(json, _)| json)
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or_else(|| errors::permanent("the job offer of this application was not parsed"))
}

fn tailored(row: &cvs::GenerationRow) -> Result<TailoredCv, ActivityError> {
    row.source_json
        .clone()
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or_else(|| errors::permanent("the tailored CV was not produced"))
}

fn renderer() -> Result<&'static render::Renderer, ActivityError> {
    static RENDERER: OnceLock<Result<render::Renderer, String>> = OnceLock::new();
    RENDERER
        .get_or_init(|| render::Renderer::new().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| errors::permanent(format!("the document renderer cannot start: {e}")))
}

/// Renders at once: one per core. A render is CPU-bound, so more at once finish no
/// sooner, and each holds a Typst layout in memory: 50 at once took the worker's peak from
/// 127 to 186 MiB (`BENCHMARKS.md`, worker memory).
fn render_slots() -> Arc<tokio::sync::Semaphore> {
    static SLOTS: OnceLock<Arc<tokio::sync::Semaphore>> = OnceLock::new();
    SLOTS
        .get_or_init(|| {
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
            Arc::new(tokio::sync::Semaphore::new(cores.max(1)))
        })
        .clone()
}

/// Run a render off the async runtime (at most [`render_slots`] at once), bounded in
/// time, and drop Typst's cache entries it no longer needs so a long-running worker
/// holds steady memory.
async fn render_blocking<T: Send + 'static>(
    what: &'static str,
    f: impl FnOnce(&render::Renderer) -> Result<T, render::RenderError> + Send + 'static,
) -> Result<T, ActivityError> {
    let r = renderer()?;
    let slot = render_slots()
        .acquire_owned()
        .await
        .map_err(|e| errors::permanent(format!("the document renderer stopped: {e}")))?;
    let job = tokio::task::spawn_blocking(move || {
        // Held until the render really ends, even past the timeout below.
        let _slot = slot;
        let out = f(r);
        render::evict_cache();
        out
    });
    match tokio::time::timeout(RENDER_TIMEOUT, job).await {
        Err(_) => Err(errors::permanent(format!(
            "rendering the {what} took too long; try a shorter CV"
        ))),
        Ok(Err(join)) => Err(errors::permanent(format!(
            "rendering the {what} failed unexpectedly ({join})"
        ))),
        Ok(Ok(Err(e))) => Err(errors::permanent(format!(
            "could not render the {what}: {e}"
        ))),
        Ok(Ok(Ok(v))) => Ok(v),
    }
}

#[activities]
impl ApplicationActivities {
    /// Step 1: the structured job offer — the existing job's parsed posting when the
    /// application names a job, else the posting text parsed now.
    #[activity]
    pub async fn parse_job_offer(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: GenRef,
    ) -> Result<OfferParsed, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let p = &self.p;
        let row = load(p, &ctx, &input).await?;
        {
            let mut conn = p.db.acquire().await.map_err(errors::db)?;
            cvs::mark_processing(&mut conn, input.user_id, input.application_id, input.cv_id)
                .await
                .map_err(errors::db)?;
        }
        let (parsed, raw_text, usage, reused_job) = match row.job_id {
            Some(job_id) => {
                let mut conn = p.db.acquire().await.map_err(errors::db)?;
                let job = jobs::get_job(&mut conn, input.user_id, job_id)
                    .await
                    .map_err(errors::db)?
                    .ok_or_else(|| errors::permanent("the job of this application was deleted"))?;
                let parsed: Option<ParsedJob> =
                    job.parsed_json.as_ref().and_then(|v| v.parse().ok());
                match (parsed, job.status) {
                    (Some(parsed), _) => (
                        parsed,
                        job.job_description.clone().unwrap_or_default(),
                        None,
                        true,
                    ),
                    (None, JobStatus::Failed) => {
                        return Err(errors::permanent(format!(
                            "the job of this application could not be read{}",
                            job.error.map(|e| format!(": {e}")).unwrap_or_default()
                        )));
                    }
                    (None, _) => {
                        return Err(errors::transient("the job posting is still being read"));
                    }
                }
            }
            None => {
                let text = row
                    .job_description
                    .clone()
                    .filter(|t| !t.trim().is_empty())
                    .ok_or_else(|| errors::permanent("the application has no job description"))?;
                let lang = text::detect_lang(&text);
                let (parsed, usage) = fallback::llm_step(
                    &ctx,
                    p,
                    "parse_job_offer",
                    p.analyst.parse_job(&text, Some(lang.as_str())),
                    OfflineAnalyst.parse_job(&text, Some(lang.as_str())),
                )
                .await?;
                (parsed, text, Some(usage), false)
            }
        };
        let lang: Lang = parsed
            .language
            .parse()
            .unwrap_or_else(|_| text::detect_lang(&raw_text));
        let title = row.position.clone().or_else(|| parsed.title.clone());
        let company = row.company.clone().or_else(|| parsed.company.clone());
        let requirements = json!({ "must": parsed.must_have, "nice": parsed.nice_to_have });
        let keywords = json!(parsed.keywords);
        let parsed_json = serde_json::to_value(&parsed)
            .map_err(|e| errors::permanent(format!("could not encode the job offer: {e}")))?;
        let usage = usage
            .filter(|u| u.calls > 0)
            .and_then(|u| serde_json::to_value(u).ok());
        let mut conn = p.db.acquire().await.map_err(errors::db)?;
        cvs::upsert_job_offer(
            &mut conn,
            input.user_id,
            input.application_id,
            &cvs::JobOffer {
                job_id: row.job_id,
                raw_text: &raw_text,
                title: title.as_deref(),
                company: company.as_deref(),
                location: parsed.location.as_deref(),
                language: lang.as_str(),
                requirements: &requirements,
                keywords: &keywords,
                parsed_json: &parsed_json,
                token_usage: usage.as_ref(),
            },
        )
        .await
        .map_err(errors::db)?
        .ok_or_else(|| errors::permanent("the application was deleted"))?;
        Ok(OfferParsed {
            title,
            company,
            must_have: parsed.must_have.len() as u32,
            nice_to_have: parsed.nice_to_have.len() as u32,
            keywords: parsed.keywords.len() as u32,
            lang,
            reused_job,
        })
    }

    /// Step 2: the typed edit plan (offline engine, or the configured model).
    #[activity]
    pub async fn plan_cv_changes(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: GenRef,
    ) -> Result<Planned, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let p = &self.p;
        let row = load(p, &ctx, &input).await?;
        let cv = base_cv(p, input.user_id, &row).await?;
        let job = job_offer(p, input.user_id, &row).await?;
        let lang = output_lang(&row, &cv);
        let req = PlanRequest {
            cv: &cv,
            job: &job,
            output_lang: lang.as_str(),
            custom_instructions: row.custom_instructions.as_deref(),
        };
        let (planned, usage) = fallback::llm_step(
            &ctx,
            p,
            shared::contracts::steps::PLAN_CV_CHANGES,
            p.analyst.plan_cv(req),
            OfflineAnalyst.plan_cv(req),
        )
        .await?;
        let PlannedCv { plan, gaps } = planned;
        let stored = StoredPlan {
            changes: plan.changes,
            gaps,
            warnings: usage
                .fallback
                .iter()
                .map(|why| fallback::warning("CV plan", why))
                .collect(),
        };
        let mut total = RunUsage {
            engine: p.analyst.name(),
            ..RunUsage::default()
        };
        total.set_step(
            shared::contracts::steps::PLAN_CV_CHANGES,
            usage,
            p.analyst.prices_per_million(),
        );
        let plan_json = serde_json::to_value(&stored)
            .map_err(|e| errors::permanent(format!("could not encode the edit plan: {e}")))?;
        let usage_json = serde_json::to_value(&total).unwrap_or(Value::Null);
        let mut conn = p.db.acquire().await.map_err(errors::db)?;
        cvs::save_plan(
            &mut conn,
            input.user_id,
            input.cv_id,
            &plan_json,
            &total.engine,
            &usage_json,
            lang.as_str(),
        )
        .await
        .map_err(errors::db)?;
        Ok(Planned {
            changes: stored.changes.len() as u32,
            gaps: stored.gaps.len() as u32,
            engine: total.engine,
            output_lang: lang,
        })
    }

    /// Step 3: the CV editor validates every planned operation against the CV and
    /// the truthfulness rules, applies the valid ones and reports the rest; an
    /// independent check of the result is the last gate.
    #[activity]
    pub async fn apply_cv_changes(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: GenRef,
    ) -> Result<Applied, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let p = &self.p;
        let row = load(p, &ctx, &input).await?;
        let cv = base_cv(p, input.user_id, &row).await?;
        let lang = output_lang(&row, &cv);
        let stored: StoredPlan = row
            .planned_changes
            .clone()
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| errors::permanent(format!("the stored edit plan is not valid: {e}")))?
            .ok_or_else(|| errors::permanent("the CV changes were not planned"))?;
        let plan = engine::cv::EditPlan {
            changes: stored.changes,
        };
        let (mut tailored, mut report): (TailoredCv, EditReport) = engine::cv::apply(&cv, &plan);
        for gap in stored.gaps {
            if !report.gaps.contains(&gap) {
                report.gaps.push(gap);
            }
        }
        report.warnings.extend(stored.warnings);
        let untraceable = engine::cv::untraceable_facts(&cv, &tailored);
        if !untraceable.is_empty() {
            tracing::error!(?untraceable, "the CV editor let untraceable facts through");
            return Err(errors::permanent(format!(
                "the tailored CV could not be verified against the source CV (not in the source: {})",
                untraceable.join(", ")
            )));
        }
        // The document's language (the planner writes new text in it).
        tailored.resume.lang = lang.as_str().to_string();
        let source_json = serde_json::to_value(&tailored)
            .map_err(|e| errors::permanent(format!("could not encode the tailored CV: {e}")))?;
        // The published schema (schemas/tailored_cv.schema.json) is the parsed-resume
        // shape plus `section_order`: check the structure and its field rules.
        engine::validate_parsed_resume(&source_json).map_err(|e| {
            errors::permanent(format!("the tailored CV does not fit its schema: {e}"))
        })?;
        let report_json = serde_json::to_value(&report)
            .map_err(|e| errors::permanent(format!("could not encode the edit report: {e}")))?;
        let mut conn = p.db.acquire().await.map_err(errors::db)?;
        cvs::save_tailored(
            &mut conn,
            input.user_id,
            input.cv_id,
            &source_json,
            &report_json,
        )
        .await
        .map_err(errors::db)?;
        Ok(Applied {
            applied: report.applied.len() as u32,
            rejected: report.rejected.len() as u32,
            gaps: report.gaps.len() as u32,
        })
    }

    /// Step 4: the CV and its cover letter as PDF (embedded Typst) and DOCX, stored
    /// at this version's deterministic paths.
    #[activity]
    pub async fn render_documents(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: GenRef,
    ) -> Result<RenderedDocs, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let p = &self.p;
        let row = load(p, &ctx, &input).await?;
        let cv = tailored(&row)?;
        let job = job_offer(p, input.user_id, &row).await?;
        let lang = output_lang(&row, &cv.resume);
        let doc = cv_document(&cv, &job, lang, row.position.as_deref());
        let letter_text = verified_letter(&cv.resume, &job, lang);
        let letter = letter_document(&cv.resume, &job, &letter_text, lang, &row);
        let cv_out = render_blocking("CV", move |r| r.cv(&doc)).await?;
        let letter_out = render_blocking("cover letter", move |r| r.letter(&letter)).await?;
        let docs = RenderedDocs {
            cv_pdf_bytes: cv_out.pdf.len() as u64,
            cv_docx_bytes: cv_out.docx.len() as u64,
            letter_pdf_bytes: letter_out.pdf.len() as u64,
            letter_docx_bytes: letter_out.docx.len() as u64,
        };
        let path = |kind: &str, ext: &str| document_path(&input, kind, ext);
        for (path, bytes, content_type) in [
            (path("cv", "pdf"), cv_out.pdf, PDF),
            (path("cv", "docx"), cv_out.docx, DOCX),
            (path("cover_letter", "pdf"), letter_out.pdf, PDF),
            (path("cover_letter", "docx"), letter_out.docx, DOCX),
        ] {
            p.blobs
                .put(&path, Bytes::from(bytes), content_type)
                .await
                .map_err(|e| errors::storage_within(&ctx, p.retry_budget, e))?;
        }
        Ok(docs)
    }

    /// Step 5: the CV version, its cover letter and the application become
    /// `complete` in one transaction. An application deleted meanwhile takes its
    /// documents with it.
    #[activity]
    pub async fn store_cv(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: GenRef,
    ) -> Result<StoredCv, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let p = &self.p;
        let path = |kind: &str, ext: &str| document_path(&input, kind, ext);
        let Some(row) = ({
            let mut conn = p.db.acquire().await.map_err(errors::db)?;
            cvs::get_generation(&mut conn, input.user_id, input.application_id, input.cv_id)
                .await
                .map_err(errors::db)?
        }) else {
            remove_documents(p, &input).await?;
            return Err(errors::permanent("the application was deleted"));
        };
        let cv = tailored(&row)?;
        let job = job_offer(p, input.user_id, &row).await?;
        let lang = output_lang(&row, &cv.resume);
        let letter = verified_letter(&cv.resume, &job, lang);
        let body_text = letter_text(&letter);
        let body_json = serde_json::to_value(&letter)
            .map_err(|e| errors::permanent(format!("could not encode the cover letter: {e}")))?;
        let (pdf_path, docx_path) = (path("cv", "pdf"), path("cv", "docx"));
        let (letter_pdf, letter_docx) = (path("cover_letter", "pdf"), path("cover_letter", "docx"));
        let mut conn = p.db.acquire().await.map_err(errors::db)?;
        let stored = cvs::complete(
            &mut conn,
            input.user_id,
            input.application_id,
            input.cv_id,
            &pdf_path,
            &docx_path,
            &cvs::CoverLetterRow {
                lang: lang.as_str(),
                body_json: &body_json,
                body_text: &body_text,
                pdf_path: &letter_pdf,
                docx_path: &letter_docx,
            },
        )
        .await
        .map_err(errors::db)?;
        if !stored {
            remove_documents(p, &input).await?;
            return Err(errors::permanent("the application was deleted"));
        }
        crate::metrics::run_finished("GenerateApplication", "complete");
        Ok(StoredCv {
            cv_id: input.cv_id,
            pdf_path,
            docx_path,
        })
    }

    /// Record why a generation gave up, and remove whatever documents it stored.
    #[activity]
    pub async fn fail_generation(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: GenFail,
    ) -> Result<(), ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let p = &self.p;
        let g = &input.generation;
        remove_documents(p, g).await?;
        let mut conn = p.db.acquire().await.map_err(errors::db)?;
        cvs::fail(
            &mut conn,
            g.user_id,
            g.application_id,
            g.cv_id,
            &input.reason,
        )
        .await
        .map_err(errors::db)?;
        crate::metrics::run_finished("GenerateApplication", "failed");
        Ok(())
    }
}

/// Where a document of this CV version is stored (`kind`: `cv` or `cover_letter`).
fn document_path(g: &GenRef, kind: &str, ext: &str) -> String {
    application_document_path(g.user_id, g.application_id, g.version_no, kind, ext)
}

/// Delete this version's documents (missing files are fine).
async fn remove_documents(p: &Providers, g: &GenRef) -> Result<(), ActivityError> {
    for kind in ["cv", "cover_letter"] {
        for ext in ["pdf", "docx"] {
            let path = document_path(g, kind, ext);
            p.blobs.delete(&path).await.map_err(errors::storage)?;
        }
    }
    Ok(())
}

/// The cover letter, through the truthfulness check against the CV and the job offer:
/// a paragraph naming anything neither of them says is left out (and logged). The
/// letter is deterministic, so the render step and the store step get the same text.
pub fn verified_letter(cv: &ParsedResume, job: &ParsedJob, lang: Lang) -> CoverLetterText {
    let mut letter = engine::cv::cover_letter(cv, job, lang.as_str());
    let untraceable = engine::cv::cover_letter_untraceable(cv, job, &letter);
    if !untraceable.is_empty() {
        tracing::error!(
            ?untraceable,
            "the cover letter named facts the CV and job do not"
        );
        let flagged: Vec<String> = untraceable.iter().map(|f| engine::fold(f)).collect();
        letter
            .paragraphs
            .retain(|p| !flagged.iter().any(|f| engine::fold(p).contains(f.as_str())));
        if letter.paragraphs.is_empty() {
            letter.paragraphs.push(
                match lang {
                    Lang::Ar => "مرفق سيرتي الذاتية لاطلاعكم، وأتطلع إلى فرصة مناقشة هذه الوظيفة.",
                    Lang::En => "Please find my CV attached; I would welcome the chance to discuss this role.",
                }
                .to_string(),
            );
        }
    }
    letter
}

/// The cover letter as plain text (what `cover_letters.body_text` holds).
pub fn letter_text(l: &CoverLetterText) -> String {
    let mut out = vec![l.greeting.clone()];
    out.extend(l.paragraphs.iter().cloned());
    out.push(format!("{}\n{}", l.closing, l.signature));
    out.join("\n\n")
}

struct Labels {
    summary: &'static str,
    experience: &'static str,
    education: &'static str,
    skills: &'static str,
    languages: &'static str,
    certifications: &'static str,
    projects: &'static str,
    present: &'static str,
    cv_for: &'static str,
    application_for: &'static str,
    applicant: &'static str,
}

fn labels(lang: Lang) -> Labels {
    match lang {
        Lang::Ar => Labels {
            summary: "الملخص المهني",
            experience: "الخبرات العملية",
            education: "التعليم",
            skills: "المهارات",
            languages: "اللغات",
            certifications: "الشهادات",
            projects: "المشاريع",
            present: "حتى الآن",
            cv_for: "السيرة الذاتية",
            application_for: "طلب التقدم لوظيفة",
            applicant: "المتقدم للوظيفة",
        },
        Lang::En => Labels {
            summary: "Summary",
            experience: "Experience",
            education: "Education",
            skills: "Skills",
            languages: "Languages",
            certifications: "Certifications",
            projects: "Projects",
            present: "Present",
            cv_for: "CV",
            application_for: "Application for",
            applicant: "The applicant",
        },
    }
}

fn render_lang(lang: Lang) -> render::Lang {
    match lang {
        Lang::Ar => render::Lang::Ar,
        Lang::En => render::Lang::En,
    }
}

fn date_range(start: Option<&str>, end: Option<&str>, current: bool, l: &Labels) -> Option<String> {
    let end = if current {
        Some(l.present.to_string())
    } else {
        end.map(str::to_string)
    };
    match (start, end) {
        (Some(s), Some(e)) => Some(format!("{s} – {e}")),
        (Some(s), None) => Some(s.to_string()),
        (None, Some(e)) => Some(e),
        (None, None) => None,
    }
}

fn contact_lines(cv: &ParsedResume) -> Vec<String> {
    let c = &cv.contact;
    c.email
        .iter()
        .chain(c.phone.iter())
        .chain(c.location.iter())
        .chain(c.links.iter())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The tailored CV as the renderer's view model: sections in the planned order,
/// single column, plain text (the template prints it as data, never as markup).
pub fn cv_document(
    cv: &TailoredCv,
    job: &ParsedJob,
    lang: Lang,
    position: Option<&str>,
) -> render::CvDocument {
    let l = labels(lang);
    let r = &cv.resume;
    let mut order: Vec<SectionKind> = cv.section_order.clone();
    for kind in [
        SectionKind::Summary,
        SectionKind::Experience,
        SectionKind::Education,
        SectionKind::Skills,
        SectionKind::Certifications,
        SectionKind::Languages,
        SectionKind::Projects,
    ] {
        if !order.contains(&kind) {
            order.push(kind);
        }
    }
    let mut sections = Vec::new();
    for kind in order {
        let section = match kind {
            SectionKind::Experience if !r.experience.is_empty() => Some(render::CvSection {
                title: l.experience.into(),
                items: r
                    .experience
                    .iter()
                    .map(|e| render::CvItem {
                        heading: Some(e.title.clone()).filter(|t| !t.trim().is_empty()),
                        subheading: Some(match &e.location {
                            Some(loc) if !loc.trim().is_empty() => {
                                format!("{} · {loc}", e.company)
                            }
                            _ => e.company.clone(),
                        })
                        .filter(|t| !t.trim().is_empty()),
                        dates: date_range(e.start.as_deref(), e.end.as_deref(), e.current, &l),
                        text: None,
                        bullets: e.bullets.clone(),
                    })
                    .collect(),
            }),
            SectionKind::Education if !r.education.is_empty() => Some(render::CvSection {
                title: l.education.into(),
                items: r
                    .education
                    .iter()
                    .map(|e| render::CvItem {
                        heading: Some(e.degree.clone()).filter(|t| !t.trim().is_empty()),
                        subheading: Some(e.institution.clone()).filter(|t| !t.trim().is_empty()),
                        dates: date_range(e.start.as_deref(), e.end.as_deref(), false, &l),
                        text: None,
                        bullets: Vec::new(),
                    })
                    .collect(),
            }),
            SectionKind::Skills if !r.skills.is_empty() => Some(list_section(l.skills, &r.skills)),
            SectionKind::Languages if !r.languages.is_empty() => {
                Some(list_section(l.languages, &r.languages))
            }
            SectionKind::Certifications if !r.certifications.is_empty() => {
                Some(render::CvSection {
                    title: l.certifications.into(),
                    items: vec![render::CvItem {
                        bullets: r.certifications.clone(),
                        ..Default::default()
                    }],
                })
            }
            SectionKind::Projects => {
                let text: Vec<String> = r
                    .sections
                    .iter()
                    .filter(|s| s.kind == SectionKind::Projects)
                    .flat_map(|s| s.text.lines())
                    .map(|line| {
                        line.trim()
                            .trim_start_matches(['-', '*', '•', '·'])
                            .trim()
                            .to_string()
                    })
                    .filter(|line| !line.is_empty())
                    .collect();
                (!text.is_empty()).then(|| render::CvSection {
                    title: l.projects.into(),
                    items: vec![render::CvItem {
                        bullets: text,
                        ..Default::default()
                    }],
                })
            }
            _ => None,
        };
        sections.extend(section);
    }
    let name = r.contact.name.clone().unwrap_or_default();
    let folded_skills: Vec<String> = r.skills.iter().map(|s| engine::fold(s)).collect();
    let keywords: Vec<String> = job
        .keywords
        .iter()
        .filter(|k| folded_skills.contains(&engine::fold(k)))
        .cloned()
        .collect();
    let target = position.map(str::to_string).or_else(|| job.title.clone());
    // Headings follow the output language; the direction follows what is written: the
    // offline engine does not translate, so an Arabic CV asked for in English still
    // reads right to left (an LTR layout would break its text layer for an ATS).
    let direction = if lang == Lang::Ar || guess_lang(r) == Lang::Ar {
        Lang::Ar
    } else {
        Lang::En
    };
    render::CvDocument {
        lang: render_lang(direction),
        // A CV given without a name (an inline `base_cv` may lack one) still renders.
        name: if name.trim().is_empty() {
            l.cv_for.to_string()
        } else {
            name.clone()
        },
        headline: r.headline.clone(),
        contact: contact_lines(r),
        summary: r.summary.clone().filter(|s| !s.trim().is_empty()),
        summary_title: Some(l.summary.into()),
        sections,
        keywords,
        title: Some(match target {
            Some(t) if !name.is_empty() => format!("{name} — {} — {t}", l.cv_for),
            Some(t) => format!("{} — {t}", l.cv_for),
            None if !name.is_empty() => format!("{name} — {}", l.cv_for),
            None => l.cv_for.to_string(),
        }),
    }
}

fn list_section(title: &str, items: &[String]) -> render::CvSection {
    render::CvSection {
        title: title.into(),
        items: vec![render::CvItem {
            text: Some(items.join(" · ")),
            ..Default::default()
        }],
    }
}

fn letter_document(
    cv: &ParsedResume,
    job: &ParsedJob,
    text: &CoverLetterText,
    lang: Lang,
    row: &cvs::GenerationRow,
) -> render::CoverLetter {
    let l = labels(lang);
    let title = row.position.clone().or_else(|| job.title.clone());
    let company = row.company.clone().or_else(|| job.company.clone());
    let direction = if lang == Lang::Ar || text::detect_lang(&letter_text(text)) == Lang::Ar {
        Lang::Ar
    } else {
        Lang::En
    };
    render::CoverLetter {
        lang: render_lang(direction),
        sender_name: [Some(text.signature.as_str()), cv.contact.name.as_deref()]
            .into_iter()
            .flatten()
            .find(|n| !n.trim().is_empty())
            .unwrap_or(l.applicant)
            .to_string(),
        sender_contact: contact_lines(cv),
        date: None,
        recipient: company,
        subject: title.map(|t| format!("{} {t}", l.application_for)),
        greeting: text.greeting.clone(),
        paragraphs: text.paragraphs.clone(),
        closing: text.closing.clone(),
    }
}
