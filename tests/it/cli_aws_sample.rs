//! The command line end to end on the real AWS sample files in tests/fixtures/data.

use crate::common;

use common::*;
use serde_json::Value;

const ROLE: &str = "arn:aws:iam::123456789012:role/L4MRole";
const DETECTOR: &str = "arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:ecommerce";

#[test]
fn inspect_detects_the_aws_csv_format_and_suggests_roles() {
    let file = fixture("l4m-ecommerce-live/20201001/0000/20201001_000000.csv");
    let (code, v) = run_json(l4m().arg("inspect").arg(&file).arg("--json"));
    assert_eq!(code, 0);
    assert_eq!(v["format"], "csv");
    assert_eq!(v["compression"], "none");
    assert_eq!(v["delimiter"], ",");
    assert_eq!(v["quote"], "\"");
    assert_eq!(v["has_header"], true);
    assert_eq!(v["line_ending"], "CRLF");
    assert_eq!(v["sample_rows"], 21);
    let cols: Vec<(String, String, String, u64)> = v["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["kind"].as_str().unwrap().to_string(),
                c["role"].as_str().unwrap().to_string(),
                c["distinct"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("platform", "text", "dimension", 3),
        ("marketplace", "text", "dimension", 7),
        ("timestamp", "timestamp", "timestamp", 1),
        ("views", "number", "measure", 21),
        ("revenue", "number", "measure", 21),
    ];
    let expected: Vec<(String, String, String, u64)> = expected
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), *d))
        .collect();
    assert_eq!(cols, expected);
    assert_eq!(v["columns"][2]["timestamp_format"], "yyyy-MM-dd HH:mm:ss");
    // One file holds one hour: the spacing cannot be seen.
    assert_eq!(v["frequency"], Value::Null);
    assert_eq!(v["frequency_confidence"], "NONE");
}

#[test]
fn inspect_of_the_continuous_layout_finds_the_hourly_interval_from_two_files() {
    let (code, v) = run_json(
        l4m()
            .arg("inspect")
            .arg(fixture("l4m-ecommerce-live"))
            .args(["--recursive", "--json"]),
    );
    assert_eq!(code, 0);
    assert_eq!(v["files"], 2);
    assert_eq!(v["frequency"], "PT1H");
    assert_eq!(v["frequency_confidence"], "HIGH");
}

#[test]
fn a_folder_without_recursive_says_how_to_read_its_subfolders() {
    let (code, _, err) = run(l4m().arg("inspect").arg(fixture("l4m-ecommerce-live")));
    assert_eq!(code, 1);
    assert_one_line_error(&err, "add --recursive");
}

#[test]
fn inspect_reads_the_json_lines_sample() {
    let file = fixture("l4m-ecommerce-live-20201001_000000.DERIVED.jsonl");
    let (code, v) = run_json(l4m().arg("inspect").arg(&file).arg("--json"));
    assert_eq!(code, 0);
    assert_eq!(v["format"], "jsonl");
    assert_eq!(v["delimiter"], Value::Null);
    let names: Vec<&str> = v["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["platform", "marketplace", "timestamp", "views", "revenue"]
    );
    assert_eq!(v["columns"][3]["kind"], "number");
    assert_eq!(v["columns"][3]["role"], "measure");
}

#[test]
fn coverage_of_two_hours_counts_42_records_and_fails_the_threshold() {
    let (code, v) = run_json(
        l4m()
            .arg("coverage")
            .arg(fixture("l4m-ecommerce-live"))
            .args(["--recursive", "--json", "--require-threshold"]),
    );
    assert_eq!(code, 3, "--require-threshold fails below 285");
    assert_eq!(v["frequency"], "PT1H");
    assert_eq!(v["timezone"], "UTC");
    assert_eq!(v["timestamp_column"], "timestamp");
    assert_eq!(v["timestamp_format"], "yyyy-MM-dd HH:mm:ss");
    assert_eq!(v["records"], 42);
    assert_eq!(v["records_skipped"], 0);
    assert_eq!(v["first_interval"], "2020-10-01T00:00:00Z");
    assert_eq!(v["last_interval"], "2020-10-01T01:00:00Z");
    assert_eq!(v["intervals_spanned"], 2);
    assert_eq!(v["intervals_with_data"], 2);
    assert_eq!(v["intervals_missing"], 0);
    assert_eq!(v["threshold"], 285);
    assert_eq!(v["meets_threshold"], false);
    assert_eq!(v["max_records_per_interval"], 21);
    assert_eq!(v["max_files_per_interval"], 1);
    // One file an interval: the bytes of an interval are its file's size, 1,070 for 00:00.
    assert_eq!(v["max_bytes_per_interval"], 1_070);
    assert_eq!(v["bytes_quota"], 200_000_000);
    assert_eq!(v["dimension_combinations"], 21);
    let intervals = v["intervals"].as_array().unwrap();
    assert_eq!(intervals.len(), 2);
    assert_eq!(intervals[1]["start"], "2020-10-01T01:00:00Z");
    assert_eq!(intervals[1]["records"], 21);
}

#[test]
fn coverage_without_require_threshold_exits_zero_and_prints_fail() {
    let (code, out, _) = run(l4m()
        .arg("coverage")
        .arg(fixture("l4m-ecommerce-live"))
        .arg("--recursive"));
    assert_eq!(code, 0);
    assert!(
        out.contains("threshold          FAIL: 2 intervals with data < 285"),
        "{out}"
    );
}

