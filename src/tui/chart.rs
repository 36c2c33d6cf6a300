//! The chart of one metric's values: a Braille line (ratatui's `Chart`) on the histogram's
//! columns, so that the cursor, the zoom and the view are the histogram's own (one state, drawn
//! two ways). Intervals without a value break the line and are marked red under it, as the
//! histogram marks missing intervals; the backtest's split and the times are drawn under it by the
//! histogram's own code.
//!
//! The plot is drawn in layers on the same cells: the line, the points a backtest flagged
//! ([`Marks`], a glyph and a colour by grade), the strip of intervals without a value, the
//! cursor's column. [`Plot`] says where a slot goes; what the marks say of the cursor's interval
//! (the expected value and the grade) joins the readout's spans.

use std::ops::Range;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Widget};

use super::histogram::{self, CURSOR_BG, Geometry, Split, slot_time};
use super::keys::{self, Action};
use super::style::{ACCENT, plural};
use super::words;
use crate::backtest::{Impute, MetricBacktest};
use crate::coverage::{Coverage, MetricValues, ValuePoint, value_range};
use crate::units::{number, thousands};

/// One interval as a backtest saw it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Mark {
    /// The anomaly grade in [0, 1]; 0: not flagged.
    pub grade: f64,
    /// The value the forest expected, where it flagged.
    pub expected: Option<f64>,
    /// Where a mark goes: the value the forest was handed (the metric's, or the imputed one).
    pub at: Option<f64>,
}

/// A backtest's marks, one per slot of the values it ran on, and how it filled missing intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct Marks {
    pub slots: Vec<Mark>,
    pub impute: Impute,
    /// Anomalies in the training and in the testing part.
    pub training: usize,
    pub testing: usize,
}

impl Marks {
    /// The marks of a backtest run with `impute`.
    pub fn of(b: &MetricBacktest, impute: Impute) -> Marks {
        let values: Vec<Option<f64>> = b.points.iter().map(|p| p.value).collect();
        let handed = crate::backtest::imputed(&values, impute);
        let slots = b
            .points
            .iter()
            .zip(handed)
            .map(|(p, at)| Mark {
                grade: p.grade,
                expected: p.expected,
                at,
            })
            .collect();
        let (training, testing) = b.by_part();
        Marks {
            slots,
            impute,
            training,
            testing,
        }
    }

    /// Whether the backtest flagged a slot.
    pub fn flagged(&self, slot: usize) -> bool {
        self.slots.get(slot).is_some_and(|m| m.grade > 0.0)
    }

    /// Anomalies in all.
    pub fn count(&self) -> usize {
        self.training + self.testing
    }
}

/// The grades' steps: from this grade on, this glyph in this colour (a capture without colours
/// still tells them apart).
pub const GRADES: [(f64, char, Color); 3] = [
    (0.0, '•', Color::Yellow),
    (0.5, '●', Color::Rgb(255, 140, 0)),
    (0.8, '◉', Color::Red),
];

/// The glyph and style of a grade.
pub fn grade_mark(grade: f64) -> (char, Style) {
    let (_, glyph, color) = GRADES
        .iter()
        .rev()
        .find(|(from, _, _)| grade >= *from)
        .copied()
        .unwrap_or(GRADES[0]);
    (glyph, Style::new().fg(color).bold())
}

/// What the chart says of the backtest: not run (the key and the imputation it would use),
/// running (how far), or its marks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Backtest<'a> {
    Offered { impute: Impute },
    Running { impute: Impute, share: f64 },
    Marked(&'a Marks),
}

/// The y axis: from `low` to `high`, round numbers that hold every value, labelled at both
/// ends and in the middle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub low: f64,
    pub high: f64,
}

impl Scale {
    /// The scale of a metric's values; `None` when no interval has one.
    pub fn of(points: &[ValuePoint]) -> Option<Scale> {
        value_range(points).map(|(lo, hi)| Scale::fit(lo, hi))
    }

