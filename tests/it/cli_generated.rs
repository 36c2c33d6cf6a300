//! The command line end to end on generated data whose truth is known: every CSV dialect, JSON
//! lines, gzip, every timestamp form, gaps, two timezones and records on interval boundaries.

use crate::common;

use std::path::{Path, PathBuf};

use common::synth::{self, Layout, Quote, Spec, Truth, TsStyle};
use common::*;
use l4m::schema::Frequency;
use serde_json::Value;

fn csv(
    delimiter: u8,
    quote: Quote,
    header: bool,
    crlf: bool,
    bom: bool,
    timestamp: TsStyle,
) -> Layout {
    Layout::Csv {
        delimiter,
        quote,
        header,
        crlf,
        bom,
        timestamp,
    }
}

/// 300 hourly slots with three gaps (the longest 24 slots), 21 rows each.
fn spec(layout: Layout) -> Spec {
    let mut s = Spec::ecommerce_hourly(300, 7);
    s.gaps = vec![10..12, 100..124, 250..251];
    s.layout = layout;
    s
}

fn write_file(dir: &Path, name: &str, spec: &Spec, gzip: bool) -> (PathBuf, Truth) {
    let path = dir.join(name);
    let mut f = std::fs::File::create(&path).unwrap();
    let truth = if gzip {
        synth::write_gzip(spec, &mut f).unwrap()
    } else {
        synth::write(spec, &mut f).unwrap()
    };
    assert_eq!(truth, spec.truth());
    (path, truth)
}

fn coverage(path: &Path, extra: &[&str]) -> Value {
    let (code, v) = run_json(l4m().arg("coverage").arg(path).arg("--json").args(extra));
    assert_eq!(code, 0, "{v}");
    v
}

fn inspect(path: &Path, extra: &[&str]) -> Value {
    let (code, v) = run_json(l4m().arg("inspect").arg(path).arg("--json").args(extra));
    assert_eq!(code, 0, "{v}");
    v
}

fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The coverage report equals the generator's truth, figure by figure.
fn assert_truth(v: &Value, t: &Truth) {
    assert_eq!(v["records"], t.records, "records");
    assert_eq!(v["records_skipped"], 0, "records_skipped");
    assert_eq!(
        v["intervals_spanned"], t.intervals_spanned,
        "intervals_spanned"
    );
    assert_eq!(
        v["intervals_with_data"], t.intervals_with_data,
        "intervals_with_data"
    );
    assert_eq!(
        v["intervals_missing"], t.intervals_missing,
        "intervals_missing"
    );
    assert_eq!(
        v["first_interval"],
        rfc3339(t.first_interval),
        "first_interval"
    );
    assert_eq!(
        v["last_interval"],
        rfc3339(t.last_interval),
        "last_interval"
    );
    assert_eq!(
        v["longest_gaps"][0]["intervals"], t.longest_gap,
        "longest gap"
    );
    assert_eq!(v["max_records_per_interval"], t.max_records_per_interval);
    assert_eq!(
        v["dimension_combinations"],
        t.distinct_dimension_combinations
    );
    assert_eq!(
        v["meets_threshold"],
        t.intervals_with_data >= 285,
        "meets_threshold"
    );
}

#[test]
fn coverage_of_a_dataset_with_known_gaps_matches_the_generator_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let s = spec(Layout::csv());
    let (path, truth) = write_file(dir.path(), "data.csv", &s, false);
    // 300 slots less 2 + 24 + 1 missing = 273 with data: below 285.
    assert_eq!(truth.intervals_with_data, 273);
    let v = coverage(&path, &[]);
    assert_truth(&v, &truth);
    assert_eq!(v["meets_threshold"], false);
    assert_eq!(v["span_meets_threshold"], true);
    let gaps = v["longest_gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 3);
    assert_eq!(gaps[0]["start"], "2020-10-05T04:00:00Z");
    assert_eq!(gaps[0]["end"], "2020-10-06T04:00:00Z");
    assert_eq!(gaps[1]["intervals"], 2);
    assert_eq!(gaps[2]["intervals"], 1);
    assert_eq!(v["intervals"].as_array().unwrap().len(), 273);
}

