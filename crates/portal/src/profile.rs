//! The citizen's profile and document wallet.

use axum::extract::State;
use opendvc_api::{DocumentList, Profile};

use crate::auth::{CitizenRead, reads};
use crate::error::ApiError;
use crate::state::AppState;

#[utoipa::path(get, path = "/v1/me", tag = "profile", security(("bearer" = [])),
    responses((status = 200, description = "The signed-in citizen, or the citizen of an assisted session with the `read` scope.", body = Profile)))]
pub async fn me(
    State(state): State<AppState>,
    auth: CitizenRead<reads::Me>,
) -> Result<axum::Json<Profile>, ApiError> {
    let citizen = state
        .store
        .citizen(auth.citizen_id)
        .await?
        .ok_or_else(|| ApiError::not_found("The citizen no longer exists."))?;
    Ok(axum::Json(citizen.profile))
}

#[utoipa::path(get, path = "/v1/documents", tag = "profile", security(("bearer" = [])),
    responses((status = 200, description = "The citizen's documents from the data warehouse.", body = DocumentList)))]
pub async fn documents(
    State(state): State<AppState>,
    auth: CitizenRead<reads::Wallet>,
) -> Result<axum::Json<DocumentList>, ApiError> {
    let items = state.store.documents(auth.citizen_id).await?;
    Ok(axum::Json(DocumentList { items }))
}
