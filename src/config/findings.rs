//! Every rule of the domain as findings: an error blocks a working detector, a warning is worth
//! knowing. A finding states the fact (with the offending value) and carries its fixes as data.
//!
//! Rules come from two places and are never restated: what the service's API model states (names,
//! lengths, patterns, ranges, required members) is found by validating the config itself against
//! the model ([`model_findings`]); everything else is checked here against [`crate::schema::limits`].

use serde::Serialize;

use super::export::{ExportOptions, Target};
use super::model::{ServiceModel, Violation, ViolationKind};
use crate::coverage::Coverage;
use crate::fix::{Fix, Setting};
use crate::format::{Dialect, FileFormat, delimiter_name};
use crate::schema::interval::cadence_gap;
use crate::schema::limits::Limit;
use crate::schema::timefmt::TimeFormat;
use crate::schema::{ColumnKind, ColumnProfile, Frequency, Labels, Role};
use crate::units::thousands;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// The rule a finding comes from: a short stable name in reports (`interval-count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    Name,
    Description,
    ColumnName,
    TimestampColumn,
    TimestampValues,
    TimestampFormat,
    #[serde(rename = "timestamp-12-hour")]
    Timestamp12Hour,
    TimestampDateOnly,
    TimestampResolution,
    MeasureCount,
    DimensionCount,
    MeasureNumeric,
    Frequency,
    Offset,
    Timezone,
    HistoricalPath,
    TemplatePath,
    S3Path,
    RoleArn,
    DetectorArn,
    Delimiter,
    Quote,
    ScanIncomplete,
    ScanStale,
    NoRecords,
    RecordsSkipped,
    IntervalCount,
    ContinuousHistory,
    RecordsOutsideFolder,
    FilesOutsideTemplate,
    RecordsPerInterval,
    BytesPerInterval,
    FilesPerInterval,
    DimensionValueLength,
    MetricCount,
    MeasureMagnitude,
    MeasurePrecision,
    SparseMetrics,
    ColumnCompleteness,
    /// An interval finer than the data's cadence: intervals empty for that reason alone.
    IntervalCadence,
    /// A break of the API model that no other rule speaks for (a bug of ours if it shows).
    ApiModel,
    /// A column a config names that the data does not have.
    ColumnMissing,
    /// The file format (CSV or JSON lines) a config states, against the data.
    FileFormat,
    /// The compression a config states, against the data.
    Compression,
    /// The header flag or header list a config states, against the data.
    Header,
    /// A metric source that is not S3 (no files to check).
    MetricSource,
    /// The OpenSearch index pattern.
    IndexPattern,
    /// The OpenSearch detector's name.
    DetectorName,
    /// The OpenSearch detector's description.
    DetectorDescription,
    /// Dimensions as OpenSearch category fields, against the plugin's limit.
    CategoryFields,
    /// Measures as OpenSearch features, against the plugin's limit.
    FeatureCount,
    /// OpenSearch feature names.
    FeatureName,
    /// Epoch timestamps whose unit (seconds or milliseconds) an index mapping must state.
    EpochUnit,
    /// Timestamps without offset that another service reads as UTC.
    IngestTimezone,
    /// A CloudFormation template past its resource limit.
    CloudformationResources,
    /// How many CloudWatch anomaly detectors the export makes.
    DetectorCount,
    /// History older than what CloudWatch's PutMetricData accepts.
    Backfill,
    /// The CloudWatch namespace.
    Namespace,
    /// A dimension value CloudWatch cannot take.
    CloudwatchDimensionValue,
    /// A break of the CloudWatch API model (a bug of ours if it shows).
    CloudwatchModel,
    /// A target that needs the values a scan finds, without a scan.
    NoScan,
    /// A Lookout for Metrics config, after the service's end of support.
    EndOfSupport,
    /// What a backtest of one metric (the terminal UI's chart) flagged in the testing part.
    BacktestAnomalies,
}

