//! The one error shape every command rejects with: `{ code, message, fields? }`.
//!
//! `code` is one of the codes the UI knows (`IpcErrorCode` in ui/src/lib/backend/views.ts):
//! a portal `ErrorCode` when the portal sent a problem document, else the UI's name for the
//! core's stable code (`offline`, `not_signed_in`, `storage`, `invalid_input`, …).
//! `coreCode` keeps the core's own stable code, and `message` is the core's Fluent message for
//! it in the current language.

use opendvc_core::CoreError;
use opendvc_core::assist::StaffError;
use opendvc_core::client::ClientError;
use opendvc_core::i18n::{Arg, Localizer};
use serde::Serialize;

/// A rejected command, as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IpcError {
    pub code: String,
    pub core_code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

impl IpcError {
    /// An error of the shell itself (a bad argument from the UI), with a core message id.
    pub fn invalid_input(localizer: &Localizer, core_code: &str, message_id: &str) -> IpcError {
        IpcError {
            code: "invalid_input".to_owned(),
            core_code: core_code.to_owned(),
            message: localizer.text(message_id),
            fields: Vec::new(),
        }
    }

    /// Settings the UI sent that cannot be stored, with the refused fields.
    pub fn invalid_settings(localizer: &Localizer, fields: Vec<String>) -> IpcError {
        IpcError {
            code: "validation_failed".to_owned(),
            core_code: "invalid_settings".to_owned(),
            message: localizer.text("error-invalid-settings"),
            fields,
        }
    }

    /// A staff sign-in whose venue fields cannot be used, with the refused fields.
    pub fn invalid_staff_sign_in(localizer: &Localizer, fields: Vec<String>) -> IpcError {
        IpcError {
            code: "validation_failed".to_owned(),
            core_code: "event_invalid".to_owned(),
            message: localizer.text("error-event-invalid"),
            fields,
        }
    }

    /// Something asked for is not on this device.
    pub fn not_found(localizer: &Localizer) -> IpcError {
        IpcError {
            code: "not_found".to_owned(),
            core_code: "unknown_application".to_owned(),
            message: localizer.text("error-not-found"),
            fields: Vec::new(),
        }
    }

