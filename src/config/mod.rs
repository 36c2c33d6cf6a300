//! From labels to a detector-ready config: the CreateMetricSet request or a CloudFormation
//! template, the findings that say what is wrong or missing, and an atomic write of the file;
//! the way back (reading and checking the configs people hold, [`read`], [`check`]); and the way
//! out, to the services that replaced L4M ([`targets`]: [`opensearch`], [`cloudwatch`]).
//!
//! Values come only from the labels, the detection and the options the user gave: a required value
//! that is missing becomes a finding, never a made-up value. Every config is checked against the
//! service's own API model ([`model`]) before it is written.

pub mod check;
pub mod cloudwatch;
pub mod export;
pub mod findings;
pub mod model;
pub mod opensearch;
pub mod read;
pub mod targets;
pub mod yaml;

pub use export::{ExportOptions, Syntax, Target, build};
pub use findings::{Finding, Severity};
pub use read::{ConfigKind, ConfigSource, read_config};
pub use targets::{Built, ExportTarget, TargetInput, TargetOptions, build_target};

use std::io::Write;
use std::path::Path;

use crate::{Error, Result};

/// Write `contents` to `path` atomically: a temporary file in the same folder, flushed to disk,
/// then renamed over. An existing file is replaced only with `overwrite`.
pub fn write_atomic(path: &Path, contents: &[u8], overwrite: bool) -> Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !folder.is_dir() {
        return Err(Error::OutputFolderMissing {
            path: path.to_path_buf(),
            folder: folder.to_path_buf(),
        });
    }
    if path.is_dir() {
        return Err(Error::OutputIsFolder {
            path: path.to_path_buf(),
        });
    }
    let io = |source: std::io::Error| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".l4m-").suffix(".tmp");
    // A config is a file to share: created as `cp` creates one (0666 less the umask), not 0600.
    #[cfg(unix)]
    builder
        .permissions(<std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o666));
    let mut tmp = builder.tempfile_in(folder).map_err(io)?;
    tmp.write_all(contents).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    if overwrite {
        tmp.persist(path).map_err(|e| io(e.error))?;
    } else {
        // persist_noclobber refuses atomically if the file appeared meanwhile.
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                Error::OutputExists {
                    path: path.to_path_buf(),
                }
            } else {
                io(e.error)
            }
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_existing_file_is_kept_unless_overwrite_is_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        write_atomic(&path, b"one", false).unwrap();
        let err = write_atomic(&path, b"two", false).unwrap_err().to_string();
        assert!(err.ends_with("out.json: already exists"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write_atomic(&path, b"three", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"three");
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_written_file_follows_the_umask_as_cp_does() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        write_atomic(&path, b"one", false).unwrap();
        // The umask of the test process is unknown: read it as a fresh file gets it.
        let probe = dir.path().join("probe");
        std::fs::write(&probe, b"").unwrap();
        let want = std::fs::metadata(&probe).unwrap().permissions().mode() & 0o777;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), want);
        write_atomic(&path, b"two", true).unwrap();
        assert_eq!(mode(&path), want);
    }

    #[test]
    fn a_missing_folder_is_named() {
        let err = write_atomic(Path::new("no/such/dir/out.json"), b"x", false)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "no/such/dir/out.json: the folder no/such/dir does not exist"
        );
    }
}
