//! [`StaffError`]: what goes wrong in staff mode, each with a stable code.

use crate::sealing::SealError;

/// Errors of staff mode, each with a stable code that is also a Fluent id (`error-` + code).
#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("no staff member is signed in on this device; sign in as staff first")]
    NotSignedIn,
    #[error("officers process applications on the officer side, not on a shared device")]
    OfficerOnDevice,
    #[error("a volunteer signs in for an outreach event: give its name, place and date")]
    EventRequired,
    #[error("an assisted session is open; end it before starting another")]
    SessionOpen,
    #[error("no assisted session is open")]
    NoSession,
    #[error(
        "the queue key of this staff member does not open with this password (after a password change, give the previous one): {0}"
    )]
    Key(#[from] SealError),
    #[error("could not read or write the staff files: {0}")]
    Io(#[from] std::io::Error),
    #[error("this device is locked; the staff member unlocks it with their password")]
    Locked,
    #[error("the password is not the signed-in staff member's")]
    WrongPassword,
    #[error("too many wrong passwords: wait {seconds} seconds, or sign in again as staff (online)")]
    UnlockWait { seconds: i64 },
}

impl StaffError {
    pub fn code(&self) -> &'static str {
        match self {
            StaffError::NotSignedIn => "staff_not_signed_in",
            StaffError::OfficerOnDevice => "officer_on_device",
            StaffError::EventRequired => "event_required",
            StaffError::SessionOpen => "assisted_session_open",
            StaffError::NoSession => "no_assisted_session",
            StaffError::Key(_) => "queue_key_locked",
            StaffError::Io(_) => "staff_files",
            StaffError::Locked => "device_locked",
            StaffError::WrongPassword => "staff_password_wrong",
            StaffError::UnlockWait { .. } => "unlock_wait",
        }
    }
}
