//! `FeedbackWarningStore` on SQLite: a stage is looked for and inserted in the one writer's
//! transaction, so it is recorded, with its messages, once.

use async_trait::async_trait;
use opendvc_api::LateWarning;
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::Cached;
use super::feedback::load_record;
use super::notifications::insert_notice;
use super::{Database, SqliteStore};
use crate::store::feedback::{FeedbackWarningStore, NewFeedbackWarning, WarningCandidate};
use crate::store::stored::parse_uuid;
use crate::store::{StoreError, StoreResult};

impl Database {
    fn feedback_warning_candidates(&self, now: i64) -> StoreResult<Vec<WarningCandidate>> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT f.id, (SELECT group_concat(w.stage, ',') FROM feedback_warnings w
                           WHERE w.feedback_id = f.id)
             FROM feedback f WHERE f.next_warning_unix <= ?1 AND f.status <> 'closed'
             ORDER BY f.next_warning_unix, f.id",
        )?;
        let rows = statement
            .query_map(params![now], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut candidates = Vec::with_capacity(rows.len());
        for (id, warned) in rows {
            if let Some(record) = load_record(&conn, parse_uuid(&id)?)? {
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

    fn schedule_feedback_warning(&self, id: Uuid, queue_key: i64, next: i64) -> StoreResult<()> {
        self.write(|tx| {
            tx.execute_cached(
                "UPDATE feedback SET next_warning_unix = ?3 WHERE id = ?1 AND queue_key = ?2",
                params![id.to_string(), queue_key, next],
            )?;
            Ok(())
        })
    }

    fn record_feedback_warning(&self, warning: &NewFeedbackWarning) -> StoreResult<bool> {
        self.write(|tx| {
            let known = tx
                .query_row_cached(
                    "SELECT 1 FROM feedback_warnings WHERE feedback_id = ?1 AND stage = ?2",
                    params![warning.feedback_id.to_string(), warning.stage],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if known {
                return Ok(false);
            }
            tx.execute_cached(
                "INSERT INTO feedback_warnings (feedback_id, stage, at, told_json, warning_json)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    warning.feedback_id.to_string(),
                    warning.stage,
                    warning.warning.at.to_rfc3339(),
                    serde_json::to_string(&warning.told)?,
                    serde_json::to_string(&warning.warning)?
                ],
            )?;
            for notice in &warning.notices {
                insert_notice(tx, notice)?;
            }
            Ok(true)
        })
    }

    fn feedback_warnings(&self, id: Uuid) -> StoreResult<Vec<LateWarning>> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT warning_json FROM feedback_warnings WHERE feedback_id = ?1 ORDER BY at, stage",
        )?;
        let rows = statement
            .query_map(params![id.to_string()], |row| row.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.iter()
            .map(|json| serde_json::from_str(json).map_err(StoreError::from))
            .collect()
    }
}

#[async_trait]
impl FeedbackWarningStore for SqliteStore {
    async fn feedback_warning_candidates(&self, now: i64) -> StoreResult<Vec<WarningCandidate>> {
        self.blocking(move |db| db.feedback_warning_candidates(now))
            .await
    }

    async fn schedule_feedback_warning(
        &self,
        id: Uuid,
        queue_key: i64,
        next: i64,
    ) -> StoreResult<()> {
        self.blocking(move |db| db.schedule_feedback_warning(id, queue_key, next))
            .await
    }

    async fn record_feedback_warning(&self, warning: &NewFeedbackWarning) -> StoreResult<bool> {
        let warning = warning.clone();
        self.blocking(move |db| db.record_feedback_warning(&warning))
            .await
    }

    async fn feedback_warnings(&self, id: Uuid) -> StoreResult<Vec<LateWarning>> {
        self.blocking(move |db| db.feedback_warnings(id)).await
    }
}
