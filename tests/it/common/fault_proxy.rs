//! A fault-injecting HTTP/1.1 proxy for the S3 tests. moto answers every request correctly, so
//! this proxy sits between the client and moto on 127.0.0.1 and, for the requests a test names
//! (method, path pattern, how many), answers the way a failing S3 does instead: an S3 error
//! document (SlowDown, InternalError, AccessDenied, ExpiredToken, PermanentRedirect), a body cut
//! off after N bytes, a reset connection, or silence. Everything else is forwarded to moto byte
//! for byte. It counts every request it sees, so a test can assert how often the SDK retried.
//!
//! Plain `std::net` and one thread per connection: the tests make a handful of requests at a time.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// How the proxy answers a request instead of forwarding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 503 with S3's SlowDown error document (throttling).
    SlowDown,
    /// 500 with S3's InternalError error document.
    InternalError,
    /// The real response headers (with the full Content-Length), then only the first `n` bytes
    /// of the body, then the connection is closed.
    CutBody(usize),
    /// The real response headers and the first `n` bytes of the body, then nothing more: the
    /// connection stays open until the client gives up.
    StallBody(usize),
    /// The request is read, then the connection is reset (SO_LINGER 0, so the peer gets an RST).
    Reset,
    /// The request is read, then the connection is closed without an answer.
    Close,
    /// The request is read and never answered; the connection stays open until the client leaves.
    Silent,
    /// 403 with S3's AccessDenied error document.
    AccessDenied,
    /// 400 with S3's ExpiredToken error document (temporary credentials past their expiry).
    ExpiredToken,
    /// 301 PermanentRedirect, with `x-amz-bucket-region` when a region is given: the bucket lives
    /// in that region.
    Redirect { region: Option<&'static str> },
}

/// A request the proxy saw, and the fault it answered with (None: forwarded to moto).
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: String,
    pub fault: Option<Fault>,
}

/// Which requests a rule applies to, and for how many more of them.
struct Rule {
    method: String,
    pattern: String,
    fault: Fault,
    remaining: Option<usize>,
}

#[derive(Default)]
struct State {
    rules: Vec<Rule>,
    seen: Vec<Seen>,
}

/// The proxy; it stops accepting when dropped.
pub struct FaultProxy {
    port: u16,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

/// A path matches a pattern exactly (trailing slashes aside), or by prefix when the pattern ends
/// with `*`. `/bucket` matches a listing of the bucket, `/bucket/key.csv` one object.
fn matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => path.trim_end_matches('/') == pattern.trim_end_matches('/'),
    }
}

