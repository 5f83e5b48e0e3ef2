//! The portal's limits, as data (`crates/portal/data/limits.json`): how many assisted sessions a
//! staff member may open per hour, how long work of an assisted session may be delivered late,
//! how many one-time codes and wrong guesses are allowed, how many event streams a token may hold,
//! how much a citizen may upload, how many misses the public status page allows, how the notification outbox retries, how long the server waits for slow clients. A city changes
//! the file, not the code: the shipped file is built in, and `serve --limits FILE` replaces it.

use std::path::Path;

use serde::Deserialize;

use crate::data::DataError;

const LIMITS: (&str, &str) = ("limits.json", include_str!("../data/limits.json"));

/// Every limit the portal enforces.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Limits {
    pub assist: AssistLimits,
    pub otp: OtpLimits,
    pub staff_sign_in: StaffSignInLimits,
    pub events: EventLimits,
    pub attachments: AttachmentLimits,
    pub status_page: StatusPageLimits,
    pub notifications: NotificationLimits,
    pub server: ServerLimits,
}

/// Assisted sessions and the late delivery of their work.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssistLimits {
    /// Sessions one staff member may open per hour, counted by the sessions' `openedAt`.
    pub sessions_per_staff_per_hour: u32,
    /// Days after the portal first recorded a session during which its work may be delivered
    /// with the staff token and `X-Assist-Session`.
    pub late_delivery_days: u32,
    /// Days after its `openedAt` (corrected by the device's clock offset) within which a session
    /// opened offline may still be recorded.
    pub offline_record_days: u32,
    /// Items (applications, files, follow-ups) one session may deliver late.
    pub items_per_session: u32,
    /// Clock drift tolerated between a device and the portal once the offset is corrected.
    pub clock_skew_seconds: u32,
}

/// One-time codes for sign-in and consent.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OtpLimits {
    pub requests_per_id_number_per_hour: u32,
    pub requests_per_address_per_hour: u32,
    /// Wrong guesses per ID number per hour, across codes: a new code does not reset the count.
    pub failures_per_id_number_per_hour: u32,
    pub failures_per_address_per_hour: u32,
    /// Wrong guesses per minute across the whole portal above which operators are alerted
    /// (a log line and a counter). Never refuses anyone.
    pub alert_failures_per_minute: u32,
}

/// Staff sign-in.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StaffSignInLimits {
    /// Failed sign-ins per (client address, staff code) within the window.
    pub failures_per_code_and_address: u32,
    pub window_seconds: u32,
    /// Argon2 verifications allowed at once.
    pub concurrent_verifications: u32,
}

/// The `/v1/events` streams.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventLimits {
    pub streams_per_token: u32,
}

/// Uploads.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttachmentLimits {
    pub quota_bytes_per_citizen: u64,
}

/// The public status page (`/s/{code}`, `/v1/public/status/{code}`): misses (an unknown code
/// or a wrong check) per client address, and wrong checks per application code from anywhere,
/// since codes follow a daily sequence and are easy to guess.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StatusPageLimits {
    /// Misses one client address may make within `address_window_seconds`.
    pub misses_per_address: u32,
    pub address_window_seconds: u32,
    /// Misses on one application code, from any address, within `code_window_seconds`.
    pub wrong_checks_per_code: u32,
    pub code_window_seconds: u32,
}

/// The notification outbox (`crate::notifications`): how a message that its gateway failed to
/// take is tried again, and when it is given up.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NotificationLimits {
    /// Seconds to wait before the 2nd, 3rd … attempt; the last wait repeats.
    pub retry_after_seconds: Vec<u32>,
    /// Attempts after which a message whose gateway still fails is marked failed (a refusal by
    /// the gateway marks it failed at once).
    pub max_attempts: u32,
    /// Seconds a sender holds a message it is sending; a message held longer (its sender died
    /// mid-send) is sent again, with the same id.
    pub claim_seconds: u32,
    /// Days a sent message is kept after it was sent, and a failed one nobody retried after it
    /// was written; the daily housekeeping deletes them then.
    pub retention_days: u32,
}

impl NotificationLimits {
    /// The wait before the next attempt after `attempts` attempts (1 or more) failed.
    pub fn retry_after(&self, attempts: u32) -> i64 {
        let index = usize::try_from(attempts.saturating_sub(1)).unwrap_or(usize::MAX);
        let wait = self
            .retry_after_seconds
            .get(index)
            .or(self.retry_after_seconds.last())
            .copied()
            .unwrap_or(60);
        i64::from(wait)
    }
}

/// How long the HTTP server waits for slow clients.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServerLimits {
    /// Seconds a client has to send a request's headers, counted from the connection's start or
    /// the end of the previous answer on a kept-alive connection (so also the idle timeout).
    pub header_read_timeout_seconds: u32,
    /// Seconds a request body may take before the minimum rate applies.
    pub body_grace_seconds: u32,
    /// The slowest average rate, bytes per second, at which a body may arrive after the grace.
    pub body_min_bytes_per_second: u32,
}

impl Limits {
    /// The limits embedded in the binary, checked.
    pub fn load() -> Result<Self, DataError> {
        Self::parse(LIMITS.0, LIMITS.1)
    }

