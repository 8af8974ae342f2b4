//! Markdown rendering of a parsed resume (also used by the generator).

use crate::dates::format_range;
use crate::fold::{norm, tokenize};
use crate::terms::find_terms;
use crate::types::{ParsedResume, SectionKind};

/// Section headings in a language.
pub(crate) struct Headings {
    pub summary: &'static str,
    pub experience: &'static str,
    pub education: &'static str,
    pub skills: &'static str,
    pub certifications: &'static str,
    pub languages: &'static str,
    pub projects: &'static str,
}

pub(crate) fn headings(lang: &str) -> Headings {
    if lang == "ar" {
        Headings {
            summary: "الملخص",
            experience: "الخبرة العملية",
            education: "التعليم",
            skills: "المهارات",
            certifications: "الشهادات",
            languages: "اللغات",
            projects: "المشاريع",
        }
    } else {
        Headings {
            summary: "Summary",
            experience: "Experience",
            education: "Education",
            skills: "Skills",
            certifications: "Certifications",
            languages: "Languages",
            projects: "Projects",
        }
    }
}

/// Skills for display: drops entries that only repeat a dictionary term already written
/// inside a longer entry ("REST" next to "REST and gRPC API design"), but keeps "SQL" next
/// to "SQL Server" (a different term).
pub(crate) fn display_skills(skills: &[String]) -> Vec<String> {
    let inner: Vec<Vec<String>> = skills
        .iter()
        .map(|s| {
            let toks = tokenize(s);
            find_terms(s, &toks)
                .iter()
                .filter_map(|h| {
                    let (a, b) = (toks.get(h.start)?, toks.get(h.end.checked_sub(1)?)?);
                    let surface = norm(&s[a.start..b.end]);
                    (surface != norm(s)).then_some(surface)
                })
                .collect()
        })
        .collect();
    skills
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            let k = norm(s);
            !inner
                .iter()
                .enumerate()
                .any(|(j, surfaces)| j != *i && surfaces.contains(&k))
        })
        .map(|(_, s)| s.clone())
        .collect()
}

/// One contact line: location · email · phone · links.
pub(crate) fn contact_line(p: &ParsedResume) -> String {
    let c = &p.contact;
    let mut parts: Vec<String> = Vec::new();
    parts.extend(c.location.iter().cloned());
    parts.extend(c.email.iter().cloned());
    parts.extend(c.phone.iter().cloned());
    parts.extend(c.links.iter().cloned());
    parts.join(" · ")
}

/// Render `p` as clean markdown with headings in `lang`. `summary` replaces the resume's
/// own summary when given.
pub(crate) fn render(p: &ParsedResume, lang: &str, summary: Option<&str>) -> String {
    let h = headings(lang);
    let list_sep = if lang == "ar" { "، " } else { ", " };
    let mut md: Vec<String> = Vec::new();
    if let Some(name) = &p.contact.name {
        md.push(format!("# {name}"));
        md.push(String::new());
    }
    if let Some(hl) = &p.headline {
        md.push(format!("**{hl}**"));
        md.push(String::new());
    }
    let cl = contact_line(p);
    if !cl.is_empty() {
        md.push(cl);
        md.push(String::new());
    }
    if let Some(s) = summary
        .or(p.summary.as_deref())
        .filter(|s| !s.trim().is_empty())
    {
        md.push(format!("## {}", h.summary));
        md.push(String::new());
        md.push(s.trim().to_string());
        md.push(String::new());
    }
    if !p.experience.is_empty() {
        md.push(format!("## {}", h.experience));
        md.push(String::new());
        for e in &p.experience {
            let head = match (e.title.is_empty(), e.company.is_empty()) {
                (false, false) => format!("{} — {}", e.title, e.company),
                (true, _) => e.company.clone(),
                (false, true) => e.title.clone(),
            };
            md.push(format!("### {head}"));
            md.push(String::new());
            let mut meta: Vec<String> = Vec::new();
            let dates = format_range(e.start.as_deref(), e.end.as_deref(), e.current, lang);
            if !dates.is_empty() {
                meta.push(dates);
            }
            meta.extend(e.location.iter().cloned());
            if !meta.is_empty() {
                md.push(meta.join(" · "));
                md.push(String::new());
            }
            for b in &e.bullets {
                md.push(format!("- {b}"));
            }
            if !e.bullets.is_empty() {
                md.push(String::new());
            }
        }
    }
    if !p.education.is_empty() {
        md.push(format!("## {}", h.education));
        md.push(String::new());
        for e in &p.education {
            let head = match (e.degree.is_empty(), e.institution.is_empty()) {
                (false, false) => format!("{} — {}", e.degree, e.institution),
                (true, _) => e.institution.clone(),
                (false, true) => e.degree.clone(),
            };
            md.push(format!("### {head}"));
            md.push(String::new());
            let dates = format_range(e.start.as_deref(), e.end.as_deref(), false, lang);
            if !dates.is_empty() {
                md.push(dates);
                md.push(String::new());
            }
        }
    }
    let skills = display_skills(&p.skills);
    if !skills.is_empty() {
        md.push(format!("## {}", h.skills));
        md.push(String::new());
        md.push(skills.join(list_sep));
        md.push(String::new());
    }
    for (title, list) in [
        (h.certifications, &p.certifications),
        (h.languages, &p.languages),
    ] {
        if list.is_empty() {
            continue;
        }
        md.push(format!("## {title}"));
        md.push(String::new());
        for x in list {
            md.push(format!("- {x}"));
        }
        md.push(String::new());
    }
    for s in &p.sections {
        if !matches!(s.kind, SectionKind::Projects | SectionKind::Other) || s.text.trim().is_empty()
        {
            continue;
        }
        let heading = if s.heading.is_empty() && s.kind == SectionKind::Projects {
            h.projects.to_string()
        } else {
            s.heading.clone()
        };
        if !heading.is_empty() {
            md.push(format!("## {heading}"));
            md.push(String::new());
        }
        md.push(s.text.trim().to_string());
        md.push(String::new());
    }
    let mut out = md.join("\n").trim_end().to_string();
    out.push('\n');
    out
}

/// Clean markdown of a parsed resume, headings in the resume's language.
pub fn resume_to_markdown(p: &ParsedResume) -> String {
    let lang = if p.lang == "ar" { "ar" } else { "en" };
    render(p, lang, None)
}
