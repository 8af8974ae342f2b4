//! SmartResume's workflows. Deterministic code only: no clock, randomness, I/O
//! or tokio primitives here — every side effect is an activity, time comes
//! from SDK timers, concurrency from the SDK's `select!`.

pub mod generate_application;
pub mod ingest_job;
pub mod optimize_job;
pub mod parse_resume;
pub mod purge_resume;
pub mod support;
pub mod worker;

pub use generate_application::GenerateApplication;
pub use ingest_job::IngestJob;
pub use optimize_job::OptimizeJob;
pub use parse_resume::ParseResume;
pub use purge_resume::PurgeResume;