    /// The limits of a city's own file (`serve --limits FILE`), checked like the shipped ones.
    pub fn from_file(path: &Path) -> Result<Self, DataError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| DataError {
            file: name.clone(),
            message: error.to_string(),
        })?;
        Self::parse(&name, &text)
    }

    fn parse(file: &str, text: &str) -> Result<Self, DataError> {
        let limits: Limits = serde_json::from_str(text).map_err(|error| DataError {
            file: file.to_owned(),
            message: error.to_string(),
        })?;
        limits.validate().map_err(|message| DataError {
            file: file.to_owned(),
            message,
        })?;
        Ok(limits)
    }

    fn validate(&self) -> Result<(), String> {
        let positive = [
            (
                "assist.sessionsPerStaffPerHour",
                u64::from(self.assist.sessions_per_staff_per_hour),
            ),
            (
                "assist.lateDeliveryDays",
                u64::from(self.assist.late_delivery_days),
            ),
            (
                "assist.offlineRecordDays",
                u64::from(self.assist.offline_record_days),
            ),
            (
                "assist.itemsPerSession",
                u64::from(self.assist.items_per_session),
            ),
            (
                "otp.requestsPerIdNumberPerHour",
                u64::from(self.otp.requests_per_id_number_per_hour),
            ),
            (
                "otp.requestsPerAddressPerHour",
                u64::from(self.otp.requests_per_address_per_hour),
            ),
            (
                "otp.failuresPerIdNumberPerHour",
                u64::from(self.otp.failures_per_id_number_per_hour),
            ),
            (
                "otp.failuresPerAddressPerHour",
                u64::from(self.otp.failures_per_address_per_hour),
            ),
            (
                "otp.alertFailuresPerMinute",
                u64::from(self.otp.alert_failures_per_minute),
            ),
            (
                "staffSignIn.failuresPerCodeAndAddress",
                u64::from(self.staff_sign_in.failures_per_code_and_address),
            ),
            (
                "staffSignIn.windowSeconds",
                u64::from(self.staff_sign_in.window_seconds),
            ),
            (
                "staffSignIn.concurrentVerifications",
                u64::from(self.staff_sign_in.concurrent_verifications),
            ),
            (
                "events.streamsPerToken",
                u64::from(self.events.streams_per_token),
            ),
            (
                "attachments.quotaBytesPerCitizen",
                self.attachments.quota_bytes_per_citizen,
            ),
            (
                "statusPage.missesPerAddress",
                u64::from(self.status_page.misses_per_address),
            ),
            (
                "statusPage.addressWindowSeconds",
                u64::from(self.status_page.address_window_seconds),
            ),
            (
                "statusPage.wrongChecksPerCode",
                u64::from(self.status_page.wrong_checks_per_code),
            ),
            (
                "statusPage.codeWindowSeconds",
                u64::from(self.status_page.code_window_seconds),
            ),
            (
                "notifications.maxAttempts",
                u64::from(self.notifications.max_attempts),
            ),
            (
                "notifications.claimSeconds",
                u64::from(self.notifications.claim_seconds),
            ),
            (
                "notifications.retentionDays",
                u64::from(self.notifications.retention_days),
            ),
            (
                "notifications.retryAfterSeconds",
                u64::from(
                    self.notifications
                        .retry_after_seconds
                        .iter()
                        .copied()
                        .min()
                        .unwrap_or(0),
                ),
            ),
            (
                "server.headerReadTimeoutSeconds",
                u64::from(self.server.header_read_timeout_seconds),
            ),
            (
                "server.bodyGraceSeconds",
                u64::from(self.server.body_grace_seconds),
            ),
            (
                "server.bodyMinBytesPerSecond",
                u64::from(self.server.body_min_bytes_per_second),
            ),
        ];
        match positive.iter().find(|(_, value)| *value == 0) {
            Some((name, _)) => Err(format!("{name} must be at least 1")),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_limits_load_with_the_documented_defaults() {
        let limits = Limits::load().expect("limits.json is valid");
        assert_eq!(limits.assist.sessions_per_staff_per_hour, 30);
        assert_eq!(limits.assist.late_delivery_days, 7);
        assert_eq!(limits.assist.offline_record_days, 30);
        assert_eq!(limits.assist.items_per_session, 20);
        assert_eq!(limits.otp.failures_per_id_number_per_hour, 10);
        assert_eq!(limits.events.streams_per_token, 5);
        assert_eq!(
            limits.attachments.quota_bytes_per_citizen,
            200 * 1024 * 1024
        );
        assert_eq!(limits.staff_sign_in.concurrent_verifications, 2);
        assert_eq!(limits.server.header_read_timeout_seconds, 30);
        assert_eq!(limits.status_page.misses_per_address, 20);
        assert_eq!(limits.status_page.wrong_checks_per_code, 5);
        assert_eq!(limits.notifications.max_attempts, 6);
    }

    #[test]
    fn a_failed_message_waits_longer_each_time_and_then_the_last_wait() {
        let limits = Limits::load().expect("limits.json is valid").notifications;
        let waits: Vec<i64> = (1..=7)
            .map(|attempts| limits.retry_after(attempts))
            .collect();
        assert_eq!(
            waits,
            [10, 60, 300, 1800, 7200, 7200, 7200],
            "the waits of limits.json in order, the last one repeated"
        );
    }

    #[test]
    fn a_city_file_replaces_the_shipped_limits_and_is_checked_alike() {
        let dir = std::env::temp_dir().join(format!("opendvc-limits-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("limits.json");
        let mut value: serde_json::Value = serde_json::from_str(LIMITS.1).expect("JSON");
        value["otp"]["failuresPerIdNumberPerHour"] = 3.into();
        std::fs::write(&path, value.to_string()).expect("written");
        let limits = Limits::from_file(&path).expect("a complete file loads");
        assert_eq!(limits.otp.failures_per_id_number_per_hour, 3);
        value["server"]["bodyMinBytesPerSecond"] = 0.into();
        std::fs::write(&path, value.to_string()).expect("written");
        let error = Limits::from_file(&path).expect_err("a zero limit is refused");
        assert!(
            error.message.contains("server.bodyMinBytesPerSecond"),
            "{error:?}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
