//! The browser screen: a folder's listing (paged for long S3 prefixes, filtered by name) and the
//! preview of the highlighted entry, loaded in the background as the cursor rests on it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};

use super::app::{Ctx, Event};
use super::component::{Click, Component, Shared};
use super::input::{self, Field, Outcome};
use super::keys::{self, Action, Binding, Key};
use super::layout::{self, window_start};
use super::preview::{self, Pane};
use super::style::{ACCENT, selected_row};
use super::words::TuiWords;
use super::worker::{Answer, Job};
use crate::fix::Words as _;
use crate::source::dataset::non_data_reason;
use crate::source::{Entry, EntryKind, Location};
use crate::units::{bytes, thousands};

/// The folder browser.
#[derive(Debug, Clone)]
pub struct Browser {
    pub location: Location,
    pub entries: Vec<Entry>,
    pub loading: bool,
    pub error: Option<String>,
    /// Index into [`Browser::visible`].
    pub selected: usize,
    /// The filter in force (case-insensitive part of the name).
    pub filter: String,
    /// The filter being typed.
    pub filter_input: Option<Field>,
    filter_history: Vec<String>,
    /// The entry to select when the listing arrives (the folder we came up from).
    pub reselect: Option<String>,
    /// The cursor of the next page of a long listing (S3 prefixes come 1,000 keys a page).
    pub next: Option<String>,
    /// True while the next page is being fetched.
    pub loading_more: bool,
    list_id: u64,
    pub preview: Pane,
    preview_for: Option<Location>,
    preview_id: u64,
    preview_cancel: Option<Arc<AtomicBool>>,
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

impl Browser {
    /// A browser about to list `location` (the caller asks for the listing with [`Browser::list`]).
    pub fn new(location: Location) -> Browser {
        Browser {
            location,
            entries: Vec::new(),
            loading: true,
            error: None,
            selected: 0,
            filter: String::new(),
            filter_input: None,
            filter_history: Vec::new(),
            reselect: None,
            next: None,
            loading_more: false,
            list_id: 0,
            preview: Pane::Nothing,
            preview_for: None,
            preview_id: 0,
            preview_cancel: None,
        }
    }

    /// The filter as it stands, typed or in force.
    fn filter_text(&self) -> &str {
        match &self.filter_input {
            Some(f) => f.value(),
            None => &self.filter,
        }
    }

    /// The entries that pass the filter (case-insensitive substring).
    pub fn visible(&self) -> Vec<&Entry> {
        let f = self.filter_text().to_lowercase();
        self.entries
            .iter()
            .filter(|e| f.is_empty() || e.name.to_lowercase().contains(&f))
            .collect()
    }

    fn page(ctx: &Ctx) -> usize {
        layout::Browser::new(ctx.screen().body).list_rows().max(1)
    }

    /// List a folder (its first page).
    pub fn list(&mut self, location: Location, ctx: &mut Ctx) {
        self.location = location.clone();
        self.loading = true;
        self.error = None;
        self.selected = 0;
        self.next = None;
        self.loading_more = false;
        self.list_id = ctx.request(Job::List {
            location,
            cursor: None,
        });
    }

    fn move_or_open(&mut self, action: Action, ctx: &mut Ctx) {
        let last = self.visible().len().saturating_sub(1);
        let page = Browser::page(ctx);
        if let Some(to) = action.moved(self.selected, last, page) {
            self.selected = to;
        }
        match action {
            Action::Filter => self.filter_input = Some(Field::new("", &self.filter_history)),
            Action::Back => self.back(ctx),
            Action::Open => self.open(ctx),
            Action::OpenDataset | Action::OpenDatasetRecursive => ctx.emit(Event::OpenDataset {
                location: self.location.clone(),
                recursive: action == Action::OpenDatasetRecursive,
                is_file: false,
            }),
            _ => {}
        }
    }

    fn back(&mut self, ctx: &mut Ctx) {
        if !self.filter.is_empty() {
            self.filter.clear();
            self.selected = 0;
        } else if let Some(up) = self.location.parent() {
            let from = self.location.file_name();
            self.list(up, ctx);
            self.reselect = Some(from);
        }
    }

    fn open(&mut self, ctx: &mut Ctx) {
        let Some(entry) = self.visible().get(self.selected).map(|e| (*e).clone()) else {
            return;
        };
        match entry.kind {
            EntryKind::Folder => self.list(entry.location, ctx),
            EntryKind::File => match non_data_reason(&entry.name) {
                Some(reason) => ctx.error(format!("{}: {reason}", entry.name)),
                None => ctx.emit(Event::OpenDataset {
                    location: entry.location,
                    recursive: false,
                    is_file: true,
                }),
            },
            EntryKind::Other(why) => ctx.error(format!("{}: not read: {why}", entry.name)),
        }
    }

    /// After the selection, the filter or the listing changed: more pages, a new preview.
    fn after_change(&mut self, ctx: &mut Ctx) {
        self.more_if_needed(ctx);
        self.preview_selected(ctx);
    }

