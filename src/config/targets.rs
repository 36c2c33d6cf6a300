//! Every export target in one list, each with the files it writes and their preview: the two
//! Lookout for Metrics configs, and the services that replaced L4M (OpenSearch anomaly detection,
//! CloudWatch anomaly detection as a template or as API requests).
//!
//! [`ExportTarget`] is what a face offers (the command line's `--target`, the terminal UI's
//! export form); [`build_target`] turns the same labels, settings and scan into the files of a
//! target and its findings, so that a preview is the exact text that will be written.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::cloudwatch::{self, Combinations};
use super::export::{ExportOptions, Syntax, Target, render};
use super::findings::{self, Context, Finding, Rule};
use super::opensearch;
use crate::coverage::Coverage;
use crate::fix::Fix;
use crate::format::Dialect;
use crate::schema::{ColumnProfile, Labels};

/// Everything `l4m` can export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExportTarget {
    /// L4M's CreateMetricSet request.
    #[default]
    MetricSet,
    /// A CloudFormation template with an `AWS::LookoutMetrics::AnomalyDetector`.
    CloudFormation,
    /// The OpenSearch create-detector body, and the index mapping beside it.
    OpenSearch,
    /// A CloudFormation template with one `AWS::CloudWatch::AnomalyDetector` per metric.
    CloudWatch,
    /// CloudWatch `PutAnomalyDetector` requests, one JSON object a line.
    CloudWatchRequests,
}

impl ExportTarget {
    /// Every target, in the order a face lists them.
    pub const ALL: [ExportTarget; 5] = [
        ExportTarget::MetricSet,
        ExportTarget::CloudFormation,
        ExportTarget::OpenSearch,
        ExportTarget::CloudWatch,
        ExportTarget::CloudWatchRequests,
    ];

    /// The target's short name (`metric-set`, `opensearch`...).
    pub fn name(self) -> &'static str {
        match self {
            ExportTarget::MetricSet => "metric-set",
            ExportTarget::CloudFormation => "cloudformation",
            ExportTarget::OpenSearch => "opensearch",
            ExportTarget::CloudWatch => "cloudwatch",
            ExportTarget::CloudWatchRequests => "cloudwatch-requests",
        }
    }

    /// What the main file is, in words.
    pub fn label(self) -> &'static str {
        match self {
            ExportTarget::MetricSet => "CreateMetricSet request",
            ExportTarget::CloudFormation => "CloudFormation template",
            ExportTarget::OpenSearch => "OpenSearch create-detector body",
            ExportTarget::CloudWatch => "CloudFormation template of CloudWatch anomaly detectors",
            ExportTarget::CloudWatchRequests => "CloudWatch PutAnomalyDetector requests",
        }
    }

    /// The Lookout for Metrics config kind, for the two L4M targets.
    pub fn l4m(self) -> Option<Target> {
        match self {
            ExportTarget::MetricSet => Some(Target::MetricSet),
            ExportTarget::CloudFormation => Some(Target::CloudFormation),
            _ => None,
        }
    }

    /// Whether the target can be written as YAML (the CloudFormation templates).
    pub fn allows_yaml(self) -> bool {
        matches!(
            self,
            ExportTarget::CloudFormation | ExportTarget::CloudWatch
        )
    }

    /// Whether the target needs a full scan (the dimension values of the data).
    pub fn needs_scan(self) -> bool {
        matches!(
            self,
            ExportTarget::CloudWatch | ExportTarget::CloudWatchRequests
        )
    }

    /// The file name a face suggests for the main file, from a stem (the name).
    pub fn default_file_name(self, stem: &str, syntax: Syntax) -> String {
        let ext = if self.allows_yaml() && syntax == Syntax::Yaml {
            "yaml"
        } else {
            "json"
        };
        match self {
            ExportTarget::CloudWatchRequests => format!("{stem}-cloudwatch-requests.jsonl"),
            other => format!("{stem}-{}.{ext}", other.name()),
        }
    }
}

