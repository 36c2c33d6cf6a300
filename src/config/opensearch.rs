//! The OpenSearch anomaly-detection export: the body of `POST _plugins/_anomaly_detection/detectors`
//! and the index mapping the detector needs (`PUT <index>`), from the same labels as an L4M config.
//!
//! The mapping is one: measures become `sum`/`avg` features, dimensions `category_field`s, the
//! interval minutes, the offset a `window_delay`. There is no official offline schema of the body,
//! so every rule of the plugin that the spec lists (`shared/spec/migration-targets.md`: name
//! pattern and length, description length, feature and category-field counts, unique feature
//! names, interval units) is checked here as a finding, each saying what to do.

use serde_json::{Map, Value, json};

use super::export::ExportOptions;
use super::findings::{Finding, Rule};
use crate::fix::{Fix, Setting};
use crate::schema::timefmt::{TimeFormat, UNIX_MILLIS_THRESHOLD};
use crate::schema::{Aggregation, ColumnProfile, Labels, Role};

/// A character `NAME_REGEX` of the plugin's create handler allows (`[a-zA-Z0-9._-]`).
fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}
/// `MAX_NAME_SIZE`.
pub const MAX_NAME: usize = 64;
/// The plugin's limit on a description.
pub const MAX_DESCRIPTION: usize = 1_000;
/// `plugins.anomaly_detection.max_anomaly_features`: the default, and the most it can be set to.
pub const FEATURES_DEFAULT: usize = 5;
pub const FEATURES_MAX: usize = 10;
/// `plugins.anomaly_detection.category_field_limit`: the default, and the most it can be set to.
pub const CATEGORY_FIELDS_DEFAULT: usize = 2;
pub const CATEGORY_FIELDS_MAX: usize = 5;

/// The two documents of an OpenSearch export.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenSearchExport {
    /// The create-detector request body.
    pub detector: Value,
    /// The index mapping (`{"mappings": {"properties": ...}}`).
    pub mapping: Value,
}

/// The feature name of a measure: `views_sum`, `price_avg`.
pub fn feature_name(measure: &str, agg: Aggregation) -> String {
    format!("{measure}_{}", aggregation(agg))
}

fn aggregation(agg: Aggregation) -> &'static str {
    match agg {
        Aggregation::Sum => "sum",
        Aggregation::Avg => "avg",
    }
}

/// Minutes for the detector: an L4M interval, or an offset rounded up to whole minutes.
fn period(minutes: i64) -> Value {
    json!({"period": {"interval": minutes, "unit": "Minutes"}})
}

/// Build the detector body and the mapping. Only given values appear: no index, no name, no
/// timestamp leave their members out (the findings say so).
pub fn build(
    labels: &Labels,
    profiles: &[ColumnProfile],
    opts: &ExportOptions,
    index: Option<&str>,
) -> OpenSearchExport {
    let mut d = Map::new();
    if let Some(n) = &opts.name {
        d.insert("name".into(), json!(n));
    }
    if let Some(desc) = &opts.description {
        d.insert("description".into(), json!(desc));
    }
    if let Some(ts) = labels.timestamp() {
        d.insert("time_field".into(), json!(ts));
    }
    d.insert(
        "indices".into(),
        json!(index.into_iter().collect::<Vec<_>>()),
    );
    let features: Vec<Value> = labels
        .measures()
        .iter()
        .map(|(m, agg)| {
            let name = feature_name(m, *agg);
            json!({"feature_name": name, "feature_enabled": true,
                "aggregation_query": {name.clone(): {aggregation(*agg): {"field": m}}}})
        })
        .collect();
    d.insert("feature_attributes".into(), Value::Array(features));
    if let Some(f) = opts.frequency {
        d.insert("detection_interval".into(), period(f.seconds() / 60));
    }
    // The plugin wants an interval above 0; no offset means no delay, so the member is left out.
    if let Some(o) = opts.offset.filter(|o| *o > 0) {
        d.insert("window_delay".into(), period((o + 59) / 60));
    }
    let dims = labels.dimensions();
    if !dims.is_empty() {
        d.insert("category_field".into(), json!(dims));
    }
    OpenSearchExport {
        detector: Value::Object(d),
        mapping: mapping(labels, profiles),
    }
}

