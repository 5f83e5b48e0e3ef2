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
//! - [`OpenDvc::staff_sign_in`] remembers the staff member and the venue (post office or
//!   outreach event: name, commune-level unit, date).
//! - [`OpenDvc::open_assisted_session`] opens a session at the portal with the citizen's
//!   consent and makes a per-session folder the active profile: the usual submit, sync and
//!   application screens then work for the citizen.
//! - [`OpenDvc::end_assisted_session`] (the agent), expiry (every call of the profile fails
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
//! profile, documents, applications, changes or events ([`OpenDvc::can_read`]); it works from
//! the device's copy of the catalog and units, as a session opened offline does.
//!
//! # The lock and the staff profile
//! [`OpenDvc::unlock_staff`] takes [`UNLOCK_FREE_ATTEMPTS`] wrong passwords in a row; then
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

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};
use opendvc_api::{
    AssistScope, AssistSessionRequest, AssistVenue, Consent, LocalizedText, OtpAccepted, StaffKind,
    StaffProfile,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::app::OpenDvc;
use crate::client::{ClientError, MemoryTokens, PortalClient, RefreshGuard, TokenStore, Tokens};
use crate::clock::Clock;
use crate::error::CoreError;
pub use crate::error::StaffError;
use crate::events::CoreEvent;
use crate::queue::{ItemKind, ItemState, PassEnd, QueueSummary, SubmissionQueue};
use crate::sealing::{QueueKey, SealError, WrappedKey};
use crate::session::{Session, write_private};
use crate::views::queue::{DrainEnd, DrainOutcome};
use zeroize::Zeroizing;

/// Staff mode's messages: its error messages and the CLI's staff texts.
pub const ASSIST_SOURCES: [crate::i18n::LocaleSource; 3] = [
    crate::i18n::LocaleSource {
        lang: crate::i18n::Lang::Vi,
        name: "vi/assist.ftl",
        text: include_str!("../../../locales/vi/assist.ftl"),
    },
    crate::i18n::LocaleSource {
        lang: crate::i18n::Lang::En,
        name: "en/assist.ftl",
        text: include_str!("../../../locales/en/assist.ftl"),
    },
    crate::i18n::LocaleSource {
        lang: crate::i18n::Lang::Id,
        name: "id/assist.ftl",
        text: include_str!("../../../locales/id/assist.ftl"),
    },
];

/// Vietnam's offset, for "today" at the counter.
fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap_or(Utc.fix())
}

/// Where the staff member serves citizens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum Venue {
    /// A DVC agent's post office.
    PostOffice { name: String },
    /// A community outreach event: its name, its commune-level unit code, its date.
    Event {
        name: String,
        unit_code: String,
        date: NaiveDate,
    },
}

impl Venue {
    pub fn name(&self) -> &str {
        match self {
            Venue::PostOffice { name } | Venue::Event { name, .. } => name,
        }
    }

    fn unit_code(&self) -> Option<String> {
        match self {
            Venue::PostOffice { .. } => None,
            Venue::Event { unit_code, .. } => Some(unit_code.clone()),
        }
    }
}

/// `staff/profile.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StaffFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    portal_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    staff: Option<StaffProfile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    access_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token_expires_at: Option<DateTime<Utc>>,
    /// The signed-in staff member's queue key, in the clear; erased at sign-out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    queue_key: Option<Zeroizing<String>>,
    /// Every staff member's queue key on this device, wrapped with their password.
    #[serde(default)]
    wrapped_keys: BTreeMap<String, WrappedKey>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    venue: Option<Venue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    current_session: Option<Uuid>,
    /// Set by [`OpenDvc::lock_staff`], cleared by [`OpenDvc::unlock_staff`] or a sign-in. Kept
    /// on disk, so that restarting the app does not open a locked device.
    #[serde(default)]
    locked: bool,
    /// Wrong passwords given to [`OpenDvc::unlock_staff`] since the last unlock or sign-in.
    #[serde(default, skip_serializing_if = "is_zero")]
    unlock_failures: u32,
    /// Past [`UNLOCK_FREE_ATTEMPTS`] wrong passwords, no unlock is tried before this moment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unlock_blocked_until: Option<DateTime<Utc>>,
}

fn is_zero(count: &u32) -> bool {
    *count == 0
}

/// Wrong passwords a locked device takes before it makes the staff member wait.
pub const UNLOCK_FREE_ATTEMPTS: u32 = 5;

/// The wait after the last free wrong password, seconds; it doubles with each further one.
pub const UNLOCK_FIRST_WAIT_SECONDS: i64 = 60;

/// The longest wait between unlock attempts, seconds (a day).
pub const UNLOCK_MAX_WAIT_SECONDS: i64 = 24 * 60 * 60;

/// The wait after `failures` wrong passwords in a row: none up to [`UNLOCK_FREE_ATTEMPTS`],
/// then a minute, doubling with each further wrong password, at most a day.
pub fn unlock_wait_after(failures: u32) -> Option<chrono::TimeDelta> {
    let beyond = failures.checked_sub(UNLOCK_FREE_ATTEMPTS)?;
    let seconds = UNLOCK_FIRST_WAIT_SECONDS
        .saturating_mul(1_i64 << beyond.min(20))
        .min(UNLOCK_MAX_WAIT_SECONDS);
    Some(chrono::TimeDelta::seconds(seconds))
}

/// `staff/sessions/<id>/citizen.json`: deleted with the session folder.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CitizenFile {
    id_number: String,
    access_token: String,
}

/// `staff/outbox/<id>/session.json`: what the tally needs, nothing that identifies the
/// citizen beyond initials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRecord {
    pub id: Uuid,
    pub staff_code: String,
    pub citizen_initials: String,
    pub venue: Venue,
    pub opened_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<DateTime<Utc>>,
    /// Names of the procedures submitted in the session, kept from the session's catalog when
    /// it ends, so the tally can name services after the citizen's folder is gone.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub service_names: BTreeMap<String, LocalizedText>,
    /// Set for a session opened while the portal was unreachable, on a paper consent: the
    /// portal records it (backdated to `opened_at`) before its work is delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_open: Option<PendingOpen>,
    /// The portal's id of a session opened offline, once recorded there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portal_session_id: Option<Uuid>,
    /// A copy of the staff member's wrapped queue key (safe on disk: it opens only with their
    /// password), so the session's sealed work can still be opened if `profile.json` is lost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrapped_key: Option<WrappedKey>,
    /// Whether the session may read the citizen's data: the portal granted the `read` scope
    /// and the consent was a code sent to the citizen's phone. A paper consent never reads,
    /// whatever a portal grants: nobody can check a paper form from the counter.
    #[serde(default)]
    pub can_read: bool,
}

/// What the portal needs to record a session opened offline. The ID number is sealed with
/// the staff member's queue key, bound to the session id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingOpen {
    pub sealed_id_number: String,
    pub paper_reference: String,
}