#[test]
fn the_bundled_sample_passes_the_threshold_with_its_documented_figures() {
    let v = coverage(&root().join("assets/ecommerce"), &[]);
    assert_eq!(v["records"], 11_508);
    assert_eq!(v["intervals_with_data"], 548);
    assert_eq!(v["intervals_missing"], 28);
    assert_eq!(v["longest_gaps"][0]["intervals"], 24);
    assert_eq!(v["meets_threshold"], true);
    assert_eq!(v["files_scanned"], 24);
}

#[test]
fn every_delimiter_and_quote_style_is_detected_and_counted() {
    let cases: &[(u8, Quote, &str, &str)] = &[
        (b',', Quote::None, ",", "\""),
        (b'\t', Quote::Double, "\t", "\""),
        (b'|', Quote::Single, "|", "'"),
        (b';', Quote::Double, ";", "\""),
        (b',', Quote::Always(b'"'), ",", "\""),
        (b',', Quote::Always(b'\''), ",", "'"),
        (b' ', Quote::Double, " ", "\""),
    ];
    for (i, (delim, quote, want_delim, want_quote)) in cases.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let s = spec(csv(*delim, *quote, true, false, false, TsStyle::DEFAULT));
        let (path, truth) = write_file(dir.path(), "d.csv", &s, false);
        let v = inspect(&path, &[]);
        assert_eq!(v["delimiter"], *want_delim, "case {i}");
        assert_eq!(v["quote"], *want_quote, "case {i}");
        assert_eq!(
            v["columns"][2]["timestamp_format"], "yyyy-MM-dd HH:mm:ss",
            "case {i}"
        );
        assert_eq!(v["frequency"], "PT1H", "case {i}");
        assert_truth(&coverage(&path, &[]), &truth);
    }
}

#[test]
fn a_file_without_header_crlf_and_bom_is_read_right() {
    let dir = tempfile::tempdir().unwrap();
    let s = spec(csv(b',', Quote::None, false, true, true, TsStyle::DEFAULT));
    let (path, truth) = write_file(dir.path(), "noheader.csv", &s, false);
    let v = inspect(&path, &[]);
    assert_eq!(v["has_header"], false);
    assert_eq!(v["line_ending"], "CRLF");
    assert_eq!(v["columns"][2]["name"], "column_3");
    assert_eq!(v["columns"][2]["role"], "timestamp");
    assert_eq!(
        v["columns"][0]["examples"][0], "pc_web",
        "no BOM left in the first value"
    );
    assert_truth(&coverage(&path, &[]), &truth);

    let s = spec(csv(b',', Quote::Double, true, true, true, TsStyle::DEFAULT));
    let (path, truth) = write_file(dir.path(), "bom.csv", &s, false);
    let v = inspect(&path, &[]);
    assert_eq!(
        v["columns"][0]["name"], "platform",
        "the BOM is not part of the first name"
    );
    assert_truth(&coverage(&path, &[]), &truth);
}

#[test]
fn gzip_is_found_by_its_magic_bytes_whatever_the_name() {
    let dir = tempfile::tempdir().unwrap();
    let s = spec(Layout::csv());
    for name in ["d.csv.gz", "misnamed.csv"] {
        let (path, truth) = write_file(dir.path(), name, &s, true);
        let v = inspect(&path, &[]);
        assert_eq!(v["compression"], "gzip", "{name}");
        assert_truth(&coverage(&path, &[]), &truth);
    }
}

#[test]
fn json_lines_are_detected_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    for (i, ts) in [TsStyle::DEFAULT, TsStyle::UnixSeconds]
        .into_iter()
        .enumerate()
    {
        let s = spec(Layout::JsonLines { timestamp: ts });
        let (path, truth) = write_file(dir.path(), &format!("d{i}.jsonl"), &s, i == 1);
        let v = inspect(&path, &[]);
        assert_eq!(v["format"], "jsonl");
        assert_eq!(v["timestamp_format"], ts.java());
        assert_truth(&coverage(&path, &[]), &truth);
    }
}

