//! `GET /v1/me/access-log`: who used the citizen's data. Every assisted session opened for the
//! citizen, every read of their data by a staff member and every submission made in a session
//! is appended to the log in the request that does it (`auth::CitizenRead`, the store's
//! submission transactions, `assist::open_session`); only the citizen themself reads it.

use axum::extract::State;
use opendvc_api::{AccessLog, AccessLogEntry};
use opendvc_rules::VIETNAM;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::CitizenOnly;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::state::AppState;
use crate::store::{AccessEntry, AccessLogPosition};

/// Entries per page.
pub const PAGE_SIZE: usize = 50;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccessLogQuery {
    /// The `nextCursor` of the previous page; omit it for the newest entries.
    #[param(pattern = "^[0-9]{1,19}\\.[0-9]{1,19}$")]
    pub cursor: Option<String>,
}

/// A cursor is the position of the last entry of a page: `<time>.<sequence>`.
fn format_cursor(position: AccessLogPosition) -> String {
    format!("{}.{}", position.at, position.seq)
}

fn parse_cursor(cursor: Option<&str>) -> Result<Option<AccessLogPosition>, ApiError> {
    let Some(text) = cursor.map(str::trim).filter(|text| !text.is_empty()) else {
        return Ok(None);
    };
    let refused = || ApiError::malformed("The cursor is not one this portal gave out.");
    let (at, seq) = text.split_once('.').ok_or_else(refused)?;
    let number = |part: &str| {
        part.parse::<i64>()
            .ok()
            .filter(|value| *value >= 0)
            .ok_or_else(refused)
    };
    Ok(Some(AccessLogPosition {
        at: number(at)?,
        seq: number(seq)?,
    }))
}

fn to_wire(entry: AccessEntry) -> Result<AccessLogEntry, ApiError> {
    let at = chrono::DateTime::from_timestamp(entry.at, 0)
        .ok_or_else(|| ApiError::internal(format!("stored time {} is out of range", entry.at)))?
        .with_timezone(&VIETNAM);
    Ok(AccessLogEntry {
        id: entry.id,
        at,
        action: entry.action,
        resource: entry.resource,
        resource_ref: entry.resource_ref,
        staff: entry.staff,
        venue: entry.venue,
        session_id: entry.session_id,
        consent: entry.consent,
    })
}

#[utoipa::path(get, path = "/v1/me/access-log", tag = "profile", security(("bearer" = [])),
    params(AccessLogQuery),
    responses((status = 200, description = "Who used the citizen's data: every assisted session opened for them, every read of their data by staff and every submission made in a session, newest first, 50 a page. Append-only: nothing in it can be changed or deleted. Only the citizen's own token reads it; an assisted-session token, a staff or an officer token gets 403 `forbidden`.", body = AccessLog)))]
pub async fn access_log(
    State(state): State<AppState>,
    auth: CitizenOnly,
    ApiQuery(query): ApiQuery<AccessLogQuery>,
) -> Result<axum::Json<AccessLog>, ApiError> {
    let before = parse_cursor(query.cursor.as_deref())?;
    let page = state
        .store
        .access_log(auth.citizen_id, before, PAGE_SIZE)
        .await?;
    Ok(axum::Json(AccessLog {
        items: page
            .entries
            .into_iter()
            .map(to_wire)
            .collect::<Result<_, _>>()?,
        next_cursor: page.next.map(format_cursor),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_name_a_position_the_portal_gave_out() {
        let position = AccessLogPosition {
            at: 1_790_000_000,
            seq: 42,
        };
        assert_eq!(
            parse_cursor(Some(&format_cursor(position))).expect("its own cursor"),
            Some(position)
        );
        assert_eq!(parse_cursor(None).expect("absent"), None);
        assert_eq!(parse_cursor(Some("")).expect("empty"), None);
        for bad in ["42", "a.b", "-1.2", "1.-2", "1.2.3"] {
            assert!(parse_cursor(Some(bad)).is_err(), "{bad} is refused");
        }
    }
}
