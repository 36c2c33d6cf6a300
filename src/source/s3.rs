//! S3 (and S3-compatible servers) as a [`Source`], through the real `aws-sdk-s3` client.
//!
//! The only module that knows AWS types. It is blocking like every source: it owns a small tokio
//! runtime and waits on it, so callers on worker threads (the scan pool, the TUI worker) need no
//! async code. It never writes to a bucket: it lists, heads and reads.

use std::future::Future;
use std::io::{self, Read};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_config::BehaviorVersion;
use aws_config::stalled_stream_protection::StalledStreamProtectionConfig;
use aws_config::timeout::TimeoutConfig;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};
use aws_sdk_s3::Client;
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_s3::config::{ConfigBag, Intercept, Region, RuntimeComponents};
use aws_sdk_s3::error::{ConnectorError, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use chrono::{DateTime, Utc};

use super::{Entry, EntryKind, Location, Page, Source, Wait};
use crate::error::{S3Error, TimeoutScope};
use crate::fix::{Fix, Notice, Setting};
use crate::{Error, Result};

/// How to reach S3, the AWS way: every field falls back to the SDK's default chain.
#[derive(Debug, Clone, Default)]
pub struct S3Options {
    /// A named profile (`--profile`, else `AWS_PROFILE`).
    pub profile: Option<String>,
    /// A region (`--region`, else the profile's or `AWS_REGION`; us-east-1 when none is set).
    pub region: Option<String>,
    /// An S3-compatible endpoint (`--endpoint-url`, else `AWS_ENDPOINT_URL`); path-style addressing.
    pub endpoint_url: Option<String>,
    /// Send requests unsigned, for public buckets.
    pub no_sign_request: bool,
    /// How long one request may take, all the SDK's attempts together, and how long a download
    /// may stall ([`DEFAULT_TIMEOUT`] when none is given). Each attempt waits at most half of it
    /// (see [`attempt_timeout`]), so that a request that hangs once is tried again in time.
    pub timeout: Option<Duration>,
}

/// The default bound on a request: long enough for a slow listing of a large prefix.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The longest wait for a connection: a server that is there accepts at once.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The SDK's standard retry mode makes this many attempts unless the profile says otherwise.
const STANDARD_ATTEMPTS: u32 = 3;

/// How long one attempt of a request waits for the server's answer (and for credentials): half of
/// the request's bound, so that a second attempt fits in it after a first that got no answer.
pub fn attempt_timeout(timeout: Duration) -> Duration {
    timeout / 2
}

tokio::task_local! {
    /// The attempt counter of the request being sent on this task (see [`CountAttempts`]).
    static ATTEMPT: Arc<AtomicU32>;
}

/// Counts the SDK's attempts of each request: the retries happen inside the SDK, and this is
/// how the waiting request (and the UI showing it) learns which attempt is under way.
#[derive(Debug)]
struct CountAttempts;

impl Intercept for CountAttempts {
    fn name(&self) -> &'static str {
        "l4m::CountAttempts"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> std::result::Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let _ = ATTEMPT.try_with(|a| a.fetch_add(1, Ordering::Relaxed));
        Ok(())
    }
}

/// A request under way, as [`Source::waiting`] reports it.
struct InFlight {
    id: u64,
    action: &'static str,
    location: Location,
    since: Instant,
    attempt: Arc<AtomicU32>,
    max_attempts: u32,
}

/// The requests under way, and the signal that cancels them.
#[derive(Default)]
struct Waits {
    next: AtomicU64,
    list: Mutex<Vec<InFlight>>,
    cancel: tokio::sync::Notify,
}

impl Waits {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<InFlight>> {
        self.list.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// List a wait for an answer until the guard returned is dropped.
    fn register(
        &self,
        action: &'static str,
        location: &Location,
        attempt: Arc<AtomicU32>,
        max_attempts: u32,
    ) -> Registered<'_> {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.lock().push(InFlight {
            id,
            action,
            location: location.clone(),
            since: Instant::now(),
            attempt,
            max_attempts,
        });
        Registered { waits: self, id }
    }
}

