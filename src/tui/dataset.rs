//! The columns screen: a file or folder opened as a dataset, its detection and parsed head, and
//! the labels the user gives its columns (roles, timestamp format, how the files are read).

use std::sync::Arc;

use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};

use super::app::{Ctx, Event};
use super::component::{Click, Component, Shared};
use super::input::{self, Field, Outcome};
use super::keys::{self, Action, Binding, Key};
use super::layout;
use super::style::{ACCENT, confidence_style, findings_line, role_style};
use super::words::{self, TuiWords};
use crate::fix::Words as _;
use crate::format::{Compression, FileFormat, Overrides, delimiter_name};
use crate::inspect::Inspection;
use crate::schema::timefmt::TimeFormat;
use crate::schema::{ColumnKind, Confidence, Frequency, Labels, Role};
use crate::source::Location;
use crate::units::{bytes, thousands};

/// How many measures and dimensions the labels have, in words.
fn role_counts(labels: &Labels) -> String {
    let (m, d) = (
        labels.measures().len() as u64,
        labels.dimensions().len() as u64,
    );
    let p = super::style::plural;
    format!("   {m} measure{}, {d} dimension{}", p(m), p(d))
}

/// The reading settings that only CSV has.
const CSV_ONLY: [&str; 3] = ["delim", "quote", "header"];

/// Where a reading setting on screen comes from.
enum Said {
    /// Detection, with its confidence.
    Detected(Confidence),
    /// The user (or a session or config), with what detection found when that is known.
    Set(Option<(String, Confidence)>),
}

/// How a detection reads the files, as the screen names each setting.
fn reading_items(det: &crate::format::Detection) -> Vec<(&'static str, String, Confidence)> {
    let format = match det.format.value {
        FileFormat::Csv => "csv",
        FileFormat::Jsonl => "jsonl",
    };
    let quote = det
        .quote
        .value
        .map_or("none".into(), |q| (q as char).to_string());
    let header = if det.header.value { "yes" } else { "no" };
    let gzip = det.compression.value == Compression::Gzip;
    vec![
        ("format", format.into(), det.format.confidence),
        (
            "delim",
            delimiter_name(det.delimiter.value),
            det.delimiter.confidence,
        ),
        ("quote", quote, det.quote.confidence),
        ("header", header.into(), det.header.confidence),
        (
            "gzip",
            if gzip { "yes" } else { "no" }.into(),
            det.compression.confidence,
        ),
    ]
}

/// One setting on the detection line: `delim tab HIGH` when detected, `delim tab set (detected
/// comma HIGH)` when the user set it.
fn said_spans(name: &str, value: String, said: Said) -> Vec<Span<'static>> {
    let mut spans = vec![
        Span::styled(format!(" {name} "), Style::new().fg(Color::Gray)),
        Span::styled(value.clone(), Style::new().bold()),
    ];
    match said {
        Said::Detected(c) => spans.push(Span::styled(
            format!(" {} ", c.as_str()),
            confidence_style(c),
        )),
        Said::Set(detected) => {
            spans.push(Span::styled(" set ", Style::new().fg(Color::Cyan)));
            match detected {
                Some((v, c)) if v != value => spans.push(Span::styled(
                    format!("(detected {v} {}) ", c.as_str()),
                    Style::new().fg(Color::Gray),
                )),
                _ => {}
            }
        }
    }
    spans
}

/// A file or folder opened as a dataset: its detection, sample and labels.
#[derive(Debug, Clone)]
pub struct DatasetView {
    pub location: Location,
    pub recursive: bool,
    /// True for a single file (its folder's session holds its labels).
    pub is_file: bool,
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
    pub format_input: Option<Field>,
    format_history: Vec<String>,
    /// The id of the inspection asked for last.
    pub inspect_id: u64,
    /// The reading with no setting of the user's, when one was made: what detection finds.
    pub as_detected: Option<Arc<Inspection>>,
    /// The user's labels on columns the current reading lacks, kept by name for a reading that
    /// has them again (another delimiter, the header line back).
    pub held: Vec<super::session::SavedLabel>,
    /// The user's timestamp format, while its column is held.
    pub held_format: Option<String>,
    /// How the chart's backtest fills missing intervals, where the user chose (else `ignore`).
    pub impute: Option<crate::backtest::Impute>,
}

