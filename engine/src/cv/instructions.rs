//! Custom instructions for the offline planner: what to emphasise or remove, one page, and
//! the requests the CV cannot support (gaps, never planned).

use std::sync::LazyLock;

use regex::Regex;

use crate::fold::{fold, tokenize};
use crate::terms::{display, find_extras, find_terms, lookup};

use super::relevance::mentions_text;

static REMOVE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:please\s+)?(?:(?:don'?t|do not|never)\s+(?:mention|include|list|show)|remove|exclude|omit|drop|hide|delete|leave out|لا تذكر|احذف|ازل|استبعد)\s+(.+)$").expect("static regex")
});
static EMPH_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:please\s+)?(?:emphasi[sz]e|highlight|focus on|stress|showcase|feature|ابرز|ركز علي|التركيز علي)\s+(.+)$").expect("static regex")
});
static ADD_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:please\s+)?(?:add|include|mention|insert|claim|put|say (?:that )?i (?:know|have)|اضف|اذكر|ضع)\s+(.+)$").expect("static regex")
});
static CLAUSE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[.!?](?:\s+|$)|[\n;؛]").expect("static regex"));
static ONE_PAGE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)one[- ]?page|single[- ]page|1[- ]page|concise|shorter|صفحه واحده|مختصر")
        .expect("static regex")
});

/// What the user asked for in custom instructions (only what the CV supports).
#[derive(Debug, Default)]
pub(crate) struct Instructions {
    pub emphasize: Vec<String>,
    pub remove: Vec<String>,
    pub one_page: bool,
    pub gaps: Vec<String>,
}

/// Targets named in an instruction clause: dictionary terms and tech acronyms, else the
/// words themselves.
fn clause_targets(rest: &str) -> Vec<String> {
    let toks = tokenize(rest);
    let mut v: Vec<String> = find_terms(rest, &toks)
        .iter()
        .map(|h| display(h.term, "en"))
        .collect();
    for e in find_extras(rest) {
        if !v.iter().any(|x| fold(x) == fold(&e.text)) && lookup(&e.text).is_none() {
            v.push(e.text);
        }
    }
    if v.is_empty() {
        let t = rest
            .trim()
            .trim_matches(['"', '\'', '“', '”', '«', '»', '`', ','])
            .trim();
        if !t.is_empty() {
            v.push(t.to_string());
        }
    }
    v
}

/// Instruction clauses: sentences, and "… and <verb> …" parts ("highlight Rust and remove
/// Python" is two clauses; "add Rust and Go" stays one).
fn clauses(s: &str) -> Vec<String> {
    let starts_clause = |p: &str| {
        let f = fold(p);
        [&*REMOVE_RE, &*EMPH_RE, &*ADD_RE, &*ONE_PAGE_RE]
            .iter()
            .any(|re| {
                re.find(p)
                    .or_else(|| re.find(&f))
                    .is_some_and(|m| m.start() == 0)
            })
    };
    let mut out: Vec<String> = Vec::new();
    for sentence in CLAUSE_RE.split(s) {
        let mut current: Option<String> = None;
        for part in sentence.split(" and ") {
            match current.as_mut() {
                Some(c) if !starts_clause(part.trim()) => {
                    c.push_str(" and ");
                    c.push_str(part);
                }
                _ => {
                    out.extend(current.take());
                    current = Some(part.to_string());
                }
            }
        }
        out.extend(current);
    }
    out.into_iter()
        .map(|c| c.trim().trim_matches(',').trim().to_string())
        .filter(|c| !c.is_empty())
        .collect()
}

pub(crate) fn parse_instructions(s: &str, source: &str, ar: bool) -> Instructions {
    let mut out = Instructions::default();
    let missing = |x: &str| {
        if ar {
            format!("«{x}» غير موجود في سيرتك الذاتية، لذلك لم يُضف إليها.")
        } else {
            format!("\"{x}\" is not in your CV, so it was not added.")
        }
    };
    for clause in clauses(s) {
        let clause = clause.as_str();
        let f = fold(clause);
        if ONE_PAGE_RE.is_match(&f) {
            out.one_page = true;
            continue;
        }
        let cap = |re: &Regex| {
            re.captures(clause)
                .or_else(|| re.captures(&f))
                .and_then(|c| c.get(1).map(|m| m.as_str().to_string()))
        };
        if let Some(rest) = cap(&REMOVE_RE) {
            out.remove.extend(clause_targets(&rest));
        } else if let Some(rest) = cap(&EMPH_RE).or_else(|| cap(&ADD_RE)) {
            for t in clause_targets(&rest) {
                if mentions_text(source, &t) {
                    out.emphasize.push(t);
                } else {
                    out.gaps.push(missing(&t));
                }
            }
        } else {
            // anything else that names a skill the CV lacks is still a gap
            let toks = tokenize(clause);
            let absent: Vec<String> = find_terms(clause, &toks)
                .iter()
                .map(|h| display(h.term, "en"))
                .filter(|t| !mentions_text(source, t))
                .collect();
            if absent.is_empty() {
                out.gaps.push(if ar {
                    format!("لم تُطبَّق التعليمة «{clause}»: يفهم المخطط دون اتصال طلبات الإبراز والحذف والصفحة الواحدة.")
                } else {
                    format!("Instruction not applied: \"{clause}\" (the offline planner understands: emphasise, remove, one page).")
                });
            }
            out.gaps.extend(absent.iter().map(|t| missing(t)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_compile() {
        assert!(REMOVE_RE.is_match("remove Python"));
        assert!(EMPH_RE.is_match("highlight Rust"));
        assert!(ADD_RE.is_match("add Kubernetes"));
        assert!(ONE_PAGE_RE.is_match("one page"));
        assert_eq!(CLAUSE_RE.split("a. b; add Node.js").count(), 3);
    }

    #[test]
    fn instructions_split_into_emphasis_removal_and_gaps() {
        let src = "Rust and Python developer. Go services.";
        let i = parse_instructions(
            "Add Kubernetes. Highlight Rust; don't mention Python. Keep it to one page",
            src,
            false,
        );
        assert_eq!(i.emphasize, ["Rust"]);
        assert_eq!(i.remove, ["Python"]);
        assert!(i.one_page);
        assert_eq!(i.gaps.len(), 1, "{:?}", i.gaps);
        assert!(i.gaps[0].contains("Kubernetes"));

        let i = parse_instructions("Highlight Rust and remove Python and Go", src, false);
        assert_eq!(i.emphasize, ["Rust"]);
        assert_eq!(i.remove, ["Python", "Go"]);
        let i = parse_instructions("add Terraform and GraphQL", src, false);
        assert_eq!(i.gaps.len(), 2, "{:?}", i.gaps);
    }
}
