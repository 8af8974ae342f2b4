//! The structured CV a client may send inline (`base_cv` of `POST /applications`):
//! the same shape as a parsed resume's `parsed_json` (`engine::ParsedResume`,
//! `schemas/parsed_resume.schema.json`), field for field, so the worker reads
//! either into the same type. Here it gets the API's side: an OpenAPI schema
//! with its bounds, and a check that names each bad field by its path.
//!
//! What is stored is the CV as re-serialised from these types (every field
//! present, `lang` filled in), never the client's raw JSON: whatever the
//! client omitted has its default, so it deserialises into `ParsedResume`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Longest single-line field (name, company, title, degree, a skill, ...).
pub const MAX_SHORT_CHARS: usize = 300;
/// Longest summary.
pub const MAX_SUMMARY_CHARS: usize = 5_000;
/// Longest bullet.
pub const MAX_BULLET_CHARS: usize = 1_000;
/// Longest free text of a section.
pub const MAX_SECTION_TEXT_CHARS: usize = 20_000;
pub const MAX_EXPERIENCE: usize = 50;
pub const MAX_EDUCATION: usize = 30;
pub const MAX_BULLETS: usize = 40;
pub const MAX_SKILLS: usize = 200;
pub const MAX_LIST: usize = 100;
pub const MAX_LINKS: usize = 20;
pub const MAX_SECTIONS: usize = 40;

/// A string with no NUL (Postgres cannot store U+0000).
pub const NO_NUL: &str = r"^[^\u0000]*$";
/// A string with a non-space character and no NUL.
pub const NON_BLANK: &str = r"^[^\u0000]*[^\s\u0000][^\u0000]*$";
/// `YYYY` or `YYYY-MM`.
pub const DATE: &str = r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$";
/// Something with an `@` in it.
pub const EMAIL: &str = r"^[^\u0000]*@[^\u0000]*$";

/// Contact details from the top of the CV.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CvContact {
    #[schema(max_length = 300, pattern = r"^[^\u0000]*$")]
    pub name: Option<String>,
    /// Must contain `@`.
    #[schema(max_length = 300, pattern = r"^[^\u0000]*@[^\u0000]*$")]
    pub email: Option<String>,
    #[schema(max_length = 300, pattern = r"^[^\u0000]*$")]
    pub phone: Option<String>,
    #[schema(max_length = 300, pattern = r"^[^\u0000]*$")]
    pub location: Option<String>,
    #[serde(default)]
    #[schema(schema_with = links_schema)]
    pub links: Vec<String>,
}

/// One role. Dates are `YYYY` or `YYYY-MM`; a current role has no `end`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CvExperience {
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\u0000]*[^\s\u0000][^\u0000]*$"
    )]
    pub company: String,
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\u0000]*[^\s\u0000][^\u0000]*$"
    )]
    pub title: String,
    #[schema(max_length = 300, pattern = r"^[^\u0000]*$")]
    pub location: Option<String>,
    #[schema(pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$", example = "2021-03")]
    pub start: Option<String>,
    /// Null when the role is current or the end is unknown.
    #[schema(pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$", example = "2024")]
    pub end: Option<String>,
    #[serde(default)]
    pub current: bool,
    #[serde(default)]
    #[schema(schema_with = bullets_schema)]
    pub bullets: Vec<String>,
}

/// One education entry: `degree` as written, `field` the subject when separate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CvEducation {
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\u0000]*[^\s\u0000][^\u0000]*$"
    )]
    pub institution: String,
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\u0000]*[^\s\u0000][^\u0000]*$"
    )]
    pub degree: String,
    #[schema(max_length = 300, pattern = r"^[^\u0000]*$")]
    pub field: Option<String>,
    #[schema(pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$")]
    pub start: Option<String>,
    #[schema(pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$")]
    pub end: Option<String>,
}

/// What a section holds (as `engine::SectionKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CvSectionKind {
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

/// A section as written: its heading and its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CvSection {
    #[schema(max_length = 300, pattern = r"^[^\u0000]*$")]
    pub heading: String,
    pub kind: CvSectionKind,
    #[schema(max_length = 20000, pattern = r"^[^\u0000]*$")]
    pub text: String,
}

/// An array of at most `max_items` non-blank strings of at most `max_chars`.
fn text_list(max_items: usize, max_chars: usize) -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(max_chars))
                .pattern(Some(NON_BLANK)),
        )
        .max_items(Some(max_items))
        .build()
}

