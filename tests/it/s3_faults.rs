//! S3 failures that moto cannot produce, made by a fault-injecting proxy between `l4m` and moto
//! (both on 127.0.0.1): throttling, server errors, cut and stalled bodies, reset and closed
//! connections, silence, access denied, expired credentials, a bucket in another region. Each test
//! asserts the exact line the user reads, the exit code, the figures of a scan, and how many
//! requests the proxy saw (so the SDK's retries are counted, not assumed).

use crate::common;

use std::time::{Duration, Instant};

use common::fault_proxy::{Fault, FaultProxy};
use common::moto::{Moto, l4m_at, options_at};
use common::synth::{self, Spec};
use common::*;
use l4m::Error;
use l4m::error::{S3Error, TimeoutScope};
use l4m::source::s3::{S3Options, S3Source};
use l4m::source::{Location, Source};
use serde_json::Value;

/// The daily files of four days of hourly data, in `bkt/daily/`.
struct Daily {
    moto: Moto,
    records: u64,
    /// The last day's object: never read by the preview (which reads the first), so a fault on it
    /// strikes the scan only.
    last_key: String,
    last_bytes: Vec<u8>,
}

const LAST: &str = "/bkt/daily/2020-10-04.csv";

impl Daily {
    fn start() -> Daily {
        let moto = Moto::start();
        moto.bucket("bkt");
        let dir = tempfile::tempdir().unwrap();
        let truth = synth::write_daily_files(&Spec::ecommerce_hourly(96, 7), dir.path()).unwrap();
        moto.put_folder("bkt", "daily/", dir.path());
        let last_bytes = std::fs::read(dir.path().join("2020-10-04.csv")).unwrap();
        Daily {
            moto,
            records: truth.records,
            last_key: "daily/2020-10-04.csv".into(),
            last_bytes,
        }
    }

    /// The records of the last object, from its lines (one header line, LF, no blank lines).
    fn last_records(&self) -> u64 {
        records_in(&self.last_bytes)
    }
}

/// Complete data lines in a CSV prefix with one header line.
fn records_in(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64 - 1
}

/// `l4m coverage s3://bkt/daily/ --json` through an endpoint.
fn coverage_at(endpoint: &str, extra: &[&str]) -> (i32, Value, String) {
    let (code, out, err) = run(l4m_at(endpoint)
        .args(["coverage", "s3://bkt/daily/", "--json"])
        .args(extra));
    let v = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("stdout is JSON ({e}); stdout: {out}\nstderr: {err}"));
    (code, v, err)
}

/// The one line on stderr, checked to be one `l4m: error:` line without a panic.
fn error_line(stderr: &str) -> &str {
    assert_one_line_error(stderr, "");
    stderr.trim_end()
}

/// Figures of a scan that a fault healed by retries must leave unchanged.
const FIGURES: &[&str] = &[
    "records",
    "records_skipped",
    "first_interval",
    "last_interval",
    "intervals_spanned",
    "intervals_with_data",
    "intervals_missing",
    "max_records_per_interval",
    "files_scanned",
    "bytes_scanned",
    "intervals",
    "complete",
    "incomplete_files",
];

