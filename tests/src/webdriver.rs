//! The real app in its real webview, for end-to-end tests.
//!
//! [`App::launch`] starts `opendvc-app` the way a person's desktop would, only headless: a
//! private Xvfb display, `tauri-driver` in front of `WebKitWebDriver`, a fresh data folder, and
//! the portal given by URL. The returned [`App`] is a small WebDriver client with the few
//! verbs the tests need: run a script, wait for a condition, fill a field, open a screen, take
//! a screenshot, run axe-core.
//!
//! Everything waits for a condition with a generous deadline and never asserts on time, so a
//! slow 2-core CI machine only makes the tests slower. One app runs at a time per test binary
//! (see [`App::launch`]), and dropping the [`App`] ends every process it started.
//!
//! Needs `tauri-driver` (`cargo install tauri-driver --locked`), `WebKitWebDriver` (apt
//! `webkit2gtk-driver`), `Xvfb` (apt `xvfb`), a built `opendvc-app` with the UI built into it,
//! and `ui/node_modules` (for axe-core).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use base64::Engine as _;
use opendvc_api::DemoCitizen;
use serde_json::{Value, json};

use crate::wait::{eventually, poll};
use crate::{Portal, bin_dir};

pub mod chromium;
mod session;

pub use session::Session;

/// The app is driven through its WebDriver session's verbs.
impl std::ops::Deref for App {
    type Target = Session;

    fn deref(&self) -> &Session {
        &self.session
    }
}

/// How long any one condition may take to come true. Generous on purpose: the first start of
/// a webview on a loaded 2-core machine compiles a lot of JavaScript and CSS.
pub const WAIT: Duration = Duration::from_secs(90);

/// The app binary.
pub const APP_BIN: &str = "opendvc-app";

/// The phone and desktop window sizes the screenshots are taken at.
pub const SCREEN_SIZES: [(u32, u32); 2] = [(390, 844), (1280, 800)];

/// One app at a time in a test binary. Each app brings a display server, two drivers and a
/// webview with its own web processes: several at once starve a 2-core machine until the
/// waits run out, and serialising them costs little since each test is mostly waiting.
static ONE_APP_AT_A_TIME: Mutex<()> = Mutex::new(());

/// How many times [`App::launch_with`] starts the drivers and the app before it gives up.
///
/// WebKitWebDriver picks the port of the app's remote inspector by binding port 0 and letting
/// go of it; on a busy machine another process (a portal, a test's client connection) can take
/// that port before the app binds it, and the app then never answers. That is a race in the
/// tools, not the app's fault: the launch starts again on fresh ports, and only a repeated
/// failure fails the test.
const LAUNCH_ATTEMPTS: usize = 3;

/// What the app's log shows when its remote inspector lost the race for its port.
const INSPECTOR_PORT_TAKEN: &str = "Failed to start remote inspector server";

/// What one start of `tauri-driver` and the app needs.
struct Launch<'a> {
    tools: &'a Tools,
    app: &'a Path,
    home: &'a Path,
    data_dir: &'a Path,
    display: &'a str,
    bus: &'a str,
    portal_url: &'a str,
    env: &'a [(&'a str, &'a str)],
    log_path: PathBuf,
}

impl Launch<'_> {
    /// Starts `tauri-driver` on fresh ports and waits for a WebDriver session with the app in
    /// it; `Err` says why there is none (with the drivers' log), after ending what started.
    fn attempt(&self) -> Result<(ProcessGroup, Session), String> {
        let log = std::fs::File::create(&self.log_path).expect("the app's log");
        let port = free_port();
        let native_port = free_port();
        let mut command = Command::new(&self.tools.tauri_driver);
        command
            .env("HOME", self.home)
            .env("XDG_DATA_HOME", self.home.join(".local/share"))
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_CACHE_HOME", self.home.join(".cache"))
            .env("XDG_DOWNLOAD_DIR", self.home.join("Downloads"));
        for (name, value) in self.env {
            command.env(name, value);
        }
        let mut driver = ProcessGroup::spawn(
            command
                .args(["--port", &port.to_string()])
                .args(["--native-port", &native_port.to_string()])
                .arg("--native-driver")
                .arg(&self.tools.webkit_driver)
                .env("DISPLAY", self.display)
                .env_remove("WAYLAND_DISPLAY")
                .env("DBUS_SESSION_BUS_ADDRESS", self.bus)
                .env("OPENDVC_PORTAL", self.portal_url)
                .env("OPENDVC_DATA_DIR", self.data_dir)
                .env("OPENDVC_LANG", "vi")
                // The app looks for the portal this often; the default minute would make the
                // offline tests wait longer than they need to.
                .env("OPENDVC_SYNC_SECONDS", "10")
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("the log for stdout"))
                .stderr(log),
        )
        .expect("tauri-driver starts");
        let base = format!("http://127.0.0.1:{port}");
        let capabilities = json!({"tauri:options": {"application": self.app}});
        let read_log = || std::fs::read_to_string(&self.log_path).unwrap_or_default();
        let outcome = poll(WAIT, || {
            if read_log().contains(INSPECTOR_PORT_TAKEN) {
                return Some(Err("the app's inspector lost the race for its port"));
            }
            Session::create(&base, &capabilities).map(Ok)
        });
        match outcome {
            Some(Ok(session)) => Ok((driver, session)),
            failed => {
                driver.end();
                let why = match failed {
                    Some(Err(why)) => why.to_owned(),
                    _ => format!("tauri-driver gave no session within {WAIT:?}"),
                };
                Err(format!("{why}; its log:\n{}", read_log()))
            }
        }
    }
}

