//! What a detector would flag in each metric, before anyone creates one: AWS's thresholded Random
//! Cut Forest run locally over each metric's values, the way an OpenSearch detector's historical
//! analysis runs with its defaults, and its anomalies split as Lookout for Metrics' backtest split
//! its history (the older 70% to learn from, the most recent 30% to find anomalies in).
//!
//! Metrics run in parallel, each on one thread with its own forest; a metric's seed comes from a
//! fixed base and the metric's own name (dimension values and measure), never from the thread or
//! the order of the run, so the same input gives the same output at any number of threads.
//! Memory grows with the metrics run times their intervals.

mod forest;

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::coverage::{MetricValues, Values};
use crate::schema::Aggregation;

pub use forest::imputed;

/// Most metrics one run takes unless told otherwise (`--max-metrics`): the forest costs about
/// the same per interval whatever the metric, so a run's time is metrics × intervals.
pub const DEFAULT_MAX_METRICS: usize = 100;

/// How missing intervals are filled before the forest sees them (OpenSearch's options).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Impute {
    /// Not handed to the forest: it sees the intervals with a value, one after the other.
    #[default]
    Ignore,
    /// Handed to it as 0.
    Zero,
    /// Handed to it as the last value before (nothing before the first value).
    Previous,
    /// Handed to it as this value.
    Fixed(f64),
}

/// Each imputation's name, what it does, and why `ignore` is the default.
pub const IMPUTE_NAMES: &str = "zero, previous, fixed:NUMBER or ignore";

impl Impute {
    pub fn name(self) -> &'static str {
        match self {
            Impute::Ignore => "ignore",
            Impute::Zero => "zero",
            Impute::Previous => "previous",
            Impute::Fixed(_) => "fixed",
        }
    }

    /// The value of `fixed`.
    pub fn value(self) -> Option<f64> {
        match self {
            Impute::Fixed(x) => Some(x),
            Impute::Ignore | Impute::Zero | Impute::Previous => None,
        }
    }

    /// As `--impute` takes it (and a session keeps it): `zero`, `fixed:2.5`...
    pub fn arg(self) -> String {
        match self {
            Impute::Fixed(x) => format!("fixed:{x}"),
            other => other.name().to_string(),
        }
    }

    /// What a missing interval becomes, in words.
    pub fn describe(self) -> String {
        match self {
            Impute::Ignore => "left out (the forest sees only intervals with a value)".into(),
            Impute::Zero => "read as 0".into(),
            Impute::Previous => "read as the value before".into(),
            Impute::Fixed(x) => format!("read as {x}"),
        }
    }
}

/// Why `ignore` is the default, in one sentence.
pub const IMPUTE_DEFAULT_WHY: &str = "Lookout for Metrics skipped intervals without data and ignore is OpenSearch's default; zero would flag every gap as a drop, and previous or a fixed value would invent data";

impl std::str::FromStr for Impute {
    type Err = String;

    fn from_str(s: &str) -> Result<Impute, String> {
        let s = s.trim();
        match s.to_ascii_lowercase().as_str() {
            "ignore" => return Ok(Impute::Ignore),
            "zero" => return Ok(Impute::Zero),
            "previous" => return Ok(Impute::Previous),
            _ => {}
        }
        let bad = || format!("{s:?} is not an imputation: use {IMPUTE_NAMES}, e.g. fixed:0.5");
        let (name, number) = s.split_once([':', '=']).ok_or_else(bad)?;
        if !name.eq_ignore_ascii_case("fixed") {
            return Err(bad());
        }
        match number.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Impute::Fixed(x)),
            _ => Err(format!(
                "{s:?}: fixed needs a number after the colon, e.g. fixed:0.5"
            )),
        }
    }
}

/// Every setting of the forest (the `detector` of the JSON output).
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    pub algorithm: &'static str,
    pub shingle_size: usize,
    pub number_of_trees: usize,
    pub sample_size: usize,
    /// Values the forest sees before it gives output (32 + the shingle size).
    pub output_after: usize,
    /// How fast the trees forget old values (the library's default, 0.1 / sample size).
    pub time_decay: f64,
    /// How fast the normalization and the thresholder's statistics forget (the library's
    /// default, 0.1 / sample size; `krcflib` has no anomaly rate, see [`forest`]).
    pub transform_decay: f64,
    pub transform_method: &'static str,
    /// An anomaly whose actual value is within this share of the expected one is ignored.
    pub ignore_near_expected_ratio: f64,
    /// How missing intervals are filled: zero, previous, fixed or ignore.
    pub impute: &'static str,
    /// The value of `fixed`, else null.
    pub impute_value: Option<f64>,
    pub impute_default: bool,
    /// The base of every metric's seed.
    pub seed: u64,
    #[serde(skip)]
    pub(crate) impute_method: Impute,
}

