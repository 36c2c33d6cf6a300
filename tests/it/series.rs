//! `l4m series`: each metric's values per interval, against values known by construction: SUM
//! and AVG of several records an interval, repeated timestamps, empty and non-numeric values, a
//! metric picked with `--where`, gzip and JSON lines (local and in S3 through moto), the same
//! answer at any number of threads, and daily and hourly values across the DST changes in New
//! York.

use crate::common;

use std::io::Write;
use std::path::Path;

use common::*;
use serde_json::Value;

/// 300 hours from 2024-01-01: `a` has three records an hour (values h, h+1, h+2, 10 minutes
/// apart), `b` one (10, empty every 10th hour, `x` every 7th).
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
    series_by(l4m(), args)
}

/// `series --json` with `args`, run by `cmd` (the binary, maybe pointed at an S3 server).
fn series_by(mut cmd: assert_cmd::Command, args: &[&str]) -> Value {
    let (code, out, err) = run(cmd.arg("series").args(args).arg("--json"));
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// The (start, value, records) of every point of the first metric.
fn points_of(v: &Value) -> Vec<(String, Option<f64>, u64)> {
    v["metrics"][0]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["start"].as_str().unwrap().to_string(),
                p["value"].as_f64(),
                p["records"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn repeated_timestamps_each_count_in_their_interval_sum_and_average() {
    // Three records at the very same time, twice the same line among them; then one an hour.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("repeated.csv");
    let mut text = String::from("ts,v\n");
    text.push_str("2024-01-01 00:00:00,1\n2024-01-01 00:00:00,2\n2024-01-01 00:00:00,2\n");
    for h in 1..4 {
        text.push_str(&format!("2024-01-01 0{h}:00:00,{h}\n"));
    }
    text.push_str("2024-01-01 03:00:00,\n2024-01-01 03:00:00,seven\n");
    std::fs::write(&file, text).unwrap();
    let f = file.to_str().unwrap();
    let args = ["--timestamp", "ts", "--frequency", "PT1H"];
    let sum = series(&[&[f, "--measure", "v"][..], &args].concat());
    let got = points_of(&sum);
    assert_eq!(
        got.iter().map(|p| (p.1, p.2)).collect::<Vec<_>>(),
        [
            (Some(5.0), 3),
            (Some(1.0), 1),
            (Some(2.0), 1),
            (Some(3.0), 3)
        ],
        "a repeated line counts each time; an empty or non-numeric value is a record without a value"
    );
    let avg = series(&[&[f, "--measure", "v:AVG"][..], &args].concat());
    let got = points_of(&avg);
    assert_eq!(got[0].1, Some(5.0 / 3.0));
    assert_eq!(got[3].1, Some(3.0), "the average of the values only");
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

/// `hours` hours of value 1 from `from` (UTC, written with `Z`), in `name` under `dir`.
fn utc_hours(dir: &Path, name: &str, from: (i32, u32, u32, u32), hours: i64) -> String {
    let start = chrono::NaiveDate::from_ymd_opt(from.0, from.1, from.2)
        .unwrap()
        .and_hms_opt(from.3, 0, 0)
        .unwrap();
    let mut out = String::from("ts,v\n");
    for h in 0..hours {
        let utc = start + chrono::Duration::hours(h);
        out.push_str(&format!("{}Z,1\n", utc.format("%Y-%m-%dT%H:%M:%S")));
    }
    let file = dir.join(name);
    std::fs::write(&file, out).unwrap();
    file.to_str().unwrap().to_string()
}

#[test]
fn hourly_values_in_new_york_follow_the_wall_clock_across_both_changes() {
    let dir = tempfile::tempdir().unwrap();
    let ny = [
        "--timestamp",
        "ts",
        "--measure",
        "v",
        "--frequency",
        "PT1H",
        "--timezone",
        "America/New_York",
    ];
    // Spring: 01:00 EST is followed by 03:00 EDT. The wall-clock hour 02:00 is an interval of the
    // span without a value (as coverage counts it missing), named by the instant of the change.
    let spring = utc_hours(dir.path(), "spring.csv", (2024, 3, 10, 3), 8);
    let got = points_of(&series(&[&[spring.as_str()][..], &ny].concat()));
    let want: Vec<(String, Option<f64>, u64)> = [
        ("2024-03-10T03:00:00Z", Some(1.0), 1),
        ("2024-03-10T04:00:00Z", Some(1.0), 1),
        ("2024-03-10T05:00:00Z", Some(1.0), 1),
        ("2024-03-10T06:00:00Z", Some(1.0), 1),
        ("2024-03-10T07:00:00Z", None, 0),
        ("2024-03-10T07:00:00Z", Some(1.0), 1),
        ("2024-03-10T08:00:00Z", Some(1.0), 1),
        ("2024-03-10T09:00:00Z", Some(1.0), 1),
        ("2024-03-10T10:00:00Z", Some(1.0), 1),
    ]
    .into_iter()
    .map(|(t, v, n)| (t.to_string(), v, n))
    .collect();
    assert_eq!(got, want);
    // Autumn: 01:00 comes twice (EDT, then EST): one wall-clock interval holds both hours.
    let autumn = utc_hours(dir.path(), "autumn.csv", (2024, 11, 3, 2), 8);
    let got = points_of(&series(&[&[autumn.as_str()][..], &ny].concat()));
    let starts: Vec<&str> = got.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(
        starts,
        [
            "2024-11-03T02:00:00Z",
            "2024-11-03T03:00:00Z",
            "2024-11-03T04:00:00Z",
            "2024-11-03T05:00:00Z",
            "2024-11-03T07:00:00Z",
            "2024-11-03T08:00:00Z",
            "2024-11-03T09:00:00Z",
        ]
    );
    assert_eq!((got[3].1, got[3].2), (Some(2.0), 2), "01:00 summed twice");
    let mut avg = ny;
    avg[3] = "v:AVG";
    let got = points_of(&series(&[&[autumn.as_str()][..], &avg].concat()));
    assert_eq!(got[3].1, Some(1.0));
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

/// The same values from S3 (through moto on loopback) as from the local file: plain and gzip.
#[cfg(feature = "s3")]
#[test]
fn an_s3_prefix_through_moto_gives_the_local_files_values() {
    let dir = tempfile::tempdir().unwrap();
    let file = known(dir.path());
    let text = std::fs::read(&file).unwrap();
    let args = &labelled("", "v", "PT1H")[1..];
    let local = series(&[&[file.to_str().unwrap()][..], args].concat());
    let moto = common::moto::Moto::start();
    moto.bucket("series");
    moto.put("series", "plain/known.csv", text.clone());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&text).unwrap();
    moto.put("series", "gzip/known.csv.gz", gz.finish().unwrap());
    for prefix in ["s3://series/plain/", "s3://series/gzip/"] {
        let remote = series_by(moto.l4m(), &[&[prefix][..], args].concat());
        assert_eq!(remote["metrics"], local["metrics"], "{prefix}");
        assert_eq!(remote["metrics_total"], 2, "{prefix}");
        // One figure of each metric, read from S3: a's SUM at hour 5, b's gap at hour 7.
        let a = metric(&remote, "a");
        assert_eq!(a["points"][5]["value"].as_f64(), Some(18.0), "{prefix}");
        assert_eq!(metric(&remote, "b")["points"][7]["value"], Value::Null);
    }
}
