//! How many records fall into each interval, over every file of a dataset.
//!
//! A scan streams each file once, parses only the timestamp (plus the dimension and measure columns
//! it checks), and counts records per interval. Memory grows with the number of intervals (and of
//! distinct dimension combinations, capped), never with the number of rows. Files are scanned by a
//! bounded pool of worker threads; progress and cancellation go through a shared [`ScanControl`].

mod report;

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;

pub use report::{Coverage, Gap, IntervalCount, SkipExample};

use crate::format::Dialect;
use crate::format::records::RecordReader;
use crate::schema::Frequency;
use crate::schema::timefmt::{ParsedTime, TimeFormat};
use crate::source::dataset::Dataset;
use crate::source::{Entry, Source};
use crate::{Error, Result};

/// What to scan for.
#[derive(Debug, Clone)]
pub struct ScanSpec {
    pub timestamp_column: String,
    pub format: TimeFormat,
    pub frequency: Frequency,
    /// The dataset's timezone: it decides which interval a wall-clock timestamp falls in.
    pub timezone: Tz,
    pub dimensions: Vec<String>,
    pub measures: Vec<String>,
    /// How many files are read at once.
    pub concurrency: usize,
    /// The continuous layout's path template: each file's folder names its interval.
    pub template: Option<crate::source::template::PathTemplate>,
}

/// Progress counters and the cancel switch of a running scan, shared with whoever watches it.
#[derive(Debug, Default)]
pub struct ScanControl {
    cancel: AtomicBool,
    pub files_done: AtomicUsize,
    pub bytes_read: AtomicU64,
    pub records: AtomicU64,
}

impl ScanControl {
    /// Ask the scan to stop; it returns what it counted so far, marked incomplete.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// Most distinct dimension combinations remembered; past it the count is reported as "at least".
const MAX_COMBINATIONS: usize = 1_000_000;
/// How many examples of each problem a report keeps.
const MAX_EXAMPLES: usize = 5;
/// L4M's limit on the length of a dimension value (2021 guide).
pub const MAX_DIMENSION_VALUE_CHARS: usize = 40;

/// Counts from one file, merged into the dataset's totals when the file is done.
#[derive(Default)]
struct FileScan {
    /// The file's name relative to the dataset root.
    name: String,
    /// Interval key (wall-clock seconds, see [`interval_key`]) to records.
    intervals: HashMap<i64, u64, FastHash>,
    records: u64,
    skipped: u64,
    examples: Vec<SkipExample>,
    combos: HashSet<u64, FastHash>,
    long_dimension_values: u64,
    long_dimension_example: Option<SkipExample>,
    measure_not_numeric: Vec<u64>,
    measure_not_numeric_example: Vec<Option<SkipExample>>,
    measure_too_precise: Vec<u64>,
    measure_too_large: Vec<u64>,
    measure_empty: Vec<u64>,
    bytes: u64,
    error: Option<String>,
    /// The interval the file's folder names (template datasets).
    folder_key: Option<i64>,
    /// The folder name did not match the template.
    folder_unparsed: bool,
    outside_folder: u64,
    outside_example: Option<SkipExample>,
}

/// The start of the interval holding a wall-clock time, as wall-clock seconds since 1970-01-01.
/// Wall-clock keys make a day interval start at local midnight and follow DST as a clock does.
fn interval_key(local: NaiveDateTime, len: i64) -> i64 {
    local.and_utc().timestamp().div_euclid(len) * len
}

/// The wall-clock time of a parsed timestamp in the dataset's timezone.
fn wall_clock(t: ParsedTime, tz: &Tz) -> NaiveDateTime {
    match t {
        ParsedTime::Local(n) => n,
        ParsedTime::Instant(u) => tz.from_utc_datetime(&u.naive_utc()).naive_local(),
    }
}

/// A hasher for keys that are already well spread (interval starts, FNV hashes): one multiply
/// instead of SipHash on every record. The keys come from the user's data, but a collision flood
/// only slows the scan; it cannot change a count.
#[derive(Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (n ^ (n >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
}

pub(crate) type FastHash = std::hash::BuildHasherDefault<FastHasher>;

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

