//! Periodic work done once across instances: each job runs only in the instance that holds its
//! lease (`LeaseStore`, a session advisory lock on PostgreSQL; always held on SQLite, where one
//! process serves the file). Every instance asks for each lease at least every
//! [`LEASE_CHECK`]; when the holder dies its lease is freed and the next instance to ask takes
//! it over and runs the job at once, then at the job's period.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::store::Store;

/// How often an instance asks for a lease it does not hold (and checks one it holds): the
/// longest a job waits for a new holder after the old one died.
pub const LEASE_CHECK: Duration = Duration::from_secs(5);

/// Runs `work` every `every` for as long as the process lives, but only while this instance
/// holds the lease `name`.
pub async fn run_once_across_instances<F, Fut>(
    store: Arc<dyn Store>,
    name: &'static str,
    every: Duration,
    mut work: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let mut ticks = tokio::time::interval(every.min(LEASE_CHECK));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_run: Option<Instant> = None;
    loop {
        ticks.tick().await;
        if !store.hold_lease(name).await {
            if last_run.take().is_some() {
                tracing::warn!(
                    job = name,
                    "lost the lease: another instance does this work"
                );
            }
            continue;
        }
        if last_run.is_none() {
            tracing::info!(job = name, "holds the lease: this instance does this work");
        }
        if last_run.is_none_or(|at| at.elapsed() >= every) {
            last_run = Some(Instant::now());
            work().await;
        }
    }
}
