//! End-to-end test harness for OpenDVC.
//!
//! The harness drives real processes over real loopback HTTP, and knows the portal only
//! through its contract: the command line fixed in `COMMON.md` and the wire types of
//! `opendvc-api`. It never links the portal's code, so a test written against it checks what
//! any client of the portal would see.
//!
//! - [`Portal`] starts `opendvc-portal serve` on a random loopback port with its own scratch
//!   folder and database, keeps its output in a log file (printed when a test fails), and
//!   stops it on drop. It can be stopped and started again on the same database. The database
//!   is an SQLite file in the scratch folder, or, when `OPENDVC_TEST_DATABASE_URL` names a
//!   PostgreSQL server, a fresh database of its own there (dropped with the portal): the same
//!   tests run on both (`cargo xtask test`, steps `cargo test` and `postgres`).
//! - [`Api`] is a small blocking HTTP client that answers with a [`Reply`]: status, headers
//!   and the body, with helpers to parse JSON and problem documents.
//! - [`fault_proxy::FaultProxy`] sits between a client and the portal and injects faults.
//! - [`fixtures`] holds the people of a test (citizen, officer) and valid submissions.
//! - [`events::EventStream`] reads a citizen's `/v1/events` stream frame by frame.
//! - [`postgres_cluster`] starts a private PostgreSQL cluster for a test that restarts it.
//! - [`webdriver::App`] runs the real app in its real webview (tauri-driver, WebKitWebDriver,
//!   Xvfb) and drives it the way a person would.
//! - [`cli::Cli`] runs the `opendvc` command-line client on its own data folder.
//! - [`source_tree`] reads the project's own source for the architecture tests.
//! - [`wait`] waits for something to happen by polling in short steps; a test waits for a time
//!   window to pass by moving the demo portal's clock ([`Portal::advance_clock`]), never by
//!   sleeping.
//!
//! This crate is the only place that starts a portal, a fault proxy or the app
//! (`tests/tests/architecture.rs::one_portal_harness`): the tests of every crate that need one
//! live in `tests/tests`.
//!
//! A test of the queue behind faults looks like this (a sketch; see `tests/portal_faults.rs`):
//!
//! ```no_run
//! use opendvc_tests::fault_proxy::{Fault, FaultPlan, FaultProxy, RequestFilter};
//! use opendvc_tests::fixtures::Citizen;
//! use opendvc_tests::{Portal, PortalOptions};
//!
//! let mut portal = Portal::start(PortalOptions::default());
//! let citizen = Citizen::demo(&mut portal, 0);
//! let plan = FaultPlan::seeded(42)
//!     .with(Fault::Pass, 4)
//!     .with(Fault::LostResponse, 1)
//!     .with(Fault::ServiceUnavailable, 1)
//!     .only_for(RequestFilter::path_prefix("/v1/applications").method("POST"));
//! let proxy = FaultProxy::start(portal.addr(), plan).expect("the proxy starts");
//! proxy.set_unreachable(true); // queue while "offline" …
//! // … point the client (e.g. `opendvc --portal {proxy.url()}`) at the proxy, then:
//! proxy.set_unreachable(false);
//! println!("{}", proxy.stats());
//! assert!(!citizen.applications().is_empty());
//! ```
//!
//! Everything here is blocking (threads, not async), so that tests can be plain `#[test]`
//! functions and can drive other processes (the CLI) at the same time. Do not call [`Api`]
//! from inside an async runtime: it uses `reqwest::blocking`.

pub mod cli;
pub mod events;
pub mod fault_proxy;
pub mod fixtures;
pub mod postgres_cluster;
pub mod sms_gateway;
pub mod source_tree;
pub mod traces;
pub mod wait;
pub mod webdriver;

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use opendvc_api::{
    DemoAccounts, DemoCitizen, DevMessage, OtpRequest, PROBLEM_CONTENT_TYPE, Problem,
    StaffTokenRequest, StaffTokenResponse, TokenRequest, TokenResponse,
};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Name of the portal binary.
pub const PORTAL_BIN: &str = "opendvc-portal";

/// The variable that names a PostgreSQL server (a URL of any database on it) for the portals
/// of the tests; unset, they run on SQLite.
pub const TEST_DATABASE_URL_ENV: &str = "OPENDVC_TEST_DATABASE_URL";

/// Whether the tests' portals run on PostgreSQL (`OPENDVC_TEST_DATABASE_URL` is set), where
/// several instances can share one database; on SQLite a test of several instances says it is
/// skipped and passes.
pub fn runs_on_postgres() -> bool {
    std::env::var(TEST_DATABASE_URL_ENV).is_ok_and(|url| !url.is_empty())
}

/// `opendvc-portal copy --from FROM`, without the test environment's database URL: a test names
/// the target with `--to` or `OPENDVC_DATABASE_URL`.
pub fn copy_command(from: &Path) -> Command {
    let mut command = Command::new(binary(PORTAL_BIN));
    command
        .arg("copy")
        .arg("--from")
        .arg(from)
        .env_remove("OPENDVC_DATABASE_URL");
    command
}

/// Name of the headless client binary.
pub const CLI_BIN: &str = "opendvc";

/// Environment variable naming the folder that holds the binaries, overriding the target
/// folder next to the running test executable.
pub const BIN_DIR_ENV: &str = "OPENDVC_BIN_DIR";

/// How long a portal may take to print its first line. Generous on purpose: the first start
/// seeds the demo data and hashes staff passwords on a busy 2-core machine.
const STARTUP_DEADLINE: Duration = Duration::from_secs(90);

/// How long a portal may take to exit after SIGTERM before it is killed.
const SHUTDOWN_DEADLINE: Duration = Duration::from_secs(15);

/// Longest time one HTTP request of a test may take before it fails rather than hangs.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// The folder the project's binaries are in: `$OPENDVC_BIN_DIR`, or the target folder of the
/// running test (`target/<profile>/deps/<test>` → `target/<profile>/`).
pub fn bin_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(BIN_DIR_ENV) {
        return PathBuf::from(dir);
    }
    let exe = std::env::current_exe().expect("the test executable has a path");
    let deps = exe
        .parent()
        .expect("the test executable is inside target/<profile>/deps");
    if deps.file_name().is_some_and(|name| name == "deps") {
        deps.parent()
            .expect("target/<profile>/deps has a parent")
            .to_path_buf()
    } else {
        deps.to_path_buf()
    }
}

