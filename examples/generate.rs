//! Generate a synthetic e-commerce dataset whose coverage is known, and print that truth to stderr
//! as JSON. The generator lives in `tests/it/common/synth.rs` (test and benchmark support, not part of
//! the library).
//!
//! ```text
//! cargo run --release --example generate -- [--intervals N] [--rows-per-interval N]
//!     [--gaps a..b,c..d] [--frequency PT1H] [--start "2020-10-01 00:00:00"] [--timezone ZONE]
//!     [--offset-seconds N] [--seed N] [--session-id] [--format csv|jsonl]
//!     [--timestamp default|iso|unix|unix-ms] [--delimiter C] [--gzip] [--target-bytes N]
//!     [--continuous DIR | --daily DIR | -o FILE]
//! ```
//!
//! Without `-o`, `--continuous` or `--daily` the data goes to stdout. `-o` writes a temporary file
//! next to FILE and renames it into place. `--target-bytes N` keeps adding intervals past
//! `--intervals` until at least N bytes (before compression) are written; rows per interval stay at
//! most 21 (3 platforms × 7 marketplaces), so big files simply run over more intervals, e.g. 1 GB
//! is about 1.1 million PT5M intervals with 21 rows each.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use l4m::schema::Frequency;
// The generator is test support shared with the tests; this example uses part of it.
#[allow(dead_code)]
#[path = "../tests/it/common/synth.rs"]
mod synth;

use synth::{Layout, Quote, Spec, TsStyle};

const USAGE: &str = "usage: generate [--intervals N] [--rows-per-interval N] [--gaps a..b,c..d] \
[--frequency PT1H] [--start \"2020-10-01 00:00:00\"] [--timezone ZONE] [--offset-seconds N] \
[--seed N] [--session-id] [--format csv|jsonl] [--timestamp default|iso|unix|unix-ms] \
[--delimiter C] [--gzip] [--target-bytes N] [--continuous DIR | --daily DIR | -o FILE]";

#[derive(Default)]
struct Options {
    gzip: bool,
    target_bytes: u64,
    continuous: Option<PathBuf>,
    daily: Option<PathBuf>,
    output: Option<PathBuf>,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("generate: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse_num<T: std::str::FromStr>(flag: &str, v: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("{flag} wants a number, got {v:?}"))
}

fn parse_gaps(v: &str) -> Result<Vec<std::ops::Range<usize>>, String> {
    v.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            let (a, b) = s
                .trim()
                .split_once("..")
                .ok_or_else(|| format!("gap {s:?} is not a..b"))?;
            Ok(parse_num("--gaps", a)?..parse_num("--gaps", b)?)
        })
        .collect()
}

