//! The terminal UI without a terminal: keys in, state out (the worker's requests are run in line
//! against the real engine), and every screen drawn on ratatui's TestBackend as an insta snapshot.

use crate::common;

use common::tui::*;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use chrono::{TimeZone, Utc};
use l4m::coverage::ScanControl;
use l4m::schema::{Aggregation, Frequency, Role};
use l4m::source::{Entry, EntryKind, Location};
use l4m::tui::app::{App, Options, Screen};
use l4m::tui::export::FieldKey;
use l4m::tui::keys::Key;
use l4m::tui::worker::{Answer, Job, Response};

/// The bundled sample, opened as a dataset (the folder's files).
fn sample_dataset() -> App {
    let mut app = App::new(
        Location::Local(PathBuf::from("assets/ecommerce")),
        false,
        Options::default(),
    );
    // cargo runs tests from the crate root, where assets/ is.
    pump(&mut app);
    keys(&mut app, &[Key::Char('o')]);
    app
}

fn role(app: &App, column: &str) -> (Role, Aggregation) {
    let l = app.dataset.as_ref().unwrap().labels.get(column).unwrap();
    (l.role, l.aggregation)
}

#[test]
fn browser_opens_folders_filters_and_goes_back_up() {
    let mut app = App::new(
        Location::Local(PathBuf::from("assets")),
        false,
        Options::default(),
    );
    pump(&mut app);
    let names: Vec<&str> = app
        .browser
        .entries
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(names, ["ecommerce", "README.md", "sample-pandas.csv"]);
    keys(&mut app, &[Key::Enter]);
    assert_eq!(
        app.browser.location,
        Location::Local(PathBuf::from("assets/ecommerce"))
    );
    assert_eq!(app.browser.entries.len(), 24);
    keys(&mut app, &[Key::Char('G')]);
    assert_eq!(app.browser.selected, 23);
    keys(&mut app, &[Key::Char('/')]);
    typed(&mut app, "10-1");
    let visible: Vec<String> = app
        .browser
        .visible()
        .iter()
        .map(|e| e.name.clone())
        .collect();
    assert_eq!(visible.len(), 10, "{visible:?}");
    assert_eq!(visible[0], "2020-10-10.csv");
    keys(&mut app, &[Key::Enter, Key::Esc]);
    assert_eq!(app.browser.visible().len(), 24, "Esc clears the filter");
    keys(&mut app, &[Key::Char('h')]);
    assert!(app.browser.location.to_string().ends_with("assets"));
    assert_eq!(
        app.browser.visible()[app.browser.selected].name,
        "ecommerce",
        "the folder we came from is selected"
    );
}

#[test]
fn a_non_data_file_is_not_opened_and_the_status_says_why() {
    let mut app = App::new(
        Location::Local(PathBuf::from("assets")),
        false,
        Options::default(),
    );
    pump(&mut app);
    keys(&mut app, &[Key::Char('j'), Key::Enter]);
    assert_eq!(app.screen, Screen::Browser);
    let status = app.status().cloned().unwrap();
    assert!(status.error);
    assert!(
        status.text.starts_with("README.md: not CSV or JSON lines"),
        "{}",
        status.text
    );
}

#[test]
fn opening_the_sample_suggests_labels_and_the_interval() {
    let app = sample_dataset();
    assert_eq!(app.screen, Screen::Dataset);
    let d = app.dataset.as_ref().unwrap();
    assert_eq!(d.frequency(), Some(Frequency::PT1H));
    assert_eq!(d.labels.timestamp(), Some("timestamp"));
    assert_eq!(d.labels.dimensions(), ["platform", "marketplace"]);
    assert_eq!(role(&app, "session_id").0, Role::Ignored);
    // Prefilled from the location: the name; the ARNs and paths are left for the user.
    assert_eq!(app.export.value(FieldKey::Name), "ecommerce");
    assert_eq!(app.export.value(FieldKey::RoleArn), "");
}

#[test]
fn labelling_keys_change_the_column_under_the_cursor_and_r_resets() {
    let mut app = sample_dataset();
    keys(&mut app, &[Key::Char('l'), Key::Char('l'), Key::Char('l')]);
    assert_eq!(app.dataset.as_ref().unwrap().column, 3);
    keys(&mut app, &[Key::Char('a')]);
    assert_eq!(role(&app, "views"), (Role::Measure, Aggregation::Avg));
    keys(&mut app, &[Key::Char('i')]);
    assert_eq!(role(&app, "views").0, Role::Ignored);
    keys(&mut app, &[Key::Char('d')]);
    assert_eq!(role(&app, "views").0, Role::Dimension);
    keys(&mut app, &[Key::Char('r')]);
    assert_eq!(role(&app, "views"), (Role::Measure, Aggregation::Sum));
    keys(&mut app, &[Key::Left, Key::Left, Key::Char('m')]);
    assert_eq!(role(&app, "marketplace").0, Role::Measure);
    // A text measure is an error finding.
    assert!(
        app.findings
            .list
            .iter()
            .any(|f| f.rule.as_str() == "measure-numeric")
    );
}

