//! `cargo xtask test`: every check of the project, in order, stopping at the first failure.
//! CI runs exactly this, so a green run here is a green run there.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::command::CommandLine;
use crate::postgres::{ClusterOptions, TEST_DATABASE_URL_ENV, TestServer};

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Run the chaos test at full size (the test reads `OPENDVC_CHAOS_FULL`).
    pub chaos_full: bool,
}

/// Which steps to run: every one (what CI runs), or the named ones in their usual order.
pub fn select_steps(only: &[String]) -> Result<Vec<&'static str>> {
    let names: Vec<&'static str> = steps().iter().map(|step| step.name).collect();
    if let Some(unknown) = only.iter().find(|name| !names.contains(&name.as_str())) {
        bail!(
            "no step named `{unknown}`; the steps are: {}",
            names.join(", ")
        );
    }
    Ok(names
        .into_iter()
        .filter(|name| only.is_empty() || only.iter().any(|wanted| wanted == name))
        .collect())
}

/// One step of the run. Adding a check is adding one line to [`steps`].
#[derive(Debug, Clone, Copy)]
struct Step {
    name: &'static str,
    run: fn(&Options) -> Result<()>,
    /// What to do when the step fails, where there is more to say than the error.
    hint: Option<&'static str>,
}

const fn step(name: &'static str, run: fn(&Options) -> Result<()>) -> Step {
    Step {
        name,
        run,
        hint: None,
    }
}

const fn step_with_hint(
    name: &'static str,
    run: fn(&Options) -> Result<()>,
    hint: &'static str,
) -> Step {
    Step {
        name,
        run,
        hint: Some(hint),
    }
}

fn steps() -> Vec<Step> {
    vec![
        step_with_hint("format", format, "run `cargo fmt --all` to format the code"),
        step("fluent", |_| crate::fluent::check()),
        step("ui", |_| crate::ui::check_test_and_build()),
        // Before every step that builds the portal, which embeds the console's files.
        step("console", |_| crate::console::check_test_and_build()),
        step("clippy", clippy),
        step("doc", doc),
        step("build", build),
        step_with_hint(
            "cargo test",
            cargo_test,
            "the real-webview tests need Xvfb, WebKitWebDriver and tauri-driver, and the \
             keyring test a Secret Service: sudo apt-get install -y xvfb webkit2gtk-driver \
             dbus dunst libdbus-1-dev gnome-keyring && cargo install tauri-driver --locked",
        ),
        step_with_hint(
            "postgres",
            postgres,
            "the portal's tests on PostgreSQL need the server's binaries (sudo apt-get install -y \
             postgresql), or a server of your own in OPENDVC_TEST_DATABASE_URL",
        ),
        step("api fuzzing", |_| {
            crate::schemathesis::fuzz_api(crate::schemathesis::Database::Sqlite)
        }),
    ]
}

fn format(_: &Options) -> Result<()> {
    CommandLine::cargo().args(["fmt", "--all", "--check"]).run()
}

fn clippy(_: &Options) -> Result<()> {
    CommandLine::cargo()
        .args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])
        .run()
}

fn doc(_: &Options) -> Result<()> {
    CommandLine::cargo()
        .env("RUSTDOCFLAGS", "-D warnings")
        .args(["doc", "--workspace", "--no-deps"])
        .run()
}

fn build(_: &Options) -> Result<()> {
    // Every platform's crates, the phone-only ones too: `tests/tests/mobile_ready.rs` reads
    // the phone builds' dependency trees offline.
    CommandLine::cargo().args(["fetch", "--locked"]).run()?;
    // The integration tests run the workspace's binaries (the app among them, with the UI
    // built into it by the `ui` step); they must exist before the tests.
    CommandLine::cargo()
        .args(["build", "--workspace", "--bins"])
        .run()
}

