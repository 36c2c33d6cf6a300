//! `--help` that reads like the AWS CLI's: every command's options grouped under headings, in
//! the order a command line is thought out (what to read, how to label it, the interval and
//! time, how to reach S3, what to write), and each option under its own heading: the S3 options
//! are global, and used to be listed wherever clap put them (`--profile` and `--region` between
//! `--measure` and `--dimension`).

use crate::common;

use common::*;

/// `l4m ARGS --help` at 100 columns (clap wraps to the terminal; a pipe has none).
fn help(args: &[&str]) -> String {
    let (code, out, err) = run(l4m().env("COLUMNS", "100").args(args).arg("--help"));
    assert_eq!(code, 0, "{err}");
    out
}

/// The headings of a help text (`Reading:`), in order.
fn headings(help: &str) -> Vec<&str> {
    help.lines()
        .filter(|l| !l.starts_with(' ') && l.ends_with(':'))
        .map(|l| l.trim_end_matches(':'))
        .collect()
}

/// Every option line's names (`-r`, `--recursive`) with the heading it is listed under. An option
/// line starts at column 2 (`  -r, --recursive`) or 6 (`      --profile <NAME>`); its help, when
/// wrapped, goes on further in.
fn options(help: &str) -> Vec<(&str, &str)> {
    let mut heading = "";
    let mut out = Vec::new();
    for line in help.lines() {
        if !line.starts_with(' ') && line.ends_with(':') {
            heading = line.trim_end_matches(':');
            continue;
        }
        let body = line.trim_start();
        if !body.starts_with('-') || line.len() - body.len() > 6 {
            continue;
        }
        for name in body
            .split([' ', ','])
            .filter(|w| !w.is_empty())
            .take_while(|w| w.starts_with('-'))
        {
            out.push((name, heading));
        }
    }
    out
}

/// The heading an option (`--profile`) is listed under.
fn heading_of<'a>(help: &'a str, option: &str) -> Option<&'a str> {
    options(help)
        .into_iter()
        .find(|(name, _)| *name == option)
        .map(|(_, heading)| heading)
}

const READING: &[&str] = &[
    "--recursive",
    "--format",
    "--delimiter",
    "--quote",
    "--header",
    "--no-header",
    "--concurrency",
];
const LABELS: &[&str] = &[
    "--timestamp",
    "--timestamp-format",
    "--measure",
    "--dimension",
    "--ignore",
];
const TIME: &[&str] = &["--frequency", "--timezone"];
const S3: &[&str] = &[
    "--profile",
    "--region",
    "--endpoint-url",
    "--no-sign-request",
    "--s3-timeout",
];

#[track_caller]
fn assert_under(help: &str, heading: &str, options: &[&str]) {
    for option in options {
        assert_eq!(heading_of(help, option), Some(heading), "{option}:\n{help}");
    }
}

#[test]
fn snapshot_coverage_help() {
    let text = help(&["coverage"]);
    insta::assert_snapshot!(text);
    // The options that were out of place: --profile after the S3 heading, not among the labels.
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} in:\n{text}"))
    };
    assert!(at("\nS3:\n") < at("--profile <NAME>"));
    assert!(at("--dimension <COL>") < at("\nS3:\n"));
    assert_eq!(heading_of(&text, "--profile"), Some("S3"));
    assert_eq!(heading_of(&text, "--region"), Some("S3"));
    assert_eq!(heading_of(&text, "--measure"), Some("Labels"));
}

#[test]
fn every_command_groups_its_options_under_headings_in_order() {
    let cases: &[(&[&str], &[&str])] = &[
        (
            &[],
            &[
                "Commands",
                "Arguments",
                "Options",
                "Reading",
                "Labels",
                "S3",
                "Athena",
                "Exit codes",
            ],
        ),
        (
            &["inspect"],
            &[
                "Arguments",
                "Options",
                "Reading",
                "Labels",
                "S3",
                "Output",
                "Exit codes",
            ],
        ),
        (
            &["coverage"],
            &[
                "Arguments",
                "Options",
                "Reading",
                "Labels",
                "Interval and time",
                "S3",
                "Athena",
                "Output",
                "Exit codes",
            ],
        ),
        (
            &["quality"],
            &[
                "Arguments",
                "Options",
                "Reading",
                "Labels",
                "Interval and time",
                "S3",
                "Athena",
                "Output",
                "Exit codes",
            ],
        ),
        (
            &["export"],
            &[
                "Arguments",
                "Options",
                "Reading",
                "Labels",
                "Interval and time",
                "S3",
                "Output",
                "Config fields",
                "Exit codes",
            ],
        ),
        (
            &["check"],
            &[
                "Arguments",
                "Options",
                "Reading",
                "S3",
                "Output",
                "Exit codes",
            ],
        ),
    ];
    for (command, expected) in cases {
        let text = help(command);
        assert_eq!(headings(&text), *expected, "{command:?}:\n{text}");
        // Nothing but help and version is left under the plain "Options".
        for (name, heading) in options(&text) {
            if heading == "Options" {
                assert!(
                    ["-h", "--help", "-V", "--version"].contains(&name),
                    "{command:?}: {name}"
                );
            }
        }
        assert_under(&text, "S3", S3);
    }
}

#[test]
fn each_option_sits_under_its_heading() {
    for command in ["coverage", "quality", "export"] {
        let text = help(&[command]);
        assert_under(&text, "Reading", READING);
        assert_under(&text, "Labels", LABELS);
        assert_under(&text, "Interval and time", TIME);
        assert_under(&text, "S3", S3);
        assert_under(&text, "Output", &["--json"]);
    }
    let inspect = help(&["inspect"]);
    assert_under(&inspect, "Reading", &READING[..6]);
    assert_under(&inspect, "Labels", LABELS);
    assert_under(&inspect, "Output", &["--json"]);
    let coverage = help(&["coverage"]);
    assert_under(&coverage, "Output", &["--require-threshold"]);
    let export = help(&["export"]);
    assert_under(&export, "Labels", &["--config"]);
    assert_under(&export, "Reading", &["--no-scan"]);
    assert_under(
        &export,
        "Output",
        &["--output", "--target", "--yaml", "--force", "--draft"],
    );
    assert_under(
        &export,
        "Config fields",
        &[
            "--name",
            "--description",
            "--offset",
            "--role-arn",
            "--detector-arn",
            "--historical-path",
            "--template-path",
            "--index",
            "--mapping",
            "--namespace",
        ],
    );
    let check = help(&["check"]);
    assert_under(&check, "Reading", &["--recursive", "--concurrency"]);
    assert_under(&check, "Output", &["--json"]);
    // The UI's own options.
    let ui = help(&[]);
    assert_under(&ui, "Reading", &["--concurrency"]);
    assert_under(&ui, "Labels", &["--config", "--fresh"]);
}

#[cfg(feature = "s3")]
#[test]
fn s3_options_work_before_or_after_the_command() {
    // Given after the command, where its help lists them, or before it, as the README shows: the
    // same value reaches the command (an endpoint without a scheme is refused before any request).
    for args in [
        &["--endpoint-url", "127.0.0.1:9", "inspect", "s3://bkt/data/"][..],
        &["inspect", "s3://bkt/data/", "--endpoint-url", "127.0.0.1:9"][..],
    ] {
        let (code, _, err) = run(l4m().args(args));
        assert_eq!(code, 1, "{args:?}: {err}");
        assert_eq!(
            err.trim_end(),
            "l4m: error: the S3 endpoint \"127.0.0.1:9\" does not start with http:// or https://: give --endpoint-url http://127.0.0.1:9000",
            "{args:?}"
        );
    }
}
