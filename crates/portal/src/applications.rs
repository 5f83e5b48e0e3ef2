//! Applications on the citizen side: submit, read, list, and the follow-ups (supplements,
//! delivery change, withdrawal, rating). Every state-changing request is idempotent.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset};
use opendvc_api::{
    AccessAction, AccessResource, Application, ApplicationList, ApplicationStatus, AssistScope,
    DeliveryChoice, DeliveryMethod, DeliveryState, FieldError, NewApplication, NewSupplement,
    Rating, Supplement, WithdrawRequest,
};
use opendvc_rules::form::{FormUse, check_form};
use opendvc_rules::{granted_days, vietnam_today};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

use crate::auth::{CitizenAuth, CitizenRead, CitizenSubmit, reads};
use crate::data::ReferenceData;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, OptionalJson};
use crate::i18n::Texts;
use crate::idempotency::{self, Begin};
use crate::notices;
use crate::notifications::compose::{Composer, Recipient, date_text};
use crate::state::AppState;
use crate::store::{ApplicationChange, ApplicationDraft, ChangeDecision, NoticesOfNew};
use crate::submission::{self, DEFAULT_MAX_TEXT, check_attachments, delivery_for, upload_ids};

fn json_response(status: StatusCode, application: &Application) -> Result<Response, ApiError> {
    let body = serde_json::to_string(application).map_err(ApiError::internal)?;
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

fn too_long(text: Option<&str>) -> bool {
    text.is_some_and(|text| text.chars().count() > DEFAULT_MAX_TEXT)
}

/// The caller's own uploads among `attachments`, and the ids of the caller's wallet documents.
async fn ownership(
    state: &AppState,
    citizen_id: Uuid,
    attachments: &[opendvc_api::AttachmentRef],
) -> Result<(Vec<String>, Vec<Uuid>), ApiError> {
    let ids = upload_ids(attachments);
    let needs_wallet = attachments
        .iter()
        .any(|attachment| matches!(attachment, opendvc_api::AttachmentRef::Wallet { .. }));
    if ids.is_empty() && !needs_wallet {
        return Ok((Vec::new(), Vec::new()));
    }
    let owned = async {
        if ids.is_empty() {
            Ok(Vec::new())
        } else {
            state.store.owned_attachments(citizen_id, &ids).await
        }
    };
    let wallet = async {
        if needs_wallet {
            state.store.documents(citizen_id).await
        } else {
            Ok(Vec::new())
        }
    };
    let (owned, wallet) = tokio::join!(owned, wallet);
    let wallet = wallet?.into_iter().map(|document| document.id).collect();
    Ok((owned?, wallet))
}

/// The notices that a new application due at `due_at` was received, composed for `recipient`
/// once the store has given it its code, in the transaction that writes it; the ids of the
/// notices composed are added to `written`. The due date in words does not depend on the code
/// and is written here, before the write: inside it the writer connection, which every write
/// waits for in turn, would be held for it.
pub(crate) fn notices_of_new(
    texts: Arc<Texts>,
    public_url: String,
    recipient: Recipient,
    due_at: DateTime<FixedOffset>,
    written: Arc<Mutex<Vec<Uuid>>>,
) -> NoticesOfNew {
    let due = date_text(&texts, &recipient.language, due_at);
    NoticesOfNew::new(move |application| {
        let composer = Composer {
            texts: &texts,
            status_link: crate::status_page::public_link(&public_url, &application.code),
            recipient: &recipient,
            now: application.submitted_at,
        };
        let notices = composer.received_notices(application, &due);
        written
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .extend(notices.iter().map(|notice| notice.id));
        notices
    })
}

#[utoipa::path(post, path = "/v1/applications", tag = "applications", security(("bearer" = [])),
    request_body = NewApplication,
    responses((status = 201, description = "Submitted. A replay of the same request with the same Idempotency-Key answers the stored response with `Idempotent-Replayed: true`.", body = Application)))]
