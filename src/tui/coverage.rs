//! The coverage screen: a background scan of every file with its progress, then the summary
//! against L4M's limits and the histogram of records per interval with a cursor and its readout,
//! the backtest's split drawn under it.
//!
//! The screen can be narrowed to one dimension value or one metric (picked from [`Picker`]): a
//! second scan counts only those records, and the summary and the histogram show it. The whole
//! dataset's scan stays what the findings and the export judge.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph, Wrap};

use super::app::{Ctx, Event};
use super::component::{Click, Component, Shared};
use super::histogram::{self, Geometry, Slot, Split, slot_time};
use super::input::{self, Field, Outcome};
use super::keys::{self, Action, Binding, Key};
use super::layout;
use super::narrow::{Choice, Picked, Picker};
use super::style::{ACCENT, findings_line, plural};
use super::words::{self, TuiWords};
use super::worker::{Failure, Job};
use crate::config::Finding;
use crate::config::findings::Rule;
use crate::coverage::{Coverage, ScanControl, ScanSpec};
use crate::fix::Words as _;
use crate::inspect::Inspection;
use crate::schema::Frequency;
use crate::units::{bytes, thousands};

/// A scan's figures, and its slots laid out once for the histogram.
#[derive(Debug, Clone)]
pub struct Figures {
    pub coverage: Arc<Coverage>,
    pub slots: Arc<Vec<Slot>>,
}

impl Figures {
    fn new(coverage: Coverage) -> Figures {
        Figures {
            slots: Arc::new(histogram::slots(&coverage)),
            coverage: Arc::new(coverage),
        }
    }
}

/// A scan that runs: the request whose answer is awaited, and its progress.
#[derive(Debug, Clone)]
pub struct Running {
    pub id: u64,
    pub control: Arc<ScanControl>,
    pub files: usize,
    pub bytes: u64,
}

/// How far a running scan is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub files_done: usize,
    pub files: usize,
    pub bytes_read: u64,
    pub bytes: u64,
}

/// What the coverage screen holds: exactly one of these, so that figures, a running scan, an
/// error and a narrowing can never contradict each other.
#[derive(Debug, Clone)]
pub enum ScanState {
    /// No figures: nothing scanned yet, or the last scan of the whole dataset failed.
    Empty { error: Option<Failure> },
    /// The whole dataset is being scanned; a narrowing chosen earlier is scanned again after it.
    Scanning {
        running: Running,
        narrowing: Option<Choice>,
    },
    /// The whole dataset's figures.
    Whole { whole: Figures },
    /// The whole dataset's figures, and a scan of the narrowing's records running.
    Narrowing {
        whole: Figures,
        choice: Choice,
        running: Running,
    },
    /// The whole dataset's figures, and the narrowing's: the screen shows the narrowing's.
    Narrowed {
        whole: Figures,
        choice: Choice,
        narrowed: Figures,
    },
}

/// The coverage screen: a scan and its result.
#[derive(Debug, Clone)]
pub struct CoverageView {
    /// The interval and timezone of the scan shown (or running).
    pub frequency: Frequency,
    pub timezone: Tz,
    pub state: ScanState,
    /// The list to narrow from, while it is open.
    pub picker: Option<Picker>,
    /// The inspection and settings of the last whole-dataset scan: a narrowed scan repeats them.
    base: Option<(Arc<Inspection>, ScanSpec)>,
    /// Intervals per histogram column; `None` fits the whole span.
    pub zoom: Option<usize>,
    /// First histogram column shown.
    pub scroll: usize,
    /// The slot under the cursor.
    pub cursor: usize,
    pub tz_input: Option<Field>,
    tz_history: Vec<String>,
}

impl CoverageView {
    pub fn new(frequency: Frequency, timezone: Tz) -> CoverageView {
        CoverageView {
            frequency,
            timezone,
            state: ScanState::Empty { error: None },
            picker: None,
            base: None,
            zoom: None,
            scroll: 0,
            cursor: 0,
            tz_input: None,
            tz_history: Vec::new(),
        }
    }

