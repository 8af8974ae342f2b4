//! Rule-based job-description parsing: title, company, location, seniority, the
//! responsibilities / must-have / nice-to-have lists and keywords.

use crate::dict::{COMPANY_WORDS, JOB_HEADINGS, ROLE_WORDS};
use crate::fold::{collapse_whitespace, fold, tokenize};
use crate::headings::heading_key;
use crate::terms::{display, find_extras, find_terms, is_stop};
use crate::textutil::{
    any_word_in, bullet_content, detect_lang, is_all_caps, lang_from_hint, lines, md_level,
    sentence_spans, strip_md, word_count,
};
use crate::types::ParsedJob;
use crate::years::required_years;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Responsibilities,
    Requirements,
    Nice,
    Other,
}

fn known_role(s: &str) -> Option<Role> {
    let key = heading_key(s);
    if key.is_empty() {
        return None;
    }
    for (role, names) in JOB_HEADINGS {
        if names.iter().any(|n| heading_key(n) == key) {
            return Some(match *role {
                "responsibilities" => Role::Responsibilities,
                "requirements" => Role::Requirements,
                "nice" => Role::Nice,
                _ => Role::Other,
            });
        }
    }
    // "About Ledgerline", "About the team", "عن ..." — descriptive sections
    if (key.starts_with("about ") || key.starts_with("نبذه عن ") || key.starts_with("عن "))
        && word_count(&key) <= 5
    {
        return Some(Role::Other);
    }
    None
}

/// A heading line: (role, inline content after a colon).
fn heading_of(line: &str) -> Option<(Role, Option<String>)> {
    if bullet_content(line).is_some() && md_level(line) == 0 {
        return None;
    }
    let text = strip_md(line);
    if word_count(&text) <= 8
        && let Some(r) = known_role(&text)
    {
        return Some((r, None));
    }
    if let Some((head, rest)) = text.split_once([':', '：'])
        && word_count(head) <= 6
        && let Some(r) = known_role(head)
    {
        let rest = rest.trim();
        return Some((r, (!rest.is_empty()).then(|| rest.to_string())));
    }
    // unknown markdown or ALL-CAPS headings end the current list
    let short = word_count(&text) <= 6 && !text.ends_with('.');
    if short
        && (md_level(line) > 0 || (is_all_caps(&text) && text.chars().any(char::is_alphabetic)))
    {
        return Some((Role::Other, None));
    }
    None
}

const TITLE_LABELS: &[&str] = &[
    "job title",
    "title",
    "position",
    "role",
    "job",
    "المسمى الوظيفي",
    "الوظيفه",
    "المسمي الوظيفي",
    "المسمى",
    "اسم الوظيفه",
];
const COMPANY_LABELS: &[&str] = &[
    "company",
    "employer",
    "organisation",
    "organization",
    "hiring company",
    "الشركه",
    "اسم الشركه",
    "جهه العمل",
];
const LOCATION_LABELS: &[&str] = &[
    "location",
    "based in",
    "office",
    "work location",
    "job location",
    "الموقع",
    "المكان",
    "مكان العمل",
    "المدينه",
];

/// Value of a "Label: value" line when the label is one of `labels`.
fn labelled(line: &str, labels: &[&str]) -> Option<String> {
    let text = strip_md(bullet_content(line).unwrap_or(line));
    let (label, value) = text.split_once([':', '：'])?;
    let l = collapse_whitespace(&fold(label));
    let value = value.trim();
    (labels.iter().any(|x| fold(x) == l) && !value.is_empty()).then(|| value.to_string())
}

fn is_label_line(line: &str) -> bool {
    strip_md(line)
        .split_once([':', '：'])
        .is_some_and(|(l, _)| word_count(l) <= 4)
}

fn seniority_from_title(title: &str) -> Option<&'static str> {
    let f = fold(title);
    let words: Vec<&str> = f
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |list: &[&str]| words.iter().any(|w| list.iter().any(|l| fold(l) == *w));
    if has(&["principal", "distinguished"]) {
        Some("principal")
    } else if has(&[
        "lead", "staff", "head", "manager", "director", "رئيس", "قائد", "مدير",
    ]) {
        Some("lead")
    } else if has(&[
        "senior",
        "sr",
        "iii",
        "أول",
        "أولى",
        "كبير",
        "كبيرة",
        "خبير",
    ]) {
        Some("senior")
    } else if has(&[
        "junior",
        "jr",
        "graduate",
        "entry",
        "intern",
        "trainee",
        "مبتدئ",
        "مبتدئة",
        "متدرب",
        "متدربة",
    ]) {
        Some("junior")
    } else if has(&["mid", "intermediate", "ii"]) {
        Some("mid")
    } else {
        None
    }
}

fn seniority_from_years(years: u32) -> &'static str {
    match years {
        0..=1 => "junior",
        2..=4 => "mid",
        _ => "senior",
    }
}