pub async fn create(
    State(state): State<AppState>,
    auth: CitizenSubmit,
    headers: HeaderMap,
    ApiJson(new): ApiJson<NewApplication>,
) -> Result<Response, ApiError> {
    // What a submission reads, read at once: each read is a hop to the store's blocking pool,
    // and one after the other they would add up in every answer. On a replay the others are
    // dropped unused.
    let (begin, ownership, citizen, settings) = tokio::join!(
        idempotency::begin(
            &state,
            &headers,
            &auth,
            "POST",
            "/v1/applications",
            &new,
            StatusCode::CREATED,
        ),
        ownership(&state, auth.citizen_id, &new.attachments),
        state.store.citizen(auth.citizen_id),
        state.store.notification_settings(auth.citizen_id),
    );
    let begin = begin?;
    let (record, _guard) = match begin {
        Begin::Replay(response) => return Ok(response),
        Begin::Fresh { record, guard } => (record, guard),
    };
    let procedure = state
        .data
        .procedure(&new.procedure_id)
        .ok_or_else(|| ApiError::field("procedureId", "no such procedure"))?;
    // The shared rules, as the app applied them before it queued: the form is kept as they
    // normalise it (trimmed, phones as +84…).
    let form = check_form(procedure, &new.form, FormUse::Submission);
    let mut errors: Vec<FieldError> = form.problems.into_iter().map(FieldError::from).collect();
    let delivery = match delivery_for(&state.data, procedure, &new.form, &new.delivery) {
        Ok(delivery) => Some(delivery),
        Err(delivery_errors) => {
            errors.extend(delivery_errors);
            None
        }
    };
    let (owned, wallet) = ownership?;
    errors.extend(check_attachments(
        procedure,
        &new.attachments,
        &owned,
        &wallet,
        "attachments",
    ));
    let (true, Some(delivery)) = (errors.is_empty(), delivery) else {
        return Err(ApiError::validation(errors));
    };
    let now = state.clock.now();
    let channel = auth.channel();
    let citizen = citizen?;
    let birth_date = citizen.as_ref().map(|c| c.profile.birth_date);
    let unit_code = citizen
        .as_ref()
        .map(|c| c.profile.address.unit_code.clone());
    let quote = submission::fee_quote(
        procedure,
        &form.value,
        new.fee_case.as_deref(),
        birth_date,
        channel,
        vietnam_today(now),
    )
    .map_err(ApiError::validation)?;
    let processing_days = granted_days(&procedure.processing_days, channel);
    let id = Uuid::now_v7();
    let caused: Arc<Mutex<Vec<Uuid>>> = Arc::default();
    // Every new application is confirmed by SMS and e-mail with its code and due date, written
    // in the submission's transaction (also when an assisted submission arrives hours later
    // from an outreach laptop that was offline).
    let recipient = match citizen {
        Some(citizen) => Some(Recipient::from_record(
            citizen,
            settings?.unwrap_or_default(),
        )),
        None => None,
    };
    let due_at = state.calendar.due_at(now, processing_days);
    let notices = match recipient {
        Some(recipient) => notices_of_new(
            state.texts.clone(),
            state.config.public_url.clone(),
            recipient,
            due_at,
            caused.clone(),
        ),
        None => NoticesOfNew::default(),
    };
    let draft = ApplicationDraft {
        id,
        citizen_id: auth.citizen_id,
        code_prefix: submission::code_prefix(now),
        procedure_id: procedure.id.clone(),
        procedure_name: procedure.name.clone(),
        unit_code,
        channel,
        submitted_by: auth.submitted_by(),
        submitted_at: now,
        due_at,
        processing_days,
        form: form.value,
        attachments: new.attachments,
        delivery,
        fee: quote.fee,
        fee_lines: quote.lines,
        first_status: if procedure.pay_before_processing {
            ApplicationStatus::AwaitingPayment
        } else {
            ApplicationStatus::Received
        },
        first_entry_actor: auth.actor(),
        first_entry_note: None,
        access: auth.access(
            AccessAction::Submitted,
            AccessResource::Application,
            None,
            now.timestamp(),
        ),
        notices,
    };
    let application = state.store.create_application(draft, Some(record)).await?;
    let ids = caused
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    state.outbox.caused(&ids).await;
    let mut response = json_response(StatusCode::CREATED, &application)?;
    if let Ok(location) = HeaderValue::from_str(&format!("/v1/applications/{id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

#[utoipa::path(get, path = "/v1/applications", tag = "applications", security(("bearer" = [])),
    responses((status = 200, description = "The caller's applications, newest first.", body = ApplicationList)))]
pub async fn list(
    State(state): State<AppState>,
    auth: CitizenRead<reads::AllApplications>,
) -> Result<axum::Json<ApplicationList>, ApiError> {
    let items = state.store.applications(auth.citizen_id).await?;
    Ok(axum::Json(ApplicationList { items }))
}

#[utoipa::path(get, path = "/v1/applications/{id}", tag = "applications", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Application id")),
    responses((status = 200, description = "The application with its timeline.", body = Application)))]
