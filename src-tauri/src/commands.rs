//! The IPC commands of ui/src/lib/backend/commands.ts that the core supports. Each one takes
//! the state, calls the core, reshapes the answer into the UI's view type and maps errors to
//! [`IpcError`].

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::NaiveDate;
use opendvc_api::{AdminUnits, AttachmentRef, NewApplication, OtpAccepted, Procedure};
use opendvc_core::clock::{Clock, SystemClock};
use opendvc_core::queue::{FollowUp, ItemKind, QueueItem};
use opendvc_core::reminders::{self, ReminderChoice};
use opendvc_core::{ApplicationDetail, CoreError, OpenDvc, SubmissionDraft, SubmitOutcome};
use tauri::{AppHandle, State};
use uuid::Uuid;

use crate::error::IpcError;
use crate::state::AppState;
use opendvc_core::views::{
    self, ApplicationView, ApplicationsView, CalendarExportView, DashboardCounts, DashboardView,
    DiscardResult, DraftView, FollowUpInput, InboxEntry, NewDocumentInput, QueueContext,
    QueueItemView, ReminderView, SessionState, SettingsView, StagedView, SubmitResult, WalletEntry,
};

pub(crate) type Answer<T> = Result<T, IpcError>;

/// Picked files (`sha256:` ids) for the core to queue, each with the required document it
/// satisfies.
type Picked = Vec<(String, Option<String>)>;

/// The largest file the portal takes (20 MiB); bigger ones are refused before copying.
const MAX_ATTACHMENT: usize = 20 * 1024 * 1024;

/// How many inbox items the inbox screen shows.
const INBOX_LIMIT: u32 = 200;

pub(crate) fn fail(state: &AppState) -> impl Fn(CoreError) -> IpcError + '_ {
    move |error| IpcError::from_core(&error, &state.localizer())
}

fn parse_id(state: &AppState, id: &str) -> Answer<Uuid> {
    Uuid::parse_str(id).map_err(|_| IpcError::not_found(&state.localizer()))
}

/// An id that is not a UUID names nothing on this device: answered as the core answers an
/// unknown one of the same kind.
fn parse_id_or(state: &AppState, id: &str, unknown: fn(Uuid) -> CoreError) -> Answer<Uuid> {
    Uuid::parse_str(id).map_err(|_| IpcError::from_core(&unknown(Uuid::nil()), &state.localizer()))
}

pub(crate) fn session_of(core: &OpenDvc, state: &AppState) -> SessionState {
    let signed_in = core.is_signed_in();
    let dashboard = core.dashboard().ok();
    // Only a device a staff member signed in on is a shared one.
    let staff = core
        .staff_status()
        .ok()
        .filter(|staff| staff.staff.is_some());
    SessionState {
        signed_in,
        profile: if signed_in {
            core.profile().ok().flatten()
        } else {
            None
        },
        language: state.lang(),
        // Before the first attempt nothing says the portal is away; the first sync tells.
        online: dashboard
            .and_then(|dashboard| dashboard.online)
            .unwrap_or(true),
        staff,
        auto_lock_seconds: state.auto_lock_seconds,
    }
}

fn procedure_names(core: &OpenDvc) -> HashMap<String, opendvc_api::LocalizedText> {
    core.catalog()
        .unwrap_or_default()
        .into_iter()
        .map(|procedure| (procedure.id, procedure.name))
        .collect()
}

fn queue_views(
    core: &OpenDvc,
    state: &AppState,
    items: &[QueueItem],
) -> Answer<Vec<QueueItemView>> {
    let summary = core.queue_summary().map_err(fail(state))?;
    let names = procedure_names(core);
    let progress = state.progress().clone();
    let localizer = state.localizer();
    let context = QueueContext {
        localizer: &localizer,
        procedure_names: &names,
        progress: &progress,
        summary: &summary,
    };
    Ok(items
        .iter()
        .filter_map(|item| views::queue_item(item, &context))
        .collect())
}

