//! The app shell, release build: binary size, the UI's gzipped JavaScript, idle memory of the
//! app with its webview processes after 60 s and its slope over the next minutes (the event
//! stream to the portal open), and the time from process start to the dashboard rendered from
//! the cache (the UI's `opendvc:dashboard-rendered` mark, which the app logs), with the
//! breakdown of where that time went (src-tauri/src/startup.rs), printed step by step.
//!
//! The bare baseline is `bare_webview` (src-tauri/examples): the same Tauri runtime and
//! WebKitGTK webview, release profile, a window of the same size, showing through a protocol
//! of its own a static page of as many bytes as the app's first screen, styled by the app's
//! CSS ([`super::first_screen::write_bare_page`]). Both stop the clock through the app's own
//! start-up script, at the first contentful paint with the content in the document. Each
//! number is also shown beside the brief's target in its details. Both programs run on the
//! same virtual display, one after the other, alternating, so they see the same machine.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::json;

use super::first_screen::Screen;
use super::{BenchContext, Measurement};
use crate::command::CommandLine;
use crate::portal::{Portal, PortalOptions, PortalOutput};
use crate::signin::demo_accounts;

const BENCH: &str = "app";
/// Start-ups measured per program, alternating; the median is reported. Single start-ups of
/// one program spread by a third on this machine, so five were not enough to show 10 %.
const STARTS: usize = 11;
/// How long a started program is left alone before its memory is read (issue 19: 60 s).
const SETTLE: Duration = Duration::from_secs(60);
/// How long the app is then watched idle, its event stream to the portal open, for the slope
/// of its memory (issue 19: 10 minutes); `OPENDVC_BENCH_IDLE_MINUTES` shortens it for a try.
const WATCH_MINUTES: u64 = 10;
/// How often the memory is read while watching.
const WATCH_EVERY: Duration = Duration::from_secs(30);
/// The longest one start-up may take before the bench gives up on it.
const START_LIMIT: Duration = Duration::from_secs(60);

const APP_LINE: &str = "opendvc-app: dashboard rendered ";
const BARE_LINE: &str = "bare-webview: page painted ";
/// The line before the ready line that says where the time went (src-tauri/src/startup.rs).
const APP_BREAKDOWN: &str = "opendvc-app: start-up breakdown ";
const BARE_BREAKDOWN: &str = "bare-webview: start-up breakdown ";

/// The brief's targets (architecture.md, "Targets").
const TARGET_BINARY_MB: f64 = 20.0;
/// The whole UI's JavaScript: the UI's own budget (`ui/scripts/check-build.mjs`, 160 KiB), not
/// the brief's; in kB as the bench prints sizes.
const TARGET_JS_GZIP_KB: f64 = 160.0 * 1.024;
/// Issue 19: the JavaScript loaded before the first screen.
const TARGET_FIRST_SCREEN_JS_KB: f64 = 60.0;
const TARGET_IDLE_MB: f64 = 150.0;
const TARGET_START_MS: f64 = 400.0;

