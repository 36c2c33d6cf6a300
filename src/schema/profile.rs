//! What each column of a sample holds: its kind, how many distinct values, and for timestamps the
//! format as an L4M pattern.

use std::collections::HashSet;

use serde::Serialize;

use super::timefmt::{self, TimeFormat};
use crate::format::Sample;
use crate::format::sniff::looks_numeric;

/// The kind of values a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    Timestamp,
    Number,
    Text,
}

impl ColumnKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnKind::Timestamp => "timestamp",
            ColumnKind::Number => "number",
            ColumnKind::Text => "text",
        }
    }
}

/// Numbers seen in a column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NumericStats {
    /// Every value is a whole number.
    pub integer: bool,
    /// The most digits after the decimal point in any value.
    pub max_decimals: usize,
    /// The largest absolute value.
    pub max_abs: f64,
    /// Every row holds the number after the one above (0, 1, 2...): a row index such as the
    /// unnamed first column pandas writes, not a measure.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub row_numbers: bool,
}

/// The timestamp format found for a column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimestampInfo {
    /// The L4M pattern (Java SimpleDateFormat letters) or `UNIX`, compiled.
    pub format: TimeFormat,
    pub confidence: crate::schema::Confidence,
    pub reason: String,
    /// How many non-empty sample values parse with it, of how many.
    pub parsed: usize,
    pub total: usize,
    pub first_unparsed: Option<String>,
}

/// What one column of the sample holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnProfile {
    pub name: String,
    /// Position in the file (0-based).
    pub index: usize,
    pub kind: ColumnKind,
    /// Distinct non-empty values in the sample.
    pub distinct: usize,
    pub non_empty: usize,
    pub empty: usize,
    /// Longest value, in characters.
    pub max_len: usize,
    /// Up to three distinct example values, in order of first appearance.
    pub examples: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<TimestampInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numeric: Option<NumericStats>,
}

impl ColumnProfile {
    /// The timestamp format, if the column holds timestamps.
    pub fn time_format(&self) -> Option<&TimeFormat> {
        self.timestamp.as_ref().map(|t| &t.format)
    }
}

/// Names that say a column is time, used to settle epoch numbers and several time columns.
pub fn name_hints_time(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "ts"
        || n.ends_with("_ts")
        || n.starts_with("ts_")
        || ["time", "date", "epoch", "created", "updated"]
            .iter()
            .any(|h| n.contains(h))
}

/// Profile every column of a sample.
pub fn profile(sample: &Sample) -> Vec<ColumnProfile> {
    let mut profiles: Vec<ColumnProfile> = (0..sample.columns.len())
        .map(|j| profile_column(sample, j, false))
        .collect();
    // Epoch numbers count as time in a column named like time; when no column is a timestamp at
    // all (no header, odd names), the first numeric column of epoch values is taken as one.
    if profiles.iter().all(|p| p.kind != ColumnKind::Timestamp) {
        for slot in profiles.iter_mut() {
            if slot.kind == ColumnKind::Number {
                let p = profile_column(sample, slot.index, true);
                if p.kind == ColumnKind::Timestamp {
                    *slot = p;
                    break;
                }
            }
        }
    }
    profiles
}

fn profile_column(sample: &Sample, j: usize, any_epoch: bool) -> ColumnProfile {
    let name = sample.columns[j].clone();
    let values: Vec<&str> = sample
        .rows
        .iter()
        .map(|r| r.get(j).map(|v| v.trim()).unwrap_or(""))
        .collect();
    let non_empty: Vec<&str> = values.iter().copied().filter(|v| !v.is_empty()).collect();
    let mut seen = HashSet::new();
    let mut examples = Vec::new();
    for v in &non_empty {
        if seen.insert(*v) && examples.len() < 3 {
            examples.push(v.to_string());
        }
    }
    let numeric = (!non_empty.is_empty() && non_empty.iter().all(|v| looks_numeric(v)))
        .then(|| numeric_stats(&non_empty))
        .map(|mut n| {
            n.row_numbers = non_empty.len() == values.len() && row_numbers(&values);
            n
        });
    // Timestamps: text values that parse as a date, or epoch numbers in a column named like time.
    let detected = if non_empty.is_empty() {
        None
    } else {
        timefmt::detect(&non_empty)
    };
    let timestamp = detected.and_then(|d| {
        let epoch = d.format.is_unix();
        if epoch && !any_epoch && !name_hints_time(&name) {
            return None;
        }
        Some(TimestampInfo {
            format: d.format,
            confidence: d.confidence,
            reason: d.reason,
            parsed: d.parsed,
            total: d.total,
            first_unparsed: d.first_unparsed,
        })
    });
    let kind = if timestamp.is_some() {
        ColumnKind::Timestamp
    } else if numeric.is_some() {
        ColumnKind::Number
    } else {
        ColumnKind::Text
    };
    ColumnProfile {
        name,
        index: j,
        kind,
        distinct: seen.len(),
        non_empty: non_empty.len(),
        empty: values.len() - non_empty.len(),
        max_len: values.iter().map(|v| v.chars().count()).max().unwrap_or(0),
        examples,
        numeric: if kind == ColumnKind::Number {
            numeric
        } else {
            None
        },
        timestamp,
    }
}

