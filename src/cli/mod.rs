//! The command line: `l4m inspect | coverage | export`, each a thin face over the engine with a
//! readable default output and `--json` for scripts.

mod output;
mod words;

/// A line to standard error. Unlike `eprintln!`, a terminal or pipe that went away (a closed
/// window) does not turn the last message into a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod athena;
mod backtest;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use clap::{Args, Parser, Subcommand};
use serde_json::json;

use l4m::config::targets::FileRole;
use l4m::config::{self, ExportOptions, ExportTarget, Finding, Syntax, TargetOptions};
use l4m::coverage::{self, Coverage, ScanControl, ScanSpec};
use l4m::fix::Notice;
use l4m::fix::Words as _;
use l4m::format::{FileFormat, Overrides, parse_delimiter};
use l4m::inspect::{self, Inspection};
use l4m::schema::{Aggregation, Frequency, Labels, Role};
use l4m::source::local::LocalSource;
use l4m::source::{Location, Source};
use l4m::{Error, Result};
use words::CliWords;

/// Exit code when a check fails: coverage below the threshold with --require-threshold, or an
/// export whose findings hold errors.
pub const EXIT_CHECK_FAILED: u8 = 3;

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  error: unreadable location or file, bad value, failed write (one line on stderr says what)
  2  bad command line (unknown flag, missing argument)
  3  check failed: coverage --require-threshold below 285 intervals with data, or export or
     check findings hold errors (export: nothing written unless --draft)";

// The headings options are grouped under in `--help`, in this order (the order of their first
// option in each command; the S3 options are flattened into every command at their place).
const READING: &str = "Reading";
const LABELS: &str = "Labels";
const TIME: &str = "Interval and time";
const S3: &str = "S3";
const OUTPUT: &str = "Output";
const CONFIG_FIELDS: &str = "Config fields";
const DETECTOR: &str = "Detector";

/// Explore, label and check time-series datasets for Amazon Lookout for Metrics.
#[derive(Debug, Parser)]
#[command(
    name = "l4m",
    version,
    about,
    long_about = "Explore, label and check time-series datasets for Amazon Lookout for Metrics (L4M).\n\n\
        Run `l4m [LOCATION]` for the terminal UI, or a command below for scripts.\n\n\
        l4m reads CSV or JSON-lines files (plain or gzip) from a local file or folder, or an S3\n\
        prefix (s3://bucket/prefix/), detects their format and columns, counts records per\n\
        interval against the 285-interval minimum, and writes a detector-ready config (the\n\
        CreateMetricSet request, or CloudFormation) checked against the service's own API model.",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Open the terminal UI on this folder or file, or s3://bucket/prefix/ (default: the current folder)
    location: Option<String>,
    /// Terminal UI: files a scan reads at once (default: the number of cores; 16 for S3)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256), help_heading = READING)]
    concurrency: Option<u32>,
    /// Terminal UI: start without the labels and settings saved for the location
    #[arg(long, help_heading = LABELS)]
    fresh: bool,
    /// Terminal UI: open with an existing config's labels and settings (CreateMetricSet request,
    /// describe-metric-set output or CloudFormation); LOCATION defaults to the config's S3 path
    #[arg(long, value_name = "FILE", help_heading = LABELS)]
    config: Option<PathBuf>,
    #[command(flatten)]
    s3: S3Args,
    #[command(flatten)]
    athena: athena::AthenaPlaceArgs,
}

/// What the terminal UI is opened with.
#[cfg_attr(not(feature = "tui"), allow(dead_code))]
struct TuiArgs {
    location: Option<String>,
    config: Option<PathBuf>,
    fresh: bool,
    concurrency: Option<u32>,
    athena: athena::AthenaPlaceArgs,
}

/// How to reach S3 (only used for s3:// locations); each falls back to the AWS SDK's defaults.
///
/// Given before the command or after it: the options are global, and every command also
/// flattens them at the place its help lists them (under "S3", before "Output"; a global option
/// alone would be listed after all of the command's own). clap shares a global option's value
/// between the command line's levels, so both copies hold what was given, wherever it was.
#[derive(Debug, Args, Clone, Default)]
struct S3Args {
    /// AWS profile for s3:// locations (else AWS_PROFILE, else the default chain)
    #[arg(long, global = true, value_name = "NAME", help_heading = S3)]
    profile: Option<String>,
    /// AWS region (else AWS_REGION or the profile's; us-east-1 when none is set)
    #[arg(long, global = true, value_name = "REGION", help_heading = S3)]
    region: Option<String>,
    /// An S3-compatible endpoint, e.g. http://127.0.0.1:9000 (else AWS_ENDPOINT_URL); path-style
    #[arg(long, global = true, value_name = "URL", help_heading = S3)]
    endpoint_url: Option<String>,
    /// Do not sign requests (public buckets)
    #[arg(long, global = true, help_heading = S3)]
    no_sign_request: bool,
    /// Seconds an S3 request may take, all its attempts together (each waits at most half), or a
    /// download may stall [default: 60]
    #[arg(long, global = true, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..), help_heading = S3)]
    s3_timeout: Option<u64>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Detect the format, columns, suggested roles and interval of a file or folder
    #[command(after_help = EXIT_CODES)]
    Inspect(InspectArgs),
    /// Count records per interval over every file, against the 285-interval minimum
    #[command(after_help = EXIT_CODES)]
    Coverage(CoverageArgs),
    /// Per-metric coverage, the data-quality report and the backtest split, before a backtest
    #[command(after_help = EXIT_CODES)]
    Quality(CoverageArgs),
    /// Each metric's values per interval (SUM or AVG, as labelled), with a sparkline
    #[command(after_help = EXIT_CODES)]
    Series(SeriesArgs),
    /// What a detector would flag in each metric: AWS's Random Cut Forest run over its history
    #[command(after_help = EXIT_CODES)]
    Backtest(BacktestArgs),
    /// Check the labels and write a CreateMetricSet request or CloudFormation template
    #[command(after_help = EXIT_CODES)]
    Export(Box<ExportArgs>),
    /// Check an existing config (request, describe-metric-set output or CloudFormation) against data
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// The config: a CreateMetricSet request, `aws lookoutmetrics describe-metric-set` output, or a
    /// CloudFormation template with an AWS::LookoutMetrics::AnomalyDetector (JSON or YAML)
    config: PathBuf,
    /// The data to check it against (default: the config's HistoricalDataPathList, else its
    /// TemplatedPathList read with every subfolder)
    location: Option<String>,
    /// Take the files in every subfolder too (the default when the config has only a path template)
    #[arg(short, long, help_heading = READING)]
    recursive: bool,
    /// Files read at once (default: the number of cores; 16 for S3)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256), help_heading = READING)]
    concurrency: Option<u32>,
    #[command(flatten)]
    s3: S3Args,
    /// Print the findings as JSON instead of text
    #[arg(long, help_heading = OUTPUT)]
    json: bool,
}

