//! What the command line prints: short aligned text for people, JSON for scripts.

use std::fmt::Write;
use std::path::Path;

use serde_json::{Value, json};

use super::words::CliWords;
use l4m::config::check::Prepared;
use l4m::config::findings::L4M_END_OF_SUPPORT;
use l4m::config::{
    Built, ConfigSource, ExportOptions, ExportTarget, Finding, Severity, Syntax, Target,
};
use l4m::coverage::Coverage;
use l4m::fix::Words as _;
use l4m::format::{Detected, FileFormat, delimiter_name};
use l4m::inspect::Inspection;
use l4m::schema::{ColumnKind, Frequency, Labels, Role};
use l4m::units::{bytes, number, thousands};

/// "1 interval", "3 intervals".
pub fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{} {word}s", thousands(n))
    }
}

fn quote_text(q: Option<u8>) -> String {
    match q {
        Some(q) => (q as char).to_string(),
        None => "none".into(),
    }
}

pub fn inspect_json(i: &Inspection, labels: &Labels) -> Value {
    let d = &i.detection;
    let columns: Vec<Value> = i
        .profiles
        .iter()
        .map(|p| {
            let label = labels.get(&p.name);
            let mut c = json!({
                "name": p.name,
                "kind": p.kind,
                "role": label.map(|l| l.role.as_str()).unwrap_or("ignored"),
                "distinct": p.distinct,
                "non_empty": p.non_empty,
                "examples": p.examples,
                "reason": label.map(|l| l.reason.as_str()).unwrap_or(""),
            });
            if let Some(l) = label
                && l.role == Role::Measure
            {
                c["aggregation"] = json!(l.aggregation.as_str());
            }
            if p.kind == ColumnKind::Timestamp || labels.timestamp() == Some(p.name.as_str()) {
                let fmt = if labels.timestamp() == Some(p.name.as_str()) {
                    labels.timestamp_format.as_ref()
                } else {
                    p.time_format()
                };
                c["timestamp_format"] = json!(fmt);
                if let Some(t) = &p.timestamp {
                    c["timestamp_confidence"] = json!(t.confidence);
                    c["timestamp_parsed"] = json!(t.parsed);
                    c["timestamp_total"] = json!(t.total);
                }
            }
            c
        })
        .collect();
    json!({
        "location": i.dataset.root,
        "is_folder": i.dataset.is_folder,
        "recursive": i.dataset.recursive,
        "files": i.dataset.files.len(),
        "bytes": i.dataset.total_bytes(),
        "skipped_files": i.dataset.skipped,
        "subfolders_ignored": i.dataset.subfolders_ignored,
        "sample_file": i.sample_file,
        "sample_rows": d.sample.rows.len(),
        "sample_complete": d.sample.complete,
        "format": d.format.value,
        "format_confidence": d.format.confidence,
        "compression": d.compression.value,
        "charset": d.charset.value,
        "delimiter": (d.format.value == FileFormat::Csv).then(|| (d.delimiter.value as char).to_string()),
        "delimiter_confidence": d.delimiter.confidence,
        "quote": (d.format.value == FileFormat::Csv).then(|| d.quote.value.map(|q| (q as char).to_string()).unwrap_or_default()),
        "quote_confidence": d.quote.confidence,
        "has_header": d.header.value,
        "header_confidence": d.header.confidence,
        "line_ending": d.line_ending,
        "columns": columns,
        "timestamp_column": labels.timestamp(),
        "timestamp_format": labels.timestamp_format,
        "frequency": i.frequency.value,
        "frequency_confidence": i.frequency.confidence,
        "frequency_reason": i.frequency.reason,
        "by_interval": i.by_interval,
        "template": i.template,
        "notes": d.notes,
        "detections": {
            "format": detected(&d.format),
            "compression": detected(&d.compression),
            "charset": detected(&d.charset),
            "delimiter": detected(&d.delimiter.map(|b| (*b as char).to_string())),
            "quote": detected(&d.quote.map(|q| q.map(|q| (q as char).to_string()).unwrap_or_default())),
            "header": detected(&d.header),
            "interval": detected(&i.frequency),
        },
    })
}

/// A detection as `{value, confidence, reason}`.
fn detected<T: serde::Serialize>(d: &Detected<T>) -> Value {
    json!({"value": d.value, "confidence": d.confidence, "reason": d.reason})
}

pub fn inspect_text(i: &Inspection, labels: &Labels) -> String {
    let mut o = String::new();
    dataset_text(i, &mut o);
    detections_text(i, &mut o);
    columns_text(i, labels, &mut o);
    let ds = &i.dataset;
    let _ = writeln!(
        o,
        "\nNext: l4m coverage {}{}  (records per interval over every file)",
        ds.root,
        if ds.recursive { " --recursive" } else { "" }
    );
    o
}

