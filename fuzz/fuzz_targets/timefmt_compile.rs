//! The timestamp-pattern parser: `TimeFormat::compile` on arbitrary text, then everything asked of
//! a compiled pattern: formatting extreme and ordinary times, its resolution, its offset and
//! 12-hour checks, and its fixed layout for each interval.
//!
//! Invariants: no panic, bounded time; a compiled pattern keeps its text; and for a pattern with a
//! fixed layout, every time it formats (years 1000-9999) fits that layout, since the scan's
//! shortcut relies on the layout describing the values exactly.
#![no_main]

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use l4m::schema::Frequency;
use l4m::schema::timefmt::TimeFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let pattern = String::from_utf8_lossy(data);
    let Ok(format) = TimeFormat::compile(&pattern) else {
        return;
    };
    assert_eq!(format.pattern(), pattern);
    let _ = (
        format.is_date_only(),
        format.resolution_seconds(),
        format.twelve_hour_without_marker(),
        format.has_offset(),
        format.to_string(),
    );
    let layouts: Vec<_> = Frequency::ALL
        .iter()
        .filter_map(|f| format.fixed_layout(f.seconds()))
        .collect();
    for t in times() {
        let text = format.format(t);
        let _ = format.parse(&text);
        let ordinary = (1000..=9999).contains(&t.year()) && t.nanosecond() < 1_000_000_000;
        for layout in &layouts {
            let _ = layout.fits(text.as_bytes());
            if ordinary {
                assert!(
                    layout.fits(text.as_bytes()),
                    "{pattern:?} formats {t} as {text:?}, which does not fit its own layout"
                );
            }
        }
    }
});

/// The edges of chrono's range, a leap second, and ordinary times in every hour of the day.
fn times() -> Vec<NaiveDateTime> {
    let at = |y, mo, d, h, mi, s, n| {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|date| date.and_hms_nano_opt(h, mi, s, n))
            .expect("a valid time")
    };
    let mut out = vec![
        NaiveDateTime::MIN,
        NaiveDateTime::MAX,
        at(1, 1, 1, 0, 0, 0, 0),
        at(1000, 1, 1, 0, 0, 0, 0),
        at(9999, 12, 31, 23, 59, 59, 999_999_999),
        at(2016, 12, 31, 23, 59, 59, 1_500_000_000),
        at(1970, 1, 1, 0, 0, 0, 0),
        at(2020, 2, 29, 12, 0, 0, 120_000_000),
    ];
    out.extend((0..24).map(|h| at(2023, 10, 29, h, (h * 7) % 60, (h * 13) % 60, h * 41_000_007)));
    out
}
