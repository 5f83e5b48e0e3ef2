//! The resident's side of feedback: filing (`POST /v1/feedback`, idempotent like an
//! application), reading their own items (someone else's is 404, never 403, so its existence
//! does not leak), their photos, rating an answer and reopening once.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use opendvc_api::{
    Feedback, FeedbackChannel, FeedbackCreated, FeedbackEvent, FeedbackEventKind, FeedbackList,
    FeedbackPhoto, FeedbackReporter, FeedbackStatus, FieldError, FieldProblemCode,
    MAX_FEEDBACK_PHOTOS, MAX_FEEDBACK_TEXT_CHARS, NewFeedback, Rating, ReopenFeedback,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::exif::strip_location;
use super::view::{clocks_started, restart_clocks};
use crate::auth::CitizenOnly;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::idempotency::{self, Begin};
use crate::state::AppState;
use crate::store::{FeedbackChange, FeedbackDecision, FeedbackPhotoFile, FeedbackRecord};

/// The longest rating comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;

pub(super) fn json_body<T: serde::Serialize>(
    status: StatusCode,
    value: &T,
) -> Result<Response, ApiError> {
    let body = serde_json::to_string(value).map_err(ApiError::internal)?;
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

/// `sha256:{hex}` of `bytes`.
pub(super) fn content_id(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

fn text_errors(field: &str, text: &str, errors: &mut Vec<FieldError>) {
    if text.trim().is_empty() {
        errors.push(FieldError::new(field, FieldProblemCode::Required));
    } else if text.chars().count() > MAX_FEEDBACK_TEXT_CHARS {
        errors.push(FieldError::new(field, FieldProblemCode::TooLong));
    }
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        code: FieldProblemCode::Invalid,
        message: message.into(),
    }
}

/// Checks what the request says on its own: a known service, a description, at most three
/// photos, a point on the globe and a known commune-level unit.
fn check_new(state: &AppState, new: &NewFeedback) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if state.data.feedback.service(&new.category).is_none() {
        errors.push(invalid(
            "category",
            "not a service of GET /v1/feedback/services",
        ));
    }
    text_errors("description", &new.description, &mut errors);
    if new.photos.len() > MAX_FEEDBACK_PHOTOS {
        errors.push(invalid(
            "photos",
            format!("at most {MAX_FEEDBACK_PHOTOS} photos"),
        ));
    }
    if let Some(place) = &new.place {
        if place
            .lat
            .is_some_and(|lat| !(lat.is_finite() && (-90.0..=90.0).contains(&lat)))
        {
            errors.push(invalid("place.lat", "a latitude from -90 to 90"));
        }
        if place
            .long
            .is_some_and(|long| !(long.is_finite() && (-180.0..=180.0).contains(&long)))
        {
            errors.push(invalid("place.long", "a longitude from -180 to 180"));
        }
        if place.lat.is_some() != place.long.is_some() {
            errors.push(invalid(
                if place.lat.is_some() {
                    "place.long"
                } else {
                    "place.lat"
                },
                "a point needs both latitude and longitude",
            ));
        }
        if let Some(address) = &place.address {
            let known = state
                .data
                .admin_units
                .units
                .iter()
                .any(|unit| unit.code == address.unit_code);
            if !known {
                errors.push(FieldError::new(
                    "place.address.unitCode",
                    FieldProblemCode::UnitInvalid,
                ));
            }
            if address.street.chars().count() > MAX_FEEDBACK_TEXT_CHARS {
                errors.push(FieldError::new(
                    "place.address.street",
                    FieldProblemCode::TooLong,
                ));
            }
        }
    }
    errors
}

