//! The histogram of records per interval: its geometry (which intervals each column holds, which
//! columns are in view, where the cursor is), shared by the keys that move the cursor and by the
//! drawing, and the drawing itself.
//!
//! Intervals are counted in slots (the engine's wall-clock interval index from the first one), so
//! a day is one slot in every timezone, across daylight-saving changes; every time shown is the
//! engine's wall-clock start of a slot. The backtest's split (training, testing, and the intervals
//! before the most recent 3,000 that it leaves out) is placed on the same slots.

use std::ops::Range;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

use super::layout;
use super::style::ACCENT;
use crate::coverage::{Backtest, Coverage};
use crate::schema::limits::Limit;
use crate::units::thousands;

/// Records and files of one slot (0 and 0 for a missing interval).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Slot {
    pub records: u64,
    pub files: u64,
}

/// Every slot of a scan, from the first interval with data to the last, laid out once when the
/// result arrives: memory grows with intervals, never rows.
pub fn slots(c: &Coverage) -> Vec<Slot> {
    let mut out = vec![Slot::default(); c.span.intervals_spanned as usize];
    for iv in &c.intervals {
        if let Some(s) = out.get_mut(iv.slot as usize) {
            s.records += iv.records;
            s.files += iv.files;
        }
    }
    out
}

/// Where the histogram's parts are and which intervals each column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    /// The y axis's labels.
    pub axis: Rect,
    /// The bars (one terminal row per eighth-block row).
    pub bars: Rect,
    /// The row that marks columns with missing intervals.
    pub strip_y: u16,
    /// The row of the backtest's split.
    pub split_y: u16,
    /// The row of the time labels.
    pub time_y: u16,
    /// Intervals per column.
    pub zoom: usize,
    /// Terminal cells per column (wider bars for a short span).
    pub cell: usize,
    /// Columns in view.
    pub columns: usize,
    /// Columns over the whole span.
    pub total: usize,
    pub spanned: usize,
}

impl Geometry {
    /// The geometry of a histogram drawn in `chart` (its box), for `spanned` intervals whose
    /// highest count is `max`; `zoom` `None` fits the whole span. `None` when it does not fit.
    pub fn new(chart: Rect, zoom: Option<usize>, spanned: usize, max: u64) -> Option<Geometry> {
        Geometry::with_axis(chart, zoom, spanned, thousands(max).len() as u16 + 1)
    }

    /// The geometry of a plot drawn in `chart` (its box) whose y axis labels take `axis_width`
    /// cells with their tick: the histogram's, or the chart of a metric's values.
    pub fn with_axis(
        chart: Rect,
        zoom: Option<usize>,
        spanned: usize,
        axis_width: u16,
    ) -> Option<Geometry> {
        let inner = layout::inner(chart);
        if inner.height < 5 || inner.width < axis_width + 10 || spanned == 0 {
            return None;
        }
        let width = (inner.width - axis_width) as usize;
        let zoom = zoom
            .unwrap_or_else(|| spanned.div_ceil(width))
            .clamp(1, spanned);
        // A short span gets wider bars (several cells an interval) instead of a sliver on the left.
        let cell = if zoom == 1 {
            (width / spanned).clamp(1, 6)
        } else {
            1
        };
        let bar_rows = inner.height - 3;
        Some(Geometry {
            axis: Rect::new(inner.x, inner.y, axis_width, bar_rows),
            bars: Rect::new(inner.x + axis_width, inner.y, width as u16, bar_rows),
            strip_y: inner.y + bar_rows,
            split_y: inner.y + bar_rows + 1,
            time_y: inner.y + bar_rows + 2,
            zoom,
            cell,
            columns: width / cell,
            total: spanned.div_ceil(zoom),
            spanned,
        })
    }

    /// The column that holds a slot.
    pub fn column_of(&self, slot: usize) -> usize {
        slot / self.zoom
    }

    /// The slots a column holds.
    pub fn slots(&self, column: usize) -> Range<usize> {
        (column * self.zoom).min(self.spanned)..((column + 1) * self.zoom).min(self.spanned)
    }

    /// The first column shown can be at most this.
    pub fn max_scroll(&self) -> usize {
        self.total.saturating_sub(self.columns)
    }

    /// The first column to show so that `column` is in view, moving as little as possible.
    pub fn keep_in_view(&self, column: usize, scroll: usize) -> usize {
        layout::keep_in_view(column, scroll, self.columns).min(self.max_scroll())
    }

    /// The first column to show so that `column` is in the middle of the view.
    pub fn centre_on(&self, column: usize) -> usize {
        column
            .saturating_sub(self.columns / 2)
            .min(self.max_scroll())
    }

