//! Renders a tailored CV and a cover letter to PDF and DOCX, in process.
//!
//! - **PDF**: the embedded Typst compiler with an in-memory [`typst::World`]: one template
//!   source per document kind (compiled into the binary), the bundled Noto fonts (also compiled
//!   in), and the document itself as a virtual JSON file (`/data.json`). The template reads the
//!   data with `json(..)`, so user text is always printed literally, never evaluated as markup.
//!   No package imports, no network, no filesystem, no clock: identical input gives identical
//!   bytes.
//! - **DOCX**: `docx-rs`, with right-to-left paragraphs (`w:bidi`) and runs (`w:rtl`) for Arabic.
//!
//! Build one [`Renderer`] per process and share it (`Send + Sync`). In a long-running worker,
//! call [`evict_cache`] after each render so Typst's memoisation cache does not grow.

mod docx;
mod error;
mod model;
mod world;

pub use error::RenderError;
pub use model::{CoverLetter, CvDocument, CvItem, CvSection, Lang, Rendered};

use typst::LibraryExt;
use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::Bytes;
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, WorldExt};
use typst_layout::PagedDocument;

/// Limits that keep one render fast and bounded (a real CV is far below them).
pub mod limits {
    /// Total UTF-8 bytes of all strings in one document.
    pub const MAX_TEXT_BYTES: usize = 100 * 1024;
    /// Number of strings (names, bullets, contact entries, ...) in one document.
    pub const MAX_STRINGS: usize = 3_000;
    /// Bytes of one string.
    pub const MAX_STRING_BYTES: usize = 8 * 1024;
    /// Pages of one rendered PDF.
    pub const MAX_PAGES: usize = 30;
}

const CV_TEMPLATE: &str = include_str!("../templates/cv.typ");
const LETTER_TEMPLATE: &str = include_str!("../templates/letter.typ");

const FONT_FILES: [&[u8]; 4] = [
    include_bytes!("../fonts/NotoSans-Regular.ttf"),
    include_bytes!("../fonts/NotoSans-Bold.ttf"),
    include_bytes!("../fonts/NotoNaskhArabic-Regular.ttf"),
    include_bytes!("../fonts/NotoNaskhArabic-Bold.ttf"),
];

/// Font family names of the bundled fonts.
pub const LATIN_FONT: &str = "Noto Sans";
/// Font family name of the bundled Arabic face.
pub const ARABIC_FONT: &str = "Noto Naskh Arabic";

/// Typst's memoisation cache entries older than this many renders are dropped by
/// [`evict_cache`].
const CACHE_MAX_AGE: usize = 10;

/// Drops Typst's memoised results that were not used in the last few renders.
///
/// Call it after each render in a long-running process: without it the cache keeps every
/// document's intermediate results and memory grows with each render.
pub fn evict_cache() {
    comemo::evict(CACHE_MAX_AGE);
}

/// Parsed fonts, the standard library and the templates, built once per process.
pub struct Renderer {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    cv: Source,
    letter: Source,
    data_id: FileId,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer")
            .field("fonts", &self.fonts.len())
            .finish_non_exhaustive()
    }
}

