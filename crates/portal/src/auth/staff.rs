//! Staff sign-in by code and password: each attempt counts as a failure before the password
//! is verified, and a right password takes its count back.

use axum::extract::State;
use opendvc_api::{StaffProfile, StaffTokenRequest, StaffTokenResponse};

use super::tokens::{new_token, token_hash};
use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::rate_limit;
use crate::state::AppState;
use crate::store::{AccessTokenRecord, TokenSubject};

/// Staff tokens live one working day and are not refreshable.
pub const STAFF_TTL_SECONDS: u32 = 8 * 3600;

#[utoipa::path(post, path = "/v1/auth/staff-token", tag = "auth",
    request_body = StaffTokenRequest,
    responses((status = 200, description = "Signed in as staff (agent, volunteer or officer). Each attempt counts as a failure before the password is verified (a right password takes its count back), per client address and staff code: after 10 failures within 5 minutes (limits.json as shipped) that address gets 429 with Retry-After for that code, while the staff member can still sign in from elsewhere. At most 2 passwords are verified at once. `POST /v1/auth/logout` with the staff token revokes it.", body = StaffTokenResponse)))]
pub async fn staff_token(
    State(state): State<AppState>,
    client: ClientAddress,
    ApiJson(request): ApiJson<StaffTokenRequest>,
) -> Result<axum::Json<StaffTokenResponse>, ApiError> {
    let limit = rate_limit::staff_failure_limit(&state.limits, &request.code, &client);
    let started = state.clock.now().timestamp();
    // Reserve the attempt as a failure before anything is verified, so parallel attempts
    // cannot all pass a check that only later ones would fail.
    let reserved = state.store.take_limits(&[limit], started).await?;
    let staff = match reserved {
        Ok(_) => state.store.staff(&request.code).await?,
        Err(_) => None,
    };
    let reserved = reserved.map_err(|reached| {
        rate_limit::refusal(
            reached,
            "Too many failed sign-ins for this staff code from this address; wait and retry.",
        )
    })?;
    let stored = staff.as_ref().map(|staff| staff.password_hash.clone());
    let matches = state.passwords.verify(request.password, stored).await?;
    let Some(staff) = staff.filter(|_| matches) else {
        return Err(ApiError::unauthorized(
            "Unknown staff code or wrong password.",
        ));
    };
    let now = state.clock.now().timestamp();
    let access_token = new_token();
    let record = AccessTokenRecord {
        token_hash: token_hash(&access_token),
        subject: TokenSubject::Staff {
            code: staff.code.clone(),
        },
        expires_at: now + i64::from(STAFF_TTL_SECONDS),
    };
    // A right password is no failure: its reservation goes, the failures of other attempts
    // (from this address or any other) stay.
    state.store.release_hits(&reserved).await?;
    state.store.insert_access_token(&record).await?;
    Ok(axum::Json(StaffTokenResponse {
        access_token,
        expires_in: STAFF_TTL_SECONDS,
        token_type: "Bearer".into(),
        staff: StaffProfile {
            code: staff.code,
            name: staff.name,
            kind: staff.kind,
            organisation: staff.organisation,
        },
    }))
}
