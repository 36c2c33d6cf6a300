//! Every key of every screen, as data: the handler looks keys up here and the help overlay and
//! status bar are drawn from the same tables, so what is shown can never drift from what works.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::schema::{Frequency, Role};

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Left,
    Right,
    /// A screen's width to the left or right (the histogram's cursor).
    ScreenLeft,
    ScreenRight,
    NextGap,
    PrevGap,
    Open,
    Back,
    Filter,
    OpenDataset,
    OpenDatasetRecursive,
    SetRole(Role),
    ToggleAggregation,
    ResetLabels,
    EditTimestampFormat,
    CycleFormat,
    CycleDelimiter,
    CycleQuote,
    ToggleHeader,
    Coverage,
    Findings,
    Export,
    SetFrequency(Frequency),
    EditTimezone,
    ZoomIn,
    ZoomOut,
    /// Open the list of dimension values and metrics the coverage can be narrowed to.
    Narrow,
    /// The coverage of the whole dataset again.
    Whole,
    /// A chart of one metric's values, over the histogram's intervals.
    Chart,
    /// Count the whole dataset in Athena, or here again.
    Engine,
    /// Backtest the charted metric (a Random Cut Forest in the background), or hide its marks.
    Backtest,
    /// The next way of filling missing intervals for the backtest.
    CycleImpute,
    Rescan,
    EditField,
    ToggleTarget,
    Write,
}

impl Action {
    /// Where a cursor at `at` in a list whose last row is `last` goes on this key, `page` rows a
    /// page; `None` when the key does not move a cursor. One rule for every list of the UI.
    pub fn moved(self, at: usize, last: usize, page: usize) -> Option<usize> {
        Some(match self {
            Action::Down => (at + 1).min(last),
            Action::Up => at.saturating_sub(1),
            Action::Top => 0,
            Action::Bottom => last,
            Action::PageDown => (at + page).min(last),
            Action::PageUp => at.saturating_sub(page),
            _ => return None,
        })
    }
}

/// A key as the tables name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Enter,
    Esc,
    Backspace,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Tab,
    Delete,
    /// Left or right with Shift (or Ctrl): a bigger step.
    ShiftLeft,
    ShiftRight,
    CtrlC,
}

impl Key {
    /// The table key for a terminal key event, if it is one the tables can name.
    pub fn from_event(e: &KeyEvent) -> Option<Key> {
        let shifted = e
            .modifiers
            .intersects(KeyModifiers::SHIFT | KeyModifiers::CONTROL);
        match e.code {
            KeyCode::Left if shifted => return Some(Key::ShiftLeft),
            KeyCode::Right if shifted => return Some(Key::ShiftRight),
            _ => {}
        }
        if e.modifiers.contains(KeyModifiers::CONTROL) {
            return matches!(e.code, KeyCode::Char('c')).then_some(Key::CtrlC);
        }
        Some(match e.code {
            KeyCode::Char(c) => Key::Char(c),
            KeyCode::Enter => Key::Enter,
            KeyCode::Esc => Key::Esc,
            KeyCode::Backspace => Key::Backspace,
            KeyCode::Up => Key::Up,
            KeyCode::Down => Key::Down,
            KeyCode::Left => Key::Left,
            KeyCode::Right => Key::Right,
            KeyCode::PageUp => Key::PageUp,
            KeyCode::PageDown => Key::PageDown,
            KeyCode::Home => Key::Home,
            KeyCode::End => Key::End,
            KeyCode::Tab => Key::Tab,
            KeyCode::Delete => Key::Delete,
            _ => return None,
        })
    }
}

/// One line of a key table: the keys, what the help says, and the action.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    /// How the keys are written in the help, e.g. `j/↓`.
    pub label: &'static str,
    pub help: &'static str,
    pub action: Action,
    /// The word shown in the status bar, for the main keys of a screen.
    pub short: Option<&'static str>,
}

