//! The router: every endpoint, the body limits and rate, and problem documents for unknown
//! routes.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post, put};
use opendvc_api::{ErrorCode, MAX_ATTACHMENT_BYTES};

use crate::error::ApiError;
use crate::state::AppState;
use crate::{
    access_log, applications, assist, attachments, auth, catalog, console, counter, dev, drain,
    events, feedback, notification_settings, officer, officer_api, openapi, overview, profile,
    profile_change, public_status, status_page, sync,
};

/// Largest JSON body accepted, bytes.
pub const MAX_JSON_BYTES: usize = 1024 * 1024;

async fn unknown_route() -> ApiError {
    ApiError::not_found("No such endpoint.")
}

async fn wrong_method() -> ApiError {
    let mut error = ApiError::new(
        ErrorCode::MalformedRequest,
        "This method is not allowed here.",
    );
    error.problem.status = 405;
    error.problem.title = "Method not allowed".into();
    error
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(dev::health))
        .route("/readyz", get(dev::ready))
        .route("/openapi.json", get(openapi::openapi_json))
        .route("/v1/auth/otp", post(auth::otp::request_otp))
        .route("/v1/auth/token", post(auth::otp::exchange_otp))
        .route("/v1/auth/refresh", post(auth::tokens::refresh))
        .route("/v1/auth/logout", post(auth::tokens::logout))
        .route("/v1/auth/staff-token", post(auth::staff::staff_token))
        .route("/v1/assist/consent-codes", post(assist::consent_code))
        .route("/v1/assist/sessions", post(assist::open_session))
        .route("/v1/assist/sessions/{id}", delete(assist::end_session))
        .route("/v1/me", get(profile::me).patch(profile_change::patch_me))
        .route("/v1/me/contact-codes", post(profile_change::contact_codes))
        .route("/v1/me/access-log", get(access_log::access_log))
        .route(
            "/v1/me/notification-settings",
            get(notification_settings::get_settings).put(notification_settings::put_settings),
        )
        .route("/v1/documents", get(profile::documents))
        .route(
            "/v1/me/documents/{id}/reminders",
            put(profile::set_document_reminders),
        )
        .route("/v1/procedures", get(catalog::procedures))
        .route("/v1/procedures/{id}/quote", post(catalog::quote))
        .route("/v1/admin-units", get(catalog::admin_units))
        .route("/v1/holidays/{year}", get(catalog::holidays))
        .route("/v1/feedback/services", get(feedback::services))
        .route(
            "/v1/feedback",
            post(feedback::resident::create).get(feedback::resident::list),
        )
        .route("/v1/feedback/{id}", get(feedback::resident::get))
        .route(
            "/v1/feedback/{id}/photos/{photoId}",
            get(feedback::resident::photo),
        )
        .route("/v1/feedback/{id}/rating", post(feedback::resident::rate))
        .route("/v1/feedback/{id}/reopen", post(feedback::resident::reopen))
        .route("/v1/officer/feedback", get(feedback::officer::queue))
        .route("/v1/officer/feedback/{id}", get(feedback::officer::get))
        .route(
            "/v1/officer/feedback/{id}/photos/{photoId}",
            get(feedback::officer::photo),
        )
        .route(
            "/v1/officer/feedback/{id}/photos",
            post(feedback::answer_photo::upload).layer(DefaultBodyLimit::max(MAX_ATTACHMENT_BYTES)),
        )
        .route(
            "/v1/officer/feedback/{id}/answer",
            post(feedback::officer::answer),
        )
        .route(
            "/v1/officer/feedback/{id}/assign",
            post(feedback::officer::assign),
        )
        .route(
            "/v1/officer/feedback/{id}/hand-off",
            post(feedback::officer::hand_off),
        )
        .route(
            "/v1/attachments",
            post(attachments::upload).layer(DefaultBodyLimit::max(MAX_ATTACHMENT_BYTES)),
        )
        .route(
            "/v1/applications",
            post(applications::create).get(applications::list),
        )
        .route("/v1/applications/{id}", get(applications::get))
        .route(
            "/v1/applications/{id}/supplements",
            post(applications::supplement),
        )
        .route(
            "/v1/applications/{id}/delivery",
            put(applications::change_delivery),
        )
        .route(
            "/v1/applications/{id}/withdraw",
            post(applications::withdraw),
        )
        .route("/v1/applications/{id}/rating", post(applications::rate))
        .route(
            "/v1/applications/{id}/payments",
            post(crate::payments::resident::create).get(crate::payments::resident::list),
        )
        .route(
            "/v1/payments/vnpay/ipn",
            get(crate::payments::ipn::vnpay_ipn),
        )
        .route(
            "/v1/payments/return",
            get(crate::payments::return_page::show),
        )
        .route(
            "/v1/officer/payments/{paymentId}/refund",
            post(crate::payments::officer::refund),
        )
        .route(
            "/v1/officer/applications/{id}/payments/record",
            post(crate::payments::officer::record),
        )
        .route(
            "/v1/assist/applications/{id}/payments/cod",
            post(crate::payments::officer::record_cod),
        )
        .route("/dev/pay/api", post(crate::payments::sandbox::merchant_api))
        .route(
            "/dev/pay/{paymentId}",
            get(crate::payments::sandbox::bank_page).post(crate::payments::sandbox::bank_action),
        )
        .route("/v1/sync", get(sync::sync))
        .route("/v1/events", get(events::events))
        .route(
            "/v1/officer/applications/{id}/transition",
            post(officer::transition_handler),
        )
        .route("/v1/officer/me", get(officer_api::me_handler))
        .route(
            "/v1/officer/applications",
            get(officer_api::queue_handler).post(counter::counter_handler),
        )
        .route(
            "/v1/officer/applications/{id}",
            get(officer_api::application_handler),
        )
        .route(
            "/v1/officer/applications/{id}/attachments/{attachmentId}",
            get(officer_api::attachment_handler),
        )
        .route(
            "/v1/officer/applications/{id}/assign",
            post(officer_api::assign_handler),
        )
        .route("/v1/officer/overview", get(overview::overview_handler))
        .route(
            "/v1/public/status/{code}",
            get(public_status::public_status_json),
        )
        .route(
            "/s/{code}",
            get(status_page::show_form).post(status_page::check),
        )
        .route(status_page::STYLE_PATH, get(status_page::style))
        .route("/console", get(console::redirect_to_base))
        .route(console::BASE_PATH, get(console::index))
        .route("/console/{*path}", get(console::file))
        .route("/v1/dev/messages", get(dev::messages))
        .route("/v1/dev/clock", post(dev::advance_clock))
        .merge(crate::open311::routes())
        // After routing, so a request's span names its route's template, never its URI.
        .route_layer(axum::middleware::from_fn(crate::logging::request_span))
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(MAX_JSON_BYTES))
        .layer(axum::middleware::from_fn(drain::drain_unread_bodies))
        // Outermost, so the body's minimum rate also bounds the draining after an early answer.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::server::enforce_body_rate,
        ))
        .with_state(state)
}