/// The base of every metric's seed: fixed, so that runs repeat.
pub const SEED: u64 = 0x4C34_4D5F_5243_4621;

impl Default for Settings {
    fn default() -> Settings {
        Settings::with_impute(Impute::default(), true)
    }
}

impl Settings {
    /// OpenSearch's historical-analysis defaults, with this imputation.
    pub fn with_impute(impute: Impute, is_default: bool) -> Settings {
        let shingle_size = 8;
        let sample_size = 256;
        Settings {
            algorithm: "thresholded random cut forest (krcflib 4.0.2, AWS random-cut-forest-by-aws)",
            shingle_size,
            number_of_trees: 50,
            sample_size,
            output_after: 32 + shingle_size,
            time_decay: 0.1 / sample_size as f64,
            transform_decay: 0.1 / sample_size as f64,
            transform_method: "normalize",
            ignore_near_expected_ratio: 0.2,
            impute: impute.name(),
            impute_value: impute.value(),
            impute_default: is_default,
            seed: SEED,
            impute_method: impute,
        }
    }

    pub fn impute(&self) -> Impute {
        self.impute_method
    }
}

/// Why a backtest could not run.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BacktestError {
    /// The forest refused its settings or a value (a bug of ours: the values are checked).
    #[error("the random cut forest failed: {message}")]
    Forest { message: String },
    /// The forest stopped unexpectedly on a metric.
    #[error("the random cut forest stopped unexpectedly on {metric}")]
    Panicked { metric: String },
}

/// The backtest's split: the older part to learn from, the most recent to find anomalies in.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Split {
    pub training_start: DateTime<Utc>,
    pub training_end: DateTime<Utc>,
    pub inference_start: DateTime<Utc>,
    pub inference_end: DateTime<Utc>,
}

impl From<&crate::coverage::Backtest> for Split {
    fn from(b: &crate::coverage::Backtest) -> Split {
        Split {
            training_start: b.training_start,
            training_end: b.training_end,
            inference_start: b.inference_start,
            inference_end: b.inference_end,
        }
    }
}

/// Which part of the split an interval is in.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    Training,
    Testing,
}

impl Part {
    pub fn name(self) -> &'static str {
        match self {
            Part::Training => "training",
            Part::Testing => "testing",
        }
    }
}

/// One interval of a metric, as the forest saw it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Point {
    pub start: DateTime<Utc>,
    /// The metric's value (null where data is missing, imputed or not).
    pub value: Option<f64>,
    /// The forest's anomaly score; 0 before it gives output.
    pub score: f64,
    /// The anomaly grade in [0, 1]; 0: not an anomaly.
    pub grade: f64,
    /// The value the forest expected, where it found an anomaly.
    pub expected: Option<f64>,
}

/// An interval the forest flagged.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Anomaly {
    pub start: DateTime<Utc>,
    pub value: Option<f64>,
    pub expected: Option<f64>,
    pub grade: f64,
    pub confidence: f64,
    pub part: Part,
}

/// One metric's backtest.
#[derive(Debug, Clone, Serialize)]
pub struct MetricBacktest {
    pub dimensions: Map<String, Value>,
    pub measure: String,
    pub aggregation: Aggregation,
    /// Every interval of the span, in time order.
    pub points: Vec<Point>,
    pub anomalies: Vec<Anomaly>,
}

impl MetricBacktest {
    /// Anomalies in the training and in the testing part.
    pub fn by_part(&self) -> (usize, usize) {
        let testing = self
            .anomalies
            .iter()
            .filter(|a| a.part == Part::Testing)
            .count();
        (self.anomalies.len() - testing, testing)
    }
}

/// Progress of a run, shared with whoever watches it.
#[derive(Debug, Default)]
pub struct Progress {
    pub metrics_done: AtomicUsize,
    /// Metric-intervals run so far.
    pub intervals_done: AtomicU64,
}

/// What a run gives: the metrics that finished, in the order given.
#[derive(Debug)]
pub struct Outcome {
    pub metrics: Vec<MetricBacktest>,
    /// True when it was cancelled: `metrics` holds only those that finished.
    pub partial: bool,
}

/// The metrics a run takes: at most `max`, those with the most intervals with data first (the
/// forest needs values to learn from; a sparse metric gives it little), ties in the order given.
/// Returns the metrics kept, in the order given, and how many were left out.
pub fn choose(values: Values, max: usize) -> (Vec<MetricValues>, u64) {
    let total = values.metrics_total;
    let mut ranked: Vec<(usize, MetricValues)> = values.metrics.into_iter().enumerate().collect();
    ranked.sort_by_key(|(k, m)| (std::cmp::Reverse(m.with_value()), *k));
    ranked.truncate(max);
    ranked.sort_by_key(|(k, _)| *k);
    let kept: Vec<MetricValues> = ranked.into_iter().map(|(_, m)| m).collect();
    let left_out = total.saturating_sub(kept.len() as u64);
    (kept, left_out)
}

