//! The durable submission queue (outbox).
//!
//! Every change the person makes — an attachment upload, a new application, a supplement, a
//! delivery change, a withdrawal, a rating — becomes a [`QueueItem`] committed to `outbox.db`
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
//! Only one sender runs per profile, across processes: the sender holds an exclusive lock on
//! `sender.lock` in the profile folder (an OS file lock, released by the kernel when the
//! process dies, even by SIGKILL). Recovery of `sending` items happens when the lock is
//! taken, never merely on opening the queue, because another process may be sending them.

use std::fmt;
use std::fs::File;
use std::future::Future;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use fs4::fs_std::FileExt;
use opendvc_api::{
    Application, Attachment, AttachmentRef, DeliveryChoice, ErrorCode, FieldError,
    MAX_ATTACHMENT_BYTES, NewApplication, NewSupplement, Rating, WithdrawRequest,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::client::ClientError;
use crate::clock::{Clock, Jitter};
use crate::sealing::{QueueKey, SealError};
use crate::store::outbox::{self, NewItem};
use crate::store::{Outbox, StoreError};

/// State of a queued item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// Waiting to be sent (possibly backing off, or waiting for an item it depends on).
    Queued,
    /// A sender is sending it now (or died while sending; then it is resent).
    Sending,
    /// The server acknowledged it.
    Sent,
    /// The server refused it; the person must look at the reason, then retry or discard.
    NeedsAttention,
    /// The person discarded it.
    Discarded,
}

impl ItemState {
    pub const ALL: [ItemState; 5] = [
        ItemState::Queued,
        ItemState::Sending,
        ItemState::Sent,
        ItemState::NeedsAttention,
        ItemState::Discarded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Queued => "queued",
            ItemState::Sending => "sending",
            ItemState::Sent => "sent",
            ItemState::NeedsAttention => "needs_attention",
            ItemState::Discarded => "discarded",
        }
    }

    pub fn parse(text: &str) -> Option<ItemState> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// Whether the item still has to reach the server.
    pub fn is_unsent(self) -> bool {
        matches!(
            self,
            ItemState::Queued | ItemState::Sending | ItemState::NeedsAttention
        )
    }
}

/// What an item does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    UploadAttachment,
    CreateApplication,
    Supplement,
    DeliveryChange,
    Withdraw,
    Rating,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::UploadAttachment => "upload_attachment",
            ItemKind::CreateApplication => "create_application",
            ItemKind::Supplement => "supplement",
            ItemKind::DeliveryChange => "delivery_change",
            ItemKind::Withdraw => "withdraw",
            ItemKind::Rating => "rating",
        }
    }
}

/// The application a follow-up is about: one the server knows, or one still in the queue
/// (by the queue item that creates it; the real id is filled in when that item is sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum ApplicationTarget {
    Application { application_id: Uuid },
    QueuedItem { item_id: Uuid },
}

/// The frozen payload of an item, stored as JSON at enqueue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum ItemPayload {
    /// Upload of a file kept at `attachments/<sha256>` in the profile folder.
    UploadAttachment {
        sha256: String,
        content_type: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file_name: Option<String>,
        size: u64,
    },
    CreateApplication {
        application: NewApplication,
    },
    Supplement {
        target: ApplicationTarget,
        supplement: NewSupplement,
    },
    DeliveryChange {
        target: ApplicationTarget,
        delivery: DeliveryChoice,
    },
    Withdraw {
        target: ApplicationTarget,
        request: WithdrawRequest,
    },
    Rating {
        target: ApplicationTarget,
        rating: Rating,
    },
    /// An item whose content is encrypted at rest (work done for a citizen in an assisted
    /// session, see [`crate::sealing`]). In the clear stays only what the queue needs without
    /// the key: the kind, the target, the hash of an uploaded file, and the procedure.
    Sealed {
        of: ItemKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<ApplicationTarget>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sha256: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        procedure_id: Option<String>,
        /// The whole payload as JSON, sealed with the staff member's queue key and bound to
        /// the item id.
        sealed: String,
    },
}

impl ItemPayload {
    pub fn kind(&self) -> ItemKind {
        match self {
            ItemPayload::UploadAttachment { .. } => ItemKind::UploadAttachment,
            ItemPayload::CreateApplication { .. } => ItemKind::CreateApplication,
            ItemPayload::Supplement { .. } => ItemKind::Supplement,
            ItemPayload::DeliveryChange { .. } => ItemKind::DeliveryChange,
            ItemPayload::Withdraw { .. } => ItemKind::Withdraw,
            ItemPayload::Rating { .. } => ItemKind::Rating,
            ItemPayload::Sealed { of, .. } => *of,
        }
    }

