//! Calendar export (RFC 5545): upcoming expiries as all-day events with an alarm at each
//! reminder stage, for any calendar app.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use icalendar::{Alarm, Calendar, Component, Event, EventLike};
use uuid::Uuid;

/// One expiry to put in the calendar, with its texts already in the person's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEntry {
    pub document_id: Uuid,
    pub expires_on: NaiveDate,
    pub summary: String,
    pub description: String,
    /// Days before the expiry at which the calendar app should alert.
    pub alarm_days_before: Vec<u32>,
}

/// The iCalendar text for `entries`. `now` stamps the events (DTSTAMP), so the output is a pure
/// function of its inputs.
pub fn calendar(name: &str, entries: &[CalendarEntry], now: DateTime<Utc>) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name);
    for entry in entries {
        let mut event = Event::new();
        event
            .uid(&format!(
                "{}-{}@opendvc",
                entry.document_id, entry.expires_on
            ))
            .timestamp(now)
            .summary(&entry.summary)
            .description(&entry.description)
            .starts(entry.expires_on);
        // RFC 5545 ends an all-day event on the following day (DTEND is exclusive).
        if let Some(next_day) = entry.expires_on.succ_opt() {
            event.ends(next_day);
        }
        for &days in &entry.alarm_days_before {
            let before = -TimeDelta::days(i64::from(days));
            let mut alarm = Alarm::display(&entry.summary, before);
            // The library stamps alarms with the wall clock and a random id; both are set here
            // so that the export is reproducible.
            alarm
                .uid(&format!(
                    "{}-{}-{days}@opendvc",
                    entry.document_id, entry.expires_on
                ))
                .timestamp(now);
            event.alarm(alarm);
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}
