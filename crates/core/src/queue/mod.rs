//! The durable submission queue (outbox).
//!
//! Every change the person makes — an attachment upload, a new application, a supplement, a
//! delivery change, a withdrawal, a rating, feedback, a hand-added wallet document — becomes a [`QueueItem`] committed to `outbox.db`
//! (`synchronous=FULL`) before the caller is told it is saved. The item's id is a UUIDv7 and is
//! sent as the `Idempotency-Key`, so resending is always safe.
//!
//! The sender follows a fixed protocol so that a process killed at any moment neither loses
//! nor doubles an item:
//! 1. commit `queued` → `sending`;
//! 2. send the request with the item's key;
//! 3. commit `sending` → `sent` together with the server's answer (application id and code),
//!    or back to `queued` with a back-off, or `needs_attention` with the server's reason.
//!
//! A sender that dies between 1 and 3 leaves the item `sending`; the next process that takes
//! the sender lock puts it back to `queued` and resends it with the same key, and the portal
//! answers with the stored first response.
//!
//! On a fast link the sender groups the marks: one commit stores the answers of a batch of
//! items (3) and marks the next batch `sending` (1), so each durable commit serves many
//! acknowledged items, and each item still has both marks before and after its request. Items
//! of a batch that a failure leaves untried go back to `queued` as they were. A batch starts
//! at one item and grows while its items are answered quickly, so on a slow link each answer is
//! still stored as soon as it comes.
//!
//! Only one sender runs per profile, across processes: the sender holds an exclusive lock on
//! `sender.lock` in the profile folder (an OS file lock, released by the kernel when the
//! process dies, even by SIGKILL). Recovery of `sending` items happens when the lock is
//! taken, never merely on opening the queue, because another process may be sending them.
//!
//! The rooms of the queue:
//! - `item`: the item model that `outbox.db` stores; it knows neither the store nor the client;
//! - `backoff`: full-jitter back-off honouring the server's `Retry-After`, following the
//!   link's failures in a row ([`LinkHealth`]), not an item's own;
//! - `transport`: what the sender hands a transport for one item, and what comes back;
//! - `staging`: content-addressed copies of attached files, sealed when the queue has a key;
//! - `sender`: the sender lock, one send pass (its marks grouped by batch), what a failed send
//!   means for an item;
//! - `drain`: [`drain`], the one loop that sends a profile's queue or a staff member's many
//!   sealed queues within a time bound, each queue through its own transport ([`DrainLane`]);
//! - `error`: [`QueueError`];
//! - `handle`: [`SubmissionQueue`]'s state and how it is opened;
//! - this module: what the queue does — enqueueing, listing, retry, discard.

use opendvc_api::{AttachmentRef, MAX_FEEDBACK_PHOTOS, NewApplication, NewDocument, NewFeedback};
use serde::Serialize;
use uuid::Uuid;

use crate::store::StoreError;
use crate::store::outbox::{self, NewItem};

mod backoff;
mod drain;
mod error;
mod handle;
pub(crate) mod item;
mod sender;
mod staging;
pub(crate) mod transport;

pub use backoff::{BackoffPolicy, LinkHealth, saturating_after};
pub use drain::{DrainEnd, DrainLane, DrainOutcome, LaneReadiness, ProfileLane, drain};
pub use error::QueueError;
pub use handle::SubmissionQueue;
pub use item::{
    ApplicationTarget, Enqueued, FeedbackFollowUp, FollowUp, ItemEvent, ItemKind, ItemPayload,
    ItemState, QueueItem, QueueSummary, Reason,
};
use sender::{Failure, ItemSend};
pub use sender::{PassEnd, PassReport, SenderLock, SentItem};
pub use staging::StagedAttachment;
pub use transport::{OutboundRequest, ProgressListener, ServerAnswer, Transport, UploadProgress};

