//! The terminal UI as an explorer: the browser's preview, the histogram's cursor and readout, DST
//! timezones, stale figures, validated fields, sessions that last, the mouse, request ids and
//! paged S3 listings. Keys in, state out (requests run in line against the real engine, or a
//! paged fake of S3), and snapshots of what is drawn.

use crate::common;

use common::tui::*;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use l4m::schema::{Frequency, Role};
use l4m::source::local::LocalSource;
use l4m::source::{Entry, EntryKind, HEAD_BYTES, Location, Page, Source};
use l4m::tui::app::{App, Options, Pointer, Screen};
use l4m::tui::export::FieldKey;
use l4m::tui::keys::Key;
use l4m::tui::layout;
use l4m::tui::preview::{FolderLayout, Pane, Preview};
use l4m::tui::session;
use l4m::tui::worker::{Answer, Job, Response};

fn chars(app: &mut App, text: &str) {
    typed(app, text);
    pump(app);
}

fn sample(size: (u16, u16)) -> App {
    let mut app = app_at("assets/ecommerce", size, Options::default());
    keys(&mut app, &[Key::Char('o')]);
    app
}

fn role(app: &App, column: &str) -> Role {
    app.dataset
        .as_ref()
        .unwrap()
        .labels
        .get(column)
        .unwrap()
        .role
}

/// The sample's export form with everything a config needs, so that only the finding under
/// test can stop `w`.
fn complete_form(app: &mut App, out: &Path) {
    keys(app, &[Key::Char('e')]);
    fill(
        app,
        FieldKey::RoleArn,
        "arn:aws:iam::123456789012:role/L4MRole",
    );
    fill(
        app,
        FieldKey::DetectorArn,
        "arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:ecommerce",
    );
    fill(
        app,
        FieldKey::HistoricalPath,
        "s3://my-bucket/ecommerce/backtest/",
    );
    fill(app, FieldKey::Output, out.to_str().unwrap());
}

fn rules(app: &App) -> Vec<String> {
    app.findings
        .list
        .iter()
        .map(|f| f.rule.to_string())
        .collect()
}

// ---- the browser's preview ---------------------------------------------------------------------

#[test]
fn the_preview_shows_a_folders_data_files_and_layout_without_opening_it() {
    let app = app_at("assets", (100, 30), Options::default());
    assert_eq!(app.browser.visible()[0].name, "ecommerce");
    let Pane::Ready(name, p) = &app.browser.preview else {
        panic!("no preview: {:?}", app.browser.preview);
    };
    assert_eq!(name, "ecommerce");
    let Preview::Folder(s) = p.as_ref() else {
        panic!("{p:?}")
    };
    assert_eq!((s.data_files, s.subfolders, s.other_files), (24, 0, 0));
    assert_eq!(s.layout, FolderLayout::Flat);
    assert_eq!(app.screen, Screen::Browser, "nothing was opened");
}

#[test]
fn the_preview_of_a_continuous_layout_names_its_path_template() {
    let app = app_at(common::fixture(""), (100, 30), Options::default());
    let live = app
        .browser
        .visible()
        .iter()
        .position(|e| e.name == "l4m-ecommerce-live")
        .unwrap();
    let mut app = app;
    for _ in 0..live {
        app.key(Key::Down);
    }
    pump(&mut app);
    let Pane::Ready(_, p) = &app.browser.preview else {
        panic!("{:?}", app.browser.preview)
    };
    let Preview::Folder(s) = p.as_ref() else {
        panic!()
    };
    assert_eq!(s.data_files, 0);
    assert!(
        matches!(&s.layout, FolderLayout::Template { template, files } if template == "{{yyyyMMdd}}/{{HHmm}}" && *files > 1),
        "{:?}",
        s.layout
    );
}

#[test]
fn the_preview_of_a_data_file_shows_its_format_columns_and_first_rows() {
    let mut app = app_at("assets", (100, 30), Options::default());
    keys(&mut app, &[Key::Enter]);
    let Pane::Ready(name, p) = &app.browser.preview else {
        panic!("{:?}", app.browser.preview)
    };
    assert_eq!(name, "2020-10-01.csv");
    let Preview::File(f) = p.as_ref() else {
        panic!()
    };
    assert_eq!(f.format, "CSV, comma, header");
    assert_eq!(f.columns[2].0, "timestamp");
    assert_eq!(f.columns[2].1, "timestamp yyyy-MM-dd HH:mm:ss");
    assert_eq!(f.records, 504);
    assert_eq!(f.rows[0][2], "2020-10-01 00:00:00");
    // A file that is not data is not read: the pane says why.
    keys(&mut app, &[Key::Char('h')]);
    keys(&mut app, &[Key::Char('j')]);
    assert!(
        matches!(&app.browser.preview, Pane::NotData(n, why) if n == "README.md" && why.starts_with("not CSV")),
        "{:?}",
        app.browser.preview
    );
}

