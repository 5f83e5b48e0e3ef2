//! What running several instances needs of the store, beside the domain: whether the
//! database can serve (`GET /readyz`).

use async_trait::async_trait;

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