    /// Maps a core error: the UI code, the core's stable code and its localised message.
    pub fn from_core(error: &CoreError, localizer: &Localizer) -> IpcError {
        let core_code = error.code();
        let message_id = format!("error-{}", core_code.replace('_', "-"));
        let message = match error {
            CoreError::UnsentItems { count } => {
                localizer.format(&message_id, &[("count", Arg::from(*count))])
            }
            _ => localizer.text(&message_id),
        };
        let mut fields = Vec::new();
        let code = match error {
            CoreError::NotSignedIn | CoreError::Client(ClientError::NotSignedIn) => {
                "not_signed_in".to_owned()
            }
            CoreError::Client(client) if client.is_offline() => "offline".to_owned(),
            CoreError::Client(client) => match client.problem() {
                Some(problem) => {
                    fields = problem.errors.iter().map(|e| e.field.clone()).collect();
                    problem.code.as_str().to_owned()
                }
                None => match client {
                    ClientError::RateLimited { .. } => "rate_limited",
                    ClientError::Unauthorized { .. } => "unauthorized",
                    ClientError::NotFound { .. } => "not_found",
                    ClientError::Conflict { .. } => "invalid_state",
                    ClientError::Validation { .. } => "validation_failed",
                    _ => "internal",
                }
                .to_owned(),
            },
            CoreError::InvalidSubmission(errors) | CoreError::InvalidDocument(errors) => {
                fields = errors.iter().map(|e| e.field.clone()).collect();
                "validation_failed".to_owned()
            }
            CoreError::OtpInvalid => "otp_invalid".to_owned(),
            CoreError::InvalidIdNumber | CoreError::NoPortal => "invalid_input".to_owned(),
            CoreError::UnknownApplication(_)
            | CoreError::UnknownProcedure(_)
            | CoreError::UnknownInboxItem(_)
            | CoreError::UnknownDocument(_) => "not_found".to_owned(),
            CoreError::UnsentItems { .. } => "invalid_state".to_owned(),
            CoreError::AssistedSessionExpired => "session_expired".to_owned(),
            CoreError::AccessLogOwnSignInOnly => "forbidden".to_owned(),
            CoreError::ReceiptNotReady(_) => "invalid_state".to_owned(),
            CoreError::Staff(staff) => match staff {
                StaffError::NotSignedIn => "not_signed_in",
                StaffError::Locked | StaffError::UnlockWait { .. } => "locked",
                StaffError::WrongPassword | StaffError::Key(_) => "password_wrong",
                StaffError::EventRequired => "validation_failed",
                StaffError::OfficerOnDevice => "forbidden",
                StaffError::SessionOpen | StaffError::NoSession => "invalid_state",
                StaffError::Io(_) => "storage",
            }
            .to_owned(),
            _ => match core_code {
                "no_such_item" => "not_found",
                "item_not_changeable" => "invalid_state",
                "attachment_too_large" => "payload_too_large",
                "not_an_application" | "attachment_unreadable" | "attachment_missing" => {
                    "invalid_input"
                }
                "catalog_missing" => "offline",
                "discard_needs_send" => "discard_needs_send",
                "queue_busy" => "queue_busy",
                _ => "storage",
            }
            .to_owned(),
        };
        IpcError {
            code,
            core_code: core_code.to_owned(),
            message,
            fields,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opendvc_api::FieldError;
    use opendvc_core::i18n::Lang;
    use uuid::Uuid;

    fn localizer(lang: Lang) -> Localizer {
        crate::state::shell_localizer(lang).expect("the shell's messages parse")
    }

    #[test]
    fn a_rejected_command_carries_code_core_code_and_a_localised_message() {
        let error = IpcError::from_core(&CoreError::InvalidIdNumber, &localizer(Lang::En));
        let json = serde_json::to_value(&error).expect("serialisable");
        assert_eq!(
            json,
            serde_json::json!({
                "code": "invalid_input",
                "coreCode": "invalid_id_number",
                "message": "A personal ID number has 12 digits.",
            })
        );
    }

    #[test]
    fn the_message_follows_the_language() {
        let english = IpcError::from_core(&CoreError::NotSignedIn, &localizer(Lang::En));
        let vietnamese = IpcError::from_core(&CoreError::NotSignedIn, &localizer(Lang::Vi));
        assert_eq!(english.code, "not_signed_in");
        assert_eq!(vietnamese.code, "not_signed_in");
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
    fn unknown_documents_and_inbox_items_are_not_found_in_words_of_their_own() {
        for lang in Lang::ALL {
            let localizer = localizer(lang);
            let document =
                IpcError::from_core(&CoreError::UnknownDocument(Uuid::nil()), &localizer);
            let item = IpcError::from_core(&CoreError::UnknownInboxItem(Uuid::nil()), &localizer);
            let application =
                IpcError::from_core(&CoreError::UnknownApplication("x".into()), &localizer);
            assert_eq!(
                (document.code.as_str(), item.code.as_str()),
                ("not_found", "not_found")
            );
            assert_eq!(document.core_code, "unknown_document");
            for message in [&document.message, &item.message] {
                assert!(!message.starts_with("error-"), "{lang}: {message}");
                assert_ne!(message, &application.message, "{lang}");
            }
        }
    }

    #[test]
    fn staff_errors_say_what_to_do_in_every_language() {
        for lang in Lang::ALL {
            let localizer = localizer(lang);
            for (error, code) in [
                (CoreError::Staff(StaffError::Locked), "locked"),
                (
                    CoreError::Staff(StaffError::WrongPassword),
                    "password_wrong",
                ),
                (CoreError::Staff(StaffError::NotSignedIn), "not_signed_in"),
                (CoreError::Staff(StaffError::SessionOpen), "invalid_state"),
                (CoreError::AssistedSessionExpired, "session_expired"),
                (CoreError::ReceiptNotReady("x".into()), "invalid_state"),
            ] {
                let ipc = IpcError::from_core(&error, &localizer);
                assert_eq!(ipc.code, code, "{lang}: {error}");
                assert!(
                    !ipc.message.starts_with("error-"),
                    "{lang}: {}",
                    ipc.message
                );
            }
            let refused = IpcError::invalid_staff_sign_in(&localizer, vec!["event.date".into()]);
            assert!(!refused.message.starts_with("error-"), "{lang}");
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
                    "discard_needs_send",
                ),
                (CoreError::Queue(QueueError::SenderBusy), "queue_busy"),
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
    fn the_unsent_count_is_in_the_message() {
        let error = CoreError::UnsentItems { count: 3 };
        let ipc = IpcError::from_core(&error, &localizer(Lang::En));
        assert_eq!(ipc.code, "invalid_state");
        assert!(ipc.message.contains('3'), "{}", ipc.message);
    }
}
