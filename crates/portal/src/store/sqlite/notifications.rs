//! `NotificationOutboxStore` on SQLite: the `notifications` table. One writer: a claim reads and
//! marks its rows in one `IMMEDIATE` transaction, so two senders never hold one row.

use async_trait::async_trait;
use rusqlite::{Row, params};
use uuid::Uuid;

use super::Cached;
use super::{Database, SqliteStore};
use crate::store::stored::parse_uuid;
use crate::store::{
    NewNotice, Notice, NoticeClaim, NoticeOutcome, NoticeState, NotificationOutboxStore,
    StoreError, StoreResult,
};

const COLUMNS: &str = "id, citizen_id, channel, kind, recipient, subject, body, language, state, \
     attempts, next_attempt_at, provider_id, last_error, created_at, sent_at";

/// Writes `notice` in the transaction `tx` (of the change that causes it, or its own).
pub(super) fn insert_notice(tx: &rusqlite::Connection, notice: &NewNotice) -> StoreResult<()> {
    tx.execute_cached(
        "INSERT INTO notifications (id, citizen_id, channel, kind, recipient, subject, body,
             language, state, attempts, next_attempt_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', 0, ?9, ?10)",
        params![
            notice.id.to_string(),
            notice.citizen_id.map(|id| id.to_string()),
            notice.channel,
            notice.kind,
            notice.recipient,
            notice.subject,
            notice.body,
            notice.language,
            notice.next_attempt_at,
            notice.created_at,
        ],
    )?;
    Ok(())
}

type NoticeRow = (
    String,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    i64,
    i64,
    Option<String>,
    Option<String>,
    i64,
    Option<i64>,
);

fn read_row(row: &Row<'_>) -> rusqlite::Result<NoticeRow> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
        row.get(7)?,
        row.get(8)?,
        row.get(9)?,
        row.get(10)?,
        row.get(11)?,
        row.get(12)?,
        row.get(13)?,
        row.get(14)?,
    ))
}

fn to_notice(row: NoticeRow) -> StoreResult<Notice> {
    let (
        id,
        citizen_id,
        channel,
        kind,
        recipient,
        subject,
        body,
        language,
        state,
        attempts,
        next_attempt_at,
        provider_id,
        last_error,
        created_at,
        sent_at,
    ) = row;
    Ok(Notice {
        id: parse_uuid(&id)?,
        citizen_id: citizen_id.as_deref().map(parse_uuid).transpose()?,
        channel,
        kind,
        recipient,
        subject,
        body,
        language,
        state: NoticeState::parse(&state)
            .ok_or_else(|| StoreError::Database(format!("stored notice state {state}")))?,
        attempts: u32::try_from(attempts)
            .map_err(|error| StoreError::Database(format!("stored attempts: {error}")))?,
        next_attempt_at,
        provider_id,
        last_error,
        created_at,
        sent_at,
    })
}

fn select(
    conn: &rusqlite::Connection,
    sql: &str,
    args: impl rusqlite::Params,
) -> StoreResult<Vec<Notice>> {
    let rows = conn
        .prepare_cached(sql)?
        .query_map(args, read_row)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(to_notice).collect()
}

/// Records what became of one attempt at message `id` and lets go of it.
fn finish_notice(
    tx: &rusqlite::Connection,
    id: Uuid,
    outcome: &NoticeOutcome,
    now: i64,
) -> rusqlite::Result<()> {
    let id = id.to_string();
    match outcome {
        NoticeOutcome::Sent { provider_id } => tx.execute_cached(
            "UPDATE notifications SET state = 'sent', provider_id = ?2, sent_at = ?3,
                 claimed_until = NULL
             WHERE id = ?1",
            params![id, provider_id, now],
        )?,
        NoticeOutcome::Retry {
            next_attempt_at,
            error,
        } => tx.execute_cached(
            "UPDATE notifications SET next_attempt_at = ?2, last_error = ?3,
                 claimed_until = NULL
             WHERE id = ?1 AND state = 'pending'",
            params![id, next_attempt_at, error],
        )?,
        NoticeOutcome::Failed { error } => tx.execute_cached(
            "UPDATE notifications SET state = 'failed', last_error = ?2,
                 claimed_until = NULL
             WHERE id = ?1 AND state = 'pending'",
            params![id, error],
        )?,
    };
    Ok(())
}

