//! The engine's error type: every variant names the thing that went wrong and states the fact;
//! [`Error::fixes`] says what to do, as data that each face words its own way.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::fix::{Fix, Setting};
use crate::schema::Role;
use crate::schema::timefmt::TimeFormatError;
use crate::source::Location;

/// Result with the engine's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, said so that a user can act on it in one line.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The count pushed down to Athena cannot be planned or did not finish.
    #[error(transparent)]
    Athena(#[from] crate::athena::AthenaError),
    /// A location typed so that it cannot be read (`s3:///key`).
    #[error("{text}: an S3 location needs a bucket name after s3://")]
    InvalidLocation { text: String },
    /// A location handed to a source that does not read that kind (a bug of the caller).
    #[error("{location}: this source cannot read it")]
    WrongSource { location: Location },
    /// No file, folder, bucket key or prefix at the location.
    #[error("{location}: no such file or folder")]
    NotFound { location: Location },
    /// The file or folder exists but may not be read.
    #[error("{location}: permission denied")]
    PermissionDenied { location: Location },
    /// A file was expected and the location is a folder.
    #[error("{location}: is a folder, not a file")]
    IsFolder { location: Location },
    /// Something that is neither a regular file nor a folder (a named pipe, a socket, a device):
    /// reading it could block forever or never end.
    #[error("{location}: is a {kind}, not a file")]
    NotRegularFile {
        location: Location,
        kind: &'static str,
    },
    /// A folder without any CSV or JSON-lines file where the dataset is read.
    #[error("{location}: {}", no_data_files(*.recursive, *.subfolders, *.skipped))]
    NoDataFiles {
        location: Location,
        recursive: bool,
        subfolders: usize,
        skipped: usize,
    },
    /// A file whose bytes are not records l4m (and L4M) can read.
    #[error("{location}: {problem}")]
    Unreadable {
        location: Location,
        problem: ReadProblem,
    },
    /// Any other failure to read.
    #[error("{location}: {source}")]
    Io {
        location: Location,
        #[source]
        source: std::io::Error,
    },
    /// A column name that the data does not have.
    #[error("unknown column {name:?}: the columns are {}", some_columns(.columns))]
    UnknownColumn { name: String, columns: Vec<String> },
    /// No column is labelled as the timestamp.
    #[error("no timestamp column (the columns are {})", some_columns(.columns))]
    NoTimestamp { columns: Vec<String> },
    /// The timestamp column has no format (its values match none that l4m knows).
    #[error("no timestamp format for column {column:?}: its values match no known format")]
    NoTimestampFormat { column: String },
    /// A timestamp pattern that cannot be used.
    #[error("timestamp format {pattern:?}: {source}")]
    BadTimestampFormat {
        pattern: String,
        #[source]
        source: TimeFormatError,
    },
    /// The interval could not be told from the data.
    #[error("could not tell the interval ({reason})")]
    NoFrequency { reason: String },
    /// An S3 request failed.
    #[error("{location}: {kind}")]
    S3 { location: Location, kind: S3Error },
    /// The S3 client could not be configured (before any location is read).
    #[error("{kind}")]
    S3Client { kind: S3Error },
    /// An `s3://` location in a build without S3 support.
    #[error("{location}: this l4m was built without S3 support")]
    S3Unsupported { location: Location },
    /// The output file exists and replacing it was not asked for.
    #[error("{}: already exists", .path.display())]
    OutputExists { path: PathBuf },
    /// The output file's folder does not exist.
    #[error("{}: the folder {} does not exist", .path.display(), .folder.display())]
    OutputFolderMissing { path: PathBuf, folder: PathBuf },
    /// The output path is a folder.
    #[error("{}: is a folder", .path.display())]
    OutputIsFolder { path: PathBuf },
    /// Writing the output failed.
    #[error("{}: could not write: {source}", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Standard output went away or failed.
    #[error("could not write to standard output: {0}")]
    Stdout(#[source] std::io::Error),
    /// The terminal could not be driven.
    #[error("terminal: {0}")]
    Terminal(#[source] std::io::Error),
    /// A config file (a metric set request, a describe-metric-set output, a CloudFormation
    /// template) that cannot be read as one.
    #[error("{file}: {problem}")]
    Config {
        file: String,
        problem: ConfigProblem,
    },
    /// A worker thread of a scan panicked (a bug of ours).
    #[error("a scan worker stopped unexpectedly")]
    WorkerFailed,
    /// The backtest's forest failed on a metric.
    #[error(transparent)]
    Backtest(#[from] crate::backtest::BacktestError),
}

fn no_data_files(recursive: bool, subfolders: usize, skipped: usize) -> String {
    let mut s = String::from("no CSV or JSON-lines files");
    s.push_str(if recursive {
        " anywhere below this folder"
    } else {
        " directly under this folder"
    });
    if subfolders > 0 {
        s.push_str(&format!(" ({subfolders} subfolders are not read)"));
    } else if skipped > 0 {
        s.push_str(&format!(" ({skipped} other files skipped)"));
    }
    s
}

/// Why the bytes of a file cannot be read as records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadProblem {
    /// A NUL byte: a binary file.
    Binary { offset: u64 },
    /// UTF-16 text (L4M reads UTF-8).
    Utf16,
    /// Bytes that are not UTF-8.
    InvalidUtf8 { byte: u64, line: u64 },
    /// Starts like gzip but does not decompress.
    BadGzip { detail: String },
    /// No records at all.
    Empty,
    /// A header line and nothing else.
    HeaderOnly,
    /// No line break in the first bytes: not line-based, or a first record longer than a preview.
    NoLineBreak { bytes: u64 },
    /// A CSV line whose number of fields differs from the others.
    Ragged {
        line: u64,
        fields: usize,
        expected: usize,
        delimiter: u8,
    },
    /// A line of a JSON-lines file that is not JSON.
    NotJson { line: u64, detail: String },
    /// A line of a JSON-lines file that is JSON but not an object.
    NotJsonObject { line: u64 },
    /// Lines end with a carriage return alone (old Mac exports).
    CrLineEnds,
    /// One JSON array of objects (`[{...},{...}]`), not JSON lines.
    JsonArray,
}

impl fmt::Display for ReadProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadProblem::Binary { offset } => {
                write!(
                    f,
                    "looks binary (a NUL byte at offset {offset}): not CSV or JSON lines"
                )
            }
            ReadProblem::Utf16 => f.write_str("is UTF-16 text: L4M reads UTF-8"),
            ReadProblem::InvalidUtf8 { byte, line } => write!(
                f,
                "is not valid UTF-8 (byte {byte}, line {line}): L4M reads UTF-8"
            ),
            ReadProblem::BadGzip { detail } => write!(
                f,
                "starts like gzip but does not decompress ({detail}): the file is damaged or not gzip"
            ),
            ReadProblem::Empty => f.write_str("is empty: it holds no records"),
            ReadProblem::HeaderOnly => f.write_str("has a header but no records"),
            ReadProblem::NoLineBreak { bytes } => write!(
                f,
                "has no line break in its first {}: not line-based CSV or JSON lines, or a first record longer than that",
                crate::units::bytes(*bytes)
            ),
            ReadProblem::Ragged {
                line,
                fields,
                expected,
                delimiter,
            } => write!(
                f,
                "line {line} has {fields} fields where the other lines have {expected} (delimiter {})",
                crate::format::delimiter_name(*delimiter)
            ),
            ReadProblem::NotJson { line, detail } => write!(
                f,
                "line {line} is not valid JSON ({detail}): each line must be one JSON object"
            ),
            ReadProblem::NotJsonObject { line } => write!(
                f,
                "line {line} is not a JSON object: JSON lines need one flat object per line"
            ),
            ReadProblem::CrLineEnds => f.write_str(
                "has lines that end with a carriage return alone (CR, as old Mac exports write them): L4M reads lines that end with LF or CRLF",
            ),
            ReadProblem::JsonArray => f.write_str(
                "is a JSON array ([{...}, {...}]): L4M reads JSON lines, one object a line",
            ),
        }
    }
}

