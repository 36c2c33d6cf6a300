//! `l4m backtest`: AWS's Random Cut Forest over generated series of known truth. Injected spikes,
//! a level shift, a dropout and a changed daily pattern are flagged at their interval; a clean
//! daily series gives few flags; a gap is flagged only when it is imputed as zero. The output is
//! the same on two runs and at 1 and 4 threads; JSON and CSV are checked field by field; bad
//! input gets a one-line message; Ctrl-C keeps what finished.

use crate::common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// Intervals of the generated series (hourly, 60 days from 2024-01-01).
pub(crate) const HOURS: usize = 1440;
/// The first interval of the testing part: the most recent 30% (L4M's split of 1,440 intervals).
pub(crate) const TESTING: usize = 1008;
/// Where the spikes are (two in training, three in testing), each at another hour of the day: a
/// spike like one the forest has in its sample is no longer a surprise to it.
pub(crate) const SPIKES: [usize; 5] = [300, 620, 1111, 1250, 1390];
/// The level of `shift` rises by 150 (about one daily swing) from here on.
const SHIFT: usize = 1150;
/// `dropout` reads 0 for six hours from here.
const DROPOUT: usize = 1200;
/// The daily swing of `pattern` grows from ±80 to ±200 from here on (at the day's peak hour).
const PATTERN: usize = 1086;
/// `gap` has no record for six hours from here.
const GAP: usize = 1180;
/// The kinds of series, one metric each (dimension `kind`).
const KINDS: [&str; 6] = ["clean", "spikes", "shift", "dropout", "pattern", "gap"];

/// A small deterministic noise in [-1, 1).
pub(crate) fn noise(seed: u64) -> impl FnMut() -> f64 {
    let mut state = seed;
    move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as f64 / (1u64 << 31) as f64 * 2.0 - 1.0
    }
}

/// The value of `kind` at hour `h` (`None`: no record).
fn value(kind: &str, h: usize, n: f64) -> Option<f64> {
    let swing = if kind == "pattern" && h >= PATTERN {
        200.0
    } else {
        80.0
    };
    let daily = (h as f64 * std::f64::consts::TAU / 24.0).sin();
    let clean = 200.0 + swing * daily + 4.0 * n;
    Some(match kind {
        "spikes" if SPIKES.contains(&h) => clean * 2.5,
        "shift" if h >= SHIFT => clean + 150.0,
        "dropout" if (DROPOUT..DROPOUT + 6).contains(&h) => 0.0,
        "gap" if (GAP..GAP + 6).contains(&h) => return None,
        _ => clean,
    })
}

/// The labelled set: `ts`, `kind`, `sales`, one row per kind and hour.
fn labelled_set(dir: &Path) -> PathBuf {
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let mut out = String::from("ts,kind,sales\n");
    for (k, kind) in KINDS.iter().enumerate() {
        let mut n = noise(k as u64 + 1);
        for h in 0..HOURS {
            let t = start + chrono::Duration::hours(h as i64);
            if let Some(v) = value(kind, h, n()) {
                out.push_str(&format!(
                    "{},{kind},{v:.3}\n",
                    t.format("%Y-%m-%d %H:%M:%S")
                ));
            }
        }
    }
    let path = dir.join("labelled.csv");
    std::fs::write(&path, out).unwrap();
    path
}

const LABELS: [&str; 8] = [
    "--timestamp",
    "ts",
    "--dimension",
    "kind",
    "--measure",
    "sales",
    "--frequency",
    "PT1H",
];

fn backtest(file: &Path, extra: &[&str]) -> Value {
    let (code, out, err) = run(l4m()
        .arg("backtest")
        .arg(file)
        .args(LABELS)
        .args(extra)
        .arg("--json"));
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn metric<'a>(v: &'a Value, kind: &str) -> &'a Value {
    v["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["dimensions"]["kind"] == kind)
        .unwrap_or_else(|| panic!("no metric kind={kind}"))
}

