//! Synthetic e-commerce datasets whose truth is known: tests, benchmarks and the bundled sample need
//! realistic data (daily seasonality plus noise, deterministic for a seed, integer arithmetic so the
//! bytes are the same on every platform) whose coverage is known in advance, so a scan can be checked
//! figure by figure. A [`Spec`] describes the dataset, [`Spec::truth`] says what a correct coverage
//! scan must report, and [`write()`] and its siblings produce the bytes.

use std::fs;
use std::io::{self, Write};
use std::ops::Range;
use std::path::Path;

use chrono::{DateTime, Datelike, NaiveDateTime, Offset, TimeDelta, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use flate2::Compression;
use flate2::write::GzEncoder;

use l4m::schema::Frequency;

/// The platforms, in the order rows are written.
pub const PLATFORMS: [&str; 3] = ["pc_web", "mobile_web", "mobile_app"];
/// The marketplaces, in the order rows are written within a platform.
pub const MARKETPLACES: [&str; 7] = ["us", "uk", "de", "fr", "es", "it", "jp"];
/// Most rows an interval can have: one per platform × marketplace combination.
pub const MAX_ROWS_PER_INTERVAL: usize = PLATFORMS.len() * MARKETPLACES.len();

/// Everything that determines a synthetic dataset.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Wall-clock start of the first interval, in `timezone`.
    pub start: NaiveDateTime,
    pub frequency: Frequency,
    /// Number of interval slots from `start`, gaps included.
    pub intervals: usize,
    /// Slot index ranges with no records at all.
    pub gaps: Vec<Range<usize>>,
    /// How many platform × marketplace combinations each interval has (1..=21, in platform-major order).
    pub rows_per_interval: usize,
    /// Where inside the interval each record's timestamp falls (0 = on the boundary); must be in
    /// `0..frequency.seconds()`.
    pub offset_seconds: i64,
    /// The wall clock the timestamps are written in. A slot whose start or record time is ambiguous
    /// or does not exist in this zone (DST changes) has no records: it is a gap like any other.
    pub timezone: Tz,
    /// Add a `session_id` column: a distinct random hex id per row (an identifier to ignore).
    pub session_id: bool,
    pub seed: u64,
    pub layout: Layout,
}

/// How records are laid out in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    Csv {
        delimiter: u8,
        quote: Quote,
        header: bool,
        crlf: bool,
        bom: bool,
        timestamp: TsStyle,
    },
    /// One JSON object per line (LF); timestamps are strings, or numbers for the UNIX styles.
    JsonLines { timestamp: TsStyle },
}

/// CSV quoting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    /// No field is quoted.
    None,
    /// Text fields (names, dimensions, text timestamps, session ids) are quoted with `"`.
    Double,
    /// Text fields are quoted with `'`.
    Single,
    /// Every field, numbers included, is quoted with the given byte.
    Always(u8),
}

/// How a timestamp is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TsStyle {
    /// chrono strftime of the wall-clock time, plus the L4M (Java) pattern it corresponds to.
    Pattern {
        strftime: &'static str,
        java: &'static str,
    },
    /// ISO 8601 instant with an offset, e.g. `2020-10-01T00:00:00+02:00` (java
    /// `yyyy-MM-dd'T'HH:mm:ssXXX`); a zero offset is written `Z`, as Java's `XXX` does.
    IsoOffset,
    /// Epoch seconds (java `UNIX`).
    UnixSeconds,
    /// Epoch milliseconds (java `UNIX`).
    UnixMillis,
}

impl TsStyle {
    /// `yyyy-MM-dd HH:mm:ss`, the AWS sample's format.
    pub const DEFAULT: TsStyle = TsStyle::Pattern {
        strftime: "%Y-%m-%d %H:%M:%S",
        java: "yyyy-MM-dd HH:mm:ss",
    };

    /// The L4M timestamp format that reads this style.
    pub fn java(&self) -> &'static str {
        match self {
            TsStyle::Pattern { java, .. } => java,
            TsStyle::IsoOffset => "yyyy-MM-dd'T'HH:mm:ssXXX",
            TsStyle::UnixSeconds | TsStyle::UnixMillis => "UNIX",
        }
    }

    /// Whether the written value is text (quoted in CSV, a string in JSON) rather than a number.
    fn is_text(&self) -> bool {
        matches!(self, TsStyle::Pattern { .. } | TsStyle::IsoOffset)
    }
}

