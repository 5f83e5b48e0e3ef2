//! The handlers of the citizen's commands (the command list is `command_table.rs`). Each one
//! takes its arguments, calls the core, and maps the error; the views are built in the core
//! (`opendvc_core::views`), so the CLI shows the same.

use std::sync::atomic::Ordering;

use opendvc_api::{
    AdminUnits, Catalog, ContactCodesSent, ContactKind, FeedbackServices, FieldKind,
    NotificationSettings, OtpAccepted, Procedure, Profile, ProfilePatch,
};
use opendvc_core::CoreError;
use opendvc_core::views::{
    AccessLogView, ApplicationView, ApplicationsView, CalendarExportView, DashboardView,
    DiscardResult, DraftSummary, DraftView, FeeQuoteView, FeedbackActionInput, FeedbackInput,
    FeedbackScreenView, FeedbackView, FieldCheck, FieldProblem, FollowUpInput, InboxEntry,
    NewDocumentInput, NotificationSettingsView, PickedUpload, PrefillView, QueueItemView,
    ReminderMode, ReminderView, SavedDraft, SessionState, SettingsView, StagedView, SubmitResult,
    WalletEntry,
};
use tauri::AppHandle;
use uuid::Uuid;

use crate::error::IpcError;
use crate::startup::{StartTimings, StartView};
use crate::state::AppState;

pub(crate) type Answer<T> = Result<T, IpcError>;

/// Maps a core error to the UI's error in the app's language.
pub(crate) fn fail(state: &AppState) -> impl Fn(CoreError) -> IpcError + '_ {
    move |error| IpcError::from_core(&error, &state.localizer())
}

pub async fn session_state(state: &AppState) -> Answer<SessionState> {
    Ok(state.core.read().await.session_state())
}

/// The session and, for a signed-in citizen, the dashboard, read under one lock.
/// The start-up breakdown notes when the core's lock was had and when the answer was ready.
pub async fn start_state(state: &AppState) -> Answer<StartView> {
    let told = state.changes_told.load(Ordering::SeqCst);
    let core = state.core.read().await;
    state.start.note("start-state-locked");
    let view = StartView::read(&core, &state.rules, told);
    state.start.note("start-state-read");
    Ok(view)
}

/// How many change events the shell has sent (`AppState::changes_told`). The UI asks once it
/// listens, after its first paint: the work held back for the first screen starts now.
pub async fn changes_told(state: &AppState) -> Answer<u32> {
    state.first_screen_shown.notify_one();
    Ok(state.changes_told.load(Ordering::SeqCst))
}

pub async fn request_otp(state: &AppState, id_number: String) -> Answer<OtpAccepted> {
    let core = state.core.read().await;
    core.request_otp(id_number.trim())
        .await
        .map_err(fail(state))
}

pub async fn sign_in(state: &AppState, id_number: String, otp: String) -> Answer<SessionState> {
    let mut core = state.core_mut().await;
    core.sign_in(id_number.trim(), &otp)
        .await
        .map_err(fail(state))?;
    state.wake_sender.notify_one();
    Ok(core.session_state())
}

/// Unsent items stay on this device for the next sign-in of the same person; the UI warns
/// about them on the settings screen before it signs out.
pub async fn sign_out(state: &AppState) -> Answer<SessionState> {
    let mut core = state.core_mut().await;
    core.sign_out(true).await.map_err(fail(state))?;
    Ok(core.session_state())
}

pub async fn dashboard(state: &AppState) -> Answer<DashboardView> {
    let core = state.core.read().await;
    core.dashboard_view(&state.rules).map_err(fail(state))
}

pub async fn applications(state: &AppState) -> Answer<ApplicationsView> {
    state
        .core
        .read()
        .await
        .applications_view()
        .map_err(fail(state))
}

pub async fn application(state: &AppState, id: String) -> Answer<ApplicationView> {
    state
        .core
        .read()
        .await
        .application_view(&id)
        .map_err(fail(state))
}

pub async fn documents(state: &AppState) -> Answer<Vec<WalletEntry>> {
    let core = state.core.read().await;
    core.wallet_view(&state.rules).map_err(fail(state))
}

pub async fn catalog(state: &AppState) -> Answer<Catalog> {
    state.core.read().await.catalog_view().map_err(fail(state))
}

pub async fn search_catalog(state: &AppState, query: String) -> Answer<Vec<Procedure>> {
    let core = state.core.read().await;
    core.search_procedures(&query).map_err(fail(state))
}

pub async fn procedure(state: &AppState, id: String) -> Answer<Procedure> {
    state.core.read().await.procedure(&id).map_err(fail(state))
}

