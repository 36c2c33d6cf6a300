//! The CloudWatch anomaly-detection export: one detector per measure and dimension combination
//! found in the data, as a CloudFormation template (`AWS::CloudWatch::AnomalyDetector` resources)
//! or as `PutAnomalyDetector` requests, one JSON object a line.
//!
//! CloudWatch models one metric per detector, so the detectors are named by the dimension values
//! the data holds: [`combinations`] reads them in one streaming pass (memory bounded by the number
//! of combinations, capped). Every request is checked against the bundled CloudWatch API model
//! (`monitoring-2010-08-01.service-2.json`), and the findings say how many detectors that makes
//! and how much of the history `PutMetricData` can no longer take (at most 14 days back).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::export::ExportOptions;
use super::findings::{Finding, Rule};
use super::model::ServiceModel;
use crate::coverage::Coverage;
use crate::fix::{Fix, Setting};
use crate::schema::{Aggregation, Labels, Role};
use crate::units::thousands;

/// The CloudFormation resource type of one detector.
pub const RESOURCE_TYPE: &str = "AWS::CloudWatch::AnomalyDetector";
/// Most resources a CloudFormation template may declare.
pub const MAX_RESOURCES: u64 = 500;
/// How far back `PutMetricData` accepts timestamps.
pub const BACKFILL_DAYS: i64 = 14;
/// Most dimension combinations kept with their values (beyond, they are only counted): the most
/// metrics an L4M detector could have.
pub const STORED_COMBINATIONS: usize = 50_000;
/// CloudWatch's longest dimension value.
const MAX_DIMENSION_VALUE: usize = 1_024;

/// The distinct dimension values of a dataset, in sorted order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Combinations {
    pub dimensions: Vec<String>,
    /// Each combination's values, in the order of `dimensions` (at most [`STORED_COMBINATIONS`]).
    pub values: Vec<Vec<String>>,
    /// How many distinct combinations there are (a lower bound when `capped`).
    pub total: u64,
    pub capped: bool,
}

/// The distinct dimension values a scan made with `ScanSpec::series` found (records whose
/// timestamp parses, as the scan counts them), sorted.
pub fn combinations(coverage: &Coverage) -> Combinations {
    let mut values: Vec<Vec<String>> = coverage
        .quality
        .as_ref()
        .map(|q| q.combinations.clone())
        .unwrap_or_default();
    values.sort();
    values.dedup();
    values.truncate(STORED_COMBINATIONS);
    let followed = values.len() as u64;
    Combinations {
        dimensions: coverage.dims.dimensions.clone(),
        values,
        total: coverage.dims.dimension_combinations.max(followed),
        capped: coverage.dims.combinations_capped
            || coverage
                .quality
                .as_ref()
                .is_some_and(|q| q.series_capped && q.combinations.len() > STORED_COMBINATIONS)
            || followed < coverage.dims.dimension_combinations,
    }
}

/// CloudWatch's statistic for an L4M aggregation.
pub fn stat(agg: Aggregation) -> &'static str {
    match agg {
        Aggregation::Sum => "Sum",
        Aggregation::Avg => "Average",
    }
}

/// Why CloudWatch cannot take a dimension value, if it cannot (its API reference: 1 to 1,024
/// ASCII characters, at least one of them not white space).
fn unfit_value(v: &str) -> Option<&'static str> {
    if v.trim().is_empty() {
        Some("empty")
    } else if v.chars().count() > MAX_DIMENSION_VALUE {
        Some("longer than 1,024 characters")
    } else if !v.is_ascii() || v.chars().any(|c| c.is_ascii_control()) {
        Some("not plain ASCII")
    } else {
        None
    }
}

/// One detector's metric: what a request and a resource both hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Detector {
    pub measure: String,
    pub aggregation: Aggregation,
    pub values: Vec<String>,
}