#[test]
fn every_timestamp_form_is_detected_and_gives_the_true_coverage() {
    let forms = [
        TsStyle::DEFAULT,
        TsStyle::Pattern {
            strftime: "%Y-%m-%d %H:%M",
            java: "yyyy-MM-dd HH:mm",
        },
        TsStyle::Pattern {
            strftime: "%Y-%m-%d %I:%M:%S %p",
            java: "yyyy-MM-dd hh:mm:ss a",
        },
        TsStyle::Pattern {
            strftime: "%Y-%m-%d %H:%M:%S%.3f",
            java: "yyyy-MM-dd HH:mm:ss.SSS",
        },
        TsStyle::Pattern {
            strftime: "%Y-%m-%dT%H:%M:%S",
            java: "yyyy-MM-dd'T'HH:mm:ss",
        },
        TsStyle::Pattern {
            strftime: "%Y-%m-%dT%H:%M:%SZ",
            java: "yyyy-MM-dd'T'HH:mm:ssX",
        },
        TsStyle::Pattern {
            strftime: "%Y-%m-%dT%H:%M:%S+0000",
            java: "yyyy-MM-dd'T'HH:mm:ssZ",
        },
        TsStyle::Pattern {
            strftime: "%Y/%m/%d %H:%M",
            java: "yyyy/MM/dd HH:mm",
        },
        TsStyle::Pattern {
            strftime: "%m/%d/%Y %H:%M",
            java: "MM/dd/yyyy HH:mm",
        },
        TsStyle::UnixSeconds,
        TsStyle::UnixMillis,
    ];
    for ts in forms {
        let dir = tempfile::tempdir().unwrap();
        let s = spec(csv(b',', Quote::None, true, false, false, ts));
        let (path, truth) = write_file(dir.path(), "t.csv", &s, false);
        let v = inspect(&path, &[]);
        assert_eq!(v["timestamp_column"], "timestamp", "{}", ts.java());
        assert_eq!(v["timestamp_format"], ts.java());
        assert_eq!(v["frequency"], "PT1H", "{}", ts.java());
        assert_truth(&coverage(&path, &[]), &truth);
    }
}

#[test]
fn history_longer_than_the_continuous_window_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = spec(Layout::csv());
    // 5-minute data over 100 days: beyond the 3 months continuous mode reads at PT5M.
    s.frequency = Frequency::PT5M;
    s.intervals = 100 * 288;
    s.rows_per_interval = 1;
    let (path, _) = write_file(dir.path(), "long.csv", &s, false);
    let (code, v) = run_json(
        l4m()
            .arg("export")
            .arg(&path)
            .args([
                "--json",
                "--name",
                "long",
                "--role-arn",
                "arn:aws:iam::123456789012:role/R",
            ])
            .args([
                "--detector-arn",
                "arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:d",
            ])
            .args(["--historical-path", "s3://bucket/long/", "-o", "-"]),
    );
    assert_eq!(code, 0, "{v}");
    let warnings: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(warnings.contains(&"continuous-history"), "{warnings:?}");
    assert!(
        warnings.contains(&"interval-count"),
        "more than 3,000 intervals: {warnings:?}"
    );
}

#[test]
fn a_date_only_format_is_daily() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = spec(csv(
        b',',
        Quote::None,
        true,
        false,
        false,
        TsStyle::Pattern {
            strftime: "%Y-%m-%d",
            java: "yyyy-MM-dd",
        },
    ));
    s.frequency = Frequency::P1D;
    s.intervals = 40;
    s.gaps = std::iter::once(5..8).collect();
    let (path, truth) = write_file(dir.path(), "daily.csv", &s, false);
    let v = inspect(&path, &[]);
    assert_eq!(v["timestamp_format"], "yyyy-MM-dd");
    assert_eq!(v["frequency"], "P1D");
    let c = coverage(&path, &[]);
    assert_truth(&c, &truth);
    assert_eq!(c["intervals_with_data"], 37);
}

#[test]
fn wall_clock_timestamps_follow_the_dataset_timezone() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = spec(Layout::csv());
    s.timezone = chrono_tz::America::New_York;
    let (path, truth) = write_file(dir.path(), "ny.csv", &s, false);
    // Midnight in New York in October is 04:00 UTC.
    assert_eq!(rfc3339(truth.first_interval), "2020-10-01T04:00:00Z");
    let v = coverage(&path, &["--timezone", "America/New_York"]);
    assert_eq!(v["timezone"], "America/New_York");
    assert_truth(&v, &truth);
    // Read as UTC, the same wall-clock values start four hours earlier.
    let v = coverage(&path, &[]);
    assert_eq!(v["first_interval"], "2020-10-01T00:00:00Z");
    assert_eq!(v["intervals_with_data"], truth.intervals_with_data);
}