/// Column names for a one-line message: the first 12, and how many in all past that.
pub fn some_columns(columns: &[String]) -> String {
    const SHOWN: usize = 12;
    if columns.len() <= SHOWN {
        columns.join(", ")
    } else {
        format!(
            "{}, ... ({} in all)",
            columns[..SHOWN].join(", "),
            columns.len()
        )
    }
}

/// Why a text is not a config l4m can check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigProblem {
    /// Neither JSON nor YAML; the parser's words (with the line).
    NotParsed { detail: String },
    /// JSON or YAML, but not an object of members.
    NotAnObject,
    /// An object, but not of a kind l4m reads; its top-level members.
    UnknownKind { members: Vec<String> },
    /// A CloudFormation template without a Lookout for Metrics detector.
    NoDetector { resources: usize },
    /// A detector whose `MetricSetList` holds no metric set object.
    NoMetricSet { path: String },
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigProblem::NotParsed { detail } => {
                write!(f, "is neither JSON nor YAML ({detail})")
            }
            ConfigProblem::NotAnObject => {
                f.write_str("is not an object of members (a config is one JSON or YAML object)")
            }
            ConfigProblem::UnknownKind { members } => write!(
                f,
                "is not a CreateMetricSet request, a describe-metric-set output or a CloudFormation template (its members: {})",
                if members.is_empty() {
                    "none".to_string()
                } else {
                    members.join(", ")
                }
            ),
            ConfigProblem::NoDetector { resources } => write!(
                f,
                "the template has no AWS::LookoutMetrics::AnomalyDetector resource ({resources} other resources)"
            ),
            ConfigProblem::NoMetricSet { path } => {
                write!(f, "{path} holds no metric set")
            }
        }
    }
}

