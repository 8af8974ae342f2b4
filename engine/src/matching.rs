//! Deciding whether a resume meets one requirement, with the resume passages that show it.
//!
//! A requirement is broken into components that must all hold:
//! - skill groups: dictionary terms (and acronyms) in the requirement, grouped by the words
//!   between them — "X or Y", "X/Y", "such as X, Y or Z" form any-of groups, "X and Y" all-of
//!   groups; a parenthetical without "or" ("SAP (FI/CO)") is detail, not a requirement;
//! - years: "6+ years" against the resume's years of experience;
//! - degree: "Bachelor's in Accounting" against the education entries;
//! - when none of these exist, word overlap of the requirement with the resume (≥ 60%).

use std::sync::LazyLock;

use regex::Regex;

use crate::fold::{fold, tokenize};
use crate::resume_index::{DEGREE_WORD_RE, ResumeIndex, UnitKind, level_of_word};
use crate::terms::{Hit, display, find_extras, find_terms, is_stop, term_span};
use crate::years::{claimed_years, required_years};

#[derive(Debug, Clone, PartialEq)]
enum What {
    Term(usize),
    Extra(String),
}

#[derive(Debug, Clone)]
struct Item {
    what: What,
    start: usize,
    end: usize,
    in_parens: bool,
}

/// The result of checking one requirement.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReqEval {
    pub met: bool,
    /// Fraction of components satisfied (0..=1).
    pub credit: f32,
    /// Names of requirement terms found in the resume.
    pub present: Vec<String>,
    /// Names of required terms not found (alternatives already satisfied are not listed).
    pub missing: Vec<String>,
    /// Evidence units with a relevance score (0..=1).
    pub evidence: Vec<(usize, f32)>,
    pub years_required: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Gap {
    Or,
    And,
    Comma,
    Other,
}

/// Remove balanced parenthetical groups; an unclosed "(" and what follows it stay.
fn strip_parens(s: &str) -> String {
    let mut stack: Vec<String> = vec![String::new()];
    for c in s.chars() {
        match c {
            '(' => stack.push(String::from('(')),
            ')' if stack.len() > 1 => {
                stack.pop();
            }
            _ => {
                if let Some(top) = stack.last_mut() {
                    top.push(c);
                }
            }
        }
    }
    stack.concat()
}

fn gap_kind(gap: &str) -> Gap {
    let g = fold(&strip_parens(gap));
    let words: Vec<&str> = g
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.iter().any(|w| *w == "or" || *w == "او") || g.contains('/') {
        Gap::Or
    } else if words.is_empty() {
        Gap::Comma
    } else if words
        .iter()
        .all(|w| matches!(*w, "and" | "و" | "plus" | "as" | "well"))
        || g.contains('&')
    {
        Gap::And
    } else {
        Gap::Other
    }
}

/// Split items into any-of / all-of groups by the words between them.
fn groups(req: &str, items: &[Item]) -> Vec<(bool /*any*/, Vec<usize>)> {
    let mut out: Vec<(bool, Vec<usize>)> = Vec::new();
    let mut prev: Option<usize> = None;
    for (i, it) in items.iter().enumerate() {
        let gap = prev.map(|p| gap_kind(req.get(items[p].end..it.start).unwrap_or("")));
        match (gap, out.last_mut()) {
            (Some(Gap::Other) | None, _) | (_, None) => out.push((false, vec![i])),
            (Some(g), Some(last)) => {
                last.1.push(i);
                if g == Gap::Or {
                    last.0 = true;
                }
            }
        }
        prev = Some(i);
    }
    out
}

static ELAB_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i):|\bincluding\b|\be\.g\.|\bsuch as\b|\blike\b|\bfor example\b|\bespecially\b|مثل|بما في ذلك|بما فيها|على سبيل المثال|خاصه").expect("static regex")
});

