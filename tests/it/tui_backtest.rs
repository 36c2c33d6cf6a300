//! The backtest on the chart (`b` on the coverage screen's chart of a metric): the spike of a
//! generated series is marked with its grade, `n` jumps to it, the readout says its expected value
//! and grade, the findings count the anomalies of the testing part, the result is the command
//! line's for the same metric, `Esc` stops a run, another interval drops the marks, `i` changes
//! the imputation and the session keeps it; a snapshot of the chart with its marks.
//! Keys in, state out (requests run in line against the real engine).

use crate::common;

use common::tui::*;
use common::{l4m, run};

use std::path::{Path, PathBuf};

use l4m::backtest::Impute;
use l4m::tui::app::{App, Options, Screen};
use l4m::tui::coverage::{BacktestRun, Shows};
use l4m::tui::keys::Key;
use l4m::tui::worker::{Answer, Job};
use serde_json::Value;

// The labelled set's hours, split, spikes and noise (`backtest.rs`).
use crate::backtest::{HOURS, SPIKES, TESTING, noise};

/// `backtest.rs`'s `spikes` metric alone: `ts`, `kind` (always `spikes`), `sales`; a daily
/// swing with a little noise, 2.5 times higher at the spikes. `hours` intervals.
fn spikes(dir: &Path, hours: usize) -> PathBuf {
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let mut n = noise(2);
    let mut out = String::from("ts,kind,sales\n");
    for h in 0..hours {
        let daily = (h as f64 * std::f64::consts::TAU / 24.0).sin();
        let clean = 200.0 + 80.0 * daily + 4.0 * n();
        let v = if SPIKES.contains(&h) {
            clean * 2.5
        } else {
            clean
        };
        let t = start + chrono::Duration::hours(h as i64);
        out.push_str(&format!(
            "{},spikes,{v:.3}\n",
            t.format("%Y-%m-%d %H:%M:%S")
        ));
    }
    let path = dir.join("spikes.csv");
    std::fs::write(&path, out).unwrap();
    path
}

/// The dataset opened, scanned and its only metric charted.
fn charted(dir: &Path, size: (u16, u16), options: Options) -> App {
    let mut app = app_at(dir, size, options);
    keys(&mut app, &[Key::Char('o')]);
    keys(&mut app, &[Key::Char('c')]);
    assert_eq!(app.screen, Screen::Coverage);
    // One measure and one dimension: p lists the one metric, Enter charts it.
    keys(&mut app, &[Key::Char('p')]);
    assert!(app.coverage.as_ref().unwrap().picker.is_some());
    keys(&mut app, &[Key::Enter]);
    assert_eq!(app.coverage.as_ref().unwrap().shows, Shows::Chart);
    app
}

/// Charted and backtested.
fn backtested(dir: &Path, size: (u16, u16)) -> App {
    let mut app = charted(dir, size, Options::default());
    keys(&mut app, &[Key::Char('b')]);
    assert!(
        app.coverage.as_ref().unwrap().backtested().is_some(),
        "{}",
        status(&app)
    );
    app
}

/// The slots the backtest flagged.
fn flagged(app: &App) -> Vec<usize> {
    let (_, marks) = app.coverage.as_ref().unwrap().backtested().unwrap();
    (0..marks.slots.len())
        .filter(|k| marks.flagged(*k))
        .collect()
}

fn cursor(app: &App) -> usize {
    app.coverage.as_ref().unwrap().cursor
}

