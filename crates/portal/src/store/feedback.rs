//! Residents' feedback as stored: one row per item (its state as a JSON record, with the
//! columns the queues and figures select and sort on), its timeline (append-only), and its
//! photos (the bytes as stored after the EXIF location was stripped). A change is decided by
//! domain logic from the current record inside the store's transaction, like applications'.

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset};
use opendvc_api::{
    Feedback, FeedbackClock, FeedbackEvent, FeedbackFigures, FeedbackReporter, FeedbackStatus,
    InboxItem, LateWarning,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::StoreResult;
use super::idempotency::IdempotencyRecord;
use super::notifications::NewNotice;
use crate::error::ApiError;

/// The key a stopped (closed) item sorts under in the queue: after every running clock.
pub const STOPPED_KEY: i64 = i64::MAX / 2;

/// A feedback item as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackRecord {
    /// The resident who filed it (`None` for an item filed through Open311 without one).
    pub citizen_id: Option<Uuid>,
    /// As its reporter sees it; `timeline` is read from the timeline table.
    pub feedback: Feedback,
    pub agency_id: String,
    /// The commune-level unit whose office handles it, when the agency is commune-level.
    pub unit_code: Option<String>,
    /// The officer (code) who has it.
    pub assigned_to: Option<String>,
    pub reporter: FeedbackReporter,
    /// Whether the resident reopened it already (once only).
    pub reopened: bool,
    /// When its clocks started: receipt, or the reopening.
    pub clock_started: DateTime<FixedOffset>,
}

impl FeedbackRecord {
    /// The clock running now: the answer clock until the first answer, then the resolve clock,
    /// none once closed.
    pub fn clock(&self) -> FeedbackClock {
        match self.feedback.status {
            FeedbackStatus::Closed => FeedbackClock::Stopped,
            _ if self.feedback.answered_at.is_some() => FeedbackClock::Resolve,
            _ => FeedbackClock::Answer,
        }
    }

    /// The running clock's deadline; `None` when stopped.
    pub fn deadline(&self) -> Option<DateTime<FixedOffset>> {
        match self.clock() {
            FeedbackClock::Answer => Some(self.feedback.due_at),
            FeedbackClock::Resolve => Some(self.feedback.resolve_by),
            FeedbackClock::Stopped | FeedbackClock::Unknown => None,
        }
    }

    /// What the queue sorts on: the deadline in unix seconds, [`STOPPED_KEY`] when stopped.
    pub fn queue_key(&self) -> i64 {
        self.deadline()
            .map_or(STOPPED_KEY, |deadline| deadline.timestamp())
    }
}

/// A photo's bytes as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackPhotoFile {
    /// `sha256:{hex}` of `content`.
    pub id: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// A change decided from the current record.
#[derive(Debug, Clone)]
pub struct FeedbackChange {
    /// The record after the change (its timeline is ignored: `events` are appended).
    pub record: FeedbackRecord,
    /// Timeline entries to append, in order (`seq` is given by the store).
    pub events: Vec<FeedbackEvent>,
    /// Items for the reporter's inbox.
    pub inbox: Vec<InboxItem>,
    /// Photos the change adds (an answer's).
    pub photos: Vec<FeedbackPhotoFile>,
    /// SMS and e-mail the change sends (an answer's notice to its reporter), written in its
    /// transaction.
    pub notices: Vec<NewNotice>,
}

/// Domain logic deciding a change from the current record, run inside the transaction.
pub type FeedbackDecision =
    Box<dyn FnOnce(&FeedbackRecord) -> Result<FeedbackChange, ApiError> + Send>;

/// Which items an officer's queue page holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedbackQueueFilter {
    /// Only this agency's (`None`: every agency, a city-wide supervisor).
    pub agency: Option<String>,
    /// Only this unit's (a commune-level officer).
    pub unit: Option<String>,
    pub status: Option<FeedbackStatus>,
    pub category: Option<String>,
    /// Only items not closed.
    pub open_only: bool,
    /// Items after this position (queue key, id).
    pub after: Option<(i64, Uuid)>,
    pub limit: u32,
}

/// Which items Open311's public list (`GET /open311/v2/requests.json`) holds, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicFeedbackFilter {
    pub category: Option<String>,
    /// Submitted at or after (unix seconds).
    pub from: i64,
    /// Submitted at or before (unix seconds).
    pub to: i64,
    /// `Some(true)`: only closed items; `Some(false)`: only items not closed.
    pub closed: Option<bool>,
    pub limit: u32,
}

/// A queue page: the items and how many match without the page.
#[derive(Debug, Clone, Default)]
pub struct FeedbackQueueRows {
    pub items: Vec<FeedbackRecord>,
    pub total: u64,
}

/// The stored status's wire name.
pub fn status_str(status: FeedbackStatus) -> &'static str {
    match status {
        FeedbackStatus::Received => "received",
        FeedbackStatus::Assigned => "assigned",
        FeedbackStatus::Answered => "answered",
        FeedbackStatus::Closed => "closed",
        FeedbackStatus::Reopened => "reopened",
        FeedbackStatus::Unknown => "unknown",
    }
}

