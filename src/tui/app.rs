//! The state of the terminal UI and how keys and worker answers change it.
//!
//! [`App`] is a plain state machine: [`App::on_key`] and [`App::on_response`] change it and queue
//! [`Request`]s for slow work; drawing is a pure function of it (see `ui`). Tests drive it with
//! keys and canned responses, without a terminal or threads.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use chrono_tz::Tz;
use ratatui::crossterm::event::KeyEvent;

use super::keys::{self, Action, Binding, Key};
use super::words;
use super::worker::{Request, Response};
use crate::config::export::{location_paths, name_from_location};
use crate::config::{self, ExportOptions, Finding, Syntax, Target};
use crate::coverage::{Coverage, ScanControl, ScanSpec};
use crate::format::{FileFormat, Overrides};
use crate::inspect::Inspection;
use crate::schema::timefmt::TimeFormat;
use crate::schema::{Frequency, Labels, Role};
use crate::source::dataset::non_data_reason;
use crate::source::{Entry, EntryKind, Location};

/// Which screen is in front.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Browser,
    Dataset,
    Coverage,
    Findings,
    Export,
}

/// A message in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

/// The folder browser.
#[derive(Debug, Clone)]
pub struct Browser {
    pub location: Location,
    pub entries: Vec<Entry>,
    pub loading: bool,
    pub error: Option<String>,
    /// Index into [`Browser::visible`].
    pub selected: usize,
    pub filter: String,
    /// True while the user types the filter.
    pub filtering: bool,
    /// The entry to select when the listing arrives (the folder we came up from).
    pub reselect: Option<String>,
    /// The cursor of the next page of a long listing (S3 prefixes come 1,000 keys a page).
    pub next: Option<String>,
    /// True while the next page is being fetched.
    pub loading_more: bool,
}

impl Browser {
    /// The entries that pass the filter (case-insensitive substring).
    pub fn visible(&self) -> Vec<&Entry> {
        let f = self.filter.to_lowercase();
        self.entries
            .iter()
            .filter(|e| f.is_empty() || e.name.to_lowercase().contains(&f))
            .collect()
    }
}

/// True for folder names that look like an interval of the continuous layout: `20201001`, `0100`,
/// `2020-10-01`, `intvl_date=2020-10-01`, `2020`, `10`.
pub fn is_interval_folder(name: &str) -> bool {
    let value = name.rsplit_once('=').map(|(_, v)| v).unwrap_or(name);
    let digits = value.bytes().filter(u8::is_ascii_digit).count();
    let all_time_chars = value
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'-' || b == b'_');
    all_time_chars && matches!(value.len(), 2 | 4 | 8 | 10 | 12) && digits >= 2
}

/// A file or folder opened as a dataset: its detection, sample and labels.
#[derive(Debug, Clone)]
pub struct DatasetView {
    pub location: Location,
    pub recursive: bool,
    pub overrides: Overrides,
    pub loading: bool,
    pub error: Option<String>,
    pub inspection: Option<Arc<Inspection>>,
    pub labels: Labels,
    /// The interval the user chose (else the detected one).
    pub frequency: Option<Frequency>,
    pub timezone: Tz,
    /// Selected column.
    pub column: usize,
    /// First sample row shown.
    pub row: usize,
    /// The timestamp format being edited.
    pub format_input: Option<String>,
}

impl DatasetView {
    /// The interval in force: chosen, else detected.
    pub fn frequency(&self) -> Option<Frequency> {
        self.frequency
            .or_else(|| self.inspection.as_ref().and_then(|i| i.frequency.value))
    }

    fn columns(&self) -> usize {
        self.inspection
            .as_ref()
            .map(|i| i.detection.sample.columns.len())
            .unwrap_or(0)
    }

    fn rows(&self) -> usize {
        self.inspection
            .as_ref()
            .map(|i| i.detection.sample.rows.len())
            .unwrap_or(0)
    }

    /// How a timestamp format fares on the sample: (parsed, total, first value that does not
    /// parse, compile error). At most 5,000 values are tried, so typing stays instant.
    pub fn format_check(&self, format: &str) -> (usize, usize, Option<String>, Option<String>) {
        let Some(i) = &self.inspection else {
            return (0, 0, None, None);
        };
        let Some(col) = self.labels.timestamp() else {
            return (
                0,
                0,
                None,
                Some("no timestamp column: press t on one".into()),
            );
        };
        let Some(j) = i.detection.sample.columns.iter().position(|c| c == col) else {
            return (0, 0, None, None);
        };
        let tf = match TimeFormat::compile(format) {
            Ok(tf) => tf,
            Err(e) => return (0, 0, None, Some(e.to_string())),
        };
        let mut parsed = 0;
        let mut total = 0;
        let mut first_bad = None;
        for row in i.detection.sample.rows.iter().take(5_000) {
            let v = row.get(j).map(|v| v.trim()).unwrap_or("");
            if v.is_empty() {
                continue;
            }
            total += 1;
            if tf.parse(v).is_some() {
                parsed += 1;
            } else if first_bad.is_none() {
                first_bad = Some(v.to_string());
            }
        }
        (parsed, total, first_bad, None)
    }
}

