//! `NotificationSettingsStore` on SQLite: one row per citizen who chose, the choice as JSON.

use async_trait::async_trait;
use opendvc_api::NotificationSettings;
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::Cached;
use super::{Database, SqliteStore};
use crate::store::{NotificationSettingsStore, StoreError, StoreResult};

impl Database {
    pub(super) fn notification_settings(
        conn: &Connection,
        citizen_id: Uuid,
    ) -> StoreResult<Option<NotificationSettings>> {
        let json: Option<String> = conn
            .prepare_cached(
                "SELECT settings_json FROM notification_settings WHERE citizen_id = ?1",
            )?
            .query_row(params![citizen_id.to_string()], |row| row.get(0))
            .optional()?;
        json.map(|json| serde_json::from_str(&json).map_err(StoreError::from))
            .transpose()
    }

    pub(super) fn put_notification_settings(
        &self,
        citizen_id: Uuid,
        settings: &NotificationSettings,
        now: i64,
    ) -> StoreResult<()> {
        let json = serde_json::to_string(settings)?;
        self.write(|tx| {
            tx.execute_cached(
                "INSERT INTO notification_settings (citizen_id, settings_json, updated_at)
                 VALUES (?1, ?2, ?3)
                 ON CONFLICT (citizen_id) DO UPDATE
                 SET settings_json = excluded.settings_json, updated_at = excluded.updated_at",
                params![citizen_id.to_string(), json, now],
            )?;
            Ok(())
        })
    }
}

#[async_trait]
impl NotificationSettingsStore for SqliteStore {
    async fn notification_settings(
        &self,
        citizen_id: Uuid,
    ) -> StoreResult<Option<NotificationSettings>> {
        self.point_read(move |conn| Database::notification_settings(conn, citizen_id))
            .await
    }

    async fn put_notification_settings(
        &self,
        citizen_id: Uuid,
        settings: &NotificationSettings,
        now: i64,
    ) -> StoreResult<()> {
        let settings = settings.clone();
        self.blocking(move |db| db.put_notification_settings(citizen_id, &settings, now))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{citizen, scratch};
    use super::*;

    #[test]
    fn a_citizen_who_never_chose_has_no_stored_settings_and_a_choice_replaces_the_last() {
        let scratch = scratch();
        let store = &scratch.store;
        let id = citizen(store);
        assert_eq!(
            Database::notification_settings(&store.reader(), id).expect("reads"),
            None,
            "no row before the citizen chose"
        );
        let mut first = NotificationSettings::default();
        first.status.sms = false;
        store
            .put_notification_settings(id, &first, 1)
            .expect("first choice stored");
        let mut second = first.clone();
        second.quiet_hours.enabled = false;
        store
            .put_notification_settings(id, &second, 2)
            .expect("second choice stored");
        assert_eq!(
            Database::notification_settings(&store.reader(), id).expect("reads"),
            Some(second),
            "the last choice is the one read back"
        );
    }
}
