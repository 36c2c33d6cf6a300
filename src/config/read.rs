//! Reading the configs people already hold: a `CreateMetricSet` request (by l4m or by hand), the
//! output of `aws lookoutmetrics describe-metric-set`, or a CloudFormation template with an
//! `AWS::LookoutMetrics::AnomalyDetector`, in JSON or YAML.
//!
//! [`read_config`] tells which kind a text is and lifts out what l4m works with: the labels
//! (timestamp, measures, dimensions), the file format, and the export settings (name, interval,
//! offset, timezone, ARNs, S3 paths). It remembers where each came from, so that every finding
//! about a member names its path in the file (`MetricList[1].MetricName`, or
//! `Resources.Detector.Properties.MetricSetList[0].MetricList[1].MetricName` in a template).
//! Values of the wrong type are left out here; [`ConfigSource::model_findings`] reports them,
//! field by field, against the service's API model.

use chrono_tz::Tz;
use serde_json::Value;

use super::export::{ExportOptions, Syntax, Target};
use super::findings::{Finding, model_violation_findings};
use super::model::{ANOMALY_DETECTOR_TYPE, ServiceModel, validate_cloudformation};
use crate::error::ConfigProblem;
use crate::fix::Setting;
use crate::format::{Compression, FileFormat, Overrides};
use crate::schema::{Aggregation, Frequency, Role};

/// Which kind of config a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConfigKind {
    /// The request of `CreateMetricSet` (what `l4m export` writes, or a hand-written one).
    MetricSetRequest,
    /// The output of `aws lookoutmetrics describe-metric-set` (the request's members, plus
    /// `MetricSetArn`, `CreationTime`, `LastModificationTime`).
    DescribeMetricSet,
    /// A CloudFormation template holding an `AWS::LookoutMetrics::AnomalyDetector`.
    CloudFormation,
}

impl ConfigKind {
    /// How reports name the kind.
    pub fn label(self) -> &'static str {
        match self {
            ConfigKind::MetricSetRequest => "CreateMetricSet request",
            ConfigKind::DescribeMetricSet => "describe-metric-set output",
            ConfigKind::CloudFormation => "CloudFormation template",
        }
    }
}

/// Members of a describe-metric-set output that a request does not have.
const DESCRIBE_ONLY: [(&str, &str); 3] = [
    ("MetricSetArn", "Arn"),
    ("CreationTime", "Timestamp"),
    ("LastModificationTime", "Timestamp"),
];

/// Members that mark a CreateMetricSet request (any one of them).
const REQUEST_MEMBERS: [&str; 5] = [
    "MetricList",
    "MetricSource",
    "MetricSetName",
    "AnomalyDetectorArn",
    "TimestampColumn",
];

/// A column the config names, and its index in its list (for the path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigColumn {
    pub index: usize,
    pub name: String,
}

/// The labels a config states.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfigLabels {
    pub timestamp: Option<String>,
    /// The timestamp format as written (compiled when applied: a bad one is a finding).
    pub timestamp_format: Option<String>,
    pub measures: Vec<(ConfigColumn, Aggregation)>,
    pub dimensions: Vec<ConfigColumn>,
}

/// How the config says the files are written (`FileFormatDescriptor`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfigFormat {
    pub format: Option<FileFormat>,
    pub compression: Option<Compression>,
    pub delimiter: Option<u8>,
    /// `Some(None)`: values are never quoted (an empty `QuoteSymbol`).
    pub quote: Option<Option<u8>>,
    pub has_header: Option<bool>,
    /// The column names of a file without a header line.
    pub header_list: Option<Vec<String>>,
}

