//! The coverage count pushed down to Amazon Athena (Trino): the `CREATE EXTERNAL TABLE` over a
//! dataset's S3 location and the queries whose results make the same figures as a local scan.
//!
//! Pure text: no AWS types here (the client that runs the SQL is the command line's, behind the
//! `athena` feature). Every column is read as a string; the timestamp is parsed in the query, so a
//! value that does not parse is counted by reason, as the local scan counts it, never an error.
//!
//! The bucket rule is the local scan's (`coverage::tally::interval_key`, `report::instant`): a
//! timestamp is put on the dataset's wall clock (a value with an offset, or epoch time, is
//! converted to the timezone first), floored to the interval as wall-clock seconds since
//! 1970-01-01, and the wall-clock start is turned back into a UTC instant in the timezone
//! (Trino's `with_timezone`: an ambiguous wall time is its earlier instant, a skipped one is
//! moved past the gap, as `report::instant` does).

pub mod pattern;

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::coverage::ScanSpec;
use crate::format::{Dialect, FileFormat};
use crate::source::Location;
use crate::source::dataset::Dataset;
use pattern::{TimeParse, Untranslatable};

/// The LOCATION written when the dataset is not in S3: the user replaces it after copying the
/// files there.
pub const LOCATION_PLACEHOLDER: &str = "s3://REPLACE-WITH-YOUR-BUCKET/PREFIX/";

/// Why no Athena plan can be made for a dataset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AthenaError {
    #[error(transparent)]
    Pattern(#[from] Untranslatable),
    /// Two columns whose names are the same once lower-cased (Athena's names are lower case).
    #[error("columns {first:?} and {second:?} are one column for Athena, which lower-cases names")]
    CaseClash { first: String, second: String },
    /// A query Athena ran did not succeed.
    #[error("Athena query {query_id} {state}: {reason}")]
    QueryFailed {
        query_id: String,
        state: String,
        reason: String,
    },
    /// The run was cancelled (Ctrl-C): the query was stopped.
    #[error("Athena query {query_id} stopped (StopQueryExecution) on request")]
    Cancelled { query_id: String },
    /// A call to Athena failed before any query ran (access, workgroup, network).
    #[error("{action} failed: {detail}")]
    Call { action: String, detail: String },
    /// The client could not be set up.
    #[error("the Athena client could not be set up: {detail}")]
    Client { detail: String },
    /// A result Athena gave that l4m cannot read (a bug, or another result shape).
    #[error("Athena's result of the {query} query: {problem}")]
    BadResult { query: String, problem: String },
}

/// Where l4m's Athena queries run, as the command line's options say: the database that holds
/// its table, the workgroup, where results go, and how to reach AWS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AthenaPlace {
    pub database: String,
    pub work_group: String,
    /// Else the workgroup's.
    pub output_location: Option<String>,
    /// Keep the table after the queries.
    pub keep_table: bool,
    pub profile: Option<String>,
    pub region: Option<String>,
    /// Else the SDK's (`AWS_ENDPOINT_URL_ATHENA`, `AWS_ENDPOINT_URL`).
    pub endpoint_url: Option<String>,
}

impl Default for AthenaPlace {
    fn default() -> AthenaPlace {
        AthenaPlace {
            database: "default".into(),
            work_group: "primary".into(),
            output_location: None,
            keep_table: false,
            profile: None,
            region: None,
            endpoint_url: None,
        }
    }
}

/// The rows of one query's result, every value as text (NULL as `None`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryRows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
}

/// Athena's price: $5 per TB scanned, at least 10 MB a query (DDL is free).
pub fn cost_usd(bytes_scanned_per_query: &[u64]) -> f64 {
    const MIN: u64 = 10 * 1_000_000;
    bytes_scanned_per_query
        .iter()
        .map(|&b| b.max(MIN) as f64 / 1e12 * 5.0)
        .sum()
}

/// The SQL of a dataset: the table, its DDL and the queries (what the command line prints).
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// The table's name (without the database).
    pub table: String,
    pub database: String,
    /// The S3 folder the table reads, or [`LOCATION_PLACEHOLDER`].
    pub location: String,
    /// Set when `location` is a placeholder: what to replace, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_placeholder: Option<String>,
    pub ddl: String,
    /// By name: `intervals` (interval_start UTC, records), `skipped` (reason, records), and with
    /// measures `metrics` (measure, dimensions..., intervals_with_data, first_interval, last_interval).
    pub queries: BTreeMap<String, String>,
    pub drop: String,
    /// Where Athena's figures may differ from the local scan's.
    pub notes: Vec<String>,
}

