//! What staff mode keeps on disk, and where: the staff profile (`staff/profile.json`), each
//! session's record (`staff/outbox/<id>/session.json`) and citizen file
//! (`staff/sessions/<id>/citizen.json`), the venue, and the folders of staff mode.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use opendvc_api::{LocalizedText, StaffProfile};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::client::tokens::{RefreshGuard, TokenStore, Tokens};
use crate::clock::Clock;
use crate::error::StaffError;
use crate::sealing::WrappedKey;
use crate::session::write_private;

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

    pub(super) fn unit_code(&self) -> Option<String> {
        match self {
            Venue::PostOffice { .. } => None,
            Venue::Event { unit_code, .. } => Some(unit_code.clone()),
        }
    }
}

/// `staff/profile.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StaffFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) portal_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) staff: Option<StaffProfile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) access_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) token_expires_at: Option<DateTime<Utc>>,
    /// The signed-in staff member's queue key, in the clear; erased at sign-out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) queue_key: Option<Zeroizing<String>>,
    /// Every staff member's queue key on this device, wrapped with their password.
    #[serde(default)]
    pub(super) wrapped_keys: BTreeMap<String, WrappedKey>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) venue: Option<Venue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) current_session: Option<Uuid>,
    /// Set by [`OpenDvc::lock_staff`](crate::OpenDvc::lock_staff), cleared by [`OpenDvc::unlock_staff`](crate::OpenDvc::unlock_staff) or a sign-in. Kept
    /// on disk, so that restarting the app does not open a locked device.
    #[serde(default)]
    pub(super) locked: bool,
    /// Wrong passwords given to [`OpenDvc::unlock_staff`](crate::OpenDvc::unlock_staff) since the last unlock or sign-in.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub(super) unlock_failures: u32,
    /// Past [`UNLOCK_FREE_ATTEMPTS`](super::UNLOCK_FREE_ATTEMPTS) wrong passwords, no unlock is tried before this moment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) unlock_blocked_until: Option<DateTime<Utc>>,
}

pub(super) fn is_zero(count: &u32) -> bool {
    *count == 0
}

/// `staff/sessions/<id>/citizen.json`: deleted with the session folder.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CitizenFile {
    pub(super) id_number: String,
    pub(super) access_token: String,
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

/// The staff token as a token store for the delivery client. Staff tokens do not refresh:
/// an expired one pauses the queue until the staff member signs in again.
#[derive(Debug)]
pub(super) struct StaffTokens {
    pub(super) path: PathBuf,
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
pub(super) enum JsonFile<T> {
    Absent,
    Read(T),
    Garbled,
}

pub(super) fn read_json_file<T: serde::de::DeserializeOwned>(
    path: &Path,
) -> std::io::Result<JsonFile<T>> {
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

pub(super) fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> std::io::Result<Option<T>> {
    // A garbled file counts as absent: it costs a sign-in, never a crash.
    Ok(match read_json_file(path)? {
        JsonFile::Read(value) => Some(value),
        JsonFile::Absent | JsonFile::Garbled => None,
    })
}

pub(super) fn write_json<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    let json = Zeroizing::new(serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?);
    write_private(path, &json)
}

pub(super) fn remove_dir(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

/// The folders of staff mode.
#[derive(Debug, Clone)]
pub(super) struct StaffDirs {
    pub(super) root: PathBuf,
    pub(super) clock: Arc<dyn Clock>,
}

impl StaffDirs {
    pub(super) fn profile(&self) -> PathBuf {
        self.root.join("profile.json")
    }
    pub(super) fn session(&self, id: Uuid) -> PathBuf {
        self.root.join("sessions").join(id.to_string())
    }
    pub(super) fn outbox(&self, id: Uuid) -> PathBuf {
        self.root.join("outbox").join(id.to_string())
    }
    pub(super) fn record(&self, id: Uuid) -> PathBuf {
        self.outbox(id).join("session.json")
    }
    pub(super) fn ids_in(&self, folder: &str) -> std::io::Result<Vec<Uuid>> {
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
    pub(super) fn load(&self) -> Result<StaffFile, StaffError> {
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
    pub(super) fn save(&self, file: &StaffFile) -> Result<(), StaffError> {
        Ok(write_json(&self.profile(), file)?)
    }
}
