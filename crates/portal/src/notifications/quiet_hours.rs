//! Quiet hours: an SMS the citizen's settings would send while they sleep waits for the end of
//! their quiet hours (Vietnam time), and is never dropped. One-time codes and the
//! assisted-session notice are never held (their callers do not ask).

use chrono::{DateTime, Duration, FixedOffset, NaiveTime};
use opendvc_api::QuietHours;
use opendvc_rules::VIETNAM;

/// A time of day written `HH:MM` (24 hours, two digits each), as quiet hours are; `None` for
/// anything else (`7:00`, `24:00`, `07:00:00`).
pub fn parse_hh_mm(text: &str) -> Option<NaiveTime> {
    let bytes = text.as_bytes();
    let well_formed = bytes.len() == 5
        && bytes[2] == b':'
        && [0, 1, 3, 4].iter().all(|&at| bytes[at].is_ascii_digit());
    if !well_formed {
        return None;
    }
    NaiveTime::parse_from_str(text, "%H:%M").ok()
}

/// When an SMS due `at` may leave: `None` when `at` is outside the quiet hours (or they are off
/// or unreadable), else the end of the quiet hours it falls in. The window includes its start
/// and excludes its end, and may cross midnight (21:00–07:00).
pub fn held_until(quiet: &QuietHours, at: DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
    if !quiet.enabled {
        return None;
    }
    let start = parse_hh_mm(&quiet.start)?;
    let end = parse_hh_mm(&quiet.end)?;
    if start == end {
        return None;
    }
    let local = at.with_timezone(&VIETNAM);
    let time = local.time();
    let end_on = |days: i64| -> Option<DateTime<FixedOffset>> {
        let day = local.date_naive() + Duration::days(days);
        day.and_time(end).and_local_timezone(VIETNAM).single()
    };
    let inside = |from: NaiveTime, to: NaiveTime| time >= from && time < to;
    if start < end {
        inside(start, end).then(|| end_on(0)).flatten()
    } else if time >= start {
        end_on(1)
    } else if time < end {
        end_on(0)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiet(enabled: bool, start: &str, end: &str) -> QuietHours {
        QuietHours {
            enabled,
            start: start.to_owned(),
            end: end.to_owned(),
        }
    }

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).expect("a test time")
    }

    /// Table: quiet hours, the time an SMS is due, and when it may leave (`None`: at once).
    fn check(quiet: &QuietHours, due: &str, expected: Option<&str>) {
        assert_eq!(
            held_until(quiet, at(due)),
            expected.map(at),
            "an SMS due {due} with quiet hours {}–{} (enabled: {})",
            quiet.start,
            quiet.end,
            quiet.enabled
        );
    }

    #[test]
    fn an_sms_in_quiet_hours_across_midnight_waits_for_their_end() {
        let night = quiet(true, "21:00", "07:00");
        check(
            &night,
            "2026-12-05T22:00:00+07:00",
            Some("2026-12-06T07:00:00+07:00"),
        );
        check(
            &night,
            "2026-12-06T03:30:00+07:00",
            Some("2026-12-06T07:00:00+07:00"),
        );
        check(&night, "2026-12-05T12:00:00+07:00", None);
        check(&night, "2026-12-05T20:59:59+07:00", None);
    }

    #[test]
    fn quiet_hours_begin_at_their_start_and_end_at_their_end() {
        let night = quiet(true, "21:00", "07:00");
        check(
            &night,
            "2026-12-05T21:00:00+07:00",
            Some("2026-12-06T07:00:00+07:00"),
        );
        check(&night, "2026-12-06T07:00:00+07:00", None);
        check(
            &night,
            "2026-12-06T06:59:59+07:00",
            Some("2026-12-06T07:00:00+07:00"),
        );
    }

    #[test]
    fn quiet_hours_within_one_day_hold_only_inside() {
        let lunch = quiet(true, "12:00", "13:30");
        check(
            &lunch,
            "2026-12-05T12:15:00+07:00",
            Some("2026-12-05T13:30:00+07:00"),
        );
        check(&lunch, "2026-12-05T13:30:00+07:00", None);
        check(&lunch, "2026-12-05T11:59:00+07:00", None);
    }

    #[test]
    fn switched_off_quiet_hours_hold_nothing() {
        check(
            &quiet(false, "21:00", "07:00"),
            "2026-12-05T22:00:00+07:00",
            None,
        );
        check(
            &quiet(true, "21:00", "21:00"),
            "2026-12-05T22:00:00+07:00",
            None,
        );
    }

    #[test]
    fn quiet_hours_are_vietnam_time_whatever_the_offset_of_the_clock() {
        let night = quiet(true, "21:00", "07:00");
        // 15:00 UTC is 22:00 in Vietnam.
        check(
            &night,
            "2026-12-05T15:00:00+00:00",
            Some("2026-12-06T07:00:00+07:00"),
        );
    }
}
