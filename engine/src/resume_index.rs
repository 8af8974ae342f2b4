//! The resume prepared for matching: sentence-sized passages ("units") of the original
//! text with their tokens, years of experience and degree level.

use std::sync::LazyLock;

use regex::Regex;

use crate::education::degree_prefix;
use crate::fold::{Token, collapse_whitespace, fold, tokenize};
use crate::terms::{display, is_language, term_span};
use crate::textutil::sentence_spans;
use crate::types::ParsedResume;
use crate::years::claimed_years;

/// What a passage of the resume is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum UnitKind {
    Other = 0,
    Skills = 1,
    Summary = 2,
    Bullet = 3,
}

/// A sentence-sized passage of the resume text: byte span and token range.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    pub start: usize,
    pub end: usize,
    pub toks: (usize, usize),
    pub kind: UnitKind,
}

/// The resume prepared for matching.
pub(crate) struct ResumeIndex<'a> {
    pub text: &'a str,
    pub tokens: Vec<Token>,
    pub units: Vec<Unit>,
    pub lang: String,
    pub years: Option<u32>,
    pub first_year: Option<i32>,
    pub degree_level: u8,
    pub edu_tokens: Vec<Token>,
    pub edu_text: String,
}

fn is_bullet_line(l: &str) -> bool {
    crate::textutil::bullet_content(l).is_some()
}

/// Logical blocks of the text (byte spans): a bullet with its wrapped continuation lines, a
/// wrapped prose paragraph, or a single line.
fn blocks(text: &str) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut offset = 0;
    // (start, end, can_continue, previous line ends a sentence)
    let mut open: Option<(usize, usize, bool, bool)> = None;
    for raw in text.split('\n') {
        let line_start = offset;
        offset += raw.len() + 1;
        let line = raw.trim_end_matches('\r');
        let t = line.trim();
        if t.is_empty() || crate::textutil::is_rule(t) {
            if let Some((s, e, _, _)) = open.take() {
                out.push((s, e));
            }
            continue;
        }
        let ends_sentence = t.ends_with(['.', '!', '?', ':', '؛', '؟']);
        let content_start = line_start
            + crate::textutil::bullet_offset(line).max(line.len() - line.trim_start().len());
        let content_end = line_start + line.trim_end().len();
        let content_start = content_start.min(content_end);
        let bullet = is_bullet_line(line);
        let indented = line.starts_with("  ") || line.starts_with('\t');
        let lower = t.chars().next().is_some_and(char::is_lowercase);
        match open {
            Some((s, _, true, prev_end)) if !bullet && (indented || lower || !prev_end) => {
                open = Some((s, content_end, true, ends_sentence));
            }
            _ => {
                if let Some((s, e, _, _)) = open.take() {
                    out.push((s, e));
                }
                let long = t.split_whitespace().count() >= 8
                    && ![" — ", " | ", " – "].iter().any(|p| t.contains(p));
                open = Some((content_start, content_end, bullet || long, ends_sentence));
            }
        }
    }
    if let Some((s, e, _, _)) = open {
        out.push((s, e));
    }
    out
}

fn years_since(start: i32) -> u32 {
    let now = current_year();
    u32::try_from(now - start).unwrap_or(0)
}

/// The current calendar year (UTC) from the system clock; used only to turn "present" into
/// years of experience.
pub(crate) fn current_year() -> i32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    // civil-from-days (Howard Hinnant), year only
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    i32::try_from(year).unwrap_or(2026)
}

pub(crate) static DEGREE_WORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(phd|ph\.d|doctorate|doctoral|master'?s?|msc|m\.sc|mba|bachelor'?s?|bsc|b\.sc|degree|diploma|associate'?s degree)\b|(دكتوراه|ماجستير|بكالوريوس|ليسانس|دبلوم|درجه جامعيه|درجه)").expect("static regex")
});

pub(crate) fn level_of_word(w: &str) -> u8 {
    let w = w.to_lowercase();
    if w.starts_with("ph") || w.starts_with("doctor") || w == "دكتوراه" {
        4
    } else if w.starts_with("master") || w.starts_with("m") || w == "ماجستير" {
        3
    } else if w.starts_with("diploma") || w.starts_with("associate") || w == "دبلوم" {
        1
    } else {
        2
    }
}

/// Degree level of a degree string: 1 diploma/associate, 2 bachelor, 3 master, 4 doctorate.
pub(crate) fn degree_level(degree: &str) -> u8 {
    let f = fold(degree);
    if let Some(c) = DEGREE_WORD_RE.captures(&f)
        && let Some(m) = c.get(1).or_else(|| c.get(2))
    {
        return level_of_word(m.as_str());
    }
    if degree_prefix(degree).is_some() {
        let l = f.trim_start();
        if l.starts_with('m') {
            return 3;
        }
        if l.starts_with("ph") || l.starts_with("دكتوراه") {
            return 4;
        }
        return 2;
    }
    0
}

