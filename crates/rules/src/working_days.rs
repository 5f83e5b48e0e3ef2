//! Working days and due dates. Saturdays, Sundays and public holidays do not count; weekend
//! days declared working days (to make up for a bridge holiday) do. The holiday calendar is
//! data, one `opendvc_api::HolidayCalendar` per year (the portal's `data/holidays/`, served at
//! `GET /v1/holidays/{year}` and cached by the app).
//!
//! The portal counts a due date; the app counts down to it, offline, from the calendars it
//! cached. A due date needs an answer even in a year whose holidays are not published yet, so
//! [`WorkingCalendar::due_at`] counts such days by weekends alone; a countdown shown to a
//! person would rather show nothing than something wrong, so
//! [`WorkingCalendar::working_days_left`] gives no count across a year it does not know.

use std::collections::{BTreeSet, HashSet};

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate, NaiveTime, TimeZone, Weekday};
use opendvc_api::{Channel, HolidayCalendar, ProcessingDays};

use crate::time::VIETNAM;

/// The hour a working day's processing ends, Vietnamese time.
pub const END_OF_WORKING_DAY: (u32, u32) = (17, 0);

/// The holiday calendars known, merged.
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

    /// Whether the holidays of `year` are known.
    pub fn knows_year(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// Whether `date` is a working day. In a year without a known calendar only weekends are
    /// days off.
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

    /// 17:00 Vietnamese time on the last working day of processing for a submission at
    /// `submitted_at`; the submission day is the Vietnamese one.
    pub fn due_at(&self, submitted_at: DateTime<FixedOffset>, days: u32) -> DateTime<FixedOffset> {
        let local_date = submitted_at.with_timezone(&VIETNAM).date_naive();
        let last = self.last_working_day(local_date, days);
        let (hour, minute) = END_OF_WORKING_DAY;
        let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN);
        VIETNAM
            .from_local_datetime(&last.and_time(time))
            .single()
            .unwrap_or_else(|| submitted_at.with_timezone(&VIETNAM))
    }

    /// The working days after `today` up to and including `due`: 1 when the due date is the
    /// next working day, 0 when it is today or already passed. `None` when a year in between
    /// has no known calendar.
    pub fn working_days_left(&self, today: NaiveDate, due: NaiveDate) -> Option<u32> {
        let mut left = 0u32;
        let mut day = today.succ_opt()?;
        while day <= due {
            if !self.knows_year(day.year()) {
                return None;
            }
            if self.is_working_day(day) {
                left = left.saturating_add(1);
            }
            day = day.succ_opt()?;
        }
        Some(left)
    }
}

/// The working days granted to a submission on `channel`. Online and assisted submissions
/// get the online figure, which the catalog states after the city's reduction (Da Nang: 50%);
/// a catalog entry whose online figure exceeds the counter figure is capped at the latter.
/// A paper application at the counter gets the counter figure.
pub fn granted_days(days: &ProcessingDays, channel: Channel) -> u32 {
    match channel {
        Channel::Online | Channel::Assisted => days.online.min(days.in_person),
        Channel::Counter | Channel::Unknown => days.in_person,
    }
}
