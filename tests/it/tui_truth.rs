//! Issue 23: a UI that never says all is well when it is not. Every finding, status and ✓ is
//! derived from the state of the moment; each defect the issue lists has a test here, and a
//! property test drives random keys through the screens and compares the findings shown with
//! those computed from scratch.

use crate::common;

use common::tui::*;

use std::path::PathBuf;

use l4m::config::findings::{Rule, Severity};
use l4m::source::Location;
use l4m::tui::app::{App, Options, Screen};
use l4m::tui::export::FieldKey;
use l4m::tui::keys::Key;

/// The bundled sample on its columns screen.
fn sample_columns(size: (u16, u16)) -> App {
    let mut app = app_at("assets/ecommerce", size, Options::default());
    keys(&mut app, &[Key::Char('o')]);
    app
}

/// Give the timestamp format as a user does: `f`, clear, type, Enter.
fn set_format(app: &mut App, format: &str) {
    app.key(Key::Char('f'));
    app.key(Key::End);
    for _ in 0..40 {
        app.key(Key::Backspace);
    }
    typed(app, format);
    keys(app, &[Key::Enter]);
}

fn format_findings(app: &App) -> Vec<(Severity, String)> {
    app.findings
        .list
        .iter()
        .filter(|f| f.rule == Rule::TimestampFormat)
        .map(|f| (f.severity, f.message.clone()))
        .collect()
}

/// The sample opened with a config whose timestamp format is `format`.
fn opened_with_format(format: &str, extra_dimension: Option<&str>) -> App {
    let mut dimensions = vec!["platform"];
    dimensions.extend(extra_dimension);
    let config = serde_json::json!({
        "AnomalyDetectorArn": "arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:shop",
        "MetricSetName": "shop-daily",
        "MetricList": [{"MetricName": "revenue", "AggregationFunction": "SUM"}],
        "TimestampColumn": {"ColumnName": "timestamp", "ColumnFormat": format},
        "DimensionList": dimensions,
        "MetricSetFrequency": "P1D",
        "MetricSource": {"S3SourceConfig": {
            "RoleArn": "arn:aws:iam::123456789012:role/L4MRole",
            "HistoricalDataPathList": ["s3://my-bucket/shop/daily/"],
            "FileFormatDescriptor": {"CsvFormatDescriptor": {
                "FileCompression": "NONE", "ContainsHeader": true, "Delimiter": ","
            }}
        }}
    })
    .to_string();
    let location = Location::Local(PathBuf::from("assets/ecommerce"));
    let mut app = App::new(location.clone(), false, Options::default());
    app.ctx.size = (120, 36);
    let config = l4m::config::read_config(&config).unwrap();
    app.open_config((location, false, false), "shop.json".into(), config);
    pump(&mut app);
    app
}

// ---- 1. a wrong timestamp format is an error, whatever set it ------------------------------

#[test]
fn a_format_typed_on_the_columns_that_parses_nothing_is_an_error_and_blocks_the_write() {
    let mut app = sample_columns((120, 36));
    assert!(format_findings(&app).is_empty(), "{:?}", app.findings.list);
    set_format(&mut app, "yyyy-MM-dd HH:mm");
    let found = format_findings(&app);
    assert_eq!(found.len(), 1, "{:?}", app.findings.list);
    assert_eq!(found[0].0, Severity::Error);
    assert!(found[0].1.contains("parses 0 of"), "{}", found[0].1);
    let screen = draw(&app, 120, 36);
    assert!(!screen.contains("✓"), "{screen}");
    keys(&mut app, &[Key::Char('v')]);
    let screen = draw(&app, 120, 36);
    assert!(!screen.contains("nothing to fix"), "{screen}");
    assert!(screen.contains("parses 0 of"), "{screen}");
    // Back to a format that parses: the finding is gone.
    keys(&mut app, &[Key::Esc]);
    set_format(&mut app, "yyyy-MM-dd HH:mm:ss");
    assert!(format_findings(&app).is_empty(), "{:?}", app.findings.list);
}