/// What discarding an item did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "outcome",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum DiscardOutcome {
    /// The item is discarded; the items that depended on it need attention now.
    Discarded { affected: Vec<Uuid> },
    /// The item's last answer had been lost, and sending it once more showed the portal had
    /// it: it is sent, not discarded (an application made this way exists at the portal).
    ReachedThePortal { sent: SentItem },
}

/// Reasons an item cannot be built that pass by themselves (the staff member signs in
/// again), unlike a missing attachment copy, which never comes back.
const PASSING_BUILD_REASONS: [&str; 2] = ["store", "sealed_without_key"];

/// How often, and how long apart, a discard that must resend an item looks for the sender
/// lock held by a running drain (a drain holds it for one send pass at a time).
const DISCARD_LOCK_TRIES: u32 = 75;
const DISCARD_LOCK_PAUSE: std::time::Duration = std::time::Duration::from_millis(200);

impl SubmissionQueue {
    /// Seals the payloads of items about to be stored, if this queue has a key.
    fn sealed(&self, mut items: Vec<NewItem>) -> Result<Vec<NewItem>, QueueError> {
        if let Some(key) = self.key() {
            for item in &mut items {
                item.payload = item.payload.seal(item.id, &key).map_err(StoreError::from)?;
            }
        }
        Ok(items)
    }

    /// Opens a stored item's payload when this queue has the key; without it (or if it
    /// does not open) the item is shown sealed.
    fn opened(&self, mut item: QueueItem) -> QueueItem {
        if let Some(key) = self.key()
            && let Ok(payload) = item.payload.clone().open(item.id, &key)
        {
            item.payload = payload;
        }
        item
    }

    /// Sets who hears about upload progress (the façade turns it into events).
    pub fn set_progress_listener(&self, listener: ProgressListener) {
        *self
            .progress
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(listener);
    }

    fn upload_items(files: &[StagedAttachment]) -> (Vec<NewItem>, Vec<AttachmentRef>) {
        let mut items = Vec::new();
        let mut refs = Vec::new();
        for file in files {
            items.push(NewItem {
                id: Uuid::now_v7(),
                payload: ItemPayload::UploadAttachment {
                    sha256: file.sha256.clone(),
                    content_type: file.content_type.clone(),
                    file_name: file.file_name.clone(),
                    size: file.size,
                },
                depends_on: Vec::new(),
                bytes_total: file.size,
            });
            refs.push(AttachmentRef::Upload {
                attachment_id: file.attachment_id(),
                requirement_id: file.requirement_id.clone(),
            });
        }
        (items, refs)
    }

    /// Enqueues a new application with its staged files, in one transaction. The files'
    /// uploads come first; the application waits for them and refers to them by hash.
    pub fn enqueue_submission(
        &self,
        mut application: NewApplication,
        files: &[StagedAttachment],
    ) -> Result<Enqueued, QueueError> {
        let (uploads, refs) = Self::upload_items(files);
        application.attachments.extend(refs);
        self.insert_after_uploads(uploads, ItemPayload::CreateApplication { application })
    }

    /// Inserts `uploads` and then the item carrying `payload`, which waits for all of them, in
    /// one transaction.
    fn insert_after_uploads(
        &self,
        mut uploads: Vec<NewItem>,
        payload: ItemPayload,
    ) -> Result<Enqueued, QueueError> {
        let upload_ids: Vec<Uuid> = uploads.iter().map(|item| item.id).collect();
        let item_id = Uuid::now_v7();
        uploads.push(NewItem {
            id: item_id,
            payload,
            depends_on: upload_ids.clone(),
            bytes_total: 0,
        });
        let now = self.clock.now();
        let items = self.sealed(uploads)?;
        self.outbox.write(|tx| outbox::insert(tx, &items, now))?;
        Ok(Enqueued {
            item_id,
            upload_ids,
        })
    }

