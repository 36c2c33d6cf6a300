//! The figures of a finished scan, in the shape `l4m coverage --json` prints.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::{FileScan, MAX_COMBINATIONS, MAX_EXAMPLES, ScanControl, ScanSpec};
use crate::schema::Frequency;
use crate::schema::frequency::{
    MAX_BACKTEST_INTERVALS, MAX_BYTES_PER_INTERVAL, MAX_CONTINUOUS_HISTORY_INTERVALS, MIN_INTERVALS,
};
use crate::source::dataset::Dataset;

/// A record that was not counted (or a value worth showing), with where it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkipExample {
    pub file: String,
    pub line: u64,
    pub value: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for SkipExample {
    /// `file:line "value" reason`, as reports and findings show an example.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{} ", self.file, self.line)?;
        if let Some(v) = &self.value {
            write!(f, "{v:?} ")?;
        }
        f.write_str(&self.reason)
    }
}

/// A run of intervals without records.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// Start of the first missing interval (RFC 3339, UTC).
    pub start: DateTime<Utc>,
    /// Start of the next interval with data.
    pub end: DateTime<Utc>,
    /// How many intervals are missing.
    pub intervals: u64,
}

/// Records (and files) in one interval with data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntervalCount {
    pub start: DateTime<Utc>,
    pub records: u64,
    pub files: u64,
}

/// Per-measure value checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasureCheck {
    pub name: String,
    pub empty: u64,
    pub not_numeric: u64,
    pub not_numeric_example: Option<SkipExample>,
    /// Values with more than 4 decimals (the 2021 guide's limit).
    pub over_4_decimals: u64,
    /// Values of 10^15 or more.
    pub too_large: u64,
}

/// A file that could not be read to its end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncompleteFile {
    pub file: String,
    pub error: String,
}

/// What a scan found: how the records of a dataset spread over intervals, against L4M's limits.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub frequency: Frequency,
    pub timezone: String,
    pub timestamp_column: String,
    pub timestamp_format: String,
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub records: u64,
    pub records_skipped: u64,
    pub skipped_examples: Vec<SkipExample>,
    pub first_interval: Option<DateTime<Utc>>,
    pub last_interval: Option<DateTime<Utc>>,
    /// From the first interval with data to the last, inclusive.
    pub intervals_spanned: u64,
    pub intervals_with_data: u64,
    pub intervals_missing: u64,
    /// The longest runs of missing intervals, longest first (at most 5).
    pub longest_gaps: Vec<Gap>,
    pub threshold: u64,
    /// Intervals with data reach the 285 minimum.
    pub meets_threshold: bool,
    /// The span reaches 285 intervals (AWS does not say which of the two it counts).
    pub span_meets_threshold: bool,
    pub backtest_max_intervals: u64,
    pub continuous_max_intervals: u64,
    pub continuous_history_days: i64,
    pub max_records_per_interval: u64,
    pub max_records_interval: Option<DateTime<Utc>>,
    pub records_quota: u64,
    pub intervals_over_records_quota: u64,
    pub max_files_per_interval: u64,
    /// The most stored bytes in one interval, estimated by sharing each file's size out over its
    /// records (exact when a file holds one interval, as in the continuous layout).
    pub max_bytes_per_interval: u64,
    pub bytes_quota: u64,
    pub intervals_over_bytes_quota: u64,
    pub files_quota: u64,
    pub intervals_over_files_quota: u64,
    pub dimensions: Vec<String>,
    /// Distinct combinations of dimension values (a lower bound when `combinations_capped`).
    pub dimension_combinations: u64,
    pub combinations_capped: bool,
    /// Dimension values longer than 40 characters.
    pub long_dimension_values: u64,
    pub long_dimension_example: Option<SkipExample>,
    pub measures: Vec<MeasureCheck>,
    /// Files that stopped early (cut stream, damaged gzip, unreadable): the figures are partial.
    pub incomplete_files: Vec<IncompleteFile>,
    /// False when the scan was cancelled or a file could not be read to its end.
    pub complete: bool,
    pub cancelled: bool,
    /// The continuous layout's path template, when the files sit in interval folders.
    pub template: Option<String>,
    /// Interval folders holding data.
    pub folders: u64,
    /// Intervals between the first and last folder that have no folder.
    pub folders_missing: u64,
    /// The first missing folders' interval starts (at most 10).
    pub missing_folders: Vec<DateTime<Utc>>,
    /// Files whose folder name does not fit the template.
    pub files_outside_template: u64,
    /// Records whose timestamp is outside the interval their folder names.
    pub records_outside_folder: u64,
    pub outside_folder_example: Option<SkipExample>,
    /// Every interval with data, in time order.
    pub intervals: Vec<IntervalCount>,
}

