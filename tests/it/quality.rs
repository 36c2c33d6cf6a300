//! `l4m quality`: per-metric coverage, the data-quality report and the backtest split, checked
//! against data whose truth is known by construction: one region in every hour, one in every
//! tenth, one in five hours; a measure left empty for fifty hours; bad rows.

use crate::common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, TimeDelta};
use common::*;

fn hour(h: i64) -> String {
    (NaiveDate::from_ymd_opt(2021, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        + TimeDelta::hours(h))
    .format("%Y-%m-%d %H:%M:%S")
    .to_string()
}

/// Region a in all 400 hours (y empty in hours 0..50), b in every tenth hour (y = "n/a" once),
/// c in hours 100..105, and three rows whose timestamp does not parse.
fn sparse(dir: &Path) -> PathBuf {
    let mut s = String::from("ts,region,x,y\n");
    for h in 0..400 {
        let y = if h < 50 {
            String::new()
        } else {
            format!("{h}.5")
        };
        let _ = writeln!(s, "{},a,{h},{y}", hour(h));
        if h % 10 == 0 {
            let y = if h == 30 {
                "n/a".to_string()
            } else {
                "2".into()
            };
            let _ = writeln!(s, "{},b,1,{y}", hour(h));
        }
        if (100..105).contains(&h) {
            let _ = writeln!(s, "{},c,3,4", hour(h));
        }
        if h % 150 == 1 {
            let _ = writeln!(s, "not a time,a,1,1");
        }
    }
    let p = dir.join("sparse.csv");
    std::fs::write(&p, s).unwrap();
    p
}

fn quality(path: &Path, extra: &[&str]) -> serde_json::Value {
    let (code, v) = run_json(
        l4m()
            .arg("quality")
            .arg(path)
            .args(["--json", "--frequency", "PT1H", "--timestamp", "ts"])
            .args(["--dimension", "region", "--measure", "x", "--measure", "y"])
            .args(extra),
    );
    assert_eq!(code, 0, "{v}");
    v
}

#[test]
fn rows_series_and_completeness_match_the_construction() {
    let dir = tempfile::tempdir().unwrap();
    let v = quality(&sparse(dir.path()), &[]);
    assert_eq!(v["rows_processed"], 400 + 40 + 5 + 3);
    assert_eq!(v["rows_invalid"], 3);
    assert_eq!(v["rows_partial"], 50 + 1, "50 empty y for a, one n/a for b");
    assert_eq!(v["time_series_count"], 6);
    assert_eq!(v["series_followed"], 6);
    assert_eq!(v["series_meeting_threshold"], 2, "a/x (400) and a/y (350)");
    assert_eq!(v["series_capped"], false);
    let series: Vec<(String, String, u64)> = v["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["dimensions"]["region"].as_str().unwrap().to_string(),
                s["measure"].as_str().unwrap().to_string(),
                s["intervals_with_data"].as_u64().unwrap(),
            )
        })
        .collect();
    let expect = [
        ("c", "x", 5),
        ("c", "y", 5),
        ("b", "y", 39),
        ("b", "x", 40),
        ("a", "y", 350),
        ("a", "x", 400),
    ];
    let expect: Vec<(String, String, u64)> = expect
        .iter()
        .map(|(r, m, n)| (r.to_string(), m.to_string(), *n))
        .collect();
    assert_eq!(series, expect, "sparsest first");
    assert_eq!(v["series"][0]["first_interval"], "2021-01-05T04:00:00Z");
    assert_eq!(v["series"][0]["last_interval"], "2021-01-05T08:00:00Z");
    let completeness: Vec<(String, f64)> = v["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["completeness"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(completeness[0], ("ts".to_string(), 1.0));
    assert_eq!(completeness[3], ("y".to_string(), 398.0 / 448.0));
    assert_eq!(v["dimensions"][0]["name"], "region");
    assert_eq!(v["dimensions"][0]["distinct"], 3);
}

