//! Finding dictionary terms (and acronym-like tech tokens) in text.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::dict::{Kind, STOP_WORDS, TERMS, Term};
use crate::fold::{Token, fold, keys, tokenize};

struct Phrase {
    term: usize,
    keys: Vec<String>,
    /// Original-case tokens when the phrase is case-sensitive.
    exact: Option<Vec<String>>,
}

struct Index {
    phrases: Vec<Phrase>,
    by_first: BTreeMap<String, Vec<usize>>,
    by_term: Vec<Vec<usize>>,
}

fn compile_phrase(term: usize, p: &str) -> Option<Phrase> {
    let (cs, body) = match p.strip_prefix('=') {
        Some(rest) => (true, rest),
        None => (false, p),
    };
    let toks = tokenize(body);
    if toks.is_empty() {
        return None;
    }
    let exact = cs.then(|| toks.iter().map(|t| t.raw(body).to_string()).collect());
    Some(Phrase {
        term,
        keys: toks.into_iter().map(|t| t.key).collect(),
        exact,
    })
}

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let mut phrases = Vec::new();
    let mut by_term = vec![Vec::new(); TERMS.len()];
    for (i, term) in TERMS.iter().enumerate() {
        let mut all: Vec<&str> = vec![term.name];
        if !term.ar.is_empty() {
            all.push(term.ar);
        }
        all.extend(term.aliases.iter().copied());
        for p in all {
            if let Some(ph) = compile_phrase(i, p) {
                by_term[i].push(phrases.len());
                phrases.push(ph);
            }
        }
    }
    let mut by_first: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in phrases.iter().enumerate() {
        if let Some(k) = p.keys.first() {
            by_first.entry(k.clone()).or_default().push(i);
        }
    }
    Index {
        phrases,
        by_first,
        by_term,
    }
});

/// A dictionary term found in a token list: token range `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub term: usize,
    pub start: usize,
    pub end: usize,
}

fn phrase_at(p: &Phrase, text: &str, tokens: &[Token], i: usize) -> bool {
    if i + p.keys.len() > tokens.len() {
        return false;
    }
    match &p.exact {
        Some(exact) => exact
            .iter()
            .zip(&tokens[i..])
            .all(|(e, t)| t.raw(text) == e),
        None => p.keys.iter().zip(&tokens[i..]).all(|(k, t)| *k == t.key),
    }
}

/// All dictionary terms in `tokens` (tokens of `text`), longest match first, no overlaps.
pub fn find_terms(text: &str, tokens: &[Token]) -> Vec<Hit> {
    let idx = &*INDEX;
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let mut best: Option<(usize, usize)> = None; // (len, term)
        if let Some(cands) = idx.by_first.get(&tokens[i].key) {
            for &pi in cands {
                let p = &idx.phrases[pi];
                if phrase_at(p, text, tokens, i) && best.is_none_or(|(l, _)| p.keys.len() > l) {
                    best = Some((p.keys.len(), p.term));
                }
            }
        }
        match best {
            Some((len, term)) => {
                if TERMS.get(term).is_some_and(|t| t.kind != Kind::Place) {
                    out.push(Hit {
                        term,
                        start: i,
                        end: i + len,
                    });
                }
                i += len;
            }
            None => i += 1,
        }
    }
    out
}

/// First occurrence (token range) of any phrase of `term` in `tokens`.
pub fn term_span(term: usize, text: &str, tokens: &[Token]) -> Option<(usize, usize)> {
    let idx = &*INDEX;
    let phrases = idx.by_term.get(term)?;
    let mut best: Option<(usize, usize)> = None;
    for &pi in phrases {
        let p = &idx.phrases[pi];
        for i in 0..tokens.len() {
            if phrase_at(p, text, tokens, i) {
                if best.is_none_or(|(s, _)| i < s) {
                    best = Some((i, i + p.keys.len()));
                }
                break;
            }
        }
    }
    best
}

pub fn term(i: usize) -> Option<&'static Term> {
    TERMS.get(i)
}

pub fn is_language(i: usize) -> bool {
    term(i).is_some_and(|t| t.kind == Kind::Language)
}

/// Display name of a term in the given language.
pub fn display(i: usize, lang: &str) -> String {
    match term(i) {
        Some(t) if lang == "ar" && !t.ar.is_empty() => t.ar.to_string(),
        Some(t) => t.name.trim_start_matches('=').to_string(),
        None => String::new(),
    }
}

/// Index of the term whose name or alias equals `phrase` (folded, as whole tokens).
pub fn lookup(phrase: &str) -> Option<usize> {
    let k = keys(phrase);
    if k.is_empty() {
        return None;
    }
    let idx = &*INDEX;
    idx.phrases.iter().find(|p| p.keys == k).map(|p| p.term)
}