    /// The scan running, if one is.
    pub fn running_scan(&self) -> Option<&Running> {
        match &self.state {
            ScanState::Scanning { running, .. } | ScanState::Narrowing { running, .. } => {
                Some(running)
            }
            ScanState::Empty { .. } | ScanState::Whole { .. } | ScanState::Narrowed { .. } => None,
        }
    }

    pub fn running(&self) -> bool {
        self.running_scan().is_some()
    }

    /// The whole dataset's figures: what the findings and the export judge.
    pub fn whole(&self) -> Option<&Figures> {
        match &self.state {
            ScanState::Whole { whole }
            | ScanState::Narrowing { whole, .. }
            | ScanState::Narrowed { whole, .. } => Some(whole),
            ScanState::Empty { .. } | ScanState::Scanning { .. } => None,
        }
    }

    /// The whole dataset's coverage, once scanned.
    pub fn result(&self) -> Option<&Arc<Coverage>> {
        self.whole().map(|w| &w.coverage)
    }

    /// What the screen is narrowed to (scanned, or being scanned).
    pub fn narrowing(&self) -> Option<&Choice> {
        match &self.state {
            ScanState::Scanning { narrowing, .. } => narrowing.as_ref(),
            ScanState::Narrowing { choice, .. } | ScanState::Narrowed { choice, .. } => {
                Some(choice)
            }
            ScanState::Empty { .. } | ScanState::Whole { .. } => None,
        }
    }

    /// The narrowed scan's figures, once they are in.
    pub fn narrowed(&self) -> Option<&Figures> {
        match &self.state {
            ScanState::Narrowed { narrowed, .. } => Some(narrowed),
            _ => None,
        }
    }

    /// Why the last scan of the whole dataset gave no figures.
    pub fn error(&self) -> Option<&Failure> {
        match &self.state {
            ScanState::Empty { error } => error.as_ref(),
            _ => None,
        }
    }

    /// The figures and slots on screen: the narrowed scan's, else the whole dataset's.
    pub fn shown(&self) -> Option<(&Arc<Coverage>, &Arc<Vec<Slot>>)> {
        self.narrowed()
            .or(self.whole())
            .map(|f| (&f.coverage, &f.slots))
    }

    /// The whole dataset's backtest split, placed on the slots shown.
    pub fn split(&self) -> Option<Split> {
        let b = self.result()?.quality.as_ref()?.backtest.as_ref()?;
        Split::of(b, self.shown()?.0)
    }

    /// Scan the whole dataset; a narrowing chosen earlier is scanned again after it.
    pub fn scan_whole(&mut self, inspection: Arc<Inspection>, spec: ScanSpec, ctx: &mut Ctx) {
        self.frequency = spec.frequency;
        self.timezone = spec.timezone;
        let running = start(&inspection, spec.clone(), ctx);
        let narrowing = self.narrowing().cloned();
        self.cancel_running();
        self.state = ScanState::Scanning { running, narrowing };
        self.base = Some((inspection, spec));
    }

    /// Scan the records of a narrowing, with the whole dataset's last settings.
    fn scan_narrowed(&mut self, whole: Figures, choice: Choice, ctx: &mut Ctx) {
        let Some((inspection, mut spec)) = self.base.clone() else {
            self.state = ScanState::Whole { whole };
            return;
        };
        // The list and the split come from the whole scan; one series' runs are its intervals.
        spec.series = false;
        spec.narrow = Some(choice.narrow.clone());
        let running = start(&inspection, spec, ctx);
        self.cancel_running();
        self.state = ScanState::Narrowing {
            whole,
            choice,
            running,
        };
    }

    /// Stop the scan running, if one is (its answer will be ignored).
    fn cancel_running(&mut self) {
        if let Some(r) = self.running_scan() {
            r.control.cancel();
        }
    }

    /// Progress of the running scan.
    pub fn progress(&self) -> Option<Progress> {
        let r = self.running_scan()?;
        Some(Progress {
            files_done: r.control.files_done.load(Ordering::Relaxed),
            files: r.files,
            bytes_read: r.control.bytes_read.load(Ordering::Relaxed),
            bytes: r.bytes,
        })
    }

