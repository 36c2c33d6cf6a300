//! The chart of a metric's values on the coverage screen (`p`): which metric it draws, that it
//! shares the histogram's cursor and zoom, that `Esc` goes back, that another interval or other
//! labels draw it again from a new scan (never the old values as current), and snapshots of it.
//! Keys in, state out (requests run in line against the real engine).

use crate::common;

use common::tui::*;

use std::path::Path;

use l4m::tui::app::{App, Options, Screen};
use l4m::tui::coverage::Shows;
use l4m::tui::keys::Key;
use l4m::tui::narrow::Purpose;

/// The value of hour `h` (from 2024-01-01 00:00): a daily triangle from 100 to 220.
fn value(h: i64) -> i64 {
    let hour = h % 24;
    100 + 10 * hour.min(24 - hour)
}

/// 21 days of hourly `v` (one measure, no dimension): hours 100..104 have no record, hours
/// 300..306 have a record with an empty value.
fn one_metric() -> tempfile::TempDir {
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let mut out = String::from("ts,v\n");
    for h in 0..21 * 24 {
        if (100..104).contains(&h) {
            continue;
        }
        let t = (start + chrono::Duration::hours(h)).format("%Y-%m-%d %H:%M:%S");
        let v = match h {
            300..306 => String::new(),
            _ => value(h).to_string(),
        };
        out.push_str(&format!("{t},{v}\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hourly.csv"), out).unwrap();
    dir
}

/// 21 days of hourly `views` for `platform` web and app (app: twice web's, and nothing on the
/// third day).
fn two_platforms() -> tempfile::TempDir {
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let mut out = String::from("ts,platform,views\n");
    for h in 0..21 * 24 {
        let t = (start + chrono::Duration::hours(h)).format("%Y-%m-%d %H:%M:%S");
        out.push_str(&format!("{t},web,{}\n", value(h)));
        if !(48..72).contains(&h) {
            out.push_str(&format!("{t},app,{}\n", 2 * value(h)));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("views.csv"), out).unwrap();
    dir
}

/// The dataset opened and scanned: the coverage screen.
fn scanned(dir: &Path, size: (u16, u16)) -> App {
    let mut app = app_at(dir, size, Options::default());
    keys(&mut app, &[Key::Char('o')]);
    keys(&mut app, &[Key::Char('c')]);
    assert_eq!(app.screen, Screen::Coverage);
    app
}

fn shows(app: &App) -> Shows {
    app.coverage.as_ref().unwrap().shows
}

/// The chart's values: (value, records) of each interval.
fn values(app: &App) -> Vec<(Option<f64>, u64)> {
    let c = app.coverage.as_ref().unwrap();
    let v = c.chart_values().expect("the chart's values");
    v.points.iter().map(|p| (p.value, p.records)).collect()
}

fn cursor(app: &App) -> usize {
    app.coverage.as_ref().unwrap().cursor
}

#[test]
fn p_charts_the_only_metric_at_once_from_a_scan_of_its_values() {
    let dir = one_metric();
    let mut app = scanned(dir.path(), (100, 30));
    assert_eq!(shows(&app), Shows::Histogram);
    app.key(Key::Char('p'));
    // The values come from a scan in the background: none is drawn before it answers.
    let c = app.coverage.as_ref().unwrap();
    assert!(c.running(), "a scan of the metric's values runs");
    assert!(c.chart_values().is_none());
    pump(&mut app);
    assert_eq!(shows(&app), Shows::Chart);
    let got = values(&app);
    assert_eq!(got.len(), 21 * 24, "one point per interval of the span");
    assert_eq!(got[0], (Some(100.0), 1));
    assert_eq!(got[12], (Some(220.0), 1));
    assert_eq!(got[100], (None, 0), "an hour without a record");
    assert_eq!(
        got[300],
        (None, 0),
        "an empty value is not a record of the metric"
    );
    assert_eq!(got[305], (None, 0));
    assert_eq!(got[306], (Some(value(306) as f64), 1));
    assert_eq!(got.iter().filter(|p| p.0.is_none()).count(), 10);
    let screen = draw(&app, 100, 30);
    assert!(screen.contains("┌ SUM of v per interval "), "{screen}");
    assert!(
        screen.contains("▶ 2024-01-01 00:00 – 2024-01-01 05:00 UTC   SUM 100–150   6 of 6 intervals with a value, 6 records"),
        "{screen}"
    );
    assert!(
        screen.contains(
            " the values of v: 494 intervals of 504 with a value (Esc/p shows the histogram)"
        ),
        "{screen}"
    );
    // The chart's keys are the ones offered.
    app.key(Key::Char('l'));
    let screen = draw(&app, 100, 30);
    assert!(screen.contains("Esc/p histogram"), "{screen}");
}

#[test]
fn without_a_chosen_metric_p_lists_the_metrics_and_enter_charts_one() {
    let dir = two_platforms();
    let mut app = scanned(dir.path(), (100, 30));
    keys(&mut app, &[Key::Char('p')]);
    let c = app.coverage.as_ref().unwrap();
    let p = c.picker.as_ref().expect("the list of metrics");
    assert_eq!(p.purpose, Purpose::Chart);
    let labels: Vec<&str> = p.visible().iter().map(|c| c.label.as_str()).collect();
    assert_eq!(
        labels,
        ["views for platform=app", "views for platform=web"],
        "metrics only, the sparsest first"
    );
    let screen = draw(&app, 100, 30);
    assert!(screen.contains("chart the values of: metrics"), "{screen}");
    assert!(screen.contains("Enter chart"), "{screen}");
    keys(&mut app, &[Key::Enter]);
    let c = app.coverage.as_ref().unwrap();
    assert_eq!(c.charted().unwrap().label, "views for platform=app");
    let got = values(&app);
    assert_eq!(got.len(), 21 * 24, "the span of app's records");
    assert_eq!(got[0], (Some(200.0), 1));
    assert_eq!(got[48], (None, 0), "the third day has no record of app");
    assert_eq!(got[72], (Some(200.0), 1));
    // Narrowed to a value, p lists its metrics.
    keys(&mut app, &[Key::Esc, Key::Esc, Key::Char('f')]);
    keys(&mut app, &[Key::Char('j'), Key::Enter]);
    assert_eq!(
        app.coverage.as_ref().unwrap().narrowing().unwrap().label,
        "platform=web"
    );
    keys(&mut app, &[Key::Char('p')]);
    let p = app.coverage.as_ref().unwrap().picker.as_ref().unwrap();
    let labels: Vec<&str> = p.visible().iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["views for platform=web"]);
    keys(&mut app, &[Key::Enter]);
    assert_eq!(values(&app)[12], (Some(220.0), 1));
}

#[test]
fn a_metric_narrowed_with_f_is_charted_without_another_scan() {
    let dir = two_platforms();
    let mut app = scanned(dir.path(), (100, 30));
    keys(&mut app, &[Key::Char('f')]);
    // Two values, then the two metrics: the second metric is web's.
    keys(&mut app, &[Key::Char('G'), Key::Enter]);
    assert_eq!(
        app.coverage.as_ref().unwrap().narrowing().unwrap().label,
        "views for platform=web"
    );
    app.key(Key::Char('p'));
    let c = app.coverage.as_ref().unwrap();
    assert!(!c.running(), "the narrowed scan summed the values already");
    assert_eq!(shows(&app), Shows::Chart);
    assert_eq!(values(&app)[12], (Some(220.0), 1));
}

#[test]
fn the_chart_and_the_histogram_share_one_cursor_and_zoom() {
    let dir = one_metric();
    let mut app = scanned(dir.path(), (100, 30));
    // On the histogram: zoomed in to one interval a column, the cursor on the first gap.
    keys(&mut app, &[Key::Char('+'); 4]);
    keys(&mut app, &[Key::Char('n')]);
    assert_eq!(cursor(&app), 100);
    keys(&mut app, &[Key::Char('p')]);
    assert_eq!(shows(&app), Shows::Chart);
    assert_eq!(
        cursor(&app),
        100,
        "the chart opens on the histogram's interval"
    );
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains("▶ 2024-01-05 04:00 UTC   missing"),
        "{screen}"
    );
    // On the chart, n goes to the next interval without a value: the empty values.
    keys(&mut app, &[Key::Char('n')]);
    assert_eq!(cursor(&app), 300);
    assert_status_starts(
        &app,
        "gap of 6 intervals without a value: 2024-01-13 12:00 to",
    );
    keys(
        &mut app,
        &[
            Key::Char('l'),
            Key::Char('l'),
            Key::Char('l'),
            Key::Char('l'),
            Key::Char('l'),
            Key::Char('l'),
        ],
    );
    assert_eq!(cursor(&app), 306);
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains(&format!(
            "▶ 2024-01-13 18:00 UTC   SUM {}   1 record",
            value(306)
        )),
        "{screen}"
    );
    let zoom = app.coverage.as_ref().unwrap().zoom;
    // Esc: the histogram, on the same interval, at the same zoom.
    keys(&mut app, &[Key::Esc]);
    assert_eq!(shows(&app), Shows::Histogram);
    let c = app.coverage.as_ref().unwrap();
    assert_eq!((c.cursor, c.zoom), (306, zoom));
    assert!(c.narrowing().is_some(), "still the metric's records");
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains("▶ 2024-01-13 18:00 UTC   1 record, 1 file"),
        "{screen}"
    );
    // Zoomed out on the histogram, the chart is too.
    keys(&mut app, &[Key::Char('-'), Key::Char('p')]);
    let c = app.coverage.as_ref().unwrap();
    assert_eq!(c.zoom, zoom.map(|z| z * 2));
    assert_eq!(c.cursor, 306);
    // A click on the chart moves the one cursor.
    let body = app.ctx.screen().body;
    let g = app.coverage.as_ref().unwrap().geometry(body).unwrap();
    app.pointer(
        l4m::tui::app::Pointer::Click {
            x: g.bars.x,
            y: g.bars.y + 1,
        },
        std::time::Instant::now(),
    );
    let c = app.coverage.as_ref().unwrap();
    assert_eq!(c.cursor, g.slots(c.scroll).start);
}

