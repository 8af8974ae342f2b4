//! The prompts. Every prompt demands JSON only (the schema is enforced by
//! structured outputs as well), forbids invented facts, asks for ATS-safe
//! advice and names the output language.
//!
//! Analysis and generation do not send whole documents: the model gets the
//! parsed job (not the posting); the analysis gets an outline of the candidate
//! and the resume chunks retrieved per requirement (see `search_resume_vs_job`),
//! the generator the candidate's structured profile as plain text.

use crate::embed::match_tokens;
use crate::llm::{AnalyzeRequest, GenerateRequest, PlanRequest};
use engine::{ParsedResume, SectionKind};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};

/// Retrieved chunks sent per requirement.
pub const CHUNKS_PER_REQUIREMENT: usize = 3;

pub fn language_name(code: &str) -> &'static str {
    match code {
        "ar" => "Arabic (Modern Standard Arabic)",
        _ => "English",
    }
}

/// How a request names its output language, e.g. "Arabic (Modern Standard Arabic), ar".
/// The system prompts only refer to it, so they are the same for every request: with
/// the answer's schema they are the stable prefix OpenAI's prompt caching keys on.
pub fn language_label(code: &str) -> String {
    format!("{}, {code}", language_name(code))
}

const JSON_ONLY: &str = "Answer with a single JSON object that matches the provided JSON schema. \
No prose, no markdown fences, nothing before or after the JSON.";

const TRUTH: &str = "Never invent, infer or embellish facts: no employer, title, date, degree, \
certification, skill, tool, metric or achievement that the candidate's own text does not state. \
When something is not stated, use null or an empty list.";

pub fn parse_resume(text: &str, lang: &str) -> (String, String) {
    let system = format!(
        "You convert a resume into structured JSON. {TRUTH} Copy names, companies, titles, \
         institutions and skills exactly as written (keep the original script). Dates are \"YYYY\" \
         or \"YYYY-MM\"; a current role has \"current\": true and \"end\": null. \"lang\" is \"ar\" \
         when the resume is mainly Arabic, otherwise \"en\". Leave \"sections\" an empty list (they are \
         cut from the text separately). {JSON_ONLY}"
    );
    let user = format!("Resume (language hint: {lang}):\n<<<\n{text}\n>>>");
    (system, user)
}

pub fn parse_job(text: &str, lang: Option<&str>) -> (String, String) {
    let system = format!(
        "You convert a job posting into structured JSON: title, company, location, seniority, \
         language (\"en\" or \"ar\"), responsibilities, must-have requirements, nice-to-have \
         requirements and the ATS keywords (skills, tools, certifications) a screener would \
         search for. Keep each requirement short and as written. Only what the posting says. \
         {JSON_ONLY}"
    );
    let user = format!(
        "Job posting (language hint: {}):\n<<<\n{text}\n>>>",
        lang.unwrap_or("unknown")
    );
    (system, user)
}

fn job_brief(job: &engine::ParsedJob) -> Value {
    json!({
        "title": job.title,
        "company": job.company,
        "seniority": job.seniority,
        "must_have": job.must_have,
        "nice_to_have": job.nice_to_have,
        "keywords": job.keywords,
    })
}

/// Words worth matching: no stop words, nothing shorter than 3 letters
/// (except skills such as "C#", "Go", "R" written with symbols or capitals).
fn terms_of(texts: &[&str]) -> HashSet<String> {
    texts
        .iter()
        .flat_map(|t| match_tokens(t))
        .filter(|w| {
            (w.chars().count() >= 3 || w.contains(['#', '+'])) && !engine::terms::is_stop(w)
        })
        .collect()
}

/// The lines of a retrieved chunk that mention a requirement's words, the
/// rest elided with "…": quotes stay verbatim (whole lines) while headers,
/// contact details and unrelated roles stay home.
pub fn relevant_lines(chunk: &str, terms: &HashSet<String>) -> String {
    let mut out: Vec<&str> = Vec::new();
    let mut elided = false;
    for line in chunk.lines() {
        let hit = match_tokens(line).iter().any(|w| terms.contains(w));
        if hit {
            out.push(line.trim());
            elided = false;
        } else if !elided && !line.trim().is_empty() {
            out.push("…");
            elided = true;
        }
    }
    if out.iter().all(|l| *l == "…") {
        // Nothing matched word for word: the similarity still ranked it, so
        // send its beginning.
        return chunk.chars().take(600).collect();
    }
    out.join("\n")
}