impl Rule {
    /// The rule's name as reports print it.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Name => "name",
            Rule::Description => "description",
            Rule::ColumnName => "column-name",
            Rule::TimestampColumn => "timestamp-column",
            Rule::TimestampValues => "timestamp-values",
            Rule::TimestampFormat => "timestamp-format",
            Rule::Timestamp12Hour => "timestamp-12-hour",
            Rule::TimestampDateOnly => "timestamp-date-only",
            Rule::TimestampResolution => "timestamp-resolution",
            Rule::MeasureCount => "measure-count",
            Rule::DimensionCount => "dimension-count",
            Rule::MeasureNumeric => "measure-numeric",
            Rule::Frequency => "frequency",
            Rule::Offset => "offset",
            Rule::Timezone => "timezone",
            Rule::HistoricalPath => "historical-path",
            Rule::TemplatePath => "template-path",
            Rule::S3Path => "s3-path",
            Rule::RoleArn => "role-arn",
            Rule::DetectorArn => "detector-arn",
            Rule::Delimiter => "delimiter",
            Rule::Quote => "quote",
            Rule::ScanIncomplete => "scan-incomplete",
            Rule::ScanStale => "scan-stale",
            Rule::NoRecords => "no-records",
            Rule::RecordsSkipped => "records-skipped",
            Rule::IntervalCount => "interval-count",
            Rule::ContinuousHistory => "continuous-history",
            Rule::RecordsOutsideFolder => "records-outside-folder",
            Rule::FilesOutsideTemplate => "files-outside-template",
            Rule::RecordsPerInterval => "records-per-interval",
            Rule::BytesPerInterval => "bytes-per-interval",
            Rule::FilesPerInterval => "files-per-interval",
            Rule::DimensionValueLength => "dimension-value-length",
            Rule::MetricCount => "metric-count",
            Rule::MeasureMagnitude => "measure-magnitude",
            Rule::MeasurePrecision => "measure-precision",
            Rule::SparseMetrics => "sparse-metrics",
            Rule::ColumnCompleteness => "column-completeness",
            Rule::IntervalCadence => "interval-cadence",
            Rule::ApiModel => "api-model",
            Rule::ColumnMissing => "column-missing",
            Rule::FileFormat => "file-format",
            Rule::Compression => "compression",
            Rule::Header => "header",
            Rule::MetricSource => "metric-source",
            Rule::IndexPattern => "index-pattern",
            Rule::DetectorName => "detector-name",
            Rule::DetectorDescription => "detector-description",
            Rule::CategoryFields => "category-fields",
            Rule::FeatureCount => "feature-count",
            Rule::FeatureName => "feature-name",
            Rule::EpochUnit => "epoch-unit",
            Rule::IngestTimezone => "ingest-timezone",
            Rule::CloudformationResources => "cloudformation-resources",
            Rule::DetectorCount => "detector-count",
            Rule::Backfill => "backfill",
            Rule::Namespace => "namespace",
            Rule::CloudwatchDimensionValue => "cloudwatch-dimension-value",
            Rule::CloudwatchModel => "cloudwatch-model",
            Rule::NoScan => "no-scan",
            Rule::EndOfSupport => "end-of-support",
            Rule::BacktestAnomalies => "backtest-anomalies",
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One broken or doubtful thing: the fact, and what to do about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub rule: Rule,
    /// What is wrong, with the value; no advice (that is in `fixes`).
    pub message: String,
    /// Any one of these fixes it; empty when there is nothing to set (report it).
    pub fixes: Vec<Fix>,
    /// Where in the config the finding points, as an API member path
    /// (`MetricSource.S3SourceConfig.RoleArn`), when it is about one member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl Finding {
    fn new(severity: Severity, rule: Rule, message: impl Into<String>, fixes: Vec<Fix>) -> Self {
        Finding {
            severity,
            rule,
            message: message.into(),
            fixes,
            path: None,
        }
    }

    /// An error: the config will not work as it is.
    pub fn error(rule: Rule, message: impl Into<String>, fixes: Vec<Fix>) -> Finding {
        Finding::new(Severity::Error, rule, message, fixes)
    }

    /// A warning: worth knowing, the config works.
    pub fn warning(rule: Rule, message: impl Into<String>, fixes: Vec<Fix>) -> Finding {
        Finding::new(Severity::Warning, rule, message, fixes)
    }

    /// The same finding, about the member at this API path.
    pub fn at(mut self, path: impl Into<String>) -> Finding {
        self.path = Some(path.into());
        self
    }
}

/// The day Lookout for Metrics reached its end of support: the date of the banner on its
/// documentation (`tests/fixtures/spec/migration-targets.md`).
pub const L4M_END_OF_SUPPORT: &str = "2025-09-12";

/// The finding on every Lookout for Metrics config: the service no longer takes it, so it serves
/// archives, audits, checks and migration; a detector that works today runs on a successor.
pub fn end_of_support(target: Target) -> Finding {
    let gone = match target {
        Target::MetricSet => "its API no longer takes a CreateMetricSet request",
        Target::CloudFormation => {
            "CloudFormation no longer has its resource type AWS::LookoutMetrics::AnomalyDetector, so the template cannot be deployed"
        }
    };
    Finding::warning(
        Rule::EndOfSupport,
        format!(
            "Lookout for Metrics reached its end of support on {L4M_END_OF_SUPPORT} and {gone}: this config serves archives, audits, checks against the data and migration; a detector that works today runs on OpenSearch or CloudWatch"
        ),
        vec![
            Fix::set_to(Setting::Target, "opensearch"),
            Fix::set_to(Setting::Target, "cloudwatch"),
        ],
    )
}

/// What the backtest of one metric found: how many anomalies a detector with OpenSearch's
/// defaults would have flagged in the testing part (the most recent 30%), and in training.
/// `impute` says what the missing intervals became, in words. A warning: worth knowing before a
/// detector is created, it blocks nothing.
pub fn backtest_anomalies(metric: &str, testing: usize, training: usize, impute: &str) -> Finding {
    let anomalies = |n: usize| match n {
        1 => "1 anomaly".to_string(),
        n => format!("{} anomalies", thousands(n as u64)),
    };
    Finding::warning(
        Rule::BacktestAnomalies,
        format!(
            "the backtest of {metric} flagged {} in the testing part ({} in training): a random cut forest with OpenSearch's defaults, missing intervals {impute}",
            anomalies(testing),
            thousands(training as u64)
        ),
        vec![],
    )
}