/// How a timestamp format fares on the sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatCheck {
    pub parsed: usize,
    pub total: usize,
    /// The first value that does not parse.
    pub first_bad: Option<String>,
    /// Why the format does not compile (or cannot be checked).
    pub problem: Option<String>,
}

impl DatasetView {
    pub fn new(location: Location, recursive: bool, is_file: bool) -> DatasetView {
        DatasetView {
            location,
            recursive,
            is_file,
            overrides: Overrides::default(),
            loading: true,
            error: None,
            inspection: None,
            labels: Labels::default(),
            frequency: None,
            timezone: chrono_tz::UTC,
            column: 0,
            row: 0,
            format_input: None,
            format_history: Vec::new(),
            inspect_id: 0,
            as_detected: None,
            held: Vec::new(),
            held_format: None,
            impute: None,
        }
    }

    /// The interval in force: chosen, else detected.
    pub fn frequency(&self) -> Option<Frequency> {
        self.frequency
            .or_else(|| self.inspection.as_ref().and_then(|i| i.frequency.value))
    }

    fn columns(&self) -> usize {
        self.inspection
            .as_ref()
            .map_or(0, |i| i.detection.sample.columns.len())
    }

    fn rows(&self) -> usize {
        self.inspection
            .as_ref()
            .map_or(0, |i| i.detection.sample.rows.len())
    }

    fn column_name(&self) -> Option<String> {
        let i = self.inspection.as_ref()?;
        i.detection.sample.columns.get(self.column).cloned()
    }

    /// How a timestamp format fares on the sample. At most 5,000 values are tried, so typing
    /// stays instant.
    pub fn format_check(&self, format: &str) -> FormatCheck {
        let mut check = FormatCheck {
            parsed: 0,
            total: 0,
            first_bad: None,
            problem: None,
        };
        let Some(i) = &self.inspection else {
            return check;
        };
        let Some(col) = self.labels.timestamp() else {
            check.problem = Some(format!(
                "no timestamp column: press {} on one",
                words::key(keys::DATASET, Action::SetRole(Role::Timestamp))
            ));
            return check;
        };
        let Some(j) = i.detection.sample.columns.iter().position(|c| c == col) else {
            return check;
        };
        let tf = match TimeFormat::compile(format) {
            Ok(tf) => tf,
            Err(e) => {
                check.problem = Some(e.to_string());
                return check;
            }
        };
        let values = i.detection.sample.rows.iter().take(5_000);
        for v in values.map(|row| row.get(j).map_or("", |v| v.trim())) {
            if v.is_empty() {
                continue;
            }
            check.total += 1;
            if tf.parse(v).is_some() {
                check.parsed += 1;
            } else if check.first_bad.is_none() {
                check.first_bad = Some(v.to_string());
            }
        }
        check
    }

    fn set_role(&mut self, role: Role, ctx: &mut Ctx) {
        let Some(name) = self.column_name() else {
            return;
        };
        let profiles = self
            .inspection
            .as_ref()
            .map(|i| i.profiles.as_slice())
            .unwrap_or_default();
        let done = if role == Role::Timestamp {
            self.labels.choose_timestamp(&name, profiles)
        } else {
            self.labels.set(&name, role, None)
        };
        if let Err(e) = done {
            ctx.error(TuiWords.error(&e));
            return;
        }
        if role == Role::Timestamp && self.labels.timestamp_format.is_none() {
            ctx.info(format!(
                "{name} is the timestamp; its values match no known format: press {} to give one",
                words::key(keys::DATASET, Action::EditTimestampFormat)
            ));
        }
        ctx.emit(Event::LabelsChanged);
    }