/// The analysis prompt, and which retrieved chunk each excerpt label
/// (`E1`, `E2`, ...) stands for.
pub struct AnalyzePrompt {
    pub system: String,
    pub user: String,
    /// label → chunk id
    pub aliases: BTreeMap<String, String>,
}

fn or_dash(v: &Option<String>) -> &str {
    v.as_deref().filter(|s| !s.trim().is_empty()).unwrap_or("-")
}

fn span(start: &Option<String>, end: &Option<String>, current: bool) -> String {
    let end = if current { "present" } else { or_dash(end) };
    format!("{}–{end}", or_dash(start))
}

/// The analysis's system prompt: the same for every request (see [`language_label`]).
pub fn analyze_system_prompt() -> String {
    format!(
        "You are an experienced recruiter and ATS specialist. Judge how well the candidate fits \
     the job using only the candidate outline and the resume excerpts given. {TRUTH}\n\
     - score: 0 to 100, how well the resume matches the requirements (must-haves weigh most).\n\
     - report.requirements: one entry per line under REQUIREMENTS, in that order, with the \
       requirement as written; \"met\" is true only when an excerpt or the outline shows \
       it; each evidence quote is copied verbatim from an excerpt (a short phrase or \
       sentence, never an elided \"…\"), with the excerpt's label (E1, E2, …) as chunk_id \
       and 0 as score.\n\
     - matched_keywords / missing_keywords: job keywords the resume does / does not show.\n\
     - suggestions: ATS-safe and truthful only — standard section headings, plain text \
       without tables, columns, images or text boxes, the job's exact wording for skills the \
       candidate really has, acronyms spelled out once; never suggest claiming experience \
       the candidate does not have.\n\
     - warnings: anything the candidate should double-check.\n\
     Write summary, strengths, gaps, suggestions and warnings in the output language the \
     request names; keep keywords, quotes and names as written. {JSON_ONLY}"
    )
}

/// The analysis gets plain text, not JSON: the parsed job's keywords, an
/// outline of the candidate, each retrieved chunk once (only its relevant
/// lines, under a short label) and the requirements with the labels of
/// their best chunks.
pub fn analyze(req: &AnalyzeRequest<'_>) -> AnalyzePrompt {
    let lang = language_name(req.output_lang);
    let system = analyze_system_prompt();
    let reqs: Vec<&str> = req.retrieved.iter().map(|(r, _)| r.as_str()).collect();
    let terms = terms_of(&reqs);
    let mut label_of: BTreeMap<&str, String> = BTreeMap::new();
    let mut aliases = BTreeMap::new();
    let mut excerpts = String::new();
    let mut requirements = String::new();
    for (i, (requirement, hits)) in req.retrieved.iter().enumerate() {
        let mut labels = Vec::new();
        for h in hits.iter().take(CHUNKS_PER_REQUIREMENT) {
            let label = label_of.entry(h.chunk_id.as_str()).or_insert_with(|| {
                let label = format!("E{}", aliases.len() + 1);
                aliases.insert(label.clone(), h.chunk_id.clone());
                excerpts.push_str(&format!(
                    "[{label}]\n{}\n\n",
                    relevant_lines(&h.text, &terms)
                ));
                label
            });
            labels.push(label.clone());
        }
        let kind = if req.job.must_have.iter().any(|m| m == requirement) {
            "must"
        } else if req.job.nice_to_have.iter().any(|m| m == requirement) {
            "nice"
        } else {
            "keyword"
        };
        let best = if labels.is_empty() {
            "no excerpt".to_string()
        } else {
            labels.join(", ")
        };
        requirements.push_str(&format!("{}. [{kind}] {requirement} — {best}\n", i + 1));
    }
    let r = req.resume;
    let roles: Vec<String> = r
        .experience
        .iter()
        .map(|x| {
            format!(
                "{}, {} ({})",
                x.title,
                x.company,
                span(&x.start, &x.end, x.current)
            )
        })
        .collect();
    let education: Vec<String> = r
        .education
        .iter()
        .map(|e| format!("{}, {} ({})", e.degree, e.institution, or_dash(&e.end)))
        .collect();
    // Skills and certifications the excerpts already show are not listed again.
    let shown = excerpts.to_lowercase();
    let unseen = |items: &[String]| -> Vec<String> {
        items
            .iter()
            .filter(|i| !shown.contains(&i.trim().to_lowercase()))
            .cloned()
            .collect()
    };
    let (skills, certs) = (unseen(&r.skills), unseen(&r.certifications));
    let job = req.job;
    let user = format!(
        "Output language: {lang} ({code})\n\n\
         JOB\nTitle: {title}; company: {company}; seniority: {seniority}\nKeywords: {keywords}\n\n\
         CANDIDATE OUTLINE\nName: {name}\nHeadline: {headline}\nRoles: {roles}\nEducation: {education}\n\
         Other skills: {skills}\nOther certifications: {certs}\n\n\
         RESUME EXCERPTS\n{excerpts}\
         REQUIREMENTS (kind, requirement — labels of the best-matching excerpts)\n{requirements}",
        code = req.output_lang,
        title = or_dash(&job.title),
        company = or_dash(&job.company),
        seniority = or_dash(&job.seniority),
        keywords = job.keywords.join(", "),
        name = or_dash(&r.contact.name),
        headline = or_dash(&r.headline),
        roles = roles.join("; "),
        education = education.join("; "),
        skills = skills.join(", "),
        certs = certs.join("; "),
    );
    AnalyzePrompt {
        system,
        user,
        aliases,
    }
}

