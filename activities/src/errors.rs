//! How activity errors become Temporal retry decisions.
//!
//! - [`permanent`]: bad input or a state retrying cannot fix. Non-retryable; the
//!   message is shown to the user as the row's `error`, so write it for a person.
//! - [`transient`]: the database or a network call failed; Temporal retries with
//!   backoff until the activity's schedule-to-close timeout.
//!
//! Database errors go through [`db`] (or `?` into a [`ProviderError`]), which
//! decides between the two.

use shared::db::DbFault;
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

/// How long after an activity was first scheduled a missing row may still be
/// on its way: the gateway starts a workflow just before it commits the row.
pub const COMMIT_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

/// A row the workflow was started for is missing. Shortly after the start it
/// is probably not committed yet (retry); later it is gone (permanent).
pub fn missing_row(ctx: &temporalio_sdk::activities::ActivityContext, what: &str) -> ActivityError {
    let since = ctx
        .info()
        .scheduled_time
        .and_then(|t| std::time::SystemTime::now().duration_since(t).ok())
        .unwrap_or_default();
    if since < COMMIT_GRACE {
        transient(format!("{what} is not stored yet"))
    } else {
        permanent(format!("{what} no longer exists"))
    }
}

/// A database error, classified by [`DbFault`]: trouble reaching the
/// database (connection, pool, I/O, timeouts, shutdown, serialisation
/// failures, deadlocks, exhausted resources) is retried; a constraint the data
/// breaks, a value Postgres cannot store or a query that does not fit the
/// schema fails at once — retrying it for minutes changes nothing.
pub fn db(err: sqlx::Error) -> ActivityError {
    provider(classify_db(&err))
}

