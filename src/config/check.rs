//! A config held against the data it should read: where they disagree, each finding names the
//! config's member by its path in the file.
//!
//! [`prepare`] reads the data twice over its head: once as it is (detection alone), once as the
//! config says (its format, delimiter, quote and header, kept wherever the data does not clearly
//! contradict them), then applies the config's labels, timestamp format and interval. A scan then
//! counts the records with exactly those settings, and [`finish`] gathers every finding: the
//! disagreements found here, the API model's verdict on the file as written, and the domain rules
//! of [`super::findings::check`] on the data, each given the path of the member it is about.

use super::export::ExportOptions;
use super::findings::{Context, Finding, Rule, check};
use super::read::ConfigSource;
use crate::Result;
use crate::coverage::Coverage;
use crate::fix::{Fix, Setting};
use crate::format::{FileFormat, delimiter_name};
use crate::inspect::{self, Inspection};
use crate::schema::profile::profile;
use crate::schema::timefmt::TimeFormat;
use crate::schema::{Confidence, Labels, Role};
use crate::source::{Location, Source};

/// Below this share of sample values that parse, a timestamp format is an error (above, a warning).
const FEW_PARSE: f64 = 0.5;

/// The data read as the config says, and what disagrees before any scan.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub inspection: Inspection,
    /// The config's labels, on the data's columns.
    pub labels: Labels,
    /// The config's settings; the interval is the data's when the config states none.
    pub options: ExportOptions,
    /// Disagreements between the config and the data's head, each at its path.
    pub findings: Vec<Finding>,
    /// How the data was read (the config's file format, where the data agrees): reading the
    /// same location again with these gives the same inspection.
    pub overrides: crate::format::Overrides,
}

/// Read the head of the data at `location` as the config says and apply its labels.
pub fn prepare(
    source: &dyn Source,
    location: &Location,
    recursive: bool,
    config: &ConfigSource,
) -> Result<Prepared> {
    let mut out = Vec::new();
    if let Some(other) = &config.other_source {
        out.push(
            Finding::warning(
                Rule::MetricSource,
                format!(
                    "the config reads its data through {other}, not from S3 files: only its labels are held against these files"
                ),
                vec![],
            )
            .at(config.path("MetricSource")),
        );
    }
    let as_is = inspect::inspect(source, location, recursive, &Default::default())?;
    let overrides = dialect_findings(config, &as_is, &mut out);
    let mut inspection = if overrides == as_is_overrides(&as_is) {
        as_is
    } else {
        inspect::inspect(source, location, recursive, &overrides)?
    };
    let read_with = overrides;
    header_list(config, &mut inspection, &mut out);
    let labels = apply_labels(config, &inspection, &mut out);
    let mut options = config.options.clone();
    let found = inspect::detect_interval(source, &inspection, &labels)?;
    inspection.set_interval(found);
    interval_findings(config, &inspection, &mut options, &mut out);
    template_findings(config, &inspection, &mut out);
    if let Some(tz) = &config.unknown_timezone {
        out.push(
            Finding::error(
                Rule::Timezone,
                format!("timezone {tz:?} is not an IANA name (such as UTC or America/New_York)"),
                vec![Fix::set_like(Setting::Timezone, "UTC")],
            )
            .at(config.path("Timezone")),
        );
    }
    Ok(Prepared {
        inspection,
        labels,
        options,
        findings: out,
        overrides: read_with,
    })
}

fn as_is_overrides(i: &Inspection) -> crate::format::Overrides {
    let d = i.dialect();
    crate::format::Overrides {
        format: Some(d.format),
        delimiter: Some(d.delimiter),
        quote: Some(d.quote),
        has_header: Some(d.has_header),
    }
}