    /// The payload without personal data, kept after the server acknowledged the item on a
    /// shared device: what kind of item it was and what it was about, nothing the person
    /// wrote or attached.
    pub fn redacted(&self) -> ItemPayload {
        match self {
            ItemPayload::UploadAttachment {
                sha256,
                content_type,
                size,
                ..
            } => ItemPayload::UploadAttachment {
                sha256: sha256.clone(),
                content_type: content_type.clone(),
                file_name: None,
                size: *size,
            },
            ItemPayload::CreateApplication { application } => ItemPayload::CreateApplication {
                application: NewApplication {
                    procedure_id: application.procedure_id.clone(),
                    form: Default::default(),
                    attachments: Vec::new(),
                    delivery: DeliveryChoice {
                        method: application.delivery.method,
                        address: None,
                    },
                },
            },
            ItemPayload::Supplement { target, .. } => ItemPayload::Supplement {
                target: *target,
                supplement: NewSupplement {
                    note: None,
                    form: Default::default(),
                    attachments: Vec::new(),
                },
            },
            ItemPayload::DeliveryChange { target, delivery } => ItemPayload::DeliveryChange {
                target: *target,
                delivery: DeliveryChoice {
                    method: delivery.method,
                    address: None,
                },
            },
            ItemPayload::Withdraw { target, .. } => ItemPayload::Withdraw {
                target: *target,
                request: WithdrawRequest::default(),
            },
            ItemPayload::Rating { target, rating } => ItemPayload::Rating {
                target: *target,
                rating: Rating {
                    stars: rating.stars,
                    comment: None,
                },
            },
            ItemPayload::Sealed {
                of,
                target,
                sha256,
                procedure_id,
                ..
            } => ItemPayload::Sealed {
                of: *of,
                target: *target,
                sha256: sha256.clone(),
                procedure_id: procedure_id.clone(),
                sealed: String::new(),
            },
        }
    }

    /// The procedure a new application is for, readable even when the item is sealed.
    pub fn procedure_id(&self) -> Option<&str> {
        match self {
            ItemPayload::CreateApplication { application } => Some(&application.procedure_id),
            ItemPayload::Sealed { procedure_id, .. } => procedure_id.as_deref(),
            _ => None,
        }
    }

    /// Seals this payload with `key`, bound to the item `id`.
    fn seal(&self, id: Uuid, key: &QueueKey) -> Result<ItemPayload, StoreError> {
        if matches!(self, ItemPayload::Sealed { .. }) {
            return Ok(self.clone());
        }
        let sha256 = match self {
            ItemPayload::UploadAttachment { sha256, .. } => Some(sha256.clone()),
            _ => None,
        };
        Ok(ItemPayload::Sealed {
            of: self.kind(),
            target: self.target(),
            sha256,
            procedure_id: self.procedure_id().map(str::to_owned),
            sealed: key.seal_text(id.as_bytes(), &serde_json::to_string(self)?),
        })
    }

    /// Opens a sealed payload; a payload in the clear is returned as it is.
    fn open(self, id: Uuid, key: &QueueKey) -> Result<ItemPayload, SealError> {
        match self {
            ItemPayload::Sealed { sealed, .. } if !sealed.is_empty() => {
                serde_json::from_str(&key.open_text(id.as_bytes(), &sealed)?)
                    .map_err(|_| SealError::Damaged)
            }
            other => Ok(other),
        }
    }

    /// The application a follow-up is about.
    pub fn target(&self) -> Option<ApplicationTarget> {
        match self {
            ItemPayload::Supplement { target, .. }
            | ItemPayload::DeliveryChange { target, .. }
            | ItemPayload::Withdraw { target, .. }
            | ItemPayload::Rating { target, .. } => Some(*target),
            ItemPayload::Sealed { target, .. } => *target,
            ItemPayload::UploadAttachment { .. } | ItemPayload::CreateApplication { .. } => None,
        }
    }
}

