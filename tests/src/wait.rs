//! Waiting for something to happen, never for a fixed time.
//!
//! A test that waits for a process, the portal or the app to do something polls for it with
//! [`wait_until`] or [`eventually`]: short steps (from [`FIRST_STEP`], doubling up to
//! [`LONGEST_STEP`]), with a timeout only as a safety net, so a fast machine finishes fast and
//! a loaded one only takes longer. A test that waits for a *time window* to pass (a token's or
//! a session's expiry, a rate-limit window, the demo advance) does not wait at all: it moves
//! the demo portal's clock ([`crate::Portal::advance_clock`]) or the core's `ManualClock`.
//!
//! `tests/tests/architecture.rs::no_test_sleeps_longer_than_200_ms` holds every test to this.

use std::time::{Duration, Instant};

/// The first pause between two looks.
pub const FIRST_STEP: Duration = Duration::from_millis(10);

/// The longest pause between two looks: no test sleeps longer than this at a time.
pub const LONGEST_STEP: Duration = Duration::from_millis(200);

/// The safety net of a wait for something that takes moments on an idle machine: generous on
/// purpose, since a 2-core CI machine shared by several builds can be very slow.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// Looks with `check` until it returns `Some`, for at most `timeout`; `None` when the timeout
/// ran out first. `check` runs at least once, and once more at the timeout.
pub fn poll<T>(timeout: Duration, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + timeout;
    let mut step = FIRST_STEP;
    loop {
        if let Some(value) = check() {
            return Some(value);
        }
        let now = Instant::now();
        if now >= deadline {
            return None;
        }
        std::thread::sleep(step.min(deadline - now));
        step = (step * 2).min(LONGEST_STEP);
    }
}

/// Looks with `check` until it returns `Some`, and returns the value.
///
/// # Panics
/// When `check` still returns `None` after `timeout`, naming `what` was waited for.
pub fn eventually<T>(what: &str, timeout: Duration, check: impl FnMut() -> Option<T>) -> T {
    poll(timeout, check).unwrap_or_else(|| panic!("waited {timeout:?} in vain for {what}"))
}

/// Looks with `condition` until it holds.
///
/// # Panics
/// When it still does not hold after `timeout`, naming `what` was waited for.
pub fn wait_until(what: &str, timeout: Duration, mut condition: impl FnMut() -> bool) {
    eventually(what, timeout, || condition().then_some(()));
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    #[test]
    fn a_wait_ends_as_soon_as_the_condition_holds() {
        let looks = Cell::new(0);
        let value = eventually("the third look", PATIENCE, || {
            looks.set(looks.get() + 1);
            (looks.get() == 3).then_some("found")
        });
        assert_eq!(value, "found", "the value of the look that succeeded");
        assert_eq!(looks.get(), 3, "no look after the condition held");
    }

    #[test]
    fn a_wait_gives_up_at_its_timeout_after_a_last_look() {
        let looks = Cell::new(0);
        let found = poll(Duration::from_millis(50), || {
            looks.set(looks.get() + 1);
            None::<()>
        });
        assert!(
            found.is_none(),
            "nothing is found when the check never holds"
        );
        assert!(
            looks.get() >= 2,
            "the check runs at the start and again at the timeout, ran {} times",
            looks.get()
        );
    }

    #[test]
    #[should_panic(expected = "in vain for the impossible")]
    fn a_wait_that_runs_out_names_what_it_waited_for() {
        wait_until("the impossible", Duration::from_millis(20), || false);
    }
}
