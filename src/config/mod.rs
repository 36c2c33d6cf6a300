//! Checking and writing detector-ready configs; [`model`] is the service's API model used as the oracle.

pub mod model;
