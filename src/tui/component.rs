//! One protocol for every screen, as gitui's components have: the screen's keys, a key while
//! one of its text fields is typed, a key of its table, a click, and drawing. [`super::app::App`]
//! routes input to the screen in front and draws it through this trait alone.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::app::Ctx;
use super::keys::{Action, Binding, Key};
use crate::config::Finding;
use crate::schema::Labels;

/// A click on a screen cell; `double` when it is the second of a double click.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Click {
    pub x: u16,
    pub y: u16,
    pub double: bool,
}

/// What a screen is drawn with beyond its own state.
#[derive(Debug, Clone, Copy)]
pub struct Shared<'a> {
    /// The findings for the current labels, reading, form and scan.
    pub findings: &'a [Finding],
    /// The text of the file the export would write.
    pub export_file: &'a str,
    /// The dataset's labels now, once it is read.
    pub labels: Option<&'a Labels>,
}

/// A screen of the terminal UI.
pub trait Component {
    /// The keys of the screen as it is now (a list open on it has its own).
    fn bindings(&self) -> &'static [Binding];

    /// A key while one of the screen's text fields is typed; false when none is.
    fn text_key(&mut self, _key: Key, _ctx: &mut Ctx) -> bool {
        false
    }

    /// A key of the screen's table.
    fn act(&mut self, action: Action, ctx: &mut Ctx);

    /// A click in the screen's body.
    fn click(&mut self, click: Click, ctx: &mut Ctx);

    /// Draw the screen in `body`.
    fn draw(&self, frame: &mut Frame, body: Rect, shared: &Shared<'_>);
}
