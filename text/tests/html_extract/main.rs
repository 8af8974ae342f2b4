//! Readability extraction of job pages, against the fixture posting and hand-made pages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod pages;
