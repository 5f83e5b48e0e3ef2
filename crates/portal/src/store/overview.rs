//! What the operations centre's overview reads of each application
//! (`ApplicationStore::overview_rows`), the same from either store.

use chrono::{DateTime, FixedOffset};
use opendvc_api::{ApplicationStatus, Channel, DeliveryMethod};

/// What the overview (`overview::figures`, `overview::forecast`) reads of one application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverviewRow {
    pub procedure_id: String,
    /// The applicant's commune-level unit, which scopes a commune-level officer.
    pub unit_code: Option<String>,
    pub channel: Channel,
    pub status: ApplicationStatus,
    pub submitted_at: DateTime<FixedOffset>,
    pub due_at: DateTime<FixedOffset>,
    /// The first time its result was ready (a `completed`, else `handed_over`, entry).
    pub finished_at: Option<DateTime<FixedOffset>>,
    pub delivery_method: DeliveryMethod,
    pub rating_stars: Option<u8>,
}
