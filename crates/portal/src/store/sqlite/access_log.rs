//! `AccessLogStore` on SQLite: the append-only access log (the table refuses updates and
//! deletes).

use opendvc_api::{AccessStaff, AssistVenue};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use async_trait::async_trait;

use super::Cached;
use super::rows::{
    action_str, consent_str, parse_enum, parse_staff_kind, parse_uuid, resource_str, staff_kind_str,
};
use super::{Database, SqliteStore};
use crate::store::{
    AccessEntry, AccessLogPage, AccessLogPosition, AccessLogStore, StoreError, StoreResult,
};

/// Appends `entry` to the access log. An application is named by its code, and only when it is
/// the citizen's: the log of one citizen never names another's application.
pub(super) fn insert_access(tx: &Connection, entry: &AccessEntry) -> StoreResult<()> {
    let mut resource_ref = entry.resource_ref.clone();
    let mut application_id = None;
    if let Some(id) = entry.application_id {
        let code = tx
            .query_row_cached(
                "SELECT code FROM applications WHERE id = ?1 AND citizen_id = ?2",
                params![id.to_string(), entry.citizen_id.to_string()],
                |row| row.get::<_, String>(0),
            )
            .optional()?;
        application_id = code.is_some().then(|| id.to_string());
        resource_ref = code;
    }
    tx.execute_cached(
        "INSERT INTO access_log (id, citizen_id, at, action, resource, resource_ref,
            application_id, staff_code, staff_name, staff_kind, staff_organisation, venue_name,
            venue_unit_code, session_id, consent)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            entry.id.to_string(),
            entry.citizen_id.to_string(),
            entry.at,
            action_str(entry.action),
            resource_str(entry.resource),
            resource_ref,
            application_id,
            entry.staff.code,
            entry.staff.name,
            staff_kind_str(entry.staff.kind),
            entry.staff.organisation,
            entry.venue.name,
            entry.venue.unit_code,
            entry.session_id.to_string(),
            consent_str(entry.consent),
        ],
    )?;
    Ok(())
}

impl Database {
    pub(super) fn record_access(&self, entry: &AccessEntry) -> StoreResult<()> {
        self.write(|tx| insert_access(tx, entry))
    }

    pub(super) fn access_log(
        &self,
        citizen_id: Uuid,
        before: Option<AccessLogPosition>,
        limit: usize,
    ) -> StoreResult<AccessLogPage> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT seq, id, at, action, resource, resource_ref, application_id, staff_code,
                    staff_name, staff_kind, staff_organisation, venue_name, venue_unit_code,
                    session_id, consent
             FROM access_log
             WHERE citizen_id = ?1 AND (at < ?2 OR (at = ?2 AND seq < ?3))
             ORDER BY at DESC, seq DESC LIMIT ?4",
        )?;
        let start = before.unwrap_or(AccessLogPosition {
            at: i64::MAX,
            seq: i64::MAX,
        });
        let fetch = i64::try_from(limit + 1).map_err(|e| StoreError::Database(e.to_string()))?;
        let rows = statement
            .query_map(
                params![citizen_id.to_string(), start.at, start.seq, fetch],
                |row| {
                    Ok((
                        (
                            row.get::<_, i64>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, i64>(2)?,
                            row.get::<_, String>(3)?,
                            row.get::<_, String>(4)?,
                            row.get::<_, Option<String>>(5)?,
                            row.get::<_, Option<String>>(6)?,
                        ),
                        (
                            row.get::<_, String>(7)?,
                            row.get::<_, String>(8)?,
                            row.get::<_, String>(9)?,
                            row.get::<_, String>(10)?,
                            row.get::<_, String>(11)?,
                            row.get::<_, Option<String>>(12)?,
                            row.get::<_, String>(13)?,
                            row.get::<_, String>(14)?,
                        ),
                    ))
                },
            )?
            .collect::<Result<Vec<_>, _>>()?;
        let more = rows.len() > limit;
        let mut page = AccessLogPage::default();
        for (
            (seq, id, at, action, resource, resource_ref, application_id),
            (code, name, kind, organisation, venue, unit_code, session_id, consent),
        ) in rows.into_iter().take(limit)
        {
            page.next = Some(AccessLogPosition { at, seq });
            page.entries.push(AccessEntry {
                id: parse_uuid(&id)?,
                citizen_id,
                at,
                action: parse_enum(action)?,
                resource: parse_enum(resource)?,
                resource_ref,
                application_id: application_id.as_deref().map(parse_uuid).transpose()?,
                staff: AccessStaff {
                    code,
                    name,
                    kind: parse_staff_kind(&kind)?,
                    organisation,
                },
                venue: AssistVenue {
                    name: venue,
                    unit_code,
                },
                session_id: parse_uuid(&session_id)?,
                consent: parse_enum(consent)?,
            });
        }
        if !more {
            page.next = None;
        }
        Ok(page)
    }

    pub(super) fn submitted_in_session(
        &self,
        session_id: Uuid,
        application_id: Uuid,
    ) -> StoreResult<bool> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT 1 FROM access_log
             WHERE session_id = ?1 AND application_id = ?2 AND action = 'submitted'
               AND resource = 'application'",
        )?;
        Ok(statement.exists(params![session_id.to_string(), application_id.to_string()])?)
    }
}