impl<'a> ResumeIndex<'a> {
    pub fn new(resume: &ParsedResume, text: &'a str) -> Self {
        let tokens = tokenize(text);
        let bullets_f = collapse_whitespace(&fold(
            &resume
                .experience
                .iter()
                .flat_map(|e| e.bullets.iter().cloned())
                .collect::<Vec<_>>()
                .join(" \u{1} "),
        ));
        let summary_f = collapse_whitespace(&fold(resume.summary.as_deref().unwrap_or("")));
        let skills_f = collapse_whitespace(&fold(&resume.skills.join(" ")));
        let mut units = Vec::new();
        for (bs, be) in blocks(text) {
            let Some(block) = text.get(bs..be) else {
                continue;
            };
            for (a, b) in sentence_spans(block) {
                let (start, end) = (bs + a, bs + b);
                let f = collapse_whitespace(&fold(&text[start..end]));
                let kind = if f.is_empty() {
                    UnitKind::Other
                } else if bullets_f.contains(&f) {
                    UnitKind::Bullet
                } else if summary_f.contains(&f) {
                    UnitKind::Summary
                } else if tokenize(&text[start..end])
                    .iter()
                    .all(|t| skills_f.contains(&t.folded))
                {
                    UnitKind::Skills
                } else {
                    UnitKind::Other
                };
                let t0 = tokens.partition_point(|t| t.start < start);
                let t1 = tokens.partition_point(|t| t.start < end);
                units.push(Unit {
                    start,
                    end,
                    toks: (t0, t1),
                    kind,
                });
            }
        }
        let first_year = resume
            .experience
            .iter()
            .filter_map(|e| e.start.as_deref().and_then(crate::dates::year_of))
            .min();
        let last_year = resume
            .experience
            .iter()
            .map(|e| {
                if e.current {
                    Some(current_year())
                } else {
                    e.end
                        .as_deref()
                        .and_then(crate::dates::year_of)
                        .or_else(|| e.start.as_deref().and_then(crate::dates::year_of))
                }
            })
            .max()
            .flatten();
        let computed = match (first_year, last_year) {
            (Some(a), Some(b)) if b >= a => Some(u32::try_from(b - a).unwrap_or(0)),
            (Some(a), None) => Some(years_since(a)),
            _ => None,
        };
        // the person's own statement wins; otherwise the span of the listed roles
        let years = claimed_years(text).or(computed);
        let edu_text = resume
            .education
            .iter()
            .map(|e| {
                format!(
                    "{} {} {}",
                    e.degree,
                    e.field.clone().unwrap_or_default(),
                    e.institution
                )
            })
            .collect::<Vec<_>>()
            .join(" \n ");
        let degree_level = resume
            .education
            .iter()
            .map(|e| degree_level(&e.degree))
            .max()
            .unwrap_or(0);
        ResumeIndex {
            text,
            tokens,
            units,
            lang: resume.lang.clone(),
            years,
            first_year,
            degree_level,
            edu_tokens: tokenize(&edu_text),
            edu_text,
        }
    }

    pub fn quote(&self, u: usize) -> &'a str {
        self.units.get(u).map_or("", |x| &self.text[x.start..x.end])
    }

    pub fn unit_tokens(&self, u: usize) -> &[Token] {
        self.units
            .get(u)
            .map_or(&[][..], |x| &self.tokens[x.toks.0..x.toks.1])
    }

    /// Does the resume name this term (any alias; a spoken language also counts when the
    /// resume is written in it)?
    pub fn has_term(&self, term: usize) -> bool {
        if term_span(term, self.text, &self.tokens).is_some() {
            return true;
        }
        is_language(term) && display(term, "en") == lang_name(&self.lang)
    }

    pub fn has_phrase(&self, phrase: &str) -> bool {
        crate::fold::contains_phrase(&self.tokens, phrase)
    }
}

fn lang_name(code: &str) -> &'static str {
    if code == "ar" { "Arabic" } else { "English" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_compile() {
        assert!(DEGREE_WORD_RE.is_match("bachelor"));
    }

    #[test]
    fn year_is_plausible() {
        let y = current_year();
        assert!((2024..2200).contains(&y));
    }

    #[test]
    fn degree_levels() {
        assert_eq!(degree_level("B.S. in Computer Science"), 2);
        assert_eq!(degree_level("بكالوريوس في المحاسبة"), 2);
        assert_eq!(degree_level("MBA"), 3);
        assert_eq!(degree_level("PhD in Physics"), 4);
    }

    #[test]
    fn units_are_verbatim_sentences() {
        let text = "- Built X in Rust. Cut costs by 5%.\n  wrapped line here\n\nSummary line one";
        let r = crate::parse_resume(text, None);
        let idx = ResumeIndex::new(&r, text);
        let quotes: Vec<&str> = (0..idx.units.len()).map(|u| idx.quote(u)).collect();
        assert_eq!(
            quotes,
            [
                "Built X in Rust.",
                "Cut costs by 5%.\n  wrapped line here",
                "Summary line one"
            ]
        );
    }
}
