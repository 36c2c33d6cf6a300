//! Colours and small pieces of drawing that several screens share.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::keys::{self, Action};
use super::words::{self, TuiWords};
use crate::config::{Finding, Severity};
use crate::fix::Words as _;
use crate::schema::{Confidence, Role};

pub const ACCENT: Color = Color::Cyan;

/// The highlighted row of a list or form.
pub fn selected_row() -> Style {
    Style::new()
        .bg(Color::Rgb(50, 60, 80))
        .add_modifier(Modifier::BOLD)
}

pub fn role_style(role: Role) -> Style {
    match role {
        Role::Timestamp => Style::new().fg(Color::Yellow).bold(),
        Role::Measure => Style::new().fg(Color::Green).bold(),
        Role::Dimension => Style::new().fg(Color::LightBlue).bold(),
        Role::Ignored => Style::new().fg(Color::DarkGray),
    }
}

pub fn confidence_style(c: Confidence) -> Style {
    match c {
        Confidence::High => Style::new().fg(Color::Green),
        Confidence::Low => Style::new().fg(Color::Yellow),
        Confidence::None => Style::new().fg(Color::Red),
    }
}

/// A column kind as the preview words it (`timestamp yyyy-MM-dd`, `number`, `text`).
pub fn kind_style(kind: &str) -> Style {
    if kind.starts_with("timestamp") {
        Style::new().fg(Color::Yellow)
    } else if kind.starts_with("number") {
        Style::new().fg(Color::Green)
    } else {
        Style::new().fg(Color::Gray)
    }
}

pub fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// One line: how many errors and warnings, and the first error.
pub fn findings_line(findings: &[Finding], width: u16) -> Line<'static> {
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    let warnings = findings.len() - errors.len();
    let mut spans = vec![Span::raw(" ")];
    if errors.is_empty() {
        spans.push(Span::styled(
            "✓ no errors",
            Style::new().fg(Color::Green).bold(),
        ));
    } else {
        spans.push(Span::styled(
            format!("{} error{}", errors.len(), plural(errors.len() as u64)),
            Style::new().fg(Color::Red).bold(),
        ));
    }
    spans.push(Span::styled(
        format!(", {warnings} warning{}", plural(warnings as u64)),
        Style::new().fg(Color::Yellow),
    ));
    let tail = format!(
        "  ({} lists them)",
        words::key(keys::DATASET, Action::Findings)
    );
    // The first error fills what is left of the line, cut only between words.
    if let Some(e) = errors.first() {
        let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
        let room = (width as usize).saturating_sub(used + 2 + tail.chars().count());
        if room >= 12 {
            spans.push(Span::raw(format!(
                "  {}",
                fit_words(&TuiWords.finding(e), room)
            )));
        }
    }
    spans.push(Span::styled(tail, Style::new().fg(Color::Gray)));
    Line::from(spans)
}

/// The words of `text` in lines of at most `width` characters; a word is cut only when it alone
/// is longer than a line.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let (n, w) = (line.chars().count(), word.chars().count());
        if n > 0 && n + 1 + w > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        while line.chars().count() > width {
            let head: String = line.chars().take(width).collect();
            line = line.chars().skip(width).collect();
            lines.push(head);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` in at most `width` characters: whole words only, `…` where some are left out.
pub fn fit_words(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split(' ') {
        let grown = if out.is_empty() {
            word.chars().count()
        } else {
            out.chars().count() + 1 + word.chars().count()
        };
        if grown + 1 > width {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('…');
    out
}
