//! Sessions: the labels, read settings and export form of a dataset, saved per dataset location in
//! the user's state folder (`$XDG_STATE_HOME/l4m`, else `~/.local/state/l4m`) and restored when
//! the same location is opened again.
//!
//! A session file names the location it belongs to and its format version; a file that cannot be
//! read, is of another version or names another location is ignored with a note, never trusted.
//! Only what the user set is saved: suggestions and prefills are worked out again from the data.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::dataset::DatasetView;
use super::export::{ExportForm, FieldKey};
use crate::config::ExportTarget;
use crate::format::{FileFormat, Overrides, delimiter_name, parse_delimiter};
use crate::schema::{Aggregation, ColumnProfile, Labels, Role};
use crate::source::Location;
use crate::{Error, Result};

/// The format version written; files of another version are ignored.
pub const VERSION: u32 = 1;

/// The state folder of `l4m`: `$XDG_STATE_HOME/l4m` when that is an absolute path, else
/// `$HOME/.local/state/l4m`; `None` when neither is known.
pub fn state_dir() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_STATE_HOME").map(PathBuf::from);
    if let Some(dir) = xdg.filter(|d| d.is_absolute()) {
        return Some(dir.join("l4m"));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from)?;
    Some(home.join(".local/state/l4m"))
}

/// How a location is named in session files: local paths absolute (and resolved), S3 as typed.
pub fn location_name(location: &Location) -> String {
    match location {
        Location::Local(p) => std::fs::canonicalize(p)
            .or_else(|_| std::path::absolute(p))
            .unwrap_or_else(|_| p.clone())
            .display()
            .to_string(),
        Location::S3 { .. } => location.to_string(),
    }
}

/// The session file of a dataset location, in `dir`.
pub fn file(dir: &Path, location: &str, recursive: bool) -> PathBuf {
    // FNV-1a: stable across builds and platforms, unlike std's hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in location.bytes().chain([b'\n', recursive as u8]) {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    dir.join("sessions").join(format!("{h:016x}.json"))
}

/// What is saved of one dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub version: u32,
    /// The dataset location this session belongs to.
    pub location: String,
    pub recursive: bool,
    /// Labels the user set, in column order.
    pub labels: Vec<SavedLabel>,
    pub timestamp_format: Option<String>,
    pub overrides: SavedOverrides,
    pub frequency: Option<String>,
    pub timezone: Option<String>,
    pub export: SavedExport,
    /// How the chart's backtest fills missing intervals (`zero`, `previous`, `fixed:2.5`,
    /// `ignore`), where the user chose; older sessions have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impute: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedLabel {
    pub column: String,
    /// `timestamp`, `measure`, `dimension` or `ignored`.
    pub role: String,
    /// `SUM` or `AVG`.
    pub aggregation: String,
}

fn role_named(name: &str) -> Option<Role> {
    [
        Role::Timestamp,
        Role::Measure,
        Role::Dimension,
        Role::Ignored,
    ]
    .into_iter()
    .find(|r| r.as_str() == name)
}

/// How the files are read, where the user changed it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SavedOverrides {
    pub format: Option<String>,
    pub delimiter: Option<String>,
    /// `""` for "never quoted".
    pub quote: Option<String>,
    pub header: Option<bool>,
}

/// The export form's target and the fields the user typed (by label).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SavedExport {
    pub cloudformation: bool,
    /// The target by its short name (older sessions only say whether it was CloudFormation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    pub yaml: bool,
    pub fields: BTreeMap<String, String>,
}