/// A config as l4m reads it: its kind, the document, and what it states.
#[derive(Debug, Clone)]
pub struct ConfigSource {
    pub kind: ConfigKind,
    pub syntax: Syntax,
    /// The whole document, as JSON.
    pub document: Value,
    /// The API path of the metric set inside the document (empty for a request).
    pub base: String,
    /// The API path of the detector's properties (CloudFormation only).
    pub detector_base: Option<String>,
    pub labels: ConfigLabels,
    pub format: ConfigFormat,
    /// Name, description, interval, offset, timezone, ARNs and S3 paths as the config states them.
    pub options: ExportOptions,
    /// A `Timezone` that is not an IANA name l4m knows (the options then hold UTC).
    pub unknown_timezone: Option<String>,
    /// The metric source when it is not S3 (`RedshiftSourceConfig`...): no files to check.
    pub other_source: Option<String>,
}

/// Read a config from its text, JSON or YAML.
pub fn read_config(text: &str) -> Result<ConfigSource, ConfigProblem> {
    let (document, syntax) = parse(text)?;
    let Value::Object(root) = &document else {
        return Err(ConfigProblem::NotAnObject);
    };
    let kind = if root.contains_key("Resources") || root.contains_key("AWSTemplateFormatVersion") {
        ConfigKind::CloudFormation
    } else if DESCRIBE_ONLY.iter().any(|(m, _)| root.contains_key(*m)) {
        ConfigKind::DescribeMetricSet
    } else if REQUEST_MEMBERS.iter().any(|m| root.contains_key(*m)) {
        ConfigKind::MetricSetRequest
    } else {
        return Err(ConfigProblem::UnknownKind {
            members: root.keys().cloned().collect(),
        });
    };
    let (base, detector_base) = match kind {
        ConfigKind::CloudFormation => {
            let (props, set) = locate_detector(&document)?;
            (set, Some(props))
        }
        _ => (String::new(), None),
    };
    let mut config = ConfigSource {
        kind,
        syntax,
        document,
        base,
        detector_base,
        labels: ConfigLabels::default(),
        format: ConfigFormat::default(),
        options: ExportOptions {
            target: match kind {
                ConfigKind::CloudFormation => Target::CloudFormation,
                _ => Target::MetricSet,
            },
            syntax,
            ..ExportOptions::default()
        },
        unknown_timezone: None,
        other_source: None,
    };
    config.lift();
    Ok(config)
}

/// JSON first (the common case, and its errors are the clearest for JSON text), then YAML.
fn parse(text: &str) -> Result<(Value, Syntax), ConfigProblem> {
    match serde_json::from_str::<Value>(text) {
        Ok(v) => Ok((v, Syntax::Json)),
        Err(json_error) => match super::yaml::from_yaml(text) {
            Ok(v) => Ok((v, Syntax::Yaml)),
            Err(yaml_error) => Err(ConfigProblem::NotParsed {
                detail: if text.trim_start().starts_with(['{', '[']) {
                    format!("as JSON: {json_error}")
                } else {
                    format!("as YAML: {yaml_error}")
                },
            }),
        },
    }
}

/// The first Lookout for Metrics detector of a template: the path of its properties, and of its
/// metric set.
fn locate_detector(document: &Value) -> Result<(String, String), ConfigProblem> {
    let resources = document
        .get("Resources")
        .and_then(Value::as_object)
        .ok_or(ConfigProblem::NoDetector { resources: 0 })?;
    let (id, resource) = resources
        .iter()
        .find(|(_, r)| r.get("Type").and_then(Value::as_str) == Some(ANOMALY_DETECTOR_TYPE))
        .ok_or(ConfigProblem::NoDetector {
            resources: resources.len(),
        })?;
    let props = format!("Resources.{id}.Properties");
    let list = format!("{props}.MetricSetList");
    match resource.pointer("/Properties/MetricSetList/0") {
        Some(Value::Object(_)) => Ok((props, format!("{list}[0]"))),
        _ => Err(ConfigProblem::NoMetricSet { path: list }),
    }
}

/// The value at an API path (`a.b[1].c`) of a document.
pub fn value_at<'a>(document: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return Some(document);
    }
    let mut v = document;
    for part in path.split('.') {
        let mut pieces = part.split('[');
        let name = pieces.next()?;
        if !name.is_empty() {
            v = v.get(name)?;
        }
        for index in pieces {
            v = v.get(index.trim_end_matches(']').parse::<usize>().ok()?)?;
        }
    }
    Some(v)
}

