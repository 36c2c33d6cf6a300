//! S3 through the real `aws-sdk-s3` client against a real S3-compatible server on loopback (moto
//! in server mode, started and stopped by each test, one bucket per test). Nothing reaches AWS.

use crate::common;

use std::time::{Duration, Instant};

use aws_sdk_s3::primitives::ByteStream;
use common::moto::Moto;
use common::synth::{self, Layout, Spec};
use common::*;
use l4m::source::{Location, Source, list_all};
use serde_json::Value;

fn csv_bytes(spec: &Spec) -> Vec<u8> {
    let mut out = Vec::new();
    synth::write(spec, &mut out).unwrap();
    out
}

#[test]
fn the_bucket_list_and_a_prefix_are_listed() {
    let moto = Moto::start();
    moto.bucket("alpha");
    moto.bucket("beta");
    moto.put(
        "alpha",
        "data/a.csv",
        b"ts,n\n2020-10-01 00:00:00,1\n".to_vec(),
    );
    moto.put("alpha", "data/sub/b.csv", b"x".to_vec());
    let source = moto.source();
    let buckets = list_all(&source, &Location::parse("s3://").unwrap(), false).unwrap();
    let names: Vec<&str> = buckets.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["alpha", "beta"]);
    let entries = list_all(
        &source,
        &Location::parse("s3://alpha/data/").unwrap(),
        false,
    )
    .unwrap();
    let names: Vec<(&str, bool)> = entries
        .iter()
        .map(|e| (e.name.as_str(), e.kind == l4m::source::EntryKind::Folder))
        .collect();
    assert_eq!(names, [("sub", true), ("a.csv", false)]);
    assert_eq!(entries[1].size, Some(27));
    // The TUI opens on s3:// with the bucket list, and Enter opens a bucket.
    let mut app =
        l4m::tui::app::App::new(Location::parse("s3://").unwrap(), false, Default::default());
    app.settle(&source);
    let names: Vec<&str> = app
        .browser
        .entries
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(names, ["alpha", "beta"]);
    app.key(l4m::tui::keys::Key::Enter);
    app.settle(&source);
    assert_eq!(app.browser.location.to_string(), "s3://alpha/");
    assert_eq!(app.browser.entries[0].name, "data");
    // A prefix typed without its slash is a folder too.
    let e = source
        .stat(&Location::parse("s3://alpha/data").unwrap())
        .unwrap();
    assert_eq!(e.location.to_string(), "s3://alpha/data/");
}

#[test]
fn a_prefix_with_more_than_1000_keys_is_listed_page_by_page() {
    let moto = Moto::start();
    moto.bucket("many");
    let body = b"ts,n\n2020-10-01 00:00:00,1\n".to_vec();
    moto.runtime.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for i in 0..1_500 {
            let client = moto.client.clone();
            let body = body.clone();
            set.spawn(async move {
                client
                    .put_object()
                    .bucket("many")
                    .key(format!("p/f{i:05}.csv"))
                    .body(ByteStream::from(body))
                    .send()
                    .await
                    .unwrap();
            });
            if set.len() >= 32 {
                set.join_next().await;
            }
        }
        while set.join_next().await.is_some() {}
    });
    let source = moto.source();
    let root = Location::parse("s3://many/p/").unwrap();
    let first = source.list(&root, None).unwrap();
    assert_eq!(first.entries.len(), 1_000);
    let cursor = first.next.expect("a second page");
    let second = source.list(&root, Some(&cursor)).unwrap();
    assert_eq!(second.entries.len(), 500);
    assert_eq!(second.next, None);
    assert_eq!(second.entries[499].name, "f01499.csv");
    let (code, v) = run_json(moto.l4m().args(["inspect", "s3://many/p/", "--json"]));
    assert_eq!(code, 0);
    assert_eq!(v["files"], 1_500);
    // The browser shows the first page at once and fetches the next as the user scrolls near it.
    let mut app = l4m::tui::app::App::new(root.clone(), false, Default::default());
    app.settle(&source);
    assert_eq!(app.browser.entries.len(), 1_000);
    assert!(app.browser.next.is_some());
    app.key(l4m::tui::keys::Key::Char('G'));
    assert!(app.browser.loading_more);
    app.settle(&source);
    assert_eq!(app.browser.entries.len(), 1_500);
    assert_eq!(app.browser.next, None);
}