/// The intervals (hours from the start) where a metric has an anomaly.
fn flagged(v: &Value, kind: &str) -> Vec<usize> {
    metric(v, kind)["points"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .filter(|(_, p)| p["grade"].as_f64().unwrap() > 0.0)
        .map(|(h, _)| h)
        .collect()
}

#[test]
fn injected_anomalies_are_flagged_at_their_interval_and_a_clean_series_rarely() {
    let dir = tempfile::tempdir().unwrap();
    let v = backtest(&labelled_set(dir.path()), &[]);
    let all: Vec<(&str, Vec<usize>)> = KINDS.iter().map(|k| (*k, flagged(&v, k))).collect();
    let of = |kind: &str| &all.iter().find(|(k, _)| *k == kind).unwrap().1;
    for s in SPIKES {
        assert!(of("spikes").contains(&s), "spike at {s}: {all:?}");
    }
    for (kind, at) in [("shift", SHIFT), ("dropout", DROPOUT), ("pattern", PATTERN)] {
        assert!(of(kind).contains(&at), "{kind} at {at}: {all:?}");
    }
    // A clean daily series over 1,440 hours: at most 0.5% of its intervals flagged (the anomaly
    // rate), and no gap is flagged when missing intervals are left out.
    assert!(of("clean").len() <= 7, "{all:?}");
    assert!(
        !of("gap").iter().any(|h| (GAP..GAP + 7).contains(h)),
        "{all:?}"
    );
}

#[test]
fn a_gap_read_as_zero_is_flagged_at_its_first_interval() {
    let dir = tempfile::tempdir().unwrap();
    let file = labelled_set(dir.path());
    let v = backtest(&file, &["--impute", "zero", "--where", "kind=gap"]);
    assert_eq!(v["detector"]["impute"], "zero");
    assert_eq!(v["detector"]["impute_default"], false);
    let at = flagged(&v, "gap");
    assert!(at.contains(&GAP), "{at:?}");
    let points = metric(&v, "gap")["points"].as_array().unwrap();
    assert_eq!(points[GAP]["value"], Value::Null, "the data's value: none");
}

#[test]
fn the_same_output_on_two_runs_and_at_one_and_four_threads() {
    let dir = tempfile::tempdir().unwrap();
    let file = labelled_set(dir.path());
    let once = |threads: &str| {
        let (code, out, err) = run(l4m().arg("backtest").arg(&file).args(LABELS).args([
            "--threads",
            threads,
            "--json",
        ]));
        assert_eq!(code, 0, "{err}");
        out
    };
    let first = once("1");
    assert_eq!(first, once("1"), "two runs");
    assert_eq!(first, once("4"), "1 and 4 threads");
}

/// The keys of a JSON object, in order.
fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[test]
fn json_has_the_issues_shape_field_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let v = backtest(&labelled_set(dir.path()), &[]);
    assert_eq!(
        keys(&v),
        [
            "frequency",
            "timezone",
            "detector",
            "split",
            "metrics",
            "metrics_total",
            "metrics_left_out",
            "partial"
        ]
    );
    assert_eq!(
        (&v["frequency"], &v["timezone"]),
        (&"PT1H".into(), &"UTC".into())
    );
    let d = &v["detector"];
    assert_eq!(d["shingle_size"], 8);
    assert_eq!(d["number_of_trees"], 50);
    assert_eq!(d["sample_size"], 256);
    assert_eq!(d["output_after"], 40);
    assert_eq!(d["ignore_near_expected_ratio"], 0.2);
    assert_eq!(d["transform_method"], "normalize");
    assert_eq!(
        (&d["impute"], &d["impute_value"]),
        (&"ignore".into(), &Value::Null)
    );
    assert_eq!(d["impute_default"], true);
    assert!(d["seed"].is_u64());
    // L4M's split of 1,440 intervals: 1,008 to learn from, 432 to test.
    let s = &v["split"];
    assert_eq!(s["training_start"], "2024-01-01T00:00:00Z");
    assert_eq!(s["training_end"], "2024-02-12T00:00:00Z");
    assert_eq!(s["inference_start"], "2024-02-12T00:00:00Z");
    assert_eq!(s["inference_end"], "2024-03-01T00:00:00Z");
    assert_eq!(
        (&v["metrics_total"], &v["metrics_left_out"]),
        (&6.into(), &0.into())
    );
    assert_eq!(v["partial"], false);
    let m = metric(&v, "spikes");
    assert_eq!(
        keys(m),
        [
            "dimensions",
            "measure",
            "aggregation",
            "points",
            "anomalies"
        ]
    );
    assert_eq!(
        (&m["measure"], &m["aggregation"]),
        (&"sales".into(), &"SUM".into())
    );
    let points = m["points"].as_array().unwrap();
    assert_eq!(points.len(), HOURS, "every interval of the span");
    for (h, p) in points.iter().enumerate() {
        assert_eq!(keys(p), ["start", "value", "score", "grade", "expected"]);
        let (score, grade) = (p["score"].as_f64().unwrap(), p["grade"].as_f64().unwrap());
        assert!((0.0..=1.0).contains(&grade), "hour {h}: grade {grade}");
        if h < 40 {
            assert_eq!((score, grade), (0.0, 0.0), "no output before 40 values");
        }
        assert_eq!(p["expected"].is_null(), grade == 0.0, "hour {h}");
    }
    assert_eq!(points[1]["start"], "2024-01-01T01:00:00Z");
    let gap = metric(&v, "gap")["points"].as_array().unwrap();
    assert_eq!(
        gap[GAP]["value"],
        Value::Null,
        "a missing interval's value is null"
    );
    assert_eq!(
        (&gap[GAP]["score"], &gap[GAP]["grade"]),
        (&0.0.into(), &0.0.into())
    );
    let anomalies = m["anomalies"].as_array().unwrap();
    let flagged_points: Vec<&Value> = points.iter().filter(|p| p["grade"] != 0.0).collect();
    assert_eq!(anomalies.len(), flagged_points.len());
    for (a, p) in anomalies.iter().zip(flagged_points) {
        assert_eq!(
            keys(a),
            ["start", "value", "expected", "grade", "confidence", "part"]
        );
        for k in ["start", "value", "expected", "grade"] {
            assert_eq!(a[k], p[k], "{k}");
        }
        let c = a["confidence"].as_f64().unwrap();
        assert!(c > 0.0 && c <= 1.0, "{c}");
        let h = points
            .iter()
            .position(|p| p["start"] == a["start"])
            .unwrap();
        let testing = h >= TESTING;
        assert_eq!(a["part"], if testing { "testing" } else { "training" });
    }
    let spike = |h: usize| {
        anomalies
            .iter()
            .find(|a| a["start"] == points[h]["start"])
            .unwrap()
    };
    assert_eq!(spike(300)["part"], "training");
    assert_eq!(spike(1250)["part"], "testing");
    let e = spike(1250)["expected"].as_f64().unwrap();
    let x = spike(1250)["value"].as_f64().unwrap();
    assert!(x > 2.0 * e, "a spike of 2.5 times: value {x}, expected {e}");
}

