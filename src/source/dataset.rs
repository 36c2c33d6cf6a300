//! Which files of a location make up the dataset.
//!
//! L4M reads the files directly under a historical-data folder and ignores subfolders; the
//! continuous layout (`.../{{yyyyMMdd}}/{{HHmm}}/file.csv`) needs every file below the root. Files
//! that cannot be data (hidden files, markers, other formats) are skipped and reported, not read.

use serde::Serialize;

use super::{Entry, EntryKind, Location, Source, list_all};
use crate::{Error, Result};

/// The data files of a location, and what was left out.
#[derive(Debug, Clone, Serialize)]
pub struct Dataset {
    /// The location the user gave.
    pub root: Location,
    /// True when the root is a folder (or prefix), false for a single file.
    pub is_folder: bool,
    /// True when files at every depth were taken.
    pub recursive: bool,
    /// Data files, in name order.
    pub files: Vec<Entry>,
    /// Files left out, with why.
    pub skipped: Vec<Skipped>,
    /// Subfolders not read because the listing was not recursive.
    pub subfolders_ignored: usize,
}

/// A file that is not part of the dataset.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub name: String,
    pub reason: String,
}

impl Dataset {
    /// Total bytes of the data files.
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().filter_map(|f| f.size).sum()
    }
}

/// Extensions of files that may hold CSV or JSON lines (plain or gzip).
const DATA_EXTENSIONS: &[&str] = &[
    "csv", "tsv", "psv", "txt", "dat", "json", "jsonl", "ndjson", "gz", "gzip",
];

/// Why a file name is not data, or `None` if it may be. Files without an extension are taken:
/// exports from many systems have none, and the content decides.
pub fn non_data_reason(name: &str) -> Option<String> {
    let base = name.rsplit('/').next().unwrap_or(name);
    if base.is_empty() {
        return Some("empty name (a folder marker)".into());
    }
    if base.starts_with('.') {
        return Some("hidden file".into());
    }
    if base.starts_with('_') {
        return Some("marker file (names starting with _ are job markers such as _SUCCESS)".into());
    }
    match base.rsplit_once('.') {
        None => None,
        Some((_, ext)) => {
            let ext = ext.to_ascii_lowercase();
            if DATA_EXTENSIONS.contains(&ext.as_str()) {
                None
            } else {
                Some(format!(
                    "not CSV or JSON lines (.{ext}); L4M would try to read it, so move it out of the data folder"
                ))
            }
        }
    }
}

/// Work out the data files of `location`: the file itself, the files directly under a folder, or
/// with `recursive` all files below it.
pub fn resolve(source: &dyn Source, location: &Location, recursive: bool) -> Result<Dataset> {
    let root = source.stat(location)?;
    if root.kind == EntryKind::File {
        return Ok(Dataset {
            root: location.clone(),
            is_folder: false,
            recursive: false,
            files: vec![root],
            skipped: Vec::new(),
            subfolders_ignored: 0,
        });
    }
    let entries = list_all(source, location, recursive)?;
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let mut subfolders_ignored = 0;
    for entry in entries {
        match entry.kind {
            EntryKind::Folder => {
                subfolders_ignored += 1;
                continue;
            }
            EntryKind::Other(why) => {
                skipped.push(Skipped {
                    name: entry.name,
                    reason: format!("not read: {why}"),
                });
                continue;
            }
            EntryKind::File => {}
        }
        match non_data_reason(&entry.name) {
            Some(reason) => skipped.push(Skipped {
                name: entry.name,
                reason,
            }),
            None if entry.size == Some(0) => skipped.push(Skipped {
                name: entry.name,
                reason: "empty file".into(),
            }),
            None => files.push(entry),
        }
    }
    if files.is_empty() {
        return Err(Error::NoDataFiles {
            location: location.clone(),
            recursive,
            subfolders: subfolders_ignored,
            skipped: skipped.len(),
        });
    }
    Ok(Dataset {
        root: location.clone(),
        is_folder: true,
        recursive,
        files,
        skipped,
        subfolders_ignored,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::local::LocalSource;
    use std::fs;

    #[test]
    fn folder_takes_data_files_and_reports_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.csv"), "x\n1\n").unwrap();
        fs::write(dir.path().join("b.jsonl.gz"), "x").unwrap();
        fs::write(dir.path().join("README.md"), "hi").unwrap();
        fs::write(dir.path().join("_SUCCESS"), "").unwrap();
        fs::write(dir.path().join("empty.csv"), "").unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("sub/c.csv"), "x\n1\n").unwrap();
        let root = Location::Local(dir.path().into());

        let flat = resolve(&LocalSource, &root, false).unwrap();
        let names: Vec<_> = flat.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a.csv", "b.jsonl.gz"]);
        let skipped: Vec<_> = flat.skipped.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(skipped, ["README.md", "_SUCCESS", "empty.csv"]);
        assert_eq!(flat.subfolders_ignored, 1);

        let deep = resolve(&LocalSource, &root, true).unwrap();
        let names: Vec<_> = deep.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a.csv", "b.jsonl.gz", "sub/c.csv"]);
    }

    #[test]
    fn folder_of_only_subfolders_suggests_recursive() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("20201001")).unwrap();
        let err = resolve(&LocalSource, &Location::Local(dir.path().into()), false)
            .unwrap_err()
            .to_string();
        assert!(
            err.ends_with(
                "no CSV or JSON-lines files directly under this folder (1 subfolders are not read)"
            ),
            "{err}"
        );
    }
}
