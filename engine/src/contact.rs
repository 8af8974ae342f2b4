//! Contact details at the top of a resume: name, headline, e-mail, phone, links, location,
//! and a summary paragraph written without a heading.

use std::sync::LazyLock;

use regex::Regex;

use crate::dict::ROLE_WORDS;
use crate::fold::is_arabic;
use crate::headings::known_heading;
use crate::textutil::{is_rule, strip_md, word_count};
use crate::types::Contact;

static EMAIL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
        .expect("static regex")
});
static PHONE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:\+|00)?\(?\d[\d\s().\-]{6,}\d").expect("static regex"));
static URL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bhttps?://[^\s)\]>|,]+|\bwww\.[^\s)\]>|,]+|\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|dev|me|co|ai|app|info|sa|jo|ae)(?:/[^\s)\]>|,]*)?")
        .expect("static regex")
});

pub(crate) fn find_email(s: &str) -> Option<String> {
    EMAIL_RE.find(s).map(|m| m.as_str().to_string())
}

/// A phone number: 8–15 digits, not a year range; "+"/"00" prefixed numbers preferred.
pub(crate) fn find_phone(s: &str) -> Option<String> {
    let mut fallback = None;
    for m in PHONE_RE.find_iter(s) {
        let cand = m.as_str().trim();
        let digits: String = cand.chars().filter(char::is_ascii_digit).collect();
        if !(8..=15).contains(&digits.len()) {
            continue;
        }
        let looks_like_years = cand
            .split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty())
            .all(|p| p.len() == 4 && (p.starts_with("19") || p.starts_with("20")));
        if looks_like_years {
            continue;
        }
        if cand.starts_with('+') || cand.starts_with("00") {
            return Some(cand.to_string());
        }
        if fallback.is_none() && digits.len() >= 9 {
            fallback = Some(cand.to_string());
        }
    }
    fallback
}

pub(crate) fn find_links(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in URL_RE.find_iter(s) {
        let start = m.start();
        // skip the domain part of an e-mail address
        if s[..start].ends_with('@')
            || s[..start]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '.')
        {
            continue;
        }
        let link = m.as_str().trim_end_matches(['.', ';', ':']).to_string();
        if link.contains('@') || link.to_ascii_lowercase().starts_with("mailto:") {
            continue;
        }
        let bare = link
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_ascii_lowercase();
        let dup = out.iter().position(|o| {
            let ob = o
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_end_matches('/')
                .to_ascii_lowercase();
            ob == bare
        });
        match dup {
            Some(i) if link.starts_with("http") && !out[i].starts_with("http") => out[i] = link,
            Some(_) => {}
            None => out.push(link),
        }
    }
    out
}

fn is_contactish(s: &str) -> bool {
    find_email(s).is_some()
        || find_phone(s).is_some()
        || !find_links(s).is_empty()
        || s.chars().filter(char::is_ascii_digit).count() >= 5
}

fn looks_like_name(s: &str) -> bool {
    let wc = word_count(s);
    (1..=6).contains(&wc)
        && !s
            .chars()
            .any(|c| c.is_ascii_digit() || matches!(c, '@' | '|' | ':' | '/'))
        && s.chars().any(char::is_alphabetic)
        && known_heading(s).is_none()
}

fn is_latin_name(s: &str) -> bool {
    looks_like_name(s)
        && !s.chars().any(is_arabic)
        && s.split_whitespace()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
        && !crate::textutil::any_word_in(s, ROLE_WORDS)
}

/// Separators used in contact lines and one-line headers.
pub(crate) fn split_parts(s: &str) -> Vec<String> {
    let mut parts = vec![s.to_string()];
    for sep in [" | ", "|", " · ", "·", " • ", "•", " ⋅ ", "\t", "  "] {
        parts = parts
            .iter()
            .flat_map(|p| p.split(sep).map(str::to_string).collect::<Vec<_>>())
            .collect();
    }
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

pub(crate) struct HeaderInfo {
    pub contact: Contact,
    pub headline: Option<String>,
    pub summary: Option<String>,
}

pub(crate) fn parse_header(header: &[&str], whole: &str) -> HeaderInfo {
    let cleaned: Vec<String> = header
        .iter()
        .map(|l| strip_md(l))
        .filter(|l| !l.is_empty() && !is_rule(l))
        .collect();
    let head_text = header.join("\n");
    let mut contact = Contact {
        email: find_email(&head_text).or_else(|| find_email(whole)),
        phone: find_phone(&head_text).or_else(|| find_phone(whole)),
        links: find_links(&head_text),
        ..Contact::default()
    };
    let mut idx = 0;
    // name: first line that is not contact info
    while idx < cleaned.len() {
        let l = &cleaned[idx];
        idx += 1;
        let first_part = split_parts(l).into_iter().next().unwrap_or_default();
        if looks_like_name(&first_part) && !is_contactish(&first_part) {
            contact.name = Some(first_part);
            break;
        }
        if !is_contactish(l) {
            break;
        }
    }
    // a Latin transliteration of an Arabic name on the next line is not a headline
    if let (Some(name), Some(next)) = (&contact.name, cleaned.get(idx))
        && name.chars().any(is_arabic)
        && is_latin_name(next)
    {
        idx += 1;
    }
    let mut headline = None;
    let mut summary_lines: Vec<String> = Vec::new();
    for l in cleaned.iter().skip(idx) {
        let parts = split_parts(l);
        let contact_line = is_contactish(l);
        if contact_line {
            if contact.location.is_none() {
                contact.location = parts
                    .iter()
                    .find(|p| !is_contactish(p) && word_count(p) <= 6 && !p.contains('@'))
                    .cloned();
            }
            continue;
        }
        if headline.is_none() && summary_lines.is_empty() && word_count(l) <= 12 {
            headline = Some(l.clone());
            continue;
        }
        if word_count(l) >= 6 {
            summary_lines.push(l.clone());
        } else if contact.location.is_none()
            && parts.len() == 1
            && l.contains([',', '،'])
            && word_count(l) <= 5
        {
            contact.location = Some(l.clone());
        }
    }
    let summary = (!summary_lines.is_empty()).then(|| summary_lines.join(" "));
    HeaderInfo {
        contact,
        headline,
        summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_compile() {
        assert!(EMAIL_RE.is_match("a@b.co"));
        assert!(PHONE_RE.is_match("+1 503-555-0148"));
        assert!(URL_RE.is_match("https://x.io"));
    }

    #[test]
    fn contact_helpers() {
        assert_eq!(
            find_phone("Portland · +1 503-555-0148 · x").as_deref(),
            Some("+1 503-555-0148")
        );
        assert_eq!(
            find_phone("+966 55 010 2345").as_deref(),
            Some("+966 55 010 2345")
        );
        assert_eq!(find_phone("2016 - 2019"), None);
        assert_eq!(find_phone("Jan 2016 – 2019-12"), None);
        assert_eq!(
            find_email("x | maya@example.com | y").as_deref(),
            Some("maya@example.com")
        );
        assert_eq!(
            find_links(
                "[maya.example.com](https://maya.example.com) maya@example.com linkedin.com/in/maya"
            ),
            ["https://maya.example.com", "linkedin.com/in/maya"]
        );
    }
}
