//! `l4m backtest`: the metrics of `series` run through the engine's Random Cut Forest, with a
//! progress bar on a terminal, Ctrl-C that keeps what finished, text, `--json` and `--csv FILE`.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use l4m::backtest::{
    self, IMPUTE_DEFAULT_WHY, IMPUTE_NAMES, MetricBacktest, Outcome, Part, Progress, Settings,
    Split,
};
use l4m::coverage::{Coverage, MetricValues};
use l4m::units::thousands;
use serde::Serialize;

use super::output::{plural, rfc3339};
use super::{
    BacktestArgs, CliResult, EXIT_INTERRUPTED, Failure, S3Args, SCAN, SCANNING, emit, print_json,
    scan_values,
};
use l4m::Error;
use l4m::units::number;

/// What a run has to say, besides its metrics.
struct Run<'a> {
    cov: &'a Coverage,
    settings: &'a Settings,
    split: Option<Split>,
    outcome: Outcome,
    /// Metrics taken (run or interrupted).
    taken: usize,
    metrics_total: u64,
    left_out: u64,
}

pub(super) fn cmd_backtest(a: BacktestArgs, s3: &S3Args) -> CliResult<u8> {
    if let Some(path) = &a.csv {
        refuse_existing(path, a.force)?;
    }
    let (p, cov) = scan_values(&a.metrics, s3, true)?;
    let settings = Settings::with_impute(a.impute.unwrap_or_default(), a.impute.is_none());
    let max = a
        .max_metrics
        .map_or(backtest::DEFAULT_MAX_METRICS, |n| n as usize);
    let Some(values) = cov.values.clone() else {
        return Err(Failure::Usage("the scan kept no values".into()));
    };
    let (metrics, left_out) = backtest::choose(values.clone(), max);
    let split = cov
        .quality
        .as_ref()
        .and_then(|q| q.backtest.as_ref())
        .map(Split::from);
    let threads = a.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |n| n as usize,
    );
    let outcome = run_forest(&metrics, &settings, split.as_ref(), threads)?;
    let run = Run {
        cov: &cov,
        settings: &settings,
        split,
        taken: metrics.len(),
        outcome,
        metrics_total: values.metrics_total,
        left_out,
    };
    if a.json {
        print_json(&json(&run))?;
    } else {
        emit(&text(&p.inspection.dataset.root.to_string(), &run, &a))?;
    }
    if let Some(path) = &a.csv {
        let bytes = csv(&run.outcome.metrics, &p.labels.dimensions())?;
        l4m::config::write_atomic(path, &bytes, a.force).map_err(|e| csv_failure(path, e))?;
        say!(
            "l4m: wrote {} ({}{})",
            path.display(),
            anomalies(count_anomalies(&run.outcome.metrics)),
            if run.outcome.partial { ", partial" } else { "" }
        );
    }
    if run.outcome.partial {
        say!(
            "l4m: interrupted: the backtest stopped; the output holds the {} of {} metrics that finished (partial)",
            run.outcome.metrics.len(),
            run.taken
        );
        return Ok(EXIT_INTERRUPTED);
    }
    Ok(0)
}

/// What would stop `--csv FILE` from being written (its folder missing, a folder in its place,
/// a file there without `--force`), found before the scan rather than after the run.
fn refuse_existing(path: &Path, force: bool) -> CliResult<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let problem = if !folder.is_dir() {
        Some(Error::OutputFolderMissing {
            path: path.to_path_buf(),
            folder: folder.to_path_buf(),
        })
    } else if path.is_dir() {
        Some(Error::OutputIsFolder {
            path: path.to_path_buf(),
        })
    } else if !force && path.exists() {
        Some(Error::OutputExists {
            path: path.to_path_buf(),
        })
    } else {
        None
    };
    problem.map_or(Ok(()), |e| Err(csv_failure(path, e)))
}

/// A `--csv` path that cannot be written, in the words of this command (its path is given with
/// --csv, not -o).
fn csv_failure(path: &Path, e: Error) -> Failure {
    let p = path.display();
    match e {
        Error::OutputExists { .. } => Failure::Usage(format!(
            "{p}: already exists: add --force to replace it, or give --csv another path"
        )),
        Error::OutputFolderMissing { folder, .. } => Failure::Usage(format!(
            "{p}: the folder {} does not exist: create it, or give --csv another path",
            folder.display()
        )),
        Error::OutputIsFolder { .. } => {
            Failure::Usage(format!("{p}: is a folder: give --csv a file's path"))
        }
        other => Failure::Engine(other),
    }
}

