//! The citizen's profile and document wallet.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use opendvc_api::{
    Document, DocumentList, DocumentReminders, DocumentSource, NewDocument, Profile,
};
use opendvc_rules::document::{check_new_document, tidy_new_document};
use opendvc_rules::vietnam_today;
use uuid::Uuid;

use crate::auth::{CitizenOnly, CitizenRead, reads};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::idempotency::{self, Begin};
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
    responses((status = 200, description = "The citizen's documents: from the data warehouse (source `warehouse`) and those the citizen added (source `citizen`).", body = DocumentList)))]
pub async fn documents(
    State(state): State<AppState>,
    auth: CitizenRead<reads::Wallet>,
) -> Result<axum::Json<DocumentList>, ApiError> {
    let items = state.store.documents(auth.citizen_id).await?;
    Ok(axum::Json(DocumentList { items }))
}

/// A document the citizen adds to their own wallet by hand: checked by the shared rule
/// (`opendvc_rules::document`), stored with source `citizen` under a new id, and entered in the
/// change log with its idempotency answer in one transaction, so `/v1/sync` brings it to the
/// citizen's other devices and a resend with the same key gets the same document.
#[utoipa::path(post, path = "/v1/documents", tag = "profile", security(("bearer" = [])),
    request_body = NewDocument,
    responses((status = 201, description = "Added to the citizen's own wallet (source `citizen`, a new `id`); it appears in `GET /v1/documents` and in `/v1/sync` on every device. A replay of the same request with the same Idempotency-Key answers the stored document with `Idempotent-Replayed: true`; the same key with another request is 422 `idempotency_key_reused`. Only the citizen, signed in with their own code, adds documents (403 for anyone else). Each problem names its field: `kind` (one of the known kinds), `number` and `issuer` (required, at most 200 characters), `issuedOn` (not after today in Vietnam), `expiresOn` (after `issuedOn`), `classes`.", body = Document)))]
pub async fn add_document(
    State(state): State<AppState>,
    auth: CitizenOnly,
    headers: HeaderMap,
    ApiJson(new): ApiJson<NewDocument>,
) -> Result<Response, ApiError> {
    let begin = idempotency::begin_as(
        &state,
        &headers,
        &auth.citizen_id.to_string(),
        None,
        ("POST", "/v1/documents"),
        &new,
        StatusCode::CREATED,
    )
    .await?;
    let (record, _guard) = match begin {
        Begin::Replay(response) => return Ok(response),
        Begin::Fresh { record, guard } => (record, guard),
    };
    let now = state.clock.now();
    let errors = check_new_document(&new, vietnam_today(now));
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let new = tidy_new_document(&new);
    let document = Document {
        id: Uuid::now_v7(),
        kind: new.kind,
        number: new.number,
        issued_on: new.issued_on,
        expires_on: new.expires_on,
        issuer: new.issuer,
        classes: new.classes,
        source: DocumentSource::Citizen,
        updated_at: now,
        reminders: DocumentReminders::default(),
    };
    let stored = state
        .store
        .add_document(auth.citizen_id, &document, Some(record))
        .await?;
    Ok((StatusCode::CREATED, axum::Json(stored)).into_response())
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