#[test]
fn b_marks_each_spike_with_its_grade_and_n_jumps_between_them() {
    let dir = tempfile::tempdir().unwrap();
    spikes(dir.path(), HOURS);
    let mut app = charted(dir.path(), (100, 30), Options::default());
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains(" b backtest · missing intervals: ignore (i) "),
        "{screen}"
    );
    // The run goes to the worker: nothing is marked before it answers.
    app.key(Key::Char('b'));
    let c = app.coverage.as_ref().unwrap();
    assert!(c.backtest_running());
    assert!(c.backtested().is_none());
    assert_status_starts(
        &app,
        "backtesting sales for kind=spikes: a random cut forest over 1,440 intervals",
    );
    let screen = draw(&app, 100, 30);
    assert!(screen.contains(" backtest 0% "), "{screen}");
    pump(&mut app);
    let at = flagged(&app);
    for s in SPIKES {
        assert!(at.contains(&s), "spike at {s}: {at:?}");
    }
    let (b, marks) = app.coverage.as_ref().unwrap().backtested().unwrap();
    assert_eq!(marks.impute, Impute::Ignore);
    assert_eq!(marks.count(), b.anomalies.len());
    let testing = at.iter().filter(|s| **s >= TESTING).count();
    assert_eq!(marks.testing, testing);
    for s in SPIKES {
        let m = marks.slots[s];
        assert!(m.grade > 0.0 && m.grade <= 1.0, "{m:?}");
        let e = m.expected.unwrap();
        assert!(m.at.unwrap() > 2.0 * e, "a spike of 2.5 times: {m:?}");
    }
    assert_status_starts(
        &app,
        &format!(
            "backtest of sales for kind=spikes: {} flagged, {testing} in the testing part (n and N jump between them",
            at.len()
        ),
    );
    // The title says what was flagged, with the grades' glyphs; the line carries them.
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains(&format!(
            " {} flagged, {testing} in testing grade •<0.5 ●<0.8 ◉≥0.8 · missing: ignore ",
            at.len()
        )),
        "{screen}"
    );
    let glyphs = |s: &str| s.chars().filter(|c| ['•', '●', '◉'].contains(c)).count();
    let title_glyphs = 3;
    assert!(
        glyphs(&screen) > title_glyphs,
        "marks on the line: {screen}"
    );
    // n goes from anomaly to anomaly (not to gaps), N back.
    keys(&mut app, &[Key::Char('n')]);
    assert_eq!(cursor(&app), at[0]);
    assert_status_starts(
        &app,
        &format!(
            "anomaly 1 of {} (training): 2024-01-13 12:00 UTC, SUM",
            at.len()
        ),
    );
    let mut seen = vec![cursor(&app)];
    for _ in 1..at.len() {
        keys(&mut app, &[Key::Char('n')]);
        seen.push(cursor(&app));
    }
    assert_eq!(seen, at);
    keys(&mut app, &[Key::Char('n')]);
    assert_status_starts(&app, "no more anomalies that way");
    assert_eq!(cursor(&app), *at.last().unwrap());
    keys(&mut app, &[Key::Char('N')]);
    assert_eq!(cursor(&app), at[at.len() - 2]);
    // b again hides the marks: n goes to gaps again (there are none).
    keys(&mut app, &[Key::Char('b')]);
    assert!(app.coverage.as_ref().unwrap().backtested().is_none());
    keys(&mut app, &[Key::Char('n')]);
    assert_status_starts(&app, "no more gaps that way");
}

#[test]
fn the_readout_says_the_value_the_expected_value_and_the_grade() {
    let dir = tempfile::tempdir().unwrap();
    spikes(dir.path(), HOURS);
    let mut app = backtested(dir.path(), (100, 30));
    // One interval a column, the cursor on the spike of 1250.
    keys(&mut app, &[Key::Char('+'); 5]);
    while cursor(&app) < 1250 {
        let before = cursor(&app);
        keys(&mut app, &[Key::Char('n')]);
        assert!(cursor(&app) > before, "n moved on");
    }
    assert_eq!(cursor(&app), 1250);
    let c = app.coverage.as_ref().unwrap();
    let (b, _) = c.backtested().unwrap();
    let a = b
        .anomalies
        .iter()
        .find(|a| a.start.to_rfc3339() == "2024-02-22T02:00:00+00:00")
        .unwrap();
    let value = l4m::units::number(a.value.unwrap());
    let expected = l4m::units::number(a.expected.unwrap());
    let glyph = l4m::tui::chart::grade_mark(a.grade).0;
    let screen = draw(&app, 100, 30);
    let want = format!(
        "▶ 2024-02-22 02:00 UTC   SUM {value}   expected {expected}   {glyph} grade {:.2}   1 record   (testing)",
        a.grade
    );
    assert!(screen.contains(&want), "{want}\n{screen}");
    // An interval not flagged says so.
    keys(&mut app, &[Key::Char('h')]);
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains("▶ 2024-02-22 01:00 UTC   SUM ")
            && screen.contains("   not flagged   1 record"),
        "{screen}"
    );
    // Zoomed out, a column says how many it holds flagged and the highest grade.
    keys(&mut app, &[Key::Char('-'); 5]);
    let screen = draw(&app, 100, 30);
    assert!(screen.contains(" flagged, grade up to "), "{screen}");
}