impl Layout {
    /// The default CSV layout: comma, no quoting, header, LF, no BOM, `yyyy-MM-dd HH:mm:ss`.
    pub fn csv() -> Layout {
        Layout::Csv {
            delimiter: b',',
            quote: Quote::None,
            header: true,
            crlf: false,
            bom: false,
            timestamp: TsStyle::DEFAULT,
        }
    }

    /// File extension without the dot: `csv` or `jsonl`.
    pub fn extension(&self) -> &'static str {
        match self {
            Layout::Csv { .. } => "csv",
            Layout::JsonLines { .. } => "jsonl",
        }
    }

    /// The timestamp style.
    pub fn timestamp(&self) -> TsStyle {
        match self {
            Layout::Csv { timestamp, .. } | Layout::JsonLines { timestamp } => *timestamp,
        }
    }
}

/// What a correct coverage scan of the written data must report (frequency = `spec.frequency`,
/// timezone = `spec.timezone`, interval boundaries on the wall clock of that zone).
#[derive(Debug, Clone, PartialEq)]
pub struct Truth {
    pub records: u64,
    /// From the first interval with data to the last, inclusive.
    pub intervals_spanned: u64,
    pub intervals_with_data: u64,
    pub intervals_missing: u64,
    /// Start instant of the first interval with data (the UNIX epoch when there is no data).
    pub first_interval: DateTime<Utc>,
    /// Start instant of the last interval with data (the UNIX epoch when there is no data).
    pub last_interval: DateTime<Utc>,
    /// Longest run of missing intervals between intervals with data.
    pub longest_gap: u64,
    pub max_records_per_interval: u64,
    pub distinct_dimension_combinations: u64,
}

impl Truth {
    /// The truth as a JSON object (instants in RFC 3339, UTC).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "records": self.records,
            "intervals_spanned": self.intervals_spanned,
            "intervals_with_data": self.intervals_with_data,
            "intervals_missing": self.intervals_missing,
            "first_interval": self.first_interval.to_rfc3339(),
            "last_interval": self.last_interval.to_rfc3339(),
            "longest_gap": self.longest_gap,
            "max_records_per_interval": self.max_records_per_interval,
            "distinct_dimension_combinations": self.distinct_dimension_combinations,
        })
    }
}

impl Spec {
    /// 2020-10-01 00:00 UTC, PT1H, 21 rows an interval, no gaps, CSV with comma, no quoting, header,
    /// LF, no BOM, `yyyy-MM-dd HH:mm:ss`, no session id.
    pub fn ecommerce_hourly(intervals: usize, seed: u64) -> Spec {
        Spec {
            start: chrono::NaiveDate::from_ymd_opt(2020, 10, 1)
                .expect("valid date")
                .and_hms_opt(0, 0, 0)
                .expect("valid time"),
            frequency: Frequency::PT1H,
            intervals,
            gaps: Vec::new(),
            rows_per_interval: MAX_ROWS_PER_INTERVAL,
            offset_seconds: 0,
            timezone: Tz::UTC,
            session_id: false,
            seed,
            layout: Layout::csv(),
        }
    }

