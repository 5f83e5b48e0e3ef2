//! `ApplicationStore` on SQLite: applications, their timelines and supplements, the stored
//! answers of idempotent requests, items delivered late, and sync pages of the change log.

use chrono::{DateTime, FixedOffset};
use opendvc_api::{Actor, Application, ApplicationStatus, ErrorCode};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use async_trait::async_trait;

use super::Cached;
use super::access_log::insert_access;
use super::changes::{insert_inbox, touch};
use super::rows::{channel_str, load_application, load_citizen, parse_uuid};
use super::{Database, SqliteStore};
use crate::error::ApiError;
use crate::store::stored::{parse_enum, parse_status, parse_time};
use crate::store::{
    AccessEntry, ApplicationChange, ApplicationDraft, ApplicationStore, ChangeDecision,
    CitizenRecord, IdempotencyRecord, LateItem, OverviewRow, SeededApplication, StoreError,
    StoreResult, StoredResponse, SyncPage,
};

fn insert_timeline_entry(
    tx: &Connection,
    application_id: Uuid,
    status: ApplicationStatus,
    at: DateTime<FixedOffset>,
    actor: &Actor,
    note: Option<&str>,
) -> StoreResult<()> {
    tx.execute_cached(
        "INSERT INTO timeline_entries (application_id, seq, status, at, actor_json, note)
         VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM timeline_entries
                      WHERE application_id = ?1), ?2, ?3, ?4, ?5)",
        params![
            application_id.to_string(),
            status.as_str(),
            at.to_rfc3339(),
            serde_json::to_string(actor)?,
            note
        ],
    )?;
    Ok(())
}

/// Inserts the application row and its first timeline entry; assigns and returns the code.
fn insert_application(tx: &Connection, draft: &ApplicationDraft) -> StoreResult<String> {
    let sequence: i64 = tx.query_row_cached(
        "INSERT INTO application_code_counters (prefix, last) VALUES (?1, 1)
         ON CONFLICT(prefix) DO UPDATE SET last = last + 1 RETURNING last",
        params![draft.code_prefix],
        |row| row.get(0),
    )?;
    let code = format!("{}-{sequence:04}", draft.code_prefix);
    tx.execute_cached(
        "INSERT INTO applications (id, code, citizen_id, procedure_id, procedure_name_json,
            status, channel, submitted_by_json, submitted_at, due_at, processing_days, form_json,
            attachments_json, delivery_json, fee, rating_json, updated_at, fee_lines_json,
            unit_code)
         VALUES (?1, ?2, ?3, ?4, ?5, ?17, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, NULL, ?8,
            ?15, ?16)",
        params![
            draft.id.to_string(),
            code,
            draft.citizen_id.to_string(),
            draft.procedure_id,
            serde_json::to_string(&draft.procedure_name)?,
            channel_str(draft.channel),
            draft
                .submitted_by
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?,
            draft.submitted_at.to_rfc3339(),
            draft.due_at.to_rfc3339(),
            i64::from(draft.processing_days),
            serde_json::to_string(&draft.form)?,
            serde_json::to_string(&draft.attachments)?,
            serde_json::to_string(&draft.delivery)?,
            i64::try_from(draft.fee).map_err(|e| StoreError::Database(e.to_string()))?,
            serde_json::to_string(&draft.fee_lines)?,
            draft.unit_code,
            draft.first_status.as_str(),
        ],
    )?;
    insert_timeline_entry(
        tx,
        draft.id,
        draft.first_status,
        draft.submitted_at,
        &draft.first_entry_actor,
        draft.first_entry_note.as_deref(),
    )?;
    touch(tx, draft.citizen_id, "application", &draft.id.to_string())?;
    if let Some(entry) = &draft.access {
        insert_access(
            tx,
            &AccessEntry {
                application_id: Some(draft.id),
                ..entry.clone()
            },
        )?;
    }
    Ok(code)
}

