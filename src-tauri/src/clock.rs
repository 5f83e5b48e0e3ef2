//! The shell's only reads of a clock. Everything the screens show is built by the core with
//! its own injected clock (`OpenDvc::now`); the shell measures only how long the app took to
//! show its first dashboard, and where that time went, for the start-up bench.

use std::time::{Duration, Instant, SystemTime};

/// Now, on the monotonic clock: when the process started.
pub fn started() -> Instant {
    Instant::now()
}

/// Now, on the wall clock: when the process started, to place the page's own timings
/// (`performance.timeOrigin`) on the process's time line.
pub fn started_wall() -> SystemTime {
    SystemTime::now()
}

/// How long ago `start` was.
pub fn since(start: Instant) -> Duration {
    start.elapsed()
}
