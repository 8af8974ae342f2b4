//! Every side effect of the SmartResume workflows. Each capability is a module;
//! the Temporal-facing activity structs (`ResumeActivities`, ...) are thin:
//! they load by id, call pure code (`text`, `engine`), and write results back
//! with idempotent updates keyed by natural ids, so running an activity twice
//! leaves the same state as running it once.

pub mod engine;
pub mod errors;
pub mod resume;
pub mod text;

pub use resume::ResumeActivities;
