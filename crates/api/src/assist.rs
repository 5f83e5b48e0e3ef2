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
    /// opened there, on the device's clock (send that clock's reading now in `X-Device-Time`).
    /// The portal records the session from that moment corrected by the device's clock offset
    /// (at most 30 days back by default, not in the future); its token is then usually expired
    /// already, and the staff member delivers the work created in it with their own token and
    /// `X-Assist-Session` within 7 days (by default) of this recording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub opened_at: Option<DateTime<FixedOffset>>,
}

/// What an assisted-session token may do. A session opened with a one-time code sent to the
/// citizen's phone gets both scopes; one opened on a paper consent gets `submit` only, because
/// nobody at the portal can check a paper form: every read of the citizen's data answers 403
/// `forbidden` without `read`.
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

/// Header a device sends with its own clock reading (RFC 3339) on every staff request that
/// records an offline session or delivers its work late. The portal takes the difference to its
/// own clock as the device's clock offset, and judges the session's window with it, so a laptop
/// whose clock nobody set still delivers its outreach work, and nobody can stretch a window by
/// lying about one timestamp alone (the window is anchored to when the portal first recorded the
/// session).
pub const DEVICE_TIME_HEADER: &str = "X-Device-Time";

/// How the citizen consented to an assisted session, as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    /// A one-time code sent to the citizen's registered phone.
    Otp,
    /// A signed paper consent form (the session may only submit, never read).
    Paper,
}

/// What a staff member did with a citizen's data, as the citizen's access log shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AccessAction {
    /// An assisted session for the citizen was opened (or recorded after an offline event).
    SessionOpened,
    /// The staff member read the citizen's data.
    Read,
    /// The staff member submitted work for the citizen (an application, a file, a follow-up).
    Submitted,
}

/// Which part of the citizen's data an access touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AccessResource {
    /// The assisted session itself.
    Session,
    /// The profile (`GET /v1/me`).
    Profile,
    /// The document wallet.
    Documents,
    /// The list of applications.
    Applications,
    /// One application (its code is in `resourceRef`).
    Application,
    /// An uploaded file.
    Attachment,
    /// Everything changed since a point (`/v1/sync`, `/v1/events`).
    Changes,
}

/// The staff member named in an access log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AccessStaff {
    pub code: String,
    pub name: String,
    pub kind: crate::StaffKind,
    /// Post office, commune team or agency the staff member belongs to.
    pub organisation: String,
}

/// One entry of a citizen's access log: who used their data, where, when and what for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AccessLogEntry {
    pub id: Uuid,
    /// When it happened (for a session recorded after an offline event: when it was opened).
    pub at: DateTime<FixedOffset>,
    pub action: AccessAction,
    pub resource: AccessResource,
    /// The application code, attachment id or other reference of what was touched, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub resource_ref: Option<String>,
    pub staff: AccessStaff,
    pub venue: AssistVenue,
    pub session_id: Uuid,
    pub consent: ConsentMethod,
}

/// `GET /v1/me/access-log`: the citizen's access log, newest first, one page.
/// The log is append-only at the portal; nothing in it can be changed or deleted through the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AccessLog {
    pub items: Vec<AccessLogEntry>,
    /// Pass as `?cursor=` for the next (older) page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub next_cursor: Option<String>,
}
