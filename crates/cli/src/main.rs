//! `opendvc`: the headless OpenDVC client over the core's [`opendvc_core::OpenDvc`] façade, for scripting,
//! kiosks and tests.

mod args;
mod commands;
mod exit;
mod notifications;
mod output;
mod queue;
mod quote;
mod staff;
mod watch;

use std::process::ExitCode;

use clap::Parser;

use crate::args::Cli;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _printed = error.print();
            return ExitCode::from(code);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            output::err_line(&format!("opendvc: {error}"));
            return ExitCode::from(exit::ERROR);
        }
    };
    ExitCode::from(runtime.block_on(commands::run(cli)))
}