pub fn run(context: &BenchContext) -> Result<Vec<Measurement>> {
    if !cfg!(target_os = "linux") {
        bail!("the app bench reads /proc and runs on Linux only");
    }
    let app = crate::workspace::binary(&context.profile, "opendvc-app");
    let bare = crate::workspace::target_dir()
        .join(&context.profile)
        .join("examples/bare_webview");

    let mut measurements = sizes(&app, &bare)?;

    let portal = Portal::start(&PortalOptions {
        binary: context.portal_binary.clone(),
        db: context.work_dir.join("app-portal.db"),
        listen: "127.0.0.1:0".to_owned(),
        demo: true,
        demo_advance_seconds: None,
        demo_history: false,
        demo_send_in_background: false,
        output: PortalOutput::LogFile(context.work_dir.join("app-portal.log")),
    })?;
    let accounts = demo_accounts(&context.portal_binary)?;
    let citizen = accounts
        .citizens
        .first()
        .ok_or_else(|| anyhow!("the demo has no citizen"))?;
    let data_dir = context.work_dir.join("app-data");
    crate::run::sign_in_with_cli(&portal.url, citizen, &data_dir, &context.profile)?;
    // The first sign-in fills the cache; the app starts from it.
    CommandLine::new(crate::workspace::binary(&context.profile, "opendvc"))
        .arg("--portal")
        .arg(&portal.url)
        .arg("--data-dir")
        .arg(&data_dir)
        .arg("sync")
        .run()?;

    let display = Display::open()?;
    let app_program = Program {
        binary: app.clone(),
        args: vec![
            "--portal".into(),
            portal.url.clone(),
            "--data-dir".into(),
            data_dir.display().to_string(),
        ],
        line: APP_LINE,
        breakdown: APP_BREAKDOWN,
        env: Vec::new(),
        display: display.name.clone(),
        home: context.work_dir.join("app-home"),
    };
    // The bare webview's page: as many bytes as the app's first screen, the app's CSS, no code.
    let bare_page = context.work_dir.join("bare-page");
    let bare_page_bytes = super::first_screen::write_bare_page(
        &crate::workspace::root().join("ui/dist"),
        &bare_page,
    )?;
    let bare_program = Program {
        binary: bare.clone(),
        args: Vec::new(),
        line: BARE_LINE,
        breakdown: BARE_BREAKDOWN,
        env: vec![(
            "OPENDVC_BARE_PAGE_DIR".to_owned(),
            bare_page.display().to_string(),
        )],
        display: display.name.clone(),
        home: context.work_dir.join("bare-home"),
    };

    let mut app_starts = Vec::new();
    let mut bare_starts = Vec::new();
    let mut app_breakdowns = Vec::new();
    let mut bare_breakdowns = Vec::new();
    // One unmeasured start each warms the page cache, as a person's second start would be.
    app_program.start_once()?;
    bare_program.start_once()?;
    for _ in 0..STARTS {
        let (app_ms, app_steps) = app_program.start_once()?;
        app_starts.push(app_ms);
        app_breakdowns.push(app_steps);
        let (bare_ms, bare_steps) = bare_program.start_once()?;
        bare_starts.push(bare_ms);
        bare_breakdowns.push(bare_steps);
    }
    // Each app start beside the bare start that followed it: slow and quick spells of the
    // machine touch both of a pair.
    let mut pair_ratios: Vec<f64> = app_starts
        .iter()
        .zip(&bare_starts)
        .map(|(app, bare)| app / bare)
        .collect();
    let pair_ratio = median(&mut pair_ratios);
    let app_start = median(&mut app_starts);
    let bare_start = median(&mut bare_starts);
    let app_breakdown = median_breakdown(&app_breakdowns);
    let bare_breakdown = median_breakdown(&bare_breakdowns);
    println!("{}", breakdown_table("app", &app_breakdown));
    println!("{}", breakdown_table("bare webview", &bare_breakdown));
    println!("start-up, app over bare webview, the median of {STARTS} pairs: {pair_ratio:.2}");
    let bare_start_measurement = Measurement::new(
        BENCH,
        "bare webview: process start to a page of the first screen's size painted (median)",
        bare_start,
        "ms",
    )
    .with_details(json!({
        "runs": bare_starts,
        "breakdownMs": steps_json(&bare_breakdown),
        "pageBytes": bare_page_bytes,
        "page": "static, as many bytes as the app's first screen, the app's CSS, no script of its own",
        "measured": "from spawning the process to its log line for its first contentful paint, reported by the app's start-up script",
    }));
    measurements.push(
        Measurement::new(
            BENCH,
            "app: process start to dashboard rendered from cache (median)",
            app_start,
            "ms",
        )
        .compared_to(&bare_start_measurement)
        .with_details(json!({
            "runs": app_starts,
            "targetMs": TARGET_START_MS,
            "ofTarget": app_start / TARGET_START_MS,
            "measured": "from spawning the process to its log line for the first contentful \
                         paint with the UI's opendvc:dashboard-rendered mark set (or the mark, \
                         when it comes later)",
            "pairRatioMedian": pair_ratio,
            "breakdownMs": steps_json(&app_breakdown),
        })),
    );
    measurements.push(bare_start_measurement);

    let bare_idle = bare_program.idle_memory_mb(Duration::ZERO)?;
    let watch_minutes = std::env::var("OPENDVC_BENCH_IDLE_MINUTES")
        .ok()
        .and_then(|minutes| minutes.parse().ok())
        .unwrap_or(WATCH_MINUTES);
    let app_idle = app_program.idle_memory_mb(Duration::from_secs(watch_minutes * 60))?;
    let slope = slope_per_minute(&app_idle.samples);
    let bare_idle_measurement = Measurement::new(
        BENCH,
        "bare webview: idle memory, all processes (PSS)",
        bare_idle.total,
        "MB",
    )
    .with_details(json!({"processes": bare_idle.processes}));
    measurements.push(
        Measurement::new(
            BENCH,
            "app: idle memory with its webview processes (PSS)",
            app_idle.total,
            "MB",
        )
        .compared_to(&bare_idle_measurement)
        .with_details(json!({
            "processes": app_idle.processes,
            "settledSeconds": SETTLE.as_secs(),
            "watchedMinutes": watch_minutes,
            "slopeMbPerMinute": slope,
            "samples": app_idle.samples.iter().map(|(minute, mb)| json!([minute, mb])).collect::<Vec<_>>(),
            "targetMb": TARGET_IDLE_MB,
            "ofTarget": app_idle.total / TARGET_IDLE_MB,
        })),
    );
    measurements.push(bare_idle_measurement);
    measurements.push(
        Measurement::new(
            BENCH,
            "app: memory growth while idle, event stream open (least-squares slope)",
            slope,
            "MB/min",
        )
        .with_details(json!({
            "watchedMinutes": watch_minutes,
            "fromMb": app_idle.samples.first().map(|(_, mb)| *mb),
            "toMb": app_idle.samples.last().map(|(_, mb)| *mb),
        })),
    );
    portal.stop()?;
    Ok(measurements)
}