/// The location: its files, what was skipped and what was not read.
fn dataset_text(i: &Inspection, o: &mut String) {
    let ds = &i.dataset;
    if ds.is_folder {
        let _ = writeln!(
            o,
            "{}  folder{}: {} data files, {}",
            ds.root,
            if ds.recursive { " (recursive)" } else { "" },
            ds.files.len(),
            bytes(ds.total_bytes())
        );
    } else {
        let _ = writeln!(o, "{}  file, {}", ds.root, bytes(ds.total_bytes()));
    }
    for s in ds.skipped.iter().take(5) {
        let _ = writeln!(o, "  skipped {}: {}", s.name, s.reason);
    }
    if ds.skipped.len() > 5 {
        let _ = writeln!(o, "  ... and {} more skipped", ds.skipped.len() - 5);
    }
    if ds.subfolders_ignored > 0 {
        let _ = writeln!(
            o,
            "  {} subfolders not read (L4M reads only files directly under a folder; --recursive reads them)",
            ds.subfolders_ignored
        );
    }
}

/// Every detection with its confidence and reason, the template and the notes.
fn detections_text(i: &Inspection, o: &mut String) {
    let d = &i.detection;
    let _ = writeln!(
        o,
        "\nDetected from {} ({})",
        i.sample_file,
        if d.sample.complete {
            "the whole file"
        } else {
            "its first 1 MiB"
        }
    );
    let mut row = |what: &str, value: String, det: &Detected<()>| {
        let conf = det.confidence.as_str();
        let _ = writeln!(o, "  {what:<12} {value:<12} {conf:<5} {}", det.reason);
    };
    row(
        "format",
        format!("{:?}", d.format.value).to_lowercase(),
        &d.format.map(|_| ()),
    );
    row(
        "compression",
        format!("{:?}", d.compression.value).to_lowercase(),
        &d.compression.map(|_| ()),
    );
    row("charset", d.charset.value.clone(), &d.charset.map(|_| ()));
    if d.format.value == FileFormat::Csv {
        row(
            "delimiter",
            delimiter_name(d.delimiter.value),
            &d.delimiter.map(|_| ()),
        );
        row("quote", quote_text(d.quote.value), &d.quote.map(|_| ()));
        let header = if d.header.value { "yes" } else { "no" };
        row("header", header.into(), &d.header.map(|_| ()));
    }
    let interval = i.frequency.value.map(|f| f.as_str().to_string());
    row(
        "interval",
        interval.unwrap_or_else(|| "?".into()),
        &i.frequency.map(|_| ()),
    );
    if let Some(t) = &i.template {
        let _ = writeln!(
            o,
            "  {:<12} {}  (the continuous layout: each folder names its interval)",
            "template", t.template
        );
    }
    for n in &d.notes {
        let _ = writeln!(o, "  note: {n}");
    }
}

/// The columns: kind, distinct values, role and why.
fn columns_text(i: &Inspection, labels: &Labels, o: &mut String) {
    let _ = writeln!(
        o,
        "\nColumns ({} sample rows)",
        thousands(i.detection.sample.rows.len() as u64)
    );
    let w = i
        .profiles
        .iter()
        .map(|p| p.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = writeln!(
        o,
        "  {:<w$}  {:<9}  {:>8}  {:<14}  why",
        "name", "kind", "distinct", "role"
    );
    for p in &i.profiles {
        let label = labels.get(&p.name);
        let role = match label {
            Some(l) if l.role == Role::Measure => format!("measure {}", l.aggregation.as_str()),
            Some(l) => l.role.as_str().to_string(),
            None => "ignored".into(),
        };
        let mut why = label.map(|l| l.reason.clone()).unwrap_or_default();
        if labels.timestamp() == Some(p.name.as_str())
            && let Some(f) = &labels.timestamp_format
        {
            if why == "set by you" {
                why = format!("set by you; format {f}");
            } else if let Some(t) = &p.timestamp {
                why = format!(
                    "{f} ({} of {} values parse, {})",
                    t.parsed, t.total, t.confidence
                );
            }
        }
        let _ = writeln!(
            o,
            "  {:<w$}  {:<9}  {:>8}  {:<14}  {}",
            p.name,
            p.kind.as_str(),
            thousands(p.distinct as u64),
            role,
            why
        );
    }
}

pub fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn coverage_text(i: &Inspection, c: &Coverage) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}: {} files, {} ({} scanned)\ntimestamp {:?} as {}, interval {} ({}), timezone {}",
        i.dataset.root,
        c.read.files_scanned,
        bytes(i.dataset.total_bytes()),
        bytes(c.read.bytes_scanned),
        c.timestamp_column,
        c.timestamp_format,
        c.frequency,
        c.frequency.human(),
        c.timezone.name()
    );
    if let Some(engine) = &c.engine {
        let _ = writeln!(o, "counted by {engine}");
    }
    let _ = writeln!(
        o,
        "\n  records            {} counted, {} skipped",
        thousands(c.read.records),
        thousands(c.read.records_skipped)
    );
    for e in c.read.skipped_examples.iter().take(3) {
        let _ = writeln!(o, "                     {e}");
    }
    day_month_text(c, &mut o);
    if c.span.first_interval.is_none() {
        let _ = writeln!(
            o,
            "\n  no interval holds data: check the timestamp column and format"
        );
        layout_text(c, &mut o);
        return o;
    }
    intervals_text(c, &mut o);
    by_interval_text(c, &mut o);
    quotas_text(c, i.dataset.is_folder, &mut o);
    layout_text(c, &mut o);
    histogram_text(c, &mut o);
    o
}

