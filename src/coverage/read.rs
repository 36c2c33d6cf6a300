//! Reading the files of a scan: which pieces each worker reads, and the loop that turns a byte
//! stream into records for a [`Tally`].
//!
//! A large plain file on a source that seeks is split into byte ranges, one per worker. A range's
//! worker starts at the first line after its nominal start and stops at the first record that
//! starts at or after its nominal end. Each worker also notes where that record starts; when it is
//! not where the next worker started (a quoted line break fooled the split), the file is read
//! again by one thread, so results never depend on the number of threads. Gzip files are
//! decompressed on a thread of their own while the worker splits records.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use memchr::memchr;

use super::problem::{FileProblem, ReadPlace};
use super::tally::{Layout, Tally};
use super::{ScanControl, ScanSpec};
use crate::format::split::{Batch, BatchRecord, CsvSplitter, JsonKeys, Split};
use crate::format::{Dialect, FileFormat, decode};
use crate::source::{Entry, Source};

/// Bytes read from a stream at a time.
const BLOCK: usize = 1 << 20;
/// How many pieces a file is split into for each worker, at most.
const PIECES_PER_WORKER: usize = 8;
/// Records split at a time by the hot path.
const BATCH_RECORDS: usize = 1024;
/// The longest record a scan reads; a longer one is skipped (and named) without being buffered.
pub const MAX_RECORD_BYTES: usize = 8 << 20;

/// One piece of work: a whole file, or a byte range of a large one.
#[derive(Debug, Clone)]
pub(super) struct Task {
    pub file: usize,
    pub chunk: usize,
    pub chunks: usize,
    /// Nominal byte range of the piece (the whole file: `0..None`).
    pub start: u64,
    pub end: Option<u64>,
    /// The file's columns as its header orders them (split files only).
    pub columns: Option<Columns>,
}

/// Which fields of a file's records are read, and how many fields a record has.
#[derive(Debug, Clone)]
pub(super) struct Columns {
    pub projection: Vec<usize>,
    pub width: usize,
}

/// What a worker hands back for its piece.
pub(super) struct Piece {
    pub task: Task,
    pub tally: Tally,
    /// Where the worker really started (after syncing to a line), and where the first record at
    /// or after its nominal end starts (the end of the data when there is none).
    pub synced: u64,
    pub stopped: u64,
    /// Line breaks read from `synced` to `stopped`.
    pub newlines: u64,
}

/// Split the dataset's files into tasks for `workers` threads.
pub(super) fn plan(
    source: &dyn Source,
    files: &[Entry],
    dialect: &Dialect,
    columns: &Columns,
    workers: usize,
    piece_bytes: u64,
) -> (Vec<Task>, Vec<String>) {
    let mut tasks = Vec::new();
    let mut notes = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let size = file.size.unwrap_or(0);
        // Whether a file could be split does not depend on the number of threads, so that the
        // notes (and every figure) are the same for any number.
        let splittable = size / piece_bytes.max(1) > 1 && source.seeks();
        // Several pieces a worker, so that a worker that finishes early (its core was busier)
        // takes another; one worker reads a file whole.
        let most = if workers > 1 {
            workers * PIECES_PER_WORKER
        } else {
            1
        };
        let pieces = (size / piece_bytes.max(1)).min(most as u64) as usize;
        let split = if splittable {
            match split_plan(source, file, dialect, columns) {
                Ok(p) => p,
                Err(why) => {
                    notes.push(format!("{} read by one thread: {why}", file.name));
                    None
                }
            }
        } else {
            None
        };
        match split.filter(|_| pieces > 1) {
            Some(file_columns) => {
                let step = size / pieces as u64;
                for c in 0..pieces {
                    tasks.push(Task {
                        file: i,
                        chunk: c,
                        chunks: pieces,
                        start: c as u64 * step,
                        end: (c + 1 < pieces).then(|| (c as u64 + 1) * step),
                        columns: Some(file_columns.clone()),
                    });
                }
            }
            None => tasks.push(Task::whole(i)),
        }
    }
    (tasks, notes)
}

