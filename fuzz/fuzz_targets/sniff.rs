//! Format sniffing: `format::detect` and `format::decode::decode_head` on arbitrary bytes, as they
//! are or gzip-compressed (whole, or cut as a 1 MiB head of a larger object would be), with and
//! without the overrides a user can give.
//!
//! Input: four option bytes, then the file's bytes. Invariants: no panic, bounded time and
//! memory, a decoded head never longer than asked for, and a detection whose sample has one value
//! per column in every row (the profiles and the table view index rows by column).
#![no_main]

use std::io::Write;

use l4m::format::decode::decode_head;
use l4m::format::{FileFormat, Overrides, detect};
use l4m::schema::Labels;
use l4m::schema::profile::profile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&[flags, more, delimiter, cut], body)) = data.split_first_chunk::<4>() else {
        return;
    };
    let complete = flags & 1 != 0;
    let raw = if flags & 2 != 0 {
        let packed = gzip(body);
        // A head cut inside the gzip stream, as a ranged read of a large object gives it.
        let keep = if complete {
            packed.len()
        } else {
            packed.len() * (usize::from(cut) + 1) / 256
        };
        packed[..keep].to_vec()
    } else {
        body.to_vec()
    };
    let overrides = overrides(flags, more, delimiter);

    let max_out = 1 + usize::from(cut) * 64;
    if let Ok(head) = decode_head(&raw, complete, max_out) {
        assert!(
            head.bytes.len() <= max_out,
            "a head is at most what was asked for"
        );
    }

    let Ok(detection) = detect(&raw, complete, &overrides) else {
        return;
    };
    let sample = &detection.sample;
    assert_eq!(
        sample.rows.len(),
        sample.lines.len(),
        "a line number per row"
    );
    for row in &sample.rows {
        assert_eq!(
            row.len(),
            sample.columns.len(),
            "a value per column: {row:?}"
        );
    }
    assert!(
        sample.lines.windows(2).all(|w| w[0] < w[1]),
        "rows in file order"
    );
    let _ = detection.dialect();
    let profiles = profile(sample);
    assert_eq!(profiles.len(), sample.columns.len());
    let _ = Labels::suggest(&profiles);
});

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).expect("writing to memory");
    e.finish().expect("writing to memory")
}

/// The overrides a user could set: the format, any one-character delimiter the command line
/// accepts (ASCII, not a line break), the quote, the header.
fn overrides(flags: u8, more: u8, delimiter: u8) -> Overrides {
    let delimiter = match delimiter & 0x7f {
        b'\n' | b'\r' => b',',
        d => d,
    };
    Overrides {
        format: match (flags >> 2) & 3 {
            1 => Some(FileFormat::Csv),
            2 => Some(FileFormat::Jsonl),
            _ => None,
        },
        delimiter: match (flags >> 4) & 3 {
            1 => Some(delimiter),
            2 => Some(b','),
            3 => Some(b'\t'),
            _ => None,
        },
        has_header: match (flags >> 6) & 3 {
            1 => Some(true),
            2 => Some(false),
            _ => None,
        },
        quote: match more & 3 {
            1 => Some(None),
            2 => Some(Some(b'"')),
            3 => Some(Some(b'\'')),
            _ => None,
        },
    }
}
