//! The queue screen: each item of the durable outbox as the UI shows it, and what the queue's
//! actions (submit, follow-up, discard, drain) answer.

use std::collections::HashMap;

use opendvc_api::{Application, LocalizedText};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::i18n::Localizer;
use crate::queue::{
    DiscardOutcome, ItemEvent, ItemKind, ItemPayload, ItemState, QueueItem, QueueSummary, Reason,
    ServerAnswer,
};
use crate::views::text::localized;

/// Why a queue item needs the person: the portal's stable code and its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct QueueProblem {
    /// An `ErrorCode` of the portal, or a core code such as `file_missing`.
    pub code: String,
    pub message: String,
    /// Fields the portal refused, as `FieldError.field` paths.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

/// Bytes of an upload sent so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QueueProgress {
    pub sent: u64,
    pub total: u64,
}

/// What kind of change a queue item carries, as the UI names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "QueueKind"))]
#[serde(rename_all = "snake_case")]
pub enum QueueKindView {
    Application,
    Attachment,
    Supplement,
    DeliveryChange,
    Withdrawal,
    Rating,
    Feedback,
    FeedbackRating,
    FeedbackReopen,
    Document,
}

/// A queue item's state as the UI shows it: the core's state, except that unsent items read
/// `paused_auth` while the queue waits for the person to sign in again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "QueueState"))]
#[serde(rename_all = "snake_case")]
pub enum QueueStateView {
    Queued,
    Sending,
    Sent,
    NeedsAttention,
    PausedAuth,
}

/// One entry of the durable submission queue (outbox), as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "QueueItem"))]
#[serde(rename_all = "camelCase")]
pub struct QueueItemView {
    /// UUIDv7; also the `Idempotency-Key`.
    pub id: Uuid,
    pub kind: QueueKindView,
    pub state: QueueStateView,
    pub created_at: String,
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub next_attempt_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub problem: Option<QueueProblem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub progress: Option<QueueProgress>,
    /// A short summary made by the core, such as the procedure's name.
    pub summary: String,
    /// The application the item belongs to, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub application_id: Option<Uuid>,
}

/// Answer of `submit` and `follow_up`: the change is in the durable queue either way.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SubmitResult {
    pub item_id: Uuid,
    /// True when the portal acknowledged it before the command returned.
    pub sent: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub application: Option<Application>,
}

/// Answer of `queue_discard`. An item whose last answer was lost is sent once more before
/// it is discarded; when the portal turns out to have it, it is sent, not discarded, and the
/// screen says which application exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DiscardResult {
    /// False when the item had reached the portal after all.
    pub discarded: bool,
    /// The code of the application the portal made, for a submission it had.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub application_code: Option<String>,
}

/// What the Queue screen shows after a discard.
pub fn discard_result(outcome: &DiscardOutcome) -> DiscardResult {
    match outcome {
        DiscardOutcome::Discarded { .. } => DiscardResult {
            discarded: true,
            application_code: None,
        },
        DiscardOutcome::ReachedThePortal { sent } => DiscardResult {
            discarded: false,
            application_code: match &sent.answer {
                ServerAnswer::Application(application) => Some(application.code.clone()),
                ServerAnswer::Attachment(_)
                | ServerAnswer::FeedbackCreated(_)
                | ServerAnswer::Feedback(_)
                | ServerAnswer::Document(_) => None,
            },
        },
    }
}

/// The UI's kind of a queue item.
fn kind_view(kind: ItemKind) -> QueueKindView {
    match kind {
        ItemKind::UploadAttachment => QueueKindView::Attachment,
        ItemKind::CreateApplication => QueueKindView::Application,
        ItemKind::Supplement => QueueKindView::Supplement,
        ItemKind::DeliveryChange => QueueKindView::DeliveryChange,
        ItemKind::Withdraw => QueueKindView::Withdrawal,
        ItemKind::Rating => QueueKindView::Rating,
        ItemKind::FileFeedback => QueueKindView::Feedback,
        ItemKind::RateFeedback => QueueKindView::FeedbackRating,
        ItemKind::ReopenFeedback => QueueKindView::FeedbackReopen,
        ItemKind::AddDocument => QueueKindView::Document,
    }
}

