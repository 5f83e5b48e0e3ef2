//! Agencies as the citizen meets them: their public contact, and the warnings the city's
//! operations centre sends when an application is late (`Application.lateWarning`).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::LocalizedText;

/// An agency's public contact, as the citizen is told it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AgencyContact {
    pub agency_id: String,
    pub name: LocalizedText,
    pub phone: String,
    pub address: String,
}

/// A warning the operations centre sent about a late application: to the assigned officer
/// (or, unassigned, the agency's officers) when at risk, and to the agency's supervisor too
/// when overdue. The citizen's application carries the overdue one (`lateWarning`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum WarningStage {
    AtRisk,
    Overdue,
    /// A stage this client does not know yet. Never sent by a portal.
    #[serde(other)]
    Unknown,
}

/// One warning sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LateWarning {
    pub stage: WarningStage,
    pub at: DateTime<FixedOffset>,
    /// The agency warned, with the contact the citizen may use.
    pub agency: AgencyContact,
}