    /// The tightest scale from `lo` to `hi` whose ends are multiples of a round step (1, 2, 2.5
    /// or 5 times a power of ten) at most four steps apart. A single value gets room around it.
    pub fn fit(lo: f64, hi: f64) -> Scale {
        let (lo, hi) = if hi > lo {
            (lo, hi)
        } else {
            let pad = if lo == 0.0 { 1.0 } else { lo.abs() / 10.0 };
            (lo - pad, hi + pad)
        };
        let mut magnitude = 10f64.powf(((hi - lo) / 4.0).log10().floor());
        // A step as large as the range spans two steps at most, so a round or two is enough; a
        // range past what a float holds (or below it) keeps its own ends.
        for _ in 0..4 {
            for m in [1.0, 2.0, 2.5, 5.0] {
                let step = m * magnitude;
                let low = (lo / step).floor() * step;
                let high = (hi / step).ceil() * step;
                let fits = ((high - low) / step).round() <= 4.0;
                if fits && low.is_finite() && high.is_finite() && high > low {
                    return Scale { low, high };
                }
            }
            magnitude *= 10.0;
        }
        Scale { low: lo, high: hi }
    }

    /// The labels from the top: high, middle, low.
    pub fn labels(&self) -> [String; 3] {
        [
            number(self.high),
            number((self.low + self.high) / 2.0),
            number(self.low),
        ]
    }

    /// Cells the labels take with their tick.
    pub fn axis_width(&self) -> u16 {
        self.labels()
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(1) as u16
            + 1
    }
}

/// The chart's geometry in `chart` (its box): the histogram's, with the y axis of the values.
pub fn geometry(chart: Rect, zoom: Option<usize>, values: &MetricValues) -> Option<Geometry> {
    let axis = Scale::of(&values.points).map_or(2, |s| s.axis_width());
    Geometry::with_axis(chart, zoom, values.points.len(), axis)
}

/// What the chart shows: the metric's values, the scan whose slots they are on (for the times),
/// the backtest's split, the view and the cursor.
pub struct View<'a> {
    pub coverage: &'a Coverage,
    pub values: &'a MetricValues,
    pub split: Option<Split>,
    pub scroll: usize,
    pub cursor: usize,
    /// Why the values are not what the labels ask for now (another aggregation), if so.
    pub stale: Option<String>,
    /// The backtest's marks, drawn after the line, on the same slots as the values.
    pub marks: Option<&'a Marks>,
    /// What the top right of the box says of the backtest.
    pub backtest: Backtest<'a>,
}

/// Where slots go on the plot: Braille dot columns (two a cell) and cells.
#[derive(Debug, Clone, Copy)]
pub struct Plot<'a> {
    pub g: &'a Geometry,
    pub scroll: usize,
}

impl Plot<'_> {
    /// The column of a slot, counted from the first in view; `None` out of view.
    fn column_in_view(&self, slot: usize) -> Option<usize> {
        let column = self.g.column_of(slot);
        let in_view = slot < self.g.spanned
            && column >= self.scroll
            && column < (self.scroll + self.g.columns).min(self.g.total);
        in_view.then(|| column - self.scroll)
    }

    /// The dot column a slot is drawn on: the slots of a column share its dots in time order.
    pub fn dot_of(&self, slot: usize) -> Option<usize> {
        let k = self.column_in_view(slot)?;
        let dots = 2 * self.g.cell;
        let i = slot - self.g.slots(self.g.column_of(slot)).start;
        Some(k * dots + (2 * i + 1) * dots / (2 * self.g.zoom))
    }

    /// The cells of the column that holds a slot; empty out of view.
    pub fn cells_of(&self, slot: usize) -> Range<u16> {
        match self.column_in_view(slot) {
            Some(k) => {
                let x = self.g.bars.x + (k * self.g.cell) as u16;
                x..x + self.g.cell as u16
            }
            None => 0..0,
        }
    }

    /// The slots in view.
    pub fn slots(&self) -> Range<usize> {
        let last = (self.scroll + self.g.columns).min(self.g.total);
        if last <= self.scroll {
            return 0..0;
        }
        self.g.slots(self.scroll).start..self.g.slots(last - 1).end
    }
}

/// The values of one dot column.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    dot: usize,
    first: Option<f64>,
    last: f64,
    low: f64,
    high: f64,
}