/// What the checks look at. Profiles and coverage are optional: without them the checks that need
/// them are skipped, never guessed.
pub struct Context<'a> {
    pub labels: &'a Labels,
    pub profiles: &'a [ColumnProfile],
    pub dialect: &'a Dialect,
    pub coverage: Option<&'a Coverage>,
    pub options: &'a ExportOptions,
}

/// A config built from the context, and every finding about it.
#[derive(Debug, Clone)]
pub struct Review {
    pub config: serde_json::Value,
    pub findings: Vec<Finding>,
}

impl Review {
    /// How many findings are errors.
    pub fn errors(&self) -> usize {
        count_errors(&self.findings)
    }
}

/// How many of the findings are errors.
pub fn count_errors(findings: &[Finding]) -> usize {
    findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count()
}

/// Build the config for the context and check it: the domain's rules, then the API model.
pub fn review(ctx: &Context<'_>) -> Review {
    let config = super::build(ctx.labels, ctx.dialect, ctx.options);
    let mut findings = check(ctx);
    findings.extend(model_findings(&config, ctx.options.target));
    findings.sort_by_key(|f| f.severity);
    Review { config, findings }
}

/// Every rule that is not the API model's, as far as the context allows.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    timestamp_findings(ctx, &mut out);
    role_count_findings(ctx.labels, &mut out);
    measure_kind_findings(ctx, &mut out);
    settings_findings(ctx.options, &mut out);
    dialect_findings(ctx.dialect, &mut out);
    if let Some(c) = ctx.coverage {
        match scan_mismatch(c, ctx.labels, ctx.options) {
            None => coverage_findings(c, ctx.labels, &mut out),
            Some(what) => out.push(Finding::error(
                Rule::ScanStale,
                format!(
                    "the coverage figures come from a scan with other settings ({what}): nothing that needs a scan is judged"
                ),
                vec![Fix::Rescan],
            )),
        }
    }
    out.sort_by_key(|f| f.severity);
    out
}

/// The timestamp column, its values in the sample, and its format against the interval.
fn timestamp_findings(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(col) = ctx.labels.timestamp() else {
        out.push(Finding::error(
            Rule::TimestampColumn,
            "no timestamp column",
            vec![Fix::label_any(Role::Timestamp)],
        ));
        return;
    };
    if let Some(p) = ctx.profiles.iter().find(|p| p.name == col)
        && p.kind != ColumnKind::Timestamp
    {
        out.push(Finding::warning(
            Rule::TimestampValues,
            format!(
                "timestamp column {col:?} holds {} values in the sample (e.g. {:?})",
                p.kind.as_str(),
                p.examples.first().map(String::as_str).unwrap_or("")
            ),
            vec![
                Fix::label_any(Role::Timestamp),
                Fix::set(Setting::TimestampFormat),
            ],
        ));
    }
    let Some(tf) = &ctx.labels.timestamp_format else {
        out.push(Finding::error(
            Rule::TimestampFormat,
            format!("no timestamp format for {col:?}"),
            vec![Fix::set_like(
                Setting::TimestampFormat,
                "yyyy-MM-dd HH:mm:ss",
            )],
        ));
        return;
    };
    format_findings(tf, ctx.options.frequency, out);
}

/// A timestamp format against the rules of the guide: `hh` needs `a`, dates only fit P1D, and the
/// format must tell the intervals apart.
fn format_findings(tf: &TimeFormat, frequency: Option<Frequency>, out: &mut Vec<Finding>) {
    let f = tf.pattern();
    if tf.twelve_hour_without_marker() {
        out.push(Finding::error(
            Rule::Timestamp12Hour,
            format!("timestamp format {f:?} uses 12-hour hours (hh) without the AM/PM marker (a)"),
            vec![Fix::set_to(Setting::TimestampFormat, format!("{f} a"))],
        ));
    }
    let Some(freq) = frequency else { return };
    if tf.is_date_only() && freq != Frequency::P1D {
        out.push(Finding::error(
            Rule::TimestampDateOnly,
            format!(
                "timestamp format {f:?} has no time of day, so it fits only the 1-day interval, not {}",
                freq.human()
            ),
            vec![
                Fix::set_to(Setting::Frequency, Frequency::P1D.as_str()),
                Fix::set(Setting::TimestampFormat),
            ],
        ));
    } else if tf.resolution_seconds() > freq.seconds() {
        out.push(Finding::error(
            Rule::TimestampResolution,
            format!(
                "timestamp format {f:?} cannot tell {} intervals apart",
                freq.human()
            ),
            vec![
                Fix::set(Setting::Frequency),
                Fix::set(Setting::TimestampFormat),
            ],
        ));
    }
}

