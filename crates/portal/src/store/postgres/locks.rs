//! The advisory locks the PostgreSQL store keeps its promises with: their namespaces and the
//! transaction-scoped lock of one key.

use crate::store::StoreResult;

/// Namespaces of the two-key advisory locks (`pg_advisory_xact_lock(namespace, hashtext(key))`),
/// so that keys of different kinds never share a lock. The change log's sequencer's lock is a
/// one-key lock, a space of its own.
#[derive(Debug, Clone, Copy)]
#[repr(i32)]
pub(crate) enum LockSpace {
    /// A rate limit's key.
    Limit = 1,
    /// A staff member's session openings.
    StaffSessions = 2,
    /// A citizen's uploads (the quota).
    CitizenUploads = 3,
    /// A demo application being seeded.
    SeededApplication = 4,
    /// A lease on periodic work, held by a session (`operations.rs`).
    Lease = 5,
    /// A place of an open event stream of a token, held by a session (`stream_slots.rs`).
    StreamPlace = 6,
}

/// Takes the transaction-scoped advisory lock of `key` in `space`; it is released at commit or
/// rollback.
pub(crate) async fn lock(
    conn: &mut sqlx::PgConnection,
    space: LockSpace,
    key: &str,
) -> StoreResult<()> {
    sqlx::query!(
        r#"SELECT 1 AS "locked!" FROM pg_advisory_xact_lock($1, hashtext($2))"#,
        space as i32,
        key
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(())
}
