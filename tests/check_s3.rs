//! `l4m check` on a config whose data lives in S3: the location is the config's own
//! `HistoricalDataPathList` (or its `TemplatedPathList`, read with every subfolder), read through
//! the S3 source from moto on loopback. Nothing reaches AWS.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use aws_sdk_s3::Client;
use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_s3::primitives::ByteStream;
use common::*;
use l4m::source::local::LocalSource;
use l4m::source::{Location, list_all};

/// moto in server mode on 127.0.0.1 with one bucket, `my-bucket`; killed when dropped.
struct Moto {
    child: Child,
    endpoint: String,
    runtime: tokio::runtime::Runtime,
    client: Client,
}

impl Moto {
    fn start() -> Moto {
        let mut child = Command::new("python3")
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", "0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 runs (scripts/test.sh installs moto[server])");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(at) = line.find("http://127.0.0.1:") {
                    let _ = tx.send(line[at..].trim().to_string());
                }
            }
        });
        let endpoint = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("moto prints its address (is moto[server] installed? run scripts/test.sh)");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let config = aws_sdk_s3::config::Builder::new()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
            .endpoint_url(&endpoint)
            .force_path_style(true)
            .build();
        let moto = Moto {
            child,
            endpoint,
            runtime,
            client: Client::from_conf(config),
        };
        moto.runtime
            .block_on(moto.client.create_bucket().bucket("my-bucket").send())
            .expect("bucket created");
        moto
    }

    /// Upload every file under a local folder, keeping relative paths as keys under `prefix`.
    fn put_folder(&self, prefix: &str, dir: &Path) {
        for f in list_all(&LocalSource, &Location::Local(dir.into()), true).unwrap() {
            let bytes = std::fs::read(f.location.as_path().unwrap()).unwrap();
            self.runtime
                .block_on(
                    self.client
                        .put_object()
                        .bucket("my-bucket")
                        .key(format!("{prefix}{}", f.name))
                        .body(ByteStream::from(bytes))
                        .send(),
                )
                .expect("object stored");
        }
    }

    fn check(&self, config: &Path) -> (i32, serde_json::Value) {
        run_json(
            l4m()
                .env("AWS_ACCESS_KEY_ID", "testing")
                .env("AWS_SECRET_ACCESS_KEY", "testing")
                .env("AWS_REGION", "us-east-1")
                .args(["--endpoint-url", &self.endpoint, "check"])
                .arg(config)
                .arg("--json"),
        )
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_config_is_checked_against_its_own_historical_path_in_s3() {
    let moto = Moto::start();
    moto.put_folder("ecommerce/backtest/", &root().join("assets/ecommerce"));
    let (code, v) = moto.check(&root().join("tests/fixtures/configs/ecommerce-handwritten.yaml"));
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["location"], "s3://my-bucket/ecommerce/backtest/");
    assert_eq!(v["recursive"], false);
    assert_eq!(v["files"], 24);
    assert_eq!(v["records"], 11_508);
    assert_eq!(v["errors"], 0);
}

#[test]
fn a_config_with_only_a_path_template_reads_its_interval_folders() {
    let moto = Moto::start();
    moto.put_folder("ecommerce/live/", &fixture("l4m-ecommerce-live"));
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
    let (code, v) = moto.check(&config);
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
