//! Full-jitter exponential back-off, honouring the server's `Retry-After`, and date
//! arithmetic that never panics.

use std::sync::Arc;

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
