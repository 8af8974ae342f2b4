//! Decide what kind of document an upload is from its bytes (the file name only
//! separates Markdown from plain text).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::Cursor;

/// The document kinds SmartResume can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    /// PDF with a text layer.
    Pdf,
    /// Word 2007+ document (Office Open XML).
    Docx,
    /// Plain text.
    Txt,
    /// Markdown.
    Md,
}

impl DocKind {
    /// Lowercase name, as serialised: `pdf`, `docx`, `txt`, `md`.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Pdf => "pdf",
            DocKind::Docx => "docx",
            DocKind::Txt => "txt",
            DocKind::Md => "md",
        }
    }

    /// The MIME type usually used for this kind.
    pub fn mime_type(self) -> &'static str {
        match self {
            DocKind::Pdf => "application/pdf",
            DocKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            DocKind::Txt => "text/plain",
            DocKind::Md => "text/markdown",
        }
    }
}

impl fmt::Display for DocKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an upload cannot be read as a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SniffError {
    /// The file has no bytes at all.
    #[error("the file is empty (0 bytes); upload a resume as PDF, DOCX, TXT or Markdown")]
    Empty,
    /// The bytes are not a PDF, DOCX or text file. The reason names what was found.
    #[error("unsupported file type: {0}; upload a resume as PDF, DOCX, TXT or Markdown")]
    Unsupported(String),
}

/// How far into the file a `%PDF-` header may start (after whitespace or a BOM).
const PDF_HEADER_WINDOW: usize = 1024;
/// How many bytes are inspected to decide whether a file is text.
const TEXT_SAMPLE: usize = 8192;

