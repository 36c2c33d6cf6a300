//! Per-metric quality in the terminal UI: the backtest's split under the histogram, the coverage
//! narrowed to one dimension value or one metric, and the per-metric findings. Keys in, state out
//! (requests run in line against the real engine), and snapshots of what is drawn.

use crate::common;

use common::tui::*;

use std::path::Path;

use l4m::source::Location;
use l4m::tui::app::{App, Options};
use l4m::tui::keys::Key;
use l4m::tui::narrow::Kind;

/// 3,100 hours from 2021-01-01: `web` every hour, `app` every 12th hour with its revenue only
/// every 48th hour (65 intervals with data; revenue empty in 194 of 3,359 records, 94.2%).
fn sparse_app() -> tempfile::TempDir {
    let start = chrono::NaiveDate::from_ymd_opt(2021, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let mut lines = vec!["ts,platform,revenue".to_string()];
    for h in 0..3100 {
        let t = (start + chrono::Duration::hours(h)).format("%Y-%m-%d %H:%M:%S");
        lines.push(format!("{t},web,{}", 10 + h % 7));
        if h % 12 == 0 {
            let revenue = if h % 48 == 0 { "5" } else { "" };
            lines.push(format!("{t},app,{revenue}"));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("data.csv"), lines.join("\n") + "\n").unwrap();
    dir
}

/// The dataset opened and scanned: the coverage screen.
fn scanned(dir: &Path, size: (u16, u16)) -> App {
    let mut app = App::new(Location::Local(dir.into()), false, Options::default());
    app.ctx.size = size;
    pump(&mut app);
    keys(&mut app, &[Key::Char('o')]);
    keys(&mut app, &[Key::Char('c')]);
    app
}

fn labels(app: &App) -> Vec<String> {
    let p = app.coverage.as_ref().unwrap().picker.as_ref().unwrap();
    p.visible().iter().map(|c| c.label.clone()).collect()
}

fn intervals_shown(app: &App) -> u64 {
    let c = app.coverage.as_ref().unwrap();
    c.shown().unwrap().0.span.intervals_with_data
}

#[test]
fn the_backtest_split_is_placed_on_the_most_recent_3000_intervals_with_a_legend() {
    let dir = sparse_app();
    let app = scanned(dir.path(), (100, 30));
    let split = app.coverage.as_ref().unwrap().split().unwrap();
    // 3,100 intervals: the first 100 are left out, then 2,100 training and 900 testing.
    assert_eq!(
        (split.start, split.test, split.end),
        (100, 2200, 3100),
        "{split:?}"
    );
    assert_eq!(
        (split.training, split.testing, split.left_out),
        (2100, 900, 100)
    );
    let screen = draw(&app, 100, 30);
    assert!(
        screen
            .contains("backtest of the last 3,000: ━ training 2,100 ━ testing 900 · left out 100"),
        "{screen}"
    );
    assert!(screen.contains("━ training 2,100 ━"), "{screen}");
}

#[test]
fn the_readout_names_the_part_of_the_backtest_under_the_cursor() {
    let dir = sparse_app();
    let mut app = scanned(dir.path(), (100, 30));
    keys(&mut app, &[Key::Char('+'); 8]);
    let screen = draw(&app, 100, 30);
    assert!(screen.contains("(not in the backtest)"), "{screen}");
    keys(&mut app, &[Key::Char('G')]);
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains("▶ 2021-05-10 03:00 UTC   1 record, 1 file   (testing)"),
        "{screen}"
    );
}

#[test]
fn the_findings_panel_names_the_sparse_metric_and_the_thin_column() {
    let dir = sparse_app();
    let mut app = scanned(dir.path(), (120, 40));
    let rules: Vec<String> = app
        .findings
        .list
        .iter()
        .map(|f| f.rule.to_string())
        .collect();
    assert!(rules.contains(&"sparse-metrics".to_string()), "{rules:?}");
    assert!(
        rules.contains(&"column-completeness".to_string()),
        "{rules:?}"
    );
    keys(&mut app, &[Key::Char('v')]);
    let screen = draw(&app, 120, 40);
    assert!(
        screen.contains("1 of 2 metrics have fewer than 285 intervals with data"),
        "{screen}"
    );
    let sparse = app
        .findings
        .list
        .iter()
        .find(|f| f.rule.to_string() == "sparse-metrics");
    assert!(
        sparse
            .unwrap()
            .message
            .contains("(sparsest: revenue for platform=app with 65;"),
        "{sparse:?}"
    );
    assert!(
        screen.contains("column \"revenue\" has a value in 94.2% of records"),
        "{screen}"
    );
}

#[test]
fn f_lists_values_and_metrics_fewest_intervals_first_and_enter_narrows_the_screen() {
    let dir = sparse_app();
    let mut app = scanned(dir.path(), (100, 30));
    assert_eq!(intervals_shown(&app), 3100);
    keys(&mut app, &[Key::Char('f')]);
    assert_eq!(
        labels(&app),
        [
            "platform=app",
            "platform=web",
            "revenue for platform=app",
            "revenue for platform=web"
        ]
    );
    let p = app.coverage.as_ref().unwrap().picker.as_ref().unwrap();
    let figures: Vec<(Kind, Option<u64>)> =
        p.choices.iter().map(|c| (c.kind, c.intervals)).collect();
    assert_eq!(
        figures,
        [
            (Kind::Value, Some(65)),
            (Kind::Value, Some(3100)),
            (Kind::Metric, Some(65)),
            (Kind::Metric, Some(3100))
        ]
    );
    // The metric: only the intervals where app has a revenue.
    keys(&mut app, &[Key::Char('j'), Key::Char('j'), Key::Enter]);
    let c = app.coverage.as_ref().unwrap();
    assert!(c.picker.is_none());
    assert_eq!(c.narrowing().unwrap().label, "revenue for platform=app");
    assert_eq!(intervals_shown(&app), 65);
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains("FAIL  65 intervals with data < 285"),
        "{screen}"
    );
    assert!(
        screen.contains("narrowed to revenue for platform=app"),
        "{screen}"
    );
    // The dimension value: every record of app, with or without a revenue.
    keys(&mut app, &[Key::Char('f'), Key::Enter]);
    assert_eq!(intervals_shown(&app), 259);
    // The split stays the whole dataset's, placed on the narrowed slots.
    let split = app.coverage.as_ref().unwrap().split().unwrap();
    assert_eq!((split.training, split.testing), (2100, 900));
}

