//! The offline planner: a conservative tailoring plan built only from the CV's own facts.

use crate::dates::year_of;
use crate::fold::{collapse_whitespace, fold};
use crate::terms::{is_language, lookup};
use crate::textutil::sentence_spans;
use crate::types::{ParsedJob, ParsedResume, SectionKind};
use crate::years::claim_phrase;

use super::instructions::parse_instructions;
use super::relevance::{
    Want, arabic_share, best_role, hits, join_list, mentions_text, score, wants,
};
use super::work::{CANONICAL, default_sections, has_content, section_name};
use super::{EditOp, EditPlan, PlannedChange, source_text};

/// Bullets kept per role (the best ones for the job); fewer are kept as they are.
const MAX_BULLETS: usize = 6;
const ONE_PAGE_BULLETS: usize = 3;
/// Skills named in the written summary and headline.
const SUMMARY_SKILLS: usize = 4;
const HEADLINE_SKILLS: usize = 3;
/// A role is hidden only when it ended this many years before the CV's newest date and has
/// nothing the job asks for (and at least two roles stay).
const OLD_ROLE_YEARS: i32 = 15;

/// Safe rewrites of a bullet: bullet glyphs and extra spaces removed, doubled end
/// punctuation reduced. Words (and their case) are never changed.
fn tidy_bullet(b: &str) -> String {
    let t = collapse_whitespace(b);
    let t = t
        .trim()
        .trim_start_matches(['•', '▪', '◦', '●', '-', '*', '–', '·'])
        .trim();
    let mut s: String = t.to_string();
    loop {
        if s.ends_with("..") && !s.ends_with("...") {
            s.pop();
        } else if s.ends_with(" .") {
            s.pop();
            s.truncate(s.trim_end().len());
            s.push('.');
        } else {
            break;
        }
    }
    s
}

fn change(
    op: EditOp,
    target: impl Into<String>,
    order: Vec<String>,
    text: Option<String>,
    reason: String,
    requirement: Option<String>,
) -> PlannedChange {
    PlannedChange {
        op,
        target: target.into(),
        order,
        text,
        reason,
        requirement,
    }
}

