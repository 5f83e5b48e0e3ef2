//! `NotificationOutboxStore` on PostgreSQL: the `notifications` table. A claim picks its rows
//! `FOR UPDATE SKIP LOCKED` and marks them held in the same statement, so two instances (or the
//! worker and a request) never hold one row at once and never wait for each other.

use async_trait::async_trait;
use sqlx::PgConnection;
use uuid::Uuid;

use super::PostgresStore;
use crate::store::{
    NewNotice, Notice, NoticeClaim, NoticeOutcome, NoticeState, NotificationOutboxStore,
    StoreError, StoreResult,
};

/// Writes `notice` on `conn`, inside the transaction of the change that causes it (or its own).
pub(super) async fn insert_notice(conn: &mut PgConnection, notice: &NewNotice) -> StoreResult<()> {
    sqlx::query!(
        "INSERT INTO notifications (id, citizen_id, channel, kind, recipient, subject, body,
             language, state, attempts, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $10)",
        notice.id,
        notice.citizen_id,
        notice.channel,
        notice.kind,
        notice.recipient,
        notice.subject,
        notice.body,
        notice.language,
        notice.next_attempt_at,
        notice.created_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A stored row, as every query of this module reads it.
struct NoticeRow {
    id: Uuid,
    citizen_id: Option<Uuid>,
    channel: String,
    kind: String,
    recipient: String,
    subject: Option<String>,
    body: String,
    language: String,
    state: String,
    attempts: i32,
    next_attempt_at: i64,
    provider_id: Option<String>,
    last_error: Option<String>,
    created_at: i64,
    sent_at: Option<i64>,
}

impl NoticeRow {
    fn into_notice(self) -> StoreResult<Notice> {
        Ok(Notice {
            id: self.id,
            citizen_id: self.citizen_id,
            channel: self.channel,
            kind: self.kind,
            recipient: self.recipient,
            subject: self.subject,
            body: self.body,
            language: self.language,
            state: NoticeState::parse(&self.state).ok_or_else(|| {
                StoreError::Database(format!("stored notice state {}", self.state))
            })?,
            attempts: u32::try_from(self.attempts)
                .map_err(|error| StoreError::Database(format!("stored attempts: {error}")))?,
            next_attempt_at: self.next_attempt_at,
            provider_id: self.provider_id,
            last_error: self.last_error,
            created_at: self.created_at,
            sent_at: self.sent_at,
        })
    }
}

/// Records what became of one attempt at message `id` and lets go of it.
async fn finish_notice(
    conn: &mut PgConnection,
    id: Uuid,
    outcome: &NoticeOutcome,
    now: i64,
) -> StoreResult<()> {
    match outcome {
        NoticeOutcome::Sent { provider_id } => {
            sqlx::query!(
                "UPDATE notifications SET state = 'sent', provider_id = $2, sent_at = $3,
                         claimed_until = NULL
                     WHERE id = $1",
                id,
                provider_id.as_deref(),
                now
            )
            .execute(&mut *conn)
            .await?;
        }
        NoticeOutcome::Retry {
            next_attempt_at,
            error,
        } => {
            sqlx::query!(
                "UPDATE notifications SET next_attempt_at = $2, last_error = $3,
                         claimed_until = NULL
                     WHERE id = $1 AND state = 'pending'",
                id,
                next_attempt_at,
                error
            )
            .execute(&mut *conn)
            .await?;
        }
        NoticeOutcome::Failed { error } => {
            sqlx::query!(
                "UPDATE notifications SET state = 'failed', last_error = $2,
                         claimed_until = NULL
                     WHERE id = $1 AND state = 'pending'",
                id,
                error
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

#[async_trait]
impl NotificationOutboxStore for PostgresStore {
    async fn enqueue_notices(&self, notices: &[NewNotice]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        for notice in notices {
            insert_notice(&mut tx, notice).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// `FOR UPDATE SKIP LOCKED`: rows another transaction is claiming are passed over, and a
    /// row once claimed is not due again until `claimed_until`.
    async fn claim_notices(
        &self,
        claim: NoticeClaim<'_>,
        now: i64,
        claim_until: i64,
    ) -> StoreResult<Vec<Notice>> {
        let (only, limit): (Option<Vec<Uuid>>, i64) = match claim {
            NoticeClaim::Due { limit } => (None, i64::try_from(limit).unwrap_or(i64::MAX)),
            NoticeClaim::Only(ids) => (
                Some(ids.to_vec()),
                i64::try_from(ids.len()).unwrap_or(i64::MAX),
            ),
        };
        let rows = sqlx::query_as!(
            NoticeRow,
            r#"WITH picked AS (
                   SELECT id FROM notifications
                   WHERE state = 'pending' AND next_attempt_at <= $1
                     AND (claimed_until IS NULL OR claimed_until <= $1)
                     AND ($3::uuid[] IS NULL OR id = ANY($3))
                   ORDER BY next_attempt_at, id
                   LIMIT $4
                   FOR UPDATE SKIP LOCKED
               )
               UPDATE notifications n SET claimed_until = $2, attempts = n.attempts + 1
               FROM picked WHERE n.id = picked.id
               RETURNING n.id AS "id!", n.citizen_id AS "citizen_id?", n.channel AS "channel!",
                   n.kind AS "kind!", n.recipient AS "recipient!", n.subject AS "subject?",
                   n.body AS "body!", n.language AS "language!", n.state AS "state!",
                   n.attempts AS "attempts!", n.next_attempt_at AS "next_attempt_at!",
                   n.provider_id AS "provider_id?", n.last_error AS "last_error?",
                   n.created_at AS "created_at!", n.sent_at AS "sent_at?""#,
            now,
            claim_until,
            only.as_deref(),
            limit
        )
        .fetch_all(&self.pool)
        .await?;
        let mut notices = rows
            .into_iter()
            .map(NoticeRow::into_notice)
            .collect::<StoreResult<Vec<_>>>()?;
        notices.sort_by_key(|notice| (notice.next_attempt_at, notice.id));
        Ok(notices)
    }

    async fn finish_notices(
        &self,
        finished: &[(Uuid, NoticeOutcome)],
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        for (id, outcome) in finished {
            finish_notice(&mut tx, *id, outcome, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn release_notice_claims(&self) -> StoreResult<usize> {
        let released = sqlx::query!(
            "UPDATE notifications SET claimed_until = NULL
             WHERE state = 'pending' AND claimed_until IS NOT NULL"
        )
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(usize::try_from(released).unwrap_or(usize::MAX))
    }

    async fn failed_notices(&self, limit: usize) -> StoreResult<Vec<Notice>> {
        sqlx::query_as!(
            NoticeRow,
            "SELECT id, citizen_id, channel, kind, recipient, subject, body, language, state,
                 attempts, next_attempt_at, provider_id, last_error, created_at, sent_at
             FROM notifications WHERE state = 'failed'
             ORDER BY created_at, id LIMIT $1",
            i64::try_from(limit).unwrap_or(i64::MAX)
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(NoticeRow::into_notice)
        .collect()
    }

    async fn retry_notice(&self, id: Uuid, now: i64) -> StoreResult<bool> {
        let changed = sqlx::query!(
            "UPDATE notifications SET state = 'pending', attempts = 0, next_attempt_at = $2,
                 claimed_until = NULL
             WHERE id = $1 AND state = 'failed'",
            id,
            now
        )
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(changed == 1)
    }

    async fn purge_notices(&self, before: i64) -> StoreResult<usize> {
        let purged = sqlx::query!(
            "DELETE FROM notifications
             WHERE (state = 'sent' AND sent_at < $1)
                OR (state = 'failed' AND created_at < $1)",
            before
        )
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(usize::try_from(purged).unwrap_or(usize::MAX))
    }
}