/// Takes a request off the list when it ends, however it ends.
struct Registered<'a> {
    waits: &'a Waits,
    id: u64,
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        self.waits.lock().retain(|w| w.id != self.id);
    }
}

/// A request that failed: the SDK's error and the attempts it made.
struct Failed<E> {
    err: SdkError<E, HttpResponse>,
    attempts: u32,
}

/// The SDK's credential chain, given the same wait as a request. The SDK's own bound on fetching
/// credentials (SSO, a credential process, an instance role) is derived from its retries and can
/// exceed half a minute; and its timeout error is of a private type, this one is typed.
#[derive(Debug)]
struct BoundedCredentials {
    chain: SharedCredentialsProvider,
    timeout: Duration,
}

impl ProvideCredentials for BoundedCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            tokio::time::timeout(self.timeout, self.chain.provide_credentials())
                .await
                .unwrap_or_else(|_| Err(CredentialsError::provider_timed_out(self.timeout)))
        })
    }
}

/// A bucket store reached through `aws-sdk-s3`.
pub struct S3Source {
    runtime: Arc<tokio::runtime::Runtime>,
    client: Client,
    endpoint: String,
    /// How long a request may take, all attempts together (named in the timeout error).
    timeout: Duration,
    /// The most attempts the SDK makes of one request.
    max_attempts: u32,
    /// The requests under way.
    waits: Arc<Waits>,
    /// Bytes of object data received, counted by the tool (previews must stay under 1 MiB).
    bytes_fetched: Arc<AtomicU64>,
    /// Things the user should know about the configuration (e.g. the region fallback).
    pub notes: Vec<Notice>,
}

impl std::fmt::Debug for S3Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Source")
            .field("endpoint", &self.endpoint)
            .finish()
    }
}

