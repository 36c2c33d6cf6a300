//! Drawing: a pure function of the [`App`]. The frame's title and status lines and the help are
//! drawn here; each screen's body is drawn by its component, in the areas `layout` gives.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, Wrap};

use super::app::{App, Screen, Waiting};
use super::keys;
use super::layout::{self, MIN_SIZE};
use super::style::ACCENT;

/// Draw the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if layout::Screen::too_small(area) {
        let text = format!(
            "Enlarge the window to at least {}x{} (now {}x{}).\nq quits.",
            MIN_SIZE.0, MIN_SIZE.1, area.width, area.height
        );
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    }
    let l = layout::Screen::of(area);
    draw_title(frame, app, l.title);
    app.draw_front(frame, l.body);
    draw_status(frame, app, l.status);
    if app.help {
        draw_help(frame, app, l.body);
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
        (_, Some(d)) if d.recursive => format!("{} (with subfolders)", d.location),
        (_, Some(d)) => d.location.to_string(),
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
    let line = match (&app.wait, app.status()) {
        // A wait is news while it lasts: it goes before any message.
        (Some(w), _) => Line::from(vec![
            Span::raw(" "),
            Span::styled("Esc", Style::new().fg(ACCENT).bold()),
            Span::raw(" cancels  "),
            Span::styled(wait_text(w), Style::new().fg(Color::Yellow)),
        ]),
        (None, s) => status_line(app, s),
    };
    frame.render_widget(
        Paragraph::new(line).style(Style::new().bg(Color::Rgb(40, 40, 40))),
        area,
    );
}

/// How long a request has waited so far, which attempt, and what for (the location last: a long
/// one is what a narrow terminal cuts).
pub fn wait_text(w: &Waiting) -> String {
    let Waiting { wait, elapsed } = w;
    format!(
        "waiting {} s, attempt {} of {}, for {} {}",
        elapsed.as_secs(),
        wait.attempt,
        wait.max_attempts,
        wait.action,
        wait.location,
    )
}

fn status_line(app: &App, status: Option<&super::app::Status>) -> Line<'static> {
    match status {
        Some(s) if s.error => Line::from(Span::styled(
            format!(" {}", s.text),
            Style::new().fg(Color::White).bg(Color::Red),
        )),
        Some(s) => Line::from(Span::styled(
            format!(" {}", s.text),
            Style::new().fg(ACCENT),
        )),
        None if app.typing() => {
            // A field takes the keys: its own, not the screen's, are offered.
            let mut spans = vec![Span::raw(" ")];
            for (key, what) in [
                ("Enter", "keep"),
                ("Esc", "cancel"),
                ("←/→", "move"),
                ("↑/↓", "earlier values"),
            ] {
                spans.push(Span::styled(key, Style::new().fg(ACCENT).bold()));
                spans.push(Span::raw(format!(" {what}  ")));
            }
            Line::from(spans)
        }
        None => {
            let mut spans = vec![Span::raw(" ")];
            // The global keys first, so "? help" shows however narrow the terminal is.
            for b in keys::GLOBAL.iter().chain(app.bindings()) {
                let Some(short) = b.short else { continue };
                spans.push(Span::styled(b.label, Style::new().fg(ACCENT).bold()));
                spans.push(Span::raw(format!(" {short}  ")));
            }
            Line::from(spans)
        }
    }
}

fn draw_help(frame: &mut Frame, app: &App, area: Rect) {
    let bindings: Vec<_> = app.bindings().iter().chain(keys::GLOBAL).collect();
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
            Cell::from(b.describe()),
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

#[cfg(test)]
mod tests {
    use super::super::words::TuiWords;
    use crate::config::ExportOptions;
    use crate::config::findings::{Context, review};
    use crate::fix::Words as _;
    use crate::format::{Compression, Dialect, FileFormat};
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
        let texts: Vec<String> = review
            .findings
            .iter()
            .map(|f| TuiWords.finding(f))
            .collect();
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