#[test]
fn the_backtest_splits_its_intervals_seventy_thirty() {
    let dir = tempfile::tempdir().unwrap();
    let v = quality(&sparse(dir.path()), &[]);
    let b = &v["backtest"];
    assert_eq!(b["intervals_used"], 400);
    assert_eq!(b["training_intervals"], 280);
    assert_eq!(b["inference_intervals"], 120);
    assert_eq!(b["intervals_left_out"], 0);
    assert_eq!(b["training_start"], "2021-01-01T00:00:00Z");
    assert_eq!(b["training_end"], "2021-01-12T16:00:00Z");
    assert_eq!(b["inference_start"], "2021-01-12T16:00:00Z");
    assert_eq!(b["inference_end"], "2021-01-17T16:00:00Z");
}

#[test]
fn a_history_longer_than_3000_intervals_uses_the_most_recent_3000() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from("ts,region,x,y\n");
    for h in 0..3_200 {
        let _ = writeln!(s, "{},a,1,2", hour(h));
    }
    let p = dir.path().join("long.csv");
    std::fs::write(&p, s).unwrap();
    let v = quality(&p, &[]);
    let b = &v["backtest"];
    assert_eq!(b["intervals_used"], 3_000);
    assert_eq!(b["intervals_left_out"], 200);
    assert_eq!(b["training_intervals"], 2_100);
    assert_eq!(
        b["training_start"],
        format!("{}Z", hour(200).replace(' ', "T"))
    );
    assert_eq!(
        b["inference_end"],
        format!("{}Z", hour(3_200).replace(' ', "T"))
    );
    assert!(
        b["choice"]
            .as_str()
            .unwrap()
            .starts_with("the most recent 3000 of 3200 intervals"),
        "{b}"
    );
}

#[test]
fn the_data_quality_metric_list_passes_the_api_model() {
    let dir = tempfile::tempdir().unwrap();
    let v = quality(&sparse(dir.path()), &[]);
    let list = &v["data_quality_metric_list"];
    let violations = oracle().validate("DataQualityMetricList", list);
    assert!(violations.is_empty(), "{violations:?}");
    let types: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["MetricType"].as_str().unwrap())
        .collect();
    for t in [
        "COLUMN_COMPLETENESS",
        "DIMENSION_UNIQUENESS",
        "TIME_SERIES_COUNT",
        "ROWS_PROCESSED",
        "ROWS_PARTIAL_COMPLIANCE",
        "INVALID_ROWS_COMPLIANCE",
        "BACKTEST_TRAINING_DATA_START_TIME_STAMP",
        "BACKTEST_TRAINING_DATA_END_TIME_STAMP",
        "BACKTEST_INFERENCE_DATA_START_TIME_STAMP",
        "BACKTEST_INFERENCE_DATA_END_TIME_STAMP",
    ] {
        assert!(types.contains(&t), "{t} missing from {types:?}");
    }
    let count = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["MetricType"] == "TIME_SERIES_COUNT")
        .unwrap();
    assert_eq!(count["MetricValue"], 6.0);
    // The oracle rejects a wrong type: the check can fail.
    let broken = serde_json::json!([{"MetricType": "NOT_A_TYPE", "MetricValue": 1.0}]);
    assert!(
        !oracle()
            .validate("DataQualityMetricList", &broken)
            .is_empty()
    );
}

#[test]
fn more_combinations_than_followed_are_capped_and_say_so_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from("ts,user,x\n");
    for i in 0..150_000u64 {
        let _ = writeln!(s, "{},u{i},1", hour((i % 300) as i64));
    }
    let p = dir.path().join("wide.csv");
    std::fs::write(&p, s).unwrap();
    let (code, out, err, peak) = run_watched(&[
        "quality".as_ref(),
        p.as_os_str(),
        "--json".as_ref(),
        "--frequency".as_ref(),
        "PT1H".as_ref(),
        "--dimension".as_ref(),
        "user".as_ref(),
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["time_series_count"], 150_000);
    assert_eq!(v["series_followed"], 100_000);
    assert_eq!(v["series_capped"], true);
    assert_eq!(v["series"].as_array().unwrap().len(), 1_000);
    assert_eq!(v["dimensions"][0]["distinct"], 150_000);
    assert!(peak < 256 << 20, "peak memory {} MiB", peak >> 20);
}