impl Binding {
    /// What the key does, as the help overlay says it.
    pub fn describe(&self) -> std::borrow::Cow<'static, str> {
        match self.action {
            Action::SetFrequency(f) => format!("{} intervals", f.adjective()).into(),
            _ => self.help.into(),
        }
    }
}

/// The key that switches to an interval: its words come from the interval's row.
const fn interval_key(keys: &'static [Key], label: &'static str, f: Frequency) -> Binding {
    b(keys, label, "", Action::SetFrequency(f), Some(f.short()))
}

const fn b(
    keys: &'static [Key],
    label: &'static str,
    help: &'static str,
    action: Action,
    short: Option<&'static str>,
) -> Binding {
    Binding {
        keys,
        label,
        help,
        action,
        short,
    }
}

use Key::*;

/// Keys that work the same on every screen (looked up after the screen's own).
pub const GLOBAL: &[Binding] = &[
    b(
        &[Char('?')],
        "?",
        "show or hide the keys of this screen",
        Action::Help,
        Some("help"),
    ),
    b(&[Char('q'), CtrlC], "q", "quit", Action::Quit, Some("quit")),
];

const MOVE: [Binding; 4] = [
    b(&[Char('j'), Down], "j/↓", "down", Action::Down, None),
    b(&[Char('k'), Up], "k/↑", "up", Action::Up, None),
    b(&[Char('g'), Home], "g", "first", Action::Top, None),
    b(&[Char('G'), End], "G", "last", Action::Bottom, None),
];
const PAGE: [Binding; 2] = [
    b(&[PageDown], "PgDn", "page down", Action::PageDown, None),
    b(&[PageUp], "PgUp", "page up", Action::PageUp, None),
];

pub const BROWSER: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    MOVE[2],
    MOVE[3],
    PAGE[0],
    PAGE[1],
    b(
        &[Enter, Char('l'), Right],
        "Enter",
        "open the folder or file",
        Action::Open,
        Some("open"),
    ),
    b(
        &[Backspace, Char('h'), Left],
        "h/⌫",
        "up one folder",
        Action::Back,
        Some("up"),
    ),
    b(
        &[Char('/')],
        "/",
        "filter by name (Esc clears)",
        Action::Filter,
        Some("filter"),
    ),
    b(
        &[Char('o')],
        "o",
        "open this folder as a dataset (files directly in it)",
        Action::OpenDataset,
        Some("open folder as dataset"),
    ),
    b(
        &[Char('O')],
        "O",
        "open this folder and all subfolders as a dataset",
        Action::OpenDatasetRecursive,
        None,
    ),
    b(
        &[Esc],
        "Esc",
        "clear the filter; with none, up a folder",
        Action::Back,
        None,
    ),
];