/// What kind of S3 failure, told from the SDK's error codes, types and HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum S3Error {
    /// The credentials may not do `action` (an IAM action such as `s3:GetObject`).
    AccessDenied { action: &'static str },
    /// The bucket does not exist.
    NoSuchBucket { bucket: String },
    /// No object by that key (nor a prefix).
    NoSuchKey,
    /// The bucket lives in another region (given when the server says which).
    WrongRegion {
        bucket: String,
        region: Option<String>,
    },
    /// No credentials were found anywhere in the chain.
    NoCredentials,
    /// The credentials have expired.
    ExpiredCredentials,
    /// S3 kept throttling (SlowDown) after the SDK's retries.
    Throttled,
    /// The endpoint did not answer in time: within the request's bound `timeout` (all attempts
    /// together), or within one attempt's share of it; `attempt` is the attempt under way then.
    Timeout {
        endpoint: String,
        scope: TimeoutScope,
        timeout: Duration,
        attempt: u32,
    },
    /// The wait was cancelled (the UI's `Esc`): the request was dropped.
    Cancelled,
    /// The source of credentials (SSO, a credential process, an instance role...) did not answer.
    CredentialsTimeout,
    /// The endpoint could not be reached at all.
    Unreachable { endpoint: String },
    /// The endpoint answered over TLS with a certificate this machine does not trust (or one not
    /// valid for its name): `detail` is the TLS library's reason.
    UntrustedCertificate { endpoint: String, detail: String },
    /// A connection was made, then reset or closed by the other end before the answer came.
    ConnectionLost { endpoint: String },
    /// The body of an object stopped before its end (cut, reset or stalled).
    CutOff {
        received: u64,
        expected: Option<u64>,
    },
    /// The answer to a request (a listing) stopped before its end.
    ResponseCut { action: &'static str },
    /// The endpoint given is not an http:// or https:// URL.
    BadEndpoint { url: String },
    /// The S3 client could not be set up.
    Setup { detail: String },
    /// Anything else, with the server's own words.
    Other {
        action: &'static str,
        status: Option<u16>,
        code: String,
        message: String,
    },
}

/// Which of the S3 timeouts ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutScope {
    /// The bound on a request and its retries together (`--s3-timeout`).
    Request,
    /// One attempt's wait for an answer: half the request's bound.
    Attempt,
}