/// One character of ASCII as a byte (delimiters and quotes are one character).
fn one_byte(s: &str) -> Option<u8> {
    (s.len() == 1 && s.is_ascii()).then(|| s.as_bytes()[0])
}

impl ConfigSource {
    /// The full path of a member of the metric set (`MetricList[1].MetricName`).
    pub fn path(&self, member: &str) -> String {
        if self.base.is_empty() {
            member.to_string()
        } else if member.is_empty() {
            self.base.clone()
        } else {
            format!("{}.{member}", self.base)
        }
    }

    /// The full path of the interval: the metric set's, or the detector's in a template.
    pub fn frequency_path(&self) -> String {
        match &self.detector_base {
            Some(props) => format!("{props}.AnomalyDetectorConfig.AnomalyDetectorFrequency"),
            None => self.path("MetricSetFrequency"),
        }
    }

    fn set_value(&self, member: &str) -> Option<&Value> {
        value_at(&self.document, &self.path(member))
    }

    fn set_str(&self, member: &str) -> Option<String> {
        self.set_value(member)
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    /// Lift labels, format and settings out of the document.
    fn lift(&mut self) {
        self.lift_labels();
        self.lift_format();
        self.lift_settings();
    }

    fn lift_labels(&mut self) {
        self.labels.timestamp = self.set_str("TimestampColumn.ColumnName");
        self.labels.timestamp_format = self.set_str("TimestampColumn.ColumnFormat");
        let column = |index: usize, v: Option<&Value>| {
            v.and_then(Value::as_str).map(|name| ConfigColumn {
                index,
                name: name.to_string(),
            })
        };
        if let Some(Value::Array(items)) = self.set_value("MetricList") {
            self.labels.measures = items
                .iter()
                .enumerate()
                .filter_map(|(i, m)| {
                    let agg = m
                        .get("AggregationFunction")
                        .and_then(Value::as_str)
                        .and_then(|a| a.parse().ok())
                        .unwrap_or_default();
                    column(i, m.get("MetricName")).map(|c| (c, agg))
                })
                .collect();
        }
        if let Some(Value::Array(items)) = self.set_value("DimensionList") {
            self.labels.dimensions = items
                .iter()
                .enumerate()
                .filter_map(|(i, d)| column(i, Some(d)))
                .collect();
        }
    }

    fn lift_format(&mut self) {
        let source = self.set_value("MetricSource").and_then(Value::as_object);
        if let Some(s) = source
            && !s.contains_key("S3SourceConfig")
        {
            self.other_source = s.keys().next().cloned();
        }
        let descriptor = "MetricSource.S3SourceConfig.FileFormatDescriptor";
        let csv = format!("{descriptor}.CsvFormatDescriptor");
        let json = format!("{descriptor}.JsonFormatDescriptor");
        let compression = |v: Option<&Value>| match v.and_then(Value::as_str) {
            Some("GZIP") => Some(Compression::Gzip),
            Some("NONE") => Some(Compression::None),
            _ => None,
        };
        if self.set_value(&csv).is_some_and(Value::is_object) {
            let get = |m: &str| value_at(&self.document, &self.path(&format!("{csv}.{m}")));
            let quote = get("QuoteSymbol").and_then(Value::as_str).and_then(|q| {
                if q.is_empty() {
                    Some(None)
                } else {
                    one_byte(q).map(Some)
                }
            });
            self.format = ConfigFormat {
                format: Some(FileFormat::Csv),
                compression: compression(get("FileCompression")),
                has_header: get("ContainsHeader").and_then(Value::as_bool),
                delimiter: get("Delimiter").and_then(Value::as_str).and_then(one_byte),
                quote,
                header_list: get("HeaderList").and_then(Value::as_array).map(|a| {
                    a.iter()
                        .filter_map(|h| h.as_str().map(str::to_string))
                        .collect()
                }),
            };
        } else if self.set_value(&json).is_some_and(Value::is_object) {
            self.format.format = Some(FileFormat::Jsonl);
            self.format.compression =
                compression(self.set_value(&format!("{json}.FileCompression")));
        }
    }

    fn lift_settings(&mut self) {
        let props = |m: &str| {
            self.detector_base
                .as_ref()
                .and_then(|p| value_at(&self.document, &format!("{p}.{m}")))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let s3 = |m: &str| format!("MetricSource.S3SourceConfig.{m}");
        // A path given by an intrinsic (`!Sub "s3://${Bucket}/..."`) is given, at deploy time:
        // it is kept as its text, which no location is read from.
        let first = |v: Option<&Value>| match v.and_then(|l| l.get(0))? {
            Value::String(s) => Some(s.clone()),
            Value::Object(m) => Some(match m.get("Fn::Sub") {
                Some(Value::String(s)) => s.clone(),
                _ => Value::Object(m.clone()).to_string(),
            }),
            _ => None,
        };
        let o = ExportOptions {
            name: self
                .set_str("MetricSetName")
                .or_else(|| props("AnomalyDetectorName")),
            description: self
                .set_str("MetricSetDescription")
                .or_else(|| props("AnomalyDetectorDescription")),
            frequency: value_at(&self.document, &self.frequency_path())
                .and_then(Value::as_str)
                .and_then(|f| f.parse::<Frequency>().ok()),
            offset: self.set_value("Offset").and_then(Value::as_i64),
            role_arn: self.set_str(&s3("RoleArn")),
            detector_arn: self.set_str("AnomalyDetectorArn"),
            historical_path: first(self.set_value(&s3("HistoricalDataPathList"))),
            template_path: first(self.set_value(&s3("TemplatedPathList"))),
            ..self.options.clone()
        };
        self.options = o;
        if let Some(tz) = self.set_str("Timezone") {
            match tz.parse::<Tz>() {
                Ok(t) => self.options.timezone = t,
                Err(_) => self.unknown_timezone = Some(tz),
            }
        }
    }

    /// Where to read the data when none is given: the historical-data folder (a backtest reads the
    /// files directly in it), else the path template's fixed part (read with every subfolder).
    pub fn default_location(&self) -> Option<(String, bool)> {
        let literal = |p: &&String| !p.contains("${") && !p.starts_with('{');
        if let Some(h) = self.options.historical_path.as_ref().filter(literal) {
            return Some((h.clone(), false));
        }
        let t = self.options.template_path.as_ref().filter(literal)?;
        let fixed = &t[..t.find("{{").unwrap_or(t.len())];
        let root = match fixed.rfind('/') {
            Some(i) => &fixed[..=i],
            None => fixed,
        };
        Some((root.to_string(), true))
    }

    /// Whether the config reads the continuous layout only (a path template and no historical
    /// folder): its data sits in interval folders.
    pub fn continuous_only(&self) -> bool {
        self.options.template_path.is_some() && self.options.historical_path.is_none()
    }

    /// The read settings the config states, for detection to keep.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            format: self.format.format,
            delimiter: self.format.delimiter,
            quote: self.format.quote,
            has_header: self.format.has_header,
        }
    }

