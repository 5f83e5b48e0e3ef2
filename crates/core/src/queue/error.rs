//! [`QueueError`]: what goes wrong with the queue itself (not with sending: that ends up in
//! the items).

use std::path::PathBuf;

use uuid::Uuid;

use crate::store::StoreError;

/// Errors of the queue itself (not of sending: those end up in items).
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not read or store the attachment {path}: {source}")]
    Attachment {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the attachment {path} is {size} bytes; the portal accepts at most {max}")]
    AttachmentTooLarge { path: PathBuf, size: u64, max: u64 },
    #[error("no queue item {0}")]
    NoSuchItem(Uuid),
    #[error("the queue item {0} is not waiting to be sent; only unsent items can be changed")]
    NotChangeable(Uuid),
    #[error("the queue item {0} does not create an application")]
    NotAnApplication(Uuid),
    #[error("could not use the sender lock file: {0}")]
    Lock(std::io::Error),
    #[error(
        "the queue item {0} may have reached the portal already (its answer was lost); it must \
         be sent once more before it can be discarded: try again when online and signed in"
    )]
    MustSendFirst(Uuid),
    #[error("the queue is being sent right now; try again in a moment")]
    SenderBusy,
    #[error("feedback carries at most {max} photos, not {count}; remove some")]
    TooManyPhotos { count: usize, max: usize },
}