/// A tailoring plan for `job` in output language `lang` ("en"/"ar"), and the requests in
/// `instructions` the CV cannot support (gaps; never planned).
///
/// The plan: a headline and summary written from the CV's own title, dates, employer and
/// skills; the job's skills first; each role's bullets ordered by what the job asks for and
/// at most six kept; sections ordered by relevance; very old roles with nothing relevant
/// hidden; bullets tidied (spacing, bullet glyphs) without new words.
pub fn plan(
    cv: &ParsedResume,
    job: &ParsedJob,
    lang: &str,
    instructions: Option<&str>,
) -> (EditPlan, Vec<String>) {
    let ar = lang == "ar";
    let tr = |en: String, arabic: String| if ar { arabic } else { en };
    let source = source_text(cv);
    let ins = instructions
        .map(|s| parse_instructions(s, &source, ar))
        .unwrap_or_default();
    let removed = |text: &str| ins.remove.iter().any(|r| mentions_text(text, r));
    let wants: Vec<Want> = wants(job, &ins.emphasize)
        .into_iter()
        .filter(|w| !ins.remove.iter().any(|r| fold(r) == fold(&w.keyword)))
        .collect();
    let job_title = job.title.clone().unwrap_or_default();
    let mut changes: Vec<PlannedChange> = Vec::new();
    let max_bullets = if ins.one_page {
        ONE_PAGE_BULLETS
    } else {
        MAX_BULLETS
    };

    // skills: the ones the job asks for first (stable), removed ones hidden
    let mut ranked: Vec<(u32, usize)> = cv
        .skills
        .iter()
        .enumerate()
        .map(|(i, s)| (score(s, &wants), i))
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let front: Vec<&String> = ranked
        .iter()
        .filter(|(s, _)| *s > 0)
        .filter_map(|(_, i)| cv.skills.get(*i))
        .collect();
    if ranked.iter().enumerate().any(|(pos, (_, i))| pos != *i) {
        let names: Vec<String> = front.iter().take(8).map(|s| s.to_string()).collect();
        let req = front
            .first()
            .and_then(|s| hits(s, &wants).first().and_then(|w| w.requirement.clone()));
        changes.push(change(
            EditOp::OrderSkills,
            "skills",
            ranked.iter().map(|(_, i)| format!("skills/{i}")).collect(),
            None,
            tr(
                format!("Skills the job asks for come first: {}.", names.join(", ")),
                format!("قُدّمت المهارات التي تطلبها الوظيفة: {}.", names.join("، ")),
            ),
            req,
        ));
    }
    for (i, s) in cv.skills.iter().enumerate() {
        if removed(s) {
            changes.push(change(
                EditOp::HideItem,
                format!("skills/{i}"),
                vec![],
                None,
                tr(
                    format!("Hidden as you asked: \"{s}\"."),
                    format!("أُخفيت بناءً على طلبك: «{s}»."),
                ),
                None,
            ));
        }
    }

    // experience: bullets by relevance, at most `max_bullets` kept, tidy text
    let newest_year = cv
        .experience
        .iter()
        .flat_map(|e| [e.start.as_deref(), e.end.as_deref()])
        .chain(cv.education.iter().map(|e| e.end.as_deref()))
        .flatten()
        .filter_map(year_of)
        .max();
    let mut visible_roles = cv.experience.len();
    let mut exp_score = 0;
    for (ri, e) in cv.experience.iter().enumerate() {
        let scored: Vec<(u32, usize)> = e
            .bullets
            .iter()
            .enumerate()
            .map(|(bi, b)| (score(b, &wants), bi))
            .collect();
        let role_score: u32 = scored.iter().map(|s| s.0).sum::<u32>() + score(&e.title, &wants);
        exp_score += role_score;
        let ended = if e.current {
            None
        } else {
            e.end.as_deref().and_then(year_of)
        };
        let old = matches!((ended, newest_year), (Some(end), Some(newest)) if newest - end >= OLD_ROLE_YEARS);
        if old && role_score == 0 && visible_roles > 2 {
            visible_roles -= 1;
            changes.push(change(
                EditOp::HideItem,
                format!("experience/{ri}"),
                vec![],
                None,
                tr(
                    format!(
                        "\"{} — {}\" ended more than {OLD_ROLE_YEARS} years before your latest role and mentions nothing this job asks for.",
                        e.title, e.company
                    ),
                    format!(
                        "أُخفيت «{} — {}» لأنها انتهت قبل أكثر من {OLD_ROLE_YEARS} عامًا من أحدث تاريخ في سيرتك ولا تذكر شيئًا تطلبه الوظيفة.",
                        e.title, e.company
                    ),
                ),
                None,
            ));
            continue;
        }
        let mut order: Vec<(u32, usize)> = scored
            .iter()
            .copied()
            .filter(|(_, bi)| !e.bullets.get(*bi).is_some_and(|b| removed(b)))
            .collect();
        order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let dropped_by_user = order.len() < e.bullets.len();
        let top_hits: Vec<&Want> = order
            .iter()
            .take(2)
            .filter_map(|(_, bi)| e.bullets.get(*bi))
            .flat_map(|b| hits(b, &wants))
            .fold(Vec::new(), |mut acc: Vec<&Want>, w| {
                if !acc.iter().any(|x| x.keyword == w.keyword) {
                    acc.push(w);
                }
                acc
            });
        let names: Vec<String> = top_hits.iter().map(|w| w.keyword.clone()).collect();
        let req = top_hits.iter().find_map(|w| w.requirement.clone());
        let ids = |v: &[(u32, usize)]| -> Vec<String> {
            v.iter()
                .map(|(_, bi)| format!("experience/{ri}/bullets/{bi}"))
                .collect()
        };
        let reordered = order.iter().enumerate().any(|(pos, (_, bi))| pos != *bi);
        if (order.len() > max_bullets || dropped_by_user) && !order.is_empty() {
            let keep = &order[..order.len().min(max_bullets)];
            changes.push(change(
                EditOp::SelectBullets,
                format!("experience/{ri}"),
                ids(keep),
                None,
                tr(
                    format!(
                        "Kept the {} bullets most relevant to the job{}.",
                        keep.len(),
                        if names.is_empty() {
                            String::new()
                        } else {
                            format!(", led by those that mention {}", join_list(&names, false))
                        }
                    ),
                    format!(
                        "أُبقيت أكثر {} نقاط صلة بالوظيفة{}.",
                        keep.len(),
                        if names.is_empty() {
                            String::new()
                        } else {
                            format!("، وفي مقدمتها ما يذكر {}", join_list(&names, true))
                        }
                    ),
                ),
                req.clone(),
            ));
        } else if reordered {
            changes.push(change(
                EditOp::ReorderBullets,
                format!("experience/{ri}"),
                ids(&order),
                None,
                if names.is_empty() {
                    tr(
                        "Bullets ordered by relevance to the job.".into(),
                        "رُتّبت النقاط حسب صلتها بالوظيفة.".into(),
                    )
                } else {
                    tr(
                        format!(
                            "Bullets that mention {} come first because the job asks for them.",
                            join_list(&names, false)
                        ),
                        format!(
                            "قُدّمت النقاط التي تذكر {} لأن الوظيفة تطلبها.",
                            join_list(&names, true)
                        ),
                    )
                },
                req.clone(),
            ));
        }
        for (bi, b) in e.bullets.iter().enumerate() {
            let t = tidy_bullet(b);
            if !t.is_empty() && t != *b && !removed(b) {
                changes.push(change(
                    EditOp::RephraseBullet,
                    format!("experience/{ri}/bullets/{bi}"),
                    vec![],
                    Some(t),
                    tr(
                        "Tidied the bullet (spacing and punctuation only).".into(),
                        "تنسيق النقطة (المسافات وعلامات الترقيم فقط).".into(),
                    ),
                    None,
                ));
            }
        }
    }

    // certifications: the relevant ones first
    let mut certs: Vec<(u32, usize)> = cv
        .certifications
        .iter()
        .enumerate()
        .map(|(i, c)| (score(c, &wants), i))
        .collect();
    certs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let cert_score: u32 = certs.iter().map(|c| c.0).sum();
    if certs.iter().enumerate().any(|(pos, (_, i))| pos != *i) {
        changes.push(change(
            EditOp::ReorderEntries,
            "certifications",
            certs
                .iter()
                .map(|(_, i)| format!("certifications/{i}"))
                .collect(),
            None,
            tr(
                "Certifications that match the job come first.".into(),
                "قُدّمت الشهادات المرتبطة بالوظيفة.".into(),
            ),
            None,
        ));
    }

    // headline and summary from the CV's own facts
    let role = best_role(cv, job, ar);
    let skill_names: Vec<String> = ranked
        .iter()
        .filter(|(s, _)| *s > 0)
        .filter_map(|(_, i)| cv.skills.get(*i))
        .filter(|s| s.split_whitespace().count() <= 4 && !removed(s))
        .filter(|s| lookup(s).is_none_or(|t| !is_language(t)))
        .fold(Vec::new(), |mut acc: Vec<String>, s| {
            // "REST" after "REST and gRPC API design" adds nothing
            if !acc
                .iter()
                .any(|a| mentions_text(a, s) || mentions_text(s, a))
            {
                acc.push(s.clone());
            }
            acc
        });
    let top_req = wants
        .iter()
        .filter(|w| w.requirement.is_some())
        .find(|w| skill_names.iter().any(|s| mentions_text(s, &w.keyword)))
        .and_then(|w| w.requirement.clone());
    if let Some(role) = &role {
        let hs: Vec<String> = skill_names.iter().take(HEADLINE_SKILLS).cloned().collect();
        let headline = if hs.is_empty() {
            role.clone()
        } else {
            format!("{role} · {}", hs.join(" · "))
        };
        if cv.headline.as_deref().map(collapse_whitespace) != Some(collapse_whitespace(&headline)) {
            changes.push(change(
                EditOp::WriteHeadline,
                "headline",
                vec![],
                Some(headline),
                tr(
                    format!(
                        "Headline aimed at the {} role, from your own title and matching skills.",
                        if job_title.is_empty() {
                            "advertised"
                        } else {
                            &job_title
                        }
                    ),
                    format!(
                        "عنوان موجّه لوظيفة {}، من مسمّاك الوظيفي ومهاراتك المطابقة.",
                        if job_title.is_empty() {
                            "المعلنة"
                        } else {
                            &job_title
                        }
                    ),
                ),
                top_req.clone(),
            ));
        }
    }
    if let Some(summary) = write_summary(cv, role.as_deref(), &skill_names, ar, &removed) {
        changes.push(change(
            EditOp::WriteSummary,
            "summary",
            vec![],
            Some(summary),
            tr(
                format!(
                    "Summary aimed at the {} role, written only from your own title, dates, employer and skills.",
                    if job_title.is_empty() { "advertised" } else { &job_title }
                ),
                format!(
                    "ملخص موجّه لوظيفة {}، مكتوب من مسمّاك وتواريخك وجهة عملك ومهاراتك فقط.",
                    if job_title.is_empty() { "المعلنة" } else { &job_title }
                ),
            ),
            top_req,
        ));
    }

    // sections by relevance
    let skill_score: u32 = ranked.iter().map(|r| r.0).sum();
    let mut order: Vec<SectionKind> = CANONICAL
        .iter()
        .copied()
        .filter(|k| has_content(cv, *k) || *k == SectionKind::Summary)
        .collect();
    if exp_score == 0 && skill_score > 0 {
        order.retain(|k| *k != SectionKind::Skills);
        let at = order
            .iter()
            .position(|k| *k == SectionKind::Experience)
            .unwrap_or(order.len());
        order.insert(at, SectionKind::Skills);
    }
    if cert_score > 0
        && let Some(at) = order.iter().position(|k| *k == SectionKind::Education)
    {
        order.retain(|k| *k != SectionKind::Certifications);
        order.insert(at, SectionKind::Certifications);
    }
    let has_summary = changes.iter().any(|c| c.op == EditOp::WriteSummary)
        || has_content(cv, SectionKind::Summary);
    if !has_summary {
        order.retain(|k| *k != SectionKind::Summary);
    }
    let mut current = default_sections(cv);
    if has_summary && !current.contains(&SectionKind::Summary) {
        current.insert(0, SectionKind::Summary);
    }
    order.retain(|k| current.contains(k));
    if order != current {
        changes.push(change(
            EditOp::ReorderSections,
            "sections",
            order.iter().map(|k| section_name(*k).to_string()).collect(),
            None,
            tr(
                "Sections ordered by what the job looks at first.".into(),
                "رُتّبت الأقسام حسب أهميتها للوظيفة.".into(),
            ),
            None,
        ));
    }

    (EditPlan { changes }, ins.gaps)
}

