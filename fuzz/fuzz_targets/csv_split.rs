//! The scan's CSV record reader, `format::split::CsvSplitter`, on arbitrary bytes.
//!
//! Input: a delimiter byte, a quote byte, then the data. Checks, besides no panic and bounded
//! time:
//! - every record's fields can be read, and there is at least one;
//! - the reader does not depend on where a read ended: a buffer cut before the end of a record
//!   needs more bytes, and any buffer that holds the whole record (with its line break) gives the
//!   same record and fields as the whole data (the scan reads files a block at a time);
//! - differential: every record gives the same fields as the `csv` crate set up as detection
//!   sets it up (`format::csv_builder`, CR trimmed with `format::strip_cr`), quoted or not
//!   (embedded delimiters, doubled quotes, quoted line breaks, CRLF), wherever both readers are
//!   at the same record boundary, up to the first quote left open at the end of the data (the
//!   `csv` crate reads the rest of the data as that record; the splitter skips its first line);
//! - an unclosed quote's line (`Split::Unclosed`) is the one a fresh splitter reading from its
//!   start to the end of the data gives, also when the splitter found it at its line break
//!   (after an earlier one, without reading to the end);
//! - the records split many at a time (`CsvSplitter::split_many`, the scan's hot path) are the
//!   records split one at a time, with the same kept fields and widths.
#![no_main]

use std::collections::{HashMap, HashSet};

use l4m::format::split::{Batch, CsvSplitter, Split};
use l4m::format::{csv_builder, strip_cr};
use libfuzzer_sys::fuzz_target;

const DELIMITERS: [u8; 5] = [b',', b'\t', b'|', b';', b' '];

type Fields = Vec<Vec<u8>>;

fuzz_target!(|data: &[u8]| {
    let Some((&[d, q], body)) = data.split_first_chunk::<2>() else {
        return;
    };
    let delimiter = match DELIMITERS.get(usize::from(d)) {
        Some(&d) => d,
        None => match d & 0x7f {
            b'\n' | b'\r' => b',',
            d => d,
        },
    };
    let quote = match q {
        0 => None,
        1 => Some(b'"'),
        2 => Some(b'\''),
        q => match q & 0x7f {
            b'\n' | b'\r' => None,
            q => Some(q),
        },
    };
    let records = split_all(body, delimiter, quote);
    many_like_one(body, delimiter, quote, &records);
    if quote != Some(delimiter) {
        compare_with_csv_crate(body, delimiter, quote, &records);
    }
});

/// A record as the scan reads it at the end of the data: start, end, fields, and whether it is an
/// unclosed quote's line.
struct Record {
    start: usize,
    end: usize,
    fields: Fields,
    unclosed: bool,
}

/// Every record of `body` as the scan reads it at the end of the data.
fn split_all(body: &[u8], delimiter: u8, quote: Option<u8>) -> Vec<Record> {
    let mut s = CsvSplitter::new(delimiter, quote);
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < body.len() {
        let rest = &body[pos..];
        let (len, unclosed) = match s.split(rest, true) {
            Split::Record { len } => (len, false),
            Split::Unclosed { len } => (len, true),
            Split::NeedMore => panic!("at the end of the data every record ends (at byte {pos})"),
        };
        assert!(
            len > 0 && len <= rest.len(),
            "record length {len} of {}",
            rest.len()
        );
        let fields = fields(&s, rest);
        if unclosed {
            assert!(quote.is_some(), "an unclosed quote without a quote symbol");
            let line = rest
                .iter()
                .position(|&b| b == b'\n')
                .map_or(rest.len(), |nl| nl + 1);
            assert_eq!(len, line, "an unclosed quote's record is its first line");
            // Read to the end of the data by a splitter that has not seen an earlier one.
            assert_eq!(
                CsvSplitter::new(delimiter, quote).split(rest, true),
                Split::Unclosed { len },
                "the unclosed quote at {pos}, read to the end"
            );
        } else {
            streams_alike(delimiter, quote, rest, len, &fields);
        }
        out.push(Record {
            start: pos,
            end: pos + len,
            fields,
            unclosed,
        });
        pos += len;
    }
    out
}