/// [`db`]'s decision as a [`ProviderError`]. The permanent reason is meant
/// for a person (it ends up in the row's `error`): it names the kind of
/// failure and the SQLSTATE, never the SQL or the values, which are logged.
pub fn classify_db(err: &sqlx::Error) -> ProviderError {
    let fault = DbFault::of(err);
    let code = shared::db::fault::sqlstate(err);
    if fault.is_transient() {
        tracing::warn!(error = %err, sqlstate = code.as_deref(), "database unavailable; will retry");
        return ProviderError::transient(format!("database unavailable: {err}"));
    }
    let constraint = err.as_database_error().and_then(|d| d.constraint());
    tracing::error!(
        error = %err,
        sqlstate = code.as_deref(),
        constraint,
        ?fault,
        "database error; not retried"
    );
    ProviderError::permanent(match code {
        Some(code) => format!("{} (SQLSTATE {code})", fault.describe()),
        None => fault.describe().to_string(),
    })
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

/// [`provider`], with a retry budget: a transient failure that has gone on
/// for `budget` since the activity was first scheduled becomes permanent, so
/// the workflow marks the job failed with the reason instead of retrying
/// until its schedule-to-close timeout.
pub fn provider_within(
    ctx: &temporalio_sdk::activities::ActivityContext,
    budget: std::time::Duration,
    e: ProviderError,
) -> ActivityError {
    if let ProviderError::Transient { message, .. } = &e
        && let Some(spent) = budget_spent(ctx, budget)
    {
        return permanent(format!(
            "{message}; {spent}, so this run was stopped — please try again later"
        ));
    }
    provider(e)
}

/// A storage failure without a retry budget (cleaning up documents, which should go on
/// until it works): refused credentials or a bad path are permanent, anything else
/// (5xx, timeouts, a connection cut) transient.
pub fn storage(e: shared::storage::StorageError) -> ActivityError {
    if storage_refused(&e) {
        permanent(e.to_string())
    } else {
        transient(e)
    }
}

/// [`storage`] on a run's path: the transient failures are retried like a provider's
/// until `budget` is spent, then the run fails with the reason instead of retrying for
/// the activity's whole schedule-to-close timeout (found by the S3 fault scenario).
pub fn storage_within(
    ctx: &temporalio_sdk::activities::ActivityContext,
    budget: std::time::Duration,
    e: shared::storage::StorageError,
) -> ActivityError {
    if storage_refused(&e) {
        return permanent(e.to_string());
    }
    // The detail (URLs, the SDK's wording) goes to the log; the run says what failed.
    tracing::warn!(error = %e, "file storage failed");
    let what = match e {
        shared::storage::StorageError::NotFound(_) => "a stored file is missing",
        _ => "the file storage is unavailable",
    };
    provider_within(ctx, budget, ProviderError::transient(what))
}

fn storage_refused(e: &shared::storage::StorageError) -> bool {
    use shared::storage::StorageError;
    matches!(e, StorageError::Rejected(_) | StorageError::BadPath(_))
}

/// `Some("still failing after N attempts over Ss")` once the activity has been retrying
/// for `budget` since it was first scheduled; `None` while it may go on.
pub fn budget_spent(
    ctx: &temporalio_sdk::activities::ActivityContext,
    budget: std::time::Duration,
) -> Option<String> {
    let info = ctx.info();
    let since = info
        .scheduled_time
        .and_then(|t| std::time::SystemTime::now().duration_since(t).ok())
        .unwrap_or_default();
    (since >= budget).then(|| {
        format!(
            "still failing after {} attempts over {}s",
            info.attempt,
            since.as_secs()
        )
    })
}

/// The embedded vector store's errors, classified like every database error.
impl From<sqlx::Error> for ProviderError {
    fn from(e: sqlx::Error) -> Self {
        classify_db(&e)
    }
}

/// The one classification every HTTP provider client uses (OpenAI, Pinecone,
/// storage, n8n):
/// - 429 → transient, with the delay the server asked for (`Retry-After`, or
///   the `x-ratelimit-reset-*` headers), except `insufficient_quota`, which
///   no retry fixes → permanent;
/// - 400, 401, 403, 404, 409, 413, 422 (and other 4xx) → permanent;
/// - 408, 5xx → transient.
pub fn classify_http(
    service: &str,
    status: u16,
    headers: &reqwest::header::HeaderMap,
    body: &str,
) -> ProviderError {
    let detail = error_detail(body);
    let msg = if detail.is_empty() {
        format!("{service} answered HTTP {status}")
    } else {
        format!("{service} answered HTTP {status}: {detail}")
    };
    match status {
        429 if body.contains("insufficient_quota") => ProviderError::permanent(format!(
            "{service}: the account has no quota left (insufficient_quota)"
        )),
        // Never echo the body: OpenAI repeats part of the key it rejected.
        401 | 403 => ProviderError::permanent(format!(
            "{service} refused our credentials (HTTP {status}); check its API key and permissions"
        )),
        429 => ProviderError::Transient {
            message: msg,
            retry_after: retry_after(headers),
        },
        408 | 500..=599 => ProviderError::transient(msg),
        _ => ProviderError::permanent(msg),
    }
}

/// An HTTP answer read in full: status, headers, body.
pub struct Answer {
    pub status: reqwest::StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Answer {
    /// The body of a 2xx answer; anything else classified by [`classify_http`].
    pub fn ok(self, service: &str) -> Result<String, ProviderError> {
        if self.status.is_success() {
            Ok(self.body)
        } else {
            tracing::warn!(status = %self.status, service, "provider request failed");
            crate::metrics::provider_error(
                service,
                crate::metrics::status_class(self.status.as_u16(), &self.body),
            );
            Err(classify_http(
                service,
                self.status.as_u16(),
                &self.headers,
                &self.body,
            ))
        }
    }
}

/// Send a request and read the whole answer; transport failures are
/// classified by [`classify_transport`]. Every provider client sends
/// through here, so they all fail the same way.
pub async fn send(service: &str, req: reqwest::RequestBuilder) -> Result<Answer, ProviderError> {
    crate::metrics::provider_call(service);
    let res = req.send().await.map_err(|e| {
        crate::metrics::provider_error(service, transport_class(&e));
        classify_transport(service, &e)
    })?;
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.text().await.map_err(|e| {
        crate::metrics::provider_error(service, transport_class(&e));
        classify_transport(service, &e)
    })?;
    Ok(Answer {
        status,
        headers,
        body,
    })
}

fn transport_class(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else {
        "transport"
    }
}

/// Network-level failures (timeouts, refused connections, TLS) are transient.
pub fn classify_transport(service: &str, e: &reqwest::Error) -> ProviderError {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not be reached"
    } else {
        "request failed"
    };
    ProviderError::transient(format!("{service} {what}"))
}

/// A short, safe detail from an error body (`error.message` of a JSON body).
fn error_detail(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.pointer("/error/message")
                .or_else(|| v.get("message"))
                .and_then(|m| m.as_str())
                .map(str::to_string)
        })
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect()
}

