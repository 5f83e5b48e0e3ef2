//! Residents' feedback (phản ánh, kiến nghị) to the city's operations centre.
//!
//! A resident files an item (`POST /v1/feedback`, with an `Idempotency-Key` like an
//! application) in one of the city's services — the Open311 `service_code`s of
//! `GET /v1/feedback/services` — and follows it: `received` (routed to an agency by category
//! and commune-level unit), `assigned` (an officer has it), `answered` (a first answer saying
//! what will happen and who handles it), `closed` (resolved), `reopened` (the resident said the
//! answer did not resolve it; once). Two clocks run from receipt, both data per service:
//! the first answer is due within hours around the clock (`dueAt`: the operations centre runs
//! 24/7), the resolution within working days on the portal's working calendar (`resolveBy`:
//! the end of working hours of the last working day, counted from the next working day).
//! Feedback travels in `/v1/sync` (`SyncResponse.feedback`) and `/v1/events`
//! (`PushEventKind::Feedback`) like applications.
//!
//! The officer side (`/v1/officer/feedback…`) sees the items of its agency (a city-wide
//! supervisor all), sorted by time left on the running clock.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    Actor, Address, AgencyContact, LateWarning, LocalizedText, OfficerRef, Rating, Urgency,
};

/// Most photos one feedback item carries (the answer may add one more).
pub const MAX_FEEDBACK_PHOTOS: usize = 3;

/// The longest edge, in pixels, of a photo the app uploads; the app resizes before upload.
pub const FEEDBACK_PHOTO_MAX_EDGE: u32 = 1600;

/// Longest description or answer, in characters.
pub const MAX_FEEDBACK_TEXT_CHARS: usize = 4000;

/// `GET /v1/feedback/services`: one service (category) feedback can be filed in. The same
/// list is Open311's `services.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeedbackService {
    /// The Open311 `service_code`, e.g. `environment`, `digital_help`.
    pub code: String,
    pub name: LocalizedText,
    pub description: LocalizedText,
    /// Hours, around the clock, within which the first answer is due.
    pub answer_hours: u32,
    /// Working days within which the agency resolves it.
    pub resolve_working_days: u32,
}

/// `GET /v1/feedback/services`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeedbackServices {
    pub services: Vec<FeedbackService>,
}

/// Where the matter is: an address with its commune-level unit, or a point, or both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeedbackPlace {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub address: Option<Address>,
    /// WGS 84 latitude, −90 to 90.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub lat: Option<f64>,
    /// WGS 84 longitude, −180 to 180.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub long: Option<f64>,
    /// The reporter chose to share the place: the photos keep their location and the public
    /// Open311 list shows the point. Without it, photos lose their EXIF location on upload and
    /// the public list shows only the commune-level unit.
    #[serde(default)]
    pub share: bool,
}

/// `POST /v1/feedback` (with an `Idempotency-Key`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NewFeedback {
    /// A service `code` (Open311 `service_code`).
    pub category: String,
    pub description: String,
    /// Ids (`sha256:{hex}`) of images uploaded with `POST /v1/attachments`, at most
    /// [`MAX_FEEDBACK_PHOTOS`].
    #[serde(default)]
    pub photos: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub place: Option<FeedbackPlace>,
    /// One of the resident's applications it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub application_id: Option<Uuid>,
}

/// Where a feedback item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FeedbackStatus {
    /// Filed and routed to an agency; no officer has it yet.
    Received,
    /// An officer of the agency has it.
    Assigned,
    /// The first answer is given; the agency is resolving it.
    Answered,
    /// Resolved; the resident may rate it, and reopen it once.
    Closed,
    /// The resident reopened it: it is back in the agency's queue with fresh clocks.
    Reopened,
    /// A status this client does not know yet. Never sent by a portal.
    #[serde(other)]
    Unknown,
}

impl FeedbackStatus {
    /// Whether the item still needs the city's work (Open311 `open`).
    pub fn is_open(self) -> bool {
        !matches!(self, FeedbackStatus::Closed)
    }
}

/// Where a feedback item came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FeedbackChannel {
    /// The OpenDVC app (`POST /v1/feedback`).
    App,
    /// An Open311 client (`POST /open311/v2/requests.json`).
    Open311,
    /// A channel this client does not know yet. Never sent by a portal.
    #[serde(other)]
    Unknown,
}

/// What happened, in a feedback item's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FeedbackEventKind {
    Received,
    /// Routed or reassigned to an agency (`agency`) or an officer.
    Assigned,
    /// Handed to another agency by an officer, with a note; the clocks keep running.
    HandedOff,
    /// An answer (`note`, maybe `photo`).
    Answered,
    Closed,
    Reopened,
    Rated,
    /// A kind this client does not know yet. Never sent by a portal.
    #[serde(other)]
    Unknown,
}

/// One entry of a feedback item's timeline (append-only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeedbackEvent {
    /// Position in the timeline, from 1.
    pub seq: u32,
    pub kind: FeedbackEventKind,
    pub at: DateTime<FixedOffset>,
    pub actor: Actor,
    /// The answer, the hand-off note, the reason to reopen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub note: Option<String>,
    /// An answer's photo (an id of `photos`' kind, readable like them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub photo: Option<String>,
    /// The agency it was routed, reassigned or handed to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub agency: Option<AgencyContact>,
}

/// A photo of a feedback item, readable by its reporter
/// (`GET /v1/feedback/{id}/photos/{photoId}`) and by officers
/// (`GET /v1/officer/feedback/{id}/photos/{photoId}`), by no one else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeedbackPhoto {
    /// `sha256:{hex}` of the stored bytes (after the EXIF location was stripped, if it was).
    pub id: String,
    pub content_type: String,
    pub size: u64,
}

