//! PDF text extraction in pure Rust.
//!
//! `pdf-extract` (on `lopdf`) interprets the page content streams; instead of its
//! plain-text writer we collect every glyph with its position and lay the page out
//! ourselves:
//!
//! 1. **Widths.** `pdf-extract` 0.12 mis-parses the `c_first c_last w` form of a CID
//!    font's `/W` array (which Typst, and so rendercv, always writes), so every glyph
//!    would get width 0 and no position inside a text run. Before interpreting we
//!    rewrite such arrays into the equivalent `c_first [w w …]` form it does parse.
//! 2. **Runs and lines.** Each text-showing operation is a run of glyphs in the order
//!    the PDF draws them, left to right. Consecutive runs on the same baseline form a
//!    line; a line's runs are sorted by x, so the line is in *visual* order however
//!    the producer ordered its drawing operations. Word spaces come from gaps between
//!    glyphs (> 0.15 em), very wide gaps (> 2.5 em, e.g. a date column) become a tab.
//!    Lines keep the content-stream order (which follows the document's structure);
//!    a vertical step of more than 1.45 × the page's usual line pitch, or a jump back
//!    up the page, becomes a blank line. Pages are separated by a blank line.
//! 3. **Bidi.** A line in visual order that contains right-to-left letters (and, in a
//!    mostly Arabic document, every line) is put back into logical order with the
//!    Unicode bidi algorithm (`unicode-bidi`): the visual string is resolved with an
//!    RTL paragraph level (in an Arabic document, or when the line is mostly Arabic)
//!    and reordered, which reverses the Arabic runs and the order of the runs while
//!    keeping Latin words, numbers and e-mail addresses in their left-to-right order.
//!    Brackets first get their visual shape back (producers disagree on which
//!    character a mirrored bracket glyph maps to) and are mirrored at RTL levels;
//!    phone numbers are kept as left-to-right units, as authors isolate them.
//! 4. **Clean-up.** E-mail addresses that a producer split with spaces
//!    (`sara . almansouri@example . com`) are rejoined and `+ 966` becomes `+966`.
//!
//! Everything runs under `catch_unwind`: `pdf-extract` panics on some malformed
//! files, and such a panic becomes [`ExtractError::Corrupt`]. (The default panic hook
//! still prints the panic message to stderr.)

use super::ExtractError;
use crate::lang::{ARABIC_SHARE_THRESHOLD, letter_counts};
use pdf_extract::{Document, MediaBox, Object, ObjectId, OutputDev, OutputError, Transform};
use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use unicode_bidi::{Level, ParagraphBidiInfo};

/// A gap wider than this (in em of the font size) between two glyphs is a word space.
const WORD_GAP_EM: f64 = 0.15;
/// A gap wider than this (in em) separates columns on the same baseline.
const COLUMN_GAP_EM: f64 = 2.5;
/// Runs whose baselines differ by at most this (in em) are on the same line.
const SAME_LINE_EM: f64 = 0.4;
/// A vertical step larger than this many times the page's usual line pitch starts a
/// new paragraph.
const PARAGRAPH_GAP_PITCH: f64 = 1.45;
/// The same in em, for pages with too few lines to know their pitch.
const PARAGRAPH_GAP_EM: f64 = 1.9;
/// Upper bound on one `/W` range we expand (a CID font has at most 65 536 glyphs).
const MAX_W_RANGE: i64 = 65_536;
/// What all of a PDF's compressed streams may unpack to. A resume with embedded fonts
/// and a photo unpacks to a few MiB; a "decompression bomb" (a 1 MB stream of zeros
/// that inflates to gigabytes) would otherwise be inflated whole by the PDF library.
pub const MAX_PDF_INFLATED_BYTES: u64 = 128 * 1024 * 1024;

pub(crate) fn extract_pdf(bytes: &[u8]) -> Result<String, ExtractError> {
    let pages = catch_unwind(AssertUnwindSafe(|| collect_glyphs(bytes))).map_err(|panic| {
        ExtractError::Corrupt(format!(
            "the PDF's internal structure could not be interpreted ({}); export it again as PDF or upload a DOCX",
            panic_message(panic.as_ref())
        ))
    })??;
    Ok(layout_document(&pages))
}

fn panic_message(panic: &(dyn Any + Send)) -> String {
    let msg = if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "parser failure".to_string()
    };
    msg.chars().take(160).collect()
}

