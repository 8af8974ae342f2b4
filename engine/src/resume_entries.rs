//! Parsing the inside of resume sections: experience entries, education entries, skills,
//! languages and certifications.

use std::sync::LazyLock;

use regex::Regex;

use crate::dates::{DateRange, find_date_range};
use crate::dict::{COMPANY_WORDS, INSTITUTION_WORDS, ROLE_WORDS};
use crate::fold::{ascii_digits, collapse_whitespace, fold};
use crate::textutil::{any_word_in, bullet_content, is_rule, md_level, strip_md, word_count};
use crate::types::Experience;

#[derive(Debug)]
enum Item {
    Blank,
    Bullet(String),
    Cont(String),
    Date(DateRange, String),
    Head(String, Option<DateRange>),
    Prose(String),
}

/// Folded words of a header part, ignoring a parenthetical.
fn part_words(p: &str) -> Vec<String> {
    let base = p.split('(').next().unwrap_or(p);
    fold(base)
        .split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .map(|w| w.trim_end_matches('.').to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

/// 2 when the first or last word is in `list`, 1 when another word is, else 0.
fn word_score(p: &str, list: &[&str]) -> i32 {
    let words = part_words(p);
    let inl = |w: &String| list.iter().any(|l| crate::textutil::word_eq(w, l));
    if words.first().is_some_and(inl) || words.last().is_some_and(inl) {
        2
    } else if words.iter().any(inl) {
        1
    } else {
        0
    }
}

fn role_score(p: &str) -> i32 {
    word_score(p, ROLE_WORDS)
}

fn company_score(p: &str) -> i32 {
    word_score(p, COMPANY_WORDS).max(word_score(p, INSTITUTION_WORDS))
}

fn is_role(p: &str) -> bool {
    role_score(p) > company_score(p)
}

fn is_company(p: &str) -> bool {
    company_score(p) > 0
}

fn is_locationish(s: &str) -> bool {
    let wc = word_count(s);
    wc > 0
        && wc <= 5
        && !any_word_in(s, ROLE_WORDS)
        && !any_word_in(s, COMPANY_WORDS)
        && !any_word_in(s, INSTITUTION_WORDS)
        && (s.contains([',', '،']) || wc <= 3)
}

fn trim_seps(s: &str) -> String {
    let mut t = s.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '|' | '·' | '•' | ',' | '،' | '-' | '–' | '—' | '*' | '_')
    });
    loop {
        let opens = t.matches('(').count();
        let closes = t.matches(')').count();
        let next = if t.ends_with('(') || (t.ends_with(')') && closes > opens) {
            &t[..t.len() - 1]
        } else if t.starts_with(')') || (t.starts_with('(') && opens > closes) {
            &t[1..]
        } else if t.starts_with('(') && t.ends_with(')') && opens == 1 && closes == 1 {
            &t[1..t.len() - 1]
        } else {
            break;
        };
        t = next.trim_matches(|c: char| {
            c.is_whitespace() || matches!(c, '|' | '·' | '•' | ',' | '،' | '-' | '–' | '—')
        });
    }
    t.to_string()
}

/// Remove the date span from a line, leaving a separator in its place.
fn without_span(line: &str, span: (usize, usize)) -> String {
    let (a, b) = span;
    let before = line.get(..a).unwrap_or("");
    let after = line.get(b..).unwrap_or("");
    let before = before.trim_end().trim_end_matches(['(', '[', ',', '،']);
    let after = after.trim_start().trim_start_matches([')', ']']);
    format!("{} | {}", before.trim_end(), after.trim_start())
}

