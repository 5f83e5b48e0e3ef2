//! The web UI in `ui/`: npm install, typecheck, unit tests and the production build.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::command::CommandLine;
use crate::workspace;

fn ui_dir() -> PathBuf {
    workspace::root().join("ui")
}

/// Installs the UI's npm packages exactly as `package-lock.json` pins them, unless the
/// installed tree already matches the lock file.
pub fn install() -> Result<()> {
    npm_install(&ui_dir())
}

/// Installs the npm packages of the project in `dir` (the UI, the console) exactly as its
/// `package-lock.json` pins them, unless the installed tree already matches the lock file.
pub fn npm_install(dir: &Path) -> Result<()> {
    // npm writes node_modules/.package-lock.json on every install, so a tree installed after
    // the lock file last changed is up to date.
    let modified = |path: PathBuf| fs::metadata(path).and_then(|meta| meta.modified()).ok();
    let installed = modified(dir.join("node_modules/.package-lock.json"));
    if installed.is_some() && installed >= modified(dir.join("package-lock.json")) {
        return Ok(());
    }
    CommandLine::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .run()
}

/// Typecheck (svelte-check), the locale check, the unit tests and the production build.
pub fn check_test_and_build() -> Result<()> {
    install()?;
    let dir = ui_dir();
    for script in ["check", "test", "build"] {
        CommandLine::new("npm")
            .args(["run", script])
            .current_dir(&dir)
            .run()?;
    }
    Ok(())
}
