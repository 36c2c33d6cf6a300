//! S3 (and S3-compatible servers) as a [`Source`], through the real `aws-sdk-s3` client.
//!
//! The only module that knows AWS types. It is blocking like every source: it owns a small tokio
//! runtime and waits on it, so callers on worker threads (the scan pool, the TUI worker) need no
//! async code. It never writes to a bucket: it lists, heads and reads.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::Region;
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use chrono::{DateTime, Utc};

use super::{Entry, EntryKind, Location, Page, Source};
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
}

/// A bucket store reached through `aws-sdk-s3`.
pub struct S3Source {
    runtime: Arc<tokio::runtime::Runtime>,
    client: Client,
    endpoint: String,
    /// Bytes of object data received, counted by the tool (previews must stay under 1 MiB).
    bytes_fetched: Arc<AtomicU64>,
    /// Things the user should know about the configuration (e.g. the region fallback).
    pub notes: Vec<String>,
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
            .map_err(|e| Error::msg(format!("could not start the S3 client: {e}")))?;
        let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .read_timeout(Duration::from_secs(60))
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
        let mut builder = aws_sdk_s3::config::Builder::from(&config);
        if config.region().is_none() {
            builder = builder.region(Region::new("us-east-1"));
            notes.push(
                "no region configured (--region, AWS_REGION or the profile): using us-east-1"
                    .into(),
            );
        }
        let endpoint = config.endpoint_url().map(str::to_string);
        if endpoint.is_some() {
            // S3-compatible servers rarely serve virtual-hosted bucket names.
            builder = builder.force_path_style(true);
        }
        let client = Client::from_conf(builder.build());
        Ok(S3Source {
            runtime: Arc::new(runtime),
            client,
            endpoint: endpoint.unwrap_or_else(|| "AWS S3".into()),
            bytes_fetched: Arc::new(AtomicU64::new(0)),
            notes,
        })
    }

    /// Object bytes received so far.
    pub fn bytes_fetched(&self) -> u64 {
        self.bytes_fetched.load(Ordering::Relaxed)
    }

    /// A one-line message for an SDK error: what failed, on what, and what to do.
    fn describe<E>(
        &self,
        err: SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
        location: &Location,
        action: &str,
    ) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let bucket = match location {
            Location::S3 { bucket, .. } => bucket.clone(),
            Location::Local(_) => String::new(),
        };
        let full = DisplayErrorContext(&err).to_string();
        let msg = match &err {
            SdkError::ServiceError(se) => {
                let status = se.raw().status().as_u16();
                let code = se.err().code().unwrap_or("");
                let region = se
                    .raw()
                    .headers()
                    .get("x-amz-bucket-region")
                    .map(str::to_string);
                match (code, status) {
                    ("NoSuchBucket", _) => format!(
                        "{location}: no such bucket {bucket:?}: check the name (and --region / --endpoint-url)"
                    ),
                    ("NoSuchKey", _) | ("NotFound", 404) | ("", 404)
                        if action == "s3:GetObject" =>
                    {
                        format!("{location}: no such key: check the path")
                    }
                    ("NotFound", 404) | ("", 404) => {
                        format!("{location}: not found: check the bucket and the path")
                    }
                    ("AccessDenied", _) | (_, 403) if full.contains("ExpiredToken") => format!(
                        "{location}: the AWS credentials have expired: refresh them (e.g. aws sso login) and retry"
                    ),
                    ("ExpiredToken", _) => format!(
                        "{location}: the AWS credentials have expired: refresh them (e.g. aws sso login) and retry"
                    ),
                    ("AccessDenied", _) | ("AllAccessDisabled", _) | (_, 403) => format!(
                        "{location}: access denied to bucket {bucket:?} ({action} is not allowed): check the policy of your profile or role"
                    ),
                    ("PermanentRedirect", _) | ("AuthorizationHeaderMalformed", _) | (_, 301) => {
                        match region {
                            Some(r) => format!(
                                "{location}: bucket {bucket:?} is in region {r}: add --region {r}"
                            ),
                            None => format!(
                                "{location}: bucket {bucket:?} is in another region: give it with --region"
                            ),
                        }
                    }
                    ("SlowDown", _) | (_, 503) | ("Throttling", _) => format!(
                        "{location}: S3 kept throttling the requests (SlowDown) after retries: use a lower --concurrency and retry"
                    ),
                    _ => format!(
                        "{location}: {action} failed ({} {code}): {}",
                        status,
                        se.err().message().unwrap_or("no message")
                    ),
                }
            }
            _ if full.contains("loading credentials")
                || full.contains("no credentials")
                || full.contains("credentials provider") =>
            {
                format!(
                    "{location}: no AWS credentials found: set a profile (--profile or AWS_PROFILE), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or use --no-sign-request for a public bucket"
                )
            }
            SdkError::TimeoutError(_) => format!(
                "{location}: {} did not answer in time: check --endpoint-url and the network",
                self.endpoint
            ),
            SdkError::DispatchFailure(_) => format!(
                "{location}: cannot reach {}: check --endpoint-url, the network, or that the server runs",
                self.endpoint
            ),
            _ => format!("{location}: {action} failed: {full}"),
        };
        Error::msg(msg)
    }

    fn list_page(
        &self,
        location: &Location,
        cursor: Option<&str>,
        recursive: bool,
    ) -> Result<Page> {
        let Location::S3 { bucket, key } = location else {
            return Err(Error::msg(format!("{location}: not an S3 location")));
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
        let out = self
            .runtime
            .block_on(req.send())
            .map_err(|e| self.describe(e, location, "s3:ListBucket"))?;
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
        let out = self
            .runtime
            .block_on(req.send())
            .map_err(|e| self.describe(e, location, "s3:ListAllMyBuckets"))?;
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
}

impl Source for S3Source {
    fn bytes_read(&self) -> Option<u64> {
        Some(self.bytes_fetched())
    }

    fn stat(&self, location: &Location) -> Result<Entry> {
        let Location::S3 { bucket, key } = location else {
            return Err(Error::msg(format!("{location}: not an S3 location")));
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
            self.runtime
                .block_on(req.send())
                .map_err(|e| self.describe(e, location, "s3:ListBucket"))?;
            return Ok(folder(key.clone()));
        }
        let head = self
            .runtime
            .block_on(self.client.head_object().bucket(bucket).key(key).send());
        match head {
            Ok(h) => Ok(Entry {
                name: location.file_name(),
                kind: EntryKind::File,
                size: h.content_length().map(|s| s.max(0) as u64),
                modified: h.last_modified().and_then(to_utc),
                location: location.clone(),
            }),
            Err(e) => {
                let not_found =
                    matches!(&e, SdkError::ServiceError(se) if se.raw().status().as_u16() == 404);
                if !not_found {
                    return Err(self.describe(e, location, "s3:GetObject"));
                }
                // No object by that name: maybe a prefix typed without its slash.
                let prefix = folder_prefix(key);
                let probe = self.runtime.block_on(
                    self.client
                        .list_objects_v2()
                        .bucket(bucket)
                        .prefix(&prefix)
                        .max_keys(1)
                        .send(),
                );
                match probe {
                    Ok(out) if out.key_count().unwrap_or(0) > 0 => Ok(folder(prefix)),
                    Ok(_) => Err(Error::msg(format!(
                        "{location}: no such key or prefix: check the path"
                    ))),
                    Err(e) => Err(self.describe(e, location, "s3:ListBucket")),
                }
            }
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
            return Err(Error::msg(format!("{location}: not an S3 location")));
        };
        if len == 0 {
            return Ok(Vec::new());
        }
        let range = format!("bytes={start}-{}", start + len - 1);
        let out = self.runtime.block_on(
            self.client
                .get_object()
                .bucket(bucket)
                .key(key)
                .range(range)
                .send(),
        );
        let out = match out {
            Ok(o) => o,
            // An empty object has no satisfiable range: it is empty.
            Err(SdkError::ServiceError(se)) if se.raw().status().as_u16() == 416 => {
                return Ok(Vec::new());
            }
            Err(e) => return Err(self.describe(e, location, "s3:GetObject")),
        };
        let mut reader = S3Reader::new(
            Arc::clone(&self.runtime),
            out.body,
            Arc::clone(&self.bytes_fetched),
        );
        let mut buf = Vec::with_capacity(len.min(super::HEAD_BYTES) as usize);
        // A server that ignores Range sends everything: take only what was asked for.
        (&mut reader)
            .take(len)
            .read_to_end(&mut buf)
            .map_err(|e| Error::msg(format!("{location}: reading failed: {e}")))?;
        Ok(buf)
    }

    fn open(&self, location: &Location) -> Result<Box<dyn Read + Send>> {
        let Location::S3 { bucket, key } = location else {
            return Err(Error::msg(format!("{location}: not an S3 location")));
        };
        let out = self
            .runtime
            .block_on(self.client.get_object().bucket(bucket).key(key).send())
            .map_err(|e| self.describe(e, location, "s3:GetObject"))?;
        Ok(Box::new(S3Reader::new(
            Arc::clone(&self.runtime),
            out.body,
            Arc::clone(&self.bytes_fetched),
        )))
    }
}

/// An object body as a blocking reader: each read waits for the next chunk on the runtime.
struct S3Reader {
    runtime: Arc<tokio::runtime::Runtime>,
    body: ByteStream,
    chunk: bytes::Bytes,
    fetched: Arc<AtomicU64>,
}

impl S3Reader {
    fn new(
        runtime: Arc<tokio::runtime::Runtime>,
        body: ByteStream,
        fetched: Arc<AtomicU64>,
    ) -> S3Reader {
        S3Reader {
            runtime,
            body,
            chunk: bytes::Bytes::new(),
            fetched,
        }
    }
}

impl Read for S3Reader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.chunk.is_empty() {
            match self.runtime.block_on(self.body.try_next()) {
                Ok(Some(next)) => {
                    self.fetched.fetch_add(next.len() as u64, Ordering::Relaxed);
                    self.chunk = next;
                }
                Ok(None) => return Ok(0),
                // A body cut off mid-stream: the caller reports the object as incomplete.
                Err(e) => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!("the object's body was cut off: {e}"),
                    ));
                }
            }
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk[..n]);
        let _ = self.chunk.split_to(n);
        Ok(n)
    }
}
