//! Starting and stopping the reference portal (`opendvc-portal serve`).
//!
//! The portal prints `listening on http://ADDR` as its first stdout line; with
//! `--listen 127.0.0.1:0` that line is the only way to learn the port. It shuts down
//! gracefully on SIGTERM, so that is how it is stopped.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

/// How long a starting portal may take to print its first line (it migrates and seeds the
/// database first, on a machine that may be busy compiling).
const START_DEADLINE: Duration = Duration::from_secs(60);

/// How long a portal may take to finish its requests after SIGTERM before it is killed.
const STOP_DEADLINE: Duration = Duration::from_secs(20);

/// The prefix of the portal's first stdout line.
const LISTENING_PREFIX: &str = "listening on ";

/// Where the portal's own output goes.
#[derive(Debug, Clone)]
pub enum PortalOutput {
    /// The terminal (`cargo xtask run`).
    Terminal,
    /// A log file, so that tests and benchmarks stay readable; shown when starting fails.
    LogFile(PathBuf),
}

/// How to start a portal.
#[derive(Debug, Clone)]
pub struct PortalOptions {
    pub binary: PathBuf,
    /// An SQLite file, or a `postgres://` URL (`serve --db` takes either).
    pub db: PathBuf,
    pub listen: String,
    pub demo: bool,
    pub demo_advance_seconds: Option<u32>,
    /// `--demo-history`: a few thousand applications over the past 90 days (with `demo`).
    pub demo_history: bool,
    /// `--demo-send-in-background`: answers do not wait for the first attempt at the
    /// notifications they caused (with `demo`), as on a city's portal. For the benchmarks.
    pub demo_send_in_background: bool,
    pub output: PortalOutput,
}

/// A running portal process; dropping it stops the portal.
#[derive(Debug)]
pub struct Portal {
    child: Child,
    /// `http://ADDR`, without a trailing slash.
    pub url: String,
    output: PortalOutput,
    stopped: bool,
}

