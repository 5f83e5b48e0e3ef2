//! The hub of `/v1/events`: one poller reads new change-log rows — woken by the store's change
//! signal (PostgreSQL's `NOTIFY`, from any instance) or, without one, on a short timer — and
//! fans them out to the open streams through a broadcast channel; the shutdown switch. (The
//! count of open streams per token is the store's, `StreamSlotStore`: it spans instances.) It knows the store, not the HTTP state, so `AppState` can hold
//! it.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, watch};

use crate::store::{ChangeRow, Store};

/// How often the poller looks for new change-log rows when the store has no change signal
/// (SQLite, where the `officer` command writes from another process).
const POLL_INTERVAL: Duration = Duration::from_millis(50);
/// How often it looks anyway when the store wakes it on every change (PostgreSQL's `NOTIFY`,
/// sent when the change log's sequencer gives positions): a safety net, not the path of an
/// event; on PostgreSQL each look also sequences what an instance that died after its commit
/// left without a position.
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
}

impl EventHub {
    /// Starts the poller that feeds the hub from `store`.
    pub fn start(store: Arc<dyn Store>) -> Arc<Self> {
        let (changes, _) = broadcast::channel(CHANNEL_BATCHES);
        let (shutdown, _) = watch::channel(false);
        let hub = Arc::new(Self { changes, shutdown });
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
