//! Assisted sessions: a staff member acts for one citizen, with the citizen's consent.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// `POST /v1/assist/consent-codes` (staff token): send a one-time consent code to the
/// citizen's registered phone. Answers 202 with [`crate::OtpAccepted`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ConsentCodeRequest {
    #[schema(pattern = "^[0-9]{12}$")]
    pub id_number: String,
}

/// How the citizen consented to being assisted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(
    tag = "method",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum Consent {
    /// The code the citizen received on their phone and read out to the staff member.
    Otp { otp: String },
    /// A signed paper consent form, identified by the reference printed on it.
    Paper { reference: String },
}

/// Where the assistance happens, recorded with every action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AssistVenue {
    /// Post office name, or outreach event name.
    pub name: String,
    /// Commune-level unit code of the place, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub unit_code: Option<String>,
}

/// `POST /v1/assist/sessions` (staff token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AssistSessionRequest {
    #[schema(pattern = "^[0-9]{12}$")]
    pub id_number: String,
    pub consent: Consent,
    /// Where the staff member serves the citizen; defaults to the staff member's organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub venue: Option<AssistVenue>,
    /// For a session opened on a device that was offline, with a paper consent: when it was
    /// opened there. The portal records the session from that moment (at most 7 days back,
    /// not in the future); its token is then usually expired already, and the staff member
    /// delivers the work created in it with their own token and `X-Assist-Session`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub opened_at: Option<DateTime<FixedOffset>>,
}

/// What an assisted-session token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AssistScope {
    /// Read the citizen's profile, documents, applications and catalog.
    Read,
    /// Submit applications and follow-ups for the citizen.
    Submit,
}

/// An open assisted session (201). The token acts as the citizen, limited to `scopes`, until
/// `expiresAt` or until the session is ended with `DELETE /v1/assist/sessions/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AssistSession {
    pub id: Uuid,
    pub access_token: String,
    pub expires_at: DateTime<FixedOffset>,
    pub scopes: Vec<AssistScope>,
    /// The citizen's initials only, for the staff member's screen.
    pub citizen_initials: String,
    pub staff_code: String,
    pub venue: AssistVenue,
}