    /// Checks the spec can be written faithfully; says what is wrong otherwise.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_ROWS_PER_INTERVAL).contains(&self.rows_per_interval) {
            return Err(format!(
                "rows_per_interval is {}: use 1..={MAX_ROWS_PER_INTERVAL}",
                self.rows_per_interval
            ));
        }
        if !(0..self.frequency.seconds()).contains(&self.offset_seconds) {
            return Err(format!(
                "offset_seconds is {}: use 0..{} for {}",
                self.offset_seconds,
                self.frequency.seconds(),
                self.frequency
            ));
        }
        let ts = self.layout.timestamp();
        if let TsStyle::Pattern { strftime, .. } = ts
            && chrono::format::StrftimeItems::new(strftime)
                .any(|item| matches!(item, chrono::format::Item::Error))
        {
            return Err(format!(
                "timestamp pattern {strftime:?} is not a valid strftime"
            ));
        }
        if let Layout::Csv {
            delimiter, quote, ..
        } = &self.layout
        {
            let d = *delimiter;
            if d.is_ascii_alphanumeric() || matches!(d, b'.' | b'-' | b'_' | b'\r' | b'\n') {
                return Err(format!(
                    "delimiter {:?} can occur in values: use , ; tab or |",
                    d as char
                ));
            }
            let quote_char = match quote {
                Quote::None => None,
                Quote::Double => Some(b'"'),
                Quote::Single => Some(b'\''),
                Quote::Always(q) => Some(*q),
            };
            if quote_char == Some(d) {
                return Err("the delimiter and the quote character are the same".into());
            }
            if let Some(q) = quote_char
                && (q.is_ascii_alphanumeric() || matches!(q, b'.' | b'-' | b'_' | b'\r' | b'\n'))
            {
                return Err(format!(
                    "quote character {:?} can occur in values",
                    q as char
                ));
            }
            let ts_quoted = match quote {
                Quote::None => false,
                Quote::Double | Quote::Single => ts.is_text(),
                Quote::Always(_) => true,
            };
            if !ts_quoted {
                let sample = Tz::UTC
                    .with_ymd_and_hms(2020, 12, 31, 23, 59, 59)
                    .single()
                    .expect("valid instant");
                let text = format_timestamp(ts, &sample);
                if text.as_bytes().contains(&d) {
                    return Err(format!(
                        "delimiter {:?} occurs in the unquoted timestamp {text:?}: quote it or pick another",
                        d as char
                    ));
                }
            }
        }
        Ok(())
    }

    /// What a correct coverage scan of the written data must report.
    ///
    /// # Panics
    /// When the spec does not [`validate`](Spec::validate).
    pub fn truth(&self) -> Truth {
        if let Err(e) = self.validate() {
            panic!("invalid synth spec: {e}");
        }
        let mut tally = Tally::default();
        for i in 0..self.intervals {
            if let Some(slot) = self.slot(i) {
                tally.add(&slot, self.rows_per_interval as u64);
            }
        }
        tally.truth(self.rows_per_interval as u64)
    }

    /// The slot `i` if it has records: not in a gap and with a start and record time that exist
    /// exactly once on the zone's wall clock.
    fn slot(&self, i: usize) -> Option<Slot> {
        if self.gaps.iter().any(|g| g.contains(&i)) {
            return None;
        }
        let secs = (i as i64).checked_mul(self.frequency.seconds())?;
        let wall = self
            .start
            .checked_add_signed(TimeDelta::try_seconds(secs)?)?;
        let start = self.timezone.from_local_datetime(&wall).single()?;
        let record_wall = wall.checked_add_signed(TimeDelta::try_seconds(self.offset_seconds)?)?;
        let record = self.timezone.from_local_datetime(&record_wall).single()?;
        Some(Slot {
            index: i,
            wall,
            start: start.with_timezone(&Utc),
            record,
        })
    }
}

/// One interval slot with records.
struct Slot {
    index: usize,
    /// Wall-clock start.
    wall: NaiveDateTime,
    /// Start instant.
    start: DateTime<Utc>,
    /// The records' timestamp.
    record: DateTime<Tz>,
}

/// Builds a [`Truth`] from the slots with data, seen in order.
#[derive(Default)]
struct Tally {
    records: u64,
    with_data: u64,
    first: Option<(usize, DateTime<Utc>)>,
    last: Option<(usize, DateTime<Utc>)>,
    longest_gap: u64,
    max_records: u64,
}

impl Tally {
    fn add(&mut self, slot: &Slot, records: u64) {
        if records == 0 {
            return;
        }
        if let Some((prev, _)) = self.last {
            self.longest_gap = self.longest_gap.max((slot.index - prev - 1) as u64);
        } else {
            self.first = Some((slot.index, slot.start));
        }
        self.last = Some((slot.index, slot.start));
        self.records += records;
        self.with_data += 1;
        self.max_records = self.max_records.max(records);
    }

    fn truth(&self, combinations: u64) -> Truth {
        match (self.first, self.last) {
            (Some((fi, ft)), Some((li, lt))) => {
                let spanned = (li - fi + 1) as u64;
                Truth {
                    records: self.records,
                    intervals_spanned: spanned,
                    intervals_with_data: self.with_data,
                    intervals_missing: spanned - self.with_data,
                    first_interval: ft,
                    last_interval: lt,
                    longest_gap: self.longest_gap,
                    max_records_per_interval: self.max_records,
                    distinct_dimension_combinations: combinations,
                }
            }
            _ => Truth {
                records: 0,
                intervals_spanned: 0,
                intervals_with_data: 0,
                intervals_missing: 0,
                first_interval: DateTime::<Utc>::UNIX_EPOCH,
                last_interval: DateTime::<Utc>::UNIX_EPOCH,
                longest_gap: 0,
                max_records_per_interval: 0,
                distinct_dimension_combinations: 0,
            },
        }
    }
}

