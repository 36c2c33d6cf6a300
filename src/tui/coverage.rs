//! The coverage screen: a background scan of every file with its progress, then the summary
//! against L4M's limits and the histogram of records per interval with a cursor and its readout.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph, Wrap};

use super::app::{Ctx, Event};
use super::histogram::{self, Geometry, Slot, slot_time};
use super::input::{self, Field, Outcome};
use super::keys::{self, Action, Key};
use super::layout;
use super::style::{ACCENT, findings_line, plural};
use super::words;
use crate::config::Finding;
use crate::config::findings::Rule;
use crate::coverage::{Coverage, ScanControl};
use crate::schema::Frequency;
use crate::units::{bytes, thousands};

/// The coverage screen: a scan and its result.
#[derive(Debug, Clone)]
pub struct CoverageView {
    /// The interval and timezone of the scan shown (or running).
    pub frequency: Frequency,
    pub timezone: Tz,
    pub scan_id: u64,
    /// Set while a scan runs.
    pub control: Option<Arc<ScanControl>>,
    pub files_total: usize,
    pub bytes_total: u64,
    pub result: Option<Arc<Coverage>>,
    /// Records and files per slot, laid out once per scan.
    pub slots: Arc<Vec<Slot>>,
    pub error: Option<String>,
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
            scan_id: 0,
            control: None,
            files_total: 0,
            bytes_total: 0,
            result: None,
            slots: Arc::default(),
            error: None,
            zoom: None,
            scroll: 0,
            cursor: 0,
            tz_input: None,
            tz_history: Vec::new(),
        }
    }

    pub fn running(&self) -> bool {
        self.control.is_some()
    }

    /// A scan was asked for: show its progress from now on.
    pub fn begin(&mut self, id: u64, control: Arc<ScanControl>, files: usize, bytes: u64) {
        if let Some(old) = self.control.replace(control) {
            old.cancel();
        }
        self.scan_id = id;
        self.files_total = files;
        self.bytes_total = bytes;
        self.error = None;
    }

    /// Progress of the running scan as (files done, files, bytes read, bytes).
    pub fn progress(&self) -> Option<(usize, usize, u64, u64)> {
        let control = self.control.as_ref()?;
        Some((
            control.files_done.load(Ordering::Relaxed),
            self.files_total,
            control.bytes_read.load(Ordering::Relaxed),
            self.bytes_total,
        ))
    }

    /// The histogram's geometry on a screen of the context's size.
    pub fn geometry(&self, body: Rect) -> Option<Geometry> {
        let r = self.result.as_ref()?;
        let chart = layout::Coverage::new(body).chart;
        Geometry::new(
            chart,
            self.zoom,
            r.intervals_spanned as usize,
            r.max_records_per_interval,
        )
    }

    /// A scan finished: keep its figures, or say why there are none.
    pub fn on_scanned(&mut self, id: u64, result: Result<Box<Coverage>, String>, ctx: &mut Ctx) {
        if id != self.scan_id {
            return;
        }
        self.control = None;
        match result {
            Ok(coverage) => {
                if coverage.cancelled {
                    ctx.error(format!(
                        "scan cancelled: the figures are partial ({} scans again)",
                        words::key(keys::COVERAGE, Action::Rescan)
                    ));
                } else if !coverage.complete {
                    ctx.error("some files could not be read to the end: the figures are partial");
                }
                self.slots = Arc::new(histogram::slots(&coverage));
                self.frequency = coverage.frequency;
                self.timezone = coverage.timezone;
                self.result = Some(Arc::new(*coverage));
                self.cursor = self.cursor.min(self.slots.len().saturating_sub(1));
                self.follow_cursor(ctx, false);
            }
            Err(e) => {
                self.error = Some(e.clone());
                ctx.error(e);
            }
        }
    }

    /// A key of the coverage screen's table.
    pub fn act(&mut self, action: Action, ctx: &mut Ctx) {
        match action {
            Action::Back => match &self.control {
                Some(control) => {
                    control.cancel();
                    ctx.info("cancelling the scan: the figures will be partial");
                }
                None => ctx.emit(Event::Back),
            },
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
            _ => self.move_cursor(action, ctx),
        }
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
                    Some(slot) => slot,
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

    /// The first slot of the next (or previous) run of missing intervals from `slot`.
    pub fn gap_from(&self, slot: usize, forward: bool) -> Option<usize> {
        let s = &self.slots;
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

    /// A click on the histogram puts the cursor on the column under it.
    pub fn click(&mut self, x: u16, y: u16, ctx: &mut Ctx) {
        let Some(g) = self.geometry(ctx.screen().body) else {
            return;
        };
        if y < g.bars.y || y > g.strip_y {
            return;
        }
        if let Some(column) = g.column_at(x, self.scroll) {
            self.cursor = g.slots(column).start;
        }
    }

    /// A key while the timezone is typed; false when it is not.
    pub fn text_key(&mut self, key: Key, ctx: &mut Ctx) -> bool {
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

    pub fn draw(&self, frame: &mut Frame, body: Rect, findings: &[Finding]) {
        let l = layout::Coverage::new(body);
        let mut lines = vec![self.settings_line()];
        if let Some(p) = self.progress() {
            frame.render_widget(Paragraph::new(lines), l.summary);
            draw_progress(frame, p, l.summary);
            return;
        }
        if let Some(e) = &self.error {
            lines.push(Line::from(Span::styled(format!(" {e}"), Color::Red)));
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), l.summary);
            return;
        }
        let Some(r) = &self.result else {
            frame.render_widget(Paragraph::new(lines), l.summary);
            return;
        };
        lines.extend(summary_lines(r, self.timezone));
        if let Some(stale) = findings.iter().find(|f| f.rule == Rule::ScanStale) {
            lines.push(self.stale_line(stale));
        }
        lines.push(findings_line(findings));
        frame.render_widget(Paragraph::new(lines), l.summary);
        let g = self.geometry(body);
        let view = histogram::View {
            coverage: r,
            slots: &self.slots,
            scroll: self.scroll,
            cursor: self.cursor,
        };
        histogram::draw(frame.buffer_mut(), l.chart, g.as_ref(), &view);
        if let Some(g) = g {
            frame.render_widget(Paragraph::new(self.readout(r, &g)), l.readout);
        }
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
    fn readout(&self, r: &Coverage, g: &Geometry) -> Line<'static> {
        let range = g.slots(g.column_of(self.cursor));
        let slice = self.slots.get(range.clone()).unwrap_or(&[]);
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
                "   {} of {} intervals with data, {}–{} records, up to {} files",
                with_data.len(),
                range.len(),
                thousands(low),
                thousands(high),
                files(|s| s.files)
            )),
        ])
    }
}