    fn toggle_aggregation(&mut self, ctx: &mut Ctx) {
        let Some(name) = self.column_name() else {
            return;
        };
        let Some(label) = self.labels.get(&name).cloned() else {
            return;
        };
        if label.role != Role::Measure {
            ctx.info(format!(
                "{name} is not a measure: press {} first",
                words::key(keys::DATASET, Action::SetRole(Role::Measure))
            ));
            return;
        }
        let toggled = Some(label.aggregation.toggled());
        if self.labels.set(&name, Role::Measure, toggled).is_ok() {
            ctx.emit(Event::LabelsChanged);
        }
    }

    fn edit_format(&mut self, ctx: &mut Ctx) {
        if self.labels.timestamp().is_none() {
            ctx.info(format!(
                "label a timestamp column first ({})",
                words::key(keys::DATASET, Action::SetRole(Role::Timestamp))
            ));
            return;
        }
        let now = self.labels.timestamp_format.as_ref().map(|f| f.pattern());
        self.format_input = Some(Field::new(now.unwrap_or(""), &self.format_history));
    }

    /// Read the files another way (format, delimiter, quote, header) and inspect them again.
    /// The current setting is the one asked for last, else the detected one.
    fn change_reading(&mut self, action: Action, ctx: &mut Ctx) {
        let det = self.inspection.as_ref().map(|i| &i.detection);
        let o = &mut self.overrides;
        match action {
            Action::CycleFormat => {
                let now = o.format.or(det.map(|d| d.format.value));
                o.format = Some(match now {
                    Some(FileFormat::Csv) => FileFormat::Jsonl,
                    _ => FileFormat::Csv,
                })
            }
            Action::CycleDelimiter => {
                const ORDER: [u8; 5] = [b',', b'\t', b'|', b';', b' '];
                let now = o.delimiter.or(det.map(|d| d.delimiter.value));
                let at = ORDER.iter().position(|&x| Some(x) == now);
                o.delimiter = Some(ORDER[at.map_or(0, |a| a + 1) % ORDER.len()]);
                o.has_header = None;
            }
            Action::CycleQuote => {
                let now = o.quote.or(det.map(|d| d.quote.value));
                o.quote = Some(match now {
                    Some(Some(b'"')) => Some(b'\''),
                    Some(Some(_)) => None,
                    _ => Some(b'"'),
                })
            }
            _ => {
                let now = o.has_header.or(det.map(|d| d.header.value));
                o.has_header = Some(!now.unwrap_or(true));
            }
        }
        ctx.emit(Event::Reinspect);
    }

    /// The sample columns that fit in the table's inside: (index, x, width). The selected column
    /// is always among them.
    pub fn table_columns(&self, inner: Rect) -> Vec<(usize, u16, u16)> {
        let Some(i) = &self.inspection else {
            return Vec::new();
        };
        let sample = &i.detection.sample;
        let body_rows = inner.height.saturating_sub(layout::TABLE_HEADER_ROWS) as usize;
        let first_row = self.row.min(sample.rows.len().saturating_sub(1));
        let shown = || sample.rows.iter().skip(first_row).take(body_rows);
        let width_of = |j: usize| -> u16 {
            let values = shown().map(|r| r.get(j).map_or(0, |v| v.chars().count()));
            let name = sample.columns[j].chars().count();
            values.chain([name]).max().unwrap_or(0).clamp(11, 30) as u16
        };
        // First column shown: scroll right until the selected one fits.
        let mut start = 0;
        while start < self.column
            && (start..=self.column).map(|j| width_of(j) + 1).sum::<u16>() > inner.width
        {
            start += 1;
        }
        let mut cols = Vec::new();
        let mut x = inner.x;
        for j in start..sample.columns.len() {
            let w = width_of(j);
            if x + w > inner.x + inner.width && !cols.is_empty() {
                break;
            }
            cols.push((j, x, w));
            x += w + 1;
        }
        cols
    }

