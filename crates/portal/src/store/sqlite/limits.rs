//! `LimitStore` on SQLite: sliding-window rate limits and fixed-window counters, checked and
//! hit in the caller's transaction.

use rusqlite::{Connection, params};

use async_trait::async_trait;

use super::Cached;
use super::{Database, SqliteStore};
use crate::store::{Counter, Limit, LimitReached, LimitStore, StoreResult};

/// Forgets hits and counters whose window has passed, so the limit tables stay bounded by
/// the traffic of their longest window.
pub(super) fn prune_limits(tx: &Connection, now: i64) -> StoreResult<usize> {
    let hits = tx.execute_cached(
        "DELETE FROM rate_limit_hits WHERE expires_at <= ?1",
        params![now],
    )?;
    let counters = tx.execute_cached(
        "DELETE FROM rate_limit_counters WHERE expires_at <= ?1",
        params![now],
    )?;
    Ok(hits + counters)
}

/// The first of `limits` that is used up at `now`, with the longest wait among them.
pub(super) fn reached_limit(
    tx: &Connection,
    limits: &[Limit],
    now: i64,
) -> StoreResult<Option<LimitReached>> {
    let mut longest: Option<LimitReached> = None;
    for limit in limits {
        let since = now - limit.window_seconds;
        let count: i64 = tx.query_row_cached(
            "SELECT COUNT(*) FROM rate_limit_hits WHERE key = ?1 AND at > ?2",
            params![limit.key, since],
            |row| row.get(0),
        )?;
        if count < i64::from(limit.max) {
            continue;
        }
        // A hit fits again once the hit that makes the count reach the limit has left the
        // window.
        let leaving: i64 = tx.query_row_cached(
            "SELECT at FROM rate_limit_hits WHERE key = ?1 AND at > ?2
             ORDER BY at LIMIT 1 OFFSET ?3",
            params![limit.key, since, count - i64::from(limit.max)],
            |row| row.get(0),
        )?;
        let wait = u64::try_from((leaving + limit.window_seconds - now).max(1)).unwrap_or(1);
        if longest.is_none_or(|reached| reached.retry_after < wait) {
            longest = Some(LimitReached { retry_after: wait });
        }
    }
    Ok(longest)
}

/// Hits every limit once at `now`; returns the hits' ids.
pub(super) fn hit_limits(tx: &Connection, limits: &[Limit], now: i64) -> StoreResult<Vec<i64>> {
    let mut ids = Vec::with_capacity(limits.len());
    for limit in limits {
        ids.push(tx.query_row_cached(
            "INSERT INTO rate_limit_hits (key, at, expires_at) VALUES (?1, ?2, ?3) RETURNING id",
            params![limit.key, now, now + limit.window_seconds],
            |row| row.get(0),
        )?);
    }
    Ok(ids)
}

/// Counts one event in the counter's current window; returns the window's count.
pub(super) fn bump_counter(tx: &Connection, counter: &Counter, now: i64) -> StoreResult<u64> {
    let window = counter.window_seconds.max(1);
    let start = now - now.rem_euclid(window);
    let count: i64 = tx.query_row_cached(
        "INSERT INTO rate_limit_counters (key, window_start, count, expires_at)
         VALUES (?1, ?2, 1, ?3)
         ON CONFLICT(key, window_start) DO UPDATE SET count = count + 1 RETURNING count",
        params![counter.key, start, start + window],
        |row| row.get(0),
    )?;
    Ok(u64::try_from(count).unwrap_or(0))
}

impl Database {
    pub(super) fn take_limits(
        &self,
        limits: &[Limit],
        now: i64,
    ) -> StoreResult<Result<Vec<i64>, LimitReached>> {
        self.write(|tx| {
            prune_limits(tx, now)?;
            if let Some(reached) = reached_limit(tx, limits, now)? {
                return Ok(Err(reached));
            }
            Ok(Ok(hit_limits(tx, limits, now)?))
        })
    }

    pub(super) fn release_hits(&self, ids: &[i64]) -> StoreResult<()> {
        self.write(|tx| {
            for id in ids {
                tx.execute_cached("DELETE FROM rate_limit_hits WHERE id = ?1", params![id])?;
            }
            Ok(())
        })
    }

    pub(super) fn prune_expired(&self, now: i64) -> StoreResult<usize> {
        self.write(|tx| {
            let limits = prune_limits(tx, now)?;
            let codes = tx.execute_cached(
                "DELETE FROM one_time_codes WHERE expires_at <= ?1",
                params![now],
            )?;
            Ok(limits + codes)
        })
    }
}

#[async_trait]
impl LimitStore for SqliteStore {
    async fn take_limits(
        &self,
        limits: &[Limit],
        now: i64,
    ) -> StoreResult<Result<Vec<i64>, LimitReached>> {
        let limits = limits.to_vec();
        self.blocking(move |db| db.take_limits(&limits, now)).await
    }

    async fn release_hits(&self, ids: &[i64]) -> StoreResult<()> {
        let ids = ids.to_vec();
        self.blocking(move |db| db.release_hits(&ids)).await
    }

    async fn prune_expired(&self, now: i64) -> StoreResult<usize> {
        self.blocking(move |db| db.prune_expired(now)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::tests::scratch;

    #[test]
    fn parallel_hits_never_pass_a_limit() {
        let scratch = scratch();
        let store = &scratch.store;
        let limit = Limit {
            key: "parallel".into(),
            max: 7,
            window_seconds: 60,
        };
        let taken = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..40)
                .map(|_| scope.spawn(|| store.take_limits(std::slice::from_ref(&limit), 100)))
                .collect();
            handles
                .into_iter()
                .map(|handle| handle.join().expect("joins").expect("runs"))
                .filter(Result::is_ok)
                .count()
        });
        assert_eq!(taken, 7, "forty parallel attempts take exactly the limit");
        assert_eq!(
            store
                .take_limits(std::slice::from_ref(&limit), 159)
                .expect("runs"),
            Err(LimitReached { retry_after: 1 })
        );
        assert!(
            store
                .take_limits(std::slice::from_ref(&limit), 160)
                .expect("runs")
                .is_ok(),
            "the window slid past the burst"
        );
        store.prune_expired(1_000).expect("prunes");
        let left: i64 = store
            .reader()
            .query_row_cached("SELECT COUNT(*) FROM rate_limit_hits", [], |row| row.get(0))
            .expect("counts");
        assert_eq!(
            left, 0,
            "expired hits are pruned, so the table stays bounded"
        );
    }

    #[test]
    fn a_released_hit_no_longer_counts() {
        let scratch = scratch();
        let store = &scratch.store;
        let limit = Limit {
            key: "staff".into(),
            max: 1,
            window_seconds: 300,
        };
        let hits = store
            .take_limits(std::slice::from_ref(&limit), 0)
            .expect("runs")
            .expect("within the limit");
        assert!(
            store
                .take_limits(std::slice::from_ref(&limit), 1)
                .expect("runs")
                .is_err()
        );
        store.release_hits(&hits).expect("released");
        assert!(
            store
                .take_limits(std::slice::from_ref(&limit), 2)
                .expect("runs")
                .is_ok()
        );
    }
}