/// The shared rules' verdict on one value, asked as the person types; the UI keeps no copy of
/// a rule.
pub async fn check_field(state: &AppState, kind: FieldKind, value: String) -> Answer<FieldCheck> {
    Ok(state.core.read().await.check_field(kind, &value))
}

/// Every problem the shared rules find in a draft, against the cached catalog.
pub async fn check_draft(state: &AppState, draft: DraftView) -> Answer<Vec<FieldProblem>> {
    let core = state.core.read().await;
    core.check_draft(&draft.application).map_err(fail(state))
}

/// What a draft costs, from the cached catalog by the fee computation the portal charges with.
pub async fn quote_fee(
    state: &AppState,
    draft: DraftView,
    fee_case: Option<String>,
) -> Answer<FeeQuoteView> {
    let core = state.core.read().await;
    core.quote_fee(&draft.application, fee_case.as_deref())
        .map_err(fail(state))
}

pub async fn stage_attachment(
    state: &AppState,
    file_name: String,
    content_type: String,
    base64: String,
) -> Answer<StagedView> {
    let upload = PickedUpload {
        file_name,
        content_type,
        base64,
    };
    let core = state.core.read().await;
    core.stage_picked_upload(upload).map_err(fail(state))
}

pub async fn access_log(state: &AppState, cursor: Option<String>) -> Answer<AccessLogView> {
    let core = state.core.read().await;
    core.access_log(cursor.as_deref())
        .await
        .map_err(fail(state))
}

pub async fn submit(state: &AppState, draft: DraftView) -> Answer<SubmitResult> {
    let core = state.core.read().await;
    let result = core.submit_draft(draft).await.map_err(fail(state))?;
    wake_sender_unless_sent(state, &result);
    Ok(result)
}

pub async fn save_draft(state: &AppState, draft: SavedDraft) -> Answer<SavedDraft> {
    let core = state.core.read().await;
    core.save_draft(draft).map_err(fail(state))
}

pub async fn drafts(state: &AppState) -> Answer<Vec<DraftSummary>> {
    let core = state.core.read().await;
    core.drafts().map_err(fail(state))
}

pub async fn resume_draft(state: &AppState, id: Uuid) -> Answer<SavedDraft> {
    let core = state.core.read().await;
    core.resume_draft(id).map_err(fail(state))
}

pub async fn discard_draft(state: &AppState, id: Uuid) -> Answer<()> {
    let core = state.core.read().await;
    core.discard_draft(id).map_err(fail(state))
}

pub async fn prefill(
    state: &AppState,
    procedure_id: String,
    picked: Vec<Uuid>,
) -> Answer<PrefillView> {
    let core = state.core.read().await;
    core.prefill_form(&procedure_id, &picked)
        .map_err(fail(state))
}

pub async fn request_contact_code(
    state: &AppState,
    kind: ContactKind,
    value: String,
) -> Answer<ContactCodesSent> {
    let core = state.core.read().await;
    core.request_contact_code(kind, &value)
        .await
        .map_err(fail(state))
}

pub async fn update_profile(state: &AppState, patch: ProfilePatch) -> Answer<Profile> {
    let core = state.core.read().await;
    core.update_profile(&patch).await.map_err(fail(state))
}

pub async fn follow_up(
    state: &AppState,
    application_id: String,
    action: FollowUpInput,
) -> Answer<SubmitResult> {
    let core = state.core.read().await;
    let result = core
        .follow_up_view(&application_id, action)
        .await
        .map_err(fail(state))?;
    wake_sender_unless_sent(state, &result);
    Ok(result)
}

pub async fn feedback_screen(state: &AppState) -> Answer<FeedbackScreenView> {
    let core = state.core.read().await;
    core.feedback_screen().map_err(fail(state))
}

pub async fn feedback_services(state: &AppState) -> Answer<FeedbackServices> {
    let core = state.core.read().await;
    core.feedback_services().await.map_err(fail(state))
}

pub async fn feedback_item(state: &AppState, id: Uuid) -> Answer<Option<FeedbackView>> {
    let core = state.core.read().await;
    core.feedback_item_view(id).map_err(fail(state))
}

pub async fn file_feedback(state: &AppState, feedback: FeedbackInput) -> Answer<SubmitResult> {
    let core = state.core.read().await;
    let result = core
        .file_feedback_view(feedback)
        .await
        .map_err(fail(state))?;
    wake_sender_unless_sent(state, &result);
    Ok(result)
}

