//! The browser's preview of the highlighted entry, loaded without opening it: for a data file the
//! detected format and the parsed head (at most [`HEAD_BYTES`] read), for a folder how many data
//! files it holds and the layout they are in (flat, or a path template).

use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};

use super::keys::{self, Action};
use super::style::{ACCENT, kind_style};
use super::words;
use crate::format::{self, Compression, FileFormat, Overrides, delimiter_name};
use crate::schema::profile::profile;
use crate::source::dataset::non_data_reason;
use crate::source::template;
use crate::source::{Entry, EntryKind, HEAD_BYTES, Location, Source};
use crate::units::{bytes, thousands};
use crate::{Error, Result};

/// Rows of a file's head kept for the pane.
const ROWS: usize = 40;
/// Files a folder summary looks at, at most, when it walks subfolders for a layout.
const WALK_FILES: usize = 5_000;

/// What the pane shows for one entry.
#[derive(Debug, Clone)]
pub enum Preview {
    File(FilePreview),
    Folder(FolderSummary),
}

/// The head of a data file.
#[derive(Debug, Clone)]
pub struct FilePreview {
    /// e.g. `CSV, comma, header, gzip`.
    pub format: String,
    /// Column names with their kind (`timestamp yyyy-MM-dd`, `number`, `text`).
    pub columns: Vec<(String, String)>,
    pub rows: Vec<Vec<String>>,
    /// Records in the head (more than `rows` may hold).
    pub records: usize,
    /// Bytes read, and the file's size when known.
    pub read: u64,
    pub size: Option<u64>,
}

/// What a folder holds.
#[derive(Debug, Clone, PartialEq)]
pub struct FolderSummary {
    /// Data files directly in the folder, and their bytes.
    pub data_files: usize,
    pub data_bytes: u64,
    pub subfolders: usize,
    /// Files that are not data (markers, notes...).
    pub other_files: usize,
    pub layout: FolderLayout,
    /// True when the listing had more pages than were read: counts are "at least".
    pub partial: bool,
}

/// How the data files of a folder are laid out.
#[derive(Debug, Clone, PartialEq)]
pub enum FolderLayout {
    /// Files directly in the folder (a historical-data folder).
    Flat,
    /// Files in interval folders: the path template, and how many files were found below.
    Template { template: String, files: usize },
    /// Files in subfolders that name no interval.
    Nested { files: usize },
    /// No data file at any depth looked at.
    Empty,
}

/// Load the preview of an entry; `None` when `cancel` was set before it finished.
pub fn load(source: &dyn Source, entry: &Entry, cancel: &AtomicBool) -> Option<Result<Preview>> {
    let stop = || cancel.load(Ordering::Relaxed);
    if stop() {
        return None;
    }
    match entry.kind {
        EntryKind::File => Some(file(source, entry).map(Preview::File)),
        EntryKind::Folder => folder(source, &entry.location, &stop)
            .map(|r| r.map(Preview::Folder))
            .or(None),
        EntryKind::Other(kind) => Some(Err(Error::NotRegularFile {
            location: entry.location.clone(),
            kind,
        })),
    }
}

fn file(source: &dyn Source, entry: &Entry) -> Result<FilePreview> {
    let head = source.head(&entry.location, HEAD_BYTES)?;
    let complete = match entry.size {
        Some(size) => size <= head.len() as u64,
        None => (head.len() as u64) < HEAD_BYTES,
    };
    let d = format::detect(&head, complete, &Overrides::default())
        .map_err(|problem| Error::unreadable(entry.location.clone(), problem))?;
    let profiles = profile(&d.sample);
    let columns = profiles
        .iter()
        .map(|p| {
            let kind = match p.time_format() {
                Some(f) => format!("{} {}", p.kind.as_str(), f.pattern()),
                None => p.kind.as_str().to_string(),
            };
            (p.name.clone(), kind)
        })
        .collect();
    let mut parts = vec![match d.format.value {
        FileFormat::Csv => "CSV".to_string(),
        FileFormat::Jsonl => "JSON lines".to_string(),
    }];
    if d.format.value == FileFormat::Csv {
        parts.push(match d.delimiter.value {
            b',' => "comma".into(),
            b';' => "semicolon".into(),
            b'|' => "pipe".into(),
            other => delimiter_name(other),
        });
        parts.push(
            if d.header.value {
                "header"
            } else {
                "no header"
            }
            .into(),
        );
    }
    if d.compression.value == Compression::Gzip {
        parts.push("gzip".into());
    }
    Ok(FilePreview {
        format: parts.join(", "),
        columns,
        records: d.sample.rows.len(),
        rows: d.sample.rows.into_iter().take(ROWS).collect(),
        read: head.len() as u64,
        size: entry.size,
    })
}

