//! The window and what the shell tells it: the events' names and payloads (`app://navigate`
//! from deep links and notifications, `app://downloaded`), focusing the window, where
//! downloads land, the start state written into the page, and the start-up mark of the first
//! dashboard.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Url};

use crate::startup::{StartTimings, StartTrace};
use crate::state::AppState;

/// Event that opens a screen of the UI; payload [`Navigate`].
pub(crate) const NAVIGATE_EVENT: &str = "app://navigate";

/// Event that tells the UI where a download went; payload [`Downloaded`].
pub(crate) const DOWNLOADED_EVENT: &str = "app://downloaded";

/// The UI's performance mark for the first dashboard on screen; [`START_MARK_SCRIPT`] reports
/// it to the shell, which logs the time since the process started.
pub(crate) const DASHBOARD_RENDERED_MARK: &str = "opendvc:dashboard-rendered";

/// Where a download lands: the person's download folder, else `~/Downloads` (never the
/// folder the app happened to be started from).
pub(crate) fn downloads_dir() -> PathBuf {
    dirs::download_dir()
        .or_else(|| dirs::home_dir().map(|home| home.join("Downloads")))
        .unwrap_or_else(std::env::temp_dir)
}

/// `name` in `dir`, numbered (`name (1).csv`) when that file exists already.
pub(crate) fn unused_path(dir: &std::path::Path, name: &str) -> PathBuf {
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => (stem, format!(".{extension}")),
        _ => (name, String::new()),
    };
    let mut path = dir.join(name);
    let mut counter = 1;
    while path.exists() {
        path = dir.join(format!("{stem} ({counter}){extension}"));
        counter += 1;
    }
    path
}

/// Payload of `app://downloaded`: the file a download (a CSV, a calendar file) was saved as.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "DownloadedEvent"))]
#[serde(rename_all = "camelCase")]
pub(crate) struct Downloaded {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub(crate) path: Option<String>,
    pub(crate) ok: bool,
}

/// Reports [`DASHBOARD_RENDERED_MARK`] to the shell once the dashboard is on screen, with the
/// UI's other `opendvc:` marks and when the main script arrived (its resource timing), all
/// after the page's `timeOrigin` (see `startup.rs`). On screen means painted: a mark set before
/// the page's first contentful paint (the dashboard came with the page and is in its first
/// layout) is reported once that paint is done; a mark set after it (the dashboard of a later
/// screen) when the mark's own report comes, after the frame that shows it. A webview without
/// paint timing reports at the mark. The bench's bare baseline (`examples/bare_webview.rs`)
/// reports its static page through this same script (`start_mark.js`, included by both), so
/// both stop the clock at the same sign.
pub(crate) const START_MARK_SCRIPT: &str = include_str!("start_mark.js");

/// Reads the start state for the page on a thread of its own while the window is being built
/// (`PreparedStart`), so the page does not wait on the cache. Kept only if the session did not
/// change while it was read.
pub(crate) fn read_start_ahead(app: &tauri::AppHandle) {
    let app = app.clone();
    let spawned = std::thread::Builder::new()
        .name("start-state".to_owned())
        .spawn(move || {
            let Some(state) = app.try_state::<AppState>() else {
                return;
            };
            let session = *state.push_bell.borrow();
            let told = state.changes_told.load(Ordering::SeqCst);
            let core = state.core.blocking_read();
            let view = crate::startup::StartView::read(&core, &state.rules, told);
            drop(core);
            if *state.push_bell.borrow() == session {
                state.prepared_start.keep(session, &view);
                state.start.note("start-state-read");
            }
        });
    if let Err(error) = spawned {
        eprintln!("opendvc-app: could not read the start state ahead: {error}");
    }
}

