//! The integration tests, as one binary: one build and one link for all of them. Each module is
//! one concern; the modules that drive the terminal UI or S3 are compiled with those features.
//!
//! Shared support is in [`common`]: the real binary, the fixtures and the API model as oracle,
//! synthetic datasets of known coverage, moto and a fault-injecting proxy, the UI drivers.

mod common;

mod athena;
#[cfg(feature = "athena")]
mod athena_moto;
mod backtest;
mod cfn_lint;
mod check;
#[cfg(feature = "s3")]
mod check_s3;
mod cli_aws_sample;
mod cli_bad_input;
mod cli_generated;
mod cli_help;
mod cli_snapshots;
mod dst;
mod engine_names_no_flags;
mod files_as_tools_write_them;
mod findings_stale;
mod fuzz_regressions;
mod hostile_input;
mod interrupt;
mod interval_choice;
mod quality;
#[cfg(feature = "s3")]
mod s3;
#[cfg(feature = "s3")]
mod s3_faults;
#[cfg(feature = "s3")]
mod s3_tls;
mod sample_is_reproducible;
mod scan_threads;
mod series;
mod source_faults;
mod structure;
mod successors;
mod synth;
#[cfg(feature = "tui")]
mod tui;
#[cfg(feature = "tui")]
mod tui_backtest;
#[cfg(feature = "tui")]
mod tui_chart;
#[cfg(feature = "tui")]
mod tui_config;
#[cfg(feature = "tui")]
mod tui_explorer;
#[cfg(feature = "tui")]
mod tui_pty;
#[cfg(feature = "tui")]
mod tui_quality;
#[cfg(feature = "tui")]
mod tui_truth;
