//! `FeedbackStore` on SQLite: items, their timelines and photos. Every write runs in the one
//! writer's `BEGIN IMMEDIATE` transaction, so two changes of an item never interleave.

use async_trait::async_trait;
use opendvc_api::{ErrorCode, FeedbackEvent, FeedbackFigures};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::Cached;
use super::changes::{insert_inbox, touch};
use super::notifications::insert_notice;
use super::{Database, SqliteStore};
use crate::error::ApiError;
use crate::store::feedback::{
    FeedbackDecision, FeedbackPhotoFile, FeedbackQueueFilter, FeedbackQueueRows, FeedbackRecord,
    FeedbackStore, PublicFeedbackFilter, created_body, figures, record_json, status_str,
};
use crate::store::{IdempotencyRecord, StoreError, StoreResult};

fn write_row(tx: &Connection, record: &FeedbackRecord, insert: bool) -> StoreResult<()> {
    let feedback = &record.feedback;
    let sql = if insert {
        "INSERT INTO feedback (id, citizen_id, category, status, agency_id, unit_code,
            assigned_to, submitted_unix, due_unix, answered_unix, first_answered_unix,
            first_answer_due_unix, queue_key, record_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10,
            CASE WHEN ?10 IS NULL THEN NULL ELSE ?9 END, ?11, ?12)"
    } else {
        "UPDATE feedback SET citizen_id = ?2, category = ?3, status = ?4, agency_id = ?5,
            unit_code = ?6, assigned_to = ?7, submitted_unix = ?8, due_unix = ?9,
            answered_unix = ?10, first_answered_unix = COALESCE(first_answered_unix, ?10),
            first_answer_due_unix = CASE WHEN first_answered_unix IS NOT NULL
                THEN first_answer_due_unix WHEN ?10 IS NULL THEN NULL ELSE ?9 END,
            queue_key = ?11, record_json = ?12, next_warning_unix = 0
         WHERE id = ?1"
    };
    tx.execute_cached(
        sql,
        params![
            feedback.id.to_string(),
            record.citizen_id.map(|id| id.to_string()),
            feedback.category,
            status_str(feedback.status),
            record.agency_id,
            record.unit_code,
            record.assigned_to,
            feedback.submitted_at.timestamp(),
            feedback.due_at.timestamp(),
            feedback.answered_at.map(|at| at.timestamp()),
            record.queue_key(),
            serde_json::to_string(&record_json(record)?)?,
        ],
    )?;
    Ok(())
}

fn append_events(tx: &Connection, id: Uuid, events: &[FeedbackEvent]) -> StoreResult<()> {
    for event in events {
        let seq: i64 = tx.query_row_cached(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM feedback_events WHERE feedback_id = ?1",
            params![id.to_string()],
            |row| row.get(0),
        )?;
        let event = FeedbackEvent {
            seq: u32::try_from(seq).map_err(|e| StoreError::Database(e.to_string()))?,
            ..event.clone()
        };
        tx.execute_cached(
            "INSERT INTO feedback_events (feedback_id, seq, event_json) VALUES (?1, ?2, ?3)",
            params![id.to_string(), seq, serde_json::to_string(&event)?],
        )?;
    }
    Ok(())
}

fn insert_photos(tx: &Connection, id: Uuid, photos: &[FeedbackPhotoFile]) -> StoreResult<()> {
    for photo in photos {
        tx.execute_cached(
            "INSERT OR IGNORE INTO feedback_photos (feedback_id, photo_id, content_type, content)
             VALUES (?1, ?2, ?3, ?4)",
            params![id.to_string(), photo.id, photo.content_type, photo.content],
        )?;
    }
    Ok(())
}

/// Stores the idempotency answer `body` with the change, in its transaction.
pub(super) fn store_response(
    tx: &Connection,
    idempotency: Option<IdempotencyRecord>,
    body: &str,
) -> StoreResult<()> {
    if let Some(record) = idempotency {
        let inserted = tx.execute_cached(
            "INSERT OR IGNORE INTO idempotency_keys (scope, request_hash, status, body, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                record.scope,
                record.request_hash,
                record.status,
                body,
                record.created_at
            ],
        )?;
        if inserted == 0 {
            return Err(StoreError::Refused(ApiError::new(
                ErrorCode::IdempotencyInFlight,
                "A request with this Idempotency-Key was processed meanwhile; resend to get its answer.",
            )));
        }
    }
    Ok(())
}

