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
use crate::fix::{Fix, Setting};
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

/// Which service reads a target's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Service {
    /// Amazon Lookout for Metrics (end of support: archives, audits, migration).
    LookoutForMetrics,
    /// OpenSearch anomaly detection.
    OpenSearch,
    /// CloudWatch anomaly detection.
    CloudWatch,
}

/// One file a target writes: its role, how its name is made from the main file's, and what
/// reads it.
#[derive(Debug)]
pub struct TargetFile {
    pub role: FileRole,
    /// What consumes the file, in words.
    pub used_by: &'static str,
}

/// One export target's facts: the one list that the engine, the command line's help and the
/// terminal UI's form read. A new target is a new variant and a new row; every `match` on
/// [`ExportTarget`] is exhaustive, so the compiler points to the rest.
#[derive(Debug)]
pub struct TargetSpec {
    pub target: ExportTarget,
    /// The short name (`--target`, sessions, file names).
    pub name: &'static str,
    /// What the main file is, in words.
    pub label: &'static str,
    pub service: Service,
    /// The export settings the target reads; a face greys out the others. The data's own
    /// settings (labels, reading) are read by every target.
    pub reads: &'static [Setting],
    /// Whether the main file can be written as YAML (the CloudFormation templates).
    pub yaml: bool,
    /// Whether it needs a full scan (the dimension values of the data name its detectors).
    pub needs_scan: bool,
    /// The main file's extension when it is not JSON or YAML.
    pub extension: Option<&'static str>,
    /// The files written, the main one first.
    pub files: &'static [TargetFile],
}

/// The settings every target reads.
const COMMON: [Setting; 4] = [
    Setting::Name,
    Setting::Description,
    Setting::Frequency,
    Setting::Timezone,
];

/// Every target, in the order a face lists them, in the order of [`ExportTarget`]'s variants.
pub const TARGETS: [TargetSpec; 5] = [
    TargetSpec {
        target: ExportTarget::MetricSet,
        name: "metric-set",
        label: "CreateMetricSet request",
        service: Service::LookoutForMetrics,
        reads: &[
            COMMON[0],
            COMMON[1],
            COMMON[2],
            COMMON[3],
            Setting::Offset,
            Setting::RoleArn,
            Setting::DetectorArn,
            Setting::HistoricalPath,
            Setting::TemplatePath,
        ],
        yaml: false,
        needs_scan: false,
        extension: None,
        files: &[TargetFile {
            role: FileRole::Main,
            used_by: "aws lookoutmetrics create-metric-set (its request, as JSON)",
        }],
    },
    TargetSpec {
        target: ExportTarget::CloudFormation,
        name: "cloudformation",
        label: "CloudFormation template",
        service: Service::LookoutForMetrics,
        // The template holds the detector itself: it has no detector ARN to read.
        reads: &[
            COMMON[0],
            COMMON[1],
            COMMON[2],
            COMMON[3],
            Setting::Offset,
            Setting::RoleArn,
            Setting::HistoricalPath,
            Setting::TemplatePath,
        ],
        yaml: true,
        needs_scan: false,
        extension: None,
        files: &[TargetFile {
            role: FileRole::Main,
            used_by: "a CloudFormation stack (AWS::LookoutMetrics::AnomalyDetector)",
        }],
    },
    TargetSpec {
        target: ExportTarget::OpenSearch,
        name: "opensearch",
        label: "OpenSearch create-detector body",
        service: Service::OpenSearch,
        reads: &[COMMON[0], COMMON[1], COMMON[2], COMMON[3], Setting::Index],
        yaml: false,
        needs_scan: false,
        extension: None,
        files: &[
            TargetFile {
                role: FileRole::Main,
                used_by: "POST _plugins/_anomaly_detection/detectors",
            },
            TargetFile {
                role: FileRole::Mapping,
                used_by: "PUT INDEX (the index the detector reads)",
            },
        ],
    },
    TargetSpec {
        target: ExportTarget::CloudWatch,
        name: "cloudwatch",
        label: "CloudFormation template of CloudWatch anomaly detectors",
        service: Service::CloudWatch,
        reads: &[
            COMMON[0],
            COMMON[1],
            COMMON[2],
            COMMON[3],
            Setting::Namespace,
        ],
        yaml: true,
        needs_scan: true,
        extension: None,
        files: &[TargetFile {
            role: FileRole::Main,
            used_by: "a CloudFormation stack (AWS::CloudWatch::AnomalyDetector)",
        }],
    },
    TargetSpec {
        target: ExportTarget::CloudWatchRequests,
        name: "cloudwatch-requests",
        label: "CloudWatch PutAnomalyDetector requests",
        service: Service::CloudWatch,
        reads: &[
            COMMON[0],
            COMMON[1],
            COMMON[2],
            COMMON[3],
            Setting::Namespace,
        ],
        yaml: false,
        needs_scan: true,
        extension: Some("jsonl"),
        files: &[TargetFile {
            role: FileRole::Main,
            used_by: "aws cloudwatch put-anomaly-detector (one request a line)",
        }],
    },
];