fn store_response(
    tx: &Connection,
    idempotency: Option<IdempotencyRecord>,
    application: &Application,
) -> StoreResult<()> {
    if let Some(record) = idempotency {
        let inserted = tx.execute_cached(
            "INSERT OR IGNORE INTO idempotency_keys (scope, request_hash, status, body, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                record.scope,
                record.request_hash,
                record.status,
                serde_json::to_string(application)?,
                record.created_at
            ],
        )?;
        if inserted == 0 {
            // Another request with this key committed first; ours must not take effect.
            return Err(StoreError::Refused(ApiError::new(
                ErrorCode::IdempotencyInFlight,
                "A request with this Idempotency-Key was processed meanwhile; resend to get its answer.",
            )));
        }
        if let Some(item) = record.late_item {
            count_late_item(tx, item)?;
        }
    }
    Ok(())
}

/// Counts an item delivered late against its session's limit, or refuses it (and with it the
/// whole transaction). One conditional update, so parallel deliveries cannot pass the limit.
pub(super) fn count_late_item(tx: &Connection, item: LateItem) -> StoreResult<()> {
    let counted = tx.execute_cached(
        "UPDATE assist_sessions SET late_items = late_items + 1
         WHERE id = ?1 AND late_items < ?2",
        params![item.session_id.to_string(), item.limit],
    )?;
    if counted == 0 {
        return Err(StoreError::Refused(ApiError::forbidden(format!(
            "This assisted session has already delivered the {} items allowed after it; help \
             the citizen in a new session for more.",
            item.limit
        ))));
    }
    Ok(())
}

pub(super) fn apply_change(
    tx: &Connection,
    citizen_id: Uuid,
    current: &Application,
    change: &ApplicationChange,
    now: DateTime<FixedOffset>,
) -> StoreResult<()> {
    let id = current.id.to_string();
    for (status, actor, note) in &change.entries {
        insert_timeline_entry(tx, current.id, *status, now, actor, note.as_deref())?;
        tx.execute_cached(
            "UPDATE applications SET status = ?2 WHERE id = ?1",
            params![id, status.as_str()],
        )?;
    }
    if let Some(delivery) = &change.delivery {
        tx.execute_cached(
            "UPDATE applications SET delivery_json = ?2 WHERE id = ?1",
            params![id, serde_json::to_string(delivery)?],
        )?;
    }
    if let Some(supplement) = &change.supplement {
        tx.execute_cached(
            "INSERT INTO supplements (id, application_id, supplement_json) VALUES (?1, ?2, ?3)",
            params![
                supplement.id.to_string(),
                id,
                serde_json::to_string(supplement)?
            ],
        )?;
    }
    if let Some(rating) = &change.rating {
        tx.execute_cached(
            "UPDATE applications SET rating_json = ?2 WHERE id = ?1",
            params![id, serde_json::to_string(rating)?],
        )?;
    }
    if let Some(officer) = &change.assigned_to {
        tx.execute_cached(
            "UPDATE applications SET assigned_to = ?2 WHERE id = ?1",
            params![id, officer],
        )?;
    }
    for item in &change.inbox {
        insert_inbox(tx, citizen_id, item)?;
    }
    for notice in &change.notices {
        super::notifications::insert_notice(tx, notice)?;
    }
    if let Some(entry) = &change.access {
        insert_access(
            tx,
            &AccessEntry {
                application_id: Some(current.id),
                ..entry.clone()
            },
        )?;
    }
    tx.execute_cached(
        "UPDATE applications SET updated_at = ?2 WHERE id = ?1",
        params![id, now.to_rfc3339()],
    )?;
    touch(tx, citizen_id, "application", &id)?;
    Ok(())
}

pub(super) fn owner_of(conn: &Connection, id: Uuid) -> StoreResult<Option<Uuid>> {
    conn.query_row_cached(
        "SELECT citizen_id FROM applications WHERE id = ?1",
        params![id.to_string()],
        |row| row.get::<_, String>(0),
    )
    .optional()?
    .map(|text| parse_uuid(&text))
    .transpose()
}

