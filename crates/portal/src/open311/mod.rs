//! Open311 GeoReport v2 at `/open311/v2/` (issue 16), so existing city tools can read the
//! city's feedback services, file requests (`requests`: POST, with a client's `api_key`) and
//! read the public view of every request (`public`). Its own rules, not the v1 contract's, as the standard fixes them
//! (see `opendvc_api::open311`): snake_case, JSON or XML after the extension, errors as
//! `[{code, description}]`.

pub mod format;
pub mod keys;
pub mod public;
pub mod requests;
pub mod services;

use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::response::Response;
use axum::routing::get;
use opendvc_api::open311::{
    Open311Created, Open311Discovery, Open311Error, Open311Request, Open311Service,
};

use self::format::Format;
use self::services::LocaleQuery;
use crate::state::AppState;

/// The Open311 routes, merged into the portal's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/open311/v2/discovery.json", get(discovery_json))
        .route("/open311/v2/discovery.xml", get(discovery_xml))
        .route("/open311/v2/services.json", get(services_json))
        .route("/open311/v2/services.xml", get(services_xml))
        .route(
            "/open311/v2/requests.json",
            get(requests_json).post(create_json),
        )
        .route(
            "/open311/v2/requests.xml",
            get(requests_xml).post(create_xml),
        )
        .route("/open311/v2/requests/{file}", get(request_one))
}

#[utoipa::path(get, path = "/open311/v2/discovery.json", tag = "open311",
    responses((status = 200, description = "The GeoReport v2 discovery document: this portal's Open311 endpoint, its formats and whom to ask for an api_key.", body = Open311Discovery)))]
pub async fn discovery_json(state: State<AppState>) -> Response {
    services::discovery(state, Format::Json)
}

#[utoipa::path(get, path = "/open311/v2/discovery.xml", tag = "open311",
    responses((status = 200, description = "The discovery document in XML: `<discovery>` with `<endpoints><endpoint>…<formats><format>`.", content_type = "text/xml", body = String)))]
pub async fn discovery_xml(state: State<AppState>) -> Response {
    services::discovery(state, Format::Xml)
}

#[utoipa::path(get, path = "/open311/v2/services.json", tag = "open311", params(LocaleQuery),
    responses((status = 200, description = "The feedback services (categories) as Open311 services, names in Vietnamese unless `locale` asks for `en` or `id`.", body = Vec<Open311Service>)))]
pub async fn services_json(State(state): State<AppState>, query: Query<LocaleQuery>) -> Response {
    services::list(&state, query, Format::Json)
}

#[utoipa::path(get, path = "/open311/v2/services.xml", tag = "open311", params(LocaleQuery),
    responses((status = 200, description = "The services in XML: `<services><service>…`.", content_type = "text/xml", body = String)))]
pub async fn services_xml(State(state): State<AppState>, query: Query<LocaleQuery>) -> Response {
    services::list(&state, query, Format::Xml)
}

const CREATE_DOC: &str = "Files a request for a reporter, form-encoded (`application/x-www-form-urlencoded`, at most 32 KiB) as GeoReport v2 says. `api_key` goes in the query string and is checked before the body is read: missing or unknown answers 403 `[{code, description}]` and files nothing. The request is routed and clocked like app feedback (channel `open311`); the reporter's name, phone and e-mail are kept for officers and never published. GeoReport v2 has no retry key: a resent request files again.";

#[utoipa::path(post, path = "/open311/v2/requests.json", tag = "open311", params(requests::KeyQuery),
    request_body(content = requests::Open311Form, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 201, description = CREATE_DOC, body = Vec<Open311Created>),
        (status = 400, description = "A field is missing or wrong; the description names it.", body = Vec<Open311Error>),
        (status = 403, description = "`api_key` missing or unknown.", body = Vec<Open311Error>)))]
pub async fn create_json(State(state): State<AppState>, request: Request) -> Response {
    requests::create(state, Format::Json, request).await
}

#[utoipa::path(post, path = "/open311/v2/requests.xml", tag = "open311", params(requests::KeyQuery),
    request_body(content = requests::Open311Form, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 201, description = "As `requests.json`, in XML: `<service_requests><request>…`.", content_type = "text/xml", body = String),
        (status = 403, description = "`api_key` missing or unknown: `<errors><error>…`.", content_type = "text/xml", body = String)))]
pub async fn create_xml(State(state): State<AppState>, request: Request) -> Response {
    requests::create(state, Format::Xml, request).await
}

#[utoipa::path(get, path = "/open311/v2/requests.json", tag = "open311", params(public::ListQuery),
    responses(
        (status = 200, description = "The public view of requests (app feedback and Open311 alike), newest first, at most 200, within 90 days (`start_date`..`end_date`, by default the last 90 days). Never the reporter's name, phone, e-mail or exact address: `address` is the commune-level unit's name; `lat`/`long` only when the reporter shared the place, rounded to 3 decimals; no `media_url`. `status_notes` is the latest answer, `expected_datetime` the answer deadline.", body = Vec<Open311Request>),
        (status = 400, description = "A parameter is wrong; the description names it.", body = Vec<Open311Error>)))]
pub async fn requests_json(
    State(state): State<AppState>,
    query: Query<public::ListQuery>,
) -> Response {
    public::list(&state, query, Format::Json).await
}

#[utoipa::path(get, path = "/open311/v2/requests.xml", tag = "open311", params(public::ListQuery),
    responses((status = 200, description = "As `requests.json`, in XML: `<service_requests><request>…`.", content_type = "text/xml", body = String)))]
pub async fn requests_xml(
    State(state): State<AppState>,
    query: Query<public::ListQuery>,
) -> Response {
    public::list(&state, query, Format::Xml).await
}

#[utoipa::path(get, path = "/open311/v2/requests/{file}", tag = "open311",
    params(("file" = String, Path, description = "`{service_request_id}.json` or `{service_request_id}.xml`")),
    responses(
        (status = 200, description = "One request's public view, as a one-element list (the standard's shape), in JSON or in XML after the extension.", body = Vec<Open311Request>),
        (status = 404, description = "No such request.", body = Vec<Open311Error>)))]
pub async fn request_one(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    public::one(&state, &file).await
}