/// The path of the binary `name`, which must have been built.
///
/// # Panics
/// When the binary is missing, with the command that builds it.
pub fn binary(name: &str) -> PathBuf {
    let path = bin_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if !path.is_file() {
        panic!(
            "{} not found: build the workspace first: cargo build --workspace \
             (or set {BIN_DIR_ENV} to the folder that holds the binaries)",
            path.display()
        );
    }
    path
}

/// The demo accounts, as printed by `opendvc-portal demo-accounts`.
pub fn demo_accounts() -> DemoAccounts {
    let output = Command::new(binary(PORTAL_BIN))
        .arg("demo-accounts")
        .output()
        .expect("opendvc-portal demo-accounts runs");
    assert!(
        output.status.success(),
        "opendvc-portal demo-accounts failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "opendvc-portal demo-accounts prints DemoAccounts JSON ({error}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// A fresh idempotency key, as the app makes them (UUIDv7).
pub fn new_idempotency_key() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// How to start a portal. `PortalOptions::default()` is a demo portal with default token
/// lifetimes.
#[derive(Debug, Clone)]
pub struct PortalOptions {
    /// Pass `--demo` (seed the demo data, serve `/v1/dev/messages`).
    pub demo: bool,
    /// Pass `--access-ttl SECONDS`: citizen access tokens expire after that long.
    pub access_ttl_seconds: Option<u32>,
    /// Pass `--demo-advance SECONDS`: demo applications move one step that often.
    pub demo_advance_seconds: Option<u32>,
    /// More arguments after the ones above.
    pub extra_args: Vec<String>,
    /// The program to run instead of `opendvc-portal` from [`bin_dir`] (another build, or a
    /// stand-in that speaks the same command line).
    pub binary: Option<PathBuf>,
    /// Changes to the shipped limits (`crates/portal/data/limits.json`), merged into them and
    /// passed as `--limits FILE`; `None` runs on the shipped limits.
    pub limits: Option<serde_json::Value>,
    /// A configuration file's text (`portal.toml`), written to the scratch folder and passed
    /// as `--config FILE`.
    pub config: Option<String>,
    /// Environment variables of the portal's process (the secrets a configuration names).
    pub env: Vec<(String, String)>,
    /// Run on an SQLite file even when `OPENDVC_TEST_DATABASE_URL` names a PostgreSQL server
    /// (the source of `opendvc-portal copy`).
    pub sqlite: bool,
    /// The PostgreSQL server (a URL of any database on it) to create the portal's database on
    /// instead of the one of `OPENDVC_TEST_DATABASE_URL`: a test's private cluster
    /// ([`postgres_cluster`]).
    pub database_server: Option<String>,
}

impl Default for PortalOptions {
    fn default() -> Self {
        PortalOptions {
            demo: true,
            access_ttl_seconds: None,
            demo_advance_seconds: None,
            extra_args: Vec::new(),
            binary: None,
            limits: None,
            config: None,
            env: Vec::new(),
            sqlite: false,
            database_server: None,
        }
    }
}

impl PortalOptions {
    /// A demo portal whose citizen access tokens live `seconds`.
    pub fn with_access_ttl(mut self, seconds: u32) -> Self {
        self.access_ttl_seconds = Some(seconds);
        self
    }

    /// A portal on an SQLite file, whatever `OPENDVC_TEST_DATABASE_URL` says.
    pub fn on_sqlite(mut self) -> Self {
        self.sqlite = true;
        self
    }

    /// A portal without `--demo`.
    pub fn without_demo(mut self) -> Self {
        self.demo = false;
        self
    }

    /// A portal whose limits are the shipped ones with `changes` merged in, e.g.
    /// `json!({"attachments": {"quotaBytesPerCitizen": 1024}})`.
    pub fn with_limits(mut self, changes: serde_json::Value) -> Self {
        let mut limits = self.limits.take().unwrap_or_else(shipped_limits);
        merge_json(&mut limits, changes);
        self.limits = Some(limits);
        self
    }

    /// A portal with the configuration file `toml` (`--config`).
    pub fn with_config(mut self, toml: &str) -> Self {
        self.config = Some(toml.to_owned());
        self
    }

    /// A portal whose process has the environment variable `name` set to `value`.
    pub fn with_env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// A portal whose database is created on the PostgreSQL server of `server_url` (a test's
    /// private cluster), whatever `OPENDVC_TEST_DATABASE_URL` says.
    pub fn on_database_server(mut self, server_url: &str) -> Self {
        self.database_server = Some(server_url.to_owned());
        self
    }

    /// A portal behind a load balancer at `proxy` (an address or a CIDR block): the client
    /// address of a request from there is read from `X-Forwarded-For`.
    pub fn with_trusted_proxy(mut self, proxy: &str) -> Self {
        self.extra_args
            .extend(["--trusted-proxy".to_owned(), proxy.to_owned()]);
        self
    }
}

/// The limits the portal ships with, `crates/portal/data/limits.json`.
pub fn shipped_limits() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/portal/data/limits.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()))
}

/// Merges `changes` into `target`: objects field by field, anything else replaced.
fn merge_json(target: &mut serde_json::Value, changes: serde_json::Value) {
    match (target, changes) {
        (serde_json::Value::Object(target), serde_json::Value::Object(changes)) => {
            for (key, value) in changes {
                merge_json(target.entry(key).or_insert(serde_json::Value::Null), value);
            }
        }
        (target, changes) => *target = changes,
    }
}

/// The log file shared by the threads that drain the portal's output.
type SharedLog = Arc<Mutex<File>>;

