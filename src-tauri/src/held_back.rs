//! Work the first screen does not need, held back until it is painted: the tray icon (about
//! 20 ms of the main thread, before the event loop could answer the webview) and the background
//! work that goes to the network (the sender, the event stream, the periodic sync). The UI says
//! it is painted and listening by asking `changes_told`, which rings `AppState::first_screen_shown`;
//! a page that never does (a window not on screen, a page that failed) gets the work after
//! `HOLD_AT_MOST` all the same.
//!
//! The forwarding of the core's change events is not held back: it starts with the app, so no
//! change is missed (the UI learns of those sent before it listened from `changes_told`).

use std::time::Duration;

use tauri::{AppHandle, Manager};
use tokio::sync::Notify;

use crate::state::AppState;

/// The longest the held-back work waits for the UI.
pub const HOLD_AT_MOST: Duration = Duration::from_secs(2);

/// Why the held-back work started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Released {
    /// The UI said its first screen is painted.
    FirstScreenShown,
    /// It did not say so in time.
    WaitedLongEnough,
}

/// Waits until `shown` is rung (a ring before the wait counts) or `at_most` has passed.
pub async fn first_screen_or(shown: &Notify, at_most: Duration) -> Released {
    tokio::select! {
        () = shown.notified() => Released::FirstScreenShown,
        () = tokio::time::sleep(at_most) => Released::WaitedLongEnough,
    }
}

/// Starts the change forwarding now, and the tray and the rest of the background work once the
/// first screen is shown (or after `HOLD_AT_MOST`).
pub fn hold_back(app: &AppHandle) {
    crate::background::forward(app.clone());
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let Some(state) = app.try_state::<AppState>() else {
            return;
        };
        first_screen_or(&state.first_screen_shown, HOLD_AT_MOST).await;
        state.start.note("held-back-released");
        #[cfg(desktop)]
        {
            let tray_app = app.clone();
            let queued = app.run_on_main_thread(move || {
                if let Some(state) = tray_app.try_state::<AppState>() {
                    crate::tray::install(&tray_app, &state.localizer());
                }
            });
            if let Err(error) = queued {
                eprintln!("opendvc-app: could not install the tray icon: {error}");
            }
        }
        crate::background::start(app.clone(), state.sync_every);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_held_back_work_starts_when_the_first_screen_is_shown_even_if_told_before_the_wait()
    {
        let shown = Notify::new();
        shown.notify_one();
        assert_eq!(
            first_screen_or(&shown, Duration::from_secs(3_600)).await,
            Released::FirstScreenShown
        );
    }

    #[tokio::test]
    async fn the_held_back_work_starts_without_the_ui_once_it_waited_long_enough() {
        let shown = Notify::new();
        assert_eq!(
            first_screen_or(&shown, Duration::ZERO).await,
            Released::WaitedLongEnough
        );
    }
}
