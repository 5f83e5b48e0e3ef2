//! Demo-only endpoints and the health check.

use std::sync::Arc;

use axum::extract::State;
use opendvc_api::{DevClock, DevClockAdvance, DevMessage};

use crate::clock::DemoClock;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::state::AppState;

#[utoipa::path(get, path = "/v1/dev/messages", tag = "dev",
    responses((status = 200, description = "Demo mode only: what the portal sent, oldest first.", body = [DevMessage])))]
pub async fn messages(
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<DevMessage>>, ApiError> {
    if !state.config.demo {
        return Err(ApiError::not_found(
            "The dev outbox exists only in demo mode.",
        ));
    }
    Ok(axum::Json(state.store.messages().await?))
}

#[utoipa::path(post, path = "/v1/dev/clock", tag = "dev",
    request_body = DevClockAdvance,
    responses((status = 200, description = "Demo mode only: moves the portal's clock forward (never back), so windows of hours or days can be tried without waiting. The daily housekeeping (expired idempotency keys, rate-limit rows and codes, unused uploads past their windows) runs for the new time before the answer.", body = DevClock)))]
pub async fn advance_clock(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<DevClockAdvance>,
) -> Result<axum::Json<DevClock>, ApiError> {
    let clock: &Arc<DemoClock> = state
        .demo_clock
        .as_ref()
        .filter(|_| state.config.demo)
        .ok_or_else(|| ApiError::not_found("The clock moves only in demo mode."))?;
    let offset_seconds = clock.advance(request.advance_seconds);
    crate::housekeeping::log(crate::housekeeping::run(&state).await);
    Ok(axum::Json(DevClock {
        now: state.clock.now(),
        offset_seconds,
    }))
}

#[utoipa::path(get, path = "/healthz", tag = "meta",
    responses((status = 200, description = "The portal is up.", body = String, content_type = "text/plain")))]
pub async fn health() -> &'static str {
    "ok"
}