/// The photos as stored: the resident's own uploads, JPEG, PNG or WebP, their EXIF location
/// stripped unless the resident shares the place.
async fn photos_of(
    state: &AppState,
    citizen_id: Uuid,
    new: &NewFeedback,
    errors: &mut Vec<FieldError>,
) -> Result<Vec<FeedbackPhotoFile>, ApiError> {
    let share = new.place.as_ref().is_some_and(|place| place.share);
    let mut files: Vec<FeedbackPhotoFile> = Vec::new();
    for (index, upload) in new.photos.iter().take(MAX_FEEDBACK_PHOTOS).enumerate() {
        let field = format!("photos[{index}]");
        let Some(file) = state.store.attachment_file(citizen_id, upload).await? else {
            errors.push(FieldError::new(field, FieldProblemCode::AttachmentNotYours));
            continue;
        };
        let content = if share {
            // Still checked to be a photo of a supported kind.
            strip_location(&file.bytes, &file.content_type).map(|_| file.bytes.clone())
        } else {
            strip_location(&file.bytes, &file.content_type)
        };
        match content {
            Ok(content) => {
                let id = content_id(&content);
                if !files.iter().any(|known| known.id == id) {
                    files.push(FeedbackPhotoFile {
                        id,
                        content_type: file.content_type.clone(),
                        content,
                    });
                }
            }
            Err(error) => errors.push(invalid(field, error.to_string())),
        }
    }
    Ok(files)
}

#[utoipa::path(post, path = "/v1/feedback", tag = "feedback", security(("bearer" = [])),
    request_body = NewFeedback,
    responses((status = 201, description = "Filed and routed to an agency, with both clocks. A replay of the same request with the same Idempotency-Key answers the stored response with `Idempotent-Replayed: true`; the same key with another request is 422 `idempotency_key_reused`. Photos are uploads of the resident (`POST /v1/attachments`), JPEG, PNG or WebP; their EXIF location is removed unless `place.share`.", body = FeedbackCreated)))]
pub async fn create(
    State(state): State<AppState>,
    auth: CitizenOnly,
    headers: HeaderMap,
    ApiJson(new): ApiJson<NewFeedback>,
) -> Result<Response, ApiError> {
    let begin = idempotency::begin_as(
        &state,
        &headers,
        &auth.citizen_id.to_string(),
        None,
        ("POST", "/v1/feedback"),
        &new,
        StatusCode::CREATED,
    )
    .await?;
    let (record, _guard) = match begin {
        Begin::Replay(response) => return Ok(response),
        Begin::Fresh { record, guard } => (record, guard),
    };
    let mut errors = check_new(&state, &new);
    let photos = photos_of(&state, auth.citizen_id, &new, &mut errors).await?;
    if let Some(application_id) = new.application_id {
        let own = state
            .store
            .application(Some(auth.citizen_id), application_id)
            .await?;
        if own.is_none() {
            errors.push(invalid("applicationId", "not one of your applications"));
        }
    }
    let Some(service) = state.data.feedback.service(&new.category) else {
        return Err(ApiError::validation(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let citizen = state
        .store
        .citizen(auth.citizen_id)
        .await?
        .ok_or_else(|| ApiError::forbidden("This citizen is not registered."))?;
    let unit = new
        .place
        .as_ref()
        .and_then(|place| place.address.as_ref())
        .map(|address| address.unit_code.as_str());
    let routed = state.data.feedback.route(service, unit);
    let agency = state
        .data
        .agency_contact(&routed.agency_id, routed.unit_code.as_deref())
        .ok_or_else(|| ApiError::internal(format!("unknown agency {}", routed.agency_id)))?;
    let now = state.clock.now();
    let clocks = clocks_started(&state, service, now);
    let citizen_actor = opendvc_api::Actor {
        kind: opendvc_api::ActorKind::Citizen,
        name: String::new(),
        code: None,
        venue: None,
    };
    let timeline = vec![
        FeedbackEvent {
            seq: 1,
            kind: FeedbackEventKind::Received,
            at: now,
            actor: citizen_actor,
            note: None,
            photo: None,
            agency: None,
        },
        FeedbackEvent {
            seq: 2,
            kind: FeedbackEventKind::Assigned,
            at: now,
            actor: super::view::system_actor(),
            note: None,
            photo: None,
            agency: Some(agency.clone()),
        },
    ];
    let stored = FeedbackRecord {
        citizen_id: Some(auth.citizen_id),
        feedback: Feedback {
            id: Uuid::now_v7(),
            category: service.code.clone(),
            description: new.description.trim().to_owned(),
            photos: photos
                .iter()
                .map(|photo| FeedbackPhoto {
                    id: photo.id.clone(),
                    content_type: photo.content_type.clone(),
                    size: photo.content.len() as u64,
                })
                .collect(),
            place: new.place.clone(),
            application_id: new.application_id,
            channel: FeedbackChannel::App,
            status: FeedbackStatus::Received,
            submitted_at: now,
            due_at: clocks.due_at,
            resolve_by: clocks.resolve_by,
            answered_at: None,
            closed_at: None,
            agency,
            answer: None,
            timeline,
            rating: None,
            can_reopen: false,
        },
        agency_id: routed.agency_id,
        unit_code: routed.unit_code,
        assigned_to: None,
        reporter: FeedbackReporter {
            name: Some(citizen.profile.full_name.clone()),
            phone: Some(citizen.profile.phone.clone()),
            email: citizen.profile.email.clone(),
            client: None,
        },
        reopened: false,
        clock_started: now,
    };
    let created = state
        .store
        .create_feedback(&stored, &photos, Some(record))
        .await?;
    json_body(
        StatusCode::CREATED,
        &FeedbackCreated {
            id: created.feedback.id,
            status: created.feedback.status,
            due_at: created.feedback.due_at,
            resolve_by: created.feedback.resolve_by,
        },
    )
}

/// The resident's own item `id`; someone else's answers 404 like one that does not exist.
async fn own(state: &AppState, citizen_id: Uuid, id: Uuid) -> Result<FeedbackRecord, ApiError> {
    state
        .store
        .feedback(id)
        .await?
        .filter(|record| record.citizen_id == Some(citizen_id))
        .ok_or_else(|| ApiError::not_found("No such feedback item of yours."))
}

#[utoipa::path(get, path = "/v1/feedback", tag = "feedback", security(("bearer" = [])),
    responses((status = 200, description = "The resident's own feedback items, newest first, each with its timeline.", body = FeedbackList)))]
pub async fn list(
    State(state): State<AppState>,
    auth: CitizenOnly,
) -> Result<axum::Json<FeedbackList>, ApiError> {
    let items = state.store.citizen_feedback(auth.citizen_id).await?;
    Ok(axum::Json(FeedbackList {
        items: items.into_iter().map(|record| record.feedback).collect(),
    }))
}

#[utoipa::path(get, path = "/v1/feedback/{id}", tag = "feedback", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Feedback item id")),
    responses((status = 200, description = "The resident's own item; anyone else's answers 404.", body = Feedback)))]