#[test]
fn csv_holds_each_anomaly_field_by_field_and_is_not_replaced_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let file = labelled_set(dir.path());
    let out = dir.path().join("anomalies.csv");
    let csv_arg = out.to_str().unwrap();
    let v = backtest(&file, &["--csv", csv_arg]);
    let text = std::fs::read_to_string(&out).unwrap();
    let mut rows = text.lines();
    assert_eq!(
        rows.next(),
        Some("measure,kind,start,part,value,expected,grade,confidence")
    );
    let rows: Vec<Vec<&str>> = rows.map(|r| r.split(',').collect()).collect();
    let all: Vec<(&Value, &Value)> = v["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| {
            m["anomalies"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |a| (m, a))
        })
        .collect();
    assert_eq!(rows.len(), all.len());
    assert!(rows.len() >= 8, "every injected anomaly: {rows:?}");
    let num = |s: &str| s.parse::<f64>().unwrap();
    for (row, (m, a)) in rows.iter().zip(&all) {
        assert_eq!(row[0], "sales");
        assert_eq!(row[1], m["dimensions"]["kind"]);
        assert_eq!(row[2], a["start"]);
        assert_eq!(row[3], a["part"]);
        assert_eq!(num(row[4]), a["value"].as_f64().unwrap());
        assert_eq!(num(row[5]), a["expected"].as_f64().unwrap());
        assert_eq!(num(row[6]), a["grade"].as_f64().unwrap());
        assert_eq!(num(row[7]), a["confidence"].as_f64().unwrap());
    }
    // Asked again: refused before any scan, the file untouched; with --force, replaced.
    std::fs::write(&out, "mine").unwrap();
    let (code, stdout, err) = run(l4m()
        .arg("backtest")
        .arg(&file)
        .args(LABELS)
        .args(["--csv", csv_arg]));
    assert_eq!(code, 2, "{err}");
    assert!(stdout.is_empty());
    assert_one_line_error(
        &err,
        &format!(
            "{csv_arg}: already exists: add --force to replace it, or give --csv another path"
        ),
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");
    backtest(&file, &["--csv", csv_arg, "--force"]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);
}