#[test]
fn offsets_in_the_values_place_records_in_the_right_local_day() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("offsets.csv");
    // 23:30 and 00:30 New York time: two New York days, but one UTC day (03:30Z and 04:30Z).
    std::fs::write(
        &path,
        "ts,n\n2020-10-01T23:30:00-04:00,1\n2020-10-02T00:30:00-04:00,2\n",
    )
    .unwrap();
    let ny = coverage(
        &path,
        &["--frequency", "P1D", "--timezone", "America/New_York"],
    );
    assert_eq!(ny["timestamp_format"], "yyyy-MM-dd'T'HH:mm:ssXXX");
    assert_eq!(ny["intervals_with_data"], 2);
    assert_eq!(ny["first_interval"], "2020-10-01T04:00:00Z");
    assert_eq!(ny["last_interval"], "2020-10-02T04:00:00Z");
    let utc = coverage(&path, &["--frequency", "P1D"]);
    assert_eq!(utc["intervals_with_data"], 1);
    assert_eq!(utc["first_interval"], "2020-10-02T00:00:00Z");
    assert_eq!(utc["max_records_per_interval"], 2);
}

#[test]
fn a_record_on_a_boundary_belongs_to_the_interval_it_starts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.csv");
    std::fs::write(
        &path,
        "ts,n\n2020-10-01 00:59:59,1\n2020-10-01 01:00:00,1\n2020-10-01 01:59:59,1\n2020-10-01 02:00:00,1\n2020-10-01 02:04:59,1\n2020-10-01 02:05:00,1\n",
    )
    .unwrap();
    let v = coverage(&path, &["--frequency", "PT1H"]);
    let counts: Vec<(String, u64)> = v["intervals"]
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
    assert_eq!(
        counts,
        [
            ("2020-10-01T00:00:00Z".to_string(), 1),
            ("2020-10-01T01:00:00Z".to_string(), 2),
            ("2020-10-01T02:00:00Z".to_string(), 3),
        ]
    );
    let v = coverage(&path, &["--frequency", "PT5M"]);
    let last: Vec<u64> = v["intervals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["records"].as_u64().unwrap())
        .collect();
    // 00:55, 01:00, 01:55, 02:00 (02:00:00 and 02:04:59), 02:05.
    assert_eq!(last, [1, 1, 1, 2, 1]);
    assert_eq!(v["intervals_spanned"], 15);
}

#[test]
fn records_inside_intervals_count_the_same_as_records_on_the_boundary() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = spec(Layout::csv());
    s.offset_seconds = 3599;
    let (path, truth) = write_file(dir.path(), "late.csv", &s, false);
    assert_truth(&coverage(&path, &[]), &truth);
}

#[test]
fn the_continuous_layout_counts_files_per_interval() {
    let dir = tempfile::tempdir().unwrap();
    let s = spec(Layout::csv());
    let truth = synth::write_continuous(&s, dir.path()).unwrap();
    let v = coverage(dir.path(), &["--recursive"]);
    assert_truth(&v, &truth);
    assert_eq!(v["files_scanned"], truth.intervals_with_data);
    assert_eq!(v["max_files_per_interval"], 1);
}

#[test]
fn files_of_a_folder_may_order_their_columns_differently() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.csv"),
        "ts,views,platform\n2020-10-01 00:00:00,5,web\n2020-10-01 01:00:00,6,app\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.csv"),
        "platform,ts,views\nweb,2020-10-01 02:00:00,7\napp,2020-10-01 03:00:00,x\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("c.csv"), "views,platform\n1,web\n").unwrap();
    let v = coverage(dir.path(), &["--frequency", "PT1H"]);
    assert_eq!(v["records"], 4);
    assert_eq!(v["intervals_with_data"], 4);
    assert_eq!(v["last_interval"], "2020-10-01T03:00:00Z");
    // The measure check follows the column by name: b.csv line 3 holds "x".
    assert_eq!(v["measures"][0]["not_numeric"], 1);
    assert_eq!(v["measures"][0]["not_numeric_example"]["file"], "b.csv");
    // A file without the timestamp column is named, and the report is partial.
    assert_eq!(v["complete"], false);
    assert_eq!(v["incomplete_files"][0]["file"], "c.csv");
    assert!(
        v["incomplete_files"][0]["error"]
            .as_str()
            .unwrap()
            .starts_with("its header has no column \"ts\""),
        "{}",
        v["incomplete_files"][0]
    );
}

