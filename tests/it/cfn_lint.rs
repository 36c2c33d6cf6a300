//! Every CloudFormation template `l4m export` writes, given to `cfn-lint` (AWS's linter, with its
//! copy of the CloudFormation resource registry) at the version `scripts/test.sh` pins and
//! installs. The CloudWatch templates must pass with no error and no warning; the Lookout for
//! Metrics template must fail with exactly one finding per region, E3006 on its resource type
//! (the registry no longer has `AWS::LookoutMetrics::AnomalyDetector` since L4M's end of support),
//! so that any other mistake in it still shows. cfn-lint runs offline, on files in a temporary
//! folder.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;

/// The regions every template is linted for (cfn-lint's registry differs by region).
const REGIONS: [&str; 4] = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"];

fn sample() -> PathBuf {
    root().join("assets/ecommerce")
}

/// The cfn-lint version `scripts/test.sh` pins (read from it, so the two cannot drift).
fn pinned_version() -> String {
    let script = std::fs::read_to_string(root().join("scripts/test.sh")).unwrap();
    script
        .lines()
        .find_map(|l| l.strip_prefix("CFN_LINT_VERSION="))
        .expect("scripts/test.sh pins CFN_LINT_VERSION")
        .trim()
        .to_string()
}

/// Fail, saying what to do, unless the pinned cfn-lint is installed.
fn require_cfn_lint() {
    let pinned = pinned_version();
    let found = Command::new("python3")
        .args([
            "-c",
            "import importlib.metadata as m; print(m.version('cfn-lint'))",
        ])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match found {
        Some(v) if v == pinned => {}
        Some(v) => panic!(
            "cfn-lint {v} is installed, the tests need {pinned}: run `bash scripts/test.sh` (it installs the pinned cfn-lint from PyPI)"
        ),
        None => panic!(
            "cfn-lint is missing (python3 finds no cfn-lint package): run `bash scripts/test.sh` (it installs cfn-lint {pinned} from PyPI)"
        ),
    }
}

/// One problem cfn-lint reports: its rule, level, path in the template and message.
#[derive(Debug, Clone, PartialEq)]
struct Problem {
    rule: String,
    level: String,
    path: Vec<String>,
    message: String,
}

