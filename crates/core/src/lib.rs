//! The headless OpenDVC app core: the local store (cache and outbox), the portal client, the
//! durable submission queue, sync, change events and localised messages. It knows nothing of
//! Tauri, windows or the DOM; the app shell and the `opendvc` CLI both drive it through
//! [`OpenDvc`].
//!
//! Architecture invariants kept here:
//! - Only [`store`] talks SQL; only [`client`] talks HTTP.
//! - Time comes from a [`clock::Clock`] and randomness from a [`clock::Jitter`]; queue and
//!   back-off logic never read the system clock.
//! - The outbox is a separate database file from the cache (see [`store`] for why).

pub mod app;
pub mod assist;
pub mod checks;
pub mod client;
pub mod clock;
pub mod drafts;
pub mod error;
pub mod events;
pub mod feedback_photo;
pub mod notify;
pub mod picked;
pub mod preferences;
pub mod push;
pub mod queue;
pub mod receipt;
pub mod reminders;
pub mod renewal;
pub mod sealing;
pub mod search;
pub mod session;
pub mod store;
pub mod sync;
pub mod validate;
pub mod vault;
pub mod views;

pub use app::{OpenDvc, OpenDvcOptions};
pub use drafts::{DocumentDraft, FeedbackDraft, PickedPhoto, SubmissionDraft};
pub use error::{CoreCode, CoreError};
pub use events::CoreEvent;
/// The one Fluent loader (`opendvc-i18n`), under the name the core's users know it by.
pub use opendvc_i18n as i18n;
pub use views::applications::{ApplicationDetail, ApplicationEntry};
pub use views::dashboard::Dashboard;
pub use views::queue::{DrainEnd, DrainOutcome, SubmitOutcome};
pub use views::session::{ClearReport, SignInReport, SignOutReport, SyncReport};
