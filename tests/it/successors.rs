//! The exports to the services that replaced L4M. OpenSearch bodies are held against every rule of
//! the spec (`tests/fixtures/spec/migration-targets.md`) by a validator written here from its
//! table; CloudWatch requests against the CloudWatch model copy in `tests/fixtures/spec`, and
//! against botocore's own `ParamValidator` (not ours: it fails if the exporter is wrong).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use chrono_tz::Tz;
use common::synth::{self, Layout, Quote, Spec, TsStyle};
use common::*;
use l4m::config::cloudwatch::{self, resource_as_request};
use l4m::config::model::ServiceModel;
use l4m::config::{ExportOptions, ExportTarget, TargetInput, TargetOptions, build_target};
use l4m::coverage::{self, ScanControl, ScanSpec};
use l4m::schema::Frequency;
use l4m::source::Location;
use l4m::source::local::LocalSource;
use serde_json::{Value, json};

fn sample() -> PathBuf {
    root().join("assets/ecommerce")
}

/// Every way an OpenSearch create-detector body and its mapping break the spec's table, one line
/// each. Written from `migration-targets.md`, independently of the exporter.
fn opensearch_breaks(body: &Value, mapping: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let props = &mapping["mappings"]["properties"];
    let field_type = |f: &str| props[f]["type"].as_str().map(str::to_string);
    match body["name"].as_str() {
        Some(n)
            if !n.trim().is_empty()
                && n.len() <= 64
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) => {}
        other => out.push(format!("name {other:?}")),
    }
    if body["description"]
        .as_str()
        .is_some_and(|d| d.chars().count() > 1000)
    {
        out.push("description longer than 1,000".into());
    }
    match body["time_field"].as_str() {
        Some(t) if field_type(t).as_deref() == Some("date") => {}
        other => out.push(format!("time_field {other:?} is not a date field")),
    }
    match body["indices"].as_array() {
        Some(i) if !i.is_empty() && i.iter().all(Value::is_string) => {}
        _ => out.push("indices empty".into()),
    }
    let features = body["feature_attributes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if features.len() > 5 {
        out.push(format!("{} features", features.len()));
    }
    let mut names = std::collections::HashSet::new();
    let mut aggs = std::collections::HashSet::new();
    for f in &features {
        if !names.insert(f["feature_name"].as_str().unwrap_or("").to_string()) {
            out.push(format!("feature name {} twice", f["feature_name"]));
        }
        let query = f["aggregation_query"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        if query.len() != 1 {
            out.push(format!(
                "feature {} has {} aggregations",
                f["feature_name"],
                query.len()
            ));
        }
        for (agg_name, agg) in &query {
            if !aggs.insert(agg_name.clone()) {
                out.push(format!("aggregation name {agg_name} twice"));
            }
            let field = agg
                .get("sum")
                .or_else(|| agg.get("avg"))
                .and_then(|a| a["field"].as_str());
            match field {
                Some(m) if field_type(m).as_deref() == Some("double") => {}
                other => out.push(format!("aggregation {agg_name} on {other:?}")),
            }
        }
    }
    let categories = body["category_field"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if categories.len() > 2 {
        out.push(format!("{} category fields", categories.len()));
    }
    for c in &categories {
        let t = c.as_str().and_then(field_type);
        if !matches!(t.as_deref(), Some("keyword" | "ip")) {
            out.push(format!("category field {c} is {t:?}"));
        }
    }
    for member in ["detection_interval", "window_delay"] {
        let Some(p) = body.get(member) else {
            if member == "detection_interval" {
                out.push("no detection_interval".into());
            }
            continue;
        };
        let unit = p["period"]["unit"].as_str().unwrap_or("").to_uppercase();
        let interval = p["period"]["interval"].as_i64().unwrap_or(0);
        if !(unit == "MINUTES" || unit == "SECONDS") || interval <= 0 {
            out.push(format!("{member} {p}"));
        }
    }
    if let Some(s) = body.get("shingle_size")
        && !s.as_i64().is_some_and(|s| (1..=128).contains(&s))
    {
        out.push(format!("shingle_size {s}"));
    }
    if let Some(r) = body.get("result_index") {
        let r = r.as_str().unwrap_or("");
        if !r.starts_with("opensearch-ad-plugin-result-")
            || r.len() > 255
            || !r
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-".contains(c))
        {
            out.push(format!("result_index {r}"));
        }
    }
    out
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn an_opensearch_export_of_the_sample_passes_every_rule_of_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ecommerce-opensearch.json");
    let (code, _, err) = run(l4m()
        .arg("export")
        .arg(sample())
        .args([
            "--target",
            "opensearch",
            "--index",
            "ecommerce*",
            "--offset",
            "90",
        ])
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    let body = read_json(&out);
    let mapping = read_json(&dir.path().join("ecommerce-opensearch.mapping.json"));
    assert_eq!(opensearch_breaks(&body, &mapping), Vec::<String>::new());
    assert_eq!(body["name"], "ecommerce");
    assert_eq!(body["indices"], json!(["ecommerce*"]));
    assert_eq!(body["detection_interval"]["period"]["interval"], 60);
    assert_eq!(
        body["window_delay"]["period"]["interval"], 2,
        "90 s is 2 minutes"
    );
    assert_eq!(body["category_field"], json!(["platform", "marketplace"]));
    let features: Vec<&str> = body["feature_attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["feature_name"].as_str().unwrap())
        .collect();
    assert_eq!(features, ["views_sum", "revenue_sum"]);
    assert_eq!(
        mapping["mappings"]["properties"]["timestamp"],
        json!({"type": "date", "format": "yyyy-MM-dd HH:mm:ss"})
    );
    assert!(err.contains("wrote "), "{err}");
}

#[test]
fn the_spec_validator_catches_each_broken_rule() {
    let body = json!({
        "name": "my detector", "time_field": "ts", "indices": [],
        "feature_attributes": (0..6).map(|i| json!({"feature_name": format!("f{}", i % 5),
            "aggregation_query": {format!("f{}", i % 5): {"sum": {"field": "m"}}}})).collect::<Vec<_>>(),
        "category_field": ["a", "b", "c"],
        "detection_interval": {"period": {"interval": 1, "unit": "Hours"}},
        "shingle_size": 200, "result_index": "results"
    });
    let mapping = json!({"mappings": {"properties": {"ts": {"type": "keyword"},
        "m": {"type": "double"}, "a": {"type": "keyword"}, "b": {"type": "keyword"}, "c": {"type": "text"}}}});
    let breaks = opensearch_breaks(&body, &mapping);
    for expected in [
        "name Some(\"my detector\")",
        "time_field Some(\"ts\") is not a date field",
        "indices empty",
        "6 features",
        "feature name \"f0\" twice",
        "aggregation name f0 twice",
        "3 category fields",
        "category field \"c\" is Some(\"text\")",
        "shingle_size 200",
        "result_index results",
    ] {
        assert!(
            breaks.iter().any(|b| b == expected),
            "{expected}: {breaks:#?}"
        );
    }
    assert!(
        breaks.iter().any(|b| b.starts_with("detection_interval")),
        "{breaks:#?}"
    );
}

/// Run `export --json` and return (exit code, findings JSON).
fn export_json(args: &[&str], out: &Path) -> (i32, Value) {
    run_json(
        l4m()
            .arg("export")
            .args(args)
            .arg("-o")
            .arg(out)
            .arg("--json"),
    )
}

fn finding<'a>(v: &'a Value, rule: &str) -> &'a Value {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} finding: {v:#}"))
}

#[test]
fn opensearch_limits_are_error_findings_that_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("os.json");
    let s = sample();
    let s = s.to_str().unwrap();
    let (code, v) = export_json(
        &[
            s,
            "--target",
            "opensearch",
            "--index",
            "ecommerce*",
            "--dimension",
            "session_id",
        ],
        &out,
    );
    assert_eq!(code, 3);
    let f = finding(&v, "category-fields");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["path"], "category_field");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .starts_with("3 dimensions make 3 category fields")
    );
    assert_eq!(
        f["hint"],
        "use --ignore COL, or raise the cluster setting plugins.anomaly_detection.category_field_limit to 3 (at most 5)"
    );
    assert!(!out.exists(), "nothing is written with errors");

    let (code, v) = export_json(
        &[s, "--target", "opensearch", "--name", "my detector"],
        &out,
    );
    assert_eq!(code, 3);
    assert_eq!(finding(&v, "detector-name")["path"], "name");
    assert_eq!(
        finding(&v, "index-pattern")["hint"],
        "give --index ecommerce*"
    );

    // Six numeric columns: six features, one more than the default.
    let csv = dir.path().join("wide.csv");
    let mut text = String::from("timestamp,a,b,c,d,e,f\n");
    for h in 0..300 {
        let t = chrono::NaiveDate::from_ymd_opt(2021, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            + chrono::TimeDelta::hours(h);
        text.push_str(&format!(
            "{},1,2,3,4,5,{h}\n",
            t.format("%Y-%m-%d %H:%M:%S")
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let (code, v) = export_json(
        &[
            csv.to_str().unwrap(),
            "--target",
            "opensearch",
            "--index",
            "wide",
        ],
        &out,
    );
    assert_eq!(code, 3);
    let f = finding(&v, "feature-count");
    assert_eq!(f["path"], "feature_attributes");
    assert!(
        f["hint"]
            .as_str()
            .unwrap()
            .contains("max_anomaly_features to 6 (at most 10)"),
        "{f}"
    );
}

fn synth_file(dir: &Path, name: &str, spec: &Spec) -> PathBuf {
    let path = dir.join(name);
    let mut f = std::fs::File::create(&path).unwrap();
    synth::write(spec, &mut f).unwrap();
    path
}

#[test]
fn epoch_timestamps_are_mapped_in_the_unit_their_values_show() {
    let dir = tempfile::tempdir().unwrap();
    for (style, unit) in [
        (TsStyle::UnixSeconds, "epoch_second"),
        (TsStyle::UnixMillis, "epoch_millis"),
    ] {
        let mut spec = Spec::ecommerce_hourly(300, 3);
        spec.layout = Layout::Csv {
            delimiter: b',',
            quote: Quote::None,
            header: true,
            crlf: false,
            bom: false,
            timestamp: style,
        };
        let data = synth_file(dir.path(), &format!("{unit}.csv"), &spec);
        let out = dir.path().join(format!("{unit}-os.json"));
        let (code, _, err) = run(l4m()
            .arg("export")
            .arg(&data)
            .args(["--target", "opensearch", "--index", "e"])
            .arg("-o")
            .arg(&out));
        assert_eq!(code, 0, "{err}");
        let mapping = read_json(&dir.path().join(format!("{unit}-os.mapping.json")));
        assert_eq!(
            mapping["mappings"]["properties"]["timestamp"]["format"],
            unit
        );
    }
}

/// Validate PutAnomalyDetector requests with botocore's own ParamValidator, against the model in
/// tests/fixtures/spec. Returns the 1-based line numbers that fail, or None without botocore.
fn botocore_failures(requests: &[Value]) -> Option<Vec<(usize, String)>> {
    let have = Command::new("python3")
        .args(["-c", "import botocore.validate, botocore.model"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        eprintln!(
            "python3 with botocore is missing: the botocore oracle is skipped (bash scripts/test.sh installs it)"
        );
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let lines = dir.path().join("requests.jsonl");
    let text: String = requests.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(&lines, text).unwrap();
    let script = r#"
import json, sys
from botocore.model import ServiceModel
from botocore.validate import validate_parameters
from botocore.exceptions import ParamValidationError
model = ServiceModel(json.load(open(sys.argv[1])))
shape = model.operation_model("PutAnomalyDetector").input_shape
for n, line in enumerate(open(sys.argv[2]), 1):
    try:
        validate_parameters(json.loads(line), shape)
    except ParamValidationError as e:
        print(json.dumps([n, str(e)]))
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(root().join("tests/fixtures/spec/monitoring-2010-08-01.service-2.json"))
        .arg(&lines)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str::<(usize, String)>(l).unwrap())
            .collect(),
    )
}

/// The CloudWatch model in tests/fixtures/spec (the copy the tests own).
fn cloudwatch_oracle() -> ServiceModel {
    let text = std::fs::read_to_string(
        root().join("tests/fixtures/spec/monitoring-2010-08-01.service-2.json"),
    )
    .unwrap();
    ServiceModel::from_json(&text).unwrap()
}

#[test]
fn cloudwatch_requests_of_the_sample_pass_botocore_and_the_model_one_per_metric() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cw.jsonl");
    let (code, _, err) = run(l4m()
        .arg("export")
        .arg(sample())
        .args([
            "--target",
            "cloudwatch-requests",
            "--namespace",
            "L4M/ecommerce",
        ])
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "warning [detector-count] 2 measures x 21 dimension combinations = 42 anomaly detectors"
        ),
        "{err}"
    );
    let requests: Vec<Value> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(requests.len(), 42);
    let oracle = cloudwatch_oracle();
    for r in &requests {
        assert_eq!(oracle.validate("PutAnomalyDetectorInput", r), vec![], "{r}");
    }
    assert_eq!(
        requests[0],
        json!({"SingleMetricAnomalyDetector": {"Namespace": "L4M/ecommerce", "MetricName": "views",
            "Dimensions": [{"Name": "platform", "Value": "mobile_app"}, {"Name": "marketplace", "Value": "de"}],
            "Stat": "Sum"}, "Configuration": {"MetricTimezone": "UTC"}})
    );
    // A control line with CloudFormation's spelling of the timezone member: botocore must refuse
    // it, so the oracle is known to judge.
    let mut control = requests[0].clone();
    control["Configuration"] = json!({"MetricTimeZone": "UTC"});
    let mut all = requests.clone();
    all.push(control);
    if let Some(failures) = botocore_failures(&all) {
        assert_eq!(failures.len(), 1, "{failures:#?}");
        assert_eq!(failures[0].0, 43);
        assert!(failures[0].1.contains("MetricTimeZone"), "{failures:#?}");
    }
}

#[test]
fn a_cloudwatch_template_has_one_valid_detector_resource_per_metric() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cw.json");
    let (code, _, err) = run(l4m()
        .arg("export")
        .arg(sample())
        .args(["--target", "cloudwatch"])
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    let t = read_json(&out);
    let resources = t["Resources"].as_object().unwrap();
    assert_eq!(resources.len(), 42);
    let oracle = cloudwatch_oracle();
    let mut as_requests = Vec::new();
    for (id, r) in resources {
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
        assert_eq!(r["Type"], "AWS::CloudWatch::AnomalyDetector");
        assert!(
            r["Properties"]["Configuration"]
                .get("MetricTimeZone")
                .is_some()
        );
        let request = resource_as_request(&r["Properties"]);
        assert_eq!(
            oracle.validate("PutAnomalyDetectorInput", &request),
            vec![],
            "{id}"
        );
        as_requests.push(request);
    }
    assert_eq!(
        resources["RevenuePcWebUs"]["Properties"]["SingleMetricAnomalyDetector"]["Namespace"],
        "ecommerce"
    );
    if let Some(failures) = botocore_failures(&as_requests) {
        assert_eq!(failures, vec![]);
    }
}

#[test]
fn past_500_detectors_the_template_stops_with_the_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = Spec::ecommerce_hourly(300, 5);
    spec.session_id = true;
    let data = synth_file(dir.path(), "sessions.csv", &spec);
    let out = dir.path().join("cw.json");
    let (code, v) = export_json(
        &[
            data.to_str().unwrap(),
            "--target",
            "cloudwatch",
            "--dimension",
            "session_id",
        ],
        &out,
    );
    assert_eq!(code, 3);
    let f = finding(&v, "cloudformation-resources");
    assert_eq!(
        f["message"],
        "2 measures x 6,300 dimension combinations = 12,600 anomaly detectors, each a resource: a CloudFormation template holds at most 500"
    );
    assert_eq!(
        f["hint"],
        "use --ignore COL, or use --target cloudwatch-requests"
    );
    assert!(!out.exists());
}

