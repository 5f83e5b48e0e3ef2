//! Residents' feedback (issue 16): the services and their routing (`data`), the public list
//! of services (`GET /v1/feedback/services`), photos' location stripped (`exif`), the
//! resident's side (`resident`: filing, reading, photos, rating, reopening), the officers' side
//! (`officer`: queue, item, answer, assignment, hand-off; `answer_photo`: an answer's photo;
//! `answer_notice`: the answer's SMS and e-mail to its reporter), and what both compute alike
//! (`view`: the clocks of an item, the flags of its state), and the early warnings on its
//! clocks (`warnings`).

pub mod answer_notice;
pub mod answer_photo;
pub mod data;
pub mod exif;
pub mod officer;
pub mod resident;
pub mod view;
pub mod warnings;

use axum::extract::State;
use opendvc_api::FeedbackServices;

use crate::state::AppState;

#[utoipa::path(get, path = "/v1/feedback/services", tag = "feedback",
    responses((status = 200, description = "The services (categories) feedback can be filed in, with the hours within which the first answer is due (around the clock) and the working days within which it is resolved. Public: no token needed. The same list is Open311's `services.json`.", body = FeedbackServices)))]
pub async fn services(State(state): State<AppState>) -> axum::Json<FeedbackServices> {
    axum::Json(state.data.feedback.wire())
}
