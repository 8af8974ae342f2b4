//! Target paths and the editor's working copy of a CV (entries keep their source ids).

use crate::types::{ParsedResume, SectionKind};

use super::TailoredCv;

/// A parsed target path (see the module documentation for the grammar).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Sections,
    Headline,
    Summary,
    Section(SectionKind),
    Contact,
    Role(usize),
    Bullet(usize, usize),
    Education(usize),
    Skill(usize),
    Certification(usize),
    Language(usize),
}

pub(crate) fn section_name(k: SectionKind) -> &'static str {
    match k {
        SectionKind::Contact => "contact",
        SectionKind::Summary => "summary",
        SectionKind::Experience => "experience",
        SectionKind::Education => "education",
        SectionKind::Skills => "skills",
        SectionKind::Languages => "languages",
        SectionKind::Certifications => "certifications",
        SectionKind::Projects => "projects",
        SectionKind::Other => "other",
    }
}

pub(crate) fn section_kind(name: &str) -> Option<SectionKind> {
    Some(match name {
        "contact" => SectionKind::Contact,
        "summary" => SectionKind::Summary,
        "experience" => SectionKind::Experience,
        "education" => SectionKind::Education,
        "skills" => SectionKind::Skills,
        "languages" => SectionKind::Languages,
        "certifications" => SectionKind::Certifications,
        "projects" => SectionKind::Projects,
        "other" => SectionKind::Other,
        _ => return None,
    })
}

fn index(s: &str) -> Result<usize, String> {
    if s.is_empty() || s.len() > 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("\"{s}\" is not an index"));
    }
    s.parse().map_err(|_| format!("\"{s}\" is not an index"))
}

/// Parse a target path. Syntax only: whether the entry exists is checked against the CV.
pub(crate) fn parse_target(path: &str) -> Result<Target, String> {
    let p = path.trim().trim_matches('/');
    let parts: Vec<&str> = p.split('/').map(str::trim).collect();
    let bad = || format!("unknown target \"{path}\"");
    Ok(match parts.as_slice() {
        ["sections"] => Target::Sections,
        ["headline"] => Target::Headline,
        ["summary"] => Target::Summary,
        ["contact", ..] => Target::Contact,
        [name] => match section_kind(name) {
            Some(k) => Target::Section(k),
            None => return Err(bad()),
        },
        ["experience", i] | ["experience", i, "bullets"] => Target::Role(index(i)?),
        ["experience", i, "bullets", j] => Target::Bullet(index(i)?, index(j)?),
        ["education", i] => Target::Education(index(i)?),
        ["skills", i] => Target::Skill(index(i)?),
        ["certifications", i] => Target::Certification(index(i)?),
        ["languages", i] => Target::Language(index(i)?),
        _ => return Err(bad()),
    })
}

/// An entry of a list, by its source index.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item {
    pub id: usize,
    pub hidden: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bullet {
    pub id: usize,
    pub text: String,
    pub hidden: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Role {
    pub id: usize,
    pub hidden: bool,
    pub bullets: Vec<Bullet>,
}

/// The editor's working copy: current order and visibility of every source entry.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Work {
    pub sections: Vec<SectionKind>,
    pub hidden_sections: Vec<SectionKind>,
    pub headline: Option<String>,
    pub summary: Option<String>,
    pub roles: Vec<Role>,
    pub education: Vec<Item>,
    pub skills: Vec<Item>,
    pub certifications: Vec<Item>,
    pub languages: Vec<Item>,
}

fn items(n: usize) -> Vec<Item> {
    (0..n).map(|id| Item { id, hidden: false }).collect()
}

/// Canonical order of the body sections.
pub(crate) const CANONICAL: [SectionKind; 8] = [
    SectionKind::Summary,
    SectionKind::Experience,
    SectionKind::Skills,
    SectionKind::Education,
    SectionKind::Certifications,
    SectionKind::Languages,
    SectionKind::Projects,
    SectionKind::Other,
];

