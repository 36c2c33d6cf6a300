//! The engine's error type: every variant names the thing that went wrong and what to do about it.

use std::path::PathBuf;

/// Result with the engine's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, said so that a user can act on it in one line.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Anything else, already phrased for the user.
    #[error("{0}")]
    Message(String),
}

impl Error {
    /// An error with a message that already names the thing and says what to do.
    pub fn msg(message: impl Into<String>) -> Self {
        Error::Message(message.into())
    }
}