/// More measures or dimensions than the guide allows (none at all is the model's rule).
fn role_count_findings(labels: &Labels, out: &mut Vec<Finding>) {
    let counts = [
        (
            labels.measures().len(),
            "measures",
            Rule::MeasureCount,
            Limit::MeasuresGuide,
            Limit::MeasuresMax,
        ),
        (
            labels.dimensions().len(),
            "dimensions",
            Rule::DimensionCount,
            Limit::DimensionsGuide,
            Limit::DimensionsMax,
        ),
    ];
    for (n, what, rule, guide, max) in counts {
        let n = n as u64;
        if n > max.value() {
            out.push(Finding::error(
                rule,
                format!("{n} {what}: a metric set takes at most {}", max.value()),
                vec![Fix::label_any(Role::Ignored)],
            ));
        } else if n > guide.value() {
            out.push(Finding::warning(
                rule,
                format!(
                    "{n} {what}: the 2021 guide allows {} (the later quota page {}); keep {} if your account has the old limit",
                    guide.value(),
                    max.value(),
                    guide.value()
                ),
                vec![Fix::label_any(Role::Ignored)],
            ));
        }
    }
}

/// Measures whose sample values are not numbers.
fn measure_kind_findings(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for (m, _) in ctx.labels.measures() {
        if let Some(p) = ctx.profiles.iter().find(|p| p.name == m)
            && p.kind != ColumnKind::Number
        {
            out.push(Finding::error(
                Rule::MeasureNumeric,
                format!(
                    "measure {m:?} holds {} values in the sample (e.g. {:?}): a measure must be numeric",
                    p.kind.as_str(),
                    p.examples.first().map(String::as_str).unwrap_or("")
                ),
                vec![Fix::label(m, Role::Dimension), Fix::label(m, Role::Ignored)],
            ));
        }
    }
}

/// Settings the guide needs that the model leaves optional, and the template's keys.
fn settings_findings(opts: &ExportOptions, out: &mut Vec<Finding>) {
    if opts.frequency.is_none() {
        out.push(Finding::error(
            Rule::Frequency,
            "no interval",
            vec![Fix::set(Setting::Frequency)],
        ));
    }
    if let Some(t) = &opts.template_path
        && let Some(problem) = template_keys_problem(t)
    {
        out.push(Finding::error(
            Rule::TemplatePath,
            format!("path template {t:?} {problem}"),
            vec![Fix::set_like(
                Setting::TemplatePath,
                "s3://bucket/live/{{yyyyMMdd}}/{{HHmm}}",
            )],
        ));
    }
    if opts.historical_path.is_none() && opts.template_path.is_none() {
        out.push(Finding::error(
            Rule::S3Path,
            "no S3 path (a historical-data folder for a backtest, a path template for continuous mode)",
            vec![
                Fix::set_like(Setting::HistoricalPath, "s3://bucket/folder/"),
                Fix::set_like(
                    Setting::TemplatePath,
                    "s3://bucket/live/{{yyyyMMdd}}/{{HHmm}}",
                ),
            ],
        ));
    }
    if opts.role_arn.is_none() && opts.target == Target::MetricSet {
        out.push(Finding::error(
            Rule::RoleArn,
            "no role ARN (the IAM role L4M assumes to read the data)",
            vec![Fix::set_like(
                Setting::RoleArn,
                "arn:aws:iam::ACCOUNT:role/NAME",
            )],
        ));
    }
}

/// The key letters a path template may use inside `{{...}}` (DG: y, Y, M, d, a, H, k, m, s).
const TEMPLATE_LETTERS: &str = "yYMdaHkms";

/// What is wrong with the `{{...}}` keys of a path template (the characters around them are the
/// model's to judge), if anything.
pub fn template_keys_problem(path: &str) -> Option<String> {
    let mut keys = 0;
    let mut s = path;
    while let Some(open) = s.find("{{") {
        let Some(close) = s[open..].find("}}") else {
            return Some("has a {{ without its }}".into());
        };
        let key = &s[open + 2..open + close];
        if key.is_empty()
            || !key
                .chars()
                .all(|c| TEMPLATE_LETTERS.contains(c) || "-_ ".contains(c))
        {
            return Some(format!(
                "has the key {{{{{key}}}}}: keys use the letters y M d H k m s a"
            ));
        }
        keys += 1;
        s = &s[open + close + 2..];
    }
    (keys == 0).then(|| "has no {{...}} keys: a template names each interval's folder".into())
}

/// The delimiters the guide lists; the model accepts any one character.
fn dialect_findings(dialect: &Dialect, out: &mut Vec<Finding>) {
    if dialect.format == FileFormat::Csv && ![b',', b'\t', b' ', b'|'].contains(&dialect.delimiter)
    {
        out.push(Finding::warning(
            Rule::Delimiter,
            format!(
                "delimiter {:?} is not one the guide lists (comma, tab, space, pipe); the API accepts any one character, but try a backtest first",
                delimiter_name(dialect.delimiter)
            ),
            vec![Fix::outside("rewrite the files with a comma, tab, space or pipe")],
        ));
    }
}