/// A day/month reading the data does not settle, or that it contradicts; and the notes of the scan.
fn day_month_text(c: &Coverage, o: &mut String) {
    for n in &c.read.notes {
        let label = if n.contains("not in the dataset's format") {
            "files"
        } else if n.starts_with("timestamps read as") || n.contains("in a daylight-saving gap of") {
            "timestamps"
        } else {
            continue;
        };
        let _ = writeln!(o, "  {label:<18} {n}");
    }
    let Some(d) = &c.day_month else { return };
    if d.other_fits_better() {
        let _ = writeln!(
            o,
            "  timestamps         {} values do not parse as {} but do as {}: day and month are the other way round (--timestamp-format '{}')",
            thousands(d.only_other),
            c.timestamp_format,
            d.other,
            d.other
        );
    } else if d.ambiguous() {
        let _ = writeln!(
            o,
            "  timestamps         AMBIGUOUS: every value reads as {} and as {} (no day above 12): read as {}, a guess; confirm with --timestamp-format",
            c.timestamp_format, d.other, c.timestamp_format
        );
    }
}

/// The span, the verdict against 285 and the longest gaps.
fn intervals_text(c: &Coverage, o: &mut String) {
    if let (Some(first), Some(last)) = (c.span.first_interval, c.span.last_interval) {
        let _ = writeln!(o, "  first interval     {}", rfc3339(first));
        let _ = writeln!(o, "  last interval      {}", rfc3339(last));
    }
    let _ = writeln!(
        o,
        "  intervals          {} with data of {} spanned, {} missing",
        thousands(c.span.intervals_with_data),
        thousands(c.span.intervals_spanned),
        thousands(c.span.intervals_missing)
    );
    let verdict = if c.history.meets_threshold {
        "PASS"
    } else {
        "FAIL"
    };
    let _ = writeln!(
        o,
        "  threshold          {verdict}: {} intervals with data {} {} (span {} {} {})",
        thousands(c.span.intervals_with_data),
        if c.history.meets_threshold { ">=" } else { "<" },
        c.history.threshold,
        thousands(c.span.intervals_spanned),
        if c.history.span_meets_threshold {
            ">="
        } else {
            "<"
        },
        c.history.threshold
    );
    if c.span.intervals_spanned > c.history.backtest_max_intervals {
        let _ = writeln!(
            o,
            "                     a backtest reads at most {} intervals; continuous mode at most {} within {} days",
            thousands(c.history.backtest_max_intervals),
            thousands(c.history.continuous_max_intervals),
            c.history.continuous_history_days
        );
    }
    for g in &c.span.longest_gaps {
        let _ = writeln!(
            o,
            "  gap                {} missing from {} to {}",
            plural(g.intervals, "interval"),
            rfc3339(g.start),
            rfc3339(g.end)
        );
    }
}

/// Every interval length from the same scan, the scan's own marked, and a warning when the
/// scan's interval is finer than the records come.
fn by_interval_text(c: &Coverage, o: &mut String) {
    if c.span.by_interval.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "  every interval     with data / spanned, empty, against {}:",
        c.history.threshold
    );
    for fill in &c.span.by_interval {
        let _ = writeln!(
            o,
            "    {:<6}{} {:>9} / {:<9} {:>4.0}%  {}",
            fill.frequency.as_str(),
            if fill.frequency == c.frequency {
                "◀"
            } else {
                " "
            },
            thousands(fill.intervals_with_data),
            thousands(fill.intervals_spanned),
            fill.missing_share() * 100.0,
            if fill.meets_threshold { "PASS" } else { "FAIL" }
        );
    }
    let mut found = Vec::new();
    l4m::config::findings::cadence_finding(c, &mut found);
    for f in &found {
        let _ = writeln!(o, "  warning [{}] {}", f.rule, CliWords.finding(f));
    }
}

