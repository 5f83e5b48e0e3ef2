//! Push (`GET /v1/events`): Server-Sent Events that say *what* changed, never the data itself.
//!
//! Push is a hint, sync is the truth: on an event the client runs its `/v1/sync` pull. The
//! event carries only the kind and id of the changed entity, so a stream can never show a
//! state that sync would not, and an event lost on the way costs nothing once the next sync
//! runs.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Seconds between heartbeat comments on an idle event stream.
pub const EVENTS_HEARTBEAT_SECONDS: u64 = 15;

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PushEventKind {
    /// The citizen's profile changed.
    Profile,
    /// An application changed: a new timeline entry, a delivery change, a supplement.
    Application,
    /// A document in the wallet is new or changed.
    Document,
    /// A new inbox item: a status or delivery notice, a renewal reminder, a city notice.
    Inbox,
    /// A feedback item changed: an answer, an assignment, a closing.
    Feedback,
    /// The portal cannot replay from the given `Last-Event-ID`: sync from the start.
    Reset,
    /// A kind this client does not know yet. Never sent by a portal.
    #[serde(other)]
    Unknown,
}

/// The `data` of one event on `GET /v1/events`. The SSE `id` is the same as `id` here and is
/// also a valid `/v1/sync` cursor: a client whose sync cursor is at or after it has the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PushEvent {
    /// Decimal, increasing per citizen; empty for `reset`.
    pub id: String,
    pub kind: PushEventKind,
    /// The id of the changed entity (application, document, inbox item or feedback item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub entity_id: Option<Uuid>,
}

/// One event of the `text/event-stream` on `GET /v1/events`, as its framing carries it. This is
/// what the OpenAPI document describes for the stream, since a client first reads these fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct EventStreamFrame {
    /// The event id (the `id:` field): decimal, increasing per citizen; absent on `reset`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub id: Option<String>,
    /// The event name (the `event:` field): the [`PushEventKind`] in snake_case.
    pub event: String,
    /// The `data:` field: a [`PushEvent`] as JSON.
    pub data: String,
}