/// `Retry-After` (seconds or HTTP date), else `retry-after-ms`, else the
/// shortest `x-ratelimit-reset-*` duration (`1s`, `6m0s`, `250ms`).
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<std::time::Duration> {
    use std::time::Duration;
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return Some(Duration::from_secs_f64((ms / 1000.0).max(0.0)));
    }
    if let Some(v) = get("retry-after") {
        if let Ok(secs) = v.parse::<f64>() {
            return Some(Duration::from_secs_f64(secs.max(0.0)));
        }
        if let Ok(when) = chrono::DateTime::parse_from_rfc2822(v) {
            let secs = (when.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_milliseconds();
            return Some(Duration::from_millis(u64::try_from(secs).unwrap_or(0)));
        }
    }
    // The reset of the bucket that ran out; when that is not said, the
    // longer reset (retrying sooner would only be refused again).
    let exhausted = |bucket: &str| get(&format!("x-ratelimit-remaining-{bucket}")) == Some("0");
    let reset =
        |bucket: &str| get(&format!("x-ratelimit-reset-{bucket}")).and_then(parse_go_duration);
    let buckets = ["requests", "tokens"];
    buckets
        .iter()
        .filter(|b| exhausted(b))
        .filter_map(|b| reset(b))
        .max()
        .or_else(|| buckets.iter().filter_map(|b| reset(b)).max())
}

