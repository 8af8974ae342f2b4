//! The CV-generation core: a typed edit plan over the structured CV, the offline planner,
//! the editor that validates and applies a plan, an independent truthfulness check and a
//! short cover letter. Pure and deterministic: no I/O, no clock, no randomness.
//!
//! # Target paths
//!
//! Every [`PlannedChange`] names its target with a path into the **source** CV. Indices are
//! 0-based positions in the source [`ParsedResume`] and stay valid while a plan is applied
//! (a reorder never renumbers), so a plan can be read and checked against the CV it was made
//! for.
//!
//! ```text
//! target   = "sections"                         the section order
//!          | "headline" | "summary"
//!          | "experience" | "education" | "skills" | "certifications" | "languages"
//!          | "projects" | "other"                whole sections
//!          | "experience/" I                     one role
//!          | "experience/" I "/bullets"          the bullets of one role (same as "experience/" I
//!                                                for bullet ops)
//!          | "experience/" I "/bullets/" J       one bullet
//!          | "education/" I | "skills/" I | "certifications/" I | "languages/" I
//!          | "contact" | "contact/" FIELD        never editable; named only to be rejected
//! I, J     = decimal index into the source list
//! ```
//!
//! `order` lists ids inside the target: the full path (`"experience/0/bullets/2"`) or just
//! the index (`"2"`); for `skills` also the skill exactly as written; for `sections` the
//! section names (`"summary"`, `"experience"`, `"skills"`, `"education"`, `"certifications"`,
//! `"languages"`, `"projects"`, `"other"`). For reorders the list may be a subset: the ids
//! not named keep their relative order after the named ones (nothing disappears by being
//! left out). For `select_bullets` the list is the bullets to keep, in order.
//!
//! | op | target | uses |
//! |---|---|---|
//! | `reorder_sections` | `sections` | `order` |
//! | `reorder_entries` | `experience`, `education`, `certifications`, `languages`, `skills` | `order` |
//! | `reorder_bullets` | `experience/I` or `experience/I/bullets` | `order` |
//! | `select_bullets` | `experience/I` or `experience/I/bullets` | `order` (bullets kept) |
//! | `rephrase_bullet` | `experience/I/bullets/J` | `text` |
//! | `write_summary` | `summary` | `text` |
//! | `write_headline` | `headline` | `text` |
//! | `order_skills` | `skills` | `order` |
//! | `hide_item` | an item path, `summary`, `headline` or a section other than `experience` | — |

//!
//! # Truthfulness
//!
//! [`apply`] checks every new text (bullet, summary, headline) with the markdown verifier
//! against the whole source CV (employers, titles, capitalised names, years, degrees,
//! certifications, dictionary skills, Arabic organisation names) plus a stricter number rule
//! ("40%" needs a "40%", counts such as "five" need a "five"); a rephrased bullet must also
//! keep to its own role (its numbers and skills appear in that role). Contact details are
//! never changed or hidden and at least one role stays visible.
//!
//! [`untraceable_facts`] is the independent last gate: it collects facts from the source and
//! the tailored CV and diffs them (structured entries must be source entries; free text may
//! hold no number, skill, acronym, proper name, degree or organisation the source lacks).
//! The randomised test in `engine/tests/cv_engine/random_plans.rs` keeps the two in step.

mod apply;
mod facts;
mod instructions;
mod letter;
mod plan;
mod relevance;
mod work;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::types::{ParsedResume, SectionKind};

pub use apply::apply;
pub use facts::{cover_letter_untraceable, untraceable_facts};
pub use letter::cover_letter;
pub use plan::plan;

/// A tailoring plan: changes applied in order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EditPlan {
    pub changes: Vec<PlannedChange>,
}

/// One change to the structured CV.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PlannedChange {
    pub op: EditOp,
    /// Path of the target in the source CV: "sections", "summary", "headline", "skills",
    /// "experience", "experience/0", "experience/0/bullets/2", "education/1",
    /// "certifications/0", "languages/1", "projects", … (see the module documentation).
    pub target: String,
    /// For reorder/select ops: the new order as target paths or indices (for skills also the
    /// skill as written; for sections the section names); empty otherwise.
    #[serde(default)]
    pub order: Vec<String>,
    /// The new value for rephrase/write ops; `None` otherwise.
    #[serde(default)]
    pub text: Option<String>,
    /// Why, tied to a job requirement.
    pub reason: String,
    /// The job requirement this serves, verbatim from the job, when there is one.
    #[serde(default)]
    pub requirement: Option<String>,
}

