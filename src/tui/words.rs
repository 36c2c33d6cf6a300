//! How the terminal UI words what the engine says: a [`Fix`] becomes the key that makes it (read
//! from the key tables, so the words cannot drift from the keys) or the export form's field.

use super::export::FieldKey;
use super::keys::{self, Action, Binding};
use crate::fix::{Fix, Setting, Words};
use crate::schema::{Frequency, Role};

/// The label of the key that does `action` on a screen's table.
pub fn key(table: &[Binding], action: Action) -> &'static str {
    table
        .iter()
        .find(|b| b.action == action)
        .map(|b| b.label)
        .unwrap_or("?")
}

/// The keys that switch the interval, as a range read from the coverage table (`1-4`).
pub fn interval_keys() -> String {
    let first = key(keys::COVERAGE, Action::SetFrequency(Frequency::ALL[0]));
    match Frequency::ALL.last() {
        Some(&last) if Frequency::ALL.len() > 1 => {
            format!(
                "{first}-{}",
                key(keys::COVERAGE, Action::SetFrequency(last))
            )
        }
        _ => first.to_string(),
    }
}

/// The export form's field for a setting, if the form has one. The interval and the timezone have
/// fields too, but their fix is said as the coverage screen's keys, which scan again at once.
fn field(setting: Setting) -> Option<FieldKey> {
    FieldKey::ALL
        .into_iter()
        .find(|k| k.setting() == Some(setting))
        .filter(|k| !matches!(k, FieldKey::Frequency | FieldKey::Timezone))
}

/// The key that gives a column a role.
fn role_key(role: Role) -> &'static str {
    key(keys::DATASET, Action::SetRole(role))
}

fn role_words(role: Role) -> &'static str {
    match role {
        Role::Timestamp => "the timestamp",
        Role::Measure => "a measure",
        Role::Dimension => "a dimension",
        Role::Ignored => "ignored",
    }
}

/// One fix in this UI's words.
pub fn fix(f: &Fix) -> String {
    let (setting, column, value, example) = match f {
        Fix::Set {
            setting,
            column,
            value,
            example,
        } => (*setting, column.as_deref(), value.as_deref(), *example),
        Fix::Rescan => {
            return format!(
                "press {} on the coverage screen",
                key(keys::COVERAGE, Action::Rescan)
            );
        }
        Fix::Outside { what } => return what.clone(),
    };
    if let Some(field) = field(setting) {
        return match (value, example) {
            (Some(v), true) => format!("fill the export form's {} (like {v})", field.label()),
            (Some(v), false) => format!("set the export form's {} to {v}", field.label()),
            (None, _) => format!("fill the export form's {}", field.label()),
        };
    }
    setting_words(setting, column, value, example)
}

/// How to give a column a role: the key, on the column named if there is one.
fn role_fix(role: Role, column: Option<&str>) -> String {
    let on = column.map_or("a column".to_string(), |c| format!("column {c}"));
    format!("press {} on {on} ({})", role_key(role), role_words(role))
}

/// A setting the export form has no field for, as the key that sets it.
fn setting_words(
    setting: Setting,
    column: Option<&str>,
    value: Option<&str>,
    example: bool,
) -> String {
    match setting {
        Setting::Role(role) => role_fix(role, column),
        Setting::TimestampFormat => match (value, example) {
            (Some(v), false) => format!(
                "press {} and give {v}",
                key(keys::DATASET, Action::EditTimestampFormat)
            ),
            _ => format!(
                "press {} to give the timestamp format",
                key(keys::DATASET, Action::EditTimestampFormat)
            ),
        },
        Setting::Frequency => frequency_words(value),
        Setting::Timezone => format!(
            "press {} on the coverage screen to set the timezone",
            key(keys::COVERAGE, Action::EditTimezone)
        ),
        Setting::Recursive => format!(
            "press {} in the browser (the folder with its subfolders)",
            key(keys::BROWSER, Action::OpenDatasetRecursive)
        ),
        Setting::Format => format!("press {}", key(keys::DATASET, Action::CycleFormat)),
        Setting::Delimiter => format!("press {}", key(keys::DATASET, Action::CycleDelimiter)),
        Setting::Quote => format!("press {}", key(keys::DATASET, Action::CycleQuote)),
        Setting::Header => format!("press {}", key(keys::DATASET, Action::ToggleHeader)),
        Setting::Overwrite => "answer y to replace it".into(),
        Setting::Draft => "fix the errors first".into(),
        Setting::Concurrency => "scan again later".into(),
        Setting::Region
        | Setting::Profile
        | Setting::EndpointUrl
        | Setting::NoSignRequest
        | Setting::S3Timeout => "restart l4m with the right AWS settings (l4m --help)".into(),
        // A config's compression is fixed in the config (the data's own is detected).
        Setting::Compression => String::new(),
        // The export form's fields, worded by `fix` before this.
        Setting::Name
        | Setting::Description
        | Setting::Offset
        | Setting::RoleArn
        | Setting::DetectorArn
        | Setting::HistoricalPath
        | Setting::TemplatePath
        | Setting::Target
        | Setting::Output
        | Setting::Index
        | Setting::Namespace => String::new(),
    }
}

/// How to choose an interval: the key of the one asked for, else the keys of all.
fn frequency_words(value: Option<&str>) -> String {
    match value.and_then(|v| v.parse::<Frequency>().ok()) {
        Some(f) => format!(
            "press {} on the coverage screen ({})",
            key(keys::COVERAGE, Action::SetFrequency(f)),
            f.human()
        ),
        None => format!(
            "choose the interval with {} on the coverage screen",
            interval_keys()
        ),
    }
}

/// The terminal UI's words.
pub struct TuiWords;

impl Words for TuiWords {
    fn fix(&self, f: &Fix) -> String {
        fix(f)
    }
}