/// A running `opendvc-portal serve` process with its own scratch folder.
///
/// The folder (a [`tempfile::TempDir`]) holds the database `portal.db` and the log
/// `portal.log`, and is removed when the `Portal` is dropped. Dropping also stops the process
/// (SIGTERM, then SIGKILL after a deadline) and, if the thread is panicking (a failed test),
/// prints the log to standard error.
#[derive(Debug)]
pub struct Portal {
    dir: tempfile::TempDir,
    database: TestDatabase,
    options: PortalOptions,
    log: SharedLog,
    child: Option<Child>,
    drains: Vec<JoinHandle<()>>,
    addr: SocketAddr,
    demo_accounts: Option<DemoAccounts>,
}

impl Portal {
    /// Starts a portal on `127.0.0.1:0` with a new, empty database.
    ///
    /// # Panics
    /// When the binary is missing, or the portal does not print `listening on http://ADDR`
    /// as its first line within the startup deadline.
    pub fn start(options: PortalOptions) -> Portal {
        let dir = tempfile::Builder::new()
            .prefix("opendvc-portal-")
            .tempdir()
            .expect("a scratch folder for the portal");
        let log_file = File::create(dir.path().join("portal.log")).expect("the portal log file");
        let mut portal = Portal {
            dir,
            database: if options.sqlite {
                TestDatabase::Sqlite
            } else {
                TestDatabase::create(options.database_server.as_deref())
            },
            options,
            log: Arc::new(Mutex::new(log_file)),
            child: None,
            drains: Vec::new(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            demo_accounts: None,
        };
        portal.spawn();
        portal
    }

    /// Starts a second instance on this portal's PostgreSQL database, as a load balancer's
    /// second backend: its own process, port, scratch folder and log, the same data. The
    /// database stays this portal's: it is dropped with this portal, not with the second.
    ///
    /// # Panics
    /// When this portal runs on SQLite (one process per file): a test of several instances
    /// checks [`runs_on_postgres`] first and is skipped otherwise.
    pub fn start_beside(&self, options: PortalOptions) -> Portal {
        let database = match &self.database {
            TestDatabase::Postgres {
                server, name, url, ..
            } => TestDatabase::Postgres {
                server: server.clone(),
                name: name.clone(),
                url: url.clone(),
                // Not this instance's to drop.
                dropped: true,
            },
            TestDatabase::Sqlite => panic!(
                "a second instance needs PostgreSQL: set {TEST_DATABASE_URL_ENV} \
                 (cargo xtask test --only postgres)"
            ),
        };
        let dir = tempfile::Builder::new()
            .prefix("opendvc-portal-")
            .tempdir()
            .expect("a scratch folder for the portal");
        let log_file = File::create(dir.path().join("portal.log")).expect("the portal log file");
        let mut portal = Portal {
            dir,
            database,
            options,
            log: Arc::new(Mutex::new(log_file)),
            child: None,
            drains: Vec::new(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            demo_accounts: None,
        };
        portal.spawn();
        portal
    }

    /// The name of this portal's PostgreSQL database; `None` on SQLite.
    pub fn postgres_database(&self) -> Option<&str> {
        match &self.database {
            TestDatabase::Postgres { name, .. } => Some(name),
            TestDatabase::Sqlite => None,
        }
    }

    /// The URL of this portal's PostgreSQL database (with the password, if the server's URL
    /// has one: pass it in the environment, never on a command line); `None` on SQLite.
    pub fn postgres_url(&self) -> Option<&str> {
        match &self.database {
            TestDatabase::Postgres { url, .. } => Some(url),
            TestDatabase::Sqlite => None,
        }
    }

    /// Runs `statement` on the PostgreSQL server of this portal, connected to the server's
    /// own database (so it may alter or cut off the portal's: `ALTER DATABASE … WITH
    /// ALLOW_CONNECTIONS false`).
    ///
    /// # Panics
    /// On SQLite, or when the statement fails.
    pub fn on_database_server(&self, statement: &str) {
        let TestDatabase::Postgres { server, .. } = &self.database else {
            panic!("this portal runs on SQLite: no database server to talk to");
        };
        run_on_server(server, statement.to_owned())
            .unwrap_or_else(|error| panic!("{statement}: {error}"));
    }

    /// Runs a query answering one number (`SELECT count(*) FROM pg_stat_activity …`) on the
    /// PostgreSQL server of this portal, connected to the server's own database.
    ///
    /// # Panics
    /// On SQLite, or when the query fails or answers no number.
    pub fn number_on_database_server(&self, query: &str) -> i64 {
        let TestDatabase::Postgres { server, .. } = &self.database else {
            panic!("this portal runs on SQLite: no database server to talk to");
        };
        on_server(server, query.to_owned(), Answer::Number)
            .unwrap_or_else(|error| panic!("{query}: {error}"))
            .unwrap_or_else(|| panic!("{query}: no number in the answer"))
    }

    /// Starts the portal again on the same database and the same address after [`stop`] or
    /// [`kill`], so that clients and proxies pointed at it keep working. A portal that is
    /// still running is stopped first.
    ///
    /// [`stop`]: Portal::stop
    /// [`kill`]: Portal::kill
    pub fn start_again(&mut self) {
        if self.child.is_some() {
            self.stop();
        }
        self.spawn();
    }

    /// Stops the portal and starts it again on the same database and address with other
    /// options (e.g. without `--demo` after a demo start seeded the people).
    pub fn start_again_with(&mut self, options: PortalOptions) {
        if self.child.is_some() {
            self.stop();
        }
        self.options = options;
        self.spawn();
    }

    /// Stops the portal gracefully: SIGTERM, then SIGKILL if it has not exited within the
    /// shutdown deadline. Returns how it exited.
    pub fn stop(&mut self) -> ExitStatus {
        let mut child = self.child.take().expect("the portal is running");
        let status = terminate(&mut child);
        self.join_drains();
        self.note(&format!("harness: portal exited with {status}"));
        status
    }

    /// Kills the portal with SIGKILL, as a crash would.
    pub fn kill(&mut self) -> ExitStatus {
        let mut child = self.child.take().expect("the portal is running");
        child.kill().expect("SIGKILL reaches the portal");
        let status = child.wait().expect("the killed portal is reaped");
        self.join_drains();
        self.note(&format!("harness: portal killed, {status}"));
        status
    }

    /// The base URL, `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the portal listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The portal's SQLite file (unused when the portal runs on PostgreSQL: see
    /// [`Portal::officer_command`] for a command on its database either way).
    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("portal.db")
    }

    /// The portal's scratch folder (database and log).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Everything the portal printed so far, stdout and stderr interleaved by line.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("portal.log")).unwrap_or_default()
    }