/// Lint a template for [`REGIONS`]; every problem cfn-lint reports (errors, warnings and
/// informational ones).
fn lint(template: &Path) -> Vec<Problem> {
    require_cfn_lint();
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys; from cfnlint.runner import main; sys.exit(main())",
            "--format",
            "json",
            "--include-checks",
            "I",
            "--regions",
        ])
        .args(REGIONS)
        .arg("--")
        .arg(template)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    // cfn-lint's exit code is a bit mask of the levels found (2 error, 4 warning, 8 info); 1 is
    // a failure of cfn-lint itself.
    let code = out.status.code().unwrap_or(-1);
    assert!(
        (0..16).contains(&code) && code != 1,
        "cfn-lint failed ({code}): {}{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found: Vec<Value> = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("cfn-lint prints JSON ({e}): {stdout}"));
    found
        .iter()
        .map(|p| Problem {
            rule: p["Rule"]["Id"].as_str().unwrap_or("").to_string(),
            level: p["Level"].as_str().unwrap_or("").to_string(),
            path: p["Location"]["Path"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|s| match s {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            message: p["Message"].as_str().unwrap_or("").to_string(),
        })
        .collect()
}

/// `l4m export LOCATION ARGS -o OUT` by the real binary; it must succeed.
fn export(location: &Path, args: &[&str], out: &Path) -> String {
    let (code, _, err) = run(l4m()
        .arg("export")
        .arg(location)
        .args(args)
        .arg("-o")
        .arg(out));
    assert_eq!(code, 0, "{err}");
    assert!(out.exists(), "{err}");
    err
}

/// The resources of a written template, JSON or YAML.
fn resources(path: &Path) -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let v: Value = if path.extension().is_some_and(|e| e == "yaml") {
        l4m::config::yaml::from_yaml(&text).unwrap()
    } else {
        serde_json::from_str(&text).unwrap()
    };
    v["Resources"].as_object().cloned().unwrap()
}

#[test]
fn cloudwatch_templates_of_the_sample_pass_cfn_lint_clean() {
    let dir = tempfile::tempdir().unwrap();
    let sample = sample();
    // (file, options, detectors): JSON and YAML, with the two dimensions and with none.
    let cases: [(&str, &[&str], usize); 4] = [
        ("cw.json", &[], 42),
        ("cw.yaml", &["--yaml", "--namespace", "L4M/ecommerce"], 42),
        (
            "no-dims.json",
            &["--ignore", "platform", "--ignore", "marketplace"],
            2,
        ),
        (
            "no-dims.yaml",
            &["--yaml", "--ignore", "platform", "--ignore", "marketplace"],
            2,
        ),
    ];
    for (file, options, detectors) in cases {
        let out = dir.path().join(file);
        let mut args = vec!["--target", "cloudwatch"];
        args.extend_from_slice(options);
        let err = export(&sample, &args, &out);
        let r = resources(&out);
        assert_eq!(r.len(), detectors, "{file}");
        assert!(
            err.ends_with(&format!(
                "use it: aws cloudformation deploy --template-file {} --stack-name NAME\n",
                out.display()
            )),
            "{err}"
        );
        assert!(
            r.values()
                .all(|r| r["Type"] == "AWS::CloudWatch::AnomalyDetector"),
            "{file}"
        );
        assert_eq!(lint(&out), vec![], "{file}");
    }
}

/// A CSV with 2 measures and 125 x 2 dimension values: 500 metrics, the most a template holds;
/// values that make long, clashing or digit-first logical ids, and one CloudWatch cannot take.
fn many_metrics_csv(dir: &Path) -> PathBuf {
    let mut hosts: Vec<String> = (0..119)
        .map(|i| format!("web-{i:03}.example.com"))
        .collect();
    hosts.extend(
        [
            "web_000.example.com",
            "Web 000 example com",
            &"x".repeat(240),
            &format!("{}y", "x".repeat(240)),
            "9lives",
            "ünïcode",
        ]
        .map(String::from),
    );
    assert_eq!(hosts.len(), 125);
    let mut text = String::from("timestamp,host,zone,views,revenue\n");
    for hour in 0..3 {
        for (i, host) in hosts.iter().enumerate() {
            for zone in ["eu/west", "us east"] {
                text.push_str(&format!(
                    "2021-01-01 {hour:02}:00:00,{host},{zone},{i},{i}.5\n"
                ));
            }
        }
    }
    let path = dir.join("hosts.csv");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_cloudwatch_template_of_many_metrics_passes_cfn_lint_clean() {
    let dir = tempfile::tempdir().unwrap();
    let data = many_metrics_csv(dir.path());
    for file in ["many.json", "many.yaml"] {
        let out = dir.path().join(file);
        let mut args = vec![
            "--target",
            "cloudwatch",
            "--frequency",
            "PT1H",
            "--dimension",
            "host",
            "--dimension",
            "zone",
            "--namespace",
            "L4M/many hosts",
        ];
        if file.ends_with("yaml") {
            args.push("--yaml");
        }
        let err = export(&data, &args, &out);
        // 500 metrics; the two with the non-ASCII value are left out.
        assert!(
            err.contains("= 500 anomaly detectors (496 written)"),
            "{err}"
        );
        // Over 51,200 bytes: `aws cloudformation deploy` takes it only through a bucket.
        assert!(std::fs::metadata(&out).unwrap().len() > 51_200);
        assert!(
            err.contains(" --stack-name NAME --s3-bucket BUCKET\n        (the template is over the 51,200 bytes a deploy takes without a bucket)\n"),
            "{err}"
        );
        let r = resources(&out);
        assert_eq!(r.len(), 496, "{file}");
        assert!(r.keys().any(|id| id == "Views9livesEuWest"), "{file}");
        assert!(
            r.keys().any(|id| id.ends_with("ExampleComEuWest2")),
            "{file}"
        );
        // No error and no warning; only cfn-lint's note that 496 resources near the 500 limit.
        let problems = lint(&out);
        assert!(
            problems.iter().all(|p| p.rule == "I3010"
                && p.level == "Informational"
                && p.path == ["Resources"]
                && p.message == "'Resources' is approaching the limit of 500 properties"),
            "{file}: {problems:#?}"
        );
    }
}

/// The one problem the L4M template must have, once per region: the resource type is gone.
fn assert_only_the_gone_resource_type(problems: &[Problem], file: &str) {
    let other: Vec<&Problem> = problems
        .iter()
        .filter(|p| p.rule != "E3006" || p.path != ["Resources", "AnomalyDetector", "Type"])
        .collect();
    assert_eq!(other, Vec::<&Problem>::new(), "{file}: only E3006 expected");
    for region in REGIONS {
        let of_region: Vec<&Problem> = problems
            .iter()
            .filter(|p| p.message.ends_with(&format!("'{region}'")))
            .collect();
        assert_eq!(of_region.len(), 1, "{file} in {region}: {problems:#?}");
        assert_eq!(of_region[0].level, "Error");
        assert_eq!(
            of_region[0].message,
            format!(
                "Resource type 'AWS::LookoutMetrics::AnomalyDetector' does not exist in '{region}'"
            )
        );
    }
    assert_eq!(problems.len(), REGIONS.len(), "{file}: {problems:#?}");
}

#[test]
fn the_l4m_template_fails_cfn_lint_only_because_its_resource_type_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let sample = sample();
    // Without a role the role is a template parameter; with every option, none is.
    let every = [
        "--role-arn",
        "arn:aws:iam::123456789012:role/L4MRole",
        "--historical-path",
        "s3://my-bucket/ecommerce/backtest/",
        "--template-path",
        "s3://my-bucket/ecommerce/live/{{yyyyMMdd}}/{{HHmm}}",
        "--description",
        "e-commerce views and revenue",
        "--offset",
        "300",
    ];
    let cases: [(&str, &[&str]); 4] = [
        ("l4m.json", &["--historical-path", "s3://my-bucket/f/"]),
        (
            "l4m.yaml",
            &["--yaml", "--historical-path", "s3://my-bucket/f/"],
        ),
        ("every.json", &every),
        ("every.yaml", &every),
    ];
    for (file, options) in cases {
        let out = dir.path().join(file);
        let mut args = vec!["--target", "cloudformation"];
        args.extend_from_slice(options);
        if file.ends_with("yaml") && !args.contains(&"--yaml") {
            args.push("--yaml");
        }
        let err = export(&sample, &args, &out);
        assert!(err.contains("warning [end-of-support]"), "{err}");
        let r = resources(&out);
        assert_eq!(
            r["AnomalyDetector"]["Type"],
            "AWS::LookoutMetrics::AnomalyDetector"
        );
        assert_only_the_gone_resource_type(&lint(&out), file);
    }
}

#[test]
fn cfn_lint_still_reports_other_mistakes_in_the_l4m_template_beside_e3006() {
    // The check above is only worth something if cfn-lint, past E3006, still reports the rest:
    // an unused parameter and a reference to nothing, added to a real export.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("l4m.json");
    export(
        &sample(),
        &[
            "--target",
            "cloudformation",
            "--historical-path",
            "s3://my-bucket/f/",
        ],
        &out,
    );
    let mut t: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    t["Parameters"]["Unused"] = serde_json::json!({"Type": "String"});
    t["Outputs"] = serde_json::json!({"Detector": {"Value": {"Ref": "NoSuchResource"}}});
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, serde_json::to_string_pretty(&t).unwrap()).unwrap();
    let problems = lint(&broken);
    let rules: std::collections::BTreeSet<&str> =
        problems.iter().map(|p| p.rule.as_str()).collect();
    assert_eq!(
        rules,
        ["E3006", "E6101", "W2001"].into_iter().collect(),
        "{problems:#?}"
    );
}
