//! DOCX output with `docx-rs`.
//!
//! Arabic documents get right-to-left paragraphs (`<w:bidi/>`, right-aligned) and
//! right-to-left runs (`<w:rtl/>`). `docx-rs` 0.4 has no run-level `rtl` and no core
//! properties (title, creator, keywords), so the built package parts are patched before
//! zipping: right-to-left runs carry a placeholder character style that is replaced by
//! `<w:rtl/>` in its own `<w:rPr>`, and `docProps/core.xml` is written here.

use std::io::Cursor;

use docx_rs::{
    AbstractNumbering, AlignmentType, BreakType, Docx, IndentLevel, Level, LevelJc, LevelText,
    LineSpacing, NumberFormat, Numbering, NumberingId, PageMargin, Paragraph, Run, RunFonts,
    SpecialIndentType, Start, Style, StyleType,
};

use crate::{CoverLetter, CvDocument, CvItem, RenderError, has_arabic};

/// Placeholder character style that marks a run as right-to-left until [`patch_rtl_runs`].
const RTL_MARK: &str = "RenderRtlRunMark";
const RTL_MARK_XML: &str = r#"<w:rStyle w:val="RenderRtlRunMark" />"#;

const ACCENT: &str = "1F3A5F";
const MUTED: &str = "4A5563";
/// docx-rs already defines abstract numbering and numbering 1 (a decimal list).
const BULLET_NUMBERING: usize = 2;

/// A4 in twips, margins 1.8 cm.
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
const MARGIN_X: i32 = 1020;
const MARGIN_Y: i32 = 907;

/// Half-points.
const SIZE_BODY: usize = 20;
const SIZE_SMALL: usize = 19;

struct Writer {
    rtl: bool,
    docx: Docx,
}

impl Writer {
    fn new(rtl: bool) -> Self {
        // Word has no Noto fallback chain: use fonts every Word installation has.
        let fonts = RunFonts::new()
            .ascii("Calibri")
            .hi_ansi("Calibri")
            .cs("Arial");
        let heading = |id: &str, name: &str, size: usize, level: usize| {
            Style::new(id, StyleType::Paragraph)
                .name(name)
                .based_on("Normal")
                .next("Normal")
                .size(size)
                .color(ACCENT)
                .outline_lvl(level)
        };
        let bullet = Level::new(
            0,
            Start::new(1),
            NumberFormat::new("bullet"),
            LevelText::new("•"),
            LevelJc::new("left"),
        )
        .indent(Some(360), Some(SpecialIndentType::Hanging(240)), None, None);
        let docx = Docx::new()
            .page_size(PAGE_WIDTH, PAGE_HEIGHT)
            .page_margin(
                PageMargin::new()
                    .top(MARGIN_Y)
                    .bottom(MARGIN_Y)
                    .left(MARGIN_X)
                    .right(MARGIN_X),
            )
            .default_fonts(fonts)
            .default_size(SIZE_BODY)
            .add_style(
                Style::new("Title", StyleType::Paragraph)
                    .name("Title")
                    .based_on("Normal")
                    .next("Normal")
                    .size(40)
                    .bold()
                    .color(ACCENT),
            )
            .add_style(heading("Heading1", "heading 1", 24, 0).bold())
            .add_style(heading("Heading2", "heading 2", SIZE_BODY + 1, 1))
            .add_style(
                Style::new("ListBullet", StyleType::Paragraph)
                    .name("List Bullet")
                    .based_on("Normal"),
            )
            .add_abstract_numbering(AbstractNumbering::new(BULLET_NUMBERING).add_level(bullet))
            .add_numbering(Numbering::new(BULLET_NUMBERING, BULLET_NUMBERING));
        Self { rtl, docx }
    }

    /// A paragraph in the document's direction, spacing in twips.
    fn paragraph(&self, before: u32, after: u32) -> Paragraph {
        let mut p = Paragraph::new().line_spacing(LineSpacing::new().before(before).after(after));
        if self.rtl {
            p.property = p.property.bidi(true);
            p = p.align(AlignmentType::Right);
        }
        p
    }

