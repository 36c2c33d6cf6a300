//! The interval of a dataset, from the spacing of its timestamps.

use super::Frequency;
use crate::format::Detected;
use crate::schema::Confidence;

/// Work out the interval from timestamps (seconds since the epoch, in any order, repeats allowed).
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
    let diffs: Vec<i64> = t.windows(2).map(|w| w[1] - w[0]).collect();
    let gcd = diffs.iter().fold(0, |g, &d| gcd(g, d));
    let mode = {
        let mut sorted = diffs.clone();
        sorted.sort_unstable();
        let mut best = (sorted[0], 0);
        let mut run = (sorted[0], 0);
        for &d in &sorted {
            if d == run.0 {
                run.1 += 1;
            } else {
                run = (d, 1);
            }
            if run.1 > best.1 {
                best = run;
            }
        }
        best.0
    };
    let human = |secs: i64| {
        Frequency::ALL
            .iter()
            .find(|f| f.seconds() == secs)
            .map(|f| f.human())
    };
    if let Some(f) = Frequency::ALL.iter().copied().find(|f| f.seconds() == mode) {
        let multiples = diffs.iter().filter(|d| *d % mode == 0).count();
        let confidence = if multiples == diffs.len() {
            Confidence::High
        } else {
            Confidence::Low
        };
        let gaps = diffs.iter().filter(|d| **d > mode).count();
        let mut reason = format!(
            "{} of {} steps between distinct timestamps are {}",
            diffs.iter().filter(|d| **d == mode).count(),
            diffs.len(),
            f.human()
        );
        if gaps > 0 {
            reason.push_str(&format!(" ({gaps} longer: gaps)"));
        }
        if multiples < diffs.len() {
            reason.push_str(&format!(
                "; {} are not whole intervals",
                diffs.len() - multiples
            ));
        }
        return Detected::new(Some(f), confidence, reason);
    }
    if gcd < Frequency::PT5M.seconds() {
        return Detected::new(
            Some(Frequency::PT5M),
            Confidence::Low,
            format!(
                "timestamps are as close as {gcd} s: finer than 5 min, so records are aggregated into 5-minute intervals"
            ),
        );
    }
    // Steps that are all multiples of an interval (e.g. every 2 hours): take the largest fitting one.
    let fit = Frequency::ALL
        .iter()
        .rev()
        .copied()
        .find(|f| gcd % f.seconds() == 0)
        .unwrap_or(Frequency::PT5M);
    Detected::new(
        Some(fit),
        Confidence::Low,
        format!(
            "steps are multiples of {} s{}; {} is the largest interval that fits",
            gcd,
            human(gcd).map(|h| format!(" ({h})")).unwrap_or_default(),
            fit.human()
        ),
    )
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hourly_timestamps_with_a_gap_are_pt1h_with_high_confidence() {
        let times: Vec<i64> = [0, 0, 3600, 7200, 7200, 18000].to_vec();
        let d = detect_frequency(&times);
        assert_eq!(d.value, Some(Frequency::PT1H));
        assert_eq!(d.confidence, Confidence::High);
        assert_eq!(
            d.reason,
            "2 of 3 steps between distinct timestamps are 1 hour (1 longer: gaps)"
        );
    }

    #[test]
    fn each_interval_is_recognised() {
        for f in Frequency::ALL {
            let times: Vec<i64> = (0..10).map(|i| 1_600_000_000 + i * f.seconds()).collect();
            assert_eq!(detect_frequency(&times).value, Some(f));
        }
    }

    #[test]
    fn finer_than_five_minutes_is_low_confidence_pt5m() {
        let d = detect_frequency(&[0, 60, 120, 180]);
        assert_eq!(d.value, Some(Frequency::PT5M));
        assert_eq!(d.confidence, Confidence::Low);
    }

    #[test]
    fn every_two_hours_fits_pt1h_with_low_confidence() {
        let d = detect_frequency(&[0, 7200, 14400]);
        assert_eq!(d.value, Some(Frequency::PT1H));
        assert_eq!(d.confidence, Confidence::Low);
    }

    #[test]
    fn a_single_timestamp_gives_no_interval() {
        let d = detect_frequency(&[5, 5, 5]);
        assert_eq!(d.value, None);
        assert_eq!(d.confidence, Confidence::None);
    }
}