#[test]
fn history_older_than_14_days_is_counted_against_the_time_of_export() {
    let dir = tempfile::tempdir().unwrap();
    let path = synth_file(dir.path(), "d.csv", &Spec::ecommerce_hourly(600, 9));
    let source = LocalSource;
    let location = Location::Local(path);
    let i = l4m::inspect::inspect(&source, &location, false, &Default::default()).unwrap();
    let labels = i.suggested.clone();
    let mut spec = ScanSpec::from_labels(&i, &labels, None, Tz::UTC).unwrap();
    spec.series = true;
    let dialect = i.dialect();
    let cov = coverage::scan(
        &source,
        &i.dataset,
        &dialect,
        &spec,
        &Arc::new(ScanControl::default()),
    )
    .unwrap();
    let combos = cloudwatch::combinations(&cov);
    assert_eq!(combos.total, 21);
    let options = ExportOptions {
        name: Some("ecommerce".into()),
        frequency: Some(Frequency::PT1H),
        ..ExportOptions::default()
    };
    let built = |now| {
        build_target(
            ExportTarget::CloudWatchRequests,
            &TargetInput {
                labels: &labels,
                profiles: &i.profiles,
                dialect: &dialect,
                coverage: Some(&cov),
                options: &options,
                target_options: &TargetOptions {
                    index: None,
                    namespace: None,
                    now,
                },
                combinations: Some(&combos),
            },
        )
    };
    // An hour after the last interval: 600 - 14 x 24 = 264 intervals are too old.
    let b = built(cov.span.last_interval.unwrap() + chrono::TimeDelta::hours(1));
    let f = b
        .findings
        .iter()
        .find(|f| f.rule.as_str() == "backfill")
        .expect("a backfill finding");
    assert!(
        f.message.starts_with("264 of 600 intervals with data (44%, 5,544 of 12,600 records) are older than the 14 days"),
        "{}",
        f.message
    );
    assert!(
        f.message.contains("the data spans 25 days"),
        "{}",
        f.message
    );
    assert_eq!(b.preview().lines().count(), 42);
    // Right after the first interval nothing is too old.
    let b = built(cov.span.first_interval.unwrap() + chrono::TimeDelta::hours(1));
    assert!(b.findings.iter().all(|f| f.rule.as_str() != "backfill"));
}

