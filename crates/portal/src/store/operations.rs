//! What running several instances needs of the store, beside the domain: whether the
//! database can serve (`GET /readyz`), which instance does the periodic work (leases), and a
//! wake-up when another instance commits a change (push across instances).

use std::sync::Arc;

use async_trait::async_trait;

/// Everything of this module, as one bound of `Store`.
pub trait Operations: HealthStore + LeaseStore + ChangeSignal {}

impl<T: HealthStore + LeaseStore + ChangeSignal> Operations for T {}

/// Why the database cannot serve: for the log, never for an answer.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NotReady(pub String);

/// The database's health, for a load balancer.
#[async_trait]
pub trait HealthStore: Send + Sync {
    /// `Ok` when the database answers and its schema has every migration this binary knows.
    async fn readiness(&self) -> Result<(), NotReady>;
}

/// Leases on periodic work, so that of several instances on one database one does each job.
#[async_trait]
pub trait LeaseStore: Send + Sync {
    /// True when this process holds the lease `name` now: it held it and still does, or it
    /// was free and is taken. A holder that dies (or loses its database) frees its leases, and
    /// the next instance to ask takes them. A failure to ask is a no (logged).
    async fn hold_lease(&self, name: &str) -> bool;
}

/// A wake-up for the events hub when any process commits to the change log.
#[async_trait]
pub trait ChangeSignal: Send + Sync {
    /// Notified (`notify_one`, so a wake-up between two waits is kept) after any process
    /// commits a change, and after the signal's own connection came back from a loss (changes
    /// may have been missed meanwhile). `None` when the database has no such signal: the hub
    /// then polls often.
    async fn change_signal(&self) -> Option<Arc<tokio::sync::Notify>>;
}
