//! The case for l4m's hand-written CSV splitter, measured: records per 5-minute interval counted
//! with two Rust CSV readers instead, `csv-core` (the state machine under the `csv` crate) and
//! `simd-csv` (SIMD searching of structural bytes). `bench/compare.sh` times them beside l4m and
//! checks that they report the same figures.
//!
//! Each reads the file on one thread (neither crate splits a file between threads), takes the
//! `timestamp` column (named in the header), parses `yyyy-MM-dd HH:mm:ss` (UTC) with the same
//! hand-written parser, floors it to 5 minutes and counts the records per interval the way l4m
//! does for sorted data (a run of one interval is counted, then added at once). It prints the
//! figures `l4m coverage --json` prints: records, intervals with data / spanned / missing, and
//! the most records in one interval.
//!
//!   cargo run --release --example csv_peers -- csv-core|simd-csv FILE

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;

const COLUMN: &[u8] = b"timestamp";
const STEP: i64 = 300;
const BUFFER: usize = 1 << 20;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(reader), Some(path)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: csv_peers csv-core|simd-csv FILE");
        std::process::exit(2);
    };
    let file = File::open(path).unwrap_or_else(|e| fail(&format!("{path}: {e}")));
    let mut counts = Counts::default();
    match reader.as_str() {
        "csv-core" => with_csv_core(file, &mut counts),
        "simd-csv" => with_simd_csv(file, &mut counts),
        other => fail(&format!(
            "unknown reader {other:?}: use csv-core or simd-csv"
        )),
    }
    println!("{}", counts.report());
}

fn fail(why: &str) -> ! {
    eprintln!("csv_peers: {why}");
    std::process::exit(1);
}

/// Records per interval, and the records whose timestamp does not parse.
#[derive(Default)]
struct Counts {
    per_interval: HashMap<i64, u64>,
    run_key: Option<i64>,
    run: u64,
    skipped: u64,
}

impl Counts {
    fn record(&mut self, timestamp: Option<&[u8]>) {
        let Some(key) = timestamp.and_then(seconds).map(|s| s.div_euclid(STEP)) else {
            self.skipped += 1;
            return;
        };
        if self.run_key != Some(key) {
            self.flush();
            self.run_key = Some(key);
        }
        self.run += 1;
    }

    fn flush(&mut self) {
        if let Some(key) = self.run_key {
            *self.per_interval.entry(key).or_default() += self.run;
        }
        self.run = 0;
    }

    fn report(mut self) -> String {
        self.flush();
        let records: u64 = self.per_interval.values().sum();
        let with_data = self.per_interval.len() as u64;
        let spanned = match (
            self.per_interval.keys().min(),
            self.per_interval.keys().max(),
        ) {
            (Some(a), Some(b)) => (b - a + 1) as u64,
            _ => 0,
        };
        let most = self.per_interval.values().max().copied().unwrap_or(0);
        serde_json::json!({
            "records": records,
            "records_skipped": self.skipped,
            "intervals_with_data": with_data,
            "intervals_spanned": spanned,
            "intervals_missing": spanned - with_data,
            "max_records_per_interval": most,
        })
        .to_string()
    }
}

/// Seconds since 1970 of `yyyy-MM-dd HH:mm:ss` (UTC); `None` when it is not that.
fn seconds(v: &[u8]) -> Option<i64> {
    let &[
        y0,
        y1,
        y2,
        y3,
        b'-',
        m0,
        m1,
        b'-',
        d0,
        d1,
        b' ',
        h0,
        h1,
        b':',
        n0,
        n1,
        b':',
        s0,
        s1,
    ] = v
    else {
        return None;
    };
    let digits = [y0, y1, y2, y3, m0, m1, d0, d1, h0, h1, n0, n1, s0, s1];
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |a: u8, b: u8| i64::from(a - b'0') * 10 + i64::from(b - b'0');
    let (year, month, day) = (n(y0, y1) * 100 + n(y2, y3), n(m0, m1), n(d0, d1));
    let (hour, minute, second) = (n(h0, h1), n(n0, n1), n(s0, s1));
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    if second > 59 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The column of the timestamp in a header.
fn timestamp_column<'a>(mut fields: impl Iterator<Item = &'a [u8]>) -> usize {
    fields
        .position(|f| f == COLUMN)
        .unwrap_or_else(|| fail("the header has no timestamp column"))
}

/// csv-core: the push parser under the `csv` crate, fed 1 MiB at a time, fields unquoted into an
/// output buffer.
fn with_csv_core(mut file: File, counts: &mut Counts) {
    use csv_core::{ReadRecordResult, Reader};
    let mut reader = Reader::new();
    let mut input = vec![0u8; BUFFER];
    let (mut start, mut end) = (0, 0);
    let mut output = vec![0u8; 1 << 16];
    let mut ends = vec![0usize; 64];
    let (mut out_len, mut ends_len) = (0, 0);
    let mut column = None;
    loop {
        if start == end {
            end = file
                .read(&mut input)
                .unwrap_or_else(|e| fail(&e.to_string()));
            start = 0;
        }
        let (result, nin, nout, nend) = reader.read_record(
            &input[start..end],
            &mut output[out_len..],
            &mut ends[ends_len..],
        );
        start += nin;
        out_len += nout;
        ends_len += nend;
        match result {
            ReadRecordResult::InputEmpty => {}
            ReadRecordResult::OutputFull => output.resize(output.len() * 2, 0),
            ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
            ReadRecordResult::Record => {
                let field = |i: usize| {
                    let from = if i == 0 { 0 } else { ends[i - 1] };
                    (i < ends_len).then(|| &output[from..ends[i]])
                };
                match column {
                    None => column = Some(timestamp_column((0..ends_len).filter_map(field))),
                    Some(c) => counts.record(field(c)),
                }
                out_len = 0;
                ends_len = 0;
            }
            ReadRecordResult::End => return,
        }
    }
}

/// simd-csv's zero-copy reader: records and cell bounds found with SIMD searches, cells borrowed
/// from its buffer (the timestamp is unquoted only when it is quoted).
fn with_simd_csv(file: File, counts: &mut Counts) {
    let mut reader = simd_csv::ZeroCopyReaderBuilder::new()
        .buffer_capacity(BUFFER)
        .flexible(true)
        .from_reader(file);
    let headers = reader
        .byte_headers()
        .unwrap_or_else(|e| fail(&e.to_string()));
    let column = timestamp_column(headers.iter());
    while let Some(record) = reader
        .read_byte_record()
        .unwrap_or_else(|e| fail(&e.to_string()))
    {
        counts.record(record.unquote(column));
    }
}
