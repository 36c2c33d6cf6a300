//! Detection of a file's format from its head: CSV or JSON lines, delimiter, quote, header,
//! compression and charset, each with a confidence and a short reason.
//!
//! The service's own detector stopped at format and interval; this one also keeps the parsed head
//! as a [`Sample`] so that the schema layer can tell the columns apart.

use std::collections::HashMap;

use serde::Serialize;

use super::decode::{Compression, decode_head};
use super::{Detected, Dialect, FileFormat, delimiter_name};
use crate::detect::Confidence;
use crate::error::ReadProblem;

/// Settings the user fixed; detection keeps them and works out the rest.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    pub format: Option<FileFormat>,
    pub delimiter: Option<u8>,
    /// `Some(None)` means "values are never quoted".
    pub quote: Option<Option<u8>>,
    pub has_header: Option<bool>,
}

/// The parsed head of a file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Sample {
    /// Column names (header, JSON keys, or `column_1`...).
    pub columns: Vec<String>,
    /// Records in file order, one string per column (missing values are empty strings).
    pub rows: Vec<Vec<String>>,
    /// The 1-based line number of each row.
    pub lines: Vec<u64>,
    /// True when the head held the whole file.
    pub complete: bool,
}

/// What detection found in the head of a file.
#[derive(Debug, Clone, Serialize)]
pub struct Detection {
    pub format: Detected<FileFormat>,
    pub compression: Detected<Compression>,
    pub charset: Detected<String>,
    pub delimiter: Detected<u8>,
    pub quote: Detected<Option<u8>>,
    pub header: Detected<bool>,
    /// `LF`, `CRLF`, `mixed`, or `none` (a single line).
    pub line_ending: &'static str,
    pub sample: Sample,
    /// Things worth telling the user that are not errors (e.g. nested JSON values).
    pub notes: Vec<String>,
    /// The first line is Excel's `sep=X` line (not data, not the header).
    pub sep_line: bool,
}

impl Detection {
    /// The settled dialect for reading every record of the dataset.
    pub fn dialect(&self) -> Dialect {
        Dialect {
            format: self.format.value,
            compression: self.compression.value,
            delimiter: self.delimiter.value,
            quote: self.quote.value,
            has_header: self.header.value,
            sep_line: self.sep_line,
            columns: self.sample.columns.clone(),
        }
    }
}

/// Candidate delimiters, in the order preferred when two fit equally well. L4M documents comma,
/// tab, space and pipe; semicolon is common in exports and the API accepts any one character.
const DELIMITERS: [u8; 5] = [b',', b'\t', b'|', b';', b' '];

/// Detect the format of a file from its first bytes. `raw_complete` says the bytes are the whole
/// file. The error says what is wrong with the file (the caller adds its name).
pub fn detect(
    raw: &[u8],
    raw_complete: bool,
    overrides: &Overrides,
) -> Result<Detection, ReadProblem> {
    let head = decode_head(raw, raw_complete, crate::source::HEAD_BYTES as usize)?;
    if cr_line_ends(&head.bytes) {
        return Err(ReadProblem::CrLineEnds);
    }
    let (compression, charset) = encoding_detected(&head);
    let mut text = whole_lines(&head)?;
    // Excel writes `sep=;` on the first line to name the delimiter.
    let sep = excel_sep_line(text);
    let mut overrides = overrides.clone();
    if let Some((d, len)) = sep {
        text = &text[len..];
        overrides.delimiter = overrides.delimiter.or(Some(d));
        overrides.format = overrides.format.or(Some(FileFormat::Csv));
    }
    let overrides = &overrides;
    if text.trim().is_empty() {
        return Err(ReadProblem::Empty);
    }
    let line_ending = line_ending(text);

    let first_char = text.trim_start().chars().next().unwrap_or(' ');
    if first_char == '[' && overrides.format.is_none() && looks_like_json_array(text) {
        return Err(ReadProblem::JsonArray);
    }
    let format = match overrides.format {
        Some(f) => Detected::given(f),
        None if first_char == '{' => Detected::new(
            FileFormat::Jsonl,
            Confidence::High,
            "the first line is a JSON object",
        ),
        None => Detected::new(
            FileFormat::Csv,
            Confidence::High,
            "lines of delimited values",
        ),
    };

    let mut notes = Vec::new();
    if let Some((d, _)) = sep {
        notes.push(format!(
            "the first line is Excel's sep={}: it names the delimiter and is not read as data",
            d as char
        ));
    }
    let (delimiter, quote, header, mut sample) = match format.value {
        FileFormat::Jsonl => {
            let sample = parse_jsonl(text, head.complete, &mut notes)?;
            let na = "not used by JSON lines";
            (
                Detected::new(b',', Confidence::None, na),
                Detected::new(None, Confidence::None, na),
                Detected::new(false, Confidence::None, na),
                sample,
            )
        }
        FileFormat::Csv => detect_csv(text, head.complete, overrides, &mut notes)?,
    };
    if sep.is_some() {
        sample.lines.iter_mut().for_each(|l| *l += 1);
    }
    Ok(Detection {
        sep_line: sep.is_some(),
        format,
        compression,
        charset,
        delimiter,
        quote,
        header,
        line_ending,
        sample,
        notes,
    })
}