#[test]
fn a_or_esc_brings_back_the_whole_dataset() {
    let dir = sparse_app();
    let mut app = scanned(dir.path(), (100, 30));
    keys(&mut app, &[Key::Char('f'), Key::Enter]);
    assert_eq!(intervals_shown(&app), 259);
    keys(&mut app, &[Key::Char('a')]);
    assert!(app.coverage.as_ref().unwrap().narrowing().is_none());
    assert_eq!(intervals_shown(&app), 3100);
    keys(&mut app, &[Key::Char('f'), Key::Enter]);
    assert_eq!(intervals_shown(&app), 259);
    keys(&mut app, &[Key::Esc]);
    assert_eq!(intervals_shown(&app), 3100);
    assert_eq!(
        app.screen,
        l4m::tui::app::Screen::Coverage,
        "Esc left the narrowing, not the screen"
    );
}

#[test]
fn the_list_filters_as_typed_and_esc_closes_it_without_narrowing() {
    let dir = sparse_app();
    let mut app = scanned(dir.path(), (100, 30));
    keys(&mut app, &[Key::Char('f'), Key::Char('/')]);
    for c in "web".chars() {
        app.key(Key::Char(c));
    }
    keys(&mut app, &[Key::Enter]);
    assert_eq!(labels(&app), ["platform=web", "revenue for platform=web"]);
    keys(&mut app, &[Key::Esc]);
    let c = app.coverage.as_ref().unwrap();
    assert!(c.picker.is_none() && c.narrowing().is_none());
}

#[test]
fn a_rescan_at_another_interval_narrows_the_new_figures_again() {
    let dir = sparse_app();
    let mut app = scanned(dir.path(), (100, 30));
    keys(
        &mut app,
        &[Key::Char('f'), Key::Char('j'), Key::Char('j'), Key::Enter],
    );
    assert_eq!(intervals_shown(&app), 65);
    keys(&mut app, &[Key::Char('4')]);
    let c = app.coverage.as_ref().unwrap();
    assert_eq!(c.result().unwrap().span.intervals_with_data, 130);
    // app has a revenue every other day: 65 days.
    assert_eq!(intervals_shown(&app), 65);
    assert_eq!(c.narrowed().unwrap().coverage.frequency.to_string(), "P1D");
}

#[test]
fn snapshot_narrow_list_at_80x24() {
    let dir = sparse_app();
    let mut app = scanned(dir.path(), (80, 24));
    keys(&mut app, &[Key::Char('f'), Key::Char('j')]);
    insta::assert_snapshot!(masked_temp(&draw(&app, 80, 24), dir.path()));
}

#[test]
fn snapshot_coverage_narrowed_to_a_metric_at_80x24() {
    let dir = sparse_app();
    let mut app = scanned(dir.path(), (80, 24));
    keys(
        &mut app,
        &[Key::Char('f'), Key::Char('j'), Key::Char('j'), Key::Enter],
    );
    insta::assert_snapshot!(masked_temp(&draw(&app, 80, 24), dir.path()));
}

#[test]
fn snapshot_coverage_with_a_backtest_split_that_leaves_intervals_out() {
    let dir = sparse_app();
    let app = scanned(dir.path(), (100, 30));
    insta::assert_snapshot!(masked_temp(&draw(&app, 100, 30), dir.path()));
}
