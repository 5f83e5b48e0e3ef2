//! Assisted sessions: a DVC agent or volunteer acts for one citizen, with the citizen's
//! consent, for a limited time; every action records the staff member and the venue.
//!
//! A session opened on a device that was offline (paper consent only) is recorded later with
//! its `openedAt`, read on the device's clock. The device sends that clock's reading in
//! `X-Device-Time`; the portal stores the session's opening on its own clock (`openedAt` plus
//! the offset, portal now minus device time), which must not lie in the future beyond
//! `limits.assist.clockSkewSeconds` nor more than `limits.assist.offlineRecordDays` back, and
//! stores when it recorded the session and the offset it saw. Work of the session is then
//! delivered late under the rules of `late_delivery`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use opendvc_api::{
    AccessAction, AccessResource, AssistScope, AssistSession, AssistSessionRequest, AssistVenue,
    Consent, ConsentCodeRequest, ErrorCode, OtpAccepted,
};
use opendvc_rules::VIETNAM;
use uuid::Uuid;

use crate::auth::{
    AnyAuth, Caller, StaffAuth, accept_code, access_entry, check_id_number, issue_code, new_token,
    token_hash,
};
use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::late_delivery::device_clock_offset;
use crate::limits::AssistLimits;
use crate::state::AppState;
use crate::store::{
    AccessTokenRecord, AssistSessionRecord, CitizenRecord, OtpPurpose, SessionOpening, StaffRecord,
    TokenSubject,
};

/// How long an assisted session lasts by default, seconds (`serve --assist-ttl`).
pub const SESSION_TTL_SECONDS: i64 = 30 * 60;

/// Prefix of the reference printed on the paper consent form (giấy ủy quyền).
pub const PAPER_CONSENT_PREFIX: &str = "GIAYUQ-";

/// What a session may do, by how the citizen consented. A code sent to the citizen's own phone
/// proves the citizen is there and agrees: read and submit. A paper form cannot be checked by
/// anyone at the portal, so it lets the staff member submit what the citizen brought, and read
/// nothing.
pub fn scopes_for(consent: &Consent) -> Vec<AssistScope> {
    match consent {
        Consent::Otp { .. } => vec![AssistScope::Read, AssistScope::Submit],
        Consent::Paper { .. } => vec![AssistScope::Submit],
    }
}

/// Whether `reference` is a paper consent reference: `GIAYUQ-` then letters, digits, `-`, `/`.
pub fn is_paper_reference(reference: &str) -> bool {
    reference
        .strip_prefix(PAPER_CONSENT_PREFIX)
        .is_some_and(|rest| {
            !rest.is_empty()
                && rest.len() <= 64
                && rest
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
        })
}

/// The initials of a full name, for the staff member's screen: "Nguyễn Thị Lan" → "NTL".
pub fn initials(full_name: &str) -> String {
    full_name
        .split_whitespace()
        .filter_map(|word| word.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}

#[utoipa::path(post, path = "/v1/assist/consent-codes", tag = "assist", security(("bearer" = [])),
    request_body = ConsentCodeRequest,
    responses((status = 202, description = "A consent code was sent to the citizen's phone if the ID number is registered.", body = OtpAccepted)))]
pub async fn consent_code(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    client: ClientAddress,
    ApiJson(request): ApiJson<ConsentCodeRequest>,
) -> Result<Response, ApiError> {
    check_id_number(&request.id_number)?;
    let accepted = issue_code(
        &state,
        request.id_number,
        OtpPurpose::Consent,
        &client,
        vec![
            ("staff", staff.name.clone()),
            ("venue", staff.organisation.clone()),
        ],
    )
    .await?;
    Ok((StatusCode::ACCEPTED, axum::Json(accepted)).into_response())
}

/// When a session opened offline at `device_opened_at` (the device's clock) opened on the
/// portal's clock: corrected by the device's clock offset (`X-Device-Time`; none: 0), not in
/// the future beyond the clock skew and at most `offlineRecordDays` old.
fn offline_opened_at(
    device_opened_at: i64,
    device_offset: Option<i64>,
    now: i64,
    limits: &AssistLimits,
) -> Result<i64, ApiError> {
    let opened_at = device_opened_at.saturating_add(device_offset.unwrap_or(0));
    let oldest = now.saturating_sub(i64::from(limits.offline_record_days) * 24 * 3600);
    if opened_at > now.saturating_add(i64::from(limits.clock_skew_seconds)) || opened_at < oldest {
        return Err(ApiError::field(
            "openedAt",
            format!(
                "must lie within the last {} days and not in the future (corrected by \
                 X-Device-Time, the device's clock when it sent this request)",
                limits.offline_record_days
            ),
        ));
    }
    Ok(opened_at.min(now))
}