/// The part of the stale finding that says what differs (inside its parentheses).
fn stale_reason(message: &str) -> &str {
    message
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map_or(message, |(inside, _)| inside)
}

fn draw_progress(
    frame: &mut Frame,
    (done, files, read, total): (usize, usize, u64, u64),
    summary: Rect,
) {
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

/// The verdict, the span, the longest gap, the quotas and the skipped records of a scan.
fn summary_lines(r: &Coverage, tz: Tz) -> Vec<Line<'static>> {
    let pass = r.meets_threshold;
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
    ]);
    let last = (r.intervals_spanned as usize).saturating_sub(1);
    let range = Line::from(format!(
        " {} to {} ({})   {} records in {} file{}",
        slot_time(r, 0),
        slot_time(r, last),
        tz.name(),
        thousands(r.records),
        r.files_scanned,
        plural(r.files_scanned)
    ));
    vec![
        verdict,
        range,
        gap_line(r, tz),
        quota_line(r),
        skipped_line(r),
    ]
}

fn gap_line(r: &Coverage, tz: Tz) -> Line<'static> {
    Line::from(match r.longest_gaps.first() {
        Some(g) => format!(
            " longest gap {} interval{} from {}   ({} gaps listed; {} and {} jump to them)",
            thousands(g.intervals),
            plural(g.intervals),
            g.start.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
            r.longest_gaps.len(),
            words::key(keys::COVERAGE, Action::NextGap),
            words::key(keys::COVERAGE, Action::PrevGap),
        ),
        None => " no gaps".into(),
    })
}

fn quota_line(r: &Coverage) -> Line<'static> {
    Line::from(format!(
        " max {} records per interval (quota {}), max {} file{} per interval (quota {})",
        thousands(r.max_records_per_interval),
        thousands(r.records_quota),
        r.max_files_per_interval,
        plural(r.max_files_per_interval),
        r.files_quota
    ))
}

fn skipped_line(r: &Coverage) -> Line<'static> {
    match r.skipped_examples.first() {
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
    }
}