/// Compare the config's file format with the data's; keep the config's reading unless the data
/// clearly (with HIGH confidence) says otherwise, and report each such member.
fn dialect_findings(
    config: &ConfigSource,
    as_is: &Inspection,
    out: &mut Vec<Finding>,
) -> crate::format::Overrides {
    let d = &as_is.detection;
    let cf = &config.format;
    let clear = |c: Confidence| c == Confidence::High;
    let mut o = as_is_overrides(as_is);
    let at = |s: Setting| config.path_of(s).unwrap_or_default();
    if let Some(c) = cf.compression
        && c != d.compression.value
    {
        out.push(
            Finding::error(
                Rule::Compression,
                format!(
                    "the config says the files are {}, but they are {}",
                    c.api_name(),
                    d.compression.value.api_name()
                ),
                vec![Fix::set_to(
                    Setting::Compression,
                    d.compression.value.api_name(),
                )],
            )
            .at(at(Setting::Compression)),
        );
    }
    match cf.format {
        Some(f) if f != d.format.value && clear(d.format.confidence) => out.push(
            Finding::error(
                Rule::FileFormat,
                format!(
                    "the config reads the files as {}, but they are {} ({})",
                    format_name(f),
                    format_name(d.format.value),
                    d.format.reason
                ),
                vec![Fix::set_to(Setting::Format, format_name(d.format.value))],
            )
            .at(at(Setting::Format)),
        ),
        Some(f) => o.format = Some(f),
        None => {}
    }
    if o.format != Some(FileFormat::Csv) || cf.format != Some(FileFormat::Csv) {
        return o;
    }
    csv_findings(config, as_is, &mut o, out);
    o
}

/// The CSV settings of a config against the data's: delimiter, header, quote. What the data does
/// not clearly contradict is kept as the config says.
fn csv_findings(
    config: &ConfigSource,
    as_is: &Inspection,
    o: &mut crate::format::Overrides,
    out: &mut Vec<Finding>,
) {
    let d = &as_is.detection;
    let cf = &config.format;
    let clear = |c: Confidence| c == Confidence::High;
    let at = |s: Setting| config.path_of(s).unwrap_or_default();
    if let Some(delim) = cf.delimiter {
        if delim != d.delimiter.value && clear(d.delimiter.confidence) {
            out.push(
                Finding::error(
                    Rule::Delimiter,
                    format!(
                        "the config's delimiter is {:?}, but the data is {:?}-delimited ({})",
                        delimiter_name(delim),
                        delimiter_name(d.delimiter.value),
                        d.delimiter.reason
                    ),
                    vec![Fix::set_to(
                        Setting::Delimiter,
                        (d.delimiter.value as char).to_string(),
                    )],
                )
                .at(at(Setting::Delimiter)),
            );
        } else {
            o.delimiter = Some(delim);
        }
    }
    if let Some(h) = cf.has_header {
        if h != d.header.value && clear(d.header.confidence) {
            out.push(
                Finding::error(
                    Rule::Header,
                    format!(
                        "the config says the files {} a header line, but {}",
                        if h { "have" } else { "have no" },
                        d.header.reason
                    ),
                    vec![Fix::set_to(Setting::Header, d.header.value.to_string())],
                )
                .at(at(Setting::Header)),
            );
        } else {
            o.has_header = Some(h);
        }
    }
    if let Some(q) = cf.quote {
        if q != d.quote.value && clear(d.quote.confidence) && q.is_some() {
            out.push(
                Finding::warning(
                    Rule::Quote,
                    format!(
                        "the config's quote symbol is {:?}, but the data quotes with {:?}",
                        quote_text(q),
                        quote_text(d.quote.value)
                    ),
                    vec![Fix::set_to(Setting::Quote, quote_text(d.quote.value))],
                )
                .at(at(Setting::Quote)),
            );
        } else {
            o.quote = Some(q);
        }
    }
}

fn format_name(f: FileFormat) -> &'static str {
    match f {
        FileFormat::Csv => "CSV",
        FileFormat::Jsonl => "JSON lines",
    }
}

fn quote_text(q: Option<u8>) -> String {
    q.map(|q| (q as char).to_string()).unwrap_or_default()
}

