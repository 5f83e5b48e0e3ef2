//! Open311 GeoReport v2 at `/open311/v2/` (issue 16), so existing city tools can read the
//! city's feedback services. Its own rules, not the v1 contract's, as the standard fixes them
//! (see `opendvc_api::open311`): snake_case, JSON or XML after the extension, errors as
//! `[{code, description}]`.

pub mod format;
#[cfg_attr(
    not(test),
    expect(
        dead_code,
        reason = "POST requests.{json,xml} checks the keys once the feedback store (fb-portal) lands"
    )
)]
pub mod keys;
pub mod services;

use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use opendvc_api::open311::{Open311Discovery, Open311Service};

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
