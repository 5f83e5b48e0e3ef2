//! The PostgreSQL implementation of the store, for several portal instances on one database.
//!
//! A pool of connections (sqlx, async); every query is checked at compile time against the
//! schema (`sqlx::query!`, with the offline query data in `crates/portal/.sqlx`). Migrations
//! are sqlx's (`crates/portal/migrations/postgres`, embedded): the migrator holds an advisory
//! lock while it runs, so instances starting together on an empty database migrate once.
//!
//! **Durability.** Every connection commits with `synchronous_commit=on`, set as a connection
//! option (which wins over a role's or a database's default), and the store refuses to start if
//! a connection reports anything else: a commit returns only once its WAL is flushed, so what
//! the portal acknowledged (a 201, a spent refresh token, a rate-limit hit) survives a crash of
//! the server. `fsync=off` on the server would undo that; it is reported loudly at start.
//!
//! **Concurrency.** Transactions run at READ COMMITTED, PostgreSQL's default; each promise that
//! SQLite keeps with its single writer (`BEGIN IMMEDIATE`) is kept here by a named lock or a
//! conditional statement, said at each method:
//! - a limit checked and hit: a transaction-scoped advisory lock per limit key, taken in key
//!   order (`limits.rs`);
//! - the hourly session limit: an advisory lock per staff member (`auth.rs`);
//! - the upload quota: an advisory lock per citizen (`attachments.rs`);
//! - a change to an application: its row `FOR UPDATE` (`applications.rs`);
//! - an application code given once: its prefix's counter row, raised in a short transaction of
//!   its own before the submission's, so no submission holds it through its commit
//!   (`applications.rs`, `next_code_number`);
//! - a refresh token spent once: its row `FOR UPDATE` (`auth.rs`);
//! - a one-time code used once, a late item counted within its limit: conditional `UPDATE`s;
//! - an idempotency key stored once: `INSERT … ON CONFLICT DO NOTHING`, the loser rolls back;
//! - a renewal stage notified once: `INSERT … ON CONFLICT DO NOTHING` on its key, stages in
//!   key order, the loser rolls back without a notice (`renewal.rs`);
//! - the change log read in order, never past a change still to commit: writers append
//!   without a position and take no lock; a sequencer gives positions to committed rows only,
//!   one run at a time under one advisory lock, and every reader runs it first (`changes.rs`).
//!
//! Locks are taken in one order (an application's row, then its change-log row; limit keys
//! sorted); the sequencer waits for no writer (`SKIP LOCKED`), so no two transactions wait for
//! each other in a cycle.
//!
//! One module per trait of `crate::store`, as in `store::sqlite`: `citizens`, `auth`,
//! `limits`, `access_log`, `attachments`, `applications`, `outbox`, `notification_settings`, `events`, `feedback`, `payments`; `rows` loads whole
//! records, `changes` is the change log, `stream_slots` the places of open event streams. This module holds the pool, the migrations and the
//! checks at start.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use super::{StoreError, StoreResult};

use locks::{LockSpace, lock};

mod access_log;
mod applications;
mod attachments;
mod auth;
mod changes;
mod citizens;
pub mod copy;
mod events;
mod feedback;
mod feedback_warnings;
mod late_warnings;
mod limits;
mod locks;
mod notification_settings;
mod notifications;
mod officer;
mod operations;
mod outbox;
mod payments;
mod renewal;
mod rows;
mod stream_slots;

#[cfg(test)]
pub(crate) mod tests;

/// The schema's migrations, embedded in the binary.
pub(super) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// How the portal uses its PostgreSQL server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostgresOptions {
    /// Connections held at most (`serve --db-connections`).
    pub max_connections: u32,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            max_connections: 16,
        }
    }
}

/// The PostgreSQL store: a pool of connections.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    /// The connection that holds this instance's leases (`operations.rs`).
    leases: std::sync::Arc<tokio::sync::Mutex<Leases>>,
    /// The wake-up of the events hub, fed by a `LISTEN` task started on first use.
    change_signal: std::sync::Arc<tokio::sync::OnceCell<std::sync::Arc<tokio::sync::Notify>>>,
    /// The task holding this instance's event stream places, started on first use
    /// (`stream_slots.rs`).
    stream_places: std::sync::Arc<
        std::sync::OnceLock<tokio::sync::mpsc::UnboundedSender<stream_slots::SlotRequest>>,
    >,
    /// This instance's background sequencer of the change log, woken after each commit that
    /// appended to it (`changes.rs`).
    sequencer: changes::Sequencer,
}

