//! The commands of shared devices: a DVC agent at a post office or a volunteer at an outreach
//! event signs in, serves one citizen after another in assisted sessions, prints each
//! citizen's receipt, and reads the day's or the event's tally. Each command takes the state,
//! calls the core's staff mode (`opendvc_core::assist`) and maps errors to [`IpcError`]; the
//! one thing the shell adds is what only the shell can do at the end of a session: forget the
//! webview's state (see [`wipe_webview`]).

use chrono::NaiveDate;
use opendvc_api::{Consent, OtpAccepted};
use opendvc_core::assist::{SessionEnded, Tally};
use opendvc_core::i18n::Lang;
use opendvc_core::receipt::Receipt;
use opendvc_core::views::{CsvExportView, SessionState, StaffSignInInput};
use tauri::{AppHandle, Manager, State};

use crate::commands::{Answer, fail, session_of};
use crate::error::IpcError;
use crate::state::AppState;

/// A day as the UI sends it (`YYYY-MM-DD`); none means today at the venue.
fn parse_day(state: &AppState, day: Option<String>) -> Answer<Option<NaiveDate>> {
    match day.as_deref().map(str::trim).filter(|day| !day.is_empty()) {
        None => Ok(None),
        Some(day) => NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| IpcError {
                fields: vec!["day".to_owned()],
                ..IpcError::invalid_input(&state.localizer(), "invalid_day", "error-invalid-day")
            }),
    }
}

#[tauri::command]
pub async fn staff_sign_in(
    state: State<'_, AppState>,
    sign_in: StaffSignInInput,
) -> Answer<SessionState> {
    let options = sign_in
        .options()
        .map_err(|fields| IpcError::invalid_staff_sign_in(&state.localizer(), fields))?;
    let mut core = state.core_mut().await;
    core.staff_sign_in(&sign_in.code, &sign_in.password, options)
        .await
        .map_err(fail(&state))?;
    state.wake_sender.notify_one();
    Ok(session_of(&core, &state))
}

/// Signs the staff member out; an open session ends first, with everything that goes with it.
#[tauri::command]
pub async fn staff_sign_out(app: AppHandle, state: State<'_, AppState>) -> Answer<SessionState> {
    let had_session = {
        let core = state.core.read().await;
        core.staff_status().map_err(fail(&state))?.session.is_some()
    };
    let mut core = state.core_mut().await;
    core.staff_sign_out().await.map_err(fail(&state))?;
    let session = session_of(&core, &state);
    drop(core);
    if had_session {
        wipe_webview(&app);
    }
    Ok(session)
}

/// Sends a consent code to the citizen's registered phone.
#[tauri::command]
pub async fn request_consent_code(
    state: State<'_, AppState>,
    id_number: String,
) -> Answer<OtpAccepted> {
    let core = state.core.read().await;
    core.request_consent_code(id_number.trim())
        .await
        .map_err(fail(&state))
}

/// Opens an assisted session with the citizen's consent; the citizen's screens then work on
/// the citizen's data in the session's own folder.
#[tauri::command]
pub async fn open_assisted_session(
    state: State<'_, AppState>,
    id_number: String,
    consent: Consent,
) -> Answer<SessionState> {
    let mut core = state.core_mut().await;
    core.open_assisted_session(id_number.trim(), consent)
        .await
        .map_err(fail(&state))?;
    state.wake_sender.notify_one();
    Ok(session_of(&core, &state))
}

/// Ends the open session: the core deletes the citizen's folder and staged files, and the
/// webview forgets everything it held (see [`end_session`]).
#[tauri::command]
pub async fn end_assisted_session(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Answer<SessionEnded> {
    end_session(&app, &state).await.map_err(fail(&state))
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
    state.progress().clear();
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
    let reloaded = window.url().and_then(|mut url| {
        url.set_fragment(Some("/ended"));
        window.navigate(url)?;
        window.reload()
    });
    if let Err(error) = reloaded {
        eprintln!("opendvc-app: could not reload the UI: {error}");
    }
}

/// Locks the device (the UI calls it after a period without use).
#[tauri::command]
pub async fn lock_device(state: State<'_, AppState>) -> Answer<SessionState> {
    let mut core = state.core_mut().await;
    core.lock_staff().map_err(fail(&state))?;
    Ok(session_of(&core, &state))
}

/// Unlocks the device with the signed-in staff member's password (checked on the device).
#[tauri::command]
pub async fn unlock_device(state: State<'_, AppState>, password: String) -> Answer<SessionState> {
    let password = zeroize::Zeroizing::new(password);
    let mut core = state.core_mut().await;
    core.unlock_staff(&password).map_err(fail(&state))?;
    Ok(session_of(&core, &state))
}

/// The day's (or the event's) tally: people helped, submissions per service, sent against
/// waiting; application codes and initials only.
#[tauri::command]
pub async fn tally(state: State<'_, AppState>, day: Option<String>) -> Answer<Tally> {
    let day = parse_day(&state, day)?;
    let core = state.core.read().await;
    core.tally(day).map_err(fail(&state))
}

/// The tally as CSV: counts only, no codes, no initials.
#[tauri::command]
pub async fn tally_csv(state: State<'_, AppState>, day: Option<String>) -> Answer<CsvExportView> {
    let day = parse_day(&state, day)?;
    let core = state.core.read().await;
    let tally = core.tally(day).map_err(fail(&state))?;
    Ok(CsvExportView {
        file_name: format!("opendvc-tally-{}.csv", tally.day),
        csv: tally.to_csv(),
    })
}

/// The receipt of a sent application of the open session, in `lang` (default: the citizen's
/// language from their profile).
#[tauri::command]
pub async fn receipt(
    state: State<'_, AppState>,
    id: String,
    lang: Option<Lang>,
) -> Answer<Receipt> {
    let core = state.core.read().await;
    core.receipt(&id, lang).map_err(fail(&state))
}

/// Opens the system print dialog for the page on screen (the receipt; its print style leaves
/// only the receipt). The dialog prints, or saves a PDF ("Print to file").
#[tauri::command]
pub async fn print_page(app: AppHandle, state: State<'_, AppState>) -> Answer<()> {
    let window = app
        .get_webview_window("main")
        .ok_or_else(|| IpcError::not_found(&state.localizer()))?;
    window.print().map_err(|_| {
        IpcError::invalid_input(&state.localizer(), "print_failed", "error-print-failed")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use opendvc_core::i18n::Localizer;

    #[test]
    fn a_wrong_day_is_a_refused_field_in_words() {
        let dir = tempfile::tempdir().expect("a data folder");
        let core = opendvc_core::OpenDvc::open(opendvc_core::OpenDvcOptions::new(
            opendvc_core::session::DataDir::new(dir.path()),
        ))
        .expect("the core opens");
        let localizer: Localizer =
            crate::state::shell_localizer(Lang::En).expect("the messages parse");
        let state = AppState::new(
            core,
            localizer,
            opendvc_core::reminders::RulesTable::built_in().expect("rules"),
            &opendvc_core::session::DataDir::new(dir.path()),
            std::time::Instant::now(),
            300,
        );
        let error = parse_day(&state, Some("2026-02-30".to_owned())).expect_err("refused");
        assert_eq!(error.code, "invalid_input");
        assert_eq!(error.fields, vec!["day".to_owned()]);
        assert!(!error.message.starts_with("error-"), "{}", error.message);
        assert_eq!(
            parse_day(&state, Some(" 2026-11-29 ".to_owned())).expect("a day"),
            NaiveDate::from_ymd_opt(2026, 11, 29)
        );
        assert_eq!(parse_day(&state, None).expect("today"), None);
    }
}
