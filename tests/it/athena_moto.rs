//! `coverage s3://... --engine athena` end to end against moto's Athena (server mode, on
//! 127.0.0.1): moto does not run SQL, it answers each query with the next of a queue of canned
//! results. The canned rows are the local scan's intervals and skipped records, written as Athena
//! writes them; the report built from them must be the local scan's, with `engine: athena`.

use serde_json::{Value, json};

use crate::common::moto::Moto;
use crate::common::{fixture, l4m, run, run_json};

fn varchars(values: &[&str]) -> Value {
    json!({"Data": values.iter().map(|v| json!({"VarCharValue": v})).collect::<Vec<_>>()})
}

pub(crate) fn result(columns: &[&str], rows: &[Vec<String>]) -> Value {
    let mut all = vec![varchars(columns)];
    for r in rows {
        all.push(varchars(&r.iter().map(String::as_str).collect::<Vec<_>>()));
    }
    json!({
        "rows": all,
        "column_info": columns.iter().map(|c| json!({"Name": c, "Type": "varchar", "Nullable": "UNKNOWN", "CaseSensitive": true})).collect::<Vec<_>>(),
    })
}

/// A time of the local scan's JSON (RFC 3339) as Athena writes a UTC timestamp.
pub(crate) fn athena_utc(v: &Value) -> String {
    let t = chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
    t.naive_utc().format("%Y-%m-%d %H:%M:%S%.3f").to_string()
}

/// The `intervals` query's rows, as Athena would give them, from a local `coverage --json`.
pub(crate) fn interval_rows(coverage: &Value) -> Vec<Vec<String>> {
    coverage["intervals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| vec![athena_utc(&i["start"]), i["records"].to_string()])
        .collect()
}

/// moto's Athena answers each query it is asked with the next of these results, in order.
pub(crate) fn queue_results(moto: &Moto, results: Vec<Value>) {
    let queue = json!({ "results": results });
    post_json(
        &format!("{}/moto-api/static/athena/query-results", moto.endpoint),
        &queue,
    );
}

fn post_json(url: &str, body: &Value) {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, urllib.request; r = urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), headers={'Content-Type': 'application/json'})); print(r.status)",
            url,
            &body.to_string(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn athena_engine_against_moto_fills_the_local_report() {
    let data = fixture("l4m-ecommerce-live");
    let (code, local) =
        run_json(l4m().args(["coverage", data.to_str().unwrap(), "--recursive", "--json"]));
    assert_eq!(code, 0);
    let moto = Moto::start();
    moto.bucket("data");
    moto.bucket("results");
    moto.put_folder("data", "live/", &data);
    let intervals = interval_rows(&local);
    // One canned result per query, in the order l4m starts them: CREATE, intervals, skipped, DROP.
    queue_results(
        &moto,
        vec![
            result(&[], &[]),
            result(&["interval_start", "records"], &intervals),
            result(&["reason", "records"], &[]),
            result(&[], &[]),
        ],
    );
    let (code, out, err) = run(moto
        .l4m()
        .env("AWS_ENDPOINT_URL_ATHENA", &moto.endpoint)
        .args([
            "coverage",
            "s3://data/live/",
            "--recursive",
            "--json",
            "--engine",
            "athena",
        ])
        .args([
            "--database",
            "default",
            "--work-group",
            "primary",
            "--output-location",
            "s3://results/l4m/",
        ]));
    assert_eq!(code, 0, "{err}");
    let athena: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(athena["engine"], "athena");
    assert!(
        local.get("engine").is_none(),
        "the local scan's JSON has no engine field"
    );
    for key in [
        "records",
        "records_skipped",
        "first_interval",
        "last_interval",
        "intervals_spanned",
        "intervals_with_data",
        "intervals_missing",
        "meets_threshold",
        "max_records_per_interval",
        "longest_gaps",
    ] {
        assert_eq!(athena[key], local[key], "{key}");
    }
    let starts = |v: &Value| -> Vec<(Value, Value, Value)> {
        v["intervals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["start"].clone(), i["slot"].clone(), i["records"].clone()))
            .collect()
    };
    assert_eq!(starts(&athena), starts(&local));
    // Progress, cost and the dropped table are on stderr.
    assert!(err.contains("l4m: athena intervals SUCCEEDED"), "{err}");
    assert!(err.contains("at $5 per TB"), "{err}");
    assert!(err.contains("dropped"), "{err}");
}

#[test]
fn athena_engine_needs_an_s3_location() {
    let (code, _, err) = run(l4m().args([
        "coverage",
        fixture("l4m-ecommerce-live").to_str().unwrap(),
        "--recursive",
        "--engine",
        "athena",
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--print-sql"), "{err}");
}

#[test]
fn athena_quality_against_moto_fills_the_local_series() {
    let data = fixture("l4m-ecommerce-live");
    let (code, local) =
        run_json(l4m().args(["quality", data.to_str().unwrap(), "--recursive", "--json"]));
    assert_eq!(code, 0);
    let (_, cov) =
        run_json(l4m().args(["coverage", data.to_str().unwrap(), "--recursive", "--json"]));
    let moto = Moto::start();
    moto.bucket("data");
    moto.bucket("results");
    moto.put_folder("data", "live/", &data);
    let intervals = interval_rows(&cov);
    let dims = ["platform", "marketplace"];
    let metrics = crate::athena::metric_rows(&local, &dims, athena_utc);
    let columns = [
        "measure",
        "platform",
        "marketplace",
        "intervals_with_data",
        "first_interval",
        "last_interval",
    ];
    queue_results(
        &moto,
        vec![
            result(&[], &[]),
            result(&["interval_start", "records"], &intervals),
            result(&["reason", "records"], &[]),
            result(&columns, &metrics),
            result(&[], &[]),
        ],
    );
    let (code, out, err) = run(moto
        .l4m()
        .env("AWS_ENDPOINT_URL_ATHENA", &moto.endpoint)
        .args([
            "quality",
            "s3://data/live/",
            "--recursive",
            "--json",
            "--engine",
            "athena",
        ]));
    assert_eq!(code, 0, "{err}");
    let athena: Value = serde_json::from_str(&out).unwrap();
    for key in [
        "series",
        "series_meeting_threshold",
        "time_series_count",
        "backtest",
        "rows_processed",
        "rows_invalid",
    ] {
        assert_eq!(athena[key], local[key], "{key}: {err}");
    }
    assert!(err.contains("l4m: athena metrics SUCCEEDED"), "{err}");
}