/// Decide the document kind from the content. The name is only used to tell Markdown
/// from plain text; a PNG called `resume.pdf` is still a PNG.
///
/// * `%PDF-` (after optional whitespace / UTF-8 BOM within the first KiB) → [`DocKind::Pdf`]
/// * a ZIP archive with `word/document.xml` → [`DocKind::Docx`]; any other ZIP,
///   images, legacy `.doc`, executables, archives, and bytes that look binary →
///   [`SniffError::Unsupported`]
/// * text (UTF-8, UTF-16 with BOM or a legacy 8-bit encoding) → [`DocKind::Md`] when the
///   name ends in `.md`/`.markdown` or the text clearly is Markdown, else [`DocKind::Txt`]
/// * 0 bytes → [`SniffError::Empty`]
pub fn sniff(bytes: &[u8], file_name: Option<&str>) -> Result<DocKind, SniffError> {
    if bytes.is_empty() {
        return Err(SniffError::Empty);
    }
    if has_pdf_header(bytes) {
        return Ok(DocKind::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"PK\x05\x06")
        || bytes.starts_with(b"PK\x07\x08")
    {
        return sniff_zip(bytes);
    }
    if let Some(what) = known_binary_format(bytes) {
        return Err(SniffError::Unsupported(what.to_string()));
    }
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if !utf16 && looks_binary(bytes) {
        return Err(SniffError::Unsupported(
            "the file contains binary data, not text".to_string(),
        ));
    }
    if name_is_markdown(file_name) || looks_like_markdown(&text_sample(bytes, utf16)) {
        Ok(DocKind::Md)
    } else {
        Ok(DocKind::Txt)
    }
}

fn has_pdf_header(bytes: &[u8]) -> bool {
    let window = &bytes[..bytes.len().min(PDF_HEADER_WINDOW)];
    let mut rest = window.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(window);
    while let Some((first, tail)) = rest.split_first() {
        if first.is_ascii_whitespace() || *first == 0 {
            rest = tail;
        } else {
            break;
        }
    }
    rest.starts_with(b"%PDF-")
}

fn sniff_zip(bytes: &[u8]) -> Result<DocKind, SniffError> {
    const DOC: &str = "word/document.xml";
    match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => {
            if archive.index_for_name(DOC).is_some() {
                Ok(DocKind::Docx)
            } else {
                Err(SniffError::Unsupported(
                    "ZIP archive without word/document.xml is not a Word document".to_string(),
                ))
            }
        }
        // A damaged archive (e.g. a truncated .docx) that still names the Word part in
        // a local header: call it DOCX and let extraction report it as corrupt.
        Err(_) if contains(bytes, DOC.as_bytes()) => Ok(DocKind::Docx),
        Err(_) => Err(SniffError::Unsupported(
            "the file is a damaged ZIP archive, not a Word document".to_string(),
        )),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Magic numbers of formats people upload by mistake.
fn known_binary_format(b: &[u8]) -> Option<&'static str> {
    let table: &[(&[u8], &str)] = &[
        (
            b"\x89PNG\r\n\x1a\n",
            "the file is a PNG image, not a document",
        ),
        (b"\xFF\xD8\xFF", "the file is a JPEG image, not a document"),
        (b"GIF87a", "the file is a GIF image, not a document"),
        (b"GIF89a", "the file is a GIF image, not a document"),
        (b"II*\x00", "the file is a TIFF image, not a document"),
        (b"MM\x00*", "the file is a TIFF image, not a document"),
        (
            b"\x00\x00\x01\x00",
            "the file is an icon image, not a document",
        ),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "the file is a legacy Microsoft Office (.doc) file; save it as .docx or PDF",
        ),
        (
            b"{\\rtf",
            "the file is an RTF document; save it as .docx or PDF",
        ),
        (
            b"\x7FELF",
            "the file is a program (ELF executable), not a document",
        ),
        (b"\x1F\x8B", "the file is a gzip archive, not a document"),
        (b"BZh", "the file is a bzip2 archive, not a document"),
        (b"\xFD7zXZ\x00", "the file is an xz archive, not a document"),
        (
            b"\x28\xB5\x2F\xFD",
            "the file is a zstd archive, not a document",
        ),
        (
            b"7z\xBC\xAF\x27\x1C",
            "the file is a 7-Zip archive, not a document",
        ),
        (b"Rar!\x1A\x07", "the file is a RAR archive, not a document"),
        (
            b"SQLite format 3\x00",
            "the file is a SQLite database, not a document",
        ),
        (
            b"\x00asm",
            "the file is a WebAssembly module, not a document",
        ),
        (b"%!PS", "the file is a PostScript file; save it as PDF"),
        (
            b"\xFF\xFE\x00\x00",
            "the file is UTF-32 text, which is not supported",
        ),
        (
            b"\x00\x00\xFE\xFF",
            "the file is UTF-32 text, which is not supported",
        ),
        (
            b"\xCA\xFE\xBA\xBE",
            "the file is a program or Java class file, not a document",
        ),
        (
            b"\xCF\xFA\xED\xFE",
            "the file is a program (Mach-O executable), not a document",
        ),
        (
            b"\xFE\xED\xFA\xCF",
            "the file is a program (Mach-O executable), not a document",
        ),
        (b"OggS", "the file is an audio/video file, not a document"),
        (b"fLaC", "the file is an audio file, not a document"),
        (b"ID3", "the file is an MP3 audio file, not a document"),
    ];
    for (magic, what) in table {
        if b.starts_with(magic) {
            return Some(what);
        }
    }
    if b.len() >= 12 && &b[0..4] == b"RIFF" {
        return Some(match &b[8..12] {
            b"WEBP" => "the file is a WebP image, not a document",
            b"WAVE" => "the file is a WAV audio file, not a document",
            b"AVI " => "the file is an AVI video, not a document",
            _ => "the file is a RIFF media file, not a document",
        });
    }
    if b.len() >= 12 && &b[4..8] == b"ftyp" {
        return Some(match &b[8..12] {
            b"heic" | b"heix" | b"mif1" | b"msf1" => "the file is a HEIC image, not a document",
            b"avif" => "the file is an AVIF image, not a document",
            _ => "the file is an MP4/QuickTime media file, not a document",
        });
    }
    if b.starts_with(b"MZ") && looks_binary(b) {
        return Some("the file is a Windows program, not a document");
    }
    if b.starts_with(b"BM") && looks_binary(b) {
        return Some("the file is a BMP image, not a document");
    }
    None
}

