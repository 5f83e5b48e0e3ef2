//! The façade's errors: [`CoreError`], and [`CoreCode`], the stable code of each.
//!
//! Every code is also the Fluent message id `error-{code with dashes}` in
//! `locales/{vi,en,id}/*.ftl`, which says what happened and what to do
//! ([`CoreCode::message_id`]). The CLI prints the code with `--json`; the app shell maps each
//! one to the few codes the UI branches on (`src-tauri/src/error.rs`).
//!
//! This module sits below every module that returns a [`CoreError`], so none of them needs the
//! façade (`crate::app`) to name its errors.

use opendvc_api::FieldError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::client::ClientError;
use crate::queue::QueueError;
use crate::sealing::SealError;
use crate::store::StoreError;
use crate::store::catalog_search::CatalogSearchError;
use crate::sync::SyncError;

/// Errors of the façade.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("not signed in")]
    NotSignedIn,
    #[error("no portal address: pass --portal or sign in first")]
    NoPortal,
    #[error("an ID number has 12 digits")]
    InvalidIdNumber,
    #[error("the one-time code is wrong or expired")]
    OtpInvalid,
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Queue(#[from] QueueError),
    #[error("could not read or write the session file: {0}")]
    Session(std::io::Error),
    #[error("the catalog is not on this device yet; sync once while online")]
    CatalogMissing,
    #[error("no procedure {0} in the catalog")]
    UnknownProcedure(String),
    #[error("the submission is not valid")]
    InvalidSubmission(Vec<FieldError>),
    #[error("the photo {path} cannot be used: {error}")]
    Photo {
        path: std::path::PathBuf,
        error: crate::feedback_photo::PhotoError,
    },
    #[error("no application or queue item {0} on this device")]
    UnknownApplication(String),
    #[error("{count} items are not sent yet")]
    UnsentItems { count: u64 },
    #[error(transparent)]
    Search(#[from] CatalogSearchError),
    #[error(transparent)]
    Staff(#[from] StaffError),
    #[error(
        "the assisted session has expired; end it and open a new one with the citizen's consent"
    )]
    AssistedSessionExpired,
    #[error("the application {0} is not sent yet; its receipt comes with its code")]
    ReceiptNotReady(String),
    #[error("the receipt could not be made: {0}")]
    Receipt(String),
    #[error("could not read or write the preferences file: {0}")]
    Preferences(std::io::Error),
    #[error("could not delete the personal data in the data folder: {0}")]
    DeviceData(std::io::Error),
    #[error(
        "could not make the data folder readable by its user only: {0}; it and everything in it \
         must belong to the user running the app"
    )]
    DataFolder(std::io::Error),
    #[error("the document is not valid")]
    InvalidDocument(Vec<FieldError>),
    #[error("no inbox item {0} on this device")]
    UnknownInboxItem(Uuid),
    #[error("no document {0} in the wallet")]
    UnknownDocument(Uuid),
    #[error("no saved draft {0} on this device")]
    UnknownDraft(Uuid),
    #[error("the picked file {0} is no longer on this device; pick it again")]
    PickedFileMissing(String),
    #[error("the picked file is not readable: it did not arrive as base64")]
    PickedFileUnreadable,
    #[error(
        "who used the citizen's data is shown only to the citizen, signed in on their own; not in an assisted session"
    )]
    AccessLogOwnSignInOnly,
    #[error(
        "how the portal reaches the citizen is chosen only by the citizen, signed in on their own; not in an assisted session"
    )]
    NotificationSettingsOwnSignInOnly,
    /// Settings the screen sent that cannot be stored, named as the UI names the fields.
    #[error("the settings are not valid: {}", .0.join(", "))]
    InvalidSettings(Vec<String>),
    /// A staff sign-in whose venue cannot be used, with the refused fields.
    #[error("the outreach event is not complete: {}", .0.join(", "))]
    InvalidEvent(Vec<String>),
    /// A day that is not `YYYY-MM-DD`.
    #[error("{0} is not a day (YYYY-MM-DD)")]
    InvalidDay(String),
    /// The app's own texts did not parse: a broken build.
    #[error("the app's messages could not be read: {0}")]
    Messages(String),
    /// A snooze outside 1 to 366 days, or one without its days.
    #[error("a reminder is on, off, or snoozed for 1 to 366 days")]
    InvalidReminder,
    /// Paying needs the portal at once: a payment is never queued, so that nobody pays twice
    /// or pays for something the portal has not priced.
    #[error("paying needs a connection to the portal; try again when online")]
    PaymentNeedsConnection,
    /// A payment this device has not seen (a deep link from another device).
    #[error("no payment {0} on this device")]
    UnknownPayment(Uuid),
    #[error("a fee is paid by the citizen, signed in on their own; not in an assisted session")]
    PaymentOwnSignInOnly,
}

