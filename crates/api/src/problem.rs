//! RFC 9457 problem documents with the stable codes clients branch on.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Media type of every error body.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// A stable, closed list of error codes. Clients branch on these, never on `title` or
/// `detail`. Each code is also the id of a Fluent message in the app's `locales/`, prefixed
/// with `error-` and with underscores as dashes, so the app can say it in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not JSON, or not the JSON this endpoint takes (wrong types, missing fields).
    MalformedRequest,
    /// The request is well-formed but a value is not acceptable; see `errors`.
    ValidationFailed,
    /// No access token, or it is invalid.
    Unauthorized,
    /// The access token has expired: refresh it and resend.
    TokenExpired,
    /// The refresh token is unknown, used already, or expired: sign in again.
    RefreshTokenInvalid,
    /// The one-time code is wrong or expired.
    OtpInvalid,
    /// The caller may not do this (e.g. staff without an assisted session, an ended session).
    Forbidden,
    /// An assisted session was asked for without valid consent from the citizen.
    ConsentRequired,
    /// The resource does not exist, or is not the caller's.
    NotFound,
    /// The request conflicts with the resource's state (e.g. withdrawing a finished application).
    InvalidState,
    /// A state-changing request came without an `Idempotency-Key`.
    IdempotencyKeyMissing,
    /// The `Idempotency-Key` was used before with a different payload.
    IdempotencyKeyReused,
    /// A request with the same `Idempotency-Key` is still being processed: retry later.
    IdempotencyInFlight,
    /// The body is larger than the endpoint accepts.
    PayloadTooLarge,
    /// The body's media type is not accepted here, or the file's bytes are not what its
    /// media type says.
    UnsupportedMediaType,
    /// The citizen's uploads would exceed their storage quota.
    QuotaExceeded,
    /// Too many attempts: wait for `Retry-After` seconds.
    RateLimited,
    /// The portal failed; the request may be retried.
    Internal,
    /// The portal cannot reach its database (or another part it needs) just now: nothing was
    /// done; retry after `Retry-After` seconds.
    Unavailable,
    /// A code this client does not know yet (a newer portal). Never sent by a portal.
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The snake_case wire form of the code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MalformedRequest => "malformed_request",
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::TokenExpired => "token_expired",
            ErrorCode::RefreshTokenInvalid => "refresh_token_invalid",
            ErrorCode::OtpInvalid => "otp_invalid",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::ConsentRequired => "consent_required",
            ErrorCode::NotFound => "not_found",
            ErrorCode::InvalidState => "invalid_state",
            ErrorCode::IdempotencyKeyMissing => "idempotency_key_missing",
            ErrorCode::IdempotencyKeyReused => "idempotency_key_reused",
            ErrorCode::IdempotencyInFlight => "idempotency_in_flight",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::QuotaExceeded => "quota_exceeded",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Internal => "internal",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Unknown => "unknown",
        }
    }

    /// The HTTP status a portal answers with for this code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::MalformedRequest | ErrorCode::IdempotencyKeyMissing => 400,
            ErrorCode::Unauthorized
            | ErrorCode::TokenExpired
            | ErrorCode::RefreshTokenInvalid
            | ErrorCode::OtpInvalid => 401,
            ErrorCode::Forbidden | ErrorCode::ConsentRequired => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::InvalidState | ErrorCode::IdempotencyInFlight => 409,
            ErrorCode::PayloadTooLarge | ErrorCode::QuotaExceeded => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::ValidationFailed | ErrorCode::IdempotencyKeyReused => 422,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal | ErrorCode::Unknown => 500,
            ErrorCode::Unavailable => 503,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What is wrong with a field: a stable, closed list, so that a client branches on the code
