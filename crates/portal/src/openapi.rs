//! The OpenAPI 3.1 document, generated from the handlers' annotations. One modifier adds
//! what is policy rather than per-handler detail: the bearer scheme, the problem responses
//! each operation can give, and the `Idempotency-Key` header with its rules.

use std::sync::OnceLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use opendvc_api::{ErrorCode, FieldError, PROBLEM_CONTENT_TYPE, Problem, PushEvent, PushEventKind};
use utoipa::openapi::path::{HttpMethod, Operation, Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, HeaderBuilder, KnownFormat, ObjectBuilder, Ref, Required, ResponseBuilder,
    SchemaFormat, Type,
};
use utoipa::{Modify, OpenApi};

use crate::{
    access_log, applications, assist, attachments, auth, catalog, console, counter, dev, events,
    feedback, notification_settings, officer, officer_api, overview, profile, profile_change,
    public_status, status_page, sync,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "OpenDVC reference portal",
        version = "1",
        description = "Contract v1 of OpenDVC: the API a city's DVC platform (or this reference portal) serves to the OpenDVC app. JSON is camelCase; times are RFC 3339 with offset; errors are RFC 9457 problem documents with a stable `code`."
    ),
    paths(
        auth::otp::request_otp, auth::otp::exchange_otp, auth::tokens::refresh, auth::tokens::logout, auth::staff::staff_token,
        assist::consent_code, assist::open_session, assist::end_session,
        profile::me, profile_change::patch_me, profile_change::contact_codes, profile::documents, profile::set_document_reminders, access_log::access_log,
        notification_settings::get_settings, notification_settings::put_settings,
        catalog::procedures, catalog::quote, catalog::admin_units, catalog::holidays,
        feedback::services,
        feedback::resident::create, feedback::resident::list, feedback::resident::get,
        feedback::resident::photo, feedback::resident::rate, feedback::resident::reopen,
        feedback::officer::queue, feedback::officer::get, feedback::officer::photo,
        feedback::officer::answer, feedback::officer::assign, feedback::officer::hand_off,
        feedback::answer_photo::upload,
        attachments::upload,
        applications::create, applications::list, applications::get, applications::supplement,
        applications::change_delivery, applications::withdraw, applications::rate,
        sync::sync, events::events,
        crate::payments::resident::create, crate::payments::resident::list,
        crate::payments::ipn::vnpay_ipn, crate::payments::return_page::show,
        crate::payments::officer::refund, crate::payments::officer::record,
        crate::payments::officer::record_cod,
        crate::payments::sandbox::bank_page, crate::payments::sandbox::bank_action,
        crate::payments::sandbox::merchant_api,
        officer::transition_handler,
        officer_api::me_handler,
        officer_api::queue_handler,
        officer_api::application_handler,
        officer_api::assign_handler,
        officer_api::attachment_handler,
        counter::counter_handler,
        overview::overview_handler,
        public_status::public_status_json, status_page::show_form, status_page::check,
        status_page::style, console::index, console::file,
        crate::open311::discovery_json, crate::open311::discovery_xml,
        crate::open311::services_json, crate::open311::services_xml,
        crate::open311::create_json, crate::open311::create_xml,
        crate::open311::requests_json, crate::open311::requests_xml,
        crate::open311::request_one,
        dev::messages, dev::advance_clock, dev::health, dev::ready, openapi_json
    ),
    components(schemas(Problem, ErrorCode, FieldError, PushEvent, PushEventKind, status_page::CheckForm)),
    modifiers(&Policy),
    tags(
        (name = "auth", description = "Sign-in of citizens and staff"),
        (name = "assist", description = "Assisted sessions with the citizen's consent. A session opened with the consent code sent to the citizen's phone may read and submit; one opened on a paper consent may submit only, and follow up only on what it submitted: every read of the citizen's data answers it 403 `forbidden`. The citizen is told by text whenever a session is opened for them, and reads every opening, every staff read and every submission in a session in `GET /v1/me/access-log`. Work created in a session may be delivered after it ended or expired by the staff member who opened it: their own bearer token and the header `X-Assist-Session: <session id>`, on `POST /v1/applications`, `POST /v1/attachments` and the follow-ups (`POST /v1/applications/{id}/supplements`, `PUT /v1/applications/{id}/delivery`, `POST /v1/applications/{id}/withdraw`, `POST /v1/applications/{id}/rating`, on applications of the session's citizen only), with the UUIDv7 `Idempotency-Key` minted while the session was open. The device sends its own clock as `X-Device-Time` (RFC 3339) when it records a session opened offline (`openedAt`) and when it delivers late; the portal moves the device's times onto its own clock by the offset (portal now minus `X-Device-Time`; no header: 0) and allows 10 minutes of skew. New work is accepted only within 7 days after the portal first recorded the session and up to 20 items (applications, files and follow-ups together) per session; a session opened offline may be recorded up to 30 days after it opened (these numbers are the defaults of the portal's limits). A replay (same key and payload, or a file the citizen already has) is answered even after the window closed and is not a new item. Late deliveries outside these rules, and anything else with a staff token, get 403 `forbidden`."),
        (name = "profile", description = "Profile and document wallet"),
        (name = "console", description = "The officers' web console, HTML and its assets embedded in the portal binary (not part of the JSON contract): a single-page app under `/console/` that signs in with `POST /v1/auth/staff-token` (officers and supervisors) and uses the `/v1/officer/…` endpoints. `/console` redirects to `/console/`."),
        (name = "catalog", description = "Procedures"),
        (name = "reference", description = "Admin units and holidays"),
        (name = "feedback", description = "Residents' feedback (phản ánh, kiến nghị): the services it is filed in, routed by category and commune-level unit to the agency that answers it."),
        (name = "attachments", description = "Uploads, content-addressed"),
        (name = "applications", description = "Submissions and follow-ups; state changes need an Idempotency-Key"),
        (name = "payments", description = "Paying an application's fee: online through VNPay (v2.1.0; the demo portal's sandbox bank plays it), at the counter or cash on delivery. At most one payment of an application is pending. Only the provider's server-to-server callback (IPN) or the portal's reconciliation (`querydr`) changes an online payment; the page the browser returns to only shows its state and links to the app's deep link `opendvc://payments/{paymentId}`. The IPN and the return page are documented exceptions to the contract's JSON conventions."),
        (name = "sync", description = "Pull sync"),
        (name = "officer", description = "The city's side of the workflow"),
        (name = "public", description = "For anyone holding a receipt, without sign-in: an application's procedure, status, due date and delivery state by its code and the last 4 digits of the holder's ID number, as JSON (`/v1/public/status/{code}`) and as a page for people (`/s/{code}`, the target of the receipt's QR code). Nothing personal is shown. These two are the contract's exceptions to JSON: the page answers `text/html` (its errors too), and takes a form-encoded `check` so the digits never stand in a URL."),
        (name = "open311", description = "Open311 GeoReport v2 (<http://wiki.open311.org/GeoReport_v2/>) at `/open311/v2/`, for the city's existing tools. A documented exception to the contract's conventions, as the standard fixes them: fields are snake_case; each document comes as JSON or XML after the path's extension (`services.json`, `services.xml`; XML root elements as the standard: `<discovery>`, `<services><service>`, `<errors><error>`); errors are `[{code, description}]` (`code` repeats the HTTP status), not problem documents; absent values are left out. Served: the discovery document, the services (the feedback categories of `GET /v1/feedback/services`), `POST requests` (form-encoded, `?api_key=` checked before the body) and the public `GET requests` and `GET requests/{id}` (never a reporter's name, phone, e-mail or exact address)."),
        (name = "dev", description = "Demo mode only"),
        (name = "meta", description = "The service itself")
    )
)]
pub struct ApiDoc;

