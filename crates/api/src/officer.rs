//! The city's side: the officer API behind the officers' console (`/console/`), usable by a
//! city's own tools. Every path is under `/v1/officer/` and needs a staff token of kind
//! `officer` or `supervisor`. An officer sees and moves only the applications of their agency
//! (and, for an agency of commune level, of their commune-level unit); another agency's
//! application answers 403. A supervisor reads every application in their scope (their agency,
//! or every agency for a city-wide supervisor) and assigns, and moves none.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    AgencyContact, Application, ApplicationStatus, AttachmentRef, Channel, DeliveryChoice,
    DeliveryMethod, Document, FeedbackFigures, LateWarning, LocalizedText,
};

/// How close an unfinished application is to its due date. Finished ones are `finished`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// More than one working day left.
    OnTrack,
    /// Due today or on the next working day.
    AtRisk,
    /// Past its due date and not finished.
    Overdue,
    /// The city's work on it is over (completed, handed over, rejected, withdrawn).
    Finished,
    /// An urgency this client does not know yet. Never sent by a portal.
    #[serde(other)]
    Unknown,
}

/// `GET /v1/officer/applications` query. Every filter is optional; they combine with "and".
/// Sorted by due date, earliest first (then by id), unless `q` is given (same order).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema, IntoParams)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct OfficerQueueQuery {
    /// Page size, 1–200 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub status: Option<ApplicationStatus>,
    /// A procedure id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub procedure: Option<String>,
    /// A commune-level unit code (the applicant's unit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub unit: Option<String>,
    /// Due on or before this day (Vietnam time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub due_before: Option<NaiveDate>,
    /// Only applications not finished (default false: every status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub open: Option<bool>,
    /// Free text: an application code (or its start), or part of the applicant's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub q: Option<String>,
}

/// One row of the work queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct WorkItem {
    pub id: Uuid,
    pub code: String,
    pub procedure_id: String,
    pub procedure_name: LocalizedText,
    pub status: ApplicationStatus,
    pub channel: Channel,
    pub applicant_name: String,
    /// The applicant's commune-level unit, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub unit_code: Option<String>,
    pub submitted_at: DateTime<FixedOffset>,
    pub due_at: DateTime<FixedOffset>,
    /// Working days from today to the due day on the portal's calendar: 0 = due today,
    /// negative = that many working days late. For finished applications, as at the finish.
    pub working_days_left: i32,
    pub urgency: Urgency,
    /// The officer it is assigned to (code), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub assigned_to: Option<String>,
    pub delivery_method: DeliveryMethod,
}

/// `GET /v1/officer/applications`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct QueuePage {
    pub items: Vec<WorkItem>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub next_cursor: Option<String>,
    /// How many applications match the filters, over all pages.
    pub total: u64,
}

/// The applicant, as the officer handling the application sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Applicant {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub email: Option<String>,
}

/// An officer, as a choice to assign to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OfficerRef {
    pub code: String,
    pub name: String,
}

/// `GET /v1/officer/applications/{id}`: the application with what the officer needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OfficerApplication {
    pub application: Application,
    pub applicant: Applicant,
    pub agency_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub unit_code: Option<String>,
    pub working_days_left: i32,
    pub urgency: Urgency,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub assigned_to: Option<OfficerRef>,
    /// Who it may be assigned to: the officers of its agency (and unit).
    pub assignable: Vec<OfficerRef>,
    /// The wallet documents it refers to (`source: wallet` attachments), for reading.
    pub wallet_documents: Vec<Document>,
    pub warnings: Vec<LateWarning>,
}

/// `POST /v1/officer/applications/{id}/assign`. Shown in the citizen's timeline as a note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AssignRequest {
    /// An officer of the application's agency.
    pub officer_code: String,
}

/// The citizen a counter application is for: found by ID number, or recorded if new.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CounterApplicant {
    /// 12-digit citizen ID number.
    pub id_number: String,
    pub name: String,
    /// `+84…` or `0…`; where the SMS go.
    pub phone: String,
}