#[test]
fn text_lists_each_metrics_testing_anomalies_then_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let file = labelled_set(dir.path());
    let (code, out, err) = run(l4m().arg("backtest").arg(&file).args(LABELS));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("shingle 8, 50 trees, sample size 256, output after 40 values"),
        "{out}"
    );
    assert!(out.contains("missing intervals: left out"), "{out}");
    assert!(
        out.contains(", the default (--impute zero, previous, fixed:NUMBER or ignore)\n  why: "),
        "{out}"
    );
    assert!(out.contains("split: training 2024-01-01T00:00:00Z to 2024-02-12T00:00:00Z, testing 2024-02-12T00:00:00Z to 2024-03-01T00:00:00Z"), "{out}");
    assert!(
        out.contains("\nsales (SUM) kind=spikes\n  3 anomalies in testing, 2 in training\n"),
        "{out}"
    );
    for h in [1111, 1250, 1390] {
        let t = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            + chrono::Duration::hours(h);
        assert!(
            out.contains(&format!("  {}Z  severity", t.format("%Y-%m-%dT%H:%M:%S"))),
            "hour {h}: {out}"
        );
    }
    let v = backtest(&file, &[]);
    let (mut training, mut testing) = (0, 0);
    for m in v["metrics"].as_array().unwrap() {
        for a in m["anomalies"].as_array().unwrap() {
            if a["part"] == "testing" {
                testing += 1
            } else {
                training += 1
            }
        }
    }
    let summary = format!(
        "6 metrics run, {} anomalies found: {training} in training, {testing} in testing",
        training + testing
    );
    assert!(out.trim_end().ends_with(&summary), "{summary}\n{out}");
}

#[test]
fn a_cap_keeps_the_metrics_with_most_data_and_says_how_many_were_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let file = labelled_set(dir.path());
    let v = backtest(&file, &["--max-metrics", "5"]);
    assert_eq!(
        (&v["metrics_total"], &v["metrics_left_out"]),
        (&6.into(), &1.into())
    );
    let kinds: Vec<&Value> = v["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["dimensions"]["kind"])
        .collect();
    assert!(
        !kinds.contains(&&Value::from("gap")),
        "the sparsest is left out: {kinds:?}"
    );
    let (code, out, _) = run(l4m()
        .arg("backtest")
        .arg(&file)
        .args(LABELS)
        .args(["--max-metrics", "5"]));
    assert_eq!(code, 0);
    assert!(out.contains("1 of 6 metrics left out (at most 5 a run, those with the most intervals with data first): raise --max-metrics or narrow with --where DIM=VALUE"), "{out}");
}

#[test]
fn bad_input_gets_one_line_that_names_it_and_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let file = labelled_set(dir.path());
    let f = file.to_str().unwrap();
    let cases: [(&[&str], i32, &str); 7] = [
        (
            &["--impute", "linear"],
            2,
            "\"linear\" is not an imputation: use zero, previous, fixed:NUMBER or ignore, e.g. fixed:0.5",
        ),
        (
            &["--impute", "fixed:abc"],
            2,
            "fixed needs a number after the colon, e.g. fixed:0.5",
        ),
        (
            &["--where", "country=fr"],
            2,
            "--where country=...: \"country\" is not a dimension (the dimensions: kind); label it with --dimension country",
        ),
        (&["--max-metrics", "0"], 2, "--max-metrics"),
        (&["--force"], 2, "--csv"),
        (
            &["--csv", "/tmp"],
            2,
            "/tmp: is a folder: give --csv a file's path",
        ),
        (
            &["--csv", "/nonexistent-folder/a.csv"],
            2,
            "/nonexistent-folder/a.csv: the folder /nonexistent-folder does not exist: create it, or give --csv another path",
        ),
    ];
    for (extra, want_code, want) in cases {
        let (code, out, err) = run(l4m().arg("backtest").arg(f).args(LABELS).args(extra));
        assert_eq!(code, want_code, "{extra:?}: {err}");
        assert!(out.is_empty(), "{extra:?}: {out}");
        assert!(err.contains(want), "{extra:?}: {err}");
        // The engine's and the command's own errors are one line; clap's name the option and
        // add a line pointing to --help.
        if extra[0] == "--csv" || extra[0] == "--where" {
            assert_one_line_error(&err, want);
        }
    }
    let (code, out, err) =
        run(l4m()
            .arg("backtest")
            .arg(f)
            .args(["--timestamp", "ts", "--measure", "nope"]));
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert_one_line_error(&err, "unknown column \"nope\"");
}