#[derive(Debug, Args)]
struct ReadArgs {
    /// A file, or a folder of data files (a folder means the files directly under it)
    location: String,
    /// Take the files in every subfolder too (the continuous layout .../{{yyyyMMdd}}/{{HHmm}}/)
    #[arg(short, long, help_heading = READING)]
    recursive: bool,
    /// Read the files as this format instead of detecting it [possible values: csv, jsonl]
    #[arg(long, value_name = "FORMAT", value_parser = parse_format, help_heading = READING)]
    format: Option<FileFormat>,
    /// CSV delimiter instead of the detected one: , tab | space ;
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter, help_heading = READING)]
    delimiter: Option<u8>,
    /// CSV quote symbol instead of the detected one: " or ' (or none)
    #[arg(long, value_name = "CHAR", value_parser = parse_quote, help_heading = READING)]
    quote: Option<QuoteArg>,
    /// The first CSV line is a header (instead of detecting it)
    #[arg(long, conflicts_with = "no_header", help_heading = READING)]
    header: bool,
    /// The first CSV line is data (instead of detecting it)
    #[arg(long, help_heading = READING)]
    no_header: bool,
}

#[derive(Debug, Clone, Copy)]
struct QuoteArg(Option<u8>);

fn parse_quote(s: &str) -> std::result::Result<QuoteArg, String> {
    match s {
        "\"" | "double" => Ok(QuoteArg(Some(b'"'))),
        "'" | "single" => Ok(QuoteArg(Some(b'\''))),
        "none" | "" => Ok(QuoteArg(None)),
        _ => Err(format!("quote {s:?}: use \" or ' or none")),
    }
}

fn parse_format(s: &str) -> std::result::Result<FileFormat, String> {
    s.parse()
}

#[derive(Debug, Args)]
struct LabelArgs {
    /// The timestamp column (instead of the suggested one)
    #[arg(long, value_name = "COL", help_heading = LABELS)]
    timestamp: Option<String>,
    /// The timestamp format as an L4M pattern (Java letters, e.g. "yyyy-MM-dd HH:mm:ss") or UNIX
    #[arg(long, value_name = "FMT", help_heading = LABELS)]
    timestamp_format: Option<String>,
    /// A measure column, optionally with its aggregation (repeatable): --measure views --measure revenue:AVG
    #[arg(long, value_name = "COL[:SUM|AVG]", help_heading = LABELS)]
    measure: Vec<String>,
    /// A dimension column (repeatable)
    #[arg(long, value_name = "COL", help_heading = LABELS)]
    dimension: Vec<String>,
    /// A column to leave out (repeatable)
    #[arg(long, value_name = "COL", help_heading = LABELS)]
    ignore: Vec<String>,
}

#[derive(Debug, Args)]
struct TimeArgs {
    /// Interval length instead of the detected one
    #[arg(long, value_name = "INTERVAL", value_parser = frequency_parser(), ignore_case = true, help_heading = TIME)]
    frequency: Option<Frequency>,
    /// The dataset's timezone (IANA name): it decides which interval a timestamp without offset falls in
    /// [default: UTC, or the config's]
    #[arg(long, value_name = "TZ", value_parser = parse_timezone, help_heading = TIME)]
    timezone: Option<chrono_tz::Tz>,
    /// Files read at once (default: the number of cores; 16 for S3)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256), help_heading = READING)]
    concurrency: Option<u32>,
}

/// `--frequency`: the API names of [`Frequency::ALL`] (listed in the help), their other names
/// (`1h`, `daily`...) accepted too, any case.
fn frequency_parser() -> impl clap::builder::TypedValueParser<Value = Frequency> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    let values = l4m::schema::frequency::FREQUENCIES
        .iter()
        .map(|r| PossibleValue::new(r.api).aliases(r.aliases.iter().copied()));
    PossibleValuesParser::new(values).try_map(|s| s.parse::<Frequency>())
}

fn parse_timezone(s: &str) -> std::result::Result<chrono_tz::Tz, String> {
    s.parse::<chrono_tz::Tz>().map_err(|_| {
        format!(
            "unknown timezone {s:?}: use an IANA name such as UTC, Europe/Paris or America/New_York"
        )
    })
}

#[derive(Debug, Args)]
struct InspectArgs {
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    labels: LabelArgs,
    #[command(flatten)]
    s3: S3Args,
    /// Print JSON instead of text
    #[arg(long, help_heading = OUTPUT)]
    json: bool,
}