/// Requirement cue words used when an ad has no requirements heading.
fn looks_like_requirement(s: &str) -> bool {
    let f = fold(s);
    [
        "experience",
        "knowledge",
        "proficien",
        "familiar",
        "degree",
        "must",
        "required",
        "years",
        "skills",
        "ability",
        "خبره",
        "معرفه",
        "اجاده",
        "شهاده",
        "درجه",
        "مهارات",
        "سنوات",
    ]
    .iter()
    .any(|w| f.contains(w))
}

/// Split a paragraph into requirement-sized items (sentences of 3+ words).
fn sentences(s: &str) -> Vec<String> {
    sentence_spans(s)
        .into_iter()
        .map(|(a, b)| s[a..b].trim().to_string())
        .filter(|x| word_count(x) >= 2)
        .collect()
}

fn company_candidate(line: &str, rest_of_text: &str) -> Option<String> {
    // "Ledgerline Payments · Remote · 2 weeks ago" (copied from a job board): the first part
    let full = strip_md(line);
    let board_meta = [" · ", " | ", " • "].iter().any(|sep| full.contains(sep));
    let t = [" · ", " | ", " • ", " - "].iter().fold(full, |acc, sep| {
        acc.split(sep).next().unwrap_or("").trim().to_string()
    });
    let wc = word_count(&t);
    if wc == 0 || wc > 7 || t.contains([':', '：']) || t.ends_with('.') || known_role(&t).is_some()
    {
        return None;
    }
    let first = t.split_whitespace().next().unwrap_or_default();
    let repeated = first.chars().count() >= 3 && rest_of_text.contains(first);
    (any_word_in(&t, COMPANY_WORDS) || repeated || board_meta).then_some(t)
}

/// Parse a job description (already NFKC-normalised). Never panics.
pub fn parse_job(text: &str, lang_hint: Option<&str>) -> ParsedJob {
    let text = &*crate::textutil::strip_invisible(text);
    let all = lines(text);
    let language = lang_from_hint(lang_hint)
        .unwrap_or_else(|| detect_lang(text))
        .to_string();
    let mut job = ParsedJob {
        language,
        ..ParsedJob::default()
    };

    for l in &all {
        if job.title.is_none() {
            job.title = labelled(l, TITLE_LABELS);
        }
        if job.company.is_none() {
            job.company = labelled(l, COMPANY_LABELS);
        }
        if job.location.is_none() {
            job.location = labelled(l, LOCATION_LABELS);
        }
    }
    let content: Vec<(usize, &str)> = all
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    // title: the first short line that is not a label or a section heading ("About the
    // job", "Job description" and similar are skipped)
    let mut title_at = None;
    if job.title.is_none() {
        for (k, (_, line)) in content.iter().enumerate().take(6) {
            let t = strip_md(line);
            let heading = heading_of(line).is_some_and(|(r, _)| {
                !(r == Role::Other && md_level(line) > 0 && known_role(&t).is_none())
            });
            if is_label_line(line) || heading {
                continue;
            }
            if word_count(&t) <= 14 && !t.ends_with('.') {
                let (title, company) = split_title_company(&t);
                job.title = Some(title);
                if job.company.is_none() {
                    job.company = company;
                }
                title_at = Some(k);
            }
            break;
        }
    }
    if job.company.is_none()
        && let Some((i, second)) = content.get(title_at.map_or(1, |k| k + 1))
    {
        let rest = all.get(i + 1..).map(|r| r.join("\n")).unwrap_or_default();
        job.company = company_candidate(second, &rest);
    }
    if job.company.is_none() {
        job.company = all.iter().find_map(|l| {
            let t = strip_md(l);
            let rest = t
                .strip_prefix("About ")
                .or_else(|| t.strip_prefix("about "))?;
            let generic = [
                "us",
                "the role",
                "the company",
                "the team",
                "you",
                "the job",
                "the position",
                "this role",
            ];
            (!generic.contains(&rest.to_lowercase().as_str())
                && word_count(rest) <= 5
                && !rest.ends_with('.'))
            .then(|| rest.trim_end_matches(':').to_string())
        });
    }

    // sections
    let mut role: Option<Role> = None;
    let mut any_heading = false;
    let start = title_at
        .and_then(|k| content.get(k))
        .map_or(0, |(i, _)| i + 1);
    for l in all.iter().skip(start) {
        if l.trim().is_empty() {
            continue;
        }
        if let Some((r, inline)) = heading_of(l) {
            role = Some(r);
            any_heading |= r != Role::Other;
            if let Some(x) = inline {
                push_items(&mut job, r, &x);
            }
            continue;
        }
        let Some(r) = role else { continue };
        let item = bullet_content(l)
            .map(strip_md)
            .unwrap_or_else(|| strip_md(l));
        if bullet_content(l).is_some() {
            push_item(&mut job, r, item);
        } else {
            push_items(&mut job, r, &item);
        }
    }
    if !any_heading {
        // no recognisable sections: requirement-like bullets, else sentences
        let bullets: Vec<String> = all
            .iter()
            .filter_map(|l| bullet_content(l))
            .map(strip_md)
            .collect();
        let pool: Vec<String> = if bullets.is_empty() {
            all.iter().flat_map(|l| sentences(&strip_md(l))).collect()
        } else {
            bullets
        };
        job.must_have = pool
            .into_iter()
            .filter(|s| looks_like_requirement(s))
            .collect();
    }

    job.seniority = job
        .title
        .as_deref()
        .and_then(seniority_from_title)
        .or_else(|| {
            job.must_have
                .iter()
                .find_map(|r| required_years(r))
                .map(seniority_from_years)
        })
        .map(str::to_string);
    job.keywords = extract_keywords(&job);
    job
}