/// Records, files and bytes per interval against their quotas, and the metric count.
fn quotas_text(c: &Coverage, is_folder: bool, o: &mut String) {
    let _ = writeln!(
        o,
        "  records/interval   max {} (quota {}){}",
        thousands(c.quotas.max_records_per_interval),
        thousands(c.quotas.records_quota),
        c.quotas
            .max_records_interval
            .map(|t| format!(" at {}", rfc3339(t)))
            .unwrap_or_default()
    );
    if is_folder {
        let _ = writeln!(
            o,
            "  files/interval     max {} (quota {})",
            c.quotas.max_files_per_interval, c.quotas.files_quota
        );
    }
    let _ = writeln!(
        o,
        "  bytes/interval     max {} (quota {}; estimated from file sizes)",
        bytes(c.quotas.max_bytes_per_interval),
        bytes(c.quotas.bytes_quota)
    );
    if !c.dims.dimensions.is_empty() {
        let _ = writeln!(
            o,
            "  metrics            {}{} dimension combinations x {} measures",
            if c.dims.combinations_capped {
                "at least "
            } else {
                ""
            },
            thousands(c.dims.dimension_combinations),
            c.measures.len()
        );
    }
}

/// The continuous layout's folders, and files that were not read to their end.
fn layout_text(c: &Coverage, o: &mut String) {
    if let Some(t) = &c.layout.template {
        let _ = writeln!(
            o,
            "  template           {t}: {} folders, {} missing{}",
            thousands(c.layout.folders),
            thousands(c.layout.folders_missing),
            c.layout
                .missing_folders
                .first()
                .map(|m| format!(" (first {})", rfc3339(*m)))
                .unwrap_or_default()
        );
        let _ = writeln!(
            o,
            "                     {} records outside their folder's interval{}",
            thousands(c.layout.records_outside_folder),
            c.layout
                .outside_folder_example
                .as_ref()
                .map(|e| format!(" (first {}:{})", e.file, e.line))
                .unwrap_or_default()
        );
    }
    if !c.completeness.complete {
        let _ = writeln!(o, "  PARTIAL: not every file was read to its end");
        for f in &c.completeness.incomplete_files {
            let _ = writeln!(o, "    {}: {}", f.file, f.error);
        }
    }
}

/// Group size for the text histogram: a day, an hour or a week of intervals, whichever keeps the
/// number of rows readable.
fn group_size(c: &Coverage) -> u64 {
    let per_day = 86_400 / c.frequency.seconds() as u64;
    let candidates: &[u64] = match c.frequency {
        Frequency::P1D => &[7, 28, 91, 364],
        Frequency::PT1H => &[24, 168, 672],
        Frequency::PT5M | Frequency::PT10M => &[per_day / 24, per_day, per_day * 7],
    };
    for &g in candidates {
        if c.span.intervals_spanned.div_ceil(g.max(1)) <= 40 {
            return g.max(1);
        }
    }
    (c.span.intervals_spanned / 40).max(1)
}

/// Records per interval, one row per group of intervals, one cell per interval (or per few, each
/// showing the densest). Rows are labelled with their first interval on the dataset's clock.
fn histogram_text(c: &Coverage, o: &mut String) {
    let g = group_size(c);
    let max = c.quotas.max_records_per_interval.max(1);
    let counts: std::collections::HashMap<u64, u64> =
        c.intervals.iter().map(|iv| (iv.slot, iv.records)).collect();
    let _ = writeln!(
        o,
        "\nRecords per interval, {} intervals a row, times in {} (▁-█ records, · missing):",
        g,
        c.timezone.name()
    );
    let bars = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let cells = g.min(48);
    let spanned = c.span.intervals_spanned;
    for row_start in (0..spanned).step_by(g as usize) {
        let row_end = (row_start + g).min(spanned);
        let mut line = String::new();
        for cell in 0..cells {
            let from = row_start + cell * g / cells;
            let to = (row_start + (cell + 1) * g / cells).min(row_end);
            if from >= row_end {
                line.push(' ');
                continue;
            }
            match (from..to).filter_map(|k| counts.get(&k)).max() {
                Some(n) => line.push(bars[((n * 7) / max) as usize]),
                None => line.push('·'),
            }
        }
        let in_row: Vec<u64> = (row_start..row_end)
            .filter_map(|k| counts.get(&k).copied())
            .collect();
        let when = c
            .slot_start(row_start)
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "  {when}  {line}  {:>3}/{:<3} {:>9}",
            in_row.len(),
            row_end - row_start,
            thousands(in_row.iter().sum())
        );
    }
}

