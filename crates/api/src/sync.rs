//! Pull sync (`GET /v1/sync`) and the inbox.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{Application, Document, Feedback, LocalizedText, Profile};

/// What an inbox item is about; notification settings are per category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum InboxCategory {
    /// An application changed status.
    Status,
    /// Something about the delivery of a result.
    Delivery,
    /// A document is about to expire.
    Renewal,
    /// A general notice from the city.
    Notice,
    /// An answer to, or a change of, the resident's feedback.
    Feedback,
    /// A category this client does not know yet. Never sent by a portal.
    #[serde(other)]
    Unknown,
}

/// A message for the citizen, kept in the app's inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct InboxItem {
    pub id: Uuid,
    pub at: DateTime<FixedOffset>,
    pub category: InboxCategory,
    pub title: LocalizedText,
    pub body: LocalizedText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub application_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub document_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub feedback_id: Option<Uuid>,
}

/// `GET /v1/sync?cursor=…`: everything of this citizen that changed after `cursor` (omit it for
/// everything). Each entity appears once, in its latest state. Empty lists are omitted, so a
/// sync with nothing new is a few dozen bytes. When `hasMore` is true, call again at once with
/// the returned cursor.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SyncResponse {
    /// Opaque; pass it back as `cursor` next time.
    pub cursor: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub has_more: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub profile: Option<Profile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applications: Vec<Application>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inbox: Vec<InboxItem>,
    /// The resident's feedback items (`crate::feedback`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub feedback: Vec<Feedback>,
}
