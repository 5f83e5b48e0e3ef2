//! The architecture invariants of ARCHITECTURE.md, checked on the source tree.
//!
//! These are deliberately simple text checks: each invariant is about what a file may
//! mention, and a reviewer can read each check in a minute.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the repository root")
        .to_path_buf()
}

/// Every `.rs` file under `dir`, with its path relative to the repository root.
fn rust_files(dir: &str) -> Vec<(String, String)> {
    let root = repo_root();
    let mut files = Vec::new();
    let mut pending = vec![root.join(dir)];
    while let Some(path) = pending.pop() {
        let Ok(entries) = fs::read_dir(&path) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let text = fs::read_to_string(&path).expect("source files are UTF-8");
                let relative = path
                    .strip_prefix(&root)
                    .expect("under the root")
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push((relative, text));
            }
        }
    }
    assert!(!files.is_empty(), "no Rust files found under {dir}");
    files.sort();
    files
}

/// The code of a file without its `#[cfg(test)]` tail and without comment lines, so that
/// tests and documentation may mention what the code may not use.
fn code_of(text: &str) -> String {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    code.lines()
        .filter(|line| {
            let trimmed = line.trim_start();
            !(trimmed.starts_with("//") || trimmed.starts_with("//!"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn offenders(dir: &str, allowed: impl Fn(&str) -> bool, needles: &[&str]) -> Vec<String> {
    rust_files(dir)
        .into_iter()
        .filter(|(path, _)| !allowed(path))
        .filter(|(path, _)| !path.ends_with("/tests.rs") && !path.contains("/tests/"))
        .flat_map(|(path, text)| {
            let code = code_of(&text);
            needles
                .iter()
                .filter(|needle| code.contains(**needle))
                .map(|needle| format!("{path} uses `{needle}`"))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn core_knows_nothing_of_tauri_windows_or_the_dom() {
    let manifest = fs::read_to_string(repo_root().join("crates/core/Cargo.toml"))
        .expect("crates/core/Cargo.toml exists");
    for forbidden in ["tauri", "wry", "web-sys", "wasm-bindgen", "gtk"] {
        assert!(
            !manifest.contains(forbidden),
            "crates/core depends on {forbidden}"
        );
    }
    let found = offenders("crates/core/src", |_| false, &["tauri::", "web_sys::"]);
    assert!(found.is_empty(), "the core must stay headless: {found:?}");
}

#[test]
fn only_the_core_store_talks_sql() {
    let found = offenders(
        "crates/core/src",
        |path| path.starts_with("crates/core/src/store/"),
        &["rusqlite::", "rusqlite_migration"],
    );
    assert!(
        found.is_empty(),
        "SQL outside crates/core/src/store: {found:?}"
    );
}

#[test]
fn only_the_core_client_talks_http() {
    let found = offenders(
        "crates/core/src",
        |path| path == "crates/core/src/client.rs" || path.starts_with("crates/core/src/client/"),
        &["reqwest::"],
    );
    assert!(
        found.is_empty(),
        "HTTP outside crates/core/src/client: {found:?}"
    );
}

#[test]
fn time_is_passed_in_never_read_in_core_logic() {
    let found = offenders(
        "crates/core/src",
        |path| path == "crates/core/src/clock.rs",
        &[
            "Utc::now()",
            "Local::now()",
            "SystemTime::now()",
            "Instant::now()",
        ],
    );
    assert!(
        found.is_empty(),
        "the wall clock is read outside clock.rs: {found:?}"
    );
}

/// Names of the structs and enums `crates/api` defines.
fn wire_type_names() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (_, text) in rust_files("crates/api/src") {
        for line in code_of(&text).lines() {
            let line = line.trim_start();
            for prefix in ["pub struct ", "pub enum "] {
                if let Some(rest) = line.strip_prefix(prefix) {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    names.insert(name);
                }
            }
        }
    }
    assert!(names.contains("Application"), "the wire types are found");
    names
}

#[test]
fn wire_types_live_only_in_crates_api() {
    let names = wire_type_names();
    let mut found = Vec::new();
    for dir in ["crates/portal/src", "crates/core/src", "crates/cli/src"] {
        if !repo_root().join(dir).exists() {
            continue;
        }
        for (path, text) in rust_files(dir) {
            for line in code_of(&text).lines() {
                let line = line.trim_start();
                let line = line.strip_prefix("pub ").unwrap_or(line);
                let line = line.strip_prefix("pub(crate) ").unwrap_or(line);
                for prefix in ["struct ", "enum "] {
                    if let Some(rest) = line.strip_prefix(prefix) {
                        let name: String = rest
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        if names.contains(&name) {
                            found.push(format!("{path} defines `{name}` again"));
                        }
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "a wire type is defined twice: {found:?}");
}

#[test]
fn the_shell_reads_the_clock_only_in_clock_rs() {
    let found = offenders(
        "src-tauri/src",
        |path| path == "src-tauri/src/clock.rs",
        &[
            "Utc::now()",
            "Local::now()",
            "SystemTime::now()",
            "Instant::now()",
            ".elapsed()",
            "SystemClock",
        ],
    );
    assert!(
        found.is_empty(),
        "the shell reads a clock outside src-tauri/src/clock.rs (the views take the core's \
         clock): {found:?}"
    );
}

#[test]
fn the_shell_talks_neither_sql_nor_http() {
    let manifest = fs::read_to_string(repo_root().join("src-tauri/Cargo.toml"))
        .expect("src-tauri/Cargo.toml exists");
    for forbidden in ["rusqlite", "reqwest", "ureq", "hyper"] {
        assert!(
            !manifest.contains(forbidden),
            "src-tauri depends on {forbidden}: the store and the client are the core's"
        );
    }
    let found = offenders(
        "src-tauri/src",
        |_| false,
        &[
            "rusqlite::",
            "reqwest::",
            "ureq::",
            "hyper::",
            "sha2::",
            "Sha256",
        ],
    );
    assert!(
        found.is_empty(),
        "the shell talks SQL or HTTP, or hashes files itself: {found:?}"
    );
}

/// Each top-level function of `code` (starting at column 0) with its number of lines.
fn functions_of(code: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let mut current: Option<(String, usize)> = None;
    for line in code.lines() {
        if let Some((name, lines)) = &mut current {
            *lines += 1;
            if line == "}" {
                found.push((name.clone(), *lines));
                current = None;
            }
            continue;
        }
        let signature = [
            "pub async fn ",
            "pub(crate) async fn ",
            "async fn ",
            "pub fn ",
            "pub(crate) fn ",
            "fn ",
        ]
        .iter()
        .find_map(|prefix| line.strip_prefix(prefix));
        if let Some(rest) = signature {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if line.ends_with('}') {
                found.push((name, 1));
            } else {
                current = Some((name, 1));
            }
        }
    }
    found
}

/// The longest a command handler of the shell may be: take the arguments, call the core, map
/// the error.
const MAX_HANDLER_LINES: usize = 20;

#[test]
fn the_shells_commands_only_delegate_to_the_core() {
    let mut found = Vec::new();
    for path in ["src-tauri/src/commands.rs", "src-tauri/src/staff.rs"] {
        let text = fs::read_to_string(repo_root().join(path)).expect("the shell's commands");
        let code = code_of(&text);
        let functions = functions_of(&code);
        assert!(
            functions.len() >= 10,
            "{path}'s functions are read: {functions:?}"
        );
        for (name, lines) in functions {
            if lines > MAX_HANDLER_LINES {
                found.push(format!("{path}: {name} has {lines} lines"));
            }
        }
        for needle in [
            "Utc::now",
            "SystemClock",
            "views::validity",
            "ReminderChoice",
            "swap_remove",
            "BASE64",
            "\" => ",
            ".as_str() {",
            "match mode",
        ] {
            if code.contains(needle) {
                found.push(format!("{path} uses `{needle}`"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "a command of the shell does more than take its arguments, call the core and map the \
         error (build the view in crates/core/src/views instead): {found:?}"
    );
}
