//! Sign-in: citizens by ID number and one-time code, staff by code and password.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /v1/auth/otp`: ask the portal to send a one-time code to the citizen's registered phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OtpRequest {
    /// Personal identification number: 12 digits.
    #[schema(pattern = "^[0-9]{12}$", example = "048090001234")]
    pub id_number: String,
}

/// Answer to [`OtpRequest`] (202). The same answer is given for unknown ID numbers, so the
/// endpoint does not reveal who is registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OtpAccepted {
    /// Seconds the code stays valid.
    pub expires_in: u32,
    /// Channel the code goes out on (`sms`).
    pub channel: String,
}

/// `POST /v1/auth/token`: exchange a one-time code for tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TokenRequest {
    #[schema(pattern = "^[0-9]{12}$")]
    pub id_number: String,
    /// The six-digit one-time code.
    #[schema(pattern = "^[0-9]{6}$")]
    pub otp: String,
}

/// Tokens for a citizen. The access token is short-lived; the refresh token rotates: each
/// use returns a new one and invalidates the old.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u32,
    /// Always `Bearer`.
    pub token_type: String,
}

/// `POST /v1/auth/refresh`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// `POST /v1/auth/logout`: ends the session of the bearer token; the refresh token, if given,
/// is revoked too.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LogoutRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub refresh_token: Option<String>,
}

/// What kind of staff member signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum StaffKind {
    /// A DVC agent at a post office counter.
    Agent,
    /// A volunteer of a community digital technology team at an outreach event.
    Volunteer,
    /// An officer of the city who processes applications.
    Officer,
    /// A supervisor: reads the applications and overview of their agency, or of every agency
    /// when city-wide, and assigns them; moves none.
    Supervisor,
}

/// `POST /v1/auth/staff-token`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StaffTokenRequest {
    /// The staff member's code, e.g. `BD-HC-001`.
    pub code: String,
    pub password: String,
}

/// A staff member, as shown to clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StaffProfile {
    pub code: String,
    pub name: String,
    pub kind: StaffKind,
    /// The post office (agents) or team (volunteers) or agency (officers) the person works for.
    pub organisation: String,
}

/// Answer to [`StaffTokenRequest`]. Staff tokens are not refreshable; sign in again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StaffTokenResponse {
    pub access_token: String,
    pub expires_in: u32,
    pub token_type: String,
    pub staff: StaffProfile,
}
