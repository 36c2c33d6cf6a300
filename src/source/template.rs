//! Path templates of the continuous layout: `live/{{yyyyMMdd}}/{{HHmm}}/file.csv`.
//!
//! L4M's continuous mode finds each interval's files in a folder named after the interval's start,
//! described by a template with keys in double braces. [`detect`] works the template out from the
//! folder names of a dataset's files; [`PathTemplate::folder_time`] reads the start back from a
//! folder name, so a scan can check that every record falls inside its folder's interval.

use chrono::NaiveDateTime;

use crate::schema::timefmt::{ParsedTime, TimeFormat};

/// A detected template: the L4M text and a parser for folder paths. It serializes as its text.
#[derive(Debug, Clone, PartialEq)]
pub struct PathTemplate {
    /// What L4M reads, relative to the dataset root: `{{yyyyMMdd}}/{{HHmm}}`.
    pub template: String,
    /// The same as a Java pattern over the whole folder path (`yyyyMMdd'/'HHmm`).
    format: TimeFormat,
}

/// The date keys a single folder name can hold, tried in this order.
const KEYS: &[(&str, usize)] = &[
    ("yyyyMMddHHmm", 12),
    ("yyyy-MM-dd-HH", 13),
    ("yyyy-MM-dd", 10),
    ("yyyyMMdd", 8),
    ("HHmm", 4),
    ("yyyy", 4),
    ("MM", 2),
    ("dd", 2),
    ("HH", 2),
    ("mm", 2),
];

fn quote_literal(s: &str) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

/// Which date key fits every value of one folder level, given the keys already used above it.
fn key_for(values: &[&str], used: &[&str]) -> Option<&'static str> {
    // Four digits are an hour and minute below a day, a year otherwise.
    let below_day = used.iter().any(|u| u.contains('d'));
    let mut keys: Vec<(&'static str, usize)> = KEYS.to_vec();
    if !below_day {
        keys.retain(|(k, _)| *k != "HHmm");
        keys.push(("HHmm", 4));
    }
    keys.into_iter()
        .filter(|(key, len)| {
            values
                .iter()
                .all(|v| v.len() == *len && v.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
                && !used.iter().any(|u| u.contains(key) || key.contains(u))
        })
        .map(|(key, _)| key)
        .find(|key| {
            // Check the values really are dates of that shape (a month is 01-12, an hour 00-23...).
            let Ok(f) = TimeFormat::compile(key) else {
                return false;
            };
            match *key {
                "yyyy" => values
                    .iter()
                    .all(|v| v.parse::<u32>().is_ok_and(|y| (1970..=2100).contains(&y))),
                "MM" => values
                    .iter()
                    .all(|v| v.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))),
                "dd" => values
                    .iter()
                    .all(|v| v.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))),
                "HH" => values
                    .iter()
                    .all(|v| v.parse::<u32>().is_ok_and(|h| h <= 23)),
                "mm" => values
                    .iter()
                    .all(|v| v.parse::<u32>().is_ok_and(|m| m <= 59)),
                _ => values.iter().all(|v| f.parse(v).is_some()),
            }
        })
}

/// Work the template out from the relative names of a dataset's files (`20201001/0000/a.csv`).
/// `None` when files sit at different depths or a folder level is neither constant nor a date.
pub fn detect(names: &[&str]) -> Option<PathTemplate> {
    let folders: Vec<Vec<&str>> = names
        .iter()
        .map(|n| {
            let mut parts: Vec<&str> = n.split('/').collect();
            parts.pop();
            parts
        })
        .collect();
    let depth = folders.first()?.len();
    if depth == 0 || folders.iter().any(|f| f.len() != depth) {
        return None;
    }
    let mut template_parts = Vec::new();
    let mut java_parts = Vec::new();
    let mut used: Vec<&str> = Vec::new();
    for level in 0..depth {
        let values: Vec<&str> = folders.iter().map(|f| f[level]).collect();
        let first = values[0];
        if values.iter().all(|v| *v == first) && key_for(&values, &used).is_none() {
            template_parts.push(first.to_string());
            java_parts.push(quote_literal(first));
            continue;
        }
        // `name=value` folders (Hive style): keep the name, template the value.
        let (prefix, rest): (&str, Vec<&str>) = match first.split_once('=') {
            Some((p, _)) if values.iter().all(|v| v.starts_with(&format!("{p}="))) => {
                (p, values.iter().map(|v| &v[p.len() + 1..]).collect())
            }
            _ => ("", values.clone()),
        };
        let key = key_for(&rest, &used)?;
        used.push(key);
        let lead = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}=")
        };
        template_parts.push(format!("{lead}{{{{{key}}}}}"));
        java_parts.push(format!("{}{key}", quote_literal(&lead)));
    }
    if used.is_empty() {
        return None;
    }
    let java = java_parts.join("'/'");
    let format = TimeFormat::compile(&java).ok()?;
    Some(PathTemplate {
        template: template_parts.join("/"),
        format,
    })
}

impl serde::Serialize for PathTemplate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.template)
    }
}

impl PathTemplate {
    /// The start of the interval a file's folder names, from the file's relative name.
    pub fn folder_time(&self, name: &str) -> Option<NaiveDateTime> {
        let folder = name.rsplit_once('/')?.0;
        match self.format.parse(folder)? {
            ParsedTime::Local(t) => Some(t),
            ParsedTime::Instant(t) => Some(t.naive_utc()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(names: &[&str]) -> Option<String> {
        detect(names).map(|t| t.template)
    }

    #[test]
    fn the_aws_sample_layout_is_yyyymmdd_then_hhmm() {
        let names = [
            "20201001/0000/20201001_000000.csv",
            "20201001/0100/20201001_010000.csv",
        ];
        let tpl = detect(&names).unwrap();
        assert_eq!(tpl.template, "{{yyyyMMdd}}/{{HHmm}}");
        assert_eq!(
            tpl.folder_time(names[1]).unwrap().to_string(),
            "2020-10-01 01:00:00"
        );
    }

    #[test]
    fn year_month_day_folders_and_hive_style_names_are_found() {
        assert_eq!(
            t(&["2020/10/01/a.csv", "2020/10/02/b.csv", "2020/11/01/c.csv"]).as_deref(),
            Some("{{yyyy}}/{{MM}}/{{dd}}")
        );
        assert_eq!(
            t(&["intvl_date=2020-10-01/a.csv", "intvl_date=2020-10-02/a.csv"]).as_deref(),
            Some("intvl_date={{yyyy-MM-dd}}")
        );
        assert_eq!(
            t(&["live/20201001/0000/a.csv", "live/20201001/0100/a.csv"]).as_deref(),
            Some("live/{{yyyyMMdd}}/{{HHmm}}")
        );
    }

    #[test]
    fn a_single_folder_still_reads_as_a_date() {
        assert_eq!(
            t(&["20201001/0000/a.csv"]).as_deref(),
            Some("{{yyyyMMdd}}/{{HHmm}}")
        );
    }

    #[test]
    fn folders_that_are_not_dates_give_no_template() {
        assert_eq!(t(&["a.csv", "b.csv"]), None);
        assert_eq!(t(&["x/a.csv", "y/b.csv"]), None);
        assert_eq!(t(&["20201001/a.csv", "20201001/0000/b.csv"]), None);
    }
}