/// What a plan is made from.
pub struct PlanInput<'a> {
    pub dataset: &'a Dataset,
    pub dialect: &'a Dialect,
    pub spec: &'a ScanSpec,
    pub database: &'a str,
    /// The table name; default [`table_name`].
    pub table: Option<String>,
}

/// A table name for a location: `l4m_` + its last name, cleaned, + a hash of the whole location
/// (so two datasets never share a table; the same location gets the same name).
pub fn table_name(location: &Location) -> String {
    let text = location.to_string();
    let base: String = location
        .file_name()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    let mut h: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    format!("l4m_{}_{h:08x}", base.trim_matches('_'))
}

/// A SQL string literal.
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A Hive DDL string literal (backslash escapes).
fn hive_lit(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A quoted identifier in queries (Trino).
fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// A column name as Athena keeps it.
fn column(name: &str) -> String {
    name.to_lowercase()
}

impl Plan {
    pub fn new(input: &PlanInput<'_>) -> Result<Plan, AthenaError> {
        let PlanInput {
            dataset,
            dialect,
            spec,
            database,
            ..
        } = input;
        let mut notes = Vec::new();
        let table = input
            .table
            .clone()
            .unwrap_or_else(|| table_name(&dataset.root));
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for c in &dialect.columns {
            if let Some(first) = seen.insert(column(c), c) {
                return Err(AthenaError::CaseClash {
                    first: first.to_string(),
                    second: c.clone(),
                });
            }
        }
        let (location, placeholder) = match &dataset.root {
            Location::S3 { bucket, key } => {
                let folder = if dataset.is_folder {
                    key.clone()
                } else {
                    notes.push(format!(
                        "the location is one object: the table reads every object under s3://{bucket}/{}",
                        key.rsplit_once('/').map_or("", |(f, _)| f)
                    ));
                    key.rsplit_once('/')
                        .map_or(String::new(), |(f, _)| format!("{f}/"))
                };
                let folder = if folder.is_empty() || folder.ends_with('/') {
                    folder
                } else {
                    format!("{folder}/")
                };
                (format!("s3://{bucket}/{folder}"), None)
            }
            Location::Local(_) => (
                LOCATION_PLACEHOLDER.to_string(),
                Some(format!(
                    "{LOCATION_PLACEHOLDER} stands for the S3 folder holding a copy of {}: replace it in the ddl",
                    dataset.root
                )),
            ),
        };
        if dataset.is_folder && !dataset.recursive && dataset.subfolders_ignored > 0 {
            notes.push(format!(
                "Athena reads the objects in subfolders too: {} subfolder(s) that the local scan leaves out are counted",
                dataset.subfolders_ignored
            ));
        }
        if !dataset.skipped.is_empty() {
            notes.push(
                "Athena skips files whose names start with _ or . only: other non-data files under the location are read as data"
                    .into(),
            );
        }
        let time = pattern::translate(spec.format.pattern())?;
        let ddl = ddl(
            dialect, database, &table, &location, spec, dataset, &mut notes,
        );
        let from = format!("{}.{}", ident(database), ident(&table));
        let mut queries = BTreeMap::new();
        queries.insert("intervals".to_string(), intervals_query(&from, spec, &time));
        queries.insert("skipped".to_string(), skipped_query(&from, spec, &time));
        if !spec.measures.is_empty() {
            queries.insert("metrics".to_string(), metrics_query(&from, spec, &time));
        }
        notes.push(
            "records the local scan skips as ragged, not-an-object, not-utf8, binary or too-long are read by Athena's SerDe as it can (fields missing are empty): they count as no-timestamp or bad-timestamp, or as records".into(),
        );
        if dialect.format == FileFormat::Csv && dialect.quote.is_some() {
            notes.push("OpenCSVSerDe reads a backslash as an escape character (the local scan reads it as text)".into());
        }
        if dialect.compression == crate::format::Compression::Gzip {
            notes.push("gzip: Athena decompresses objects whose names end in .gz".into());
        }
        Ok(Plan {
            drop: format!("DROP TABLE IF EXISTS `{database}`.`{table}`"),
            table,
            database: database.to_string(),
            location,
            location_placeholder: placeholder,
            ddl,
            queries,
            notes,
        })
    }
}

fn ddl(
    dialect: &Dialect,
    database: &str,
    table: &str,
    location: &str,
    spec: &ScanSpec,
    dataset: &Dataset,
    notes: &mut Vec<String>,
) -> String {
    let cols: Vec<String> = dialect
        .columns
        .iter()
        .map(|c| format!("  `{}` string", column(c).replace('`', "``")))
        .collect();
    let mut out = format!(
        "CREATE EXTERNAL TABLE `{database}`.`{table}` (\n{}\n)\n",
        cols.join(",\n")
    );
    let projection = spec
        .template
        .as_ref()
        .and_then(|t| projection(&t.template, dataset, spec));
    if projection.is_some() {
        out.push_str("PARTITIONED BY (`l4m_folder` string)\n");
    }
    let mut props: Vec<(String, String)> = Vec::new();
    match (dialect.format, dialect.quote) {
        (FileFormat::Jsonl, _) => {
            out.push_str("ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\n");
            out.push_str("WITH SERDEPROPERTIES ('ignore.malformed.json' = 'true')\n");
        }
        (FileFormat::Csv, Some(q)) => {
            out.push_str("ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'\n");
            out.push_str(&format!(
                "WITH SERDEPROPERTIES ('separatorChar' = {}, 'quoteChar' = {}, 'escapeChar' = '\\\\')\n",
                hive_lit(&(dialect.delimiter as char).to_string()),
                hive_lit(&(q as char).to_string()),
            ));
        }
        (FileFormat::Csv, None) => {
            out.push_str("ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe'\n");
            out.push_str(&format!(
                "WITH SERDEPROPERTIES ('field.delim' = {})\n",
                hive_lit(&(dialect.delimiter as char).to_string()),
            ));
        }
    }
    out.push_str("STORED AS TEXTFILE\n");
    out.push_str(&format!("LOCATION {}\n", hive_lit(location)));
    if dialect.format == FileFormat::Csv {
        let skip = u8::from(dialect.has_header) + u8::from(dialect.sep_line);
        if skip > 0 {
            props.push(("skip.header.line.count".into(), skip.to_string()));
        }
    }
    if let Some((format, range, interval, unit)) = projection {
        props.push(("projection.enabled".into(), "true".into()));
        props.push(("projection.l4m_folder.type".into(), "date".into()));
        props.push(("projection.l4m_folder.format".into(), format));
        props.push(("projection.l4m_folder.range".into(), range));
        props.push(("projection.l4m_folder.interval".into(), interval));
        props.push(("projection.l4m_folder.interval.unit".into(), unit));
        props.push((
            "storage.location.template".into(),
            format!("{location}${{l4m_folder}}/"),
        ));
        notes.push(
            "continuous layout: the table's partitions are projected from the path template (one a folder from the first to the last folder found); a query reads only the folders that exist".into(),
        );
    }
    if !props.is_empty() {
        let p: Vec<String> = props
            .iter()
            .map(|(k, v)| format!("  {} = {}", hive_lit(k), hive_lit(v)))
            .collect();
        out.push_str(&format!("TBLPROPERTIES (\n{}\n)", p.join(",\n")));
    }
    out.trim_end().to_string()
}

/// Partition projection of a path template: the date format of the folder path, the range
/// (first and last folder found), and the step.
fn projection(
    template: &str,
    dataset: &Dataset,
    spec: &ScanSpec,
) -> Option<(String, String, String, String)> {
    let t = spec.template.as_ref()?;
    let mut format = String::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let lit = &rest[..open];
        if !lit.is_empty() {
            format.push_str(&format!("'{}'", lit.replace('\'', "''")));
        }
        let close = rest[open..].find("}}")? + open;
        format.push_str(&rest[open + 2..close]);
        rest = &rest[close + 2..];
    }
    if !rest.is_empty() {
        format.push_str(&format!("'{}'", rest.replace('\'', "''")));
    }
    let times: Vec<NaiveDateTime> = dataset
        .files
        .iter()
        .filter_map(|f| t.folder_time(&f.location.relative_to(&dataset.root)))
        .collect();
    let (first, last) = (times.iter().min()?, times.iter().max()?);
    let java = crate::schema::timefmt::TimeFormat::compile(&format).ok()?;
    let keys: String = template.split("{{").skip(1).collect();
    let (interval, unit) = if keys.contains('m') {
        ((spec.frequency.seconds() / 60).to_string(), "MINUTES")
    } else if keys.contains('H') || keys.contains('k') {
        ("1".to_string(), "HOURS")
    } else if keys.contains('d') {
        ("1".to_string(), "DAYS")
    } else {
        ("1".to_string(), "MONTHS")
    };
    Some((
        format,
        format!("{},{}", java.format(*first), java.format(*last)),
        interval,
        unit.to_string(),
    ))
}

