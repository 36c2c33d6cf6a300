//! From text bytes to records: which format a file is in, and reading its records as a stream.
//!
//! [`sniff`] looks at the head of one file (at most [`crate::source::HEAD_BYTES`]) and decides the
//! format, delimiter, quote symbol and header, each with a confidence and a reason. [`split`]
//! then finds the records of a buffer and the fields a scan reads, with that [`Dialect`], without
//! copying them.

pub mod decode;
pub mod sniff;
pub mod split;

use serde::{Serialize, Serializer};

pub use decode::Compression;
pub use sniff::{Detection, Overrides, Sample, detect};

pub use crate::detect::{Confidence, Detected};

/// The two record formats L4M reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    Csv,
    Jsonl,
}

impl std::str::FromStr for FileFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Ok(FileFormat::Csv),
            "jsonl" | "json" | "ndjson" | "json-lines" => Ok(FileFormat::Jsonl),
            _ => Err(format!("unknown format {s:?}: use csv or jsonl")),
        }
    }
}

/// Everything needed to read the records of a file: the settled outcome of detection and overrides.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dialect {
    pub format: FileFormat,
    pub compression: Compression,
    /// Field delimiter (CSV only).
    #[serde(serialize_with = "ser_byte")]
    pub delimiter: u8,
    /// Quote symbol (CSV only); `None` means values are never quoted.
    #[serde(serialize_with = "ser_opt_byte")]
    pub quote: Option<u8>,
    /// True when the first CSV line names the columns.
    pub has_header: bool,
    /// The file starts with Excel's `sep=X` line, which is skipped.
    pub sep_line: bool,
    /// Column names: from the header, from JSON keys, or `column_1`... when there is no header.
    pub columns: Vec<String>,
}

fn ser_byte<S: Serializer>(b: &u8, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&(*b as char).to_string())
}

fn ser_opt_byte<S: Serializer>(b: &Option<u8>, s: S) -> Result<S::Ok, S::Error> {
    match b {
        Some(b) => s.serialize_str(&(*b as char).to_string()),
        None => s.serialize_str(""),
    }
}

impl Dialect {
    /// The index of a column by name, exact match first, then ignoring ASCII case.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        find_column(self.columns.iter().map(String::as_str), name).ok()
    }

    /// The same, or an error that lists the columns.
    pub fn require_column(&self, name: &str) -> crate::Result<usize> {
        find_column(self.columns.iter().map(String::as_str), name)
    }
}

/// Find a column by name, exactly first, then ignoring ASCII case; the error lists the columns.
pub fn find_column<'a>(
    names: impl Iterator<Item = &'a str> + Clone,
    name: &str,
) -> crate::Result<usize> {
    names
        .clone()
        .position(|c| c == name)
        .or_else(|| names.clone().position(|c| c.eq_ignore_ascii_case(name)))
        .ok_or_else(|| crate::Error::UnknownColumn {
            name: name.to_string(),
            columns: names.map(str::to_string).collect(),
        })
}

/// The name of the `i`-th (0-based) column as a header gives it: trimmed, and `column_N` when it is
/// empty (pandas writes its index column without a name). Every reader of a header names columns
/// with this, so that a name detection gave is found again when a scan reads the header.
pub fn header_name(i: usize, raw: &str) -> String {
    let n = raw.trim();
    if n.is_empty() {
        format!("column_{}", i + 1)
    } else {
        n.to_string()
    }
}

/// The CSV reader settings of detection: records are taken raw (no header
/// handling, ragged rows allowed, so that we report them), and `\n` alone ends a record, which
/// keeps line numbers right in CRLF files (csv-core counts the `\n` of a CRLF into the next
/// record); the `\r` this leaves on a line's last field is trimmed with [`strip_cr`].
pub fn csv_builder(delimiter: u8, quote: Option<u8>) -> csv::ReaderBuilder {
    let mut builder = csv::ReaderBuilder::new();
    builder
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(256 * 1024);
    match quote {
        Some(q) => builder.quote(q),
        None => builder.quoting(false),
    };
    builder
}

/// A CSV field without the `\r` a CRLF line leaves on its last field (see [`csv_builder`]).
pub fn strip_cr(field: &[u8]) -> &[u8] {
    field.strip_suffix(b"\r").unwrap_or(field)
}

/// A delimiter as people say it: `,` `tab` `|` `space` `;`.
pub fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => "tab".into(),
        b' ' => "space".into(),
        other => (other as char).to_string(),
    }
}

/// Read a delimiter as a user types it: one character, or `tab`, `space`, `comma`, `pipe`, `\t`.
pub fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s.to_ascii_lowercase().as_str() {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        "space" | " " => Ok(b' '),
        "comma" => Ok(b','),
        "pipe" => Ok(b'|'),
        "semicolon" => Ok(b';'),
        _ if s.len() == 1 && s.is_ascii() && s != "\n" && s != "\r" => Ok(s.as_bytes()[0]),
        _ => Err(format!(
            "delimiter {s:?} is not one ASCII character: use one of , tab | space ;"
        )),
    }
}
