//! Rule-based resume parsing: sections, contact details, summary; entries and skills are in
//! `resume_entries.rs`, markdown output in `render.rs`.

use std::sync::LazyLock;

use regex::Regex;

use crate::contact::{find_email, find_links, find_phone, parse_header};
use crate::education::parse_education;
use crate::headings::{known_heading, unspace};

use crate::resume_entries::parse_experience;
use crate::skills_parser::{parse_certifications, parse_languages, parse_skills};
use crate::textutil::{
    bullet_content, dedup_ci, detect_lang, is_all_caps, is_rule, lang_from_hint, lines, md_level,
    strip_md, word_count,
};
use crate::types::{ParsedResume, Section, SectionKind};

pub use crate::render::resume_to_markdown;

static PAGE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:-\s*)?(?:page\s+\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?|\d{1,3}\s*/\s*\d{1,3}|\d{1,3}\s+of\s+\d{1,3}|صفحة\s+\d{1,3}(?:\s+من\s+\d{1,3})?)(?:\s*-)?$|^.{1,60}\s[–-]\s\d{1,3}\s*/\s*\d{1,3}$",
    )
    .expect("static regex")
});

/// A section while parsing: heading as written, kind, the line indexes it covers.
pub(crate) struct RawSection<'a> {
    pub heading: String,
    pub kind: SectionKind,
    pub lines: Vec<&'a str>,
}

/// Split lines into the header area (before the first heading) and sections.
fn split_sections<'a>(all: &[&'a str]) -> (Vec<&'a str>, Vec<RawSection<'a>>) {
    let mut header: Vec<&'a str> = Vec::new();
    let mut sections: Vec<RawSection<'a>> = Vec::new();
    let first_content = all.iter().position(|l| !l.trim().is_empty());
    let mut i = 0;
    while i < all.len() {
        let line = all[i];
        let t = line.trim();
        let next_is_underline = all.get(i + 1).is_some_and(|n| is_rule(n) && !t.is_empty());
        if t.is_empty() || (is_rule(t) && i > 0 && all[i - 1].trim().is_empty()) {
            push_line(&mut header, &mut sections, line);
            i += 1;
            continue;
        }
        if is_rule(t) {
            // an underline whose heading was handled already, or a stray rule
            i += 1;
            continue;
        }
        let is_first = Some(i) == first_content;
        let current = sections.last().map(|s| s.kind);
        if let Some((heading, kind, rest)) =
            detect_heading(line, is_first, next_is_underline, current)
        {
            sections.push(RawSection {
                heading,
                kind,
                lines: Vec::new(),
            });
            if let Some(rest) = rest {
                push_line(&mut header, &mut sections, rest);
            }
            i += if next_is_underline { 2 } else { 1 };
            continue;
        }
        push_line(&mut header, &mut sections, line);
        i += 1;
    }
    (header, sections)
}

fn push_line<'a>(header: &mut Vec<&'a str>, sections: &mut [RawSection<'a>], line: &'a str) {
    match sections.last_mut() {
        Some(s) => s.lines.push(line),
        None => header.push(line),
    }
}

/// Is this line a section heading? Returns heading text, kind and any inline content
/// after a colon ("Skills: Rust, Go").
fn detect_heading(
    line: &str,
    is_first: bool,
    underlined: bool,
    current: Option<SectionKind>,
) -> Option<(String, SectionKind, Option<&str>)> {
    if bullet_content(line).is_some() && md_level(line) == 0 {
        return None;
    }
    let in_entries = matches!(
        current,
        Some(SectionKind::Experience | SectionKind::Education | SectionKind::Projects)
    );
    // inside a skills section "Languages: Rust, Go" / "Certifications: …" are labels
    let inline_ok = !in_entries && current != Some(SectionKind::Skills);
    let text = unspace(&strip_md(line));
    if text.is_empty() || word_count(&text) > 8 {
        // "Heading: content" lines can be long; handled below
        if let Some((head, rest)) = line.split_once([':', '：'])
            && inline_ok
            && let Some(kind) = known_heading(head)
            && word_count(&strip_md(head)) <= 4
        {
            return Some((
                strip_md(head),
                kind,
                Some(rest.trim()).filter(|r| !r.is_empty()),
            ));
        }
        return None;
    }
    if let Some(kind) = known_heading(&text) {
        return Some((clean_heading(&text), kind, None));
    }
    if let Some((head, rest)) = line.split_once([':', '：'])
        && inline_ok
        && let Some(kind) = known_heading(head)
        && !rest.trim().is_empty()
    {
        return Some((strip_md(head), kind, Some(rest.trim())));
    }
    if is_first {
        return None;
    }
    let level = md_level(line);
    let has_sep =
        text.contains(" — ") || text.contains(" | ") || text.contains(" – ") || text.contains(',');
    if (1..=2).contains(&level) && !(in_entries && (has_sep || level == 2)) && current.is_some() {
        return Some((clean_heading(&text), SectionKind::Other, None));
    }
    let short = word_count(&text) <= 5;
    if underlined && short && !in_entries {
        return Some((clean_heading(&text), SectionKind::Other, None));
    }
    if is_all_caps(&text) && short && current.is_some() && !in_entries && text.ends_with(':') {
        return Some((clean_heading(&text), SectionKind::Other, None));
    }
    None
}

fn clean_heading(s: &str) -> String {
    s.trim().trim_end_matches([':', '：']).trim().to_string()
}

