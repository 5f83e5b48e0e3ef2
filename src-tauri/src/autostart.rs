//! Desktop only: "open at login" (the setting `openAtLogin`), through Tauri's autostart plugin:
//! an XDG autostart entry (`~/.config/autostart/OpenDVC.desktop`) on Linux, a LaunchAgent on
//! macOS, the `Run` key on Windows. The choice is kept with the device's other choices in the
//! core; this makes the system's entry follow it.

use tauri::AppHandle;
use tauri_plugin_autostart::ManagerExt as _;

/// Writes or removes the system's entry so it says `wanted`. A failure is logged: the choice
/// stays stored and is applied again at the next save.
pub(crate) fn follow(app: &AppHandle, wanted: bool) {
    let launcher = app.autolaunch();
    let result = match launcher.is_enabled() {
        Ok(enabled) if enabled == wanted => Ok(()),
        _ if wanted => launcher.enable(),
        _ => launcher.disable(),
    };
    if let Err(error) = result {
        eprintln!("opendvc-app: could not change whether the app opens at login: {error}");
    }
}