#[test]
fn a_format_typed_on_the_columns_is_not_written_by_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.json");
    let mut app = sample_columns((120, 36));
    set_format(&mut app, "yyyy-MM-dd HH:mm");
    keys(&mut app, &[Key::Char('e')]);
    fill(
        &mut app,
        l4m::tui::export::FieldKey::Output,
        out.to_str().unwrap(),
    );
    keys(&mut app, &[Key::Char('w')]);
    assert_status_starts(&app, "not written");
    assert!(!out.exists());
}

// ---- 2. findings from --config go when what they say is fixed --------------------------------

#[test]
fn a_config_format_finding_goes_once_the_format_is_fixed_as_it_says() {
    let mut app = opened_with_format("dd/MM/yyyy HH:mm", None);
    assert_eq!(app.screen, Screen::Dataset);
    let found = format_findings(&app);
    assert_eq!(found.len(), 1, "{:?}", app.findings.list);
    assert_eq!(found[0].0, Severity::Error);
    set_format(&mut app, "yyyy-MM-dd HH:mm:ss");
    assert!(format_findings(&app).is_empty(), "{:?}", app.findings.list);
    assert_eq!(app.findings.errors(), 0, "{:?}", app.findings.list);
}

#[test]
fn a_config_column_the_data_lacks_is_a_warning_that_asks_for_no_key() {
    let app = opened_with_format("yyyy-MM-dd HH:mm:ss", Some("country"));
    let country: Vec<_> = app
        .findings
        .list
        .iter()
        .filter(|f| f.rule == Rule::ColumnMissing)
        .collect();
    assert_eq!(country.len(), 1, "{:?}", app.findings.list);
    assert_eq!(country[0].severity, Severity::Warning);
    assert!(country[0].fixes.is_empty());
    assert!(country[0].message.contains("leaves it out"));
    assert_eq!(app.findings.errors(), 0, "{:?}", app.findings.list);
}

/// The bundled sample, scanned, on the export form.
fn sample_export(size: (u16, u16)) -> App {
    let mut app = sample_columns(size);
    keys(&mut app, &[Key::Char('c')]);
    keys(&mut app, &[Key::Char('e')]);
    app
}

// ---- 5. a field marked ✗ is an error of the form; the preview says it is stale ---------------

#[test]
fn a_wrong_interval_in_the_form_is_an_error_and_the_preview_says_it_is_stale() {
    let mut app = sample_export((120, 36));
    let before = draw(&app, 120, 36);
    assert!(before.contains("the exact file"), "{before}");
    fill(&mut app, FieldKey::Frequency, "PT7M");
    let screen = draw(&app, 120, 36);
    assert!(screen.contains("PT7M ✗"), "{screen}");
    assert!(!screen.contains("✓"), "{screen}");
    assert!(
        screen.contains("stale: without the fields marked ✗"),
        "{screen}"
    );
    assert!(
        app.findings
            .list
            .iter()
            .any(|f| f.severity == Severity::Error && f.message.starts_with("interval: ")),
        "{:?}",
        app.findings.list
    );
    fill(&mut app, FieldKey::Frequency, "PT1H");
    let screen = draw(&app, 120, 36);
    assert!(screen.contains("the exact file"), "{screen}");
    assert!(!screen.contains("interval: "), "{screen}");
}

// ---- 12. the detector ARN is greyed for CloudFormation --------------------------------------

#[test]
fn snapshot_the_detector_arn_is_greyed_for_cloudformation() {
    let mut app = sample_export((120, 36));
    while app.export.selected > 0 {
        app.key(Key::Up);
    }
    keys(&mut app, &[Key::Char(' ')]);
    assert_eq!(app.export.target, l4m::config::ExportTarget::CloudFormation);
    let screen = draw(&app, 120, 36);
    let row = screen
        .lines()
        .find(|l| l.contains("detector ARN"))
        .unwrap()
        .to_string();
    assert!(row.contains("— (other targets)"), "{row}");
    insta::assert_snapshot!(screen);
}