    /// The column under a screen x, if any.
    pub fn column_at(&self, x: u16, scroll: usize) -> Option<usize> {
        if x < self.bars.x || x >= self.bars.x + self.bars.width {
            return None;
        }
        let column = scroll + (x - self.bars.x) as usize / self.cell;
        (column < self.total).then_some(column)
    }
}

/// Which part of a backtest an interval is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Before the most recent 3,000 intervals: a backtest leaves it out.
    Outside,
    Training,
    Testing,
}

impl Part {
    pub fn words(self) -> &'static str {
        match self {
            Part::Outside => "not in the backtest",
            Part::Training => "training",
            Part::Testing => "testing",
        }
    }
}

/// The backtest's split on the slots of a histogram: training from `start`, testing from `test`
/// to `end` (exclusive), and before `start` what the backtest leaves out. The figures are the
/// whole dataset's, also on a narrowed histogram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    pub start: i64,
    pub test: i64,
    pub end: i64,
    pub training: u64,
    pub testing: u64,
    pub left_out: u64,
}

impl Split {
    /// The whole dataset's backtest placed on the slots of the scan shown.
    pub fn of(b: &Backtest, shown: &Coverage) -> Option<Split> {
        Some(Split {
            start: shown.slot_of(b.training_start)?,
            test: shown.slot_of(b.inference_start)?,
            end: shown.slot_of(b.inference_end)?,
            training: b.training_intervals,
            testing: b.inference_intervals,
            left_out: b.intervals_left_out,
        })
    }

    /// The part a slot is in (`None` past the backtest's end).
    pub fn part(&self, slot: usize) -> Option<Part> {
        let slot = slot as i64;
        if slot < self.start {
            Some(Part::Outside)
        } else if slot < self.test {
            Some(Part::Training)
        } else if slot < self.end {
            Some(Part::Testing)
        } else {
            None
        }
    }
}

/// What the histogram shows: a scan, its slots, the backtest's split, the view and the cursor.
pub struct View<'a> {
    pub coverage: &'a Coverage,
    pub slots: &'a [Slot],
    pub split: Option<Split>,
    pub scroll: usize,
    pub cursor: usize,
}

const EIGHTHS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
pub(super) const CURSOR_BG: Color = Color::Rgb(70, 70, 120);

/// Draw the histogram in `area` (its box): bars, the y axis, a strip red where a column has
/// missing intervals (full block: all missing), the backtest's split under it, a yellow line where
/// the 285th interval with data is reached, the cursor's column highlighted, and the times of the
/// first and last column. Bars a backtest leaves out are grey.
pub fn draw(buf: &mut Buffer, area: Rect, g: Option<&Geometry>, v: &View) {
    let mut block = Block::bordered()
        .title(" records per interval ")
        .border_style(Style::new().fg(Color::DarkGray));
    if let Some(split) = &v.split {
        block = block.title_bottom(legend(split));
    }
    block.render(area, buf);
    let Some(g) = g else { return };
    draw_axis(buf, g, v.coverage.quotas.max_records_per_interval);
    for k in 0..g.columns {
        let column = v.scroll + k;
        if column >= g.total {
            break;
        }
        draw_column(buf, g, v, column, k);
    }
    if let Some(split) = &v.split {
        draw_split(buf, g, v.scroll, split);
    }
    draw_threshold(buf, g, v);
    draw_times(buf, g, v.coverage, v.scroll);
}

fn draw_axis(buf: &mut Buffer, g: &Geometry, max: u64) {
    // A middle mark of 0 (a highest count of 1) would read as a second baseline.
    let middle = (max >= 2).then(|| thousands(max / 2));
    draw_y_labels(buf, g, &thousands(max), middle.as_deref(), "0");
}

/// The y axis's labels, right-aligned on their ticks: the top, the middle (on a tall enough
/// plot) and the bottom of the scale.
pub(super) fn draw_y_labels(
    buf: &mut Buffer,
    g: &Geometry,
    top: &str,
    middle: Option<&str>,
    bottom: &str,
) {
    let style = Style::new().fg(Color::DarkGray);
    let rows = g.axis.height;
    let w = g.axis.width as usize - 1;
    let mut label = |row: u16, text: &str| {
        buf.set_string(g.axis.x, g.axis.y + row, format!("{text:>w$}┤"), style);
    };
    label(0, top);
    if let Some(m) = middle.filter(|_| rows >= 5) {
        label(rows / 2, m);
    }
    label(rows - 1, bottom);
}

