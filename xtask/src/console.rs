//! The officers' web console in `console/`: npm install, typecheck with the locale check, unit
//! tests and the production build into `console/dist`, which the portal embeds when it is
//! built (`crates/portal/src/console.rs`). So the console is built before the portal wherever
//! xtask builds the portal: `cargo xtask console`, `cargo xtask run`, the `console` step of
//! `cargo xtask test` (before `clippy` and `build`).

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::command::CommandLine;
use crate::workspace;

fn console_dir() -> PathBuf {
    workspace::root().join("console")
}

fn npm(script: &str) -> Result<()> {
    CommandLine::new("npm")
        .args(["run", script])
        .current_dir(&console_dir())
        .run()
}

fn ensure_npm() -> Result<()> {
    let on_path = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join("npm").is_file()));
    if !on_path {
        bail!("npm is not installed: install Node.js 20.19 or newer (https://nodejs.org)");
    }
    Ok(())
}

/// `cargo xtask console`: installs the console's packages and builds `console/dist`.
pub fn build() -> Result<()> {
    ensure_npm()?;
    crate::ui::npm_install(&console_dir())?;
    npm("build")?;
    println!(
        "console built into {}; build the portal (cargo build -p opendvc-portal) to embed it",
        console_dir().join("dist").display()
    );
    Ok(())
}

/// The `console` step: typecheck (svelte-check) and the locale check, the unit tests, and the
/// production build the portal embeds.
pub fn check_test_and_build() -> Result<()> {
    ensure_npm()?;
    crate::ui::npm_install(&console_dir())?;
    for script in ["check", "test", "build"] {
        npm(script)?;
    }
    Ok(())
}
