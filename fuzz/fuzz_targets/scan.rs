//! The coverage scan end to end: arbitrary bytes written as a file (or split into two files of a
//! folder, or gzip), inspected as `l4m inspect` does (inputs it rejects are skipped), labelled with
//! the suggestions, and scanned.
//!
//! Input: two option bytes, then the data. Without a suggested timestamp the first column is taken
//! with one of a few patterns, so that bytes that are barely CSV still reach the record loop.
//! Invariants: no panic, bounded time and memory, and the differential check of the scan pool:
//! one thread and three threads with small pieces (the file split at odd places) give the same
//! JSON, and the same figures as a scan that never splits (its notes aside).
#![no_main]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use l4m::coverage::{self, ScanControl, ScanSpec};
use l4m::format::Overrides;
use l4m::inspect::{Inspection, inspect};
use l4m::schema::{Frequency, Labels, Role};
use l4m::source::Location;
use l4m::source::local::LocalSource;
use libfuzzer_sys::fuzz_target;

static DIR: LazyLock<tempfile::TempDir> =
    LazyLock::new(|| tempfile::tempdir().expect("a temporary folder"));

const TIMEZONES: [chrono_tz::Tz; 4] = [
    chrono_tz::UTC,
    chrono_tz::America::New_York,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Asia::Kolkata,
];

const PATTERNS: [&str; 4] = [
    "yyyy-MM-dd HH:mm:ss",
    "UNIX",
    "yyyy-MM-dd'T'HH:mmXXX",
    "d/M/yyyy H:mm",
];

fuzz_target!(|data: &[u8]| {
    let Some((&[flags, piece], body)) = data.split_first_chunk::<2>() else {
        return;
    };
    let Some(location) = write_dataset(flags, body) else {
        return;
    };
    let Ok(inspection) = inspect(&LocalSource, &location, false, &Overrides::default()) else {
        return;
    };
    let Some(mut spec) = spec(&inspection, flags) else {
        return;
    };
    let piece_bytes = 1 + u64::from(piece);
    let one = scan(&inspection, &mut spec, 1, piece_bytes);
    let three = scan(&inspection, &mut spec, 3, piece_bytes);
    assert_eq!(one, three, "1 and 3 threads, pieces of {piece_bytes} bytes");
    let whole = scan(&inspection, &mut spec, 1, u64::MAX);
    assert_eq!(
        without_notes(&one),
        without_notes(&whole),
        "split and unsplit"
    );
});

/// Write the data as `one/data.csv`, `one/data.csv.gz`, or `two/a.csv` + `two/b.csv` (split at
/// the first NUL-free half: the second file starts at a line).
fn write_dataset(flags: u8, body: &[u8]) -> Option<Location> {
    let gz = flags & 1 != 0;
    let two = flags & 2 != 0;
    let root: PathBuf = DIR.path().join(if two { "two" } else { "one" });
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).ok()?;
    let write = |path: &Path, bytes: &[u8]| {
        let bytes = if gz { gzip(bytes) } else { bytes.to_vec() };
        std::fs::write(path, bytes).expect("writing a temporary file");
    };
    if two {
        let half = body.len() / 2;
        let at = body[half..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(body.len(), |p| half + p + 1);
        let ext = if gz { "csv.gz" } else { "csv" };
        write(&root.join(format!("a.{ext}")), &body[..at]);
        write(&root.join(format!("b.{ext}")), &body[at..]);
        Some(Location::Local(root))
    } else {
        let path = root.join(if gz { "data.csv.gz" } else { "data.csv" });
        write(&path, body);
        Some(Location::Local(path))
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).expect("writing to memory");
    e.finish().expect("writing to memory")
}

/// The suggested labels (or the first column as the timestamp), with a frequency and timezone
/// from the option byte.
fn spec(inspection: &Inspection, flags: u8) -> Option<ScanSpec> {
    let mut labels: Labels = inspection.suggested.clone();
    if labels.timestamp().is_none() || labels.timestamp_format.is_none() {
        let first = inspection.dialect().columns.first()?.clone();
        labels.set(&first, Role::Timestamp, None).ok()?;
        let pattern = PATTERNS[usize::from(flags >> 2) & 3];
        labels.set_timestamp_format(pattern).ok()?;
    }
    let frequency = Frequency::ALL[usize::from(flags >> 4) & 3];
    let timezone = TIMEZONES[usize::from(flags >> 6) & 3];
    ScanSpec::from_labels(inspection, &labels, Some(frequency), timezone).ok()
}

fn scan(inspection: &Inspection, spec: &mut ScanSpec, threads: usize, piece_bytes: u64) -> String {
    spec.concurrency = threads;
    spec.piece_bytes = piece_bytes;
    let control = Arc::new(ScanControl::default());
    let coverage = coverage::scan(
        &LocalSource,
        &inspection.dataset,
        &inspection.dialect(),
        spec,
        &control,
    )
    .expect("the columns of the inspection exist");
    serde_json::to_string(&coverage).expect("a report serializes")
}

fn without_notes(json: &str) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(json).expect("JSON");
    if let Some(o) = v.as_object_mut() {
        o.remove("notes");
    }
    v
}
