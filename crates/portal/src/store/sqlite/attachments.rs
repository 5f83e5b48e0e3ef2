//! `AttachmentStore` on SQLite: uploads, content-addressed, under a quota per citizen, and
//! the collection of unused ones.

use opendvc_api::{Attachment, ErrorCode};
use rusqlite::{Connection, params};
use uuid::Uuid;

use async_trait::async_trait;

use super::Cached;
use super::access_log::insert_access;
use super::applications::count_late_item;
use super::rows::parse_time;
use super::{Database, SqliteStore};
use crate::error::ApiError;
use crate::store::{AttachmentStore, CollectedFiles, NewUpload, StoreError, StoreResult};

impl Database {
    pub(super) fn put_attachment(
        &self,
        upload: NewUpload,
        quota_bytes: u64,
    ) -> StoreResult<(Attachment, bool)> {
        self.write(|tx| {
            let size = i64::try_from(upload.content.len())
                .map_err(|e| StoreError::Database(e.to_string()))?;
            let held = tx
                .prepare_cached(
                    "SELECT 1 FROM attachments WHERE citizen_id = ?1 AND attachment_id = ?2",
                )?
                .exists(params![upload.citizen_id.to_string(), upload.id])?;
            if !held {
                let used: i64 = tx.query_row_cached(
                    "SELECT COALESCE(SUM(contents.size), 0) FROM attachments
                     JOIN attachment_contents AS contents ON contents.id = attachments.attachment_id
                     WHERE attachments.citizen_id = ?1",
                    params![upload.citizen_id.to_string()],
                    |row| row.get(0),
                )?;
                let after = u64::try_from(used.saturating_add(size)).unwrap_or(u64::MAX);
                if after > quota_bytes {
                    return Err(StoreError::Refused(ApiError::new(
                        ErrorCode::QuotaExceeded,
                        format!(
                            "This file would take your uploads to {after} bytes, over your quota \
                             of {quota_bytes} bytes. Files no application uses are deleted 30 days \
                             after their upload."
                        ),
                    )));
                }
            }
            tx.execute_cached(
                "INSERT OR IGNORE INTO attachment_contents (id, size, content) VALUES (?1, ?2, ?3)",
                params![upload.id, size, upload.content],
            )?;
            let inserted = tx.execute_cached(
                "INSERT OR IGNORE INTO attachments (attachment_id, citizen_id, content_type,
                    file_name, uploaded_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    upload.id,
                    upload.citizen_id.to_string(),
                    upload.content_type,
                    upload.file_name,
                    upload.uploaded_at.to_rfc3339()
                ],
            )?;
            if inserted > 0 {
                if let Some(item) = upload.late_item {
                    count_late_item(tx, item)?;
                }
                if let Some(entry) = &upload.access {
                    insert_access(tx, entry)?;
                }
            }
            let (content_type, file_name, uploaded_at) = tx.query_row_cached(
                "SELECT content_type, file_name, uploaded_at FROM attachments
                 WHERE citizen_id = ?1 AND attachment_id = ?2",
                params![upload.citizen_id.to_string(), upload.id],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, Option<String>>(1)?,
                        row.get::<_, String>(2)?,
                    ))
                },
            )?;
            Ok((
                Attachment {
                    id: upload.id.clone(),
                    size: upload.content.len() as u64,
                    content_type,
                    file_name,
                    uploaded_at: parse_time(&uploaded_at)?,
                },
                inserted > 0,
            ))
        })
    }

    pub(super) fn collect_attachments(&self, uploaded_before: i64) -> StoreResult<CollectedFiles> {
        self.write(|tx| {
            // The uploads each citizen's applications and supplements refer to.
            let referenced = "
                SELECT applications.citizen_id AS citizen_id,
                       json_extract(refs.value, '$.attachmentId') AS attachment_id
                FROM applications, json_each(applications.attachments_json) AS refs
                WHERE json_extract(refs.value, '$.source') = 'upload'
                UNION
                SELECT applications.citizen_id,
                       json_extract(refs.value, '$.attachmentId')
                FROM supplements
                JOIN applications ON applications.id = supplements.application_id,
                     json_each(supplements.supplement_json, '$.attachments') AS refs
                WHERE json_extract(refs.value, '$.source') = 'upload'";
            let uploads = tx.execute_cached(
                &format!(
                    "DELETE FROM attachments
                     WHERE unixepoch(uploaded_at) < ?1
                       AND NOT EXISTS (
                         SELECT 1 FROM ({referenced}) AS used
                         WHERE used.citizen_id = attachments.citizen_id
                           AND used.attachment_id = attachments.attachment_id)"
                ),
                params![uploaded_before],
            )?;
            let files = tx.execute_cached(
                "DELETE FROM attachment_contents
                 WHERE NOT EXISTS (SELECT 1 FROM attachments
                                   WHERE attachments.attachment_id = attachment_contents.id)",
                [],
            )?;
            Ok(CollectedFiles { uploads, files })
        })
    }

    pub(super) fn owned_attachments(
        conn: &Connection,
        citizen_id: Uuid,
        ids: &[String],
    ) -> StoreResult<Vec<String>> {
        let mut statement = conn.prepare_cached(
            "SELECT 1 FROM attachments WHERE citizen_id = ?1 AND attachment_id = ?2",
        )?;
        let mut owned = Vec::new();
        for id in ids {
            if statement.exists(params![citizen_id.to_string(), id])? {
                owned.push(id.clone());
            }
        }
        Ok(owned)
    }
}

