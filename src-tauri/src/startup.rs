//! Where the start-up time goes, for the start-up bench (`cargo xtask bench --only app`).
//!
//! The shell notes its own steps (the core opened, the window built, the page requested) on
//! the monotonic clock since the process started. The UI sets performance marks named
//! `opendvc:…` (its script running, the session read, the dashboard's data in, the dashboard
//! rendered) and, with the last one, hands them to the shell with the page's
//! `performance.timeOrigin`; the shell places them on the same time line through the wall
//! clock, and logs one line:
//!
//! `opendvc-app: start-up breakdown {"core-opened":31.2,"window-built":48.0,…}`
//!
//! every step in milliseconds after the process started, in the order they happened. The
//! bench reads it; nothing else does, and nothing of the person is in it.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use opendvc_core::OpenDvc;
use opendvc_core::reminders::RulesTable;
use opendvc_core::views::{DashboardView, DraftSummary, SessionState};
use serde::{Deserialize, Serialize};

/// The first answer the UI asks for (`start_state`), or the page brings: the session and, when
/// a citizen is signed in, their dashboard and saved drafts from the cache, so the home screen
/// renders without a second round trip.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StartView {
    pub session: SessionState,
    /// Absent when nobody is signed in or the cache cannot show it (the home screen then
    /// loads it itself and shows why).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub dashboard: Option<DashboardView>,
    /// The applications started on this device and not submitted, which the home screen lists
    /// beside the dashboard; absent as the dashboard is.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub drafts: Option<Vec<DraftSummary>>,
    /// How many change events the shell had sent when this was read (`changes_told`): the UI,
    /// once it listens for them, reads again if more were sent meanwhile.
    pub changes_told: u32,
}

impl StartView {
    /// The session and, for a signed-in citizen, the dashboard and the drafts from the cache
    /// (absent when the cache cannot show them: the home screen then loads them itself).
    /// `changes_told` is the shell's count of change events, taken before the read.
    pub fn read(core: &OpenDvc, rules: &RulesTable, changes_told: u32) -> Self {
        let session = core.session_state();
        let (dashboard, drafts) = if session.signed_in {
            (core.dashboard_view(rules).ok(), core.drafts().ok())
        } else {
            (None, None)
        };
        Self {
            session,
            dashboard,
            drafts,
            changes_told,
        }
    }
}

/// The start state read ahead, while the window is being built, so the page does not wait on
/// the cache when the webview asks for it. It belongs to the session it was read in: the
/// session's count (the push bell's, which rings on every change of session) comes with it,
/// and a start state of another count is never handed out. It serves the first page only: one
/// read too late for it is dropped, and a later page (a reload) reads the state afresh. What
/// changed in the cache meanwhile (a sync) the UI reads again once it listens for changes.
#[derive(Debug, Default)]
pub struct PreparedStart {
    prepared: Mutex<Prepared>,
}

#[derive(Debug, Default)]
enum Prepared {
    #[default]
    Waiting,
    /// Read in the session of this count, as JSON.
    Ready(u64, String),
    /// The first page asked for it.
    Served,
}

impl PreparedStart {
    /// Keeps `view`, read in the session numbered `session`, for the first page, unless that
    /// page was served already.
    pub fn keep(&self, session: u64, view: &StartView) {
        if let (Ok(json), Ok(mut prepared)) = (serde_json::to_string(view), self.prepared.lock())
            && matches!(*prepared, Prepared::Waiting)
        {
            *prepared = Prepared::Ready(session, json);
        }
    }

    /// For a page being served: the start state as JSON, if one was read ahead in the session
    /// numbered `session` and no page took it before.
    pub fn take(&self, session: u64) -> Option<String> {
        let mut prepared = self.prepared.lock().ok()?;
        match std::mem::replace(&mut *prepared, Prepared::Served) {
            Prepared::Ready(read_in, json) if read_in == session => Some(json),
            _ => None,
        }
    }
}

/// The `id` of the data block in which the shell hands the start state to the page.
pub const PAGE_START_ID: &str = "opendvc-start";