/// The connection that holds this instance's leases, and the leases it holds (`operations.rs`).
#[derive(Debug, Default)]
struct Leases {
    connection: Option<sqlx::PgConnection>,
    held: std::collections::HashSet<String>,
}

/// How long a request waits for a pooled connection before it is answered 503.
const ACQUIRE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

fn connect_options(url: &str) -> StoreResult<PgConnectOptions> {
    // PGPASSWORD and ~/.pgpass (PGPASSFILE) are read by sqlx when the URL has no password.
    let options = PgConnectOptions::from_str(url)
        .map_err(|error| StoreError::Database(format!("the database URL: {error}")))?;
    Ok(options
        .application_name("opendvc-portal")
        .options([("synchronous_commit", "on")]))
}

impl PostgresStore {
    /// Connects to the database at `url`, runs the migrations (once across instances starting
    /// together) and checks that commits are durable.
    pub async fn connect(url: &str, options: PostgresOptions) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections)
            // A request waits this long for a connection, then answers 503 with Retry-After
            // (a database that is down fails fast instead of holding clients for 30 s).
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(connect_options(url)?)
            .await?;
        MIGRATOR.run(&pool).await.map_err(migration_failed)?;
        let store = PostgresStore {
            sequencer: changes::Sequencer::start(pool.clone()),
            pool,
            leases: std::sync::Arc::default(),
            change_signal: std::sync::Arc::default(),
            stream_places: std::sync::Arc::default(),
        };
        store.check_durability().await?;
        Ok(store)
    }

    /// Runs the migrations of the database at `url`; returns how many were applied now.
    pub async fn migrate_only(url: &str) -> StoreResult<usize> {
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(connect_options(url)?)
            .await?;
        let before = applied_migrations(&pool).await?;
        MIGRATOR.run(&pool).await.map_err(migration_failed)?;
        let after = applied_migrations(&pool).await?;
        pool.close().await;
        Ok(after.saturating_sub(before))
    }

    /// Refuses a connection that would acknowledge a commit before it is on disk, and says
    /// loudly when the server itself does not flush to disk.
    async fn check_durability(&self) -> StoreResult<()> {
        let settings = sqlx::query!(
            r#"SELECT current_setting('synchronous_commit') AS "synchronous_commit!",
                      current_setting('fsync') AS "fsync!""#
        )
        .fetch_one(&self.pool)
        .await?;
        if settings.synchronous_commit == "off" {
            return Err(StoreError::Database(
                "the connection runs with synchronous_commit=off, so an acknowledged submission \
                 could be lost in a crash; let the portal's connections set \
                 synchronous_commit=on (is PGOPTIONS overriding it?)"
                    .into(),
            ));
        }
        if settings.fsync == "off" {
            tracing::warn!(
                "WARNING: the PostgreSQL server runs with fsync=off: a crash of its machine can \
                 lose or corrupt acknowledged data. Use it only for throwaway test clusters."
            );
        }
        Ok(())
    }
}

fn migration_failed(error: sqlx::migrate::MigrateError) -> StoreError {
    StoreError::Database(format!("migration failed: {error}"))
}

pub(super) async fn applied_migrations(pool: &PgPool) -> StoreResult<usize> {
    // Before the first migration the table does not exist yet.
    let exists =
        sqlx::query_scalar!(r#"SELECT to_regclass('_sqlx_migrations') IS NOT NULL AS "exists!""#)
            .fetch_one(pool)
            .await?;
    if !exists {
        return Ok(0);
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await?;
    Ok(usize::try_from(count).unwrap_or(0))
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            // The server is down, restarting or unreachable, or every connection stayed busy
            // past the pool's wait: nothing was done, and the client may resend (503).
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(error.to_string())
            }
            // A connection the server closed (a restart, a terminated backend) or that is
            // shutting down: the same for the client.
            sqlx::Error::Database(ref database)
                if database
                    .code()
                    .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")) =>
            {
                StoreError::Unavailable(error.to_string())
            }
            other => StoreError::Database(other.to_string()),
        }
    }
}
