//! The officer side: moving applications along their workflow, over HTTP (officer token),
//! from the command line, and from the demo's automatic advance. All three use `transition`.
//! Over HTTP an officer acts only for their own agency (`officer_transition`); the command
//! line runs on the server itself and acts for any (`server_transition`). Both check the
//! request alike (`check_request`).

use std::sync::{Arc, Mutex};

use axum::extract::State;
use chrono::{DateTime, FixedOffset};
use opendvc_api::{Actor, ActorKind, Application, ApplicationStatus, TransitionRequest};
use uuid::Uuid;

use crate::auth::OfficerAuth;
use crate::data::ReferenceData;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::i18n::Texts;
use crate::notifications::Outbox;
use crate::notifications::compose::{Composer, Recipient};
use crate::scope::{Scope, officer_only};
use crate::state::AppState;
use crate::store::{StaffRecord, Store};
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

/// The longest note an officer may add to a transition, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// Refuses what no transition may carry, whoever sends it.
pub fn check_request(request: &TransitionRequest) -> Result<(), ApiError> {
    if request
        .note
        .as_deref()
        .is_some_and(|note| note.chars().count() > MAX_NOTE_CHARS)
    {
        return Err(ApiError::field("note", "too long"));
    }
    let blank = request
        .note
        .as_deref()
        .is_none_or(|note| note.trim().is_empty());
    if blank
        && matches!(
            request.to,
            Some(ApplicationStatus::SupplementRequested | ApplicationStatus::Rejected)
        )
    {
        return Err(ApiError::field(
            "note",
            "say what is missing (supplement) or why the application is refused (rejection)",
        ));
    }
    Ok(())
}

/// An application by its code or its id.
pub async fn find_application(
    store: &dyn Store,
    code_or_id: &str,
) -> Result<Application, ApiError> {
    let found = match Uuid::parse_str(code_or_id) {
        Ok(id) => store.application(None, id).await?,
        Err(_) => store.application_by_code(code_or_id).await?,
    };
    found
        .ok_or_else(|| ApiError::not_found(format!("No application with code or id {code_or_id}.")))
}

/// What moving an application needs besides the request: the store, the reference data (a
/// procedure's agency), the texts, the notification outbox and the public address the SMS link
/// to.
#[derive(Clone, Copy)]
pub struct Desk<'a> {
    pub store: &'a dyn Store,
    pub data: &'a ReferenceData,
    pub texts: &'a Arc<Texts>,
    pub outbox: &'a Arc<Outbox>,
    pub public_url: &'a str,
}

/// The desk of the serving portal.
pub fn desk(state: &AppState) -> Desk<'_> {
    Desk {
        store: state.store.as_ref(),
        data: &state.data,
        texts: &state.texts,
        outbox: &state.outbox,
        public_url: &state.config.public_url,
    }
}

impl std::fmt::Debug for Desk<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk").finish_non_exhaustive()
    }
}

/// `officer` moves application `id`: only one in their scope (`crate::scope`): another
/// agency's (or unit's) answers 403, one that does not exist 404. Supervisors move none (403).
pub async fn officer_transition(
    desk: Desk<'_>,
    officer: &StaffRecord,
    id: Uuid,
    request: TransitionRequest,
    now: DateTime<FixedOffset>,
) -> Result<Application, ApiError> {
    let scope = Scope::of(officer, desk.data)?;
    officer_only(officer)?;
    crate::officer_api::scoped_application(desk, &scope, id).await?;
    check_request(&request)?;
    let actor = officer_actor(&officer.code, &officer.organisation);
    transition(desk, id, request, actor, now).await
}

/// The server itself (the officer command line) moves the application `code_or_id`, of any
/// agency, in the name of its procedure's agency.
pub async fn server_transition(
    desk: Desk<'_>,
    code_or_id: &str,
    request: TransitionRequest,
    now: DateTime<FixedOffset>,
) -> Result<Application, ApiError> {
    check_request(&request)?;
    let application = find_application(desk.store, code_or_id).await?;
    let actor = server_actor(desk.data, &application.procedure_id);
    transition(desk, application.id, request, actor, now).await
}

/// The timeline actor of the server itself (the `officer` command line) acting on an
/// application of `procedure_id`: the procedure's agency, code `CLI`.
pub fn server_actor(data: &ReferenceData, procedure_id: &str) -> Actor {
    let agency = data
        .procedure(procedure_id)
        .map(|procedure| procedure.agency.vi.clone())
        .unwrap_or_default();
    officer_actor("CLI", &agency)
}

/// Applies an officer's transition to application `id`, with the SMS and e-mail it causes by
/// the citizen's settings written into the notification outbox in the same transaction.
pub async fn transition(
    desk: Desk<'_>,
    id: Uuid,
    request: TransitionRequest,
    actor: Actor,
    now: DateTime<FixedOffset>,
) -> Result<Application, ApiError> {
    let recipient = Recipient::of_application(desk.store, id).await?;
    let texts = desk.texts.clone();
    let public_url = desk.public_url.to_owned();
    let caused: Arc<Mutex<Vec<Uuid>>> = Arc::default();
    let written = caused.clone();
    let application = desk
        .store
        .change_application(
            None,
            id,
            Box::new(move |current| {
                let mut change = workflow::officer_change(current, &request, &actor, &texts, now)?;
                if let Some(recipient) = &recipient {
                    let composer = Composer {
                        texts: &texts,
                        status_link: crate::status_page::public_link(&public_url, &current.code),
                        recipient,
                        now,
                    };
                    change.notices = composer.change_notices(current, &change);
                    *written
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner()) =
                        change.notices.iter().map(|notice| notice.id).collect();
                }
                Ok(change)
            }),
            now,
            None,
        )
        .await?;
    let ids = caused
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    desk.outbox.caused(&ids).await;
    Ok(application)
}

#[utoipa::path(post, path = "/v1/officer/applications/{id}/transition", tag = "officer", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Application id")),
    request_body = TransitionRequest,
    responses((status = 200, description = "The application after the transition. An officer acts only in their scope: an application of another agency (or, for a commune-level office, of another unit) answers 403, as does any transition by a supervisor. A supplement request or a rejection needs a `note` (422 naming it); dispatch by post a tracking number.", body = Application)))]
pub async fn transition_handler(
    State(state): State<AppState>,
    OfficerAuth(officer): OfficerAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<TransitionRequest>,
) -> Result<axum::Json<Application>, ApiError> {
    let now = state.clock.now();
    officer_transition(desk(&state), &officer, id, request, now)
        .await
        .map(axum::Json)
}
