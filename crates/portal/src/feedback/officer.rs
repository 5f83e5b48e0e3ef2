//! The officers' side of feedback: the queue of the caller's scope sorted by time left on the
//! running clock (keyset-paginated), one item with its reporter, photos and place, the answer
//! (idempotent; `resolved` closes it), assignment and hand-off to another agency (the clocks
//! keep running). An item outside the caller's scope answers 404, like one that does not
//! exist.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use opendvc_api::{
    AgencyRef, FeedbackAnswer, FeedbackAssign, FeedbackEvent, FeedbackEventKind, FeedbackHandOff,
    FeedbackQueuePage, FeedbackStatus, FeedbackWorkItem, FieldError, FieldProblemCode,
    InboxCategory, InboxItem, MAX_FEEDBACK_TEXT_CHARS, OfficerFeedback, OfficerRef, StaffKind,
};
use serde::Deserialize;
use uuid::Uuid;

use super::answer_notice::{AnswerReader, answer_notices};
use super::resident::{json_body, photo_response};
use super::view::{clocks_of, settle};
use crate::auth::OfficerAuth;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::idempotency::{self, Begin};
use crate::officer::officer_actor;
use crate::scope::Scope;
use crate::state::AppState;
use crate::store::{
    FeedbackChange, FeedbackDecision, FeedbackQueueFilter, FeedbackRecord, StaffRecord,
};

/// The queue's page size when none is asked for, and the largest allowed.
pub const DEFAULT_PAGE: u32 = 50;
pub const MAX_PAGE: u32 = 200;

/// Whether `record` is in `scope`: its agency's (and, for a commune-level officer, its unit's).
pub fn covers(scope: &Scope, record: &FeedbackRecord) -> bool {
    match scope {
        Scope::City => true,
        Scope::Agency {
            agency,
            unit,
            commune,
        } => {
            &record.agency_id == agency
                && (!commune || (unit.is_some() && unit.as_deref() == record.unit_code.as_deref()))
        }
    }
}

/// The item `id` if the caller's scope holds it; 404 otherwise, existing or not.
pub(super) async fn scoped(
    state: &AppState,
    scope: &Scope,
    id: Uuid,
) -> Result<FeedbackRecord, ApiError> {
    state
        .store
        .feedback(id)
        .await?
        .filter(|record| covers(scope, record))
        .ok_or_else(|| ApiError::not_found("No such feedback item in your agency."))
}

/// The query as it arrives: every value a string, so a bad one is a 422 naming it.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawFeedbackQuery {
    limit: Option<String>,
    cursor: Option<String>,
    status: Option<String>,
    category: Option<String>,
    open: Option<String>,
}

fn parse_cursor(cursor: &str) -> Result<(i64, Uuid), ApiError> {
    let bad = || ApiError::field("cursor", "not a cursor of this queue");
    let (key, id) = cursor.split_once('.').ok_or_else(bad)?;
    Ok((
        key.parse().map_err(|_| bad())?,
        Uuid::parse_str(id).map_err(|_| bad())?,
    ))
}

fn filter_of(
    state: &AppState,
    scope: &Scope,
    raw: RawFeedbackQuery,
) -> Result<FeedbackQueueFilter, ApiError> {
    let limit = match raw.limit {
        None => DEFAULT_PAGE,
        Some(limit) => limit
            .parse::<u32>()
            .ok()
            .filter(|limit| (1..=MAX_PAGE).contains(limit))
            .ok_or_else(|| ApiError::field("limit", format!("a number from 1 to {MAX_PAGE}")))?,
    };
    let status = raw
        .status
        .map(|status| {
            serde_json::from_value::<FeedbackStatus>(serde_json::Value::String(status))
                .ok()
                .filter(|status| *status != FeedbackStatus::Unknown)
                .ok_or_else(|| ApiError::field("status", "not a feedback status"))
        })
        .transpose()?;
    let category = raw
        .category
        .filter(|category| !category.trim().is_empty())
        .map(|category| {
            state
                .data
                .feedback
                .service(&category)
                .map(|service| service.code.clone())
                .ok_or_else(|| ApiError::field("category", "not a feedback service"))
        })
        .transpose()?;
    let open_only = match raw.open.as_deref() {
        None | Some("true") => true,
        Some("false") => false,
        Some(_) => return Err(ApiError::field("open", "true or false")),
    };
    let after = raw
        .cursor
        .filter(|cursor| !cursor.is_empty())
        .map(|cursor| parse_cursor(&cursor))
        .transpose()?;
    let (agency, unit) = match scope {
        Scope::City => (None, None),
        Scope::Agency {
            agency,
            unit,
            commune,
        } => (
            Some(agency.clone()),
            // A commune-level officer without a unit sees nothing: no unit is named "".
            if *commune {
                Some(unit.clone().unwrap_or_default())
            } else {
                None
            },
        ),
    };
    Ok(FeedbackQueueFilter {
        agency,
        unit,
        status,
        category,
        open_only,
        after,
        limit,
    })
}

