//! `FeedbackStore` on PostgreSQL. A change locks the item's row `FOR UPDATE` before it reads
//! it, so two changes of one item (an answer and a reopening) run one after the other; an
//! idempotency key is stored `ON CONFLICT DO NOTHING`, the loser rolls back.

use async_trait::async_trait;
use opendvc_api::{ErrorCode, FeedbackEvent, FeedbackFigures};
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use super::PostgresStore;
use super::changes::{insert_inbox, touch};
use super::notifications::insert_notice;
use super::rows::{from_json, to_json};
use crate::error::ApiError;
use crate::store::feedback::{
    FeedbackDecision, FeedbackPhotoFile, FeedbackQueueFilter, FeedbackQueueRows, FeedbackRecord,
    FeedbackStore, PublicFeedbackFilter, created_body, figures, record_json, status_str,
};
use crate::store::{IdempotencyRecord, StoreError, StoreResult};

async fn write_row(
    conn: &mut PgConnection,
    record: &FeedbackRecord,
    insert: bool,
) -> StoreResult<()> {
    let feedback = &record.feedback;
    let sql = if insert {
        "INSERT INTO feedback (id, citizen_id, category, status, agency_id, unit_code,
            assigned_to, submitted_unix, due_unix, answered_unix, first_answered_unix,
            first_answer_due_unix, queue_key, record)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10,
            CASE WHEN $10::bigint IS NULL THEN NULL ELSE $9 END, $11, $12)"
    } else {
        "UPDATE feedback SET citizen_id = $2, category = $3, status = $4, agency_id = $5,
            unit_code = $6, assigned_to = $7, submitted_unix = $8, due_unix = $9,
            answered_unix = $10, first_answered_unix = COALESCE(first_answered_unix, $10),
            first_answer_due_unix = CASE WHEN first_answered_unix IS NOT NULL
                THEN first_answer_due_unix WHEN $10::bigint IS NULL THEN NULL ELSE $9 END,
            queue_key = $11, record = $12, next_warning_unix = 0
         WHERE id = $1"
    };
    sqlx::query(sql)
        .bind(feedback.id)
        .bind(record.citizen_id)
        .bind(&feedback.category)
        .bind(status_str(feedback.status))
        .bind(&record.agency_id)
        .bind(&record.unit_code)
        .bind(&record.assigned_to)
        .bind(feedback.submitted_at.timestamp())
        .bind(feedback.due_at.timestamp())
        .bind(feedback.answered_at.map(|at| at.timestamp()))
        .bind(record.queue_key())
        .bind(record_json(record)?)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn append_events(
    conn: &mut PgConnection,
    id: Uuid,
    events: &[FeedbackEvent],
) -> StoreResult<()> {
    for event in events {
        let seq: i32 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM feedback_events WHERE feedback_id = $1",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
        let event = FeedbackEvent {
            seq: u32::try_from(seq).map_err(|e| StoreError::Database(e.to_string()))?,
            ..event.clone()
        };
        sqlx::query("INSERT INTO feedback_events (feedback_id, seq, event) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(seq)
            .bind(to_json(&event)?)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn insert_photos(
    conn: &mut PgConnection,
    id: Uuid,
    photos: &[FeedbackPhotoFile],
) -> StoreResult<()> {
    for photo in photos {
        sqlx::query(
            "INSERT INTO feedback_photos (feedback_id, photo_id, content_type, content)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(&photo.id)
        .bind(&photo.content_type)
        .bind(&photo.content)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Stores the idempotency answer `body` with the change, in its transaction.
pub(super) async fn store_response(
    conn: &mut PgConnection,
    idempotency: Option<IdempotencyRecord>,
    body: &str,
) -> StoreResult<()> {
    let Some(record) = idempotency else {
        return Ok(());
    };
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (scope, request_hash, status, body, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (scope) DO NOTHING",
    )
    .bind(&record.scope)
    .bind(&record.request_hash)
    .bind(i32::from(record.status))
    .bind(body)
    .bind(record.created_at)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Err(StoreError::Refused(ApiError::new(
            ErrorCode::IdempotencyInFlight,
            "A request with this Idempotency-Key was processed meanwhile; resend to get its answer.",
        )));
    }
    Ok(())
}

pub(super) async fn load_record(
    conn: &mut PgConnection,
    id: Uuid,
) -> StoreResult<Option<FeedbackRecord>> {
    let json: Option<serde_json::Value> =
        sqlx::query_scalar("SELECT record FROM feedback WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(json) = json else {
        return Ok(None);
    };
    let mut record: FeedbackRecord = from_json(json)?;
    let events: Vec<serde_json::Value> =
        sqlx::query_scalar("SELECT event FROM feedback_events WHERE feedback_id = $1 ORDER BY seq")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    record.feedback.timeline = events
        .into_iter()
        .map(from_json)
        .collect::<StoreResult<_>>()?;
    Ok(Some(record))
}

async fn load_ids(conn: &mut PgConnection, ids: Vec<Uuid>) -> StoreResult<Vec<FeedbackRecord>> {
    let mut records = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(record) = load_record(conn, id).await? {
            records.push(record);
        }
    }
    Ok(records)
}

/// The feedback item `id` of the change log, for a sync page.
pub(super) async fn sync_item(
    conn: &mut PgConnection,
    id: Uuid,
) -> StoreResult<Option<opendvc_api::Feedback>> {
    Ok(load_record(conn, id).await?.map(|record| record.feedback))
}

/// The queue's filter, `$1` to `$5` (a macro, so the statements stay static strings).
macro_rules! queue_conditions {
    () => {
        "($1::text IS NULL OR agency_id = $1)
         AND ($2::text IS NULL OR unit_code = $2)
         AND ($3::text IS NULL OR status = $3)
         AND ($4::text IS NULL OR category = $4)
         AND (NOT $5 OR status <> 'closed')"
    };
}

#[async_trait]
impl FeedbackStore for PostgresStore {
    async fn create_feedback(
        &self,
        record: &FeedbackRecord,
        photos: &[FeedbackPhotoFile],
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<FeedbackRecord> {
        let id = record.feedback.id;
        let mut tx = self.pool.begin().await?;
        write_row(&mut tx, record, true).await?;
        append_events(&mut tx, id, &record.feedback.timeline).await?;
        insert_photos(&mut tx, id, photos).await?;
        if let Some(citizen_id) = record.citizen_id {
            touch(&mut tx, citizen_id, "feedback", &id.to_string()).await?;
        }
        store_response(&mut tx, idempotency, &created_body(record)?).await?;
        let created = load_record(&mut tx, id)
            .await?
            .ok_or_else(|| StoreError::Database("new feedback vanished".into()))?;
        tx.commit().await?;
        self.sequencer.committed();
        Ok(created)
    }

    async fn feedback(&self, id: Uuid) -> StoreResult<Option<FeedbackRecord>> {
        load_record(&mut *self.pool.acquire().await?, id).await
    }

    async fn citizen_feedback(&self, citizen_id: Uuid) -> StoreResult<Vec<FeedbackRecord>> {
        let mut conn = self.pool.acquire().await?;
        let ids: Vec<Uuid> = sqlx::query_scalar(
            "SELECT id FROM feedback WHERE citizen_id = $1
             ORDER BY submitted_unix DESC, id DESC",
        )
        .bind(citizen_id)
        .fetch_all(&mut *conn)
        .await?;
        load_ids(&mut conn, ids).await
    }

    async fn change_feedback(
        &self,
        id: Uuid,
        decide: FeedbackDecision,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<FeedbackRecord> {
        let not_found = || StoreError::Refused(ApiError::not_found("No such feedback item."));
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT id FROM feedback WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(not_found)?;
        let current = load_record(&mut tx, id).await?.ok_or_else(not_found)?;
        let change = decide(&current)?;
        let mut record = change.record;
        record.feedback.id = id;
        write_row(&mut tx, &record, false).await?;
        append_events(&mut tx, id, &change.events).await?;
        insert_photos(&mut tx, id, &change.photos).await?;
        for notice in &change.notices {
            insert_notice(&mut tx, notice).await?;
        }
        if let Some(citizen_id) = record.citizen_id {
            for item in &change.inbox {
                insert_inbox(&mut tx, citizen_id, item).await?;
            }
            touch(&mut tx, citizen_id, "feedback", &id.to_string()).await?;
        }
        let changed = load_record(&mut tx, id)
            .await?
            .ok_or_else(|| StoreError::Database("changed feedback vanished".into()))?;
        store_response(
            &mut tx,
            idempotency,
            &serde_json::to_string(&changed.feedback)?,
        )
        .await?;
        tx.commit().await?;
        self.sequencer.committed();
        Ok(changed)
    }

    async fn feedback_photo(
        &self,
        feedback_id: Uuid,
        photo_id: &str,
    ) -> StoreResult<Option<FeedbackPhotoFile>> {
        let row = sqlx::query(
            "SELECT photo_id, content_type, content FROM feedback_photos
             WHERE feedback_id = $1 AND photo_id = $2",
        )
        .bind(feedback_id)
        .bind(photo_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(FeedbackPhotoFile {
                id: row.try_get("photo_id")?,
                content_type: row.try_get("content_type")?,
                content: row.try_get("content")?,
            })
        })
        .transpose()
    }

    async fn feedback_queue(&self, filter: &FeedbackQueueFilter) -> StoreResult<FeedbackQueueRows> {
        let mut conn = self.pool.acquire().await?;
        let status = filter.status.map(status_str);
        let total: i64 = sqlx::query_scalar(concat!(
            "SELECT count(*) FROM feedback WHERE ",
            queue_conditions!()
        ))
        .bind(&filter.agency)
        .bind(&filter.unit)
        .bind(status)
        .bind(&filter.category)
        .bind(filter.open_only)
        .fetch_one(&mut *conn)
        .await?;
        let (after_key, after_id) = filter
            .after
            .map_or((None, None), |(key, id)| (Some(key), Some(id)));
        let ids: Vec<Uuid> = sqlx::query_scalar(concat!(
            "SELECT id FROM feedback WHERE ",
            queue_conditions!(),
            " AND ($6::bigint IS NULL OR (queue_key, id) > ($6, $7::uuid))
             ORDER BY queue_key, id LIMIT $8"
        ))
        .bind(&filter.agency)
        .bind(&filter.unit)
        .bind(status)
        .bind(&filter.category)
        .bind(filter.open_only)
        .bind(after_key)
        .bind(after_id)
        .bind(i64::from(filter.limit))
        .fetch_all(&mut *conn)
        .await?;
        Ok(FeedbackQueueRows {
            items: load_ids(&mut conn, ids).await?,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    async fn public_feedback(
        &self,
        filter: &PublicFeedbackFilter,
    ) -> StoreResult<Vec<FeedbackRecord>> {
        let mut conn = self.pool.acquire().await?;
        let ids: Vec<Uuid> = sqlx::query_scalar(
            "SELECT id FROM feedback
             WHERE submitted_unix >= $1 AND submitted_unix <= $2
               AND ($3::text IS NULL OR category = $3)
               AND ($4::boolean IS NULL OR $4 = (status = 'closed'))
             ORDER BY submitted_unix DESC, id DESC LIMIT $5",
        )
        .bind(filter.from)
        .bind(filter.to)
        .bind(&filter.category)
        .bind(filter.closed)
        .bind(i64::from(filter.limit))
        .fetch_all(&mut *conn)
        .await?;
        load_ids(&mut conn, ids).await
    }

    async fn feedback_figures(
        &self,
        since: i64,
        now: i64,
    ) -> StoreResult<Vec<(String, FeedbackFigures)>> {
        let rows = sqlx::query(
            "SELECT agency_id,
                    count(*) FILTER (WHERE first_answered_unix >= $1
                                     AND first_answered_unix <= first_answer_due_unix)
                        AS on_time,
                    count(*) FILTER (WHERE first_answered_unix >= $1
                                     AND first_answered_unix > first_answer_due_unix)
                        AS late,
                    count(*) FILTER (WHERE answered_unix IS NULL AND status <> 'closed')
                        AS open,
                    count(*) FILTER (WHERE answered_unix IS NULL AND status <> 'closed'
                                     AND due_unix < $2) AS overdue
             FROM feedback GROUP BY agency_id ORDER BY agency_id",
        )
        .bind(since)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        let rows = rows
            .into_iter()
            .map(|row| {
                Ok((
                    row.try_get("agency_id")?,
                    row.try_get("on_time")?,
                    row.try_get("late")?,
                    row.try_get("open")?,
                    row.try_get("overdue")?,
                ))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(figures(rows))
    }
}