fn to_utc(t: &aws_sdk_s3::primitives::DateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

/// The name of an entry relative to the listed prefix, without a trailing slash.
fn relative(prefix: &str, key: &str) -> String {
    key.strip_prefix(prefix)
        .unwrap_or(key)
        .trim_end_matches('/')
        .to_string()
}

/// A listing prefix: the key as a folder (`a/b` -> `a/b/`; the bucket root stays empty).
fn folder_prefix(key: &str) -> String {
    if key.is_empty() || key.ends_with('/') {
        key.to_string()
    } else {
        format!("{key}/")
    }
}

impl S3Source {
    /// Configure a client from the options and the environment (credentials are resolved lazily,
    /// at the first request).
    pub fn new(options: &S3Options) -> Result<S3Source> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .thread_name("l4m-s3")
            .build()
            .map_err(|e| Error::S3Client {
                kind: S3Error::Setup {
                    detail: e.to_string(),
                },
            })?;
        let timeout = options.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let attempt = attempt_timeout(timeout);
        // The bound on the whole request (all attempts) is not the SDK's operation timeout but
        // this tool's own (see `send`): its error is typed, and a cancelled wait ends it too.
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(https_client())
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(attempt.min(CONNECT_TIMEOUT))
                    .read_timeout(attempt)
                    .build(),
            )
            // A body that stops arriving fails after the same wait (the SDK's default is 20 s).
            .stalled_stream_protection(
                StalledStreamProtectionConfig::enabled()
                    .grace_period(timeout)
                    .build(),
            );
        if let Some(p) = &options.profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = &options.region {
            loader = loader.region(Region::new(r.clone()));
        }
        if let Some(e) = &options.endpoint_url {
            loader = loader.endpoint_url(e);
        }
        if options.no_sign_request {
            loader = loader.no_credentials();
        }
        let config = runtime.block_on(loader.load());
        let mut notes = Vec::new();
        let max_attempts = config
            .retry_config()
            .map_or(STANDARD_ATTEMPTS, |r| r.max_attempts());
        let mut builder = aws_sdk_s3::config::Builder::from(&config).interceptor(CountAttempts);
        if config.region().is_none() {
            builder = builder.region(Region::new("us-east-1"));
            notes.push(Notice {
                message: "no region configured: using us-east-1".into(),
                fixes: vec![
                    Fix::set(Setting::Region),
                    Fix::outside("set AWS_REGION or the profile's region"),
                ],
            });
        }
        if let Some(chain) = config.credentials_provider() {
            builder =
                builder.credentials_provider(SharedCredentialsProvider::new(BoundedCredentials {
                    chain,
                    // Within the first attempt, so that its own (typed) error is the one given.
                    timeout: attempt,
                }));
        }
        let endpoint = config.endpoint_url().map(str::to_string);
        if let Some(url) = &endpoint {
            check_endpoint(url)?;
        }
        if endpoint.is_some() {
            // S3-compatible servers rarely serve virtual-hosted bucket names.
            builder = builder.force_path_style(true);
        }
        let client = Client::from_conf(builder.build());
        Ok(S3Source {
            runtime: Arc::new(runtime),
            client,
            endpoint: endpoint.unwrap_or_else(|| "AWS S3".into()),
            timeout,
            max_attempts,
            waits: Arc::new(Waits::default()),
            bytes_fetched: Arc::new(AtomicU64::new(0)),
            notes,
        })
    }

    /// Send one request (the SDK retries inside it) and wait for its answer: at most the
    /// timeout for all attempts together, listed in [`Source::waiting`] meanwhile, and ended at
    /// once by [`Source::cancel_waits`]. An `Err` is the tool's own end of the wait (the timeout,
    /// a cancel); the SDK's errors are in the inner result, for the caller to tell apart.
    ///
    /// A tokio timeout around the call rather than the SDK's operation timeout: the SDK's
    /// timeout error does not say which of its timeouts ran out (its types are private), and
    /// the message must; and the same `select!` takes the cancel.
    fn send<T, E>(
        &self,
        action: &'static str,
        location: &Location,
        request: impl Future<Output = std::result::Result<T, SdkError<E, HttpResponse>>>,
    ) -> Result<std::result::Result<T, Failed<E>>> {
        let attempt = Arc::new(AtomicU32::new(0));
        let _registered =
            self.waits
                .register(action, location, Arc::clone(&attempt), self.max_attempts);
        let cancelled = self.waits.cancel.notified();
        let counted = ATTEMPT.scope(Arc::clone(&attempt), request);
        let outcome = self.runtime.block_on(async {
            tokio::select! {
                r = tokio::time::timeout(self.timeout, counted) => Some(r),
                () = cancelled => None,
            }
        });
        let attempts = attempt.load(Ordering::Relaxed).max(1);
        let kind = match outcome {
            Some(Ok(r)) => return Ok(r.map_err(|err| Failed { err, attempts })),
            Some(Err(_elapsed)) => S3Error::Timeout {
                endpoint: self.endpoint.clone(),
                scope: TimeoutScope::Request,
                timeout: self.timeout,
                attempt: attempts,
            },
            None => S3Error::Cancelled,
        };
        Err(Error::S3 {
            location: location.clone(),
            kind,
        })
    }

    /// A reader of an object's body that counts its bytes and lists its waits for the next chunk.
    fn reader(&self, body: ByteStream, expected: Option<i64>, location: &Location) -> S3Reader {
        S3Reader {
            runtime: Arc::clone(&self.runtime),
            body,
            chunk: bytes::Bytes::new(),
            fetched: Arc::clone(&self.bytes_fetched),
            received: 0,
            expected: expected.map(|n| n.max(0) as u64),
            waits: Arc::clone(&self.waits),
            location: location.clone(),
        }
    }

    /// [`S3Source::send`] with the SDK's error described.
    fn call<T, E>(
        &self,
        action: &'static str,
        location: &Location,
        request: impl Future<Output = std::result::Result<T, SdkError<E, HttpResponse>>>,
    ) -> Result<T>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.send(action, location, request)?
            .map_err(|f| self.describe(f, location, action))
    }

    /// Object bytes received so far.
    pub fn bytes_fetched(&self) -> u64 {
        self.bytes_fetched.load(Ordering::Relaxed)
    }

    /// The engine's error for an SDK error: the kind told from the error's code, type and HTTP
    /// status, never from its message text.
    fn describe<E>(&self, failed: Failed<E>, location: &Location, action: &'static str) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let bucket = match location {
            Location::S3 { bucket, .. } => bucket.as_str(),
            Location::Local(_) => "",
        };
        let cx = Context {
            bucket,
            action,
            endpoint: &self.endpoint,
            timeout: self.timeout,
            attempts: failed.attempts,
        };
        Error::S3 {
            location: location.clone(),
            kind: classify(&failed.err, &cx),
        }
    }

    fn list_page(
        &self,
        location: &Location,
        cursor: Option<&str>,
        recursive: bool,
    ) -> Result<Page> {
        let Location::S3 { bucket, key } = location else {
            return Err(Error::WrongSource {
                location: location.clone(),
            });
        };
        if bucket.is_empty() {
            return self.list_buckets(location, cursor);
        }
        let prefix = folder_prefix(key);
        let mut req = self
            .client
            .list_objects_v2()
            .bucket(bucket)
            .prefix(&prefix)
            .max_keys(1000);
        if !recursive {
            req = req.delimiter("/");
        }
        if let Some(c) = cursor {
            req = req.continuation_token(c);
        }
        let out = self.call("s3:ListBucket", location, req.send())?;
        let mut entries = Vec::new();
        for p in out.common_prefixes() {
            let Some(full) = p.prefix() else { continue };
            entries.push(Entry {
                name: relative(&prefix, full),
                kind: EntryKind::Folder,
                size: None,
                modified: None,
                location: Location::S3 {
                    bucket: bucket.clone(),
                    key: full.to_string(),
                },
            });
        }
        for o in out.contents() {
            let Some(k) = o.key() else { continue };
            // A zero-byte "folder" marker is the prefix itself, not a file in it.
            if k == prefix || k.ends_with('/') {
                continue;
            }
            entries.push(Entry {
                name: relative(&prefix, k),
                kind: EntryKind::File,
                size: o.size().map(|s| s.max(0) as u64),
                modified: o.last_modified().and_then(to_utc),
                location: Location::S3 {
                    bucket: bucket.clone(),
                    key: k.to_string(),
                },
            });
        }
        Ok(Page {
            entries,
            next: out.next_continuation_token().map(str::to_string),
        })
    }

    fn list_buckets(&self, location: &Location, cursor: Option<&str>) -> Result<Page> {
        let mut req = self.client.list_buckets();
        if let Some(c) = cursor {
            req = req.continuation_token(c);
        }
        let out = self.call("s3:ListAllMyBuckets", location, req.send())?;
        let entries = out
            .buckets()
            .iter()
            .filter_map(|b| {
                let name = b.name()?.to_string();
                Some(Entry {
                    location: Location::S3 {
                        bucket: name.clone(),
                        key: String::new(),
                    },
                    name,
                    kind: EntryKind::Folder,
                    size: None,
                    modified: b.creation_date().and_then(to_utc),
                })
            })
            .collect();
        Ok(Page {
            entries,
            next: out.continuation_token().map(str::to_string),
        })
    }

    /// No object by that name: maybe a prefix typed without its slash.
    fn stat_prefix(&self, location: &Location, bucket: &str, key: &str) -> Result<Entry> {
        let prefix = folder_prefix(key);
        let probe = self.send(
            "s3:ListBucket",
            location,
            self.client
                .list_objects_v2()
                .bucket(bucket)
                .prefix(&prefix)
                .max_keys(1)
                .send(),
        )?;
        match probe {
            Ok(out) if out.key_count().unwrap_or(0) > 0 => Ok(Entry {
                name: location.file_name(),
                kind: EntryKind::Folder,
                size: None,
                modified: None,
                location: Location::S3 {
                    bucket: bucket.to_string(),
                    key: prefix,
                },
            }),
            Ok(_) => Err(Error::S3 {
                location: location.clone(),
                kind: S3Error::NoSuchKey,
            }),
            Err(e) => Err(self.describe(e, location, "s3:ListBucket")),
        }
    }

    /// A failed HEAD. Its answer has no body, so no error code: when the status alone does not
    /// tell the kind (400 for expired credentials, 500...), a one-byte GET asks again, and its
    /// error document says why.
    fn explain_head<E>(
        &self,
        head: Failed<E>,
        location: &Location,
        bucket: &str,
        key: &str,
    ) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let unexplained = matches!(&head.err, SdkError::ServiceError(se)
            if se.err().code().is_none() && !matches!(se.raw().status().as_u16(), 301 | 403 | 503));
        if unexplained {
            let get = self
                .client
                .get_object()
                .bucket(bucket)
                .key(key)
                .range("bytes=0-0");
            match self.send("s3:GetObject", location, get.send()) {
                Ok(Err(e)) if matches!(&e.err, SdkError::ServiceError(se) if se.err().code().is_some()) =>
                {
                    return self.describe(e, location, "s3:GetObject");
                }
                // The second request timed out or was cancelled: that is what happened last.
                Err(stopped) => return stopped,
                Ok(_) => {}
            }
        }
        self.describe(head, location, "s3:GetObject")
    }
}