fn consent_refused(detail: &str) -> ApiError {
    ApiError::new(ErrorCode::ConsentRequired, detail)
}

#[utoipa::path(post, path = "/v1/assist/sessions", tag = "assist", security(("bearer" = [])),
    params(("X-Device-Time" = Option<String>, Header, description = "The device's clock when it sent this request (RFC 3339). With `openedAt`, the portal corrects `openedAt` by the device's offset (portal now minus this time) and keeps the offset to judge the keys of work delivered late.")),
    request_body = AssistSessionRequest,
    responses((status = 201, description = "The session; its token acts as the citizen for 30 minutes, within its scopes: a consent code from the citizen's phone gives `read` and `submit`, a paper consent `submit` only (every read of the citizen's data answers 403 `forbidden`). The citizen is told by text who opened it, where and when, and how to report misuse; the opening is in the citizen's access log. A staff member opens at most `limits.assist.sessionsPerStaffPerHour` (30) sessions within any hour, counted by when they were opened (a session recorded later counts in the hour it was opened); beyond that 429 `rate_limited` with `Retry-After`.", body = AssistSession)))]
pub async fn open_session(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    headers: HeaderMap,
    client: ClientAddress,
    ApiJson(request): ApiJson<AssistSessionRequest>,
) -> Result<Response, ApiError> {
    check_id_number(&request.id_number)?;
    let device_offset = device_clock_offset(&headers, state.clock.now().timestamp())?;
    let venue = request.venue.clone().unwrap_or(AssistVenue {
        name: staff.organisation.clone(),
        unit_code: None,
    });
    if venue.name.trim().is_empty() || venue.name.chars().count() > 200 {
        return Err(ApiError::field(
            "venue.name",
            "required, at most 200 characters",
        ));
    }
    if let Some(unit) = &venue.unit_code
        && !state
            .data
            .admin_units
            .units
            .iter()
            .any(|candidate| &candidate.code == unit)
    {
        return Err(ApiError::field("venue.unitCode", "not a known unit"));
    }
    let id_number = request.id_number.clone();
    let citizen = state
        .store
        .citizen_by_id_number(&id_number)
        .await?
        .ok_or_else(|| {
            consent_refused("No consent from a registered citizen with this ID number.")
        })?;
    let scopes = scopes_for(&request.consent);
    let (method, reference) = match request.consent {
        Consent::Otp { otp } => {
            let accepted = accept_code(
                &state,
                request.id_number.clone(),
                otp,
                OtpPurpose::Consent,
                &client,
            )
            .await?;
            if accepted != Some(citizen.id) {
                return Err(consent_refused("The consent code is wrong or expired."));
            }
            ("otp", None)
        }
        Consent::Paper { reference } => {
            let reference = reference.trim().to_owned();
            if !is_paper_reference(&reference) {
                return Err(consent_refused(
                    "A paper consent needs the reference printed on the form, e.g. GIAYUQ-2026-000123.",
                ));
            }
            ("paper", Some(reference))
        }
    };
    let now = state.clock.now();
    let opened_at = match request.opened_at {
        None => now.timestamp(),
        Some(_) if method != "paper" => {
            return Err(ApiError::field(
                "openedAt",
                "only a session opened offline with a paper consent may be recorded later",
            ));
        }
        Some(at) => offline_opened_at(
            at.timestamp(),
            device_offset,
            now.timestamp(),
            &state.limits.assist,
        )?,
    };
    let expires_at = opened_at + i64::from(state.config.assist_ttl);
    let session = AssistSessionRecord {
        id: Uuid::now_v7(),
        staff_code: staff.code.clone(),
        citizen_id: citizen.id,
        consent_method: method.to_owned(),
        consent_reference: reference,
        venue_name: venue.name.clone(),
        venue_unit_code: venue.unit_code.clone(),
        scopes: scopes.clone(),
        created_at: opened_at,
        expires_at,
        ended_at: None,
        recorded_at: now.timestamp(),
        device_offset_seconds: device_offset,
    };
    let access_token = new_token();
    let token = AccessTokenRecord {
        token_hash: token_hash(&access_token),
        subject: TokenSubject::Assisted {
            session_id: session.id,
        },
        expires_at,
    };
    let opened = access_entry(
        &session,
        &staff,
        AccessAction::SessionOpened,
        AccessResource::Session,
        None,
        opened_at,
    );
    let stored = session.clone();
    let per_hour = state.limits.assist.sessions_per_staff_per_hour;
    let opening = state
        .store
        .open_assist_session(&stored, &token, &opened, per_hour)
        .await?;
    if let SessionOpening::Refused { retry_after } = opening {
        return Err(ApiError::new(
            ErrorCode::RateLimited,
            format!(
                "You opened {per_hour} assisted sessions within an hour of this one; wait and retry."
            ),
        )
        .with_retry_after(retry_after));
    }
    tell_citizen(&state, &citizen, &staff, &venue, opened_at).await;
    let expires = chrono::DateTime::from_timestamp(expires_at, 0)
        .map(|time| time.with_timezone(&VIETNAM))
        .unwrap_or(now);
    let body = AssistSession {
        id: session.id,
        access_token,
        expires_at: expires,
        scopes,
        citizen_initials: initials(&citizen.profile.full_name),
        staff_code: staff.code,
        venue,
    };
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

/// Texts the citizen that a session was opened for them: who (staff code and organisation),
/// where, when (Vietnam time) and whom to call if it was not them.
async fn tell_citizen(
    state: &AppState,
    citizen: &CitizenRecord,
    staff: &StaffRecord,
    venue: &AssistVenue,
    opened_at: i64,
) {
    let time = chrono::DateTime::from_timestamp(opened_at, 0)
        .map(|time| {
            time.with_timezone(&VIETNAM)
                .format("%H:%M %d/%m/%Y")
                .to_string()
        })
        .unwrap_or_default();
    let args = [
        ("staff", staff.code.clone()),
        ("organisation", staff.organisation.clone()),
        ("venue", venue.name.clone()),
        ("time", time),
        ("hotline", state.data.city.misuse_hotline.clone()),
    ];
    // The session is open (committed) already: a failed write is logged, not answered, so
    // the staff member does not open a second session.
    if let Err(error) = state
        .text_citizen(citizen, "assist-opened-sms", &args)
        .await
    {
        tracing::error!(%error, "the assisted-session notice could not be written to the outbox");
    }
}

#[utoipa::path(delete, path = "/v1/assist/sessions/{id}", tag = "assist", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Session id")),
    responses((status = 204, description = "The session is ended; its token no longer works.")))]