/// The release binaries' sizes and the UI's JavaScript, gzipped as a server would send it.
fn sizes(app: &Path, bare: &Path) -> Result<Vec<Measurement>> {
    let megabytes = |path: &Path| -> Result<f64> {
        let bytes = std::fs::metadata(path)
            .with_context(|| format!("{} is missing", path.display()))?
            .len();
        Ok(bytes as f64 / 1_000_000.0)
    };
    let bare_size = Measurement::new(
        BENCH,
        "bare webview: release binary",
        megabytes(bare)?,
        "MB",
    );
    let app_size = megabytes(app)?;
    let app_size = Measurement::new(BENCH, "app: release binary", app_size, "MB")
        .compared_to(&bare_size)
        .with_details(
            json!({"targetMb": TARGET_BINARY_MB, "ofTarget": app_size / TARGET_BINARY_MB}),
        );

    let assets = crate::workspace::root().join("ui/dist/assets");
    let mut scripts = Vec::new();
    for entry in std::fs::read_dir(&assets)
        .with_context(|| format!("{} is missing: build the UI first", assets.display()))?
    {
        let path = entry?.path();
        if path.extension().is_some_and(|extension| extension == "js") {
            scripts.push(path);
        }
    }
    if scripts.is_empty() {
        bail!("no JavaScript in {}", assets.display());
    }
    let mut gzipped = 0usize;
    let mut raw = 0usize;
    for script in &scripts {
        let bytes = std::fs::read(script)?;
        raw += bytes.len();
        gzipped += super::first_screen::gzip_len(&bytes)?;
    }
    let js_kb = gzipped as f64 / 1_000.0;
    let target_js = Measurement::new(
        BENCH,
        "target: UI JavaScript, gzipped (the UI's budget)",
        TARGET_JS_GZIP_KB,
        "kB",
    );
    let js = Measurement::new(BENCH, "app: UI JavaScript, gzipped", js_kb, "kB")
        .compared_to(&target_js)
        .with_details(json!({"files": scripts.len(), "rawKb": raw as f64 / 1_000.0}));
    let first_screen = first_screen_js()?;
    Ok(vec![app_size, bare_size, js, first_screen])
}

/// The JavaScript loaded before the dashboard shows (issue 19's target: 60 kB gzipped), in
/// Vietnamese, the default; English and the sign-in screen in the details.
fn first_screen_js() -> Result<Measurement> {
    let dist = crate::workspace::root().join("ui/dist");
    let kb = |bytes: usize| bytes as f64 / 1_000.0;
    let dashboard = super::first_screen::measure(&dist, Screen::InEntry, "vi")?;
    let english = super::first_screen::measure(&dist, Screen::InEntry, "en")?;
    let sign_in = super::first_screen::measure(&dist, Screen::Chunk("SignIn"), "vi")?;
    let target = Measurement::new(
        BENCH,
        "target: JavaScript before the first screen, gzipped (issue 19)",
        TARGET_FIRST_SCREEN_JS_KB,
        "kB",
    );
    Ok(Measurement::new(
        BENCH,
        "app: JavaScript before the dashboard shows, gzipped",
        kb(dashboard.gzipped),
        "kB",
    )
    .compared_to(&target)
    .with_details(json!({
        "files": dashboard.files,
        "rawKb": kb(dashboard.raw),
        "englishKb": kb(english.gzipped),
        "signInKb": kb(sign_in.gzipped),
    })))
}