/// Why an item waits or needs attention: the server's problem, or a local reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reason {
    /// A stable code: a portal [`ErrorCode`], a [`ClientError::code`], or a local code
    /// (`attachment_missing`, `parent_discarded`, `parent_not_created`).
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl Reason {
    pub fn local(code: &str, detail: impl Into<String>) -> Reason {
        Reason {
            code: code.to_owned(),
            status: None,
            detail: Some(detail.into()),
            errors: Vec::new(),
        }
    }

    fn from_client_error(error: &ClientError) -> Reason {
        let problem = error.problem();
        Reason {
            code: problem
                .map(|problem| problem.code.as_str().to_owned())
                .unwrap_or_else(|| error.code().to_owned()),
            status: error.status(),
            detail: problem
                .and_then(|problem| problem.detail.clone())
                .or_else(|| Some(error.to_string())),
            errors: problem
                .map(|problem| problem.errors.clone())
                .unwrap_or_default(),
        }
    }
}

/// One queued item as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueItem {
    /// Order of enqueueing.
    pub position: i64,
    /// UUIDv7; also the `Idempotency-Key`.
    pub id: Uuid,
    pub payload: ItemPayload,
    pub state: ItemState,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub reason: Option<Reason>,
    /// For a sent create: the application the server made. For a sent follow-up: its target.
    pub application_id: Option<Uuid>,
    pub application_code: Option<String>,
    /// The server's answer (an `Application` or an `Attachment`), once sent.
    pub result: Option<serde_json::Value>,
    pub bytes_total: u64,
    pub depends_on: Vec<Uuid>,
    pub created_at: String,
    pub updated_at: String,
    /// The portal may have acted on this unsent item: a send got no answer this app could
    /// read (a reset, a timeout, a 5xx, a lost answer). It is sent once more before the
    /// person may discard it ([`SubmissionQueue::discard`]).
    pub may_have_arrived: bool,
}

impl QueueItem {
    pub fn kind(&self) -> ItemKind {
        self.payload.kind()
    }
}

/// One state change of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemEvent {
    pub at: String,
    pub state: ItemState,
    pub detail: Option<String>,
}

/// How many items are in each state, and whether the sender is paused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueSummary {
    pub queued: u64,
    pub sending: u64,
    pub sent: u64,
    pub needs_attention: u64,
    pub discarded: u64,
    /// The sender stopped because the session ended; sign in again to resume.
    pub paused_auth: bool,
}

impl QueueSummary {
    /// Items not yet acknowledged by the server.
    pub fn unsent(&self) -> u64 {
        self.queued + self.sending + self.needs_attention
    }
}

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

/// A file copied into the profile's attachment store, ready to be referenced by an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StagedAttachment {
    pub sha256: String,
    pub size: u64,
    pub content_type: String,
    pub file_name: Option<String>,
    /// The procedure's required document this file satisfies, if any.
    pub requirement_id: Option<String>,
}

impl StagedAttachment {
    /// The id the portal gives this file: `sha256:{hex}`.
    pub fn attachment_id(&self) -> String {
        format!("sha256:{}", self.sha256)
    }
}

/// A follow-up on an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUp {
    Supplement(NewSupplement),
    DeliveryChange(DeliveryChoice),
    Withdraw(WithdrawRequest),
    Rating(Rating),
}

/// What was enqueued: the main item and the uploads it waits for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Enqueued {
    pub item_id: Uuid,
    pub upload_ids: Vec<Uuid>,
}

impl Enqueued {
    /// All items of this enqueue, uploads first.
    pub fn all_ids(&self) -> Vec<Uuid> {
        let mut ids = self.upload_ids.clone();
        ids.push(self.item_id);
        ids
    }
}

/// Reports how many bytes of an upload have gone out so far.
#[derive(Clone)]
pub struct UploadProgress(Arc<dyn Fn(u64) + Send + Sync>);

impl UploadProgress {
    pub fn new(report: impl Fn(u64) + Send + Sync + 'static) -> Self {
        UploadProgress(Arc::new(report))
    }

    pub fn report(&self, bytes_sent: u64) {
        (self.0)(bytes_sent);
    }
}

impl fmt::Debug for UploadProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UploadProgress")
    }
}

/// Listens to upload progress of any item: `(item id, bytes sent, bytes in all)`.
pub type ProgressListener = Arc<dyn Fn(Uuid, u64, u64) + Send + Sync>;

