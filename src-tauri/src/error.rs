//! The one error shape every command rejects with: `{ code, coreCode?, message, fields }`.
//!
//! `code` is an [`IpcCode`]: one of the few codes the UI branches on or says in its own words
//! (its Fluent message is `error-{code with dashes}`). `coreCode` is the core's own, finer
//! code ([`CoreCode`]), and `message` the core's Fluent message for it in the app's language.
//! Both enums are generated into the UI's TypeScript (`typescript.rs`), and every core code
//! and every portal problem code maps to an IPC code in a match without a catch-all, so a new
//! code cannot reach the UI unnamed.

use opendvc_api::ErrorCode;
use opendvc_core::i18n::{Arg, Localizer};
use opendvc_core::{CoreCode, CoreError};
use serde::Serialize;

/// What the UI tells the person, and what it does, for a rejected command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "IpcErrorCode"))]
#[serde(rename_all = "snake_case")]
pub enum IpcCode {
    /// The portal could not be reached; what is shown comes from this device.
    Offline,
    /// The command needs a signed-in person (or the portal ended the sign-in).
    NotSignedIn,
    /// The one-time code is wrong or expired.
    OtpInvalid,
    /// An argument cannot be used (an ID number that is not 12 digits, a day that is not a
    /// date).
    InvalidInput,
    /// Values were refused; `fields` names them.
    ValidationFailed,
    /// What was asked for is not there; `coreCode` says what it was.
    NotFound,
    /// Not allowed for whoever is signed in.
    Forbidden,
    /// Not possible in the current state (of the application, the session, the queue).
    InvalidState,
    /// A file too large.
    PayloadTooLarge,
    /// A kind of file the portal does not take.
    UnsupportedMediaType,
    /// The citizen's upload storage is full.
    QuotaExceeded,
    /// Too many requests, or one still in progress: try again later.
    RateLimited,
    /// A shared device is locked; the staff member's password opens it.
    Locked,
    /// The staff password is not the signed-in staff member's.
    PasswordWrong,
    /// The assisted session has expired; a new one needs the citizen's consent again.
    SessionExpired,
    /// A queue item whose answer was lost must be sent once more before it can be discarded.
    DiscardNeedsSend,
    /// The queue is being sent right now; try again in a moment.
    QueueBusy,
    /// This device could not read or write its data.
    Storage,
    /// The portal or the app failed in a way the person cannot fix.
    Internal,
    /// A rejection without this shape (the UI's own name for it; the shell never sends it).
    #[cfg_attr(not(test), allow(dead_code))]
    Unknown,
}

impl IpcCode {
    /// Every code, in the order the UI lists them.
    #[cfg(test)]
    pub const ALL: [IpcCode; 20] = [
        IpcCode::Offline,
        IpcCode::NotSignedIn,
        IpcCode::OtpInvalid,
        IpcCode::InvalidInput,
        IpcCode::ValidationFailed,
        IpcCode::NotFound,
        IpcCode::Forbidden,
        IpcCode::InvalidState,
        IpcCode::PayloadTooLarge,
        IpcCode::UnsupportedMediaType,
        IpcCode::QuotaExceeded,
        IpcCode::RateLimited,
        IpcCode::Locked,
        IpcCode::PasswordWrong,
        IpcCode::SessionExpired,
        IpcCode::DiscardNeedsSend,
        IpcCode::QueueBusy,
        IpcCode::Storage,
        IpcCode::Internal,
        IpcCode::Unknown,
    ];

