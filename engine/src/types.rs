//! Data types shared by the parsers, the analysis and the generator (serde + JSON Schema).

use std::sync::LazyLock;

use regex::Regex;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Contact details from the top of a resume.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub location: Option<String>,
    #[serde(default)]
    pub links: Vec<String>,
}

/// One role in the work-experience section. Dates are "YYYY-MM" or "YYYY".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Experience {
    pub company: String,
    pub title: String,
    pub location: Option<String>,
    #[schemars(pattern(r"^\d{4}(-(0[1-9]|1[0-2]))?$"))]
    pub start: Option<String>,
    /// `None` when the role is current (see `current`) or the end is unknown.
    #[schemars(pattern(r"^\d{4}(-(0[1-9]|1[0-2]))?$"))]
    pub end: Option<String>,
    #[serde(default)]
    pub current: bool,
    #[serde(default)]
    pub bullets: Vec<String>,
}

/// One education entry. `degree` is the degree as written ("B.S. in Computer Science");
/// `field` the subject when it could be separated ("Computer Science").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Education {
    pub institution: String,
    pub degree: String,
    pub field: Option<String>,
    #[schemars(pattern(r"^\d{4}(-(0[1-9]|1[0-2]))?$"))]
    pub start: Option<String>,
    #[schemars(pattern(r"^\d{4}(-(0[1-9]|1[0-2]))?$"))]
    pub end: Option<String>,
}

/// What a resume section holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    Contact,
    Summary,
    Experience,
    Education,
    Skills,
    Languages,
    Certifications,
    Projects,
    Other,
}

/// A section as found in the resume: its heading as written and its raw text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Section {
    pub heading: String,
    pub kind: SectionKind,
    pub text: String,
}

/// A resume parsed into structure. `lang` is "en" or "ar".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ParsedResume {
    #[schemars(pattern(r"^(en|ar)$"))]
    pub lang: String,
    pub contact: Contact,
    pub headline: Option<String>,
    pub summary: Option<String>,
    pub experience: Vec<Experience>,
    pub education: Vec<Education>,
    pub skills: Vec<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub certifications: Vec<String>,
    #[serde(default)]
    pub sections: Vec<Section>,
}

/// A job description parsed into structure.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ParsedJob {
    pub title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub seniority: Option<String>,
    pub language: String,
    pub responsibilities: Vec<String>,
    pub must_have: Vec<String>,
    pub nice_to_have: Vec<String>,
    pub keywords: Vec<String>,
}

/// A verbatim quote from the resume supporting a requirement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Evidence {
    pub chunk_id: String,
    pub quote: String,
    pub score: f32,
}

/// Whether one job requirement is met, with evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RequirementCheck {
    pub requirement: String,
    pub met: bool,
    pub evidence: Vec<Evidence>,
}

/// The match report shown to the user (`result.report` in the API).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    pub summary: String,
    pub matched_keywords: Vec<String>,
    pub missing_keywords: Vec<String>,
    pub strengths: Vec<String>,
    pub gaps: Vec<String>,
    pub suggestions: Vec<String>,
    pub requirements: Vec<RequirementCheck>,
    pub warnings: Vec<String>,
}

/// One change the generator made to the resume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ChangeLogEntry {
    pub section: String,
    pub before: String,
    pub after: String,
    pub reason: String,
}

/// Match score (0..=100) and report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Analysis {
    pub score: u8,
    pub report: Report,
}

/// The optimised resume.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Optimized {
    pub markdown: String,
    pub change_log: Vec<ChangeLogEntry>,
    pub warnings: Vec<String>,
}

/// A resume chunk returned by vector search for one requirement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RetrievedChunk {
    pub chunk_id: String,
    pub text: String,
    pub score: f32,
}

/// JSON Schema of [`ParsedResume`] (committed as `schemas/parsed_resume.schema.json`).
pub fn parsed_resume_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(ParsedResume)).unwrap_or(serde_json::Value::Null)
}

/// The schema as pretty JSON with a trailing newline, exactly as committed.
pub fn parsed_resume_schema_json() -> String {
    let mut s = serde_json::to_string_pretty(&parsed_resume_schema()).unwrap_or_default();
    s.push('\n');
    s
}

static DATE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{4}(-(0[1-9]|1[0-2]))?$").expect("static regex"));

fn check_date(path: &str, d: &Option<String>, errs: &mut Vec<String>) {
    if let Some(d) = d
        && !DATE_RE.is_match(d)
    {
        errs.push(format!(
            "{path}: expected \"YYYY\" or \"YYYY-MM\", got {d:?}"
        ));
    }
}

/// Validate `parsed_json` from an external parser (n8n): it must deserialize as a
/// [`ParsedResume`] and pass the shape checks (language code, date formats, non-empty
/// role/education entries). Returns every problem found, joined by "; ".
pub fn validate_parsed_resume(v: &serde_json::Value) -> Result<ParsedResume, String> {
    if !v.is_object() {
        return Err("parsed resume must be a JSON object".into());
    }
    let p: ParsedResume =
        serde_json::from_value(v.clone()).map_err(|e| format!("invalid parsed resume: {e}"))?;
    let mut errs = Vec::new();
    if p.lang != "en" && p.lang != "ar" {
        errs.push(format!("lang: expected \"en\" or \"ar\", got {:?}", p.lang));
    }
    if let Some(e) = &p.contact.email
        && !e.contains('@')
    {
        errs.push(format!("contact.email: not an e-mail address: {e:?}"));
    }
    for (i, x) in p.experience.iter().enumerate() {
        if x.company.trim().is_empty() && x.title.trim().is_empty() {
            errs.push(format!("experience[{i}]: company and title are both empty"));
        }
        check_date(&format!("experience[{i}].start"), &x.start, &mut errs);
        check_date(&format!("experience[{i}].end"), &x.end, &mut errs);
        if x.current && x.end.is_some() {
            errs.push(format!(
                "experience[{i}]: current role must not have an end date"
            ));
        }
    }
    for (i, x) in p.education.iter().enumerate() {
        if x.institution.trim().is_empty() && x.degree.trim().is_empty() {
            errs.push(format!(
                "education[{i}]: institution and degree are both empty"
            ));
        }
        check_date(&format!("education[{i}].start"), &x.start, &mut errs);
        check_date(&format!("education[{i}].end"), &x.end, &mut errs);
    }
    if p.skills.iter().any(|s| s.trim().is_empty()) {
        errs.push("skills: empty entry".into());
    }
    if errs.is_empty() {
        Ok(p)
    } else {
        Err(errs.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_compile() {
        assert!(DATE_RE.is_match("2021-01") && DATE_RE.is_match("2021"));
        assert!(!DATE_RE.is_match("2021-13") && !DATE_RE.is_match("01/2021"));
    }

    #[test]
    fn schema_has_patterns() {
        let s = parsed_resume_schema_json();
        assert!(s.contains("^(en|ar)$") && s.contains("0[1-9]|1[0-2]"));
    }
}
