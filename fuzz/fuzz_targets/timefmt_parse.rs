//! Timestamp parsing: a pattern and values, split at NUL bytes (`pattern\0value\0tail`), through
//! `TimeFormat::parse` and `TimeFormat::format`, and the scan's shortcut against the full parse.
//!
//! The shortcut: with a fixed layout, a scan parses a value only when its leading bytes (the
//! layout's prefix) differ from the last value parsed; a value that `fits` the layout and repeats
//! that prefix is given the same interval without parsing. The differential check: whenever
//! `fits(b)` holds and `b` repeats the prefix of a value `a` that parses, `b` parses too and falls
//! in the same interval. `b` is the tail glued to `a`'s prefix (so that most tries share a
//! prefix), and also the tail on its own.
//!
//! Invariants: no panic, bounded time, the differential check, and a parsed time that formats.
#![no_main]

use chrono::NaiveDateTime;
use l4m::schema::Frequency;
use l4m::schema::timefmt::{FixedLayout, ParsedTime, TimeFormat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == 0);
    let pattern = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let a = parts.next().unwrap_or_default();
    let tail = parts.next().unwrap_or_default();
    let Ok(format) = TimeFormat::compile(&pattern) else {
        return;
    };
    for value in [a, tail] {
        if let Some(t) = std::str::from_utf8(value)
            .ok()
            .and_then(|v| format.parse(v))
        {
            let _ = format.format(naive(t));
        }
    }
    for frequency in Frequency::ALL {
        if let Some(layout) = format.fixed_layout(frequency.seconds()) {
            let a = a.trim_ascii();
            let Some(prefix) = a.get(..layout.prefix()) else {
                continue;
            };
            let glued = [prefix, tail].concat();
            for b in [&glued[..], tail] {
                same_interval(&format, &layout, frequency, a, b.trim_ascii());
            }
        }
    }
});

/// The differential check of the shortcut, as the scan's interval cache applies it: `a` was
/// parsed (and cached because it fits), `b` is looked up by its prefix.
fn same_interval(
    format: &TimeFormat,
    layout: &FixedLayout,
    frequency: Frequency,
    a: &[u8],
    b: &[u8],
) {
    let n = layout.prefix();
    if !layout.fits(a) || !layout.fits(b) || a.get(..n) != b.get(..n) {
        return;
    }
    let Some(ta) = std::str::from_utf8(a).ok().and_then(|v| format.parse(v)) else {
        return;
    };
    let tb = std::str::from_utf8(b).ok().and_then(|v| format.parse(v));
    let show = |v: &[u8]| String::from_utf8_lossy(v).into_owned();
    let Some(tb) = tb else {
        panic!(
            "{:?} at {}: {:?} fits and shares the prefix of {:?}, but does not parse",
            format.pattern(),
            frequency.as_str(),
            show(b),
            show(a)
        );
    };
    assert!(
        matches!((ta, tb), (ParsedTime::Local(_), ParsedTime::Local(_))),
        "a fixed layout has no offset"
    );
    let len = frequency.seconds();
    let key = |t| naive(t).and_utc().timestamp().div_euclid(len);
    assert_eq!(
        key(ta),
        key(tb),
        "{:?} at {}: {:?} and {:?} share a prefix but not an interval",
        format.pattern(),
        frequency.as_str(),
        show(a),
        show(b)
    );
}

/// Wall-clock time as the scan keys intervals (offsets never occur in a fixed layout).
fn naive(t: ParsedTime) -> NaiveDateTime {
    match t {
        ParsedTime::Local(n) => n,
        ParsedTime::Instant(u) => u.naive_utc(),
    }
}