fn classify(lines: &[&str]) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    let mut prev_line: Option<&str> = None;
    for &line in lines {
        let before = prev_line.replace(line);
        let prev_line = before;
        let t = line.trim();
        if t.is_empty() || is_rule(t) {
            items.push(Item::Blank);
            continue;
        }
        let prev_is_bullet = matches!(items.last(), Some(Item::Bullet(_) | Item::Cont(_)));
        // a wrapped bullet (PDF text): the previous bullet line did not end a sentence
        let prev_open = prev_is_bullet
            && prev_line.is_some_and(|p: &str| {
                !p.trim_end()
                    .ends_with(['.', ';', '!', '?', ':', '؛', '،', ')'])
            });
        if md_level(line) == 0 {
            if let Some(c) = bullet_content(line) {
                items.push(Item::Bullet(strip_md(c)));
                continue;
            }
            let indented = line.starts_with("  ") || line.starts_with('\t');
            let lower_start = t.chars().next().is_some_and(char::is_lowercase);
            if prev_is_bullet
                && (indented
                    || lower_start
                    || (prev_open && find_date_range(&ascii_digits(t)).is_none()))
            {
                items.push(Item::Cont(strip_md(t)));
                continue;
            }
        }
        let text = ascii_digits(&strip_md(line));
        let wc = word_count(&text);
        let strong_sep = [" — ", " – ", " | ", " · "]
            .iter()
            .any(|p| text.contains(p));
        if md_level(line) == 0 && !strong_sep && (wc >= 12 || (text.ends_with('.') && wc >= 8)) {
            items.push(Item::Prose(text));
            continue;
        }
        if let Some(dr) = find_date_range(&text) {
            let rest = without_span(&text, dr.span);
            let rest_clean = trim_seps(&rest.replace(" | ", " "));
            let rest_clean = collapse_whitespace(&rest_clean);
            if rest_clean.is_empty() || (is_locationish(&rest_clean) && !rest.contains(" — ")) {
                let loc = trim_seps(rest.trim_matches(|c: char| c == '|' || c.is_whitespace()));
                items.push(Item::Date(
                    dr,
                    collapse_whitespace(&loc.replace(" | ", " ")),
                ));
            } else {
                items.push(Item::Head(rest, Some(dr)));
            }
            continue;
        }
        items.push(Item::Head(text, None));
    }
    items
}

#[derive(Debug, Default)]
pub(crate) struct Draft {
    pub heads: Vec<String>,
    pub date: Option<DateRange>,
    pub location: Option<String>,
    pub bullets: Vec<String>,
}

fn group(items: Vec<Item>) -> Vec<Draft> {
    let mut drafts: Vec<Draft> = Vec::new();
    let next_is_date: Vec<bool> = (0..items.len())
        .map(|i| {
            matches!(
                items[i + 1..].iter().find(|x| !matches!(x, Item::Blank)),
                Some(Item::Date(..))
            )
        })
        .collect();
    for (i, item) in items.into_iter().enumerate() {
        match item {
            Item::Blank => {}
            Item::Head(text, date) => {
                // "Portland, OR" after an undated entry's bullets (PDF two-column layout):
                // that entry's location, its dates follow
                let short_place =
                    word_count(&text) <= 2 && role_score(&text) == 0 && company_score(&text) == 0;
                if date.is_none()
                    && (is_location_line(&text) || (short_place && next_is_date[i]))
                    && let Some(d) = drafts.last_mut()
                    && !d.bullets.is_empty()
                    && d.date.is_none()
                    && d.location.is_none()
                {
                    d.location = Some(trim_seps(&text));
                    continue;
                }
                let attach = drafts.last().is_some_and(|d| {
                    d.bullets.is_empty()
                        && !(d.date.is_some() && date.is_some())
                        && (d.date.is_none()
                            || d.heads.is_empty()
                            || (is_locationish(&text) && d.location.is_none())
                            || header_parts(&d.heads) < 2)
                });
                if attach && let Some(d) = drafts.last_mut() {
                    if d.date.is_some()
                        && header_parts(&d.heads) >= 2
                        && date.is_none()
                        && is_locationish(&text)
                    {
                        d.location = Some(trim_seps(&text));
                    } else {
                        d.heads.push(text);
                        if d.date.is_none() {
                            d.date = date;
                        }
                    }
                } else {
                    drafts.push(Draft {
                        heads: vec![text],
                        date,
                        ..Draft::default()
                    });
                }
            }
            Item::Date(dr, rest) => {
                // dates right after an undated entry's bullets belong to it (PDF layouts)
                let fits = drafts.last().is_some_and(|d| {
                    d.date.is_none() && (d.bullets.is_empty() || d.location.is_some())
                });
                let loc = (!rest.is_empty()).then_some(rest);
                match drafts.last_mut() {
                    Some(d) if fits => {
                        d.date = Some(dr);
                        if d.location.is_none() {
                            d.location = loc;
                        }
                    }
                    _ => drafts.push(Draft {
                        date: Some(dr),
                        location: loc,
                        ..Draft::default()
                    }),
                }
            }
            Item::Bullet(b) | Item::Prose(b) => match drafts.last_mut() {
                Some(d) => d.bullets.push(b),
                None => drafts.push(Draft {
                    bullets: vec![b],
                    ..Draft::default()
                }),
            },
            Item::Cont(c) => match drafts.last_mut().and_then(|d| d.bullets.last_mut()) {
                Some(last) => {
                    last.push(' ');
                    last.push_str(&c);
                }
                None => {
                    if let Some(d) = drafts.last_mut() {
                        d.bullets.push(c);
                    }
                }
            },
        }
    }
    // drafts without any header text hold stray bullets, and a draft that is only a
    // location and dates after the bullets (PDF two-column layouts) belongs to the entry
    // above it
    let mut out: Vec<Draft> = Vec::new();
    for mut d in drafts {
        let meta_only = d.bullets.is_empty()
            && !d.heads.is_empty()
            && d.heads
                .iter()
                .all(|h| is_locationish(h) && h.contains([',', '،']))
            && out.last().is_some_and(|p| p.date.is_none());
        if meta_only && let Some(prev) = out.last_mut() {
            prev.date = d.date.take();
            if prev.location.is_none() {
                prev.location = d.heads.first().map(|h| trim_seps(h));
            }
            continue;
        }
        if d.heads.is_empty() {
            if let Some(prev) = out.last_mut() {
                prev.bullets.extend(d.bullets);
                if prev.date.is_none() {
                    prev.date = d.date;
                }
            }
            continue;
        }
        out.push(d);
    }
    out
}

