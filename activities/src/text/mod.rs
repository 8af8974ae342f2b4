//! Text processing for SmartResume: decide what an upload is ([`sniff()`]), pull its
//! text out ([`extract`]), clean it ([`normalize`]), tell its language ([`lang`]) and
//! cut it into overlapping pieces for embedding ([`chunk`]).
//!
//! Everything here is pure, synchronous and free of I/O: callers hand in bytes and get
//! strings back. Nothing in this crate panics on bad input; PDF parsing (which can
//! panic inside `pdf-extract`) runs behind `catch_unwind`.

pub mod chunk;
pub mod extract;
pub mod lang;
pub mod normalize;
pub mod sniff;

pub use chunk::{Chunk, DEFAULT_OVERLAP_CHARS, DEFAULT_TARGET_CHARS, chunk_text};
pub use extract::{
    DocumentError, ExtractError, ExtractedDocument, MAX_DOCX_XML_BYTES, extract_document,
    extract_text,
};
pub use lang::{Lang, detect_lang};
pub use normalize::{arabic_light_stem, fold_for_match, normalize_text};
pub use sniff::{DocKind, SniffError, sniff};
