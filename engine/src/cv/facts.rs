//! The independent truthfulness check: collect the facts on both sides and diff them.
//!
//! This is deliberately **not** the editor's code path (which checks each new text with the
//! markdown verifier as it is applied). Here the tailored CV is taken as a whole: every
//! structured entry must be an entry of the source (employer, title and dates together;
//! degree and school; each certification, skill and language as written), and the free text
//! (headline, summary, bullets, raw sections) may hold no number, dictionary skill, acronym,
//! proper name, degree or organisation that the source does not contain.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::fold::{Token, fold, is_arabic, norm, tokenize};
use crate::terms::{display, find_extras, find_terms, term_span};
use crate::textutil::sentence_spans;
use crate::types::{ParsedJob, ParsedResume};

use super::{CoverLetterText, TailoredCv, source_text};

static NUMBER_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d+(?:[.,]\d+)*(?:\s?%)?").expect("static regex"));
static DEGREE_WORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:ph\.?\s?d|doctorate|doctor of|mba|m\.?sc|b\.?sc|b\.?eng|m\.?eng|bachelor|master|associate degree|diploma|b\.s|b\.a|m\.s|m\.a)\b|دكتوراه|ماجستير|بكالوريوس|دبلوم|ليسانس").expect("static regex")
});
static ORG_AR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:شركه|مؤسسه|مجموعه|مكتب|بنك|جامعه|مستشفي)\s+[\p{L}\p{N}]+")
        .expect("static regex")
});

/// English number words: a changed count ("five engineers") is a changed number.
pub(crate) const NUMBER_WORDS: &[&str] = &[
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "billions",
    "dozen",
    "dozens",
    "twice",
    "double",
    "triple",
    "tripled",
    "doubled",
    "half",
];

/// Capitalised words that templates (summary line, cover letter) may use without a source.
const TEMPLATE_WORDS: &[&str] = &[
    "i",
    "cv",
    "dear",
    "highlights",
    "from",
    "professional",
    "current",
    "certifications",
    "languages",
    "projects",
    "with",
    "skilled",
    "in",
    "of",
    "and",
    "years",
    "year",
    "hiring",
    "manager",
    "team",
    "kind",
    "regards",
    "sincerely",
    "most",
    "recently",
    "currently",
    "my",
    "present",
    "since",
    "summary",
    "experience",
    "skills",
    "education",
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
];

/// Normalised numbers in `s`: digit groups without thousands separators, with "%" kept
/// ("3,500" → "3500", "40 %" → "40%", "٢٠٢٠" → "2020").
pub(crate) fn numbers(s: &str) -> Vec<String> {
    let f = fold(s)
        .replace('٪', "%")
        .replace('٫', ".")
        .replace('٬', ",");
    NUMBER_RE
        .find_iter(&f)
        .map(|m| {
            let t = m.as_str().replace(' ', "");
            // a comma followed by exactly three digits is a thousands separator
            let mut out = String::new();
            let parts: Vec<&str> = t.split(',').collect();
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    let digits = p.trim_end_matches('%');
                    if digits.len() != 3 {
                        out.push(',');
                    }
                }
                out.push_str(p);
            }
            out
        })
        .collect()
}

/// Is `n` (from [`numbers`]) among the source numbers? "40" matches "40%" in the source, but
/// "40%" needs a "40%".
fn number_known(n: &str, src: &BTreeSet<String>) -> bool {
    src.contains(n)
        || (!n.ends_with('%') && src.contains(&format!("{n}%")))
        || n.split(',').all(|p| src.contains(p))
}

/// Everything the source says, ready for membership tests.
pub(crate) struct Corpus {
    text: String,
    tokens: Vec<Token>,
    words: BTreeSet<String>,
    normed: String,
    numbers: BTreeSet<String>,
}

impl Corpus {
    pub(crate) fn new(text: String) -> Self {
        let tokens = tokenize(&text);
        let mut words = BTreeSet::new();
        for t in &tokens {
            words.insert(t.folded.clone());
            words.insert(t.key.clone());
        }
        let numbers = text.lines().flat_map(numbers).collect();
        Corpus {
            normed: norm(&text),
            tokens,
            words,
            numbers,
            text,
        }
    }

