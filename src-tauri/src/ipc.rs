//! The Tauri commands, made from the one command list (`command_table.rs`): each is a thin
//! wrapper that hands its arguments to the handler of the same name in `commands` or `staff`.
//! The handler list of the app ([`handler`]) and the names the capability allows
//! ([`COMMAND_NAMES`]) come from the same list, so no command can be handled without being
//! allowed, or allowed without being handled.

// The types the command list names, for the wrappers below.
#[allow(unused_imports)]
use opendvc_api::{
    AdminUnits, Catalog, Consent, ContactCodesSent, ContactKind, FeedbackServices, FieldKind,
    NotificationSettings, OtpAccepted, Payment, PaymentMethod, Procedure, Profile, ProfilePatch,
};
#[allow(unused_imports)]
use opendvc_core::assist::{SessionEnded, Tally};
#[allow(unused_imports)]
use opendvc_core::i18n::Lang;
#[allow(unused_imports)]
use opendvc_core::receipt::Receipt;
#[allow(unused_imports)]
use opendvc_core::views::{
    AccessLogView, ApplicationView, ApplicationsView, CalendarExportView, CsvExportView,
    DashboardView, DiscardResult, DraftSummary, DraftView, FeeQuoteView, FeedbackActionInput,
    FeedbackInput, FeedbackScreenView, FeedbackView, FieldCheck, FieldProblem, FollowUpInput,
    InboxEntry, NewDocumentInput, NotificationSettingsView, PaymentReceiptEntry, PaymentStepView,
    PrefillView, QueueItemView, ReminderMode, ReminderView, SavedDraft, SessionState, SettingsView,
    StaffSignInInput, StagedView, SubmitResult, WalletEntry,
};
#[allow(unused_imports)]
use uuid::Uuid;

use crate::commands::Answer;
#[allow(unused_imports)]
use crate::startup::{StartTimings, StartView};
#[allow(unused_imports)]
use crate::{commands, payments, staff};

/// Makes one `#[tauri::command]` per entry of the list, named and typed as the list says.
macro_rules! tauri_commands {
    ($(
        $(#[doc = $doc:literal])*
        $module:ident :: $name:ident (
            state $(, $app:ident)? $(; $($arg:ident : $ty:ty),+ )?
        ) -> $ret:ty;
    )*) => {
        $(
            $(#[doc = $doc])*
            #[tauri::command]
            pub async fn $name(
                state: tauri::State<'_, crate::state::AppState>,
                $($app: tauri::AppHandle,)?
                $($($arg: $ty),+)?
            ) -> Answer<$ret> {
                $module::$name(&state $(, $app)? $(, $($arg),+)?).await
            }
        )*

        /// The app's invoke handler: every command of the list, and nothing else.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }
    };
}

/// The names of the commands, as the list gives them.
#[cfg(test)]
macro_rules! command_names {
    ($(
        $(#[doc = $doc:literal])*
        $module:ident :: $name:ident (
            state $(, $app:ident)? $(; $($arg:ident : $ty:ty),+ )?
        ) -> $ret:ty;
    )*) => {
        &[$(stringify!($name)),*]
    };
}

with_commands!(tauri_commands);

/// Every command the UI may call, in the list's order (the capability is generated from it).
#[cfg(test)]
pub const COMMAND_NAMES: &[&str] = with_commands!(command_names);

#[cfg(test)]
#[path = "typescript.rs"]
mod typescript;
