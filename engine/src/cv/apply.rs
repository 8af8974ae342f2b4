//! The CV editor: validate every change of a plan, apply the valid ones in order, report the
//! rest with a reason.

use crate::fold::{collapse_whitespace, tokenize};
use crate::terms::{display, find_terms, term_span};
use crate::types::{ParsedResume, SectionKind};
use crate::verifier::verify;

use super::facts::{NUMBER_WORDS, numbers};
use super::work::{Target, Work, parse_target, section_kind, section_name};
use super::{EditOp, EditPlan, EditReport, PlannedChange, RejectedChange, TailoredCv};

const MAX_HEADLINE: usize = 200;
const MAX_SUMMARY: usize = 1500;
const MAX_BULLET: usize = 600;

/// What the editor checks new text against: the source CV and its text.
struct Source<'a> {
    cv: &'a ParsedResume,
    text: String,
    numbers: Vec<String>,
    words: Vec<String>,
}

impl<'a> Source<'a> {
    fn new(cv: &'a ParsedResume) -> Self {
        let text = super::source_text(cv);
        let mut nums: Vec<String> = text.lines().flat_map(numbers).collect();
        nums.sort();
        nums.dedup();
        let mut words: Vec<String> = tokenize(&text).into_iter().map(|t| t.folded).collect();
        words.sort();
        words.dedup();
        Source {
            cv,
            text,
            numbers: nums,
            words,
        }
    }