/// Describes the `Idempotency-Key` policy; shown on every operation that takes the header.
pub const IDEMPOTENCY_POLICY: &str = "Required. A client-chosen key (1 to 255 printable ASCII characters, e.g. a UUIDv7) that makes this request safe to resend. Keys are scoped to the citizen, method and path. The first successful response is stored with a hash of the request, in the same transaction as the change, and kept at least 30 days (older keys are purged at start-up and daily). Same key and same payload: the stored response is returned again with `Idempotent-Replayed: true` and nothing changes. Same key with a different payload: 422 `idempotency_key_reused`. Same key while the first request is still being handled: 409 `idempotency_in_flight` (retry after `Retry-After`). Missing key: 400 `idempotency_key_missing`. Refusals are not stored.";

struct Policy;

/// Which problem statuses an operation can answer.
fn problem_statuses(method: &HttpMethod, path: &str, authenticated: bool) -> Vec<u16> {
    // The status page answers its own refusals as pages (documented on its handlers); only a
    // bad query string, a slow or oversized body are problem documents there.
    if path.starts_with("/s/") {
        return match method {
            HttpMethod::Post => vec![400, 408, 413, 429],
            _ => vec![400],
        };
    }
    if path.starts_with("/static/") {
        return Vec::new();
    }
    let has_body = matches!(
        method,
        HttpMethod::Post | HttpMethod::Put | HttpMethod::Patch
    );
    let has_path_param = path.contains('{');
    let idempotent = is_idempotent(method, path);
    let mut statuses = Vec::new();
    if has_body || has_path_param || path == "/v1/sync" || path == "/v1/me/access-log" {
        statuses.push(400);
    }
    if authenticated {
        statuses.extend([401, 403]);
    } else if path.starts_with("/v1/auth/") && path != "/v1/auth/otp" {
        statuses.push(401);
    }
    if has_path_param || path == "/v1/dev/messages" || path == "/v1/me" {
        statuses.push(404);
    }
    if idempotent || path.starts_with("/v1/officer/") {
        statuses.push(409);
    }
    if has_body {
        statuses.extend([408, 413, 415, 422]);
    }
    if matches!(
        path,
        "/v1/auth/otp"
            | "/v1/auth/token"
            | "/v1/assist/consent-codes"
            | "/v1/assist/sessions"
            | "/v1/auth/staff-token"
            | "/v1/events"
            | "/v1/public/status/{code}"
            | "/v1/me/contact-codes"
    ) || (path == "/v1/me" && matches!(method, HttpMethod::Patch))
    {
        statuses.push(429);
    }
    statuses
}