/// An endpoint the SDK can use: it only says so at the first request, in a dispatch error.
fn check_endpoint(url: &str) -> Result<()> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"));
    match rest {
        Some(host) if !host.is_empty() && !host.starts_with('/') => Ok(()),
        _ => Err(Error::S3Client {
            kind: S3Error::BadEndpoint {
                url: url.to_string(),
            },
        }),
    }
}

/// The HTTP status of an error S3 answered with.
fn status_of<E>(failed: &Failed<E>) -> Option<u16> {
    match &failed.err {
        SdkError::ServiceError(se) => Some(se.raw().status().as_u16()),
        _ => None,
    }
}

impl Source for S3Source {
    fn seeks(&self) -> bool {
        true
    }

    fn bytes_read(&self) -> Option<u64> {
        Some(self.bytes_fetched())
    }

    fn waiting(&self) -> Option<Wait> {
        let list = self.waits.lock();
        let w = list.iter().min_by_key(|w| w.since)?;
        Some(Wait {
            action: w.action,
            location: w.location.clone(),
            since: w.since,
            attempt: w.attempt.load(Ordering::Relaxed).max(1),
            max_attempts: w.max_attempts,
            timeout: self.timeout,
        })
    }

    fn cancel_waits(&self) {
        self.waits.cancel.notify_waiters();
    }