/// A request the sender makes for one item.
#[derive(Debug, Clone)]
pub enum OutboundRequest {
    Upload {
        bytes: Vec<u8>,
        content_type: String,
        file_name: Option<String>,
        /// Called as the body goes out, for large uploads.
        progress: Option<UploadProgress>,
    },
    Create(NewApplication),
    Supplement {
        application_id: Uuid,
        body: NewSupplement,
    },
    DeliveryChange {
        application_id: Uuid,
        body: DeliveryChoice,
    },
    Withdraw {
        application_id: Uuid,
        body: WithdrawRequest,
    },
    Rating {
        application_id: Uuid,
        body: Rating,
    },
}

/// What the server answered to an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum ServerAnswer {
    Attachment(Attachment),
    Application(Box<Application>),
}

/// Sends one item's request to the portal with the item's `Idempotency-Key`.
/// [`crate::client::PortalClient`] is the real one; tests use scripted ones.
pub trait Transport: Send + Sync {
    fn deliver(
        &self,
        idempotency_key: Uuid,
        request: OutboundRequest,
    ) -> impl Future<Output = Result<ServerAnswer, ClientError>> + Send;
}

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
}

/// Proof that this process is the one sender of the profile. Dropping it releases the lock.
#[derive(Debug)]
pub struct SenderLock {
    file: File,
}

impl Drop for SenderLock {
    fn drop(&mut self) {
        // Closing the file releases the lock as well; unlocking first makes it immediate even
        // if a duplicate descriptor were still open somewhere.
        let _released = FileExt::unlock(&self.file);
    }
}

/// How a send pass ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "end",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum PassEnd {
    /// Nothing is ready to send: everything left is sent, needs attention, or waits for an
    /// item that needs attention.
    Idle,
    /// The next item is backing off until `until`.
    BackingOff { until: DateTime<Utc> },
    /// The session ended and could not be refreshed; sign in again.
    PausedAuth,
}

/// What one send pass did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PassReport {
    pub sent: Vec<SentItem>,
    pub needs_attention: Vec<Uuid>,
    pub retried: u32,
    /// The last failure was that the portal could not be reached at all.
    pub went_offline: bool,
    pub end: PassEnd,
}

/// An item the server acknowledged in this pass.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SentItem {
    pub id: Uuid,
    pub kind: ItemKind,
    pub answer: ServerAnswer,
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

/// What a failed send says about whether the portal acted on the item's key.
enum Arrival {
    /// The portal answered with a problem about this key: it did not act on it.
    Refused,
    /// No readable answer: the portal may have acted.
    Unknown,
    /// Refused before the portal looked at the key (not signed in, 401, 429, never sent):
    /// what earlier attempts did stays as unknown as it was.
    SaysNothing,
}

fn arrival(error: &ClientError) -> Arrival {
    match error {
        ClientError::Network(_)
        | ClientError::Timeout
        | ClientError::Server { .. }
        | ClientError::Malformed { .. } => Arrival::Unknown,
        ClientError::Conflict { problem } if problem.code == ErrorCode::IdempotencyInFlight => {
            Arrival::Unknown
        }
        ClientError::Unreachable(_)
        | ClientError::RateLimited { .. }
        | ClientError::Unauthorized { .. }
        | ClientError::NotSignedIn => Arrival::SaysNothing,
        ClientError::Validation { .. }
        | ClientError::NotFound { .. }
        | ClientError::Conflict { .. } => Arrival::Refused,
    }
}

/// How one item's send ended.
enum ItemSend {
    Sent(SentItem),
    /// Transient: back off until `until`.
    Retry {
        until: DateTime<Utc>,
        offline: bool,
    },
    /// The session ended (or the item is sealed without its key): the queue is paused.
    Paused,
    /// The item needs the person: refused by the portal (`refused`), or it could not be
    /// built here (a missing attachment copy, an application never created).
    Attention {
        refused: bool,
    },
}

/// Reasons an item cannot be built that pass by themselves (the staff member signs in
/// again), unlike a missing attachment copy, which never comes back.
const PASSING_BUILD_REASONS: [&str; 2] = ["store", "sealed_without_key"];

/// How often, and how long apart, a discard that must resend an item looks for the sender
/// lock held by a running drain (the app's background drain holds it ten seconds at most).
const DISCARD_LOCK_TRIES: u32 = 75;
const DISCARD_LOCK_PAUSE: std::time::Duration = std::time::Duration::from_millis(200);

/// What to do with an item after a failed send.
enum Verdict {
    RetryLater(Option<std::time::Duration>),
    PauseForAuth,
    NeedsAttention,
}