/// The generation's system prompt: the same for every request (see [`language_label`]).
pub fn generate_system_prompt() -> String {
    format!(
        "You rewrite a resume so it fits a job, truthfully. Use only facts from the candidate \
     profile. {TRUTH} You may reorder, shorten and rephrase, put the \
     most relevant experience and skills first, and use the job's terminology for things the \
     candidate has actually done.\n\
     - markdown: an ATS-safe resume — \"# \" with the candidate's name, one plain contact \
       line, \"## \" standard section headings (Summary, Experience, Education, Skills, …), \
       \"- \" bullets; no tables, columns, images, HTML, links other than the candidate's \
       own, or emojis. Keep every employer, title and date exactly as in the profile.\n\
     - change_log: one entry per change, with the section, the original text (before), the \
       new text (after) and the reason.\n\
     - warnings: what the candidate should check (for example requirements they do not meet).\n\
     Write the resume and the reasons in the output language the request names; keep names \
     of people, companies, products and technologies as written. Follow the candidate's own instructions when they do not \
     conflict with these rules. {JSON_ONLY}"
    )
}

/// The generation gets plain text, not JSON (keys, quotes and escapes cost tokens on every
/// call and tell the model nothing), in the order it is sent: what stays the same when the
/// candidate asks for another version of the same job (the job, the candidate's profile,
/// the analysis) first, what changes (the output language, their instructions) last, so a
/// refine's prompt shares the longest prefix with the first run's for OpenAI's prompt
/// caching. Empty fields are left out.
pub fn generate(req: &GenerateRequest<'_>) -> (String, String) {
    let system = generate_system_prompt();
    let mut u = String::with_capacity(4096);
    job_text(&mut u, req.job);
    u.push_str("\nCANDIDATE PROFILE\n");
    profile_text(&mut u, req.resume);
    let a = &req.analysis;
    // What the generator acts on: the keywords the resume does not show (it must not
    // claim them). The gaps restate the requirements those keywords come from, and the
    // suggestions are advice to the candidate (add what you really did, take a course,
    // keep one column), which the generator can neither follow nor needs: its own rules
    // cover the layout.
    u.push_str(&format!("\nANALYSIS\nScore: {}/100\n", a.score));
    field(
        &mut u,
        "Missing keywords",
        &a.report.missing_keywords.join(", "),
    );
    u.push_str(&format!(
        "\nOutput language: {}\n",
        language_label(req.output_lang)
    ));
    if let Some(i) = req.custom_instructions.filter(|i| !i.trim().is_empty()) {
        u.push_str("\nCANDIDATE INSTRUCTIONS\n");
        u.push_str(i.trim());
        u.push('\n');
    }
    (system, u)
}

