//! Drawing: a pure function of the [`App`]. The frame's title and status lines and the help are
//! drawn here; each screen's body is drawn by its component, in the areas `layout` gives.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::app::{App, Screen, Waiting};
use super::keys;
use super::layout::{self, MIN_SIZE};
use super::style::{ACCENT, fit_words, wrap_words};

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
        (None, s) => status_line(app, s, area.width as usize),
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

/// The status line: a message cut only between words (`?` shows it whole), else the keys.
fn status_line(app: &App, status: Option<&super::app::Status>, width: usize) -> Line<'static> {
    let fit = |t: &str| format!(" {}", fit_words(t, width.saturating_sub(1)));
    match status {
        Some(s) if s.error => Line::from(Span::styled(
            fit(&s.text),
            Style::new().fg(Color::White).bg(Color::Red),
        )),
        Some(s) => Line::from(Span::styled(fit(&s.text), Style::new().fg(ACCENT))),
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
        None => key_bar(app, width),
    }
}

/// The screen's main keys in a line of `width`: whole entries only. `? help`, `q quit` and
/// `Esc` always show; the others in order while they fit (`?` lists every key).
fn key_bar(app: &App, width: usize) -> Line<'static> {
    let entries: Vec<_> = keys::GLOBAL
        .iter()
        .chain(app.bindings())
        .filter_map(|b| b.short.map(|s| (b, s)))
        .collect();
    let len = |(b, s): &(&keys::Binding, &str)| b.label.chars().count() + s.chars().count() + 3;
    let kept = |(b, _): &(&keys::Binding, &str)| {
        use keys::Action::{Back, Help, Quit};
        matches!(b.action, Help | Quit | Back)
    };
    let mut room = width.saturating_sub(1);
    room = room.saturating_sub(entries.iter().filter(|e| kept(e)).map(len).sum());
    let mut spans = vec![Span::raw(" ")];
    for e in &entries {
        if !kept(e) {
            if len(e) > room {
                continue;
            }
            room -= len(e);
        }
        spans.push(Span::styled(e.0.label, Style::new().fg(ACCENT).bold()));
        spans.push(Span::raw(format!(" {}  ", e.1)));
    }
    Line::from(spans)
}

/// The help's lines for a popup `inner` characters wide: each key and what it does, wrapped
/// between words under its description.
fn help_lines(app: &App, inner: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(s) = app.status() {
        for t in wrap_words(&s.text, inner.max(10)) {
            lines.push(Line::from(Span::styled(t, Style::new().fg(Color::Gray))));
        }
        lines.push(Line::from(""));
    }
    for b in app.bindings().iter().chain(keys::GLOBAL) {
        let text = wrap_words(&b.describe(), inner.saturating_sub(HELP_KEY).max(10));
        for (k, t) in text.into_iter().enumerate() {
            let key = if k == 0 { b.label } else { "" };
            lines.push(Line::from(vec![
                Span::styled(format!("{key:<HELP_KEY$}"), Style::new().fg(ACCENT).bold()),
                Span::raw(t),
            ]));
        }
    }
    lines
}

/// The width of the help's key column.
const HELP_KEY: usize = 9;

/// The help popup in `area`: as wide as its longest line allows, as tall as it fits.
fn help_area(app: &App, area: Rect) -> Rect {
    let widest = app
        .bindings()
        .iter()
        .chain(keys::GLOBAL)
        .map(|b| b.describe().chars().count() + HELP_KEY + 2)
        .max()
        .unwrap_or(20) as u16;
    let width = widest.min(area.width);
    let lines = help_lines(app, width.saturating_sub(2) as usize).len() as u16;
    let height = (lines + 2).min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// The help's (lines, lines shown at once) at the app's size.
pub fn help_pages(app: &App) -> (usize, usize) {
    let popup = help_area(app, layout::Screen::new(app.ctx.size).body);
    let lines = help_lines(app, popup.width.saturating_sub(2) as usize).len();
    (lines, popup.height.saturating_sub(2).max(1) as usize)
}

fn draw_help(frame: &mut Frame, app: &App, area: Rect) {
    let popup = help_area(app, area);
    let lines = help_lines(app, popup.width.saturating_sub(2) as usize);
    let shown = popup.height.saturating_sub(2) as usize;
    let more = app.help_scroll + shown < lines.len();
    let title = if more {
        " Keys (? more, any other key closes) "
    } else {
        " Keys (any key closes) "
    };
    let text: Vec<Line> = lines.into_iter().skip(app.help_scroll).collect();
    let help = Paragraph::new(text).block(
        Block::bordered()
            .title(title)
            .border_style(Style::new().fg(ACCENT)),
    );
    frame.render_widget(Clear, popup);
    frame.render_widget(help, popup);
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
