//! Drawing: a pure function of the [`App`]. Only the rows and columns that fit are turned into
//! widgets, so a large sample scrolls as fast as a small one.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Gauge, Paragraph, Row, Table, Wrap};

use super::app::{App, FieldKey, Screen, is_interval_folder};
use super::words;
use crate::config::Severity;
use crate::format::{FileFormat, delimiter_name};
use crate::schema::{ColumnKind, Confidence, Role};
use crate::source::EntryKind;
use crate::source::dataset::non_data_reason;
use crate::units::{bytes, thousands};

/// The smallest terminal the screens are laid out for.
pub const MIN_SIZE: (u16, u16) = (60, 16);

const ACCENT: Color = Color::Cyan;

fn role_style(role: Role) -> Style {
    match role {
        Role::Timestamp => Style::new().fg(Color::Yellow).bold(),
        Role::Measure => Style::new().fg(Color::Green).bold(),
        Role::Dimension => Style::new().fg(Color::LightBlue).bold(),
        Role::Ignored => Style::new().fg(Color::DarkGray),
    }
}

fn confidence_style(c: Confidence) -> Style {
    match c {
        Confidence::High => Style::new().fg(Color::Green),
        Confidence::Low => Style::new().fg(Color::Yellow),
        Confidence::None => Style::new().fg(Color::Red),
    }
}

/// Draw the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let text = format!(
            "Enlarge the window to at least {}x{} (now {}x{}).\nq quits.",
            MIN_SIZE.0, MIN_SIZE.1, area.width, area.height
        );
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    }
    let [title, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_title(frame, app, title);
    match app.screen {
        Screen::Browser => draw_browser(frame, app, body),
        Screen::Dataset => draw_dataset(frame, app, body),
        Screen::Coverage => draw_coverage(frame, app, body),
        Screen::Findings => draw_findings(frame, app, body),
        Screen::Export => draw_export(frame, app, body),
    }
    draw_status(frame, app, status);
    if app.help {
        draw_help(frame, app, body);
    }
}