#[derive(Debug, Args)]
struct CoverageArgs {
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    labels: LabelArgs,
    #[command(flatten)]
    time: TimeArgs,
    #[command(flatten)]
    s3: S3Args,
    #[command(flatten)]
    athena: athena::AthenaArgs,
    /// Exit with code 3 when fewer than 285 intervals hold data
    #[arg(long, help_heading = OUTPUT)]
    require_threshold: bool,
    /// Print JSON instead of text
    #[arg(long, help_heading = OUTPUT)]
    json: bool,
}

/// What names a dataset's metrics and reads their values: the labelling and reading options of
/// `quality`, and `--where` to narrow them (`series` and `backtest`).
#[derive(Debug, Args)]
struct MetricArgs {
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    labels: LabelArgs,
    #[command(flatten)]
    time: TimeArgs,
    #[command(flatten)]
    s3: S3Args,
    /// Only the metrics whose dimension DIM has VALUE; repeat it, and every one must hold
    #[arg(long = "where", value_name = "DIM=VALUE", value_parser = parse_where, help_heading = LABELS)]
    where_: Vec<(String, String)>,
}

#[derive(Debug, Args)]
struct SeriesArgs {
    #[command(flatten)]
    metrics: MetricArgs,
    /// Print JSON instead of text
    #[arg(long, help_heading = OUTPUT)]
    json: bool,
}

#[derive(Debug, Args)]
struct BacktestArgs {
    #[command(flatten)]
    metrics: MetricArgs,
    /// How a missing interval is filled before the forest sees it: zero, previous,
    /// fixed:NUMBER or ignore (leave it out) [default: ignore]
    #[arg(long, value_name = "HOW", value_parser = parse_impute, help_heading = DETECTOR)]
    impute: Option<l4m::backtest::Impute>,
    /// Most metrics run, those with the most intervals with data first [default: 100]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000), help_heading = DETECTOR)]
    max_metrics: Option<u32>,
    /// Metrics run at once (default: the number of cores)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256), help_heading = DETECTOR)]
    threads: Option<u32>,
    /// Also write the anomalies to FILE as CSV (for a spreadsheet)
    #[arg(long, value_name = "FILE", help_heading = OUTPUT)]
    csv: Option<PathBuf>,
    /// Replace the --csv FILE if it exists
    #[arg(long, requires = "csv", help_heading = OUTPUT)]
    force: bool,
    /// Print JSON instead of text
    #[arg(long, help_heading = OUTPUT)]
    json: bool,
}

/// `--impute`.
fn parse_impute(s: &str) -> std::result::Result<l4m::backtest::Impute, String> {
    s.parse()
}

/// `--where DIM=VALUE`.
fn parse_where(s: &str) -> std::result::Result<(String, String), String> {
    match s.split_once('=') {
        Some((d, v)) if !d.trim().is_empty() => Ok((d.trim().to_string(), v.to_string())),
        _ => Err(format!(
            "{s:?} is not DIM=VALUE: name a dimension and its value, e.g. platform=web"
        )),
    }
}

#[derive(Debug, Args)]
struct ExportArgs {
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    labels: LabelArgs,
    #[command(flatten)]
    time: TimeArgs,
    #[command(flatten)]
    s3: S3Args,
    /// Where to write the config (- for standard output)
    #[arg(short, long, value_name = "FILE", help_heading = OUTPUT)]
    output: PathBuf,
    /// What to write
    #[arg(long, default_value = "metric-set", value_parser = target_parser(), ignore_case = true, help_heading = OUTPUT)]
    target: ExportTarget,
    /// Write the target's CloudFormation template as YAML instead of JSON
    #[arg(long, help_heading = OUTPUT)]
    yaml: bool,
    /// Take the labels and settings from an existing config (CreateMetricSet request,
    /// describe-metric-set output or CloudFormation, JSON or YAML); the options given here win
    #[arg(long, value_name = "CONFIG", help_heading = LABELS)]
    config: Option<PathBuf>,
    /// OpenSearch: the index or index pattern the detector reads, e.g. 'ecommerce*'
    #[arg(long, value_name = "PATTERN", help_heading = CONFIG_FIELDS)]
    index: Option<String>,
    /// OpenSearch: where to write the index mapping (default: beside FILE, as STEM.mapping.json)
    #[arg(long, value_name = "MAPPING_FILE", help_heading = CONFIG_FIELDS)]
    mapping: Option<PathBuf>,
    /// CloudWatch: the namespace of the metrics (default: the name)
    #[arg(long, value_name = "NAMESPACE", help_heading = CONFIG_FIELDS)]
    namespace: Option<String>,
    /// Metric set (and detector) name; defaults to the location's name when that is a valid name
    #[arg(long, help_heading = CONFIG_FIELDS)]
    name: Option<String>,
    /// Description of the metric set (and detector)
    #[arg(long, help_heading = CONFIG_FIELDS)]
    description: Option<String>,
    /// Seconds after the end of an interval at which the detector reads it (0-432000)
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true, help_heading = CONFIG_FIELDS)]
    offset: Option<i64>,
    /// IAM role that L4M assumes to read the data (CloudFormation: a RoleArn parameter when left out)
    #[arg(long, value_name = "ARN", help_heading = CONFIG_FIELDS)]
    role_arn: Option<String>,
    /// The anomaly detector the metric set belongs to (metric-set target)
    #[arg(long, value_name = "ARN", help_heading = CONFIG_FIELDS)]
    detector_arn: Option<String>,
    /// S3 folder of historical data for a backtest, e.g. s3://bucket/ecommerce/backtest/
    #[arg(long, value_name = "S3_PATH", help_heading = CONFIG_FIELDS)]
    historical_path: Option<String>,
    /// S3 path template for continuous mode, e.g. s3://bucket/live/{{yyyyMMdd}}/{{HHmm}}
    #[arg(long, value_name = "S3_TEMPLATE", help_heading = CONFIG_FIELDS)]
    template_path: Option<String>,
    /// Replace FILE if it exists
    #[arg(long, help_heading = OUTPUT)]
    force: bool,
    /// Write the file even when findings hold errors (it will lack what is missing)
    #[arg(long, help_heading = OUTPUT)]
    draft: bool,
    /// Skip the full coverage scan (no interval-count, value or metric-count checks)
    #[arg(long, help_heading = READING)]
    no_scan: bool,
    /// Print the findings and the config as JSON instead of text
    #[arg(long, help_heading = OUTPUT)]
    json: bool,
}

