//! How activity errors become Temporal retry decisions.
//!
//! - [`permanent`]: bad input or a state retrying cannot fix. Non-retryable; the
//!   message is shown to the user as the row's `error`, so write it for a person.
//! - [`transient`]: the database or a network call failed; Temporal retries with
//!   backoff until the activity's schedule-to-close timeout.

use temporalio_common::error::ApplicationFailure;
use temporalio_sdk::activities::ActivityError;

/// Failure type names, visible in the Web UI.
pub const PERMANENT: &str = "Permanent";
pub const TRANSIENT: &str = "Transient";

pub fn permanent(reason: impl Into<String>) -> ActivityError {
    let reason: String = reason.into();
    ActivityError::application(
        ApplicationFailure::builder(reason)
            .type_name(PERMANENT.to_string())
            .non_retryable(true)
            .build(),
    )
}

pub fn transient(err: impl std::fmt::Display) -> ActivityError {
    ActivityError::application(
        ApplicationFailure::builder(err.to_string())
            .type_name(TRANSIENT.to_string())
            .build(),
    )
}

/// Database errors are transient: the row or connection will be back.
pub fn db(err: sqlx::Error) -> ActivityError {
    tracing::warn!(error = %err, "database error in activity");
    transient(format!("database unavailable: {err}"))
}
