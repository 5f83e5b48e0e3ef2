//! `GET /open311/v2/requests.{json,xml}` and `GET /open311/v2/requests/{id}.{json,xml}`: the
//! public view of feedback, whoever filed it (app or Open311 client). Never the reporter's
//! name, phone or e-mail, nor the exact address: `address` is the commune-level unit's name
//! only (or absent); `lat`/`long` only when the reporter shared the place, rounded to three
//! decimals (about 100 m); no `media_url` (photos are served only to the reporter and officers).

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Duration, FixedOffset};
use opendvc_api::FeedbackStatus;
use opendvc_api::open311::Open311Request;
use serde::Deserialize;
use uuid::Uuid;

use super::format::{self, Format};
use super::requests::error;
use crate::state::AppState;
use crate::store::{FeedbackRecord, PublicFeedbackFilter};

/// The most requests one list answers.
pub const MAX_LIST: u32 = 200;
/// The default and the longest span of `start_date`..`end_date`, in days (the standard's).
pub const SPAN_DAYS: i64 = 90;

/// The list's parameters, as the standard names them.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Comma-separated ids; when given, the other parameters are ignored (at most 200).
    #[serde(default)]
    pub service_request_id: Option<String>,
    /// Only this service's requests.
    #[serde(default)]
    pub service_code: Option<String>,
    /// Requested at or after (ISO 8601 / RFC 3339); default `end_date` less 90 days.
    #[serde(default)]
    pub start_date: Option<String>,
    /// Requested at or before (RFC 3339); default now.
    #[serde(default)]
    pub end_date: Option<String>,
    /// `open` or `closed`.
    #[serde(default)]
    pub status: Option<String>,
}

fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// The public view of `record`.
pub fn public(state: &AppState, record: &FeedbackRecord) -> Open311Request {
    let feedback = &record.feedback;
    let place = feedback.place.as_ref();
    let unit_name = place
        .and_then(|place| place.address.as_ref())
        .and_then(|address| {
            state
                .data
                .admin_units
                .units
                .iter()
                .find(|unit| unit.code == address.unit_code)
        })
        .map(|unit| unit.name.clone());
    let shared = place.filter(|place| place.share);
    let updated = feedback
        .timeline
        .iter()
        .map(|event| event.at)
        .chain([feedback.submitted_at])
        .chain(feedback.answered_at)
        .chain(feedback.closed_at)
        .max()
        .unwrap_or(feedback.submitted_at);
    Open311Request {
        service_request_id: feedback.id.to_string(),
        status: if feedback.status == FeedbackStatus::Closed {
            "closed"
        } else {
            "open"
        }
        .into(),
        status_notes: feedback.answer.clone(),
        service_name: state
            .data
            .feedback
            .service(&feedback.category)
            .map(|service| service.name.get("vi").to_owned())
            .unwrap_or_else(|| feedback.category.clone()),
        service_code: feedback.category.clone(),
        description: feedback.description.clone(),
        agency_responsible: feedback.agency.name.get("vi").to_owned(),
        service_notice: None,
        requested_datetime: feedback.submitted_at,
        updated_datetime: updated,
        expected_datetime: feedback.due_at,
        address: unit_name,
        address_id: None,
        zipcode: None,
        lat: shared.and_then(|place| place.lat).map(round),
        long: shared.and_then(|place| place.long).map(round),
        media_url: None,
    }
}

fn date(field: &str, value: Option<&String>) -> Result<Option<DateTime<FixedOffset>>, String> {
    match value
        .map(|value| value.trim())
        .filter(|value| !value.is_empty())
    {
        None => Ok(None),
        Some(value) => DateTime::parse_from_rfc3339(value).map(Some).map_err(|_| {
            format!(
                "{field}: a date and time in ISO 8601 (RFC 3339), e.g. 2026-12-01T00:00:00+07:00"
            )
        }),
    }
}

fn requests(format: Format, status: StatusCode, list: &[Open311Request]) -> Response {
    format::list(format, status, "service_requests", "request", list)
}

