//! Postgres access.
//!
//! Two ways in, per DESIGN.md:
//! - the gateway runs each user request in [`begin_user_tx`]: the access-token
//!   claims go into `request.jwt.claims` and the role becomes `authenticated`,
//!   so row-level security applies exactly as behind PostgREST, and every query
//!   *also* filters by `user_id` itself;
//! - the worker uses the service connection and always filters by the
//!   `user_id` carried in the workflow input.
//!
//! Query functions take `&mut PgConnection` (or any Postgres executor), so
//! they run on a pooled connection or inside a transaction alike.
//!
//! Every query is checked at compile time (`sqlx::query!` and friends)
//! against the offline data in `.sqlx/` at the workspace root. After changing
//! a query or a migration run `scripts/sqlx-prepare` and commit `.sqlx/`;
//! `scripts/test` fails while it is stale.

pub mod applications;
pub mod audit;
pub mod chunks;
pub mod cvs;
pub mod fault;
pub mod inbox;
pub mod jobs;
pub mod pagination;
pub mod raw;
pub mod resumes;
pub mod vectors;

pub use fault::DbFault;
pub use raw::RawJson;

use anyhow::Context;
use sqlx::{
    Connection, Executor, PgConnection, PgPool, Postgres, Transaction,
    migrate::Migrator,
    postgres::{PgConnectOptions, PgPoolOptions},
};
use std::{str::FromStr, time::Duration};

/// The migration chain in `migrations/`: runs unchanged on Supabase.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// Local stand-in for what Supabase provides (roles, `auth` schema,
/// `auth.users`, `auth.uid()`, `auth.jwt()`). Never applied to Supabase.
pub const LOCAL_SUPABASE_BOOTSTRAP: &str =
    include_str!("../../../scripts/sql/local_supabase_bootstrap.sql");

/// Connections idle for longer than this are pinged before use (see [`connect`]).
const IDLE_PING_AFTER: Duration = Duration::from_secs(1);

pub fn connect(url: &str, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    let opts = PgConnectOptions::from_str(url)?.application_name("smartresume");
    // Lazy: a process starts (and reports 503 on /health) while Postgres is down.
    Ok(PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        // sqlx pings every connection as it goes back to the pool, so one used within
        // the last second is known good: no second ping before it is used again (one
        // round trip less per request under load). One idle for longer is pinged first,
        // so that a database restart during a quiet spell costs no request an error.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > IDLE_PING_AFTER {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        .connect_lazy_with(opts))
}

/// Create the database named in `url` if it does not exist yet.
pub async fn ensure_database(url: &str) -> anyhow::Result<()> {
    let opts =
        PgConnectOptions::from_str(url).context("DATABASE_URL is not a valid postgres URL")?;
    let name = opts
        .get_database()
        .map(str::to_owned)
        .context("DATABASE_URL names no database")?;
    let mut admin = PgConnection::connect_with(&opts.clone().database("postgres"))
        .await
        .context("cannot reach Postgres to create the database")?;
    let exists = sqlx::query_scalar!(
        r#"select exists(select 1 from pg_database where datname = $1) as "exists!""#,
        name,
    )
    .fetch_one(&mut admin)
    .await?;
    if !exists {
        let sql = format!("create database \"{}\"", name.replace('"', "\"\""));
        if let Err(e) = admin.execute(sql.as_str()).await {
            // Another process may have created it in the meantime.
            let already = e
                .as_database_error()
                .and_then(|d| d.code())
                .is_some_and(|c| c == "42P04");
            if !already {
                return Err(e).context("create database");
            }
        }
    }
    admin.close().await.ok();
    Ok(())
}

/// Create (if needed), bootstrap (locally only) and migrate a database.
pub async fn prepare(url: &str, local_bootstrap: bool) -> anyhow::Result<PgPool> {
    ensure_database(url).await?;
    let pool = connect(url, 5)?;
    if local_bootstrap {
        sqlx::raw_sql(LOCAL_SUPABASE_BOOTSTRAP)
            .execute(&pool)
            .await
            .context("apply the local Supabase bootstrap")?;
    }
    MIGRATOR.run(&pool).await.context("apply migrations")?;
    Ok(pool)
}

/// A transaction in which Postgres sees the request's user, as behind PostgREST: the
/// claims in `request.jwt.claims` and the role `authenticated` (so RLS applies), both
/// local to the transaction. One round trip: `BEGIN` and both settings go as one
/// simple query (what `set local role` does, `set_config('role', ..., true)` does).
pub async fn begin_user_tx(
    pool: &PgPool,
    claims: &serde_json::Value,
) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    pool.begin_with(user_tx_begin(&claims.to_string())).await
}

/// The `BEGIN` statement of [`begin_user_tx`]. The claims are a string literal in it
/// (a simple query has no parameters): an escape string literal, in which only `\` and
/// `'` need escaping whatever `standard_conforming_strings` says; serialised JSON holds
/// no raw control character (JSON escapes them; a stray NUL is dropped rather than
/// let it end the literal early).
fn user_tx_begin(claims: &str) -> String {
    let escaped = claims
        .replace('\\', "\\\\")
        .replace('\'', "''")
        .replace('\0', "");
    format!(
        "begin; select set_config('request.jwt.claims', E'{escaped}', true), \
         set_config('role', 'authenticated', true)"
    )
}

/// Make sure a user row exists (what Supabase sign-up does); local/dev/test only.
pub async fn ensure_auth_user(
    conn: &mut PgConnection,
    user_id: uuid::Uuid,
    email: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into auth.users (id, email) values ($1, $2) on conflict (id) do nothing",
        user_id,
        email,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A row refers to one that does not exist (e.g. a deleted account).
pub fn is_foreign_key_violation(e: &sqlx::Error) -> bool {
    DbFault::of(e) == DbFault::ForeignKeyViolation
}
