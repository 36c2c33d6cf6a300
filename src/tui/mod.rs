//! The terminal UI: browse a location, preview and label a file, see coverage, export.
//!
//! One event loop: keys and mouse become changes of [`app::App`], slow work goes to
//! [`worker::Worker`] threads whose answers come back on a channel, and every frame is drawn
//! from the state alone. The terminal is restored on every way out, panics included.

pub mod app;
pub mod keys;
pub mod ui;
pub mod words;
pub mod worker;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind, MouseEventKind,
};
use ratatui::crossterm::execute;

use crate::fix::Notice;
use crate::source::{EntryKind, Location, Source};
use crate::{Error, Result};
use app::App;
use worker::{Msg, Worker};

/// Open the UI on a location (a folder opens in the browser, a file as a dataset) and run until
/// the user quits. The terminal is restored before this returns, whatever happened.
pub fn run(source: Arc<dyn Source>, location: Location, notes: Vec<Notice>) -> Result<()> {
    // Resolve the location before taking over the screen, so a bad path is a plain error.
    let entry = source.stat(&location)?;
    let is_file = entry.kind == EntryKind::File;
    let mut terminal = ratatui::init();
    let _ = execute!(std::io::stdout(), EnableMouseCapture);
    // ratatui's panic hook restores the screen; mouse reporting must be switched off too, first.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
        previous(info);
    }));
    let mut app = App::new(location, is_file);
    if let Some(note) = notes.first() {
        app.note(words::notice(note));
    }
    let result = event_loop(&mut terminal, source, app);
    let _ = execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
    result
}

fn event_loop(terminal: &mut DefaultTerminal, source: Arc<dyn Source>, mut app: App) -> Result<()> {
    let io = Error::Terminal;
    let (tx, rx) = mpsc::channel();
    let worker = Worker::new(source, tx.clone());
    // Terminal events come from their own thread, so that a finished request wakes the loop at
    // once instead of waiting for the next key.
    let stop = Arc::new(AtomicBool::new(false));
    let input = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match event::poll(Duration::from_millis(50)) {
                    Ok(true) => match event::read() {
                        Ok(e) => {
                            if tx.send(Msg::Term(e)).is_err() {
                                return;
                            }
                        }
                        Err(_) => return,
                    },
                    Ok(false) => {}
                    Err(_) => return,
                }
            }
        })
    };
    if let Ok(size) = terminal.size() {
        app.size = (size.width, size.height);
    }
    let result = (|| loop {
        for request in app.take_requests() {
            worker.spawn(request);
        }
        terminal.draw(|f| ui::draw(f, &app)).map_err(io)?;
        if app.quit {
            return Ok(());
        }
        // While a scan runs, redraw ten times a second for its progress bar.
        let msg = if app.scan_progress().is_some() {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(m) => Some(m),
                Err(mpsc::RecvTimeoutError::Timeout) => None,
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            }
        } else {
            match rx.recv() {
                Ok(m) => Some(m),
                Err(_) => return Ok(()),
            }
        };
        // Take everything that is waiting before drawing again.
        for m in msg
            .into_iter()
            .chain(std::iter::from_fn(|| rx.try_recv().ok()))
        {
            match m {
                Msg::Term(Event::Key(k)) if k.kind != KeyEventKind::Release => app.on_key(k),
                Msg::Term(Event::Mouse(m)) => match m.kind {
                    MouseEventKind::ScrollDown => app.scroll(true),
                    MouseEventKind::ScrollUp => app.scroll(false),
                    _ => {}
                },
                Msg::Term(Event::Resize(w, h)) => app.size = (w, h),
                Msg::Term(_) => {}
                Msg::Done(response) => app.on_response(response),
            }
        }
    })();
    stop.store(true, Ordering::Relaxed);
    let _ = input.join();
    result
}