impl From<Target> for ExportTarget {
    fn from(t: Target) -> Self {
        match t {
            Target::MetricSet => ExportTarget::MetricSet,
            Target::CloudFormation => ExportTarget::CloudFormation,
        }
    }
}

impl std::str::FromStr for ExportTarget {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Ok(t) = s.parse::<Target>() {
            return Ok(t.into());
        }
        match s.to_ascii_lowercase().as_str() {
            "opensearch" => Ok(ExportTarget::OpenSearch),
            "cloudwatch" => Ok(ExportTarget::CloudWatch),
            "cloudwatch-requests" => Ok(ExportTarget::CloudWatchRequests),
            _ => Err(format!(
                "unknown target {s:?}: use {}",
                ExportTarget::ALL.map(ExportTarget::name).join(", ")
            )),
        }
    }
}

/// Settings only the successor targets use.
#[derive(Debug, Clone)]
pub struct TargetOptions {
    /// The OpenSearch index (or pattern) the detector reads.
    pub index: Option<String>,
    /// The CloudWatch namespace; the name stands in when there is none.
    pub namespace: Option<String>,
    /// The time against which history is judged too old for CloudWatch.
    pub now: DateTime<Utc>,
}

impl Default for TargetOptions {
    fn default() -> Self {
        TargetOptions {
            index: None,
            namespace: None,
            now: Utc::now(),
        }
    }
}

/// What a target is built from.
pub struct TargetInput<'a> {
    pub labels: &'a Labels,
    pub profiles: &'a [ColumnProfile],
    pub dialect: &'a Dialect,
    pub coverage: Option<&'a Coverage>,
    /// The shared settings; its `target` and `syntax` are set from the target built.
    pub options: &'a ExportOptions,
    pub target_options: &'a TargetOptions,
    /// The data's dimension combinations (CloudWatch targets: [`cloudwatch::combinations`]).
    pub combinations: Option<&'a Combinations>,
}

/// Which file of a target an output is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileRole {
    /// The config, body, template or requests.
    Main,
    /// The OpenSearch index mapping.
    Mapping,
}

/// One file a target writes, as it will be written.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub role: FileRole,
    pub value: Value,
    pub text: String,
}

/// A built target: its files (the main one first) and every finding about it.
#[derive(Debug, Clone)]
pub struct Built {
    pub target: ExportTarget,
    pub files: Vec<OutputFile>,
    pub findings: Vec<Finding>,
}

impl Built {
    /// How many findings are errors.
    pub fn errors(&self) -> usize {
        findings::count_errors(&self.findings)
    }

    /// The text of the main file: the preview.
    pub fn preview(&self) -> &str {
        self.files.first().map(|f| f.text.as_str()).unwrap_or("")
    }
}

/// The domain rules that hold for any target: the timestamp and the measures' values.
const DATA_RULES: [Rule; 10] = [
    Rule::TimestampColumn,
    Rule::TimestampValues,
    Rule::TimestampFormat,
    Rule::Timestamp12Hour,
    Rule::MeasureNumeric,
    Rule::ScanIncomplete,
    Rule::ScanStale,
    Rule::NoRecords,
    Rule::RecordsSkipped,
    Rule::Timezone,
];

/// Build the files of a target and check them.
pub fn build_target(target: ExportTarget, input: &TargetInput<'_>) -> Built {
    let mut options = input.options.clone();
    if let Some(t) = target.l4m() {
        options.target = t;
        if !target.allows_yaml() {
            options.syntax = Syntax::Json;
        }
        let review = findings::review(&Context {
            labels: input.labels,
            profiles: input.profiles,
            dialect: input.dialect,
            coverage: input.coverage,
            options: &options,
        });
        let text = render(&review.config, options.syntax);
        let mut found = review.findings;
        found.push(findings::end_of_support(t));
        found.sort_by_key(|f| f.severity);
        return Built {
            target,
            files: vec![main(review.config, text)],
            findings: found,
        };
    }
    let mut found: Vec<Finding> = findings::check(&Context {
        labels: input.labels,
        profiles: input.profiles,
        dialect: input.dialect,
        coverage: input.coverage,
        options: &options,
    })
    .into_iter()
    .filter(|f| DATA_RULES.contains(&f.rule))
    .collect();
    let (files, more) = match target {
        ExportTarget::OpenSearch => build_opensearch(input, &options),
        _ => build_cloudwatch(target, input, &options),
    };
    found.extend(more);
    found.sort_by_key(|f| f.severity);
    Built {
        target,
        files,
        findings: found,
    }
}