#[test]
fn the_findings_say_how_many_anomalies_the_testing_part_holds() {
    let dir = tempfile::tempdir().unwrap();
    spikes(dir.path(), HOURS);
    let mut app = charted(dir.path(), (100, 30), Options::default());
    let rule = |app: &App| {
        app.findings
            .list
            .iter()
            .find(|f| f.rule.as_str() == "backtest-anomalies")
            .cloned()
    };
    assert!(rule(&app).is_none(), "no backtest, no finding");
    keys(&mut app, &[Key::Char('b')]);
    let (_, marks) = app.coverage.as_ref().unwrap().backtested().unwrap();
    let (testing, training) = (marks.testing, marks.training);
    assert!(testing >= 3, "the three spikes of the testing part");
    let f = rule(&app).expect("the backtest's finding");
    assert_eq!(f.severity, l4m::config::Severity::Warning);
    assert_eq!(
        f.message,
        format!(
            "the backtest of sales for kind=spikes flagged {testing} anomalies in the testing part ({training} in training): a random cut forest with OpenSearch's defaults, missing intervals left out (the forest sees only intervals with a value)"
        )
    );
    keys(&mut app, &[Key::Char('v')]);
    assert_eq!(app.screen, Screen::Findings);
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains(&format!(
            "warning [backtest-anomalies] the backtest of sales for kind=spikes flagged {testing} anomalies"
        )),
        "{screen}"
    );
    // The marks hidden, the finding is gone with them.
    keys(&mut app, &[Key::Esc, Key::Char('b')]);
    assert!(rule(&app).is_none());
}

#[test]
fn the_result_is_the_command_lines_for_the_same_metric() {
    let dir = tempfile::tempdir().unwrap();
    let file = spikes(dir.path(), HOURS);
    let app = backtested(dir.path(), (100, 30));
    let (b, _) = app.coverage.as_ref().unwrap().backtested().unwrap();
    let (code, out, err) = run(l4m().arg("backtest").arg(&file).args([
        "--timestamp",
        "ts",
        "--dimension",
        "kind",
        "--measure",
        "sales",
        "--frequency",
        "PT1H",
        "--json",
    ]));
    assert_eq!(code, 0, "{err}");
    let cli: Value = serde_json::from_str(&out).unwrap();
    let m = &cli["metrics"][0];
    assert_eq!(m["dimensions"]["kind"], "spikes");
    let ui = serde_json::to_value(b).unwrap();
    assert!(!ui["anomalies"].as_array().unwrap().is_empty());
    assert_eq!(
        ui["anomalies"], m["anomalies"],
        "the anomalies, field by field"
    );
    assert_eq!(
        ui["points"], m["points"],
        "every interval's score and grade"
    );
}

#[test]
fn esc_stops_a_running_backtest_and_nothing_is_marked() {
    let dir = tempfile::tempdir().unwrap();
    spikes(dir.path(), HOURS);
    let mut app = charted(dir.path(), (100, 30), Options::default());
    // Stopped before the worker took it: its answer is dropped.
    app.key(Key::Char('b'));
    app.key(Key::Esc);
    let c = app.coverage.as_ref().unwrap();
    assert!(!c.backtest_running());
    assert_eq!(
        c.shows,
        Shows::Chart,
        "Esc stopped the run, the chart stays"
    );
    assert_status_starts(
        &app,
        "backtest stopped: nothing is marked (b runs it again)",
    );
    pump(&mut app);
    assert!(app.coverage.as_ref().unwrap().backtested().is_none());
}

