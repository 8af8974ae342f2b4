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

static LATIN_WORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9][A-Za-z0-9]*(?:[.+#&'’-][A-Za-z0-9]+)*[+#]*").expect("static regex")
});

/// Capitalised words that are not names of anything a candidate could have.
#[rustfmt::skip]
static NAME_STOP: &[&str] = &[
    "i", "we", "you", "our", "your", "the", "a", "an", "this", "that", "these", "please", "if",
    "in", "on", "at", "for", "with", "and", "or", "of", "to", "by", "as", "from", "is", "are",
    "be", "will", "can", "all", "any", "must", "should", "may", "it", "they", "he", "she",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december", "bachelor", "bachelors", "bachelor's", "master", "masters",
    "master's", "degree", "diploma", "phd", "strong", "excellent", "good", "great", "solid",
    "proven", "experience", "knowledge", "ability", "skills", "skill", "minimum", "min",
    "years", "year", "plus", "bonus", "preferred", "required", "nice", "ideally", "familiarity",
    "proficiency", "fluency", "fluent", "native", "advanced", "basic", "intermediate", "full",
    "part", "time", "remote", "hybrid", "onsite", "on-site", "team", "company", "job", "role",
    "position", "candidate", "candidates", "applicants", "salary", "benefits", "responsibilities",
    "requirements", "qualifications", "duties", "summary", "overview", "about", "apply",
    "contact", "location", "senior", "junior", "lead", "head", "manager", "certified",
    "certificate", "certification", "license", "licence", "valid", "current", "high", "school",
    "university", "college", "level", "entry", "new", "york", "saudi", "arabia", "uae", "dubai",
    "riyadh", "jeddah", "cairo", "london", "day", "days", "week", "weeks", "month", "months",
    "hours", "hour", "am", "pm", "sar", "aed", "usd", "eur", "gbp", "egp", "kwd", "qar",
    "mr", "mrs", "ms", "dr", "etc", "e.g", "i.e", "ii", "iii", "iv", "one", "two", "three",
    "four", "five", "who", "what", "how", "why", "when", "where", "some", "each", "every",
    "also", "yes", "no", "not", "other", "own", "both", "more", "most", "only", "new",
];

/// Function words: never inside a name.
static FUNCTION_WORDS: &[&str] = &[
    "i", "we", "you", "our", "your", "the", "a", "an", "this", "that", "these", "please", "if",
    "in", "on", "at", "for", "with", "and", "or", "of", "to", "by", "as", "from", "is", "are",
    "be", "will", "can", "all", "any", "must", "should", "may", "it", "they", "plus",
];

fn name_stop(word: &str) -> bool {
    let f = fold(word);
    NAME_STOP.contains(&f.as_str()) || ACRONYM_STOP.iter().any(|a| a.eq_ignore_ascii_case(word))
}

/// Does a Latin word look like (part of) a product or tool name: capitalised, with a digit
/// ("GA4"), inner capitals ("HubSpot") or a symbol ("Node.js", "C#")?
fn namey(w: &str) -> bool {
    let first_upper = w.chars().next().is_some_and(|c| c.is_ascii_uppercase());
    // "GA4", "S3", "EC2" — not "12-hour" or "4x"
    let has_digit = first_upper && w.chars().any(|c| c.is_ascii_digit());
    let inner_upper = w.chars().skip(1).any(|c| c.is_ascii_uppercase());
    // "Node.js", "C#", "C++" — not "a.m." or "e.g"
    let symbol = (w.contains(['#', '+'])
        && w.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        || w.split('.').nth(1).is_some_and(|x| x.len() >= 2)
            && w.split('.').next().is_some_and(|x| x.len() >= 2);
    first_upper || has_digit || inner_upper || symbol
}

/// Does this word open a sentence (start of text, or after . ! ? : ; or a bullet)?
fn sentence_initial(text: &str, start: usize) -> bool {
    let before = text.get(..start).unwrap_or("").trim_end();
    before.is_empty() || before.ends_with(['.', '!', '?', ':', ';', '؛', '•', '"', '“'])
}

/// Product and tool names that the dictionary does not know: runs of capitalised Latin
/// words ("Google Tag Manager", "Shopify"), words with digits or symbols ("GA4", "Node.js")
/// and any Latin run inside Arabic text ("حملات Google Ads و Meta"). A capitalised word
/// that only opens a sentence ("Manage …") is not a name; nor are common words, degrees,
/// months or currencies.
pub fn find_names(text: &str) -> Vec<Extra> {
    let arabic = text.chars().any(crate::fold::is_arabic);
    let words: Vec<(usize, usize, &str)> = LATIN_WORD_RE
        .find_iter(text)
        .map(|m| (m.start(), m.end(), m.as_str()))
        .collect();
    let mut out = Vec::new();
    let mut k = 0;
    while k < words.len() {
        // a run: consecutive Latin words separated by single spaces only
        let mut j = k + 1;
        while j < words.len() {
            let gap = text.get(words[j - 1].1..words[j].0).unwrap_or("");
            if gap != " " {
                break;
            }
            j += 1;
        }
        let run = &words[k..j];
        k = j;
        let mut parts: Vec<Vec<(usize, usize, &str)>> = Vec::new();
        let mut cur: Vec<(usize, usize, &str)> = Vec::new();
        for (n, &(a, b, w)) in run.iter().enumerate() {
            let digits_only = w.chars().all(|c| c.is_ascii_digit());
            let stop = NAME_STOP.contains(&fold(w).as_str());
            let ok = if digits_only {
                !cur.is_empty() // "Dynamics 365"
            } else if arabic {
                !stop
            } else if stop
                && !cur.is_empty()
                && namey(w)
                && !FUNCTION_WORDS.contains(&fold(w).as_str())
            {
                true // "Google Tag Manager", "Salesforce Service Cloud"
            } else if !namey(w) || stop {
                false
            } else if n == 0
                && sentence_initial(text, a)
                && w.chars().skip(1).all(|c| c.is_ascii_lowercase())
            {
                // "Manage …" opens a sentence; "Google Ads …" is a name
                let next_namey = run
                    .get(n + 1)
                    .is_some_and(|x| namey(x.2) && !NAME_STOP.contains(&fold(x.2).as_str()));
                let st = crate::fold::stem_en(&fold(w));
                next_namey && !crate::dict::DUTY_VERBS.iter().any(|v| *v == st)
            } else {
                true
            };
            if ok {
                cur.push((a, b, w));
            } else if !cur.is_empty() {
                parts.push(std::mem::take(&mut cur));
            }
        }
        if !cur.is_empty() {
            parts.push(cur);
        }
        for p in parts {
            // trim stop words at the edges of Arabic-context runs
            let p: &[(usize, usize, &str)] = &p;
            let (Some(first), Some(last)) = (p.first(), p.last()) else {
                continue;
            };
            if p.len() == 1 && name_stop(first.2) {
                continue;
            }
            if p.len() > 4 {
                continue; // a title-cased sentence, not a name
            }
            let s = &text[first.0..last.1];
            if s.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
                continue;
            }
            if p.len() == 1
                && s.chars().count() < 3
                && !s
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '#' || c == '+')
            {
                continue;
            }
            out.push(Extra {
                text: s.to_string(),
                start: first.0,
                end: last.1,
            });
        }
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
