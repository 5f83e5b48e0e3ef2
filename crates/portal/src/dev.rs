//! Demo-only endpoints and the health check.

use axum::extract::State;
use opendvc_api::DevMessage;

use crate::error::ApiError;
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
    Ok(axum::Json(state.db(|store| store.messages()).await?))
}

#[utoipa::path(get, path = "/healthz", tag = "meta",
    responses((status = 200, description = "The portal is up.", body = String, content_type = "text/plain")))]
pub async fn health() -> &'static str {
    "ok"
}