fn invalid(e: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, e)
}

/// Write the dataset as one stream; returns the truth (equal to `spec.truth()`).
pub fn write(spec: &Spec, out: &mut impl Write) -> io::Result<Truth> {
    write_at_least(spec, out, 0).map(|(truth, _)| truth)
}

/// Write the dataset gzip-compressed (deterministic: the gzip header carries no time).
pub fn write_gzip(spec: &Spec, out: &mut impl Write) -> io::Result<Truth> {
    let mut gz = GzEncoder::new(out, Compression::default());
    let truth = write(spec, &mut gz)?;
    gz.finish()?;
    Ok(truth)
}

/// Write the spec's slots, then keep going past `spec.intervals` (gaps still apply) until at least
/// `min_bytes` bytes have been written, finishing the interval in hand. Returns the truth and the
/// number of slots written; the truth equals that of the spec with `intervals` set to that number.
pub fn write_at_least(
    spec: &Spec,
    out: &mut impl Write,
    min_bytes: u64,
) -> io::Result<(Truth, usize)> {
    spec.validate().map_err(invalid)?;
    let mut buf = Vec::with_capacity(64 * 1024);
    render_start(spec, &mut buf);
    let mut written = 0u64;
    let mut tally = Tally::default();
    let mut i = 0usize;
    while i < spec.intervals || written + (buf.len() as u64) < min_bytes {
        if let Some(slot) = spec.slot(i) {
            tally.add(&slot, render_slot(spec, &slot, &mut buf)?);
        } else if i >= spec.intervals {
            if spec.slot_wall(i).is_none() {
                break; // past the end of time
            }
            // Skip a gap that runs past the spec's slots in one step (it may be unbounded).
            if let Some(end) = spec
                .gaps
                .iter()
                .filter(|g| g.contains(&i))
                .map(|g| g.end)
                .max()
            {
                if end == usize::MAX {
                    break;
                }
                i = end;
                continue;
            }
        }
        i += 1;
        if buf.len() >= 48 * 1024 {
            out.write_all(&buf)?;
            written += buf.len() as u64;
            buf.clear();
        }
    }
    out.write_all(&buf)?;
    Ok((tally.truth(spec.rows_per_interval as u64), i))
}

impl Spec {
    fn slot_wall(&self, i: usize) -> Option<NaiveDateTime> {
        let secs = (i as i64).checked_mul(self.frequency.seconds())?;
        self.start.checked_add_signed(TimeDelta::try_seconds(secs)?)
    }
}

/// Write one file per wall-clock calendar day with data, `dir/{yyyy-MM-dd}.csv` (or `.jsonl`), each
/// with its own BOM and header as the layout asks. Creates `dir`; returns the truth of the whole.
pub fn write_daily_files(spec: &Spec, dir: &Path) -> io::Result<Truth> {
    write_grouped(spec, dir, |slot, ext| {
        format!("{}.{ext}", slot.wall.format("%Y-%m-%d"))
    })
}

/// Write the continuous layout `root/{yyyyMMdd}/{HHmm}/{yyyyMMdd_HHmmss}.csv` (or `.jsonl`), one file
/// per interval with data, named after the interval's wall-clock start in `spec.timezone` (like the
/// AWS sample). Returns the truth of the whole.
pub fn write_continuous(spec: &Spec, root: &Path) -> io::Result<Truth> {
    write_grouped(spec, root, |slot, ext| {
        format!(
            "{}/{}/{}.{ext}",
            slot.wall.format("%Y%m%d"),
            slot.wall.format("%H%M"),
            slot.wall.format("%Y%m%d_%H%M%S")
        )
    })
}