fn work_item(state: &AppState, record: &FeedbackRecord) -> FeedbackWorkItem {
    let now = state.clock.now();
    let clocks = clocks_of(state, record);
    let clock = record.clock();
    let feedback = &record.feedback;
    FeedbackWorkItem {
        id: feedback.id,
        category: feedback.category.clone(),
        summary: feedback.description.chars().take(140).collect(),
        status: feedback.status,
        channel: feedback.channel,
        submitted_at: feedback.submitted_at,
        due_at: feedback.due_at,
        resolve_by: feedback.resolve_by,
        clock,
        deadline: record.deadline(),
        minutes_left: clocks.minutes_left(clock, now),
        urgency: clocks.urgency(clock, now),
        agency_id: record.agency_id.clone(),
        unit_code: record.unit_code.clone(),
        assigned_to: record.assigned_to.clone(),
        photo_count: u32::try_from(feedback.photos.len()).unwrap_or(u32::MAX),
    }
}

#[utoipa::path(get, path = "/v1/officer/feedback", tag = "officer", security(("bearer" = [])),
    params(
        ("limit" = Option<u32>, Query, description = "Page size, 1–200 (default 50)"),
        ("cursor" = Option<String>, Query, description = "The `nextCursor` of the previous page"),
        ("status" = Option<String>, Query, description = "Only items in this status"),
        ("category" = Option<String>, Query, description = "Only items of this service"),
        ("open" = Option<bool>, Query, description = "Only items not closed (default true)")),
    responses((status = 200, description = "The feedback of the caller's scope (an officer's agency, and unit for a commune-level one; a supervisor's agency; every agency for a city-wide supervisor), sorted by the running clock's deadline (the answer clock until answered, then the resolve clock), then id.", body = FeedbackQueuePage)))]
pub async fn queue(
    State(state): State<AppState>,
    OfficerAuth(staff): OfficerAuth,
    ApiQuery(raw): ApiQuery<RawFeedbackQuery>,
) -> Result<axum::Json<FeedbackQueuePage>, ApiError> {
    let scope = Scope::of(&staff, &state.data)?;
    let filter = filter_of(&state, &scope, raw)?;
    let rows = state.store.feedback_queue(&filter).await?;
    let full = rows.items.len() == filter.limit as usize;
    let next_cursor = rows
        .items
        .last()
        .filter(|_| full)
        .map(|last| format!("{}.{}", last.queue_key(), last.feedback.id));
    Ok(axum::Json(FeedbackQueuePage {
        items: rows
            .items
            .iter()
            .map(|record| work_item(&state, record))
            .collect(),
        next_cursor,
        total: rows.total,
    }))
}

async fn officer_view(
    state: &AppState,
    record: FeedbackRecord,
) -> Result<OfficerFeedback, ApiError> {
    let now = state.clock.now();
    let clocks = clocks_of(state, &record);
    let clock = record.clock();
    let officers = state.store.officers_of(&record.agency_id).await?;
    let reference = |officer: &StaffRecord| OfficerRef {
        code: officer.code.clone(),
        name: officer.name.clone(),
    };
    let assigned_to = record.assigned_to.as_ref().map(|code| {
        officers
            .iter()
            .find(|officer| &officer.code == code)
            .map_or_else(
                || OfficerRef {
                    code: code.clone(),
                    name: code.clone(),
                },
                reference,
            )
    });
    let agencies = state
        .data
        .agencies
        .iter()
        .filter(|agency| agency.id != record.agency_id)
        .map(|agency| AgencyRef {
            agency_id: agency.id.clone(),
            name: agency.name.clone(),
        })
        .collect();
    Ok(OfficerFeedback {
        reporter: record.reporter.clone(),
        agency_id: record.agency_id.clone(),
        unit_code: record.unit_code.clone(),
        clock,
        minutes_left: clocks.minutes_left(clock, now),
        urgency: clocks.urgency(clock, now),
        assigned_to,
        assignable: officers
            .iter()
            .filter(|officer| {
                officer.unit.is_none() || officer.unit.as_deref() == record.unit_code.as_deref()
            })
            .map(reference)
            .collect(),
        agencies,
        warnings: state.store.feedback_warnings(record.feedback.id).await?,
        feedback: record.feedback,
    })
}

