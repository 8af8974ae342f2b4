//! Every side effect of the SmartResume workflows. Each capability is a module
//! behind a trait where a cloud provider can replace the embedded default
//! (`embed`, `vectors`, blob storage in `shared::storage`). The Temporal-facing
//! activity structs (`ResumeActivities`, ...) are thin: they load by id, call
//! pure code (`text`, `engine`), and write results back with idempotent
//! updates keyed by natural ids, so running an activity twice leaves the same
//! state as running it once.

pub mod applications;
pub mod embed;
pub mod errors;
pub mod fallback;
pub mod heartbeat;
pub mod indexing;
pub mod jobs;
pub mod llm;
pub mod metrics;
pub mod n8n;
pub mod openai;
pub mod optimize;
pub mod pinecone;
pub mod providers;
pub mod purge;
pub mod resume;
pub mod scrape;
pub mod spans;
pub mod vectors;

pub use applications::ApplicationActivities;
pub use jobs::JobActivities;
pub use optimize::OptimizeActivities;
pub use providers::Providers;
pub use purge::PurgeActivities;
pub use resume::ResumeActivities;
