//! The interval of a dataset, from the spacing of its timestamps.

use super::Frequency;
use crate::format::Detected;
use crate::schema::Confidence;
use crate::schema::limits::Limit;

/// How the timestamps fill one interval length: intervals with data against the span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct IntervalFill {
    pub frequency: Frequency,
    pub intervals_with_data: u64,
    pub intervals_spanned: u64,
    pub intervals_missing: u64,
    /// Intervals with data reach L4M's minimum.
    pub meets_threshold: bool,
}

impl IntervalFill {
    /// How the intervals of `len` seconds that hold `keys` are filled; `keys` are interval keys
    /// of any finer length that divides `len` (or seconds), in any order.
    pub fn of(frequency: Frequency, keys: impl IntoIterator<Item = i64>) -> IntervalFill {
        let len = frequency.seconds();
        let mut slots: Vec<i64> = keys.into_iter().map(|k| k.div_euclid(len)).collect();
        slots.sort_unstable();
        slots.dedup();
        let with = slots.len() as u64;
        let spanned = match (slots.first(), slots.last()) {
            (Some(a), Some(b)) => (b - a + 1) as u64,
            _ => 0,
        };
        IntervalFill {
            frequency,
            intervals_with_data: with,
            intervals_spanned: spanned,
            intervals_missing: spanned - with,
            meets_threshold: with >= Limit::MinIntervals.value(),
        }
    }

    /// The share of the span's intervals that hold no data (0 for an empty span).
    pub fn missing_share(&self) -> f64 {
        if self.intervals_spanned == 0 {
            0.0
        } else {
            self.intervals_missing as f64 / self.intervals_spanned as f64
        }
    }
}

/// How every interval length is filled, in the order of [`Frequency::ALL`]; none without keys.
pub fn fill_by_interval(keys: &[i64]) -> Vec<IntervalFill> {
    if keys.is_empty() {
        return Vec::new();
    }
    Frequency::ALL
        .iter()
        .map(|f| IntervalFill::of(*f, keys.iter().copied()))
        .collect()
}

/// The interval at which a finer one's empty intervals are the data's cadence, not outages: the
/// chosen interval's missing share is above this, and at least twice a coarser one's.
pub const CADENCE_GAP_SHARE: f64 = 0.10;

/// The coarser interval that the data's cadence fills, when `chosen` leaves intervals empty only
/// because records are further apart than it: at least [`CADENCE_GAP_SHARE`] more of its
/// intervals are empty than of the coarser one's, and at least twice as many.
pub fn cadence_gap(
    fills: &[IntervalFill],
    chosen: Frequency,
) -> Option<(IntervalFill, IntervalFill)> {
    let here = *fills.iter().find(|f| f.frequency == chosen)?;
    let share = here.missing_share();
    fills
        .iter()
        .filter(|f| f.frequency > chosen && f.intervals_spanned > 1)
        .find(|f| {
            share - f.missing_share() >= CADENCE_GAP_SHARE && share >= 2.0 * f.missing_share()
        })
        .map(|coarser| (here, *coarser))
}

/// Steps longer than this many times the median step are outages, not the data's cadence.
const OUTAGE_FACTOR: i64 = 4;

/// Work out the interval from timestamps (seconds since the epoch, in any order, repeats allowed).
///
/// The interval is the finest that the data's own cadence fills: its length is at least the
/// steps between records (the longest of them, save the tenth that are longest, within a tenth,
/// so that a clock's jitter does not push it coarser), leaving out outages (steps over four times
/// the median), which leave gaps at every interval length.
pub fn detect_frequency(times: &[i64]) -> Detected<Option<Frequency>> {
    let mut t = times.to_vec();
    t.sort_unstable();
    t.dedup();
    if t.len() < 2 {
        return Detected::new(
            None,
            Confidence::None,
            "one distinct timestamp in the sample: the spacing cannot be seen; choose the interval",
        );
    }
    let mut steps: Vec<i64> = t.windows(2).map(|w| w[1] - w[0]).collect();
    steps.sort_unstable();
    let median = steps[steps.len() / 2];
    let outages = steps
        .iter()
        .filter(|s| **s > OUTAGE_FACTOR * median)
        .count();
    let cadence_steps = &steps[..steps.len() - outages];
    let cadence = cadence_steps[(cadence_steps.len() * 9 / 10).min(cadence_steps.len() - 1)];
    let fits = |f: &Frequency| f.seconds() * 10 >= cadence * 9;
    let chosen = Frequency::ALL
        .iter()
        .copied()
        .find(fits)
        .unwrap_or(Frequency::P1D);
    let regular = cadence_steps.iter().all(|s| *s == chosen.seconds());
    let confidence = if regular {
        Confidence::High
    } else {
        Confidence::Low
    };
    let fills = fill_by_interval(&t);
    Detected::new(
        Some(chosen),
        confidence,
        reason(chosen, cadence, outages, steps.len(), &fills),
    )
}

/// Why the interval was chosen: the data's step, and what the next finer interval would leave
/// empty.
fn reason(
    chosen: Frequency,
    cadence: i64,
    outages: usize,
    steps: usize,
    fills: &[IntervalFill],
) -> String {
    let mut out = if cadence <= chosen.seconds() {
        format!("records are {} apart", duration(cadence))
    } else {
        format!("records are about {} apart", duration(chosen.seconds()))
    };
    if let Some(finer) = Frequency::ALL.iter().rev().find(|f| **f < chosen) {
        let share = fills[finer.index()].missing_share();
        out.push_str(&format!(
            "; {} would leave {:.0}% of its intervals empty",
            finer.as_str(),
            share * 100.0
        ));
    }
    if cadence > 2 * chosen.seconds() {
        out.push_str(&format!(
            "; records are up to {} apart: some intervals stay empty",
            duration(cadence)
        ));
    }
    if outages > 0 {
        out.push_str(&format!(
            " ({outages} of {steps} steps are longer: outages, left out)"
        ));
    }
    out
}

