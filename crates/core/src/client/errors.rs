//! [`ClientError`]: what can go wrong talking to the portal, each with a stable code, and
//! the server's `Retry-After`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use opendvc_api::Problem;

/// The longest wait a server's `Retry-After` is honoured for. A broken or hostile answer
/// (`Retry-After: 18446744073709551615`, a date in the year 9999) must neither overflow the
/// queue's date arithmetic nor park an item for years: past a day the queue tries again.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// When the server asked to be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    Seconds(u64),
    At(DateTime<Utc>),
}

impl RetryAfter {
    /// Reads a `Retry-After` value: delay seconds or an HTTP date. Anything else (a negative
    /// number, garbage) is `None`, as if the header were absent.
    pub fn parse(text: &str) -> Option<RetryAfter> {
        let text = text.trim();
        if let Ok(seconds) = text.parse::<u64>() {
            return Some(RetryAfter::Seconds(seconds));
        }
        DateTime::parse_from_rfc2822(text)
            .ok()
            .map(|at| RetryAfter::At(at.with_timezone(&Utc)))
    }

    /// How long to wait from `now`: never negative, never more than [`MAX_RETRY_AFTER`].
    pub fn duration_from(self, now: DateTime<Utc>) -> Duration {
        let wait = match self {
            RetryAfter::Seconds(seconds) => Duration::from_secs(seconds),
            RetryAfter::At(at) => at
                .signed_duration_since(now)
                .to_std()
                .unwrap_or(Duration::ZERO),
        };
        wait.min(MAX_RETRY_AFTER)
    }
}

/// Errors of talking to the portal, with stable codes ([`ClientError::code`]).
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The request may have reached the portal (a reset, a lost answer): the portal may have
    /// acted on it.
    #[error("the portal could not be reached: {0}")]
    Network(String),
    /// The request never left this device: no connection could be made (the device is
    /// offline, the portal is down), or the stored tokens could not be read.
    #[error("the portal could not be reached: {0}")]
    Unreachable(String),
    #[error("the portal did not answer in time")]
    Timeout,
    #[error("the portal failed (HTTP {status})")]
    Server {
        status: u16,
        problem: Option<Box<Problem>>,
        /// A 503 may say when to come back.
        retry_after: Option<RetryAfter>,
    },
    #[error("the portal asks to wait before trying again")]
    RateLimited { retry_after: Option<RetryAfter> },
    #[error("the session has ended; sign in again")]
    Unauthorized { problem: Option<Box<Problem>> },
    #[error("not signed in")]
    NotSignedIn,
    #[error("the portal refused the request (HTTP {status}): {}", problem.detail.as_deref().unwrap_or(&problem.title))]
    Validation { status: u16, problem: Box<Problem> },
    #[error("the portal does not know this item")]
    NotFound { problem: Option<Box<Problem>> },
    #[error("the request conflicts with the current state: {}", problem.detail.as_deref().unwrap_or(&problem.title))]
    Conflict { problem: Box<Problem> },
    #[error("the portal sent an answer this app cannot read ({what})")]
    Malformed { what: String },
}

impl ClientError {
    /// The stable code; also the Fluent message id `error-{code}` with dashes. The mapping
    /// is [`ClientError::core_code`], beside the core's other codes (`crate::error`).
    pub fn code(&self) -> &'static str {
        self.core_code().as_str()
    }

    /// The server's problem document, if it sent one.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ClientError::Server { problem, .. }
            | ClientError::Unauthorized { problem }
            | ClientError::NotFound { problem } => problem.as_deref(),
            ClientError::Validation { problem, .. } | ClientError::Conflict { problem } => {
                Some(problem)
            }
            _ => None,
        }
    }

    /// The HTTP status, for errors that came with one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Server { status, .. } | ClientError::Validation { status, .. } => {
                Some(*status)
            }
            ClientError::RateLimited { .. } => Some(429),
            ClientError::Unauthorized { .. } => Some(401),
            ClientError::NotFound { .. } => Some(404),
            ClientError::Conflict { .. } => Some(409),
            _ => None,
        }
    }

    /// Whether the portal could not be reached at all (the device is offline, or the portal
    /// is down), as opposed to the portal answering.
    pub fn is_offline(&self) -> bool {
        matches!(
            self,
            ClientError::Network(_) | ClientError::Unreachable(_) | ClientError::Timeout
        )
    }

    pub(super) fn from_reqwest(error: reqwest::Error) -> ClientError {
        // Checked first: a connect timeout is both, and nothing was sent.
        if error.is_connect() {
            ClientError::Unreachable(error.to_string())
        } else if error.is_timeout() {
            ClientError::Timeout
        } else {
            ClientError::Network(error.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_accepts_seconds_and_http_dates() {
        let now = DateTime::parse_from_rfc3339("2026-11-29T10:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(
            RetryAfter::parse("7").map(|wait| wait.duration_from(now)),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            RetryAfter::parse("Sun, 29 Nov 2026 10:00:30 GMT").map(|wait| wait.duration_from(now)),
            Some(Duration::from_secs(30))
        );
        assert_eq!(RetryAfter::parse("soon"), None);
        assert_eq!(
            RetryAfter::parse("-5"),
            None,
            "a negative delay is no delay"
        );
        for far in ["18446744073709551615", "Fri, 31 Dec 9999 23:59:59 GMT"] {
            assert_eq!(
                RetryAfter::parse(far).map(|wait| wait.duration_from(now)),
                Some(MAX_RETRY_AFTER),
                "{far} is clamped to a day"
            );
        }
    }
}