fn cargo_test(_: &Options) -> Result<()> {
    // Every test on the embedded default, SQLite, whatever the person's environment says; the
    // `postgres` step runs the portal's tests again on PostgreSQL, and the chaos test once
    // (tests/Cargo.toml keeps it out of a plain `cargo test`). Every test binary runs even
    // after one fails, so a run shows every failure at once.
    crate::python::ensure_tools()?;
    CommandLine::cargo()
        .args(["test", "--workspace", "--no-fail-fast"])
        .env(
            crate::python::PYTHON_ENV,
            &crate::python::tool("python").display().to_string(),
        )
        .env_remove(TEST_DATABASE_URL_ENV)
        .run()
}

/// The black-box tests that run on both databases: every `tests/tests/portal_*.rs` and these
/// (`copy` moves an SQLite portal's data into PostgreSQL, so on SQLite alone it only checks
/// its refusals).
const BLACK_BOX_TESTS_ON_BOTH: &[&str] = &["security", "assist_late_delivery", "push", "copy"];

/// The black-box tests that run once, on PostgreSQL only: the chaos test with two instances
/// and one killed, and PostgreSQL itself restarted during a drain (a private cluster of its
/// own). Every `tests/tests/postgres_*.rs` and these.
const BLACK_BOX_TESTS_ON_POSTGRES_ONLY: &[&str] = &["chaos"];

/// The names of the black-box test binaries that run on PostgreSQL too.
fn black_box_tests_on_both() -> Result<Vec<String>> {
    black_box_tests(|name| name.starts_with("portal_") || BLACK_BOX_TESTS_ON_BOTH.contains(&name))
}

/// The names of the black-box test binaries that run on PostgreSQL only.
fn black_box_tests_on_postgres_only() -> Result<Vec<String>> {
    black_box_tests(|name| {
        name.starts_with("postgres_") || BLACK_BOX_TESTS_ON_POSTGRES_ONLY.contains(&name)
    })
}

/// The names of the files of `tests/tests` that `wanted` picks, without `.rs`, sorted.
fn black_box_tests(wanted: impl Fn(&str) -> bool) -> Result<Vec<String>> {
    let dir = crate::workspace::root().join("tests/tests");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".rs").map(str::to_owned))
        .filter(|name| wanted(name))
        .collect();
    names.sort();
    Ok(names)
}

/// The portal on PostgreSQL: a throwaway cluster (or the person's own server), the offline
/// query data checked against it, the store's unit tests, the portal's black-box tests
/// again, each portal on a fresh database of that server, the tests that run on PostgreSQL
/// only (the chaos test on two instances, the database restart), and schemathesis with fewer
/// examples than on SQLite.
fn postgres(options: &Options) -> Result<()> {
    let server = TestServer::from_environment_or_start(ClusterOptions { durable: false })?;
    crate::query_data::run(&server, crate::query_data::Mode::Check)?;
    CommandLine::cargo()
        .args([
            "test",
            "--package",
            "opendvc-portal",
            "--bin",
            "opendvc-portal",
        ])
        .env(TEST_DATABASE_URL_ENV, server.url())
        .run()?;
    let mut command = CommandLine::cargo().args(["test", "--package", "opendvc-tests"]);
    for name in black_box_tests_on_both()?
        .into_iter()
        .chain(black_box_tests_on_postgres_only()?)
    {
        command = command.args(["--test", name.as_str()]);
    }
    if options.chaos_full {
        command = command.env("OPENDVC_CHAOS_FULL", "1");
    }
    command.env(TEST_DATABASE_URL_ENV, server.url()).run()?;
    crate::schemathesis::fuzz_api(crate::schemathesis::Database::Postgres(&server))
}

/// The outcome of one step, for the summary.
#[derive(Debug)]
enum Outcome {
    Passed(Ran),
    Failed(Ran),
    NotRun,
}

/// How long a step ran, and the space left on the build's disk when it ended: a CI machine's
/// disk is small, and a linker that runs out of it says only that it failed.
#[derive(Debug)]
struct Ran {
    elapsed: Duration,
    disk_free_bytes: Option<u64>,
}