fn role_of(app: &App, column: &str) -> Option<String> {
    let d = app.dataset.as_ref().unwrap();
    d.labels.get(column).map(|l| format!("{:?}", l.role))
}

/// The sample's columns with `views` ignored.
fn views_ignored() -> App {
    let mut app = sample_columns((120, 36));
    while app.dataset.as_ref().unwrap().column < 3 {
        app.key(Key::Right);
    }
    keys(&mut app, &[Key::Char('i')]);
    assert_eq!(role_of(&app, "views").as_deref(), Some("Ignored"));
    app
}

// ---- 3. D and H keep the labels of the columns that still exist, by name ----------------------

#[test]
fn d_five_times_back_to_the_comma_keeps_the_labels_and_says_what_it_held() {
    let mut app = views_ignored();
    keys(&mut app, &[Key::Char('D')]);
    assert_status_holds(&app, "held for when the columns are back: views");
    for _ in 0..4 {
        keys(&mut app, &[Key::Char('D')]);
    }
    assert_eq!(
        app.dataset.as_ref().unwrap().overrides.delimiter,
        Some(b',')
    );
    assert_eq!(role_of(&app, "views").as_deref(), Some("Ignored"));
    assert_status_holds(&app, "your labels kept on 1 column by name");
}

#[test]
fn h_twice_keeps_the_labels() {
    let mut app = views_ignored();
    keys(&mut app, &[Key::Char('H'), Key::Char('H')]);
    assert_eq!(role_of(&app, "views").as_deref(), Some("Ignored"));
    assert!(app.dataset.as_ref().unwrap().held.is_empty());
}

// ---- 4. a value the user set shows as set, beside what was detected ---------------------------

#[test]
fn a_delimiter_or_header_the_user_set_shows_as_set_beside_the_detection() {
    let mut app = sample_columns((120, 36));
    let screen = draw(&app, 120, 36);
    assert!(screen.contains("delim , HIGH"), "{screen}");
    keys(&mut app, &[Key::Char('D')]);
    let screen = draw(&app, 120, 36);
    assert!(
        screen.contains("delim tab set (detected , HIGH)"),
        "{screen}"
    );
    assert!(!screen.contains("delim tab HIGH"), "{screen}");
    let mut app = sample_columns((120, 36));
    keys(&mut app, &[Key::Char('H')]);
    let screen = draw(&app, 120, 36);
    assert!(
        screen.contains("header no set (detected yes HIGH)"),
        "{screen}"
    );
}

// ---- 6. an export is not written into the data; files that fail are named ---------------------

#[test]
fn the_default_output_goes_beside_the_data_folder_when_l4m_runs_inside_it() {
    use l4m::tui::app::out_dir_outside;
    use std::path::Path;
    let data = Path::new("/d/shop");
    assert_eq!(out_dir_outside(data, data), Some(PathBuf::from("..")));
    assert_eq!(
        out_dir_outside(data, Path::new("/d/shop/2020")),
        Some(PathBuf::from("../.."))
    );
    assert_eq!(out_dir_outside(data, Path::new("/d")), None);
    assert_eq!(out_dir_outside(data, Path::new("/d/shopping")), None);
}