/// A header line that is only a place ("Omaha, NE", "الرياض، السعودية").
fn is_location_line(h: &str) -> bool {
    h.contains([',', '،']) && !h.contains(['|', '—', '–']) && is_locationish(h)
}

/// Number of non-location parts in a draft's header lines.
fn header_parts(heads: &[String]) -> usize {
    heads
        .iter()
        .filter(|h| !is_location_line(h))
        .flat_map(|h| split_header(h).0)
        .filter(|p| !(is_locationish(p) && p.contains([',', '،'])))
        .count()
}

pub(crate) static PAREN_TAIL_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.*\S)\s*\(([^()]*)\)\s*$").expect("static regex"));

/// Split a one-line header into parts; returns the parts and a location taken from a
/// trailing parenthetical in comma layouts ("Analyst, Acme (Denver, CO)").
pub(crate) fn split_header(line: &str) -> (Vec<String>, Option<String>) {
    let mut parts = vec![line.to_string()];
    for sep in [
        " — ", " – ", " - ", " | ", "|", " · ", " • ", "\t", " @ ", " at ", " لدى ", "   ",
    ] {
        parts = parts
            .iter()
            .flat_map(|p| p.split(sep).map(str::to_string).collect::<Vec<_>>())
            .collect();
    }
    // a part that is only a parenthetical ("(part-time)") qualifies the part before it
    let mut merged: Vec<String> = Vec::new();
    for p in parts {
        let t = p.trim();
        match merged.last_mut() {
            Some(last) if t.starts_with('(') && t.ends_with(')') => {
                last.push(' ');
                last.push_str(t);
            }
            _ => merged.push(p),
        }
    }
    parts = merged
        .into_iter()
        .map(|p| trim_seps(&p))
        .filter(|p| !p.is_empty())
        .collect();
    // Arabic "محاسب في شركة ..." — split before an organisation word
    let mut split_ar: Vec<String> = Vec::new();
    for p in parts {
        match p.find(" في ") {
            Some(i) if is_company(&p[i + " في ".len()..]) && is_role(&p[..i]) => {
                split_ar.push(p[..i].trim().to_string());
                split_ar.push(p[i + " في ".len()..].trim().to_string());
            }
            _ => split_ar.push(p),
        }
    }
    let mut parts = split_ar;
    let mut location = None;
    if parts.len() == 1 {
        let one = parts.remove(0);
        let mut body = one.clone();
        if let Some(c) = PAREN_TAIL_RE.captures(&one)
            && let (Some(b), Some(inner)) = (c.get(1), c.get(2))
            && b.as_str().contains([',', '،'])
        {
            body = b.as_str().to_string();
            location = Some(inner.as_str().trim().to_string());
        }
        let mut pieces: Vec<String> = Vec::new();
        for piece in split_commas(&body) {
            let piece = piece.as_str();
            let is_suffix = matches!(
                fold(piece).trim_end_matches('.'),
                "inc" | "ltd" | "llc" | "gmbh" | "co" | "corp" | "plc"
            );
            match pieces.last_mut() {
                Some(last) if is_suffix => {
                    last.push_str(", ");
                    last.push_str(piece);
                }
                _ => pieces.push(piece.to_string()),
            }
        }
        parts = pieces;
    }
    (parts, location)
}

