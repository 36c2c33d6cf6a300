//! The export screen: a form of the config's settings, each checked as it is typed, beside the
//! exact file it will write.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};
use serde_json::json;

use super::app::{Ctx, Event};
use super::component::{Click, Component, Shared};
use super::input::{self, Field, Outcome};
use super::keys::{self, Action, Binding, Key};
use super::layout;
use super::style::{findings_line, selected_row};
use crate::config::model::ServiceModel;
use crate::config::{
    ExportOptions, ExportTarget, Finding, Syntax, TargetOptions, cloudwatch, opensearch,
};
use crate::fix::{Fix, Setting};
use crate::schema::Frequency;

/// The fields of the export form, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// OpenSearch: the index or pattern the detector reads.
    Index,
    /// CloudWatch: the metrics' namespace.
    Namespace,
    Output,
}

impl FieldKey {
    pub const ALL: [FieldKey; 14] = [
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
        FieldKey::Index,
        FieldKey::Namespace,
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
            FieldKey::Index => "index",
            FieldKey::Namespace => "namespace",
            FieldKey::Output => "write to",
        }
    }

    /// The export setting the field holds (the target and the output file are the form's own).
    pub fn setting(self) -> Option<Setting> {
        Some(match self {
            FieldKey::Name => Setting::Name,
            FieldKey::Description => Setting::Description,
            FieldKey::Frequency => Setting::Frequency,
            FieldKey::Offset => Setting::Offset,
            FieldKey::Timezone => Setting::Timezone,
            FieldKey::RoleArn => Setting::RoleArn,
            FieldKey::DetectorArn => Setting::DetectorArn,
            FieldKey::HistoricalPath => Setting::HistoricalPath,
            FieldKey::TemplatePath => Setting::TemplatePath,
            FieldKey::Index => Setting::Index,
            FieldKey::Namespace => Setting::Namespace,
            FieldKey::Target => Setting::Target,
            FieldKey::Output => Setting::Output,
            FieldKey::Yaml => return None,
        })
    }

    /// Whether a target reads the field (the others are drawn dim and never block a write): the
    /// target's row of [`crate::config::targets::TARGETS`] says.
    pub fn used_by(self, target: ExportTarget) -> bool {
        match self {
            FieldKey::Target | FieldKey::Output => true,
            FieldKey::Yaml => target.allows_yaml(),
            k => k.setting().is_none_or(|s| target.reads(s)),
        }
    }

    /// The field of a label (session files name fields by label).
    pub fn from_label(label: &str) -> Option<FieldKey> {
        FieldKey::ALL.into_iter().find(|k| k.label() == label)
    }
}

/// What is wrong with a field's text, if anything (an empty field is "not given", not wrong).
/// The offset's range is the API model's, not restated here.
pub fn problem(key: FieldKey, text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match key {
        FieldKey::Offset => match text.parse::<i64>() {
            Err(_) => Some(format!("offset {text:?} is not a whole number of seconds")),
            Ok(n) => ServiceModel::bundled()
                .validate("Offset", &json!(n))
                .first()
                .map(|v| format!("offset {}", v.message)),
        },
        FieldKey::Timezone => text.parse::<Tz>().err().map(|_| {
            format!("unknown timezone {text:?}: use an IANA name such as UTC or Europe/Paris")
        }),
        FieldKey::Frequency => text.parse::<Frequency>().err(),
        FieldKey::Index => opensearch::index_problem(text),
        FieldKey::Namespace => cloudwatch::namespace_problem(text),
        _ => None,
    }
}

/// The export form.
#[derive(Debug, Clone, Default)]
pub struct ExportForm {
    pub target: ExportTarget,
    pub yaml: bool,
    values: HashMap<FieldKey, String>,
    /// Fields the user typed (a prefill never replaces them; sessions keep them).
    pub edited: HashSet<FieldKey>,
    pub selected: usize,
    /// The field being typed.
    pub editing: Option<Field>,
    history: HashMap<FieldKey, Vec<String>>,
    /// Waiting for y/n before replacing this file.
    pub confirm_overwrite: Option<PathBuf>,
    /// First line of the preview shown.
    pub preview_scroll: usize,
    /// Where the output goes by default when the working folder is inside the local dataset's
    /// folder (a file written there would be read as data): beside the dataset's folder.
    pub out_dir: Option<PathBuf>,
}

