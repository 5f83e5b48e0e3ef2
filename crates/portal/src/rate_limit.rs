//! The limits of sign-in, as sliding windows kept in the database (`LimitStore`): one-time
//! code requests and wrong guesses per ID number and per client address, failed staff
//! sign-ins per client address and staff code, and the portal-wide count of wrong guesses that
//! alerts operators. Nothing here lives only in one process's memory: several portal
//! processes on one database share every count, and the store checks and records a limit in
//! one transaction, so parallel requests cannot slip past it.

use opendvc_api::ErrorCode;

use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::limits::Limits;
use crate::store::{Counter, Limit, LimitReached, OtpPurpose};

/// The window of the one-time code limits, seconds.
pub const OTP_WINDOW_SECONDS: i64 = 3600;

/// The window of the operators' alert on wrong one-time codes, seconds.
pub const ALERT_WINDOW_SECONDS: i64 = 60;

/// The limits a request for a one-time code counts against: per ID number and purpose, and per
/// client address and purpose (a post office asking consent codes for its walk-in citizens
/// does not use up the sign-in codes of its address).
pub fn otp_request_limits(
    limits: &Limits,
    purpose: OtpPurpose,
    id_number: &str,
    client: &ClientAddress,
) -> Vec<Limit> {
    let purpose = purpose.as_str();
    vec![
        Limit {
            key: format!("otp-request:{purpose}:id:{id_number}"),
            max: limits.otp.requests_per_id_number_per_hour,
            window_seconds: OTP_WINDOW_SECONDS,
        },
        Limit {
            key: format!("otp-request:{purpose}:address:{}", client.limit_key()),
            max: limits.otp.requests_per_address_per_hour,
            window_seconds: OTP_WINDOW_SECONDS,
        },
    ]
}

/// The limits a wrong guess at a one-time code counts against, across codes: a new code does
/// not reset them.
pub fn otp_failure_limits(
    limits: &Limits,
    purpose: OtpPurpose,
    id_number: &str,
    client: &ClientAddress,
) -> Vec<Limit> {
    let purpose = purpose.as_str();
    vec![
        Limit {
            key: format!("otp-failure:{purpose}:id:{id_number}"),
            max: limits.otp.failures_per_id_number_per_hour,
            window_seconds: OTP_WINDOW_SECONDS,
        },
        Limit {
            key: format!("otp-failure:{purpose}:address:{}", client.limit_key()),
            max: limits.otp.failures_per_address_per_hour,
            window_seconds: OTP_WINDOW_SECONDS,
        },
    ]
}

/// Wrong one-time codes across the whole portal, per minute.
pub fn otp_failure_counter() -> Counter {
    Counter {
        key: "otp-failures:portal".to_owned(),
        window_seconds: ALERT_WINDOW_SECONDS,
    }
}

/// Whether the portal-wide count of wrong guesses, `counted` in this minute, calls for a log
/// line: when it reaches the threshold and at every further threshold's worth, so an attack
/// is reported without one line per guess.
pub fn alert_due(limits: &Limits, counted: u64) -> bool {
    let threshold = u64::from(limits.otp.alert_failures_per_minute).max(1);
    counted >= threshold && counted.is_multiple_of(threshold)
}

/// The limit a staff sign-in attempt counts against: failures per client address and staff
/// code, so a stranger elsewhere cannot lock an agent out.
pub fn staff_failure_limit(limits: &Limits, code: &str, client: &ClientAddress) -> Limit {
    Limit {
        key: format!("staff-failure:{}:{code}", client.limit_key()),
        max: limits.staff_sign_in.failures_per_code_and_address,
        window_seconds: i64::from(limits.staff_sign_in.window_seconds),
    }
}

/// The 429 answer to a used-up limit.
pub fn refusal(reached: LimitReached, detail: &str) -> ApiError {
    ApiError::new(ErrorCode::RateLimited, detail).with_retry_after(reached.retry_after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alert_fires_at_the_threshold_and_every_threshold_after() {
        let limits = Limits::load().expect("limits");
        let threshold = u64::from(limits.otp.alert_failures_per_minute);
        assert!(!alert_due(&limits, threshold - 1));
        assert!(alert_due(&limits, threshold));
        assert!(!alert_due(&limits, threshold + 1));
        assert!(alert_due(&limits, 2 * threshold));
    }

    #[test]
    fn limits_are_keyed_by_purpose_id_number_and_address() {
        let limits = Limits::load().expect("limits");
        let here = ClientAddress(Some("203.0.113.7".parse().expect("ip")));
        let sign_in = otp_request_limits(&limits, OtpPurpose::SignIn, "048090001234", &here);
        let consent = otp_request_limits(&limits, OtpPurpose::Consent, "048090001234", &here);
        assert_ne!(sign_in, consent, "sign-in and consent codes count apart");
        assert!(sign_in[1].key.ends_with("203.0.113.7"));
        let staff = staff_failure_limit(&limits, "BDDN-HC-01", &here);
        assert_eq!(staff.key, "staff-failure:203.0.113.7:BDDN-HC-01");
    }
}
