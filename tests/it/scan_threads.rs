//! A scan gives the same report, to the byte of its JSON, whatever the number of threads and
//! wherever a file is split between them: plain CSV, CRLF with a byte-order mark, quoted fields,
//! quoted line breaks (before and after the head a split looks at), bad rows, JSON lines, gzip.

use crate::common;

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use common::synth::{self, Layout, Quote, Spec, TsStyle};
use l4m::coverage::{self, ScanControl, ScanSpec};
use l4m::format::Overrides;
use l4m::inspect;
use l4m::source::Location;
use l4m::source::local::LocalSource;

/// The coverage JSON of a file, and how many pieces were read.
fn scan(path: &Path, threads: usize, piece_bytes: u64) -> (String, usize) {
    let i = inspect::inspect(
        &LocalSource,
        &Location::Local(path.to_path_buf()),
        false,
        &Overrides::default(),
    )
    .expect("inspects");
    let mut spec = ScanSpec::from_labels(&i, &i.suggested, None, chrono_tz::UTC).expect("spec");
    spec.concurrency = threads;
    spec.piece_bytes = piece_bytes;
    let control = Arc::new(ScanControl::default());
    let c = coverage::scan(&LocalSource, &i.dataset, &i.dialect(), &spec, &control).unwrap();
    (
        serde_json::to_string(&c).unwrap(),
        control.pieces_done.load(Ordering::Relaxed),
    )
}

fn without_notes(json: &str) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    v.as_object_mut().unwrap().remove("notes");
    v
}

fn spec(intervals: usize, layout: Layout) -> Spec {
    let mut s = Spec::ecommerce_hourly(intervals, 11);
    s.gaps = vec![30..35, 90..91];
    s.session_id = true;
    s.layout = layout;
    s
}

fn csv(spec: &Spec) -> Vec<u8> {
    let mut out = Vec::new();
    synth::write(spec, &mut out).unwrap();
    out
}

/// Rows with a quoted line break in a text field, every `every` rows after byte `after`.
fn with_quoted_breaks(text: &[u8], after: usize, every: usize) -> Vec<u8> {
    let text = String::from_utf8(text.to_vec()).unwrap();
    let mut out = String::new();
    let mut at = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        if at > after && n % every == 0 && line.matches(',').count() >= 5 {
            // The session id (last column) becomes a quoted value with a line break in it.
            let (head, last) = line.trim_end().rsplit_once(',').unwrap();
            out.push_str(&format!("{head},\"{last}\nmore\"\n"));
        } else {
            out.push_str(line);
        }
        at += line.len();
    }
    out.into_bytes()
}

/// A ragged row and a bad timestamp every so often.
fn with_bad_rows(text: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(text.to_vec()).unwrap();
    let mut out = String::new();
    for (n, line) in text.split_inclusive('\n').enumerate() {
        out.push_str(line);
        if n > 0 && n % 997 == 0 {
            out.push_str("ragged,row\n");
        }
        if n > 0 && n % 1_499 == 0 {
            out.push_str("pc_web,us,not a time,1,2.5,x\n");
        }
    }
    out.into_bytes()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn datasets() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let plain = csv(&spec(600, Layout::csv()));
    let crlf_bom = csv(&spec(
        600,
        Layout::Csv {
            delimiter: b';',
            quote: Quote::Double,
            header: true,
            crlf: true,
            bom: true,
            timestamp: TsStyle::DEFAULT,
        },
    ));
    let jsonl = {
        let mut out = Vec::new();
        synth::write(
            &spec(
                600,
                Layout::JsonLines {
                    timestamp: TsStyle::IsoOffset,
                },
            ),
            &mut out,
        )
        .unwrap();
        out
    };
    let big = csv(&spec(1_900, Layout::csv()));
    vec![
        ("plain", "csv", plain.clone()),
        ("crlf-bom-quoted", "csv", crlf_bom),
        ("bad-rows", "csv", with_bad_rows(&plain)),
        (
            "quoted-breaks-in-head",
            "csv",
            with_quoted_breaks(&plain, 0, 7),
        ),
        (
            "quoted-breaks-after-head",
            "csv",
            with_quoted_breaks(&big, 1_100_000, 3),
        ),
        ("jsonl", "jsonl", jsonl),
        ("gzip", "csv.gz", gzip(&plain)),
    ]
}

