//! Where data lives and how to get its bytes.
//!
//! A [`Source`] answers two questions for everything above it: "what is under this location?" and
//! "give me these bytes". The local filesystem and S3 both implement it, so format detection,
//! coverage and export never know which one they are reading.

#[cfg(feature = "athena")]
pub mod athena;
pub mod dataset;
pub mod local;
#[cfg(feature = "s3")]
pub mod s3;
pub mod template;

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{Error, Result};

/// The most bytes a preview or a detection reads from the head of a file.
pub const HEAD_BYTES: u64 = 1024 * 1024;

/// A place the user points at: a local path or an S3 bucket and key (or prefix).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Location {
    /// A file or folder on this machine.
    Local(PathBuf),
    /// `s3://bucket/key`; an empty bucket means the list of buckets, a key ending in `/` a prefix.
    S3 { bucket: String, key: String },
}

impl Location {
    /// Read a location the way a user types it: `s3://bucket/prefix/`, `s3://`, or a path.
    pub fn parse(text: &str) -> Result<Location> {
        if let Some(rest) = text.strip_prefix("s3://") {
            let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() && !key.is_empty() {
                return Err(Error::InvalidLocation {
                    text: text.to_string(),
                });
            }
            return Ok(Location::S3 {
                bucket: bucket.to_string(),
                key: key.to_string(),
            });
        }
        if text.is_empty() {
            return Ok(Location::Local(PathBuf::from(".")));
        }
        Ok(Location::Local(PathBuf::from(text)))
    }

    /// True for `s3://...` locations.
    pub fn is_s3(&self) -> bool {
        matches!(self, Location::S3 { .. })
    }

    /// The last part of the location's name (file or folder name, or bucket).
    pub fn file_name(&self) -> String {
        match self {
            Location::Local(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.display().to_string()),
            Location::S3 { bucket, key } => {
                let trimmed = key.trim_end_matches('/');
                match trimmed.rsplit_once('/') {
                    Some((_, last)) => last.to_string(),
                    None if trimmed.is_empty() => bucket.clone(),
                    None => trimmed.to_string(),
                }
            }
        }
    }

    /// A child of this location, for a name found by listing it.
    pub fn join(&self, name: &str) -> Location {
        match self {
            Location::Local(p) => Location::Local(p.join(name)),
            Location::S3 { bucket, key } if bucket.is_empty() => Location::S3 {
                bucket: name.trim_end_matches('/').to_string(),
                key: String::new(),
            },
            Location::S3 { bucket, key } => {
                let mut k = key.clone();
                if !k.is_empty() && !k.ends_with('/') {
                    k.push('/');
                }
                k.push_str(name);
                Location::S3 {
                    bucket: bucket.clone(),
                    key: k,
                }
            }
        }
    }

    /// The location one level up, or `None` at the top.
    pub fn parent(&self) -> Option<Location> {
        match self {
            Location::Local(p) => {
                let abs = if p.is_absolute() {
                    p.clone()
                } else {
                    std::path::absolute(p).ok()?
                };
                abs.parent().map(|p| Location::Local(p.to_path_buf()))
            }
            Location::S3 { bucket, .. } if bucket.is_empty() => None,
            Location::S3 { bucket, key } => {
                let trimmed = key.trim_end_matches('/');
                if trimmed.is_empty() {
                    return Some(Location::S3 {
                        bucket: String::new(),
                        key: String::new(),
                    });
                }
                let key = match trimmed.rsplit_once('/') {
                    Some((up, _)) => format!("{up}/"),
                    None => String::new(),
                };
                Some(Location::S3 {
                    bucket: bucket.clone(),
                    key,
                })
            }
        }
    }

    /// The local path, if this is a local location.
    pub fn as_path(&self) -> Option<&Path> {
        match self {
            Location::Local(p) => Some(p),
            Location::S3 { .. } => None,
        }
    }

    /// The part of `self` below `root`, with `/` separators (for file names in reports).
    pub fn relative_to(&self, root: &Location) -> String {
        match (self, root) {
            (Location::Local(p), Location::Local(r)) => match p.strip_prefix(r) {
                Ok(rel) if !rel.as_os_str().is_empty() => rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
                _ => self.file_name(),
            },
            (
                Location::S3 { bucket, key },
                Location::S3 {
                    bucket: rb,
                    key: rk,
                },
            ) if bucket == rb && key.starts_with(rk.as_str()) && key != rk => {
                key[rk.len()..].trim_start_matches('/').to_string()
            }
            _ => self.file_name(),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Local(p) => write!(f, "{}", p.display()),
            Location::S3 { bucket, key } => write!(f, "s3://{bucket}/{key}"),
        }
    }
}

impl Serialize for Location {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Whether an entry is a folder (a directory or an S3 prefix), a file (an object), or something
/// that is neither and is never read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    Folder,
    File,
    /// Not read, and why: a named pipe, a socket or a device (reading could block forever), or a
    /// link to a file or folder already listed (a link loop would count it again and again).
    Other(&'static str),
}

/// One thing found under a location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The name relative to the listed location (one level), e.g. `2020-10-01.csv` or `0100`.
    pub name: String,
    pub kind: EntryKind,
    /// Size in bytes (files only).
    pub size: Option<u64>,
    pub modified: Option<DateTime<Utc>>,
    /// Where the entry is, ready to list or open.
    pub location: Location,
}

