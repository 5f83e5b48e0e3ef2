//! The records of a citizen's access log, as the stores append and read them: who used the
//! citizen's data, where, when and with which consent.

use opendvc_api::{AccessAction, AccessResource, AccessStaff, AssistVenue, ConsentMethod};
use uuid::Uuid;

/// One entry of a citizen's access log, as appended. The log is append-only: the store offers
/// no way to change or delete an entry, and the SQLite table refuses both.
#[derive(Debug, Clone)]
pub struct AccessEntry {
    pub id: Uuid,
    pub citizen_id: Uuid,
    /// Unix seconds: when it happened (for an opening recorded later, when it was opened).
    pub at: i64,
    pub action: AccessAction,
    pub resource: AccessResource,
    /// What was touched, when it has a name (an attachment id). The store names an
    /// application by its code, from `application_id`.
    pub resource_ref: Option<String>,
    /// The application touched, if any; the store keeps it only when it is the citizen's.
    pub application_id: Option<Uuid>,
    pub staff: AccessStaff,
    pub venue: AssistVenue,
    pub session_id: Uuid,
    pub consent: ConsentMethod,
}

/// A page of the access log, newest first, and where the next (older) page starts.
#[derive(Debug, Clone, Default)]
pub struct AccessLogPage {
    pub entries: Vec<AccessEntry>,
    /// The position of the last entry of the page, when older entries follow.
    pub next: Option<AccessLogPosition>,
}

/// A position in the access log, ordered by time, then by order of appending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessLogPosition {
    pub at: i64,
    pub seq: i64,
}
