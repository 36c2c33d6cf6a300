//! The state of the terminal UI: one component per screen, and [`App`] routing between them.
//!
//! Each component (`browser`, `dataset`, `coverage`, `findings`, `export`) keeps its state, its
//! keys and its drawing together. A component changes itself and reports what the others must
//! know as an [`Event`] in the shared [`Ctx`]; [`App`] carries those out (open a dataset, scan,
//! save the session...). Slow work is queued as requests with ids; drawing is a pure function of
//! the state. Tests drive it with keys and canned responses, without a terminal or threads.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono_tz::Tz;
use ratatui::crossterm::event::KeyEvent;

use super::browser::Browser;
use super::component::{Click, Component, Shared};
use super::coverage::CoverageView;
use super::dataset::DatasetView;
use super::export::{ExportForm, FieldKey};
use super::findings::Findings;
use super::keys::{self, Action, Binding, Key};
use super::layout;
use super::session::{self, Session};
use super::words::TuiWords;
use super::worker::{Answer, Failure, Job, Request, Response};
use crate::config::check::Prepared;
use crate::config::export::{location_paths, name_from_location};
use crate::config::{self, ConfigSource, ExportOptions};
use crate::coverage::ScanSpec;
use crate::fix::{Fix, Setting, Words as _};
use crate::format::Overrides;
use crate::inspect::Inspection;
use crate::schema::Frequency;
use crate::source::{Location, Wait};

/// Which screen is in front.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Browser,
    Dataset,
    Coverage,
    Findings,
    Export,
}

/// A message in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

/// What a component asks the app to do beyond itself.
#[derive(Debug, Clone)]
pub enum Event {
    OpenDataset {
        location: Location,
        recursive: bool,
        is_file: bool,
    },
    ToBrowser,
    Back,
    OpenCoverage,
    OpenFindings,
    OpenExport,
    LabelsChanged,
    /// The read settings changed: inspect again.
    Reinspect,
    /// Labels, read settings, interval and timezone back to the suggestions.
    ResetSettings,
    Frequency {
        frequency: Frequency,
        scan: bool,
    },
    Timezone {
        timezone: Tz,
        scan: bool,
    },
    Rescan,
    /// How the backtest fills missing intervals changed (the session keeps it).
    Impute {
        impute: crate::backtest::Impute,
    },
    ExportChanged,
    Write,
    WriteTo {
        path: PathBuf,
        overwrite: bool,
    },
}

/// What every component may use: the terminal size (for the layout), the status line, the queue
/// of requests and of events.
#[derive(Debug)]
pub struct Ctx {
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    pub status: Option<Status>,
    requests: Vec<Request>,
    next_id: u64,
    events: Vec<Event>,
}

impl Ctx {
    /// The screen's layout at the current size.
    pub fn screen(&self) -> layout::Screen {
        layout::Screen::new(self.size)
    }

    /// Queue a request; its answer will carry the id returned.
    pub fn request(&mut self, job: Job) -> u64 {
        self.next_id += 1;
        self.requests.push(Request {
            id: self.next_id,
            job,
        });
        self.next_id
    }

    pub fn emit(&mut self, event: Event) {
        self.events.push(event);
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: false,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: true,
        });
    }
}

/// How the UI was started.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Do not restore saved sessions.
    pub fresh: bool,
    /// Files a scan reads at once (else the engine's default for the source).
    pub concurrency: Option<usize>,
    /// Where sessions are saved; `None`: not saved.
    pub state_dir: Option<PathBuf>,
    /// Where a count in Athena runs (the coverage screen's `A`).
    pub athena: crate::athena::AthenaPlace,
}

/// Where a dataset is: its location, whether subfolders are read, and whether it is one file.
pub type Opening = (Location, bool, bool);

/// A mouse event the UI acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pointer {
    Click { x: u16, y: u16 },
    Wheel { down: bool },
}

/// A request that has waited this long is shown in the status line (one answered sooner is not
/// worth a line that flickers).
pub const WAIT_SHOWN_AFTER: Duration = Duration::from_secs(1);

/// The request the source has waited longest for, and how long so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub wait: Wait,
    pub elapsed: Duration,
}

/// Two clicks on one cell within this time are a double click.
const DOUBLE_CLICK: Duration = Duration::from_millis(400);

/// Where a session to apply came from, for the status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Restore {
    /// Saved by an earlier run.
    Disk,
    /// Set earlier in this run (another file of the same folder).
    Run,
    /// The same dataset read again with other settings.
    Same,
}

/// Everything the terminal UI knows.
#[derive(Debug)]
pub struct App {
    pub screen: Screen,
    pub browser: Browser,
    pub dataset: Option<DatasetView>,
    pub coverage: Option<CoverageView>,
    pub export: ExportForm,
    pub findings: Findings,
    pub help: bool,
    /// The first line of the help shown (`?` on the help shows the next page).
    pub help_scroll: usize,
    pub quit: bool,
    pub ctx: Ctx,
    options: Options,
    /// Sessions of this run, by dataset location name.
    sessions: HashMap<String, Session>,
    /// The session to put on the dataset when its inspection arrives.
    pending: Option<(Session, Restore)>,
    /// Screens to return to.
    back_to: Vec<Screen>,
    last_click: Option<(u16, u16, Instant)>,
    /// Where the config the UI was opened with disagrees with the data (kept with the findings).
    pub config_findings: Vec<config::Finding>,
    /// The config file the UI was opened with, as the status names it.
    config_name: Option<String>,
    /// The interval the opened config states (its interval finding holds while it is in force).
    config_frequency: Option<Frequency>,
    /// What the source waits for, once it has waited [`WAIT_SHOWN_AFTER`] (`Esc` cancels it).
    pub wait: Option<Waiting>,
    /// Set by `Esc` on a wait: the event loop tells the source to end its waits.
    cancel: bool,
    /// A fresh start (`--fresh`) leaves the saved sessions in place until a config is written:
    /// until then what is set is kept for this run only.
    keep_saved: bool,
}