/// " (2019-03–present)", " (2015)", or nothing when no date is known.
fn when(start: &Option<String>, end: &Option<String>, current: bool) -> String {
    let end = if current {
        Some("present")
    } else {
        end.as_deref()
    };
    let dates: Vec<&str> = [start.as_deref(), end]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .collect();
    if dates.is_empty() {
        String::new()
    } else {
        format!(" ({})", dates.join("–"))
    }
}

/// `Label: value` on its own line, nothing when the value is empty.
fn field(out: &mut String, label: &str, value: &str) {
    let value = value.trim();
    if !value.is_empty() {
        out.push_str(label);
        out.push_str(": ");
        out.push_str(value);
        out.push('\n');
    }
}

/// `Label:` and one `- item` line per item, nothing when there are none.
fn bullets(out: &mut String, label: &str, items: &[String]) {
    let items: Vec<&str> = items
        .iter()
        .map(|i| i.trim())
        .filter(|i| !i.is_empty())
        .collect();
    if items.is_empty() {
        return;
    }
    out.push_str(label);
    out.push_str(":\n");
    for i in items {
        out.push_str("- ");
        out.push_str(i);
        out.push('\n');
    }
}

/// The parsed job as the generator reads it.
fn job_text(out: &mut String, job: &engine::ParsedJob) {
    out.push_str("JOB\n");
    field(out, "Title", job.title.as_deref().unwrap_or_default());
    field(out, "Company", job.company.as_deref().unwrap_or_default());
    field(
        out,
        "Seniority",
        job.seniority.as_deref().unwrap_or_default(),
    );
    bullets(out, "Must have", &job.must_have);
    bullets(out, "Nice to have", &job.nice_to_have);
    field(out, "Keywords", &job.keywords.join(", "));
}

/// Every fact of the candidate, without the raw section texts, as text: the contact,
/// each role with its dates and bullets, education, skills, languages, certifications,
/// then projects and other sections as written.
pub fn profile_text(out: &mut String, r: &ParsedResume) {
    let c = &r.contact;
    field(out, "Name", c.name.as_deref().unwrap_or_default());
    let contact: Vec<&str> = [
        c.email.as_deref(),
        c.phone.as_deref(),
        c.location.as_deref(),
    ]
    .into_iter()
    .flatten()
    .chain(c.links.iter().map(String::as_str))
    .map(str::trim)
    .filter(|s| !s.is_empty())
    .collect();
    field(out, "Contact", &contact.join(" | "));
    field(out, "Headline", r.headline.as_deref().unwrap_or_default());
    field(out, "Summary", r.summary.as_deref().unwrap_or_default());
    if !r.experience.is_empty() {
        out.push_str("Experience:\n");
        for x in &r.experience {
            let place = x
                .location
                .as_deref()
                .filter(|l| !l.trim().is_empty())
                .map(|l| format!(", {l}"))
                .unwrap_or_default();
            out.push_str(&format!(
                "- {}, {}{place}{}\n",
                x.title,
                x.company,
                when(&x.start, &x.end, x.current)
            ));
            for b in x.bullets.iter().map(|b| b.trim()).filter(|b| !b.is_empty()) {
                out.push_str("  - ");
                out.push_str(b);
                out.push('\n');
            }
        }
    }
    if !r.education.is_empty() {
        out.push_str("Education:\n");
        for e in &r.education {
            let subject = e
                .field
                .as_deref()
                .map(str::trim)
                .filter(|f| !f.is_empty() && !e.degree.contains(f))
                .map(|f| format!(" ({f})"))
                .unwrap_or_default();
            out.push_str(&format!(
                "- {}{subject}, {}{}\n",
                e.degree,
                e.institution,
                when(&e.start, &e.end, false)
            ));
        }
    }
    field(out, "Skills", &r.skills.join(", "));
    field(out, "Languages", &r.languages.join(", "));
    bullets(out, "Certifications", &r.certifications);
    // Projects, awards, publications...: only in the section texts.
    for s in r
        .sections
        .iter()
        .filter(|s| matches!(s.kind, SectionKind::Projects | SectionKind::Other))
        .filter(|s| !s.text.trim().is_empty())
    {
        out.push_str(&format!("{}:\n{}\n", s.heading.trim(), s.text.trim()));
    }
}

