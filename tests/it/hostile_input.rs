//! Hostile and broken input: each case gets a clear one-line error or a listed skip, never a hang,
//! a panic, unbounded memory or a wrong count. The README's table "What l4m does with bad input"
//! has one row per test here.

use crate::common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::*;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Hourly rows `ts,platform,views` from 2020-10-01 00:00, `n` of them.
fn hourly(n: usize) -> String {
    let mut s = String::from("ts,platform,views\n");
    for i in 0..n {
        let t = chrono::NaiveDate::from_ymd_opt(2020, 10, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            + chrono::TimeDelta::hours(i as i64);
        s.push_str(&format!(
            "{},web,{}\n",
            t.format("%Y-%m-%d %H:%M:%S"),
            i % 100
        ));
    }
    s
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(ok.success());
}

fn coverage_json(args: &[&str], path: &Path) -> (i32, serde_json::Value) {
    let mut cmd = l4m();
    cmd.arg("coverage")
        .arg(path)
        .args(["--json", "--frequency", "PT1H"])
        .args(args)
        .timeout(Duration::from_secs(120));
    run_json(&mut cmd)
}

#[test]
fn a_named_pipe_as_the_location_is_a_one_line_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("data.csv");
    mkfifo(&pipe);
    let (code, _, err) = run(l4m()
        .arg("inspect")
        .arg(&pipe)
        .timeout(Duration::from_secs(20)));
    assert_eq!(code, 1);
    assert_one_line_error(&err, "data.csv: is a named pipe, not a file");
}

#[test]
fn a_named_pipe_inside_a_folder_is_skipped_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.csv", hourly(10).as_bytes());
    mkfifo(&dir.path().join("b.csv"));
    let (code, v) = run_json(
        l4m()
            .arg("inspect")
            .arg(dir.path())
            .arg("--json")
            .timeout(Duration::from_secs(20)),
    );
    assert_eq!(code, 0);
    assert_eq!(v["files"], 1);
    assert_eq!(v["skipped_files"][0]["name"], "b.csv");
    assert_eq!(v["skipped_files"][0]["reason"], "not read: named pipe");
    let (code, v) = coverage_json(&[], dir.path());
    assert_eq!(code, 0);
    assert_eq!(v["records"], 10);
}