    fn has_word(&self, t: &Token) -> bool {
        self.words.contains(&t.folded) || self.words.contains(&t.key)
    }

    /// Facts of free text `s` that the corpus does not contain.
    pub(crate) fn missing(&self, s: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |x: String| {
            if !out.contains(&x) {
                out.push(x);
            }
        };
        for n in numbers(s) {
            if !number_known(&n, &self.numbers) {
                add(format!("number \"{n}\""));
            }
        }
        for (a, b) in sentence_spans(s) {
            let sentence = &s[a..b];
            for (i, t) in tokenize(sentence).iter().enumerate() {
                let raw = t.raw(sentence);
                if self.has_word(t) || TEMPLATE_WORDS.contains(&t.folded.as_str()) {
                    continue;
                }
                if NUMBER_WORDS.contains(&t.folded.as_str()) {
                    add(format!("number \"{raw}\""));
                } else if proper_like(raw, i == 0) {
                    add(format!("name \"{raw}\""));
                }
            }
        }
        let toks = tokenize(s);
        for h in find_terms(s, &toks) {
            if term_span(h.term, &self.text, &self.tokens).is_none() {
                add(format!("skill \"{}\"", display(h.term, "en")));
            }
        }
        for e in find_extras(s) {
            if !self.normed.contains(&norm(&e.text)) {
                add(format!("skill \"{}\"", e.text));
            }
        }
        let f = norm(s);
        for m in DEGREE_WORD_RE.find_iter(&f) {
            if !self.normed.contains(m.as_str()) {
                add(format!("degree \"{}\"", m.as_str()));
            }
        }
        for m in ORG_AR.find_iter(&f) {
            if !self.normed.contains(m.as_str()) {
                add(format!("employer \"{}\"", m.as_str()));
            }
        }
        out
    }
}

/// A Latin word that names something (employer, product, certification, title word):
/// acronyms, mixed case, digits, or a capital that does not open the sentence.
fn proper_like(raw: &str, first: bool) -> bool {
    let mut chars = raw.chars();
    let Some(c0) = chars.next() else {
        return false;
    };
    if is_arabic(c0) {
        return false;
    }
    if raw.chars().any(|c| c.is_ascii_digit()) {
        return false; // numbers are checked on their own
    }
    let letters: Vec<char> = raw.chars().filter(|c| c.is_alphabetic()).collect();
    let caps = letters.iter().filter(|c| c.is_uppercase()).count();
    if letters.len() >= 2 && caps == letters.len() {
        return true;
    }
    if chars.any(char::is_uppercase) {
        return true;
    }
    c0.is_uppercase() && !first
}

fn same(a: &str, b: &str) -> bool {
    norm(a) == norm(b)
}