/// Dictionary terms and acronyms named by a requirement, in order; parenthetical details
/// and generic mentions ("another SQL framework") are left out.
fn requirement_items(req: &str) -> Vec<Item> {
    let toks = tokenize(req);
    let mut items: Vec<Item> = Vec::new();
    let paren_depth_at = |pos: usize| -> i32 {
        let before = req.get(..pos).unwrap_or("");
        before.matches('(').count() as i32 - before.matches(')').count() as i32
    };
    let paren_has_or = |pos: usize| -> bool {
        let before = req.get(..pos).unwrap_or("");
        let open = before.rfind('(').unwrap_or(0);
        let close = req
            .get(pos..)
            .and_then(|r| r.find(')'))
            .map_or(req.len(), |c| pos + c);
        let inner = fold(req.get(open..close).unwrap_or(""));
        inner
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "or" || w == "او")
    };
    let hits: Vec<Hit> = find_terms(req, &toks);
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for h in &hits {
        let (Some(a), Some(b)) = (toks.get(h.start), toks.get(h.end.saturating_sub(1))) else {
            continue;
        };
        spans.push((a.start, b.end));
        if items.iter().any(|i| i.what == What::Term(h.term)) {
            continue;
        }
        items.push(Item {
            what: What::Term(h.term),
            start: a.start,
            end: b.end,
            in_parens: false,
        });
    }
    for e in find_extras(req) {
        let dup = items
            .iter()
            .any(|i| matches!(&i.what, What::Extra(x) if fold(x) == fold(&e.text)));
        if dup || spans.iter().any(|&(a, b)| e.start < b && a < e.end) {
            continue;
        }
        items.push(Item {
            what: What::Extra(e.text.clone()),
            start: e.start,
            end: e.end,
            in_parens: false,
        });
    }
    items.sort_by_key(|i| i.start);
    for it in &mut items {
        it.in_parens = paren_depth_at(it.start) > 0 && !paren_has_or(it.start);
    }
    // a parenthetical detail after another item ("SAP (FI/CO)") is not a separate requirement
    let mut kept: Vec<Item> = Vec::new();
    for it in items {
        if it.in_parens && !kept.is_empty() {
            continue;
        }
        kept.push(it);
    }
    // "another SQL transformation framework", "a similar event-streaming platform": a
    // description of what else would do, not a named alternative
    kept.into_iter()
        .filter(|it| !generic_mention(req, it.start))
        .collect()
}

/// Any-of / all-of groups of the items; terms after "such as"/":"/"including" form (or join)
/// an any-of group. Returns the items the group indexes refer to.
fn skill_groups(req: &str, items: &[Item]) -> (Vec<Item>, Vec<(bool, Vec<usize>)>) {
    let elab = ELAB_RE.find(req).map(|m| (m.start(), fold(m.as_str())));
    let split_at = elab.as_ref().map_or(usize::MAX, |(p, _)| *p);
    let such_as = elab
        .as_ref()
        .is_some_and(|(_, w)| !w.contains(':') && !w.contains("including") && !w.contains("بما"));
    let head: Vec<Item> = items
        .iter()
        .filter(|i| i.start < split_at)
        .cloned()
        .collect();
    let tail: Vec<Item> = items
        .iter()
        .filter(|i| i.start >= split_at && matches!(i.what, What::Term(_)))
        .cloned()
        .collect();

    let mut all_items: Vec<Item> = head.clone();
    let mut gs: Vec<(bool, Vec<usize>)> = groups(req, &head);
    if !tail.is_empty() {
        let base = all_items.len();
        all_items.extend(tail.iter().cloned());
        let tail_idx: Vec<usize> = (base..all_items.len()).collect();
        match gs.last_mut() {
            Some(last) if such_as => {
                last.0 = true;
                last.1.extend(tail_idx);
            }
            _ => gs.push((true, tail_idx)),
        }
    }

    (all_items, gs)
}

fn item_present(idx: &ResumeIndex, it: &Item) -> bool {
    match &it.what {
        What::Term(t) => idx.has_term(*t),
        What::Extra(s) => idx.has_phrase(s),
    }
}