/// The spec's words, on one line (the Markdown wraps them).
fn spec_text() -> String {
    std::fs::read_to_string(root().join("tests/fixtures/spec/migration-targets.md"))
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_l4m_target_warns_that_the_service_ended_and_names_the_targets_that_work_today() {
    assert!(
        spec_text().contains("end-of-support banner dated 2025-09-12"),
        "the date is the spec's"
    );
    let dir = tempfile::tempdir().unwrap();
    let s = sample();
    let s = s.to_str().unwrap();
    let every = [
        s,
        "--role-arn",
        "arn:aws:iam::123456789012:role/L4MRole",
        "--detector-arn",
        "arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:ecommerce",
        "--historical-path",
        "s3://my-bucket/ecommerce/backtest/",
    ];
    let cases = [
        (
            "metric-set",
            "its API no longer takes a CreateMetricSet request",
        ),
        (
            "cloudformation",
            "CloudFormation no longer has its resource type AWS::LookoutMetrics::AnomalyDetector, so the template cannot be deployed",
        ),
    ];
    for (target, gone) in cases {
        let message = format!(
            "Lookout for Metrics reached its end of support on 2025-09-12 and {gone}: this config serves archives, audits, checks against the data and migration; a detector that works today runs on OpenSearch or CloudWatch"
        );
        let mut args = every.to_vec();
        args.extend(["--target", target]);

        // --json: the finding with its fixes as data, and the command line's words for them.
        let out = dir.path().join(format!("{target}.json"));
        let (code, v) = export_json(&args, &out);
        assert_eq!(code, 0, "{v:#}");
        assert_eq!(v["errors"], 0);
        assert_eq!(
            v["findings"],
            json!([{
                "severity": "warning",
                "rule": "end-of-support",
                "message": message,
                "fixes": [
                    {"kind": "set", "setting": "target", "value": "opensearch"},
                    {"kind": "set", "setting": "target", "value": "cloudwatch"}
                ],
                "hint": "use --target opensearch, or use --target cloudwatch"
            }]),
            "{target}"
        );
        assert!(out.exists(), "a warning does not stop the write");

        // Text: the warning, the true figures, and no command that cannot work.
        let out = dir.path().join(format!("{target}-text.json"));
        let (code, _, err) = run(l4m().arg("export").args(&args).arg("-o").arg(&out));
        assert_eq!(code, 0, "{err}");
        assert!(
            err.starts_with(&format!(
                "warning [end-of-support] {message}: use --target opensearch, or use --target cloudwatch\n"
            )),
            "{err}"
        );
        assert!(
            err.contains("\n0 errors, 1 warning; the config passes L4M's API model (the service itself reached its end of support on 2025-09-12)\n"),
            "{err}"
        );
        let path = out.display();
        assert!(
            err.ends_with(&format!(
                "\nuse it: archives and audits (l4m check {path} LOCATION); for a detector that works today: l4m export LOCATION --config {path} --target cloudwatch -o FILE, or --target opensearch --index PATTERN\n"
            )),
            "{err}"
        );
        assert!(!err.contains("aws lookoutmetrics"), "{err}");
        assert!(!err.contains("aws cloudformation deploy"), "{err}");
    }

    // The successors do not carry it.
    for args in [
        vec![s, "--target", "opensearch", "--index", "ecommerce*"],
        vec![s, "--target", "cloudwatch"],
    ] {
        let out = dir.path().join(format!("{}.json", args[2]));
        let (code, v) = export_json(&args, &out);
        assert_eq!(code, 0, "{v:#}");
        assert!(
            v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["rule"] != "end-of-support"),
            "{v:#}"
        );
    }
}

#[test]
fn the_hint_after_an_l4m_export_is_a_command_that_works() {
    // The hint's migration command, run on the config just written, makes a working target.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("ecommerce-cloudformation.yaml");
    let (code, _, err) = run(l4m()
        .arg("export")
        .arg(sample())
        .args([
            "--target",
            "cloudformation",
            "--yaml",
            "--historical-path",
            "s3://my-bucket/ecommerce/backtest/",
        ])
        .arg("-o")
        .arg(&config));
    assert_eq!(code, 0, "{err}");
    let out = dir.path().join("cw.json");
    let (code, _, err) = run(l4m()
        .arg("export")
        .arg(sample())
        .arg("--config")
        .arg(&config)
        .args(["--target", "cloudwatch"])
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    assert_eq!(read_json(&out)["Resources"].as_object().unwrap().len(), 42);
    let (code, out, err) = run(l4m().arg("check").arg(&config).arg(sample()));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.ends_with("0 error(s), 0 warning(s): the config fits the data\n"),
        "{out}"
    );
}