const EPOCH: &str = "TIMESTAMP '1970-01-01 00:00:00'";

/// The rows of the table with the timestamp trimmed (`ts`), the dimensions (`d0`...) and the
/// measures (`m0`...), its wall-clock time in the dataset's timezone (`wall`, NULL when it does
/// not parse), the wall-clock start of its interval (`wall_start`) and that start as a UTC
/// instant (`interval_start`).
fn keyed(from: &str, spec: &ScanSpec, time: &TimeParse) -> String {
    let tz = lit(spec.timezone.name());
    let mut cols = vec![format!(
        "trim({}) AS ts",
        ident(&column(&spec.timestamp_column))
    )];
    for (i, d) in spec.dimensions.iter().enumerate() {
        cols.push(format!("{} AS d{i}", ident(&column(d))));
    }
    for (i, m) in spec.measures.iter().enumerate() {
        cols.push(format!("trim({}) AS m{i}", ident(&column(m))));
    }
    let wall = match time {
        // A wall time the clock skips (spring) is moved past the change, as Java reads it and as
        // the local scan counts it: there and back through the instant.
        TimeParse::DateParse(f) if spec.timezone != chrono_tz::Tz::UTC => format!(
            "CAST(at_timezone(with_timezone(TRY(date_parse(ts, {})), {tz}), {tz}) AS TIMESTAMP)",
            lit(f)
        ),
        TimeParse::DateParse(f) => format!("TRY(date_parse(ts, {}))", lit(f)),
        TimeParse::ParseDatetime(f) => format!(
            "CAST(at_timezone(TRY(parse_datetime(ts, {})), {tz}) AS TIMESTAMP)",
            lit(f)
        ),
        TimeParse::Unix => format!(
            "CASE WHEN regexp_like(ts, '^[0-9]+([.][0-9]+)?$') THEN CAST(at_timezone(from_unixtime(CASE WHEN CAST(ts AS DOUBLE) > 94694400000 THEN CAST(ts AS DOUBLE) / 1000 ELSE CAST(ts AS DOUBLE) END), {tz}) AS TIMESTAMP) END"
        ),
    };
    let len = spec.frequency.seconds();
    let start = if spec.timezone == chrono_tz::Tz::UTC {
        "wall_start".to_string()
    } else {
        format!("CAST(at_timezone(with_timezone(wall_start, {tz}), 'UTC') AS TIMESTAMP)")
    };
    format!(
        "WITH src AS (\n  SELECT {} FROM {from}\n), parsed AS (\n  SELECT *, {wall} AS wall FROM src\n), floored AS (\n  SELECT *, date_add('second', CAST(floor(date_diff('second', {EPOCH}, wall) / {len}e0) AS BIGINT) * {len}, {EPOCH}) AS wall_start FROM parsed WHERE wall IS NOT NULL\n), keyed AS (\n  SELECT *, {start} AS interval_start FROM floored\n)\n",
        cols.join(", ")
    )
}