/// A step in words: `30 min`, `2 h`, `45 s`, `1 day`.
fn duration(secs: i64) -> String {
    match secs {
        s if s % 86_400 == 0 => match s / 86_400 {
            1 => "1 day".to_string(),
            n => format!("{n} days"),
        },
        s if s % 3_600 == 0 => format!("{} h", s / 3_600),
        s if s % 60 == 0 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Timestamps from `start`, one per step of `steps` in turn, `n` of them.
    fn series(steps: &[i64], n: usize) -> Vec<i64> {
        let mut t = 1_700_000_000 - 1_700_000_000 % 86_400;
        (0..n)
            .map(|i| {
                let now = t;
                t += steps[i % steps.len()];
                now
            })
            .collect()
    }

    fn detected(times: &[i64]) -> (Option<Frequency>, Confidence) {
        let d = detect_frequency(times);
        (d.value, d.confidence)
    }

    #[test]
    fn each_interval_is_recognised_when_records_come_at_it() {
        for f in Frequency::ALL {
            let times = series(&[f.seconds()], 400);
            assert_eq!(detected(&times), (Some(f), Confidence::High), "{f}");
        }
    }

    #[test]
    fn a_series_every_30_minutes_gets_pt1h_which_it_fills() {
        let times = series(&[1_800], 2_000);
        assert_eq!(detected(&times), (Some(Frequency::PT1H), Confidence::Low));
        let d = detect_frequency(&times);
        assert_eq!(
            d.reason,
            "records are 30 min apart; PT10M would leave 67% of its intervals empty"
        );
    }

    #[test]
    fn outages_do_not_push_the_interval_coarser() {
        // Every 5 minutes for ten days, with six outages of three hours.
        let mut times = series(&[300], 2_880);
        for k in 1..=6 {
            let from = times[0] + k * 86_400 * 3 / 2;
            times.retain(|t| *t < from || *t >= from + 3 * 3_600);
        }
        assert_eq!(detected(&times), (Some(Frequency::PT5M), Confidence::High));
        // Hourly for sixty days, with a day-long outage.
        let mut hourly = series(&[3_600], 24 * 60);
        let from = hourly[0] + 20 * 86_400;
        hourly.retain(|t| *t < from || *t >= from + 86_400);
        let d = detect_frequency(&hourly);
        assert_eq!(
            (d.value, d.confidence),
            (Some(Frequency::PT1H), Confidence::High)
        );
        assert!(
            d.reason
                .ends_with("(1 of 1415 steps are longer: outages, left out)"),
            "{}",
            d.reason
        );
    }

    #[test]
    fn irregular_sensors_get_the_interval_their_longest_steps_fill() {
        let times = series(&[300, 600, 900], 3_000);
        assert_eq!(detected(&times), (Some(Frequency::PT1H), Confidence::Low));
        let fills = fill_by_interval(&times);
        assert_eq!(fills[Frequency::PT1H.index()].intervals_missing, 0);
        assert!(fills[Frequency::PT10M.index()].intervals_missing > 0);
    }

    #[test]
    fn a_clocks_jitter_keeps_the_interval() {
        // Every 10 minutes, a few seconds early or late.
        let mut t = 1_700_000_000;
        let times: Vec<i64> = (0..1_000)
            .map(|i| {
                t += 600;
                t + [0, 3, -2, 5, -4][i % 5]
            })
            .collect();
        assert_eq!(detected(&times).0, Some(Frequency::PT10M));
    }

    #[test]
    fn records_every_two_hours_get_a_day() {
        let times = series(&[7_200], 400);
        assert_eq!(detected(&times), (Some(Frequency::P1D), Confidence::Low));
    }

    #[test]
    fn finer_than_five_minutes_is_pt5m() {
        assert_eq!(
            detected(&series(&[60], 100)),
            (Some(Frequency::PT5M), Confidence::Low)
        );
    }

    #[test]
    fn a_single_timestamp_gives_no_interval() {
        let d = detect_frequency(&[5, 5, 5]);
        assert_eq!(d.value, None);
        assert_eq!(d.confidence, Confidence::None);
    }

    #[test]
    fn fills_count_the_intervals_with_data_of_each_length() {
        let times = series(&[1_800], 48 * 10);
        let fills = fill_by_interval(&times);
        let pt10m = fills[Frequency::PT10M.index()];
        assert_eq!(
            (
                pt10m.intervals_with_data,
                pt10m.intervals_spanned,
                pt10m.intervals_missing
            ),
            (480, 1_438, 958)
        );
        let pt1h = fills[Frequency::PT1H.index()];
        assert_eq!((pt1h.intervals_with_data, pt1h.intervals_missing), (240, 0));
        assert!(!pt1h.meets_threshold && pt10m.meets_threshold);
        let (here, coarser) = cadence_gap(&fills, Frequency::PT10M).unwrap();
        assert_eq!(
            (here.frequency, coarser.frequency),
            (Frequency::PT10M, Frequency::PT1H)
        );
        assert_eq!(cadence_gap(&fills, Frequency::PT1H), None);
    }
}