fn verdict(error: &ClientError, now: DateTime<Utc>) -> Verdict {
    match error {
        ClientError::Network(_)
        | ClientError::Unreachable(_)
        | ClientError::Timeout
        | ClientError::Malformed { .. } => Verdict::RetryLater(None),
        ClientError::RateLimited { retry_after } | ClientError::Server { retry_after, .. } => {
            Verdict::RetryLater(retry_after.map(|wait| wait.duration_from(now)))
        }
        ClientError::Conflict { problem } if problem.code == ErrorCode::IdempotencyInFlight => {
            Verdict::RetryLater(None)
        }
        ClientError::Unauthorized { .. } | ClientError::NotSignedIn => Verdict::PauseForAuth,
        ClientError::Validation { .. }
        | ClientError::NotFound { .. }
        | ClientError::Conflict { .. } => Verdict::NeedsAttention,
    }
}

/// The durable submission queue of one profile.
pub struct SubmissionQueue {
    outbox: Outbox,
    purge_after_ack: std::sync::atomic::AtomicBool,
    /// Set for work done for a citizen on a shared device: items and staged files are sealed
    /// with it at rest.
    key: std::sync::RwLock<Option<QueueKey>>,
    progress: std::sync::Mutex<Option<ProgressListener>>,
    profile_dir: PathBuf,
    clock: Arc<dyn Clock>,
    backoff: BackoffPolicy,
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