    fn stat(&self, location: &Location) -> Result<Entry> {
        let Location::S3 { bucket, key } = location else {
            return Err(Error::WrongSource {
                location: location.clone(),
            });
        };
        let folder = |key: String| Entry {
            name: location.file_name(),
            kind: EntryKind::Folder,
            size: None,
            modified: None,
            location: Location::S3 {
                bucket: bucket.clone(),
                key,
            },
        };
        if bucket.is_empty() {
            return Ok(folder(String::new()));
        }
        if key.is_empty() || key.ends_with('/') {
            // A prefix: one cheap listing tells whether the bucket is there and readable.
            let req = self
                .client
                .list_objects_v2()
                .bucket(bucket)
                .prefix(key)
                .max_keys(1);
            self.call("s3:ListBucket", location, req.send())?;
            return Ok(folder(key.clone()));
        }
        let head = self.send(
            "s3:GetObject",
            location,
            self.client.head_object().bucket(bucket).key(key).send(),
        )?;
        match head {
            Ok(h) => Ok(Entry {
                name: location.file_name(),
                kind: EntryKind::File,
                size: h.content_length().map(|s| s.max(0) as u64),
                modified: h.last_modified().and_then(to_utc),
                location: location.clone(),
            }),
            Err(e) if status_of(&e) == Some(404) => self.stat_prefix(location, bucket, key),
            Err(e) => Err(self.explain_head(e, location, bucket, key)),
        }
    }

