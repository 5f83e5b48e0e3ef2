//! The architecture invariants of ARCHITECTURE.md, checked on the source tree.
//!
//! These are deliberately simple text checks: each invariant is about what a file may
//! mention, and a reviewer can read each check in a minute. The checks of the module graph,
//! file sizes, sleeps and READMEs read the tree through `opendvc_tests::source_tree`, which
//! has tests of its own on small made-up trees.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use opendvc_tests::source_tree::{self, ModuleGraph, module_name};

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

// The done-when lines of issue 12, measured on the source tree through
// `opendvc_tests::source_tree` (comments, strings and `#[cfg(test)]` items blanked).

/// Each workspace member with a `src` folder: (member folder, `member/src`).
fn crate_sources() -> Vec<(String, String)> {
    let root = repo_root();
    let sources: Vec<(String, String)> = source_tree::workspace_members(&root)
        .into_iter()
        .map(|member| {
            let src = format!("{member}/src");
            (member, src)
        })
        .filter(|(_, src)| root.join(src).is_dir())
        .collect();
    assert!(
        sources.iter().any(|(member, _)| member == "crates/core"),
        "the workspace members are found: {sources:?}"
    );
    sources
}

/// Whether `path` is test code by where it lives: an integration test folder, or the test
/// harness crate.
fn is_test_path(path: &str) -> bool {
    path.starts_with("tests/") || path.contains("/tests/")
}

/// The test code of every workspace member, comments blanked (and the contents of strings
/// too, with `strings`): whole files under a `tests` folder, and the `#[cfg(test)]` items and
/// test-only modules of the rest.
fn test_code_by_file(strings: bool) -> Vec<(String, String)> {
    let root = repo_root();
    let mut found = Vec::new();
    for member in source_tree::workspace_members(&root) {
        let files = source_tree::rust_files(&root, &member);
        let test_only = source_tree::test_only_files(&files);
        for file in files {
            let code = if is_test_path(&file.path) || test_only.contains(&file.path) {
                source_tree::blank(&file.text, strings)
            } else {
                source_tree::test_code(&file.text, strings)
            };
            found.push((file.path, code));
        }
    }
    found
}

/// Whether a workspace member is product code (the crates and the app shell), rather than a
/// tool around it (`xtask`, the test harness).
fn is_product(member: &str) -> bool {
    member.starts_with("crates/") || member == "src-tauri"
}

#[test]
fn no_import_circle_between_modules() {
    let root = repo_root();
    let mut circles = Vec::new();
    for (member, src) in crate_sources()
        .into_iter()
        .filter(|(member, _)| is_product(member))
    {
        let graph = ModuleGraph::read(&root, &src);
        assert!(
            graph.modules().count() < 3 || !graph.edges.is_empty(),
            "the imports between the modules of {member} are read"
        );
        for circle in graph.circles() {
            let modules: Vec<String> = circle.iter().map(|path| module_name(path)).collect();
            circles.push(format!(
                "{member}: {} modules in a circle: {}\n    {}",
                circle.len(),
                modules.join(", "),
                graph.describe(&circle).join("\n    ")
            ));
        }
    }
    assert!(
        circles.is_empty(),
        "modules import each other (a child importing its parent's items imports the \
         parent); move what both need into a module of its own:\n{}",
        circles.join("\n")
    );
}

/// The most lines a non-test Rust file may have.
const MOST_LINES: usize = 700;

#[test]
fn no_non_test_rust_file_is_over_700_lines() {
    let root = repo_root();
    let mut measured = 0;
    let mut big = Vec::new();
    for member in source_tree::workspace_members(&root) {
        let files = source_tree::rust_files(&root, &member);
        let test_only = source_tree::test_only_files(&files);
        for file in &files {
            let generated = file.path.contains("/generated/")
                || file
                    .text
                    .lines()
                    .take(5)
                    .any(|line| line.contains("@generated"));
            if is_test_path(&file.path) || test_only.contains(&file.path) || generated {
                continue;
            }
            measured += 1;
            let lines = source_tree::shipped_lines(&file.text);
            if lines > MOST_LINES {
                big.push(format!("{} has {lines} lines of non-test code", file.path));
            }
        }
    }
    assert!(
        measured > 50,
        "the non-test Rust files are found ({measured})"
    );
    assert!(
        big.is_empty(),
        "no non-test Rust file is over {MOST_LINES} lines (#[cfg(test)] items not counted); \
         split these by what they hold:\n{}",
        big.join("\n")
    );
}

