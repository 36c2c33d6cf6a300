//! Every rule of the domain as findings: an error blocks a working detector, a warning is worth
//! knowing. Each finding names the rule, the offending value, and what to do.

use serde::Serialize;

use super::export::{ExportOptions, Target};
use crate::coverage::Coverage;
use crate::format::{Dialect, delimiter_name};
use crate::schema::frequency::{MAX_BACKTEST_INTERVALS, MIN_INTERVALS};
use crate::schema::timefmt::TimeFormat;
use crate::schema::{ColumnKind, ColumnProfile, Frequency, Labels};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One broken or doubtful thing, said so that the user can act on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// A short stable name, e.g. `name-pattern`, `interval-count`.
    pub rule: &'static str,
    /// What is wrong, with the value, and what to do.
    pub message: String,
}

impl Finding {
    fn error(rule: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Error,
            rule,
            message: message.into(),
        }
    }
    fn warning(rule: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Warning,
            rule,
            message: message.into(),
        }
    }
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

/// True when a name fully matches the API's `[a-zA-Z0-9][a-zA-Z0-9\-_]*` and fits 1-63 characters.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name.as_bytes()[0].is_ascii_alphanumeric()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn valid_arn(arn: &str) -> bool {
    // arn:partition:service:region:account:resource, as the model's pattern asks.
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    arn.len() <= 256
        && parts.len() == 6
        && parts[0] == "arn"
        && !parts[1].is_empty()
        && parts[1]
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !parts[5].is_empty()
}

/// The key letters a path template may use inside `{{...}}` (DG: y, Y, M, d, a, H, k, m, s).
const TEMPLATE_LETTERS: &str = "yYMdaHkms";

/// Check a path template: `s3://` and only the characters the model allows, and keys made of the
/// letters L4M knows. Returns what is wrong, if anything.
pub fn template_path_problem(path: &str) -> Option<String> {
    let Some(rest) = path.strip_prefix("s3://") else {
        return Some("must start with s3://".into());
    };
    if path.len() > 1024 {
        return Some("is longer than 1,024 characters".into());
    }
    if let Some(c) = rest
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "_-/ {}=".contains(*c)))
    {
        return Some(format!(
            "holds {c:?}: the model allows only letters, digits, _ - / space {{ }} = (no dots, so the bucket name cannot have one)"
        ));
    }
    let mut keys = 0;
    let mut s = rest;
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
                "has the key {{{{{key}}}}}: keys use the letters y M d H k m s a (e.g. {{{{yyyyMMdd}}}}/{{{{HHmm}}}})"
            ));
        }
        keys += 1;
        s = &s[open + close + 2..];
    }
    if keys == 0 {
        return Some("has no {{...}} keys: a template names each interval's folder, e.g. s3://bucket/live/{{yyyyMMdd}}/{{HHmm}}".into());
    }
    None
}

/// Check a historical-data path against the model's `^s3://[a-z0-9].+$`.
pub fn historical_path_problem(path: &str) -> Option<String> {
    let Some(rest) = path.strip_prefix("s3://") else {
        return Some("must start with s3://".into());
    };
    if path.len() > 1024 {
        return Some("is longer than 1,024 characters".into());
    }
    let first_ok = rest
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !first_ok || rest.len() < 2 {
        return Some("must name a bucket (lower-case letter or digit first) and a folder".into());
    }
    None
}

