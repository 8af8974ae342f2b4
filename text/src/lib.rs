//! Text processing for SmartResume, pure and free of I/O: decide what an upload is
//! ([`sniff()`]), pull its text out ([`extract`]), clean it for display ([`normalize`]),
//! fold it for matching ([`fold`]), tell its language ([`lang`]), cut it into overlapping
//! pieces for embedding ([`chunk`]), turn a job page's HTML into readable text
//! ([`html`]) and re-emit Markdown from an allow-list ([`markdown`]).
//!
//! Callers hand in bytes or strings and get strings back. Nothing here touches a
//! database, the network or Temporal, and nothing panics on bad input; PDF parsing
//! (which can panic inside `pdf-extract`) runs behind `catch_unwind`.
//!
//! This is the lowest layer of the workspace: it depends on no crate of ours.

pub mod charset;
pub mod chunk;
pub mod extract;
pub mod fold;
pub mod html;
pub mod lang;
pub mod markdown;
pub mod normalize;
pub mod sniff;

pub use chunk::{Chunk, DEFAULT_OVERLAP_CHARS, DEFAULT_TARGET_CHARS, chunk_text};
pub use extract::{
    DocumentError, ExtractError, ExtractedDocument, MAX_DOCX_XML_BYTES, extract_document,
    extract_text,
};
pub use fold::{fold, stem_ar};
pub use lang::{Lang, detect_lang};
pub use normalize::{collapse_whitespace, normalize_text, truncate_chars};
pub use sniff::{DocKind, SniffError, sniff};
