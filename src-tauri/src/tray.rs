//! Desktop only: the app that lives with its resident. On a personal desktop, closing the
//! window hides it and the app keeps running in the system tray, so push notifications and
//! renewal reminders keep arriving (the setting `keepInTray`, on by default); the tray's menu
//! opens the window again or quits. On a shared device closing the window quits, which ends
//! the open assisted session (`end_session_then_exit` in `lib.rs`).
//!
//! Without a tray host (a desktop without a StatusNotifier watcher, or Xvfb in the tests)
//! Tauri still builds the icon: libayatana-appindicator waits for a host that may come later
//! and shows nothing meanwhile. The app then runs hidden all the same; a notification's click
//! or a second launch (handed over by single-instance) shows the window again.

use opendvc_core::i18n::Localizer;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Window, WindowEvent};

use crate::state::AppState;
use crate::window::focus_main;

/// The tray icon's id.
const TRAY_ID: &str = "opendvc";
/// The menu item that shows the window.
const OPEN_ITEM: &str = "open";
/// The menu item that quits the app.
const QUIT_ITEM: &str = "quit";

/// The tray's menu in the shell's language.
fn menu(app: &AppHandle, localizer: &Localizer) -> tauri::Result<Menu<tauri::Wry>> {
    let open = MenuItem::with_id(
        app,
        OPEN_ITEM,
        localizer.text("tray-open"),
        true,
        None::<&str>,
    )?;
    let quit = MenuItem::with_id(
        app,
        QUIT_ITEM,
        localizer.text("tray-quit"),
        true,
        None::<&str>,
    )?;
    Menu::with_items(app, &[&open, &quit])
}

/// Puts the app's icon in the system tray. A failure is logged and the app runs on: the
/// window still opens, and closing it then hides it as with a tray.
pub(crate) fn install(app: &AppHandle, localizer: &Localizer) {
    let built = menu(app, localizer).and_then(|menu| {
        let mut builder = TrayIconBuilder::with_id(TRAY_ID)
            .tooltip("OpenDVC")
            .menu(&menu)
            .show_menu_on_left_click(false)
            .on_menu_event(|app, event| match event.id().as_ref() {
                OPEN_ITEM => focus_main(app),
                QUIT_ITEM => app.exit(0),
                _ => {}
            })
            .on_tray_icon_event(|tray, event| {
                if let TrayIconEvent::Click {
                    button: MouseButton::Left,
                    button_state: MouseButtonState::Up,
                    ..
                } = event
                {
                    focus_main(tray.app_handle());
                }
            });
        if let Some(icon) = app.default_window_icon() {
            builder = builder.icon(icon.clone());
        }
        builder.build(app)
    });
    if let Err(error) = built {
        eprintln!("opendvc-app: no icon in the system tray: {error}");
    }
}

/// Says the tray's menu in the shell's (new) language.
pub(crate) fn relabel(app: &AppHandle, localizer: &Localizer) {
    if let Some(tray) = app.tray_by_id(TRAY_ID)
        && let Err(error) = menu(app, localizer).and_then(|menu| tray.set_menu(Some(menu)))
    {
        eprintln!("opendvc-app: the tray's menu keeps its old language: {error}");
    }
}

/// The window's close button: hides the window when the app stays in the tray, else quits.
/// The decision needs the core (the setting, and whether the device is shared), which a
/// background task may hold for a while; so the close is held back and decided off the
/// event loop.
pub(crate) fn on_window_event(window: &Window, event: &WindowEvent) {
    if let WindowEvent::CloseRequested { api, .. } = event {
        api.prevent_close();
        let window = window.clone();
        tauri::async_runtime::spawn(async move {
            let app = window.app_handle();
            let stay = {
                let state = app.state::<AppState>();
                let core = state.core.read().await;
                stays_in_tray(&core)
            };
            if stay {
                if let Err(error) = window.hide() {
                    eprintln!("opendvc-app: could not hide the window: {error}");
                }
            } else {
                app.exit(0);
            }
        });
    }
}

/// Whether closing the window keeps the app running: the person's setting, on a personal
/// device only (a shared device's staff is signed in, or was: its citizens' data must go).
pub(crate) fn stays_in_tray(core: &opendvc_core::OpenDvc) -> bool {
    let personal_device = core.staff_status().is_ok_and(|staff| staff.staff.is_none());
    personal_device
        && core
            .settings()
            .is_ok_and(|settings| settings.device.keep_in_tray)
}
