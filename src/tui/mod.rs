//! The terminal UI: browse a location, preview and label a file, see coverage, export.
//!
//! One event loop: keys and mouse become changes of [`app::App`], slow work goes to
//! [`worker::Worker`] threads whose answers come back on a channel, and every frame is drawn
//! from the state alone. The terminal is restored on every way out: quit, error, panic, and
//! SIGTERM or SIGHUP (which quit like `q` does, so the session is written too).

pub mod app;
pub mod browser;
pub mod chart;
pub mod component;
pub mod coverage;
pub mod dataset;
pub mod export;
pub mod findings;
pub mod histogram;
pub mod input;
pub mod keys;
pub mod layout;
pub mod narrow;
pub mod preview;
pub mod session;
pub mod style;
pub mod ui;
pub mod words;
pub mod worker;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ratatui::DefaultTerminal;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind, MouseButton, MouseEvent,
    MouseEventKind,
};
use ratatui::crossterm::execute;

use crate::fix::Notice;
use crate::source::{EntryKind, Location, Source};
use crate::{Error, Result};
use app::{App, Options, Pointer};
use worker::{Msg, Worker};

/// How the command line starts the UI.
#[derive(Debug, Clone, Default)]
pub struct Start {
    /// Start without the saved sessions.
    pub fresh: bool,
    /// Files a scan reads at once.
    pub concurrency: Option<usize>,
    /// A config to open the location with (its file name, and what it says), and whether the
    /// location's subfolders are read.
    pub config: Option<(String, crate::config::ConfigSource)>,
    pub recursive: bool,
    /// Where the coverage screen's count in Athena runs (`A`, for an s3:// dataset).
    pub athena: crate::athena::AthenaPlace,
}

/// How the UI ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The user quit.
    Quit,
    /// SIGTERM or SIGHUP (or a SIGINT from outside: in the UI, Ctrl-C is a key) made it quit.
    Signal,
}

/// Open the UI on a location (a folder opens in the browser, a file as a dataset) and run until
/// the user quits or a signal asks it to. The terminal is restored before this returns, whatever
/// happened.
pub fn run(
    source: Arc<dyn Source>,
    location: Location,
    notes: Vec<Notice>,
    start: Start,
) -> Result<Exit> {
    // Resolve the location before taking over the screen, so a bad path is a plain error.
    let entry = source.stat(&location)?;
    let is_file = entry.kind == EntryKind::File;
    let mut terminal = ratatui::init();
    let _ = execute!(std::io::stdout(), EnableMouseCapture);
    // ratatui's panic hook leaves the alternate screen and then reports the panic; mouse reporting
    // must be switched off and the cursor shown first, so the report lands on a usable terminal.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(std::io::stdout(), DisableMouseCapture, Show);
        previous(info);
    }));
    let options = Options {
        fresh: start.fresh,
        concurrency: start.concurrency,
        state_dir: session::state_dir(),
        athena: start.athena,
    };
    let mut app = App::new(location.clone(), is_file, options);
    if let Some((name, config)) = start.config {
        app.open_config((location, start.recursive, is_file), name, config);
    }
    if let Some(note) = notes.first() {
        app.note(crate::fix::Words::notice(&words::TuiWords, note));
    }
    let result = event_loop(&mut terminal, source, app);
    let _ = execute!(std::io::stdout(), DisableMouseCapture, Show);
    // Not `restore()`: it reports a failure with `eprintln!`, which panics when the terminal is
    // gone (a closed window). For the same reason the terminal is not dropped with its cursor
    // hidden: its drop would report that it could not show it.
    let _ = ratatui::try_restore();
    if terminal.show_cursor().is_err() {
        std::mem::forget(terminal);
    }
    result
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    source: Arc<dyn Source>,
    mut app: App,
) -> Result<Exit> {
    let (tx, rx) = mpsc::channel();
    let signals = tx.clone();
    // The UI runs alone in its process, so the handler is free to take (a command line run sets
    // its own). A signal becomes a message: the loop quits as on q, restoring the terminal.
    let _ = ctrlc::set_handler(move || {
        let _ = signals.send(Msg::Signal);
    });
    let worker = Worker::new(source, tx.clone());
    let stop = Arc::new(AtomicBool::new(false));
    let input = spawn_input(tx, Arc::clone(&stop));
    if let Ok(size) = terminal.size() {
        app.ctx.size = (size.width, size.height);
    }
    let result = run_frames(terminal, &worker, &rx, &mut app);
    stop.store(true, Ordering::Relaxed);
    // The input thread sees `stop` within its poll interval; on a terminal that went away
    // (a closed window, a killed tmux) crossterm's poll may never return, and the process ends
    // without it rather than waiting forever.
    let deadline = Instant::now() + Duration::from_millis(300);
    while !input.is_finished() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    if input.is_finished() {
        let _ = input.join();
    }
    // Queued session saves still go out (the user's last change), then the writer is waited for.
    for request in app.take_requests() {
        if matches!(request.job, worker::Job::SaveSession { .. }) {
            worker.spawn(request);
        }
    }
    worker.finish();
    result
}

