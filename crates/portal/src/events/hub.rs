//! The hub of `/v1/events`: one poller reads new change-log rows — woken by the store's change
//! signal (PostgreSQL's `NOTIFY`, from any instance) or, without one, on a short timer — and
//! fans them out to the open streams through a broadcast channel; the count of open streams per
//! token; the shutdown switch. It knows the store, not the HTTP state, so `AppState` can hold
//! it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::{broadcast, watch};

use crate::store::{ChangeRow, Store};

/// How often the poller looks for new change-log rows when the store has no change signal
/// (SQLite, where the `officer` command writes from another process).
const POLL_INTERVAL: Duration = Duration::from_millis(50);
/// How often it looks anyway when the store wakes it on every commit (PostgreSQL's `NOTIFY`):
/// a safety net, not the path of an event.
const SIGNALLED_POLL_INTERVAL: Duration = Duration::from_secs(1);
/// Rows read per query, both by the poller and by a replaying stream.
pub(super) const PAGE: usize = 200;
/// Batches the broadcast channel holds before a slow stream must replay from the database.
const CHANNEL_BATCHES: usize = 256;

/// The fan-out of change-log rows to the open streams, and the shutdown switch that ends them.
#[derive(Debug)]
pub struct EventHub {
    pub(super) changes: broadcast::Sender<Arc<Vec<ChangeRow>>>,
    pub(super) shutdown: watch::Sender<bool>,
    pub(super) open: Arc<OpenStreams>,
}

/// How many streams each access token holds open, to cap them (`events.streamsPerToken`).
///
/// Kept in this process's memory, unlike the rate limits: a stream is bound to the process
/// that serves its connection, and the count falls back when the connection ends, so a crash
/// loses nothing that must survive. Behind a load balancer each instance caps its own streams,
/// so one token may hold the cap once per instance; sharing the count across instances (in
/// the database, with leases) is left for when the portal runs on several machines. The map
/// holds one entry per token with an open stream, so it is bounded by the open connections.
#[derive(Debug, Default)]
pub(super) struct OpenStreams {
    per_token: Mutex<HashMap<String, u32>>,
}

/// One open stream's place in the count; dropping it (the stream ended) frees the place.
#[derive(Debug)]
pub(super) struct StreamSlot {
    open: Arc<OpenStreams>,
    token_hash: String,
}

impl OpenStreams {
    fn counts(&self) -> MutexGuard<'_, HashMap<String, u32>> {
        // The map stays consistent under a panic elsewhere: each change is one statement.
        self.per_token
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A place for one more stream of `token_hash`, unless it holds `max` already.
    pub(super) fn take(self: &Arc<Self>, token_hash: &str, max: u32) -> Option<StreamSlot> {
        let mut counts = self.counts();
        let count = counts.entry(token_hash.to_owned()).or_insert(0);
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(StreamSlot {
            open: self.clone(),
            token_hash: token_hash.to_owned(),
        })
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut counts = self.open.counts();
        if let Some(count) = counts.get_mut(&self.token_hash) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.remove(&self.token_hash);
            }
        }
    }
}

impl EventHub {
    /// Starts the poller that feeds the hub from `store`.
    pub fn start(store: Arc<dyn Store>) -> Arc<Self> {
        let (changes, _) = broadcast::channel(CHANNEL_BATCHES);
        let (shutdown, _) = watch::channel(false);
        let hub = Arc::new(Self {
            changes,
            shutdown,
            open: Arc::default(),
        });
        tokio::spawn(poll_changes(store, hub.clone()));
        hub
    }

    /// Ends every open stream, so a graceful shutdown does not wait for them forever.
    pub fn close(&self) {
        self.shutdown.send_replace(true);
    }
}

/// Ends when the store signals a change; never without a signal.
async fn woken(signal: Option<&tokio::sync::Notify>) {
    match signal {
        Some(signal) => signal.notified().await,
        None => std::future::pending().await,
    }
}

async fn poll_changes(store: Arc<dyn Store>, hub: Arc<EventHub>) {
    let mut last = loop {
        match store.latest_change().await {
            Ok(seq) => break seq,
            Err(error) => tracing::error!(%error, "events: reading the change log failed"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    let mut shutdown = hub.shutdown.subscribe();
    let signal = store.change_signal().await;
    let mut interval = tokio::time::interval(if signal.is_some() {
        SIGNALLED_POLL_INTERVAL
    } else {
        POLL_INTERVAL
    });
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            () = woken(signal.as_deref()) => {}
            _ = shutdown.changed() => return,
        }
        loop {
            let rows = match store.changes_after(last, PAGE).await {
                Ok(rows) => rows,
                Err(error) => {
                    tracing::error!(%error, "events: reading the change log failed");
                    break;
                }
            };
            let Some(newest) = rows.last().map(|row| row.seq) else {
                break;
            };
            last = newest;
            let full = rows.len() == PAGE;
            // Nobody listening is not an error: the rows stay in the log for replay.
            let _ = hub.changes.send(Arc::new(rows));
            if !full {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_holds_at_most_its_streams_and_a_closed_one_frees_its_place() {
        let open = Arc::new(OpenStreams::default());
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
