//! A one-line text field: a cursor that moves (left/right, home/end), editing at the cursor, and a
//! history of the values entered before (up/down), over `tui_input::Input`.

use ratatui::style::{Modifier, Style};
use ratatui::text::Span;
use tui_input::{Input, InputRequest};

use super::keys::Key;

/// What a key did to a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The text or the cursor changed (or the key was taken and ignored).
    Edited,
    /// Enter: keep the value.
    Commit,
    /// Esc: drop the edit.
    Cancel,
}

/// A text field being edited.
#[derive(Debug, Clone, Default)]
pub struct Field {
    input: Input,
    /// Earlier values, oldest first (given when the edit starts).
    history: Vec<String>,
    /// Which history entry is shown (`None`: the text being typed).
    recalled: Option<usize>,
    /// The typed text, kept while browsing the history.
    draft: String,
}

impl Field {
    /// A field holding `value` with the cursor at its end, and earlier values to recall.
    pub fn new(value: impl Into<String>, history: &[String]) -> Field {
        Field {
            input: Input::new(value.into()),
            history: history.to_vec(),
            recalled: None,
            draft: String::new(),
        }
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// The cursor's position in characters from the start.
    pub fn cursor(&self) -> usize {
        self.input.cursor()
    }

    /// Apply a key: editing keys change the field, Enter and Esc end the edit.
    pub fn key(&mut self, key: Key) -> Outcome {
        let request = match key {
            Key::Enter => return Outcome::Commit,
            Key::Esc => return Outcome::Cancel,
            Key::Up => {
                self.recall(true);
                return Outcome::Edited;
            }
            Key::Down => {
                self.recall(false);
                return Outcome::Edited;
            }
            Key::Char(c) => InputRequest::InsertChar(c),
            Key::Backspace => InputRequest::DeletePrevChar,
            Key::Delete => InputRequest::DeleteNextChar,
            Key::Left => InputRequest::GoToPrevChar,
            Key::Right => InputRequest::GoToNextChar,
            Key::ShiftLeft => InputRequest::GoToPrevWord,
            Key::ShiftRight => InputRequest::GoToNextWord,
            Key::Home => InputRequest::GoToStart,
            Key::End => InputRequest::GoToEnd,
            _ => return Outcome::Edited,
        };
        self.input.handle(request);
        Outcome::Edited
    }

    /// Show an older (`back`) or newer history entry in place of the text.
    fn recall(&mut self, back: bool) {
        if self.history.is_empty() {
            return;
        }
        let last = self.history.len() - 1;
        let next = match (self.recalled, back) {
            (None, true) => {
                self.draft = self.input.value().to_string();
                Some(last)
            }
            (None, false) => return,
            (Some(i), true) => Some(i.saturating_sub(1)),
            (Some(i), false) if i >= last => None,
            (Some(i), false) => Some(i + 1),
        };
        self.recalled = next;
        let text = match next {
            Some(i) => self.history[i].clone(),
            None => self.draft.clone(),
        };
        self.input = Input::new(text);
    }

    /// The text with the cursor as a reversed cell, cut to `width` cells around the cursor.
    pub fn spans(&self, width: usize, style: Style) -> Vec<Span<'static>> {
        let chars: Vec<char> = self.input.value().chars().collect();
        let cursor = self.input.cursor().min(chars.len());
        let width = width.max(2);
        let start = cursor.saturating_sub(width - 1);
        let end = (start + width).min(chars.len() + 1);
        let before: String = chars[start..cursor].iter().collect();
        let at: String = chars
            .get(cursor)
            .map(|c| c.to_string())
            .unwrap_or(" ".into());
        let after: String = chars
            .get(cursor + 1..end.min(chars.len()))
            .map(|s| s.iter().collect())
            .unwrap_or_default();
        vec![
            Span::styled(before, style),
            Span::styled(at, style.add_modifier(Modifier::REVERSED)),
            Span::styled(after, style),
        ]
    }
}

/// Remember a committed value for a field's history: newest last, no repeats, at most 20.
pub fn remember(history: &mut Vec<String>, value: &str) {
    let value = value.trim();
    if value.is_empty() {
        return;
    }
    history.retain(|v| v != value);
    history.push(value.to_string());
    if history.len() > 20 {
        history.remove(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(f: &mut Field, text: &str) {
        for c in text.chars() {
            f.key(Key::Char(c));
        }
    }

    #[test]
    fn the_cursor_moves_and_typing_goes_in_at_the_cursor() {
        let mut f = Field::new("PT1H", &[]);
        f.key(Key::Home);
        typed(&mut f, "x");
        assert_eq!(f.value(), "xPT1H");
        f.key(Key::End);
        f.key(Key::Left);
        f.key(Key::Backspace);
        assert_eq!(f.value(), "xPTH");
        f.key(Key::Delete);
        assert_eq!(f.value(), "xPT");
        assert_eq!(f.cursor(), 3);
    }

    #[test]
    fn up_and_down_recall_earlier_values_and_come_back_to_the_draft() {
        let mut history = Vec::new();
        remember(&mut history, "UTC");
        remember(&mut history, "Europe/Berlin");
        remember(&mut history, "UTC");
        assert_eq!(history, ["Europe/Berlin", "UTC"]);
        let mut f = Field::new("Asia/", &history);
        f.key(Key::Up);
        assert_eq!(f.value(), "UTC");
        f.key(Key::Up);
        assert_eq!(f.value(), "Europe/Berlin");
        f.key(Key::Up);
        assert_eq!(f.value(), "Europe/Berlin", "stays at the oldest");
        f.key(Key::Down);
        f.key(Key::Down);
        assert_eq!(f.value(), "Asia/", "the typed text is back");
        assert_eq!(f.key(Key::Enter), Outcome::Commit);
    }
}