#[test]
fn one_portal_harness() {
    let mut launchers = Vec::new();
    let mut harness_found = false;
    for (path, code) in test_code_by_file(false) {
        // This file names what it looks for.
        if path == "tests/tests/architecture.rs" {
            continue;
        }
        if path.starts_with("tests/src/") {
            harness_found |= code.contains("pub struct Portal") && code.contains("PORTAL_BIN");
            continue;
        }
        for needle in [
            "CARGO_BIN_EXE_opendvc-portal",
            "CARGO_BIN_EXE_opendvc-app",
            "struct Portal ",
            "struct Portal{",
            "struct FaultProxy",
            "fn portal_binary",
        ] {
            if code.contains(needle) {
                launchers.push(format!("{path} has `{needle}`"));
            }
        }
        for (at, _) in code.match_indices("Command::new(") {
            let call: String = code[at..].chars().take_while(|c| *c != ')').collect();
            let program = call.to_lowercase();
            if ["portal", "opendvc-app", "tauri-driver", "webkitwebdriver"]
                .iter()
                .any(|name| program.contains(name))
            {
                launchers.push(format!("{path} starts a program: {call})"));
            }
        }
    }
    assert!(
        harness_found,
        "tests/src holds the one Portal harness that starts opendvc-portal"
    );
    assert!(
        launchers.is_empty(),
        "only opendvc-tests (tests/src) starts a portal, a fault proxy or the app; move these \
         tests to tests/tests on its harness:\n{}",
        launchers.join("\n")
    );
}

/// The longest a test may sleep at a time, in milliseconds.
const LONGEST_SLEEP_MS: f64 = 200.0;

#[test]
fn no_test_sleeps_longer_than_200_ms() {
    let mut sleeps = 0;
    let mut long = Vec::new();
    for (path, code) in test_code_by_file(true) {
        for sleep in source_tree::sleeps(&code) {
            sleeps += 1;
            if sleep.at_least_ms.is_some_and(|ms| ms > LONGEST_SLEEP_MS) {
                long.push(format!(
                    "{path}:{}: sleep({}) sleeps at least {} ms",
                    sleep.line,
                    sleep.argument,
                    sleep.at_least_ms.unwrap_or_default()
                ));
            }
        }
    }
    assert!(sleeps > 0, "the sleeps of the test code are found");
    assert!(
        long.is_empty(),
        "tests never sleep more than {LONGEST_SLEEP_MS} ms at a time: wait for something to \
         happen with opendvc_tests::wait, and for a time window with Portal::advance_clock or \
         the core's ManualClock:\n{}",
        long.join("\n")
    );
}

/// The module names in the first column of the README's module table (`| module | … |`),
/// each written in backticks (several to a cell, `a::b` for a nested one).
fn readme_module_map(readme: &str) -> Option<BTreeSet<String>> {
    let mut lines = readme.lines().skip_while(|line| {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        !(line.trim_start().starts_with('|')
            && cells
                .get(1)
                .is_some_and(|cell| cell.eq_ignore_ascii_case("module")))
    });
    lines.next()?;
    let mut names = BTreeSet::new();
    for row in lines.take_while(|line| line.trim_start().starts_with('|')) {
        let cell = row.split('|').nth(1).unwrap_or_default();
        names.extend(
            cell.split('`')
                .skip(1)
                .step_by(2)
                .map(|name| name.trim().replace('/', "::")),
        );
    }
    Some(names)
}