/// How long the tally of a finished session is kept on the device, days.
pub const TALLY_KEPT_DAYS: i64 = 90;

/// How long a session opened offline lasts on the device, minutes (the portal's default).
pub const OFFLINE_SESSION_MINUTES: i64 = 30;

/// How long ending a session waits for the portal to confirm before the citizen's files go.
const END_AT_PORTAL_WAIT: Duration = Duration::from_secs(5);

/// What the staff screen shows about the open session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AssistedSessionView {
    pub id: Uuid,
    pub citizen_initials: String,
    pub venue: String,
    pub expires_at: DateTime<Utc>,
    pub seconds_left: i64,
    /// Whether the session may read the citizen's profile, documents and applications (a
    /// consent by code); a session on a paper consent only submits.
    pub can_read: bool,
}

/// The staff member on this device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StaffStatus {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub staff: Option<StaffProfile>,
    pub signed_in: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub venue: Option<Venue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub session: Option<AssistedSessionView>,
    /// The device is locked (after a period without use): nothing of the open session shows
    /// until the staff member gives their password.
    pub locked: bool,
}

/// What ending a session did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SessionEnded {
    pub id: Uuid,
    /// Whether the portal confirmed the end (false when offline or already expired).
    pub ended_at_portal: bool,
    /// Submissions of this citizen still waiting, sealed, to be sent.
    pub unsent_kept: u64,
}

/// What a staff member gives at sign-in besides code and password: the venue, and after a
/// password change the previous password.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StaffSignInOptions {
    /// A post office other than the agent's own organisation.
    pub post_office: Option<String>,
    /// An outreach event: name, commune-level unit code, date.
    pub event: Option<(String, String, NaiveDate)>,
    /// The staff member's previous password, after a password change: it opens the queue
    /// key kept on this device, which is then wrapped with the new password.
    pub previous_password: Option<Zeroizing<String>>,
}

/// The staff token as a token store for the delivery client. Staff tokens do not refresh:
/// an expired one pauses the queue until the staff member signs in again.
#[derive(Debug)]
struct StaffTokens {
    path: PathBuf,
}

impl TokenStore for StaffTokens {
    fn current(&self) -> std::io::Result<Option<Tokens>> {
        Ok(read_json::<StaffFile>(&self.path)?
            .and_then(|file| file.access_token)
            .map(|access_token| Tokens {
                access_token,
                refresh_token: String::new(),
            }))
    }

    fn save(&self, _tokens: &Tokens) -> std::io::Result<()> {
        Err(std::io::Error::other("staff tokens are not refreshed"))
    }

    fn lock_for_refresh(&self) -> std::io::Result<RefreshGuard> {
        Ok(RefreshGuard::new(None))
    }
}

/// What a JSON file of staff mode held.
enum JsonFile<T> {
    Absent,
    Read(T),
    Garbled,
}

