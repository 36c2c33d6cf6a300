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
    let path = root().join("assets/sample-pandas.csv");
    let want = std::fs::read_to_string(&path).unwrap();
    assert!(
        want == pandas_csv(336),
        "assets/sample-pandas.csv differs from pandas_csv(336)"
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

// 2. Day-first dates

/// Every minute from day 1 of March 2024 to `last_day`, as `dd/MM/yyyy HH:mm`, with a long text
/// column so that the first MiB (the head detection reads) holds days 1 to 12 only.
fn day_first_minutes(last_day: u32) -> String {
    let filler = "x".repeat(200);
    let mut text = String::from("time,host,note,value\n");
    for day in 1..=last_day {
        for minute in 0..1440 {
            let _ = writeln!(
                text,
                "{day:02}/03/2024 {:02}:{:02},web-{},{filler},{}",
                minute / 60,
                minute % 60,
                minute % 3,
                minute % 7
            );
        }
    }
    text
}

#[test]
fn day_first_dates_past_the_head_switch_the_reading_and_count_right() {
    let dir = tempfile::tempdir().unwrap();
    let text = day_first_minutes(28);
    assert!(text.len() > 9_000_000);
    let p = file(dir.path(), "dayfirst.csv", text.as_bytes());
    // The head alone reads either way: month first, LOW.
    let (_, v) = run_json(l4m().arg("inspect").arg(&p).arg("--json"));
    assert_eq!(v["columns"][0]["timestamp_format"], "MM/dd/yyyy HH:mm");

    // Truth: 40,320 records in 672 hours, 2024-03-01 00:00 to 2024-03-28 23:00.
    let (code, v) = coverage_json(&p, &["--frequency", "PT1H"]);
    assert_eq!(code, 0);
    assert_eq!(v["timestamp_format"], "dd/MM/yyyy HH:mm");
    assert_eq!(v["records"], 40_320);
    assert_eq!(v["records_skipped"], 0);
    assert_eq!(v["intervals_with_data"], 672);
    assert_eq!(v["intervals_missing"], 0);
    assert_eq!(v["first_interval"], "2024-03-01T00:00:00Z");
    assert_eq!(v["last_interval"], "2024-03-28T23:00:00Z");
    assert_eq!(v["day_month"]["settled"], true);
    let note = v["notes"][0].as_str().unwrap();
    assert!(
        note.starts_with("timestamps read as dd/MM/yyyy HH:mm (day and month the other way round from MM/dd/yyyy HH:mm")
            && note.contains("23040 values parse only that way"),
        "{note}"
    );
    let (_, out, _) = run(l4m().arg("coverage").arg(&p).args(["--frequency", "PT1H"]));
    assert!(
        out.contains("timestamps         timestamps read as dd/MM/yyyy HH:mm"),
        "{out}"
    );

    // A format given by the user is kept: the scan says which format fits them all, with a fix.
    let (_, v) = coverage_json(
        &p,
        &[
            "--frequency",
            "PT1H",
            "--timestamp-format",
            "MM/dd/yyyy HH:mm",
        ],
    );
    assert_eq!(v["records"], 17_280);
    assert_eq!(v["day_month"]["only_other"], 23_040);
    assert_eq!(v["day_month"]["other"], "dd/MM/yyyy HH:mm");
    assert_eq!(v["day_month"]["settled"], false);
    let dir_out = tempfile::tempdir().unwrap();
    let (code, v) = run_json(
        l4m()
            .arg("export")
            .arg(&p)
            .args([
                "--frequency",
                "PT1H",
                "--timestamp-format",
                "MM/dd/yyyy HH:mm",
            ])
            .arg("-o")
            .arg(dir_out.path().join("c.json"))
            .arg("--json"),
    );
    assert_eq!(code, 3);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "timestamp-format" && f["severity"] == "error")
        .unwrap_or_else(|| panic!("a timestamp-format error: {v}"));
    assert!(
        f["message"].as_str().unwrap().starts_with(
            "23040 timestamps do not parse as \"MM/dd/yyyy HH:mm\" but do as \"dd/MM/yyyy HH:mm\""
        ),
        "{f}"
    );
    assert_eq!(f["fixes"][0]["value"], "dd/MM/yyyy HH:mm", "{f}");

    // The same figures for any number of threads.
    let one = scan_lib(&p, 1, 1 << 20);
    let three = scan_lib(&p, 3, 1 << 20);
    assert_eq!(one["day_month"], three["day_month"]);
    assert_eq!(one["day_month"]["only_other"], 23_040);
}

