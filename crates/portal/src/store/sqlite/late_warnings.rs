//! `LateWarningStore` on SQLite.

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset};
use opendvc_api::LateWarning;
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::Cached;
use super::changes::{insert_inbox, touch};
use super::notifications::insert_notice;
use super::rows::{parse_status, parse_time, parse_uuid};
use super::{Database, SqliteStore};
use crate::store::late_warnings::{parse_stage, stage_str};
use crate::store::{
    FINISHED, LateCandidate, LateWarningStore, NewLateWarning, StaffRecord, StoreResult,
};

impl Database {
    fn late_candidates(
        &self,
        due_before: DateTime<FixedOffset>,
    ) -> StoreResult<Vec<LateCandidate>> {
        let finished: Vec<String> = FINISHED
            .iter()
            .map(|status| format!("'{}'", status.as_str()))
            .collect();
        let conn = self.reader();
        let mut statement = conn.prepare_cached(&format!(
            "SELECT a.id, a.code, a.citizen_id, a.procedure_id, a.status, a.unit_code,
                    a.assigned_to, a.due_at,
                    (SELECT group_concat(w.stage) FROM late_warnings w WHERE w.application_id = a.id)
             FROM applications a
             WHERE a.due_at < ?1 AND a.status NOT IN ({})
             ORDER BY a.due_at, a.id",
            finished.join(", ")
        ))?;
        let rows = statement
            .query_map(
                params![opendvc_rules::time::in_vietnam(due_before).to_rfc3339()],
                |row| {
                    Ok((
                        (
                            row.get::<_, String>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, String>(2)?,
                            row.get::<_, String>(3)?,
                        ),
                        (
                            row.get::<_, String>(4)?,
                            row.get::<_, Option<String>>(5)?,
                            row.get::<_, Option<String>>(6)?,
                            row.get::<_, String>(7)?,
                            row.get::<_, Option<String>>(8)?,
                        ),
                    ))
                },
            )?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(
                |(
                    (id, code, citizen_id, procedure_id),
                    (status, unit_code, assigned_to, due_at, warned),
                )| {
                    Ok(LateCandidate {
                        id: parse_uuid(&id)?,
                        code,
                        citizen_id: parse_uuid(&citizen_id)?,
                        procedure_id,
                        status: parse_status(&status)?,
                        unit_code,
                        assigned_to,
                        due_at: parse_time(&due_at)?,
                        warned: warned
                            .unwrap_or_default()
                            .split(',')
                            .filter_map(parse_stage)
                            .collect(),
                    })
                },
            )
            .collect()
    }

    fn record_late_warning(&self, warning: &NewLateWarning) -> StoreResult<bool> {
        self.write(|tx| {
            let stage = stage_str(warning.warning.stage);
            let known = tx
                .query_row_cached(
                    "SELECT 1 FROM late_warnings WHERE application_id = ?1 AND stage = ?2",
                    params![warning.application_id.to_string(), stage],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if known {
                return Ok(false);
            }
            tx.execute_cached(
                "INSERT INTO late_warnings (application_id, stage, at, told_json, warning_json)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    warning.application_id.to_string(),
                    stage,
                    warning.warning.at.to_rfc3339(),
                    serde_json::to_string(&warning.told)?,
                    serde_json::to_string(&warning.warning)?
                ],
            )?;
            for notice in &warning.notices {
                insert_notice(tx, notice)?;
            }
            if let Some(item) = &warning.inbox {
                insert_inbox(tx, warning.citizen_id, item)?;
                touch(
                    tx,
                    warning.citizen_id,
                    "application",
                    &warning.application_id.to_string(),
                )?;
            }
            Ok(true)
        })
    }

    pub(super) fn warnings_of(&self, id: Uuid) -> StoreResult<Vec<LateWarning>> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT warning_json FROM late_warnings WHERE application_id = ?1 ORDER BY at",
        )?;
        let rows = statement
            .query_map(params![id.to_string()], |row| row.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.iter()
            .map(|json| Ok(serde_json::from_str(json)?))
            .collect()
    }
}

#[async_trait]
impl LateWarningStore for SqliteStore {
    async fn late_candidates(
        &self,
        due_before: DateTime<FixedOffset>,
    ) -> StoreResult<Vec<LateCandidate>> {
        self.blocking(move |db| db.late_candidates(due_before))
            .await
    }

    async fn record_late_warning(&self, warning: &NewLateWarning) -> StoreResult<bool> {
        let warning = warning.clone();
        self.blocking(move |db| db.record_late_warning(&warning))
            .await
    }

    async fn warnings_of(&self, id: Uuid) -> StoreResult<Vec<LateWarning>> {
        self.blocking(move |db| db.warnings_of(id)).await
    }

    async fn supervisors_of(&self, agency: &str) -> StoreResult<Vec<StaffRecord>> {
        let agency = agency.to_owned();
        self.blocking(move |db| db.staff_of("supervisor", Some(&agency)))
            .await
    }

    async fn city_supervisors(&self) -> StoreResult<Vec<StaffRecord>> {
        self.blocking(|db| db.staff_of("supervisor", None)).await
    }
}
