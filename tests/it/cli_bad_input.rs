//! Bad input gets a one-line error that names the thing and says what to do, and a non-zero exit.

use crate::common;

use std::path::{Path, PathBuf};

use common::*;

fn file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn inspect_error(path: &Path) -> (i32, String) {
    let (code, out, err) = run(l4m().arg("inspect").arg(path));
    assert!(out.is_empty(), "nothing on stdout: {out}");
    (code, err)
}

#[test]
fn an_empty_file_is_named_and_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = file(dir.path(), "empty.csv", b"");
    let (code, err) = inspect_error(&p);
    assert_eq!(code, 1);
    assert_one_line_error(&err, "empty.csv: is empty: it holds no records");
}

#[test]
fn a_header_only_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = file(dir.path(), "h.csv", b"platform,timestamp,views\n");
    let (code, err) = inspect_error(&p);
    assert_eq!(code, 1);
    assert_one_line_error(&err, "h.csv: has a header but no records: add data rows");
}

#[test]
fn one_ragged_row_is_skipped_and_named_not_the_whole_scan() {
    // The case: 400 rows, one of them with 5 fields where the header has 2.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("ts,n\n");
    for i in 0..400 {
        if i == 200 {
            text.push_str("2020-10-01 00:00:00,1,2,3,4\n");
        } else {
            text.push_str(&format!(
                "2020-10-{:02} {:02}:00:00,{i}\n",
                1 + i / 24,
                i % 24
            ));
        }
    }
    let p = file(dir.path(), "r.csv", text.as_bytes());
    let (code, v) = run_json(l4m().arg("coverage").arg(&p).arg("--json"));
    assert_eq!(code, 0);
    assert_eq!(v["records"], 399);
    assert_eq!(v["records_skipped"], 1);
    assert_eq!(v["records_skipped_by_reason"]["ragged"], 1);
    assert_eq!(v["skipped_examples"][0]["line"], 202);
    assert_eq!(
        v["skipped_examples"][0]["reason"],
        "has 5 fields, expected 2"
    );
}

#[test]
fn a_header_with_another_number_of_fields_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = file(
        dir.path(),
        "r.csv",
        b"a,ts\nx,2020-10-01 00:00:00,1\ny,2020-10-01 01:00:00,2\nz,2020-10-01 02:00:00,3\n",
    );
    let (code, err) = inspect_error(&p);
    assert_eq!(code, 1);
    assert_one_line_error(
        &err,
        "r.csv: line 1 has 2 fields where the other lines have 3 (delimiter ,): fix that row, or use --delimiter C",
    );
}

#[test]
fn binary_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = file(
        dir.path(),
        "data.csv",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
    );
    let (code, err) = inspect_error(&p);
    assert_eq!(code, 1);
    assert_one_line_error(&err, "data.csv: looks binary");
}

#[test]
fn invalid_utf8_names_the_line_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let p = file(dir.path(), "latin1.csv", b"city,n\nParis,1\nK\xf6ln,2\n");
    let (code, err) = inspect_error(&p);
    assert_eq!(code, 1);
    assert_one_line_error(&err, "latin1.csv: is not valid UTF-8 (byte 16, line 3)");
    assert!(err.contains("iconv"), "{err}");
}

#[test]
fn an_unknown_column_lists_the_columns() {
    let (code, _, err) = run(l4m()
        .arg("inspect")
        .arg(fixture(
            "l4m-ecommerce-live/20201001/0000/20201001_000000.csv",
        ))
        .args(["--measure", "clicks"]));
    assert_eq!(code, 1);
    assert_one_line_error(
        &err,
        "unknown column \"clicks\": the columns are platform, marketplace, timestamp, views, revenue",
    );
}

#[test]
fn a_missing_path_is_named() {
    let (code, _, err) = run(l4m().args(["inspect", "no/such/folder"]));
    assert_eq!(code, 1);
    assert_one_line_error(
        &err,
        "no/such/folder: no such file or folder: check the path",
    );
}

#[test]
fn bad_flags_and_values_exit_2_with_clap_usage() {
    let (code, _, err) = run(l4m().args(["inspect", "--no-such-flag", "x"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("unexpected argument '--no-such-flag'"),
        "{err}"
    );
    let (code, _, err) = run(l4m().args(["coverage", "x", "--frequency", "PT2H"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("invalid value 'PT2H' for '--frequency <INTERVAL>'"),
        "{err}"
    );
    assert!(
        err.contains("[possible values: PT5M, PT10M, PT1H, P1D]"),
        "{err}"
    );
    // The other names of an interval, in any case, are taken too.
    let (code, _, err) = run(l4m().args(["coverage", "x", "--frequency", "Hourly"]));
    assert_eq!(code, 1, "not a usage error: {err}");
    let (code, _, err) = run(l4m().args(["export", "x", "-o", "-", "--target", "nope"]));
    assert_eq!(code, 2);
    assert!(err.contains("[possible values: metric-set, cloudformation, opensearch, cloudwatch, cloudwatch-requests]"), "{err}");
    let (code, _, err) = run(l4m().args(["coverage", "x", "--timezone", "Mars/Base"]));
    assert_eq!(code, 2);
    assert!(err.contains("unknown timezone \"Mars/Base\""), "{err}");
}

#[test]
fn a_bad_timestamp_format_is_explained() {
    let (code, _, err) = run(l4m()
        .arg("coverage")
        .arg(fixture("l4m-ecommerce-live"))
        .args(["--recursive", "--timestamp-format", "yyyy-QQ-dd"]));
    assert_eq!(code, 1);
    assert_one_line_error(
        &err,
        "timestamp format \"yyyy-QQ-dd\": letter 'Q' at position 6 is not supported",
    );
}

#[test]
fn a_wrong_timestamp_format_skips_every_record_and_says_so() {
    let (code, v) = run_json(
        l4m()
            .arg("coverage")
            .arg(fixture("l4m-ecommerce-live"))
            .args(["--recursive", "--json", "--frequency", "PT1H"])
            .args(["--timestamp-format", "yyyy/MM/dd HH:mm"]),
    );
    assert_eq!(code, 0);
    assert_eq!(v["records"], 0);
    assert_eq!(v["records_skipped"], 42);
    let ex = &v["skipped_examples"][0];
    assert_eq!(ex["file"], "20201001/0000/20201001_000000.csv");
    assert_eq!(ex["line"], 2);
    assert_eq!(ex["value"], "2020-10-01 00:00:00");
    assert_eq!(ex["reason"], "does not parse as yyyy/MM/dd HH:mm");
}

#[test]
fn a_damaged_gzip_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = file(
        dir.path(),
        "d.csv.gz",
        b"\x1f\x8b\x08\x00garbage-not-deflate",
    );
    let (code, err) = inspect_error(&p);
    assert_eq!(code, 1);
    assert_one_line_error(&err, "d.csv.gz: starts like gzip but does not decompress");
}
