//! The Python tools xtask uses (schemathesis, moz-fluent-linter, and aiosmtpd for the tests), kept in a virtual
//! environment under the target directory so that nothing is installed system-wide.

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::command::CommandLine;

/// The Python packages, pinned: their command lines changed between versions before
/// (schemathesis 3 → 4), so an upgrade is a deliberate change made here.
pub const REQUIREMENTS: &[&str] = &[
    "schemathesis==4.32.5",
    "moz-fluent-linter==0.4.10",
    // A real SMTP server for the portal's e-mail tests (tests/tests/channels.rs).
    "aiosmtpd==1.4.6",
];

/// The variable that tells the tests which Python has [`REQUIREMENTS`] installed.
pub const PYTHON_ENV: &str = "OPENDVC_TEST_PYTHON";

/// The virtual environment's folder.
pub fn venv_dir() -> PathBuf {
    crate::workspace::target_dir().join("xtask-venv")
}

/// A program installed in the virtual environment.
pub fn tool(name: &str) -> PathBuf {
    venv_dir().join("bin").join(name)
}

/// Creates the virtual environment and installs [`REQUIREMENTS`] unless that was done already
/// with the same list (a stamp file records it).
pub fn ensure_tools() -> Result<()> {
    let venv = venv_dir();
    let stamp = venv.join("xtask-requirements.txt");
    let wanted = REQUIREMENTS.join("\n");
    if std::fs::read_to_string(&stamp).is_ok_and(|installed| installed == wanted) {
        return Ok(());
    }
    if !venv.join("bin").join("pip").exists() {
        CommandLine::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .run()
            .context(
                "could not create a Python virtual environment: install Python 3 with venv \
                 (Debian: apt-get install python3-venv)",
            )?;
    }
    CommandLine::new(tool("pip"))
        .args(["install", "--quiet", "--disable-pip-version-check"])
        .args(REQUIREMENTS.iter().copied())
        .run()
        .context("could not install the Python tools from PyPI")?;
    std::fs::write(&stamp, wanted)
        .with_context(|| format!("could not write {}", stamp.display()))?;
    Ok(())
}
