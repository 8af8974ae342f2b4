//! Truthfulness verifier for generated resumes (from this engine or an LLM).
//!
//! Every employer, title, date/year, degree, certification, number and skill-like token in
//! the markdown must trace to the source resume (folded comparison). Untraceable entries,
//! sentences or list items are removed and each removal is reported. Raw HTML, image embeds
//! and `javascript:` / `data:` links are stripped.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::fold::{Token, fold, is_arabic, norm, tokenize};
use crate::render::headings;
use crate::terms::{display, find_terms, is_stop, term_span};
use crate::textutil::{bullet_offset, md_level, sentence_spans};
use crate::types::ParsedResume;

static COMMENT_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)<!--.*?-->").expect("static regex"));
static TAG_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<[A-Za-z][A-Za-z0-9+.-]*:[^<>\s]*>")
        .expect("static regex")
});
static IMAGE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"!\[[^\]]*\]\([^)]*\)").expect("static regex"));
static BAD_LINK_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\[([^\]]*)\]\(\s*(?:javascript|data|vbscript|file):[^)]*\)")
        .expect("static regex")
});
static BAD_SCHEME_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:javascript|vbscript|data):\S*").expect("static regex"));
static DEGREE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(mba|phd|ph\.d|msc|m\.sc|bsc|b\.sc|b\.s|b\.a|m\.s|m\.a|bachelor|master|doctorate|diploma)\b|(ماجستير|بكالوريوس|دكتوراه|دبلوم|ليسانس)").expect("static regex")
});
static ORG_AR_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:شركه|مؤسسه|مجموعه|مكتب|بنك|جامعه)\s+(\S+)").expect("static regex")
});

/// Words that templates and date lines may add without a source.
const ALLOWED: &[&str] = &[
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "present",
    "current",
    "professional",
    "summary",
    "experience",
    "education",
    "skills",
    "certifications",
    "languages",
    "projects",
    "with",
    "since",
    "skilled",
    "in",
    "of",
    "and",
    "years",
    "year",
];

struct Source<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    keys: BTreeSet<String>,
    normed: String,
    digits: String,
}

impl<'a> Source<'a> {
    fn new(text: &'a str) -> Self {
        let tokens = tokenize(text);
        let mut keys: BTreeSet<String> = BTreeSet::new();
        for t in &tokens {
            keys.insert(t.key.clone());
            keys.insert(t.folded.clone());
        }
        let digits = fold(text).chars().filter(char::is_ascii_digit).collect();
        Source {
            text,
            normed: norm(text),
            tokens,
            keys,
            digits,
        }
    }

    fn has_key(&self, t: &Token) -> bool {
        self.keys.contains(&t.key) || self.keys.contains(&t.folded)
    }

    /// Every content word of `phrase` occurs in the source.
    fn traces_words(&self, phrase: &str) -> Vec<String> {
        tokenize(phrase)
            .iter()
            .filter(|t| !is_stop(&t.folded) && !ALLOWED.contains(&t.folded.as_str()))
            .filter(|t| !self.has_key(t))
            .map(|t| t.raw(phrase).to_string())
            .collect()
    }
}

fn is_checked_word(raw: &str, first_in_sentence: bool) -> bool {
    let mut chars = raw.chars();
    let Some(c0) = chars.next() else { return false };
    if c0.is_ascii_digit() || raw.chars().any(|c| c.is_ascii_digit()) {
        return true;
    }
    if !c0.is_alphabetic() || is_arabic(c0) {
        return false;
    }
    let rest: String = chars.collect();
    let all_caps = raw
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase)
        && raw.chars().count() >= 2;
    let inner_caps = rest.chars().any(char::is_uppercase);
    if all_caps || inner_caps {
        return true;
    }
    c0.is_uppercase() && !first_in_sentence
}