fn is_idempotent(method: &HttpMethod, path: &str) -> bool {
    matches!(method, HttpMethod::Post | HttpMethod::Put)
        && (path.starts_with("/v1/applications")
            || path == "/v1/officer/applications"
            || (path.starts_with("/v1/feedback") && path != "/v1/feedback/services")
            || (path.starts_with("/v1/officer/feedback/") && !path.ends_with("/photos")))
}

fn problem_description(status: u16) -> &'static str {
    match status {
        400 => {
            "Malformed request (not JSON, wrong types, bad parameters) or a missing Idempotency-Key."
        }
        401 => {
            "No valid access token (`unauthorized`), an expired one (`token_expired`), or a wrong code or refresh token."
        }
        403 => {
            "Not allowed for this caller (`forbidden`), or no valid consent (`consent_required`)."
        }
        404 => "No such resource, or not the caller's.",
        409 => {
            "Not allowed in the current state (`invalid_state`), or the same Idempotency-Key is in flight."
        }
        408 => {
            "The body arrived more slowly than the portal's minimum rate (after a grace period); the connection is closed. Send it again."
        }
        413 => {
            "The body is too large (`payload_too_large`), or an upload would exceed the citizen's quota (`quota_exceeded`)."
        }
        415 => {
            "The body's media type is not accepted, or an upload's bytes are not what its Content-Type says."
        }
        422 => {
            "A value is not acceptable (`validation_failed`, see `errors`), or the Idempotency-Key was used with another payload."
        }
        429 => {
            "Too many requests (a limit of limits.json, e.g. one-time codes or wrong guesses per ID number or client address, staff sign-in failures per address and code, open event streams per token); wait for `Retry-After` seconds."
        }
        _ => "Error.",
    }
}