/// Start-up steps, each milliseconds after the process started, by name.
type Steps = std::collections::BTreeMap<String, f64>;

/// The steps of a breakdown line's JSON object; what is not a number is left out.
/// The breakdown's last two steps: the ready line logged, on the program's clock; the line read
/// by the bench, on the bench's clock from spawning the process.
const LOGGED_STEP: &str = "ready-line-logged";
const SEEN_STEP: &str = "ready-line-seen";

/// `N` of a ready line's rest, `N ms after process start`.
fn logged_ms(rest: &str) -> Option<f64> {
    rest.split_whitespace().next()?.parse().ok()
}

fn parse_steps(json: &str) -> Steps {
    let Ok(serde_json::Value::Object(object)) = serde_json::from_str(json) else {
        return Steps::new();
    };
    object
        .into_iter()
        .filter_map(|(name, at)| Some((name, at.as_f64()?)))
        .collect()
}

/// Each step's median over the runs that logged it, earliest first.
fn median_breakdown(runs: &[Steps]) -> Vec<(String, f64)> {
    let mut names: Vec<&String> = runs.iter().flat_map(|steps| steps.keys()).collect();
    names.sort();
    names.dedup();
    let mut steps: Vec<(String, f64)> = names
        .into_iter()
        .map(|name| {
            let mut values: Vec<f64> = runs
                .iter()
                .filter_map(|steps| steps.get(name))
                .copied()
                .collect();
            (name.clone(), median(&mut values))
        })
        .collect();
    steps.sort_by(|a, b| a.1.total_cmp(&b.1));
    steps
}

/// The breakdown as the bench prints it: each step, when it was reached, and how long it took
/// after the step before.
fn breakdown_table(program: &str, steps: &[(String, f64)]) -> String {
    let mut text = format!("\nstart-up breakdown, {program} (median ms after process start):\n");
    if steps.is_empty() {
        text.push_str("  (the program logged no breakdown)\n");
    }
    let mut before = 0.0;
    for (name, at) in steps {
        text.push_str(&format!("  {name:<22} {at:>8.1}  (+{:.1})\n", at - before));
        before = *at;
    }
    text
}

fn steps_json(steps: &[(String, f64)]) -> serde_json::Value {
    serde_json::Value::Array(
        steps
            .iter()
            .map(|(name, at)| json!({"step": name, "ms": (at * 10.0).round() / 10.0}))
            .collect(),
    )
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The virtual display the programs run on: the caller's own, or an Xvfb started here.
struct Display {
    name: String,
    xvfb: Option<Child>,
}

impl Display {
    fn open() -> Result<Display> {
        if let Some(name) = std::env::var_os("DISPLAY").filter(|name| !name.is_empty()) {
            return Ok(Display {
                name: name.to_string_lossy().into_owned(),
                xvfb: None,
            });
        }
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("no DISPLAY and Xvfb could not start (apt install xvfb)")?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow!("Xvfb's stdout"))?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        Ok(Display {
            name: format!(":{}", line.trim()),
            xvfb: Some(child),
        })
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        if let Some(child) = &mut self.xvfb {
            let _killed = child.kill();
            let _reaped = child.wait();
        }
    }
}

/// One of the two measured programs and how to know it is ready.
struct Program {
    binary: PathBuf,
    args: Vec<String>,
    /// The start of the log line it writes when its page is on screen.
    line: &'static str,
    /// The start of the log line, before that one, that says where the time went.
    breakdown: &'static str,
    /// Environment variables of its own.
    env: Vec<(String, String)>,
    display: String,
    /// A HOME of its own, so its window state and webview caches are the same on every run
    /// and nothing of the person running the bench is read.
    home: PathBuf,
}

/// Idle memory of a process tree.
struct Memory {
    /// After [`SETTLE`], megabytes.
    total: f64,
    processes: Vec<serde_json::Value>,
    /// (minutes after the settled reading, megabytes), from the settled reading on.
    samples: Vec<(f64, f64)>,
}