impl FaultProxy {
    /// Listen on 127.0.0.1 (a free port) and forward to `upstream` (`http://127.0.0.1:PORT`).
    pub fn start(upstream: &str) -> FaultProxy {
        let upstream = upstream
            .strip_prefix("http://")
            .expect("an http:// upstream")
            .trim_end_matches('/')
            .to_string();
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
        let port = listener.local_addr().expect("a bound address").port();
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp) = (Arc::clone(&state), Arc::clone(&stop));
        thread::spawn(move || accept_loop(listener, upstream, st, sp));
        FaultProxy { port, state, stop }
    }

    /// The address to give the client (`--endpoint-url`).
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Answer the first `times` requests with `method` (or `*`) and a path matching `pattern`
    /// with `fault`; later ones are forwarded.
    pub fn fail(&self, method: &str, pattern: &str, fault: Fault, times: usize) {
        self.add(method, pattern, fault, Some(times));
    }

    /// Answer every matching request with `fault`.
    pub fn always(&self, method: &str, pattern: &str, fault: Fault) {
        self.add(method, pattern, fault, None);
    }

    fn add(&self, method: &str, pattern: &str, fault: Fault, remaining: Option<usize>) {
        self.lock().rules.push(Rule {
            method: method.to_string(),
            pattern: pattern.to_string(),
            fault,
            remaining,
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every request seen so far, in order of arrival.
    pub fn seen(&self) -> Vec<Seen> {
        self.lock().seen.clone()
    }

    /// How many requests with `method` and a path matching `pattern` arrived.
    pub fn count(&self, method: &str, pattern: &str) -> usize {
        self.lock()
            .seen
            .iter()
            .filter(|s| s.method == method && matches(pattern, &s.path))
            .count()
    }

    /// How many of those were answered with a fault.
    pub fn faulted(&self, method: &str, pattern: &str) -> usize {
        self.lock()
            .seen
            .iter()
            .filter(|s| s.method == method && matches(pattern, &s.path) && s.fault.is_some())
            .count()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accepting thread so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn accept_loop(
    listener: TcpListener,
    upstream: String,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
) {
    for conn in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(client) = conn else { continue };
        let (upstream, state, stop) = (upstream.clone(), Arc::clone(&state), Arc::clone(&stop));
        thread::spawn(move || {
            let _ = serve(client, &upstream, &state, &stop);
        });
    }
}

/// One request as read from the client.
struct Request {
    method: String,
    target: String,
    head: Vec<u8>,
    body: Vec<u8>,
}

impl Request {
    fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
    fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }
}

/// Serve the requests of one client connection (keep-alive) until it closes or a fault ends it.
fn serve(
    client: TcpStream,
    upstream: &str,
    state: &Mutex<State>,
    stop: &AtomicBool,
) -> io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut client = client;
    while let Some(req) = read_request(&mut reader)? {
        let fault = decide(state, &req);
        let keep_alive = match fault {
            None => forward(&req, &mut client, upstream, None)?,
            Some(Fault::CutBody(n)) => {
                forward(&req, &mut client, upstream, Some(n))?;
                false
            }
            Some(Fault::Reset) => {
                socket2::SockRef::from(&client).set_linger(Some(Duration::ZERO))?;
                return Ok(()); // dropping the socket with SO_LINGER 0 sends an RST
            }
            Some(Fault::StallBody(n)) => {
                forward(&req, &mut client, upstream, Some(n))?;
                wait_for_close(reader.get_mut(), stop);
                return Ok(());
            }
            Some(Fault::Close) => false,
            Some(Fault::Silent) => {
                wait_for_close(reader.get_mut(), stop);
                return Ok(());
            }
            Some(ref f) => {
                error_response(&mut client, &req, f)?;
                true
            }
        };
        if !keep_alive {
            let _ = client.shutdown(Shutdown::Both);
            return Ok(());
        }
    }
    Ok(())
}

/// The fault for a request (consuming one use of its rule), recorded with the request.
fn decide(state: &Mutex<State>, req: &Request) -> Option<Fault> {
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    let path = req.path().to_string();
    let rule = s.rules.iter_mut().find(|r| {
        (r.method == "*" || r.method == req.method)
            && matches(&r.pattern, &path)
            && r.remaining != Some(0)
    });
    let fault = rule.map(|r| {
        if let Some(n) = &mut r.remaining {
            *n -= 1;
        }
        r.fault.clone()
    });
    s.seen.push(Seen {
        method: req.method.clone(),
        path,
        query: req.query().to_string(),
        fault: fault.clone(),
    });
    fault
}

/// Read a request head and its Content-Length body; None when the client closed the connection.
fn read_request(reader: &mut BufReader<TcpStream>) -> io::Result<Option<Request>> {
    let mut head = Vec::new();
    let mut content_length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            content_length = value.trim().parse().unwrap_or(0);
        }
        head.extend_from_slice(line.as_bytes());
        if line == "\r\n" || line == "\n" {
            break;
        }
    }
    let first = String::from_utf8_lossy(&head)
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    let mut parts = first.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut body = vec![0; content_length];
    reader.read_exact(&mut body)?;
    Ok(Some(Request {
        method,
        target,
        head,
        body,
    }))
}

