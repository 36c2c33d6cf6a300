//! What the columns of a dataset are and how the user labels them.

pub mod frequency;
pub use frequency::Frequency;
