//! Integration tests of the CV engine (`engine::cv`) on the shared fixtures: plans that apply
//! cleanly, crafted injections that are rejected, the independent truthfulness check, cover
//! letters, a randomised editor test and the committed schema.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../offline_engine/common.rs"]
#[allow(dead_code)]
mod common;

mod fixtures;
mod injection;
mod letters;
mod random_plans;
mod schema;