fn numeric_stats(values: &[&str]) -> NumericStats {
    let mut integer = true;
    let mut max_decimals = 0;
    let mut max_abs: f64 = 0.0;
    for v in values {
        let mantissa = v.split(['e', 'E']).next().unwrap_or(v);
        if let Some((_, frac)) = mantissa.split_once('.') {
            max_decimals = max_decimals.max(frac.len());
            if frac.bytes().any(|b| b != b'0') {
                integer = false;
            }
        }
        if v.contains(['e', 'E']) {
            integer = false;
        }
        if let Ok(x) = v.parse::<f64>() {
            max_abs = max_abs.max(x.abs());
        }
    }
    NumericStats {
        integer,
        max_decimals,
        max_abs,
        row_numbers: false,
    }
}

/// At least three whole numbers, each one more than the one above.
fn row_numbers(values: &[&str]) -> bool {
    values.len() >= 3
        && values.iter().all(|v| v.bytes().all(|b| b.is_ascii_digit()))
        && values
            .windows(2)
            .all(|w| match (w[0].parse::<u64>(), w[1].parse::<u64>()) {
                (Ok(a), Ok(b)) => a.checked_add(1) == Some(b),
                _ => false,
            })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(columns: &[&str], rows: &[&[&str]]) -> Sample {
        Sample {
            columns: columns.iter().map(|s| s.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect(),
            lines: (2..2 + rows.len() as u64).collect(),
            complete: true,
        }
    }

    #[test]
    fn columns_get_kinds_distinct_counts_and_timestamp_formats() {
        let s = sample(
            &["platform", "timestamp", "views", "revenue"],
            &[
                &["pc_web", "2020-10-01 00:00:00", "298", "89.39999999999999"],
                &["mobile", "2020-10-01 00:00:00", "476", "142.8"],
                &["pc_web", "2020-10-01 01:00:00", "152", ""],
            ],
        );
        let p = profile(&s);
        assert_eq!(p[0].kind, ColumnKind::Text);
        assert_eq!(p[0].distinct, 2);
        assert_eq!(p[0].examples, ["pc_web", "mobile"]);
        assert_eq!(p[1].kind, ColumnKind::Timestamp);
        assert_eq!(
            p[1].timestamp.as_ref().unwrap().format.pattern(),
            "yyyy-MM-dd HH:mm:ss"
        );
        assert_eq!(p[1].distinct, 2);
        assert_eq!(p[2].kind, ColumnKind::Number);
        assert!(p[2].numeric.as_ref().unwrap().integer);
        assert_eq!(p[3].numeric.as_ref().unwrap().max_decimals, 14);
        assert_eq!(p[3].empty, 1);
        assert_eq!(p[3].non_empty, 2);
    }

    #[test]
    fn a_column_of_row_numbers_is_told_from_a_measure() {
        let s = sample(
            &["column_1", "ts", "v"],
            &[
                &["0", "2024-01-01 00:00", "5"],
                &["1", "2024-01-01 01:00", "6"],
                &["2", "2024-01-01 02:00", "7"],
                &["3", "2024-01-01 03:00", "9"],
            ],
        );
        let p = profile(&s);
        assert!(p[0].numeric.as_ref().unwrap().row_numbers);
        assert!(!p[2].numeric.as_ref().unwrap().row_numbers);
    }

    #[test]
    fn epoch_numbers_are_timestamps_only_in_a_column_named_like_time() {
        let s = sample(
            &["event_time", "bytes"],
            &[&["1601510400", "1601510400"], &["1601514000", "1601514000"]],
        );
        let p = profile(&s);
        assert_eq!(p[0].kind, ColumnKind::Timestamp);
        assert_eq!(p[0].timestamp.as_ref().unwrap().format.pattern(), "UNIX");
        assert_eq!(p[1].kind, ColumnKind::Number);
    }

    #[test]
    fn without_any_timestamp_the_first_epoch_column_is_taken() {
        let s = sample(
            &["column_1", "column_2"],
            &[&["7", "1601510400000"], &["9", "1601514000000"]],
        );
        let p = profile(&s);
        assert_eq!(p[0].kind, ColumnKind::Number);
        assert_eq!(p[1].kind, ColumnKind::Timestamp);
        assert_eq!(p[1].timestamp.as_ref().unwrap().format.pattern(), "UNIX");
    }
}