/// The request head as sent upstream: one request per upstream connection, so its end is clear.
fn upstream_head(req: &Request) -> Vec<u8> {
    let text = String::from_utf8_lossy(&req.head);
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let name = line.split(':').next().unwrap_or("").trim();
        if name.eq_ignore_ascii_case("connection") {
            continue;
        }
        if line == "\r\n" || line == "\n" {
            out.push_str("Connection: close\r\n");
        }
        out.push_str(line);
    }
    out.into_bytes()
}

/// Forward a request to moto and its response back, cut after `cut` body bytes if asked.
/// Returns whether the client connection can take another request.
fn forward(
    req: &Request,
    client: &mut TcpStream,
    upstream: &str,
    cut: Option<usize>,
) -> io::Result<bool> {
    let mut up = TcpStream::connect(upstream)?;
    up.write_all(&upstream_head(req))?;
    up.write_all(&req.body)?;
    let mut up = BufReader::new(up);
    let mut head = Vec::new();
    let mut length: Option<u64> = None;
    loop {
        let mut line = String::new();
        if up.read_line(&mut line)? == 0 {
            return Ok(false);
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
            }
            // moto closes after each response; the client's connection to us stays open, as S3's do.
            if name.eq_ignore_ascii_case("connection") {
                continue;
            }
        }
        head.extend_from_slice(line.as_bytes());
        if line == "\r\n" || line == "\n" {
            break;
        }
    }
    let status = String::from_utf8_lossy(&head)
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .unwrap_or(0);
    client.write_all(&head)?;
    let bodyless = req.method == "HEAD" || status == 204 || status == 304;
    let limit = if bodyless { Some(0) } else { length };
    let copy_limit = match (limit, cut) {
        (_, Some(n)) => Some(n as u64),
        (l, None) => l,
    };
    let close = match copy_limit {
        Some(n) => {
            io::copy(&mut (&mut up).take(n), client)?;
            cut.is_some()
        }
        None => {
            // No length: the body runs to the end of the upstream connection, and so must ours.
            io::copy(&mut up, client)?;
            true
        }
    };
    client.flush()?;
    Ok(!close)
}

/// S3's error document for a fault, as S3 sends it (no body for HEAD).
fn error_response(client: &mut TcpStream, req: &Request, fault: &Fault) -> io::Result<()> {
    let bucket = req
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("");
    let (status, reason, code, message, extra) = match fault {
        Fault::SlowDown => (
            503,
            "Slow Down",
            "SlowDown",
            "Please reduce your request rate.",
            String::new(),
        ),
        Fault::InternalError => (
            500,
            "Internal Server Error",
            "InternalError",
            "We encountered an internal error. Please try again.",
            String::new(),
        ),
        Fault::AccessDenied => (
            403,
            "Forbidden",
            "AccessDenied",
            "Access Denied",
            String::new(),
        ),
        Fault::ExpiredToken => (
            400,
            "Bad Request",
            "ExpiredToken",
            "The provided token has expired.",
            String::new(),
        ),
        Fault::Redirect { region } => (
            301,
            "Moved Permanently",
            "PermanentRedirect",
            "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.",
            region
                .map(|r| format!("x-amz-bucket-region: {r}\r\n"))
                .unwrap_or_default(),
        ),
        Fault::CutBody(_) | Fault::StallBody(_) | Fault::Reset | Fault::Close | Fault::Silent => {
            unreachable!("not an error document")
        }
    };
    let body = if req.method == "HEAD" {
        String::new()
    } else {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><BucketName>{bucket}</BucketName><RequestId>FAULTPROXY</RequestId><HostId>fault-proxy</HostId></Error>"
        )
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nx-amz-request-id: FAULTPROXY\r\n{extra}\r\n",
        body.len()
    );
    client.write_all(head.as_bytes())?;
    client.write_all(body.as_bytes())?;
    client.flush()
}

/// Hold a connection open without answering until the client gives up (or the proxy stops).
fn wait_for_close(client: &mut TcpStream, stop: &AtomicBool) {
    let _ = client.set_read_timeout(Some(Duration::from_millis(100)));
    let mut buf = [0u8; 1024];
    while !stop.load(Ordering::SeqCst) {
        match client.read(&mut buf) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return,
        }
    }
}