/// The index mapping: the timestamp a `date` with the L4M pattern as its format (epoch time as
/// `epoch_second` or `epoch_millis`, as the values show), dimensions `keyword`, measures `double`.
fn mapping(labels: &Labels, profiles: &[ColumnProfile]) -> Value {
    let mut props = Map::new();
    if let Some(ts) = labels.timestamp() {
        let mut field = Map::new();
        field.insert("type".into(), json!("date"));
        if let Some(tf) = &labels.timestamp_format {
            let format = if tf.is_unix() {
                epoch_unit(ts, profiles).0.to_string()
            } else {
                tf.pattern().to_string()
            };
            field.insert("format".into(), json!(format));
        }
        props.insert(ts.into(), Value::Object(field));
    }
    for c in &labels.columns {
        let kind = match c.role {
            Role::Dimension => "keyword",
            Role::Measure => "double",
            _ => continue,
        };
        props.insert(c.name.clone(), json!({"type": kind}));
    }
    json!({"mappings": {"properties": props}})
}

/// The epoch unit of a timestamp column from its sample values (L4M decides per value: above the
/// threshold milliseconds), and whether the values mix both.
fn epoch_unit(column: &str, profiles: &[ColumnProfile]) -> (&'static str, bool) {
    let values: Vec<f64> = profiles
        .iter()
        .find(|p| p.name == column)
        .map(|p| p.examples.iter().filter_map(|v| v.parse().ok()).collect())
        .unwrap_or_default();
    let millis = values
        .iter()
        .filter(|v| **v > UNIX_MILLIS_THRESHOLD as f64)
        .count();
    let unit = if millis * 2 > values.len() {
        "epoch_millis"
    } else {
        "epoch_second"
    };
    (unit, millis > 0 && millis < values.len())
}

/// Every rule of the spec on the body, and what the mapping cannot say.
pub fn findings(
    export: &OpenSearchExport,
    labels: &Labels,
    profiles: &[ColumnProfile],
    opts: &ExportOptions,
) -> Vec<Finding> {
    let mut out = Vec::new();
    name_findings(opts, &mut out);
    index_findings(&export.detector, &mut out);
    if labels.timestamp().is_none() {
        out.push(
            Finding::error(
                Rule::TimestampColumn,
                "no timestamp column for time_field",
                vec![Fix::label_any(Role::Timestamp)],
            )
            .at("time_field"),
        );
    }
    if opts.frequency.is_none() {
        out.push(
            Finding::error(
                Rule::Frequency,
                "no interval for detection_interval",
                vec![Fix::set(Setting::Frequency)],
            )
            .at("detection_interval"),
        );
    }
    feature_findings(labels, &mut out);
    category_findings(labels, &mut out);
    time_findings(labels, profiles, opts, &mut out);
    out.sort_by_key(|f| f.severity);
    out
}

fn name_findings(opts: &ExportOptions, out: &mut Vec<Finding>) {
    let name_fix = vec![Fix::set(Setting::Name)];
    match opts.name.as_deref() {
        None => {
            out.push(Finding::error(Rule::DetectorName, "no detector name", name_fix).at("name"))
        }
        Some(n) if n.trim().is_empty() || !n.chars().all(name_char) => out.push(
            Finding::error(
                Rule::DetectorName,
                format!("detector name {n:?} has characters other than letters, digits, . _ -"),
                name_fix,
            )
            .at("name"),
        ),
        Some(n) if n.chars().count() > MAX_NAME => out.push(
            Finding::error(
                Rule::DetectorName,
                format!(
                    "detector name {n:?} is {} characters long, longer than {MAX_NAME}",
                    n.chars().count()
                ),
                name_fix,
            )
            .at("name"),
        ),
        Some(_) => {}
    }
    if let Some(d) = &opts.description
        && d.chars().count() > MAX_DESCRIPTION
    {
        out.push(
            Finding::error(
                Rule::DetectorDescription,
                format!(
                    "the description is {} characters long, longer than {MAX_DESCRIPTION}",
                    d.chars().count()
                ),
                vec![Fix::set(Setting::Description)],
            )
            .at("description"),
        );
    }
}

/// Characters an OpenSearch index name may not hold.
const INDEX_FORBIDDEN: &[char] = &['\\', '/', '?', '"', '<', '>', '|', ' ', ',', '#', ':'];

fn index_findings(detector: &Value, out: &mut Vec<Finding>) {
    let fix = vec![Fix::set_like(Setting::Index, "ecommerce*")];
    let Some(index) = detector["indices"].get(0).and_then(Value::as_str) else {
        out.push(
            Finding::error(
                Rule::IndexPattern,
                "no index: the detector reads the index (or pattern) the data is indexed in",
                fix,
            )
            .at("indices"),
        );
        return;
    };
    if let Some(problem) = index_problem(index) {
        out.push(Finding::error(Rule::IndexPattern, problem, fix).at("indices[0]"));
    }
}