#[test]
fn esc_stops_the_forest_while_it_runs() {
    let dir = tempfile::tempdir().unwrap();
    // 20,000 hours: the forest runs long enough to be stopped halfway.
    spikes(dir.path(), 20_000);
    let mut app = charted(dir.path(), (100, 30), Options::default());
    app.key(Key::Char('b'));
    let mut requests = app.take_requests();
    assert_eq!(requests.len(), 1);
    let request = requests.remove(0);
    assert!(matches!(request.job, Job::Backtest(_)));
    let progress = match app.coverage.as_ref().unwrap().backtest_run() {
        Some(BacktestRun::Running { progress, .. }) => std::sync::Arc::clone(progress),
        other => panic!("{other:?}"),
    };
    let worker = std::thread::spawn(move || {
        l4m::tui::worker::run(&l4m::source::local::LocalSource, request)
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while progress
        .intervals_done
        .load(std::sync::atomic::Ordering::Relaxed)
        == 0
    {
        assert!(std::time::Instant::now() < deadline, "the forest started");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    app.key(Key::Esc);
    let response = worker.join().unwrap();
    let done = progress
        .intervals_done
        .load(std::sync::atomic::Ordering::Relaxed);
    assert!(done < 20_000, "stopped before its end: {done}");
    match &response.answer {
        Answer::Backtested { result } => assert!(matches!(result, Ok(None)), "{result:?}"),
        other => panic!("{other:?}"),
    }
    app.on_response(response);
    assert!(app.coverage.as_ref().unwrap().backtested().is_none());
    assert_status_starts(&app, "backtest stopped");
}

#[test]
fn another_interval_or_timezone_drops_the_marks() {
    let dir = tempfile::tempdir().unwrap();
    spikes(dir.path(), HOURS);
    let mut app = backtested(dir.path(), (100, 30));
    app.key(Key::Char('4'));
    // While the scans at P1D run, no mark is kept: they were the hourly values'.
    let c = app.coverage.as_ref().unwrap();
    assert!(c.backtested().is_none() && c.backtest_run().is_none());
    pump(&mut app);
    let c = app.coverage.as_ref().unwrap();
    assert_eq!(c.shows, Shows::Chart);
    assert_eq!(c.chart_values().unwrap().points.len(), 60);
    assert!(c.backtested().is_none());
    assert!(
        app.findings
            .list
            .iter()
            .all(|f| f.rule.as_str() != "backtest-anomalies")
    );
    let screen = draw(&app, 100, 30);
    assert!(screen.contains(" b backtest · "), "{screen}");
    assert!(!screen.contains("flagged"), "{screen}");
    // Back at an hour, run again; another timezone drops them too.
    keys(&mut app, &[Key::Char('3')]);
    keys(&mut app, &[Key::Char('b')]);
    assert!(app.coverage.as_ref().unwrap().backtested().is_some());
    keys(&mut app, &[Key::Char('z')]);
    app.key(Key::End);
    for _ in 0..20 {
        app.key(Key::Backspace);
    }
    typed(&mut app, "Europe/Paris");
    keys(&mut app, &[Key::Enter]);
    let c = app.coverage.as_ref().unwrap();
    assert_eq!(c.timezone.name(), "Europe/Paris");
    assert!(c.chart_values().is_some());
    assert!(c.backtested().is_none());
}

#[test]
fn i_cycles_the_imputation_runs_again_with_it_and_the_session_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    spikes(dir.path(), HOURS);
    let state = tempfile::tempdir().unwrap();
    let options = || Options {
        state_dir: Some(state.path().to_path_buf()),
        ..Options::default()
    };
    let mut app = charted(dir.path(), (100, 30), options());
    keys(&mut app, &[Key::Char('i')]);
    assert_eq!(app.coverage.as_ref().unwrap().impute, Impute::Zero);
    assert_status_starts(
        &app,
        "the backtest reads missing intervals as zero: read as 0",
    );
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains(" b backtest · missing intervals: zero (i) "),
        "{screen}"
    );
    // With marks shown, i runs the backtest again with the next: they never say another.
    keys(&mut app, &[Key::Char('b'), Key::Char('i')]);
    let c = app.coverage.as_ref().unwrap();
    assert_eq!(c.impute, Impute::Previous);
    assert_eq!(c.backtested().unwrap().1.impute, Impute::Previous);
    let screen = draw(&app, 100, 30);
    assert!(screen.contains("· missing: previous "), "{screen}");
    drop(app);
    // The session keeps it: the next run's chart offers it.
    let name =
        l4m::tui::session::location_name(&l4m::source::Location::Local(dir.path().to_path_buf()));
    let file = l4m::tui::session::file(state.path(), &name, false);
    let saved: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(saved["impute"], "previous");
    let app = charted(dir.path(), (100, 30), options());
    assert_eq!(app.coverage.as_ref().unwrap().impute, Impute::Previous);
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains(" b backtest · missing intervals: previous (i) "),
        "{screen}"
    );
}

