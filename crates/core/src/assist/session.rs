//! The life of an assisted session: opened at the portal with the citizen's consent (or on
//! the device alone, offline, on a paper consent), its own folder made the active profile,
//! ended (by the staff member, at expiry, or at start-up after a crash) with the citizen's
//! folder deleted and the unsent work kept sealed.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Utc;
use opendvc_api::{AssistScope, AssistSessionRequest, AssistVenue, Consent, OtpAccepted};
use opendvc_rules::fields::is_id_number;
use serde::Serialize;
use uuid::Uuid;

use super::files::{
    CitizenFile, PendingOpen, SessionRecord, StaffDirs, StaffFile, Venue, read_json, remove_dir,
    write_json,
};
use super::staff::{AssistedSessionView, END_AT_PORTAL_WAIT};
use crate::app::OpenDvc;
use crate::client::{MemoryTokens, PortalClient, Tokens};
use crate::error::CoreError;
use crate::error::StaffError;
use crate::events::CoreEvent;
use crate::queue::{QueueSummary, SubmissionQueue};
use crate::sealing::QueueKey;
use crate::session::Session;

/// How long a session opened offline lasts on the device, minutes (the portal's default).
pub const OFFLINE_SESSION_MINUTES: i64 = 30;

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

impl OpenDvc {
    /// Deletes the files picked for a submission and not yet taken into the queue: on a
    /// shared device they are the citizen's papers.
    pub(super) fn clear_staging(&self) -> Result<(), CoreError> {
        self.forget_all_picked();
        remove_dir(&self.options.data_dir.staging_dir()).map_err(StaffError::from)?;
        Ok(())
    }

    /// Sends a consent code to the citizen's registered phone.
    pub async fn request_consent_code(&self, id_number: &str) -> Result<OtpAccepted, CoreError> {
        if !is_id_number(id_number) {
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
        if !is_id_number(id_number) {
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
    pub(super) async fn open_offline_session(
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

    pub(super) fn staff_catalog(&self) -> Result<crate::store::Cache, CoreError> {
        let path = self.staff_dirs().root.join("catalog");
        crate::session::private_dir(&path).map_err(StaffError::from)?;
        let (cache, _) =
            crate::store::Cache::open_or_rebuild(&path.join("cache.db"), self.options.clock.now())?;
        Ok(cache)
    }

    /// Keeps the catalog and the administrative units on the device for sessions opened
    /// offline (best effort: the next sign-in tries again).
    pub(super) async fn refresh_staff_catalog(
        &self,
        client: &PortalClient,
    ) -> Result<(), CoreError> {
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
            return Ok(Arc::unwrap_or_clone(units));
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
    pub(super) fn copy_staff_catalog(&self) -> Result<(), CoreError> {
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

    pub(super) fn activate_assisted(
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

    pub(super) fn open_session_queue(
        &self,
        id: Uuid,
        key: QueueKey,
    ) -> Result<SubmissionQueue, CoreError> {
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
    pub(super) fn keep_service_names(&self, dirs: &StaffDirs, id: Uuid) -> Result<(), CoreError> {
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
                    .insert(procedure.id.clone(), procedure.name.clone());
            }
        }
        write_json(&dirs.record(id), &record).map_err(StaffError::from)?;
        Ok(())
    }

    /// Deletes a session's citizen folder and marks its record ended.
    pub(super) fn forget_session(&self, dirs: &StaffDirs, id: Uuid) -> Result<(), CoreError> {
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

    pub(super) fn session_summary(&self, id: Uuid) -> Result<QueueSummary, CoreError> {
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
}