#[test]
fn the_timestamp_format_is_checked_live_while_typed() {
    let mut app = sample_dataset();
    keys(&mut app, &[Key::Char('f')]);
    for _ in 0..19 {
        app.key(Key::Backspace);
    }
    typed(&mut app, "yyyy/MM/dd");
    let d = app.dataset.as_ref().unwrap();
    let check = d.format_check(d.format_input.as_ref().unwrap().value());
    assert_eq!((check.parsed, check.total, check.problem), (0, 504, None));
    assert_eq!(check.first_bad.as_deref(), Some("2020-10-01 00:00:00"));
    // A format that does not compile is refused on Enter and stays in the editor.
    typed(&mut app, " QQ");
    app.key(Key::Enter);
    assert!(app.status().unwrap().error);
    assert!(app.dataset.as_ref().unwrap().format_input.is_some());
    app.key(Key::Esc);
    let d = app.dataset.as_ref().unwrap();
    assert!(d.format_input.is_none());
    assert_eq!(
        d.labels.timestamp_format.as_ref().map(|f| f.pattern()),
        Some("yyyy-MM-dd HH:mm:ss")
    );
}

#[test]
fn coverage_scans_the_whole_folder_and_switches_interval() {
    let mut app = sample_dataset();
    keys(&mut app, &[Key::Char('c')]);
    assert_eq!(app.screen, Screen::Coverage);
    let r = app.coverage.as_ref().unwrap().result().cloned().unwrap();
    assert_eq!(r.read.records, 11_508);
    assert_eq!(r.span.intervals_with_data, 548);
    assert!(r.history.meets_threshold);
    keys(&mut app, &[Key::Char('4')]);
    let r = app.coverage.as_ref().unwrap().result().cloned().unwrap();
    assert_eq!(r.frequency, Frequency::P1D);
    assert_eq!(r.span.intervals_with_data, 24);
    assert!(!r.history.meets_threshold);
    assert!(
        app.findings
            .list
            .iter()
            .any(|f| f.rule.as_str() == "interval-count")
    );
    // The choice carries to the export form.
    assert_eq!(app.export.value(FieldKey::Frequency), "P1D");
}

#[test]
fn esc_cancels_a_running_scan_and_the_result_says_partial() {
    let mut app = sample_dataset();
    app.key(Key::Char('c'));
    assert!(app.scan_progress().is_some(), "the scan is running");
    app.key(Key::Esc);
    assert_eq!(
        app.screen,
        Screen::Coverage,
        "Esc cancels first, it does not leave"
    );
    pump(&mut app);
    let c = app.coverage.as_ref().unwrap();
    assert!(!c.running());
    assert!(c.result().unwrap().completeness.cancelled);
    assert!(app.status().unwrap().text.starts_with("scan cancelled"));
    keys(&mut app, &[Key::Esc]);
    assert_eq!(app.screen, Screen::Dataset);
}

#[test]
fn timezone_is_set_from_the_coverage_screen() {
    let mut app = sample_dataset();
    keys(&mut app, &[Key::Char('c'), Key::Char('z')]);
    for _ in 0..3 {
        app.key(Key::Backspace);
    }
    typed(&mut app, "Mars/Base");
    keys(&mut app, &[Key::Enter]);
    assert!(
        app.status()
            .unwrap()
            .text
            .starts_with("unknown timezone \"Mars/Base\"")
    );
    app.key(Key::Esc);
    keys(&mut app, &[Key::Char('z')]);
    for _ in 0..3 {
        app.key(Key::Backspace);
    }
    typed(&mut app, "America/New_York");
    keys(&mut app, &[Key::Enter]);
    let r = app.coverage.as_ref().unwrap().result().cloned().unwrap();
    assert_eq!(r.timezone.name(), "America/New_York");
    assert_eq!(
        r.span.first_interval.unwrap().to_rfc3339(),
        "2020-10-01T04:00:00+00:00"
    );
}