#[utoipa::path(get, path = "/v1/officer/feedback/{id}", tag = "officer", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Feedback item id")),
    responses((status = 200, description = "The item with its reporter, photos, place, clock and who may take it. An item outside the caller's scope answers 404.", body = OfficerFeedback)))]
pub async fn get(
    State(state): State<AppState>,
    OfficerAuth(staff): OfficerAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<axum::Json<OfficerFeedback>, ApiError> {
    let scope = Scope::of(&staff, &state.data)?;
    let record = scoped(&state, &scope, id).await?;
    Ok(axum::Json(officer_view(&state, record).await?))
}

#[utoipa::path(get, path = "/v1/officer/feedback/{id}/photos/{photoId}", tag = "officer", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Feedback item id"), ("photoId" = String, Path, description = "A photo of the item (`sha256:{hex}`)")),
    responses((status = 200, description = "The photo's bytes as stored. Only officers and supervisors whose scope holds the item; others 404.", content_type = "application/octet-stream")))]
pub async fn photo(
    State(state): State<AppState>,
    OfficerAuth(staff): OfficerAuth,
    ApiPath((id, photo_id)): ApiPath<(Uuid, String)>,
) -> Result<Response, ApiError> {
    let scope = Scope::of(&staff, &state.data)?;
    scoped(&state, &scope, id).await?;
    let photo = state
        .store
        .feedback_photo(id, &photo_id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such photo of this item."))?;
    Ok(photo_response(photo))
}

/// Runs an idempotent change by `staff` of item `id` in their scope; answers the item.
async fn officer_change<T: serde::Serialize>(
    state: &AppState,
    staff: &StaffRecord,
    headers: &HeaderMap,
    (id, action): (Uuid, &str),
    request: &T,
    decide: FeedbackDecision,
) -> Result<Response, ApiError> {
    let scope = Scope::of(staff, &state.data)?;
    let begin = idempotency::begin_as(
        state,
        headers,
        &staff.code,
        None,
        ("POST", &format!("/v1/officer/feedback/{id}/{action}")),
        request,
        StatusCode::OK,
    )
    .await?;
    let (record, _guard) = match begin {
        Begin::Replay(response) => return Ok(response),
        Begin::Fresh { record, guard } => (record, guard),
    };
    scoped(state, &scope, id).await?;
    let changed = state
        .store
        .change_feedback(id, decide, Some(record))
        .await?;
    json_body(StatusCode::OK, &changed.feedback)
}

fn required_text(field: &str, text: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ApiError::field_problem(field, FieldProblemCode::Required));
    }
    if text.chars().count() > MAX_FEEDBACK_TEXT_CHARS {
        return Err(ApiError::field_problem(field, FieldProblemCode::TooLong));
    }
    Ok(text.to_owned())
}

fn event(
    kind: FeedbackEventKind,
    staff: &StaffRecord,
    at: chrono::DateTime<chrono::FixedOffset>,
) -> FeedbackEvent {
    FeedbackEvent {
        seq: 0,
        kind,
        at,
        actor: officer_actor(&staff.code, &staff.organisation),
        note: None,
        photo: None,
        agency: None,
    }
}

/// The resident's inbox item about an answer.
fn answered_item(state: &AppState, record: &FeedbackRecord, answer: &str) -> InboxItem {
    let texts = &state.texts;
    InboxItem {
        id: Uuid::now_v7(),
        at: state.clock.now(),
        category: InboxCategory::Feedback,
        title: texts
            .per_language(|language| texts.text(language, "inbox-feedback-answered-title", &[])),
        body: texts.per_language(|language| {
            texts.text(
                language,
                "inbox-feedback-answered-body",
                &[
                    (
                        "agency",
                        record.feedback.agency.name.get(language).to_owned(),
                    ),
                    ("answer", answer.chars().take(280).collect()),
                ],
            )
        }),
        application_id: None,
        document_id: None,
        feedback_id: Some(record.feedback.id),
    }
}

#[utoipa::path(post, path = "/v1/officer/feedback/{id}/answer", tag = "officer", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Feedback item id")),
    request_body = FeedbackAnswer,
    responses((status = 200, description = "Answered (`photo`: one uploaded with `POST /v1/officer/feedback/{id}/photos` or of the item; the first answer stops the answer clock; `resolved: true` closes the item). The resident finds it in sync, an event and an inbox item. Needs an Idempotency-Key; an item outside the caller's scope answers 404, a closed one 409.", body = opendvc_api::Feedback)))]
