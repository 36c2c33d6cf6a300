//! The list the coverage screen is narrowed from: every dimension value and every metric (one
//! measure for one combination of dimension values) of the whole dataset's scan, each group with
//! the fewest intervals with data first, so the thin parts of a dataset are at the top. A filter
//! narrows the list as it is typed; Enter picks. The same list, of metrics only, picks the metric
//! whose values the chart draws.

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table};

use super::input::{Field, Outcome};
use super::keys::{Action, Key};
use super::layout::{self, window_start};
use super::style::{ACCENT, plural, selected_row};
use crate::coverage::{Coverage, Narrow, Quality};
use crate::units::thousands;

/// What a choice narrows to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The records of one dimension value (every measure).
    Value,
    /// One metric: a measure for one combination of dimension values.
    Metric,
}

/// One line of the list.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub kind: Kind,
    pub narrow: Narrow,
    /// How the screen names it: `platform=web`, or `revenue for platform=web marketplace=de`.
    pub label: String,
    /// Intervals with data of the metric, or of a dimension value's sparsest metric listed.
    pub intervals: Option<u64>,
    /// For a dimension value: how many metrics it has.
    pub metrics: Option<u64>,
}

/// What the list is open for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Narrow the coverage to a dimension value or a metric (`f`).
    Narrow,
    /// Chart a metric's values (`p`): metrics only.
    Chart,
}

/// The list, its cursor and its filter.
#[derive(Debug, Clone)]
pub struct Picker {
    pub purpose: Purpose,
    pub choices: Vec<Choice>,
    /// The cursor, in the filtered list.
    pub selected: usize,
    /// The filter being typed.
    pub typing: Option<Field>,
    pub filter: String,
    /// The scan listed only the sparsest metrics (its list is capped).
    pub capped: bool,
}

/// What a key in the list asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Picked {
    Nothing,
    Close,
    Narrow(Choice),
}

/// `platform=web marketplace=de`.
fn pairs(dimensions: &[(String, String)]) -> String {
    let pairs: Vec<String> = dimensions.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.join(" ")
}

/// Every metric the scan listed, sparsest first (as the engine sorts them).
fn metric_choices(q: &Quality) -> Vec<Choice> {
    q.series
        .iter()
        .map(|s| {
            let dimensions: Vec<(String, String)> = s
                .dimensions
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect();
            let label = match dimensions.is_empty() {
                true => s.measure.clone(),
                false => format!("{} for {}", s.measure, pairs(&dimensions)),
            };
            Choice {
                kind: Kind::Metric,
                narrow: Narrow {
                    dimensions,
                    measure: Some(s.measure.clone()),
                },
                label,
                intervals: Some(s.intervals_with_data),
                metrics: None,
            }
        })
        .collect()
}

/// Every dimension value of the followed combinations, with its metrics and the intervals of its
/// sparsest listed metric; the sparsest first.
fn value_choices(c: &Coverage, q: &Quality) -> Vec<Choice> {
    let measures = c.measures.len() as u64;
    let mut values: HashMap<(usize, &str), (u64, Option<u64>)> = HashMap::new();
    for combination in &q.combinations {
        for (k, v) in combination.iter().enumerate() {
            values.entry((k, v.as_str())).or_default().0 += measures;
        }
    }
    for s in &q.series {
        for (k, name) in c.dims.dimensions.iter().enumerate() {
            let value = s.dimensions.get(name).and_then(|v| v.as_str());
            if let Some(e) = value.and_then(|v| values.get_mut(&(k, v))) {
                e.1 = Some(e.1.map_or(s.intervals_with_data, |n| n.min(s.intervals_with_data)));
            }
        }
    }
    let mut out: Vec<(usize, Choice)> = values
        .into_iter()
        .map(|((k, value), (metrics, intervals))| {
            let dimensions = vec![(c.dims.dimensions[k].clone(), value.to_string())];
            let choice = Choice {
                kind: Kind::Value,
                label: pairs(&dimensions),
                narrow: Narrow {
                    dimensions,
                    measure: None,
                },
                intervals,
                metrics: Some(metrics),
            };
            (k, choice)
        })
        .collect();
    out.sort_by(|(ka, a), (kb, b)| {
        let sparsest = |c: &Choice| c.intervals.unwrap_or(u64::MAX);
        (sparsest(a), ka, &a.label).cmp(&(sparsest(b), kb, &b.label))
    });
    out.into_iter().map(|(_, c)| c).collect()
}

/// The metric of a dataset that has only one (one measure, no dimension): what `p` charts
/// without asking.
pub fn only_metric(c: &Coverage) -> Option<Choice> {
    let q = c.quality.as_ref()?;
    if c.measures.len() != 1 || !c.dims.dimensions.is_empty() {
        return None;
    }
    metric_choices(q).into_iter().next()
}

impl Picker {
    /// The list for a whole-dataset scan; `None` when the scan followed no metric.
    pub fn new(c: &Coverage) -> Option<Picker> {
        let q = c.quality.as_ref()?;
        let mut choices = value_choices(c, q);
        choices.extend(metric_choices(q));
        Picker::of(Purpose::Narrow, choices, q.series_capped)
    }

