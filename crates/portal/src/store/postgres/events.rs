//! `EventStore` on PostgreSQL: the change log read as events, documents with an expiry and
//! inbox items added once (renewal notices).

use async_trait::async_trait;
use opendvc_api::{Document, InboxItem};
use uuid::Uuid;

use super::PostgresStore;
use super::changes::insert_inbox;
use super::rows::from_json;
use crate::store::{ChangeRow, EventStore, StoreError, StoreResult};

fn page_size(limit: usize) -> StoreResult<i64> {
    i64::try_from(limit).map_err(|error| StoreError::Database(error.to_string()))
}

#[async_trait]
impl EventStore for PostgresStore {
    async fn latest_change(&self) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar!(r#"SELECT COALESCE(MAX(seq), 0) AS "seq!" FROM change_log"#)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn changes_after(&self, after: i64, limit: usize) -> StoreResult<Vec<ChangeRow>> {
        Ok(sqlx::query_as!(
            ChangeRow,
            "SELECT seq, citizen_id, entity_kind, entity_id FROM change_log
             WHERE seq > $1 ORDER BY seq LIMIT $2",
            after,
            page_size(limit)?
        )
        .fetch_all(&self.pool)
        .await?)
    }

    async fn citizen_changes_after(
        &self,
        citizen_id: Uuid,
        after: i64,
        limit: usize,
    ) -> StoreResult<Vec<ChangeRow>> {
        Ok(sqlx::query_as!(
            ChangeRow,
            "SELECT seq, citizen_id, entity_kind, entity_id FROM change_log
             WHERE citizen_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            citizen_id,
            after,
            page_size(limit)?
        )
        .fetch_all(&self.pool)
        .await?)
    }

    async fn documents_with_expiry(&self) -> StoreResult<Vec<(Uuid, Document)>> {
        sqlx::query!(
            "SELECT citizen_id, document FROM documents
             WHERE document->>'expiresOn' IS NOT NULL"
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|row| Ok((row.citizen_id, from_json(row.document)?)))
        .collect()
    }

    /// The item's id is its primary key: of two instances adding it at once, one adds it.
    async fn add_inbox_once(&self, citizen_id: Uuid, item: &InboxItem) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let added = insert_inbox(&mut tx, citizen_id, item).await?;
        tx.commit().await?;
        Ok(added)
    }
}