    fn draw_error(&self, frame: &mut Frame, body: Rect) {
        let text = self.error.clone().unwrap_or_default();
        let k = |a| words::key(keys::DATASET, a);
        let hint = format!(
            " {} goes back; {}, {}, {}, {} change how the file is read.",
            k(Action::Back),
            k(Action::CycleFormat),
            k(Action::CycleDelimiter),
            k(Action::CycleQuote),
            k(Action::ToggleHeader)
        );
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(Span::styled(
                    format!(" {text}"),
                    Style::new().fg(Color::Red),
                )),
                Line::from(hint),
            ])
            .wrap(Wrap { trim: true }),
            body,
        );
    }

    /// How the files are read and the interval: what detection found with its confidence, or
    /// what the user set (shown as set, beside what was detected when that is known).
    fn detect_lines(&self, i: &Inspection) -> Paragraph<'static> {
        let o = &self.overrides;
        let det = &i.detection;
        let as_is = self
            .as_detected
            .as_ref()
            .map(|a| reading_items(&a.detection));
        let mut items: Vec<(&str, String, Said)> = reading_items(det)
            .into_iter()
            .filter(|(name, _, _)| det.format.value == FileFormat::Csv || !CSV_ONLY.contains(name))
            .map(|(name, value, c)| {
                let set = match name {
                    "format" => o.format.is_some(),
                    "delim" => o.delimiter.is_some(),
                    "quote" => o.quote.is_some(),
                    "header" => o.has_header.is_some(),
                    _ => false,
                };
                let detected = as_is
                    .as_ref()
                    .and_then(|a| a.iter().find(|(n, _, _)| *n == name))
                    .map(|(_, v, c)| (v.clone(), *c));
                let said = if set {
                    Said::Set(detected)
                } else {
                    Said::Detected(c)
                };
                (name, value, said)
            })
            .collect();
        let found = i
            .frequency
            .value
            .map(|f| (f.as_str().to_string(), i.frequency.confidence));
        let freq = self
            .frequency()
            .map_or("?".into(), |f| f.as_str().to_string());
        let said = match self.frequency {
            Some(_) => Said::Set(found),
            None => Said::Detected(i.frequency.confidence),
        };
        items.push(("interval", freq, said));
        let spans = items
            .into_iter()
            .flat_map(|(n, v, s)| said_spans(n, v, s))
            .collect::<Vec<_>>();
        Paragraph::new(vec![Line::from(spans), sample_line(i)]).wrap(Wrap { trim: false })
    }

    /// The sample table: only the columns and rows that fit.
    fn draw_table(&self, frame: &mut Frame, i: &Inspection, area: Rect) {
        let block = Block::bordered().border_style(Style::new().fg(Color::DarkGray));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let sample = &i.detection.sample;
        let body_rows = inner.height.saturating_sub(layout::TABLE_HEADER_ROWS) as usize;
        let first_row = self.row.min(sample.rows.len().saturating_sub(1));
        let cols = self.table_columns(inner);
        let header = Row::new(cols.iter().map(|(j, _, _)| self.header_cell(i, *j)))
            .height(layout::TABLE_HEADER_ROWS);
        let rows = sample.rows.iter().skip(first_row).take(body_rows).map(|r| {
            Row::new(cols.iter().map(|(j, _, _)| {
                let v = r.get(*j).cloned().unwrap_or_default();
                let style = if *j == self.column {
                    Style::new().fg(Color::White).bg(Color::Rgb(40, 50, 70))
                } else {
                    Style::new()
                };
                Cell::from(v).style(style)
            }))
        });
        let widths: Vec<Constraint> = cols
            .iter()
            .map(|(_, _, w)| Constraint::Length(*w))
            .collect();
        frame.render_widget(
            Table::new(rows, widths).header(header).column_spacing(1),
            inner,
        );
    }

    /// A column's header: its name, kind and role.
    fn header_cell(&self, i: &Inspection, j: usize) -> Cell<'static> {
        let name = &i.detection.sample.columns[j];
        let kind = i.profiles.get(j).map_or("", |p| p.kind.as_str());
        let label = self.labels.get(name);
        let role = label.map_or(Role::Ignored, |l| l.role);
        let role_text = match label {
            Some(l) if l.role == Role::Measure => format!("measure {}", l.aggregation.as_str()),
            Some(l) => l.role.as_str().to_string(),
            None => "ignored".into(),
        };
        let name_style = if j == self.column {
            Style::new().fg(Color::Black).bg(ACCENT).bold()
        } else {
            Style::new().bold()
        };
        Cell::from(vec![
            Line::from(Span::styled(name.clone(), name_style)),
            Line::from(Span::styled(kind.to_string(), Style::new().fg(Color::Gray))),
            Line::from(Span::styled(role_text, role_style(role))),
        ])
    }

    /// The selected column: its profile, its role and why, its detected timestamp format.
    fn column_lines(&self, i: &Inspection) -> Vec<Line<'static>> {
        let Some(p) = i.profiles.get(self.column) else {
            return Vec::new();
        };
        let empty = if p.empty > 0 {
            format!(", {} empty", p.empty)
        } else {
            String::new()
        };
        let mut s = vec![
            Span::styled(format!(" {} ", p.name), Style::new().bold()),
            Span::raw(format!(
                "{}, {} distinct in {} values{empty}",
                p.kind.as_str(),
                thousands(p.distinct as u64),
                thousands(p.non_empty as u64),
            )),
        ];
        if let Some(l) = self.labels.get(&p.name) {
            s.push(Span::raw("  → "));
            s.push(Span::styled(l.role.as_str(), role_style(l.role)));
            s.push(Span::styled(
                format!(": {}", l.reason),
                Style::new().fg(Color::Gray),
            ));
        }
        let mut lines = vec![Line::from(s)];
        if p.kind == ColumnKind::Timestamp
            && let Some(t) = &p.timestamp
        {
            lines.push(Line::from(Span::styled(
                format!("   detected {} ({}: {})", t.format, t.confidence, t.reason),
                Style::new().fg(Color::Gray),
            )));
        }
        lines
    }

    /// The timestamp column and its format, or the format editor with its live check.
    fn timestamp_line(&self) -> Line<'static> {
        let gray = Style::new().fg(Color::Gray);
        if let Some(field) = &self.format_input {
            let check = self.format_check(field.value());
            let feedback = match check.problem {
                Some(e) => Span::styled(format!("  {e}"), Style::new().fg(Color::Red)),
                None if check.parsed == check.total => Span::styled(
                    format!("  all {} sample values parse", check.total),
                    Style::new().fg(Color::Green),
                ),
                None => Span::styled(
                    format!(
                        "  {} of {} parse; first that does not: {:?}",
                        check.parsed,
                        check.total,
                        check.first_bad.unwrap_or_default()
                    ),
                    Style::new().fg(Color::Yellow),
                ),
            };
            let mut spans = vec![Span::styled(
                " timestamp format: ",
                Style::new().fg(Color::Yellow),
            )];
            spans.extend(field.spans(40, Style::new().bold()));
            spans.push(feedback);
            spans.push(Span::styled("  (Enter keeps, Esc drops)", gray));
            return Line::from(spans);
        }
        let Some(col) = self.labels.timestamp() else {
            return Line::from(Span::styled(
                format!(
                    " no timestamp column: move to it and press {}",
                    words::key(keys::DATASET, Action::SetRole(Role::Timestamp))
                ),
                Style::new().fg(Color::Red),
            ));
        };
        let format = self.labels.timestamp_format.as_ref().map_or(
            format!(
                "? (press {})",
                words::key(keys::DATASET, Action::EditTimestampFormat)
            ),
            |f| f.pattern().to_string(),
        );
        Line::from(vec![
            Span::styled(" timestamp ", gray),
            Span::styled(col.to_string(), role_style(Role::Timestamp)),
            Span::styled(" as ", gray),
            Span::styled(format, Style::new().bold()),
            Span::styled(role_counts(&self.labels), gray),
        ])
    }
}