fn links_schema() -> utoipa::openapi::schema::Array {
    text_list(MAX_LINKS, MAX_SHORT_CHARS)
}
fn bullets_schema() -> utoipa::openapi::schema::Array {
    text_list(MAX_BULLETS, MAX_BULLET_CHARS)
}
fn skills_schema() -> utoipa::openapi::schema::Array {
    text_list(MAX_SKILLS, MAX_SHORT_CHARS)
}
fn list_schema() -> utoipa::openapi::schema::Array {
    text_list(MAX_LIST, MAX_SHORT_CHARS)
}

/// A structured CV: the shape of a parsed resume's `parsed_json`
/// (`/schemas/parsed_resume.json`). `lang` is detected from the text when
/// omitted. It needs a name, or at least one role, education entry or skill.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StructuredCv {
    /// `en` or `ar`; detected from the CV's text when omitted.
    #[schema(value_type = Option<crate::domain::Lang>)]
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub contact: CvContact,
    #[schema(max_length = 300, pattern = r"^[^\u0000]*$")]
    pub headline: Option<String>,
    #[schema(max_length = 5000, pattern = r"^[^\u0000]*$")]
    pub summary: Option<String>,
    #[serde(default)]
    #[schema(max_items = 50)]
    pub experience: Vec<CvExperience>,
    #[serde(default)]
    #[schema(max_items = 30)]
    pub education: Vec<CvEducation>,
    #[serde(default)]
    #[schema(schema_with = skills_schema)]
    pub skills: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = list_schema)]
    pub languages: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = list_schema)]
    pub certifications: Vec<String>,
    #[serde(default)]
    #[schema(max_items = 40)]
    pub sections: Vec<CvSection>,
}

/// One bad field: its path inside the CV (`experience[0].start`) and the problem.
pub type FieldProblem = (String, String);

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let year = b.len() >= 4 && b[..4].iter().all(u8::is_ascii_digit);
    match b.len() {
        4 => year,
        7 => {
            year && b[4] == b'-'
                && matches!(
                    &s[5..7],
                    "01" | "02"
                        | "03"
                        | "04"
                        | "05"
                        | "06"
                        | "07"
                        | "08"
                        | "09"
                        | "10"
                        | "11"
                        | "12"
                )
        }
        _ => false,
    }
}

struct Check(Vec<FieldProblem>);

impl Check {
    fn add(&mut self, path: impl Into<String>, problem: impl Into<String>) {
        self.0.push((path.into(), problem.into()));
    }

    fn text(&mut self, path: &str, v: &str, max: usize, required: bool) {
        if v.contains('\0') {
            self.add(path, "must not contain NUL (U+0000) characters");
        } else if required && v.trim().is_empty() {
            self.add(path, "must not be empty");
        } else if chars(v) > max {
            self.add(path, format!("must be at most {max} characters"));
        }
    }

    fn opt(&mut self, path: &str, v: &Option<String>, max: usize) {
        if let Some(v) = v {
            self.text(path, v, max, false);
        }
    }

    fn date(&mut self, path: &str, v: &Option<String>) {
        if let Some(d) = v
            && !is_date(d)
        {
            self.add(path, "must be \"YYYY\" or \"YYYY-MM\"");
        }
    }

    fn list<T>(&mut self, path: &str, items: &[T], max: usize) -> bool {
        if items.len() > max {
            self.add(path, format!("must have at most {max} entries"));
            false
        } else {
            true
        }
    }

    fn entries(&mut self, path: &str, items: &[String], max_items: usize) {
        if self.list(path, items, max_items) {
            for (i, s) in items.iter().enumerate() {
                self.text(&format!("{path}[{i}]"), s, MAX_SHORT_CHARS, true);
            }
        }
    }
}