/// Refuse a PDF whose streams together inflate to more than [`MAX_PDF_INFLATED_BYTES`],
/// before the PDF library (which inflates object streams while loading and content
/// streams while interpreting) gets to allocate it. Every `stream … endstream` segment
/// of the raw bytes is inflated once into a counter, stopping at the budget; segments
/// that are not zlib data count as what they are.
fn check_inflated_size(bytes: &[u8]) -> Result<(), ExtractError> {
    use std::io::Read;
    let mut total: u64 = 0;
    let mut at = 0;
    let mut buf = vec![0u8; 64 * 1024];
    while let Some(start) = find(&bytes[at..], b"stream").map(|i| at + i) {
        let mut body = start + b"stream".len();
        // `endstream` also contains `stream`: skip it.
        if bytes[..start].ends_with(b"end") {
            at = body;
            continue;
        }
        if bytes.get(body) == Some(&b'\r') {
            body += 1;
        }
        if bytes.get(body) != Some(&b'\n') {
            at = body;
            continue;
        }
        body += 1;
        let end = find(&bytes[body..], b"endstream").map_or(bytes.len(), |i| body + i);
        let left = MAX_PDF_INFLATED_BYTES - total;
        // Counted by hand: a stream that is cut short still counts what it inflated to.
        let mut reader = flate2::read::ZlibDecoder::new(&bytes[body..end]).take(left + 1);
        let mut inflated: u64 = 0;
        while let Ok(n @ 1..) = reader.read(&mut buf) {
            inflated += n as u64;
        }
        total += inflated.max((end - body) as u64);
        if total > MAX_PDF_INFLATED_BYTES {
            return Err(ExtractError::Corrupt(format!(
                "the PDF's compressed content unpacks to more than {} MiB, which no resume needs (possible decompression bomb)",
                MAX_PDF_INFLATED_BYTES / (1024 * 1024)
            )));
        }
        at = end;
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn collect_glyphs(bytes: &[u8]) -> Result<Vec<Vec<Run>>, ExtractError> {
    check_inflated_size(bytes)?;
    let mut doc = Document::load_mem(bytes).map_err(|e| {
        ExtractError::Corrupt(format!(
            "the file is not a complete, readable PDF ({e}); it may be truncated"
        ))
    })?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(ExtractError::Encrypted);
    }
    if doc.get_pages().is_empty() {
        return Err(ExtractError::Corrupt(
            "the PDF has no readable pages; the file is probably truncated".to_string(),
        ));
    }
    fix_cid_widths(&mut doc);
    let mut collector = Collector::default();
    pdf_extract::output_doc(&doc, &mut collector).map_err(|e| {
        ExtractError::Corrupt(format!("the PDF's page content cannot be read ({e})"))
    })?;
    collector.flush();
    Ok(collector.pages)
}

// ---------------------------------------------------------------------------------
// 1. CID font widths
// ---------------------------------------------------------------------------------

fn deref<'a>(doc: &'a Document, obj: &'a Object) -> &'a Object {
    match obj {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(obj),
        other => other,
    }
}

fn as_int(obj: &Object) -> Option<i64> {
    match obj {
        Object::Integer(i) => Some(*i),
        Object::Real(r) if r.is_finite() => Some(*r as i64),
        _ => None,
    }
}

/// Rewrite every CID font's `/W` array into the `c [w1 w2 …]` form (see module docs).
fn fix_cid_widths(doc: &mut Document) {
    let mut updates: Vec<(ObjectId, Vec<Object>)> = Vec::new();
    for (id, obj) in &doc.objects {
        let Ok(dict) = obj.as_dict() else { continue };
        let is_cid_font = matches!(
            dict.get(b"Subtype").and_then(Object::as_name),
            Ok(b"CIDFontType0") | Ok(b"CIDFontType2")
        );
        if !is_cid_font {
            continue;
        }
        let Ok(w) = dict.get(b"W") else { continue };
        let Ok(entries) = deref(doc, w).as_array() else {
            continue;
        };
        if let Some(fixed) = explicit_widths(doc, entries) {
            updates.push((*id, fixed));
        }
    }
    for (id, w) in updates {
        if let Some(Object::Dictionary(dict)) = doc.objects.get_mut(&id) {
            dict.set("W", Object::Array(w));
        }
    }
}

fn explicit_widths(doc: &Document, entries: &[Object]) -> Option<Vec<Object>> {
    let mut out = Vec::with_capacity(entries.len());
    let mut i = 0;
    let mut expanded = 0i64;
    while i + 1 < entries.len() {
        let first = as_int(deref(doc, &entries[i]))?;
        match deref(doc, &entries[i + 1]) {
            Object::Array(widths) => {
                out.push(Object::Integer(first));
                out.push(Object::Array(
                    widths.iter().map(|w| deref(doc, w).clone()).collect(),
                ));
                i += 2;
            }
            last => {
                let last = as_int(last)?;
                let width = deref(doc, entries.get(i + 2)?).clone();
                as_int(&width)?;
                let count = last.checked_sub(first).and_then(|d| d.checked_add(1));
                i += 3;
                let Some(count) = count.filter(|c| (1..=MAX_W_RANGE).contains(c)) else {
                    continue;
                };
                expanded += count;
                if expanded > 16 * MAX_W_RANGE {
                    return None;
                }
                out.push(Object::Integer(first));
                out.push(Object::Array(vec![width; count as usize]));
            }
        }
    }
    Some(out)
}

// ---------------------------------------------------------------------------------
// 2. Glyph collection and layout
// ---------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Glyph {
    x0: f64,
    x1: f64,
    text: String,
}

