//! The operations centre's early warnings as stored: which open applications come close to
//! their due date, each warning recorded once per stage with the messages it sends (in one
//! transaction), and the warnings an application carries.

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset};
use opendvc_api::{InboxItem, LateWarning, WarningStage};
use uuid::Uuid;

use super::StoreResult;
use super::notifications::NewNotice;
use super::staff::StaffRecord;

/// An open application due before the bound asked for, with the stages already warned of.
#[derive(Debug, Clone, PartialEq)]
pub struct LateCandidate {
    pub id: Uuid,
    pub code: String,
    pub citizen_id: Uuid,
    pub procedure_id: String,
    pub status: opendvc_api::ApplicationStatus,
    pub unit_code: Option<String>,
    pub assigned_to: Option<String>,
    pub due_at: DateTime<FixedOffset>,
    pub warned: Vec<WarningStage>,
}

/// A warning to record, with what it sends.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLateWarning {
    pub application_id: Uuid,
    pub citizen_id: Uuid,
    pub warning: LateWarning,
    /// The staff codes told.
    pub told: Vec<String>,
    /// The SMS and e-mail to the staff told.
    pub notices: Vec<NewNotice>,
    /// For the overdue stage, the citizen's inbox notice; the application is touched in the
    /// change log too, so `/v1/sync` and `/v1/events` carry its `lateWarning`.
    pub inbox: Option<InboxItem>,
}

/// The stage's wire name, as stored.
pub fn stage_str(stage: WarningStage) -> &'static str {
    match stage {
        WarningStage::AtRisk => "at_risk",
        WarningStage::Overdue => "overdue",
        WarningStage::Unknown => "unknown",
    }
}

/// The stored stage; `None` for one this build does not know.
pub fn parse_stage(text: &str) -> Option<WarningStage> {
    match text {
        "at_risk" => Some(WarningStage::AtRisk),
        "overdue" => Some(WarningStage::Overdue),
        _ => None,
    }
}

#[async_trait]
pub trait LateWarningStore: Send + Sync {
    /// Open applications (not finished) due before `due_before`, earliest first.
    async fn late_candidates(
        &self,
        due_before: DateTime<FixedOffset>,
    ) -> StoreResult<Vec<LateCandidate>>;
    /// Records the warning unless its stage was recorded already (then `false` and nothing
    /// is written), with its messages, the citizen's inbox notice and the change-log entry, in
    /// one transaction.
    async fn record_late_warning(&self, warning: &NewLateWarning) -> StoreResult<bool>;
    /// The warnings of application `id`, oldest first.
    async fn warnings_of(&self, id: Uuid) -> StoreResult<Vec<LateWarning>>;
    /// The supervisors of `agency` (kind `supervisor`), by code.
    async fn supervisors_of(&self, agency: &str) -> StoreResult<Vec<StaffRecord>>;
    /// The city-wide supervisors (kind `supervisor`, of no agency: the operations centre), by
    /// code.
    async fn city_supervisors(&self) -> StoreResult<Vec<StaffRecord>>;
}