    /// Enqueues new feedback with its staged photos, in one transaction, like a submission:
    /// the photos' uploads come first, and the feedback waits for them and names them by
    /// hash in `photos`. The photos are expected prepared already
    /// ([`crate::feedback_photo::prepare_photo`]).
    pub fn enqueue_feedback(
        &self,
        mut feedback: NewFeedback,
        photos: &[StagedAttachment],
    ) -> Result<Enqueued, QueueError> {
        let count = feedback.photos.len() + photos.len();
        if count > MAX_FEEDBACK_PHOTOS {
            return Err(QueueError::TooManyPhotos {
                count,
                max: MAX_FEEDBACK_PHOTOS,
            });
        }
        let (uploads, _) = Self::upload_items(photos);
        feedback
            .photos
            .extend(photos.iter().map(StagedAttachment::attachment_id));
        self.insert_after_uploads(uploads, ItemPayload::FileFeedback { feedback })
    }

    /// Enqueues a rating or a reopening of a feedback item the portal has.
    pub fn enqueue_feedback_follow_up(
        &self,
        feedback_id: Uuid,
        follow_up: FeedbackFollowUp,
    ) -> Result<Enqueued, QueueError> {
        let payload = match follow_up {
            FeedbackFollowUp::Rating(rating) => ItemPayload::RateFeedback {
                feedback_id,
                rating,
            },
            FeedbackFollowUp::Reopen(request) => ItemPayload::ReopenFeedback {
                feedback_id,
                request,
            },
        };
        let item_id = Uuid::now_v7();
        let items = vec![NewItem {
            id: item_id,
            payload,
            depends_on: Vec::new(),
            bytes_total: 0,
        }];
        let now = self.clock.now();
        let items = self.sealed(items)?;
        self.outbox.write(|tx| outbox::insert(tx, &items, now))?;
        Ok(Enqueued {
            item_id,
            upload_ids: Vec::new(),
        })
    }

    /// Enqueues the upload of a document the resident typed into the wallet, as the item
    /// `item_id` (the id the wallet keeps it under until the portal answers with its own).
    pub fn enqueue_document(
        &self,
        item_id: Uuid,
        document: NewDocument,
    ) -> Result<Enqueued, QueueError> {
        let items = vec![NewItem {
            id: item_id,
            payload: ItemPayload::AddDocument { document },
            depends_on: Vec::new(),
            bytes_total: 0,
        }];
        let now = self.clock.now();
        let items = self.sealed(items)?;
        self.outbox.write(|tx| outbox::insert(tx, &items, now))?;
        Ok(Enqueued {
            item_id,
            upload_ids: Vec::new(),
        })
    }

    /// Enqueues a follow-up. When `target` is a queued item, the follow-up waits for it; when
    /// that item was sent already, the follow-up goes to the application it created.
    pub fn enqueue_follow_up(
        &self,
        target: ApplicationTarget,
        follow_up: FollowUp,
        files: &[StagedAttachment],
    ) -> Result<Enqueued, QueueError> {
        let now = self.clock.now();
        let (mut items, refs) = Self::upload_items(files);
        let upload_ids: Vec<Uuid> = items.iter().map(|item| item.id).collect();
        let mut depends_on = upload_ids.clone();
        let target = match target {
            ApplicationTarget::Application { .. } => target,
            ApplicationTarget::QueuedItem { item_id } => {
                let parent = self.item(item_id)?.ok_or(QueueError::NoSuchItem(item_id))?;
                if parent.kind() != ItemKind::CreateApplication {
                    return Err(QueueError::NotAnApplication(item_id));
                }
                match (parent.state, parent.application_id) {
                    (ItemState::Sent, Some(application_id)) => {
                        ApplicationTarget::Application { application_id }
                    }
                    (ItemState::Discarded, _) => return Err(QueueError::NotChangeable(item_id)),
                    _ => {
                        depends_on.push(item_id);
                        target
                    }
                }
            }
        };
        let payload = match follow_up {
            FollowUp::Supplement(mut supplement) => {
                supplement.attachments.extend(refs);
                ItemPayload::Supplement { target, supplement }
            }
            FollowUp::DeliveryChange(delivery) => ItemPayload::DeliveryChange { target, delivery },
            FollowUp::Withdraw(request) => ItemPayload::Withdraw { target, request },
            FollowUp::Rating(rating) => ItemPayload::Rating { target, rating },
        };
        let item_id = Uuid::now_v7();
        items.push(NewItem {
            id: item_id,
            payload,
            depends_on,
            bytes_total: 0,
        });
        let items = self.sealed(items)?;
        self.outbox.write(|tx| outbox::insert(tx, &items, now))?;
        Ok(Enqueued {
            item_id,
            upload_ids,
        })
    }

