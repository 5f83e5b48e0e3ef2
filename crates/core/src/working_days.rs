//! Working days left until an application's due date, from the holiday calendars the portal
//! publishes (`GET /v1/holidays/{year}`, cached with the reference data).
//!
//! The portal counts the due date itself; the core only counts down to it, so a person sees
//! "7 working days left" offline. Saturdays and Sundays are days off unless the calendar lists
//! them as make-up working days; listed holidays are days off. A year without a cached
//! calendar gives no count rather than a wrong one.

use std::collections::{BTreeSet, HashSet};

use chrono::{Datelike, NaiveDate, Weekday};
use opendvc_api::HolidayCalendar;

/// The holiday calendars the device knows, merged.
#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    years: BTreeSet<i32>,
    holidays: HashSet<NaiveDate>,
    working_weekends: HashSet<NaiveDate>,
}

impl WorkingCalendar {
    pub fn new<'a>(calendars: impl IntoIterator<Item = &'a HolidayCalendar>) -> Self {
        let mut calendar = WorkingCalendar::default();
        for year in calendars {
            calendar.years.insert(year.year);
            calendar
                .holidays
                .extend(year.days.iter().map(|holiday| holiday.date));
            calendar
                .working_weekends
                .extend(year.working_weekends.iter().copied());
        }
        calendar
    }

    /// Whether `date` is a working day; `None` when its year's calendar is not known.
    pub fn is_working_day(&self, date: NaiveDate) -> Option<bool> {
        if !self.years.contains(&date.year()) {
            return None;
        }
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        Some(if self.working_weekends.contains(&date) {
            true
        } else {
            !weekend && !self.holidays.contains(&date)
        })
    }

    /// The working days after `today` up to and including `due`: 1 when the due date is the
    /// next working day, 0 when it is today or already passed. `None` when a year in between
    /// has no known calendar.
    pub fn working_days_left(&self, today: NaiveDate, due: NaiveDate) -> Option<u32> {
        let mut left = 0u32;
        let mut day = today.succ_opt()?;
        while day <= due {
            if self.is_working_day(day)? {
                left = left.saturating_add(1);
            }
            day = day.succ_opt()?;
        }
        Some(left)
    }
}

#[cfg(test)]
mod tests {
    use opendvc_api::{Holiday, LocalizedText};

    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
    }

    fn calendar_2026() -> HolidayCalendar {
        let holiday = |day: &str| Holiday {
            date: date(day),
            name: LocalizedText {
                vi: "Nghỉ".to_owned(),
                en: "Day off".to_owned(),
                id: None,
            },
            confirmed: true,
        };
        HolidayCalendar {
            year: 2026,
            // Thursday 30 April and Friday 1 May, Reunification Day and Labour Day.
            days: vec![holiday("2026-04-30"), holiday("2026-05-01")],
            // A make-up Saturday.
            working_weekends: vec![date("2026-05-09")],
            source: "test".to_owned(),
        }
    }

    #[test]
    fn weekends_and_holidays_do_not_count() {
        let calendar = WorkingCalendar::new([&calendar_2026()]);
        // From Wednesday 29 April to Tuesday 5 May: 30 Apr, 1 May off, 2–3 May weekend,
        // 4 and 5 May count.
        assert_eq!(
            calendar.working_days_left(date("2026-04-29"), date("2026-05-05")),
            Some(2)
        );
    }

    #[test]
    fn a_make_up_saturday_counts() {
        let calendar = WorkingCalendar::new([&calendar_2026()]);
        // Friday 8 May to Monday 11 May: Saturday 9 May is a working day, Sunday is not.
        assert_eq!(
            calendar.working_days_left(date("2026-05-08"), date("2026-05-11")),
            Some(2)
        );
    }

    #[test]
    fn due_today_or_passed_leaves_none() {
        let calendar = WorkingCalendar::new([&calendar_2026()]);
        assert_eq!(
            calendar.working_days_left(date("2026-06-10"), date("2026-06-10")),
            Some(0)
        );
        assert_eq!(
            calendar.working_days_left(date("2026-06-10"), date("2026-06-01")),
            Some(0)
        );
        assert_eq!(
            calendar.working_days_left(date("2026-06-10"), date("2026-06-11")),
            Some(1)
        );
    }

    #[test]
    fn an_unknown_year_gives_no_count_rather_than_a_wrong_one() {
        let calendar = WorkingCalendar::new([&calendar_2026()]);
        assert_eq!(
            calendar.working_days_left(date("2026-12-30"), date("2027-01-05")),
            None
        );
        assert_eq!(
            WorkingCalendar::default().is_working_day(date("2026-06-10")),
            None
        );
    }
}