/// More lines end with a carriage return alone than with a line feed (old Mac line ends).
fn cr_line_ends(bytes: &[u8]) -> bool {
    let lf = memchr::memchr_iter(b'\n', bytes).count();
    let bare_cr = memchr::memchr_iter(b'\r', bytes)
        .filter(|&i| bytes.get(i + 1) != Some(&b'\n'))
        .count();
    bare_cr > lf
}

/// A head that starts a JSON array of objects: `[`, then `{` (or `]`: an empty array).
fn looks_like_json_array(text: &str) -> bool {
    let rest = text
        .trim_start()
        .strip_prefix('[')
        .unwrap_or("")
        .trim_start();
    rest.starts_with('{') || rest.starts_with(']')
}

/// How the head is stored: compressed or not, and its charset.
fn encoding_detected(
    head: &super::decode::DecodedHead,
) -> (Detected<Compression>, Detected<String>) {
    let compression = match head.compression {
        Compression::Gzip => Detected::new(
            Compression::Gzip,
            Confidence::High,
            "starts with the gzip magic bytes 1f 8b",
        ),
        Compression::None => Detected::new(Compression::None, Confidence::High, "not gzip"),
    };
    let charset = Detected::new(
        "UTF-8".to_string(),
        Confidence::High,
        if head.had_bom {
            "valid UTF-8 with a byte-order mark"
        } else {
            "valid UTF-8"
        },
    );
    (compression, charset)
}

/// The head's text, whole lines only when the head is not the whole file.
fn whole_lines(head: &super::decode::DecodedHead) -> Result<&str, ReadProblem> {
    // std::str::from_utf8 passed in decode_head up to a possibly cut last character.
    let text = match std::str::from_utf8(&head.bytes) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(&head.bytes[..e.valid_up_to()]).unwrap_or_default(),
    };
    if head.complete {
        return Ok(text);
    }
    match text.rfind('\n') {
        Some(end) => Ok(&text[..=end]),
        None => Err(ReadProblem::NoLineBreak {
            bytes: head.bytes.len() as u64,
        }),
    }
}

/// Excel's first line `sep=X`: the delimiter and the line's length (with its line break).
fn excel_sep_line(text: &str) -> Option<(u8, usize)> {
    let line_len = text.find('\n').map(|n| n + 1)?;
    let line = text[..line_len].trim_end_matches(['\r', '\n']);
    let rest = line.strip_prefix("sep=")?;
    (rest.len() == 1 && rest.is_ascii()).then(|| (rest.as_bytes()[0], line_len))
}

fn line_ending(text: &str) -> &'static str {
    let lf = text.matches('\n').count();
    let crlf = text.matches("\r\n").count();
    match (lf, crlf) {
        (0, _) => "none",
        (n, c) if c == n => "CRLF",
        (_, 0) => "LF",
        _ => "mixed",
    }
}

type CsvParts = (Detected<u8>, Detected<Option<u8>>, Detected<bool>, Sample);

/// One way to read the head: a delimiter, its quote symbol, and how consistently it splits lines.
struct Candidate {
    delimiter: u8,
    quote: Option<u8>,
    quote_seen: usize,
    /// The quote the lines are read with (the detected one, else `"` when none was seen).
    read_quote: Option<u8>,
    /// The most common number of fields, and the share of records that have it.
    fields: usize,
    share: f64,
}

