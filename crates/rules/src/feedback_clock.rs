//! The two clocks of a resident's feedback (phản ánh, kiến nghị), one computation for the
//! portal, the warnings and the console.
//!
//! - The *answer* clock runs around the clock (the operations centre works 24/7): the first
//!   answer is due `answerHours` after receipt ([`answer_due`]).
//! - The *resolve* clock counts working days on the portal's [`WorkingCalendar`]: the item is
//!   resolved by 17:00 on the `resolveWorkingDays`-th working day, counted from the next
//!   working day after receipt ([`resolve_by`]; received Friday 16:00 with three days →
//!   Wednesday 17:00; received on a public holiday → Thursday is day 1 when Wednesday is the
//!   holiday).
//!
//! Each clock is *at risk* from 75% of its time ([`AT_RISK_SHARE`]): for the answer clock 75%
//! of the hours around the clock ([`answer_at_risk_from`]); for the resolve clock 75% of the
//! *working time* ([`WorkingHours`], 07:30–11:30 and 13:30–17:00 on the calendar's working
//! days) between receipt, or the next start of working hours, and the deadline
//! ([`resolve_at_risk_from`]). A reopened item starts both clocks afresh from the reopening:
//! the same functions with the reopening's time.

use chrono::{DateTime, Days, FixedOffset, NaiveDate, NaiveTime, TimeDelta, TimeZone};
use opendvc_api::{FeedbackClock, Urgency};
use serde::{Deserialize, Serialize};

use crate::time::VIETNAM;
use crate::working_days::WorkingCalendar;

/// The share of a clock's time after which it is at risk: three quarters.
pub const AT_RISK_SHARE: (i32, i32) = (3, 4);

/// One stretch of working time within a working day, Vietnamese time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkingPeriod {
    pub from: NaiveTime,
    pub to: NaiveTime,
}

/// The working hours of a working day (the days themselves are the [`WorkingCalendar`]'s:
/// Monday to Friday without public holidays, plus make-up working weekends).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "WorkingHoursData", into = "WorkingHoursData")]
pub struct WorkingHours {
    periods: Vec<WorkingPeriod>,
}

/// Working hours as data: `{"periods": [["07:30", "11:30"], ["13:30", "17:00"]]}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct WorkingHoursData {
    periods: Vec<(String, String)>,
}

/// Working hours that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkingHoursError {
    #[error("working hours need at least one period, such as [\"07:30\", \"11:30\"]")]
    NoPeriod,
    #[error("\"{0}\" is not a time of day written HH:MM, such as \"07:30\"")]
    NotATime(String),
    #[error(
        "the working period {from}–{to} must end after it starts and after the period before it ends; list the periods of the day in order"
    )]
    OutOfOrder { from: NaiveTime, to: NaiveTime },
}

impl WorkingHours {
    /// Periods of the day in order, each ending after it starts and after the one before ends.
    pub fn new(periods: Vec<WorkingPeriod>) -> Result<Self, WorkingHoursError> {
        if periods.is_empty() {
            return Err(WorkingHoursError::NoPeriod);
        }
        let mut previous_end: Option<NaiveTime> = None;
        for period in &periods {
            let after_previous = previous_end.is_none_or(|end| period.from >= end);
            if period.to <= period.from || !after_previous {
                return Err(WorkingHoursError::OutOfOrder {
                    from: period.from,
                    to: period.to,
                });
            }
            previous_end = Some(period.to);
        }
        Ok(WorkingHours { periods })
    }

    /// The civil service's hours in Vietnam: 07:30–11:30 and 13:30–17:00.
    pub fn vietnamese_civil_service() -> Self {
        let time =
            |hour, minute| NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN);
        WorkingHours {
            periods: vec![
                WorkingPeriod {
                    from: time(7, 30),
                    to: time(11, 30),
                },
                WorkingPeriod {
                    from: time(13, 30),
                    to: time(17, 0),
                },
            ],
        }
    }

    pub fn periods(&self) -> &[WorkingPeriod] {
        &self.periods
    }
}

impl Default for WorkingHours {
    fn default() -> Self {
        WorkingHours::vietnamese_civil_service()
    }
}

impl TryFrom<WorkingHoursData> for WorkingHours {
    type Error = WorkingHoursError;

    fn try_from(data: WorkingHoursData) -> Result<Self, Self::Error> {
        let time = |text: &str| {
            NaiveTime::parse_from_str(text, "%H:%M")
                .map_err(|_| WorkingHoursError::NotATime(text.to_owned()))
        };
        let periods = data
            .periods
            .iter()
            .map(|(from, to)| {
                Ok(WorkingPeriod {
                    from: time(from)?,
                    to: time(to)?,
                })
            })
            .collect::<Result<Vec<_>, WorkingHoursError>>()?;
        WorkingHours::new(periods)
    }
}

impl From<WorkingHours> for WorkingHoursData {
    fn from(hours: WorkingHours) -> Self {
        WorkingHoursData {
            periods: hours
                .periods
                .iter()
                .map(|period| {
                    (
                        period.from.format("%H:%M").to_string(),
                        period.to.format("%H:%M").to_string(),
                    )
                })
                .collect(),
        }
    }
}

/// The first answer is due `hours` after receipt, around the clock, in Vietnamese time.
pub fn answer_due(received: DateTime<FixedOffset>, hours: u32) -> DateTime<FixedOffset> {
    let received = received.with_timezone(&VIETNAM);
    received
        .checked_add_signed(TimeDelta::hours(i64::from(hours)))
        .unwrap_or(received)
}

