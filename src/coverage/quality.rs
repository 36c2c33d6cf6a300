//! What Lookout for Metrics reported only after a backtest, from the files before it: per-metric
//! coverage, the data-quality figures of `GetDataQualityMetrics`, and the backtest's 70/30 split.
//!
//! Where the service's behaviour is not documented, this module chooses and says so:
//! - a measure cell that is empty or not a number gives its series no data point in that interval
//!   (and makes the row partial);
//! - of a history longer than 3,000 intervals, the backtest uses the most recent 3,000;
//! - `ROWS_PARTIAL_COMPLIANCE` and `INVALID_ROWS_COMPLIANCE` are counts of rows; completeness is a
//!   share (0 to 1) of well-formed rows whose value is not empty.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::ScanSpec;
use super::report::instant;
use super::series::{MAX_SERIES_COMBINATIONS, SeriesTally};
use crate::schema::limits::Limit;

/// Most series listed in a report (the sparsest first).
pub const SERIES_LISTED: usize = 1_000;

/// The data-quality report of a scan made with [`ScanSpec::series`].
#[derive(Debug, Clone, Serialize)]
pub struct Quality {
    /// Every record read: counted, partial or invalid.
    pub rows_processed: u64,
    /// Records not counted (no or bad timestamp, ragged, not UTF-8...).
    pub rows_invalid: u64,
    /// Counted records with an empty dimension, or a measure empty or not a number.
    pub rows_partial: u64,
    /// Measures x distinct dimension combinations (a lower bound when `series_capped`).
    pub time_series_count: u64,
    /// Series with at least 285 intervals holding data.
    pub series_meeting_threshold: u64,
    /// Series followed (at most [`MAX_SERIES_COMBINATIONS`] combinations x measures).
    pub series_followed: u64,
    /// Sparsest first, at most [`SERIES_LISTED`].
    pub series: Vec<SeriesReport>,
    /// True when the list was cut (more series than listed, or than followed).
    pub series_capped: bool,
    pub series_listed_limit: usize,
    pub series_followed_limit: usize,
    pub columns: Vec<ColumnCompleteness>,
    pub dimensions: Vec<DimensionUniqueness>,
    pub backtest: Option<Backtest>,
    /// The same figures in the service's `DataQualityMetric` shape.
    pub data_quality_metric_list: Vec<DataQualityMetric>,
    /// Every followed combination's dimension values (in dimension order), for exports that make
    /// one detector per metric.
    #[serde(skip)]
    pub combinations: Vec<Vec<String>>,
}

/// One series: a measure for one combination of dimension values.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesReport {
    pub dimensions: serde_json::Map<String, serde_json::Value>,
    pub measure: String,
    pub intervals_with_data: u64,
    pub first_interval: Option<DateTime<Utc>>,
    pub last_interval: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ColumnCompleteness {
    pub name: String,
    /// Share of well-formed records whose value is not empty, 0 to 1.
    pub completeness: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DimensionUniqueness {
    pub name: String,
    pub distinct: u64,
    /// True when more distinct values were seen than are counted.
    pub capped: bool,
}

/// The intervals a backtest would use, and its split into training and testing (inference).
#[derive(Debug, Clone, Serialize)]
pub struct Backtest {
    pub intervals_used: u64,
    pub training_intervals: u64,
    pub inference_intervals: u64,
    /// Intervals of the span before the ones used (a backtest reads at most 3,000).
    pub intervals_left_out: u64,
    pub training_start: DateTime<Utc>,
    /// The end of the last training interval (= `inference_start`).
    pub training_end: DateTime<Utc>,
    pub inference_start: DateTime<Utc>,
    /// The end of the last interval.
    pub inference_end: DateTime<Utc>,
    /// Which intervals were chosen, in words (the guide does not say).
    pub choice: String,
}

/// `DataQualityMetric` of the service's API model.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DataQualityMetric {
    pub metric_type: &'static str,
    pub metric_description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub related_column_name: Option<String>,
    pub metric_value: f64,
}

/// The interval keys of a scan: the first one with data and how many the span has.
pub(super) struct Span {
    pub first: Option<i64>,
    pub spanned: u64,
}

