//! `EventStore` on PostgreSQL: the change log read as events.

use async_trait::async_trait;
use uuid::Uuid;

use super::PostgresStore;
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
}
