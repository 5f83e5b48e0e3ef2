//! One WebDriver session, whatever the browser behind it: the verbs the end-to-end tests use
//! (run a script, wait for a condition, fill a field, click, resize, take a screenshot). The
//! real app (`webdriver::App`, through tauri-driver) and Debian's Chromium
//! (`webdriver::chromium::Chromium`, through chromedriver) both hand them out.
//!
//! Everything waits for a condition with a generous deadline ([`WAIT`]) and never asserts on
//! time. Dropping the [`Session`] deletes it, which closes its window.

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use serde_json::{Value, json};

use super::WAIT;
use crate::wait::poll;

/// Longest time one WebDriver command may take (a session start launches the browser).
pub(super) const COMMAND_TIMEOUT: Duration = Duration::from_secs(180);

/// A WebDriver session on a driver at `base`.
#[derive(Debug)]
pub struct Session {
    http: reqwest::blocking::Client,
    base: String,
    id: String,
}

impl Session {
    /// Asks the driver at `base` for a session with `capabilities` (the W3C `alwaysMatch`
    /// object); `None` while the driver does not answer or refuses.
    pub(super) fn create(base: &str, capabilities: &Value) -> Option<Session> {
        let http = reqwest::blocking::Client::builder()
            .no_proxy()
            .timeout(COMMAND_TIMEOUT)
            .build()
            .expect("an HTTP client");
        let response = http
            .post(format!("{base}/session"))
            .json(&json!({"capabilities": {"alwaysMatch": capabilities}}))
            .send()
            .ok()
            .filter(|response| response.status().is_success())?;
        let value: Value = response.json().expect("a session");
        let id = value["value"]["sessionId"]
            .as_str()
            .expect("a session id")
            .to_owned();
        Some(Session {
            http,
            base: base.to_owned(),
            id,
        })
    }