    pub fn item(&self, id: Uuid) -> Result<Option<QueueItem>, QueueError> {
        Ok(self
            .outbox
            .read(|conn| outbox::get(conn, id))?
            .map(|item| self.opened(item)))
    }

    /// Items in queue order, without discarded ones unless asked.
    pub fn items(&self, with_discarded: bool) -> Result<Vec<QueueItem>, QueueError> {
        let listing = if with_discarded {
            outbox::Listing::All
        } else {
            outbox::Listing::WithoutDiscarded
        };
        let items = self.outbox.read(|conn| outbox::list(conn, listing))?;
        Ok(items.into_iter().map(|item| self.opened(item)).collect())
    }

    /// Items not yet acknowledged by the server, in queue order.
    pub fn unsent_items(&self) -> Result<Vec<QueueItem>, QueueError> {
        let items = self
            .outbox
            .read(|conn| outbox::list(conn, outbox::Listing::Unsent))?;
        Ok(items.into_iter().map(|item| self.opened(item)).collect())
    }

    pub fn events(&self, id: Uuid) -> Result<Vec<ItemEvent>, QueueError> {
        Ok(self.outbox.read(|conn| outbox::events(conn, id))?)
    }

    pub fn summary(&self) -> Result<QueueSummary, QueueError> {
        let (counts, paused) = self.outbox.read(|conn| {
            Ok((
                outbox::count_by_state(conn)?,
                outbox::flag(conn, outbox::PAUSED_AUTH)?.is_some(),
            ))
        })?;
        let mut summary = QueueSummary {
            paused_auth: paused,
            ..QueueSummary::default()
        };
        for (state, count) in counts {
            match state {
                ItemState::Queued => summary.queued = count,
                ItemState::Sending => summary.sending = count,
                ItemState::Sent => summary.sent = count,
                ItemState::NeedsAttention => summary.needs_attention = count,
                ItemState::Discarded => summary.discarded = count,
            }
        }
        Ok(summary)
    }

    pub fn is_paused(&self) -> Result<bool, QueueError> {
        Ok(self
            .outbox
            .read(|conn| outbox::flag(conn, outbox::PAUSED_AUTH))?
            .is_some())
    }

    /// Lifts the pause after the person signed in again.
    pub fn resume_after_sign_in(&self) -> Result<(), QueueError> {
        Ok(self
            .outbox
            .write(|conn| outbox::clear_flag(conn, outbox::PAUSED_AUTH))?)
    }

    /// Puts a waiting or refused item back in line at once.
    pub fn retry(&self, id: Uuid) -> Result<(), QueueError> {
        let now = self.clock.now();
        if self.item(id)?.is_none() {
            return Err(QueueError::NoSuchItem(id));
        }
        if self.outbox.read(|conn| outbox::requeue(conn, id, now))? {
            Ok(())
        } else {
            Err(QueueError::NotChangeable(id))
        }
    }

