//! How the store writes a time: its own module, so that the table modules and `store` itself
//! share it without importing each other.

use chrono::{DateTime, Utc};

/// Stores a time as RFC 3339 text, which sorts in time order for one offset.
pub(crate) fn time_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
