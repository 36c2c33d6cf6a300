//! Why a scan could not read a file (or a piece of one) to its end, or read it by one thread: the
//! scan's own failures as data. Each is said in one line ([`std::fmt::Display`]); a report writes
//! that line, so the JSON keeps a string.

use std::fmt;

use crate::format::FileFormat;

/// Where a read failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadPlace {
    /// Before the first record (the byte-order mark, the header, the line a piece starts in).
    Start,
    /// After a line of a file read whole.
    AfterLine(u64),
    /// At a byte of a piece of a file.
    AtByte(u64),
}

/// What went wrong with one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// The source could not open it or read its head (the source's error, without its fixes).
    Source { message: String },
    /// A read failed part way (a cut stream, a damaged gzip member...).
    Read { at: ReadPlace, message: String },
    /// Quoted values hold line breaks: the file cannot be split between threads.
    QuotedLineBreaks,
    /// Its header lacks a column the dataset's has.
    MissingColumn { column: String, header: Vec<String> },
    /// It is in the other format than the dataset's, and that format's detection failed.
    OtherFormatUnreadable { reason: String },
    /// It is in the other format than the dataset's and lacks a column.
    OtherFormatMissingColumn {
        own: FileFormat,
        dataset: FileFormat,
        column: String,
        header: Vec<String>,
    },
    /// Its size changed while it was read.
    Changed { listed: u64, read: u64 },
}

fn format_name(f: FileFormat) -> &'static str {
    match f {
        FileFormat::Csv => "CSV",
        FileFormat::Jsonl => "JSON lines",
    }
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileProblem::Source { message } => f.write_str(message),
            FileProblem::Read { at, message } => match at {
                ReadPlace::Start => f.write_str(message),
                ReadPlace::AfterLine(line) => write!(f, "read failed after line {line}: {message}"),
                ReadPlace::AtByte(offset) => write!(f, "read failed at byte {offset}: {message}"),
            },
            FileProblem::QuotedLineBreaks => f.write_str("its values hold quoted line breaks"),
            FileProblem::MissingColumn { column, header } => write!(
                f,
                "its header has no column {column:?} (it has {})",
                header.join(", ")
            ),
            FileProblem::OtherFormatUnreadable { reason } => {
                write!(f, "it is not in the dataset's format, and {reason}")
            }
            FileProblem::OtherFormatMissingColumn {
                own,
                dataset,
                column,
                header,
            } => write!(
                f,
                "it is {} (the dataset is {}) and has no column {column:?} (it has {})",
                format_name(*own),
                format_name(*dataset),
                header.join(", ")
            ),
            FileProblem::Changed { listed, read } => write!(
                f,
                "changed while it was read: listed with {listed} bytes, {read} read"
            ),
        }
    }
}

impl std::error::Error for FileProblem {}

impl FileProblem {
    /// A read that failed at `at`.
    pub fn read(at: ReadPlace, e: &std::io::Error) -> FileProblem {
        FileProblem::Read {
            at,
            message: e.to_string(),
        }
    }

    /// A read before the first record that failed.
    pub fn at_start(e: std::io::Error) -> FileProblem {
        FileProblem::read(ReadPlace::Start, &e)
    }
}

/// Serialize as its line (reports keep a string).
pub(super) fn as_line<S: serde::Serializer>(p: &FileProblem, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(p)
}