    /// Opens `url` and waits until it has loaded.
    pub fn navigate(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({"url": url})));
    }

    /// One WebDriver command on this session; returns its `value`.
    ///
    /// # Panics
    /// When the driver answers with an error.
    pub fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.id);
        let mut request = self.http.request(method, &url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .unwrap_or_else(|error| panic!("{url}: the WebDriver does not answer: {error}"));
        let status = response.status();
        let value: Value = response.json().expect("WebDriver JSON");
        assert!(status.is_success(), "{url} answered {status}: {value}");
        value["value"].clone()
    }

    /// [`Session::script`], but `None` when the driver answers with an error.
    pub fn try_script(&self, script: &str, args: Value) -> Option<Value> {
        let url = format!("{}/session/{}/execute/sync", self.base, self.id);
        let response = self
            .http
            .post(&url)
            .json(&json!({"script": script, "args": args}))
            .send()
            .ok()?;
        if !response.status().is_success() {
            return None;
        }
        let value: Value = response.json().ok()?;
        Some(value["value"].clone())
    }

    /// Runs `script` (a function body; `arguments` are `args`) in the page and returns what it
    /// returns.
    pub fn script(&self, script: &str, args: Value) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Waits until `script` returns something truthy, and returns it.
    ///
    /// # Panics
    /// When it stays falsy for [`WAIT`], with `what` and the main content's text.
    pub fn wait_for(&self, what: &str, script: &str) -> Value {
        self.wait_for_with(what, script, json!([]))
    }

    /// [`Session::wait_for`] with arguments for the script.
    pub fn wait_for_with(&self, what: &str, script: &str, args: Value) -> Value {
        let found = poll(WAIT, || {
            // While the page reloads (the app does so when an assisted session ends) a script
            // may fail to run; that counts as "not yet".
            let value = self.try_script(script, args.clone()).unwrap_or(Value::Null);
            let falsy = value.is_null()
                || value == json!(false)
                || value == json!("")
                || value == json!(0)
                || value == json!([]);
            (!falsy).then_some(value)
        });
        found.unwrap_or_else(|| {
            panic!(
                "waited {WAIT:?} in vain for {what}; the screen ({}) says:\n{}",
                self.script("return location.hash || location.href;", json!([])),
                self.main_text()
            )
        })
    }

    /// Waits until an element matching `selector` exists.
    pub fn wait_for_element(&self, selector: &str) {
        self.wait_for_with(
            &format!("an element {selector}"),
            "return document.querySelector(arguments[0]) !== null;",
            json!([selector]),
        );
    }

    /// Waits until the text of `main` contains `text`.
    pub fn wait_for_text(&self, text: &str) {
        self.wait_for_with(
            &format!("the text {text:?}"),
            "const main = document.querySelector('main');\
             return main !== null && main.innerText.includes(arguments[0]);",
            json!([text]),
        );
    }

    /// The text of `main` as rendered (what a person reads).
    pub fn main_text(&self) -> String {
        self.script(
            "const main = document.querySelector('main'); return main ? main.innerText : '';",
            json!([]),
        )
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    /// Types `text` into the field `selector`, as a person would (an `input` event).
    pub fn fill(&self, selector: &str, text: &str) {
        self.wait_for_element(selector);
        self.script(
            "const field = document.querySelector(arguments[0]);\
             field.focus(); field.value = arguments[1];\
             field.dispatchEvent(new Event('input', {bubbles: true}));",
            json!([selector, text]),
        );
    }

    /// Chooses the option with `value` in the select `selector` (a `change` event).
    pub fn choose(&self, selector: &str, value: &str) {
        self.wait_for_element(selector);
        self.script(
            "const field = document.querySelector(arguments[0]);\
             field.focus(); field.value = arguments[1];\
             field.dispatchEvent(new Event('change', {bubbles: true}));",
            json!([selector, value]),
        );
    }

    /// Clicks the element `selector` once it exists and is enabled.
    pub fn click(&self, selector: &str) {
        self.wait_for_with(
            &format!("{selector} to be clickable"),
            "const element = document.querySelector(arguments[0]);\
             return element !== null && !element.disabled;",
            json!([selector]),
        );
        self.script(
            "document.querySelector(arguments[0]).click();",
            json!([selector]),
        );
    }

    /// Clicks the first element matching `selector` whose text contains `text`, once there is
    /// one.
    pub fn click_text(&self, selector: &str, text: &str) {
        self.wait_for_with(
            &format!("{selector} with the text {text:?}"),
            "const element = [...document.querySelectorAll(arguments[0])]\
               .find((candidate) => candidate.innerText.includes(arguments[1]));\
             if (element === undefined) return false;\
             element.click(); return true;",
            json!([selector, text]),
        );
    }

    /// Submits the form the field `selector` belongs to, as pressing Enter would.
    pub fn submit_form_of(&self, selector: &str) {
        self.wait_for_element(selector);
        self.script(
            "document.querySelector(arguments[0]).form.requestSubmit();",
            json!([selector]),
        );
    }

    /// Resizes the window.
    pub fn resize(&self, width: u32, height: u32) {
        self.call(
            reqwest::Method::POST,
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
        self.wait_for_with(
            &format!("the viewport to be {width} wide"),
            // Window decorations, where drawn, take a little of the width.
            "return Math.abs(window.innerWidth - arguments[0]) <= 40;",
            json!([width]),
        );
    }

    /// Resizes the window and waits until the page is laid out for the new size: layout
    /// settles on the next frames after a resize, so two animation frames later a screenshot
    /// shows the new layout.
    pub fn resize_and_settle(&self, width: u32, height: u32) {
        self.resize(width, height);
        self.wait_frames("the layout after the resize");
    }

    /// Waits until the page has drawn two more frames: what changed before (a resize, a
    /// scroll) is laid out and painted by then. `what` names the wait in a failure.
    pub fn wait_frames(&self, what: &str) {
        self.wait_for(
            what,
            "if (window.__framesWaited === undefined) {\
               window.__framesWaited = 0;\
               requestAnimationFrame(() => requestAnimationFrame(() => {\
                 window.__framesWaited = 2; }));\
             }\
             if (window.__framesWaited === 2) {\
               delete window.__framesWaited; return true; }\
             return false;",
        );
    }

    /// Saves a PNG of the window at `path`.
    pub fn screenshot(&self, path: &Path) {
        let data = self.call(reqwest::Method::GET, "/screenshot", None);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().expect("base64 PNG"))
            .expect("a PNG");
        std::fs::write(path, bytes)
            .unwrap_or_else(|error| panic!("cannot save {}: {error}", path.display()));
    }

    /// Saves the current screen at each of `sizes` as
    /// `target/e2e-screenshots/{name}-{width}x{height}.png`, and returns the files.
    pub fn screenshots_at(&self, name: &str, sizes: &[(u32, u32)]) -> Vec<PathBuf> {
        let dir = super::screenshot_dir();
        let mut saved = Vec::new();
        for &(width, height) in sizes {
            self.resize_and_settle(width, height);
            let path = dir.join(format!("{name}-{width}x{height}.png"));
            self.screenshot(&path);
            saved.push(path);
        }
        saved
    }

    /// Runs axe-core over the page and returns the violations whose impact is serious or
    /// critical, each as a readable paragraph.
    pub fn serious_accessibility_violations(&self) -> Vec<String> {
        let injected = self.script("return typeof window.axe === 'object';", json!([]));
        if injected != json!(true) {
            // The app's and the console's npm packages both hold it; either will do.
            let candidates = ["ui", "console"].map(|project| {
                super::workspace_root()
                    .join(project)
                    .join("node_modules/axe-core/axe.min.js")
            });
            let source = candidates
                .iter()
                .find_map(|path| std::fs::read_to_string(path).ok())
                .unwrap_or_else(|| {
                    panic!(
                        "cannot read axe-core from {candidates:?}: run `npm ci` in ui/ or console/ first"
                    )
                });
            self.script(&format!("{source}\nreturn true;"), json!([]));
        }
        // axe.run is asynchronous; the result is left on window and polled, which keeps each
        // WebDriver command short however slow the machine is.
        self.script(
            "window.__axeResult = undefined;\
             axe.run(document, {resultTypes: ['violations']})\
               .then((result) => { window.__axeResult = {\
                 violations: result.violations, passes: result.passes.length }; })\
               .catch((error) => { window.__axeResult = {error: String(error)}; });",
            json!([]),
        );
        let result = self.wait_for(
            "axe-core to finish",
            "return window.__axeResult === undefined ? null : window.__axeResult;",
        );
        let Some(violations) = result["violations"].as_array() else {
            panic!("axe-core failed: {result}");
        };
        // A run that checked nothing would find nothing; make sure it looked at the page.
        assert!(
            result["passes"].as_u64().unwrap_or(0) > 0,
            "axe-core checked no rule on this page: {result}"
        );
        violations
            .iter()
            .filter(|violation| {
                matches!(
                    violation["impact"].as_str(),
                    Some("serious") | Some("critical")
                )
            })
            .map(describe_violation)
            .collect()
    }
}

/// One axe violation as text: the rule, its impact, what it means, and each element with
/// axe's summary of what to fix.
fn describe_violation(violation: &Value) -> String {
    let mut text = format!(
        "{} ({}): {}\n  {}",
        violation["id"].as_str().unwrap_or("?"),
        violation["impact"].as_str().unwrap_or("?"),
        violation["help"].as_str().unwrap_or(""),
        violation["helpUrl"].as_str().unwrap_or(""),
    );
    for node in violation["nodes"].as_array().into_iter().flatten() {
        text.push_str(&format!(
            "\n  - {}\n    {}",
            node["target"],
            node["failureSummary"]
                .as_str()
                .unwrap_or("")
                .replace('\n', "\n    ")
        ));
    }
    text
}

impl Drop for Session {
    fn drop(&mut self) {
        // Deleting the session closes its window; the driver's process group ends the rest. A
        // failure here has nothing to add to the test's own result.
        let _ = self
            .http
            .delete(format!("{}/session/{}", self.base, self.id))
            .timeout(Duration::from_secs(30))
            .send();
    }
}
