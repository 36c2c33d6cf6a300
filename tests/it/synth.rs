//! The synthetic dataset generator (tests/it/common/synth.rs) is itself checked: the truth it
//! promises is worked out by hand for small specs, and the bytes it writes agree with that truth.
// `gaps` is a list of ranges: a one-gap list is meant, not a range collected.
#![allow(clippy::single_range_in_vec_init)]

use crate::common;

use chrono::{DateTime, TimeZone, Utc};
use common::synth::*;
use std::fs;
use std::io::{self, Read};

fn utc(y: i32, mo: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, 0, 0).single().unwrap()
}

fn text(spec: &Spec) -> String {
    let mut out = Vec::new();
    let truth = write(spec, &mut out).unwrap();
    assert_eq!(truth, spec.truth());
    String::from_utf8(out).unwrap()
}

#[test]
fn truth_of_a_spec_with_gaps_is_worked_out_by_hand() {
    let mut spec = Spec::ecommerce_hourly(48, 1);
    spec.rows_per_interval = 5;
    // Slots 0..2 are empty (before the data), 10..15 and 20..22 are holes, 45..48 trail off.
    spec.gaps = vec![0..2, 10..15, 20..22, 45..60];
    let truth = spec.truth();
    // Data in 2..10 (8), 15..20 (5), 22..45 (23) = 36 slots; span 2..=44 = 43 slots.
    assert_eq!(
        truth,
        Truth {
            records: 36 * 5,
            intervals_spanned: 43,
            intervals_with_data: 36,
            intervals_missing: 7,
            first_interval: utc(2020, 10, 1, 2),
            last_interval: utc(2020, 10, 2, 20),
            longest_gap: 5,
            max_records_per_interval: 5,
            distinct_dimension_combinations: 5,
        }
    );
}

#[test]
fn a_spec_with_no_data_has_an_empty_truth() {
    let mut spec = Spec::ecommerce_hourly(4, 1);
    spec.gaps = vec![0..4];
    let truth = spec.truth();
    assert_eq!(truth.records, 0);
    assert_eq!(truth.intervals_spanned, 0);
    assert_eq!(truth.distinct_dimension_combinations, 0);
    assert_eq!(text(&spec).lines().count(), 1, "header only");
}

#[test]
fn written_row_count_equals_truth_records() {
    let mut spec = Spec::ecommerce_hourly(30, 7);
    spec.gaps = vec![3..5, 17..18];
    let t = text(&spec);
    let truth = spec.truth();
    assert_eq!(truth.records, 27 * 21);
    assert_eq!(t.lines().count() as u64, truth.records + 1);
}

#[test]
fn header_line_names_the_columns() {
    let mut spec = Spec::ecommerce_hourly(2, 7);
    let t = text(&spec);
    assert_eq!(
        t.lines().next().unwrap(),
        "platform,marketplace,timestamp,views,revenue"
    );
    assert!(
        t.lines()
            .nth(1)
            .unwrap()
            .starts_with("pc_web,us,2020-10-01 00:00:00,")
    );
    assert!(
        t.lines()
            .nth(21)
            .unwrap()
            .starts_with("mobile_app,jp,2020-10-01 00:00:00,")
    );
    assert!(
        t.lines()
            .nth(22)
            .unwrap()
            .starts_with("pc_web,us,2020-10-01 01:00:00,")
    );

    spec.session_id = true;
    let t = text(&spec);
    assert_eq!(
        t.lines().next().unwrap(),
        "platform,marketplace,timestamp,views,revenue,session_id"
    );
    let ids: std::collections::HashSet<&str> = t
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 42, "every row has its own session id");
    assert!(
        ids.iter()
            .all(|id| id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()))
    );
}

#[test]
fn revenue_has_two_decimals_and_views_are_integers() {
    let t = text(&Spec::ecommerce_hourly(24, 3));
    for line in t.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        assert!(f[3].parse::<u64>().is_ok(), "{line}");
        let (_, decimals) = f[4].split_once('.').unwrap();
        assert_eq!(decimals.len(), 2, "{line}");
    }
}

#[test]
fn crlf_and_bom_are_written_when_asked() {
    let mut spec = Spec::ecommerce_hourly(2, 7);
    spec.layout = Layout::Csv {
        delimiter: b';',
        quote: Quote::None,
        header: true,
        crlf: true,
        bom: true,
        timestamp: TsStyle::DEFAULT,
    };
    let mut out = Vec::new();
    write(&spec, &mut out).unwrap();
    assert_eq!(&out[..3], &[0xEF, 0xBB, 0xBF]);
    assert!(out[3..].starts_with(b"platform;marketplace;timestamp;views;revenue\r\n"));
    assert_eq!(out.windows(2).filter(|w| w == b"\r\n").count(), 43);
    assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 43);

    let plain = text(&Spec::ecommerce_hourly(2, 7));
    assert!(!plain.contains('\r'));
    assert!(!plain.starts_with('\u{feff}'));
}

