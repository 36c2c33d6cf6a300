//! Files as common tools write them (issue 22), each checked against a count made independently:
//! pandas' unnamed index column, blank lines, day-first dates, naive times in a DST gap, gzip with
//! trailing zero padding, a folder mixing CSV and JSON lines, and inputs whose errors must say
//! what is wrong. Every file is generated here, with its truth.

use crate::common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::*;
use l4m::coverage::{self, ScanControl, ScanSpec};
use l4m::format::Overrides;
use l4m::inspect;
use l4m::source::Location;
use l4m::source::local::LocalSource;

fn file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// `coverage --json` of a location with extra arguments; (exit code, report).
fn coverage_json(path: &Path, args: &[&str]) -> (i32, serde_json::Value) {
    run_json(l4m().arg("coverage").arg(path).arg("--json").args(args))
}

/// The coverage report of a location through the library, with `threads` and `piece_bytes`.
fn scan_lib(path: &Path, threads: usize, piece_bytes: u64) -> serde_json::Value {
    let i = inspect::inspect(
        &LocalSource,
        &Location::Local(path.to_path_buf()),
        false,
        &Overrides::default(),
    )
    .expect("inspects");
    let mut spec = ScanSpec::from_labels(&i, &i.suggested, None, chrono_tz::UTC).expect("spec");
    spec.concurrency = threads;
    spec.piece_bytes = piece_bytes;
    let control = Arc::new(ScanControl::default());
    let c = coverage::scan(&LocalSource, &i.dataset, &i.dialect(), &spec, &control).unwrap();
    serde_json::to_value(&c).unwrap()
}

/// `n` hourly timestamps from 2024-01-01 00:00 as `yyyy-MM-dd HH:mm:ss`.
fn hourly(n: usize) -> impl Iterator<Item = String> {
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    (0..n).map(move |i| {
        (start + chrono::Duration::hours(i as i64))
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    })
}

/// What pandas' `DataFrame.to_csv(path)` writes by default: the index first, without a name.
pub fn pandas_csv(hours: usize) -> String {
    let mut text = String::from(",timestamp,region,views\n");
    for (i, ts) in hourly(hours).enumerate() {
        let _ = writeln!(text, "{i},{ts},{},{}", ["eu", "us"][i % 2], 100 + i % 17);
    }
    text
}

// 1. pandas' index column

#[test]
fn pandas_default_to_csv_counts_every_record_and_ignores_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let p = file(dir.path(), "pandas.csv", pandas_csv(400).as_bytes());
    let (code, v) = run_json(l4m().arg("inspect").arg(&p).arg("--json"));
    assert_eq!(code, 0);
    let cols = v["columns"].as_array().unwrap();
    assert_eq!(cols[0]["name"], "column_1");
    assert_eq!(cols[0]["role"], "ignored", "{}", cols[0]);
    assert_eq!(cols[3]["role"], "measure");

    // Truth: 400 records in 400 hours.
    let (code, v) = coverage_json(&p, &[]);
    assert_eq!(code, 0);
    assert_eq!(v["records"], 400);
    assert_eq!(v["records_skipped"], 0);
    assert_eq!(v["intervals_with_data"], 400);
    assert_eq!(v["complete"], true);
    // Named as a measure, the unnamed column is found in the header too.
    let (_, v) = coverage_json(&p, &["--measure", "column_1"]);
    assert_eq!(v["records"], 400);
    assert_eq!(v["complete"], true);
    // Split between threads, the header is read the same way.
    for threads in [1, 3] {
        let v = scan_lib(&p, threads, 1024);
        assert_eq!(v["records"], 400, "{threads} threads");
        assert_eq!(v["complete"], true);
    }
}

#[test]
fn a_scan_that_counts_nothing_because_a_file_failed_says_why() {
    // A second file whose header lacks the timestamp column: the text names it, not just "0".
    let dir = tempfile::tempdir().unwrap();
    file(dir.path(), "a.csv", b"ts,v\nnot a time,1\n");
    file(dir.path(), "b.csv", b"other,v\n2024-01-01 00:00:00,1\n");
    let (_, out, _) = run(l4m()
        .arg("coverage")
        .arg(dir.path())
        .args([
            "--timestamp",
            "ts",
            "--timestamp-format",
            "yyyy-MM-dd HH:mm:ss",
        ])
        .args(["--frequency", "PT1H"]));
    assert!(out.contains("no interval holds data"), "{out}");
    assert!(
        out.contains("b.csv: its header has no column \"ts\""),
        "{out}"
    );
}

#[test]
fn the_bundled_pandas_sample_is_what_pandas_csv_writes_and_scans_right() {
    let path = root().join("assets/pandas/hourly.csv");
    let want = std::fs::read_to_string(&path).unwrap();
    assert!(
        want == pandas_csv(336),
        "assets/pandas/hourly.csv differs from pandas_csv(336)"
    );
    // Truth: 336 hourly records, 2024-01-01 to 2024-01-14, no gap.
    let (code, v) = coverage_json(&path, &[]);
    assert_eq!(code, 0);
    assert_eq!(v["records"], 336);
    assert_eq!(v["intervals_with_data"], 336);
    assert_eq!(v["intervals_missing"], 0);
    assert_eq!(v["meets_threshold"], true);
    assert_eq!(v["first_interval"], "2024-01-01T00:00:00Z");
    assert_eq!(v["last_interval"], "2024-01-14T23:00:00Z");
}
