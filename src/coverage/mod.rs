//! How many records fall into each interval, over every file of a dataset.
//!
//! A scan streams each file once, parses only the timestamp (plus the dimension and measure columns
//! it checks), and counts records per interval. Memory grows with the number of intervals (and of
//! distinct dimension combinations, capped), never with the number of rows. Files are scanned by a
//! bounded pool of worker threads; progress and cancellation go through a shared [`ScanControl`].

mod problem;
mod quality;
mod read;
mod report;
mod series;
mod tally;
mod values;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono_tz::Tz;

pub use quality::{Backtest, DataQualityMetric, Quality, SeriesReport};
pub use report::{Counted, Coverage, DayMonth, Gap, IntervalCount, SkipExample};

use crate::format::Dialect;
use crate::inspect::Inspection;
use crate::schema::timefmt::TimeFormat;
use crate::schema::{Frequency, Labels};
use crate::source::dataset::Dataset;
use crate::source::{Entry, Source};
use crate::{Error, Result};
use read::{Columns, Task};
use tally::Tally;

pub use problem::{FileProblem, ReadPlace};
pub use read::MAX_RECORD_BYTES;
pub use tally::{SkipCounts, SkipReason};
pub use values::{MAX_METRICS, MetricValues, ValuePoint, Values, value_range};

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
    /// How many files (or pieces of a large file) are read at once.
    pub concurrency: usize,
    /// A file is split between threads only when each piece gets at least this many bytes.
    pub piece_bytes: u64,
    /// Follow every series (measure x dimension combination) and the data-quality counts: what
    /// `quality` reports and the findings judge. It costs a little more than counting intervals.
    pub series: bool,
    /// Sum each metric's values per interval, with these aggregations (one per measure, in
    /// order): what `series` reports. Needs `series`.
    pub values: Option<Vec<crate::schema::Aggregation>>,
    /// With more metrics than [`MAX_METRICS`], keep those with the most intervals with data
    /// (else the first by dimension values); either way they are listed by dimension values.
    pub values_by_data: bool,
    /// Count only the records of some dimension values (and with a value of one measure): the
    /// coverage of one dimension value or one series.
    pub narrow: Option<Narrow>,
    /// The continuous layout's path template: each file's folder names its interval.
    pub template: Option<crate::source::template::PathTemplate>,
}

impl ScanSpec {
    /// The scan for the labels of an inspected dataset: an error names the label or setting that
    /// is missing. Without a frequency, the detected one is taken.
    pub fn from_labels(
        inspection: &Inspection,
        labels: &Labels,
        frequency: Option<Frequency>,
        timezone: Tz,
    ) -> Result<ScanSpec> {
        let column = labels.timestamp().ok_or_else(|| Error::NoTimestamp {
            columns: inspection.dialect().columns,
        })?;
        let format = labels
            .timestamp_format
            .clone()
            .ok_or_else(|| Error::NoTimestampFormat {
                column: column.to_string(),
            })?;
        let frequency =
            frequency
                .or(inspection.frequency.value)
                .ok_or_else(|| Error::NoFrequency {
                    reason: inspection.frequency.reason.clone(),
                })?;
        Ok(ScanSpec {
            timestamp_column: column.to_string(),
            format,
            frequency,
            timezone,
            dimensions: labels.dimensions().iter().map(|s| s.to_string()).collect(),
            measures: labels
                .measures()
                .iter()
                .map(|(s, _)| s.to_string())
                .collect(),
            concurrency: default_concurrency(&inspection.dataset),
            piece_bytes: DEFAULT_PIECE_BYTES,
            series: false,
            values: None,
            values_by_data: false,
            narrow: None,
            template: inspection.template.clone(),
        })
    }
}

/// The records a narrowed scan counts: those whose dimensions hold these values (by dimension
/// name), and, with a measure, whose measure holds a number. Other records are neither counted
/// nor skipped.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Narrow {
    pub dimensions: Vec<(String, String)>,
    pub measure: Option<String>,
}

/// The least bytes of a piece of a split file (see [`ScanSpec::piece_bytes`]).
pub const DEFAULT_PIECE_BYTES: u64 = 32 << 20;

/// How many files to read at once: local files are CPU-bound (one reader per core), S3 objects
/// wait on the network.
pub fn default_concurrency(dataset: &Dataset) -> usize {
    if dataset.root.is_s3() {
        16
    } else {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    }
}

/// Progress counters and the cancel switch of a running scan, shared with whoever watches it.
#[derive(Debug, Default)]
pub struct ScanControl {
    cancel: AtomicBool,
    pub files_done: AtomicUsize,
    /// Pieces read (a file split between threads is several pieces).
    pub pieces_done: AtomicUsize,
    pub bytes_read: AtomicU64,
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
        // Interval keys are multiples of the interval: a folded multiply spreads their low bits,
        // which pick the bucket.
        self.0 = tally::fold(n ^ 0x2d35_8dcc_aa6c_78a5, 0x8bb8_4b93_962e_acc9);
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
}

pub(crate) type FastHash = std::hash::BuildHasherDefault<FastHasher>;

/// The report of records counted by another engine (Athena), in the same shape as a scan's.
pub fn from_counted(dataset: &Dataset, spec: &ScanSpec, counted: Counted) -> Coverage {
    report::build_counted(dataset, spec, counted)
}