#[test]
fn a_link_loop_never_counts_a_file_twice() {
    // The case: a folder with a link to its parent, scanned recursively.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("live");
    let sample = std::fs::read(fixture(
        "l4m-ecommerce-live/20201001/0000/20201001_000000.csv",
    ))
    .unwrap();
    write(&root, "20201001/0000/20201001_000000.csv", &sample);
    std::os::unix::fs::symlink("..", root.join("20201001/0000/up")).unwrap();
    std::os::unix::fs::symlink("20201001_000000.csv", root.join("20201001/0000/again.csv"))
        .unwrap();
    let (code, v) = coverage_json(&["--recursive"], &root);
    assert_eq!(code, 0);
    assert_eq!(v["records"], 21, "one 21-record file, counted once");
    assert_eq!(v["files_scanned"], 1);
    let (_, i) = run_json(
        l4m()
            .arg("inspect")
            .arg(&root)
            .args(["--recursive", "--json"]),
    );
    let skipped: Vec<String> = i["skipped_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                s["name"].as_str().unwrap(),
                s["reason"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        skipped,
        [
            "20201001/0000/again.csv not read: a link to a file already read",
            "20201001/0000/up not read: a link to a folder already read"
        ]
    );
}

#[test]
fn a_gzip_bomb_is_refused_by_the_preview_and_read_in_bounded_memory_by_a_scan() {
    let dir = tempfile::tempdir().unwrap();
    // 512 MB of zeros in well under 1 MB.
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..512 {
        e.write_all(&zeros).unwrap();
    }
    let bomb = e.finish().unwrap();
    assert!(bomb.len() < 1 << 20, "{}", bomb.len());
    let lone = write(dir.path(), "lone/bomb.csv.gz", &bomb);
    let started = Instant::now();
    let (code, _, err) = run(l4m().arg("inspect").arg(&lone));
    assert_eq!(code, 1);
    assert_one_line_error(&err, "bomb.csv.gz: looks binary (a NUL byte at offset 0)");
    assert!(started.elapsed() < Duration::from_secs(10));
    // Behind a good first file, the scan reads the bomb to its end without holding it.
    let folder = dir.path().join("folder");
    write(&folder, "a.csv", hourly(24).as_bytes());
    write(&folder, "b.csv.gz", &bomb);
    let (code, out, err, peak) = run_watched(&[
        "coverage".as_ref(),
        folder.as_os_str(),
        "--json".as_ref(),
        "--frequency".as_ref(),
        "PT1H".as_ref(),
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["records"], 24);
    assert_eq!(
        v["records_skipped_by_reason"]["too-long"], 1,
        "512 MB without a line break"
    );
    assert!(peak < 128 << 20, "peak memory {peak} bytes");
}

#[test]
fn a_truncated_gzip_counts_what_it_holds_and_says_the_result_is_partial() {
    let dir = tempfile::tempdir().unwrap();
    let whole = gzip(hourly(5_000).as_bytes());
    write(dir.path(), "a.csv.gz", &whole[..whole.len() / 2]);
    write(dir.path(), "b.csv", hourly(3).as_bytes());
    let (code, v) = coverage_json(&[], dir.path());
    assert_eq!(code, 0);
    assert_eq!(v["complete"], false);
    assert_eq!(v["incomplete_files"][0]["file"], "a.csv.gz");
    let records = v["records"].as_u64().unwrap();
    assert!(records > 100 && records < 5_003, "{records}");
}

#[test]
fn a_header_of_ten_thousand_columns_is_read_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("ts");
    for i in 1..10_000 {
        text.push_str(&format!(",c{i}"));
    }
    text.push('\n');
    for h in 0..30 {
        text.push_str(&format!("2020-10-01 {:02}:00:00", h % 24));
        for i in 1..10_000 {
            text.push_str(&format!(",{}", (i + h) % 7));
        }
        text.push('\n');
    }
    let p = write(dir.path(), "wide.csv", text.as_bytes());
    let started = Instant::now();
    let (code, v) = run_json(l4m().arg("inspect").arg(&p).arg("--json"));
    assert_eq!(code, 0);
    assert_eq!(v["columns"].as_array().unwrap().len(), 10_000);
    let (code, v) = coverage_json(&["--measure", "c1", "--dimension", "c2"], &p);
    assert_eq!(code, 0);
    assert_eq!(v["records"], 30);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_line_longer_than_the_record_limit_is_skipped_and_named_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = hourly(50);
    text.push_str("2020-10-03 00:00:00,");
    text.push_str(&"x".repeat(40 << 20));
    text.push_str(",1\n");
    text.push_str(&hourly(60)[hourly(0).len()..].replace("2020-10-0", "2020-11-0"));
    let p = write(dir.path(), "long.csv", text.as_bytes());
    let (code, out, err, peak) = run_watched(&[
        "coverage".as_ref(),
        p.as_os_str(),
        "--json".as_ref(),
        "--frequency".as_ref(),
        "PT1H".as_ref(),
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["records"], 110);
    assert_eq!(v["records_skipped_by_reason"]["too-long"], 1);
    assert_eq!(v["skipped_examples"][0]["line"], 52);
    assert_eq!(
        v["skipped_examples"][0]["reason"],
        "a record of 41.9 MB is longer than the 8.4 MB a scan reads"
    );
    assert!(peak < 128 << 20, "peak memory {peak} bytes");
}

#[test]
fn nul_bytes_and_invalid_utf8_after_a_valid_head_are_skipped_with_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let good = hourly(40_000); // about 1.3 MB: the head detection reads is clean
    let rows = good.lines().count() as u64;
    let mut bytes = good.into_bytes();
    bytes.extend_from_slice(b"2021-01-01 00:00:00,w\0b,1\n");
    bytes.extend_from_slice(b"2021-01-01 01:00:00,caf\xe9,2\n");
    bytes.extend_from_slice(b"2021-01-01 02:00:00,web,3\n");
    let p = write(dir.path(), "late.csv", &bytes);
    let (code, v) = coverage_json(&[], &p);
    assert_eq!(code, 0);
    assert_eq!(v["records"], 40_001);
    assert_eq!(v["records_skipped_by_reason"]["binary"], 1);
    assert_eq!(v["records_skipped_by_reason"]["not-utf8"], 1);
    assert_eq!(v["skipped_examples"][0]["line"], rows + 1);
    assert_eq!(v["skipped_examples"][1]["line"], rows + 2);
    assert_eq!(v["skipped_examples"][1]["reason"], "is not UTF-8 text");
}

#[test]
fn mixed_line_endings_a_byte_order_mark_and_an_excel_sep_line_read_right() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("\u{feff}sep=;\r\nts;platform;views\r\n");
    for h in 0..24 {
        let end = if h % 2 == 0 { "\r\n" } else { "\n" };
        text.push_str(&format!("2020-10-01 {h:02}:00:00;web;{h}{end}"));
    }
    let p = write(dir.path(), "excel.csv", text.as_bytes());
    let (code, v) = run_json(l4m().arg("inspect").arg(&p).arg("--json"));
    assert_eq!(code, 0);
    assert_eq!(v["delimiter"], ";");
    assert_eq!(v["columns"][0]["name"], "ts");
    assert_eq!(v["columns"][2]["role"], "measure");
    let (code, v) = coverage_json(&[], &p);
    assert_eq!(code, 0);
    assert_eq!(v["records"], 24);
    assert_eq!(v["records_skipped"], 0);
    assert_eq!(v["intervals_with_data"], 24);
}

