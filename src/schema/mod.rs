//! What the columns of a dataset are and how the user labels them: column kinds and timestamp
//! formats ([`profile`], [`timefmt`]), roles ([`labels`]), and the interval ([`interval`]).

pub mod frequency;
pub mod interval;
pub mod labels;
pub mod profile;

pub use frequency::Frequency;
pub use labels::{Aggregation, ColumnLabel, Labels, Role};
pub use profile::{ColumnKind, ColumnProfile};
use serde::{Deserialize, Serialize};

/// How sure a detection is, in the service's own words (`HIGH`, `LOW`, `NONE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Confidence {
    None,
    Low,
    High,
}

impl Confidence {
    /// `NONE`, `LOW` or `HIGH`.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::None => "NONE",
            Confidence::Low => "LOW",
            Confidence::High => "HIGH",
        }
    }
}

impl std::fmt::Display for Confidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
