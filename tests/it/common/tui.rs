//! Driving the terminal UI's `App` in tests as a user does: keys, typing, waiting for the
//! background requests, drawing on ratatui's `TestBackend`, filling export form fields.

use std::path::{Path, PathBuf};

use l4m::source::Location;
use l4m::source::local::LocalSource;
use l4m::tui::app::{App, Options};
use l4m::tui::export::FieldKey;
use l4m::tui::keys::Key;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Run the requests the last keys made, and apply their answers.
pub fn pump(app: &mut App) {
    app.settle(&LocalSource);
}

/// Press `keys` in turn, then let the requests they made finish.
pub fn keys(app: &mut App, keys: &[Key]) {
    for k in keys {
        app.key(*k);
    }
    pump(app);
}

/// Type `text` into whatever has the focus.
pub fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        app.key(Key::Char(c));
    }
}

/// The screen at `width` x `height`, as text.
pub fn draw(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| l4m::tui::ui::draw(f, app)).unwrap();
    terminal.backend().to_string()
}

/// The status line's text.
pub fn status(app: &App) -> String {
    app.status().map(|s| s.text.clone()).unwrap_or_default()
}

/// The status line starts with `start`.
#[track_caller]
pub fn assert_status_starts(app: &App, start: &str) {
    let status = status(app);
    assert!(status.starts_with(start), "{status}");
}

/// The status line holds `part`.
#[track_caller]
pub fn assert_status_holds(app: &App, part: &str) {
    let status = status(app);
    assert!(status.contains(part), "{status}");
}

/// Set an export form field as a user does: move to it, Enter, clear, type, Enter.
pub fn fill(app: &mut App, key: FieldKey, value: &str) {
    let at = FieldKey::ALL.iter().position(|k| *k == key).unwrap();
    while app.export.selected > at {
        app.key(Key::Up);
    }
    while app.export.selected < at {
        app.key(Key::Down);
    }
    app.key(Key::Enter);
    app.key(Key::End);
    while app
        .export
        .editing
        .as_ref()
        .is_some_and(|e| !e.value().is_empty())
    {
        app.key(Key::Backspace);
    }
    typed(app, value);
    app.key(Key::Enter);
    pump(app);
}

/// A screen for a snapshot: the files' modified times and temporary folders differ from one
/// checkout to the next, so they are masked.
pub fn masked(screen: &str, temp: Option<&Path>) -> String {
    let times = fancy_regex::Regex::new(r"\d{4}-\d\d-\d\d \d\d:\d\d│").unwrap();
    let mut out = times.replace_all(screen, "YYYY-MM-DD hh:mm│").into_owned();
    if let Some(t) = temp {
        let t = t.display().to_string();
        out = out.replace(&t, &format!("{:<w$}", "TMP", w = t.len()));
    }
    out
}

/// A screen for a snapshot, its temporary folder masked (padded to its width, so the layout
/// stays as drawn).
pub fn masked_temp(screen: &str, temp: &Path) -> String {
    let t = temp.display().to_string();
    screen.replace(&t, &format!("{:<w$}", "TMP", w = t.len()))
}

/// An app of the given size on a local location (a folder), listed.
pub fn app_at(path: impl Into<PathBuf>, size: (u16, u16), options: Options) -> App {
    let mut app = App::new(Location::Local(path.into()), false, options);
    app.ctx.size = size;
    pump(&mut app);
    app
}