    fn list(&self, location: &Location, cursor: Option<&str>) -> Result<Page> {
        self.list_page(location, cursor, false)
    }

    fn walk(&self, location: &Location, cursor: Option<&str>) -> Result<Page> {
        let mut page = self.list_page(location, cursor, true)?;
        // Walk names are relative to the root, with their subfolders (`20201001/0000/a.csv`).
        if let Location::S3 { key, .. } = location {
            let prefix = folder_prefix(key);
            for e in &mut page.entries {
                if let Location::S3 { key: k, .. } = &e.location {
                    e.name = k.strip_prefix(&prefix).unwrap_or(k).to_string();
                }
            }
        }
        Ok(page)
    }

    fn read_range(&self, location: &Location, start: u64, len: u64) -> Result<Vec<u8>> {
        let Location::S3 { bucket, key } = location else {
            return Err(Error::WrongSource {
                location: location.clone(),
            });
        };
        if len == 0 {
            return Ok(Vec::new());
        }
        let range = format!("bytes={start}-{}", start + len - 1);
        let out = self.send(
            "s3:GetObject",
            location,
            self.client
                .get_object()
                .bucket(bucket)
                .key(key)
                .range(range)
                .send(),
        )?;
        let out = match out {
            Ok(o) => o,
            // An empty object has no satisfiable range: it is empty.
            Err(f) if status_of(&f) == Some(416) => return Ok(Vec::new()),
            Err(f) => return Err(self.describe(f, location, "s3:GetObject")),
        };
        let mut reader = self.reader(out.body, out.content_length, location);
        let mut buf = Vec::with_capacity(len.min(super::HEAD_BYTES) as usize);
        // A server that ignores Range sends everything: take only what was asked for.
        let read = (&mut reader).take(len).read_to_end(&mut buf);
        read.map_err(|e| Error::S3 {
            location: location.clone(),
            kind: match e.into_inner().map(|inner| inner.downcast::<S3Error>()) {
                Some(Ok(kind)) => *kind,
                _ => reader.cut_off_kind(),
            },
        })?;
        Ok(buf)
    }

    fn open(&self, location: &Location) -> Result<Box<dyn Read + Send>> {
        self.open_at(location, 0)
    }

    /// One GET from `start` to the end (a ranged GET past the first byte): a scan splits a large
    /// object between its threads this way.
    fn open_at(&self, location: &Location, start: u64) -> Result<Box<dyn Read + Send>> {
        let Location::S3 { bucket, key } = location else {
            return Err(Error::WrongSource {
                location: location.clone(),
            });
        };
        let mut request = self.client.get_object().bucket(bucket).key(key);
        if start > 0 {
            request = request.range(format!("bytes={start}-"));
        }
        let out = self.call("s3:GetObject", location, request.send())?;
        Ok(Box::new(self.reader(
            out.body,
            out.content_length,
            location,
        )))
    }
}

/// Error codes S3 (and compatible servers) send for throttling.
const THROTTLE_CODES: &[&str] = &[
    "SlowDown",
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
];
/// Error codes for expired temporary credentials.
const EXPIRED_CODES: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "TokenRefreshRequired",
];
/// Error codes for a bucket in another region.
const REGION_CODES: &[&str] = &[
    "PermanentRedirect",
    "AuthorizationHeaderMalformed",
    "IllegalLocationConstraintException",
];
/// Error codes for credentials S3 does not accept.
const DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AllAccessDisabled",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
];
/// I/O error kinds of a connection that was made and then broken by the other end.
const LOST_KINDS: &[io::ErrorKind] = &[
    io::ErrorKind::ConnectionReset,
    io::ErrorKind::ConnectionAborted,
    io::ErrorKind::BrokenPipe,
    io::ErrorKind::UnexpectedEof,
];