fn application_view(
    core: &OpenDvc,
    state: &AppState,
    detail: ApplicationDetail,
) -> Answer<Option<ApplicationView>> {
    let Some(application) = detail.application else {
        return Ok(None);
    };
    let follow_ups: Vec<QueueItem> = detail
        .queue_items
        .into_iter()
        .filter(|item| item.state.is_unsent() && item.kind() != ItemKind::CreateApplication)
        .collect();
    Ok(Some(ApplicationView {
        application,
        overdue: detail.entry.overdue,
        working_days_left: detail.entry.working_days_left,
        waiting_to_send: queue_views(core, state, &follow_ups)?,
    }))
}

#[tauri::command]
pub async fn session_state(state: State<'_, AppState>) -> Answer<SessionState> {
    let core = state.core.read().await;
    Ok(session_of(&core, &state))
}

#[tauri::command]
pub async fn request_otp(state: State<'_, AppState>, id_number: String) -> Answer<OtpAccepted> {
    let core = state.core.read().await;
    core.request_otp(id_number.trim())
        .await
        .map_err(fail(&state))
}

#[tauri::command]
pub async fn sign_in(
    state: State<'_, AppState>,
    id_number: String,
    otp: String,
) -> Answer<SessionState> {
    let mut core = state.core_mut().await;
    core.sign_in(id_number.trim(), &otp)
        .await
        .map_err(fail(&state))?;
    state.wake_sender.notify_one();
    Ok(session_of(&core, &state))
}

#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>) -> Answer<SessionState> {
    let mut core = state.core_mut().await;
    // Unsent items stay on this device for the next sign-in of the same person; the UI warns
    // about them on the settings screen before it signs out.
    core.sign_out(true).await.map_err(fail(&state))?;
    Ok(session_of(&core, &state))
}

#[tauri::command]
pub async fn dashboard(state: State<'_, AppState>) -> Answer<DashboardView> {
    let core = state.core.read().await;
    let dashboard = core.dashboard().map_err(fail(&state))?;
    if !dashboard.signed_in {
        return Err(IpcError::from_core(
            &CoreError::NotSignedIn,
            &state.localizer(),
        ));
    }
    // The profile arrives with the first sync; until then there is nothing to show.
    let profile = core
        .profile()
        .map_err(fail(&state))?
        .ok_or_else(|| IpcError::from_core(&CoreError::CatalogMissing, &state.localizer()))?;
    let mut needs_action = Vec::new();
    for entry in &dashboard.needing_action {
        if let Some(id) = entry.id {
            let detail = core.application(&id.to_string()).map_err(fail(&state))?;
            if let Some(view) = application_view(&core, &state, detail)? {
                needs_action.push(view);
            }
        }
    }
    let unsent: Vec<QueueItem> = core
        .queue_items(false)
        .map_err(fail(&state))?
        .into_iter()
        .filter(|item| item.state.is_unsent() && item.kind() != ItemKind::UploadAttachment)
        .collect();
    let waiting_to_send = queue_views(&core, &state, &unsent)?;
    let today = views::vietnam_today(SystemClock.now());
    let mut next_renewals: Vec<_> = core
        .documents()
        .map_err(fail(&state))?
        .iter()
        .map(|document| views::validity(document, Some(profile.birth_date), &state.rules, today))
        .filter(|validity| validity.days_left.is_some())
        .collect();
    next_renewals.sort_by_key(|validity| validity.days_left);
    next_renewals.truncate(3);
    let count = |status: &str| dashboard.counts_by_status.get(status).copied().unwrap_or(0);
    let counts = DashboardCounts {
        applications: dashboard.counts_by_status.values().sum(),
        in_progress: count("received") + count("processing") + count("supplement_requested"),
        unread_inbox: dashboard.unread_inbox,
        waiting_to_send: dashboard.queue.queued + dashboard.queue.sending,
        needs_attention: dashboard.queue.needs_attention,
    };
    Ok(DashboardView {
        online: dashboard.online.unwrap_or(true),
        profile,
        needs_action,
        waiting_to_send,
        next_renewals,
        counts,
        synced_at: dashboard.last_sync_at,
    })
}

