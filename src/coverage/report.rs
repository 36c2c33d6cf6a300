//! The figures of a finished scan, in the shape `l4m coverage --json` prints.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::quality::{self, Quality};
use super::series::{Runs, SeriesTally};
use super::tally::{SkipCounts, SkipReason, Tally};
use super::{FastHash, MAX_COMBINATIONS, MAX_EXAMPLES, ScanControl, ScanSpec};
use crate::schema::Frequency;
use crate::schema::interval::{IntervalFill, fill_by_interval};
use crate::schema::limits::Limit;
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
    #[serde(serialize_with = "rfc3339")]
    pub start: DateTime<Utc>,
    /// Which interval this is, counted in the dataset's wall clock from the first interval (0):
    /// the same for every view, across daylight-saving changes.
    pub slot: u64,
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

/// A timestamp format whose day and month could be the other way round (`MM/dd/yyyy` and
/// `dd/MM/yyyy`), against the values of the whole dataset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayMonth {
    /// The other reading's pattern.
    pub other: String,
    /// Timestamps that do not parse with the format but do with the other reading.
    pub only_other: u64,
    /// The first of them.
    pub example: Option<SkipExample>,
    /// Some timestamp parses with the format and not with the other reading: the format is
    /// settled by the data. When false and `only_other` is 0, every value reads either way.
    pub settled: bool,
}

impl DayMonth {
    /// The other reading fits values the format does not, and nothing settles the format: the
    /// data reads the other way round.
    pub fn other_fits_better(&self) -> bool {
        self.only_other > 0 && !self.settled
    }

    /// Every timestamp (there is at least one) reads either way: the format is a guess.
    pub fn ambiguous(&self) -> bool {
        self.only_other == 0 && !self.settled
    }
}

/// A file that could not be read to its end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncompleteFile {
    pub file: String,
    #[serde(serialize_with = "super::problem::as_line")]
    pub error: super::FileProblem,
}

/// What a scan found: how the records of a dataset spread over intervals, against L4M's limits.
/// The figures come in parts; each part's fields are written at the top level of the JSON
/// (`#[serde(flatten)]`), in this order.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub frequency: Frequency,
    #[serde(serialize_with = "tz_name")]
    pub timezone: Tz,
    pub timestamp_column: String,
    pub timestamp_format: String,
    #[serde(flatten)]
    pub read: ReadFigures,
    #[serde(flatten)]
    pub span: SpanFigures,
    #[serde(flatten)]
    pub history: HistoryLimits,
    #[serde(flatten)]
    pub quotas: QuotaFigures,
    #[serde(flatten)]
    pub dims: DimensionFigures,
    pub measures: Vec<MeasureCheck>,
    #[serde(flatten)]
    pub completeness: Completeness,
    #[serde(flatten)]
    pub layout: LayoutFigures,
    /// Every interval with data, in time order.
    pub intervals: Vec<IntervalCount>,
    /// What the scan was narrowed to, if it was (its figures are then of those records only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrowed: Option<super::Narrow>,
    /// The timestamp format read with day and month the other way round, when it has such a
    /// reading: whether the data settles which one is right.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day_month: Option<DayMonth>,
    /// Files in the other format than the dataset's (JSON lines among CSV files, or the
    /// reverse): read as what they are, but L4M reads every file of a dataset in one format.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files_in_other_format: Vec<String>,
    /// Wall-clock timestamps that fall in a daylight-saving gap of the timezone (a time the clock
    /// skips): counted at the same time after the change, as Java reads them; the first of them.
    #[serde(skip_serializing_if = "is_zero")]
    pub timestamps_in_dst_gap: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dst_gap_example: Option<SkipExample>,
    /// Per-series figures and the data-quality report (scans made with `ScanSpec::series`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quality: Option<Quality>,
    /// Each metric's values per interval (scans made with `ScanSpec::values`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<super::Values>,
    /// Who counted, when it was not this machine's scan (`athena`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
}