pub const DATASET: &[Binding] = &[
    b(
        &[Char('h'), Left],
        "h/←",
        "previous column",
        Action::Left,
        None,
    ),
    b(
        &[Char('l'), Right],
        "l/→",
        "next column",
        Action::Right,
        None,
    ),
    MOVE[0],
    MOVE[1],
    MOVE[2],
    MOVE[3],
    PAGE[0],
    PAGE[1],
    b(
        &[Char('t')],
        "t",
        "label the column as the timestamp",
        Action::SetRole(Role::Timestamp),
        Some("timestamp"),
    ),
    b(
        &[Char('m')],
        "m",
        "label the column as a measure",
        Action::SetRole(Role::Measure),
        Some("measure"),
    ),
    b(
        &[Char('d')],
        "d",
        "label the column as a dimension",
        Action::SetRole(Role::Dimension),
        Some("dimension"),
    ),
    b(
        &[Char('i')],
        "i",
        "ignore the column",
        Action::SetRole(Role::Ignored),
        Some("ignore"),
    ),
    b(
        &[Char('a')],
        "a",
        "switch the measure between SUM and AVG",
        Action::ToggleAggregation,
        None,
    ),
    b(
        &[Char('r')],
        "r",
        "reset labels and read settings to the suggestions",
        Action::ResetLabels,
        None,
    ),
    b(
        &[Char('f')],
        "f",
        "edit the timestamp format (live check)",
        Action::EditTimestampFormat,
        None,
    ),
    b(
        &[Char('F')],
        "F",
        "read as CSV / JSON lines",
        Action::CycleFormat,
        None,
    ),
    b(
        &[Char('D')],
        "D",
        "change the delimiter",
        Action::CycleDelimiter,
        None,
    ),
    b(
        &[Char('Q')],
        "Q",
        "change the quote symbol",
        Action::CycleQuote,
        None,
    ),
    b(
        &[Char('H')],
        "H",
        "header line yes / no",
        Action::ToggleHeader,
        None,
    ),
    b(
        &[Char('c')],
        "c",
        "coverage: records per interval over every file",
        Action::Coverage,
        Some("coverage"),
    ),
    b(
        &[Char('v')],
        "v",
        "findings: what blocks a detector",
        Action::Findings,
        Some("findings"),
    ),
    b(
        &[Char('e')],
        "e",
        "export a config",
        Action::Export,
        Some("export"),
    ),
    b(
        &[Esc, Backspace],
        "Esc",
        "back to the browser",
        Action::Back,
        Some("back"),
    ),
];

pub const COVERAGE: &[Binding] = &[
    interval_key(&[Char('1')], "1", Frequency::PT5M),
    interval_key(&[Char('2')], "2", Frequency::PT10M),
    interval_key(&[Char('3')], "3", Frequency::PT1H),
    interval_key(&[Char('4')], "4", Frequency::P1D),
    b(
        &[Char('z')],
        "z",
        "set the timezone",
        Action::EditTimezone,
        Some("timezone"),
    ),
    b(
        &[Char('+'), Char('=')],
        "+",
        "zoom in (fewer intervals per column)",
        Action::ZoomIn,
        Some("zoom"),
    ),
    b(&[Char('-')], "-", "zoom out", Action::ZoomOut, None),
    b(
        &[Char('f')],
        "f",
        "narrow to one dimension value or metric (a list, fewest intervals first)",
        Action::Narrow,
        Some("narrow"),
    ),
    b(
        &[Char('a')],
        "a",
        "the whole dataset again (after f)",
        Action::Whole,
        None,
    ),
    b(
        &[Char('p')],
        "p",
        "chart the values of the metric narrowed to, or of the only one (else a list of metrics first)",
        Action::Chart,
        Some("chart"),
    ),
    b(
        &[Char('h'), Left],
        "h/←",
        "cursor one column earlier",
        Action::Left,
        None,
    ),
    b(
        &[Char('l'), Right],
        "l/→",
        "cursor one column later",
        Action::Right,
        None,
    ),
    b(
        &[Char('H'), ShiftLeft, PageUp],
        "H/⇧←",
        "cursor one screen earlier",
        Action::ScreenLeft,
        None,
    ),
    b(
        &[Char('L'), ShiftRight, PageDown],
        "L/⇧→",
        "cursor one screen later",
        Action::ScreenRight,
        None,
    ),
    b(
        &[Char('n')],
        "n",
        "next gap (missing intervals)",
        Action::NextGap,
        Some("next gap"),
    ),
    b(&[Char('N')], "N", "previous gap", Action::PrevGap, None),
    b(&[Char('g'), Home], "g", "first interval", Action::Top, None),
    b(
        &[Char('G'), End],
        "G",
        "last interval",
        Action::Bottom,
        None,
    ),
    b(&[Char('s')], "s", "scan again", Action::Rescan, None),
    b(
        &[Char('A')],
        "A",
        "count an s3:// dataset in Amazon Athena (--database, --work-group, --output-location), or here again",
        Action::Engine,
        None,
    ),
    b(&[Char('v')], "v", "findings", Action::Findings, None),
    b(
        &[Char('e')],
        "e",
        "export a config",
        Action::Export,
        Some("export"),
    ),
    b(
        &[Esc, Backspace],
        "Esc",
        "cancel the scan, the whole dataset again, or back to the columns",
        Action::Back,
        Some("cancel/back"),
    ),
];