#[test]
fn day_month_that_only_days_up_to_12_show_is_said_to_be_ambiguous() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("time,value\n");
    for day in 1..=12 {
        for hour in 0..24 {
            let _ = writeln!(text, "{day:02}/03/2024 {hour:02}:00,{hour}");
        }
    }
    let p = file(dir.path(), "ambiguous.csv", text.as_bytes());
    // Truth: 288 records, each read either way.
    let (code, v) = coverage_json(&p, &[]);
    assert_eq!(code, 0);
    assert_eq!(v["records"], 288);
    assert_eq!(v["day_month"]["settled"], false);
    assert_eq!(v["day_month"]["only_other"], 0);
    let (_, out, _) = run(l4m().arg("coverage").arg(&p));
    assert!(
        out.contains("AMBIGUOUS: every value reads as MM/dd/yyyy HH:mm and as dd/MM/yyyy HH:mm"),
        "{out}"
    );
    let dir_out = tempfile::tempdir().unwrap();
    let (_, v) = run_json(
        l4m()
            .arg("export")
            .arg(&p)
            .arg("-o")
            .arg(dir_out.path().join("c.json"))
            .arg("--json"),
    );
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "timestamp-format")
        .unwrap_or_else(|| panic!("a timestamp-format finding: {v}"));
    assert_eq!(f["severity"], "warning");
    assert!(f["message"].as_str().unwrap().contains("is a guess"), "{f}");
}

// 3. Blank lines

#[test]
fn blank_lines_are_not_records() {
    let dir = tempfile::tempdir().unwrap();
    for (name, eol) in [("lf.csv", "\n"), ("crlf.csv", "\r\n")] {
        let mut text = format!("ts,v{eol}");
        for (i, ts) in hourly(1000).enumerate() {
            if i > 0 && i % 50 == 0 {
                text.push_str(eol);
            }
            let _ = write!(text, "{ts},{i}{eol}");
        }
        text.push_str(eol);
        text.push_str("   ");
        text.push_str(eol);
        let p = file(dir.path(), name, text.as_bytes());
        // Truth: 1000 records in 1000 hours, nothing skipped, so no records-skipped finding.
        let (code, v) = coverage_json(&p, &[]);
        assert_eq!(code, 0);
        assert_eq!(v["records"], 1000, "{name}");
        assert_eq!(v["records_skipped"], 0, "{name}: {}", v["skipped_examples"]);
        assert_eq!(v["intervals_with_data"], 1000);
        for threads in [1, 3] {
            let v = scan_lib(&p, threads, 4096);
            assert_eq!(v["records"], 1000, "{name}, {threads} threads");
            assert_eq!(v["records_skipped"], 0);
        }
        let out = dir.path().join(format!("{name}.json"));
        let (_, v) = run_json(
            l4m()
                .arg("export")
                .arg(&p)
                .arg("-o")
                .arg(&out)
                .arg("--json"),
        );
        let rules: Vec<&str> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["rule"].as_str())
            .collect();
        assert!(!rules.contains(&"records-skipped"), "{rules:?}");
    }
    // A ragged row is still one: only blank lines are left out.
    let p = file(
        dir.path(),
        "r.csv",
        b"ts,v\n2024-01-01 00:00:00,1\n\n2024-01-01 01:00:00\n",
    );
    let (_, v) = coverage_json(&p, &["--frequency", "PT1H"]);
    assert_eq!(v["records"], 1);
    assert_eq!(v["records_skipped_by_reason"]["ragged"], 1);
    assert_eq!(v["skipped_examples"][0]["line"], 4);
}

// 4. Daylight-saving gaps

/// Every 10 minutes of six hours from `day` 00:00, written as naive `yyyy-MM-dd HH:mm:ss` (the
/// way a naive range writes them, times the change skips included).
fn naive_ten_minutes(day: &str) -> String {
    let mut text = String::from("ts,v\n");
    for m in (0..360).step_by(10) {
        let _ = writeln!(text, "{day} {:02}:{:02}:00,1", m / 60, m % 60);
    }
    text
}