#[tauri::command]
pub async fn applications(state: State<'_, AppState>) -> Answer<ApplicationsView> {
    let core = state.core.read().await;
    let mut items = Vec::new();
    for entry in core.applications().map_err(fail(&state))? {
        // Submissions still in the queue have no application yet; the queue screen and the
        // home screen show them as waiting to send.
        let Some(id) = entry.id else { continue };
        let detail = core.application(&id.to_string()).map_err(fail(&state))?;
        if let Some(view) = application_view(&core, &state, detail)? {
            items.push(view);
        }
    }
    let synced_at = core.dashboard().map_err(fail(&state))?.last_sync_at;
    Ok(ApplicationsView { items, synced_at })
}

#[tauri::command]
pub async fn application(state: State<'_, AppState>, id: String) -> Answer<ApplicationView> {
    let core = state.core.read().await;
    let detail = core.application(&id).map_err(fail(&state))?;
    application_view(&core, &state, detail)?.ok_or_else(|| IpcError::not_found(&state.localizer()))
}

#[tauri::command]
pub async fn documents(state: State<'_, AppState>) -> Answer<Vec<WalletEntry>> {
    let core = state.core.read().await;
    let birth_date = core
        .profile()
        .map_err(fail(&state))?
        .map(|profile| profile.birth_date);
    let today = views::vietnam_today(SystemClock.now());
    let choices = core.reminder_choices().map_err(fail(&state))?;
    Ok(core
        .documents()
        .map_err(fail(&state))?
        .into_iter()
        .map(|document| WalletEntry {
            validity: views::validity(&document, birth_date, &state.rules, today),
            reminder: views::reminder_view(
                document.id,
                choices.get(&document.id).copied().unwrap_or_default(),
                today,
            ),
            document,
        })
        .collect())
}

#[tauri::command]
pub async fn catalog(state: State<'_, AppState>) -> Answer<opendvc_api::Catalog> {
    let core = state.core.read().await;
    let items = core.catalog().map_err(fail(&state))?;
    let version = core
        .dashboard()
        .map_err(fail(&state))?
        .catalog_version
        .unwrap_or_default();
    Ok(opendvc_api::Catalog { version, items })
}

/// Most procedures a search returns to the services screen.
const SEARCH_LIMIT: usize = 20;

/// The cached catalog's procedures that match `query`, best first, found offline by the
/// core's search index (any spelling: without diacritics, English, Indonesian, typos).
#[tauri::command]
pub async fn search_catalog(state: State<'_, AppState>, query: String) -> Answer<Vec<Procedure>> {
    let core = state.core.read().await;
    let hits = core
        .search_catalog(&query, SEARCH_LIMIT)
        .map_err(fail(&state))?;
    let mut catalog = core.catalog().map_err(fail(&state))?;
    Ok(hits
        .iter()
        .filter_map(|hit| {
            let position = catalog
                .iter()
                .position(|procedure| procedure.id == hit.procedure_id)?;
            Some(catalog.swap_remove(position))
        })
        .collect())
}

#[tauri::command]
pub async fn procedure(state: State<'_, AppState>, id: String) -> Answer<Procedure> {
    let core = state.core.read().await;
    core.catalog()
        .map_err(fail(&state))?
        .into_iter()
        .find(|procedure| procedure.id == id)
        .ok_or_else(|| IpcError::not_found(&state.localizer()))
}