/// Where the sample comes from and how big the dataset is.
fn sample_line(i: &Inspection) -> Line<'static> {
    let files = i.dataset.files.len();
    let sample = &i.detection.sample;
    let text = format!(
        " {} rows from {}{}   {} file{} · {}",
        thousands(sample.rows.len() as u64),
        i.sample_file,
        if sample.complete {
            ""
        } else {
            " (first 1 MiB)"
        },
        files,
        if files == 1 { "" } else { "s" },
        bytes(i.dataset.total_bytes())
    );
    Line::from(Span::styled(text, Style::new().fg(Color::Gray)))
}

impl Component for DatasetView {
    fn bindings(&self) -> &'static [Binding] {
        keys::DATASET
    }

    /// A key of the columns screen's table.
    fn act(&mut self, action: Action, ctx: &mut Ctx) {
        let page = layout::Dataset::new(ctx.screen().body).body_rows().max(1);
        let last_row = self.rows().saturating_sub(1);
        if let Some(to) = action.moved(self.row, last_row, page) {
            self.row = to;
        }
        match action {
            Action::Left => self.column = self.column.saturating_sub(1),
            Action::Right => self.column = (self.column + 1).min(self.columns().saturating_sub(1)),
            Action::Back => ctx.emit(Event::ToBrowser),
            Action::SetRole(role) => self.set_role(role, ctx),
            Action::ToggleAggregation => self.toggle_aggregation(ctx),
            Action::ResetLabels => ctx.emit(Event::ResetSettings),
            Action::EditTimestampFormat => self.edit_format(ctx),
            Action::CycleFormat
            | Action::CycleDelimiter
            | Action::CycleQuote
            | Action::ToggleHeader => self.change_reading(action, ctx),
            Action::Coverage => ctx.emit(Event::OpenCoverage),
            Action::Findings => ctx.emit(Event::OpenFindings),
            Action::Export => ctx.emit(Event::OpenExport),
            _ => {}
        }
    }

    /// A key while the timestamp format is typed; false when it is not.
    fn text_key(&mut self, key: Key, ctx: &mut Ctx) -> bool {
        let Some(field) = self.format_input.as_mut() else {
            return false;
        };
        match field.key(key) {
            Outcome::Edited => {}
            Outcome::Cancel => self.format_input = None,
            Outcome::Commit => {
                let text = field.value().trim().to_string();
                match self.labels.set_timestamp_format(&text) {
                    Ok(()) => {
                        input::remember(&mut self.format_history, &text);
                        self.format_input = None;
                        ctx.info(format!("timestamp format set to {text}"));
                        ctx.emit(Event::LabelsChanged);
                    }
                    Err(e) => ctx.error(TuiWords.error(&e)),
                }
            }
        }
        true
    }

    /// A click: on the table, select the column under it.
    fn click(&mut self, click: Click, ctx: &mut Ctx) {
        let Click { x, y, .. } = click;
        let l = layout::Dataset::new(ctx.screen().body);
        let inner = layout::inner(l.table);
        if !layout::hit(inner, x, y) {
            return;
        }
        if let Some((j, _, _)) = self
            .table_columns(inner)
            .into_iter()
            .find(|(_, cx, w)| x >= *cx && x < cx + w + 1)
        {
            self.column = j;
        }
        let first_body = inner.y + layout::TABLE_HEADER_ROWS;
        if y >= first_body {
            let row = self.row + (y - first_body) as usize;
            self.row = row.min(self.rows().saturating_sub(1));
        }
    }

    fn draw(&self, frame: &mut Frame, body: Rect, shared: &Shared<'_>) {
        let findings = shared.findings;
        if self.loading {
            frame.render_widget(Paragraph::new(" reading the head of the data…"), body);
            return;
        }
        let Some(i) = &self.inspection else {
            self.draw_error(frame, body);
            return;
        };
        let l = layout::Dataset::new(body);
        frame.render_widget(self.detect_lines(i), l.detect);
        self.draw_table(frame, i, l.table);
        let mut lines = self.column_lines(i);
        lines.push(self.timestamp_line());
        lines.push(findings_line(findings, body.width));
        frame.render_widget(
            Paragraph::new(lines).block(
                Block::new()
                    .borders(Borders::TOP)
                    .border_style(Style::new().fg(Color::DarkGray)),
            ),
            l.detail,
        );
    }
}
