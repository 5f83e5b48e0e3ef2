//! `FeedbackWarningStore` on PostgreSQL. A stage is inserted `ON CONFLICT DO NOTHING`: one
//! another instance recorded (or is recording: the insert waits on the primary key) inserts
//! nothing, and the transaction rolls back without a message.

use async_trait::async_trait;
use opendvc_api::LateWarning;
use sqlx::Row;
use uuid::Uuid;

use super::PostgresStore;
use super::feedback::load_record;
use super::notifications::insert_notice;
use super::rows::{from_json, to_json};
use crate::store::StoreResult;
use crate::store::feedback::{FeedbackWarningStore, NewFeedbackWarning, WarningCandidate};

#[async_trait]
impl FeedbackWarningStore for PostgresStore {
    async fn feedback_warning_candidates(&self, now: i64) -> StoreResult<Vec<WarningCandidate>> {
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(
            "SELECT f.id, (SELECT string_agg(w.stage, ',') FROM feedback_warnings w
                           WHERE w.feedback_id = f.id) AS warned
             FROM feedback f WHERE f.next_warning_unix <= $1 AND f.status <> 'closed'
             ORDER BY f.next_warning_unix, f.id",
        )
        .bind(now)
        .fetch_all(&mut *conn)
        .await?;
        let mut candidates = Vec::with_capacity(rows.len());
        for row in rows {
            let id: Uuid = row.try_get("id")?;
            let warned: Option<String> = row.try_get("warned")?;
            if let Some(record) = load_record(&mut conn, id).await? {
                candidates.push(WarningCandidate {
                    record,
                    warned: warned
                        .unwrap_or_default()
                        .split(',')
                        .filter(|stage| !stage.is_empty())
                        .map(str::to_owned)
                        .collect(),
                });
            }
        }
        Ok(candidates)
    }

    async fn schedule_feedback_warning(
        &self,
        id: Uuid,
        queue_key: i64,
        next: i64,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE feedback SET next_warning_unix = $3 WHERE id = $1 AND queue_key = $2")
            .bind(id)
            .bind(queue_key)
            .bind(next)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn record_feedback_warning(&self, warning: &NewFeedbackWarning) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO feedback_warnings (feedback_id, stage, at, told, warning)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(warning.feedback_id)
        .bind(&warning.stage)
        .bind(warning.warning.at.to_rfc3339())
        .bind(to_json(&warning.told)?)
        .bind(to_json(&warning.warning)?)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(false);
        }
        for notice in &warning.notices {
            insert_notice(&mut tx, notice).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn feedback_warnings(&self, id: Uuid) -> StoreResult<Vec<LateWarning>> {
        let rows: Vec<serde_json::Value> = sqlx::query_scalar(
            "SELECT warning FROM feedback_warnings WHERE feedback_id = $1 ORDER BY at, stage",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(from_json).collect()
    }
}