/// Does the CV have something to show in section `k`?
pub(crate) fn has_content(cv: &ParsedResume, k: SectionKind) -> bool {
    match k {
        SectionKind::Contact => false,
        SectionKind::Summary => cv.summary.as_deref().is_some_and(|s| !s.trim().is_empty()),
        SectionKind::Experience => !cv.experience.is_empty(),
        SectionKind::Education => !cv.education.is_empty(),
        SectionKind::Skills => !cv.skills.is_empty(),
        SectionKind::Languages => !cv.languages.is_empty(),
        SectionKind::Certifications => !cv.certifications.is_empty(),
        SectionKind::Projects | SectionKind::Other => cv
            .sections
            .iter()
            .any(|s| s.kind == k && !s.text.trim().is_empty()),
    }
}

/// The section order as the source CV has it: the order of its headings, then any section
/// with content that had no heading, in canonical order. The summary always leads.
pub(crate) fn default_sections(cv: &ParsedResume) -> Vec<SectionKind> {
    let mut out: Vec<SectionKind> = Vec::new();
    if has_content(cv, SectionKind::Summary) {
        out.push(SectionKind::Summary);
    }
    for s in &cv.sections {
        if s.kind != SectionKind::Contact && has_content(cv, s.kind) && !out.contains(&s.kind) {
            out.push(s.kind);
        }
    }
    for k in CANONICAL {
        if has_content(cv, k) && !out.contains(&k) {
            out.push(k);
        }
    }
    out
}

impl Work {
    pub fn new(cv: &ParsedResume) -> Self {
        Work {
            sections: default_sections(cv),
            hidden_sections: Vec::new(),
            headline: cv.headline.clone(),
            summary: cv.summary.clone(),
            roles: cv
                .experience
                .iter()
                .enumerate()
                .map(|(id, e)| Role {
                    id,
                    hidden: false,
                    bullets: e
                        .bullets
                        .iter()
                        .enumerate()
                        .map(|(id, b)| Bullet {
                            id,
                            text: b.clone(),
                            hidden: false,
                        })
                        .collect(),
                })
                .collect(),
            education: items(cv.education.len()),
            skills: items(cv.skills.len()),
            certifications: items(cv.certifications.len()),
            languages: items(cv.languages.len()),
        }
    }

    pub fn role_mut(&mut self, id: usize) -> Option<&mut Role> {
        self.roles.iter_mut().find(|r| r.id == id)
    }

    /// The tailored CV: visible entries in their current order.
    pub fn finish(&self, cv: &ParsedResume) -> TailoredCv {
        let pick = |list: &[Item], src: &[String]| -> Vec<String> {
            list.iter()
                .filter(|i| !i.hidden)
                .filter_map(|i| src.get(i.id).cloned())
                .collect()
        };
        let mut r = ParsedResume {
            lang: cv.lang.clone(),
            contact: cv.contact.clone(),
            headline: self.headline.clone(),
            summary: self.summary.clone(),
            experience: self
                .roles
                .iter()
                .filter(|x| !x.hidden)
                .filter_map(|x| {
                    let mut e = cv.experience.get(x.id)?.clone();
                    e.bullets = x
                        .bullets
                        .iter()
                        .filter(|b| !b.hidden)
                        .map(|b| b.text.clone())
                        .collect();
                    Some(e)
                })
                .collect(),
            education: self
                .education
                .iter()
                .filter(|i| !i.hidden)
                .filter_map(|i| cv.education.get(i.id).cloned())
                .collect(),
            skills: pick(&self.skills, &cv.skills),
            languages: pick(&self.languages, &cv.languages),
            certifications: pick(&self.certifications, &cv.certifications),
            sections: cv
                .sections
                .iter()
                .filter(|s| matches!(s.kind, SectionKind::Projects | SectionKind::Other))
                .filter(|s| !self.hidden_sections.contains(&s.kind))
                .cloned()
                .collect(),
        };
        for k in &self.hidden_sections {
            match k {
                SectionKind::Summary => r.summary = None,
                SectionKind::Education => r.education.clear(),
                SectionKind::Skills => r.skills.clear(),
                SectionKind::Languages => r.languages.clear(),
                SectionKind::Certifications => r.certifications.clear(),
                _ => {}
            }
        }
        let mut order: Vec<SectionKind> = self
            .sections
            .iter()
            .copied()
            .filter(|k| !self.hidden_sections.contains(k))
            .collect();
        if has_content(&r, SectionKind::Summary) && !order.contains(&SectionKind::Summary) {
            order.insert(0, SectionKind::Summary);
        }
        order.retain(|k| has_content(&r, *k));
        TailoredCv {
            resume: r,
            section_order: order,
        }
    }
}
