//! The findings screen: every finding for the current labels, coverage and export settings, each
//! with what to do, in this UI's words.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::app::{Ctx, Event};
use super::component::{Click, Component, Shared};
use super::keys::{self, Action, Binding};
use super::layout::{self, window_start};
use super::words::TuiWords;
use crate::config::{Finding, Severity};
use crate::fix::Words as _;

/// The findings and the one under the cursor.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    pub list: Vec<Finding>,
    pub selected: usize,
}

impl Findings {
    /// New findings: the cursor stays where it was, as far as the list allows.
    pub fn set(&mut self, list: Vec<Finding>) {
        self.list = list;
        self.selected = self.selected.min(self.list.len().saturating_sub(1));
    }

    /// How many findings are errors.
    pub fn errors(&self) -> usize {
        self.list
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }

    fn line(&self, k: usize, f: &Finding) -> Line<'static> {
        let (tag, style) = match f.severity {
            Severity::Error => ("error  ", Style::new().fg(Color::Red).bold()),
            Severity::Warning => ("warning", Style::new().fg(Color::Yellow).bold()),
        };
        let marker = if k == self.selected { "▶ " } else { "  " };
        Line::from(vec![
            Span::raw(marker),
            Span::styled(tag, style),
            Span::styled(format!(" [{}] ", f.rule), Style::new().fg(Color::Gray)),
            Span::raw(TuiWords.finding(f)),
        ])
    }
}

impl Component for Findings {
    fn bindings(&self) -> &'static [Binding] {
        keys::FINDINGS
    }

    fn act(&mut self, action: Action, ctx: &mut Ctx) {
        let last = self.list.len().saturating_sub(1);
        if let Some(to) = action.moved(self.selected, last, 1) {
            self.selected = to;
        }
        match action {
            Action::Coverage => ctx.emit(Event::OpenCoverage),
            Action::Export => ctx.emit(Event::OpenExport),
            Action::Back => ctx.emit(Event::Back),
            _ => {}
        }
    }

    /// A click selects the finding on that line (one line each when none wraps).
    fn click(&mut self, click: Click, ctx: &mut Ctx) {
        let Click { y, .. } = click;
        let inner = layout::findings(ctx.screen().body);
        if y < inner.y || y >= inner.y + inner.height {
            return;
        }
        let start = window_start(self.selected, inner.height as usize);
        let row = start + (y - inner.y) as usize;
        if row < self.list.len() {
            self.selected = row;
        }
    }

    fn draw(&self, frame: &mut Frame, body: Rect, _shared: &Shared<'_>) {
        let block = Block::bordered()
            .title(" findings for the current labels ")
            .border_style(Style::new().fg(Color::DarkGray));
        let inner = block.inner(body);
        frame.render_widget(block, body);
        if self.list.is_empty() {
            frame.render_widget(
                Paragraph::new(" ✓ nothing to fix: the config passes every check")
                    .style(Color::Green),
                inner,
            );
            return;
        }
        let lines: Vec<Line> = self
            .list
            .iter()
            .enumerate()
            .map(|(k, f)| self.line(k, f))
            .collect();
        // Keep the selected finding in view (lines wrap, so count roughly by one line each).
        let start = window_start(self.selected, inner.height as usize) as u16;
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((start, 0)),
            inner,
        );
    }
}