#[test]
fn moving_on_cancels_the_preview_and_its_late_answer_is_dropped() {
    let mut app = App::new(
        Location::Local(PathBuf::from("assets/ecommerce")),
        false,
        Options::default(),
    );
    let listed = app.take_requests().remove(0);
    let response = l4m::tui::worker::run(&LocalSource, listed);
    app.on_response(response);
    let first = app.take_requests().remove(0);
    let Job::Preview { entry, cancel } = &first.job else {
        panic!("{first:?}")
    };
    assert_eq!(entry.name, "2020-10-01.csv");
    let cancel = cancel.clone();
    app.key(Key::Down);
    assert!(
        cancel.load(Ordering::Relaxed),
        "the first preview is cancelled"
    );
    // Its answer (had it finished anyway) does not replace the one now asked for.
    let late = l4m::tui::worker::run(&LocalSource, first.clone());
    assert!(matches!(late.answer, Answer::Previewed { result: None }));
    let Job::Preview { entry, .. } = first.job else {
        unreachable!()
    };
    let stale = l4m::tui::worker::run(
        &LocalSource,
        l4m::tui::worker::Request {
            id: first.id,
            job: Job::Preview {
                entry,
                cancel: Default::default(),
            },
        },
    );
    app.on_response(stale);
    assert!(
        matches!(&app.browser.preview, Pane::Loading(n) if n == "2020-10-02.csv"),
        "{:?}",
        app.browser.preview
    );
    pump(&mut app);
    assert!(matches!(&app.browser.preview, Pane::Ready(n, _) if n == "2020-10-02.csv"));
}

#[test]
fn an_older_listing_never_replaces_a_newer_one() {
    let mut app = App::new(
        Location::Local(PathBuf::from("assets")),
        false,
        Options::default(),
    );
    pump(&mut app);
    app.key(Key::Enter); // into ecommerce: listing A
    let a = app.take_requests();
    app.key(Key::Char('h')); // back up
    app.take_requests();
    app.key(Key::Enter); // into ecommerce again: listing C
    let a = a
        .into_iter()
        .find(|r| matches!(r.job, Job::List { .. }))
        .unwrap();
    app.on_response(l4m::tui::worker::run(&LocalSource, a));
    assert!(
        app.browser.loading,
        "the answer to the older request is dropped"
    );
    pump(&mut app);
    assert!(!app.browser.loading);
    assert_eq!(app.browser.entries.len(), 24);
}

#[test]
fn snapshot_browser_with_a_file_preview_at_100x30() {
    let mut app = app_at("assets/ecommerce", (100, 30), Options::default());
    keys(&mut app, &[Key::Down]);
    insta::assert_snapshot!(draw(&app, 100, 30));
}

#[test]
fn snapshot_browser_with_a_folder_preview_at_80x24() {
    let app = app_at("assets", (80, 24), Options::default());
    insta::assert_snapshot!(masked(&draw(&app, 80, 24), None));
}

// ---- a paged S3 listing (a fake source that answers like S3) -----------------------------------

/// A bucket of `n` objects listed `page` keys at a time; object bodies are CSV of `size` bytes.
struct PagedS3 {
    names: Vec<String>,
    page: usize,
    size: usize,
    /// Bytes handed out, as the S3 source counts them.
    read: AtomicU64,
}

impl PagedS3 {
    fn new(n: usize, page: usize, size: usize) -> PagedS3 {
        let mut names: Vec<String> = (0..n)
            .map(|i| format!("metrics-{:04}.csv", i * 7 % n))
            .collect();
        names.sort();
        PagedS3 {
            names,
            page,
            size,
            read: AtomicU64::new(0),
        }
    }

    fn body(&self) -> Vec<u8> {
        let mut s = String::from("timestamp,host,requests\n");
        let mut i = 0;
        while s.len() < self.size {
            s.push_str(&format!(
                "2021-03-{:02} {:02}:00:00,web-{},{}\n",
                1 + i / 24 % 28,
                i % 24,
                i % 3,
                100 + i % 50
            ));
            i += 1;
        }
        s.into_bytes()
    }

    fn entry(&self, name: &str) -> Entry {
        Entry {
            name: name.into(),
            kind: EntryKind::File,
            size: Some(self.size as u64),
            modified: None,
            location: Location::parse(&format!("s3://metrics/daily/{name}")).unwrap(),
        }
    }
}

impl Source for PagedS3 {
    fn stat(&self, location: &Location) -> l4m::Result<Entry> {
        Ok(self.entry(&location.file_name()))
    }

    fn list(&self, _location: &Location, cursor: Option<&str>) -> l4m::Result<Page> {
        let start: usize = cursor.map_or(0, |c| c.parse().unwrap());
        let end = (start + self.page).min(self.names.len());
        Ok(Page {
            entries: self.names[start..end]
                .iter()
                .map(|n| self.entry(n))
                .collect(),
            next: (end < self.names.len()).then(|| end.to_string()),
        })
    }

    fn walk(&self, location: &Location, cursor: Option<&str>) -> l4m::Result<Page> {
        self.list(location, cursor)
    }

    fn read_range(&self, _location: &Location, start: u64, len: u64) -> l4m::Result<Vec<u8>> {
        let body = self.body();
        let from = (start as usize).min(body.len());
        let to = (from + len as usize).min(body.len());
        self.read.fetch_add((to - from) as u64, Ordering::Relaxed);
        Ok(body[from..to].to_vec())
    }

    fn open(&self, _location: &Location) -> l4m::Result<Box<dyn Read + Send>> {
        Ok(Box::new(std::io::Cursor::new(self.body())))
    }
}

fn s3_app(source: &PagedS3, size: (u16, u16)) -> App {
    let mut app = App::new(
        Location::parse("s3://metrics/daily/").unwrap(),
        false,
        Options::default(),
    );
    app.ctx.size = size;
    app.settle(source);
    app
}