fn folder(
    source: &dyn Source,
    location: &Location,
    stop: &dyn Fn() -> bool,
) -> Option<Result<FolderSummary>> {
    let page = match source.list(location, None) {
        Ok(p) => p,
        Err(e) => return Some(Err(e)),
    };
    let mut s = FolderSummary {
        data_files: 0,
        data_bytes: 0,
        subfolders: 0,
        other_files: 0,
        layout: FolderLayout::Empty,
        partial: page.next.is_some(),
    };
    for e in &page.entries {
        match e.kind {
            EntryKind::Folder => s.subfolders += 1,
            EntryKind::File if non_data_reason(&e.name).is_none() && e.size != Some(0) => {
                s.data_files += 1;
                s.data_bytes += e.size.unwrap_or(0);
            }
            EntryKind::File | EntryKind::Other(_) => s.other_files += 1,
        }
    }
    if s.data_files > 0 {
        s.layout = FolderLayout::Flat;
    } else if s.subfolders > 0 {
        s.layout = match walk_layout(source, location, stop)? {
            Ok(layout) => layout,
            Err(e) => return Some(Err(e)),
        };
    }
    Some(Ok(s))
}

/// The layout of the data files below a folder, from the names of at most [`WALK_FILES`] files.
fn walk_layout(
    source: &dyn Source,
    location: &Location,
    stop: &dyn Fn() -> bool,
) -> Option<Result<FolderLayout>> {
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        if stop() {
            return None;
        }
        let page = match source.walk(location, cursor.as_deref()) {
            Ok(p) => p,
            Err(e) => return Some(Err(e)),
        };
        names.extend(
            page.entries
                .into_iter()
                .filter(|e| non_data_reason(&e.name).is_none() && e.size != Some(0))
                .map(|e| e.name),
        );
        match page.next {
            Some(next) if names.len() < WALK_FILES => cursor = Some(next),
            _ => break,
        }
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    Some(Ok(match template::detect(&refs) {
        _ if names.is_empty() => FolderLayout::Empty,
        Some(t) => FolderLayout::Template {
            template: t.template,
            files: names.len(),
        },
        None => FolderLayout::Nested { files: names.len() },
    }))
}

/// The state of the pane: what it is for and what has arrived.
#[derive(Debug, Clone, Default)]
pub enum Pane {
    #[default]
    Nothing,
    Loading(String),
    Ready(String, Box<Preview>),
    Failed(String, String),
    /// A file that is not data: why, without reading it.
    NotData(String, String),
}

/// Draw the pane into `area` (with its border).
pub fn draw(frame: &mut Frame, pane: &Pane, area: Rect) {
    let title = match pane {
        Pane::Nothing => String::new(),
        Pane::Loading(n) | Pane::Ready(n, _) | Pane::Failed(n, _) | Pane::NotData(n, _) => {
            format!(" {n} ")
        }
    };
    let block = Block::bordered()
        .title(title)
        .border_style(Style::new().fg(Color::DarkGray));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let text = |t: String, style: Style| Paragraph::new(t).style(style).wrap(Wrap { trim: true });
    match pane {
        Pane::Nothing => {}
        Pane::Loading(_) => frame.render_widget(text(" reading…".into(), Style::new()), inner),
        Pane::Failed(_, e) => frame.render_widget(text(format!(" {e}"), Color::Red.into()), inner),
        Pane::NotData(_, why) => {
            frame.render_widget(text(format!(" not data: {why}"), Color::Gray.into()), inner)
        }
        Pane::Ready(_, p) => match p.as_ref() {
            Preview::File(f) => draw_file(frame, f, inner),
            Preview::Folder(s) => draw_folder(frame, s, inner),
        },
    }
}

