//! Due dates in working days: Saturdays, Sundays and public holidays do not count, weekend
//! days declared working days do. The holiday calendar is data (one file per year).

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate, NaiveTime, TimeZone, Weekday};
use opendvc_api::{Channel, HolidayCalendar, ProcessingDays};

/// Vietnam's offset, UTC+07:00; the portal writes local times with it.
pub const VIETNAM: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(offset) => offset,
    None => panic!("seven hours is a valid offset"),
};

/// The hour a working day's processing ends.
const END_OF_WORKING_DAY: (u32, u32) = (17, 0);

/// Holidays and make-up working weekends of all the years the portal has data for.
#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    holidays: HashSet<NaiveDate>,
    working_weekends: HashSet<NaiveDate>,
}

impl WorkingCalendar {
    pub fn from_calendars(calendars: &BTreeMap<i32, HolidayCalendar>) -> Self {
        let mut calendar = WorkingCalendar::default();
        for year in calendars.values() {
            calendar
                .holidays
                .extend(year.days.iter().map(|day| day.date));
            calendar
                .working_weekends
                .extend(year.working_weekends.iter().copied());
        }
        calendar
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.working_weekends.contains(&date) {
            return true;
        }
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&date)
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> NaiveDate {
        let mut day = date;
        loop {
            day = day.checked_add_days(Days::new(1)).unwrap_or(day);
            if self.is_working_day(day) || day == NaiveDate::MAX {
                return day;
            }
        }
    }

    /// The last working day of processing: counting starts on the first working day after
    /// the submission day, which is day 1. Zero days means the same working day when the
    /// submission day is one, else the next working day.
    pub fn last_working_day(&self, submitted_on: NaiveDate, days: u32) -> NaiveDate {
        if days == 0 {
            return if self.is_working_day(submitted_on) {
                submitted_on
            } else {
                self.next_working_day(submitted_on)
            };
        }
        let mut day = submitted_on;
        for _ in 0..days {
            day = self.next_working_day(day);
        }
        day
    }

    /// 17:00 +07:00 on the last working day of processing for a submission at `submitted_at`.
    pub fn due_at(&self, submitted_at: DateTime<FixedOffset>, days: u32) -> DateTime<FixedOffset> {
        let offset = VIETNAM;
        let local_date = submitted_at.with_timezone(&offset).date_naive();
        let last = self.last_working_day(local_date, days);
        let (hour, minute) = END_OF_WORKING_DAY;
        let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN);
        offset
            .from_local_datetime(&last.and_time(time))
            .single()
            .unwrap_or_else(|| submitted_at.with_timezone(&offset))
    }
}

/// The working days granted to a submission on `channel`. Online and assisted submissions
/// get the online figure, which the catalog states after the city's reduction (Da Nang: 50%);
/// a catalog entry whose online figure exceeds the counter figure is capped at the latter.
pub fn granted_days(days: &ProcessingDays, channel: Channel) -> u32 {
    match channel {
        Channel::Online | Channel::Assisted => days.online.min(days.in_person),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opendvc_api::Holiday;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date parses")
    }

    fn shipped_calendar() -> WorkingCalendar {
        let data = crate::data::ReferenceData::load().expect("data loads");
        WorkingCalendar::from_calendars(&data.holidays)
    }

    fn calendar_2026() -> WorkingCalendar {
        let holiday = |text: &str| Holiday {
            date: date(text),
            name: opendvc_api::LocalizedText {
                vi: "Nghỉ".into(),
                en: "Holiday".into(),
                id: None,
            },
            confirmed: true,
        };
        let year = HolidayCalendar {
            year: 2026,
            days: [
                "2026-01-01",
                "2026-02-16",
                "2026-02-17",
                "2026-02-18",
                "2026-02-19",
                "2026-02-20",
                "2026-04-27",
                "2026-04-30",
                "2026-05-01",
                "2026-09-01",
                "2026-09-02",
            ]
            .into_iter()
            .map(holiday)
            .collect(),
            working_weekends: vec![date("2026-10-10")],
            source: "test".into(),
        };
        WorkingCalendar::from_calendars(&BTreeMap::from([(2026, year)]))
    }

    fn check(submitted_on: &str, days: u32, expected_last_day: &str) {
        let calendar = calendar_2026();
        assert_eq!(
            calendar.last_working_day(date(submitted_on), days),
            date(expected_last_day),
            "submitted {submitted_on} with {days} working days"
        );
    }

    #[test]
    fn due_dates_count_working_days_from_the_next_working_day() {
        // An ordinary week: Tuesday + 3 days ends on Friday.
        check("2026-11-24", 3, "2026-11-27");
        // A Friday submission starts counting on Monday.
        check("2026-11-27", 1, "2026-11-30");
        check("2026-11-27", 4, "2026-12-03");
        // A Saturday submission counts like a Friday one.
        check("2026-11-28", 1, "2026-11-30");
        // Tết 2026: 14 to 22 February off; Thursday 12 Feb + 4 days ends Wednesday 25 Feb.
        check("2026-02-12", 4, "2026-02-25");
        // The last working day before Tết: one day lands on the first day back.
        check("2026-02-13", 1, "2026-02-23");
        // Submitted during Tết.
        check("2026-02-18", 1, "2026-02-23");
        // A holiday on Monday (Hùng Kings, 27 April 2026) is skipped.
        check("2026-04-24", 2, "2026-04-29");
        // 30 April and 1 May, then the weekend.
        check("2026-04-29", 1, "2026-05-04");
        // A make-up working Saturday counts.
        check("2026-10-09", 1, "2026-10-10");
        // Zero days: the same day when it is a working day, else the next one.
        check("2026-11-24", 0, "2026-11-24");
        check("2026-11-28", 0, "2026-11-30");
    }

    #[test]
    fn due_at_is_five_pm_vietnam_time_of_the_last_day() {
        let calendar = calendar_2026();
        // 20:00 UTC on Friday is 03:00 Saturday in Vietnam: counting starts Monday.
        let submitted = DateTime::parse_from_rfc3339("2026-11-27T20:00:00Z").expect("time");
        let due = calendar.due_at(submitted, 1);
        assert_eq!(due.to_rfc3339(), "2026-11-30T17:00:00+07:00");
    }

    #[test]
    fn online_submissions_get_the_online_days() {
        let days = ProcessingDays {
            in_person: 7,
            online: 4,
        };
        assert_eq!(granted_days(&days, Channel::Online), 4);
        assert_eq!(granted_days(&days, Channel::Assisted), 4);
        let inverted = ProcessingDays {
            in_person: 2,
            online: 5,
        };
        assert_eq!(
            granted_days(&inverted, Channel::Online),
            2,
            "capped at counter days"
        );
    }

    #[test]
    fn shipped_holidays_make_tet_2026_non_working() {
        let calendar = shipped_calendar();
        for day in ["2026-02-16", "2026-02-20"] {
            assert!(
                !calendar.is_working_day(date(day)),
                "{day} is a Tết day off"
            );
        }
        assert!(
            calendar.is_working_day(date("2026-02-23")),
            "work resumes on 23 February"
        );
    }
}