/// The records `split_many` gives, from every place a batch stops, against the ones split alone.
fn many_like_one(body: &[u8], delimiter: u8, quote: Option<u8>, records: &[Record]) {
    const KEEP: usize = 4;
    let many = CsvSplitter::new(delimiter, quote).keeping(KEEP);
    let mut batch = Batch::default();
    let mut pos = 0;
    for Record {
        start, end, fields, ..
    } in records
    {
        if *start < pos {
            continue;
        }
        pos = *start;
        let taken = many.split_many(&body[pos..], &mut batch, 1 + pos % 7);
        let Some(first) = batch.records().first() else {
            continue;
        };
        let first_record = &body[*start..*end];
        assert!(
            quote.is_none_or(|q| !first_record.contains(&q)),
            "a record split many at a time holds no quote"
        );
        assert_eq!(first.start, 0);
        assert_eq!(first.len as usize, end - start, "record at {start}");
        assert_eq!(first.width as usize, fields.len(), "record at {start}");
        for (i, f) in fields.iter().enumerate().take(KEEP) {
            assert_eq!(
                batch.field(&body[pos..], 0, i),
                Some(&f[..]),
                "field {i} at {start}"
            );
        }
        let last = batch.records().last().unwrap();
        assert_eq!(taken, (last.start + last.len) as usize);
    }
}

fn fields(s: &CsvSplitter, buf: &[u8]) -> Fields {
    assert!(s.width() >= 1, "a record has a field");
    assert!(s.field(buf, s.width()).is_none());
    (0..s.width())
        .map(|i| s.field(buf, i).expect("each field of the width").to_vec())
        .collect()
}

/// The record at the front of `rest` (of `len` bytes) read from buffers cut at other points.
fn streams_alike(delimiter: u8, quote: Option<u8>, rest: &[u8], len: usize, whole: &Fields) {
    let mut s = CsvSplitter::new(delimiter, quote);
    let ends_line = rest[len - 1] == b'\n';
    for cut in [0, 1, len / 2, len - 1] {
        if cut < len {
            assert_eq!(
                s.split(&rest[..cut], false),
                Split::NeedMore,
                "a buffer cut at {cut} of a {len}-byte record"
            );
        }
    }
    if !ends_line {
        // The last record of the data, without a line break: only the end of the data ends it.
        assert_eq!(s.split(rest, false), Split::NeedMore);
        return;
    }
    if len == rest.len() && s.split(rest, false) == Split::NeedMore {
        // The last record may be an unclosed quote that took the rest of the data: a reader
        // waits for more bytes, then reads it again at the end of the data.
        return;
    }
    for cut in [len, (len + 1).min(rest.len()), rest.len()] {
        let buf = &rest[..cut];
        assert_eq!(
            s.split(buf, false),
            Split::Record { len },
            "a buffer of {cut} bytes holding a {len}-byte record"
        );
        assert_eq!(&fields(&s, buf), whole, "the same fields from {cut} bytes");
    }
}

/// Every record against the csv crate, where both readers are in step, up to the first
/// unclosed quote.
fn compare_with_csv_crate(body: &[u8], delimiter: u8, quote: Option<u8>, records: &[Record]) {
    let mut reader = csv_builder(delimiter, quote).from_reader(body);
    let mut by_end: HashMap<usize, Fields> = HashMap::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) | Err(_) => break,
        }
        let end = reader.position().byte() as usize;
        let mut fields: Fields = record.iter().map(<[u8]>::to_vec).collect();
        if let Some(last) = fields.last_mut() {
            *last = strip_cr(last).to_vec();
        }
        by_end.insert(end, fields);
    }
    // Places where the csv crate is between records; it skips empty lines without a record.
    let mut in_step: HashSet<usize> = by_end.keys().copied().collect();
    // The csv crate drops a byte-order mark; a scan has dropped it before the splitter sees it.
    if !body.starts_with(b"\xef\xbb\xbf") {
        in_step.insert(0);
    }
    for r in records {
        if !in_step.contains(&r.start) {
            continue;
        }
        let bytes = &body[r.start..r.end];
        if r.unclosed {
            // The csv crate reads the rest of the data as this record; past it, the two differ.
            assert!(
                by_end.contains_key(&body.len()),
                "the csv crate ends an unclosed quote's record at the end of the data"
            );
            return;
        }
        if bytes == b"\n" {
            in_step.insert(r.end);
            continue;
        }
        let theirs = by_end.get(&r.end).unwrap_or_else(|| {
            panic!(
                "the csv crate has no record ending at {}; ours: {:?}",
                r.end,
                String::from_utf8_lossy(bytes)
            )
        });
        assert_eq!(
            &r.fields,
            theirs,
            "fields of {:?} (delimiter {:?}, quote {:?})",
            String::from_utf8_lossy(bytes),
            delimiter as char,
            quote.map(char::from)
        );
    }
}