#[test]
fn a_preview_reads_at_most_1_mib_of_a_large_object() {
    let moto = Moto::start();
    moto.bucket("big-data");
    let spec = Spec::ecommerce_hourly(12_000, 3); // about 11 MB
    let bytes = csv_bytes(&spec);
    assert!(bytes.len() > 10_000_000);
    moto.put("big-data", "big.csv", bytes);
    let (code, v) = run_json(
        moto.l4m()
            .args(["inspect", "s3://big-data/big.csv", "--json"]),
    );
    assert_eq!(code, 0, "{v}");
    let fetched = v["bytes_fetched"].as_u64().unwrap();
    assert!(fetched <= 1_048_576, "read {fetched} bytes");
    assert!(fetched > 1_000_000, "the head is read whole: {fetched}");
    assert_eq!(v["sample_complete"], false);
    assert_eq!(v["frequency"], "PT1H");
}

#[test]
fn gzip_objects_are_decompressed_from_the_stream() {
    let moto = Moto::start();
    moto.bucket("gzip-data");
    let spec = Spec::ecommerce_hourly(300, 5);
    let mut packed = Vec::new();
    let truth = synth::write_gzip(&spec, &mut packed).unwrap();
    moto.put("gzip-data", "data/d.csv.gz", packed);
    let (code, v) =
        run_json(
            moto.l4m()
                .args(["inspect", "s3://gzip-data/data/d.csv.gz", "--json"]),
        );
    assert_eq!(code, 0);
    assert_eq!(v["compression"], "gzip");
    let (code, v) = run_json(
        moto.l4m()
            .args(["coverage", "s3://gzip-data/data/", "--json"]),
    );
    assert_eq!(code, 0);
    assert_eq!(v["records"], truth.records);
    assert_eq!(v["intervals_with_data"], truth.intervals_with_data);
}

#[test]
fn the_same_files_give_the_same_coverage_from_a_folder_and_from_s3() {
    let moto = Moto::start();
    moto.bucket("live");
    let dir = tempfile::tempdir().unwrap();
    let mut spec = Spec::ecommerce_hourly(320, 9);
    spec.gaps = vec![30..33, 200..210];
    spec.layout = Layout::csv();
    let truth = synth::write_continuous(&spec, dir.path()).unwrap();
    moto.put_folder("live", "ecommerce/live/", dir.path());
    let (code, local) = run_json(
        l4m()
            .arg("coverage")
            .arg(dir.path())
            .args(["--recursive", "--json"]),
    );
    assert_eq!(code, 0);
    let (code, s3) = run_json(moto.l4m().args([
        "coverage",
        "s3://live/ecommerce/live/",
        "--recursive",
        "--json",
    ]));
    assert_eq!(code, 0, "{s3}");
    for key in [
        "records",
        "records_skipped",
        "first_interval",
        "last_interval",
        "intervals_spanned",
        "intervals_with_data",
        "intervals_missing",
        "longest_gaps",
        "max_records_per_interval",
        "max_files_per_interval",
        "files_scanned",
        "bytes_scanned",
        "intervals",
    ] {
        assert_eq!(local[key], s3[key], "{key}");
    }
    assert_eq!(s3["records"], truth.records);
    assert_eq!(s3["intervals_with_data"], truth.intervals_with_data);
    assert_eq!(s3["files_scanned"], truth.intervals_with_data);
    // The continuous layout: template from the keys, one folder per interval, the gaps' folders missing.
    assert_eq!(s3["template"], "{{yyyyMMdd}}/{{HHmm}}");
    assert_eq!(s3["folders"], truth.intervals_with_data);
    assert_eq!(s3["folders_missing"], 13);
    assert_eq!(s3["missing_folders"][0], "2020-10-02T06:00:00Z");
    assert_eq!(s3["records_outside_folder"], 0);
    // Export prefills the path template from the location, and it passes the model.
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("m.json");
    let (code, _, err) = run(moto
        .l4m()
        .args([
            "export",
            "s3://live/ecommerce/live/",
            "--recursive",
            "--no-scan",
            "--name",
            "live",
        ])
        .args(["--role-arn", "arn:aws:iam::123456789012:role/R"])
        .args([
            "--detector-arn",
            "arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:d",
        ])
        .arg("-o")
        .arg(&path));
    assert_eq!(code, 0, "{err}");
    let config: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let s3cfg = &config["MetricSource"]["S3SourceConfig"];
    assert_eq!(
        s3cfg["TemplatedPathList"],
        serde_json::json!(["s3://live/ecommerce/live/{{yyyyMMdd}}/{{HHmm}}"])
    );
    assert!(s3cfg.get("HistoricalDataPathList").is_none());
    assert_eq!(metric_set_violations(&config), []);
}