/// Check one requirement against the resume.
pub(crate) fn evaluate(req: &str, idx: &ResumeIndex, out_lang: &str) -> ReqEval {
    let mut items = requirement_items(req);
    // "Bachelor's degree in Finance, Accounting or Economics": the field is the degree
    // condition's business, not a list of skills the resume must name
    if let Some((_, Some(field))) = degree_requirement(req) {
        let ft = tokenize(&field);
        items.retain(|it| match &it.what {
            What::Term(t) => term_span(*t, &field, &ft).is_none(),
            What::Extra(x) => !crate::fold::contains_phrase(&ft, x),
        });
    }
    let (all_items, gs) = skill_groups(req, &items);
    let present_of = |it: &Item| item_present(idx, it);
    let name_of = |it: &Item| -> String {
        match &it.what {
            What::Term(t) => display(*t, out_lang),
            What::Extra(s) => s.clone(),
        }
    };

    let mut ev = ReqEval::default();
    let mut total = 0.0f32;
    let mut satisfied = 0.0f32;
    for (any, members) in &gs {
        total += 1.0;
        let pres: Vec<bool> = members.iter().map(|&m| present_of(&all_items[m])).collect();
        let ok = if *any {
            pres.iter().any(|p| *p)
        } else {
            pres.iter().all(|p| *p)
        };
        if ok {
            satisfied += 1.0;
        } else if !*any {
            satisfied += pres.iter().filter(|p| **p).count() as f32 / pres.len().max(1) as f32;
        }
        let mut absent: Vec<String> = Vec::new();
        for (k, &m) in members.iter().enumerate() {
            let name = name_of(&all_items[m]);
            if pres[k] {
                ev.present.push(name);
            } else if !ok && !absent.contains(&name) {
                absent.push(name);
            }
        }
        if *any && !absent.is_empty() {
            ev.missing
                .push(absent.join(if out_lang == "ar" { " أو " } else { " or " }));
        } else {
            ev.missing.extend(absent);
        }
    }

    let mut evidence_extra: Vec<(usize, f32)> = Vec::new();
    ev.years_required = required_years(req);
    if let Some(n) = ev.years_required {
        total += 1.0;
        if idx.years.is_some_and(|y| y >= n) {
            satisfied += 1.0;
            if let Some(u) = claim_unit(idx) {
                evidence_extra.push((u, 0.5));
            }
        }
    }
    if let Some((level, field)) = degree_requirement(req) {
        total += 1.0;
        let level_ok = idx.degree_level >= level;
        let field_ok = field.as_deref().is_none_or(|f| field_matches(f, idx));
        if level_ok && field_ok {
            satisfied += 1.0;
            if let Some(u) = best_unit_for_text(idx, &idx.edu_text) {
                evidence_extra.push((u, 0.6));
            }
        }
    }
    let role = role_clause(req);
    if let Some(alternatives) = &role {
        // "as a data analyst, product analyst or in a similar role"
        total += 1.0;
        if let Some(u) = alternatives.iter().find_map(|a| unit_with_phrase(idx, a)) {
            satisfied += 1.0;
            evidence_extra.push((u, 0.8));
        }
    }
    let only_years = gs.is_empty() && ev.years_required.is_some();
    let nothing = gs.is_empty() && ev.years_required.is_none() && degree_requirement(req).is_none();
    if role.is_none() && (only_years || nothing) {
        let (ratio, best) = overlap(req, idx);
        total += 1.0;
        if ratio >= 0.6 {
            satisfied += 1.0;
            evidence_extra.extend(best);
        } else {
            satisfied += ratio;
        }
    }
    ev.credit = if total > 0.0 {
        (satisfied / total).clamp(0.0, 1.0)
    } else {
        0.0
    };
    ev.met = total > 0.0 && (satisfied - total).abs() < 1e-6;

    ev.evidence = choose_evidence(idx, &all_items, evidence_extra, ev.met);
    ev
}