#[test]
fn esc_goes_back_to_the_histogram_then_to_the_whole_dataset() {
    let dir = two_platforms();
    let mut app = scanned(dir.path(), (100, 30));
    keys(&mut app, &[Key::Char('p'), Key::Enter]);
    assert_eq!(shows(&app), Shows::Chart);
    keys(&mut app, &[Key::Esc]);
    assert_eq!(shows(&app), Shows::Histogram);
    let screen = draw(&app, 100, 30);
    assert!(screen.contains("┌ records per interval "), "{screen}");
    assert!(
        screen.contains("narrowed to views for platform=app"),
        "{screen}"
    );
    // p again: the same metric, no scan.
    app.key(Key::Char('p'));
    assert!(!app.coverage.as_ref().unwrap().running());
    assert_eq!(shows(&app), Shows::Chart);
    // `a` shows the whole dataset, and its histogram.
    keys(&mut app, &[Key::Char('a')]);
    let c = app.coverage.as_ref().unwrap();
    assert!(c.narrowing().is_none());
    assert_eq!(c.shows, Shows::Histogram);
    keys(&mut app, &[Key::Esc]);
    assert_eq!(app.screen, Screen::Dataset);
}

#[test]
fn another_interval_draws_the_chart_again_from_a_new_scan() {
    let dir = one_metric();
    let mut app = scanned(dir.path(), (100, 30));
    keys(&mut app, &[Key::Char('p')]);
    keys(&mut app, &[Key::Char('n')]);
    assert_eq!(values(&app).len(), 21 * 24);
    assert_eq!(
        cursor(&app),
        100,
        "on the first hour without a value, on 5 January"
    );
    app.key(Key::Char('4'));
    // While the scans at P1D run, no value is shown: the hourly ones are not current.
    let c = app.coverage.as_ref().unwrap();
    assert!(c.running());
    assert!(c.chart_values().is_none());
    let screen = draw(&app, 100, 30);
    assert!(!screen.contains("SUM of v"), "{screen}");
    assert!(screen.contains("scanning"), "{screen}");
    pump(&mut app);
    assert_eq!(shows(&app), Shows::Chart, "the chart stays");
    let got = values(&app);
    let day: i64 = (0..24).map(value).sum();
    assert_eq!(got.len(), 21);
    assert_eq!(got[0], (Some(day as f64), 24));
    // Day 5 (hours 96..120) lacks hours 100..103; day 13 (288..312) six values.
    let day4: i64 = (96..120)
        .filter(|h| !(100..104).contains(h))
        .map(value)
        .sum();
    assert_eq!(got[4], (Some(day4 as f64), 20));
    let day12: i64 = (288..312)
        .filter(|h| !(300..306).contains(h))
        .map(value)
        .sum();
    assert_eq!(got[12], (Some(day12 as f64), 18));
    assert_eq!(cursor(&app), 4, "the cursor stays on its time: 5 January");
    let screen = draw(&app, 100, 30);
    assert!(screen.contains("interval P1D"), "{screen}");
    assert!(
        screen.contains(&format!(
            "▶ 2024-01-05 00:00 UTC   SUM {}   20 records",
            l4m::units::number(day4 as f64)
        )),
        "{screen}"
    );
}