fn draw_title(frame: &mut Frame, app: &App, area: Rect) {
    let screen = match app.screen {
        Screen::Browser => "Browse",
        Screen::Dataset => "Columns",
        Screen::Coverage => "Coverage",
        Screen::Findings => "Findings",
        Screen::Export => "Export",
    };
    let where_ = match (app.screen, &app.dataset) {
        (Screen::Browser, _) | (_, None) => app.browser.location.to_string(),
        (_, Some(d)) => format!(
            "{}{}",
            d.location,
            if d.recursive {
                " (with subfolders)"
            } else {
                ""
            }
        ),
    };
    let line = Line::from(vec![
        Span::styled(" l4m ", Style::new().fg(Color::Black).bg(ACCENT).bold()),
        Span::raw(" "),
        Span::styled(screen, Style::new().bold()),
        Span::raw("  "),
        Span::styled(where_, Style::new().fg(Color::Gray)),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

fn draw_status(frame: &mut Frame, app: &App, area: Rect) {
    let line = match &app.status {
        Some(s) if s.error => Line::from(Span::styled(
            format!(" {}", s.text),
            Style::new().fg(Color::White).bg(Color::Red),
        )),
        Some(s) => Line::from(Span::styled(
            format!(" {}", s.text),
            Style::new().fg(ACCENT),
        )),
        None => {
            let mut spans = vec![Span::raw(" ")];
            // The global keys first, so "? help" shows however narrow the terminal is.
            for b in super::keys::GLOBAL.iter().chain(app.bindings()) {
                let Some(short) = b.short else { continue };
                spans.push(Span::styled(b.label, Style::new().fg(ACCENT).bold()));
                spans.push(Span::raw(format!(" {short}  ")));
            }
            Line::from(spans)
        }
    };
    frame.render_widget(
        Paragraph::new(line).style(Style::new().bg(Color::Rgb(40, 40, 40))),
        area,
    );
}

fn draw_help(frame: &mut Frame, app: &App, area: Rect) {
    let bindings: Vec<_> = app.bindings().iter().chain(super::keys::GLOBAL).collect();
    let height = (bindings.len() as u16 + 2).min(area.height);
    let width = 64.min(area.width);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let rows = bindings.iter().map(|b| {
        Row::new(vec![
            Cell::from(Span::styled(b.label, Style::new().fg(ACCENT).bold())),
            Cell::from(b.help),
        ])
    });
    let table = Table::new(rows, [Constraint::Length(8), Constraint::Min(10)]).block(
        Block::bordered()
            .title(" Keys (any key closes) ")
            .border_style(Style::new().fg(ACCENT)),
    );
    frame.render_widget(Clear, popup);
    frame.render_widget(table, popup);
}

/// The first row to show so that `selected` is inside a window of `height` rows.
fn window_start(selected: usize, height: usize) -> usize {
    if height == 0 {
        0
    } else {
        selected.saturating_sub(height - 1)
    }
}

fn draw_browser(frame: &mut Frame, app: &App, area: Rect) {
    let b = &app.browser;
    let [head, list] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let mut spans = vec![Span::styled(
        format!(" {}", b.location),
        Style::new().bold(),
    )];
    if b.next.is_some() {
        spans.push(Span::styled(
            format!(
                "   {} entries so far{}",
                thousands(b.entries.len() as u64),
                if b.loading_more {
                    ", loading more…"
                } else {
                    "; more load as you scroll"
                }
            ),
            Style::new().fg(Color::Gray),
        ));
    }
    if b.filtering || !b.filter.is_empty() {
        spans.push(Span::styled(
            format!(
                "   filter: {}{}",
                b.filter,
                if b.filtering { "▏" } else { "" }
            ),
            Style::new().fg(Color::Yellow),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), head);

    let block = Block::bordered().border_style(Style::new().fg(Color::DarkGray));
    let inner = block.inner(list);
    frame.render_widget(block, list);
    if b.loading {
        frame.render_widget(Paragraph::new(" listing…"), inner);
        return;
    }
    if let Some(e) = &b.error {
        frame.render_widget(
            Paragraph::new(format!(" {e}"))
                .style(Style::new().fg(Color::Red))
                .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let visible = b.visible();
    if visible.is_empty() {
        let text = if b.entries.is_empty() {
            " This folder is empty."
        } else {
            " Nothing matches the filter (Esc clears it)."
        };
        frame.render_widget(
            Paragraph::new(text).style(Style::new().fg(Color::Gray)),
            inner,
        );
        return;
    }
    let height = inner.height.saturating_sub(1) as usize;
    let start = window_start(b.selected, height);
    let rows = visible
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
        .map(|(i, e)| {
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
            let row = Row::new(vec![
                Cell::from(mark),
                Cell::from(e.name.clone()).style(style),
                Cell::from(note).style(Style::new().fg(Color::DarkGray)),
                Cell::from(e.size.map(bytes).unwrap_or_default()),
                Cell::from(
                    e.modified
                        .map(|m| m.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_default(),
                ),
            ]);
            if i == b.selected {
                row.style(
                    Style::new()
                        .bg(Color::Rgb(50, 60, 80))
                        .add_modifier(Modifier::BOLD),
                )
            } else {
                row
            }
        });
    let header = Row::new(vec!["", "name", "", "size", "modified"]).style(
        Style::new()
            .fg(Color::Gray)
            .add_modifier(Modifier::UNDERLINED),
    );
    let table = Table::new(
        rows,
        [
            Constraint::Length(1),
            Constraint::Min(20),
            Constraint::Length(15),
            Constraint::Length(9),
            Constraint::Length(16),
        ],
    )
    .header(header);
    frame.render_widget(table, inner);
}

fn draw_dataset(frame: &mut Frame, app: &App, area: Rect) {
    let Some(d) = &app.dataset else { return };
    if d.loading {
        frame.render_widget(Paragraph::new(" reading the head of the data…"), area);
        return;
    }
    let Some(i) = &d.inspection else {
        let text = d.error.clone().unwrap_or_default();
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(Span::styled(
                    format!(" {text}"),
                    Style::new().fg(Color::Red),
                )),
                Line::from(" Esc goes back; F, D, Q, H change how the file is read."),
            ])
            .wrap(Wrap { trim: true }),
            area,
        );
        return;
    };
    let detect_height = if area.width < 100 { 3 } else { 2 };
    let [detect, table_area, detail] = Layout::vertical([
        Constraint::Length(detect_height),
        Constraint::Min(5),
        Constraint::Length(5),
    ])
    .areas(area);

    // What detection found, each with its confidence.
    let det = &i.detection;
    let mut spans: Vec<Span> = Vec::new();
    let mut item = |name: &str, value: String, c: Confidence| {
        spans.push(Span::styled(
            format!(" {name} "),
            Style::new().fg(Color::Gray),
        ));
        spans.push(Span::styled(value, Style::new().bold()));
        spans.push(Span::styled(
            format!(" {} ", c.as_str()),
            confidence_style(c),
        ));
    };
    item(
        "format",
        match det.format.value {
            FileFormat::Csv => "csv".into(),
            FileFormat::Jsonl => "jsonl".into(),
        },
        det.format.confidence,
    );
    if det.format.value == FileFormat::Csv {
        item(
            "delim",
            delimiter_name(det.delimiter.value),
            det.delimiter.confidence,
        );
        item(
            "quote",
            det.quote
                .value
                .map(|q| (q as char).to_string())
                .unwrap_or("none".into()),
            det.quote.confidence,
        );
        item(
            "header",
            if det.header.value { "yes" } else { "no" }.into(),
            det.header.confidence,
        );
    }
    item(
        "gzip",
        if det.compression.value == crate::format::Compression::Gzip {
            "yes"
        } else {
            "no"
        }
        .into(),
        det.compression.confidence,
    );
    let freq = d.frequency();
    item(
        "interval",
        freq.map(|f| f.as_str().to_string()).unwrap_or("?".into()),
        if d.frequency.is_some() {
            Confidence::High
        } else {
            i.frequency.confidence
        },
    );
    let files = i.dataset.files.len();
    let line2 = format!(
        " {} rows from {}{}   {} file{} · {}",
        thousands(det.sample.rows.len() as u64),
        i.sample_file,
        if det.sample.complete {
            ""
        } else {
            " (first 1 MiB)"
        },
        files,
        if files == 1 { "" } else { "s" },
        bytes(i.dataset.total_bytes())
    );
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(spans),
            Line::from(Span::styled(line2, Style::new().fg(Color::Gray))),
        ])
        .wrap(Wrap { trim: false }),
        detect,
    );

    // The sample table: only the columns and rows that fit.
    let block = Block::bordered().border_style(Style::new().fg(Color::DarkGray));
    let inner = block.inner(table_area);
    frame.render_widget(block, table_area);
    let sample = &det.sample;
    let body_rows = inner.height.saturating_sub(3) as usize;
    let first_row = d.row.min(sample.rows.len().saturating_sub(1));
    let shown: Vec<&Vec<String>> = sample.rows.iter().skip(first_row).take(body_rows).collect();
    let width_of = |j: usize| -> u16 {
        let name = sample.columns[j].chars().count();
        let values = shown
            .iter()
            .map(|r| r.get(j).map(|v| v.chars().count()).unwrap_or(0))
            .max()
            .unwrap_or(0);
        name.max(values).clamp(11, 30) as u16
    };
    // First column shown: scroll right until the selected one fits.
    let mut start = 0;
    loop {
        let used: u16 = (start..=d.column).map(|j| width_of(j) + 1).sum();
        if used <= inner.width || start >= d.column {
            break;
        }
        start += 1;
    }
    let mut cols = Vec::new();
    let mut used = 0;
    for j in start..sample.columns.len() {
        let w = width_of(j);
        if used + w > inner.width && !cols.is_empty() {
            break;
        }
        used += w + 1;
        cols.push((j, w));
    }
    let header_cell = |j: usize| {
        let name = &sample.columns[j];
        let kind = i.profiles.get(j).map(|p| p.kind.as_str()).unwrap_or("");
        let label = d.labels.get(name);
        let role = label.map(|l| l.role).unwrap_or(Role::Ignored);
        let role_text = match label {
            Some(l) if l.role == Role::Measure => format!("measure {}", l.aggregation.as_str()),
            Some(l) => l.role.as_str().to_string(),
            None => "ignored".into(),
        };
        let selected = j == d.column;
        let name_style = if selected {
            Style::new().fg(Color::Black).bg(ACCENT).bold()
        } else {
            Style::new().bold()
        };
        Cell::from(vec![
            Line::from(Span::styled(name.clone(), name_style)),
            Line::from(Span::styled(kind.to_string(), Style::new().fg(Color::Gray))),
            Line::from(Span::styled(role_text, role_style(role))),
        ])
    };
    let header = Row::new(cols.iter().map(|(j, _)| header_cell(*j))).height(3);
    let rows = shown.iter().map(|r| {
        Row::new(cols.iter().map(|(j, _)| {
            let v = r.get(*j).cloned().unwrap_or_default();
            let style = if *j == d.column {
                Style::new().fg(Color::White).bg(Color::Rgb(40, 50, 70))
            } else {
                Style::new()
            };
            Cell::from(v).style(style)
        }))
    });
    let widths: Vec<Constraint> = cols.iter().map(|(_, w)| Constraint::Length(*w)).collect();
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        inner,
    );

    // The selected column, the timestamp format, and the findings.
    let mut lines = Vec::new();
    if let Some(p) = i.profiles.get(d.column) {
        let label = d.labels.get(&p.name);
        let mut s = vec![
            Span::styled(format!(" {} ", p.name), Style::new().bold()),
            Span::raw(format!(
                "{}, {} distinct in {} values{}",
                p.kind.as_str(),
                thousands(p.distinct as u64),
                thousands(p.non_empty as u64),
                if p.empty > 0 {
                    format!(", {} empty", p.empty)
                } else {
                    String::new()
                }
            )),
        ];
        if let Some(l) = label {
            s.push(Span::raw("  → "));
            s.push(Span::styled(l.role.as_str(), role_style(l.role)));
            s.push(Span::styled(
                format!(": {}", l.reason),
                Style::new().fg(Color::Gray),
            ));
        }
        lines.push(Line::from(s));
        if p.kind == ColumnKind::Timestamp
            && let Some(t) = &p.timestamp
        {
            lines.push(Line::from(Span::styled(
                format!("   detected {} ({}: {})", t.format, t.confidence, t.reason),
                Style::new().fg(Color::Gray),
            )));
        }
    }
    let ts_line = match (&d.format_input, d.labels.timestamp()) {
        (Some(input), _) => {
            let (ok, total, bad, err) = d.format_check(input);
            let feedback = match err {
                Some(e) => Span::styled(format!("  {e}"), Style::new().fg(Color::Red)),
                None if ok == total => Span::styled(
                    format!("  all {total} sample values parse"),
                    Style::new().fg(Color::Green),
                ),
                None => Span::styled(
                    format!(
                        "  {ok} of {total} parse; first that does not: {:?}",
                        bad.unwrap_or_default()
                    ),
                    Style::new().fg(Color::Yellow),
                ),
            };
            Line::from(vec![
                Span::styled(" timestamp format: ", Style::new().fg(Color::Yellow)),
                Span::styled(format!("{input}▏"), Style::new().bold()),
                feedback,
                Span::styled("  (Enter keeps, Esc drops)", Style::new().fg(Color::Gray)),
            ])
        }
        (None, Some(col)) => Line::from(vec![
            Span::styled(" timestamp ", Style::new().fg(Color::Gray)),
            Span::styled(col.to_string(), role_style(Role::Timestamp)),
            Span::styled(" as ", Style::new().fg(Color::Gray)),
            Span::styled(
                d.labels
                    .timestamp_format
                    .as_ref()
                    .map(|f| f.pattern().to_string())
                    .unwrap_or("? (press f)".into()),
                Style::new().bold(),
            ),
            Span::styled(
                format!(
                    "   {} measures, {} dimensions",
                    d.labels.measures().len(),
                    d.labels.dimensions().len()
                ),
                Style::new().fg(Color::Gray),
            ),
        ]),
        (None, None) => Line::from(Span::styled(
            " no timestamp column: move to it and press t",
            Style::new().fg(Color::Red),
        )),
    };
    lines.push(ts_line);
    lines.push(findings_line(app));
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::new()
                .borders(ratatui::widgets::Borders::TOP)
                .border_style(Style::new().fg(Color::DarkGray)),
        ),
        detail,
    );
}