/// What was read: files, bytes, records, and the records not counted.
#[derive(Debug, Clone, Serialize)]
pub struct ReadFigures {
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub records: u64,
    pub records_skipped: u64,
    /// Records not counted, by reason (only reasons that occurred).
    pub records_skipped_by_reason: BTreeMap<SkipReason, u64>,
    /// How the scan went, when it is worth saying (a large file read by one thread, and why).
    pub notes: Vec<String>,
    pub skipped_examples: Vec<SkipExample>,
}

/// Where the intervals with data lie.
#[derive(Debug, Clone, Serialize)]
pub struct SpanFigures {
    pub first_interval: Option<DateTime<Utc>>,
    pub last_interval: Option<DateTime<Utc>>,
    /// The first interval's start on the dataset's wall clock.
    pub first_interval_local: Option<NaiveDateTime>,
    /// From the first interval with data to the last, inclusive.
    pub intervals_spanned: u64,
    pub intervals_with_data: u64,
    pub intervals_missing: u64,
    /// The longest runs of missing intervals, longest first (at most 5).
    pub longest_gaps: Vec<Gap>,
    /// How the records fill each interval length, in the order of [`Frequency::ALL`]: one scan
    /// counts them all.
    pub by_interval: Vec<IntervalFill>,
}

/// The history L4M needs and keeps, and whether the data has it.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryLimits {
    pub threshold: u64,
    /// Intervals with data reach the 285 minimum.
    pub meets_threshold: bool,
    /// The span reaches 285 intervals (AWS does not say which of the two it counts).
    pub span_meets_threshold: bool,
    pub backtest_max_intervals: u64,
    pub continuous_max_intervals: u64,
    pub continuous_history_days: i64,
}

/// The fullest interval against each per-interval quota.
#[derive(Debug, Clone, Serialize)]
pub struct QuotaFigures {
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
}

/// The dimensions and their values.
#[derive(Debug, Clone, Serialize)]
pub struct DimensionFigures {
    pub dimensions: Vec<String>,
    /// Distinct combinations of dimension values (a lower bound when `combinations_capped`).
    pub dimension_combinations: u64,
    pub combinations_capped: bool,
    /// Dimension values longer than 40 characters.
    pub long_dimension_values: u64,
    pub long_dimension_example: Option<SkipExample>,
}

/// Whether every file was read to its end.
#[derive(Debug, Clone, Serialize)]
pub struct Completeness {
    /// Files that stopped early (cut stream, damaged gzip, unreadable): the figures are partial.
    pub incomplete_files: Vec<IncompleteFile>,
    /// False when the scan was cancelled or a file could not be read to its end.
    pub complete: bool,
    pub cancelled: bool,
}

/// The continuous layout's interval folders, when the files sit in them.
#[derive(Debug, Clone, Serialize)]
pub struct LayoutFigures {
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
}