/// `--target`: the names of the export targets' table, each with what it writes (in the help).
fn target_parser() -> impl clap::builder::TypedValueParser<Value = ExportTarget> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    let values = l4m::config::targets::TARGETS
        .iter()
        .map(|t| PossibleValue::new(t.name).help(t.label));
    PossibleValuesParser::new(values).try_map(|s| s.parse::<ExportTarget>())
}

/// The targets for which `keep` holds, as `--target a or b`.
fn targets_where(keep: impl Fn(ExportTarget) -> bool) -> String {
    let names: Vec<&str> = ExportTarget::ALL
        .into_iter()
        .filter(|t| keep(*t))
        .map(ExportTarget::name)
        .collect();
    format!("--target {}", names.join(" or "))
}

/// Why a command line run failed: the engine's error, or a command line that does not make sense.
#[derive(Debug)]
pub enum Failure {
    Engine(Error),
    Usage(String),
    /// Ctrl-C (or SIGTERM, SIGHUP) stopped a scan: nothing was written.
    Interrupted,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Engine(e)
    }
}

impl Failure {
    /// Print the one-line message on stderr and give the exit code: 1 for an error, 2 for a bad
    /// command line.
    pub fn report(&self) -> u8 {
        match self {
            Failure::Engine(e) => {
                say!("l4m: error: {}", CliWords.error(e));
                1
            }
            Failure::Usage(m) => {
                say!("l4m: error: {m}");
                2
            }
            Failure::Interrupted => {
                say!("l4m: interrupted: the scan stopped and nothing was written");
                EXIT_INTERRUPTED
            }
        }
    }
}

type CliResult<T> = std::result::Result<T, Failure>;

/// Run a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> CliResult<u8> {
    let s3 = cli.s3;
    if cli.command.is_some() {
        handle_interrupts();
    }
    match cli.command {
        Some(Command::Inspect(a)) => cmd_inspect(a, &s3),
        Some(Command::Coverage(a)) => cmd_coverage(a, &s3),
        Some(Command::Quality(a)) => cmd_quality(a, &s3),
        Some(Command::Series(a)) => cmd_series(a, &s3),
        Some(Command::Backtest(a)) => backtest::cmd_backtest(a, &s3),
        Some(Command::Export(a)) => cmd_export(*a, &s3),
        Some(Command::Check(a)) => cmd_check(a, &s3),
        None => cmd_tui(
            TuiArgs {
                location: cli.location,
                config: cli.config,
                fresh: cli.fresh,
                concurrency: cli.concurrency,
                athena: cli.athena,
            },
            &s3,
        ),
    }
}

/// The location the UI opens, whether its subfolders are read, and the config it opens with:
/// a config is read (and a bad one refused) before the terminal is taken.
type TuiStart = (String, bool, Option<(String, config::ConfigSource)>);

fn tui_start(a: &TuiArgs) -> CliResult<TuiStart> {
    let Some(file) = &a.config else {
        let location = a.location.clone().unwrap_or_else(|| ".".into());
        return Ok((location, false, None));
    };
    let cfg = read_config_file(file)?;
    let (location, recursive) = location_or_config(&a.location, &cfg, file, "open it with")?;
    Ok((location, recursive, Some((file.display().to_string(), cfg))))
}

/// The location given, else the config's S3 path (with whether its subfolders are read); a
/// config without one needs the location, to `purpose` ("check it against").
fn location_or_config(
    given: &Option<String>,
    cfg: &config::ConfigSource,
    file: &Path,
    purpose: &str,
) -> CliResult<(String, bool)> {
    match (given, cfg.default_location()) {
        (Some(l), _) => Ok((l.clone(), cfg.continuous_only())),
        (None, Some(d)) => Ok(d),
        (None, None) => Err(Failure::Usage(format!(
            "{} names no S3 path to read (HistoricalDataPathList or TemplatedPathList, not an intrinsic known at deploy time only): give the data to {purpose} as LOCATION",
            file.display()
        ))),
    }
}

#[cfg(feature = "tui")]
fn cmd_tui(a: TuiArgs, s3: &S3Args) -> CliResult<u8> {
    use std::io::IsTerminal;
    let (location, recursive, config) = tui_start(&a)?;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Failure::Usage(
            "the terminal UI needs a terminal: in scripts use l4m inspect, coverage or export (l4m --help)".into(),
        ));
    }
    let location = Location::parse(&location)?;
    let (source, notes) = make_source(&location, s3)?;
    let start = l4m::tui::Start {
        fresh: a.fresh,
        concurrency: a.concurrency.map(|n| n as usize),
        config,
        recursive,
        athena: a.athena.place(s3, false),
    };
    match l4m::tui::run(Arc::from(source), location, notes, start)? {
        l4m::tui::Exit::Quit => Ok(0),
        l4m::tui::Exit::Signal => {
            say!("l4m: interrupted: the terminal UI quit and saved your session");
            Ok(EXIT_INTERRUPTED)
        }
    }
}

