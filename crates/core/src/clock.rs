//! Time and chance, passed in.
//!
//! Queue and back-off logic never read the system clock or a global random number generator:
//! they take a [`Clock`] and a [`Jitter`], so tests can drive time and randomness by hand.

use std::fmt::Debug;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Tells the current time.
pub trait Clock: Send + Sync + Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to; for tests and simulations (feature `test-support`).
#[cfg(any(test, feature = "test-support"))]
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

#[cfg(any(test, feature = "test-support"))]
impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock {
            now: Mutex::new(start),
        }
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: chrono::Duration) {
        let mut now = self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *now += by;
    }

    /// Sets the clock to `to`.
    pub fn set(&self, to: DateTime<Utc>) {
        *self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = to;
    }
}

#[cfg(any(test, feature = "test-support"))]
impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Draws the random part of a back-off delay: a whole number of milliseconds in `0..=max`.
pub trait Jitter: Send + Sync + Debug {
    fn draw_millis(&self, max: u64) -> u64;
}

/// Jitter from a seeded or OS-seeded generator.
#[derive(Debug)]
pub struct RandomJitter {
    rng: Mutex<StdRng>,
}

impl RandomJitter {
    /// A generator seeded from the operating system.
    pub fn from_os() -> Self {
        RandomJitter {
            rng: Mutex::new(StdRng::from_os_rng()),
        }
    }

    /// A reproducible generator, for tests (feature `test-support`).
    #[cfg(any(test, feature = "test-support"))]
    pub fn seeded(seed: u64) -> Self {
        RandomJitter {
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
        }
    }
}

impl Jitter for RandomJitter {
    fn draw_millis(&self, max: u64) -> u64 {
        let mut rng = self
            .rng
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        rng.random_range(0..=max)
    }
}

/// Jitter that always draws the largest value; makes back-off delays exact in tests (feature
/// `test-support`).
#[cfg(any(test, feature = "test-support"))]
#[derive(Debug, Default, Clone, Copy)]
pub struct MaxJitter;

#[cfg(any(test, feature = "test-support"))]
impl Jitter for MaxJitter {
    fn draw_millis(&self, max: u64) -> u64 {
        max
    }
}
