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

impl Frequency {
    /// Every frequency, shortest first.
    pub const ALL: [Frequency; 4] = [
        Frequency::PT5M,
        Frequency::PT10M,
        Frequency::PT1H,
        Frequency::P1D,
    ];

    /// The API name (`PT5M`, `PT10M`, `PT1H`, `P1D`).
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::PT5M => "PT5M",
            Frequency::PT10M => "PT10M",
            Frequency::PT1H => "PT1H",
            Frequency::P1D => "P1D",
        }
    }

    /// A short human name: `5 min`, `10 min`, `1 hour`, `1 day`.
    pub fn human(self) -> &'static str {
        match self {
            Frequency::PT5M => "5 min",
            Frequency::PT10M => "10 min",
            Frequency::PT1H => "1 hour",
            Frequency::P1D => "1 day",
        }
    }

    /// Length of one interval in seconds.
    pub fn seconds(self) -> i64 {
        match self {
            Frequency::PT5M => 300,
            Frequency::PT10M => 600,
            Frequency::PT1H => 3_600,
            Frequency::P1D => 86_400,
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

    /// Accepts the API names and the obvious short forms (`5m`, `10min`, `1h`, `hourly`, `1d`, `daily`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Ok(match lower.as_str() {
            "pt5m" | "5m" | "5min" | "5 min" => Frequency::PT5M,
            "pt10m" | "10m" | "10min" | "10 min" => Frequency::PT10M,
            "pt1h" | "1h" | "60m" | "hourly" | "1 hour" => Frequency::PT1H,
            "p1d" | "1d" | "24h" | "daily" | "1 day" => Frequency::P1D,
            _ => {
                return Err(format!(
                    "unknown interval {s:?}: use PT5M, PT10M, PT1H or P1D"
                ));
            }
        })
    }
}