/// `quality --json`: the data-quality report, with the scan's interval settings.
pub fn quality_json(c: &Coverage) -> Value {
    let mut v = json!(c.quality);
    if let Some(o) = v.as_object_mut() {
        o.insert("frequency".into(), json!(c.frequency));
        o.insert("timezone".into(), json!(c.timezone.name()));
        o.insert(
            "intervals_with_data".into(),
            json!(c.span.intervals_with_data),
        );
        o.insert("intervals_spanned".into(), json!(c.span.intervals_spanned));
        o.insert("complete".into(), json!(c.completeness.complete));
    }
    v
}

/// `quality`: rows, metrics, completeness, the backtest split and the sparsest metrics.
pub fn quality_text(i: &Inspection, c: &Coverage) -> String {
    let mut o = String::new();
    let Some(q) = &c.quality else {
        return o;
    };
    let _ = writeln!(
        o,
        "{}: {} files, interval {} ({}), timezone {}\n",
        i.dataset.root,
        c.read.files_scanned,
        c.frequency,
        c.frequency.human(),
        c.timezone.name()
    );
    let _ = writeln!(
        o,
        "  rows               {} processed, {} invalid (not counted), {} partial",
        thousands(q.rows_processed),
        thousands(q.rows_invalid),
        thousands(q.rows_partial)
    );
    let _ = writeln!(
        o,
        "  metrics            {} ({} measures x {} dimension combinations); {} of {} followed have at least {} intervals with data",
        thousands(q.time_series_count),
        c.measures.len(),
        thousands(c.dims.dimension_combinations),
        thousands(q.series_meeting_threshold),
        thousands(q.series_followed),
        c.history.threshold
    );
    for col in &q.columns {
        let _ = writeln!(
            o,
            "  completeness       {:<20} {:>6.1}%",
            col.name,
            col.completeness * 100.0
        );
    }
    for d in &q.dimensions {
        let _ = writeln!(
            o,
            "  distinct values    {:<20} {:>7}{}",
            d.name,
            thousands(d.distinct),
            if d.capped { " (at least)" } else { "" }
        );
    }
    if let Some(b) = &q.backtest {
        let _ = writeln!(
            o,
            "  backtest           {} intervals: training {} from {} to {}, testing {} from {} to {}",
            thousands(b.intervals_used),
            thousands(b.training_intervals),
            rfc3339(b.training_start),
            rfc3339(b.training_end),
            thousands(b.inference_intervals),
            rfc3339(b.inference_start),
            rfc3339(b.inference_end)
        );
        let _ = writeln!(o, "                     {}", b.choice);
    }
    let _ = writeln!(
        o,
        "\nSparsest metrics (intervals with data, first and last):"
    );
    for s in q.series.iter().take(10) {
        let dims: Vec<String> = s
            .dimensions
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
            .collect();
        let _ = writeln!(
            o,
            "  {:>6}  {:<12} {:<40} {} .. {}",
            thousands(s.intervals_with_data),
            s.measure,
            dims.join(" "),
            s.first_interval.map(rfc3339).unwrap_or_default(),
            s.last_interval.map(rfc3339).unwrap_or_default()
        );
    }
    if q.series_capped {
        let _ = writeln!(
            o,
            "  (the {} sparsest of {} metrics are listed; at most {} are followed)",
            q.series.len(),
            thousands(q.time_series_count),
            thousands(q.series_followed_limit as u64)
        );
    }
    o
}

/// Findings for scripts: each with its fixes as data and as the command line words them.
pub fn findings_json(findings: &[Finding]) -> Value {
    findings
        .iter()
        .map(|f| {
            let mut v = json!(f);
            v["hint"] = json!(CliWords.fixes(&f.fixes));
            v
        })
        .collect()
}

/// The findings of an export, a line each, and where its name came from; gives (errors, warnings).
fn export_findings_text(
    findings: &[Finding],
    options: &ExportOptions,
    name_from_location: bool,
    o: &mut String,
) -> (usize, usize) {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    for f in findings {
        let tag = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(o, "{tag} [{}] {}", f.rule, CliWords.finding(f));
    }
    if name_from_location && let Some(n) = &options.name {
        let _ = writeln!(
            o,
            "note: name {n:?} taken from the location (--name to change it)"
        );
    }
    (errors, findings.len() - errors)
}

