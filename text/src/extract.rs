//! Text extraction from PDF, DOCX and text files. Every successful result has been
//! through [`normalize_text`] and is not empty.

mod docx;
mod pdf;
mod text;

use crate::lang::{Lang, detect_lang};
use crate::normalize::normalize_text;
use crate::sniff::{DocKind, SniffError, sniff};
use serde::{Deserialize, Serialize};

pub use docx::MAX_DOCX_XML_BYTES;

/// Why the text of a document could not be extracted. Every message is a sentence a
/// user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// Nothing but whitespace (or no bytes at all).
    #[error("the document is empty: it contains no text, only whitespace")]
    Empty,
    /// A PDF without a text layer, typically a scan.
    #[error(
        "this PDF has no extractable text layer (it looks like a scanned image); upload a text-based PDF, DOCX or TXT"
    )]
    NoText,
    /// The file is damaged or not what its kind says.
    #[error("the document is damaged and could not be read: {0}")]
    Corrupt(String),
    /// A text file in an encoding that cannot be decoded without guessing wrong.
    #[error(
        "the text file's character encoding could not be recognised ({0}); save it as UTF-8 and upload it again"
    )]
    Encoding(String),
    /// A password-protected PDF.
    #[error("this PDF is password-protected; remove the password and upload it again")]
    Encrypted,
}

/// Extract the text of a document of a known kind (see [`sniff`]) and normalise it.
///
/// * PDF: pure Rust (`pdf-extract` / `lopdf`), laid out from glyph positions, with
///   right-to-left lines put back into logical order (see the `pdf` module docs);
///   malformed files give [`ExtractError::Corrupt`], never a panic; a PDF without a
///   text layer gives [`ExtractError::NoText`].
/// * DOCX: paragraphs in order, headings as `#`/`##`/`###`, list items as `- `, tables
///   row by row with cells joined by ` | `.
/// * TXT/MD: UTF-8 (BOM stripped), UTF-16 with BOM, or a detected legacy encoding
///   (e.g. Windows-1256 Arabic); undecodable text gives [`ExtractError::Encoding`].
///
/// A result that is empty after normalisation gives [`ExtractError::Empty`].
pub fn extract_text(bytes: &[u8], kind: DocKind) -> Result<String, ExtractError> {
    if bytes.is_empty() {
        return Err(ExtractError::Empty);
    }
    let raw = match kind {
        DocKind::Pdf => pdf::extract_pdf(bytes)?,
        DocKind::Docx => docx::extract_docx(bytes)?,
        DocKind::Txt | DocKind::Md => text::decode_text(bytes)?,
    };
    let text = normalize_text(&raw);
    if text.is_empty() {
        return Err(match kind {
            DocKind::Pdf => ExtractError::NoText,
            _ => ExtractError::Empty,
        });
    }
    Ok(text)
}

/// A document that was sniffed, extracted and normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractedDocument {
    /// What the bytes turned out to be.
    pub kind: DocKind,
    /// Normalised text (never empty).
    pub text: String,
    /// Detected language of the text.
    pub lang: Lang,
}

/// Either step of [`extract_document`] failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// The upload is empty or not a supported kind of file.
    #[error(transparent)]
    Sniff(#[from] SniffError),
    /// The file is of a supported kind but its text could not be extracted.
    #[error(transparent)]
    Extract(#[from] ExtractError),
}

/// Convenience for callers: [`sniff`], then [`extract_text`], then
/// [`detect_lang`].
pub fn extract_document(
    bytes: &[u8],
    file_name: Option<&str>,
) -> Result<ExtractedDocument, DocumentError> {
    let kind = sniff(bytes, file_name)?;
    let text = extract_text(bytes, kind)?;
    let lang = detect_lang(&text);
    Ok(ExtractedDocument { kind, text, lang })
}