/// The mark under a column of `len` intervals, `missing` of them without data: a grey line, a
/// red half block for some, a red full block for all.
pub(super) fn strip_mark(missing: usize, len: usize) -> (char, Style) {
    match missing {
        0 => ('─', Style::new().fg(Color::DarkGray)),
        n if n == len => ('█', Style::new().fg(Color::Red)),
        _ => ('▄', Style::new().fg(Color::Red)),
    }
}

/// One column: its bar (the densest interval it holds), the missing strip, the cursor.
fn draw_column(buf: &mut Buffer, g: &Geometry, v: &View, column: usize, k: usize) {
    let range = g.slots(column);
    let slice = v.slots.get(range.clone()).unwrap_or(&[]);
    let value = slice.iter().map(|s| s.records).filter(|n| *n > 0).max();
    let missing = slice.iter().filter(|s| s.records == 0).count();
    let under_cursor = range.contains(&v.cursor);
    let left_out = v
        .split
        .is_some_and(|s| s.part(range.end.saturating_sub(1)) == Some(Part::Outside));
    let colour = if left_out { Color::DarkGray } else { ACCENT };
    let bar_rows = g.bars.height as usize;
    let max = v.coverage.quotas.max_records_per_interval.max(1) as f64;
    let eighths = value.map_or(0, |n| {
        ((n as f64 / max) * (bar_rows * 8) as f64).round().max(1.0) as usize
    });
    let (mark, strip) = strip_mark(missing, range.len());
    for c in 0..g.cell {
        // Wide bars keep a blank cell between them.
        if g.cell > 2 && c == g.cell - 1 {
            continue;
        }
        let x = g.bars.x + (k * g.cell + c) as u16;
        for row in 0..bar_rows {
            let filled = eighths.saturating_sub(row * 8).min(8);
            let y = g.bars.y + (bar_rows - 1 - row) as u16;
            let cell = &mut buf[(x, y)];
            if filled > 0 {
                cell.set_char(EIGHTHS[filled - 1]).set_fg(colour);
            }
            if under_cursor {
                cell.set_bg(CURSOR_BG);
            }
        }
        let cell = &mut buf[(x, g.strip_y)];
        cell.set_char(mark).set_style(strip);
        if under_cursor {
            cell.set_bg(CURSOR_BG);
        }
    }
}

/// The split row: `·` under what a backtest leaves out, `━` under training (green) and testing
/// (magenta), `╋` where a part begins, each part named where there is room.
pub(super) fn draw_split(buf: &mut Buffer, g: &Geometry, scroll: usize, split: &Split) {
    let visible = (scroll..(scroll + g.columns).min(g.total)).map(|c| (c, g.slots(c)));
    let mut runs: Vec<(Part, u16, u16)> = Vec::new();
    for (k, (_, range)) in visible.enumerate() {
        let parts: Vec<Part> = range.clone().filter_map(|s| split.part(s)).collect();
        let Some(&last) = parts.last() else { continue };
        let begins = range.clone().any(|s| {
            let s = s as i64;
            (s == split.start && split.start > 0) || s == split.test
        });
        let (ch, style) = match last {
            Part::Outside => ('·', Style::new().fg(Color::DarkGray)),
            Part::Training => ('━', Style::new().fg(Color::Green)),
            Part::Testing => ('━', Style::new().fg(Color::Magenta)),
        };
        let x = g.bars.x + (k * g.cell) as u16;
        for c in 0..g.cell as u16 {
            buf[(x + c, g.split_y)].set_char(ch).set_style(style);
        }
        if begins {
            let style = Style::new().fg(Color::White).bold();
            buf[(x, g.split_y)].set_char('╋').set_style(style);
        }
        match runs.last_mut() {
            Some((p, _, end)) if *p == last => *end = x + g.cell as u16,
            _ => runs.push((last, x, x + g.cell as u16)),
        }
    }
    for (part, from, to) in runs {
        let (text, colour) = match part {
            Part::Outside => (
                format!(" {} not used ", thousands(split.left_out)),
                Color::Gray,
            ),
            Part::Training => (
                format!(" training {} ", thousands(split.training)),
                Color::Green,
            ),
            Part::Testing => (
                format!(" testing {} ", thousands(split.testing)),
                Color::Magenta,
            ),
        };
        let width = text.chars().count() as u16;
        if to - from >= width + 2 {
            let x = from + (to - from - width) / 2;
            buf.set_string(x, g.split_y, text, Style::new().fg(colour).bold());
        }
    }
}