    /// A run of user text. In a right-to-left document it is marked `rtl` unless it has no
    /// Arabic letters and would be reordered by it (an email, a phone number, a URL).
    fn run(&self, text: &str) -> Run {
        let mut run = Run::new();
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                run = run.add_break(BreakType::TextWrapping);
            }
            // XML 1.0 cannot carry C0 control characters (tabs become spaces).
            let clean: String = line
                .chars()
                .filter_map(|c| match c {
                    '\t' => Some(' '),
                    c if c.is_control() => None,
                    c => Some(c),
                })
                .collect();
            run = run.add_text(clean);
        }
        if self.rtl && (has_arabic(text) || !text.chars().any(char::is_alphanumeric)) {
            run = run.style(RTL_MARK);
        }
        run
    }

    fn push(&mut self, p: Paragraph) {
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_paragraph(p);
    }

    fn text_paragraph(&mut self, text: &str, before: u32, after: u32) {
        let p = self.paragraph(before, after).add_run(self.run(text));
        self.push(p);
    }

    fn heading(&mut self, title: &str) {
        let p = self
            .paragraph(240, 80)
            .style("Heading1")
            .keep_next(true)
            .add_run(self.run(title));
        self.push(p);
    }

    fn bullets(&mut self, bullets: &[String]) {
        for bullet in bullets {
            let p = self
                .paragraph(0, 40)
                .style("ListBullet")
                .numbering(NumberingId::new(BULLET_NUMBERING), IndentLevel::new(0))
                .add_run(self.run(bullet));
            self.push(p);
        }
    }

    /// Name (Title style) and the contact line.
    fn letterhead(&mut self, name: &str, headline: Option<&str>, contact: &[String]) {
        let p = self.paragraph(0, 60).style("Title").add_run(self.run(name));
        self.push(p);
        if let Some(headline) = headline {
            let p = self
                .paragraph(0, 60)
                .add_run(self.run(headline).size(23).color(MUTED));
            self.push(p);
        }
        if !contact.is_empty() {
            let mut p = self.paragraph(0, 120);
            for (i, entry) in contact.iter().enumerate() {
                if i > 0 {
                    p = p.add_run(self.run("  |  ").color(MUTED).size(SIZE_SMALL));
                }
                p = p.add_run(self.run(entry).size(SIZE_SMALL));
            }
            self.push(p);
        }
    }

    fn item(&mut self, item: &CvItem) {
        let one_line = item.heading.is_some()
            && item.text.is_some()
            && item.subheading.is_none()
            && item.dates.is_none()
            && item.bullets.is_empty();
        if let (true, Some(heading), Some(text)) = (one_line, &item.heading, &item.text) {
            let p = self
                .paragraph(60, 60)
                .add_run(self.run(&format!("{heading}:")).bold())
                .add_run(self.run(" "))
                .add_run(self.run(text));
            self.push(p);
            return;
        }
        if item.heading.is_some() || item.subheading.is_some() {
            let mut p = self.paragraph(160, 0).style("Heading2").keep_next(true);
            // Only the title is bold (set on the run: docx-rs's `disable_bold` would leave
            // complex-script bold on, so a bold style cannot be switched off for Arabic).
            if let Some(heading) = &item.heading {
                p = p.add_run(self.run(heading).bold());
            }
            if let Some(sub) = &item.subheading {
                if item.heading.is_some() {
                    p = p.add_run(self.run(" — ").color(MUTED));
                }
                p = p.add_run(self.run(sub).color("1A1A1A"));
            }
            self.push(p);
        }
        if let Some(dates) = &item.dates {
            let p = self
                .paragraph(0, 40)
                .keep_next(!item.bullets.is_empty() || item.text.is_some())
                .add_run(self.run(dates).color(MUTED).size(SIZE_SMALL));
            self.push(p);
        }
        if let Some(text) = &item.text {
            self.text_paragraph(text, 40, 40);
        }
        self.bullets(&item.bullets);
    }

    fn finish(self, meta: &CoreMeta<'_>) -> Result<Vec<u8>, RenderError> {
        let mut xml = self.docx.build();
        xml.document = patch_rtl_runs(&xml.document)?;
        xml.doc_props.core = core_xml(meta).into_bytes();
        let mut out = Cursor::new(Vec::new());
        xml.pack(&mut out)
            .map_err(|e| RenderError::Docx(e.to_string()))?;
        Ok(out.into_inner())
    }
}

/// Document core properties (`docProps/core.xml`).
struct CoreMeta<'a> {
    title: &'a str,
    creator: &'a str,
    keywords: &'a [String],
    lang: &'a str,
}

pub(crate) fn cv(
    cv: &CvDocument,
    title: &str,
    summary_title: &str,
) -> Result<Vec<u8>, RenderError> {
    let mut w = Writer::new(cv.lang.is_rtl());
    w.letterhead(&cv.name, cv.headline.as_deref(), &cv.contact);
    if let Some(summary) = &cv.summary {
        w.heading(summary_title);
        w.text_paragraph(summary, 0, 60);
    }
    for section in &cv.sections {
        w.heading(&section.title);
        for item in &section.items {
            w.item(item);
        }
    }
    w.finish(&CoreMeta {
        title,
        creator: &cv.name,
        keywords: &cv.keywords,
        lang: cv.lang.code(),
    })
}

