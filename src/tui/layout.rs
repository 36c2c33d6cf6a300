//! Where everything goes on the screen, computed in one place from the terminal size.
//!
//! The state code (paging, keeping a cursor in view, mouse clicks) and the drawing code both ask
//! here, so a page is exactly as many rows as are drawn and a click lands on what was drawn there.

use ratatui::layout::{Constraint, Layout, Rect};

/// The smallest terminal the screens are laid out for.
pub const MIN_SIZE: (u16, u16) = (60, 16);

/// From this width on, the browser's preview sits beside the listing; below, under it.
pub const PREVIEW_BESIDE_FROM: u16 = 100;

/// Title line, body and status line of a terminal of `size` (columns, rows).
#[derive(Debug, Clone, Copy)]
pub struct Screen {
    pub title: Rect,
    pub body: Rect,
    pub status: Rect,
}

impl Screen {
    pub fn new(size: (u16, u16)) -> Screen {
        Screen::of(Rect::new(0, 0, size.0, size.1))
    }

    pub fn of(area: Rect) -> Screen {
        let [title, body, status] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(1),
        ])
        .areas(area);
        Screen {
            title,
            body,
            status,
        }
    }

    pub fn too_small(area: Rect) -> bool {
        area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1
    }
}

/// The inside of a box with a border on every side.
pub fn inner(area: Rect) -> Rect {
    Rect {
        x: area.x.saturating_add(1),
        y: area.y.saturating_add(1),
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    }
}

/// The browser: a path line, the listing, and the preview of the highlighted entry.
#[derive(Debug, Clone, Copy)]
pub struct Browser {
    pub head: Rect,
    /// The listing's box (with its border).
    pub list: Rect,
    /// The preview's box (with its border).
    pub preview: Rect,
    /// True when the preview is beside the listing rather than under it.
    pub beside: bool,
}

impl Browser {
    pub fn new(body: Rect) -> Browser {
        let [head, rest] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(body);
        let beside = body.width >= PREVIEW_BESIDE_FROM;
        let [list, preview] = if beside {
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(rest)
        } else {
            Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(rest)
        };
        Browser {
            head,
            list,
            preview,
            beside,
        }
    }

    /// Rows of entries the listing shows (below its header line).
    pub fn list_rows(&self) -> usize {
        inner(self.list).height.saturating_sub(1) as usize
    }

    /// The screen row of the listing's first entry.
    pub fn first_row_y(&self) -> u16 {
        inner(self.list).y + 1
    }
}

/// The columns screen: detection lines, the sample table, the selected column's detail.
#[derive(Debug, Clone, Copy)]
pub struct Dataset {
    pub detect: Rect,
    /// The table's box (with its border).
    pub table: Rect,
    pub detail: Rect,
}

/// Lines a sample table's header takes (name, kind, role).
pub const TABLE_HEADER_ROWS: u16 = 3;

impl Dataset {
    pub fn new(body: Rect) -> Dataset {
        let detect_height = if body.width < 100 { 3 } else { 2 };
        let [detect, table, detail] = Layout::vertical([
            Constraint::Length(detect_height),
            Constraint::Min(5),
            Constraint::Length(5),
        ])
        .areas(body);
        Dataset {
            detect,
            table,
            detail,
        }
    }

    /// Sample rows the table shows.
    pub fn body_rows(&self) -> usize {
        inner(self.table).height.saturating_sub(TABLE_HEADER_ROWS) as usize
    }
}

/// The coverage screen: the summary, the histogram's box and the cursor's readout.
#[derive(Debug, Clone, Copy)]
pub struct Coverage {
    pub summary: Rect,
    /// The histogram's box (with its border).
    pub chart: Rect,
    pub readout: Rect,
}

impl Coverage {
    pub fn new(body: Rect) -> Coverage {
        let [summary, chart, readout] = Layout::vertical([
            Constraint::Length(9),
            Constraint::Min(5),
            Constraint::Length(1),
        ])
        .areas(body);
        Coverage {
            summary,
            chart,
            readout,
        }
    }
}

/// The list the coverage screen is narrowed from: a box over the body below its first line (the
/// interval and timezone stay in view).
pub fn picker(body: Rect) -> Rect {
    Rect {
        y: body.y + 1,
        height: body.height.saturating_sub(1),
        ..body
    }
}

/// The list's first inner line: its filter.
pub fn picker_head(body: Rect) -> Rect {
    Rect {
        height: 1,
        ..inner(picker(body))
    }
}

/// The list's rows, under its filter line.
pub fn picker_rows(body: Rect) -> Rect {
    let inside = inner(picker(body));
    Rect {
        y: inside.y + 1,
        height: inside.height.saturating_sub(1),
        ..inside
    }
}

/// The export screen: the form, the lines under it, and the file it will write.
#[derive(Debug, Clone, Copy)]
pub struct Export {
    /// The form's box (with its border).
    pub form: Rect,
    pub bottom: Rect,
    pub preview: Rect,
}

impl Export {
    pub fn new(body: Rect) -> Export {
        let [form_area, preview] =
            Layout::horizontal([Constraint::Percentage(48), Constraint::Percentage(52)])
                .areas(body);
        let [form, bottom] =
            Layout::vertical([Constraint::Min(4), Constraint::Length(3)]).areas(form_area);
        Export {
            form,
            bottom,
            preview,
        }
    }

    /// Rows of fields the form shows.
    pub fn form_rows(&self) -> usize {
        inner(self.form).height as usize
    }
}

/// The findings list's inside.
pub fn findings(body: Rect) -> Rect {
    inner(body)
}

/// The first row to show so that `selected` is inside a window of `height` rows, moving the window
/// as little as possible from `start`.
pub fn keep_in_view(selected: usize, start: usize, height: usize) -> usize {
    if height == 0 {
        return selected;
    }
    if selected < start {
        selected
    } else if selected >= start + height {
        selected + 1 - height
    } else {
        start
    }
}

/// The first row to show so that `selected` is the last row of a window of `height` rows, or
/// the first window when it fits there.
pub fn window_start(selected: usize, height: usize) -> usize {
    if height == 0 {
        0
    } else {
        selected.saturating_sub(height - 1)
    }
}

/// True when the point is inside the area.
pub fn hit(area: Rect, x: u16, y: u16) -> bool {
    x >= area.x && x < area.x + area.width && y >= area.y && y < area.y + area.height
}
