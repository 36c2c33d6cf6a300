//! A moto server (S3 in server mode) on 127.0.0.1 for the S3 tests: started per test on a free
//! port, filled through its own SDK client, killed when dropped. Nothing reaches AWS.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use aws_sdk_s3::Client;
use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_s3::primitives::ByteStream;
use l4m::source::s3::{S3Options, S3Source};
use l4m::source::{Location, list_all};

use super::l4m;

/// A moto server on 127.0.0.1 and a free port; killed when dropped.
pub struct Moto {
    child: Child,
    pub endpoint: String,
    pub runtime: tokio::runtime::Runtime,
    pub client: Client,
}

impl Moto {
    pub fn start() -> Moto {
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
            .http_client(l4m::source::s3::https_client())
            .build();
        Moto {
            child,
            endpoint,
            runtime,
            client: Client::from_conf(config),
        }
    }

    pub fn bucket(&self, name: &str) {
        self.runtime
            .block_on(self.client.create_bucket().bucket(name).send())
            .expect("bucket created");
    }

    pub fn put(&self, bucket: &str, key: &str, bytes: Vec<u8>) {
        self.put_with(bucket, key, bytes, None);
    }

    /// Store an object that anyone may read, for the unsigned in-process source.
    pub fn put_public(&self, bucket: &str, key: &str, bytes: Vec<u8>) {
        let acl = aws_sdk_s3::types::ObjectCannedAcl::PublicRead;
        self.put_with(bucket, key, bytes, Some(acl));
    }

    fn put_with(
        &self,
        bucket: &str,
        key: &str,
        bytes: Vec<u8>,
        acl: Option<aws_sdk_s3::types::ObjectCannedAcl>,
    ) {
        let request = self
            .client
            .put_object()
            .bucket(bucket)
            .key(key)
            .set_acl(acl)
            .body(ByteStream::from(bytes));
        self.runtime
            .block_on(request.send())
            .expect("object stored");
    }

    /// Upload every file under a local folder, keeping relative paths as keys under `prefix`.
    pub fn put_folder(&self, bucket: &str, prefix: &str, dir: &std::path::Path) {
        let files = list_all(
            &l4m::source::local::LocalSource,
            &Location::Local(dir.into()),
            true,
        )
        .unwrap();
        for f in files {
            let path = f.location.as_path().unwrap().to_path_buf();
            self.put(
                bucket,
                &format!("{prefix}{}", f.name),
                std::fs::read(path).unwrap(),
            );
        }
    }

    /// The real binary, pointed at this server with test credentials.
    pub fn l4m(&self) -> assert_cmd::Command {
        l4m_at(&self.endpoint)
    }

    /// An in-process source; moto answers unsigned listing requests.
    pub fn source(&self) -> S3Source {
        S3Source::new(&options_at(&self.endpoint)).unwrap()
    }
}

/// The real binary with test credentials, pointed at an endpoint (moto, or a proxy in front of it).
pub fn l4m_at(endpoint: &str) -> assert_cmd::Command {
    let mut cmd = l4m();
    cmd.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .args(["--endpoint-url", endpoint]);
    cmd
}

/// Options for an in-process source at an endpoint, unsigned.
pub fn options_at(endpoint: &str) -> S3Options {
    S3Options {
        endpoint_url: Some(endpoint.to_string()),
        region: Some("us-east-1".into()),
        no_sign_request: true,
        ..S3Options::default()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