impl Database {
    pub(super) fn enqueue_notices(&self, notices: &[NewNotice]) -> StoreResult<()> {
        self.write(|tx| {
            for notice in notices {
                insert_notice(tx, notice)?;
            }
            Ok(())
        })
    }

    pub(super) fn claim_notices(
        &self,
        claim: NoticeClaim<'_>,
        now: i64,
        claim_until: i64,
    ) -> StoreResult<Vec<Notice>> {
        self.write(|tx| {
            let due = "state = 'pending' AND next_attempt_at <= ?1
                 AND (claimed_until IS NULL OR claimed_until <= ?1)";
            let ids: Vec<String> = match claim {
                NoticeClaim::Due { limit } => tx
                    .prepare_cached(&format!(
                        "SELECT id FROM notifications WHERE {due}
                         ORDER BY next_attempt_at, id LIMIT ?2"
                    ))?
                    .query_map(
                        params![now, i64::try_from(limit).unwrap_or(i64::MAX)],
                        |row| row.get(0),
                    )?
                    .collect::<Result<_, _>>()?,
                NoticeClaim::Only(ids) => {
                    let mut statement = tx.prepare_cached(&format!(
                        "SELECT id FROM notifications WHERE id = ?2 AND {due}"
                    ))?;
                    let mut found = Vec::new();
                    for id in ids {
                        let rows = statement
                            .query_map(params![now, id.to_string()], |row| row.get(0))?
                            .collect::<Result<Vec<String>, _>>()?;
                        found.extend(rows);
                    }
                    found
                }
            };
            let mut claimed = Vec::with_capacity(ids.len());
            for id in ids {
                tx.execute_cached(
                    "UPDATE notifications SET claimed_until = ?2, attempts = attempts + 1
                     WHERE id = ?1",
                    params![id, claim_until],
                )?;
                claimed.extend(select(
                    tx,
                    &format!("SELECT {COLUMNS} FROM notifications WHERE id = ?1"),
                    params![id],
                )?);
            }
            Ok(claimed)
        })
    }

    pub(super) fn finish_notices(
        &self,
        finished: &[(Uuid, NoticeOutcome)],
        now: i64,
    ) -> StoreResult<()> {
        self.write(|tx| {
            for (id, outcome) in finished {
                finish_notice(tx, *id, outcome, now)?;
            }
            Ok(())
        })
    }

    pub(super) fn release_notice_claims(&self) -> StoreResult<usize> {
        self.write(|tx| {
            Ok(tx.execute_cached(
                "UPDATE notifications SET claimed_until = NULL
                 WHERE state = 'pending' AND claimed_until IS NOT NULL",
                [],
            )?)
        })
    }

    pub(super) fn failed_notices(&self, limit: usize) -> StoreResult<Vec<Notice>> {
        select(
            &self.reader(),
            &format!(
                "SELECT {COLUMNS} FROM notifications WHERE state = 'failed'
                 ORDER BY created_at, id LIMIT ?1"
            ),
            params![i64::try_from(limit).unwrap_or(i64::MAX)],
        )
    }

    pub(super) fn retry_notice(&self, id: Uuid, now: i64) -> StoreResult<bool> {
        self.write(|tx| {
            Ok(tx.execute_cached(
                "UPDATE notifications SET state = 'pending', attempts = 0, next_attempt_at = ?2,
                     claimed_until = NULL
                 WHERE id = ?1 AND state = 'failed'",
                params![id.to_string(), now],
            )? == 1)
        })
    }

