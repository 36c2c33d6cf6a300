//! S3 over HTTPS: moto in server mode with a certificate made here (for 127.0.0.1), the real
//! binary through its own HTTPS client (hyper over rustls with ring). Trusted (SSL_CERT_FILE),
//! the figures are the local scan's; not trusted, a one-line error that says so and what to do.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::{l4m, root, run, run_json};

/// A self-signed certificate for 127.0.0.1 and its key, written by Python's `cryptography`
/// (which moto needs, so scripts/test.sh has installed it).
const MAKE_CERT: &str = r#"
import sys, datetime, ipaddress
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
key = ec.generate_private_key(ec.SECP256R1())
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
now = datetime.datetime.now(datetime.timezone.utc)
cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
    .public_key(key.public_key()).serial_number(x509.random_serial_number())
    .not_valid_before(now - datetime.timedelta(days=1))
    .not_valid_after(now + datetime.timedelta(days=2))
    .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
    .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    .sign(key, hashes.SHA256()))
open(sys.argv[1], "wb").write(cert.public_bytes(serialization.Encoding.PEM))
open(sys.argv[2], "wb").write(key.private_bytes(serialization.Encoding.PEM,
    serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
"#;

/// A bucket with one object, put by boto3 trusting only that certificate.
const PUT: &str = r#"
import sys, boto3
s3 = boto3.client("s3", endpoint_url=sys.argv[1], verify=sys.argv[2], region_name="us-east-1",
    aws_access_key_id="testing", aws_secret_access_key="testing")
s3.create_bucket(Bucket="tls")
s3.put_object(Bucket="tls", Key="data/day.csv", Body=open(sys.argv[3], "rb").read())
"#;

struct TlsMoto {
    child: Child,
    endpoint: String,
}

impl Drop for TlsMoto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn python(script: &str, args: &[&str]) {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs (scripts/test.sh installs moto[server])");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl TlsMoto {
    fn start(cert: &Path, key: &Path) -> TlsMoto {
        let mut child = Command::new("python3")
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", "0", "-c"])
            .arg(cert)
            .arg("-k")
            .arg(key)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(at) = line.find("https://127.0.0.1:") {
                    let _ = tx.send(line[at..].trim().to_string());
                }
            }
        });
        let endpoint = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("moto prints its https address");
        TlsMoto { child, endpoint }
    }
}

#[test]
fn s3_over_https_is_read_with_a_trusted_certificate_and_refused_in_one_line_without() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    python(MAKE_CERT, &[cert.to_str().unwrap(), key.to_str().unwrap()]);
    let moto = TlsMoto::start(&cert, &key);
    let day = root().join("assets/ecommerce/2020-10-01.csv");
    python(
        PUT,
        &[
            &moto.endpoint,
            cert.to_str().unwrap(),
            day.to_str().unwrap(),
        ],
    );
    let (code, local) = run_json(l4m().args(["coverage", day.to_str().unwrap(), "--json"]));
    assert_eq!(code, 0);

    let at_moto = |trust: Option<&Path>| {
        let mut cmd = l4m();
        cmd.env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            // No system certificate may vouch for moto's: only the file named here, or none.
            .env("SSL_CERT_DIR", dir.path().join("none"))
            .args(["coverage", "s3://tls/data/", "--json"])
            .args(["--endpoint-url", &moto.endpoint, "--s3-timeout", "20"]);
        match trust {
            Some(file) => cmd.env("SSL_CERT_FILE", file),
            None => cmd.env("SSL_CERT_FILE", dir.path().join("none.pem")),
        };
        cmd
    };

    let (code, remote) = run_json(&mut at_moto(Some(&cert)));
    assert_eq!(code, 0);
    for key in [
        "records",
        "intervals_with_data",
        "first_interval",
        "last_interval",
    ] {
        assert_eq!(remote[key], local[key], "{key}");
    }
    assert_eq!(remote["records"], 504);

    let (code, out, err) = run(&mut at_moto(None));
    assert_ne!(code, 0, "{out}");
    let lines: Vec<&str> = err.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].contains(&format!(
            "the TLS certificate of {} is not trusted (invalid peer certificate: UnknownIssuer)",
            moto.endpoint
        )),
        "{err}"
    );
    assert!(lines[0].contains("SSL_CERT_FILE"), "{err}");
}