/// Writes slots into files named by `name` (consecutive slots with the same name share a file).
fn write_grouped(
    spec: &Spec,
    root: &Path,
    name: impl Fn(&Slot, &str) -> String,
) -> io::Result<Truth> {
    spec.validate().map_err(invalid)?;
    fs::create_dir_all(root)?;
    let ext = spec.layout.extension();
    let mut tally = Tally::default();
    let mut current: Option<(String, Vec<u8>)> = None;
    let flush = |file: Option<(String, Vec<u8>)>| -> io::Result<()> {
        if let Some((rel, bytes)) = file {
            let path = root.join(rel);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(path, bytes)?;
        }
        Ok(())
    };
    for i in 0..spec.intervals {
        let Some(slot) = spec.slot(i) else { continue };
        let rel = name(&slot, ext);
        if current.as_ref().is_none_or(|(r, _)| *r != rel) {
            flush(current.take())?;
            let mut buf = Vec::new();
            render_start(spec, &mut buf);
            current = Some((rel, buf));
        }
        let (_, buf) = current.as_mut().expect("a file is open");
        tally.add(&slot, render_slot(spec, &slot, buf)?);
    }
    flush(current.take())?;
    Ok(tally.truth(spec.rows_per_interval as u64))
}

// ---------------------------------------------------------------------------------------------
// Rendering

/// The column names, in order.
fn columns(spec: &Spec) -> &'static [&'static str] {
    if spec.session_id {
        &[
            "platform",
            "marketplace",
            "timestamp",
            "views",
            "revenue",
            "session_id",
        ]
    } else {
        &["platform", "marketplace", "timestamp", "views", "revenue"]
    }
}

/// BOM and header, if the layout has them.
fn render_start(spec: &Spec, buf: &mut Vec<u8>) {
    if let Layout::Csv {
        delimiter,
        quote,
        header,
        crlf,
        bom,
        ..
    } = &spec.layout
    {
        if *bom {
            buf.extend_from_slice("\u{feff}".as_bytes());
        }
        if *header {
            for (k, name) in columns(spec).iter().enumerate() {
                if k > 0 {
                    buf.push(*delimiter);
                }
                csv_field(buf, *quote, true, name);
            }
            end_line(buf, *crlf);
        }
    }
}

fn end_line(buf: &mut Vec<u8>, crlf: bool) {
    if crlf {
        buf.push(b'\r');
    }
    buf.push(b'\n');
}

fn csv_field(buf: &mut Vec<u8>, quote: Quote, text: bool, value: &str) {
    let q = match quote {
        Quote::None => None,
        Quote::Double if text => Some(b'"'),
        Quote::Single if text => Some(b'\''),
        Quote::Double | Quote::Single => None,
        Quote::Always(q) => Some(q),
    };
    match q {
        Some(q) => {
            buf.push(q);
            buf.extend_from_slice(value.as_bytes());
            buf.push(q);
        }
        None => buf.extend_from_slice(value.as_bytes()),
    }
}

fn format_timestamp(style: TsStyle, t: &DateTime<Tz>) -> String {
    match style {
        TsStyle::Pattern { strftime, .. } => t.format(strftime).to_string(),
        TsStyle::IsoOffset => {
            if t.offset().fix().local_minus_utc() == 0 {
                t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
            } else {
                t.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
            }
        }
        TsStyle::UnixSeconds => t.timestamp().to_string(),
        TsStyle::UnixMillis => t.timestamp_millis().to_string(),
    }
}

/// Appends the slot's rows; returns how many.
fn render_slot(spec: &Spec, slot: &Slot, buf: &mut Vec<u8>) -> io::Result<u64> {
    let style = spec.layout.timestamp();
    let ts = format_timestamp(style, &slot.record);
    for combo in 0..spec.rows_per_interval {
        let row = values(spec, slot, combo);
        let platform = PLATFORMS[combo / MARKETPLACES.len()];
        let marketplace = MARKETPLACES[combo % MARKETPLACES.len()];
        let views = row.views.to_string();
        let revenue = format!("{}.{:02}", row.revenue_cents / 100, row.revenue_cents % 100);
        let session = format!("{:016x}", row.session);
        match &spec.layout {
            Layout::Csv {
                delimiter,
                quote,
                crlf,
                ..
            } => {
                let d = *delimiter;
                csv_field(buf, *quote, true, platform);
                buf.push(d);
                csv_field(buf, *quote, true, marketplace);
                buf.push(d);
                csv_field(buf, *quote, style.is_text(), &ts);
                buf.push(d);
                csv_field(buf, *quote, false, &views);
                buf.push(d);
                csv_field(buf, *quote, false, &revenue);
                if spec.session_id {
                    buf.push(d);
                    csv_field(buf, *quote, true, &session);
                }
                end_line(buf, *crlf);
            }
            Layout::JsonLines { .. } => {
                let ts_json = if style.is_text() {
                    serde_json::to_string(&ts).map_err(io::Error::other)?
                } else {
                    ts.clone()
                };
                write!(
                    buf,
                    "{{\"platform\":\"{platform}\",\"marketplace\":\"{marketplace}\",\"timestamp\":{ts_json},\"views\":{views},\"revenue\":{revenue}"
                )?;
                if spec.session_id {
                    write!(buf, ",\"session_id\":\"{session}\"")?;
                }
                buf.extend_from_slice(b"}\n");
            }
        }
    }
    Ok(spec.rows_per_interval as u64)
}