    /// A client for this portal.
    pub fn api(&self) -> Api {
        Api::new(&self.url())
    }

    /// Runs `opendvc-portal officer --db <this portal's db> ARGS…` and returns its standard
    /// output. The portal may be running: the officer commands act on the database directly.
    ///
    /// # Panics
    /// When the command fails.
    pub fn officer(&self, args: &[&str]) -> String {
        let output = self.officer_output(args);
        assert!(
            output.status.success(),
            "opendvc-portal officer {args:?} failed ({}): {}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// `opendvc-portal officer` on this portal's database, SQLite or PostgreSQL; add the action.
    pub fn officer_command(&self) -> Command {
        let mut command = Command::new(binary(PORTAL_BIN));
        command.arg("officer");
        self.database.pass_to(&mut command, &self.db_path());
        command
    }

    /// Runs `opendvc-portal officer ARGS…` on this portal's database (SQLite or PostgreSQL)
    /// and returns how it ended, for a test of a move the officer command must refuse.
    pub fn officer_output(&self, args: &[&str]) -> std::process::Output {
        self.officer_command()
            .args(args)
            .output()
            .expect("opendvc-portal officer runs")
    }

    /// Runs `opendvc-portal notifications ARGS…` (the operators' view of the notification
    /// outbox) on this portal's database, SQLite or PostgreSQL, and returns how it ended.
    pub fn notifications_output(&self, args: &[&str]) -> std::process::Output {
        let mut command = Command::new(binary(PORTAL_BIN));
        command.arg("notifications");
        self.database.pass_to(&mut command, &self.db_path());
        command
            .args(args)
            .output()
            .expect("opendvc-portal notifications runs")
    }

    /// The demo accounts (read once from `opendvc-portal demo-accounts`).
    pub fn demo_accounts(&mut self) -> DemoAccounts {
        self.demo_accounts.get_or_insert_with(demo_accounts).clone()
    }

    /// The demo citizen with this ID number.
    pub fn demo_citizen(&mut self, id_number: &str) -> DemoCitizen {
        self.demo_accounts()
            .citizens
            .into_iter()
            .find(|citizen| citizen.id_number == id_number)
            .unwrap_or_else(|| panic!("{id_number} is not a demo citizen"))
    }

    /// Everything the demo portal "sent", oldest first (`GET /v1/dev/messages`).
    pub fn dev_messages(&self) -> Vec<DevMessage> {
        self.api()
            .get("/v1/dev/messages")
            .send()
            .expect_json(200, "the dev outbox lists what the portal sent")
    }

    /// How many one-time-code SMS the portal sent to `phone`.
    pub fn codes_sent_to(&self, phone: &str) -> usize {
        self.dev_messages()
            .iter()
            .filter(|message| message.channel == "sms" && same_phone(&message.to, phone))
            .filter(|message| sign_in_code(&message.body).is_some())
            .count()
    }

    /// The sign-in code in the newest one-time-code SMS the portal sent to `phone`; other SMS
    /// (an application's received notice, with its code and date, may arrive later) are passed.
    ///
    /// # Panics
    /// When no one-time-code SMS went to that phone.
    ///
    /// The outbox's worker may have taken the message before the request's own first attempt
    /// could (it is woken by any write, the daily renewal notices among them), so the dev
    /// outbox is read again in short steps for a few seconds.
    pub fn latest_code_sent_to(&self, phone: &str) -> String {
        let start = Instant::now();
        loop {
            let messages = self.dev_messages();
            let code = messages
                .iter()
                .rev()
                .filter(|message| message.channel == "sms" && same_phone(&message.to, phone))
                .find_map(|message| sign_in_code(&message.body));
            match code {
                Some(code) => return code,
                None if start.elapsed() < Duration::from_secs(10) => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                None => panic!("no one-time-code SMS to {phone} in the dev outbox: {messages:?}"),
            }
        }
    }

    /// Signs a demo citizen in: `POST /v1/auth/otp`, the code from the dev outbox,
    /// `POST /v1/auth/token`.
    pub fn sign_in_citizen(&mut self, id_number: &str) -> TokenResponse {
        let citizen = self.demo_citizen(id_number);
        let api = self.api();
        let ask = || {
            api.post("/v1/auth/otp")
                .json(&OtpRequest {
                    id_number: id_number.to_owned(),
                })
                .send()
        };
        // The new code is the one after those sent before (a code sent earlier may still be
        // the newest in the dev outbox when the answer comes).
        let codes_before = self.codes_sent_to(&citizen.phone);
        let mut accepted = ask();
        // Codes are rate-limited per ID number; a test that signs one citizen in many times
        // moves the portal's clock past the window the portal names, a bounded number of times.
        for _ in 0..3 {
            if accepted.status != 429 {
                break;
            }
            self.advance_clock(retry_after_seconds(&accepted));
            accepted = ask();
        }
        accepted.expect_status(202, "asking for a one-time code is accepted");
        let start = Instant::now();
        while self.codes_sent_to(&citizen.phone) <= codes_before
            && start.elapsed() < Duration::from_secs(10)
        {
            std::thread::sleep(Duration::from_millis(50));
        }
        let otp = self.latest_code_sent_to(&citizen.phone);
        api.post("/v1/auth/token")
            .json(&TokenRequest {
                id_number: id_number.to_owned(),
                otp,
            })
            .send()
            .expect_json(
                200,
                "the one-time code from the outbox signs the citizen in",
            )
    }

    /// Signs a staff member (agent, volunteer or officer) in with `POST /v1/auth/staff-token`.
    pub fn staff_token(&self, code: &str, password: &str) -> StaffTokenResponse {
        self.api()
            .post("/v1/auth/staff-token")
            .json(&StaffTokenRequest {
                code: code.to_owned(),
                password: password.to_owned(),
            })
            .send()
            .expect_json(200, "demo staff credentials sign in")
    }

    /// Moves the demo portal's clock forward by `seconds` (`POST /v1/dev/clock`), so a test of
    /// a window of hours or days moves time instead of sleeping. Returns the portal's new now.
    pub fn advance_clock(&self, seconds: i64) -> chrono::DateTime<chrono::FixedOffset> {
        self.api()
            .post("/v1/dev/clock")
            .json(&opendvc_api::DevClockAdvance {
                advance_seconds: seconds,
            })
            .send()
            .expect_json::<opendvc_api::DevClock>(200, "the demo portal's clock moves forward")
            .now
    }

    /// The process id of the running portal, if it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    fn spawn(&mut self) {
        let program = match &self.options.binary {
            Some(path) => path.clone(),
            None => binary(PORTAL_BIN),
        };
        let mut command = Command::new(program);
        command.arg("serve");
        self.database.pass_to(&mut command, &self.db_path());
        command.arg("--listen").arg(self.addr.to_string());
        if self.options.demo {
            command.arg("--demo");
        }
        if let Some(seconds) = self.options.access_ttl_seconds {
            command.arg("--access-ttl").arg(seconds.to_string());
        }
        if let Some(seconds) = self.options.demo_advance_seconds {
            command.arg("--demo-advance").arg(seconds.to_string());
        }
        if let Some(limits) = &self.options.limits {
            let path = self.dir.path().join("limits.json");
            std::fs::write(
                &path,
                serde_json::to_vec_pretty(limits).expect("limits serialise"),
            )
            .expect("write the limits file");
            command.arg("--limits").arg(path);
        }
        if let Some(config) = &self.options.config {
            let path = self.dir.path().join("portal.toml");
            std::fs::write(&path, config).expect("write the configuration file");
            command.arg("--config").arg(path);
        }
        command
            .envs(self.options.env.iter().map(|(name, value)| (name, value)))
            .args(&self.options.extra_args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        self.note(&format!("harness: starting {command:?}"));
        let mut child = command.spawn().expect("opendvc-portal starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");

        let (first_line_tx, first_line_rx) = mpsc::channel::<String>();
        let log = Arc::clone(&self.log);
        self.drains.push(std::thread::spawn(move || {
            let mut first_line = Some(first_line_tx);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                append(&log, &line);
                if let Some(sender) = first_line.take() {
                    // The receiver is gone only when the harness gave up waiting.
                    let _ = sender.send(line);
                }
            }
        }));
        let log = Arc::clone(&self.log);
        self.drains.push(std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                append(&log, &format!("stderr: {line}"));
            }
        }));

        let first_line = match first_line_rx.recv_timeout(STARTUP_DEADLINE) {
            Ok(line) => line,
            Err(_) => {
                let status = terminate(&mut child);
                self.join_drains();
                panic!(
                    "the portal exited or did not print its first line within \
                     {STARTUP_DEADLINE:?} ({status}); log:\n{}",
                    self.log_text()
                );
            }
        };
        self.child = Some(child);
        let addr = first_line
            .strip_prefix("listening on http://")
            .and_then(|addr| addr.trim().parse::<SocketAddr>().ok())
            .unwrap_or_else(|| {
                panic!(
                    "the portal's first line is `listening on http://ADDR`, got {first_line:?}; \
                     log:\n{}",
                    self.log_text()
                )
            });
        self.addr = addr;
    }

    fn join_drains(&mut self) {
        for drain in self.drains.drain(..) {
            // A drain thread only ends with the process's pipes; a panic in it has nothing to
            // report beyond the log it already wrote.
            let _ = drain.join();
        }
    }

    fn note(&self, line: &str) {
        append(&self.log, line);
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            terminate(&mut child);
            self.join_drains();
        }
        self.database.drop_database();
        if std::thread::panicking() {
            eprintln!(
                "----- portal log ({}) -----\n{}----- end of portal log -----",
                self.dir.path().display(),
                self.log_text()
            );
        }
    }
}

