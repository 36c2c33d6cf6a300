//! The real `l4m` binary in a pseudo-terminal: open the sample, label, see coverage, export, quit;
//! then check the exported file and that the terminal was handed back as it was found.

use crate::common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

struct Session {
    output: Arc<Mutex<Vec<u8>>>,
    /// The screen as a terminal would show it, rebuilt from the output.
    screen: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    /// Kept as long as the session: dropping it hangs up the terminal.
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Drop for Session {
    /// A test that fails must not leave its l4m running.
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

impl Session {
    /// Start `l4m` with `args` in `cwd`; sessions are saved under `state` (never the real home).
    fn start(args: &[&str], cwd: &std::path::Path, state: &std::path::Path) -> Session {
        Session::start_with(args, cwd, state, &[])
    }

    /// `start`, with more environment variables.
    fn start_with(
        args: &[&str],
        cwd: &std::path::Path,
        state: &std::path::Path,
        env: &[(&str, &str)],
    ) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 30,
                cols: 100,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_l4m"));
        cmd.args(args);
        cmd.cwd(cwd);
        cmd.env("TERM", "xterm-256color");
        cmd.env("AWS_EC2_METADATA_DISABLED", "true");
        cmd.env("XDG_STATE_HOME", state);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).expect("l4m starts");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let output = Arc::new(Mutex::new(Vec::new()));
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZero::new(30).unwrap(),
            std::num::NonZero::new(100).unwrap(),
            0,
        )));
        let (sink, parser) = (Arc::clone(&output), Arc::clone(&screen));
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
                parser.lock().unwrap().process(&buf[..n]);
            }
        });
        Session {
            output,
            screen,
            writer,
            child,
            _master: pty.master,
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    /// What the terminal shows now, as text.
    fn screen(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Wait until the screen shows `needle`, or fail showing the screen.
    fn wait_for(&self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.screen().contains(needle) {
            assert!(
                Instant::now() < deadline,
                "{needle:?} did not appear; the screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn len(&self) -> usize {
        self.output.lock().unwrap().len()
    }

    /// Wait (at most `secs` seconds) for the process to end; its exit code.
    fn exit_within(&mut self, secs: u64) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            assert!(
                Instant::now() < deadline,
                "l4m still runs after {secs} s; the screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Everything written from byte `from` on, once the output has stopped growing.
    fn settled_from(&self, from: usize) -> String {
        let mut len = 0;
        while self.len() != len {
            len = self.len();
            std::thread::sleep(Duration::from_millis(150));
        }
        let text = self.output.lock().unwrap()[from..].to_vec();
        String::from_utf8_lossy(&text).into_owned()
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(120));
    }
}

#[test]
fn a_user_goes_from_the_sample_folder_to_an_exported_config() {
    let work = tempfile::tempdir().unwrap();
    let sample = common::root().join("assets/ecommerce");
    let mut s = Session::start(&[sample.to_str().unwrap()], work.path(), work.path());
    s.wait_for("Browse");
    s.wait_for("2020-10-24.csv");

    // Open the folder as a dataset: the suggested labels show in the column headers.
    s.send("o");
    s.wait_for("504 rows from 2020-10-01.csv");
    s.wait_for("measure SUM");
    // Move to session_id (6th column), make it a dimension, then ignore it again.
    s.send("lllll");
    s.wait_for("session_id text, 504 distinct");
    s.send("d");
    s.wait_for("→ dimension: set by you");
    s.send("i");
    s.wait_for("→ ignored: set by you");

    // Coverage of the whole folder.
    s.send("c");
    s.wait_for("PASS  548 intervals with data ≥ 285");

    // Export: fill the ARNs and the historical path, then write.
    s.send("e");
    s.wait_for("the exact file");
    s.send("jjjjjjj\r");
    s.send("arn:aws:iam::123456789012:role/L4MRole\r");
    s.send("j\r");
    s.send("arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:ecommerce\r");
    s.send("j\r");
    s.send("s3://my-bucket/ecommerce/backtest/\r");
    s.wait_for("✓ no errors");
    s.send("w");
    s.wait_for("wrote ecommerce-metric-set.json");
    let before_quit = s.len();
    s.send("q");
    let status = s.child.wait().expect("l4m exits");
    assert!(status.success(), "exit status {status:?}");

    // The terminal is handed back: mouse reporting off, the main screen back, the cursor shown.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !s.text()[before_quit.min(s.text().len())..].contains("\u{1b}[?1049l") {
        assert!(
            Instant::now() < deadline,
            "no leave-alternate-screen sequence after q"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let tail = s.text()[before_quit..].to_string();
    assert!(tail.contains("\u{1b}[?1049l"), "alternate screen left");
    assert!(tail.contains("\u{1b}[?25h"), "cursor shown again");
    assert!(
        tail.contains("\u{1b}[?1000l") || tail.contains("\u{1b}[?1006l"),
        "mouse capture off"
    );

    let written: serde_json::Value = serde_json::from_slice(
        &std::fs::read(work.path().join("ecommerce-metric-set.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(common::metric_set_violations(&written), []);
    assert_eq!(written["MetricSetName"], "ecommerce");
    assert_eq!(written["MetricSetFrequency"], "PT1H");
    assert_eq!(
        written["DimensionList"],
        serde_json::json!(["platform", "marketplace"])
    );
    assert_eq!(
        written["MetricSource"]["S3SourceConfig"]["HistoricalDataPathList"][0],
        "s3://my-bucket/ecommerce/backtest/"
    );
}

/// `hours` hourly records `ts,v` from 2024-01-01, `v` the value of hour `h`, written as `name`.
fn hourly_csv(
    dir: &std::path::Path,
    name: &str,
    hours: i64,
    value: impl Fn(i64) -> String,
) -> std::path::PathBuf {
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let mut csv = String::from("ts,v\n");
    for h in 0..hours {
        let t = start + chrono::Duration::hours(h);
        csv.push_str(&format!("{},{}\n", t.format("%Y-%m-%d %H:%M:%S"), value(h)));
    }
    let file = dir.join(name);
    std::fs::write(&file, csv).unwrap();
    file
}

#[test]
fn a_user_opens_a_file_presses_c_then_p_and_sees_the_chart_of_its_values() {
    // 400 hours of one measure, no dimension: `p` charts it without asking which metric.
    let work = tempfile::tempdir().unwrap();
    let file = hourly_csv(work.path(), "hourly.csv", 400, |h| {
        (10 + h % 24).to_string()
    });
    let mut s = Session::start(&[file.to_str().unwrap()], work.path(), work.path());
    s.wait_for("400 rows from hourly.csv");
    s.send("c");
    s.wait_for("PASS  400 intervals with data ≥ 285");
    s.wait_for("records per interval");
    s.send("p");
    s.wait_for("SUM of v per interval");
    s.wait_for("the values of v: 400 intervals of 400 with a value");
    // The readout: the first column's intervals, their values with the aggregation.
    s.wait_for("▶ 2024-01-01 00:00 – ");
    s.wait_for("UTC   SUM 10–");
    let screen = s.screen();
    let braille = screen
        .chars()
        .filter(|c| ('\u{2801}'..='\u{28ff}').contains(c))
        .count();
    assert!(braille > 50, "the line is drawn in Braille:\n{screen}");
    assert!(screen.contains("25┤"), "the y axis is labelled:\n{screen}");
    // Esc: the histogram again, then q quits.
    s.send("\u{1b}");
    s.wait_for("records per interval");
    s.send("q");
    assert_eq!(s.exit_within(10), 0);
}

#[test]
fn a_bad_location_is_a_one_line_error_before_the_screen_is_taken() {
    let work = tempfile::tempdir().unwrap();
    let mut s = Session::start(&["no/such/folder"], work.path(), work.path());
    let status = s.child.wait().unwrap();
    assert!(!status.success());
    s.wait_for("l4m: error: no/such/folder: no such file or folder: check the path");
    assert!(
        !s.text().contains("\u{1b}[?1049h"),
        "the alternate screen was never entered"
    );
}

#[test]
fn a_user_sees_the_preview_labels_quits_and_finds_the_labels_when_coming_back() {
    let work = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let sample = common::root().join("assets/ecommerce");
    let args = [sample.to_str().unwrap()];
    let mut s = Session::start(&args, work.path(), state.path());
    // The highlighted file's head shows beside the listing without opening it.
    s.wait_for("2020-10-01.csv");
    s.wait_for("CSV, comma, header");
    s.wait_for("timestamp yyyy-MM-dd HH:mm:ss");
    s.send("o");
    s.wait_for("504 rows from 2020-10-01.csv");
    s.send("lll");
    s.wait_for("views number, 317 distinct");
    s.send("i");
    s.wait_for("→ ignored: set by you");
    s.send("q");
    assert!(s.child.wait().unwrap().success());
    let sessions: Vec<_> = std::fs::read_dir(state.path().join("l4m/sessions"))
        .expect("a session was saved in the state folder")
        .collect();
    assert_eq!(sessions.len(), 1);

    let mut s = Session::start(&args, work.path(), state.path());
    s.wait_for("2020-10-01.csv");
    s.send("o");
    s.wait_for("restored your labels and settings");
    s.send("lll");
    s.wait_for("→ ignored: set by you");
    s.send("q");
    assert!(s.child.wait().unwrap().success());

    // --fresh starts from the suggestions.
    let fresh = [sample.to_str().unwrap(), "--fresh"];
    let mut s = Session::start(&fresh, work.path(), state.path());
    s.wait_for("2020-10-01.csv");
    s.send("o");
    s.wait_for("504 rows from 2020-10-01.csv");
    s.send("lll");
    s.wait_for("→ measure: numeric");
    s.send("q");
    assert!(s.child.wait().unwrap().success());
}

/// The terminal-restore sequences are all in `text`: mouse reporting off, the cursor shown, the
/// main screen back (fails naming the one that is missing).
fn assert_restored(text: &str) {
    for (what, seqs) in [
        ("mouse capture off", &["\u{1b}[?1000l", "\u{1b}[?1006l"][..]),
        ("show cursor", &["\u{1b}[?25h"]),
        ("leave alternate screen", &["\u{1b}[?1049l"]),
    ] {
        assert!(
            seqs.iter().any(|s| text.contains(s)),
            "{what} was not written: {text:?}"
        );
    }
}

#[test]
fn a_panic_inside_the_ui_restores_the_terminal_before_the_report_is_printed() {
    let work = tempfile::tempdir().unwrap();
    let sample = common::root().join("assets/ecommerce");
    let mut s = Session::start_with(
        &[sample.to_str().unwrap()],
        work.path(),
        work.path(),
        &[("L4M_TEST_PANIC", "after-first-frame")],
    );
    let code = s.exit_within(10);
    assert_eq!(code, 101, "a panic exits with Rust's panic code");
    let text = s.settled_from(0);
    let entered = text
        .find("\u{1b}[?1049h")
        .expect("the UI took the screen before the panic");
    let report = text
        .find("L4M_TEST_PANIC=after-first-frame")
        .expect("the panic report is printed");
    assert!(entered < report);
    // Between taking the screen and the report: the frame, then every restore sequence.
    assert_restored(&text[entered..report]);
}

/// Start the UI on the sample folder, open it as a dataset and label a column; send the signal;
/// the UI quits at once, restores the terminal and writes the session; the exit code is 130.
fn a_signal_quits_cleanly(signal: &str) {
    let work = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let sample = common::root().join("assets/ecommerce");
    let mut s = Session::start(&[sample.to_str().unwrap()], work.path(), state.path());
    s.wait_for("2020-10-24.csv");
    s.send("o");
    s.wait_for("504 rows from 2020-10-01.csv");
    s.send("llli");
    s.wait_for("→ ignored: set by you");
    let before = s.len();
    let pid = s.child.process_id().expect("the child's pid");
    let sent = Instant::now();
    let kill = std::process::Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let code = s.exit_within(5);
    let took = sent.elapsed();
    assert_eq!(code, 130, "SIG{signal} exits as interrupted");
    assert!(took < Duration::from_secs(2), "SIG{signal} took {took:?}");
    let tail = s.settled_from(before);
    assert_restored(&tail);
    assert!(tail.contains("l4m: interrupted"), "{tail:?}");
    let sessions = std::fs::read_dir(state.path().join("l4m/sessions"))
        .expect("the session was written before the process ended")
        .count();
    assert_eq!(sessions, 1);
}

#[test]
fn sigterm_quits_the_ui_restores_the_terminal_and_keeps_the_session() {
    a_signal_quits_cleanly("TERM");
}

#[test]
fn sighup_quits_the_ui_restores_the_terminal_and_keeps_the_session() {
    a_signal_quits_cleanly("HUP");
}

/// Python's `pty.fork` holds the terminal's only master descriptor, so closing it is a real hang-up
/// (portable-pty's reader keeps a duplicate open). Prints how the child ended, or `still running`.
const HANG_UP: &str = r#"
import fcntl, os, pty, select, struct, sys, termios, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
seen, deadline = b"", time.time() + 20
while b"2020-10-24" not in seen and time.time() < deadline:
    if select.select([fd], [], [], 0.1)[0]:
        try:
            seen += os.read(fd, 65536)
        except OSError:
            break
if b"2020-10-24" not in seen:
    print("the listing never showed")
os.close(fd)
deadline = time.time() + 5
while time.time() < deadline:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        print("exited", os.waitstatus_to_exitcode(status))
        sys.exit(0)
    time.sleep(0.02)
os.kill(pid, 9)
os.waitpid(pid, 0)
print("still running")
"#;

#[test]
fn a_terminal_that_goes_away_ends_the_ui_instead_of_leaving_it_spinning() {
    // A closed terminal window, or a killed tmux: l4m took the hang-up signal, then waited forever
    // for its input thread, which spun at full CPU on the dead terminal.
    let state = tempfile::tempdir().unwrap();
    let sample = common::root().join("assets/ecommerce");
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            HANG_UP,
            env!("CARGO_BIN_EXE_l4m"),
            sample.to_str().unwrap(),
        ])
        .env("XDG_STATE_HOME", state.path())
        .env("TERM", "xterm-256color")
        .output()
        .expect("python3 runs");
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        said.trim(),
        "exited 130",
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A request that labels the sample otherwise than the suggestions (revenue AVG, platform only).
const SHOP_CONFIG: &str = r#"{
  "AnomalyDetectorArn": "arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:shop",
  "MetricSetName": "shop",
  "MetricList": [{"MetricName": "revenue", "AggregationFunction": "AVG"}],
  "TimestampColumn": {"ColumnName": "timestamp", "ColumnFormat": "yyyy-MM-dd HH:mm:ss"},
  "DimensionList": ["platform"],
  "MetricSetFrequency": "P1D",
  "MetricSource": {"S3SourceConfig": {
    "RoleArn": "arn:aws:iam::123456789012:role/L4MRole",
    "HistoricalDataPathList": ["s3://my-bucket/shop/"],
    "FileFormatDescriptor": {"CsvFormatDescriptor": {"FileCompression": "NONE", "ContainsHeader": true, "Delimiter": ","}}
  }}
}"#;

#[test]
fn l4m_with_a_config_opens_the_folder_with_its_labels_and_quits_restoring_the_terminal() {
    let work = tempfile::tempdir().unwrap();
    let config = work.path().join("shop.json");
    std::fs::write(&config, SHOP_CONFIG).unwrap();
    let sample = common::root().join("assets/ecommerce");
    let args = [
        "--config",
        config.to_str().unwrap(),
        sample.to_str().unwrap(),
    ];
    let mut s = Session::start(&args, work.path(), work.path());
    s.wait_for("labels and settings from");
    s.wait_for("dimension   ignored     timestamp           ignored     measure AVG");
    s.wait_for("interval P1D");
    let from = s.len();
    s.send("q");
    assert_eq!(s.exit_within(10), 0);
    assert_restored(&s.settled_from(from));
}

#[test]
fn a_bad_config_is_the_one_line_error_of_check_before_the_screen_is_taken() {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("bad.json"), "{\n").unwrap();
    let mut s = Session::start(&["--config", "bad.json", "."], work.path(), work.path());
    let status = s.child.wait().unwrap();
    assert_eq!(status.exit_code(), 1);
    s.wait_for("l4m: error: bad.json: is neither JSON nor YAML");
    assert!(
        !s.text().contains("\u{1b}[?1049h"),
        "the alternate screen was never entered"
    );
    // `check` says the same of it.
    let check = common::l4m()
        .args(["check", "bad.json", "."])
        .current_dir(work.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&check.stderr);
    assert!(s.text().contains(said.trim()), "{said}");
}

/// Issue 23: `l4m` with no argument inside the data folder, a timestamp format shortened on the
/// columns: `w` refuses it; once the format is right again, the config is written beside the data
/// folder (not into it), named after the folder, with the format given, as `cp` would make it.
#[test]
fn a_format_edit_is_checked_and_the_config_is_written_outside_the_data_folder() {
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("shop");
    std::fs::create_dir(&data).unwrap();
    for f in std::fs::read_dir(common::root().join("assets/ecommerce")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, data.join(f.file_name().unwrap())).unwrap();
    }
    let mut s = Session::start(&[], &data, work.path());
    s.wait_for("2020-10-24.csv");
    s.send("o");
    s.wait_for("504 rows from 2020-10-01.csv");
    s.send("f");
    s.send("\x7f\x7f\x7f\r");
    s.wait_for("timestamp format set to yyyy-MM-dd HH:mm");
    s.send("e");
    s.send("jjjjjjj\r");
    s.send("arn:aws:iam::123456789012:role/L4MRole\r");
    s.send("j\r");
    s.send("arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:shop\r");
    s.send("j\r");
    s.send("s3://my-bucket/shop/backtest/\r");
    s.send("w");
    s.wait_for("not written");
    assert!(!s.screen().contains("✓"), "{}", s.screen());
    s.send("\x1b");
    std::thread::sleep(Duration::from_millis(300));
    s.send("f");
    s.send(":ss\r");
    s.wait_for("timestamp format set to yyyy-MM-dd HH:mm:ss");
    s.send("e");
    s.wait_for("✓ no errors");
    s.send("w");
    s.wait_for("wrote ../shop-metric-set.json");
    s.send("q");
    s.exit_within(10);
    assert!(!data.join("shop-metric-set.json").exists());
    let out = work.path().join("shop-metric-set.json");
    let written: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(written["MetricSetName"], "shop");
    assert_eq!(
        written["TimestampColumn"]["ColumnFormat"],
        "yyyy-MM-dd HH:mm:ss"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let probe = work.path().join("probe");
        std::fs::write(&probe, b"").unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&out), mode(&probe), "the umask's mode, as cp gives");
    }
}

/// An s3:// dataset counted here, then with `A` in Athena (moto's, which answers each query with
/// the next canned result): the screen shows Athena's figures, says who counted them and what it
/// cost, and `A` again counts here.
#[cfg(feature = "athena")]
#[test]
fn on_an_s3_dataset_a_counts_it_in_athena_and_the_screen_shows_athenas_figures() {
    use crate::athena_moto::{queue_results, result};
    use crate::common::moto::Moto;

    let sample = common::root().join("assets/ecommerce");
    let (code, local) =
        common::run_json(common::l4m().args(["coverage", sample.to_str().unwrap(), "--json"]));
    assert_eq!(code, 0);
    let moto = Moto::start();
    moto.bucket("data");
    moto.bucket("results");
    moto.put_folder("data", "ecommerce/", &sample);
    // Athena's count differs from the local one on purpose (its first 300 intervals only), so
    // that the screen's figures are seen to be Athena's.
    let intervals = &crate::athena_moto::interval_rows(&local)[..300];
    let metrics = [
        "measure",
        "intervals_with_data",
        "first_interval",
        "last_interval",
    ];
    queue_results(
        &moto,
        vec![
            result(&[], &[]),
            result(&["interval_start", "records"], intervals),
            result(&["reason", "records"], &[]),
            result(&metrics, &[]),
            result(&[], &[]),
        ],
    );

    let work = tempfile::tempdir().unwrap();
    let env = [
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ENDPOINT_URL_ATHENA", moto.endpoint.as_str()),
    ];
    let args = [
        "s3://data/ecommerce/",
        "--endpoint-url",
        &moto.endpoint,
        "--output-location",
        "s3://results/l4m/",
    ];
    let mut s = Session::start_with(&args, work.path(), work.path(), &env);
    s.wait_for("2020-10-24.csv");
    s.send("o");
    s.wait_for("measure SUM");
    s.send("c");
    s.wait_for("PASS  548 intervals with data ≥ 285");
    s.send("A");
    s.wait_for("counted by Athena:");
    let screen = s.screen();
    assert!(
        screen.contains("PASS  300 intervals with data ≥ 285"),
        "Athena's figures: {screen}"
    );
    assert!(screen.contains("counted by Athena"), "{screen}");
    assert!(screen.contains("its table dropped"), "{screen}");
    // Again: counted here, the local figures back.
    s.send("A");
    s.wait_for("PASS  548 intervals with data ≥ 285");
    assert!(!s.screen().contains("counted by Athena"), "{}", s.screen());
    s.send("q");
    assert_eq!(s.exit_within(10), 0);
}

#[test]
fn a_user_backtests_the_chart_with_b_and_jumps_to_the_spike_with_n() {
    // 500 hours of a daily swing with one spike at hour 420: `b` flags it in the background.
    let work = tempfile::tempdir().unwrap();
    let file = hourly_csv(work.path(), "spike.csv", 500, |h| {
        let daily = 100.0 + 30.0 * (h as f64 * std::f64::consts::TAU / 24.0).sin();
        let v = if h == 420 { daily * 4.0 } else { daily };
        format!("{v:.2}")
    });
    let mut s = Session::start(&[file.to_str().unwrap()], work.path(), work.path());
    s.wait_for("500 rows from spike.csv");
    s.send("c");
    s.wait_for("records per interval");
    s.send("p");
    s.wait_for("SUM of v per interval");
    s.wait_for("b backtest · missing intervals: ignore (i)");
    s.send("b");
    s.wait_for("in testing grade •<0.5 ●<0.8 ◉≥0.8");
    s.send("n");
    s.wait_for("anomaly 1 of");
    s.wait_for("2024-01-18 12:00 UTC");
    s.send("q");
    assert_eq!(s.exit_within(10), 0);
}
