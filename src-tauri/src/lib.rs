//! The OpenDVC app shell: a Tauri 2 window around the headless core (`opendvc-core`).
//!
//! The shell holds the core in one managed state (`state::AppState`), exposes thin IPC
//! commands (`commands`), forwards the core's change events to the UI as `core://changed`,
//! runs the queue sender and a periodic sync in the background (`background`), and opens
//! `opendvc://applications/{id}` deep links through `app://navigate`. On a desktop it keeps
//! running in the system tray when the window closes (`tray`) and can open at login
//! (`autostart`).

/// The one list of the app's commands (a macro, included by `build.rs` too).
#[macro_use]
mod command_table;

#[cfg(desktop)]
mod autostart;
mod background;
mod clock;
mod commands;
mod error;
mod held_back;
mod ipc;
mod notifier;
mod payments;
mod staff;
mod startup;
mod state;
#[cfg(desktop)]
mod tray;
mod window;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clap::Parser;
use opendvc_core::i18n::{CORE_SOURCES, Lang, Localizer};
use opendvc_core::reminders::RulesTable;
use opendvc_core::session::DataDir;
use opendvc_core::{OpenDvc, OpenDvcOptions};
use tauri::{AppHandle, Emitter, Manager, Url, WebviewUrl, WebviewWindowBuilder};

use crate::startup::StartTrace;
use crate::state::AppState;
#[cfg(desktop)]
use crate::window::navigate_to_links;
pub use crate::window::navigation_path;
use crate::window::{
    DASHBOARD_RENDERED_MARK, DOWNLOADED_EVENT, Downloaded, NAVIGATE_EVENT, Navigate,
    START_MARK_SCRIPT, downloads_dir, focus_main, unused_path,
};

/// Command-line arguments; each may come from the environment instead.
#[derive(Debug, Parser)]
#[command(
    name = "opendvc-app",
    version,
    about = "OpenDVC, the public services app"
)]
struct Args {
    /// Portal to talk to (default: the one the data folder signed in at).
    #[arg(long, env = "OPENDVC_PORTAL")]
    portal: Option<String>,
    /// Data folder, shared with the `opendvc` command.
    #[arg(long, env = "OPENDVC_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Language until the person picks one in the settings (the pick is kept in the data
    /// folder and wins): vi, en or id (default: from LANG, else vi).
    #[arg(long, env = "OPENDVC_LANG")]
    lang: Option<String>,
    /// Seconds between background syncs.
    #[arg(long, env = "OPENDVC_SYNC_SECONDS", default_value_t = 60)]
    sync_seconds: u64,
    /// On a shared device (a DVC agent's or a volunteer's), seconds without use after which
    /// the app locks itself until the staff member gives their password.
    #[arg(long, env = "OPENDVC_AUTO_LOCK_SECONDS", default_value_t = 300)]
    auto_lock_seconds: u32,
    /// Deep links the system passes when it starts the app, such as
    /// `opendvc://applications/{id}`.
    links: Vec<String>,
}

fn language(args: &Args) -> Lang {
    args.lang
        .as_deref()
        .and_then(Lang::parse)
        .or_else(|| std::env::var("LANG").ok().as_deref().and_then(Lang::parse))
        .unwrap_or(Lang::Vi)
}

/// The data folder: the `--data-dir` argument, else the system's data folder (the one the
/// `opendvc` command uses too), else the app's own folder from Tauri's path API (`app_data`:
/// phones, where the system names no data folder). `None` when none of them is known.
fn pick_data_dir(
    argument: Option<&Path>,
    system: Option<DataDir>,
    app_data: impl FnOnce() -> Option<PathBuf>,
) -> Option<DataDir> {
    match argument {
        Some(dir) => Some(DataDir::new(dir)),
        None => system.or_else(|| app_data().map(DataDir::new)),
    }
}