/// Where a test portal keeps its data.
#[derive(Debug)]
enum TestDatabase {
    /// `portal.db` in the portal's scratch folder.
    Sqlite,
    /// A database of its own on the server of `OPENDVC_TEST_DATABASE_URL`.
    Postgres {
        /// The server's URL, as given.
        server: String,
        name: String,
        /// The database's URL, given to the portal in `OPENDVC_DATABASE_URL` (where a
        /// password may be; the portal refuses one in `--db`).
        url: String,
        dropped: bool,
    },
}

impl TestDatabase {
    /// A fresh PostgreSQL database on `server`, else on the server the environment names;
    /// SQLite when neither is given.
    fn create(server: Option<&str>) -> TestDatabase {
        let Some(server) = server.map(str::to_owned).or_else(|| {
            std::env::var(TEST_DATABASE_URL_ENV)
                .ok()
                .filter(|url| !url.is_empty())
        }) else {
            return TestDatabase::Sqlite;
        };
        let name = format!("opendvc_test_{}", uuid::Uuid::new_v4().simple());
        let mut url = reqwest::Url::parse(&server).unwrap_or_else(|error| {
            panic!("{TEST_DATABASE_URL_ENV} is not a postgres:// URL: {error}")
        });
        url.set_path(&format!("/{name}"));
        run_on_server(&server, format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|error| panic!("creating the test database {name}: {error}"));
        TestDatabase::Postgres {
            server,
            name,
            url: url.to_string(),
            dropped: false,
        }
    }

    /// Points a portal command (`serve`, `officer`) at this database.
    fn pass_to(&self, command: &mut Command, sqlite_file: &Path) {
        match self {
            TestDatabase::Sqlite => {
                command
                    .arg("--db")
                    .arg(sqlite_file)
                    .env_remove("OPENDVC_DATABASE_URL");
            }
            TestDatabase::Postgres { url, .. } => {
                command.env("OPENDVC_DATABASE_URL", url);
            }
        }
    }

