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

/// What any provider client (embeddings, vectors, LLM, storage, n8n) reports,
/// already classified: Temporal retries the transient ones, with the server's
/// requested delay when it gave one.
///
/// Deliberately not a `std::error::Error`: the SDK turns any such error into a
/// *retryable* failure, so `?` must not compile here — map with [`provider`],
/// which keeps permanent failures permanent.
#[derive(Debug, Clone, PartialEq)]
pub enum ProviderError {
    Transient {
        message: String,
        retry_after: Option<std::time::Duration>,
    },
    Permanent(String),
}

impl std::fmt::Display for ProviderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProviderError::Transient { message, .. } => f.write_str(message),
            ProviderError::Permanent(m) => f.write_str(m),
        }
    }
}

impl ProviderError {
    pub fn transient(message: impl Into<String>) -> Self {
        ProviderError::Transient {
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn permanent(message: impl Into<String>) -> Self {
        ProviderError::Permanent(message.into())
    }
}

/// The activity failure for a provider error (see [`ProviderError`]).
pub fn provider(e: ProviderError) -> ActivityError {
    {
        match e {
            ProviderError::Permanent(m) => permanent(m),
            ProviderError::Transient {
                message,
                retry_after,
            } => ActivityError::application(
                ApplicationFailure::builder(message)
                    .type_name(TRANSIENT.to_string())
                    .maybe_next_retry_delay(retry_after)
                    .build(),
            ),
        }
    }
}

impl From<sqlx::Error> for ProviderError {
    fn from(e: sqlx::Error) -> Self {
        ProviderError::transient(format!("database unavailable: {e}"))
    }
}