fn intervals_query(from: &str, spec: &ScanSpec, time: &TimeParse) -> String {
    format!(
        "{}SELECT interval_start, count(*) AS records FROM keyed GROUP BY wall_start, interval_start ORDER BY wall_start",
        keyed(from, spec, time)
    )
}

fn skipped_query(from: &str, spec: &ScanSpec, time: &TimeParse) -> String {
    let k = keyed(from, spec, time);
    // Only the parsed rows are needed: `keyed` is left unused.
    let head = k.split("), floored AS").next().unwrap_or_default();
    format!(
        "{head})\nSELECT reason, count(*) AS records FROM (\n  SELECT CASE WHEN ts IS NULL OR ts = '' THEN 'no-timestamp' ELSE 'bad-timestamp' END AS reason FROM parsed WHERE wall IS NULL\n) AS s GROUP BY reason ORDER BY reason"
    )
}

fn metrics_query(from: &str, spec: &ScanSpec, time: &TimeParse) -> String {
    let dims: Vec<String> = (0..spec.dimensions.len())
        .map(|i| format!("d{i}"))
        .collect();
    let select_dims: Vec<String> = spec
        .dimensions
        .iter()
        .enumerate()
        .map(|(i, d)| format!("d{i} AS {}", ident(&column(d))))
        .collect();
    let parts: Vec<String> = spec
        .measures
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut cols = vec![format!("{} AS measure", lit(m))];
            cols.extend(select_dims.iter().cloned());
            cols.push("count(DISTINCT wall_start) AS intervals_with_data".into());
            cols.push("min(interval_start) AS first_interval".into());
            cols.push("max(interval_start) AS last_interval".into());
            let group = if dims.is_empty() {
                String::new()
            } else {
                format!(" GROUP BY {}", dims.join(", "))
            };
            format!(
                "SELECT {} FROM keyed WHERE TRY_CAST(m{i} AS DOUBLE) IS NOT NULL{group}",
                cols.join(", ")
            )
        })
        .collect();
    format!(
        "{}SELECT * FROM (\n{}\n) AS metrics ORDER BY intervals_with_data, measure",
        keyed(from, spec, time),
        parts.join("\nUNION ALL\n")
    )
}

