//! The local filesystem as a [`Source`].

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{Entry, EntryKind, Location, Page, Source};
use crate::{Error, Result};

/// Files and folders on this machine.
#[derive(Debug, Default, Clone, Copy)]
pub struct LocalSource;

fn local_path(location: &Location) -> Result<&Path> {
    location.as_path().ok_or_else(|| Error::WrongSource {
        location: location.clone(),
    })
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::io(Location::Local(path.to_path_buf()), source)
}

/// What a file system object is, for the entries: named pipes, sockets and devices are not files.
fn kind_of(meta: &fs::Metadata) -> EntryKind {
    let t = meta.file_type();
    if t.is_dir() {
        return EntryKind::Folder;
    }
    if t.is_file() {
        return EntryKind::File;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return EntryKind::Other("named pipe");
        }
        if t.is_socket() {
            return EntryKind::Other("socket");
        }
        if t.is_block_device() || t.is_char_device() {
            return EntryKind::Other("device");
        }
    }
    EntryKind::Other("special file")
}

/// The identity of a file system object (device and inode), to notice one reached twice.
#[cfg(unix)]
fn identity(meta: &fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn identity(_meta: &fs::Metadata) -> Option<(u64, u64)> {
    None
}

fn entry_for(path: PathBuf, name: String, meta: &fs::Metadata) -> Entry {
    let kind = kind_of(meta);
    Entry {
        name,
        kind,
        size: (kind == EntryKind::File).then_some(meta.len()),
        modified: meta.modified().ok().map(DateTime::<Utc>::from),
        location: Location::Local(path),
    }
}

/// Entries of a folder, folders first, each group sorted by name (as people expect to read them).
fn read_folder(path: &Path) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for item in fs::read_dir(path).map_err(|e| io_error(path, e))? {
        let item = item.map_err(|e| io_error(path, e))?;
        let child = item.path();
        // Follow symlinks so a linked data folder behaves like a real one; skip dangling links.
        let Ok(meta) = fs::metadata(&child) else {
            continue;
        };
        let name = item.file_name().to_string_lossy().into_owned();
        entries.push(entry_for(child, name, &meta));
    }
    entries.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.name.cmp(&b.name)));
    Ok(entries)
}

impl Source for LocalSource {
    fn stat(&self, location: &Location) -> Result<Entry> {
        let path = local_path(location)?;
        let meta = fs::metadata(path).map_err(|e| io_error(path, e))?;
        let entry = entry_for(path.to_path_buf(), location.file_name(), &meta);
        match entry.kind {
            EntryKind::Other(kind) => Err(Error::NotRegularFile {
                location: location.clone(),
                kind,
            }),
            _ => Ok(entry),
        }
    }

    fn list(&self, location: &Location, _cursor: Option<&str>) -> Result<Page> {
        let path = local_path(location)?;
        Ok(Page {
            entries: read_folder(path)?,
            next: None,
        })
    }

    fn walk(&self, location: &Location, _cursor: Option<&str>) -> Result<Page> {
        let root = local_path(location)?;
        let mut files = Vec::new();
        // Folders and files already reached (through a link, or a link loop): never twice.
        let mut seen = HashSet::new();
        if let Some(id) = fs::metadata(root).ok().as_ref().and_then(identity) {
            seen.insert(id);
        }
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let mut entries = read_folder(&dir)?;
            for e in &mut entries {
                let Location::Local(p) = &e.location else {
                    continue;
                };
                let id = fs::metadata(p).ok().as_ref().and_then(identity);
                if matches!(e.kind, EntryKind::Folder | EntryKind::File)
                    && let Some(id) = id
                    && !seen.insert(id)
                {
                    e.kind = EntryKind::Other(if e.kind == EntryKind::Folder {
                        "a link to a folder already read"
                    } else {
                        "a link to a file already read"
                    });
                }
            }
            // Push folders in reverse so they are visited in name order.
            for e in entries.iter().rev() {
                if e.kind == EntryKind::Folder
                    && let Location::Local(p) = &e.location
                {
                    stack.push(p.clone());
                }
            }
            files.extend(entries.into_iter().filter(|e| e.kind != EntryKind::Folder));
        }
        for f in &mut files {
            f.name = f.location.relative_to(location);
        }
        files.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Page {
            entries: files,
            next: None,
        })
    }

    fn read_range(&self, location: &Location, start: u64, len: u64) -> Result<Vec<u8>> {
        let path = local_path(location)?;
        let mut file = File::open(path).map_err(|e| io_error(path, e))?;
        if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
            return Err(Error::IsFolder {
                location: location.clone(),
            });
        }
        file.seek(SeekFrom::Start(start))
            .map_err(|e| io_error(path, e))?;
        let mut buf = Vec::with_capacity(len.min(super::HEAD_BYTES) as usize);
        file.take(len)
            .read_to_end(&mut buf)
            .map_err(|e| io_error(path, e))?;
        Ok(buf)
    }

    fn open_at(&self, location: &Location, start: u64) -> Result<Box<dyn Read + Send>> {
        let path = local_path(location)?;
        let mut file = File::open(path).map_err(|e| io_error(path, e))?;
        file.seek(SeekFrom::Start(start))
            .map_err(|e| io_error(path, e))?;
        Ok(Box::new(file))
    }

    fn seeks(&self) -> bool {
        true
    }

    fn open(&self, location: &Location) -> Result<Box<dyn Read + Send>> {
        let path = local_path(location)?;
        let file = File::open(path).map_err(|e| io_error(path, e))?;
        Ok(Box::new(file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_puts_folders_first_and_sorts_by_name() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("b.csv"), "x\n").unwrap();
        fs::write(dir.path().join("a.csv"), "xyz\n").unwrap();
        fs::create_dir(dir.path().join("z")).unwrap();
        let page = LocalSource
            .list(&Location::Local(dir.path().into()), None)
            .unwrap();
        let names: Vec<_> = page.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["z", "a.csv", "b.csv"]);
        assert_eq!(page.entries[1].size, Some(4));
        assert_eq!(page.entries[0].size, None);
    }

    #[test]
    fn walk_finds_files_at_every_depth_with_relative_names() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("20201001/0000")).unwrap();
        fs::create_dir_all(dir.path().join("20201001/0100")).unwrap();
        fs::write(dir.path().join("20201001/0000/a.csv"), "1").unwrap();
        fs::write(dir.path().join("20201001/0100/b.csv"), "2").unwrap();
        fs::write(dir.path().join("top.csv"), "3").unwrap();
        let page = LocalSource
            .walk(&Location::Local(dir.path().into()), None)
            .unwrap();
        let names: Vec<_> = page.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            ["20201001/0000/a.csv", "20201001/0100/b.csv", "top.csv"]
        );
    }

    #[test]
    fn read_range_returns_only_the_bytes_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.csv");
        fs::write(&path, b"0123456789").unwrap();
        let loc = Location::Local(path);
        assert_eq!(LocalSource.read_range(&loc, 2, 3).unwrap(), b"234");
        assert_eq!(LocalSource.head(&loc, 100).unwrap().len(), 10);
    }

    #[test]
    fn a_missing_file_names_the_path_and_says_what_to_check() {
        let err = LocalSource
            .stat(&Location::Local("no/such/file.csv".into()))
            .unwrap_err()
            .to_string();
        assert_eq!(err, "no/such/file.csv: no such file or folder");
    }
}