// ---------------------------------------------------------------------------------------------
// Values

/// The splitmix64 finalizer: a bijection on u64 that mixes well.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// splitmix64, a small seeded PRNG.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.0)
    }

    /// Uniform in `lo..=hi` (the modulo bias is negligible for these small ranges).
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

/// Share of the mean hourly traffic at each wall-clock hour, per mille.
const HOURLY_PER_MILLE: [u64; 24] = [
    450, 330, 260, 230, 250, 350, 550, 800, 1000, 1100, 1150, 1200, 1300, 1250, 1150, 1100, 1150,
    1250, 1400, 1550, 1600, 1450, 1100, 750,
];
/// Monday to Sunday, per mille.
const WEEKDAY_PER_MILLE: [u64; 7] = [980, 970, 990, 1000, 1040, 1090, 1060];
/// Mean views an hour, per marketplace.
const MARKETPLACE_VIEWS: [u64; 7] = [520, 260, 240, 180, 120, 110, 300];
/// Marketplace price factor, per mille.
const MARKETPLACE_PRICE: [u64; 7] = [1000, 1050, 1000, 950, 850, 900, 1100];
/// Platform traffic factor, per mille.
const PLATFORM_VIEWS: [u64; 3] = [1000, 750, 1150];
/// Revenue a view, in tenths of a cent.
const PLATFORM_PRICE: [u64; 3] = [300, 220, 360];

struct Row {
    views: u64,
    revenue_cents: u64,
    session: u64,
}

/// The values of combination `combo` in `slot`: a function of seed, slot index and combination only,
/// so any sub-range of slots is written the same as in the whole.
fn values(spec: &Spec, slot: &Slot, combo: usize) -> Row {
    let key = (slot.index as u64)
        .wrapping_mul(MAX_ROWS_PER_INTERVAL as u64)
        .wrapping_add(combo as u64);
    let seed_key = mix64(spec.seed ^ 0x005e_ed0f_17e5);
    let mut rng = SplitMix64(mix64(key ^ seed_key.rotate_left(17)) ^ spec.seed);
    let p = combo / MARKETPLACES.len();
    let m = combo % MARKETPLACES.len();

    let season = if spec.frequency == Frequency::P1D {
        1000
    } else {
        let h = slot.wall.hour() as usize;
        let minute = u64::from(slot.wall.minute());
        let (a, b) = (HOURLY_PER_MILLE[h], HOURLY_PER_MILLE[(h + 1) % 24]);
        (a * (60 - minute) + b * minute) / 60
    };
    let weekday = WEEKDAY_PER_MILLE[slot.wall.weekday().num_days_from_monday() as usize];
    let noise = rng.between(850, 1150);
    let num = u128::from(MARKETPLACE_VIEWS[m])
        * u128::from(PLATFORM_VIEWS[p])
        * u128::from(season)
        * u128::from(weekday)
        * u128::from(noise)
        * spec.frequency.seconds() as u128;
    let den = 1_000_000_000_000u128 * 3600;
    let views = ((num + den / 2) / den) as u64;

    let price_noise = rng.between(900, 1100);
    let num = u128::from(views)
        * u128::from(PLATFORM_PRICE[p])
        * u128::from(MARKETPLACE_PRICE[m])
        * u128::from(price_noise);
    let den = 10u128 * 1000 * 1000;
    let revenue_cents = ((num + den / 2) / den) as u64;

    // A bijection of the row key for a given seed, so ids are distinct across rows.
    let session = mix64(key.wrapping_add(seed_key));
    Row {
        views,
        revenue_cents,
        session,
    }
}