/// Counts the stored bytes a file stream hands out, for progress and for the report.
struct Counting {
    inner: Box<dyn Read + Send>,
    control: Arc<ScanControl>,
    file_bytes: Arc<AtomicU64>,
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.file_bytes.fetch_add(n as u64, Ordering::Relaxed);
        self.control
            .bytes_read
            .fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Scan every file of `dataset` and count records per interval.
pub fn scan(
    source: &dyn Source,
    dataset: &Dataset,
    dialect: &Dialect,
    spec: &ScanSpec,
    control: &Arc<ScanControl>,
) -> Result<Coverage> {
    let column = |name: &str| dialect.require_column(name);
    let mut projection = vec![column(&spec.timestamp_column)?];
    for d in &spec.dimensions {
        projection.push(column(d)?);
    }
    for m in &spec.measures {
        projection.push(column(m)?);
    }
    let expected_width = dialect.columns.len();

    let files = &dataset.files;
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, FileScan)>> = Mutex::new(Vec::with_capacity(files.len()));
    let workers = spec.concurrency.clamp(1, files.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    if control.is_cancelled() {
                        return;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(file) = files.get(i) else { return };
                    let name = file.location.relative_to(&dataset.root);
                    let fs = scan_file(
                        source,
                        file,
                        &name,
                        dialect,
                        spec,
                        &projection,
                        expected_width,
                        control,
                    );
                    control.files_done.fetch_add(1, Ordering::Relaxed);
                    if let Ok(mut r) = results.lock() {
                        r.push((i, fs));
                    }
                }
            });
        }
    });
    let mut results = results
        .into_inner()
        .map_err(|_| Error::msg("a scan worker failed: run the scan again"))?;
    results.sort_by_key(|(i, _)| *i);
    Ok(report::build(
        dataset,
        spec,
        results.into_iter().map(|(_, f)| f),
        control,
    ))
}