impl ExportForm {
    /// The text of a field.
    pub fn value(&self, key: FieldKey) -> String {
        match key {
            FieldKey::Target => self.target.label().into(),
            FieldKey::Yaml => if self.yaml { "YAML" } else { "JSON" }.into(),
            other => self.values.get(&other).cloned().unwrap_or_default(),
        }
    }

    pub fn set(&mut self, key: FieldKey, value: String) {
        self.values.insert(key, value);
    }

    /// Set a field as if the user had typed it (restoring a session).
    pub fn set_typed(&mut self, key: FieldKey, value: String) {
        self.edited.insert(key);
        self.set(key, value);
    }

    /// Take a config's target and settings, as if typed (a prefill never replaces them).
    pub fn fill_from(&mut self, o: &ExportOptions) {
        self.target = o.target.into();
        self.yaml = o.syntax == Syntax::Yaml && self.target.allows_yaml();
        let fields = [
            (FieldKey::Name, o.name.clone()),
            (FieldKey::Description, o.description.clone()),
            (
                FieldKey::Frequency,
                o.frequency.map(|f| f.as_str().to_string()),
            ),
            (FieldKey::Offset, o.offset.map(|n| n.to_string())),
            (FieldKey::Timezone, Some(o.timezone.name().to_string())),
            (FieldKey::RoleArn, o.role_arn.clone()),
            (FieldKey::DetectorArn, o.detector_arn.clone()),
            (FieldKey::HistoricalPath, o.historical_path.clone()),
            (FieldKey::TemplatePath, o.template_path.clone()),
        ];
        for (key, value) in fields {
            if let Some(v) = value {
                self.set_typed(key, v);
            }
        }
        self.refresh_output();
    }

    /// Fill a field the user has not typed (what the location and labels tell).
    pub fn prefill(&mut self, key: FieldKey, value: Option<String>) {
        if !self.edited.contains(&key)
            && let Some(v) = value
        {
            self.set(key, v);
        }
    }

    fn default_output(&self) -> String {
        let name = self.value(FieldKey::Name);
        let stem = if name.is_empty() {
            "l4m".to_string()
        } else {
            name
        };
        let file = self.target.default_file_name(&stem, self.syntax());
        match &self.out_dir {
            Some(dir) => dir.join(file).display().to_string(),
            None => file,
        }
    }

    fn syntax(&self) -> Syntax {
        if self.yaml && self.target.allows_yaml() {
            Syntax::Yaml
        } else {
            Syntax::Json
        }
    }

    /// Where the OpenSearch index mapping goes: beside the body, `STEM.mapping.json`.
    pub fn mapping_path(&self) -> Option<PathBuf> {
        if self.target != ExportTarget::OpenSearch {
            return None;
        }
        let out = PathBuf::from(self.value(FieldKey::Output).trim());
        let stem = out.file_stem()?.to_string_lossy().into_owned();
        Some(out.with_file_name(format!("{stem}.mapping.json")))
    }

    /// The fields only some targets read.
    pub fn target_options(&self) -> TargetOptions {
        let opt = |k: FieldKey| {
            let v = self.value(k);
            (!v.trim().is_empty()).then(|| v.trim().to_string())
        };
        TargetOptions {
            index: opt(FieldKey::Index),
            namespace: opt(FieldKey::Namespace),
            now: chrono::Utc::now(),
        }
    }

    /// The output path follows the name and target until the user types one.
    pub fn refresh_output(&mut self) {
        let out = self.default_output();
        self.prefill(FieldKey::Output, Some(out));
    }

    /// Every field the target reads whose text is wrong, with its problem.
    pub fn problems(&self) -> Vec<(FieldKey, String)> {
        FieldKey::ALL
            .into_iter()
            .filter(|k| k.used_by(self.target))
            .filter_map(|k| problem(k, &self.value(k)).map(|p| (k, p)))
            .collect()
    }

    /// Every field problem as an error of the form: the findings count it, so no ✓ stands beside
    /// a field marked ✗.
    pub fn problem_findings(&self) -> Vec<Finding> {
        use crate::config::findings::Rule;
        self.problems()
            .into_iter()
            .map(|(k, p)| {
                let rule = match k {
                    FieldKey::Offset => Rule::Offset,
                    FieldKey::Timezone => Rule::Timezone,
                    FieldKey::Frequency => Rule::Frequency,
                    FieldKey::Index => Rule::IndexPattern,
                    FieldKey::Namespace => Rule::Namespace,
                    _ => Rule::ApiModel,
                };
                let fixes = k.setting().map(Fix::set).into_iter().collect();
                Finding::error(rule, format!("{}: {p}", k.label()), fixes)
            })
            .collect()
    }

