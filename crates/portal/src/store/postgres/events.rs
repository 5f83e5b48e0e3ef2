//! `EventStore` on PostgreSQL: the change log read as events, by position; each read runs the
//! sequencer first, so it sees every change committed before it (`changes.rs`).

use async_trait::async_trait;
use uuid::Uuid;

use super::{PostgresStore, changes};
use crate::store::{ChangeRow, EventStore, StoreError, StoreResult};

fn page_size(limit: usize) -> StoreResult<i64> {
    i64::try_from(limit).map_err(|error| StoreError::Database(error.to_string()))
}

#[async_trait]
impl EventStore for PostgresStore {
    async fn latest_change(&self) -> StoreResult<i64> {
        Ok(
            // The sequence, not the highest visible position: a row touched again loses its
            // position until sequenced, and positions given out must stay at or below this.
            sqlx::query_scalar!(
                r#"SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END AS "seq!"
                   FROM change_log_position"#
            )
            .fetch_one(&self.pool)
            .await?,
        )
    }

    async fn changes_after(&self, after: i64, limit: usize) -> StoreResult<Vec<ChangeRow>> {
        changes::sequence(&self.pool).await?;
        Ok(sqlx::query_as!(
            ChangeRow,
            r#"SELECT position AS "seq!", citizen_id, entity_kind, entity_id FROM change_log
             WHERE position > $1 ORDER BY position LIMIT $2"#,
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
        changes::sequence(&self.pool).await?;
        Ok(sqlx::query_as!(
            ChangeRow,
            r#"SELECT position AS "seq!", citizen_id, entity_kind, entity_id FROM change_log
             WHERE citizen_id = $1 AND position > $2 ORDER BY position LIMIT $3"#,
            citizen_id,
            after,
            page_size(limit)?
        )
        .fetch_all(&self.pool)
        .await?)
    }
}