    /// Every break of the API model, field by field, at its path in the document.
    pub fn model_findings(&self) -> Vec<Finding> {
        let model = ServiceModel::bundled();
        let violations = match self.kind {
            ConfigKind::MetricSetRequest => {
                model.validate("CreateMetricSetRequest", &self.document)
            }
            ConfigKind::CloudFormation => validate_cloudformation(model, &self.document),
            ConfigKind::DescribeMetricSet => self.describe_violations(model),
        };
        model_violation_findings(&violations, &self.document)
    }

    /// A describe output is the request plus three members of its own: the request's rules apply
    /// to the rest, the three are checked against their own shapes.
    fn describe_violations(&self, model: &ServiceModel) -> Vec<super::model::Violation> {
        let mut request = self.document.clone();
        let mut out = Vec::new();
        if let Value::Object(m) = &mut request {
            for (member, shape) in DESCRIBE_ONLY {
                if let Some(v) = m.remove(member) {
                    out.extend(model.validate(shape, &v).into_iter().map(|mut x| {
                        x.path = if x.path.is_empty() {
                            member.to_string()
                        } else {
                            format!("{member}.{}", x.path)
                        };
                        x
                    }));
                }
            }
        }
        out.extend(model.validate("CreateMetricSetRequest", &request));
        out
    }