/// Errors of staff mode on a shared device ([`crate::assist`]).
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

impl From<SyncError> for CoreError {
    fn from(error: SyncError) -> Self {
        match error {
            SyncError::Client(error) => CoreError::Client(error),
            SyncError::Store(error) => CoreError::Store(error),
        }
    }
}

/// The stable code of a [`CoreError`]. Its snake_case name is what the CLI prints with
/// `--json`, and `error-{name with dashes}` is its Fluent message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CoreCode {
    NotSignedIn,
    NoPortal,
    InvalidIdNumber,
    OtpInvalid,
    /// No connection to the portal could be made, or it broke off.
    Network,
    Timeout,
    /// The portal answered with a server error.
    Server,
    RateLimited,
    /// The portal refused the tokens; sign in again.
    Unauthorized,
    /// The portal refused a value (400, 403, 422).
    Validation,
    /// The portal does not know what was asked for.
    NotFound,
    /// The request does not fit the state of the application at the portal.
    Conflict,
    /// The portal sent something this app cannot read.
    Malformed,
    Store,
    StoreCorrupt,
    NoSuchItem,
    ItemNotChangeable,
    NotAnApplication,
    AttachmentTooLarge,
    AttachmentUnreadable,
    DiscardNeedsSend,
    QueueBusy,
    /// A picked photo is not an image the app can read.
    PhotoUnreadable,
    /// More photos than one feedback item carries.
    TooManyPhotos,
    SessionFile,
    CatalogMissing,
    UnknownProcedure,
    InvalidSubmission,
    UnknownApplication,
    UnsentItems,
    SearchIndexMissing,
    SearchFailed,
    StaffNotSignedIn,
    OfficerOnDevice,
    EventRequired,
    AssistedSessionOpen,
    NoAssistedSession,
    QueueKeyLocked,
    StaffFiles,
    DeviceLocked,
    StaffPasswordWrong,
    UnlockWait,
    AssistedSessionExpired,
    ReceiptNotReady,
    ReceiptFailed,
    PreferencesFile,
    DeviceData,
    DataFolder,
    InvalidDocument,
    UnknownInboxItem,
    UnknownDocument,
    UnknownDraft,
    AttachmentMissing,
    AccessLogOwnSignInOnly,
    NotificationSettingsOwnSignInOnly,
    InvalidSettings,
    EventInvalid,
    InvalidDay,
    InvalidReminder,
    Messages,
    PaymentNeedsConnection,
    UnknownPayment,
    PaymentOwnSignInOnly,
}

impl CoreCode {
    /// Every code, for the tests that check each has its message.
    pub const ALL: [CoreCode; 63] = [
        CoreCode::NotSignedIn,
        CoreCode::NoPortal,
        CoreCode::InvalidIdNumber,
        CoreCode::OtpInvalid,
        CoreCode::Network,
        CoreCode::Timeout,
        CoreCode::Server,
        CoreCode::RateLimited,
        CoreCode::Unauthorized,
        CoreCode::Validation,
        CoreCode::NotFound,
        CoreCode::Conflict,
        CoreCode::Malformed,
        CoreCode::Store,
        CoreCode::StoreCorrupt,
        CoreCode::NoSuchItem,
        CoreCode::ItemNotChangeable,
        CoreCode::NotAnApplication,
        CoreCode::AttachmentTooLarge,
        CoreCode::AttachmentUnreadable,
        CoreCode::DiscardNeedsSend,
        CoreCode::QueueBusy,
        CoreCode::PhotoUnreadable,
        CoreCode::TooManyPhotos,
        CoreCode::SessionFile,
        CoreCode::CatalogMissing,
        CoreCode::UnknownProcedure,
        CoreCode::InvalidSubmission,
        CoreCode::UnknownApplication,
        CoreCode::UnsentItems,
        CoreCode::SearchIndexMissing,
        CoreCode::SearchFailed,
        CoreCode::StaffNotSignedIn,
        CoreCode::OfficerOnDevice,
        CoreCode::EventRequired,
        CoreCode::AssistedSessionOpen,
        CoreCode::NoAssistedSession,
        CoreCode::QueueKeyLocked,
        CoreCode::StaffFiles,
        CoreCode::DeviceLocked,
        CoreCode::StaffPasswordWrong,
        CoreCode::UnlockWait,
        CoreCode::AssistedSessionExpired,
        CoreCode::ReceiptNotReady,
        CoreCode::ReceiptFailed,
        CoreCode::PreferencesFile,
        CoreCode::DeviceData,
        CoreCode::DataFolder,
        CoreCode::InvalidDocument,
        CoreCode::UnknownInboxItem,
        CoreCode::UnknownDocument,
        CoreCode::UnknownDraft,
        CoreCode::AttachmentMissing,
        CoreCode::AccessLogOwnSignInOnly,
        CoreCode::NotificationSettingsOwnSignInOnly,
        CoreCode::InvalidSettings,
        CoreCode::EventInvalid,
        CoreCode::InvalidDay,
        CoreCode::InvalidReminder,
        CoreCode::Messages,
        CoreCode::PaymentNeedsConnection,
        CoreCode::UnknownPayment,
        CoreCode::PaymentOwnSignInOnly,
    ];