#[test]
fn quoting_styles_quote_the_fields_they_say() {
    let mut spec = Spec::ecommerce_hourly(1, 7);
    spec.rows_per_interval = 1;
    spec.session_id = true;
    let with = |quote| {
        let mut s = spec.clone();
        s.layout = Layout::Csv {
            delimiter: b',',
            quote,
            header: true,
            crlf: false,
            bom: false,
            timestamp: TsStyle::DEFAULT,
        };
        text(&s)
    };
    let plain = with(Quote::None);
    let row: Vec<&str> = plain.lines().nth(1).unwrap().split(',').collect();
    let (views, revenue, id) = (row[3], row[4], row[5]);

    let double = with(Quote::Double);
    assert_eq!(
        double.lines().next().unwrap(),
        r#""platform","marketplace","timestamp","views","revenue","session_id""#
    );
    assert_eq!(
        double.lines().nth(1).unwrap(),
        format!(r#""pc_web","us","2020-10-01 00:00:00",{views},{revenue},"{id}""#)
    );
    let single = with(Quote::Single);
    assert_eq!(
        single.lines().nth(1).unwrap(),
        format!("'pc_web','us','2020-10-01 00:00:00',{views},{revenue},'{id}'")
    );
    let always = with(Quote::Always(b'"'));
    assert_eq!(
        always.lines().nth(1).unwrap(),
        format!(r#""pc_web","us","2020-10-01 00:00:00","{views}","{revenue}","{id}""#)
    );
}

#[test]
fn unix_timestamps_are_unquoted_numbers_under_text_quoting() {
    let mut spec = Spec::ecommerce_hourly(1, 7);
    spec.rows_per_interval = 1;
    spec.layout = Layout::Csv {
        delimiter: b'\t',
        quote: Quote::Double,
        header: false,
        crlf: false,
        bom: false,
        timestamp: TsStyle::UnixMillis,
    };
    let t = text(&spec);
    assert!(t.starts_with("\"pc_web\"\t\"us\"\t1601510400000\t"), "{t}");
    assert_eq!(TsStyle::UnixMillis.java(), "UNIX");
}

#[test]
fn a_delimiter_that_occurs_in_values_is_refused() {
    let mut spec = Spec::ecommerce_hourly(1, 7);
    spec.layout = Layout::Csv {
        delimiter: b' ',
        quote: Quote::None,
        header: true,
        crlf: false,
        bom: false,
        timestamp: TsStyle::DEFAULT,
    };
    let err = write(&spec, &mut Vec::new()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    spec.rows_per_interval = 0;
    assert!(spec.validate().is_err());
}

#[test]
fn json_lines_parse_and_have_the_expected_keys() {
    let mut spec = Spec::ecommerce_hourly(3, 9);
    spec.session_id = true;
    spec.layout = Layout::JsonLines {
        timestamp: TsStyle::IsoOffset,
    };
    let t = text(&spec);
    assert_eq!(t.lines().count(), 63);
    for (k, line) in t.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let obj = v.as_object().unwrap();
        let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "platform",
                "marketplace",
                "timestamp",
                "views",
                "revenue",
                "session_id"
            ]
        );
        assert!(obj["views"].is_u64());
        assert!(obj["revenue"].is_f64());
        let hour = k / 21;
        assert_eq!(obj["timestamp"], format!("2020-10-01T0{hour}:00:00Z"));
    }
    let first: serde_json::Value = serde_json::from_str(t.lines().next().unwrap()).unwrap();
    assert_eq!(first["platform"], "pc_web");
    assert_eq!(first["marketplace"], "us");

    spec.layout = Layout::JsonLines {
        timestamp: TsStyle::UnixSeconds,
    };
    let t = text(&spec);
    let first: serde_json::Value = serde_json::from_str(t.lines().next().unwrap()).unwrap();
    assert_eq!(first["timestamp"], 1_601_510_400u64);
}

#[test]
fn gzip_output_decompresses_to_the_plain_bytes() {
    let mut spec = Spec::ecommerce_hourly(50, 11);
    spec.gaps = vec![5..9];
    let mut plain = Vec::new();
    let t1 = write(&spec, &mut plain).unwrap();
    let mut gz = Vec::new();
    let t2 = write_gzip(&spec, &mut gz).unwrap();
    assert_eq!(t1, t2);
    assert_eq!(&gz[..2], &[0x1f, 0x8b]);
    let mut back = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut back)
        .unwrap();
    assert_eq!(back, plain);
}