#[test]
fn export_writes_a_valid_config_and_asks_before_replacing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ecommerce.json");
    let mut app = sample_dataset();
    keys(&mut app, &[Key::Char('e')]);
    assert_eq!(app.screen, Screen::Export);
    // With errors nothing is written.
    keys(&mut app, &[Key::Char('w')]);
    assert!(
        app.status()
            .unwrap()
            .text
            .starts_with("not written: 3 error(s)")
    );
    fill(
        &mut app,
        FieldKey::RoleArn,
        "arn:aws:iam::123456789012:role/L4MRole",
    );
    fill(
        &mut app,
        FieldKey::DetectorArn,
        "arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:ecommerce",
    );
    fill(
        &mut app,
        FieldKey::HistoricalPath,
        "s3://my-bucket/ecommerce/backtest/",
    );
    fill(&mut app, FieldKey::Output, out.to_str().unwrap());
    // Nothing left to fix: only the warning every L4M config carries, worded as the form's field.
    let rules: Vec<&str> = app.findings.list.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["end-of-support"]);
    let f = &app.findings.list[0];
    assert_eq!(f.severity, l4m::config::Severity::Warning);
    let said = l4m::fix::Words::finding(&l4m::tui::words::TuiWords, f);
    assert!(
        said.starts_with("Lookout for Metrics reached its end of support on 2025-09-12 and its API no longer takes a CreateMetricSet request"),
        "{said}"
    );
    assert!(
        said.ends_with(": set the export form's target to opensearch, or set the export form's target to cloudwatch"),
        "{said}"
    );
    keys(&mut app, &[Key::Char('w')]);
    assert_eq!(
        app.status().unwrap().text,
        format!("wrote {}", out.display())
    );
    let written: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(common::metric_set_violations(&written), []);
    assert_eq!(written["MetricSetName"], "ecommerce");
    assert_eq!(
        written["MetricSource"]["S3SourceConfig"]["RoleArn"],
        "arn:aws:iam::123456789012:role/L4MRole"
    );

    // Again: the file exists, so the form asks; n keeps the file.
    std::fs::write(&out, "keep").unwrap();
    keys(&mut app, &[Key::Char('w')]);
    assert_eq!(app.export.confirm_overwrite.as_deref(), Some(out.as_path()));
    keys(&mut app, &[Key::Char('n')]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep");
    keys(&mut app, &[Key::Char('w'), Key::Char('y')]);
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("\"MetricSetName\": \"ecommerce\"")
    );

    // CloudFormation as YAML: the role becomes a parameter only when none is given.
    keys(&mut app, &[Key::Char(' ')]);
    assert_eq!(app.export.target, l4m::config::ExportTarget::CloudFormation);
    // The path the user typed stays when the target changes.
    assert_eq!(app.export.value(FieldKey::Output), out.to_str().unwrap());
    let (value, _) = app.export_preview().unwrap();
    assert_eq!(common::cloudformation_violations(&value), []);
}

#[test]
fn switching_the_target_renames_the_default_output_and_yaml_is_for_cloudformation_only() {
    let mut app = sample_dataset();
    keys(&mut app, &[Key::Char('e')]);
    assert_eq!(
        app.export.value(FieldKey::Output),
        "ecommerce-metric-set.json"
    );
    // On the syntax row, YAML is refused for the API request.
    keys(&mut app, &[Key::Down, Key::Char(' ')]);
    assert!(!app.export.yaml);
    assert!(
        app.status()
            .unwrap()
            .text
            .starts_with("YAML is for CloudFormation")
    );
    keys(&mut app, &[Key::Up, Key::Char(' ')]);
    assert_eq!(app.export.target, l4m::config::ExportTarget::CloudFormation);
    assert_eq!(
        app.export.value(FieldKey::Output),
        "ecommerce-cloudformation.json"
    );
    keys(&mut app, &[Key::Down, Key::Enter]);
    assert!(app.export.yaml);
    assert_eq!(
        app.export.value(FieldKey::Output),
        "ecommerce-cloudformation.yaml"
    );
    let (_, text) = app.export_preview().unwrap();
    assert!(
        text.starts_with("AWSTemplateFormatVersion: \"2010-09-09\"\n"),
        "{text}"
    );
}

#[test]
fn labels_persist_between_files_of_one_folder() {
    let mut app = App::new(
        Location::Local(PathBuf::from("assets/ecommerce")),
        false,
        Options::default(),
    );
    pump(&mut app);
    keys(&mut app, &[Key::Enter]);
    assert_eq!(app.screen, Screen::Dataset);
    keys(
        &mut app,
        &[
            Key::Char('l'),
            Key::Char('l'),
            Key::Char('l'),
            Key::Char('i'),
        ],
    );
    assert_eq!(role(&app, "views").0, Role::Ignored);
    keys(&mut app, &[Key::Esc, Key::Char('j'), Key::Enter]);
    let d = app.dataset.as_ref().unwrap();
    assert!(d.location.to_string().ends_with("2020-10-02.csv"));
    assert_eq!(role(&app, "views").0, Role::Ignored);
    assert!(app.status().unwrap().text.starts_with("labels kept"));
}

#[test]
fn help_shows_the_screen_keys_and_any_key_closes_it() {
    let mut app = sample_dataset();
    app.key(Key::Char('?'));
    assert!(app.help);
    let screen = draw(&app, 100, 40);
    assert!(screen.contains("label the column as the timestamp"));
    app.key(Key::Char('t'));
    assert!(!app.help);
    assert_eq!(
        role(&app, "platform").0,
        Role::Dimension,
        "the closing key does nothing else"
    );
}