/// Facts in one sentence that do not trace to the source.
fn untraced_facts(sentence: &str, src: &Source) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let toks = tokenize(sentence);
    for (i, t) in toks.iter().enumerate() {
        let raw = t.raw(sentence);
        if ALLOWED.contains(&t.folded.as_str()) {
            continue;
        }
        if is_checked_word(raw, i == 0) && !src.has_key(t) && !out.iter().any(|o| o == raw) {
            out.push(raw.to_string());
        }
    }
    for h in find_terms(sentence, &toks) {
        if term_span(h.term, src.text, &src.tokens).is_none() {
            let name = display(h.term, "en");
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    let f = fold(sentence);
    for c in DEGREE_RE.captures_iter(&f) {
        if let Some(m) = c.get(1).or_else(|| c.get(2))
            && !src.normed.contains(m.as_str())
        {
            out.push(m.as_str().to_string());
        }
    }
    for c in ORG_AR_RE.captures_iter(&f) {
        if let Some(m) = c.get(1)
            && !src.normed.contains(&format!(
                "{} {}",
                c.get(0)
                    .map_or("", |x| x.as_str())
                    .split_whitespace()
                    .next()
                    .unwrap_or(""),
                m.as_str()
            ))
            && !src.keys.contains(m.as_str())
        {
            out.push(c.get(0).map_or("", |x| x.as_str()).to_string());
        }
    }
    out
}

fn known_heading_kind(text: &str) -> Option<&'static str> {
    let f = fold(text.trim());
    for lang in ["en", "ar"] {
        let h = headings(lang);
        if f == fold(h.skills) || f.contains("skill") || f.contains("مهارات") {
            return Some("skills");
        }
        if f == fold(h.certifications) || f.contains("certif") || f.contains("شهادات") {
            return Some("certifications");
        }
    }
    None
}

fn check_contact_part(part: &str, src: &Source) -> bool {
    let p = part.trim();
    if p.contains('@') {
        return src.normed.contains(&fold(p));
    }
    let digits: String = fold(p).chars().filter(char::is_ascii_digit).collect();
    if digits.len() >= 7 {
        return src.digits.contains(&digits);
    }
    if p.contains("://") || p.starts_with("www.") {
        let bare = fold(
            p.trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_end_matches('/'),
        );
        return src.normed.contains(&bare);
    }
    src.traces_words(p).is_empty()
}