/// The CV plan's request, in the order it is sent (see [`generate`]).
#[derive(serde::Serialize)]
struct PlanInput<'a> {
    job: Value,
    cv_outline: Vec<Value>,
    output_language: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    candidate_instructions: Option<&'a str>,
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// `v` without nulls, `false`, empty strings, empty lists and empty objects: the model
/// learns nothing from them, and they cost tokens on every call.
pub fn pruned(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, pruned(v)))
                .filter(|(_, v)| !is_empty(v))
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(pruned)
                .filter(|v| !is_empty(v))
                .collect(),
        ),
        other => other,
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// The baseline retrieval replaces: both whole documents in the prompt
/// (used by the token benchmark in BENCHMARKS.md, never sent).
pub fn analyze_whole_documents(req: &AnalyzeRequest<'_>) -> (String, String) {
    let system = analyze(req).system;
    let user = json!({
        "output_language": language_label(req.output_lang),
        "job_posting": req.job_text,
        "resume": req.resume_text,
    })
    .to_string();
    (system, user)
}

/// See [`analyze_whole_documents`].
pub fn generate_whole_documents(req: &GenerateRequest<'_>, job_text: &str) -> (String, String) {
    let (system, _) = generate(req);
    let user = json!({
        "output_language": language_label(req.output_lang),
        "job_posting": job_text,
        "analysis": {
            "score": req.analysis.score,
            "missing_keywords": req.analysis.report.missing_keywords,
            "gaps": req.analysis.report.gaps,
            "suggestions": req.analysis.report.suggestions,
        },
        "resume": req.resume_text,
        "candidate_instructions": req.custom_instructions,
    })
    .to_string();
    (system, user)
}

/// The CV plan's system prompt: the same for every request (see [`language_label`]).
pub fn plan_cv_system_prompt() -> String {
    format!(
        "You tailor a structured CV to a job offer by planning edits, not by rewriting it. \
     Answer with an edit plan: a list of changes, each with an op, its target (one of the \
     paths in cv_outline), the new order (target paths) for reorder/select ops, the new text \
     for rephrase_bullet/write_summary/write_headline, the reason, and the job requirement it \
     serves (verbatim from the job, or null). Ops: reorder_sections (target \"sections\"), \
     reorder_entries (target \"experience\", \"education\" or \"projects\"), reorder_bullets and \
     select_bullets (target \"experience/N\"), rephrase_bullet (target \"experience/N/bullets/M\"), \
     write_summary, write_headline, order_skills (target \"skills\"), hide_item. {TRUTH} \
     Every edit is checked before it is applied: an edit that adds an employer, title, date, \
     degree, certification, number or skill the CV does not contain, hides contact details, \
     or names a target that does not exist is rejected. Write new text in the output language \
     the request names; keep names \
     of people, companies, products and technologies as written. Follow the candidate's \
     instructions only where the CV supports them. {JSON_ONLY}"
    )
}

/// GenerateApplication's plan: a typed edit plan over the structured CV, addressed by
/// the stable target paths the CV editor understands (listed in `cv_outline`).
pub fn plan_cv(req: &PlanRequest<'_>) -> (String, String) {
    let system = plan_cv_system_prompt();
    let outline: Vec<Value> = cv_outline(req.cv)
        .into_iter()
        .map(|(path, text)| json!({ "target": path, "text": text }))
        .collect();
    let user = to_json(&PlanInput {
        job: pruned(job_brief(req.job)),
        cv_outline: outline,
        output_language: language_label(req.output_lang),
        candidate_instructions: req.custom_instructions,
    });
    (system, user)
}

