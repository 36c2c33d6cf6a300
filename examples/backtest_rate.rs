//! How many metric-intervals per second `l4m backtest`'s forest runs, on one thread and on all
//! cores: the engine alone (no reading), over generated metrics of known shape (a daily pattern
//! with noise, a few spikes). The README's figures come from this program.
//!
//! ```text
//! cargo run --release --no-default-features --example backtest_rate -- [METRICS] [INTERVALS]
//! ```
//!
//! Defaults: 20 metrics of 20,000 hourly intervals (400,000 metric-intervals).

use std::time::Instant;

use chrono::{DateTime, Utc};
use l4m::backtest::{self, Progress, Settings};
use l4m::coverage::{MetricValues, ValuePoint};
use l4m::schema::Aggregation;

fn metric(k: usize, intervals: usize) -> MetricValues {
    let start = DateTime::<Utc>::from_timestamp(1_600_000_000 / 3600 * 3600, 0).unwrap_or_default();
    let mut state = 0x9e37_79b9_7f4a_7c15u64 ^ k as u64;
    let mut noise = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as f64 / (1u64 << 31) as f64
    };
    let points = (0..intervals)
        .map(|i| {
            let day = (i as f64 * std::f64::consts::TAU / 24.0).sin();
            let mut v = 100.0 + 10.0 * k as f64 + 40.0 * day + 5.0 * noise();
            if i % 997 == 500 {
                v *= 3.0;
            }
            ValuePoint {
                start: start + chrono::Duration::hours(i as i64),
                value: Some(v),
                records: 1,
            }
        })
        .collect();
    let mut dimensions = serde_json::Map::new();
    dimensions.insert("metric".into(), format!("m{k}").into());
    MetricValues {
        dimensions,
        measure: "value".into(),
        aggregation: Aggregation::Sum,
        points,
    }
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().unwrap_or_else(|_| panic!("{a:?}: give numbers")))
        .collect();
    let metrics = args.first().copied().unwrap_or(20);
    let intervals = args.get(1).copied().unwrap_or(20_000);
    let all: Vec<MetricValues> = (0..metrics).map(|k| metric(k, intervals)).collect();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let total = (metrics * intervals) as f64;
    println!("{metrics} metrics x {intervals} intervals = {total} metric-intervals");
    let mut outputs = Vec::new();
    for threads in [1, cores] {
        let started = Instant::now();
        let out = backtest::run(
            &all,
            &Settings::default(),
            None,
            threads,
            &|| false,
            &Progress::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let secs = started.elapsed().as_secs_f64();
        let anomalies: usize = out.metrics.iter().map(|m| m.anomalies.len()).sum();
        println!(
            "{threads} thread(s): {secs:.2} s, {:.0} metric-intervals/s, {anomalies} anomalies",
            total / secs
        );
        outputs.push(serde_json::to_string(&out.metrics).unwrap_or_default());
    }
    println!(
        "same output on 1 and {cores} threads: {}",
        outputs.windows(2).all(|w| w[0] == w[1])
    );
}
