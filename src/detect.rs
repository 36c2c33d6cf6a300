//! What every detection gives: a value, how sure it is ([`Confidence`], in the service's own
//! words) and why. Reading (`format`) and columns (`schema`) both detect; this module sits below
//! both, so neither needs the other for it.

use std::fmt;

use serde::{Deserialize, Serialize};

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

/// A detected value with how sure the detection is and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detected<T> {
    pub value: T,
    pub confidence: Confidence,
    pub reason: String,
}

impl<T> Detected<T> {
    /// A value with its confidence and reason.
    pub fn new(value: T, confidence: Confidence, reason: impl Into<String>) -> Self {
        Detected {
            value,
            confidence,
            reason: reason.into(),
        }
    }

    /// The same detection with its value changed (for showing it).
    pub fn map<U>(&self, f: impl FnOnce(&T) -> U) -> Detected<U> {
        Detected::new(f(&self.value), self.confidence, self.reason.clone())
    }

    /// A value the user set: always HIGH.
    pub fn given(value: T) -> Self {
        Detected::new(value, Confidence::High, "set by you")
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
