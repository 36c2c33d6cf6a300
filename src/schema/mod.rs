//! What the columns of a dataset are and how the user labels them: column kinds and timestamp
//! formats ([`profile`], [`timefmt`]), roles ([`labels`]), and the interval ([`interval`]).

use std::fmt;

use serde::{Deserialize, Serialize};

pub mod frequency;
pub mod interval;
pub mod labels;
pub mod limits;
pub mod profile;
pub mod timefmt;

pub use frequency::Frequency;
pub use labels::{Aggregation, ColumnLabel, Labels, Role};
pub use profile::{ColumnKind, ColumnProfile};

/// How sure a detection is, in the service's own words (`HIGH`, `LOW`, `NONE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Confidence {
    /// Nothing fitted well enough to be offered.
    None,
    /// A guess worth offering, but the user should confirm it.
    Low,
    /// Every sample agrees and nothing else fits as well.
    High,
}

impl Confidence {
    /// The name used in reports and configs: `NONE`, `LOW` or `HIGH`.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::None => "NONE",
            Confidence::Low => "LOW",
            Confidence::High => "HIGH",
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Confidence;

    #[test]
    fn confidence_is_written_in_capitals_everywhere() {
        assert_eq!(Confidence::Low.as_str(), "LOW");
        assert_eq!(Confidence::High.to_string(), "HIGH");
        assert_eq!(
            serde_json::to_string(&Confidence::None).ok().as_deref(),
            Some("\"NONE\"")
        );
        assert_eq!(
            serde_json::from_str::<Confidence>("\"HIGH\"").ok(),
            Some(Confidence::High)
        );
        assert!(Confidence::None < Confidence::Low && Confidence::Low < Confidence::High);
    }
}
