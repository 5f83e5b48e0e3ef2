//! The operations centre's early warning, `GET /v1/officer/overview`: for each agency in the
//! caller's scope the figures of `figures` and the demand forecast of `forecast`.
//!
//! Scope is `crate::scope`'s, as for the work queue: an officer sees their agency (an officer
//! of a commune-level agency only their unit's applications); an agency's supervisor theirs;
//! a city-wide supervisor every agency of the catalog. The store reads what the
//! figures need of each application in one query (`ApplicationStore::overview_rows`: no form,
//! attachment or timeline is loaded); the counting is done here, once per agency, because the
//! due dates count in working days, which SQL does not know.

pub mod figures;
pub mod forecast;

use std::collections::BTreeMap;

use axum::extract::State;
use chrono::{DateTime, FixedOffset};
use opendvc_api::{AgencyOverview, ApplicationStatus, LocalizedText, Overview};
use opendvc_rules::{WorkingCalendar, time::in_vietnam};

use crate::auth::OfficerAuth;
use crate::data::ReferenceData;
use crate::error::ApiError;
use crate::scope::Scope;
use crate::state::AppState;
use crate::store::{OverviewRow, StaffRecord, Store};
use figures::{ApplicationFacts, Outcome, agency_figures};
use forecast::{forecast_demand, incoming_per_agency, no_forecast, past_working_days};

/// The calendar days of history the forecast learns from.
pub const FORECAST_HISTORY_DAYS: i64 = 90;

/// The agencies of `scope`, by id: city-wide, every agency that handles a procedure or feedback.
fn agencies_of(scope: &Scope, data: &ReferenceData) -> Vec<String> {
    match scope {
        Scope::Agency { agency, .. } => vec![agency.clone()],
        Scope::City => {
            let mut agencies: Vec<String> = data
                .catalog
                .items
                .iter()
                .map(|procedure| procedure.agency_id.clone())
                .chain(data.feedback.services.iter().flat_map(|service| {
                    [
                        service.route.with_unit.clone(),
                        service.route.without_unit.clone(),
                    ]
                }))
                .collect();
            agencies.sort();
            agencies.dedup();
            agencies
        }
    }
}

fn outcome(row: &OverviewRow) -> Outcome {
    match row.status {
        ApplicationStatus::Rejected | ApplicationStatus::Withdrawn => Outcome::Closed,
        _ => match row.finished_at {
            Some(at) => Outcome::Finished(at),
            None => Outcome::Open,
        },
    }
}

/// The overview of `scope` at `now` from the store's rows.
pub fn compose(
    rows: &[OverviewRow],
    scope: &Scope,
    data: &ReferenceData,
    calendar: &WorkingCalendar,
    now: DateTime<FixedOffset>,
) -> Overview {
    let agency_of: BTreeMap<&str, &str> = data
        .catalog
        .items
        .iter()
        .map(|procedure| (procedure.id.as_str(), procedure.agency_id.as_str()))
        .collect();
    let agencies = agencies_of(scope, data);
    let mut facts: BTreeMap<&str, Vec<ApplicationFacts>> = BTreeMap::new();
    let mut submissions = Vec::new();
    for row in rows {
        let Some(agency) = agency_of.get(row.procedure_id.as_str()) else {
            continue;
        };
        if !scope.covers(data, &row.procedure_id, row.unit_code.as_deref()) {
            continue;
        }
        submissions.push((
            (*agency).to_owned(),
            in_vietnam(row.submitted_at).date_naive(),
        ));
        facts.entry(agency).or_default().push(ApplicationFacts {
            channel: row.channel,
            submitted_at: row.submitted_at,
            due_at: row.due_at,
            outcome: outcome(row),
            delivery: row.delivery_method,
            rating: row.rating_stars,
        });
    }
    let today = in_vietnam(now).date_naive();
    let days = past_working_days(calendar, today, FORECAST_HISTORY_DAYS);
    let series = incoming_per_agency(submissions, &days);
    let agencies = agencies
        .iter()
        .map(|agency_id| {
            let figures = agency_figures(
                facts.get(agency_id.as_str()).map_or(&[][..], Vec::as_slice),
                calendar,
                now,
            );
            let forecast_days: Vec<_> = figures.due_histogram.iter().map(|day| day.date).collect();
            let history = series
                .get(agency_id)
                .cloned()
                .unwrap_or_else(|| vec![0.0; days.len()]);
            let forecast = forecast_demand(&history, &forecast_days)
                .unwrap_or_else(|error| no_forecast(&error));
            AgencyOverview {
                feedback: Default::default(),
                agency_id: agency_id.clone(),
                agency_name: agency_name(data, agency_id),
                due_today: figures.due_today,
                due_within_one_working_day: figures.due_within_one_working_day,
                overdue: figures.overdue,
                on_time_rate_30d: figures.on_time_rate_30d,
                median_working_days: figures.median_working_days,
                same_day_share: figures.same_day_share,
                post_delivery_share: figures.post_delivery_share,
                rating: figures.rating,
                due_histogram: figures.due_histogram,
                forecast,
            }
        })
        .collect();
    Overview {
        generated_at: now,
        agencies,
    }
}