    /// The export options as the form holds them; the interval and timezone fall back to the
    /// dataset's when the field is empty.
    pub fn options(&self, frequency: Option<Frequency>, timezone: Tz) -> ExportOptions {
        let opt = |k: FieldKey| {
            let v = self.value(k);
            (!v.trim().is_empty()).then(|| v.trim().to_string())
        };
        ExportOptions {
            target: self.target.l4m().unwrap_or_default(),
            syntax: self.syntax(),
            name: opt(FieldKey::Name),
            description: opt(FieldKey::Description),
            frequency: opt(FieldKey::Frequency)
                .and_then(|v| v.parse().ok())
                .or(frequency),
            offset: opt(FieldKey::Offset).and_then(|v| v.parse().ok()),
            timezone: opt(FieldKey::Timezone)
                .and_then(|v| v.parse().ok())
                .unwrap_or(timezone),
            role_arn: opt(FieldKey::RoleArn),
            detector_arn: opt(FieldKey::DetectorArn),
            historical_path: opt(FieldKey::HistoricalPath),
            template_path: opt(FieldKey::TemplatePath),
        }
    }

    fn edit(&mut self, ctx: &mut Ctx) {
        let key = FieldKey::ALL[self.selected];
        match key {
            FieldKey::Target | FieldKey::Yaml => self.toggle(ctx),
            _ => {
                let history = self.history.get(&key).cloned().unwrap_or_default();
                self.editing = Some(Field::new(self.value(key), &history));
            }
        }
    }

    fn toggle(&mut self, ctx: &mut Ctx) {
        if FieldKey::ALL[self.selected] == FieldKey::Yaml {
            if !self.target.allows_yaml() {
                ctx.info(format!(
                    "YAML is for CloudFormation templates: the {} is JSON",
                    self.target.label()
                ));
                return;
            }
            self.yaml = !self.yaml;
        } else {
            // Space walks through every target, back to the first.
            let all = ExportTarget::ALL;
            let at = all.iter().position(|t| *t == self.target).unwrap_or(0);
            self.target = all[(at + 1) % all.len()];
            self.yaml &= self.target.allows_yaml();
        }
        self.refresh_output();
        ctx.emit(Event::ExportChanged);
    }

    /// Keep a typed value; a valid interval or timezone becomes the dataset's setting.
    fn commit(&mut self, key: FieldKey, text: String, ctx: &mut Ctx) {
        input::remember(self.history.entry(key).or_default(), &text);
        self.set_typed(key, text.clone());
        if let Some(p) = problem(key, &text) {
            ctx.error(p);
        } else if key == FieldKey::Frequency
            && let Ok(frequency) = text.parse::<Frequency>()
        {
            ctx.emit(Event::Frequency {
                frequency,
                scan: false,
            });
        } else if key == FieldKey::Timezone
            && let Ok(timezone) = text.parse::<Tz>()
        {
            ctx.emit(Event::Timezone {
                timezone,
                scan: false,
            });
        }
        if key == FieldKey::Name {
            self.refresh_output();
        }
        ctx.emit(Event::ExportChanged);
    }

    /// y replaces the file the form asked about; any other key keeps it.
    pub fn confirm(&mut self, key: Key, ctx: &mut Ctx) -> bool {
        let Some(path) = self.confirm_overwrite.take() else {
            return false;
        };
        if matches!(key, Key::Char('y') | Key::Char('Y')) {
            ctx.emit(Event::WriteTo {
                path,
                overwrite: true,
            });
        } else {
            ctx.info("not written: the existing file is kept");
        }
        true
    }