impl Bucket {
    fn new(dot: usize) -> Bucket {
        Bucket {
            dot,
            first: None,
            last: 0.0,
            low: f64::INFINITY,
            high: f64::NEG_INFINITY,
        }
    }

    fn add(&mut self, v: f64) {
        self.first.get_or_insert(v);
        self.last = v;
        self.low = self.low.min(v);
        self.high = self.high.max(v);
    }

    /// Its points on the line: the value, or the lowest and highest in the order they came.
    fn points(&self) -> Vec<(f64, f64)> {
        let x = self.dot as f64;
        match self.first {
            None => Vec::new(),
            Some(_) if self.low == self.high => vec![(x, self.low)],
            Some(first) if first <= self.last => vec![(x, self.low), (x, self.high)],
            Some(_) => vec![(x, self.high), (x, self.low)],
        }
    }
}

/// The line's runs in view, in dot columns: a dot column without any value ends a run.
pub fn runs(points: &[ValuePoint], plot: &Plot) -> Vec<Vec<(f64, f64)>> {
    let mut runs = Vec::new();
    let mut run: Vec<(f64, f64)> = Vec::new();
    let mut bucket: Option<Bucket> = None;
    let mut close = |b: Bucket, run: &mut Vec<(f64, f64)>| {
        let p = b.points();
        if p.is_empty() {
            if !run.is_empty() {
                runs.push(std::mem::take(run));
            }
        } else {
            run.extend(p);
        }
    };
    for slot in plot.slots() {
        let Some(dot) = plot.dot_of(slot) else {
            continue;
        };
        if bucket.is_some_and(|b| b.dot != dot)
            && let Some(b) = bucket.take()
        {
            close(b, &mut run);
        }
        let b = bucket.get_or_insert_with(|| Bucket::new(dot));
        if let Some(v) = points.get(slot).and_then(|p| p.value) {
            b.add(v);
        }
    }
    if let Some(b) = bucket {
        close(b, &mut run);
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// Draw the chart in `area` (its box): the y axis of the values, the line, a strip red where a
/// column has intervals without a value, the cursor's column, the backtest's split and the times.
pub fn draw(buf: &mut Buffer, area: Rect, g: Option<&Geometry>, v: &View) {
    let title = title(v);
    // The corners and one line between the titles.
    let room = (area.width as usize).saturating_sub(title.width() + 3);
    let mut block = Block::bordered()
        .title(title)
        .title(legend(&v.backtest, room).right_aligned())
        .border_style(Style::new().fg(Color::DarkGray));
    if let Some(split) = &v.split {
        block = block.title_bottom(histogram::legend(split));
    }
    block.render(area, buf);
    let Some(g) = g else { return };
    let plot = Plot {
        g,
        scroll: v.scroll,
    };
    match Scale::of(&v.values.points) {
        Some(scale) => {
            let [top, middle, bottom] = scale.labels();
            histogram::draw_y_labels(buf, g, &top, Some(&middle), &bottom);
            draw_line(buf, &plot, v, scale);
            if let Some(marks) = v.marks {
                draw_marks(buf, &plot, marks, scale);
            }
        }
        None => {
            let text = "no interval of this metric has a value";
            buf.set_string(g.bars.x, g.bars.y, text, Style::new().fg(Color::Yellow));
        }
    }
    draw_strip(buf, &plot, v);
    draw_cursor(buf, &plot, v.cursor);
    if let Some(split) = &v.split {
        histogram::draw_split(buf, g, v.scroll, split);
    }
    histogram::draw_times(buf, g, v.coverage, v.scroll);
}

/// The box's title: the aggregation and the measure, or why the values are stale.
fn title(v: &View) -> Line<'static> {
    match &v.stale {
        Some(why) => Line::from(Span::styled(
            format!(" STALE: {why} "),
            Style::new().fg(Color::Black).bg(Color::Yellow).bold(),
        )),
        None => Line::from(format!(
            " {} of {} per interval ",
            v.values.aggregation.as_str(),
            v.values.measure
        )),
    }
}

/// The top right of the box: the backtest's key and imputation, its progress, or what it
/// flagged with the grades' glyphs; the longest form that fits in `room`.
fn legend(b: &Backtest, room: usize) -> Line<'static> {
    let forms = match b {
        Backtest::Offered { impute } => offered_forms(*impute),
        Backtest::Running { impute, share } => running_forms(*impute, *share),
        Backtest::Marked(m) => marked_forms(m),
    };
    let width = |f: &[Span]| f.iter().map(Span::width).sum::<usize>();
    forms
        .into_iter()
        .find(|f| width(f) <= room)
        .map_or_else(Line::default, Line::from)
}