#[test]
fn a_file_that_cannot_be_read_to_its_end_is_named_and_no_rescan_is_offered() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read("assets/ecommerce/2020-10-01.csv").unwrap();
    std::fs::write(dir.path().join("2020-10-01.csv"), &good).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&std::fs::read("assets/ecommerce/2020-10-02.csv").unwrap())
        .unwrap();
    let gz = gz.finish().unwrap();
    std::fs::write(dir.path().join("2020-10-02.csv.gz"), &gz[..gz.len() / 2]).unwrap();
    let mut app = app_at(dir.path(), (120, 36), Options::default());
    keys(&mut app, &[Key::Char('o')]);
    keys(&mut app, &[Key::Char('c')]);
    assert_status_holds(&app, "2020-10-02.csv.gz to its end");
    let f = app
        .findings
        .list
        .iter()
        .find(|f| f.rule == Rule::ScanIncomplete)
        .expect("the scan-incomplete finding");
    assert!(f.message.contains("2020-10-02.csv.gz"), "{}", f.message);
    assert!(!f.fixes.contains(&l4m::fix::Fix::Rescan), "{:?}", f.fixes);
}

// ---- 7. --fresh leaves the saved session in place until a config is written -------------------

#[test]
fn fresh_keeps_the_saved_session_until_a_config_is_written() {
    let state = tempfile::tempdir().unwrap();
    let with_state = |fresh| Options {
        fresh,
        state_dir: Some(state.path().to_path_buf()),
        ..Options::default()
    };
    let mut app = app_at("assets/ecommerce", (120, 36), with_state(false));
    keys(&mut app, &[Key::Char('o')]);
    while app.dataset.as_ref().unwrap().column < 3 {
        app.key(Key::Right);
    }
    keys(&mut app, &[Key::Char('i')]);
    drop(app);
    let name = l4m::tui::session::location_name(&Location::Local("assets/ecommerce".into()));
    let file = l4m::tui::session::file(state.path(), &name, false);
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(saved.contains("views"), "{saved}");

    let mut app = app_at("assets/ecommerce", (120, 36), with_state(true));
    keys(&mut app, &[Key::Char('o')]);
    assert_eq!(role_of(&app, "views").as_deref(), Some("Measure"));
    while app.dataset.as_ref().unwrap().column < 4 {
        app.key(Key::Right);
    }
    keys(&mut app, &[Key::Char('i')]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), saved);

    let out = tempfile::tempdir().unwrap();
    keys(&mut app, &[Key::Char('e')]);
    fill(
        &mut app,
        FieldKey::RoleArn,
        "arn:aws:iam::123456789012:role/L4MRole",
    );
    fill(
        &mut app,
        FieldKey::DetectorArn,
        "arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:x",
    );
    fill(&mut app, FieldKey::HistoricalPath, "s3://b/shop/");
    fill(
        &mut app,
        FieldKey::Output,
        out.path().join("x.json").to_str().unwrap(),
    );
    keys(&mut app, &[Key::Char('w')]);
    assert_status_starts(&app, "wrote ");
    let now = std::fs::read_to_string(&file).unwrap();
    assert_ne!(now, saved);
    assert!(now.contains("revenue"), "{now}");
}

// ---- 8. coverage when nothing parses says so and what to do -----------------------------------

#[test]
fn coverage_where_no_timestamp_parses_says_so_and_what_to_do() {
    let mut app = sample_columns((120, 36));
    set_format(&mut app, "yyyy-MM-dd HH:mm");
    keys(&mut app, &[Key::Char('c')]);
    assert_eq!(app.screen, Screen::Coverage);
    let screen = draw(&app, 120, 36);
    assert!(screen.contains("no timestamp parsed"), "{screen}");
    assert!(screen.contains("press f to give the format"), "{screen}");
    assert!(!screen.contains(" to  (UTC)"), "{screen}");
    assert!(!screen.contains("✓"), "{screen}");
}

// ---- 13. small things ---------------------------------------------------------------------------

#[test]
fn one_dimension_is_singular() {
    let mut app = sample_columns((120, 36));
    app.key(Key::Right);
    keys(&mut app, &[Key::Char('i')]);
    let screen = draw(&app, 120, 36);
    assert!(screen.contains("2 measures, 1 dimension "), "{screen}");
}