/// Run every check that the context allows.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let labels = ctx.labels;
    let opts = ctx.options;
    let frequency = opts.frequency;

    // Names.
    match &opts.name {
        None => out.push(Finding::error(
            "name",
            "no metric set name: give one with --name (letters, digits, - and _)",
        )),
        Some(n) if !valid_name(n) => out.push(Finding::error(
            "name-pattern",
            format!(
                "metric set name {n:?} does not fit the API's rule (1-63 characters, letters, digits, - and _, starting with a letter or digit): rename it"
            ),
        )),
        _ => {}
    }
    let used: Vec<&str> = labels
        .columns
        .iter()
        .filter(|c| c.role != crate::schema::Role::Ignored)
        .map(|c| c.name.as_str())
        .collect();
    let header_list = if ctx.dialect.has_header {
        Vec::new()
    } else {
        ctx.dialect.columns.iter().map(String::as_str).collect()
    };
    for name in used.iter().chain(header_list.iter()) {
        if !valid_name(name) {
            out.push(Finding::error(
                "column-name",
                format!(
                    "column name {name:?} does not fit the API's rule (1-63 characters, letters, digits, - and _, starting with a letter or digit): rename the column in the data"
                ),
            ));
        }
    }

    // Timestamp.
    let ts = labels.timestamp();
    match ts {
        None => out.push(Finding::error(
            "timestamp-column",
            "no timestamp column: label one (--timestamp COL)",
        )),
        Some(col) => {
            if let Some(p) = ctx.profiles.iter().find(|p| p.name == col)
                && p.kind != ColumnKind::Timestamp
            {
                out.push(Finding::warning(
                    "timestamp-values",
                    format!(
                        "timestamp column {col:?} holds {} values in the sample (e.g. {:?}): check the column and --timestamp-format",
                        p.kind.as_str(),
                        p.examples.first().map(String::as_str).unwrap_or("")
                    ),
                ));
            }
            match &labels.timestamp_format {
                None => out.push(Finding::error(
                    "timestamp-format",
                    format!(
                        "no timestamp format for {col:?}: give one with --timestamp-format (e.g. \"yyyy-MM-dd HH:mm:ss\" or UNIX)"
                    ),
                )),
                Some(f) => match TimeFormat::compile(f) {
                    Err(e) => out.push(Finding::error(
                        "timestamp-format",
                        format!("timestamp format {f:?}: {e}"),
                    )),
                    Ok(tf) => {
                        if f.chars().count() > 63 {
                            out.push(Finding::error(
                                "timestamp-format",
                                format!("timestamp format {f:?} is longer than 63 characters: shorten it"),
                            ));
                        }
                        if tf.twelve_hour_without_marker() {
                            out.push(Finding::error(
                                "timestamp-12-hour",
                                format!(
                                    "timestamp format {f:?} uses 12-hour hours (hh) without the AM/PM marker (a): add \" a\" or use HH"
                                ),
                            ));
                        }
                        if let Some(freq) = frequency {
                            if tf.is_date_only() && freq != Frequency::P1D {
                                out.push(Finding::error(
                                    "timestamp-date-only",
                                    format!(
                                        "timestamp format {f:?} has no time of day, so it fits only the 1-day interval (P1D), not {freq}: choose P1D or a format with hours"
                                    ),
                                ));
                            } else if tf.resolution_seconds() > freq.seconds() {
                                out.push(Finding::error(
                                    "timestamp-resolution",
                                    format!(
                                        "timestamp format {f:?} cannot tell {} intervals apart: choose a longer interval or a finer format",
                                        freq.human()
                                    ),
                                ));
                            }
                        }
                    }
                },
            }
        }
    }

    // Measures and dimensions.
    let measures = labels.measures();
    let dims = labels.dimensions();
    match measures.len() {
        0 => out.push(Finding::error(
            "measure-count",
            "no measure: label at least one numeric column as a measure (--measure COL)",
        )),
        n if n > 10 => out.push(Finding::error(
            "measure-count",
            format!("{n} measures: a metric set takes at most 10; ignore the rest (--ignore COL)"),
        )),
        n if n > 5 => out.push(Finding::warning(
            "measure-count",
            format!("{n} measures: the 2021 guide allows 5 (the later quota page 10); keep 5 if your account has the old limit"),
        )),
        _ => {}
    }
    match dims.len() {
        n if n > 10 => out.push(Finding::error(
            "dimension-count",
            format!("{n} dimensions: a metric set takes at most 10; ignore the rest (--ignore COL)"),
        )),
        n if n > 5 => out.push(Finding::warning(
            "dimension-count",
            format!("{n} dimensions: the 2021 guide allows 5 (the later quota page 10); keep 5 if your account has the old limit"),
        )),
        _ => {}
    }
    for (m, _) in &measures {
        if let Some(p) = ctx.profiles.iter().find(|p| p.name == *m)
            && p.kind != ColumnKind::Number
        {
            out.push(Finding::error(
                "measure-numeric",
                format!(
                    "measure {m:?} holds {} values in the sample (e.g. {:?}): a measure must be numeric; label it as a dimension or ignore it",
                    p.kind.as_str(),
                    p.examples.first().map(String::as_str).unwrap_or("")
                ),
            ));
        }
    }

    // Interval, offset, timezone.
    if frequency.is_none() {
        out.push(Finding::error(
            "frequency",
            "no interval: choose one with --frequency (PT5M, PT10M, PT1H or P1D)",
        ));
    }
    if let Some(o) = opts.offset
        && !(0..=432_000).contains(&o)
    {
        out.push(Finding::error(
            "offset",
            format!("offset {o} is outside 0-432000 seconds: choose a value in range"),
        ));
    }
    let tz = opts.timezone.as_deref().unwrap_or("UTC");
    if tz.parse::<chrono_tz::Tz>().is_err() {
        out.push(Finding::error(
            "timezone",
            format!("timezone {tz:?} is not an IANA name: use e.g. UTC or America/Los_Angeles"),
        ));
    }

    // Where the data is and who reads it.
    if let Some(h) = &opts.historical_path
        && let Some(p) = historical_path_problem(h)
    {
        out.push(Finding::error(
            "historical-path",
            format!("historical path {h:?} {p}"),
        ));
    }
    if let Some(t) = &opts.template_path
        && let Some(p) = template_path_problem(t)
    {
        out.push(Finding::error(
            "template-path",
            format!("path template {t:?} {p}"),
        ));
    }
    if opts.historical_path.is_none() && opts.template_path.is_none() {
        out.push(Finding::error(
            "s3-path",
            "no S3 path: give --historical-path s3://bucket/folder/ (backtest) and/or --template-path s3://bucket/live/{{yyyyMMdd}}/{{HHmm}} (continuous)",
        ));
    }
    match &opts.role_arn {
        Some(arn) if !valid_arn(arn) => out.push(Finding::error(
            "role-arn",
            format!("role ARN {arn:?} is not an ARN (arn:aws:iam::ACCOUNT:role/NAME): fix it"),
        )),
        None if opts.target == Target::MetricSet => out.push(Finding::error(
            "role-arn",
            "no role ARN: give the IAM role that L4M assumes to read the data (--role-arn arn:aws:iam::ACCOUNT:role/NAME)",
        )),
        _ => {}
    }
    if opts.target == Target::MetricSet {
        match &opts.detector_arn {
            Some(arn) if !valid_arn(arn) => out.push(Finding::error(
                "detector-arn",
                format!("detector ARN {arn:?} is not an ARN: fix it"),
            )),
            None => out.push(Finding::error(
                "detector-arn",
                "no detector ARN: create-metric-set needs the detector it belongs to (--detector-arn arn:aws:lookoutmetrics:REGION:ACCOUNT:AnomalyDetector:NAME), or export --target cloudformation",
            )),
            _ => {}
        }
    }

    // File format.
    if ctx.dialect.format == crate::format::FileFormat::Csv
        && ![b',', b'\t', b' ', b'|'].contains(&ctx.dialect.delimiter)
    {
        out.push(Finding::warning(
            "delimiter",
            format!(
                "delimiter {:?} is not one the guide lists (comma, tab, space, pipe); the API accepts any one character, but test a backtest first",
                delimiter_name(ctx.dialect.delimiter)
            ),
        ));
    }

    if let Some(c) = ctx.coverage {
        coverage_findings(c, &measures, &mut out);
    }
    out.sort_by_key(|f| f.severity);
    out
}

