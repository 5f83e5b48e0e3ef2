//! Staff sign-in and the staff profile: who is signed in on the device, at which venue, with
//! which queue key; sign-out; the lock and its attempt limit.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use opendvc_api::{StaffKind, StaffProfile};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::Zeroizing;

use super::files::{
    SessionRecord, StaffDirs, StaffFile, StaffTokens, Venue, read_json, remove_dir, write_json,
};
use super::tally::TALLY_KEPT_DAYS;
use crate::app::OpenDvc;
use crate::client::{MemoryTokens, PortalClient};
use crate::error::CoreError;
use crate::error::StaffError;
use crate::events::CoreEvent;
use crate::sealing::{QueueKey, SealError, WrappedKey};

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

/// How long ending a session waits for the portal to confirm before the citizen's files go.
pub(super) const END_AT_PORTAL_WAIT: Duration = Duration::from_secs(5);

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

impl OpenDvc {
    pub(super) fn staff_dirs(&self) -> StaffDirs {
        StaffDirs {
            root: self.options.data_dir.root().join("staff"),
            clock: self.options.clock.clone(),
        }
    }

    pub(super) fn staff_portal(&self, file: &StaffFile) -> Result<String, CoreError> {
        self.options
            .portal_override
            .clone()
            .or_else(|| file.portal_url.clone())
            .ok_or(CoreError::NoPortal)
    }

    /// A client acting with the signed-in staff member's token.
    pub(super) fn staff_client(&self, file: &StaffFile) -> Result<PortalClient, CoreError> {
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

    pub(super) fn signed_in_key(file: &StaffFile) -> Result<QueueKey, CoreError> {
        let key = file.queue_key.as_deref().ok_or(StaffError::NotSignedIn)?;
        Ok(QueueKey::from_base64(key).map_err(StaffError::from)?)
    }

    /// The wrapped queue key kept with the newest session of `staff_code` on this device.
    pub(super) fn wrapped_key_of_sessions(
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
            (StaffKind::Officer | StaffKind::Supervisor, _, _) => {
                return Err(StaffError::OfficerOnDevice.into());
            }
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
}