/// Build the report from the merged series tally.
pub(super) fn build(
    s: &SeriesTally,
    spec: &ScanSpec,
    span: &Span,
    counted: u64,
    invalid: u64,
    combinations: u64,
) -> Quality {
    let len = spec.frequency.seconds();
    let tz = &spec.timezone;
    let min = Limit::MinIntervals.value();
    let mut series = all_series(s, spec);
    let followed = series.len() as u64;
    let meeting = series
        .iter()
        .filter(|r| r.intervals_with_data >= min)
        .count() as u64;
    series.sort_by(|a, b| {
        a.intervals_with_data
            .cmp(&b.intervals_with_data)
            .then_with(|| a.measure.cmp(&b.measure))
            .then_with(|| format!("{:?}", a.dimensions).cmp(&format!("{:?}", b.dimensions)))
    });
    let listed_all = series.len() <= SERIES_LISTED;
    series.truncate(SERIES_LISTED);
    let columns = completeness(s, spec);
    let dimensions: Vec<DimensionUniqueness> = spec
        .dimensions
        .iter()
        .zip(&s.distinct)
        .map(|(name, set)| DimensionUniqueness {
            name: name.clone(),
            distinct: set.len() as u64,
            capped: s.distinct_capped,
        })
        .collect();
    let backtest = backtest(span, len, tz);
    let time_series_count = combinations * spec.measures.len() as u64;
    let mut q = Quality {
        rows_processed: counted + invalid,
        rows_invalid: invalid,
        rows_partial: s.partial,
        time_series_count,
        series_meeting_threshold: meeting,
        series_followed: followed,
        series,
        series_capped: s.capped || !listed_all,
        series_listed_limit: SERIES_LISTED,
        series_followed_limit: MAX_SERIES_COMBINATIONS * spec.measures.len(),
        columns,
        dimensions,
        backtest,
        data_quality_metric_list: Vec::new(),
        combinations: s.combinations.iter().map(|c| c.values.clone()).collect(),
    };
    q.data_quality_metric_list = metric_list(&q);
    q
}

/// The report of series counted by another engine (Athena's `metrics` query): what it does not
/// count (partial rows, column completeness) is zero or left out.
pub(super) fn from_series(
    mut series: Vec<SeriesReport>,
    spec: &ScanSpec,
    span: &Span,
    counted: u64,
    invalid: u64,
) -> Quality {
    let min = Limit::MinIntervals.value();
    let followed = series.len() as u64;
    let meeting = series
        .iter()
        .filter(|r| r.intervals_with_data >= min)
        .count() as u64;
    series.sort_by(|a, b| {
        a.intervals_with_data
            .cmp(&b.intervals_with_data)
            .then_with(|| a.measure.cmp(&b.measure))
            .then_with(|| format!("{:?}", a.dimensions).cmp(&format!("{:?}", b.dimensions)))
    });
    let dimensions = spec
        .dimensions
        .iter()
        .map(|name| {
            let values: std::collections::HashSet<&serde_json::Value> = series
                .iter()
                .filter_map(|r| r.dimensions.get(name))
                .collect();
            DimensionUniqueness {
                name: name.clone(),
                distinct: values.len() as u64,
                capped: false,
            }
        })
        .collect();
    let listed_all = series.len() <= SERIES_LISTED;
    series.truncate(SERIES_LISTED);
    let mut q = Quality {
        rows_processed: counted + invalid,
        rows_invalid: invalid,
        rows_partial: 0,
        time_series_count: followed,
        series_meeting_threshold: meeting,
        series_followed: followed,
        series,
        series_capped: !listed_all,
        series_listed_limit: SERIES_LISTED,
        series_followed_limit: MAX_SERIES_COMBINATIONS * spec.measures.len(),
        columns: Vec::new(),
        dimensions,
        backtest: backtest(span, spec.frequency.seconds(), &spec.timezone),
        data_quality_metric_list: Vec::new(),
        combinations: Vec::new(),
    };
    q.data_quality_metric_list = metric_list(&q);
    q
}

/// Every followed series, with its figures.
fn all_series(s: &SeriesTally, spec: &ScanSpec) -> Vec<SeriesReport> {
    let len = spec.frequency.seconds();
    let tz = &spec.timezone;
    let mut out = Vec::with_capacity(s.combinations.len() * spec.measures.len());
    for c in &s.combinations {
        let dimensions: serde_json::Map<String, serde_json::Value> = spec
            .dimensions
            .iter()
            .zip(&c.values)
            .map(|(n, v)| (n.clone(), serde_json::Value::String(v.clone())))
            .collect();
        for (measure, runs) in spec.measures.iter().zip(&c.runs) {
            out.push(SeriesReport {
                dimensions: dimensions.clone(),
                measure: measure.clone(),
                intervals_with_data: runs.intervals(len),
                first_interval: runs.first(len).map(|k| instant(k, tz)),
                last_interval: runs.last(len).map(|k| instant(k, tz)),
            });
        }
    }
    out
}

