//! The `opendvc` command-line client, run as a separate process the way a person or a script
//! runs it: its own data folder, a portal address, and output read back as JSON.
//!
//! [`Cli::run`] waits for the command to finish; [`Cli::spawn`] starts it and hands back the
//! [`Child`], so that a test can kill it at a moment of its choosing; [`Cli::watch`] runs
//! `opendvc --json watch` and collects what it prints, line by line, as it happens.

use std::ffi::OsStr;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use opendvc_api::OtpRequest;

use crate::{CLI_BIN, Portal, binary, retry_after_seconds};

/// How `opendvc` is invoked: data folder, portal address and extra environment.
#[derive(Debug, Clone)]
pub struct Cli {
    data_dir: PathBuf,
    portal: String,
    env: Vec<(String, String)>,
}

/// What one finished command did.
#[derive(Debug, Clone)]
pub struct CliRun {
    /// The command line, for messages.
    pub args: Vec<String>,
    /// The exit code; `None` when a signal ended the process.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl CliRun {
    fn from_output(args: Vec<String>, output: Output) -> CliRun {
        CliRun {
            args,
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Asserts exit code 0; `why` names the promise being checked.
    pub fn expect_success(&self, why: &str) -> &CliRun {
        assert_eq!(
            self.code,
            Some(0),
            "{why}: opendvc {:?} exited with {:?}\nstdout: {}\nstderr: {}",
            self.args,
            self.code,
            self.stdout,
            self.stderr
        );
        self
    }

    /// Standard output parsed as the one JSON object of `--json`.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|error| {
            panic!(
                "opendvc {:?} printed no JSON object ({error})\nstdout: {}\nstderr: {}",
                self.args, self.stdout, self.stderr
            )
        })
    }
}

impl Cli {
    /// `opendvc --data-dir DATA_DIR --portal PORTAL …`.
    pub fn new(data_dir: &Path, portal: &str) -> Cli {
        Cli {
            data_dir: data_dir.to_path_buf(),
            portal: portal.to_owned(),
            env: Vec::new(),
        }
    }

    /// Sets an environment variable for every command (back-off, timeouts, language).
    pub fn env(mut self, name: &str, value: &str) -> Cli {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The data folder.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    fn command<I, S>(&self, args: I) -> (Command, Vec<String>)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let args: Vec<String> = args
            .into_iter()
            .map(|arg| arg.as_ref().to_string_lossy().into_owned())
            .collect();
        let mut command = Command::new(binary(CLI_BIN));
        command
            .arg("--data-dir")
            .arg(&self.data_dir)
            .arg("--portal")
            .arg(&self.portal)
            .args(&args)
            // The portal address is given on the command line; the environment of the test
            // run must not change it or the language of the messages.
            .env_remove("OPENDVC_PORTAL")
            .env_remove("OPENDVC_DATA_DIR")
            .env("OPENDVC_LANG", "en")
            .stdin(Stdio::null());
        for (name, value) in &self.env {
            command.env(name, value);
        }
        (command, args)
    }

    /// Runs `opendvc ARGS…` to the end.
    pub fn run<I, S>(&self, args: I) -> CliRun
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let (mut command, args) = self.command(args);
        let output = command.output().expect("opendvc runs");
        CliRun::from_output(args, output)
    }

    /// Runs `opendvc --json ARGS…`, expects exit 0 and returns the JSON it printed.
    pub fn json<I, S>(&self, args: I, why: &str) -> serde_json::Value
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut all = vec!["--json".to_owned()];
        all.extend(
            args.into_iter()
                .map(|arg| arg.as_ref().to_string_lossy().into_owned()),
        );
        let run = self.run(all);
        run.expect_success(why);
        run.json()
    }

    /// Signs the CLI in as `id_number`: asks `portal` for a code (moving the demo clock past a
    /// rate-limit window the portal names), reads it from the dev outbox and hands it to
    /// `opendvc login --id N --otp CODE`. Returns the JSON the login printed, whose
    /// `signIn.syncError` says whether the sync that follows the sign-in worked.
    pub fn sign_in(&self, portal: &mut Portal, id_number: &str) -> serde_json::Value {
        let phone = portal.demo_citizen(id_number).phone;
        let api = portal.api();
        let ask = || {
            api.post("/v1/auth/otp")
                .json(&OtpRequest {
                    id_number: id_number.to_owned(),
                })
                .send()
        };
        let mut reply = ask();
        if reply.status == 429 {
            // The window the portal names passes on its clock, not the test's.
            portal.advance_clock(retry_after_seconds(&reply));
            reply = ask();
        }
        reply.expect_status(202, "asking for a one-time code is accepted");
        let code = portal.latest_code_sent_to(&phone);
        self.json(
            ["login", "--id", id_number, "--otp", code.as_str()],
            "the CLI signs in with the code from the outbox",
        )
    }

    /// Starts `opendvc ARGS…` with its output piped (read it with `wait_with_output`), and returns
    /// the running process.
    pub fn spawn<I, S>(&self, args: I) -> Child
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let (mut command, _) = self.command(args);
        command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("opendvc starts")
    }
}

/// A running `opendvc --json watch`: every line it printed so far, parsed. Killed on drop.
#[derive(Debug)]
pub struct Watch {
    child: Child,
    lines: Arc<Mutex<Vec<serde_json::Value>>>,
}

impl Cli {
    /// Starts `opendvc --json watch` (the CLI must be signed in) and collects its output.
    pub fn watch(&self) -> Watch {
        let (mut command, _) = self.command(["--json", "watch"]);
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("opendvc watch starts");
        let stdout = child.stdout.take().expect("the watch's output is piped");
        let lines: Arc<Mutex<Vec<serde_json::Value>>> = Arc::default();
        let collected = lines.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Ok(value) = serde_json::from_str(&line) {
                    collected
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .push(value);
                }
            }
        });
        Watch { child, lines }
    }
}

impl Watch {
    /// Every line printed so far.
    pub fn lines(&self) -> Vec<serde_json::Value> {
        self.lines
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Waits (up to 30 s) until a printed line satisfies `condition`.
    pub fn wait_for(&self, what: &str, condition: impl Fn(&serde_json::Value) -> bool) {
        crate::wait::wait_until(what, Duration::from_secs(30), || {
            self.lines().iter().any(&condition)
        });
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
