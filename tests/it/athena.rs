//! `--engine athena --print-sql`: golden files of the generated SQL for each reading and each
//! family of timestamp format, the SQL parsed by sqlglot in the Athena dialect, and a
//! differential test: the queries transpiled to DuckDB over the same files give the local scan's
//! per-interval counts, in UTC and in a daylight-saving timezone.
//!
//! sqlglot and duckdb come from PyPI, installed by `scripts/test.sh` at the versions it pins.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command as Std;

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone as _};
use serde_json::{Value, json};

use crate::common::{l4m, root, run, run_json};

/// One generated dataset: how it is written and read.
struct Case {
    name: &'static str,
    /// Folder name (inside the temp dir) and its files.
    files: Vec<(String, Vec<u8>)>,
    args: Vec<&'static str>,
    /// How DuckDB reads the files (differential cases).
    read: Value,
    /// Whether DuckDB can run the queries (see `differential`).
    differential: bool,
}

/// 60 hours from 2020-10-31 00:00 (a repeated hour in New York on 2020-11-01), every 20 minutes,
/// and a spring-forward day (2020-03-08), as wall-clock times.
fn walls() -> Vec<NaiveDateTime> {
    let mut out = Vec::new();
    for start in [
        NaiveDate::from_ymd_opt(2020, 10, 31).unwrap(),
        NaiveDate::from_ymd_opt(2020, 3, 7).unwrap(),
    ] {
        let t0 = start.and_hms_opt(0, 0, 0).unwrap();
        for i in 0..(60 * 3) {
            // Uneven: some intervals hold 1, 2 or 3 records, some none.
            if i % 7 == 3 || i % 11 == 5 {
                continue;
            }
            out.push(t0 + Duration::minutes(20 * i));
        }
    }
    out
}

/// CSV lines: timestamp, a dimension (quoted when it holds the delimiter), a measure.
fn csv(sep: char, header: bool, quote_dim: bool, fmt: &dyn Fn(NaiveDateTime) -> String) -> Vec<u8> {
    let mut s = String::new();
    if header {
        s.push_str(&format!("ts{sep}shop{sep}views\n"));
    }
    for (i, t) in walls().iter().enumerate() {
        let dim = if quote_dim && i % 3 == 0 {
            format!("\"north{sep} east\"")
        } else {
            ["south", "west"][i % 2].to_string()
        };
        s.push_str(&format!("{}{sep}{dim}{sep}{}\n", fmt(*t), i % 13));
    }
    // A bad timestamp and an empty one.
    s.push_str(&format!("not a time{sep}south{sep}1\n{sep}south{sep}2\n"));
    s.into_bytes()
}