#[test]
fn a_paged_s3_listing_shows_its_first_page_and_filtering_loads_the_rest() {
    let source = PagedS3::new(1_250, 500, 2_000);
    let mut app = s3_app(&source, (100, 30));
    // The first page only, with a note that more come as the cursor nears the end.
    assert_eq!(app.browser.entries.len(), 500);
    assert!(app.browser.next.is_some());
    // A filter must see every name: the remaining pages are loaded.
    app.key(Key::Char('/'));
    typed(&mut app, "-124");
    app.settle(&source);
    assert_eq!(app.browser.entries.len(), 1_250);
    assert!(app.browser.next.is_none());
    let names: Vec<&str> = app
        .browser
        .visible()
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(
        names,
        (1240..1250)
            .map(|i| format!("metrics-{i}.csv"))
            .collect::<Vec<_>>()
    );
}

#[test]
fn the_preview_of_a_large_s3_object_reads_at_most_one_mebibyte() {
    let source = PagedS3::new(3, 1_000, 3 * 1024 * 1024);
    let app = s3_app(&source, (100, 30));
    let Pane::Ready(_, p) = &app.browser.preview else {
        panic!("{:?}", app.browser.preview)
    };
    let Preview::File(f) = p.as_ref() else {
        panic!()
    };
    assert_eq!(f.read, HEAD_BYTES);
    assert_eq!(source.read.load(Ordering::Relaxed), HEAD_BYTES);
    assert_eq!(f.columns.len(), 3);
}

#[test]
fn snapshot_s3_listing_with_more_pages_and_an_object_preview() {
    let source = PagedS3::new(1_250, 500, 4_000);
    let mut app = s3_app(&source, (100, 30));
    app.key(Key::Down);
    app.settle(&source);
    insta::assert_snapshot!(draw(&app, 100, 30));
}

// ---- the histogram's cursor ------------------------------------------------------------------

fn coverage_sample(size: (u16, u16)) -> App {
    let mut app = sample(size);
    keys(&mut app, &[Key::Char('c')]);
    app
}

fn cursor(app: &App) -> usize {
    app.coverage.as_ref().unwrap().cursor
}

#[test]
fn the_histogram_cursor_moves_by_column_and_by_screen_and_jumps_between_gaps() {
    let mut app = coverage_sample((100, 30));
    keys(&mut app, &[Key::Char('+'), Key::Char('+'), Key::Char('+')]);
    let c = app.coverage.as_ref().unwrap();
    let g = c.geometry(app.ctx.screen().body).unwrap();
    assert_eq!(g.zoom, 1, "zoomed in to one interval a column");
    assert_eq!(cursor(&app), 0);
    keys(&mut app, &[Key::Char('l'), Key::Char('l'), Key::Right]);
    assert_eq!(cursor(&app), 3);
    keys(&mut app, &[Key::ShiftRight]);
    assert_eq!(cursor(&app), 3 + g.columns);
    keys(&mut app, &[Key::Char('H')]);
    assert_eq!(cursor(&app), 3);
    // The sample's gaps start at 2020-10-05 04:00, 2020-10-13 12:00 and 2020-10-21 20:00.
    keys(&mut app, &[Key::Char('n')]);
    assert_eq!(cursor(&app), 4 * 24 + 4);
    keys(&mut app, &[Key::Char('n')]);
    assert_eq!(cursor(&app), 12 * 24 + 12);
    let c = app.coverage.as_ref().unwrap();
    let g = c.geometry(app.ctx.screen().body).unwrap();
    assert!(
        (c.scroll..c.scroll + g.columns).contains(&g.column_of(c.cursor)),
        "the cursor is kept in view"
    );
    keys(&mut app, &[Key::Char('n'), Key::Char('n')]);
    assert_eq!(cursor(&app), 20 * 24 + 20);
    assert_eq!(status(&app), "no more gaps that way");
    keys(&mut app, &[Key::Char('N')]);
    assert_eq!(cursor(&app), 12 * 24 + 12);
    keys(&mut app, &[Key::Char('G')]);
    assert_eq!(cursor(&app), 575);
    keys(&mut app, &[Key::Char('g')]);
    assert_eq!(cursor(&app), 0);
}

#[test]
fn zooming_keeps_the_cursors_interval_in_view() {
    let mut app = coverage_sample((100, 30));
    keys(&mut app, &[Key::Char('n'), Key::Char('n')]);
    let at = cursor(&app);
    for k in ['+', '+', '+', '-', '+'] {
        keys(&mut app, &[Key::Char(k)]);
        let c = app.coverage.as_ref().unwrap();
        let g = c.geometry(app.ctx.screen().body).unwrap();
        assert_eq!(c.cursor, at);
        let column = g.column_of(at);
        assert!(
            (c.scroll..c.scroll + g.columns).contains(&column),
            "zoom {} scroll {} column {column}",
            g.zoom,
            c.scroll
        );
    }
}

#[test]
fn the_readout_gives_the_interval_under_the_cursor_or_the_range_of_a_wide_column() {
    let mut app = coverage_sample((100, 30));
    // Fitted: several intervals a column; the readout gives their range and lowest/highest counts.
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains("▶ 2020-10-01 00:00 – 2020-10-01 06:00 UTC   7 of 7 intervals with data"),
        "{screen}"
    );
    keys(&mut app, &[Key::Char('+'), Key::Char('+'), Key::Char('+')]);
    keys(&mut app, &[Key::Char('n')]);
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains("▶ 2020-10-05 04:00 UTC   missing"),
        "{screen}"
    );
    keys(&mut app, &[Key::Char('N'), Key::Char('G')]);
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains("▶ 2020-10-24 23:00 UTC   21 records, 1 file"),
        "{screen}"
    );
    // The y axis shows its scale: the highest count at the top, 0 at the bottom.
    assert!(screen.contains("21┤"), "{screen}");
    assert!(screen.contains(" 0┤"), "{screen}");
}