pub async fn feedback_follow_up(
    state: &AppState,
    feedback_id: Uuid,
    action: FeedbackActionInput,
) -> Answer<SubmitResult> {
    let core = state.core.read().await;
    let result = core
        .feedback_follow_up_view(feedback_id, action)
        .await
        .map_err(fail(state))?;
    wake_sender_unless_sent(state, &result);
    Ok(result)
}

/// What the portal did not take at once, the background sender sends.
fn wake_sender_unless_sent(state: &AppState, result: &SubmitResult) {
    if !result.sent {
        state.wake_sender.notify_one();
    }
}

pub async fn queue(state: &AppState) -> Answer<Vec<QueueItemView>> {
    state.core.read().await.queue_view().map_err(fail(state))
}

pub async fn queue_retry(state: &AppState, id: Uuid) -> Answer<QueueItemView> {
    let item = state
        .core
        .read()
        .await
        .retry_view(id)
        .map_err(fail(state))?;
    state.wake_sender.notify_one();
    Ok(item)
}

pub async fn queue_discard(state: &AppState, id: Uuid) -> Answer<DiscardResult> {
    let core = state.core.read().await;
    core.discard_view(id).await.map_err(fail(state))
}

pub async fn sync_now(state: &AppState) -> Answer<()> {
    state
        .core
        .read()
        .await
        .sync_now()
        .await
        .map_err(fail(state))?;
    state.wake_sender.notify_one();
    Ok(())
}

pub async fn inbox(state: &AppState) -> Answer<Vec<InboxEntry>> {
    state.core.read().await.inbox_view().map_err(fail(state))
}

pub async fn mark_read(state: &AppState, id: Uuid) -> Answer<()> {
    state.core.read().await.mark_read(id).map_err(fail(state))
}

pub async fn admin_units(state: &AppState) -> Answer<AdminUnits> {
    state
        .core
        .read()
        .await
        .admin_units()
        .await
        .map_err(fail(state))
}

pub async fn settings(state: &AppState) -> Answer<SettingsView> {
    state.core.read().await.settings_view().map_err(fail(state))
}

/// A new language also becomes the language of the shell's own messages (and the tray's
/// menu) at once; on a desktop the system's "open at login" entry follows the setting.
pub async fn save_settings(
    state: &AppState,
    app: AppHandle,
    settings: SettingsView,
) -> Answer<SettingsView> {
    let core = state.core.read().await;
    let saved = core.save_settings_view(&settings).map_err(fail(state))?;
    state.speak(core.language());
    #[cfg(desktop)]
    {
        crate::tray::relabel(&app, &state.localizer());
        crate::autostart::follow(&app, saved.open_at_login);
    }
    #[cfg(mobile)]
    let _no_tray_on_phones = app;
    Ok(saved)
}

pub async fn notification_settings(state: &AppState) -> Answer<NotificationSettingsView> {
    let core = state.core.read().await;
    core.notification_settings().await.map_err(fail(state))
}

pub async fn save_notification_settings(
    state: &AppState,
    settings: NotificationSettings,
) -> Answer<NotificationSettingsView> {
    let core = state.core.read().await;
    core.save_notification_settings(&settings)
        .await
        .map_err(fail(state))
}

pub async fn set_reminder(
    state: &AppState,
    document_id: Uuid,
    mode: ReminderMode,
    days: Option<u32>,
) -> Answer<ReminderView> {
    let core = state.core.read().await;
    core.set_reminder(document_id, mode, days)
        .map_err(fail(state))
}

pub async fn start_renewal(state: &AppState, document_id: Uuid) -> Answer<DraftView> {
    let core = state.core.read().await;
    core.renewal_draft(document_id, &state.rules)
        .map_err(fail(state))
}

pub async fn add_document(state: &AppState, document: NewDocumentInput) -> Answer<WalletEntry> {
    let core = state.core.read().await;
    core.add_document_view(document, &state.rules)
        .map_err(fail(state))
}

pub async fn export_calendar(state: &AppState) -> Answer<CalendarExportView> {
    let core = state.core.read().await;
    core.calendar_export(&state.rules).map_err(fail(state))
}

/// The settings screen asks the person first, warning that unsent items are lost, so unsent
/// items do not stop it.
pub async fn clear_device(state: &AppState) -> Answer<SessionState> {
    let mut core = state.core_mut().await;
    core.clear_device().await.map_err(fail(state))?;
    Ok(core.session_state())
}

/// The UI's performance mark `opendvc:dashboard-rendered`, with the UI's other start-up marks;
/// the bench reads the log lines this writes.
pub async fn report_dashboard_rendered(
    state: &AppState,
    app: AppHandle,
    timings: StartTimings,
) -> Answer<()> {
    crate::window::report_dashboard_rendered(&app, &state.start, &timings);
    Ok(())
}
