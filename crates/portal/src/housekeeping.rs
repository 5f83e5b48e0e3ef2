//! The portal's daily housekeeping: idempotency keys past their retention, expired rate-limit
//! hits and one-time codes, uploads no application uses once every window has passed, and
//! notifications sent (or failed and not retried) longer ago than `notifications.retentionDays`.
//!
//! It runs at start-up and then once a day; in demo mode also whenever the clock is moved
//! (`POST /v1/dev/clock`), so a test that moves time sees what a day's run would have done.

use std::time::Duration;

use crate::attachments;
use crate::error::ApiError;
use crate::idempotency;
use crate::state::AppState;

/// What one run removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    pub idempotency_keys: usize,
    pub limit_rows: usize,
    pub uploads: usize,
    pub files: usize,
    pub notifications: usize,
}

/// Runs every housekeeping task once, at the portal's now.
pub async fn run(state: &AppState) -> Result<Swept, ApiError> {
    let now = state.clock.now().timestamp();
    let cutoff = idempotency::retention_cutoff(now);
    let idempotency_keys = state.store.purge_idempotency(cutoff).await?;
    let limit_rows = state.store.prune_expired(now).await?;
    let collected = attachments::collect(state).await?;
    let retention = i64::from(state.limits.notifications.retention_days) * 24 * 3600;
    let notifications = state.store.purge_notices(now - retention).await?;
    Ok(Swept {
        idempotency_keys,
        limit_rows,
        uploads: collected.uploads,
        files: collected.files,
        notifications,
    })
}

/// Runs the housekeeping now and then once a day, logging what went; of several instances on
/// one database, the one that holds the lease `housekeeping` does it.
pub async fn daily(state: AppState) {
    let store = state.store.clone();
    crate::periodic::run_once_across_instances(
        store,
        "housekeeping",
        Duration::from_secs(24 * 3600),
        || async { log(run(&state).await) },
    )
    .await;
}

/// One line on stderr for a run that removed something or failed.
pub fn log(result: Result<Swept, ApiError>) {
    match result {
        Ok(swept) if swept == Swept::default() => {}
        Ok(swept) => tracing::info!(
            idempotency_keys = swept.idempotency_keys,
            limit_rows = swept.limit_rows,
            uploads = swept.uploads,
            files = swept.files,
            notifications = swept.notifications,
            "housekeeping: expired keys, rate-limit rows, codes, unused uploads and old notifications removed"
        ),
        Err(error) => tracing::error!(problem = %error.problem.title, "housekeeping failed"),
    }
}
