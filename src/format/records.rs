//! Every record of a file, streamed: only the columns asked for are looked at, and nothing is kept
//! once the caller has seen it, so memory stays flat however large the file is.

use std::fmt;
use std::io::{BufRead, BufReader, Read};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::decode::decode_stream;
use super::{Dialect, FileFormat};

/// One record, seen through the projection the reader was opened with.
pub struct Row<'a> {
    /// 1-based line number where the record starts.
    pub line: u64,
    inner: RowInner<'a>,
}

enum RowInner<'a> {
    Csv(&'a csv::ByteRecord, &'a [usize]),
    Json(&'a [Option<String>]),
}

impl Row<'_> {
    /// The value of the `k`-th projected column; `None` when the record has no such field (a short
    /// CSV row, a missing or null JSON key) or the bytes are not UTF-8.
    pub fn get(&self, k: usize) -> Option<&str> {
        match &self.inner {
            RowInner::Csv(record, columns) => {
                let bytes = record.get(*columns.get(k)?)?;
                std::str::from_utf8(super::strip_cr(bytes)).ok()
            }
            RowInner::Json(values) => values.get(k)?.as_deref(),
        }
    }

    /// The raw bytes of the `k`-th projected column (CSV without the UTF-8 check; JSON as text).
    pub fn get_bytes(&self, k: usize) -> Option<&[u8]> {
        match &self.inner {
            RowInner::Csv(record, columns) => {
                let bytes = record.get(*columns.get(k)?)?;
                Some(super::strip_cr(bytes))
            }
            RowInner::Json(values) => values.get(k)?.as_deref().map(str::as_bytes),
        }
    }

    /// How many fields the record has (CSV); JSON records report the projection's width.
    pub fn width(&self) -> usize {
        match &self.inner {
            RowInner::Csv(record, _) => record.len(),
            RowInner::Json(values) => values.len(),
        }
    }
}

/// Streams the records of one file with a known [`Dialect`].
pub struct RecordReader {
    kind: Kind,
    /// This file's own header line (CSV with a header), read when the file is opened.
    header: Option<Vec<String>>,
}

enum Kind {
    Csv {
        reader: csv::Reader<Box<dyn Read + Send>>,
        record: csv::ByteRecord,
        columns: Vec<usize>,
    },
    Json {
        reader: Box<dyn BufRead + Send>,
        line: Vec<u8>,
        names: Vec<String>,
        values: Vec<Option<String>>,
        lineno: u64,
    },
}

impl RecordReader {
    /// Open a stream of the whole file (compressed or not), projecting the given column indexes of
    /// `dialect.columns`.
    pub fn open(
        stream: Box<dyn Read + Send>,
        dialect: &Dialect,
        columns: &[usize],
    ) -> std::io::Result<RecordReader> {
        let (text, _) = decode_stream(stream)?;
        let mut kind = match dialect.format {
            FileFormat::Csv => Kind::Csv {
                reader: super::csv_builder(dialect.delimiter, dialect.quote).from_reader(text),
                record: csv::ByteRecord::new(),
                columns: columns.to_vec(),
            },
            FileFormat::Jsonl => Kind::Json {
                reader: Box::new(BufReader::with_capacity(256 * 1024, text)),
                line: Vec::with_capacity(1024),
                names: columns
                    .iter()
                    .map(|&i| dialect.columns.get(i).cloned().unwrap_or_default())
                    .collect(),
                values: vec![None; columns.len()],
                lineno: 0,
            },
        };
        let mut header = None;
        if dialect.has_header
            && let Kind::Csv { reader, record, .. } = &mut kind
            && reader
                .read_byte_record(record)
                .map_err(|e| std::io::Error::other(e.to_string()))?
        {
            header = Some(
                record
                    .iter()
                    .map(|f| {
                        String::from_utf8_lossy(super::strip_cr(f))
                            .trim()
                            .to_string()
                    })
                    .collect(),
            );
        }
        Ok(RecordReader { kind, header })
    }

    /// The file's own header line, when the dialect has one (files of a folder may order their
    /// columns differently).
    pub fn header(&self) -> Option<&[String]> {
        self.header.as_deref()
    }

    /// Project other column indexes from now on (CSV): after matching this file's header.
    pub fn set_projection(&mut self, columns: Vec<usize>) {
        if let Kind::Csv { columns: c, .. } = &mut self.kind {
            *c = columns;
        }
    }

