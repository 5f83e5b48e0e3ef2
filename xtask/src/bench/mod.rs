//! `cargo xtask bench`: measurements of the project beside bare baselines measured in the same
//! run on the same machine, so the ratio means something on any machine.
//!
//! Benchmarks only report: no number fails the command. A benchmark that cannot run at all
//! (the portal does not start, a request is refused) is an error, reported after the others ran.
//! Adding a benchmark is one function returning [`Measurement`]s and one line in [`benches`].

mod app;
mod applications;
mod events;
mod first_screen;
mod load;
mod lossy_link;
mod portal;
mod queue;
mod report;
mod search;
mod sqlite_baseline;

use std::path::PathBuf;

use anyhow::{Result, bail};
use serde::Serialize;

use crate::command::CommandLine;

/// One number, with the baseline it is compared to.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Measurement {
    /// The benchmark it belongs to.
    pub bench: &'static str,
    pub name: String,
    pub value: f64,
    pub unit: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Baseline>,
    /// `value / baseline.value`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratio: Option<f64>,
    /// How it was measured (counts, concurrency, errors seen).
    pub details: serde_json::Value,
}

/// A bare measurement that a project measurement is compared to.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Baseline {
    pub name: String,
    pub value: f64,
    pub unit: &'static str,
}

impl Measurement {
    pub fn new(
        bench: &'static str,
        name: impl Into<String>,
        value: f64,
        unit: &'static str,
    ) -> Self {
        Measurement {
            bench,
            name: name.into(),
            value,
            unit,
            baseline: None,
            ratio: None,
            details: serde_json::Value::Null,
        }
    }

    pub fn compared_to(mut self, baseline: &Measurement) -> Self {
        self.ratio = (baseline.value > 0.0).then(|| self.value / baseline.value);
        self.baseline = Some(Baseline {
            name: baseline.name.clone(),
            value: baseline.value,
            unit: baseline.unit,
        });
        self
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

/// What every benchmark gets: where to put its files and which binaries to run.
#[derive(Debug)]
pub struct BenchContext {
    /// A folder on disk (not tmpfs) for databases; emptied before each run.
    pub work_dir: PathBuf,
    pub portal_binary: PathBuf,
    /// The cargo profile the measured binaries were built with (`release` unless asked).
    pub profile: String,
}

impl BenchContext {
    /// The portal bench's bare HTTP server (`crates/portal/examples/bare_http.rs`).
    pub fn bare_http_binary(&self) -> PathBuf {
        crate::workspace::target_dir()
            .join(&self.profile)
            .join("examples")
            .join("bare_http")
    }
}

/// A benchmark: a name, the function that measures, and whether it measures the app (which
/// needs the UI and the app built, not only the portal).
#[derive(Debug, Clone, Copy)]
struct Bench {
    name: &'static str,
    run: fn(&BenchContext) -> Result<Vec<Measurement>>,
    needs_app: bool,
}

fn benches() -> Vec<Bench> {
    vec![
        Bench {
            name: "applications",
            run: applications::run,
            needs_app: false,
        },
        Bench {
            name: "queue",
            run: queue::run,
            needs_app: false,
        },
        Bench {
            name: "search",
            run: search::run,
            needs_app: false,
        },
        Bench {
            name: "events",
            run: events::run,
            needs_app: false,
        },
        Bench {
            name: "app",
            run: app::run,
            needs_app: true,
        },
        Bench {
            name: "portal",
            run: portal::run,
            needs_app: false,
        },
    ]
}

pub fn run(only: &[String], profile: &str) -> Result<()> {
    let known: Vec<&str> = benches().iter().map(|bench| bench.name).collect();
    if let Some(unknown) = only.iter().find(|name| !known.contains(&name.as_str())) {
        bail!(
            "no benchmark is called {unknown}; there are: {}",
            known.join(", ")
        );
    }
    if cfg!(debug_assertions) {
        // `cargo xtask` is a debug build. The load it generates (HTTP clients, JSON) shares the
        // machine with what it measures, and unoptimised it takes a fifth of the CPU the portal
        // needs; so the benchmarks run in an xtask built with the measured profile.
        CommandLine::cargo()
            .args([
                "build",
                "--profile",
                profile,
                "--quiet",
                "--package",
                "xtask",
            ])
            .run()?;
        let bench = CommandLine::new(crate::workspace::binary(profile, "xtask"))
            .arg("bench")
            .arg("--profile")
            .arg(profile);
        return if only.is_empty() {
            bench
        } else {
            bench.arg("--only").arg(only.join(","))
        }
        .run();
    }
    let selected: Vec<Bench> = benches()
        .into_iter()
        .filter(|bench| only.is_empty() || only.iter().any(|name| name == bench.name))
        .collect();
    // The benchmarks measure binaries of `profile`; xtask itself is not measured. The portal
    // embeds the officers' console, so it is built first, as `run` and `test` do: the portal
    // measured is the one they ship, and without `console/dist` cargo would run the portal's
    // build script again, and rebuild the portal, at every bench. The app embeds the built UI,
    // so the UI is built first too; without the app bench only the portal is built.
    crate::console::build()?;
    if selected.iter().any(|bench| bench.needs_app) {
        crate::run::build_ui()?;
        CommandLine::cargo()
            .args([
                "build",
                "--profile",
                profile,
                "--workspace",
                "--bins",
                // The app bench's bare baseline is an example; built in the same run it gets
                // the same features as the app.
                "--examples",
                "--exclude",
                "xtask",
            ])
            .run()?;
    } else {
        CommandLine::cargo()
            .args([
                "build",
                "--profile",
                profile,
                "--package",
                "opendvc-portal",
                "--bins",
                // The bare HTTP baseline of the applications bench.
                "--example",
                "bare_http",
            ])
            .run()?;
    }
    let bench_dir = crate::workspace::target_dir().join("bench");
    let context = BenchContext {
        work_dir: bench_dir.join("work"),
        portal_binary: crate::workspace::binary(profile, "opendvc-portal"),
        profile: profile.to_owned(),
    };

    let mut measurements = Vec::new();
    let mut errors = Vec::new();
    for bench in selected {
        println!("\n==> bench {}", bench.name);
        if context.work_dir.exists() {
            std::fs::remove_dir_all(&context.work_dir)?;
        }
        std::fs::create_dir_all(&context.work_dir)?;
        match (bench.run)(&context) {
            Ok(found) => measurements.extend(found),
            Err(error) => {
                eprintln!("xtask: bench {} could not run: {error:#}", bench.name);
                errors.push(format!("{}: {error:#}", bench.name));
            }
        }
    }
    if context.work_dir.exists() {
        std::fs::remove_dir_all(&context.work_dir)?;
    }

    println!("\n{}", report::table(&measurements));
    let results_path = bench_dir.join("results.json");
    report::write_json(&results_path, &measurements, &errors)?;
    println!("results written to {}", results_path.display());
    if !errors.is_empty() {
        bail!(
            "{} benchmark(s) could not run:\n  {}",
            errors.len(),
            errors.join("\n  ")
        );
    }
    Ok(())
}