/// One line: how many errors and warnings, and the first error.
fn findings_line(app: &App) -> Line<'static> {
    let errors: Vec<_> = app
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    let warnings = app.findings.len() - errors.len();
    let mut spans = vec![Span::raw(" ")];
    if errors.is_empty() {
        spans.push(Span::styled(
            "✓ no errors",
            Style::new().fg(Color::Green).bold(),
        ));
    } else {
        spans.push(Span::styled(
            format!(
                "{} error{}",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            ),
            Style::new().fg(Color::Red).bold(),
        ));
    }
    spans.push(Span::styled(
        format!(
            ", {warnings} warning{}",
            if warnings == 1 { "" } else { "s" }
        ),
        Style::new().fg(Color::Yellow),
    ));
    if let Some(e) = errors.first() {
        spans.push(Span::raw(format!("  {}", words::finding(e))));
    }
    spans.push(Span::styled(
        "  (v lists them)",
        Style::new().fg(Color::Gray),
    ));
    Line::from(spans)
}

fn draw_coverage(frame: &mut Frame, app: &App, area: Rect) {
    let Some(c) = &app.coverage else { return };
    let [summary, chart] =
        Layout::vertical([Constraint::Length(8), Constraint::Min(4)]).areas(area);
    let mut lines: Vec<Line> = Vec::new();
    lines.push(Line::from(vec![
        Span::styled(" interval ", Style::new().fg(Color::Gray)),
        Span::styled(
            format!("{} ({})", c.frequency, c.frequency.human()),
            Style::new().bold(),
        ),
        Span::styled("   timezone ", Style::new().fg(Color::Gray)),
        Span::styled(
            match &c.tz_input {
                Some(t) => format!("{t}▏ (Enter keeps, Esc drops)"),
                None => c.timezone.name().to_string(),
            },
            Style::new().bold(),
        ),
    ]));
    if let Some((done, files, read, total)) = app.scan_progress() {
        frame.render_widget(Paragraph::new(lines), summary);
        let ratio = if total > 0 {
            (read as f64 / total as f64).min(1.0)
        } else if files > 0 {
            done as f64 / files as f64
        } else {
            0.0
        };
        let gauge_area = Rect {
            y: summary.y + 2,
            height: 1,
            ..summary
        };
        frame.render_widget(
            Gauge::default()
                .gauge_style(Style::new().fg(ACCENT).bg(Color::Rgb(40, 40, 40)))
                .ratio(ratio)
                .label(format!(
                    "scanning: {done}/{files} files, {} of {} (Esc cancels)",
                    bytes(read),
                    bytes(total)
                )),
            gauge_area,
        );
        return;
    }
    if let Some(e) = &c.error {
        lines.push(Line::from(Span::styled(
            format!(" {e}"),
            Style::new().fg(Color::Red),
        )));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), summary);
        return;
    }
    let Some(r) = &c.result else {
        frame.render_widget(Paragraph::new(lines), summary);
        return;
    };
    let pass = r.meets_threshold;
    lines.push(Line::from(vec![
        Span::styled(
            if pass { " PASS " } else { " FAIL " },
            Style::new()
                .fg(Color::Black)
                .bg(if pass { Color::Green } else { Color::Red })
                .bold(),
        ),
        Span::styled(
            format!(
                " {} intervals with data {} {}",
                thousands(r.intervals_with_data),
                if pass { "≥" } else { "<" },
                r.threshold
            ),
            Style::new().bold(),
        ),
        Span::styled(
            format!(
                "   span {} ({} missing){}",
                thousands(r.intervals_spanned),
                thousands(r.intervals_missing),
                if r.complete { "" } else { "   PARTIAL" }
            ),
            Style::new().fg(Color::Gray),
        ),
    ]));
    let fmt_t = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| {
            t.with_timezone(&c.timezone)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|| "-".into())
    };
    lines.push(Line::from(format!(
        " {} to {} ({})   {} records in {} file{}",
        fmt_t(r.first_interval),
        fmt_t(r.last_interval),
        c.timezone.name(),
        thousands(r.records),
        r.files_scanned,
        if r.files_scanned == 1 { "" } else { "s" }
    )));
    lines.push(Line::from(match r.longest_gaps.first() {
        Some(g) => format!(
            " longest gap {} interval{} from {}   ({} gaps listed)",
            thousands(g.intervals),
            if g.intervals == 1 { "" } else { "s" },
            fmt_t(Some(g.start)),
            r.longest_gaps.len()
        ),
        None => " no gaps".into(),
    }));
    lines.push(Line::from(format!(
        " max {} records per interval (quota {}), max {} file{} per interval (quota {})",
        thousands(r.max_records_per_interval),
        thousands(r.records_quota),
        r.max_files_per_interval,
        if r.max_files_per_interval == 1 {
            ""
        } else {
            "s"
        },
        r.files_quota
    )));
    lines.push(match r.skipped_examples.first() {
        Some(e) => Line::from(Span::styled(
            format!(
                " {} skipped, e.g. {}:{} {}",
                thousands(r.records_skipped),
                e.file,
                e.line,
                e.reason
            ),
            Style::new().fg(Color::Yellow),
        )),
        None => Line::from(" no record skipped"),
    });
    lines.push(findings_line(app));
    frame.render_widget(Paragraph::new(lines), summary);
    draw_histogram(frame.buffer_mut(), c, r, chart);
}

