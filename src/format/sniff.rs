//! Detection of a file's format from its head: CSV or JSON lines, delimiter, quote, header,
//! compression and charset, each with a confidence and a short reason.
//!
//! The service's own detector stopped at format and interval; this one also keeps the parsed head
//! as a [`Sample`] so that the schema layer can tell the columns apart.

use std::collections::HashMap;

use serde::Serialize;

use super::decode::{Compression, decode_head};
use super::{Detected, Dialect, FileFormat, delimiter_name};
use crate::error::ReadProblem;
use crate::schema::Confidence;

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
    // std::str::from_utf8 passed in decode_head up to a possibly cut last character.
    let mut text = match std::str::from_utf8(&head.bytes) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(&head.bytes[..e.valid_up_to()]).unwrap_or_default(),
    };
    if !head.complete {
        // The last line may be cut: keep whole lines only.
        match text.rfind('\n') {
            Some(end) => text = &text[..=end],
            None => {
                return Err(ReadProblem::NoLineBreak {
                    bytes: head.bytes.len() as u64,
                });
            }
        }
    }
    if text.trim().is_empty() {
        return Err(ReadProblem::Empty);
    }
    let line_ending = line_ending(text);

    let first_char = text.trim_start().chars().next().unwrap_or(' ');
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
    let (delimiter, quote, header, sample) = match format.value {
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
        FileFormat::Csv => detect_csv(text, head.complete, overrides)?,
    };
    Ok(Detection {
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

fn detect_csv(text: &str, complete: bool, overrides: &Overrides) -> Result<CsvParts, ReadProblem> {
    // For each delimiter, find its quote symbol and how consistently it splits the lines.
    struct Candidate {
        delimiter: u8,
        quote: Option<u8>,
        quote_seen: usize,
        rows: Vec<(u64, Vec<String>)>,
        fields: usize,
        share: f64,
    }
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
        let rows = parse_csv(
            text,
            d,
            quote.or(if quote_seen == 0 { Some(b'"') } else { None }),
        );
        if rows.is_empty() {
            continue;
        }
        let mut counts: HashMap<usize, usize> = HashMap::new();
        for (_, r) in &rows {
            *counts.entry(r.len()).or_default() += 1;
        }
        let (&fields, &n) = counts
            .iter()
            .max_by_key(|(len, n)| (**n, **len))
            .unwrap_or((&1, &0));
        candidates.push(Candidate {
            delimiter: d,
            quote,
            quote_seen,
            share: n as f64 / rows.len() as f64,
            rows,
            fields,
        });
    }
    let pref = |d: u8| DELIMITERS.iter().position(|&x| x == d).unwrap_or(0);
    let best = candidates
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
        .ok_or(ReadProblem::Empty)?;

    let delimiter = if overrides.delimiter.is_some() {
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
    };
    let quote = match overrides.quote {
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
    };

    let rows = best.rows;
    // Every record must have as many fields as the most common count: anything else means a
    // broken row or a wrong delimiter, and L4M would misread it.
    if let Some((line, r)) = rows.iter().find(|(_, r)| r.len() != best.fields) {
        return Err(ReadProblem::Ragged {
            line: *line,
            fields: r.len(),
            expected: best.fields,
            delimiter: best.delimiter,
        });
    }

    let header = match overrides.has_header {
        Some(h) => Detected::given(h),
        None => detect_header(&rows),
    };
    if rows.len() == 1 && overrides.has_header.is_none() && !header.value {
        let only_text = rows[0]
            .1
            .iter()
            .all(|v| matches!(class(v), Class::Text | Class::Empty));
        if only_text {
            return Err(ReadProblem::HeaderOnly);
        }
    }
    let (columns, data): (Vec<String>, Vec<(u64, Vec<String>)>) = if header.value {
        let mut it = rows.into_iter();
        let names = it.next().map(|(_, r)| r).unwrap_or_default();
        let names = names.into_iter().map(|n| n.trim().to_string()).collect();
        (names, it.collect())
    } else {
        (
            (1..=best.fields).map(|i| format!("column_{i}")).collect(),
            rows,
        )
    };
    if data.is_empty() {
        return Err(if header.value {
            ReadProblem::HeaderOnly
        } else {
            ReadProblem::Empty
        });
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
    fn bad_files_say_what_is_wrong() {
        let e = |t: &str| detect(t.as_bytes(), true, &Overrides::default()).unwrap_err();
        assert_eq!(e(""), ReadProblem::Empty);
        assert_eq!(e("a,b,c\n"), ReadProblem::HeaderOnly);
        assert_eq!(
            e("a,b,c\n1,2,3\n4,5\n6,7,8\n"),
            ReadProblem::Ragged {
                line: 3,
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