/// The UTC instant at which a wall-clock interval starts in `tz`. A wall time that a DST change
/// skips is taken as the instant just after the jump.
pub(super) fn instant(key: i64, tz: &Tz) -> DateTime<Utc> {
    let naive = DateTime::from_timestamp(key, 0)
        .map(|d| d.naive_utc())
        .unwrap_or(NaiveDateTime::MIN);
    match tz.from_local_datetime(&naive).earliest() {
        Some(t) => t.with_timezone(&Utc),
        None => {
            let shifted = naive + chrono::Duration::hours(1);
            tz.from_local_datetime(&shifted)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|| naive.and_utc())
        }
    }
}

pub(super) fn build(
    dataset: &Dataset,
    spec: &ScanSpec,
    files: impl Iterator<Item = FileScan>,
    control: &ScanControl,
) -> Coverage {
    let mut per_interval: BTreeMap<i64, (u64, u64)> = BTreeMap::new();
    // Stored bytes per interval, estimated: each file's bytes shared out by its records.
    let mut bytes_per_interval: std::collections::HashMap<i64, u64, super::FastHash> =
        std::collections::HashMap::default();
    let mut records = 0;
    let mut skipped = 0;
    let mut examples = Vec::new();
    let mut combos: HashSet<u64, super::FastHash> = HashSet::default();
    let mut long_values = 0;
    let mut long_example = None;
    let mut measures: Vec<MeasureCheck> = spec
        .measures
        .iter()
        .map(|m| MeasureCheck {
            name: m.clone(),
            empty: 0,
            not_numeric: 0,
            not_numeric_example: None,
            over_4_decimals: 0,
            too_large: 0,
        })
        .collect();
    let mut incomplete = Vec::new();
    let mut folder_keys: std::collections::BTreeSet<i64> = std::collections::BTreeSet::new();
    let mut files_outside_template = 0;
    let mut outside = 0;
    let mut outside_example = None;
    let mut bytes = 0;
    let mut files_scanned = 0;
    for f in files {
        files_scanned += 1;
        bytes += f.bytes;
        records += f.records;
        skipped += f.skipped;
        for (&k, &n) in &f.intervals {
            if f.records > 0 {
                let share = (f.bytes as u128 * n as u128 / f.records as u128) as u64;
                *bytes_per_interval.entry(k).or_insert(0) += share;
            }
        }
        for (k, n) in f.intervals {
            let e = per_interval.entry(k).or_insert((0, 0));
            e.0 += n;
            e.1 += 1;
        }
        for ex in f.examples {
            if examples.len() < MAX_EXAMPLES {
                examples.push(ex);
            }
        }
        for h in f.combos {
            if combos.len() < MAX_COMBINATIONS {
                combos.insert(h);
            }
        }
        if let Some(k) = f.folder_key {
            folder_keys.insert(k);
        }
        files_outside_template += f.folder_unparsed as u64;
        outside += f.outside_folder;
        if outside_example.is_none() {
            outside_example = f.outside_example;
        }
        long_values += f.long_dimension_values;
        if long_example.is_none() {
            long_example = f.long_dimension_example;
        }
        for (m, c) in measures.iter_mut().enumerate() {
            c.empty += f.measure_empty[m];
            c.not_numeric += f.measure_not_numeric[m];
            c.over_4_decimals += f.measure_too_precise[m];
            c.too_large += f.measure_too_large[m];
            if c.not_numeric_example.is_none() {
                c.not_numeric_example = f.measure_not_numeric_example[m].clone();
            }
        }
        if let Some(error) = f.error {
            incomplete.push(IncompleteFile {
                file: f.name,
                error,
            });
        }
    }
    let len = spec.frequency.seconds();
    let tz = &spec.timezone;
    let first = per_interval.keys().next().copied();
    let last = per_interval.keys().next_back().copied();
    let spanned = match (first, last) {
        (Some(a), Some(b)) => ((b - a) / len + 1) as u64,
        _ => 0,
    };
    let with_data = per_interval.len() as u64;
    let mut gaps: Vec<Gap> = Vec::new();
    let mut prev: Option<i64> = None;
    for &k in per_interval.keys() {
        if let Some(p) = prev {
            let missing = ((k - p) / len - 1) as u64;
            if missing > 0 {
                gaps.push(Gap {
                    start: instant(p + len, tz),
                    end: instant(k, tz),
                    intervals: missing,
                });
            }
        }
        prev = Some(k);
    }
    gaps.sort_by(|a, b| b.intervals.cmp(&a.intervals).then(a.start.cmp(&b.start)));
    gaps.truncate(5);
    let (max_records, max_at) = per_interval
        .iter()
        .map(|(k, (n, _))| (*n, *k))
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        .map(|(n, k)| (n, Some(instant(k, tz))))
        .unwrap_or((0, None));
    let records_quota = spec.frequency.max_records_per_interval();
    let files_quota = spec.frequency.max_files_per_interval();
    let cancelled = control.is_cancelled();
    let mut missing_folders = Vec::new();
    let mut folders_missing = 0;
    if let (Some(&lo), Some(&hi)) = (folder_keys.first(), folder_keys.last()) {
        let mut k = lo;
        while k <= hi {
            if !folder_keys.contains(&k) {
                folders_missing += 1;
                if missing_folders.len() < 10 {
                    missing_folders.push(instant(k, tz));
                }
            }
            k += len;
        }
    }
    Coverage {
        frequency: spec.frequency,
        timezone: tz.name().to_string(),
        timestamp_column: spec.timestamp_column.clone(),
        timestamp_format: spec.format.pattern().to_string(),
        files_scanned,
        bytes_scanned: bytes,
        records,
        records_skipped: skipped,
        skipped_examples: examples,
        first_interval: first.map(|k| instant(k, tz)),
        last_interval: last.map(|k| instant(k, tz)),
        intervals_spanned: spanned,
        intervals_with_data: with_data,
        intervals_missing: spanned - with_data,
        longest_gaps: gaps,
        threshold: MIN_INTERVALS,
        meets_threshold: with_data >= MIN_INTERVALS,
        span_meets_threshold: spanned >= MIN_INTERVALS,
        backtest_max_intervals: MAX_BACKTEST_INTERVALS,
        continuous_max_intervals: MAX_CONTINUOUS_HISTORY_INTERVALS,
        continuous_history_days: spec.frequency.continuous_history_days(),
        max_records_per_interval: max_records,
        max_records_interval: max_at,
        records_quota,
        intervals_over_records_quota: per_interval
            .values()
            .filter(|(n, _)| *n > records_quota)
            .count() as u64,
        max_files_per_interval: per_interval.values().map(|(_, f)| *f).max().unwrap_or(0),
        max_bytes_per_interval: bytes_per_interval.values().copied().max().unwrap_or(0),
        bytes_quota: MAX_BYTES_PER_INTERVAL,
        intervals_over_bytes_quota: bytes_per_interval
            .values()
            .filter(|b| **b > MAX_BYTES_PER_INTERVAL)
            .count() as u64,
        files_quota,
        intervals_over_files_quota: if dataset.is_folder {
            per_interval
                .values()
                .filter(|(_, f)| *f > files_quota)
                .count() as u64
        } else {
            0
        },
        dimensions: spec.dimensions.clone(),
        dimension_combinations: if spec.dimensions.is_empty() {
            1
        } else {
            combos.len() as u64
        },
        combinations_capped: combos.len() >= MAX_COMBINATIONS,
        long_dimension_values: long_values,
        long_dimension_example: long_example,
        measures,
        complete: !cancelled && incomplete.is_empty(),
        incomplete_files: incomplete,
        cancelled,
        template: spec.template.as_ref().map(|t| t.template.clone()),
        folders: folder_keys.len() as u64,
        folders_missing,
        missing_folders,
        files_outside_template,
        records_outside_folder: outside,
        outside_folder_example: outside_example,
        intervals: per_interval
            .iter()
            .map(|(k, (n, f))| IntervalCount {
                start: instant(*k, tz),
                records: *n,
                files: *f,
            })
            .collect(),
    }
}