pub async fn get(
    State(state): State<AppState>,
    auth: CitizenOnly,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<axum::Json<Feedback>, ApiError> {
    Ok(axum::Json(own(&state, auth.citizen_id, id).await?.feedback))
}

/// A stored photo as a download: its type, `nosniff`, not cached.
pub(super) fn photo_response(photo: FeedbackPhotoFile) -> Response {
    let content_type = HeaderValue::from_str(&photo.content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let mut response = photo.content.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[utoipa::path(get, path = "/v1/feedback/{id}/photos/{photoId}", tag = "feedback", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Feedback item id"), ("photoId" = String, Path, description = "A photo of the item (`sha256:{hex}`)")),
    responses((status = 200, description = "The photo's bytes as stored (without EXIF location unless the place was shared). Only the reporter reads it here; anyone else's item answers 404.", content_type = "application/octet-stream")))]
pub async fn photo(
    State(state): State<AppState>,
    auth: CitizenOnly,
    ApiPath((id, photo_id)): ApiPath<(Uuid, String)>,
) -> Result<Response, ApiError> {
    own(&state, auth.citizen_id, id).await?;
    let photo = state
        .store
        .feedback_photo(id, &photo_id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such photo of this item."))?;
    Ok(photo_response(photo))
}

/// Runs an idempotent change of the resident's own item `id`.
async fn follow_up<T: serde::Serialize>(
    state: &AppState,
    auth: &CitizenOnly,
    headers: &HeaderMap,
    (id, action): (Uuid, &str),
    request: &T,
    decide: FeedbackDecision,
) -> Result<Response, ApiError> {
    let begin = idempotency::begin_as(
        state,
        headers,
        &auth.citizen_id.to_string(),
        None,
        ("POST", &format!("/v1/feedback/{id}/{action}")),
        request,
        StatusCode::OK,
    )
    .await?;
    let (record, _guard) = match begin {
        Begin::Replay(response) => return Ok(response),
        Begin::Fresh { record, guard } => (record, guard),
    };
    own(state, auth.citizen_id, id).await?;
    let changed = state
        .store
        .change_feedback(id, decide, Some(record))
        .await?;
    json_body(StatusCode::OK, &changed.feedback)
}

fn resident_actor() -> opendvc_api::Actor {
    opendvc_api::Actor {
        kind: opendvc_api::ActorKind::Citizen,
        name: String::new(),
        code: None,
        venue: None,
    }
}

#[utoipa::path(post, path = "/v1/feedback/{id}/rating", tag = "feedback", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Feedback item id")),
    request_body = Rating,
    responses((status = 200, description = "The rating of the answer (1–5 and a comment; a later one replaces it), allowed once the item is answered; before that 409. Needs an Idempotency-Key.", body = Feedback)))]
pub async fn rate(
    State(state): State<AppState>,
    auth: CitizenOnly,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(rating): ApiJson<Rating>,
) -> Result<Response, ApiError> {
    if !(1..=5).contains(&rating.stars) {
        return Err(ApiError::field("stars", "must be 1 to 5"));
    }
    if rating
        .comment
        .as_deref()
        .is_some_and(|comment| comment.chars().count() > MAX_COMMENT_CHARS)
    {
        return Err(ApiError::field_problem(
            "comment",
            FieldProblemCode::TooLong,
        ));
    }
    let now = state.clock.now();
    let given = rating.clone();
    let decide: FeedbackDecision = Box::new(move |current| {
        if current.feedback.answered_at.is_none() {
            return Err(ApiError::invalid_state(
                "Feedback can be rated once it has an answer.",
            ));
        }
        let mut record = current.clone();
        record.feedback.rating = Some(given.clone());
        super::view::settle(&mut record);
        Ok(FeedbackChange {
            record,
            events: vec![FeedbackEvent {
                seq: 0,
                kind: FeedbackEventKind::Rated,
                at: now,
                actor: resident_actor(),
                note: given.comment,
                photo: None,
                agency: None,
            }],
            inbox: Vec::new(),
            photos: Vec::new(),
            notices: Vec::new(),
        })
    });
    follow_up(&state, &auth, &headers, (id, "rating"), &rating, decide).await
}

#[utoipa::path(post, path = "/v1/feedback/{id}/reopen", tag = "feedback", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Feedback item id")),
    request_body = ReopenFeedback,
    responses((status = 200, description = "Reopened: back in the agency's queue with fresh clocks. Allowed once, when answered or closed; otherwise 409. Needs an Idempotency-Key.", body = Feedback)))]