/// A metric's seed: the base and its dimension values and measure (FNV-1a), so that it does not
/// depend on which other metrics run, nor on the thread that runs it.
pub fn seed(base: u64, m: &MetricValues) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ base;
    let mut eat = |bytes: &[u8]| {
        for b in bytes.iter().chain(&[0xff]) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for (k, v) in &m.dimensions {
        eat(k.as_bytes());
        eat(v.as_str().unwrap_or_default().as_bytes());
    }
    eat(m.measure.as_bytes());
    h
}

/// A metric's name for messages: `measure` and its dimension values.
pub fn metric_name(m: &MetricValues) -> String {
    let dims: Vec<String> = m
        .dimensions
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
        .collect();
    if dims.is_empty() {
        m.measure.clone()
    } else {
        format!("{} ({})", m.measure, dims.join(", "))
    }
}

/// Run one metric; `None` when cancelled.
pub fn run_metric(
    m: &MetricValues,
    settings: &Settings,
    split: Option<&Split>,
    cancelled: &dyn Fn() -> bool,
    progress: &Progress,
) -> Result<Option<MetricBacktest>, BacktestError> {
    let values: Vec<Option<f64>> = m.points.iter().map(|p| p.value).collect();
    let done = |n: u64| {
        progress.intervals_done.fetch_add(n, Ordering::Relaxed);
    };
    let seed = seed(settings.seed, m);
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        forest::run(&values, settings, seed, cancelled, &done)
    }));
    let Some(scored) = run.map_err(|_| BacktestError::Panicked {
        metric: metric_name(m),
    })??
    else {
        return Ok(None);
    };
    let part = |t: DateTime<Utc>| match split {
        Some(s) if t < s.inference_start => Part::Training,
        Some(_) => Part::Testing,
        None => Part::Training,
    };
    let mut points = Vec::with_capacity(m.points.len());
    let mut anomalies = Vec::new();
    for (p, s) in m.points.iter().zip(&scored) {
        points.push(Point {
            start: p.start,
            value: p.value,
            score: s.score,
            grade: s.grade,
            expected: s.expected,
        });
        if s.grade > 0.0 {
            anomalies.push(Anomaly {
                start: p.start,
                value: p.value,
                expected: s.expected,
                grade: s.grade,
                confidence: s.confidence,
                part: part(p.start),
            });
        }
    }
    Ok(Some(MetricBacktest {
        dimensions: m.dimensions.clone(),
        measure: m.measure.clone(),
        aggregation: m.aggregation,
        points,
        anomalies,
    }))
}