    fn key(&self) -> Option<QueueKey> {
        self.key
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Seals the payloads of items about to be stored, if this queue has a key.
    fn sealed(&self, mut items: Vec<NewItem>) -> Result<Vec<NewItem>, QueueError> {
        if let Some(key) = self.key() {
            for item in &mut items {
                item.payload = item.payload.seal(item.id, &key)?;
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

    /// Where staged attachments are kept, by content hash.
    pub fn attachment_path(&self, sha256: &str) -> PathBuf {
        self.profile_dir.join("attachments").join(sha256)
    }

    /// Copies `path` into the attachment store under its SHA-256, durably, and describes it.
    pub fn stage_attachment(
        &self,
        path: &Path,
        requirement_id: Option<String>,
    ) -> Result<StagedAttachment, QueueError> {
        let io_error = |source| QueueError::Attachment {
            path: path.to_owned(),
            source,
        };
        let size = std::fs::metadata(path).map_err(io_error)?.len();
        let max = MAX_ATTACHMENT_BYTES as u64;
        if size > max {
            return Err(QueueError::AttachmentTooLarge {
                path: path.to_owned(),
                size,
                max,
            });
        }
        let store = self.profile_dir.join("attachments");
        let temporary = store.join(format!(".incoming-{}", Uuid::now_v7()));
        if self.key().is_some() {
            // Sealed files never touch the disk in the clear: read (at most 20 MiB), then seal.
            let plain = zeroize::Zeroizing::new(std::fs::read(path).map_err(io_error)?);
            return self.stage_bytes(
                &plain,
                path.file_name().and_then(|name| name.to_str()),
                requirement_id,
            );
        }
        let mut source = File::open(path).map_err(io_error)?;
        let mut copy = crate::session::create_private_file(&temporary).map_err(io_error)?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0_u8; 64 * 1024];
        loop {
            let read = source.read(&mut buffer).map_err(io_error)?;
            if read == 0 {
                break;
            }
            hasher.update(&buffer[..read]);
            copy.write_all(&buffer[..read]).map_err(io_error)?;
        }
        copy.sync_all().map_err(io_error)?;
        drop(copy);
        let sha256 = hex::encode(hasher.finalize());
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        self.finish_staging(
            path,
            &store,
            &temporary,
            sha256,
            size,
            file_name,
            requirement_id,
        )
    }

    /// Copies a file held in memory (picked in the app) into the attachment store, as
    /// [`SubmissionQueue::stage_attachment`] does with a file on disk: sealed when this queue
    /// has a key, so its bytes are never written in the clear.
    pub fn stage_bytes(
        &self,
        bytes: &[u8],
        file_name: Option<&str>,
        requirement_id: Option<String>,
    ) -> Result<StagedAttachment, QueueError> {
        let shown = PathBuf::from(file_name.unwrap_or("file"));
        let io_error = |source| QueueError::Attachment {
            path: shown.clone(),
            source,
        };
        let size = bytes.len() as u64;
        let max = MAX_ATTACHMENT_BYTES as u64;
        if size > max {
            return Err(QueueError::AttachmentTooLarge {
                path: shown,
                size,
                max,
            });
        }
        let store = self.profile_dir.join("attachments");
        crate::session::private_dir(&store).map_err(io_error)?;
        let temporary = store.join(format!(".incoming-{}", Uuid::now_v7()));
        let sha256 = hex::encode(Sha256::digest(bytes));
        let mut copy = crate::session::create_private_file(&temporary).map_err(io_error)?;
        match self.key() {
            Some(key) => copy.write_all(&key.seal(sha256.as_bytes(), bytes)),
            None => copy.write_all(bytes),
        }
        .map_err(io_error)?;
        copy.sync_all().map_err(io_error)?;
        drop(copy);
        self.finish_staging(
            &shown,
            &store,
            &temporary,
            sha256,
            size,
            file_name.map(str::to_owned),
            requirement_id,
        )
    }

    /// Moves a staged copy into place under its hash, durably, and describes it.
    #[allow(clippy::too_many_arguments)]
    fn finish_staging(
        &self,
        path: &Path,
        store: &Path,
        temporary: &Path,
        sha256: String,
        size: u64,
        file_name: Option<String>,
        requirement_id: Option<String>,
    ) -> Result<StagedAttachment, QueueError> {
        let io_error = |source| QueueError::Attachment {
            path: path.to_owned(),
            source,
        };
        let target = store.join(&sha256);
        if target.exists() {
            std::fs::remove_file(temporary).map_err(io_error)?;
        } else {
            std::fs::rename(temporary, &target).map_err(io_error)?;
        }
        // The directory entry must be durable before the item that refers to it commits.
        File::open(store)
            .and_then(|dir| dir.sync_all())
            .map_err(io_error)?;
        let content_type = mime_guess::from_path(file_name.as_deref().unwrap_or_default())
            .first_or_octet_stream()
            .essence_str()
            .to_owned();
        Ok(StagedAttachment {
            sha256,
            size,
            content_type,
            file_name,
            requirement_id,
        })
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
        let (mut items, refs) = Self::upload_items(files);
        let upload_ids: Vec<Uuid> = items.iter().map(|item| item.id).collect();
        application.attachments.extend(refs);
        let item_id = Uuid::now_v7();
        items.push(NewItem {
            id: item_id,
            payload: ItemPayload::CreateApplication { application },
            depends_on: upload_ids.clone(),
            bytes_total: 0,
        });
        let now = self.clock.now();
        let items = self.sealed(items)?;
        self.outbox.write(|tx| outbox::insert(tx, &items, now))?;
        Ok(Enqueued {
            item_id,
            upload_ids,
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
            ItemSend::Attention { refused: true } => Ok(None),
            ItemSend::Attention { refused: false } => {
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
            ItemSend::Retry { .. } | ItemSend::Paused => {
                restore()?;
                Err(QueueError::MustSendFirst(id))
            }
        }
    }

    /// Tries to become the profile's one sender. `None` when another sender (in this or
    /// another process) holds the lock. On success, items a dead sender left in `sending`
    /// go back to `queued`.
    pub fn try_lock_sender(&self) -> Result<Option<SenderLock>, QueueError> {
        let path = self.profile_dir.join("sender.lock");
        crate::session::ensure_private_file(&path).map_err(QueueError::Lock)?;
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(QueueError::Lock)?;
        if !FileExt::try_lock_exclusive(&file).map_err(QueueError::Lock)? {
            return Ok(None);
        }
        let now = self.clock.now();
        self.outbox
            .read(|conn| outbox::recover_sending(conn, now))?;
        Ok(Some(SenderLock { file }))
    }

    /// When the next queued item (in `scope`, if given) becomes due; `None` if nothing can be
    /// sent without the person's action.
    pub fn earliest_due(
        &self,
        scope: Option<&[Uuid]>,
    ) -> Result<Option<DateTime<Utc>>, QueueError> {
        Ok(self.outbox.read(|conn| outbox::earliest_due(conn, scope))?)
    }

    /// Deletes the stored copy of a file once no unsent upload needs it.
    fn forget_file(&self, sha256: &str) -> Result<(), QueueError> {
        if self
            .outbox
            .read(|conn| outbox::file_still_needed(conn, sha256))?
        {
            return Ok(());
        }
        let path = self.attachment_path(sha256);
        match std::fs::remove_file(&path) {
            Err(source) if source.kind() != std::io::ErrorKind::NotFound => {
                Err(QueueError::Attachment { path, source })
            }
            _ => Ok(()),
        }
    }

    fn build_request(&self, item: &QueueItem) -> Result<OutboundRequest, Reason> {
        let resolve = |target: ApplicationTarget| -> Result<Uuid, Reason> {
            match target {
                ApplicationTarget::Application { application_id } => Ok(application_id),
                ApplicationTarget::QueuedItem { item_id } => {
                    let parent = self
                        .item(item_id)
                        .map_err(|error| Reason::local("store", error.to_string()))?;
                    parent
                        .and_then(|parent| parent.application_id)
                        .ok_or_else(|| {
                            Reason::local(
                                "parent_not_created",
                                format!("the application of queue item {item_id} was not created"),
                            )
                        })
                }
            }
        };
        Ok(match &item.payload {
            ItemPayload::UploadAttachment {
                sha256,
                content_type,
                file_name,
                ..
            } => {
                let mut bytes = std::fs::read(self.attachment_path(sha256)).map_err(|error| {
                    Reason::local(
                        "attachment_missing",
                        format!("the stored copy of the attachment is gone: {error}"),
                    )
                })?;
                if let Some(key) = self.key() {
                    bytes = key
                        .open(sha256.as_bytes(), &bytes)
                        .map_err(|error| Reason::local("attachment_sealed", error.to_string()))?;
                }
                let listener = self
                    .progress
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .clone();
                let total = bytes.len() as u64;
                let item_id = item.id;
                OutboundRequest::Upload {
                    bytes,
                    content_type: content_type.clone(),
                    file_name: file_name.clone(),
                    progress: listener.map(|listener| {
                        UploadProgress::new(move |sent| listener(item_id, sent, total))
                    }),
                }
            }
            ItemPayload::CreateApplication { application } => {
                OutboundRequest::Create(application.clone())
            }
            ItemPayload::Supplement { target, supplement } => OutboundRequest::Supplement {
                application_id: resolve(*target)?,
                body: supplement.clone(),
            },
            ItemPayload::DeliveryChange { target, delivery } => OutboundRequest::DeliveryChange {
                application_id: resolve(*target)?,
                body: delivery.clone(),
            },
            ItemPayload::Withdraw { target, request } => OutboundRequest::Withdraw {
                application_id: resolve(*target)?,
                body: request.clone(),
            },
            ItemPayload::Rating { target, rating } => OutboundRequest::Rating {
                application_id: resolve(*target)?,
                body: rating.clone(),
            },
            ItemPayload::Sealed { .. } => {
                return Err(Reason::local(
                    "sealed_without_key",
                    "this item is encrypted; the staff member who queued it must sign in",
                ));
            }
        })
    }

    /// Sends ready items one by one, in queue order, until nothing is ready, a transient
    /// failure asks to back off, or authentication fails. With `scope`, only those items.
    pub async fn send_pass<T: Transport>(
        &self,
        _lock: &SenderLock,
        transport: &T,
        scope: Option<&[Uuid]>,
    ) -> Result<PassReport, QueueError> {
        let mut report = PassReport {
            sent: Vec::new(),
            needs_attention: Vec::new(),
            retried: 0,
            went_offline: false,
            end: PassEnd::Idle,
        };
        loop {
            if self.is_paused()? {
                report.end = PassEnd::PausedAuth;
                return Ok(report);
            }
            let now = self.clock.now();
            let Some(item) = self
                .outbox
                .read(|conn| outbox::next_ready(conn, now, scope))?
            else {
                report.end = match self.earliest_due(scope)? {
                    Some(until) => PassEnd::BackingOff { until },
                    None => PassEnd::Idle,
                };
                return Ok(report);
            };
            if !self
                .outbox
                .read(|conn| outbox::mark_sending(conn, item.id, now))?
            {
                continue;
            }
            match self.send_item(&item, transport).await? {
                ItemSend::Sent(sent) => report.sent.push(sent),
                ItemSend::Attention { .. } => report.needs_attention.push(item.id),
                ItemSend::Retry { until, offline } => {
                    report.retried += 1;
                    report.went_offline = offline;
                    // A transient failure is about the line to the portal, not the item: stop
                    // here and let the caller wait, instead of trying every other item against
                    // a server that is down.
                    report.end = PassEnd::BackingOff { until };
                    return Ok(report);
                }
                ItemSend::Paused => {
                    report.end = PassEnd::PausedAuth;
                    return Ok(report);
                }
            }
        }
    }

    /// Sends one item that was just marked `sending` (`item` is as it was read before) and
    /// stores the outcome: sent with the server's answer, back in line with a back-off, paused
    /// for sign-in, or needing attention. Whether the portal may have the item is kept with
    /// it: set by an attempt without a readable answer, cleared by one the portal answered.
    async fn send_item<T: Transport>(
        &self,
        item: &QueueItem,
        transport: &T,
    ) -> Result<ItemSend, QueueError> {
        let now = self.clock.now();
        let item = self.opened(item.clone());
        // Until it is sent now, the item may have arrived exactly as much as before.
        let unchanged = |reason| outbox::Attempt {
            reason,
            may_have_arrived: item.may_have_arrived,
        };
        if matches!(item.payload, ItemPayload::Sealed { .. }) {
            // Without the key nothing can be sent; the staff member signs in again.
            let reason = Reason::local(
                "sealed_without_key",
                "this item is encrypted; the staff member who queued it must sign in",
            );
            self.outbox
                .read(|conn| outbox::pause_for_auth(conn, item.id, unchanged(&reason), now))?;
            return Ok(ItemSend::Paused);
        }
        let request = match self.build_request(&item) {
            Ok(request) => request,
            Err(reason) => {
                self.outbox
                    .read(|conn| outbox::mark_attention(conn, item.id, unchanged(&reason), now))?;
                return Ok(ItemSend::Attention { refused: false });
            }
        };
        let outcome = transport.deliver(item.id, request).await;
        let now = self.clock.now();
        let error = match outcome {
            Ok(answer) => return self.store_answer(&item, answer, now).map(ItemSend::Sent),
            Err(error) => error,
        };
        let reason = Reason::from_client_error(&error);
        let attempt = outbox::Attempt {
            reason: &reason,
            may_have_arrived: match arrival(&error) {
                Arrival::Refused => false,
                Arrival::Unknown => true,
                Arrival::SaysNothing => item.may_have_arrived,
            },
        };
        Ok(match verdict(&error, now) {
            Verdict::RetryLater(server_wait) => {
                let attempts = item.attempts.saturating_add(1);
                let wait = self.backoff.delay(attempts, server_wait);
                let until = saturating_after(now, wait);
                self.outbox.read(|conn| {
                    outbox::schedule_retry(conn, item.id, attempts, until, attempt, now)
                })?;
                ItemSend::Retry {
                    until,
                    offline: error.is_offline(),
                }
            }
            Verdict::PauseForAuth => {
                self.outbox
                    .read(|conn| outbox::pause_for_auth(conn, item.id, attempt, now))?;
                ItemSend::Paused
            }
            Verdict::NeedsAttention => {
                self.outbox
                    .read(|conn| outbox::mark_attention(conn, item.id, attempt, now))?;
                ItemSend::Attention { refused: true }
            }
        })
    }

    /// Commits an item as sent with the server's answer (on a shared device only its
    /// receipt, see [`SubmissionQueue::set_purge_after_ack`]).
    fn store_answer(
        &self,
        item: &QueueItem,
        answer: ServerAnswer,
        now: DateTime<Utc>,
    ) -> Result<SentItem, QueueError> {
        let purge = self
            .purge_after_ack
            .load(std::sync::atomic::Ordering::Relaxed);
        let (application, result) = match &answer {
            ServerAnswer::Attachment(attachment) if purge => {
                (None, serde_json::json!({ "id": attachment.id }))
            }
            ServerAnswer::Attachment(attachment) => (
                None,
                serde_json::to_value(attachment).map_err(StoreError::from)?,
            ),
            ServerAnswer::Application(application) => (
                Some((application.id, application.code.clone())),
                if purge {
                    serde_json::json!({ "id": application.id, "code": application.code })
                } else {
                    serde_json::to_value(application).map_err(StoreError::from)?
                },
            ),
        };
        let redacted = purge.then(|| item.payload.redacted());
        self.outbox.read(|conn| {
            outbox::mark_sent(
                conn,
                item.id,
                application.as_ref().map(|(id, code)| (*id, code.as_str())),
                &result,
                redacted.as_ref(),
                now,
            )
        })?;
        if purge && let ItemPayload::UploadAttachment { sha256, .. } = &item.payload {
            self.forget_file(sha256)?;
        }
        Ok(SentItem {
            id: item.id,
            kind: item.kind(),
            answer,
        })
    }
}