/// Evidence units: those naming most of the requirement's terms (experience bullets
/// first), then the units that showed years / degree / role.
fn choose_evidence(
    idx: &ResumeIndex,
    all_items: &[Item],
    extra: Vec<(usize, f32)>,
    met: bool,
) -> Vec<(usize, f32)> {
    // evidence: units naming the requirement's terms, best coverage first
    let present_items: Vec<&Item> = all_items.iter().filter(|i| item_present(idx, i)).collect();
    let mut scored: Vec<(usize, f32, UnitKind)> = Vec::new();
    if !present_items.is_empty() {
        for u in 0..idx.units.len() {
            let n = present_items
                .iter()
                .filter(|it| unit_has(idx, u, it))
                .count();
            if n > 0 {
                let cov = n as f32 / all_items.len().max(1) as f32;
                scored.push((u, cov, idx.units[u].kind));
            }
        }
    }
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    let mut chosen: Vec<(usize, f32)> = Vec::new();
    for (u, cov, _) in scored {
        if chosen.len() >= 2 {
            break;
        }
        chosen.push((u, 0.5 + 0.5 * cov.min(1.0)));
    }
    for (u, s) in extra {
        if chosen.len() < 3 && !chosen.iter().any(|(c, _)| *c == u) {
            chosen.push((u, s));
        }
    }
    if met && chosen.is_empty() {
        // e.g. a language requirement met because the resume is written in that language
        if let Some(u) = idx.units.iter().position(|x| x.kind == UnitKind::Summary) {
            chosen.push((u, 0.3));
        }
    }
    chosen
}

/// Is the term at byte `pos` introduced by "another", "other", "similar" or "any"?
fn generic_mention(req: &str, pos: usize) -> bool {
    let before = fold(req.get(..pos).unwrap_or(""));
    let last: Vec<&str> = before.split_whitespace().rev().take(2).collect();
    last.iter().any(|w| {
        matches!(
            *w,
            "another"
                | "other"
                | "similar"
                | "any"
                | "equivalent"
                | "اخر"
                | "اخري"
                | "مماثل"
                | "مماثله"
        )
    })
}

static ROLE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bas an?\s+([^.;:]+)|بصفه\s+([^.;:،]+)|كـ?\s?(محاسب[^.;:،]*)")
        .expect("static regex")
});

/// Role alternatives of an "as a data analyst, product analyst or in a similar role"
/// clause (without the vague "similar role" part).
fn role_clause(req: &str) -> Option<Vec<String>> {
    let f = fold(req);
    let c = ROLE_RE.captures(&f)?;
    let body = c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3))?.as_str();
    let alts: Vec<String> = body
        .split([',', '،', '/'])
        .flat_map(|p| p.split(" or ").map(str::to_string).collect::<Vec<_>>())
        .flat_map(|p| p.split(" او ").map(str::to_string).collect::<Vec<_>>())
        .map(|p| {
            // "corporate paralegal in a UK law firm" → "corporate paralegal"
            let p = [
                " in ", " at ", " for ", " with ", " within ", " في ", " لدى ",
            ]
            .iter()
            .fold(p.as_str(), |acc, sep| acc.split(sep).next().unwrap_or(acc));
            p.trim()
                .trim_start_matches("an ")
                .trim_start_matches("a ")
                .trim()
                .to_string()
        })
        .filter(|p| {
            !p.is_empty()
                && !p.contains("similar")
                && !p.contains("related")
                && !p.contains("مماثل")
        })
        .collect();
    (!alts.is_empty()).then_some(alts)
}

fn unit_with_phrase(idx: &ResumeIndex, phrase: &str) -> Option<usize> {
    let k = crate::fold::keys(phrase);
    (0..idx.units.len()).find(|&u| !crate::fold::find_keys(idx.unit_tokens(u), &k).is_empty())
}

fn claim_unit(idx: &ResumeIndex) -> Option<usize> {
    (0..idx.units.len()).find(|&u| claimed_years(idx.quote(u)).is_some())
}

fn best_unit_for_text(idx: &ResumeIndex, s: &str) -> Option<usize> {
    let want: Vec<String> = tokenize(s)
        .into_iter()
        .map(|t| t.key)
        .filter(|k| !is_stop(k))
        .collect();
    let mut best: Option<(usize, usize)> = None;
    for u in 0..idx.units.len() {
        let n = idx
            .unit_tokens(u)
            .iter()
            .filter(|t| want.contains(&t.key))
            .count();
        if n > 0 && best.is_none_or(|(_, bn)| n > bn) {
            best = Some((u, n));
        }
    }
    best.map(|(u, _)| u)
}