/// The coverage screen: a scan and its result.
#[derive(Debug, Clone)]
pub struct CoverageView {
    pub frequency: Frequency,
    pub timezone: Tz,
    pub scan_id: u64,
    /// Set while a scan runs.
    pub control: Option<Arc<ScanControl>>,
    pub files_total: usize,
    pub bytes_total: u64,
    pub result: Option<Arc<Coverage>>,
    /// Records per interval from the first one (0: none), laid out once when the result arrives
    /// so that drawing the histogram is a walk over a slice.
    pub per_interval: Arc<Vec<u64>>,
    pub error: Option<String>,
    /// Intervals per histogram column; `None` fits the whole span.
    pub zoom: Option<usize>,
    /// First interval (index from the first interval with data) shown.
    pub scroll: usize,
    pub tz_input: Option<String>,
}

impl CoverageView {
    pub fn running(&self) -> bool {
        self.control.is_some()
    }

    /// Intervals per column for a histogram `width` columns wide.
    pub fn effective_zoom(&self, width: usize) -> usize {
        match (self.zoom, &self.result) {
            (Some(z), _) => z.max(1),
            (None, Some(r)) => (r.intervals_spanned as usize).div_ceil(width.max(1)).max(1),
            (None, None) => 1,
        }
    }
}

/// The fields of the export form, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKey {
    Target,
    Yaml,
    Name,
    Description,
    Frequency,
    Offset,
    Timezone,
    RoleArn,
    DetectorArn,
    HistoricalPath,
    TemplatePath,
    Output,
}

impl FieldKey {
    pub const ALL: [FieldKey; 12] = [
        FieldKey::Target,
        FieldKey::Yaml,
        FieldKey::Name,
        FieldKey::Description,
        FieldKey::Frequency,
        FieldKey::Offset,
        FieldKey::Timezone,
        FieldKey::RoleArn,
        FieldKey::DetectorArn,
        FieldKey::HistoricalPath,
        FieldKey::TemplatePath,
        FieldKey::Output,
    ];

    pub fn label(self) -> &'static str {
        match self {
            FieldKey::Target => "target",
            FieldKey::Yaml => "syntax",
            FieldKey::Name => "name",
            FieldKey::Description => "description",
            FieldKey::Frequency => "interval",
            FieldKey::Offset => "offset (s)",
            FieldKey::Timezone => "timezone",
            FieldKey::RoleArn => "role ARN",
            FieldKey::DetectorArn => "detector ARN",
            FieldKey::HistoricalPath => "historical path",
            FieldKey::TemplatePath => "path template",
            FieldKey::Output => "write to",
        }
    }
}

/// The export form.
#[derive(Debug, Clone)]
pub struct ExportForm {
    pub target: Target,
    pub yaml: bool,
    pub values: HashMap<&'static str, String>,
    pub selected: usize,
    /// The text being typed into the selected field.
    pub editing: Option<String>,
    /// Waiting for y/n before replacing this file.
    pub confirm_overwrite: Option<PathBuf>,
    /// First line of the preview shown.
    pub preview_scroll: usize,
    /// Set once the user touched the output path (then a target change keeps it).
    pub output_edited: bool,
}

impl ExportForm {
    fn new() -> ExportForm {
        ExportForm {
            target: Target::MetricSet,
            yaml: false,
            values: HashMap::new(),
            selected: 0,
            editing: None,
            confirm_overwrite: None,
            preview_scroll: 0,
            output_edited: false,
        }
    }

    /// The text of a field.
    pub fn value(&self, key: FieldKey) -> String {
        match key {
            FieldKey::Target => match self.target {
                Target::MetricSet => "CreateMetricSet request".into(),
                Target::CloudFormation => "CloudFormation template".into(),
            },
            FieldKey::Yaml => if self.yaml { "YAML" } else { "JSON" }.into(),
            other => self.values.get(other.label()).cloned().unwrap_or_default(),
        }
    }

    fn set(&mut self, key: FieldKey, value: String) {
        self.values.insert(key.label(), value);
    }

    fn default_output(&self) -> String {
        let name = self.value(FieldKey::Name);
        let stem = if name.is_empty() {
            "l4m".to_string()
        } else {
            name
        };
        match (self.target, self.yaml) {
            (Target::MetricSet, _) => format!("{stem}-metric-set.json"),
            (Target::CloudFormation, false) => format!("{stem}-cloudformation.json"),
            (Target::CloudFormation, true) => format!("{stem}-cloudformation.yaml"),
        }
    }
}

/// Everything the terminal UI knows.
#[derive(Debug)]
pub struct App {
    pub screen: Screen,
    pub browser: Browser,
    pub dataset: Option<DatasetView>,
    pub coverage: Option<CoverageView>,
    pub export: ExportForm,
    pub findings: Vec<Finding>,
    pub findings_selected: usize,
    pub help: bool,
    pub status: Option<Status>,
    pub quit: bool,
    /// Terminal size (columns, rows), kept for paging and fitting.
    pub size: (u16, u16),
    requests: Vec<Request>,
    next_scan_id: u64,
    /// Labels per dataset folder, so they persist while moving between its files.
    memory: HashMap<Location, Labels>,
    /// Screen to return to from findings / export.
    back_to: Vec<Screen>,
}

