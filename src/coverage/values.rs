//! Each metric's values over time, as L4M aggregates them: per interval, the SUM or the AVG of
//! the values of a measure for one combination of dimension values (a metric, as in `quality`).
//! A record whose measure is empty or not a number gives no value; an interval without a value is
//! `null`. Memory grows with metrics × intervals (the cells of [`super::series::Cells`]), never with
//! records.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use super::ScanSpec;
use super::report::instant;
use super::series::{Cells, SeriesTally};
use crate::schema::Aggregation;

/// Most metrics one call reports; the rest are counted, and a narrower call (by dimension value)
/// shows them.
pub const MAX_METRICS: usize = 1_000;

/// One interval of a metric.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ValuePoint {
    /// The interval's start, in UTC.
    pub start: DateTime<Utc>,
    /// The SUM or AVG of the interval's values; `None` when it has none.
    pub value: Option<f64>,
    /// Records of the metric's dimension values in the interval (with a value or not).
    pub records: u64,
}

/// A metric's values over the dataset's span.
#[derive(Debug, Clone, Serialize)]
pub struct MetricValues {
    pub dimensions: Map<String, Value>,
    pub measure: String,
    pub aggregation: Aggregation,
    /// One point per interval of the dataset's span, in time order.
    pub points: Vec<ValuePoint>,
}

impl MetricValues {
    /// Intervals with a value.
    pub fn with_value(&self) -> usize {
        self.points.iter().filter(|p| p.value.is_some()).count()
    }
}

/// The lowest and highest value of a metric's points; `None` when none has a value.
pub fn value_range(points: &[ValuePoint]) -> Option<(f64, f64)> {
    points
        .iter()
        .filter_map(|p| p.value)
        .fold(None, |r, v| match r {
            None => Some((v, v)),
            Some((l, h)) => Some((v.min(l), v.max(h))),
        })
}

/// Every metric's values (at most [`MAX_METRICS`]).
#[derive(Debug, Clone, Serialize)]
pub struct Values {
    pub metrics: Vec<MetricValues>,
    /// Metrics found, listed or not.
    pub metrics_total: u64,
    /// Metrics past [`MAX_METRICS`], not listed.
    pub metrics_left_out: u64,
    /// More combinations than a scan follows: metrics may be missing.
    pub capped: bool,
}

/// The metrics of a scan that summed values, ordered by dimension values then measure.
/// `first` is the first interval's wall-clock key and `spanned` the span in intervals.
pub(super) fn build(
    s: &SeriesTally,
    spec: &ScanSpec,
    first: Option<i64>,
    spanned: u64,
) -> Option<Values> {
    let aggregations = spec.values.as_ref()?;
    let len = spec.frequency.seconds();
    let measure_kept = |m: &str| {
        spec.narrow
            .as_ref()
            .and_then(|n| n.measure.as_deref())
            .is_none_or(|k| k == m)
    };
    let mut combos: Vec<_> = s.combinations.iter().collect();
    combos.sort_by(|a, b| a.values.cmp(&b.values));
    let mut all = Vec::new();
    for c in combos {
        for (m, cells) in c.cells.iter().enumerate() {
            if measure_kept(&spec.measures[m]) {
                all.push((c, m, cells));
            }
        }
    }
    let total = all.len() as u64;
    if spec.values_by_data && all.len() > MAX_METRICS {
        let with_data = |cells: &Cells| cells.0.iter().filter(|c| c.values > 0).count();
        let mut ranked: Vec<_> = all.into_iter().enumerate().collect();
        ranked.sort_by_key(|(k, (_, _, cells))| (std::cmp::Reverse(with_data(cells)), *k));
        ranked.truncate(MAX_METRICS);
        ranked.sort_by_key(|(k, _)| *k);
        all = ranked.into_iter().map(|(_, m)| m).collect();
    }
    let first = first.unwrap_or(0);
    let metrics = all
        .into_iter()
        .take(MAX_METRICS)
        .map(|(c, m, cells)| {
            let aggregation = aggregations.get(m).copied().unwrap_or_default();
            MetricValues {
                dimensions: spec
                    .dimensions
                    .iter()
                    .zip(&c.values)
                    .map(|(d, v)| (d.clone(), Value::String(v.clone())))
                    .collect(),
                measure: spec.measures[m].clone(),
                aggregation,
                points: points(cells, aggregation, first, spanned, len, spec),
            }
        })
        .collect::<Vec<_>>();
    Some(Values {
        metrics_left_out: total - metrics.len() as u64,
        metrics,
        metrics_total: total,
        capped: s.capped,
    })
}

/// One point per interval of the span: the cell's aggregate, or no value.
fn points(
    cells: &Cells,
    aggregation: Aggregation,
    first: i64,
    spanned: u64,
    len: i64,
    spec: &ScanSpec,
) -> Vec<ValuePoint> {
    let start = first.div_euclid(len);
    let mut at = cells.0.iter().peekable();
    (0..spanned as i64)
        .map(|k| {
            let index = start + k;
            while at.next_if(|c| c.index < index).is_some() {}
            let cell = at.next_if(|c| c.index == index);
            let value = cell.filter(|c| c.values > 0).map(|c| match aggregation {
                Aggregation::Sum => c.sum,
                Aggregation::Avg => c.sum / c.values as f64,
            });
            ValuePoint {
                start: instant(index * len, &spec.timezone),
                value,
                records: cell.map_or(0, |c| c.records),
            }
        })
        .collect()
}
