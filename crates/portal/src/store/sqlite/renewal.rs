//! `RenewalStore` on SQLite: the citizens' documents with their birth dates, and the renewal
//! stages notified (`renewal_stages_notified`), written with their inbox notice in one
//! transaction.

use std::collections::{BTreeMap, BTreeSet};

use opendvc_api::{Document, InboxItem};
use opendvc_rules::renewal::FiredStage;
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use async_trait::async_trait;

use super::Cached;
use super::changes::insert_inbox;
use super::notifications::insert_notice;
use super::rows::parse_uuid;
use super::{Database, SqliteStore};
use crate::store::stored::parse_date;
use crate::store::{NewNotice, RenewalHolder, RenewalStore, StoreResult};

impl Database {
    pub(super) fn renewal_holders(&self) -> StoreResult<Vec<RenewalHolder>> {
        let conn = self.reader();
        let documents = conn
            .prepare_cached(
                "SELECT d.citizen_id, json_extract(c.profile_json, '$.birthDate'), d.document_json
                 FROM documents d JOIN citizens c ON c.id = d.citizen_id
                 ORDER BY d.citizen_id, d.id",
            )?
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let notified = conn
            .prepare_cached(
                "SELECT citizen_id, document_id, expires_on, days_before
                 FROM renewal_stages_notified",
            )?
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, u32>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        drop(conn);
        let mut holders: BTreeMap<Uuid, RenewalHolder> = BTreeMap::new();
        for (citizen, birth_date, json) in documents {
            let citizen_id = parse_uuid(&citizen)?;
            let document: Document = serde_json::from_str(&json)?;
            let birth_date = parse_date(&birth_date)?;
            holders
                .entry(citizen_id)
                .or_insert_with(|| RenewalHolder {
                    citizen_id,
                    birth_date,
                    documents: Vec::new(),
                    notified: BTreeSet::new(),
                })
                .documents
                .push(document);
        }
        for (citizen, document, expires_on, days_before) in notified {
            if let Some(holder) = holders.get_mut(&parse_uuid(&citizen)?) {
                holder.notified.insert(FiredStage {
                    document_id: parse_uuid(&document)?,
                    expires_on: parse_date(&expires_on)?,
                    days_before,
                });
            }
        }
        Ok(holders.into_values().collect())
    }

    pub(super) fn record_renewal_notice(
        &self,
        citizen_id: Uuid,
        item: &InboxItem,
        stages: &[FiredStage],
        notices: &[NewNotice],
    ) -> StoreResult<bool> {
        // The write transaction begins IMMEDIATE: no other writer (another portal process)
        // can record a stage between the check and the inserts.
        self.write(|tx| {
            for stage in stages {
                let notified = tx
                    .query_row_cached(
                        "SELECT 1 FROM renewal_stages_notified
                         WHERE document_id = ?1 AND expires_on = ?2 AND days_before = ?3",
                        params![
                            stage.document_id.to_string(),
                            stage.expires_on.to_string(),
                            stage.days_before
                        ],
                        |_| Ok(()),
                    )
                    .optional()?
                    .is_some();
                if notified {
                    return Ok(false);
                }
            }
            for stage in stages {
                tx.execute_cached(
                    "INSERT INTO renewal_stages_notified
                     (document_id, expires_on, days_before, citizen_id) VALUES (?1, ?2, ?3, ?4)",
                    params![
                        stage.document_id.to_string(),
                        stage.expires_on.to_string(),
                        stage.days_before,
                        citizen_id.to_string()
                    ],
                )?;
            }
            insert_inbox(tx, citizen_id, item)?;
            for notice in notices {
                insert_notice(tx, notice)?;
            }
            Ok(true)
        })
    }
}

#[async_trait]
impl RenewalStore for SqliteStore {
    async fn renewal_holders(&self) -> StoreResult<Vec<RenewalHolder>> {
        self.blocking(move |db| db.renewal_holders()).await
    }

    async fn record_renewal_notice(
        &self,
        citizen_id: Uuid,
        item: &InboxItem,
        stages: &[FiredStage],
        notices: &[NewNotice],
    ) -> StoreResult<bool> {
        let item = item.clone();
        let stages = stages.to_vec();
        let notices = notices.to_vec();
        self.blocking(move |db| db.record_renewal_notice(citizen_id, &item, &stages, &notices))
            .await
    }
}

#[cfg(test)]
mod tests {
    use opendvc_api::{DocumentSource, InboxCategory, LocalizedText};

    use super::*;
    use crate::store::CitizenRecord;
    use crate::store::sqlite::tests::scratch;

    #[test]
    fn a_renewal_stage_is_notified_once_and_read_back_with_the_holders_birth_date() {
        let scratch = scratch();
        let store = &scratch.store;
        let data = crate::data::ReferenceData::load().expect("data");
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-29T09:00:00+07:00").expect("time");
        let profile = crate::data::ReferenceData::profile_of(&data.demo.citizens[0], at);
        let citizen_id = Uuid::from_u128(1);
        let card = Document {
            id: Uuid::from_u128(2),
            kind: "id_card".to_owned(),
            number: profile.id_number.clone(),
            issued_on: parse_date("2020-05-04").expect("date"),
            expires_on: None,
            issuer: "test".to_owned(),
            classes: Vec::new(),
            source: DocumentSource::Warehouse,
            reminders: Default::default(),
            updated_at: at,
        };
        store
            .seed_citizen(
                &CitizenRecord {
                    id: citizen_id,
                    profile: profile.clone(),
                },
                std::slice::from_ref(&card),
                &[],
            )
            .expect("a citizen");
        let stage = FiredStage {
            document_id: card.id,
            expires_on: parse_date("2027-01-08").expect("date"),
            days_before: 30,
        };
        let text = LocalizedText {
            vi: "Nhắc".to_owned(),
            en: "Reminder".to_owned(),
            id: None,
        };
        let item = |id: u128| InboxItem {
            feedback_id: None,
            id: Uuid::from_u128(id),
            at,
            category: InboxCategory::Renewal,
            title: text.clone(),
            body: text.clone(),
            application_id: None,
            document_id: Some(card.id),
        };
        assert!(
            store
                .record_renewal_notice(citizen_id, &item(10), &[stage], &[])
                .expect("recorded"),
            "the first notice of a stage is written"
        );
        assert!(
            !store
                .record_renewal_notice(citizen_id, &item(11), &[stage], &[])
                .expect("answered"),
            "a stage notified already is not notified again, whatever the notice's id"
        );
        let notices: u32 = store
            .reader()
            .query_row_cached("SELECT count(*) FROM inbox_items", [], |row| row.get(0))
            .expect("count");
        assert_eq!(notices, 1, "one notice in the inbox");
        let holders = store.renewal_holders().expect("holders");
        assert_eq!(holders.len(), 1, "one citizen holds documents");
        assert_eq!(
            holders[0].birth_date, profile.birth_date,
            "with the birth date"
        );
        assert_eq!(holders[0].documents, vec![card], "with the documents");
        assert_eq!(
            holders[0].notified,
            BTreeSet::from([stage]),
            "and the stages notified"
        );
    }
}