/// Takes a picked file for a draft. The core holds it: in memory on a shared device (a
/// citizen's scan is never written in the clear there), else in the data folder's staging.
#[tauri::command]
pub async fn stage_attachment(
    state: State<'_, AppState>,
    file_name: String,
    content_type: String,
    base64: String,
) -> Answer<StagedView> {
    let bytes = BASE64.decode(base64.as_bytes()).map_err(|_| {
        IpcError::invalid_input(
            &state.localizer(),
            "attachment_unreadable",
            "error-attachment-unreadable",
        )
    })?;
    if bytes.len() > MAX_ATTACHMENT {
        return Err(IpcError {
            code: "payload_too_large".to_owned(),
            core_code: "attachment_too_large".to_owned(),
            message: state.localizer().text("error-attachment-too-large"),
            fields: Vec::new(),
        });
    }
    let core = state.core.read().await;
    core.stage_picked_file(&file_name, &content_type, bytes)
        .map_err(fail(&state))
}

/// Splits attachment references into the picked files the core holds (uploads, by their
/// `sha256:` id) and the references the core passes on as they are (wallet documents).
fn split_attachments(refs: Vec<AttachmentRef>) -> (Picked, Vec<AttachmentRef>) {
    let mut picked = Vec::new();
    let mut kept = Vec::new();
    for reference in refs {
        match reference {
            AttachmentRef::Upload {
                attachment_id,
                requirement_id,
            } => picked.push((attachment_id, requirement_id)),
            wallet => kept.push(wallet),
        }
    }
    (picked, kept)
}

fn submit_result(core: &OpenDvc, state: &AppState, outcome: SubmitOutcome) -> Answer<SubmitResult> {
    if !outcome.sent {
        state.wake_sender.notify_one();
    }
    let application = match outcome.application_id {
        Some(id) => {
            core.application(&id.to_string())
                .map_err(fail(state))?
                .application
        }
        None => None,
    };
    Ok(SubmitResult {
        item_id: outcome.item_id,
        sent: outcome.sent,
        application,
    })
}

#[tauri::command]
pub async fn submit(state: State<'_, AppState>, draft: DraftView) -> Answer<SubmitResult> {
    let core = state.core.read().await;
    let DraftView { application, .. } = draft;
    let (picked, _wallet) = split_attachments(application.attachments);
    let draft = SubmissionDraft {
        procedure_id: application.procedure_id,
        form: application.form,
        files: Vec::new(),
        picked,
        delivery: application.delivery,
    };
    let outcome = core.submit(draft, true).await.map_err(fail(&state))?;
    submit_result(&core, &state, outcome)
}

#[tauri::command]
pub async fn follow_up(
    state: State<'_, AppState>,
    application_id: String,
    action: FollowUpInput,
) -> Answer<SubmitResult> {
    let core = state.core.read().await;
    let (follow_up, picked) = match action {
        FollowUpInput::Supplement { mut supplement } => {
            let (picked, kept) = split_attachments(supplement.attachments);
            supplement.attachments = kept;
            (FollowUp::Supplement(supplement), picked)
        }
        FollowUpInput::DeliveryChange { delivery } => (FollowUp::DeliveryChange(delivery), vec![]),
        FollowUpInput::Withdrawal { withdraw } => (FollowUp::Withdraw(withdraw), vec![]),
        FollowUpInput::Rating { rating } => (FollowUp::Rating(rating), vec![]),
    };
    let outcome = core
        .follow_up(&application_id, follow_up, &[], &picked, true)
        .await
        .map_err(fail(&state))?;
    submit_result(&core, &state, outcome)
}

#[tauri::command]
pub async fn queue(state: State<'_, AppState>) -> Answer<Vec<QueueItemView>> {
    let core = state.core.read().await;
    let items = core.queue_items(false).map_err(fail(&state))?;
    queue_views(&core, &state, &items)
}

#[tauri::command]
pub async fn queue_retry(state: State<'_, AppState>, id: String) -> Answer<QueueItemView> {
    let id = parse_id(&state, &id)?;
    let core = state.core.read().await;
    core.retry(id).map_err(fail(&state))?;
    state.wake_sender.notify_one();
    let item = core
        .queue_item(id)
        .map_err(fail(&state))?
        .ok_or_else(|| IpcError::not_found(&state.localizer()))?;
    queue_views(&core, &state, std::slice::from_ref(&item))?
        .pop()
        .ok_or_else(|| IpcError::not_found(&state.localizer()))
}

