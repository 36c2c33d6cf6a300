//! The terminal UI: browse a location, preview and label a file, see coverage, export.
//!
//! One event loop: keys and mouse become changes of [`app::App`], slow work goes to
//! [`worker::Worker`] threads whose answers come back on a channel, and every frame is drawn
//! from the state alone. The terminal is restored on every way out, panics included.

pub mod app;
pub mod keys;
pub mod ui;
pub mod worker;

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind, MouseEventKind,
};
use ratatui::crossterm::execute;

use crate::source::{EntryKind, Location, Source};
use crate::{Error, Result};
use app::App;
use worker::Worker;

/// Open the UI on a location (a folder opens in the browser, a file as a dataset) and run until
/// the user quits. The terminal is restored before this returns, whatever happened.
pub fn run(source: Arc<dyn Source>, location: Location) -> Result<()> {
    // Resolve the location before taking over the screen, so a bad path is a plain error.
    let entry = source.stat(&location)?;
    let is_file = entry.kind == EntryKind::File;
    let mut terminal = ratatui::init();
    let _ = execute!(std::io::stdout(), EnableMouseCapture);
    let result = event_loop(&mut terminal, source, App::new(location, is_file));
    let _ = execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
    result
}

fn event_loop(terminal: &mut DefaultTerminal, source: Arc<dyn Source>, mut app: App) -> Result<()> {
    let io = |e: std::io::Error| Error::msg(format!("terminal: {e}"));
    let (tx, rx) = mpsc::channel();
    let worker = Worker::new(source, tx);
    if let Ok(size) = terminal.size() {
        app.size = (size.width, size.height);
    }
    loop {
        for request in app.take_requests() {
            worker.spawn(request);
        }
        terminal.draw(|f| ui::draw(f, &app)).map_err(io)?;
        if app.quit {
            return Ok(());
        }
        // Redraw often while a scan runs (its progress bar moves), otherwise wait for input.
        let wait = if app.scan_progress().is_some() {
            Duration::from_millis(100)
        } else {
            Duration::from_millis(250)
        };
        if event::poll(wait).map_err(io)? {
            match event::read().map_err(io)? {
                Event::Key(k) if k.kind != KeyEventKind::Release => app.on_key(k),
                Event::Mouse(m) => match m.kind {
                    MouseEventKind::ScrollDown => app.scroll(true),
                    MouseEventKind::ScrollUp => app.scroll(false),
                    _ => {}
                },
                Event::Resize(w, h) => app.size = (w, h),
                _ => {}
            }
        }
        while let Ok(response) = rx.try_recv() {
            app.on_response(response);
        }
    }
}
