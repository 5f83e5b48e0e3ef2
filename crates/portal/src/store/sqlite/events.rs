//! `EventStore` on SQLite: the change log read as events.

use rusqlite::params;
use uuid::Uuid;

use async_trait::async_trait;

use super::Cached;
use super::rows::{change_row, finish_change_row};
use super::{Database, SqliteStore};
use crate::store::{ChangeRow, EventStore, StoreError, StoreResult};

impl Database {
    pub(super) fn latest_change(&self) -> StoreResult<i64> {
        let conn = self.reader();
        Ok(
            conn.query_row_cached("SELECT COALESCE(MAX(seq), 0) FROM change_log", [], |row| {
                row.get::<_, i64>(0)
            })?,
        )
    }

    pub(super) fn changes_after(&self, after: i64, limit: usize) -> StoreResult<Vec<ChangeRow>> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT seq, citizen_id, entity_kind, entity_id FROM change_log
             WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let limit = i64::try_from(limit).map_err(|e| StoreError::Database(e.to_string()))?;
        let rows = statement
            .query_map(params![after, limit], change_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(finish_change_row).collect()
    }

    pub(super) fn citizen_changes_after(
        &self,
        citizen_id: Uuid,
        after: i64,
        limit: usize,
    ) -> StoreResult<Vec<ChangeRow>> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT seq, citizen_id, entity_kind, entity_id FROM change_log
             WHERE citizen_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let limit = i64::try_from(limit).map_err(|e| StoreError::Database(e.to_string()))?;
        let rows = statement
            .query_map(params![citizen_id.to_string(), after, limit], change_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(finish_change_row).collect()
    }
}

#[async_trait]
impl EventStore for SqliteStore {
    async fn latest_change(&self) -> StoreResult<i64> {
        self.blocking(move |db| db.latest_change()).await
    }

    async fn changes_after(&self, after: i64, limit: usize) -> StoreResult<Vec<ChangeRow>> {
        self.blocking(move |db| db.changes_after(after, limit))
            .await
    }

    async fn citizen_changes_after(
        &self,
        citizen_id: Uuid,
        after: i64,
        limit: usize,
    ) -> StoreResult<Vec<ChangeRow>> {
        self.blocking(move |db| db.citizen_changes_after(citizen_id, after, limit))
            .await
    }
}