fn parse(args: Vec<String>) -> Result<(Spec, Options), String> {
    let mut spec = Spec::ecommerce_hourly(24, 1);
    let mut opts = Options::default();
    let mut jsonl = false;
    let mut timestamp = TsStyle::DEFAULT;
    let mut delimiter = b',';
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--intervals" => spec.intervals = parse_num(&flag, &value()?)?,
            "--rows-per-interval" => spec.rows_per_interval = parse_num(&flag, &value()?)?,
            "--gaps" => spec.gaps = parse_gaps(&value()?)?,
            "--frequency" => spec.frequency = value()?.parse::<Frequency>()?,
            "--start" => {
                let v = value()?;
                spec.start = chrono::NaiveDateTime::parse_from_str(&v, "%Y-%m-%d %H:%M:%S")
                    .or_else(|_| chrono::NaiveDateTime::parse_from_str(&v, "%Y-%m-%dT%H:%M:%S"))
                    .map_err(|_| format!("--start wants \"yyyy-MM-dd HH:mm:ss\", got {v:?}"))?;
            }
            "--timezone" => {
                let v = value()?;
                spec.timezone = v
                    .parse()
                    .map_err(|_| format!("unknown time zone {v:?}: use e.g. America/New_York"))?;
            }
            "--offset-seconds" => spec.offset_seconds = parse_num(&flag, &value()?)?,
            "--seed" => spec.seed = parse_num(&flag, &value()?)?,
            "--session-id" => spec.session_id = true,
            "--format" => {
                jsonl = match value()?.as_str() {
                    "csv" => false,
                    "jsonl" | "json" => true,
                    other => return Err(format!("--format wants csv or jsonl, got {other:?}")),
                }
            }
            "--timestamp" => {
                timestamp = match value()?.as_str() {
                    "default" => TsStyle::DEFAULT,
                    "iso" => TsStyle::IsoOffset,
                    "unix" => TsStyle::UnixSeconds,
                    "unix-ms" => TsStyle::UnixMillis,
                    other => {
                        return Err(format!(
                            "--timestamp wants default, iso, unix or unix-ms, got {other:?}"
                        ));
                    }
                }
            }
            "--delimiter" => {
                let v = value()?;
                delimiter = match v.as_str() {
                    "tab" | "\\t" => b'\t',
                    s if s.len() == 1 => s.as_bytes()[0],
                    _ => return Err(format!("--delimiter wants one character, got {v:?}")),
                }
            }
            "--gzip" => opts.gzip = true,
            "--target-bytes" => opts.target_bytes = parse_num(&flag, &value()?)?,
            "--continuous" => opts.continuous = Some(value()?.into()),
            "--daily" => opts.daily = Some(value()?.into()),
            "-o" | "--output" => opts.output = Some(value()?.into()),
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    spec.layout = if jsonl {
        Layout::JsonLines { timestamp }
    } else {
        Layout::Csv {
            delimiter,
            quote: Quote::None,
            header: true,
            crlf: false,
            bom: false,
            timestamp,
        }
    };
    spec.validate()?;
    let outputs = [
        opts.continuous.is_some(),
        opts.daily.is_some(),
        opts.output.is_some(),
    ];
    if outputs.iter().filter(|&&b| b).count() > 1 {
        return Err("use only one of --continuous, --daily and -o".into());
    }
    if (opts.continuous.is_some() || opts.daily.is_some()) && (opts.gzip || opts.target_bytes > 0) {
        return Err("--gzip and --target-bytes go with -o or stdout only".into());
    }
    Ok((spec, opts))
}

/// Counts the bytes passed through.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes the stream (optionally gzipped); returns the truth, slots and uncompressed bytes.
fn stream(spec: &Spec, opts: &Options, out: impl Write) -> io::Result<(synth::Truth, usize, u64)> {
    if opts.gzip {
        let gz = flate2::write::GzEncoder::new(out, flate2::Compression::default());
        let mut counting = Counting {
            inner: gz,
            bytes: 0,
        };
        let (truth, slots) = synth::write_at_least(spec, &mut counting, opts.target_bytes)?;
        counting.inner.finish()?.flush()?;
        Ok((truth, slots, counting.bytes))
    } else {
        let mut counting = Counting {
            inner: io::BufWriter::new(out),
            bytes: 0,
        };
        let (truth, slots) = synth::write_at_least(spec, &mut counting, opts.target_bytes)?;
        counting.flush()?;
        Ok((truth, slots, counting.bytes))
    }
}

fn run() -> Result<(), String> {
    let (spec, opts) = parse(std::env::args().skip(1).collect())?;
    let truth = if let Some(dir) = &opts.continuous {
        synth::write_continuous(&spec, dir).map_err(|e| format!("{}: {e}", dir.display()))?
    } else if let Some(dir) = &opts.daily {
        synth::write_daily_files(&spec, dir).map_err(|e| format!("{}: {e}", dir.display()))?
    } else if let Some(path) = &opts.output {
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let err = |e: io::Error| format!("{}: {e}", path.display());
        let mut tmp = tempfile::NamedTempFile::new_in(&parent).map_err(err)?;
        let (truth, slots, bytes) = stream(&spec, &opts, tmp.as_file_mut()).map_err(err)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::Permissions::from_mode(0o644);
            tmp.as_file().set_permissions(mode).map_err(err)?;
        }
        tmp.as_file().sync_all().map_err(err)?;
        tmp.persist(path).map_err(|e| err(e.error))?;
        if opts.target_bytes > 0 {
            eprintln!("generate: {slots} interval slots, {bytes} bytes before compression");
        }
        truth
    } else {
        let stdout = io::stdout();
        let (truth, slots, bytes) =
            stream(&spec, &opts, stdout.lock()).map_err(|e| format!("stdout: {e}"))?;
        if opts.target_bytes > 0 {
            eprintln!("generate: {slots} interval slots, {bytes} bytes before compression");
        }
        truth
    };
    let json = serde_json::to_string_pretty(&truth.to_json()).map_err(|e| e.to_string())?;
    eprintln!("{json}");
    Ok(())
}
