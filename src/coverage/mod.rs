//! How many records fall into each interval, over every file of a dataset.
//!
//! A scan streams each file once, parses only the timestamp (plus the dimension and measure columns
//! it checks), and counts records per interval. Memory grows with the number of intervals (and of
//! distinct dimension combinations, capped), never with the number of rows. Files are scanned by a
//! bounded pool of worker threads; progress and cancellation go through a shared [`ScanControl`].

mod report;
mod tally;

use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono_tz::Tz;

pub use report::{Coverage, Gap, IntervalCount, SkipExample};

use crate::format::records::RecordReader;
use crate::format::{Dialect, FileFormat};
use crate::inspect::Inspection;
use crate::schema::timefmt::TimeFormat;
use crate::schema::{Frequency, Labels};
use crate::source::dataset::Dataset;
use crate::source::{Entry, Source};
use crate::{Error, Result};
use tally::{Layout, Tally};

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
            template: inspection.template.clone(),
        })
    }
}

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
        self.0 = (n ^ (n >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
}

pub(crate) type FastHash = std::hash::BuildHasherDefault<FastHasher>;

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
    let files = &dataset.files;
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Tally)>> = Mutex::new(Vec::with_capacity(files.len()));
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
                    let tally = scan_file(source, file, &name, dialect, spec, &projection, control);
                    control.files_done.fetch_add(1, Ordering::Relaxed);
                    if let Ok(mut r) = results.lock() {
                        r.push((i, tally));
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().map_err(|_| Error::WorkerFailed)?;
    results.sort_by_key(|(i, _)| *i);
    Ok(report::build(
        dataset,
        spec,
        results.into_iter().map(|(_, f)| f),
        control,
    ))
}

/// Read one file to its end (or to cancellation) into a [`Tally`]. A file that cannot be opened
/// or stops early keeps what it counted and says why in [`Tally::error`].
fn scan_file(
    source: &dyn Source,
    file: &Entry,
    name: &str,
    dialect: &Dialect,
    spec: &ScanSpec,
    projection: &[usize],
    control: &Arc<ScanControl>,
) -> Tally {
    let mut tally = Tally::new(name, spec);
    let file_bytes = Arc::new(AtomicU64::new(0));
    let outcome = open_records(source, file, dialect, projection, control, &file_bytes).and_then(
        |(mut reader, width)| {
            let layout = Layout {
                dimensions: spec.dimensions.len(),
                measures: spec.measures.len(),
                width: (dialect.format == FileFormat::Csv).then_some(width),
            };
            read_records(&mut reader, &mut tally, &layout, spec, control)
        },
    );
    tally.finish();
    if let Err(e) = outcome {
        tally.error = Some(e);
    }
    tally.bytes = file_bytes.load(Ordering::Relaxed);
    tally
}

/// Open a file's records with the projection, matched to the file's own header when its columns
/// are in another order. Returns the reader and the number of fields a record must have.
fn open_records(
    source: &dyn Source,
    file: &Entry,
    dialect: &Dialect,
    projection: &[usize],
    control: &Arc<ScanControl>,
    file_bytes: &Arc<AtomicU64>,
) -> std::result::Result<(RecordReader, usize), String> {
    let stream = source.open(&file.location).map_err(|e| e.to_string())?;
    let counting = Counting {
        inner: stream,
        control: Arc::clone(control),
        file_bytes: Arc::clone(file_bytes),
    };
    let mut reader =
        RecordReader::open(Box::new(counting), dialect, projection).map_err(|e| e.to_string())?;
    let Some(header) = reader.header().map(<[String]>::to_vec) else {
        return Ok((reader, dialect.columns.len()));
    };
    if header == dialect.columns {
        return Ok((reader, header.len()));
    }
    let mut remapped = Vec::with_capacity(projection.len());
    for &p in projection {
        let column = &dialect.columns[p];
        let Some(i) = header.iter().position(|h| h == column) else {
            return Err(format!(
                "its header has no column {column:?} (it has {})",
                header.join(", ")
            ));
        };
        remapped.push(i);
    }
    reader.set_projection(remapped);
    Ok((reader, header.len()))
}

/// Feed every record to the tally, checking for cancellation now and then.
fn read_records(
    reader: &mut RecordReader,
    tally: &mut Tally,
    layout: &Layout,
    spec: &ScanSpec,
    control: &ScanControl,
) -> std::result::Result<(), String> {
    let mut since_check = 0u32;
    reader.for_each(|row| {
        since_check += 1;
        if since_check == 8192 {
            since_check = 0;
            if control.is_cancelled() {
                return false;
            }
        }
        tally.record(row, layout, spec);
        true
    })
}
