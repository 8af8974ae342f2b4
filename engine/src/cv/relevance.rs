//! Relevance to a job: what the job asks for (weighted keywords with their requirement
//! lines), which CV text mentions it, and the CV's own title that fits the job best.

use crate::fold::{Token, contains_phrase, fold, is_arabic, tokenize};
use crate::terms::{is_stop, lookup, term_span};
use crate::types::{ParsedJob, ParsedResume};

/// Does `text` (tokens `toks`) mention `keyword` (a dictionary term with its aliases, or the
/// phrase itself)?
pub(crate) fn mentions(text: &str, toks: &[Token], keyword: &str) -> bool {
    match lookup(keyword) {
        Some(t) => term_span(t, text, toks).is_some(),
        None => contains_phrase(toks, keyword),
    }
}

pub(crate) fn mentions_text(text: &str, keyword: &str) -> bool {
    mentions(text, &tokenize(text), keyword)
}

/// One thing the job asks for, with its weight and the requirement it comes from.
#[derive(Debug, Clone)]
pub(crate) struct Want {
    pub keyword: String,
    pub weight: u32,
    pub requirement: Option<String>,
}

pub(crate) fn join_list(items: &[String], ar: bool) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n if ar => format!("{} و{}", items[..n - 1].join("، "), items[n - 1]),
        n => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

pub(crate) fn arabic_share(s: &str) -> bool {
    let letters = s.chars().filter(|c| c.is_alphabetic()).count();
    letters > 0 && s.chars().filter(|c| is_arabic(*c)).count() * 2 > letters
}

/// The job's keywords with weights (must-have 3, responsibility 2, otherwise 1) and the
/// first requirement line that names each.
pub(crate) fn wants(job: &ParsedJob, emphasize: &[String]) -> Vec<Want> {
    let mut out: Vec<Want> = Vec::new();
    let groups: [(&[String], u32); 3] = [
        (&job.must_have, 3),
        (&job.responsibilities, 2),
        (&job.nice_to_have, 1),
    ];
    let lines: Vec<(&String, u32, Vec<Token>)> = groups
        .iter()
        .flat_map(|(ls, w)| ls.iter().map(move |l| (l, *w)))
        .map(|(l, w)| (l, w, tokenize(l)))
        .collect();
    for k in &job.keywords {
        if out.iter().any(|w| fold(&w.keyword) == fold(k)) {
            continue;
        }
        let hit = lines.iter().find(|(l, _, t)| mentions(l, t, k));
        out.push(Want {
            keyword: k.clone(),
            weight: hit.map_or(1, |h| h.1),
            requirement: hit.map(|h| h.0.clone()),
        });
    }
    for e in emphasize {
        out.push(Want {
            keyword: e.clone(),
            weight: 10,
            requirement: None,
        });
    }
    out
}

/// Job wants that `text` mentions.
pub(crate) fn hits<'a>(text: &str, wants: &'a [Want]) -> Vec<&'a Want> {
    let toks = tokenize(text);
    wants
        .iter()
        .filter(|w| mentions(text, &toks, &w.keyword))
        .collect()
}

pub(crate) fn score(text: &str, wants: &[Want]) -> u32 {
    hits(text, wants).iter().map(|w| w.weight).sum()
}

/// The CV's own title that best fits the job title, in the output script when there is one.
pub(crate) fn best_role(cv: &ParsedResume, job: &ParsedJob, ar: bool) -> Option<String> {
    let mut cands: Vec<String> = Vec::new();
    if let Some(h) = &cv.headline {
        cands.extend(
            h.split(" | ")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string),
        );
    }
    cands.extend(
        cv.experience
            .iter()
            .map(|e| e.title.trim().to_string())
            .filter(|t| !t.is_empty()),
    );
    let in_script: Vec<String> = cands
        .iter()
        .filter(|c| arabic_share(c) == ar)
        .cloned()
        .collect();
    let pool = if in_script.is_empty() {
        cands
    } else {
        in_script
    };
    let jt: Vec<String> = job
        .title
        .as_deref()
        .map(tokenize)
        .unwrap_or_default()
        .into_iter()
        .filter(|t| !is_stop(&t.folded))
        .map(|t| t.key)
        .collect();
    let mut best: Option<(usize, &String)> = None;
    for c in &pool {
        let ck: Vec<String> = tokenize(c).into_iter().map(|t| t.key).collect();
        let s = jt.iter().filter(|k| ck.contains(k)).count();
        if best.is_none_or(|(b, _)| s > b) {
            best = Some((s, c));
        }
    }
    best.map(|(_, c)| c.clone())
}
