//! The item model: what the outbox stores for each queued change, its states, and why an item
//! waits. It knows neither the store nor the client; both build on it.

use chrono::{DateTime, Utc};
use opendvc_api::{
    DeliveryChoice, FieldError, NewApplication, NewDocument, NewFeedback, NewSupplement, Rating,
    ReopenFeedback, WithdrawRequest,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::sealing::{QueueKey, SealError};

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
    /// A resident's feedback (`POST /v1/feedback`), after the uploads of its photos.
    FileFeedback,
    /// A rating of an answered or closed feedback item.
    RateFeedback,
    /// Reopening an answered or closed feedback item, once.
    ReopenFeedback,
    /// A document the resident typed into the wallet (`POST /v1/documents`).
    AddDocument,
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
            ItemKind::FileFeedback => "file_feedback",
            ItemKind::RateFeedback => "rate_feedback",
            ItemKind::ReopenFeedback => "reopen_feedback",
            ItemKind::AddDocument => "add_document",
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

/// The frozen payload of an item, stored as JSON at enqueue. (Not `Eq`: a feedback's place
/// holds coordinates.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// New feedback; its `photos` name the uploads it waits for (`sha256:{hex}`).
    FileFeedback {
        feedback: NewFeedback,
    },
    /// Follow-ups on a feedback item the portal has (only an answered or closed item, which
    /// the device knows from a sync, can be rated or reopened).
    RateFeedback {
        feedback_id: Uuid,
        rating: Rating,
    },
    ReopenFeedback {
        feedback_id: Uuid,
        request: ReopenFeedback,
    },
    /// A hand-added document for the portal's wallet. The wallet holds it meanwhile under
    /// the item's id; the portal's answer replaces it under the portal's id.
    AddDocument {
        document: NewDocument,
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
            ItemPayload::FileFeedback { .. } => ItemKind::FileFeedback,
            ItemPayload::RateFeedback { .. } => ItemKind::RateFeedback,
            ItemPayload::ReopenFeedback { .. } => ItemKind::ReopenFeedback,
            ItemPayload::AddDocument { .. } => ItemKind::AddDocument,
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
                    fee_case: None,
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
            ItemPayload::FileFeedback { feedback } => ItemPayload::FileFeedback {
                feedback: NewFeedback {
                    category: feedback.category.clone(),
                    description: String::new(),
                    photos: Vec::new(),
                    place: None,
                    application_id: None,
                },
            },
            ItemPayload::RateFeedback {
                feedback_id,
                rating,
            } => ItemPayload::RateFeedback {
                feedback_id: *feedback_id,
                rating: Rating {
                    stars: rating.stars,
                    comment: None,
                },
            },
            ItemPayload::ReopenFeedback { feedback_id, .. } => ItemPayload::ReopenFeedback {
                feedback_id: *feedback_id,
                request: ReopenFeedback {
                    reason: String::new(),
                },
            },
            // Only the kind of document stays: not its number, dates or issuer.
            ItemPayload::AddDocument { document } => ItemPayload::AddDocument {
                document: NewDocument {
                    kind: document.kind.clone(),
                    number: String::new(),
                    issued_on: chrono::NaiveDate::MIN,
                    expires_on: None,
                    issuer: String::new(),
                    classes: Vec::new(),
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
    pub(super) fn seal(&self, id: Uuid, key: &QueueKey) -> Result<ItemPayload, serde_json::Error> {
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
    pub(super) fn open(self, id: Uuid, key: &QueueKey) -> Result<ItemPayload, SealError> {
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
            ItemPayload::UploadAttachment { .. }
            | ItemPayload::CreateApplication { .. }
            | ItemPayload::FileFeedback { .. }
            | ItemPayload::RateFeedback { .. }
            | ItemPayload::ReopenFeedback { .. }
            | ItemPayload::AddDocument { .. } => None,
        }
    }
}

/// Why an item waits or needs attention: the server's problem, or a local reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reason {
    /// A stable code: a portal [`opendvc_api::ErrorCode`], a client error's code, or a local code
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
    /// person may discard it ([`SubmissionQueue::discard`](super::SubmissionQueue::discard)).
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

    /// Adds `other`'s counts to these (several queues counted together).
    pub fn add(&mut self, other: &QueueSummary) {
        self.queued += other.queued;
        self.sending += other.sending;
        self.sent += other.sent;
        self.needs_attention += other.needs_attention;
        self.discarded += other.discarded;
        self.paused_auth |= other.paused_auth;
    }
}

/// A follow-up on a feedback item the portal has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedbackFollowUp {
    Rating(Rating),
    Reopen(ReopenFeedback),
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
