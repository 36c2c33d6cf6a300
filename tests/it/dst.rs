//! Intervals follow the dataset's wall clock across daylight-saving changes, in every view: the
//! summary, the JSON slots and the text histogram agree, and histogram rows start at local
//! midnight (a day interval) whatever the offset that day.

use crate::common;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use common::synth::{self, Spec};
use common::*;
use l4m::schema::Frequency;

fn at(y: i32, m: u32, d: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
}

/// Coverage (JSON and text) of generated data written on `tz`'s wall clock.
fn coverage(
    frequency: Frequency,
    start: NaiveDateTime,
    intervals: usize,
    tz: Tz,
) -> (serde_json::Value, String, synth::Truth) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.csv");
    let mut s = Spec::ecommerce_hourly(intervals, 3);
    s.frequency = frequency;
    s.start = start;
    s.timezone = tz;
    s.rows_per_interval = 3;
    let mut out = Vec::new();
    let truth = synth::write(&s, &mut out).unwrap();
    std::fs::write(&path, out).unwrap();
    let args = ["--frequency", frequency.as_str(), "--timezone", tz.name()];
    let (code, v) = run_json(l4m().arg("coverage").arg(&path).arg("--json").args(args));
    assert_eq!(code, 0);
    let (code, text, _) = run(l4m().arg("coverage").arg(&path).args(args));
    assert_eq!(code, 0);
    (v, text, truth)
}

/// The histogram rows of the text output: (label, cells, "with/span").
fn rows(text: &str) -> Vec<(String, String, String)> {
    text.lines()
        .skip_while(|l| !l.starts_with("Records per interval"))
        .skip(1)
        .map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            (
                format!("{} {}", parts[0], parts[1]),
                parts[2].to_string(),
                parts[3].to_string(),
            )
        })
        .collect()
}

/// Every figure of the three views agrees: slots run 0..spanned, the text rows cover the span,
/// and the missing cells are the missing intervals.
fn assert_views_agree(v: &serde_json::Value, text: &str, truth: &synth::Truth) {
    assert_eq!(v["records"], truth.records);
    assert_eq!(v["intervals_with_data"], truth.intervals_with_data);
    assert_eq!(v["intervals_spanned"], truth.intervals_spanned);
    let spanned = v["intervals_spanned"].as_u64().unwrap();
    let slots: Vec<u64> = v["intervals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["slot"].as_u64().unwrap())
        .collect();
    assert_eq!(slots.first(), Some(&0));
    assert_eq!(slots.last(), Some(&(spanned - 1)));
    let rows = rows(text);
    let (with, span) = rows.iter().fold((0, 0), |(w, s), (_, _, ws)| {
        let (a, b) = ws.split_once('/').unwrap();
        (w + a.parse::<u64>().unwrap(), s + b.parse::<u64>().unwrap())
    });
    assert_eq!(span, spanned, "{text}");
    assert_eq!(with, v["intervals_with_data"].as_u64().unwrap(), "{text}");
}

#[test]
fn thirty_days_across_the_spring_change_in_new_york_are_thirty_local_days() {
    // The case: P1D from 2020-02-20 with America/New_York.
    let (v, text, truth) = coverage(
        Frequency::P1D,
        at(2020, 2, 20),
        30,
        chrono_tz::America::New_York,
    );
    assert_views_agree(&v, &text, &truth);
    assert_eq!(v["intervals_spanned"], 30);
    assert_eq!(v["intervals_missing"], 0);
    let rows = rows(&text);
    let labels: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        labels,
        [
            "2020-02-20 00:00",
            "2020-02-27 00:00",
            "2020-03-05 00:00",
            "2020-03-12 00:00",
            "2020-03-19 00:00"
        ]
    );
    assert!(rows.iter().all(|r| !r.1.contains('·')), "{text}");
}

#[test]
fn days_across_the_autumn_change_in_berlin_start_at_local_midnight() {
    let (v, text, truth) = coverage(
        Frequency::P1D,
        at(2020, 10, 20),
        14,
        chrono_tz::Europe::Berlin,
    );
    assert_views_agree(&v, &text, &truth);
    assert_eq!(v["intervals_missing"], 0);
    // The first interval starts at local midnight, 22:00 UTC in summer time.
    assert_eq!(v["first_interval"], "2020-10-19T22:00:00Z");
    assert!(rows(&text).iter().all(|r| r.0.ends_with("00:00")), "{text}");
}

#[test]
fn hours_across_both_changes_in_new_york_show_the_skipped_and_repeated_hour() {
    for (start, change) in [(at(2020, 3, 7), "spring"), (at(2020, 10, 31), "autumn")] {
        let (v, text, truth) = coverage(Frequency::PT1H, start, 72, chrono_tz::America::New_York);
        assert_views_agree(&v, &text, &truth);
        // 02:00 does not exist in spring; 01:00 comes twice in autumn and the generator writes
        // no record for an ambiguous hour: either way one wall-clock hour holds nothing.
        assert_eq!(v["intervals_missing"], 1, "{change}: {text}");
        let labels: Vec<String> = rows(&text).into_iter().map(|r| r.0).collect();
        assert!(
            labels.iter().all(|l| l.ends_with("00:00")),
            "{change}: {labels:?}"
        );
        assert_eq!(labels.len(), 3, "{change}");
    }
}

#[test]
fn hours_across_both_changes_in_berlin_agree_in_every_view() {
    for start in [at(2020, 3, 28), at(2020, 10, 24)] {
        let (v, text, truth) = coverage(Frequency::PT1H, start, 72, chrono_tz::Europe::Berlin);
        assert_views_agree(&v, &text, &truth);
        assert_eq!(v["intervals_missing"], 1, "{text}");
    }
}

#[test]
fn a_half_hour_zone_keeps_days_and_hours_on_its_clock() {
    let tz = chrono_tz::Asia::Kolkata;
    let (v, text, truth) = coverage(Frequency::P1D, at(2020, 10, 1), 20, tz);
    assert_views_agree(&v, &text, &truth);
    assert_eq!(v["first_interval"], "2020-09-30T18:30:00Z");
    assert_eq!(rows(&text)[0].0, "2020-10-01 00:00");
    let (v, text, truth) = coverage(Frequency::PT1H, at(2020, 10, 1), 48, tz);
    assert_views_agree(&v, &text, &truth);
    assert_eq!(v["first_interval"], "2020-09-30T18:30:00Z");
}
