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

fn main() {
    let started = Instant::now();
    let exit_after_load = std::env::var("OPENDVC_EXIT_AFTER_DASHBOARD").is_ok_and(|v| v == "1");
    let result = tauri::Builder::default()
        .setup(move |app| {
            let blank = Url::parse("about:blank")?;
            WebviewWindowBuilder::new(app, "main", WebviewUrl::External(blank))
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
