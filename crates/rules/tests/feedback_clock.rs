//! Properties of the feedback clocks over any receipt time in the years the portal ships
//! holiday calendars for (2026 and 2027, as in `tests/cases.json`): the resolve deadline is
//! always 17:00 on a working day after the day of receipt, the answer deadline is exactly the
//! service's hours later, and each at-risk point lies between receipt and its deadline, the
//! resolve clock's one within working hours.

use chrono::{DateTime, FixedOffset, NaiveTime, TimeDelta};
use opendvc_api::{FeedbackClock, Holiday, HolidayCalendar, LocalizedText, Urgency};
use opendvc_rules::feedback_clock::{
    FeedbackClocks, WorkingHours, WorkingHoursError, working_time_between,
};
use opendvc_rules::{VIETNAM, WorkingCalendar};
use proptest::prelude::*;
use serde_json::Value;

/// The calendars of `tests/cases.json`, so both test files count the same days off.
fn calendar() -> WorkingCalendar {
    let cases: Value =
        serde_json::from_str(include_str!("cases.json")).expect("tests/cases.json is valid JSON");
    let years: Vec<HolidayCalendar> = cases["calendars"]
        .as_array()
        .expect("tests/cases.json has calendars")
        .iter()
        .map(|year| HolidayCalendar {
            year: year["year"].as_i64().expect("a calendar's year") as i32,
            days: serde_json::from_value::<Vec<chrono::NaiveDate>>(year["holidays"].clone())
                .expect("holidays are dates")
                .into_iter()
                .map(|date| Holiday {
                    date,
                    name: LocalizedText {
                        vi: "Nghỉ".to_owned(),
                        en: "Day off".to_owned(),
                        id: None,
                    },
                    confirmed: true,
                })
                .collect(),
            working_weekends: serde_json::from_value(year["workingWeekends"].clone())
                .expect("working weekends are dates"),
            source: "tests/cases.json".to_owned(),
        })
        .collect();
    WorkingCalendar::new(&years)
}

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).expect("a time in the test is RFC 3339")
}

fn within_working_hours(hours: &WorkingHours, at: DateTime<FixedOffset>) -> bool {
    let time = at.with_timezone(&VIETNAM).time();
    hours
        .periods()
        .iter()
        .any(|period| period.from <= time && time <= period.to)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn resolve_by_is_five_pm_on_a_working_day_after_receipt_and_at_risk_points_lie_between(
        // Any second of 2026 and the first half of 2027, so deadlines stay in known years.
        seconds in 0i64..(365 + 181) * 86_400,
        answer_hours in 1u32..=72,
        working_days in 1u32..=10,
    ) {
        let calendar = calendar();
        let hours = WorkingHours::vietnamese_civil_service();
        let received = at("2026-01-01T00:00:00+07:00") + TimeDelta::seconds(seconds);
        let clocks = FeedbackClocks::start(&calendar, &hours, received, answer_hours, working_days);

        let resolve_local = clocks.resolve_by.with_timezone(&VIETNAM);
        prop_assert_eq!(
            resolve_local.time(),
            NaiveTime::from_hms_opt(17, 0, 0).expect("17:00"),
            "resolveBy {} is at 17:00 Vietnamese time", clocks.resolve_by
        );
        prop_assert!(
            calendar.is_working_day(resolve_local.date_naive()),
            "resolveBy {} is on a working day", clocks.resolve_by
        );
        prop_assert!(
            resolve_local.date_naive() > received.with_timezone(&VIETNAM).date_naive(),
            "resolveBy {} is on a day after the day of receipt {}", clocks.resolve_by, received
        );
        prop_assert_eq!(
            clocks.due_at - received,
            TimeDelta::hours(i64::from(answer_hours)),
            "dueAt is the service's hours after receipt, around the clock"
        );
        prop_assert!(
            received < clocks.answer_at_risk_from && clocks.answer_at_risk_from < clocks.due_at,
            "the answer clock's at-risk point {} lies between receipt {} and dueAt {}",
            clocks.answer_at_risk_from, received, clocks.due_at
        );
        prop_assert!(
            received <= clocks.resolve_at_risk_from && clocks.resolve_at_risk_from < clocks.resolve_by,
            "the resolve clock's at-risk point {} lies between receipt {} and resolveBy {}",
            clocks.resolve_at_risk_from, received, clocks.resolve_by
        );
        prop_assert!(
            within_working_hours(&hours, clocks.resolve_at_risk_from),
            "the resolve clock's at-risk point {} is within working hours", clocks.resolve_at_risk_from
        );
        let total = working_time_between(&calendar, &hours, received, clocks.resolve_by);
        let until_at_risk = working_time_between(&calendar, &hours, received, clocks.resolve_at_risk_from);
        prop_assert_eq!(
            until_at_risk * 4,
            total * 3,
            "three quarters of the resolve clock's working time has passed at its at-risk point"
        );
    }
}