/// A CSV without a header line takes its column names from `HeaderList`.
fn header_list(config: &ConfigSource, inspection: &mut Inspection, out: &mut Vec<Finding>) {
    let dialect = inspection.dialect();
    if dialect.format != FileFormat::Csv || dialect.has_header {
        return;
    }
    let path = config
        .path("MetricSource.S3SourceConfig.FileFormatDescriptor.CsvFormatDescriptor.HeaderList");
    let Some(names) = &config.format.header_list else {
        if config.format.format == Some(FileFormat::Csv) {
            out.push(
                Finding::error(
                    Rule::Header,
                    "the files have no header line and the config no HeaderList: the columns have no names",
                    vec![Fix::outside("list the column names in HeaderList")],
                )
                .at(path),
            );
        }
        return;
    };
    let fields = dialect.columns.len();
    if names.len() != fields {
        out.push(
            Finding::error(
                Rule::Header,
                format!(
                    "HeaderList names {} columns, but the data's lines have {fields} fields",
                    names.len()
                ),
                vec![Fix::outside("name every field of a line, in order")],
            )
            .at(path),
        );
        return;
    }
    let sample = &mut inspection.detection.sample;
    sample.columns = names.clone();
    inspection.profiles = profile(sample);
    inspection.suggested = Labels::suggest(&inspection.profiles);
}

/// The config's labels on the data's columns; a column the data lacks is a finding at its path.
fn apply_labels(config: &ConfigSource, inspection: &Inspection, out: &mut Vec<Finding>) -> Labels {
    let mut labels = inspection.suggested.clone();
    for c in &mut labels.columns {
        c.role = Role::Ignored;
        c.reason = "not in the config".into();
        c.given = true;
    }
    labels.timestamp_format = None;
    let suggested_ts = inspection.suggested.timestamp().map(str::to_string);
    let l = &config.labels;
    if let Some(ts) = &l.timestamp {
        let path = config.path("TimestampColumn.ColumnName");
        let fixes = suggested_ts
            .iter()
            .map(|s| Fix::label(s.clone(), Role::Timestamp))
            .collect();
        if let Some(name) = find(&labels, ts, &path, fixes, out) {
            let _ = labels.set(&name, Role::Timestamp, None);
            timestamp_format(config, inspection, &name, &mut labels, out);
        }
    }
    for (m, agg) in &l.measures {
        let path = config.path(&format!("MetricList[{}].MetricName", m.index));
        let fixes = vec![
            Fix::label(m.name.clone(), Role::Ignored),
            Fix::outside("add the column to the data"),
        ];
        if let Some(name) = find(&labels, &m.name, &path, fixes, out) {
            let _ = labels.set(&name, Role::Measure, Some(*agg));
        }
    }
    for d in &l.dimensions {
        let path = config.path(&format!("DimensionList[{}]", d.index));
        let fixes = vec![
            Fix::label(d.name.clone(), Role::Ignored),
            Fix::outside("add the column to the data"),
        ];
        if let Some(name) = find(&labels, &d.name, &path, fixes, out) {
            let _ = labels.set(&name, Role::Dimension, None);
        }
    }
    labels
}

/// The data's name of a column the config names: exact, else ignoring case (a warning, since L4M
/// may match names exactly), else a finding.
fn find(
    labels: &Labels,
    name: &str,
    path: &str,
    fixes: Vec<Fix>,
    out: &mut Vec<Finding>,
) -> Option<String> {
    if labels.columns.iter().any(|c| c.name == name) {
        return Some(name.to_string());
    }
    if let Some(c) = labels
        .columns
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(name))
    {
        out.push(
            Finding::warning(
                Rule::ColumnMissing,
                format!(
                    "column {name:?} is written {:?} in the data: names are best matched exactly",
                    c.name
                ),
                vec![Fix::outside(format!("write it {:?}", c.name))],
            )
            .at(path),
        );
        return Some(c.name.clone());
    }
    let columns: Vec<&str> = labels.columns.iter().map(|c| c.name.as_str()).collect();
    out.push(
        Finding::error(
            Rule::ColumnMissing,
            format!(
                "column {name:?} is not in the data (its columns: {})",
                columns.join(", ")
            ),
            fixes,
        )
        .at(path),
    );
    None
}