#[test]
fn a_click_on_the_histogram_puts_the_cursor_on_that_column() {
    let mut app = coverage_sample((100, 30));
    keys(&mut app, &[Key::Char('+'), Key::Char('+'), Key::Char('+')]);
    let c = app.coverage.as_ref().unwrap();
    let g = c.geometry(app.ctx.screen().body).unwrap();
    let x = g.bars.x + (10 * g.cell) as u16;
    app.pointer(Pointer::Click { x, y: g.bars.y + 1 }, Instant::now());
    assert_eq!(cursor(&app), c_scroll(&app) * g.zoom + 10);
    app.pointer(Pointer::Wheel { down: true }, Instant::now());
    assert_eq!(cursor(&app), c_scroll(&app) * g.zoom + 11);
}

fn c_scroll(app: &App) -> usize {
    app.coverage.as_ref().unwrap().scroll
}

#[test]
fn snapshot_coverage_with_the_cursor_on_a_gap() {
    let mut app = coverage_sample((100, 30));
    keys(&mut app, &[Key::Char('+'), Key::Char('n'), Key::Char('n')]);
    insta::assert_snapshot!(draw(&app, 100, 30));
}

#[test]
fn snapshot_coverage_at_80x24() {
    let mut app = coverage_sample((80, 24));
    keys(&mut app, &[Key::Char('n')]);
    insta::assert_snapshot!(draw(&app, 80, 24));
}

// ---- daylight saving -------------------------------------------------------------------------

/// A folder with one CSV file of the given lines (header first).
fn dataset_of(lines: &[String]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("data.csv"), lines.join("\n") + "\n").unwrap();
    dir
}

fn open_with_timezone(dir: &Path, tz: &str) -> App {
    let mut app = app_at(dir, (100, 30), Options::default());
    keys(&mut app, &[Key::Char('o')]);
    keys(&mut app, &[Key::Char('c')]);
    keys(&mut app, &[Key::Char('z')]);
    app.key(Key::End);
    for _ in 0..3 {
        app.key(Key::Backspace);
    }
    chars(&mut app, tz);
    keys(&mut app, &[Key::Enter]);
    app
}

#[test]
fn daily_slots_in_new_york_across_the_spring_change_are_local_days() {
    // 2020-02-20 to 2020-03-20, one record a day; New York moves its clocks on 2020-03-08.
    let mut lines = vec!["day,views".to_string()];
    let start = chrono::NaiveDate::from_ymd_opt(2020, 2, 20).unwrap();
    for d in 0..30 {
        let day = start + chrono::Days::new(d);
        lines.push(format!("{},{}", day.format("%Y-%m-%d"), 10 + d));
    }
    let dir = dataset_of(&lines);
    let mut app = open_with_timezone(dir.path(), "America/New_York");
    let c = app.coverage.as_ref().unwrap();
    let r = c.result().cloned().unwrap();
    assert_eq!(r.frequency, Frequency::P1D);
    assert_eq!(r.timezone.name(), "America/New_York");
    assert_eq!(r.span.intervals_spanned, 30);
    assert_eq!(
        c.whole().unwrap().slots.len() as u64,
        r.span.intervals_spanned
    );
    assert_eq!(r.span.intervals_missing, 0);
    // Every day after the change still starts at local midnight.
    keys(&mut app, &[Key::Char('+')]);
    let c = app.coverage.as_ref().unwrap();
    assert_eq!(c.geometry(app.ctx.screen().body).unwrap().zoom, 1);
    for _ in 0..17 {
        app.key(Key::Char('l'));
    }
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains("▶ 2020-03-08 00:00 America/New_York   1 record, 1 file"),
        "{screen}"
    );
    assert!(screen.contains("2020-03-20 00:00"), "{screen}");
    insta::assert_snapshot!(masked(&screen, Some(dir.path())));
}

#[test]
fn hourly_slots_in_berlin_across_the_autumn_change_read_local_hours() {
    // 36 hours of instants from 2020-10-24 12:00 UTC; Berlin's 02:00 comes twice on 2020-10-25.
    let mut lines = vec!["time,requests".to_string()];
    let start = chrono::DateTime::parse_from_rfc3339("2020-10-24T12:00:00Z").unwrap();
    for h in 0..36 {
        let t = start + chrono::Duration::hours(h);
        lines.push(format!("{},{}", t.format("%Y-%m-%dT%H:%M:%SZ"), 1));
    }
    let dir = dataset_of(&lines);
    let mut app = open_with_timezone(dir.path(), "Europe/Berlin");
    let c = app.coverage.as_ref().unwrap();
    let r = c.result().cloned().unwrap();
    assert_eq!(r.frequency, Frequency::PT1H);
    assert_eq!(
        c.whole().unwrap().slots.len() as u64,
        r.span.intervals_spanned
    );
    assert_eq!(
        r.span.intervals_spanned, 35,
        "35 wall-clock hours hold 36 instants"
    );
    assert_eq!(r.read.records, 36);
    keys(&mut app, &[Key::Char('+'), Key::Char('+'), Key::Char('g')]);
    // From 2020-10-24 14:00 local, 02:00 on the 25th is 12 hours later: it holds both instants.
    for _ in 0..12 {
        app.key(Key::Char('l'));
    }
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains("▶ 2020-10-25 02:00 Europe/Berlin   2 records, 1 file"),
        "{screen}"
    );
    assert!(
        screen.contains("2020-10-24 14:00 to 2020-10-26 00:00"),
        "{screen}"
    );
    insta::assert_snapshot!(masked(&screen, Some(dir.path())));
}