/// The closed set of CV edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EditOp {
    ReorderSections,
    ReorderEntries,
    ReorderBullets,
    SelectBullets,
    RephraseBullet,
    WriteSummary,
    WriteHeadline,
    OrderSkills,
    HideItem,
}

/// The tailored structured CV (stored as `cvs.source_json` and rendered).
///
/// `resume` holds only what is shown, in display order: hidden entries, bullets and
/// sections are gone. `resume.sections` keeps only the raw `projects`/`other` sections (the
/// structured fields carry the rest). `resume.lang` stays the source CV's language.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TailoredCv {
    #[serde(flatten)]
    pub resume: ParsedResume,
    /// Body sections in rendering order; the contact header always comes first and is not
    /// listed.
    pub section_order: Vec<SectionKind>,
}

/// What the editor did with a plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EditReport {
    pub applied: Vec<PlannedChange>,
    pub rejected: Vec<RejectedChange>,
    /// Requests the source CV cannot support (filled by [`tailor`], or by the caller from
    /// [`plan`]'s gaps).
    pub gaps: Vec<String>,
    /// What the reader should know about how this version was made (e.g. the cloud
    /// model could not be used and the offline engine planned it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A change the editor refused, with a readable reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RejectedChange {
    pub change: PlannedChange,
    pub reason: String,
}

/// A short cover letter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CoverLetterText {
    pub greeting: String,
    pub paragraphs: Vec<String>,
    pub closing: String,
    /// The person's name.
    pub signature: String,
}

/// The whole offline tailoring step: [`plan`] then [`apply`], with the plan's gaps in the
/// report. Returns the plan too (stored as `planned_changes`).
pub fn tailor(
    cv: &ParsedResume,
    job: &crate::types::ParsedJob,
    lang: &str,
    instructions: Option<&str>,
) -> (EditPlan, TailoredCv, EditReport) {
    let (p, gaps) = plan(cv, job, lang, instructions);
    let (t, mut report) = apply(cv, &p);
    report.gaps = gaps;
    (p, t, report)
}

/// JSON Schema of [`EditPlan`] (for structured model output).
pub fn edit_plan_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(EditPlan)).unwrap_or(serde_json::Value::Null)
}

/// JSON Schema of [`TailoredCv`] (committed as `schemas/tailored_cv.schema.json`).
pub fn tailored_cv_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(TailoredCv)).unwrap_or(serde_json::Value::Null)
}

/// [`tailored_cv_schema`] as pretty JSON with a trailing newline, exactly as committed.
pub fn tailored_cv_schema_json() -> String {
    let mut s = serde_json::to_string_pretty(&tailored_cv_schema()).unwrap_or_default();
    s.push('\n');
    s
}

/// All text of a CV, one string per line, for the truthfulness checks.
pub(crate) fn source_text(cv: &ParsedResume) -> String {
    let mut v: Vec<&str> = Vec::new();
    let c = &cv.contact;
    v.extend(
        [&c.name, &c.email, &c.phone, &c.location]
            .into_iter()
            .flatten()
            .map(String::as_str),
    );
    v.extend(c.links.iter().map(String::as_str));
    v.extend(cv.headline.as_deref());
    v.extend(cv.summary.as_deref());
    for e in &cv.experience {
        v.push(&e.company);
        v.push(&e.title);
        v.extend(e.location.as_deref());
        v.extend(e.start.as_deref());
        v.extend(e.end.as_deref());
        v.extend(e.bullets.iter().map(String::as_str));
    }
    for e in &cv.education {
        v.push(&e.institution);
        v.push(&e.degree);
        v.extend(e.field.as_deref());
        v.extend(e.start.as_deref());
        v.extend(e.end.as_deref());
    }
    v.extend(cv.skills.iter().map(String::as_str));
    v.extend(cv.languages.iter().map(String::as_str));
    v.extend(cv.certifications.iter().map(String::as_str));
    // the raw section texts are the person's own words too (the parser may not have
    // structured every line)
    v.extend(cv.sections.iter().map(|s| s.text.as_str()));
    v.join("\n")
}

#[cfg(test)]
mod tests;