/// Check `markdown` against the source resume; returns the cleaned markdown and one warning
/// per removal or sanitisation.
pub fn verify(markdown: &str, source: &ParsedResume, source_text: &str) -> (String, Vec<String>) {
    let mut warnings: Vec<String> = Vec::new();
    let ar = source.lang == "ar"
        && markdown.chars().filter(|c| is_arabic(*c)).count() * 2
            > markdown.chars().filter(|c| c.is_alphabetic()).count();
    let w = |en: String, arabic: String| if ar { arabic } else { en };

    // sanitise
    let mut md = markdown.replace("\r\n", "\n");
    if COMMENT_RE.is_match(&md) || TAG_RE.is_match(&md) {
        md = COMMENT_RE.replace_all(&md, "").into_owned();
        md = TAG_RE.replace_all(&md, "").into_owned();
        warnings.push(w(
            "Removed raw HTML from the output.".into(),
            "حُذفت شيفرة HTML من الناتج.".into(),
        ));
    }
    if IMAGE_RE.is_match(&md) {
        md = IMAGE_RE.replace_all(&md, "").into_owned();
        warnings.push(w(
            "Removed an embedded image.".into(),
            "حُذفت صورة مضمّنة.".into(),
        ));
    }
    if BAD_LINK_RE.is_match(&md) || BAD_SCHEME_RE.is_match(&md) {
        md = BAD_LINK_RE.replace_all(&md, "$1").into_owned();
        md = BAD_SCHEME_RE.replace_all(&md, "").into_owned();
        warnings.push(w(
            "Removed an unsafe link (javascript:/data:).".into(),
            "حُذف رابط غير آمن.".into(),
        ));
    }

    let src = Source::new(source_text);
    let mut out: Vec<String> = Vec::new();
    let mut section: Option<&'static str> = None;
    let mut seen_section = false;
    let mut dropping_entry = false;
    for line in md.split('\n') {
        let level = md_level(line);
        let t = line.trim();
        if level == 2 {
            dropping_entry = false;
            seen_section = true;
            section = known_heading_kind(&t[2..]);
            out.push(line.to_string());
            continue;
        }
        if level == 3 || level == 1 {
            dropping_entry = false;
            let body = crate::textutil::strip_md(t);
            let bad: Vec<String> = body
                .split(" — ")
                .flat_map(|p| src.traces_words(p))
                .collect();
            let bad_terms: Vec<String> = untraced_facts(&body, &src)
                .into_iter()
                .filter(|f| !bad.contains(f))
                .collect();
            if bad.is_empty() && bad_terms.is_empty() {
                out.push(line.to_string());
            } else {
                let what = [bad, bad_terms].concat().join(", ");
                warnings.push(w(
                    format!("Removed \"{body}\": {what} not found in the source resume."),
                    format!("حُذف «{body}»: {what} غير موجود في السيرة الأصلية."),
                ));
                dropping_entry = level == 3;
            }
            continue;
        }
        if dropping_entry || t.is_empty() {
            if !dropping_entry {
                out.push(line.to_string());
            }
            continue;
        }
        let is_bullet = bullet_offset(line) > 0;
        // contact line (before any section) and comma-separated skills lists: check item by item
        let list_line = !is_bullet && (!seen_section || section == Some("skills"));
        if list_line {
            let seps: &[&str] = if seen_section {
                &[", ", "، ", " · ", "; "]
            } else {
                &[" · ", " | "]
            };
            let mut items = vec![t.to_string()];
            for sep in seps {
                items = items
                    .iter()
                    .flat_map(|i| i.split(sep).map(str::to_string).collect::<Vec<_>>())
                    .collect();
            }
            let (keep, drop): (Vec<String>, Vec<String>) = items.into_iter().partition(|i| {
                let plain = crate::textutil::strip_md(i);
                if seen_section {
                    src.traces_words(&plain).is_empty() && untraced_facts(&plain, &src).is_empty()
                } else {
                    check_contact_part(&plain, &src)
                }
            });
            if drop.is_empty() {
                out.push(line.to_string());
                continue;
            }
            for d in &drop {
                warnings.push(w(
                    format!("Removed \"{d}\": not found in the source resume."),
                    format!("حُذف «{d}»: غير موجود في السيرة الأصلية."),
                ));
            }
            if !keep.is_empty() {
                let sep = if !seen_section {
                    " · "
                } else if ar {
                    "، "
                } else {
                    ", "
                };
                out.push(keep.join(sep));
            }
            continue;
        }
        // bullets and prose: remove untraceable sentences
        let off = bullet_offset(line);
        let (prefix, body) = line.split_at(off);
        let mut kept: Vec<&str> = Vec::new();
        for (a, b) in sentence_spans(body) {
            let s = &body[a..b];
            let bad = untraced_facts(&crate::textutil::strip_md(s), &src);
            if bad.is_empty() {
                kept.push(s);
            } else {
                warnings.push(w(
                    format!(
                        "Removed \"{s}\": {} not found in the source resume.",
                        bad.join(", ")
                    ),
                    format!("حُذف «{s}»: {} غير موجود في السيرة الأصلية.", bad.join("، ")),
                ));
            }
        }
        if !kept.is_empty() {
            out.push(format!("{prefix}{}", kept.join(" ")));
        }
    }
    let mut cleaned = out.join("\n");
    while cleaned.contains("\n\n\n") {
        cleaned = cleaned.replace("\n\n\n", "\n\n");
    }
    let mut cleaned = cleaned.trim().to_string();
    cleaned.push('\n');
    (cleaned, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_compile() {
        assert!(COMMENT_RE.is_match("<!-- x -->"));
        assert!(TAG_RE.is_match("<b>"));
        assert!(TAG_RE.is_match("<javascript:alert(1)>"));
        assert!(IMAGE_RE.is_match("![a](b)"));
        assert!(BAD_LINK_RE.is_match("[a](javascript:x)"));
        assert!(BAD_SCHEME_RE.is_match("data:text/html"));
        assert!(DEGREE_RE.is_match("mba"));
        assert!(ORG_AR_RE.is_match("شركه النخبه"));
    }

    #[test]
    fn checked_words() {
        assert!(is_checked_word("Google", false));
        assert!(!is_checked_word("Spearheaded", true));
        assert!(is_checked_word("GraphQL", true));
        assert!(is_checked_word("45%", true));
        assert!(!is_checked_word("built", false));
    }
}
