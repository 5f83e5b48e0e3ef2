//! The views: everything a screen shows, built by the core from what it holds and a `now`
//! passed in. The app shell hands them to the UI over IPC, and the `opendvc` CLI prints them
//! (`--json`), so both show the same thing. One module per screen; each builds its views with
//! pure functions of the façade's data, so they are tested without a store. With the `ts`
//! feature the types the UI reads derive ts-rs declarations, and crates/core/tests/typescript.rs
//! writes them to ui/src/lib/backend/generated/views.ts.
//!
//! A module below the façade that needs a view type (staff mode's drain answers a
//! [`queue::DrainOutcome`]) names the screen's module, never this one: this module re-exports
//! the staff screen, which builds on staff mode.

pub mod access_log;
pub mod applications;
pub mod apply;
pub mod catalog;
pub mod dashboard;
pub mod documents;
pub mod drafts;
pub mod events;
pub mod failure;
pub mod feedback;
pub mod inbox;
pub mod payments;
pub mod queue;
pub mod session;
pub mod settings;
pub mod staff;
pub mod text;

pub use access_log::*;
pub use applications::*;
pub use apply::*;
pub use catalog::*;
pub use dashboard::*;
pub use documents::*;
pub use drafts::*;
pub use events::*;
pub use failure::*;
pub use feedback::*;
pub use inbox::*;
pub use payments::*;
pub use queue::*;
pub use session::*;
pub use settings::*;
pub use staff::*;
pub use text::*;

#[cfg(test)]
mod tests;