/// Choose which header parts are the title and the company by scoring every pairing:
/// role words favour the title, organisation words the company, short "City, ST" parts
/// neither; ties go to the usual "Title — Company" order.
fn assign(parts: &[String]) -> (Option<usize>, Option<usize>) {
    let n = parts.len().min(6);
    if n == 0 {
        return (None, None);
    }
    let role: Vec<i32> = parts.iter().take(n).map(|p| role_score(p)).collect();
    let comp: Vec<i32> = parts.iter().take(n).map(|p| company_score(p)).collect();
    let loc: Vec<i32> = parts
        .iter()
        .take(n)
        .map(|p| i32::from(p.contains([',', '،']) && is_locationish(p) && role_score(p) == 0))
        .collect();
    let mut best = (i32::MIN, None, None);
    for t in 0..n {
        for c in (0..n).map(Some).chain([None]) {
            if c == Some(t) {
                continue;
            }
            let mut s = 2 * role[t] - comp[t] - loc[t];
            if let Some(c) = c {
                s += 2 * comp[c] - role[c] - loc[c] + 1;
                if t < c {
                    s += 1;
                }
            }
            if s > best.0 {
                best = (s, Some(t), c);
            }
        }
    }
    // a lone organisation name is a company line, not a title
    if n == 1 && comp[0] > role[0] {
        return (None, Some(0));
    }
    (best.1, best.2)
}

/// Entry drafts (header lines, dates, location, bullets) of an experience or education
/// section.
pub(crate) fn entry_drafts(lines: &[&str]) -> Vec<Draft> {
    group(classify(lines))
}

/// Parse the lines of a work-experience section.
pub(crate) fn parse_experience(lines: &[&str]) -> Vec<Experience> {
    let mut out: Vec<Experience> = Vec::new();
    for d in group(classify(lines)) {
        let mut parts: Vec<String> = Vec::new();
        let mut paren_loc = None;
        let mut date = d.date.clone();
        let mut line_loc = None;
        for h in &d.heads {
            if d.heads.len() > 1 && is_location_line(h) && line_loc.is_none() {
                line_loc = Some(trim_seps(h));
                continue;
            }
            let (p, loc) = split_header(h);
            parts.extend(p);
            paren_loc = paren_loc.or(loc);
        }
        let paren_loc = line_loc.or(paren_loc);
        if date.is_none() {
            date = d
                .heads
                .iter()
                .find_map(|h| find_date_range(&ascii_digits(h)));
        }
        let (ti, ci) = assign(&parts);
        let title = ti.map(|i| parts[i].clone()).unwrap_or_default();
        let company = match ci {
            Some(i) => parts[i].clone(),
            None => out
                .last()
                .map(|p: &Experience| p.company.clone())
                .unwrap_or_default(),
        };
        let other = (0..parts.len())
            .find(|i| Some(*i) != ti && Some(*i) != ci)
            .map(|i| parts[i].clone());
        let location = d
            .location
            .clone()
            .or(other)
            .or(paren_loc)
            .filter(|l| !l.is_empty());
        let (start, end, current) = match date {
            Some(dr) => (dr.start, dr.end, dr.current),
            None => (None, None, false),
        };
        if title.is_empty() && company.is_empty() {
            continue;
        }
        out.push(Experience {
            company,
            title,
            location,
            start,
            end,
            current,
            bullets: d.bullets,
        });
    }
    out
}

/// Split on commas that are not inside parentheses.
fn split_commas(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if matches!(c, ',' | '،') && depth <= 0 {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_compile() {
        assert!(PAREN_TAIL_RE.is_match("a (b)"));
    }

    #[test]
    fn header_splitting() {
        let (p, loc) = split_header("Senior Data Analyst, Greenbasket Grocers (Denver, CO)");
        assert_eq!(p, ["Senior Data Analyst", "Greenbasket Grocers"]);
        assert_eq!(loc.as_deref(), Some("Denver, CO"));
        let (p, _) = split_header(
            "مهندس شبكات أول — شركة جسور للحلول التقنية (Josour Tech Solutions) — عمّان",
        );
        assert_eq!(
            p,
            [
                "مهندس شبكات أول",
                "شركة جسور للحلول التقنية (Josour Tech Solutions)",
                "عمّان"
            ]
        );
        let (p, _) = split_header("Acme, Inc., Berlin");
        assert_eq!(p, ["Acme, Inc.", "Berlin"]);
    }
}
