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
//! Logs `bare-webview: start-up breakdown {…}` (the runtime ready and the window built,
//! milliseconds after process start) and then `bare-webview: page loaded N ms after process
//! start` once the page has loaded; with `OPENDVC_EXIT_AFTER_DASHBOARD=1` it then quits, as
//! the app does after its dashboard.

use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tauri::webview::PageLoadEvent;
use tauri::{Manager, Url, WebviewUrl, WebviewWindowBuilder};

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

fn main() {
    let started = Instant::now();
    let exit_after_load = std::env::var("OPENDVC_EXIT_AFTER_DASHBOARD").is_ok_and(|v| v == "1");
    let page_dir = std::env::var_os("OPENDVC_BARE_PAGE_DIR").map(PathBuf::from);
    let steps: Arc<Mutex<Vec<(&'static str, u128)>>> = Arc::default();
    let note = {
        let steps = steps.clone();
        move |step: &'static str| {
            if let Ok(mut steps) = steps.lock() {
                steps.push((step, started.elapsed().as_millis()));
            }
        }
    };
    let result = tauri::Builder::default()
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
            note("runtime-ready");
            let page = Url::parse("bare://localhost/")?;
            let on_load = steps.clone();
            WebviewWindowBuilder::new(app, "main", WebviewUrl::CustomProtocol(page))
                .title("bare webview")
                .inner_size(1024.0, 768.0)
                .on_page_load(move |window, payload| {
                    if payload.event() != PageLoadEvent::Finished
                        || REPORTED.swap(true, Ordering::SeqCst)
                    {
                        return;
                    }
                    let loaded = started.elapsed().as_millis();
                    let mut breakdown = serde_json::Map::new();
                    if let Ok(steps) = on_load.lock() {
                        for (step, at) in steps.iter() {
                            breakdown.insert((*step).to_owned(), serde_json::json!(at));
                        }
                    }
                    breakdown.insert("page-loaded".to_owned(), serde_json::json!(loaded));
                    eprintln!(
                        "bare-webview: start-up breakdown {}",
                        serde_json::Value::Object(breakdown)
                    );
                    eprintln!("bare-webview: page loaded {loaded} ms after process start");
                    if exit_after_load {
                        window.app_handle().exit(0);
                    }
                })
                .build()?;
            note("window-built");
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("bare-webview: {error}");
        std::process::exit(1);
    }
}
