//! The one error type handlers return: an RFC 9457 problem document with a stable code.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use opendvc_api::{ErrorCode, FieldError, FieldProblemCode, PROBLEM_CONTENT_TYPE, Problem};

/// Seconds a client waits before resending a request the database could not take.
const UNAVAILABLE_RETRY_AFTER_SECONDS: u64 = 5;

/// An error answered as `application/problem+json`.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub problem: Problem,
    /// Seconds for the `Retry-After` header (rate limits, requests in flight).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        ApiError {
            problem: Problem::new(code, detail),
            retry_after: None,
        }
    }

    pub fn malformed(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::MalformedRequest, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, detail)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthorized, detail)
    }

    pub fn invalid_state(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidState, detail)
    }

    /// A `validation_failed` problem listing the fields at fault.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = errors
            .iter()
            .map(|error| format!("{}: {}", error.field, error.message))
            .collect::<Vec<_>>()
            .join("; ");
        ApiError {
            problem: Problem::new(ErrorCode::ValidationFailed, detail).with_errors(errors),
            retry_after: None,
        }
    }

    /// A single-field `validation_failed` problem whose reason has no code of its own
    /// (`field-invalid`); `message` says it in English.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::validation(vec![FieldError {
            field: field.into(),
            code: FieldProblemCode::Invalid,
            message: message.into(),
        }])
    }

    /// A single-field `validation_failed` problem with its code.
    pub fn field_problem(field: impl Into<String>, code: FieldProblemCode) -> Self {
        Self::validation(vec![FieldError::new(field, code)])
    }

    /// An internal failure. The cause goes to the log, never to the client.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(
            ErrorCode::Internal,
            "The portal failed to handle the request; it may be retried.",
        )
    }

    /// The database (or another part the portal needs) cannot be reached: 503 with a
    /// `Retry-After`, never a 500 — nothing was done and the request may be sent again as it
    /// is. The cause goes to the log.
    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        tracing::warn!(%cause, "database unavailable");
        Self::new(
            ErrorCode::Unavailable,
            "The portal cannot reach its database just now; nothing was done. Retry after the time given.",
        )
        .with_retry_after(UNAVAILABLE_RETRY_AFTER_SECONDS)
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    #[cfg(test)]
    pub fn code(&self) -> ErrorCode {
        self.problem.code
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}",
            self.problem.code,
            self.problem
                .detail
                .as_deref()
                .unwrap_or(&self.problem.title)
        )
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self.problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(PROBLEM_CONTENT_TYPE),
        );
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_response_has_problem_media_type_and_status() {
        let response = ApiError::new(ErrorCode::RateLimited, "slow down")
            .with_retry_after(30)
            .into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            PROBLEM_CONTENT_TYPE,
            "errors are problem+json"
        );
        assert_eq!(response.headers()[header::RETRY_AFTER], "30");
    }
}
