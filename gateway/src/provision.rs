//! Creating the `auth.users` row of a user the database has never seen.
//!
//! On Supabase, GoTrue creates the row at sign-up. The embedded default (and
//! Supabase Auth in front of a database that is not Supabase's) has only the
//! local stand-in table, so a valid token would find no row and every insert
//! would fail its foreign key. With `SMARTRESUME_PROVISION_USERS` on, the first
//! request of each user upserts the row; the ids already done are remembered
//! per process so a steady-state request costs a set lookup, not a query.

use crate::error::ApiError;
use sqlx::PgPool;
use std::{collections::HashSet, sync::RwLock};
use uuid::Uuid;

/// Remembered ids before the set is forgotten and rebuilt on demand (an upsert
/// that finds the row is cheap; unbounded growth is not).
const MAX_REMEMBERED: usize = 100_000;

pub struct Provisioner {
    enabled: bool,
    seen: RwLock<HashSet<Uuid>>,
}

impl Provisioner {
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            seen: RwLock::new(HashSet::new()),
        }
    }

    /// Make sure `user_id` has its `auth.users` row (when provisioning is on).
    /// Concurrent first requests of one user both upsert; `on conflict do
    /// nothing` makes that harmless.
    pub async fn ensure(
        &self,
        db: &PgPool,
        user_id: Uuid,
        email: Option<&str>,
    ) -> Result<(), ApiError> {
        if !self.enabled || self.is_known(user_id) {
            return Ok(());
        }
        let mut conn = db.acquire().await?;
        shared::db::ensure_auth_user(&mut conn, user_id, email).await?;
        drop(conn);
        let mut seen = self.seen.write().unwrap_or_else(|p| p.into_inner());
        if seen.len() >= MAX_REMEMBERED {
            seen.clear();
        }
        seen.insert(user_id);
        Ok(())
    }

    fn is_known(&self, user_id: Uuid) -> bool {
        self.seen
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .contains(&user_id)
    }
}