#[cfg(not(feature = "tui"))]
fn cmd_tui(a: TuiArgs, _s3: &S3Args) -> CliResult<u8> {
    tui_start(&a)?;
    Err(Failure::Usage(
        "this l4m was built without the terminal UI: use l4m inspect, coverage or export (l4m --help)"
            .into(),
    ))
}

/// The source for a location, and what the user should know about its configuration.
fn make_source(location: &Location, s3: &S3Args) -> Result<(Box<dyn Source>, Vec<Notice>)> {
    match location {
        Location::Local(_) => Ok((Box::new(LocalSource), Vec::new())),
        Location::S3 { .. } => s3_source(location, s3),
    }
}

#[cfg(feature = "s3")]
fn s3_source(_location: &Location, s3: &S3Args) -> Result<(Box<dyn Source>, Vec<Notice>)> {
    use l4m::source::s3::{S3Options, S3Source};
    let source = S3Source::new(&S3Options {
        profile: s3.profile.clone(),
        region: s3.region.clone(),
        endpoint_url: s3.endpoint_url.clone(),
        no_sign_request: s3.no_sign_request,
        timeout: s3.s3_timeout.map(std::time::Duration::from_secs),
    })?;
    let notes = source.notes.clone();
    Ok((Box::new(source), notes))
}

#[cfg(not(feature = "s3"))]
fn s3_source(location: &Location, _s3: &S3Args) -> Result<(Box<dyn Source>, Vec<Notice>)> {
    Err(Error::S3Unsupported {
        location: location.clone(),
    })
}

/// The source for a command-line run; its notes go to stderr.
fn open_source(location: &Location, s3: &S3Args) -> Result<Box<dyn Source>> {
    let (source, notes) = make_source(location, s3)?;
    for note in notes {
        say!("l4m: note: {}", CliWords.notice(&note));
    }
    Ok(source)
}

/// A location read, inspected and labelled.
struct Prepared {
    source: Box<dyn Source>,
    inspection: Inspection,
    labels: Labels,
    /// From a config the labels came from: its settings, and where it disagrees with the data.
    from_config: Option<(ExportOptions, Vec<Finding>)>,
    /// The timestamp format was given (an option or a config), not detected.
    format_given: bool,
}

fn overrides(read: &ReadArgs) -> Overrides {
    Overrides {
        format: read.format,
        delimiter: read.delimiter,
        quote: read.quote.map(|q| q.0),
        has_header: if read.header {
            Some(true)
        } else if read.no_header {
            Some(false)
        } else {
            None
        },
    }
}

fn prepare(read: &ReadArgs, label_args: &LabelArgs, s3: &S3Args) -> CliResult<Prepared> {
    let location = Location::parse(&read.location)?;
    let source = open_source(&location, s3)?;
    let mut inspection =
        inspect::inspect(source.as_ref(), &location, read.recursive, &overrides(read))?;
    let labels = apply_labels(&inspection, label_args)?;
    // A timestamp column or format the user chose needs its own interval detection.
    let suggested = inspection.suggested.clone();
    inspect::redetect_interval(source.as_ref(), &mut inspection, &suggested, &labels)?;
    Ok(Prepared {
        source,
        inspection,
        labels,
        from_config: None,
        format_given: label_args.timestamp_format.is_some(),
    })
}

/// A location read as a config says, with its labels (the label options change them).
fn prepare_from_config(
    file: &std::path::Path,
    read: &ReadArgs,
    label_args: &LabelArgs,
    s3: &S3Args,
) -> CliResult<Prepared> {
    if overrides(read) != Overrides::default() {
        return Err(Failure::Usage(
            "with --config the reading (--format, --delimiter, --quote, --header) is the config's FileFormatDescriptor".into(),
        ));
    }
    let cfg = read_config_file(file)?;
    let location = Location::parse(&read.location)?;
    let source = open_source(&location, s3)?;
    let recursive = read.recursive || cfg.continuous_only();
    let c = config::check::prepare(source.as_ref(), &location, recursive, &cfg)?;
    let mut inspection = c.inspection;
    let labels = apply_label_args(c.labels.clone(), &inspection.profiles, label_args)?;
    inspect::redetect_interval(source.as_ref(), &mut inspection, &c.labels, &labels)?;
    Ok(Prepared {
        source,
        inspection,
        labels,
        from_config: Some((c.options, c.findings)),
        format_given: true,
    })
}

fn apply_labels(inspection: &Inspection, args: &LabelArgs) -> CliResult<Labels> {
    apply_label_args(inspection.suggested.clone(), &inspection.profiles, args)
}

fn apply_label_args(
    mut labels: Labels,
    profiles: &[l4m::schema::ColumnProfile],
    args: &LabelArgs,
) -> CliResult<Labels> {
    for col in &args.ignore {
        labels.set(col, Role::Ignored, None)?;
    }
    for col in &args.dimension {
        labels.set(col, Role::Dimension, None)?;
    }
    for spec in &args.measure {
        let (col, agg) = match spec.rsplit_once(':') {
            Some((c, a)) => (
                c,
                Some(
                    a.parse::<Aggregation>()
                        .map_err(|e| Failure::Usage(format!("--measure {spec}: {e}")))?,
                ),
            ),
            None => (spec.as_str(), None),
        };
        labels.set(col, Role::Measure, agg)?;
    }
    if let Some(col) = &args.timestamp {
        labels.choose_timestamp(col, profiles)?;
    }
    if let Some(fmt) = &args.timestamp_format {
        labels.set_timestamp_format(fmt)?;
    }
    Ok(labels)
}