#[test]
fn slowdown_on_the_first_tries_of_a_get_is_retried_and_the_counts_are_exact() {
    let d = Daily::start();
    let (code, direct, err) = coverage_at(&d.moto.endpoint, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(direct["records"], d.records);
    let proxy = FaultProxy::start(&d.moto.endpoint);
    proxy.fail("GET", LAST, Fault::SlowDown, 2);
    let (code, through, err) = coverage_at(&proxy.endpoint(), &[]);
    assert_eq!(code, 0, "{err}");
    for key in FIGURES {
        assert_eq!(direct[key], through[key], "{key}");
    }
    assert_eq!(through["complete"], true);
    // Two SlowDown answers, then the third attempt read the object.
    assert_eq!(proxy.count("GET", LAST), 3);
    assert_eq!(proxy.faulted("GET", LAST), 2);
    assert_eq!(err, "", "no warning for a healed fault");
}

#[test]
fn persistent_slowdown_is_reported_as_throttling_after_three_attempts() {
    let d = Daily::start();
    let proxy = FaultProxy::start(&d.moto.endpoint);
    proxy.always("*", LAST, Fault::SlowDown);
    let (code, _, err) =
        run(l4m_at(&proxy.endpoint()).args(["inspect", "s3://bkt/daily/2020-10-04.csv"]));
    assert_eq!(code, 1);
    assert_eq!(
        error_line(&err),
        "l4m: error: s3://bkt/daily/2020-10-04.csv: S3 kept throttling the requests (SlowDown) after retries: use a lower --concurrency"
    );
    // The SDK's standard retry mode: three attempts of the HEAD, and no GET after a 503.
    assert_eq!(proxy.count("HEAD", LAST), 3);
    assert_eq!(proxy.count("GET", LAST), 0);
    // In process, the same fault on a GET is the same kind.
    let source = S3Source::new(&options_at(&proxy.endpoint())).unwrap();
    let kind = s3_kind(source.open(&obj(&d.last_key)).map(|_| ()));
    assert_eq!(kind, S3Error::Throttled);
    assert_eq!(proxy.count("GET", LAST), 3);
}

#[test]
fn a_body_cut_off_during_a_scan_leaves_that_object_incomplete_and_the_rest_counted() {
    let d = Daily::start();
    let proxy = FaultProxy::start(&d.moto.endpoint);
    proxy.always("GET", LAST, Fault::CutBody(10_000));
    let (code, v, err) = coverage_at(&proxy.endpoint(), &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["complete"], false);
    let total = d.last_bytes.len();
    assert_eq!(v["incomplete_files"].as_array().unwrap().len(), 1);
    assert_eq!(v["incomplete_files"][0]["file"], "2020-10-04.csv");
    let error = v["incomplete_files"][0]["error"].as_str().unwrap();
    assert!(error.starts_with("read failed after line "), "{error}");
    assert!(
        error.ends_with(&format!(
            ": the object's body stopped after 10000 of {total} bytes"
        )),
        "{error}"
    );
    // The other three days whole, and the last day's lines that arrived before the cut.
    let arrived = records_in(&d.last_bytes[..10_000]);
    assert_eq!(v["records"], d.records - d.last_records() + arrived);
    assert_eq!(v["files_scanned"], 4);
    assert_eq!(proxy.count("GET", LAST), 1, "a body is not retried");
    // The text output says the result is partial and names the object.
    let (code, out, _) = run(l4m_at(&proxy.endpoint()).args(["coverage", "s3://bkt/daily/"]));
    assert_eq!(code, 0);
    assert!(
        out.contains("  PARTIAL: not every file was read to its end\n"),
        "{out}"
    );
    assert!(
        out.contains(&format!("    2020-10-04.csv: {error}\n")),
        "{out}"
    );
}

#[test]
fn a_preview_of_a_cut_off_object_is_a_one_line_error() {
    let d = Daily::start();
    let proxy = FaultProxy::start(&d.moto.endpoint);
    proxy.always("GET", LAST, Fault::CutBody(100));
    let (code, _, err) =
        run(l4m_at(&proxy.endpoint()).args(["inspect", "s3://bkt/daily/2020-10-04.csv"]));
    assert_eq!(code, 1);
    assert_eq!(
        error_line(&err),
        format!(
            "l4m: error: s3://bkt/daily/2020-10-04.csv: the object's body stopped after 100 of {} bytes: retry",
            d.last_bytes.len()
        )
    );
}

#[test]
fn a_stalled_body_during_a_scan_ends_within_the_timeout_and_is_incomplete() {
    let d = Daily::start();
    let proxy = FaultProxy::start(&d.moto.endpoint);
    proxy.always("GET", LAST, Fault::StallBody(10_000));
    let started = Instant::now();
    let (code, v, err) = coverage_at(&proxy.endpoint(), &["--s3-timeout", "2"]);
    let took = started.elapsed();
    assert_eq!(code, 0, "{err}");
    assert!(took < Duration::from_secs(15), "took {took:?}");
    assert_eq!(v["complete"], false);
    assert_eq!(v["incomplete_files"][0]["file"], "2020-10-04.csv");
    let error = v["incomplete_files"][0]["error"].as_str().unwrap();
    assert!(
        error.ends_with(&format!(
            "the object's body stopped after 10000 of {} bytes",
            d.last_bytes.len()
        )),
        "{error}"
    );
    // The records of the first 10,000 bytes were counted while the rest never came: the object is
    // streamed, not buffered whole before counting.
    let arrived = records_in(&d.last_bytes[..10_000]);
    assert_eq!(v["records"], d.records - d.last_records() + arrived);
}

#[test]
fn access_denied_on_one_object_of_a_prefix_leaves_it_incomplete_and_the_rest_counted() {
    let d = Daily::start();
    let proxy = FaultProxy::start(&d.moto.endpoint);
    proxy.always("*", LAST, Fault::AccessDenied);
    let (code, v, err) = coverage_at(&proxy.endpoint(), &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["complete"], false);
    assert_eq!(
        v["incomplete_files"],
        serde_json::json!([{
            "file": "2020-10-04.csv",
            "error": "access denied (s3:GetObject is not allowed)"
        }])
    );
    assert_eq!(v["records"], d.records - d.last_records());
    assert_eq!(proxy.count("GET", LAST), 1, "a 403 is not retried");
    // The object alone: one line naming the action, and what to do.
    let (code, _, err) =
        run(l4m_at(&proxy.endpoint()).args(["inspect", "s3://bkt/daily/2020-10-04.csv"]));
    assert_eq!(code, 1);
    assert_eq!(
        error_line(&err),
        "l4m: error: s3://bkt/daily/2020-10-04.csv: access denied (s3:GetObject is not allowed): check the policy of your profile or role, or use --profile NAME"
    );
    // A listing denied names its own action.
    proxy.always("GET", "/bkt", Fault::AccessDenied);
    let (code, _, err) = run(l4m_at(&proxy.endpoint()).args(["inspect", "s3://bkt/daily/"]));
    assert_eq!(code, 1);
    assert_eq!(
        error_line(&err),
        "l4m: error: s3://bkt/daily/: access denied (s3:ListBucket is not allowed): check the policy of your profile or role, or use --profile NAME"
    );
}

#[test]
fn expired_credentials_are_named_for_a_listing_and_for_an_object() {
    let d = Daily::start();
    let proxy = FaultProxy::start(&d.moto.endpoint);
    proxy.always("*", "/bkt*", Fault::ExpiredToken);
    let expect = |what: &str| {
        format!(
            "l4m: error: {what}: the AWS credentials have expired: refresh the credentials (e.g. aws sso login) and retry"
        )
    };
    let (code, _, err) = run(l4m_at(&proxy.endpoint()).args(["coverage", "s3://bkt/daily/"]));
    assert_eq!(code, 1);
    assert_eq!(error_line(&err), expect("s3://bkt/daily/"));
    assert_eq!(
        proxy.count("GET", "/bkt"),
        1,
        "an expired token is not retried"
    );
    // A HEAD answer has no error document (400 alone): a one-byte GET asks why.
    let (code, _, err) =
        run(l4m_at(&proxy.endpoint()).args(["inspect", "s3://bkt/daily/2020-10-04.csv"]));
    assert_eq!(code, 1);
    assert_eq!(error_line(&err), expect("s3://bkt/daily/2020-10-04.csv"));
    assert_eq!(proxy.count("HEAD", LAST), 1);
    assert_eq!(proxy.count("GET", LAST), 1);
}

#[test]
fn a_bucket_in_another_region_names_the_region_and_the_flag() {
    let d = Daily::start();
    let proxy = FaultProxy::start(&d.moto.endpoint);
    proxy.always(
        "*",
        "/bkt*",
        Fault::Redirect {
            region: Some("eu-west-1"),
        },
    );
    for location in ["s3://bkt/daily/", "s3://bkt/daily/2020-10-04.csv"] {
        // A listing (an error document with its code) and a HEAD (the status and header alone).
        let (code, _, err) = run(l4m_at(&proxy.endpoint()).args(["inspect", location]));
        assert_eq!(code, 1);
        assert_eq!(
            error_line(&err),
            format!(
                "l4m: error: {location}: bucket \"bkt\" is in region eu-west-1: use --region eu-west-1"
            )
        );
    }
    // Without the header, the region is not known.
    let proxy = FaultProxy::start(&d.moto.endpoint);
    proxy.always("*", "/bkt*", Fault::Redirect { region: None });
    let (code, _, err) = run(l4m_at(&proxy.endpoint()).args(["inspect", "s3://bkt/daily/"]));
    assert_eq!(code, 1);
    assert_eq!(
        error_line(&err),
        "l4m: error: s3://bkt/daily/: bucket \"bkt\" is in another region: use --region REGION"
    );
}

/// A server that accepts and never answers. Nothing is forwarded, so no moto is needed behind it.
fn silent_server() -> FaultProxy {
    let proxy = FaultProxy::start("http://127.0.0.1:9");
    proxy.always("*", "*", Fault::Silent);
    proxy
}

#[test]
fn a_silent_server_fails_within_the_s3_timeout_for_all_attempts_together() {
    let proxy = silent_server();
    let started = Instant::now();
    let (code, _, err) =
        run(l4m_at(&proxy.endpoint()).args(["--s3-timeout", "3", "inspect", "s3://bkt/daily/"]));
    let took = started.elapsed();
    assert_eq!(code, 1);
    // Each attempt waits half the timeout (1.5 s), the backoff before the second is under 1 s:
    // the second attempt is under way when the request's 3 s run out.
    assert_eq!(
        error_line(&err),
        format!(
            "l4m: error: s3://bkt/daily/: {} did not answer: the S3 timeout of 3 s for a request, all attempts together, ran out during attempt 2: check that the server runs and the network, or use a longer --s3-timeout SECONDS, or use --endpoint-url URL",
            proxy.endpoint()
        )
    );
    assert_eq!(proxy.count("GET", "/bkt"), 2);
    // The bound, not three attempts of it (9 s and the backoff, as before; 181 s by default).
    assert!(took >= Duration::from_secs(3), "took {took:?}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[test]
fn a_reset_or_closed_connection_is_retried_then_named() {
    let d = Daily::start();
    for fault in [Fault::Reset, Fault::Close] {
        let proxy = FaultProxy::start(&d.moto.endpoint);
        proxy.always("GET", "/bkt", fault.clone());
        let (code, _, err) = run(l4m_at(&proxy.endpoint()).args(["inspect", "s3://bkt/daily/"]));
        assert_eq!(code, 1, "{fault:?}");
        assert_eq!(
            error_line(&err),
            format!(
                "l4m: error: s3://bkt/daily/: {} dropped the connection before answering: retry, and check the network and any proxy on the way",
                proxy.endpoint()
            ),
            "{fault:?}"
        );
        assert_eq!(proxy.count("GET", "/bkt"), 3, "{fault:?}");
        // Once only: the SDK's retry heals it.
        let proxy = FaultProxy::start(&d.moto.endpoint);
        proxy.fail("GET", "/bkt", fault.clone(), 1);
        let (code, _, err) = run(l4m_at(&proxy.endpoint()).args(["inspect", "s3://bkt/daily/"]));
        assert_eq!(code, 0, "{fault:?}: {err}");
        assert_eq!(proxy.faulted("GET", "/bkt"), 1);
    }
}

#[test]
fn internal_errors_are_retried_then_reported_with_the_status() {
    let d = Daily::start();
    let proxy = FaultProxy::start(&d.moto.endpoint);
    proxy.fail("*", LAST, Fault::InternalError, 2);
    let (code, v) = run_json(l4m_at(&proxy.endpoint()).args([
        "inspect",
        "s3://bkt/daily/2020-10-04.csv",
        "--json",
    ]));
    assert_eq!(code, 0, "{v}");
    assert_eq!(proxy.count("HEAD", LAST), 3, "two 500s, then the answer");
    let proxy = FaultProxy::start(&d.moto.endpoint);
    proxy.always("*", LAST, Fault::InternalError);
    let (code, _, err) =
        run(l4m_at(&proxy.endpoint()).args(["inspect", "s3://bkt/daily/2020-10-04.csv"]));
    assert_eq!(code, 1);
    assert_eq!(
        error_line(&err),
        "l4m: error: s3://bkt/daily/2020-10-04.csv: s3:GetObject failed (500 InternalError): We encountered an internal error. Please try again."
    );
    // Three HEADs (no error document), then three one-byte GETs whose document names the error.
    assert_eq!(proxy.count("HEAD", LAST), 3);
    assert_eq!(proxy.count("GET", LAST), 3);
}

#[test]
fn a_listing_cut_off_is_retried_then_named_with_its_action() {
    let d = Daily::start();
    let proxy = FaultProxy::start(&d.moto.endpoint);
    proxy.always("GET", "/bkt", Fault::CutBody(50));
    let (code, _, err) = run(l4m_at(&proxy.endpoint()).args(["inspect", "s3://bkt/daily/"]));
    assert_eq!(code, 1);
    assert_eq!(
        error_line(&err),
        "l4m: error: s3://bkt/daily/: the answer to s3:ListBucket stopped before its end: retry"
    );
    assert_eq!(
        proxy.count("GET", "/bkt"),
        3,
        "the SDK retries a listing cut off"
    );
    let proxy = FaultProxy::start(&d.moto.endpoint);
    proxy.fail("GET", "/bkt", Fault::CutBody(50), 1);
    let (code, _, err) = run(l4m_at(&proxy.endpoint()).args(["inspect", "s3://bkt/daily/"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(proxy.faulted("GET", "/bkt"), 1);
}

#[test]
fn missing_buckets_and_keys_are_named_with_what_to_do() {
    let d = Daily::start();
    let (code, _, err) = run(d.moto.l4m().args(["inspect", "s3://nothere/data/"]));
    assert_eq!(code, 1);
    assert_eq!(
        error_line(&err),
        "l4m: error: s3://nothere/data/: no such bucket \"nothere\": check the bucket name, or use --region REGION, or use --endpoint-url URL"
    );
    let (code, _, err) = run(d.moto.l4m().args(["inspect", "s3://bkt/daily/missing.csv"]));
    assert_eq!(code, 1);
    assert_eq!(
        error_line(&err),
        "l4m: error: s3://bkt/daily/missing.csv: no such key or prefix: check the path"
    );
}

#[test]
fn a_credential_source_that_never_answers_is_named() {
    let d = Daily::start();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        "[profile slow]\ncredential_process = sleep 5\nregion = us-east-1\n",
    )
    .unwrap();
    let started = Instant::now();
    let (code, _, err) = run(l4m()
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none"))
        .args(["--profile", "slow", "--s3-timeout", "1"])
        .args(["--endpoint-url", &d.moto.endpoint])
        .args(["inspect", "s3://bkt/daily/"]));
    assert_eq!(code, 1);
    assert_eq!(
        error_line(&err),
        "l4m: error: s3://bkt/daily/: the AWS credentials could not be fetched in time: check the profile's source of credentials (SSO login, credential_process), or use --profile NAME"
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_stalled_body_is_a_wait_of_its_own_and_a_cancel_ends_it() {
    let d = Daily::start();
    // Public, so that the unsigned in-process source may read it.
    d.moto
        .put_public("bkt", "open/day.csv", d.last_bytes.clone());
    let proxy = FaultProxy::start(&d.moto.endpoint);
    proxy.always("GET", "/bkt/open/day.csv", Fault::StallBody(100));
    let source = std::sync::Arc::new(
        S3Source::new(&S3Options {
            timeout: Some(Duration::from_secs(60)),
            ..options_at(&proxy.endpoint())
        })
        .unwrap(),
    );
    let reader = std::sync::Arc::clone(&source);
    let location = obj("open/day.csv");
    let at = location.clone();
    let preview = std::thread::spawn(move || reader.head(&at, l4m::source::HEAD_BYTES));
    // The GET is answered (headers and 100 bytes), then its body waits for the next chunk: a wait
    // of one attempt (a body is not retried), on the object.
    let started = Instant::now();
    let wait = loop {
        assert!(
            started.elapsed() < Duration::from_secs(10) && !preview.is_finished(),
            "no stalled body"
        );
        match source.waiting() {
            Some(w) if w.max_attempts == 1 && w.since.elapsed() > Duration::from_millis(500) => {
                break w;
            }
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    assert_eq!((wait.action, wait.attempt), ("s3:GetObject", 1));
    assert_eq!(wait.location, location);
    assert_eq!(source.bytes_fetched(), 100);
    source.cancel_waits();
    let cancelled = Instant::now();
    let kind = s3_kind(preview.join().unwrap().map(|_| ()));
    assert_eq!(kind, S3Error::Cancelled);
    assert!(cancelled.elapsed() < Duration::from_millis(300));
    assert_eq!(source.waiting(), None);
    assert_eq!(proxy.count("GET", "/bkt/open/day.csv"), 1);
}

fn obj(key: &str) -> Location {
    Location::parse(&format!("s3://bkt/{key}")).unwrap()
}

/// The S3 kind of a failed call.
fn s3_kind(r: l4m::Result<()>) -> S3Error {
    match r {
        Err(Error::S3 { kind, .. }) => kind,
        other => panic!("an S3 error expected, got {other:?}"),
    }
}

#[test]
fn the_timeout_is_taken_from_the_options_and_bounds_the_request_through_the_sdk() {
    let d = Daily::start();
    let proxy = FaultProxy::start(&d.moto.endpoint);
    proxy.always("HEAD", LAST, Fault::Silent);
    let source = S3Source::new(&S3Options {
        timeout: Some(Duration::from_secs(2)),
        ..options_at(&proxy.endpoint())
    })
    .unwrap();
    let started = Instant::now();
    let kind = s3_kind(source.stat(&obj(&d.last_key)).map(|_| ()));
    let took = started.elapsed();
    let S3Error::Timeout {
        endpoint,
        scope,
        timeout,
        attempt,
    } = kind
    else {
        panic!("a timeout expected, got {kind:?}")
    };
    assert_eq!(endpoint, proxy.endpoint());
    assert_eq!(scope, TimeoutScope::Request);
    assert_eq!(timeout, Duration::from_secs(2));
    // Attempts of 1 s; the second starts after a backoff under 1 s, so it is almost always under
    // way when the 2 s run out (the first, if the backoff took it all).
    let seen = proxy.count("HEAD", LAST);
    assert!(matches!(attempt, 1 | 2), "{attempt}");
    assert!(matches!(seen, 1 | 2), "{seen}");
    // 2 s plus slack; before, three attempts of 2 s and the backoff took over 6 s.
    assert!(took >= Duration::from_secs(2), "took {took:?}");
    assert!(took < Duration::from_millis(3500), "took {took:?}");
    assert_eq!(source.waiting(), None, "the request is off the list");
}

#[test]
fn an_attempt_that_waits_in_vain_after_retries_names_its_share_of_the_timeout() {
    let d = Daily::start();
    let proxy = FaultProxy::start(&d.moto.endpoint);
    // Two quick SlowDowns, then silence: the third attempt's own wait (5 s) runs out before the
    // request's 10 s (the backoffs take under 3 s).
    proxy.fail("GET", "/bkt", Fault::SlowDown, 2);
    proxy.always("GET", "/bkt", Fault::Silent);
    let (code, _, err) =
        run(l4m_at(&proxy.endpoint()).args(["--s3-timeout", "10", "inspect", "s3://bkt/daily/"]));
    assert_eq!(code, 1);
    assert_eq!(
        error_line(&err),
        format!(
            "l4m: error: s3://bkt/daily/: {} did not answer: the wait of attempt 3, 5 s (half the S3 timeout of 10 s), ran out: check that the server runs and the network, or use a longer --s3-timeout SECONDS, or use --endpoint-url URL",
            proxy.endpoint()
        )
    );
    assert_eq!(proxy.count("GET", "/bkt"), 3);
}

#[test]
fn a_waiting_request_says_what_it_waits_for_and_which_attempt_and_a_cancel_ends_it() {
    let proxy = silent_server();
    let source = std::sync::Arc::new(
        S3Source::new(&S3Options {
            timeout: Some(Duration::from_secs(4)),
            ..options_at(&proxy.endpoint())
        })
        .unwrap(),
    );
    assert_eq!(source.waiting(), None);
    let lister = std::sync::Arc::clone(&source);
    let started = Instant::now();
    let listing = std::thread::spawn(move || {
        let r = lister.list(&Location::parse("s3://bkt/daily/").unwrap(), None);
        (r.map(|_| ()), Instant::now())
    });
    // The first attempt waits 2 s; the SDK's retry is counted as the second.
    let mut seen = Vec::new();
    while started.elapsed() < Duration::from_millis(3500) {
        if let Some(w) = source.waiting() {
            assert_eq!(w.action, "s3:ListBucket");
            assert_eq!(w.location.to_string(), "s3://bkt/daily/");
            assert_eq!((w.max_attempts, w.timeout), (3, Duration::from_secs(4)));
            if seen.last() != Some(&w.attempt) {
                seen.push(w.attempt);
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(seen, [1, 2]);
    assert_eq!(proxy.count("GET", "/bkt"), 2);
    let cancelled_at = Instant::now();
    source.cancel_waits();
    let (result, ended) = listing.join().unwrap();
    assert_eq!(s3_kind(result), S3Error::Cancelled);
    assert!(
        ended - cancelled_at < Duration::from_millis(300),
        "the wait ended {:?} after the cancel",
        ended - cancelled_at
    );
    assert_eq!(source.waiting(), None);
}

#[test]
fn an_endpoint_without_a_scheme_is_named_before_any_request() {
    let (code, _, err) = run(l4m_at("127.0.0.1:9000").args(["inspect", "s3://bkt/daily/"]));
    assert_eq!(code, 1);
    assert_eq!(
        error_line(&err),
        "l4m: error: the S3 endpoint \"127.0.0.1:9000\" does not start with http:// or https://: give --endpoint-url http://127.0.0.1:9000"
    );
}

/// No fault makes these two: a runtime that cannot start, and a failure of no known kind (the
/// proxy's faults all have one). Their text is still what the user would read.
#[test]
fn a_client_that_cannot_start_and_an_unknown_failure_say_what_happened() {
    let setup = Error::S3Client {
        kind: S3Error::Setup {
            detail: "Too many open files (os error 24)".into(),
        },
    };
    assert_eq!(
        setup.to_string(),
        "could not start the S3 client (Too many open files (os error 24))"
    );
    assert_eq!(setup.fixes(), []);
    let other = Error::S3 {
        location: obj("k.csv"),
        kind: S3Error::Other {
            action: "s3:GetObject",
            status: None,
            code: String::new(),
            message: "dispatch failure: other: an unknown failure".into(),
        },
    };
    assert_eq!(
        other.to_string(),
        "s3://bkt/k.csv: s3:GetObject failed: dispatch failure: other: an unknown failure"
    );
    assert_eq!(other.fixes(), []);
    let coded = S3Error::Other {
        action: "s3:ListBucket",
        status: Some(400),
        code: "InvalidArgument".into(),
        message: String::new(),
    };
    assert_eq!(
        coded.to_string(),
        "s3:ListBucket failed (400 InvalidArgument)"
    );
}