fn same_opt(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// Facts in `tailored` that `source` does not contain (employers, titles, dates, degrees,
/// certifications, numbers, skills, contact details). Empty = truthful.
pub fn untraceable_facts(source: &ParsedResume, tailored: &TailoredCv) -> Vec<String> {
    let t = &tailored.resume;
    let mut out: Vec<String> = Vec::new();
    let mut push = |x: String| {
        if !out.contains(&x) {
            out.push(x);
        }
    };

    // contact details: what is shown must be the person's own
    let (sc, tc) = (&source.contact, &t.contact);
    for (what, a, b) in [
        ("name", &sc.name, &tc.name),
        ("e-mail", &sc.email, &tc.email),
        ("phone", &sc.phone, &tc.phone),
        ("location", &sc.location, &tc.location),
    ] {
        if let Some(b) = b
            && !a.as_ref().is_some_and(|a| same(a, b))
        {
            push(format!("contact {what} \"{b}\""));
        }
    }
    for l in &tc.links {
        if !sc.links.iter().any(|s| same(s, l)) {
            push(format!("link \"{l}\""));
        }
    }

    // structured entries: each one must be a source entry
    for e in &t.experience {
        if !source
            .experience
            .iter()
            .any(|s| same(&s.company, &e.company))
        {
            push(format!("employer \"{}\"", e.company));
        }
        if !source.experience.iter().any(|s| same(&s.title, &e.title)) {
            push(format!("title \"{}\"", e.title));
        }
        let whole = source.experience.iter().any(|s| {
            same(&s.company, &e.company)
                && same(&s.title, &e.title)
                && s.start == e.start
                && s.end == e.end
                && s.current == e.current
                && (e.location.is_none() || same_opt(&s.location, &e.location))
        });
        if !whole {
            push(format!(
                "role \"{} — {}\" ({} – {}) does not match a source role",
                e.title,
                e.company,
                e.start.as_deref().unwrap_or("?"),
                e.end
                    .as_deref()
                    .unwrap_or(if e.current { "present" } else { "?" })
            ));
        }
    }
    for e in &t.education {
        if !source.education.iter().any(|s| same(&s.degree, &e.degree)) {
            push(format!("degree \"{}\"", e.degree));
        }
        if !source
            .education
            .iter()
            .any(|s| same(&s.institution, &e.institution))
        {
            push(format!("institution \"{}\"", e.institution));
        }
        let whole = source.education.iter().any(|s| {
            same(&s.degree, &e.degree)
                && same(&s.institution, &e.institution)
                && s.start == e.start
                && s.end == e.end
                && (e.field.is_none() || same_opt(&s.field, &e.field))
        });
        if !whole {
            push(format!(
                "education \"{} — {}\" does not match a source entry",
                e.degree, e.institution
            ));
        }
    }
    for (what, src, got) in [
        ("certification", &source.certifications, &t.certifications),
        ("skill", &source.skills, &t.skills),
        ("language", &source.languages, &t.languages),
    ] {
        for x in got {
            if !src.iter().any(|s| same(s, x)) {
                push(format!("{what} \"{x}\""));
            }
        }
    }

    // free text
    let corpus = Corpus::new(source_text(source));
    let mut texts: Vec<&str> = Vec::new();
    texts.extend(t.headline.as_deref());
    texts.extend(t.summary.as_deref());
    for e in &t.experience {
        texts.extend(e.bullets.iter().map(String::as_str));
    }
    for s in &t.sections {
        texts.push(&s.heading);
        texts.push(&s.text);
    }
    for s in texts {
        for m in corpus.missing(s) {
            push(m);
        }
    }
    out
}

/// Facts in a cover letter that neither the CV nor the job's title, company and location
/// contain. Empty = truthful.
pub fn cover_letter_untraceable(
    cv: &ParsedResume,
    job: &ParsedJob,
    letter: &CoverLetterText,
) -> Vec<String> {
    let mut text = source_text(cv);
    for s in [&job.title, &job.company, &job.location]
        .into_iter()
        .flatten()
    {
        text.push('\n');
        text.push_str(s);
    }
    let corpus = Corpus::new(text);
    let mut out: Vec<String> = Vec::new();
    for s in std::iter::once(&letter.greeting)
        .chain(&letter.paragraphs)
        .chain([&letter.closing, &letter.signature])
    {
        for m in corpus.missing(s) {
            if !out.contains(&m) {
                out.push(m);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_compile() {
        assert!(NUMBER_RE.is_match("3,500"));
        assert!(DEGREE_WORD_RE.is_match("phd"));
        assert!(ORG_AR.is_match("شركه النخبه"));
    }

    #[test]
    fn number_normalisation() {
        assert_eq!(
            numbers("3,500 rps, 40 % and ٢٠٢٠; 4.1%"),
            ["3500", "40%", "2020", "4.1%"]
        );
        let src: BTreeSet<String> = numbers("cut by 60% in 2021").into_iter().collect();
        assert!(number_known("60", &src) && number_known("60%", &src));
        assert!(!number_known("40%", &src) && !number_known("2031", &src));
    }

    #[test]
    fn missing_facts_in_free_text() {
        let c = Corpus::new("Led the Rust rewrite at Parcelwise Logistics, 420 ms to 85 ms. Mentored four engineers.".into());
        assert!(
            c.missing("Led the Rust rewrite at Parcelwise Logistics.")
                .is_empty()
        );
        let m = c.missing("Led the Kubernetes rewrite at Google, cutting costs by 40% in 2031; mentored five engineers; PhD.");
        let all = m.join(" | ");
        for x in ["Kubernetes", "Google", "40%", "2031", "five", "phd"] {
            assert!(all.contains(x), "{x} not in {all}");
        }
    }
}