/// Every target the CV editor accepts, with what it holds now (the grammar is in
/// `engine::cv`): what the model plans against.
pub fn cv_outline(cv: &ParsedResume) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(h) = &cv.headline {
        out.push(("headline".to_string(), h.clone()));
    }
    if let Some(s) = &cv.summary {
        out.push(("summary".to_string(), s.clone()));
    }
    for (i, e) in cv.experience.iter().enumerate() {
        let dates = [e.start.as_deref(), e.end.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" – ");
        out.push((
            format!("experience/{i}"),
            format!("{} — {} ({dates})", e.title, e.company),
        ));
        for (j, b) in e.bullets.iter().enumerate() {
            out.push((format!("experience/{i}/bullets/{j}"), b.clone()));
        }
    }
    for (i, e) in cv.education.iter().enumerate() {
        out.push((
            format!("education/{i}"),
            format!("{} — {}", e.degree, e.institution),
        ));
    }
    for (list, items) in [
        ("skills", &cv.skills),
        ("certifications", &cv.certifications),
        ("languages", &cv.languages),
    ] {
        for (i, item) in items.iter().enumerate() {
            out.push((format!("{list}/{i}"), item.clone()));
        }
    }
    out
}

/// What to tell the model after an unusable answer.
pub fn repair(problem: &str) -> String {
    format!(
        "Your previous answer could not be used: {problem}. Answer again with the complete \
         JSON object only, matching the schema exactly, concise enough to finish, and with no \
         invented facts."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lines_about_the_requirements_are_sent() {
        let chunk = "Jane Doe\njane@example.com | +1 555 0100\n\nExperience\n- Built payment APIs in Rust\n- Organised the office party\n- Tuned PostgreSQL queries\n\nHobbies\nSailing";
        let terms = terms_of(&["Rust", "PostgreSQL performance"]);
        let got = relevant_lines(chunk, &terms);
        assert_eq!(
            got,
            "…\n- Built payment APIs in Rust\n…\n- Tuned PostgreSQL queries\n…"
        );
    }

    #[test]
    fn the_generation_gets_every_fact_as_text_and_the_instructions_last() {
        use engine::{Analysis, Contact, Education, Experience, ParsedJob, Report};
        let resume = ParsedResume {
            contact: Contact {
                name: Some("Jane Doe".into()),
                email: Some("jane@example.com".into()),
                ..Contact::default()
            },
            experience: vec![Experience {
                company: "Ledgerline".into(),
                title: "Backend Engineer".into(),
                start: Some("2020-01".into()),
                current: true,
                bullets: vec!["Built payment APIs in Rust".into()],
                ..Experience::default()
            }],
            education: vec![Education {
                institution: "Lakeshore Institute".into(),
                degree: "B.S. in Computer Science".into(),
                field: Some("Computer Science".into()),
                end: Some("2016".into()),
                ..Education::default()
            }],
            skills: vec!["Rust".into(), "PostgreSQL".into()],
            ..ParsedResume::default()
        };
        let job = ParsedJob {
            title: Some("Senior Rust Engineer".into()),
            must_have: vec!["Production Rust".into()],
            keywords: vec!["Rust".into(), "Kafka".into()],
            ..ParsedJob::default()
        };
        let analysis = Analysis {
            score: 60,
            report: Report {
                missing_keywords: vec!["Kafka".into()],
                suggestions: vec!["Consider a course in Kafka".into()],
                ..Report::default()
            },
        };
        let (_, user) = generate(&GenerateRequest {
            resume: &resume,
            resume_text: "",
            job: &job,
            analysis: &analysis,
            output_lang: "en",
            custom_instructions: Some("One page, please."),
            retrieved: &[],
        });
        for line in [
            "Title: Senior Rust Engineer",
            "- Production Rust",
            "Name: Jane Doe",
            "Contact: jane@example.com",
            "- Backend Engineer, Ledgerline (2020-01–present)",
            "  - Built payment APIs in Rust",
            "- B.S. in Computer Science, Lakeshore Institute (2016)",
            "Skills: Rust, PostgreSQL",
            "Missing keywords: Kafka",
            "Output language: English, en",
        ] {
            assert!(user.lines().any(|l| l == line), "{line:?} in:\n{user}");
        }
        // Advice to the candidate and empty fields are not sent; JSON is not either.
        assert!(!user.contains("course") && !user.contains("Headline") && !user.contains('{'));
        assert!(
            user.ends_with("CANDIDATE INSTRUCTIONS\nOne page, please.\n"),
            "{user}"
        );
    }

    #[test]
    fn a_chunk_without_a_shared_word_is_sent_from_its_start() {
        let terms = terms_of(&["Kubernetes"]);
        assert_eq!(
            relevant_lines("Led the data team", &terms),
            "Led the data team"
        );
    }
}
