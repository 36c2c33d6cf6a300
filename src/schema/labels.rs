//! The role of each column (timestamp, measure, dimension, ignored): suggested from the profiles,
//! then changed by the user. Labels are kept by column name so that they carry over between files
//! of one dataset.

use serde::Serialize;

use super::profile::{ColumnKind, ColumnProfile, name_hints_time};
use super::timefmt::TimeFormat;
use crate::{Error, Result};

/// What L4M does with a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Timestamp,
    Measure,
    Dimension,
    Ignored,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Timestamp => "timestamp",
            Role::Measure => "measure",
            Role::Dimension => "dimension",
            Role::Ignored => "ignored",
        }
    }
}

/// How a measure is aggregated within an interval (`AggregationFunction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "UPPERCASE")]
pub enum Aggregation {
    #[default]
    Sum,
    Avg,
}

impl Aggregation {
    pub fn as_str(self) -> &'static str {
        match self {
            Aggregation::Sum => "SUM",
            Aggregation::Avg => "AVG",
        }
    }

    /// The other one (SUM <-> AVG).
    pub fn toggled(self) -> Aggregation {
        match self {
            Aggregation::Sum => Aggregation::Avg,
            Aggregation::Avg => Aggregation::Sum,
        }
    }
}

impl std::str::FromStr for Aggregation {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "SUM" => Ok(Aggregation::Sum),
            "AVG" | "AVERAGE" | "MEAN" => Ok(Aggregation::Avg),
            _ => Err(format!("unknown aggregation {s:?}: use SUM or AVG")),
        }
    }
}

/// The role of one column, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnLabel {
    pub name: String,
    pub role: Role,
    /// Used when `role` is a measure.
    pub aggregation: Aggregation,
    /// Why this role: the suggestion's reason, or "set by you".
    pub reason: String,
    /// True when the user set it.
    pub given: bool,
}

/// The roles of all columns of a dataset, plus the timestamp format.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Labels {
    pub columns: Vec<ColumnLabel>,
    /// The timestamp column's format (an L4M pattern, compiled).
    pub timestamp_format: Option<TimeFormat>,
}

/// A text column is an identifier (ignored) above this share of distinct values.
const IDENTIFIER_SHARE: f64 = 0.9;
/// A text column is a dimension at or below this share of distinct values.
const DIMENSION_SHARE: f64 = 0.5;

fn name_hints_identifier(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "id"
        || n.ends_with("_id")
        || n.ends_with("id") && n.len() > 2 && name.ends_with("Id")
        || n.contains("uuid")
        || n.contains("key")
        || n.contains("session")
        || n.contains("request")
        || n.contains("arn")
}

fn name_hints_average(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "rate",
        "ratio",
        "pct",
        "percent",
        "avg",
        "mean",
        "latency",
        "duration",
        "temperature",
        "temp",
        "price",
        "score",
        "utilization",
        "usage_pct",
    ]
    .iter()
    .any(|h| n.contains(h))
}