/// The interval key (wall-clock seconds, floored to the interval) of a wall-clock time: the
/// local scan's bucket rule.
pub fn interval_key(wall: chrono::NaiveDateTime, frequency: Frequency) -> i64 {
    tally::interval_key(wall, frequency.seconds())
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
    let columns = Columns {
        projection,
        width: dialect.columns.len(),
    };
    let files = &dataset.files;
    let workers = spec.concurrency.max(1);
    let (tasks, notes) = read::plan(source, files, dialect, &columns, workers, spec.piece_bytes);
    let merger = Mutex::new(Merger::new(report::Totals::new(spec), files.len()));
    let next = AtomicUsize::new(0);
    let work = |task: Task| {
        let file = &files[task.file];
        let name = file.location.relative_to(&dataset.root);
        read::read_task(source, file, &name, task, dialect, &columns, spec, control)
    };
    std::thread::scope(|s| {
        for _ in 0..workers.min(tasks.len()) {
            s.spawn(|| {
                while !control.is_cancelled() {
                    let Some(task) = tasks.get(next.fetch_add(1, Ordering::Relaxed)) else {
                        return;
                    };
                    let piece = work(task.clone());
                    control.pieces_done.fetch_add(1, Ordering::Relaxed);
                    let done = merger
                        .lock()
                        .map(|mut m| m.add(piece, files, control))
                        .ok()
                        .flatten();
                    // A split file whose pieces disagree on a record boundary is read again whole.
                    if let Some(file) = done {
                        let whole = work(Task::whole(file));
                        let _ = merger.lock().map(|mut m| m.add(whole, files, control));
                    }
                }
            });
        }
    });
    let merger = merger.into_inner().map_err(|_| Error::WorkerFailed)?;
    Ok(report::build(dataset, spec, merger.totals, notes, control))
}

/// Puts the pieces of files together, in order, whatever order the workers finish in: the totals
/// (and the examples they keep) are the same for any number of threads. A file's pieces are
/// joined as soon as the ones before them are in, so that few are held at once.
struct Merger {
    totals: report::Totals,
    /// Split files being joined, by file.
    joining: HashMap<usize, Joining>,
    /// Complete files waiting for the files before them.
    ready: BTreeMap<usize, Tally>,
    next_file: usize,
    files: usize,
}

/// The pieces of one split file joined so far.
#[derive(Default)]
struct Joining {
    /// The first pieces, joined: their tally, line breaks, and where the last one stopped and
    /// whether it failed.
    joined: Option<(Tally, u64, u64, bool)>,
    /// Pieces that came before the ones ahead of them, by chunk.
    early: BTreeMap<usize, read::Piece>,
    next_chunk: usize,
    /// Pieces taken, joined or not.
    seen: usize,
    /// The pieces did not join up: the file is read again whole, and its pieces are dropped.
    failed: bool,
}

impl Merger {
    fn new(totals: report::Totals, files: usize) -> Merger {
        Merger {
            totals,
            joining: HashMap::new(),
            ready: BTreeMap::new(),
            next_file: 0,
            files,
        }
    }

    /// Take a piece. Returns a file to read again whole when its pieces do not join up.
    fn add(
        &mut self,
        piece: read::Piece,
        entries: &[Entry],
        control: &ScanControl,
    ) -> Option<usize> {
        let file = piece.task.file;
        let chunks = piece.task.chunks;
        if chunks == 1 {
            let bytes = piece.tally.bytes;
            self.complete(file, piece.tally, bytes, entries, control);
            return None;
        }
        let j = self.joining.entry(file).or_default();
        j.seen += 1;
        let all_seen = j.seen == chunks;
        if j.failed {
            if all_seen {
                self.joining.remove(&file);
            }
            return None;
        }
        j.early.insert(piece.task.chunk, piece);
        while let Some(p) = j.early.remove(&j.next_chunk) {
            j.next_chunk += 1;
            let failed_now = p.tally.error.is_some();
            j.joined = match j.joined.take() {
                None => Some((p.tally, p.newlines, p.stopped, failed_now)),
                Some((mut tally, lines, stopped, failed)) => {
                    if stopped != p.synced && !failed {
                        // A quoted line break fooled the split: read the file whole.
                        j.failed = true;
                        j.early.clear();
                        if all_seen {
                            self.joining.remove(&file);
                        }
                        return Some(file);
                    }
                    tally.append(p.tally, lines);
                    Some((tally, lines + p.newlines, p.stopped, failed_now))
                }
            };
        }
        if j.next_chunk < chunks {
            return None;
        }
        let (tally, _, stopped, _) = self.joining.remove(&file)?.joined?;
        self.complete(file, tally, stopped, entries, control);
        None
    }

    /// A file read to its end (`read`: its bytes read): checked against its listed size, then
    /// added to the totals once the files before it are.
    fn complete(
        &mut self,
        file: usize,
        mut tally: Tally,
        read: u64,
        entries: &[Entry],
        control: &ScanControl,
    ) {
        if let Some(listed) = entries[file].size
            && tally.error.is_none()
            && read != listed
        {
            tally.error = Some(FileProblem::Changed { listed, read });
        }
        self.ready.insert(file, tally);
        control.files_done.fetch_add(1, Ordering::Relaxed);
        while let Some(t) = self.ready.remove(&self.next_file) {
            self.totals.add(t);
            self.next_file += 1;
        }
        debug_assert!(self.next_file <= self.files);
    }
}