#[test]
fn export_warns_that_most_metrics_have_too_little_history() {
    let dir = tempfile::tempdir().unwrap();
    let (code, v) = run_json(
        l4m()
            .arg("export")
            .arg(sparse(dir.path()))
            .args([
                "-o",
                "-",
                "--json",
                "--frequency",
                "PT1H",
                "--timestamp",
                "ts",
            ])
            .args(["--dimension", "region", "--measure", "x", "--measure", "y"]),
    );
    assert_eq!(code, 3, "errors remain (no ARNs)");
    let sparse = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "sparse-metrics")
        .expect("a sparse-metrics finding");
    assert_eq!(sparse["severity"], "warning");
    assert!(
        sparse["message"]
            .as_str()
            .unwrap()
            .starts_with("4 of 6 metrics have fewer than 285 intervals with data (sparsest: x for region=c with 5;"),
        "{sparse}"
    );
    let y = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "column-completeness")
        .expect("a completeness finding");
    assert_eq!(y["message"], "column \"y\" has a value in 88.8% of records");
}

/// A scan of `path` through the library, narrowed to some dimension values (and a measure).
fn narrowed(path: &Path, dims: &[(&str, &str)], measure: Option<&str>) -> serde_json::Value {
    use l4m::coverage::{self, Narrow, ScanControl, ScanSpec};
    use l4m::schema::{Frequency, Role};
    let i = l4m::inspect::inspect(
        &l4m::source::local::LocalSource,
        &l4m::source::Location::Local(path.to_path_buf()),
        false,
        &l4m::format::Overrides::default(),
    )
    .unwrap();
    let mut labels = i.suggested.clone();
    labels.set("region", Role::Dimension, None).unwrap();
    labels.set("x", Role::Measure, None).unwrap();
    labels.set("y", Role::Measure, None).unwrap();
    let mut spec =
        ScanSpec::from_labels(&i, &labels, Some(Frequency::PT1H), chrono_tz::UTC).unwrap();
    spec.narrow = Some(Narrow {
        dimensions: dims
            .iter()
            .map(|(d, v)| (d.to_string(), v.to_string()))
            .collect(),
        measure: measure.map(str::to_string),
    });
    let c = coverage::scan(
        &l4m::source::local::LocalSource,
        &i.dataset,
        &i.dialect(),
        &spec,
        &std::sync::Arc::new(ScanControl::default()),
    )
    .unwrap();
    serde_json::to_value(&c).unwrap()
}

#[test]
fn a_scan_narrowed_to_a_dimension_value_or_a_series_counts_only_its_records() {
    let dir = tempfile::tempdir().unwrap();
    let p = sparse(dir.path());
    let b = narrowed(&p, &[("region", "b")], None);
    assert_eq!(b["records"], 40);
    assert_eq!(b["intervals_with_data"], 40);
    assert_eq!(
        b["intervals_spanned"], 391,
        "every tenth hour from 0 to 390"
    );
    assert_eq!(b["narrowed"]["dimensions"][0][1], "b");
    let by = narrowed(&p, &[("region", "b")], Some("y"));
    assert_eq!(by["records"], 39, "one y is n/a");
    let ay = narrowed(&p, &[("region", "a")], Some("y"));
    assert_eq!(ay["intervals_with_data"], 350);
    assert_eq!(ay["first_interval"], "2021-01-03T02:00:00Z");
    let none = narrowed(&p, &[("region", "zzz")], None);
    assert_eq!(none["records"], 0);
}
