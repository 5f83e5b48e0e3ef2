//! Demo-mode only: the dev outbox and the demo accounts.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::StaffKind;

/// Something the portal "sent" (a one-time code, an SMS or e-mail notice).
/// `GET /v1/dev/messages` lists them, oldest first; it exists only in demo mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DevMessage {
    /// Phone number or e-mail address.
    pub to: String,
    /// `sms` or `email`.
    pub channel: String,
    pub body: String,
    pub sent_at: DateTime<FixedOffset>,
}

/// `POST /v1/dev/clock` (demo mode only): move the portal's clock forward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DevClockAdvance {
    /// Seconds to move forward; the clock never moves back.
    pub advance_seconds: i64,
}

/// The demo portal's clock after a move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DevClock {
    pub now: DateTime<FixedOffset>,
    /// How far ahead of the system clock the portal's clock now runs, seconds.
    pub offset_seconds: i64,
}

/// A demo citizen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DemoCitizen {
    pub id_number: String,
    pub phone: String,
    pub name: String,
}

/// A demo staff member (DVC agent or outreach volunteer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DemoStaff {
    pub code: String,
    pub password: String,
    pub kind: StaffKind,
}

/// A demo officer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DemoOfficer {
    pub code: String,
    pub password: String,
    /// The agency the officer works for (a procedure's `agencyId`): the officer moves only
    /// that agency's applications.
    pub agency: String,
    /// For an officer of a commune-level office: the commune-level unit served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub unit: Option<String>,
}

/// A demo supervisor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DemoSupervisor {
    pub code: String,
    pub password: String,
    /// The agency supervised; absent for a city-wide supervisor (every agency).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub agency: Option<String>,
}

/// `opendvc-portal demo-accounts` prints this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DemoAccounts {
    pub citizens: Vec<DemoCitizen>,
    pub staff: Vec<DemoStaff>,
    pub officers: Vec<DemoOfficer>,
    pub supervisors: Vec<DemoSupervisor>,
}
