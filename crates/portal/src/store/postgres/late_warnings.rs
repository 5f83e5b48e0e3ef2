//! `LateWarningStore` on PostgreSQL. A stage is inserted `ON CONFLICT DO NOTHING`: one another
//! instance recorded (or is recording: the insert waits on the primary key) inserts nothing,
//! and the transaction rolls back without a message.

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset};
use opendvc_api::LateWarning;
use sqlx::Row;
use uuid::Uuid;

use super::PostgresStore;
use super::changes::{insert_inbox, touch};
use super::notifications::insert_notice;
use super::rows::{from_json, to_json};
use crate::store::late_warnings::{parse_stage, stage_str};
use crate::store::stored::{parse_status, parse_time};
use crate::store::{
    FINISHED, LateCandidate, LateWarningStore, NewLateWarning, StaffRecord, StoreResult,
};

#[async_trait]
impl LateWarningStore for PostgresStore {
    async fn late_candidates(
        &self,
        due_before: DateTime<FixedOffset>,
    ) -> StoreResult<Vec<LateCandidate>> {
        let finished: Vec<String> = FINISHED
            .iter()
            .map(|status| status.as_str().to_owned())
            .collect();
        let rows = sqlx::query(
            "SELECT a.id, a.code, a.citizen_id, a.procedure_id, a.status, a.unit_code,
                    a.assigned_to, a.due_at,
                    (SELECT string_agg(w.stage, ',') FROM late_warnings w
                     WHERE w.application_id = a.id) AS warned
             FROM applications a
             WHERE a.due_at < $1 AND NOT (a.status = ANY($2))
             ORDER BY a.due_at, a.id",
        )
        .bind(opendvc_rules::time::in_vietnam(due_before).to_rfc3339())
        .bind(&finished)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(LateCandidate {
                    id: row.try_get("id")?,
                    code: row.try_get("code")?,
                    citizen_id: row.try_get("citizen_id")?,
                    procedure_id: row.try_get("procedure_id")?,
                    status: parse_status(&row.try_get::<String, _>("status")?)?,
                    unit_code: row.try_get("unit_code")?,
                    assigned_to: row.try_get("assigned_to")?,
                    due_at: parse_time(&row.try_get::<String, _>("due_at")?)?,
                    warned: row
                        .try_get::<Option<String>, _>("warned")?
                        .unwrap_or_default()
                        .split(',')
                        .filter_map(parse_stage)
                        .collect(),
                })
            })
            .collect()
    }

    async fn record_late_warning(&self, warning: &NewLateWarning) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO late_warnings (application_id, stage, at, told, warning)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(warning.application_id)
        .bind(stage_str(warning.warning.stage))
        .bind(warning.warning.at.to_rfc3339())
        .bind(to_json(&warning.told)?)
        .bind(to_json(&warning.warning)?)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        for notice in &warning.notices {
            insert_notice(&mut tx, notice).await?;
        }
        if let Some(item) = &warning.inbox {
            insert_inbox(&mut tx, warning.citizen_id, item).await?;
            touch(
                &mut tx,
                warning.citizen_id,
                "application",
                &warning.application_id.to_string(),
            )
            .await?;
        }
        tx.commit().await?;
        self.sequencer.committed();
        Ok(true)
    }

    async fn warnings_of(&self, id: Uuid) -> StoreResult<Vec<LateWarning>> {
        let rows =
            sqlx::query("SELECT warning FROM late_warnings WHERE application_id = $1 ORDER BY at")
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|row| from_json(row.try_get::<serde_json::Value, _>("warning")?))
            .collect()
    }

    async fn supervisors_of(&self, agency: &str) -> StoreResult<Vec<StaffRecord>> {
        super::officer::staff_of(&self.pool, "supervisor", Some(agency)).await
    }

    async fn city_supervisors(&self) -> StoreResult<Vec<StaffRecord>> {
        super::officer::staff_of(&self.pool, "supervisor", None).await
    }
}