    /// The snake_case name, as serde writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            CoreCode::NotSignedIn => "not_signed_in",
            CoreCode::NoPortal => "no_portal",
            CoreCode::InvalidIdNumber => "invalid_id_number",
            CoreCode::OtpInvalid => "otp_invalid",
            CoreCode::Network => "network",
            CoreCode::Timeout => "timeout",
            CoreCode::Server => "server",
            CoreCode::RateLimited => "rate_limited",
            CoreCode::Unauthorized => "unauthorized",
            CoreCode::Validation => "validation",
            CoreCode::NotFound => "not_found",
            CoreCode::Conflict => "conflict",
            CoreCode::Malformed => "malformed",
            CoreCode::Store => "store",
            CoreCode::StoreCorrupt => "store_corrupt",
            CoreCode::NoSuchItem => "no_such_item",
            CoreCode::ItemNotChangeable => "item_not_changeable",
            CoreCode::NotAnApplication => "not_an_application",
            CoreCode::AttachmentTooLarge => "attachment_too_large",
            CoreCode::AttachmentUnreadable => "attachment_unreadable",
            CoreCode::DiscardNeedsSend => "discard_needs_send",
            CoreCode::TooManyPhotos => "too_many_photos",
            CoreCode::PhotoUnreadable => "photo_unreadable",
            CoreCode::QueueBusy => "queue_busy",
            CoreCode::SessionFile => "session_file",
            CoreCode::CatalogMissing => "catalog_missing",
            CoreCode::UnknownProcedure => "unknown_procedure",
            CoreCode::InvalidSubmission => "invalid_submission",
            CoreCode::UnknownApplication => "unknown_application",
            CoreCode::UnsentItems => "unsent_items",
            CoreCode::SearchIndexMissing => "search_index_missing",
            CoreCode::SearchFailed => "search_failed",
            CoreCode::StaffNotSignedIn => "staff_not_signed_in",
            CoreCode::OfficerOnDevice => "officer_on_device",
            CoreCode::EventRequired => "event_required",
            CoreCode::AssistedSessionOpen => "assisted_session_open",
            CoreCode::NoAssistedSession => "no_assisted_session",
            CoreCode::QueueKeyLocked => "queue_key_locked",
            CoreCode::StaffFiles => "staff_files",
            CoreCode::DeviceLocked => "device_locked",
            CoreCode::StaffPasswordWrong => "staff_password_wrong",
            CoreCode::UnlockWait => "unlock_wait",
            CoreCode::AssistedSessionExpired => "assisted_session_expired",
            CoreCode::ReceiptNotReady => "receipt_not_ready",
            CoreCode::ReceiptFailed => "receipt_failed",
            CoreCode::PreferencesFile => "preferences_file",
            CoreCode::DeviceData => "device_data",
            CoreCode::DataFolder => "data_folder",
            CoreCode::InvalidDocument => "invalid_document",
            CoreCode::UnknownInboxItem => "unknown_inbox_item",
            CoreCode::UnknownDocument => "unknown_document",
            CoreCode::UnknownDraft => "unknown_draft",
            CoreCode::AttachmentMissing => "attachment_missing",
            CoreCode::AccessLogOwnSignInOnly => "access_log_own_sign_in_only",
            CoreCode::NotificationSettingsOwnSignInOnly => "notification_settings_own_sign_in_only",
            CoreCode::InvalidSettings => "invalid_settings",
            CoreCode::EventInvalid => "event_invalid",
            CoreCode::InvalidDay => "invalid_day",
            CoreCode::InvalidReminder => "invalid_reminder",
            CoreCode::Messages => "messages",
            CoreCode::PaymentNeedsConnection => "payment_needs_connection",
            CoreCode::UnknownPayment => "unknown_payment",
            CoreCode::PaymentOwnSignInOnly => "payment_own_sign_in_only",
        }
    }

    /// The Fluent message that says what happened and what to do: `error-{code with dashes}`.
    pub fn message_id(self) -> String {
        format!("error-{}", self.as_str().replace('_', "-"))
    }
}