fn coverage_findings(
    c: &Coverage,
    measures: &[(&str, crate::schema::Aggregation)],
    out: &mut Vec<Finding>,
) {
    let f = c.frequency;
    if !c.complete {
        out.push(Finding::warning(
            "scan-incomplete",
            "the scan did not read every file to its end: the coverage figures are partial",
        ));
    }
    if c.records == 0 {
        out.push(Finding::error(
            "no-records",
            format!(
                "no record has a timestamp that parses as {}: check the timestamp column and format",
                c.timestamp_format
            ),
        ));
        return;
    }
    if c.records_skipped > 0 {
        let ex = c
            .skipped_examples
            .first()
            .map(|e| format!(" (first: {e})"))
            .unwrap_or_default();
        out.push(Finding::warning(
            "records-skipped",
            format!(
                "{} of {} records skipped{ex}: L4M ignores them too; fix the rows or the timestamp format",
                c.records_skipped,
                c.records + c.records_skipped
            ),
        ));
    }
    if c.intervals_with_data < MIN_INTERVALS {
        out.push(Finding::error(
            "interval-count",
            format!(
                "{} intervals of {} hold data, below the {MIN_INTERVALS} a backtest needs: add {} more intervals of history",
                c.intervals_with_data,
                f.human(),
                MIN_INTERVALS - c.intervals_with_data
            ),
        ));
    } else if c.intervals_spanned > MAX_BACKTEST_INTERVALS {
        out.push(Finding::warning(
            "interval-count",
            format!(
                "the data spans {} intervals: a backtest reads at most {MAX_BACKTEST_INTERVALS}, the rest is left out",
                c.intervals_spanned
            ),
        ));
    }
    if let (Some(first), Some(last)) = (c.first_interval, c.last_interval) {
        let days = (last - first).num_days();
        if days > c.continuous_history_days {
            out.push(Finding::warning(
                "continuous-history",
                format!(
                    "the data spans {days} days: continuous mode reads at most {} intervals of history within {} days at {}; older data is left out",
                    c.continuous_max_intervals,
                    c.continuous_history_days,
                    f.human()
                ),
            ));
        }
    }
    if c.records_outside_folder > 0 {
        let ex = c
            .outside_folder_example
            .as_ref()
            .map(|e| format!(" (first: {}:{})", e.file, e.line))
            .unwrap_or_default();
        out.push(Finding::warning(
            "records-outside-folder",
            format!(
                "{} records lie outside the interval their folder names{ex}: continuous mode ignores them; move them to their interval's folder",
                c.records_outside_folder
            ),
        ));
    }
    if c.files_outside_template > 0 {
        out.push(Finding::warning(
            "files-outside-template",
            format!(
                "{} files sit in folders that do not fit the path template {}: L4M will not read them",
                c.files_outside_template,
                c.template.as_deref().unwrap_or("")
            ),
        ));
    }
    if c.intervals_over_records_quota > 0 {
        out.push(Finding::warning(
            "records-per-interval",
            format!(
                "{} intervals hold more than {} records (max {}): above the default quota; ask for a raise or split the data",
                c.intervals_over_records_quota, c.records_quota, c.max_records_per_interval
            ),
        ));
    }
    if c.intervals_over_bytes_quota > 0 {
        out.push(Finding::warning(
            "bytes-per-interval",
            format!(
                "{} intervals hold more than 200 MB of data (about {} MB at most, estimated from file sizes): above the quota; split or trim the data",
                c.intervals_over_bytes_quota,
                c.max_bytes_per_interval / 1_000_000
            ),
        ));
    }
    if c.intervals_over_files_quota > 0 {
        out.push(Finding::warning(
            "files-per-interval",
            format!(
                "{} intervals are spread over more than {} files (max {}): above the default quota; merge files",
                c.intervals_over_files_quota, c.files_quota, c.max_files_per_interval
            ),
        ));
    }
    if c.long_dimension_values > 0 {
        let ex = c
            .long_dimension_example
            .as_ref()
            .map(|e| format!(" (first: {}:{} {})", e.file, e.line, e.reason))
            .unwrap_or_default();
        out.push(Finding::error(
            "dimension-value-length",
            format!(
                "{} dimension values are longer than 40 characters{ex}: shorten them or ignore that dimension",
                c.long_dimension_values
            ),
        ));
    }
    let metrics = c
        .dimension_combinations
        .saturating_mul(measures.len() as u64);
    if metrics > f.max_metrics() {
        out.push(Finding::error(
            "metric-count",
            format!(
                "{} measures x {}{} dimension combinations = {metrics} metrics, above the {} a {} detector allows: drop a dimension",
                measures.len(),
                if c.combinations_capped { "at least " } else { "" },
                c.dimension_combinations,
                f.max_metrics(),
                f.human()
            ),
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
                "measure-numeric",
                format!(
                    "measure {:?} has {} values that are not numbers{ex}: fix them or label the column otherwise",
                    m.name, m.not_numeric
                ),
            ));
        }
        if m.too_large > 0 {
            out.push(Finding::error(
                "measure-magnitude",
                format!(
                    "measure {:?} has {} values of 10^15 or more: L4M takes smaller values; scale the column",
                    m.name, m.too_large
                ),
            ));
        }
        if m.over_4_decimals > 0 {
            out.push(Finding::warning(
                "measure-precision",
                format!(
                    "measure {:?} has {} values with more than 4 decimals: the 2021 guide allows 4; round them",
                    m.name, m.over_4_decimals
                ),
            ));
        }
    }
}

