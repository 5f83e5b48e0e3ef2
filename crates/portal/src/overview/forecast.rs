//! Demand forecast: the applications an agency can expect on each of the next working days,
//! from the series of its past working days (weekends and holidays left out, so the week is
//! five days long), with augurs' MSTL (a weekly season of 5 working days) and an AutoETS
//! model of the remaining trend. Its error on held-out history is reported beside the error
//! of the naive forecast a person would make (each day as the same weekday of the last week),
//! so whoever reads the forecast can judge it.

use std::collections::BTreeMap;

use augurs::{Fit, Predict, ets::AutoETS, mstl::MSTLModel};
use chrono::{Duration, NaiveDate};
use opendvc_api::{Forecast, ForecastDay};
use opendvc_rules::WorkingCalendar;

/// Working days in a week: the season of the series.
pub const WEEK: usize = 5;

/// The last working days of history held out to measure the model against the naive copy.
pub const HELD_OUT_DAYS: usize = 20;

/// The level of the prediction interval given with each day.
const INTERVAL_LEVEL: f64 = 0.8;

/// The fewest working days a model is fitted on: four weeks, so the weekly season is seen
/// more than twice.
const MINIMUM_HISTORY: usize = 4 * WEEK;

/// What the forecast is called in the overview.
pub const METHOD: &str = "augurs MSTL (period 5 working days) + AutoETS trend";

#[derive(Debug, thiserror::Error)]
pub enum ForecastError {
    #[error(
        "the history has {0} working days, a forecast needs at least {MINIMUM_HISTORY}: seed more history or wait"
    )]
    TooShort(usize),
    #[error("the demand model could not be fitted ({0}); the overview shows no forecast")]
    Model(String),
}

/// The model's point forecasts and 80% bounds for `horizon` working days after `history`.
fn predict(history: &[f64], horizon: usize) -> Result<augurs::Forecast, ForecastError> {
    if history.len() < MINIMUM_HISTORY {
        return Err(ForecastError::TooShort(history.len()));
    }
    let model = MSTLModel::new(vec![WEEK], AutoETS::non_seasonal().into_trend_model());
    let fitted = model
        .fit(history)
        .map_err(|error| ForecastError::Model(error.to_string()))?;
    fitted
        .predict(horizon, INTERVAL_LEVEL)
        .map_err(|error| ForecastError::Model(error.to_string()))
}

/// The naive forecast: the last week of `history`, repeated.
fn naive(history: &[f64], horizon: usize) -> Vec<f64> {
    let last_week = &history[history.len().saturating_sub(WEEK)..];
    (0..horizon)
        .map(|day| last_week.get(day % WEEK.max(1)).copied().unwrap_or(0.0))
        .collect()
}

fn mean_absolute_error(forecast: &[f64], actual: &[f64]) -> f64 {
    let total: f64 = forecast
        .iter()
        .zip(actual)
        .map(|(forecast, actual)| (forecast - actual).abs())
        .sum();
    total / actual.len().max(1) as f64
}

/// The held-out errors: the model and the naive copy, each fitted on all but the last
/// [`HELD_OUT_DAYS`] working days and measured on them. `None` when the history is too short
/// to hold those days out.
pub fn held_out_errors(history: &[f64]) -> Result<Option<(f64, f64)>, ForecastError> {
    if history.len() < MINIMUM_HISTORY + HELD_OUT_DAYS {
        return Ok(None);
    }
    let (training, held_out) = history.split_at(history.len() - HELD_OUT_DAYS);
    let model = predict(training, HELD_OUT_DAYS)?;
    let model_error = mean_absolute_error(&clamped(&model.point), held_out);
    let naive_error = mean_absolute_error(&naive(training, HELD_OUT_DAYS), held_out);
    Ok(Some((model_error, naive_error)))
}

/// Counts cannot be negative.
fn clamped(values: &[f64]) -> Vec<f64> {
    values.iter().map(|value| value.max(0.0)).collect()
}

