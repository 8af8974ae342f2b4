//! DOCX (Office Open XML) text extraction: `word/document.xml` rendered as light
//! Markdown so that downstream parsing keeps the structure.

use super::ExtractError;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::{Cursor, Read};
use zip::ZipArchive;

/// Largest uncompressed `word/document.xml` (and `styles.xml`) we unpack: 20 MiB. A
/// 10 MiB upload that inflates past this is a zip bomb, not a resume.
pub const MAX_DOCX_XML_BYTES: u64 = 20 * 1024 * 1024;

const DOCUMENT_XML: &str = "word/document.xml";
const STYLES_XML: &str = "word/styles.xml";
/// How deep `w:basedOn` chains are followed (protects against cycles).
const MAX_STYLE_DEPTH: usize = 16;

pub(crate) fn extract_docx(bytes: &[u8]) -> Result<String, ExtractError> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        ExtractError::Corrupt(format!(
            "the Word file's ZIP container cannot be opened ({e})"
        ))
    })?;
    let document = read_entry(&mut archive, DOCUMENT_XML)?.ok_or_else(|| {
        ExtractError::Corrupt(
            "the file has no word/document.xml, so it is not a Word document".to_string(),
        )
    })?;
    // Styles only improve headings and lists: a broken styles.xml is not fatal.
    let styles = match read_entry(&mut archive, STYLES_XML) {
        Ok(Some(xml)) => Styles::parse(&xml),
        _ => Styles::default(),
    };
    render_document(&document, &styles)
}

