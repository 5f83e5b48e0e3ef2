//! The catalog and reference data: procedures, admin units, holidays.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use opendvc_api::{AdminUnits, Catalog, HolidayCalendar, Quote, QuoteRequest};
use opendvc_rules::fees::{self, QuoteInput};
use opendvc_rules::vietnam_today;

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// Whether an `If-None-Match` value matches the strong `etag` (a list, or `*`).
pub fn if_none_match_hits(header_value: &str, etag: &str) -> bool {
    header_value.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate == etag || candidate.strip_prefix("W/") == Some(etag)
    })
}

#[utoipa::path(get, path = "/v1/procedures", tag = "catalog",
    params(("If-None-Match" = Option<String>, Header, description = "The ETag of a catalog the client holds.")),
    responses(
        (status = 200, description = "The catalog, with a strong ETag (its version, quoted).", body = Catalog,
         headers(("ETag" = String, description = "Strong validator of the catalog"))),
        (status = 304, description = "The client's copy is current.")))]
pub async fn procedures(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let etag = &state.data.catalog_etag;
    let hit = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| if_none_match_hits(value, etag));
    let etag_value = HeaderValue::from_str(etag).unwrap_or(HeaderValue::from_static("\"0\""));
    if hit {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag_value)]).into_response();
    }
    (
        [
            (header::ETAG, etag_value),
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        state.data.catalog_json.clone(),
    )
        .into_response()
}

#[utoipa::path(post, path = "/v1/procedures/{id}/quote", tag = "catalog",
    params(("id" = String, Path, description = "Procedure id, e.g. `passport-issuance`.")),
    request_body = QuoteRequest,
    responses((status = 200, description = "What an application of this procedure with these answers costs, computed by the same shared rule the portal charges with: the fee case (from `feeCase`, or from the form's answer that selects it), add-ons, exemptions and postage by the delivery address's zone, less the city's subsidy. Amounts are whole VND; exemption and subsidy lines are negative. Exemptions by the applicant's age from the profile (`profile.birthDate`) are applied when the citizen's own bearer token comes with the request (and always when the application is submitted); without one the quote assumes none of them. A bearer token that is not valid is answered 401. When neither the form nor `feeCase` decides the case: 422 `validation_failed` with one `field-fee-case-needed` error on `feeCase` per choice.", body = Quote)))]
pub async fn quote(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<QuoteRequest>,
) -> Result<axum::Json<Quote>, ApiError> {
    let procedure = state
        .data
        .procedure(&id)
        .ok_or_else(|| ApiError::not_found("No such procedure."))?;
    let birth_date = match headers.contains_key(header::AUTHORIZATION) {
        false => None,
        true => match crate::auth::callers::resolve(&state, &headers).await?.1 {
            // Only the citizen's own token: a staff member's quote for a citizen says nothing
            // about that citizen's age.
            crate::auth::callers::Caller::Citizen { citizen_id } => state
                .store
                .citizen(citizen_id)
                .await?
                .map(|citizen| citizen.profile.birth_date),
            _ => None,
        },
    };
    let input = QuoteInput {
        form: &request.form,
        fee_case: request.fee_case.as_deref(),
        delivery: Some(&request.delivery),
        birth_date,
        filing: fees::Filing::Online,
        today: vietnam_today(state.clock.now()),
    };
    fees::quote(procedure, &input)
        .map(axum::Json)
        .map_err(|error| ApiError::validation(error.field_errors()))
}

#[utoipa::path(get, path = "/v1/admin-units", tag = "reference",
    responses((status = 200, description = "Provinces and commune-level units after 1 July 2025.", body = AdminUnits)))]
pub async fn admin_units(State(state): State<AppState>) -> axum::Json<AdminUnits> {
    axum::Json(state.data.admin_units.clone())
}

#[utoipa::path(get, path = "/v1/holidays/{year}", tag = "reference",
    params(("year" = i32, Path, description = "A year, e.g. 2026.")),
    responses((status = 200, description = "The days off of that year.", body = HolidayCalendar)))]
pub async fn holidays(
    State(state): State<AppState>,
    ApiPath(year): ApiPath<String>,
) -> Result<axum::Json<HolidayCalendar>, ApiError> {
    let year: i32 = year
        .parse()
        .map_err(|_| ApiError::malformed("The year must be a number, e.g. 2026."))?;
    state
        .data
        .holidays
        .get(&year)
        .cloned()
        .map(axum::Json)
        .ok_or_else(|| ApiError::not_found(format!("No holiday calendar for {year}.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_accepts_lists_weak_and_star() {
        let etag = "\"abc\"";
        assert!(if_none_match_hits("\"abc\"", etag));
        assert!(if_none_match_hits("\"x\", \"abc\"", etag));
        assert!(if_none_match_hits("W/\"abc\"", etag));
        assert!(if_none_match_hits("*", etag));
        assert!(!if_none_match_hits("\"abd\"", etag));
    }
}