    /// Drops the PostgreSQL database, closing the connections a killed portal left.
    fn drop_database(&mut self) {
        if let TestDatabase::Postgres {
            server,
            name,
            dropped,
            ..
        } = self
            && !*dropped
        {
            *dropped = true;
            if let Err(error) = run_on_server(server, format!("DROP DATABASE {name} WITH (FORCE)"))
            {
                eprintln!("the test database {name} was left behind: {error}");
            }
        }
    }
}

/// Runs one statement on the server of `server_url`.
fn run_on_server(server_url: &str, statement: String) -> Result<(), String> {
    on_server(server_url, statement, Answer::Nothing).map(|_| ())
}

/// What [`on_server`] reads back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Nothing,
    /// The first column of the first row, a 64-bit integer.
    Number,
}

/// Runs one statement on the server of `server_url`, on a thread of its own with a small
/// runtime (the harness is blocking, and may be dropped inside a test's runtime).
fn on_server(server_url: &str, statement: String, answer: Answer) -> Result<Option<i64>, String> {
    use sqlx::Connection;
    let server_url = server_url.to_owned();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| error.to_string())?;
        runtime.block_on(async {
            let mut connection = sqlx::PgConnection::connect(&server_url)
                .await
                .map_err(|error| format!("connecting to {TEST_DATABASE_URL_ENV}: {error}"))?;
            let number = match answer {
                Answer::Nothing => {
                    sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
                        .execute(&mut connection)
                        .await
                        .map_err(|error| error.to_string())?;
                    None
                }
                Answer::Number => Some(
                    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(statement))
                        .fetch_one(&mut connection)
                        .await
                        .map_err(|error| error.to_string())?,
                ),
            };
            connection
                .close()
                .await
                .map_err(|error| error.to_string())?;
            Ok(number)
        })
    })
    .join()
    .map_err(|_| "the database thread panicked".to_owned())?
}

/// SIGTERM, wait for the shutdown deadline, then SIGKILL.
fn terminate(child: &mut Child) -> ExitStatus {
    if let Ok(Some(status)) = child.try_wait() {
        return status;
    }
    let pid =
        nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("process ids fit in a pid_t"));
    // The process may have exited between try_wait and kill; wait() below reports that.
    let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
    let deadline = Instant::now() + SHUTDOWN_DEADLINE;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return status;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    child.wait().expect("the portal is reaped")
}

fn append(log: &SharedLog, line: &str) {
    // A poisoned lock means another drain thread panicked mid-write; the log is still usable.
    let mut file = log.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    // The log is a diagnostic aid: a failed write must not fail the test itself.
    let _ = writeln!(file, "{line}");
}

/// The seconds a refusal's `Retry-After` names (at least 1, and 1 when it names none).
pub fn retry_after_seconds(reply: &Reply) -> i64 {
    reply
        .header("retry-after")
        .and_then(|value| value.trim().parse::<i64>().ok())
        .unwrap_or(1)
        .max(1)
}

/// Whether two phone numbers are the same line, whether written `+84…` or `0…`: the same once
/// the shared rules keep them (`+84…`), or the same text where they are no Vietnamese number.
pub fn same_phone(a: &str, b: &str) -> bool {
    match (
        opendvc_rules::fields::phone(a),
        opendvc_rules::fields::phone(b),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => a.trim() == b.trim(),
    }
}

/// The code in `text` when it is one of the portal's one-time-code SMS (`otp-sms`, the sign-in
/// code, or `consent-sms`, the code a citizen reads to staff; `locales/*/portal.ftl`, in any
/// language): the message's own wording around its arguments, in order, and one six-digit code.
pub fn sign_in_code(text: &str) -> Option<String> {
    static SHAPES: std::sync::OnceLock<Vec<Vec<String>>> = std::sync::OnceLock::new();
    let shapes = SHAPES.get_or_init(|| {
        const MARK: &str = "\u{1}";
        let Ok(texts) =
            opendvc_i18n::Texts::new(&opendvc_i18n::PORTAL_SOURCES, &["otp-sms", "consent-sms"])
        else {
            return Vec::new();
        };
        let args: Vec<(&str, String)> = ["code", "minutes", "staff", "venue"]
            .into_iter()
            .map(|name| (name, MARK.to_owned()))
            .collect();
        ["vi", "en", "id"]
            .into_iter()
            .flat_map(|language| {
                ["otp-sms", "consent-sms"].map(|id| {
                    texts
                        .text(language, id, &args)
                        .split(MARK)
                        .map(str::to_owned)
                        .collect()
                })
            })
            .collect()
    });
    let has_shape = |pieces: &Vec<String>| {
        let Some((first, rest)) = pieces.split_first() else {
            return false;
        };
        let Some(mut tail) = text.strip_prefix(first.as_str()) else {
            return false;
        };
        for piece in rest {
            match tail.find(piece.as_str()) {
                Some(at) => tail = &tail[at + piece.len()..],
                None => return false,
            }
        }
        true
    };
    if shapes.iter().any(has_shape) {
        six_digit_code(text)
    } else {
        None
    }
}

/// The only word of exactly six digits in `text` (punctuation around it aside). A six-digit
/// run inside a longer word, such as the date in an application code
/// (`000.00.48.H17-261129-0001`), is not a code to type.
pub fn six_digit_code(text: &str) -> Option<String> {
    let codes: Vec<&str> = text
        .split_whitespace()
        .map(|word| word.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|word| word.len() == 6 && word.chars().all(|c| c.is_ascii_digit()))
        .collect();
    match codes.as_slice() {
        [code] => Some((*code).to_owned()),
        _ => None,
    }
}

/// A blocking HTTP client bound to one base URL.
#[derive(Debug, Clone)]
pub struct Api {
    base: String,
    client: reqwest::blocking::Client,
}