impl ExportTarget {
    /// Every target, in the order a face lists them (the rows of [`TARGETS`]).
    pub const ALL: [ExportTarget; TARGETS.len()] = {
        let mut all = [ExportTarget::MetricSet; TARGETS.len()];
        let mut i = 0;
        while i < all.len() {
            all[i] = TARGETS[i].target;
            i += 1;
        }
        all
    };

    /// This target's row of [`TARGETS`].
    pub const fn spec(self) -> &'static TargetSpec {
        &TARGETS[self as usize]
    }

    /// The target's short name (`metric-set`, `opensearch`...).
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// What the main file is, in words.
    pub fn label(self) -> &'static str {
        self.spec().label
    }

    /// The Lookout for Metrics config kind, for the two L4M targets.
    pub fn l4m(self) -> Option<Target> {
        match self {
            ExportTarget::MetricSet => Some(Target::MetricSet),
            ExportTarget::CloudFormation => Some(Target::CloudFormation),
            ExportTarget::OpenSearch
            | ExportTarget::CloudWatch
            | ExportTarget::CloudWatchRequests => None,
        }
    }

    /// Whether the target reads an export setting (a face greys out the others).
    pub fn reads(self, setting: Setting) -> bool {
        self.spec().reads.contains(&setting)
    }

    /// Whether the target can be written as YAML (the CloudFormation templates).
    pub fn allows_yaml(self) -> bool {
        self.spec().yaml
    }

    /// Whether the target needs a full scan (the dimension values of the data).
    pub fn needs_scan(self) -> bool {
        self.spec().needs_scan
    }

    /// The file name a face suggests for the main file, from a stem (the name).
    pub fn default_file_name(self, stem: &str, syntax: Syntax) -> String {
        let ext = match self.spec().extension {
            Some(ext) => ext,
            None if self.allows_yaml() && syntax == Syntax::Yaml => "yaml",
            None => "json",
        };
        format!("{stem}-{}.{ext}", self.name())
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
        let lower = s.to_ascii_lowercase();
        TARGETS
            .iter()
            .find(|t| t.name == lower)
            .map(|t| t.target)
            .ok_or_else(|| {
                format!(
                    "unknown target {s:?}: use {}",
                    ExportTarget::ALL.map(ExportTarget::name).join(", ")
                )
            })
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
    let l4m = |kind: Target, options: &mut ExportOptions| {
        options.target = kind;
        if !target.allows_yaml() {
            options.syntax = Syntax::Json;
        }
        build_l4m(target, input, options)
    };
    let (files, more) = match target {
        ExportTarget::MetricSet => return l4m(Target::MetricSet, &mut options),
        ExportTarget::CloudFormation => return l4m(Target::CloudFormation, &mut options),
        ExportTarget::OpenSearch => build_opensearch(input, &options),
        ExportTarget::CloudWatch => build_cloudwatch(true, input, &options),
        ExportTarget::CloudWatchRequests => build_cloudwatch(false, input, &options),
    };
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
    found.extend(more);
    found.sort_by_key(|f| f.severity);
    Built {
        target,
        files,
        findings: found,
    }
}

/// A Lookout for Metrics config: every finding of the review, which also builds it.
fn build_l4m(target: ExportTarget, input: &TargetInput<'_>, options: &ExportOptions) -> Built {
    let review = findings::review(&Context {
        labels: input.labels,
        profiles: input.profiles,
        dialect: input.dialect,
        coverage: input.coverage,
        options,
    });
    let text = render(&review.config, options.syntax);
    let mut found = review.findings;
    found.push(findings::end_of_support(options.target));
    found.sort_by_key(|f| f.severity);
    Built {
        target,
        files: vec![main(review.config, text)],
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
    template: bool,
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
    fn the_rows_are_in_the_order_of_the_variants_and_each_writes_its_files() {
        for (i, spec) in TARGETS.iter().enumerate() {
            assert_eq!(spec.target as usize, i, "{} is row {i}", spec.name);
            assert_eq!(spec.files.first().map(|f| f.role), Some(FileRole::Main));
            assert_eq!(
                spec.target.l4m().is_some(),
                spec.service == Service::LookoutForMetrics
            );
        }
        assert!(ExportTarget::MetricSet.reads(Setting::DetectorArn));
        assert!(!ExportTarget::CloudFormation.reads(Setting::DetectorArn));
        assert!(!ExportTarget::OpenSearch.reads(Setting::RoleArn));
        assert!(ExportTarget::CloudWatchRequests.reads(Setting::Namespace));
    }

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
        assert_eq!(
            ExportTarget::CloudWatchRequests.default_file_name("ecommerce", Syntax::Json),
            "ecommerce-cloudwatch-requests.jsonl"
        );
        assert!(
            "nope"
                .parse::<ExportTarget>()
                .unwrap_err()
                .contains("opensearch")
        );
    }
}
