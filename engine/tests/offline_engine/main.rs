//! Integration tests for the offline engine (one test binary, modules by area).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod analysis_quality;
mod common;
mod extracted_layouts;
mod fuzz;
mod generator;
mod job_fixtures;
mod resume_fixtures;
mod schema;
mod synthetic_resumes;
mod truthfulness;
mod verifier;
