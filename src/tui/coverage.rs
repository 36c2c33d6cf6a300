//! The coverage screen: a background scan of every file with its progress, then the summary
//! against L4M's limits and the histogram of records per interval with a cursor and its readout,
//! the backtest's split drawn under it.
//!
//! The screen can be narrowed to one dimension value or one metric (picked from [`Picker`]): a
//! second scan counts only those records, and the summary and the histogram show it. The whole
//! dataset's scan stays what the findings and the export judge.
//!
//! Narrowed to a metric, the second scan also sums its values per interval, and `p` shows them as
//! a chart in the histogram's place ([`super::chart`]): the same cursor, zoom and view, drawn from
//! the narrowed scan's values, so a rescan (another interval, `s`) draws it again from the new
//! scan and never from the one before.
//!
//! On the chart, `b` runs the backtest of the metric (the engine's forest, as `l4m backtest` runs
//! each metric) in the background; its marks are kept beside the narrowed figures they were run
//! on, so whatever drops those (another metric, interval or timezone, a rescan) drops them too,
//! and stops the run if it is still going.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Gauge, Paragraph, Wrap};

use super::app::{Ctx, Event};
use super::chart;
use super::component::{Click, Component, Shared};
use super::histogram::{self, Geometry, Slot, Split, slot_time};
use super::input::{self, Field, Outcome};
use super::keys::{self, Action, Binding, Key};
use super::layout;
use super::narrow::{self, Choice, Kind, Picked, Picker, Purpose};
use super::style::{ACCENT, findings_line, plural};
use super::words::{self, TuiWords};
use super::worker::{BacktestJob, Failure, Job, ScanJob};
use crate::backtest::{self, Impute, MetricBacktest, Settings};
use crate::config::Finding;
use crate::config::findings::{self, Rule};
use crate::coverage::{Coverage, MetricValues, ScanControl, ScanSpec};
use crate::fix::Words as _;
use crate::inspect::Inspection;
use crate::schema::{Aggregation, Frequency, Labels};
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
    /// A count in Athena: the state of its queries, as the worker last said it.
    pub athena: Option<Arc<std::sync::Mutex<String>>>,
}

/// Who counts the whole dataset's records: l4m here, or Amazon Athena beside the S3 data (`A`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    #[default]
    Local,
    Athena,
}

/// How far a running scan is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub files_done: usize,
    pub files: usize,
    pub bytes_read: u64,
    pub bytes: u64,
    /// A count in Athena: its queries' state (the files and bytes are Athena's to read).
    pub athena: Option<String>,
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
        /// The wall-clock start of the interval under the cursor when it started: the cursor
        /// goes back to it on the new figures (at another interval too).
        at: Option<NaiveDateTime>,
    },
    /// The whole dataset's figures.
    Whole { whole: Figures },
    /// The whole dataset's figures, and a scan of the narrowing's records running.
    Narrowing {
        whole: Figures,
        choice: Choice,
        running: Running,
        /// The wall-clock start of the interval under the cursor when it started: the cursor
        /// goes back to it on the narrowed figures.
        at: Option<NaiveDateTime>,
    },
    /// The whole dataset's figures, and the narrowing's: the screen shows the narrowing's.
    Narrowed {
        whole: Figures,
        choice: Choice,
        narrowed: Figures,
        /// The backtest of the metric narrowed to, on these figures' values.
        backtest: Option<BacktestRun>,
    },
}

/// Sets its flag when the last holder lets it go: a backtest whose state is dropped stops at the
/// forest's next check instead of running on unseen.
#[derive(Debug)]
pub struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The backtest of the charted metric: running in the worker, or its result and marks.
#[derive(Debug, Clone)]
pub enum BacktestRun {
    Running {
        id: u64,
        stop: Arc<StopOnDrop>,
        progress: Arc<backtest::Progress>,
        /// Intervals of the values it runs on.
        intervals: u64,
        impute: Impute,
    },
    Done {
        result: Arc<MetricBacktest>,
        marks: Arc<chart::Marks>,
    },
}

/// What the coverage screen draws under its summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shows {
    /// Records per interval.
    Histogram,
    /// The values of the metric narrowed to (only while the narrowing is a metric).
    Chart,
}

/// What the last scan of the whole dataset was asked with: a narrowed scan repeats it.
#[derive(Debug, Clone)]
struct Base {
    inspection: Arc<Inspection>,
    spec: ScanSpec,
    /// Each measure's aggregation (in the spec's order), for a metric's values.
    aggregations: Vec<Aggregation>,
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
    /// The histogram, or the chart of the metric narrowed to.
    pub shows: Shows,
    base: Option<Base>,
    /// Intervals per histogram column; `None` fits the whole span.
    pub zoom: Option<usize>,
    /// First histogram column shown.
    pub scroll: usize,
    /// The slot under the cursor.
    pub cursor: usize,
    pub tz_input: Option<Field>,
    tz_history: Vec<String>,
    /// Who counts the whole dataset (narrowings are always counted here).
    pub engine: Engine,
    /// How the backtest fills missing intervals (the session keeps it).
    pub impute: Impute,
}