/// Glyphs drawn by one text-showing operation, on one baseline.
#[derive(Debug, Clone)]
struct Run {
    y: f64,
    size: f64,
    glyphs: Vec<Glyph>,
}

impl Run {
    fn x0(&self) -> f64 {
        self.glyphs.first().map_or(0.0, |g| g.x0)
    }

    fn is_blank(&self) -> bool {
        self.glyphs.iter().all(|g| g.text.trim().is_empty())
    }

    fn text(&self) -> String {
        self.glyphs.iter().map(|g| g.text.as_str()).collect()
    }
}

#[derive(Default)]
struct Collector {
    pages: Vec<Vec<Run>>,
    run: Option<Run>,
}

impl Collector {
    fn flush(&mut self) {
        let Some(mut run) = self.run.take() else {
            return;
        };
        estimate_missing_advances(&mut run);
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        if let Some(page) = self.pages.last_mut() {
            page.push(run);
        }
    }
}

/// A font without usable widths puts every glyph of a run at the same x. Spread them
/// by half an em so that the run keeps its extent (and no spaces appear inside it).
fn estimate_missing_advances(run: &mut Run) {
    if run.glyphs.len() < 2 {
        return;
    }
    let first = run.x0();
    let stuck = run
        .glyphs
        .iter()
        .all(|g| (g.x1 - g.x0).abs() < 1e-6 && (g.x0 - first).abs() < 0.01 * run.size);
    if stuck {
        let step = 0.5 * run.size;
        for (i, g) in run.glyphs.iter_mut().enumerate() {
            g.x0 = first + step * i as f64;
            g.x1 = g.x0 + step;
        }
    }
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        _media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.flush();
        self.pages.push(Vec::new());
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.flush();
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        let x_scale = trm.m11.hypot(trm.m12);
        let y_scale = trm.m21.hypot(trm.m22);
        let size = (font_size * y_scale).abs();
        let size = if size.is_finite() && size > 0.01 {
            size
        } else {
            1.0
        };
        let (x0, y) = (trm.m31, trm.m32);
        if !x0.is_finite() || !y.is_finite() || char.is_empty() {
            return Ok(());
        }
        let advance = (width * font_size + spacing) * x_scale;
        let advance = if advance.is_finite() {
            advance.max(0.0)
        } else {
            0.0
        };
        let glyph = Glyph {
            x0,
            x1: x0 + advance,
            text: char.to_string(),
        };
        match self.run.as_mut() {
            Some(run) if (run.y - y).abs() <= 0.2 * run.size.max(size) => run.glyphs.push(glyph),
            _ => {
                self.flush();
                self.run = Some(Run {
                    y,
                    size,
                    glyphs: vec![glyph],
                });
            }
        }
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.flush();
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        self.flush();
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

struct Line<'a> {
    y: f64,
    size: f64,
    runs: Vec<&'a Run>,
}

fn layout_document(pages: &[Vec<Run>]) -> String {
    let mut all = String::new();
    for run in pages.iter().flatten() {
        all.push_str(&run.text());
        all.push(' ');
    }
    let (arabic, latin) = letter_counts(&all);
    let rtl_doc = arabic > 0 && arabic as f64 >= ARABIC_SHARE_THRESHOLD * (arabic + latin) as f64;

    let mut out = String::new();
    for page in pages {
        let text = layout_page(page, rtl_doc);
        if text.trim().is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&text);
    }
    out
}