#[test]
fn every_crate_has_a_readme_with_a_module_map() {
    let root = repo_root();
    let mut missing = Vec::new();
    for (member, src) in crate_sources() {
        let Ok(readme) = fs::read_to_string(root.join(&member).join("README.md")) else {
            missing.push(format!("{member} has no README.md"));
            continue;
        };
        let Some(named) = readme_module_map(&readme) else {
            missing.push(format!(
                "{member}/README.md has no module map (a table whose first column is `module`)"
            ));
            continue;
        };
        let graph = ModuleGraph::read(&root, &src);
        let modules: BTreeSet<String> = graph
            .modules()
            .filter(|path| !path.is_empty())
            .map(|path| module_name(path))
            .collect();
        for module in modules.iter().filter(|module| !module.contains("::")) {
            if !named.contains(module) {
                missing.push(format!("{member}/README.md does not map module `{module}`"));
            }
        }
        for name in &named {
            let root_file = matches!(name.as_str(), "main" | "lib")
                && root.join(&src).join(format!("{name}.rs")).is_file();
            if !root_file && !modules.contains(name) {
                missing.push(format!(
                    "{member}/README.md maps `{name}`, which is no module of the crate"
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "every crate has a README whose module map names each of its modules, and only \
         those:\n{}",
        missing.join("\n")
    );
}

/// What tests and benchmarks drive the core with: each item, in the file that defines it.
const TEST_SUPPORT: [(&str, &str); 6] = [
    ("crates/core/src/clock.rs", "pub struct ManualClock"),
    ("crates/core/src/clock.rs", "pub struct MaxJitter"),
    ("crates/core/src/notify.rs", "pub struct RecordingNotifier"),
    ("crates/core/src/store/mod.rs", "pub fn in_memory("),
    (
        "crates/core/src/store/catalog_search/index.rs",
        "pub fn in_memory(",
    ),
    ("crates/core/src/search/mod.rs", "pub mod generator;"),
];

/// The crates that ship: neither may turn the core's test support on.
const SHIPPED_MANIFESTS: [&str; 2] = ["src-tauri/Cargo.toml", "crates/cli/Cargo.toml"];

#[test]
fn test_support_is_kept_out_of_the_shipped_app_and_cli() {
    const GATE: &str = "#[cfg(any(test, feature = \"test-support\"))]";
    for (file, item) in TEST_SUPPORT {
        let text = fs::read_to_string(repo_root().join(file)).expect("the file exists");
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        let at = lines
            .iter()
            .position(|line| line.starts_with(item))
            .unwrap_or_else(|| panic!("{file} defines `{item}`"));
        // The doc comments and attributes right above the item.
        let mut above = lines[..at]
            .iter()
            .rev()
            .take_while(|line| line.starts_with("///") || line.starts_with("#["));
        assert!(
            above.any(|line| *line == GATE),
            "`{item}` in {file} is test support: it must sit behind {GATE}"
        );
    }
    let core = fs::read_to_string(repo_root().join("crates/core/Cargo.toml"))
        .expect("crates/core/Cargo.toml exists");
    assert!(
        !core
            .lines()
            .any(|line| line.starts_with("default") && line.contains("test-support")),
        "the core's default features leave test support out"
    );
    for manifest in SHIPPED_MANIFESTS {
        let text = fs::read_to_string(repo_root().join(manifest)).expect("the manifest exists");
        let mut section = String::new();
        for line in text.lines() {
            if line.starts_with('[') {
                section = line.to_owned();
            } else if section.ends_with("dependencies]")
                && !section.contains("dev-dependencies")
                && line.starts_with("opendvc-core")
            {
                assert!(
                    !line.contains("test-support"),
                    "{manifest} turns on the core's test support in {section}: {line}"
                );
            }
        }
    }
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
            "the feedback clocks (`struct WorkingHours`, `fn resolve_at_risk_from`)",
            vec!["crates/rules/src/feedback_clock.rs"],
            places(&|text: &str| {
                text.contains("struct WorkingHours")
                    || defines_fn(&["resolve_at_risk_from", "answer_at_risk_from"])(text)
            }),
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
            "the fee computation (a case's online amount chosen, `fn procedure_fee`, \
             `struct QuoteInput`)",
            vec!["crates/rules/src/fees/mod.rs"],
            places(&|text: &str| {
                text.contains("online_amount.unwrap_or")
                    || text.contains("struct QuoteInput")
                    || defines_fn(&["procedure_fee", "fee_total", "total_fee", "sum_fees"])(text)
            }),
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
    if !ui.is_empty() {
        wrong.push(format!(
            "the UI asks the core (`check_field`, `check_draft`) instead of copying a rule, yet \
             it defines {ui:?}"
        ));
    }
    assert!(
        wrong.is_empty(),
        "each rule has one definition:\n  {}",
        wrong.join("\n  ")
    );
}
