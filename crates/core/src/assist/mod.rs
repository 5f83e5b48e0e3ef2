//! Shared devices: DVC agents at a post-office counter and volunteers at outreach events
//! serve one citizen after another on one computer.
//!
//! ```text
//! <data-dir>/staff/
//!   profile.json              the staff member, their token, their venue, their queue key
//!                             (plain only while signed in, always wrapped; mode 0600)
//!   sessions/<session-id>/    the citizen being served: citizen.json (the assisted token),
//!                             cache.db, search.db — deleted when the session ends
//!   outbox/<session-id>/      the session's queue: outbox.db with sealed items, sealed file
//!                             copies, and session.json (initials, venue, times: no identifiers)
//! ```
//!
//! # Lifecycle
//! - [`OpenDvc::staff_sign_in`](crate::OpenDvc::staff_sign_in) remembers the staff member and the venue (post office or
//!   outreach event: name, commune-level unit, date).
//! - [`OpenDvc::open_assisted_session`](crate::OpenDvc::open_assisted_session) opens a session at the portal with the citizen's
//!   consent and makes a per-session folder the active profile: the usual submit, sync and
//!   application screens then work for the citizen.
//! - [`OpenDvc::end_assisted_session`](crate::OpenDvc::end_assisted_session) (the agent), expiry (every call of the profile fails
//!   past it, and the next start cleans up) and start-up recovery (a folder left by a crash or
//!   a closed app) delete the session folder. Unsent work stays in `outbox/<session-id>/`,
//!   sealed (see [`crate::sealing`]), until the portal acknowledges it; then its personal
//!   data is purged ([`crate::queue::SubmissionQueue::set_purge_after_ack`]).
//!
//! # Sessions opened offline
//! At an outreach event the portal may be unreachable all day. A session opened then, on a
//! paper consent (a consent code needs the portal), is opened on the device alone: the
//! citizen's folder gets the catalog the device keeps since the staff sign-in, the citizen's
//! ID number is kept sealed in the session's record, and submissions are validated offline
//! and queued sealed (the citizen's document wallet cannot be read, so the volunteer attaches
//! the required papers). When the connection returns, the drain first records the session at
//! the portal, backdated to when it was opened here (`openedAt`, at most 7 days back), then
//! delivers its work under the rule below. A consent the portal refuses then (an unknown ID
//! number) leaves the work queued and the drain reports it as not delivered.
//!
//! # What a session may read
//! A session opened on a paper consent gets the `submit` scope only from the portal (nobody
//! can check a paper form from the counter). The device goes further: a session on a paper
//! consent, or one the portal did not grant `read`, never asks the portal for the citizen's
//! profile, documents, applications, changes or events ([`OpenDvc::can_read`](crate::OpenDvc::can_read)); it works from
//! the device's copy of the catalog and units, as a session opened offline does.
//!
//! # The lock and the staff profile
//! [`OpenDvc::unlock_staff`](crate::OpenDvc::unlock_staff) takes [`UNLOCK_FREE_ATTEMPTS`] wrong passwords in a row; then
//! each attempt waits ([`unlock_wait_after`]: a minute, doubling, at most a day), counted in
//! `profile.json` so a restart does not reset it; a fresh staff sign-in opens the device at
//! once. A `profile.json` that fails to parse is moved aside, never overwritten; each session
//! record keeps a copy of its staff member's wrapped key, so their sealed work opens again at
//! their next sign-in.
//!
//! # Which token delivers queued work
//! The queue of an assisted session always sends with the *staff member's* token and the
//! header `X-Assist-Session: <session id>`, never with the session's own token. The session
//! token lives 30 minutes and dies when the citizen leaves, while an outreach laptop may stay
//! offline all day; the portal accepts the staff token for creating applications and
//! attachments, and for the follow-ups (supplement, delivery change, withdrawal, rating), of a
//! session that this staff member opened, when the item's UUIDv7 idempotency key was minted
//! while the session was open. These requests carry the device's clock (`X-Device-Time`). One path for online and offline
//! delivery keeps the queue simple, and the staff token still cannot read a citizen's data.
//!
//! # Rooms
//! - `files`: what staff mode keeps on disk and where (the staff profile, session records,
//!   the citizen file, the venue, the folders), with no behaviour of the façade;
//! - `staff`: staff sign-in and sign-out, the staff status, the lock and its attempt limit;
//! - `session`: an assisted session's life, online or offline, its folder and its end;
//! - `drain`: the delivery of every session's sealed queue with the staff token;
//! - `tally`: the day's or the event's tally and its CSV.

mod drain;
mod files;
mod session;
mod staff;
mod tally;

pub use crate::error::StaffError;
pub use files::{PendingOpen, SessionRecord, Venue};
pub use session::{OFFLINE_SESSION_MINUTES, SessionEnded};
pub use staff::{
    AssistedSessionView, StaffSignInOptions, StaffStatus, UNLOCK_FIRST_WAIT_SECONDS,
    UNLOCK_FREE_ATTEMPTS, UNLOCK_MAX_WAIT_SECONDS, unlock_wait_after,
};
pub use tally::{ServiceCount, TALLY_KEPT_DAYS, Tally, TallyEntry};

/// Staff mode's messages (`locales/*/assist.ftl`).
pub use crate::i18n::ASSIST_SOURCES;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::CoreError;
    use crate::i18n::message_ids;
    use crate::sealing::SealError;

    #[test]
    fn staff_messages_exist_in_every_language_and_cover_every_error_code() {
        let vietnamese = message_ids(ASSIST_SOURCES[0].text);
        for source in &ASSIST_SOURCES[1..] {
            assert_eq!(
                message_ids(source.text),
                vietnamese,
                "{} has the same messages as the Vietnamese file",
                source.name
            );
        }
        let codes = [
            StaffError::NotSignedIn.code(),
            StaffError::OfficerOnDevice.code(),
            StaffError::EventRequired.code(),
            StaffError::SessionOpen.code(),
            StaffError::NoSession.code(),
            StaffError::Key(SealError::Damaged).code(),
            StaffError::Io(std::io::Error::other("x")).code(),
            StaffError::Locked.code(),
            StaffError::WrongPassword.code(),
            StaffError::UnlockWait { seconds: 60 }.code(),
            CoreError::AssistedSessionExpired.code(),
            CoreError::ReceiptNotReady(String::new()).code(),
            CoreError::Receipt(String::new()).code(),
        ];
        for code in codes {
            let id = code.message_id();
            assert!(vietnamese.contains(&id), "{id} has a message");
        }
    }
}
