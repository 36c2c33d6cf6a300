//! Driving the terminal UI's `App` in tests as a user does: keys, typing, waiting for the
//! background requests, drawing on ratatui's `TestBackend`, filling export form fields.

use l4m::source::local::LocalSource;
use l4m::tui::app::App;
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