/// `POST /v1/officer/applications` (requires `Idempotency-Key`): an application received on
/// paper at the agency's counter, entered by an officer (channel `counter`). Validated like
/// an online one; 201 with the application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CounterApplication {
    pub applicant: CounterApplicant,
    pub procedure_id: String,
    #[serde(default)]
    pub form: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub attachments: Vec<AttachmentRef>,
    pub delivery: DeliveryChoice,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub fee_case: Option<String>,
    /// The applicant's commune-level unit (required for a commune-level procedure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub unit_code: Option<String>,
}

/// Median processing time in working days, received → completed, per channel; absent when
/// nothing of that channel finished in the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MedianWorkingDays {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub online: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub counter: Option<f64>,
}

/// The citizens' ratings of the agency's finished applications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RatingSummary {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub average: Option<f64>,
    pub count: u64,
}

/// How many open applications fall due on one working day (the due-date histogram).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DueDay {
    pub date: NaiveDate,
    pub count: u64,
}

/// The expected number of incoming applications on one working day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ForecastDay {
    pub date: NaiveDate,
    pub expected: f64,
    /// The lower and upper bounds of the 80% prediction interval, when the model gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub low: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub high: Option<f64>,
}

/// Demand for the next working days, with how well the same model did on held-out history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Forecast {
    /// The model, e.g. `augurs MSTL (period 5) + ETS`.
    pub method: String,
    /// The next 10 working days.
    pub days: Vec<ForecastDay>,
    /// Mean absolute error on the last `heldOutDays` working days of history, forecast from
    /// the days before them; absent when the history is too short.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub held_out_mae: Option<f64>,
    /// The same error for a naive forecast (each day = the same weekday a week before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub naive_mae: Option<f64>,
    pub held_out_days: u32,
}

/// The early-warning figures of one agency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AgencyOverview {
    pub agency_id: String,
    pub agency_name: LocalizedText,
    /// Open applications due today.
    pub due_today: u64,
    /// Open applications due today or on the next working day.
    pub due_within_one_working_day: u64,
    /// Open applications past their due date.
    pub overdue: u64,
    /// Among applications finished in the last 30 days, the share finished on or before
    /// their due date (0–1); absent when none finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub on_time_rate_30d: Option<f64>,
    pub median_working_days: MedianWorkingDays,
    /// Among those finished in the last 30 days, the share finished within one working day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub same_day_share: Option<f64>,
    /// Among those finished in the last 30 days, the share whose result goes by post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub post_delivery_share: Option<f64>,
    pub rating: RatingSummary,
    /// Open applications per due day, for the next 10 working days (overdue ones are in
    /// `overdue`).
    pub due_histogram: Vec<DueDay>,
    pub forecast: Forecast,
    /// Residents' feedback handled by the agency.
    #[serde(default)]
    pub feedback: FeedbackFigures,
}

/// `GET /v1/officer/overview`: the operations centre's early warning, for the caller's agency
/// (or every agency, for a city-wide supervisor).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    pub generated_at: DateTime<FixedOffset>,
    pub agencies: Vec<AgencyOverview>,
}

/// `GET /v1/officer/me`: who is signed in to the console, and what they may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OfficerSelf {
    pub code: String,
    pub name: String,
    pub kind: crate::StaffKind,
    /// The agency (absent for a city-wide supervisor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub agency: Option<AgencyContact>,
    /// The commune-level unit, for an officer of a commune-level office.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub unit_code: Option<String>,
    /// The procedures the caller's scope covers (for the queue's filter and counter entry).
    pub procedures: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_urgency_from_a_newer_portal_is_tolerated() {
        let urgency: Urgency = serde_json::from_str("\"escalated\"").expect("tolerated");
        assert_eq!(urgency, Urgency::Unknown);
    }

    #[test]
    fn queue_query_names_its_parameters_in_camel_case() {
        let query: OfficerQueueQuery =
            serde_json::from_str(r#"{"dueBefore":"2026-12-09","limit":20}"#).expect("parses");
        assert_eq!(query.due_before, NaiveDate::from_ymd_opt(2026, 12, 9));
        assert_eq!(query.limit, Some(20));
    }
}