/// A duration as the messages give it: whole seconds, else to a tenth (`0.5 s`).
fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

impl std::error::Error for S3Error {}

impl fmt::Display for S3Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            S3Error::AccessDenied { action } => {
                write!(f, "access denied ({action} is not allowed)")
            }
            S3Error::NoSuchBucket { bucket } => write!(f, "no such bucket {bucket:?}"),
            S3Error::NoSuchKey => f.write_str("no such key or prefix"),
            S3Error::WrongRegion { bucket, region } => match region {
                Some(r) => write!(f, "bucket {bucket:?} is in region {r}"),
                None => write!(f, "bucket {bucket:?} is in another region"),
            },
            S3Error::NoCredentials => f.write_str("no AWS credentials found"),
            S3Error::ExpiredCredentials => f.write_str("the AWS credentials have expired"),
            S3Error::Throttled => {
                f.write_str("S3 kept throttling the requests (SlowDown) after retries")
            }
            S3Error::Timeout {
                endpoint,
                scope: TimeoutScope::Request,
                timeout,
                attempt,
            } => write!(
                f,
                "{endpoint} did not answer: the S3 timeout of {} for a request, all attempts together, ran out during attempt {attempt}",
                seconds(*timeout)
            ),
            S3Error::Timeout {
                endpoint,
                scope: TimeoutScope::Attempt,
                timeout,
                attempt,
            } => write!(
                f,
                "{endpoint} did not answer: the wait of attempt {attempt}, {} (half the S3 timeout of {}), ran out",
                seconds(*timeout / 2),
                seconds(*timeout)
            ),
            S3Error::Cancelled => f.write_str("the request was cancelled"),
            S3Error::CredentialsTimeout => {
                f.write_str("the AWS credentials could not be fetched in time")
            }
            S3Error::Unreachable { endpoint } => write!(f, "cannot reach {endpoint}"),
            S3Error::UntrustedCertificate { endpoint, detail } => {
                write!(
                    f,
                    "the TLS certificate of {endpoint} is not trusted ({detail})"
                )
            }
            S3Error::ConnectionLost { endpoint } => {
                write!(f, "{endpoint} dropped the connection before answering")
            }
            S3Error::CutOff { received, expected } => match expected {
                Some(n) => write!(f, "the object's body stopped after {received} of {n} bytes"),
                None => write!(f, "the object's body stopped after {received} bytes"),
            },
            S3Error::ResponseCut { action } => {
                write!(f, "the answer to {action} stopped before its end")
            }
            S3Error::BadEndpoint { url } => {
                write!(
                    f,
                    "the S3 endpoint {url:?} does not start with http:// or https://"
                )
            }
            S3Error::Setup { detail } => write!(f, "could not start the S3 client ({detail})"),
            S3Error::Other {
                action,
                status,
                code,
                message,
            } => {
                write!(f, "{action} failed")?;
                match (status, code.is_empty()) {
                    (Some(s), false) => write!(f, " ({s} {code})")?,
                    (Some(s), true) => write!(f, " ({s})")?,
                    (None, false) => write!(f, " ({code})")?,
                    (None, true) => {}
                }
                if !message.is_empty() {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
        }
    }
}

impl Error {
    /// An I/O error on a location, typed by its kind.
    pub fn io(location: Location, source: std::io::Error) -> Error {
        match source.kind() {
            std::io::ErrorKind::NotFound => Error::NotFound { location },
            std::io::ErrorKind::PermissionDenied => Error::PermissionDenied { location },
            std::io::ErrorKind::IsADirectory => Error::IsFolder { location },
            _ => Error::Io { location, source },
        }
    }