    /// The path in the document that a setting changes, when the config has one for it: the
    /// member a fix is about (`TimestampColumn.ColumnFormat` for the timestamp format).
    pub fn path_of(&self, setting: Setting) -> Option<String> {
        let s3 = "MetricSource.S3SourceConfig";
        let descriptor = format!("{s3}.FileFormatDescriptor");
        let csv = format!("{descriptor}.CsvFormatDescriptor");
        let member = match setting {
            Setting::Role(Role::Timestamp) => "TimestampColumn.ColumnName".to_string(),
            Setting::Role(Role::Measure) => "MetricList".into(),
            Setting::Role(Role::Dimension) => "DimensionList".into(),
            Setting::TimestampFormat => "TimestampColumn.ColumnFormat".into(),
            Setting::Frequency => return Some(self.frequency_path()),
            Setting::Timezone => "Timezone".into(),
            Setting::Offset => "Offset".into(),
            Setting::Name => "MetricSetName".into(),
            Setting::Description => "MetricSetDescription".into(),
            Setting::RoleArn => format!("{s3}.RoleArn"),
            Setting::DetectorArn if self.kind != ConfigKind::CloudFormation => {
                "AnomalyDetectorArn".into()
            }
            Setting::HistoricalPath => format!("{s3}.HistoricalDataPathList"),
            Setting::TemplatePath => format!("{s3}.TemplatedPathList"),
            Setting::Format => descriptor,
            Setting::Delimiter => format!("{csv}.Delimiter"),
            Setting::Quote => format!("{csv}.QuoteSymbol"),
            Setting::Header => format!("{csv}.ContainsHeader"),
            Setting::Compression => match self.format.format {
                Some(FileFormat::Jsonl) => {
                    format!("{descriptor}.JsonFormatDescriptor.FileCompression")
                }
                _ => format!("{csv}.FileCompression"),
            },
            _ => return None,
        };
        Some(self.path(&member))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQUEST: &str = r#"{
        "AnomalyDetectorArn": "arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:ecommerce",
        "MetricSetName": "ecommerce",
        "MetricList": [{"MetricName": "views", "AggregationFunction": "SUM"},
                       {"MetricName": "revenue", "AggregationFunction": "AVG"}],
        "TimestampColumn": {"ColumnName": "timestamp", "ColumnFormat": "yyyy-MM-dd HH:mm:ss"},
        "DimensionList": ["platform", "marketplace"],
        "MetricSetFrequency": "PT1H",
        "Timezone": "Europe/Paris",
        "MetricSource": {"S3SourceConfig": {
            "RoleArn": "arn:aws:iam::123456789012:role/L4MRole",
            "TemplatedPathList": ["s3://my-bucket/ecommerce/live/{{yyyyMMdd}}/{{HHmm}}"],
            "FileFormatDescriptor": {"CsvFormatDescriptor": {"FileCompression": "GZIP",
                "Charset": "UTF-8", "ContainsHeader": false, "Delimiter": ";",
                "HeaderList": ["platform", "marketplace", "timestamp", "views", "revenue"],
                "QuoteSymbol": ""}}}}
    }"#;