pub async fn list(state: &AppState, Query(query): Query<ListQuery>, format: Format) -> Response {
    let bad = |description: String| error(format, StatusCode::BAD_REQUEST, description);
    if let Some(ids) = query
        .service_request_id
        .as_deref()
        .filter(|ids| !ids.trim().is_empty())
    {
        let mut parsed = Vec::new();
        for id in ids.split(',').map(str::trim).filter(|id| !id.is_empty()) {
            match Uuid::parse_str(id) {
                Ok(id) => parsed.push(id),
                Err(_) => return bad(format!("service_request_id: {id:?} is not a request id")),
            }
        }
        if parsed.len() > MAX_LIST as usize {
            return bad(format!("service_request_id: at most {MAX_LIST} ids"));
        }
        let mut found = Vec::new();
        for id in parsed {
            match state.store.feedback(id).await {
                Ok(Some(record)) => found.push(public(state, &record)),
                Ok(None) => {}
                Err(reason) => return unavailable(format, &reason),
            }
        }
        return requests(format, StatusCode::OK, &found);
    }
    let category = query
        .service_code
        .as_deref()
        .map(str::trim)
        .filter(|code| !code.is_empty());
    if let Some(code) = category
        && state.data.feedback.service(code).is_none()
    {
        return bad("service_code: not a code of services.json".into());
    }
    let closed = match query.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("open") => Some(false),
        Some("closed") => Some(true),
        Some(_) => return bad("status: open or closed".into()),
    };
    let end = match date("end_date", query.end_date.as_ref()) {
        Ok(end) => end.unwrap_or_else(|| state.clock.now()),
        Err(reason) => return bad(reason),
    };
    let start = match date("start_date", query.start_date.as_ref()) {
        Ok(start) => start.unwrap_or(end - Duration::days(SPAN_DAYS)),
        Err(reason) => return bad(reason),
    };
    if start > end {
        return bad("start_date: after end_date".into());
    }
    if end - start > Duration::days(SPAN_DAYS) {
        return bad(format!(
            "start_date: at most {SPAN_DAYS} days before end_date"
        ));
    }
    let filter = PublicFeedbackFilter {
        category: category.map(str::to_owned),
        from: start.timestamp(),
        to: end.timestamp(),
        closed,
        limit: MAX_LIST,
    };
    match state.store.public_feedback(&filter).await {
        Ok(records) => {
            let list: Vec<Open311Request> =
                records.iter().map(|record| public(state, record)).collect();
            requests(format, StatusCode::OK, &list)
        }
        Err(reason) => unavailable(format, &reason),
    }
}

fn unavailable(format: Format, reason: &crate::store::StoreError) -> Response {
    tracing::error!(%reason, "Open311 requests could not be read");
    error(
        format,
        StatusCode::SERVICE_UNAVAILABLE,
        "The portal could not read the requests; try again later.",
    )
}

/// `requests/{file}` where `file` is `{id}.json` or `{id}.xml`.
pub async fn one(state: &AppState, file: &str) -> Response {
    let (id, format) = if let Some(id) = file.strip_suffix(".json") {
        (id, Format::Json)
    } else if let Some(id) = file.strip_suffix(".xml") {
        (id, Format::Xml)
    } else {
        return error(
            Format::Json,
            StatusCode::NOT_FOUND,
            "No such document: ask for requests/{id}.json or requests/{id}.xml",
        );
    };
    let Ok(id) = Uuid::parse_str(id) else {
        return error(
            format,
            StatusCode::BAD_REQUEST,
            "service_request_id: not a request id",
        );
    };
    match state.store.feedback(id).await {
        Ok(Some(record)) => requests(format, StatusCode::OK, &[public(state, &record)]),
        Ok(None) => error(
            format,
            StatusCode::NOT_FOUND,
            "service_request_id: no such request",
        ),
        Err(reason) => unavailable(format, &reason),
    }
}