    /// One field: its label and value (the text being typed with its cursor), red when wrong.
    fn row(&self, k: usize, key: FieldKey, width: usize) -> Row<'static> {
        let selected = k == self.selected;
        let value = match (&self.editing, selected) {
            (Some(field), true) => {
                let style = match problem(key, field.value()) {
                    Some(_) => Style::new().fg(Color::Red),
                    None => Style::new(),
                };
                Line::from(field.spans(width, style))
            }
            _ if !key.used_by(self.target) => {
                let text = match key {
                    FieldKey::Yaml => "JSON",
                    _ => "— (other targets)",
                };
                Line::from(Span::styled(text, Style::new().fg(Color::DarkGray)))
            }
            _ => {
                let v = self.value(key);
                match problem(key, &v) {
                    Some(_) => Line::from(Span::styled(format!("{v} ✗"), Color::Red)),
                    None if v.is_empty() => Line::from("—"),
                    None => Line::from(v),
                }
            }
        };
        let row = Row::new(vec![
            Cell::from(key.label()).style(Style::new().fg(Color::Gray)),
            Cell::from(value),
        ]);
        if selected {
            row.style(selected_row())
        } else {
            row
        }
    }

    /// Under the form: the replace question, the problem of the field in view, the findings.
    fn bottom_lines(&self, findings: &[Finding]) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        if let Some(p) = &self.confirm_overwrite {
            lines.push(Line::from(Span::styled(
                format!(" {} exists: replace it? y/n", p.display()),
                Style::new().fg(Color::Black).bg(Color::Yellow).bold(),
            )));
        }
        let key = FieldKey::ALL[self.selected];
        let typed = self.editing.as_ref().map(|f| f.value().to_string());
        let problem = problem(key, &typed.unwrap_or_else(|| self.value(key))).or_else(|| {
            self.problems()
                .into_iter()
                .next()
                .map(|(k, p)| format!("{}: {p}", k.label()))
        });
        if let Some(p) = problem {
            lines.push(Line::from(Span::styled(format!(" ✗ {p}"), Color::Red)));
        }
        // This area wraps its lines: the first error is given whole.
        lines.push(findings_line(findings, u16::MAX));
        if let Some(m) = self.mapping_path() {
            lines.push(Line::from(Span::styled(
                format!(" and the index mapping: {}", m.display()),
                Style::new().fg(Color::Gray),
            )));
        }
        lines
    }
}

impl Component for ExportForm {
    fn bindings(&self) -> &'static [Binding] {
        keys::EXPORT
    }

    fn act(&mut self, action: Action, ctx: &mut Ctx) {
        let last = FieldKey::ALL.len() - 1;
        match action {
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::PageDown => self.preview_scroll += 10,
            Action::PageUp => self.preview_scroll = self.preview_scroll.saturating_sub(10),
            Action::EditField => self.edit(ctx),
            Action::ToggleTarget => self.toggle(ctx),
            Action::Write => ctx.emit(Event::Write),
            Action::Back => ctx.emit(Event::Back),
            _ => {}
        }
    }

    /// A key while a field is typed; false when none is.
    fn text_key(&mut self, key: Key, ctx: &mut Ctx) -> bool {
        let Some(field) = self.editing.as_mut() else {
            return false;
        };
        match field.key(key) {
            Outcome::Edited => {}
            Outcome::Cancel => self.editing = None,
            Outcome::Commit => {
                let text = field.value().trim().to_string();
                self.editing = None;
                self.commit(FieldKey::ALL[self.selected], text, ctx);
            }
        }
        true
    }

    /// A click selects the field on that row; a double click edits it.
    fn click(&mut self, click: Click, ctx: &mut Ctx) {
        let Click { x, y, double } = click;
        let inner = layout::inner(layout::Export::new(ctx.screen().body).form);
        if !layout::hit(inner, x, y) || self.editing.is_some() {
            return;
        }
        let row = (y - inner.y) as usize;
        if row < FieldKey::ALL.len() {
            self.selected = row;
            if double {
                self.edit(ctx);
            }
        }
    }

    fn draw(&self, frame: &mut Frame, body: Rect, shared: &Shared<'_>) {
        let findings = shared.findings;
        let file = shared.export_file;
        let l = layout::Export::new(body);
        let width = layout::inner(l.form).width.saturating_sub(17) as usize;
        let rows = FieldKey::ALL
            .iter()
            .enumerate()
            .map(|(k, key)| self.row(k, *key, width));
        let form = Table::new(rows, [Constraint::Length(16), Constraint::Min(10)]).block(
            Block::bordered()
                .title(" export ")
                .border_style(Style::new().fg(Color::DarkGray)),
        );
        frame.render_widget(form, l.form);
        frame.render_widget(
            Paragraph::new(self.bottom_lines(findings)).wrap(Wrap { trim: true }),
            l.bottom,
        );
        // A field marked ✗ is not in the file: the preview says it is not what `w` would write.
        let (title, border) = if self.problems().is_empty() {
            (" the exact file (PgUp/PgDn scroll) ", Color::DarkGray)
        } else {
            (" stale: without the fields marked ✗ ", Color::Red)
        };
        let preview = Paragraph::new(file.to_string())
            .scroll((self.preview_scroll as u16, 0))
            .block(
                Block::bordered()
                    .title(title)
                    .border_style(Style::new().fg(border)),
            );
        frame.render_widget(preview, l.preview);
    }
}