/// `backtest.rs`'s `gap` metric alone: no record for six hours from hour 1180.
fn gap(dir: &Path) {
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let mut n = noise(6);
    let mut out = String::from("ts,kind,sales\n");
    for h in 0..HOURS {
        let daily = (h as f64 * std::f64::consts::TAU / 24.0).sin();
        let v = 200.0 + 80.0 * daily + 4.0 * n();
        if (1180..1186).contains(&h) {
            continue;
        }
        let t = start + chrono::Duration::hours(h as i64);
        out.push_str(&format!("{},gap,{v:.3}\n", t.format("%Y-%m-%d %H:%M:%S")));
    }
    std::fs::write(dir.join("gap.csv"), out).unwrap();
}

#[test]
fn a_gap_read_as_zero_is_flagged_and_marked_where_the_forest_saw_it() {
    let dir = tempfile::tempdir().unwrap();
    gap(dir.path());
    let mut app = charted(dir.path(), (100, 30), Options::default());
    // Left out (the default), the gap is not handed to the forest: nothing flagged in it.
    keys(&mut app, &[Key::Char('b')]);
    assert!(!(1180..1186).any(|h| flagged(&app).contains(&h)));
    // Read as zero, its first interval is a drop the forest flags, marked at 0.
    keys(&mut app, &[Key::Char('i')]);
    let (_, marks) = app.coverage.as_ref().unwrap().backtested().unwrap();
    assert_eq!(marks.impute, Impute::Zero);
    assert!(marks.flagged(1180), "{:?}", flagged(&app));
    assert_eq!(marks.slots[1180].at, Some(0.0));
    keys(&mut app, &[Key::Char('+'); 5]);
    while cursor(&app) < 1180 {
        keys(&mut app, &[Key::Char('n')]);
    }
    assert_eq!(cursor(&app), 1180);
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains("▶ 2024-02-19 04:00 UTC   missing   expected "),
        "{screen}"
    );
    assert_status_starts(&app, "anomaly ");
    assert_status_holds(&app, "(testing): 2024-02-19 04:00 UTC, no value, expected ");
}

#[test]
fn the_help_lists_b_and_i() {
    let dir = tempfile::tempdir().unwrap();
    spikes(dir.path(), HOURS);
    let mut app = charted(dir.path(), (100, 40), Options::default());
    app.key(Key::Char('?'));
    let screen = draw(&app, 100, 40);
    assert!(screen.contains("backtest the metric"), "{screen}");
    assert!(
        screen.contains("how the backtest fills missing"),
        "{screen}"
    );
}

#[test]
fn snapshot_chart_with_marks_at_100x30() {
    let dir = tempfile::tempdir().unwrap();
    spikes(dir.path(), HOURS);
    let mut app = backtested(dir.path(), (100, 30));
    // The cursor on the first anomaly; the whole span in view.
    keys(&mut app, &[Key::Char('n')]);
    insta::assert_snapshot!(masked_temp(&draw(&app, 100, 30), dir.path()));
}