/// Records per interval as bars; each column holds `zoom` intervals (the densest shown). A strip
/// under the bars is red where a column has missing intervals (full block: all missing), and a
/// yellow line marks where the 285th interval with data is reached.
fn draw_histogram(
    buf: &mut Buffer,
    c: &super::app::CoverageView,
    r: &crate::coverage::Coverage,
    area: Rect,
) {
    let block = Block::bordered()
        .title(" records per interval ")
        .border_style(Style::new().fg(Color::DarkGray));
    let inner = block.inner(area);
    ratatui::widgets::Widget::render(block, area, buf);
    if inner.height < 3 || inner.width < 10 || r.intervals_spanned == 0 {
        return;
    }
    let width = inner.width as usize;
    let zoom = c.effective_zoom(width);
    let len = r.frequency.seconds();
    let Some(first) = r.first_interval else {
        return;
    };
    let first = first.timestamp();
    let spanned = r.intervals_spanned as usize;
    // Interval index -> records, for the intervals with data.
    let counts = &c.per_interval;
    // Index of the interval where the 285th interval with data is reached.
    let threshold_at = r
        .intervals
        .get(r.threshold as usize - 1)
        .map(|iv| ((iv.start.timestamp() - first) / len) as usize);
    let max = r.max_records_per_interval.max(1) as f64;
    // Rows: bars, then a strip that marks columns with a missing interval, then the time axis.
    let bar_rows = inner.height.saturating_sub(2) as usize;
    let strip_y = inner.y + bar_rows as u16;
    let scroll = c.scroll.min(spanned.saturating_sub(1));
    const EIGHTHS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let mut threshold_col = None;
    // A short span gets wider bars (several columns an interval) instead of a sliver on the left.
    let per_interval = if zoom == 1 {
        (width / spanned.saturating_sub(scroll).max(1)).clamp(1, 6)
    } else {
        1
    };
    for x in 0..width {
        if per_interval > 2 && x % per_interval == per_interval - 1 {
            continue;
        }
        let from = scroll + (x / per_interval) * zoom;
        if from >= spanned {
            break;
        }
        let to = (from + zoom).min(spanned);
        let slice = counts.get(from..to).unwrap_or(&[]);
        let value = slice.iter().copied().filter(|n| *n > 0).max();
        let missing = slice.iter().filter(|n| **n == 0).count();
        let col = inner.x + x as u16;
        if threshold_col.is_none() && threshold_at.is_some_and(|t| (from..to).contains(&t)) {
            threshold_col = Some(col);
        }
        if let Some(v) = value {
            let eighths = ((v as f64 / max) * (bar_rows * 8) as f64).round().max(1.0) as usize;
            for row in 0..bar_rows {
                let filled = eighths.saturating_sub(row * 8).min(8);
                if filled == 0 {
                    break;
                }
                let y = inner.y + (bar_rows - 1 - row) as u16;
                buf[(col, y)]
                    .set_char(EIGHTHS[filled - 1])
                    .set_style(Style::new().fg(ACCENT));
            }
        }
        let (mark, style) = match missing {
            0 => ('─', Style::new().fg(Color::DarkGray)),
            n if n == to - from => ('█', Style::new().fg(Color::Red)),
            _ => ('▄', Style::new().fg(Color::Red)),
        };
        buf[(col, strip_y)].set_char(mark).set_style(style);
    }
    // Where the 285th interval with data is reached: the minimum a backtest needs.
    if let Some(col) = threshold_col {
        for row in 0..bar_rows {
            buf[(col, inner.y + row as u16)]
                .set_char('┃')
                .set_style(Style::new().fg(Color::Yellow).bold());
        }
        let label = " 285 intervals with data ";
        let lx = if col + 1 + label.len() as u16 <= inner.x + inner.width {
            col + 1
        } else {
            col.saturating_sub(label.len() as u16)
        };
        buf.set_string(
            lx,
            inner.y,
            label,
            Style::new().fg(Color::Black).bg(Color::Yellow),
        );
    }
    // The time axis: the first and last interval in view.
    let y = inner.y + inner.height - 1;
    let tz = c.timezone;
    let label_at = |k: usize| {
        chrono::DateTime::from_timestamp(first + (k as i64) * len, 0)
            .map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default()
    };
    let last_in_view = (scroll + (width / per_interval) * zoom).min(spanned) - 1;
    let left = label_at(scroll);
    let right = label_at(last_in_view);
    let mid = format!(
        "{} interval{}/column",
        zoom,
        if zoom == 1 { "" } else { "s" }
    );
    buf.set_string(inner.x, y, &left, Style::new().fg(Color::Gray));
    let rx = inner.x + inner.width.saturating_sub(right.len() as u16);
    buf.set_string(rx, y, &right, Style::new().fg(Color::Gray));
    let mx = inner.x + (inner.width.saturating_sub(mid.len() as u16)) / 2;
    if mx > inner.x + left.len() as u16 + 1 && mx + (mid.len() as u16) < rx {
        buf.set_string(mx, y, &mid, Style::new().fg(Color::DarkGray));
    }
}