impl StructuredCv {
    /// Every problem, each with the path of its field; empty when the CV is fine.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut c = Check(Vec::new());
        if let Some(l) = &self.lang
            && l.parse::<crate::domain::Lang>().is_err()
        {
            c.add("lang", "must be one of: en, ar");
        }
        let k = &self.contact;
        c.opt("contact.name", &k.name, MAX_SHORT_CHARS);
        c.opt("contact.email", &k.email, MAX_SHORT_CHARS);
        if let Some(e) = &k.email
            && !e.contains('@')
        {
            c.add("contact.email", "must be an e-mail address");
        }
        c.opt("contact.phone", &k.phone, MAX_SHORT_CHARS);
        c.opt("contact.location", &k.location, MAX_SHORT_CHARS);
        c.entries("contact.links", &k.links, MAX_LINKS);
        c.opt("headline", &self.headline, MAX_SHORT_CHARS);
        c.opt("summary", &self.summary, MAX_SUMMARY_CHARS);
        if c.list("experience", &self.experience, MAX_EXPERIENCE) {
            for (i, x) in self.experience.iter().enumerate() {
                let p = |f: &str| format!("experience[{i}].{f}");
                c.text(&p("company"), &x.company, MAX_SHORT_CHARS, true);
                c.text(&p("title"), &x.title, MAX_SHORT_CHARS, true);
                c.opt(&p("location"), &x.location, MAX_SHORT_CHARS);
                c.date(&p("start"), &x.start);
                c.date(&p("end"), &x.end);
                if x.current && x.end.is_some() {
                    c.add(p("end"), "must be null for a current role");
                }
                if c.list(&p("bullets"), &x.bullets, MAX_BULLETS) {
                    for (j, b) in x.bullets.iter().enumerate() {
                        c.text(&format!("{}[{j}]", p("bullets")), b, MAX_BULLET_CHARS, true);
                    }
                }
            }
        }
        if c.list("education", &self.education, MAX_EDUCATION) {
            for (i, x) in self.education.iter().enumerate() {
                let p = |f: &str| format!("education[{i}].{f}");
                c.text(&p("institution"), &x.institution, MAX_SHORT_CHARS, true);
                c.text(&p("degree"), &x.degree, MAX_SHORT_CHARS, true);
                c.opt(&p("field"), &x.field, MAX_SHORT_CHARS);
                c.date(&p("start"), &x.start);
                c.date(&p("end"), &x.end);
            }
        }
        c.entries("skills", &self.skills, MAX_SKILLS);
        c.entries("languages", &self.languages, MAX_LIST);
        c.entries("certifications", &self.certifications, MAX_LIST);
        if c.list("sections", &self.sections, MAX_SECTIONS) {
            for (i, s) in self.sections.iter().enumerate() {
                c.text(
                    &format!("sections[{i}].heading"),
                    &s.heading,
                    MAX_SHORT_CHARS,
                    false,
                );
                c.text(
                    &format!("sections[{i}].text"),
                    &s.text,
                    MAX_SECTION_TEXT_CHARS,
                    false,
                );
            }
        }
        let has_name = k.name.as_deref().is_some_and(|n| !n.trim().is_empty());
        if !has_name
            && self.experience.is_empty()
            && self.education.is_empty()
            && self.skills.is_empty()
        {
            c.add(
                "contact.name",
                "the CV needs a name, or at least one experience, education or skill entry",
            );
        }
        c.0
    }

    /// All the CV's words, for language detection.
    pub fn text(&self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        let k = &self.contact;
        parts.extend(k.name.as_deref());
        parts.extend(self.headline.as_deref());
        parts.extend(self.summary.as_deref());
        for x in &self.experience {
            parts.push(&x.company);
            parts.push(&x.title);
            parts.extend(x.bullets.iter().map(String::as_str));
        }
        for x in &self.education {
            parts.push(&x.institution);
            parts.push(&x.degree);
        }
        parts.extend(self.skills.iter().map(String::as_str));
        parts.join("\n")
    }

    /// The CV as stored: `lang` filled in (declared, else detected).
    pub fn normalized(mut self) -> Self {
        if self.lang.is_none() {
            self.lang = Some(text::lang::detect_lang(&self.text()).as_str().to_string());
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(v: serde_json::Value) -> Vec<String> {
        let cv: StructuredCv = serde_json::from_value(v).unwrap();
        cv.problems().into_iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn a_minimal_cv_is_fine_and_gets_a_language() {
        let cv: StructuredCv =
            serde_json::from_value(serde_json::json!({"contact": {"name": "Jane Doe"}})).unwrap();
        assert!(cv.problems().is_empty());
        let stored = serde_json::to_value(cv.normalized()).unwrap();
        assert_eq!(stored["lang"], "en");
        assert_eq!(stored["experience"], serde_json::json!([]));
        assert_eq!(stored["contact"]["links"], serde_json::json!([]));
    }

    #[test]
    fn problems_name_their_fields() {
        let got = fields(serde_json::json!({
            "lang": "fr",
            "experience": [{"company": " ", "title": "Dev", "start": "2021-13", "end": "2020", "current": true}],
            "education": [{"institution": "MIT", "degree": ""}],
            "skills": ["Rust", ""]
        }));
        for f in [
            "lang",
            "experience[0].company",
            "experience[0].start",
            "experience[0].end",
            "education[0].degree",
            "skills[1]",
        ] {
            assert!(got.contains(&f.to_string()), "{f} not in {got:?}");
        }
        assert_eq!(fields(serde_json::json!({})), vec!["contact.name"]);
    }

    #[test]
    fn dates_are_ascii_year_or_year_month() {
        for ok in ["2021", "2021-01", "1999-12"] {
            assert!(is_date(ok), "{ok}");
        }
        for bad in ["21", "2021-1", "2021-00", "٢٠٢١", "2021/01", "2021-01-01"] {
            assert!(!is_date(bad), "{bad}");
        }
    }
}
