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

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test dates are valid")
    }

    #[test]
    fn the_exported_calendar_parses_as_icalendar_with_an_alarm_per_stage() {
        let entries = [
            CalendarEntry {
                document_id: Uuid::from_u128(1),
                expires_on: date("2027-06-30"),
                summary: "Hộ chiếu hết hạn".to_owned(),
                description: "Gia hạn hộ chiếu; nhiều nước yêu cầu còn hạn 6 tháng.".to_owned(),
                alarm_days_before: vec![270, 180, 90, 30, 0],
            },
            CalendarEntry {
                document_id: Uuid::from_u128(2),
                expires_on: date("2026-12-30"),
                summary: "Temporary residence ends".to_owned(),
                description: "File the extension, a long description; with, commas".to_owned(),
                alarm_days_before: vec![15, 7, 1, 0],
            },
        ];
        let now = Utc
            .with_ymd_and_hms(2026, 11, 29, 3, 0, 0)
            .single()
            .expect("valid time");
        let text = calendar("OpenDVC", &entries, now);
        let parsed: icalendar::Calendar = text.parse().expect("the export parses as iCalendar");
        let events: Vec<&icalendar::Event> = parsed
            .components
            .iter()
            .filter_map(|component| match component {
                icalendar::CalendarComponent::Event(event) => Some(event),
                _ => None,
            })
            .collect();
        assert_eq!(events.len(), 2, "one event per expiry");
        use icalendar::Component;
        assert_eq!(events[0].get_summary(), Some("Hộ chiếu hết hạn"));
        assert_eq!(
            events[0].get_start(),
            Some(icalendar::DatePerhapsTime::Date(date("2027-06-30"))),
            "all-day on the expiry date"
        );
        assert_eq!(
            text.matches("BEGIN:VALARM").count(),
            9,
            "one alarm per stage"
        );
        assert!(
            text.contains(&format!("TRIGGER:-PT{}S", 270 * 86_400)),
            "alarms are relative to the expiry: {text}"
        );
        assert!(
            text.contains("DTEND;VALUE=DATE:20270701"),
            "all-day events end the next day"
        );
        assert_eq!(
            text.matches("DTSTAMP:").count(),
            text.matches("DTSTAMP:20261129T030000Z").count(),
            "every stamp is the passed-in time, none the wall clock: {text}"
        );
        assert!(
            text.contains("DTSTAMP:20261129T030000Z"),
            "stamped with the passed-in time"
        );
    }
}