// ---- stale figures ---------------------------------------------------------------------------

#[test]
fn figures_from_a_scan_at_another_interval_are_stale_and_w_does_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("config.json");
    let mut app = coverage_sample((100, 30));
    complete_form(&mut app, &out);
    assert_eq!(
        rules(&app),
        ["end-of-support"],
        "the form is complete: only the warning every L4M config carries"
    );
    fill(&mut app, FieldKey::Frequency, "P1D");
    assert_eq!(rules(&app), ["scan-stale", "end-of-support"]);
    keys(&mut app, &[Key::Char('w')]);
    assert_status_starts(&app, "not written: 1 error(s)");
    assert!(!out.exists());
    // The coverage screen says so, and s scans again with the interval now set.
    keys(&mut app, &[Key::Esc, Key::Char('c')]);
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains("STALE  figures from a scan at PT1H, UTC; press s to scan again"),
        "{screen}"
    );
    keys(&mut app, &[Key::Char('s')]);
    let r = app.coverage.as_ref().unwrap().result().cloned().unwrap();
    assert_eq!(r.frequency, Frequency::P1D);
    assert!(!rules(&app).contains(&"scan-stale".to_string()));
}

#[test]
fn a_timezone_change_in_the_form_makes_the_figures_stale() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = coverage_sample((100, 30));
    complete_form(&mut app, &dir.path().join("c.json"));
    fill(&mut app, FieldKey::Timezone, "Europe/Berlin");
    assert_eq!(rules(&app), ["scan-stale", "end-of-support"]);
    keys(&mut app, &[Key::Char('w')]);
    assert!(status(&app).starts_with("not written"), "{}", status(&app));
}

#[test]
fn a_label_change_makes_the_figures_stale() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = coverage_sample((100, 30));
    complete_form(&mut app, &dir.path().join("c.json"));
    // Back to the columns: session_id becomes a dimension.
    keys(&mut app, &[Key::Esc, Key::Esc]);
    assert_eq!(app.screen, Screen::Dataset);
    keys(&mut app, &[Key::Char('l'); 5]);
    keys(&mut app, &[Key::Char('d')]);
    assert!(
        rules(&app).contains(&"scan-stale".to_string()),
        "{:?}",
        rules(&app)
    );
    keys(&mut app, &[Key::Char('e'), Key::Char('w')]);
    assert!(status(&app).starts_with("not written"), "{}", status(&app));
}

// ---- validated fields ------------------------------------------------------------------------

#[test]
fn an_invalid_offset_shows_its_problem_as_typed_and_blocks_w() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.json");
    let mut app = sample((100, 30));
    complete_form(&mut app, &out);
    // While typing: the problem shows under the form.
    let at = FieldKey::ALL
        .iter()
        .position(|k| *k == FieldKey::Offset)
        .unwrap();
    while app.export.selected > at {
        app.key(Key::Up);
    }
    app.key(Key::Enter);
    typed(&mut app, "12x");
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains("✗ offset \"12x\" is not a whole number of seconds"),
        "{screen}"
    );
    app.key(Key::Enter);
    keys(&mut app, &[Key::Char('w')]);
    assert_eq!(
        status(&app),
        "not written: offset (s): offset \"12x\" is not a whole number of seconds"
    );
    assert!(!out.exists());
    // Out of the API model's range.
    fill(&mut app, FieldKey::Offset, "500000");
    keys(&mut app, &[Key::Char('w')]);
    assert!(
        status(&app).starts_with("not written: offset (s): offset ")
            && status(&app).contains("432000"),
        "{}",
        status(&app)
    );
    fill(&mut app, FieldKey::Offset, "300");
    assert_eq!(app.export_options().offset, Some(300));
    keys(&mut app, &[Key::Char('w')]);
    assert_eq!(status(&app), format!("wrote {}", out.display()));
    let written: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(written["Offset"], 300);
}

#[test]
fn the_interval_and_timezone_fields_are_checked_and_a_valid_one_is_the_datasets() {
    let mut app = sample((100, 30));
    keys(&mut app, &[Key::Char('e')]);
    fill(&mut app, FieldKey::Frequency, "PT2H");
    assert!(status(&app).starts_with("unknown"), "{}", status(&app));
    assert_eq!(app.export.problems().len(), 1);
    fill(&mut app, FieldKey::Timezone, "Mars/Base");
    assert_eq!(app.export.problems().len(), 2);
    fill(&mut app, FieldKey::Frequency, "P1D");
    fill(&mut app, FieldKey::Timezone, "Asia/Tokyo");
    assert_eq!(app.export.problems(), []);
    let d = app.dataset.as_ref().unwrap();
    assert_eq!(d.frequency(), Some(Frequency::P1D));
    assert_eq!(d.timezone.name(), "Asia/Tokyo");
}

#[test]
fn text_fields_have_a_cursor_and_a_history() {
    let mut app = sample((100, 30));
    keys(&mut app, &[Key::Char('e')]);
    fill(&mut app, FieldKey::Name, "shop");
    fill(&mut app, FieldKey::Name, "shop-eu");
    // Enter on the field: Home, type at the start; Up recalls the earlier values.
    app.key(Key::Enter);
    app.key(Key::Home);
    typed(&mut app, "x-");
    assert_eq!(app.export.editing.as_ref().unwrap().value(), "x-shop-eu");
    app.key(Key::Up);
    app.key(Key::Up);
    assert_eq!(app.export.editing.as_ref().unwrap().value(), "shop");
    app.key(Key::Enter);
    assert_eq!(app.export.value(FieldKey::Name), "shop");
    assert_eq!(app.export.value(FieldKey::Output), "shop-metric-set.json");
}