/// The suggested role of one column, with its reason.
fn suggest_one(p: &ColumnProfile) -> (Role, Aggregation, String) {
    if p.non_empty == 0 {
        return (
            Role::Ignored,
            Aggregation::Sum,
            "empty in the sample".into(),
        );
    }
    let share = p.distinct as f64 / p.non_empty as f64;
    match p.kind {
        ColumnKind::Timestamp => (
            Role::Timestamp,
            Aggregation::Sum,
            format!(
                "values parse as {}",
                p.timestamp
                    .as_ref()
                    .map(|t| t.format.pattern())
                    .unwrap_or("")
            ),
        ),
        ColumnKind::Number => {
            let integer = p.numeric.as_ref().is_some_and(|n| n.integer);
            let index_like = p.index == 0
                || ["index", "unnamed: 0", "idx", "row"]
                    .contains(&p.name.to_ascii_lowercase().as_str());
            if index_like && p.numeric.as_ref().is_some_and(|n| n.row_numbers) {
                return (
                    Role::Ignored,
                    Aggregation::Sum,
                    "a row index (0, 1, 2... one per row, as pandas writes first), not a measure"
                        .into(),
                );
            }
            if integer && name_hints_identifier(&p.name) && share > IDENTIFIER_SHARE {
                return (
                    Role::Ignored,
                    Aggregation::Sum,
                    format!(
                        "an identifier: a distinct number on {:.0}% of rows",
                        share * 100.0
                    ),
                );
            }
            if name_hints_average(&p.name) {
                (
                    Role::Measure,
                    Aggregation::Avg,
                    "numeric; its name reads as a rate or level, so AVG (a SUM of it means little)"
                        .into(),
                )
            } else {
                (Role::Measure, Aggregation::Sum, "numeric".into())
            }
        }
        ColumnKind::Text => {
            if p.non_empty >= 20 && share > IDENTIFIER_SHARE {
                (
                    Role::Ignored,
                    Aggregation::Sum,
                    format!(
                        "an identifier or free text: {} distinct values in {} rows",
                        p.distinct, p.non_empty
                    ),
                )
            } else if name_hints_identifier(&p.name) && share > DIMENSION_SHARE {
                (
                    Role::Ignored,
                    Aggregation::Sum,
                    format!(
                        "named like an identifier, with {} distinct values in {} rows",
                        p.distinct, p.non_empty
                    ),
                )
            } else if share <= DIMENSION_SHARE || p.distinct <= 10 {
                (
                    Role::Dimension,
                    Aggregation::Sum,
                    format!("text with {} distinct values", p.distinct),
                )
            } else {
                (
                    Role::Ignored,
                    Aggregation::Sum,
                    format!(
                        "too many distinct values for a dimension ({} in {} rows): each would be its own metric",
                        p.distinct, p.non_empty
                    ),
                )
            }
        }
    }
}

