//! The per-citizen change log every write records in (behind `/v1/sync` and `/v1/events`),
//! and inbox items, which every writer adds through it.
//!
//! A reader's cursor is the highest sequence number it has seen. With concurrent writers a
//! sequence number given out first may commit last, and a cursor that passed it would never
//! see it. So a writer takes one advisory lock before its first append and holds it until it
//! commits: appends become visible in the order of their numbers. Writers append as late in
//! their transaction as they can, so the lock is held for little more than the commit.

use opendvc_api::InboxItem;
use sqlx::PgConnection;
use uuid::Uuid;

use super::rows::to_json;
use crate::store::StoreResult;

/// The channel every commit to the change log notifies (`NOTIFY`, delivered at commit, once per
/// transaction), which each instance's events hub listens on (`operations.rs`).
pub(super) const CHANGES_CHANNEL: &str = "opendvc_changes";

/// The one-key advisory lock of the change log ("opendvc" and 1).
const CHANGE_LOG_LOCK: i64 = 0x6f70_656e_6476_6301;

/// Records that an entity of the citizen changed: it moves to the end of the change log.
pub(super) async fn touch(
    conn: &mut PgConnection,
    citizen_id: Uuid,
    kind: &str,
    entity_id: &str,
) -> StoreResult<()> {
    // Re-entrant: a transaction that appends twice takes the lock it already holds.
    sqlx::query!(
        r#"SELECT 1 AS "locked!" FROM pg_advisory_xact_lock($1)"#,
        CHANGE_LOG_LOCK
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM change_log WHERE citizen_id = $1 AND entity_kind = $2 AND entity_id = $3",
        citizen_id,
        kind,
        entity_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO change_log (citizen_id, entity_kind, entity_id) VALUES ($1, $2, $3)",
        citizen_id,
        kind,
        entity_id
    )
    .execute(&mut *conn)
    .await?;
    // Delivered when the transaction commits, never if it rolls back; several in one
    // transaction arrive as one. Not checked at compile time: it reads no table.
    sqlx::query("SELECT pg_notify($1, '')")
        .bind(CHANGES_CHANNEL)
        .execute(&mut *conn)
        .await?;
    Ok(())
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