/// (start, records) of every interval with data, and checks that starts are distinct and rise.
fn starts(v: &serde_json::Value) -> Vec<(String, u64)> {
    let list: Vec<(String, u64)> = v["intervals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["start"].as_str().unwrap().to_string(),
                i["records"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        list.windows(2).all(|w| w[0].0 < w[1].0),
        "starts rise: {list:?}"
    );
    list
}

#[test]
fn naive_times_in_a_dst_gap_are_counted_after_the_change_and_intervals_start_apart() {
    let dir = tempfile::tempdir().unwrap();
    let s = |a: &str, n: u64| (a.to_string(), n);
    // New York, 2024-03-10: 02:00-02:59 does not exist. Truth: 36 records; the six at 02:xx are
    // 03:xx (as Java reads them), so the 03:00 hour (07:00Z) holds 12 and 02:00 none.
    let p = file(
        dir.path(),
        "ny.csv",
        naive_ten_minutes("2024-03-10").as_bytes(),
    );
    let (code, v) = coverage_json(
        &p,
        &["--frequency", "PT1H", "--timezone", "America/New_York"],
    );
    assert_eq!(code, 0);
    assert_eq!(v["records"], 36);
    assert_eq!(v["records_skipped"], 0);
    assert_eq!(v["timestamps_in_dst_gap"], 6);
    assert_eq!(v["dst_gap_example"]["line"], 14);
    assert_eq!(
        starts(&v),
        [
            s("2024-03-10T05:00:00Z", 6),
            s("2024-03-10T06:00:00Z", 6),
            s("2024-03-10T07:00:00Z", 12),
            s("2024-03-10T08:00:00Z", 6),
            s("2024-03-10T09:00:00Z", 6)
        ]
    );
    assert_eq!(v["intervals_spanned"], 6);
    assert_eq!(v["intervals_with_data"], 5);
    let (_, out, _) = run(l4m().arg("coverage").arg(&p).args([
        "--frequency",
        "PT1H",
        "--timezone",
        "America/New_York",
    ]));
    assert!(
        out.contains("6 timestamps fall in a daylight-saving gap of America/New_York"),
        "{out}"
    );

    // Lord Howe, 2024-10-06: 02:00-02:29 does not exist (a 30-minute change at 15:30Z). Truth: 36
    // records; the 02:00 hour starts at the change, 15:30Z, and holds 02:30-02:59 and the three
    // moved there.
    let p = file(
        dir.path(),
        "lh.csv",
        naive_ten_minutes("2024-10-06").as_bytes(),
    );
    let args = ["--frequency", "PT1H", "--timezone", "Australia/Lord_Howe"];
    let (_, v) = coverage_json(&p, &args);
    assert_eq!(v["records"], 36);
    assert_eq!(v["timestamps_in_dst_gap"], 3);
    assert_eq!(
        starts(&v),
        [
            s("2024-10-05T13:30:00Z", 6),
            s("2024-10-05T14:30:00Z", 6),
            s("2024-10-05T15:30:00Z", 6),
            s("2024-10-05T16:00:00Z", 6),
            s("2024-10-05T17:00:00Z", 6),
            s("2024-10-05T18:00:00Z", 6)
        ]
    );
}

#[test]
fn records_with_an_offset_across_a_half_hour_change_land_in_an_interval_that_starts_before_them() {
    // Every 10 minutes from 14:00Z to 16:50Z on 2024-10-05, in UTC. Lord Howe's clock skips
    // 02:00-02:29 at 15:30Z: the records at 15:30-15:50Z are 02:30-02:50 local, in the hour
    // that starts at 15:30Z.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("ts,v\n");
    for m in (0..180).step_by(10) {
        let _ = writeln!(text, "2024-10-05T{:02}:{:02}:00Z,1", 14 + m / 60, m % 60);
    }
    let p = file(dir.path(), "utc.csv", text.as_bytes());
    let args = ["--frequency", "PT1H", "--timezone", "Australia/Lord_Howe"];
    let (_, v) = coverage_json(&p, &args);
    assert_eq!(v["records"], 18);
    assert!(v.get("timestamps_in_dst_gap").is_none());
    let s = |a: &str, n: u64| (a.to_string(), n);
    assert_eq!(
        starts(&v),
        [
            s("2024-10-05T13:30:00Z", 3),
            s("2024-10-05T14:30:00Z", 6),
            s("2024-10-05T15:30:00Z", 3),
            s("2024-10-05T16:00:00Z", 6)
        ]
    );
}

// 5. Gzip with trailing zero padding

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

#[test]
fn gzip_with_trailing_zero_padding_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("ts,v\n");
    for (i, ts) in hourly(600).enumerate() {
        let _ = writeln!(text, "{ts},{i}");
    }
    // Two members (as `cat a.gz b.gz` makes), then 512 NUL bytes.
    let (a, b) = text.split_at(text.find("2024-01-10").unwrap());
    let mut bytes = gzip(a.as_bytes());
    bytes.extend(gzip(b.as_bytes()));
    bytes.extend([0u8; 512]);
    let p = file(dir.path(), "padded.csv.gz", &bytes);
    // Truth: 600 records in 600 hours, the whole file read.
    let (code, v) = coverage_json(&p, &[]);
    assert_eq!(code, 0);
    assert_eq!(v["records"], 600);
    assert_eq!(v["complete"], true, "{}", v["incomplete_files"]);
    assert_eq!(v["incomplete_files"], serde_json::json!([]));
    // Padding that turns into other bytes is damage, as before.
    bytes.extend(b"garbage");
    let p = file(dir.path(), "damaged.csv.gz", &bytes);
    let (_, v) = coverage_json(&p, &[]);
    assert_eq!(v["records"], 600);
    assert_eq!(v["complete"], false);
    assert!(
        v["incomplete_files"][0]["error"]
            .as_str()
            .unwrap()
            .contains("invalid gzip header"),
        "{}",
        v["incomplete_files"]
    );
}

