//! `l4m check` on a config whose data lives in S3: the location is the config's own
//! `HistoricalDataPathList` (or its `TemplatedPathList`, read with every subfolder), read through
//! the S3 source from moto on loopback. Nothing reaches AWS.

use crate::common;

use std::path::Path;

use common::moto::{Moto, l4m_at};
use common::*;

/// moto on loopback with one bucket, `my-bucket` (the bucket the fixture configs name).
fn moto() -> Moto {
    let moto = Moto::start();
    moto.bucket("my-bucket");
    moto
}

/// `l4m check CONFIG --json` against the server: (exit code, report).
fn check(moto: &Moto, config: &Path) -> (i32, serde_json::Value) {
    run_json(
        l4m_at(&moto.endpoint)
            .arg("check")
            .arg(config)
            .arg("--json"),
    )
}

#[test]
fn a_config_is_checked_against_its_own_historical_path_in_s3() {
    let moto = moto();
    moto.put_folder(
        "my-bucket",
        "ecommerce/backtest/",
        &root().join("assets/ecommerce"),
    );
    let (code, v) = check(
        &moto,
        &root().join("tests/fixtures/configs/ecommerce-handwritten.yaml"),
    );
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["location"], "s3://my-bucket/ecommerce/backtest/");
    assert_eq!(v["recursive"], false);
    assert_eq!(v["files"], 24);
    assert_eq!(v["records"], 11_508);
    assert_eq!(v["errors"], 0);
}

#[test]
fn a_config_with_only_a_path_template_reads_its_interval_folders() {
    let moto = moto();
    moto.put_folder(
        "my-bucket",
        "ecommerce/live/",
        &fixture("l4m-ecommerce-live"),
    );
    let dir = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/configs/ecommerce-describe.json"))
            .unwrap()
            .replace(
                "\"HistoricalDataPathList\": [\"s3://my-bucket/ecommerce/backtest/\"],",
                "",
            );
    let config = dir.path().join("live.json");
    std::fs::write(&config, text).unwrap();
    let (code, v) = check(&moto, &config);
    assert_eq!(code, 3, "{v:#}");
    assert_eq!(v["location"], "s3://my-bucket/ecommerce/live/");
    assert_eq!(v["recursive"], true);
    assert_eq!(v["files"], 2);
    assert_eq!(v["intervals_with_data"], 2);
    let rules: Vec<(&str, &str)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| (f["rule"].as_str().unwrap(), f["path"].as_str().unwrap()))
        .collect();
    assert_eq!(rules, [("interval-count", "MetricSetFrequency")], "{v:#}");
}