/// Required degree level and field ("Bachelor's degree in Accounting" → (2, "Accounting")).
fn degree_requirement(req: &str) -> Option<(u8, Option<String>)> {
    let f = fold(req);
    let levels: Vec<u8> = DEGREE_WORD_RE
        .captures_iter(&f)
        .filter_map(|c| {
            c.get(1)
                .or_else(|| c.get(2))
                .map(|m| level_of_word(m.as_str()))
        })
        .collect();
    let level = *levels.iter().min()?;
    static FIELD_RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:\bin\b|\bof science in\b|في)\s+([^.;()0-9]+)").expect("static regex")
    });
    // "بكالوريوس هندسة ميكانيكية", "بكالوريوس أو دبلوم تمريض": the field follows the
    // degree word directly
    static AR_FIELD_RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:بكالوريوس|ليسانس|دبلوم|ماجستير|دكتوراه)\s+([^.;،,()0-9]+)")
            .expect("static regex")
    });
    let ar_field = || {
        AR_FIELD_RE.captures_iter(&f).find_map(|c| {
            let m = c.get(1)?.as_str().trim();
            let first = m.split_whitespace().next()?;
            (!matches!(first, "او" | "في" | "من" | "مع" | "فني"))
                .then(|| m.split_whitespace().take(4).collect::<Vec<_>>().join(" "))
        })
    };
    let field = FIELD_RE
        .captures(&f)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
        .or_else(ar_field)
        .map(|m| {
            let m = m.as_str();
            let s = m;
            let s = s.split(" from ").next().unwrap_or(s);
            let s = s.split(" من ").next().unwrap_or(s);
            // "in Accounting, and 3 years …" / "in Finance with …": the field ends there
            let s = [
                ", and ",
                " and at ",
                " with ",
                " and experience",
                "، و",
                " مع ",
            ]
            .iter()
            .fold(s, |acc, sep| acc.split(sep).next().unwrap_or(acc));
            let s = s.trim_end_matches([',', '،', ' ']);
            s.trim().to_string()
        });
    Some((level, field.filter(|x| !x.is_empty())))
}