/// The API members each of our rules speaks for: a model violation at one of them is already
/// said, better, by that rule's finding.
const RULE_MEMBERS: &[(&str, &[&str])] = &[
    ("name", &["MetricSetName", "AnomalyDetectorName"]),
    ("name-pattern", &["MetricSetName", "AnomalyDetectorName"]),
    (
        "column-name",
        &["MetricName", "ColumnName", "DimensionList", "HeaderList"],
    ),
    ("timestamp-column", &["TimestampColumn"]),
    ("timestamp-format", &["ColumnFormat"]),
    ("measure-count", &["MetricList"]),
    (
        "frequency",
        &["MetricSetFrequency", "AnomalyDetectorFrequency"],
    ),
    ("offset", &["Offset"]),
    ("timezone", &["Timezone"]),
    ("historical-path", &["HistoricalDataPathList"]),
    ("template-path", &["TemplatedPathList"]),
    ("role-arn", &["RoleArn"]),
    ("detector-arn", &["AnomalyDetectorArn"]),
];

/// Check a built config against the service's API model. Violations at members that `already`
/// holds a finding for are left out; any other violation is an error (and a bug of ours if the
/// other checks passed).
pub fn check_config(
    config: &serde_json::Value,
    target: Target,
    already: &[Finding],
) -> Vec<Finding> {
    let model = super::model::ServiceModel::bundled();
    let violations = match target {
        Target::MetricSet => model.validate("CreateMetricSetRequest", config),
        Target::CloudFormation => super::model::validate_cloudformation(model, config),
    };
    let covered: Vec<&str> = RULE_MEMBERS
        .iter()
        .filter(|(rule, _)| {
            already
                .iter()
                .any(|f| f.rule == *rule && f.severity == Severity::Error)
        })
        .flat_map(|(_, members)| members.iter().copied())
        .collect();
    violations
        .into_iter()
        .filter(|v| {
            !covered
                .iter()
                .any(|m| v.path.contains(m) || v.message.contains(m))
        })
        .map(|v| {
            Finding::error(
                "api-model",
                format!("{v} (the service's API model rejects this)"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_must_fully_match_the_api_pattern() {
        assert!(valid_name("ecommerce_2020-v1"));
        assert!(!valid_name("good name"));
        assert!(!valid_name("_leading"));
        assert!(!valid_name(""));
        assert!(!valid_name(&"a".repeat(64)));
        assert!(valid_name(&"a".repeat(63)));
    }

    #[test]
    fn template_paths_need_known_keys_and_no_dots() {
        assert_eq!(
            template_path_problem("s3://bucket/live/{{yyyyMMdd}}/{{HHmm}}"),
            None
        );
        assert_eq!(
            template_path_problem("s3://bucket/intvl_date={{yyyy-MM-dd}}"),
            None
        );
        assert!(
            template_path_problem("s3://my.bucket/{{yyyy}}")
                .unwrap()
                .starts_with("holds '.'")
        );
        assert!(
            template_path_problem("s3://bucket/{{QQ}}")
                .unwrap()
                .starts_with("has the key {{QQ}}")
        );
        assert!(
            template_path_problem("s3://bucket/live/")
                .unwrap()
                .starts_with("has no {{...}} keys")
        );
    }

    #[test]
    fn historical_paths_need_a_lower_case_bucket() {
        assert_eq!(historical_path_problem("s3://bucket/backtest/"), None);
        assert!(historical_path_problem("s3://Bucket/x").is_some());
        assert!(historical_path_problem("/local/path").is_some());
    }

    #[test]
    fn arns_need_six_parts() {
        assert!(valid_arn("arn:aws:iam::123456789012:role/L4M"));
        assert!(!valid_arn("arn:aws:iam::123456789012"));
        assert!(!valid_arn("role/L4M"));
    }
}