/// Run the forest over the metrics: Ctrl-C stops it (what finished is kept), and a terminal
/// shows its progress on standard error.
fn run_forest(
    metrics: &[MetricValues],
    settings: &Settings,
    split: Option<&Split>,
    threads: usize,
) -> CliResult<Outcome> {
    let control = Arc::clone(SCAN.get_or_init(Arc::default));
    let progress = Progress::default();
    let total: u64 = metrics.iter().map(|m| m.points.len() as u64).sum();
    let finished = AtomicBool::new(false);
    SCANNING.store(true, Ordering::SeqCst);
    let outcome = std::thread::scope(|s| {
        if std::io::stderr().is_terminal() {
            s.spawn(|| progress_bar(&progress, metrics.len(), total, &finished));
        }
        let out = backtest::run(
            metrics,
            settings,
            split,
            threads,
            &|| control.is_cancelled(),
            &progress,
        );
        finished.store(true, Ordering::SeqCst);
        out
    });
    SCANNING.store(false, Ordering::SeqCst);
    outcome.map_err(|e| Failure::Engine(e.into()))
}

/// One line on standard error, redrawn until the run ends, then erased.
fn progress_bar(p: &Progress, metrics: usize, total: u64, finished: &AtomicBool) {
    const WIDTH: usize = 30;
    while !finished.load(Ordering::SeqCst) {
        let done = p.intervals_done.load(Ordering::Relaxed).min(total);
        let share = if total == 0 {
            1.0
        } else {
            done as f64 / total as f64
        };
        let filled = (share * WIDTH as f64) as usize;
        let line = format!(
            "\rbacktest [{}{}] {:>3.0}%  {} of {} metrics",
            "█".repeat(filled),
            "·".repeat(WIDTH - filled),
            share * 100.0,
            p.metrics_done.load(Ordering::Relaxed),
            metrics
        );
        let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = std::io::Write::write_all(&mut std::io::stderr(), b"\r\x1b[2K");
}

/// "1 anomaly", "3 anomalies".
fn anomalies(n: usize) -> String {
    if n == 1 {
        "1 anomaly".into()
    } else {
        format!("{} anomalies", thousands(n as u64))
    }
}

fn count_anomalies(metrics: &[MetricBacktest]) -> usize {
    metrics.iter().map(|m| m.anomalies.len()).sum()
}

/// `backtest --json`, written as it is serialized.
#[derive(Serialize)]
struct BacktestJson<'a> {
    frequency: l4m::schema::Frequency,
    timezone: &'a str,
    detector: &'a Settings,
    split: Option<&'a Split>,
    metrics: &'a [MetricBacktest],
    /// Metrics found, run or not.
    metrics_total: u64,
    /// Metrics past the cap (`--max-metrics`), not run.
    metrics_left_out: u64,
    /// Ctrl-C stopped the run: `metrics` holds those that finished.
    partial: bool,
}

fn json<'a>(r: &'a Run<'a>) -> BacktestJson<'a> {
    BacktestJson {
        frequency: r.cov.frequency,
        timezone: r.cov.timezone.name(),
        detector: r.settings,
        split: r.split.as_ref(),
        metrics: &r.outcome.metrics,
        metrics_total: r.metrics_total,
        metrics_left_out: r.left_out,
        partial: r.outcome.partial,
    }
}

/// The anomalies as CSV: the measure, one column per dimension, then the interval and what the
/// forest said of it.
fn csv(metrics: &[MetricBacktest], dimensions: &[&str]) -> CliResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["measure"];
    header.extend_from_slice(dimensions);
    header.extend(["start", "part", "value", "expected", "grade", "confidence"]);
    let failed = |e: csv::Error| Failure::Usage(format!("could not write the CSV: {e}"));
    w.write_record(&header).map_err(failed)?;
    let opt = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    for m in metrics {
        for an in &m.anomalies {
            let mut row = vec![m.measure.clone()];
            for d in dimensions {
                row.push(
                    m.dimensions
                        .get(*d)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_string(),
                );
            }
            row.extend([
                rfc3339(an.start),
                an.part.name().to_string(),
                opt(an.value),
                opt(an.expected),
                an.grade.to_string(),
                an.confidence.to_string(),
            ]);
            w.write_record(&row).map_err(failed)?;
        }
    }
    w.into_inner()
        .map_err(|e| Failure::Usage(format!("could not write the CSV: {e}")))
}