fn layout_page(runs: &[Run], rtl_doc: bool) -> String {
    let mut lines: Vec<Line<'_>> = Vec::new();
    for run in runs.iter().filter(|r| !r.is_blank()) {
        match lines.last_mut() {
            Some(line) if (line.y - run.y).abs() <= SAME_LINE_EM * line.size.max(run.size) => {
                line.size = line.size.max(run.size);
                line.runs.push(run);
            }
            _ => lines.push(Line {
                y: run.y,
                size: run.size,
                runs: vec![run],
            }),
        }
    }

    let rendered: Vec<(String, f64, f64)> = lines
        .iter()
        .map(|line| (render_line(line, rtl_doc), line.y, line.size))
        .filter(|(text, _, _)| !text.trim().is_empty())
        .collect();

    // The page's ordinary line pitch: the median downward step between consecutive
    // lines (ignoring jumps of more than three lines). A step clearly larger than that
    // (section spacing) starts a new paragraph, and so does a jump back up the page
    // (a new column or a side column drawn after the main one).
    let mut steps: Vec<f64> = rendered
        .windows(2)
        .map(|w| w[0].1 - w[1].1)
        .zip(rendered.iter().skip(1).map(|r| r.2))
        .filter(|&(step, size)| step > 0.0 && step < 3.0 * size)
        .map(|(step, _)| step)
        .collect();
    steps.sort_by(f64::total_cmp);
    let pitch = steps.get(steps.len() / 2).copied();

    let mut out = String::new();
    let mut prev: Option<(f64, f64)> = None;
    for (text, y, size) in &rendered {
        if let Some((prev_y, prev_size)) = prev {
            let step = prev_y - y; // PDF y grows upwards: positive = further down
            let em = prev_size.min(*size);
            let limit = pitch.map_or(PARAGRAPH_GAP_EM * em, |p| PARAGRAPH_GAP_PITCH * p);
            if step > limit || step < -0.5 * em {
                out.push_str("\n\n");
            } else {
                out.push('\n');
            }
        }
        out.push_str(text);
        prev = Some((*y, *size));
    }
    out
}

fn render_line(line: &Line<'_>, rtl_doc: bool) -> String {
    let mut runs: Vec<&Run> = line.runs.clone();
    runs.sort_by(|a, b| a.x0().total_cmp(&b.x0()));
    // Fake bold draws the same run twice, slightly offset: keep one copy.
    let mut kept: Vec<&Run> = Vec::with_capacity(runs.len());
    for run in runs {
        let dup = kept
            .iter()
            .any(|k| (k.x0() - run.x0()).abs() < 0.1 * run.size && k.text() == run.text());
        if !dup {
            kept.push(run);
        }
    }

    let mut visual = String::new();
    let mut prev_end: Option<f64> = None;
    for run in kept {
        for g in &run.glyphs {
            if g.text.trim().is_empty() {
                if !visual.is_empty() && !visual.ends_with([' ', '\t']) {
                    visual.push(' ');
                }
                prev_end = Some(g.x1);
                continue;
            }
            if let Some(end) = prev_end {
                let gap = g.x0 - end;
                if gap > COLUMN_GAP_EM * run.size {
                    while visual.ends_with(' ') {
                        visual.pop();
                    }
                    if !visual.is_empty() {
                        visual.push('\t');
                    }
                } else if gap > WORD_GAP_EM * run.size && !visual.ends_with([' ', '\t']) {
                    visual.push(' ');
                }
            }
            if g.text.chars().count() > 1 && g.text.chars().any(is_rtl_char) {
                // A ligature's ToUnicode text is logical; the line is visual.
                visual.extend(g.text.chars().rev());
            } else {
                visual.push_str(&g.text);
            }
            prev_end = Some(g.x1);
        }
    }
    let logical = visual_to_logical(visual.trim(), rtl_doc);
    join_plus_sign(&rejoin_emails(&logical))
}

// ---------------------------------------------------------------------------------
// 3. Bidi: visual → logical
// ---------------------------------------------------------------------------------

fn is_rtl_char(c: char) -> bool {
    matches!(
        c,
        '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}'
    ) && c.is_alphabetic()
}