/// Below this share of records with the common number of fields, the file is not read as CSV
/// with that delimiter at all; above it, the other records are ragged rows a scan skips.
const MIN_CONSISTENT_SHARE: f64 = 0.5;

fn detect_csv(
    text: &str,
    complete: bool,
    overrides: &Overrides,
    notes: &mut Vec<String>,
) -> Result<CsvParts, ReadProblem> {
    let best = best_candidate(text, overrides)?;
    let delimiter = delimiter_detected(&best, overrides);
    let quote = quote_detected(&best, overrides);
    let fields = best.fields;
    let rows = parse_csv(text, best.delimiter, best.read_quote);
    let rows = consistent_rows(rows, fields, best.delimiter, best.share, notes)?;
    let mut header = match overrides.has_header {
        Some(h) => Detected::given(h),
        None => detect_header(&rows),
    };
    let only_text_line = rows.len() == 1
        && rows[0]
            .1
            .iter()
            .all(|v| matches!(class(v), Class::Text | Class::Empty));
    if only_text_line && overrides.has_header.is_none() && !header.value {
        if complete {
            return Err(ReadProblem::HeaderOnly);
        }
        header = Detected::new(
            true,
            Confidence::Low,
            "the head holds one line of text before a longer record: taken as the header",
        );
    }
    let (columns, data) = split_header(rows, header.value, fields, notes);
    if data.is_empty() {
        if !complete {
            // A header and then a record longer than the head: a scan can still read the file.
            notes.push(format!(
                "the first record is longer than the {} preview: no sample rows, so nothing is suggested; label the columns yourself",
                crate::units::bytes(crate::source::HEAD_BYTES)
            ));
        } else {
            return Err(if header.value {
                ReadProblem::HeaderOnly
            } else {
                ReadProblem::Empty
            });
        }
    }
    let (lines, rows): (Vec<u64>, Vec<Vec<String>>) = data.into_iter().unzip();
    Ok((
        delimiter,
        quote,
        header,
        Sample {
            columns,
            rows,
            lines,
            complete,
        },
    ))
}

/// For each delimiter, its quote symbol and how consistently it splits the lines; the best one.
fn best_candidate(text: &str, overrides: &Overrides) -> Result<Candidate, ReadProblem> {
    let delimiters: Vec<u8> = match overrides.delimiter {
        Some(d) => vec![d],
        None => DELIMITERS.to_vec(),
    };
    let mut candidates = Vec::new();
    for &d in &delimiters {
        let (quote, quote_seen) = match overrides.quote {
            Some(q) => (q, 0),
            None => detect_quote(text, d),
        };
        let read_quote = quote.or(if quote_seen == 0 { Some(b'"') } else { None });
        // Only the widths of the records: the winner's values are read once it is known.
        let (counts, trailing) = record_widths(text, d, read_quote);
        let records: usize = counts.values().sum();
        if records == 0 {
            continue;
        }
        let (&fields, &n) = counts
            .iter()
            .max_by_key(|(len, n)| (**n, **len))
            .unwrap_or((&1, &0));
        // A trailing delimiter (an empty last field) on some rows is common: those rows have the
        // same fields.
        let n = n + trailing.get(&(fields + 1)).copied().unwrap_or(0);
        candidates.push(Candidate {
            delimiter: d,
            quote,
            quote_seen,
            read_quote,
            share: n as f64 / records as f64,
            fields,
        });
    }
    let pref = |d: u8| DELIMITERS.iter().position(|&x| x == d).unwrap_or(0);
    candidates
        .into_iter()
        .max_by(|a, b| {
            let key = |c: &Candidate| {
                (
                    (c.fields > 1) as u8,
                    (c.share * 100.0).round() as u32,
                    (c.delimiter != b' ') as u8,
                    c.fields,
                    usize::MAX - pref(c.delimiter),
                )
            };
            key(a).cmp(&key(b))
        })
        .ok_or(ReadProblem::Empty)
}

