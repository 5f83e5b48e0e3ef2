//! The Vietnam time zone: UTC+07:00 all year, no daylight saving. Due dates, application
//! codes, "today" for renewal rules and the dates people type are all in Vietnamese time.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};

/// Vietnam's offset, UTC+07:00; the portal writes local times with it.
pub const VIETNAM: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(offset) => offset,
    None => panic!("seven hours is a valid offset"),
};

/// `at` in Vietnamese time.
pub fn in_vietnam<Tz: TimeZone>(at: DateTime<Tz>) -> DateTime<FixedOffset> {
    at.with_timezone(&VIETNAM)
}

/// The day it is in Vietnam at `now`: the day renewal rules, due dates and the dates people
/// type count in.
pub fn vietnam_today<Tz: TimeZone>(now: DateTime<Tz>) -> NaiveDate {
    in_vietnam(now).date_naive()
}
