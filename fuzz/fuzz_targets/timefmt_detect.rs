//! Timestamp-format detection: `timefmt::detect` on the lines of arbitrary text, as a column's
//! sample values.
//!
//! Invariants: no panic, bounded time, and the figures it reports agree with each other: the
//! counts, the 80% rule, the first value that does not parse, HIGH only when every value parses,
//! and the chosen format parsing at least as many values as it claims.
#![no_main]

use l4m::schema::Confidence;
use l4m::schema::timefmt::detect;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let samples: Vec<&str> = text.split('\n').take(200).collect();
    let Some(d) = detect(&samples) else {
        return;
    };
    let values: Vec<&str> = samples
        .iter()
        .map(|s| s.trim_ascii())
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(d.total, values.len());
    assert!(d.parsed >= 1 && d.parsed <= d.total);
    assert!(d.parsed * 5 >= d.total * 4, "at least 80% parse");
    assert_eq!(d.first_unparsed.is_none(), d.parsed == d.total);
    if let Some(v) = &d.first_unparsed {
        assert!(values.contains(&v.as_str()));
    }
    if d.confidence == Confidence::High {
        assert_eq!(d.parsed, d.total);
    }
    let parse = values
        .iter()
        .filter(|v| d.format.parse(v).is_some())
        .count();
    assert!(
        parse >= d.parsed,
        "{} parses {parse}, claimed {}",
        d.format,
        d.parsed
    );
});
