//! The one managed state: the core façade and what the shell keeps beside it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use opendvc_core::OpenDvc;
use opendvc_core::i18n::Localizer;
use opendvc_core::reminders::RulesTable;
use tokio::sync::{Notify, RwLock};
use uuid::Uuid;

use crate::views::QueueProgress;

/// The app's state.
///
/// The core sits behind a tokio `RwLock` because its sending, syncing and signing-in methods
/// are async and are held across awaits: most take `&self` and may run side by side (a drain
/// in the background while a screen reads the cache), while `sign_in` and `sign_out` take
/// `&mut self` and wait for the readers to finish. Everything else is plain data behind std
/// mutexes that are never held across an await.
#[derive(Debug)]
pub struct AppState {
    pub core: RwLock<OpenDvc>,
    pub localizer: Localizer,
    pub rules: RulesTable,
    /// Bytes sent so far of uploads going out now, from the core's progress events.
    pub progress: Mutex<HashMap<Uuid, QueueProgress>>,
    /// Files the person picked, copied here until a submission takes them into the queue.
    pub staging_dir: PathBuf,
    /// Wakes the background sender when something was queued or the portal came back.
    pub wake_sender: Notify,
    /// When this process started, for the start-up measurement.
    pub started: Instant,
}

impl AppState {
    /// Upload progress, locked even after a panic elsewhere (it is only a display hint).
    pub fn progress(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, QueueProgress>> {
        self.progress
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
