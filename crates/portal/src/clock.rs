//! Time is read in one place and passed into logic, so rules stay testable.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, FixedOffset, Utc};
use opendvc_rules::VIETNAM;

pub trait Clock: Send + Sync {
    /// Now, in Vietnam time.
    fn now(&self) -> DateTime<FixedOffset>;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<FixedOffset> {
        Utc::now().with_timezone(&VIETNAM)
    }
}

/// The demo portal's clock: the system clock moved forward by an offset that only grows.
/// `POST /v1/dev/clock` (demo mode only) moves it, so tests of windows measured in hours or
/// days move time instead of sleeping through it.
#[derive(Debug, Default)]
pub struct DemoClock {
    offset_seconds: AtomicI64,
}

impl DemoClock {
    /// Moves the clock forward by `seconds` (clamped to at least 0 and at most ten years, so a
    /// wrong value cannot overflow a date); returns the whole offset now.
    pub fn advance(&self, seconds: i64) -> i64 {
        const TEN_YEARS: i64 = 10 * 366 * 24 * 3600;
        let step = seconds.clamp(0, TEN_YEARS);
        let before = self.offset_seconds.fetch_add(step, Ordering::SeqCst);
        before.saturating_add(step)
    }

    /// How far ahead of the system clock this clock runs, seconds.
    pub fn offset_seconds(&self) -> i64 {
        self.offset_seconds.load(Ordering::SeqCst)
    }
}

impl Clock for DemoClock {
    fn now(&self) -> DateTime<FixedOffset> {
        let now = SystemClock.now();
        now.checked_add_signed(Duration::seconds(self.offset_seconds()))
            .unwrap_or(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_clock_only_moves_forward() {
        let clock = DemoClock::default();
        assert_eq!(clock.advance(3600), 3600);
        assert_eq!(clock.advance(-7200), 3600, "a negative step does nothing");
        let ahead = clock.now() - SystemClock.now();
        assert!(
            ahead >= Duration::seconds(3599) && ahead <= Duration::seconds(3601),
            "the clock runs an hour ahead: {ahead}"
        );
        assert_eq!(clock.advance(i64::MAX), 3600 + 10 * 366 * 24 * 3600);
    }
}