fn push_item(job: &mut ParsedJob, role: Role, item: String) {
    if item.trim().is_empty() {
        return;
    }
    match role {
        Role::Responsibilities => job.responsibilities.push(item),
        Role::Requirements => job.must_have.push(item),
        Role::Nice => job.nice_to_have.push(item),
        Role::Other => {}
    }
}

fn push_items(job: &mut ParsedJob, role: Role, paragraph: &str) {
    if role == Role::Other {
        return;
    }
    let parts = sentences(paragraph);
    if parts.is_empty() && word_count(paragraph) >= 1 {
        push_item(job, role, paragraph.trim().to_string());
    }
    for p in parts {
        push_item(job, role, p);
    }
}

/// "Senior Engineer at Acme" / "Senior Engineer | Acme" → (title, company).
fn split_title_company(t: &str) -> (String, Option<String>) {
    for sep in [" at ", " @ ", " | ", " لدى ", " - ", " — "] {
        if let Some((a, b)) = t.split_once(sep) {
            let (a, b) = (a.trim(), b.trim());
            let b_is_company = any_word_in(b, COMPANY_WORDS) || (sep != " - " && sep != " — ");
            if !a.is_empty()
                && !b.is_empty()
                && any_word_in(a, ROLE_WORDS)
                && b_is_company
                && !any_word_in(b, ROLE_WORDS)
            {
                return (a.to_string(), Some(b.to_string()));
            }
        }
    }
    (t.to_string(), None)
}

/// Skill/tool names and domain terms from the requirements (must-have first, then nice to
/// have, then responsibilities), deduplicated case-insensitively.
fn extract_keywords(job: &ParsedJob) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut add = |name: String| {
        let k = collapse_whitespace(&fold(&name));
        if k.is_empty() || is_stop(&k) || seen.contains(&k) {
            return;
        }
        seen.push(k);
        out.push(name);
    };
    for line in job
        .must_have
        .iter()
        .chain(&job.nice_to_have)
        .chain(&job.responsibilities)
    {
        let toks = tokenize(line);
        let hits = find_terms(line, &toks);
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for h in &hits {
            add(display(h.term, &job.language));
            if let (Some(a), Some(b)) = (toks.get(h.start), toks.get(h.end.saturating_sub(1))) {
                spans.push((a.start, b.end));
            }
        }
        for e in find_extras(line) {
            if spans.iter().any(|&(a, b)| e.start < b && a < e.end) {
                continue;
            }
            add(e.text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_labels() {
        let j = parse_job(
            "Job title: Data Engineer\nCompany: Acme Corp\nLocation: Berlin\n\nRequirements: 3+ years with Python. Airflow experience.\nBonus: dbt",
            None,
        );
        assert_eq!(j.title.as_deref(), Some("Data Engineer"));
        assert_eq!(j.company.as_deref(), Some("Acme Corp"));
        assert_eq!(j.location.as_deref(), Some("Berlin"));
        assert_eq!(
            j.must_have,
            ["3+ years with Python.", "Airflow experience."]
        );
        assert_eq!(j.nice_to_have, ["dbt"]);
        assert_eq!(j.seniority.as_deref(), Some("mid"));
        assert!(j.keywords.contains(&"Python".to_string()));
    }

    #[test]
    fn title_at_company() {
        let j = parse_job(
            "Senior Rust Engineer at Ferrous Systems\n\nWhat we're looking for\n- Rust\n- Kubernetes (K8s)",
            None,
        );
        assert_eq!(j.title.as_deref(), Some("Senior Rust Engineer"));
        assert_eq!(j.company.as_deref(), Some("Ferrous Systems"));
        assert_eq!(j.seniority.as_deref(), Some("senior"));
        assert_eq!(j.keywords, ["Rust", "Kubernetes"]);
    }

    #[test]
    fn no_headings() {
        let j = parse_job(
            "We need someone.\n- 5 years of experience with Java\n- Fun team",
            None,
        );
        assert_eq!(j.must_have, ["5 years of experience with Java"]);
    }
}