/// Read a ZIP entry as text, refusing anything that inflates past
/// [`MAX_DOCX_XML_BYTES`].
fn read_entry(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, ExtractError> {
    let Some(index) = archive.index_for_name(name) else {
        return Ok(None);
    };
    let too_big = || {
        ExtractError::Corrupt(format!(
            "{name} unpacks to more than {} MiB, which no resume needs (possible zip bomb)",
            MAX_DOCX_XML_BYTES / (1024 * 1024)
        ))
    };
    let file = archive
        .by_index(index)
        .map_err(|e| ExtractError::Corrupt(format!("{name} cannot be unpacked ({e})")))?;
    if file.size() > MAX_DOCX_XML_BYTES {
        return Err(too_big());
    }
    let mut buf = Vec::new();
    file.take(MAX_DOCX_XML_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| ExtractError::Corrupt(format!("{name} cannot be unpacked ({e})")))?;
    if buf.len() as u64 > MAX_DOCX_XML_BYTES {
        return Err(too_big());
    }
    xml_bytes_to_string(buf)
        .map(Some)
        .ok_or_else(|| ExtractError::Corrupt(format!("{name} is not valid UTF-8/UTF-16 XML")))
}

fn xml_bytes_to_string(buf: Vec<u8>) -> Option<String> {
    if let Some(rest) = buf.strip_prefix(b"\xFF\xFE") {
        return encoding_rs::UTF_16LE
            .decode_without_bom_handling_and_without_replacement(rest)
            .map(|c| c.into_owned());
    }
    if let Some(rest) = buf.strip_prefix(b"\xFE\xFF") {
        return encoding_rs::UTF_16BE
            .decode_without_bom_handling_and_without_replacement(rest)
            .map(|c| c.into_owned());
    }
    let mut s = String::from_utf8(buf).ok()?;
    if s.starts_with('\u{FEFF}') {
        s.remove(0);
    }
    Some(s)
}

/// Value of the attribute with the given local name (`w:val` → `val`).
fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

#[derive(Debug, Default, Clone)]
struct StyleInfo {
    /// Lowercased `w:name` (Word stores built-in names in English: "heading 1").
    name: String,
    outline: Option<u8>,
    numbered: bool,
    based_on: Option<String>,
}

/// Paragraph styles from `word/styles.xml`, keyed by style id.
#[derive(Debug, Default)]
struct Styles(HashMap<String, StyleInfo>);

impl Styles {
    fn parse(xml: &str) -> Styles {
        let mut map = HashMap::new();
        let mut reader = Reader::from_str(xml);
        let mut current: Option<(String, StyleInfo)> = None;
        loop {
            let (e, is_start) = match reader.read_event() {
                Ok(Event::Start(e)) => (e, true),
                Ok(Event::Empty(e)) => (e, false),
                Ok(Event::End(e)) => {
                    if e.local_name().as_ref() == "style"
                        && let Some((id, info)) = current.take()
                    {
                        map.insert(id, info);
                    }
                    continue;
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => continue,
            };
            match e.local_name().as_ref() {
                "style" if is_start => {
                    current = attr(&e, "styleId").map(|id| (id, StyleInfo::default()));
                }
                "name" => {
                    if let (Some((_, info)), Some(v)) = (current.as_mut(), attr(&e, "val")) {
                        info.name = v.to_lowercase();
                    }
                }
                "basedOn" => {
                    if let Some((_, info)) = current.as_mut() {
                        info.based_on = attr(&e, "val");
                    }
                }
                "outlineLvl" => {
                    if let Some((_, info)) = current.as_mut() {
                        info.outline = attr(&e, "val").and_then(|v| v.parse().ok());
                    }
                }
                "numId" => {
                    if let Some((_, info)) = current.as_mut() {
                        info.numbered = attr(&e, "val").is_some_and(|v| v != "0");
                    }
                }
                _ => {}
            }
        }
        Styles(map)
    }

    /// Markdown heading level (1 = `#`) of a paragraph style: Title → 1, Heading N →
    /// N + 1, otherwise the style's outline level + 2, following `w:basedOn`.
    fn heading_level(&self, id: &str) -> Option<usize> {
        let mut id = id.to_string();
        for _ in 0..MAX_STYLE_DEPTH {
            let info = self.0.get(&id);
            let name = match info {
                Some(i) if !i.name.is_empty() => i.name.clone(),
                _ => id.to_lowercase(),
            };
            if let Some(level) = heading_level_from_name(&name) {
                return Some(level);
            }
            let info = info?;
            if let Some(o) = info.outline {
                return Some((usize::from(o) + 2).min(6));
            }
            id = info.based_on.clone()?;
        }
        None
    }

    /// Whether a paragraph style is a list style (name contains "list", or it carries
    /// numbering), following `w:basedOn`.
    fn is_list(&self, id: &str) -> bool {
        let mut id = id.to_string();
        for _ in 0..MAX_STYLE_DEPTH {
            let info = self.0.get(&id);
            let name = match info {
                Some(i) if !i.name.is_empty() => i.name.clone(),
                _ => id.to_lowercase(),
            };
            if name.contains("list") {
                return true;
            }
            let Some(info) = info else { return false };
            if info.numbered {
                return true;
            }
            let Some(next) = info.based_on.clone() else {
                return false;
            };
            id = next;
        }
        false
    }
}

fn heading_level_from_name(name: &str) -> Option<usize> {
    if name == "title" {
        return Some(1);
    }
    let rest = name.strip_prefix("heading")?.trim_start();
    let n: usize = rest.parse().ok()?;
    Some((n + 1).clamp(2, 6))
}

#[derive(Debug, Default)]
struct Para {
    text: String,
    style: Option<String>,
    numbered: Option<bool>,
    outline: Option<u8>,
}

#[derive(Debug, Default)]
struct Table {
    rows: Vec<String>,
    cells: Vec<String>,
    cell: Vec<String>,
}

enum Block {
    Blank,
    Line(String),
    Heading(String),
    Table(Vec<String>),
}

/// Elements whose content is never shown as document text: the fallback copy of
/// alternate content (the `mc:Choice` copy is kept), moved-away text, deleted text,
/// field instructions.
fn is_skipped(local: &str) -> bool {
    matches!(
        local,
        "Fallback" | "moveFrom" | "del" | "delText" | "instrText"
    )
}

/// Bullet characters Word users type by hand at the start of a paragraph.
const BULLETS: [char; 8] = ['•', '·', '▪', '◦', '‣', '●', '–', '-'];

fn render_document(xml: &str, styles: &Styles) -> Result<String, ExtractError> {
    let mut reader = Reader::from_str(xml);
    let mut blocks: Vec<Block> = Vec::new();
    let mut paras: Vec<Para> = Vec::new();
    let mut tables: Vec<Table> = Vec::new();
    let mut in_ppr = 0usize;
    let mut in_run = 0usize;
    let mut in_text = false;
    let mut skip_depth = 0usize;

    loop {
        let event = reader.read_event().map_err(|e| {
            ExtractError::Corrupt(format!("word/document.xml is not well-formed XML ({e})"))
        })?;
        match event {
            Event::Eof => break,
            // Inside a skipped element: only count nesting (`Empty` has no End).
            Event::Start(_) if skip_depth > 0 => skip_depth += 1,
            Event::End(_) if skip_depth > 0 => skip_depth -= 1,
            _ if skip_depth > 0 => {}
            Event::Start(e) => {
                let local = e.local_name();
                if is_skipped(local.as_ref()) {
                    skip_depth = 1;
                    continue;
                }
                start_element(
                    local.as_ref(),
                    &e,
                    &mut paras,
                    &mut tables,
                    &mut in_ppr,
                    &mut in_run,
                    &mut in_text,
                );
            }
            Event::Empty(e) => {
                let local = e.local_name();
                if is_skipped(local.as_ref()) {
                    continue;
                }
                start_element(
                    local.as_ref(),
                    &e,
                    &mut paras,
                    &mut tables,
                    &mut in_ppr,
                    &mut in_run,
                    &mut in_text,
                );
                end_element(
                    local.as_ref(),
                    styles,
                    &mut blocks,
                    &mut paras,
                    &mut tables,
                    &mut in_ppr,
                    &mut in_run,
                    &mut in_text,
                );
            }
            Event::End(e) => {
                let local = e.local_name();
                end_element(
                    local.as_ref(),
                    styles,
                    &mut blocks,
                    &mut paras,
                    &mut tables,
                    &mut in_ppr,
                    &mut in_run,
                    &mut in_text,
                );
            }
            Event::Text(t) if in_text => {
                if let Some(p) = paras.last_mut() {
                    p.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) if in_text => {
                if let Some(p) = paras.last_mut() {
                    p.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if in_text => {
                if let Some(p) = paras.last_mut() {
                    if r.is_char_ref() {
                        if let Ok(Some(c)) = r.resolve_char_ref() {
                            p.text.push(c);
                        }
                    } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r) {
                        p.text.push_str(s);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(join_blocks(blocks))
}

fn start_element(
    local: &str,
    e: &BytesStart<'_>,
    paras: &mut Vec<Para>,
    tables: &mut Vec<Table>,
    in_ppr: &mut usize,
    in_run: &mut usize,
    in_text: &mut bool,
) {
    match local {
        "p" => paras.push(Para::default()),
        "pPr" => *in_ppr += 1,
        "pStyle" if *in_ppr > 0 => {
            if let Some(p) = paras.last_mut() {
                p.style = attr(e, "val");
            }
        }
        "numId" if *in_ppr > 0 => {
            if let Some(p) = paras.last_mut() {
                p.numbered = Some(attr(e, "val").is_some_and(|v| v != "0"));
            }
        }
        "outlineLvl" if *in_ppr > 0 => {
            if let Some(p) = paras.last_mut() {
                p.outline = attr(e, "val").and_then(|v| v.parse().ok());
            }
        }
        "r" => *in_run += 1,
        "t" if *in_run > 0 => *in_text = true,
        "tab" if *in_run > 0 && *in_ppr == 0 => push_text(paras, "\t"),
        "br" | "cr" if *in_run > 0 => push_text(paras, "\n"),
        "noBreakHyphen" if *in_run > 0 => push_text(paras, "-"),
        "tbl" => tables.push(Table::default()),
        "tr" => {
            if let Some(t) = tables.last_mut() {
                t.cells.clear();
            }
        }
        "tc" => {
            if let Some(t) = tables.last_mut() {
                t.cell.clear();
            }
        }
        _ => {}
    }
}

fn push_text(paras: &mut [Para], s: &str) {
    if let Some(p) = paras.last_mut() {
        p.text.push_str(s);
    }
}

#[allow(clippy::too_many_arguments)]
fn end_element(
    local: &str,
    styles: &Styles,
    blocks: &mut Vec<Block>,
    paras: &mut Vec<Para>,
    tables: &mut Vec<Table>,
    in_ppr: &mut usize,
    in_run: &mut usize,
    in_text: &mut bool,
) {
    match local {
        "p" => {
            let Some(p) = paras.pop() else { return };
            let block = render_paragraph(p, styles);
            match tables.last_mut() {
                Some(t) => {
                    if let Block::Line(s) | Block::Heading(s) = block {
                        t.cell.push(s);
                    }
                }
                None => blocks.push(block),
            }
        }
        "pPr" => *in_ppr = in_ppr.saturating_sub(1),
        "r" => *in_run = in_run.saturating_sub(1),
        "t" => *in_text = false,
        "tc" => {
            if let Some(t) = tables.last_mut() {
                let cell = t.cell.join(" ");
                t.cells.push(cell.trim().to_string());
                t.cell.clear();
            }
        }
        "tr" => {
            if let Some(t) = tables.last_mut() {
                let row = t.cells.join(" | ");
                if !row.replace('|', "").trim().is_empty() {
                    t.rows.push(row);
                }
                t.cells.clear();
            }
        }
        "tbl" => {
            let Some(t) = tables.pop() else { return };
            match tables.last_mut() {
                // A table nested in a cell becomes part of that cell's text.
                Some(parent) => parent.cell.push(t.rows.join("; ")),
                None => blocks.push(Block::Table(t.rows)),
            }
        }
        _ => {}
    }
}

fn render_paragraph(p: Para, styles: &Styles) -> Block {
    let text = p.text.trim_matches(|c: char| c == ' ' || c == '\u{00A0}');
    if text.trim().is_empty() {
        return Block::Blank;
    }
    let heading = p
        .outline
        .filter(|&o| o < 9)
        .map(|o| (usize::from(o) + 2).min(6))
        .or_else(|| p.style.as_deref().and_then(|s| styles.heading_level(s)));
    if let Some(level) = heading {
        let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        return Block::Heading(format!("{} {}", "#".repeat(level), one_line));
    }
    let list = match p.numbered {
        Some(n) => n,
        None => p.style.as_deref().is_some_and(|s| styles.is_list(s)),
    };
    if list {
        let item = text.trim_start_matches(BULLETS).trim_start();
        return Block::Line(format!("- {item}"));
    }
    Block::Line(text.to_string())
}

fn join_blocks(blocks: Vec<Block>) -> String {
    let mut lines: Vec<String> = Vec::new();
    let blank = |lines: &mut Vec<String>| {
        if lines.last().is_some_and(|l| !l.is_empty()) {
            lines.push(String::new());
        }
    };
    for block in blocks {
        match block {
            Block::Blank => blank(&mut lines),
            Block::Line(s) => lines.push(s),
            Block::Heading(s) => {
                blank(&mut lines);
                lines.push(s);
                lines.push(String::new());
            }
            Block::Table(rows) => {
                blank(&mut lines);
                lines.extend(rows);
                lines.push(String::new());
            }
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn body(inner: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>{inner}</w:body></w:document>"#
        )
    }

    fn render(inner: &str) -> String {
        render_document(&body(inner), &Styles::default()).unwrap_or_default()
    }

    #[test]
    fn paragraphs_tabs_breaks_and_entities() {
        let out = render(
            r#"<w:p><w:r><w:t>Rust</w:t><w:tab/><w:t xml:space="preserve">&amp; Go </w:t><w:br/><w:t>&#x627;&lt;</w:t></w:r></w:p><w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>two</w:t></w:r></w:p>"#,
        );
        assert_eq!(out, "Rust\t& Go \nا<\ntwo");
    }

    #[test]
    fn headings_and_lists_by_style_id_without_styles_xml() {
        let out = render(
            r#"<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>Maya</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Skills</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>Job</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val="ListBullet"/></w:pPr><w:r><w:t>Rust</w:t></w:r></w:p><w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr></w:pPr><w:r><w:t>• Go</w:t></w:r></w:p>"#,
        );
        assert_eq!(out, "# Maya\n\n## Skills\n\n### Job\n\n- Rust\n- Go");
    }

    #[test]
    fn styles_xml_names_and_based_on() {
        let styles = Styles::parse(
            r#"<w:styles xmlns:w="x"><w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/></w:style><w:style w:type="paragraph" w:styleId="Mine"><w:name w:val="My Heading"/><w:basedOn w:val="berschrift1"/></w:style><w:style w:type="paragraph" w:styleId="Aufz"><w:name w:val="Aufzaehlung"/><w:pPr><w:numPr><w:numId w:val="5"/></w:numPr></w:pPr></w:style></w:styles>"#,
        );
        assert_eq!(styles.heading_level("berschrift1"), Some(2));
        assert_eq!(styles.heading_level("Mine"), Some(2));
        assert!(styles.is_list("Aufz"));
        assert!(!styles.is_list("Mine"));
    }

    #[test]
    fn tables_row_by_row() {
        let out = render(
            r#"<w:p><w:r><w:t>Before</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>Skill</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Level</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>Rust</w:t></w:r></w:p><w:p><w:r><w:t>(systems)</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Expert</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p><w:r><w:t>After</w:t></w:r></w:p>"#,
        );
        assert_eq!(
            out,
            "Before\n\nSkill | Level\nRust (systems) | Expert\n\nAfter"
        );
    }

    #[test]
    fn skips_fallback_deleted_and_field_codes() {
        let out = render(
            r#"<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:t>shown</w:t></mc:Choice><mc:Fallback><w:p><w:r><w:t>dup</w:t></w:r></w:p></mc:Fallback></mc:AlternateContent></w:r><w:del><w:r><w:delText>gone</w:delText></w:r></w:del><w:r><w:instrText>HYPERLINK "x"</w:instrText><w:t> kept</w:t></w:r></w:p>"#,
        );
        assert_eq!(out, "shown kept");
    }

    #[test]
    fn rtl_paragraphs_stay_in_logical_order() {
        let out = render(
            r#"<w:p><w:pPr><w:bidi/></w:pPr><w:r><w:rPr><w:rtl/></w:rPr><w:t>سارة خالد المنصوري</w:t></w:r></w:p>"#,
        );
        assert_eq!(out, "سارة خالد المنصوري");
    }

    #[test]
    fn malformed_xml_is_corrupt() {
        let r = render_document(&body("<w:p><w:r><w:t>x</w:r></w:p>"), &Styles::default());
        assert!(matches!(r, Err(ExtractError::Corrupt(_))));
    }

    fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            for (name, data) in entries {
                let opts = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated);
                if w.start_file(*name, opts).is_err() || w.write_all(data).is_err() {
                    return Vec::new();
                }
            }
            if w.finish().is_err() {
                return Vec::new();
            }
        }
        buf.into_inner()
    }

    #[test]
    fn zip_bomb_is_refused() {
        let big = vec![b' '; (MAX_DOCX_XML_BYTES + 10) as usize];
        let z = zip_with(&[(DOCUMENT_XML, &big)]);
        assert!(!z.is_empty());
        assert!(z.len() < 1024 * 1024, "deflated size {}", z.len());
        match extract_docx(&z) {
            Err(ExtractError::Corrupt(m)) => assert!(m.contains("zip bomb"), "{m}"),
            other => panic!("expected Corrupt, got {other:?}"),
        }
    }

    #[test]
    fn missing_document_xml_is_corrupt() {
        let z = zip_with(&[("notes.txt", b"hello")]);
        assert!(matches!(extract_docx(&z), Err(ExtractError::Corrupt(_))));
        assert!(matches!(
            extract_docx(b"PK\x03\x04garbage"),
            Err(ExtractError::Corrupt(_))
        ));
    }
}
