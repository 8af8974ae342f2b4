//! Per-user limit on requests that start work (workflows, uploads): a token
//! bucket per user, refilled continuously. In memory: each gateway replica
//! limits on its own, which is enough to stop one client flooding the queue.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};
use uuid::Uuid;

pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<Uuid, Bucket>>,
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl RateLimiter {
    /// `per_minute == 0` disables limiting.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Take one token, or say how long until one is available.
    pub fn check(&self, user: Uuid) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_sec = capacity / 60.0;
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > 100_000 {
            // Forget users whose buckets are full again.
            buckets.retain(|_, b| {
                b.tokens + now.duration_since(b.updated).as_secs_f64() * per_sec < capacity
            });
        }
        let b = buckets.entry(user).or_insert(Bucket {
            tokens: capacity,
            updated: now,
        });
        b.tokens = (b.tokens + now.duration_since(b.updated).as_secs_f64() * per_sec).min(capacity);
        b.updated = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / per_sec).max(Duration::from_secs(1)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_each_user_separately() {
        let rl = RateLimiter::new(3);
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        for _ in 0..3 {
            assert!(rl.check(a).is_ok());
        }
        let wait = rl.check(a).unwrap_err();
        assert!(
            wait >= Duration::from_secs(1) && wait <= Duration::from_secs(21),
            "{wait:?}"
        );
        assert!(rl.check(b).is_ok(), "another user is not affected");
    }

    #[test]
    fn zero_disables() {
        let rl = RateLimiter::new(0);
        for _ in 0..1000 {
            assert!(rl.check(Uuid::nil()).is_ok());
        }
    }
}
