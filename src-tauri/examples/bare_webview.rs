//! The bare baseline of the app benchmark (`cargo xtask bench`): the same Tauri runtime and
//! WebKitGTK webview as `opendvc-app`, built with the same profile, in a window of the same
//! size, showing a static page through a protocol of its own (as the app's UI comes through
//! Tauri's), with no core, no UI code and no plugins. The app's binary size, idle memory and
//! start-up time are reported as ratios to this.
//!
//! The page: with `OPENDVC_BARE_PAGE_DIR` set, that folder's files (`index.html` and what it
//! links); the bench writes there a static page of as many bytes as the app's first screen
//! loads, styled by the app's own CSS, so both webviews fetch, parse and paint the same
//! amount. Without it, an empty document.
//!
//! The clock stops as the app's does: the app's own start-up script (`START_MARK_SCRIPT`)
//! runs in the page and reports through the same IPC command once the page's content is
//! painted (its first contentful paint after the content is in the document, the app's
//! dashboard mark standing at `DOMContentLoaded` here). It then logs
//! `bare-webview: start-up breakdown {…}` (the runtime ready, the window built, the webview's
//! own "load finished", the first paint, milliseconds after process start) and
//! `bare-webview: page painted N ms after process start`; with
//! `OPENDVC_EXIT_AFTER_DASHBOARD=1` it then quits, as the app does after its dashboard.

use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use tauri::webview::PageLoadEvent;
use tauri::{Manager, Url, WebviewUrl, WebviewWindowBuilder};

/// The app's start-up report, the same file the app's window runs (`src/window.rs`).
const START_MARK_SCRIPT: &str = include_str!("../src/start_mark.js");

/// The app's `DASHBOARD_RENDERED_MARK` (a unit test in `src/window.rs` keeps the two equal);
/// the baseline does not link the app's code.
const DASHBOARD_RENDERED_MARK: &str = "opendvc:dashboard-rendered";

static REPORTED: AtomicBool = AtomicBool::new(false);

const EMPTY_PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>bare</title></head><body></body></html>";

/// The file `path` of the page folder, never outside it.
fn page_file(dir: &Path, path: &str) -> Option<PathBuf> {
    let relative = Path::new(path.trim_start_matches('/'));
    if relative
        .components()
        .any(|component| !matches!(component, Component::Normal(_)))
    {
        return None;
    }
    let relative = if relative.as_os_str().is_empty() {
        Path::new("index.html")
    } else {
        relative
    };
    Some(dir.join(relative))
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|extension| extension.to_str()) {
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        _ => "text/html; charset=utf-8",
    }
}

/// Where the start-up time went so far, and when the process started on both clocks.
struct Start {
    started: Instant,
    started_wall_ms: f64,
    steps: Mutex<Vec<(&'static str, f64)>>,
}

impl Start {
    fn note(&self, step: &'static str) {
        if let Ok(mut steps) = self.steps.lock()
            && !steps.iter().any(|(noted, _)| *noted == step)
        {
            steps.push((step, self.started.elapsed().as_secs_f64() * 1_000.0));
        }
    }
}

/// The page's report of its first paint (the app's command of the same name and arguments).
#[tauri::command]
fn report_dashboard_rendered(app: tauri::AppHandle, timings: serde_json::Value) {
    if REPORTED.swap(true, Ordering::SeqCst) {
        return;
    }
    let start = app.state::<Arc<Start>>();
    start.note("paint-report-received");
    let painted = start.started.elapsed().as_millis();
    let mut breakdown = serde_json::Map::new();
    if let Ok(steps) = start.steps.lock() {
        for (step, at) in steps.iter() {
            breakdown.insert((*step).to_owned(), serde_json::json!(at));
        }
    }
    let origin = timings["timeOrigin"]
        .as_f64()
        .map(|origin| origin - start.started_wall_ms);
    // The page's own marks (its HTML loaded, its content in the document, its first paint),
    // placed on the process's time line as the app's are.
    if let (Some(origin), Some(marks)) = (origin, timings["marks"].as_object()) {
        breakdown.insert("page-requested".to_owned(), serde_json::json!(origin));
        for (mark, at) in marks {
            if let Some(at) = at.as_f64() {
                breakdown.insert(mark.clone(), serde_json::json!(origin + at));
            }
        }
    }
    eprintln!(
        "bare-webview: start-up breakdown {}",
        serde_json::Value::Object(breakdown)
    );
    eprintln!("bare-webview: page painted {painted} ms after process start");
    if std::env::var("OPENDVC_EXIT_AFTER_DASHBOARD").is_ok_and(|v| v == "1") {
        app.exit(0);
    }
}

fn main() {
    let start = Arc::new(Start {
        started: Instant::now(),
        started_wall_ms: SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|since| since.as_secs_f64() * 1_000.0)
            .unwrap_or_default(),
        steps: Mutex::default(),
    });
    let page_dir = std::env::var_os("OPENDVC_BARE_PAGE_DIR").map(PathBuf::from);
    let managed = start.clone();
    let result = tauri::Builder::default()
        .manage(managed)
        .invoke_handler(tauri::generate_handler![report_dashboard_rendered])
        .register_uri_scheme_protocol("bare", move |_context, request| {
            let file = page_dir
                .as_deref()
                .map(|dir| page_file(dir, request.uri().path()));
            let (body, kind) = match file {
                None => (EMPTY_PAGE.as_bytes().to_vec(), "text/html; charset=utf-8"),
                Some(Some(path)) => match std::fs::read(&path) {
                    Ok(bytes) => (bytes, content_type(&path)),
                    Err(_) => (Vec::new(), "text/plain"),
                },
                Some(None) => (Vec::new(), "text/plain"),
            };
            tauri::http::Response::builder()
                .header("Content-Type", kind)
                .body(body)
                .unwrap_or_default()
        })
        .setup(move |app| {
            start.note("runtime-ready");
            let page = Url::parse("bare://localhost/")?;
            let on_load = start.clone();
            // The page's content is in the document at DOMContentLoaded: the moment the app's
            // dashboard mark stands for (the app sets it once its first render is in place).
            let content_mark = format!(
                "document.addEventListener('DOMContentLoaded', function () {{ performance.mark('{DASHBOARD_RENDERED_MARK}'); }});"
            );
            WebviewWindowBuilder::new(app, "main", WebviewUrl::CustomProtocol(page))
                .title("bare webview")
                .inner_size(1024.0, 768.0)
                .initialization_script(START_MARK_SCRIPT.replace("{MARK}", DASHBOARD_RENDERED_MARK))
                .initialization_script(&content_mark)
                .on_page_load(move |_window, payload| {
                    if payload.event() == PageLoadEvent::Finished {
                        on_load.note("page-loaded");
                    }
                })
                .build()?;
            start.note("window-built");
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("bare-webview: {error}");
        std::process::exit(1);
    }
}