impl Program {
    fn spawn(&self, exit_when_ready: bool) -> Result<(Child, mpsc::Receiver<String>)> {
        std::fs::create_dir_all(&self.home)?;
        let mut command = Command::new(&self.binary);
        command
            .args(&self.args)
            .env("DISPLAY", &self.display)
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_DATA_HOME", self.home.join(".local/share"))
            .env("XDG_CACHE_HOME", self.home.join(".cache"))
            .envs(self.env.iter().map(|(name, value)| (name, value)))
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if exit_when_ready {
            command.env("OPENDVC_EXIT_AFTER_DASHBOARD", "1");
        }
        let mut child = command
            .spawn()
            .with_context(|| format!("could not start {}", self.binary.display()))?;
        let stderr = child.stderr.take().ok_or_else(|| anyhow!("no stderr"))?;
        let (lines, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        Ok((child, receiver))
    }

    /// Waits for the ready line; returns the time since `spawned` and the start-up steps the
    /// program logged before it (empty when it logged none).
    fn wait_ready(
        &self,
        child: &mut Child,
        lines: &mpsc::Receiver<String>,
        spawned: Instant,
    ) -> Result<(Duration, Steps)> {
        let mut seen = Vec::new();
        let mut steps = Steps::new();
        loop {
            let left = START_LIMIT.saturating_sub(spawned.elapsed());
            match lines.recv_timeout(left) {
                Ok(line) if line.starts_with(self.line) => {
                    let seen = spawned.elapsed();
                    // The program's own clock when it logged, and the bench's when it read the
                    // line: between them, what happened before the program's clock started
                    // (starting the process, loading its libraries).
                    if let Some(logged) = logged_ms(&line[self.line.len()..]) {
                        steps.insert(LOGGED_STEP.to_owned(), logged);
                    }
                    steps.insert(SEEN_STEP.to_owned(), seen.as_secs_f64() * 1_000.0);
                    return Ok((seen, steps));
                }
                Ok(line) if line.starts_with(self.breakdown) => {
                    steps = parse_steps(&line[self.breakdown.len()..]);
                }
                Ok(line) => seen.push(line),
                Err(_) => {
                    let _killed = child.kill();
                    let _reaped = child.wait();
                    bail!(
                        "{} never logged `{}…`; it said:\n{}",
                        self.binary.display(),
                        self.line,
                        seen.join("\n")
                    );
                }
            }
        }
    }

    /// Starts the program, waits until its page is on screen and it quits; milliseconds, and
    /// where they went.
    fn start_once(&self) -> Result<(f64, Steps)> {
        let spawned = Instant::now();
        let (mut child, lines) = self.spawn(true)?;
        let (ready, steps) = self.wait_ready(&mut child, &lines, spawned)?;
        let status = child.wait()?;
        if !status.success() {
            bail!("{} ended with {status}", self.binary.display());
        }
        Ok((ready.as_secs_f64() * 1_000.0, steps))
    }

    /// Starts the program, lets it settle, and sums the proportional set size of it and every
    /// process it started (WebKit's web and network processes); then keeps reading that sum
    /// for `watch` more, every [`WATCH_EVERY`].
    fn idle_memory_mb(&self, watch: Duration) -> Result<Memory> {
        let spawned = Instant::now();
        let (mut child, lines) = self.spawn(false)?;
        self.wait_ready(&mut child, &lines, spawned)?;
        std::thread::sleep(SETTLE);
        let (total_kb, processes) = tree_pss_kb(child.id());
        let settled = Instant::now();
        let mut samples = vec![(0.0, total_kb as f64 / 1_000.0)];
        while settled.elapsed() + WATCH_EVERY <= watch {
            std::thread::sleep(WATCH_EVERY);
            if child.try_wait()?.is_some() {
                bail!("{} quit while idle", self.binary.display());
            }
            let (kb, _) = tree_pss_kb(child.id());
            samples.push((settled.elapsed().as_secs_f64() / 60.0, kb as f64 / 1_000.0));
        }
        Portal::request_shutdown(child.id());
        let deadline = Instant::now() + Duration::from_secs(10);
        while child.try_wait()?.is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        let _killed = child.kill();
        let _reaped = child.wait();
        Ok(Memory {
            total: total_kb as f64 / 1_000.0,
            processes,
            samples,
        })
    }
}

/// The proportional set size of `pid` and its descendants, in kB, and each process's share.
fn tree_pss_kb(pid: u32) -> (u64, Vec<serde_json::Value>) {
    let mut total_kb = 0u64;
    let mut processes = Vec::new();
    for pid in process_tree(pid) {
        let Some(pss_kb) = pss_kb(pid) else { continue };
        total_kb += pss_kb;
        processes.push(json!({"name": process_name(pid), "pssMb": pss_kb as f64 / 1_000.0}));
    }
    (total_kb, processes)
}

/// The least-squares slope of (minute, megabytes) samples, MB per minute; 0 for fewer than two.
fn slope_per_minute(samples: &[(f64, f64)]) -> f64 {
    if samples.len() < 2 {
        return 0.0;
    }
    let n = samples.len() as f64;
    let mean_x = samples.iter().map(|(x, _)| x).sum::<f64>() / n;
    let mean_y = samples.iter().map(|(_, y)| y).sum::<f64>() / n;
    let (mut covariance, mut variance) = (0.0, 0.0);
    for (x, y) in samples {
        covariance += (x - mean_x) * (y - mean_y);
        variance += (x - mean_x) * (x - mean_x);
    }
    if variance == 0.0 {
        0.0
    } else {
        covariance / variance
    }
}

/// `pid` and all its descendants, from /proc.
fn process_tree(pid: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(child) = entry
                .file_name()
                .to_str()
                .and_then(|name| name.parse().ok())
            else {
                continue;
            };
            if let Some(parent) = parent_of(child) {
                parents.push((child, parent));
            }
        }
    }
    let mut tree = vec![pid];
    let mut index = 0;
    while let Some(&current) = tree.get(index) {
        tree.extend(
            parents
                .iter()
                .filter(|(_, parent)| *parent == current)
                .map(|(child, _)| *child),
        );
        index += 1;
    }
    tree
}