// 6. A folder mixing CSV and JSON lines

#[test]
fn a_folder_mixing_csv_and_json_lines_reads_each_file_as_what_it_is_and_says_so() {
    let hours: Vec<String> = hourly(600).collect();
    let csv = |from: usize| {
        let mut t = String::from("ts,v\n");
        for (i, ts) in hours[from..from + 300].iter().enumerate() {
            let _ = writeln!(t, "{ts},{i}");
        }
        t
    };
    let jsonl = |from: usize| {
        let mut t = String::new();
        for (i, ts) in hours[from..from + 300].iter().enumerate() {
            let _ = writeln!(t, "{{\"ts\": \"{ts}\", \"v\": {i}}}");
        }
        t
    };
    for (first, second, other) in [
        (("a.csv", csv(0)), ("b.jsonl", jsonl(300)), "b.jsonl"),
        (("a.jsonl", jsonl(0)), ("b.csv", csv(300)), "b.csv"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        file(dir.path(), first.0, first.1.as_bytes());
        file(dir.path(), second.0, second.1.as_bytes());
        // Truth: 600 records in 600 hours, both files read to their end.
        let (code, v) = coverage_json(dir.path(), &[]);
        assert_eq!(code, 0);
        assert_eq!(v["records"], 600, "{other}: {v}");
        assert_eq!(v["records_skipped"], 0);
        assert_eq!(v["intervals_with_data"], 600);
        assert_eq!(v["complete"], true);
        assert_eq!(v["files_in_other_format"], serde_json::json!([other]));
        let out = dir.path().join("c.json");
        let (_, v) = run_json(
            l4m()
                .arg("export")
                .arg(dir.path())
                .arg("-o")
                .arg(&out)
                .arg("--json"),
        );
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "file-format")
            .unwrap_or_else(|| panic!("a file-format finding: {v}"));
        assert_eq!(f["severity"], "error");
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains(&format!("(first: {other})")),
            "{f}"
        );
    }
}

// 7. Errors that say what is wrong

#[test]
fn cr_only_line_ends_are_named_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("ts,v\r");
    for (i, ts) in hourly(5000).enumerate() {
        let _ = write!(text, "{ts},{i}\r");
    }
    let p = file(dir.path(), "mac.csv", text.as_bytes());
    let (code, out, err) = run(l4m().arg("coverage").arg(&p));
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert_one_line_error(
        &err,
        "mac.csv: has lines that end with a carriage return alone (CR, as old Mac exports write them)",
    );
    assert!(err.len() < 400, "{err}");
}

#[test]
fn a_json_array_file_is_named_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let objects: Vec<String> = hourly(3)
        .map(|ts| format!("{{\"ts\": \"{ts}\", \"v\": 1}}"))
        .collect();
    for (name, text) in [
        ("compact.json", format!("[{}]", objects.join(","))),
        (
            "pretty.json",
            format!("[\n  {}\n]\n", objects.join(",\n  ")),
        ),
    ] {
        let p = file(dir.path(), name, text.as_bytes());
        let (code, _, err) = run(l4m().arg("inspect").arg(&p));
        assert_eq!(code, 1);
        assert_one_line_error(
            &err,
            &format!(
                "{name}: is a JSON array ([{{...}}, {{...}}]): L4M reads JSON lines, one object a line"
            ),
        );
    }
}

