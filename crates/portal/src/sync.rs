//! Pull sync: a per-citizen change log with a monotonic sequence. Each change moves the
//! entity to the end of the log, so a page lists each entity once, in its latest state.

use axum::extract::State;
use opendvc_api::SyncResponse;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{CitizenRead, reads};
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::state::AppState;

/// Entities per page.
pub const PAGE_SIZE: usize = 200;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SyncQuery {
    /// The cursor of the previous answer; omit it for everything.
    #[param(pattern = "^[0-9]{0,18}$")]
    pub cursor: Option<String>,
}

/// Parses a cursor: the decimal sequence number of the last change the client has.
pub fn parse_cursor(cursor: Option<&str>) -> Result<i64, ApiError> {
    match cursor.map(str::trim) {
        None | Some("") => Ok(0),
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|seq| *seq >= 0)
            .ok_or_else(|| ApiError::malformed("The cursor is not one this portal gave out.")),
    }
}

#[utoipa::path(get, path = "/v1/sync", tag = "sync", security(("bearer" = [])),
    params(SyncQuery),
    responses((status = 200, description = "What changed after the cursor, at most 200 entities; call again at once while hasMore.", body = SyncResponse)))]
pub async fn sync(
    State(state): State<AppState>,
    auth: CitizenRead<reads::Changes>,
    ApiQuery(query): ApiQuery<SyncQuery>,
) -> Result<axum::Json<SyncResponse>, ApiError> {
    let after = parse_cursor(query.cursor.as_deref())?;
    let page = state
        .store
        .sync_page(auth.citizen_id, after, PAGE_SIZE)
        .await?;
    Ok(axum::Json(SyncResponse {
        feedback: page.feedback,
        cursor: page.last_seq.to_string(),
        has_more: page.has_more,
        profile: page.profile,
        applications: page.applications,
        documents: page.documents,
        inbox: page.inbox,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_non_negative_numbers() {
        assert_eq!(parse_cursor(None).expect("absent"), 0);
        assert_eq!(parse_cursor(Some("")).expect("empty"), 0);
        assert_eq!(parse_cursor(Some("42")).expect("number"), 42);
        assert!(parse_cursor(Some("-1")).is_err());
        assert!(parse_cursor(Some("abc")).is_err());
    }
}