pub(super) fn load_record(conn: &Connection, id: Uuid) -> StoreResult<Option<FeedbackRecord>> {
    let json = conn
        .query_row_cached(
            "SELECT record_json FROM feedback WHERE id = ?1",
            params![id.to_string()],
            |row| row.get::<_, String>(0),
        )
        .optional()?;
    let Some(json) = json else {
        return Ok(None);
    };
    let mut record: FeedbackRecord = serde_json::from_str(&json)?;
    let mut statement = conn.prepare_cached(
        "SELECT event_json FROM feedback_events WHERE feedback_id = ?1 ORDER BY seq",
    )?;
    let events = statement
        .query_map(params![id.to_string()], |row| row.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    record.feedback.timeline = events
        .iter()
        .map(|event| serde_json::from_str(event))
        .collect::<Result<_, _>>()?;
    Ok(Some(record))
}

fn load_ids(conn: &Connection, ids: Vec<String>) -> StoreResult<Vec<FeedbackRecord>> {
    let mut records = Vec::with_capacity(ids.len());
    for id in ids {
        let id = crate::store::stored::parse_uuid(&id)?;
        if let Some(record) = load_record(conn, id)? {
            records.push(record);
        }
    }
    Ok(records)
}

/// The feedback item `entity_id` of the change log, for a sync page.
pub(super) fn sync_item(
    conn: &Connection,
    entity_id: &str,
) -> StoreResult<Option<opendvc_api::Feedback>> {
    let id = crate::store::stored::parse_uuid(entity_id)?;
    Ok(load_record(conn, id)?.map(|record| record.feedback))
}

impl Database {
    pub(super) fn create_feedback(
        &self,
        record: &FeedbackRecord,
        photos: &[FeedbackPhotoFile],
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<FeedbackRecord> {
        self.write(|tx| {
            let id = record.feedback.id;
            write_row(tx, record, true)?;
            append_events(tx, id, &record.feedback.timeline)?;
            insert_photos(tx, id, photos)?;
            if let Some(citizen_id) = record.citizen_id {
                touch(tx, citizen_id, "feedback", &id.to_string())?;
            }
            store_response(tx, idempotency, &created_body(record)?)?;
            load_record(tx, id)?.ok_or_else(|| StoreError::Database("new feedback vanished".into()))
        })
    }

    pub(super) fn change_feedback(
        &self,
        id: Uuid,
        decide: FeedbackDecision,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<FeedbackRecord> {
        self.write(|tx| {
            let current = load_record(tx, id)?.ok_or_else(|| {
                StoreError::Refused(ApiError::not_found("No such feedback item."))
            })?;
            let change = decide(&current)?;
            let mut record = change.record;
            record.feedback.id = id;
            write_row(tx, &record, false)?;
            append_events(tx, id, &change.events)?;
            insert_photos(tx, id, &change.photos)?;
            for notice in &change.notices {
                insert_notice(tx, notice)?;
            }
            if let Some(citizen_id) = record.citizen_id {
                for item in &change.inbox {
                    insert_inbox(tx, citizen_id, item)?;
                }
                touch(tx, citizen_id, "feedback", &id.to_string())?;
            }
            let changed = load_record(tx, id)?
                .ok_or_else(|| StoreError::Database("changed feedback vanished".into()))?;
            store_response(tx, idempotency, &serde_json::to_string(&changed.feedback)?)?;
            Ok(changed)
        })
    }

    pub(super) fn citizen_feedback(&self, citizen_id: Uuid) -> StoreResult<Vec<FeedbackRecord>> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT id FROM feedback WHERE citizen_id = ?1 ORDER BY submitted_unix DESC, id DESC",
        )?;
        let ids = statement
            .query_map(params![citizen_id.to_string()], |row| {
                row.get::<_, String>(0)
            })?
            .collect::<Result<Vec<_>, _>>()?;
        load_ids(&conn, ids)
    }

    pub(super) fn feedback_photo(
        &self,
        feedback_id: Uuid,
        photo_id: &str,
    ) -> StoreResult<Option<FeedbackPhotoFile>> {
        let conn = self.reader();
        Ok(conn
            .query_row_cached(
                "SELECT photo_id, content_type, content FROM feedback_photos
                 WHERE feedback_id = ?1 AND photo_id = ?2",
                params![feedback_id.to_string(), photo_id],
                |row| {
                    Ok(FeedbackPhotoFile {
                        id: row.get(0)?,
                        content_type: row.get(1)?,
                        content: row.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    pub(super) fn feedback_queue(
        &self,
        filter: &FeedbackQueueFilter,
    ) -> StoreResult<FeedbackQueueRows> {
        let conn = self.reader();
        let conditions = "(?1 IS NULL OR agency_id = ?1)
             AND (?2 IS NULL OR unit_code = ?2)
             AND (?3 IS NULL OR status = ?3)
             AND (?4 IS NULL OR category = ?4)
             AND (?5 = 0 OR status <> 'closed')";
        let status = filter.status.map(status_str);
        let total: i64 = conn.query_row_cached(
            &format!("SELECT count(*) FROM feedback WHERE {conditions}"),
            params![
                filter.agency,
                filter.unit,
                status,
                filter.category,
                filter.open_only
            ],
            |row| row.get(0),
        )?;
        let (after_key, after_id) = filter
            .after
            .map_or((None, None), |(key, id)| (Some(key), Some(id.to_string())));
        let mut statement = conn.prepare_cached(&format!(
            "SELECT id FROM feedback WHERE {conditions}
               AND (?6 IS NULL OR queue_key > ?6 OR (queue_key = ?6 AND id > ?7))
             ORDER BY queue_key, id LIMIT ?8"
        ))?;
        let ids = statement
            .query_map(
                params![
                    filter.agency,
                    filter.unit,
                    status,
                    filter.category,
                    filter.open_only,
                    after_key,
                    after_id,
                    filter.limit
                ],
                |row| row.get::<_, String>(0),
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(FeedbackQueueRows {
            items: load_ids(&conn, ids)?,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    pub(super) fn public_feedback(
        &self,
        filter: &PublicFeedbackFilter,
    ) -> StoreResult<Vec<FeedbackRecord>> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT id FROM feedback
             WHERE submitted_unix >= ?1 AND submitted_unix <= ?2
               AND (?3 IS NULL OR category = ?3)
               AND (?4 IS NULL OR (?4 = 1) = (status = 'closed'))
             ORDER BY submitted_unix DESC, id DESC LIMIT ?5",
        )?;
        let ids = statement
            .query_map(
                params![
                    filter.from,
                    filter.to,
                    filter.category,
                    filter.closed,
                    filter.limit
                ],
                |row| row.get::<_, String>(0),
            )?
            .collect::<Result<Vec<_>, _>>()?;
        load_ids(&conn, ids)
    }

    pub(super) fn feedback_figures(
        &self,
        since: i64,
        now: i64,
    ) -> StoreResult<Vec<(String, FeedbackFigures)>> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT agency_id,
                    COALESCE(SUM(first_answered_unix IS NOT NULL AND first_answered_unix >= ?1
                                 AND first_answered_unix <= first_answer_due_unix), 0),
                    COALESCE(SUM(first_answered_unix IS NOT NULL AND first_answered_unix >= ?1
                                 AND first_answered_unix > first_answer_due_unix), 0),
                    COALESCE(SUM(answered_unix IS NULL AND status <> 'closed'), 0),
                    COALESCE(SUM(answered_unix IS NULL AND status <> 'closed'
                                 AND due_unix < ?2), 0)
             FROM feedback GROUP BY agency_id ORDER BY agency_id",
        )?;
        let rows = statement
            .query_map(params![since, now], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(figures(rows))
    }
}

#[async_trait]
impl FeedbackStore for SqliteStore {
    async fn create_feedback(
        &self,
        record: &FeedbackRecord,
        photos: &[FeedbackPhotoFile],
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<FeedbackRecord> {
        let (record, photos) = (record.clone(), photos.to_vec());
        self.blocking(move |db| db.create_feedback(&record, &photos, idempotency))
            .await
    }

    async fn feedback(&self, id: Uuid) -> StoreResult<Option<FeedbackRecord>> {
        self.blocking(move |db| load_record(&db.reader(), id)).await
    }

    async fn citizen_feedback(&self, citizen_id: Uuid) -> StoreResult<Vec<FeedbackRecord>> {
        self.blocking(move |db| db.citizen_feedback(citizen_id))
            .await
    }

    async fn change_feedback(
        &self,
        id: Uuid,
        decide: FeedbackDecision,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<FeedbackRecord> {
        self.blocking(move |db| db.change_feedback(id, decide, idempotency))
            .await
    }

    async fn feedback_photo(
        &self,
        feedback_id: Uuid,
        photo_id: &str,
    ) -> StoreResult<Option<FeedbackPhotoFile>> {
        let photo_id = photo_id.to_owned();
        self.blocking(move |db| db.feedback_photo(feedback_id, &photo_id))
            .await
    }

    async fn feedback_queue(&self, filter: &FeedbackQueueFilter) -> StoreResult<FeedbackQueueRows> {
        let filter = filter.clone();
        self.blocking(move |db| db.feedback_queue(&filter)).await
    }

    async fn public_feedback(
        &self,
        filter: &PublicFeedbackFilter,
    ) -> StoreResult<Vec<FeedbackRecord>> {
        let filter = filter.clone();
        self.blocking(move |db| db.public_feedback(&filter)).await
    }

    async fn feedback_figures(
        &self,
        since: i64,
        now: i64,
    ) -> StoreResult<Vec<(String, FeedbackFigures)>> {
        self.blocking(move |db| db.feedback_figures(since, now))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_sqlite_store_keeps_every_feedback_promise() {
        let dir = std::env::temp_dir().join(format!("opendvc-feedback-{}", Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let store = SqliteStore::open(&dir.join("portal.db")).expect("store opens");
        crate::store::feedback_contract::check_every_promise(&store).await;
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