#[test]
fn snapshot_export_with_an_invalid_offset_at_80x24() {
    let mut app = sample((80, 24));
    keys(&mut app, &[Key::Char('e')]);
    fill(&mut app, FieldKey::Offset, "-5");
    insta::assert_snapshot!(draw(&app, 80, 24));
}

// ---- sessions ----------------------------------------------------------------------------------

fn with_state(dir: &Path) -> Options {
    Options {
        state_dir: Some(dir.to_path_buf()),
        ..Options::default()
    }
}

#[test]
fn labels_and_settings_are_restored_when_the_location_is_opened_again() {
    let state = tempfile::tempdir().unwrap();
    let mut app = app_at("assets/ecommerce", (100, 30), with_state(state.path()));
    keys(&mut app, &[Key::Char('o')]);
    keys(
        &mut app,
        &[
            Key::Char('l'),
            Key::Char('l'),
            Key::Char('l'),
            Key::Char('i'),
        ],
    );
    keys(&mut app, &[Key::Char('F')]); // read as JSON lines: fails, then back to CSV
    keys(&mut app, &[Key::Char('F')]);
    keys(&mut app, &[Key::Char('e')]);
    fill(
        &mut app,
        FieldKey::RoleArn,
        "arn:aws:iam::123456789012:role/L4MRole",
    );
    fill(&mut app, FieldKey::Frequency, "P1D");
    drop(app);

    let name = session::location_name(&Location::Local("assets/ecommerce".into()));
    let file = session::file(state.path(), &name, false);
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(saved["location"], name.as_str());
    assert_eq!(saved["version"], 1);
    assert_eq!(saved["overrides"]["format"], "csv");

    let mut app = app_at("assets/ecommerce", (100, 30), with_state(state.path()));
    keys(&mut app, &[Key::Char('o')]);
    assert_eq!(role(&app, "views"), Role::Ignored);
    assert_status_starts(&app, "restored your labels and settings");
    assert_eq!(
        app.export.value(FieldKey::RoleArn),
        "arn:aws:iam::123456789012:role/L4MRole"
    );
    let d = app.dataset.as_ref().unwrap();
    assert_eq!(d.frequency(), Some(Frequency::P1D));
    assert_eq!(d.overrides.format, Some(l4m::format::FileFormat::Csv));
    // r goes back to the suggestions (and that is saved too).
    keys(&mut app, &[Key::Char('r')]);
    assert_eq!(role(&app, "views"), Role::Measure);
    assert_eq!(
        app.dataset.as_ref().unwrap().frequency(),
        Some(Frequency::PT1H)
    );
    drop(app);
    let mut app = app_at("assets/ecommerce", (100, 30), with_state(state.path()));
    keys(&mut app, &[Key::Char('o')]);
    assert_eq!(role(&app, "views"), Role::Measure);
}

#[test]
fn fresh_starts_without_the_saved_session() {
    let state = tempfile::tempdir().unwrap();
    let mut app = app_at("assets/ecommerce", (100, 30), with_state(state.path()));
    keys(&mut app, &[Key::Char('o')]);
    keys(
        &mut app,
        &[
            Key::Char('l'),
            Key::Char('l'),
            Key::Char('l'),
            Key::Char('i'),
        ],
    );
    assert_eq!(role(&app, "views"), Role::Ignored);
    drop(app);
    let fresh = Options {
        fresh: true,
        ..with_state(state.path())
    };
    let mut app = app_at("assets/ecommerce", (100, 30), fresh);
    keys(&mut app, &[Key::Char('o')]);
    assert_eq!(role(&app, "views"), Role::Measure);
    assert!(!status(&app).contains("restored"));
}

#[test]
fn a_damaged_session_file_is_ignored_with_a_note() {
    let state = tempfile::tempdir().unwrap();
    let name = session::location_name(&Location::Local("assets/ecommerce".into()));
    let file = session::file(state.path(), &name, false);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "{\"version\": 1, \"location\": 7").unwrap();
    let mut app = app_at("assets/ecommerce", (100, 30), with_state(state.path()));
    keys(&mut app, &[Key::Char('o')]);
    assert_status_holds(&app, "ignored: not JSON");
    assert_eq!(role(&app, "views"), Role::Measure);
    // Another location's session under this name is not trusted either.
    let other = serde_json::json!({
        "version": 1, "location": "/elsewhere", "recursive": false, "labels": [],
        "timestamp_format": null, "overrides": {}, "frequency": null, "timezone": null,
        "export": {"cloudformation": false, "yaml": false, "fields": {}}
    });
    std::fs::write(&file, other.to_string()).unwrap();
    let mut app = app_at("assets/ecommerce", (100, 30), with_state(state.path()));
    keys(&mut app, &[Key::Char('o')]);
    assert_status_holds(&app, "it belongs to /elsewhere");
}

#[test]
fn snapshot_columns_restored_from_a_session_at_80x24() {
    let state = tempfile::tempdir().unwrap();
    let mut app = app_at("assets/ecommerce", (80, 24), with_state(state.path()));
    keys(&mut app, &[Key::Char('o')]);
    keys(
        &mut app,
        &[
            Key::Char('l'),
            Key::Char('l'),
            Key::Char('l'),
            Key::Char('a'),
        ],
    );
    drop(app);
    let mut app = app_at("assets/ecommerce", (80, 24), with_state(state.path()));
    keys(&mut app, &[Key::Char('o')]);
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("measure AVG"), "{screen}");
    insta::assert_snapshot!(screen.replace(&state.path().display().to_string(), "STATE"));
}