/// A started process group, ended (SIGTERM, then SIGKILL) when dropped.
///
/// Each helper runs in a process group of its own so that ending it also ends what it started
/// (tauri-driver starts WebKitWebDriver, which starts the app, which starts web processes),
/// and nothing else.
#[derive(Debug)]
struct ProcessGroup(Child);

impl ProcessGroup {
    fn spawn(command: &mut Command) -> std::io::Result<ProcessGroup> {
        use std::os::unix::process::CommandExt as _;
        command.process_group(0).spawn().map(ProcessGroup)
    }

    fn end(&mut self) {
        let Ok(raw) = i32::try_from(self.0.id()) else {
            return;
        };
        let group = nix::unistd::Pid::from_raw(raw);
        // The group may be gone already; either way the wait below settles it.
        let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // Whatever of the group outlived its leader (the app, web processes) goes too.
        let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        self.end();
    }
}

/// The external tools the real-webview tests need, found on `PATH` (or `~/.cargo/bin`).
#[derive(Debug, Clone)]
pub struct Tools {
    pub tauri_driver: PathBuf,
    pub webkit_driver: PathBuf,
    pub xvfb: PathBuf,
    pub dbus_daemon: PathBuf,
    pub dunst: PathBuf,
    pub dunstctl: PathBuf,
}

impl Tools {
    /// Finds the tools.
    ///
    /// # Panics
    /// When one is missing, with how to install it.
    pub fn find() -> Tools {
        let names = [
            "tauri-driver",
            "WebKitWebDriver",
            "Xvfb",
            "dbus-daemon",
            "dunst",
            "dunstctl",
        ];
        let found: Vec<Option<PathBuf>> = names.iter().map(|name| on_path(name)).collect();
        let missing: Vec<&str> = names
            .iter()
            .zip(&found)
            .filter(|(_, path)| path.is_none())
            .map(|(name, _)| *name)
            .collect();
        assert!(
            missing.is_empty(),
            "the real-webview tests need tauri-driver (cargo install tauri-driver --locked), \
             WebKitWebDriver (apt webkit2gtk-driver), Xvfb (apt xvfb), dbus-daemon (apt dbus) \
             and dunst with dunstctl (apt dunst); missing: {missing:?}"
        );
        let mut found = found.into_iter().flatten();
        let mut next = || found.next().expect("every tool was found");
        Tools {
            tauri_driver: next(),
            webkit_driver: next(),
            xvfb: next(),
            dbus_daemon: next(),
            dunst: next(),
            dunstctl: next(),
        }
    }
}