    pub(super) fn purge_notices(&self, before: i64) -> StoreResult<usize> {
        self.write(|tx| {
            Ok(tx.execute_cached(
                "DELETE FROM notifications
                 WHERE (state = 'sent' AND sent_at < ?1)
                    OR (state = 'failed' AND created_at < ?1)",
                params![before],
            )?)
        })
    }
}

#[async_trait]
impl NotificationOutboxStore for SqliteStore {
    async fn enqueue_notices(&self, notices: &[NewNotice]) -> StoreResult<()> {
        let notices = notices.to_vec();
        self.blocking(move |db| db.enqueue_notices(&notices)).await
    }

    async fn claim_notices(
        &self,
        claim: NoticeClaim<'_>,
        now: i64,
        claim_until: i64,
    ) -> StoreResult<Vec<Notice>> {
        match claim {
            NoticeClaim::Due { limit } => {
                self.blocking(move |db| {
                    db.claim_notices(NoticeClaim::Due { limit }, now, claim_until)
                })
                .await
            }
            NoticeClaim::Only(ids) => {
                let ids = ids.to_vec();
                self.blocking(move |db| db.claim_notices(NoticeClaim::Only(&ids), now, claim_until))
                    .await
            }
        }
    }

    async fn finish_notices(
        &self,
        finished: &[(Uuid, NoticeOutcome)],
        now: i64,
    ) -> StoreResult<()> {
        let finished = finished.to_vec();
        self.blocking(move |db| db.finish_notices(&finished, now))
            .await
    }

    async fn release_notice_claims(&self) -> StoreResult<usize> {
        self.blocking(|db| db.release_notice_claims()).await
    }

    async fn failed_notices(&self, limit: usize) -> StoreResult<Vec<Notice>> {
        self.blocking(move |db| db.failed_notices(limit)).await
    }

    async fn retry_notice(&self, id: Uuid, now: i64) -> StoreResult<bool> {
        self.blocking(move |db| db.retry_notice(id, now)).await
    }

