//! What the columns of a dataset are and how the user labels them: column kinds and timestamp
//! formats ([`profile`], [`timefmt`]), roles ([`labels`]), and the interval ([`interval`]).

pub mod frequency;
pub mod interval;
pub mod labels;
pub mod limits;
pub mod profile;
pub mod timefmt;

pub use crate::detect::Confidence;
pub use frequency::Frequency;
pub use labels::{Aggregation, ColumnLabel, Labels, Role};
pub use profile::{ColumnKind, ColumnProfile};