fn delimiter_detected(best: &Candidate, overrides: &Overrides) -> Detected<u8> {
    if overrides.delimiter.is_some() {
        Detected::given(best.delimiter)
    } else if best.fields <= 1 {
        Detected::new(
            best.delimiter,
            Confidence::Low,
            "no delimiter splits the lines: the file has one column",
        )
    } else if best.share >= 0.999 {
        Detected::new(
            best.delimiter,
            Confidence::High,
            format!(
                "{} splits every line into {} fields",
                delimiter_name(best.delimiter),
                best.fields
            ),
        )
    } else {
        Detected::new(
            best.delimiter,
            Confidence::Low,
            format!(
                "{} splits {:.0}% of lines into {} fields",
                delimiter_name(best.delimiter),
                best.share * 100.0,
                best.fields
            ),
        )
    }
}

fn quote_detected(best: &Candidate, overrides: &Overrides) -> Detected<Option<u8>> {
    match overrides.quote {
        Some(q) => Detected::given(q),
        None if best.quote_seen > 0 => Detected::new(
            best.quote,
            Confidence::High,
            format!(
                "{} value(s) in the head are quoted with {}",
                best.quote_seen,
                best.quote.map(|q| q as char).unwrap_or('"')
            ),
        ),
        None => Detected::new(
            Some(b'"'),
            Confidence::Low,
            "no quoted values in the head; \" is the usual quote symbol",
        ),
    }
}

/// The records with the common number of fields. A few ragged ones are left out of the sample and
/// noted (a scan skips them and counts them); a ragged first line (the header) or a file where
/// most lines disagree cannot be read with this delimiter.
fn consistent_rows(
    rows: Vec<(u64, Vec<String>)>,
    fields: usize,
    delimiter: u8,
    share: f64,
    notes: &mut Vec<String>,
) -> Result<Vec<(u64, Vec<String>)>, ReadProblem> {
    // A trailing delimiter leaves an empty last field: the row has the same fields without it.
    let mut rows = rows;
    for (_, r) in rows.iter_mut() {
        if r.len() == fields + 1 && r.last().is_some_and(|f| f.trim().is_empty()) {
            r.pop();
        }
    }
    let ragged = |(line, r): &(u64, Vec<String>)| ReadProblem::Ragged {
        line: *line,
        fields: r.len(),
        expected: fields,
        delimiter,
    };
    if let Some(first) = rows.first()
        && first.1.len() != fields
    {
        return Err(ragged(first));
    }
    let odd: Vec<&(u64, Vec<String>)> = rows.iter().filter(|(_, r)| r.len() != fields).collect();
    if let Some(first) = odd.first() {
        if share < MIN_CONSISTENT_SHARE {
            return Err(ragged(first));
        }
        notes.push(format!(
            "{} of {} lines in the head have another number of fields than {fields} (first: line {}); a scan skips such rows and counts them",
            odd.len(),
            rows.len(),
            first.0
        ));
    }
    Ok(rows
        .into_iter()
        .filter(|(_, r)| r.len() == fields)
        .collect())
}

/// The column names (from the header, or `column_N`) and the data rows. Empty names become
/// `column_N` and repeated names are noted: L4M needs every used column named once.
#[allow(clippy::type_complexity)]
fn split_header(
    rows: Vec<(u64, Vec<String>)>,
    has_header: bool,
    fields: usize,
    notes: &mut Vec<String>,
) -> (Vec<String>, Vec<(u64, Vec<String>)>) {
    if !has_header {
        return ((1..=fields).map(|i| format!("column_{i}")).collect(), rows);
    }
    let mut it = rows.into_iter();
    let names: Vec<String> = it
        .next()
        .map(|(_, r)| r)
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            if n.trim().is_empty() {
                notes.push(format!(
                    "column {} has no name in the header: called column_{}",
                    i + 1,
                    i + 1
                ));
            }
            super::header_name(i, &n)
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    for n in &names {
        if !seen.insert(n.as_str()) {
            notes.push(format!(
                "the header names {n:?} more than once: only the first is read by name"
            ));
        }
    }
    (names, it.collect())
}

/// Which quote symbol encloses fields: count `"` and `'` at the start of a field.
fn detect_quote(text: &str, delimiter: u8) -> (Option<u8>, usize) {
    let mut seen = [0usize; 2];
    for line in text.lines().take(500) {
        let bytes = line.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            let at_field_start = i == 0 || bytes[i - 1] == delimiter;
            if at_field_start {
                if b == b'"' {
                    seen[0] += 1;
                } else if b == b'\'' {
                    seen[1] += 1;
                }
            }
        }
    }
    match seen {
        [0, 0] => (Some(b'"'), 0),
        [d, s] if d >= s => (Some(b'"'), d),
        [_, s] => (Some(b'\''), s),
    }
}