pub fn run(options: Options, only: &[String]) -> Result<()> {
    let selected = select_steps(only)?;
    let steps: Vec<Step> = steps()
        .into_iter()
        .filter(|step| selected.contains(&step.name))
        .collect();
    let mut outcomes: Vec<(&str, Outcome)> = Vec::new();
    let mut failure = None;
    for step in &steps {
        if failure.is_some() {
            outcomes.push((step.name, Outcome::NotRun));
            continue;
        }
        println!("\n==> {}", step.name);
        let started = Instant::now();
        let result = (step.run)(&options);
        let ran = Ran {
            elapsed: started.elapsed(),
            disk_free_bytes: disk_free_bytes(&crate::workspace::target_dir()),
        };
        match result {
            Ok(()) => outcomes.push((step.name, Outcome::Passed(ran))),
            Err(error) => {
                outcomes.push((step.name, Outcome::Failed(ran)));
                failure = Some((step, error));
            }
        }
    }

    println!("\nsummary:");
    for (name, outcome) in &outcomes {
        println!("  {}", summary_line(name, outcome));
    }
    println!("{}", closing_line(&outcomes));
    match failure {
        None => Ok(()),
        Some((step, error)) => {
            let hint = step
                .hint
                .map(|hint| format!("\nhint: {hint}"))
                .unwrap_or_default();
            bail!("step `{}` failed: {error:#}{hint}", step.name)
        }
    }
}

/// The last line, in the plain `steps: N passed, N failed, N skipped` form that CI reads.
fn closing_line(outcomes: &[(&str, Outcome)]) -> String {
    let count = |wanted: fn(&Outcome) -> bool| {
        outcomes
            .iter()
            .filter(|(_, outcome)| wanted(outcome))
            .count()
    };
    let passed = count(|outcome| matches!(outcome, Outcome::Passed(_)));
    let failed = count(|outcome| matches!(outcome, Outcome::Failed(_)));
    let skipped = count(|outcome| matches!(outcome, Outcome::NotRun));
    if skipped == 0 {
        format!("steps: {passed} passed, {failed} failed")
    } else {
        format!("steps: {passed} passed, {failed} failed, {skipped} skipped")
    }
}

fn summary_line(name: &str, outcome: &Outcome) -> String {
    let ran = |label: &str, ran: &Ran| {
        let line = format!("{label:<8} {name:<12} {:>7.1} s", ran.elapsed.as_secs_f64());
        match ran.disk_free_bytes {
            Some(bytes) => format!("{line}   {:.1} GiB free", bytes as f64 / GIB),
            None => line,
        }
    };
    match outcome {
        Outcome::Passed(passed) => ran("ok", passed),
        Outcome::Failed(failed) => ran("FAILED", failed),
        Outcome::NotRun => format!("not run  {name}"),
    }
}

const GIB: f64 = (1u64 << 30) as f64;

/// Space available to this user on the file system that holds `path`, as `df` reports it (POSIX
/// output, 1024-byte blocks); `None` when `df` cannot tell.
fn disk_free_bytes(path: &std::path::Path) -> Option<u64> {
    let output = std::process::Command::new("df")
        .args(["-P", "-k"])
        .arg(path)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    parse_df_available_kib(&String::from_utf8_lossy(&output.stdout)).map(|kib| kib * 1024)
}