impl Portal {
    pub fn start(options: &PortalOptions) -> Result<Portal> {
        if !options.binary.exists() {
            bail!(
                "{} does not exist: build it first (cargo build -p opendvc-portal)",
                options.binary.display()
            );
        }
        let mut command = Command::new(&options.binary);
        command
            .arg("serve")
            .arg("--db")
            .arg(&options.db)
            .arg("--listen")
            .arg(&options.listen)
            .stdin(Stdio::null())
            .stdout(Stdio::piped());
        if options.demo {
            command.arg("--demo");
        }
        if options.demo_history {
            command.arg("--demo-history");
        }
        if options.demo_send_in_background {
            command.arg("--demo-send-in-background");
        }
        if let Some(seconds) = options.demo_advance_seconds {
            command.arg("--demo-advance").arg(seconds.to_string());
        }
        let mut rest_of_stdout: Box<dyn Write + Send> = match &options.output {
            PortalOutput::Terminal => {
                command.stderr(Stdio::inherit());
                Box::new(io::stdout())
            }
            PortalOutput::LogFile(path) => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                let log = File::create(path)
                    .with_context(|| format!("could not create {}", path.display()))?;
                command.stderr(Stdio::from(log.try_clone()?));
                Box::new(log)
            }
        };
        println!(
            "$ {} serve --db {} --listen {}{}{}{}",
            options.binary.display(),
            options.db.display(),
            options.listen,
            if options.demo { " --demo" } else { "" },
            if options.demo_history {
                " --demo-history"
            } else {
                ""
            },
            options
                .demo_advance_seconds
                .map(|seconds| format!(" --demo-advance {seconds}"))
                .unwrap_or_default(),
        );
        let mut child = command
            .spawn()
            .with_context(|| format!("could not start {}", options.binary.display()))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow!("the portal's stdout was not captured"))?;

        // A thread reads the first line for us and then keeps draining stdout, so the portal
        // never blocks on a full pipe.
        let (first_line_sender, first_line_receiver) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut first_line = String::new();
            let read = reader.read_line(&mut first_line);
            let ended = matches!(read, Ok(0) | Err(_));
            first_line_sender.send(read.map(|_| first_line)).ok();
            if !ended {
                let mut buffer = [0_u8; 8192];
                while let Ok(count) = reader.read(&mut buffer) {
                    if count == 0 || rest_of_stdout.write_all(&buffer[..count]).is_err() {
                        break;
                    }
                    rest_of_stdout.flush().ok();
                }
            }
        });

        let mut portal = Portal {
            child,
            url: String::new(),
            output: options.output.clone(),
            stopped: false,
        };
        let first_line = match first_line_receiver.recv_timeout(START_DEADLINE) {
            Ok(Ok(line)) if !line.is_empty() => line,
            Ok(Ok(_)) => return Err(portal.startup_failure("exited before printing its address")),
            Ok(Err(error)) => {
                return Err(portal.startup_failure(&format!("its stdout failed: {error}")));
            }
            Err(_) => {
                return Err(portal.startup_failure(&format!(
                    "printed no address within {} s",
                    START_DEADLINE.as_secs()
                )));
            }
        };
        portal.url = match parse_listening_line(&first_line) {
            Ok(url) => url,
            Err(error) => return Err(portal.startup_failure(&format!("{error:#}"))),
        };
        Ok(portal)
    }

    /// Stops the portal and explains why it did not start, with the end of its log.
    fn startup_failure(&mut self, what: &str) -> anyhow::Error {
        self.terminate();
        let log = match &self.output {
            PortalOutput::LogFile(path) => format!(
                "\nlast lines of {}:\n{}",
                path.display(),
                last_lines(path, 20)
            ),
            PortalOutput::Terminal => String::new(),
        };
        anyhow!("the portal did not start: it {what}{log}")
    }

    /// The process id, for signals.
    fn pid(&self) -> Option<Pid> {
        i32::try_from(self.child.id()).ok().map(Pid::from_raw)
    }

    /// Sends SIGTERM and waits for the graceful shutdown; kills the portal if it hangs.
    fn terminate(&mut self) -> Option<ExitStatus> {
        if self.stopped {
            return None;
        }
        self.stopped = true;
        if let Ok(Some(status)) = self.child.try_wait() {
            return Some(status);
        }
        if let Some(pid) = self.pid() {
            kill(pid, Signal::SIGTERM).ok();
        }
        let deadline = Instant::now() + STOP_DEADLINE;
        while Instant::now() < deadline {
            match self.child.try_wait() {
                Ok(Some(status)) => return Some(status),
                Ok(None) => thread::sleep(Duration::from_millis(50)),
                Err(_) => break,
            }
        }
        eprintln!(
            "xtask: the portal did not stop within {} s of SIGTERM; killing it",
            STOP_DEADLINE.as_secs()
        );
        self.child.kill().ok();
        self.child.wait().ok()
    }

    /// Stops the portal with SIGTERM; fails if it did not shut down cleanly.
    pub fn stop(mut self) -> Result<()> {
        match self.terminate() {
            Some(status) if status.success() => Ok(()),
            Some(status) => bail!("the portal did not shut down cleanly after SIGTERM ({status})"),
            None => bail!("the portal was already stopped"),
        }
    }

    /// Asks the portal to shut down, without waiting (used from a Ctrl-C handler).
    pub fn request_shutdown(pid: u32) {
        if let Ok(pid) = i32::try_from(pid) {
            kill(Pid::from_raw(pid), Signal::SIGTERM).ok();
        }
    }

    pub fn process_id(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        self.terminate();
    }
}