// ---- snapshots ---------------------------------------------------------------------------------

fn fixed_entries() -> Vec<Entry> {
    let t = Utc.with_ymd_and_hms(2020, 12, 7, 10, 30, 0).unwrap();
    let e = |name: &str, kind, size| Entry {
        name: name.into(),
        kind,
        size,
        modified: Some(t),
        location: Location::Local(PathBuf::from("data").join(name)),
    };
    vec![
        e("20201001", EntryKind::Folder, None),
        e("backtest", EntryKind::Folder, None),
        e("2020-10-01.csv", EntryKind::File, Some(28_652)),
        e("events.jsonl.gz", EntryKind::File, Some(1_234_567)),
        e("notes.md", EntryKind::File, Some(312)),
    ]
}

/// The id of the listing request the app queued last.
fn list_id(app: &mut App) -> u64 {
    app.take_requests()
        .into_iter()
        .rev()
        .find(|r| matches!(r.job, Job::List { .. }))
        .map(|r| r.id)
        .expect("a listing was asked for")
}

fn browser_with(result: Result<Vec<Entry>, l4m::Error>) -> App {
    let mut app = App::new(
        Location::Local(PathBuf::from("data")),
        false,
        Options::default(),
    );
    let id = list_id(&mut app);
    app.on_response(Response {
        id,
        answer: Answer::Listed {
            location: Location::Local(PathBuf::from("data")),
            more: false,
            result: result.map(|entries| (entries, None)).map_err(Arc::new),
        },
    });
    // The previews of these made-up entries are not read.
    app.take_requests();
    app
}

#[test]
fn snapshot_browser() {
    let mut app = browser_with(Ok(fixed_entries()));
    app.key(Key::Char('j'));
    insta::assert_snapshot!(draw(&app, 80, 24));
}

#[test]
fn snapshot_browser_empty_folder() {
    insta::assert_snapshot!(draw(&browser_with(Ok(Vec::new())), 80, 24));
}

#[test]
fn snapshot_browser_error() {
    let app = browser_with(Err(l4m::Error::PermissionDenied {
        location: Location::Local(PathBuf::from("data")),
    }));
    insta::assert_snapshot!(draw(&app, 80, 24));
}

#[test]
fn snapshot_columns() {
    insta::assert_snapshot!(draw(&sample_dataset(), 100, 30));
}

#[test]
fn snapshot_columns_at_80x24_scrolled_right() {
    let mut app = sample_dataset();
    keys(&mut app, &[Key::Char('l'); 5]);
    insta::assert_snapshot!(draw(&app, 80, 24));
}

#[test]
fn snapshot_format_editor() {
    let mut app = sample_dataset();
    keys(&mut app, &[Key::Char('f')]);
    for _ in 0..3 {
        app.key(Key::Backspace);
    }
    insta::assert_snapshot!(draw(&app, 100, 30));
}

#[test]
fn snapshot_coverage_pass() {
    let mut app = sample_dataset();
    keys(&mut app, &[Key::Char('c')]);
    insta::assert_snapshot!(draw(&app, 100, 30));
}

#[test]
fn snapshot_coverage_fail_daily() {
    let mut app = sample_dataset();
    keys(&mut app, &[Key::Char('c'), Key::Char('4')]);
    insta::assert_snapshot!(draw(&app, 100, 30));
}

#[test]
fn snapshot_coverage_scan_in_progress() {
    let mut app = sample_dataset();
    app.key(Key::Char('c'));
    let c = app.coverage.as_ref().unwrap();
    let control: &Arc<ScanControl> = &c.running_scan().unwrap().control;
    control.files_done.store(9, Ordering::Relaxed);
    control.bytes_read.store(257_000, Ordering::Relaxed);
    insta::assert_snapshot!(draw(&app, 100, 30));
}

#[test]
fn snapshot_findings() {
    let mut app = sample_dataset();
    keys(&mut app, &[Key::Char('v')]);
    insta::assert_snapshot!(draw(&app, 100, 30));
}

#[test]
fn snapshot_export() {
    let mut app = sample_dataset();
    keys(&mut app, &[Key::Char('e'), Key::Char('j'), Key::Char('j')]);
    insta::assert_snapshot!(draw(&app, 100, 30));
}

#[test]
fn snapshot_help() {
    let mut app = sample_dataset();
    app.key(Key::Char('?'));
    insta::assert_snapshot!(draw(&app, 100, 30));
}

#[test]
fn snapshot_too_small() {
    insta::assert_snapshot!(draw(&browser_with(Ok(fixed_entries())), 50, 10));
}