pub async fn end_session(
    State(state): State<AppState>,
    auth: AnyAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    let session = state
        .store
        .assist_session(id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such assisted session."))?;
    let allowed = match &auth.caller {
        Caller::Staff(staff) => staff.code == session.staff_code,
        Caller::Assisted { session: own, .. } => own.id == session.id,
        Caller::Citizen { .. } | Caller::Officer(_) => false,
    };
    if !allowed {
        return Err(ApiError::not_found("No such assisted session."));
    }
    let now = state.clock.now().timestamp();
    state.store.end_assist_session(id, now).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_references_need_the_printed_form() {
        assert!(is_paper_reference("GIAYUQ-2026-000123"));
        assert!(!is_paper_reference("GIAYUQ-"));
        assert!(!is_paper_reference("2026-000123"));
        assert!(!is_paper_reference("GIAYUQ-<script>"));
    }

    #[test]
    fn an_offline_opening_is_moved_onto_the_portals_clock_and_kept_within_thirty_days() {
        let limits = crate::limits::Limits::load().expect("limits load").assist;
        let now = 1_800_000_000;
        let hour = 3600;
        let day = 24 * hour;
        let opened = |device_opened_at, offset| {
            offline_opened_at(device_opened_at, offset, now, &limits).ok()
        };
        assert_eq!(
            opened(now - 2 * hour, None),
            Some(now - 2 * hour),
            "no clock reading: offset 0"
        );
        assert_eq!(
            opened(now + 3 * hour, Some(-5 * hour)),
            Some(now - 2 * hour),
            "a device five hours ahead: two hours ago on the portal's clock"
        );
        assert_eq!(opened(now + 3 * hour, None), None, "in the future");
        assert_eq!(opened(now + 600, None), Some(now), "within the skew: now");
        assert_eq!(opened(now - 30 * day, None), Some(now - 30 * day));
        assert_eq!(opened(now - 30 * day - 1, None), None, "older than 30 days");
    }

    #[test]
    fn initials_keep_vietnamese_letters() {
        assert_eq!(initials("Nguyễn Thị Lan"), "NTL");
        assert_eq!(initials("đặng  văn hùng"), "ĐVH");
    }
}
