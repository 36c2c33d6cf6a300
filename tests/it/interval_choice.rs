//! The interval `inspect` suggests, end to end from generated files (the sample of the file's head
//! is what is judged): series every 5, 10, 30 and 60 minutes, irregular sensors, and series with
//! long outages. Each test asserts the interval, its confidence and the figure it rests on
//! (`by_interval`: how many intervals of each length hold data, and how many are missing).

use crate::common;

use common::*;
use serde_json::Value;

/// A file `ts,v` with one record at each of `minutes` (minutes from 2024-01-01 00:00).
fn file_at(dir: &std::path::Path, minutes: &[i64]) -> String {
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let mut out = String::from("ts,v\n");
    for (k, m) in minutes.iter().enumerate() {
        let t = start + chrono::Duration::minutes(*m);
        out.push_str(&format!("{},{}\n", t.format("%Y-%m-%d %H:%M:%S"), k % 50));
    }
    let path = dir.join("series.csv");
    std::fs::write(&path, out).unwrap();
    path.to_str().unwrap().to_string()
}

/// Minutes from 0, `steps` taken in turn, `n` of them.
fn stepping(steps: &[i64], n: usize) -> Vec<i64> {
    let mut t = 0;
    (0..n)
        .map(|i| {
            let now = t;
            t += steps[i % steps.len()];
            now
        })
        .collect()
}

/// `inspect --json` of a file with records at `minutes`.
fn inspected(minutes: &[i64]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let f = file_at(dir.path(), minutes);
    let (code, v) = run_json(l4m().args(["inspect", &f, "--json"]));
    assert_eq!(code, 0, "{v}");
    v
}

/// (interval, confidence) suggested.
fn suggested(v: &Value) -> (&str, &str) {
    (
        v["frequency"].as_str().unwrap_or("none"),
        v["frequency_confidence"].as_str().unwrap(),
    )
}

/// (with data, missing) at one interval length of `by_interval`.
fn fill(v: &Value, frequency: &str) -> (u64, u64) {
    let b = v["by_interval"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["frequency"] == frequency)
        .unwrap_or_else(|| panic!("no {frequency} in {v}"));
    (
        b["intervals_with_data"].as_u64().unwrap(),
        b["intervals_missing"].as_u64().unwrap(),
    )
}

#[test]
fn a_series_every_5_10_or_60_minutes_gets_that_interval_with_none_empty() {
    for (step, want) in [(5, "PT5M"), (10, "PT10M"), (60, "PT1H")] {
        let v = inspected(&stepping(&[step], 1_000));
        assert_eq!(suggested(&v), (want, "HIGH"), "every {step} min: {v}");
        assert_eq!(fill(&v, want), (1_000, 0), "every {step} min");
    }
}

#[test]
fn a_series_every_30_minutes_gets_pt1h_where_pt10m_leaves_two_intervals_in_three_empty() {
    let v = inspected(&stepping(&[30], 1_000));
    assert_eq!(suggested(&v), ("PT1H", "LOW"));
    assert_eq!(fill(&v, "PT1H"), (500, 0));
    assert_eq!(fill(&v, "PT10M"), (1_000, 1_998));
    assert_eq!(
        v["frequency_reason"],
        "records are 30 min apart; PT10M would leave 67% of its intervals empty"
    );
}

#[test]
fn irregular_sensors_get_the_interval_their_longest_steps_fill() {
    // Steps of 5, 10 and 15 minutes in turn: 30 minutes every three records.
    let v = inspected(&stepping(&[5, 10, 15], 1_200));
    assert_eq!(suggested(&v), ("PT1H", "LOW"), "{v}");
    assert_eq!(fill(&v, "PT1H").1, 0, "every hour holds data");
    let (with, missing) = fill(&v, "PT5M");
    assert_eq!(with, 1_200);
    assert!(
        missing * 2 > with,
        "at PT5M most intervals are empty: {missing}"
    );
    assert!(fill(&v, "PT10M").1 > 0);
}

#[test]
fn long_outages_do_not_push_the_interval_coarser() {
    // Every 5 minutes for ten days, with six outages of three hours.
    let mut five: Vec<i64> = stepping(&[5], 2_880);
    for k in 1..=6 {
        let from = k * 36 * 60;
        five.retain(|m| *m < from || *m >= from + 180);
    }
    let v = inspected(&five);
    assert_eq!(suggested(&v), ("PT5M", "HIGH"), "{v}");
    assert_eq!(
        fill(&v, "PT5M"),
        (2_664, 216),
        "the outages are the only gaps"
    );
    // Hourly for sixty days, with a day-long outage.
    let mut hourly: Vec<i64> = stepping(&[60], 24 * 60);
    hourly.retain(|m| *m < 20 * 1_440 || *m >= 21 * 1_440);
    let v = inspected(&hourly);
    assert_eq!(suggested(&v), ("PT1H", "HIGH"), "{v}");
    assert_eq!(fill(&v, "PT1H"), (24 * 59, 24));
    assert!(
        v["frequency_reason"]
            .as_str()
            .unwrap()
            .ends_with("(1 of 1415 steps are longer: outages, left out)"),
        "{v}"
    );
}