// ---- mouse and options -------------------------------------------------------------------------

#[test]
fn a_click_selects_a_row_a_double_click_opens_it_and_the_wheel_scrolls() {
    let mut app = app_at("assets/ecommerce", (100, 30), Options::default());
    let l = layout::Browser::new(app.ctx.screen().body);
    let (x, y) = (l.list.x + 4, l.first_row_y() + 2);
    let t = Instant::now();
    app.pointer(Pointer::Click { x, y }, t);
    assert_eq!(app.browser.selected, 2);
    app.pointer(Pointer::Wheel { down: true }, t);
    assert_eq!(app.browser.selected, 5);
    app.pointer(Pointer::Wheel { down: false }, t);
    // Two clicks far apart in time are two single clicks; close together, a double click.
    app.pointer(Pointer::Click { x, y }, t + Duration::from_secs(1));
    assert_eq!(app.screen, Screen::Browser);
    app.pointer(Pointer::Click { x, y }, t + Duration::from_millis(1_200));
    pump(&mut app);
    assert_eq!(app.screen, Screen::Dataset);
    assert!(
        app.dataset
            .as_ref()
            .unwrap()
            .location
            .to_string()
            .ends_with("2020-10-03.csv")
    );
}

#[test]
fn a_click_selects_a_column_and_a_form_field() {
    let mut app = sample((100, 30));
    let inner = layout::inner(layout::Dataset::new(app.ctx.screen().body).table);
    let cols = app.dataset.as_ref().unwrap().table_columns(inner);
    let (j, x, _) = cols[3];
    app.pointer(
        Pointer::Click {
            x: x + 1,
            y: inner.y,
        },
        Instant::now(),
    );
    assert_eq!(app.dataset.as_ref().unwrap().column, j);
    assert_eq!(j, 3);
    keys(&mut app, &[Key::Char('e')]);
    let form = layout::inner(layout::Export::new(app.ctx.screen().body).form);
    let t = Instant::now();
    app.pointer(
        Pointer::Click {
            x: form.x + 2,
            y: form.y + 7,
        },
        t,
    );
    assert_eq!(FieldKey::ALL[app.export.selected], FieldKey::RoleArn);
    app.pointer(
        Pointer::Click {
            x: form.x + 2,
            y: form.y + 7,
        },
        t + Duration::from_millis(100),
    );
    assert!(
        app.export.editing.is_some(),
        "a double click edits the field"
    );
}

#[test]
fn concurrency_given_at_start_applies_to_the_scans() {
    let options = Options {
        concurrency: Some(1),
        ..Options::default()
    };
    let mut app = App::new(Location::Local("assets/ecommerce".into()), false, options);
    pump(&mut app);
    keys(&mut app, &[Key::Char('o')]);
    app.key(Key::Char('c'));
    let scan = app
        .take_requests()
        .into_iter()
        .find_map(|r| match r.job {
            Job::Scan(scan) => Some(scan.spec),
            _ => None,
        })
        .expect("a scan is asked for");
    assert_eq!(scan.concurrency, 1);
}

#[test]
fn a_canned_answer_with_an_unknown_id_changes_nothing() {
    let mut app = sample((100, 30));
    let before = app.dataset.as_ref().unwrap().labels.clone();
    app.on_response(Response {
        id: 9_999,
        answer: Answer::Inspected {
            location: Location::Local("assets/ecommerce".into()),
            result: Err(std::sync::Arc::new(l4m::Error::NotFound {
                location: Location::Local("stale".into()),
            })),
        },
    });
    assert_eq!(app.dataset.as_ref().unwrap().labels, before);
    assert!(app.dataset.as_ref().unwrap().error.is_none());
}

// ---- an S3 request that waits: the real client against a server that never answers --------------

#[cfg(feature = "s3")]
mod s3_wait {
    use super::*;
    use common::fault_proxy::{Fault, FaultProxy};
    use common::moto::options_at;
    use l4m::source::s3::{S3Options, S3Source};
    use l4m::tui::app::Waiting;
    use std::sync::Arc;
    use std::sync::mpsc::{self, Receiver};

    /// The browser opened on s3://bkt/daily/ behind a server that accepts and never answers, its
    /// first listing sent on a thread as the worker does: the proxy, the source, the app, and
    /// where the listing's answer arrives. Returns once the request is sent and waits.
    fn waiting_listing(timeout_secs: u64) -> (FaultProxy, Arc<S3Source>, App, Receiver<Response>) {
        let proxy = FaultProxy::start("http://127.0.0.1:9");
        proxy.always("*", "*", Fault::Silent);
        let source = Arc::new(
            S3Source::new(&S3Options {
                timeout: Some(Duration::from_secs(timeout_secs)),
                ..options_at(&proxy.endpoint())
            })
            .unwrap(),
        );
        let location = Location::parse("s3://bkt/daily/").unwrap();
        let mut app = App::new(location, false, Options::default());
        app.ctx.size = (80, 24);
        let listing = app.take_requests().remove(0);
        assert!(matches!(listing.job, Job::List { .. }), "{listing:?}");
        let (tx, rx) = mpsc::channel();
        let lister = Arc::clone(&source);
        std::thread::spawn(move || {
            let _ = tx.send(l4m::tui::worker::run(lister.as_ref(), listing));
        });
        // Until the server has the request (and keeps silent).
        let started = Instant::now();
        while source.waiting().is_none() || proxy.count("GET", "/bkt") == 0 {
            assert!(started.elapsed() < Duration::from_secs(5), "never sent");
            std::thread::sleep(Duration::from_millis(10));
        }
        (proxy, source, app, rx)
    }

