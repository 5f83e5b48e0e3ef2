//! A sliding-window rate limiter for one-time code requests, per ID number.
//!
//! It lives in memory: one portal process serves one city's sign-ins; a multi-process
//! deployment would keep these counters in its shared store instead.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

#[derive(Debug)]
pub struct RateLimiter {
    max: usize,
    window_seconds: i64,
    hits: Mutex<HashMap<String, VecDeque<i64>>>,
}

impl RateLimiter {
    pub fn new(max: usize, window_seconds: i64) -> Self {
        RateLimiter {
            max,
            window_seconds,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request for `key` at `now` (unix seconds). `Err(seconds)` when over the limit:
    /// the caller may retry after that many seconds; a refused request is not counted.
    pub fn check(&self, key: &str, now: i64) -> Result<(), u64> {
        self.blocked(key, now)?;
        self.record(key, now);
        Ok(())
    }

    /// `Err(seconds)` when `key` has used up its window at `now`; counts nothing.
    pub fn blocked(&self, key: &str, now: i64) -> Result<(), u64> {
        let mut hits = self
            .hits
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Forget keys whose window has passed, so the map does not grow without bound.
        hits.retain(|_, times| {
            times
                .back()
                .is_some_and(|last| now - last < self.window_seconds)
        });
        let Some(times) = hits.get_mut(key) else {
            return Ok(());
        };
        while times
            .front()
            .is_some_and(|first| now - first >= self.window_seconds)
        {
            times.pop_front();
        }
        if times.len() >= self.max {
            let oldest = times.front().copied().unwrap_or(now);
            let wait = (oldest + self.window_seconds - now).max(1);
            return Err(u64::try_from(wait).unwrap_or(1));
        }
        Ok(())
    }

    /// Counts one event for `key` at `now`.
    pub fn record(&self, key: &str, now: i64) {
        let mut hits = self
            .hits
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        hits.entry(key.to_owned()).or_default().push_back(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_over_the_limit_wait_for_the_window() {
        let limiter = RateLimiter::new(2, 60);
        assert_eq!(limiter.check("048090001234", 1000), Ok(()));
        assert_eq!(limiter.check("048090001234", 1010), Ok(()));
        assert_eq!(
            limiter.check("048090001234", 1020),
            Err(40),
            "third in the window waits"
        );
        assert_eq!(
            limiter.check("048075005678", 1020),
            Ok(()),
            "other ID numbers are separate"
        );
        assert_eq!(
            limiter.check("048090001234", 1060),
            Ok(()),
            "the first request left the window"
        );
    }

    #[test]
    fn only_recorded_failures_block() {
        let limiter = RateLimiter::new(2, 60);
        assert_eq!(limiter.blocked("BD-HC-001", 0), Ok(()));
        limiter.record("BD-HC-001", 0);
        limiter.record("BD-HC-001", 1);
        assert_eq!(limiter.blocked("BD-HC-001", 2), Err(58));
        assert_eq!(
            limiter.blocked("BD-HC-002", 2),
            Ok(()),
            "other codes are separate"
        );
    }
}
