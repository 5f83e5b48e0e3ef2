//! Demo-only endpoints and the health check.

use std::sync::Arc;

use axum::extract::State;
use opendvc_api::{DevClock, DevClockAdvance, DevMessage, ErrorCode, Problem};

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
    responses((status = 200, description = "Demo mode only: moves the portal's clock forward (never back), so windows of hours or days can be tried without waiting. The daily housekeeping (expired idempotency keys, rate-limit rows and codes, unused uploads past their windows) and the renewal notices due run for the new time before the answer.", body = DevClock)))]
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
    // Renewal notices are due by the portal's clock: a day reached by moving the clock gets
    // its notices before the answer, as a day reached by waiting gets them from the daily run.
    match opendvc_rules::renewal::RulesTable::built_in() {
        Ok(rules) => crate::renewal_notices::log(
            crate::renewal_notices::write_due(&state, rules, true).await,
        ),
        Err(error) => tracing::error!(%error, "the built-in renewal rules do not load"),
    }
    // So are the operations centre's warnings of late applications.
    crate::late_warnings::log(crate::late_warnings::write_due(&state).await);
    crate::feedback::warnings::log(crate::feedback::warnings::write_due(&state).await);
    // And the reconciliation of payments whose provider callback never came.
    crate::payments::reconcile::log(crate::payments::reconcile::run(&state).await);
    Ok(axum::Json(DevClock {
        now: state.clock.now(),
        offset_seconds,
    }))
}

#[utoipa::path(get, path = "/healthz", tag = "meta",
    responses((status = 200, description = "Liveness: the process is up and answers. It does not look at the database, so a load balancer does not restart every instance when the database is away; use `/readyz` to route traffic.", body = String, content_type = "text/plain")))]
pub async fn health() -> &'static str {
    "ok"
}

#[utoipa::path(get, path = "/readyz", tag = "meta",
    responses(
        (status = 200, description = "Readiness: the database answers and its schema has every migration this portal knows. A load balancer sends traffic only to instances that answer 200.", body = String, content_type = "text/plain"),
        (status = 503, description = "Not ready: the database is unreachable, its schema is behind (run `opendvc-portal migrate`), or the disk failed to confirm a write (SQLite: restart the portal once the disk is fixed); the cause is in the portal's log.", body = Problem, content_type = "application/problem+json")))]
pub async fn ready(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    match state.store.readiness().await {
        Ok(()) => Ok("ok"),
        Err(error) => {
            tracing::warn!(%error, "not ready");
            let mut refusal = ApiError::new(
                ErrorCode::Internal,
                "The portal cannot use its database just now (unreachable, schema behind, or a disk that failed a write); try another instance or later.",
            );
            refusal.problem.status = 503;
            refusal.problem.title = "Service unavailable".into();
            Err(refusal.with_retry_after(5))
        }
    }
}