/// The scan settings, or a one-line error saying which label or option is missing.
fn scan_spec(
    p: &Prepared,
    frequency: Option<Frequency>,
    timezone: chrono_tz::Tz,
    concurrency: Option<u32>,
) -> Result<ScanSpec> {
    let mut spec = ScanSpec::from_labels(&p.inspection, &p.labels, frequency, timezone)?;
    if let Some(c) = concurrency {
        spec.concurrency = c as usize;
    }
    Ok(spec)
}

/// The scan of a command-line run, which Ctrl-C (or SIGTERM, SIGHUP) cancels.
static SCAN: OnceLock<Arc<ScanControl>> = OnceLock::new();
/// True while a scan runs: an interrupt then lets it stop cleanly instead of exiting at once.
static SCANNING: AtomicBool = AtomicBool::new(false);
/// Exit code after an interrupt (128 + SIGINT), as shells expect.
pub const EXIT_INTERRUPTED: u8 = 130;

/// Make Ctrl-C stop a running scan cleanly (nothing is written), or exit at once otherwise.
fn handle_interrupts() {
    let control = Arc::clone(SCAN.get_or_init(Arc::default));
    let _ = ctrlc::set_handler(move || {
        control.cancel();
        if !SCANNING.load(Ordering::SeqCst) {
            say!("l4m: interrupted");
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
    });
}

/// Scan; when the format was detected from the head and the whole data reads day and month the
/// other way round (a value only that reading accepts, none only the detected one), scan again
/// with that reading, take it as the label, and say so in the notes.
fn run_scan(p: &mut Prepared, spec: &ScanSpec) -> CliResult<Coverage> {
    let coverage = run_scan_once(p, spec)?;
    let Some(dm) = coverage
        .day_month
        .as_ref()
        .filter(|d| d.other_fits_better())
    else {
        return Ok(coverage);
    };
    if p.format_given {
        return Ok(coverage);
    }
    let other = l4m::schema::timefmt::TimeFormat::compile(&dm.other)
        .map_err(|e| Failure::Usage(e.to_string()))?;
    let note = format!(
        "timestamps read as {} (day and month the other way round from {}, which the head suggested): {} values parse only that way{}, none only as {}",
        dm.other,
        coverage.timestamp_format,
        dm.only_other,
        dm.example
            .as_ref()
            .map(|e| format!(
                " (first {}:{} {:?})",
                e.file,
                e.line,
                e.value.as_deref().unwrap_or("")
            ))
            .unwrap_or_default(),
        coverage.timestamp_format
    );
    let mut spec = spec.clone();
    spec.format = other.clone();
    let mut again = run_scan_once(p, &spec)?;
    p.labels.timestamp_format = Some(other);
    again.read.notes.insert(0, note);
    Ok(again)
}

fn run_scan_once(p: &Prepared, spec: &ScanSpec) -> CliResult<Coverage> {
    let control = Arc::clone(SCAN.get_or_init(Arc::default));
    SCANNING.store(true, Ordering::SeqCst);
    let coverage = coverage::scan(
        p.source.as_ref(),
        &p.inspection.dataset,
        &p.inspection.dialect(),
        spec,
        &control,
    );
    SCANNING.store(false, Ordering::SeqCst);
    if control.is_cancelled() {
        return Err(Failure::Interrupted);
    }
    Ok(coverage?)
}

/// Write to standard output. A reader that went away (`l4m ... | head`) is not an error.
fn emit(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Stdout(e)),
    }
}

/// Write a value as pretty JSON straight to standard output: a report of 200,000 intervals is
/// never held as one string (that alone would double the memory of a scan).
fn print_json(value: &impl serde::Serialize) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match written {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Stdout(e)),
    }
}

fn cmd_inspect(a: InspectArgs, s3: &S3Args) -> CliResult<u8> {
    let p = prepare(&a.read, &a.labels, s3)?;
    if a.json {
        let mut v = output::inspect_json(&p.inspection, &p.labels);
        if let Some(n) = p.source.bytes_read() {
            v["bytes_fetched"] = json!(n);
        }
        print_json(&v)?;
    } else {
        emit(&output::inspect_text(&p.inspection, &p.labels))?;
    }
    Ok(0)
}

fn cmd_coverage(a: CoverageArgs, s3: &S3Args) -> CliResult<u8> {
    a.athena.check().map_err(Failure::Usage)?;
    let mut p = prepare(&a.read, &a.labels, s3)?;
    let spec = scan_spec(
        &p,
        a.time.frequency,
        a.time.timezone.unwrap_or(chrono_tz::Tz::UTC),
        a.time.concurrency,
    )?;
    if a.athena.print_sql {
        return athena::print_sql(&p, &spec, &a.athena);
    }
    let cov = match a.athena.engine {
        athena::Engine::Athena => athena::run(&p, &spec, &a.athena, s3)?,
        athena::Engine::Local => run_scan(&mut p, &spec)?,
    };
    if a.json {
        print_json(&cov)?;
    } else {
        emit(&output::coverage_text(&p.inspection, &cov))?;
    }
    Ok(if a.require_threshold && !cov.history.meets_threshold {
        EXIT_CHECK_FAILED
    } else {
        0
    })
}

