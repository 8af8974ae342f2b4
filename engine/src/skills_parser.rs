//! Parsing skills sections: lists split on , ، ; • | ·, parenthetical sub-lists, labelled
//! lines ("Languages:", "Certifications:", "البرامج:") and the dictionary terms inside
//! longer items ("REST and gRPC API design" → REST, gRPC).

use crate::dates::{DateRange, find_date_range};
use crate::dict::LEVEL_WORDS;
use crate::fold::{ascii_digits, collapse_whitespace, fold, tokenize};
use crate::resume_entries::PAREN_TAIL_RE;
use crate::terms::{find_terms, is_language};
use crate::textutil::dedup_ci;
use crate::textutil::{bullet_content, is_rule, strip_md, word_count};

/// Split a list on , ، ; • | · (not inside parentheses).
fn split_items(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' | '[' => {
                depth += 1;
                cur.push(c);
            }
            ')' | ']' => {
                depth -= 1;
                cur.push(c);
            }
            ',' | '،' | ';' | '؛' | '•' | '|' | '·' if depth <= 0 => {
                out.push(std::mem::take(&mut cur));
            }
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|x| x.trim().trim_end_matches('.').trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

fn is_level_or_year(s: &str) -> bool {
    let f = collapse_whitespace(&fold(s));
    f.chars()
        .all(|c| c.is_ascii_digit() || c.is_whitespace() || c == '-')
        || LEVEL_WORDS.iter().any(|w| fold(w) == f)
}

/// "SQL (Snowflake, PostgreSQL)" → SQL, Snowflake, PostgreSQL; "Excel (advanced)" → Excel.
fn expand_item(item: &str) -> Vec<String> {
    if let Some(c) = PAREN_TAIL_RE.captures(item)
        && let (Some(base), Some(inner)) = (c.get(1), c.get(2))
    {
        let mut v = vec![base.as_str().trim().to_string()];
        for x in split_items(inner.as_str()) {
            if !is_level_or_year(&x) {
                v.push(x);
            }
        }
        return v;
    }
    vec![item.to_string()]
}

/// Dictionary terms inside an item that are not the whole item ("REST and gRPC API
/// design" → REST, gRPC), each as the shortest surface form written in the item.
fn derived_terms(item: &str) -> Vec<String> {
    let toks = tokenize(item);
    let hits = find_terms(item, &toks);
    let whole = collapse_whitespace(&fold(item));
    let mut by_term: Vec<(usize, String)> = Vec::new();
    for h in hits {
        let (Some(a), Some(b)) = (toks.get(h.start), toks.get(h.end.saturating_sub(1))) else {
            continue;
        };
        let surface = item[a.start..b.end].to_string();
        if collapse_whitespace(&fold(&surface)) == whole {
            continue;
        }
        match by_term.iter_mut().find(|(t, _)| *t == h.term) {
            Some((_, s)) if surface.chars().count() < s.chars().count() => *s = surface,
            Some(_) => {}
            None => by_term.push((h.term, surface)),
        }
    }
    by_term.into_iter().map(|(_, s)| s).collect()
}

fn push_with_derived(list: &mut Vec<String>, item: String) {
    let extra = derived_terms(&item);
    list.push(item);
    list.extend(extra);
}

/// Skills, languages and certifications found in a skills section.
#[derive(Debug, Default)]
pub(crate) struct SkillsOut {
    pub skills: Vec<String>,
    pub languages: Vec<String>,
    pub certifications: Vec<String>,
    /// Date ranges on lines of their own (a PDF's right column that landed here).
    pub stray_dates: Vec<DateRange>,
}

/// A "City, ST" line with no known skill in it.
fn is_place_line(line: &str) -> bool {
    let wc = word_count(line);
    line.contains([',', '،'])
        && wc <= 4
        && split_items(line)
            .iter()
            .all(|i| crate::terms::lookup(i).is_none() && !i.chars().any(|c| c.is_ascii_digit()))
}

/// Join wrapped lines: an indented or lowercase line without a bullet continues the
/// previous one.
fn logical_lines(lines: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for &l in lines {
        let t = l.trim();
        if t.is_empty() || is_rule(t) {
            continue;
        }
        if let Some(c) = bullet_content(l) {
            out.push(strip_md(c));
            continue;
        }
        let cont = (l.starts_with("  ") || t.chars().next().is_some_and(char::is_lowercase))
            && !out.is_empty();
        match out.last_mut() {
            Some(last) if cont => {
                last.push(' ');
                last.push_str(&strip_md(t));
            }
            _ => out.push(strip_md(t)),
        }
    }
    out
}

fn label_split(line: &str) -> Option<(String, String)> {
    let (label, rest) = line.split_once([':', '：'])?;
    (word_count(label) <= 4 && !rest.trim().is_empty())
        .then(|| (label.trim().to_string(), rest.trim().to_string()))
}

fn is_cert_label(label: &str) -> bool {
    let f = fold(label);
    ["certif", "licens", "licenc", "شهادات", "الشهادات", "الرخص"]
        .iter()
        .any(|w| f.contains(w))
}

fn is_lang_label(label: &str) -> bool {
    let f = fold(label);
    f.contains("language") || f.contains("اللغات") || f == "لغات"
}

fn is_language_item(item: &str) -> bool {
    let base = PAREN_TAIL_RE
        .captures(item)
        .and_then(|c| c.get(1))
        .map_or(item, |m| m.as_str());
    let base = base.split([':', '-']).next().unwrap_or(base);
    crate::terms::lookup(base).is_some_and(is_language)
}

/// Parse a skills section (including "Certifications:" / "Languages:" labelled lines).
pub(crate) fn parse_skills(lines: &[&str]) -> SkillsOut {
    let mut out = SkillsOut::default();
    for line in logical_lines(lines) {
        if let Some(dr) = find_date_range(&ascii_digits(&line)) {
            let rest = line.chars().count().saturating_sub(dr.span.1 - dr.span.0);
            if rest <= 4 {
                out.stray_dates.push(dr);
                continue;
            }
        }
        if is_place_line(&line) {
            continue;
        }
        let (label, rest) = match label_split(&line) {
            Some((l, r)) => (Some(l), r),
            None => (None, line.clone()),
        };
        let items = split_items(&rest);
        match label.as_deref() {
            Some(l) if is_cert_label(l) => {
                for it in items {
                    out.skills.extend(derived_terms(&it));
                    out.certifications.push(it);
                }
            }
            Some(l) if is_lang_label(l) && items.iter().all(|i| is_language_item(i)) => {
                out.languages.extend(items);
            }
            _ => {
                for it in items {
                    for x in expand_item(&it) {
                        push_with_derived(&mut out.skills, x);
                    }
                }
            }
        }
    }
    dedup_ci(&mut out.skills);
    out
}

/// Parse a languages section → (languages, skills that were listed there by mistake).
pub(crate) fn parse_languages(lines: &[&str]) -> (Vec<String>, Vec<String>) {
    let mut langs = Vec::new();
    let mut skills = Vec::new();
    for line in logical_lines(lines) {
        if let Some((label, rest)) = label_split(&line)
            && !is_language_item(&label)
        {
            let items = split_items(&rest);
            if items.iter().all(|i| is_language_item(i)) {
                langs.extend(items);
            } else {
                skills.extend(items);
            }
            continue;
        }
        if line.contains(':') {
            langs.push(line);
            continue;
        }
        let items = split_items(&line);
        // "Rust, Go, Python" under a "Languages" heading are programming languages
        let all_skills = !items.iter().any(|i| is_language_item(i))
            && items.iter().all(|i| crate::terms::lookup(i).is_some());
        if all_skills {
            skills.extend(items);
        } else {
            langs.extend(items);
        }
    }
    (langs, skills)
}

/// Parse a certifications section → (certifications, dictionary skills named in them).
pub(crate) fn parse_certifications(lines: &[&str]) -> (Vec<String>, Vec<String>) {
    let mut certs = Vec::new();
    let mut skills = Vec::new();
    for line in logical_lines(lines) {
        for it in split_items(&line) {
            skills.extend(derived_terms(&it));
            certs.push(it);
        }
    }
    (certs, skills)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skills_lines() {
        let s = parse_skills(&[
            "- **Languages:** Rust, Go, Python, SQL",
            "- **Practices:** REST and gRPC API design, OpenAPI",
            "  * Querying and modelling: SQL (Snowflake, PostgreSQL, SQL Server), dbt",
            "  • البرامج: SAP FI، Microsoft Excel (متقدم)، Power BI",
            "  • اللغات: العربية (اللغة الأم)، الإنجليزية (مستوى متقدم)",
            "- Certifications: CCNP Enterprise (2021), Fortinet NSE 4 (2020)",
        ]);
        for want in [
            "Rust",
            "Go",
            "SQL",
            "REST",
            "gRPC",
            "Snowflake",
            "SQL Server",
            "Microsoft Excel",
            "Power BI",
        ] {
            assert!(
                s.skills.iter().any(|x| x == want),
                "{want} missing from {:?}",
                s.skills
            );
        }
        assert_eq!(
            s.languages,
            ["العربية (اللغة الأم)", "الإنجليزية (مستوى متقدم)"]
        );
        assert_eq!(
            s.certifications,
            ["CCNP Enterprise (2021)", "Fortinet NSE 4 (2020)"]
        );
    }
}