fn jsonl(ts: &dyn Fn(NaiveDateTime) -> Value) -> Vec<u8> {
    let mut s = String::new();
    for (i, t) in walls().iter().enumerate() {
        let shop = ["south", "west"][i % 2];
        let line = json!({"ts": ts(*t), "shop": shop, "views": i % 13});
        s.push_str(&format!("{line}\n"));
    }
    s.push_str("{\"ts\": \"x\", \"shop\": \"south\", \"views\": 1}\n");
    s.into_bytes()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn iso(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn cases() -> Vec<Case> {
    let csv_read = |d: &str, header: bool| json!({"format": "csv", "delimiter": d, "quote": "\"", "header": header});
    let ts_args = |fmt: &'static str| vec!["--timestamp", "ts", "--timestamp-format", fmt];
    let mut cases = vec![
        Case {
            name: "comma_header_quoted",
            files: vec![("a.csv".into(), csv(',', true, true, &iso))],
            args: ts_args("yyyy-MM-dd HH:mm:ss"),
            read: csv_read(",", true),
            differential: true,
        },
        Case {
            name: "tab_header_unquoted",
            files: vec![("a.tsv".into(), csv('\t', true, false, &iso))],
            args: [
                ts_args("yyyy-MM-dd HH:mm:ss"),
                vec!["--delimiter", "tab", "--quote", "none"],
            ]
            .concat(),
            read: json!({"format": "csv", "delimiter": "\t", "quote": "", "header": true}),
            differential: true,
        },
        Case {
            name: "pipe_no_header",
            files: vec![(
                "a.csv".into(),
                csv('|', false, false, &|t| {
                    t.format("%m/%d/%Y %H:%M").to_string()
                }),
            )],
            args: vec![
                "--no-header",
                "--delimiter",
                "|",
                "--timestamp",
                "column_1",
                "--timestamp-format",
                "MM/dd/yyyy HH:mm",
                "--measure",
                "column_3",
            ],
            read: csv_read("|", false),
            differential: true,
        },
        Case {
            name: "gzip_twelve_hour",
            files: vec![(
                "a.csv.gz".into(),
                gzip(&csv(',', true, false, &|t| {
                    t.format("%Y-%m-%d %I:%M:%S %p").to_string()
                })),
            )],
            args: ts_args("yyyy-MM-dd hh:mm:ss a"),
            read: csv_read(",", true),
            differential: true,
        },
        Case {
            name: "offset_iso",
            files: vec![(
                "a.csv".into(),
                csv(',', true, false, &|t| {
                    t.format("%Y-%m-%dT%H:%M:%S+02:00").to_string()
                }),
            )],
            args: ts_args("yyyy-MM-dd'T'HH:mm:ssXXX"),
            read: csv_read(",", true),
            // sqlglot turns Trino's parse_datetime into DuckDB's strptime without translating
            // the Joda pattern: checked by parsing only.
            differential: false,
        },
        Case {
            name: "jsonl_unix_seconds",
            files: vec![("a.jsonl".into(), jsonl(&|t| json!(t.and_utc().timestamp())))],
            args: ts_args("UNIX"),
            read: json!({"format": "jsonl"}),
            differential: true,
        },
        Case {
            name: "jsonl_unix_millis",
            files: vec![(
                "a.jsonl".into(),
                jsonl(&|t| json!(t.and_utc().timestamp_millis().to_string())),
            )],
            args: ts_args("UNIX"),
            read: json!({"format": "jsonl"}),
            differential: true,
        },
        Case {
            name: "daily_date_only",
            files: vec![(
                "a.csv".into(),
                csv(',', true, false, &|t| t.format("%Y-%m-%d").to_string()),
            )],
            args: [ts_args("yyyy-MM-dd"), vec!["--frequency", "P1D"]].concat(),
            read: csv_read(",", true),
            differential: true,
        },
    ];
    for c in &mut cases {
        if !c.args.contains(&"--frequency") {
            c.args.extend(["--frequency", "PT1H"]);
        }
    }
    cases
}

/// The dataset written under `dir/<name>/`.
fn write(dir: &Path, c: &Case) -> PathBuf {
    let folder = dir.join(c.name);
    std::fs::create_dir_all(&folder).unwrap();
    for (name, bytes) in &c.files {
        std::fs::write(folder.join(name), bytes).unwrap();
    }
    folder
}

fn print_sql(dir: &Path, c: &Case, tz: &str) -> Value {
    let (code, v) = run_json(
        l4m()
            .current_dir(dir)
            .args(["coverage", c.name, "--engine", "athena", "--print-sql"])
            .args(["--database", "l4mtest", "--timezone", tz])
            .args(&c.args),
    );
    assert_eq!(code, 0, "{}: {v}", c.name);
    v
}

fn python(args: &[&str]) -> String {
    let script = root().join("tests/it/athena/sql.py");
    let out = Std::new("python3")
        .arg(&script)
        .args(args)
        .output()
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("ModuleNotFoundError") {
        panic!(
            "sqlglot or duckdb is missing: run bash scripts/test.sh, which installs them\n{stderr}"
        );
    }
    assert!(out.status.success(), "sql.py {args:?} failed:\n{stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn athena_sql_golden_files() {
    let dir = tempfile::tempdir().unwrap();
    for c in cases() {
        write(dir.path(), &c);
        let v = print_sql(dir.path(), &c, "America/New_York");
        let mut text = format!("-- ddl\n{}\n", v["ddl"].as_str().unwrap());
        for (name, q) in v["queries"].as_object().unwrap() {
            text.push_str(&format!("\n-- {name}\n{}\n", q.as_str().unwrap()));
        }
        text.push_str(&format!("\n-- drop\n{}\n", v["drop"].as_str().unwrap()));
        insta::assert_snapshot!(format!("athena_sql_{}", c.name), text);
    }
}

#[test]
fn athena_sql_parses_in_sqlglot_athena_dialect() {
    let dir = tempfile::tempdir().unwrap();
    let mut plans = serde_json::Map::new();
    for c in cases() {
        write(dir.path(), &c);
        for tz in ["UTC", "America/New_York"] {
            plans.insert(format!("{}/{tz}", c.name), print_sql(dir.path(), &c, tz));
        }
    }
    // The continuous layout's DDL, with partition projection.
    let (code, v) = run_json(l4m().current_dir(root()).args([
        "coverage",
        "tests/fixtures/data/l4m-ecommerce-live",
        "--recursive",
        "--engine",
        "athena",
        "--print-sql",
    ]));
    assert_eq!(code, 0);
    plans.insert("continuous".into(), v);
    let path = dir.path().join("plans.json");
    std::fs::write(&path, Value::Object(plans).to_string()).unwrap();
    let out = python(&["parse", path.to_str().unwrap()]);
    assert!(out.starts_with("ok 17"), "{out}");
}

#[test]
fn athena_print_sql_of_a_local_location_names_its_placeholder() {
    let (code, v) = run_json(l4m().current_dir(root()).args([
        "coverage",
        "assets/ecommerce",
        "--engine",
        "athena",
        "--print-sql",
    ]));
    assert_eq!(code, 0);
    let placeholder = l4m::athena::LOCATION_PLACEHOLDER;
    assert_eq!(v["location"], placeholder);
    assert!(
        v["ddl"]
            .as_str()
            .unwrap()
            .contains(&format!("LOCATION '{placeholder}'"))
    );
    assert!(
        v["location_placeholder"]
            .as_str()
            .unwrap()
            .contains("assets/ecommerce")
    );
    for q in ["intervals", "skipped", "metrics"] {
        assert!(v["queries"][q].is_string(), "{q}");
    }
    // --print-sql alone is a usage error.
    let (code, _, err) =
        run(l4m()
            .current_dir(root())
            .args(["coverage", "assets/ecommerce", "--print-sql"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--engine athena"), "{err}");
}

/// The local scan's intervals: (start as `YYYY-MM-DD HH:MM:SS` UTC, records).
fn local_intervals(dir: &Path, c: &Case, tz: &str) -> (Vec<(String, u64)>, Value) {
    let (code, v) = run_json(
        l4m()
            .current_dir(dir)
            .args(["coverage", c.name, "--json", "--timezone", tz])
            .args(&c.args),
    );
    assert_eq!(code, 0, "{v}");
    let rows = v["intervals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let start = chrono::DateTime::parse_from_rfc3339(i["start"].as_str().unwrap()).unwrap();
            (
                start.naive_utc().format("%Y-%m-%d %H:%M:%S").to_string(),
                i["records"].as_u64().unwrap(),
            )
        })
        .collect();
    (rows, v)
}

#[test]
fn athena_sql_in_duckdb_counts_as_the_local_scan() {
    let dir = tempfile::tempdir().unwrap();
    let mut compared = 0;
    for c in cases().into_iter().filter(|c| c.differential) {
        let folder = write(dir.path(), &c);
        for tz in ["UTC", "America/New_York"] {
            let plan = print_sql(dir.path(), &c, tz);
            let plan_path = dir.path().join("plan.json");
            std::fs::write(&plan_path, plan.to_string()).unwrap();
            let mut read = c.read.clone();
            read["files"] = json!(
                c.files
                    .iter()
                    .map(|(n, _)| folder.join(n).display().to_string())
                    .collect::<Vec<_>>()
            );
            let spec_path = dir.path().join("read.json");
            std::fs::write(&spec_path, read.to_string()).unwrap();
            let out: Value = serde_json::from_str(&python(&[
                "run",
                plan_path.to_str().unwrap(),
                spec_path.to_str().unwrap(),
            ]))
            .unwrap();
            let duck: Vec<(String, u64)> = out["intervals"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r[0].as_str().unwrap()[..19].to_string(),
                        r[1].as_u64().unwrap(),
                    )
                })
                .collect();
            let (local, report) = local_intervals(dir.path(), &c, tz);
            assert!(!local.is_empty());
            assert_eq!(duck, local, "{} in {tz}", c.name);
            // The skipped records by reason too.
            let skipped = &report["records_skipped_by_reason"];
            for row in out["skipped"].as_array().unwrap() {
                let reason = row[0].as_str().unwrap();
                assert_eq!(skipped[reason], row[1], "{} in {tz}: {reason}", c.name);
            }
            compare_metrics(dir.path(), &c, tz, &out["metrics"]);
            compared += 1;
        }
    }
    assert_eq!(compared, 14);
    // The New York data does cross both changes: its hours are not all one hour apart in UTC.
    let _ = chrono_tz::America::New_York
        .with_ymd_and_hms(2020, 11, 1, 1, 30, 0)
        .earliest();
}

#[test]
fn athena_sql_projects_the_partitions_of_a_continuous_layout() {
    let (code, v) = run_json(l4m().current_dir(root()).args([
        "coverage",
        "tests/fixtures/data/l4m-ecommerce-live",
        "--recursive",
        "--engine",
        "athena",
        "--print-sql",
    ]));
    assert_eq!(code, 0, "{v}");
    insta::assert_snapshot!("athena_ddl_continuous", v["ddl"].as_str().unwrap());
}

/// The `metrics` query's rows against the local `quality --json` series: measure, dimension
/// values, intervals with data, first and last interval.
fn compare_metrics(dir: &Path, c: &Case, tz: &str, rows: &Value) {
    let (code, q) = run_json(
        l4m()
            .current_dir(dir)
            .args(["quality", c.name, "--json", "--timezone", tz])
            .args(&c.args),
    );
    assert_eq!(code, 0, "{q}");
    let dims: Vec<String> = q["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_string())
        .collect();
    let utc = |v: &Value| {
        let t = chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
        t.naive_utc().format("%Y-%m-%d %H:%M:%S").to_string()
    };
    let mut local = metric_rows(&q, &dims, utc);
    let mut duck: Vec<Vec<String>> = rows
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    r.as_array()
                        .unwrap()
                        .iter()
                        .map(|v| match v {
                            Value::String(s)
                                if s.len() >= 19
                                    && s.as_bytes()[4] == b'-'
                                    && s.as_bytes()[10] == b' ' =>
                            {
                                s[..19].to_string()
                            }
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default();
    local.sort();
    duck.sort();
    assert!(!local.is_empty(), "{}: no series", c.name);
    assert_eq!(duck, local, "{} in {tz}: metrics", c.name);
}

/// The `metrics` query's rows (measure, each dimension's value, intervals with data, first and
/// last interval) from a local `quality --json`, the times written by `utc`.
pub(crate) fn metric_rows<D: AsRef<str>>(
    quality: &Value,
    dims: &[D],
    utc: impl Fn(&Value) -> String,
) -> Vec<Vec<String>> {
    quality["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let mut r = vec![s["measure"].as_str().unwrap().to_string()];
            r.extend(
                dims.iter()
                    .map(|d| s["dimensions"][d.as_ref()].as_str().unwrap().to_string()),
            );
            r.push(s["intervals_with_data"].to_string());
            r.push(utc(&s["first_interval"]));
            r.push(utc(&s["last_interval"]));
            r
        })
        .collect()
}