/// Records per interval index (from the first interval with data), 0 where none.
fn per_interval(c: &Coverage) -> Vec<u64> {
    let len = c.frequency.seconds();
    let Some(first) = c.first_interval.map(|t| t.timestamp()) else {
        return Vec::new();
    };
    let mut out = vec![0; c.intervals_spanned as usize];
    for iv in &c.intervals {
        let k = ((iv.start.timestamp() - first) / len) as usize;
        if let Some(slot) = out.get_mut(k) {
            *slot = iv.records;
        }
    }
    out
}

/// Where the labels of a dataset are remembered: the folder of a file, or the folder itself.
fn dataset_key(location: &Location, is_file: bool) -> Location {
    if is_file {
        location.parent().unwrap_or_else(|| location.clone())
    } else {
        location.clone()
    }
}

impl App {
    /// A new app on a location: a folder opens in the browser, a file opens as a dataset.
    pub fn new(location: Location, is_file: bool) -> App {
        let browser_at = if is_file {
            location.parent().unwrap_or_else(|| location.clone())
        } else {
            location.clone()
        };
        let mut app = App {
            screen: Screen::Browser,
            browser: Browser {
                location: browser_at.clone(),
                entries: Vec::new(),
                loading: true,
                error: None,
                selected: 0,
                filter: String::new(),
                filtering: false,
                reselect: None,
                next: None,
                loading_more: false,
            },
            dataset: None,
            coverage: None,
            export: ExportForm::new(),
            findings: Vec::new(),
            findings_selected: 0,
            help: false,
            status: None,
            quit: false,
            size: (80, 24),
            requests: vec![Request::List {
                location: browser_at,
                cursor: None,
            }],
            next_scan_id: 0,
            memory: HashMap::new(),
            back_to: Vec::new(),
        };
        if is_file {
            app.open_dataset(location, false);
        }
        app
    }

    /// The requests queued since the last call.
    pub fn take_requests(&mut self) -> Vec<Request> {
        std::mem::take(&mut self.requests)
    }

    /// Carry out every queued request in line against `source`, and the ones their answers
    /// queue, until none is left: the event loop's threads without the threads (tests, scripts).
    pub fn settle(&mut self, source: &dyn crate::source::Source) {
        loop {
            let requests = self.take_requests();
            if requests.is_empty() {
                return;
            }
            for r in requests {
                let response = super::worker::run(source, r);
                self.on_response(response);
            }
        }
    }

