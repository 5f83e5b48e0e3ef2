//! Who uses the app: the session the shell shows on every screen, and what signing in, out
//! and clearing the device did.

use opendvc_api::{OtpAccepted, Profile};
use serde::{Deserialize, Serialize};

use crate::i18n::Lang;
use crate::sync::{CatalogRefresh, PullReport};

/// `session_state` and `sign_in`. `language` is known before anyone signs in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SessionState {
    pub signed_in: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub profile: Option<Profile>,
    pub language: Lang,
    /// Whether the core reached the portal on its last try.
    pub online: bool,
    /// The DVC agent or volunteer on a shared device, their venue and the citizen being
    /// served. While a session is open, `signed_in` and `profile` are the citizen's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub staff: Option<crate::assist::StaffStatus>,
    /// On a shared device, the seconds without use after which the app locks itself.
    pub auto_lock_seconds: u32,
    /// The device's text size in percent of the system's (100–200), for every screen from
    /// the first one on.
    #[serde(default = "system_text_size")]
    pub text_size: u16,
    /// The device's high-contrast theme.
    #[serde(default)]
    pub high_contrast: bool,
}

fn system_text_size() -> u16 {
    *crate::preferences::TEXT_SIZES.start()
}

/// What a sign-in did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInReport {
    pub profile_key: String,
    pub full_name: Option<String>,
    pub sync: Option<SyncReport>,
    /// The first sync failed; the person is signed in anyway.
    pub sync_error: Option<String>,
}

/// What a sync did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    pub pull: PullReport,
    pub catalog: CatalogRefresh,
}

/// What a sign-out did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignOutReport {
    /// Whether the portal confirmed the session was revoked (false when offline).
    pub revoked: bool,
    /// Unsent items kept on this device for the next sign-in of the same person.
    pub unsent_kept: u64,
}

/// What clearing the device did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClearReport {
    /// Whether the portal confirmed the session was revoked (false when offline).
    pub revoked: bool,
    /// Unsent items that were deleted with everything else.
    pub unsent_discarded: u64,
}

/// `opendvc login`: the code the portal texted (when the CLI asked for one), and the sign-in.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginView {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub otp: Option<OtpAccepted>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_in: Option<SignInReport>,
}
