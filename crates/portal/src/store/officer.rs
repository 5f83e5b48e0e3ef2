//! The officer side's reads: the work queue (filters in SQL, keyset paging on `(due_at, id)`),
//! where an application sits (procedure, unit, assignee) for the scope check, the officers an
//! application may be assigned to, and the late warnings an application carries.

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset};
use opendvc_api::{ApplicationStatus, Channel, DeliveryMethod, LateWarning, LocalizedText};
use uuid::Uuid;

use super::StoreResult;
use super::staff::StaffRecord;

/// What the work queue asks for. The scope (`procedures`, `scope_unit`) and the person's
/// filters combine with "and".
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// The procedures of the caller's agency; `None` for every procedure (city-wide).
    pub procedures: Option<Vec<String>>,
    /// The unit of a commune-level officer: only that unit's applications.
    pub scope_unit: Option<String>,
    pub status: Option<ApplicationStatus>,
    /// Only applications not finished.
    pub open: bool,
    pub procedure: Option<String>,
    pub unit: Option<String>,
    /// Due before this bound (`YYYY-MM-DD` of the day after the last day asked for): due
    /// times are stored as Vietnam-time RFC 3339 text, so their order is the text's.
    pub due_before: Option<String>,
    /// The start of a code, or part of the applicant's name.
    pub q: Option<String>,
    /// The last row of the previous page: `(due_at, id)`.
    pub after: Option<(String, Uuid)>,
    pub limit: usize,
}

/// The statuses in which the city's work is over.
pub const FINISHED: [ApplicationStatus; 4] = [
    ApplicationStatus::Completed,
    ApplicationStatus::HandedOver,
    ApplicationStatus::Rejected,
    ApplicationStatus::Withdrawn,
];

/// One row of the work queue as stored.
#[derive(Debug, Clone)]
pub struct QueueRow {
    pub id: Uuid,
    pub code: String,
    pub procedure_id: String,
    pub procedure_name: LocalizedText,
    pub status: ApplicationStatus,
    pub channel: Channel,
    pub applicant_name: String,
    pub unit_code: Option<String>,
    pub submitted_at: DateTime<FixedOffset>,
    pub due_at: DateTime<FixedOffset>,
    /// The stored text of `due_at`, the cursor's first half.
    pub due_at_text: String,
    pub updated_at: DateTime<FixedOffset>,
    pub assigned_to: Option<String>,
    pub delivery_method: DeliveryMethod,
}

/// A page of the queue, with how many rows match over all pages.
#[derive(Debug, Clone, Default)]
pub struct QueueRows {
    pub rows: Vec<QueueRow>,
    pub has_more: bool,
    pub total: u64,
}

/// Where an application sits, for the scope check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub procedure_id: String,
    pub unit_code: Option<String>,
    pub assigned_to: Option<String>,
    pub citizen_id: Uuid,
}

/// An uploaded file as an officer downloads it.
#[derive(Debug, Clone)]
pub struct AttachmentFile {
    pub content_type: String,
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

#[async_trait]
pub trait OfficerStore: Send + Sync {
    /// One page of the queue and the total, read in one transaction (so the total and the
    /// page agree).
    async fn work_queue(&self, filter: &QueueFilter) -> StoreResult<QueueRows>;
    async fn placement(&self, id: Uuid) -> StoreResult<Option<Placement>>;
    /// The officers (kind `officer`) of `agency`, by code.
    async fn officers_of(&self, agency: &str) -> StoreResult<Vec<StaffRecord>>;
    /// The late warnings sent about application `id`, oldest first. The early-warning worker
    /// (the overview lane of issue 15) records them; until it does, none were sent, and both
    /// stores answer none.
    async fn late_warnings(&self, id: Uuid) -> StoreResult<Vec<LateWarning>>;
    /// The file `attachment_id` as citizen `citizen_id` uploaded it.
    async fn attachment_file(
        &self,
        citizen_id: Uuid,
        attachment_id: &str,
    ) -> StoreResult<Option<AttachmentFile>>;
}