#[test]
fn a_trailing_delimiter_on_some_rows_keeps_the_comma_and_counts_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("ts,v\n");
    for (i, ts) in hourly(600).enumerate() {
        let trailing = if i % 3 == 0 { "," } else { "" };
        let _ = writeln!(text, "{ts},{i}{trailing}");
    }
    let p = file(dir.path(), "trailing.csv", text.as_bytes());
    let (code, v) = run_json(l4m().arg("inspect").arg(&p).arg("--json"));
    assert_eq!(code, 0);
    assert_eq!(v["delimiter"], ",");
    let names: Vec<&str> = v["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ts", "v"]);
    // Truth: 600 records in 600 hours, none ragged.
    let (code, v) = coverage_json(&p, &[]);
    assert_eq!(code, 0);
    assert_eq!(v["records"], 600);
    assert_eq!(v["records_skipped"], 0, "{}", v["skipped_examples"]);
    for threads in [1, 3] {
        let v = scan_lib(&p, threads, 4096);
        assert_eq!(v["records"], 600, "{threads} threads");
    }
}

#[test]
fn epoch_microseconds_read_as_unix_are_bad_timestamps_with_the_likely_unit() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("ts,v\n");
    for i in 0..400i64 {
        // 2024-01-01T00:00:00Z plus i hours, in microseconds.
        let _ = writeln!(text, "{},{i}", (1_704_067_200 + i * 3600) * 1_000_000);
    }
    let p = file(dir.path(), "micros.csv", text.as_bytes());
    // Truth: none of them is a time UNIX reads; nothing is counted in year 55969.
    let (code, v) = coverage_json(
        &p,
        &[
            "--timestamp",
            "ts",
            "--timestamp-format",
            "UNIX",
            "--frequency",
            "PT1H",
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(v["records"], 0);
    assert_eq!(v["records_skipped_by_reason"]["bad-timestamp"], 400);
    let reason = v["skipped_examples"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("16 digits look like epoch microseconds"),
        "{reason}"
    );
    assert!(v["first_interval"].is_null());
    let (_, out, _) = run(l4m().arg("coverage").arg(&p).args([
        "--timestamp",
        "ts",
        "--timestamp-format",
        "UNIX",
        "--frequency",
        "PT1H",
    ]));
    assert!(!out.contains("+55969"), "{out}");
}

// The regression corpus: files as common tools write them, each with its truth.

/// One generated input: its files (name, bytes), extra arguments, and the truth.
struct Case {
    name: &'static str,
    files: Vec<(String, Vec<u8>)>,
    args: Vec<&'static str>,
    records: u64,
    intervals: u64,
}

fn case(name: &'static str, file: &str, text: String) -> Case {
    Case {
        name,
        files: vec![(file.to_string(), text.into_bytes())],
        args: Vec::new(),
        records: 300,
        intervals: 300,
    }
}

/// Lines of `n` hourly rows from 2024-01-01 00:00 UTC, written by `row(i, time)`.
fn rows(n: usize, row: impl Fn(usize, chrono::NaiveDateTime) -> String) -> String {
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    (0..n)
        .map(|i| row(i, start + chrono::Duration::hours(i as i64)))
        .collect()
}

fn corpus() -> Vec<Case> {
    let iso = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M:%S").to_string();
    let mut cases = vec![
        case("pandas to_csv()", "pandas.csv", pandas_csv(300)),
        case(
            "pandas to_csv(index=False)",
            "plain.csv",
            format!("ts,v\n{}", rows(300, |i, t| format!("{},{i}\n", iso(t)))),
        ),
        case(
            "R write.csv (quoted, row names)",
            "r.csv",
            format!(
                "\"\",\"ts\",\"region\",\"v\"\n{}",
                rows(300, |i, t| format!(
                    "\"{}\",\"{}\",\"eu\",{i}\n",
                    i + 1,
                    iso(t)
                ))
            ),
        ),
        case(
            "Python csv module (CRLF, minimal quoting)",
            "py.csv",
            format!(
                "ts,note,v\r\n{}",
                rows(300, |i, t| format!("{},\"a, b\",{i}\r\n", iso(t)))
            ),
        ),
        case(
            "Excel CSV UTF-8 (BOM, CRLF)",
            "excel.csv",
            format!(
                "\u{feff}Date,Views\r\n{}",
                rows(300, |i, t| format!(
                    "{},{i}\r\n",
                    t.format("%m/%d/%Y %H:%M")
                ))
            ),
        ),
        case(
            "Excel European (sep=;, decimal comma)",
            "eu.csv",
            format!(
                "sep=;\r\nDatum;Wert\r\n{}",
                rows(300, |i, t| format!(
                    "{};{i},5\r\n",
                    t.format("%d.%m.%Y %H:%M")
                ))
            ),
        ),
        case(
            "tab-separated (psql, Excel text)",
            "data.tsv",
            format!("ts\tv\n{}", rows(300, |i, t| format!("{}\t{i}\n", iso(t)))),
        ),
        case(
            "polars write_csv (T, microseconds)",
            "polars.csv",
            format!(
                "ts,v\n{}",
                rows(300, |i, t| format!(
                    "{},{i}\n",
                    t.format("%Y-%m-%dT%H:%M:%S%.6f")
                ))
            ),
        ),
        case(
            "pandas to_json(orient=records, lines=True): epoch ms",
            "pandas.jsonl",
            rows(300, |i, t| {
                format!("{{\"ts\":{},\"v\":{i}}}\n", t.and_utc().timestamp_millis())
            }),
        ),
        case(
            "JSON lines, ISO 8601 with Z",
            "iso.jsonl",
            rows(300, |i, t| {
                format!(
                    "{{\"ts\": \"{}Z\", \"v\": {i}}}\n",
                    t.format("%Y-%m-%dT%H:%M:%S")
                )
            }),
        ),
        case(
            "ISO 8601 with an offset",
            "offset.csv",
            format!(
                "ts,v\n{}",
                rows(300, |i, t| {
                    let local = t + chrono::Duration::hours(1);
                    format!("{}+01:00,{i}\n", local.format("%Y-%m-%dT%H:%M:%S"))
                })
            ),
        ),
        case(
            "US 12-hour (MM/dd/yyyy hh:mm:ss a)",
            "us.csv",
            format!(
                "ts,v\n{}",
                rows(300, |i, t| format!(
                    "{},{i}\n",
                    t.format("%m/%d/%Y %I:%M:%S %p")
                ))
            ),
        ),
        case(
            "quoted line breaks (csv module)",
            "multiline.csv",
            format!(
                "ts,comment,v\n{}",
                rows(300, |i, t| format!(
                    "{},\"line one\nline two\",{i}\n",
                    iso(t)
                ))
            ),
        ),
    ];
    let plain = format!("ts,v\n{}", rows(300, |i, t| format!("{},{i}\n", iso(t))));
    cases.push(Case {
        files: vec![("data.csv.gz".into(), gzip(plain.as_bytes()))],
        ..case(
            "gzip (gzip -9, pandas compression=gzip)",
            "x",
            String::new(),
        )
    });
    // Spark: a folder of part files with a header each, and _SUCCESS.
    let mut spark = case("Spark (part files, _SUCCESS)", "x", String::new());
    spark.files = (0..3)
        .map(|k| {
            let body = rows(300, |i, t| {
                if i / 100 == k {
                    format!("{},{i}\n", iso(t))
                } else {
                    String::new()
                }
            });
            (
                format!("part-0000{k}-abc.csv"),
                format!("ts,v\n{body}").into_bytes(),
            )
        })
        .chain([("_SUCCESS".to_string(), Vec::new())])
        .collect();
    cases.push(spark);
    // DuckDB COPY ... (FORMAT csv): daily, 300 days.
    let mut daily = case(
        "DuckDB COPY (daily)",
        "daily.csv",
        format!(
            "day,v\n{}",
            rows(300 * 24, |i, t| if i % 24 == 0 {
                format!("{},{i}\n", t.format("%Y-%m-%d"))
            } else {
                String::new()
            })
        ),
    );
    daily.args = vec!["--frequency", "P1D"];
    cases.push(daily);
    cases
}

#[test]
fn a_corpus_of_files_as_common_tools_write_them_counts_right() {
    let mut wrong = Vec::new();
    for c in corpus() {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in &c.files {
            file(dir.path(), name, bytes);
        }
        let location = if c.files.len() == 1 {
            dir.path().join(&c.files[0].0)
        } else {
            dir.path().to_path_buf()
        };
        let (code, v) = coverage_json(&location, &c.args);
        let got = (
            code,
            v["records"].as_u64(),
            v["records_skipped"].as_u64(),
            v["intervals_with_data"].as_u64(),
            v["complete"].as_bool(),
        );
        let want = (0, Some(c.records), Some(0), Some(c.intervals), Some(true));
        if got != want {
            wrong.push(format!("{}: got {got:?}, want {want:?}", c.name));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
