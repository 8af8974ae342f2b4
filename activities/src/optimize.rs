//! OptimizeJob's activities. Each step reads its inputs from the database and
//! writes its result to the run's `optimizations` row (keyed by
//! `(job_id, run_no)`), so workflow payloads stay tiny and every step can be
//! retried or replayed without duplicating anything.

use crate::{
    errors, fallback,
    llm::{Analyst, AnalyzeRequest, GenerateRequest, OfflineAnalyst, RunUsage, Usage},
    providers::Providers,
};
use engine::{self, Analysis, ChangeLogEntry, ParsedJob, ParsedResume, Report, RetrievedChunk};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use shared::{
    Lang,
    db::{jobs, resumes},
    domain::{EmbeddingStatus, JobStatus, ParseStatus},
};
use std::{collections::BTreeMap, sync::Arc};
use temporalio_macros::activities;
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use uuid::Uuid;

/// Resume chunks retrieved per requirement.
/// Resume chunks retrieved per requirement.
pub const TOP_K: usize = 3;
/// Matches shown in `result.matches.items`.
const MAX_MATCH_ITEMS: usize = 10;

pub struct OptimizeActivities {
    pub p: Arc<Providers>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRef {
    pub user_id: Uuid,
    pub job_id: Uuid,
    pub run_no: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prepared {
    pub resume_version_id: Uuid,
    pub resume_lang: Lang,
    pub jd_lang: Lang,
    pub output_lang: Lang,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Searched {
    pub requirements: u32,
    pub avg_score: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analyzed {
    pub score: u8,
    pub met: u32,
    pub unmet: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Generated {
    pub changes: u32,
    pub warnings: u32,
}

/// Everything a step needs, loaded by id.
struct Loaded {
    job: jobs::JobRow,
    run: jobs::OptimizationRow,
    version: resumes::VersionRow,
    resume: ParsedResume,
    parsed_job: ParsedJob,
}

async fn load(p: &Providers, ctx: &ActivityContext, r: &RunRef) -> Result<Loaded, ActivityError> {
    let mut conn = p.db.acquire().await.map_err(errors::db)?;
    let job = jobs::get_job(&mut conn, r.user_id, r.job_id)
        .await
        .map_err(errors::db)?
        .ok_or_else(|| errors::missing_row(ctx, "this job"))?;
    let run = jobs::get_run(&mut conn, r.user_id, r.job_id, r.run_no)
        .await
        .map_err(errors::db)?
        .ok_or_else(|| errors::permanent("this optimisation run was not prepared"))?;
    let version_id = run
        .resume_version_id
        .ok_or_else(|| errors::permanent("the resume version of this run was deleted"))?;
    let version = resumes::get_version(&mut conn, r.user_id, version_id)
        .await
        .map_err(errors::db)?
        .ok_or_else(|| errors::permanent("the resume version of this run was deleted"))?;
    let resume: ParsedResume = version
        .parsed_json
        .as_ref()
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| errors::permanent("the resume has no structure to work with"))?;
    let parsed_job: ParsedJob = job
        .parsed_json
        .as_ref()
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| errors::permanent("the job description was not parsed"))?;
    Ok(Loaded {
        job,
        run,
        version,
        resume,
        parsed_job,
    })
}

/// The requirements to search for: must-haves and nice-to-haves, else keywords.
pub fn requirements(job: &ParsedJob) -> Vec<String> {
    let clean = |list: &mut dyn Iterator<Item = &String>| -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        list.map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty() && seen.insert(r.to_lowercase()))
            .collect()
    };
    let mut reqs = clean(&mut job.must_have.iter().chain(job.nice_to_have.iter()));
    if reqs.is_empty() {
        reqs = clean(&mut job.keywords.iter());
    }
    reqs.truncate(40);
    reqs
}

fn retrieved_from(run: &jobs::OptimizationRow) -> Vec<(String, Vec<RetrievedChunk>)> {
    run.retrieval
        .as_ref()
        .and_then(|v| v.parse().ok())
        .unwrap_or_default()
}

async fn record_usage(
    p: &Providers,
    r: &RunRef,
    run: &jobs::OptimizationRow,
    steps: &[(&str, Usage)],
) -> Result<(), ActivityError> {
    if steps.iter().all(|(_, u)| u.calls == 0) && run.token_usage.is_some() {
        return Ok(());
    }
    let mut total: RunUsage = run
        .token_usage
        .as_ref()
        .and_then(|v| v.parse().ok())
        .unwrap_or_default();
    total.engine = p.analyst.name();
    // Idempotent per step: a retried activity replaces its own entry.
    for (step, usage) in steps {
        total.set_step(step, usage.clone(), p.analyst.prices_per_million());
    }
    let v = serde_json::to_value(&total).unwrap_or(Value::Null);
    let mut conn = p.db.acquire().await.map_err(errors::db)?;
    jobs::add_token_usage(&mut conn, r.user_id, r.job_id, r.run_no, &v)
        .await
        .map_err(errors::db)
}

#[activities]
impl OptimizeActivities {
    /// Pick the resume version, settle the languages, open the run's row.
    /// Waits (by retrying) while the resume is still being parsed or embedded.
    #[activity]
    pub async fn prepare_run(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: RunRef,
    ) -> Result<Prepared, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let p = &self.p;
        let mut conn = p.db.acquire().await.map_err(errors::db)?;
        let job = jobs::get_job(&mut conn, input.user_id, input.job_id)
            .await
            .map_err(errors::db)?
            .ok_or_else(|| errors::missing_row(&ctx, "this job"))?;
        // A refine starts the run just before it commits the job's new run
        // number and settings: wait for them rather than read stale ones.
        if job.run_count < input.run_no {
            return Err(errors::missing_row(&ctx, "this optimisation run"));
        }
        if job.parsed_json.is_none() {
            return Err(errors::permanent("the job description was not parsed"));
        }
        let resume = resumes::get_resume(&mut conn, input.user_id, job.resume_id)
            .await
            .map_err(errors::db)?
            .ok_or_else(|| errors::permanent("the resume of this job was deleted"))?;
        let version = resumes::current_version(&mut conn, input.user_id, &resume)
            .await
            .map_err(errors::db)?
            .ok_or_else(|| errors::permanent("the resume has no version"))?;
        match version.parse_status {
            ParseStatus::Pending | ParseStatus::Parsing => {
                return Err(errors::transient("the resume is still being parsed"));
            }
            ParseStatus::Failed => {
                return Err(errors::permanent(format!(
                    "the resume could not be read: {}",
                    version.error.as_deref().unwrap_or("unknown reason")
                )));
            }
            ParseStatus::Parsed => {}
        }
        if version.embedding_status == EmbeddingStatus::Pending {
            return Err(errors::transient("the resume is still being indexed"));
        }
        let resume_lang = job
            .resume_lang()
            .or_else(|| version.detected_lang())
            .unwrap_or(Lang::En);
        let jd_lang = job.jd_lang().unwrap_or(Lang::En);
        let output_lang = job.desired_output_lang().unwrap_or(resume_lang);
        jobs::upsert_run(
            &mut conn,
            input.user_id,
            input.job_id,
            input.run_no,
            resume.id,
            version.id,
            version.detected_lang().unwrap_or(resume_lang),
            jd_lang,
            output_lang,
            job.custom_instructions.as_deref(),
            &p.analyst.name(),
        )
        .await
        .map_err(errors::db)?;
        jobs::set_status(
            &mut conn,
            input.user_id,
            input.job_id,
            JobStatus::Processing,
            None,
        )
        .await
        .map_err(errors::db)?;
        Ok(Prepared {
            resume_version_id: version.id,
            resume_lang,
            jd_lang,
            output_lang,
        })
    }