/// Read the session of a location: `Ok(None)` when there is none, `Err(note)` when there is one
/// that cannot be used (the note says why; the caller goes on without it).
pub fn load(
    dir: &Path,
    location: &str,
    recursive: bool,
) -> std::result::Result<Option<Session>, String> {
    let path = file(dir, location, recursive);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("saved session {} not read: {e}", path.display())),
    };
    let ignored = |why: String| format!("saved session {} ignored: {why}", path.display());
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| ignored(format!("not JSON ({e})")))?;
    let version = value.get("version").and_then(|v| v.as_u64());
    if version != Some(VERSION as u64) {
        return Err(ignored(format!(
            "format version {} (this l4m reads {VERSION})",
            version.map_or("none".into(), |v| v.to_string())
        )));
    }
    let session: Session =
        serde_json::from_value(value).map_err(|e| ignored(format!("damaged ({e})")))?;
    if session.location != location || session.recursive != recursive {
        return Err(ignored(format!("it belongs to {}", session.location)));
    }
    Ok(Some(session))
}

/// Write a session file atomically, making its folder if needed.
pub fn write(path: &Path, contents: &str) -> Result<()> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })?;
    }
    crate::config::write_atomic(path, contents.as_bytes(), true)
}

impl Session {
    /// What the user set on a dataset and its export form.
    pub fn capture(location: String, d: &DatasetView, form: &ExportForm) -> Session {
        let mut labels: Vec<SavedLabel> = d
            .labels
            .columns
            .iter()
            .filter(|c| c.given)
            .map(|c| SavedLabel {
                column: c.name.clone(),
                role: c.role.as_str().into(),
                aggregation: c.aggregation.as_str().into(),
            })
            .collect();
        // The labels of columns this reading lacks stay the user's.
        let held = d
            .held
            .iter()
            .filter(|h| labels.iter().all(|l| l.column != h.column));
        labels.extend(held.cloned().collect::<Vec<_>>());
        let o = &d.overrides;
        let fields = FieldKey::ALL
            .into_iter()
            .filter(|k| form.edited.contains(k))
            .map(|k| (k.label().to_string(), form.value(k)))
            .collect();
        Session {
            version: VERSION,
            location,
            recursive: d.recursive,
            labels,
            timestamp_format: d.held_format.clone().or_else(|| {
                d.labels
                    .timestamp_format
                    .as_ref()
                    .map(|f| f.pattern().into())
            }),
            overrides: SavedOverrides {
                format: o.format.map(|f| format_name(f).into()),
                delimiter: o.delimiter.map(delimiter_name),
                quote: o
                    .quote
                    .map(|q| q.map(|b| (b as char).to_string()).unwrap_or_default()),
                header: o.has_header,
            },
            frequency: d.frequency.map(|f| f.as_str().into()),
            timezone: Some(d.timezone.name().into()),
            export: SavedExport {
                cloudformation: form.target == ExportTarget::CloudFormation,
                target: Some(form.target.name().to_string()),
                yaml: form.yaml,
                fields,
            },
            impute: d.impute.map(|i| i.arg()),
        }
    }

    /// The saved read settings (what is not understood is left to detection).
    pub fn overrides(&self) -> Overrides {
        let o = &self.overrides;
        Overrides {
            format: o.format.as_deref().and_then(|f| f.parse().ok()),
            delimiter: o.delimiter.as_deref().and_then(|d| parse_delimiter(d).ok()),
            quote: o.quote.as_deref().map(|q| q.bytes().next()),
            has_header: o.header,
        }
    }

    /// Put the saved labels on top of the suggested ones. `Err` (and the labels untouched) when a
    /// saved column is not in the data any more.
    pub fn apply_labels(
        &self,
        labels: &mut Labels,
        profiles: &[ColumnProfile],
    ) -> std::result::Result<(), String> {
        let mut out = labels.clone();
        for l in &self.labels {
            let role = role_named(&l.role).ok_or_else(|| format!("unknown role {:?}", l.role))?;
            let aggregation = l.aggregation.parse::<Aggregation>().ok();
            let done = if role == Role::Timestamp {
                out.choose_timestamp(&l.column, profiles)
            } else {
                out.set(&l.column, role, aggregation)
            };
            done.map_err(|_| format!("column {:?} is not in the data any more", l.column))?;
        }
        if let Some(f) = &self.timestamp_format {
            out.set_timestamp_format(f).map_err(|e| e.to_string())?;
        }
        *labels = out;
        Ok(())
    }