/// Mirror a bracket-like character (what a renderer does at an odd bidi level).
fn mirror(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        '‹' => '›',
        '›' => '‹',
        other => other,
    }
}

/// Brackets in a *visual* string: every pair looks like `( … )` on the page whatever
/// the text direction, but the characters a PDF maps the glyphs to differ by
/// producer (HarfBuzz-based ones such as Typst map a mirrored glyph to its logical
/// character, and map a glyph to one character for the whole font). Re-derive each
/// bracket's *shape* from its position: an opener has a space (or the line start, or
/// another opener) before it and text after it, or no bracket of its family is open;
/// anything else closes the innermost open bracket.
fn bracket_shapes(chars: &mut [char]) {
    const FAMILIES: [(char, char); 3] = [('(', ')'), ('[', ']'), ('{', '}')];
    for (open, close) in FAMILIES {
        let mut depth = 0usize;
        for i in 0..chars.len() {
            if chars[i] != open && chars[i] != close {
                continue;
            }
            let prev = if i == 0 { None } else { Some(chars[i - 1]) };
            let next = chars.get(i + 1).copied();
            let opener_context = prev.is_none_or(|p| p.is_whitespace() || p == open)
                && next.is_some_and(|n| !n.is_whitespace());
            if depth > 0 && !opener_context {
                chars[i] = close;
                depth -= 1;
            } else {
                chars[i] = open;
                depth += 1;
            }
        }
    }
}

/// Phone-number-like spans (`+966 55 010 2345`, `055 010 2345`, `503-555-0148`):
/// on a page these always read left to right (an author does not accept a visually
/// reversed phone number, so producers wrap them in an LTR isolate), while the bidi
/// algorithm would order space-separated digit groups right to left inside an RTL
/// line. Returns, per character, the id of the span it belongs to.
fn phone_spans(chars: &[char]) -> Vec<Option<usize>> {
    let mut span_of = vec![None; chars.len()];
    let mut next_id = 0usize;
    let is_part = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')');
    let mut i = 0;
    while i < chars.len() {
        let plus = chars[i] == '+' && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        let digit_start = chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_alphanumeric());
        if !plus && !digit_start {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() && is_part(chars[j]) {
            // a separator must be followed by a digit or an opening parenthesis
            if !chars[j].is_ascii_digit()
                && !chars
                    .get(j + 1)
                    .is_some_and(|n| n.is_ascii_digit() || *n == '(')
                && chars[j] != ')'
            {
                break;
            }
            j += 1;
        }
        while j > i + 1 && !chars[j - 1].is_ascii_digit() {
            j -= 1;
        }
        let span = &chars[i..j];
        let digits = span.iter().filter(|c| c.is_ascii_digit()).count();
        let groups = span
            .split(|c| !c.is_ascii_digit())
            .filter(|g| !g.is_empty())
            .count();
        if (plus && digits >= 6) || (groups >= 3 && digits >= 7) {
            for k in span_of.iter_mut().take(j).skip(i) {
                *k = Some(next_id);
            }
            next_id += 1;
        }
        i = j.max(i + 1);
    }
    span_of
}

/// Turn one line of text in visual (left-to-right display) order into logical order.
///
/// Applying the bidi algorithm's reordering (rule L2) to the *visual* string with the
/// line's paragraph direction undoes the display reordering: Arabic letters are still
/// strong R and Latin letters strong L, so the same runs are found and reversed back,
/// while digits and Latin words (embedded at an even level) keep their order. Before
/// that, brackets get their visual shapes back ([`bracket_shapes`]) and phone numbers
/// are protected as LTR units ([`phone_spans`]); brackets that end up at an odd
/// (right-to-left) level are mirrored, as a renderer would have done.
pub(crate) fn visual_to_logical(visual: &str, rtl_doc: bool) -> String {
    let rtl_letters = visual.chars().filter(|&c| is_rtl_char(c)).count();
    if rtl_letters == 0 && !rtl_doc {
        return visual.to_string();
    }
    let ltr_letters = visual
        .chars()
        .filter(|&c| c.is_alphabetic() && !is_rtl_char(c))
        .count();
    let level = if rtl_doc || rtl_letters >= ltr_letters {
        Level::rtl()
    } else {
        Level::ltr()
    };
    let mut chars: Vec<char> = visual.chars().collect();
    bracket_shapes(&mut chars);
    // Phone numbers behave like an isolate: neutral for their surroundings (the bidi
    // levels are computed on a proxy where they are '*'), left to right inside.
    let spans = phone_spans(&chars);
    let proxy: String = chars
        .iter()
        .zip(&spans)
        .map(|(&c, span)| if span.is_some() { '*' } else { c })
        .collect();
    let info = ParagraphBidiInfo::new(&proxy, Some(level));
    let levels = info.reordered_levels_per_char(0..proxy.len());
    let order = ParagraphBidiInfo::reorder_visual(&levels);

    let mut out = String::with_capacity(visual.len());
    let mut k = 0;
    while k < order.len() {
        let i = order[k];
        if let Some(id) = spans.get(i).copied().flatten() {
            // the span's characters are adjacent in the result: restore their order
            let mut members: Vec<usize> = order[k..]
                .iter()
                .take_while(|&&j| spans.get(j).copied().flatten() == Some(id))
                .copied()
                .collect();
            k += members.len();
            members.sort_unstable();
            out.extend(members.iter().filter_map(|&j| chars.get(j)));
            continue;
        }
        if let Some(&c) = chars.get(i) {
            let odd = levels.get(i).is_some_and(|l| l.is_rtl());
            out.push(if odd { mirror(c) } else { c });
        }
        k += 1;
    }
    out
}