/// Writes the start state into the app's page as the webview receives it (see
/// [`crate::startup::page_with_start`]): only into the HTML page; the state read ahead
/// ([`read_start_ahead`]) if it is there, else read now if the core's lock is free at once,
/// so the page never waits on it (without the block the UI asks over IPC, as a page
/// from a development server does). The page then holds the person's data, read afresh for
/// every load, so it must not be kept: the answer says `no-store`.
pub(crate) fn hand_start_to_page(
    app: &tauri::AppHandle,
    response: &mut tauri::http::Response<std::borrow::Cow<'static, [u8]>>,
) {
    use tauri::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
    let is_html = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if !is_html {
        return;
    }
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    let Some(json) = state
        .prepared_start
        .take(*state.push_bell.borrow())
        .or_else(|| {
            let told = state.changes_told.load(Ordering::SeqCst);
            let core = state.core.try_read().ok()?;
            serde_json::to_string(&crate::startup::StartView::read(&core, &state.rules, told)).ok()
        })
    else {
        return;
    };
    state.start.note("start-state-handed");
    let Ok(html) = std::str::from_utf8(response.body()) else {
        return;
    };
    if let Some(page) = crate::startup::page_with_start(html, &json) {
        *response.body_mut() = page.into_bytes().into();
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// Loads the UI afresh on the route `route` (`/ended`): a new document, so nothing of the one
/// before stays in the page's memory.
pub(crate) fn reload_at(window: &tauri::WebviewWindow, route: &str) {
    let reloaded = window.url().and_then(|mut url| {
        url.set_fragment(Some(route));
        window.navigate(url)?;
        window.reload()
    });
    if let Err(error) = reloaded {
        // Between two documents the webview may have no address of its own (seen once: "relative
        // URL without a base"); the page then goes to the route and reloads by itself.
        let script = format!(
            "location.hash = {}; location.reload();",
            serde_json::json!(route)
        );
        if let Err(second) = window.eval(script) {
            eprintln!(
                "opendvc-app: could not reload the UI: {error}; nor ask the page to: {second}"
            );
        }
    }
}

/// The screen a deep link names: `opendvc://applications/{id}` → `applications/{id}`,
/// `opendvc://feedback/{id}` → `feedback/{id}`, `opendvc://payments/{id}` (the payment
/// provider's return page) → `payments/{id}`, which refreshes the payment and shows its
/// application. Anything else is ignored.
pub fn navigation_path(link: &Url) -> Option<String> {
    let screen = match link.host_str() {
        Some(screen @ ("applications" | "feedback" | "payments")) if link.scheme() == "opendvc" => {
            screen
        }
        _ => return None,
    };
    let mut segments = link.path_segments()?.filter(|segment| !segment.is_empty());
    let id = segments.next()?;
    let safe = id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    (safe && segments.next().is_none()).then(|| format!("{screen}/{id}"))
}

/// Payload of `app://navigate`: a path of the app without `#/`, such as
/// `applications/0193…`. The UI ignores paths it does not know.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "NavigateEvent"))]
pub(crate) struct Navigate {
    pub(crate) path: String,
}

pub(crate) fn navigate_to_links<'a>(app: &AppHandle, links: impl IntoIterator<Item = &'a str>) {
    for link in links {
        if let Some(path) = Url::parse(link).ok().as_ref().and_then(navigation_path) {
            // The window may already be gone while the app quits; then nobody needs it.
            let _sent = app.emit(NAVIGATE_EVENT, Navigate { path });
        }
    }
}

pub(crate) fn focus_main(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        // Best effort: a window manager may refuse focus; the window is there either way.
        let _shown = window.unminimize();
        let _shown = window.show();
        let _focused = window.set_focus();
    }
}

static DASHBOARD_REPORTED: AtomicBool = AtomicBool::new(false);

/// Logs, once per process, where the start-up time went and how long the first dashboard took
/// from process start; with `OPENDVC_EXIT_AFTER_DASHBOARD=1` (the bench) the app then quits.
pub(crate) fn report_dashboard_rendered(
    app: &AppHandle,
    start: &StartTrace,
    timings: &StartTimings,
) {
    if DASHBOARD_REPORTED.swap(true, Ordering::SeqCst) {
        return;
    }
    start.note("paint-report-received");
    let elapsed = crate::clock::since(start.started());
    eprintln!(
        "{}",
        crate::startup::breakdown_line(&start.breakdown(timings))
    );
    eprintln!(
        "opendvc-app: dashboard rendered {} ms after process start",
        elapsed.as_millis()
    );
    if std::env::var("OPENDVC_EXIT_AFTER_DASHBOARD").is_ok_and(|value| value == "1") {
        app.exit(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bare_baseline_reports_through_the_same_script_and_mark() {
        let bare = include_str!("../examples/bare_webview.rs");
        assert!(bare.contains(r#"include_str!("../src/start_mark.js")"#));
        assert!(bare.contains(&format!("\"{DASHBOARD_RENDERED_MARK}\"")));
        assert!(START_MARK_SCRIPT.contains("'{MARK}'"));
    }
}