const LEGEND_GRAY: Style = Style::new().fg(Color::Gray);

/// How missing intervals are filled, and the key that changes it.
fn missing_words(impute: Impute) -> String {
    format!(
        "missing intervals: {} ({})",
        impute.arg(),
        words::key(keys::CHART, Action::CycleImpute)
    )
}

fn offered_forms(impute: Impute) -> Vec<Vec<Span<'static>>> {
    let b = words::key(keys::CHART, Action::Backtest);
    vec![
        vec![Span::styled(
            format!(" {b} backtest · {} ", missing_words(impute)),
            LEGEND_GRAY,
        )],
        vec![Span::styled(format!(" {b} backtest "), LEGEND_GRAY)],
    ]
}

fn running_forms(impute: Impute, share: f64) -> Vec<Vec<Span<'static>>> {
    let run = Span::styled(
        format!(" backtest {:.0}% ", share * 100.0),
        Style::new().fg(Color::LightYellow).bold(),
    );
    let stops = |what: String| Span::styled(what, LEGEND_GRAY);
    vec![
        vec![
            run.clone(),
            stops(format!("({}; Esc stops) ", missing_words(impute))),
        ],
        vec![run.clone(), stops("(Esc stops) ".into())],
        vec![run],
    ]
}

/// How many it flagged (in testing), the grades' glyphs, the imputation it ran with.
fn marked_forms(m: &Marks) -> Vec<Vec<Span<'static>>> {
    let count = Span::styled(
        format!(
            " {} flagged, {} in testing ",
            thousands(m.count() as u64),
            thousands(m.testing as u64)
        ),
        Style::new().bold(),
    );
    let mut scale = vec![count.clone(), Span::styled("grade ", LEGEND_GRAY)];
    for (k, (from, glyph, color)) in GRADES.iter().enumerate() {
        let words = match GRADES.get(k + 1) {
            Some((next, _, _)) => format!("<{next} "),
            None => format!("≥{from} "),
        };
        let glyph = Span::styled(glyph.to_string(), Style::new().fg(*color).bold());
        scale.extend([glyph, Span::styled(words, LEGEND_GRAY)]);
    }
    let mut full = scale.clone();
    full.push(Span::styled(
        format!("· missing: {} ", m.impute.arg()),
        LEGEND_GRAY,
    ));
    vec![full, scale, vec![count]]
}

/// The flagged points, a glyph by grade on the line (on the value the forest was handed); where
/// several share a cell, the highest grade shows.
fn draw_marks(buf: &mut Buffer, plot: &Plot, marks: &Marks, scale: Scale) {
    let rows = plot.g.bars.height as f64;
    let span = scale.high - scale.low;
    if rows < 1.0 || span <= 0.0 {
        return;
    }
    let mut flagged: Vec<(f64, u16, u16)> = Vec::new();
    for slot in plot.slots() {
        let Some(m) = marks.slots.get(slot).filter(|m| m.grade > 0.0) else {
            continue;
        };
        let (Some(dot), Some(at)) = (plot.dot_of(slot), m.at.or(m.expected)) else {
            continue;
        };
        // Where the line's Braille dot is: ratatui's canvas has four dots a row.
        let share = ((scale.high - at.clamp(scale.low, scale.high)) / span).clamp(0.0, 1.0);
        let dot_row = (share * (rows * 4.0 - 1.0)) as u16;
        let y = plot.g.bars.y + (dot_row / 4).min(plot.g.bars.height - 1);
        let x = plot.g.bars.x + (dot / 2) as u16;
        flagged.push((m.grade, x, y));
    }
    flagged.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (grade, x, y) in flagged {
        let (glyph, style) = grade_mark(grade);
        buf[(x, y)].set_char(glyph).set_style(style);
    }
}