#[test]
fn empty_and_repeated_header_names_are_named_and_noted() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "names.csv",
        b"ts,,views,views\n2020-10-01 00:00:00,a,1,2\n2020-10-01 01:00:00,b,3,4\n",
    );
    let (code, v) = run_json(l4m().arg("inspect").arg(&p).arg("--json"));
    assert_eq!(code, 0);
    assert_eq!(v["columns"][1]["name"], "column_2");
    assert_eq!(
        v["notes"],
        serde_json::json!([
            "column 2 has no name in the header: called column_2",
            "the header names \"views\" more than once: only the first is read by name"
        ])
    );
}

#[test]
fn timestamps_at_year_zero_and_9999_and_negative_epochs_are_counted_or_skipped_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "edges.csv",
        b"ts,v\n0000-01-01 00:00:00,1\n9999-12-31 23:00:00,2\n2020-10-01 00:00:00,3\n",
    );
    let (code, v) = coverage_json(&["--timestamp-format", "yyyy-MM-dd HH:mm:ss"], &p);
    assert_eq!(code, 0);
    assert_eq!(v["records"], 3);
    assert_eq!(v["first_interval"], "0000-01-01T00:00:00Z");
    assert_eq!(v["last_interval"], "9999-12-31T23:00:00Z");
    let p = write(
        dir.path(),
        "epochs.csv",
        b"epoch,v\n-86400,1\n0,2\n1601510400,3\n-999999999999999999,4\n",
    );
    let (code, v) = coverage_json(&["--timestamp", "epoch", "--timestamp-format", "UNIX"], &p);
    assert_eq!(code, 0);
    let counted = v["records"].as_u64().unwrap();
    let skipped = v["records_skipped"].as_u64().unwrap();
    assert_eq!(counted + skipped, 4);
    assert!(counted >= 2, "0 and 1601510400 are epochs: {v}");
}

#[test]
fn a_header_only_file_among_data_files_counts_nothing_and_breaks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.csv", hourly(5).as_bytes());
    write(dir.path(), "b.csv", b"ts,platform,views\n");
    write(
        dir.path(),
        "c.csv",
        hourly(5).replace("2020-10-01", "2020-10-02").as_bytes(),
    );
    let (code, v) = coverage_json(&[], dir.path());
    assert_eq!(code, 0);
    assert_eq!(v["files_scanned"], 3);
    assert_eq!(v["records"], 10);
    assert_eq!(v["complete"], true);
}

#[test]
fn a_hundred_thousand_files_in_one_folder_are_listed_and_scanned_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let n = 100_000;
    let started = Instant::now();
    for i in 0..n {
        let h = i % 24;
        std::fs::write(
            dir.path().join(format!("f{i:06}.csv")),
            format!("ts,v\n2020-10-01 {h:02}:00:00,{i}\n"),
        )
        .unwrap();
    }
    eprintln!("wrote {n} files in {:?}", started.elapsed());
    let started = Instant::now();
    let (code, out, err, peak) = run_watched(&[
        "coverage".as_ref(),
        dir.path().as_os_str(),
        "--json".as_ref(),
        "--frequency".as_ref(),
        "PT1H".as_ref(),
    ]);
    let took = started.elapsed();
    eprintln!(
        "coverage of {n} files: {took:?}, peak memory {} MiB",
        peak >> 20
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["files_scanned"], n);
    assert_eq!(v["records"], n);
    assert_eq!(v["intervals_with_data"], 24);
    assert!(peak < 256 << 20, "peak memory {} MiB", peak >> 20);
    assert!(took < Duration::from_secs(240), "{took:?}");
}

#[test]
fn a_first_record_longer_than_the_preview_is_said_and_a_scan_runs_with_given_labels() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("ts,note,views\n2020-10-01 00:00:00,");
    text.push_str(&"n".repeat(2 << 20));
    text.push_str(",1\n");
    text.push_str(&hourly(30)[hourly(0).len()..].replace(",web,", ",short,"));
    let p = write(dir.path(), "long-first.csv", text.as_bytes());
    let (code, v) = run_json(l4m().arg("inspect").arg(&p).arg("--json"));
    assert_eq!(code, 0);
    assert_eq!(v["sample_rows"], 0);
    assert!(
        v["notes"][0]
            .as_str()
            .unwrap()
            .starts_with("the first record is longer than the 1.0 MB preview"),
        "{}",
        v["notes"]
    );
    let (code, v) = coverage_json(
        &[
            "--timestamp",
            "ts",
            "--timestamp-format",
            "yyyy-MM-dd HH:mm:ss",
            "--measure",
            "views",
        ],
        &p,
    );
    assert_eq!(code, 0);
    assert_eq!(v["records"], 31);
}