    /// The snake_case name, as serde writes it.
    #[cfg(test)]
    pub fn as_str(self) -> &'static str {
        match self {
            IpcCode::Offline => "offline",
            IpcCode::NotSignedIn => "not_signed_in",
            IpcCode::OtpInvalid => "otp_invalid",
            IpcCode::InvalidInput => "invalid_input",
            IpcCode::ValidationFailed => "validation_failed",
            IpcCode::NotFound => "not_found",
            IpcCode::Forbidden => "forbidden",
            IpcCode::InvalidState => "invalid_state",
            IpcCode::PayloadTooLarge => "payload_too_large",
            IpcCode::UnsupportedMediaType => "unsupported_media_type",
            IpcCode::QuotaExceeded => "quota_exceeded",
            IpcCode::RateLimited => "rate_limited",
            IpcCode::Locked => "locked",
            IpcCode::PasswordWrong => "password_wrong",
            IpcCode::SessionExpired => "session_expired",
            IpcCode::DiscardNeedsSend => "discard_needs_send",
            IpcCode::QueueBusy => "queue_busy",
            IpcCode::Storage => "storage",
            IpcCode::Internal => "internal",
            IpcCode::Unknown => "unknown",
        }
    }

    /// The Fluent message the UI shows for the code.
    #[cfg(test)]
    pub fn message_id(self) -> String {
        format!("error-{}", self.as_str().replace('_', "-"))
    }

    /// The IPC code of a core code.
    pub fn of_core(code: CoreCode) -> IpcCode {
        match code {
            CoreCode::NotSignedIn | CoreCode::Unauthorized | CoreCode::StaffNotSignedIn => {
                IpcCode::NotSignedIn
            }
            CoreCode::Network
            | CoreCode::Timeout
            | CoreCode::CatalogMissing
            | CoreCode::SearchIndexMissing
            | CoreCode::PaymentNeedsConnection => IpcCode::Offline,
            CoreCode::OtpInvalid => IpcCode::OtpInvalid,
            CoreCode::NoPortal
            | CoreCode::InvalidIdNumber
            | CoreCode::NotAnApplication
            | CoreCode::AttachmentUnreadable
            | CoreCode::AttachmentMissing
            | CoreCode::PhotoUnreadable
            | CoreCode::InvalidDay
            | CoreCode::InvalidReminder => IpcCode::InvalidInput,
            CoreCode::Validation
            | CoreCode::InvalidSubmission
            | CoreCode::TooManyPhotos
            | CoreCode::InvalidDocument
            | CoreCode::InvalidSettings
            | CoreCode::EventRequired
            | CoreCode::EventInvalid => IpcCode::ValidationFailed,
            CoreCode::NotFound
            | CoreCode::NoSuchItem
            | CoreCode::UnknownProcedure
            | CoreCode::UnknownApplication
            | CoreCode::UnknownInboxItem
            | CoreCode::UnknownDocument
            | CoreCode::UnknownDraft
            | CoreCode::UnknownPayment => IpcCode::NotFound,
            CoreCode::OfficerOnDevice
            | CoreCode::AccessLogOwnSignInOnly
            | CoreCode::NotificationSettingsOwnSignInOnly
            | CoreCode::PaymentOwnSignInOnly => IpcCode::Forbidden,
            CoreCode::Conflict
            | CoreCode::ItemNotChangeable
            | CoreCode::UnsentItems
            | CoreCode::AssistedSessionOpen
            | CoreCode::NoAssistedSession
            | CoreCode::ReceiptNotReady => IpcCode::InvalidState,
            CoreCode::AttachmentTooLarge => IpcCode::PayloadTooLarge,
            CoreCode::RateLimited => IpcCode::RateLimited,
            CoreCode::DeviceLocked | CoreCode::UnlockWait => IpcCode::Locked,
            CoreCode::StaffPasswordWrong | CoreCode::QueueKeyLocked => IpcCode::PasswordWrong,
            CoreCode::AssistedSessionExpired => IpcCode::SessionExpired,
            CoreCode::DiscardNeedsSend => IpcCode::DiscardNeedsSend,
            CoreCode::QueueBusy => IpcCode::QueueBusy,
            CoreCode::Store
            | CoreCode::StoreCorrupt
            | CoreCode::SessionFile
            | CoreCode::SearchFailed
            | CoreCode::StaffFiles
            | CoreCode::PreferencesFile
            | CoreCode::DeviceData
            | CoreCode::DataFolder => IpcCode::Storage,
            CoreCode::Server
            | CoreCode::Malformed
            | CoreCode::ReceiptFailed
            | CoreCode::Messages => IpcCode::Internal,
        }
    }

    /// The IPC code of a problem document the portal sent.
    pub fn of_problem(code: ErrorCode) -> IpcCode {
        match code {
            ErrorCode::ValidationFailed => IpcCode::ValidationFailed,
            ErrorCode::Unauthorized | ErrorCode::TokenExpired | ErrorCode::RefreshTokenInvalid => {
                IpcCode::NotSignedIn
            }
            ErrorCode::OtpInvalid => IpcCode::OtpInvalid,
            ErrorCode::Forbidden | ErrorCode::ConsentRequired => IpcCode::Forbidden,
            ErrorCode::NotFound => IpcCode::NotFound,
            ErrorCode::InvalidState => IpcCode::InvalidState,
            ErrorCode::PayloadTooLarge => IpcCode::PayloadTooLarge,
            ErrorCode::UnsupportedMediaType => IpcCode::UnsupportedMediaType,
            ErrorCode::QuotaExceeded => IpcCode::QuotaExceeded,
            ErrorCode::RateLimited | ErrorCode::IdempotencyInFlight => IpcCode::RateLimited,
            // The app sent what the portal cannot take, or the portal failed: nothing the
            // person can fix by changing their input.
            ErrorCode::MalformedRequest
            | ErrorCode::IdempotencyKeyMissing
            | ErrorCode::IdempotencyKeyReused
            | ErrorCode::Internal
            | ErrorCode::Unavailable
            | ErrorCode::Unknown => IpcCode::Internal,
        }
    }
}