/// Terminal events come from their own thread, so that a finished request wakes the loop at
/// once instead of waiting for the next key.
fn spawn_input(tx: mpsc::Sender<Msg>, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            match event::poll(Duration::from_millis(50)) {
                Ok(true) => match event::read() {
                    Ok(e) => {
                        if tx.send(Msg::Term(e)).is_err() {
                            return;
                        }
                    }
                    // The terminal cannot be read any more (it went away): quit as on a
                    // hang-up rather than run on unseen.
                    Err(_) => {
                        let _ = tx.send(Msg::Signal);
                        return;
                    }
                },
                Ok(false) => {}
                Err(_) => {
                    let _ = tx.send(Msg::Signal);
                    return;
                }
            }
        }
    })
}

/// Draw, wait for something to happen, apply it; until the user quits or a signal comes.
fn run_frames(
    terminal: &mut DefaultTerminal,
    worker: &Worker,
    rx: &mpsc::Receiver<Msg>,
    app: &mut App,
) -> Result<Exit> {
    let mut exit = Exit::Quit;
    let mut first_frame = true;
    loop {
        for request in app.take_requests() {
            worker.spawn(request);
        }
        if app.quit {
            return Ok(exit);
        }
        let waiting = worker.source().waiting();
        let in_flight = waiting.is_some();
        app.set_wait(waiting, Instant::now());
        terminal
            .draw(|f| ui::draw(f, app))
            .map_err(Error::Terminal)?;
        if std::mem::take(&mut first_frame) {
            panic_for_tests();
        }
        // While a scan or a backtest runs, redraw ten times a second for its progress; while a
        // request waits, four times a second for the time it has waited.
        let wait = if app.scan_progress().is_some() || app.backtest_running() {
            Duration::from_millis(100)
        } else if in_flight {
            Duration::from_millis(250)
        } else {
            Duration::MAX
        };
        let msg = match rx.recv_timeout(wait) {
            Ok(m) => Some(m),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(exit),
        };
        // Take everything that is waiting before drawing again.
        for m in msg
            .into_iter()
            .chain(std::iter::from_fn(|| rx.try_recv().ok()))
        {
            if apply(app, m) {
                exit = Exit::Signal;
            }
        }
        if app.take_cancel() {
            worker.source().cancel_waits();
        }
    }
}

/// A panic on purpose right after the first frame, for the test that a panic restores the
/// terminal: debug builds only, with `L4M_TEST_PANIC=after-first-frame`.
#[cfg(debug_assertions)]
fn panic_for_tests() {
    if std::env::var_os("L4M_TEST_PANIC").is_some_and(|v| v == "after-first-frame") {
        panic!("L4M_TEST_PANIC=after-first-frame: a panic inside the terminal UI, on purpose");
    }
}

#[cfg(not(debug_assertions))]
fn panic_for_tests() {}

/// Apply a message; true when it was a signal (the app then quits).
fn apply(app: &mut App, m: Msg) -> bool {
    match m {
        Msg::Term(Event::Key(k)) if k.kind != KeyEventKind::Release => app.on_key(k),
        Msg::Term(Event::Mouse(m)) => {
            if let Some(p) = pointer(m) {
                app.pointer(p, Instant::now());
            }
        }
        Msg::Term(Event::Resize(w, h)) => app.ctx.size = (w, h),
        Msg::Term(_) => {}
        Msg::Done(response) => app.on_response(response),
        Msg::Signal => {
            app.quit = true;
            return true;
        }
    }
    false
}

/// The mouse events the UI acts on: a left click, the wheel.
fn pointer(m: MouseEvent) -> Option<Pointer> {
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Pointer::Click {
            x: m.column,
            y: m.row,
        }),
        MouseEventKind::ScrollDown => Some(Pointer::Wheel { down: true }),
        MouseEventKind::ScrollUp => Some(Pointer::Wheel { down: false }),
        _ => None,
    }
}