/// The location a dataset's session belongs to: the folder of a file, or the folder itself.
fn dataset_key(location: &Location, is_file: bool) -> Location {
    if is_file {
        location.parent().unwrap_or_else(|| location.clone())
    } else {
        location.clone()
    }
}

/// The name of the session a dataset belongs to.
fn session_name(d: &DatasetView) -> String {
    session::location_name(&dataset_key(&d.location, d.is_file))
}

impl App {
    /// A new app on a location: a folder opens in the browser, a file opens as a dataset.
    pub fn new(location: Location, is_file: bool, options: Options) -> App {
        let browser_at = dataset_key(&location, is_file);
        let keep_saved = options.fresh;
        let mut app = App {
            screen: Screen::Browser,
            browser: Browser::new(browser_at.clone()),
            dataset: None,
            coverage: None,
            export: ExportForm::default(),
            findings: Findings::default(),
            help: false,
            help_scroll: 0,
            quit: false,
            ctx: Ctx {
                size: (80, 24),
                status: None,
                requests: Vec::new(),
                next_id: 0,
                events: Vec::new(),
            },
            options,
            sessions: HashMap::new(),
            pending: None,
            back_to: Vec::new(),
            last_click: None,
            config_findings: Vec::new(),
            config_name: None,
            config_frequency: None,
            wait: None,
            cancel: false,
            keep_saved,
        };
        app.browser.list(browser_at, &mut app.ctx);
        if is_file {
            app.open_dataset(location, false, true);
        }
        app
    }

    pub fn status(&self) -> Option<&Status> {
        self.ctx.status.as_ref()
    }

    /// Show a note in the status bar (e.g. how the S3 client was configured).
    pub fn note(&mut self, text: impl Into<String>) {
        self.ctx.info(text);
    }

    /// What the source waits for at `now` (the event loop asks it each tick): shown once it has
    /// lasted [`WAIT_SHOWN_AFTER`].
    pub fn set_wait(&mut self, wait: Option<Wait>, now: Instant) {
        self.wait = wait.and_then(|wait| {
            let elapsed = now.saturating_duration_since(wait.since);
            (elapsed >= WAIT_SHOWN_AFTER).then_some(Waiting { wait, elapsed })
        });
    }

    /// True once after `Esc` cancelled a wait: the source's requests under way must end.
    pub fn take_cancel(&mut self) -> bool {
        std::mem::take(&mut self.cancel)
    }

    /// `Esc` while a request waits: stop waiting for everything under way. The listing, the
    /// preview and the reading of a dataset say they were cancelled and drop their answers when
    /// they come; a scan stops with partial figures, as `Esc` on it does.
    pub fn cancel_waits(&mut self) {
        let Some(w) = self.wait.take() else {
            return;
        };
        self.cancel = true;
        self.browser.cancel_waits();
        if let Some(d) = self.dataset.as_mut().filter(|d| d.loading) {
            d.loading = false;
            // Ids start at 1: the answer to the cancelled reading matches nothing.
            d.inspect_id = 0;
            d.error = Some("the reading was cancelled: open the dataset again to read it".into());
            self.pending = None;
        }
        if let Some(r) = self.coverage.as_ref().and_then(|c| c.running_scan()) {
            r.control.cancel();
        }
        self.ctx.info(format!(
            "cancelled: {} {} had waited {} s",
            w.wait.action,
            w.wait.location,
            w.elapsed.as_secs()
        ));
    }

    /// The requests queued since the last call.
    pub fn take_requests(&mut self) -> Vec<Request> {
        std::mem::take(&mut self.ctx.requests)
    }

    /// Carry out every queued request in line against `source`, and the ones their answers
    /// queue, until none is left: the event loop's threads without the threads (tests, scripts).
    pub fn settle(&mut self, source: &dyn crate::source::Source) {
        loop {
            let requests = self.take_requests();
            if requests.is_empty() {
                return;
            }
            for r in requests {
                let response = super::worker::run(source, r);
                self.on_response(response);
            }
            if self.take_cancel() {
                source.cancel_waits();
            }
        }
    }

    /// Whether a text field of the screen in front takes the keys.
    pub fn typing(&self) -> bool {
        match self.screen {
            Screen::Browser => self.browser.filter_input.is_some(),
            Screen::Dataset => self
                .dataset
                .as_ref()
                .is_some_and(|d| d.format_input.is_some()),
            Screen::Export => self.export.editing.is_some(),
            Screen::Coverage | Screen::Findings => false,
        }
    }