/// The chart of a metric's values on the coverage screen (`p`): the histogram's cursor, zoom and
/// intervals, over values instead of records.
pub const CHART: &[Binding] = &[
    interval_key(&[Char('1')], "1", Frequency::PT5M),
    interval_key(&[Char('2')], "2", Frequency::PT10M),
    interval_key(&[Char('3')], "3", Frequency::PT1H),
    interval_key(&[Char('4')], "4", Frequency::P1D),
    b(
        &[Char('z')],
        "z",
        "set the timezone",
        Action::EditTimezone,
        Some("timezone"),
    ),
    b(
        &[Char('+'), Char('=')],
        "+",
        "zoom in (fewer intervals per column)",
        Action::ZoomIn,
        Some("zoom"),
    ),
    b(&[Char('-')], "-", "zoom out", Action::ZoomOut, None),
    b(
        &[Char('b')],
        "b",
        "backtest the metric: what a detector with OpenSearch's defaults would flag, marked by grade (Esc stops it; b again hides the marks)",
        Action::Backtest,
        Some("backtest"),
    ),
    b(
        &[Char('i')],
        "i",
        "how the backtest fills missing intervals: ignore, zero, previous (kept with the session; a fixed value: l4m backtest --impute)",
        Action::CycleImpute,
        None,
    ),
    b(
        &[Char('f')],
        "f",
        "chart another metric (a list, fewest intervals first)",
        Action::Narrow,
        Some("metric"),
    ),
    b(
        &[Char('h'), Left],
        "h/←",
        "cursor one column earlier",
        Action::Left,
        None,
    ),
    b(
        &[Char('l'), Right],
        "l/→",
        "cursor one column later",
        Action::Right,
        None,
    ),
    b(
        &[Char('H'), ShiftLeft, PageUp],
        "H/⇧←",
        "cursor one screen earlier",
        Action::ScreenLeft,
        None,
    ),
    b(
        &[Char('L'), ShiftRight, PageDown],
        "L/⇧→",
        "cursor one screen later",
        Action::ScreenRight,
        None,
    ),
    b(
        &[Char('n')],
        "n",
        "next gap (intervals without a value); while a backtest's marks show, next anomaly",
        Action::NextGap,
        Some("next"),
    ),
    b(
        &[Char('N')],
        "N",
        "previous gap, or previous anomaly",
        Action::PrevGap,
        None,
    ),
    b(&[Char('g'), Home], "g", "first interval", Action::Top, None),
    b(
        &[Char('G'), End],
        "G",
        "last interval",
        Action::Bottom,
        None,
    ),
    b(
        &[Char('a')],
        "a",
        "the whole dataset's histogram",
        Action::Whole,
        None,
    ),
    b(&[Char('s')], "s", "scan again", Action::Rescan, None),
    b(&[Char('v')], "v", "findings", Action::Findings, None),
    b(
        &[Char('e')],
        "e",
        "export a config",
        Action::Export,
        Some("export"),
    ),
    b(
        &[Esc, Backspace, Char('p')],
        "Esc/p",
        "stop the backtest; cancel the scan, else back to the histogram (of the same metric)",
        Action::Back,
        Some("histogram"),
    ),
];

/// The list of metrics the chart is drawn for (`p` with no metric chosen, `f` on the chart).
pub const PICK_METRIC: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    MOVE[2],
    MOVE[3],
    PAGE[0],
    PAGE[1],
    b(
        &[Enter],
        "Enter",
        "chart it (a scan of its records)",
        Action::Open,
        Some("chart"),
    ),
    b(
        &[Char('/')],
        "/",
        "filter the list as you type (Enter keeps, Esc clears)",
        Action::Filter,
        Some("filter"),
    ),
    b(
        &[Esc, Backspace],
        "Esc",
        "close the list",
        Action::Back,
        Some("close"),
    ),
];

