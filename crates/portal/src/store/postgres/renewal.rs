//! `RenewalStore` on PostgreSQL: the citizens' documents with their birth dates, and the
//! renewal stages notified (`renewal_stages_notified`), written with their inbox notice in one
//! transaction.

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;
use opendvc_api::InboxItem;
use opendvc_rules::renewal::FiredStage;
use uuid::Uuid;

use super::PostgresStore;
use super::changes::insert_inbox;
use super::notifications::insert_notice;
use super::rows::from_json;
use crate::store::stored::parse_date;
use crate::store::{NewNotice, RenewalHolder, RenewalStore, StoreError, StoreResult};

#[async_trait]
impl RenewalStore for PostgresStore {
    async fn renewal_holders(&self) -> StoreResult<Vec<RenewalHolder>> {
        let documents = sqlx::query!(
            r#"SELECT d.citizen_id, c.profile->>'birthDate' AS "birth_date!", d.document
               FROM documents d JOIN citizens c ON c.id = d.citizen_id
               ORDER BY d.citizen_id, d.id"#
        )
        .fetch_all(&self.pool)
        .await?;
        let notified = sqlx::query!(
            "SELECT citizen_id, document_id, expires_on, days_before
             FROM renewal_stages_notified"
        )
        .fetch_all(&self.pool)
        .await?;
        let mut holders: BTreeMap<Uuid, RenewalHolder> = BTreeMap::new();
        for row in documents {
            let birth_date = parse_date(&row.birth_date)?;
            holders
                .entry(row.citizen_id)
                .or_insert_with(|| RenewalHolder {
                    citizen_id: row.citizen_id,
                    birth_date,
                    documents: Vec::new(),
                    notified: BTreeSet::new(),
                })
                .documents
                .push(from_json(row.document)?);
        }
        for row in notified {
            if let Some(holder) = holders.get_mut(&row.citizen_id) {
                holder.notified.insert(FiredStage {
                    document_id: row.document_id,
                    expires_on: parse_date(&row.expires_on)?,
                    days_before: u32::try_from(row.days_before).map_err(|error| {
                        StoreError::Database(format!("stored days before: {error}"))
                    })?,
                });
            }
        }
        Ok(holders.into_values().collect())
    }

    /// Each stage is inserted `ON CONFLICT DO NOTHING`: a stage another instance recorded (or is
    /// recording: the insert waits for its transaction on the primary key) inserts nothing,
    /// and this transaction rolls back without a notice. Stages are inserted in their order, so
    /// two instances recording overlapping stages never wait for each other in a cycle.
    async fn record_renewal_notice(
        &self,
        citizen_id: Uuid,
        item: &InboxItem,
        stages: &[FiredStage],
        notices: &[NewNotice],
    ) -> StoreResult<bool> {
        let mut stages = stages.to_vec();
        stages.sort();
        stages.dedup();
        let mut tx = self.pool.begin().await?;
        for stage in &stages {
            let inserted = sqlx::query!(
                "INSERT INTO renewal_stages_notified
                 (document_id, expires_on, days_before, citizen_id) VALUES ($1, $2, $3, $4)
                 ON CONFLICT DO NOTHING",
                stage.document_id,
                stage.expires_on.to_string(),
                i64::from(stage.days_before),
                citizen_id
            )
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
        }
        // A notice a portal before the shared engine wrote has the same id: it stays, and the
        // stages are recorded all the same (as on SQLite).
        insert_inbox(&mut tx, citizen_id, item).await?;
        for notice in notices {
            insert_notice(&mut tx, notice).await?;
        }
        tx.commit().await?;
        self.sequencer.committed();
        Ok(true)
    }
}