impl AthenaError {
    /// What to do, as data.
    pub fn fixes(&self) -> Vec<crate::fix::Fix> {
        use crate::fix::{Fix, Setting};
        match self {
            AthenaError::Pattern(_) => vec![Fix::set(Setting::TimestampFormat)],
            AthenaError::CaseClash { .. } => {
                vec![Fix::outside("rename one of the columns in the data")]
            }
            AthenaError::QueryFailed { .. } => vec![Fix::outside(
                "check the workgroup, the database, the output location and the IAM actions listed in the README",
            )],
            AthenaError::BadResult { .. } | AthenaError::Cancelled { .. } => vec![],
            AthenaError::Call { .. } => vec![Fix::outside(
                "check the credentials, the region, the Athena workgroup and the IAM actions listed in the README",
            )],
            AthenaError::Client { .. } => vec![],
        }
    }
}

/// A timestamp as Athena writes it in a result (`2020-10-01 00:00:00.000`).
fn result_time(query: &str, v: Option<&str>) -> Result<NaiveDateTime, AthenaError> {
    let v = v.unwrap_or_default();
    NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S%.f").map_err(|_| AthenaError::BadResult {
        query: query.into(),
        problem: format!("{v:?} is not a timestamp"),
    })
}

fn result_count(query: &str, v: Option<&str>) -> Result<u64, AthenaError> {
    let v = v.unwrap_or_default();
    v.parse().map_err(|_| AthenaError::BadResult {
        query: query.into(),
        problem: format!("{v:?} is not a count"),
    })
}

/// The rows of the `intervals` query as the local scan's interval keys and counts. Each UTC start
/// is put back on the dataset's wall clock; the rows come in wall-clock order, so when two share
/// a start (a wall-clock interval that a spring change skips starts at the same instant as the
/// next one), the first is the earlier interval.
pub fn interval_counts(rows: &QueryRows, spec: &ScanSpec) -> Result<Vec<(i64, u64)>, AthenaError> {
    use chrono::TimeZone as _;
    let len = spec.frequency.seconds();
    let mut out: Vec<(i64, u64)> = Vec::with_capacity(rows.rows.len());
    for r in &rows.rows {
        let start = result_time("intervals", r.first().and_then(|v| v.as_deref()))?;
        let records = result_count("intervals", r.get(1).and_then(|v| v.as_deref()))?;
        let wall = spec.timezone.from_utc_datetime(&start).naive_local();
        let key = crate::coverage::interval_key(wall, spec.frequency);
        if let Some(last) = out.last_mut()
            && last.0 == key
        {
            last.0 = key - len;
        }
        out.push((key, records));
    }
    out.sort_unstable();
    Ok(out)
}

