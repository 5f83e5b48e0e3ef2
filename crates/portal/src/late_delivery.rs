//! Late delivery: work created in an assisted session, delivered after the session ended with
//! the staff member's own token and `X-Assist-Session: <session id>`.
//!
//! At an outreach event a volunteer queues a citizen's submissions offline; the citizen walks
//! away long before the connection comes back, and a laptop may stay offline for days. The
//! portal accepts such a delivery under these conditions, which keep it from becoming a way
//! around the citizen's consent:
//! - only the requests that create or follow up, never a read: `POST /v1/applications`,
//!   `POST /v1/attachments`, and the follow-ups `POST …/supplements`, `PUT …/delivery`,
//!   `POST …/withdraw`, `POST …/rating` on an application of the session's citizen (another
//!   citizen's application is not found);
//! - only for a session the same staff member opened;
//! - the `Idempotency-Key` is a UUIDv7 minted while the session was open, judged on the
//!   portal's clock (below);
//! - only within `limits.assist.lateDeliveryDays` after the portal first recorded the session
//!   (`recorded_at`, the portal's own clock: a device cannot move it);
//! - at most `limits.assist.itemsPerSession` items per session (applications, files and
//!   follow-ups together), counted in the database in the same transaction as the change, so
//!   parallel deliveries cannot exceed it;
//! - the action is recorded with the staff member and the session's venue, as in-session
//!   actions are.
//!
//! **Clocks.** A device sends its own clock reading in `X-Device-Time` (RFC 3339) when it
//! records an offline session and when it delivers late; its offset is portal now minus that
//! reading (no header: offset 0). A session records `opened_at` on the portal's clock (the
//! device's `openedAt` plus the offset, or portal now for a session opened online), `recorded_at`
//! and the offset the device reported then. A key's mint time (device clock) is moved onto the
//! portal's clock with the offset recorded with the session if the device reported one then,
//! otherwise with this request's offset. The recorded offset wins because an offline session's
//! `openedAt` and its keys were stamped by the same device clock during the event: corrected by
//! the same offset, they compare as they were stamped, even if the device's clock was set right
//! between recording and delivery. The corrected mint time must lie within
//! [`opened_at` − skew, `closed_at` + skew], where `closed_at` is the earlier of the session's
//! end and expiry and skew is `limits.assist.clockSkewSeconds`.
//!
//! **Replays.** The idempotency lookup comes before these checks (`idempotency::begin`, and
//! the owned-file check in `attachments`): a device that lost the answer gets the stored
//! response even after the window closed, and a replay is not a new item.

use axum::http::{HeaderMap, Method};
use chrono::DateTime;
use opendvc_api::DEVICE_TIME_HEADER;
use uuid::Uuid;

use crate::error::ApiError;
use crate::limits::AssistLimits;
use crate::store::{AssistSessionRecord, LateItem};

const SECONDS_PER_DAY: i64 = 24 * 3600;

/// Whether the route (as the router matched it) may be delivered late.
pub fn is_deliverable(method: &Method, route: &str) -> bool {
    match *method {
        Method::POST => matches!(
            route,
            "/v1/applications"
                | "/v1/attachments"
                | "/v1/applications/{id}/supplements"
                | "/v1/applications/{id}/withdraw"
                | "/v1/applications/{id}/rating"
        ),
        Method::PUT => route == "/v1/applications/{id}/delivery",
        _ => false,
    }
}

/// The device's clock offset, seconds (portal now minus `X-Device-Time`); `None` without the
/// header.
pub fn device_clock_offset(headers: &HeaderMap, now: i64) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get(DEVICE_TIME_HEADER) else {
        return Ok(None);
    };
    let device_time = value
        .to_str()
        .ok()
        .and_then(|text| DateTime::parse_from_rfc3339(text.trim()).ok())
        .ok_or_else(|| {
            ApiError::malformed(
                "X-Device-Time must be the device's clock as RFC 3339, e.g. 2026-11-29T08:30:00+07:00.",
            )
        })?;
    Ok(Some(now.saturating_sub(device_time.timestamp())))
}

/// When a UUIDv7 idempotency key was minted, unix seconds on the clock that minted it.
pub fn key_minted_at(key: &str) -> Option<i64> {
    Uuid::parse_str(key.trim())
        .ok()
        .filter(|key| key.get_version_num() == 7)
        .and_then(|key| key.get_timestamp())
        .map(|stamp| i64::try_from(stamp.to_unix().0).unwrap_or(i64::MAX))
}