/// How the settings a scan was made with differ from the current ones, if they do: findings
/// never judge a config by a scan of other settings.
fn scan_mismatch(c: &Coverage, labels: &Labels, opts: &ExportOptions) -> Option<String> {
    let mut what = Vec::new();
    if c.narrowed.is_some() {
        what.push("narrowed to some records".into());
    }
    if opts.frequency != Some(c.frequency) {
        what.push(format!(
            "interval {} then, {} now",
            c.frequency,
            opts.frequency.map(|f| f.as_str()).unwrap_or("none")
        ));
    }
    if opts.timezone != c.timezone {
        what.push(format!(
            "timezone {} then, {} now",
            c.timezone.name(),
            opts.timezone.name()
        ));
    }
    if labels.timestamp() != Some(c.timestamp_column.as_str()) {
        what.push(format!(
            "timestamp column {:?} then, {} now",
            c.timestamp_column,
            labels
                .timestamp()
                .map(|t| format!("{t:?}"))
                .unwrap_or("none".into())
        ));
    }
    if labels.timestamp_format.as_ref().map(TimeFormat::pattern)
        != Some(c.timestamp_format.as_str())
    {
        what.push("another timestamp format".into());
    }
    let dims = labels.dimensions();
    let measures: Vec<&str> = labels.measures().iter().map(|(m, _)| *m).collect();
    let scanned: Vec<&str> = c.measures.iter().map(|m| m.name.as_str()).collect();
    if dims != c.dims.dimensions || measures != scanned {
        what.push("other measures or dimensions".into());
    }
    (!what.is_empty()).then(|| what.join("; "))
}