#[tauri::command]
pub async fn queue_discard(state: State<'_, AppState>, id: String) -> Answer<DiscardResult> {
    let id = parse_id(&state, &id)?;
    let core = state.core.read().await;
    let outcome = core.discard(id).await.map_err(fail(&state))?;
    Ok(views::discard_result(&outcome))
}

#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> Answer<()> {
    let core = state.core.read().await;
    core.sync_now().await.map_err(fail(&state))?;
    state.wake_sender.notify_one();
    Ok(())
}

#[tauri::command]
pub async fn inbox(state: State<'_, AppState>) -> Answer<Vec<InboxEntry>> {
    let core = state.core.read().await;
    Ok(core
        .inbox_entries(INBOX_LIMIT)
        .map_err(fail(&state))?
        .into_iter()
        .map(|(item, read)| InboxEntry { item, read })
        .collect())
}

#[tauri::command]
pub async fn mark_read(state: State<'_, AppState>, id: String) -> Answer<()> {
    let id = parse_id_or(&state, &id, CoreError::UnknownInboxItem)?;
    let core = state.core.read().await;
    core.mark_read(id).map_err(fail(&state))
}

/// Provinces and commune-level units: from the cache, else fetched once from the portal.
#[tauri::command]
pub async fn admin_units(state: State<'_, AppState>) -> Answer<AdminUnits> {
    let core = state.core.read().await;
    core.admin_units().await.map_err(fail(&state))
}

#[tauri::command]
pub async fn settings(state: State<'_, AppState>) -> Answer<SettingsView> {
    let core = state.core.read().await;
    let settings = core.settings().map_err(fail(&state))?;
    Ok(views::settings_view(&settings))
}

/// Stores the settings; a new language also becomes the language of the shell's own
/// messages at once.
#[tauri::command]
pub async fn save_settings(
    state: State<'_, AppState>,
    settings: SettingsView,
) -> Answer<SettingsView> {
    let core = state.core.read().await;
    let current = core.settings().map_err(fail(&state))?;
    let wanted = views::settings_from_view(&current, &settings)
        .map_err(|fields| IpcError::invalid_settings(&state.localizer(), fields))?;
    let saved = core.save_settings(&wanted).map_err(fail(&state))?;
    if saved.language != state.lang() {
        // The messages are embedded and a test parses them all, so only a broken build
        // keeps the old language here.
        if let Ok(localizer) = crate::state::shell_localizer(saved.language) {
            state.set_localizer(localizer);
        }
    }
    Ok(views::settings_view(&saved))
}

/// How the UI names a document's reminder choice.
fn reminder_choice(
    state: &AppState,
    mode: &str,
    days: Option<u32>,
    today: NaiveDate,
) -> Answer<ReminderChoice> {
    match (mode, days) {
        ("on", _) => Ok(ReminderChoice::default()),
        ("off", _) => Ok(ReminderChoice {
            switched_off: true,
            snoozed_until: None,
        }),
        ("snoozed", Some(days)) if (1..=MAX_SNOOZE_DAYS).contains(&days) => Ok(ReminderChoice {
            switched_off: false,
            snoozed_until: Some(reminders::snooze_until(today, days)),
        }),
        _ => Err(IpcError {
            fields: vec![if mode == "snoozed" { "days" } else { "mode" }.to_owned()],
            ..IpcError::invalid_input(
                &state.localizer(),
                "invalid_reminder",
                "error-invalid-reminder",
            )
        }),
    }
}

/// The longest snooze: a year, so a snoozed reminder can never be forgotten for good.
const MAX_SNOOZE_DAYS: u32 = 366;