    /// Does new text `s` stay within the source's facts? Runs the markdown verifier on it as
    /// one list item (employers, titles, skills, degrees, certifications, capitalised names,
    /// years) and adds a stricter number rule ("40%" needs a "40%", not just a "40").
    fn check_text(&self, s: &str) -> Result<(), String> {
        let md = format!("- {s}\n");
        let (_, warnings) = verify(&md, self.cv, &self.text);
        let mut problems: Vec<String> = warnings;
        for n in numbers(s) {
            let known = self.numbers.binary_search(&n).is_ok()
                || (!n.ends_with('%') && self.numbers.binary_search(&format!("{n}%")).is_ok())
                || n.split(',')
                    .all(|p| self.numbers.binary_search(&p.to_string()).is_ok());
            if !known {
                problems.push(format!("the number \"{n}\" is not in the source CV"));
            }
        }
        for t in tokenize(s) {
            if NUMBER_WORDS.contains(&t.folded.as_str())
                && self.words.binary_search(&t.folded).is_err()
            {
                problems.push(format!(
                    "the count \"{}\" is not in the source CV",
                    t.raw(s)
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!("not truthful: {}", problems.join("; ")))
        }
    }

    /// A rephrased bullet stays about its own role: every number and dictionary skill in it
    /// must already appear in that role (title, employer, dates, bullets). Moving "Rust" or
    /// "40 million" from one job to another would be an invented claim about that job.
    fn check_role(&self, role: usize, s: &str) -> Result<(), String> {
        let Some(e) = self.cv.experience.get(role) else {
            return Ok(());
        };
        let mut text = vec![e.company.clone(), e.title.clone()];
        text.extend(e.start.clone());
        text.extend(e.end.clone());
        text.extend(e.bullets.iter().cloned());
        let text = text.join("\n");
        let toks = tokenize(&text);
        let mut nums: Vec<String> = text.lines().flat_map(numbers).collect();
        nums.sort();
        let mut problems: Vec<String> = Vec::new();
        for n in numbers(s) {
            let known = nums.binary_search(&n).is_ok()
                || (!n.ends_with('%') && nums.binary_search(&format!("{n}%")).is_ok());
            if !known {
                problems.push(format!("\"{n}\""));
            }
        }
        for h in find_terms(s, &tokenize(s)) {
            if term_span(h.term, &text, &toks).is_none() {
                problems.push(format!("\"{}\"", display(h.term, "en")));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "not truthful for this role: {} does not appear in \"{} — {}\"",
                problems.join(", "),
                e.title,
                e.company
            ))
        }
    }
}

/// Apply `plan` to `cv`. Every change is validated first (the target exists, the op fits
/// the target, an order names only existing ids and none twice, new text adds no employer,
/// title, date, degree, certification, number or skill the CV does not contain, contact
/// details are never hidden, at least one role stays visible); valid changes are applied in
/// order, the others are reported in `rejected` with a readable reason.
pub fn apply(cv: &ParsedResume, plan: &EditPlan) -> (TailoredCv, EditReport) {
    let src = Source::new(cv);
    let mut work = Work::new(cv);
    let mut report = EditReport::default();
    for change in &plan.changes {
        let mut next = work.clone();
        match apply_one(&mut next, &src, change) {
            Ok(()) => {
                work = next;
                report.applied.push(change.clone());
            }
            Err(reason) => report.rejected.push(RejectedChange {
                change: change.clone(),
                reason,
            }),
        }
    }
    (work.finish(cv), report)
}

fn apply_one(w: &mut Work, src: &Source, c: &PlannedChange) -> Result<(), String> {
    let target = parse_target(&c.target)?;
    let cv = src.cv;
    let misfit = || format!("{} cannot apply to \"{}\"", op_name(c.op), c.target.trim());
    if target == Target::Contact {
        return Err(
            "contact details (name, e-mail, phone) are never changed or hidden".to_string(),
        );
    }
    exists(cv, target, &c.target)?;
    match c.op {
        EditOp::ReorderSections => {
            if target != Target::Sections {
                return Err(misfit());
            }
            let mut ids = Vec::new();
            for o in &c.order {
                let name = o.trim().trim_start_matches("sections/");
                let Some(k) = section_kind(name) else {
                    return Err(format!("\"{o}\" is not a section name"));
                };
                if k == SectionKind::Contact {
                    return Err("the contact header always comes first".to_string());
                }
                if !w.sections.contains(&k) {
                    return Err(format!("the CV has no \"{name}\" section to order"));
                }
                ids.push(k);
            }
            reorder(&mut w.sections, |k| *k, &ids, "section")?;
        }
        EditOp::ReorderEntries | EditOp::OrderSkills => {
            let Target::Section(kind) = target else {
                return Err(misfit());
            };
            if c.op == EditOp::OrderSkills && kind != SectionKind::Skills {
                return Err(misfit());
            }
            let name = section_name(kind);
            match kind {
                SectionKind::Experience => {
                    let ids = list_ids(&c.order, name, cv.experience.len(), None)?;
                    reorder(&mut w.roles, |r| r.id, &ids, "role")?;
                }
                SectionKind::Education => {
                    let ids = list_ids(&c.order, name, cv.education.len(), None)?;
                    reorder(&mut w.education, |r| r.id, &ids, "entry")?;
                }
                SectionKind::Skills => {
                    let ids = list_ids(&c.order, name, cv.skills.len(), Some(&cv.skills))?;
                    reorder(&mut w.skills, |r| r.id, &ids, "skill")?;
                }
                SectionKind::Certifications => {
                    let ids = list_ids(&c.order, name, cv.certifications.len(), None)?;
                    reorder(&mut w.certifications, |r| r.id, &ids, "certification")?;
                }
                SectionKind::Languages => {
                    let ids = list_ids(&c.order, name, cv.languages.len(), None)?;
                    reorder(&mut w.languages, |r| r.id, &ids, "language")?;
                }
                _ => return Err(misfit()),
            }
        }
        EditOp::ReorderBullets | EditOp::SelectBullets => {
            let Target::Role(i) = target else {
                return Err(misfit());
            };
            let n = cv.experience.get(i).map_or(0, |e| e.bullets.len());
            let prefix = format!("experience/{i}/bullets");
            let ids = list_ids(&c.order, &prefix, n, None)?;
            let role = w.role_mut(i).ok_or_else(misfit)?;
            if c.op == EditOp::SelectBullets {
                if ids.is_empty() {
                    return Err(
                        "select_bullets needs at least one bullet (use hide_item to hide a role)"
                            .to_string(),
                    );
                }
                reorder(&mut role.bullets, |b| b.id, &ids, "bullet")?;
                for b in &mut role.bullets {
                    b.hidden = !ids.contains(&b.id);
                }
            } else {
                reorder(&mut role.bullets, |b| b.id, &ids, "bullet")?;
            }
        }
        EditOp::RephraseBullet => {
            let Target::Bullet(i, j) = target else {
                return Err(misfit());
            };
            let text = new_text(c, MAX_BULLET)?;
            src.check_text(&text)?;
            src.check_role(i, &text)?;
            let b = w
                .role_mut(i)
                .and_then(|r| r.bullets.iter_mut().find(|b| b.id == j))
                .ok_or_else(misfit)?;
            b.text = text;
        }
        EditOp::WriteSummary => {
            if target != Target::Summary {
                return Err(misfit());
            }
            let text = new_text(c, MAX_SUMMARY)?;
            src.check_text(&text)?;
            w.summary = Some(text);
            w.hidden_sections.retain(|k| *k != SectionKind::Summary);
            if !w.sections.contains(&SectionKind::Summary) {
                w.sections.insert(0, SectionKind::Summary);
            }
        }
        EditOp::WriteHeadline => {
            if target != Target::Headline {
                return Err(misfit());
            }
            let text = new_text(c, MAX_HEADLINE)?;
            src.check_text(&text)?;
            w.headline = Some(text);
        }
        EditOp::HideItem => hide(w, target, &c.target)?,
    }
    Ok(())
}

fn op_name(op: EditOp) -> String {
    serde_json::to_value(op)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The target names something the CV has.
fn exists(cv: &ParsedResume, t: Target, path: &str) -> Result<(), String> {
    let ok = match t {
        Target::Role(i) => i < cv.experience.len(),
        Target::Bullet(i, j) => cv.experience.get(i).is_some_and(|e| j < e.bullets.len()),
        Target::Education(i) => i < cv.education.len(),
        Target::Skill(i) => i < cv.skills.len(),
        Target::Certification(i) => i < cv.certifications.len(),
        Target::Language(i) => i < cv.languages.len(),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "target \"{}\" does not exist in the CV",
            path.trim()
        ))
    }
}

