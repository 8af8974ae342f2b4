//! Everything the gateway and the worker agree on: domain types, the workflow
//! contracts (names, ids, inputs, outputs, search attributes), configuration,
//! database access and access-token verification.
//!
//! Errors: modules that callers branch on return typed errors (`thiserror`);
//! start-up and plumbing code that only reports upwards uses `anyhow`.

pub mod auth;
pub mod config;
pub mod contracts;
pub mod cv;
pub mod db;
pub mod domain;
pub mod storage;
pub mod telemetry;

pub use domain::Lang;
pub use text::normalize::truncate_chars;
/// File-type sniffing lives in the `text` crate; the gateway answers 415 from it
/// before anything is stored.
pub use text::sniff as filetype;