/// Six metrics of 20,000 hours each: a run of several seconds.
fn long_set(dir: &Path) -> PathBuf {
    let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let mut out = String::from("ts,kind,sales\n");
    for k in 0..6 {
        let mut n = noise(k + 1);
        for h in 0..20_000 {
            let t = start + chrono::Duration::hours(h);
            let daily = (h as f64 * std::f64::consts::TAU / 24.0).sin();
            let v = 200.0 + 80.0 * daily + 4.0 * n();
            out.push_str(&format!("{},m{k},{v:.3}\n", t.format("%Y-%m-%d %H:%M:%S")));
        }
    }
    let path = dir.join("long.csv");
    std::fs::write(&path, out).unwrap();
    path
}

#[test]
fn ctrl_c_keeps_and_prints_the_metrics_that_finished_and_says_it_is_partial() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let file = long_set(dir.path());
    let csv = dir.path().join("a.csv");
    let child = Command::new(assert_cmd::cargo::cargo_bin("l4m"))
        .arg("backtest")
        .arg(&file)
        .args([
            "--timestamp",
            "ts",
            "--dimension",
            "kind",
            "--measure",
            "sales",
        ])
        .args(["--frequency", "PT1H", "--threads", "1", "--json", "--csv"])
        .arg(&csv)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The scan of 120,000 rows takes well under this; the forest, several seconds.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let output = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{err}");
    let v: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(v["partial"], true);
    let metrics = v["metrics"].as_array().unwrap();
    assert!(
        metrics.len() < 6,
        "stopped before the end: {}",
        metrics.len()
    );
    for m in metrics {
        assert_eq!(
            m["points"].as_array().unwrap().len(),
            20_000,
            "only whole metrics"
        );
    }
    assert!(
        err.contains(&format!(
            "l4m: interrupted: the backtest stopped; the output holds the {} of 6 metrics that finished (partial)",
            metrics.len()
        )),
        "{err}"
    );
    assert!(
        err.lines()
            .any(|l| l.contains("partial") && l.contains("wrote")),
        "{err}"
    );
}

/// The README's figures for the labelled set: of the 8 injected anomalies, how many are flagged
/// at their first interval, and how many flags fall outside every injected anomaly (its
/// intervals and the 8 after them, the forest's shingle, in which it still sees it).
#[test]
fn labelled_set_figures_as_the_readme_gives_them() {
    let dir = tempfile::tempdir().unwrap();
    let v = backtest(&labelled_set(dir.path()), &[]);
    let mut truth: Vec<(&str, usize, usize)> = SPIKES.iter().map(|&s| ("spikes", s, 1)).collect();
    truth.extend([
        ("shift", SHIFT, 1),
        ("dropout", DROPOUT, 6),
        ("pattern", PATTERN, 1),
    ]);
    let mut found = 0;
    let mut false_flags = Vec::new();
    for kind in KINDS {
        let at = flagged(&v, kind);
        for (k, start, _) in &truth {
            if *k == kind && at.contains(start) {
                found += 1;
            }
        }
        for h in at {
            let inside = truth
                .iter()
                .any(|(k, s, len)| *k == kind && (*s..s + len + 8).contains(&h));
            if !inside {
                false_flags.push((kind, h));
            }
        }
    }
    println!("injected 8, flagged at their interval {found}, false flags {false_flags:?}");
    assert_eq!(found, 8);
    assert_eq!(false_flags.len(), 0, "{false_flags:?}");
}