/// Residents' feedback.
#[async_trait]
pub trait FeedbackStore: Send + Sync {
    /// Inserts a new item with its first timeline entries and its photos, enters it in the
    /// reporter's change log, and stores the idempotency record (its body the
    /// `FeedbackCreated`), all in one transaction: a refused record leaves nothing.
    async fn create_feedback(
        &self,
        record: &FeedbackRecord,
        photos: &[FeedbackPhotoFile],
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<FeedbackRecord>;
    /// The item with its timeline.
    async fn feedback(&self, id: Uuid) -> StoreResult<Option<FeedbackRecord>>;
    /// The resident's items, newest first.
    async fn citizen_feedback(&self, citizen_id: Uuid) -> StoreResult<Vec<FeedbackRecord>>;
    /// Applies the change `decide` computes from the current record, in one transaction with
    /// the idempotency record (its body the `Feedback` after the change). Two changes of one
    /// item never interleave (SQLite: one writer; PostgreSQL: the item's row `FOR UPDATE`).
    /// 404 when no such item.
    async fn change_feedback(
        &self,
        id: Uuid,
        decide: FeedbackDecision,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<FeedbackRecord>;
    /// A photo of the item (one it was filed with or an answer's).
    async fn feedback_photo(
        &self,
        feedback_id: Uuid,
        photo_id: &str,
    ) -> StoreResult<Option<FeedbackPhotoFile>>;
    /// A page of the officers' queue, sorted by the running clock's deadline, then id.
    async fn feedback_queue(&self, filter: &FeedbackQueueFilter) -> StoreResult<FeedbackQueueRows>;
    /// Open311's public list: the items matching `filter`, newest first (by submission time,
    /// then id), at most `filter.limit`.
    async fn public_feedback(
        &self,
        filter: &PublicFeedbackFilter,
    ) -> StoreResult<Vec<FeedbackRecord>>;
    /// The overview's figures per agency at `now`: first answers on time and late since
    /// `since` (unix seconds), against the deadline they answered to (a reopening clears the
    /// answer, not the first answer's time), items not answered, and of those the ones past
    /// `dueAt`.
    async fn feedback_figures(
        &self,
        since: i64,
        now: i64,
    ) -> StoreResult<Vec<(String, FeedbackFigures)>>;
}

/// The body stored with a new item's idempotency record: what `POST /v1/feedback` answers.
pub fn created_body(record: &FeedbackRecord) -> StoreResult<String> {
    Ok(serde_json::to_string(&opendvc_api::FeedbackCreated {
        id: record.feedback.id,
        status: record.feedback.status,
        due_at: record.feedback.due_at,
        resolve_by: record.feedback.resolve_by,
    })?)
}

/// The record as its JSON column holds it: without the timeline, which has its own table.
pub fn record_json(record: &FeedbackRecord) -> StoreResult<serde_json::Value> {
    let mut stored = record.clone();
    stored.feedback.timeline.clear();
    Ok(serde_json::to_value(&stored)?)
}

/// Figures from the counting query's rows.
pub fn figures(rows: Vec<(String, i64, i64, i64, i64)>) -> Vec<(String, FeedbackFigures)> {
    let count = |value: i64| u64::try_from(value).unwrap_or(0);
    rows.into_iter()
        .map(|(agency, on_time, late, open, overdue)| {
            (
                agency,
                FeedbackFigures {
                    answered_on_time: count(on_time),
                    answered_late: count(late),
                    open: count(open),
                    open_overdue: count(overdue),
                },
            )
        })
        .collect()
}

/// A warning about a feedback item's running clock to record, with what it sends.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFeedbackWarning {
    pub feedback_id: Uuid,
    /// The clock, the stage and when the clock started (`answer:at_risk:1765000000`): once
    /// each per stage of each clock run, a reopening starting fresh ones.
    pub stage: String,
    pub warning: LateWarning,
    /// The staff codes told.
    pub told: Vec<String>,
    /// The SMS and e-mail to the staff told.
    pub notices: Vec<NewNotice>,
}

/// An item whose clock runs, with the stages already warned of.
#[derive(Debug, Clone, PartialEq)]
pub struct WarningCandidate {
    pub record: FeedbackRecord,
    pub warned: Vec<String>,
}

/// The early warnings about feedback clocks.
#[async_trait]
pub trait FeedbackWarningStore: Send + Sync {
    /// Items not closed that are due to be looked at by `now` (unix seconds): their next
    /// warning point, set by [`FeedbackWarningStore::schedule_feedback_warning`], has passed,
    /// or they changed since (a change sets it to 0), with the stages warned of. Selected on
    /// an index of the next warning point: the work is bounded by what is due, not by the
    /// open items.
    async fn feedback_warning_candidates(&self, now: i64) -> StoreResult<Vec<WarningCandidate>>;
    /// Sets when item `id` is looked at next (unix seconds; [`STOPPED_KEY`]: not again until it
    /// changes), unless it changed since it was read with queue key `queue_key` (its running
    /// clock's deadline; a change that moves a clock moves it).
    async fn schedule_feedback_warning(
        &self,
        id: Uuid,
        queue_key: i64,
        next: i64,
    ) -> StoreResult<()>;
    /// Records the warning unless its stage was recorded already (then `false` and nothing is
    /// written), with its messages, in one transaction (SQLite: one writer; PostgreSQL: the
    /// insert `ON CONFLICT DO NOTHING` on the stage's key, the loser writing no message).
    async fn record_feedback_warning(&self, warning: &NewFeedbackWarning) -> StoreResult<bool>;
    /// The warnings about item `id`, oldest first.
    async fn feedback_warnings(&self, id: Uuid) -> StoreResult<Vec<LateWarning>>;
}
