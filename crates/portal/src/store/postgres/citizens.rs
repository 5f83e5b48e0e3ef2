//! `CitizenStore` on PostgreSQL: citizens, their profiles and documents.

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset};
use opendvc_api::{Document, DocumentReminders, InboxItem};
use uuid::Uuid;

use super::PostgresStore;
use super::changes::{insert_inbox, touch};
use super::feedback::store_response;
use super::rows::{from_json, load_citizen_by_id, load_citizen_by_id_number, to_json};
use crate::store::{CitizenRecord, CitizenStore, IdempotencyRecord, ProfileUpdate, StoreResult};

#[async_trait]
impl CitizenStore for PostgresStore {
    async fn citizen_by_id_number(&self, id_number: &str) -> StoreResult<Option<CitizenRecord>> {
        load_citizen_by_id_number(&mut *self.pool.acquire().await?, id_number).await
    }

    async fn citizen(&self, id: Uuid) -> StoreResult<Option<CitizenRecord>> {
        load_citizen_by_id(&mut *self.pool.acquire().await?, id).await
    }

    async fn documents(&self, citizen_id: Uuid) -> StoreResult<Vec<Document>> {
        sqlx::query_scalar!(
            "SELECT document FROM documents WHERE citizen_id = $1 ORDER BY id",
            citizen_id
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(from_json)
        .collect()
    }

    /// Instances seeding at once: the insert of the citizen waits on the other's uncommitted
    /// row (the primary key and the ID number are unique) and then inserts nothing.
    async fn seed_citizen(
        &self,
        citizen: &CitizenRecord,
        documents: &[Document],
        inbox: &[InboxItem],
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query!(
            "INSERT INTO citizens (id, id_number, profile) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            citizen.id,
            citizen.profile.id_number,
            to_json(&citizen.profile)?
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(false);
        }
        for document in documents {
            sqlx::query!(
                "INSERT INTO documents (id, citizen_id, document) VALUES ($1, $2, $3)
                 ON CONFLICT (id) DO NOTHING",
                document.id,
                citizen.id,
                to_json(document)?
            )
            .execute(&mut *tx)
            .await?;
        }
        touch(&mut tx, citizen.id, "profile", &citizen.id.to_string()).await?;
        for document in documents {
            touch(&mut tx, citizen.id, "document", &document.id.to_string()).await?;
        }
        for item in inbox {
            insert_inbox(&mut tx, citizen.id, item).await?;
        }
        tx.commit().await?;
        self.sequencer.committed();
        Ok(true)
    }

    /// Unchecked queries (`sqlx::query`), as for the profile: plain shapes that every test of
    /// the PostgreSQL run exercises.
    async fn add_document(
        &self,
        citizen_id: Uuid,
        document: &Document,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<Document> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO documents (id, citizen_id, document) VALUES ($1, $2, $3)")
            .bind(document.id)
            .bind(citizen_id)
            .bind(to_json(document)?)
            .execute(&mut *tx)
            .await?;
        touch(&mut tx, citizen_id, "document", &document.id.to_string()).await?;
        store_response(&mut tx, idempotency, &serde_json::to_string(document)?).await?;
        tx.commit().await?;
        self.sequencer.committed();
        Ok(document.clone())
    }

    /// The choice is kept on the document's record, as on SQLite; the row is locked while it
    /// is read and written, so two choices at once are applied one after the other.
    async fn set_document_reminders(
        &self,
        citizen_id: Uuid,
        document_id: Uuid,
        reminders: DocumentReminders,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Option<Document>> {
        let mut tx = self.pool.begin().await?;
        let stored = sqlx::query_scalar!(
            "SELECT document FROM documents WHERE id = $1 AND citizen_id = $2 FOR UPDATE",
            document_id,
            citizen_id
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(stored) = stored else {
            return Ok(None);
        };
        let mut document: Document = from_json(stored)?;
        if document.reminders == reminders {
            return Ok(Some(document));
        }
        document.reminders = reminders;
        document.updated_at = now;
        sqlx::query!(
            "UPDATE documents SET document = $1 WHERE id = $2",
            to_json(&document)?,
            document_id
        )
        .execute(&mut *tx)
        .await?;
        touch(&mut tx, citizen_id, "document", &document_id.to_string()).await?;
        tx.commit().await?;
        self.sequencer.committed();
        Ok(Some(document))
    }

    /// The citizen's row is written first, so two changes at once wait on its row lock and
    /// are applied in turn. Unchecked queries (`sqlx::query`): their shapes are plain, and a
    /// wrong one fails every test of the PostgreSQL run.
    async fn update_profile(&self, update: &ProfileUpdate) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE citizens SET profile = $1 WHERE id = $2")
            .bind(to_json(&update.profile)?)
            .bind(update.citizen_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO profile_changes (id, citizen_id, at, actor, fields)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(Uuid::now_v7())
        .bind(update.citizen_id)
        .bind(update.at.timestamp())
        .bind(&update.actor)
        .bind(to_json(&update.fields)?)
        .execute(&mut *tx)
        .await?;
        touch(
            &mut tx,
            update.citizen_id,
            "profile",
            &update.citizen_id.to_string(),
        )
        .await?;
        tx.commit().await?;
        self.sequencer.committed();
        Ok(())
    }
}