#[allow(clippy::too_many_arguments)]
pub fn export_text(
    findings: &[Finding],
    options: &ExportOptions,
    name_from_location: bool,
    written: bool,
    to_stdout: bool,
    path: &Path,
    size: usize,
) -> String {
    let mut o = String::new();
    let (errors, warnings) = export_findings_text(findings, options, name_from_location, &mut o);
    let what = match options.target {
        Target::MetricSet => "CreateMetricSet request",
        Target::CloudFormation => "CloudFormation template",
    };
    if written && !to_stdout {
        let _ = writeln!(
            o,
            "wrote {} ({what}, {} bytes){}",
            path.display(),
            size,
            if errors > 0 {
                ": a DRAFT, it does not pass the checks above"
            } else {
                ""
            }
        );
    } else if !written {
        let _ = writeln!(
            o,
            "not written: {errors} error(s), {warnings} warning(s); fix the errors, or add --draft to write it anyway"
        );
    }
    if written && errors == 0 {
        let _ = writeln!(
            o,
            "{}, {}; the config passes L4M's API model (the service itself reached its end of support on {L4M_END_OF_SUPPORT})",
            plural(errors as u64, "error"),
            plural(warnings as u64, "warning")
        );
        if !to_stdout {
            let _ = writeln!(o, "{}", l4m_use(path));
        }
    }
    o
}

/// What a Lookout for Metrics config is still good for, now that nothing deploys it.
fn l4m_use(path: &Path) -> String {
    format!(
        "use it: archives and audits (l4m check {p} LOCATION); for a detector that works today: l4m export LOCATION --config {p} --target cloudwatch -o FILE, or --target opensearch --index PATTERN",
        p = path.display()
    )
}

fn syntax_name(s: Syntax) -> &'static str {
    match s {
        Syntax::Json => "JSON",
        Syntax::Yaml => "YAML",
    }
}

/// What `check` applied to the data: labels and reading, as one JSON object.
fn applied_json(p: &Prepared) -> Value {
    let d = p.inspection.dialect();
    json!({
        "format": d.format,
        "delimiter": (d.format == FileFormat::Csv).then(|| (d.delimiter as char).to_string()),
        "has_header": d.has_header,
        "timestamp_column": p.labels.timestamp(),
        "timestamp_format": p.labels.timestamp_format,
        "measures": p.labels.measures().iter().map(|(m, a)| json!({"name": m, "aggregation": a.as_str()})).collect::<Vec<_>>(),
        "dimensions": p.labels.dimensions(),
        "frequency": p.options.frequency,
        "timezone": p.options.timezone.name(),
    })
}

pub fn check_json(
    file: &Path,
    config: &ConfigSource,
    p: &Prepared,
    c: Option<&Coverage>,
    findings: &[Finding],
) -> Value {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let list: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut v = json!(f);
            v["hint"] = json!(
                f.fixes
                    .iter()
                    .filter_map(|x| super::words::config_fix(x, config))
                    .collect::<Vec<_>>()
                    .join(", or ")
            );
            v
        })
        .collect();
    json!({
        "config": file.display().to_string(),
        "kind": config.kind,
        "syntax": syntax_name(config.syntax).to_lowercase(),
        "location": p.inspection.dataset.root,
        "recursive": p.inspection.dataset.recursive,
        "files": p.inspection.dataset.files.len(),
        "applied": applied_json(p),
        "scanned": c.is_some(),
        "records": c.map(|c| c.read.records),
        "intervals_with_data": c.map(|c| c.span.intervals_with_data),
        "errors": errors,
        "warnings": findings.len() - errors,
        "findings": list,
    })
}

pub fn check_text(
    file: &Path,
    config: &ConfigSource,
    p: &Prepared,
    c: Option<&Coverage>,
    findings: &[Finding],
) -> String {
    let mut o = String::new();
    let ds = &p.inspection.dataset;
    let d = p.inspection.dialect();
    let _ = writeln!(
        o,
        "{}: {} ({}){}",
        file.display(),
        config.kind.label(),
        syntax_name(config.syntax),
        config
            .options
            .name
            .as_ref()
            .map(|n| format!(", name {n:?}"))
            .unwrap_or_default()
    );
    let reading = match d.format {
        FileFormat::Csv => format!(
            "CSV, delimiter {:?}, {}",
            delimiter_name(d.delimiter),
            if d.has_header { "header" } else { "no header" }
        ),
        FileFormat::Jsonl => "JSON lines".into(),
    };
    let _ = writeln!(
        o,
        "data: {}{} ({}, {}), read as {reading}",
        ds.root,
        if ds.recursive { " with subfolders" } else { "" },
        plural(ds.files.len() as u64, "file"),
        bytes(ds.total_bytes())
    );
    let _ = writeln!(
        o,
        "applied: timestamp {} as {}, {}, {}, interval {}, timezone {}",
        p.labels
            .timestamp()
            .map(|t| format!("{t:?}"))
            .unwrap_or_else(|| "none".into()),
        p.labels
            .timestamp_format
            .as_ref()
            .map(|f| f.pattern().to_string())
            .unwrap_or_else(|| "none".into()),
        plural(p.labels.measures().len() as u64, "measure"),
        plural(p.labels.dimensions().len() as u64, "dimension"),
        p.options.frequency.map(|f| f.as_str()).unwrap_or("none"),
        p.options.timezone.name()
    );
    check_scan_text(c, &mut o);
    check_findings_text(config, findings, &mut o);
    o
}