pub async fn get(
    State(state): State<AppState>,
    auth: CitizenRead<reads::OneApplication>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<axum::Json<Application>, ApiError> {
    state
        .store
        .application(Some(auth.citizen_id), id)
        .await?
        .map(axum::Json)
        .ok_or_else(|| ApiError::not_found("No such application."))
}

/// Runs an idempotent follow-up on application `id`: `decide` computes the change from the
/// current state inside the store's transaction. A staff member's follow-up is recorded in the
/// citizen's access log with the change. A session that may not read (a paper consent) follows
/// up only on what it submitted itself: the answer shows the whole application, and another
/// application is not found, as for any caller who may not see it.
async fn follow_up<T: serde::Serialize>(
    state: &AppState,
    auth: &CitizenAuth,
    headers: &HeaderMap,
    id: Uuid,
    action: &str,
    request: &T,
    decide: ChangeDecision,
) -> Result<Response, ApiError> {
    if let Some(session) = auth.session()
        && !session.allows(AssistScope::Read)
    {
        let session_id = session.id;
        let submitted_here = state.store.submitted_in_session(session_id, id).await?;
        if !submitted_here {
            return Err(ApiError::not_found("No such application."));
        }
    }
    let path = format!("/v1/applications/{id}/{action}");
    let method = if action == "delivery" { "PUT" } else { "POST" };
    let begin =
        idempotency::begin(state, headers, auth, method, &path, request, StatusCode::OK).await?;
    let (record, _guard) = match begin {
        Begin::Replay(response) => return Ok(response),
        Begin::Fresh { record, guard } => (record, guard),
    };
    let now = state.clock.now();
    let citizen_id = auth.citizen_id;
    let access = auth.access(
        AccessAction::Submitted,
        AccessResource::Application,
        None,
        now.timestamp(),
    );
    let decide: ChangeDecision = Box::new(move |application| {
        decide(application).map(|change| ApplicationChange { access, ..change })
    });
    let application = state
        .store
        .change_application(Some(citizen_id), id, decide, now, Some(record))
        .await?;
    json_response(StatusCode::OK, &application)
}

fn procedure_of(
    data: &ReferenceData,
    application: &Application,
) -> Result<opendvc_api::Procedure, ApiError> {
    data.procedure(&application.procedure_id)
        .cloned()
        .ok_or_else(|| {
            ApiError::invalid_state("The procedure of this application is no longer offered.")
        })
}

#[utoipa::path(post, path = "/v1/applications/{id}/supplements", tag = "applications", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Application id")),
    request_body = NewSupplement,
    responses((status = 200, description = "Supplement recorded; the application is back in processing.", body = Application)))]
pub async fn supplement(
    State(state): State<AppState>,
    auth: CitizenSubmit,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<NewSupplement>,
) -> Result<Response, ApiError> {
    if too_long(request.note.as_deref()) {
        return Err(ApiError::field("note", "too long"));
    }
    let (owned, wallet) = ownership(&state, auth.citizen_id, &request.attachments).await?;
    let data = state.data.clone();
    let texts = state.texts.clone();
    let actor = auth.actor();
    let now = state.clock.now();
    let body = request.clone();
    let decide: ChangeDecision = Box::new(move |application| {
        if application.status != ApplicationStatus::SupplementRequested {
            return Err(ApiError::invalid_state(
                "Supplements are accepted only while a supplement is requested.",
            ));
        }
        let procedure = procedure_of(&data, application)?;
        let form = check_form(&procedure, &body.form, FormUse::Supplement);
        let mut errors: Vec<FieldError> = form.problems.into_iter().map(FieldError::from).collect();
        errors.extend(check_attachments(
            &procedure,
            &body.attachments,
            &owned,
            &wallet,
            "attachments",
        ));
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        Ok(ApplicationChange {
            entries: vec![(ApplicationStatus::Processing, actor, body.note.clone())],
            supplement: Some(Supplement {
                id: Uuid::now_v7(),
                at: now,
                note: body.note,
                form: form.value,
                attachments: body.attachments,
            }),
            inbox: vec![notices::status_item(
                &texts,
                application,
                ApplicationStatus::Processing,
                None,
                now,
            )],
            ..ApplicationChange::default()
        })
    });
    follow_up(&state, &auth, &headers, id, "supplements", &request, decide).await
}

