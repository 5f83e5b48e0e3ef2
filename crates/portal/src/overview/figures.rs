//! The early-warning figures of one agency, computed from the facts of its applications, the
//! working-day calendar and `now`: pure code, so a hand-computed fixture checks every figure.
//!
//! Definitions (the overview's contract, `opendvc_api::AgencyOverview`, states them for the
//! reader; these are the details it leaves open):
//! - An application is *open* until its result is ready (`completed`, `handed_over`) or it is
//!   closed without one (`rejected`, `withdrawn`). Closed ones count in no figure but the
//!   ratings: they have no processing time and cannot be late any more.
//! - *Finished* means the result is ready; its time is the first `completed` (or, without
//!   one, `handed_over`) entry of the timeline.
//! - Processing time is counted in working days the way due dates count them: the submission
//!   day is day 0, each working day after it up to and including the finishing day adds one.
//!   *Same-day* is a processing time of at most one working day.
//! - Every share and the medians are over the applications finished in the 30 days up to
//!   `now`; the ratings are over every rated application.
//! - Online means online and assisted submissions (both get the online processing time);
//!   counter means paper applications entered by an officer.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use opendvc_api::{Channel, DeliveryMethod, DueDay, MedianWorkingDays, RatingSummary};
use opendvc_rules::{WorkingCalendar, time::in_vietnam};

/// The window of the on-time rate, the shares and the medians.
pub const FINISHED_WINDOW_DAYS: i64 = 30;

/// The working days the due-date histogram covers.
pub const HISTOGRAM_WORKING_DAYS: usize = 10;

/// Where an application stands, as the figures need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Still being handled (received, processing, waiting for a supplement).
    Open,
    /// The result was ready at this time.
    Finished(DateTime<FixedOffset>),
    /// Rejected or withdrawn: no result.
    Closed,
}

/// What the figures read of one application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationFacts {
    pub channel: Channel,
    pub submitted_at: DateTime<FixedOffset>,
    pub due_at: DateTime<FixedOffset>,
    pub outcome: Outcome,
    pub delivery: DeliveryMethod,
    /// The citizen's stars (1–5), when rated.
    pub rating: Option<u8>,
}

/// The figures of one agency (`AgencyOverview` without its names and forecast).
#[derive(Debug, Clone, PartialEq)]
pub struct AgencyFigures {
    pub due_today: u64,
    pub due_within_one_working_day: u64,
    pub overdue: u64,
    pub on_time_rate_30d: Option<f64>,
    pub median_working_days: MedianWorkingDays,
    pub same_day_share: Option<f64>,
    pub post_delivery_share: Option<f64>,
    pub rating: RatingSummary,
    pub due_histogram: Vec<DueDay>,
}

/// The working days after `from` up to and including `to` (0 when `to` is not after
/// `from`). Years without a known calendar count weekends only, as due dates do.
pub fn working_days_between(calendar: &WorkingCalendar, from: NaiveDate, to: NaiveDate) -> u32 {
    let mut count = 0u32;
    let mut day = from;
    while day < to {
        day = calendar.next_working_day(day);
        if day <= to {
            count = count.saturating_add(1);
        }
    }
    count
}

/// The median of `values`, the mean of the middle two for an even count.
fn median(mut values: Vec<u32>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let middle = values.len() / 2;
    let value = if values.len().is_multiple_of(2) {
        (f64::from(values[middle - 1]) + f64::from(values[middle])) / 2.0
    } else {
        f64::from(values[middle])
    };
    Some(value)
}

fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The figures of one agency's applications at `now`.
pub fn agency_figures(
    applications: &[ApplicationFacts],
    calendar: &WorkingCalendar,
    now: DateTime<FixedOffset>,
) -> AgencyFigures {
    let today = in_vietnam(now).date_naive();
    let next_working_day = calendar.next_working_day(today);
    let window_start = now - Duration::days(FINISHED_WINDOW_DAYS);

    let mut histogram_days = Vec::with_capacity(HISTOGRAM_WORKING_DAYS);
    let mut day = if calendar.is_working_day(today) {
        today
    } else {
        next_working_day
    };
    while histogram_days.len() < HISTOGRAM_WORKING_DAYS {
        histogram_days.push(day);
        day = calendar.next_working_day(day);
    }
    let mut histogram_counts = vec![0u64; histogram_days.len()];

    let mut due_today = 0u64;
    let mut due_within_one_working_day = 0u64;
    let mut overdue = 0u64;
    let mut finished_in_window = 0usize;
    let mut on_time = 0usize;
    let mut same_day = 0usize;
    let mut by_post = 0usize;
    let mut online_days = Vec::new();
    let mut counter_days = Vec::new();
    let mut stars_total = 0u64;
    let mut rated = 0u64;

    for application in applications {
        if let Some(stars) = application.rating {
            stars_total += u64::from(stars);
            rated += 1;
        }
        match application.outcome {
            Outcome::Open => {
                if application.due_at < now {
                    overdue += 1;
                    continue;
                }
                let due_day = in_vietnam(application.due_at).date_naive();
                if due_day == today {
                    due_today += 1;
                }
                if due_day <= next_working_day {
                    due_within_one_working_day += 1;
                }
                if let Some(index) = histogram_days.iter().position(|day| *day == due_day) {
                    histogram_counts[index] += 1;
                }
            }
            Outcome::Finished(finished_at) => {
                if finished_at <= window_start || finished_at > now {
                    continue;
                }
                finished_in_window += 1;
                if finished_at <= application.due_at {
                    on_time += 1;
                }
                if application.delivery == DeliveryMethod::Post {
                    by_post += 1;
                }
                let days = working_days_between(
                    calendar,
                    in_vietnam(application.submitted_at).date_naive(),
                    in_vietnam(finished_at).date_naive(),
                );
                if days <= 1 {
                    same_day += 1;
                }
                match application.channel {
                    Channel::Online | Channel::Assisted => online_days.push(days),
                    Channel::Counter => counter_days.push(days),
                    Channel::Unknown => {}
                }
            }
            Outcome::Closed => {}
        }
    }

    AgencyFigures {
        due_today,
        due_within_one_working_day,
        overdue,
        on_time_rate_30d: share(on_time, finished_in_window),
        median_working_days: MedianWorkingDays {
            online: median(online_days),
            counter: median(counter_days),
        },
        same_day_share: share(same_day, finished_in_window),
        post_delivery_share: share(by_post, finished_in_window),
        rating: RatingSummary {
            average: (rated > 0).then(|| stars_total as f64 / rated as f64),
            count: rated,
        },
        due_histogram: histogram_days
            .into_iter()
            .zip(histogram_counts)
            .map(|(date, count)| DueDay { date, count })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use opendvc_api::{Holiday, HolidayCalendar, LocalizedText};
    use opendvc_rules::VIETNAM;

    fn at(month: u32, day: u32, hour: u32) -> DateTime<FixedOffset> {
        VIETNAM
            .with_ymd_and_hms(2026, month, day, hour, 0, 0)
            .single()
            .expect("a valid fixture time")
    }

    fn date(month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, month, day).expect("a valid fixture date")
    }

    /// 2026 with two invented holidays, Wednesday 2 and Friday 11 December, so the fixture
    /// crosses a day off in the past and in the histogram.
    fn calendar() -> WorkingCalendar {
        let holiday = |day: u32| Holiday {
            date: date(12, day),
            name: LocalizedText {
                vi: "Ngày nghỉ giả định".into(),
                en: "Invented day off".into(),
                id: None,
            },
            confirmed: true,
        };
        WorkingCalendar::new(&[HolidayCalendar {
            year: 2026,
            days: vec![holiday(2), holiday(11)],
            working_weekends: Vec::new(),
            source: "fixture".into(),
        }])
    }

    fn facts(
        channel: Channel,
        submitted_at: DateTime<FixedOffset>,
        due_at: DateTime<FixedOffset>,
        outcome: Outcome,
        delivery: DeliveryMethod,
        rating: Option<u8>,
    ) -> ApplicationFacts {
        ApplicationFacts {
            channel,
            submitted_at,
            due_at,
            outcome,
            delivery,
            rating,
        }
    }

    #[test]
    fn the_overview_matches_a_hand_computed_fixture() {
        use Channel::{Assisted, Counter, Online};
        use DeliveryMethod::Post;
        use Outcome::{Closed, Finished, Open};
        let desk = DeliveryMethod::Counter;
        // Wednesday 9 December 2026, 10:00 in Vietnam. The next working day is Thursday 10;
        // Friday 11 is a holiday.
        let now = at(12, 9, 10);
        let applications = [
            // Open, due today at 17:00: due today and within one working day.
            facts(Online, at(12, 7, 9), at(12, 9, 17), Open, desk, None),
            // Open, due today at 09:00, an hour ago: overdue, not due today.
            facts(Online, at(12, 8, 9), at(12, 9, 9), Open, desk, None),
            // Open, due tomorrow: within one working day.
            facts(Counter, at(12, 1, 9), at(12, 10, 17), Open, Post, None),
            // Open, due Monday 14 (after the holiday): in the histogram only.
            facts(Online, at(12, 8, 9), at(12, 14, 17), Open, desk, None),
            // Open, waiting for a supplement since before its due date: overdue.
            facts(Online, at(11, 30, 9), at(12, 3, 17), Open, desk, None),
            // Open, due next year: beyond the histogram.
            facts(
                Counter,
                at(12, 8, 9),
                at(12, 31, 17) + Duration::days(5),
                Open,
                desk,
                None,
            ),
            // Rejected long after its due date: not overdue, but its rating counts (1).
            facts(Online, at(11, 20, 9), at(12, 1, 17), Closed, desk, Some(1)),
            // Finished the day it came, 0 working days: on time, same-day, by post, rated 5.
            facts(
                Online,
                at(12, 7, 8),
                at(12, 8, 17),
                Finished(at(12, 7, 15)),
                Post,
                Some(5),
            ),
            // Assisted (counts as online), Thu 3 → Tue 8: Fri 4, Mon 7, Tue 8 = 3 days, on
            // time, rated 4.
            facts(
                Assisted,
                at(12, 3, 9),
                at(12, 8, 17),
                Finished(at(12, 8, 11)),
                desk,
                Some(4),
            ),
            // Counter, Mon 30 Nov → Wed 9 Dec, the 2nd a holiday: 1, 3, 4, 7, 8, 9 = 6 days,
            // late (due Fri 4), by post.
            facts(
                Counter,
                at(11, 30, 9),
                at(12, 4, 17),
                Finished(at(12, 9, 9)),
                Post,
                None,
            ),
            // Counter, Wed 25 → Thu 26 Nov: 1 day, same-day, on time, rated 3.
            facts(
                Counter,
                at(11, 25, 10),
                at(11, 27, 17),
                Finished(at(11, 26, 16)),
                desk,
                Some(3),
            ),
            // Finished 5 November, before the 30-day window: only its rating (2) counts.
            facts(
                Online,
                at(11, 2, 9),
                at(11, 4, 17),
                Finished(at(11, 5, 9)),
                Post,
                Some(2),
            ),
        ];

        let figures = agency_figures(&applications, &calendar(), now);

        assert_eq!(
            figures.due_today, 1,
            "open applications due today, not yet past due"
        );
        assert_eq!(
            figures.due_within_one_working_day, 2,
            "open applications due today or on the next working day"
        );
        assert_eq!(figures.overdue, 2, "open applications past their due time");
        assert_eq!(
            figures.on_time_rate_30d,
            Some(0.75),
            "3 of the 4 finished in the last 30 days were on time"
        );
        assert_eq!(
            figures.median_working_days,
            MedianWorkingDays {
                online: Some(1.5),
                counter: Some(3.5),
            },
            "median working days: online (0, 3), counter (1, 6)"
        );
        assert_eq!(
            figures.same_day_share,
            Some(0.5),
            "2 of the 4 finished within one working day"
        );
        assert_eq!(
            figures.post_delivery_share,
            Some(0.5),
            "2 of the 4 finished go by post"
        );
        assert_eq!(
            figures.rating,
            RatingSummary {
                average: Some(3.0),
                count: 5,
            },
            "every rating counts: 1, 5, 4, 3, 2"
        );
        let expected_histogram: Vec<DueDay> = [
            (date(12, 9), 1),
            (date(12, 10), 1),
            (date(12, 14), 1),
            (date(12, 15), 0),
            (date(12, 16), 0),
            (date(12, 17), 0),
            (date(12, 18), 0),
            (date(12, 21), 0),
            (date(12, 22), 0),
            (date(12, 23), 0),
        ]
        .into_iter()
        .map(|(date, count)| DueDay { date, count })
        .collect();
        assert_eq!(
            figures.due_histogram, expected_histogram,
            "the next 10 working days from today, the holiday on the 11th left out"
        );
    }

    #[test]
    fn an_agency_without_finished_applications_has_no_rates() {
        let figures = agency_figures(&[], &calendar(), at(12, 12, 10));
        assert_eq!(
            figures.on_time_rate_30d, None,
            "no on-time rate out of nothing"
        );
        assert_eq!(
            figures.same_day_share, None,
            "no same-day share out of nothing"
        );
        assert_eq!(
            figures.median_working_days.online, None,
            "no median out of nothing"
        );
        assert_eq!(
            figures.due_histogram.first().map(|day| day.date),
            Some(date(12, 14)),
            "on a Saturday the histogram starts on Monday"
        );
    }
}