/// An instant as chrono writes it (`2023-01-01T00:05:00Z`), written without the formatting
/// machinery for whole seconds in years 0 to 9999: a report lists every interval.
fn rfc3339<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    use chrono::{Datelike, Timelike};
    let year = t.year();
    if t.nanosecond() != 0 || !(0..=9999).contains(&year) {
        return t.serialize(s);
    }
    let mut out = *b"0000-00-00T00:00:00Z";
    let mut put = |at: usize, width: usize, mut v: u32| {
        for k in (at..at + width).rev() {
            out[k] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, 4, year as u32);
    put(5, 2, t.month());
    put(8, 2, t.day());
    put(11, 2, t.hour());
    put(14, 2, t.minute());
    put(17, 2, t.second());
    s.serialize_str(std::str::from_utf8(&out).unwrap_or_default())
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn tz_name<S: serde::Serializer>(tz: &Tz, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(tz.name())
}

/// The wall-clock time of an interval key.
fn wall_clock(key: i64) -> NaiveDateTime {
    DateTime::from_timestamp(key, 0)
        .map(|d| d.naive_utc())
        .unwrap_or(NaiveDateTime::MIN)
}

impl Coverage {
    /// The wall-clock start of the interval in `slot` (see [`IntervalCount::slot`]), in the
    /// dataset's timezone.
    pub fn slot_start(&self, slot: u64) -> Option<NaiveDateTime> {
        let first = self.span.first_interval_local?;
        first.checked_add_signed(chrono::TimeDelta::seconds(
            self.frequency.seconds().checked_mul(slot as i64)?,
        ))
    }

    /// The slot of the interval an instant falls in, counted on the dataset's wall clock from
    /// this scan's first interval as [`IntervalCount::slot`] is: negative before it, and past
    /// the span after it. It places an instant of another scan (the backtest split of the whole
    /// dataset on a narrowed scan) on this one. `None` for a scan without data.
    pub fn slot_of(&self, instant: DateTime<Utc>) -> Option<i64> {
        let first = self.span.first_interval_local?;
        let local = instant.with_timezone(&self.timezone).naive_local();
        let seconds = (local - first).num_seconds();
        Some(seconds.div_euclid(self.frequency.seconds()))
    }
}

/// The UTC instant at which a wall-clock interval starts in `tz`. A wall time that a DST change
/// skips is taken as the instant of the change: the first instant of the interval, before every
/// record in it (a 30-minute change leaves half of the hour), and after the previous interval.
pub(crate) fn instant(key: i64, tz: &Tz) -> DateTime<Utc> {
    let naive = DateTime::from_timestamp(key, 0)
        .map(|d| d.naive_utc())
        .unwrap_or(NaiveDateTime::MIN);
    match tz.from_local_datetime(&naive).earliest() {
        Some(t) => t.with_timezone(&Utc),
        None => super::tally::dst_gap(tz, naive)
            .filter(|(start, end, _)| *start <= naive && naive < *end)
            .map(|(_, _, change)| change.and_utc())
            .unwrap_or_else(|| naive.and_utc()),
    }
}

/// What one interval holds, over every file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct IntervalTotals {
    records: u64,
    /// Files with a record in the interval.
    files: u64,
    /// Stored bytes, estimated: each file's bytes shared out by its records.
    bytes: u64,
}

/// The tallies of every file, added up.
#[derive(Default)]
pub(super) struct Totals {
    /// Interval key to what the interval holds.
    per_interval: BTreeMap<i64, IntervalTotals>,
    /// The 5-minute slots with a record (every interval length's fill is made of them).
    slots: Runs,
    files: u64,
    bytes: u64,
    records: u64,
    skipped: SkipCounts,
    examples: Vec<SkipExample>,
    combos: HashSet<u64, FastHash>,
    long_values: u64,
    long_example: Option<SkipExample>,
    measures: Vec<MeasureCheck>,
    incomplete: Vec<IncompleteFile>,
    folder_keys: BTreeSet<i64>,
    files_outside_template: u64,
    outside: u64,
    outside_example: Option<SkipExample>,
    series: Option<SeriesTally>,
    day_month: super::tally::DayMonthTally,
    moved_past_gap: u64,
    moved_example: Option<SkipExample>,
    other_format: Vec<String>,
}

impl Totals {
    pub fn new(spec: &ScanSpec) -> Totals {
        Totals {
            measures: spec
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
                .collect(),
            series: spec.series.then(|| {
                SeriesTally::new(
                    1 + spec.dimensions.len() + spec.measures.len(),
                    spec.dimensions.len(),
                )
            }),
            day_month: super::tally::DayMonthTally::new(spec),
            ..Totals::default()
        }
    }