/// A rejected command, as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct IpcError {
    pub code: IpcCode,
    /// The core's own code; absent for a failure of the shell itself (the print dialog).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub core_code: Option<CoreCode>,
    /// What happened and what to do, in the app's language.
    pub message: String,
    /// The refused fields, for `validation_failed` and `invalid_input`; empty otherwise.
    pub fields: Vec<String>,
}

impl IpcError {
    /// A failure of the shell itself, with its own message.
    pub fn shell(code: IpcCode, message_id: &str, localizer: &Localizer) -> IpcError {
        IpcError {
            code,
            core_code: None,
            message: localizer.text(message_id),
            fields: Vec::new(),
        }
    }

    /// Maps a core error: the UI's code, the core's code, its localised message and the
    /// refused fields.
    pub fn from_core(error: &CoreError, localizer: &Localizer) -> IpcError {
        let core_code = error.code();
        let message = if let CoreError::UnsentItems { count } = error {
            localizer.format(&core_code.message_id(), &[("count", Arg::from(*count))])
        } else {
            localizer.text(&core_code.message_id())
        };
        // A problem document names the portal's reason more precisely than the core's code
        // for the failed request.
        let problem = if let CoreError::Client(client) = error
            && !client.is_offline()
        {
            client.problem()
        } else {
            None
        };
        let code = match problem {
            Some(problem) => IpcCode::of_problem(problem.code),
            None => IpcCode::of_core(core_code),
        };
        IpcError {
            code,
            core_code: Some(core_code),
            message,
            fields: error.fields(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opendvc_api::FieldError;
    use opendvc_core::error::StaffError;
    use opendvc_core::i18n::Lang;
    use uuid::Uuid;

    fn localizer(lang: Lang) -> Localizer {
        crate::state::shell_localizer(lang).expect("the shell's messages parse")
    }

    #[test]
    fn a_rejected_command_has_the_shape_the_ui_reads() {
        let error = IpcError::from_core(&CoreError::InvalidIdNumber, &localizer(Lang::En));
        assert_eq!(
            serde_json::to_value(&error).expect("serialisable"),
            serde_json::json!({
                "code": "invalid_input",
                "coreCode": "invalid_id_number",
                "message": "A personal ID number has 12 digits.",
                "fields": [],
            }),
            "code, coreCode, message and the refused fields (none)"
        );
        let shell = IpcError::shell(
            IpcCode::Internal,
            "error-print-failed",
            &localizer(Lang::En),
        );
        assert_eq!(
            serde_json::to_value(&shell).expect("serialisable"),
            serde_json::json!({
                "code": "internal",
                "message": "The print dialog could not be opened. Try again.",
                "fields": [],
            }),
            "a failure of the shell itself has no core code"
        );
    }

    #[test]
    fn every_ipc_code_is_a_message_the_ui_shows_in_every_language() {
        for lang in Lang::ALL {
            let localizer = localizer(lang);
            for code in IpcCode::ALL {
                assert!(
                    localizer.has_message(lang, &code.message_id()),
                    "{lang} has {} for the IPC code {}",
                    code.message_id(),
                    code.as_str()
                );
                assert_eq!(
                    serde_json::to_value(code).expect("serialisable"),
                    serde_json::json!(code.as_str()),
                    "the JSON of {code:?} is its name"
                );
            }
        }
    }

    #[test]
    fn the_message_follows_the_language() {
        let english = IpcError::from_core(&CoreError::NotSignedIn, &localizer(Lang::En));
        let vietnamese = IpcError::from_core(&CoreError::NotSignedIn, &localizer(Lang::Vi));
        assert_eq!(english.code, IpcCode::NotSignedIn);
        assert_eq!(vietnamese.code, IpcCode::NotSignedIn);
        assert_ne!(english.message, vietnamese.message);
        assert!(!vietnamese.message.starts_with("error-"));
    }

    #[test]
    fn an_invalid_submission_names_the_refused_fields() {
        let error = CoreError::InvalidSubmission(vec![FieldError::new(
            "form.fullName",
            opendvc_api::FieldProblemCode::Required,
        )]);
        let json = serde_json::to_value(IpcError::from_core(&error, &localizer(Lang::En)))
            .expect("serialisable");
        assert_eq!(json["code"], "validation_failed");
        assert_eq!(json["fields"], serde_json::json!(["form.fullName"]));
    }

    #[test]
    fn what_was_not_found_is_named_in_words_of_its_own() {
        for lang in Lang::ALL {
            let localizer = localizer(lang);
            let answers = [
                CoreError::UnknownDocument(Uuid::nil()),
                CoreError::UnknownDraft(Uuid::nil()),
                CoreError::UnknownInboxItem(Uuid::nil()),
                CoreError::UnknownApplication("x".into()),
                CoreError::UnknownProcedure("x".into()),
                CoreError::Queue(opendvc_core::queue::QueueError::NoSuchItem(Uuid::nil())),
            ]
            .map(|error| IpcError::from_core(&error, &localizer));
            let named: std::collections::HashSet<_> =
                answers.iter().map(|answer| answer.core_code).collect();
            let messages: std::collections::HashSet<_> = answers
                .iter()
                .map(|answer| answer.message.clone())
                .collect();
            for answer in &answers {
                assert_eq!(answer.code, IpcCode::NotFound, "{lang}: {answer:?}");
                assert!(!answer.message.starts_with("error-"), "{lang}: {answer:?}");
            }
            assert_eq!(named.len(), answers.len(), "{lang}: each names what it was");
            assert_eq!(
                messages.len(),
                answers.len(),
                "{lang}: each says it in its own words"
            );
        }
    }

    #[test]
    fn staff_errors_say_what_to_do_in_every_language() {
        for lang in Lang::ALL {
            let localizer = localizer(lang);
            for (error, code) in [
                (CoreError::Staff(StaffError::Locked), IpcCode::Locked),
                (
                    CoreError::Staff(StaffError::WrongPassword),
                    IpcCode::PasswordWrong,
                ),
                (
                    CoreError::Staff(StaffError::NotSignedIn),
                    IpcCode::NotSignedIn,
                ),
                (
                    CoreError::Staff(StaffError::SessionOpen),
                    IpcCode::InvalidState,
                ),
                (CoreError::AssistedSessionExpired, IpcCode::SessionExpired),
                (
                    CoreError::ReceiptNotReady("x".into()),
                    IpcCode::InvalidState,
                ),
                (
                    CoreError::InvalidEvent(vec!["event.date".into()]),
                    IpcCode::ValidationFailed,
                ),
            ] {
                let ipc = IpcError::from_core(&error, &localizer);
                assert_eq!(ipc.code, code, "{lang}: {error}");
                assert!(
                    !ipc.message.starts_with("error-"),
                    "{lang}: {}",
                    ipc.message
                );
            }
        }
    }

    #[test]
    fn a_discard_that_must_send_first_says_so_in_every_language() {
        use opendvc_core::queue::QueueError;
        for lang in Lang::ALL {
            let localizer = localizer(lang);
            for (error, code) in [
                (
                    CoreError::Queue(QueueError::MustSendFirst(Uuid::nil())),
                    IpcCode::DiscardNeedsSend,
                ),
                (CoreError::Queue(QueueError::SenderBusy), IpcCode::QueueBusy),
            ] {
                let ipc = IpcError::from_core(&error, &localizer);
                assert_eq!(ipc.code, code, "{lang}: {error}");
                assert!(
                    !ipc.message.starts_with("error-"),
                    "{lang}: {}",
                    ipc.message
                );
            }
        }
    }

    #[test]
    fn every_core_code_has_a_message_in_every_language() {
        for lang in Lang::ALL {
            let localizer = localizer(lang);
            for code in CoreCode::ALL {
                assert!(
                    localizer.has_message(lang, &code.message_id()),
                    "{lang}: the shell can say {}",
                    code.message_id()
                );
            }
        }
    }

    #[test]
    fn the_unsent_count_is_in_the_message() {
        let ipc = IpcError::from_core(&CoreError::UnsentItems { count: 3 }, &localizer(Lang::En));
        assert_eq!(ipc.code, IpcCode::InvalidState);
        assert!(ipc.message.contains('3'), "{}", ipc.message);
    }
}
