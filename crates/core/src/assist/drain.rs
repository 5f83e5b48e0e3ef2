//! Delivering the staff member's sealed work: every session's queue, ended or not, sent with
//! the staff token and `X-Assist-Session`, a session opened offline recorded at the portal
//! first, and a session whose record was lost adopted by the staff member whose key opens it.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::DateTime;
use opendvc_api::{AssistSessionRequest, AssistVenue, Consent};
use uuid::Uuid;

use super::files::{
    JsonFile, SessionRecord, StaffDirs, StaffFile, Venue, read_json_file, write_json,
};
use crate::app::OpenDvc;
use crate::client::{ClientError, PortalClient};
use crate::error::CoreError;
use crate::error::StaffError;
use crate::events::CoreEvent;
use crate::queue::{
    DrainLane, DrainOutcome, LaneReadiness, PassReport, SubmissionQueue, saturating_after,
};

impl OpenDvc {
    /// The signed-in staff member's session queues, with their records.
    pub(super) fn staff_queues(
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
    /// their own token, waiting through back-off for at most `max_wait`: the queue's one drain
    /// loop ([`crate::queue::drain`]) over one `SessionLane` per session.
    pub async fn drain_staff(&self, max_wait: Duration) -> Result<DrainOutcome, CoreError> {
        let file = self.staff_dirs().load()?;
        let client = self.staff_client(&file)?;
        let mut lanes: Vec<SessionLane<'_>> = self
            .staff_queues(&file)?
            .into_iter()
            .map(|(record, queue)| SessionLane {
                transport: delivery_client(&client, &record),
                core: self,
                file: &file,
                client: &client,
                record,
                queue,
                open_attempts: 0,
            })
            .collect();
        crate::queue::drain(&mut lanes, self.options.clock.as_ref(), max_wait).await
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
}

/// The staff client delivering the work of `record`'s session: it names the session as the
/// portal knows it (`X-Assist-Session`).
fn delivery_client(client: &PortalClient, record: &SessionRecord) -> PortalClient {
    client
        .clone()
        .delivering_for(record.portal_session_id.unwrap_or(record.id))
}

/// One assisted session's sealed queue in the staff member's drain: sent with the staff
/// client naming the session; a session opened offline is recorded at the portal first.
struct SessionLane<'a> {
    core: &'a OpenDvc,
    file: &'a StaffFile,
    /// The staff member's client, without a session.
    client: &'a PortalClient,
    record: SessionRecord,
    queue: SubmissionQueue,
    transport: PortalClient,
    /// Attempts in a row to record the session at the portal that could not reach it.
    open_attempts: u32,
}

impl DrainLane for SessionLane<'_> {
    type Transport = PortalClient;
    type Error = CoreError;

    fn queue(&self) -> &SubmissionQueue {
        &self.queue
    }

    fn transport(&self) -> &PortalClient {
        &self.transport
    }

    async fn ready(&mut self) -> Result<LaneReadiness, CoreError> {
        if self.record.pending_open.is_none() || self.queue.summary()?.unsent() == 0 {
            return Ok(LaneReadiness::Ready);
        }
        let recorded = self
            .core
            .record_offline_session(self.file, self.client, &mut self.record)
            .await;
        match recorded {
            Ok(()) => {
                // From now on the work goes under the portal's id of the session.
                self.transport = delivery_client(self.client, &self.record);
                Ok(LaneReadiness::Ready)
            }
            Err(CoreError::Client(error)) if error.is_offline() => {
                // Try again after a back-off, like an item that could not be sent.
                self.open_attempts = self.open_attempts.saturating_add(1);
                let options = &self.core.options;
                let wait = options.backoff.delay(self.open_attempts, None);
                Ok(LaneReadiness::NotBefore(saturating_after(
                    options.clock.now(),
                    wait,
                )))
            }
            Err(CoreError::Client(ClientError::Unauthorized { .. } | ClientError::NotSignedIn)) => {
                Ok(LaneReadiness::PausedAuth)
            }
            // The portal refused the consent (an unknown ID number): the work stays queued and
            // the drain reports it as not delivered.
            Err(CoreError::Client(_)) => Ok(LaneReadiness::Held),
            Err(other) => Err(other),
        }
    }

    fn after_pass(&mut self, report: &PassReport) {
        let open_session = self
            .core
            .profile
            .as_ref()
            .and_then(|profile| profile.assisted)
            .map(|(id, _)| id);
        if open_session == Some(self.record.id) {
            self.core.absorb(report);
        } else if !report.sent.is_empty() || !report.needs_attention.is_empty() {
            // Work of an ended session: the tally changed.
            self.core.emit(CoreEvent::QueueChanged);
        }
        if report.went_offline {
            self.core.announce(None, Some(false));
        } else if !report.sent.is_empty() {
            self.core.announce(None, Some(true));
        }
    }
}