#[tauri::command]
pub async fn set_reminder(
    state: State<'_, AppState>,
    document_id: String,
    mode: String,
    days: Option<u32>,
) -> Answer<ReminderView> {
    let document_id = parse_id_or(&state, &document_id, CoreError::UnknownDocument)?;
    let core = state.core.read().await;
    let (today, _) = core.local_today().map_err(fail(&state))?;
    let choice = reminder_choice(&state, &mode, days, today)?;
    let known = core
        .documents()
        .map_err(fail(&state))?
        .iter()
        .any(|document| document.id == document_id);
    if !known {
        return Err(IpcError::from_core(
            &CoreError::UnknownDocument(document_id),
            &state.localizer(),
        ));
    }
    core.set_reminder_choice(document_id, choice)
        .map_err(fail(&state))?;
    Ok(views::reminder_view(document_id, choice, today))
}

/// A draft for renewing a wallet document, pre-filled from the profile and the document.
#[tauri::command]
pub async fn start_renewal(state: State<'_, AppState>, document_id: String) -> Answer<DraftView> {
    let document_id = parse_id_or(&state, &document_id, CoreError::UnknownDocument)?;
    let core = state.core.read().await;
    let draft = core
        .start_renewal(document_id, &state.rules)
        .map_err(fail(&state))?;
    Ok(DraftView {
        application: NewApplication {
            procedure_id: draft.procedure_id,
            form: draft.form,
            attachments: Vec::new(),
            delivery: draft.delivery,
        },
        renews_document_id: Some(document_id),
    })
}

#[tauri::command]
pub async fn add_document(
    state: State<'_, AppState>,
    document: NewDocumentInput,
) -> Answer<WalletEntry> {
    let draft = document.into_draft().map_err(fail(&state))?;
    let core = state.core.read().await;
    let document = core.add_document(draft).map_err(fail(&state))?;
    let birth_date = core
        .profile()
        .map_err(fail(&state))?
        .map(|profile| profile.birth_date);
    let today = views::vietnam_today(SystemClock.now());
    Ok(WalletEntry {
        validity: views::validity(&document, birth_date, &state.rules, today),
        reminder: views::reminder_view(document.id, ReminderChoice::default(), today),
        document,
    })
}

/// The renewal reminders as an iCalendar file (RFC 5545) in the app's language.
#[tauri::command]
pub async fn export_calendar(state: State<'_, AppState>) -> Answer<CalendarExportView> {
    let core = state.core.read().await;
    let (today, now) = core.local_today().map_err(fail(&state))?;
    let ics = core
        .reminders_calendar(today, now, &state.rules)
        .map_err(fail(&state))?;
    Ok(CalendarExportView {
        file_name: "opendvc-reminders.ics".to_owned(),
        ics,
    })
}

/// Who used the citizen's data: one page of the portal's access log, newest first (the
/// citizen's own sign-in only; never cached on the device).
#[tauri::command]
pub async fn access_log(
    state: State<'_, AppState>,
    cursor: Option<String>,
) -> Answer<views::AccessLogView> {
    let core = state.core.read().await;
    core.access_log(cursor.as_deref())
        .await
        .map_err(fail(&state))
}

/// Signs out and deletes every personal datum of the data folder. The settings screen asks
/// the person first, warning that unsent items are lost, so unsent items do not stop it.
#[tauri::command]
pub async fn clear_device(state: State<'_, AppState>) -> Answer<SessionState> {
    let mut core = state.core_mut().await;
    core.clear_device().await.map_err(fail(&state))?;
    state.progress().clear();
    Ok(session_of(&core, &state))
}

/// The webview saw the home screen's first dashboard (the UI's performance mark
/// `opendvc:dashboard-rendered`); the bench reads the log line this writes.
#[tauri::command]
pub fn report_dashboard_rendered(state: State<'_, AppState>, app: AppHandle) {
    crate::report_dashboard_rendered(&app, state.started.elapsed());
}