/// What keeps a text from being an OpenSearch index name or pattern, if anything (a face checks
/// a field with it as it is typed; the export's finding says the same).
pub fn index_problem(index: &str) -> Option<String> {
    let bad = index.is_empty()
        || index.contains(INDEX_FORBIDDEN)
        || index.chars().any(|c| c.is_uppercase())
        || index.starts_with(['-', '_', '+']);
    bad.then(|| {
        format!(
            "index {index:?} is not an OpenSearch index name: lowercase, none of \\ / ? \" < > | , # : or spaces, not starting with - _ +"
        )
    })
}

fn feature_findings(labels: &Labels, out: &mut Vec<Finding>) {
    let n = labels.measures().len();
    if n == 0 {
        out.push(
            Finding::error(
                Rule::FeatureCount,
                "no measure: a detector needs at least one feature",
                vec![Fix::label_any(Role::Measure)],
            )
            .at("feature_attributes"),
        );
    } else if n > FEATURES_DEFAULT {
        let mut fixes = vec![Fix::label_any(Role::Ignored)];
        if n <= FEATURES_MAX {
            fixes.push(Fix::outside(format!(
                "raise the cluster setting plugins.anomaly_detection.max_anomaly_features to {n} (at most {FEATURES_MAX})"
            )));
        }
        out.push(
            Finding::error(
                Rule::FeatureCount,
                format!(
                    "{n} measures make {n} features: a detector takes {FEATURES_DEFAULT} by default, {FEATURES_MAX} at most"
                ),
                fixes,
            )
            .at("feature_attributes"),
        );
    }
    let mut seen = std::collections::HashSet::new();
    for (m, agg) in labels.measures() {
        let name = feature_name(m, agg);
        if !seen.insert(name.clone()) {
            out.push(
                Finding::error(
                    Rule::FeatureName,
                    format!("feature name {name:?} is used twice: feature names must be unique"),
                    vec![Fix::label(m, Role::Ignored)],
                )
                .at("feature_attributes"),
            );
        }
    }
}

fn category_findings(labels: &Labels, out: &mut Vec<Finding>) {
    let n = labels.dimensions().len();
    if n <= CATEGORY_FIELDS_DEFAULT {
        return;
    }
    let mut fixes = vec![Fix::label_any(Role::Ignored)];
    if n <= CATEGORY_FIELDS_MAX {
        fixes.push(Fix::outside(format!(
            "raise the cluster setting plugins.anomaly_detection.category_field_limit to {n} (at most {CATEGORY_FIELDS_MAX})"
        )));
    }
    out.push(
        Finding::error(
            Rule::CategoryFields,
            format!(
                "{n} dimensions make {n} category fields: a detector takes {CATEGORY_FIELDS_DEFAULT} by default, {CATEGORY_FIELDS_MAX} at most; choose the dimensions that matter"
            ),
            fixes,
        )
        .at("category_field"),
    );
}

/// What the date mapping cannot carry: the unit of mixed epoch values, and the timezone of
/// timestamps written without an offset (OpenSearch reads them as UTC).
fn time_findings(
    labels: &Labels,
    profiles: &[ColumnProfile],
    opts: &ExportOptions,
    out: &mut Vec<Finding>,
) {
    let (Some(ts), Some(tf)) = (labels.timestamp(), labels.timestamp_format.as_ref()) else {
        return;
    };
    if tf.is_unix() {
        let (unit, mixed) = epoch_unit(ts, profiles);
        if mixed {
            out.push(
                Finding::warning(
                    Rule::EpochUnit,
                    format!(
                        "{ts:?} mixes epoch seconds and milliseconds; the mapping reads {unit}, so the others index wrongly"
                    ),
                    vec![Fix::outside("convert the column to one unit")],
                )
                .at("mappings.properties"),
            );
        }
    } else if !tf.has_offset() && opts.timezone != chrono_tz::Tz::UTC {
        out.push(
            Finding::warning(
                Rule::IngestTimezone,
                format!(
                    "timestamps like {:?} carry no offset and OpenSearch reads them as UTC, but the data's timezone is {}",
                    TimeFormat::pattern(tf),
                    opts.timezone.name()
                ),
                vec![Fix::outside(format!(
                    "index through an ingest pipeline whose date processor has timezone {}",
                    opts.timezone.name()
                ))],
            )
            .at("time_field"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_becomes_a_window_delay_rounded_up_to_whole_minutes() {
        let labels = Labels::default();
        let opts = ExportOptions {
            offset: Some(61),
            ..ExportOptions::default()
        };
        let e = build(&labels, &[], &opts, Some("x*"));
        assert_eq!(e.detector["window_delay"]["period"]["interval"], 2);
        let none = build(&labels, &[], &ExportOptions::default(), None);
        assert!(none.detector.get("window_delay").is_none());
    }
}
