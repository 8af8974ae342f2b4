//! The job-page fetcher (SSRF rules, limits, charsets) and the readability
//! extraction, against local HTTP servers and the fixture posting.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod fetch;
