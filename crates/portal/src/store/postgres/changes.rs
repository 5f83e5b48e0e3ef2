//! The per-citizen change log every write records in (behind `/v1/sync` and `/v1/events`),
//! and inbox items, which every writer adds through it.
//!
//! **Positions are given after commit.** A reader's cursor is the highest position it has seen,
//! and it reads `position > cursor`. A number handed out inside a writer's transaction may
//! commit after a higher one (or never), and a cursor that passed it would never see it; the
//! portal once made writers take one lock from their first append to their commit, which made
//! durable commits run one at a time. Now writers never wait for one another:
//!
//! - a writer's append ([`touch`]) leaves the row without a position (`position IS NULL`);
//!   readers never return such a row. Touching an entity again clears its position, so it moves
//!   to the end once sequenced, as the old delete-and-insert did;
//! - the sequencer ([`sequence`]) gives positions, from the sequence `change_log_position`, to
//!   rows that have committed without one, in one short transaction under one advisory lock, so
//!   two sequencers (on any instance) never interleave. Its `UPDATE` runs at READ COMMITTED with
//!   a snapshot taken after the lock: it sees exactly the rows committed before it, never an
//!   uncommitted one; rows committed later are left for the next run.
//!
//! Why a reader never misses a row: sequencers run one at a time, and the next takes the lock
//! only once the previous has committed (PostgreSQL releases a transaction's locks after its
//! commit is visible), so each run's positions are above every earlier run's (`nextval` only
//! grows; values of a run that rolled back are gaps, never reused). Hence at any moment the
//! positions a reader can see are all that were given out up to the highest it sees; the only
//! positions not yet visible belong to the one run in flight and are above all visible ones; and
//! a row committed later gets a position above every one given out before. A cursor can
//! therefore only stand below rows it has not read. A writer that rolls back leaves no row (or
//! its re-touched row as it was, with its position). A row that loses its position to a new
//! touch disappears until sequenced again, above the cursor of whoever saw its old state, so
//! they see it again. Two instances share the table, the sequence and the lock: the argument is
//! the same.
//!
//! **Who sequences.** Every read of the log runs the sequencer first (`events.rs`,
//! `sync_page`), so a reader sees every write committed before it began — a citizen's `/v1/sync`
//! right after their own submission includes it. The check that anything awaits a position is
//! one indexed read without the lock, so readers of a quiet log never queue. After each commit
//! that appended, the writing instance wakes its background sequencer ([`Sequencer`]), which
//! `NOTIFY`s every instance's events hub once it gave positions; the hubs also poll (and so
//! sequence) every second, which covers an instance that died between its commit and its run.
//! A row being touched again at that moment by another transaction is skipped (`SKIP LOCKED`)
//! and sequenced after that transaction ends, which is its newer state anyway; no run waits for
//! a writer, so the two never wait for each other in a cycle.
//!
//! `NOTIFY` is sent by the sequencer, not by writers: PostgreSQL serialises the commits of all
//! transactions that notified (one lock on the notification queue held through the commit), so
//! writers that notified would again commit one at a time.

use std::sync::Arc;

use opendvc_api::InboxItem;
use sqlx::{PgConnection, PgPool};
use tokio::sync::Notify;
use uuid::Uuid;

use super::rows::to_json;
use crate::store::StoreResult;

/// The channel every sequencer run that gave positions notifies (`NOTIFY`, delivered at commit),
/// which each instance's events hub listens on (`operations.rs`).
pub(super) const CHANGES_CHANNEL: &str = "opendvc_changes";

/// The one-key advisory lock of the sequencer ("opendvc" and 1).
const SEQUENCER_LOCK: i64 = 0x6f70_656e_6476_6301;

/// Records that an entity of the citizen changed: once its transaction commits and the
/// sequencer runs, it moves to the end of the change log. Takes no lock beyond the row's own.
pub(super) async fn touch(
    conn: &mut PgConnection,
    citizen_id: Uuid,
    kind: &str,
    entity_id: &str,
) -> StoreResult<()> {
    sqlx::query!(
        "INSERT INTO change_log (citizen_id, entity_kind, entity_id) VALUES ($1, $2, $3)
         ON CONFLICT (citizen_id, entity_kind, entity_id) DO UPDATE SET position = NULL",
        citizen_id,
        kind,
        entity_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Gives positions to every committed row that has none; returns how many it gave. Notifies
/// the events hubs of every instance when it gave any.
pub(super) async fn sequence(pool: &PgPool) -> StoreResult<u64> {
    let pending = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM change_log WHERE position IS NULL) AS "pending!""#
    )
    .fetch_one(pool)
    .await?;
    if !pending {
        return Ok(0);
    }
    let mut tx = pool.begin().await?;
    sqlx::query!(
        r#"SELECT 1 AS "locked!" FROM pg_advisory_xact_lock($1)"#,
        SEQUENCER_LOCK
    )
    .fetch_one(&mut *tx)
    .await?;
    // A new statement, so its snapshot is taken under the lock, after the previous run's commit.
    let given = sqlx::query!(
        "WITH pending AS (
             SELECT seq FROM change_log WHERE position IS NULL
             ORDER BY seq FOR UPDATE SKIP LOCKED
         ), numbered AS (
             SELECT seq, nextval('change_log_position') AS position
             FROM (SELECT seq FROM pending ORDER BY seq) AS ordered
         )
         UPDATE change_log SET position = numbered.position
         FROM numbered WHERE change_log.seq = numbered.seq"
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if given > 0 {
        // Delivered when this run commits. Not checked at compile time: it reads no table.
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(CHANGES_CHANNEL)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(given)
}

/// An instance's background sequencer: woken after each commit that appended to the change log,
/// it runs [`sequence`] once for all the wake-ups that arrived meanwhile.
#[derive(Debug, Clone)]
pub(super) struct Sequencer {
    wake: Arc<Notify>,
}

impl Sequencer {
    /// Starts the sequencer's task on the current tokio runtime.
    pub(super) fn start(pool: PgPool) -> Self {
        let wake = Arc::new(Notify::new());
        tokio::spawn(run(pool, wake.clone()));
        Sequencer { wake }
    }

    /// Says that a transaction that appended to the change log has committed.
    pub(super) fn committed(&self) {
        self.wake.notify_one();
    }
}

async fn run(pool: PgPool, wake: Arc<Notify>) {
    loop {
        wake.notified().await;
        if pool.is_closed() {
            return;
        }
        // A failed run leaves the rows for the next one, or for a hub's poll within a second.
        if let Err(error) = sequence(&pool).await {
            tracing::warn!(%error, "events: sequencing the change log failed; retried at the next change");
        }
    }
}

/// Adds the inbox item unless one with its id exists; true when added.
pub(super) async fn insert_inbox(
    conn: &mut PgConnection,
    citizen_id: Uuid,
    item: &InboxItem,
) -> StoreResult<bool> {
    let inserted = sqlx::query!(
        "INSERT INTO inbox_items (id, citizen_id, item) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO NOTHING",
        item.id,
        citizen_id,
        to_json(item)?
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted > 0 {
        touch(conn, citizen_id, "inbox", &item.id.to_string()).await?;
    }
    Ok(inserted > 0)
}