pub async fn answer(
    State(state): State<AppState>,
    OfficerAuth(staff): OfficerAuth,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<FeedbackAnswer>,
) -> Result<Response, ApiError> {
    let text = required_text("text", &request.text)?;
    if let Some(photo) = &request.photo {
        let scope = Scope::of(&staff, &state.data)?;
        scoped(&state, &scope, id).await?;
        if state.store.feedback_photo(id, photo).await?.is_none() {
            return Err(ApiError::field(
                "photo",
                "not a photo of this item: upload it with POST /v1/officer/feedback/{id}/photos",
            ));
        }
    }
    let now = state.clock.now();
    // The reporter's notices, read before the change like an application's recipient (the
    // scope is checked with the change: outside it, or replayed, they are never written).
    let mut notices = Vec::new();
    if let Some(before) = state.store.feedback(id).await?
        && let Some(reader) = AnswerReader::of(state.store.as_ref(), &before).await?
    {
        notices = answer_notices(&state.texts, &reader, &before, &text, now);
    }
    let notice_ids: Vec<Uuid> = notices.iter().map(|notice| notice.id).collect();
    let photo = request.photo.clone();
    let resolved = request.resolved;
    let (decider_staff, decider_state) = (staff.clone(), state.clone());
    let decide: FeedbackDecision = Box::new(move |current| {
        if current.feedback.status == FeedbackStatus::Closed {
            return Err(ApiError::invalid_state(
                "This feedback is closed; the resident may reopen it.",
            ));
        }
        let mut record = current.clone();
        record.feedback.answer = Some(text.clone());
        record.feedback.answered_at = record.feedback.answered_at.or(Some(now));
        record.assigned_to = record
            .assigned_to
            .or_else(|| Some(decider_staff.code.clone()));
        record.feedback.status = FeedbackStatus::Answered;
        let mut events = vec![FeedbackEvent {
            note: Some(text.clone()),
            photo: photo.clone(),
            ..event(FeedbackEventKind::Answered, &decider_staff, now)
        }];
        if resolved {
            record.feedback.status = FeedbackStatus::Closed;
            record.feedback.closed_at = Some(now);
            events.push(event(FeedbackEventKind::Closed, &decider_staff, now));
        }
        settle(&mut record);
        let inbox = vec![answered_item(&decider_state, &record, &text)];
        Ok(FeedbackChange {
            record,
            events,
            inbox,
            photos: Vec::new(),
            notices,
        })
    });
    let answered =
        officer_change(&state, &staff, &headers, (id, "answer"), &request, decide).await?;
    state.outbox.caused(&notice_ids).await;
    Ok(answered)
}

#[utoipa::path(post, path = "/v1/officer/feedback/{id}/assign", tag = "officer", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Feedback item id")),
    request_body = FeedbackAssign,
    responses((status = 200, description = "Reassigned: a supervisor to another agency or to an officer of the item's agency; an officer only to themselves. Needs an Idempotency-Key.", body = opendvc_api::Feedback)))]
