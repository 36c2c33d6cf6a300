//! Ctrl-C during a command-line scan stops it cleanly: exit code 130, a one-line message, and no
//! output file (whole or partial, temporary files included).

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A file whose first megabytes are good hourly rows and whose rest is 8 GB of (sparse) zeros:
/// a scan of it runs for seconds without using the disk.
fn endless_file(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("big.csv");
    let mut f = std::fs::File::create(&path).unwrap();
    writeln!(f, "ts,v").unwrap();
    for i in 0..50_000u64 {
        writeln!(
            f,
            "2020-10-{:02} {:02}:00:00,{i}",
            1 + (i / 24) % 28,
            i % 24
        )
        .unwrap();
    }
    f.set_len(8 << 30).unwrap();
    path
}

#[test]
fn ctrl_c_during_an_export_scan_exits_130_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = endless_file(dir.path());
    let out = dir.path().join("out").join("config.json");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let child = Command::new(assert_cmd::cargo::cargo_bin("l4m"))
        .arg("export")
        .arg(&data)
        .arg("-o")
        .arg(&out)
        .args(["--frequency", "PT1H"])
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let started = Instant::now();
    let output = child.wait_with_output().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "stops promptly"
    );
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{err}");
    assert_eq!(
        err.trim(),
        "l4m: interrupted: the scan stopped and nothing was written"
    );
    let left: Vec<_> = std::fs::read_dir(out.parent().unwrap()).unwrap().collect();
    assert!(left.is_empty(), "nothing in the output folder: {left:?}");
}