/// A staff member delivering work of their own assisted session late. The window is judged
/// by [`LateDelivery::admit`] only for new work, after the idempotency lookup.
#[derive(Debug, Clone)]
pub struct LateDelivery {
    session: AssistSessionRecord,
    /// The key's mint time moved onto the portal's clock.
    minted_at: i64,
}

impl LateDelivery {
    /// A delivery for `session` under a key minted at `key_minted_at` on the device's clock,
    /// sent with the device offset `request_offset` (see the module doc for which offset
    /// applies).
    pub fn new(
        session: AssistSessionRecord,
        key_minted_at: i64,
        request_offset: Option<i64>,
    ) -> Self {
        let offset = session
            .device_offset_seconds
            .or(request_offset)
            .unwrap_or(0);
        LateDelivery {
            minted_at: key_minted_at.saturating_add(offset),
            session,
        }
    }

    /// Admits new work at `now`: the item to count against the session's limit, or 403.
    pub fn admit(&self, now: i64, limits: &AssistLimits) -> Result<LateItem, ApiError> {
        judge(&self.session, self.minted_at, now, limits)?;
        Ok(LateItem {
            session_id: self.session.id,
            limit: limits.items_per_session,
        })
    }
}

/// Whether new work minted at `minted_at` (portal clock) may be delivered for `session` at
/// `now`.
fn judge(
    session: &AssistSessionRecord,
    minted_at: i64,
    now: i64,
    limits: &AssistLimits,
) -> Result<(), ApiError> {
    let window_days = i64::from(limits.late_delivery_days);
    if now
        > session
            .recorded_at
            .saturating_add(window_days * SECONDS_PER_DAY)
    {
        return Err(ApiError::forbidden(format!(
            "Work of an assisted session can be delivered only within {window_days} days after \
             the portal recorded the session, and that time has passed: help the citizen again \
             in a new session."
        )));
    }
    let skew = i64::from(limits.clock_skew_seconds);
    let closed_at = session
        .ended_at
        .map_or(session.expires_at, |ended| ended.min(session.expires_at));
    if minted_at < session.created_at.saturating_sub(skew)
        || minted_at > closed_at.saturating_add(skew)
    {
        return Err(ApiError::forbidden(
            "This work was not created while the assisted session was open.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPENED: i64 = 1_800_000_000;
    const HOUR: i64 = 3600;
    const DAY: i64 = 24 * HOUR;

    fn limits() -> AssistLimits {
        AssistLimits {
            sessions_per_staff_per_hour: 30,
            late_delivery_days: 7,
            offline_record_days: 30,
            items_per_session: 20,
            clock_skew_seconds: 600,
        }
    }

    /// A session opened at `OPENED` for 30 minutes, recorded `recorded_after` seconds later,
    /// with the device offset `offset` reported at recording.
    fn session(recorded_after: i64, offset: Option<i64>) -> AssistSessionRecord {
        AssistSessionRecord {
            id: Uuid::now_v7(),
            staff_code: "TCNS-AH-01".into(),
            citizen_id: Uuid::now_v7(),
            consent_method: "paper".into(),
            consent_reference: Some("GIAYUQ-1".into()),
            venue_name: "Chợ Hàn".into(),
            venue_unit_code: None,
            scopes: vec![opendvc_api::AssistScope::Submit],
            created_at: OPENED,
            expires_at: OPENED + 30 * 60,
            ended_at: Some(OPENED + 20 * 60),
            recorded_at: OPENED + recorded_after,
            device_offset_seconds: offset,
        }
    }

    /// Checks one delivery: the key minted at `minted` on the device's clock, sent at `now`
    /// (portal clock) with the request's offset `request_offset`.
    fn check(
        session: AssistSessionRecord,
        minted: i64,
        request_offset: Option<i64>,
        now: i64,
        admitted: bool,
    ) {
        let verdict = LateDelivery::new(session, minted, request_offset).admit(now, &limits());
        assert_eq!(
            verdict.is_ok(),
            admitted,
            "key minted at OPENED{:+}s, request offset {request_offset:?}, now OPENED{:+}s: {verdict:?}",
            minted - OPENED,
            now - OPENED,
        );
    }

    #[test]
    fn the_delivery_window_counts_from_the_portals_recording_not_the_opening() {
        // Recorded online as it opened: 7 days from the opening.
        check(session(0, None), OPENED + 60, None, OPENED + 7 * DAY, true);
        check(
            session(0, None),
            OPENED + 60,
            None,
            OPENED + 7 * DAY + 1,
            false,
        );
        // Recorded offline 20 days after the event: 7 days from the recording.
        let late = 20 * DAY;
        check(
            session(late, Some(0)),
            OPENED + 60,
            None,
            OPENED + late,
            true,
        );
        check(
            session(late, Some(0)),
            OPENED + 60,
            None,
            OPENED + late + 7 * DAY,
            true,
        );
        check(
            session(late, Some(0)),
            OPENED + 60,
            None,
            OPENED + late + 7 * DAY + 1,
            false,
        );
    }

    #[test]
    fn a_key_counts_only_if_minted_while_the_session_was_open_give_or_take_the_skew() {
        let now = OPENED + DAY;
        check(session(0, None), OPENED - 600, None, now, true);
        check(session(0, None), OPENED - 601, None, now, false);
        // Ended after 20 minutes: the end closes it, not the expiry.
        check(session(0, None), OPENED + 30 * 60, None, now, true);
        check(session(0, None), OPENED + 30 * 60 + 1, None, now, false);
    }

    #[test]
    fn mint_times_are_moved_onto_the_portals_clock_with_the_devices_offset() {
        let now = OPENED + DAY;
        // A device five hours behind, online session: this request's offset applies.
        check(session(0, None), OPENED - 5 * HOUR + 60, None, now, false);
        check(
            session(0, None),
            OPENED - 5 * HOUR + 60,
            Some(5 * HOUR),
            now,
            true,
        );
        // An offline session recorded by a device five hours ahead (offset −5 h): that offset
        // applies, also when the device's clock was set right before this delivery.
        check(
            session(HOUR, Some(-5 * HOUR)),
            OPENED + 5 * HOUR + 60,
            Some(0),
            now,
            true,
        );
        check(
            session(HOUR, Some(-5 * HOUR)),
            OPENED + 60,
            Some(0),
            now,
            false,
        );
    }

    #[test]
    fn only_uuid_v7_keys_carry_a_mint_time() {
        assert!(key_minted_at(&Uuid::now_v7().to_string()).is_some());
        assert_eq!(key_minted_at(&Uuid::new_v4().to_string()), None);
        assert_eq!(key_minted_at("not a uuid"), None);
    }

    #[test]
    fn the_device_offset_is_portal_now_minus_the_devices_clock() {
        let mut headers = HeaderMap::new();
        assert_eq!(device_clock_offset(&headers, OPENED).ok(), Some(None));
        let device = DateTime::from_timestamp(OPENED - 5 * HOUR, 0)
            .expect("a valid time")
            .to_rfc3339();
        headers.insert(
            DEVICE_TIME_HEADER,
            device.parse().expect("a valid header value"),
        );
        assert_eq!(
            device_clock_offset(&headers, OPENED).ok(),
            Some(Some(5 * HOUR))
        );
        headers.insert(DEVICE_TIME_HEADER, "yesterday".parse().expect("valid"));
        assert!(device_clock_offset(&headers, OPENED).is_err());
    }

    #[test]
    fn only_creating_and_follow_up_routes_are_deliverable() {
        assert!(is_deliverable(&Method::POST, "/v1/applications"));
        assert!(is_deliverable(&Method::POST, "/v1/attachments"));
        assert!(is_deliverable(
            &Method::POST,
            "/v1/applications/{id}/supplements"
        ));
        assert!(is_deliverable(
            &Method::PUT,
            "/v1/applications/{id}/delivery"
        ));
        assert!(is_deliverable(
            &Method::POST,
            "/v1/applications/{id}/withdraw"
        ));
        assert!(is_deliverable(
            &Method::POST,
            "/v1/applications/{id}/rating"
        ));
        assert!(!is_deliverable(&Method::GET, "/v1/applications"));
        assert!(!is_deliverable(&Method::GET, "/v1/applications/{id}"));
        assert!(!is_deliverable(&Method::POST, "/v1/assist/sessions"));
        assert!(!is_deliverable(&Method::GET, "/v1/me"));
    }
}
