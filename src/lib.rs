//! l4m: read, understand, check and export time-series datasets for Amazon Lookout for Metrics.
//!
//! The engine follows the path of the data: a [`source`] lists locations and hands out bytes, the
//! [`format`](mod@format) layer turns bytes into records, [`schema`] works out what the columns are and how they
//! are labelled, [`coverage`] streams every record into intervals, and [`config`] checks the labels and
//! writes a detector-ready config. The command line (`cli`) and the terminal UI are faces over it; no
//! module here knows about either.

pub mod config;
pub mod coverage;
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
