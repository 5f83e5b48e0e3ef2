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
fn only_the_portal_stores_talk_sql_and_handlers_never_know_their_database() {
    let sqlite = offenders(
        "crates/portal/src",
        |path| path.starts_with("crates/portal/src/store/sqlite/"),
        &["rusqlite"],
    );
    assert!(
        sqlite.is_empty(),
        "SQLite outside crates/portal/src/store/sqlite (the traits of store/mod.rs serve the \
         PostgreSQL store too): {sqlite:?}"
    );
    let postgres = offenders(
        "crates/portal/src",
        |path| path.starts_with("crates/portal/src/store/postgres/"),
        &["sqlx"],
    );
    assert!(
        postgres.is_empty(),
        "PostgreSQL outside crates/portal/src/store/postgres: {postgres:?}"
    );
    let named = offenders(
        "crates/portal/src",
        |path| {
            path.starts_with("crates/portal/src/store/sqlite/")
                || path.starts_with("crates/portal/src/store/postgres/")
                || path == "crates/portal/src/database.rs"
        },
        &[
            "SqliteStore",
            "store::sqlite",
            "PostgresStore",
            "store::postgres",
        ],
    );
    assert!(
        named.is_empty(),
        "only database.rs chooses the database; everything else holds an Arc<dyn Store>: \
         {named:?}"
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