#[test]
fn a_working_day_holds_seven_and_a_half_working_hours() {
    let calendar = calendar();
    let hours = WorkingHours::vietnamese_civil_service();
    let monday = working_time_between(
        &calendar,
        &hours,
        at("2026-12-07T00:00:00+07:00"),
        at("2026-12-08T00:00:00+07:00"),
    );
    assert_eq!(
        monday,
        TimeDelta::minutes(7 * 60 + 30),
        "07:30–11:30 and 13:30–17:00 on a working Monday"
    );
    let weekend = working_time_between(
        &calendar,
        &hours,
        at("2026-12-05T00:00:00+07:00"),
        at("2026-12-07T00:00:00+07:00"),
    );
    assert_eq!(
        weekend,
        TimeDelta::zero(),
        "a weekend holds no working time"
    );
}

#[test]
fn the_running_clock_decides_the_urgency() {
    let calendar = calendar();
    let hours = WorkingHours::vietnamese_civil_service();
    let clocks = FeedbackClocks::start(&calendar, &hours, at("2026-12-04T16:00:00+07:00"), 4, 3);
    let checks = [
        (
            FeedbackClock::Answer,
            "2026-12-04T18:59:59+07:00",
            Urgency::OnTrack,
        ),
        (
            FeedbackClock::Answer,
            "2026-12-04T19:00:00+07:00",
            Urgency::AtRisk,
        ),
        (
            FeedbackClock::Answer,
            "2026-12-04T20:00:00+07:00",
            Urgency::Overdue,
        ),
        (
            FeedbackClock::Resolve,
            "2026-12-04T20:00:00+07:00",
            Urgency::OnTrack,
        ),
        (
            FeedbackClock::Resolve,
            "2026-12-09T09:07:30+07:00",
            Urgency::AtRisk,
        ),
        (
            FeedbackClock::Resolve,
            "2026-12-09T17:00:00+07:00",
            Urgency::Overdue,
        ),
        (
            FeedbackClock::Stopped,
            "2026-12-20T00:00:00+07:00",
            Urgency::Finished,
        ),
    ];
    for (clock, now, expected) in checks {
        assert_eq!(
            clocks.urgency(clock, at(now)),
            expected,
            "the {clock:?} clock of an item received Friday 16:00, at {now}"
        );
    }
}

#[test]
fn working_hours_are_data_read_as_hh_mm_periods_in_order() {
    let read: WorkingHours =
        serde_json::from_str(r#"{"periods": [["07:30", "11:30"], ["13:30", "17:00"]]}"#)
            .expect("the civil service's hours read as data");
    assert_eq!(
        read,
        WorkingHours::vietnamese_civil_service(),
        "the data form gives the same hours as the built-in default"
    );
    let round_trip: WorkingHours =
        serde_json::from_value(serde_json::to_value(&read).expect("hours write as data"))
            .expect("written hours read back");
    assert_eq!(
        round_trip, read,
        "working hours survive writing and reading"
    );
    for (json, why) in [
        (r#"{"periods": []}"#, "no period"),
        (r#"{"periods": [["7h30", "11:30"]]}"#, "not HH:MM"),
        (
            r#"{"periods": [["13:30", "17:00"], ["07:30", "11:30"]]}"#,
            "out of order",
        ),
        (
            r#"{"periods": [["11:30", "07:30"]]}"#,
            "ends before it starts",
        ),
    ] {
        assert!(
            serde_json::from_str::<WorkingHours>(json).is_err(),
            "working hours with {why} are refused"
        );
    }
    assert_eq!(
        WorkingHours::new(Vec::new()),
        Err(WorkingHoursError::NoPeriod),
        "an empty day is refused with a reason"
    );
}

#[test]
fn minutes_left_count_down_on_the_running_clock_and_go_negative_when_late() {
    let calendar = calendar();
    let hours = WorkingHours::vietnamese_civil_service();
    let clocks = FeedbackClocks::start(&calendar, &hours, at("2026-12-01T22:00:00+07:00"), 4, 3);
    let checks = [
        (
            FeedbackClock::Answer,
            "2026-12-01T23:45:00+07:00",
            Some(135),
        ),
        (FeedbackClock::Answer, "2026-12-02T01:59:30+07:00", Some(0)),
        (FeedbackClock::Answer, "2026-12-02T02:00:30+07:00", Some(-1)),
        (
            FeedbackClock::Resolve,
            "2026-12-04T16:00:00+07:00",
            Some(60),
        ),
        (FeedbackClock::Stopped, "2026-12-04T16:00:00+07:00", None),
    ];
    for (clock, now, expected) in checks {
        assert_eq!(
            clocks.minutes_left(clock, at(now)),
            expected,
            "whole minutes left on the {clock:?} clock at {now} (a started late minute counts)"
        );
    }
}