pub async fn reopen(
    State(state): State<AppState>,
    auth: CitizenOnly,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<ReopenFeedback>,
) -> Result<Response, ApiError> {
    let mut errors = Vec::new();
    text_errors("reason", &request.reason, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let now = state.clock.now();
    let reason = request.reason.trim().to_owned();
    let state_for_clocks = state.clone();
    let decide: FeedbackDecision = Box::new(move |current| {
        if current.reopened {
            return Err(ApiError::invalid_state(
                "This feedback was reopened once already; file a new one.",
            ));
        }
        if current.feedback.answered_at.is_none() {
            return Err(ApiError::invalid_state(
                "Feedback can be reopened once it has an answer.",
            ));
        }
        let mut record = current.clone();
        restart_clocks(&state_for_clocks, &mut record, now);
        record.reopened = true;
        record.feedback.status = FeedbackStatus::Reopened;
        record.feedback.answered_at = None;
        record.feedback.closed_at = None;
        super::view::settle(&mut record);
        Ok(FeedbackChange {
            record,
            events: vec![FeedbackEvent {
                seq: 0,
                kind: FeedbackEventKind::Reopened,
                at: now,
                actor: resident_actor(),
                note: Some(reason),
                photo: None,
                agency: None,
            }],
            inbox: Vec::new(),
            photos: Vec::new(),
            notices: Vec::new(),
        })
    });
    follow_up(&state, &auth, &headers, (id, "reopen"), &request, decide).await
}
