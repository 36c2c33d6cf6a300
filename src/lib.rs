//! l4m: read, understand, check and export time-series datasets for Amazon Lookout for Metrics.
//!
//! The engine follows the path of the data: a [`source`] lists locations and hands out bytes, the
//! [`format`](mod@format) layer turns bytes into records, [`schema`] works out what the columns are and how they
//! are labelled, [`coverage`] streams every record into intervals, and [`config`] checks the labels and
//! writes a detector-ready config. The command line (`cli`) and the terminal UI are faces over it; no
//! module here knows about either.

pub mod athena;
pub mod backtest;
pub mod config;
pub mod coverage;
pub mod detect;
pub mod error;
pub mod fix;
pub mod format;
pub mod inspect;
pub mod schema;
pub mod source;
#[cfg(feature = "tui")]
pub mod tui;
pub mod units;

pub use error::{Error, Result};

/// What the unit tests share.
#[cfg(test)]
pub(crate) mod testing {
    /// A small deterministic random generator (linear congruential): each call gives a number
    /// below its argument.
    pub fn random(seed: u64) -> impl FnMut(u64) -> u64 {
        let mut state = seed;
        move |n| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        }
    }
}