/// `html` with `start` (a [`StartView`] as JSON) in a data block at the end of its head, where
/// the UI's first script reads it before its first render: the first screen then shows with
/// the session and the dashboard, without waiting for an IPC answer, which the webview takes
/// up only after the page's first layout. A data block is not run, so the page's
/// Content-Security-Policy (`script-src 'self'`) stands as it is. Every `<` in the JSON is
/// written as `\u003c`, so no text of the person's can close the block. `None` for a page
/// with no head.
pub fn page_with_start(html: &str, start: &str) -> Option<String> {
    let head_end = html.find("</head>")?;
    let escaped = start.replace('<', "\\u003c");
    Some(format!(
        "{}<script type=\"application/json\" id=\"{PAGE_START_ID}\">{escaped}</script>{}",
        &html[..head_end],
        &html[head_end..]
    ))
}

/// What the UI measured, as `START_MARK_SCRIPT` sends it with the first dashboard.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StartTimings {
    /// The page's `performance.timeOrigin`: when its navigation began, milliseconds since the
    /// Unix epoch.
    pub time_origin: f64,
    /// The UI's `opendvc:…` performance marks, milliseconds after `timeOrigin`, by name
    /// without the prefix; the main script's arrival is `script-loaded`.
    pub marks: BTreeMap<String, f64>,
}

/// The shell's steps so far, and when the process started on both clocks.
#[derive(Debug)]
pub struct StartTrace {
    started: Instant,
    /// The process start on the wall clock, which the page's `timeOrigin` is read on.
    started_wall: SystemTime,
    steps: Mutex<Vec<(&'static str, Duration)>>,
}

impl StartTrace {
    pub fn new(started: Instant, started_wall: SystemTime) -> Self {
        Self {
            started,
            started_wall,
            steps: Mutex::new(Vec::new()),
        }
    }

    pub fn started(&self) -> Instant {
        self.started
    }

    /// Notes that the shell finished `step` now, the first time it does (a step the UI can
    /// ask for again, such as the start state after a reload, is noted once).
    pub fn note(&self, step: &'static str) {
        let at = crate::clock::since(self.started);
        if let Ok(mut steps) = self.steps.lock()
            && !steps.iter().any(|(noted, _)| *noted == step)
        {
            steps.push((step, at));
        }
    }

    /// Every step, the shell's and the UI's, in milliseconds after the process started,
    /// earliest first. A mark the UI could not have set after the process started (a wall
    /// clock moved under the page) is left out rather than shown in the wrong place.
    pub fn breakdown(&self, timings: &StartTimings) -> Vec<(String, f64)> {
        let mut steps: Vec<(String, f64)> = self
            .steps
            .lock()
            .map(|steps| {
                steps
                    .iter()
                    .map(|(name, at)| ((*name).to_owned(), at.as_secs_f64() * 1_000.0))
                    .collect()
            })
            .unwrap_or_default();
        let started_ms = self
            .started_wall
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|since| since.as_secs_f64() * 1_000.0)
            .unwrap_or_default();
        let origin = timings.time_origin - started_ms;
        if origin.is_finite() && origin >= 0.0 {
            steps.push(("page-requested".to_owned(), origin));
            for (name, at) in &timings.marks {
                let at = origin + at;
                if at.is_finite() && at >= origin {
                    steps.push((name.clone(), at));
                }
            }
        }
        steps.sort_by(|a, b| a.1.total_cmp(&b.1));
        steps
    }
}