impl CoverageView {
    pub fn new(frequency: Frequency, timezone: Tz) -> CoverageView {
        CoverageView {
            frequency,
            timezone,
            state: ScanState::Empty { error: None },
            picker: None,
            shows: Shows::Histogram,
            base: None,
            zoom: None,
            scroll: 0,
            cursor: 0,
            tz_input: None,
            tz_history: Vec::new(),
            engine: Engine::Local,
            impute: Impute::default(),
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

    /// The metric the chart draws, when the chart is shown: the narrowing, a metric.
    pub fn charted(&self) -> Option<&Choice> {
        let choice = self.narrowing().filter(|c| c.kind == Kind::Metric)?;
        (self.shows == Shows::Chart).then_some(choice)
    }

    /// The values the chart draws: the narrowed scan's, of the metric narrowed to, once they are
    /// in (while a scan runs there are none: what was drawn before is not shown as current).
    pub fn chart_values(&self) -> Option<&MetricValues> {
        self.charted()?;
        self.narrowed()?.coverage.values.as_ref()?.metrics.first()
    }

    /// Scan the whole dataset; a narrowing chosen earlier is scanned again after it.
    /// `aggregations` are the measures' (in the spec's order), for a metric's values.
    /// `athena`: where to count it in Athena (else here).
    pub fn scan_whole(
        &mut self,
        inspection: Arc<Inspection>,
        spec: ScanSpec,
        aggregations: Vec<Aggregation>,
        athena: Option<crate::athena::AthenaPlace>,
        ctx: &mut Ctx,
    ) {
        self.frequency = spec.frequency;
        self.timezone = spec.timezone;
        let running = match athena {
            Some(place) => start_athena(&inspection, spec.clone(), place, ctx),
            None => start(&inspection, spec.clone(), ctx),
        };
        let narrowing = self.narrowing().cloned();
        let at = self.cursor_time();
        self.cancel_running();
        self.state = ScanState::Scanning {
            running,
            narrowing,
            at,
        };
        self.base = Some(Base {
            inspection,
            spec,
            aggregations,
        });
    }

    /// The wall-clock start of the interval under the cursor, on the figures shown.
    fn cursor_time(&self) -> Option<NaiveDateTime> {
        self.shown()?.0.slot_start(self.cursor as u64)
    }

    /// Scan the records of a narrowing, with the whole dataset's last settings; a metric's scan
    /// sums its values too, for the chart. `at` is the time the cursor goes back to.
    fn scan_narrowed(
        &mut self,
        whole: Figures,
        choice: Choice,
        at: Option<NaiveDateTime>,
        ctx: &mut Ctx,
    ) {
        let Some(Base {
            inspection,
            mut spec,
            aggregations,
        }) = self.base.clone()
        else {
            self.state = ScanState::Whole { whole };
            return;
        };
        // The list and the split come from the whole scan; one series' runs are its intervals.
        // A metric's values need its series: one, so it costs little.
        let metric = choice.kind == Kind::Metric;
        spec.series = metric;
        spec.values = metric.then_some(aggregations);
        spec.narrow = Some(choice.narrow.clone());
        if self.engine == Engine::Athena {
            ctx.info("a narrowing is counted here: Athena counts the whole dataset");
        }
        let running = start(&inspection, spec, ctx);
        self.cancel_running();
        self.state = ScanState::Narrowing {
            whole,
            choice,
            running,
            at,
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
            athena: r
                .athena
                .as_ref()
                .map(|s| s.lock().map(|s| s.clone()).unwrap_or_default()),
        })
    }

    /// The geometry of the histogram, or of the chart when it is shown, in a screen's body.
    pub fn geometry(&self, body: Rect) -> Option<Geometry> {
        let (r, _) = self.shown()?;
        let chart = layout::Coverage::new(body).chart;
        if let Some(values) = self.chart_values() {
            return chart::geometry(chart, self.zoom, values);
        }
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
            (ScanState::Scanning { narrowing, at, .. }, Ok(coverage)) => {
                say_partial(&coverage, ctx);
                self.on_whole(*coverage, narrowing, at, ctx);
            }
            (ScanState::Scanning { .. }, Err(e)) => {
                ctx.error(TuiWords.error(&e));
                self.state = ScanState::Empty { error: Some(e) };
            }
            (
                ScanState::Narrowing {
                    whole, choice, at, ..
                },
                Ok(coverage),
            ) => {
                say_partial(&coverage, ctx);
                self.on_narrowed(whole, choice, *coverage, at, ctx);
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
        self.settle_shows();
    }

    /// The chart is shown only while the screen is narrowed to a metric: otherwise, the histogram.
    fn settle_shows(&mut self) {
        if self.narrowing().is_none_or(|c| c.kind != Kind::Metric) {
            self.shows = Shows::Histogram;
        }
    }

    fn on_whole(
        &mut self,
        coverage: Coverage,
        narrowing: Option<Choice>,
        at: Option<NaiveDateTime>,
        ctx: &mut Ctx,
    ) {
        self.frequency = coverage.frequency;
        self.timezone = coverage.timezone;
        let cancelled = coverage.completeness.cancelled;
        let whole = Figures::new(coverage);
        // The cursor stays on its time, at this interval; else on its slot.
        let last = whole.slots.len().saturating_sub(1);
        self.cursor = at
            .and_then(|t| slot_at(&whole.coverage, t))
            .unwrap_or(self.cursor)
            .min(last);
        let holds = narrowing.as_ref().map(|n| still_holds(&whole.coverage, n));
        match (narrowing, holds) {
            (Some(choice), Some(true)) if !cancelled => self.scan_narrowed(whole, choice, at, ctx),
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

    fn on_narrowed(
        &mut self,
        whole: Figures,
        choice: Choice,
        coverage: Coverage,
        at: Option<NaiveDateTime>,
        ctx: &mut Ctx,
    ) {
        let values = coverage.values.as_ref().and_then(|v| v.metrics.first());
        match values {
            _ if coverage.completeness.cancelled => {}
            Some(v) if self.shows == Shows::Chart => ctx.info(format!(
                "the values of {}: {} intervals of {} with a value ({} shows the histogram)",
                choice.label,
                thousands(v.with_value() as u64),
                thousands(v.points.len() as u64),
                words::key(keys::CHART, Action::Back),
            )),
            _ => ctx.info(format!(
                "narrowed to {}: {} intervals with data ({} or {} shows the whole dataset)",
                choice.label,
                thousands(coverage.span.intervals_with_data),
                words::key(keys::COVERAGE, Action::Whole),
                words::key(keys::COVERAGE, Action::Back),
            )),
        }
        let narrowed = Figures::new(coverage);
        // The cursor stays on its interval where the narrowed span has it, else its first.
        let last = narrowed.slots.len().saturating_sub(1);
        self.cursor = at
            .and_then(|t| slot_at(&narrowed.coverage, t))
            .map_or(0, |s| s.min(last));
        self.state = ScanState::Narrowed {
            whole,
            choice,
            narrowed,
            backtest: None,
        };
        self.scroll = 0;
        self.follow_cursor(ctx, true);
    }

    /// `A`: count the whole dataset in Athena from now on, or here again; scan with it.
    fn switch_engine(&mut self, ctx: &mut Ctx) {
        let key = words::key(keys::COVERAGE, Action::Engine);
        if self.engine == Engine::Athena {
            self.engine = Engine::Local;
            ctx.info(format!("counting here ({key} counts in Athena)"));
            ctx.emit(Event::Rescan);
            return;
        }
        if !cfg!(feature = "athena") {
            ctx.error("this l4m was built without Athena (feature athena): l4m coverage --engine athena --print-sql gives the SQL to run yourself");
            return;
        }
        let Some(base) = &self.base else {
            ctx.error("no figures yet: scan first (s)");
            return;
        };
        if !base.inspection.dataset.root.is_s3() {
            ctx.error("Athena counts data in S3: open an s3:// location, or run l4m coverage --engine athena --print-sql for the SQL of this folder");
            return;
        }
        self.engine = Engine::Athena;
        ctx.info(format!(
            "counting in Athena: charged per TB scanned ({key} counts here again)"
        ));
        ctx.emit(Event::Rescan);
    }

    /// A count in Athena answered: its figures as a scan's, and what it cost in the status line.
    #[cfg(feature = "athena")]
    pub fn on_counted(
        &mut self,
        id: u64,
        result: Result<Box<crate::source::athena::AthenaCount>, Failure>,
        ctx: &mut Ctx,
    ) {
        let (result, said) = match result {
            Ok(c) => {
                let table = match &c.table_kept {
                    Some(why) => format!("table {why}"),
                    None => "its table dropped".into(),
                };
                let said = format!(
                    "counted by Athena: {} scanned in {} queries, about ${:.4}; {table}",
                    bytes(c.bytes_scanned),
                    c.queries,
                    c.cost_usd
                );
                (Ok(Box::new(c.coverage)), Some(said))
            }
            Err(e) => (Err(e), None),
        };
        let ours = self.running_scan().is_some_and(|r| r.id == id);
        self.on_scanned(id, result, ctx);
        if let (true, Some(said)) = (ours, said) {
            ctx.info(said);
        }
    }

    /// Esc: cancel the scan, else leave the chart, else leave the narrowing, else back to the
    /// columns.
    fn back(&mut self, ctx: &mut Ctx) {
        if let Some(r) = self.running_scan() {
            r.control.cancel();
            ctx.info(match r.athena {
                Some(_) => "stopping the Athena query (StopQueryExecution)",
                None => "cancelling the scan: the figures will be partial",
            });
        } else if self.backtest_running() {
            self.stop_backtest(ctx);
        } else if self.charted().is_some() {
            self.shows = Shows::Histogram;
            self.follow_cursor(ctx, false);
        } else if self.narrowing().is_some() {
            self.show_whole(ctx);
        } else {
            ctx.emit(Event::Back);
        }
    }

    /// Why there is no list to pick from yet (a scan runs, or none was made).
    fn not_ready(&self) -> Option<&'static str> {
        if self.running() {
            Some("wait for the scan to finish (Esc cancels it)")
        } else if self.result().is_none() {
            Some("no figures yet")
        } else {
            None
        }
    }

    /// Open the list of what to narrow to (on the chart: of the metrics to chart), made from the
    /// whole dataset's scan.
    fn open_picker(&mut self, ctx: &mut Ctx) {
        if self.charted().is_some() {
            return self.open_metrics(ctx);
        }
        if let Some(p) = self.not_ready() {
            ctx.error(p);
            return;
        }
        match self.result().and_then(|r| Picker::new(r)) {
            Some(p) => self.picker = Some(p),
            None => ctx.error(no_metric()),
        }
    }

    /// Open the list of metrics to chart; narrowed to a dimension value, its metrics are listed
    /// (the filter holds the value).
    fn open_metrics(&mut self, ctx: &mut Ctx) {
        if let Some(p) = self.not_ready() {
            ctx.error(p);
            return;
        }
        let filter = match self.narrowing() {
            Some(c) if c.kind == Kind::Value => c.label.clone(),
            _ => String::new(),
        };
        match self.result().and_then(|r| Picker::metrics(r, &filter)) {
            Some(p) => self.picker = Some(p),
            None => ctx.error(no_metric()),
        }
    }

    /// `p`: the chart of the metric narrowed to, else of the only metric (a scan of its records),
    /// else the list of metrics to pick one from.
    fn open_chart(&mut self, ctx: &mut Ctx) {
        if let Some(choice) = self.narrowing().filter(|c| c.kind == Kind::Metric) {
            let label = choice.label.clone();
            self.shows = Shows::Chart;
            self.follow_cursor(ctx, false);
            if self.narrowed().is_some() && self.chart_values().is_none() {
                ctx.error(format!(
                    "no values of {label} in this scan: {} scans again",
                    words::key(keys::CHART, Action::Rescan)
                ));
            }
            return;
        }
        if let Some(p) = self.not_ready() {
            ctx.error(p);
            return;
        }
        match self.result().and_then(|r| narrow::only_metric(r)) {
            Some(choice) => self.chart_metric(choice, ctx),
            None => self.open_metrics(ctx),
        }
    }

    /// Chart a metric: narrow to it (a scan of its records and values) unless the screen is.
    fn chart_metric(&mut self, choice: Choice, ctx: &mut Ctx) {
        self.shows = Shows::Chart;
        if self.narrowing() == Some(&choice) {
            self.follow_cursor(ctx, false);
            return;
        }
        let Some(whole) = self.whole().cloned() else {
            return;
        };
        ctx.info(format!("scanning the values of {}", choice.label));
        let at = self.cursor_time();
        self.scan_narrowed(whole, choice, at, ctx);
    }

    fn picker_act(&mut self, action: Action, ctx: &mut Ctx) {
        let page = layout::picker_rows(ctx.screen().body).height.max(1) as usize;
        let Some(picker) = self.picker.as_mut() else {
            return;
        };
        let purpose = picker.purpose;
        match picker.act(action, page) {
            Picked::Nothing => {}
            Picked::Close => self.picker = None,
            Picked::Narrow(choice) if purpose == Purpose::Chart => {
                self.picker = None;
                self.chart_metric(choice, ctx);
            }
            Picked::Narrow(choice) => {
                self.picker = None;
                let Some(whole) = self.whole().cloned() else {
                    return;
                };
                ctx.info(format!("scanning the records of {}", choice.label));
                let at = self.cursor_time();
                self.scan_narrowed(whole, choice, at, ctx);
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
            ScanState::Scanning {
                running,
                narrowing,
                at,
            } if narrowing.is_some() => {
                let (running, at) = (running.clone(), *at);
                self.state = ScanState::Scanning {
                    running,
                    narrowing: None,
                    at,
                };
                ctx.info("the whole dataset again");
                return;
            }
            ScanState::Empty { .. } | ScanState::Scanning { .. } | ScanState::Whole { .. } => {
                ctx.info("the screen shows the whole dataset");
                return;
            }
        };
        // The cursor stays on its interval.
        let at = self.cursor_time();
        let last = whole.slots.len().saturating_sub(1);
        self.cursor = at
            .and_then(|t| slot_at(&whole.coverage, t))
            .unwrap_or(self.cursor)
            .min(last);
        self.state = ScanState::Whole { whole };
        self.shows = Shows::Histogram;
        self.zoom = None;
        self.follow_cursor(ctx, false);
        ctx.info("the whole dataset again");
    }

    /// A key of the histogram's or the chart's table.
    fn act_on_plot(&mut self, action: Action, ctx: &mut Ctx) {
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
            Action::Chart => self.open_chart(ctx),
            Action::Engine => self.switch_engine(ctx),
            Action::Backtest => self.backtest_key(ctx),
            Action::CycleImpute => self.cycle_impute(ctx),
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
            Action::NextGap | Action::PrevGap if self.marks_shown().is_some() => {
                match self.anomaly_from(self.cursor, action == Action::NextGap) {
                    Some(slot) => {
                        self.say_anomaly(slot, ctx);
                        slot
                    }
                    None => {
                        ctx.info(format!(
                            "no more anomalies that way ({} hides the marks: then {} and {} jump between gaps)",
                            words::key(keys::CHART, Action::Backtest),
                            words::key(keys::CHART, Action::NextGap),
                            words::key(keys::CHART, Action::PrevGap),
                        ));
                        return;
                    }
                }
            }
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
        let Some((r, _)) = self.shown() else {
            return;
        };
        let len = (slot..self.slots_shown())
            .take_while(|s| self.missing(*s))
            .count()
            .max(1);
        let range = if len == 1 {
            slot_time(r, slot)
        } else {
            format!("{} to {}", slot_time(r, slot), slot_time(r, slot + len - 1))
        };
        let (n, s) = (thousands(len as u64), plural(len as u64));
        let what = match self.chart_values() {
            Some(_) => format!("{n} interval{s} without a value"),
            None => format!("{n} missing interval{s}"),
        };
        ctx.info(format!("gap of {what}: {range} {}", self.timezone.name()));
    }

    /// Slots of the figures shown.
    fn slots_shown(&self) -> usize {
        self.shown().map_or(0, |(_, s)| s.len())
    }

    /// Whether a slot is part of a gap: on the histogram an interval without records, on the
    /// chart one without a value.
    fn missing(&self, slot: usize) -> bool {
        match self.chart_values() {
            Some(v) => v.points.get(slot).is_none_or(|p| p.value.is_none()),
            None => self
                .shown()
                .and_then(|(_, s)| s.get(slot))
                .is_none_or(|s| s.records == 0),
        }
    }

    /// The first slot of the next (or previous) gap from `slot`.
    pub fn gap_from(&self, slot: usize, forward: bool) -> Option<usize> {
        self.first_from(slot, forward, |k| {
            self.missing(k) && (k == 0 || !self.missing(k - 1))
        })
    }

    /// The next (or previous) slot from `slot` the backtest flagged, while its marks are shown.
    pub fn anomaly_from(&self, slot: usize, forward: bool) -> Option<usize> {
        let marks = self.marks_shown()?;
        self.first_from(slot, forward, |k| marks.flagged(k))
    }

    /// The next (or previous) slot from `slot` where `stop` holds.
    fn first_from(
        &self,
        slot: usize,
        forward: bool,
        stop: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        let len = self.slots_shown();
        if forward {
            (slot + 1..len).find(|k| stop(*k))
        } else {
            (0..slot.min(len)).rev().find(|k| stop(*k))
        }
    }

    /// An anomaly jumped to, in the status line: which of how many, its part, time, value,
    /// expected value and grade.
    fn say_anomaly(&self, slot: usize, ctx: &mut Ctx) {
        let (Some((r, _)), Some(marks), Some(values)) =
            (self.shown(), self.marks_shown(), self.chart_values())
        else {
            return;
        };
        let nth = (0..=slot).filter(|k| marks.flagged(*k)).count();
        let m = marks.slots.get(slot).copied().unwrap_or_default();
        let part = self
            .split()
            .and_then(|s| s.part(slot))
            .map_or(String::new(), |p| format!(" ({})", p.words()));
        let value =
            values
                .points
                .get(slot)
                .and_then(|p| p.value)
                .map_or("no value".to_string(), |v| {
                    format!(
                        "{} {}",
                        values.aggregation.as_str(),
                        crate::units::number(v)
                    )
                });
        let expected = m.expected.map_or(String::new(), |e| {
            format!(", expected {}", crate::units::number(e))
        });
        ctx.info(format!(
            "anomaly {nth} of {}{part}: {} {}, {value}{expected}, grade {:.2}",
            marks.count(),
            slot_time(r, slot),
            self.timezone.name(),
            m.grade
        ));
    }

    // ---- the backtest of the charted metric ------------------------------------------------

    /// The backtest of the metric narrowed to, running or done.
    pub fn backtest_run(&self) -> Option<&BacktestRun> {
        match &self.state {
            ScanState::Narrowed { backtest, .. } => backtest.as_ref(),
            _ => None,
        }
    }

    fn backtest_slot(&mut self) -> Option<&mut Option<BacktestRun>> {
        match &mut self.state {
            ScanState::Narrowed { backtest, .. } => Some(backtest),
            _ => None,
        }
    }

    pub fn backtest_running(&self) -> bool {
        matches!(self.backtest_run(), Some(BacktestRun::Running { .. }))
    }

    /// The finished backtest of the metric narrowed to, and its marks.
    pub fn backtested(&self) -> Option<(&MetricBacktest, &chart::Marks)> {
        match self.backtest_run() {
            Some(BacktestRun::Done { result, marks }) => Some((result.as_ref(), marks.as_ref())),
            _ => None,
        }
    }

    /// The backtest's marks, while the chart shows them.
    pub fn marks_shown(&self) -> Option<&chart::Marks> {
        self.chart_values()?;
        self.backtested().map(|(_, m)| m)
    }

    /// How far the running backtest is, in [0, 1].
    pub fn backtest_share(&self) -> Option<f64> {
        match self.backtest_run() {
            Some(BacktestRun::Running {
                progress,
                intervals,
                ..
            }) => {
                let done = progress.intervals_done.load(Ordering::Relaxed);
                Some((done as f64 / (*intervals).max(1) as f64).min(1.0))
            }
            _ => None,
        }
    }

    /// What the backtest found, as a finding of the metric narrowed to.
    pub fn backtest_finding(&self) -> Option<Finding> {
        let (_, marks) = self.backtested()?;
        let label = &self.narrowing()?.label;
        Some(findings::backtest_anomalies(
            label,
            marks.testing,
            marks.training,
            &marks.impute.describe(),
        ))
    }

    /// `b`: backtest the charted metric; while it runs say how to stop it; with its marks shown,
    /// hide them.
    fn backtest_key(&mut self, ctx: &mut Ctx) {
        let key = words::key(keys::CHART, Action::Backtest);
        match self.backtest_run() {
            Some(BacktestRun::Running { .. }) => {
                ctx.info("the backtest is running (Esc stops it)");
            }
            Some(BacktestRun::Done { .. }) => {
                if let Some(slot) = self.backtest_slot() {
                    *slot = None;
                }
                ctx.info(format!(
                    "the backtest's marks are hidden ({key} runs it again; {} and {} jump between gaps)",
                    words::key(keys::CHART, Action::NextGap),
                    words::key(keys::CHART, Action::PrevGap),
                ));
            }
            None => self.start_backtest(ctx),
        }
    }

    /// Run the backtest of the charted metric's values in the worker, as `l4m backtest` runs each
    /// metric: the same settings, the metric's own seed and the whole dataset's split. A run
    /// already going is replaced (and stops).
    fn start_backtest(&mut self, ctx: &mut Ctx) {
        let Some(values) = self.chart_values().cloned() else {
            ctx.error(format!(
                "no values to backtest in this scan: {} scans again",
                words::key(keys::CHART, Action::Rescan)
            ));
            return;
        };
        let label = self
            .narrowing()
            .map(|c| c.label.clone())
            .unwrap_or_default();
        let split = self
            .result()
            .and_then(|r| r.quality.as_ref())
            .and_then(|q| q.backtest.as_ref())
            .map(backtest::Split::from);
        let impute = self.impute;
        let settings = Settings::with_impute(impute, impute == Impute::default());
        let stop = Arc::new(AtomicBool::new(false));
        let progress = Arc::new(backtest::Progress::default());
        let intervals = values.points.len() as u64;
        let id = ctx.request(Job::Backtest(Box::new(BacktestJob {
            values,
            settings,
            split,
            stop: Arc::clone(&stop),
            progress: Arc::clone(&progress),
        })));
        if let Some(slot) = self.backtest_slot() {
            *slot = Some(BacktestRun::Running {
                id,
                stop: Arc::new(StopOnDrop(stop)),
                progress,
                intervals,
                impute,
            });
        }
        ctx.info(format!(
            "backtesting {label}: a random cut forest over {} intervals, missing intervals {} (Esc stops it)",
            thousands(intervals),
            impute.describe()
        ));
    }

    /// Esc on a running backtest: stop it, nothing marked.
    fn stop_backtest(&mut self, ctx: &mut Ctx) {
        if let Some(slot) = self.backtest_slot() {
            if let Some(BacktestRun::Running { stop, .. }) = slot.as_ref() {
                stop.0.store(true, Ordering::Relaxed);
            }
            *slot = None;
        }
        ctx.info(format!(
            "backtest stopped: nothing is marked ({} runs it again)",
            words::key(keys::CHART, Action::Backtest)
        ));
    }

    /// `i`: the next way of filling missing intervals (ignore, zero, previous); a backtest shown
    /// or running runs again with it, so that its marks never say another than the one in force.
    fn cycle_impute(&mut self, ctx: &mut Ctx) {
        let next = match self.impute {
            Impute::Ignore => Impute::Zero,
            Impute::Zero => Impute::Previous,
            Impute::Previous | Impute::Fixed(_) => Impute::Ignore,
        };
        self.impute = next;
        ctx.emit(Event::Impute { impute: next });
        if self.backtest_run().is_some() {
            self.start_backtest(ctx);
            return;
        }
        ctx.info(format!(
            "the backtest reads missing intervals as {}: {} ({} changes it: ignore, zero, previous; a fixed value is l4m backtest --impute fixed:NUMBER)",
            next.arg(),
            next.describe(),
            words::key(keys::CHART, Action::CycleImpute)
        ));
    }

    /// The worker's answer to a backtest: its marks, or why there are none. An answer to a run no
    /// longer awaited (stopped, replaced, or its figures dropped) is ignored.
    pub fn on_backtested(
        &mut self,
        id: u64,
        result: Result<Option<Box<MetricBacktest>>, Failure>,
        ctx: &mut Ctx,
    ) {
        let label = self
            .narrowing()
            .map(|c| c.label.clone())
            .unwrap_or_default();
        let Some(slot) = self.backtest_slot() else {
            return;
        };
        let impute = match &*slot {
            Some(BacktestRun::Running {
                id: ours, impute, ..
            }) if *ours == id => *impute,
            _ => return,
        };
        match result {
            Ok(Some(b)) => {
                let marks = chart::Marks::of(&b, impute);
                let said = format!(
                    "backtest of {label}: {} flagged, {} in the testing part ({} and {} jump between them, {} lists the finding, {} hides the marks)",
                    thousands(marks.count() as u64),
                    thousands(marks.testing as u64),
                    words::key(keys::CHART, Action::NextGap),
                    words::key(keys::CHART, Action::PrevGap),
                    words::key(keys::CHART, Action::Findings),
                    words::key(keys::CHART, Action::Backtest),
                );
                *slot = Some(BacktestRun::Done {
                    result: Arc::from(b),
                    marks: Arc::new(marks),
                });
                ctx.info(said);
            }
            Ok(None) => {
                *slot = None;
                ctx.info("backtest stopped: nothing is marked");
            }
            Err(e) => {
                *slot = None;
                ctx.error(format!("backtest failed: {}", TuiWords.error(&e)));
            }
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
        if self.engine == Engine::Athena {
            spans.push(Span::styled("   counted by ", gray));
            spans.push(Span::styled(
                "Athena",
                Style::new().fg(Color::LightYellow).bold(),
            ));
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

    /// The chart of the metric's values in the histogram's place, and its readout; `labels` are
    /// the labels now (the values say when they were summed with another aggregation).
    fn draw_chart(
        &self,
        frame: &mut Frame,
        l: &layout::Coverage,
        g: Option<&Geometry>,
        r: &Coverage,
        labels: Option<&Labels>,
    ) {
        let Some(values) = self.chart_values() else {
            let text = format!(
                " no values of the metric in this scan: {} scans again",
                words::key(keys::CHART, Action::Rescan)
            );
            let block = Block::bordered().border_style(Style::new().fg(Color::DarkGray));
            frame.render_widget(Paragraph::new(text).block(block), l.chart);
            return;
        };
        let split = self.split();
        let backtest = match (self.backtest_run(), self.backtest_share()) {
            (Some(BacktestRun::Done { marks, .. }), _) => chart::Backtest::Marked(marks),
            (Some(BacktestRun::Running { impute, .. }), Some(share)) => chart::Backtest::Running {
                impute: *impute,
                share,
            },
            _ => chart::Backtest::Offered {
                impute: self.impute,
            },
        };
        let view = chart::View {
            coverage: r,
            values,
            split,
            scroll: self.scroll,
            cursor: self.cursor,
            stale: values_stale(values, labels),
            marks: self.backtested().map(|(_, m)| m),
            backtest,
        };
        chart::draw(frame.buffer_mut(), l.chart, g, &view);
        if let Some(g) = g {
            let range = g.slots(g.column_of(self.cursor));
            let line = chart::readout(&view, g, self.timezone.name());
            let line = with_part(line, split, range, l.readout.width);
            frame.render_widget(Paragraph::new(line), l.readout);
        }
    }

    /// The interval or column under the cursor: its time, records and files.
    fn readout(&self, v: &histogram::View, g: &Geometry, width: u16) -> Line<'static> {
        let line = self.readout_counts(v.coverage, v.slots, g);
        with_part(line, v.split, g.slots(g.column_of(self.cursor)), width)
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

/// A readout with the part of the backtest its intervals are in, left out whole when the line is
/// too narrow for it.
fn with_part(
    mut line: Line<'static>,
    split: Option<Split>,
    range: std::ops::Range<usize>,
    width: u16,
) -> Line<'static> {
    let parts = split.map(|s| (s.part(range.start), s.part(range.end - 1)));
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

/// The slot of a scan whose interval starts at a wall-clock time; `None` before its first.
fn slot_at(r: &Coverage, t: NaiveDateTime) -> Option<usize> {
    let first = r.span.first_interval_local?;
    let seconds = (t - first).num_seconds();
    (seconds >= 0).then(|| (seconds / r.frequency.seconds()) as usize)
}

/// Why a chart's values are not what the labels ask for now: the measure's aggregation changed
/// (or it is not a measure any more) since the scan summed them.
fn values_stale(values: &MetricValues, labels: Option<&Labels>) -> Option<String> {
    let now = labels?
        .measures()
        .into_iter()
        .find(|(m, _)| *m == values.measure)
        .map(|(_, a)| a);
    let then = values.aggregation.as_str();
    let rescan = words::key(keys::CHART, Action::Rescan);
    match now {
        Some(a) if a == values.aggregation => None,
        Some(a) => Some(format!(
            "{then} of {}, the label says {} now: {rescan} scans again",
            values.measure,
            a.as_str()
        )),
        None => Some(format!(
            "{} is not a measure any more: {rescan} scans again",
            values.measure
        )),
    }
}

/// Nothing to narrow to or chart: no metric was followed.
fn no_metric() -> String {
    format!(
        "nothing to narrow to: label a measure ({} on the columns screen), then scan again",
        words::key(keys::DATASET, Action::SetRole(crate::schema::Role::Measure))
    )
}

/// Ask the worker for a scan; its progress is read from the control it is given.
fn start(inspection: &Arc<Inspection>, spec: ScanSpec, ctx: &mut Ctx) -> Running {
    let control = Arc::new(ScanControl::default());
    let files = inspection.dataset.files.len();
    let bytes = inspection.dataset.total_bytes();
    let id = ctx.request(Job::Scan(ScanJob {
        inspection: Arc::clone(inspection),
        spec,
        control: Arc::clone(&control),
    }));
    Running {
        id,
        control,
        files,
        bytes,
        athena: None,
    }
}

/// Ask the worker for a count in Athena; its queries' state is read from `athena`.
#[cfg(feature = "athena")]
fn start_athena(
    inspection: &Arc<Inspection>,
    spec: ScanSpec,
    place: crate::athena::AthenaPlace,
    ctx: &mut Ctx,
) -> Running {
    let control = Arc::new(ScanControl::default());
    let said = Arc::new(std::sync::Mutex::new(format!(
        "Athena: starting in workgroup {}",
        place.work_group
    )));
    let id = ctx.request(Job::AthenaCount(super::worker::AthenaJob {
        inspection: Arc::clone(inspection),
        spec,
        place,
        control: Arc::clone(&control),
        said: Arc::clone(&said),
    }));
    Running {
        id,
        control,
        files: inspection.dataset.files.len(),
        bytes: inspection.dataset.total_bytes(),
        athena: Some(said),
    }
}

/// Without Athena the key says so first (`switch_engine`): a scan here stands in.
#[cfg(not(feature = "athena"))]
fn start_athena(
    inspection: &Arc<Inspection>,
    spec: ScanSpec,
    _place: crate::athena::AthenaPlace,
    ctx: &mut Ctx,
) -> Running {
    start(inspection, spec, ctx)
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
        athena,
    } = p;
    let label = match athena {
        Some(said) => format!("{said} (Esc stops the query)"),
        None => format!(
            "scanning: {done}/{files} files, {} of {} (Esc cancels)",
            bytes(read),
            bytes(total)
        ),
    };
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
            .label(label),
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
    if r.span.by_interval.is_empty() {
        // Athena's count is at the scan's interval only.
        spans.push(Span::styled(
            format!(
                "  counted at {} only by {}: switch with the keys to count another",
                r.frequency,
                r.engine.as_deref().unwrap_or("this engine")
            ),
            gray,
        ));
    }
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
        match (&self.picker, self.charted()) {
            (Some(p), _) if p.purpose == Purpose::Chart => keys::PICK_METRIC,
            (Some(_), _) => keys::NARROW,
            (None, Some(_)) => keys::CHART,
            (None, None) => keys::COVERAGE,
        }
    }

    /// A key of the coverage screen's table (or of the list, while it is open).
    fn act(&mut self, action: Action, ctx: &mut Ctx) {
        if self.picker.is_some() {
            self.picker_act(action, ctx);
        } else {
            self.act_on_plot(action, ctx);
        }
        self.settle_shows();
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
        if self.charted().is_some() {
            self.draw_chart(frame, &l, g.as_ref(), r, shared.labels);
        } else {
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
        }
        if let Some(p) = &self.picker {
            p.draw(frame, body);
        }
    }
}
