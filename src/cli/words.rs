//! How the command line words what the engine says: a [`Fix`] becomes the flag that makes it, an
//! error or a finding one line that ends with what to do.

use l4m::config::{ConfigSource, Finding};
use l4m::fix::{Fix, Setting, Words};
use l4m::schema::{Frequency, Role};

/// The flag (with its value) that makes a setting, e.g. `--role-arn arn:aws:iam::ACCOUNT:role/NAME`.
fn flag(setting: Setting, column: Option<&str>, value: Option<&str>) -> String {
    let v = |default: &str| value.unwrap_or(default).to_string();
    let quoted = |default: &str| {
        let v = value.unwrap_or(default);
        if v.contains([' ', '{', '}']) {
            format!("'{v}'")
        } else {
            v.to_string()
        }
    };
    let col = column.unwrap_or("COL");
    match setting {
        Setting::Recursive => "--recursive".into(),
        Setting::Format => format!("--format {}", v("csv|jsonl")),
        Setting::Delimiter => format!("--delimiter {}", v("C")),
        Setting::Quote => format!("--quote {}", v("'\"'|\\'|none")),
        Setting::Header => "--header or --no-header".into(),
        Setting::Role(Role::Timestamp) => format!("--timestamp {col}"),
        Setting::Role(Role::Measure) => format!("--measure {col}"),
        Setting::Role(Role::Dimension) => format!("--dimension {col}"),
        Setting::Role(Role::Ignored) => format!("--ignore {col}"),
        Setting::TimestampFormat => {
            format!("--timestamp-format {}", quoted("yyyy-MM-dd HH:mm:ss"))
        }
        Setting::Frequency => format!(
            "--frequency {}",
            v(&Frequency::ALL.map(Frequency::as_str).join("|"))
        ),
        Setting::Timezone => format!("--timezone {}", v("TZ")),
        Setting::Concurrency => "a lower --concurrency".into(),
        Setting::Name => format!("--name {}", v("NAME")),
        Setting::Description => "--description TEXT".into(),
        Setting::Offset => format!("--offset {}", v("SECONDS")),
        Setting::RoleArn => format!("--role-arn {}", v("ARN")),
        Setting::DetectorArn => format!("--detector-arn {}", v("ARN")),
        Setting::HistoricalPath => format!("--historical-path {}", v("s3://bucket/folder/")),
        Setting::TemplatePath => format!("--template-path {}", quoted("s3://...")),
        Setting::Target => format!("--target {}", v("TARGET")),
        Setting::Overwrite => "--force to replace it".into(),
        Setting::Draft => "--draft".into(),
        Setting::Region => format!("--region {}", v("REGION")),
        Setting::Profile => format!("--profile {}", v("NAME")),
        Setting::EndpointUrl => format!("--endpoint-url {}", v("URL")),
        Setting::S3Timeout => format!("a longer --s3-timeout {}", v("SECONDS")),
        Setting::NoSignRequest => "--no-sign-request for a public bucket".into(),
        Setting::Output => "another path with -o".into(),
        Setting::Compression => "the files' real compression".into(),
        Setting::Index => format!("--index {}", quoted("PATTERN")),
        Setting::Namespace => format!("--namespace {}", v("NAMESPACE")),
    }
}

/// One fix in the command line's words.
pub fn fix(f: &Fix) -> String {
    match f {
        Fix::Set {
            setting,
            column,
            value,
            example,
        } => {
            let flag = flag(*setting, column.as_deref(), value.as_deref());
            let switch = matches!(
                setting,
                Setting::Recursive
                    | Setting::Overwrite
                    | Setting::Draft
                    | Setting::NoSignRequest
                    | Setting::Header
            );
            if switch {
                format!("add {flag}")
            } else if *example {
                format!("give {flag}")
            } else {
                format!("use {flag}")
            }
        }
        Fix::Rescan => "run the command again".into(),
        Fix::Outside { what } => what.clone(),
    }
}

/// Settings that `l4m check` itself takes as options; every other fix of a check is an edit of
/// the config.
fn check_option(setting: Setting) -> bool {
    matches!(
        setting,
        Setting::Recursive
            | Setting::Concurrency
            | Setting::Region
            | Setting::Profile
            | Setting::EndpointUrl
            | Setting::NoSignRequest
    )
}

/// A value as it is written in a config: booleans and numbers bare, text quoted.
fn config_value(v: &str) -> String {
    if v == "true" || v == "false" || v.parse::<i64>().is_ok() {
        v.to_string()
    } else {
        format!("{v:?}")
    }
}

/// One fix of `l4m check` in the words of the config file: the member to edit, by its path. A fix
/// that neither the config nor the command can make is left out.
pub fn config_fix(f: &Fix, config: &ConfigSource) -> Option<String> {
    let Fix::Set {
        setting,
        column,
        value,
        example,
    } = f
    else {
        return Some(fix(f));
    };
    if check_option(*setting) {
        return Some(fix(f));
    }
    if let (Setting::Role(Role::Ignored), Some(c)) = (setting, column) {
        return Some(format!("remove {c:?} from the config"));
    }
    let path = config.path_of(*setting)?;
    Some(match (setting, column, value) {
        (Setting::Role(Role::Timestamp), Some(c), _) => format!("set {path} to {c:?}"),
        (Setting::Role(_), Some(c), _) => format!("add {c:?} to {path}"),
        (_, _, Some(v)) if *example => format!("set {path} (like {})", config_value(v)),
        (_, _, Some(v)) => format!("set {path} to {}", config_value(v)),
        _ => format!("change {path}"),
    })
}

/// A finding of `l4m check` as one line: the member's path, the fact, and the edits that fix it.
pub fn config_finding(f: &Finding, config: &ConfigSource) -> String {
    let fixes: Vec<String> = f
        .fixes
        .iter()
        .filter_map(|x| config_fix(x, config))
        .collect();
    let fact = match &f.path {
        Some(p) => format!("{p}: {}", f.message),
        None => f.message.clone(),
    };
    if fixes.is_empty() {
        fact
    } else {
        format!("{fact}: {}", fixes.join(", or "))
    }
}

/// The command line's words.
pub struct CliWords;

impl Words for CliWords {
    fn fix(&self, f: &Fix) -> String {
        fix(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use l4m::source::Location;

    #[test]
    fn fixes_become_flags() {
        assert_eq!(
            fix(&Fix::set_like(
                Setting::RoleArn,
                "arn:aws:iam::ACCOUNT:role/NAME"
            )),
            "give --role-arn arn:aws:iam::ACCOUNT:role/NAME"
        );
        assert_eq!(
            fix(&Fix::label("views", Role::Measure)),
            "use --measure views"
        );
        assert_eq!(
            fix(&Fix::set_like(
                Setting::TemplatePath,
                "s3://bucket/live/{{yyyyMMdd}}/{{HHmm}}"
            )),
            "give --template-path 's3://bucket/live/{{yyyyMMdd}}/{{HHmm}}'"
        );
    }

    #[test]
    fn an_error_names_the_thing_and_the_flag_that_helps() {
        let e = l4m::Error::NoDataFiles {
            location: Location::parse("data").unwrap(),
            recursive: false,
            subfolders: 2,
            skipped: 0,
        };
        assert_eq!(
            CliWords.error(&e),
            "data: no CSV or JSON-lines files directly under this folder (2 subfolders are not read): add --recursive"
        );
    }
}