// ---------------------------------------------------------------------------------
// 4. Clean-up of split tokens
// ---------------------------------------------------------------------------------

fn is_email_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '@')
}

fn is_email_word(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_email_char)
}

/// Domain label after a split dot: lowercase letters, digits and hyphens.
fn is_domain_label(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
}

/// Rejoin e-mail addresses that a PDF producer split with spaces around `.` or `@`:
/// `sara . almansouri@example . com` → `sara.almansouri@example.com`. Only tokens
/// made of e-mail characters are joined, and only across a lone `.`/`@` or a token
/// that starts/ends with one, so ordinary sentences are left alone.
pub(crate) fn rejoin_emails(line: &str) -> String {
    if !line.contains('@') {
        return line.to_string();
    }
    let tokens: Vec<&str> = line.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i];
        let anchor = is_email_word(token) && token.contains('@');
        if !anchor {
            out.push(token.to_string());
            i += 1;
            continue;
        }
        let mut cur = token.to_string();
        // extend to the left
        while let Some(left) = out.last() {
            let joinable = is_email_word(left)
                && (left == "."
                    || left == "@"
                    || left.ends_with('@')
                    || ((cur.starts_with('.') || cur.starts_with('@')) && !left.ends_with('.')));
            if !joinable {
                break;
            }
            let left = out.pop().unwrap_or_default();
            cur.insert_str(0, &left);
        }
        // extend to the right
        let mut j = i + 1;
        while let Some(&right) = tokens.get(j) {
            let joinable = (right == "." || right == "@" || right.starts_with('@'))
                || ((cur.ends_with('.') || cur.ends_with('@')) && is_domain_label(right));
            if !joinable || !is_email_word(right) {
                break;
            }
            cur.push_str(right);
            j += 1;
        }
        if cur.ends_with('.') && j > i + 1 && tokens.get(j - 1) == Some(&".") {
            // a full stop after the address, not part of it
            cur.pop();
            out.push(cur);
            out.push(".".to_string());
        } else {
            out.push(cur);
        }
        i = j;
    }
    out.join(" ")
}