/// A private D-Bus session bus with dunst, the notification server, on the test's display:
/// the app's desktop notifications arrive there, and `dunstctl` reads them back.
fn start_notification_server(tools: &Tools, display: &str) -> NotificationServer {
    let mut bus = ProcessGroup::spawn(
        Command::new(&tools.dbus_daemon)
            .args(["--session", "--nofork", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    )
    .expect("dbus-daemon starts");
    let stdout = bus.0.stdout.take().expect("dbus-daemon's stdout");
    let mut address = String::new();
    BufReader::new(stdout)
        .read_line(&mut address)
        .expect("dbus-daemon prints its address");
    let address = address.trim().to_owned();
    assert!(!address.is_empty(), "dbus-daemon exited without an address");
    let dunst = ProcessGroup::spawn(
        Command::new(&tools.dunst)
            .env("DISPLAY", display)
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
    .expect("dunst starts");
    eventually("dunst to take the notification service", WAIT, || {
        Command::new(&tools.dunstctl)
            .arg("count")
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()
            .filter(std::process::ExitStatus::success)
    });
    NotificationServer {
        _dunst: dunst,
        _bus: bus,
        address,
    }
}

/// The session bus and dunst on it; dunst ends first, then the bus (declaration order).
#[derive(Debug)]
struct NotificationServer {
    _dunst: ProcessGroup,
    _bus: ProcessGroup,
    address: String,
}

/// A desktop notification as the notification server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesktopNotification {
    pub summary: String,
    pub body: String,
}

/// The notifications in `dunstctl history` output (JSON of D-Bus-typed values).
fn parse_dunst_history(json: &str) -> Vec<DesktopNotification> {
    let value: Value = serde_json::from_str(json).unwrap_or(Value::Null);
    let text = |item: &Value, key: &str| item[key]["data"].as_str().unwrap_or_default().to_owned();
    value["data"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|list| list.as_array().cloned().unwrap_or_default())
        .map(|item| DesktopNotification {
            summary: text(&item, "summary"),
            body: text(&item, "body"),
        })
        .collect()
}

fn on_path(program: &str) -> Option<PathBuf> {
    let in_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|path| path.is_file())
    });
    in_path.or_else(|| {
        let cargo_bin = PathBuf::from(std::env::var_os("HOME")?)
            .join(".cargo/bin")
            .join(program);
        cargo_bin.is_file().then_some(cargo_bin)
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

/// Starts Xvfb on a display it picks itself (`-displayfd`), so parallel runs never collide.
fn start_xvfb(xvfb: &Path) -> (ProcessGroup, String) {
    let mut group = ProcessGroup::spawn(
        Command::new(xvfb)
            .args(["-displayfd", "1", "-screen", "0", "1280x900x24"])
            .args(["-nolisten", "tcp"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    )
    .expect("Xvfb starts");
    let stdout = group.0.stdout.take().expect("Xvfb's stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("Xvfb prints its display number");
    assert!(
        !line.trim().is_empty(),
        "Xvfb exited without printing a display number"
    );
    (group, format!(":{}", line.trim()))
}

/// The folder next to `target/<profile>` where the screenshots are kept (CI uploads it).
pub fn screenshot_dir() -> PathBuf {
    let dir = bin_dir()
        .parent()
        .map(|target| target.join("e2e-screenshots"))
        .expect("the target folder");
    std::fs::create_dir_all(&dir).expect("the screenshot folder");
    dir
}

/// The workspace's root folder (this crate is `tests/` in it).
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

/// The text of the UI message `id` in `lang` (`vi`, `en`, `id`), read from
/// `locales/{lang}/ui.ftl`, so that the tests follow the wording instead of copying it.
///
/// # Panics
/// When the message is missing or is not a plain one-line message.
pub fn ui_text(lang: &str, id: &str) -> String {
    locale_text(lang, "ui.ftl", id)
}

/// The text of the plain one-line message `id` in `locales/{lang}/{file}`.
///
/// # Panics
/// When the message is missing or is not a plain one-line message.
pub fn locale_text(lang: &str, file: &str, id: &str) -> String {
    let path = workspace_root().join("locales").join(lang).join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let messages: HashMap<&str, &str> = text
        .lines()
        .filter_map(|line| line.split_once(" = "))
        .map(|(key, value)| (key.trim(), value.trim()))
        .collect();
    let value = messages
        .get(id)
        .unwrap_or_else(|| panic!("{id} is not a one-line message of {}", path.display()));
    assert!(
        !value.contains('{'),
        "{id} has placeables; the tests only read plain messages"
    );
    (*value).to_owned()
}

/// The running app, driven through WebDriver.
#[derive(Debug)]
pub struct App {
    // Dropped in declaration order: the session is deleted first, then the drivers
    // (with the app) and the display end, then the data folder goes, then the turn passes to
    // the next test.
    session: Session,
    _driver: ProcessGroup,
    /// The session bus with the notification server.
    notifications: NotificationServer,
    dunstctl: PathBuf,
    _display: ProcessGroup,
    /// Holds the app's data folder `data/` and the drivers' and app's output `app.log`.
    scratch: tempfile::TempDir,
    _turn: MutexGuard<'static, ()>,
}

impl App {
    /// Starts the app against the portal at `portal_url`, in Vietnamese, with a new data
    /// folder, and waits until the WebDriver session is up.
    ///
    /// Waits for the app before this one in the same test binary to end first.
    ///
    /// # Panics
    /// When a tool or the app binary is missing, or the session does not start in time.
    pub fn launch(portal_url: &str) -> App {
        App::launch_with(portal_url, &[])
    }

    /// [`App::launch`] with more environment for the app (`OPENDVC_AUTO_LOCK_SECONDS`, …).
    ///
    /// The app runs with a home folder of its own inside the scratch folder (`HOME` and the
    /// XDG data, config and cache folders), so that everything it and its webview write to
    /// disk is under [`App::data_dir`] or [`App::home_dir`], where a test can scan it.
    pub fn launch_with(portal_url: &str, env: &[(&str, &str)]) -> App {
        // A test that failed while holding the turn poisons the lock; the next test still
        // gets a fresh display and drivers, so the poison carries no broken state.
        let turn = ONE_APP_AT_A_TIME
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let tools = Tools::find();
        let app = bin_dir().join(APP_BIN);
        assert!(
            app.is_file(),
            "{} is missing: build it first (cd ui && npm ci && npm run build; \
             cargo build -p opendvc-app)",
            app.display()
        );
        let scratch = tempfile::Builder::new()
            .prefix("opendvc-app-")
            .tempdir()
            .expect("a scratch folder for the app");
        let data_dir = scratch.path().join("data");
        std::fs::create_dir_all(&data_dir).expect("the app's data folder");
        let home = scratch.path().join("home");
        for folder in [".local/share", ".config", ".cache"] {
            std::fs::create_dir_all(home.join(folder)).expect("the app's home folder");
        }
        let (display_group, display) = start_xvfb(&tools.xvfb);
        let notifications = start_notification_server(&tools, &display);
        let launch = Launch {
            tools: &tools,
            app: &app,
            home: &home,
            data_dir: &data_dir,
            display: &display,
            bus: &notifications.address,
            portal_url,
            env,
            log_path: scratch.path().join("app.log"),
        };
        let mut attempt = 1;
        let (driver, session) = loop {
            match launch.attempt() {
                Ok(started) => break started,
                Err(why) if attempt < LAUNCH_ATTEMPTS => {
                    eprintln!("launch attempt {attempt} of the app failed ({why}); trying again");
                    attempt += 1;
                    // The failed attempt's app may have started on the folder: start afresh.
                    std::fs::remove_dir_all(&data_dir).expect("the app's data folder is removed");
                    std::fs::create_dir_all(&data_dir).expect("the app's data folder");
                }
                Err(why) => panic!("{why}"),
            }
        };
        let app = App {
            session,
            _driver: driver,
            notifications,
            dunstctl: tools.dunstctl.clone(),
            _display: display_group,
            scratch,
            _turn: turn,
        };
        app.call(
            reqwest::Method::POST,
            "/timeouts",
            Some(json!({"script": 120_000})),
        );
        app.wait_for(
            "the app's first screen",
            "return document.querySelector('main h1, #id-number') !== null;",
        );
        app
    }

    /// The app's data folder (`OPENDVC_DATA_DIR`).
    pub fn data_dir(&self) -> PathBuf {
        self.scratch.path().join("data")
    }

    /// The app's home folder, with the XDG folders where the webview would keep its storage.
    pub fn home_dir(&self) -> PathBuf {
        self.scratch.path().join("home")
    }

    /// The app's process: the `opendvc-app` whose data folder is this app's.
    fn app_pid(&self) -> Option<i32> {
        let wanted = format!("OPENDVC_DATA_DIR={}", self.data_dir().display());
        std::fs::read_dir("/proc")
            .ok()?
            .flatten()
            .find_map(|entry| {
                let pid: i32 = entry.file_name().to_str()?.parse().ok()?;
                let exe = std::fs::read_link(entry.path().join("exe")).ok()?;
                if exe.file_name()? != APP_BIN {
                    return None;
                }
                let environ = std::fs::read(entry.path().join("environ")).ok()?;
                environ
                    .split(|byte| *byte == 0)
                    .any(|variable| variable == wanted.as_bytes())
                    .then_some(pid)
            })
    }

    /// Ends the app as the system does at logout or shutdown (SIGTERM), and waits until the
    /// process is gone. The WebDriver session ends with it, so nothing but file checks may
    /// follow.
    pub fn terminate_app(&self) {
        let pid = self.app_pid().expect("the app's process is running");
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGTERM,
        )
        .expect("the app takes the signal");
        eventually("the app to quit", WAIT, || {
            (!Path::new(&format!("/proc/{pid}")).exists()
                || std::fs::read_to_string(format!("/proc/{pid}/stat"))
                    .is_ok_and(|stat| stat.split_whitespace().nth(2) == Some("Z")))
            .then_some(())
        });
    }

    /// The PNG of the window as raw 8-bit greyscale: width, height and one byte per pixel,
    /// for decoding what is drawn (a QR code) as a camera would see it.
    pub fn screenshot_grey(&self) -> (usize, usize, Vec<u8>) {
        let data = self.call(reqwest::Method::GET, "/screenshot", None);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().expect("base64 PNG"))
            .expect("a PNG");
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().expect("a readable PNG");
        let mut pixels = vec![0; reader.output_buffer_size().expect("a PNG of sane size")];
        let frame = reader.next_frame(&mut pixels).expect("the PNG's pixels");
        let (width, height) = (frame.width as usize, frame.height as usize);
        let channels = match frame.color_type {
            png::ColorType::Grayscale => 1,
            png::ColorType::GrayscaleAlpha => 2,
            png::ColorType::Rgb => 3,
            png::ColorType::Rgba => 4,
            png::ColorType::Indexed => panic!("indexed PNG after normalising"),
        };
        let grey = pixels[..frame.buffer_size()]
            .chunks(channels)
            .map(|pixel| match channels {
                1 | 2 => pixel[0],
                _ => {
                    let luma = 299 * u32::from(pixel[0])
                        + 587 * u32::from(pixel[1])
                        + 114 * u32::from(pixel[2]);
                    u8::try_from(luma / 1000).unwrap_or(u8::MAX)
                }
            })
            .collect();
        (width, height, grey)
    }

    /// Waits up to `timeout` until a desktop notification titled `title` has been shown, and
    /// answers how many carry that title with every notification shown by then (for the
    /// caller's assertion and its message).
    ///
    /// # Panics
    /// When none with that title arrives in time, naming `what`.
    pub fn wait_for_desktop_notification(
        &self,
        what: &str,
        title: &str,
        timeout: Duration,
    ) -> (usize, Vec<DesktopNotification>) {
        let shown = eventually(what, timeout, || {
            let shown = self.desktop_notifications();
            shown
                .iter()
                .any(|notification| notification.summary == title)
                .then_some(shown)
        });
        let titled = shown
            .iter()
            .filter(|notification| notification.summary == title)
            .count();
        (titled, shown)
    }

    /// Every desktop notification the app has shown so far, oldest first.
    ///
    /// dunst lists a notification in its history once it is closed, so the open ones are
    /// closed first.
    pub fn desktop_notifications(&self) -> Vec<DesktopNotification> {
        let dunstctl = |args: &[&str]| {
            Command::new(&self.dunstctl)
                .args(args)
                .env("DBUS_SESSION_BUS_ADDRESS", &self.notifications.address)
                .stderr(Stdio::null())
                .output()
                .expect("dunstctl runs")
        };
        dunstctl(&["close-all"]);
        let history = dunstctl(&["history"]);
        let mut shown = parse_dunst_history(&String::from_utf8_lossy(&history.stdout));
        // dunst lists the newest first.
        shown.reverse();
        shown
    }

    /// Opens a screen by its route (`#/services`) and waits until the new screen has its
    /// heading and nothing on it is loading.
    pub fn open(&self, route: &str) {
        // The heading of the screen being left is marked, so that the wait below cannot
        // mistake it for the new screen's before the router has reacted to the new hash.
        self.script(
            "const heading = document.querySelector('main h1');\
             if (location.hash !== arguments[0] && heading !== null) {\
               heading.dataset.e2eLeaving = 'true';\
             }\
             location.hash = arguments[0];",
            json!([route]),
        );
        self.wait_until_loaded(route);
    }

    /// Waits until the screen has a (new) heading in `main` and nothing on it is loading.
    pub fn wait_until_loaded(&self, what: &str) {
        self.wait_for(
            &format!("the screen {what} to load"),
            "return document.querySelector('main h1:not([data-e2e-leaving])') !== null \
             && document.querySelector('[aria-busy=\"true\"]') === null \
             && document.querySelector('main .loading') === null;",
        );
    }

    /// Signs `citizen` in through the sign-in screen: ID number, the code the portal texted,
    /// the code; then waits for the home screen.
    pub fn sign_in(&self, portal: &Portal, citizen: &DemoCitizen) {
        self.wait_for_element("#id-number");
        self.fill("#id-number", &citizen.id_number);
        self.submit_form_of("#id-number");
        self.wait_for_element("#otp");
        let code = portal.latest_code_sent_to(&citizen.phone);
        self.fill("#otp", &code);
        self.submit_form_of("#otp");
        self.wait_for(
            "the home screen after signing in",
            "return performance.getEntriesByName('opendvc:dashboard-rendered').length > 0;",
        );
        self.wait_until_loaded("home");
    }

    /// Makes a recorder the desktop's web browser for this app: every `http(s)` URL the app
    /// opens in the system browser (tauri-plugin-opener, through `xdg-open`, which asks the
    /// desktop's default for `x-scheme-handler/https`) is appended to the file returned, one a
    /// line, instead of opening a real browser. The test then plays the page itself.
    pub fn record_browser(&self) -> PathBuf {
        let home = self.home_dir();
        let urls = self.scratch.path().join("browser-urls.txt");
        let script = self.scratch.path().join("record-browser.sh");
        std::fs::write(
            &script,
            format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", urls.display()),
        )
        .expect("the recording browser's script");
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
                .expect("the script is executable");
        }
        let applications = home.join(".local/share/applications");
        std::fs::create_dir_all(&applications).expect("the home's applications folder");
        std::fs::write(
            applications.join("opendvc-test-browser.desktop"),
            format!(
                "[Desktop Entry]\nType=Application\nName=Test browser\nExec={} %u\n\
                 MimeType=x-scheme-handler/http;x-scheme-handler/https;\nNoDisplay=true\n",
                script.display()
            ),
        )
        .expect("the recording browser's desktop entry");
        let mimeapps = home.join(".config/mimeapps.list");
        let kept = std::fs::read_to_string(&mimeapps).unwrap_or_default();
        let mut list = String::from(
            "[Default Applications]\n\
             x-scheme-handler/http=opendvc-test-browser.desktop\n\
             x-scheme-handler/https=opendvc-test-browser.desktop\n",
        );
        // What the app registered itself (its own `opendvc://` scheme) stays.
        list.push_str(&kept.replace("[Default Applications]\n", ""));
        std::fs::write(&mimeapps, list).expect("the home's default applications");
        urls
    }

    /// Waits until the app has opened `count` URLs in the browser [`App::record_browser`]
    /// made, and returns them, oldest first.
    pub fn browser_urls(&self, count: usize) -> Vec<String> {
        let urls = self.scratch.path().join("browser-urls.txt");
        eventually(
            &format!("the app to open {count} page(s) in the browser"),
            WAIT,
            || {
                let opened: Vec<String> = std::fs::read_to_string(&urls)
                    .unwrap_or_default()
                    .lines()
                    .map(str::to_owned)
                    .collect();
                (opened.len() >= count).then_some(opened)
            },
        )
    }

    /// Hands `link` (`opendvc://payments/{id}`) to the running app as the desktop does when a
    /// browser opens it: a second start of the app, in the same session (display, session
    /// bus, home and data folder) with the link as its argument, which passes it to the first
    /// (single instance) and quits.
    pub fn open_link(&self, link: &str) {
        let pid = self.app_pid().expect("the app's process is running");
        let environ = std::fs::read(format!("/proc/{pid}/environ")).expect("the app's environment");
        let mut command = Command::new(bin_dir().join(APP_BIN));
        command.env_clear();
        for variable in environ.split(|byte| *byte == 0) {
            let text = String::from_utf8_lossy(variable);
            if let Some((name, value)) = text.split_once('=') {
                command.env(name, value);
            }
        }
        let log = self.scratch.path().join("second-launch.log");
        let output = std::fs::File::create(&log).expect("the second launch's log");
        let mut second = ProcessGroup::spawn(
            command
                .arg(link)
                .stdin(Stdio::null())
                .stdout(output.try_clone().expect("the log for stdout"))
                .stderr(output),
        )
        .expect("the second launch starts");
        let status = eventually(
            "the second launch to hand the link over and quit",
            WAIT,
            || second.0.try_wait().ok().flatten(),
        );
        assert!(
            status.success(),
            "the second launch failed ({status}); its log:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// Saves the current screen at each of [`SCREEN_SIZES`] as
    /// `target/e2e-screenshots/{name}-{width}x{height}.png`.
    pub fn screenshots(&self, name: &str) {
        self.session.screenshots_at(name, &SCREEN_SIZES);
    }
}

impl App {
    /// Quits the app as the system does at logout (SIGTERM) and starts it again on the same
    /// data folder and home, with a fresh display and drivers: what a resident sees after
    /// closing OpenDVC and opening it again. Waits for the first screen, like
    /// [`App::launch`].
    ///
    /// # Panics
    /// When the app does not quit or does not start again in time.
    pub fn relaunch(mut self, portal_url: &str) -> App {
        self.terminate_app();
        // The old app's folder is kept: an empty one takes its place for the drop to delete.
        let empty = tempfile::Builder::new()
            .prefix("opendvc-app-left-")
            .tempdir()
            .expect("a scratch folder to leave behind");
        let scratch = std::mem::replace(&mut self.scratch, empty);
        // Ends the session, the drivers and the display, and hands the turn on.
        drop(self);
        App::launch_in(portal_url, scratch)
    }

    /// [`App::launch`] in an existing scratch folder (its `data/` and `home/` as they are).
    fn launch_in(portal_url: &str, scratch: tempfile::TempDir) -> App {
        let turn = ONE_APP_AT_A_TIME
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let tools = Tools::find();
        let app = bin_dir().join(APP_BIN);
        let data_dir = scratch.path().join("data");
        let home = scratch.path().join("home");
        let (display_group, display) = start_xvfb(&tools.xvfb);
        let notifications = start_notification_server(&tools, &display);
        let launch = Launch {
            tools: &tools,
            app: &app,
            home: &home,
            data_dir: &data_dir,
            display: &display,
            bus: &notifications.address,
            portal_url,
            env: &[],
            log_path: scratch.path().join("app.log"),
        };
        let mut attempt = 1;
        // A failed attempt keeps the data folder: it is what this launch is about.
        let (driver, session) = loop {
            match launch.attempt() {
                Ok(started) => break started,
                Err(why) if attempt < LAUNCH_ATTEMPTS => {
                    eprintln!("relaunch attempt {attempt} of the app failed ({why}); trying again");
                    attempt += 1;
                }
                Err(why) => panic!("{why}"),
            }
        };
        let app = App {
            session,
            _driver: driver,
            notifications,
            dunstctl: tools.dunstctl.clone(),
            _display: display_group,
            scratch,
            _turn: turn,
        };
        app.call(
            reqwest::Method::POST,
            "/timeouts",
            Some(json!({"script": 120_000})),
        );
        app.wait_for(
            "the app's first screen",
            "return document.querySelector('main h1, #id-number') !== null;",
        );
        app
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let log =
                std::fs::read_to_string(self.scratch.path().join("app.log")).unwrap_or_default();
            eprintln!("----- app and driver log -----\n{log}----- end of app log -----");
        }
        // The session field, dropped first, closes the app's window; the process groups end
        // the rest.
    }
}

/// The main screens of a signed-in person, by name and route: `application_id` is one of
/// their applications, `procedure_id` a procedure of the catalog.
pub fn main_screens(application_id: &str, procedure_id: &str) -> Vec<(&'static str, String)> {
    vec![
        ("home", "#/".to_owned()),
        ("applications", "#/applications".to_owned()),
        ("application", format!("#/applications/{application_id}")),
        ("services", "#/services".to_owned()),
        ("procedure", format!("#/services/{procedure_id}")),
        ("apply", format!("#/apply/{procedure_id}")),
        ("documents", "#/documents".to_owned()),
        ("inbox", "#/inbox".to_owned()),
        ("queue", "#/queue".to_owned()),
        ("feedback", "#/feedback".to_owned()),
        ("feedback-new", "#/feedback/new".to_owned()),
        ("settings", "#/settings".to_owned()),
        (
            "notification-settings",
            "#/settings/notifications".to_owned(),
        ),
    ]
}

/// The problems of one screen at one window size: serious or critical axe-core violations,
/// and (reflow, WCAG 1.4.10) a page wider than the window.
pub fn screen_problems(app: &App, label: &str) -> Vec<String> {
    let mut problems: Vec<String> = app
        .serious_accessibility_violations()
        .into_iter()
        .map(|violation| format!("[{label}] {violation}"))
        .collect();
    let overflow = app.script(
        "const root = document.documentElement; return root.scrollWidth - root.clientWidth;",
        json!([]),
    );
    if overflow.as_i64().unwrap_or(0) > 0 {
        // Name the innermost elements that reach past the window, so the failure says what
        // to fix rather than only by how much.
        let culprits = app.script(
            "const width = document.documentElement.clientWidth;
             const right = node => {
               if (node.nodeType === Node.TEXT_NODE) {
                 const range = document.createRange();
                 range.selectNodeContents(node);
                 return range.getBoundingClientRect().right;
               }
               return node.getBoundingClientRect().right;
             };
             const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
             const past = [];
             for (let node = walker.nextNode(); node && past.length < 5; node = walker.nextNode()) {
               if (right(node) <= width + 1) continue;
               if ([...node.childNodes].some(child => right(child) > width + 1)) continue;
               const element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
               const name = element.tagName.toLowerCase()
                 + (typeof element.className === 'string' && element.className.trim()
                    ? '.' + element.className.trim().split(/\\s+/).join('.') : '');
               past.push(`${name} to ${Math.round(right(node))} px: ${(node.textContent || '').trim().slice(0, 40)}`);
             }
             // A control's own drawing (a select's chosen option, a file input's button) is
             // not an element: hiding the control is how to see it is the one.
             const probes = [];
             for (const e of document.querySelectorAll('input, select, textarea, button, svg, img, canvas, iframe')) {
               const before = document.documentElement.scrollWidth;
               const display = e.style.display;
               e.style.display = 'none';
               const after = document.documentElement.scrollWidth;
               e.style.display = display;
               if (after < before) probes.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} (its own drawing: hiding it narrows the page)`);
             }
             return past.concat(probes).join('; ');",
            json!([]),
        );
        problems.push(format!(
            "[{label}] the page is {overflow} px wider than the screen: {}",
            culprits.as_str().unwrap_or("")
        ));
    }
    problems
}

/// Opens each of `screens` and collects every problem: an error shown on the screen, and
/// [`screen_problems`] at 1280×800 and at `phone` (width, height). Each screen is saved as
/// `{prefix}{name}-{width}x{height}.png` at both sizes.
pub fn main_screen_problems(
    app: &App,
    screens: &[(&'static str, String)],
    phone: (u32, u32),
    prefix: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, route) in screens {
        app.resize(1280, 800);
        app.open(route);
        let error_shown = app.script(
            "return document.querySelector('main .error-panel') !== null;",
            json!([]),
        );
        if error_shown == json!(true) {
            problems.push(format!(
                "[{prefix}{name}] the screen shows an error:\n{}",
                app.main_text()
            ));
        }
        app.session
            .screenshots_at(&format!("{prefix}{name}"), &[phone, (1280, 800)]);
        problems.extend(screen_problems(app, &format!("{prefix}{name} 1280x800")));
        app.resize(phone.0, phone.1);
        problems.extend(screen_problems(
            app,
            &format!("{prefix}{name} {}x{}", phone.0, phone.1),
        ));
    }
    problems
}

/// Text whose contrast falls short of WCAG AAA (axe-core's `color-contrast-enhanced`: 7:1,
/// 4.5:1 for large text) on each of `screens`, at the window's current size.
pub fn aaa_contrast_problems(app: &App, screens: &[(&'static str, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, route) in screens {
        app.open(route);
        // axe-core is injected by the first full run.
        let _serious = app.serious_accessibility_violations();
        app.script(
            "window.__axeContrast = undefined;\
             axe.run(document, {runOnly: ['color-contrast-enhanced'], resultTypes: ['violations']})\
               .then((result) => { window.__axeContrast = {nodes: result.violations.flatMap((violation) =>\
                 violation.nodes.map((node) => node.target.join(' ') + ': ' + node.failureSummary))}; })\
               .catch((error) => { window.__axeContrast = {nodes: ['axe-core failed: ' + error]}; });",
            json!([]),
        );
        let found = app.wait_for(
            "axe-core's contrast check",
            "return window.__axeContrast === undefined ? null : window.__axeContrast;",
        );
        // An object, never a bare list: an empty list would read as "not yet".
        for node in found["nodes"].as_array().into_iter().flatten() {
            problems.push(format!("[{name}] {}", node.as_str().unwrap_or("?")));
        }
    }
    problems
}

/// The app as its desktop sees it: its X window, closed as a window manager closes it, shown
/// or hidden, and launched a second time.
impl App {
    /// The app's process environment, as the system started it.
    fn app_environment(&self) -> Vec<(String, String)> {
        let pid = self.app_pid().expect("the app's process is running");
        let environ = std::fs::read(format!("/proc/{pid}/environ")).expect("the app's environment");
        environ
            .split(|byte| *byte == 0)
            .filter_map(|variable| {
                let (name, value) = std::str::from_utf8(variable).ok()?.split_once('=')?;
                Some((name.to_owned(), value.to_owned()))
            })
            .collect()
    }

    /// The app's top-level windows on its X display (those whose `_NET_WM_PID` is the app's),
    /// in stacking order, each with its title and whether it is on screen, with the
    /// connection to the display.
    fn x_windows(
        &self,
    ) -> (
        x11rb::rust_connection::RustConnection,
        Vec<(u32, String, x11rb::protocol::xproto::MapState)>,
    ) {
        use x11rb::connection::Connection as _;
        use x11rb::protocol::xproto::{AtomEnum, ConnectionExt as _};
        let pid = u32::try_from(self.app_pid().expect("the app's process is running"))
            .expect("a process id");
        let display = self
            .app_environment()
            .into_iter()
            .find_map(|(name, value)| (name == "DISPLAY").then_some(value))
            .expect("the app runs on an X display");
        let (connection, screen) =
            x11rb::connect(Some(&display)).expect("the app's X display answers");
        let root = connection.setup().roots[screen].root;
        let net_wm_pid = connection
            .intern_atom(false, b"_NET_WM_PID")
            .expect("X answers")
            .reply()
            .expect("an atom")
            .atom;
        let children = connection
            .query_tree(root)
            .expect("X answers")
            .reply()
            .expect("the root's windows")
            .children;
        let mut windows = Vec::new();
        for window in children {
            let property = |name: u32, kind: AtomEnum| {
                connection
                    .get_property(false, window, name, kind, 0, 256)
                    .ok()
                    .and_then(|cookie| cookie.reply().ok())
            };
            let owner = property(net_wm_pid, AtomEnum::CARDINAL)
                .and_then(|reply| reply.value32().and_then(|mut values| values.next()));
            if owner != Some(pid) {
                continue;
            }
            let title = property(AtomEnum::WM_NAME.into(), AtomEnum::STRING)
                .map(|reply| String::from_utf8_lossy(&reply.value).into_owned())
                .unwrap_or_default();
            let Some(state) = connection
                .get_window_attributes(window)
                .ok()
                .and_then(|cookie| cookie.reply().ok())
                .map(|reply| reply.map_state)
            else {
                continue;
            };
            windows.push((window, title, state));
        }
        (connection, windows)
    }

    /// The app's main window on its X display (its top-level window titled with the app's
    /// name), with the connection to the display.
    fn x_window(&self) -> (x11rb::rust_connection::RustConnection, u32) {
        let (connection, windows) = self.x_windows();
        let window = windows
            .into_iter()
            .find_map(|(window, title, _)| (title == "OpenDVC").then_some(window))
            .expect("the app's window is on the display");
        (connection, window)
    }

    /// The app's top-level windows, in stacking order, each with its title and whether it is
    /// on screen: what a failure about the window shows.
    pub fn describe_app_windows(&self) -> String {
        let (_connection, windows) = self.x_windows();
        windows
            .iter()
            .map(|(window, title, state)| format!("0x{window:x} {title:?} {state:?}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Asks the app's window to close the way a window manager does when the person clicks
    /// its close button: a `WM_DELETE_WINDOW` message. (WebDriver's "close window" destroys
    /// the webview instead, which no person can do.)
    pub fn close_window_as_a_person_would(&self) {
        use x11rb::protocol::xproto::{ClientMessageEvent, ConnectionExt as _, EventMask};
        let (connection, window) = self.x_window();
        let atom = |name: &str| {
            connection
                .intern_atom(false, name.as_bytes())
                .expect("X answers")
                .reply()
                .expect("an atom")
                .atom
        };
        let protocols = atom("WM_PROTOCOLS");
        let delete = atom("WM_DELETE_WINDOW");
        let message = ClientMessageEvent::new(32, window, protocols, [delete, 0, 0, 0, 0]);
        connection
            .send_event(false, window, EventMask::NO_EVENT, message)
            .expect("X takes the message");
        // A round trip, as XSync does: the server has handled the message before this
        // connection closes (a message merely flushed can be lost with a busy server).
        connection
            .get_input_focus()
            .expect("X answers")
            .reply()
            .expect("the server has handled the message");
    }

    /// Whether the app's window is on screen (mapped and viewable).
    pub fn window_shown(&self) -> bool {
        use x11rb::protocol::xproto::{ConnectionExt as _, MapState};
        let (connection, window) = self.x_window();
        connection
            .get_window_attributes(window)
            .expect("X answers")
            .reply()
            .expect("the window's attributes")
            .map_state
            == MapState::VIEWABLE
    }

    /// Whether the app's process still runs.
    pub fn app_running(&self) -> bool {
        self.app_pid().is_some_and(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .is_ok_and(|stat| stat.split_whitespace().nth(2) != Some("Z"))
        })
    }

    /// Starts the app a second time, as the person does from the desktop's menu, with the
    /// running app's environment, and waits until that launch ends (single-instance hands it
    /// over to the running app, which shows its window). Returns whether it ended well.
    pub fn launch_again(&self) -> bool {
        let mut second = Command::new(bin_dir().join(APP_BIN))
            .env_clear()
            .envs(self.app_environment())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the app starts a second time");
        eventually("the second launch to hand over and end", WAIT, || {
            second.try_wait().expect("the second launch's status")
        })
        .success()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dunst_history_yields_summary_and_body() {
        let history = r#"{"type": "aa{sv}", "data": [[
            {"body": {"type": "s", "data": "Nội dung"},
             "summary": {"type": "s", "data": "Tiêu đề"},
             "appname": {"type": "s", "data": "OpenDVC"},
             "id": {"type": "i", "data": 2}},
            {"body": {"type": "s", "data": ""},
             "summary": {"type": "s", "data": "Second"}}
        ]]}"#;
        assert_eq!(
            parse_dunst_history(history),
            vec![
                DesktopNotification {
                    summary: "Tiêu đề".to_owned(),
                    body: "Nội dung".to_owned()
                },
                DesktopNotification {
                    summary: "Second".to_owned(),
                    body: String::new()
                },
            ]
        );
        assert!(parse_dunst_history("not json").is_empty());
    }
}