/// The agency's name from `data/agencies.json`, else as the catalog's procedures give it. A
/// commune-level agency stands for the offices of every unit (its file name is a pattern of
/// one unit's office), so it goes by the catalog's name: "Ủy ban nhân dân phường, xã, đặc khu".
fn agency_name(data: &ReferenceData, agency_id: &str) -> LocalizedText {
    if let Some(agency) = data.agency(agency_id)
        && agency.level == crate::agencies::AgencyLevel::City
    {
        return agency.name.clone();
    }
    data.catalog
        .items
        .iter()
        .find(|procedure| procedure.agency_id == agency_id)
        .map(|procedure| procedure.agency.clone())
        .unwrap_or_else(|| LocalizedText {
            vi: agency_id.to_owned(),
            en: agency_id.to_owned(),
            id: None,
        })
}

/// The overview `staff` may see at `now`.
pub async fn overview(
    store: &dyn Store,
    data: &ReferenceData,
    calendar: &WorkingCalendar,
    staff: &StaffRecord,
    now: DateTime<FixedOffset>,
) -> Result<Overview, ApiError> {
    let scope = Scope::of(staff, data)?;
    let rows = store.overview_rows().await?;
    let mut overview = compose(&rows, &scope, data, calendar, now);
    // Residents' feedback per agency, counted by the store in SQL: first answers in the last
    // 30 days on time and late, items not answered and of those the overdue ones.
    let since = now.timestamp() - FEEDBACK_WINDOW_DAYS * 24 * 3600;
    let figures: BTreeMap<String, _> = store
        .feedback_figures(since, now.timestamp())
        .await?
        .into_iter()
        .collect();
    for agency in &mut overview.agencies {
        if let Some(counted) = figures.get(&agency.agency_id) {
            agency.feedback = counted.clone();
        }
    }
    Ok(overview)
}

/// Days back the overview counts feedback answers over.
const FEEDBACK_WINDOW_DAYS: i64 = 30;

#[utoipa::path(get, path = "/v1/officer/overview", tag = "officer", security(("bearer" = [])),
    responses((status = 200, description = "The operations centre's early warning for each agency the caller may see: an officer their agency, an agency's supervisor theirs, a city-wide supervisor every agency. Open applications due today, due within one working day and overdue; among those finished in the last 30 days the on-time rate (finished on or before the due time), the median working days from received to result ready per channel (online with assisted, counter), the share finished within one working day and the share delivered by post; the citizens' ratings; open applications per due day for the next 10 working days; the expected incoming applications for those days with the model's error on the last 20 working days held out, beside the naive last-week copy's.", body = Overview)))]
pub async fn overview_handler(
    State(state): State<AppState>,
    OfficerAuth(officer): OfficerAuth,
) -> Result<axum::Json<Overview>, ApiError> {
    let now = state.clock.now();
    overview(
        state.store.as_ref(),
        &state.data,
        &state.calendar,
        &officer,
        now,
    )
    .await
    .map(axum::Json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commune_level_agency_goes_by_the_catalogs_name_not_one_units_pattern() {
        let data = ReferenceData::load().expect("the reference data loads");
        for agency_id in ["commune-people-committee", "commune-police"] {
            let name = agency_name(&data, agency_id);
            assert!(
                !name.vi.contains('{') && !name.en.contains('{'),
                "{agency_id} is named without a placeholder: {name:?}"
            );
        }
        assert!(
            agency_name(&data, "da-nang-police").vi.contains("Công an"),
            "a city agency keeps its own name"
        );
    }
}