    /// Call `f` with every record, in order, until it returns `false`. A line that is not a JSON
    /// object is passed as a row whose [`Row::width`] is 0. Stops at the first read error (a cut or
    /// damaged stream) and returns it with the line where it happened.
    pub fn for_each(&mut self, mut f: impl FnMut(&Row<'_>) -> bool) -> Result<(), String> {
        match &mut self.kind {
            Kind::Csv {
                reader,
                record,
                columns,
            } => loop {
                match reader.read_byte_record(record) {
                    Ok(true) => {}
                    Ok(false) => return Ok(()),
                    Err(e) => {
                        let line = e.position().map(|p| p.line()).unwrap_or(0);
                        return Err(format!("read failed near line {line}: {e}"));
                    }
                }
                let line = record.position().map(|p| p.line()).unwrap_or(0);
                if !f(&Row {
                    line,
                    inner: RowInner::Csv(record, columns),
                }) {
                    return Ok(());
                }
            },
            Kind::Json {
                reader,
                line,
                names,
                values,
                lineno,
            } => loop {
                line.clear();
                let n = reader
                    .read_until(b'\n', line)
                    .map_err(|e| format!("read failed after line {lineno}: {e}"))?;
                if n == 0 {
                    return Ok(());
                }
                *lineno += 1;
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                values.iter_mut().for_each(|v| *v = None);
                let seed = Projection { names, values };
                let mut de = serde_json::Deserializer::from_slice(line);
                let ok = seed.deserialize(&mut de).is_ok() && de.end().is_ok();
                let width = if ok { values.len() } else { 0 };
                if !f(&Row {
                    line: *lineno,
                    inner: RowInner::Json(&values[..width]),
                }) {
                    return Ok(());
                }
            },
        }
    }
}

/// Deserializes one JSON object, keeping only the wanted keys as text.
struct Projection<'a> {
    names: &'a [String],
    values: &'a mut [Option<String>],
}

impl<'de> DeserializeSeed<'de> for Projection<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Projection<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match self.names.iter().position(|n| *n == key) {
                Some(i) => self.values[i] = map.next_value::<Scalar>()?.0,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// A JSON value as the text a CSV field would hold; objects and arrays become `{...}` / `[...]`.
struct Scalar(Option<String>);

impl<'de> de::Deserialize<'de> for Scalar {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar(Some(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_unit<E>(self) -> Result<Scalar, E> {
                Ok(Scalar(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar(Some("{...}".into())))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar(Some("[...]".into())))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{Compression, Dialect};

    fn dialect(format: FileFormat, columns: &[&str], header: bool) -> Dialect {
        Dialect {
            format,
            compression: Compression::None,
            delimiter: b',',
            quote: Some(b'"'),
            has_header: header,
            columns: columns.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn collect(text: &str, d: &Dialect, cols: &[usize]) -> Vec<(u64, Vec<Option<String>>)> {
        let mut reader = RecordReader::open(
            Box::new(std::io::Cursor::new(text.to_string().into_bytes())),
            d,
            cols,
        )
        .unwrap();
        let mut out = Vec::new();
        reader
            .for_each(|row| {
                out.push((
                    row.line,
                    (0..cols.len())
                        .map(|k| row.get(k).map(str::to_string))
                        .collect(),
                ));
                true
            })
            .unwrap();
        out
    }

    #[test]
    fn csv_rows_are_projected_and_numbered_by_line() {
        let d = dialect(FileFormat::Csv, &["a", "ts", "n"], true);
        let rows = collect(
            "a,ts,n\r\nx,\"2020-10-01, 00:00\",1\r\ny,t2\r\n",
            &d,
            &[1, 2],
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0],
            (2, vec![Some("2020-10-01, 00:00".into()), Some("1".into())])
        );
        assert_eq!(rows[1], (3, vec![Some("t2".into()), None]));
    }

    #[test]
    fn json_lines_are_projected_by_key() {
        let d = dialect(FileFormat::Jsonl, &["ts", "n", "tags"], false);
        let text = "{\"n\": 2.5, \"ts\": \"t1\", \"other\": [1]}\n\n{\"ts\": \"t2\", \"n\": null, \"tags\": {\"a\": 1}}\nnot json\n";
        let rows = collect(text, &d, &[0, 1, 2]);
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[0],
            (1, vec![Some("t1".into()), Some("2.5".into()), None])
        );
        assert_eq!(
            rows[1],
            (3, vec![Some("t2".into()), None, Some("{...}".into())])
        );
        assert_eq!(rows[2], (4, vec![None, None, None]));
    }
}