/// The rows of the `skipped` query by reason, in [`crate::coverage::SkipReason::ALL`] order.
pub fn skipped_counts(rows: &QueryRows) -> Result<crate::coverage::SkipCounts, AthenaError> {
    use crate::coverage::SkipReason;
    let mut out = crate::coverage::SkipCounts::default();
    for r in &rows.rows {
        let reason = r.first().and_then(|v| v.as_deref()).unwrap_or_default();
        let n = result_count("skipped", r.get(1).and_then(|v| v.as_deref()))?;
        let at = match reason {
            "no-timestamp" => SkipReason::NoTimestamp,
            "bad-timestamp" => SkipReason::BadTimestamp,
            other => {
                return Err(AthenaError::BadResult {
                    query: "skipped".into(),
                    problem: format!("unknown reason {other:?}"),
                });
            }
        };
        out.add_n(at, n);
    }
    Ok(out)
}

/// The rows of the `metrics` query as the quality report's series: measure, the dimension
/// values (named as the labels name them; NULL as empty), intervals with data, first and last
/// interval (UTC).
pub fn series_reports(
    rows: &QueryRows,
    spec: &ScanSpec,
) -> Result<Vec<crate::coverage::SeriesReport>, AthenaError> {
    let dims = spec.dimensions.len();
    let mut out = Vec::with_capacity(rows.rows.len());
    for r in &rows.rows {
        let cell = |i: usize| r.get(i).and_then(|v| v.as_deref());
        if r.len() != dims + 4 {
            return Err(AthenaError::BadResult {
                query: "metrics".into(),
                problem: format!("{} columns, expected {}", r.len(), dims + 4),
            });
        }
        let dimensions = spec
            .dimensions
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let v = cell(1 + i).unwrap_or_default();
                (d.clone(), serde_json::Value::String(v.to_string()))
            })
            .collect();
        out.push(crate::coverage::SeriesReport {
            dimensions,
            measure: cell(0).unwrap_or_default().to_string(),
            intervals_with_data: result_count("metrics", cell(dims + 1))?,
            first_interval: Some(result_time("metrics", cell(dims + 2))?.and_utc()),
            last_interval: Some(result_time("metrics", cell(dims + 3))?.and_utc()),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Frequency;

    fn spec(tz: chrono_tz::Tz) -> ScanSpec {
        ScanSpec {
            timestamp_column: "ts".into(),
            format: crate::schema::timefmt::TimeFormat::compile("yyyy-MM-dd HH:mm:ss").unwrap(),
            frequency: Frequency::PT1H,
            timezone: tz,
            dimensions: vec![],
            measures: vec![],
            concurrency: 1,
            piece_bytes: 1,
            series: false,
            values: None,
            values_by_data: false,
            narrow: None,
            template: None,
        }
    }

    fn rows(r: &[(&str, &str)]) -> QueryRows {
        QueryRows {
            columns: vec!["interval_start".into(), "records".into()],
            rows: r
                .iter()
                .map(|(a, b)| vec![Some(a.to_string()), Some(b.to_string())])
                .collect(),
        }
    }

    #[test]
    fn utc_starts_go_back_to_wall_clock_keys_across_a_spring_gap() {
        let ny = spec(chrono_tz::America::New_York);
        // 01:00 EST, the skipped 02:00 and 03:00 EDT (both start at 07:00 UTC), 04:00 EDT.
        let got = interval_counts(
            &rows(&[
                ("2020-03-08 06:00:00.000", "1"),
                ("2020-03-08 07:00:00.000", "2"),
                ("2020-03-08 07:00:00.000", "3"),
                ("2020-03-08 08:00:00.000", "4"),
            ]),
            &ny,
        )
        .unwrap();
        let wall = |h: u32| {
            chrono::NaiveDate::from_ymd_opt(2020, 3, 8)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp()
        };
        assert_eq!(
            got,
            [(wall(1), 1), (wall(2), 2), (wall(3), 3), (wall(4), 4)]
        );
        let bad = interval_counts(&rows(&[("yesterday", "1")]), &ny).unwrap_err();
        assert!(matches!(bad, AthenaError::BadResult { .. }));
    }
}