fn main(value: Value, text: String) -> OutputFile {
    OutputFile {
        role: FileRole::Main,
        value,
        text,
    }
}

fn pretty(v: &Value) -> String {
    render(v, Syntax::Json)
}

fn build_opensearch(
    input: &TargetInput<'_>,
    options: &ExportOptions,
) -> (Vec<OutputFile>, Vec<Finding>) {
    let index = input.target_options.index.as_deref();
    let e = opensearch::build(input.labels, input.profiles, options, index);
    let found = opensearch::findings(&e, input.labels, input.profiles, options);
    let files = vec![
        main(e.detector.clone(), pretty(&e.detector)),
        OutputFile {
            role: FileRole::Mapping,
            text: pretty(&e.mapping),
            value: e.mapping,
        },
    ];
    (files, found)
}

fn build_cloudwatch(
    target: ExportTarget,
    input: &TargetInput<'_>,
    options: &ExportOptions,
) -> (Vec<OutputFile>, Vec<Finding>) {
    let Some(combos) = input.combinations else {
        let f = Finding::error(
            Rule::NoScan,
            "no scan: the detectors are named by the dimension values found in the data",
            vec![Fix::Rescan],
        );
        return (vec![main(Value::Null, String::new())], vec![f]);
    };
    let namespace = input
        .target_options
        .namespace
        .as_deref()
        .or(options.name.as_deref());
    let (detectors, left_out) = cloudwatch::detectors(input.labels, combos);
    let template = target == ExportTarget::CloudWatch;
    let mut found = cloudwatch::findings(
        input.labels,
        combos,
        &detectors,
        &left_out,
        namespace,
        input.coverage,
        template,
        input.target_options.now,
    );
    let dims = &combos.dimensions;
    let file = if template {
        let t = cloudwatch::template(&detectors, dims, namespace, options);
        if let Some(resources) = t["Resources"].as_object() {
            let requests: Vec<(String, Value)> = resources
                .iter()
                .map(|(id, r)| {
                    (
                        format!("Resources.{id}.Properties"),
                        cloudwatch::resource_as_request(&r["Properties"]),
                    )
                })
                .collect();
            found.extend(cloudwatch::model_findings(
                requests.iter().map(|(p, r)| (p.clone(), r)),
            ));
        }
        let text = render(&t, options.syntax);
        main(t, text)
    } else {
        let reqs = cloudwatch::requests(&detectors, dims, namespace, options);
        found.extend(cloudwatch::model_findings(
            reqs.iter()
                .enumerate()
                .map(|(i, r)| (format!("line {}", i + 1), r)),
        ));
        let text = cloudwatch::render_requests(&reqs);
        main(Value::Array(reqs), text)
    };
    (vec![file], found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_reads_back_from_its_name_and_names_its_default_file() {
        for t in ExportTarget::ALL {
            assert_eq!(t.name().parse::<ExportTarget>(), Ok(t));
        }
        assert_eq!(
            ExportTarget::CloudWatch.default_file_name("ecommerce", Syntax::Yaml),
            "ecommerce-cloudwatch.yaml"
        );
        assert_eq!(
            ExportTarget::OpenSearch.default_file_name("ecommerce", Syntax::Yaml),
            "ecommerce-opensearch.json"
        );
        assert!(
            "nope"
                .parse::<ExportTarget>()
                .unwrap_err()
                .contains("opensearch")
        );
    }
}
