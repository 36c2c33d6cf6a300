//! `l4m series`: each metric's values per interval, against values known by construction: SUM
//! and AVG of several records an interval, repeated timestamps, empty and non-numeric values, a
//! metric picked with `--where`, gzip and JSON lines, the same answer at any number of threads,
//! and daily values across a DST change in New York.

use crate::common;

use std::io::Write;
use std::path::Path;

use common::*;
use serde_json::Value;

/// 300 hours from 2024-01-01: `a` has three records an hour (values h, h+1, h+2; the first hour
/// twice over, a repeated timestamp), `b` one (10, empty every 10th hour, `x` every 7th).
fn known(dir: &Path) -> std::path::PathBuf {
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let mut out = String::from("ts,dim,v\n");
    for h in 0..300i64 {
        let t = start + chrono::Duration::hours(h);
        for k in 0..3 {
            let at = t + chrono::Duration::minutes(10 * k);
            out.push_str(&format!("{},a,{}\n", at.format("%Y-%m-%d %H:%M:%S"), h + k));
        }
        let b = if h % 10 == 0 {
            String::new()
        } else if h % 7 == 0 {
            "x".into()
        } else {
            "10".into()
        };
        out.push_str(&format!("{},b,{b}\n", t.format("%Y-%m-%d %H:%M:%S")));
    }
    let path = dir.join("known.csv");
    std::fs::write(&path, out).unwrap();
    path
}

/// The arguments that read `file` of [`known`] with its labels: `ts`, dimension `dim`, `measure`
/// (`v` or `v:AVG`), at `frequency`.
fn labelled<'a>(file: &'a str, measure: &'a str, frequency: &'a str) -> [&'a str; 9] {
    [
        file,
        "--timestamp",
        "ts",
        "--dimension",
        "dim",
        "--measure",
        measure,
        "--frequency",
        frequency,
    ]
}

fn series(args: &[&str]) -> Value {
    let (code, out, err) = run(l4m().arg("series").args(args).arg("--json"));
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// The metric whose dimension `dim` is `value`.
fn metric<'a>(v: &'a Value, value: &str) -> &'a Value {
    v["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["dimensions"]["dim"] == value)
        .unwrap_or_else(|| panic!("no metric for dim={value}: {v}"))
}

#[test]
fn sum_and_avg_of_several_records_an_interval_and_values_that_are_not_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let file = known(dir.path());
    let f = file.to_str().unwrap();
    let sum = series(&labelled(f, "v", "PT1H"));
    assert_eq!(sum["frequency"], "PT1H");
    assert_eq!(sum["timezone"], "UTC");
    assert_eq!(sum["metrics_total"], 2);
    let a = metric(&sum, "a");
    assert_eq!(a["aggregation"], "SUM");
    let points = a["points"].as_array().unwrap();
    assert_eq!(points.len(), 300, "one point per interval of the span");
    for (h, p) in points.iter().enumerate() {
        let h = h as f64;
        assert_eq!(p["value"].as_f64(), Some(3.0 * h + 3.0), "hour {h}");
        assert_eq!(p["records"], 3);
    }
    assert_eq!(points[5]["start"], "2024-01-01T05:00:00Z");
    let b = metric(&sum, "b");
    let bp = b["points"].as_array().unwrap();
    for (h, p) in bp.iter().enumerate() {
        let want = if h % 10 == 0 || h % 7 == 0 {
            Value::Null
        } else {
            10.0.into()
        };
        assert_eq!(p["value"], want, "hour {h}");
        assert_eq!(p["records"], 1, "the record counts, value or not");
    }
    let avg = series(&labelled(f, "v:AVG", "PT1H"));
    let a = metric(&avg, "a");
    assert_eq!(a["aggregation"], "AVG");
    for (h, p) in a["points"].as_array().unwrap().iter().enumerate() {
        assert_eq!(p["value"].as_f64(), Some(h as f64 + 1.0), "hour {h}");
    }
    // Daily: 24 hours of `a` a day, 72 records.
    let daily = series(&labelled(f, "v", "P1D"));
    let day0 = &metric(&daily, "a")["points"][0];
    let want: i64 = (0..24).map(|h| 3 * h + 3).sum();
    assert_eq!(
        (day0["value"].as_f64(), &day0["records"]),
        (Some(want as f64), &72.into())
    );
}