/// The text: what was run and how, each metric's anomalies in the testing part, a summary.
fn text(root: &str, r: &Run, a: &BacktestArgs) -> String {
    let mut o = String::new();
    let s = r.settings;
    let _ = writeln!(
        o,
        "{root}: backtest of {} at interval {} ({}), timezone {}",
        plural(r.taken as u64, "metric"),
        r.cov.frequency,
        r.cov.frequency.human(),
        r.cov.timezone.name()
    );
    let _ = writeln!(
        o,
        "detector: random cut forest (krcflib 4.0.2), shingle {}, {} trees, sample size {}, output after {} values, anomalies within {:.0}% of the expected value ignored",
        s.shingle_size,
        s.number_of_trees,
        s.sample_size,
        s.output_after,
        s.ignore_near_expected_ratio * 100.0
    );
    let how = s.impute().describe();
    if s.impute_default {
        let _ = writeln!(
            o,
            "missing intervals: {how}, the default (--impute {IMPUTE_NAMES})\n  why: {IMPUTE_DEFAULT_WHY}"
        );
    } else {
        let _ = writeln!(
            o,
            "missing intervals: {how} (--impute {}; the default is ignore)",
            a.impute.map_or("ignore".to_string(), |i| match i.value() {
                Some(x) => format!("fixed:{x}"),
                None => i.name().to_string(),
            })
        );
    }
    if let Some(sp) = &r.split {
        let _ = writeln!(
            o,
            "split: training {} to {}, testing {} to {}",
            rfc3339(sp.training_start),
            rfc3339(sp.training_end),
            rfc3339(sp.inference_start),
            rfc3339(sp.inference_end)
        );
    }
    for m in &r.outcome.metrics {
        metric_text(m, &mut o);
    }
    summary(r, a, &mut o);
    o
}

/// A metric's heading and its anomalies in the testing part, as L4M's backtest listed them:
/// when, how severe (the grade as 0 to 100), the value and the expected value.
fn metric_text(m: &MetricBacktest, o: &mut String) {
    let dims: Vec<String> = m
        .dimensions
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
        .collect();
    let (training, testing) = m.by_part();
    let _ = writeln!(
        o,
        "\n{} ({}) {}\n  {} in testing, {} in training",
        m.measure,
        m.aggregation.as_str(),
        dims.join(" "),
        anomalies(testing),
        thousands(training as u64)
    );
    for an in m.anomalies.iter().filter(|a| a.part == Part::Testing) {
        let _ = writeln!(
            o,
            "  {}  severity {:>3.0}  value {}  expected {}  confidence {:.2}",
            rfc3339(an.start),
            an.grade * 100.0,
            an.value.map_or("missing".into(), number),
            an.expected.map_or("-".into(), number),
            an.confidence
        );
    }
}

fn summary(r: &Run, a: &BacktestArgs, o: &mut String) {
    let (training, testing) = r
        .outcome
        .metrics
        .iter()
        .map(MetricBacktest::by_part)
        .fold((0, 0), |(x, y), (a, b)| (x + a, y + b));
    let _ = writeln!(
        o,
        "\n{} run, {} found: {} in training, {} in testing",
        plural(r.outcome.metrics.len() as u64, "metric"),
        anomalies(training + testing),
        thousands(training as u64),
        thousands(testing as u64)
    );
    if r.outcome.partial {
        let _ = writeln!(
            o,
            "partial: interrupted after {} of {} metrics",
            r.outcome.metrics.len(),
            r.taken
        );
    }
    if r.left_out > 0 {
        let _ = writeln!(
            o,
            "{} of {} left out (at most {} a run, those with the most intervals with data first): raise --max-metrics or narrow with --where DIM=VALUE",
            thousands(r.left_out),
            plural(r.metrics_total, "metric"),
            a.max_metrics
                .map_or(backtest::DEFAULT_MAX_METRICS, |n| n as usize)
        );
    }
    if r.taken == 0 {
        let which = if a.metrics.where_.is_empty() {
            "label a measure (--measure COL)"
        } else {
            "no record has those dimension values: check --where"
        };
        let _ = writeln!(o, "no metric: {which}");
    }
}