/// What the scan of a `check` found, in one line.
fn check_scan_text(c: Option<&Coverage>, o: &mut String) {
    match c {
        Some(c) => {
            let _ = writeln!(
                o,
                "scan: {} records ({} skipped), {} intervals with data of {} spanned",
                thousands(c.read.records),
                thousands(c.read.records_skipped),
                thousands(c.span.intervals_with_data),
                thousands(c.span.intervals_spanned)
            );
        }
        None => {
            let _ = writeln!(
                o,
                "scan: not made (the config's timestamp or interval does not apply)"
            );
        }
    }
}

/// The findings of a `check`, each at its path in the config, and the verdict.
fn check_findings_text(config: &ConfigSource, findings: &[Finding], o: &mut String) {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let _ = writeln!(o);
    for f in findings {
        let tag = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(
            o,
            "{tag} [{}] {}",
            f.rule,
            super::words::config_finding(f, config)
        );
    }
    let warnings = findings.len() - errors;
    let _ = writeln!(
        o,
        "{errors} error(s), {warnings} warning(s): {}",
        if errors == 0 {
            "the config fits the data"
        } else {
            "the config and the data disagree"
        }
    );
}

/// The largest template `aws cloudformation deploy` sends without `--s3-bucket`.
const DEPLOY_INLINE_BYTES: usize = 51_200;

/// How to use the files of a successor target, with their paths.
fn successor_use(target: ExportTarget, files: &[(&Path, &str)]) -> Option<String> {
    let (main, main_text) = files.first()?;
    let main = main.display();
    Some(match (target, files.get(1)) {
        (ExportTarget::OpenSearch, Some((mapping, _))) => format!(
            "use it: curl -XPUT \"$OPENSEARCH/INDEX\" -H 'Content-Type: application/json' --data-binary @{}\n        (index the data), then curl -XPOST \"$OPENSEARCH/_plugins/_anomaly_detection/detectors\" -H 'Content-Type: application/json' --data-binary @{main}",
            mapping.display()
        ),
        // `deploy` takes a template of at most 51,200 bytes inline; a larger one goes through S3.
        (ExportTarget::CloudWatch, _) if main_text.len() > DEPLOY_INLINE_BYTES => format!(
            "use it: aws cloudformation deploy --template-file {main} --stack-name NAME --s3-bucket BUCKET\n        (the template is over the {} bytes a deploy takes without a bucket)",
            thousands(DEPLOY_INLINE_BYTES as u64)
        ),
        (ExportTarget::CloudWatch, _) => {
            format!("use it: aws cloudformation deploy --template-file {main} --stack-name NAME")
        }
        (ExportTarget::CloudWatchRequests, _) => format!(
            "use it: while read -r r; do aws cloudwatch put-anomaly-detector --cli-input-json \"$r\"; done < {main}"
        ),
        // An OpenSearch body without its mapping has no use line; the L4M configs have theirs.
        (ExportTarget::OpenSearch, None)
        | (ExportTarget::MetricSet | ExportTarget::CloudFormation, _) => return None,
    })
}

/// What `export` says for a target that is not an L4M config.
pub fn successor_text(
    built: &Built,
    options: &ExportOptions,
    name_from_location: bool,
    written: bool,
    files: &[(&Path, &str)],
) -> String {
    let mut o = String::new();
    let (errors, warnings) =
        export_findings_text(&built.findings, options, name_from_location, &mut o);
    if !written {
        let _ = writeln!(
            o,
            "not written: {errors} error(s), {warnings} warning(s); fix the errors, or add --draft to write it anyway"
        );
        return o;
    }
    for (i, (path, text)) in files.iter().enumerate() {
        let what = if i == 0 {
            built.target.label()
        } else {
            "index mapping"
        };
        let _ = writeln!(
            o,
            "wrote {} ({what}, {} bytes){}",
            path.display(),
            text.len(),
            if errors > 0 { ": a DRAFT" } else { "" }
        );
    }
    let _ = writeln!(
        o,
        "{}, {}",
        plural(errors as u64, "error"),
        plural(warnings as u64, "warning")
    );
    if errors == 0
        && let Some(hint) = successor_use(built.target, files)
    {
        let _ = writeln!(o, "{hint}");
    }
    o
}

