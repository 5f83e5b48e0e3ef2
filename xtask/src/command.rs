//! Running external programs: each command line is printed before it runs, so a failing step
//! can be repeated by hand.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// A command line to run from the workspace root, with extra environment variables.
#[derive(Debug, Clone)]
pub struct CommandLine {
    program: PathBuf,
    /// How the program is shown: `cargo` rather than the full path of the cargo binary.
    shown_program: String,
    args: Vec<OsString>,
    envs: Vec<(String, String)>,
    removed: Vec<String>,
    current_dir: PathBuf,
}

impl CommandLine {
    pub fn new(program: impl Into<PathBuf>) -> Self {
        let program = program.into();
        let shown_program = shown_program(&program);
        CommandLine {
            program,
            shown_program,
            args: Vec::new(),
            envs: Vec::new(),
            removed: Vec::new(),
            current_dir: crate::workspace::root(),
        }
    }

    /// Cargo, from the same toolchain that runs xtask.
    pub fn cargo() -> Self {
        Self::new(crate::workspace::cargo())
    }

    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.envs.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Runs the program without `key` in its environment, whatever this process has.
    pub fn env_remove(mut self, key: &str) -> Self {
        self.removed.push(key.to_owned());
        self
    }

    /// Runs the program in `dir` instead of the workspace root (for tools that leave files in
    /// their working directory).
    pub fn current_dir(mut self, dir: &Path) -> Self {
        self.current_dir = dir.to_path_buf();
        self
    }

    /// The command line as a person would type it in a shell.
    pub fn display(&self) -> String {
        let mut words: Vec<String> = self
            .envs
            .iter()
            .map(|(key, value)| format!("{key}={}", shell_quote(value)))
            .collect();
        words.push(shell_quote(&self.shown_program));
        words.extend(
            self.args
                .iter()
                .map(|arg| shell_quote(&arg.to_string_lossy())),
        );
        words.join(" ")
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.args).current_dir(&self.current_dir);
        for key in &self.removed {
            command.env_remove(key);
        }
        for (key, value) in &self.envs {
            command.env(key, value);
        }
        command
    }

    /// Prints the command line, runs it with the terminal's stdio, and fails unless it exits 0.
    pub fn run(&self) -> Result<()> {
        println!("$ {}", self.display());
        let status = self
            .command()
            .stdin(Stdio::null())
            .status()
            .with_context(|| format!("could not start `{}`", self.shown_program))?;
        check_status(&self.display(), status)
    }

    /// Like [`CommandLine::run`], but stops the program and fails when it runs past `limit`;
    /// its standard output is written to `log` (and printed when the program ends), for a
    /// caller that reads what it said.
    pub fn run_with_time_limit_into(&self, limit: Duration, log: &Path) -> Result<()> {
        let result = self.run_until(limit, log);
        if let Ok(text) = std::fs::read_to_string(log) {
            print!("{text}");
        }
        result
    }

    fn run_until(&self, limit: Duration, log: &Path) -> Result<()> {
        println!("$ {}", self.display());
        let mut command = self.command();
        command.stdin(Stdio::null());
        let file = std::fs::File::create(log)
            .with_context(|| format!("could not create {}", log.display()))?;
        command.stdout(file);
        let mut child = command
            .spawn()
            .with_context(|| format!("could not start `{}`", self.shown_program))?;
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = child.try_wait()? {
                return check_status(&self.display(), status);
            }
            if Instant::now() >= deadline {
                // Killing is acceptable here: the program is a test client, not a server
                // holding data.
                child.kill().ok();
                child.wait().ok();
                bail!(
                    "`{}` ran longer than {} s and was stopped",
                    self.display(),
                    limit.as_secs()
                );
            }
            thread::sleep(Duration::from_millis(200));
        }
    }

    /// Runs the program quietly and returns its standard output; fails unless it exits 0.
    pub fn output(&self) -> Result<String> {
        let output = self
            .command()
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("could not start `{}`", self.shown_program))?;
        if !output.status.success() {
            bail!(
                "`{}` failed ({}): {}",
                self.display(),
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        String::from_utf8(output.stdout)
            .with_context(|| format!("`{}` printed something that is not UTF-8", self.display()))
    }
}

fn check_status(shown: &str, status: ExitStatus) -> Result<()> {
    if status.success() {
        Ok(())
    } else {
        bail!("`{shown}` failed ({status})")
    }
}

/// How a program is shown: relative to the workspace when it lives there (the tools in
/// `target/xtask-venv`), by its name when it is on the PATH or is the running cargo.
fn shown_program(program: &Path) -> String {
    if let Ok(inside) = program.strip_prefix(crate::workspace::root()) {
        return inside.display().to_string();
    }
    program
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| program.display().to_string())
}

/// Quotes a word for a POSIX shell when it needs quoting.
fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@+%".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_command_line_can_be_pasted_into_a_shell() {
        let line = CommandLine::new("/usr/bin/cargo")
            .env("RUSTDOCFLAGS", "-D warnings")
            .args(["doc", "--workspace", "--no-deps"]);
        assert_eq!(
            line.display(),
            "RUSTDOCFLAGS='-D warnings' cargo doc --workspace --no-deps"
        );
    }

    #[test]
    fn tools_in_the_workspace_are_shown_by_their_relative_path() {
        let pip = crate::workspace::root().join("target/xtask-venv/bin/pip");
        assert_eq!(
            CommandLine::new(pip).arg("install").display(),
            "target/xtask-venv/bin/pip install"
        );
    }

    #[test]
    fn single_quotes_in_arguments_are_escaped() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(
            shell_quote("Authorization: Bearer x"),
            "'Authorization: Bearer x'"
        );
    }
}