fn cmd_quality(a: CoverageArgs, s3: &S3Args) -> CliResult<u8> {
    a.athena.check().map_err(Failure::Usage)?;
    let mut p = prepare(&a.read, &a.labels, s3)?;
    let mut spec = scan_spec(
        &p,
        a.time.frequency,
        a.time.timezone.unwrap_or(chrono_tz::Tz::UTC),
        a.time.concurrency,
    )?;
    if a.athena.print_sql {
        return athena::print_sql(&p, &spec, &a.athena);
    }
    spec.series = true;
    let cov = match a.athena.engine {
        athena::Engine::Athena => athena::run(&p, &spec, &a.athena, s3)?,
        athena::Engine::Local => run_scan(&mut p, &spec)?,
    };
    if a.json {
        print_json(&output::quality_json(&cov))?;
    } else {
        emit(&output::quality_text(&p.inspection, &cov))?;
    }
    Ok(if a.require_threshold && !cov.history.meets_threshold {
        EXIT_CHECK_FAILED
    } else {
        0
    })
}

/// Scan a dataset for its metrics' values (narrowed by `--where`), keeping at most
/// [`coverage::MAX_METRICS`] metrics: the first by dimension values, or with `by_data` those
/// with the most intervals with data.
fn scan_values(a: &MetricArgs, s3: &S3Args, by_data: bool) -> CliResult<(Prepared, Coverage)> {
    let mut p = prepare(&a.read, &a.labels, s3)?;
    let dims = p.labels.dimensions();
    if let Some((d, _)) = a.where_.iter().find(|(d, _)| !dims.contains(&d.as_str())) {
        return Err(Failure::Usage(format!(
            "--where {d}=...: {d:?} is not a dimension (the dimensions: {}); label it with --dimension {d}",
            if dims.is_empty() {
                "none".to_string()
            } else {
                dims.join(", ")
            }
        )));
    }
    let mut spec = scan_spec(
        &p,
        a.time.frequency,
        a.time.timezone.unwrap_or(chrono_tz::Tz::UTC),
        a.time.concurrency,
    )?;
    spec.series = true;
    spec.values = Some(p.labels.measures().iter().map(|(_, agg)| *agg).collect());
    spec.values_by_data = by_data;
    if !a.where_.is_empty() {
        spec.narrow = Some(l4m::coverage::Narrow {
            dimensions: a.where_.clone(),
            measure: None,
        });
    }
    let cov = run_scan(&mut p, &spec)?;
    Ok((p, cov))
}

fn cmd_series(a: SeriesArgs, s3: &S3Args) -> CliResult<u8> {
    let (p, cov) = scan_values(&a.metrics, s3, false)?;
    if a.json {
        print_json(&output::series_json(&cov))?;
    } else {
        emit(&output::series_text(&p.inspection, &cov, &a.metrics.where_))?;
    }
    Ok(0)
}

/// The export options: the command line's, else the config's (with `--config`), else what the
/// location tells.
fn export_options(a: &ExportArgs, p: &Prepared) -> ExportOptions {
    let root = &p.inspection.dataset.root;
    let (historical, template) = config::export::location_paths(
        root,
        p.inspection.dataset.is_folder,
        p.inspection.template.as_ref(),
    );
    let base = p
        .from_config
        .as_ref()
        .map(|(o, _)| o.clone())
        .unwrap_or_default();
    let or = |flag: &Option<String>, from: &Option<String>| flag.clone().or_else(|| from.clone());
    ExportOptions {
        target: a.target.l4m().unwrap_or_default(),
        syntax: if a.yaml { Syntax::Yaml } else { Syntax::Json },
        name: or(&a.name, &base.name).or_else(|| config::export::name_from_location(root)),
        description: or(&a.description, &base.description),
        frequency: a
            .time
            .frequency
            .or(base.frequency)
            .or(p.inspection.frequency.value),
        offset: a.offset.or(base.offset),
        timezone: a.time.timezone.unwrap_or(base.timezone),
        role_arn: or(&a.role_arn, &base.role_arn),
        detector_arn: or(&a.detector_arn, &base.detector_arn),
        historical_path: or(&a.historical_path, &base.historical_path).or(historical),
        template_path: or(&a.template_path, &base.template_path).or(template),
    }
}

/// The command line that cannot make sense for the target, before any reading.
fn export_usage(a: &ExportArgs) -> CliResult<()> {
    let usage = |m: String| Err(Failure::Usage(m));
    if a.yaml && !a.target.allows_yaml() {
        return usage(format!(
            "--yaml is for {}: the {} is JSON",
            targets_where(ExportTarget::allows_yaml),
            a.target.label()
        ));
    }
    if a.no_scan && a.target.needs_scan() {
        return usage(format!(
            "--target {} needs the scan: its detectors are named by the dimension values in the data",
            a.target.name()
        ));
    }
    if a.mapping.is_some() && !writes_mapping(a.target) {
        return usage(format!(
            "--mapping is for {}",
            targets_where(writes_mapping)
        ));
    }
    Ok(())
}

/// Whether the target writes an index mapping beside its main file.
fn writes_mapping(t: ExportTarget) -> bool {
    t.spec().files.iter().any(|f| f.role == FileRole::Mapping)
}

/// Where the OpenSearch mapping goes: `--mapping`, else beside the output as `NAME.mapping.json`.
fn mapping_path(a: &ExportArgs) -> Option<PathBuf> {
    if !writes_mapping(a.target) {
        return None;
    }
    if let Some(m) = &a.mapping {
        return Some(m.clone());
    }
    if a.output.as_os_str() == "-" {
        return None;
    }
    let stem = a.output.file_stem()?.to_string_lossy().into_owned();
    Some(a.output.with_file_name(format!("{stem}.mapping.json")))
}