    /// The histogram's geometry on a screen of the context's size.
    pub fn geometry(&self, body: Rect) -> Option<Geometry> {
        let (r, _) = self.shown()?;
        let chart = layout::Coverage::new(body).chart;
        Geometry::new(
            chart,
            self.zoom,
            r.span.intervals_spanned as usize,
            r.quotas.max_records_per_interval,
        )
    }

    /// A scan finished: keep its figures, or say why there are none. An answer to a request
    /// that is no longer awaited is dropped.
    pub fn on_scanned(&mut self, id: u64, result: Result<Box<Coverage>, Failure>, ctx: &mut Ctx) {
        if self.running_scan().is_none_or(|r| r.id != id) {
            return;
        }
        let state = std::mem::replace(&mut self.state, ScanState::Empty { error: None });
        match (state, result) {
            (ScanState::Scanning { narrowing, .. }, Ok(coverage)) => {
                say_partial(&coverage, ctx);
                self.on_whole(*coverage, narrowing, ctx);
            }
            (ScanState::Scanning { .. }, Err(e)) => {
                ctx.error(TuiWords.error(&e));
                self.state = ScanState::Empty { error: Some(e) };
            }
            (ScanState::Narrowing { whole, choice, .. }, Ok(coverage)) => {
                say_partial(&coverage, ctx);
                self.on_narrowed(whole, choice, *coverage, ctx);
            }
            (ScanState::Narrowing { whole, .. }, Err(e)) => {
                ctx.error(format!(
                    "{} (the screen shows the whole dataset)",
                    TuiWords.error(&e)
                ));
                self.state = ScanState::Whole { whole };
            }
            (other, _) => self.state = other,
        }
    }

    fn on_whole(&mut self, coverage: Coverage, narrowing: Option<Choice>, ctx: &mut Ctx) {
        self.frequency = coverage.frequency;
        self.timezone = coverage.timezone;
        let cancelled = coverage.completeness.cancelled;
        let whole = Figures::new(coverage);
        self.cursor = self.cursor.min(whole.slots.len().saturating_sub(1));
        let holds = narrowing.as_ref().map(|n| still_holds(&whole.coverage, n));
        match (narrowing, holds) {
            (Some(choice), Some(true)) if !cancelled => self.scan_narrowed(whole, choice, ctx),
            (Some(_), Some(false)) => {
                self.state = ScanState::Whole { whole };
                ctx.info(
                    "the narrowing was dropped: its dimension or measure is not labelled any more",
                );
            }
            _ => self.state = ScanState::Whole { whole },
        }
        self.follow_cursor(ctx, false);
    }

    fn on_narrowed(&mut self, whole: Figures, choice: Choice, coverage: Coverage, ctx: &mut Ctx) {
        if !coverage.completeness.cancelled {
            ctx.info(format!(
                "narrowed to {}: {} intervals with data ({} or {} shows the whole dataset)",
                choice.label,
                thousands(coverage.span.intervals_with_data),
                words::key(keys::COVERAGE, Action::Whole),
                words::key(keys::COVERAGE, Action::Back),
            ));
        }
        self.state = ScanState::Narrowed {
            whole,
            choice,
            narrowed: Figures::new(coverage),
        };
        self.zoom = None;
        self.cursor = 0;
        self.scroll = 0;
    }

    /// Esc: cancel the scan, else leave the narrowing, else back to the columns.
    fn back(&mut self, ctx: &mut Ctx) {
        if let Some(r) = self.running_scan() {
            r.control.cancel();
            ctx.info("cancelling the scan: the figures will be partial");
        } else if self.narrowing().is_some() {
            self.show_whole(ctx);
        } else {
            ctx.emit(Event::Back);
        }
    }

    /// Open the list of what to narrow to, made from the whole dataset's scan.
    fn open_picker(&mut self, ctx: &mut Ctx) {
        let problem = if self.running() {
            Some("wait for the scan to finish (Esc cancels it)")
        } else if self.result().is_none() {
            Some("no figures yet")
        } else {
            None
        };
        if let Some(p) = problem {
            ctx.error(p);
            return;
        }
        match self.result().and_then(|r| Picker::new(r)) {
            Some(p) => self.picker = Some(p),
            None => ctx.error(format!(
                "nothing to narrow to: label a measure ({} on the columns screen), then scan again",
                words::key(keys::DATASET, Action::SetRole(crate::schema::Role::Measure))
            )),
        }
    }