/// Compile the config's timestamp format and count the sample values it parses.
fn timestamp_format(
    config: &ConfigSource,
    inspection: &Inspection,
    column: &str,
    labels: &mut Labels,
    out: &mut Vec<Finding>,
) {
    let Some(pattern) = &config.labels.timestamp_format else {
        return;
    };
    let path = config.path("TimestampColumn.ColumnFormat");
    let profile = inspection.profiles.iter().find(|p| p.name == column);
    let detected = profile
        .and_then(|p| p.time_format())
        .map(TimeFormat::pattern);
    let fixes = detected
        .filter(|d| *d != pattern)
        .map(|d| vec![Fix::set_to(Setting::TimestampFormat, d)])
        .unwrap_or_default();
    if let Err(e) = labels.set_timestamp_format(pattern) {
        out.push(Finding::error(Rule::TimestampFormat, e.to_string(), fixes).at(path));
        return;
    }
    if let Some(f) = sample_format_finding(inspection, labels) {
        out.push(f.at(path));
    }
}

/// How the timestamp format fares on the sample's values of the timestamp column: a finding when
/// some do not parse (an error when fewer than half do). The one check, whatever set the format
/// (a config, a flag, a key in the terminal UI).
pub fn sample_format_finding(inspection: &Inspection, labels: &Labels) -> Option<Finding> {
    let column = labels.timestamp()?;
    let tf = labels.timestamp_format.as_ref()?;
    let pattern = tf.pattern();
    let detected = inspection
        .profiles
        .iter()
        .find(|p| p.name == column)
        .and_then(|p| p.time_format())
        .map(TimeFormat::pattern);
    let fixes = detected
        .filter(|d| *d != pattern)
        .map(|d| vec![Fix::set_to(Setting::TimestampFormat, d)])
        .unwrap_or_default();
    let j = inspection.dialect().column_index(column)?;
    let values: Vec<&str> = inspection
        .detection
        .sample
        .rows
        .iter()
        .filter_map(|r| r.get(j).map(String::as_str))
        .filter(|v| !v.is_empty())
        .collect();
    let parsed = values.iter().filter(|v| tf.parse(v).is_some()).count();
    if values.is_empty() || parsed == values.len() {
        return None;
    }
    let share = parsed as f64 / values.len() as f64;
    let first_bad = values.iter().find(|v| tf.parse(v).is_none()).copied();
    let message = format!(
        "timestamp format {pattern:?} parses {parsed} of {} values of {column:?} in the sample (first that does not: {:?}){}",
        values.len(),
        first_bad.unwrap_or(""),
        detected
            .map(|d| format!("; the values look like {d:?}"))
            .unwrap_or_default()
    );
    Some(if share < FEW_PARSE {
        Finding::error(Rule::TimestampFormat, message, fixes)
    } else {
        Finding::warning(Rule::TimestampFormat, message, fixes)
    })
}

/// The config's interval against the spacing of the data's timestamps; the data's interval stands
/// in for a missing one (reported), so that the scan can still count.
fn interval_findings(
    config: &ConfigSource,
    inspection: &Inspection,
    options: &mut ExportOptions,
    out: &mut Vec<Finding>,
) {
    let path = config.frequency_path();
    let detected = inspection.frequency.value;
    match (config.options.frequency, detected) {
        (Some(f), Some(d)) if f.seconds() < d.seconds() => out.push(
            Finding::error(
                Rule::Frequency,
                format!(
                    "interval {f} is finer than the data's spacing ({}): most intervals would be empty",
                    inspection.frequency.reason
                ),
                vec![Fix::set_to(Setting::Frequency, d.as_str())],
            )
            .at(path),
        ),
        (None, Some(d)) => {
            out.push(
                Finding::error(
                    Rule::Frequency,
                    format!(
                        "the config states no interval; the data's is {d} ({}), used for the checks below",
                        inspection.frequency.reason
                    ),
                    vec![Fix::set_to(Setting::Frequency, d.as_str())],
                )
                .at(path),
            );
            options.frequency = Some(d);
        }
        _ => {}
    }
}

