//! What the UI hears when the core changed: the topics of `core://changed`.

use serde::{Deserialize, Serialize};

use crate::events::CoreEvent;

/// What changed in the core; the UI reloads the screens that show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ChangeTopic {
    Queue,
    Applications,
    Documents,
    Inbox,
    Connectivity,
    Session,
}

impl ChangeTopic {
    pub const ALL: [ChangeTopic; 6] = [
        ChangeTopic::Queue,
        ChangeTopic::Applications,
        ChangeTopic::Documents,
        ChangeTopic::Inbox,
        ChangeTopic::Connectivity,
        ChangeTopic::Session,
    ];

    /// The topics a core event touches.
    pub fn of(event: &CoreEvent) -> &'static [ChangeTopic] {
        use ChangeTopic::*;
        match event {
            CoreEvent::QueueChanged | CoreEvent::UploadProgress { .. } => &[Queue],
            CoreEvent::ApplicationsChanged => &[Applications],
            CoreEvent::CacheChanged => &[Documents, Inbox, Applications],
            CoreEvent::SyncStateChanged { .. } => &[Connectivity],
            CoreEvent::SignInRequired | CoreEvent::SignedIn | CoreEvent::SignedOut => &[Session],
            CoreEvent::CacheRebuilt { .. } => &[Applications, Documents, Inbox, Queue, Session],
        }
    }
}

/// Payload of the shell's `core://changed` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChangedEvent {
    pub what: ChangeTopic,
}
