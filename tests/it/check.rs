//! `l4m check CONFIG [LOCATION]`: a config held against data. The round trip (export, then check
//! the file against the same data: no errors), the same config against altered data (the right
//! error at the right member path), and configs written by hand, by `describe-metric-set` and as
//! CloudFormation, in JSON and YAML.

use crate::common;

use std::path::{Path, PathBuf};

use common::synth::{self, Layout, Quote, Spec, TsStyle};
use common::*;
use serde_json::Value;

const ROLE: &str = "arn:aws:iam::123456789012:role/L4MRole";
const DETECTOR: &str = "arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:ecommerce";
const DESCRIPTOR: &str = "MetricSource.S3SourceConfig.FileFormatDescriptor.CsvFormatDescriptor";

/// 300 hourly intervals of the synthetic e-commerce data (enough for the 285 minimum).
fn spec() -> Spec {
    Spec::ecommerce_hourly(300, 11)
}

/// Write `spec` as `dir/<name>/data.csv` (gzip when asked) and return the folder.
fn dataset(dir: &Path, name: &str, spec: &Spec, gzip: bool) -> PathBuf {
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder).unwrap();
    let mut f = std::fs::File::create(folder.join("data.csv")).unwrap();
    if gzip {
        synth::write_gzip(spec, &mut f).unwrap();
    } else {
        synth::write(spec, &mut f).unwrap();
    }
    folder
}

/// The same folder with its one file's text changed.
fn altered(dir: &Path, name: &str, change: impl Fn(&str) -> String) -> PathBuf {
    let folder = dataset(dir, name, &spec(), false);
    let file = folder.join("data.csv");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, change(&text)).unwrap();
    folder
}

/// Export a config of `data` with `l4m export`; extra options after the defaults.
fn export(data: &Path, out: &Path, extra: &[&str]) {
    let (code, _, err) = run(l4m()
        .arg("export")
        .arg(data)
        .arg("-o")
        .arg(out)
        .args([
            "--role-arn",
            ROLE,
            "--detector-arn",
            DETECTOR,
            "--historical-path",
            "s3://my-bucket/ecommerce/backtest/",
        ])
        .args(extra));
    assert_eq!(code, 0, "{err}");
}

fn check(config: &Path, data: &Path) -> (i32, Value) {
    run_json(l4m().arg("check").arg(config).arg(data).arg("--json"))
}

/// The (rule, path) of every error finding.
fn errors(v: &Value) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .expect("check --json has findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["path"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn has_error(v: &Value, rule: &str, path: &str) -> bool {
    errors(v).iter().any(|(r, p)| r == rule && p == path)
}

#[test]
fn an_exported_request_checked_against_the_same_data_has_no_errors() {
    let dir = tempfile::tempdir().unwrap();
    let data = dataset(dir.path(), "data", &spec(), false);
    let config = dir.path().join("ecommerce.json");
    export(&data, &config, &["--name", "ecommerce"]);
    let (code, v) = check(&config, &data);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["errors"], 0, "{v:#}");
    assert_eq!(v["kind"], "metric-set-request");
    assert_eq!(v["records"], 300 * 21);
    assert_eq!(v["applied"]["measures"][1]["name"], "revenue");
}

#[test]
fn the_exported_request_against_altered_data_gives_each_error_at_its_member() {
    let dir = tempfile::tempdir().unwrap();
    let data = dataset(dir.path(), "data", &spec(), false);
    let config = dir.path().join("ecommerce.json");
    export(&data, &config, &["--name", "ecommerce"]);

    let renamed = altered(dir.path(), "renamed", |t| {
        t.replacen("revenue", "income", 1)
    });
    let (code, v) = check(&config, &renamed);
    assert_eq!(code, 3);
    assert_eq!(
        errors(&v),
        [(
            "column-missing".to_string(),
            "MetricList[1].MetricName".to_string()
        )],
        "{v:#}"
    );

    let mut semicolons = spec();
    semicolons.layout = Layout::Csv {
        delimiter: b';',
        quote: Quote::None,
        header: true,
        crlf: false,
        bom: false,
        timestamp: TsStyle::DEFAULT,
    };
    let (code, v) = check(
        &config,
        &dataset(dir.path(), "semicolons", &semicolons, false),
    );
    assert_eq!(code, 3);
    assert!(
        has_error(&v, "delimiter", &format!("{DESCRIPTOR}.Delimiter")),
        "{v:#}"
    );
    assert_eq!(errors(&v).len(), 1, "only the delimiter: {v:#}");

    let mut slashes = spec();
    slashes.layout = Layout::Csv {
        delimiter: b',',
        quote: Quote::None,
        header: true,
        crlf: false,
        bom: false,
        timestamp: TsStyle::Pattern {
            strftime: "%d/%m/%Y %H:%M",
            java: "dd/MM/yyyy HH:mm",
        },
    };
    let (code, v) = check(&config, &dataset(dir.path(), "slashes", &slashes, false));
    assert_eq!(code, 3);
    assert!(
        has_error(&v, "timestamp-format", "TimestampColumn.ColumnFormat"),
        "{v:#}"
    );
    let hint = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "timestamp-format")
        .map(|f| f["hint"].as_str().unwrap_or_default().to_string())
        .unwrap();
    assert_eq!(
        hint,
        "set TimestampColumn.ColumnFormat to \"dd/MM/yyyy HH:mm\""
    );

    let (code, v) = check(
        &config,
        &dataset(dir.path(), "short", &Spec::ecommerce_hourly(100, 11), false),
    );
    assert_eq!(code, 3);
    assert_eq!(
        errors(&v),
        [(
            "interval-count".to_string(),
            "MetricSetFrequency".to_string()
        )],
        "{v:#}"
    );
}