/// What a scan found, against the limits.
/// A scan that did not read every file to its end: the files it could not read are named (a
/// scan again reads them no better: they are to repair or move), a cancelled one is to scan again.
fn incomplete_finding(c: &Coverage) -> Finding {
    let Some(first) = c.completeness.incomplete_files.first() else {
        return Finding::warning(
            Rule::ScanIncomplete,
            "the scan did not read every file to its end: the coverage figures are partial",
            vec![Fix::Rescan],
        );
    };
    let more = match c.completeness.incomplete_files.len() - 1 {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    Finding::warning(
        Rule::ScanIncomplete,
        format!(
            "the scan could not read {} to its end ({}){more}: the coverage figures are partial",
            first.file, first.error
        ),
        vec![Fix::outside(
            "repair the file, or move it out of the dataset's folder",
        )],
    )
}

fn coverage_findings(c: &Coverage, labels: &Labels, out: &mut Vec<Finding>) {
    if !c.completeness.complete {
        out.push(incomplete_finding(c));
    }
    day_month_findings(c, out);
    if let Some(first) = c.files_in_other_format.first() {
        out.push(Finding::error(
            Rule::FileFormat,
            format!(
                "{} files are not in the dataset's format (first: {first}): they are counted here, but L4M reads every file of a dataset with one format and cannot read them",
                c.files_in_other_format.len()
            ),
            vec![Fix::outside(
                "convert them to the dataset's format, or keep each format in a folder of its own",
            )],
        ));
    }
    if c.read.records == 0 {
        out.push(Finding::error(
            Rule::NoRecords,
            format!(
                "no record has a timestamp that parses as {}",
                c.timestamp_format
            ),
            vec![
                Fix::label_any(Role::Timestamp),
                Fix::set(Setting::TimestampFormat),
            ],
        ));
        return;
    }
    skipped_findings(c, out);
    interval_findings(c, out);
    layout_findings(c, out);
    quota_findings(c, labels, out);
    value_findings(c, out);
    if let Some(q) = &c.quality {
        quality_findings(q, out);
    }
}

/// Day and month the other way round: values only the other reading accepts (an error, with the
/// format that fits them all), or values that read either way (a warning: the format is a guess).
fn day_month_findings(c: &Coverage, out: &mut Vec<Finding>) {
    let Some(d) = &c.day_month else { return };
    let f = &c.timestamp_format;
    if d.other_fits_better() {
        out.push(Finding::error(
            Rule::TimestampFormat,
            format!(
                "{} timestamps do not parse as {f:?} but do as {:?}{}, and none parses only as {f:?}: day and month are the other way round",
                d.only_other,
                d.other,
                d.example
                    .as_ref()
                    .map(|e| format!(" (first: {}:{} {:?})", e.file, e.line, e.value.as_deref().unwrap_or("")))
                    .unwrap_or_default()
            ),
            vec![Fix::set_to(Setting::TimestampFormat, d.other.clone())],
        ));
    } else if d.ambiguous() {
        out.push(Finding::warning(
            Rule::TimestampFormat,
            format!(
                "every timestamp reads as {f:?} and as {:?} (no day above 12 in the whole dataset): which field is the day is a guess",
                d.other
            ),
            vec![
                Fix::set_to(Setting::TimestampFormat, f.clone()),
                Fix::set_to(Setting::TimestampFormat, d.other.clone()),
            ],
        ));
    }
}

/// Below this share of records with a value, a labelled column is worth a warning.
pub const MIN_COMPLETENESS: f64 = 0.95;

/// Metrics with too little history for L4M to learn them, and columns with many empty values.
fn quality_findings(q: &crate::coverage::Quality, out: &mut Vec<Finding>) {
    let min = Limit::MinIntervals.value();
    let sparse = q.series_followed - q.series_meeting_threshold;
    if sparse > 0 {
        let examples: Vec<String> = q
            .series
            .iter()
            .take(3)
            .map(|s| {
                let dims: Vec<String> = s
                    .dimensions
                    .iter()
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                    .collect();
                format!(
                    "{}{}{} with {}",
                    s.measure,
                    if dims.is_empty() { "" } else { " for " },
                    dims.join(" "),
                    s.intervals_with_data
                )
            })
            .collect();
        out.push(Finding::warning(
            Rule::SparseMetrics,
            format!(
                "{} of {} metrics have fewer than {min} intervals with data{} (sparsest: {}): L4M learns each metric from its own history",
                thousands(sparse),
                thousands(q.series_followed),
                if q.series_capped { " (of those followed)" } else { "" },
                examples.join("; ")
            ),
            vec![
                Fix::outside("add history for those combinations"),
                Fix::label_any(Role::Ignored),
            ],
        ));
    }
    for c in q
        .columns
        .iter()
        .filter(|c| c.completeness < MIN_COMPLETENESS)
    {
        out.push(Finding::warning(
            Rule::ColumnCompleteness,
            format!(
                "column {:?} has a value in {:.1}% of records",
                c.name,
                c.completeness * 100.0
            ),
            vec![
                Fix::outside("fill the empty values"),
                Fix::label(c.name.clone(), Role::Ignored),
            ],
        ));
    }
}

/// Above this share of records skipped, the data is too broken to judge: an error, not a warning.
pub const MAX_SKIPPED_SHARE: f64 = 0.01;

/// Skipped records: a warning, or an error when more than 1% of the records are skipped (the
/// figures then say little about what L4M would read).
fn skipped_findings(c: &Coverage, out: &mut Vec<Finding>) {
    if c.read.records_skipped == 0 {
        return;
    }
    let total = c.read.records + c.read.records_skipped;
    let share = c.read.records_skipped as f64 / total as f64;
    let by_reason: Vec<String> = c
        .read
        .records_skipped_by_reason
        .iter()
        .map(|(r, n)| format!("{n} {}", r.name()))
        .collect();
    let ex = c
        .read
        .skipped_examples
        .first()
        .map(|e| format!("; first: {e}"))
        .unwrap_or_default();
    let message = format!(
        "{} of {} records skipped ({:.2}%: {}{ex}); L4M skips them too",
        thousands(c.read.records_skipped),
        thousands(total),
        share * 100.0,
        by_reason.join(", ")
    );
    let fixes = vec![
        Fix::outside("fix those rows"),
        Fix::set(Setting::TimestampFormat),
    ];
    out.push(if share > MAX_SKIPPED_SHARE {
        Finding::error(Rule::RecordsSkipped, message, fixes)
    } else {
        Finding::warning(Rule::RecordsSkipped, message, fixes)
    });
}

/// The chosen interval is finer than the records come: a share of its intervals is empty for
/// that reason alone, where a coarser interval leaves none (or far fewer) empty.
pub fn cadence_finding(c: &Coverage, out: &mut Vec<Finding>) {
    let Some((here, coarser)) = cadence_gap(&c.span.by_interval, c.frequency) else {
        return;
    };
    out.push(Finding::warning(
        Rule::IntervalCadence,
        format!(
            "at {} {:.0}% of the intervals are empty ({} of {}): the records come further apart than {}; at {} {:.0}% are ({} of {})",
            here.frequency,
            here.missing_share() * 100.0,
            thousands(here.intervals_missing),
            thousands(here.intervals_spanned),
            here.frequency.human(),
            coarser.frequency,
            coarser.missing_share() * 100.0,
            thousands(coarser.intervals_missing),
            thousands(coarser.intervals_spanned),
        ),
        vec![Fix::set_to(Setting::Frequency, coarser.frequency.as_str())],
    ));
}

fn interval_findings(c: &Coverage, out: &mut Vec<Finding>) {
    cadence_finding(c, out);
    let f = c.frequency;
    let min = Limit::MinIntervals.value();
    let max = Limit::MaxBacktestIntervals.value();
    if c.span.intervals_with_data < min {
        out.push(Finding::error(
            Rule::IntervalCount,
            format!(
                "{} intervals of {} hold data, below the {min} a backtest needs ({} more needed)",
                thousands(c.span.intervals_with_data),
                f.human(),
                min - c.span.intervals_with_data
            ),
            vec![
                Fix::outside("add intervals of history"),
                Fix::set(Setting::Frequency),
            ],
        ));
    } else if c.span.intervals_spanned > max {
        out.push(Finding::warning(
            Rule::IntervalCount,
            format!(
                "the data spans {} intervals: a backtest reads at most {}, the rest is left out",
                thousands(c.span.intervals_spanned),
                thousands(max)
            ),
            vec![],
        ));
    }
    if let (Some(first), Some(last)) = (c.span.first_interval, c.span.last_interval) {
        let days = (last - first).num_days();
        if days > c.history.continuous_history_days {
            out.push(Finding::warning(
                Rule::ContinuousHistory,
                format!(
                    "the data spans {days} days: continuous mode reads at most {} intervals of history within {} days at {}; older data is left out",
                    thousands(c.history.continuous_max_intervals),
                    c.history.continuous_history_days,
                    f.human()
                ),
                vec![],
            ));
        }
    }
}

fn layout_findings(c: &Coverage, out: &mut Vec<Finding>) {
    if c.layout.records_outside_folder > 0 {
        let ex = c
            .layout
            .outside_folder_example
            .as_ref()
            .map(|e| format!(" (first: {}:{})", e.file, e.line))
            .unwrap_or_default();
        out.push(Finding::warning(
            Rule::RecordsOutsideFolder,
            format!(
                "{} records lie outside the interval their folder names{ex}: continuous mode ignores them",
                thousands(c.layout.records_outside_folder)
            ),
            vec![Fix::outside("move them to their interval's folder")],
        ));
    }
    if c.layout.files_outside_template > 0 {
        out.push(Finding::warning(
            Rule::FilesOutsideTemplate,
            format!(
                "{} files sit in folders that do not fit the path template {}: L4M will not read them",
                thousands(c.layout.files_outside_template),
                c.layout.template.as_deref().unwrap_or("")
            ),
            vec![Fix::outside("move them into interval folders")],
        ));
    }
}

fn quota_findings(c: &Coverage, labels: &Labels, out: &mut Vec<Finding>) {
    let f = c.frequency;
    if c.quotas.intervals_over_records_quota > 0 {
        out.push(Finding::warning(
            Rule::RecordsPerInterval,
            format!(
                "{} intervals hold more than {} records (max {}): above the default quota",
                thousands(c.quotas.intervals_over_records_quota),
                thousands(c.quotas.records_quota),
                thousands(c.quotas.max_records_per_interval)
            ),
            vec![Fix::outside(
                "ask AWS to raise the quota, or split the data",
            )],
        ));
    }
    if c.quotas.intervals_over_bytes_quota > 0 {
        out.push(Finding::warning(
            Rule::BytesPerInterval,
            format!(
                "{} intervals hold more than {} of data (about {} at most, estimated from file sizes): above the quota",
                thousands(c.quotas.intervals_over_bytes_quota),
                crate::units::bytes(c.quotas.bytes_quota),
                crate::units::bytes(c.quotas.max_bytes_per_interval)
            ),
            vec![Fix::outside("split or trim the data")],
        ));
    }
    if c.quotas.intervals_over_files_quota > 0 {
        out.push(Finding::warning(
            Rule::FilesPerInterval,
            format!(
                "{} intervals are spread over more than {} files (max {}): above the default quota",
                thousands(c.quotas.intervals_over_files_quota),
                thousands(c.quotas.files_quota),
                thousands(c.quotas.max_files_per_interval)
            ),
            vec![Fix::outside("merge the files of an interval")],
        ));
    }
    let measures = labels.measures().len() as u64;
    let metrics = c.dims.dimension_combinations.saturating_mul(measures);
    let max = Limit::MetricsPerDetector.at(f);
    if metrics > max {
        out.push(Finding::error(
            Rule::MetricCount,
            format!(
                "{measures} measures x {}{} dimension combinations = {metrics} metrics, above the {max} a {} detector allows",
                if c.dims.combinations_capped { "at least " } else { "" },
                c.dims.dimension_combinations,
                f.human()
            ),
            vec![Fix::label_any(Role::Ignored)],
        ));
    }
}

fn value_findings(c: &Coverage, out: &mut Vec<Finding>) {
    if c.dims.long_dimension_values > 0 {
        let ex = c
            .dims
            .long_dimension_example
            .as_ref()
            .map(|e| format!(" (first: {}:{} {})", e.file, e.line, e.reason))
            .unwrap_or_default();
        out.push(Finding::error(
            Rule::DimensionValueLength,
            format!(
                "{} dimension values are longer than {} characters{ex}",
                c.dims.long_dimension_values,
                Limit::DimensionValueChars.value()
            ),
            vec![
                Fix::outside("shorten those values"),
                Fix::label_any(Role::Ignored),
            ],
        ));
    }
    for m in &c.measures {
        if m.not_numeric > 0 {
            let ex = m
                .not_numeric_example
                .as_ref()
                .map(|e| {
                    format!(
                        " (first: {}:{} {:?})",
                        e.file,
                        e.line,
                        e.value.as_deref().unwrap_or("")
                    )
                })
                .unwrap_or_default();
            out.push(Finding::error(
                Rule::MeasureNumeric,
                format!(
                    "measure {:?} has {} values that are not numbers{ex}",
                    m.name,
                    thousands(m.not_numeric)
                ),
                vec![
                    Fix::outside("fix those values"),
                    Fix::label(m.name.clone(), Role::Dimension),
                    Fix::label(m.name.clone(), Role::Ignored),
                ],
            ));
        }
        if m.too_large > 0 {
            out.push(Finding::error(
                Rule::MeasureMagnitude,
                format!(
                    "measure {:?} has {} values of 10^{} or more",
                    m.name,
                    thousands(m.too_large),
                    Limit::MeasureMagnitudeDigits.value()
                ),
                vec![Fix::outside("scale the column down")],
            ));
        }
        if m.over_4_decimals > 0 {
            out.push(Finding::warning(
                Rule::MeasurePrecision,
                format!(
                    "measure {:?} has {} values with more than {} decimals, which the 2021 guide does not allow",
                    m.name,
                    thousands(m.over_4_decimals),
                    Limit::MeasureDecimals.value()
                ),
                vec![Fix::outside("round them")],
            ));
        }
    }
}

/// Check a built config against the service's API model: every violation becomes a finding of the
/// rule that speaks for its member, with the fix that changes that member.
pub fn model_findings(config: &serde_json::Value, target: Target) -> Vec<Finding> {
    let model = ServiceModel::bundled();
    let violations = match target {
        Target::MetricSet => model.validate("CreateMetricSetRequest", config),
        Target::CloudFormation => super::model::validate_cloudformation(model, config),
    };
    model_violation_findings(&violations, config)
}

/// Violations of the Lookout for Metrics model as findings, each at its path in `config`.
pub fn model_violation_findings(
    violations: &[Violation],
    config: &serde_json::Value,
) -> Vec<Finding> {
    violations
        .iter()
        .map(|v| violation_finding(v, config))
        .collect()
}

/// The member a violation is about: the last name in its path, without list indexes.
fn member_of(path: &str) -> &str {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.split('[').next().unwrap_or(last)
}

use super::read::value_at;

fn violation_finding(v: &Violation, config: &serde_json::Value) -> Finding {
    let missing = v.kind == ViolationKind::Missing;
    let column = value_at(config, &v.path)
        .and_then(serde_json::Value::as_str)
        .map(str::to_string);
    let (rule, subject, fixes): (Rule, &str, Vec<Fix>) = match member_of(&v.path) {
        "MetricSetName" | "AnomalyDetectorName" => {
            (Rule::Name, "name", vec![Fix::set(Setting::Name)])
        }
        "MetricSetDescription" | "AnomalyDetectorDescription" => (
            Rule::Description,
            "description",
            vec![Fix::set(Setting::Description)],
        ),
        "AnomalyDetectorArn" => (
            Rule::DetectorArn,
            "detector ARN",
            vec![
                Fix::set_like(
                    Setting::DetectorArn,
                    "arn:aws:lookoutmetrics:REGION:ACCOUNT:AnomalyDetector:NAME",
                ),
                Fix::set_to(Setting::Target, "cloudformation"),
            ],
        ),
        "RoleArn" => (
            Rule::RoleArn,
            "role ARN",
            vec![Fix::set_like(
                Setting::RoleArn,
                "arn:aws:iam::ACCOUNT:role/NAME",
            )],
        ),
        "Offset" => (Rule::Offset, "offset", vec![Fix::set(Setting::Offset)]),
        "Timezone" => (
            Rule::Timezone,
            "timezone",
            vec![Fix::set(Setting::Timezone)],
        ),
        "HistoricalDataPathList" => (
            Rule::HistoricalPath,
            "historical path",
            vec![Fix::set_like(
                Setting::HistoricalPath,
                "s3://bucket/folder/",
            )],
        ),
        "TemplatedPathList" => (
            Rule::TemplatePath,
            "path template",
            vec![Fix::set_like(
                Setting::TemplatePath,
                "s3://bucket/live/{{yyyyMMdd}}/{{HHmm}}",
            )],
        ),
        "MetricList" => (
            Rule::MeasureCount,
            "measures",
            vec![Fix::label_any(Role::Measure)],
        ),
        "MetricName" | "DimensionList" | "ColumnName" | "HeaderList" => {
            let mut fixes = vec![Fix::outside("rename the column in the data")];
            if let Some(c) = &column {
                fixes.push(Fix::label(c.clone(), Role::Ignored));
            }
            (Rule::ColumnName, "column name", fixes)
        }
        "ColumnFormat" => (
            Rule::TimestampFormat,
            "timestamp format",
            vec![Fix::set(Setting::TimestampFormat)],
        ),
        "MetricSetFrequency" | "AnomalyDetectorFrequency" => (
            Rule::Frequency,
            "interval",
            vec![Fix::set(Setting::Frequency)],
        ),
        "Delimiter" => (
            Rule::Delimiter,
            "delimiter",
            vec![Fix::set(Setting::Delimiter)],
        ),
        "QuoteSymbol" => (Rule::Quote, "quote", vec![Fix::set(Setting::Quote)]),
        _ => (Rule::ApiModel, "config", vec![]),
    };
    let message = if missing {
        format!("no {subject}: the API requires {}", member_of(&v.path))
    } else {
        format!("{subject}: {} (the API model)", v.message)
    };
    Finding::error(rule, message, fixes).at(v.path.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_keys_use_the_letters_l4m_knows() {
        assert_eq!(
            template_keys_problem("s3://bucket/live/{{yyyyMMdd}}/{{HHmm}}"),
            None
        );
        assert_eq!(
            template_keys_problem("s3://bucket/intvl_date={{yyyy-MM-dd}}"),
            None
        );
        assert!(
            template_keys_problem("s3://bucket/{{QQ}}")
                .unwrap()
                .starts_with("has the key {{QQ}}")
        );
        assert!(
            template_keys_problem("s3://bucket/live/")
                .unwrap()
                .starts_with("has no {{...}} keys")
        );
    }

    #[test]
    fn values_are_found_by_api_path() {
        let config =
            serde_json::json!({"MetricList": [{"MetricName": "a"}, {"MetricName": "b c"}]});
        assert_eq!(
            value_at(&config, "MetricList[1].MetricName").and_then(|v| v.as_str()),
            Some("b c")
        );
        assert_eq!(member_of("MetricList[1].MetricName"), "MetricName");
        assert_eq!(member_of("DimensionList[0]"), "DimensionList");
    }
}