/// The tailored summary: an opening line from the CV's own title, first year (or its own
/// years claim), matching skills and current employer, then the CV's own summary sentences
/// that are in the output script.
fn write_summary(
    cv: &ParsedResume,
    role: Option<&str>,
    skills: &[String],
    ar: bool,
    removed: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let own: Vec<String> = cv
        .summary
        .as_deref()
        .map(|s| {
            sentence_spans(s)
                .into_iter()
                .map(|(a, b)| s[a..b].trim().to_string())
                .filter(|x| !removed(x) && arabic_share(x) == ar)
                .collect()
        })
        .unwrap_or_default();
    let own_text = own.join(" ");
    let first_year = cv
        .experience
        .iter()
        .filter_map(|e| e.start.as_deref().and_then(year_of))
        .min();
    let claim = cv.summary.as_deref().and_then(claim_phrase);
    let skills: Vec<String> = skills.iter().take(SUMMARY_SKILLS).cloned().collect();
    let sk = join_list(&skills, ar);
    let latest = cv
        .experience
        .iter()
        .find(|e| e.current)
        .or(cv.experience.first());
    let role_txt = role
        .map(str::to_string)
        .or_else(|| latest.map(|e| e.title.clone()))?;
    let mut lead = if ar {
        match (first_year, sk.is_empty()) {
            (Some(y), false) => format!("{role_txt} بخبرة عملية منذ عام {y} في {sk}."),
            (Some(y), true) => format!("{role_txt} بخبرة عملية منذ عام {y}."),
            (None, false) => format!("{role_txt} بخبرة في {sk}."),
            (None, true) => format!("{role_txt}."),
        }
    } else {
        let claim_in_own = claim.as_deref().is_some_and(|c| own_text.contains(c));
        match (&claim, first_year, sk.is_empty()) {
            (_, _, false) if claim_in_own => format!("{role_txt} skilled in {sk}."),
            (Some(c), _, false) => format!("{role_txt} with {c} of experience in {sk}."),
            (None, Some(y), false) => format!("{role_txt} with experience since {y} in {sk}."),
            (_, _, false) => format!("{role_txt} skilled in {sk}."),
            (Some(c), _, true) if !claim_in_own => format!("{role_txt} with {c} of experience."),
            (None, Some(y), true) => format!("{role_txt} with experience since {y}."),
            _ => format!("{role_txt}."),
        }
    };
    if let Some(e) = latest
        && !e.company.trim().is_empty()
    {
        let since = e.start.as_deref().and_then(year_of);
        // an Arabic title inside an English sentence reads badly: name the employer only
        let same_title =
            fold(e.title.trim()) == fold(role_txt.trim()) || (!ar && arabic_share(&e.title));
        let line = match (ar, e.current, same_title) {
            (true, true, _) => match since {
                Some(y) => format!(" المنصب الحالي: {} في {} منذ {y}.", e.title, e.company),
                None => format!(" المنصب الحالي: {} في {} حتى الآن.", e.title, e.company),
            },
            (true, false, _) => match e.end.as_deref().and_then(year_of) {
                Some(y) => format!(" آخر منصب: {} في {} حتى {y}.", e.title, e.company),
                None => format!(" آخر منصب: {} في {} سابقًا.", e.title, e.company),
            },
            (false, true, true) => format!(" Currently at {}.", e.company),
            (false, true, false) => format!(" Currently {} at {}.", e.title, e.company),
            (false, false, true) => format!(" Most recently at {}.", e.company),
            (false, false, false) => format!(" Most recently {} at {}.", e.title, e.company),
        };
        lead.push_str(&line);
    }
    let text = if own_text.is_empty() {
        lead
    } else {
        format!("{lead} {own_text}")
    };
    let text = collapse_whitespace(&text).trim().to_string();
    let unchanged = cv
        .summary
        .as_deref()
        .is_some_and(|s| collapse_whitespace(s).trim() == text);
    (!text.is_empty() && !unchanged).then_some(text)
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_never_adds_words() {
        assert_eq!(tidy_bullet("  •  built   the  API .."), "built the API.");
        assert_eq!(tidy_bullet("Wait..."), "Wait...");
        assert_eq!(tidy_bullet("Led the team."), "Led the team.");
        assert_eq!(tidy_bullet("- إعداد القوائم"), "إعداد القوائم");
    }
}