fn read_json_file<T: serde::de::DeserializeOwned>(path: &Path) -> std::io::Result<JsonFile<T>> {
    match std::fs::read(path) {
        // The staff profile holds the plain queue key while signed in.
        Ok(bytes) => Ok(match serde_json::from_slice(&Zeroizing::new(bytes)) {
            Ok(value) => JsonFile::Read(value),
            Err(_) => JsonFile::Garbled,
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(JsonFile::Absent),
        Err(error) => Err(error),
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> std::io::Result<Option<T>> {
    // A garbled file counts as absent: it costs a sign-in, never a crash.
    Ok(match read_json_file(path)? {
        JsonFile::Read(value) => Some(value),
        JsonFile::Absent | JsonFile::Garbled => None,
    })
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    let json = Zeroizing::new(serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?);
    write_private(path, &json)
}

fn remove_dir(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

/// The folders of staff mode.
#[derive(Debug, Clone)]
struct StaffDirs {
    root: PathBuf,
    clock: Arc<dyn Clock>,
}

impl StaffDirs {
    fn profile(&self) -> PathBuf {
        self.root.join("profile.json")
    }
    fn session(&self, id: Uuid) -> PathBuf {
        self.root.join("sessions").join(id.to_string())
    }
    fn outbox(&self, id: Uuid) -> PathBuf {
        self.root.join("outbox").join(id.to_string())
    }
    fn record(&self, id: Uuid) -> PathBuf {
        self.outbox(id).join("session.json")
    }
    fn ids_in(&self, folder: &str) -> std::io::Result<Vec<Uuid>> {
        let mut ids = Vec::new();
        match std::fs::read_dir(self.root.join(folder)) {
            Ok(entries) => {
                for entry in entries {
                    if let Some(id) = entry?
                        .file_name()
                        .to_str()
                        .and_then(|name| Uuid::parse_str(name).ok())
                    {
                        ids.push(id);
                    }
                }
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(error),
        }
        ids.sort();
        Ok(ids)
    }
    /// The staff profile. One that fails to parse is moved aside as
    /// `profile.json.corrupt-<timestamp>`, never overwritten: it holds the wrapped queue keys
    /// of every staff member on the device, which someone may still recover from it, and the
    /// sessions' records keep copies of them (see [`SessionRecord::wrapped_key`]).
    fn load(&self) -> Result<StaffFile, StaffError> {
        let path = self.profile();
        match read_json_file(&path)? {
            JsonFile::Read(file) => Ok(file),
            JsonFile::Absent => Ok(StaffFile::default()),
            JsonFile::Garbled => {
                let stamp = self.clock.now().format("%Y%m%dT%H%M%S%.3fZ");
                let moved_to = path.with_file_name(format!("profile.json.corrupt-{stamp}"));
                std::fs::rename(&path, &moved_to)?;
                Ok(StaffFile::default())
            }
        }
    }
    fn save(&self, file: &StaffFile) -> Result<(), StaffError> {
        Ok(write_json(&self.profile(), file)?)
    }
}

/// One submission in the tally: application code (once sent) and the citizen's initials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TallyEntry {
    pub session_id: Uuid,
    pub citizen_initials: String,
    pub procedure_id: String,
    /// `sent`, `waiting` or `needs_attention`.
    #[cfg_attr(feature = "ts", ts(type = "'sent' | 'waiting' | 'needs_attention'"))]
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub application_code: Option<String>,
}

/// Counts per service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ServiceCount {
    pub sent: u64,
    pub waiting: u64,
    pub needs_attention: u64,
}

/// The agent's day or the event's tally: no personal data beyond initials and codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Tally {
    pub day: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub venue: Option<String>,
    pub people_helped: u64,
    pub submissions: u64,
    pub sent: u64,
    pub waiting: u64,
    pub needs_attention: u64,
    pub per_service: BTreeMap<String, ServiceCount>,
    /// Names of the services in `per_service`, where known.
    pub service_names: BTreeMap<String, LocalizedText>,
    pub entries: Vec<TallyEntry>,
}

impl Tally {
    /// The tally as CSV: one line per service, then the totals. Only procedure ids and
    /// counts: no codes, no initials, nothing about a person.
    pub fn to_csv(&self) -> String {
        let mut csv = String::from("day,venue,service,service_name,sent,waiting,needs_attention\n");
        let venue = csv_field(self.venue.as_deref().unwrap_or(""));
        for (service, count) in &self.per_service {
            let name = self
                .service_names
                .get(service)
                .map(|name| name.vi.as_str())
                .unwrap_or_default();
            csv.push_str(&format!(
                "{},{},{},{},{},{},{}\n",
                self.day,
                venue,
                csv_field(service),
                csv_field(name),
                count.sent,
                count.waiting,
                count.needs_attention
            ));
        }
        csv.push_str(&format!(
            "{},{},*,,{},{},{}\n",
            self.day, venue, self.sent, self.waiting, self.needs_attention
        ));
        csv.push_str(&format!(
            "{},{},people_helped,,{},,\n",
            self.day, venue, self.people_helped
        ));
        csv
    }
}

/// Quotes a CSV field when needed, and defuses spreadsheet formulas.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

impl OpenDvc {
    fn staff_dirs(&self) -> StaffDirs {
        StaffDirs {
            root: self.options.data_dir.root().join("staff"),
            clock: self.options.clock.clone(),
        }
    }

    fn staff_portal(&self, file: &StaffFile) -> Result<String, CoreError> {
        self.options
            .portal_override
            .clone()
            .or_else(|| file.portal_url.clone())
            .ok_or(CoreError::NoPortal)
    }

    /// A client acting with the signed-in staff member's token.
    fn staff_client(&self, file: &StaffFile) -> Result<PortalClient, CoreError> {
        if file.access_token.is_none() {
            return Err(StaffError::NotSignedIn.into());
        }
        Ok(PortalClient::new(
            &self.staff_portal(file)?,
            Arc::new(StaffTokens {
                path: self.staff_dirs().profile(),
            }),
            self.options.client,
        )?
        .with_device_clock(self.options.clock.clone()))
    }

    fn signed_in_key(file: &StaffFile) -> Result<QueueKey, CoreError> {
        let key = file.queue_key.as_deref().ok_or(StaffError::NotSignedIn)?;
        Ok(QueueKey::from_base64(key).map_err(StaffError::from)?)
    }

    /// The wrapped queue key kept with the newest session of `staff_code` on this device.
    fn wrapped_key_of_sessions(
        &self,
        dirs: &StaffDirs,
        staff_code: &str,
    ) -> Result<Option<WrappedKey>, CoreError> {
        let mut found = None;
        for id in dirs.ids_in("outbox").map_err(StaffError::from)? {
            if let Some(record) =
                read_json::<SessionRecord>(&dirs.record(id)).map_err(StaffError::from)?
                && record.staff_code == staff_code
                && record.wrapped_key.is_some()
            {
                // Ids are UUIDv7 in order: the last one found is the newest.
                found = record.wrapped_key;
            }
        }
        Ok(found)
    }

    /// Signs a DVC agent or volunteer in on this device and remembers the venue. An agent
    /// serves at their post office unless another is named; a volunteer must name the event.
    pub async fn staff_sign_in(
        &mut self,
        code: &str,
        password: &str,
        options: StaffSignInOptions,
    ) -> Result<StaffStatus, CoreError> {
        let dirs = self.staff_dirs();
        let mut file = dirs.load()?;
        // With a session open, only the same staff member signing in again on the locked
        // device (after too many wrong passwords) may go on: the session stays theirs.
        if file.current_session.is_some() && !file.locked {
            return Err(StaffError::SessionOpen.into());
        }
        let portal = self.staff_portal(&file)?.trim_end_matches('/').to_owned();
        let client = PortalClient::new(
            &portal,
            Arc::new(MemoryTokens::default()),
            self.options.client,
        )?;
        let previous_password = options.previous_password.clone();
        let result = client.staff_token(code.trim(), password).await;
        self.note_client_result(&result);
        let answer = result?;
        let session_venue = match file.current_session {
            Some(_) if file.staff.as_ref().map(|staff| &staff.code) == Some(&answer.staff.code) => {
                file.venue.clone()
            }
            Some(_) => return Err(StaffError::SessionOpen.into()),
            None => None,
        };
        let venue = match (answer.staff.kind, options, session_venue) {
            (StaffKind::Officer, _, _) => return Err(StaffError::OfficerOnDevice.into()),
            // Signing in again on the locked device with a session open: the session's venue
            // stays, so a volunteer need not name the event again.
            (_, _, Some(venue)) => venue,
            (
                _,
                StaffSignInOptions {
                    event: Some((name, unit_code, date)),
                    ..
                },
                None,
            ) => Venue::Event {
                name: name.trim().to_owned(),
                unit_code: unit_code.trim().to_owned(),
                date,
            },
            (StaffKind::Volunteer, _, None) => return Err(StaffError::EventRequired.into()),
            (StaffKind::Agent, StaffSignInOptions { post_office, .. }, None) => Venue::PostOffice {
                name: post_office
                    .map(|name| name.trim().to_owned())
                    .filter(|name| !name.is_empty())
                    .unwrap_or_else(|| answer.staff.organisation.clone()),
            },
        };
        // The key kept in the profile, else (the profile was lost or moved aside) the copy
        // kept with this staff member's sessions, so their sealed work opens again.
        let stored = match file.wrapped_keys.get(&answer.staff.code) {
            Some(wrapped) => Some(wrapped.clone()),
            None => self.wrapped_key_of_sessions(&dirs, &answer.staff.code)?,
        };
        let key = match stored {
            Some(wrapped) => {
                let (key, rewrapped) = crate::sealing::open_with_password(
                    &wrapped,
                    password,
                    previous_password
                        .as_deref()
                        .map(|previous| previous.as_str()),
                )
                .map_err(StaffError::from)?;
                file.wrapped_keys
                    .insert(answer.staff.code.clone(), rewrapped.unwrap_or(wrapped));
                key
            }
            None => {
                let key = QueueKey::generate();
                file.wrapped_keys.insert(
                    answer.staff.code.clone(),
                    WrappedKey::wrap(&key, password).map_err(StaffError::from)?,
                );
                key
            }
        };
        let now = self.options.clock.now();
        file.portal_url = Some(portal);
        file.token_expires_at =
            Some(now + chrono::TimeDelta::seconds(i64::from(answer.expires_in)));
        file.access_token = Some(answer.access_token);
        file.queue_key = Some(key.to_base64());
        file.staff = Some(answer.staff);
        file.venue = Some(venue);
        file.locked = false;
        file.unlock_failures = 0;
        file.unlock_blocked_until = None;
        dirs.save(&file)?;
        self.staff_locked = false;
        if let Ok(client) = self.staff_client(&file) {
            // Offline sessions later need it; without it they cannot open.
            let _kept = self.refresh_staff_catalog(&client).await;
        }
        // Work paused because the previous staff token expired may go again; sessions whose
        // work is all delivered and whose tally is old are forgotten.
        let now = self.options.clock.now();
        let wrapped = file
            .staff
            .as_ref()
            .and_then(|staff| file.wrapped_keys.get(&staff.code))
            .cloned();
        for (mut record, queue) in self.staff_queues(&file)? {
            // Each session keeps a copy of the current wrapped key (after a rewrap too).
            if wrapped.is_some() && record.wrapped_key != wrapped {
                record.wrapped_key = wrapped.clone();
                write_json(&dirs.record(record.id), &record).map_err(StaffError::from)?;
            }
            queue.resume_after_sign_in()?;
            let finished_long_ago = record
                .ended_at
                .is_some_and(|ended| now - ended > chrono::TimeDelta::days(TALLY_KEPT_DAYS));
            if finished_long_ago && queue.summary()?.unsent() == 0 {
                drop(queue);
                remove_dir(&dirs.outbox(record.id)).map_err(StaffError::from)?;
            }
        }
        self.staff_status()
    }

    /// Signs the staff member out: ends an open session, revokes the staff token at the
    /// portal (best effort, bounded: offline, it dies at its expiry), forgets the token and the
    /// plain queue key. Sealed unsent work stays until they sign in again.
    pub async fn staff_sign_out(&mut self) -> Result<StaffStatus, CoreError> {
        let dirs = self.staff_dirs();
        if dirs.load()?.current_session.is_some() {
            self.end_assisted_session().await?;
        }
        let mut file = dirs.load()?;
        if let Ok(client) = self.staff_client(&file)
            && let Ok(result) = tokio::time::timeout(END_AT_PORTAL_WAIT, client.logout()).await
        {
            self.note_client_result(&result);
        }
        file.access_token = None;
        file.token_expires_at = None;
        file.queue_key = None;
        file.locked = false;
        dirs.save(&file)?;
        self.staff_locked = false;
        self.staff_status()
    }

    /// The staff member on this device, the venue and the open session.
    pub fn staff_status(&self) -> Result<StaffStatus, CoreError> {
        let dirs = self.staff_dirs();
        let file = dirs.load()?;
        let now = self.options.clock.now();
        let session = match file.current_session {
            Some(id) => read_json::<SessionRecord>(&dirs.record(id))
                .map_err(StaffError::from)?
                .map(|record| AssistedSessionView {
                    id,
                    citizen_initials: record.citizen_initials,
                    venue: record.venue.name().to_owned(),
                    expires_at: record.expires_at,
                    seconds_left: (record.expires_at - now).num_seconds().max(0),
                    can_read: record.can_read,
                }),
            None => None,
        };
        Ok(StaffStatus {
            signed_in: file.access_token.is_some()
                && file.token_expires_at.is_none_or(|until| until > now),
            staff: file.staff,
            venue: file.venue,
            session,
            locked: file.locked,
        })
    }

    /// Locks the device (the app does so after a period without use): the open session's
    /// data and the tally stay hidden until [`OpenDvc::unlock_staff`]. The session keeps its
    /// expiry, and queued work keeps sending.
    pub fn lock_staff(&mut self) -> Result<StaffStatus, CoreError> {
        let dirs = self.staff_dirs();
        let mut file = dirs.load()?;
        if file.staff.is_none() || file.access_token.is_none() {
            return Err(StaffError::NotSignedIn.into());
        }
        file.locked = true;
        dirs.save(&file)?;
        self.staff_locked = true;
        self.emit(CoreEvent::SignedOut);
        self.staff_status()
    }

    /// Unlocks the device with the signed-in staff member's password, checked on the device
    /// (it must open their queue key), so unlocking works offline.
    ///
    /// Wrong passwords are counted on disk, so restarting the app does not reset them: after
    /// [`UNLOCK_FREE_ATTEMPTS`] in a row, each further attempt must wait (see
    /// [`unlock_wait_after`]: a minute, doubling with each wrong password, at most a day) and
    /// is refused without looking at the password until then. A fresh staff sign-in, checked
    /// by the portal, opens the device at once and clears the count.
    pub fn unlock_staff(&mut self, password: &str) -> Result<StaffStatus, CoreError> {
        let dirs = self.staff_dirs();
        let mut file = dirs.load()?;
        let staff = file.staff.clone().ok_or(StaffError::NotSignedIn)?;
        let now = self.options.clock.now();
        if let Some(until) = file.unlock_blocked_until
            && until > now
        {
            return Err(StaffError::UnlockWait {
                seconds: (until - now).num_seconds().max(1),
            }
            .into());
        }
        let wrapped = file
            .wrapped_keys
            .get(&staff.code)
            .ok_or(StaffError::NotSignedIn)?;
        match crate::sealing::open_with_password(wrapped, password, None) {
            Ok(_) => {}
            Err(SealError::WrongPassword) => {
                file.unlock_failures = file.unlock_failures.saturating_add(1);
                let wait = unlock_wait_after(file.unlock_failures);
                file.unlock_blocked_until = wait.map(|wait| now + wait);
                dirs.save(&file)?;
                return Err(match wait {
                    Some(wait) => StaffError::UnlockWait {
                        seconds: wait.num_seconds(),
                    },
                    None => StaffError::WrongPassword,
                }
                .into());
            }
            Err(other) => return Err(StaffError::Key(other).into()),
        }
        file.unlock_failures = 0;
        file.unlock_blocked_until = None;
        file.locked = false;
        dirs.save(&file)?;
        self.staff_locked = false;
        self.emit(CoreEvent::SignedIn);
        self.staff_status()
    }

    /// Whether the staff file says the device is locked (read when the core opens).
    pub(crate) fn staff_locked_on_disk(&self) -> bool {
        self.staff_dirs().load().is_ok_and(|file| file.locked)
    }

    /// Deletes the files picked for a submission and not yet taken into the queue: on a
    /// shared device they are the citizen's papers.
    fn clear_staging(&self) -> Result<(), CoreError> {
        self.forget_all_picked();
        remove_dir(&self.options.data_dir.staging_dir()).map_err(StaffError::from)?;
        Ok(())
    }

    /// Sends a consent code to the citizen's registered phone.
    pub async fn request_consent_code(&self, id_number: &str) -> Result<OtpAccepted, CoreError> {
        if !crate::validate::is_id_number(id_number) {
            return Err(CoreError::InvalidIdNumber);
        }
        let file = self.staff_dirs().load()?;
        let result = self
            .staff_client(&file)?
            .request_consent_code(id_number)
            .await;
        self.note_client_result(&result);
        Ok(result?)
    }

    /// Opens an assisted session for the citizen with `id_number`, with their consent (the
    /// code sent to their phone, or a paper consent reference), and makes it the active
    /// profile. The citizen's data then lives in the session's own folder.
    pub async fn open_assisted_session(
        &mut self,
        id_number: &str,
        consent: Consent,
    ) -> Result<AssistedSessionView, CoreError> {
        if !crate::validate::is_id_number(id_number) {
            return Err(CoreError::InvalidIdNumber);
        }
        let dirs = self.staff_dirs();
        let mut file = dirs.load()?;
        if file.current_session.is_some() {
            return Err(StaffError::SessionOpen.into());
        }
        let staff = file.staff.clone().ok_or(StaffError::NotSignedIn)?;
        let venue = file.venue.clone().ok_or(StaffError::NotSignedIn)?;
        let key = Self::signed_in_key(&file)?;
        let paper = match &consent {
            Consent::Paper { reference } => Some(reference.trim().to_owned()),
            Consent::Otp { .. } => None,
        };
        let is_paper = paper.is_some();
        let result = self
            .staff_client(&file)?
            .open_assist_session(&AssistSessionRequest {
                id_number: id_number.to_owned(),
                consent,
                venue: Some(AssistVenue {
                    name: venue.name().to_owned(),
                    unit_code: venue.unit_code(),
                }),
                opened_at: None,
            })
            .await;
        self.note_client_result(&result);
        let session = match (result, paper) {
            (Err(error), Some(reference)) if error.is_offline() => {
                return self
                    .open_offline_session(file, staff.code, venue, id_number, reference, key)
                    .await;
            }
            (result, _) => result?,
        };
        let now = self.options.clock.now();
        let wrapped_key = file.wrapped_keys.get(&staff.code).cloned();
        let can_read = !is_paper && session.scopes.contains(&AssistScope::Read);
        let record = SessionRecord {
            id: session.id,
            staff_code: staff.code,
            citizen_initials: session.citizen_initials.clone(),
            venue,
            opened_at: now,
            expires_at: session.expires_at.with_timezone(&Utc),
            ended_at: None,
            service_names: BTreeMap::new(),
            pending_open: None,
            portal_session_id: None,
            wrapped_key,
            can_read,
        };
        crate::session::private_dir(dirs.outbox(session.id)).map_err(StaffError::from)?;
        write_json(&dirs.record(session.id), &record).map_err(StaffError::from)?;
        write_json(
            &dirs.session(session.id).join("citizen.json"),
            &CitizenFile {
                id_number: id_number.to_owned(),
                access_token: session.access_token,
            },
        )
        .map_err(StaffError::from)?;
        file.current_session = Some(session.id);
        dirs.save(&file)?;
        self.activate_assisted(&file, &record, key)?;
        if !can_read {
            // Like a session opened offline, it starts from the device's catalog and units;
            // the sync below then refreshes only that public data.
            match self.copy_staff_catalog() {
                Ok(()) | Err(CoreError::CatalogMissing) => {}
                Err(other) => return Err(other),
            }
        }
        self.emit(CoreEvent::SignedIn);
        // The first sync fills the session's cache; offline, the session still opens.
        let _synced = self.sync_now().await;
        Ok(AssistedSessionView {
            id: record.id,
            citizen_initials: record.citizen_initials,
            venue: record.venue.name().to_owned(),
            expires_at: record.expires_at,
            seconds_left: (record.expires_at - now).num_seconds().max(0),
            can_read,
        })
    }

    /// Opens a session while the portal is unreachable, on a paper consent: the citizen's
    /// folder gets the catalog the staff member's device keeps, submissions queue sealed, and
    /// the portal records the session (from the moment it was opened here) before delivery.
    async fn open_offline_session(
        &mut self,
        mut file: StaffFile,
        staff_code: String,
        venue: Venue,
        id_number: &str,
        paper_reference: String,
        key: QueueKey,
    ) -> Result<AssistedSessionView, CoreError> {
        let dirs = self.staff_dirs();
        let now = self.options.clock.now();
        let id = Uuid::now_v7();
        let wrapped_key = file.wrapped_keys.get(&staff_code).cloned();
        let record = SessionRecord {
            id,
            staff_code,
            citizen_initials: String::new(),
            venue,
            opened_at: now,
            expires_at: now + chrono::TimeDelta::minutes(OFFLINE_SESSION_MINUTES),
            ended_at: None,
            service_names: BTreeMap::new(),
            pending_open: Some(PendingOpen {
                sealed_id_number: key.seal_text(id.as_bytes(), id_number),
                paper_reference,
            }),
            portal_session_id: None,
            wrapped_key,
            can_read: false,
        };
        crate::session::private_dir(dirs.outbox(id)).map_err(StaffError::from)?;
        write_json(&dirs.record(id), &record).map_err(StaffError::from)?;
        write_json(
            &dirs.session(id).join("citizen.json"),
            &CitizenFile {
                id_number: id_number.to_owned(),
                access_token: String::new(),
            },
        )
        .map_err(StaffError::from)?;
        file.current_session = Some(id);
        dirs.save(&file)?;
        self.activate_assisted(&file, &record, key)?;
        self.copy_staff_catalog()?;
        self.emit(CoreEvent::SignedIn);
        Ok(AssistedSessionView {
            id,
            citizen_initials: record.citizen_initials,
            venue: record.venue.name().to_owned(),
            expires_at: record.expires_at,
            seconds_left: (record.expires_at - now).num_seconds().max(0),
            can_read: false,
        })
    }

    fn staff_catalog(&self) -> Result<crate::store::Cache, CoreError> {
        let path = self.staff_dirs().root.join("catalog");
        crate::session::private_dir(&path).map_err(StaffError::from)?;
        let (cache, _) =
            crate::store::Cache::open_or_rebuild(&path.join("cache.db"), self.options.clock.now())?;
        Ok(cache)
    }

    /// Keeps the catalog and the administrative units on the device for sessions opened
    /// offline (best effort: the next sign-in tries again).
    async fn refresh_staff_catalog(&self, client: &PortalClient) -> Result<(), CoreError> {
        let cache = self.staff_catalog()?;
        crate::sync::refresh_catalog(client, &cache, self.options.clock.now()).await?;
        let units = client.admin_units().await?;
        cache.write(|tx| crate::store::reference::save_admin_units(tx, &units))?;
        Ok(())
    }

    /// The administrative units without a citizen's profile: the copy this device keeps for
    /// staff mode, else fetched from the portal (public reference data) and kept. A volunteer
    /// names the event's commune-level unit with them before signing in.
    pub(crate) async fn device_admin_units(&self) -> Result<opendvc_api::AdminUnits, CoreError> {
        let cache = self.staff_catalog()?;
        if let Some(units) = cache.read(crate::store::reference::admin_units)? {
            return Ok(units);
        }
        let file = self.staff_dirs().load()?;
        let client = PortalClient::new(
            &self.staff_portal(&file)?,
            Arc::new(MemoryTokens::default()),
            self.options.client,
        )?;
        let result = client.admin_units().await;
        self.note_client_result(&result);
        let units = result?;
        cache.write(|tx| crate::store::reference::save_admin_units(tx, &units))?;
        Ok(units)
    }

    /// Copies the device's catalog into the open session's cache and search index.
    fn copy_staff_catalog(&self) -> Result<(), CoreError> {
        let staff = self.staff_catalog()?;
        let (meta, items) = staff.read(|conn| {
            Ok((
                crate::store::catalog::meta(conn)?,
                crate::store::catalog::procedures(conn)?,
            ))
        })?;
        let Some(meta) = meta else {
            return Err(CoreError::CatalogMissing);
        };
        let profile = self.active()?;
        let catalog = opendvc_api::Catalog {
            version: meta.version,
            items,
        };
        let now = self.options.clock.now();
        let units = staff.read(crate::store::reference::admin_units)?;
        profile.cache.write(|tx| {
            crate::store::catalog::replace(tx, &catalog, meta.etag.as_deref(), now)?;
            match &units {
                Some(units) => crate::store::reference::save_admin_units(tx, units),
                None => Ok(()),
            }
        })?;
        profile.search.refresh(&profile.cache)?;
        Ok(())
    }

    fn activate_assisted(
        &mut self,
        file: &StaffFile,
        record: &SessionRecord,
        key: QueueKey,
    ) -> Result<(), CoreError> {
        let dirs = self.staff_dirs();
        let citizen: CitizenFile = read_json(&dirs.session(record.id).join("citizen.json"))
            .map_err(StaffError::from)?
            .ok_or(StaffError::NoSession)?;
        let portal = self.staff_portal(file)?;
        let client = PortalClient::new(
            &portal,
            Arc::new(MemoryTokens::new(Some(Tokens {
                access_token: citizen.access_token.clone(),
                refresh_token: String::new(),
            }))),
            self.options.client,
        )?;
        let delivery = self
            .staff_client(file)?
            .delivering_for(record.portal_session_id.unwrap_or(record.id));
        let queue = self.open_session_queue(record.id, key)?;
        // A session opened offline has no token: it cannot read from the portal, and its
        // queue waits for the staff member's drain.
        let access_token = Some(citizen.access_token).filter(|token| !token.is_empty());
        let session = Session {
            portal_url: portal,
            profile_key: record.id.to_string(),
            id_number: citizen.id_number,
            access_token,
            // Assisted tokens are not refreshable; an empty refresh token says so.
            refresh_token: Some(String::new()),
        };
        self.activate_parts(
            session,
            dirs.session(record.id),
            queue,
            client,
            delivery,
            Some((record.id, record.expires_at)),
        )?;
        if let Some(profile) = &mut self.profile {
            profile.reads = record.can_read;
        }
        Ok(())
    }

    fn open_session_queue(&self, id: Uuid, key: QueueKey) -> Result<SubmissionQueue, CoreError> {
        let queue = SubmissionQueue::open(
            &self.staff_dirs().outbox(id),
            self.options.clock.clone(),
            self.options.backoff.clone(),
        )?;
        queue.set_key(key);
        queue.set_purge_after_ack(true);
        Ok(queue)
    }

    /// Ends the open assisted session: tells the portal (best effort: offline, or already
    /// expired, the session is dead there anyway at its expiry) and deletes every file of the
    /// citizen's session folder. Unsent work stays sealed in the session's outbox.
    pub async fn end_assisted_session(&mut self) -> Result<SessionEnded, CoreError> {
        let dirs = self.staff_dirs();
        let mut file = dirs.load()?;
        let id = file.current_session.ok_or(StaffError::NoSession)?;
        let ended_at_portal = match self.staff_client(&file) {
            Ok(client) => {
                // Bounded: the citizen's files go now whatever the network does, and the
                // portal's session dies at its expiry anyway.
                match tokio::time::timeout(END_AT_PORTAL_WAIT, client.end_assist_session(id)).await
                {
                    Ok(result) => {
                        self.note_client_result(&result);
                        result.is_ok()
                    }
                    Err(_elapsed) => false,
                }
            }
            Err(_) => false,
        };
        self.keep_service_names(&dirs, id)?;
        // Close the cache before deleting its files.
        self.profile = None;
        self.forget_session(&dirs, id)?;
        self.clear_staging()?;
        file.current_session = None;
        dirs.save(&file)?;
        self.emit(CoreEvent::SignedOut);
        let unsent_kept = self.session_summary(id)?.unsent();
        Ok(SessionEnded {
            id,
            ended_at_portal,
            unsent_kept,
        })
    }

    /// Ends the open session if it has expired; the app calls it on a timer so that an
    /// expired session's files do not wait for the next start. `None` when nothing expired.
    pub async fn end_expired_assisted_session(
        &mut self,
    ) -> Result<Option<SessionEnded>, CoreError> {
        let expired = self
            .profile
            .as_ref()
            .and_then(|profile| profile.assisted)
            .is_some_and(|(_, expires_at)| self.options.clock.now() >= expires_at);
        if expired {
            Ok(Some(self.end_assisted_session().await?))
        } else {
            Ok(None)
        }
    }

    /// Copies the names of the procedures submitted in the open session from its catalog
    /// into the session's record.
    fn keep_service_names(&self, dirs: &StaffDirs, id: Uuid) -> Result<(), CoreError> {
        let Some(profile) = &self.profile else {
            return Ok(());
        };
        let Some(mut record) =
            read_json::<SessionRecord>(&dirs.record(id)).map_err(StaffError::from)?
        else {
            return Ok(());
        };
        for item in profile.queue.items(false)? {
            let Some(procedure_id) = item.payload.procedure_id() else {
                continue;
            };
            if let Some(procedure) = profile
                .cache
                .read(|conn| crate::store::catalog::procedure(conn, procedure_id))?
            {
                record
                    .service_names
                    .insert(procedure.id.clone(), procedure.name);
            }
        }
        write_json(&dirs.record(id), &record).map_err(StaffError::from)?;
        Ok(())
    }

    /// Deletes a session's citizen folder and marks its record ended.
    fn forget_session(&self, dirs: &StaffDirs, id: Uuid) -> Result<(), CoreError> {
        remove_dir(&dirs.session(id)).map_err(StaffError::from)?;
        if let Some(mut record) =
            read_json::<SessionRecord>(&dirs.record(id)).map_err(StaffError::from)?
            && record.ended_at.is_none()
        {
            record.ended_at = Some(self.options.clock.now());
            write_json(&dirs.record(id), &record).map_err(StaffError::from)?;
        }
        Ok(())
    }

    fn session_summary(&self, id: Uuid) -> Result<QueueSummary, CoreError> {
        let queue = SubmissionQueue::open(
            &self.staff_dirs().outbox(id),
            self.options.clock.clone(),
            self.options.backoff.clone(),
        )?;
        Ok(queue.summary()?)
    }

    /// At start: deletes citizen folders left by a crash or a closed app, and the current
    /// session's folder once it expired; reopens the current session if it is still valid.
    pub(crate) fn recover_staff_mode(&mut self) -> Result<(), CoreError> {
        let dirs = self.staff_dirs();
        let mut file = dirs.load()?;
        let now = self.options.clock.now();
        let current = file.current_session.and_then(|id| {
            read_json::<SessionRecord>(&dirs.record(id))
                .ok()
                .flatten()
                .filter(|record| record.expires_at > now)
                .filter(|_| dirs.session(id).join("citizen.json").exists())
        });
        for id in dirs.ids_in("sessions").map_err(StaffError::from)? {
            if current.as_ref().is_none_or(|record| record.id != id) {
                self.forget_session(&dirs, id)?;
            }
        }
        if file.current_session.is_some() && current.is_none() {
            if let Some(id) = file.current_session.take() {
                self.forget_session(&dirs, id)?;
            }
            dirs.save(&file)?;
        }
        if current.is_none() && file.staff.is_some() {
            self.clear_staging()?;
        }
        if let Some(record) = current
            && let Ok(key) = Self::signed_in_key(&file)
        {
            self.activate_assisted(&file, &record, key)?;
        }
        Ok(())
    }

    /// The signed-in staff member's session queues, with their records.
    fn staff_queues(
        &self,
        file: &StaffFile,
    ) -> Result<Vec<(SessionRecord, SubmissionQueue)>, CoreError> {
        let dirs = self.staff_dirs();
        let Some(staff) = &file.staff else {
            return Ok(Vec::new());
        };
        let key = Self::signed_in_key(file).ok();
        let mut queues = Vec::new();
        for id in dirs.ids_in("outbox").map_err(StaffError::from)? {
            let record = match read_json_file::<SessionRecord>(&dirs.record(id))
                .map_err(StaffError::from)?
            {
                JsonFile::Read(record) => Some(record),
                // A session whose record is lost or damaged is not forgotten: its sealed
                // work goes to whoever's key opens it (see `adopt_session`).
                JsonFile::Absent | JsonFile::Garbled => None,
            };
            if record
                .as_ref()
                .is_some_and(|record| record.staff_code != staff.code)
            {
                continue;
            }
            let queue = SubmissionQueue::open(
                &dirs.outbox(id),
                self.options.clock.clone(),
                self.options.backoff.clone(),
            )?;
            if let Some(key) = &key {
                queue.set_key(key.clone());
            }
            queue.set_purge_after_ack(true);
            let record = match record {
                Some(record) => record,
                None => match self.adopt_session(&dirs, id, file, &queue)? {
                    Some(record) => record,
                    None => continue,
                },
            };
            queues.push((record, queue));
        }
        Ok(queues)
    }

    /// A session queue without a readable record (`session.json` lost or damaged): if the
    /// signed-in staff member's key opens its unsent items, the work is theirs, and a new
    /// record (the damaged one moved aside) lets the drain deliver it under the session's id.
    /// Anyone else's sealed work is left as it is, for its owner.
    fn adopt_session(
        &self,
        dirs: &StaffDirs,
        id: Uuid,
        file: &StaffFile,
        queue: &SubmissionQueue,
    ) -> Result<Option<SessionRecord>, CoreError> {
        let Some(staff) = &file.staff else {
            return Ok(None);
        };
        let unsent = queue.unsent_items()?;
        let opens = !unsent.is_empty()
            && unsent
                .iter()
                .all(|item| !matches!(item.payload, crate::queue::ItemPayload::Sealed { .. }));
        if !opens {
            return Ok(None);
        }
        let path = dirs.record(id);
        let now = self.options.clock.now();
        if path.exists() {
            let stamp = now.format("%Y%m%dT%H%M%S%.3fZ");
            std::fs::rename(
                &path,
                path.with_file_name(format!("session.json.corrupt-{stamp}")),
            )
            .map_err(StaffError::from)?;
        }
        let opened_at = id
            .get_timestamp()
            .and_then(|stamp| {
                let (seconds, nanos) = stamp.to_unix();
                DateTime::from_timestamp(i64::try_from(seconds).ok()?, nanos)
            })
            .unwrap_or(now);
        let record = SessionRecord {
            id,
            staff_code: staff.code.clone(),
            citizen_initials: String::new(),
            venue: file.venue.clone().unwrap_or(Venue::PostOffice {
                name: staff.organisation.clone(),
            }),
            opened_at,
            expires_at: opened_at,
            ended_at: Some(now),
            service_names: BTreeMap::new(),
            pending_open: None,
            portal_session_id: None,
            wrapped_key: file.wrapped_keys.get(&staff.code).cloned(),
            can_read: false,
        };
        write_json(&path, &record).map_err(StaffError::from)?;
        Ok(Some(record))
    }

    /// Sends the signed-in staff member's queued work of every session, ended or not, with
    /// their own token, waiting through back-off for at most `max_wait`.
    pub async fn drain_staff(&self, max_wait: Duration) -> Result<DrainOutcome, CoreError> {
        let file = self.staff_dirs().load()?;
        let client = self.staff_client(&file)?;
        let mut queues = self.staff_queues(&file)?;
        let mut offline_pending;
        let mut refused_pending = false;
        let mut pending_attempts: u32 = 0;
        let mut paused_on_open = false;
        let clock = &self.options.clock;
        let deadline =
            clock.now() + chrono::TimeDelta::from_std(max_wait).unwrap_or(chrono::TimeDelta::MAX);
        let mut sent = 0;
        let mut retries = 0;
        let mut timed_out = false;
        let mut busy;
        loop {
            let mut earliest: Option<DateTime<Utc>> = None;
            let mut paused = false;
            busy = false;
            offline_pending = false;
            for (record, queue) in &mut queues {
                if record.pending_open.is_some() && queue.summary()?.unsent() > 0 {
                    match self.record_offline_session(&file, &client, record).await {
                        Ok(()) => {}
                        Err(CoreError::Client(error)) if error.is_offline() => {
                            // Try again after a back-off, like an item that could not be sent.
                            offline_pending = true;
                            pending_attempts = pending_attempts.saturating_add(1);
                            let wait = self.options.backoff.delay(pending_attempts, None);
                            let until = clock.now()
                                + chrono::TimeDelta::from_std(wait)
                                    .unwrap_or(chrono::TimeDelta::MAX);
                            earliest = Some(earliest.map_or(until, |known| known.min(until)));
                            continue;
                        }
                        Err(CoreError::Client(
                            ClientError::Unauthorized { .. } | ClientError::NotSignedIn,
                        )) => {
                            paused = true;
                            continue;
                        }
                        Err(CoreError::Client(_)) => {
                            refused_pending = true;
                            continue;
                        }
                        Err(other) => return Err(other),
                    }
                }
                let Some(lock) = queue.try_lock_sender()? else {
                    busy = true;
                    continue;
                };
                let delivery = client
                    .clone()
                    .delivering_for(record.portal_session_id.unwrap_or(record.id));
                let report = queue.send_pass(&lock, &delivery, None).await?;
                if self
                    .profile
                    .as_ref()
                    .and_then(|profile| profile.assisted)
                    .map(|(id, _)| id)
                    == Some(record.id)
                {
                    self.absorb(&report);
                } else if !report.sent.is_empty() || !report.needs_attention.is_empty() {
                    // Work of an ended session: the tally changed.
                    self.emit(CoreEvent::QueueChanged);
                }
                if report.went_offline {
                    self.announce(None, Some(false));
                } else if !report.sent.is_empty() {
                    self.announce(None, Some(true));
                }
                sent += report.sent.len();
                retries += report.retried;
                match report.end {
                    PassEnd::Idle => {}
                    PassEnd::PausedAuth => paused = true,
                    PassEnd::BackingOff { until } => {
                        earliest = Some(earliest.map_or(until, |known| known.min(until)));
                    }
                }
            }
            if paused {
                paused_on_open = true;
                break;
            }
            let Some(until) = earliest else {
                break;
            };
            if until > deadline {
                timed_out = true;
                break;
            }
            let wait = (until - clock.now()).to_std().unwrap_or(Duration::ZERO);
            tokio::time::sleep(wait).await;
        }
        let mut queue = QueueSummary::default();
        for (_, each) in &queues {
            let summary = each.summary()?;
            queue.queued += summary.queued;
            queue.sending += summary.sending;
            queue.sent += summary.sent;
            queue.needs_attention += summary.needs_attention;
            queue.discarded += summary.discarded;
            queue.paused_auth |= summary.paused_auth;
        }
        let end = if queue.paused_auth || paused_on_open {
            DrainEnd::PausedAuth
        } else if timed_out || (offline_pending && !refused_pending) {
            DrainEnd::TimedOut
        } else if busy && queue.unsent() > 0 {
            DrainEnd::Busy
        } else if queue.unsent() > 0 {
            DrainEnd::NeedsAttention
        } else {
            DrainEnd::Empty
        };
        Ok(DrainOutcome {
            end,
            sent,
            retries,
            queue,
        })
    }

    /// Records a session opened offline at the portal, backdated to when it was opened, and
    /// keeps the portal's session id (the sealed ID number is dropped then).
    async fn record_offline_session(
        &self,
        file: &StaffFile,
        client: &PortalClient,
        record: &mut SessionRecord,
    ) -> Result<(), CoreError> {
        let Some(pending) = record.pending_open.clone() else {
            return Ok(());
        };
        let key = Self::signed_in_key(file)?;
        let id_number = key
            .open_text(record.id.as_bytes(), &pending.sealed_id_number)
            .map_err(StaffError::from)?;
        let result = client
            .open_assist_session(&AssistSessionRequest {
                id_number,
                consent: Consent::Paper {
                    reference: pending.paper_reference,
                },
                venue: Some(AssistVenue {
                    name: record.venue.name().to_owned(),
                    unit_code: record.venue.unit_code(),
                }),
                opened_at: Some(record.opened_at.fixed_offset()),
            })
            .await;
        self.note_client_result(&result);
        let session = result?;
        record.portal_session_id = Some(session.id);
        record.citizen_initials = session.citizen_initials;
        record.pending_open = None;
        write_json(&self.staff_dirs().record(record.id), record).map_err(StaffError::from)?;
        Ok(())
    }

    /// The tally of `day` (default today in Vietnam) for the signed-in staff member: people
    /// helped, submissions per service, sent against waiting. Works offline and without the
    /// queue key: it reads only what is stored in the clear.
    pub fn tally(&self, day: Option<NaiveDate>) -> Result<Tally, CoreError> {
        let file = self.staff_dirs().load()?;
        if file.staff.is_none() {
            return Err(StaffError::NotSignedIn.into());
        }
        if file.locked {
            return Err(StaffError::Locked.into());
        }
        let day = day.unwrap_or_else(|| {
            self.options
                .clock
                .now()
                .with_timezone(&vietnam())
                .date_naive()
        });
        let mut tally = Tally {
            day,
            venue: file.venue.as_ref().map(|venue| venue.name().to_owned()),
            people_helped: 0,
            submissions: 0,
            sent: 0,
            waiting: 0,
            needs_attention: 0,
            per_service: BTreeMap::new(),
            service_names: BTreeMap::new(),
            entries: Vec::new(),
        };
        for (record, queue) in self.staff_queues(&file)? {
            let opened_on = match &record.venue {
                Venue::Event { date, .. } => *date,
                Venue::PostOffice { .. } => record.opened_at.with_timezone(&vietnam()).date_naive(),
            };
            if opened_on != day {
                continue;
            }
            tally.people_helped += 1;
            tally.service_names.extend(record.service_names.clone());
            for item in queue.items(false)? {
                if item.kind() != ItemKind::CreateApplication {
                    continue;
                }
                let procedure_id = item.payload.procedure_id().unwrap_or_default().to_owned();
                let count = tally.per_service.entry(procedure_id.clone()).or_default();
                let state = match item.state {
                    ItemState::Sent => {
                        tally.sent += 1;
                        count.sent += 1;
                        "sent"
                    }
                    ItemState::NeedsAttention => {
                        tally.needs_attention += 1;
                        count.needs_attention += 1;
                        "needs_attention"
                    }
                    _ => {
                        tally.waiting += 1;
                        count.waiting += 1;
                        "waiting"
                    }
                };
                tally.submissions += 1;
                tally.entries.push(TallyEntry {
                    session_id: record.id,
                    citizen_initials: record.citizen_initials.clone(),
                    procedure_id,
                    state: state.to_owned(),
                    application_code: item.application_code.clone(),
                });
            }
        }
        Ok(tally)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::message_ids;

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

    #[test]
    fn the_tally_csv_holds_counts_and_defuses_formulas() {
        let mut per_service = BTreeMap::new();
        per_service.insert(
            "id-card-renewal".to_owned(),
            ServiceCount {
                sent: 2,
                waiting: 1,
                needs_attention: 0,
            },
        );
        let tally = Tally {
            day: NaiveDate::from_ymd_opt(2026, 11, 29).expect("a date"),
            venue: Some("=HYPERLINK(\"x\")".to_owned()),
            people_helped: 3,
            submissions: 3,
            sent: 2,
            waiting: 1,
            needs_attention: 0,
            per_service,
            service_names: BTreeMap::from([(
                "id-card-renewal".to_owned(),
                LocalizedText {
                    vi: "Cấp đổi thẻ căn cước".to_owned(),
                    en: "ID card renewal".to_owned(),
                    id: None,
                },
            )]),
            entries: vec![TallyEntry {
                session_id: Uuid::nil(),
                citizen_initials: "NTL".to_owned(),
                procedure_id: "id-card-renewal".to_owned(),
                state: "sent".to_owned(),
                application_code: Some("000.00.48.H17-261129-0001".to_owned()),
            }],
        };
        let csv = tally.to_csv();
        assert!(
            csv.contains(
                "2026-11-29,\"'=HYPERLINK(\"\"x\"\")\",id-card-renewal,Cấp đổi thẻ căn cước,2,1,0"
            ),
            "{csv}"
        );
        assert!(!csv.contains("NTL"), "no initials in the CSV");
        assert!(
            !csv.contains("H17-261129"),
            "no application codes in the CSV"
        );
    }
}
