//! SmartResume offline analysis engine: rule-based resume and job parsing, match analysis
//! with verbatim evidence, truthful resume optimisation and a truthfulness verifier.
//!
//! Everything here is deterministic and works without network access or model keys.

// `expect` appears only on `LazyLock` initialisers of literal regexes, which the
// unit tests force (a bad pattern fails CI, never a user request).
#![allow(clippy::expect_used)]

/// Folding, stemming and tokenising for matching: one module for the whole product.
pub use text::fold::{self, fold, stem_ar};

pub mod analysis;
mod contact;
pub mod cv;
pub mod dates;
pub mod dict;
mod education;
pub mod generator;
mod headings;
pub mod job_parser;
mod matching;
pub mod render;
pub mod resume_entries;
mod resume_index;
pub mod resume_parser;
pub mod skills_parser;
pub mod terms;
pub mod textutil;
pub mod types;
pub mod verifier;
pub mod years;

pub use analysis::{analyze, analyze_in};
pub use generator::generate_optimized;
pub use job_parser::parse_job;
pub use resume_parser::{parse_resume, resume_to_markdown};
pub use types::*;
pub use verifier::verify;