/// The config's path template against the interval folders the data sits in.
fn template_findings(config: &ConfigSource, inspection: &Inspection, out: &mut Vec<Finding>) {
    let (Some(configured), Some(found)) = (&config.options.template_path, &inspection.template)
    else {
        return;
    };
    if !configured.ends_with(&found.template) {
        out.push(
            Finding::warning(
                Rule::TemplatePath,
                format!(
                    "path template {configured:?} does not end like the data's folders ({})",
                    found.template
                ),
                vec![],
            )
            .at(config.path("MetricSource.S3SourceConfig.TemplatedPathList[0]")),
        );
    }
}

/// Every finding: the disagreements, the API model's verdict on the file as written, and the
/// domain rules on the data (with the scan's figures when there is a scan).
pub fn finish(
    config: &ConfigSource,
    prepared: &Prepared,
    coverage: Option<&Coverage>,
) -> Vec<Finding> {
    let mut out = prepared.findings.clone();
    out.extend(config.model_findings());
    let dialect = prepared.inspection.dialect();
    let rules = check(&Context {
        labels: &prepared.labels,
        profiles: &prepared.inspection.profiles,
        dialect: &dialect,
        coverage,
        options: &prepared.options,
    });
    for mut f in rules {
        if f.path.is_none() {
            f.path = member_path(config, &f);
        }
        // One finding per member: what the config states was already said at that path.
        let said = out.iter().any(|g| {
            g.path.is_some() && g.path == f.path && g.severity == f.severity && g.rule == f.rule
        });
        let said_missing = f.rule == Rule::TimestampColumn
            && out.iter().any(|g| {
                g.rule == Rule::ColumnMissing
                    && g.path.as_deref() == Some(&config.path("TimestampColumn.ColumnName"))
            });
        if !said && !said_missing {
            out.push(f);
        }
    }
    out.sort_by_key(|f| f.severity);
    out
}

/// The member of the config a domain rule's finding is about.
fn member_path(config: &ConfigSource, f: &Finding) -> Option<String> {
    let s3 = "MetricSource.S3SourceConfig";
    let member = match f.rule {
        Rule::TimestampColumn | Rule::TimestampValues => "TimestampColumn.ColumnName".to_string(),
        Rule::TimestampFormat
        | Rule::Timestamp12Hour
        | Rule::TimestampDateOnly
        | Rule::TimestampResolution
        | Rule::NoRecords
        | Rule::RecordsSkipped => "TimestampColumn.ColumnFormat".into(),
        Rule::MeasureCount => "MetricList".into(),
        Rule::DimensionCount | Rule::DimensionValueLength | Rule::MetricCount => {
            "DimensionList".into()
        }
        Rule::MeasureNumeric | Rule::MeasureMagnitude | Rule::MeasurePrecision => {
            let message = f.message.to_lowercase();
            let (m, _) =
                config.labels.measures.iter().find(|(m, _)| {
                    message.contains(&format!("measure {:?}", m.name).to_lowercase())
                })?;
            format!("MetricList[{}].MetricName", m.index)
        }
        Rule::Frequency | Rule::IntervalCount | Rule::ContinuousHistory | Rule::ScanStale => {
            return Some(config.frequency_path());
        }
        Rule::RecordsOutsideFolder | Rule::FilesOutsideTemplate => {
            format!("{s3}.TemplatedPathList")
        }
        Rule::S3Path => s3.into(),
        Rule::Offset => return config.path_of(Setting::Offset),
        Rule::Timezone => return config.path_of(Setting::Timezone),
        Rule::HistoricalPath => return config.path_of(Setting::HistoricalPath),
        Rule::TemplatePath => return config.path_of(Setting::TemplatePath),
        Rule::RoleArn => return config.path_of(Setting::RoleArn),
        Rule::DetectorArn => return config.path_of(Setting::DetectorArn),
        Rule::Delimiter => return config.path_of(Setting::Delimiter),
        Rule::Quote => return config.path_of(Setting::Quote),
        _ => return None,
    };
    Some(config.path(&member))
}

/// How many findings are errors.
pub fn errors(findings: &[Finding]) -> usize {
    super::findings::count_errors(findings)
}
