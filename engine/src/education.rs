//! Education entries: degree as written, field, institution and dates.

use std::sync::LazyLock;

use regex::Regex;

use crate::dates::find_date_range;
use crate::dict::INSTITUTION_WORDS;
use crate::fold::ascii_digits;
use crate::resume_entries::{entry_drafts, split_header};
use crate::textutil::any_word_in;
use crate::types::Education;

static DEGREE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:high school diploma|bachelor(?:'s)?(?: degree)?(?: of (?:science|arts|engineering|business administration|commerce|technology|laws))?|master(?:'s)?(?: degree)?(?: of (?:science|arts|engineering|business administration|laws))?|associate(?:'s)?(?: degree)?(?: of (?:science|arts|applied science))?|doctor(?:ate)?(?: of philosophy)?|diploma|mba|ph\.?\s?d\.?|b\.?\s?s\.?c?\.?|b\.?\s?a\.?|b\.?\s?eng\.?|b\.?\s?tech\.?|b\.?\s?b\.?\s?a\.?|b\.?\s?com\.?|ll\.?\s?b\.?|ll\.?\s?m\.?|m\.?\s?s\.?c?\.?|m\.?\s?a\.?|m\.?\s?eng\.?|bsn|adn|بكالوريوس|ليسانس|ماجستير|دكتوراه|دبلوم)",
    )
    .expect("static regex")
});

/// Byte length of a degree designation at the start of `s` ("B.S.", "Bachelor of Science").
pub(crate) fn degree_prefix(s: &str) -> Option<usize> {
    let m = DEGREE_RE.find(s)?;
    let next = s[m.end()..].chars().next();
    let ok = next.is_none_or(|c| !c.is_alphanumeric()) || s[..m.end()].ends_with('.');
    ok.then_some(m.end())
}

/// Subject of a degree line ("B.S. in Computer Science" → "Computer Science").
fn degree_field(degree: &str) -> Option<String> {
    let end = degree_prefix(degree)?;
    let mut rest = degree[end..].trim();
    for p in ["in ", "of ", "في ", "- ", "– ", ": ", ", ", "،"] {
        if let Some(r) = rest.strip_prefix(p) {
            rest = r.trim();
            break;
        }
    }
    let rest = rest.trim_matches(|c: char| c.is_whitespace() || c == ',' || c == '،');
    (!rest.is_empty()).then(|| rest.to_string())
}

/// Parse the lines of an education section.
pub(crate) fn parse_education(lines: &[&str]) -> Vec<Education> {
    let mut out = Vec::new();
    for d in entry_drafts(lines) {
        let mut parts: Vec<String> = Vec::new();
        for h in &d.heads {
            parts.extend(split_header(h).0);
        }
        let inst_i = parts.iter().position(|p| any_word_in(p, INSTITUTION_WORDS));
        let deg_i = parts
            .iter()
            .enumerate()
            .position(|(i, p)| Some(i) != inst_i && degree_prefix(p).is_some())
            .or_else(|| (0..parts.len()).find(|&i| Some(i) != inst_i));
        let institution = inst_i.map(|i| parts[i].clone()).unwrap_or_default();
        let degree = deg_i.map(|i| parts[i].clone()).unwrap_or_default();
        if institution.is_empty() && degree.is_empty() {
            continue;
        }
        let date = d.date.clone().or_else(|| {
            d.heads
                .iter()
                .find_map(|h| find_date_range(&ascii_digits(h)))
        });
        let (start, end) = match date {
            Some(dr) if dr.single => (None, dr.start),
            Some(dr) => (dr.start, dr.end),
            None => (None, None),
        };
        // "B.S." on one line and "Institute, Computer Science" on the next (PDF layouts)
        let leftover = (0..parts.len())
            .find(|&i| Some(i) != inst_i && Some(i) != deg_i && !parts[i].contains([',', '،']))
            .map(|i| parts[i].clone());
        let field = degree_field(&degree).or(leftover);
        out.push(Education {
            field,
            institution,
            degree,
            start,
            end,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_compile() {
        assert!(DEGREE_RE.is_match("B.S."));
    }

    #[test]
    fn degrees() {
        assert_eq!(
            degree_field("B.S. in Computer Science").as_deref(),
            Some("Computer Science")
        );
        assert_eq!(
            degree_field("Bachelor of Science in Nursing").as_deref(),
            Some("Nursing")
        );
        assert_eq!(
            degree_field("بكالوريوس في المحاسبة").as_deref(),
            Some("المحاسبة")
        );
        assert_eq!(
            degree_field("بكالوريوس هندسة الحاسوب").as_deref(),
            Some("هندسة الحاسوب")
        );
        assert!(degree_prefix("Basketball coach").is_none());
    }
}