/// Opens the core and builds the state; the error is already a sentence for the person.
fn open_state(args: &Args, data_dir: &DataDir, start: Arc<StartTrace>) -> Result<AppState, String> {
    let lang = language(args);
    let mut options = OpenDvcOptions::new(data_dir.clone());
    options.portal_override = args.portal.clone();
    options.language = lang;
    options.auto_lock_seconds = args.auto_lock_seconds.max(30);
    let core =
        OpenDvc::open(options).map_err(|error| match Localizer::new(lang, &CORE_SOURCES) {
            Ok(localizer) => {
                crate::error::IpcError::from_core(&error, &localizer).message
                    + &format!(" ({error})")
            }
            Err(_) => error.to_string(),
        })?;
    // The person's pick from the settings, else the start-up language.
    let localizer = state::shell_localizer(core.language()).map_err(|error| error.to_string())?;
    let rules = RulesTable::built_in().map_err(|error| error.to_string())?;
    let sync_every = Duration::from_secs(args.sync_seconds.max(5));
    Ok(AppState::new(
        core, localizer, rules, data_dir, start, sync_every,
    ))
}

/// Starts the app; on mobile targets this is the entry point.
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let start = Arc::new(StartTrace::new(clock::started(), clock::started_wall()));
    let args = Args::parse();
    let start_links = args.links.clone();
    let builder = tauri::Builder::default();
    // Desktop only, and first: a second launch hands its deep links to this one and quits.
    // (A phone's system keeps one instance of an app itself.)
    #[cfg(desktop)]
    let builder = builder.plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
        focus_main(app);
        navigate_to_links(app, argv.iter().skip(1).map(String::as_str));
    }));
    let builder = builder.plugin(tauri_plugin_deep_link::init());
    // The payment provider's page opens in the system browser, outside the app's webview.
    let builder = builder.plugin(tauri_plugin_opener::init());
    // Desktop only: the window keeps its size and place (a phone's is the whole screen).
    #[cfg(desktop)]
    let builder = builder.plugin(tauri_plugin_window_state::Builder::default().build());
    // Desktop only: "open at login" (a phone has no login to open at).
    #[cfg(desktop)]
    let builder = builder.plugin(
        tauri_plugin_autostart::Builder::new()
            .app_name("OpenDVC")
            .build(),
    );
    // Desktop only: closing the window may keep the app in the tray (see `tray`).
    #[cfg(desktop)]
    let builder = builder.on_window_event(tray::on_window_event);
    // Phones only: the system's notifications (the desktop's go through notify-rust).
    #[cfg(mobile)]
    let builder = builder.plugin(tauri_plugin_notification::init());
    let result = builder
        .invoke_handler(ipc::handler())
        .setup(move |app| {
            start.note("runtime-ready");
            // The core opens here, where Tauri's path API can name the data folder on
            // platforms that have no other; the window, the commands and the background
            // work all come after.
            let data_dir = pick_data_dir(
                args.data_dir.as_deref(),
                DataDir::system_location(),
                || app.path().app_data_dir().ok(),
            );
            let Some(data_dir) = data_dir else {
                eprintln!(
                    "opendvc-app: this system names no folder for the app's data; start the app with --data-dir FOLDER"
                );
                std::process::exit(1);
            };
            match open_state(&args, &data_dir, start.clone()) {
                Ok(state) => {
                    start.note("core-opened");
                    app.manage(state);
                }
                Err(message) => {
                    eprintln!("opendvc-app: {message}");
                    std::process::exit(1);
                }
            }
            use tauri_plugin_deep_link::DeepLinkExt;
            // A link that started the app opens its screen straight away (hash routes).
            let first_screen = start_links
                .iter()
                .filter_map(|link| Url::parse(link).ok())
                .find_map(|link| navigation_path(&link))
                .map(|path| format!("index.html#/{path}"))
                .unwrap_or_else(|| "index.html".to_owned());
            let mut config = app
                .config()
                .app
                .windows
                .first()
                .cloned()
                .ok_or("tauri.conf.json names no window")?;
            config.url = WebviewUrl::App(first_screen.into());
            // The webview keeps its storage in the data folder. The UI stores nothing there
            // (the core is the app's only store); on a shared device whatever WebKit kept is
            // deleted before the window opens, and cleared at the end of every session, so
            // nothing of a citizen can outlive their session there. (An incognito webview
            // would keep nothing at all, but WebKitGTK then refuses WebDriver automation,
            // which the end-to-end tests need.)
            // Papers picked for an application (ID card photos named after their owner) must
            // not be listed in the desktop's "recent files", least of all on a shared device.
            #[cfg(target_os = "linux")]
            if let Some(settings) = gtk::Settings::default() {
                use gtk::prelude::GtkSettingsExt as _;
                settings.set_gtk_recent_files_enabled(false);
                settings.set_gtk_recent_files_max_age(0);
            }
            let state = app.state::<AppState>();
            let shared_device = tauri::async_runtime::block_on(async {
                let core = state.core.read().await;
                core.staff_status().is_ok_and(|staff| staff.staff.is_some())
            });
            if shared_device
                && let Err(error) = std::fs::remove_dir_all(&state.webview_dir)
                && error.kind() != std::io::ErrorKind::NotFound
            {
                eprintln!("opendvc-app: could not delete the webview's storage: {error}");
            }
            // The webview's storage is in the data folder, private to the user like the rest;
            // the core narrows what WebKit creates inside it at every start.
            if let Err(error) = opendvc_core::session::private_dir(&state.webview_dir) {
                eprintln!("opendvc-app: could not create the webview's storage: {error}");
            }
            // The page will ask for the session and the dashboard; they are read meanwhile.
            window::read_start_ahead(app.handle());
            let downloads = app.handle().clone();
            let pages = app.handle().clone();
            WebviewWindowBuilder::from_config(app.handle(), &config)?
                .data_directory(state.webview_dir.clone())
                // The page comes with the session and the dashboard in it (`startup`).
                .on_web_resource_request(move |_request, response| {
                    window::hand_start_to_page(&pages, response);
                })
                // Files the UI offers (the tally's CSV, the reminders' calendar) go to the
                // download folder, and the UI says where.
                .on_download(move |_webview, event| {
                    match event {
                        tauri::webview::DownloadEvent::Requested { destination, .. } => {
                            let name = destination
                                .file_name()
                                .and_then(|name| name.to_str())
                                .unwrap_or("download")
                                .to_owned();
                            let dir = downloads_dir();
                            if let Err(error) = std::fs::create_dir_all(&dir) {
                                eprintln!(
                                    "opendvc-app: no download folder {}: {error}",
                                    dir.display()
                                );
                            }
                            *destination = unused_path(&dir, &name);
                        }
                        tauri::webview::DownloadEvent::Finished { path, success, .. } => {
                            let _told = downloads.emit(
                                DOWNLOADED_EVENT,
                                Downloaded {
                                    path: path.map(|path| path.display().to_string()),
                                    ok: success,
                                },
                            );
                        }
                        _ => {}
                    }
                    true
                })
                .initialization_script(START_MARK_SCRIPT.replace("{MARK}", DASHBOARD_RENDERED_MARK))
                .build()?;
            start.note("window-built");
            // Installed builds register the scheme with the bundle; a development build on
            // Linux registers itself so `xdg-open opendvc://…` reaches it.
            #[cfg(all(debug_assertions, target_os = "linux"))]
            if let Err(error) = app.deep_link().register_all() {
                eprintln!("opendvc-app: could not register opendvc:// links: {error}");
            }
            let handle = app.handle().clone();
            app.deep_link().on_open_url(move |event| {
                focus_main(&handle);
                for url in event.urls() {
                    if let Some(path) = navigation_path(&url) {
                        let _sent = handle.emit(NAVIGATE_EVENT, Navigate { path });
                    }
                }
            });
            #[cfg(mobile)]
            notifier::on_phone_tap(app.handle());
            // The tray and the background work wait for the first screen (`held_back`).
            held_back::hold_back(app.handle());
            // The system ending the app (logout, shutdown, `kill`) quits it in order, so an
            // open assisted session ends as it does when the window closes.
            let quitting = app.handle().clone();
            if let Err(error) = ctrlc::set_handler(move || quitting.exit(0)) {
                eprintln!("opendvc-app: could not watch for termination signals: {error}");
            }
            // The window's IPC is answered once this returns: the tray, the links and the
            // background work above all stand before the first answer.
            start.note("setup-done");
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match result {
        Ok(app) => app,
        Err(error) => {
            eprintln!("opendvc-app: {error}");
            std::process::exit(1);
        }
    };
    app.run(|app, event| {
        if let tauri::RunEvent::ExitRequested { api, .. } = event
            && !READY_TO_EXIT.load(Ordering::SeqCst)
        {
            // The event loop must keep running while the session ends (the background tasks
            // that hold the core may need it), so the exit waits for the task below.
            api.prevent_exit();
            if !EXITING.swap(true, Ordering::SeqCst) {
                tauri::async_runtime::spawn(end_session_then_exit(app.clone()));
            }
        }
    });
}

/// Set once the app is on its way out; a second exit request then waits for the first.
static EXITING: AtomicBool = AtomicBool::new(false);
/// Set once whatever must happen before the exit has happened.
static READY_TO_EXIT: AtomicBool = AtomicBool::new(false);

/// Closing the app ends an open assisted session: the citizen's files go before the process
/// does (a crash leaves them to the next start, which deletes them once the session expired).
async fn end_session_then_exit(app: AppHandle) {
    let state = app.state::<AppState>();
    let open = {
        let core = state.core.read().await;
        core.staff_status()
            .is_ok_and(|staff| staff.session.is_some())
    };
    if open {
        let mut core = state.core_mut().await;
        if let Err(error) = core.end_assisted_session().await {
            eprintln!("opendvc-app: could not end the assisted session at exit: {error}");
        }
    }
    READY_TO_EXIT.store(true, Ordering::SeqCst);
    app.exit(0);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_start() -> Arc<StartTrace> {
        Arc::new(StartTrace::new(clock::started(), clock::started_wall()))
    }

    fn path_of(link: &str) -> Option<String> {
        navigation_path(&Url::parse(link).expect("a URL"))
    }

    #[test]
    fn an_application_link_opens_its_screen() {
        assert_eq!(
            path_of("opendvc://applications/0193a2b4-7c1d-7000-8000-00000000abcd"),
            Some("applications/0193a2b4-7c1d-7000-8000-00000000abcd".to_owned())
        );
        assert_eq!(
            path_of("opendvc://applications/DN-2026-000123/"),
            Some("applications/DN-2026-000123".to_owned())
        );
    }

    #[test]
    fn the_payment_providers_return_link_opens_the_payment() {
        assert_eq!(
            path_of("opendvc://payments/0193a2b4-7c1d-7000-8000-00000000abcd"),
            Some("payments/0193a2b4-7c1d-7000-8000-00000000abcd".to_owned())
        );
        assert_eq!(path_of("opendvc://payments/"), None);
        assert_eq!(path_of("opendvc://payments/a/b"), None);
        assert_eq!(path_of("https://payments/0193a2b4"), None);
    }

    #[test]
    fn a_feedback_link_opens_the_feedback_item() {
        assert_eq!(
            path_of("opendvc://feedback/0193a2b4-7c1d-7000-8000-00000000abcd"),
            Some("feedback/0193a2b4-7c1d-7000-8000-00000000abcd".to_owned())
        );
        assert_eq!(path_of("opendvc://feedback/"), None);
        assert_eq!(path_of("opendvc://feedback/a/b"), None);
        assert_eq!(path_of("opendvc://feedback/%3Cimg%3E"), None);
    }

    #[test]
    fn a_download_never_overwrites_a_file() {
        let dir = tempfile::tempdir().expect("a folder");
        assert_eq!(
            unused_path(dir.path(), "tally.csv"),
            dir.path().join("tally.csv")
        );
        std::fs::write(dir.path().join("tally.csv"), "x").expect("writes");
        assert_eq!(
            unused_path(dir.path(), "tally.csv"),
            dir.path().join("tally (1).csv")
        );
        std::fs::write(dir.path().join("tally (1).csv"), "x").expect("writes");
        assert_eq!(
            unused_path(dir.path(), "tally.csv"),
            dir.path().join("tally (2).csv")
        );
        assert_eq!(unused_path(dir.path(), "README"), dir.path().join("README"));
    }

    #[test]
    fn other_links_open_nothing() {
        assert_eq!(path_of("https://applications/x"), None);
        assert_eq!(path_of("opendvc://settings/x"), None);
        assert_eq!(path_of("opendvc://applications/"), None);
        assert_eq!(path_of("opendvc://applications/a/b"), None);
        assert_eq!(path_of("opendvc://applications/%3Cimg%3E"), None);
    }

    #[test]
    fn the_language_comes_from_the_argument_then_lang() {
        let args = Args::parse_from(["opendvc-app", "--lang", "en"]);
        assert_eq!(language(&args), Lang::En);
    }

    #[test]
    fn the_language_picked_in_the_settings_wins_over_the_start_up_language() {
        let dir = tempfile::tempdir().expect("a data folder");
        let data_dir = dir.path().to_str().expect("a UTF-8 path");
        let args = Args::parse_from(["opendvc-app", "--lang", "vi", "--data-dir", data_dir]);
        let data = DataDir::new(dir.path());
        let state = open_state(&args, &data, test_start()).expect("the state opens");
        assert_eq!(state.lang(), Lang::Vi, "nothing picked yet");
        opendvc_core::preferences::PreferencesFile::of(&DataDir::new(dir.path()))
            .set_language(Lang::Id)
            .expect("the pick is saved");
        let state = open_state(&args, &data, test_start()).expect("the state opens");
        assert_eq!(state.lang(), Lang::Id);
        assert!(
            !state
                .localizer()
                .text("notify-action-open")
                .starts_with("notify-"),
            "the shell's messages include the notification texts"
        );
    }

    #[test]
    fn the_data_dir_argument_wins_then_the_systems_folder_then_the_path_api() {
        let no_app_folder = || -> Option<PathBuf> { None };
        let app_folder = || Some(PathBuf::from("/data/user/0/vn.opendvc.app"));
        assert_eq!(
            pick_data_dir(
                Some(Path::new("/tmp/given")),
                Some(DataDir::new("/home/an/.local/share/opendvc")),
                app_folder,
            )
            .map(|dir| dir.root().to_path_buf()),
            Some(PathBuf::from("/tmp/given")),
            "--data-dir wins over every other folder"
        );
        assert_eq!(
            pick_data_dir(
                None,
                Some(DataDir::new("/home/an/.local/share/opendvc")),
                app_folder,
            )
            .map(|dir| dir.root().to_path_buf()),
            Some(PathBuf::from("/home/an/.local/share/opendvc")),
            "on a desktop the app keeps the folder it shares with the opendvc command"
        );
        assert_eq!(
            pick_data_dir(None, None, app_folder).map(|dir| dir.root().to_path_buf()),
            Some(PathBuf::from("/data/user/0/vn.opendvc.app")),
            "where the system names no data folder (a phone), Tauri's path API names it, \
             never a folder relative to wherever the app started"
        );
        assert!(
            pick_data_dir(None, None, no_app_folder).is_none(),
            "with no folder known at all the app says so instead of guessing one"
        );
    }

    #[test]
    fn portal_and_data_dir_are_arguments() {
        let args = Args::parse_from([
            "opendvc-app",
            "--portal",
            "http://127.0.0.1:9",
            "--data-dir",
            "/tmp/x",
            "opendvc://applications/abc",
        ]);
        assert_eq!(args.portal.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(args.data_dir, Some(PathBuf::from("/tmp/x")));
        assert_eq!(args.links, vec!["opendvc://applications/abc".to_owned()]);
    }
}
