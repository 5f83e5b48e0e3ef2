//! Assisted sessions: a DVC agent or volunteer acts for one citizen, with the citizen's
//! consent, for a limited time; every action records the staff member and the venue.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use opendvc_api::{
    AssistScope, AssistSession, AssistSessionRequest, AssistVenue, Consent, ConsentCodeRequest,
    ErrorCode, OtpAccepted,
};
use uuid::Uuid;

use crate::auth::{
    AnyAuth, Caller, DELIVERY_CLOCK_SKEW_SECONDS, StaffAuth, accept_code, check_id_number,
    issue_code, new_token, token_hash,
};
use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use crate::store::{AccessTokenRecord, AssistSessionRecord, OtpPurpose, TokenSubject};
use crate::working_days::VIETNAM;

/// How long an assisted session lasts by default, seconds (`serve --assist-ttl`).
pub const SESSION_TTL_SECONDS: i64 = 30 * 60;

/// How far back a session opened offline with a paper consent may be recorded, seconds.
pub const OFFLINE_OPEN_MAX_AGE_SECONDS: i64 = 7 * 24 * 3600;

/// Prefix of the reference printed on the paper consent form (giấy ủy quyền).
pub const PAPER_CONSENT_PREFIX: &str = "GIAYUQ-";

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

fn consent_refused(detail: &str) -> ApiError {
    ApiError::new(ErrorCode::ConsentRequired, detail)
}

#[utoipa::path(post, path = "/v1/assist/sessions", tag = "assist", security(("bearer" = [])),
    request_body = AssistSessionRequest,
    responses((status = 201, description = "The session; its token acts as the citizen for 30 minutes.", body = AssistSession)))]
pub async fn open_session(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    client: ClientAddress,
    ApiJson(request): ApiJson<AssistSessionRequest>,
) -> Result<Response, ApiError> {
    check_id_number(&request.id_number)?;
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
        .db(move |store| store.citizen_by_id_number(&id_number))
        .await?
        .ok_or_else(|| {
            consent_refused("No consent from a registered citizen with this ID number.")
        })?;
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
        Some(at) => {
            let at = at.timestamp();
            if at > now.timestamp() + DELIVERY_CLOCK_SKEW_SECONDS
                || at < now.timestamp() - OFFLINE_OPEN_MAX_AGE_SECONDS
            {
                return Err(ApiError::field(
                    "openedAt",
                    "must lie within the last 7 days and not in the future",
                ));
            }
            at.min(now.timestamp())
        }
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
        created_at: opened_at,
        expires_at,
        ended_at: None,
    };
    let access_token = new_token();
    let token = AccessTokenRecord {
        token_hash: token_hash(&access_token),
        subject: TokenSubject::Assisted {
            session_id: session.id,
        },
        expires_at,
    };
    let stored = session.clone();
    state
        .db(move |store| store.insert_assist_session(&stored, &token))
        .await?;
    let expires = chrono::DateTime::from_timestamp(expires_at, 0)
        .map(|time| time.with_timezone(&VIETNAM))
        .unwrap_or(now);
    let body = AssistSession {
        id: session.id,
        access_token,
        expires_at: expires,
        scopes: vec![AssistScope::Read, AssistScope::Submit],
        citizen_initials: initials(&citizen.profile.full_name),
        staff_code: staff.code,
        venue,
    };
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
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
        .db(move |store| store.assist_session(id))
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
    state
        .db(move |store| store.end_assist_session(id, now))
        .await?;
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
    fn initials_keep_vietnamese_letters() {
        assert_eq!(initials("Nguyễn Thị Lan"), "NTL");
        assert_eq!(initials("đặng  văn hùng"), "ĐVH");
    }
}
