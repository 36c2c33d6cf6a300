//! The two configs `l4m` writes: the CreateMetricSet request (for
//! `aws lookoutmetrics create-metric-set --cli-input-json file://...`) and a CloudFormation template
//! with an `AWS::LookoutMetrics::AnomalyDetector` resource.

use chrono_tz::Tz;
use serde_json::{Map, Value, json};

use super::model::ServiceModel;
use crate::format::{Dialect, FileFormat};
use crate::schema::{Frequency, Labels};
use crate::source::Location;
use crate::source::template::PathTemplate;

/// Which config to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    /// The CreateMetricSet request as JSON.
    #[default]
    MetricSet,
    /// A CloudFormation template (JSON or YAML).
    CloudFormation,
}

impl std::str::FromStr for Target {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "metric-set" | "metricset" | "create-metric-set" => Ok(Target::MetricSet),
            "cloudformation" | "cfn" => Ok(Target::CloudFormation),
            _ => Err(format!(
                "unknown target {s:?}: use metric-set or cloudformation"
            )),
        }
    }
}

/// How the file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Syntax {
    #[default]
    Json,
    Yaml,
}

/// Everything a config needs beyond the labels and the file format.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub target: Target,
    pub syntax: Syntax,
    pub name: Option<String>,
    pub description: Option<String>,
    pub frequency: Option<Frequency>,
    /// Seconds after the interval's end at which the detector reads it (0-432000).
    pub offset: Option<i64>,
    /// The dataset's timezone (UTC unless the user said otherwise).
    pub timezone: Tz,
    pub role_arn: Option<String>,
    pub detector_arn: Option<String>,
    pub historical_path: Option<String>,
    pub template_path: Option<String>,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            target: Target::default(),
            syntax: Syntax::default(),
            name: None,
            description: None,
            frequency: None,
            offset: None,
            timezone: Tz::UTC,
            role_arn: None,
            detector_arn: None,
            historical_path: None,
            template_path: None,
        }
    }
}

/// The logical id of the detector resource in the CloudFormation template.
pub const CFN_RESOURCE: &str = "AnomalyDetector";
/// The template parameter that stands for the role when no ARN was given.
pub const CFN_ROLE_PARAMETER: &str = "RoleArn";

/// A metric set name from a location's own name (without extensions), when the API model's
/// `MetricSetName` shape accepts it as it is. No other name is invented.
pub fn name_from_location(location: &Location) -> Option<String> {
    let raw = location.file_name();
    let stem = raw.split('.').next().unwrap_or(&raw).to_string();
    ServiceModel::bundled()
        .validate("MetricSetName", &json!(stem))
        .is_empty()
        .then_some(stem)
}

/// The historical-data path for an S3 location: the folder itself, or the folder of a file.
fn historical_path_from_location(location: &Location, is_folder: bool) -> Option<String> {
    let Location::S3 { bucket, key } = location else {
        return None;
    };
    if bucket.is_empty() {
        return None;
    }
    let folder = if is_folder {
        key.clone()
    } else {
        match key.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/"),
            None => String::new(),
        }
    };
    let folder = if folder.is_empty() || folder.ends_with('/') {
        folder
    } else {
        format!("{folder}/")
    };
    Some(format!("s3://{bucket}/{folder}"))
}

/// The S3 paths a location tells, as (historical-data path, path template). A continuous layout
/// (a detected template) gives `s3://bucket/root/{{yyyyMMdd}}/{{HHmm}}` only; any other S3 file or
/// folder gives its folder as the historical-data path. Local locations tell neither.
pub fn location_paths(
    location: &Location,
    is_folder: bool,
    template: Option<&PathTemplate>,
) -> (Option<String>, Option<String>) {
    match template {
        Some(t) => (
            None,
            historical_path_from_location(location, true)
                .map(|root| format!("{root}{}", t.template)),
        ),
        None => (historical_path_from_location(location, is_folder), None),
    }
}

fn file_format_descriptor(dialect: &Dialect) -> Value {
    let compression = dialect.compression.api_name();
    match dialect.format {
        FileFormat::Jsonl => json!({
            "JsonFormatDescriptor": {"FileCompression": compression, "Charset": "UTF-8"}
        }),
        FileFormat::Csv => {
            let mut csv = Map::new();
            csv.insert("FileCompression".into(), json!(compression));
            csv.insert("Charset".into(), json!("UTF-8"));
            csv.insert("ContainsHeader".into(), json!(dialect.has_header));
            csv.insert(
                "Delimiter".into(),
                json!((dialect.delimiter as char).to_string()),
            );
            if !dialect.has_header {
                csv.insert("HeaderList".into(), json!(dialect.columns));
            }
            csv.insert(
                "QuoteSymbol".into(),
                json!(
                    dialect
                        .quote
                        .map(|q| (q as char).to_string())
                        .unwrap_or_default()
                ),
            );
            json!({ "CsvFormatDescriptor": csv })
        }
    }
}

