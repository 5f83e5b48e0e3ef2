//! `POST /open311/v2/requests.{json,xml}`: a client application files a request for a
//! reporter. The `api_key` (from the query string, as GeoReport clients send it) is checked
//! before the body is read; the body is form-encoded and at most [`MAX_BODY_BYTES`]. The
//! request lands in the feedback store like one filed in the app: routed, clocked, in the
//! officers' queue, channel `open311`, the reporter's name, phone and e-mail kept for officers.
//!
//! Retries: GeoReport v2 gives a client no retry key (its `service_request_id` is the
//! portal's), so a client that resends after a lost answer files twice; officers close the
//! duplicate. The portal's own `Idempotency-Key` is for v1 only.

use axum::body::Body;
use axum::extract::{Query, Request};
use axum::http::{StatusCode, header};
use axum::response::Response;
use opendvc_api::open311::{Open311Created, Open311Error};
use opendvc_api::{
    Actor, ActorKind, Address, Feedback, FeedbackChannel, FeedbackEvent, FeedbackEventKind,
    FeedbackPlace, FeedbackReporter, FeedbackStatus, MAX_FEEDBACK_TEXT_CHARS,
};
use serde::Deserialize;
use uuid::Uuid;

use super::format::{self, Format};
use crate::feedback::view::{clocks_started, system_actor};
use crate::state::AppState;
use crate::store::FeedbackRecord;

/// The largest form body read, in bytes.
pub const MAX_BODY_BYTES: usize = 32 * 1024;

/// The longest name, phone, e-mail or media URL kept, in characters.
const MAX_FIELD_CHARS: usize = 200;

/// `?api_key=` of the POST.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeyQuery {
    /// The key the city issued to the client application.
    #[serde(default)]
    pub api_key: Option<String>,
}

/// The form of `POST requests.{json,xml}` (every field a string, checked here so an error
/// names the field). Fields the standard allows that the portal does not use
/// (`attribute[…]`, `device_id`, `account_id`) are ignored, and so is an `api_key` here: the
/// query string's is the one checked, before the body is read.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct Open311Form {
    /// A `service_code` of `services.json`.
    #[serde(default)]
    pub service_code: Option<String>,
    /// Required: what the matter is.
    #[serde(default)]
    pub description: Option<String>,
    /// WGS 84; `lat` and `long` together, or `address_string`.
    #[serde(default)]
    pub lat: Option<String>,
    #[serde(default)]
    pub long: Option<String>,
    /// The place as written; its commune-level unit is found by name when it names one.
    #[serde(default)]
    pub address_string: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    /// A picture hosted by the client; kept for officers, never fetched nor published.
    #[serde(default)]
    pub media_url: Option<String>,
}

/// An Open311 error answer: `[{code, description}]` with `code` the HTTP status.
pub fn error(format: Format, status: StatusCode, description: impl Into<String>) -> Response {
    format::list(
        format,
        status,
        "errors",
        "error",
        &[Open311Error {
            code: status.as_u16(),
            description: description.into(),
        }],
    )
}

fn bad(format: Format, description: impl Into<String>) -> Response {
    error(format, StatusCode::BAD_REQUEST, description)
}

fn text(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
}

fn coordinate(field: &str, value: Option<String>, range: f64) -> Result<Option<f64>, String> {
    let Some(value) = value else { return Ok(None) };
    match value.parse::<f64>() {
        Ok(number) if number.is_finite() && (-range..=range).contains(&number) => Ok(Some(number)),
        _ => Err(format!(
            "{field}: a number from -{range} to {range} (WGS 84 degrees)"
        )),
    }
}

/// The commune-level unit whose name (or a former name) the address names.
fn unit_named(state: &AppState, address: &str) -> Option<(String, String)> {
    let address = address.to_lowercase();
    state
        .data
        .admin_units
        .units
        .iter()
        .find(|unit| {
            std::iter::once(&unit.name)
                .chain(unit.former_names.iter())
                .any(|name| !name.is_empty() && address.contains(&name.to_lowercase()))
        })
        .map(|unit| (unit.code.clone(), unit.province_code.clone()))
}

pub async fn create(state: AppState, format: Format, request: Request) -> Response {
    // The key first, from the query string: an unknown client's body is never read.
    let key = Query::<KeyQuery>::try_from_uri(request.uri())
        .ok()
        .and_then(|Query(query)| query.api_key);
    let client = match key.as_deref() {
        Some(key) => state.open311.identify(key).cloned(),
        None => None,
    };
    let Some(client) = client else {
        return error(
            format,
            StatusCode::FORBIDDEN,
            "api_key: missing or unknown; send the key the city issued as ?api_key=",
        );
    };
    let form_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    if !form_type {
        return error(
            format,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type: the body must be application/x-www-form-urlencoded",
        );
    }
    let body = match axum::body::to_bytes(Body::new(request.into_body()), MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(_) => {
            return error(
                format,
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("body: at most {MAX_BODY_BYTES} bytes"),
            );
        }
    };
    let form: Open311Form = match serde_urlencoded::from_bytes(&body) {
        Ok(form) => form,
        Err(reason) => {
            return bad(
                format,
                format!("body: not a form this portal reads ({reason})"),
            );
        }
    };
    match file(&state, &client.name, form, format).await {
        Ok(created) => format::list(
            format,
            StatusCode::CREATED,
            "service_requests",
            "request",
            &[created],
        ),
        Err(response) => response,
    }
}

