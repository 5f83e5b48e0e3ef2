//! Residents' feedback (issue 16): the services and their routing (`data`), and the public
//! list of services (`GET /v1/feedback/services`), and photos' location stripped (`exif`).

pub mod data;
#[cfg_attr(
    not(test),
    expect(
        dead_code,
        reason = "filing feedback (fb-portal) and Open311 media call it once they land"
    )
)]
pub mod exif;

use axum::extract::State;
use opendvc_api::FeedbackServices;

use crate::state::AppState;

#[utoipa::path(get, path = "/v1/feedback/services", tag = "feedback",
    responses((status = 200, description = "The services (categories) feedback can be filed in, with the hours within which the first answer is due (around the clock) and the working days within which it is resolved. Public: no token needed. The same list is Open311's `services.json`.", body = FeedbackServices)))]
pub async fn services(State(state): State<AppState>) -> axum::Json<FeedbackServices> {
    axum::Json(state.data.feedback.wire())
}