/// Run every metric on `threads` threads. `cancelled` is asked now and then: once it says yes,
/// the metrics running stop and those not started are not, and the outcome is partial.
pub fn run(
    metrics: &[MetricValues],
    settings: &Settings,
    split: Option<&Split>,
    threads: usize,
    cancelled: &(dyn Fn() -> bool + Sync),
    progress: &Progress,
) -> Result<Outcome, BacktestError> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<MetricBacktest>>> = Mutex::new(vec![None; metrics.len()]);
    let failure: Mutex<Option<BacktestError>> = Mutex::new(None);
    let work = || {
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(m) = metrics.get(k) else { break };
            if cancelled() || failure.lock().map_or(true, |f| f.is_some()) {
                break;
            }
            match run_metric(m, settings, split, cancelled, progress) {
                Ok(Some(done)) => {
                    if let Ok(mut r) = results.lock() {
                        r[k] = Some(done);
                    }
                    progress.metrics_done.fetch_add(1, Ordering::Relaxed);
                }
                Ok(None) => break,
                Err(e) => {
                    if let Ok(mut f) = failure.lock() {
                        f.get_or_insert(e);
                    }
                    break;
                }
            }
        }
    };
    std::thread::scope(|s| {
        for _ in 0..threads.clamp(1, metrics.len().max(1)) {
            s.spawn(work);
        }
    });
    if let Some(e) = failure.into_inner().ok().flatten() {
        return Err(e);
    }
    let results = results.into_inner().unwrap_or_default();
    let partial = results.iter().any(Option::is_none);
    Ok(Outcome {
        metrics: results.into_iter().flatten().collect(),
        partial,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::ValuePoint;

    fn metric(name: &str, values: &[Option<f64>]) -> MetricValues {
        let start = DateTime::<Utc>::from_timestamp(1_700_000_000 / 3600 * 3600, 0).unwrap();
        let mut dimensions = Map::new();
        dimensions.insert("dim".into(), Value::String(name.into()));
        MetricValues {
            dimensions,
            measure: "v".into(),
            aggregation: Aggregation::Sum,
            points: values
                .iter()
                .enumerate()
                .map(|(k, v)| ValuePoint {
                    start: start + chrono::Duration::hours(k as i64),
                    value: *v,
                    records: u64::from(v.is_some()),
                })
                .collect(),
        }
    }

    /// A daily pattern with a little noise, and a spike at `spike`.
    fn daily(n: usize, spike: usize) -> Vec<Option<f64>> {
        let mut r = crate::testing::random(7);
        (0..n)
            .map(|k| {
                let base = 100.0 + 30.0 * (k as f64 * std::f64::consts::TAU / 24.0).sin();
                let noise = r(100) as f64 / 50.0;
                Some(if k == spike { base * 4.0 } else { base + noise })
            })
            .collect()
    }

    #[test]
    fn imputation_names_parse_and_a_bad_one_says_what_to_use() {
        assert_eq!("zero".parse::<Impute>(), Ok(Impute::Zero));
        assert_eq!("Previous".parse::<Impute>(), Ok(Impute::Previous));
        assert_eq!("ignore".parse::<Impute>(), Ok(Impute::Ignore));
        assert_eq!("fixed:2.5".parse::<Impute>(), Ok(Impute::Fixed(2.5)));
        assert_eq!("fixed=-1".parse::<Impute>(), Ok(Impute::Fixed(-1.0)));
        for i in [
            Impute::Ignore,
            Impute::Zero,
            Impute::Previous,
            Impute::Fixed(-0.25),
        ] {
            assert_eq!(i.arg().parse::<Impute>(), Ok(i), "{}", i.arg());
        }
        let e = "linear".parse::<Impute>().unwrap_err();
        assert!(e.contains("zero, previous, fixed:NUMBER or ignore"), "{e}");
        let e = "fixed:x".parse::<Impute>().unwrap_err();
        assert!(e.contains("needs a number"), "{e}");
    }

    #[test]
    fn a_spike_is_flagged_at_its_interval_and_in_the_testing_part() {
        let m = metric("a", &daily(1000, 900));
        let split = Split {
            training_start: m.points[0].start,
            training_end: m.points[700].start,
            inference_start: m.points[700].start,
            inference_end: m.points[999].start,
        };
        let never = || false;
        let b = run_metric(
            &m,
            &Settings::default(),
            Some(&split),
            &never,
            &Progress::default(),
        )
        .unwrap()
        .unwrap();
        assert_eq!(b.points.len(), 1000);
        assert!(
            b.points[..40]
                .iter()
                .all(|p| p.score == 0.0 && p.grade == 0.0)
        );
        let at: Vec<usize> = b
            .points
            .iter()
            .enumerate()
            .filter(|(_, p)| p.grade > 0.0)
            .map(|(k, _)| k)
            .collect();
        assert!(at.contains(&900), "flagged: {at:?}");
        let spike = b.anomalies.iter().find(|a| a.start == m.points[900].start);
        let spike = spike.unwrap();
        assert_eq!(spike.part, Part::Testing);
        let expected = spike.expected.unwrap();
        assert!((expected - 100.0).abs() < 60.0, "expected {expected}");
        assert!(spike.confidence > 0.0 && spike.confidence <= 1.0);
    }

    #[test]
    fn the_same_metrics_give_the_same_output_at_one_and_four_threads() {
        let metrics: Vec<MetricValues> = (0..6)
            .map(|k| metric(&format!("m{k}"), &daily(400, 300 + k)))
            .collect();
        let never = || false;
        let once = |threads| {
            let out = run(
                &metrics,
                &Settings::default(),
                None,
                threads,
                &never,
                &Progress::default(),
            )
            .unwrap();
            assert!(!out.partial);
            serde_json::to_string(&out.metrics).unwrap()
        };
        let one = once(1);
        assert_eq!(one, once(4));
        assert_eq!(one, once(1));
    }

    #[test]
    fn the_metrics_with_most_data_are_kept_in_their_order() {
        let sparse = metric("sparse", &[None, None, Some(1.0), None]);
        let values = Values {
            metrics: vec![
                sparse.clone(),
                metric("full", &[Some(1.0); 4]),
                metric("half", &[Some(1.0), None, Some(1.0), None]),
            ],
            metrics_total: 5,
            metrics_left_out: 2,
            capped: false,
        };
        let (kept, left_out) = choose(values, 2);
        let names: Vec<_> = kept.iter().map(|m| m.dimensions["dim"].clone()).collect();
        assert_eq!(names, ["full", "half"]);
        assert_eq!(left_out, 3);
    }
}