/// What the shell needs to describe queue items: procedure names and upload progress.
#[derive(Debug)]
pub struct QueueContext<'a> {
    pub localizer: &'a Localizer,
    pub procedure_names: &'a HashMap<String, LocalizedText>,
    pub progress: &'a HashMap<Uuid, QueueProgress>,
    pub summary: &'a QueueSummary,
}

/// One queue item as the UI shows it; `None` for discarded items (the UI never lists them).
pub fn queue_item(item: &QueueItem, context: &QueueContext<'_>) -> Option<QueueItemView> {
    let unsent = item.state.is_unsent();
    let state = match item.state {
        ItemState::Discarded => return None,
        _ if unsent && context.summary.paused_auth && item.state != ItemState::NeedsAttention => {
            QueueStateView::PausedAuth
        }
        ItemState::Queued => QueueStateView::Queued,
        ItemState::Sending => QueueStateView::Sending,
        ItemState::Sent => QueueStateView::Sent,
        ItemState::NeedsAttention => QueueStateView::NeedsAttention,
    };
    let lang = context.localizer.lang();
    let summary = match &item.payload {
        ItemPayload::CreateApplication { application } => context
            .procedure_names
            .get(&application.procedure_id)
            .map(|name| localized(name, lang))
            .unwrap_or_else(|| application.procedure_id.clone()),
        ItemPayload::UploadAttachment {
            file_name: Some(name),
            ..
        } => name.clone(),
        payload => context.localizer.text(&format!(
            "queue-kind-{}",
            payload.kind().as_str().replace('_', "-")
        )),
    };
    let problem = item.reason.as_ref().map(|reason| {
        let id = format!("error-{}", reason.code.replace('_', "-"));
        let message = if context.localizer.has_message(lang, &id) {
            context.localizer.text(&id)
        } else {
            reason.detail.clone().unwrap_or_default()
        };
        QueueProblem {
            code: reason.code.clone(),
            message,
            fields: reason.errors.iter().map(|e| e.field.clone()).collect(),
        }
    });
    Some(QueueItemView {
        id: item.id,
        kind: kind_view(item.kind()),
        state,
        created_at: item.created_at.clone(),
        attempts: item.attempts,
        next_attempt_at: (item.state == ItemState::Queued)
            .then(|| item.next_attempt_at.to_rfc3339()),
        problem,
        progress: unsent
            .then(|| context.progress.get(&item.id).copied())
            .flatten(),
        summary,
        application_id: item.application_id,
    })
}

/// Whether a submission or follow-up reached the portal or waits on this device.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubmitOutcome {
    pub item_id: Uuid,
    pub upload_ids: Vec<Uuid>,
    pub state: ItemState,
    pub sent: bool,
    pub application_id: Option<Uuid>,
    pub application_code: Option<String>,
    pub reason: Option<Reason>,
}

// How a drain ended and what it did: defined beside the drain loop that returns them.
pub use crate::queue::{DrainEnd, DrainOutcome};

/// `opendvc queue`: the queue's counts and its items (discarded ones only when asked for).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueListView {
    pub summary: QueueSummary,
    pub items: Vec<QueueItem>,
}

/// `opendvc queue show`: one item with its state history.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueItemHistory {
    pub item: QueueItem,
    pub events: Vec<ItemEvent>,
}

/// `opendvc queue retry`: the item put back in line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueRetried {
    pub retried: Uuid,
}

/// `opendvc queue discard`: the item and those that waited for it discarded, or, when it had
/// reached the portal after all, the item sent with the application the portal made.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged, rename_all_fields = "camelCase")]
pub enum DiscardReport {
    Discarded {
        discarded: Uuid,
        affected: Vec<Uuid>,
    },
    Sent {
        sent: Uuid,
        application_id: Option<Uuid>,
        application_code: Option<String>,
        kind: ItemKind,
    },
}

/// What discarding `id` did; `item` is the item as it stands after it.
pub fn discard_report(
    id: Uuid,
    outcome: &DiscardOutcome,
    item: Option<&QueueItem>,
) -> DiscardReport {
    match outcome {
        DiscardOutcome::Discarded { affected } => DiscardReport::Discarded {
            discarded: id,
            affected: affected.clone(),
        },
        DiscardOutcome::ReachedThePortal { sent } => DiscardReport::Sent {
            sent: id,
            application_id: item.and_then(|item| item.application_id),
            application_code: item.and_then(|item| item.application_code.clone()),
            kind: sent.kind,
        },
    }
}