#[test]
fn every_dataset_gives_the_same_json_whatever_the_threads_and_split_points() {
    let dir = tempfile::tempdir().unwrap();
    let mut split_somewhere = 0;
    for (name, ext, bytes) in datasets() {
        let path = dir.path().join(format!("{name}.{ext}"));
        std::fs::write(&path, &bytes).unwrap();
        let (one, pieces) = scan(&path, 1, u64::MAX);
        assert_eq!(pieces, 1, "{name}: one thread reads one piece");
        assert!(one.contains("\"records\":"), "{name}");
        // Split points at odd offsets, fixed and pseudo-random.
        let mut seed = 0x9e37_79b9_7f4a_7c15u64 ^ bytes.len() as u64;
        let mut settings = vec![(2, 997), (3, 4_096), (4, 65_536)];
        for _ in 0..2 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            settings.push((2 + (seed % 3) as usize, 500 + seed % 20_000));
        }
        for (threads, piece) in settings {
            let (many, pieces) = scan(&path, threads, piece);
            // Byte for byte against one thread with the same settings...
            let (single, _) = scan(&path, 1, piece);
            assert_eq!(
                many, single,
                "{name}: {threads} threads, pieces of {piece} bytes"
            );
            // ...and every figure against a scan that never splits (its notes aside: only a
            // file that could be split says why it was not).
            assert_eq!(
                without_notes(&many),
                without_notes(&one),
                "{name}: {threads} threads, pieces of {piece} bytes"
            );
            if pieces > 1 {
                split_somewhere += 1;
            }
        }
    }
    assert!(split_somewhere > 8, "files were split ({split_somewhere})");
}

#[test]
fn a_file_with_quoted_line_breaks_in_its_head_is_read_by_one_thread_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("breaks.csv");
    let plain = csv(&spec(600, Layout::csv()));
    std::fs::write(&path, with_quoted_breaks(&plain, 0, 7)).unwrap();
    let (json, pieces) = scan(&path, 4, 1_000);
    assert_eq!(pieces, 1);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v["notes"][0],
        "breaks.csv read by one thread: its values hold quoted line breaks"
    );
}

#[test]
fn bad_rows_are_counted_by_reason_with_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    let plain = csv(&spec(600, Layout::csv()));
    let bad = with_bad_rows(&plain);
    std::fs::write(&path, &bad).unwrap();
    let (json, _) = scan(&path, 2, 2_000);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let lines = String::from_utf8(plain).unwrap().lines().count();
    let ragged = (1..lines).filter(|n| n % 997 == 0).count();
    let bad_ts = (1..lines).filter(|n| n % 1_499 == 0).count();
    assert_eq!(v["records_skipped_by_reason"]["ragged"], ragged);
    assert_eq!(v["records_skipped_by_reason"]["bad-timestamp"], bad_ts);
    assert_eq!(v["records_skipped"], ragged + bad_ts);
    // The first ragged row follows input line 998 (the header is line 1).
    assert_eq!(v["skipped_examples"][0]["line"], 999);
    assert_eq!(
        v["skipped_examples"][0]["reason"],
        "has 2 fields, expected 6"
    );
}

#[test]
fn a_header_without_a_line_break_beside_a_data_file_is_judged_the_same_by_any_threads() {
    // Found by the `scan` fuzz target: a second file holding only a header of other names and no
    // line break was split between threads without its header being matched, so three threads
    // called it complete where one thread named it.
    let dir = tempfile::tempdir().unwrap();
    let good: String = (0..40)
        .map(|d| format!("2024-01-{:02} 00:00:00,{d}\n", 1 + d % 28))
        .collect();
    std::fs::write(dir.path().join("a.csv"), format!("timestamp,value\n{good}")).unwrap();
    std::fs::write(
        dir.path().join("b.csv"),
        b"other,names\0\0\0\0\0\0\0\0\0\0\0\0",
    )
    .unwrap();
    let (one, _) = scan(dir.path(), 1, 7);
    let (three, _) = scan(dir.path(), 3, 7);
    assert_eq!(one, three);
    let v: serde_json::Value = serde_json::from_str(&three).unwrap();
    let incomplete = v["incomplete_files"].as_array().unwrap();
    assert_eq!(incomplete.len(), 1, "{incomplete:?}");
    assert_eq!(incomplete[0]["file"], "b.csv");
    assert_eq!(v["records"], 40);
}

/// 420 rows after a header, hourly; the row at line 402 is `garbage,,,,"x`, whose quote stays
/// open to the end of the file (no other row has a quote). The last row's note is
/// lengthened by `pad` bytes, to move the middle of the file.
fn with_an_unclosed_quote_at_line_402(pad: usize) -> Vec<u8> {
    let mut out = String::from("timestamp,region,device,value,note\n");
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    for row in 0..420 {
        let line = row + 2;
        if line == 402 {
            out.push_str("garbage,,,,\"x\n");
            continue;
        }
        let t = start + chrono::Duration::hours(row);
        let region = ["us", "eu", "ap"][row as usize % 3];
        let more = if row == 419 {
            "x".repeat(pad)
        } else {
            String::new()
        };
        out.push_str(&format!(
            "{},{region},pc_web,{row}.5,note {row}{more}\n",
            t.format("%Y-%m-%d %H:%M:%S")
        ));
    }
    out.into_bytes()
}