pub async fn assign(
    State(state): State<AppState>,
    OfficerAuth(staff): OfficerAuth,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<FeedbackAssign>,
) -> Result<Response, ApiError> {
    let supervisor = staff.kind == StaffKind::Supervisor;
    if request.agency_id.is_none() && request.officer_code.is_none() {
        return Err(ApiError::field(
            "officerCode",
            "name an officer or an agency",
        ));
    }
    if !supervisor
        && (request.agency_id.is_some()
            || request.officer_code.as_deref() != Some(staff.code.as_str()))
    {
        return Err(ApiError::forbidden(
            "Only a supervisor reassigns feedback; an officer may take an item for themselves.",
        ));
    }
    let scope = Scope::of(&staff, &state.data)?;
    let current = scoped(&state, &scope, id).await?;
    let agency_id = request
        .agency_id
        .clone()
        .unwrap_or_else(|| current.agency_id.clone());
    let Some(agency) = state.data.agency(&agency_id) else {
        return Err(ApiError::field("agencyId", "not an agency of this portal"));
    };
    let commune = agency.level == crate::agencies::AgencyLevel::Commune;
    let unit = commune
        .then(|| place_unit(&current).or(current.unit_code.clone()))
        .flatten();
    if let Some(code) = &request.officer_code {
        let officers = state.store.officers_of(&agency_id).await?;
        if !officers.iter().any(|officer| &officer.code == code) {
            return Err(ApiError::field(
                "officerCode",
                "not an officer of the item's agency",
            ));
        }
    }
    let contact = state
        .data
        .agency_contact(&agency_id, unit.as_deref())
        .ok_or_else(|| ApiError::field("agencyId", "not an agency of this portal"))?;
    let now = state.clock.now();
    let officer_code = request.officer_code.clone();
    let decider_staff = staff.clone();
    let decide: FeedbackDecision = Box::new(move |current| {
        if current.feedback.status == FeedbackStatus::Closed {
            return Err(ApiError::invalid_state("This feedback is closed."));
        }
        let mut record = current.clone();
        let moved = record.agency_id != agency_id;
        record.agency_id = agency_id;
        record.unit_code = unit;
        record.feedback.agency = contact.clone();
        record.assigned_to = officer_code;
        if matches!(
            record.feedback.status,
            FeedbackStatus::Received | FeedbackStatus::Assigned | FeedbackStatus::Reopened
        ) {
            record.feedback.status = if record.assigned_to.is_some() {
                FeedbackStatus::Assigned
            } else {
                FeedbackStatus::Received
            };
        }
        settle(&mut record);
        Ok(FeedbackChange {
            record,
            events: vec![FeedbackEvent {
                agency: moved.then_some(contact),
                ..event(FeedbackEventKind::Assigned, &decider_staff, now)
            }],
            inbox: Vec::new(),
            photos: Vec::new(),
            notices: Vec::new(),
        })
    });
    officer_change(&state, &staff, &headers, (id, "assign"), &request, decide).await
}

fn place_unit(record: &FeedbackRecord) -> Option<String> {
    record
        .feedback
        .place
        .as_ref()
        .and_then(|place| place.address.as_ref())
        .map(|address| address.unit_code.clone())
}

#[utoipa::path(post, path = "/v1/officer/feedback/{id}/hand-off", tag = "officer", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Feedback item id")),
    request_body = FeedbackHandOff,
    responses((status = 200, description = "Handed to another agency with a note: the clocks keep running (`dueAt` and `resolveBy` unchanged) and the hand-off shows in the timeline. Needs an Idempotency-Key.", body = opendvc_api::Feedback)))]
pub async fn hand_off(
    State(state): State<AppState>,
    OfficerAuth(staff): OfficerAuth,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<FeedbackHandOff>,
) -> Result<Response, ApiError> {
    let note = required_text("note", &request.note)?;
    let Some(agency) = state.data.agency(&request.agency_id) else {
        return Err(ApiError::field("agencyId", "not an agency of this portal"));
    };
    let scope = Scope::of(&staff, &state.data)?;
    let current = scoped(&state, &scope, id).await?;
    if agency.id == current.agency_id {
        return Err(ApiError::field(
            "agencyId",
            "the item is with this agency already",
        ));
    }
    let commune = agency.level == crate::agencies::AgencyLevel::Commune;
    let unit = if commune { place_unit(&current) } else { None };
    if commune && unit.is_none() {
        return Err(ApiError::validation(vec![FieldError {
            field: "agencyId".into(),
            code: FieldProblemCode::Invalid,
            message: "a commune-level agency needs the item's unit, and this item has none".into(),
        }]));
    }
    let contact = state
        .data
        .agency_contact(&agency.id, unit.as_deref())
        .ok_or_else(|| ApiError::field("agencyId", "not an agency of this portal"))?;
    let agency_id = agency.id.clone();
    let now = state.clock.now();
    let decider_staff = staff.clone();
    let decide: FeedbackDecision = Box::new(move |current| {
        if current.feedback.status == FeedbackStatus::Closed {
            return Err(ApiError::invalid_state("This feedback is closed."));
        }
        let mut record = current.clone();
        record.agency_id = agency_id;
        record.unit_code = unit;
        record.feedback.agency = contact.clone();
        record.assigned_to = None;
        if record.feedback.status == FeedbackStatus::Assigned {
            record.feedback.status = FeedbackStatus::Received;
        }
        settle(&mut record);
        Ok(FeedbackChange {
            record,
            events: vec![FeedbackEvent {
                note: Some(note),
                agency: Some(contact),
                ..event(FeedbackEventKind::HandedOff, &decider_staff, now)
            }],
            inbox: Vec::new(),
            photos: Vec::new(),
            notices: Vec::new(),
        })
    });
    officer_change(&state, &staff, &headers, (id, "hand-off"), &request, decide).await
}