/// The split's legend, on the box's bottom edge: what each mark under the bars stands for.
pub(super) fn legend(split: &Split) -> Line<'static> {
    let gray = Style::new().fg(Color::Gray);
    Line::from(vec![
        Span::styled(
            format!(
                " backtest of the last {}: ",
                thousands(Limit::MaxBacktestIntervals.value())
            ),
            gray,
        ),
        Span::styled("━", Style::new().fg(Color::Green)),
        Span::styled(format!(" training {} ", thousands(split.training)), gray),
        Span::styled("━", Style::new().fg(Color::Magenta)),
        Span::styled(format!(" testing {} ", thousands(split.testing)), gray),
        Span::styled("·", Style::new().fg(Color::DarkGray)),
        Span::styled(format!(" left out {} ", thousands(split.left_out)), gray),
    ])
}

/// Where the 285th interval with data is reached: the minimum a backtest needs.
fn draw_threshold(buf: &mut Buffer, g: &Geometry, v: &View) {
    let r = v.coverage;
    let Some(slot) = r
        .intervals
        .get(r.history.threshold as usize - 1)
        .map(|iv| iv.slot as usize)
    else {
        return;
    };
    let column = g.column_of(slot);
    if column < v.scroll || column >= v.scroll + g.columns {
        return;
    }
    let x = g.bars.x + ((column - v.scroll) * g.cell) as u16;
    for row in 0..g.bars.height {
        buf[(x, g.bars.y + row)]
            .set_char('┃')
            .set_style(Style::new().fg(Color::Yellow).bold());
    }
    let label = format!(" {} intervals with data ", r.history.threshold);
    let right = g.bars.x + g.bars.width;
    let lx = if x + 1 + label.len() as u16 <= right {
        x + 1
    } else {
        x.saturating_sub(label.len() as u16)
    };
    buf.set_string(
        lx,
        g.bars.y,
        label,
        Style::new().fg(Color::Black).bg(Color::Yellow),
    );
}

/// The wall-clock start of a slot, as the axis and the readout show it.
pub fn slot_time(c: &Coverage, slot: usize) -> String {
    c.slot_start(slot as u64)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// The time axis: the first and last interval in view, and the intervals per column.
pub(super) fn draw_times(buf: &mut Buffer, g: &Geometry, coverage: &Coverage, scroll: usize) {
    let gray = Style::new().fg(Color::Gray);
    let first = g.slots(scroll).start;
    let last_column = (scroll + g.columns).min(g.total) - 1;
    let last = g.slots(last_column).end - 1;
    let left = slot_time(coverage, first);
    let right = slot_time(coverage, last);
    let mid = format!(
        "{} interval{}/column",
        g.zoom,
        if g.zoom == 1 { "" } else { "s" }
    );
    // The right label ends under the last column drawn.
    let drawn = ((last_column + 1 - scroll) * g.cell) as u16;
    let end = g.bars.x
        + drawn
            .max(left.len() as u16 + right.len() as u16 + 1)
            .min(g.bars.width);
    buf.set_string(g.bars.x, g.time_y, &left, gray);
    let rx = end.saturating_sub(right.len() as u16);
    buf.set_string(rx, g.time_y, &right, gray);
    let mx = g.bars.x + (g.bars.width.saturating_sub(mid.len() as u16)) / 2;
    if mx > g.bars.x + left.len() as u16 + 1 && mx + (mid.len() as u16) < rx {
        buf.set_string(mx, g.time_y, &mid, Style::new().fg(Color::DarkGray));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fitted_histogram_holds_the_whole_span_and_a_short_one_gets_wide_bars() {
        let chart = Rect::new(0, 0, 100, 12);
        let g = Geometry::new(chart, None, 576, 21).unwrap();
        assert_eq!(g.axis.width, 3);
        assert_eq!(g.zoom, 576_usize.div_ceil(95));
        assert!(g.columns >= g.total, "{g:?}");
        let short = Geometry::new(chart, None, 24, 21).unwrap();
        assert_eq!((short.zoom, short.cell), (1, 3));
        assert_eq!(short.column_at(short.bars.x + 7, 0), Some(2));
        assert_eq!(short.slots(2), 2..3);
    }

    #[test]
    fn keeping_a_column_in_view_moves_the_view_as_little_as_possible() {
        let g = Geometry::new(Rect::new(0, 0, 40, 10), Some(1), 500, 9).unwrap();
        assert_eq!(g.columns, 36);
        assert_eq!(g.keep_in_view(40, 0), 5);
        assert_eq!(g.keep_in_view(3, 5), 3);
        assert_eq!(g.keep_in_view(499, 0), g.max_scroll());
        assert_eq!(g.centre_on(100), 82);
    }
}