/// Reads the base URL from the portal's first line, `listening on http://ADDR`.
pub fn parse_listening_line(line: &str) -> Result<String> {
    let line = line.trim_end_matches(['\r', '\n']);
    let address = line
        .strip_prefix(LISTENING_PREFIX)
        .and_then(|rest| rest.strip_prefix("http://"))
        .ok_or_else(|| {
            anyhow!("its first line was {line:?}, not \"{LISTENING_PREFIX}http://ADDR\"")
        })?;
    let socket: SocketAddr = address
        .parse()
        .with_context(|| format!("its first line names {address:?}, not a socket address"))?;
    if socket.port() == 0 {
        bail!("its first line names port 0, not the port it bound");
    }
    Ok(format!("http://{socket}"))
}

/// The last `count` lines of a text file, for error messages.
fn last_lines(path: &Path, count: usize) -> String {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(count)..].join("\n")
        }
        Err(error) => format!("(unreadable: {error})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in for `opendvc-portal`: a shell script that behaves as `body` says.
    fn fake_portal(name: &str, body: &str) -> (PathBuf, PathBuf) {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("xtask-portal-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let script = dir.join("opendvc-portal");
        std::fs::write(&script, format!("#!/bin/sh\n{body}\n")).expect("script written");
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
            .expect("script made executable");
        (dir, script)
    }

    fn options(dir: &Path, script: PathBuf) -> PortalOptions {
        PortalOptions {
            binary: script,
            db: dir.join("portal.db"),
            listen: "127.0.0.1:0".to_owned(),
            demo: true,
            demo_advance_seconds: None,
            demo_history: false,
            demo_send_in_background: false,
            output: PortalOutput::LogFile(dir.join("portal.log")),
        }
    }

    #[test]
    fn started_portal_gives_its_url_and_stops_on_sigterm() {
        // The script records that it got SIGTERM, so the test sees a graceful stop, not a kill.
        let (dir, script) = fake_portal(
            "graceful",
            "trap 'echo stopped by SIGTERM >&2; exit 0' TERM\n\
             echo 'listening on http://127.0.0.1:41234'\n\
             while true; do sleep 0.05; done",
        );
        let portal = Portal::start(&options(&dir, script)).expect("the fake portal starts");
        assert_eq!(portal.url, "http://127.0.0.1:41234");
        portal
            .stop()
            .expect("the portal shuts down cleanly on SIGTERM");
        let log = std::fs::read_to_string(dir.join("portal.log")).expect("log written");
        assert!(
            log.contains("stopped by SIGTERM"),
            "the portal got SIGTERM: {log:?}"
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn portal_that_exits_at_once_is_reported_with_its_log() {
        let (dir, script) = fake_portal("crashing", "echo 'error: database is locked' >&2\nexit 3");
        let error = Portal::start(&options(&dir, script)).expect_err("no address, no portal");
        let message = format!("{error:#}");
        assert!(
            message.contains("exited before printing its address")
                && message.contains("error: database is locked"),
            "the error says what happened and shows the portal's log: {message}"
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn unexpected_first_line_is_quoted_in_the_error() {
        let (dir, script) = fake_portal(
            "chatty",
            "trap 'exit 0' TERM\necho 'starting up'\nwhile true; do sleep 0.05; done",
        );
        let error = Portal::start(&options(&dir, script)).expect_err("no address, no portal");
        assert!(
            format!("{error:#}").contains("\"starting up\""),
            "the error quotes the line: {error:#}"
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn first_line_gives_the_base_url() {
        assert_eq!(
            parse_listening_line("listening on http://127.0.0.1:41234\n").expect("valid line"),
            "http://127.0.0.1:41234"
        );
        assert_eq!(
            parse_listening_line("listening on http://[::1]:8080").expect("IPv6 line"),
            "http://[::1]:8080"
        );
    }

    #[test]
    fn first_line_that_is_something_else_is_rejected() {
        for line in [
            "",
            "starting portal",
            "listening on 127.0.0.1:41234",
            "listening on http://localhost:8080",
            "listening on http://127.0.0.1",
            "listening on http://127.0.0.1:0",
            "Listening on http://127.0.0.1:8080",
        ] {
            assert!(
                parse_listening_line(line).is_err(),
                "{line:?} must not be taken for the portal's address"
            );
        }
    }
}