/// Text files have no NUL bytes and almost no C0 control characters other than tab,
/// line feed, carriage return, form feed and escape.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(TEXT_SAMPLE)];
    if sample.contains(&0) {
        return true;
    }
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B))
        .count()
        + sample.iter().filter(|&&b| b == 0x7F).count();
    // More than 1 in 50 bytes being control characters is not text anyone typed.
    controls * 50 > sample.len()
}

fn name_is_markdown(file_name: Option<&str>) -> bool {
    let Some(name) = file_name else {
        return false;
    };
    let lower = name.trim().to_ascii_lowercase();
    [".md", ".markdown", ".mdown", ".mkd", ".mkdn"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// True when a text upload holds nothing but whitespace (ASCII or Unicode
/// spaces such as U+00A0 and U+3000, line ends, a BOM): answered 422 at once,
/// before anything is stored. Only meaningful for `Txt`/`Md` kinds.
pub fn is_blank_text(bytes: &[u8]) -> bool {
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    let text = if utf16 {
        let enc = if bytes.starts_with(&[0xFF, 0xFE]) {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        enc.decode_without_bom_handling(&bytes[2..]).0.into_owned()
    } else {
        match std::str::from_utf8(bytes) {
            Ok(t) => t.to_string(),
            // A legacy encoding: its letters are not ASCII whitespace.
            Err(_) => return bytes.iter().all(u8::is_ascii_whitespace),
        }
    };
    text.chars().all(|c| {
        c.is_whitespace() || matches!(c, '\u{FEFF}' | '\u{200B}' | '\u{200E}' | '\u{200F}')
    })
}

/// A lossy look at the start of a text file, only used for the Markdown heuristic.
fn text_sample(bytes: &[u8], utf16: bool) -> String {
    let sample = &bytes[..bytes.len().min(TEXT_SAMPLE)];
    if utf16 {
        let (enc, skip) = if sample.starts_with(&[0xFF, 0xFE]) {
            (encoding_rs::UTF_16LE, 2)
        } else {
            (encoding_rs::UTF_16BE, 2)
        };
        let (text, _) = enc.decode_without_bom_handling(&sample[skip..]);
        text.into_owned()
    } else {
        String::from_utf8_lossy(sample).into_owned()
    }
}

/// "Clearly Markdown": at least one ATX heading (`# ` … `###### `) and at least one
/// more Markdown construct (another heading, a `- `/`* `/`+ ` list item, a link
/// `[text](url)`, `**bold**`, or a fenced code block). Plain-text resumes often use
/// `- ` bullets, so bullets alone do not make a file Markdown.
pub(crate) fn looks_like_markdown(text: &str) -> bool {
    let mut headings = 0usize;
    let mut others = 0usize;
    for line in text.lines() {
        let t = line.trim_start_matches('\u{FEFF}').trim_start();
        let hashes = t.chars().take_while(|&c| c == '#').count();
        if (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') {
            headings += 1;
        } else if t.starts_with("- ")
            || t.starts_with("* ")
            || t.starts_with("+ ")
            || t.starts_with("```")
        {
            others += 1;
        }
        if line.contains("](") || line.contains("**") {
            others += 1;
        }
    }
    headings >= 1 && headings + others >= 2
}

#[cfg(test)]
mod tests {

    #[test]
    fn blank_text_covers_unicode_spaces_and_boms() {
        assert!(is_blank_text(b""));
        assert!(is_blank_text(b" \t\r\n  "));
        assert!(is_blank_text("\u{FEFF}\u{00A0}\u{3000}\n".as_bytes()));
        assert!(is_blank_text(&[0xFF, 0xFE, 0x20, 0x00, 0x00, 0x30]));
        assert!(!is_blank_text(b"  x "));
        assert!(!is_blank_text(&[0xC7, 0xE1])); // Windows-1256 letters
    }
    use super::*;

    #[test]
    fn empty_is_empty() {
        assert_eq!(sniff(b"", Some("cv.pdf")), Err(SniffError::Empty));
        assert_eq!(sniff(b"", None), Err(SniffError::Empty));
    }

    #[test]
    fn pdf_by_content_with_leading_junk() {
        assert_eq!(sniff(b"%PDF-1.7\n", Some("x.txt")), Ok(DocKind::Pdf));
        assert_eq!(sniff(b"\xEF\xBB\xBF \r\n%PDF-1.4", None), Ok(DocKind::Pdf));
        let mut late = vec![b' '; 2000];
        late.extend_from_slice(b"%PDF-1.4");
        assert_ne!(sniff(&late, None), Ok(DocKind::Pdf));
    }

    #[test]
    fn images_and_office_binaries_are_unsupported() {
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
        assert!(
            matches!(sniff(png, Some("cv.pdf")), Err(SniffError::Unsupported(m)) if m.contains("PNG"))
        );
        let doc = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00";
        assert!(
            matches!(sniff(doc, Some("cv.doc")), Err(SniffError::Unsupported(m)) if m.contains(".doc"))
        );
        assert!(matches!(
            sniff(b"\xFF\xD8\xFF\xE0", None),
            Err(SniffError::Unsupported(_))
        ));
        assert!(matches!(
            sniff(b"\x7FELF\x02\x01", None),
            Err(SniffError::Unsupported(_))
        ));
        assert!(matches!(
            sniff(b"abc\x00def", None),
            Err(SniffError::Unsupported(_))
        ));
        assert!(matches!(
            sniff(b"\x01\x02\x03\x04\x05abc", None),
            Err(SniffError::Unsupported(_))
        ));
    }

    #[test]
    fn text_and_markdown() {
        assert_eq!(
            sniff(b"Jane Doe\nEngineer\n", Some("cv.txt")),
            Ok(DocKind::Txt)
        );
        assert_eq!(sniff(b"Jane Doe\n", Some("CV.MD")), Ok(DocKind::Md));
        assert_eq!(sniff(b"Jane Doe\n", Some("cv.markdown")), Ok(DocKind::Md));
        assert_eq!(
            sniff(b"# Jane Doe\n\n## Skills\n- Rust\n", None),
            Ok(DocKind::Md)
        );
        // bullets alone are not Markdown
        assert_eq!(sniff(b"Jane Doe\n- Rust\n- Go\n", None), Ok(DocKind::Txt));
        // '#' without space is not a heading
        assert_eq!(sniff(b"#1 in sales\n- Rust\n", None), Ok(DocKind::Txt));
        // Windows-1256 bytes are text, not binary
        assert_eq!(sniff(b"\xE3\xCD\xE3\xE6\xCF\r\n", None), Ok(DocKind::Txt));
    }

    #[test]
    fn utf16_with_bom_is_text() {
        let mut b = vec![0xFF, 0xFE];
        for u in "# Title\n- item\n".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(sniff(&b, Some("a.txt")), Ok(DocKind::Md));
        let mut b = vec![0xFE, 0xFF];
        for u in "hello".encode_utf16() {
            b.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(sniff(&b, None), Ok(DocKind::Txt));
    }

    #[test]
    fn errors_read_like_sentences() {
        let e = SniffError::Unsupported("the file is a PNG image, not a document".into());
        assert_eq!(
            e.to_string(),
            "unsupported file type: the file is a PNG image, not a document; upload a resume as PDF, DOCX, TXT or Markdown"
        );
        assert!(SniffError::Empty.to_string().contains("empty"));
    }

    #[test]
    fn serde_lowercase() {
        assert_eq!(
            serde_json::to_string(&DocKind::Docx).ok().as_deref(),
            Some("\"docx\"")
        );
        assert_eq!(
            serde_json::from_str::<DocKind>("\"md\"").ok(),
            Some(DocKind::Md)
        );
    }
}