impl std::fmt::Display for CoreCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ClientError {
    /// The stable code of a failed request to the portal.
    pub fn core_code(&self) -> CoreCode {
        match self {
            ClientError::Network(_) | ClientError::Unreachable(_) => CoreCode::Network,
            ClientError::Timeout => CoreCode::Timeout,
            ClientError::Server { .. } => CoreCode::Server,
            ClientError::RateLimited { .. } => CoreCode::RateLimited,
            ClientError::Unauthorized { .. } => CoreCode::Unauthorized,
            ClientError::NotSignedIn => CoreCode::NotSignedIn,
            ClientError::Validation { .. } => CoreCode::Validation,
            ClientError::NotFound { .. } => CoreCode::NotFound,
            ClientError::Conflict { .. } => CoreCode::Conflict,
            ClientError::Malformed { .. } => CoreCode::Malformed,
        }
    }
}

impl StaffError {
    /// The stable code.
    pub fn code(&self) -> CoreCode {
        match self {
            StaffError::NotSignedIn => CoreCode::StaffNotSignedIn,
            StaffError::OfficerOnDevice => CoreCode::OfficerOnDevice,
            StaffError::EventRequired => CoreCode::EventRequired,
            StaffError::SessionOpen => CoreCode::AssistedSessionOpen,
            StaffError::NoSession => CoreCode::NoAssistedSession,
            StaffError::Key(_) => CoreCode::QueueKeyLocked,
            StaffError::Io(_) => CoreCode::StaffFiles,
            StaffError::Locked => CoreCode::DeviceLocked,
            StaffError::WrongPassword => CoreCode::StaffPasswordWrong,
            StaffError::UnlockWait { .. } => CoreCode::UnlockWait,
        }
    }
}

fn store_code(error: &StoreError) -> CoreCode {
    match error {
        StoreError::Corrupt { .. } => CoreCode::StoreCorrupt,
        StoreError::Sqlite(_)
        | StoreError::Migration(_)
        | StoreError::Json(_)
        | StoreError::Io(_) => CoreCode::Store,
    }
}

fn queue_code(error: &QueueError) -> CoreCode {
    match error {
        QueueError::Store(store) => store_code(store),
        QueueError::NoSuchItem(_) => CoreCode::NoSuchItem,
        QueueError::NotChangeable(_) => CoreCode::ItemNotChangeable,
        QueueError::NotAnApplication(_) => CoreCode::NotAnApplication,
        QueueError::AttachmentTooLarge { .. } => CoreCode::AttachmentTooLarge,
        QueueError::Attachment { .. } => CoreCode::AttachmentUnreadable,
        QueueError::MustSendFirst(_) => CoreCode::DiscardNeedsSend,
        QueueError::SenderBusy => CoreCode::QueueBusy,
        QueueError::TooManyPhotos { .. } => CoreCode::TooManyPhotos,
        QueueError::Lock(_) => CoreCode::Store,
    }
}

fn search_code(error: &CatalogSearchError) -> CoreCode {
    match error {
        CatalogSearchError::IndexMissing => CoreCode::SearchIndexMissing,
        CatalogSearchError::DuplicateProcedure(_)
        | CatalogSearchError::CorruptIndex(_)
        | CatalogSearchError::Database(_)
        | CatalogSearchError::Cache(_)
        | CatalogSearchError::Synonyms(_) => CoreCode::SearchFailed,
    }
}