fn application_ids(conn: &Connection, sql: &str, param: &str) -> StoreResult<Vec<Uuid>> {
    let mut statement = conn.prepare_cached(sql)?;
    let ids = statement
        .query_map(params![param], |row| row.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    ids.iter().map(|id| parse_uuid(id)).collect()
}

impl Database {
    pub(super) fn stored_response(
        conn: &Connection,
        scope: &str,
    ) -> StoreResult<Option<StoredResponse>> {
        Ok(conn
            .query_row_cached(
                "SELECT request_hash, status, body FROM idempotency_keys WHERE scope = ?1",
                params![scope],
                |row| {
                    Ok(StoredResponse {
                        request_hash: row.get(0)?,
                        status: row.get(1)?,
                        body: row.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    pub(super) fn create_application(
        &self,
        draft: ApplicationDraft,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<Application> {
        self.write(|tx| {
            let code = insert_application(tx, &draft)?;
            let notices = draft.notices.clone();
            let application = draft.into_application(code);
            for notice in notices.compose(&application) {
                super::notifications::insert_notice(tx, &notice)?;
            }
            store_response(tx, idempotency, &application)?;
            Ok(application)
        })
    }

    pub(super) fn change_application(
        &self,
        citizen_id: Option<Uuid>,
        id: Uuid,
        decide: ChangeDecision,
        now: DateTime<FixedOffset>,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<Application> {
        self.write(|tx| {
            let current = load_application(tx, citizen_id, id)?
                .ok_or_else(|| StoreError::Refused(ApiError::not_found("No such application.")))?;
            let owner = owner_of(tx, id)?
                .ok_or_else(|| StoreError::Refused(ApiError::not_found("No such application.")))?;
            let change = decide(&current)?;
            apply_change(tx, owner, &current, &change, now)?;
            let application = load_application(tx, None, id)?
                .ok_or_else(|| StoreError::Database("changed application vanished".into()))?;
            store_response(tx, idempotency, &application)?;
            Ok(application)
        })
    }

    pub(super) fn application(
        &self,
        citizen_id: Option<Uuid>,
        id: Uuid,
    ) -> StoreResult<Option<Application>> {
        load_application(&self.reader(), citizen_id, id)
    }

    pub(super) fn application_by_code(&self, code: &str) -> StoreResult<Option<Application>> {
        let conn = self.reader();
        let id = conn
            .query_row_cached(
                "SELECT id FROM applications WHERE code = ?1",
                params![code],
                |row| row.get::<_, String>(0),
            )
            .optional()?;
        match id {
            None => Ok(None),
            Some(id) => load_application(&conn, None, parse_uuid(&id)?),
        }
    }

    pub(super) fn citizen_of_application(&self, id: Uuid) -> StoreResult<Option<Uuid>> {
        owner_of(&self.reader(), id)
    }

    pub(super) fn applications(&self, citizen_id: Uuid) -> StoreResult<Vec<Application>> {
        let conn = self.reader();
        let ids = application_ids(
            &conn,
            "SELECT id FROM applications WHERE citizen_id = ?1 ORDER BY submitted_at DESC, code DESC",
            &citizen_id.to_string(),
        )?;
        ids.into_iter()
            .filter_map(|id| load_application(&conn, None, id).transpose())
            .collect()
    }

    pub(super) fn applications_by_status(
        &self,
        status: Option<ApplicationStatus>,
    ) -> StoreResult<Vec<Application>> {
        let conn = self.reader();
        let ids = match status {
            Some(status) => application_ids(
                &conn,
                "SELECT id FROM applications WHERE status = ?1 ORDER BY submitted_at, code",
                status.as_str(),
            )?,
            None => application_ids(
                &conn,
                "SELECT id FROM applications WHERE ?1 = ?1 ORDER BY submitted_at, code",
                "",
            )?,
        };
        ids.into_iter()
            .filter_map(|id| load_application(&conn, None, id).transpose())
            .collect()
    }

    pub(super) fn seed_application(
        &self,
        draft: ApplicationDraft,
        history: Vec<(
            ApplicationStatus,
            DateTime<FixedOffset>,
            Actor,
            Option<String>,
        )>,
    ) -> StoreResult<bool> {
        self.write(|tx| {
            if owner_of(tx, draft.id)?.is_some() {
                return Ok(false);
            }
            insert_application(tx, &draft)?;
            let mut last = draft.submitted_at;
            for (status, at, actor, note) in &history {
                insert_timeline_entry(tx, draft.id, *status, *at, actor, note.as_deref())?;
                tx.execute_cached(
                    "UPDATE applications SET status = ?2 WHERE id = ?1",
                    params![draft.id.to_string(), status.as_str()],
                )?;
                last = *at;
            }
            tx.execute_cached(
                "UPDATE applications SET updated_at = ?2 WHERE id = ?1",
                params![draft.id.to_string(), last.to_rfc3339()],
            )?;
            Ok(true)
        })
    }

    pub(super) fn seed_history(
        &self,
        citizens: &[CitizenRecord],
        applications: &[SeededApplication],
    ) -> StoreResult<usize> {
        self.write(|tx| {
            let Some(first) = citizens.first() else {
                return Ok(0);
            };
            let seeded: bool = tx.query_row_cached(
                "SELECT EXISTS (SELECT 1 FROM citizens WHERE id = ?1)",
                params![first.id.to_string()],
                |row| row.get(0),
            )?;
            if seeded {
                return Ok(0);
            }
            for citizen in citizens {
                tx.execute_cached(
                    "INSERT OR IGNORE INTO citizens (id, id_number, profile_json) VALUES (?1, ?2, ?3)",
                    params![
                        citizen.id.to_string(),
                        citizen.profile.id_number,
                        serde_json::to_string(&citizen.profile)?
                    ],
                )?;
                touch(tx, citizen.id, "profile", &citizen.id.to_string())?;
            }
            for seeded in applications {
                let draft = &seeded.draft;
                insert_application(tx, draft)?;
                let mut last = draft.submitted_at;
                for (status, at, actor, note) in &seeded.history {
                    insert_timeline_entry(tx, draft.id, *status, *at, actor, note.as_deref())?;
                    tx.execute_cached(
                        "UPDATE applications SET status = ?2 WHERE id = ?1",
                        params![draft.id.to_string(), status.as_str()],
                    )?;
                    last = *at;
                }
                if let Some(rating) = &seeded.rating {
                    tx.execute_cached(
                        "UPDATE applications SET rating_json = ?2 WHERE id = ?1",
                        params![draft.id.to_string(), serde_json::to_string(rating)?],
                    )?;
                }
                tx.execute_cached(
                    "UPDATE applications SET updated_at = ?2 WHERE id = ?1",
                    params![draft.id.to_string(), last.to_rfc3339()],
                )?;
            }
            Ok(applications.len())
        })
    }

    /// One pass over the applications; the first finishing entry of each comes from the
    /// timeline's primary key index.
    pub(super) fn overview_rows(&self) -> StoreResult<Vec<OverviewRow>> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT a.procedure_id, a.unit_code, a.channel, a.status, a.submitted_at, a.due_at,
                (SELECT t.at FROM timeline_entries t
                 WHERE t.application_id = a.id AND t.status IN ('completed', 'handed_over')
                 ORDER BY t.status = 'handed_over', t.seq LIMIT 1),
                json_extract(a.delivery_json, '$.method'),
                json_extract(a.rating_json, '$.stars')
             FROM applications a",
        )?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, Option<String>>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, String>(5)?,
                    row.get::<_, Option<String>>(6)?,
                    row.get::<_, String>(7)?,
                    row.get::<_, Option<i64>>(8)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(
                |(
                    procedure_id,
                    unit_code,
                    channel,
                    status,
                    submitted,
                    due,
                    finished,
                    method,
                    stars,
                )| {
                    Ok(OverviewRow {
                        procedure_id,
                        unit_code,
                        channel: parse_enum(channel)?,
                        status: parse_status(&status)?,
                        submitted_at: parse_time(&submitted)?,
                        due_at: parse_time(&due)?,
                        finished_at: finished.as_deref().map(parse_time).transpose()?,
                        delivery_method: parse_enum(method)?,
                        rating_stars: stars.and_then(|stars| u8::try_from(stars).ok()),
                    })
                },
            )
            .collect()
    }

    pub(super) fn sync_page(
        &self,
        citizen_id: Uuid,
        after: i64,
        limit: usize,
    ) -> StoreResult<SyncPage> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT seq, entity_kind, entity_id FROM change_log
             WHERE citizen_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let fetch = i64::try_from(limit + 1).map_err(|e| StoreError::Database(e.to_string()))?;
        let mut rows = statement
            .query_map(params![citizen_id.to_string(), after, fetch], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut page = SyncPage {
            last_seq: after,
            has_more: rows.len() > limit,
            ..SyncPage::default()
        };
        rows.truncate(limit);
        for (seq, kind, entity_id) in rows {
            page.last_seq = seq;
            match kind.as_str() {
                "profile" => {
                    page.profile =
                        load_citizen(&conn, "id", &citizen_id.to_string())?.map(|c| c.profile);
                }
                "application" => {
                    if let Some(application) =
                        load_application(&conn, Some(citizen_id), parse_uuid(&entity_id)?)?
                    {
                        page.applications.push(application);
                    }
                }
                "document" => {
                    let json = conn
                        .query_row_cached(
                            "SELECT document_json FROM documents WHERE id = ?1",
                            params![entity_id],
                            |row| row.get::<_, String>(0),
                        )
                        .optional()?;
                    if let Some(json) = json {
                        page.documents.push(serde_json::from_str(&json)?);
                    }
                }
                "inbox" => {
                    let json = conn
                        .query_row_cached(
                            "SELECT item_json FROM inbox_items WHERE id = ?1",
                            params![entity_id],
                            |row| row.get::<_, String>(0),
                        )
                        .optional()?;
                    if let Some(json) = json {
                        page.inbox.push(serde_json::from_str(&json)?);
                    }
                }
                "feedback" => {
                    if let Some(feedback) = super::feedback::sync_item(&conn, &entity_id)? {
                        page.feedback.push(feedback);
                    }
                }
                other => return Err(StoreError::Database(format!("change log kind {other}"))),
            }
        }
        Ok(page)
    }

    pub(super) fn purge_idempotency(&self, before: i64) -> StoreResult<usize> {
        self.write(|tx| {
            Ok(tx.execute_cached(
                "DELETE FROM idempotency_keys WHERE created_at < ?1",
                params![before],
            )?)
        })
    }
}

#[async_trait]
impl ApplicationStore for SqliteStore {
    async fn stored_response(&self, scope: &str) -> StoreResult<Option<StoredResponse>> {
        let scope = scope.to_owned();
        self.point_read(move |conn| Database::stored_response(conn, &scope))
            .await
    }

    async fn create_application(
        &self,
        draft: ApplicationDraft,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<Application> {
        self.blocking(move |db| db.create_application(draft, idempotency))
            .await
    }

    async fn change_application(
        &self,
        citizen_id: Option<Uuid>,
        id: Uuid,
        decide: ChangeDecision,
        now: DateTime<FixedOffset>,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<Application> {
        self.blocking(move |db| db.change_application(citizen_id, id, decide, now, idempotency))
            .await
    }

    async fn application(
        &self,
        citizen_id: Option<Uuid>,
        id: Uuid,
    ) -> StoreResult<Option<Application>> {
        self.blocking(move |db| db.application(citizen_id, id))
            .await
    }

    async fn application_by_code(&self, code: &str) -> StoreResult<Option<Application>> {
        let code = code.to_owned();
        self.blocking(move |db| db.application_by_code(&code)).await
    }

    async fn citizen_of_application(&self, id: Uuid) -> StoreResult<Option<Uuid>> {
        self.blocking(move |db| db.citizen_of_application(id)).await
    }

    async fn applications(&self, citizen_id: Uuid) -> StoreResult<Vec<Application>> {
        self.blocking(move |db| db.applications(citizen_id)).await
    }

    async fn applications_by_status(
        &self,
        status: Option<ApplicationStatus>,
    ) -> StoreResult<Vec<Application>> {
        self.blocking(move |db| db.applications_by_status(status))
            .await
    }

    async fn seed_application(
        &self,
        draft: ApplicationDraft,
        history: Vec<(
            ApplicationStatus,
            DateTime<FixedOffset>,
            Actor,
            Option<String>,
        )>,
    ) -> StoreResult<bool> {
        self.blocking(move |db| db.seed_application(draft, history))
            .await
    }

    async fn seed_history(
        &self,
        citizens: Vec<CitizenRecord>,
        applications: Vec<SeededApplication>,
    ) -> StoreResult<usize> {
        self.blocking(move |db| db.seed_history(&citizens, &applications))
            .await
    }

    async fn overview_rows(&self) -> StoreResult<Vec<OverviewRow>> {
        self.blocking(|db| db.overview_rows()).await
    }

    async fn sync_page(&self, citizen_id: Uuid, after: i64, limit: usize) -> StoreResult<SyncPage> {
        self.blocking(move |db| db.sync_page(citizen_id, after, limit))
            .await
    }

    async fn purge_idempotency(&self, before: i64) -> StoreResult<usize> {
        self.blocking(move |db| db.purge_idempotency(before)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::tests::{citizen, scratch};
    use opendvc_api::InboxItem;

    #[test]
    fn a_created_application_reads_back_exactly_as_answered() {
        let scratch = scratch();
        let store = &scratch.store;
        let citizen_id = citizen(store);
        let at = DateTime::parse_from_rfc3339("2026-11-27T10:15:30.123456789+07:00").expect("time");
        let draft = ApplicationDraft::sample(citizen_id, at);
        let answered = store.create_application(draft, None).expect("created");
        let stored = store
            .application(Some(citizen_id), answered.id)
            .expect("read")
            .expect("found");
        assert_eq!(
            answered, stored,
            "the answer equals what a later read returns"
        );
        assert_eq!(
            answered.code, "000.00.48.H17-261127-0001",
            "first of the day"
        );
    }

    #[test]
    fn sync_pages_list_each_entity_once_in_its_latest_state() {
        let scratch = scratch();
        let store = &scratch.store;
        let id = citizen(store);
        let item = |n: u8| InboxItem {
            feedback_id: None,
            id: Uuid::now_v7(),
            at: DateTime::parse_from_rfc3339("2026-11-29T09:00:00+07:00").expect("time"),
            category: opendvc_api::InboxCategory::Notice,
            title: opendvc_api::LocalizedText {
                vi: format!("Tin {n}"),
                en: format!("Notice {n}"),
                id: None,
            },
            body: opendvc_api::LocalizedText {
                vi: String::new(),
                en: String::new(),
                id: None,
            },
            application_id: None,
            document_id: None,
        };
        store
            .write(|tx| {
                for n in 0..3 {
                    insert_inbox(tx, id, &item(n))?;
                }
                touch(tx, id, "profile", &id.to_string())
            })
            .expect("changes recorded");
        let first = store.sync_page(id, 0, 2).expect("first page");
        assert!(first.has_more, "more than one page");
        assert_eq!(first.inbox.len(), 2);
        assert!(
            first.profile.is_none(),
            "the profile moved to the end of the log"
        );
        let second = store.sync_page(id, first.last_seq, 2).expect("second page");
        assert!(!second.has_more);
        assert_eq!(second.inbox.len(), 1);
        assert!(second.profile.is_some(), "the profile appears once, last");
        let quiet = store.sync_page(id, second.last_seq, 2).expect("quiet page");
        assert_eq!(
            quiet.last_seq, second.last_seq,
            "nothing new keeps the cursor"
        );
        assert!(quiet.inbox.is_empty() && quiet.profile.is_none());
    }
}