/// How many records of `text` have each number of fields, read as [`parse_csv`] reads them; and
/// of those, how many end with an empty field (a trailing delimiter).
fn record_widths(
    text: &str,
    delimiter: u8,
    quote: Option<u8>,
) -> (HashMap<usize, usize>, HashMap<usize, usize>) {
    let mut reader = super::csv_builder(delimiter, quote).from_reader(text.as_bytes());
    let mut counts = HashMap::new();
    let mut trailing = HashMap::new();
    let mut record = csv::ByteRecord::new();
    while let Ok(true) = reader.read_byte_record(&mut record) {
        *counts.entry(record.len()).or_default() += 1;
        if record.len() > 1
            && record
                .iter()
                .next_back()
                .is_some_and(|f| super::strip_cr(f).is_empty())
        {
            *trailing.entry(record.len()).or_default() += 1;
        }
    }
    (counts, trailing)
}

fn parse_csv(text: &str, delimiter: u8, quote: Option<u8>) -> Vec<(u64, Vec<String>)> {
    let mut reader = super::csv_builder(delimiter, quote).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    while let Ok(true) = reader.read_record(&mut record) {
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        // See `csv_builder`: a CRLF line leaves its `\r` on the last field.
        rows.push((
            line,
            record
                .iter()
                .map(|f| f.strip_suffix('\r').unwrap_or(f).to_string())
                .collect(),
        ));
    }
    rows
}

/// What a value looks like, for telling a header from data.
#[derive(PartialEq, Clone, Copy)]
enum Class {
    Empty,
    Number,
    Temporal,
    Text,
}

fn class(s: &str) -> Class {
    let s = s.trim();
    if s.is_empty() {
        return Class::Empty;
    }
    if looks_numeric(s) {
        return Class::Number;
    }
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    if s.as_bytes()[0].is_ascii_digit() && digits >= 4 && s.contains(['-', '/', ':']) {
        return Class::Temporal;
    }
    Class::Text
}

/// A decimal number as data files write them (no `inf`, `nan` or hex).
pub fn looks_numeric(s: &str) -> bool {
    let s = s.trim();
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    !body.is_empty()
        && body.bytes().any(|b| b.is_ascii_digit())
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && s.parse::<f64>().is_ok()
}

fn detect_header(rows: &[(u64, Vec<String>)]) -> Detected<bool> {
    let Some((_, first)) = rows.first() else {
        return Detected::new(false, Confidence::None, "no lines");
    };
    let rest = &rows[1..];
    let typed_first: Vec<usize> = (0..first.len())
        .filter(|&j| matches!(class(&first[j]), Class::Number | Class::Temporal))
        .collect();
    if !typed_first.is_empty() {
        return Detected::new(
            false,
            Confidence::High,
            format!(
                "the first line holds data values (e.g. {:?})",
                first[typed_first[0]]
            ),
        );
    }
    // A column whose values are numbers or times below a text first line is the clearest sign.
    for (j, name) in first.iter().enumerate() {
        if name.trim().is_empty() {
            continue;
        }
        let classes: Vec<Class> = rest
            .iter()
            .filter_map(|(_, r)| r.get(j).map(|v| class(v)))
            .filter(|c| *c != Class::Empty)
            .collect();
        if !classes.is_empty()
            && classes
                .iter()
                .all(|c| matches!(c, Class::Number | Class::Temporal))
        {
            return Detected::new(
                true,
                Confidence::High,
                format!(
                    "the first line names the columns ({name:?} is text above values that are not)"
                ),
            );
        }
    }
    // Only text columns: a first line of distinct names that never occur again is probably a header.
    let distinct = {
        let mut f = first.clone();
        f.sort();
        f.dedup();
        f.len() == first.len()
    };
    let repeats = first
        .iter()
        .enumerate()
        .any(|(j, v)| rest.iter().any(|(_, r)| r.get(j) == Some(v)));
    if distinct && !repeats && !rest.is_empty() {
        Detected::new(
            true,
            Confidence::Low,
            "every column is text; the first line's values are distinct and never repeat below",
        )
    } else {
        Detected::new(
            false,
            Confidence::Low,
            "every column is text and the first line looks like data",
        )
    }
}