/// The log line of the breakdown (see the module's documentation).
pub fn breakdown_line(steps: &[(String, f64)]) -> String {
    let object: serde_json::Map<String, serde_json::Value> = steps
        .iter()
        .map(|(name, at)| (name.clone(), serde_json::json!((at * 10.0).round() / 10.0)))
        .collect();
    format!(
        "opendvc-app: start-up breakdown {}",
        serde_json::Value::Object(object)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trace_started_at(wall_ms: u64) -> StartTrace {
        StartTrace::new(
            crate::clock::started(),
            SystemTime::UNIX_EPOCH + Duration::from_millis(wall_ms),
        )
    }

    fn signed_out_start() -> StartView {
        StartView {
            session: serde_json::from_value(serde_json::json!({
                "signedIn": false,
                "language": "vi",
                "online": false,
                "autoLockSeconds": 300,
            }))
            .expect("a signed-out session"),
            dashboard: None,
            drafts: None,
            changes_told: 0,
        }
    }

    #[test]
    fn a_start_state_read_ahead_is_handed_out_once_and_only_in_its_own_session() {
        let prepared = PreparedStart::default();
        prepared.keep(3, &signed_out_start());
        let json = prepared.take(3).expect("read in this session");
        assert!(json.contains("\"signedIn\":false"), "{json}");
        assert_eq!(prepared.take(3), None, "a reload reads afresh");

        let prepared = PreparedStart::default();
        prepared.keep(3, &signed_out_start());
        assert_eq!(
            prepared.take(4),
            None,
            "the session changed since: someone else's state, or none"
        );
        assert_eq!(prepared.take(3), None, "and it is gone");
    }

    #[test]
    fn a_start_state_read_after_the_first_page_was_served_is_dropped() {
        let prepared = PreparedStart::default();
        assert_eq!(
            prepared.take(0),
            None,
            "not read yet: the page reads it itself"
        );
        prepared.keep(0, &signed_out_start());
        assert_eq!(
            prepared.take(0),
            None,
            "a reload later does not get the state of the start"
        );
    }

    #[test]
    fn the_uis_marks_land_on_the_processs_time_line_in_order() {
        let trace = trace_started_at(1_000_000);
        let timings = StartTimings {
            time_origin: 1_000_120.0,
            marks: BTreeMap::from([
                ("dashboard-rendered".to_owned(), 200.0),
                ("script-loaded".to_owned(), 50.0),
            ]),
        };
        let steps = trace.breakdown(&timings);
        let names: Vec<&str> = steps.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            ["page-requested", "script-loaded", "dashboard-rendered"]
        );
        assert_eq!(steps[0].1, 120.0);
        assert_eq!(steps[1].1, 170.0);
        assert_eq!(steps[2].1, 320.0);
    }

    #[test]
    fn a_page_that_seems_older_than_the_process_adds_no_marks() {
        let trace = trace_started_at(1_000_000);
        trace.note("core-opened");
        let timings = StartTimings {
            time_origin: 999_000.0,
            marks: BTreeMap::from([("script-loaded".to_owned(), 50.0)]),
        };
        let steps = trace.breakdown(&timings);
        assert_eq!(steps.len(), 1, "only the shell's own step: {steps:?}");
        assert_eq!(steps[0].0, "core-opened");
    }

    #[test]
    fn a_step_noted_again_keeps_its_first_time() {
        let trace = trace_started_at(1_000);
        trace.note("start-state-read");
        let first = trace.breakdown(&StartTimings::default());
        std::thread::sleep(Duration::from_millis(5));
        trace.note("start-state-read");
        assert_eq!(trace.breakdown(&StartTimings::default()), first);
        assert_eq!(first.len(), 1, "{first:?}");
    }

    #[test]
    fn the_start_state_lands_in_the_pages_head_as_data_no_text_can_close() {
        let html = "<!doctype html><html><head><title>OpenDVC</title></head><body></body></html>";
        let start =
            serde_json::json!({"session": {"name": "Lê </script><script>alert(1)</script>"}});
        let page = page_with_start(html, &start.to_string()).expect("the page has a head");
        assert_eq!(page.matches("</script>").count(), 1, "{page}");
        let block = page
            .split_once("<script type=\"application/json\" id=\"opendvc-start\">")
            .and_then(|(before, rest)| {
                assert!(before.ends_with("<title>OpenDVC</title>"), "{before}");
                rest.split_once("</script></head>")
            })
            .map(|(json, _)| json)
            .expect("one data block at the end of the head");
        let read: serde_json::Value = serde_json::from_str(block).expect("the block is JSON");
        assert_eq!(read, start, "JSON.parse reads back what the shell wrote");
        assert_eq!(page_with_start("<p>no head</p>", "{}"), None);
    }

    #[test]
    fn the_line_is_json_the_bench_can_read() {
        let line = breakdown_line(&[
            ("core-opened".to_owned(), 12.345),
            ("page-requested".to_owned(), 80.0),
        ]);
        let json = line
            .strip_prefix("opendvc-app: start-up breakdown ")
            .expect("the line starts with its prefix");
        let value: serde_json::Value = serde_json::from_str(json).expect("JSON");
        assert_eq!(value["core-opened"], 12.3);
        assert_eq!(value["page-requested"], 80.0);
    }
}
