//! The bare baseline of the app benchmark (`cargo xtask bench`): the same Tauri runtime and
//! WebKitGTK webview as `opendvc-app`, built with the same profile, showing an empty page with
//! no core, no UI and no plugins. The app's binary size, idle memory and start-up time are
//! reported as ratios to this.
//!
//! Logs `bare-webview: page loaded N ms after process start` once the page has loaded; with
//! `OPENDVC_EXIT_AFTER_DASHBOARD=1` it then quits, as the app does after its dashboard.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use tauri::webview::PageLoadEvent;
use tauri::{Manager, Url, WebviewUrl, WebviewWindowBuilder};

static REPORTED: AtomicBool = AtomicBool::new(false);

const EMPTY_PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>bare</title></head><body></body></html>";

fn main() {
    let started = Instant::now();
    let exit_after_load = std::env::var("OPENDVC_EXIT_AFTER_DASHBOARD").is_ok_and(|v| v == "1");
    let result = tauri::Builder::default()
        // The page comes from a protocol of the app's own, as the app's UI does (the app
        // serves its files through Tauri's asset protocol); it is an empty document.
        .register_uri_scheme_protocol("bare", |_context, _request| {
            tauri::http::Response::builder()
                .header("Content-Type", "text/html; charset=utf-8")
                .body(EMPTY_PAGE.as_bytes().to_vec())
                .unwrap_or_default()
        })
        .setup(move |app| {
            let page = Url::parse("bare://localhost/")?;
            WebviewWindowBuilder::new(app, "main", WebviewUrl::CustomProtocol(page))
                .title("bare webview")
                .inner_size(1024.0, 768.0)
                .on_page_load(move |window, payload| {
                    if payload.event() != PageLoadEvent::Finished
                        || REPORTED.swap(true, Ordering::SeqCst)
                    {
                        return;
                    }
                    eprintln!(
                        "bare-webview: page loaded {} ms after process start",
                        started.elapsed().as_millis()
                    );
                    if exit_after_load {
                        window.app_handle().exit(0);
                    }
                })
                .build()?;
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("bare-webview: {error}");
        std::process::exit(1);
    }
}