/// 17:00 Vietnamese time on the `working_days`-th working day counted from the next working
/// day after receipt.
pub fn resolve_by(
    calendar: &WorkingCalendar,
    received: DateTime<FixedOffset>,
    working_days: u32,
) -> DateTime<FixedOffset> {
    // Zero days would be 17:00 of the day of receipt, which may have passed: at least one.
    calendar.due_at(received, working_days.max(1))
}

/// The answer clock is at risk from 75% of the time between receipt and `due`.
pub fn answer_at_risk_from(
    received: DateTime<FixedOffset>,
    due: DateTime<FixedOffset>,
) -> DateTime<FixedOffset> {
    let (share, whole) = AT_RISK_SHARE;
    received.with_timezone(&VIETNAM) + (due - received) * share / whole
}

/// The resolve clock is at risk once 75% of the working time between receipt (or the next
/// start of working hours) and `resolve_by` has passed.
pub fn resolve_at_risk_from(
    calendar: &WorkingCalendar,
    hours: &WorkingHours,
    received: DateTime<FixedOffset>,
    resolve_by: DateTime<FixedOffset>,
) -> DateTime<FixedOffset> {
    let (share, whole) = AT_RISK_SHARE;
    let total = working_time_between(calendar, hours, received, resolve_by);
    let mut left = total * share / whole;
    let received = received.with_timezone(&VIETNAM);
    for (from, to) in working_stretches(calendar, hours, received, resolve_by) {
        let length = to - from;
        if left <= length {
            return from + left;
        }
        left -= length;
    }
    // No working time at all before the deadline: the item is at risk from receipt.
    received
}

/// The working time between `from` and `to`: the parts of working hours on working days.
pub fn working_time_between(
    calendar: &WorkingCalendar,
    hours: &WorkingHours,
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
) -> TimeDelta {
    working_stretches(calendar, hours, from, to)
        .map(|(start, end)| end - start)
        .fold(TimeDelta::zero(), |sum, length| sum + length)
}

/// The stretches of working time between `from` and `to`, in order, each clipped to them.
fn working_stretches<'a>(
    calendar: &'a WorkingCalendar,
    hours: &'a WorkingHours,
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
) -> impl Iterator<Item = (DateTime<FixedOffset>, DateTime<FixedOffset>)> + 'a {
    let first_day = from.with_timezone(&VIETNAM).date_naive();
    let last_day = to.with_timezone(&VIETNAM).date_naive();
    let days = std::iter::successors(Some(first_day), move |day| {
        day.checked_add_days(Days::new(1))
            .filter(|next| *next <= last_day)
    });
    days.filter(|day| calendar.is_working_day(*day))
        .flat_map(move |day| hours.periods.iter().map(move |period| (day, *period)))
        .filter_map(move |(day, period)| {
            let start = local(day, period.from)?.max(from);
            let end = local(day, period.to)?.min(to);
            (start < end).then_some((start, end))
        })
}

fn local(day: NaiveDate, time: NaiveTime) -> Option<DateTime<FixedOffset>> {
    VIETNAM.from_local_datetime(&day.and_time(time)).single()
}

/// Both clocks of one item, started at receipt (or at a reopening).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedbackClocks {
    pub received: DateTime<FixedOffset>,
    /// The first answer is due by then (`dueAt`).
    pub due_at: DateTime<FixedOffset>,
    pub answer_at_risk_from: DateTime<FixedOffset>,
    /// Resolved by then (`resolveBy`).
    pub resolve_by: DateTime<FixedOffset>,
    pub resolve_at_risk_from: DateTime<FixedOffset>,
}

impl FeedbackClocks {
    /// Starts both clocks at `received` with the service's targets.
    pub fn start(
        calendar: &WorkingCalendar,
        hours: &WorkingHours,
        received: DateTime<FixedOffset>,
        answer_hours: u32,
        resolve_working_days: u32,
    ) -> Self {
        let due_at = answer_due(received, answer_hours);
        let resolve_by = resolve_by(calendar, received, resolve_working_days);
        FeedbackClocks {
            received,
            due_at,
            answer_at_risk_from: answer_at_risk_from(received, due_at),
            resolve_by,
            resolve_at_risk_from: resolve_at_risk_from(calendar, hours, received, resolve_by),
        }
    }

    /// The running clock's deadline and at-risk point; none when the clock is stopped.
    pub fn running(
        &self,
        clock: FeedbackClock,
    ) -> Option<(DateTime<FixedOffset>, DateTime<FixedOffset>)> {
        match clock {
            FeedbackClock::Answer => Some((self.due_at, self.answer_at_risk_from)),
            FeedbackClock::Resolve => Some((self.resolve_by, self.resolve_at_risk_from)),
            FeedbackClock::Stopped | FeedbackClock::Unknown => None,
        }
    }

    /// Whole minutes left on the running clock at `now` (the console's "còn 2 giờ 15 phút"),
    /// negative when late, a begun late minute counting as one; none when the clock is stopped.
    pub fn minutes_left(&self, clock: FeedbackClock, now: DateTime<FixedOffset>) -> Option<i64> {
        self.running(clock)
            .map(|(deadline, _)| (deadline - now).num_seconds().div_euclid(60))
    }

    /// How urgent the item is at `now` on its running clock: on track, at risk from 75% of
    /// the clock's time, overdue past the deadline, finished when no clock runs.
    pub fn urgency(&self, clock: FeedbackClock, now: DateTime<FixedOffset>) -> Urgency {
        match self.running(clock) {
            None => Urgency::Finished,
            Some((deadline, _)) if now >= deadline => Urgency::Overdue,
            Some((_, at_risk_from)) if now >= at_risk_from => Urgency::AtRisk,
            Some(_) => Urgency::OnTrack,
        }
    }
}
