//! Helpers shared by the integration tests: the real `l4m` binary, the sample files in
//! `tests/fixtures` and the service's API model as the oracle.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Output;

use assert_cmd::Command;
use l4m::config::model::{ServiceModel, Violation, validate_cloudformation};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/data/<rel>`: the small real AWS sample files (copied into the repository).
pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures/data").join(rel)
}

/// The service's API model from `tests/fixtures/spec` (the test oracle), not the copy bundled in the binary.
pub fn oracle() -> ServiceModel {
    let path = root().join("tests/fixtures/spec/lookoutmetrics-2017-07-25.service-2.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the oracle model {} must be readable: {e}", path.display()));
    ServiceModel::from_json(&text).expect("the oracle model parses")
}

/// Violations of a CreateMetricSet request against the oracle.
pub fn metric_set_violations(config: &serde_json::Value) -> Vec<Violation> {
    oracle().validate("CreateMetricSetRequest", config)
}

/// Violations of a CloudFormation template against the oracle.
pub fn cloudformation_violations(template: &serde_json::Value) -> Vec<Violation> {
    validate_cloudformation(&oracle(), template)
}

/// The real binary, with no way to reach AWS.
pub fn l4m() -> Command {
    let mut cmd = Command::cargo_bin("l4m").expect("the l4m binary is built");
    cmd.env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("RUST_BACKTRACE")
        .env("NO_COLOR", "1");
    cmd
}

/// Run and return (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("l4m runs");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// Run with `--json` expected on stdout; returns (exit code, parsed JSON).
pub fn run_json(cmd: &mut Command) -> (i32, serde_json::Value) {
    let (code, out, err) = run(cmd);
    let v = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("stdout is JSON ({e}); stdout: {out}\nstderr: {err}"));
    (code, v)
}

/// The rules of the error findings in `export --json` output, in order.
pub fn error_rules(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .expect("export --json has findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// A one-line error on stderr, naming `what`, and no panic.
pub fn assert_one_line_error(stderr: &str, what: &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line expected, got: {stderr}");
    assert!(lines[0].starts_with("l4m: error: "), "{stderr}");
    assert!(lines[0].contains(what), "{what:?} not in {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
#[cfg(feature = "s3")]
pub mod fault_proxy;
#[cfg(feature = "s3")]
pub mod moto;
pub mod synth;
#[cfg(feature = "tui")]
pub mod tui;

/// Run the real binary with `args`, watching its resident memory: (exit code, stdout, stderr,
/// peak resident memory in bytes, as sampled from /proc every few milliseconds).
pub fn run_watched(args: &[&std::ffi::OsStr]) -> (i32, String, String, u64) {
    use std::io::Read;
    use std::process::{Command as Std, Stdio};
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("l4m"))
        .args(args)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("l4m starts");
    let mut out = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            let rss = text
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
                .unwrap_or(0);
            peak = peak.max(rss * 1024);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    (
        status.code().unwrap_or(-1),
        reader.join().unwrap_or_default(),
        err,
        peak,
    )
}