static ACRONYM_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\bISO[ -]?\d{4,5}\b|\b[A-Z][A-Z0-9]{1,9}(?:[/&-][A-Z0-9]{2,9})*s?\b|\b[a-z]+[A-Z][A-Za-z0-9]*\b|\b[A-Z][a-z]+[A-Z][A-Za-z0-9]*\b|\b[A-Za-z][A-Za-z0-9]*\.(?:js|gl|io)\b",
    )
    .expect("static regex")
});

/// Acronyms that are never skills.
static ACRONYM_STOP: &[&str] = &[
    "USD", "CAD", "EUR", "GBP", "SAR", "AED", "US", "USA", "UK", "EU", "OK", "AM", "PM", "CV",
    "HR", "IT", "CEO", "CTO", "CFO", "COO", "GPA", "ID", "FAQ", "AND", "OR", "THE", "TBD", "LLC",
    "INC", "LTD", "CO", "PTO", "RRSP", "USD/CAD", "NE", "CA", "CO.", "WA", "OR.", "IL", "NY", "TX",
    "WFH", "ASAP", "EEO", "FTE", "KPI", "KPIs", "NA", "N/A", "ETA", "MR", "MS", "DR", "PHD", "BA",
    "BS", "MA", "BSC", "MSC", "MBA", "II", "III", "IV", "VP", "AI", "AB", "API", "APIs", "UI",
    "UX", "BI", "SLA", "SLO", "SLOs", "PR", "QA", "B2B", "B2C", "SaaS", "FAQ", "HQ", "AM/PM",
];

/// An acronym / mixed-case tech token that is not a dictionary term, with its byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extra {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Acronyms (PCI-style, "ISO 20022", "ACH/NACHA") and camel-case names (GraphQL) in `text`
/// that are not stop acronyms. Plural acronyms lose their "s" ("CTEs" → "CTE").
pub fn find_extras(text: &str) -> Vec<Extra> {
    let mut out = Vec::new();
    for m in ACRONYM_RE.find_iter(text) {
        let mut s = m.as_str().to_string();
        let is_upper_plural = s.len() > 2
            && s.ends_with('s')
            && s[..s.len() - 1]
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        if is_upper_plural {
            s.pop();
        }
        if ACRONYM_STOP.iter().any(|a| a.eq_ignore_ascii_case(&s)) {
            continue;
        }
        // a capitalised plain word such as "Rust" never reaches here; skip one-letter acronyms
        if s.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
            continue;
        }
        out.push(Extra {
            text: s,
            start: m.start(),
            end: m.end(),
        });
    }
    out
}

/// Is this folded word a stop word?
pub fn is_stop(word: &str) -> bool {
    static SET: LazyLock<Vec<String>> = LazyLock::new(|| {
        let mut v: Vec<String> = STOP_WORDS.iter().map(|w| fold(w)).collect();
        v.sort();
        v.dedup();
        v
    });
    SET.binary_search_by(|w| w.as_str().cmp(word)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        let toks = tokenize(text);
        find_terms(text, &toks)
            .iter()
            .map(|h| display(h.term, "en"))
            .collect()
    }

    #[test]
    fn regexes_compile() {
        assert!(ACRONYM_RE.is_match("PCI"));
    }

    #[test]
    fn finds_longest_terms() {
        assert_eq!(
            names("Docker and Kubernetes on AWS with Apache Kafka and SQL Server"),
            ["Docker", "Kubernetes", "AWS", "Apache Kafka", "SQL Server"]
        );
        assert_eq!(
            names("Current Registered Nurse license in Idaho"),
            ["RN license"]
        );
        assert_eq!(names("Go or Python; go to the office"), ["Go", "Python"]);
        assert_eq!(names("excel at Excel"), ["Microsoft Excel"]);
    }

    #[test]
    fn arabic_terms() {
        let text = "إعداد إقرارات ضريبة القيمة المضافة والزكاة ومحاسبة التكاليف";
        let toks = tokenize(text);
        let found: Vec<String> = find_terms(text, &toks)
            .iter()
            .map(|h| display(h.term, "ar"))
            .collect();
        assert_eq!(found, ["ضريبة القيمة المضافة", "الزكاة", "محاسبة التكاليف"]);
    }

    #[test]
    fn extras() {
        let e: Vec<String> =
            find_extras("ISO 20022 messages or ACH/NACHA files, CTEs, USD 5, PostGIS")
                .into_iter()
                .map(|e| e.text)
                .collect();
        assert_eq!(e, ["ISO 20022", "ACH/NACHA", "CTE", "PostGIS"]);
    }

    #[test]
    fn lookup_by_alias() {
        assert_eq!(
            lookup("k8s").map(|i| display(i, "en")),
            Some("Kubernetes".into())
        );
        assert_eq!(
            lookup("Postgres").map(|i| display(i, "en")),
            Some("PostgreSQL".into())
        );
    }
}