fn idempotency_parameter() -> Parameter {
    ParameterBuilder::new()
        .name(opendvc_api::IDEMPOTENCY_KEY_HEADER)
        .parameter_in(ParameterIn::Header)
        .required(Required::True)
        .description(Some(IDEMPOTENCY_POLICY))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(255))
                .pattern(Some("^[\\x21-\\x7E]([\\x20-\\x7E]*[\\x21-\\x7E])?$")),
        ))
        .build()
}

fn decorate(method: HttpMethod, path: &str, operation: &mut Operation) {
    let authenticated = operation
        .security
        .as_ref()
        .is_some_and(|requirements| !requirements.is_empty());
    for status in problem_statuses(&method, path, authenticated) {
        let mut response = ResponseBuilder::new()
            .description(problem_description(status))
            .content(
                PROBLEM_CONTENT_TYPE,
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            );
        if status == 429 || status == 409 {
            response = response.header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(ObjectBuilder::new().schema_type(Type::Integer))
                    .description(Some("Seconds to wait before retrying."))
                    .build(),
            );
        }
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| response.build().into());
    }
    if path == "/v1/attachments"
        && let Some(body) = operation.request_body.as_mut()
    {
        // Uploads are raw bytes (a PDF or a photo): say so, so that no tool mistakes them
        // for JSON strings.
        for content in body.content.values_mut() {
            content.schema = Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
                    .into(),
            );
        }
    }
    if is_idempotent(&method, path) {
        operation
            .parameters
            .get_or_insert_with(Vec::new)
            .push(idempotency_parameter());
        for status in ["200", "201"] {
            if let Some(utoipa::openapi::RefOr::T(ok)) =
                operation.responses.responses.get_mut(status)
            {
                ok.headers.insert(
                    opendvc_api::IDEMPOTENT_REPLAY_HEADER.to_owned(),
                    HeaderBuilder::new()
                        .schema(ObjectBuilder::new().schema_type(Type::String))
                        .description(Some(
                            "`true` when this is the stored response of an earlier request with the same key.",
                        ))
                        .build(),
                );
            }
        }
    }
}

impl Modify for Policy {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some("Opaque access token from /v1/auth/token, /v1/auth/staff-token or /v1/assist/sessions."))
                        .build(),
                ),
            );
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                (HttpMethod::Get, &mut item.get),
                (HttpMethod::Post, &mut item.post),
                (HttpMethod::Put, &mut item.put),
                (HttpMethod::Delete, &mut item.delete),
                (HttpMethod::Patch, &mut item.patch),
            ];
            for (method, operation) in operations {
                if let Some(operation) = operation.as_mut() {
                    decorate(method, path, operation);
                }
            }
        }
        qualify_shared_operation_ids(openapi);
    }
}

/// utoipa names an operation after its handler, and handlers of different modules share names
/// (`list`, `create`, `get`). OpenAPI requires operationIds to be unique: tools that follow
/// links or generate clients by id would otherwise reach the wrong operation (schemathesis's
/// stateful phase linked a new payment to `GET /v1/feedback`). A shared id gets its tag in
/// front, camelCase: `paymentsList`, `feedbackList`.
fn qualify_shared_operation_ids(openapi: &mut utoipa::openapi::OpenApi) {
    let mut uses: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for operation in operations_mut(openapi) {
        if let Some(id) = &operation.operation_id {
            *uses.entry(id.clone()).or_default() += 1;
        }
    }
    for operation in operations_mut(openapi) {
        let Some(id) = operation.operation_id.clone() else {
            continue;
        };
        if uses.get(&id).copied().unwrap_or(0) < 2 {
            continue;
        }
        let tag = operation
            .tags
            .as_ref()
            .and_then(|tags| tags.first())
            .cloned()
            .unwrap_or_default();
        let mut first = id.chars();
        let capitalised: String = first
            .next()
            .map(|c| c.to_uppercase().chain(first).collect())
            .unwrap_or_default();
        operation.operation_id = Some(format!("{tag}{capitalised}"));
    }
}