fn draw_findings(frame: &mut Frame, app: &App, area: Rect) {
    let block = Block::bordered()
        .title(" findings for the current labels ")
        .border_style(Style::new().fg(Color::DarkGray));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if app.findings.is_empty() {
        frame.render_widget(
            Paragraph::new(" ✓ nothing to fix: the config passes every check").fg(Color::Green),
            inner,
        );
        return;
    }
    let mut lines = Vec::new();
    for (k, f) in app.findings.iter().enumerate() {
        let (tag, style) = match f.severity {
            Severity::Error => ("error  ", Style::new().fg(Color::Red).bold()),
            Severity::Warning => ("warning", Style::new().fg(Color::Yellow).bold()),
        };
        let marker = if k == app.findings_selected {
            "▶ "
        } else {
            "  "
        };
        lines.push(Line::from(vec![
            Span::raw(marker),
            Span::styled(tag, style),
            Span::styled(format!(" [{}] ", f.rule), Style::new().fg(Color::Gray)),
            Span::raw(words::finding(f)),
        ]));
    }
    // Keep the selected finding in view (lines wrap, so count roughly by one line each).
    let start = window_start(app.findings_selected, inner.height as usize) as u16;
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((start, 0)),
        inner,
    );
}

fn draw_export(frame: &mut Frame, app: &App, area: Rect) {
    let [form_area, preview_area] =
        Layout::horizontal([Constraint::Percentage(48), Constraint::Percentage(52)]).areas(area);
    let [form_top, form_bottom] =
        Layout::vertical([Constraint::Min(4), Constraint::Length(3)]).areas(form_area);
    let f = &app.export;
    let rows = FieldKey::ALL.iter().enumerate().map(|(k, key)| {
        let selected = k == f.selected;
        let value = match (&f.editing, selected) {
            (Some(buf), true) => format!("{buf}▏"),
            _ => {
                let v = f.value(*key);
                if v.is_empty() { "—".to_string() } else { v }
            }
        };
        let style = if selected {
            Style::new().bg(Color::Rgb(50, 60, 80)).bold()
        } else {
            Style::new()
        };
        Row::new(vec![
            Cell::from(key.label()).style(Style::new().fg(Color::Gray)),
            Cell::from(value),
        ])
        .style(style)
    });
    let form = Table::new(rows, [Constraint::Length(16), Constraint::Min(10)]).block(
        Block::bordered()
            .title(" export ")
            .border_style(Style::new().fg(Color::DarkGray)),
    );
    frame.render_widget(form, form_top);
    let mut bottom = vec![findings_line(app)];
    if let Some(p) = &f.confirm_overwrite {
        bottom.insert(
            0,
            Line::from(Span::styled(
                format!(" {} exists: replace it? y/n", p.display()),
                Style::new().fg(Color::Black).bg(Color::Yellow).bold(),
            )),
        );
    }
    frame.render_widget(
        Paragraph::new(bottom).wrap(Wrap { trim: true }),
        form_bottom,
    );
    let text = app.export_preview().map(|(_, t)| t).unwrap_or_default();
    let preview = Paragraph::new(text)
        .scroll((f.preview_scroll as u16, 0))
        .block(
            Block::bordered()
                .title(" the exact file (PgUp/PgDn scroll) ")
                .border_style(Style::new().fg(Color::DarkGray)),
        );
    frame.render_widget(preview, preview_area);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ExportOptions;
    use crate::config::findings::{Context, review};
    use crate::format::{Compression, Dialect};
    use crate::schema::Labels;

    #[test]
    fn findings_about_missing_values_name_keys_and_fields_not_flags() {
        let dialect = Dialect {
            format: FileFormat::Csv,
            compression: Compression::None,
            delimiter: b',',
            quote: Some(b'"'),
            has_header: true,
            sep_line: false,
            columns: vec!["a".into()],
        };
        let review = review(&Context {
            labels: &Labels::default(),
            profiles: &[],
            dialect: &dialect,
            coverage: None,
            options: &ExportOptions::default(),
        });
        let rules: Vec<&str> = review.findings.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(
            rules,
            [
                "timestamp-column",
                "frequency",
                "s3-path",
                "role-arn",
                "measure-count",
                "detector-arn",
                "name",
            ]
        );
        let texts: Vec<String> = review.findings.iter().map(words::finding).collect();
        assert_eq!(
            texts[..3],
            [
                "no timestamp column: press t on a column (the timestamp)",
                "no interval: choose the interval with 1-4 on the coverage screen",
                "no S3 path (a historical-data folder for a backtest, a path template for continuous mode): fill the export form's historical path (like s3://bucket/folder/), or fill the export form's path template (like s3://bucket/live/{{yyyyMMdd}}/{{HHmm}})",
            ]
        );
        for text in &texts {
            assert!(!text.contains("--"), "{text}");
        }
    }
}
