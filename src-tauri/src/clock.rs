//! The shell's only reads of a clock. Everything the screens show is built by the core with
//! its own injected clock (`OpenDvc::now`); the shell measures only how long the app took to
//! show its first dashboard, for the start-up bench.

use std::time::{Duration, Instant};

/// Now, on the monotonic clock: when the process started.
pub fn started() -> Instant {
    Instant::now()
}

/// How long ago `start` was.
pub fn since(start: Instant) -> Duration {
    start.elapsed()
}