    /// The location the error is about, if it is about one.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::WrongSource { location }
            | Error::NotFound { location }
            | Error::PermissionDenied { location }
            | Error::IsFolder { location }
            | Error::NotRegularFile { location, .. }
            | Error::NoDataFiles { location, .. }
            | Error::Unreadable { location, .. }
            | Error::Io { location, .. }
            | Error::S3 { location, .. }
            | Error::S3Unsupported { location } => Some(location),
            _ => None,
        }
    }

    /// The message without the location it starts with (for lists that name the file already).
    pub fn fact(&self) -> String {
        let text = self.to_string();
        match self.location() {
            Some(l) => text
                .strip_prefix(&format!("{l}: "))
                .map(str::to_string)
                .unwrap_or(text),
            None => text,
        }
    }

    /// An unreadable file.
    pub fn unreadable(location: Location, problem: ReadProblem) -> Error {
        Error::Unreadable { location, problem }
    }

    /// What the user can do about it; any one of the fixes helps. Empty when nothing can be done
    /// but to report it.
    pub fn fixes(&self) -> Vec<Fix> {
        match self {
            Error::InvalidLocation { .. } => {
                vec![Fix::outside("write it as s3://bucket/prefix/")]
            }
            Error::WrongSource { .. } => vec![],
            Error::Athena(e) => e.fixes(),
            Error::NotFound { .. } => vec![Fix::outside("check the path")],
            Error::PermissionDenied { .. } => vec![Fix::outside("check the file's permissions")],
            Error::IsFolder { .. } => vec![Fix::outside("open a file inside it")],
            Error::NotRegularFile { .. } => {
                vec![Fix::outside(
                    "copy the data into a regular file and open that",
                )]
            }
            Error::NoDataFiles {
                recursive,
                subfolders,
                ..
            } => {
                if *subfolders > 0 && !recursive {
                    vec![Fix::set(Setting::Recursive)]
                } else {
                    vec![Fix::outside("choose the folder that holds the data files")]
                }
            }
            Error::Unreadable { problem, .. } => problem.fixes(),
            Error::Io { .. } => vec![],
            Error::UnknownColumn { .. } => vec![Fix::outside("use one of those names")],
            Error::NoTimestamp { .. } => vec![Fix::label_any(Role::Timestamp)],
            Error::NoTimestampFormat { .. } => {
                vec![Fix::set_like(
                    Setting::TimestampFormat,
                    "yyyy-MM-dd HH:mm:ss",
                )]
            }
            // The format's own error says what to write instead.
            Error::BadTimestampFormat { .. } => vec![],
            Error::NoFrequency { .. } => vec![Fix::set(Setting::Frequency)],
            Error::S3 { kind, .. } | Error::S3Client { kind } => kind.fixes(),
            Error::S3Unsupported { .. } => vec![Fix::outside(
                "build l4m with its default features (S3 included)",
            )],
            Error::OutputExists { .. } => {
                vec![Fix::set(Setting::Overwrite), Fix::set(Setting::Output)]
            }
            Error::OutputFolderMissing { .. } => {
                vec![Fix::outside("create the folder"), Fix::set(Setting::Output)]
            }
            Error::OutputIsFolder { .. } => vec![Fix::set(Setting::Output)],
            Error::Write { .. } | Error::Stdout(_) | Error::Terminal(_) => vec![],
            Error::Config { problem, .. } => match problem {
                ConfigProblem::NotParsed { .. } => {
                    vec![Fix::outside("fix the syntax at that line")]
                }
                ConfigProblem::NoMetricSet { .. } => {
                    vec![Fix::outside("put the metric set in MetricSetList")]
                }
                _ => vec![Fix::outside(
                    "give a CreateMetricSet request, the output of aws lookoutmetrics describe-metric-set, or a CloudFormation template",
                )],
            },
            Error::WorkerFailed => {
                vec![Fix::outside("run the scan again, and report this as a bug")]
            }
            Error::Backtest(_) => vec![
                Fix::outside("leave the metric out with a narrower selection of dimension values"),
                Fix::outside("report this as a bug"),
            ],
        }
    }
}