fn draw_file(frame: &mut Frame, f: &FilePreview, area: Rect) {
    let read = match f.size {
        Some(size) if size > f.read => format!("first {} of {}", bytes(f.read), bytes(size)),
        _ => format!("all {}", bytes(f.read)),
    };
    let mut lines = vec![
        Line::from(Span::styled(format!(" {}", f.format), Style::new().bold())),
        Line::from(Span::styled(
            format!(
                " {} records in the head ({read})",
                thousands(f.records as u64)
            ),
            Style::new().fg(Color::Gray),
        )),
    ];
    let columns = f
        .columns
        .len()
        .min(area.height.saturating_sub(3) as usize / 2)
        .max(1);
    for (name, kind) in f.columns.iter().take(columns) {
        lines.push(Line::from(vec![
            Span::styled(format!(" {name:<14} "), Style::new().bold()),
            Span::styled(kind.clone(), kind_style(kind)),
        ]));
    }
    if f.columns.len() > columns {
        lines.push(Line::from(Span::styled(
            format!(" … {} more columns", f.columns.len() - columns),
            Style::new().fg(Color::Gray),
        )));
    }
    let used = lines.len() as u16;
    frame.render_widget(Paragraph::new(lines), area);
    let rows_area = Rect {
        y: area.y + used,
        height: area.height.saturating_sub(used),
        ..area
    };
    draw_rows(frame, f, rows_area);
}

/// The first rows as a table of the columns that fit.
fn draw_rows(frame: &mut Frame, f: &FilePreview, area: Rect) {
    if area.height < 2 {
        return;
    }
    let widths: Vec<u16> = (0..f.columns.len())
        .map(|j| {
            let values = f
                .rows
                .iter()
                .map(|r| r.get(j).map_or(0, |v| v.chars().count()));
            values
                .chain([f.columns[j].0.chars().count()])
                .max()
                .unwrap_or(0)
                .clamp(4, 20) as u16
        })
        .collect();
    let mut used = 0;
    let shown = widths
        .iter()
        .take_while(|w| {
            used += **w + 1;
            used <= area.width + 1
        })
        .count()
        .max(1);
    let header = Row::new(f.columns.iter().take(shown).map(|(n, _)| n.clone()))
        .style(Style::new().fg(ACCENT).underlined());
    let rows = f.rows.iter().map(|r| {
        Row::new(
            r.iter()
                .take(shown)
                .cloned()
                .map(Cell::from)
                .collect::<Vec<_>>(),
        )
    });
    let constraints: Vec<Constraint> = widths[..shown]
        .iter()
        .map(|w| Constraint::Length(*w))
        .collect();
    frame.render_widget(Table::new(rows, constraints).header(header), area);
}

fn draw_folder(frame: &mut Frame, s: &FolderSummary, area: Rect) {
    let at_least = if s.partial { "at least " } else { "" };
    let mut lines = vec![Line::from(vec![
        Span::styled(
            format!(
                " {at_least}{} data file{}",
                thousands(s.data_files as u64),
                plural(s.data_files)
            ),
            Style::new().bold(),
        ),
        Span::styled(
            if s.data_files > 0 {
                format!(", {}", bytes(s.data_bytes))
            } else {
                String::new()
            },
            Style::new().fg(Color::Gray),
        ),
    ])];
    let (layout, hint) = layout_words(&s.layout);
    lines.push(Line::from(vec![
        Span::styled(" layout ", Style::new().fg(Color::Gray)),
        Span::styled(layout, Style::new().fg(ACCENT)),
    ]));
    lines.push(Line::from(Span::styled(
        format!(
            " {} subfolder{}, {} other file{}",
            thousands(s.subfolders as u64),
            plural(s.subfolders),
            s.other_files,
            plural(s.other_files)
        ),
        Style::new().fg(Color::Gray),
    )));
    if !hint.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(" {hint}"),
            Style::new().fg(Color::Gray),
        )));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A folder's layout in words, and how to open it that way.
fn layout_words(layout: &FolderLayout) -> (String, String) {
    let k = |a| words::key(keys::BROWSER, a);
    match layout {
        FolderLayout::Flat => (
            "flat: the files directly in it (a historical-data folder)".to_string(),
            format!(
                "{} lists it, then {} opens it as a dataset",
                k(Action::Open),
                k(Action::OpenDataset)
            ),
        ),
        FolderLayout::Template { template, files } => (
            format!(
                "path template {template} ({} files below)",
                thousands(*files as u64)
            ),
            format!(
                "{} lists it, then {} opens it with its subfolders",
                k(Action::Open),
                k(Action::OpenDatasetRecursive)
            ),
        ),
        FolderLayout::Nested { files } => (
            format!(
                "{} files in subfolders that name no interval",
                thousands(*files as u64)
            ),
            format!(
                "{} lists it, then {} opens it with its subfolders",
                k(Action::Open),
                k(Action::OpenDatasetRecursive)
            ),
        ),
        FolderLayout::Empty => ("no data files".to_string(), String::new()),
    }
}