/// `1s`, `6m0s`, `1h2m3.5s`, `250ms` → Duration.
fn parse_go_duration(s: &str) -> Option<std::time::Duration> {
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let value: f64 = num.parse().ok()?;
        num.clear();
        let unit = match c {
            'h' => 3600.0,
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                0.001
            }
            'm' => 60.0,
            's' => 1.0,
            _ => return None,
        };
        total += value * unit;
        any = true;
    }
    (any && num.is_empty()).then(|| std::time::Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn status_codes_map_to_retry_decisions() {
        let none = HeaderMap::new();
        for s in [400, 401, 403, 404, 422] {
            assert!(
                matches!(
                    classify_http("x", s, &none, ""),
                    ProviderError::Permanent(_)
                ),
                "{s}"
            );
        }
        for s in [408, 500, 502, 503, 504] {
            assert!(
                matches!(
                    classify_http("x", s, &none, ""),
                    ProviderError::Transient { .. }
                ),
                "{s}"
            );
        }
        let quota = r#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#;
        assert!(matches!(
            classify_http("x", 429, &none, quota),
            ProviderError::Permanent(_)
        ));
    }

    #[test]
    fn retry_after_headers_become_the_next_delay() {
        let e = classify_http("x", 429, &headers(&[("retry-after", "7")]), "");
        assert_eq!(
            e,
            ProviderError::Transient {
                message: "x answered HTTP 429".into(),
                retry_after: Some(std::time::Duration::from_secs(7))
            }
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "1500")])),
            Some(std::time::Duration::from_millis(1500))
        );
        assert_eq!(
            retry_after(&headers(&[
                ("x-ratelimit-reset-requests", "6m0s"),
                ("x-ratelimit-reset-tokens", "250ms")
            ])),
            Some(std::time::Duration::from_secs(360)),
            "unknown bucket: the longer wait"
        );
        assert_eq!(
            retry_after(&headers(&[
                ("x-ratelimit-remaining-requests", "499"),
                ("x-ratelimit-reset-requests", "120ms"),
                ("x-ratelimit-remaining-tokens", "0"),
                ("x-ratelimit-reset-tokens", "6m0s")
            ])),
            Some(std::time::Duration::from_secs(360)),
            "the token bucket ran out"
        );
        assert_eq!(
            retry_after(&headers(&[
                ("x-ratelimit-remaining-requests", "0"),
                ("x-ratelimit-reset-requests", "1s"),
                ("x-ratelimit-remaining-tokens", "9000"),
                ("x-ratelimit-reset-tokens", "6m0s")
            ])),
            Some(std::time::Duration::from_secs(1)),
            "the request bucket ran out"
        );
        assert_eq!(
            parse_go_duration("1h2m3.5s"),
            Some(std::time::Duration::from_secs_f64(3723.5))
        );
        assert_eq!(parse_go_duration("soon"), None);
    }

    #[test]
    fn error_bodies_give_a_short_detail_only() {
        let body = r#"{"error":{"message":"Invalid schema for response_format","type":"invalid_request_error"}}"#;
        let e = classify_http("OpenAI", 400, &HeaderMap::new(), body);
        assert_eq!(
            e.to_string(),
            "OpenAI answered HTTP 400: Invalid schema for response_format"
        );
    }

    /// Real errors from a real Postgres (`TEST_DATABASE_URL`, as the e2e
    /// tests use) and from a port nobody listens on.
    mod database_errors {
        use super::*;
        use sqlx::{Connection, PgConnection, postgres::PgPoolOptions};

        fn url() -> String {
            std::env::var("TEST_DATABASE_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
        }

        /// The error `sql` fails with, in a session with a temporary table
        /// `t (id int primary key, n int not null check (n > 0))`.
        async fn server_error(sql: &str) -> sqlx::Error {
            let mut conn = PgConnection::connect(&url())
                .await
                .expect("Postgres on TEST_DATABASE_URL");
            sqlx::raw_sql("create temp table t (id int primary key, n int not null check (n > 0))")
                .execute(&mut conn)
                .await
                .unwrap();
            sqlx::raw_sql(sql).execute(&mut conn).await.expect_err(sql)
        }

        /// A connection URL for a local port that was free a moment ago.
        fn closed_port_url() -> String {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let port = listener.local_addr().unwrap().port();
            drop(listener);
            format!("postgres://postgres@127.0.0.1:{port}/postgres")
        }

        /// (retryable, message) of the activity failure.
        fn decision(e: ActivityError) -> (bool, String) {
            let ActivityError::Application(f) = e else {
                panic!("expected an application failure, got {e:?}")
            };
            (!f.is_non_retryable(), f.to_string())
        }

        #[tokio::test]
        async fn bad_data_and_bad_queries_fail_at_once_with_a_readable_reason() {
            let cases = [
                (
                    "insert into t values (1, 1); insert into t values (1, 2)",
                    "the database already holds this record (SQLSTATE 23505)",
                ),
                (
                    "insert into t values (2, 0)",
                    "the database refused the change: the data breaks one of its rules (SQLSTATE 23514)",
                ),
                (
                    "insert into t (id) values (3)",
                    "the database refused the change: the data breaks one of its rules (SQLSTATE 23502)",
                ),
                (
                    "select 'twelve'::int",
                    "the database refused a value it cannot store (SQLSTATE 22P02)",
                ),
                (
                    "select no_such_column from t",
                    "internal error: a database query does not match the database schema (SQLSTATE 42703)",
                ),
                (
                    "selec 1",
                    "internal error: a database query does not match the database schema (SQLSTATE 42601)",
                ),
            ];
            for (sql, reason) in cases {
                let (retryable, message) = decision(db(server_error(sql).await));
                assert!(!retryable, "{sql}: must not be retried");
                assert_eq!(message, reason, "{sql}");
                let vectors = ProviderError::from(server_error(sql).await);
                assert!(
                    matches!(vectors, ProviderError::Permanent(_)),
                    "{sql}: {vectors:?}"
                );
            }
        }

        #[tokio::test]
        async fn unreachable_or_busy_databases_are_retried() {
            let refused = PgConnection::connect(&closed_port_url())
                .await
                .expect_err("nobody listens there");
            let pool = PgPoolOptions::new()
                .acquire_timeout(std::time::Duration::from_millis(300))
                .connect_lazy(&closed_port_url())
                .unwrap();
            let pool_failed = pool.acquire().await.expect_err("nobody listens there");
            let mut errors = vec![refused, pool_failed, sqlx::Error::PoolTimedOut];
            // What a server says when it wants us back later.
            for code in [
                "deadlock_detected",
                "serialization_failure",
                "admin_shutdown",
                "cannot_connect_now",
                "too_many_connections",
                "connection_failure",
                "query_canceled",
            ] {
                errors.push(
                    server_error(&format!(
                        "do $$ begin raise exception 'simulated' using errcode = '{code}'; end $$"
                    ))
                    .await,
                );
            }
            for e in errors {
                let shown = e.to_string();
                let vectors = ProviderError::from(e);
                assert!(
                    matches!(vectors, ProviderError::Transient { .. }),
                    "{shown}: {vectors:?}"
                );
                let (retryable, message) = decision(provider(vectors));
                assert!(retryable, "{shown}: must be retried");
                assert!(message.starts_with("database unavailable"), "{message}");
            }
        }
    }
}