/// The parent of a process: the fourth field of /proc/PID/stat, after the name in brackets
/// (which may itself hold spaces and brackets).
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(1)?.parse().ok()
}

fn pss_kb(pid: u32) -> Option<u64> {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    rollup
        .lines()
        .find_map(|line| line.strip_prefix("Pss:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

fn process_name(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|name| name.trim().to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parent_is_read_after_a_name_with_spaces_and_brackets() {
        let own = std::process::id();
        let parent = parent_of(own).expect("this process has a parent");
        assert_eq!(parent, std::os::unix::process::parent_id());
    }

    #[test]
    fn a_process_tree_holds_its_children() {
        let mut child = Command::new("sleep")
            .arg("5")
            .spawn()
            .expect("sleep starts");
        let tree = process_tree(std::process::id());
        let _killed = child.kill();
        let _reaped = child.wait();
        assert!(tree.contains(&child.id()), "{tree:?} lacks {}", child.id());
    }

    #[test]
    fn this_process_has_a_proportional_set_size() {
        assert!(pss_kb(std::process::id()).is_some_and(|kb| kb > 0));
    }

    #[test]
    fn a_breakdown_is_the_median_of_each_step_in_the_order_reached() {
        let runs = vec![
            parse_steps(r#"{"core-opened":30,"window-built":50,"dashboard-rendered":300}"#),
            parse_steps(r#"{"core-opened":10,"window-built":70,"dashboard-rendered":200}"#),
            parse_steps(r#"{"core-opened":20,"window-built":60,"dashboard-rendered":250,"x":"y"}"#),
        ];
        let steps = median_breakdown(&runs);
        assert_eq!(
            steps,
            vec![
                ("core-opened".to_owned(), 20.0),
                ("window-built".to_owned(), 60.0),
                ("dashboard-rendered".to_owned(), 250.0),
            ]
        );
        let table = breakdown_table("app", &steps);
        assert!(table.contains("window-built"), "{table}");
        assert!(table.contains("(+190.0)"), "the step's own time: {table}");
    }

    #[test]
    fn the_slope_is_the_least_squares_fit_and_zero_without_two_samples() {
        let samples = [(0.0, 100.0), (1.0, 102.0), (2.0, 104.0), (3.0, 106.0)];
        assert!((slope_per_minute(&samples) - 2.0).abs() < 1e-9);
        assert_eq!(slope_per_minute(&[(0.0, 100.0)]), 0.0);
        let flat = [(0.0, 100.0), (0.5, 101.0), (1.0, 100.0)];
        assert!(slope_per_minute(&flat).abs() < 1e-9);
    }

    #[test]
    fn a_line_that_is_not_json_gives_no_steps() {
        assert!(parse_steps("not json").is_empty());
        assert!(breakdown_table("bare", &[]).contains("no breakdown"));
    }

    #[test]
    fn a_ready_line_gives_the_milliseconds_it_logged() {
        assert_eq!(logged_ms("475 ms after process start"), Some(475.0));
        assert_eq!(logged_ms(" ms after process start"), None);
        assert_eq!(logged_ms(""), None);
    }

    #[test]
    fn the_median_is_the_middle_value() {
        assert_eq!(median(&mut [5.0, 1.0, 3.0]), 3.0);
    }
}