    /// `search_resume_vs_job`: for each requirement, the best resume chunks
    /// with scores; overall matches and their average score.
    #[activity]
    pub async fn search_resume_vs_job(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: RunRef,
    ) -> Result<Searched, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let p = &self.p;
        let l = load(p, &ctx, &input).await?;
        let reqs = requirements(&l.parsed_job);
        let mut retrieval: Vec<(String, Vec<RetrievedChunk>)> = Vec::new();
        let mut best: BTreeMap<String, (f32, String)> = BTreeMap::new();
        for req in &reqs {
            let hits = p
                .indexer
                .search_chunks(input.user_id, "resume", l.version.id, req, TOP_K)
                .await
                .map_err(|e| errors::provider_within(&ctx, p.retry_budget, e))?;
            for h in &hits {
                let e = best
                    .entry(h.chunk_id.clone())
                    .or_insert((h.score, h.text.clone()));
                if h.score > e.0 {
                    e.0 = h.score;
                }
            }
            retrieval.push((
                req.clone(),
                hits.into_iter()
                    .map(|h| RetrievedChunk {
                        chunk_id: h.chunk_id,
                        text: h.text,
                        score: h.score,
                    })
                    .collect(),
            ));
        }
        // Average over requirements of their best chunk's similarity.
        let tops: Vec<f32> = retrieval
            .iter()
            .filter_map(|(_, hits)| hits.first().map(|h| h.score))
            .collect();
        let avg = if tops.is_empty() {
            0.0
        } else {
            tops.iter().sum::<f32>() / tops.len() as f32
        };
        let mut items: Vec<(String, f32, String)> =
            best.into_iter().map(|(id, (s, t))| (id, s, t)).collect();
        items.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        items.truncate(MAX_MATCH_ITEMS);
        let matches = json!({
            "avg_score": round3(avg),
            "items": items.iter().map(|(id, s, t)| json!({ "chunk_id": id, "score": round3(*s), "text": t })).collect::<Vec<_>>(),
        });
        let mut conn = p.db.acquire().await.map_err(errors::db)?;
        jobs::save_retrieval(
            &mut conn,
            input.user_id,
            input.job_id,
            input.run_no,
            &matches,
            &serde_json::to_value(&retrieval).unwrap_or(Value::Null),
        )
        .await
        .map_err(errors::db)?;
        Ok(Searched {
            requirements: reqs.len() as u32,
            avg_score: round3(avg),
        })
    }

    /// `analyze_resume_vs_job`: score 0–100, keywords, each requirement with
    /// evidence quotes, strengths, gaps and ATS-safe suggestions.
    #[activity]
    pub async fn analyze_resume_vs_job(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: RunRef,
    ) -> Result<Analyzed, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let p = &self.p;
        let l = load(p, &ctx, &input).await?;
        let retrieved = retrieved_from(&l.run);
        let resume_text = l.version.raw_text.clone().unwrap_or_default();
        let job_text = l.job.job_description.clone().unwrap_or_default();
        let out = l.run.output_lang.clone().unwrap_or_else(|| "en".into());
        let req = AnalyzeRequest {
            resume: &l.resume,
            resume_text: &resume_text,
            job: &l.parsed_job,
            job_text: &job_text,
            retrieved: &retrieved,
            output_lang: &out,
        };
        let (analysis, usage) = fallback::llm_step(
            &ctx,
            p,
            "analyze_resume_vs_job",
            p.analyst.analyze(req),
            OfflineAnalyst.analyze(req),
        )
        .await?;
        let parse_usage = l
            .job
            .parse_token_usage
            .as_ref()
            .and_then(|v| v.parse::<Usage>().ok());
        let mut report = sanitize_report(analysis.report.clone(), &resume_text);
        let fell_back = [
            ("reading of the job posting", parse_usage.as_ref()),
            ("match analysis", Some(&usage)),
        ];
        for (what, u) in fell_back {
            if let Some(why) = u.and_then(|u| u.fallback.as_deref()) {
                report.warnings.push(fallback::warning(what, why));
            }
        }
        let met = report.requirements.iter().filter(|r| r.met).count() as u32;
        let unmet = report.requirements.len() as u32 - met;
        let mut conn = p.db.acquire().await.map_err(errors::db)?;
        jobs::save_analysis(
            &mut conn,
            input.user_id,
            input.job_id,
            input.run_no,
            i32::from(analysis.score.min(100)),
            &serde_json::to_value(&report).unwrap_or(Value::Null),
        )
        .await
        .map_err(errors::db)?;
        drop(conn);
        let mut steps = vec![("analyze_resume_vs_job", usage)];
        // The first run also carries what parsing the posting cost.
        if input.run_no == 1
            && let Some(parse) = parse_usage
        {
            steps.push(("parse_job_description", parse));
        }
        record_usage(p, &input, &l.run, &steps).await?;
        Ok(Analyzed {
            score: analysis.score.min(100),
            met,
            unmet,
        })
    }

    /// `generate_optimized_resume`: markdown in the output language, with a
    /// change log; the truthfulness verifier runs on it, the preview is
    /// sanitised, the run is complete.
    #[activity]
    pub async fn generate_optimized_resume(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: RunRef,
    ) -> Result<Generated, ActivityError> {
        let _beat = crate::heartbeat::start(&ctx);
        let p = &self.p;
        let l = load(p, &ctx, &input).await?;
        let retrieved = retrieved_from(&l.run);
        let resume_text = l.version.raw_text.clone().unwrap_or_default();
        let out = l.run.output_lang.clone().unwrap_or_else(|| "en".into());
        let report: Report = l
            .run
            .report_json
            .as_ref()
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| errors::permanent("the analysis of this run is missing"))?;
        let analysis = Analysis {
            score: u8::try_from(l.run.score.unwrap_or(0).clamp(0, 100)).unwrap_or(0),
            report: report.clone(),
        };
        let req = GenerateRequest {
            resume: &l.resume,
            resume_text: &resume_text,
            job: &l.parsed_job,
            analysis: &analysis,
            output_lang: &out,
            custom_instructions: l.run.custom_instructions.as_deref(),
            retrieved: &retrieved,
        };
        let (mut optimized, usage) = fallback::llm_step(
            &ctx,
            p,
            "generate_optimized_resume",
            p.analyst.generate(req),
            OfflineAnalyst.generate(req),
        )
        .await?;
        if let Some(why) = &usage.fallback {
            optimized
                .warnings
                .push(fallback::warning("optimised resume", why));
        }
        // Whatever engine wrote it, nothing untraceable to the source survives.
        let (verified, removed) = engine::verify(&optimized.markdown, &l.resume, &resume_text);
        let preview = sanitize_markdown(&verified);
        if preview.trim().is_empty() {
            return Err(errors::permanent("the optimised resume came out empty"));
        }
        let mut report = report;
        for w in optimized.warnings.iter().chain(removed.iter()) {
            if !report.warnings.contains(w) {
                report.warnings.push(w.clone());
            }
        }
        let change_log: Vec<ChangeLogEntry> = optimized.change_log;
        let mut conn = p.db.acquire().await.map_err(errors::db)?;
        jobs::complete_run(
            &mut conn,
            input.user_id,
            input.job_id,
            input.run_no,
            &preview,
            &serde_json::to_value(&change_log).unwrap_or(Value::Null),
            &serde_json::to_value(&report).unwrap_or(Value::Null),
        )
        .await
        .map_err(errors::db)?;
        drop(conn);
        record_usage(p, &input, &l.run, &[("generate_optimized_resume", usage)]).await?;
        crate::metrics::run_finished("OptimizeJob", "complete");
        Ok(Generated {
            changes: change_log.len() as u32,
            warnings: report.warnings.len() as u32,
        })
    }
}

fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}

/// Evidence must quote the resume: drop quotes that do not occur in it.
pub fn sanitize_report(mut report: Report, resume_text: &str) -> Report {
    let squash = text::collapse_whitespace;
    let hay = squash(resume_text);
    for r in &mut report.requirements {
        r.evidence
            .retain(|e| !e.quote.trim().is_empty() && hay.contains(&squash(&e.quote)));
    }
    report
}

/// No raw HTML, no script/data links, no images in what the frontend renders: the
/// Markdown is parsed and re-emitted from an allow-list ([`text::markdown`]).
pub fn sanitize_markdown(md: &str) -> String {
    text::markdown::sanitize(md)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_sanitised() {
        let md = "# Jo\n<script>alert(1)</script>\n[click](javascript:alert(1)) [ok](https://x.example)\n![img](http://x/y.png)\n<b>bold</b> JavaScript: fine? javascript:void(0)";
        let s = sanitize_markdown(md);
        assert!(!s.to_lowercase().contains("<script"), "{s}");
        assert!(!s.contains("](javascript:"), "{s}");
        assert!(s.contains("[ok](https://x.example)"));
        assert!(!s.contains("!["));
        assert!(s.contains("bold"));
    }

    /// The bypasses the regex sanitiser let through (issue 9, defect 5).
    #[test]
    fn markdown_bypasses_are_closed() {
        for md in [
            "[click][r]\n\n[r]: javascript:alert(1)",
            "[click](javascript&#58;alert(1))",
            "<javascript:alert(1)>",
            "&lt;script&gt;alert(1)&lt;/script&gt; <img src=x onerror=alert(1)>",
        ] {
            let s = sanitize_markdown(md);
            let rendered: Vec<_> = pulldown_cmark::Parser::new(&s).collect();
            for e in rendered {
                match e {
                    pulldown_cmark::Event::Html(h) | pulldown_cmark::Event::InlineHtml(h) => {
                        panic!("raw HTML {h:?} in {s:?}")
                    }
                    pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link {
                        dest_url, ..
                    }) => {
                        assert!(
                            dest_url.starts_with("http"),
                            "link {dest_url:?} in {s:?} from {md:?}"
                        );
                    }
                    _ => {}
                }
            }
        }
    }
}