    async fn purge_notices(&self, before: i64) -> StoreResult<usize> {
        self.blocking(move |db| db.purge_notices(before)).await
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{citizen, scratch};
    use super::*;

    fn notice(citizen_id: Uuid, next_attempt_at: i64) -> NewNotice {
        NewNotice {
            id: Uuid::now_v7(),
            citizen_id: Some(citizen_id),
            channel: "sms".into(),
            kind: "notice-status-sms".into(),
            recipient: "+84905009999".into(),
            subject: None,
            body: "OpenDVC: hồ sơ".into(),
            language: "vi".into(),
            next_attempt_at,
            created_at: 100,
        }
    }

    #[test]
    fn a_claimed_notice_is_held_from_other_senders_until_its_claim_runs_out() {
        let scratch = scratch();
        let store = &scratch.store;
        let id = citizen(store);
        let due = notice(id, 100);
        let later = notice(id, 500);
        store
            .enqueue_notices(&[due.clone(), later.clone()])
            .expect("written");
        let claimed = store
            .claim_notices(NoticeClaim::Due { limit: 10 }, 100, 220)
            .expect("claims");
        assert_eq!(
            claimed.iter().map(|notice| notice.id).collect::<Vec<_>>(),
            [due.id],
            "only the due notice is claimed, the one held for later is not"
        );
        assert_eq!(
            claimed[0].attempts, 1,
            "the attempt is counted at the claim"
        );
        assert!(
            store
                .claim_notices(NoticeClaim::Only(&[due.id]), 150, 270)
                .expect("claims")
                .is_empty(),
            "a held notice is not claimed again while its claim runs"
        );
        let again = store
            .claim_notices(NoticeClaim::Due { limit: 10 }, 220, 340)
            .expect("claims");
        assert_eq!(
            again
                .iter()
                .map(|notice| (notice.id, notice.attempts))
                .collect::<Vec<_>>(),
            [(due.id, 2)],
            "a notice whose sender died is claimed again once the claim ran out, same id"
        );
        store
            .finish_notices(
                &[(
                    due.id,
                    NoticeOutcome::Sent {
                        provider_id: Some("p-1".into()),
                    },
                )],
                230,
            )
            .expect("finished");
        assert!(
            store
                .claim_notices(NoticeClaim::Due { limit: 10 }, 400, 520)
                .expect("claims")
                .is_empty(),
            "a sent notice is never claimed again"
        );
    }

    #[test]
    fn a_failed_notice_is_listed_and_can_be_put_back() {
        let scratch = scratch();
        let store = &scratch.store;
        let id = citizen(store);
        let failing = notice(id, 100);
        store
            .enqueue_notices(std::slice::from_ref(&failing))
            .expect("written");
        store
            .claim_notices(NoticeClaim::Due { limit: 1 }, 100, 200)
            .expect("claims");
        store
            .finish_notices(
                &[(
                    failing.id,
                    NoticeOutcome::Failed {
                        error: "refused".into(),
                    },
                )],
                101,
            )
            .expect("finished");
        let failed = store.failed_notices(10).expect("lists");
        assert_eq!(
            failed
                .iter()
                .map(|notice| (notice.id, notice.state, notice.last_error.clone()))
                .collect::<Vec<_>>(),
            [(failing.id, NoticeState::Failed, Some("refused".to_owned()))],
            "the failed notice is listed with its error"
        );
        assert!(
            store.retry_notice(failing.id, 300).expect("retries"),
            "put back"
        );
        assert!(
            !store.retry_notice(failing.id, 300).expect("retries"),
            "only a failed one"
        );
        let claimed = store
            .claim_notices(NoticeClaim::Due { limit: 1 }, 300, 400)
            .expect("claims");
        assert_eq!(claimed.len(), 1, "the notice put back is sent again");
        assert_eq!(claimed[0].attempts, 1, "its attempts count from zero");
    }

    #[test]
    fn old_sent_and_failed_notices_are_purged_and_pending_ones_kept_whatever_their_age() {
        let scratch = scratch();
        let store = &scratch.store;
        let citizen_id = citizen(store);
        let (sent, failed, pending) = (
            notice(citizen_id, 100),
            notice(citizen_id, 100),
            notice(citizen_id, 10_000),
        );
        store
            .enqueue_notices(&[sent.clone(), failed.clone(), pending.clone()])
            .expect("written");
        let claimed = store
            .claim_notices(NoticeClaim::Only(&[sent.id, failed.id]), 100, 200)
            .expect("claims");
        assert_eq!(claimed.len(), 2, "the two due notices are claimed");
        store
            .finish_notices(&[(sent.id, NoticeOutcome::Sent { provider_id: None })], 500)
            .expect("finished");
        store
            .finish_notices(
                &[(
                    failed.id,
                    NoticeOutcome::Failed {
                        error: "refused".into(),
                    },
                )],
                150,
            )
            .expect("finished");
        assert_eq!(
            store.purge_notices(100).expect("purges"),
            0,
            "nothing sent or written before the cutoff"
        );
        assert_eq!(
            store.purge_notices(101).expect("purges"),
            1,
            "the failed notice written at 100 goes; the one sent at 500 stays"
        );
        assert!(
            store.failed_notices(10).expect("lists").is_empty(),
            "the failed one is gone"
        );
        assert_eq!(
            store.purge_notices(10_001).expect("purges"),
            1,
            "the sent notice goes once its sending is older than the cutoff"
        );
        let left = store
            .claim_notices(NoticeClaim::Due { limit: 10 }, 10_000, 10_100)
            .expect("claims");
        assert_eq!(
            left.iter().map(|notice| notice.id).collect::<Vec<_>>(),
            [pending.id],
            "the pending notice is kept, however old"
        );
    }
}