/// Every detector the labels and the combinations make, and the combinations left out (with
/// the value CloudWatch cannot take).
pub fn detectors(
    labels: &Labels,
    combos: &Combinations,
) -> (Vec<Detector>, Vec<(Vec<String>, &'static str)>) {
    let mut out = Vec::new();
    let mut left_out = Vec::new();
    let fit: Vec<&Vec<String>> = combos
        .values
        .iter()
        .filter(|vals| match vals.iter().find_map(|v| unfit_value(v)) {
            Some(why) => {
                left_out.push(((*vals).clone(), why));
                false
            }
            None => true,
        })
        .collect();
    for (m, agg) in labels.measures() {
        for vals in &fit {
            out.push(Detector {
                measure: m.to_string(),
                aggregation: agg,
                values: (*vals).clone(),
            });
        }
    }
    (out, left_out)
}

/// The `SingleMetricAnomalyDetector` of a detector.
fn single(d: &Detector, dimensions: &[String], namespace: Option<&str>) -> Value {
    let mut m = Map::new();
    if let Some(ns) = namespace {
        m.insert("Namespace".into(), json!(ns));
    }
    m.insert("MetricName".into(), json!(d.measure));
    if !dimensions.is_empty() {
        let dims: Vec<Value> = dimensions
            .iter()
            .zip(&d.values)
            .map(|(n, v)| json!({"Name": n, "Value": v}))
            .collect();
        m.insert("Dimensions".into(), Value::Array(dims));
    }
    m.insert("Stat".into(), json!(stat(d.aggregation)));
    Value::Object(m)
}

/// One `PutAnomalyDetector` request per detector.
pub fn requests(
    detectors: &[Detector],
    dimensions: &[String],
    namespace: Option<&str>,
    opts: &ExportOptions,
) -> Vec<Value> {
    detectors
        .iter()
        .map(|d| {
            json!({
                "SingleMetricAnomalyDetector": single(d, dimensions, namespace),
                "Configuration": {"MetricTimezone": opts.timezone.name()}
            })
        })
        .collect()
}

/// The requests as JSON lines, one request a line.
pub fn render_requests(requests: &[Value]) -> String {
    let mut s = String::new();
    for r in requests {
        s.push_str(&r.to_string());
        s.push('\n');
    }
    s
}

/// A CloudFormation logical id from a detector: letters and digits of the measure and values,
/// each word capitalised (`ViewsPcWebUs`), unique within the template.
fn logical_id(d: &Detector, taken: &mut HashSet<String>) -> String {
    let mut id = String::new();
    for part in std::iter::once(&d.measure).chain(&d.values) {
        for word in part.split(|c: char| !c.is_ascii_alphanumeric()) {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                id.push(first.to_ascii_uppercase());
                id.extend(chars);
            }
        }
    }
    id.truncate(200);
    if id.is_empty() || id.starts_with(|c: char| c.is_ascii_digit()) {
        id.insert_str(0, "Detector");
    }
    let mut unique = id.clone();
    let mut n = 2;
    while !taken.insert(unique.clone()) {
        unique = format!("{id}{n}");
        n += 1;
    }
    unique
}

/// A template with one `AWS::CloudWatch::AnomalyDetector` per detector.
pub fn template(
    detectors: &[Detector],
    dimensions: &[String],
    namespace: Option<&str>,
    opts: &ExportOptions,
) -> Value {
    let mut resources = Map::new();
    let mut taken = HashSet::new();
    for d in detectors {
        resources.insert(
            logical_id(d, &mut taken),
            json!({"Type": RESOURCE_TYPE, "Properties": {
                "SingleMetricAnomalyDetector": single(d, dimensions, namespace),
                // CloudFormation spells the member MetricTimeZone, the API MetricTimezone.
                "Configuration": {"MetricTimeZone": opts.timezone.name()}
            }}),
        );
    }
    json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": format!(
            "CloudWatch anomaly detectors{}, one per measure and dimension combination, written by l4m",
            opts.name.as_deref().map(|n| format!(" for {n}")).unwrap_or_default()
        ),
        "Resources": resources
    })
}

/// A resource's properties as the API request they stand for.
pub fn resource_as_request(properties: &Value) -> Value {
    let mut r = properties.clone();
    if let Some(c) = r.get_mut("Configuration").and_then(Value::as_object_mut)
        && let Some(tz) = c.remove("MetricTimeZone")
    {
        c.insert("MetricTimezone".into(), tz);
    }
    r
}

/// Every request against the bundled CloudWatch model; each break is a finding at `path(i)`.
pub fn model_findings<'a>(requests: impl Iterator<Item = (String, &'a Value)>) -> Vec<Finding> {
    let model = ServiceModel::cloudwatch();
    let mut out = Vec::new();
    for (at, r) in requests {
        for v in model.validate("PutAnomalyDetectorInput", r) {
            let path = if v.path.is_empty() {
                at.clone()
            } else {
                format!("{at}.{}", v.path)
            };
            out.push(
                Finding::error(
                    Rule::CloudwatchModel,
                    format!("{} (the CloudWatch API model)", v.message),
                    vec![],
                )
                .at(path),
            );
        }
    }
    out
}