/// and never on the English message. Each code is the id of a Fluent message in the app's
/// `locales/{vi,en,id}/fields.ftl` (taking the field's label as `$label`). The rules that produce them
/// are the shared rules of `crates/rules`, used by the app and the portal alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum FieldProblemCode {
    /// A required value is missing.
    #[serde(rename = "field-required")]
    Required,
    /// The value is longer than the field allows.
    #[serde(rename = "field-too-long")]
    TooLong,
    /// The form has no field of this name.
    #[serde(rename = "field-not-in-form")]
    NotAField,
    /// Not a 12-digit personal identification number.
    #[serde(rename = "field-id-number-invalid")]
    IdNumberInvalid,
    /// Not a Vietnamese phone number.
    #[serde(rename = "field-phone-invalid")]
    PhoneInvalid,
    /// Not an e-mail address.
    #[serde(rename = "field-email-invalid")]
    EmailInvalid,
    /// Not a day of the calendar written `YYYY-MM-DD`.
    #[serde(rename = "field-date-invalid")]
    DateInvalid,
    /// A day after today where only a past day (or today) makes sense.
    #[serde(rename = "field-date-in-future")]
    DateInFuture,
    /// An end that is not after its start (an expiry on or before the issue date).
    #[serde(rename = "field-date-not-after-start")]
    DateNotAfterStart,
    /// Not a whole number.
    #[serde(rename = "field-number-invalid")]
    NumberInvalid,
    /// Not one of the field's options.
    #[serde(rename = "field-option-invalid")]
    OptionInvalid,
    /// The procedure does not offer this (a delivery method).
    #[serde(rename = "field-not-offered")]
    NotOffered,
    /// Not a commune-level unit of the province.
    #[serde(rename = "field-unit-invalid")]
    UnitInvalid,
    /// Not a document kind a resident may add (`DOCUMENT_KINDS`).
    #[serde(rename = "field-document-kind-invalid")]
    DocumentKindInvalid,
    /// Not driving licence classes.
    #[serde(rename = "field-classes-invalid")]
    ClassesInvalid,
    /// Not a document this procedure asks for.
    #[serde(rename = "field-requirement-unknown")]
    RequirementUnknown,
    /// Not an upload of the caller's own.
    #[serde(rename = "field-attachment-not-yours")]
    AttachmentNotYours,
    /// Not a document in the caller's wallet.
    #[serde(rename = "field-document-not-yours")]
    DocumentNotYours,
    /// The form does not decide which fee case applies: the citizen chooses one (the
    /// message names the choices).
    #[serde(rename = "field-fee-case-needed")]
    FeeCaseNeeded,
    /// A field only the identity registry changes (VNeID or the commune police).
    #[serde(rename = "field-read-only")]
    ReadOnly,
    /// A confirmation code that is wrong, expired, used or not the newest sent.
    #[serde(rename = "field-code-invalid")]
    CodeInvalid,
    /// The value is not accepted, for a reason without a code of its own; also a code this
    /// client does not know yet (a newer portal), and what a portal without codes implies.
    #[default]
    #[serde(rename = "field-invalid", other)]
    Invalid,
}

impl FieldProblemCode {
    /// The code as sent, which is also its Fluent message id.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldProblemCode::Required => "field-required",
            FieldProblemCode::TooLong => "field-too-long",
            FieldProblemCode::NotAField => "field-not-in-form",
            FieldProblemCode::IdNumberInvalid => "field-id-number-invalid",
            FieldProblemCode::PhoneInvalid => "field-phone-invalid",
            FieldProblemCode::EmailInvalid => "field-email-invalid",
            FieldProblemCode::DateInvalid => "field-date-invalid",
            FieldProblemCode::DateInFuture => "field-date-in-future",
            FieldProblemCode::DateNotAfterStart => "field-date-not-after-start",
            FieldProblemCode::NumberInvalid => "field-number-invalid",
            FieldProblemCode::OptionInvalid => "field-option-invalid",
            FieldProblemCode::NotOffered => "field-not-offered",
            FieldProblemCode::UnitInvalid => "field-unit-invalid",
            FieldProblemCode::DocumentKindInvalid => "field-document-kind-invalid",
            FieldProblemCode::ClassesInvalid => "field-classes-invalid",
            FieldProblemCode::RequirementUnknown => "field-requirement-unknown",
            FieldProblemCode::AttachmentNotYours => "field-attachment-not-yours",
            FieldProblemCode::DocumentNotYours => "field-document-not-yours",
            FieldProblemCode::FeeCaseNeeded => "field-fee-case-needed",
            FieldProblemCode::ReadOnly => "field-read-only",
            FieldProblemCode::CodeInvalid => "field-code-invalid",
            FieldProblemCode::Invalid => "field-invalid",
        }
    }

    /// What is wrong, in English, for logs, developers and `FieldError::message`.
    pub fn english(self) -> &'static str {
        match self {
            FieldProblemCode::Required => "required",
            FieldProblemCode::TooLong => "too long",
            FieldProblemCode::NotAField => "not a field of this form",
            FieldProblemCode::IdNumberInvalid => "must be a 12-digit ID number",
            FieldProblemCode::PhoneInvalid => {
                "must be a Vietnamese phone number: 0 or +84, then 9 digits for a mobile or 10 for a landline"
            }
            FieldProblemCode::EmailInvalid => "must be an e-mail address",
            FieldProblemCode::DateInvalid => "must be a date YYYY-MM-DD",
            FieldProblemCode::DateInFuture => "must not be in the future",
            FieldProblemCode::DateNotAfterStart => "must be after the start date",
            FieldProblemCode::NumberInvalid => "must be a whole number",
            FieldProblemCode::OptionInvalid => "must be one of the options",
            FieldProblemCode::NotOffered => "not offered for this procedure",
            FieldProblemCode::UnitInvalid => "not a unit of that province",
            FieldProblemCode::DocumentKindInvalid => "not a document kind",
            FieldProblemCode::ClassesInvalid => "not driving licence classes",
            FieldProblemCode::RequirementUnknown => "not a required document of this procedure",
            FieldProblemCode::AttachmentNotYours => "not an attachment you uploaded",
            FieldProblemCode::DocumentNotYours => "not a document in your wallet",
            FieldProblemCode::FeeCaseNeeded => "choose which fee case applies",
            FieldProblemCode::ReadOnly => {
                "read-only: an identity field changes through VNeID or the commune police"
            }
            FieldProblemCode::CodeInvalid => "the code is wrong or expired: ask for a new one",
            FieldProblemCode::Invalid => "invalid",
        }
    }

    /// Every code, for checks that each has its message.
    pub const ALL: [FieldProblemCode; 22] = [
        FieldProblemCode::Required,
        FieldProblemCode::TooLong,
        FieldProblemCode::NotAField,
        FieldProblemCode::IdNumberInvalid,
        FieldProblemCode::PhoneInvalid,
        FieldProblemCode::EmailInvalid,
        FieldProblemCode::DateInvalid,
        FieldProblemCode::DateInFuture,
        FieldProblemCode::DateNotAfterStart,
        FieldProblemCode::NumberInvalid,
        FieldProblemCode::OptionInvalid,
        FieldProblemCode::NotOffered,
        FieldProblemCode::UnitInvalid,
        FieldProblemCode::DocumentKindInvalid,
        FieldProblemCode::ClassesInvalid,
        FieldProblemCode::RequirementUnknown,
        FieldProblemCode::AttachmentNotYours,
        FieldProblemCode::DocumentNotYours,
        FieldProblemCode::FeeCaseNeeded,
        FieldProblemCode::ReadOnly,
        FieldProblemCode::CodeInvalid,
        FieldProblemCode::Invalid,
    ];
}