/// The "Available" column of `df -P -k`'s one data line.
fn parse_df_available_kib(output: &str) -> Option<u64> {
    output
        .lines()
        .nth(1)?
        .split_whitespace()
        .nth(3)?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_run_in_the_documented_order() {
        let names: Vec<&str> = steps().iter().map(|step| step.name).collect();
        assert_eq!(
            names,
            [
                "format",
                "fluent",
                "ui",
                "console",
                "clippy",
                "doc",
                "build",
                "cargo test",
                "postgres",
                "api fuzzing"
            ],
            "the UI must be built before the app compiles around it, and the build must come \
             before the tests and the fuzzing that run its binaries"
        );
    }

    #[test]
    fn only_runs_the_named_steps_in_their_usual_order_and_refuses_unknown_names() {
        let only = |names: &[&str]| {
            select_steps(
                &names
                    .iter()
                    .map(|name| (*name).to_owned())
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            only(&[]).expect("no names selects every step").len(),
            steps().len()
        );
        assert_eq!(
            only(&["clippy", "fluent"]).expect("known names"),
            ["fluent", "clippy"],
            "the steps keep their usual order"
        );
        assert!(only(&["lint"]).is_err(), "an unknown step name is an error");
    }

    #[test]
    fn the_console_is_built_before_any_step_that_builds_the_portal() {
        let names: Vec<&str> = steps().iter().map(|step| step.name).collect();
        let position = |name: &str| {
            names
                .iter()
                .position(|step| *step == name)
                .unwrap_or_else(|| panic!("a step named {name}"))
        };
        for portal_builder in [
            "clippy",
            "doc",
            "build",
            "cargo test",
            "postgres",
            "api fuzzing",
        ] {
            assert!(
                position("console") < position(portal_builder),
                "the console's files exist before `{portal_builder}` builds the portal: {names:?}"
            );
        }
    }

    #[test]
    fn every_portal_black_box_test_runs_on_postgres_too() {
        let names = black_box_tests_on_both().expect("tests/tests is read");
        for expected in ["portal_auth", "portal_idempotency", "security", "push"] {
            assert!(
                names.iter().any(|name| name == expected),
                "{expected} runs on PostgreSQL too: {names:?}"
            );
        }
        assert!(
            !names
                .iter()
                .any(|name| name == "chaos" || name.starts_with("app_")),
            "the app's and the chaos tests run once: {names:?}"
        );
    }

    #[test]
    fn the_chaos_and_the_database_restart_tests_run_once_on_postgres() {
        let names = black_box_tests_on_postgres_only().expect("tests/tests is read");
        for expected in ["chaos", "postgres_restart"] {
            assert!(
                names.iter().any(|name| name == expected),
                "{expected} runs in step postgres: {names:?}"
            );
        }
        let manifest = std::fs::read_to_string(crate::workspace::root().join("tests/Cargo.toml"))
            .expect("tests/Cargo.toml is read");
        assert!(
            manifest.contains("name = \"chaos\"\npath = \"tests/chaos.rs\"\ntest = false"),
            "the chaos test is kept out of the plain `cargo test` of step `cargo test`, so it \
             runs once"
        );
    }

    #[test]
    fn summary_shows_each_step_with_its_duration() {
        assert_eq!(
            summary_line("format", &passed(1234, None)),
            "ok       format           1.2 s"
        );
        assert_eq!(
            summary_line(
                "clippy",
                &Outcome::Failed(Ran {
                    elapsed: Duration::from_secs(61),
                    disk_free_bytes: None,
                })
            ),
            "FAILED   clippy          61.0 s"
        );
        assert_eq!(summary_line("doc", &Outcome::NotRun), "not run  doc");
    }

    #[test]
    fn summary_shows_the_space_left_on_the_build_disk_after_each_step() {
        assert_eq!(
            summary_line("build", &passed(2000, Some(3 << 29))),
            "ok       build            2.0 s   1.5 GiB free"
        );
        let df = "Filesystem     1024-blocks      Used Available Capacity Mounted on\n\
                  /dev/vda         263174212  39715964  55981228      42% /\n";
        assert_eq!(parse_df_available_kib(df), Some(55_981_228));
        assert_eq!(parse_df_available_kib("df: /nowhere: No such file\n"), None);
        assert!(
            disk_free_bytes(&crate::workspace::root()).is_some(),
            "df reads the workspace's disk"
        );
    }

    fn passed(millis: u64, disk_free_bytes: Option<u64>) -> Outcome {
        Outcome::Passed(Ran {
            elapsed: Duration::from_millis(millis),
            disk_free_bytes,
        })
    }

    #[test]
    fn closing_line_counts_steps_in_the_form_ci_reads() {
        assert_eq!(
            closing_line(&[("format", passed(1000, None))]),
            "steps: 1 passed, 0 failed"
        );
        assert_eq!(
            closing_line(&[
                ("format", passed(1000, None)),
                (
                    "clippy",
                    Outcome::Failed(Ran {
                        elapsed: Duration::from_secs(2),
                        disk_free_bytes: None,
                    })
                ),
                ("doc", Outcome::NotRun),
            ]),
            "steps: 1 passed, 1 failed, 1 skipped"
        );
    }
}
