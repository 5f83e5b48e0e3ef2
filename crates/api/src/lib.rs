//! Wire types of the OpenDVC contract v1.
//!
//! This crate is the one definition of what crosses the wire between the app core and a
//! portal (the reference portal in `crates/portal`, or a city's adapter). Both sides use these
//! types; neither defines them again.
//!
//! Conventions, fixed for every client and adapter:
//! - JSON field names are camelCase; enum values are snake_case.
//! - Times are RFC 3339 with an offset (the portal writes `+07:00`); dates are `YYYY-MM-DD`.
//! - Errors are `application/problem+json` ([`Problem`]) with a stable [`ErrorCode`].
//! - Every state-changing request on an application takes an `Idempotency-Key` header
//!   ([`IDEMPOTENCY_KEY_HEADER`]); see [`IDEMPOTENCY_RETENTION_DAYS`].

pub mod agency;
pub mod application;
pub mod assist;
pub mod auth;
pub mod catalog;
pub mod dev;
pub mod documents;
pub mod events;
pub mod feedback;
pub mod fees;
pub mod notifications;
pub mod officer;
pub mod open311;
pub mod payment;
pub mod problem;
pub mod public_status;
pub mod reference;
pub mod sync;

pub use agency::*;
pub use application::*;
pub use assist::*;
pub use auth::*;
pub use catalog::*;
pub use dev::*;
pub use documents::*;
pub use events::*;
pub use feedback::*;
pub use fees::*;
pub use notifications::*;
pub use officer::*;
pub use open311::*;
pub use payment::*;
pub use problem::*;
pub use public_status::*;
pub use reference::*;
pub use sync::*;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The contract version this crate describes; the path prefix is `/v{CONTRACT_VERSION}`.
pub const CONTRACT_VERSION: u32 = 1;

/// Header carrying the client-chosen key that makes a state-changing request safe to resend.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// Header set on a response that was replayed from the idempotency store.
pub const IDEMPOTENT_REPLAY_HEADER: &str = "Idempotent-Replayed";

/// How long a portal keeps an idempotency key and its stored response, at least.
pub const IDEMPOTENCY_RETENTION_DAYS: u32 = 30;

/// Largest attachment a portal accepts, in bytes (20 MiB).
pub const MAX_ATTACHMENT_BYTES: usize = 20 * 1024 * 1024;

/// Text in the three languages of the app. Vietnamese and English are always present;
/// Indonesian where a translation exists (the UI falls back to English).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LocalizedText {
    pub vi: String,
    pub en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub id: Option<String>,
}

impl LocalizedText {
    /// The text in `lang` ("vi", "en" or "id"), falling back to English, then Vietnamese.
    pub fn get(&self, lang: &str) -> &str {
        match lang {
            "vi" => &self.vi,
            "id" => self.id.as_deref().unwrap_or(&self.en),
            _ => &self.en,
        }
    }
}