fn file_id(path: &str) -> Result<FileId, RenderError> {
    let vpath = VirtualPath::new(path)
        .map_err(|e| RenderError::Typeset(format!("bad virtual path {path}: {e}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl Renderer {
    /// Parses the bundled fonts and templates. Takes a few milliseconds; do it once.
    pub fn new() -> Result<Self, RenderError> {
        let fonts: Vec<Font> = FONT_FILES
            .iter()
            .flat_map(|data| Font::iter(Bytes::new(*data)))
            .collect();
        if fonts.len() != FONT_FILES.len() {
            return Err(RenderError::Fonts(format!(
                "parsed {} of {} bundled fonts",
                fonts.len(),
                FONT_FILES.len()
            )));
        }
        let book = FontBook::from_fonts(&fonts);
        for family in [LATIN_FONT, ARABIC_FONT] {
            if book.select_family(&family.to_lowercase()).next().is_none() {
                return Err(RenderError::Fonts(format!("font family {family} missing")));
            }
        }
        Ok(Self {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(book),
            fonts,
            cv: Source::new(file_id("/cv.typ")?, CV_TEMPLATE.to_owned()),
            letter: Source::new(file_id("/letter.typ")?, LETTER_TEMPLATE.to_owned()),
            data_id: file_id("/data.json")?,
        })
    }

    /// Renders both formats of a CV.
    pub fn cv(&self, cv: &CvDocument) -> Result<Rendered, RenderError> {
        Ok(Rendered {
            pdf: self.cv_pdf(cv)?,
            docx: self.cv_docx(cv)?,
        })
    }

    /// Renders a CV to PDF.
    pub fn cv_pdf(&self, cv: &CvDocument) -> Result<Vec<u8>, RenderError> {
        validate_cv(cv)?;
        let data = serde_json::json!({
            "lang": cv.lang.code(),
            "rtl": cv.lang.is_rtl(),
            "fonts": fonts_for(cv.lang),
            "title": cv_title(cv),
            "summary_title": summary_title(cv),
            "cv": cv,
        });
        self.compile_pdf(&self.cv, serde_json::to_vec(&data)?)
    }

    /// Renders a CV to DOCX.
    pub fn cv_docx(&self, cv: &CvDocument) -> Result<Vec<u8>, RenderError> {
        validate_cv(cv)?;
        docx::cv(cv, &cv_title(cv), &summary_title(cv))
    }

    /// Renders both formats of a cover letter.
    pub fn letter(&self, letter: &CoverLetter) -> Result<Rendered, RenderError> {
        Ok(Rendered {
            pdf: self.letter_pdf(letter)?,
            docx: self.letter_docx(letter)?,
        })
    }

    /// Renders a cover letter to PDF.
    pub fn letter_pdf(&self, letter: &CoverLetter) -> Result<Vec<u8>, RenderError> {
        validate_letter(letter)?;
        let data = serde_json::json!({
            "lang": letter.lang.code(),
            "rtl": letter.lang.is_rtl(),
            "fonts": fonts_for(letter.lang),
            "title": letter_title(letter),
            "letter": letter,
        });
        self.compile_pdf(&self.letter, serde_json::to_vec(&data)?)
    }

    /// Renders a cover letter to DOCX.
    pub fn letter_docx(&self, letter: &CoverLetter) -> Result<Vec<u8>, RenderError> {
        validate_letter(letter)?;
        docx::letter(letter, &letter_title(letter))
    }

    fn compile_pdf(&self, main: &Source, data: Vec<u8>) -> Result<Vec<u8>, RenderError> {
        let world = world::DocWorld {
            renderer: self,
            main,
            data: Bytes::new(data),
        };
        let Warned { output, warnings } = typst::compile::<PagedDocument>(&world);
        let document = output.map_err(|errors| {
            RenderError::Typeset(describe(&world, errors.iter().chain(warnings.iter())))
        })?;
        // The template is ours and compiles without warnings; a warning means the data hit a
        // case the template does not handle, which must not pass silently.
        if !warnings.is_empty() {
            return Err(RenderError::Typeset(describe(&world, warnings.iter())));
        }
        if document.pages().len() > limits::MAX_PAGES {
            return Err(RenderError::Invalid(format!(
                "the document would have {} pages (at most {})",
                document.pages().len(),
                limits::MAX_PAGES
            )));
        }
        typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
            .map_err(|errors| RenderError::Pdf(describe(&world, errors.iter())))
    }
}

fn fonts_for(lang: Lang) -> [&'static str; 2] {
    match lang {
        Lang::En => [LATIN_FONT, ARABIC_FONT],
        Lang::Ar => [ARABIC_FONT, LATIN_FONT],
    }
}

fn cv_title(cv: &CvDocument) -> String {
    match (&cv.title, cv.lang) {
        (Some(title), _) if !title.trim().is_empty() => title.trim().to_owned(),
        (_, Lang::En) => format!("{} – CV", cv.name.trim()),
        (_, Lang::Ar) => format!("{} – السيرة الذاتية", cv.name.trim()),
    }
}

fn summary_title(cv: &CvDocument) -> String {
    match (&cv.summary_title, cv.lang) {
        (Some(title), _) if !title.trim().is_empty() => title.trim().to_owned(),
        (_, Lang::En) => "Summary".to_owned(),
        (_, Lang::Ar) => "الملخص المهني".to_owned(),
    }
}

fn letter_title(letter: &CoverLetter) -> String {
    match (&letter.subject, letter.lang) {
        (Some(subject), _) if !subject.trim().is_empty() => subject.trim().to_owned(),
        (_, Lang::En) => format!("{} – Cover letter", letter.sender_name.trim()),
        (_, Lang::Ar) => format!("{} – خطاب تقديم", letter.sender_name.trim()),
    }
}

/// Joins diagnostics into one readable message: "message (line N; hint: ...)".
fn describe<'a>(
    world: &world::DocWorld<'_>,
    diagnostics: impl Iterator<Item = &'a SourceDiagnostic>,
) -> String {
    let mut parts = Vec::new();
    for diag in diagnostics {
        let mut text = diag.message.to_string();
        let line = (diag.span.id() == Some(world.main.id()))
            .then(|| world.range(diag.span))
            .flatten()
            .and_then(|range| world.main.lines().byte_to_line(range.start));
        if let Some(line) = line {
            text.push_str(&format!(" (template line {})", line + 1));
        }
        for hint in &diag.hints {
            text.push_str(&format!("; hint: {}", hint.v));
        }
        parts.push(text);
    }
    if parts.is_empty() {
        "unknown error".to_owned()
    } else {
        parts.join("; ")
    }
}

/// Counts strings and bytes against [`limits`].
#[derive(Default)]
struct Budget {
    strings: usize,
    bytes: usize,
}

impl Budget {
    fn add(&mut self, what: &str, s: &str) -> Result<(), RenderError> {
        if s.len() > limits::MAX_STRING_BYTES {
            return Err(RenderError::Invalid(format!(
                "{what} is {} bytes long (at most {})",
                s.len(),
                limits::MAX_STRING_BYTES
            )));
        }
        self.strings += 1;
        self.bytes += s.len();
        if self.strings > limits::MAX_STRINGS {
            return Err(RenderError::Invalid(format!(
                "the document has more than {} text fields",
                limits::MAX_STRINGS
            )));
        }
        if self.bytes > limits::MAX_TEXT_BYTES {
            return Err(RenderError::Invalid(format!(
                "the document has more than {} bytes of text",
                limits::MAX_TEXT_BYTES
            )));
        }
        Ok(())
    }

    fn add_opt(&mut self, what: &str, s: &Option<String>) -> Result<(), RenderError> {
        s.as_deref().map_or(Ok(()), |s| self.add(what, s))
    }

    fn add_all(&mut self, what: &str, items: &[String]) -> Result<(), RenderError> {
        items.iter().try_for_each(|s| self.add(what, s))
    }
}

fn validate_cv(cv: &CvDocument) -> Result<(), RenderError> {
    if cv.name.trim().is_empty() {
        return Err(RenderError::Invalid("the CV has no name".to_owned()));
    }
    let mut budget = Budget::default();
    budget.add("name", &cv.name)?;
    budget.add_opt("headline", &cv.headline)?;
    budget.add_all("a contact entry", &cv.contact)?;
    budget.add_opt("summary", &cv.summary)?;
    budget.add_opt("summary title", &cv.summary_title)?;
    budget.add_all("a keyword", &cv.keywords)?;
    budget.add_opt("title", &cv.title)?;
    for section in &cv.sections {
        budget.add("a section title", &section.title)?;
        for item in &section.items {
            budget.add_opt("an item heading", &item.heading)?;
            budget.add_opt("an item subheading", &item.subheading)?;
            budget.add_opt("an item's dates", &item.dates)?;
            budget.add_opt("an item's text", &item.text)?;
            budget.add_all("a bullet", &item.bullets)?;
        }
    }
    Ok(())
}

fn validate_letter(letter: &CoverLetter) -> Result<(), RenderError> {
    if letter.sender_name.trim().is_empty() {
        return Err(RenderError::Invalid(
            "the cover letter has no sender name".to_owned(),
        ));
    }
    if letter.paragraphs.iter().all(|p| p.trim().is_empty()) {
        return Err(RenderError::Invalid(
            "the cover letter has no paragraphs".to_owned(),
        ));
    }
    let mut budget = Budget::default();
    budget.add("sender name", &letter.sender_name)?;
    budget.add_all("a contact entry", &letter.sender_contact)?;
    budget.add_opt("date", &letter.date)?;
    budget.add_opt("recipient", &letter.recipient)?;
    budget.add_opt("subject", &letter.subject)?;
    budget.add("greeting", &letter.greeting)?;
    budget.add_all("a paragraph", &letter.paragraphs)?;
    budget.add("closing", &letter.closing)?;
    Ok(())
}

/// True if the text contains Arabic letters (then it is set right-to-left in DOCX).
pub(crate) fn has_arabic(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c as u32,
            0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renderer_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Renderer>();
    }

    #[test]
    fn typst_errors_and_warnings_become_render_errors() {
        let renderer = Renderer::new().unwrap();
        let broken = Source::new(file_id("/broken.typ").unwrap(), "#let x = (\n".to_owned());
        let err = renderer.compile_pdf(&broken, b"{}".to_vec()).unwrap_err();
        assert!(matches!(err, RenderError::Typeset(_)), "{err}");
        assert!(err.to_string().contains("template line 1"), "{err}");

        let no_import = Source::new(
            file_id("/import.typ").unwrap(),
            "#import \"@preview/anything:0.1.0\": *\n".to_owned(),
        );
        let err = renderer
            .compile_pdf(&no_import, b"{}".to_vec())
            .unwrap_err();
        assert!(matches!(err, RenderError::Typeset(_)), "{err}");

        let no_clock = Source::new(
            file_id("/clock.typ").unwrap(),
            "#datetime.today().display()\n".to_owned(),
        );
        assert!(renderer.compile_pdf(&no_clock, b"{}".to_vec()).is_err());

        let warns = Source::new(
            file_id("/warn.typ").unwrap(),
            "#set text(font: \"No Such Font\")\nHello\n".to_owned(),
        );
        let err = renderer.compile_pdf(&warns, b"{}".to_vec()).unwrap_err();
        assert!(err.to_string().contains("unknown font family"), "{err}");
    }

    #[test]
    fn detects_arabic() {
        assert!(has_arabic("شركة النخبة"));
        assert!(!has_arabic("+966 55 010 2345"));
    }

    #[test]
    fn rejects_oversized_input() {
        let cv = CvDocument {
            name: "A".into(),
            sections: vec![CvSection {
                title: "X".into(),
                items: vec![CvItem {
                    bullets: vec!["b".repeat(4000); 40],
                    ..Default::default()
                }],
            }],
            ..Default::default()
        };
        assert!(matches!(validate_cv(&cv), Err(RenderError::Invalid(_))));
    }
}