#[test]
fn where_keeps_the_metrics_of_a_dimension_value_and_the_text_has_a_line_each() {
    let dir = tempfile::tempdir().unwrap();
    let file = known(dir.path());
    let f = file.to_str().unwrap();
    let args = labelled(f, "v", "PT1H");
    let only_b = series(&[&args[..], &["--where", "dim=b"]].concat());
    assert_eq!(only_b["metrics_total"], 1);
    assert_eq!(only_b["metrics"][0]["dimensions"]["dim"], "b");
    let (code, out, err) = run(l4m().arg("series").args(args).args(["--where", "dim=a"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(": 1 metric, interval PT1H (1 hour), timezone UTC"),
        "{out}"
    );
    assert!(out.contains("  v SUM dim=a\n    3 to 900 "), "{out}");
    let (code, _, err) = run(l4m().arg("series").args(args).args(["--where", "nope=1"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("\"nope\" is not a dimension (the dimensions: dim)"),
        "{err}"
    );
}

#[test]
fn gzip_json_lines_and_any_number_of_threads_give_the_same_values() {
    let dir = tempfile::tempdir().unwrap();
    let file = known(dir.path());
    let text = std::fs::read_to_string(&file).unwrap();
    let args = &labelled("", "v", "PT1H")[1..];
    let plain = series(&[&[file.to_str().unwrap()][..], args].concat());
    let gz = dir.path().join("known.csv.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(text.as_bytes()).unwrap();
    enc.finish().unwrap();
    assert_eq!(
        series(&[&[gz.to_str().unwrap()][..], args].concat())["metrics"],
        plain["metrics"]
    );
    let jsonl = dir.path().join("known.jsonl");
    let lines: Vec<String> = text
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            serde_json::json!({"ts": f[0], "dim": f[1], "v": f[2]}).to_string()
        })
        .collect();
    std::fs::write(&jsonl, lines.join("\n") + "\n").unwrap();
    assert_eq!(
        series(&[&[jsonl.to_str().unwrap()][..], args].concat())["metrics"],
        plain["metrics"]
    );
    let one = values_at(&file, 1, 1 << 30);
    for threads in 2..=4 {
        assert_eq!(
            values_at(&file, threads, 4096),
            one,
            "{threads} threads, 4 KiB pieces"
        );
    }
    let cli_metrics = serde_json::to_value(&one).unwrap();
    assert_eq!(cli_metrics["metrics"], plain["metrics"]);
    assert!(
        std::fs::metadata(&file).unwrap().len() > 4 * 4096,
        "the file is split into several pieces"
    );
}

/// The values of a scan of `file` with the engine: `threads` at once, pieces of `piece_bytes`.
fn values_at(file: &Path, threads: usize, piece_bytes: u64) -> Value {
    use l4m::coverage::{self, ScanControl, ScanSpec};
    use l4m::schema::{Aggregation, Frequency, Role};
    use l4m::source::Location;
    use l4m::source::local::LocalSource;
    let i = l4m::inspect::inspect(
        &LocalSource,
        &Location::Local(file.to_path_buf()),
        false,
        &l4m::format::Overrides::default(),
    )
    .unwrap();
    let mut labels = i.suggested.clone();
    labels.set("dim", Role::Dimension, None).unwrap();
    labels.set("v", Role::Measure, None).unwrap();
    let mut spec =
        ScanSpec::from_labels(&i, &labels, Some(Frequency::PT1H), chrono_tz::UTC).unwrap();
    spec.series = true;
    spec.values = Some(vec![Aggregation::Sum]);
    spec.concurrency = threads;
    spec.piece_bytes = piece_bytes;
    let control = std::sync::Arc::new(ScanControl::default());
    let c = coverage::scan(&LocalSource, &i.dataset, &i.dialect(), &spec, &control).unwrap();
    serde_json::to_value(c.values.unwrap()).unwrap()
}

#[test]
fn daily_values_in_new_york_across_the_spring_change_are_local_days() {
    // Every hour of 9-11 March 2024 in New York (10 March has 23 hours), value 1 each.
    let dir = tempfile::tempdir().unwrap();
    let mut out = String::from("ts,v\n");
    let start = chrono::NaiveDate::from_ymd_opt(2024, 3, 9)
        .unwrap()
        .and_hms_opt(5, 0, 0)
        .unwrap();
    for h in 0..71 {
        let utc = start + chrono::Duration::hours(h);
        out.push_str(&format!("{}Z,1\n", utc.format("%Y-%m-%dT%H:%M:%S")));
    }
    let file = dir.path().join("ny.csv");
    std::fs::write(&file, out).unwrap();
    let v = series(&[
        file.to_str().unwrap(),
        "--timestamp",
        "ts",
        "--measure",
        "v",
        "--frequency",
        "P1D",
        "--timezone",
        "America/New_York",
    ]);
    let points = v["metrics"][0]["points"].as_array().unwrap();
    let got: Vec<(String, f64)> = points
        .iter()
        .map(|p| {
            (
                p["start"].as_str().unwrap().to_string(),
                p["value"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("2024-03-09T05:00:00Z".to_string(), 24.0),
            ("2024-03-10T05:00:00Z".to_string(), 23.0),
            ("2024-03-11T04:00:00Z".to_string(), 24.0),
        ]
    );
}
