//! Every activity heartbeats while it runs, so Temporal notices a worker that died
//! mid-activity within the heartbeat timeout (10 s, set by the workflows) and retries
//! the activity elsewhere, instead of waiting out its whole start-to-close timeout.
//! The beat runs on its own task: a long CPU-bound step on another thread does not
//! stop it, and it ends when the activity's guard is dropped.

use std::time::Duration;
use temporalio_sdk::activities::ActivityContext;

/// How often a running activity reports in (the SDK throttles sends to 80 % of the
/// heartbeat timeout).
pub const INTERVAL: Duration = Duration::from_secs(2);

/// Heartbeats until dropped.
#[must_use = "the activity heartbeats only while the guard lives"]
pub struct Beat(tokio::task::JoinHandle<()>);

impl Drop for Beat {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Start heartbeating for the activity of `ctx`.
pub fn start(ctx: &ActivityContext) -> Beat {
    let ctx = ctx.clone();
    Beat(tokio::spawn(async move {
        let mut beats: u64 = 0;
        loop {
            if let Err(e) = ctx.record_heartbeat(beats).await {
                tracing::debug!(error = %e, "heartbeat not recorded");
            }
            beats += 1;
            tokio::time::sleep(INTERVAL).await;
        }
    }))
}