fn parse_jsonl(text: &str, complete: bool, notes: &mut Vec<String>) -> Result<Sample, ReadProblem> {
    let mut columns: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut objects = Vec::new();
    let mut nested: Vec<String> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let lineno = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| ReadProblem::NotJson {
                line: lineno,
                detail: e.to_string(),
            })?;
        let serde_json::Value::Object(map) = value else {
            return Err(ReadProblem::NotJsonObject { line: lineno });
        };
        let mut row: Vec<(usize, String)> = Vec::with_capacity(map.len());
        for (k, v) in map {
            let j = *index.entry(k.clone()).or_insert_with(|| {
                columns.push(k.clone());
                columns.len() - 1
            });
            if (v.is_object() || v.is_array()) && !nested.contains(&k) {
                nested.push(k.clone());
            }
            row.push((j, json_text(&v)));
        }
        objects.push((lineno, row));
    }
    if objects.is_empty() {
        return Err(ReadProblem::Empty);
    }
    if !nested.is_empty() {
        notes.push(format!(
            "nested values in {}: L4M reads flat objects only; these columns can only be ignored",
            nested.join(", ")
        ));
    }
    let mut sample = Sample {
        columns,
        complete,
        ..Sample::default()
    };
    for (line, row) in objects {
        let mut full = vec![String::new(); sample.columns.len()];
        for (j, v) in row {
            full[j] = v;
        }
        sample.rows.push(full);
        sample.lines.push(line);
    }
    Ok(sample)
}

