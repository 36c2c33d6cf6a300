//! The counts of one file (or piece of a file), record by record: which interval each record falls
//! in, which records are skipped and why, and the dimension and measure checks. A [`Tally`] is
//! filled by one worker and merged into the dataset's totals by [`super::report`].

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use memchr::memchr;
use serde::Serialize;

use super::read::{Fields, MAX_RECORD_BYTES};
use super::report::SkipExample;
use super::series::{Runs, SeriesTally};
use super::{FastHash, MAX_COMBINATIONS, MAX_EXAMPLES, ScanSpec};
use crate::schema::limits::Limit;
use crate::schema::timefmt::{FixedLayout, ParsedTime, bytes_above};

/// The start of the interval holding a wall-clock time, as wall-clock seconds since 1970-01-01.
/// Wall-clock keys make a day interval start at local midnight and follow DST as a clock does.
pub(super) fn interval_key(local: NaiveDateTime, len: i64) -> i64 {
    local.and_utc().timestamp().div_euclid(len) * len
}

/// True unless the timezone keeps one offset all year (UTC, `Etc/...`): only then can a
/// wall-clock time fall in a gap.
fn dst_gap_possible(tz: &Tz) -> bool {
    use chrono::Offset;
    use std::cell::Cell;
    thread_local! {
        /// The last zone asked about on this thread: a scan asks once a file.
        static LAST: Cell<Option<(Tz, bool)>> = const { Cell::new(None) };
    }
    let name = tz.name();
    if name == "UTC" || name.starts_with("Etc/") {
        return false;
    }
    if let Some((last, answer)) = LAST.get()
        && last == *tz
    {
        return answer;
    }
    // A zone whose offset is the same on both solstices of recent years has no gap then.
    let at = |y: i32, m: u32| {
        chrono::NaiveDate::from_ymd_opt(y, m, 21)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| tz.offset_from_utc_datetime(&t).fix())
    };
    let answer = !(1970..=2037).all(|y| at(y, 1) == at(y, 7));
    LAST.set(Some((*tz, answer)));
    answer
}

/// Why an epoch value outside 1970 to a year from now is not a time, with the unit its digits
/// suggest.
fn implausible_epoch(raw: &[u8], t: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::Datelike;
    let digits = raw.iter().take_while(|b| b.is_ascii_digit()).count();
    let unit = match digits {
        14..=16 => "epoch microseconds",
        17..=19 => "epoch nanoseconds",
        _ => "another unit",
    };
    format!(
        "as UNIX time is in the year {}, outside 1970 to a year from now: {digits} digits look like {unit} (UNIX reads seconds or milliseconds)",
        t.year()
    )
}

/// The wall-clock time of a parsed timestamp in the dataset's timezone.
fn wall_clock(t: ParsedTime, tz: &Tz) -> NaiveDateTime {
    match t {
        ParsedTime::Local(n) => n,
        ParsedTime::Instant(u) => tz.from_utc_datetime(&u.naive_utc()).naive_local(),
    }
}

/// A daylight-saving gap of `tz` near `local` (within a day or two): the first wall-clock time
/// the change skips, the first it does not, and the instant of the change. Local times in
/// `[start, end)` do not exist; Java (and so L4M) reads them as the same time after the change.
pub(super) fn dst_gap(
    tz: &Tz,
    local: NaiveDateTime,
) -> Option<(NaiveDateTime, NaiveDateTime, NaiveDateTime)> {
    use chrono::{DateTime, Offset};
    let utc = |secs: i64| DateTime::from_timestamp(secs, 0).map(|d| d.naive_utc());
    let offset = |secs: i64| {
        utc(secs).map_or(0, |u| {
            i64::from(tz.offset_from_utc_datetime(&u).fix().local_minus_utc())
        })
    };
    let day = local.date().and_hms_opt(0, 0, 0)?.and_utc().timestamp();
    let (mut lo, mut hi) = (day - 26 * 3600, day + 50 * 3600);
    let (before, after) = (offset(lo), offset(hi));
    if after <= before {
        return None;
    }
    // The first second with the later offset.
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if offset(mid) == before {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let start = utc(hi + before)?;
    let end = utc(hi + offset(hi))?;
    (start < end).then_some((start, end, utc(hi)?))
}

/// The gap of the day last looked up, so that a scan in time order asks the timezone once a day.
#[derive(Default)]
struct GapCache {
    day: Option<chrono::NaiveDate>,
    gap: Option<(NaiveDateTime, NaiveDateTime)>,
}

impl GapCache {
    /// A wall-clock time inside a gap, moved past it (by the gap's length, as Java does).
    fn moved(&mut self, tz: &Tz, local: NaiveDateTime) -> Option<NaiveDateTime> {
        let day = local.date();
        if self.day != Some(day) {
            self.day = Some(day);
            self.gap = dst_gap(tz, local).map(|(s, e, _)| (s, e));
        }
        let (start, end) = self.gap?;
        (start <= local && local < end).then(|| local + (end - start))
    }
}

/// A 64-bit hash of the dimension values of a record, eight bytes per step (a folded multiply,
/// as in wyhash): collisions only blur an estimate, and the hash runs on every record.
fn hash_values<'a>(values: impl Iterator<Item = Option<&'a [u8]>>) -> u64 {
    let mut h: u64 = 0x243f_6a88_85a3_08d3;
    for v in values {
        let v = v.unwrap_or_default();
        let mut words = v.chunks_exact(8);
        for w in &mut words {
            h = fold(h ^ u64::from_le_bytes(w.try_into().unwrap_or([0; 8])), SEED);
        }
        // The last bytes, read without a copy through the stack; the length picks the
        // multiplier, so that ("ab", "c") and ("a", "bc") differ.
        h = fold(h ^ tail_word(words.remainder()), SEED ^ v.len() as u64);
    }
    h
}