#[test]
fn while_a_field_is_typed_the_key_bar_offers_the_field_keys() {
    let mut app = sample_export((120, 36));
    app.key(Key::Down);
    app.key(Key::Down);
    app.key(Key::Enter);
    let screen = draw(&app, 120, 36);
    let bar = screen.lines().last().unwrap();
    assert!(bar.contains("Enter keep  Esc cancel"), "{bar}");
    assert!(!bar.contains("q quit"), "{bar}");
}

#[test]
fn the_browser_help_says_esc_goes_up_a_folder() {
    let b = l4m::tui::keys::BROWSER
        .iter()
        .find(|b| b.label == "Esc")
        .unwrap();
    assert!(b.help.contains("up a folder"), "{}", b.help);
}

// ---- how to keep it true: random keys, findings from scratch, no ✓ beside an error -------------

/// xorshift64*: small, deterministic, enough to pick keys.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[(self.next() % from.len() as u64) as usize]
    }
}

/// What a user types into a field: bits of intervals, formats, timezones.
const TEXT: &[Key] = &[
    Key::Char('P'),
    Key::Char('T'),
    Key::Char('1'),
    Key::Char('5'),
    Key::Char('7'),
    Key::Char('H'),
    Key::Char('M'),
    Key::Char('D'),
    Key::Char('y'),
    Key::Char('d'),
    Key::Char('-'),
    Key::Char(':'),
    Key::Char('s'),
    Key::Char(' '),
    Key::Backspace,
    Key::Backspace,
    Key::Enter,
    Key::Esc,
];

/// The keys worth pressing on the screen in front: its table (no write: the test writes no file,
/// and no recursive opening), and typing while a field takes the keys.
fn candidates(app: &App) -> Vec<Key> {
    use l4m::tui::keys::Action;
    if app.typing() {
        return TEXT.to_vec();
    }
    let mut out: Vec<Key> = app
        .bindings()
        .iter()
        .filter(|b| !matches!(b.action, Action::Write | Action::OpenDatasetRecursive))
        .map(|b| b.keys[0])
        .collect();
    out.extend([Key::Enter, Key::Esc, Key::Char('y')]);
    out
}

/// 300 random keys from `app`'s state: after each, the findings shown are those computed from
/// scratch, and no ✓ is drawn while one of them is an error.
fn random_walk(mut app: App, seed: u64) {
    let mut rng = Rng(seed);
    let mut trail: Vec<Key> = Vec::new();
    for step in 0..300 {
        let key = if app.screen == Screen::Browser {
            // Stay on the sample: open it again rather than wander the repository.
            Key::Char('o')
        } else {
            rng.pick(&candidates(&app))
        };
        trail.push(key);
        keys(&mut app, &[key]);
        let fresh = app.computed_findings();
        assert_eq!(
            app.findings.list, fresh,
            "seed {seed:#x} step {step}: the findings shown are stale after {trail:?}"
        );
        let size = if step % 7 == 0 { (80, 24) } else { (120, 36) };
        app.ctx.size = size;
        let screen = draw(&app, size.0, size.1);
        if app.findings.errors() > 0 {
            assert!(
                !screen.contains('✓'),
                "seed {seed:#x} step {step}: a ✓ beside {} error(s) after {trail:?}\n{screen}",
                app.findings.errors()
            );
        }
    }
}

#[test]
fn random_keys_never_leave_the_findings_stale_nor_a_check_mark_beside_an_error() {
    let started = std::time::Instant::now();
    for seed in [0x9e37_79b9_7f4a_7c15u64, 23, 0xdead_beef] {
        random_walk(sample_columns((120, 36)), seed);
    }
    // Opened with a config that disagrees with the data: its findings are derived too.
    for seed in [7u64, 0x1234_5678] {
        random_walk(
            opened_with_format("dd/MM/yyyy HH:mm", Some("country")),
            seed,
        );
    }
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
}