impl Labels {
    /// The suggested labels for a set of column profiles: one timestamp, numbers as measures, text
    /// with few distinct values as dimensions, identifiers and free text ignored.
    pub fn suggest(profiles: &[ColumnProfile]) -> Labels {
        let mut columns: Vec<ColumnLabel> = profiles
            .iter()
            .map(|p| {
                let (role, aggregation, reason) = suggest_one(p);
                ColumnLabel {
                    name: p.name.clone(),
                    role,
                    aggregation,
                    reason,
                    given: false,
                }
            })
            .collect();
        // One timestamp: the one named like time, else the first; others are ignored.
        let time_columns: Vec<usize> = columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.role == Role::Timestamp)
            .map(|(i, _)| i)
            .collect();
        let chosen = time_columns
            .iter()
            .copied()
            .find(|&i| name_hints_time(&columns[i].name))
            .or(time_columns.first().copied());
        for &i in &time_columns {
            if Some(i) != chosen {
                columns[i].role = Role::Ignored;
                columns[i].reason = format!(
                    "a second timestamp column (L4M uses one: {})",
                    chosen.map(|c| profiles[c].name.as_str()).unwrap_or("")
                );
            }
        }
        let timestamp_format = chosen
            .and_then(|i| profiles[i].timestamp.as_ref())
            .map(|t| t.format.clone());
        Labels {
            columns,
            timestamp_format,
        }
    }

    fn find(&self, name: &str) -> Result<usize> {
        crate::format::find_column(self.columns.iter().map(|c| c.name.as_str()), name)
    }

    /// Give a column a role. Setting a timestamp makes the previous timestamp column ignored.
    pub fn set(&mut self, name: &str, role: Role, aggregation: Option<Aggregation>) -> Result<()> {
        let i = self.find(name)?;
        if role == Role::Timestamp {
            for (j, c) in self.columns.iter_mut().enumerate() {
                if j != i && c.role == Role::Timestamp {
                    c.role = Role::Ignored;
                    c.reason = "replaced by the timestamp column you chose".into();
                    c.given = false;
                }
            }
        }
        let c = &mut self.columns[i];
        c.role = role;
        if let Some(a) = aggregation {
            c.aggregation = a;
        }
        c.reason = "set by you".into();
        c.given = true;
        Ok(())
    }

    /// Make `name` the timestamp column, with the format its profile found (none if it found
    /// none: the user gives one).
    pub fn choose_timestamp(&mut self, name: &str, profiles: &[ColumnProfile]) -> Result<()> {
        self.set(name, Role::Timestamp, None)?;
        let chosen = self.timestamp().unwrap_or(name);
        self.timestamp_format = profiles
            .iter()
            .find(|p| p.name == chosen)
            .and_then(|p| p.time_format())
            .cloned();
        Ok(())
    }

    /// Set the timestamp format from a pattern as the user typed it.
    pub fn set_timestamp_format(&mut self, pattern: &str) -> Result<()> {
        let format = TimeFormat::compile(pattern).map_err(|source| Error::BadTimestampFormat {
            pattern: pattern.to_string(),
            source,
        })?;
        self.timestamp_format = Some(format);
        Ok(())
    }

    /// The timestamp column's name.
    pub fn timestamp(&self) -> Option<&str> {
        self.columns
            .iter()
            .find(|c| c.role == Role::Timestamp)
            .map(|c| c.name.as_str())
    }

    /// Measures with their aggregation, in column order.
    pub fn measures(&self) -> Vec<(&str, Aggregation)> {
        self.columns
            .iter()
            .filter(|c| c.role == Role::Measure)
            .map(|c| (c.name.as_str(), c.aggregation))
            .collect()
    }

    /// Dimensions, in column order.
    pub fn dimensions(&self) -> Vec<&str> {
        self.columns
            .iter()
            .filter(|c| c.role == Role::Dimension)
            .map(|c| c.name.as_str())
            .collect()
    }

    /// The label of a column by name.
    pub fn get(&self, name: &str) -> Option<&ColumnLabel> {
        self.columns.iter().find(|c| c.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Sample;
    use crate::schema::profile::profile;

    fn ecommerce(rows: usize) -> Vec<ColumnProfile> {
        let platforms = ["pc_web", "mobile_web", "mobile_app"];
        let markets = ["us", "uk", "de", "fr", "es", "it", "jp"];
        let mut sample = Sample {
            columns: [
                "platform",
                "marketplace",
                "timestamp",
                "views",
                "conversion_rate",
                "session_id",
            ]
            .map(String::from)
            .to_vec(),
            ..Sample::default()
        };
        for i in 0..rows {
            sample.rows.push(vec![
                platforms[i % 3].into(),
                markets[i % 7].into(),
                format!("2020-10-01 {:02}:00:00", i / 21),
                (100 + i).to_string(),
                format!("0.{}", i % 10),
                format!("s{i:08x}"),
            ]);
        }
        profile(&sample)
    }

    #[test]
    fn suggestions_follow_the_column_profiles() {
        let labels = Labels::suggest(&ecommerce(42));
        let roles: Vec<(&str, Role)> = labels
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.role))
            .collect();
        assert_eq!(
            roles,
            [
                ("platform", Role::Dimension),
                ("marketplace", Role::Dimension),
                ("timestamp", Role::Timestamp),
                ("views", Role::Measure),
                ("conversion_rate", Role::Measure),
                ("session_id", Role::Ignored),
            ]
        );
        assert_eq!(labels.get("views").unwrap().aggregation, Aggregation::Sum);
        assert_eq!(
            labels.get("conversion_rate").unwrap().aggregation,
            Aggregation::Avg
        );
        assert_eq!(
            labels.get("session_id").unwrap().reason,
            "an identifier or free text: 42 distinct values in 42 rows"
        );
        assert_eq!(
            labels.timestamp_format.as_ref().map(TimeFormat::pattern),
            Some("yyyy-MM-dd HH:mm:ss")
        );
    }

    #[test]
    fn setting_a_role_by_name_and_unknown_names() {
        let mut labels = Labels::suggest(&ecommerce(21));
        labels
            .set("views", Role::Measure, Some(Aggregation::Avg))
            .unwrap();
        labels.set("PLATFORM", Role::Ignored, None).unwrap();
        assert_eq!(
            labels.measures(),
            [
                ("views", Aggregation::Avg),
                ("conversion_rate", Aggregation::Avg)
            ]
        );
        assert_eq!(labels.dimensions(), ["marketplace"]);
        let err = labels
            .set("nope", Role::Dimension, None)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "unknown column \"nope\": the columns are platform, marketplace, timestamp, views, conversion_rate, session_id"
        );
    }
}