    fn picker_act(&mut self, action: Action, ctx: &mut Ctx) {
        let page = layout::picker_rows(ctx.screen().body).height.max(1) as usize;
        let Some(picker) = self.picker.as_mut() else {
            return;
        };
        match picker.act(action, page) {
            Picked::Nothing => {}
            Picked::Close => self.picker = None,
            Picked::Narrow(choice) => {
                self.picker = None;
                let Some(whole) = self.whole().cloned() else {
                    return;
                };
                ctx.info(format!("scanning the records of {}", choice.label));
                self.scan_narrowed(whole, choice, ctx);
            }
        }
    }

    /// Back to the whole dataset's figures (a narrowed scan still running is cancelled).
    fn show_whole(&mut self, ctx: &mut Ctx) {
        let whole = match &self.state {
            ScanState::Narrowing { whole, running, .. } => {
                running.control.cancel();
                whole.clone()
            }
            ScanState::Narrowed { whole, .. } => whole.clone(),
            ScanState::Scanning { running, narrowing } if narrowing.is_some() => {
                let running = running.clone();
                self.state = ScanState::Scanning {
                    running,
                    narrowing: None,
                };
                ctx.info("the whole dataset again");
                return;
            }
            ScanState::Empty { .. } | ScanState::Scanning { .. } | ScanState::Whole { .. } => {
                ctx.info("the screen shows the whole dataset");
                return;
            }
        };
        self.cursor = self.cursor.min(whole.slots.len().saturating_sub(1));
        self.state = ScanState::Whole { whole };
        self.zoom = None;
        self.follow_cursor(ctx, false);
        ctx.info("the whole dataset again");
    }

    fn zoom(&mut self, closer: bool, ctx: &mut Ctx) {
        let Some(g) = self.geometry(ctx.screen().body) else {
            return;
        };
        self.zoom = Some(if closer {
            (g.zoom / 2).max(1)
        } else {
            (g.zoom * 2).min(g.spanned.max(1))
        });
        self.follow_cursor(ctx, true);
    }

    /// Move the cursor: a column, a screen, to either end, or to a gap.
    fn move_cursor(&mut self, action: Action, ctx: &mut Ctx) {
        let Some(g) = self.geometry(ctx.screen().body) else {
            return;
        };
        let column = g.column_of(self.cursor);
        let last = g.spanned.saturating_sub(1);
        let to_column = |c: usize| g.slots(c.min(g.total.saturating_sub(1))).start;
        self.cursor = match action {
            Action::Left => to_column(column.saturating_sub(1)),
            Action::Right => to_column(column + 1),
            Action::ScreenLeft => to_column(column.saturating_sub(g.columns)),
            Action::ScreenRight => to_column(column + g.columns),
            Action::Top => 0,
            Action::Bottom => last,
            Action::NextGap | Action::PrevGap => {
                match self.gap_from(self.cursor, action == Action::NextGap) {
                    Some(slot) => {
                        self.say_gap(slot, ctx);
                        slot
                    }
                    None => {
                        ctx.info("no more gaps that way");
                        return;
                    }
                }
            }
            _ => return,
        };
        self.follow_cursor(ctx, false);
    }

    /// A gap jumped to, in the status line: its start and length, seen however far the chart is
    /// zoomed out (the gap may lie in the cursor's own column).
    fn say_gap(&self, slot: usize, ctx: &mut Ctx) {
        let Some((r, s)) = self.shown() else {
            return;
        };
        let len = s[slot..]
            .iter()
            .take_while(|x| x.records == 0)
            .count()
            .max(1);
        let range = if len == 1 {
            slot_time(r, slot)
        } else {
            format!("{} to {}", slot_time(r, slot), slot_time(r, slot + len - 1))
        };
        ctx.info(format!(
            "gap of {} missing interval{}: {range} {}",
            thousands(len as u64),
            plural(len as u64),
            self.timezone.name()
        ));
    }