/// The members shared by the API request and the CloudFormation metric set.
fn metric_set_body(
    labels: &Labels,
    dialect: &Dialect,
    opts: &ExportOptions,
    cfn: bool,
) -> Map<String, Value> {
    let mut m = Map::new();
    if !cfn && let Some(arn) = &opts.detector_arn {
        m.insert("AnomalyDetectorArn".into(), json!(arn));
    }
    if let Some(name) = &opts.name {
        m.insert("MetricSetName".into(), json!(name));
    }
    if let Some(d) = &opts.description {
        m.insert("MetricSetDescription".into(), json!(d));
    }
    let metrics: Vec<Value> = labels
        .measures()
        .iter()
        .map(|(name, agg)| json!({"MetricName": name, "AggregationFunction": agg.as_str()}))
        .collect();
    m.insert("MetricList".into(), Value::Array(metrics));
    if let Some(offset) = opts.offset {
        m.insert("Offset".into(), json!(offset));
    }
    if let Some(ts) = labels.timestamp() {
        let mut t = Map::new();
        t.insert("ColumnName".into(), json!(ts));
        if let Some(f) = &labels.timestamp_format {
            t.insert("ColumnFormat".into(), json!(f));
        }
        m.insert("TimestampColumn".into(), Value::Object(t));
    }
    let dims = labels.dimensions();
    if !dims.is_empty() {
        m.insert("DimensionList".into(), json!(dims));
    }
    if let Some(f) = opts.frequency {
        m.insert("MetricSetFrequency".into(), json!(f.as_str()));
    }
    let mut s3 = Map::new();
    match (&opts.role_arn, cfn) {
        (Some(arn), _) => {
            s3.insert("RoleArn".into(), json!(arn));
        }
        (None, true) => {
            s3.insert("RoleArn".into(), json!({"Ref": CFN_ROLE_PARAMETER}));
        }
        (None, false) => {}
    }
    if let Some(t) = &opts.template_path {
        s3.insert("TemplatedPathList".into(), json!([t]));
    }
    if let Some(h) = &opts.historical_path {
        s3.insert("HistoricalDataPathList".into(), json!([h]));
    }
    s3.insert(
        "FileFormatDescriptor".into(),
        file_format_descriptor(dialect),
    );
    m.insert("MetricSource".into(), json!({ "S3SourceConfig": s3 }));
    m.insert("Timezone".into(), json!(opts.timezone.name()));
    m
}

/// Build the config for `opts.target` from the labels and the dialect. Only given values appear.
pub fn build(labels: &Labels, dialect: &Dialect, opts: &ExportOptions) -> Value {
    match opts.target {
        Target::MetricSet => Value::Object(metric_set_body(labels, dialect, opts, false)),
        Target::CloudFormation => {
            let mut props = Map::new();
            if let Some(name) = &opts.name {
                props.insert("AnomalyDetectorName".into(), json!(name));
            }
            if let Some(d) = &opts.description {
                props.insert("AnomalyDetectorDescription".into(), json!(d));
            }
            let mut config = Map::new();
            if let Some(f) = opts.frequency {
                config.insert("AnomalyDetectorFrequency".into(), json!(f.as_str()));
            }
            props.insert("AnomalyDetectorConfig".into(), Value::Object(config));
            props.insert(
                "MetricSetList".into(),
                json!([metric_set_body(labels, dialect, opts, true)]),
            );
            let mut template = Map::new();
            template.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
            template.insert(
                "Description".into(),
                json!("Lookout for Metrics anomaly detector, written by l4m"),
            );
            if opts.role_arn.is_none() {
                template.insert(
                    "Parameters".into(),
                    json!({ CFN_ROLE_PARAMETER: {
                        "Type": "String",
                        "Description": "ARN of the IAM role that Lookout for Metrics assumes to read the data",
                        "AllowedPattern": "arn:([a-z\\d-]+):.*:.*:.*:.+"
                    }}),
                );
            }
            template.insert(
                "Resources".into(),
                json!({ CFN_RESOURCE: {
                    "Type": "AWS::LookoutMetrics::AnomalyDetector",
                    "Properties": props
                }}),
            );
            template.insert(
                "Outputs".into(),
                json!({ "AnomalyDetectorArn": {"Value": {"Ref": CFN_RESOURCE}} }),
            );
            Value::Object(template)
        }
    }
}

/// The text of a config in the chosen syntax, ending with a newline.
pub fn render(config: &Value, syntax: Syntax) -> String {
    match syntax {
        Syntax::Json => {
            let mut s = serde_json::to_string_pretty(config).unwrap_or_default();
            s.push('\n');
            s
        }
        Syntax::Yaml => super::yaml::to_yaml(config),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_tells_the_historical_path_or_the_template_never_both() {
        let s3_file = Location::parse("s3://b/ecommerce/backtest/d.csv").unwrap();
        assert_eq!(
            location_paths(&s3_file, false, None),
            (Some("s3://b/ecommerce/backtest/".into()), None)
        );
        let live = Location::parse("s3://b/ecommerce/live").unwrap();
        let t = crate::source::template::detect(&["20201001/0000/a.csv"]).unwrap();
        assert_eq!(
            location_paths(&live, true, Some(&t)),
            (
                None,
                Some("s3://b/ecommerce/live/{{yyyyMMdd}}/{{HHmm}}".into())
            )
        );
        let local = Location::Local("data".into());
        assert_eq!(location_paths(&local, true, None), (None, None));
    }
}
