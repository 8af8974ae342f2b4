//! Section headings as a reader sees them: letter-spaced PDF headings, Markdown
//! decoration, case, "&", hyphens and trailing colons do not change what a heading
//! means. Used by the resume parser, the contact parser and the job parser.

use crate::dict::RESUME_HEADINGS;
use crate::fold::{collapse_whitespace, fold};
use crate::textutil::strip_md;
use crate::types::SectionKind;

/// "E X P E R I E N C E" / "W O R K  H I S T O R Y" (letter-spaced PDF headings) → words.
pub(crate) fn unspace(s: &str) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.len() >= 4 && words.iter().all(|w| w.chars().count() == 1) {
        s.split("  ")
            .map(|w| w.split_whitespace().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        s.to_string()
    }
}

/// Normalised heading text for lookups: folded, "&" → "and", hyphens → spaces, no
/// parenthetical, no trailing colon.
pub(crate) fn heading_key(s: &str) -> String {
    let mut t = fold(&unspace(&strip_md(s)));
    if let Some(p) = t.find('(') {
        t.truncate(p);
    }
    let t = t
        .replace('&', " and ")
        .replace(['-', '–', '/'], " ")
        .replace(['’', '`'], "'");
    collapse_whitespace(t.trim().trim_end_matches([':', '：', '.', '!']))
}

/// The resume section kind a heading names, if it is one we know.
pub(crate) fn known_heading(s: &str) -> Option<SectionKind> {
    let key = heading_key(s);
    if key.is_empty() {
        return None;
    }
    RESUME_HEADINGS
        .iter()
        .find(|(_, names)| names.iter().any(|n| fold(n) == key))
        .map(|(kind, _)| kind_from_name(kind))
}

fn kind_from_name(name: &str) -> SectionKind {
    match name {
        "summary" => SectionKind::Summary,
        "experience" => SectionKind::Experience,
        "education" => SectionKind::Education,
        "skills" => SectionKind::Skills,
        "languages" => SectionKind::Languages,
        "certifications" => SectionKind::Certifications,
        "projects" => SectionKind::Projects,
        "contact" => SectionKind::Contact,
        _ => SectionKind::Other,
    }
}