/// The forecast for `days` (the next working days, in order) from `history`, the incoming
/// applications of each past working day in order up to the last one before `days[0]`.
pub fn forecast_demand(history: &[f64], days: &[NaiveDate]) -> Result<Forecast, ForecastError> {
    let prediction = predict(history, days.len())?;
    let point = clamped(&prediction.point);
    let (low, high) = match prediction.intervals {
        Some(intervals) => (clamped(&intervals.lower), clamped(&intervals.upper)),
        None => (Vec::new(), Vec::new()),
    };
    let forecast_days = days
        .iter()
        .enumerate()
        .map(|(index, date)| ForecastDay {
            date: *date,
            expected: point.get(index).copied().unwrap_or(0.0),
            low: low.get(index).copied(),
            high: high.get(index).copied(),
        })
        .collect();
    let errors = held_out_errors(history)?;
    Ok(Forecast {
        method: METHOD.to_owned(),
        days: forecast_days,
        held_out_mae: errors.map(|(model, _)| model),
        naive_mae: errors.map(|(_, naive)| naive),
        held_out_days: HELD_OUT_DAYS as u32,
    })
}

/// The forecast shown when there is none: no days, the reason as its method.
pub fn no_forecast(error: &ForecastError) -> Forecast {
    Forecast {
        method: format!("none: {error}"),
        days: Vec::new(),
        held_out_mae: None,
        naive_mae: None,
        held_out_days: HELD_OUT_DAYS as u32,
    }
}

/// The working days from `calendar_days` before `today` up to yesterday, in order: the days
/// of the series the forecast learns from (today is not over yet).
pub fn past_working_days(
    calendar: &WorkingCalendar,
    today: NaiveDate,
    calendar_days: i64,
) -> Vec<NaiveDate> {
    (1..=calendar_days)
        .rev()
        .filter_map(|back| today.checked_sub_signed(Duration::days(back)))
        .filter(|day| calendar.is_working_day(*day))
        .collect()
}

/// The incoming applications of each of `days`, per agency, from (agency, submission day)
/// pairs; submissions on other days are left out.
pub fn incoming_per_agency(
    applications: impl IntoIterator<Item = (String, NaiveDate)>,
    days: &[NaiveDate],
) -> BTreeMap<String, Vec<f64>> {
    let position: BTreeMap<NaiveDate, usize> = days
        .iter()
        .enumerate()
        .map(|(index, day)| (*day, index))
        .collect();
    let mut series: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (agency, day) in applications {
        let counts = series
            .entry(agency)
            .or_insert_with(|| vec![0.0; days.len()]);
        if let Some(index) = position.get(&day) {
            counts[*index] += 1.0;
        }
    }
    series
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::overview::figures::HISTOGRAM_WORKING_DAYS as HORIZON;

    #[test]
    fn a_short_history_gets_no_forecast_and_says_why() {
        let error = forecast_demand(&[3.0; 10], &[]).expect_err("ten days are too few");
        assert!(
            matches!(error, ForecastError::TooShort(10)),
            "the error names the length of the history: {error}"
        );
    }

    #[test]
    fn the_naive_copy_repeats_the_last_week() {
        let history = [9.0, 9.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(
            naive(&history, 7),
            vec![1.0, 2.0, 3.0, 4.0, 5.0, 1.0, 2.0],
            "each day is the same weekday of the last week"
        );
    }

    #[test]
    fn a_clean_weekly_pattern_is_forecast_with_its_season() {
        let week = [30.0, 22.0, 20.0, 19.0, 15.0];
        let history: Vec<f64> = week.iter().copied().cycle().take(60).collect();
        let days: Vec<NaiveDate> = (0..HORIZON)
            .map(|offset| {
                NaiveDate::from_ymd_opt(2026, 12, 7).expect("a date")
                    + chrono::Days::new(offset as u64)
            })
            .collect();
        let forecast = forecast_demand(&history, &days).expect("a forecast");
        assert_eq!(forecast.days.len(), HORIZON, "one forecast per working day");
        for (index, day) in forecast.days.iter().enumerate() {
            assert!(
                (day.expected - week[index % WEEK]).abs() < 1.0,
                "day {index} follows the weekly pattern: {} vs {}",
                day.expected,
                week[index % WEEK]
            );
        }
    }
}
