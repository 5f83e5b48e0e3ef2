//! `CitizenStore` on SQLite: citizens, their profiles and documents.

use chrono::{DateTime, FixedOffset};
use opendvc_api::{Document, DocumentReminders, InboxItem};
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use async_trait::async_trait;

use super::Cached;
use super::changes::{insert_inbox, touch};
use super::feedback::store_response;
use super::rows::load_citizen;
use super::{Database, SqliteStore};
use crate::store::{
    CitizenRecord, CitizenStore, IdempotencyRecord, ProfileUpdate, StoreError, StoreResult,
};

impl Database {
    pub(super) fn citizen_by_id_number(
        &self,
        id_number: &str,
    ) -> StoreResult<Option<CitizenRecord>> {
        load_citizen(&self.reader(), "id_number", id_number)
    }

    pub(super) fn documents(&self, citizen_id: Uuid) -> StoreResult<Vec<Document>> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT document_json FROM documents WHERE citizen_id = ?1 ORDER BY id",
        )?;
        let rows = statement
            .query_map(params![citizen_id.to_string()], |row| {
                row.get::<_, String>(0)
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.iter()
            .map(|json| serde_json::from_str(json).map_err(StoreError::from))
            .collect()
    }

    pub(super) fn seed_citizen(
        &self,
        citizen: &CitizenRecord,
        documents: &[Document],
        inbox: &[InboxItem],
    ) -> StoreResult<bool> {
        self.write(|tx| {
            let inserted = tx.execute_cached(
                "INSERT OR IGNORE INTO citizens (id, id_number, profile_json) VALUES (?1, ?2, ?3)",
                params![
                    citizen.id.to_string(),
                    citizen.profile.id_number,
                    serde_json::to_string(&citizen.profile)?
                ],
            )?;
            if inserted == 0 {
                return Ok(false);
            }
            touch(tx, citizen.id, "profile", &citizen.id.to_string())?;
            for document in documents {
                tx.execute_cached(
                    "INSERT OR IGNORE INTO documents (id, citizen_id, document_json)
                     VALUES (?1, ?2, ?3)",
                    params![
                        document.id.to_string(),
                        citizen.id.to_string(),
                        serde_json::to_string(document)?
                    ],
                )?;
                touch(tx, citizen.id, "document", &document.id.to_string())?;
            }
            for item in inbox {
                insert_inbox(tx, citizen.id, item)?;
            }
            Ok(true)
        })
    }

    pub(super) fn add_document(
        &self,
        citizen_id: Uuid,
        document: &Document,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<Document> {
        self.write(|tx| {
            let body = serde_json::to_string(document)?;
            tx.execute_cached(
                "INSERT INTO documents (id, citizen_id, document_json) VALUES (?1, ?2, ?3)",
                params![document.id.to_string(), citizen_id.to_string(), body],
            )?;
            touch(tx, citizen_id, "document", &document.id.to_string())?;
            store_response(tx, idempotency, &body)?;
            Ok(document.clone())
        })
    }

    /// The choice is kept on the document's record: the warehouse seeds a document once and
    /// never writes it again, so nothing overwrites it.
    pub(super) fn set_document_reminders(
        &self,
        citizen_id: Uuid,
        document_id: Uuid,
        reminders: DocumentReminders,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Option<Document>> {
        self.write(|tx| {
            let stored: Option<String> = tx
                .query_row_cached(
                    "SELECT document_json FROM documents WHERE id = ?1 AND citizen_id = ?2",
                    params![document_id.to_string(), citizen_id.to_string()],
                    |row| row.get(0),
                )
                .optional()?;
            let Some(stored) = stored else {
                return Ok(None);
            };
            let mut document: Document = serde_json::from_str(&stored)?;
            if document.reminders == reminders {
                return Ok(Some(document));
            }
            document.reminders = reminders;
            document.updated_at = now;
            tx.execute_cached(
                "UPDATE documents SET document_json = ?1 WHERE id = ?2",
                params![serde_json::to_string(&document)?, document_id.to_string()],
            )?;
            touch(tx, citizen_id, "document", &document_id.to_string())?;
            Ok(Some(document))
        })
    }

    /// One writer at a time (`BEGIN IMMEDIATE`): two changes at once are applied in turn.
    pub(super) fn update_profile(&self, update: &ProfileUpdate) -> StoreResult<()> {
        self.write(|tx| {
            let citizen = update.citizen_id.to_string();
            tx.execute_cached(
                "UPDATE citizens SET profile_json = ?1 WHERE id = ?2",
                params![serde_json::to_string(&update.profile)?, citizen],
            )?;
            tx.execute_cached(
                "INSERT INTO profile_changes (id, citizen_id, at, actor, fields_json)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    Uuid::now_v7().to_string(),
                    citizen,
                    update.at.timestamp(),
                    update.actor,
                    serde_json::to_string(&update.fields)?
                ],
            )?;
            touch(tx, update.citizen_id, "profile", &citizen)?;
            Ok(())
        })
    }
}

#[async_trait]
impl CitizenStore for SqliteStore {
    async fn citizen_by_id_number(&self, id_number: &str) -> StoreResult<Option<CitizenRecord>> {
        let id_number = id_number.to_owned();
        self.blocking(move |db| db.citizen_by_id_number(&id_number))
            .await
    }

    async fn citizen(&self, id: Uuid) -> StoreResult<Option<CitizenRecord>> {
        self.point_read(move |conn| load_citizen(conn, "id", &id.to_string()))
            .await
    }

    async fn documents(&self, citizen_id: Uuid) -> StoreResult<Vec<Document>> {
        self.blocking(move |db| db.documents(citizen_id)).await
    }

    async fn seed_citizen(
        &self,
        citizen: &CitizenRecord,
        documents: &[Document],
        inbox: &[InboxItem],
    ) -> StoreResult<bool> {
        let citizen = citizen.clone();
        let documents = documents.to_vec();
        let inbox = inbox.to_vec();
        self.blocking(move |db| db.seed_citizen(&citizen, &documents, &inbox))
            .await
    }

    async fn add_document(
        &self,
        citizen_id: Uuid,
        document: &Document,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<Document> {
        let document = document.clone();
        self.blocking(move |db| db.add_document(citizen_id, &document, idempotency))
            .await
    }

    async fn set_document_reminders(
        &self,
        citizen_id: Uuid,
        document_id: Uuid,
        reminders: DocumentReminders,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Option<Document>> {
        self.blocking(move |db| db.set_document_reminders(citizen_id, document_id, reminders, now))
            .await
    }

    async fn update_profile(&self, update: &ProfileUpdate) -> StoreResult<()> {
        let update = update.clone();
        self.blocking(move |db| db.update_profile(&update)).await
    }
}
