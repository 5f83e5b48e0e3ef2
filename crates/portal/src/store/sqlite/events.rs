//! `EventStore` on SQLite: the change log read as events, documents with an expiry and
//! inbox items added once (renewal notices).

use opendvc_api::{Document, InboxItem};
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use async_trait::async_trait;

use super::changes::insert_inbox;
use super::rows::{change_row, finish_change_row, parse_uuid};
use super::{Database, SqliteStore};
use crate::store::{ChangeRow, EventStore, StoreError, StoreResult};

impl Database {
    pub(super) fn latest_change(&self) -> StoreResult<i64> {
        let conn = self.reader();
        Ok(
            conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM change_log", [], |row| {
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

    pub(super) fn documents_with_expiry(&self) -> StoreResult<Vec<(Uuid, Document)>> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT citizen_id, document_json FROM documents
             WHERE json_extract(document_json, '$.expiresOn') IS NOT NULL",
        )?;
        let rows = statement
            .query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(citizen, json)| Ok((parse_uuid(&citizen)?, serde_json::from_str(&json)?)))
            .collect()
    }

    pub(super) fn add_inbox_once(&self, citizen_id: Uuid, item: &InboxItem) -> StoreResult<bool> {
        self.write(|tx| {
            let exists = tx
                .query_row(
                    "SELECT 1 FROM inbox_items WHERE id = ?1",
                    params![item.id.to_string()],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if exists {
                return Ok(false);
            }
            insert_inbox(tx, citizen_id, item)?;
            Ok(true)
        })
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

    async fn documents_with_expiry(&self) -> StoreResult<Vec<(Uuid, Document)>> {
        self.blocking(move |db| db.documents_with_expiry()).await
    }

    async fn add_inbox_once(&self, citizen_id: Uuid, item: &InboxItem) -> StoreResult<bool> {
        let item = item.clone();
        self.blocking(move |db| db.add_inbox_once(citizen_id, &item))
            .await
    }
}