fn operations_mut(openapi: &mut utoipa::openapi::OpenApi) -> impl Iterator<Item = &mut Operation> {
    openapi.paths.paths.values_mut().flat_map(|item| {
        [
            item.get.as_mut(),
            item.post.as_mut(),
            item.put.as_mut(),
            item.delete.as_mut(),
            item.patch.as_mut(),
        ]
        .into_iter()
        .flatten()
    })
}

/// The document as served, built once.
pub fn document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| ApiDoc::openapi().to_json().unwrap_or_default())
}

#[utoipa::path(get, path = "/openapi.json", tag = "meta",
    responses((status = 200, description = "This document.", body = Object)))]
pub async fn openapi_json() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        document(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_id_is_unique() {
        let document: serde_json::Value =
            serde_json::from_str(document()).expect("the document is JSON");
        let mut seen = std::collections::HashMap::new();
        let paths = document["paths"].as_object().expect("paths");
        for (path, item) in paths {
            for (method, operation) in item.as_object().expect("a path item") {
                let Some(id) = operation.get("operationId").and_then(|id| id.as_str()) else {
                    continue;
                };
                if let Some(earlier) = seen.insert(id.to_owned(), format!("{method} {path}")) {
                    panic!("operationId {id} names both {earlier} and {method} {path}");
                }
            }
        }
        assert_eq!(
            document["paths"]["/v1/applications/{id}/payments"]["get"]["operationId"],
            "paymentsList"
        );
        assert!(seen.len() > 50, "the document has its operations");
    }

    #[test]
    fn document_is_openapi_3_1_with_every_contract_path() {
        let document: serde_json::Value =
            serde_json::from_str(document()).expect("the document is JSON");
        assert!(
            document["openapi"]
                .as_str()
                .is_some_and(|v| v.starts_with("3.1")),
            "OpenAPI 3.1"
        );
        for path in [
            "/v1/auth/otp",
            "/v1/auth/token",
            "/v1/auth/refresh",
            "/v1/auth/logout",
            "/v1/auth/staff-token",
            "/v1/assist/sessions",
            "/v1/me",
            "/v1/me/access-log",
            "/v1/documents",
            "/v1/procedures",
            "/v1/procedures/{id}/quote",
            "/v1/admin-units",
            "/v1/holidays/{year}",
            "/v1/feedback/services",
            "/v1/attachments",
            "/v1/applications",
            "/v1/applications/{id}",
            "/v1/applications/{id}/supplements",
            "/v1/applications/{id}/delivery",
            "/v1/applications/{id}/withdraw",
            "/v1/applications/{id}/rating",
            "/v1/sync",
            "/v1/officer/applications/{id}/transition",
            "/v1/officer/me",
            "/v1/officer/applications",
            "/v1/officer/applications/{id}",
            "/v1/officer/applications/{id}/assign",
            "/v1/officer/overview",
            "/v1/feedback",
            "/v1/feedback/{id}",
            "/v1/feedback/{id}/photos/{photoId}",
            "/v1/feedback/{id}/rating",
            "/v1/feedback/{id}/reopen",
            "/v1/officer/feedback",
            "/v1/officer/feedback/{id}",
            "/v1/officer/feedback/{id}/photos/{photoId}",
            "/v1/officer/feedback/{id}/answer",
            "/v1/officer/feedback/{id}/assign",
            "/v1/officer/feedback/{id}/hand-off",
            "/v1/officer/feedback/{id}/photos",
        ] {
            assert!(
                document["paths"].get(path).is_some(),
                "{path} is documented"
            );
        }
    }

    #[test]
    fn idempotent_operations_document_the_key_and_its_errors() {
        let document: serde_json::Value =
            serde_json::from_str(document()).expect("the document is JSON");
        let create = &document["paths"]["/v1/applications"]["post"];
        let parameters = create["parameters"].as_array().expect("parameters");
        assert!(
            parameters
                .iter()
                .any(|p| p["name"] == "Idempotency-Key" && p["required"] == true),
            "the key is a required header"
        );
        for status in ["400", "409", "422"] {
            assert!(
                create["responses"].get(status).is_some(),
                "{status} is documented"
            );
        }
        assert!(
            document["components"]["securitySchemes"]
                .get("bearer")
                .is_some(),
            "bearer scheme"
        );
    }
}
