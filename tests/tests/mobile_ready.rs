//! Ready for phones (issue 18): the core, and the app shell as built for Android and iOS,
//! depend on no crate that only works on a desktop.
//!
//! Phone builds need SDKs these machines cannot fetch, so the test asks Cargo instead:
//! `cargo tree --target …` resolves a target's dependency graph from the lockfile without the
//! target's toolchain. It runs offline; on a machine that never downloaded the phone-only
//! crates, `cargo fetch` (which fetches every target's crates) once makes it work.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Crates that only work on a desktop, each with why. A phone build that pulls one in either
/// fails to build or carries code that can never run.
const DESKTOP_ONLY: &[(&str, &str)] = &[
    (
        "notify-rust",
        "the desktop's notification service (D-Bus, Windows toasts); phones use tauri-plugin-notification",
    ),
    (
        "mac-notification-sys",
        "macOS notification centre, behind notify-rust",
    ),
    (
        "tauri-winrt-notification",
        "Windows toasts, behind notify-rust",
    ),
    (
        "tauri-plugin-single-instance",
        "hands a second launch to the first; the phone's system keeps one instance itself",
    ),
    (
        "tauri-plugin-window-state",
        "keeps a window's size and place; a phone app has one full-screen window",
    ),
    (
        "tauri-plugin-autostart",
        "starts the app at login; phones have no such thing",
    ),
    ("tray-icon", "the desktop's system tray"),
    ("muda", "desktop menu bars and context menus"),
    (
        "tauri-plugin-global-shortcut",
        "keyboard shortcuts across the desktop",
    ),
    ("global-hotkey", "keyboard shortcuts across the desktop"),
    ("gtk", "the Linux desktop's toolkit"),
    ("webkit2gtk", "the Linux desktop's webview"),
];

/// The phone targets: Android on 64-bit ARM and iOS devices.
const PHONE_TARGETS: &[&str] = &["aarch64-linux-android", "aarch64-apple-ios"];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the repository root")
        .to_path_buf()
}

/// The names of the normal (not build, not dev) dependencies of `package`, itself included,
/// for `target` (`None`: the machine's own).
fn dependencies(package: &str, target: Option<&str>) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .current_dir(repo_root())
        .args(["tree", "--offline", "--locked", "-p", package])
        .args(["-e", "normal", "--prefix", "none"]);
    if let Some(target) = target {
        command.args(["--target", target]);
    }
    let output = command
        .output()
        .expect("cargo runs (the test runs under cargo)");
    assert!(
        output.status.success(),
        "`cargo tree -p {package}` for {} resolves offline from the lockfile (if it says a \
         crate is not downloaded, run `cargo fetch` once):\n{}",
        target.unwrap_or("this machine"),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut names: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    names.sort();
    names.dedup();
    assert!(
        names.iter().any(|name| name == package),
        "the tree of {package} names {package} itself: {names:?}"
    );
    names
}

/// Each desktop-only crate found in `names`, with why it does not belong.
fn desktop_only_in(names: &[String]) -> Vec<String> {
    DESKTOP_ONLY
        .iter()
        .filter(|(name, _)| names.iter().any(|found| found == name))
        .map(|(name, why)| format!("{name}: {why}"))
        .collect()
}

#[test]
fn the_core_depends_on_no_desktop_only_crate() {
    let mut found = Vec::new();
    for target in [None]
        .into_iter()
        .chain(PHONE_TARGETS.iter().copied().map(Some))
    {
        for offender in desktop_only_in(&dependencies("opendvc-core", target)) {
            found.push(format!("{} — {offender}", target.unwrap_or("this machine")));
        }
    }
    assert!(
        found.is_empty(),
        "opendvc-core runs on phones too, so it depends on no desktop-only crate:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_app_built_for_phones_depends_on_no_desktop_only_crate() {
    let mut found = Vec::new();
    for target in PHONE_TARGETS {
        for offender in desktop_only_in(&dependencies("opendvc-app", Some(target))) {
            found.push(format!("{target} — {offender}"));
        }
    }
    assert!(
        found.is_empty(),
        "the app built for Android and iOS pulls in no desktop-only crate (desktop plugins and \
         notify-rust are target-specific dependencies of src-tauri):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_app_built_for_phones_has_a_phone_notifier() {
    for target in PHONE_TARGETS {
        let names = dependencies("opendvc-app", Some(target));
        assert!(
            names.iter().any(|name| name == "tauri-plugin-notification"),
            "the app built for {target} shows notifications through tauri-plugin-notification"
        );
    }
}

#[test]
fn the_desktop_app_keeps_its_desktop_plugins() {
    // The check above must be able to see these crates: on this machine (a desktop) the app
    // has them, so a typo in the list or in the tree's parsing would show here.
    let names = dependencies("opendvc-app", None);
    for name in [
        "notify-rust",
        "tauri-plugin-single-instance",
        "tauri-plugin-window-state",
    ] {
        assert!(
            names.iter().any(|found| found == name),
            "the desktop app still depends on {name}"
        );
    }
}