async fn file(
    state: &AppState,
    client: &str,
    form: Open311Form,
    format: Format,
) -> Result<Open311Created, Response> {
    let code = text(&form.service_code)
        .ok_or_else(|| bad(format, "service_code: required, a code of services.json"))?;
    let service = state
        .data
        .feedback
        .service(&code)
        .ok_or_else(|| bad(format, "service_code: not a code of services.json"))?;
    let description =
        text(&form.description).ok_or_else(|| bad(format, "description: required"))?;
    if description.chars().count() > MAX_FEEDBACK_TEXT_CHARS {
        return Err(bad(
            format,
            format!("description: at most {MAX_FEEDBACK_TEXT_CHARS} characters"),
        ));
    }
    for (field, value) in [
        ("email", &form.email),
        ("phone", &form.phone),
        ("first_name", &form.first_name),
        ("last_name", &form.last_name),
        ("media_url", &form.media_url),
    ] {
        if value
            .as_deref()
            .is_some_and(|value| value.chars().count() > MAX_FIELD_CHARS)
        {
            return Err(bad(
                format,
                format!("{field}: at most {MAX_FIELD_CHARS} characters"),
            ));
        }
    }
    if text(&form.email).is_some_and(|email| !email.contains('@')) {
        return Err(bad(format, "email: not an e-mail address"));
    }
    let lat = coordinate("lat", text(&form.lat), 90.0).map_err(|reason| bad(format, reason))?;
    let long = coordinate("long", text(&form.long), 180.0).map_err(|reason| bad(format, reason))?;
    if lat.is_some() != long.is_some() {
        return Err(bad(
            format,
            if lat.is_some() {
                "long: required with lat"
            } else {
                "lat: required with long"
            },
        ));
    }
    let address_string = text(&form.address_string);
    if address_string
        .as_deref()
        .is_some_and(|address| address.chars().count() > MAX_FEEDBACK_TEXT_CHARS)
    {
        return Err(bad(
            format,
            format!("address_string: at most {MAX_FEEDBACK_TEXT_CHARS} characters"),
        ));
    }
    if lat.is_none() && address_string.is_none() {
        return Err(bad(
            format,
            "lat: lat and long, or address_string, is required",
        ));
    }
    let unit = address_string
        .as_deref()
        .and_then(|address| unit_named(state, address));
    let address = match (&address_string, &unit) {
        (Some(street), Some((unit_code, province_code))) => Some(Address {
            province_code: province_code.clone(),
            unit_code: unit_code.clone(),
            street: street.clone(),
        }),
        _ => None,
    };
    let routed = state
        .data
        .feedback
        .route(service, unit.as_ref().map(|(code, _)| code.as_str()));
    let Some(agency) = state
        .data
        .agency_contact(&routed.agency_id, routed.unit_code.as_deref())
    else {
        tracing::error!(
            agency = routed.agency_id,
            "feedback routed to an unknown agency"
        );
        return Err(error(
            format,
            StatusCode::INTERNAL_SERVER_ERROR,
            "The portal could not route this request; try again later.",
        ));
    };
    let now = state.clock.now();
    let clocks = clocks_started(state, service, now);
    // What the client sent that has no field of its own, for officers only.
    let mut notes = Vec::new();
    if let Some(address) = &address_string {
        notes.push(format!("address_string: {address}"));
    }
    if let Some(media_url) = text(&form.media_url) {
        notes.push(format!("media_url: {media_url}"));
    }
    let client_actor = Actor {
        kind: ActorKind::System,
        name: client.to_owned(),
        code: None,
        venue: None,
    };
    let name = [text(&form.first_name), text(&form.last_name)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let record = FeedbackRecord {
        citizen_id: None,
        feedback: Feedback {
            id: Uuid::now_v7(),
            category: service.code.clone(),
            description,
            photos: Vec::new(),
            place: Some(FeedbackPlace {
                address,
                lat,
                long,
                // A point sent through Open311 is the matter's, filed to a public list.
                share: lat.is_some(),
            }),
            application_id: None,
            channel: FeedbackChannel::Open311,
            status: FeedbackStatus::Received,
            submitted_at: now,
            due_at: clocks.due_at,
            resolve_by: clocks.resolve_by,
            answered_at: None,
            closed_at: None,
            agency: agency.clone(),
            answer: None,
            timeline: vec![
                FeedbackEvent {
                    seq: 1,
                    kind: FeedbackEventKind::Received,
                    at: now,
                    actor: client_actor,
                    note: (!notes.is_empty()).then(|| notes.join("\n")),
                    photo: None,
                    agency: None,
                },
                FeedbackEvent {
                    seq: 2,
                    kind: FeedbackEventKind::Assigned,
                    at: now,
                    actor: system_actor(),
                    note: None,
                    photo: None,
                    agency: Some(agency),
                },
            ],
            rating: None,
            can_reopen: false,
        },
        agency_id: routed.agency_id,
        unit_code: routed.unit_code,
        assigned_to: None,
        reporter: FeedbackReporter {
            name: (!name.is_empty()).then_some(name),
            phone: text(&form.phone),
            email: text(&form.email),
            client: Some(client.to_owned()),
        },
        reopened: false,
        clock_started: now,
    };
    let created = state
        .store
        .create_feedback(&record, &[], None)
        .await
        .map_err(|reason| {
            tracing::error!(%reason, "an Open311 request could not be stored");
            error(
                format,
                StatusCode::SERVICE_UNAVAILABLE,
                "The portal could not store this request; try again later.",
            )
        })?;
    Ok(Open311Created {
        service_request_id: created.feedback.id.to_string(),
        // The deadline is the request's `expected_datetime`; no notice text beside it.
        service_notice: None,
        account_id: None,
    })
}
