//! What a failed database call means for its caller: wait and retry, or stop
//! and tell someone.
//!
//! Only [`DbFault::Unavailable`] is worth retrying: the connection, the pool or
//! the server was in the way, and the same statement may well succeed later.
//! Everything else (a constraint the data breaks, a value Postgres cannot
//! store, a query that does not match the schema, a row that is not there) is
//! the same on every attempt.
//!
//! [`DbFault::describe`] is written for a person and never carries SQL or the
//! values involved; log the [`sqlx::Error`] itself for the detail.

/// The kind of a database failure (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbFault {
    /// Connection, pool, I/O, TLS or timeout trouble, or the server asked us
    /// to come back (shutdown, serialisation failure, deadlock, out of
    /// resources, read-only during a fail-over).
    Unavailable,
    /// `23505`: the row exists already.
    UniqueViolation,
    /// `23503`: a row it refers to does not exist (any more).
    ForeignKeyViolation,
    /// Other `23xxx`: a check or not-null rule refused the data.
    ConstraintViolation,
    /// `22xxx`: a value Postgres cannot store or convert.
    InvalidData,
    /// `42xxx`, or a result that does not fit its Rust type: the query does
    /// not match the schema. A bug, not a condition.
    QueryMismatch,
    /// `fetch_one` found no row.
    RowNotFound,
    /// Any other refusal from the server, or a misconfiguration.
    Other,
}

impl DbFault {
    pub fn of(e: &sqlx::Error) -> DbFault {
        use sqlx::Error as E;
        match e {
            E::Io(_) | E::Tls(_) | E::Protocol(_) => DbFault::Unavailable,
            E::PoolTimedOut | E::PoolClosed | E::WorkerCrashed => DbFault::Unavailable,
            E::Database(d) => d.code().map_or(DbFault::Other, |c| Self::of_sqlstate(&c)),
            E::RowNotFound => DbFault::RowNotFound,
            E::TypeNotFound { .. }
            | E::ColumnIndexOutOfBounds { .. }
            | E::ColumnNotFound(_)
            | E::ColumnDecode { .. }
            | E::Decode(_)
            | E::Encode(_) => DbFault::QueryMismatch,
            E::Configuration(_) | E::InvalidArgument(_) | E::AnyDriverError(_) => DbFault::Other,
            E::Migrate(_) | E::InvalidSavePointStatement | E::BeginFailed => DbFault::Other,
            // A kind of failure this sqlx did not have yet: keep retrying it,
            // as every database error was before it was classified.
            _ => DbFault::Unavailable,
        }
    }

    /// By SQLSTATE (Postgres docs, appendix A "Error Codes").
    pub fn of_sqlstate(code: &str) -> DbFault {
        match code {
            // 57014 query_canceled (statement_timeout), 55P03 lock_not_available
            // (lock_timeout), 25006 read_only_sql_transaction (a fail-over in
            // progress), 58030 io_error.
            "57P01" | "57P02" | "57P03" | "57014" | "55P03" | "40001" | "40P01" | "25006"
            | "58030" => DbFault::Unavailable,
            // 08 connection exception, 53 insufficient resources.
            c if c.starts_with("08") || c.starts_with("53") => DbFault::Unavailable,
            "23505" => DbFault::UniqueViolation,
            "23503" => DbFault::ForeignKeyViolation,
            c if c.starts_with("23") => DbFault::ConstraintViolation,
            c if c.starts_with("22") => DbFault::InvalidData,
            c if c.starts_with("42") => DbFault::QueryMismatch,
            _ => DbFault::Other,
        }
    }

    /// Worth retrying later.
    pub fn is_transient(self) -> bool {
        self == DbFault::Unavailable
    }

    /// A sentence for a person (no SQL, no values).
    pub fn describe(self) -> &'static str {
        match self {
            DbFault::Unavailable => "the database is unavailable",
            DbFault::UniqueViolation => "the database already holds this record",
            DbFault::ForeignKeyViolation => {
                "the database refused the change: a record it refers to no longer exists"
            }
            DbFault::ConstraintViolation => {
                "the database refused the change: the data breaks one of its rules"
            }
            DbFault::InvalidData => "the database refused a value it cannot store",
            DbFault::QueryMismatch => {
                "internal error: a database query does not match the database schema"
            }
            DbFault::RowNotFound => "a record this step needs no longer exists",
            DbFault::Other => "the database refused the request",
        }
    }
}

/// The SQLSTATE of a server-side error, if it is one (for logs and messages).
pub fn sqlstate(e: &sqlx::Error) -> Option<String> {
    e.as_database_error()
        .and_then(|d| d.code())
        .map(|c| c.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlstates_split_into_retry_and_stop() {
        for c in [
            "08000", "08006", "08001", "57P01", "57P02", "57P03", "40001", "40P01", "53300",
            "53100", "57014",
        ] {
            assert!(DbFault::of_sqlstate(c).is_transient(), "{c}");
        }
        for (c, f) in [
            ("23505", DbFault::UniqueViolation),
            ("23503", DbFault::ForeignKeyViolation),
            ("23514", DbFault::ConstraintViolation),
            ("23502", DbFault::ConstraintViolation),
            ("22P02", DbFault::InvalidData),
            ("22001", DbFault::InvalidData),
            ("42703", DbFault::QueryMismatch),
            ("42601", DbFault::QueryMismatch),
            ("XX000", DbFault::Other),
            ("P0001", DbFault::Other),
        ] {
            assert_eq!(DbFault::of_sqlstate(c), f, "{c}");
            assert!(!f.is_transient(), "{c}");
        }
    }

    #[test]
    fn client_side_failures_are_classified_without_a_server() {
        let io = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        assert_eq!(DbFault::of(&io), DbFault::Unavailable);
        assert_eq!(
            DbFault::of(&sqlx::Error::PoolTimedOut),
            DbFault::Unavailable
        );
        assert_eq!(DbFault::of(&sqlx::Error::RowNotFound), DbFault::RowNotFound);
        assert_eq!(
            DbFault::of(&sqlx::Error::ColumnNotFound("nope".into())),
            DbFault::QueryMismatch
        );
    }
}
