//! The public status of an application by its code and the last 4 digits of its holder's ID
//! number (the check): the one lookup behind the status page (`status_page`) and its JSON twin
//! `GET /v1/public/status/{code}?check=NNNN`.
//!
//! What must stay true:
//! - An unknown code and a wrong check are one answer (`None`), reached by the same steps (a
//!   decoy citizen lookup for an unknown code, the check compared in constant time), so the
//!   answer does not tell whether a code exists.
//! - Every attempt counts as a miss before anything is looked up, per client address and per
//!   code (`limits.statusPage`, kept in the database like the sign-in limits, so several
//!   instances share them and parallel attempts cannot slip past); a right check takes its
//!   count back.
//! - Nothing personal leaves: [`PublicStatus`] has no name, address, ID number or phone.

use axum::extract::{Path, State};
use opendvc_api::{Application, ErrorCode, PublicDelivery, PublicProcedure, PublicStatus};
use serde::Deserialize;
use subtle::ConstantTimeEq;
use uuid::Uuid;

use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::rate_limit;
use crate::state::AppState;
use crate::store::{Limit, LimitReached};

/// How many digits of the ID number the check holds.
pub const CHECK_DIGITS: usize = 4;

/// Longest application code looked up; a longer one is unknown without a query, and its limit
/// key is cut here so a guesser cannot fill the limits table with long keys.
const LONGEST_CODE: usize = 64;

/// The one answer to an unknown code and to a wrong check (JSON).
pub const NOT_FOUND_DETAIL: &str =
    "No application has this code with these check digits. Check both on the receipt.";

/// What the lookup found.
#[derive(Debug)]
pub enum Lookup {
    Found(Box<PublicStatus>),
    /// An unknown code or a wrong check: the same to the caller.
    Missed,
    /// Too many misses from this address or on this code.
    Limited(LimitReached),
}

/// Whether `check` is the last [`CHECK_DIGITS`] digits of an ID number, in form only.
pub fn check_is_well_formed(check: &str) -> bool {
    check.len() == CHECK_DIGITS && check.bytes().all(|byte| byte.is_ascii_digit())
}

/// The limits one attempt counts against: misses per client address, and misses on the code
/// from anywhere.
pub fn miss_limits(state: &AppState, code: &str, client: &ClientAddress) -> Vec<Limit> {
    let limits = &state.limits.status_page;
    let code: String = code.chars().take(LONGEST_CODE).collect();
    vec![
        Limit {
            key: format!("status-miss:address:{}", client.limit_key()),
            max: limits.misses_per_address,
            window_seconds: i64::from(limits.address_window_seconds),
        },
        Limit {
            key: format!("status-miss:code:{code}"),
            max: limits.wrong_checks_per_code,
            window_seconds: i64::from(limits.code_window_seconds),
        },
    ]
}

/// Looks up the application `code` for someone who knows the last digits `check` of its
/// holder's ID number. `check` must be well formed ([`check_is_well_formed`]).
pub async fn lookup(
    state: &AppState,
    client: &ClientAddress,
    code: &str,
    check: &str,
) -> Result<Lookup, ApiError> {
    let now = state.clock.now().timestamp();
    // Counted as a miss before anything is read, so parallel guesses cannot all pass a limit
    // that only later ones would reach.
    let reserved = match state
        .store
        .take_limits(&miss_limits(state, code, client), now)
        .await?
    {
        Ok(reserved) => reserved,
        Err(reached) => return Ok(Lookup::Limited(reached)),
    };
    let application = if code.len() <= LONGEST_CODE {
        state.store.application_by_code(code).await?
    } else {
        None
    };
    // An unknown code reads an application's citizen and a citizen too (ones that do not
    // exist) and compares the check with nothing, so both misses take the same steps.
    let application_id = application
        .as_ref()
        .map_or(Uuid::nil(), |application| application.id);
    let citizen_id = state.store.citizen_of_application(application_id).await?;
    let citizen = state
        .store
        .citizen(citizen_id.unwrap_or(Uuid::nil()))
        .await?;
    let expected = citizen
        .as_ref()
        .map(|citizen| last_digits(&citizen.profile.id_number))
        .unwrap_or_default();
    let matches: bool = expected.as_bytes().ct_eq(check.as_bytes()).into();
    match application {
        Some(application) if matches && expected.len() == CHECK_DIGITS => {
            state.store.release_hits(&reserved).await?;
            Ok(Lookup::Found(Box::new(public_status(&application))))
        }
        _ => Ok(Lookup::Missed),
    }
}

/// The last [`CHECK_DIGITS`] characters of an ID number.
fn last_digits(id_number: &str) -> String {
    let skip = id_number.chars().count().saturating_sub(CHECK_DIGITS);
    id_number.chars().skip(skip).collect()
}

/// What of an application the public may see.
fn public_status(application: &Application) -> PublicStatus {
    PublicStatus {
        code: application.code.clone(),
        procedure: PublicProcedure {
            id: application.procedure_id.clone(),
            name: application.procedure_name.clone(),
        },
        status: application.status,
        due_at: application.due_at,
        delivery: PublicDelivery {
            method: application.delivery.method,
            state: application.delivery.state,
        },
    }
}

/// The query of `GET /v1/public/status/{code}`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusQuery {
    /// The last 4 digits of the holder's ID number.
    #[serde(default)]
    #[param(pattern = "^[0-9]{4}$")]
    pub check: String,
}

#[utoipa::path(get, path = "/v1/public/status/{code}", tag = "public",
    params(("code" = String, Path, description = "The application code on the receipt."), StatusQuery),
    responses(
        (status = 200, description = "The application's procedure, status, due date and delivery state; nothing personal (no name, address, ID number or phone). No sign-in: the caller proves it holds the receipt by the last 4 digits of the holder's ID number. An unknown code and a wrong check both answer 404 `not_found` with the same body. Each attempt counts as a miss unless it is right: 20 misses per client address within 10 minutes, and 5 on one code from any address within an hour (limits.json as shipped, `statusPage`), then 429 `rate_limited` with Retry-After. A missing or malformed check (not 4 digits) answers 400 `malformed_request` without looking the code up and counts nothing. The same answer as a page for people: `GET /s/{code}`.", body = PublicStatus)
    ))]
pub async fn public_status_json(
    State(state): State<AppState>,
    client: ClientAddress,
    Path(code): Path<String>,
    ApiQuery(query): ApiQuery<StatusQuery>,
) -> Result<axum::Json<PublicStatus>, ApiError> {
    if !check_is_well_formed(&query.check) {
        return Err(ApiError::malformed(
            "`check` must be the last 4 digits of the ID number of the application's holder.",
        ));
    }
    match lookup(&state, &client, &code, &query.check).await? {
        Lookup::Found(status) => Ok(axum::Json(*status)),
        Lookup::Missed => Err(ApiError::new(ErrorCode::NotFound, NOT_FOUND_DETAIL)),
        Lookup::Limited(reached) => Err(rate_limit::refusal(
            reached,
            "Too many unknown codes or wrong check digits from this address or for this code; \
             wait and retry.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_four_ascii_digits_are_a_check() {
        assert!(check_is_well_formed("0123"));
        for bad in ["", "123", "12345", "12a4", "１２３４", "12 4"] {
            assert!(!check_is_well_formed(bad), "{bad:?} is no check");
        }
    }

    #[test]
    fn the_check_is_the_last_four_digits_of_the_id_number() {
        assert_eq!(last_digits("048090001234"), "1234");
        assert_eq!(last_digits("12"), "12", "a short number is its own tail");
    }
}