#[test]
fn headers_compression_and_values_that_disagree_are_named_by_path() {
    let dir = tempfile::tempdir().unwrap();
    let data = dataset(dir.path(), "data", &spec(), false);
    let config = dir.path().join("ecommerce.json");
    export(&data, &config, &["--name", "ecommerce"]);

    let mut headless = spec();
    headless.layout = Layout::Csv {
        delimiter: b',',
        quote: Quote::None,
        header: false,
        crlf: false,
        bom: false,
        timestamp: TsStyle::DEFAULT,
    };
    let (code, v) = check(&config, &dataset(dir.path(), "headless", &headless, false));
    assert_eq!(code, 3);
    assert!(
        has_error(&v, "header", &format!("{DESCRIPTOR}.ContainsHeader")),
        "{v:#}"
    );

    let (code, v) = check(&config, &dataset(dir.path(), "gzip", &spec(), true));
    assert_eq!(code, 3);
    assert_eq!(
        errors(&v),
        [(
            "compression".to_string(),
            format!("{DESCRIPTOR}.FileCompression")
        )],
        "{v:#}"
    );

    // Every 50th record's views become text: the scan finds them, at the measure's path.
    let text_views = altered(dir.path(), "text-views", |t| {
        t.lines()
            .enumerate()
            .map(|(i, line)| {
                if i > 0 && i % 50 == 0 {
                    let mut f: Vec<&str> = line.split(',').collect();
                    f[3] = "n/a";
                    f.join(",")
                } else {
                    line.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    });
    let (code, v) = check(&config, &text_views);
    assert_eq!(code, 3);
    assert!(
        has_error(&v, "measure-numeric", "MetricList[0].MetricName"),
        "{v:#}"
    );
}

#[test]
fn an_interval_finer_than_the_data_is_an_error_at_the_interval() {
    let dir = tempfile::tempdir().unwrap();
    let data = dataset(dir.path(), "data", &spec(), false);
    let config = dir.path().join("ecommerce.json");
    export(&data, &config, &["--name", "ecommerce"]);
    let text = std::fs::read_to_string(&config).unwrap();
    let finer = dir.path().join("finer.json");
    std::fs::write(&finer, text.replace("\"PT1H\"", "\"PT5M\"")).unwrap();
    let (code, v) = check(&finer, &data);
    assert_eq!(code, 3);
    assert!(has_error(&v, "frequency", "MetricSetFrequency"), "{v:#}");
}

#[test]
fn an_exported_cloudformation_yaml_template_checks_clean_and_its_paths_lead_into_the_resource() {
    let dir = tempfile::tempdir().unwrap();
    let data = dataset(dir.path(), "data", &spec(), false);
    let config = dir.path().join("ecommerce.yaml");
    export(
        &data,
        &config,
        &[
            "--name",
            "ecommerce",
            "--target",
            "cloudformation",
            "--yaml",
        ],
    );
    let (code, v) = check(&config, &data);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["kind"], "cloud-formation");
    assert_eq!(v["syntax"], "yaml");
    let renamed = altered(dir.path(), "renamed", |t| t.replacen("views", "visits", 1));
    let (code, v) = check(&config, &renamed);
    assert_eq!(code, 3);
    assert_eq!(
        errors(&v),
        [(
            "column-missing".to_string(),
            "Resources.AnomalyDetector.Properties.MetricSetList[0].MetricList[0].MetricName"
                .to_string()
        )],
        "{v:#}"
    );
}

fn sample() -> PathBuf {
    root().join("assets/ecommerce")
}

fn config_fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/configs").join(name)
}

#[test]
fn hand_written_describe_and_cloudformation_configs_in_json_and_yaml_fit_the_sample() {
    let kinds = [
        ("ecommerce-handwritten.json", "metric-set-request", "json"),
        ("ecommerce-handwritten.yaml", "metric-set-request", "yaml"),
        ("ecommerce-describe.json", "describe-metric-set", "json"),
        ("ecommerce-cloudformation.json", "cloud-formation", "json"),
        ("ecommerce-cloudformation.yaml", "cloud-formation", "yaml"),
    ];
    for (file, kind, syntax) in kinds {
        let (code, v) = check(&config_fixture(file), &sample());
        assert_eq!(code, 0, "{file}: {v:#}");
        assert_eq!(v["kind"], kind, "{file}");
        assert_eq!(v["syntax"], syntax, "{file}");
        assert_eq!(v["records"], 11_508, "{file}");
        assert_eq!(v["intervals_with_data"], 548, "{file}");
        assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{file}: {v:#}");
    }
}

#[test]
fn a_config_that_breaks_the_api_model_is_reported_field_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut v: Value = serde_json::from_str(
        &std::fs::read_to_string(config_fixture("ecommerce-describe.json")).unwrap(),
    )
    .unwrap();
    v["MetricSetName"] = "e-commerce sample".into();
    v["MetricList"][1]["AggregationFunction"] = "MEAN".into();
    v["Offset"] = 500_000.into();
    v["CreationTime"] = true.into();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, v.to_string()).unwrap();
    let (code, out) = check(&bad, &sample());
    assert_eq!(code, 3);
    let mut paths: Vec<String> = errors(&out).into_iter().map(|(_, p)| p).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "CreationTime",
            "MetricList[1].AggregationFunction",
            "MetricSetName",
            "Offset"
        ],
        "{out:#}"
    );
}

