//! Debian's Chromium, headless, driven through chromedriver (apt `chromium chromium-driver`):
//! for the pages the portal serves to people without the app (the public status page). It
//! needs no display: `--headless=new` renders and takes screenshots on its own.
//!
//! Without the two packages a test cannot run. Under CI (`CI=true`) that is a failure, with
//! how to install them; on a developer's machine the test says it is skipped and passes, as
//! building and running the real app's tests would ask too much of a quick local run.

use std::process::{Command, Stdio};

use serde_json::json;

use super::session::Session;
use super::{ProcessGroup, WAIT, free_port, on_path};
use crate::wait::poll;

/// The Debian packages Chromium and its WebDriver come in.
pub const PACKAGES: &str = "chromium chromium-driver";

/// A headless Chromium with a fresh profile; dropping it closes the browser and its driver.
#[derive(Debug)]
pub struct Chromium {
    // Dropped in declaration order: the session first (it closes the browser), then the
    // driver, then the profile folder.
    session: Session,
    _driver: ProcessGroup,
    _profile: tempfile::TempDir,
}

impl std::ops::Deref for Chromium {
    type Target = Session;

    fn deref(&self) -> &Session {
        &self.session
    }
}

impl Chromium {
    /// Starts chromedriver and a headless Chromium in Vietnamese, `None` (after saying so)
    /// when they are not installed and this is no CI run.
    ///
    /// # Panics
    /// Under `CI=true` when they are not installed; anywhere when the browser does not start.
    pub fn launch_or_skip(test: &str) -> Option<Chromium> {
        let (Some(driver), Some(browser)) = (on_path("chromedriver"), on_path("chromium")) else {
            let message = format!(
                "{test} needs Debian's Chromium and chromedriver: sudo apt-get install -y \
                 {PACKAGES}"
            );
            assert!(
                std::env::var("CI").map_or(true, |ci| ci != "true"),
                "{message}"
            );
            eprintln!("skipped: {message}");
            return None;
        };
        let profile = tempfile::Builder::new()
            .prefix("opendvc-chromium-")
            .tempdir()
            .expect("a profile folder for Chromium");
        let port = free_port();
        let log = std::fs::File::create(profile.path().join("chromedriver.log"))
            .expect("chromedriver's log");
        let driver = ProcessGroup::spawn(
            Command::new(driver)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("the log for stdout"))
                .stderr(log),
        )
        .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": browser,
                "args": [
                    "--headless=new",
                    // Tests run as root in CI, where Chromium's sandbox cannot start.
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--no-first-run",
                    "--hide-scrollbars",
                    "--lang=vi",
                    format!("--user-data-dir={}", profile.path().join("profile").display()),
                ],
                // What the browser asks pages for in `Accept-Language`.
                "prefs": {"intl.accept_languages": "vi-VN,vi"},
            },
        });
        let session = poll(WAIT, || Session::create(&base, &capabilities)).unwrap_or_else(|| {
            panic!(
                "chromedriver gave no session within {WAIT:?}; its log:\n{}",
                std::fs::read_to_string(profile.path().join("chromedriver.log"))
                    .unwrap_or_default()
            )
        });
        Some(Chromium {
            session,
            _driver: driver,
            _profile: profile,
        })
    }
}