#[test]
fn export_of_the_aws_sample_matches_the_aws_request_and_passes_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("metric-set.json");
    let (code, v) = run_json(
        l4m()
            .arg("export")
            .arg(fixture("l4m-ecommerce-live"))
            .args(["--recursive", "--json", "--draft", "--name", "ecommerce"])
            .args(["--role-arn", ROLE, "--detector-arn", DETECTOR])
            .args(["--historical-path", "s3://my-bucket/ecommerce/backtest/"])
            .args([
                "--template-path",
                "s3://my-bucket/ecommerce/live/{{yyyyMMdd}}/{{HHmm}}",
            ])
            .arg("-o")
            .arg(&out),
    );
    // Two hours are below 285 intervals: an error finding, so exit 3, but --draft writes.
    assert_eq!(code, 3);
    assert_eq!(error_rules(&v), ["interval-count"]);
    let written: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(metric_set_violations(&written), []);
    assert_eq!(written["MetricSetName"], "ecommerce");
    assert_eq!(written["MetricSetFrequency"], "PT1H");
    assert_eq!(
        written["TimestampColumn"]["ColumnFormat"],
        "yyyy-MM-dd HH:mm:ss"
    );
    assert_eq!(
        written["MetricList"],
        serde_json::json!([
            {"MetricName": "views", "AggregationFunction": "SUM"},
            {"MetricName": "revenue", "AggregationFunction": "SUM"}
        ])
    );
    assert_eq!(
        written["DimensionList"],
        serde_json::json!(["platform", "marketplace"])
    );
    let csv =
        &written["MetricSource"]["S3SourceConfig"]["FileFormatDescriptor"]["CsvFormatDescriptor"];
    assert_eq!(csv["ContainsHeader"], true);
    assert_eq!(csv["Delimiter"], ",");
    assert_eq!(csv["QuoteSymbol"], "\"");
    assert_eq!(
        written["MetricSource"]["S3SourceConfig"]["TemplatedPathList"][0],
        "s3://my-bucket/ecommerce/live/{{yyyyMMdd}}/{{HHmm}}"
    );
}

#[test]
fn export_without_arns_names_each_missing_value_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.json");
    let (code, v) = run_json(
        l4m()
            .arg("export")
            .arg(fixture("l4m-ecommerce-live"))
            .args(["--recursive", "--json", "--no-scan"])
            .arg("-o")
            .arg(&out),
    );
    assert_eq!(code, 3);
    assert!(
        !out.exists(),
        "nothing is written when findings hold errors"
    );
    let mut rules = error_rules(&v);
    rules.sort();
    assert_eq!(rules, ["detector-arn", "role-arn", "s3-path"]);
    // Nothing is made up: the config has no ARN and no path.
    assert!(v["config"].get("AnomalyDetectorArn").is_none());
    assert!(
        v["config"]["MetricSource"]["S3SourceConfig"]
            .get("RoleArn")
            .is_none()
    );
}

#[test]
fn cloudformation_yaml_and_json_templates_pass_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let json_out = dir.path().join("t.json");
    let (code, _, err) = run(l4m()
        .arg("export")
        .arg(fixture("l4m-ecommerce-live"))
        .args([
            "--recursive",
            "--no-scan",
            "--target",
            "cloudformation",
            "--name",
            "ecommerce",
        ])
        .args(["--historical-path", "s3://my-bucket/ecommerce/backtest/"])
        .arg("-o")
        .arg(&json_out));
    assert_eq!(code, 0, "{err}");
    let template: Value = serde_json::from_slice(&std::fs::read(&json_out).unwrap()).unwrap();
    assert_eq!(cloudformation_violations(&template), []);
    assert_eq!(
        template["Resources"]["AnomalyDetector"]["Properties"]["MetricSetList"][0]["MetricSource"]
            ["S3SourceConfig"]["RoleArn"],
        serde_json::json!({"Ref": "RoleArn"})
    );
    let (code, yaml, err) = run(l4m()
        .arg("export")
        .arg(fixture("l4m-ecommerce-live"))
        .args([
            "--recursive",
            "--no-scan",
            "--target",
            "cloudformation",
            "--yaml",
            "--name",
            "ecommerce",
        ])
        .args([
            "--historical-path",
            "s3://my-bucket/ecommerce/backtest/",
            "-o",
            "-",
        ]));
    assert_eq!(code, 0, "{err}");
    assert!(
        yaml.contains("        - MetricSetName: \"ecommerce\"\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("AnomalyDetectorFrequency: \"PT1H\""),
        "{yaml}"
    );
}

#[test]
fn export_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.json");
    std::fs::write(&out, "keep me").unwrap();
    let args = |force: bool| {
        let mut c = l4m();
        c.arg("export")
            .arg(fixture("l4m-ecommerce-live"))
            .args([
                "--recursive",
                "--no-scan",
                "--target",
                "cloudformation",
                "--name",
                "ecommerce",
            ])
            .args(["--historical-path", "s3://my-bucket/backtest/", "-o"])
            .arg(&out);
        if force {
            c.arg("--force");
        }
        c
    };
    let (code, _, err) = run(&mut args(false));
    assert_eq!(code, 1);
    assert_one_line_error(&err, "already exists: add --force");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me");
    let (code, _, err) = run(&mut args(true));
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("AWS::LookoutMetrics::AnomalyDetector")
    );
}