#[test]
fn records_outside_their_folders_interval_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    for (folder, ts) in [
        ("20201001/0000", "2020-10-01 00:10:00"),
        ("20201001/0100", "2020-10-01 01:20:00"),
        // Misplaced: a 00:30 record in the 02:00 folder.
        ("20201001/0200", "2020-10-01 00:30:00"),
        ("20201001/0400", "2020-10-01 04:00:00"),
    ] {
        std::fs::create_dir_all(dir.path().join(folder)).unwrap();
        std::fs::write(
            dir.path().join(folder).join("d.csv"),
            format!("ts,n\n{ts},1\n"),
        )
        .unwrap();
    }
    let v = coverage(dir.path(), &["--recursive", "--frequency", "PT1H"]);
    assert_eq!(v["template"], "{{yyyyMMdd}}/{{HHmm}}");
    assert_eq!(v["folders"], 4);
    assert_eq!(v["folders_missing"], 1);
    assert_eq!(v["missing_folders"][0], "2020-10-01T03:00:00Z");
    assert_eq!(v["records_outside_folder"], 1);
    assert_eq!(v["outside_folder_example"]["file"], "20201001/0200/d.csv");
    assert_eq!(v["outside_folder_example"]["line"], 2);
}

#[test]
fn exported_configs_for_generated_dialects_pass_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let layouts = [
        csv(
            b'\t',
            Quote::Single,
            false,
            false,
            false,
            TsStyle::UnixMillis,
        ),
        Layout::JsonLines {
            timestamp: TsStyle::DEFAULT,
        },
    ];
    for (i, layout) in layouts.into_iter().enumerate() {
        let mut s = spec(layout);
        s.gaps.clear();
        let (path, _) = write_file(dir.path(), &format!("e{i}.data"), &s, i == 1);
        let out = dir.path().join(format!("e{i}.json"));
        let (code, _, err) = run(l4m()
            .arg("export")
            .arg(&path)
            .args([
                "--name",
                "generated",
                "--role-arn",
                "arn:aws:iam::123456789012:role/R",
            ])
            .args([
                "--detector-arn",
                "arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:d",
            ])
            .args(["--historical-path", "s3://bucket/generated/"])
            .arg("-o")
            .arg(&out));
        assert_eq!(code, 0, "{err}");
        let config: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        assert_eq!(metric_set_violations(&config), [], "layout {i}");
        let ffd = &config["MetricSource"]["S3SourceConfig"]["FileFormatDescriptor"];
        if i == 0 {
            let csv = &ffd["CsvFormatDescriptor"];
            assert_eq!(csv["Delimiter"], "\t");
            assert_eq!(csv["QuoteSymbol"], "'");
            assert_eq!(csv["ContainsHeader"], false);
            assert_eq!(csv["HeaderList"][2], "column_3");
            assert_eq!(config["TimestampColumn"]["ColumnFormat"], "UNIX");
        } else {
            assert_eq!(ffd["JsonFormatDescriptor"]["FileCompression"], "GZIP");
        }
    }
}

#[test]
fn a_broken_config_fails_the_model_validator() {
    let dir = tempfile::tempdir().unwrap();
    let s = spec(Layout::csv());
    let (path, _) = write_file(dir.path(), "x.csv", &s, false);
    let out = dir.path().join("x.json");
    let (code, _, err) = run(l4m()
        .arg("export")
        .arg(&path)
        .args([
            "--name",
            "x",
            "--no-scan",
            "--role-arn",
            "arn:aws:iam::123456789012:role/R",
        ])
        .args([
            "--detector-arn",
            "arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:d",
        ])
        .args(["--historical-path", "s3://bucket/x/"])
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    let good: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(metric_set_violations(&good), []);
    let mut bad = good.clone();
    bad["MetricSetFrequency"] = Value::from("PT2H");
    bad["MetricList"][0]["AggregationFunction"] = Value::from("MEAN");
    let paths: Vec<String> = metric_set_violations(&bad)
        .into_iter()
        .map(|v| v.path)
        .collect();
    assert_eq!(
        paths,
        ["MetricList[0].AggregationFunction", "MetricSetFrequency"]
    );
}