/// The new text of a write/rephrase op: present, one paragraph, not too long.
fn new_text(c: &PlannedChange, max: usize) -> Result<String, String> {
    let t = collapse_whitespace(c.text.as_deref().unwrap_or(""))
        .trim()
        .to_string();
    if t.is_empty() {
        return Err(format!("{} needs a non-empty text", op_name(c.op)));
    }
    if t.chars().count() > max {
        return Err(format!("text is longer than {max} characters"));
    }
    Ok(t)
}

/// Ids in `order` for a list of `n` entries whose paths start with `prefix`: "prefix/3",
/// "3", or (for skills) the entry as written.
fn list_ids(
    order: &[String],
    prefix: &str,
    n: usize,
    names: Option<&[String]>,
) -> Result<Vec<usize>, String> {
    let mut out = Vec::new();
    for o in order {
        let s = o.trim();
        let rest = s
            .strip_prefix(prefix)
            .and_then(|r| r.strip_prefix('/'))
            .unwrap_or(s);
        let id = if !rest.is_empty() && rest.len() <= 6 && rest.bytes().all(|b| b.is_ascii_digit())
        {
            rest.parse::<usize>().ok()
        } else {
            names.and_then(|names| {
                names
                    .iter()
                    .position(|x| crate::fold::norm(x) == crate::fold::norm(s))
            })
        };
        match id {
            Some(i) if i < n => {
                if out.contains(&i) {
                    return Err(format!("\"{s}\" appears twice in the order"));
                }
                out.push(i);
            }
            _ => return Err(format!("\"{s}\" is not an entry of \"{prefix}\"")),
        }
    }
    Ok(out)
}

/// Put the entries named in `ids` first, in that order; the others follow in their current
/// order (a subset never loses entries).
fn reorder<T: Clone, K: PartialEq + Copy>(
    list: &mut Vec<T>,
    key: impl Fn(&T) -> K,
    ids: &[K],
    what: &str,
) -> Result<(), String> {
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            return Err(format!("a {what} appears twice in the order"));
        }
        if !list.iter().any(|x| key(x) == *id) {
            return Err(format!("the order names a {what} that is not in the CV"));
        }
    }
    let mut out: Vec<T> = ids
        .iter()
        .filter_map(|id| list.iter().find(|x| key(x) == *id).cloned())
        .collect();
    out.extend(list.iter().filter(|x| !ids.contains(&key(x))).cloned());
    *list = out;
    Ok(())
}

fn hide(w: &mut Work, t: Target, path: &str) -> Result<(), String> {
    let hide_in = |list: &mut [super::work::Item], id: usize| {
        for x in list.iter_mut().filter(|x| x.id == id) {
            x.hidden = true;
        }
    };
    match t {
        Target::Contact => {
            return Err("contact details are never hidden".to_string());
        }
        Target::Sections => return Err("hide_item cannot hide the section list".to_string()),
        Target::Role(i) => {
            let visible = w.roles.iter().filter(|r| !r.hidden && r.id != i).count();
            if visible == 0 {
                return Err("hiding this role would leave no experience in the CV".to_string());
            }
            if let Some(r) = w.role_mut(i) {
                r.hidden = true;
            }
        }
        Target::Bullet(i, j) => {
            if let Some(b) = w
                .role_mut(i)
                .and_then(|r| r.bullets.iter_mut().find(|b| b.id == j))
            {
                b.hidden = true;
            }
        }
        Target::Education(i) => hide_in(&mut w.education, i),
        Target::Skill(i) => hide_in(&mut w.skills, i),
        Target::Certification(i) => hide_in(&mut w.certifications, i),
        Target::Language(i) => hide_in(&mut w.languages, i),
        Target::Headline => w.headline = None,
        Target::Summary => {
            w.summary = None;
            w.hidden_sections.push(SectionKind::Summary);
        }
        Target::Section(SectionKind::Experience) => {
            return Err("the experience section is never hidden".to_string());
        }
        Target::Section(SectionKind::Contact) => {
            return Err("contact details are never hidden".to_string());
        }
        Target::Section(k) => {
            if !w.sections.contains(&k) {
                return Err(format!("the CV has no \"{}\" section", path.trim()));
            }
            if !w.hidden_sections.contains(&k) {
                w.hidden_sections.push(k);
            }
        }
    }
    Ok(())
}
