//! `OutboxStore` on PostgreSQL: the dev outbox of demo mode.

use async_trait::async_trait;
use opendvc_api::DevMessage;

use super::PostgresStore;
use crate::store::stored::parse_time;
use crate::store::{OutboxStore, StoreResult};

#[async_trait]
impl OutboxStore for PostgresStore {
    async fn record_messages(&self, messages: &[DevMessage]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        for message in messages {
            sqlx::query!(
                "INSERT INTO dev_messages (recipient, channel, body, sent_at) VALUES ($1, $2, $3, $4)",
                message.to,
                message.channel,
                message.body,
                message.sent_at.to_rfc3339()
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn messages(&self) -> StoreResult<Vec<DevMessage>> {
        sqlx::query!("SELECT recipient, channel, body, sent_at FROM dev_messages ORDER BY id")
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|row| {
                Ok(DevMessage {
                    to: row.recipient,
                    channel: row.channel,
                    body: row.body,
                    sent_at: parse_time(&row.sent_at)?,
                })
            })
            .collect()
    }
}