impl Task {
    /// A whole file, read by one worker.
    pub fn whole(file: usize) -> Task {
        Task {
            file,
            chunk: 0,
            chunks: 1,
            start: 0,
            end: None,
            columns: None,
        }
    }
}

/// Whether a large file may be split: plain (not gzip) and without quoted line breaks in its head.
/// Gives the file's projection (matched to its header), or why it is read whole.
fn split_plan(
    source: &dyn Source,
    file: &Entry,
    dialect: &Dialect,
    columns: &Columns,
) -> Result<Option<Columns>, FileProblem> {
    let head = source
        .head(&file.location, crate::source::HEAD_BYTES)
        .map_err(|e| FileProblem::Source {
            message: e.to_string(),
        })?;
    if decode::is_gzip(&head) {
        return Ok(None);
    }
    let mut text = head.strip_prefix(&decode::UTF8_BOM[..]).unwrap_or(&head);
    if dialect.sep_line {
        text = memchr(b'\n', text).map_or(&[][..], |nl| &text[nl + 1..]);
    }
    let jsonl_head = text
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{');
    if jsonl_head != (dialect.format == FileFormat::Jsonl) {
        // In the other format: one reader detects it and reads it whole.
        return Ok(None);
    }
    if dialect.format == FileFormat::Jsonl {
        return Ok(Some(columns.clone()));
    }
    let mut splitter = CsvSplitter::new(dialect.delimiter, dialect.quote);
    let mut at = 0;
    let mut header = None;
    while let Split::Record { len } = splitter.split(&text[at..], false) {
        if splitter.newlines() > 1 {
            return Err(FileProblem::QuotedLineBreaks);
        }
        if header.is_none() {
            header = Some(
                (0..splitter.width())
                    .map(|k| field_text(k, splitter.field(&text[at..], k).unwrap_or_default()))
                    .collect::<Vec<String>>(),
            );
        }
        at += len;
    }
    match header {
        Some(names) if dialect.has_header => remap(&names, dialect, columns).map(Some),
        // A header without a line break in the head: the file's first piece would have to judge
        // it alone, so one reader takes the whole file and judges it as for any number of threads.
        None if dialect.has_header => Ok(None),
        _ => Ok(Some(columns.clone())),
    }
}

/// The name the `k`-th field of a header gives its column, as detection names it.
fn field_text(k: usize, bytes: &[u8]) -> String {
    crate::format::header_name(k, &String::from_utf8_lossy(crate::format::strip_cr(bytes)))
}

/// The columns of a file whose header orders them its own way.
fn remap(header: &[String], dialect: &Dialect, columns: &Columns) -> Result<Columns, FileProblem> {
    if header == dialect.columns {
        return Ok(columns.clone());
    }
    let projection = columns
        .projection
        .iter()
        .map(|&p| {
            let column = &dialect.columns[p];
            header
                .iter()
                .position(|h| h == column)
                .ok_or_else(|| FileProblem::MissingColumn {
                    column: column.clone(),
                    header: header.to_vec(),
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Columns {
        projection,
        width: header.len(),
    })
}

/// Counts the stored bytes a stream hands out, for progress and for the report.
struct Counting {
    inner: Box<dyn Read + Send>,
    control: Arc<ScanControl>,
    bytes: Arc<AtomicU64>,
}

impl Read for Counting {
    /// A cancelled scan reads no more: the stream ends there, so that every loop over it (a
    /// line without an end among them) stops at once. The report says the scan was cancelled.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.control.is_cancelled() {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        self.control
            .bytes_read
            .fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Decompressed blocks handed over from the thread that inflates them.
struct Inflated {
    rx: Receiver<io::Result<Vec<u8>>>,
    block: Vec<u8>,
    at: usize,
}

impl Read for Inflated {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.block.len() {
            match self.rx.recv() {
                Ok(Ok(block)) => {
                    self.block = block;
                    self.at = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.block.len() - self.at);
        buf[..n].copy_from_slice(&self.block[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Inflate a gzip stream into `tx`, a block at a time, until it ends, fails or the reader is gone.
fn inflate(stream: Box<dyn Read + Send>, tx: SyncSender<io::Result<Vec<u8>>>) {
    let mut decoder = decode::GzMembers::new(io::BufReader::with_capacity(BLOCK, stream));
    loop {
        let mut block = vec![0u8; BLOCK];
        let mut filled = 0;
        let outcome = loop {
            match decoder.read(&mut block[filled..]) {
                Ok(0) => break Ok(true),
                Ok(n) => {
                    filled += n;
                    if filled == block.len() {
                        break Ok(false);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        block.truncate(filled);
        let done = !matches!(outcome, Ok(false));
        if filled > 0 && tx.send(Ok(block)).is_err() {
            return;
        }
        match outcome {
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
            _ if done => return,
            _ => {}
        }
    }
}

/// How records are split and which values a record hands the tally.
enum Records {
    Csv {
        splitter: CsvSplitter,
        projection: Vec<usize>,
        batch: Batch,
    },
    Json {
        keys: JsonKeys,
    },
}

impl Records {
    fn new(dialect: &Dialect, projection: &[usize]) -> Records {
        // JSON lines are read by key: the projection names the dialect's columns.
        match dialect.format {
            FileFormat::Csv => Records::Csv {
                splitter: CsvSplitter::new(dialect.delimiter, dialect.quote)
                    .keeping(projection.iter().max().map_or(0, |&k| k + 1)),
                projection: projection.to_vec(),
                batch: Batch::default(),
            },
            FileFormat::Jsonl => Records::Json {
                keys: JsonKeys::new(
                    &projection
                        .iter()
                        .map(|&i| dialect.columns.get(i).cloned().unwrap_or_default())
                        .collect::<Vec<_>>(),
                ),
            },
        }
    }
}

/// The values of one record, as the tally reads them.
pub(super) trait Fields {
    /// How many fields the record has (CSV); `None` for JSON lines.
    fn width(&self) -> Option<usize>;
    /// The `k`-th projected value (timestamp, then dimensions, then measures).
    fn get(&self, k: usize) -> Option<&[u8]>;
    /// True when the record is known to be ASCII without NUL, from a pass already made.
    fn known_plain(&self) -> bool {
        false
    }
}

struct CsvFields<'a> {
    splitter: &'a CsvSplitter,
    buf: &'a [u8],
    projection: &'a [usize],
}

impl Fields for CsvFields<'_> {
    fn width(&self) -> Option<usize> {
        Some(self.splitter.width())
    }
    fn get(&self, k: usize) -> Option<&[u8]> {
        self.splitter.field(self.buf, *self.projection.get(k)?)
    }
    fn known_plain(&self) -> bool {
        self.splitter.plain()
    }
}

/// A record of a batch split many at a time.
struct BatchFields<'a> {
    record: BatchRecord,
    /// Where its kept fields lie in `buf`.
    bounds: &'a [(u32, u32)],
    buf: &'a [u8],
    projection: &'a [usize],
}

impl Fields for BatchFields<'_> {
    fn width(&self) -> Option<usize> {
        Some(self.record.width as usize)
    }
    #[inline]
    fn get(&self, k: usize) -> Option<&[u8]> {
        let &(s, e) = self.bounds.get(*self.projection.get(k)?)?;
        self.buf.get(s as usize..e as usize)
    }
    fn known_plain(&self) -> bool {
        self.record.plain
    }
}

struct JsonFields<'a> {
    keys: &'a JsonKeys,
    line: &'a [u8],
}

impl Fields for JsonFields<'_> {
    fn width(&self) -> Option<usize> {
        None
    }
    fn get(&self, k: usize) -> Option<&[u8]> {
        self.keys.value(self.line, k)
    }
}

/// Open a task's stream: from its start (one byte early for a later piece, to see whether it
/// starts at a line), counting stored bytes, and inflated on a thread of its own if it is gzip.
fn open_stream<'s>(
    scope: &'s std::thread::Scope<'s, '_>,
    source: &dyn Source,
    file: &Entry,
    task: &Task,
    control: &Arc<ScanControl>,
    stored: &Arc<AtomicU64>,
) -> Result<Feeder, FileProblem> {
    let from = task.start.saturating_sub(1);
    let opened = if from == 0 {
        source.open(&file.location)
    } else {
        source.open_at(&file.location, from)
    };
    let mut raw: Box<dyn Read + Send> = Box::new(Counting {
        inner: opened.map_err(|e| FileProblem::Source { message: e.fact() })?,
        control: Arc::clone(control),
        bytes: Arc::clone(stored),
    });
    if task.start > 0 {
        return Ok(Feeder::new(raw, from));
    }
    // Peek at the magic bytes, then hand them back in front of the rest of the stream.
    let mut magic = Vec::with_capacity(2);
    (&mut raw)
        .take(2)
        .read_to_end(&mut magic)
        .map_err(FileProblem::at_start)?;
    let raw: Box<dyn Read + Send> = Box::new(io::Cursor::new(magic.clone()).chain(raw));
    if !decode::is_gzip(&magic) {
        return Ok(Feeder::new(raw, 0));
    }
    let (tx, rx) = sync_channel(4);
    scope.spawn(move || inflate(raw, tx));
    Ok(Feeder::new(
        Box::new(Inflated {
            rx,
            block: Vec::new(),
            at: 0,
        }),
        0,
    ))
}

/// Read one task: open its stream, sync to a record, and feed records to a tally until its end.
#[allow(clippy::too_many_arguments)]
pub(super) fn read_task(
    source: &dyn Source,
    file: &Entry,
    name: &str,
    task: Task,
    dialect: &Dialect,
    columns: &Columns,
    spec: &ScanSpec,
    control: &Arc<ScanControl>,
) -> Piece {
    let mut tally = Tally::new(name, spec);
    let stored = Arc::new(AtomicU64::new(0));
    let mut synced = task.start;
    let mut stopped = task.start;
    let mut newlines = 0;
    let outcome = std::thread::scope(|scope| {
        let mut reader = open_stream(scope, source, file, &task, control, &stored)?;
        // A file in the other format (JSON lines among CSV files, or the reverse) is read as
        // what it is, by column name.
        let own = if task.start == 0 {
            own_dialect(&mut reader, dialect, columns)?
        } else {
            None
        };
        tally.other_format = own.as_ref().map(|(d, _)| d.format);
        let (dialect, columns) = match &own {
            Some((d, c)) => (d, c),
            None => (dialect, columns),
        };
        let columns = start_records(&mut reader, &task, dialect, columns)?;
        synced = reader.offset();
        let mut records = Records::new(dialect, &columns.projection);
        let layout = Layout {
            dimensions: spec.dimensions.len(),
            measures: spec.measures.len(),
            width: (dialect.format == FileFormat::Csv).then_some(columns.width),
            delimiter: dialect.delimiter,
        };
        let mut run = Run {
            records: &mut records,
            tally: &mut tally,
            layout: &layout,
            spec,
            control,
            end: task.end,
            whole: task.chunks == 1,
        };
        let fed = run.feed(&mut reader);
        stopped = reader.offset();
        newlines = reader.newlines;
        // Dropping the reader ends the inflating thread (its channel closes).
        drop(reader);
        fed
    });
    tally.finish();
    if let Err(e) = outcome {
        tally.error = Some(e);
    }
    tally.bytes = if task.chunks == 1 {
        stored.load(Ordering::Relaxed)
    } else if task.chunk == 0 {
        stopped
    } else {
        stopped - synced
    };
    Piece {
        task,
        tally,
        synced,
        stopped,
        newlines,
    }
}

/// The dialect and columns of a file whose first bytes show the other format than the dataset's
/// (`{` starts JSON lines), detected from its first block; `None` when it is in the dataset's.
fn own_dialect(
    reader: &mut Feeder,
    dialect: &Dialect,
    columns: &Columns,
) -> Result<Option<(Dialect, Columns)>, FileProblem> {
    let first = |r: &Feeder| {
        let head = &r.buf[r.pos..r.len];
        let text = head.strip_prefix(&decode::UTF8_BOM[..]).unwrap_or(head);
        text.iter().find(|b| !b.is_ascii_whitespace()).copied()
    };
    // Only as much as shows the first byte: a read error later is the feed's to report.
    while first(reader).is_none() && reader.len - reader.pos < BLOCK {
        if !reader.fill().map_err(FileProblem::at_start)? {
            break;
        }
    }
    let Some(first) = first(reader) else {
        return Ok(None);
    };
    let jsonl = first == b'{';
    if jsonl == (dialect.format == FileFormat::Jsonl) {
        return Ok(None);
    }
    // The other format: its head is detected from a whole block.
    while reader.len - reader.pos < BLOCK && reader.fill().map_err(FileProblem::at_start)? {}
    let head = &reader.buf[reader.pos..reader.len];
    let overrides = crate::format::Overrides {
        format: Some(if jsonl {
            FileFormat::Jsonl
        } else {
            FileFormat::Csv
        }),
        ..Default::default()
    };
    let own = crate::format::detect(head, reader.eof, &overrides)
        .map_err(|e| FileProblem::OtherFormatUnreadable {
            reason: e.to_string(),
        })?
        .dialect();
    let projection = columns
        .projection
        .iter()
        .map(|&p| {
            let column = &dialect.columns[p];
            own.columns.iter().position(|h| h == column).ok_or_else(|| {
                FileProblem::OtherFormatMissingColumn {
                    own: own.format,
                    dataset: dialect.format,
                    column: column.clone(),
                    header: own.columns.clone(),
                }
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let width = own.columns.len();
    Ok(Some((own, Columns { projection, width })))
}

/// Position the reader at the first record of the task: past the byte-order mark and the header
/// of a file's first piece (matching the columns to the header), or past the partial line before
/// a later piece's start. Gives the file's columns.
fn start_records(
    reader: &mut Feeder,
    task: &Task,
    dialect: &Dialect,
    columns: &Columns,
) -> Result<Columns, FileProblem> {
    let known = task.columns.clone().unwrap_or_else(|| columns.clone());
    if task.start > 0 {
        // Opened one byte early: a line break there means the piece starts at a line.
        reader.skip_line().map_err(FileProblem::at_start)?;
        reader.newlines = 0;
        return Ok(known);
    }
    reader.skip_bom().map_err(FileProblem::at_start)?;
    if dialect.sep_line {
        reader.skip_line().map_err(FileProblem::at_start)?;
    }
    if dialect.format == FileFormat::Jsonl || !dialect.has_header {
        return Ok(known);
    }
    let mut splitter = CsvSplitter::new(dialect.delimiter, dialect.quote);
    let header = reader
        .next_record(&mut splitter)
        .map_err(FileProblem::at_start)?
        .map(|(rec, _)| {
            (0..splitter.width())
                .map(|k| field_text(k, splitter.field(rec, k).unwrap_or_default()))
                .collect::<Vec<String>>()
        });
    match (&task.columns, header) {
        (Some(c), _) => Ok(c.clone()),
        (None, Some(names)) => remap(&names, dialect, columns),
        (None, None) => Ok(known),
    }
}

/// The state of one worker's record loop.
struct Run<'a> {
    records: &'a mut Records,
    tally: &'a mut Tally,
    layout: &'a Layout,
    spec: &'a ScanSpec,
    control: &'a ScanControl,
    end: Option<u64>,
    /// The task is a whole file (line numbers are the file's own).
    whole: bool,
}

impl Run<'_> {
    /// Feed records until the data ends, a record starts at or after the end, or the scan is
    /// cancelled. An error is a stream that failed (the file is then incomplete).
    fn feed(&mut self, reader: &mut Feeder) -> Result<(), FileProblem> {
        // The cancel switch is looked at every 4,096 records or every MiB, whichever comes
        // first: a file of few, long records (or none: bytes without a line break) stops as
        // promptly as one of short records.
        const CHECK_BYTES: u64 = 1 << 20;
        let mut since_check = 0usize;
        let mut checked_at = reader.offset();
        loop {
            let offset = reader.offset();
            if self.end.is_some_and(|end| offset >= end) {
                return Ok(());
            }
            since_check += 1;
            if since_check >= 4096 || offset - checked_at >= CHECK_BYTES {
                since_check = 0;
                checked_at = offset;
                if self.control.is_cancelled() {
                    return Ok(());
                }
            }
            // Nearly every CSV record is fed many at a time; the others one at a time below.
            let fed = self.feed_batch(reader);
            if fed > 0 {
                since_check += fed;
                continue;
            }
            let line = reader.newlines + 1;
            // Where a failed read happened: after a line of a whole file, at a byte of a piece.
            let (whole, offset) = (self.whole, reader.offset());
            let failed = move |e: io::Error| {
                let at = if whole {
                    ReadPlace::AfterLine(line - 1)
                } else {
                    ReadPlace::AtByte(offset)
                };
                FileProblem::read(at, &e)
            };
            let more = match self.records {
                Records::Csv {
                    splitter,
                    projection,
                    ..
                } => match reader.next_record(splitter).map_err(&failed)? {
                    Some((_, true)) => {
                        self.tally.unclosed_quote(line);
                        true
                    }
                    Some((rec, false)) => {
                        let fields = CsvFields {
                            splitter,
                            buf: rec,
                            projection,
                        };
                        self.tally
                            .record(line, rec, &fields, self.layout, self.spec);
                        true
                    }
                    None => false,
                },
                Records::Json { keys } => match reader.next_line().map_err(&failed)? {
                    Some(rec) if rec.iter().all(u8::is_ascii_whitespace) => true,
                    Some(rec) => {
                        let ok = keys.read(rec);
                        let fields = JsonFields { keys, line: rec };
                        if ok {
                            self.tally
                                .record(line, rec, &fields, self.layout, self.spec);
                        } else {
                            self.tally.not_an_object(line);
                        }
                        true
                    }
                    None => false,
                },
            };
            if let Some((at, len)) = reader.take_too_long() {
                self.tally.too_long(at, len);
            }
            if !more {
                return Ok(());
            }
        }
    }

    /// Feed the complete records without quotes at the front of the reader's buffer, up to the
    /// task's end, split many at a time. Gives how many (none: the next record is fed alone).
    fn feed_batch(&mut self, reader: &mut Feeder) -> usize {
        let Records::Csv {
            splitter,
            projection,
            batch,
        } = &mut *self.records
        else {
            return 0;
        };
        let unread = &reader.buf[reader.pos..reader.len];
        let taken = splitter.split_many(unread, batch, BATCH_RECORDS);
        let (base, first_line) = (reader.offset(), reader.newlines + 1);
        for (k, rec) in batch.records().iter().enumerate() {
            if self
                .end
                .is_some_and(|end| base + u64::from(rec.start) >= end)
            {
                reader.pos += rec.start as usize;
                reader.newlines += k as u64;
                return k;
            }
            let raw = &unread[rec.start as usize..(rec.start + rec.len) as usize];
            let fields = BatchFields {
                record: *rec,
                bounds: batch.bounds_of(k),
                buf: unread,
                projection,
            };
            self.tally
                .record(first_line + k as u64, raw, &fields, self.layout, self.spec);
        }
        reader.pos += taken;
        reader.newlines += batch.records().len() as u64;
        batch.records().len()
    }
}

/// A stream read a block at a time, handing out whole records.
pub(super) struct Feeder {
    inner: Box<dyn Read + Send>,
    buf: Vec<u8>,
    /// Unread bytes are `buf[pos..len]`.
    pos: usize,
    len: usize,
    eof: bool,
    /// Stream offset of `buf[0]`.
    base: u64,
    /// Line breaks handed out so far.
    pub newlines: u64,
    /// A record longer than the limit that was skipped: (line, bytes).
    too_long: Option<(u64, u64)>,
}

impl Feeder {
    /// A stream whose first byte is at `base` in the file.
    fn new(inner: Box<dyn Read + Send>, base: u64) -> Feeder {
        Feeder {
            inner,
            buf: vec![0; BLOCK],
            pos: 0,
            len: 0,
            eof: false,
            base,
            newlines: 0,
            too_long: None,
        }
    }

    /// The stream offset of the next unread byte.
    fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Read more bytes after the unread ones (moving those to the front first). False at the end.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.len, 0);
            self.base += self.pos as u64;
            self.len -= self.pos;
            self.pos = 0;
        }
        if self.len == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        loop {
            match self.inner.read(&mut self.buf[self.len..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.len += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    fn skip_bom(&mut self) -> io::Result<()> {
        while self.len - self.pos < 3 && self.fill()? {}
        if self.buf[self.pos..self.len].starts_with(&decode::UTF8_BOM) {
            self.pos += 3;
        }
        Ok(())
    }

    /// Drop everything up to and including the next line break.
    fn skip_line(&mut self) -> io::Result<()> {
        loop {
            if let Some(nl) = memchr(b'\n', &self.buf[self.pos..self.len]) {
                self.pos += nl + 1;
                self.newlines += 1;
                return Ok(());
            }
            self.pos = self.len;
            if !self.fill()? {
                return Ok(());
            }
        }
    }

    /// A record longer than the limit was skipped since the last call: its line and length.
    fn take_too_long(&mut self) -> Option<(u64, u64)> {
        self.too_long.take()
    }

    /// Skip an over-long record: drop bytes up to the next line break without keeping them.
    fn skip_long(&mut self) -> io::Result<()> {
        let line = self.newlines + 1;
        let start = self.offset();
        self.skip_line()?;
        self.too_long = Some((line, self.offset() - start));
        Ok(())
    }

    /// The next CSV record (its fields are in `splitter`), or `None` at the end of the data. The
    /// flag says the record is a line whose quote is still open at the end of the data
    /// ([`Split::Unclosed`]): a bad record, after which reading resumes at the next line.
    fn next_record<'b>(
        &'b mut self,
        splitter: &mut CsvSplitter,
    ) -> io::Result<Option<(&'b [u8], bool)>> {
        loop {
            let at_end = self.eof;
            if self.pos == self.len && at_end {
                return Ok(None);
            }
            let (len, unclosed) = match splitter.split(&self.buf[self.pos..self.len], at_end) {
                Split::Record { len } => (len, false),
                Split::Unclosed { len } => (len, true),
                // A quote open for longer than the limit is skipped as too long (its first line)
                // before the end of the data can tell whether it closes.
                Split::NeedMore if self.len - self.pos >= MAX_RECORD_BYTES => {
                    self.skip_long()?;
                    continue;
                }
                Split::NeedMore => {
                    if !self.fill()? && self.pos == self.len {
                        return Ok(None);
                    }
                    continue;
                }
            };
            let rec = self.pos..self.pos + len;
            self.pos += len;
            self.newlines += splitter.newlines();
            return Ok(Some((&self.buf[rec], unclosed)));
        }
    }

    /// The next line (without its line break), or `None` at the end of the data.
    fn next_line(&mut self) -> io::Result<Option<&[u8]>> {
        loop {
            if let Some(nl) = memchr(b'\n', &self.buf[self.pos..self.len]) {
                let line = self.pos..self.pos + nl;
                self.pos += nl + 1;
                self.newlines += 1;
                return Ok(Some(&self.buf[line]));
            }
            if self.len - self.pos >= MAX_RECORD_BYTES {
                self.skip_long()?;
                continue;
            }
            if !self.fill()? {
                if self.pos == self.len {
                    return Ok(None);
                }
                let line = self.pos..self.len;
                self.pos = self.len;
                return Ok(Some(&self.buf[line]));
            }
        }
    }
}
