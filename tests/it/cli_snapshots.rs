//! The command line's text and `--json` output on the bundled sample, as insta snapshots (the
//! screens are snapshotted the same way): any change to what a user or a script reads shows in
//! review, word for word and key for key. The `coverage --json` interval list is cut to its first
//! three entries (the rest are counted), so that the snapshot stays readable.

use crate::common;

use common::*;
use serde_json::Value;

const SAMPLE: &str = "assets/ecommerce";

/// Standard output of a run that must succeed.
fn out(args: &[&str]) -> String {
    let (code, out, err) = run(l4m().env("COLUMNS", "100").args(args));
    assert_eq!(code, 0, "l4m {args:?}: {err}");
    out
}

/// JSON output, pretty, with the list under `key` cut to its first three entries.
fn json_cut(args: &[&str], key: &str) -> String {
    let mut v: Value = serde_json::from_str(&out(args)).expect("the output is JSON");
    if let Some(list) = v.get_mut(key).and_then(Value::as_array_mut) {
        let n = list.len();
        list.truncate(3);
        list.push(Value::String(format!("... {n} in all")));
    }
    serde_json::to_string_pretty(&v).unwrap()
}

#[test]
fn snapshot_inspect_text() {
    insta::assert_snapshot!(out(&["inspect", SAMPLE]));
}

#[test]
fn snapshot_inspect_json() {
    insta::assert_snapshot!(json_cut(&["inspect", SAMPLE, "--json"], "sample"));
}

#[test]
fn snapshot_coverage_text() {
    insta::assert_snapshot!(out(&["coverage", SAMPLE]));
}

#[test]
fn snapshot_coverage_json() {
    insta::assert_snapshot!(json_cut(&["coverage", SAMPLE, "--json"], "intervals"));
}

#[test]
fn snapshot_quality_text() {
    insta::assert_snapshot!(out(&["quality", SAMPLE]));
}

#[test]
fn snapshot_quality_json() {
    insta::assert_snapshot!(json_cut(&["quality", SAMPLE, "--json"], "intervals"));
}

#[test]
fn snapshot_export_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ecommerce.json");
    let path = file.to_str().unwrap();
    let fields = [
        "--frequency",
        "PT1H",
        "--role-arn",
        "arn:aws:iam::123456789012:role/L4MReader",
        "--detector-arn",
        "arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:ecommerce",
        "--historical-path",
        "s3://bucket/ecommerce/",
    ];
    let args = [&["export", SAMPLE, "-o", path][..], &fields].concat();
    let (code, stdout, stderr) = run(l4m().env("COLUMNS", "100").args(&args));
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    // What export says goes to standard error (standard output may be the config itself).
    let masked = stderr.replace(path, "OUT.json");
    insta::assert_snapshot!("export_text", masked);
    let json = out(&[&["export", SAMPLE, "-o", "-", "--json"][..], &fields].concat());
    insta::assert_snapshot!("export_json", json);
}

/// Every 30 minutes for 2,000 records: PT1H is suggested; scanned at PT10M, two intervals in three
/// are empty for the cadence alone, and the warning names PT1H.
#[test]
fn a_half_hourly_series_gets_pt1h_and_at_pt10m_a_cadence_warning() {
    let dir = tempfile::tempdir().unwrap();
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let rows: String = (0..2_000)
        .map(|i| {
            let t = start + chrono::Duration::minutes(30 * i);
            format!("{},{i}\n", t.format("%Y-%m-%d %H:%M:%S"))
        })
        .collect();
    let file = dir.path().join("halfhour.csv");
    std::fs::write(&file, format!("ts,v\n{rows}")).unwrap();
    let f = file.to_str().unwrap();
    let inspected: Value = serde_json::from_str(&out(&["inspect", f, "--json"])).unwrap();
    assert_eq!(inspected["frequency"], "PT1H");
    let cov: Value =
        serde_json::from_str(&out(&["coverage", f, "--json", "--frequency", "PT10M"])).unwrap();
    let fills: Vec<(String, u64, u64)> = cov["by_interval"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["frequency"].as_str().unwrap().to_string(),
                b["intervals_with_data"].as_u64().unwrap(),
                b["intervals_missing"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        fills,
        [
            ("PT5M".to_string(), 2_000, 9_995),
            ("PT10M".to_string(), 2_000, 3_998),
            ("PT1H".to_string(), 1_000, 0),
            ("P1D".to_string(), 42, 0),
        ]
    );
    let text = out(&["coverage", f, "--frequency", "PT10M"]);
    assert!(
        text.contains("warning [interval-cadence] at PT10M 67% of the intervals are empty (3,998 of 5,998): the records come further apart than 10 min; at PT1H 0% are (0 of 1,000): use --frequency PT1H"),
        "{text}"
    );
    assert!(!out(&["coverage", f]).contains("interval-cadence"));
}
