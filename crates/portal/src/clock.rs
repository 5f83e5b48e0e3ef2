//! Time is read in one place and passed into logic, so rules stay testable.

use chrono::{DateTime, FixedOffset, Utc};

use crate::working_days::VIETNAM;

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
