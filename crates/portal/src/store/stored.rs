//! How domain values are written in either database: enums as their stored words, times as
//! RFC 3339 text, ids as UUIDs. Shared by `sqlite` and `postgres`, so both stores write the
//! same words and a database moved from one to the other reads the same.

use chrono::{DateTime, FixedOffset, NaiveDate};
use opendvc_api::{AccessAction, AccessResource, ApplicationStatus, ConsentMethod, StaffKind};
use uuid::Uuid;

use super::{StoreError, StoreResult};

pub fn parse_uuid(text: &str) -> StoreResult<Uuid> {
    Uuid::parse_str(text).map_err(|error| StoreError::Database(format!("stored uuid: {error}")))
}

pub fn parse_time(text: &str) -> StoreResult<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text)
        .map_err(|error| StoreError::Database(format!("stored time: {error}")))
}

pub fn parse_status(text: &str) -> StoreResult<ApplicationStatus> {
    ApplicationStatus::parse(text)
        .ok_or_else(|| StoreError::Database(format!("stored status {text}")))
}

pub fn staff_kind_str(kind: StaffKind) -> &'static str {
    match kind {
        StaffKind::Agent => "agent",
        StaffKind::Volunteer => "volunteer",
        StaffKind::Officer => "officer",
        StaffKind::Supervisor => "supervisor",
    }
}

pub fn parse_staff_kind(text: &str) -> StoreResult<StaffKind> {
    match text {
        "agent" => Ok(StaffKind::Agent),
        "volunteer" => Ok(StaffKind::Volunteer),
        "officer" => Ok(StaffKind::Officer),
        "supervisor" => Ok(StaffKind::Supervisor),
        other => Err(StoreError::Database(format!("stored staff kind {other}"))),
    }
}

pub fn channel_str(channel: opendvc_api::Channel) -> &'static str {
    match channel {
        opendvc_api::Channel::Online => "online",
        opendvc_api::Channel::Assisted => "assisted",
        opendvc_api::Channel::Counter => "counter",
        opendvc_api::Channel::Unknown => "unknown",
    }
}

pub fn action_str(action: AccessAction) -> &'static str {
    match action {
        AccessAction::SessionOpened => "session_opened",
        AccessAction::Read => "read",
        AccessAction::Submitted => "submitted",
    }
}

pub fn resource_str(resource: AccessResource) -> &'static str {
    match resource {
        AccessResource::Session => "session",
        AccessResource::Profile => "profile",
        AccessResource::Documents => "documents",
        AccessResource::Applications => "applications",
        AccessResource::Application => "application",
        AccessResource::Attachment => "attachment",
        AccessResource::Changes => "changes",
    }
}

pub fn consent_str(consent: ConsentMethod) -> &'static str {
    match consent {
        ConsentMethod::Otp => "otp",
        ConsentMethod::Paper => "paper",
    }
}

/// A stored enum value, read back through its serde name.
pub fn parse_enum<T: serde::de::DeserializeOwned>(text: String) -> StoreResult<T> {
    serde_json::from_value(serde_json::Value::String(text)).map_err(StoreError::from)
}

/// A number read from the database that must fit the domain's type.
pub fn fits<T: TryFrom<i64>>(value: i64) -> StoreResult<T> {
    T::try_from(value)
        .map_err(|_| StoreError::Database(format!("stored number {value} is out of range")))
}

/// A stored calendar day (`YYYY-MM-DD`).
pub fn parse_date(text: &str) -> StoreResult<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|error| StoreError::Database(format!("stored date {text}: {error}")))
}