/// A JSON value as the text a CSV would hold: strings bare, null empty, the rest as JSON.
pub fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff(text: &str) -> Detection {
        detect(text.as_bytes(), true, &Overrides::default()).unwrap()
    }

    const AWS: &str = "platform,marketplace,timestamp,views,revenue\r\npc_web,us,2020-10-01 00:00:00,298,89.39999999999999\r\npc_web,uk,2020-10-01 00:00:00,476,142.79999999999998\r\n";

    #[test]
    fn the_aws_sample_is_comma_separated_with_a_header_and_crlf() {
        let d = sniff(AWS);
        assert_eq!(d.format.value, FileFormat::Csv);
        assert_eq!(d.delimiter.value, b',');
        assert_eq!(d.delimiter.confidence, Confidence::High);
        assert!(d.header.value);
        assert_eq!(d.header.confidence, Confidence::High);
        assert_eq!(d.line_ending, "CRLF");
        assert_eq!(
            d.sample.columns,
            ["platform", "marketplace", "timestamp", "views", "revenue"]
        );
        assert_eq!(d.sample.rows.len(), 2);
        assert_eq!(d.sample.rows[1][3], "476");
        assert_eq!(d.sample.lines, [2, 3]);
    }

    #[test]
    fn each_delimiter_is_found() {
        for (d, name) in [(b'\t', "tab"), (b'|', "|"), (b';', ";"), (b' ', "space")] {
            let text = if d == b' ' {
                "ts views clicks\n2020 1 2\n2021 3 4\n".to_string()
            } else {
                format!(
                    "ts{0}views{0}clicks\n2020-10-01 00:00{0}1{0}2\n2020-10-01 01:00{0}3{0}4\n",
                    d as char
                )
            };
            let det = sniff(&text);
            assert_eq!(det.delimiter.value, d, "{name}");
            assert_eq!(det.sample.columns, ["ts", "views", "clicks"], "{name}");
        }
    }

    #[test]
    fn single_and_double_quotes_are_detected_and_unwrapped() {
        let d = sniff("name,city,n\n'Smith, J','Paris',1\n'Doe','Rome',2\n");
        assert_eq!(d.quote.value, Some(b'\''));
        assert_eq!(d.quote.confidence, Confidence::High);
        assert_eq!(d.sample.rows[0], ["Smith, J", "Paris", "1"]);
        let d = sniff("name,n\n\"Smith, J\",1\n\"Doe\",2\n");
        assert_eq!(d.quote.value, Some(b'"'));
        assert_eq!(d.sample.rows[0], ["Smith, J", "1"]);
    }

    #[test]
    fn a_file_without_header_gets_numbered_column_names() {
        let d = sniff("pc_web,us,2020-10-01 00:00:00,298\npc_web,uk,2020-10-01 00:00:00,476\n");
        assert!(!d.header.value);
        assert_eq!(d.header.confidence, Confidence::High);
        assert_eq!(
            d.sample.columns,
            ["column_1", "column_2", "column_3", "column_4"]
        );
        assert_eq!(d.sample.rows.len(), 2);
    }

    #[test]
    fn header_override_is_kept() {
        let over = Overrides {
            has_header: Some(false),
            ..Overrides::default()
        };
        let d = detect(AWS.as_bytes(), true, &over).unwrap();
        assert!(!d.header.value);
        assert_eq!(d.header.reason, "set by you");
        assert_eq!(d.sample.rows.len(), 3);
    }

    #[test]
    fn json_lines_keep_key_order_and_turn_values_into_text() {
        let d = sniff(
            "{\"a\": \"x\", \"n\": 3, \"f\": 1.5}\n{\"a\": \"y\", \"n\": null, \"extra\": true}\n",
        );
        assert_eq!(d.format.value, FileFormat::Jsonl);
        assert_eq!(d.sample.columns, ["a", "n", "f", "extra"]);
        assert_eq!(d.sample.rows[0], ["x", "3", "1.5", ""]);
        assert_eq!(d.sample.rows[1], ["y", "", "", "true"]);
    }

    #[test]
    fn a_few_ragged_rows_are_left_out_of_the_sample_and_noted() {
        let d = sniff("a,b,c\n1,2,3\n4,5\n6,7,8\n");
        assert_eq!(d.sample.rows, [["1", "2", "3"], ["6", "7", "8"]]);
        assert_eq!(d.sample.lines, [2, 4]);
        assert_eq!(
            d.notes,
            [
                "1 of 4 lines in the head have another number of fields than 3 (first: line 3); a scan skips such rows and counts them"
            ]
        );
    }

    #[test]
    fn an_excel_sep_line_names_the_delimiter_and_is_not_data() {
        let d = sniff("sep=;\r\nname;value\r\nx;1\r\ny;2\r\n");
        assert!(d.sep_line);
        assert_eq!(d.delimiter.value, b';');
        assert_eq!(d.sample.columns, ["name", "value"]);
        assert_eq!(d.sample.lines, [3, 4]);
    }

    #[test]
    fn empty_and_repeated_header_names_are_named_and_noted() {
        let d = sniff("ts,,v,v\n2020-01-01,a,1,2\n2020-01-02,b,3,4\n");
        assert_eq!(d.sample.columns, ["ts", "column_2", "v", "v"]);
        assert_eq!(
            d.notes,
            [
                "column 2 has no name in the header: called column_2",
                "the header names \"v\" more than once: only the first is read by name"
            ]
        );
    }

    #[test]
    fn a_first_record_longer_than_the_head_leaves_the_header_and_no_sample() {
        let mut text = String::from("ts,value\n2020-01-01 00:00:00,");
        text.push_str(&"9".repeat(2 << 20));
        let d = detect(&text.as_bytes()[..1 << 20], false, &Overrides::default()).unwrap();
        assert_eq!(d.sample.columns, ["ts", "value"]);
        assert!(d.sample.rows.is_empty());
        assert!(
            d.notes[0].starts_with("the first record is longer than the 1.0 MB preview"),
            "{:?}",
            d.notes
        );
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let e = |t: &str| detect(t.as_bytes(), true, &Overrides::default()).unwrap_err();
        assert_eq!(e(""), ReadProblem::Empty);
        assert_eq!(e("a,b,c\n"), ReadProblem::HeaderOnly);
        assert_eq!(
            e("a,b\n1,2,3\n4,5,6\n"),
            ReadProblem::Ragged {
                line: 1,
                fields: 2,
                expected: 3,
                delimiter: b','
            }
        );
        assert!(matches!(
            e("{\"a\": 1}\n{\"a\": \n"),
            ReadProblem::NotJson { line: 2, .. }
        ));
        assert_eq!(
            e("{\"a\": 1}\n[1]\n"),
            ReadProblem::NotJsonObject { line: 2 }
        );
    }

    #[test]
    fn a_cut_head_drops_its_partial_last_line() {
        let text = "a,n\nx,1\ny,2\nz,3";
        let d = detect(text.as_bytes(), false, &Overrides::default()).unwrap();
        assert_eq!(d.sample.rows.len(), 2);
        assert!(!d.sample.complete);
    }
}