impl CoreError {
    /// The stable code.
    pub fn code(&self) -> CoreCode {
        match self {
            CoreError::NotSignedIn => CoreCode::NotSignedIn,
            CoreError::NoPortal => CoreCode::NoPortal,
            CoreError::InvalidIdNumber => CoreCode::InvalidIdNumber,
            CoreError::OtpInvalid => CoreCode::OtpInvalid,
            CoreError::Client(error) => error.core_code(),
            CoreError::Store(error) => store_code(error),
            CoreError::Queue(error) => queue_code(error),
            CoreError::Session(_) => CoreCode::SessionFile,
            CoreError::CatalogMissing => CoreCode::CatalogMissing,
            CoreError::UnknownProcedure(_) => CoreCode::UnknownProcedure,
            CoreError::InvalidSubmission(_) => CoreCode::InvalidSubmission,
            CoreError::Photo { .. } => CoreCode::PhotoUnreadable,
            CoreError::UnknownApplication(_) => CoreCode::UnknownApplication,
            CoreError::UnsentItems { .. } => CoreCode::UnsentItems,
            CoreError::Search(error) => search_code(error),
            CoreError::Staff(error) => error.code(),
            CoreError::AssistedSessionExpired => CoreCode::AssistedSessionExpired,
            CoreError::ReceiptNotReady(_) => CoreCode::ReceiptNotReady,
            CoreError::Receipt(_) => CoreCode::ReceiptFailed,
            CoreError::Preferences(_) => CoreCode::PreferencesFile,
            CoreError::DeviceData(_) => CoreCode::DeviceData,
            CoreError::DataFolder(_) => CoreCode::DataFolder,
            CoreError::InvalidDocument(_) => CoreCode::InvalidDocument,
            CoreError::UnknownInboxItem(_) => CoreCode::UnknownInboxItem,
            CoreError::UnknownDocument(_) => CoreCode::UnknownDocument,
            CoreError::UnknownDraft(_) => CoreCode::UnknownDraft,
            CoreError::PickedFileMissing(_) => CoreCode::AttachmentMissing,
            CoreError::PickedFileUnreadable => CoreCode::AttachmentUnreadable,
            CoreError::AccessLogOwnSignInOnly => CoreCode::AccessLogOwnSignInOnly,
            CoreError::NotificationSettingsOwnSignInOnly => {
                CoreCode::NotificationSettingsOwnSignInOnly
            }
            CoreError::InvalidSettings(_) => CoreCode::InvalidSettings,
            CoreError::InvalidEvent(_) => CoreCode::EventInvalid,
            CoreError::InvalidDay(_) => CoreCode::InvalidDay,
            CoreError::InvalidReminder => CoreCode::InvalidReminder,
            CoreError::Messages(_) => CoreCode::Messages,
            CoreError::PaymentNeedsConnection => CoreCode::PaymentNeedsConnection,
            CoreError::UnknownPayment(_) => CoreCode::UnknownPayment,
            CoreError::PaymentOwnSignInOnly => CoreCode::PaymentOwnSignInOnly,
        }
    }

    /// The fields a refusal names, as the UI names them (`form.fullName`, `quietHours.from`):
    /// from the core's own checks or from the portal's problem document.
    pub fn fields(&self) -> Vec<String> {
        match self {
            CoreError::InvalidSubmission(errors) | CoreError::InvalidDocument(errors) => {
                errors.iter().map(|error| error.field.clone()).collect()
            }
            CoreError::InvalidSettings(fields) | CoreError::InvalidEvent(fields) => fields.clone(),
            CoreError::InvalidDay(_) => vec!["day".to_owned()],
            CoreError::Client(client) => client
                .problem()
                .map(|problem| problem.errors.iter().map(|e| e.field.clone()).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{CORE_SOURCES, Lang, Localizer};

    #[test]
    fn every_code_has_a_message_in_every_language() {
        let sources: Vec<_> = CORE_SOURCES
            .iter()
            .chain(crate::assist::ASSIST_SOURCES.iter())
            .copied()
            .collect();
        for lang in Lang::ALL {
            let localizer = Localizer::new(lang, &sources).expect("the messages parse");
            for code in CoreCode::ALL {
                assert!(
                    localizer.has_message(lang, &code.message_id()),
                    "{lang} has the message {} for the code {code}",
                    code.message_id()
                );
            }
        }
    }

    #[test]
    fn each_code_serialises_as_its_name() {
        for code in CoreCode::ALL {
            assert_eq!(
                serde_json::to_value(code).expect("serialisable"),
                serde_json::json!(code.as_str()),
                "the JSON of {code:?} is the name the CLI prints"
            );
        }
        let distinct: std::collections::HashSet<&str> =
            CoreCode::ALL.iter().map(|code| code.as_str()).collect();
        assert_eq!(
            distinct.len(),
            CoreCode::ALL.len(),
            "no two codes share a name"
        );
    }
}