pub(crate) fn letter(letter: &CoverLetter, title: &str) -> Result<Vec<u8>, RenderError> {
    let mut w = Writer::new(letter.lang.is_rtl());
    w.letterhead(&letter.sender_name, None, &letter.sender_contact);
    if let Some(date) = &letter.date {
        let mut p = w.paragraph(240, 240).add_run(w.run(date));
        p = p.align(if w.rtl {
            AlignmentType::Left
        } else {
            AlignmentType::Right
        });
        w.push(p);
    }
    if let Some(recipient) = &letter.recipient {
        w.text_paragraph(recipient, 120, 240);
    }
    if let Some(subject) = &letter.subject {
        let p = w.paragraph(0, 240).add_run(w.run(subject).bold());
        w.push(p);
    }
    if !letter.greeting.trim().is_empty() {
        w.text_paragraph(&letter.greeting, 120, 200);
    }
    for paragraph in letter.paragraphs.iter().filter(|p| !p.trim().is_empty()) {
        w.text_paragraph(paragraph, 0, 200);
    }
    if !letter.closing.trim().is_empty() {
        w.text_paragraph(&letter.closing, 200, 480);
    }
    let p = w.paragraph(0, 0).add_run(w.run(&letter.sender_name).bold());
    w.push(p);
    w.finish(&CoreMeta {
        title,
        creator: &letter.sender_name,
        keywords: &[],
        lang: letter.lang.code(),
    })
}

/// Replaces each placeholder run style with `<w:rtl />` at the end of the same `<w:rPr>`
/// (its place in the schema's element order; the writer emits nothing after it).
fn patch_rtl_runs(document: &[u8]) -> Result<Vec<u8>, RenderError> {
    let xml = std::str::from_utf8(document)
        .map_err(|e| RenderError::Docx(format!("document.xml is not UTF-8: {e}")))?;
    let mut out = String::with_capacity(xml.len() + xml.len() / 16);
    let mut rest = xml;
    while let Some(start) = rest.find(RTL_MARK_XML) {
        out.push_str(&rest[..start]);
        rest = &rest[start + RTL_MARK_XML.len()..];
        let end = rest.find("</w:rPr>").ok_or_else(|| {
            RenderError::Docx("a right-to-left run has no closing </w:rPr>".to_owned())
        })?;
        out.push_str(&rest[..end]);
        out.push_str("<w:rtl />");
        rest = &rest[end..];
    }
    out.push_str(rest);
    if out.contains(RTL_MARK) {
        return Err(RenderError::Docx(
            "a right-to-left run mark was left in document.xml".to_owned(),
        ));
    }
    Ok(out.into_bytes())
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn core_xml(meta: &CoreMeta<'_>) -> String {
    let keywords = meta
        .keywords
        .iter()
        .map(|k| xml_escape(k))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
            r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
            r#"xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            "<dc:title>{title}</dc:title><dc:creator>{creator}</dc:creator>",
            "<cp:keywords>{keywords}</cp:keywords><dc:language>{lang}</dc:language>",
            "<cp:lastModifiedBy>{creator}</cp:lastModifiedBy><cp:revision>1</cp:revision>",
            "</cp:coreProperties>"
        ),
        title = xml_escape(meta.title),
        creator = xml_escape(meta.creator),
        keywords = keywords,
        lang = meta.lang,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rtl_mark_becomes_rtl_at_the_end_of_its_rpr() {
        let xml = r#"<w:r><w:rPr><w:rStyle w:val="RenderRtlRunMark" /><w:b /></w:rPr><w:t>x</w:t></w:r><w:r><w:rPr><w:b /></w:rPr></w:r>"#;
        let out = String::from_utf8(patch_rtl_runs(xml.as_bytes()).unwrap()).unwrap();
        assert_eq!(
            out,
            r#"<w:r><w:rPr><w:b /><w:rtl /></w:rPr><w:t>x</w:t></w:r><w:r><w:rPr><w:b /></w:rPr></w:r>"#
        );
    }

    #[test]
    fn escapes_core_properties() {
        let xml = core_xml(&CoreMeta {
            title: "A & <B>",
            creator: "\"C\"",
            keywords: &["x".into(), "y".into()],
            lang: "en",
        });
        assert!(xml.contains("<dc:title>A &amp; &lt;B&gt;</dc:title>"));
        assert!(xml.contains("<dc:creator>&quot;C&quot;</dc:creator>"));
        assert!(xml.contains("<cp:keywords>x, y</cp:keywords>"));
    }
}