/// One page of a listing; `next` is the cursor of the page after it, if any.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub entries: Vec<Entry>,
    pub next: Option<String>,
}

/// A request to a remote store that has not been answered yet (the longest waiting one): what
/// the UI shows while it waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wait {
    /// What is asked, as an IAM action (`s3:ListBucket`, `s3:GetObject`).
    pub action: &'static str,
    pub location: Location,
    /// When the request was sent.
    pub since: Instant,
    /// The attempt under way (1 for the first) and the most the client makes.
    pub attempt: u32,
    pub max_attempts: u32,
    /// How long the request may take, all attempts together.
    pub timeout: Duration,
}

/// A place that can list locations and hand out their bytes.
///
/// Implementations are blocking: callers that must stay responsive (the TUI) run them on worker
/// threads. Listing is paged so that a prefix with many thousands of keys shows its first page at once.
pub trait Source: Send + Sync {
    /// What the location is: a file (with size) or a folder. Errors name the location.
    fn stat(&self, location: &Location) -> Result<Entry>;

    /// The entries directly under a folder location, one page at a time. Folders come as entries of
    /// kind [`EntryKind::Folder`].
    fn list(&self, location: &Location, cursor: Option<&str>) -> Result<Page>;

    /// Every file at any depth under a folder location, one page at a time (no folder entries).
    fn walk(&self, location: &Location, cursor: Option<&str>) -> Result<Page>;

    /// Bytes `[start, start + len)` of a file (fewer at its end).
    fn read_range(&self, location: &Location, start: u64, len: u64) -> Result<Vec<u8>>;

    /// The whole file as a stream, read as it is consumed.
    fn open(&self, location: &Location) -> Result<Box<dyn Read + Send>>;

    /// The file as a stream from byte `start` on. Sources that can seek say so with
    /// [`Source::seeks`]; the default reads and drops the first `start` bytes.
    fn open_at(&self, location: &Location, start: u64) -> Result<Box<dyn Read + Send>> {
        let mut stream = self.open(location)?;
        std::io::copy(&mut (&mut stream).take(start), &mut std::io::sink())
            .map_err(|e| Error::io(location.clone(), e))?;
        Ok(stream)
    }

    /// True when [`Source::open_at`] starts reading at the offset without reading what is before
    /// it: then a scan splits a large file between threads.
    fn seeks(&self) -> bool {
        false
    }

    /// Bytes of file data this source has handed out so far, when it counts them (S3 does, so
    /// that a preview can be shown to read at most [`HEAD_BYTES`]).
    fn bytes_read(&self) -> Option<u64> {
        None
    }

    /// The request that has waited longest for its answer, while any does (remote stores only).
    fn waiting(&self) -> Option<Wait> {
        None
    }

    /// End every wait for an answer now: the requests under way fail as cancelled.
    fn cancel_waits(&self) {}

    /// The first `max` bytes of a file: what previews and detection read.
    fn head(&self, location: &Location, max: u64) -> Result<Vec<u8>> {
        self.read_range(location, 0, max)
    }
}

/// Read every page of a listing (for folders whose size is known to be reasonable).
pub fn list_all(source: &dyn Source, location: &Location, recursive: bool) -> Result<Vec<Entry>> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = if recursive {
            source.walk(location, cursor.as_deref())?
        } else {
            source.list(location, cursor.as_deref())?
        };
        out.extend(page.entries);
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_locations_split_into_bucket_and_key() {
        let loc = Location::parse("s3://my-bucket/ecommerce/live/").unwrap();
        assert_eq!(
            loc,
            Location::S3 {
                bucket: "my-bucket".into(),
                key: "ecommerce/live/".into()
            }
        );
        assert_eq!(loc.file_name(), "live");
        assert_eq!(
            loc.parent().unwrap().to_string(),
            "s3://my-bucket/ecommerce/"
        );
        assert_eq!(
            loc.join("20201001/").to_string(),
            "s3://my-bucket/ecommerce/live/20201001/"
        );
        assert_eq!(Location::parse("s3://").unwrap().parent(), None);
        assert_eq!(
            Location::parse("s3://b")
                .unwrap()
                .parent()
                .unwrap()
                .to_string(),
            "s3:///"
        );
    }

    #[test]
    fn s3_location_without_bucket_but_with_key_is_refused() {
        let err = Location::parse("s3:///key.csv").unwrap_err().to_string();
        assert!(err.contains("needs a bucket name"), "{err}");
    }

    #[test]
    fn relative_names_use_forward_slashes() {
        let root = Location::Local(PathBuf::from("data"));
        let file = Location::Local(PathBuf::from("data/20201001/0000/a.csv"));
        assert_eq!(file.relative_to(&root), "20201001/0000/a.csv");
        let root = Location::parse("s3://b/live/").unwrap();
        let file = Location::parse("s3://b/live/20201001/0000/a.csv").unwrap();
        assert_eq!(file.relative_to(&root), "20201001/0000/a.csv");
    }
}