    /// Put the saved labels on the columns this reading has, by name: the labels of the columns
    /// it lacks are returned (to keep for a reading that has them again), with the timestamp
    /// format when its column is among them.
    pub fn apply_labels_by_name(
        &self,
        labels: &mut Labels,
        profiles: &[ColumnProfile],
    ) -> (Vec<SavedLabel>, Option<String>) {
        let mut missing = Vec::new();
        for l in &self.labels {
            let Some(role) = role_named(&l.role) else {
                continue;
            };
            let aggregation = l.aggregation.parse::<Aggregation>().ok();
            let done = if role == Role::Timestamp {
                labels.choose_timestamp(&l.column, profiles)
            } else {
                labels.set(&l.column, role, aggregation)
            };
            if done.is_err() {
                missing.push(l.clone());
            }
        }
        let ts_missing = missing.iter().any(|l| l.role == Role::Timestamp.as_str());
        let given_ts = self
            .labels
            .iter()
            .any(|l| l.role == Role::Timestamp.as_str());
        let format = self.timestamp_format.as_ref();
        if ts_missing || (!given_ts && labels.timestamp().is_none()) {
            return (missing, format.cloned());
        }
        if let Some(f) = format {
            // A format that fits no column of this reading stays the user's, held.
            if labels.set_timestamp_format(f).is_err() {
                return (missing, Some(f.clone()));
            }
        }
        (missing, None)
    }

    /// Put the saved interval, timezone and export fields back.
    pub fn apply_settings(&self, d: &mut DatasetView, form: &mut ExportForm) {
        d.frequency = self.frequency.as_deref().and_then(|f| f.parse().ok());
        d.impute = self.impute.as_deref().and_then(|i| i.parse().ok());
        if let Some(tz) = self.timezone.as_deref().and_then(|t| t.parse().ok()) {
            d.timezone = tz;
        }
        let saved = self.export.target.as_deref().and_then(|t| t.parse().ok());
        form.target = match (saved, self.export.cloudformation) {
            (Some(t), _) => t,
            (None, true) => ExportTarget::CloudFormation,
            (None, false) => ExportTarget::MetricSet,
        };
        form.yaml = self.export.yaml && form.target.allows_yaml();
        for (label, value) in &self.export.fields {
            if let Some(k) = FieldKey::from_label(label) {
                form.set_typed(k, value.clone());
            }
        }
    }
}

fn format_name(f: FileFormat) -> &'static str {
    match f {
        FileFormat::Csv => "csv",
        FileFormat::Jsonl => "jsonl",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_file_name_is_stable_and_differs_by_location_and_layout() {
        let dir = Path::new("/state");
        let a = file(dir, "/data/ecommerce", false);
        assert_eq!(a, file(dir, "/data/ecommerce", false));
        assert_ne!(a, file(dir, "/data/ecommerce", true));
        assert_ne!(a, file(dir, "/data/other", false));
        assert!(a.starts_with("/state/sessions"));
    }

    #[test]
    fn a_session_of_another_version_or_location_is_ignored_with_a_note() {
        let dir = tempfile::tempdir().unwrap();
        let path = file(dir.path(), "/data/x", false);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, r#"{"version": 0, "location": "/data/x"}"#).unwrap();
        let note = load(dir.path(), "/data/x", false).unwrap_err();
        assert!(note.contains("format version 0"), "{note}");
        std::fs::write(&path, "{ not json").unwrap();
        assert!(
            load(dir.path(), "/data/x", false)
                .unwrap_err()
                .contains("not JSON")
        );
        assert_eq!(load(dir.path(), "/data/y", false), Ok(None));
    }
}