impl ReadProblem {
    /// What to do about a file that cannot be read.
    pub fn fixes(&self) -> Vec<Fix> {
        match self {
            ReadProblem::Binary { .. } => {
                vec![Fix::outside("remove it from the dataset")]
            }
            ReadProblem::Utf16 => vec![Fix::outside(
                "convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)",
            )],
            ReadProblem::InvalidUtf8 { .. } => vec![Fix::outside(
                "convert it to UTF-8 (e.g. iconv -f LATIN1 -t UTF-8)",
            )],
            ReadProblem::BadGzip { .. } => vec![Fix::outside("replace it with an intact copy")],
            ReadProblem::Empty => vec![Fix::outside("remove it or fill it")],
            ReadProblem::HeaderOnly => vec![Fix::outside("add data rows")],
            ReadProblem::NoLineBreak { .. } => vec![Fix::set(Setting::Format)],
            ReadProblem::Ragged { .. } => {
                vec![Fix::outside("fix that row"), Fix::set(Setting::Delimiter)]
            }
            ReadProblem::CrLineEnds => vec![Fix::outside(
                "convert the line ends to LF (e.g. tr '\\r' '\\n' < in.csv > out.csv)",
            )],
            ReadProblem::JsonArray => vec![Fix::outside(
                "write one object a line (e.g. jq -c '.[]' in.json > out.jsonl)",
            )],
            ReadProblem::NotJson { .. } | ReadProblem::NotJsonObject { .. } => {
                vec![
                    Fix::outside("fix that line"),
                    Fix::set_to(Setting::Format, "csv"),
                ]
            }
        }
    }
}

impl S3Error {
    /// What to do about an S3 failure.
    pub fn fixes(&self) -> Vec<Fix> {
        match self {
            S3Error::AccessDenied { .. } => vec![
                Fix::outside("check the policy of your profile or role"),
                Fix::set(Setting::Profile),
            ],
            S3Error::NoSuchBucket { .. } => vec![
                Fix::outside("check the bucket name"),
                Fix::set(Setting::Region),
                Fix::set(Setting::EndpointUrl),
            ],
            S3Error::NoSuchKey => vec![Fix::outside("check the path")],
            S3Error::WrongRegion { region, .. } => match region {
                Some(r) => vec![Fix::set_to(Setting::Region, r.clone())],
                None => vec![Fix::set(Setting::Region)],
            },
            S3Error::NoCredentials => vec![
                Fix::set(Setting::Profile),
                Fix::outside("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
                Fix::set(Setting::NoSignRequest),
            ],
            S3Error::ExpiredCredentials => vec![Fix::outside(
                "refresh the credentials (e.g. aws sso login) and retry",
            )],
            S3Error::CredentialsTimeout => vec![
                Fix::outside(
                    "check the profile's source of credentials (SSO login, credential_process)",
                ),
                Fix::set(Setting::Profile),
            ],
            S3Error::Throttled => vec![Fix::set(Setting::Concurrency)],
            S3Error::Timeout { .. } => vec![
                Fix::outside("check that the server runs and the network"),
                Fix::set(Setting::S3Timeout),
                Fix::set(Setting::EndpointUrl),
            ],
            S3Error::Unreachable { .. } => vec![
                Fix::outside("check that the server runs and the network"),
                Fix::set(Setting::EndpointUrl),
            ],
            S3Error::UntrustedCertificate { .. } => vec![
                Fix::outside(
                    "add the certificate authority that signed it to the system's trust store, or name its PEM file in SSL_CERT_FILE",
                ),
                Fix::set(Setting::EndpointUrl),
            ],
            S3Error::ConnectionLost { .. } => vec![Fix::outside(
                "retry, and check the network and any proxy on the way",
            )],
            S3Error::CutOff { .. } | S3Error::ResponseCut { .. } => vec![Fix::outside("retry")],
            S3Error::BadEndpoint { .. } => {
                vec![Fix::set_like(Setting::EndpointUrl, "http://127.0.0.1:9000")]
            }
            S3Error::Setup { .. } | S3Error::Other { .. } | S3Error::Cancelled => vec![],
        }
    }
}
