//! What running several instances needs of the store, beside the domain: whether the
//! database can serve (`GET /readyz`), which instance does the periodic work (leases), a
//! wake-up when another instance commits a change (push across instances), and the count of a
//! token's open event streams across instances (`StreamSlotStore`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;

use super::error::StoreResult;

/// Everything of this module, as one bound of `Store`.
pub trait Operations: HealthStore + LeaseStore + ChangeSignal + StreamSlotStore {}

impl<T: HealthStore + LeaseStore + ChangeSignal + StreamSlotStore> Operations for T {}

/// Why the database cannot serve: for the log, never for an answer.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NotReady(pub String);

/// The database's health, for a load balancer.
#[async_trait]
pub trait HealthStore: Send + Sync {
    /// `Ok` when the database answers and its schema has every migration this binary knows.
    async fn readiness(&self) -> Result<(), NotReady>;
}

/// Leases on periodic work, so that of several instances on one database one does each job.
#[async_trait]
pub trait LeaseStore: Send + Sync {
    /// True when this process holds the lease `name` now: it held it and still does, or it
    /// was free and is taken. A holder that dies (or loses its database) frees its leases, and
    /// the next instance to ask takes them. A failure to ask is a no (logged).
    async fn hold_lease(&self, name: &str) -> bool;
}

/// A wake-up for the events hub when any process commits to the change log.
#[async_trait]
pub trait ChangeSignal: Send + Sync {
    /// Notified (`notify_one`, so a wake-up between two waits is kept) after any process
    /// commits a change, and after the signal's own connection came back from a loss (changes
    /// may have been missed meanwhile). `None` when the database has no such signal: the hub
    /// then polls often.
    async fn change_signal(&self) -> Option<Arc<tokio::sync::Notify>>;
}

/// The places of open event streams per access token (`events.streamsPerToken`), counted
/// across every instance on the database.
#[async_trait]
pub trait StreamSlotStore: Send + Sync {
    /// A place for one more open stream of `token_hash`, unless `max` streams of it are open
    /// on any instance. Dropping the slot (the stream ended) frees the place; so does the death
    /// of the instance that holds it.
    async fn take_stream_slot(&self, token_hash: &str, max: u32)
    -> StoreResult<Option<StreamSlot>>;
}

/// One open stream's place in its token's count; dropping it frees the place.
pub struct StreamSlot {
    release: Option<Box<dyn FnOnce() + Send + Sync>>,
}

impl StreamSlot {
    /// A slot that calls `release` once, when it is dropped. `release` must not block: it is
    /// called wherever the stream ends.
    pub fn new(release: impl FnOnce() + Send + Sync + 'static) -> Self {
        StreamSlot {
            release: Some(Box::new(release)),
        }
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            release();
        }
    }
}

impl std::fmt::Debug for StreamSlot {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("StreamSlot")
    }
}

/// The count of open streams per token in this process's memory: enough where one process
/// serves the database (SQLite). The count falls back when a stream ends, and a crash loses
/// nothing that must survive. The map holds one entry per token with an open stream, so it is
/// bounded by the open connections.
#[derive(Debug, Default)]
pub struct InProcessStreamSlots {
    per_token: Mutex<HashMap<String, u32>>,
}

impl InProcessStreamSlots {
    fn counts(&self) -> MutexGuard<'_, HashMap<String, u32>> {
        // The map stays consistent under a panic elsewhere: each change is one statement.
        self.per_token
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A place for one more stream of `token_hash`, unless it holds `max` already.
    pub fn take(self: &Arc<Self>, token_hash: &str, max: u32) -> Option<StreamSlot> {
        let mut counts = self.counts();
        let count = counts.entry(token_hash.to_owned()).or_insert(0);
        if *count >= max {
            return None;
        }
        *count += 1;
        let slots = self.clone();
        let token_hash = token_hash.to_owned();
        Some(StreamSlot::new(move || slots.release(&token_hash)))
    }

    fn release(&self, token_hash: &str) {
        let mut counts = self.counts();
        if let Some(count) = counts.get_mut(token_hash) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.remove(token_hash);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_holds_at_most_its_streams_and_a_closed_one_frees_its_place() {
        let open = Arc::new(InProcessStreamSlots::default());
        let first = open.take("token", 2).expect("first stream");
        let second = open.take("token", 2).expect("second stream");
        assert!(open.take("token", 2).is_none(), "the third is over the cap");
        assert!(open.take("other", 2).is_some(), "other tokens count apart");
        drop(first);
        assert!(
            open.take("token", 2).is_some(),
            "a closed stream frees its place"
        );
        drop(second);
        assert!(
            !open.counts().contains_key("other"),
            "tokens without open streams are forgotten"
        );
    }
}