#[async_trait]
impl AttachmentStore for SqliteStore {
    async fn put_attachment(
        &self,
        upload: NewUpload,
        quota_bytes: u64,
    ) -> StoreResult<(opendvc_api::Attachment, bool)> {
        self.blocking(move |db| db.put_attachment(upload, quota_bytes))
            .await
    }

    async fn owned_attachments(
        &self,
        citizen_id: Uuid,
        ids: &[String],
    ) -> StoreResult<Vec<String>> {
        let ids = ids.to_vec();
        self.point_read(move |conn| Database::owned_attachments(conn, citizen_id, &ids))
            .await
    }

    async fn collect_attachments(&self, uploaded_before: i64) -> StoreResult<CollectedFiles> {
        self.blocking(move |db| db.collect_attachments(uploaded_before))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::tests::{citizen, scratch};
    use chrono::DateTime;

    fn upload(citizen_id: Uuid, id: &str, size: usize, at: &str) -> NewUpload {
        NewUpload {
            citizen_id,
            id: id.to_owned(),
            content: vec![b'%'; size],
            content_type: "application/pdf".into(),
            file_name: None,
            uploaded_at: DateTime::parse_from_rfc3339(at).expect("time"),
            late_item: None,
            access: None,
        }
    }

    #[test]
    fn the_quota_counts_only_new_files_of_the_citizen() {
        let scratch = scratch();
        let store = &scratch.store;
        let id = citizen(store);
        let at = "2026-11-29T09:00:00+07:00";
        store
            .put_attachment(upload(id, "a", 600, at), 1_000)
            .expect("fits");
        let refused = store
            .put_attachment(upload(id, "b", 401, at), 1_000)
            .expect_err("over the quota");
        assert!(
            matches!(&refused, StoreError::Refused(error) if error.code() == ErrorCode::QuotaExceeded),
            "{refused}"
        );
        let (_, new) = store
            .put_attachment(upload(id, "a", 600, at), 1_000)
            .expect("a file already held costs nothing");
        assert!(!new);
        store
            .put_attachment(upload(id, "b", 400, at), 1_000)
            .expect("fits exactly");
    }

    #[test]
    fn only_old_unreferenced_uploads_are_collected() {
        let scratch = scratch();
        let store = &scratch.store;
        let id = citizen(store);
        let old = "2026-10-01T09:00:00.123456789+07:00";
        let recent = "2026-11-20T09:00:00+07:00";
        for (name, at) in [("old-loose", old), ("old-used", old), ("recent", recent)] {
            store
                .put_attachment(upload(id, name, 10, at), 1_000_000)
                .expect("stored");
        }
        store
            .write(|tx| {
                tx.execute_cached(
                    "INSERT INTO applications (id, code, citizen_id, procedure_id,
                        procedure_name_json, status, channel, submitted_at, due_at,
                        processing_days, form_json, attachments_json, delivery_json, fee,
                        updated_at)
                     VALUES ('a1', 'C-1', ?1, 'p', '{}', 'received', 'online', ?2, ?2, 1, '{}',
                        ?3, '{}', 0, ?2)",
                    params![
                        id.to_string(),
                        old,
                        r#"[{"source":"upload","attachmentId":"old-used"}]"#
                    ],
                )?;
                Ok(())
            })
            .expect("an application refers to one upload");
        let cutoff = DateTime::parse_from_rfc3339("2026-11-01T00:00:00+07:00")
            .expect("time")
            .timestamp();
        let collected = store.collect_attachments(cutoff).expect("collects");
        assert_eq!(
            collected,
            CollectedFiles {
                uploads: 1,
                files: 1
            },
            "only the old upload no application uses goes"
        );
        let left = Database::owned_attachments(
            &store.reader(),
            id,
            &["old-loose".into(), "old-used".into(), "recent".into()],
        )
        .expect("reads");
        assert_eq!(left, vec!["old-used".to_owned(), "recent".to_owned()]);
    }
}