/// A feedback item as its reporter sees it (`GET /v1/feedback/{id}`, sync).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Feedback {
    pub id: Uuid,
    pub category: String,
    pub description: String,
    pub photos: Vec<FeedbackPhoto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub place: Option<FeedbackPlace>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub application_id: Option<Uuid>,
    pub channel: FeedbackChannel,
    pub status: FeedbackStatus,
    pub submitted_at: DateTime<FixedOffset>,
    /// The first answer is due by then (around the clock).
    pub due_at: DateTime<FixedOffset>,
    /// The agency resolves it by then (end of working hours on a working day).
    pub resolve_by: DateTime<FixedOffset>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub answered_at: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub closed_at: Option<DateTime<FixedOffset>>,
    /// The agency handling it now.
    pub agency: AgencyContact,
    /// The latest answer, for a list row; every answer is in `timeline`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub answer: Option<String>,
    pub timeline: Vec<FeedbackEvent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub rating: Option<Rating>,
    /// Whether `POST /v1/feedback/{id}/reopen` is open to the resident now (answered or
    /// closed, and not reopened before).
    pub can_reopen: bool,
}

/// `POST /v1/feedback` → 201.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeedbackCreated {
    pub id: Uuid,
    pub status: FeedbackStatus,
    pub due_at: DateTime<FixedOffset>,
    pub resolve_by: DateTime<FixedOffset>,
}

/// `GET /v1/feedback`: the resident's items, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeedbackList {
    pub items: Vec<Feedback>,
}

/// `POST /v1/feedback/{id}/reopen` (with an `Idempotency-Key`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ReopenFeedback {
    /// Why the answer did not resolve it (required).
    pub reason: String,
}

/// Which clock an item is running against now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FeedbackClock {
    /// Waiting for the first answer (`dueAt`).
    Answer,
    /// Answered, waiting to be resolved (`resolveBy`).
    Resolve,
    /// Closed: no clock runs.
    Stopped,
    /// A clock this client does not know yet. Never sent by a portal.
    #[serde(other)]
    Unknown,
}

/// `GET /v1/officer/feedback` query.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeedbackQueueQuery {
    /// Page size, 1–200 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub status: Option<FeedbackStatus>,
    /// A service code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub category: Option<String>,
    /// Only items not closed (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub open: Option<bool>,
}

/// One row of the officer's feedback queue, sorted by `deadline` (time left on the running
/// clock), then id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeedbackWorkItem {
    pub id: Uuid,
    pub category: String,
    /// The description's first 140 characters.
    pub summary: String,
    pub status: FeedbackStatus,
    pub channel: FeedbackChannel,
    pub submitted_at: DateTime<FixedOffset>,
    pub due_at: DateTime<FixedOffset>,
    pub resolve_by: DateTime<FixedOffset>,
    pub clock: FeedbackClock,
    /// The running clock's deadline (`dueAt` or `resolveBy`); absent when stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub deadline: Option<DateTime<FixedOffset>>,
    /// Whole minutes left on the running clock, negative when late; absent when stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub minutes_left: Option<i64>,
    /// `at_risk` from 75% of the running clock's time, `overdue` past it.
    pub urgency: Urgency,
    pub agency_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub unit_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub assigned_to: Option<String>,
    pub photo_count: u32,
}

/// `GET /v1/officer/feedback`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeedbackQueuePage {
    pub items: Vec<FeedbackWorkItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub next_cursor: Option<String>,
    pub total: u64,
}

/// The reporter, as the officer handling the item sees them (never in public answers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeedbackReporter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub email: Option<String>,
    /// The Open311 client application that filed it, for `open311` items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub client: Option<String>,
}

/// An agency an officer may hand an item to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AgencyRef {
    pub agency_id: String,
    pub name: LocalizedText,
}

/// `GET /v1/officer/feedback/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OfficerFeedback {
    pub feedback: Feedback,
    pub reporter: FeedbackReporter,
    pub agency_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub unit_code: Option<String>,
    pub clock: FeedbackClock,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub minutes_left: Option<i64>,
    pub urgency: Urgency,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub assigned_to: Option<OfficerRef>,
    /// The officers of its agency.
    pub assignable: Vec<OfficerRef>,
    /// Every other agency, for a hand-off.
    pub agencies: Vec<AgencyRef>,
    pub warnings: Vec<LateWarning>,
}

/// `POST /v1/officer/feedback/{id}/answer` (with an `Idempotency-Key`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeedbackAnswer {
    /// Required: what was done or will be done, and who handles it.
    pub text: String,
    /// A photo uploaded with `POST /v1/officer/feedback/{id}/photos`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub photo: Option<String>,
    /// The matter is resolved: the item closes with this answer.
    #[serde(default)]
    pub resolved: bool,
}

/// `POST /v1/officer/feedback/{id}/assign`: a supervisor reassigns to another agency or to an
/// officer of the item's agency (an officer may take it for themselves).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeedbackAssign {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub agency_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub officer_code: Option<String>,
}

/// `POST /v1/officer/feedback/{id}/hand-off`: an officer hands the item to another agency;
/// the clocks keep running and the hand-off shows in the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeedbackHandOff {
    pub agency_id: String,
    /// Required: why, for the receiving agency and the resident.
    pub note: String,
}

/// Feedback figures of one agency in the overview (`AgencyOverview.feedback`), over the last
/// 30 days for the answered ones.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeedbackFigures {
    /// First answers given on or before `dueAt`, last 30 days.
    pub answered_on_time: u64,
    /// First answers given after `dueAt`, last 30 days.
    pub answered_late: u64,
    /// Items not yet answered.
    pub open: u64,
    /// Of `open`, those past `dueAt`.
    pub open_overdue: u64,
}