    /// The key table of the screen in front.
    pub fn bindings(&self) -> &'static [Binding] {
        self.front().map_or(keys::BROWSER, |c| c.bindings())
    }

    /// The screen in front, as a component.
    fn front(&self) -> Option<&dyn Component> {
        match self.screen {
            Screen::Browser => Some(&self.browser),
            Screen::Dataset => self.dataset.as_ref().map(|d| d as &dyn Component),
            Screen::Coverage => self.coverage.as_ref().map(|c| c as &dyn Component),
            Screen::Findings => Some(&self.findings),
            Screen::Export => Some(&self.export),
        }
    }

    /// The screen in front, to change, and the context it reports to.
    fn front_mut(&mut self) -> (Option<&mut dyn Component>, &mut Ctx) {
        let front: Option<&mut dyn Component> = match self.screen {
            Screen::Browser => Some(&mut self.browser),
            Screen::Dataset => self.dataset.as_mut().map(|d| d as &mut dyn Component),
            Screen::Coverage => self.coverage.as_mut().map(|c| c as &mut dyn Component),
            Screen::Findings => Some(&mut self.findings),
            Screen::Export => Some(&mut self.export),
        };
        (front, &mut self.ctx)
    }

    /// Draw the screen in front in `body`.
    pub fn draw_front(&self, frame: &mut ratatui::Frame, body: ratatui::layout::Rect) {
        let file = match self.screen {
            Screen::Export => self.export_preview().map(|(_, t)| t).unwrap_or_default(),
            _ => String::new(),
        };
        let shared = Shared {
            findings: &self.findings.list,
            export_file: &file,
            labels: self.dataset.as_ref().map(|d| &d.labels),
        };
        if let Some(c) = self.front() {
            c.draw(frame, body, &shared);
        }
    }

    /// Handle a terminal key.
    pub fn on_key(&mut self, event: KeyEvent) {
        if let Some(key) = Key::from_event(&event) {
            self.key(key);
        }
    }

    /// Handle a key (tests call this directly).
    pub fn key(&mut self, key: Key) {
        if self.help {
            // `?` shows the next page of a help taller than the screen; any other key closes it.
            let pages = super::ui::help_pages(self);
            if key == Key::Char('?') && self.help_scroll + pages.1 < pages.0 {
                self.help_scroll += pages.1;
            } else {
                self.help = false;
            }
            return;
        }
        if key == Key::CtrlC {
            self.quit = true;
            return;
        }
        let taken = self.text_key(key) || self.confirm_key(key);
        if !taken && key == Key::Esc && self.wait.is_some() {
            self.cancel_waits();
        } else if !taken {
            match keys::lookup(self.bindings(), key) {
                Some(action) => {
                    // The help shows the last message whole: it is kept while the help is open.
                    if action != Action::Help {
                        self.ctx.status = None;
                    }
                    self.act(action);
                }
                None => {
                    if let Key::Char(c) = key {
                        self.ctx
                            .info(format!("{c}: no such key here; ? shows the keys"));
                    }
                }
            }
        }
        self.route();
    }

    /// A key for the text field being typed, if any.
    fn text_key(&mut self, key: Key) -> bool {
        match self.front_mut() {
            (Some(c), ctx) => c.text_key(key, ctx),
            (None, _) => false,
        }
    }

    fn confirm_key(&mut self, key: Key) -> bool {
        self.screen == Screen::Export && self.export.confirm(key, &mut self.ctx)
    }

    /// Carry out an action on the screen in front.
    pub fn act(&mut self, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Help => {
                self.help = true;
                self.help_scroll = 0;
            }
            _ => match self.front_mut() {
                (Some(c), ctx) => c.act(action, ctx),
                // A screen without its state (no dataset opened yet): back to the one before.
                (None, _) => {
                    self.screen = match self.screen {
                        Screen::Coverage => Screen::Dataset,
                        _ => Screen::Browser,
                    }
                }
            },
        }
        self.route();
    }

    /// A mouse event at time `now`: a click selects what is under it (a double click opens or
    /// edits it), the wheel scrolls.
    pub fn pointer(&mut self, pointer: Pointer, now: Instant) {
        if self.help {
            self.help = false;
            return;
        }
        match pointer {
            Pointer::Wheel { down } => self.wheel(down),
            Pointer::Click { x, y } => {
                let double = self
                    .last_click
                    .is_some_and(|(lx, ly, t)| (lx, ly) == (x, y) && now - t <= DOUBLE_CLICK);
                self.last_click = (!double).then_some((x, y, now));
                self.click(x, y, double);
            }
        }
        self.route();
    }

    fn wheel(&mut self, down: bool) {
        let (action, times) = match (self.screen, down) {
            (Screen::Coverage, true) => (Action::Right, 1),
            (Screen::Coverage, false) => (Action::Left, 1),
            (_, true) => (Action::Down, 3),
            (_, false) => (Action::Up, 3),
        };
        for _ in 0..times {
            self.act(action);
        }
    }

    fn click(&mut self, x: u16, y: u16, double: bool) {
        if let (Some(c), ctx) = self.front_mut() {
            c.click(Click { x, y, double }, ctx);
        }
    }

    /// Carry out the events the components raised, and the ones those raise.
    /// Then the findings are derived again from the state: never patched as events happen.
    fn route(&mut self) {
        while !self.ctx.events.is_empty() {
            let events = std::mem::take(&mut self.ctx.events);
            for e in events {
                self.handle(e);
            }
        }
        self.refresh_findings();
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::OpenDataset {
                location,
                recursive,
                is_file,
            } => self.open_dataset(location, recursive, is_file),
            Event::ToBrowser => self.screen = Screen::Browser,
            Event::Back => self.screen = self.back_to.pop().unwrap_or(Screen::Dataset),
            Event::OpenCoverage => self.open_coverage(),
            Event::OpenFindings => {
                self.refresh_findings();
                self.push_screen(Screen::Findings);
            }
            Event::OpenExport => self.open_export(),
            Event::LabelsChanged | Event::ExportChanged => self.changed(),
            Event::Reinspect => self.reinspect(),
            Event::ResetSettings => self.reset_settings(),
            Event::Frequency { frequency, scan } => self.set_frequency(frequency, scan),
            Event::Timezone { timezone, scan } => self.set_timezone(timezone, scan),
            Event::Rescan => self.start_scan(),
            Event::Impute { impute } => {
                if let Some(d) = self.dataset.as_mut() {
                    d.impute = Some(impute);
                }
                self.changed();
            }
            Event::Write => self.write(),
            // The question may have been about the mapping beside it: the main path is the form's.
            Event::WriteTo { overwrite, .. } => self.write_to(self.output_path(), overwrite),
        }
    }

    fn push_screen(&mut self, screen: Screen) {
        if self.screen != screen {
            self.back_to.push(self.screen);
            self.screen = screen;
        }
    }

    /// Something the findings and the session depend on changed.
    fn changed(&mut self) {
        self.refresh_findings();
        self.save_session();
    }

    // ---- dataset -------------------------------------------------------------------------

    fn open_dataset(&mut self, location: Location, recursive: bool, is_file: bool) {
        // Another dataset: what a config said about the first one no longer applies.
        self.config_findings.clear();
        let mut d = DatasetView::new(location.clone(), recursive, is_file);
        let name = session_name(&d);
        self.pending = self.find_session(&name, recursive);
        if let Some((s, _)) = &self.pending {
            d.overrides = s.overrides();
        }
        d.inspect_id = self.ctx.request(Job::Inspect {
            location,
            recursive,
            overrides: d.overrides.clone(),
        });
        self.dataset = Some(d);
        self.coverage = None;
        self.export = ExportForm::default();
        self.back_to.clear();
        self.screen = Screen::Dataset;
    }

    /// Open a location with a config's labels, reading and settings (`name` says where the
    /// config came from); a session saved for the location does not replace them.
    pub fn open_config(&mut self, at: Opening, name: String, config: ConfigSource) {
        let (location, recursive, is_file) = at;
        let mut d = DatasetView::new(location.clone(), recursive, is_file);
        self.config_frequency = config.options.frequency;
        d.inspect_id = self.ctx.request(Job::Prepare {
            location,
            recursive,
            config: Arc::new(config),
        });
        self.dataset = Some(d);
        self.coverage = None;
        self.export = ExportForm::default();
        self.pending = None;
        self.config_name = Some(name);
        self.back_to.clear();
        self.screen = Screen::Dataset;
    }

    /// The dataset a reading answered, done loading; `None` when the answer is to an older request
    /// (or the dataset was closed).
    fn answered(&mut self, id: u64) -> Option<&mut DatasetView> {
        let d = self.dataset.as_mut().filter(|d| d.inspect_id == id)?;
        d.loading = false;
        Some(d)
    }

    fn on_prepared(&mut self, id: u64, result: Result<Box<Prepared>, String>) {
        let name = self.config_name.clone().unwrap_or_default();
        let Some(d) = self.answered(id) else {
            return;
        };
        let p = match result {
            Ok(p) => *p,
            Err(e) => {
                d.error = Some(e.clone());
                self.ctx.error(e);
                return;
            }
        };
        d.overrides = p.overrides;
        d.labels = p.labels;
        // The engine marks the config's labels as set by hand; the screen says where from.
        for c in d
            .labels
            .columns
            .iter_mut()
            .filter(|c| c.reason == "set by you")
        {
            c.reason = format!("from {name}");
        }
        d.frequency = p.options.frequency;
        d.timezone = p.options.timezone;
        d.error = None;
        d.inspection = Some(Arc::new(p.inspection));
        self.export.fill_from(&p.options);
        self.config_findings = p.findings;
        self.prefill_export();
        self.changed();
        let n = self.config_findings.len();
        self.ctx.info(format!(
            "labels and settings from {name}; {n} disagreement{} with the data ({} lists the findings)",
            if n == 1 { "" } else { "s" },
            words_key(keys::DATASET, Action::Findings)
        ));
    }

    /// The session of a dataset: from this run, else saved (unless the UI started fresh).
    fn find_session(&mut self, name: &str, recursive: bool) -> Option<(Session, Restore)> {
        if let Some(s) = self.sessions.get(name).filter(|s| s.recursive == recursive) {
            return Some((s.clone(), Restore::Run));
        }
        let dir = self
            .options
            .state_dir
            .as_ref()
            .filter(|_| !self.options.fresh)?;
        match session::load(dir, name, recursive) {
            Ok(s) => s.map(|s| (s, Restore::Disk)),
            Err(note) => {
                self.ctx.error(note);
                None
            }
        }
    }

    fn reinspect(&mut self) {
        let Some(d) = self.dataset.as_mut() else {
            return;
        };
        let name = session_name(d);
        self.pending = Some((Session::capture(name, d, &self.export), Restore::Same));
        d.loading = true;
        d.error = None;
        d.inspect_id = self.ctx.request(Job::Inspect {
            location: d.location.clone(),
            recursive: d.recursive,
            overrides: d.overrides.clone(),
        });
        // Figures read with other settings say nothing about these.
        self.coverage = None;
        self.save_session();
    }

    fn on_inspected(&mut self, id: u64, result: Result<Box<Inspection>, String>) {
        let Some(d) = self.answered(id) else {
            return;
        };
        match result {
            Ok(inspection) => {
                d.labels = inspection.suggested.clone();
                let columns = inspection.detection.sample.columns.len();
                d.column = d.column.min(columns.saturating_sub(1));
                d.row = 0;
                d.error = None;
                let inspection = Arc::new(*inspection);
                if d.overrides == Overrides::default() {
                    d.as_detected = Some(inspection.clone());
                }
                d.inspection = Some(inspection);
                self.restore_session();
                self.prefill_export();
                self.refresh_findings();
            }
            Err(e) => {
                // The labels stay (and the pending session waits) for a reading that works.
                d.error = Some(e.clone());
                d.inspection = None;
                self.ctx.error(e);
            }
        }
    }

    /// Put the pending session on the dataset just inspected, and say so.
    fn restore_session(&mut self) {
        let (Some((s, from)), Some(d)) = (self.pending.take(), self.dataset.as_mut()) else {
            return;
        };
        let Some(i) = d.inspection.clone() else {
            return;
        };
        if from == Restore::Same {
            self.restore_same(s, &i);
            return;
        }
        let labels = s.apply_labels(&mut d.labels, &i.profiles);
        s.apply_settings(d, &mut self.export);
        let reset = words_reset();
        match (labels, from) {
            (Err(why), _) => self.ctx.error(format!(
                "saved labels not restored: {why}; the other settings are"
            )),
            (Ok(()), Restore::Disk) => self.ctx.info(format!(
                "restored your labels and settings for this location from the last session ({reset})"
            )),
            (Ok(()), Restore::Run) if !s.labels.is_empty() => self
                .ctx
                .info(format!("labels kept from this folder's other files ({reset})")),
            _ => {}
        }
        self.sessions.insert(s.location.clone(), s);
    }

    /// The dataset read again with other settings: the user's labels go back on the columns
    /// that still exist, by name; the others are held for a reading that has them again, and
    /// the status says which.
    fn restore_same(&mut self, s: Session, i: &Inspection) {
        let Some(d) = self.dataset.as_mut() else {
            return;
        };
        let (held, held_format) = s.apply_labels_by_name(&mut d.labels, &i.profiles);
        s.apply_settings(d, &mut self.export);
        let kept = s.labels.len() - held.len();
        let names: Vec<&str> = held.iter().map(|l| l.column.as_str()).collect();
        let columns = i.detection.sample.columns.len();
        let read = format!("read again: {columns} column{}", plural(columns));
        match (kept, names.is_empty()) {
            (0, true) => {}
            (_, true) => self.ctx.info(format!(
                "{read}; your labels kept on {kept} column{} by name",
                plural(kept)
            )),
            _ => self.ctx.info(format!(
                "{read}; your labels kept on {kept}; held for when the columns are back: {}",
                names.join(", ")
            )),
        }
        d.held = held;
        d.held_format = held_format;
        self.sessions.insert(s.location.clone(), s);
    }

    /// Back to the suggestions: labels, read settings, interval and timezone.
    fn reset_settings(&mut self) {
        let Some(d) = self.dataset.as_mut() else {
            return;
        };
        let Some(i) = d.inspection.clone() else {
            return;
        };
        d.labels = i.suggested.clone();
        d.held.clear();
        d.held_format = None;
        d.frequency = None;
        d.timezone = chrono_tz::UTC;
        d.impute = None;
        if let Some(c) = self.coverage.as_mut() {
            c.impute = crate::backtest::Impute::default();
        }
        for key in [FieldKey::Frequency, FieldKey::Timezone] {
            self.export.edited.remove(&key);
            self.export.set(key, String::new());
        }
        self.ctx
            .info("labels, read settings, interval and timezone reset to the suggestions");
        if d.overrides != Overrides::default() {
            d.overrides = Overrides::default();
            self.reinspect();
            self.pending = None;
        }
        self.prefill_export();
        self.changed();
    }

    fn set_frequency(&mut self, frequency: Frequency, scan: bool) {
        if let Some(d) = self.dataset.as_mut() {
            d.frequency = Some(frequency);
        }
        self.export
            .set(FieldKey::Frequency, frequency.as_str().to_string());
        if scan {
            self.start_scan();
        }
        self.changed();
    }

    fn set_timezone(&mut self, timezone: Tz, scan: bool) {
        if let Some(d) = self.dataset.as_mut() {
            d.timezone = timezone;
        }
        self.export
            .set(FieldKey::Timezone, timezone.name().to_string());
        if scan {
            self.start_scan();
        }
        self.changed();
    }

    /// Save what the user set on the dataset: kept for this run, and written to the state folder.
    fn save_session(&mut self) {
        let Some(d) = self.dataset.as_ref().filter(|d| d.inspection.is_some()) else {
            return;
        };
        let name = session_name(d);
        let s = Session::capture(name.clone(), d, &self.export);
        if let Some(dir) = self.options.state_dir.as_ref().filter(|_| !self.keep_saved)
            && let Ok(contents) = serde_json::to_string_pretty(&s)
        {
            let path = session::file(dir, &name, s.recursive);
            self.ctx.request(Job::SaveSession { path, contents });
        }
        self.sessions.insert(name, s);
    }

    // ---- coverage ------------------------------------------------------------------------

    /// The interval to scan at: the dataset's, else a guess from the format, taken as the
    /// dataset's interval (with a note).
    fn scan_frequency(&mut self) -> Option<Frequency> {
        let d = self.dataset.as_ref()?;
        if let Some(f) = d.frequency() {
            return Some(f);
        }
        let daily = d
            .labels
            .timestamp_format
            .as_ref()
            .is_some_and(|f| f.is_date_only());
        let f = if daily {
            Frequency::P1D
        } else {
            Frequency::PT1H
        };
        // Taken as the interval, as if chosen: the figures then agree with the settings (they
        // would otherwise be stale at once), and the export form shows it.
        if let Some(d) = self.dataset.as_mut() {
            d.frequency = Some(f);
        }
        self.export.set(FieldKey::Frequency, f.as_str().to_string());
        self.ctx.info(format!(
            "the interval could not be detected: {} taken; press {} for another",
            f.human(),
            super::words::interval_keys()
        ));
        Some(f)
    }

    fn open_coverage(&mut self) {
        let Some(d) = &self.dataset else { return };
        let ts = words_key(
            keys::DATASET,
            Action::SetRole(crate::schema::Role::Timestamp),
        );
        let problem = if d.inspection.is_none() {
            Some("the dataset is still being read".to_string())
        } else if d.labels.timestamp().is_none() {
            Some(format!("no timestamp column: move to it and press {ts}"))
        } else if d.labels.timestamp_format.is_none() {
            Some(format!(
                "no timestamp format: press {} to give one",
                words_key(keys::DATASET, Action::EditTimestampFormat)
            ))
        } else {
            None
        };
        if let Some(p) = problem {
            self.ctx.error(p);
            return;
        }
        if self.screen == Screen::Findings {
            self.screen = Screen::Dataset;
            self.back_to.clear();
        }
        self.push_screen(Screen::Coverage);
        // Figures already there stay (the screen says when they are stale): a scan is asked for.
        if self.coverage.is_none() {
            self.start_scan();
        }
    }

    /// Scan the dataset with the current labels, interval and timezone.
    fn start_scan(&mut self) {
        let Some(frequency) = self.scan_frequency() else {
            return;
        };
        let Some(d) = self.dataset.as_ref() else {
            return;
        };
        let Some(inspection) = d.inspection.clone() else {
            return;
        };
        let timezone = d.timezone;
        let impute = d.impute.unwrap_or_default();
        let Ok(mut spec) = ScanSpec::from_labels(&inspection, &d.labels, Some(frequency), timezone)
        else {
            return;
        };
        if let Some(n) = self.options.concurrency {
            spec.concurrency = n;
        }
        // The per-metric figures feed the findings, the backtest split and the narrowing list.
        spec.series = true;
        let aggregations = d.labels.measures().iter().map(|(_, a)| *a).collect();
        let c = self
            .coverage
            .get_or_insert_with(|| CoverageView::new(frequency, timezone));
        c.impute = impute;
        let athena =
            (c.engine == super::coverage::Engine::Athena).then(|| self.options.athena.clone());
        c.scan_whole(inspection, spec, aggregations, athena, &mut self.ctx);
    }

    /// Whether a backtest of the charted metric runs (the screen is redrawn for its progress).
    pub fn backtest_running(&self) -> bool {
        self.coverage
            .as_ref()
            .is_some_and(CoverageView::backtest_running)
    }

    /// Progress of the running scan as (files done, files, bytes read, bytes).
    pub fn scan_progress(&self) -> Option<super::coverage::Progress> {
        self.coverage.as_ref()?.progress()
    }

    // ---- findings and export -------------------------------------------------------------

    /// The export options as the form holds them.
    pub fn export_options(&self) -> ExportOptions {
        let d = self.dataset.as_ref();
        self.export.options(
            d.and_then(|d| d.frequency()),
            d.map_or(chrono_tz::UTC, |d| d.timezone),
        )
    }

    /// What the export form would write: the target's files and every finding about them.
    pub fn export_built(&self) -> Option<config::Built> {
        let d = self.dataset.as_ref()?;
        let i = d.inspection.as_ref()?;
        let options = self.export_options();
        let dialect = i.dialect();
        let coverage = self
            .coverage
            .as_ref()
            .and_then(|c| c.result())
            .map(|r| &**r);
        // CloudWatch makes one detector per metric: the combinations come from the scan.
        let combinations = self
            .export
            .target
            .needs_scan()
            .then(|| coverage.map(config::cloudwatch::combinations))
            .flatten();
        let mut built = config::build_target(
            self.export.target,
            &config::TargetInput {
                labels: &d.labels,
                profiles: &i.profiles,
                dialect: &dialect,
                coverage,
                options: &options,
                target_options: &self.export.target_options(),
                combinations: combinations.as_ref(),
            },
        );
        built
            .findings
            .splice(0..0, self.standing_config_findings(d));
        // Judged on the sample whatever set the format: the config, a session or a key.
        built
            .findings
            .extend(config::check::sample_format_finding(i, &d.labels));
        built.findings.extend(self.export.problem_findings());
        // What the backtest of the charted metric found, while its marks are kept.
        built.findings.extend(
            self.coverage
                .as_ref()
                .and_then(CoverageView::backtest_finding),
        );
        built.findings.sort_by_key(|f| f.severity);
        Some(built)
    }

    /// The findings of the opened config that still hold for what the UI has now. Each is
    /// derived again from the state: one whose fix is in force is gone, the timestamp format is
    /// judged live on the sample, the interval holds while it is the config's, and a column the
    /// data lacks is left out of what the UI writes (a warning: no key can reach it).
    fn standing_config_findings(&self, d: &DatasetView) -> Vec<config::Finding> {
        use config::findings::{Rule, Severity};
        let Some(i) = d.inspection.as_ref() else {
            return Vec::new();
        };
        let fixed = |f: &config::Finding| {
            f.fixes.iter().any(|fix| match fix {
                Fix::Set {
                    setting,
                    value: Some(v),
                    example: false,
                    ..
                } => reading_in_force(i, *setting).as_deref() == Some(v.as_str()),
                _ => false,
            })
        };
        let edited = |k: FieldKey| self.export.edited.contains(&k);
        let mut out = Vec::new();
        for f in &self.config_findings {
            let holds = match f.rule {
                Rule::TimestampFormat => false,
                Rule::Frequency => d.frequency() == self.config_frequency,
                Rule::Timezone => !edited(FieldKey::Timezone),
                Rule::TemplatePath => !edited(FieldKey::TemplatePath),
                _ => !fixed(f),
            };
            if !holds {
                continue;
            }
            let mut f = f.clone();
            if f.rule == Rule::ColumnMissing && f.severity == Severity::Error {
                f.severity = Severity::Warning;
                f.message.push_str(": a config written here leaves it out");
                f.fixes.clear();
            }
            out.push(f);
        }
        out
    }

    /// The main file the export form would write, and its text.
    pub fn export_preview(&self) -> Option<(serde_json::Value, String)> {
        let built = self.export_built()?;
        let main = built.files.into_iter().next()?;
        Some((main.value, main.text))
    }

    /// The findings for the state as it is now, computed from scratch: the labels, the reading,
    /// the form, the scan and the opened config. A dataset not read (yet) is an error itself.
    pub fn computed_findings(&self) -> Vec<config::Finding> {
        use config::findings::Rule;
        match (self.export_built(), &self.dataset) {
            (Some(built), _) => built.findings,
            (None, Some(d)) => vec![config::Finding::error(
                Rule::FileFormat,
                d.error
                    .clone()
                    .unwrap_or_else(|| "the dataset is still being read".into()),
                vec![],
            )],
            (None, None) => Vec::new(),
        }
    }

    /// Recompute the findings for the current labels, coverage and export form.
    pub fn refresh_findings(&mut self) {
        let findings = self.computed_findings();
        self.findings.set(findings);
    }

    fn open_export(&mut self) {
        if self
            .dataset
            .as_ref()
            .and_then(|d| d.inspection.as_ref())
            .is_none()
        {
            self.ctx.info("the dataset is still being read");
            return;
        }
        self.prefill_export();
        self.refresh_findings();
        self.push_screen(Screen::Export);
        if let Some(dir) = &self.export.out_dir
            && !self.export.edited.contains(&FieldKey::Output)
        {
            self.ctx.info(format!(
                "the output goes to {}, outside the data folder: a file written inside it would be read as data",
                dir.display()
            ));
        }
    }

    /// Fill the export form with what the location and the labels tell; what the user typed stays.
    fn prefill_export(&mut self) {
        let Some(d) = &self.dataset else { return };
        let Some(i) = &d.inspection else { return };
        let f = &mut self.export;
        let root = &i.dataset.root;
        // `l4m` with no argument opens "."; the name is the folder's, as with an argument.
        let named = match root {
            Location::Local(p) => std::fs::canonicalize(p).map_or(root.clone(), Location::Local),
            _ => root.clone(),
        };
        f.prefill(FieldKey::Name, name_from_location(&named));
        f.out_dir = match (&named, std::env::current_dir().ok()) {
            (Location::Local(data), Some(cwd)) => {
                let data = if i.dataset.is_folder {
                    data.clone()
                } else {
                    data.parent().map(Path::to_path_buf).unwrap_or_default()
                };
                out_dir_outside(&data, &std::fs::canonicalize(&cwd).unwrap_or(cwd))
            }
            _ => None,
        };
        f.prefill(
            FieldKey::Frequency,
            d.frequency().map(|f| f.as_str().to_string()),
        );
        f.prefill(FieldKey::Timezone, Some(d.timezone.name().to_string()));
        let (historical, templated) =
            location_paths(root, i.dataset.is_folder, i.template.as_ref());
        f.prefill(FieldKey::HistoricalPath, historical);
        f.prefill(FieldKey::TemplatePath, templated);
        f.refresh_output();
    }

    /// `w`: write the file, unless a field or a finding is wrong; ask before replacing a file.
    fn write(&mut self) {
        self.refresh_findings();
        if let Some((key, problem)) = self.export.problems().into_iter().next() {
            self.ctx
                .error(format!("not written: {}: {problem}", key.label()));
            return;
        }
        let errors = self.findings.errors();
        if errors > 0 {
            self.ctx.error(format!(
                "not written: {errors} error(s) in the findings ({} lists them); fix them first",
                words_key(keys::DATASET, Action::Findings)
            ));
            return;
        }
        let path = self.output_path();
        if path.as_os_str().is_empty() {
            self.ctx.error("no output path: fill in \"write to\"");
            return;
        }
        let mut paths = vec![path.clone()];
        paths.extend(self.export.mapping_path());
        if let Some(existing) = paths.into_iter().find(|p| p.exists()) {
            self.export.confirm_overwrite = Some(existing);
            return;
        }
        self.write_to(path, false);
    }

    fn output_path(&self) -> PathBuf {
        PathBuf::from(self.export.value(FieldKey::Output).trim())
    }

    fn write_to(&mut self, path: PathBuf, overwrite: bool) {
        let Some(built) = self.export_built() else {
            return;
        };
        let mut files = vec![(path.clone(), built.preview().to_string())];
        if let (Some(p), Some(mapping)) = (self.export.mapping_path(), built.files.get(1)) {
            files.push((p, mapping.text.clone()));
        }
        self.ctx.info(format!("writing {}", path.display()));
        self.ctx.request(Job::Write { files, overwrite });
    }

    // ---- answers from the worker -----------------------------------------------------------

    /// Apply a worker's answer (answers to requests that were replaced are dropped).
    pub fn on_response(&mut self, response: Response) {
        let Response { id, answer } = response;
        match answer {
            a @ Answer::Listed { .. } => self.browser.on_listed(id, a, &mut self.ctx),
            a @ Answer::Previewed { .. } => self.browser.on_previewed(id, a),
            Answer::Inspected { result, .. } => self.on_inspected(id, worded(result)),
            Answer::Prepared { result } => self.on_prepared(id, worded(result)),
            Answer::Scanned { result } => {
                if let Some(c) = self.coverage.as_mut() {
                    c.on_scanned(id, result, &mut self.ctx);
                    self.refresh_findings();
                }
            }
            Answer::Backtested { result } => {
                if let Some(c) = self.coverage.as_mut() {
                    c.on_backtested(id, result, &mut self.ctx);
                }
            }
            #[cfg(feature = "athena")]
            Answer::Counted { result } => {
                if let Some(c) = self.coverage.as_mut() {
                    c.on_counted(id, result, &mut self.ctx);
                    self.refresh_findings();
                }
            }
            Answer::Written { paths, result } => match result {
                Ok(()) => {
                    let names: Vec<String> =
                        paths.iter().map(|p| p.display().to_string()).collect();
                    self.ctx.info(format!("wrote {}", names.join(" and ")));
                    // A fresh start's settings are the user's once a config is written.
                    if std::mem::take(&mut self.keep_saved) {
                        self.save_session();
                    }
                }
                Err(e) => self.ctx.error(TuiWords.error(&e)),
            },
            Answer::SessionSaved { result } => {
                if let Err(e) = result {
                    self.ctx
                        .error(format!("session not saved: {}", TuiWords.error(&e)));
                }
            }
        }
        self.route();
    }
}

