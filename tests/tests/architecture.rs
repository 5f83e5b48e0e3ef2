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

/// Every non-test Rust file of the workspace: the crates, the app shell, the test harness's
/// library and xtask, without integration tests and `#[cfg(test)]` tails, comments removed.
fn workspace_code() -> Vec<(String, String)> {
    ["crates", "src-tauri/src", "tests/src", "xtask/src"]
        .into_iter()
        .flat_map(rust_files)
        .filter(|(path, _)| !path.contains("/tests/") && !path.ends_with("/tests.rs"))
        .map(|(path, text)| (path, code_of(&text)))
        .collect()
}

/// The names of the functions `code` defines.
fn defined_functions(code: &str) -> Vec<String> {
    code.split("fn ")
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

/// Files under the repository root named `name`, outside build output and dependencies.
fn files_named(name: &str) -> Vec<String> {
    let root = repo_root();
    let mut found = Vec::new();
    let mut pending = vec![root.clone()];
    while let Some(path) = pending.pop() {
        let Ok(entries) = fs::read_dir(&path) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let file_name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if !matches!(
                    file_name.as_str(),
                    "target" | "node_modules" | ".git" | "dist" | "gen"
                ) {
                    pending.push(path);
                }
            } else if file_name == name {
                found.push(
                    path.strip_prefix(&root)
                        .expect("under the root")
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    found.sort();
    found
}

/// Functions that validate or normalise a phone number, by the names such code takes.
const PHONE_VALIDATORS: [&str; 9] = [
    "phone",
    "is_phone",
    "valid_phone",
    "is_valid_phone",
    "check_phone",
    "validate_phone",
    "normalize_phone",
    "normalise_phone",
    "phone_number",
];

/// Rule copies the UI still holds, each `path: what it defines`. The ui-rooms work replaces
/// them with the core's `check_field` / `check_draft` commands; remove a line as its copy goes.
/// A line whose copy is gone fails the test, so this list never claims more than there is, and
/// a copy not listed here fails it too.
const UI_COPIES_PENDING: [&str; 5] = [
    "ui/src/lib/form.ts: function checkField",
    "ui/src/lib/form.ts: function isRealDate",
    "ui/src/lib/text.ts: const DATE",
    "ui/src/lib/text.ts: const ID_NUMBER",
    "ui/src/lib/text.ts: const PHONE",
];

/// Rule definitions in the UI's TypeScript and Svelte code (generated types and tests aside).
fn ui_rule_definitions() -> Vec<String> {
    let root = repo_root();
    let mut found = Vec::new();
    let mut pending = vec![root.join("ui/src")];
    while let Some(path) = pending.pop() {
        let Ok(entries) = fs::read_dir(&path) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if entry.file_name() != "generated" {
                    pending.push(path);
                }
                continue;
            }
            if !path
                .extension()
                .is_some_and(|ext| ext == "ts" || ext == "svelte")
            {
                continue;
            }
            let relative = path
                .strip_prefix(&root)
                .expect("under the root")
                .to_string_lossy()
                .replace('\\', "/");
            let text = fs::read_to_string(&path).expect("UI sources are UTF-8");
            for line in text.lines() {
                let line = line.trim_start().trim_start_matches("export ");
                for (prefix, names) in [
                    ("const ", &["PHONE", "ID_NUMBER", "DATE", "EMAIL"][..]),
                    (
                        "function ",
                        &[
                            "checkField",
                            "isRealDate",
                            "isPhone",
                            "isIdNumber",
                            "isEmail",
                            "checkForm",
                        ][..],
                    ),
                ] {
                    let Some(rest) = line.strip_prefix(prefix) else {
                        continue;
                    };
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if names.contains(&name.as_str()) {
                        found.push(format!("{relative}: {prefix}{name}"));
                    }
                }
            }
        }
    }
    found.sort();
    found
}

#[test]
fn each_rule_has_one_definition() {
    let code = workspace_code();
    let places = |defines: &dyn Fn(&str) -> bool| -> Vec<String> {
        code.iter()
            .filter(|(_, text)| defines(text))
            .map(|(path, _)| path.clone())
            .collect()
    };
    let defines_fn = |names: &'static [&'static str]| {
        move |text: &str| {
            defined_functions(text)
                .iter()
                .any(|name| names.contains(&name.as_str()))
        }
    };
    let vietnam_offsets = [
        "east_opt(7 * 3600)",
        "east_opt(7*3600)",
        "east_opt(25200)",
        "east_opt(25_200)",
        "TimeDelta::hours(7)",
        "Duration::hours(7)",
    ];
    // (rule, the one place it may be defined, where it is defined)
    let rules: Vec<(&str, Vec<&str>, Vec<String>)> = vec![
        (
            "the ID number rule (`fn is_id_number`)",
            vec!["crates/rules/src/fields.rs"],
            places(&defines_fn(&["is_id_number", "id_number"])),
        ),
        (
            "the phone rule (a phone validator)",
            vec!["crates/rules/src/fields.rs"],
            places(&defines_fn(&PHONE_VALIDATORS)),
        ),
        (
            "the e-mail rule",
            vec!["crates/rules/src/fields.rs"],
            places(&defines_fn(&[
                "email",
                "is_email",
                "valid_email",
                "check_email",
            ])),
        ),
        (
            "form validation by field kind",
            vec!["crates/rules/src/form.rs"],
            places(&defines_fn(&["check_form", "validate_form"])),
        ),
        (
            "the working-day calendar (`struct WorkingCalendar`)",
            vec!["crates/rules/src/working_days.rs"],
            places(&|text: &str| text.contains("struct WorkingCalendar")),
        ),
        (
            "the Vietnam time zone (UTC+7)",
            vec!["crates/rules/src/time.rs"],
            places(&|text: &str| vietnam_offsets.iter().any(|offset| text.contains(offset))),
        ),
        (
            "the renewal rules table (`struct RulesTable`)",
            vec!["crates/rules/src/renewal/rules.rs"],
            places(&|text: &str| text.contains("struct RulesTable")),
        ),
        (
            "the reminder engine (`fn due_reminders`)",
            vec!["crates/rules/src/renewal/engine.rs"],
            places(&defines_fn(&["due_reminders"])),
        ),
        (
            "the Fluent bundle loader (`FluentBundle::new`)",
            vec!["crates/i18n/src/lib.rs"],
            places(&|text: &str| text.contains("FluentBundle::new")),
        ),
    ];
    let mut wrong = Vec::new();
    for (rule, expected, found) in &rules {
        if found != expected {
            wrong.push(format!(
                "{rule}: defined in {found:?}, only {expected:?} may"
            ));
        }
    }
    let tables = files_named("renewal-rules.json");
    if tables != ["crates/rules/data/renewal-rules.json"] {
        wrong.push(format!(
            "the renewal rules are one data file, crates/rules/data/renewal-rules.json: {tables:?}"
        ));
    }
    let fluent_users: Vec<String> = files_named("Cargo.toml")
        .into_iter()
        .filter(|path| path != "Cargo.toml" && path != "crates/i18n/Cargo.toml")
        .filter(|path| {
            fs::read_to_string(repo_root().join(path))
                .is_ok_and(|manifest| manifest.contains("fluent-bundle"))
        })
        .collect();
    if !fluent_users.is_empty() {
        wrong.push(format!(
            "only crates/i18n loads Fluent bundles, yet these depend on fluent-bundle: {fluent_users:?}"
        ));
    }
    let ui = ui_rule_definitions();
    if ui != UI_COPIES_PENDING {
        wrong.push(format!(
            "the UI asks the core (`check_field`, `check_draft`) instead of copying a rule; \
             its rule definitions {ui:?} differ from the ones known to be pending \
             {UI_COPIES_PENDING:?} (remove a pending line once its copy is gone)"
        ));
    }
    assert!(
        wrong.is_empty(),
        "each rule has one definition:\n  {}",
        wrong.join("\n  ")
    );
}
