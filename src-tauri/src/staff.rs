//! The handlers of shared devices' commands: a DVC agent at a post office or a volunteer at
//! an outreach event signs in, serves one citizen after another in assisted sessions, prints
//! each citizen's receipt, and reads the day's or the event's tally. Each takes its arguments,
//! calls the core's staff mode (`opendvc_core::assist`) and maps errors to [`IpcError`]; the
//! one thing the shell adds is what only the shell can do at the end of a session: forget the
//! webview's state (see [`wipe_webview`]).

use opendvc_api::{Consent, OtpAccepted};
use opendvc_core::assist::{SessionEnded, Tally};
use opendvc_core::i18n::Lang;
use opendvc_core::receipt::Receipt;
use opendvc_core::views::{self, CsvExportView, SessionState, StaffSignInInput};
use tauri::{AppHandle, Manager};

use crate::commands::{Answer, fail};
use crate::error::{IpcCode, IpcError};
use crate::state::AppState;

pub async fn staff_sign_in(state: &AppState, sign_in: StaffSignInInput) -> Answer<SessionState> {
    let options = sign_in.options().map_err(fail(state))?;
    let mut core = state.core_mut().await;
    core.staff_sign_in(&sign_in.code, &sign_in.password, options)
        .await
        .map_err(fail(state))?;
    state.wake_sender.notify_one();
    Ok(core.session_state())
}

/// An open session ends first, with everything that goes with it.
pub async fn staff_sign_out(state: &AppState, app: AppHandle) -> Answer<SessionState> {
    let had_session = {
        let core = state.core.read().await;
        core.staff_status().map_err(fail(state))?.session.is_some()
    };
    let mut core = state.core_mut().await;
    core.staff_sign_out().await.map_err(fail(state))?;
    let session = core.session_state();
    drop(core);
    if had_session {
        wipe_webview(&app);
    }
    Ok(session)
}

pub async fn request_consent_code(state: &AppState, id_number: String) -> Answer<OtpAccepted> {
    let core = state.core.read().await;
    core.request_consent_code(id_number.trim())
        .await
        .map_err(fail(state))
}

/// The citizen's screens then work on the citizen's data in the session's own folder.
pub async fn open_assisted_session(
    state: &AppState,
    id_number: String,
    consent: Consent,
) -> Answer<SessionState> {
    let mut core = state.core_mut().await;
    core.open_assisted_session(id_number.trim(), consent)
        .await
        .map_err(fail(state))?;
    state.wake_sender.notify_one();
    Ok(core.session_state())
}

/// The core deletes the citizen's folder and staged files, and the webview forgets
/// everything it held (see [`end_session`]).
pub async fn end_assisted_session(state: &AppState, app: AppHandle) -> Answer<SessionEnded> {
    end_session(&app, state).await.map_err(fail(state))
}

/// Ends the open session and wipes the webview. Shared by the command, the expiry watch and
/// the app's exit.
pub async fn end_session(
    app: &AppHandle,
    state: &AppState,
) -> Result<SessionEnded, opendvc_core::CoreError> {
    let mut core = state.core_mut().await;
    let ended = core.end_assisted_session().await?;
    drop(core);
    wipe_webview(app);
    Ok(ended)
}

/// Forgets what the webview holds of the citizen who just left: its browsing data (storage
/// and caches, on disk and in memory), and every script's state, by loading the UI afresh on
/// the staff home (`#/ended`, which says the session ended).
pub fn wipe_webview(app: &AppHandle) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    if let Err(error) = window.clear_all_browsing_data() {
        eprintln!("opendvc-app: could not clear the webview's data: {error}");
    }
    // The staff home, loaded afresh: a new document drops every script's memory.
    crate::window::reload_at(&window, "/ended");
}

pub async fn lock_device(state: &AppState) -> Answer<SessionState> {
    let mut core = state.core_mut().await;
    core.lock_staff().map_err(fail(state))?;
    Ok(core.session_state())
}

/// The password is checked on the device, against the staff member's wrapped queue key.
pub async fn unlock_device(state: &AppState, password: String) -> Answer<SessionState> {
    let password = zeroize::Zeroizing::new(password);
    let mut core = state.core_mut().await;
    core.unlock_staff(&password).map_err(fail(state))?;
    Ok(core.session_state())
}

/// Application codes and initials only.
pub async fn tally(state: &AppState, day: Option<String>) -> Answer<Tally> {
    let day = views::parse_day(day.as_deref()).map_err(fail(state))?;
    state.core.read().await.tally(day).map_err(fail(state))
}

/// Counts only: no codes, no initials.
pub async fn tally_csv(state: &AppState, day: Option<String>) -> Answer<CsvExportView> {
    let day = views::parse_day(day.as_deref()).map_err(fail(state))?;
    let tally = state.core.read().await.tally(day).map_err(fail(state))?;
    Ok(views::tally_csv(&tally))
}

pub async fn receipt(state: &AppState, id: String, lang: Option<Lang>) -> Answer<Receipt> {
    state
        .core
        .read()
        .await
        .receipt(&id, lang)
        .map_err(fail(state))
}

/// Opens the system print dialog for the page on screen (the receipt; its print style leaves
/// only the receipt). The dialog prints, or saves a PDF ("Print to file").
pub async fn print_page(state: &AppState, app: AppHandle) -> Answer<()> {
    let printed = app
        .get_webview_window("main")
        .map(|window| window.print().is_ok());
    if printed == Some(true) {
        Ok(())
    } else {
        Err(IpcError::shell(
            IpcCode::Internal,
            "error-print-failed",
            &state.localizer(),
        ))
    }
}