    /// Add one file's tally; files come in dataset order, so the first examples are kept.
    pub fn add(&mut self, f: Tally) {
        self.slots.merge(&f.slots);
        self.files += 1;
        self.bytes += f.bytes;
        self.records += f.records;
        self.skipped.merge(&f.skipped);
        let share = |n: u64| (f.bytes as u128 * n as u128 / f.records.max(1) as u128) as u64;
        // The counts come in key order: the first file's build the map at once.
        if self.per_interval.is_empty() {
            self.per_interval = f
                .counts
                .iter()
                .map(|&(k, n)| {
                    let one = IntervalTotals {
                        records: n,
                        files: 1,
                        bytes: share(n),
                    };
                    (k, one)
                })
                .collect();
        } else {
            for &(k, n) in &f.counts {
                let e = self.per_interval.entry(k).or_default();
                e.records += n;
                e.files += 1;
                e.bytes += share(n);
            }
        }
        let room = MAX_EXAMPLES.saturating_sub(self.examples.len());
        self.examples.extend(f.examples.into_iter().take(room));
        for h in f.combos {
            if self.combos.len() >= MAX_COMBINATIONS {
                break;
            }
            self.combos.insert(h);
        }
        if let Some(k) = f.folder_key {
            self.folder_keys.insert(k);
        }
        self.files_outside_template += f.folder_unparsed as u64;
        self.outside += f.outside_folder;
        self.outside_example = self.outside_example.take().or(f.outside_example);
        self.long_values += f.long_dimension_values;
        self.long_example = self.long_example.take().or(f.long_dimension_example);
        for (c, m) in self.measures.iter_mut().zip(f.measures) {
            c.empty += m.empty;
            c.not_numeric += m.not_numeric;
            c.over_4_decimals += m.too_precise;
            c.too_large += m.too_large;
            c.not_numeric_example = c.not_numeric_example.take().or(m.not_numeric_example);
        }
        self.day_month.merge(f.day_month, |_| {});
        if f.other_format.is_some() {
            self.other_format.push(f.name.clone());
        }
        self.moved_past_gap += f.moved_past_gap;
        self.moved_example = self.moved_example.take().or(f.moved_example);
        if let (Some(a), Some(b)) = (&mut self.series, f.series) {
            a.merge(b);
        }
        if let Some(error) = f.error {
            self.incomplete.push(IncompleteFile {
                file: f.name,
                error,
            });
        }
    }
}

