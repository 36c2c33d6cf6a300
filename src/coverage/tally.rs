//! The counts of one file, record by record: which interval each record falls in, which records are
//! skipped and why, and the dimension and measure checks. A [`Tally`] is filled by one worker and
//! merged into the dataset's totals by [`super::report`].

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use super::report::SkipExample;
use super::{FastHash, MAX_COMBINATIONS, MAX_EXAMPLES, ScanSpec};
use crate::format::records::Row;
use crate::schema::limits::Limit;
use crate::schema::timefmt::ParsedTime;

/// The start of the interval holding a wall-clock time, as wall-clock seconds since 1970-01-01.
/// Wall-clock keys make a day interval start at local midnight and follow DST as a clock does.
pub(super) fn interval_key(local: NaiveDateTime, len: i64) -> i64 {
    local.and_utc().timestamp().div_euclid(len) * len
}

/// The wall-clock time of a parsed timestamp in the dataset's timezone.
fn wall_clock(t: ParsedTime, tz: &Tz) -> NaiveDateTime {
    match t {
        ParsedTime::Local(n) => n,
        ParsedTime::Instant(u) => tz.from_utc_datetime(&u.naive_utc()).naive_local(),
    }
}

/// 64-bit FNV-1a over the dimension values of a record: cheap, and collisions only blur an estimate.
fn hash_values<'a>(values: impl Iterator<Item = Option<&'a [u8]>>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for v in values {
        for &b in v.unwrap_or_default() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The checks of one measure's values.
#[derive(Debug, Default, Clone)]
pub(super) struct MeasureTally {
    pub empty: u64,
    pub not_numeric: u64,
    pub not_numeric_example: Option<SkipExample>,
    pub too_precise: u64,
    pub too_large: u64,
}

/// How the projected columns of a row are laid out: the timestamp first, then the dimensions,
/// then the measures.
#[derive(Debug, Clone, Copy)]
pub(super) struct Layout {
    pub dimensions: usize,
    pub measures: usize,
    /// Fields every CSV record must have (JSON lines: not checked).
    pub width: Option<usize>,
}

/// Counts from one file.
#[derive(Default)]
pub(super) struct Tally {
    /// The file's name relative to the dataset root.
    pub name: String,
    /// Interval key (wall-clock seconds, see [`interval_key`]) to records.
    pub intervals: HashMap<i64, u64, FastHash>,
    pub records: u64,
    pub skipped: u64,
    pub examples: Vec<SkipExample>,
    pub combos: HashSet<u64, FastHash>,
    pub long_dimension_values: u64,
    pub long_dimension_example: Option<SkipExample>,
    pub measures: Vec<MeasureTally>,
    /// Stored bytes read.
    pub bytes: u64,
    /// Why the file stopped before its end, if it did.
    pub error: Option<String>,
    /// The interval the file's folder names (template datasets).
    pub folder_key: Option<i64>,
    /// The folder name did not match the template.
    pub folder_unparsed: bool,
    pub outside_folder: u64,
    pub outside_example: Option<SkipExample>,
    /// Records mostly come in time order: a run of one interval is counted, then added at once.
    run_key: i64,
    run_count: u64,
    /// Timestamps repeat (one per dimension combination in an interval): the last value parsed.
    last_raw: String,
    last_key: i64,
}

impl Tally {
    pub fn new(name: &str, spec: &ScanSpec) -> Tally {
        let mut t = Tally {
            name: name.to_string(),
            measures: vec![MeasureTally::default(); spec.measures.len()],
            run_key: i64::MIN,
            ..Tally::default()
        };
        if let Some(template) = &spec.template {
            match template.folder_time(name) {
                Some(start) => t.folder_key = Some(interval_key(start, spec.frequency.seconds())),
                None => t.folder_unparsed = true,
            }
        }
        t
    }

    fn example(&self, line: u64, value: Option<&str>, reason: String) -> SkipExample {
        SkipExample {
            file: self.name.clone(),
            line,
            value: value.map(|v| v.chars().take(80).collect()),
            reason,
        }
    }

    fn skip(&mut self, line: u64, value: Option<&str>, reason: String) {
        self.skipped += 1;
        if self.examples.len() < MAX_EXAMPLES {
            let ex = self.example(line, value, reason);
            self.examples.push(ex);
        }
    }

    /// Count one record: its interval, then its folder, dimensions and measures.
    pub fn record(&mut self, row: &Row<'_>, layout: &Layout, spec: &ScanSpec) {
        if !self.well_formed(row, layout) {
            return;
        }
        let Some(key) = self.interval_of(row, spec) else {
            return;
        };
        self.count(key);
        self.check_folder(row, key);
        if layout.dimensions > 0 {
            self.check_dimensions(row, layout, spec);
        }
        self.check_measures(row, layout, spec);
    }

    /// A record with the fields it should have; others are skipped.
    fn well_formed(&mut self, row: &Row<'_>, layout: &Layout) -> bool {
        let width = row.width();
        match layout.width {
            None if width == 0 => {
                self.skip(row.line, None, "not a JSON object".into());
                false
            }
            Some(expected) if width != expected => {
                self.skip(
                    row.line,
                    None,
                    format!("has {width} fields, expected {expected}"),
                );
                false
            }
            _ => true,
        }
    }

    /// The interval key of the record's timestamp; a missing or unparsable one is skipped.
    fn interval_of(&mut self, row: &Row<'_>, spec: &ScanSpec) -> Option<i64> {
        let Some(raw) = row.get(0).map(str::trim).filter(|v| !v.is_empty()) else {
            self.skip(row.line, None, "no timestamp".into());
            return None;
        };
        if raw == self.last_raw {
            return Some(self.last_key);
        }
        let Some(parsed) = spec.format.parse(raw) else {
            self.skip(
                row.line,
                Some(raw),
                format!("does not parse as {}", spec.format.pattern()),
            );
            return None;
        };
        let key = interval_key(wall_clock(parsed, &spec.timezone), spec.frequency.seconds());
        self.last_raw.clear();
        self.last_raw.push_str(raw);
        self.last_key = key;
        Some(key)
    }

    fn count(&mut self, key: i64) {
        if key == self.run_key {
            self.run_count += 1;
        } else {
            self.flush_run();
            self.run_key = key;
            self.run_count = 1;
        }
        self.records += 1;
    }

    fn flush_run(&mut self) {
        if self.run_count > 0 {
            *self.intervals.entry(self.run_key).or_insert(0) += self.run_count;
            self.run_count = 0;
        }
    }

    /// In the continuous layout, a record must fall in the interval its folder names.
    fn check_folder(&mut self, row: &Row<'_>, key: i64) {
        if let Some(fk) = self.folder_key
            && key != fk
        {
            self.outside_folder += 1;
            if self.outside_example.is_none() {
                let ex = self.example(
                    row.line,
                    row.get(0),
                    "outside the interval its folder names".into(),
                );
                self.outside_example = Some(ex);
            }
        }
    }

    /// Dimension values longer than the limit, and the distinct combinations.
    fn check_dimensions(&mut self, row: &Row<'_>, layout: &Layout, spec: &ScanSpec) {
        let max = Limit::DimensionValueChars.value() as usize;
        for k in 1..=layout.dimensions {
            // Bytes bound characters from above: count characters only for long values.
            if let Some(v) = row.get_bytes(k)
                && v.len() > max
                && let Some(v) = row.get(k)
                && v.chars().count() > max
            {
                self.long_dimension_values += 1;
                if self.long_dimension_example.is_none() {
                    let ex = self.example(
                        row.line,
                        Some(v),
                        format!(
                            "{} value longer than {max} characters",
                            spec.dimensions[k - 1]
                        ),
                    );
                    self.long_dimension_example = Some(ex);
                }
            }
        }
        if self.combos.len() < MAX_COMBINATIONS {
            self.combos.insert(hash_values(
                (1..=layout.dimensions).map(|k| row.get_bytes(k)),
            ));
        }
    }

    /// Empty, non-numeric, too large and too precise measure values.
    fn check_measures(&mut self, row: &Row<'_>, layout: &Layout, spec: &ScanSpec) {
        let magnitude = 10f64.powi(Limit::MeasureMagnitudeDigits.value() as i32);
        let decimals = Limit::MeasureDecimals.value() as usize;
        for m in 0..layout.measures {
            let v = row
                .get(1 + layout.dimensions + m)
                .map(str::trim)
                .unwrap_or("");
            let tally = &mut self.measures[m];
            if v.is_empty() {
                tally.empty += 1;
                continue;
            }
            match v.parse::<f64>() {
                Ok(x) if x.is_finite() => {
                    if x.abs() >= magnitude {
                        tally.too_large += 1;
                    }
                    if let Some((_, frac)) = v.split_once('.')
                        && frac.trim_end_matches('0').len() > decimals
                    {
                        tally.too_precise += 1;
                    }
                }
                _ => {
                    tally.not_numeric += 1;
                    if tally.not_numeric_example.is_none() {
                        let ex = self.example(
                            row.line,
                            Some(v),
                            format!("{} is not a number", spec.measures[m]),
                        );
                        self.measures[m].not_numeric_example = Some(ex);
                    }
                }
            }
        }
    }

    /// The file is done: add the last run.
    pub fn finish(&mut self) {
        self.flush_run();
    }
}