/// Join the lines of a prose section into paragraphs (wrapped lines are joined with a space).
pub(crate) fn paragraphs(lines: &[&str]) -> String {
    let mut paras: Vec<String> = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    for l in lines {
        let t = strip_md(l);
        if t.is_empty() || is_rule(l) {
            if !cur.is_empty() {
                paras.push(cur.join(" "));
                cur.clear();
            }
            continue;
        }
        let t = bullet_content(l).map(strip_md).unwrap_or(t);
        cur.push(t);
    }
    if !cur.is_empty() {
        paras.push(cur.join(" "));
    }
    paras.join("\n\n")
}

fn section_text(lines: &[&str]) -> String {
    lines.join("\n").trim_matches('\n').trim_end().to_string()
}

/// Parse resume text (already NFKC-normalised) into structure. Never panics; text without
/// any recognisable heading becomes a single `other` section (contact details are still
/// extracted).
pub fn parse_resume(text: &str, lang_hint: Option<&str>) -> ParsedResume {
    let text = &*crate::textutil::strip_invisible(text);
    // page footers from multi-page PDFs ("Page 2 of 3") are not content
    let all: Vec<&str> = lines(text)
        .into_iter()
        .map(|l| if PAGE_RE.is_match(l.trim()) { "" } else { l })
        .collect();
    let lang = lang_from_hint(lang_hint)
        .unwrap_or_else(|| detect_lang(text))
        .to_string();
    let (header, raw_sections) = split_sections(&all);
    let mut out = ParsedResume {
        lang: lang.clone(),
        ..ParsedResume::default()
    };

    if raw_sections.is_empty() {
        let info = parse_header(&all, text);
        out.contact = info.contact;
        let body = section_text(&all);
        if !body.is_empty() {
            out.sections.push(Section {
                heading: String::new(),
                kind: SectionKind::Other,
                text: body,
            });
        }
        return out;
    }

    let info = parse_header(&header, text);
    out.contact = info.contact;
    out.headline = info.headline;
    let header_text = section_text(&header);
    if !header_text.is_empty() {
        out.sections.push(Section {
            heading: String::new(),
            kind: SectionKind::Contact,
            text: header_text,
        });
    }
    let mut summaries: Vec<String> = Vec::new();
    let mut stray_dates = Vec::new();
    for s in &raw_sections {
        match s.kind {
            SectionKind::Summary => {
                let p = paragraphs(&s.lines);
                if !p.is_empty() {
                    summaries.push(p);
                }
            }
            SectionKind::Experience => out.experience.extend(parse_experience(&s.lines)),
            SectionKind::Education => out.education.extend(parse_education(&s.lines)),
            SectionKind::Skills => {
                let parsed = parse_skills(&s.lines);
                out.skills.extend(parsed.skills);
                out.languages.extend(parsed.languages);
                out.certifications.extend(parsed.certifications);
                stray_dates.extend(parsed.stray_dates);
            }
            SectionKind::Languages => {
                let (langs, skills) = parse_languages(&s.lines);
                out.languages.extend(langs);
                out.skills.extend(skills);
            }
            SectionKind::Certifications => {
                let (certs, skills) = parse_certifications(&s.lines);
                out.certifications.extend(certs);
                out.skills.extend(skills);
            }
            SectionKind::Contact => {
                let joined = s.lines.join("\n");
                if out.contact.email.is_none() {
                    out.contact.email = find_email(&joined);
                }
                if out.contact.phone.is_none() {
                    out.contact.phone = find_phone(&joined);
                }
                for l in find_links(&joined) {
                    if !out.contact.links.contains(&l) {
                        out.contact.links.push(l);
                    }
                }
            }
            SectionKind::Projects | SectionKind::Other => {}
        }
        out.sections.push(Section {
            heading: s.heading.clone(),
            kind: s.kind,
            text: section_text(&s.lines),
        });
    }
    out.summary = if summaries.is_empty() {
        info.summary
    } else {
        Some(summaries.join("\n\n"))
    };
    // education dates that a PDF's column layout pushed to the end of the text
    for (e, d) in out
        .education
        .iter_mut()
        .filter(|e| e.start.is_none() && e.end.is_none())
        .zip(stray_dates)
    {
        e.start = d.start;
        e.end = d.end;
    }
    dedup_ci(&mut out.skills);
    dedup_ci(&mut out.languages);
    dedup_ci(&mut out.certifications);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::headings::known_heading;

    #[test]
    fn regexes_compile() {
        assert!(
            PAGE_RE.is_match("Page 2 of 3")
                && PAGE_RE.is_match("صفحة 1 من 2")
                && PAGE_RE.is_match("Maya Lindqvist – 1/1")
        );
        assert!(
            !PAGE_RE.is_match("2016 - 2019")
                && !PAGE_RE.is_match("Engineer | 06/2016 - 02/2019")
                && !PAGE_RE.is_match("06/2019")
        );
    }

    #[test]
    fn heading_variants() {
        assert_eq!(
            known_heading("## Work Experience"),
            Some(SectionKind::Experience)
        );
        assert_eq!(known_heading("TECHNICAL SKILLS"), Some(SectionKind::Skills));
        assert_eq!(
            known_heading("Licenses & Certifications:"),
            Some(SectionKind::Certifications)
        );
        assert_eq!(
            known_heading("المهارات (Skills)"),
            Some(SectionKind::Skills)
        );
        assert_eq!(
            known_heading("الخبرات العملية"),
            Some(SectionKind::Experience)
        );
        assert_eq!(known_heading("Maya Lindqvist"), None);
        assert_eq!(
            known_heading("W O R K  E X P E R I E N C E"),
            Some(SectionKind::Experience)
        );
    }
}
