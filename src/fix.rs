//! What the user can do about a finding or an error, as data.
//!
//! The engine never names a command-line flag or a key: it says which [`Setting`] to change (for
//! which column, to which value) or, when no setting can help, what to change in the data. The
//! command line words a fix as a flag (`--recursive`), the terminal UI as a key or a form field
//! (`O opens the folder with its subfolders`); both read the same [`Fix`].

use serde::Serialize;

use crate::schema::Role;

/// Something the user can set, in the command line's options or the terminal UI's screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Setting {
    /// Read the files in every subfolder too (the continuous layout).
    Recursive,
    /// The file format (CSV or JSON lines) instead of the detected one.
    Format,
    /// The CSV delimiter instead of the detected one.
    Delimiter,
    /// The CSV quote symbol instead of the detected one.
    Quote,
    /// Whether the first CSV line is a header.
    Header,
    /// The compression a config states (the data's own is detected from its bytes).
    Compression,
    /// A column's role: the timestamp, a measure, a dimension, or ignored.
    Role(Role),
    /// The timestamp format (an L4M pattern).
    TimestampFormat,
    /// The interval length.
    Frequency,
    /// The dataset's timezone.
    Timezone,
    /// How many files are read at once.
    Concurrency,
    /// The metric set (or detector) name.
    Name,
    /// The metric set (or detector) description.
    Description,
    /// The offset after an interval's end at which the detector reads it.
    Offset,
    /// The IAM role L4M assumes to read the data.
    RoleArn,
    /// The anomaly detector a metric set belongs to.
    DetectorArn,
    /// The S3 folder of historical data (backtest).
    HistoricalPath,
    /// The S3 path template of the continuous layout.
    TemplatePath,
    /// What to export (metric set request, CloudFormation...).
    Target,
    /// Replace an existing output file.
    Overwrite,
    /// Write the config even though findings hold errors.
    Draft,
    /// The AWS region.
    Region,
    /// The AWS profile (credentials).
    Profile,
    /// An S3-compatible endpoint.
    EndpointUrl,
    /// How long an S3 request may wait for an answer.
    S3Timeout,
    /// Send unsigned requests (public buckets).
    NoSignRequest,
    /// The output file.
    Output,
    /// The OpenSearch index (or index pattern) a detector reads.
    Index,
    /// The CloudWatch namespace of the metrics.
    Namespace,
}

/// Something the user should know that is not an error (a default taken), with how to change it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub message: String,
    pub fixes: Vec<Fix>,
}

/// One thing to do about a finding or an error. A list of fixes means "any one of these".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Fix {
    /// Change a setting: for `column` when it is about one, to `value` when the value is known
    /// (or is an `example` of what to give).
    Set {
        setting: Setting,
        #[serde(skip_serializing_if = "Option::is_none")]
        column: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        value: Option<String>,
        /// True when `value` only shows the shape of what to give (`arn:aws:iam::ACCOUNT:role/NAME`).
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        example: bool,
    },
    /// Scan the data again: the figures on screen come from other settings.
    Rescan,
    /// Something to change outside l4m (the data, the credentials, the bucket policy), in words
    /// that name no flag and no key.
    Outside { what: String },
}

impl Fix {
    /// Change a setting, no value given.
    pub fn set(setting: Setting) -> Fix {
        Fix::Set {
            setting,
            column: None,
            value: None,
            example: false,
        }
    }

    /// Change a setting to this value.
    pub fn set_to(setting: Setting, value: impl Into<String>) -> Fix {
        Fix::Set {
            setting,
            column: None,
            value: Some(value.into()),
            example: false,
        }
    }

    /// Give a setting a value shaped like `example`.
    pub fn set_like(setting: Setting, example: impl Into<String>) -> Fix {
        Fix::Set {
            setting,
            column: None,
            value: Some(example.into()),
            example: true,
        }
    }

    /// Give a column a role.
    pub fn label(column: impl Into<String>, role: Role) -> Fix {
        Fix::Set {
            setting: Setting::Role(role),
            column: Some(column.into()),
            value: None,
            example: false,
        }
    }

    /// Label some column with a role (which one is the user's choice).
    pub fn label_any(role: Role) -> Fix {
        Fix::set(Setting::Role(role))
    }

    /// Something to do outside l4m.
    pub fn outside(what: impl Into<String>) -> Fix {
        Fix::Outside { what: what.into() }
    }
}

/// How a face (the command line, the terminal UI) says what the engine states as data. A face
/// words each [`Fix`] its own way (a flag, a key, a form field); how a fact and its fixes make
/// one line is written here once.
pub trait Words {
    /// One fix in the face's words; empty when the face has nothing to say for it.
    fn fix(&self, fix: &Fix) -> String;

    /// Fixes as one phrase: "a, or b".
    fn fixes(&self, list: &[Fix]) -> String {
        list.iter()
            .map(|f| self.fix(f))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", or ")
    }

    /// A fact followed by what to do, when there is something to do.
    fn with_fixes(&self, fact: String, list: &[Fix]) -> String {
        let what = self.fixes(list);
        if what.is_empty() {
            fact
        } else {
            format!("{fact}: {what}")
        }
    }

    /// A notice as one line.
    fn notice(&self, n: &Notice) -> String {
        self.with_fixes(n.message.clone(), &n.fixes)
    }

    /// An engine error as one line.
    fn error(&self, e: &crate::Error) -> String {
        self.with_fixes(e.to_string(), &e.fixes())
    }

    /// A finding as one line, without its severity and rule.
    fn finding(&self, f: &crate::config::Finding) -> String {
        self.with_fixes(f.message.clone(), &f.fixes)
    }
}