    /// The first slot of the next (or previous) run of missing intervals from `slot`.
    pub fn gap_from(&self, slot: usize, forward: bool) -> Option<usize> {
        let s: &[Slot] = self.shown().map_or(&[], |(_, s)| s);
        let starts = |k: &usize| s[*k].records == 0 && (*k == 0 || s[*k - 1].records > 0);
        if forward {
            (slot + 1..s.len()).find(starts)
        } else {
            (0..slot.min(s.len())).rev().find(starts)
        }
    }

    /// Scroll so the cursor's column is in view (in the middle after a zoom).
    fn follow_cursor(&mut self, ctx: &Ctx, centre: bool) {
        let Some(g) = self.geometry(ctx.screen().body) else {
            return;
        };
        let column = g.column_of(self.cursor);
        self.scroll = if centre {
            g.centre_on(column)
        } else {
            g.keep_in_view(column, self.scroll)
        };
    }

    fn settings_line(&self) -> Line<'static> {
        let gray = Style::new().fg(Color::Gray);
        let mut spans = vec![
            Span::styled(" interval ", gray),
            Span::styled(
                format!("{} ({})", self.frequency, self.frequency.human()),
                Style::new().bold(),
            ),
            Span::styled("   timezone ", gray),
        ];
        match &self.tz_input {
            Some(f) => {
                spans.extend(f.spans(32, Style::new().bold()));
                spans.push(Span::styled(" (Enter keeps, Esc drops)", gray));
            }
            None => spans.push(Span::styled(self.timezone.name(), Style::new().bold())),
        }
        if let Some(n) = self.narrowing() {
            spans.push(Span::styled("   narrowed to ", gray));
            spans.push(Span::styled(
                n.label.clone(),
                Style::new().fg(Color::LightBlue).bold(),
            ));
            spans.push(Span::styled(
                format!(" ({} whole)", words::key(keys::COVERAGE, Action::Whole)),
                gray,
            ));
        }
        Line::from(spans)
    }

    /// The figures come from a scan with other settings: say so and how to scan again.
    fn stale_line(&self, stale: &Finding) -> Line<'static> {
        Line::from(vec![
            Span::styled(
                " STALE ",
                Style::new().fg(Color::Black).bg(Color::Yellow).bold(),
            ),
            Span::styled(
                format!(
                    " figures from a scan at {}, {}; press {} to scan again",
                    self.frequency,
                    self.timezone.name(),
                    words::key(keys::COVERAGE, Action::Rescan)
                ),
                Style::new().fg(Color::Yellow),
            ),
            Span::styled(
                format!(" ({})", stale_reason(&stale.message)),
                Style::new().fg(Color::Gray),
            ),
        ])
    }

    /// The interval or column under the cursor: its time, records and files.
    /// What is said of the backtest part is left out, whole, when the line is too narrow for it.
    fn readout(&self, v: &histogram::View, g: &Geometry, width: u16) -> Line<'static> {
        let mut line = self.readout_counts(v.coverage, v.slots, g);
        let range = g.slots(g.column_of(self.cursor));
        let parts = v
            .split
            .map(|s| (s.part(range.start), s.part(range.end - 1)));
        let words = match parts {
            Some((Some(a), Some(b))) if a == b => a.words().to_string(),
            Some((Some(a), Some(b))) => format!("{} to {}", a.words(), b.words()),
            _ => return line,
        };
        let part = format!("   ({words})");
        if line.width() + part.chars().count() <= width as usize {
            line.spans
                .push(Span::styled(part, Style::new().fg(Color::Gray)));
        }
        line
    }

    fn readout_counts(&self, r: &Coverage, slots: &[Slot], g: &Geometry) -> Line<'static> {
        let range = g.slots(g.column_of(self.cursor));
        let slice = slots.get(range.clone()).unwrap_or(&[]);
        let tz = self.timezone.name();
        let mark = Span::styled(" ▶ ", Style::new().fg(ACCENT).bold());
        if range.len() <= 1 {
            let s = slice.first().copied().unwrap_or_default();
            let what = if s.records == 0 {
                Span::styled("missing", Style::new().fg(Color::Red).bold())
            } else {
                Span::raw(format!(
                    "{} record{}, {} file{}",
                    thousands(s.records),
                    plural(s.records),
                    s.files,
                    plural(s.files)
                ))
            };
            let time = format!("{} {tz}   ", slot_time(r, range.start));
            return Line::from(vec![mark, Span::styled(time, Style::new().bold()), what]);
        }
        let with_data: Vec<&Slot> = slice.iter().filter(|s| s.records > 0).collect();
        let low = slice.iter().map(|s| s.records).min().unwrap_or(0);
        let high = slice.iter().map(|s| s.records).max().unwrap_or(0);
        let files = |f: fn(&Slot) -> u64| with_data.iter().map(|s| f(s)).max().unwrap_or(0);
        Line::from(vec![
            mark,
            Span::styled(
                format!(
                    "{} – {} {tz}",
                    slot_time(r, range.start),
                    slot_time(r, range.end - 1)
                ),
                Style::new().bold(),
            ),
            Span::raw(format!(
                "   {} of {} intervals with data, {}–{} records, up to {} file{}",
                with_data.len(),
                range.len(),
                thousands(low),
                thousands(high),
                files(|s| s.files),
                plural(files(|s| s.files))
            )),
        ])
    }
}

