//! `AttachmentStore` on PostgreSQL: uploads, content-addressed, under a quota per citizen, and
//! the collection of unused ones.

use async_trait::async_trait;
use opendvc_api::{Attachment, ErrorCode};
use uuid::Uuid;

use super::access_log::insert_access;
use super::applications::count_late_item;
use super::{LockSpace, PostgresStore, lock};
use crate::error::ApiError;
use crate::store::stored::parse_time;
use crate::store::{AttachmentStore, CollectedFiles, NewUpload, StoreError, StoreResult};

#[async_trait]
impl AttachmentStore for PostgresStore {
    /// A citizen's uploads are serialised by the advisory lock of the citizen, held from the
    /// quota's sum to the commit, so parallel uploads (on any instance) cannot pass the quota.
    /// The bytes are stored once: of two citizens uploading the same file at once, one insert
    /// waits for the other and then inserts nothing.
    async fn put_attachment(
        &self,
        upload: NewUpload,
        quota_bytes: u64,
    ) -> StoreResult<(Attachment, bool)> {
        let size =
            i64::try_from(upload.content.len()).map_err(|e| StoreError::Database(e.to_string()))?;
        let mut tx = self.pool.begin().await?;
        lock(
            &mut tx,
            LockSpace::CitizenUploads,
            &upload.citizen_id.to_string(),
        )
        .await?;
        let held = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM attachments
                              WHERE citizen_id = $1 AND attachment_id = $2) AS "held!""#,
            upload.citizen_id,
            upload.id
        )
        .fetch_one(&mut *tx)
        .await?;
        if !held {
            let used = sqlx::query_scalar!(
                r#"SELECT COALESCE(SUM(contents.size), 0)::bigint AS "used!" FROM attachments
                   JOIN attachment_contents AS contents ON contents.id = attachments.attachment_id
                   WHERE attachments.citizen_id = $1"#,
                upload.citizen_id
            )
            .fetch_one(&mut *tx)
            .await?;
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
        // Stored bytes held by nobody may be collected at this moment: the no-op update locks
        // the row, so either the collection locked it first (and this waits, then inserts the
        // bytes anew) or the collection skips it (`collect_attachments`).
        sqlx::query!(
            "INSERT INTO attachment_contents (id, size, content) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET size = attachment_contents.size",
            upload.id,
            size,
            upload.content
        )
        .execute(&mut *tx)
        .await?;
        let inserted = sqlx::query!(
            "INSERT INTO attachments (attachment_id, citizen_id, content_type, file_name,
                uploaded_at, uploaded_unix)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (citizen_id, attachment_id) DO NOTHING",
            upload.id,
            upload.citizen_id,
            upload.content_type,
            upload.file_name,
            upload.uploaded_at.to_rfc3339(),
            upload.uploaded_at.timestamp()
        )
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if inserted {
            if let Some(item) = upload.late_item {
                count_late_item(&mut tx, item).await?;
            }
            if let Some(entry) = &upload.access {
                insert_access(&mut tx, entry).await?;
            }
        }
        let stored = sqlx::query!(
            "SELECT content_type, file_name, uploaded_at FROM attachments
             WHERE citizen_id = $1 AND attachment_id = $2",
            upload.citizen_id,
            upload.id
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((
            Attachment {
                id: upload.id.clone(),
                size: upload.content.len() as u64,
                content_type: stored.content_type,
                file_name: stored.file_name,
                uploaded_at: parse_time(&stored.uploaded_at)?,
            },
            inserted,
        ))
    }

    async fn owned_attachments(
        &self,
        citizen_id: Uuid,
        ids: &[String],
    ) -> StoreResult<Vec<String>> {
        let owned = sqlx::query_scalar!(
            "SELECT attachment_id FROM attachments
             WHERE citizen_id = $1 AND attachment_id = ANY($2)",
            citizen_id,
            ids
        )
        .fetch_all(&self.pool)
        .await?;
        // In the order asked, as the SQLite store answers.
        Ok(ids
            .iter()
            .filter(|id| owned.contains(id))
            .cloned()
            .collect())
    }

    async fn collect_attachments(&self, uploaded_before: i64) -> StoreResult<CollectedFiles> {
        let mut tx = self.pool.begin().await?;
        // The uploads each citizen's applications and supplements refer to.
        let uploads = sqlx::query!(
            "DELETE FROM attachments
             WHERE uploaded_unix < $1
               AND NOT EXISTS (
                 SELECT 1 FROM applications,
                      jsonb_array_elements(applications.attachments) AS refs
                 WHERE applications.citizen_id = attachments.citizen_id
                   AND refs->>'source' = 'upload'
                   AND refs->>'attachmentId' = attachments.attachment_id)
               AND NOT EXISTS (
                 SELECT 1 FROM supplements
                 JOIN applications ON applications.id = supplements.application_id,
                      jsonb_array_elements(supplements.supplement->'attachments') AS refs
                 WHERE applications.citizen_id = attachments.citizen_id
                   AND refs->>'source' = 'upload'
                   AND refs->>'attachmentId' = attachments.attachment_id)",
            uploaded_before
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // Bytes an upload is storing again right now are locked by it: skip them.
        let files = sqlx::query!(
            "DELETE FROM attachment_contents
             WHERE id IN (
               SELECT id FROM attachment_contents
               WHERE NOT EXISTS (SELECT 1 FROM attachments
                                 WHERE attachments.attachment_id = attachment_contents.id)
               FOR UPDATE SKIP LOCKED)"
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(CollectedFiles {
            uploads: usize::try_from(uploads).unwrap_or(usize::MAX),
            files: usize::try_from(files).unwrap_or(usize::MAX),
        })
    }
}