#[test]
fn export_takes_the_historical_path_from_the_s3_location() {
    let moto = Moto::start();
    moto.bucket("hist-bucket");
    moto.put(
        "hist-bucket",
        "ecommerce/backtest/d.csv",
        csv_bytes(&Spec::ecommerce_hourly(300, 1)),
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.json");
    let (code, _, err) = run(moto
        .l4m()
        .args([
            "export",
            "s3://hist-bucket/ecommerce/backtest/",
            "--no-scan",
        ])
        .args(["--role-arn", "arn:aws:iam::123456789012:role/R"])
        .args([
            "--detector-arn",
            "arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:d",
        ])
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    let config: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(
        config["MetricSource"]["S3SourceConfig"]["HistoricalDataPathList"],
        serde_json::json!(["s3://hist-bucket/ecommerce/backtest/"])
    );
    assert_eq!(config["MetricSetName"], "backtest");
    assert_eq!(metric_set_violations(&config), []);
}

#[test]
fn a_missing_bucket_a_missing_key_and_a_stopped_server_are_named() {
    let moto = Moto::start();
    moto.bucket("here-bucket");
    let (code, _, err) = run(moto.l4m().args(["inspect", "s3://nothere/data/"]));
    assert_eq!(code, 1);
    assert!(
        err.contains("l4m: error: s3://nothere/data/: no such bucket \"nothere\""),
        "{err}"
    );
    let (code, _, err) = run(moto
        .l4m()
        .args(["inspect", "s3://here-bucket/data/missing.csv"]));
    assert_eq!(code, 1);
    assert!(
        err.contains("l4m: error: s3://here-bucket/data/missing.csv: no such key or prefix"),
        "{err}"
    );
    let endpoint = moto.endpoint.clone();
    let mut cmd = moto.l4m();
    drop(moto);
    let started = Instant::now();
    let (code, _, err) = run(cmd.args(["inspect", "s3://here-bucket/data/"]));
    assert_eq!(code, 1);
    assert_one_line_error(&err, "");
    assert_eq!(
        err.trim_end(),
        format!(
            "l4m: error: s3://here-bucket/data/: cannot reach {endpoint}: check that the server runs and the network, or use --endpoint-url URL"
        )
    );
    assert!(started.elapsed() < Duration::from_secs(30), "fails fast");
    assert!(!err.contains("panicked"));
}

#[test]
fn no_credentials_is_a_clear_error() {
    let moto = Moto::start();
    moto.bucket("creds-bucket");
    let (code, _, err) = run(l4m()
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_REGION", "us-east-1")
        .args([
            "inspect",
            "s3://creds-bucket/data/",
            "--endpoint-url",
            &moto.endpoint,
        ]));
    assert_eq!(code, 1);
    assert_one_line_error(&err, "");
    assert_eq!(
        err.trim_end(),
        "l4m: error: s3://creds-bucket/data/: no AWS credentials found: use --profile NAME, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add --no-sign-request for a public bucket"
    );
}

#[test]
fn a_large_object_is_read_in_ranged_pieces_with_the_same_figures() {
    use l4m::coverage::{self, ScanControl, ScanSpec};
    use std::sync::Arc;
    use std::sync::atomic::Ordering;
    let moto = Moto::start();
    moto.bucket("big-bucket");
    let mut spec = Spec::ecommerce_hourly(1_500, 5);
    spec.gaps = vec![100..120, 125..135];
    moto.put_public("big-bucket", "data/big.csv", csv_bytes(&spec));
    let source = moto.source();
    let location = Location::parse("s3://big-bucket/data/big.csv").unwrap();
    let i = l4m::inspect::inspect(&source, &location, false, &Default::default()).unwrap();
    let scan = |threads: usize, piece: u64| {
        let mut s = ScanSpec::from_labels(&i, &i.suggested, None, chrono_tz::UTC).unwrap();
        s.concurrency = threads;
        s.piece_bytes = piece;
        let control = Arc::new(ScanControl::default());
        let c = coverage::scan(&source, &i.dataset, &i.dialect(), &s, &control).unwrap();
        (
            serde_json::to_string(&c).unwrap(),
            control.pieces_done.load(Ordering::Relaxed),
        )
    };
    let (one, _) = scan(1, 300_000);
    let (many, pieces) = scan(4, 300_000);
    assert_eq!(pieces, 4, "the object was split into ranged GETs");
    assert_eq!(many, one);
    let v: Value = serde_json::from_str(&many).unwrap();
    assert_eq!(v["records"], 1_470 * 21);
    assert_eq!(v["complete"], true);
}
