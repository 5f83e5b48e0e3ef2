//! `OutboxStore` on SQLite: the dev outbox of demo mode.

use opendvc_api::DevMessage;
use rusqlite::params;

use async_trait::async_trait;

use super::Cached;
use super::rows::parse_time;
use super::{Database, SqliteStore};
use crate::store::{OutboxStore, StoreResult};

impl Database {
    pub(super) fn record_messages(&self, messages: &[DevMessage]) -> StoreResult<()> {
        self.write(|tx| {
            for message in messages {
                tx.execute_cached(
                    "INSERT INTO dev_messages (recipient, channel, body, sent_at) VALUES (?1, ?2, ?3, ?4)",
                    params![message.to, message.channel, message.body, message.sent_at.to_rfc3339()],
                )?;
            }
            Ok(())
        })
    }

    pub(super) fn messages(&self) -> StoreResult<Vec<DevMessage>> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT recipient, channel, body, sent_at FROM dev_messages ORDER BY id",
        )?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(to, channel, body, sent_at)| {
                Ok(DevMessage {
                    to,
                    channel,
                    body,
                    sent_at: parse_time(&sent_at)?,
                })
            })
            .collect()
    }
}

#[async_trait]
impl OutboxStore for SqliteStore {
    async fn record_messages(&self, messages: &[DevMessage]) -> StoreResult<()> {
        let messages = messages.to_vec();
        self.blocking(move |db| db.record_messages(&messages)).await
    }

    async fn messages(&self) -> StoreResult<Vec<DevMessage>> {
        self.blocking(move |db| db.messages()).await
    }
}