#[test]
fn continuous_layout_creates_the_expected_folders() {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = Spec::ecommerce_hourly(26, 5);
    spec.gaps = vec![1..2];
    let truth = write_continuous(&spec, dir.path()).unwrap();
    assert_eq!(truth, spec.truth());
    let mut days: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    days.sort();
    assert_eq!(days, ["20201001", "20201002"]);
    let hours = fs::read_dir(dir.path().join("20201001")).unwrap().count();
    assert_eq!(hours, 23, "24 hours less the gap at 01:00");
    assert!(!dir.path().join("20201001/0100").exists());
    let file = dir.path().join("20201001/0000/20201001_000000.csv");
    let content = fs::read_to_string(&file).unwrap();
    assert_eq!(content.lines().count(), 22);
    assert!(
        dir.path()
            .join("20201002/0100/20201002_010000.csv")
            .exists()
    );
}

#[test]
fn daily_files_concatenate_to_the_same_rows_as_one_stream() {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = Spec::ecommerce_hourly(72, 5);
    spec.gaps = vec![20..30, 48..72];
    let truth = write_daily_files(&spec, dir.path()).unwrap();
    assert_eq!(truth, spec.truth());
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["2020-10-01.csv", "2020-10-02.csv"]);
    let mut rows = Vec::new();
    for n in &names {
        let t = fs::read_to_string(dir.path().join(n)).unwrap();
        rows.extend(t.lines().skip(1).map(str::to_owned));
    }
    let whole = text(&spec);
    let expected: Vec<String> = whole.lines().skip(1).map(str::to_owned).collect();
    assert_eq!(rows, expected);
}

#[test]
fn same_seed_gives_same_bytes_and_another_seed_does_not() {
    let mut spec = Spec::ecommerce_hourly(40, 123);
    spec.session_id = true;
    let a = text(&spec);
    assert_eq!(a, text(&spec));
    spec.seed = 124;
    assert_ne!(a, text(&spec));
}

#[test]
fn views_follow_a_daily_cycle() {
    let t = text(&Spec::ecommerce_hourly(24, 3));
    let views_at = |hour: usize| -> u64 {
        t.lines()
            .skip(1 + hour * 21)
            .take(21)
            .map(|l| l.split(',').nth(3).unwrap().parse::<u64>().unwrap())
            .sum()
    };
    assert!(views_at(20) > 2 * views_at(3));
}

#[test]
fn new_york_timestamps_are_wall_clock_and_truth_is_utc() {
    let mut spec = Spec::ecommerce_hourly(48, 2);
    spec.timezone = chrono_tz::America::New_York;
    spec.gaps = vec![0..1];
    let t = text(&spec);
    assert!(
        t.lines()
            .nth(1)
            .unwrap()
            .starts_with("pc_web,us,2020-10-01 01:00:00,")
    );
    let truth = spec.truth();
    assert_eq!(truth.first_interval, utc(2020, 10, 1, 5));
    assert_eq!(truth.last_interval, utc(2020, 10, 3, 3));

    spec.gaps.clear();
    assert_eq!(spec.truth().first_interval, utc(2020, 10, 1, 4));
    spec.rows_per_interval = 1;
    spec.layout = Layout::JsonLines {
        timestamp: TsStyle::IsoOffset,
    };
    let t = text(&spec);
    assert!(
        t.contains("\"timestamp\":\"2020-10-01T00:00:00-04:00\""),
        "{t}"
    );
}

#[test]
fn a_wall_time_that_dst_skips_or_repeats_is_a_gap() {
    // New York: 2020-03-08 02:00 does not exist, 2020-11-01 01:00 happens twice.
    let ny = chrono_tz::America::New_York;
    let mut spec = Spec::ecommerce_hourly(5, 2);
    spec.timezone = ny;
    spec.start = chrono::NaiveDate::from_ymd_opt(2020, 3, 8)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let truth = spec.truth();
    assert_eq!(truth.intervals_with_data, 4);
    assert_eq!(truth.intervals_missing, 1);
    assert_eq!(text(&spec).lines().count(), 1 + 4 * 21);

    spec.start = chrono::NaiveDate::from_ymd_opt(2020, 11, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let truth = spec.truth();
    assert_eq!(truth.intervals_with_data, 4);
    assert_eq!(truth.longest_gap, 1);
    assert_eq!(truth.last_interval, utc(2020, 11, 1, 9));
}

#[test]
fn writing_at_least_some_bytes_keeps_adding_intervals() {
    let spec = Spec::ecommerce_hourly(1, 4);
    let mut out = Vec::new();
    let (truth, slots) = write_at_least(&spec, &mut out, 100_000).unwrap();
    assert!(out.len() >= 100_000);
    assert!(slots > 1);
    let mut whole = spec.clone();
    whole.intervals = slots;
    assert_eq!(truth, whole.truth());
    assert_eq!(
        out.iter().filter(|&&b| b == b'\n').count() as u64,
        truth.records + 1
    );
    // One interval fewer would not have been enough.
    let mut fewer = spec.clone();
    fewer.intervals = slots - 1;
    let mut shorter = Vec::new();
    write(&fewer, &mut shorter).unwrap();
    assert!(shorter.len() < 100_000);
    assert!(out.starts_with(&shorter));
}