#[allow(clippy::too_many_arguments)]
fn scan_file(
    source: &dyn Source,
    file: &Entry,
    name: &str,
    dialect: &Dialect,
    spec: &ScanSpec,
    projection: &[usize],
    expected_width: usize,
    control: &Arc<ScanControl>,
) -> FileScan {
    let nd = spec.dimensions.len();
    let nm = spec.measures.len();
    let mut fs = FileScan {
        name: name.to_string(),
        measure_not_numeric: vec![0; nm],
        measure_not_numeric_example: vec![None; nm],
        measure_too_precise: vec![0; nm],
        measure_too_large: vec![0; nm],
        measure_empty: vec![0; nm],
        ..FileScan::default()
    };
    let stream = match source.open(&file.location) {
        Ok(s) => s,
        Err(e) => {
            fs.error = Some(e.to_string());
            return fs;
        }
    };
    let file_bytes = Arc::new(AtomicU64::new(0));
    let counting = Counting {
        inner: stream,
        control: Arc::clone(control),
        file_bytes: Arc::clone(&file_bytes),
    };
    let mut reader = match RecordReader::open(Box::new(counting), dialect, projection) {
        Ok(r) => r,
        Err(e) => {
            fs.error = Some(e.to_string());
            return fs;
        }
    };
    // A file whose header orders the columns differently is read by name.
    let mut expected_width = expected_width;
    if let Some(header) = reader.header().map(<[String]>::to_vec)
        && header != dialect.columns
    {
        let mut remapped = Vec::with_capacity(projection.len());
        for &p in projection {
            let column = &dialect.columns[p];
            match header.iter().position(|h| h == column) {
                Some(i) => remapped.push(i),
                None => {
                    fs.error = Some(format!(
                        "{name}: its header has no column {column:?} (it has {}): give every file the same columns",
                        header.join(", ")
                    ));
                    return fs;
                }
            }
        }
        expected_width = header.len();
        reader.set_projection(remapped);
    }
    let len = spec.frequency.seconds();
    if let Some(t) = &spec.template {
        match t.folder_time(name) {
            Some(start) => fs.folder_key = Some(interval_key(start, len)),
            None => fs.folder_unparsed = true,
        }
    }
    let folder_key = fs.folder_key;
    let json = dialect.format == crate::format::FileFormat::Jsonl;
    let mut since_check = 0u32;
    let mut local_records = 0u64;
    let mut run_key = i64::MIN;
    let mut last_raw = String::new();
    let mut last_key = 0i64;
    let mut run_count = 0u64;
    let outcome = reader.for_each(|row| {
        since_check += 1;
        if since_check == 8192 {
            since_check = 0;
            control.records.fetch_add(local_records, Ordering::Relaxed);
            local_records = 0;
            if control.is_cancelled() {
                return false;
            }
        }
        let width = row.width();
        let skip = |fs: &mut FileScan, value: Option<&str>, reason: String| {
            fs.skipped += 1;
            if fs.examples.len() < MAX_EXAMPLES {
                fs.examples.push(SkipExample {
                    file: name.to_string(),
                    line: row.line,
                    value: value.map(|v| v.chars().take(80).collect()),
                    reason,
                });
            }
        };
        if json && width == 0 {
            skip(&mut fs, None, "not a JSON object".into());
            return true;
        }
        if !json && width != expected_width {
            skip(
                &mut fs,
                None,
                format!("has {width} fields, expected {expected_width}"),
            );
            return true;
        }
        let raw = row.get(0).map(str::trim).filter(|v| !v.is_empty());
        let Some(raw) = raw else {
            skip(&mut fs, None, "no timestamp".into());
            return true;
        };
        // Timestamps repeat (one per dimension combination in an interval): parse a value only
        // when it differs from the previous one.
        let key = if raw == last_raw.as_str() {
            last_key
        } else {
            let Some(parsed) = spec.format.parse(raw) else {
                skip(
                    &mut fs,
                    Some(raw),
                    format!("does not parse as {}", spec.format.pattern()),
                );
                return true;
            };
            let key = interval_key(wall_clock(parsed, &spec.timezone), len);
            last_raw.clear();
            last_raw.push_str(raw);
            last_key = key;
            key
        };
        if let Some(fk) = folder_key
            && key != fk
        {
            fs.outside_folder += 1;
            if fs.outside_example.is_none() {
                fs.outside_example = Some(SkipExample {
                    file: name.to_string(),
                    line: row.line,
                    value: Some(raw.to_string()),
                    reason: "outside the interval its folder names".into(),
                });
            }
        }
        // Records mostly come in time order: count runs of one interval, then add the run.
        if key == run_key {
            run_count += 1;
        } else {
            if run_count > 0 {
                *fs.intervals.entry(run_key).or_insert(0) += run_count;
            }
            run_key = key;
            run_count = 1;
        }
        fs.records += 1;
        local_records += 1;
        if nd > 0 {
            for k in 1..=nd {
                // Bytes bound characters from above: count characters only for long values.
                if let Some(v) = row.get_bytes(k)
                    && v.len() > MAX_DIMENSION_VALUE_CHARS
                    && let Some(v) = row.get(k)
                    && v.chars().count() > MAX_DIMENSION_VALUE_CHARS
                {
                    fs.long_dimension_values += 1;
                    if fs.long_dimension_example.is_none() {
                        fs.long_dimension_example = Some(SkipExample {
                            file: name.to_string(),
                            line: row.line,
                            value: Some(v.chars().take(80).collect()),
                            reason: format!(
                                "{} value longer than {MAX_DIMENSION_VALUE_CHARS} characters",
                                spec.dimensions[k - 1]
                            ),
                        });
                    }
                }
            }
            if fs.combos.len() < MAX_COMBINATIONS {
                fs.combos
                    .insert(hash_values((1..=nd).map(|k| row.get_bytes(k))));
            }
        }
        for m in 0..nm {
            let v = row.get(1 + nd + m).map(str::trim).unwrap_or("");
            if v.is_empty() {
                fs.measure_empty[m] += 1;
                continue;
            }
            match v.parse::<f64>() {
                Ok(x) if x.is_finite() => {
                    if x.abs() >= 1e15 {
                        fs.measure_too_large[m] += 1;
                    }
                    if let Some((_, frac)) = v.split_once('.')
                        && frac.trim_end_matches('0').len() > 4
                    {
                        fs.measure_too_precise[m] += 1;
                    }
                }
                _ => {
                    fs.measure_not_numeric[m] += 1;
                    if fs.measure_not_numeric_example[m].is_none() {
                        fs.measure_not_numeric_example[m] = Some(SkipExample {
                            file: name.to_string(),
                            line: row.line,
                            value: Some(v.chars().take(80).collect()),
                            reason: format!("{} is not a number", spec.measures[m]),
                        });
                    }
                }
            }
        }
        true
    });
    if run_count > 0 {
        *fs.intervals.entry(run_key).or_insert(0) += run_count;
    }
    control.records.fetch_add(local_records, Ordering::Relaxed);
    if let Err(e) = outcome {
        fs.error = Some(e);
    }
    fs.bytes = file_bytes.load(Ordering::Relaxed);
    fs
}