fn draw_line(buf: &mut Buffer, plot: &Plot, v: &View, scale: Scale) {
    let runs = runs(&v.values.points, plot);
    let style = Style::new().fg(ACCENT);
    let datasets: Vec<Dataset> = runs
        .iter()
        .map(|r| {
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(style)
                .data(r)
        })
        .collect();
    let dots = (plot.g.bars.width as usize * 2).max(2);
    Chart::new(datasets)
        .x_axis(Axis::default().bounds([0.0, (dots - 1) as f64]))
        .y_axis(Axis::default().bounds([scale.low, scale.high]))
        .render(plot.g.bars, buf);
}

/// Under each column: grey when every interval has a value, red where some (half block) or all
/// (full block) have none.
fn draw_strip(buf: &mut Buffer, plot: &Plot, v: &View) {
    let g = plot.g;
    let last = (plot.scroll + g.columns).min(g.total);
    for column in plot.scroll..last {
        let range = g.slots(column);
        let points = v.values.points.get(range.clone()).unwrap_or(&[]);
        let missing = points.iter().filter(|p| p.value.is_none()).count();
        let (mark, style) = histogram::strip_mark(missing, range.len());
        for x in plot.cells_of(range.start) {
            buf[(x, g.strip_y)].set_char(mark).set_style(style);
        }
    }
}

/// The cursor's column, highlighted over the plot and the strip.
fn draw_cursor(buf: &mut Buffer, plot: &Plot, cursor: usize) {
    let g = plot.g;
    for x in plot.cells_of(cursor) {
        for y in g.bars.y..=g.strip_y {
            buf[(x, y)].set_bg(CURSOR_BG);
        }
    }
}

/// The interval or column under the cursor: its time in the dataset's timezone (`tz`), the
/// value with its aggregation, and the records.
pub fn readout(v: &View, g: &Geometry, tz: &str) -> Line<'static> {
    let range = g.slots(g.column_of(v.cursor));
    let points = v.values.points.get(range.clone()).unwrap_or(&[]);
    let agg = v.values.aggregation.as_str();
    let records: u64 = points.iter().map(|p| p.records).sum();
    let records_words = format!("{} record{}", thousands(records), plural(records));
    let mark = Span::styled(" ▶ ", Style::new().fg(ACCENT).bold());
    let bold = Style::new().bold();
    let red = Style::new().fg(Color::Red).bold();
    if range.len() <= 1 {
        let time = Span::styled(
            format!("{} {tz}   ", slot_time(v.coverage, range.start)),
            bold,
        );
        let value = points.first().and_then(|p| p.value);
        let marked = v
            .marks
            .map(|m| mark_words(m.slots.get(range.start).copied().unwrap_or_default()))
            .unwrap_or_default();
        let what = match value {
            Some(x) => vec![
                vec![Span::styled(format!("{agg} {}", number(x)), bold)],
                marked,
                vec![Span::raw(format!("   {records_words}"))],
            ],
            None if records == 0 => vec![vec![Span::styled("missing", red)], marked],
            None => vec![
                vec![Span::styled("no value", red)],
                marked,
                vec![Span::raw(format!("   {records_words}, none with a number"))],
            ],
        };
        return Line::from([vec![mark, time], what.concat()].concat());
    }
    let with_value = points.iter().filter(|p| p.value.is_some()).count();
    let time = Span::styled(
        format!(
            "{} – {} {tz}   ",
            slot_time(v.coverage, range.start),
            slot_time(v.coverage, range.end - 1)
        ),
        bold,
    );
    let value = match value_range(points) {
        Some((lo, hi)) if lo == hi => Span::styled(format!("{agg} {}", number(lo)), bold),
        Some((lo, hi)) => Span::styled(format!("{agg} {}–{}", number(lo), number(hi)), bold),
        None => Span::styled("no value", red),
    };
    let mut spans = vec![mark, time, value];
    spans.extend(v.marks.map(|m| column_marks(m, range.clone())));
    spans.push(Span::raw(format!(
        "   {with_value} of {} intervals with a value, {records_words}",
        range.len()
    )));
    Line::from(spans)
}

