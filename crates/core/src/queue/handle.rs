//! [`SubmissionQueue`] itself: its state (the outbox, the key sealing a shared device's work,
//! the upload listener, the profile folder, the clock, the back-off) and how it is opened.
//! What it does is in the queue's other rooms.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::backoff::{BackoffPolicy, LinkHealth};
use super::error::QueueError;
use super::transport::ProgressListener;
use crate::clock::Clock;
use crate::sealing::QueueKey;
use crate::store::Outbox;

/// The durable submission queue of one profile.
pub struct SubmissionQueue {
    pub(super) outbox: Outbox,
    pub(super) purge_after_ack: std::sync::atomic::AtomicBool,
    /// Set for work done for a citizen on a shared device: items and staged files are sealed
    /// with it at rest.
    pub(super) key: std::sync::RwLock<Option<QueueKey>>,
    pub(super) progress: std::sync::Mutex<Option<ProgressListener>>,
    pub(super) profile_dir: PathBuf,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) backoff: BackoffPolicy,
    /// The link to the portal: the back-off follows its failures in a row, not an item's.
    pub(super) link: LinkHealth,
}

impl fmt::Debug for SubmissionQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubmissionQueue")
            .field("profile_dir", &self.profile_dir)
            .finish_non_exhaustive()
    }
}

impl SubmissionQueue {
    /// Opens (or creates) the queue in `profile_dir` (`outbox.db`, `attachments/`,
    /// `sender.lock`).
    pub fn open(
        profile_dir: &Path,
        clock: Arc<dyn Clock>,
        backoff: BackoffPolicy,
    ) -> Result<SubmissionQueue, QueueError> {
        crate::session::private_dir(profile_dir.join("attachments")).map_err(|source| {
            QueueError::Attachment {
                path: profile_dir.join("attachments"),
                source,
            }
        })?;
        let outbox = Outbox::open(&profile_dir.join("outbox.db"))?;
        Ok(SubmissionQueue {
            outbox,
            purge_after_ack: std::sync::atomic::AtomicBool::new(false),
            key: std::sync::RwLock::new(None),
            progress: std::sync::Mutex::new(None),
            profile_dir: profile_dir.to_owned(),
            clock,
            backoff,
            link: LinkHealth::default(),
        })
    }

    /// On a shared device: once the server acknowledged an item, keep only its receipt
    /// (kind, state, application id and code) and delete its personal data — the form, notes,
    /// address, the server's full answer, and the stored copy of an uploaded file.
    pub fn set_purge_after_ack(&self, purge: bool) {
        self.purge_after_ack
            .store(purge, std::sync::atomic::Ordering::Relaxed);
    }

    /// Seals every item and file enqueued from now on with `key`, and opens sealed ones with
    /// it (see [`crate::sealing`]).
    pub fn set_key(&self, key: QueueKey) {
        *self
            .key
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(key);
    }

    pub(super) fn key(&self) -> Option<QueueKey> {
        self.key
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}
