//! The officer side: moving applications along their workflow, over HTTP (officer token),
//! from the command line, and from the demo's automatic advance. All three use `transition`.
//! Over HTTP an officer acts only for their own agency; the command line and the demo advance
//! run on the server itself and act for any.

use std::sync::Arc;

use axum::extract::State;
use chrono::{DateTime, FixedOffset};
use opendvc_api::{Actor, ActorKind, Application, TransitionRequest};
use uuid::Uuid;

use crate::auth::OfficerAuth;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::i18n::Texts;
use crate::notices;
use crate::sender::{Outgoing, Sender};
use crate::state::AppState;
use crate::store::Store;
use crate::workflow;

/// The timeline actor of an officer.
pub fn officer_actor(code: &str, organisation: &str) -> Actor {
    Actor {
        kind: ActorKind::Officer,
        name: organisation.to_owned(),
        code: Some(code.to_owned()),
        venue: None,
    }
}

/// Applies an officer's transition to application `id` and notifies the citizen by e-mail
/// when the status changed. Blocking.
pub fn transition(
    store: &dyn Store,
    texts: &Arc<Texts>,
    sender: &dyn Sender,
    id: Uuid,
    request: TransitionRequest,
    actor: Actor,
    now: DateTime<FixedOffset>,
) -> Result<Application, ApiError> {
    let decide_texts = texts.clone();
    let before = store
        .application(None, id)?
        .ok_or_else(|| ApiError::not_found("No such application."))?;
    let application = store.change_application(
        None,
        id,
        Box::new(move |current| {
            workflow::officer_change(current, &request, &actor, &decide_texts, now)
        }),
        now,
        None,
    )?;
    if application.status != before.status
        && let Some(citizen_id) = store.citizen_of_application(id)?
        && let Some(citizen) = store.citizen(citizen_id)?
        && let Some(email) = citizen.profile.email.clone()
    {
        sender.send(
            Outgoing {
                to: email,
                channel: "email",
                kind: "status-email".to_owned(),
                body: notices::status_email(texts, &citizen.profile.language, &application),
            },
            now,
        );
    }
    Ok(application)
}

#[utoipa::path(post, path = "/v1/officer/applications/{id}/transition", tag = "officer", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Application id")),
    request_body = TransitionRequest,
    responses((status = 200, description = "The application after the transition. An officer acts only for their agency: an application of a procedure whose `agencyId` is not the officer's agency answers 404, as one that does not exist.", body = Application)))]
pub async fn transition_handler(
    State(state): State<AppState>,
    OfficerAuth(officer): OfficerAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<TransitionRequest>,
) -> Result<axum::Json<Application>, ApiError> {
    if request
        .note
        .as_deref()
        .is_some_and(|note| note.chars().count() > 2000)
    {
        return Err(ApiError::field("note", "too long"));
    }
    let now = state.clock.now();
    let actor = officer_actor(&officer.code, &officer.organisation);
    let store = state.store.clone();
    let texts = state.texts.clone();
    let sender = state.sender.clone();
    let data = state.data.clone();
    tokio::task::spawn_blocking(move || {
        // Another agency's application is not found, as one that does not exist: an officer
        // learns nothing of the applications their agency does not handle.
        let handled = store.application(None, id)?.is_some_and(|application| {
            officer.agency.as_deref().is_some_and(|agency| {
                data.procedure(&application.procedure_id)
                    .is_some_and(|procedure| procedure.agency_id == agency)
            })
        });
        if !handled {
            return Err(ApiError::not_found("No such application."));
        }
        transition(
            store.as_ref(),
            &texts,
            sender.as_ref(),
            id,
            request,
            actor,
            now,
        )
    })
    .await
    .map_err(ApiError::internal)?
    .map(axum::Json)
}
