//! Readiness and leases on PostgreSQL.
//!
//! **Leases** are session-level advisory locks (`pg_try_advisory_lock(5, hashtext(name))`)
//! held on one connection of their own, outside the pool: PostgreSQL frees a session's locks
//! when the session ends, so a killed instance's leases are free as soon as the server sees
//! its connection close (at once for a dead process; after TCP keepalive for a machine cut
//! off the network), and the next instance to ask takes them. No lease table, no expiry to
//! tune, no clock compared across machines. The holder checks its connection each time it
//! asks: a holder that lost its database stops doing the work at once.

use async_trait::async_trait;
use sqlx::{Connection, PgConnection};

use super::{Leases, LockSpace, MIGRATOR, PostgresStore, applied_migrations};
use crate::store::{HealthStore, LeaseStore, NotReady, StoreError};

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
