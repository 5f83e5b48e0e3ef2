//! The citizen's profile and document wallet.

use axum::extract::State;
use opendvc_api::{Document, DocumentList, DocumentReminders, Profile};
use uuid::Uuid;

use crate::auth::{CitizenOnly, CitizenRead, reads};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
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

/// The whole choice is sent each time and replaces the stored one, so a resend is harmless and
/// no `Idempotency-Key` is needed (as for any `PUT` that sets a value).
#[utoipa::path(put, path = "/v1/me/documents/{id}/reminders", tag = "profile", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Document id")),
    request_body = DocumentReminders,
    responses((status = 200, description = "The choice is stored on the document, which sync brings to every device, and the portal's renewal notices follow it: none while switched off, none before the snooze's day. Setting the stored choice again changes nothing. Only the citizen, signed in with their own code, chooses (403 for anyone else); a document the citizen does not hold is 404.", body = Document)))]
pub async fn set_document_reminders(
    State(state): State<AppState>,
    auth: CitizenOnly,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(reminders): ApiJson<DocumentReminders>,
) -> Result<axum::Json<Document>, ApiError> {
    let now = state.clock.now();
    state
        .store
        .set_document_reminders(auth.citizen_id, id, reminders, now)
        .await?
        .map(axum::Json)
        .ok_or_else(|| ApiError::not_found("No such document."))
}