/// What the classification needs to know besides the error itself.
struct Context<'a> {
    bucket: &'a str,
    action: &'static str,
    endpoint: &'a str,
    timeout: Duration,
    attempts: u32,
}

/// The kind of an SDK error.
fn classify<E>(err: &SdkError<E, HttpResponse>, cx: &Context<'_>) -> S3Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    if let Some(kind) = credentials_problem(err) {
        return kind;
    }
    match err {
        SdkError::ServiceError(se) => {
            service_error(se.err().code(), se.err().message(), se.raw(), cx)
        }
        SdkError::TimeoutError(_) => timed_out(cx),
        SdkError::DispatchFailure(d) => match d.as_connector_error() {
            Some(c) => dispatch_failure(err, c, cx),
            None => S3Error::Unreachable {
                endpoint: cx.endpoint.to_string(),
            },
        },
        // The answer's status and headers came, its body did not come whole.
        SdkError::ResponseError(_) => S3Error::ResponseCut { action: cx.action },
        _ => S3Error::Other {
            action: cx.action,
            status: None,
            code: String::new(),
            message: chain(err),
        },
    }
}

/// An error S3 answered with: told by its code, else its status (a HEAD answer has no code).
fn service_error(
    code: Option<&str>,
    message: Option<&str>,
    raw: &HttpResponse,
    cx: &Context<'_>,
) -> S3Error {
    let status = raw.status().as_u16();
    let code = code.unwrap_or("");
    let is = |codes: &[&str]| codes.contains(&code);
    let region = raw.headers().get("x-amz-bucket-region").map(str::to_string);
    if code == "NoSuchBucket" {
        S3Error::NoSuchBucket {
            bucket: cx.bucket.to_string(),
        }
    } else if code == "NoSuchKey" || code == "NotFound" || (code.is_empty() && status == 404) {
        S3Error::NoSuchKey
    } else if is(EXPIRED_CODES) {
        S3Error::ExpiredCredentials
    } else if is(REGION_CODES) || status == 301 || (code.is_empty() && region.is_some()) {
        S3Error::WrongRegion {
            bucket: cx.bucket.to_string(),
            region,
        }
    } else if is(DENIED_CODES) || status == 403 {
        S3Error::AccessDenied { action: cx.action }
    } else if is(THROTTLE_CODES) || status == 503 {
        S3Error::Throttled
    } else {
        S3Error::Other {
            action: cx.action,
            status: Some(status),
            code: code.to_string(),
            message: message.unwrap_or("").to_string(),
        }
    }
}

/// A request that got no answer: no connection, a connection broken before the answer, or no
/// answer in time. Told by the connector's error kind and the I/O error kind beneath it.
fn dispatch_failure(
    err: &(dyn std::error::Error + 'static),
    d: &ConnectorError,
    cx: &Context<'_>,
) -> S3Error {
    let endpoint = cx.endpoint.to_string();
    let lost = io_kind(err).is_some_and(|k| LOST_KINDS.contains(&k));
    let text = chain(err);
    if let Some(at) = text.find("invalid peer certificate") {
        // rustls' reason (UnknownIssuer, NotValidForName, Expired...), after hyper's wrapping.
        return S3Error::UntrustedCertificate {
            endpoint,
            detail: text[at..].to_string(),
        };
    }
    if d.is_timeout() {
        timed_out(cx)
    } else if lost || d.as_other().is_some() {
        // The connector classes a connection closed before the answer (hyper's incomplete
        // message) as a transient "other" error.
        S3Error::ConnectionLost { endpoint }
    } else if d.is_io() {
        S3Error::Unreachable { endpoint }
    } else {
        S3Error::Other {
            action: cx.action,
            status: None,
            code: String::new(),
            message: chain(err),
        }
    }
}

/// The SDK's own timeouts are those of one attempt (the connection, the answer, credentials).
fn timed_out(cx: &Context<'_>) -> S3Error {
    S3Error::Timeout {
        endpoint: cx.endpoint.to_string(),
        scope: TimeoutScope::Attempt,
        timeout: cx.timeout,
        attempt: cx.attempts,
    }
}

/// The kind of the first I/O error in an error's chain of sources.
fn io_kind(err: &(dyn std::error::Error + 'static)) -> Option<io::ErrorKind> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<io::Error>() {
            return Some(io.kind());
        }
        current = e.source();
    }
    None
}