/// Completeness of the timestamp, dimension and measure columns.
fn completeness(s: &SeriesTally, spec: &ScanSpec) -> Vec<ColumnCompleteness> {
    let names = std::iter::once(&spec.timestamp_column)
        .chain(&spec.dimensions)
        .chain(&spec.measures);
    names
        .zip(&s.non_empty)
        .map(|(name, &n)| ColumnCompleteness {
            name: name.clone(),
            completeness: if s.well_formed == 0 {
                0.0
            } else {
                n as f64 / s.well_formed as f64
            },
        })
        .collect()
}

/// The most recent 3,000 intervals of the span (all of it when shorter), 70% for training.
fn backtest(span: &Span, len: i64, tz: &Tz) -> Option<Backtest> {
    let first = span.first?;
    let max = Limit::MaxBacktestIntervals.value();
    let used = span.spanned.min(max);
    let left_out = span.spanned - used;
    let training = used * Limit::BacktestTrainingPercent.value() / 100;
    let key = |slot: u64| first + slot as i64 * len;
    let start = left_out;
    Some(Backtest {
        intervals_used: used,
        training_intervals: training,
        inference_intervals: used - training,
        intervals_left_out: left_out,
        training_start: instant(key(start), tz),
        training_end: instant(key(start + training), tz),
        inference_start: instant(key(start + training), tz),
        inference_end: instant(key(start + used), tz),
        choice: if left_out > 0 {
            format!(
                "the most recent {max} of {} intervals (the guide does not say which; a detector learns from recent history)",
                span.spanned
            )
        } else {
            format!("all {} intervals of the span", span.spanned)
        },
    })
}

/// The report's figures as `DataQualityMetric`s.
fn metric_list(q: &Quality) -> Vec<DataQualityMetric> {
    let m = |t: &'static str, d: String, col: Option<&str>, v: f64| DataQualityMetric {
        metric_type: t,
        metric_description: d,
        related_column_name: col.map(str::to_string),
        metric_value: v,
    };
    let mut out = Vec::new();
    for c in &q.columns {
        out.push(m(
            "COLUMN_COMPLETENESS",
            format!("Share of records with a value in {}", c.name),
            Some(&c.name),
            c.completeness,
        ));
    }
    for d in &q.dimensions {
        out.push(m(
            "DIMENSION_UNIQUENESS",
            format!("Distinct values of dimension {}", d.name),
            Some(&d.name),
            d.distinct as f64,
        ));
    }
    out.push(m(
        "TIME_SERIES_COUNT",
        "Measures x distinct dimension combinations".into(),
        None,
        q.time_series_count as f64,
    ));
    out.push(m(
        "ROWS_PROCESSED",
        "Records read".into(),
        None,
        q.rows_processed as f64,
    ));
    out.push(m(
        "ROWS_PARTIAL_COMPLIANCE",
        "Records counted with an empty dimension or a measure without a number".into(),
        None,
        q.rows_partial as f64,
    ));
    out.push(m(
        "INVALID_ROWS_COMPLIANCE",
        "Records not counted (bad or missing timestamp, wrong number of fields...)".into(),
        None,
        q.rows_invalid as f64,
    ));
    if let Some(b) = &q.backtest {
        let epoch = |t: DateTime<Utc>| t.timestamp() as f64;
        for (t, d, v) in [
            (
                "BACKTEST_TRAINING_DATA_START_TIME_STAMP",
                "Start of the backtest's training data (epoch seconds)",
                b.training_start,
            ),
            (
                "BACKTEST_TRAINING_DATA_END_TIME_STAMP",
                "End of the backtest's training data (epoch seconds)",
                b.training_end,
            ),
            (
                "BACKTEST_INFERENCE_DATA_START_TIME_STAMP",
                "Start of the backtest's test data (epoch seconds)",
                b.inference_start,
            ),
            (
                "BACKTEST_INFERENCE_DATA_END_TIME_STAMP",
                "End of the backtest's test data (epoch seconds)",
                b.inference_end,
            ),
        ] {
            out.push(m(t, d.into(), None, epoch(v)));
        }
    }
    out
}