    /// Fetch the next page of a long listing: when the selection nears the end of what is shown,
    /// and always while a filter is set (it must see every name).
    fn more_if_needed(&mut self, ctx: &mut Ctx) {
        let near_end = self.selected + 100 >= self.entries.len();
        let filtering = !self.filter_text().is_empty();
        if (near_end || filtering)
            && !self.loading_more
            && !self.loading
            && let Some(cursor) = self.next.clone()
        {
            self.loading_more = true;
            self.list_id = ctx.request(Job::List {
                location: self.location.clone(),
                cursor: Some(cursor),
            });
        }
    }

    /// Ask for the preview of the highlighted entry, cancelling the one before.
    fn preview_selected(&mut self, ctx: &mut Ctx) {
        let entry = self.visible().get(self.selected).map(|e| (*e).clone());
        if entry.as_ref().map(|e| &e.location) == self.preview_for.as_ref() {
            return;
        }
        if let Some(cancel) = self.preview_cancel.take() {
            cancel.store(true, Ordering::Relaxed);
        }
        self.preview_for = entry.as_ref().map(|e| e.location.clone());
        let Some(entry) = entry else {
            self.preview = Pane::Nothing;
            return;
        };
        if entry.kind == EntryKind::File
            && let Some(why) = non_data_reason(&entry.name)
        {
            self.preview = Pane::NotData(entry.name, why);
            return;
        }
        self.preview = Pane::Loading(entry.name.clone());
        let cancel = Arc::new(AtomicBool::new(false));
        self.preview_cancel = Some(Arc::clone(&cancel));
        self.preview_id = ctx.request(Job::Preview { entry, cancel });
    }

    /// Stop waiting for the listing and the preview under way: their answers, when they come,
    /// are dropped (ids start at 1, so 0 matches none).
    pub fn cancel_waits(&mut self) {
        if self.loading || self.loading_more {
            self.list_id = 0;
            if self.loading {
                self.entries.clear();
                self.error = Some("the listing was cancelled".into());
            }
            self.loading = false;
            self.loading_more = false;
        }
        if let Pane::Loading(name) = &self.preview {
            if let Some(cancel) = self.preview_cancel.take() {
                cancel.store(true, Ordering::Relaxed);
            }
            self.preview_id = 0;
            self.preview = Pane::Failed(name.clone(), "the preview was cancelled".into());
        }
    }

    /// A page of the listing arrived.
    pub fn on_listed(&mut self, id: u64, answer: Answer, ctx: &mut Ctx) {
        let Answer::Listed {
            location,
            more,
            result,
        } = answer
        else {
            return;
        };
        if id != self.list_id || location != self.location {
            return;
        }
        self.loading = false;
        self.loading_more = false;
        match result {
            Ok((entries, next)) => {
                if more {
                    self.entries.extend(entries);
                } else {
                    self.entries = entries;
                }
                self.next = next;
                self.error = None;
                if let Some(name) = self.reselect.take() {
                    self.selected = self
                        .visible()
                        .iter()
                        .position(|e| e.name.trim_end_matches('/') == name)
                        .unwrap_or(0);
                }
                self.after_change(ctx);
            }
            Err(e) => {
                let e = TuiWords.error(&e);
                self.entries.clear();
                self.error = Some(e.clone());
                ctx.error(e);
            }
        }
    }

    /// The preview asked for arrived (or was cancelled).
    pub fn on_previewed(&mut self, id: u64, answer: Answer) {
        let Answer::Previewed { result: Some(r) } = answer else {
            return;
        };
        if id != self.preview_id {
            return;
        }
        let name = match &self.preview {
            Pane::Loading(n) => n.clone(),
            _ => return,
        };
        self.preview = match r {
            Ok(p) => Pane::Ready(name, p),
            Err(e) => Pane::Failed(name, TuiWords.error(&e)),
        };
    }

    fn head_line(&self) -> Line<'static> {
        let mut spans = vec![Span::styled(
            format!(" {}", self.location),
            Style::new().bold(),
        )];
        if self.next.is_some() {
            spans.push(Span::styled(
                format!(
                    "   {} entries so far{}",
                    thousands(self.entries.len() as u64),
                    if self.loading_more {
                        ", loading more…"
                    } else {
                        "; more load as you scroll"
                    }
                ),
                Style::new().fg(Color::Gray),
            ));
        }
        if let Some(f) = &self.filter_input {
            spans.push(Span::styled("   filter: ", Style::new().fg(Color::Yellow)));
            spans.extend(f.spans(30, Style::new().fg(Color::Yellow)));
        } else if !self.filter.is_empty() {
            spans.push(Span::styled(
                format!("   filter: {}", self.filter),
                Style::new().fg(Color::Yellow),
            ));
        }
        Line::from(spans)
    }