    /// The key table of the screen in front.
    pub fn bindings(&self) -> &'static [Binding] {
        match self.screen {
            Screen::Browser => keys::BROWSER,
            Screen::Dataset => keys::DATASET,
            Screen::Coverage => keys::COVERAGE,
            Screen::Findings => keys::FINDINGS,
            Screen::Export => keys::EXPORT,
        }
    }

    /// Show a note in the status bar (e.g. how the S3 client was configured).
    pub fn note(&mut self, text: impl Into<String>) {
        self.info(text);
    }

    fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: false,
        });
    }

    fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: true,
        });
    }

    /// Rows of a page in list screens.
    fn page(&self) -> usize {
        (self.size.1 as usize).saturating_sub(8).max(1)
    }

    /// Handle a terminal key.
    pub fn on_key(&mut self, event: KeyEvent) {
        if let Some(key) = Key::from_event(&event) {
            self.key(key);
        }
    }

    /// Handle a key (tests call this directly).
    pub fn key(&mut self, key: Key) {
        if self.help {
            self.help = false;
            return;
        }
        if key == Key::CtrlC {
            self.quit = true;
            return;
        }
        if self.text_input(key) {
            return;
        }
        if self.screen == Screen::Export && self.export.confirm_overwrite.is_some() {
            self.confirm(key);
            return;
        }
        match keys::lookup(self.bindings(), key) {
            Some(action) => {
                self.status = None;
                self.act(action);
            }
            None => {
                if let Key::Char(c) = key {
                    self.info(format!("{c}: no such key here; ? shows the keys"));
                }
            }
        }
    }

    /// Mouse wheel: three lines up or down on the screen in front.
    pub fn scroll(&mut self, down: bool) {
        for _ in 0..3 {
            self.act(if down { Action::Down } else { Action::Up });
        }
    }

    /// Typing into a text field; returns true when the key was taken.
    fn text_input(&mut self, key: Key) -> bool {
        // Which buffer is being edited, if any.
        let buffer: Option<&mut String> = match self.screen {
            Screen::Browser if self.browser.filtering => Some(&mut self.browser.filter),
            Screen::Dataset => self.dataset.as_mut().and_then(|d| d.format_input.as_mut()),
            Screen::Coverage => self.coverage.as_mut().and_then(|c| c.tz_input.as_mut()),
            Screen::Export => self.export.editing.as_mut(),
            _ => None,
        };
        let Some(buffer) = buffer else {
            return false;
        };
        match key {
            Key::Char(c) => buffer.push(c),
            Key::Backspace => {
                buffer.pop();
            }
            Key::Enter => self.commit_input(),
            Key::Esc => self.cancel_input(),
            _ => return true,
        }
        if self.screen == Screen::Browser {
            self.browser.selected = 0;
        }
        true
    }

    fn commit_input(&mut self) {
        match self.screen {
            Screen::Browser => self.browser.filtering = false,
            Screen::Dataset => {
                let Some(d) = self.dataset.as_mut() else {
                    return;
                };
                let Some(text) = d.format_input.take() else {
                    return;
                };
                match d.labels.set_timestamp_format(text.trim()) {
                    Ok(()) => {
                        self.info(format!("timestamp format set to {}", text.trim()));
                        self.labels_changed();
                    }
                    Err(e) => {
                        d.format_input = Some(text);
                        self.error(words::error(&e));
                    }
                }
            }
            Screen::Coverage => {
                let Some(c) = self.coverage.as_mut() else {
                    return;
                };
                let Some(text) = c.tz_input.take() else {
                    return;
                };
                match text.trim().parse::<Tz>() {
                    Ok(tz) => {
                        c.timezone = tz;
                        if let Some(d) = self.dataset.as_mut() {
                            d.timezone = tz;
                        }
                        self.export.set(FieldKey::Timezone, tz.name().to_string());
                        self.start_scan();
                    }
                    Err(_) => {
                        c.tz_input = Some(text.clone());
                        self.error(format!(
                            "unknown timezone {:?}: use an IANA name such as UTC or Europe/Paris",
                            text.trim()
                        ));
                    }
                }
            }
            Screen::Export => {
                let Some(text) = self.export.editing.take() else {
                    return;
                };
                let key = FieldKey::ALL[self.export.selected];
                if key == FieldKey::Output {
                    self.export.output_edited = true;
                }
                if key == FieldKey::Frequency && !text.trim().is_empty() {
                    match text.trim().parse::<Frequency>() {
                        Ok(f) => {
                            self.export.set(key, f.as_str().into());
                            if let Some(d) = self.dataset.as_mut() {
                                d.frequency = Some(f);
                            }
                        }
                        Err(e) => {
                            self.export.editing = Some(text);
                            self.error(e);
                            return;
                        }
                    }
                } else {
                    self.export.set(key, text.trim().to_string());
                }
                if key == FieldKey::Name && !self.export.output_edited {
                    let out = self.export.default_output();
                    self.export.set(FieldKey::Output, out);
                }
                self.refresh_findings();
            }
            Screen::Findings => {}
        }
    }

    fn cancel_input(&mut self) {
        match self.screen {
            Screen::Browser => {
                self.browser.filtering = false;
                self.browser.filter.clear();
            }
            Screen::Dataset => {
                if let Some(d) = self.dataset.as_mut() {
                    d.format_input = None;
                }
            }
            Screen::Coverage => {
                if let Some(c) = self.coverage.as_mut() {
                    c.tz_input = None;
                }
            }
            Screen::Export => self.export.editing = None,
            Screen::Findings => {}
        }
    }

    fn confirm(&mut self, key: Key) {
        let Some(path) = self.export.confirm_overwrite.take() else {
            return;
        };
        if matches!(key, Key::Char('y') | Key::Char('Y')) {
            self.queue_write(path, true);
        } else {
            self.info("not written: the existing file is kept");
        }
    }

    /// Carry out an action on the screen in front.
    pub fn act(&mut self, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.help = true,
            _ => match self.screen {
                Screen::Browser => self.browser_action(action),
                Screen::Dataset => self.dataset_action(action),
                Screen::Coverage => self.coverage_action(action),
                Screen::Findings => self.findings_action(action),
                Screen::Export => self.export_action(action),
            },
        }
    }

    fn go_back(&mut self) {
        self.screen = self.back_to.pop().unwrap_or(Screen::Dataset);
    }

    fn push_screen(&mut self, screen: Screen) {
        if self.screen != screen {
            self.back_to.push(self.screen);
            self.screen = screen;
        }
    }

    // ---- browser -------------------------------------------------------------------------

    fn browser_action(&mut self, action: Action) {
        self.browser_move(action);
        if self.screen == Screen::Browser {
            self.more_if_needed();
        }
    }

    fn browser_move(&mut self, action: Action) {
        let count = self.browser.visible().len();
        let page = self.page();
        let b = &mut self.browser;
        match action {
            Action::Down => b.selected = (b.selected + 1).min(count.saturating_sub(1)),
            Action::Up => b.selected = b.selected.saturating_sub(1),
            Action::Top => b.selected = 0,
            Action::Bottom => b.selected = count.saturating_sub(1),
            Action::PageDown => b.selected = (b.selected + page).min(count.saturating_sub(1)),
            Action::PageUp => b.selected = b.selected.saturating_sub(page),
            Action::Filter => {
                b.filtering = true;
                b.filter.clear();
            }
            Action::Back => {
                if !b.filter.is_empty() {
                    b.filter.clear();
                    b.selected = 0;
                } else if let Some(up) = b.location.parent() {
                    let from = b.location.file_name();
                    self.list(up);
                    self.browser.reselect = Some(from);
                }
            }
            Action::Open => {
                let Some(entry) = b.visible().get(b.selected).map(|e| (*e).clone()) else {
                    return;
                };
                match entry.kind {
                    EntryKind::Folder => self.list(entry.location),
                    EntryKind::File => {
                        if let Some(reason) = non_data_reason(&entry.name) {
                            self.error(format!("{}: {reason}", entry.name));
                        } else {
                            self.open_dataset(entry.location, false);
                        }
                    }
                    EntryKind::Other(why) => self.error(format!("{}: not read: {why}", entry.name)),
                }
            }
            Action::OpenDataset | Action::OpenDatasetRecursive => {
                let location = b.location.clone();
                self.open_dataset(location, action == Action::OpenDatasetRecursive);
            }
            _ => {}
        }
    }

    fn list(&mut self, location: Location) {
        self.browser.location = location.clone();
        self.browser.loading = true;
        self.browser.error = None;
        self.browser.selected = 0;
        self.browser.next = None;
        self.browser.loading_more = false;
        self.requests.push(Request::List {
            location,
            cursor: None,
        });
    }

    /// Fetch the next page of a long listing once the selection nears the end of what is shown.
    fn more_if_needed(&mut self) {
        let b = &mut self.browser;
        let near_end = b.selected + 100 >= b.entries.len();
        if near_end
            && !b.loading_more
            && let Some(cursor) = b.next.clone()
        {
            b.loading_more = true;
            self.requests.push(Request::List {
                location: b.location.clone(),
                cursor: Some(cursor),
            });
        }
    }

    // ---- dataset -------------------------------------------------------------------------

    fn open_dataset(&mut self, location: Location, recursive: bool) {
        let overrides = Overrides::default();
        self.dataset = Some(DatasetView {
            location: location.clone(),
            recursive,
            overrides: overrides.clone(),
            loading: true,
            error: None,
            inspection: None,
            labels: Labels::default(),
            frequency: None,
            timezone: chrono_tz::UTC,
            column: 0,
            row: 0,
            format_input: None,
        });
        self.coverage = None;
        self.back_to.clear();
        self.screen = Screen::Dataset;
        self.requests.push(Request::Inspect {
            location,
            recursive,
            overrides,
        });
    }

    fn reinspect(&mut self) {
        let Some(d) = self.dataset.as_mut() else {
            return;
        };
        d.loading = true;
        d.error = None;
        self.requests.push(Request::Inspect {
            location: d.location.clone(),
            recursive: d.recursive,
            overrides: d.overrides.clone(),
        });
    }

    fn dataset_action(&mut self, action: Action) {
        let page = self.page();
        let Some(d) = self.dataset.as_mut() else {
            self.screen = Screen::Browser;
            return;
        };
        let columns = d.columns();
        let rows = d.rows();
        let column_name = d
            .inspection
            .as_ref()
            .and_then(|i| i.detection.sample.columns.get(d.column).cloned());
        match action {
            Action::Left => d.column = d.column.saturating_sub(1),
            Action::Right => d.column = (d.column + 1).min(columns.saturating_sub(1)),
            Action::Down => d.row = (d.row + 1).min(rows.saturating_sub(1)),
            Action::Up => d.row = d.row.saturating_sub(1),
            Action::Top => d.row = 0,
            Action::Bottom => d.row = rows.saturating_sub(1),
            Action::PageDown => d.row = (d.row + page).min(rows.saturating_sub(1)),
            Action::PageUp => d.row = d.row.saturating_sub(page),
            Action::Back => {
                self.screen = Screen::Browser;
            }
            Action::SetRole(role) => {
                let Some(name) = column_name else { return };
                let profiles = d
                    .inspection
                    .as_ref()
                    .map(|i| i.profiles.as_slice())
                    .unwrap_or_default();
                let done = if role == Role::Timestamp {
                    d.labels.choose_timestamp(&name, profiles)
                } else {
                    d.labels.set(&name, role, None)
                };
                if let Err(e) = done {
                    self.error(words::error(&e));
                    return;
                }
                if role == Role::Timestamp && d.labels.timestamp_format.is_none() {
                    self.info(format!(
                        "{name} is the timestamp; its values match no known format: press f to give one"
                    ));
                }
                self.labels_changed();
            }
            Action::ToggleAggregation => {
                let Some(name) = column_name else { return };
                let Some(label) = d.labels.get(&name).cloned() else {
                    return;
                };
                if label.role != Role::Measure {
                    self.info(format!("{name} is not a measure: press m first"));
                    return;
                }
                let _ = d
                    .labels
                    .set(&name, Role::Measure, Some(label.aggregation.toggled()));
                self.labels_changed();
            }
            Action::ResetLabels => {
                if let Some(i) = &d.inspection {
                    d.labels = i.suggested.clone();
                    self.info("labels reset to the suggestions");
                    self.labels_changed();
                }
            }
            Action::EditTimestampFormat => {
                if d.labels.timestamp().is_none() {
                    self.info("label a timestamp column first (t)");
                    return;
                }
                d.format_input = Some(
                    d.labels
                        .timestamp_format
                        .as_ref()
                        .map(|f| f.pattern().to_string())
                        .unwrap_or_default(),
                );
            }
            Action::CycleFormat => {
                let now = d.inspection.as_ref().map(|i| i.detection.format.value);
                d.overrides.format = Some(match now {
                    Some(FileFormat::Csv) => FileFormat::Jsonl,
                    _ => FileFormat::Csv,
                });
                self.reinspect();
            }
            Action::CycleDelimiter => {
                const ORDER: [u8; 5] = [b',', b'\t', b'|', b';', b' '];
                let now = d
                    .inspection
                    .as_ref()
                    .map(|i| i.detection.delimiter.value)
                    .unwrap_or(b',');
                let at = ORDER.iter().position(|&x| x == now).unwrap_or(0);
                d.overrides.delimiter = Some(ORDER[(at + 1) % ORDER.len()]);
                d.overrides.has_header = None;
                self.reinspect();
            }
            Action::CycleQuote => {
                let now = d.inspection.as_ref().and_then(|i| i.detection.quote.value);
                d.overrides.quote = Some(match now {
                    Some(b'"') => Some(b'\''),
                    Some(_) => None,
                    None => Some(b'"'),
                });
                self.reinspect();
            }
            Action::ToggleHeader => {
                let now = d
                    .inspection
                    .as_ref()
                    .map(|i| i.detection.header.value)
                    .unwrap_or(true);
                d.overrides.has_header = Some(!now);
                self.reinspect();
            }
            Action::Coverage => self.open_coverage(),
            Action::Findings => {
                self.refresh_findings();
                self.push_screen(Screen::Findings);
            }
            Action::Export => self.open_export(),
            _ => {}
        }
    }

    /// Labels changed: remember them for the dataset, and update findings.
    fn labels_changed(&mut self) {
        if let Some(d) = &self.dataset
            && let Some(i) = &d.inspection
        {
            let key = dataset_key(&d.location, !i.dataset.is_folder);
            self.memory.insert(key, d.labels.clone());
        }
        self.refresh_findings();
    }

    // ---- coverage ------------------------------------------------------------------------

    fn open_coverage(&mut self) {
        let Some(d) = &self.dataset else { return };
        if d.inspection.is_none() {
            self.info("the dataset is still being read");
            return;
        }
        if d.labels.timestamp().is_none() {
            self.error("no timestamp column: move to it and press t");
            return;
        }
        if d.labels.timestamp_format.is_none() {
            self.error("no timestamp format: press f to give one");
            return;
        }
        let mut note = None;
        let frequency = match d.frequency() {
            Some(f) => f,
            None => {
                let daily = d
                    .labels
                    .timestamp_format
                    .as_ref()
                    .is_some_and(|f| f.is_date_only());
                let f = if daily {
                    Frequency::P1D
                } else {
                    Frequency::PT1H
                };
                note = Some(format!(
                    "the interval could not be detected: showing {}; press 1-4 to choose",
                    f.human()
                ));
                f
            }
        };
        let timezone = d.timezone;
        if let Some(n) = note {
            self.info(n);
        }
        let keep = self.coverage.as_ref().is_some_and(|c| {
            c.frequency == frequency && c.timezone == timezone && c.result.is_some()
        });
        self.push_screen(Screen::Coverage);
        if !keep {
            self.coverage = Some(CoverageView {
                frequency,
                timezone,
                scan_id: 0,
                control: None,
                files_total: 0,
                bytes_total: 0,
                result: None,
                per_interval: Arc::default(),
                error: None,
                zoom: None,
                scroll: 0,
                tz_input: None,
            });
            self.start_scan();
        }
    }

    fn start_scan(&mut self) {
        let (Some(d), Some(c)) = (self.dataset.as_ref(), self.coverage.as_mut()) else {
            return;
        };
        let Some(inspection) = d.inspection.clone() else {
            return;
        };
        let Ok(spec) = ScanSpec::from_labels(&inspection, &d.labels, Some(c.frequency), c.timezone)
        else {
            return;
        };
        if let Some(old) = c.control.take() {
            old.cancel();
        }
        self.next_scan_id += 1;
        let control = Arc::new(ScanControl::default());
        c.scan_id = self.next_scan_id;
        c.control = Some(Arc::clone(&control));
        c.files_total = inspection.dataset.files.len();
        c.bytes_total = inspection.dataset.total_bytes();
        c.error = None;
        c.scroll = 0;
        self.requests.push(Request::Scan {
            id: self.next_scan_id,
            inspection,
            spec,
            control,
        });
    }

    fn coverage_action(&mut self, action: Action) {
        let width = (self.size.0 as usize).saturating_sub(4);
        let Some(c) = self.coverage.as_mut() else {
            self.screen = Screen::Dataset;
            return;
        };
        let spanned = c
            .result
            .as_ref()
            .map(|r| r.intervals_spanned as usize)
            .unwrap_or(0);
        let zoom = c.effective_zoom(width);
        let step = (width / 2).max(1) * zoom;
        match action {
            Action::Back => {
                if let Some(control) = &c.control {
                    control.cancel();
                    self.info("cancelling the scan: the figures will be partial");
                } else {
                    self.go_back();
                }
            }
            Action::SetFrequency(f) => {
                c.frequency = f;
                c.zoom = None;
                if let Some(d) = self.dataset.as_mut() {
                    d.frequency = Some(f);
                }
                self.export.set(FieldKey::Frequency, f.as_str().into());
                self.start_scan();
            }
            Action::EditTimezone => c.tz_input = Some(c.timezone.name().to_string()),
            Action::ZoomIn => {
                c.zoom = Some((zoom / 2).max(1));
            }
            Action::ZoomOut => {
                c.zoom = Some((zoom * 2).min(spanned.max(1)));
            }
            Action::Left => c.scroll = c.scroll.saturating_sub(step),
            Action::Right => c.scroll = (c.scroll + step).min(spanned.saturating_sub(1)),
            Action::Top => c.scroll = 0,
            Action::Bottom => c.scroll = spanned.saturating_sub(width * zoom),
            Action::Rescan => self.start_scan(),
            Action::Findings => {
                self.refresh_findings();
                self.push_screen(Screen::Findings);
            }
            Action::Export => self.open_export(),
            _ => {}
        }
    }

    // ---- findings ------------------------------------------------------------------------

    /// The export options as the form holds them.
    pub fn export_options(&self) -> ExportOptions {
        let f = &self.export;
        let opt = |k: FieldKey| {
            let v = f.value(k);
            (!v.trim().is_empty()).then(|| v.trim().to_string())
        };
        ExportOptions {
            target: f.target,
            syntax: if f.yaml { Syntax::Yaml } else { Syntax::Json },
            name: opt(FieldKey::Name),
            description: opt(FieldKey::Description),
            frequency: opt(FieldKey::Frequency)
                .and_then(|v| v.parse().ok())
                .or_else(|| self.dataset.as_ref().and_then(|d| d.frequency())),
            offset: opt(FieldKey::Offset).and_then(|v| v.parse().ok()),
            timezone: opt(FieldKey::Timezone)
                .and_then(|v| v.parse().ok())
                .or_else(|| self.dataset.as_ref().map(|d| d.timezone))
                .unwrap_or(Tz::UTC),
            role_arn: opt(FieldKey::RoleArn),
            detector_arn: opt(FieldKey::DetectorArn),
            historical_path: opt(FieldKey::HistoricalPath),
            template_path: opt(FieldKey::TemplatePath),
        }
    }

    /// The config the export form would write, and its text.
    pub fn export_preview(&self) -> Option<(serde_json::Value, String)> {
        let d = self.dataset.as_ref()?;
        let i = d.inspection.as_ref()?;
        let options = self.export_options();
        let value = config::build(&d.labels, &i.dialect(), &options);
        let text = config::export::render(&value, options.syntax);
        Some((value, text))
    }

    /// Recompute the findings for the current labels, coverage and export form.
    pub fn refresh_findings(&mut self) {
        let Some(d) = &self.dataset else { return };
        let Some(i) = &d.inspection else { return };
        let options = self.export_options();
        let dialect = i.dialect();
        let coverage = self.coverage.as_ref().and_then(|c| c.result.as_deref());
        let review = config::findings::review(&config::findings::Context {
            labels: &d.labels,
            profiles: &i.profiles,
            dialect: &dialect,
            coverage,
            options: &options,
        });
        self.findings = review.findings;
        self.findings_selected = self
            .findings_selected
            .min(self.findings.len().saturating_sub(1));
    }

    fn findings_action(&mut self, action: Action) {
        let n = self.findings.len();
        match action {
            Action::Down => {
                self.findings_selected = (self.findings_selected + 1).min(n.saturating_sub(1))
            }
            Action::Up => self.findings_selected = self.findings_selected.saturating_sub(1),
            Action::Top => self.findings_selected = 0,
            Action::Bottom => self.findings_selected = n.saturating_sub(1),
            Action::Coverage => {
                self.screen = Screen::Dataset;
                self.open_coverage();
            }
            Action::Export => self.open_export(),
            Action::Back => self.go_back(),
            _ => {}
        }
    }

    // ---- export --------------------------------------------------------------------------

    fn open_export(&mut self) {
        if self
            .dataset
            .as_ref()
            .and_then(|d| d.inspection.as_ref())
            .is_none()
        {
            self.info("the dataset is still being read");
            return;
        }
        self.prefill_export();
        self.refresh_findings();
        self.push_screen(Screen::Export);
    }

    /// Fill the export form with what the location and the labels tell; what the user typed stays.
    fn prefill_export(&mut self) {
        let Some(d) = &self.dataset else { return };
        let Some(i) = &d.inspection else { return };
        let root = i.dataset.root.clone();
        let is_folder = i.dataset.is_folder;
        let frequency = d.frequency();
        let tz = d.timezone.name().to_string();
        let template = i.template.clone();
        let f = &mut self.export;
        // Prefill what the location and the labels tell; keep what the user typed.
        let mut prefill = |key: FieldKey, value: Option<String>| {
            if f.value(key).is_empty()
                && let Some(v) = value
            {
                f.set(key, v);
            }
        };
        prefill(FieldKey::Name, name_from_location(&root));
        prefill(
            FieldKey::Frequency,
            frequency.map(|f| f.as_str().to_string()),
        );
        prefill(FieldKey::Timezone, Some(tz));
        let (historical, templated) = location_paths(&root, is_folder, template.as_ref());
        prefill(FieldKey::HistoricalPath, historical);
        prefill(FieldKey::TemplatePath, templated);
        if !f.output_edited {
            let out = f.default_output();
            f.set(FieldKey::Output, out);
        }
    }

    fn export_action(&mut self, action: Action) {
        let n = FieldKey::ALL.len();
        let f = &mut self.export;
        match action {
            Action::Down => f.selected = (f.selected + 1).min(n - 1),
            Action::Up => f.selected = f.selected.saturating_sub(1),
            Action::PageDown => f.preview_scroll += 10,
            Action::PageUp => f.preview_scroll = f.preview_scroll.saturating_sub(10),
            Action::EditField => match FieldKey::ALL[f.selected] {
                FieldKey::Target | FieldKey::Yaml => self.act_toggle(),
                key => f.editing = Some(f.value(key)),
            },
            Action::ToggleTarget => self.act_toggle(),
            Action::Write => self.write(),
            Action::Back => self.go_back(),
            _ => {}
        }
    }

    fn act_toggle(&mut self) {
        let f = &mut self.export;
        if FieldKey::ALL[f.selected] == FieldKey::Yaml {
            if f.target == Target::CloudFormation {
                f.yaml = !f.yaml;
            } else {
                self.info("YAML is for CloudFormation templates: the API request is JSON");
                return;
            }
        } else {
            f.target = match f.target {
                Target::MetricSet => Target::CloudFormation,
                Target::CloudFormation => {
                    f.yaml = false;
                    Target::MetricSet
                }
            };
        }
        if !f.output_edited {
            let out = f.default_output();
            f.set(FieldKey::Output, out);
        }
        self.refresh_findings();
    }

    fn write(&mut self) {
        self.refresh_findings();
        let errors = self
            .findings
            .iter()
            .filter(|f| f.severity == config::Severity::Error)
            .count();
        if errors > 0 {
            self.error(format!(
                "not written: {errors} error(s) in the findings (v lists them); fix them first"
            ));
            return;
        }
        let path = PathBuf::from(self.export.value(FieldKey::Output).trim());
        if path.as_os_str().is_empty() {
            self.error("no output path: fill in \"write to\"");
            return;
        }
        if path.exists() {
            self.export.confirm_overwrite = Some(path);
            return;
        }
        self.queue_write(path, false);
    }

    fn queue_write(&mut self, path: PathBuf, overwrite: bool) {
        let Some((_, text)) = self.export_preview() else {
            return;
        };
        self.info(format!("writing {}", path.display()));
        self.requests.push(Request::Write {
            path,
            contents: text,
            overwrite,
        });
    }

    // ---- answers from the worker -----------------------------------------------------------

    /// Apply a worker's answer.
    pub fn on_response(&mut self, response: Response) {
        match response {
            Response::Listed {
                location,
                more,
                result,
            } => {
                if location != self.browser.location || (more && !self.browser.loading_more) {
                    return;
                }
                self.browser.loading = false;
                self.browser.loading_more = false;
                match result {
                    Ok((entries, next)) => {
                        if more {
                            self.browser.entries.extend(entries);
                        } else {
                            self.browser.entries = entries;
                        }
                        self.browser.next = next;
                        self.browser.error = None;
                        self.more_if_needed();
                        if let Some(name) = self.browser.reselect.take() {
                            self.browser.selected = self
                                .browser
                                .visible()
                                .iter()
                                .position(|e| e.name.trim_end_matches('/') == name)
                                .unwrap_or(0);
                        }
                    }
                    Err(e) => {
                        self.browser.entries.clear();
                        self.browser.error = Some(e.clone());
                        self.error(e);
                    }
                }
            }
            Response::Inspected { location, result } => {
                let Some(d) = self.dataset.as_mut() else {
                    return;
                };
                if d.location != location {
                    return;
                }
                d.loading = false;
                match result {
                    Ok(inspection) => {
                        let key = dataset_key(&location, !inspection.dataset.is_folder);
                        let columns = &inspection.detection.sample.columns;
                        let remembered = self.memory.get(&key).filter(|l| {
                            l.columns.len() == columns.len()
                                && l.columns.iter().zip(columns).all(|(a, b)| a.name == *b)
                        });
                        d.labels = remembered
                            .cloned()
                            .unwrap_or_else(|| inspection.suggested.clone());
                        d.column = d.column.min(columns.len().saturating_sub(1));
                        d.row = 0;
                        d.error = None;
                        let kept = remembered.is_some();
                        d.inspection = Some(Arc::new(*inspection));
                        if kept {
                            self.info("labels kept from the other file of this dataset (r resets)");
                        }
                        self.prefill_export();
                        self.refresh_findings();
                    }
                    Err(e) => {
                        d.error = Some(e.clone());
                        self.error(e);
                    }
                }
            }
            Response::Scanned { id, result } => {
                let Some(c) = self.coverage.as_mut() else {
                    return;
                };
                if c.scan_id != id {
                    return;
                }
                c.control = None;
                match result {
                    Ok(coverage) => {
                        let msg = if coverage.cancelled {
                            Some("scan cancelled: the figures are partial (s scans again)")
                        } else if !coverage.complete {
                            Some("some files could not be read to the end: the figures are partial")
                        } else {
                            None
                        };
                        c.per_interval = Arc::new(per_interval(&coverage));
                        c.result = Some(Arc::new(*coverage));
                        if let Some(m) = msg {
                            self.error(m);
                        }
                        self.refresh_findings();
                    }
                    Err(e) => {
                        c.error = Some(e.clone());
                        self.error(e);
                    }
                }
            }
            Response::Written { path, result } => match result {
                Ok(()) => self.info(format!("wrote {}", path.display())),
                Err(e) => self.error(e),
            },
        }
    }

    /// Progress of the running scan as (files done, files, bytes read, bytes).
    pub fn scan_progress(&self) -> Option<(usize, usize, u64, u64)> {
        let c = self.coverage.as_ref()?;
        let control = c.control.as_ref()?;
        Some((
            control.files_done.load(Ordering::Relaxed),
            c.files_total,
            control.bytes_read.load(Ordering::Relaxed),
            c.bytes_total,
        ))
    }
}
