//! `cargo xtask`: the project's own build, test and benchmark driver.
//!
//! CI (`.ci/run`) and a person at a terminal run the same commands:
//! - `cargo xtask test [--chaos-full] [--only STEP,…]`: every check the project has, in order,
//!   stopping at the first failure.
//! - `cargo xtask run`: the demo, as far as it exists.
//! - `cargo xtask console`: the officers' web console built into `console/dist`, which the
//!   portal embeds when it is built next.
//! - `cargo xtask sqlx-prepare`: the portal's offline query data, written anew.
//! - `cargo xtask bench`: measurements beside their baselines; benchmarks only report.

mod bench;
mod command;
mod console;
mod fluent;
mod portal;
mod postgres;
mod python;
mod query_data;
mod run;
mod schemathesis;
mod signin;
mod test;
mod ui;
mod workspace;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    about = "OpenDVC's build, test and benchmark driver"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run every check: formatting, lints, docs, build, tests, Fluent files, API fuzzing.
    Test {
        /// Run the chaos test at full size (1,000 submissions, at least 20 kills).
        #[arg(long)]
        chaos_full: bool,
        /// Run only these steps (format, fluent, ui, console, clippy, doc, build, cargo test,
        /// postgres, api fuzzing), comma-separated; CI runs them all.
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
    },
    /// Start the demo: the reference portal with demo data on http://127.0.0.1:8080.
    Run,
    /// Build the officers' web console (console/dist), which the portal embeds at build time.
    Console,
    /// Rewrite the portal's offline query data (crates/portal/.sqlx) from a throwaway
    /// PostgreSQL (or $OPENDVC_TEST_DATABASE_URL), after a query or a migration changed.
    SqlxPrepare,
    /// Measure throughput and latency beside bare baselines; write target/bench/results.json.
    Bench {
        /// Run only these benchmarks (applications, queue, search, events, app, portal); all by default.
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
        /// The cargo profile to build and measure: `release` (what ships) or `profiling`
        /// (optimised alike, with symbols and without LTO, for `perf`).
        #[arg(long, default_value = "release")]
        profile: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Test { chaos_full, only } => test::run(test::Options { chaos_full }, &only),
        Command::Run => run::run(),
        Command::Console => console::build(),
        Command::SqlxPrepare => {
            postgres::TestServer::from_environment_or_start(postgres::ClusterOptions {
                durable: false,
            })
            .and_then(|server| query_data::run(&server, query_data::Mode::Write))
        }
        Command::Bench { only, profile } => bench::run(&only, &profile),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            ExitCode::FAILURE
        }
    }
}