/// Ask the worker for a scan; its progress is read from the control it is given.
fn start(inspection: &Arc<Inspection>, spec: ScanSpec, ctx: &mut Ctx) -> Running {
    let control = Arc::new(ScanControl::default());
    let files = inspection.dataset.files.len();
    let bytes = inspection.dataset.total_bytes();
    let id = ctx.request(Job::Scan {
        inspection: Arc::clone(inspection),
        spec,
        control: Arc::clone(&control),
    });
    Running {
        id,
        control,
        files,
        bytes,
    }
}

/// Whether a narrowing still names labelled columns of the whole scan.
fn still_holds(r: &Coverage, n: &Choice) -> bool {
    let dims = n
        .narrow
        .dimensions
        .iter()
        .all(|(d, _)| r.dims.dimensions.contains(d));
    let measure = n.narrow.measure.as_ref();
    dims && measure.is_none_or(|m| r.measures.iter().any(|c| &c.name == m))
}

/// A scan cancelled or cut short: say its figures are partial.
fn say_partial(coverage: &Coverage, ctx: &mut Ctx) {
    if coverage.completeness.cancelled {
        ctx.error(format!(
            "scan cancelled: the figures are partial ({} scans again)",
            words::key(keys::COVERAGE, Action::Rescan)
        ));
    } else if let Some(first) = coverage.completeness.incomplete_files.first() {
        let more = match coverage.completeness.incomplete_files.len() - 1 {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        ctx.error(format!(
            "could not read {} to its end ({}){more}: the figures are partial",
            first.file, first.error
        ));
    } else if !coverage.completeness.complete {
        ctx.error("some files could not be read to the end: the figures are partial");
    }
}

/// The part of the stale finding that says what differs (inside its parentheses).
fn stale_reason(message: &str) -> &str {
    message
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map_or(message, |(inside, _)| inside)
}

fn draw_progress(frame: &mut Frame, p: Progress, summary: Rect) {
    let Progress {
        files_done: done,
        files,
        bytes_read: read,
        bytes: total,
    } = p;
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
}

/// A scan where no timestamp parsed: what that means and what to do, instead of an empty span.
fn nothing_parsed_lines(r: &Coverage) -> Vec<Line<'static>> {
    let k = |a| words::key(keys::DATASET, a);
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                " no timestamp parsed: no record of {:?} reads as {} ({} record{} skipped in {} file{})",
                r.timestamp_column,
                r.timestamp_format,
                thousands(r.read.records_skipped),
                plural(r.read.records_skipped),
                r.read.files_scanned,
                plural(r.read.files_scanned)
            ),
            Style::new().fg(Color::Red).bold(),
        )),
        Line::from(format!(
            " on the columns ({} goes back), press {} to give the format the values have, or {} on the column that holds the time",
            words::key(keys::COVERAGE, Action::Back),
            k(Action::EditTimestampFormat),
            k(Action::SetRole(crate::schema::Role::Timestamp)),
        )),
    ];
    if let Some(e) = r.read.skipped_examples.first() {
        lines.push(Line::from(Span::styled(
            format!(" e.g. {}:{} {}", e.file, e.line, e.reason),
            Style::new().fg(Color::Yellow),
        )));
    }
    lines
}

