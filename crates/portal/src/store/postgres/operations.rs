//! Readiness and leases on PostgreSQL.
//!
//! **Leases** are session-level advisory locks (`pg_try_advisory_lock(5, hashtext(name))`)
//! held on one connection of their own, outside the pool: PostgreSQL frees a session's locks
//! when the session ends, so a killed instance's leases are free as soon as the server sees
//! its connection close (at once for a dead process; after TCP keepalive for a machine cut
//! off the network), and the next instance to ask takes them. No lease table, no expiry to
//! tune, no clock compared across machines. The holder checks its connection each time it
//! asks: a holder that lost its database stops doing the work at once.
//!
//! **Push across instances**: every append to the change log calls `pg_notify` (delivered at
//! commit, `changes.rs`); each instance holds one `LISTEN` connection (sqlx's `PgListener`)
//! that wakes its events hub, which then reads the change log from its cursor. When the
//! connection is lost (the server restarted) the listener reconnects, re-listens and wakes the
//! hub once more, so what was committed meanwhile is read from the table: no stream misses an
//! event, whichever instance wrote it.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::PgListener;
use sqlx::{Connection, PgConnection};
use tokio::sync::Notify;

use super::changes::CHANGES_CHANNEL;
use super::{Leases, LockSpace, MIGRATOR, PostgresStore, applied_migrations};
use crate::store::{
    ChangeSignal, HealthStore, LeaseStore, NotReady, StoreError, StoreResult, StreamSlot,
    StreamSlotStore,
};

#[async_trait]
impl StreamSlotStore for PostgresStore {
    async fn take_stream_slot(
        &self,
        token_hash: &str,
        max: u32,
    ) -> StoreResult<Option<StreamSlot>> {
        let requests = self
            .stream_places
            .get_or_init(|| super::stream_slots::start(self.pool.clone()));
        super::stream_slots::take(requests, token_hash, max).await
    }
}

#[async_trait]
impl LeaseStore for PostgresStore {
    async fn hold_lease(&self, name: &str) -> bool {
        let mut leases = self.leases.lock().await;
        match hold(&self.pool, &mut leases, name).await {
            Ok(held) => held,
            Err(error) => {
                // The session (and every lease on it) is gone or unusable: start afresh.
                tracing::warn!(%error, lease = name, "the lease connection failed");
                leases.connection = None;
                leases.held.clear();
                false
            }
        }
    }
}

async fn hold(pool: &sqlx::PgPool, leases: &mut Leases, name: &str) -> Result<bool, sqlx::Error> {
    if leases.connection.is_none() {
        leases.held.clear();
        leases.connection = Some(PgConnection::connect_with(&pool.connect_options()).await?);
    }
    let Some(connection) = leases.connection.as_mut() else {
        return Ok(false);
    };
    if leases.held.contains(name) {
        // Session locks last as long as the session: an answer on it means they still hold.
        connection.ping().await?;
        return Ok(true);
    }
    // Not checked at compile time: the statement reads no table, so there is nothing for the
    // offline query data to check.
    let taken: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, hashtext($2))")
        .bind(LockSpace::Lease as i32)
        .bind(name)
        .fetch_one(&mut *connection)
        .await?;
    if taken {
        leases.held.insert(name.to_owned());
    }
    Ok(taken)
}

/// How long a readiness check waits for a connection and its answers: a load balancer's
/// probe wants a quick no rather than a late yes.
const READINESS_DEADLINE: std::time::Duration = std::time::Duration::from_secs(3);

#[async_trait::async_trait]
impl HealthStore for PostgresStore {
    async fn readiness(&self) -> Result<(), NotReady> {
        let check = async {
            let applied = applied_migrations(&self.pool).await?;
            let known = MIGRATOR
                .iter()
                .filter(|migration| migration.migration_type.is_up_migration())
                .count();
            if applied < known {
                return Err(StoreError::Database(format!(
                    "the schema is behind: {applied} of this binary's {known} migrations are \
                     applied; run `opendvc-portal migrate`"
                )));
            }
            Ok(())
        };
        match tokio::time::timeout(READINESS_DEADLINE, check).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(NotReady(error.to_string())),
            Err(_) => Err(NotReady(format!(
                "the database did not answer within {READINESS_DEADLINE:?}"
            ))),
        }
    }
}

/// The longest wait between two attempts to reconnect the `LISTEN` connection.
const LISTEN_RETRY: Duration = Duration::from_secs(1);

#[async_trait]
impl ChangeSignal for PostgresStore {
    async fn change_signal(&self) -> Option<Arc<Notify>> {
        let pool = self.pool.clone();
        let signal = self
            .change_signal
            .get_or_init(|| async move {
                let signal = Arc::new(Notify::new());
                tokio::spawn(listen(pool, signal.clone()));
                signal
            })
            .await;
        Some(signal.clone())
    }
}

/// Wakes `signal` at every notification on the change log's channel, and after every
/// reconnection; runs for the life of the process.
async fn listen(pool: sqlx::PgPool, signal: Arc<Notify>) {
    let mut listener = loop {
        match listen_on(&pool).await {
            Ok(listener) => break listener,
            Err(error) => {
                tracing::warn!(%error, "events: cannot LISTEN for changes yet; the hub polls");
                tokio::time::sleep(LISTEN_RETRY).await;
            }
        }
    };
    loop {
        match listener.try_recv().await {
            Ok(Some(_)) => signal.notify_one(),
            // The connection was lost; the next call reconnects and listens again. Whatever
            // was committed meanwhile is read from the table after the wake-up.
            Ok(None) => {
                tracing::warn!("events: the LISTEN connection was lost; reconnecting");
                signal.notify_one();
            }
            Err(error) => {
                tracing::warn!(%error, "events: LISTEN failed; retrying");
                signal.notify_one();
                tokio::time::sleep(LISTEN_RETRY).await;
            }
        }
    }
}

async fn listen_on(pool: &sqlx::PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    // Changes are pulled from the table; the listener needs no message kept while away.
    listener.ignore_pool_close_event(true);
    listener.listen(CHANGES_CHANNEL).await?;
    Ok(listener)
}