const SEED: u64 = 0x9e37_79b9_7f4a_7c15;

/// The up to seven last bytes of a value as a word (overlapping reads, as in wyhash).
fn tail_word(r: &[u8]) -> u64 {
    let n = r.len();
    let u32_at = |at: usize| {
        u64::from(u32::from_le_bytes(
            r[at..at + 4].try_into().unwrap_or([0; 4]),
        ))
    };
    match n {
        0 => 0,
        1..=3 => u64::from(r[0]) | u64::from(r[n / 2]) << 8 | u64::from(r[n - 1]) << 16,
        _ => u32_at(0) | u32_at(n - 4) << 32,
    }
}

/// The high and low halves of a 128-bit product, folded: every input bit reaches every output bit.
pub(super) fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// Defines [`SkipReason`] from one table: each reason's variant and its name in the JSON
/// (`records_skipped_by_reason`) and the findings. [`SkipReason::ALL`] lists them in the table's
/// order, which is also the order of [`SkipCounts`] and of the JSON's keys; a reason added to the
/// table is counted, merged and reported everywhere without another edit.
macro_rules! skip_reasons {
    ($($(#[doc = $doc:literal])* $variant:ident => $name:literal,)+) => {
        /// Why a record was not counted.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum SkipReason {
            $($(#[doc = $doc])* $variant,)+
        }

        impl SkipReason {
            /// Every reason, in the table's order (its index in [`SkipCounts`]).
            pub const ALL: [SkipReason; [$(SkipReason::$variant),+].len()] =
                [$(SkipReason::$variant),+];

            /// The reason's name in reports: `records_skipped_by_reason` in the JSON, findings.
            pub const fn name(self) -> &'static str {
                match self {
                    $(SkipReason::$variant => $name,)+
                }
            }
        }
    };
}

skip_reasons! {
    /// A CSV record with more or fewer fields than the header.
    Ragged => "ragged",
    /// A JSON-lines line that is not a JSON object.
    NotAnObject => "not-an-object",
    /// No timestamp value.
    NoTimestamp => "no-timestamp",
    /// A timestamp that does not parse with the format.
    BadTimestamp => "bad-timestamp",
    /// Bytes that are not UTF-8 text in a value the scan reads.
    NotUtf8 => "not-utf8",
    /// A NUL byte in the record: binary data.
    Binary => "binary",
    /// A record longer than the scan reads.
    TooLong => "too-long",
    /// A CSV line whose quote is still open at the end of the file: that line alone is skipped,
    /// and the scan resumes at the next line (instead of the quote taking the rest of the file).
    UnclosedQuote => "unclosed-quote",
}

impl SkipReason {
    /// How many reasons there are.
    pub const COUNT: usize = SkipReason::ALL.len();

    /// The reason's slot in [`SkipCounts`]: its place in the table.
    const fn index(self) -> usize {
        self as usize
    }
}

// The variants carry no discriminants, so each one's place in the table is its index.
const _: () = {
    let mut i = 0;
    while i < SkipReason::COUNT {
        assert!(SkipReason::ALL[i].index() == i);
        i += 1;
    }
};

impl Serialize for SkipReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Records not counted, by reason: one count for each of [`SkipReason::ALL`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SkipCounts([u64; SkipReason::COUNT]);

impl SkipCounts {
    /// One more record skipped for `why`.
    pub fn add(&mut self, why: SkipReason) {
        self.0[why.index()] += 1;
    }

    /// `n` more records skipped for `why` (counted elsewhere).
    pub fn add_n(&mut self, why: SkipReason, n: u64) {
        self.0[why.index()] += n;
    }

    /// Records skipped for `why`.
    pub fn get(&self, why: SkipReason) -> u64 {
        self.0[why.index()]
    }

    /// Add another file's (or piece's) counts.
    pub fn merge(&mut self, other: &SkipCounts) {
        for why in SkipReason::ALL {
            self.0[why.index()] += other.get(why);
        }
    }

    /// Records skipped for any reason.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// Every reason with its count, in [`SkipReason::ALL`] order (reasons without records too).
    pub fn iter(&self) -> impl Iterator<Item = (SkipReason, u64)> + '_ {
        SkipReason::ALL.into_iter().map(|why| (why, self.get(why)))
    }
}

/// Whether the timestamps read the other way round (day and month swapped) would fit better: the
/// values that fail the format but parse swapped, and whether any value parses only the chosen
/// way (which settles it). Checked on the failing path, and on parsed values until settled.
#[derive(Debug, Default, Clone)]
pub(super) struct DayMonthTally {
    /// The format with day and month swapped, when the format has one.
    pub other: Option<crate::schema::timefmt::TimeFormat>,
    /// Values that fail the format and parse swapped.
    pub only_other: u64,
    pub example: Option<SkipExample>,
    /// A value parses with the format and not swapped: the reading is settled.
    pub settled: bool,
}

impl DayMonthTally {
    pub fn new(spec: &ScanSpec) -> DayMonthTally {
        DayMonthTally {
            other: spec.format.day_month_swapped(),
            ..DayMonthTally::default()
        }
    }

    /// A value that parsed with the format: does it settle the reading?
    #[inline]
    fn parsed(&mut self, value: &str) {
        if !self.settled
            && let Some(other) = &self.other
            && other.parse(value).is_none()
        {
            self.settled = true;
        }
    }

    /// A value that does not parse with the format: does it parse swapped?
    fn failed(&mut self, value: &[u8]) -> bool {
        let fits = self.other.as_ref().is_some_and(|o| {
            std::str::from_utf8(value)
                .ok()
                .and_then(|v| o.parse(v))
                .is_some()
        });
        self.only_other += fits as u64;
        fits
    }

    /// Add the figures of a later piece or file.
    pub fn merge(&mut self, next: DayMonthTally, shift: impl Fn(&mut SkipExample)) {
        self.only_other += next.only_other;
        self.settled |= next.settled;
        if self.example.is_none() {
            self.example = next.example.map(|mut e| {
                shift(&mut e);
                e
            });
        }
    }
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
    /// The CSV delimiter: a record with one more field, empty, after a trailing delimiter has
    /// the fields it should.
    pub delimiter: u8,
}

/// The interval of the last timestamp parsed, to skip parsing the next one when it repeats (or,
/// for a fixed layout, when only its seconds differ).
#[derive(Default)]
struct IntervalCache {
    layout: Option<FixedLayout>,
    /// The last value parsed (or its deciding prefix, with a fixed layout) and its interval.
    last: Vec<u8>,
    key: i64,
}

impl IntervalCache {
    /// The cached interval of `raw`, if it is known without parsing.
    fn get(&self, raw: &[u8]) -> Option<i64> {
        if self.last.is_empty() {
            return None;
        }
        match &self.layout {
            Some(l) => {
                (same_prefix(raw, &self.last) && l.fits_after_prefix(raw)).then_some(self.key)
            }
            None => (raw == self.last.as_slice()).then_some(self.key),
        }
    }

    fn put(&mut self, raw: &[u8], key: i64) {
        self.last.clear();
        match &self.layout {
            Some(l) if l.fits(raw) => self.last.extend_from_slice(&raw[..l.prefix()]),
            Some(_) => {}
            None => self.last.extend_from_slice(raw),
        }
        self.key = key;
    }
}

/// True when a value holds nothing but ASCII whitespace (a value usually starts with something
/// else: one byte tells).
fn blank(v: &[u8]) -> bool {
    v.iter().all(u8::is_ascii_whitespace)
}

/// Two lists of interval counts in key order, as one.
fn merge_counts(a: Vec<(i64, u64)>, b: Vec<(i64, u64)>) -> Vec<(i64, u64)> {
    if a.last().zip(b.first()).is_none_or(|(x, y)| x.0 < y.0) {
        // Pieces of sorted data follow each other.
        let mut a = a;
        a.extend(b);
        return a;
    }
    super::series::merge_by_key(&a, &b, |x, y| x + y)
}

/// True when `raw` starts with `prefix`. Prefixes of 8 to 16 bytes (dates with hours or minutes)
/// are compared as two overlapping words, inline instead of a call to `memcmp`: this runs on every
/// record.
fn same_prefix(raw: &[u8], prefix: &[u8]) -> bool {
    let n = prefix.len();
    let word = |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or([0; 8]));
    if (8..=16).contains(&n) && raw.len() >= n {
        word(raw, 0) == word(prefix, 0) && word(raw, n - 8) == word(prefix, n - 8)
    } else {
        raw.get(..n) == Some(prefix)
    }
}

/// The finest interval length: the slots every length's figures are made of.
pub(super) const SLOT_SECONDS: i64 = 300;

/// Counts from one file or piece.
#[derive(Default)]
pub(super) struct Tally {
    /// The file's name relative to the dataset root.
    pub name: String,
    /// Interval key (wall-clock seconds, see [`interval_key`]) to records, while counting.
    intervals: HashMap<i64, u64, FastHash>,
    /// The same, in key order, once [`Tally::finish`] is called.
    pub counts: Vec<(i64, u64)>,
    pub records: u64,
    /// Records not counted, by reason.
    pub skipped: SkipCounts,
    pub examples: Vec<SkipExample>,
    pub combos: HashSet<u64, FastHash>,
    pub long_dimension_values: u64,
    pub long_dimension_example: Option<SkipExample>,
    pub measures: Vec<MeasureTally>,
    /// Stored bytes read.
    pub bytes: u64,
    /// Why the file stopped before its end, if it did.
    pub error: Option<super::FileProblem>,
    /// The interval the file's folder names (template datasets).
    pub folder_key: Option<i64>,
    /// The folder name did not match the template.
    pub folder_unparsed: bool,
    pub outside_folder: u64,
    pub outside_example: Option<SkipExample>,
    /// The 5-minute slots (wall clock) that hold a record, whatever the scan's interval: every
    /// interval length's figures come from them ([`crate::schema::interval::IntervalFill`]).
    pub slots: Runs,
    /// The last slot added (records mostly come in time order).
    last_slot: i64,
    /// Records mostly come in time order: a run of one interval is counted, then added at once.
    run_key: i64,
    run_count: u64,
    cache: IntervalCache,
    /// Per-series figures and data-quality counts, when the scan asks for them.
    pub series: Option<SeriesTally>,
    /// Which measures of the current record have a value.
    has_value: Vec<bool>,
    /// The current record's measure values, when the scan sums them.
    numbers: Vec<Option<f64>>,
    /// A narrowed scan's conditions.
    narrow: Option<NarrowFields>,
    /// Timestamps that would read better with day and month swapped.
    pub day_month: DayMonthTally,
    /// For epoch time: the latest plausible instant (a year from now), in seconds.
    unix_until: Option<i64>,
    /// The file is in the other format than the dataset's, and was read as that.
    pub other_format: Option<crate::format::FileFormat>,
    /// The dataset's timezone has daylight-saving gaps (not UTC or a fixed offset).
    has_gaps: bool,
    gaps: GapCache,
    /// Wall-clock timestamps inside a daylight-saving gap, counted after it; the first of them.
    pub moved_past_gap: u64,
    pub moved_example: Option<SkipExample>,
}

/// A narrowed scan's conditions by projected field: (field, value) pairs, and the measure's field.
type NarrowFields = (Vec<(usize, Vec<u8>)>, Option<usize>);

impl Tally {
    pub fn new(name: &str, spec: &ScanSpec) -> Tally {
        let mut t = Tally {
            name: name.to_string(),
            measures: vec![MeasureTally::default(); spec.measures.len()],
            run_key: i64::MIN,
            last_slot: i64::MIN,
            // A value's minute decides its 5-minute slot (and so its interval, for every length):
            // a cached key is reused for the rest of its minute only.
            cache: IntervalCache {
                layout: spec.format.fixed_layout(SLOT_SECONDS),
                ..IntervalCache::default()
            },
            series: spec.series.then(|| {
                SeriesTally::new(
                    1 + spec.dimensions.len() + spec.measures.len(),
                    spec.dimensions.len(),
                )
            }),
            has_value: vec![false; spec.measures.len()],
            day_month: DayMonthTally::new(spec),
            has_gaps: dst_gap_possible(&spec.timezone),
            unix_until: spec
                .format
                .is_unix()
                .then(|| chrono::Utc::now().timestamp() + 366 * 86_400),
            narrow: spec.narrow.as_ref().map(|n| {
                let field = |names: &[String], name: &str| names.iter().position(|d| d == name);
                let dims = n
                    .dimensions
                    .iter()
                    .map(|(d, v)| {
                        // An unknown dimension matches nothing: its field is past the record.
                        let at = field(&spec.dimensions, d).map_or(usize::MAX, |k| 1 + k);
                        (at, v.as_bytes().to_vec())
                    })
                    .collect();
                let measure = n.measure.as_ref().map(|m| {
                    field(&spec.measures, m).map_or(usize::MAX, |k| 1 + spec.dimensions.len() + k)
                });
                (dims, measure)
            }),
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

    fn example(&self, line: u64, value: Option<&[u8]>, reason: String) -> SkipExample {
        SkipExample {
            file: self.name.clone(),
            line,
            value: value.map(|v| String::from_utf8_lossy(v).chars().take(80).collect()),
            reason,
        }
    }

    fn skip(&mut self, why: SkipReason, line: u64, value: Option<&[u8]>, reason: String) {
        self.skipped.add(why);
        if self.examples.len() < MAX_EXAMPLES {
            let ex = self.example(line, value, reason);
            self.examples.push(ex);
        }
    }

    /// A JSON-lines line that is not a JSON object.
    pub fn not_an_object(&mut self, line: u64) {
        self.skip(
            SkipReason::NotAnObject,
            line,
            None,
            "not a JSON object".into(),
        );
    }

    /// A CSV line whose quote is still open at the end of the file, skipped alone.
    pub fn unclosed_quote(&mut self, line: u64) {
        self.skip(
            SkipReason::UnclosedQuote,
            line,
            None,
            "a quote opened on this line is still open at the end of the file".into(),
        );
    }

    /// A record longer than the scan reads, skipped without being read: its first line (of
    /// `bytes`) is dropped. A line shorter than the limit is a quote opened on it and still open
    /// past the limit (how far past depends on how the file was read: not said).
    pub fn too_long(&mut self, line: u64, bytes: u64) {
        let max = crate::units::bytes(MAX_RECORD_BYTES as u64);
        let reason = if bytes < MAX_RECORD_BYTES as u64 {
            format!("a quote opened on this line is still open {max} later, more than a scan reads")
        } else {
            format!(
                "a record of {} is longer than the {max} a scan reads",
                crate::units::bytes(bytes)
            )
        };
        self.skip(SkipReason::TooLong, line, None, reason);
    }

    /// Count one record (`raw` is all of its bytes): its interval, then its folder, dimensions
    /// and measures.
    pub fn record(
        &mut self,
        line: u64,
        raw: &[u8],
        row: &impl Fields,
        layout: &Layout,
        spec: &ScanSpec,
    ) {
        if !self.well_formed(line, raw, row, layout) || !self.in_narrow(row) {
            return;
        }
        if let Some(s) = &mut self.series {
            let fields = 1 + layout.dimensions + layout.measures;
            s.values((0..fields).map(|k| row.get(k).is_some_and(|v| !blank(v))));
        }
        let Some(key) = self.interval_of(line, row, spec) else {
            return;
        };
        self.count(key);
        self.check_folder(line, row, key);
        let combo = (layout.dimensions > 0).then(|| self.check_dimensions(line, row, layout, spec));
        if layout.measures > 0 {
            self.check_measures(line, row, layout, spec);
        }
        if self.series.is_some() {
            self.add_point(row, layout, combo.unwrap_or(0), key, spec);
        }
    }

    /// Give the record's series their data point, and count it as partial when a dimension is
    /// empty or a measure has no number.
    fn add_point(
        &mut self,
        row: &impl Fields,
        layout: &Layout,
        combo: u64,
        key: i64,
        spec: &ScanSpec,
    ) {
        let Some(s) = &mut self.series else { return };
        let values = || {
            (1..=layout.dimensions)
                .map(|k| String::from_utf8_lossy(row.get(k).unwrap_or_default()).into_owned())
                .collect()
        };
        let len = spec.frequency.seconds();
        let numbers = spec.values.is_some().then(|| {
            self.numbers.clear();
            for m in 0..layout.measures {
                let v = row.get(1 + layout.dimensions + m).map(<[u8]>::trim_ascii);
                let n = self.has_value[m]
                    .then(|| {
                        std::str::from_utf8(v.unwrap_or_default())
                            .ok()?
                            .parse::<f64>()
                            .ok()
                    })
                    .flatten()
                    .filter(|n| n.is_finite());
                self.numbers.push(n);
            }
            self.numbers.as_slice()
        });
        let new = s.point(combo, values, &self.has_value, numbers, key, len);
        // A combination seen before brings no new dimension value: only a new one (or any, once
        // the combinations are capped) is hashed value by value.
        let mut partial = self.has_value.iter().any(|h| !h);
        for d in 0..layout.dimensions {
            let v = row.get(1 + d).unwrap_or_default();
            partial |= blank(v);
            if new {
                s.dimension_value(d, hash_values(std::iter::once(Some(v))));
            }
        }
        s.partial += partial as u64;
    }

    /// True unless the scan is narrowed and the record is not one it counts.
    fn in_narrow(&self, row: &impl Fields) -> bool {
        let Some((dims, measure)) = &self.narrow else {
            return true;
        };
        dims.iter()
            .all(|(k, v)| row.get(*k).map(<[u8]>::trim_ascii) == Some(v.as_slice()))
            && measure.is_none_or(|m| {
                matches!(
                    measure_value(row.get(m).map(<[u8]>::trim_ascii).unwrap_or_default()),
                    Measure::Number { .. }
                )
            })
    }

    /// A record with the fields it should have, text only; others are skipped.
    fn well_formed(&mut self, line: u64, raw: &[u8], row: &impl Fields, layout: &Layout) -> bool {
        if let (Some(expected), Some(width)) = (layout.width, row.width())
            && width != expected
            && !self.odd_width(line, raw, width, expected, layout.delimiter)
        {
            return false;
        }
        // Nearly every record is plain ASCII without NUL: one pass over its words says so.
        if row.known_plain() || plain_ascii(raw) {
            return true;
        }
        if let Some(at) = memchr(0, raw) {
            let reason = format!("holds a NUL byte (binary data) at byte {at} of the record");
            self.skip(SkipReason::Binary, line, None, reason);
            return false;
        }
        let fields = 1 + layout.dimensions + layout.measures;
        if let Some(bad) =
            (0..fields).find_map(|k| row.get(k).filter(|v| std::str::from_utf8(v).is_err()))
        {
            let reason = "is not UTF-8 text".to_string();
            self.skip(SkipReason::NotUtf8, line, Some(bad), reason);
            return false;
        }
        true
    }

    /// A record with another number of fields than the header: true when it is one all the
    /// same (a trailing delimiter leaves one more, empty field); a blank line is no record (as
    /// the csv module, pandas, polars and DuckDB read it); the others are skipped as ragged.
    #[cold]
    #[inline(never)]
    fn odd_width(
        &mut self,
        line: u64,
        raw: &[u8],
        width: usize,
        expected: usize,
        delimiter: u8,
    ) -> bool {
        if blank(raw) {
            return false;
        }
        let line_end = raw.strip_suffix(b"\n").unwrap_or(raw);
        let line_end = line_end.strip_suffix(b"\r").unwrap_or(line_end);
        if width == expected + 1 && line_end.last() == Some(&delimiter) {
            return true;
        }
        let reason = format!("has {width} fields, expected {expected}");
        self.skip(SkipReason::Ragged, line, None, reason);
        false
    }

    /// The interval key of the record's timestamp; a missing or unparsable one is skipped.
    fn interval_of(&mut self, line: u64, row: &impl Fields, spec: &ScanSpec) -> Option<i64> {
        let Some(raw) = row.get(0).map(<[u8]>::trim_ascii).filter(|v| !v.is_empty()) else {
            self.skip(SkipReason::NoTimestamp, line, None, "no timestamp".into());
            return None;
        };
        if let Some(key) = self.cache.get(raw) {
            return Some(key);
        }
        let text = std::str::from_utf8(raw).ok();
        let parsed = text.and_then(|s| spec.format.parse(s));
        let Some(parsed) = parsed else {
            let reason = format!("does not parse as {}", spec.format.pattern());
            if self.day_month.failed(raw) && self.day_month.example.is_none() {
                let ex = self.example(line, Some(raw), reason.clone());
                self.day_month.example = Some(ex);
            }
            self.skip(SkipReason::BadTimestamp, line, Some(raw), reason);
            return None;
        };
        if let Some(text) = text {
            self.day_month.parsed(text);
        }
        if let (Some(until), ParsedTime::Instant(t)) = (self.unix_until, parsed)
            && !(0..=until).contains(&t.timestamp())
        {
            let reason = implausible_epoch(raw, t);
            self.skip(SkipReason::BadTimestamp, line, Some(raw), reason);
            return None;
        }
        let mut local = wall_clock(parsed, &spec.timezone);
        if self.has_gaps
            && matches!(parsed, ParsedTime::Local(_))
            && let Some(moved) = self.gaps.moved(&spec.timezone, local)
        {
            local = moved;
            self.moved_past_gap += 1;
            if self.moved_example.is_none() {
                let reason = format!(
                    "does not exist in {} (a daylight-saving gap): counted at {}",
                    spec.timezone.name(),
                    moved.format("%Y-%m-%d %H:%M:%S")
                );
                self.moved_example = Some(self.example(line, Some(raw), reason));
            }
            // Not cached: the next value with the same prefix may be outside the gap.
            self.add_slot(local);
            return Some(interval_key(local, spec.frequency.seconds()));
        }
        let key = interval_key(local, spec.frequency.seconds());
        self.add_slot(local);
        self.cache.put(raw, key);
        Some(key)
    }

    /// Mark the 5-minute slot of a record's wall-clock time.
    #[inline]
    fn add_slot(&mut self, local: NaiveDateTime) {
        let slot = interval_key(local, SLOT_SECONDS) / SLOT_SECONDS;
        if slot != self.last_slot {
            self.slots.add_index(slot);
            self.last_slot = slot;
        }
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
    fn check_folder(&mut self, line: u64, row: &impl Fields, key: i64) {
        if let Some(fk) = self.folder_key
            && key != fk
        {
            self.outside_folder += 1;
            if self.outside_example.is_none() {
                let ex = self.example(
                    line,
                    row.get(0),
                    "outside the interval its folder names".into(),
                );
                self.outside_example = Some(ex);
            }
        }
    }

    /// Dimension values longer than the limit, and the distinct combinations. Gives the record's
    /// combination (a hash of its dimension values).
    fn check_dimensions(
        &mut self,
        line: u64,
        row: &impl Fields,
        layout: &Layout,
        spec: &ScanSpec,
    ) -> u64 {
        let max = Limit::DimensionValueChars.value() as usize;
        for k in 1..=layout.dimensions {
            // Bytes bound characters from above: count characters only for long values.
            if let Some(v) = row.get(k)
                && v.len() > max
                && String::from_utf8_lossy(v).chars().count() > max
            {
                self.long_dimension_values += 1;
                if self.long_dimension_example.is_none() {
                    let reason = format!(
                        "{} value longer than {max} characters",
                        spec.dimensions[k - 1]
                    );
                    let ex = self.example(line, Some(v), reason);
                    self.long_dimension_example = Some(ex);
                }
            }
        }
        let combo = hash_values((1..=layout.dimensions).map(|k| row.get(k)));
        if self.combos.len() < MAX_COMBINATIONS {
            self.combos.insert(combo);
        }
        combo
    }

    /// Empty, non-numeric, too large and too precise measure values.
    fn check_measures(&mut self, line: u64, row: &impl Fields, layout: &Layout, spec: &ScanSpec) {
        for m in 0..layout.measures {
            let v = row
                .get(1 + layout.dimensions + m)
                .map(<[u8]>::trim_ascii)
                .unwrap_or_default();
            let tally = &mut self.measures[m];
            let judged = measure_value(v);
            self.has_value[m] = matches!(judged, Measure::Number { .. });
            match judged {
                Measure::Empty => tally.empty += 1,
                Measure::Number {
                    too_large,
                    too_precise,
                } => {
                    tally.too_large += too_large as u64;
                    tally.too_precise += too_precise as u64;
                }
                Measure::NotNumeric => {
                    tally.not_numeric += 1;
                    if tally.not_numeric_example.is_none() {
                        let reason = format!("{} is not a number", spec.measures[m]);
                        let ex = self.example(line, Some(v), reason);
                        self.measures[m].not_numeric_example = Some(ex);
                    }
                }
            }
        }
    }

    /// The file or piece is done: add the last run.
    pub fn finish(&mut self) {
        self.flush_run();
        // Sorted by each worker, so that putting pieces and files together is a walk in order.
        self.counts = self.intervals.drain().collect();
        self.counts.sort_unstable();
        self.intervals = HashMap::default();
    }

    /// Add the tally of the next piece of the same file; its lines are counted from the piece's
    /// start, `lines_before` is how many line breaks came before it.
    pub fn append(&mut self, mut next: Tally, lines_before: u64) {
        let shift = |e: &mut SkipExample| e.line += lines_before;
        next.examples.iter_mut().for_each(shift);
        self.counts = merge_counts(std::mem::take(&mut self.counts), next.counts);
        self.slots.merge(&next.slots);
        self.records += next.records;
        self.skipped.merge(&next.skipped);
        let room = MAX_EXAMPLES.saturating_sub(self.examples.len());
        self.examples.extend(next.examples.into_iter().take(room));
        for h in next.combos {
            if self.combos.len() >= MAX_COMBINATIONS {
                break;
            }
            self.combos.insert(h);
        }
        self.day_month.merge(next.day_month, shift);
        self.moved_past_gap += next.moved_past_gap;
        if self.moved_example.is_none() {
            self.moved_example = next.moved_example.map(|mut e| {
                shift(&mut e);
                e
            });
        }
        self.long_dimension_values += next.long_dimension_values;
        if self.long_dimension_example.is_none() {
            self.long_dimension_example = next.long_dimension_example.map(|mut e| {
                shift(&mut e);
                e
            });
        }
        self.outside_folder += next.outside_folder;
        if self.outside_example.is_none() {
            self.outside_example = next.outside_example.map(|mut e| {
                shift(&mut e);
                e
            });
        }
        for (a, b) in self.measures.iter_mut().zip(next.measures) {
            a.empty += b.empty;
            a.not_numeric += b.not_numeric;
            a.too_precise += b.too_precise;
            a.too_large += b.too_large;
            if a.not_numeric_example.is_none() {
                a.not_numeric_example = b.not_numeric_example.map(|mut e| {
                    shift(&mut e);
                    e
                });
            }
        }
        self.bytes += next.bytes;
        if self.error.is_none() {
            self.error = next.error;
        }
        if let (Some(a), Some(b)) = (&mut self.series, next.series) {
            a.merge(b);
        }
    }
}

/// True when every byte is ASCII and none is NUL, checked eight bytes at a time.
fn plain_ascii(bytes: &[u8]) -> bool {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        // A high bit set, or a zero byte (the classic "has zero byte" test).
        if (w & HIGH) != 0 || (w.wrapping_sub(LOW) & !w & HIGH) != 0 {
            return false;
        }
    }
    chunks.remainder().iter().all(|&b| b != 0 && b < 0x80)
}

/// What a measure value is, by the guide's rules.
#[derive(Debug, PartialEq, Eq)]
enum Measure {
    Empty,
    NotNumeric,
    Number { too_large: bool, too_precise: bool },
}

/// A plain decimal of 1 to 8 bytes (most measure values) judged as one word: digits with at most
/// one dot. `None`: anything else, judged byte by byte. Eight digits are never too large.
#[inline(always)]
fn short_decimal(digits: &[u8], max_decimals: usize) -> Option<Measure> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let n = digits.len();
    if n == 0 || n > 8 {
        return None;
    }
    // Byte by byte rather than a copy of a variable length (a call to memcpy).
    let word = (digits.iter().rev()).fold(0u64, |w, &b| w << 8 | u64::from(b));
    let x = word ^ (0x30 * ONES);
    let valid = (u64::MAX >> (64 - 8 * n)) & (0x80 * ONES);
    // High bit of each byte that is not a digit, or not '0'.
    let not_digit = bytes_above(x, 9) & valid;
    let not_zero = bytes_above(x, 0) & valid;
    let (dot, frac_nonzero) = match not_digit {
        0 => (n, 0),
        one if one & (one - 1) == 0 => {
            let at = one.trailing_zeros() as usize / 8;
            if digits[at] != b'.' || n == 1 {
                return None;
            }
            (at, not_zero & !(one | (one - 1)))
        }
        _ => return None,
    };
    // Decimals run to the last non-zero digit after the dot.
    let decimals = match frac_nonzero {
        0 => 0,
        m => (63 - m.leading_zeros() as usize) / 8 - dot,
    };
    Some(Measure::Number {
        too_large: false,
        too_precise: decimals > max_decimals,
    })
}

/// Judge a measure value from its bytes: plain decimals (the common case) are read without
/// parsing a float; anything else (exponents, `inf`) goes through the float parser.
#[inline]
fn measure_value(v: &[u8]) -> Measure {
    if v.is_empty() {
        return Measure::Empty;
    }
    let digits = match v[0] {
        b'-' | b'+' => &v[1..],
        _ => v,
    };
    let max_decimals = Limit::MeasureDecimals.value() as usize;
    short_decimal(digits, max_decimals).unwrap_or_else(|| long_measure_value(v, digits))
}

/// [`measure_value`] for values that are not short plain decimals (`digits`: without the sign).
#[inline(never)]
fn long_measure_value(v: &[u8], digits: &[u8]) -> Measure {
    let max_digits = Limit::MeasureMagnitudeDigits.value() as usize;
    let max_decimals = Limit::MeasureDecimals.value() as usize;
    // Digits, at most one dot, at least one digit: significant integer digits are those after
    // the leading zeros, decimals those up to the last non-zero one.
    let (int, frac) = match digits.iter().position(|&b| b == b'.') {
        Some(dot) => (&digits[..dot], &digits[dot + 1..]),
        None => (digits, &[][..]),
    };
    if int.iter().chain(frac).all(u8::is_ascii_digit) && int.len() + frac.len() > 0 {
        let zeros = int.iter().take_while(|&&b| b == b'0').count();
        let trailing = frac.iter().rev().take_while(|&&b| b == b'0').count();
        return Measure::Number {
            too_large: int.len() - zeros > max_digits,
            too_precise: frac.len() - trailing > max_decimals,
        };
    }
    match std::str::from_utf8(v)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
    {
        Some(x) if x.is_finite() => Measure::Number {
            too_large: x.abs() >= 10f64.powi(max_digits as i32),
            too_precise: false,
        },
        _ => Measure::NotNumeric,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_reasons_keep_their_json_names_and_order_and_every_one_is_counted_and_merged() {
        // The names (and their order) of `records_skipped_by_reason` before the table: the JSON
        // of the first seven stays byte for byte what it was.
        let names: Vec<&str> = SkipReason::ALL.iter().map(|r| r.name()).collect();
        assert_eq!(
            names,
            [
                "ragged",
                "not-an-object",
                "no-timestamp",
                "bad-timestamp",
                "not-utf8",
                "binary",
                "too-long",
                "unclosed-quote",
            ]
        );
        let mut a = SkipCounts::default();
        let mut b = SkipCounts::default();
        for (k, why) in SkipReason::ALL.into_iter().enumerate() {
            assert_eq!(serde_json::to_string(&why).unwrap(), format!("\"{why}\""));
            for _ in 0..=k {
                a.add(why);
            }
            b.add(why);
        }
        a.merge(&b);
        let got: Vec<(SkipReason, u64)> = a.iter().collect();
        let want: Vec<(SkipReason, u64)> = (SkipReason::ALL.into_iter()).zip(2..).collect();
        assert_eq!(got, want);
        assert_eq!(a.total(), (2..2 + SkipReason::COUNT as u64).sum::<u64>());
        let map: std::collections::BTreeMap<SkipReason, u64> = a.iter().collect();
        assert_eq!(
            serde_json::to_string(&map).unwrap(),
            "{\"ragged\":2,\"not-an-object\":3,\"no-timestamp\":4,\"bad-timestamp\":5,\
             \"not-utf8\":6,\"binary\":7,\"too-long\":8,\"unclosed-quote\":9}"
        );
    }

    #[test]
    fn interval_counts_merge_in_key_order_adding_shared_keys() {
        let a = vec![(0, 2), (300, 1), (900, 4)];
        let b = vec![(300, 5), (600, 1), (1200, 3)];
        assert_eq!(
            merge_counts(a.clone(), b),
            [(0, 2), (300, 6), (600, 1), (900, 4), (1200, 3)]
        );
        // Pieces of sorted data follow each other.
        assert_eq!(
            merge_counts(a.clone(), vec![(1200, 1)]),
            [(0, 2), (300, 1), (900, 4), (1200, 1)]
        );
        assert_eq!(merge_counts(Vec::new(), a.clone()), a);
        assert_eq!(merge_counts(a.clone(), Vec::new()), a);
    }

    #[test]
    fn plain_ascii_finds_a_nul_or_a_high_byte_anywhere() {
        assert!(plain_ascii(
            b"2023-01-01 00:00:01,central,tv,ok,742,920.52,74150\n"
        ));
        assert!(plain_ascii(b""));
        for at in 0..20 {
            let mut v = b"abcdefghijklmnopqrst".to_vec();
            v[at] = 0;
            assert!(!plain_ascii(&v), "NUL at {at}");
            v[at] = 0xe9;
            assert!(!plain_ascii(&v), "high byte at {at}");
        }
    }

    #[test]
    fn measures_are_judged_from_their_bytes() {
        let n = |large, precise| Measure::Number {
            too_large: large,
            too_precise: precise,
        };
        assert_eq!(measure_value(b""), Measure::Empty);
        assert_eq!(measure_value(b"12.5"), n(false, false));
        assert_eq!(measure_value(b"-0.12340"), n(false, false));
        assert_eq!(measure_value(b"0.12345"), n(false, true));
        assert_eq!(measure_value(b"999999999999999"), n(false, false));
        assert_eq!(measure_value(b"1000000000000000"), n(true, false));
        assert_eq!(measure_value(b"0001000.0"), n(false, false));
        assert_eq!(measure_value(b"1e15"), n(true, false));
        assert_eq!(measure_value(b"."), Measure::NotNumeric);
        assert_eq!(measure_value(b"12a"), Measure::NotNumeric);
        assert_eq!(measure_value(b"NaN"), Measure::NotNumeric);
        assert_eq!(measure_value(b"inf"), Measure::NotNumeric);
        assert_eq!(measure_value(b"1.2.3"), Measure::NotNumeric);
        assert_eq!(measure_value(b"+.5"), n(false, false));
        assert_eq!(measure_value(b"-"), Measure::NotNumeric);
        assert_eq!(
            measure_value(b"000000000000000000001.000000"),
            n(false, false)
        );
        assert_eq!(measure_value(b"1.000010"), n(false, true));
        // Random strings of number bytes: a number is what the float parser reads, its figures
        // those of its digits (or of its value, with an exponent).
        let mut next = crate::testing::random(5);
        for _ in 0..50_000 {
            let len = next(22) as usize;
            let v: Vec<u8> = (0..len)
                .map(|_| b"0123456789000.-e"[next(16) as usize])
                .collect();
            let text = std::str::from_utf8(&v).unwrap();
            let want = match text.parse::<f64>() {
                _ if v.is_empty() => Measure::Empty,
                Ok(x) if !x.is_finite() => Measure::NotNumeric,
                Ok(x) if text.contains('e') => n(x.abs() >= 1e15, false),
                Ok(_) => {
                    let unsigned = text.trim_start_matches('-');
                    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
                    n(
                        int.trim_start_matches('0').len() > 15,
                        frac.trim_end_matches('0').len() > 4,
                    )
                }
                Err(_) => Measure::NotNumeric,
            };
            assert_eq!(measure_value(&v), want, "{text:?}");
        }
    }
}

#[cfg(test)]
mod dst_gap_tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn gaps_of_new_york_and_lord_howe() {
        let ny: Tz = "America/New_York".parse().unwrap();
        assert_eq!(
            dst_gap(&ny, at("2024-03-10 02:30:00")),
            Some((
                at("2024-03-10 02:00:00"),
                at("2024-03-10 03:00:00"),
                at("2024-03-10 07:00:00")
            ))
        );
        let lh: Tz = "Australia/Lord_Howe".parse().unwrap();
        assert_eq!(
            dst_gap(&lh, at("2024-10-06 02:10:00")),
            Some((
                at("2024-10-06 02:00:00"),
                at("2024-10-06 02:30:00"),
                at("2024-10-05 15:30:00")
            ))
        );
        assert!(dst_gap_possible(&ny) && dst_gap_possible(&lh));
        assert!(!dst_gap_possible(&chrono_tz::UTC));
    }
}