#[async_trait]
impl AccessLogStore for SqliteStore {
    async fn record_access(&self, entry: &AccessEntry) -> StoreResult<()> {
        let entry = entry.clone();
        self.blocking(move |db| db.record_access(&entry)).await
    }

    async fn access_log(
        &self,
        citizen_id: Uuid,
        before: Option<AccessLogPosition>,
        limit: usize,
    ) -> StoreResult<AccessLogPage> {
        self.blocking(move |db| db.access_log(citizen_id, before, limit))
            .await
    }

    async fn submitted_in_session(
        &self,
        session_id: Uuid,
        application_id: Uuid,
    ) -> StoreResult<bool> {
        self.blocking(move |db| db.submitted_in_session(session_id, application_id))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::lock;
    use crate::store::sqlite::tests::{citizen, scratch};
    use opendvc_api::{AccessAction, AccessResource, ConsentMethod, StaffKind};

    fn read_entry(citizen_id: Uuid, at: i64) -> AccessEntry {
        AccessEntry {
            id: Uuid::now_v7(),
            citizen_id,
            at,
            action: AccessAction::Read,
            resource: AccessResource::Profile,
            resource_ref: None,
            application_id: None,
            staff: AccessStaff {
                code: "BDDN-HC-01".into(),
                name: "Phạm Thị Hoa".into(),
                kind: StaffKind::Agent,
                organisation: "Bưu điện phường Hải Châu".into(),
            },
            venue: AssistVenue {
                name: "Bưu điện phường Hải Châu".into(),
                unit_code: None,
            },
            session_id: Uuid::now_v7(),
            consent: ConsentMethod::Otp,
        }
    }

    #[test]
    fn the_access_log_refuses_every_change_and_deletion() {
        let scratch = scratch();
        let store = &scratch.store;
        let citizen_id = citizen(store);
        store
            .record_access(&read_entry(citizen_id, 1_790_000_000))
            .expect("an entry is appended");
        let connection = lock(&store.writer);
        for statement in [
            "UPDATE access_log SET staff_code = 'someone-else'",
            "UPDATE access_log SET at = 0",
            "DELETE FROM access_log",
        ] {
            let error = connection
                .execute_cached(statement, [])
                .expect_err("the access log is append-only");
            assert!(
                error.to_string().contains("append-only"),
                "{statement} is refused by the log itself: {error}"
            );
        }
        let left: i64 = connection
            .query_row_cached("SELECT count(*) FROM access_log", [], |row| row.get(0))
            .expect("counted");
        assert_eq!(left, 1, "the entry is still there, unchanged");
    }

    #[test]
    fn the_access_log_pages_newest_first_by_time_of_access() {
        let scratch = scratch();
        let store = &scratch.store;
        let citizen_id = citizen(store);
        // Appended out of time order, as a session recorded later is.
        for at in [100, 300, 200, 300, 50] {
            store
                .record_access(&read_entry(citizen_id, 1_790_000_000 + at))
                .expect("appended");
        }
        let mut times = Vec::new();
        let mut before = None;
        loop {
            let page = store.access_log(citizen_id, before, 2).expect("a page");
            assert!(page.entries.len() <= 2);
            times.extend(page.entries.iter().map(|entry| entry.at - 1_790_000_000));
            match page.next {
                Some(next) => before = Some(next),
                None => break,
            }
        }
        assert_eq!(
            times,
            vec![300, 300, 200, 100, 50],
            "newest first, none twice"
        );
        let other = citizen(store);
        assert!(
            store
                .access_log(other, None, 10)
                .expect("a page")
                .entries
                .is_empty(),
            "another citizen's log is their own"
        );
    }
}