fn words_key(table: &[Binding], action: Action) -> &'static str {
    super::words::key(table, action)
}

/// A worker's failure in this UI's words, for a screen that shows it as it is.
fn worded<T>(result: Result<T, Failure>) -> Result<T, String> {
    result.map_err(|e| TuiWords.error(&e))
}

/// How the data is read now, for a setting of the reading, in a config finding's words.
fn reading_in_force(i: &Inspection, setting: Setting) -> Option<String> {
    let d = i.dialect();
    Some(match setting {
        Setting::Delimiter => (d.delimiter as char).to_string(),
        Setting::Header => d.has_header.to_string(),
        Setting::Quote => d.quote.map(|q| (q as char).to_string()).unwrap_or_default(),
        Setting::Format => match d.format {
            crate::format::FileFormat::Csv => "CSV".into(),
            crate::format::FileFormat::Jsonl => "JSON lines".into(),
        },
        Setting::Compression => d.compression.api_name().into(),
        _ => return None,
    })
}

/// Where an output goes by default when the working folder `cwd` is inside the dataset's folder
/// `data` (both resolved): the folder beside it, as a path relative to `cwd` (`..` in `data`
/// itself). `None` when `cwd` is outside: the output goes there.
pub fn out_dir_outside(data: &Path, cwd: &Path) -> Option<PathBuf> {
    let inside = cwd.strip_prefix(data).ok()?;
    let up = inside.components().count() + 1;
    Some((0..up).map(|_| "..").collect())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// How to undo a restored session, in this UI's words.
fn words_reset() -> String {
    format!(
        "{} resets to the suggestions",
        words_key(keys::DATASET, Action::ResetLabels)
    )
}
