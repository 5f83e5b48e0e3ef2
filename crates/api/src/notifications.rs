//! The resident's choice of how the portal reaches them (`GET/PUT /v1/me/notification-settings`)
//! and their choice for one document's renewal reminders
//! (`PUT /v1/me/documents/{id}/reminders`).
//!
//! One-time codes and the assisted-session notice are not a choice: they always go by SMS, at
//! once, quiet hours or not.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The channels a category of notices goes by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ChannelChoice {
    /// The app's inbox and its desktop notification.
    pub app: bool,
    /// SMS to the registered phone.
    pub sms: bool,
    /// E-mail, when the profile has an address.
    pub email: bool,
}

impl ChannelChoice {
    /// Every channel.
    pub const ALL: Self = Self {
        app: true,
        sms: true,
        email: true,
    };
}

/// When SMS wait: from `start` to `end` (Vietnam time, `HH:MM`, may cross midnight), an SMS that
/// is not a one-time code or an assisted-session notice is held and sent at `end`, never
/// dropped. E-mail and the app are not held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct QuietHours {
    pub enabled: bool,
    /// `HH:MM`, Vietnam time.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "21:00")]
    pub start: String,
    /// `HH:MM`, Vietnam time.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "07:00")]
    pub end: String,
}

impl Default for QuietHours {
    fn default() -> Self {
        Self {
            enabled: true,
            start: "21:00".to_owned(),
            end: "07:00".to_owned(),
        }
    }
}

/// How the portal reaches the resident, per category of notice. A resident who never chose
/// gets every channel and quiet hours from 21:00 to 07:00.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NotificationSettings {
    /// An application changed status (received, supplement requested, completed, rejected).
    pub status: ChannelChoice,
    /// The result's postal delivery (dispatched with its tracking number, delivered).
    pub delivery: ChannelChoice,
    /// A document is about to expire.
    pub renewal: ChannelChoice,
    pub quiet_hours: QuietHours,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        Self {
            status: ChannelChoice::ALL,
            delivery: ChannelChoice::ALL,
            renewal: ChannelChoice::ALL,
            quiet_hours: QuietHours::default(),
        }
    }
}

/// The resident's choice for one document's renewal reminders, on every device and channel.
/// Also sent back on the document (`Document.reminders`) so other devices follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DocumentReminders {
    /// No reminders for this document, by any channel.
    pub switched_off: bool,
    /// No reminders before this day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub snoozed_until: Option<NaiveDate>,
}

impl DocumentReminders {
    /// Reminders on, not snoozed: what a document without a choice has.
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}