/// The verdict, the span, the longest gap, the quotas and the skipped records of a scan.
fn summary_lines(r: &Coverage, tz: Tz) -> Vec<Line<'static>> {
    let pass = r.history.meets_threshold;
    let verdict = Line::from(vec![
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
                thousands(r.span.intervals_with_data),
                if pass { "≥" } else { "<" },
                r.history.threshold
            ),
            Style::new().bold(),
        ),
        Span::styled(
            format!(
                "   span {} ({} missing){}",
                thousands(r.span.intervals_spanned),
                thousands(r.span.intervals_missing),
                if r.completeness.complete {
                    ""
                } else {
                    "   PARTIAL"
                }
            ),
            Style::new().fg(Color::Gray),
        ),
    ]);
    let last = (r.span.intervals_spanned as usize).saturating_sub(1);
    let range = Line::from(format!(
        " {} to {} ({})   {} records in {} file{}",
        slot_time(r, 0),
        slot_time(r, last),
        tz.name(),
        thousands(r.read.records),
        r.read.files_scanned,
        plural(r.read.files_scanned)
    ));
    vec![
        verdict,
        range,
        intervals_line(r),
        gap_line(r, tz),
        quota_line(r),
        skipped_line(r),
    ]
}

/// Every interval length from the same scan: the share of its span without data, the scan's own
/// in brackets, `<285` where too few intervals hold data; the keys that switch.
fn intervals_line(r: &Coverage) -> Line<'static> {
    let gray = Style::new().fg(Color::Gray);
    let mut spans = vec![Span::styled(
        format!(" empty at ({}):", words::interval_keys()),
        gray,
    )];
    for f in &r.span.by_interval {
        let text = format!(
            "{} {:.0}%{}",
            f.frequency,
            f.missing_share() * 100.0,
            if f.meets_threshold { "" } else { " <285" }
        );
        spans.push(Span::raw("  "));
        spans.push(if f.frequency == r.frequency {
            Span::styled(format!("[{text}]"), Style::new().bold())
        } else {
            Span::raw(text)
        });
    }
    Line::from(spans)
}

fn gap_line(r: &Coverage, tz: Tz) -> Line<'static> {
    Line::from(match r.span.longest_gaps.first() {
        Some(g) => format!(
            " longest gap {} interval{} from {}   ({} gap{} listed; {} and {} jump to them)",
            thousands(g.intervals),
            plural(g.intervals),
            g.start.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
            r.span.longest_gaps.len(),
            plural(r.span.longest_gaps.len() as u64),
            words::key(keys::COVERAGE, Action::NextGap),
            words::key(keys::COVERAGE, Action::PrevGap),
        ),
        None => " no gaps".into(),
    })
}

fn quota_line(r: &Coverage) -> Line<'static> {
    Line::from(format!(
        " max {} record{} per interval (quota {}), max {} file{} per interval (quota {})",
        thousands(r.quotas.max_records_per_interval),
        plural(r.quotas.max_records_per_interval),
        thousands(r.quotas.records_quota),
        r.quotas.max_files_per_interval,
        plural(r.quotas.max_files_per_interval),
        r.quotas.files_quota
    ))
}

fn skipped_line(r: &Coverage) -> Line<'static> {
    match r.read.skipped_examples.first() {
        Some(e) => Line::from(Span::styled(
            format!(
                " {} skipped, e.g. {}:{} {}",
                thousands(r.read.records_skipped),
                e.file,
                e.line,
                e.reason
            ),
            Style::new().fg(Color::Yellow),
        )),
        None => Line::from(" no record skipped"),
    }
}

