//! The four interval lengths Lookout for Metrics supports (their limits are in [`super::limits`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How long one interval of a metric set is (`MetricSetFrequency` in the API model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Frequency {
    #[serde(rename = "PT5M")]
    PT5M,
    #[serde(rename = "PT10M")]
    PT10M,
    #[serde(rename = "PT1H")]
    PT1H,
    #[serde(rename = "P1D")]
    P1D,
}

/// One interval length's facts: the one list every face reads (the API name, the words, the
/// length, the other names the command line accepts). A new interval is a new variant above and a
/// new row here; the compiler points to every `match` on it.
#[derive(Debug)]
pub struct FrequencyRow {
    pub frequency: Frequency,
    /// The API name (`PT5M`).
    pub api: &'static str,
    /// A short human name (`5 min`).
    pub human: &'static str,
    /// The shortest name (`5m`), for key hints.
    pub short: &'static str,
    /// As an adjective (`5-minute`).
    pub adjective: &'static str,
    pub seconds: i64,
    /// Other names a user may type (lower case).
    pub aliases: &'static [&'static str],
}

/// Every interval length, shortest first, in the order of [`Frequency`]'s variants.
pub const FREQUENCIES: [FrequencyRow; 4] = [
    FrequencyRow {
        frequency: Frequency::PT5M,
        api: "PT5M",
        human: "5 min",
        short: "5m",
        adjective: "5-minute",
        seconds: 300,
        aliases: &["5m", "5min", "5 min"],
    },
    FrequencyRow {
        frequency: Frequency::PT10M,
        api: "PT10M",
        human: "10 min",
        short: "10m",
        adjective: "10-minute",
        seconds: 600,
        aliases: &["10m", "10min", "10 min"],
    },
    FrequencyRow {
        frequency: Frequency::PT1H,
        api: "PT1H",
        human: "1 hour",
        short: "1h",
        adjective: "1-hour",
        seconds: 3_600,
        aliases: &["1h", "60m", "hourly", "1 hour"],
    },
    FrequencyRow {
        frequency: Frequency::P1D,
        api: "P1D",
        human: "1 day",
        short: "1d",
        adjective: "1-day",
        seconds: 86_400,
        aliases: &["1d", "24h", "daily", "1 day"],
    },
];

impl Frequency {
    /// Every frequency, shortest first (the rows of [`FREQUENCIES`]).
    pub const ALL: [Frequency; FREQUENCIES.len()] = {
        let mut all = [Frequency::PT5M; FREQUENCIES.len()];
        let mut i = 0;
        while i < all.len() {
            all[i] = FREQUENCIES[i].frequency;
            i += 1;
        }
        all
    };

    /// This frequency's row of [`FREQUENCIES`].
    pub const fn row(self) -> &'static FrequencyRow {
        &FREQUENCIES[self as usize]
    }

    /// Its place in [`Frequency::ALL`] (0 for the shortest).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The API name (`PT5M`, `PT10M`, `PT1H`, `P1D`).
    pub const fn as_str(self) -> &'static str {
        self.row().api
    }

    /// A short human name: `5 min`, `10 min`, `1 hour`, `1 day`.
    pub const fn human(self) -> &'static str {
        self.row().human
    }

    /// The shortest name: `5m`, `10m`, `1h`, `1d`.
    pub const fn short(self) -> &'static str {
        self.row().short
    }

    /// As an adjective: `5-minute`, `1-day`.
    pub const fn adjective(self) -> &'static str {
        self.row().adjective
    }

    /// Length of one interval in seconds.
    pub const fn seconds(self) -> i64 {
        self.row().seconds
    }

    /// The API names as a choice: `PT5M, PT10M, PT1H or P1D`.
    pub fn choices() -> String {
        let names = Frequency::ALL.map(Frequency::as_str);
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => names.join(""),
        }
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Frequency {
    type Err = String;

    /// Accepts the API names and the other names of [`FREQUENCIES`] (`5m`, `hourly`, `daily`...).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        FREQUENCIES
            .iter()
            .find(|r| r.api.eq_ignore_ascii_case(&lower) || r.aliases.contains(&lower.as_str()))
            .map(|r| r.frequency)
            .ok_or_else(|| format!("unknown interval {s:?}: use {}", Frequency::choices()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rows_are_in_the_order_of_the_variants_and_read_back_from_every_name() {
        for (i, row) in FREQUENCIES.iter().enumerate() {
            assert_eq!(row.frequency.index(), i, "{} is row {i}", row.api);
            assert_eq!(row.api.parse::<Frequency>(), Ok(row.frequency));
            assert_eq!(
                row.api.to_lowercase().parse::<Frequency>(),
                Ok(row.frequency)
            );
            for a in row.aliases {
                assert_eq!(a.parse::<Frequency>(), Ok(row.frequency), "{a}");
            }
        }
        assert!(FREQUENCIES.windows(2).all(|w| w[0].seconds < w[1].seconds));
    }

    #[test]
    fn an_unknown_interval_names_every_choice() {
        assert_eq!(
            "PT7M".parse::<Frequency>(),
            Err("unknown interval \"PT7M\": use PT5M, PT10M, PT1H or P1D".to_string())
        );
    }
}