/// An error and its sources in one line, for failures that fit no kind.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut current = err.source();
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

/// A failure to get credentials anywhere in the error's chain of sources (found by type).
fn credentials_problem(err: &(dyn std::error::Error + 'static)) -> Option<S3Error> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(c) = e.downcast_ref::<CredentialsError>() {
            return Some(match c {
                CredentialsError::ProviderTimedOut(_) => S3Error::CredentialsTimeout,
                _ => S3Error::NoCredentials,
            });
        }
        current = e.source();
    }
    None
}

/// An object body as a blocking reader: each read waits for the next chunk on the runtime.
struct S3Reader {
    runtime: Arc<tokio::runtime::Runtime>,
    body: ByteStream,
    chunk: bytes::Bytes,
    fetched: Arc<AtomicU64>,
    /// This body's bytes received so far, and the length the server announced.
    received: u64,
    expected: Option<u64>,
    /// Each wait for the next chunk is listed (a body is one attempt: it is not retried), and a
    /// cancel ends it.
    waits: Arc<Waits>,
    location: Location,
}

impl S3Reader {
    /// The next chunk; `None` when the wait for it was cancelled.
    fn next_chunk(&mut self) -> Option<std::result::Result<Option<bytes::Bytes>, ()>> {
        let S3Reader {
            runtime,
            body,
            waits,
            location,
            ..
        } = self;
        let _registered = waits.register("s3:GetObject", location, Arc::new(AtomicU32::new(1)), 1);
        let cancelled = waits.cancel.notified();
        runtime.block_on(async {
            tokio::select! {
                r = body.try_next() => Some(r.map_err(|_| ())),
                () = cancelled => None,
            }
        })
    }

    /// A body that stopped early (cut, reset, or stalled past the timeout), as an I/O error that
    /// carries the typed [`S3Error`], so that a preview can give it back as such.
    fn cut_off(&self) -> io::Error {
        io::Error::new(io::ErrorKind::UnexpectedEof, self.cut_off_kind())
    }

    fn cut_off_kind(&self) -> S3Error {
        S3Error::CutOff {
            received: self.received,
            expected: self.expected,
        }
    }
}

impl Read for S3Reader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.chunk.is_empty() {
            let Some(next) = self.next_chunk() else {
                return Err(io::Error::other(S3Error::Cancelled));
            };
            match next {
                Ok(Some(next)) => {
                    self.fetched.fetch_add(next.len() as u64, Ordering::Relaxed);
                    self.received += next.len() as u64;
                    self.chunk = next;
                }
                Ok(None) => return Ok(0),
                // The caller (a scan) reports the object as incomplete.
                Err(_) => return Err(self.cut_off()),
            }
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk[..n]);
        let _ = self.chunk.split_to(n);
        Ok(n)
    }
}

/// The HTTPS client of every AWS call (S3, Athena, and the credential providers' own calls):
/// hyper over rustls with ring, the certificates the system trusts.
pub fn https_client() -> aws_sdk_s3::config::SharedHttpClient {
    use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https()
}