impl std::fmt::Display for FieldProblemCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    /// JSON pointer-like path of the field, e.g. `form.fullName` or `delivery.address.unitCode`.
    pub field: String,
    /// What is wrong, as a stable code that is also a Fluent message id. A portal from before
    /// the codes sends none, read as `field-invalid`.
    #[serde(default)]
    pub code: FieldProblemCode,
    /// What is wrong, in English, for logs and developers.
    pub message: String,
}

impl FieldError {
    /// A field error with the code's English message.
    pub fn new(field: impl Into<String>, code: FieldProblemCode) -> Self {
        FieldError {
            field: field.into(),
            code,
            message: code.english().to_owned(),
        }
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// A URI naming the problem type: `https://opendvc.org/problems/{code}`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short English summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// The stable code clients branch on.
    pub code: ErrorCode,
    /// English explanation of this occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub detail: Option<String>,
    /// Fields that failed validation, when `code` is `validation_failed`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl Problem {
    /// A problem of `code` with `detail`.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Problem {
            problem_type: format!("https://opendvc.org/problems/{}", code.as_str()),
            title: code.title().to_owned(),
            status: code.http_status(),
            code,
            detail: Some(detail.into()),
            errors: Vec::new(),
        }
    }

    /// Adds field errors (for `validation_failed`).
    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }
}

impl ErrorCode {
    /// Short English title of the problem type.
    pub fn title(self) -> &'static str {
        match self {
            ErrorCode::MalformedRequest => "Malformed request",
            ErrorCode::ValidationFailed => "Validation failed",
            ErrorCode::Unauthorized => "Authentication required",
            ErrorCode::TokenExpired => "Access token expired",
            ErrorCode::RefreshTokenInvalid => "Refresh token invalid",
            ErrorCode::OtpInvalid => "One-time code invalid",
            ErrorCode::Forbidden => "Forbidden",
            ErrorCode::ConsentRequired => "Citizen consent required",
            ErrorCode::NotFound => "Not found",
            ErrorCode::InvalidState => "Not allowed in the current state",
            ErrorCode::IdempotencyKeyMissing => "Idempotency-Key header missing",
            ErrorCode::IdempotencyKeyReused => "Idempotency-Key reused with a different payload",
            ErrorCode::IdempotencyInFlight => "A request with this Idempotency-Key is in flight",
            ErrorCode::PayloadTooLarge => "Payload too large",
            ErrorCode::UnsupportedMediaType => "Unsupported media type",
            ErrorCode::QuotaExceeded => "Upload quota exceeded",
            ErrorCode::RateLimited => "Too many requests",
            ErrorCode::Internal => "Internal error",
            ErrorCode::Unavailable => "Service unavailable",
            ErrorCode::Unknown => "Unknown error",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_serialises_with_rfc9457_member_names() {
        let problem = Problem::new(ErrorCode::NotFound, "no such application");
        let json = serde_json::to_value(&problem).expect("problem serialises");
        assert_eq!(json["type"], "https://opendvc.org/problems/not_found");
        assert_eq!(json["status"], 404);
        assert_eq!(json["code"], "not_found");
        assert!(json.get("errors").is_none(), "empty errors are omitted");
    }

    #[test]
    fn unknown_error_code_from_a_newer_portal_is_tolerated() {
        let code: ErrorCode = serde_json::from_str("\"payment_required\"").expect("tolerated");
        assert_eq!(code, ErrorCode::Unknown);
    }

    #[test]
    fn as_str_matches_serde() {
        for code in [
            ErrorCode::MalformedRequest,
            ErrorCode::IdempotencyKeyReused,
            ErrorCode::RateLimited,
            ErrorCode::QuotaExceeded,
        ] {
            assert_eq!(
                serde_json::to_value(code).expect("serialises"),
                serde_json::Value::String(code.as_str().into())
            );
        }
    }
}
