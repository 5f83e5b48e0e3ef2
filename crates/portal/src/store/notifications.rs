//! The notification outbox's records: a message to one person on one channel, rendered when it
//! was written (in the person's language, so the text stays what it was) and sent by the
//! outbox's worker (`crate::notifications`). Times are unix seconds on the portal's clock.

use uuid::Uuid;

/// A message to write into the outbox, with the change that causes it or on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotice {
    /// UUIDv7, kept across every attempt: the gateway's `RequestId`.
    pub id: Uuid,
    /// The citizen it is for; `None` for someone who is no citizen (yet).
    pub citizen_id: Option<Uuid>,
    /// `sms` or `email`.
    pub channel: String,
    /// The Fluent id of its text (`otp-sms`, `notice-status-sms` …), for logs and operators.
    pub kind: String,
    /// Phone number (`+84…`) or e-mail address.
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    pub language: String,
    /// When it may be sent first: now, or the end of the citizen's quiet hours.
    pub next_attempt_at: i64,
    pub created_at: i64,
}

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeState {
    /// Waiting for its next attempt (or being sent).
    Pending,
    /// The gateway took it.
    Sent,
    /// Given up: the gateway refused it, or failed for every attempt allowed.
    Failed,
}

impl NoticeState {
    pub fn parse(text: &str) -> Option<NoticeState> {
        match text {
            "pending" => Some(NoticeState::Pending),
            "sent" => Some(NoticeState::Sent),
            "failed" => Some(NoticeState::Failed),
            _ => None,
        }
    }
}

/// A message as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub id: Uuid,
    pub citizen_id: Option<Uuid>,
    pub channel: String,
    pub kind: String,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    pub language: String,
    pub state: NoticeState,
    /// Attempts made so far, the one being made included.
    pub attempts: u32,
    pub next_attempt_at: i64,
    pub provider_id: Option<String>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

/// Which messages a sender takes to send: every due one (the worker), or only these (a request
/// that sends what it caused before it answers).
#[derive(Debug, Clone, Copy)]
pub enum NoticeClaim<'a> {
    Due { limit: usize },
    Only(&'a [Uuid]),
}

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeOutcome {
    Sent {
        provider_id: Option<String>,
    },
    /// Try again at `next_attempt_at`.
    Retry {
        next_attempt_at: i64,
        error: String,
    },
    Failed {
        error: String,
    },
}