#[test]
fn the_text_report_names_each_member_and_the_edit_that_fixes_it() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(config_fixture("ecommerce-handwritten.yaml")).unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, text.replace("Delimiter: \",\"", "Delimiter: \"|\"")).unwrap();
    let (code, out, err) = run(l4m().arg("check").arg(&bad).arg(sample()));
    assert_eq!(code, 3, "{err}");
    assert!(
        out.contains(&format!(
            "error [delimiter] {DESCRIPTOR}.Delimiter: the config's delimiter is \"|\", but the data is \",\"-delimited"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("set {DESCRIPTOR}.Delimiter to \",\"")),
        "{out}"
    );
    assert!(
        out.ends_with("1 error(s), 0 warning(s): the config and the data disagree\n"),
        "{out}"
    );
}

#[test]
fn without_a_location_a_config_without_s3_paths_is_a_usage_error() {
    let (code, _, err) = run(l4m()
        .arg("check")
        .arg(config_fixture("ecommerce-cloudformation.yaml")));
    assert_eq!(code, 2);
    assert_one_line_error(&err, "give the data to check it against as LOCATION");
    // The terminal UI opened with the config says the same, before it takes the terminal.
    let (code, _, err) = run(l4m()
        .arg("--config")
        .arg(config_fixture("ecommerce-cloudformation.yaml")));
    assert_eq!(code, 2);
    assert_one_line_error(&err, "give the data to open it with as LOCATION");
}

#[test]
fn a_file_that_is_no_config_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let not = dir.path().join("not.yaml");
    std::fs::write(&not, "name: x\nitems: [1, 2]\n").unwrap();
    let (code, _, err) = run(l4m().arg("check").arg(&not).arg(sample()));
    assert_eq!(code, 1);
    assert_one_line_error(
        &err,
        "is not a CreateMetricSet request, a describe-metric-set output or a CloudFormation template (its members: name, items)",
    );
    let (code, _, err) = run(l4m()
        .arg("check")
        .arg(dir.path().join("missing.json"))
        .arg(sample()));
    assert_eq!(code, 1);
    assert_one_line_error(&err, "missing.json: no such file or folder");
}

#[test]
fn export_from_a_config_takes_its_labels_and_settings() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("again.json");
    let (code, _, err) = run(l4m()
        .arg("export")
        .arg(sample())
        .arg("--config")
        .arg(config_fixture("ecommerce-describe.json"))
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(written["Offset"], 300);
    assert_eq!(
        written["MetricSetDescription"],
        "Views and revenue by platform and marketplace"
    );
    assert_eq!(
        written["MetricSource"]["S3SourceConfig"]["TemplatedPathList"][0],
        "s3://my-bucket/ecommerce/live/{{yyyyMMdd}}/{{HHmm}}"
    );
    assert_eq!(metric_set_violations(&written), vec![]);
}

#[cfg(not(feature = "s3"))]
#[test]
fn without_s3_support_the_configs_s3_path_is_named() {
    let (code, _, err) = run(l4m()
        .arg("check")
        .arg(config_fixture("ecommerce-handwritten.json")));
    assert_eq!(code, 1);
    assert_one_line_error(
        &err,
        "s3://my-bucket/ecommerce/backtest/: this l4m was built without S3 support",
    );
}
