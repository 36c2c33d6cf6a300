//! Findings never judge a config by a scan made with other settings: a scan at one interval, then
//! an export at another, gives a `scan-stale` error instead of interval-count figures of the old
//! scan.

use crate::common;

use std::sync::Arc;

use chrono_tz::Tz;
use common::synth::Spec;
use l4m::config::ExportOptions;
use l4m::config::findings::{Context, review};
use l4m::coverage::{self, ScanControl, ScanSpec};
use l4m::format::Overrides;
use l4m::inspect;
use l4m::schema::Frequency;
use l4m::source::Location;
use l4m::source::local::LocalSource;

fn rules(options: &ExportOptions, frequency: Frequency, timezone: Tz) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hourly.csv");
    let mut out = Vec::new();
    common::synth::write(&Spec::ecommerce_hourly(48, 7), &mut out).unwrap();
    std::fs::write(&path, out).unwrap();
    let i = inspect::inspect(
        &LocalSource,
        &Location::Local(path),
        false,
        &Overrides::default(),
    )
    .unwrap();
    let spec = ScanSpec::from_labels(&i, &i.suggested, Some(frequency), timezone).unwrap();
    let c = coverage::scan(
        &LocalSource,
        &i.dataset,
        &i.dialect(),
        &spec,
        &Arc::new(ScanControl::default()),
    )
    .unwrap();
    let r = review(&Context {
        labels: &i.suggested,
        profiles: &i.profiles,
        dialect: &i.dialect(),
        coverage: Some(&c),
        options,
    });
    r.findings.iter().map(|f| f.rule.to_string()).collect()
}

#[test]
fn a_scan_at_another_interval_is_stale_and_not_judged() {
    let options = ExportOptions {
        frequency: Some(Frequency::P1D),
        ..ExportOptions::default()
    };
    let found = rules(&options, Frequency::PT1H, Tz::UTC);
    assert!(found.contains(&"scan-stale".to_string()), "{found:?}");
    assert!(!found.contains(&"interval-count".to_string()), "{found:?}");
}

#[test]
fn a_scan_in_another_timezone_is_stale() {
    let options = ExportOptions {
        frequency: Some(Frequency::PT1H),
        timezone: Tz::Europe__Berlin,
        ..ExportOptions::default()
    };
    let found = rules(&options, Frequency::PT1H, Tz::UTC);
    assert!(found.contains(&"scan-stale".to_string()), "{found:?}");
}

#[test]
fn a_scan_with_the_current_settings_is_judged() {
    let options = ExportOptions {
        frequency: Some(Frequency::PT1H),
        ..ExportOptions::default()
    };
    let found = rules(&options, Frequency::PT1H, Tz::UTC);
    assert!(!found.contains(&"scan-stale".to_string()), "{found:?}");
    // 48 hourly intervals are below the 285 a backtest needs: judged from this scan.
    assert!(found.contains(&"interval-count".to_string()), "{found:?}");
}