/// The runs of missing intervals between intervals with data, longest first (at most 5).
fn longest_gaps(keys: impl Iterator<Item = i64>, len: i64, tz: &Tz) -> Vec<Gap> {
    let mut gaps: Vec<Gap> = Vec::new();
    let mut prev: Option<i64> = None;
    for k in keys {
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
    gaps
}

/// Interval folders missing between the first and the last: how many, and the first 10.
fn missing_folders(keys: &BTreeSet<i64>, len: i64, tz: &Tz) -> (u64, Vec<DateTime<Utc>>) {
    let (Some(&lo), Some(&hi)) = (keys.first(), keys.last()) else {
        return (0, Vec::new());
    };
    let mut count = 0;
    let mut first = Vec::new();
    let mut k = lo;
    while k <= hi {
        if !keys.contains(&k) {
            count += 1;
            if first.len() < 10 {
                first.push(instant(k, tz));
            }
        }
        k += len;
    }
    (count, first)
}

/// The day/month check of the whole dataset, when the format has a swapped reading and some
/// timestamp was read (or fits only the other reading).
fn day_month(t: &Totals) -> Option<DayMonth> {
    let other = t.day_month.other.as_ref()?;
    (t.records > 0 || t.day_month.only_other > 0).then(|| DayMonth {
        other: other.pattern().to_string(),
        only_other: t.day_month.only_other,
        example: t.day_month.example.clone(),
        settled: t.day_month.settled,
    })
}

/// The notes of the plan, and what the reading found worth saying.
fn scan_notes(t: &Totals, tz: &Tz, mut notes: Vec<String>) -> Vec<String> {
    if let Some(e) = &t.moved_example {
        notes.push(format!(
            "{} timestamps fall in a daylight-saving gap of {} (a wall-clock time that does not exist) and are counted after the change, as Java reads them (first: {e})",
            t.moved_past_gap,
            tz.name()
        ));
    }
    if let Some(first) = t.other_format.first() {
        notes.push(format!(
            "{} files are not in the dataset's format and were read as what they are (first: {first}): L4M reads every file of a dataset in one format",
            t.other_format.len()
        ));
    }
    notes
}

pub(super) fn build(
    dataset: &Dataset,
    spec: &ScanSpec,
    t: Totals,
    notes: Vec<String>,
    control: &ScanControl,
) -> Coverage {
    let f = spec.frequency;
    let len = f.seconds();
    let tz = &spec.timezone;
    let span = span_figures(&t, len, tz);
    let quotas = quota_figures(&t, f, tz, dataset.is_folder);
    let (first, spanned) = (
        t.per_interval.keys().next().copied(),
        span.intervals_spanned,
    );
    let cancelled = control.is_cancelled();
    let combinations = if spec.dimensions.is_empty() {
        1
    } else {
        t.combos.len() as u64
    };
    let skipped = t.skipped.total();
    let quality = t.series.as_ref().map(|s| {
        let span = quality::Span { first, spanned };
        quality::build(s, spec, &span, t.records, skipped, combinations)
    });
    let values = t
        .series
        .as_ref()
        .and_then(|s| super::values::build(s, spec, first, spanned));
    let min_intervals = Limit::MinIntervals.value();
    let day_month = day_month(&t);
    let notes = scan_notes(&t, tz, notes);
    Coverage {
        files_in_other_format: t.other_format.clone(),
        timestamps_in_dst_gap: t.moved_past_gap,
        dst_gap_example: t.moved_example.clone(),
        day_month,
        frequency: f,
        timezone: *tz,
        timestamp_column: spec.timestamp_column.clone(),
        timestamp_format: spec.format.pattern().to_string(),
        read: ReadFigures {
            files_scanned: t.files,
            bytes_scanned: t.bytes,
            records: t.records,
            records_skipped: skipped,
            records_skipped_by_reason: by_reason(&t.skipped),
            notes,
            skipped_examples: t.examples,
        },
        history: HistoryLimits {
            threshold: min_intervals,
            meets_threshold: span.intervals_with_data >= min_intervals,
            span_meets_threshold: spanned >= min_intervals,
            backtest_max_intervals: Limit::MaxBacktestIntervals.value(),
            continuous_max_intervals: Limit::MaxContinuousIntervals.value(),
            continuous_history_days: Limit::ContinuousHistoryDays.at(f) as i64,
        },
        span,
        quotas,
        dims: DimensionFigures {
            dimensions: spec.dimensions.clone(),
            dimension_combinations: combinations,
            combinations_capped: t.combos.len() >= MAX_COMBINATIONS,
            long_dimension_values: t.long_values,
            long_dimension_example: t.long_example,
        },
        measures: t.measures,
        completeness: Completeness {
            complete: !cancelled && t.incomplete.is_empty(),
            incomplete_files: t.incomplete,
            cancelled,
        },
        layout: LayoutFigures {
            files_outside_template: t.files_outside_template,
            records_outside_folder: t.outside,
            outside_folder_example: t.outside_example,
            ..layout_figures(spec, &t.folder_keys, len, tz)
        },
        intervals: interval_list(&t.per_interval, len, tz),
        narrowed: spec.narrow.clone(),
        quality,
        values,
        engine: None,
    }
}

/// Figures counted by another engine (Athena): records per interval by wall-clock key (see
/// `tally::interval_key`) and records skipped by reason (in [`SkipReason::ALL`] order).
pub struct Counted {
    pub counts: Vec<(i64, u64)>,
    pub skipped: SkipCounts,
    pub bytes_scanned: u64,
    pub engine: String,
    pub notes: Vec<String>,
    /// Per-series figures (Athena's `metrics` query), for the quality report.
    pub series: Option<Vec<quality::SeriesReport>>,
}

/// The report of figures counted elsewhere: what that engine does not count (files and bytes
/// per interval, dimension combinations, measure checks) is zero, and the notes say so.
pub(super) fn build_counted(dataset: &Dataset, spec: &ScanSpec, c: Counted) -> Coverage {
    let mut t = Totals::new(spec);
    t.files = dataset.files.len() as u64;
    t.bytes = c.bytes_scanned;
    t.records = c.counts.iter().map(|(_, n)| n).sum();
    t.skipped = c.skipped;
    for (k, n) in c.counts {
        t.per_interval.entry(k).or_default().records += n;
    }
    let first = t.per_interval.keys().next().copied();
    let (records, skipped) = (t.records, c.skipped.total());
    let mut coverage = build(dataset, spec, t, c.notes, &ScanControl::default());
    coverage.engine = Some(c.engine);
    if let Some(series) = c.series {
        let span = quality::Span {
            first,
            spanned: coverage.span.intervals_spanned,
        };
        coverage.quality = Some(quality::from_series(series, spec, &span, records, skipped));
    }
    coverage
}

/// The span of the intervals with data, and its gaps.
fn span_figures(t: &Totals, len: i64, tz: &Tz) -> SpanFigures {
    let first = t.per_interval.keys().next().copied();
    let last = t.per_interval.keys().next_back().copied();
    let spanned = first
        .zip(last)
        .map_or(0, |(a, b)| ((b - a) / len + 1) as u64);
    let with_data = t.per_interval.len() as u64;
    SpanFigures {
        first_interval: first.map(|k| instant(k, tz)),
        last_interval: last.map(|k| instant(k, tz)),
        first_interval_local: first.map(wall_clock),
        intervals_spanned: spanned,
        intervals_with_data: with_data,
        intervals_missing: spanned - with_data,
        longest_gaps: longest_gaps(t.per_interval.keys().copied(), len, tz),
        by_interval: by_interval(&t.slots),
    }
}

/// Each interval length's fill, from the 5-minute slots with data.
fn by_interval(slots: &Runs) -> Vec<IntervalFill> {
    let starts: Vec<i64> = slots.starts(super::tally::SLOT_SECONDS).collect();
    fill_by_interval(&starts)
}

/// The fullest intervals against the per-interval quotas (files per interval only for a folder).
fn quota_figures(t: &Totals, f: Frequency, tz: &Tz, folder: bool) -> QuotaFigures {
    let (max_records, max_at) = fullest(&t.per_interval, tz);
    let records_quota = Limit::RecordsPerInterval.at(f);
    let files_quota = Limit::FilesPerInterval.at(f);
    let bytes_quota = Limit::BytesPerInterval.at(f);
    let over = |quota: u64, value: fn(&IntervalTotals) -> u64| {
        over_quota(t.per_interval.values().map(value), quota)
    };
    let max =
        |value: fn(&IntervalTotals) -> u64| t.per_interval.values().map(value).max().unwrap_or(0);
    QuotaFigures {
        max_records_per_interval: max_records,
        max_records_interval: max_at,
        records_quota,
        intervals_over_records_quota: over(records_quota, |c| c.records),
        max_files_per_interval: max(|c| c.files),
        max_bytes_per_interval: max(|c| c.bytes),
        bytes_quota,
        intervals_over_bytes_quota: over(bytes_quota, |c| c.bytes),
        files_quota,
        intervals_over_files_quota: if folder {
            over(files_quota, |c| c.files)
        } else {
            0
        },
    }
}

/// The interval folders of the continuous layout (the records outside them are the tally's).
fn layout_figures(spec: &ScanSpec, keys: &BTreeSet<i64>, len: i64, tz: &Tz) -> LayoutFigures {
    let (folders_missing, missing_folders) = missing_folders(keys, len, tz);
    LayoutFigures {
        template: spec.template.as_ref().map(|t| t.template.clone()),
        folders: keys.len() as u64,
        folders_missing,
        missing_folders,
        files_outside_template: 0,
        records_outside_folder: 0,
        outside_folder_example: None,
    }
}

/// How many intervals are over a quota.
fn over_quota(values: impl Iterator<Item = u64>, quota: u64) -> u64 {
    values.filter(|v| *v > quota).count() as u64
}

/// The most records in one interval, and where (the earliest of equals).
fn fullest(per_interval: &BTreeMap<i64, IntervalTotals>, tz: &Tz) -> (u64, Option<DateTime<Utc>>) {
    per_interval
        .iter()
        .map(|(k, c)| (c.records, *k))
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        .map_or((0, None), |(n, k)| (n, Some(instant(k, tz))))
}

/// Skipped records by reason, the reasons that occurred only.
fn by_reason(skipped: &SkipCounts) -> BTreeMap<SkipReason, u64> {
    skipped.iter().filter(|(_, n)| *n > 0).collect()
}

/// Every interval with data, with its slot on the wall clock from the first.
fn interval_list(
    per_interval: &BTreeMap<i64, IntervalTotals>,
    len: i64,
    tz: &Tz,
) -> Vec<IntervalCount> {
    let first = per_interval.keys().next().copied().unwrap_or(0);
    per_interval
        .iter()
        .map(|(k, c)| IntervalCount {
            start: instant(*k, tz),
            slot: ((k - first) / len) as u64,
            records: c.records,
            files: c.files,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn interval_starts_are_written_as_chrono_writes_them() {
        let mut t = DateTime::from_timestamp(-62_200_000_000, 0).unwrap();
        let mut instants = vec![
            DateTime::from_timestamp(253_402_300_800, 0).unwrap(), // year 10000
            DateTime::from_timestamp(1_672_531_200, 5).unwrap(),   // nanoseconds
        ];
        while t.timestamp() < 253_402_300_000 {
            instants.push(t);
            t += chrono::Duration::seconds(987_654_321 + t.timestamp().rem_euclid(86_399));
        }
        for t in instants {
            let mut ours = serde_json::Serializer::new(Vec::new());
            rfc3339(&t, &mut ours).unwrap();
            assert_eq!(ours.into_inner(), serde_json::to_vec(&t).unwrap(), "{t:?}");
        }
    }

    /// The report of an empty scan, with its first interval set to `first`.
    fn coverage(frequency: Frequency, timezone: Tz, first: NaiveDateTime) -> Coverage {
        let dataset = Dataset {
            root: crate::source::Location::Local("data".into()),
            is_folder: true,
            recursive: false,
            files: Vec::new(),
            skipped: Vec::new(),
            subfolders_ignored: 0,
        };
        let spec = ScanSpec {
            timestamp_column: "timestamp".into(),
            format: crate::schema::timefmt::TimeFormat::compile("yyyy-MM-dd HH:mm:ss").unwrap(),
            frequency,
            timezone,
            dimensions: Vec::new(),
            measures: Vec::new(),
            concurrency: 1,
            piece_bytes: super::super::DEFAULT_PIECE_BYTES,
            series: false,
            values: None,
            values_by_data: false,
            narrow: None,
            template: None,
        };
        let mut c = build(
            &dataset,
            &spec,
            Totals::new(&spec),
            Vec::new(),
            &ScanControl::default(),
        );
        c.span.first_interval_local = Some(first);
        c
    }

    #[test]
    fn an_instant_is_placed_on_the_slot_of_its_wall_clock_interval() {
        let day = |d: u32, h: u32| {
            NaiveDate::from_ymd_opt(2021, 3, d)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap()
        };
        let ny: Tz = "America/New_York".parse().unwrap();
        // Daily slots in New York across the spring change (14 March): local days.
        let c = coverage(Frequency::P1D, ny, day(10, 0));
        let at = |d, h| {
            ny.from_local_datetime(&day(d, h))
                .unwrap()
                .with_timezone(&Utc)
        };
        assert_eq!(c.slot_of(at(10, 0)), Some(0));
        assert_eq!(c.slot_of(at(15, 0)), Some(5));
        assert_eq!(c.slot_of(at(15, 23)), Some(5));
        assert_eq!(c.slot_of(at(9, 12)), Some(-1), "before the first interval");
        // Every slot start maps back to its own slot.
        for slot in 0..10 {
            let start = c.slot_start(slot).unwrap();
            let instant = instant(start.and_utc().timestamp(), &ny);
            assert_eq!(c.slot_of(instant), Some(slot as i64));
        }
        let mut empty = c.clone();
        empty.span.first_interval_local = None;
        assert_eq!(empty.slot_of(at(10, 0)), None);
    }
}
