//! Full-jitter exponential back-off, honouring the server's `Retry-After`; the health of the
//! link to the portal that the back-off follows; and date arithmetic that never panics.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, Utc};

use crate::clock::Jitter;

/// Full-jitter exponential back-off: the n-th consecutive failure waits a uniformly random
/// time between zero and `min(cap, base * 2^(n-1))`, and never less than the server's
/// `Retry-After`.
#[derive(Debug, Clone)]
pub struct BackoffPolicy {
    pub base: std::time::Duration,
    pub cap: std::time::Duration,
    pub jitter: Arc<dyn Jitter>,
}

impl BackoffPolicy {
    pub fn new(
        base: std::time::Duration,
        cap: std::time::Duration,
        jitter: Arc<dyn Jitter>,
    ) -> Self {
        BackoffPolicy { base, cap, jitter }
    }

    /// The wait after the `attempts`-th consecutive failure (1 for the first).
    pub fn delay(
        &self,
        attempts: u32,
        retry_after: Option<std::time::Duration>,
    ) -> std::time::Duration {
        let exponent = attempts.saturating_sub(1).min(30);
        let ceiling = self
            .base
            .saturating_mul(1_u32 << exponent)
            .min(self.cap)
            .as_millis();
        let ceiling = u64::try_from(ceiling).unwrap_or(u64::MAX);
        let drawn = std::time::Duration::from_millis(self.jitter.draw_millis(ceiling));
        match retry_after {
            Some(server_wait) => drawn.max(server_wait),
            None => drawn,
        }
    }

    /// The wait before the next try after a transient failure, when the link to the portal
    /// has failed `link_failures` times in a row (1 for the first): what the server's
    /// `Retry-After` says when it says something (never less than `base`, so a `0` cannot spin
    /// the sender), else the jittered exponential wait of the link's failures. An item's own
    /// failures do not count: once the link carries answers again, nothing waits for the past.
    pub fn link_wait(
        &self,
        link_failures: u32,
        retry_after: Option<std::time::Duration>,
    ) -> std::time::Duration {
        match retry_after {
            Some(server_wait) => server_wait.max(self.base.min(std::time::Duration::from_secs(1))),
            None => self.delay(link_failures, None),
        }
    }
}

/// How the link to the portal is doing, as the sender sees it: the transient failures in a row
/// since the last answer. Any answer the portal gives about an item (success, refusal,
/// sign-in needed) resets it; a reset connection, a lost reply, a timeout, a 503 or a 429
/// adds one. Kept in memory: a new process knows nothing of the link yet.
#[derive(Debug, Default)]
pub struct LinkHealth {
    failures: AtomicU32,
}

impl LinkHealth {
    /// Records a transient failure; the failures in a row, this one included.
    pub fn failed(&self) -> u32 {
        self.failures
            .fetch_add(1, Ordering::Relaxed)
            .saturating_add(1)
    }

    /// Records that the portal answered.
    pub fn answered(&self) {
        self.failures.store(0, Ordering::Relaxed);
    }

    /// The transient failures in a row so far.
    pub fn failures(&self) -> u32 {
        self.failures.load(Ordering::Relaxed)
    }
}

/// `now + wait`, or the end of time when that does not fit: date arithmetic never panics,
/// whatever a server asked to wait (its `Retry-After` is clamped anyway, see
/// [`crate::client::MAX_RETRY_AFTER`]).
pub fn saturating_after(now: DateTime<Utc>, wait: std::time::Duration) -> DateTime<Utc> {
    chrono::TimeDelta::from_std(wait)
        .ok()
        .and_then(|wait| now.checked_add_signed(wait))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}