#[utoipa::path(put, path = "/v1/applications/{id}/delivery", tag = "applications", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Application id")),
    request_body = DeliveryChoice,
    responses((status = 200, description = "Delivery changed, fee recomputed. Allowed until the result is handed over and before the post is dispatched.", body = Application)))]
pub async fn change_delivery(
    State(state): State<AppState>,
    auth: CitizenSubmit,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(choice): ApiJson<DeliveryChoice>,
) -> Result<Response, ApiError> {
    let data = state.data.clone();
    let texts = state.texts.clone();
    let now = state.clock.now();
    let body = choice.clone();
    let decide: ChangeDecision = Box::new(move |application| {
        let dispatched = application.delivery.method == DeliveryMethod::Post
            && !matches!(
                application.delivery.state,
                None | Some(DeliveryState::Preparing)
            );
        if !application.status.allows_delivery_change() || dispatched {
            return Err(ApiError::invalid_state(
                "The delivery can no longer be changed for this application.",
            ));
        }
        let procedure = procedure_of(&data, application)?;
        let delivery = delivery_for(&data, &procedure, &application.form, &body)
            .map_err(ApiError::validation)?;
        let payable = delivery.payable;
        Ok(ApplicationChange {
            delivery: Some(delivery),
            inbox: vec![notices::delivery_changed_item(
                &texts,
                application,
                payable,
                now,
            )],
            ..ApplicationChange::default()
        })
    });
    follow_up(&state, &auth, &headers, id, "delivery", &choice, decide).await
}

#[utoipa::path(post, path = "/v1/applications/{id}/withdraw", tag = "applications", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Application id")),
    request_body(content = Option<WithdrawRequest>, description = "Optional reason."),
    responses((status = 200, description = "Withdrawn.", body = Application)))]
pub async fn withdraw(
    State(state): State<AppState>,
    auth: CitizenSubmit,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    OptionalJson(request): OptionalJson<WithdrawRequest>,
) -> Result<Response, ApiError> {
    if too_long(request.reason.as_deref()) {
        return Err(ApiError::field("reason", "too long"));
    }
    let texts = state.texts.clone();
    let actor = auth.actor();
    let now = state.clock.now();
    let reason = request.reason.clone();
    let decide: ChangeDecision = Box::new(move |application| {
        if !application.status.allows_withdrawal() {
            return Err(ApiError::invalid_state(
                "This application can no longer be withdrawn.",
            ));
        }
        Ok(ApplicationChange {
            entries: vec![(ApplicationStatus::Withdrawn, actor, reason.clone())],
            inbox: vec![notices::status_item(
                &texts,
                application,
                ApplicationStatus::Withdrawn,
                reason.as_deref(),
                now,
            )],
            ..ApplicationChange::default()
        })
    });
    follow_up(&state, &auth, &headers, id, "withdraw", &request, decide).await
}

#[utoipa::path(post, path = "/v1/applications/{id}/rating", tag = "applications", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Application id")),
    request_body = Rating,
    responses((status = 200, description = "Rating recorded (a later one replaces it). Allowed once the result is ready.", body = Application)))]
pub async fn rate(
    State(state): State<AppState>,
    auth: CitizenSubmit,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(rating): ApiJson<Rating>,
) -> Result<Response, ApiError> {
    if !(1..=5).contains(&rating.stars) {
        return Err(ApiError::field("stars", "must be 1 to 5"));
    }
    if too_long(rating.comment.as_deref()) {
        return Err(ApiError::field("comment", "too long"));
    }
    let body = rating.clone();
    let decide: ChangeDecision = Box::new(move |application| {
        if !matches!(
            application.status,
            ApplicationStatus::Completed | ApplicationStatus::HandedOver
        ) {
            return Err(ApiError::invalid_state(
                "An application can be rated once its result is ready.",
            ));
        }
        Ok(ApplicationChange {
            rating: Some(body),
            ..ApplicationChange::default()
        })
    });
    follow_up(&state, &auth, &headers, id, "rating", &rating, decide).await
}