/// Does the resume's education name the required field? "Finance, Accounting or
/// Economics" needs one of them; a field is named by its words or, across languages, by a
/// known translation ("Accounting" / "المحاسبة").
fn field_matches(field: &str, idx: &ResumeIndex) -> bool {
    let f = fold(field);
    let alternatives: Vec<&str> = f
        .split([',', '،', '/'])
        .flat_map(|p| p.split(" or "))
        .flat_map(|p| p.split(" او "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if alternatives.len() > 1 {
        return alternatives
            .iter()
            .any(|a| field_alternative_matches(a, idx));
    }
    field_alternative_matches(field, idx)
}

fn field_alternative_matches(field: &str, idx: &ResumeIndex) -> bool {
    if translated_field(field, idx) {
        return true;
    }
    const GENERIC: &[&str] = &[
        "related",
        "field",
        "relevant",
        "equivalent",
        "similar",
        "accredited",
        "recognised",
        "recognized",
        "discipline",
        "quantitative",
        "technical",
        "subject",
        "area",
        "معترف",
        "مجال",
        "ذي",
        "صله",
        "مماثل",
    ];
    let want: Vec<String> = tokenize(field)
        .into_iter()
        .filter(|t| !is_stop(&t.folded) && !GENERIC.contains(&t.folded.as_str()))
        .map(|t| t.key)
        .collect();
    if want.is_empty() {
        return true;
    }
    let hit = want
        .iter()
        .filter(|k| idx.edu_tokens.iter().any(|t| &t.key == *k))
        .count();
    hit * 2 >= want.len()
}

/// A degree field named in one language and studied in the other ("Human Resources" /
/// "الموارد البشرية"): both sides are looked up in [`crate::dict::FIELD_TRANSLATIONS`].
fn translated_field(field: &str, idx: &ResumeIndex) -> bool {
    let f = crate::fold::keys(field);
    let edu: Vec<&str> = idx.edu_tokens.iter().map(|t| t.key.as_str()).collect();
    crate::dict::FIELD_TRANSLATIONS.iter().any(|(en, ar)| {
        let (ke, ka) = (crate::fold::keys(en), crate::fold::keys(ar));
        let named =
            |k: &[String], hay: &[String]| !k.is_empty() && hay.windows(k.len()).any(|w| w == k);
        let edu_has = |k: &[String]| {
            !k.is_empty()
                && edu
                    .windows(k.len())
                    .any(|w| w.iter().zip(k).all(|(a, b)| *a == b))
        };
        (named(&ke, &f) && edu_has(&ka)) || (named(&ka, &f) && edu_has(&ke))
    })
}

/// Share of the requirement's content words found in the resume, with the best units.
fn overlap(req: &str, idx: &ResumeIndex) -> (f32, Vec<(usize, f32)>) {
    let mut want: Vec<String> = Vec::new();
    for t in tokenize(req) {
        if is_stop(&t.folded)
            || t.folded.chars().all(|c| c.is_ascii_digit())
            || t.folded.chars().count() < 2
        {
            continue;
        }
        if !want.contains(&t.key) {
            want.push(t.key);
        }
    }
    if want.is_empty() {
        return (0.0, Vec::new());
    }
    let found = want
        .iter()
        .filter(|k| idx.tokens.iter().any(|t| &t.key == *k))
        .count();
    let ratio = found as f32 / want.len() as f32;
    let mut best: Vec<(usize, usize)> = (0..idx.units.len())
        .map(|u| {
            (
                u,
                want.iter()
                    .filter(|k| idx.unit_tokens(u).iter().any(|t| &t.key == *k))
                    .count(),
            )
        })
        .filter(|(_, n)| *n >= 2)
        .collect();
    best.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let units = best
        .into_iter()
        .take(2)
        .map(|(u, n)| (u, (n as f32 / want.len() as f32).min(1.0)))
        .collect();
    (ratio, units)
}

fn unit_has(idx: &ResumeIndex, u: usize, item: &Item) -> bool {
    let toks = idx.unit_tokens(u);
    match &item.what {
        What::Term(t) => term_span(*t, idx.text, toks).is_some(),
        What::Extra(s) => crate::fold::contains_phrase(toks, s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_compile() {
        assert!(ELAB_RE.is_match("such as"));
        assert!(ROLE_RE.is_match("as a data analyst"));
    }

    #[test]
    fn role_clauses_and_generic_mentions() {
        assert_eq!(
            role_clause(
                "3+ years of experience as a data analyst, product analyst or in a similar role."
            ),
            Some(vec![
                "data analyst".to_string(),
                "product analyst".to_string()
            ])
        );
        assert_eq!(role_clause("Strong SQL"), None);
        let r = "Experience with dbt or another SQL transformation framework.";
        assert!(generic_mention(r, r.find("SQL").unwrap()));
        assert!(!generic_mention(r, r.find("dbt").unwrap()));
    }

    #[test]
    fn gaps() {
        assert_eq!(gap_kind(" or "), Gap::Or);
        assert_eq!(gap_kind(" (or "), Gap::Or);
        assert_eq!(gap_kind("/"), Gap::Or);
        assert_eq!(gap_kind(" and "), Gap::And);
        assert_eq!(gap_kind(", "), Gap::Comma);
        assert_eq!(gap_kind(" on "), Gap::Other);
        assert_eq!(gap_kind(" (وحدة FI/CO) أو "), Gap::Or);
    }

    #[test]
    fn degrees() {
        assert_eq!(
            degree_requirement("درجة البكالوريوس في المحاسبة من جامعة معترف بها."),
            Some((2, Some("المحاسبه".into())))
        );
        assert_eq!(degree_requirement("Strong SQL"), None);
    }
}