impl Component for CoverageView {
    fn bindings(&self) -> &'static [Binding] {
        if self.picker.is_some() {
            keys::NARROW
        } else {
            keys::COVERAGE
        }
    }

    /// A key of the coverage screen's table (or of the list, while it is open).
    fn act(&mut self, action: Action, ctx: &mut Ctx) {
        if self.picker.is_some() {
            return self.picker_act(action, ctx);
        }
        match action {
            Action::Back => self.back(ctx),
            Action::SetFrequency(f) => {
                self.zoom = None;
                ctx.emit(Event::Frequency {
                    frequency: f,
                    scan: true,
                });
            }
            Action::EditTimezone => {
                self.tz_input = Some(Field::new(self.timezone.name(), &self.tz_history))
            }
            Action::Rescan => ctx.emit(Event::Rescan),
            Action::Findings => ctx.emit(Event::OpenFindings),
            Action::Export => ctx.emit(Event::OpenExport),
            Action::ZoomIn | Action::ZoomOut => self.zoom(action == Action::ZoomIn, ctx),
            Action::Narrow => self.open_picker(ctx),
            Action::Whole => self.show_whole(ctx),
            _ => self.move_cursor(action, ctx),
        }
    }

    /// A key while the timezone or the list's filter is typed; false when neither is.
    fn text_key(&mut self, key: Key, ctx: &mut Ctx) -> bool {
        if let Some(p) = self.picker.as_mut() {
            return p.text_key(key);
        }
        let Some(field) = self.tz_input.as_mut() else {
            return false;
        };
        match field.key(key) {
            Outcome::Edited => {}
            Outcome::Cancel => self.tz_input = None,
            Outcome::Commit => match field.value().trim().parse::<Tz>() {
                Ok(tz) => {
                    input::remember(&mut self.tz_history, tz.name());
                    self.tz_input = None;
                    ctx.emit(Event::Timezone {
                        timezone: tz,
                        scan: true,
                    });
                }
                Err(_) => ctx.error(format!(
                    "unknown timezone {:?}: use an IANA name such as UTC or Europe/Paris",
                    field.value().trim()
                )),
            },
        }
        true
    }

    /// A click on the histogram puts the cursor on the column under it; in the list, a click
    /// selects a row and a double click narrows to it.
    fn click(&mut self, click: Click, ctx: &mut Ctx) {
        let Click { x, y, double } = click;
        let body = ctx.screen().body;
        if let Some(p) = self.picker.as_mut() {
            if p.click(body, y) && double {
                self.picker_act(Action::Open, ctx);
            }
            return;
        }
        let Some(g) = self.geometry(body) else {
            return;
        };
        if y < g.bars.y || y > g.split_y {
            return;
        }
        if let Some(column) = g.column_at(x, self.scroll) {
            self.cursor = g.slots(column).start;
        }
    }

    fn draw(&self, frame: &mut Frame, body: Rect, shared: &Shared<'_>) {
        let findings = shared.findings;
        let l = layout::Coverage::new(body);
        let mut lines = vec![self.settings_line()];
        if let Some(p) = self.progress() {
            frame.render_widget(Paragraph::new(lines), l.summary);
            draw_progress(frame, p, l.summary);
            return;
        }
        if let Some(e) = self.error() {
            let e = TuiWords.error(e);
            lines.push(Line::from(Span::styled(format!(" {e}"), Color::Red)));
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), l.summary);
            return;
        }
        let Some((r, slots)) = self.shown() else {
            frame.render_widget(Paragraph::new(lines), l.summary);
            return;
        };
        if r.read.records == 0 {
            lines.push(findings_line(findings, l.summary.width));
            frame.render_widget(Paragraph::new(lines), l.summary);
            let why = Paragraph::new(nothing_parsed_lines(r)).wrap(Wrap { trim: false });
            frame.render_widget(why, l.chart);
            return;
        }
        lines.extend(summary_lines(r, self.timezone));
        if let Some(stale) = findings.iter().find(|f| f.rule == Rule::ScanStale) {
            lines.push(self.stale_line(stale));
        }
        lines.push(findings_line(findings, l.summary.width));
        frame.render_widget(Paragraph::new(lines), l.summary);
        let g = self.geometry(body);
        let view = histogram::View {
            coverage: r,
            slots,
            split: self.split(),
            scroll: self.scroll,
            cursor: self.cursor,
        };
        histogram::draw(frame.buffer_mut(), l.chart, g.as_ref(), &view);
        if let Some(g) = g {
            frame.render_widget(
                Paragraph::new(self.readout(&view, &g, l.readout.width)),
                l.readout,
            );
        }
        if let Some(p) = &self.picker {
            p.draw(frame, body);
        }
    }
}