/// What a backtest says of a column of several intervals, for the readout: how many it flagged
/// and the highest grade.
fn column_marks(m: &Marks, range: Range<usize>) -> Span<'static> {
    let slots = m.slots.get(range).unwrap_or(&[]);
    let top = slots.iter().map(|s| s.grade).fold(0.0, f64::max);
    match slots.iter().filter(|s| s.grade > 0.0).count() {
        0 => Span::styled("   none flagged", Style::new().fg(Color::Gray)),
        n => Span::styled(
            format!("   {n} flagged, grade up to {top:.2}"),
            grade_mark(top).1,
        ),
    }
}

/// What a backtest says of one interval, for the readout (after its value): the value expected
/// and the grade where it flagged, else that it did not.
fn mark_words(m: Mark) -> Vec<Span<'static>> {
    if m.grade <= 0.0 {
        return vec![Span::styled("   not flagged", Style::new().fg(Color::Gray))];
    }
    let (glyph, style) = grade_mark(m.grade);
    let expected = m.expected.map_or("no expected value".to_string(), |e| {
        format!("expected {}", number(e))
    });
    vec![
        Span::raw(format!("   {expected}   ")),
        Span::styled(format!("{glyph} grade {:.2}", m.grade), style),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn points(values: &[Option<f64>]) -> Vec<ValuePoint> {
        values
            .iter()
            .enumerate()
            .map(|(k, v)| ValuePoint {
                start: Utc.timestamp_opt(k as i64 * 3600, 0).unwrap(),
                value: *v,
                records: v.is_some() as u64,
            })
            .collect()
    }

    #[test]
    fn grades_take_three_steps_and_a_mark_sits_on_the_value_the_forest_was_handed() {
        let glyphs: Vec<char> = [0.1, 0.49, 0.5, 0.79, 0.8, 1.0]
            .iter()
            .map(|g| grade_mark(*g).0)
            .collect();
        assert_eq!(glyphs, ['•', '•', '●', '●', '◉', '◉']);
        // A missing interval read as 0 and flagged; a spike flagged in the testing part.
        let p = points(&[Some(5.0), None, Some(10.0), Some(5.0)]);
        let graded = [(0.0, None), (0.6, Some(5.0)), (0.9, Some(5.0)), (0.0, None)];
        let b = MetricBacktest {
            dimensions: serde_json::Map::new(),
            measure: "v".into(),
            aggregation: crate::schema::Aggregation::Sum,
            points: p
                .iter()
                .zip(graded)
                .map(|(p, (grade, expected))| crate::backtest::Point {
                    start: p.start,
                    value: p.value,
                    score: grade,
                    grade,
                    expected,
                })
                .collect(),
            anomalies: [
                (1, crate::backtest::Part::Training),
                (2, crate::backtest::Part::Testing),
            ]
            .iter()
            .map(|(k, part)| crate::backtest::Anomaly {
                start: p[*k].start,
                value: p[*k].value,
                expected: Some(5.0),
                grade: 0.5,
                confidence: 0.5,
                part: *part,
            })
            .collect(),
        };
        let marks = Marks::of(&b, Impute::Zero);
        assert_eq!((marks.training, marks.testing, marks.count()), (1, 1, 2));
        assert_eq!(marks.slots[1].at, Some(0.0), "where the forest saw it");
        assert!(marks.flagged(1) && marks.flagged(2) && !marks.flagged(3));
        // One interval a column, six cells each: the marks on the rows of 0 and of 10.
        let g = Geometry::with_axis(Rect::new(0, 0, 40, 10), Some(1), 4, 4).unwrap();
        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 10));
        let scale = Scale::fit(0.0, 10.0);
        draw_marks(&mut buf, &Plot { g: &g, scroll: 0 }, &marks, scale);
        let plot = Plot { g: &g, scroll: 0 };
        let x = |slot| g.bars.x + (plot.dot_of(slot).unwrap() / 2) as u16;
        let bottom = g.bars.y + g.bars.height - 1;
        assert_eq!(buf[(x(1), bottom)].symbol(), "●");
        assert_eq!(buf[(x(2), g.bars.y)].symbol(), "◉");
        assert_eq!(buf[(x(2), g.bars.y)].fg, Color::Red);
        let marked = buf.content.iter().filter(|c| c.symbol() != " ").count();
        assert_eq!(marked, 2, "nothing else is marked");
    }

    #[test]
    fn the_scale_ends_on_round_steps_that_hold_every_value() {
        let labels = |lo, hi| Scale::fit(lo, hi).labels();
        assert_eq!(
            Scale::fit(3.0, 900.0),
            Scale {
                low: 0.0,
                high: 1000.0
            }
        );
        assert_eq!(labels(3.0, 900.0), ["1,000", "500", "0"]);
        assert_eq!(labels(100.0, 220.0), ["250", "175", "100"]);
        assert_eq!(labels(10.0, 16.0), ["16", "13", "10"]);
        assert_eq!(labels(-4.0, 3.0), ["4", "0", "-4"]);
        assert_eq!(labels(0.12, 0.19), ["0.2", "0.16", "0.12"]);
        // A single value gets room around it; zero too.
        assert_eq!(labels(10.0, 10.0), ["11", "10", "9"]);
        assert_eq!(labels(0.0, 0.0), ["1", "0", "-1"]);
        assert_eq!(Scale::fit(3.0, 900.0).axis_width(), 6);
        // Ranges a float barely holds end (on their own ends when no step fits).
        let wide = Scale::fit(-1e308, 1e308);
        assert!(wide.high > wide.low, "{wide:?}");
        let tiny = Scale::fit(1.0, 1.0 + f64::EPSILON);
        assert!(tiny.high > tiny.low && tiny.low <= 1.0, "{tiny:?}");
    }

    #[test]
    fn slots_share_their_columns_dots_in_time_order() {
        let chart = Rect::new(0, 0, 40, 10);
        // One interval a column, one cell each: the right dot of its cell.
        let g = Geometry::with_axis(chart, Some(1), 500, 4).unwrap();
        let plot = Plot { g: &g, scroll: 10 };
        assert_eq!(plot.dot_of(10), Some(1));
        assert_eq!(plot.dot_of(11), Some(3));
        assert_eq!(plot.dot_of(9), None, "before the view");
        assert_eq!(plot.cells_of(11), g.bars.x + 1..g.bars.x + 2);
        // Four intervals a column: two on each dot.
        let g = Geometry::with_axis(chart, Some(4), 500, 4).unwrap();
        let plot = Plot { g: &g, scroll: 0 };
        let dots: Vec<_> = (0..8).map(|s| plot.dot_of(s).unwrap()).collect();
        assert_eq!(dots, [0, 0, 1, 1, 2, 2, 3, 3]);
        // A short span: wide columns, the point in the middle.
        let g = Geometry::with_axis(chart, None, 10, 4).unwrap();
        assert_eq!(g.cell, 3);
        let plot = Plot { g: &g, scroll: 0 };
        assert_eq!(plot.dot_of(1), Some(9));
    }

    #[test]
    fn an_interval_without_a_value_breaks_the_line_and_a_zoomed_column_keeps_its_range() {
        let chart = Rect::new(0, 0, 40, 10);
        let p = points(&[Some(1.0), Some(2.0), None, Some(4.0), Some(5.0)]);
        // A short span: six cells (twelve dots) an interval, the point in the middle.
        let g = Geometry::with_axis(chart, Some(1), p.len(), 4).unwrap();
        assert_eq!(g.cell, 6);
        let r = runs(&p, &Plot { g: &g, scroll: 0 });
        assert_eq!(
            r,
            [
                vec![(6.0, 1.0), (18.0, 2.0)],
                vec![(42.0, 4.0), (54.0, 5.0)]
            ]
        );
        // Four intervals a column, two a dot: the dot keeps both values, falling as they came;
        // a dot with one value of two is not a break.
        let p = points(&[Some(5.0), Some(1.0), None, Some(3.0), None, None, Some(2.0)]);
        let g = Geometry::with_axis(chart, Some(4), p.len(), 4).unwrap();
        let r = runs(&p, &Plot { g: &g, scroll: 0 });
        assert_eq!(
            r,
            [vec![(0.0, 5.0), (0.0, 1.0), (1.0, 3.0)], vec![(3.0, 2.0)]]
        );
    }
}