/// The figures a scan of [`with_an_unclosed_quote_at_line_402`] must give.
fn assert_one_unclosed_quote_at_line_402(json: &str, what: &str) {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["records"], 419, "{what}: records");
    assert_eq!(v["records_skipped"], 1, "{what}: records_skipped");
    assert_eq!(
        v["records_skipped_by_reason"],
        serde_json::json!({"unclosed-quote": 1}),
        "{what}"
    );
    let examples = v["skipped_examples"].as_array().unwrap();
    assert_eq!(examples.len(), 1, "{what}: {examples:?}");
    assert_eq!(examples[0]["line"], 402, "{what}");
    assert_eq!(
        examples[0]["reason"], "a quote opened on this line is still open at the end of the file",
        "{what}"
    );
    // 420 hourly intervals spanned: the bad row's is missing.
    assert_eq!(v["intervals_with_data"], 419, "{what}");
    assert_eq!(v["intervals_spanned"], 420, "{what}");
}

#[test]
fn an_unclosed_quote_skips_its_own_line_and_the_rows_after_it_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("unclosed.csv");
    std::fs::write(&path, with_an_unclosed_quote_at_line_402(0)).unwrap();
    let (json, pieces) = scan(&path, 1, u64::MAX);
    assert_eq!(pieces, 1);
    assert_one_unclosed_quote_at_line_402(&json, "one thread");
}

#[test]
fn an_unclosed_quote_gives_the_same_answer_at_one_to_four_threads_and_any_pieces() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("unclosed.csv");
    let plain = with_an_unclosed_quote_at_line_402(0);
    let bad = plain.windows(8).position(|w| w == b"garbage,").unwrap();
    let bad_len = b"garbage,,,,\"x\n".len();
    // A piece boundary before the bad line, at its first byte, inside it, at its line break and
    // at the next line: the file is padded so that its middle falls there, and split in two.
    let mut settings = Vec::new();
    for boundary in [
        bad - 3,
        bad,
        bad + 1,
        bad + 7,
        bad + bad_len - 1,
        bad + bad_len,
    ] {
        let pad = 2 * boundary - plain.len();
        settings.push((
            with_an_unclosed_quote_at_line_402(pad),
            vec![boundary as u64],
        ));
    }
    // Tiny pieces, up to 8 a thread.
    settings.push((plain, (0..12).map(|k| 50 + k * 97).collect()));
    let mut split = 0;
    for (bytes, pieces) in settings {
        std::fs::write(&path, &bytes).unwrap();
        let (whole, _) = scan(&path, 1, u64::MAX);
        assert_one_unclosed_quote_at_line_402(&whole, "one thread");
        for threads in 1..=4 {
            for &piece in &pieces {
                let (json, n) = scan(&path, threads, piece);
                let what = format!(
                    "{threads} threads, pieces of {piece} of {} bytes",
                    bytes.len()
                );
                assert_one_unclosed_quote_at_line_402(&json, &what);
                assert_eq!(without_notes(&json), without_notes(&whole), "{what}");
                split += usize::from(n > 1);
            }
        }
    }
    assert!(split >= 50, "files were split ({split})");
}

#[test]
fn an_unclosed_quote_in_a_gzip_file_skips_its_own_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("unclosed.csv.gz");
    std::fs::write(&path, gzip(&with_an_unclosed_quote_at_line_402(0))).unwrap();
    for threads in 1..=4 {
        let (json, _) = scan(&path, threads, 97);
        assert_one_unclosed_quote_at_line_402(&json, &format!("gzip, {threads} threads"));
    }
}

#[test]
fn a_quote_still_open_past_the_record_limit_skips_its_own_line_as_too_long_at_any_threads() {
    // Past 8 MiB a scan stops looking for the quote's end: the line is skipped as too long, and
    // its reason says why a line of a few bytes is too long.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("open.csv");
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let note = "n".repeat(120);
    let mut text = String::from("timestamp,region,note\n");
    for row in 0..70_000 {
        if row == 400 {
            text.push_str("garbage,,\"x\n");
            continue;
        }
        let t = start + chrono::Duration::minutes(row);
        text.push_str(&format!("{},us,{note}\n", t.format("%Y-%m-%d %H:%M:%S")));
    }
    assert!(text.len() > 9 << 20, "{} bytes", text.len());
    std::fs::write(&path, &text).unwrap();
    let (one, _) = scan(&path, 1, u64::MAX);
    for (threads, piece) in [(2, 1 << 20), (3, 3_000_001)] {
        let (many, pieces) = scan(&path, threads, piece);
        assert!(pieces > 1, "{threads} threads");
        assert_eq!(
            without_notes(&many),
            without_notes(&one),
            "{threads} threads"
        );
    }
    let v: serde_json::Value = serde_json::from_str(&one).unwrap();
    assert_eq!(v["records"], 69_999);
    assert_eq!(
        v["records_skipped_by_reason"],
        serde_json::json!({"too-long": 1})
    );
    assert_eq!(v["skipped_examples"][0]["line"], 402);
    assert_eq!(
        v["skipped_examples"][0]["reason"],
        "a quote opened on this line is still open 8.4 MB later, more than a scan reads"
    );
}
