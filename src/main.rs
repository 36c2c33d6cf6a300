//! `l4m`: the command line and terminal UI of l4m-explorer.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Panics print a readable report (with a backtrace only when RUST_BACKTRACE asks for one).
    let _ = color_eyre::install();
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => ExitCode::from(failure.report()),
    }
}