/// `+ 966 55 …` → `+966 55 …` (a phone number's plus sign drawn as its own word).
pub(crate) fn join_plus_sign(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        out.push(c);
        let at_word_start = i == 0 || chars[i - 1].is_whitespace() || chars[i - 1] == '|';
        if c == '+'
            && at_word_start
            && chars.get(i + 1) == Some(&' ')
            && chars.get(i + 2).is_some_and(|d| d.is_ascii_digit())
        {
            i += 2;
            continue;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decompression_bomb_is_refused_before_it_is_inflated() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..200 {
            z.write_all(&chunk).unwrap();
        }
        let data = z.finish().unwrap();
        let mut pdf = b"%PDF-1.7\n1 0 obj\n<< /Length 1 /Filter /FlateDecode >>\nstream\n".to_vec();
        pdf.extend_from_slice(&data);
        pdf.extend_from_slice(b"\nendstream\nendobj\n%%EOF\n");
        let err = check_inflated_size(&pdf).unwrap_err().to_string();
        assert!(err.contains("decompression bomb"), "{err}");
        // The same content cut short still counts what it inflated to.
        let cut = &pdf[..pdf.len() - 40];
        assert!(check_inflated_size(cut).is_err());
        // An ordinary compressed stream passes.
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(b"BT /F1 12 Tf (Maya) Tj ET").unwrap();
        let mut ok = b"%PDF-1.7\n1 0 obj\n<< >>\nstream\n".to_vec();
        ok.extend_from_slice(&z.finish().unwrap());
        ok.extend_from_slice(b"\nendstream\nendobj\n");
        assert!(check_inflated_size(&ok).is_ok());
    }

    #[test]
    fn visual_arabic_line_becomes_logical() {
        // what a visual-order extractor returns for "سارة خالد المنصوري"
        assert_eq!(
            visual_to_logical("يروصنملا دلاخ ةراس", true),
            "سارة خالد المنصوري"
        );
    }

    #[test]
    fn latin_and_digits_inside_arabic_keep_their_order() {
        // logical: "أجيد العمل على نظام SAP منذ 2016"
        let visual = "2016 ذنم SAP ماظن ىلع لمعلا ديجأ";
        assert_eq!(
            visual_to_logical(visual, true),
            "أجيد العمل على نظام SAP منذ 2016"
        );
        // e-mail inside an Arabic line
        let visual = "sara.almansouri@example.com :ديربلا";
        assert_eq!(
            visual_to_logical(visual, true),
            "البريد: sara.almansouri@example.com"
        );
    }

    #[test]
    fn brackets_follow_their_visual_shape() {
        // logical "المالية (IFRS)" is displayed as "(IFRS) ةيلاملا"; the PDF may map the
        // two glyphs to "(" ")" (shapes) or ")" "(" (logical characters)
        assert_eq!(visual_to_logical("(IFRS) ةيلاملا", true), "المالية (IFRS)");
        assert_eq!(visual_to_logical(")IFRS( ةيلاملا", true), "المالية (IFRS)");
        // "(متقدم)،" and an LTR run with its own brackets
        assert_eq!(visual_to_logical("،)مدقتم(", true), "(متقدم)،");
        assert_eq!(
            visual_to_logical("SOCPA )2021( نيينوناقلا", true),
            "القانونيين SOCPA (2021)"
        );
    }

    #[test]
    fn phone_numbers_stay_left_to_right() {
        assert_eq!(
            visual_to_logical("+966 55 010 2345 | ضايرلا", true),
            "الرياض | +966 55 010 2345"
        );
        // the header of the Arabic fixture: location | e-mail | phone
        assert_eq!(
            visual_to_logical(
                "+966 55 010 2345 | sara.almansouri@example.com | ضايرلا",
                true
            ),
            "الرياض | sara.almansouri@example.com | +966 55 010 2345"
        );
        assert_eq!(
            visual_to_logical("055 010 2345 :لاوجلا", true),
            "الجوال: 055 010 2345"
        );
        // a year range is not a phone number: it is ordered right to left
        assert_eq!(visual_to_logical("2020 – 2016", true), "2016 – 2020");
    }

    #[test]
    fn latin_line_in_arabic_document_gets_its_punctuation_back() {
        assert_eq!(visual_to_logical(".BI", true), "BI.");
        assert_eq!(visual_to_logical("Power BI", true), "Power BI");
    }

    #[test]
    fn ltr_lines_are_untouched() {
        assert_eq!(
            visual_to_logical("Rust, Go (Python)", true),
            "Rust, Go (Python)"
        );
        assert_eq!(visual_to_logical("", false), "");
    }

    #[test]
    fn emails_are_rejoined() {
        assert_eq!(
            rejoin_emails("x | sara . almansouri@example . com | +966"),
            "x | sara.almansouri@example.com | +966"
        );
        assert_eq!(rejoin_emails("a @ b . org"), "a@b.org");
        assert_eq!(
            rejoin_emails("mail me at john@x.com . Thanks"),
            "mail me at john@x.com . Thanks"
        );
        assert_eq!(rejoin_emails("Contact. john@x.com"), "Contact. john@x.com");
        assert_eq!(rejoin_emails("no address here"), "no address here");
    }

    #[test]
    fn plus_sign_is_joined_to_the_number() {
        assert_eq!(join_plus_sign("+ 966 55 010 2345"), "+966 55 010 2345");
        assert_eq!(join_plus_sign("x |+ 1 503"), "x |+1 503");
        assert_eq!(join_plus_sign("C+ 2"), "C+ 2");
        assert_eq!(join_plus_sign("a + b"), "a + b");
    }

    #[test]
    fn w_ranges_are_expanded() {
        let doc = Document::with_version("1.7");
        let w = vec![
            Object::Integer(0),
            Object::Integer(2),
            Object::Integer(500),
            Object::Integer(3),
            Object::Array(vec![Object::Integer(600), Object::Real(250.5)]),
        ];
        let fixed = explicit_widths(&doc, &w).unwrap_or_default();
        assert_eq!(fixed.len(), 4);
        assert_eq!(fixed[1].as_array().map(Vec::len).ok(), Some(3));
        assert_eq!(fixed[3].as_array().map(Vec::len).ok(), Some(2));
    }

    #[test]
    fn garbage_is_corrupt_not_a_panic() {
        for bytes in [
            &b"%PDF-1.7\n"[..],
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF",
            b"%PDF-",
        ] {
            assert!(
                matches!(extract_pdf(bytes), Err(ExtractError::Corrupt(_))),
                "{bytes:?}"
            );
        }
    }

    /// A PDF with Helvetica text, one `Vec` of lines per page.
    fn build_pdf(pages: &[&[&str]]) -> Vec<u8> {
        use pdf_extract::content::{Content, Operation};
        use pdf_extract::{Dictionary, Stream};
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let mut font = Dictionary::new();
        font.set("Type", "Font");
        font.set("Subtype", "Type1");
        font.set("BaseFont", "Helvetica");
        let font_id = doc.add_object(font);
        let mut fonts = Dictionary::new();
        fonts.set("F1", font_id);
        let mut resources = Dictionary::new();
        resources.set("Font", fonts);
        let resources_id = doc.add_object(resources);
        let mut kids = Vec::new();
        for lines in pages {
            let mut ops = Vec::new();
            for (i, line) in lines.iter().enumerate() {
                ops.push(Operation::new("BT", vec![]));
                ops.push(Operation::new("Tf", vec!["F1".into(), 12i64.into()]));
                ops.push(Operation::new(
                    "Td",
                    vec![72i64.into(), (720 - 16 * i as i64).into()],
                ));
                ops.push(Operation::new("Tj", vec![Object::string_literal(*line)]));
                ops.push(Operation::new("ET", vec![]));
            }
            let content = Content { operations: ops }.encode().unwrap_or_default();
            let content_id = doc.add_object(Stream::new(Dictionary::new(), content));
            let mut page = Dictionary::new();
            page.set("Type", "Page");
            page.set("Parent", pages_id);
            page.set("Contents", content_id);
            kids.push(Object::from(doc.add_object(page)));
        }
        let mut pages_dict = Dictionary::new();
        pages_dict.set("Type", "Pages");
        pages_dict.set("Count", kids.len() as i64);
        pages_dict.set("Kids", kids);
        pages_dict.set("Resources", resources_id);
        pages_dict.set(
            "MediaBox",
            vec![0i64.into(), 0i64.into(), 612i64.into(), 792i64.into()],
        );
        doc.objects.insert(pages_id, Object::Dictionary(pages_dict));
        let mut catalog = Dictionary::new();
        catalog.set("Type", "Catalog");
        catalog.set("Pages", pages_id);
        let catalog_id = doc.add_object(catalog);
        doc.trailer.set("Root", catalog_id);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap_or_default();
        out
    }

    #[test]
    fn multi_page_pdf_keeps_page_order_and_page_two_skills() {
        let pdf = build_pdf(&[
            &[
                "Jane Example",
                "jane.example@example.com | +1 555-010-0199",
                "Experience",
            ],
            &["Skills", "Rust, PostgreSQL, Apache Kafka"],
        ]);
        let text = extract_pdf(&pdf).unwrap_or_default();
        assert_eq!(
            text,
            "Jane Example\njane.example@example.com | +1 555-010-0199\nExperience\n\nSkills\nRust, PostgreSQL, Apache Kafka"
        );
        assert_eq!(
            crate::extract::extract_text(&pdf, crate::DocKind::Pdf).ok(),
            Some(text)
        );
    }

    #[test]
    fn pdf_with_empty_pages_has_no_text() {
        let pdf = build_pdf(&[&[], &["   "]]);
        assert_eq!(
            crate::extract::extract_text(&pdf, crate::DocKind::Pdf),
            Err(ExtractError::NoText)
        );
    }
}