    #[test]
    fn a_request_gives_its_labels_format_and_settings() {
        let c = read_config(REQUEST).unwrap();
        assert_eq!(c.kind, ConfigKind::MetricSetRequest);
        assert_eq!(c.syntax, Syntax::Json);
        assert_eq!(c.labels.timestamp.as_deref(), Some("timestamp"));
        let measures: Vec<(&str, usize, Aggregation)> = c
            .labels
            .measures
            .iter()
            .map(|(m, a)| (m.name.as_str(), m.index, *a))
            .collect();
        assert_eq!(
            measures,
            [
                ("views", 0, Aggregation::Sum),
                ("revenue", 1, Aggregation::Avg)
            ]
        );
        assert_eq!(c.format.delimiter, Some(b';'));
        assert_eq!(c.format.quote, Some(None));
        assert_eq!(c.format.has_header, Some(false));
        assert_eq!(c.format.compression, Some(Compression::Gzip));
        assert_eq!(c.format.header_list.as_ref().map(Vec::len), Some(5));
        assert_eq!(c.options.frequency, Some(Frequency::PT1H));
        assert_eq!(c.options.timezone, Tz::Europe__Paris);
        assert_eq!(
            c.default_location(),
            Some(("s3://my-bucket/ecommerce/live/".to_string(), true))
        );
        assert_eq!(c.model_findings(), vec![]);
    }

    #[test]
    fn a_template_in_yaml_with_short_tags_is_read_and_its_paths_lead_into_the_resource() {
        let text = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n  Det:\n    Type: AWS::LookoutMetrics::AnomalyDetector\n    Properties:\n      AnomalyDetectorName: !Sub '${AWS::StackName}-d'\n      AnomalyDetectorConfig:\n        AnomalyDetectorFrequency: PT10M\n      MetricSetList:\n        - MetricSetName: m\n          MetricList:\n            - MetricName: views\n              AggregationFunction: SUM\n          MetricSource:\n            S3SourceConfig:\n              RoleArn: !Ref RoleArn\n              HistoricalDataPathList: [s3://b/h/]\n              FileFormatDescriptor:\n                JsonFormatDescriptor: {FileCompression: NONE, Charset: UTF-8}\n";
        let c = read_config(text).unwrap();
        assert_eq!(c.kind, ConfigKind::CloudFormation);
        assert_eq!(c.syntax, Syntax::Yaml);
        assert_eq!(c.base, "Resources.Det.Properties.MetricSetList[0]");
        assert_eq!(c.options.frequency, Some(Frequency::PT10M));
        assert_eq!(c.options.role_arn, None);
        assert_eq!(c.format.format, Some(FileFormat::Jsonl));
        assert_eq!(
            c.path_of(Setting::Frequency).as_deref(),
            Some("Resources.Det.Properties.AnomalyDetectorConfig.AnomalyDetectorFrequency")
        );
        assert_eq!(c.default_location(), Some(("s3://b/h/".to_string(), false)));
        assert_eq!(c.model_findings(), vec![]);
    }

    #[test]
    fn a_describe_output_is_told_by_its_own_members_and_checked_like_a_request() {
        let mut v: Value = serde_json::from_str(REQUEST).unwrap();
        v["MetricSetArn"] =
            "arn:aws:lookoutmetrics:us-east-1:123456789012:MetricSet:ecommerce/x".into();
        v["CreationTime"] = "2021-03-01T10:00:00+00:00".into();
        v["Offset"] = 500_000.into();
        let c = read_config(&v.to_string()).unwrap();
        assert_eq!(c.kind, ConfigKind::DescribeMetricSet);
        let found = c.model_findings();
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].path.as_deref(), Some("Offset"));
    }

    #[test]
    fn texts_that_are_no_config_say_why() {
        assert!(matches!(
            read_config("{\"a\": [1,}"),
            Err(ConfigProblem::NotParsed { detail }) if detail.starts_with("as JSON")
        ));
        assert_eq!(
            read_config("- 1\n- 2\n").unwrap_err(),
            ConfigProblem::NotAnObject
        );
        assert_eq!(
            read_config("{\"Foo\": 1}").unwrap_err(),
            ConfigProblem::UnknownKind {
                members: vec!["Foo".into()]
            }
        );
        assert_eq!(
            read_config("{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\"}}}").unwrap_err(),
            ConfigProblem::NoDetector { resources: 1 }
        );
    }
}