    #[test]
    fn snapshot_an_s3_listing_that_waits_at_80x24() {
        let (_proxy, source, mut app, _answer) = waiting_listing(60);
        let wait = source.waiting().unwrap();
        // A wait shorter than a second is not shown (most requests end sooner).
        app.set_wait(Some(wait.clone()), wait.since + Duration::from_millis(500));
        assert_eq!(app.wait, None);
        // Drawn as at 3 s into the wait, whatever the machine's pace: the first attempt's (each
        // attempt may wait 30 s of the request's 60).
        app.set_wait(Some(wait.clone()), wait.since + Duration::from_secs(3));
        assert_eq!(
            app.wait,
            Some(Waiting {
                wait,
                elapsed: Duration::from_secs(3)
            })
        );
        let screen = draw(&app, 80, 24);
        assert!(
            screen.contains(
                " Esc cancels  waiting 3 s, attempt 1 of 3, for s3:ListBucket s3://bkt/daily/"
            ),
            "{screen}"
        );
        insta::assert_snapshot!(screen);
        source.cancel_waits();
    }

    #[test]
    fn esc_cancels_an_s3_wait_at_once_and_its_answer_is_dropped() {
        let (proxy, source, mut app, answer) = waiting_listing(60);
        let wait = source.waiting().unwrap();
        app.set_wait(Some(wait.clone()), wait.since + Duration::from_secs(2));
        app.key(Key::Esc);
        // Esc went to the wait, not to the browser (where it goes up a level).
        assert_eq!(app.browser.location.to_string(), "s3://bkt/daily/");
        assert!(!app.browser.loading);
        assert_eq!(
            app.browser.error.as_deref(),
            Some("the listing was cancelled")
        );
        assert_eq!(app.wait, None);
        assert_status_starts(
            &app,
            "cancelled: s3:ListBucket s3://bkt/daily/ had waited 2 s",
        );
        // The event loop then ends the source's waits: the request stops now, not in 60 s.
        assert!(app.take_cancel());
        assert!(!app.take_cancel(), "once");
        let cancelled = Instant::now();
        source.cancel_waits();
        let late = answer
            .recv_timeout(Duration::from_secs(5))
            .expect("the listing ends when cancelled");
        assert!(
            cancelled.elapsed() < Duration::from_secs(1),
            "{:?}",
            cancelled.elapsed()
        );
        assert!(
            matches!(&late.answer, Answer::Listed { result: Err(e), .. } if l4m::fix::Words::error(&l4m::tui::words::TuiWords, e) == "s3://bkt/daily/: the request was cancelled"),
            "{late:?}"
        );
        assert_eq!(source.waiting(), None);
        assert_eq!(proxy.count("GET", "/bkt"), 1, "one attempt, cancelled");
        // Its answer changes nothing on the screen.
        app.on_response(late);
        assert_eq!(
            app.browser.error.as_deref(),
            Some("the listing was cancelled")
        );
        assert_status_starts(&app, "cancelled: s3:ListBucket");
        // Without a wait shown, Esc is the browser's again.
        app.key(Key::Esc);
        assert_eq!(app.browser.location.to_string(), "s3://bkt/");
    }
}

#[test]
fn without_a_detectable_interval_the_scan_takes_one_and_is_not_stale() {
    // One timestamp, many records: the spacing cannot be seen.
    let dir = tempfile::tempdir().unwrap();
    let rows: String = (0..50)
        .map(|i| format!("2024-01-01 10:00:00,{i}\n"))
        .collect();
    std::fs::write(dir.path().join("one.csv"), format!("ts,v\n{rows}")).unwrap();
    let mut app = app_at(dir.path(), (120, 36), Options::default());
    keys(&mut app, &[Key::Char('o')]);
    keys(&mut app, &[Key::Char('c')]);
    assert_status_starts(
        &app,
        "the interval could not be detected: 1 hour taken; press 1-4 for another",
    );
    let c = app.coverage.as_ref().unwrap();
    assert_eq!(c.result().unwrap().frequency, Frequency::PT1H);
    let rules: Vec<String> = app
        .findings
        .list
        .iter()
        .map(|f| f.rule.to_string())
        .collect();
    assert!(!rules.contains(&"scan-stale".to_string()), "{rules:?}");
    assert!(!draw(&app, 120, 36).contains("STALE"));
    assert_eq!(app.export.value(FieldKey::Frequency), "PT1H");
}

/// `A` counts in Athena only what is in S3: on a local folder it says so, with the command that
/// gives the SQL instead, and the screen keeps counting here.
#[test]
fn a_on_a_local_dataset_says_athena_counts_data_in_s3_and_keeps_counting_here() {
    let mut app = app_at("assets/ecommerce", (100, 30), Options::default());
    keys(&mut app, &[Key::Char('o')]);
    keys(&mut app, &[Key::Char('c')]);
    keys(&mut app, &[Key::Char('A')]);
    assert_status_starts(&app, "Athena counts data in S3: open an s3:// location");
    assert_status_holds(&app, "--print-sql");
    let c = app.coverage.as_ref().unwrap();
    assert_eq!(c.engine, l4m::tui::coverage::Engine::Local);
    assert!(!c.running(), "nothing was started");
}
