//! Every error code the core can show, from the portal, the client or the core itself, has
//! its message in `locales/*/core.ftl` (`error-` + the code with dashes).

use opendvc_core::i18n::{CORE_SOURCES, Lang, Localizer};

#[test]
fn every_error_code_has_a_message() {
    use opendvc_api::ErrorCode;
    let localizer = Localizer::new(Lang::Vi, &CORE_SOURCES).expect("the core messages parse");
    let portal_codes = [
        ErrorCode::MalformedRequest,
        ErrorCode::ValidationFailed,
        ErrorCode::Unauthorized,
        ErrorCode::TokenExpired,
        ErrorCode::RefreshTokenInvalid,
        ErrorCode::OtpInvalid,
        ErrorCode::Forbidden,
        ErrorCode::ConsentRequired,
        ErrorCode::NotFound,
        ErrorCode::InvalidState,
        ErrorCode::IdempotencyKeyMissing,
        ErrorCode::IdempotencyKeyReused,
        ErrorCode::IdempotencyInFlight,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::QuotaExceeded,
        ErrorCode::RateLimited,
        ErrorCode::Internal,
        ErrorCode::Unavailable,
        ErrorCode::Unknown,
    ];
    let client_codes = [
        "network",
        "timeout",
        "server",
        "rate_limited",
        "unauthorized",
        "not_signed_in",
        "validation",
        "not_found",
        "conflict",
        "malformed",
    ];
    let core_codes = [
        "no_portal",
        "invalid_id_number",
        "otp_invalid",
        "store",
        "store_corrupt",
        "no_such_item",
        "item_not_changeable",
        "not_an_application",
        "attachment_too_large",
        "attachment_unreadable",
        "session_file",
        "catalog_missing",
        "unknown_procedure",
        "invalid_submission",
        "unknown_application",
        "unsent_items",
        "attachment_missing",
        "parent_discarded",
        "parent_not_created",
        "search_index_missing",
        "search_failed",
        "access_log_own_sign_in_only",
        "notification_settings_own_sign_in_only",
    ];
    let all = portal_codes
        .iter()
        .map(|code| code.as_str())
        .chain(client_codes)
        .chain(core_codes);
    for code in all {
        let id = format!("error-{}", code.replace('_', "-"));
        assert!(localizer.has_message(Lang::Vi, &id), "{id} is missing");
    }
}