#[test]
fn another_aggregation_makes_the_values_stale_until_scanned_again() {
    let dir = one_metric();
    let mut app = scanned(dir.path(), (100, 30));
    // To the columns, v made AVG, back to the coverage: its figures stay, the chart is asked for.
    keys(&mut app, &[Key::Esc]);
    assert_eq!(app.screen, Screen::Dataset);
    keys(&mut app, &[Key::Char('l'), Key::Char('a')]);
    keys(&mut app, &[Key::Char('c'), Key::Char('p')]);
    assert_eq!(shows(&app), Shows::Chart);
    // The scan was asked with the labels of the coverage's scan: SUM.
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains("STALE: SUM of v, the label says AVG now: s scans again"),
        "{screen}"
    );
    keys(&mut app, &[Key::Char('s')]);
    assert_eq!(shows(&app), Shows::Chart);
    let c = app.coverage.as_ref().unwrap();
    assert_eq!(
        c.chart_values().unwrap().aggregation,
        l4m::schema::Aggregation::Avg
    );
    let screen = draw(&app, 100, 30);
    assert!(!screen.contains("STALE"), "{screen}");
    assert!(screen.contains("┌ AVG of v per interval "), "{screen}");
}

#[test]
fn the_help_lists_p_and_the_charts_keys() {
    let dir = one_metric();
    let mut app = scanned(dir.path(), (100, 40));
    app.key(Key::Char('?'));
    let screen = draw(&app, 100, 40);
    assert!(
        screen.contains("chart the values of the metric"),
        "{screen}"
    );
    app.key(Key::Char('x'));
    keys(&mut app, &[Key::Char('p')]);
    app.key(Key::Char('?'));
    let screen = draw(&app, 100, 40);
    assert!(
        screen.contains("cancel the scan, else back to the histogram"),
        "{screen}"
    );
    assert!(
        screen.contains("next gap (intervals without a value)"),
        "{screen}"
    );
}

#[test]
fn snapshot_chart_at_80x24() {
    let dir = two_platforms();
    let mut app = scanned(dir.path(), (80, 24));
    keys(&mut app, &[Key::Char('p'), Key::Enter]);
    insta::assert_snapshot!(masked_temp(&draw(&app, 80, 24), dir.path()));
}

#[test]
fn snapshot_chart_at_120x36() {
    let dir = one_metric();
    let mut app = scanned(dir.path(), (120, 36));
    keys(&mut app, &[Key::Char('p')]);
    // One interval a column, the cursor on the first gap.
    keys(&mut app, &[Key::Char('+'), Key::Char('+'), Key::Char('n')]);
    insta::assert_snapshot!(masked_temp(&draw(&app, 120, 36), dir.path()));
}