/// What a CloudWatch export is worth knowing: how many detectors, what CloudFormation cannot
/// hold, what CloudWatch cannot take, and how much history is too old to send.
#[allow(clippy::too_many_arguments)]
pub fn findings(
    labels: &Labels,
    combos: &Combinations,
    detectors: &[Detector],
    left_out: &[(Vec<String>, &'static str)],
    namespace: Option<&str>,
    coverage: Option<&Coverage>,
    template: bool,
    now: DateTime<Utc>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    namespace_findings(namespace, &mut out);
    if labels.measures().is_empty() {
        out.push(Finding::error(
            Rule::MeasureCount,
            "no measure: each detector models one measure",
            vec![Fix::label_any(Role::Measure)],
        ));
    }
    count_findings(labels, combos, detectors, template, &mut out);
    if let Some((values, why)) = left_out.first() {
        out.push(Finding::warning(
            Rule::CloudwatchDimensionValue,
            format!(
                "{} dimension combinations are left out: CloudWatch takes dimension values of 1 to 1,024 ASCII characters (first: {values:?}, {why})",
                left_out.len()
            ),
            vec![Fix::outside("fill or rename those values")],
        ));
    }
    if let Some(c) = coverage {
        backfill_findings(c, now, &mut out);
    }
    out.sort_by_key(|f| f.severity);
    out
}

fn namespace_findings(namespace: Option<&str>, out: &mut Vec<Finding>) {
    let fix = vec![Fix::set_like(Setting::Namespace, "ecommerce")];
    match namespace {
        None => out.push(Finding::error(
            Rule::Namespace,
            "no namespace for the metrics",
            fix,
        )),
        Some(ns) => {
            if let Some(problem) = namespace_problem(ns) {
                out.push(Finding::error(Rule::Namespace, problem, fix));
            }
        }
    }
}

/// What keeps a text from being a namespace for custom metrics, if anything (a face checks a
/// field with it as it is typed). The API model's own rules (length, pattern) are the model
/// findings' to say.
pub fn namespace_problem(namespace: &str) -> Option<String> {
    namespace.starts_with("AWS/").then(|| {
        format!("namespace {namespace:?} starts with AWS/, which AWS keeps for its own services")
    })
}

fn count_findings(
    labels: &Labels,
    combos: &Combinations,
    detectors: &[Detector],
    template: bool,
    out: &mut Vec<Finding>,
) {
    let measures = labels.measures().len() as u64;
    let combinations = if combos.dimensions.is_empty() {
        1
    } else {
        combos.total
    };
    let n = measures * combinations;
    let at_least = if combos.capped || combos.total > combos.values.len() as u64 {
        "at least "
    } else {
        ""
    };
    let what = format!(
        "{measures} measures x {at_least}{} dimension combinations = {at_least}{} anomaly detectors",
        thousands(combinations),
        thousands(n)
    );
    if template && n > MAX_RESOURCES {
        out.push(
            Finding::error(
                Rule::CloudformationResources,
                format!(
                    "{what}, each a resource: a CloudFormation template holds at most {MAX_RESOURCES}"
                ),
                vec![
                    Fix::label_any(Role::Ignored),
                    Fix::set_to(Setting::Target, "cloudwatch-requests"),
                ],
            )
            .at("Resources"),
        );
    } else {
        out.push(Finding::warning(
            Rule::DetectorCount,
            format!(
                "{what} ({} written): CloudWatch models and bills each one",
                thousands(detectors.len() as u64)
            ),
            vec![],
        ));
    }
}

fn backfill_findings(c: &Coverage, now: DateTime<Utc>, out: &mut Vec<Finding>) {
    let cutoff = now - chrono::TimeDelta::days(BACKFILL_DAYS);
    let old: Vec<_> = c.intervals.iter().filter(|i| i.start < cutoff).collect();
    if old.is_empty() {
        return;
    }
    let records: u64 = old.iter().map(|i| i.records).sum();
    let share = |part: u64, whole: u64| part as f64 * 100.0 / whole.max(1) as f64;
    let mut message = format!(
        "{} of {} intervals with data ({:.0}%, {} of {} records) are older than the {BACKFILL_DAYS} days that PutMetricData accepts (before {})",
        thousands(old.len() as u64),
        thousands(c.span.intervals_with_data),
        share(old.len() as u64, c.span.intervals_with_data),
        thousands(records),
        thousands(c.read.records),
        cutoff.format("%Y-%m-%d %H:%M UTC")
    );
    if let (Some(first), Some(last)) = (c.span.first_interval, c.span.last_interval) {
        let days = (last - first).num_days() + 1;
        if days > BACKFILL_DAYS {
            message.push_str(&format!(
                "; the data spans {days} days, so even sent right after its end only its last {BACKFILL_DAYS} would be taken"
            ));
        }
    }
    out.push(Finding::warning(
        Rule::Backfill,
        message,
        vec![Fix::outside(
            "send the most recent 14 days as new data points, or let the detectors learn from the data sent from now on",
        )],
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logical_ids_are_alphanumeric_capitalised_and_unique() {
        let d = Detector {
            measure: "views".into(),
            aggregation: Aggregation::Sum,
            values: vec!["pc_web".into(), "us".into()],
        };
        let mut taken = HashSet::new();
        assert_eq!(logical_id(&d, &mut taken), "ViewsPcWebUs");
        assert_eq!(logical_id(&d, &mut taken), "ViewsPcWebUs2");
    }

    #[test]
    fn values_cloudwatch_cannot_take_are_named() {
        assert_eq!(unfit_value(""), Some("empty"));
        assert_eq!(unfit_value("  "), Some("empty"));
        assert_eq!(unfit_value("café"), Some("not plain ASCII"));
        assert_eq!(
            unfit_value(&"a".repeat(1025)),
            Some("longer than 1,024 characters")
        );
        assert_eq!(unfit_value("pc_web"), None);
    }
}