    /// The list of metrics to chart, filtered by `filter` (a dimension value's label, say);
    /// `None` when the scan followed no metric.
    pub fn metrics(c: &Coverage, filter: &str) -> Option<Picker> {
        let q = c.quality.as_ref()?;
        let mut p = Picker::of(Purpose::Chart, metric_choices(q), q.series_capped)?;
        p.filter = filter.to_string();
        if p.visible().is_empty() {
            p.filter.clear();
        }
        Some(p)
    }

    fn of(purpose: Purpose, choices: Vec<Choice>, capped: bool) -> Option<Picker> {
        (!choices.is_empty()).then(|| Picker {
            purpose,
            choices,
            selected: 0,
            typing: None,
            filter: String::new(),
            capped,
        })
    }

    /// The choices the filter lets through.
    pub fn visible(&self) -> Vec<&Choice> {
        let f = self.filter.to_lowercase();
        self.choices
            .iter()
            .filter(|c| f.is_empty() || c.label.to_lowercase().contains(&f))
            .collect()
    }

    /// A key of the list's table; `page` is how many rows it shows.
    pub fn act(&mut self, action: Action, page: usize) -> Picked {
        let last = self.visible().len().saturating_sub(1);
        if let Some(to) = action.moved(self.selected, last, page) {
            self.selected = to;
        }
        match action {
            Action::Filter => self.typing = Some(Field::new(self.filter.clone(), &[])),
            Action::Open => return self.pick(),
            Action::Back => return Picked::Close,
            _ => {}
        }
        Picked::Nothing
    }

    fn pick(&self) -> Picked {
        match self.visible().get(self.selected) {
            Some(c) => Picked::Narrow((*c).clone()),
            None => Picked::Nothing,
        }
    }

    /// A key while the filter is typed (the list follows each key); false when it is not.
    pub fn text_key(&mut self, key: Key) -> bool {
        let Some(field) = self.typing.as_mut() else {
            return false;
        };
        match field.key(key) {
            Outcome::Edited => self.filter = field.value().to_string(),
            Outcome::Commit => self.typing = None,
            Outcome::Cancel => {
                self.typing = None;
                self.filter.clear();
            }
        }
        self.selected = self.selected.min(self.visible().len().saturating_sub(1));
        true
    }

    /// A click selects the row under it; true on a row.
    pub fn click(&mut self, body: Rect, y: u16) -> bool {
        let rows = layout::picker_rows(body);
        if y < rows.y || y >= rows.y + rows.height {
            return false;
        }
        let start = window_start(self.selected, rows.height as usize);
        let row = start + (y - rows.y) as usize;
        if row < self.visible().len() {
            self.selected = row;
            return true;
        }
        false
    }

    /// The list as a box over the coverage screen.
    pub fn draw(&self, frame: &mut Frame, body: Rect) {
        let area = layout::picker(body);
        frame.render_widget(Clear, area);
        let title = match self.purpose {
            Purpose::Narrow => {
                " narrow to: dimension values, then metrics; fewest intervals with data first "
            }
            Purpose::Chart => " chart the values of: metrics, fewest intervals with data first ",
        };
        let block = Block::bordered()
            .title(title)
            .border_style(Style::new().fg(ACCENT));
        frame.render_widget(block, area);
        frame.render_widget(Paragraph::new(self.head_line()), layout::picker_head(body));
        let rows = layout::picker_rows(body);
        let visible = self.visible();
        let start = window_start(self.selected, rows.height as usize);
        let lines = visible
            .iter()
            .enumerate()
            .skip(start)
            .take(rows.height as usize)
            .map(|(k, c)| self.row(k, c));
        let widths = [
            Constraint::Length(7),
            Constraint::Length(9),
            Constraint::Min(10),
        ];
        frame.render_widget(Table::new(lines, widths), rows);
    }

    /// The line over the list: the filter, and what the numbers are.
    fn head_line(&self) -> Line<'static> {
        let gray = Style::new().fg(Color::Gray);
        let mut spans = vec![Span::styled(" filter ", gray)];
        match &self.typing {
            Some(f) => spans.extend(f.spans(24, Style::new().bold())),
            None if self.filter.is_empty() => spans.push(Span::styled("— (/ types one)", gray)),
            None => spans.push(Span::styled(self.filter.clone(), Style::new().bold())),
        }
        let capped = if self.capped {
            "; only the sparsest metrics are listed"
        } else {
            ""
        };
        spans.push(Span::styled(
            format!(
                "   {} of {} shown{capped}",
                self.visible().len(),
                self.choices.len()
            ),
            gray,
        ));
        Line::from(spans)
    }

    fn row(&self, k: usize, c: &Choice) -> Row<'static> {
        let (tag, colour) = match c.kind {
            Kind::Value => ("value", Color::LightBlue),
            Kind::Metric => ("metric", Color::Green),
        };
        let intervals = c.intervals.map(thousands).unwrap_or_else(|| "—".into());
        let detail = match c.metrics {
            Some(m) if m > 0 => format!(
                "{}   (the sparsest of its {} metric{})",
                c.label,
                thousands(m),
                plural(m)
            ),
            _ => c.label.clone(),
        };
        let row = Row::new(vec![
            Cell::from(Span::styled(tag, Style::new().fg(colour))),
            Cell::from(Line::from(format!("{intervals:>8}"))),
            Cell::from(detail),
        ]);
        if k == self.selected {
            row.style(selected_row())
        } else {
            row
        }
    }
}
