//! `NotificationSettingsStore` on PostgreSQL: one row per citizen who chose, the choice as
//! `jsonb`.

use async_trait::async_trait;
use opendvc_api::NotificationSettings;
use uuid::Uuid;

use super::PostgresStore;
use super::rows::{from_json, to_json};
use crate::store::{NotificationSettingsStore, StoreResult};

#[async_trait]
impl NotificationSettingsStore for PostgresStore {
    async fn notification_settings(
        &self,
        citizen_id: Uuid,
    ) -> StoreResult<Option<NotificationSettings>> {
        sqlx::query_scalar!(
            "SELECT settings FROM notification_settings WHERE citizen_id = $1",
            citizen_id
        )
        .fetch_optional(&self.pool)
        .await?
        .map(from_json)
        .transpose()
    }

    /// One upsert: two writes at once both land, the later commit's choice stays.
    async fn put_notification_settings(
        &self,
        citizen_id: Uuid,
        settings: &NotificationSettings,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO notification_settings (citizen_id, settings, updated_at)
             VALUES ($1, $2, $3)
             ON CONFLICT (citizen_id) DO UPDATE
             SET settings = excluded.settings, updated_at = excluded.updated_at",
            citizen_id,
            to_json(settings)?,
            now
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