/// `series --json`: each metric's points, one per interval of the span. Borrowed from the report
/// and written as it is serialized: no JSON tree of every point is built first.
#[derive(serde::Serialize)]
pub struct SeriesJson<'a> {
    frequency: l4m::schema::Frequency,
    timezone: &'a str,
    metrics: &'a [l4m::coverage::MetricValues],
    metrics_total: u64,
    metrics_left_out: u64,
    complete: bool,
}

pub fn series_json(c: &Coverage) -> SeriesJson<'_> {
    let values = c.values.as_ref();
    SeriesJson {
        frequency: c.frequency,
        timezone: c.timezone.name(),
        metrics: values.map_or(&[][..], |v| &v.metrics[..]),
        metrics_total: values.map_or(0, |v| v.metrics_total),
        metrics_left_out: values.map_or(0, |v| v.metrics_left_out),
        complete: c.completeness.complete,
    }
}

/// Width of a sparkline, in characters.
const SPARK_WIDTH: usize = 48;

/// A metric's values as a line of block characters: each character is the mean of its share of
/// the points, scaled between the metric's min and max; `·` where none has a value.
pub fn sparkline(points: &[l4m::coverage::ValuePoint], width: usize) -> String {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let width = width.min(points.len()).max(1);
    let Some((lo, hi)) = l4m::coverage::value_range(points) else {
        return "·".repeat(width);
    };
    (0..width)
        .map(|k| {
            let part = &points[k * points.len() / width..(k + 1) * points.len() / width];
            let vals: Vec<f64> = part.iter().filter_map(|p| p.value).collect();
            if vals.is_empty() {
                return '·';
            }
            let mean = vals.iter().sum::<f64>() / vals.len() as f64;
            let at = if hi > lo {
                (mean - lo) / (hi - lo)
            } else {
                0.5
            };
            BLOCKS[((at * 7.0).round() as usize).min(7)]
        })
        .collect()
}

/// `series`: one line per metric (its dimension values, min, max, missing share and sparkline).
pub fn series_text(i: &Inspection, c: &Coverage, wheres: &[(String, String)]) -> String {
    let mut o = String::new();
    let Some(v) = &c.values else {
        return o;
    };
    let _ = writeln!(
        o,
        "{}: {} metric{}, interval {} ({}), timezone {}",
        i.dataset.root,
        thousands(v.metrics_total),
        if v.metrics_total == 1 { "" } else { "s" },
        c.frequency,
        c.frequency.human(),
        c.timezone.name()
    );
    if let (Some(first), Some(last)) = (c.span.first_interval, c.span.last_interval) {
        let _ = writeln!(
            o,
            "from {} to {} ({} intervals)\n",
            rfc3339(first),
            rfc3339(last),
            thousands(c.span.intervals_spanned)
        );
    }
    for m in &v.metrics {
        series_line(m, &mut o);
    }
    if v.metrics_left_out > 0 {
        let _ = writeln!(
            o,
            "\n{} more metrics left out (at most {} a call): narrow with --where DIM=VALUE",
            thousands(v.metrics_left_out),
            l4m::coverage::MAX_METRICS
        );
    }
    if v.metrics.is_empty() {
        let which = if wheres.is_empty() {
            "label a measure (--measure COL)".to_string()
        } else {
            "no record has those dimension values: check --where".to_string()
        };
        let _ = writeln!(o, "no metric: {which}");
    }
    o
}

fn series_line(m: &l4m::coverage::MetricValues, o: &mut String) {
    let dims: Vec<String> = m
        .dimensions
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
        .collect();
    let missing = 1.0 - m.with_value() as f64 / m.points.len().max(1) as f64;
    let range = match l4m::coverage::value_range(&m.points) {
        None => "no value".to_string(),
        Some((lo, hi)) => format!("{} to {}", number(lo), number(hi)),
    };
    let _ = writeln!(
        o,
        "  {} {} {}\n    {:<24} missing {:>5.1}%  {}",
        m.measure,
        m.aggregation.as_str(),
        if dims.is_empty() {
            "(all records)".to_string()
        } else {
            dims.join(" ")
        },
        range,
        missing * 100.0,
        sparkline(&m.points, SPARK_WIDTH)
    );
}