    /// Discards an unsent item, on the person's explicit request (the caller confirms first).
    /// Items that depended on it need attention afterwards.
    ///
    /// An item whose last send got no answer may have reached the portal: it is sent once
    /// more with the same key first, through `transport`. If the portal acknowledges it, the
    /// item is sent, not discarded ([`DiscardOutcome::ReachedThePortal`]); if the portal
    /// refuses it, it is discarded; if it cannot be sent now (offline, signed out: no
    /// `transport`), the discard is refused with [`QueueError::MustSendFirst`]. Only an item
    /// the portal never had, or refused, is discarded without a word to the portal.
    pub async fn discard<T: Transport>(
        &self,
        id: Uuid,
        transport: Option<&T>,
    ) -> Result<DiscardOutcome, QueueError> {
        let item = self.item(id)?.ok_or(QueueError::NoSuchItem(id))?;
        if !matches!(item.state, ItemState::Queued | ItemState::NeedsAttention) {
            return Err(QueueError::NotChangeable(id));
        }
        if item.may_have_arrived {
            let transport = transport.ok_or(QueueError::MustSendFirst(id))?;
            let lock = self.wait_for_sender_lock().await?;
            if let Some(sent) = self.resend_before_discard(&lock, transport, id).await? {
                return Ok(DiscardOutcome::ReachedThePortal { sent });
            }
        }
        let now = self.clock.now();
        let reason = Reason::local(
            "parent_discarded",
            format!("the item {id} this one depends on was discarded"),
        );
        let affected = self
            .outbox
            .read(|conn| outbox::discard(conn, id, &reason, now))?
            .ok_or(QueueError::NotChangeable(id))?;
        Ok(DiscardOutcome::Discarded { affected })
    }

    /// Takes the sender lock, waiting a while for a running drain to let go of it.
    async fn wait_for_sender_lock(&self) -> Result<SenderLock, QueueError> {
        for _ in 0..DISCARD_LOCK_TRIES {
            if let Some(lock) = self.try_lock_sender()? {
                return Ok(lock);
            }
            tokio::time::sleep(DISCARD_LOCK_PAUSE).await;
        }
        Err(QueueError::SenderBusy)
    }

    /// Sends an item that may have reached the portal once more before it is discarded.
    /// `Some` when the portal acknowledged it (it is sent now), `None` when it may be
    /// discarded (the portal refused it, or it can never be sent from here). Anything else
    /// leaves it as it was and refuses the discard.
    async fn resend_before_discard<T: Transport>(
        &self,
        _lock: &SenderLock,
        transport: &T,
        id: Uuid,
    ) -> Result<Option<SentItem>, QueueError> {
        let before = self.item(id)?.ok_or(QueueError::NoSuchItem(id))?;
        let now = self.clock.now();
        if !self
            .outbox
            .read(|conn| outbox::mark_resending(conn, id, now))?
        {
            return Err(QueueError::NotChangeable(id));
        }
        let outcome = self.send_item(&before, transport).await?;
        let now = self.clock.now();
        let restore = || -> Result<(), QueueError> {
            // A refused item the person meant to discard stays where they saw it.
            if let (ItemState::NeedsAttention, Some(reason)) = (before.state, &before.reason) {
                let attempt = outbox::Attempt {
                    reason,
                    may_have_arrived: true,
                };
                self.outbox
                    .read(|conn| outbox::mark_attention(conn, id, attempt, now))?;
            }
            Ok(())
        };
        match outcome {
            ItemSend::Sent(sent) => Ok(Some(sent)),
            ItemSend::Failed(Failure::Attention { refused: true }) => Ok(None),
            ItemSend::Failed(Failure::Attention { refused: false }) => {
                let passing = self
                    .item(id)?
                    .and_then(|item| item.reason)
                    .is_some_and(|reason| PASSING_BUILD_REASONS.contains(&reason.code.as_str()));
                if passing {
                    restore()?;
                    Err(QueueError::MustSendFirst(id))
                } else {
                    Ok(None)
                }
            }
            ItemSend::Failed(Failure::Retry { .. } | Failure::Paused) => {
                restore()?;
                Err(QueueError::MustSendFirst(id))
            }
        }
    }
}
