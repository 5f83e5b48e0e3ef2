//! `LimitStore` on PostgreSQL: sliding-window rate limits and fixed-window counters, checked
//! and hit in the caller's transaction.
//!
//! A limit is counted, then hit: two transactions must not both count below the limit and
//! both hit it. Each takes the advisory lock of every key it checks, in key order (so two
//! transactions with overlapping keys never wait for each other in a cycle), and holds them to
//! its commit. Expired hits of those keys are pruned under the same locks; the rest goes in the
//! daily housekeeping (`prune_expired`).

use async_trait::async_trait;
use sqlx::PgConnection;

use super::{LockSpace, PostgresStore, lock};
use crate::store::{Counter, Limit, LimitReached, LimitStore, StoreResult};

/// Locks the keys of `limits` (each once, in order) and prunes their expired hits.
pub(super) async fn lock_limits(
    conn: &mut PgConnection,
    limits: &[Limit],
    now: i64,
) -> StoreResult<()> {
    let mut keys: Vec<&str> = limits.iter().map(|limit| limit.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    for key in &keys {
        lock(conn, LockSpace::Limit, key).await?;
    }
    let keys: Vec<String> = keys.into_iter().map(str::to_owned).collect();
    sqlx::query!(
        "DELETE FROM rate_limit_hits WHERE key = ANY($1) AND expires_at <= $2",
        &keys,
        now
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The first of `limits` that is used up at `now`, with the longest wait among them. The
/// caller holds the limits' locks (`lock_limits`).
pub(super) async fn reached_limit(
    conn: &mut PgConnection,
    limits: &[Limit],
    now: i64,
) -> StoreResult<Option<LimitReached>> {
    let mut longest: Option<LimitReached> = None;
    for limit in limits {
        let since = now - limit.window_seconds;
        let count = sqlx::query_scalar!(
            r#"SELECT COUNT(*) AS "count!" FROM rate_limit_hits WHERE key = $1 AND at > $2"#,
            limit.key,
            since
        )
        .fetch_one(&mut *conn)
        .await?;
        if count < i64::from(limit.max) {
            continue;
        }
        // A hit fits again once the hit that makes the count reach the limit has left the
        // window.
        let leaving = sqlx::query_scalar!(
            "SELECT at FROM rate_limit_hits WHERE key = $1 AND at > $2
             ORDER BY at, id LIMIT 1 OFFSET $3",
            limit.key,
            since,
            count - i64::from(limit.max)
        )
        .fetch_one(&mut *conn)
        .await?;
        let wait = u64::try_from((leaving + limit.window_seconds - now).max(1)).unwrap_or(1);
        if longest.is_none_or(|reached| reached.retry_after < wait) {
            longest = Some(LimitReached { retry_after: wait });
        }
    }
    Ok(longest)
}

/// Hits every limit once at `now`; returns the hits' ids.
pub(super) async fn hit_limits(
    conn: &mut PgConnection,
    limits: &[Limit],
    now: i64,
) -> StoreResult<Vec<i64>> {
    let mut ids = Vec::with_capacity(limits.len());
    for limit in limits {
        ids.push(
            sqlx::query_scalar!(
                "INSERT INTO rate_limit_hits (key, at, expires_at) VALUES ($1, $2, $3)
                 RETURNING id",
                limit.key,
                now,
                now + limit.window_seconds
            )
            .fetch_one(&mut *conn)
            .await?,
        );
    }
    Ok(ids)
}

/// Counts one event in the counter's current window; returns the window's count. One upsert:
/// concurrent events each count once.
pub(super) async fn bump_counter(
    conn: &mut PgConnection,
    counter: &Counter,
    now: i64,
) -> StoreResult<u64> {
    let window = counter.window_seconds.max(1);
    let start = now - now.rem_euclid(window);
    let count = sqlx::query_scalar!(
        "INSERT INTO rate_limit_counters (key, window_start, count, expires_at)
         VALUES ($1, $2, 1, $3)
         ON CONFLICT (key, window_start)
         DO UPDATE SET count = rate_limit_counters.count + 1
         RETURNING count",
        counter.key,
        start,
        start + window
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(u64::try_from(count).unwrap_or(0))
}

#[async_trait]
impl LimitStore for PostgresStore {
    async fn take_limits(
        &self,
        limits: &[Limit],
        now: i64,
    ) -> StoreResult<Result<Vec<i64>, LimitReached>> {
        let mut tx = self.pool.begin().await?;
        lock_limits(&mut tx, limits, now).await?;
        if let Some(reached) = reached_limit(&mut tx, limits, now).await? {
            tx.commit().await?;
            return Ok(Err(reached));
        }
        let hits = hit_limits(&mut tx, limits, now).await?;
        tx.commit().await?;
        Ok(Ok(hits))
    }

    async fn release_hits(&self, ids: &[i64]) -> StoreResult<()> {
        sqlx::query!("DELETE FROM rate_limit_hits WHERE id = ANY($1)", ids)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn prune_expired(&self, now: i64) -> StoreResult<usize> {
        let mut tx = self.pool.begin().await?;
        let hits = sqlx::query!("DELETE FROM rate_limit_hits WHERE expires_at <= $1", now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let counters = sqlx::query!(
            "DELETE FROM rate_limit_counters WHERE expires_at <= $1",
            now
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let codes = sqlx::query!("DELETE FROM one_time_codes WHERE expires_at <= $1", now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(usize::try_from(hits + counters + codes).unwrap_or(usize::MAX))
    }
}