fn cmd_export(a: ExportArgs, s3: &S3Args) -> CliResult<u8> {
    export_usage(&a)?;
    let mut p = match &a.config {
        Some(file) => prepare_from_config(file, &a.read, &a.labels, s3)?,
        None => prepare(&a.read, &a.labels, s3)?,
    };
    let options = export_options(&a, &p);
    // CloudWatch makes a detector per metric: its dimension values come from the scan.
    let coverage = if a.no_scan && !a.target.needs_scan() {
        None
    } else {
        let mut spec = scan_spec(&p, options.frequency, options.timezone, a.time.concurrency)?;
        // Per-metric history is judged too (the sparse-metrics finding).
        spec.series = true;
        Some(run_scan(&mut p, &spec)?)
    };
    let dialect = p.inspection.dialect();
    let combinations = if a.target.needs_scan() {
        coverage.as_ref().map(config::cloudwatch::combinations)
    } else {
        None
    };
    let mut built = config::build_target(
        a.target,
        &config::TargetInput {
            labels: &p.labels,
            profiles: &p.inspection.profiles,
            dialect: &dialect,
            coverage: coverage.as_ref(),
            options: &options,
            target_options: &TargetOptions {
                index: a.index.clone(),
                namespace: a.namespace.clone(),
                now: chrono::Utc::now(),
            },
            combinations: combinations.as_ref(),
        },
    );
    if let Some((_, disagreements)) = &p.from_config {
        built.findings.splice(0..0, disagreements.iter().cloned());
        built.findings.sort_by_key(|f| f.severity);
    }
    write_export(&a, &options, &built)
}

/// Write the files of a built export (all or none), and say what was written.
fn write_export(a: &ExportArgs, options: &ExportOptions, built: &config::Built) -> CliResult<u8> {
    let errors = built.errors();
    let to_stdout = a.output.as_os_str() == "-";
    let write = errors == 0 || a.draft;
    let mapping = mapping_path(a).zip(built.files.get(1));
    let mut targets: Vec<(&std::path::Path, &str)> = Vec::new();
    if !to_stdout {
        targets.push((&a.output, built.preview()));
    }
    if let Some((path, file)) = &mapping {
        targets.push((path, &file.text));
    }
    if write {
        // Refuse before writing anything, so that a pair is never half replaced.
        if !a.force
            && let Some((path, _)) = targets.iter().find(|(p, _)| p.exists())
        {
            return Err(Error::OutputExists {
                path: path.to_path_buf(),
            }
            .into());
        }
        for (path, text) in &targets {
            config::write_atomic(path, text.as_bytes(), a.force)?;
        }
    }
    let written: Vec<String> = if write {
        targets
            .iter()
            .map(|(p, _)| p.display().to_string())
            .collect()
    } else {
        Vec::new()
    };
    if a.json {
        let mut v = json!({
            "target": built.target,
            "findings": output::findings_json(&built.findings),
            "errors": errors,
            "written": (write && !to_stdout).then(|| a.output.display().to_string()),
            "files_written": written,
            "config": built.files.first().map(|f| &f.value),
        });
        if let Some(m) = built.files.get(1) {
            v["mapping"] = m.value.clone();
        }
        print_json(&v)?;
    } else {
        if write && to_stdout {
            emit(built.preview())?;
        }
        let text = match built.target.l4m() {
            Some(_) => output::export_text(
                &built.findings,
                options,
                a.name.is_none() && a.config.is_none(),
                write,
                to_stdout,
                &a.output,
                built.preview().len(),
            ),
            None => output::successor_text(
                built,
                options,
                a.name.is_none() && a.config.is_none(),
                write,
                &targets,
            ),
        };
        let _ = std::io::Write::write_all(&mut std::io::stderr(), text.as_bytes());
    }
    Ok(if errors > 0 { EXIT_CHECK_FAILED } else { 0 })
}

/// Read a config file; errors name the file.
fn read_config_file(path: &std::path::Path) -> Result<config::ConfigSource> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::io(Location::Local(path.to_path_buf()), e))?;
    config::read_config(&text).map_err(|problem| Error::Config {
        file: path.display().to_string(),
        problem,
    })
}

/// Where `check` reads the data: the location given, else the config's S3 path.
fn check_location(a: &CheckArgs, config: &config::ConfigSource) -> CliResult<(Location, bool)> {
    let (text, recursive) = location_or_config(&a.location, config, &a.config, "check it against")?;
    Ok((Location::parse(&text)?, recursive || a.recursive))
}

fn cmd_check(a: CheckArgs, s3: &S3Args) -> CliResult<u8> {
    let cfg = read_config_file(&a.config)?;
    let (location, recursive) = check_location(&a, &cfg)?;
    let source = open_source(&location, s3)?;
    let prepared = config::check::prepare(source.as_ref(), &location, recursive, &cfg)?;
    let coverage = match ScanSpec::from_labels(
        &prepared.inspection,
        &prepared.labels,
        prepared.options.frequency,
        prepared.options.timezone,
    ) {
        // Without a timestamp, a format or an interval there is nothing to count: the findings
        // already say which is missing.
        Err(_) => None,
        Ok(mut spec) => {
            if let Some(c) = a.concurrency {
                spec.concurrency = c as usize;
            }
            let control = Arc::new(ScanControl::default());
            Some(coverage::scan(
                source.as_ref(),
                &prepared.inspection.dataset,
                &prepared.inspection.dialect(),
                &spec,
                &control,
            )?)
        }
    };
    let findings = config::check::finish(&cfg, &prepared, coverage.as_ref());
    let errors = config::check::errors(&findings);
    if a.json {
        print_json(&output::check_json(
            &a.config,
            &cfg,
            &prepared,
            coverage.as_ref(),
            &findings,
        ))?;
    } else {
        emit(&output::check_text(
            &a.config,
            &cfg,
            &prepared,
            coverage.as_ref(),
            &findings,
        ))?;
    }
    Ok(if errors > 0 { EXIT_CHECK_FAILED } else { 0 })
}