    fn draw_list(&self, frame: &mut Frame, l: &layout::Browser) {
        let block = Block::bordered().border_style(Style::new().fg(Color::DarkGray));
        let inner = block.inner(l.list);
        frame.render_widget(block, l.list);
        let gray = Style::new().fg(Color::Gray);
        let message = if self.loading {
            Some((" listing…".to_string(), Style::new()))
        } else if let Some(e) = &self.error {
            Some((format!(" {e}"), Style::new().fg(Color::Red)))
        } else if self.entries.is_empty() {
            Some((" This folder is empty.".to_string(), gray))
        } else if self.visible().is_empty() {
            Some((
                " Nothing matches the filter (Esc clears it).".to_string(),
                gray,
            ))
        } else {
            None
        };
        if let Some((text, style)) = message {
            let p = Paragraph::new(text).style(style).wrap(Wrap { trim: true });
            frame.render_widget(p, inner);
            return;
        }
        frame.render_widget(self.table(l.list_rows(), inner.width), inner);
    }

    fn table(&self, height: usize, width: u16) -> Table<'static> {
        // Narrow listings (the preview beside them) leave out the note and the time.
        let wide = width >= 66;
        let visible = self.visible();
        let start = window_start(self.selected, height);
        let rows = visible
            .iter()
            .enumerate()
            .skip(start)
            .take(height)
            .map(|(i, e)| {
                let row = entry_row(e, wide);
                if i == self.selected {
                    row.style(selected_row())
                } else {
                    row
                }
            });
        let (header, widths) = if wide {
            (
                vec!["", "name", "", "size", "modified"],
                vec![
                    Constraint::Length(1),
                    Constraint::Min(20),
                    Constraint::Length(15),
                    Constraint::Length(9),
                    Constraint::Length(16),
                ],
            )
        } else {
            (
                vec!["", "name", "size"],
                vec![
                    Constraint::Length(1),
                    Constraint::Min(12),
                    Constraint::Length(9),
                ],
            )
        };
        let header = Row::new(header).style(
            Style::new()
                .fg(Color::Gray)
                .add_modifier(Modifier::UNDERLINED),
        );
        Table::new(rows.collect::<Vec<_>>(), widths).header(header)
    }
}

/// One listing row: a mark, the name, what it is, its size and time.
fn entry_row(e: &Entry, wide: bool) -> Row<'static> {
    let (mark, style, note) = match e.kind {
        EntryKind::Folder if is_interval_folder(&e.name) => {
            ("▸", Style::new().fg(ACCENT).bold(), "interval folder")
        }
        EntryKind::Folder => ("▸", Style::new().fg(ACCENT).bold(), "folder"),
        EntryKind::File if non_data_reason(&e.name).is_none() => {
            ("•", Style::new().fg(Color::Green), "data")
        }
        EntryKind::File => (" ", Style::new().fg(Color::DarkGray), "not data"),
        EntryKind::Other(why) => ("!", Style::new().fg(Color::DarkGray), why),
    };
    let mut cells = vec![Cell::from(mark), Cell::from(e.name.clone()).style(style)];
    if wide {
        cells.push(Cell::from(note).style(Style::new().fg(Color::DarkGray)));
    }
    cells.push(Cell::from(e.size.map(bytes).unwrap_or_default()));
    if wide {
        cells.push(Cell::from(
            e.modified
                .map(|m| m.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
        ));
    }
    Row::new(cells)
}

impl Component for Browser {
    fn bindings(&self) -> &'static [Binding] {
        keys::BROWSER
    }

    /// A key of the browser's table.
    fn act(&mut self, action: Action, ctx: &mut Ctx) {
        self.move_or_open(action, ctx);
        self.after_change(ctx);
    }

    /// A key while the filter is typed; false when no filter is being typed.
    fn text_key(&mut self, key: Key, ctx: &mut Ctx) -> bool {
        let Some(field) = self.filter_input.as_mut() else {
            return false;
        };
        match field.key(key) {
            Outcome::Edited => {}
            Outcome::Commit => {
                self.filter = field.value().to_string();
                input::remember(&mut self.filter_history, &self.filter);
                self.filter_input = None;
            }
            Outcome::Cancel => {
                self.filter.clear();
                self.filter_input = None;
            }
        }
        self.selected = 0;
        self.after_change(ctx);
        true
    }

    /// A click at a screen cell: select the row under it; a double click opens it.
    fn click(&mut self, click: Click, ctx: &mut Ctx) {
        let Click { x, y, double } = click;
        let l = layout::Browser::new(ctx.screen().body);
        if !layout::hit(layout::inner(l.list), x, y) || y < l.first_row_y() {
            return;
        }
        let start = window_start(self.selected, l.list_rows());
        let row = start + (y - l.first_row_y()) as usize;
        if row >= self.visible().len() {
            return;
        }
        self.selected = row;
        if double {
            self.open(ctx);
        }
        self.after_change(ctx);
    }

    fn draw(&self, frame: &mut Frame, body: Rect, _shared: &Shared<'_>) {
        let l = layout::Browser::new(body);
        frame.render_widget(Paragraph::new(self.head_line()), l.head);
        self.draw_list(frame, &l);
        preview::draw(frame, &self.preview, l.preview);
    }
}