/// The list the coverage screen is narrowed from (`f`).
pub const NARROW: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    MOVE[2],
    MOVE[3],
    PAGE[0],
    PAGE[1],
    b(
        &[Enter],
        "Enter",
        "narrow the coverage to it (a scan of its records)",
        Action::Open,
        Some("narrow"),
    ),
    b(
        &[Char('/')],
        "/",
        "filter the list as you type (Enter keeps, Esc clears)",
        Action::Filter,
        Some("filter"),
    ),
    b(
        &[Esc, Backspace],
        "Esc",
        "close the list",
        Action::Back,
        Some("close"),
    ),
];

pub const FINDINGS: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    MOVE[2],
    MOVE[3],
    b(&[Char('c')], "c", "coverage", Action::Coverage, None),
    b(
        &[Char('e')],
        "e",
        "export a config",
        Action::Export,
        Some("export"),
    ),
    b(&[Esc, Backspace], "Esc", "back", Action::Back, Some("back")),
];

pub const EXPORT: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    b(
        &[Enter],
        "Enter",
        "edit the field (Enter keeps, Esc drops)",
        Action::EditField,
        Some("edit"),
    ),
    b(
        &[Char(' '), Tab],
        "Space",
        "switch the target / YAML",
        Action::ToggleTarget,
        Some("switch"),
    ),
    b(
        &[Char('w')],
        "w",
        "write the file (asks before replacing)",
        Action::Write,
        Some("write"),
    ),
    PAGE[0],
    PAGE[1],
    b(&[Esc, Backspace], "Esc", "back", Action::Back, Some("back")),
];

/// The action bound to a key in a table, then in the global table.
pub fn lookup(table: &[Binding], key: Key) -> Option<Action> {
    table
        .iter()
        .chain(GLOBAL)
        .find(|b| b.keys.contains(&key))
        .map(|b| b.action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_interval_has_one_key_on_the_coverage_screen_in_the_tables_order() {
        let keys: Vec<_> = COVERAGE
            .iter()
            .filter_map(|b| match b.action {
                Action::SetFrequency(f) => Some((f, b.label)),
                _ => None,
            })
            .collect();
        let want: Vec<_> = Frequency::ALL
            .iter()
            .enumerate()
            .map(|(i, f)| (*f, ["1", "2", "3", "4", "5", "6", "7", "8", "9"][i]))
            .collect();
        assert_eq!(keys, want);
        let b = COVERAGE.iter().find(|b| b.label == "3").unwrap();
        assert_eq!(b.describe(), "1-hour intervals");
        assert_eq!(b.short, Some("1h"));
    }

    #[test]
    fn no_key_is_bound_twice_on_one_screen() {
        for (name, table) in [
            ("browser", BROWSER),
            ("dataset", DATASET),
            ("coverage", COVERAGE),
            ("chart", CHART),
            ("narrow", NARROW),
            ("pick metric", PICK_METRIC),
            ("findings", FINDINGS),
            ("export", EXPORT),
        ] {
            let mut seen: Vec<Key> = Vec::new();
            for bnd in table.iter().chain(GLOBAL) {
                for k in bnd.keys {
                    // Esc may share an action with another key of the same binding set only.
                    let dup = seen.contains(k);
                    let same_action_elsewhere = table
                        .iter()
                        .chain(GLOBAL)
                        .filter(|o| o.keys.contains(k))
                        .all(|o| o.action == bnd.action);
                    assert!(!dup || same_action_elsewhere, "{name}: {k:?} bound twice");
                    seen.push(*k);
                }
            }
        }
    }
}
