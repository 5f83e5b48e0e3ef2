//! Change events the core publishes for the shell (UI) and the CLI.

use std::path::PathBuf;

use serde::Serialize;
use uuid::Uuid;

/// Something changed; listeners re-read what they show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "event",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum CoreEvent {
    /// Items were added, sent, retried, discarded or refused.
    QueueChanged,
    /// The cached applications changed (after a sync or a send).
    ApplicationsChanged,
    /// The cached profile, documents, inbox or catalog changed.
    CacheChanged,
    /// An upload is going out: `sent` of `total` bytes.
    UploadProgress {
        item_id: Uuid,
        sent: u64,
        total: u64,
    },
    /// Whether the portal was reachable at the last attempt.
    SyncStateChanged {
        online: bool,
    },
    /// The session ended and could not be renewed: the queue waits for a new sign-in.
    SignInRequired,
    /// A damaged cache was moved aside and rebuilt; queued items were not touched.
    CacheRebuilt {
        moved_to: PathBuf,
    },
    SignedIn,
    SignedOut,
}
