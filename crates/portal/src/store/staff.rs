//! A staff member as stored: DVC agents, volunteers, officers and supervisors.

use opendvc_api::StaffKind;

/// A staff member or officer as stored.
#[derive(Debug, Clone)]
pub struct StaffRecord {
    pub code: String,
    pub kind: StaffKind,
    pub name: String,
    pub organisation: String,
    pub password_hash: String,
    /// The agency an officer works for (a procedure's `agencyId`); `None` for DVC agents and
    /// volunteers. An officer without one moves no application. For a supervisor, the agency
    /// supervised; `None` is city-wide (every agency).
    pub agency: Option<String>,
    /// The commune-level unit an officer of a commune-level agency serves.
    pub unit: Option<String>,
    /// Where the staff member is warned of late applications.
    pub phone: Option<String>,
    pub email: Option<String>,
}