impl Api {
    /// A client for `base` (`http://127.0.0.1:PORT`).
    pub fn new(base: &str) -> Api {
        // No proxy from the environment: tests talk to loopback only, directly.
        let client = reqwest::blocking::Client::builder()
            .no_proxy()
            .timeout(REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client");
        Api {
            base: base.trim_end_matches('/').to_owned(),
            client,
        }
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// A request with any method to `path` (starting with `/`, may carry a query).
    pub fn request(&self, method: &str, path: &str) -> Call {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a valid method");
        Call {
            builder: self
                .client
                .request(method.clone(), format!("{}{path}", self.base)),
            description: format!("{method} {path}"),
        }
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> Call {
        self.request("GET", path)
    }

    /// `POST path`.
    pub fn post(&self, path: &str) -> Call {
        self.request("POST", path)
    }

    /// `PUT path`.
    pub fn put(&self, path: &str) -> Call {
        self.request("PUT", path)
    }

    /// `DELETE path`.
    pub fn delete(&self, path: &str) -> Call {
        self.request("DELETE", path)
    }
}

/// A request being built; [`Call::send`] sends it.
#[derive(Debug)]
pub struct Call {
    builder: reqwest::blocking::RequestBuilder,
    description: String,
}

impl Call {
    /// `Authorization: Bearer TOKEN`.
    pub fn bearer(self, token: &str) -> Call {
        self.map(|builder| builder.bearer_auth(token))
    }

    /// `Idempotency-Key: KEY`.
    pub fn idempotency_key(self, key: &str) -> Call {
        self.header(opendvc_api::IDEMPOTENCY_KEY_HEADER, key)
    }

    /// A fresh `Idempotency-Key`.
    pub fn fresh_idempotency_key(self) -> Call {
        self.idempotency_key(&new_idempotency_key())
    }

    /// Any header.
    pub fn header(self, name: &str, value: &str) -> Call {
        self.map(|builder| builder.header(name, value))
    }

    /// A JSON body from a serialisable value.
    pub fn json<T: Serialize + ?Sized>(self, body: &T) -> Call {
        self.map(|builder| builder.json(body))
    }

    /// A raw body with its `Content-Type` (for malformed JSON, wrong types, uploads).
    pub fn body(self, bytes: impl Into<Vec<u8>>, content_type: &str) -> Call {
        let bytes = bytes.into();
        self.map(|builder| builder.header("Content-Type", content_type).body(bytes))
    }

    /// A body of `size` bytes streamed from `reader`, with its `Content-Type` (a large upload,
    /// or one over a slow link).
    pub fn body_reader(
        self,
        reader: impl std::io::Read + Send + 'static,
        size: u64,
        content_type: &str,
    ) -> Call {
        self.map(|builder| {
            builder
                .header("Content-Type", content_type)
                .body(reqwest::blocking::Body::sized(reader, size))
        })
    }

    /// Sends the request and reads the whole answer.
    ///
    /// # Panics
    /// When no answer comes (connection refused, reset, timeout); use [`Call::try_send`] to
    /// see those as errors.
    pub fn send(self) -> Reply {
        let description = self.description.clone();
        self.try_send()
            .unwrap_or_else(|error| panic!("{description}: no answer: {error:?}"))
    }

    /// Sends the request; a transport failure is an `Err`.
    pub fn try_send(self) -> Result<Reply, reqwest::Error> {
        let response = self.builder.send()?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes()?.to_vec();
        Ok(Reply {
            request: self.description,
            status,
            headers,
            body,
        })
    }

    fn map(
        self,
        change: impl FnOnce(reqwest::blocking::RequestBuilder) -> reqwest::blocking::RequestBuilder,
    ) -> Call {
        Call {
            builder: change(self.builder),
            description: self.description,
        }
    }
}

/// An HTTP answer: status, headers and the whole body.
#[derive(Debug, Clone)]
pub struct Reply {
    /// `METHOD /path` of the request, for assertion messages.
    pub request: String,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = HeaderName::from_bytes(name.as_bytes()).expect("a valid header name");
        self.headers
            .get(name)
            .and_then(|value: &HeaderValue| value.to_str().ok())
    }

    /// The media type of the body, without parameters.
    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type")
            .and_then(|value| value.split(';').next())
            .map(str::trim)
    }

    /// The body as text (lossy), for messages.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as `T`.
    ///
    /// # Panics
    /// When it does not parse, with the body in the message.
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "{} answered {} with a body that is not the expected JSON ({error}): {}",
                self.request,
                self.status,
                self.text()
            )
        })
    }

    /// Asserts the status; `why` names the promise being checked.
    pub fn expect_status(&self, status: u16, why: &str) -> &Reply {
        assert_eq!(
            self.status,
            status,
            "{why}: {} answered {} (expected {status}): {}",
            self.request,
            self.status,
            self.text()
        );
        self
    }

    /// Asserts the status and parses the body as `T`.
    pub fn expect_json<T: DeserializeOwned>(&self, status: u16, why: &str) -> T {
        self.expect_status(status, why);
        self.json()
    }

    /// Asserts that this is an `application/problem+json` answer with `status` and `code`
    /// (the wire form, e.g. `idempotency_key_reused`), and returns the problem.
    pub fn expect_problem(&self, status: u16, code: &str, why: &str) -> Problem {
        let problem = self.problem(why);
        assert_eq!(
            (self.status, problem.code.as_str()),
            (status, code),
            "{why}: {} answered {} {}; expected {status} {code}: {}",
            self.request,
            self.status,
            problem.code,
            self.text()
        );
        problem
    }

    /// Asserts that this is a problem document (any 4xx/5xx with `application/problem+json`,
    /// a `code`, and `status` equal to the HTTP status) and returns it.
    pub fn problem(&self, why: &str) -> Problem {
        assert!(
            self.status >= 400,
            "{why}: {} answered {}, not an error: {}",
            self.request,
            self.status,
            self.text()
        );
        assert_eq!(
            self.content_type(),
            Some(PROBLEM_CONTENT_TYPE),
            "{why}: {} answered {} without application/problem+json: {}",
            self.request,
            self.status,
            self.text()
        );
        let raw: serde_json::Value = self.json();
        assert!(
            raw.get("code")
                .and_then(serde_json::Value::as_str)
                .is_some(),
            "{why}: the problem document of {} has a string `code`: {}",
            self.request,
            self.text()
        );
        let problem: Problem = self.json();
        assert_eq!(
            problem.status, self.status,
            "{why}: the problem's `status` member equals the HTTP status of {}",
            self.request
        );
        assert_eq!(
            problem.problem_type,
            format!("https://opendvc.org/problems/{}", problem.code),
            "{why}: the problem's `type` names its code ({})",
            self.request
        );
        assert!(
            !problem.title.is_empty(),
            "{why}: the problem of {} has a title",
            self.request
        );
        problem
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_in_code_is_read_only_from_the_one_time_code_text() {
        assert_eq!(
            sign_in_code(
                "OpenDVC: your sign-in code is 123456, valid for 5 minutes. Do not share it with anyone."
            ),
            Some("123456".to_owned()),
            "the English one-time-code SMS gives its code"
        );
        assert_eq!(
            sign_in_code(
                "OpenDVC: mã đăng nhập của bạn là 654321, có hiệu lực 5 phút. Không chia sẻ mã này cho ai."
            ),
            Some("654321".to_owned()),
            "the Vietnamese one-time-code SMS gives its code"
        );
        assert_eq!(
            sign_in_code(
                "OpenDVC: hồ sơ Cấp đổi của bạn đã được tiếp nhận. Mã hồ sơ 000.00.48.H17-261129-0001, hẹn trả kết quả ngày 18/12/2026. Tra cứu: http://127.0.0.1:1/s/123456"
            ),
            None,
            "a received notice is no sign-in code, whatever six digits it holds"
        );
        assert_eq!(
            sign_in_code(
                "OpenDVC: NV-01 (Bưu điện Hải Châu) asks to help you submit an application. If you agree, read the code 112233 to them. Valid for 5 minutes."
            ),
            Some("112233".to_owned()),
            "the consent code a citizen reads to staff is a one-time code too"
        );
    }

    #[test]
    fn six_digit_code_is_found_only_when_it_is_the_only_run() {
        assert_eq!(
            six_digit_code("Ma OTP OpenDVC: 123456. Het han sau 5 phut."),
            Some("123456".to_owned())
        );
        assert_eq!(
            six_digit_code("code 1234567"),
            None,
            "seven digits are no code"
        );
        assert_eq!(
            six_digit_code("123456 and 654321"),
            None,
            "two codes are ambiguous"
        );
        assert_eq!(six_digit_code("no code"), None);
        assert_eq!(
            six_digit_code("OpenDVC: ma ho so 000.00.48.H17-261129-0001, hen tra 09/12/2026."),
            None,
            "the date inside an application code is no code to type"
        );
    }

    #[test]
    fn phone_numbers_match_across_national_and_international_forms() {
        assert!(same_phone("+84905123456", "0905123456"));
        assert!(same_phone("+84 905 123 456", "+84905123456"));
        assert!(!same_phone("+84905123456", "+84905123457"));
    }

    /// A stand-in for `opendvc-portal serve`: the same first line, an HTTP server on the
    /// address it was given, a line on stderr, and an orderly exit on SIGTERM.
    const FAKE_PORTAL: &str = r#"#!/usr/bin/env python3
import http.server, signal, sys, threading
listen = sys.argv[sys.argv.index("--listen") + 1]
host, port = listen.rsplit(":", 1)

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'{"path": "%s"}' % self.path.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer((host, int(port)), Handler)
print("listening on http://%s:%d" % (host, server.server_address[1]), flush=True)
print("fake portal started with " + " ".join(sys.argv[1:]), file=sys.stderr, flush=True)

def stop(*_):
    print("fake portal stopping on SIGTERM", flush=True)
    threading.Thread(target=server.shutdown).start()

signal.signal(signal.SIGTERM, stop)
server.serve_forever()
"#;

    fn fake_portal(dir: &Path) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join("fake-portal");
        std::fs::write(&path, FAKE_PORTAL).expect("write the fake portal");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .expect("make the fake portal executable");
        path
    }

    #[test]
    fn portal_lifecycle_start_log_stop_restart_and_drop() {
        let scripts = tempfile::tempdir().expect("a folder for the fake portal");
        let options = PortalOptions {
            binary: Some(fake_portal(scripts.path())),
            ..PortalOptions::default().with_access_ttl(7)
        };
        let mut portal = Portal::start(options);
        assert!(
            portal.addr().port() != 0,
            "the real port is read from the first line"
        );
        let reply = portal.api().get("/healthz").send();
        assert_eq!(reply.json::<serde_json::Value>()["path"], "/healthz");

        let first_addr = portal.addr();
        let status = portal.stop();
        assert!(
            status.success(),
            "SIGTERM lets the portal exit cleanly: {status}"
        );
        assert!(
            portal.api().get("/").try_send().is_err(),
            "nothing listens after stop"
        );

        portal.start_again();
        assert_eq!(portal.addr(), first_addr, "a restart keeps the address");
        portal
            .api()
            .get("/")
            .send()
            .expect_status(200, "the restarted portal answers");

        let log = portal.log_text();
        assert!(
            log.contains("--access-ttl 7") && log.contains("--demo"),
            "the options reach the command line: {log}"
        );
        assert!(
            log.contains(&format!("--db {}", portal.db_path().display())),
            "the database is in the scratch folder: {log}"
        );
        assert!(
            log.contains("stderr: fake portal started"),
            "stderr is logged: {log}"
        );
        assert!(
            log.contains("fake portal stopping on SIGTERM"),
            "stdout is logged: {log}"
        );

        let killed = portal.kill();
        assert!(!killed.success(), "SIGKILL is no clean exit: {killed}");
        portal.start_again();
        portal
            .api()
            .get("/")
            .send()
            .expect_status(200, "a killed portal starts again");

        let pid = portal.pid().expect("running");
        let dir = portal.dir().to_path_buf();
        drop(portal);
        assert!(
            !Path::new(&format!("/proc/{pid}")).exists(),
            "dropping the portal ends its process"
        );
        assert!(
            !dir.exists(),
            "dropping the portal removes its scratch folder"
        );
    }
}
