//! The records of a byte buffer, split without copying: the hot path of every scan.
//!
//! [`CsvSplitter`] finds the fields of CSV records. A record without the quote symbol (nearly all
//! of them) is one line: 64 bytes at a time, bit masks tell its delimiters and line break, and its
//! fields are slices of the buffer. [`CsvSplitter::split_many`] splits the complete records of a
//! buffer many at a time into a [`Batch`] (the scan's hot path); [`CsvSplitter::split`] splits
//! one. A record that holds the quote symbol takes the slow path: a byte-by-byte reader that
//! unquotes fields into a scratch buffer and may run over several lines (a quoted line break). [`JsonKeys`] finds the wanted keys of one JSON object per line without building a value
//! for the line. Both report how many fields a record has (CSV) so that ragged rows can be skipped.

use memchr::memchr;

/// The outcome of looking for one record at the front of a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// A record of `len` bytes (its line break included); its fields are in the splitter.
    Record { len: usize },
    /// The buffer ends inside the record: give more bytes (or, at the end of the data, call again
    /// with `at_end`).
    NeedMore,
    /// A quote opened in the record is still open at the end of the data: the record is bad, and
    /// so is only its first line, `len` bytes (its line break included). The next record starts
    /// after it. The fields in the splitter are what was read, for what they are worth.
    ///
    /// From then on the splitter knows that the rest of the data leaves open to its end any quote
    /// still open at a line break (see [`CsvSplitter::split`]), so it gives every later line that
    /// is one without reading to the end again. A new stream needs a new splitter.
    Unclosed { len: usize },
}

/// The fields of the last record a [`CsvSplitter`] split, as byte ranges.
#[derive(Debug, Default)]
pub struct CsvSplitter {
    delimiter: u8,
    quote: Option<u8>,
    /// Where each field starts and ends: in the caller's buffer (fast path) or in `scratch`.
    bounds: Vec<(u32, u32)>,
    /// Unquoted field bytes of a record that took the slow path.
    scratch: Vec<u8>,
    in_scratch: bool,
    /// Line breaks inside the last record (more than one only with quoted line breaks).
    newlines: u64,
    /// How many fields the last record has (kept or not).
    width: usize,
    /// How many leading fields have their bounds kept.
    keep: usize,
    /// The last record is known to be ASCII without NUL (false: not known).
    plain: bool,
    /// A quote was found open at the end of the data (see [`Split::Unclosed`]).
    open_to_end: bool,
}

impl CsvSplitter {
    pub fn new(delimiter: u8, quote: Option<u8>) -> CsvSplitter {
        CsvSplitter {
            delimiter,
            quote,
            keep: usize::MAX,
            ..CsvSplitter::default()
        }
    }

    /// Keep the bounds of the first `n` fields only (the ones a scan reads); the others are still
    /// counted, so that [`CsvSplitter::width`] tells a ragged record.
    pub fn keeping(mut self, n: usize) -> CsvSplitter {
        self.keep = n;
        self
    }

    /// Split the record at the front of `buf`. With `at_end`, the buffer holds the rest of the data
    /// and a record without a final line break ends with it. (A scan splits most records many at
    /// a time with [`CsvSplitter::split_many`]; this is for the others.)
    ///
    /// A record whose quote is still open at the end of the data is [`Split::Unclosed`]: its first
    /// line is skipped and splitting resumes at the next line, so that one stray quote cannot
    /// swallow the rest of a file. Once one is found, a later record still inside a quote at its
    /// first line break is one too, without reading to the end: the reading from the unclosed
    /// record's start was inside a quote at every line break after its first one, and a reading
    /// from a later line that is inside a quote at a line break is, from that byte on, the same
    /// reading, so it too ends open. The answer is the one a reading to the end would give, which
    /// keeps a scan's results the same wherever a file is split between threads.
    pub fn split(&mut self, buf: &[u8], at_end: bool) -> Split {
        // 64 bytes at a time: each block gives bit masks of its delimiters, line breaks, quotes
        // and unusual bytes; every delimiter is taken from its mask without reading again.
        self.bounds.clear();
        self.width = 1;
        let mut unusual = 0;
        let quote = self.quote.unwrap_or(b'\n');
        let mut start = 0u32;
        let mut i = 0;
        let line_end = loop {
            let m = match block_at(buf, i) {
                Some(block) => Masks::of(block, self.delimiter, quote),
                None => match self.split_tail(buf, i, &mut start, quote, &mut unusual) {
                    Tail::Line(end) => break end,
                    Tail::Quote => return self.split_quoted(buf, quote, at_end),
                    Tail::Open if at_end => break buf.len(),
                    Tail::Open => return Split::NeedMore,
                },
            };
            // Only what lies before the line break belongs to this record.
            let before = below_first(m.newline);
            if m.quote & before != 0 {
                return self.split_quoted(buf, quote, at_end);
            }
            self.take_delimiters(m.delimiter & before, i as u32, &mut start);
            unusual |= m.unusual & before;
            if m.newline != 0 {
                break i + m.newline.trailing_zeros() as usize;
            }
            i += 64;
        };
        let len = (line_end + 1).min(buf.len());
        let end = last_field_end(buf, start as usize, line_end);
        self.in_scratch = false;
        self.plain = unusual == 0;
        self.newlines = (len > line_end) as u64;
        if self.bounds.len() < self.keep {
            self.bounds.push((start, end as u32));
        }
        Split::Record { len }
    }

    /// Split the complete records at the front of `buf` that hold no quote symbol, at most `max`
    /// of them, into `batch`: the hot path of a scan, with the masks of a block kept in registers
    /// for all the records that cross it. Stops before the first record with the quote symbol or
    /// without its line break in `buf` (split those with [`CsvSplitter::split`]). Gives the bytes
    /// the records take. Needs [`CsvSplitter::keeping`]: with every field kept, nothing is split.
    pub fn split_many(&self, buf: &[u8], batch: &mut Batch, max: usize) -> usize {
        #[cfg(target_arch = "x86_64")]
        if cpu_has_avx2() {
            // SAFETY: the CPU was seen to have every feature the function is compiled with.
            return unsafe { self.split_many_avx2(buf, batch, max) };
        }
        self.split_many_with(buf, batch, max, Masks::of, ones)
    }

    /// [`CsvSplitter::split_many`] compiled for CPUs with AVX2 (and the bit instructions that
    /// came with it): 32 bytes compared at a time, and counts and bit scans in one instruction.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,popcnt,bmi1,lzcnt")]
    fn split_many_avx2(&self, buf: &[u8], batch: &mut Batch, max: usize) -> usize {
        self.split_many_with(
            buf,
            batch,
            max,
            |b, d, q| masks64_avx2(b, d, q),
            u64::count_ones,
        )
    }

    /// The body of [`CsvSplitter::split_many`], inlined into each CPU's version with its way of
    /// making a block's masks and of counting bits.
    #[inline(always)]
    fn split_many_with(
        &self,
        buf: &[u8],
        batch: &mut Batch,
        max: usize,
        masks: impl Fn(&[u8; 64], u8, u8) -> Masks,
        ones: impl Fn(u64) -> u32,
    ) -> usize {
        batch.len = 0;
        batch.keep = self.keep;
        if self.keep == usize::MAX {
            return 0;
        }
        // At most 64 Ki kept bounds, so that a batch stays in the cache. The batch's storage is
        // sized once and filled by index, its counts kept in registers.
        let keep = self.keep;
        let max = max.min((1 << 16) / keep.max(1)).max(1);
        if batch.records.len() < max {
            batch.records.resize(max, BatchRecord::default());
        }
        if batch.bounds.len() < max * keep {
            batch.bounds.resize(max * keep, (0, 0));
        }
        let mut out = Filling {
            records: &mut batch.records[..max],
            bounds: &mut batch.bounds[..max * keep],
            keep,
            len: 0,
        };
        let quote = self.quote.unwrap_or(b'\n');
        let mut rec = Open::at(0);
        let mut i = 0;
        let taken = 'blocks: loop {
            if i >= buf.len() {
                break rec.start;
            }
            let m = match block_at(buf, i) {
                Some(block) => masks(block, self.delimiter, quote),
                None => {
                    let mut last = [0u8; 64];
                    last[..buf.len() - i].copy_from_slice(&buf[i..]);
                    masks(&last, self.delimiter, quote).first(buf.len() - i)
                }
            };
            // The open record started in an earlier block or at this one's first byte; bits of
            // the records closed in this block are dropped from `live`.
            let mut live = u64::MAX;
            let mut newlines = m.newline;
            loop {
                let range = below_first(newlines) & live;
                if m.quote & range != 0 {
                    break 'blocks rec.start;
                }
                rec.unusual |= m.unusual & range;
                rec.take(m.delimiter & range, i as u32, &mut out, &ones);
                if newlines == 0 {
                    break;
                }
                let at = i + newlines.trailing_zeros() as usize;
                rec.close(buf, at, &mut out);
                rec = Open::at(at + 1);
                if out.len == max {
                    break 'blocks rec.start;
                }
                live &= !(newlines ^ newlines.wrapping_sub(1));
                newlines &= newlines - 1;
            }
            i += 64;
        };
        batch.len = out.len;
        taken
    }

    /// The fields that the delimiters of one block (bit `k` for the byte at `at + k`) end.
    #[inline]
    fn take_delimiters(&mut self, mut d: u64, at: u32, start: &mut u32) {
        while d != 0 && self.bounds.len() < self.keep {
            let end = at + d.trailing_zeros();
            self.bounds.push((*start, end));
            self.width += 1;
            *start = end + 1;
            d &= d - 1;
        }
        if d != 0 {
            // Past the kept fields, the rest are only counted; the last one's start is kept for
            // its line break.
            self.width += ones(d) as usize;
            *start = at + 64 - d.leading_zeros();
        }
    }

    /// The last bytes of a buffer (fewer than 64), one at a time.
    fn split_tail(
        &mut self,
        buf: &[u8],
        from: usize,
        start: &mut u32,
        quote: u8,
        unusual: &mut u64,
    ) -> Tail {
        for (at, &b) in buf.iter().enumerate().skip(from) {
            *unusual |= u64::from(b == 0 || b >= 0x80);
            if b == b'\n' {
                return Tail::Line(at);
            }
            if b == quote {
                return Tail::Quote;
            }
            if b == self.delimiter {
                self.take_delimiters(1, at as u32, start);
            }
        }
        Tail::Open
    }

    /// The slow path: a record with quoted fields, unquoted into `scratch`.
    fn split_quoted(&mut self, buf: &[u8], q: u8, at_end: bool) -> Split {
        self.in_scratch = true;
        self.plain = false;
        self.scratch.clear();
        self.bounds.clear();
        self.newlines = 0;
        let mut field_start = 0u32;
        let mut quoted = false;
        // At the first byte of a field: only there does a quote open a quoted field.
        let mut at_field_start = true;
        let mut i = 0;
        while i < buf.len() {
            let b = buf[i];
            if quoted {
                if b == q {
                    if buf.get(i + 1) == Some(&q) {
                        self.scratch.push(q);
                        i += 2;
                        continue;
                    }
                    if i + 1 == buf.len() && !at_end {
                        return Split::NeedMore;
                    }
                    quoted = false;
                } else {
                    if b == b'\n' {
                        if self.open_to_end {
                            self.end_field(field_start);
                            return self.unclosed(buf);
                        }
                        self.newlines += 1;
                    }
                    self.scratch.push(b);
                }
                i += 1;
                continue;
            }
            if b == self.delimiter {
                self.bounds.push((field_start, self.scratch.len() as u32));
                field_start = self.scratch.len() as u32;
                at_field_start = true;
            } else if b == b'\n' {
                self.newlines += 1;
                self.end_field(field_start);
                return Split::Record { len: i + 1 };
            } else if b == q && at_field_start {
                quoted = true;
                at_field_start = false;
            } else {
                self.scratch.push(b);
                at_field_start = false;
            }
            i += 1;
        }
        if !at_end {
            return Split::NeedMore;
        }
        self.end_field(field_start);
        if quoted {
            return self.unclosed(buf);
        }
        // The data ends inside the record, without a line break.
        Split::Record { len: buf.len() }
    }

    /// The record at the front of `buf` holds a quote open to the end of the data: its first line.
    fn unclosed(&mut self, buf: &[u8]) -> Split {
        self.open_to_end = true;
        let len = memchr(b'\n', buf).map_or(buf.len(), |nl| nl + 1);
        self.newlines = u64::from(buf[..len].ends_with(b"\n"));
        Split::Unclosed { len }
    }

    fn end_field(&mut self, field_start: u32) {
        if self.scratch.last() == Some(&b'\r') && self.scratch.len() as u32 > field_start {
            self.scratch.pop();
        }
        self.bounds.push((field_start, self.scratch.len() as u32));
        self.width = self.bounds.len();
    }

    /// How many fields the last record has.
    pub fn width(&self) -> usize {
        self.width
    }

    /// True when the last record is known to be ASCII text without NUL (false when it is not, or
    /// when it took the slow path, which does not look).
    pub fn plain(&self) -> bool {
        self.plain
    }

    /// Line breaks inside the last record, its own final one included.
    pub fn newlines(&self) -> u64 {
        self.newlines
    }

    /// Field `i` of the last record; `buf` is the buffer given to [`CsvSplitter::split`].
    pub fn field<'a>(&'a self, buf: &'a [u8], i: usize) -> Option<&'a [u8]> {
        let &(s, e) = self.bounds.get(i)?;
        let src = if self.in_scratch { &self.scratch } else { buf };
        src.get(s as usize..e as usize)
    }
}

/// Records split by [`CsvSplitter::split_many`]: where each lies in the buffer, and the bounds of
/// its kept fields (`keep` slots per record; a record with fewer fields leaves the others as they
/// were).
#[derive(Debug, Default)]
pub struct Batch {
    /// Storage for the records; the first `len` are the batch's.
    records: Vec<BatchRecord>,
    bounds: Vec<(u32, u32)>,
    len: usize,
    keep: usize,
}

/// One record of a [`Batch`]: its bytes (line break included) in the buffer, and its fields.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BatchRecord {
    pub start: u32,
    pub len: u32,
    /// How many fields it has (kept or not).
    pub width: u32,
    /// It is ASCII text without NUL.
    pub plain: bool,
}

impl Batch {
    pub fn records(&self) -> &[BatchRecord] {
        &self.records[..self.len]
    }

    /// Field `i` of record `record`; `buf` is the buffer given to [`CsvSplitter::split_many`].
    #[inline]
    pub fn field<'a>(&self, buf: &'a [u8], record: usize, i: usize) -> Option<&'a [u8]> {
        let &(s, e) = self.bounds_of(record).get(i)?;
        buf.get(s as usize..e as usize)
    }

    /// Where the kept fields of record `record` start and end in the buffer.
    #[inline]
    pub fn bounds_of(&self, record: usize) -> &[(u32, u32)] {
        let Some(r) = self.records().get(record) else {
            return &[];
        };
        let at = record * self.keep;
        let kept = self.keep.min(r.width as usize);
        self.bounds.get(at..at + kept).unwrap_or_default()
    }
}

/// The storage of a [`Batch`] being filled, and how many records it holds.
struct Filling<'a> {
    records: &'a mut [BatchRecord],
    bounds: &'a mut [(u32, u32)],
    keep: usize,
    len: usize,
}

/// The record [`CsvSplitter::split_many`] is splitting.
struct Open {
    start: usize,
    field_start: u32,
    width: u32,
    kept: usize,
    unusual: u64,
}

impl Open {
    fn at(start: usize) -> Open {
        Open {
            start,
            field_start: start as u32,
            width: 1,
            kept: 0,
            unusual: 0,
        }
    }

    /// The fields that the delimiters of a block (bit `k` for the byte at `at + k`) end.
    /// [`CsvSplitter::take_delimiters`] walks the same way for one record; one generic walk for
    /// both cost this loop 3-4% more instructions a record (callgrind), so each has its own.
    #[inline(always)]
    fn take(&mut self, mut d: u64, at: u32, out: &mut Filling<'_>, ones: impl Fn(u64) -> u32) {
        let slots = out.len * out.keep;
        while d != 0 && self.kept < out.keep {
            let end = at + d.trailing_zeros();
            out.bounds[slots + self.kept] = (self.field_start, end);
            self.field_start = end + 1;
            self.kept += 1;
            self.width += 1;
            d &= d - 1;
        }
        if d != 0 {
            self.width += ones(d);
            self.field_start = at + 64 - d.leading_zeros();
        }
    }

    /// The record ends at the line break at `at`.
    #[inline(always)]
    fn close(&self, buf: &[u8], at: usize, out: &mut Filling<'_>) {
        if self.kept < out.keep {
            let end = last_field_end(buf, self.field_start as usize, at);
            out.bounds[out.len * out.keep + self.kept] = (self.field_start, end as u32);
        }
        out.records[out.len] = BatchRecord {
            start: self.start as u32,
            len: (at + 1 - self.start) as u32,
            width: self.width,
            plain: self.unusual == 0,
        };
        out.len += 1;
    }
}

/// The bits of a mask below its lowest set bit (all of them when none is set).
#[inline(always)]
fn below_first(x: u64) -> u64 {
    x.wrapping_sub(1) & !x
}

/// Where the last field of a line ending at `line_end` ends: before a CR that belongs to it.
#[inline(always)]
fn last_field_end(buf: &[u8], field_start: usize, line_end: usize) -> usize {
    if line_end > field_start && buf[line_end - 1] == b'\r' {
        line_end - 1
    } else {
        line_end
    }
}

/// How the last bytes of a buffer end a record.
enum Tail {
    Line(usize),
    Quote,
    Open,
}

/// Bit `k` set where byte `k` of a 64-byte block is a delimiter, a line break or a quote, or is
/// not plain text (NUL or a byte above ASCII).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Masks {
    delimiter: u64,
    newline: u64,
    quote: u64,
    unusual: u64,
}

/// The 64 bytes of `buf` from `i`, if there are as many.
fn block_at(buf: &[u8], i: usize) -> Option<&[u8; 64]> {
    buf.get(i..i.checked_add(64)?)?.try_into().ok()
}

impl Masks {
    #[cfg(target_arch = "x86_64")]
    fn of(block: &[u8; 64], delimiter: u8, quote: u8) -> Masks {
        // SAFETY: SSE2 is part of every x86_64 target (the baseline of the architecture), so the
        // function's target feature is always present.
        unsafe { masks64_sse2(block, delimiter, quote) }
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn of(block: &[u8; 64], delimiter: u8, quote: u8) -> Masks {
        Masks::portable(block, delimiter, quote)
    }

    /// The masks a byte at a time: other architectures, and the reference of the SSE2 version.
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
    fn portable(block: &[u8; 64], delimiter: u8, quote: u8) -> Masks {
        let mut m = Masks {
            delimiter: 0,
            newline: 0,
            quote: 0,
            unusual: 0,
        };
        for (k, &x) in block.iter().enumerate() {
            m.delimiter |= u64::from(x == delimiter) << k;
            m.newline |= u64::from(x == b'\n') << k;
            m.quote |= u64::from(x == quote) << k;
            m.unusual |= u64::from(x == 0 || x >= 0x80) << k;
        }
        m
    }

    /// The masks of the first `n` bytes only (fewer than 64).
    fn first(&self, n: usize) -> Masks {
        let valid = (1u64 << n) - 1;
        Masks {
            delimiter: self.delimiter & valid,
            newline: self.newline & valid,
            quote: self.quote & valid,
            unusual: self.unusual & valid,
        }
    }
}

/// The set bits of a word: one instruction where the CPU has it (nearly all x86_64 CPUs since
/// 2008; it is not in the architecture's baseline), else the portable count.
#[cfg(target_arch = "x86_64")]
fn ones(x: u64) -> u32 {
    #[target_feature(enable = "popcnt")]
    fn popcnt(x: u64) -> u32 {
        x.count_ones()
    }
    static HAS: CpuFeature = CpuFeature::new();
    if HAS.detect(|| std::arch::is_x86_feature_detected!("popcnt")) {
        // SAFETY: the CPU was seen to have the popcnt instruction.
        unsafe { popcnt(x) }
    } else {
        x.count_ones()
    }
}

/// True when the CPU has AVX2 and the bit instructions [`CsvSplitter::split_many`] uses with it.
#[cfg(target_arch = "x86_64")]
fn cpu_has_avx2() -> bool {
    static HAS: CpuFeature = CpuFeature::new();
    HAS.detect(|| {
        std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("popcnt")
            && std::arch::is_x86_feature_detected!("bmi1")
            && std::arch::is_x86_feature_detected!("lzcnt")
    })
}

/// Whether the CPU has a feature, asked once.
#[cfg(target_arch = "x86_64")]
struct CpuFeature(std::sync::atomic::AtomicU8);

#[cfg(target_arch = "x86_64")]
impl CpuFeature {
    const fn new() -> CpuFeature {
        CpuFeature(std::sync::atomic::AtomicU8::new(2))
    }

    #[inline]
    fn detect(&self, ask: impl FnOnce() -> bool) -> bool {
        use std::sync::atomic::Ordering;
        match self.0.load(Ordering::Relaxed) {
            2 => {
                let has = ask();
                self.0.store(u8::from(has), Ordering::Relaxed);
                has
            }
            known => known == 1,
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn ones(x: u64) -> u32 {
    x.count_ones()
}

/// The masks of 64 bytes, sixteen at a time, with the comparison bytes loaded once. A byte is
/// unusual when it is below 1 as a signed byte: NUL, or 0x80 and above.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn masks64_sse2(block: &[u8; 64], delimiter: u8, quote: u8) -> Masks {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_movemask_epi8, _mm_set_epi64x, _mm_set1_epi8,
    };
    let word = |at: usize| i64::from_le_bytes(block[at..at + 8].try_into().unwrap_or([0; 8]));
    let (d, n, q, one) = (
        _mm_set1_epi8(delimiter as i8),
        _mm_set1_epi8(b'\n' as i8),
        _mm_set1_epi8(quote as i8),
        _mm_set1_epi8(1),
    );
    let mut m = Masks {
        delimiter: 0,
        newline: 0,
        quote: 0,
        unusual: 0,
    };
    for k in 0..4 {
        let v = _mm_set_epi64x(word(16 * k + 8), word(16 * k));
        let bits = |x| u64::from(_mm_movemask_epi8(x) as u16) << (16 * k);
        m.delimiter |= bits(_mm_cmpeq_epi8(v, d));
        m.newline |= bits(_mm_cmpeq_epi8(v, n));
        m.quote |= bits(_mm_cmpeq_epi8(v, q));
        m.unusual |= bits(_mm_cmplt_epi8(v, one));
    }
    m
}

/// The masks of 64 bytes, thirty-two at a time (see [`masks64_sse2`]).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn masks64_avx2(block: &[u8; 64], delimiter: u8, quote: u8) -> Masks {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_cmpgt_epi8, _mm256_loadu_si256, _mm256_movemask_epi8,
        _mm256_set1_epi8,
    };
    let (d, n, q, one) = (
        _mm256_set1_epi8(delimiter as i8),
        _mm256_set1_epi8(b'\n' as i8),
        _mm256_set1_epi8(quote as i8),
        _mm256_set1_epi8(1),
    );
    let (lo, hi) = block.split_at(32);
    let half = |bytes: &[u8]| {
        // SAFETY: `bytes` holds 32 bytes (half of the block), and the load has no alignment
        // requirement.
        let v = unsafe { _mm256_loadu_si256(bytes.as_ptr().cast::<__m256i>()) };
        let bits = |x| u64::from(_mm256_movemask_epi8(x) as u32);
        (
            bits(_mm256_cmpeq_epi8(v, d)),
            bits(_mm256_cmpeq_epi8(v, n)),
            bits(_mm256_cmpeq_epi8(v, q)),
            bits(_mm256_cmpgt_epi8(one, v)),
        )
    };
    let (a, b) = (half(lo), half(hi));
    Masks {
        delimiter: a.0 | b.0 << 32,
        newline: a.1 | b.1 << 32,
        quote: a.2 | b.2 << 32,
        unusual: a.3 | b.3 << 32,
    }
}

/// Finds the values of some keys in a line holding one JSON object, without building the object.
#[derive(Debug, Default)]
pub struct JsonKeys {
    names: Vec<Vec<u8>>,
    /// Where each wanted value lies in the line, or in `scratch` when it had to be unescaped.
    found: Vec<Option<(bool, u32, u32)>>,
    scratch: Vec<u8>,
}

/// A JSON value's text as a CSV field would hold it: strings unquoted, `null` as nothing.
#[derive(Debug, PartialEq, Eq)]
enum ValueKind {
    Scalar,
    Null,
    Nested,
}

impl JsonKeys {
    pub fn new(names: &[String]) -> JsonKeys {
        JsonKeys {
            names: names.iter().map(|n| n.as_bytes().to_vec()).collect(),
            found: vec![None; names.len()],
            scratch: Vec::new(),
        }
    }

    /// Read one line. False when it is not a JSON object (the record is skipped).
    pub fn read(&mut self, line: &[u8]) -> bool {
        self.found.iter_mut().for_each(|f| *f = None);
        self.scratch.clear();
        let mut p = Parser {
            s: line,
            i: 0,
            depth: 0,
        };
        self.object(&mut p).is_some() && {
            p.ws();
            p.i == line.len()
        }
    }

    fn object(&mut self, p: &mut Parser<'_>) -> Option<()> {
        p.ws();
        p.eat(b'{')?;
        p.ws();
        if p.peek() == Some(b'}') {
            p.i += 1;
            return Some(());
        }
        loop {
            p.ws();
            let (key_start, key_end, escaped) = p.string()?;
            p.ws();
            p.eat(b':')?;
            p.ws();
            let key = &p.s[key_start..key_end];
            let wanted = if escaped {
                None
            } else {
                self.names.iter().position(|n| n.as_slice() == key)
            };
            let value_start = p.i;
            let kind = p.value()?;
            if let Some(k) = wanted {
                self.found[k] = self.keep(p.s, value_start, p.i, kind);
            }
            p.ws();
            match p.next()? {
                b',' => continue,
                b'}' => return Some(()),
                _ => return None,
            }
        }
    }

    /// Where a wanted value's text is: strings without their quotes (unescaped into `scratch` if
    /// they hold escapes), numbers and booleans as written, `null` as missing, nested values as
    /// `{...}` / `[...]`.
    fn keep(
        &mut self,
        s: &[u8],
        start: usize,
        end: usize,
        kind: ValueKind,
    ) -> Option<(bool, u32, u32)> {
        match kind {
            ValueKind::Null => None,
            ValueKind::Nested => {
                let from = self.scratch.len() as u32;
                self.scratch
                    .extend_from_slice(if s[start] == b'{' { b"{...}" } else { b"[...]" });
                Some((true, from, self.scratch.len() as u32))
            }
            ValueKind::Scalar if s[start] == b'"' => {
                let inner = &s[start + 1..end - 1];
                if memchr(b'\\', inner).is_none() {
                    return Some((false, start as u32 + 1, end as u32 - 1));
                }
                let from = self.scratch.len() as u32;
                let text: String = serde_json::from_slice(&s[start..end]).ok()?;
                self.scratch.extend_from_slice(text.as_bytes());
                Some((true, from, self.scratch.len() as u32))
            }
            ValueKind::Scalar => Some((false, start as u32, end as u32)),
        }
    }

    /// The value of wanted key `k` in the last line read; `line` is that line.
    pub fn value<'a>(&'a self, line: &'a [u8], k: usize) -> Option<&'a [u8]> {
        let (in_scratch, s, e) = self.found.get(k).copied().flatten()?;
        let src = if in_scratch { &self.scratch } else { line };
        src.get(s as usize..e as usize)
    }
}

/// A cursor over the bytes of one JSON text, checking its syntax as it skips values.
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    /// Objects and arrays open around the cursor, inside the line's object.
    depth: u32,
}

/// The deepest nesting read: serde_json's limit (128 levels, the line's object included), so that
/// detection and the scan agree on what is JSON, and a line of brackets (up to
/// [`crate::coverage::MAX_RECORD_BYTES`]) cannot exhaust a worker thread's stack.
const MAX_NESTED_DEPTH: u32 = 126;

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.i += 1;
        Some(b)
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.next()? == b).then_some(())
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.i += 1;
        }
    }

    /// A string: its content's range and whether it holds escapes.
    fn string(&mut self) -> Option<(usize, usize, bool)> {
        self.eat(b'"')?;
        let start = self.i;
        let mut escaped = false;
        loop {
            // An escape's backslash can be the line's last byte: skipping two bytes then passes
            // the end of the line.
            let rest = self.s.get(self.i..)?;
            let at = rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
            self.i += at;
            match self.s[self.i] {
                b'"' => {
                    let end = self.i;
                    self.i += 1;
                    return Some((start, end, escaped));
                }
                b'\\' => {
                    escaped = true;
                    self.i += 2;
                }
                _ => return None,
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.s[self.i..]
            .starts_with(word)
            .then(|| self.i += word.len())
    }

    fn number(&mut self) -> Option<()> {
        let start = self.i;
        while matches!(
            self.peek(),
            Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
        ) {
            self.i += 1;
        }
        (self.i > start).then_some(())
    }

    /// Skip one value, checking its syntax.
    fn value(&mut self) -> Option<ValueKind> {
        match self.peek()? {
            b'"' => self.string().map(|_| ValueKind::Scalar),
            b't' => self.literal(b"true").map(|_| ValueKind::Scalar),
            b'f' => self.literal(b"false").map(|_| ValueKind::Scalar),
            b'n' => self.literal(b"null").map(|_| ValueKind::Null),
            b'{' | b'[' => self.nested().map(|_| ValueKind::Nested),
            _ => self.number().map(|_| ValueKind::Scalar),
        }
    }

    /// An object or array, skipped as a whole.
    fn nested(&mut self) -> Option<()> {
        if self.depth >= MAX_NESTED_DEPTH {
            return None;
        }
        self.depth += 1;
        let skipped = self.nested_items();
        self.depth -= 1;
        skipped
    }

    fn nested_items(&mut self) -> Option<()> {
        let open = self.next()?;
        let close = if open == b'{' { b'}' } else { b']' };
        self.ws();
        if self.peek() == Some(close) {
            self.i += 1;
            return Some(());
        }
        loop {
            self.ws();
            if open == b'{' {
                self.string()?;
                self.ws();
                self.eat(b':')?;
                self.ws();
            }
            self.value()?;
            self.ws();
            match self.next()? {
                b',' => continue,
                b if b == close => return Some(()),
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(s: &mut CsvSplitter, buf: &[u8], at_end: bool) -> Option<(usize, Vec<String>)> {
        match s.split(buf, at_end) {
            Split::NeedMore => None,
            Split::Unclosed { len } => panic!("an unclosed quote's line of {len} bytes"),
            Split::Record { len } => Some((
                len,
                (0..s.width())
                    .map(|i| String::from_utf8_lossy(s.field(buf, i).unwrap()).into_owned())
                    .collect(),
            )),
        }
    }

    #[test]
    fn plain_lines_split_at_delimiters_and_lose_their_cr() {
        let mut s = CsvSplitter::new(b',', Some(b'"'));
        assert_eq!(
            fields(&mut s, b"a,b,,c\r\nnext", false),
            Some((8, vec!["a".into(), "b".into(), "".into(), "c".into()]))
        );
        assert_eq!(fields(&mut s, b"no end yet", false), None);
        assert_eq!(
            fields(&mut s, b"last,line", true),
            Some((9, vec!["last".into(), "line".into()]))
        );
    }

    #[test]
    fn every_line_length_and_field_layout_splits_like_a_plain_split() {
        // Lines of 0 to 70 bytes, so that delimiters, CRs and line breaks fall at every position
        // of a 16-byte block, split with all fields kept and with the first two only.
        let mut rand = crate::testing::random(7);
        for _ in 0..3000 {
            let len = rand(70) as usize;
            let line: Vec<u8> = (0..len)
                .map(|_| match rand(6) {
                    0 => b';',
                    _ => b'a' + rand(26) as u8,
                })
                .collect();
            let crlf = rand(2) == 0;
            let mut buf = line.clone();
            buf.extend_from_slice(if crlf { b"\r\nnext;x" } else { b"\nnext;x" });
            let want: Vec<&[u8]> = line.split(|&b| b == b';').collect();
            for keep in [usize::MAX, 2] {
                let mut s = CsvSplitter::new(b';', Some(b'"')).keeping(keep);
                let got = s.split(&buf, false);
                assert_eq!(
                    got,
                    Split::Record {
                        len: len + 1 + crlf as usize
                    },
                    "{buf:?}"
                );
                assert_eq!(s.width(), want.len(), "{buf:?}");
                for (i, w) in want.iter().enumerate().take(keep) {
                    assert_eq!(s.field(&buf, i), Some(*w), "field {i} of {buf:?}");
                }
                assert_eq!(s.field(&buf, want.len().min(keep)), None);
            }
        }
    }

    #[test]
    fn records_split_many_at_a_time_agree_with_one_at_a_time() {
        // 600 random lines in one buffer (commas, CRLF endings, high bytes, some quotes and some
        // fields fewer or more), split in batches of random sizes, keeping 1, 3 or 8 fields,
        // against a split of each record alone.
        let mut rand = crate::testing::random(11);
        let mut buf = Vec::new();
        for _ in 0..600 {
            let len = rand(150) as usize;
            buf.extend((0..len).map(|_| match rand(60) {
                0..=7 => b',',
                8 if len > 100 => 0xc3,
                9 if len > 140 => b'"',
                10 if len > 120 => 0,
                _ => b'a' + rand(26) as u8,
            }));
            if rand(4) == 0 {
                buf.push(b'\r');
            }
            buf.push(b'\n');
        }
        buf.extend_from_slice(b"last,line,without,a,break");
        // The CPU's version, the SSE2 one, and the byte-by-byte masks.
        type SplitMany<'f> = &'f dyn Fn(&CsvSplitter, &[u8], &mut Batch, usize) -> usize;
        let variants: [SplitMany<'_>; 3] = [
            &|s, buf, batch, max| s.split_many(buf, batch, max),
            &|s, buf, batch, max| s.split_many_with(buf, batch, max, Masks::of, ones),
            &|s, buf, batch, max| {
                s.split_many_with(buf, batch, max, Masks::portable, u64::count_ones)
            },
        ];
        for (keep, split_many) in [1, 3, 8].into_iter().flat_map(|k| variants.map(|v| (k, v))) {
            let many = CsvSplitter::new(b',', Some(b'"')).keeping(keep);
            let mut one = CsvSplitter::new(b',', Some(b'"')).keeping(keep);
            let mut batch = Batch::default();
            let (mut at, mut batched) = (0, 0);
            while at < buf.len() {
                let max = 1 + rand(40) as usize;
                let taken = split_many(&many, &buf[at..], &mut batch, max);
                if batch.records().is_empty() {
                    let Split::Record { len } = one.split(&buf[at..], true) else {
                        panic!("no record at {at}");
                    };
                    let rec = &buf[at..at + len];
                    assert!(rec.contains(&b'"') || !rec.ends_with(b"\n"), "{rec:?}");
                    at += len;
                    continue;
                }
                assert!(batch.records().len() <= max);
                let mut next = 0;
                for (k, r) in batch.records().iter().enumerate() {
                    assert_eq!(r.start as usize, next);
                    let from = &buf[at + next..];
                    assert_eq!(
                        one.split(from, true),
                        Split::Record {
                            len: r.len as usize
                        }
                    );
                    assert_eq!(r.width as usize, one.width());
                    assert_eq!(r.plain, one.plain());
                    for i in 0..=keep {
                        assert_eq!(batch.field(&buf[at..], k, i), one.field(from, i), "{i}");
                    }
                    next += r.len as usize;
                }
                assert_eq!(taken, next);
                batched += batch.records().len();
                at += taken;
            }
            assert_eq!(at, buf.len());
            assert!(batched > 400, "{batched} records split many at a time");
        }
    }

    #[test]
    fn the_sse2_and_avx2_masks_equal_the_byte_by_byte_masks() {
        let mut random = crate::testing::random(3);
        let mut next = || random(256) as u8;
        for _ in 0..2000 {
            // Bytes drawn mostly from the ones that matter, so that every mask has bits.
            let block: [u8; 64] = std::array::from_fn(|_| match next() % 8 {
                0 => b',',
                1 => b'\n',
                2 => b'"',
                3 => 0,
                4 => 0x80 | next(),
                _ => next(),
            });
            let want = Masks::portable(&block, b',', b'"');
            assert_eq!(Masks::of(&block, b',', b'"'), want, "{block:?}");
            #[cfg(target_arch = "x86_64")]
            if cpu_has_avx2() {
                // SAFETY: the CPU was just seen to have AVX2.
                let avx2 = unsafe { masks64_avx2(&block, b',', b'"') };
                assert_eq!(avx2, want, "{block:?}");
            }
        }
    }

    #[test]
    fn quoted_fields_hold_delimiters_quotes_and_line_breaks() {
        let mut s = CsvSplitter::new(b',', Some(b'"'));
        let buf = b"\"a,1\",\"say \"\"hi\"\"\",\"two\nlines\"\r\nx";
        let (len, f) = fields(&mut s, buf, false).unwrap();
        assert_eq!(f, ["a,1", "say \"hi\"", "two\nlines"]);
        assert_eq!(&buf[len..], b"x");
        assert_eq!(s.newlines(), 2);
        // A quoted line break at the end of the buffer needs more bytes.
        assert_eq!(fields(&mut s, b"\"open\nstill", false), None);
    }

    /// Every record of `data` as a scan reads it, at the end of the data: its bytes, whether it
    /// is an unclosed quote's line, and its fields.
    fn split_all(data: &[u8], delimiter: u8) -> Vec<(Vec<u8>, bool, Vec<Vec<u8>>)> {
        let mut s = CsvSplitter::new(delimiter, Some(b'"'));
        let mut out = Vec::new();
        let mut at = 0;
        while at < data.len() {
            let rest = &data[at..];
            let (len, unclosed) = match s.split(rest, true) {
                Split::Record { len } => (len, false),
                Split::Unclosed { len } => (len, true),
                Split::NeedMore => panic!("at the end of the data a record ends (at {at})"),
            };
            let fields = (0..s.width())
                .map(|i| s.field(rest, i).unwrap().to_vec())
                .collect();
            out.push((rest[..len].to_vec(), unclosed, fields));
            at += len;
        }
        out
    }

    /// The records of `data` as detection reads them: the `csv` crate set up by
    /// [`crate::format::csv_builder`], the `\r` of a CRLF trimmed; each with where it ends.
    fn csv_crate_records(data: &[u8], delimiter: u8) -> Vec<(usize, Vec<Vec<u8>>)> {
        let mut reader = crate::format::csv_builder(delimiter, Some(b'"')).from_reader(data);
        let mut record = csv::ByteRecord::new();
        let mut out = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let mut fields: Vec<Vec<u8>> = record.iter().map(<[u8]>::to_vec).collect();
            if let Some(last) = fields.last_mut() {
                *last = crate::format::strip_cr(last).to_vec();
            }
            out.push((reader.position().byte() as usize, fields));
        }
        out
    }

    #[test]
    fn quoted_records_split_as_the_csv_crate_reads_them() {
        // Records of random quoted and unquoted fields: embedded delimiters, doubled quotes,
        // quoted line breaks (LF and CRLF), a CR inside quotes, a quote inside an unquoted field,
        // empty quoted fields, text after a closing quote; lines ending in LF, CRLF or nothing
        // (the last). The splitter's fields must be the csv crate's, record by record, and the
        // fields that were written.
        let mut rand = crate::testing::random(20);
        for round in 0..400 {
            let delimiter = [b',', b';', b'\t', b'|'][round % 4];
            let mut data = Vec::new();
            let mut written: Vec<(Vec<Vec<u8>>, bool)> = Vec::new();
            for _ in 0..1 + rand(12) {
                let mut fields = Vec::new();
                for f in 0..1 + rand(6) {
                    if f > 0 {
                        data.push(delimiter);
                    }
                    let mut value = Vec::new();
                    let quoted = rand(3) > 0;
                    for _ in 0..rand(12) {
                        let letter = [b'a' + rand(26) as u8];
                        let delimiter = [delimiter];
                        value.extend_from_slice(match rand(12) {
                            0 if quoted => &delimiter[..],
                            1 if quoted => b"\"",
                            2 if quoted => b"\n",
                            3 if quoted => b"\r\n",
                            4 if quoted => b"\r",
                            5 => b" ",
                            6 => "é".as_bytes(),
                            _ => &letter[..],
                        });
                    }
                    if !quoted && value.is_empty() {
                        // Not an empty line, which the csv crate skips.
                        value.push(b'z');
                    }
                    if !quoted && rand(8) == 0 {
                        // A quote inside an unquoted field is text.
                        value.extend_from_slice(b"5\" pipe");
                    }
                    if quoted {
                        data.push(b'"');
                        for &b in &value {
                            if b == b'"' {
                                data.push(b'"');
                            }
                            data.push(b);
                        }
                        data.push(b'"');
                    } else {
                        data.extend_from_slice(&value);
                    }
                    fields.push(value);
                }
                let crlf = rand(2) == 0;
                written.push((fields, crlf));
                data.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            }
            if rand(3) == 0 {
                // The last record without its line break.
                while data.last().is_some_and(|b| matches!(b, b'\r' | b'\n')) {
                    data.pop();
                }
            }
            let ours = split_all(&data, delimiter);
            let theirs = csv_crate_records(&data, delimiter);
            assert_eq!(
                ours.len(),
                theirs.len(),
                "{:?}",
                String::from_utf8_lossy(&data)
            );
            let mut end = 0;
            for (k, ((bytes, unclosed, fields), (their_end, their_fields))) in
                ours.iter().zip(&theirs).enumerate()
            {
                end += bytes.len();
                let what = String::from_utf8_lossy(bytes);
                assert!(!unclosed, "record {k}: {what:?}");
                assert_eq!(
                    end, *their_end,
                    "record {k} ends where the csv crate's does"
                );
                assert_eq!(fields, their_fields, "record {k}: {what:?}");
                // Both readers take a CR that ends a line's last field before an LF, quoted or
                // not, for a CRLF's (detection trims it with `strip_cr`, the splitter likewise).
                let (mut want, crlf) = written[k].clone();
                if let Some(last) = want.last_mut()
                    && last.ends_with(b"\r")
                    && (!crlf || k + 1 == written.len() && !data.ends_with(b"\n"))
                {
                    last.pop();
                }
                assert_eq!(fields, &want, "record {k}: {what:?}");
            }
        }
    }

    #[test]
    fn quoted_soup_splits_as_the_csv_crate_reads_it_up_to_an_unclosed_quote() {
        // Random bytes of few kinds (delimiter, quote, LF, CR, letters): every record the csv
        // crate reads is the splitter's, with the same fields, up to the first quote left open
        // at the end (where the csv crate reads the rest of the data as one record).
        let mut rand = crate::testing::random(21);
        let mut compared = 0;
        for _ in 0..3000 {
            let data: Vec<u8> = (0..rand(60))
                .map(|_| match rand(9) {
                    0 | 1 => b',',
                    2 | 3 => b'"',
                    4 => b'\n',
                    5 => b'\r',
                    _ => b'a' + rand(3) as u8,
                })
                .collect();
            let theirs = csv_crate_records(&data, b',');
            let mut their = theirs.iter();
            let mut end = 0;
            for (bytes, unclosed, fields) in split_all(&data, b',') {
                let start = end;
                end += bytes.len();
                if unclosed {
                    // The csv crate takes the rest of the data as this record.
                    let (their_end, _) = their.next().unwrap();
                    assert_eq!(*their_end, data.len());
                    break;
                }
                if bytes == b"\n" {
                    // The csv crate skips an empty line.
                    continue;
                }
                let (their_end, their_fields) = their.next().unwrap_or_else(|| {
                    panic!(
                        "no csv record after {start}: {:?}",
                        String::from_utf8_lossy(&data)
                    )
                });
                assert_eq!(end, *their_end, "{:?}", String::from_utf8_lossy(&data));
                assert_eq!(
                    &fields,
                    their_fields,
                    "{:?}",
                    String::from_utf8_lossy(&data)
                );
                compared += 1;
            }
        }
        assert!(compared > 5000, "{compared} records compared");
    }

    #[test]
    fn an_unclosed_quote_makes_its_line_bad_and_the_next_line_a_record_again() {
        // From the stray quote on, every line break is inside a quote: `e","f` closes one and
        // opens another, `k""l` holds an escaped quote. Read alone, `e","f` opens a quote too.
        let data = b"a,b\ngarbage,,\"x\nc,d\ne\",\"f\ng,h\r\nk\"\"l\nj,k";
        let records = split_all(data, b',');
        let got: Vec<(&[u8], bool)> = records.iter().map(|(b, u, _)| (b.as_slice(), *u)).collect();
        assert_eq!(
            got,
            [
                (&b"a,b\n"[..], false),
                (b"garbage,,\"x\n", true),
                (b"c,d\n", false),
                (b"e\",\"f\n", true),
                (b"g,h\r\n", false),
                (b"k\"\"l\n", false),
                (b"j,k", false),
            ]
        );
        assert_eq!(records[4].2, [b"g".to_vec(), b"h".to_vec()]);
        assert_eq!(records[5].2, [b"k\"\"l".to_vec()]);
        // A later unclosed line is found at its own line break, without reading to the end; a
        // fresh splitter that reads to the end gives the same line.
        let mut at = 0;
        for (bytes, unclosed, _) in &records {
            if *unclosed {
                let mut fresh = CsvSplitter::new(b',', Some(b'"'));
                assert_eq!(
                    fresh.split(&data[at..], true),
                    Split::Unclosed { len: bytes.len() }
                );
                assert_eq!(fresh.newlines(), 1);
            }
            at += bytes.len();
        }
        // Before the end of the data, an open quote needs more bytes.
        let mut s = CsvSplitter::new(b',', Some(b'"'));
        assert_eq!(s.split(b"garbage,,\"x\nc,d\n", false), Split::NeedMore);
        // A quote open on the last line, without a line break.
        assert_eq!(s.split(b"x,\"y", true), Split::Unclosed { len: 4 });
        assert_eq!(s.newlines(), 0);
    }

    #[test]
    fn unclosed_quotes_found_at_their_line_break_are_the_ones_a_reading_to_the_end_finds() {
        // Random lines with quotes: each unclosed line the splitter gives (after the first, found
        // at its line break) is what a fresh splitter reading from there to the end gives, and a
        // fresh splitter agrees on every record after it.
        let mut rand = crate::testing::random(22);
        let mut later = 0;
        for _ in 0..6000 {
            let data: Vec<u8> = (0..rand(80))
                .map(|_| match rand(8) {
                    0 | 1 => b',',
                    2 => b'"',
                    3 | 4 => b'\n',
                    _ => b'a' + rand(3) as u8,
                })
                .collect();
            let mut at = 0;
            let mut seen = 0;
            for (bytes, unclosed, fields) in split_all(&data, b',') {
                let mut fresh = CsvSplitter::new(b',', Some(b'"'));
                let got = fresh.split(&data[at..], true);
                let len = bytes.len();
                let want = if unclosed {
                    Split::Unclosed { len }
                } else {
                    Split::Record { len }
                };
                assert_eq!(got, want, "at {at} of {:?}", String::from_utf8_lossy(&data));
                if !unclosed {
                    let theirs: Vec<Vec<u8>> = (0..fresh.width())
                        .map(|i| fresh.field(&data[at..], i).unwrap().to_vec())
                        .collect();
                    assert_eq!(theirs, fields);
                }
                seen += usize::from(unclosed);
                later += usize::from(unclosed && seen > 1);
                at += len;
            }
        }
        assert!(later > 50, "{later} unclosed lines after a first one");
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_text() {
        let mut s = CsvSplitter::new(b',', Some(b'"'));
        let (_, f) = fields(&mut s, b"5\" pipe,x\n", false).unwrap();
        assert_eq!(f, ["5\" pipe", "x"]);
    }

    #[test]
    fn json_keys_are_found_without_building_the_object() {
        let mut k = JsonKeys::new(&["ts".into(), "n".into(), "tags".into(), "s".into()]);
        let line =
            br#"{"n": 2.5, "ts": "t1", "other": [1, {"x": "}"}], "tags": {"a": 1}, "s": "a\"b"}"#;
        assert!(k.read(line));
        let v = |k: &JsonKeys, i| {
            k.value(line, i)
                .map(|b| String::from_utf8_lossy(b).into_owned())
        };
        assert_eq!(v(&k, 0).as_deref(), Some("t1"));
        assert_eq!(v(&k, 1).as_deref(), Some("2.5"));
        assert_eq!(v(&k, 2).as_deref(), Some("{...}"));
        assert_eq!(v(&k, 3).as_deref(), Some("a\"b"));
        assert!(k.read(br#"{"ts": null}"#));
        assert_eq!(k.value(br#"{"ts": null}"#, 0), None);
        assert!(!k.read(b"not json"));
        assert!(!k.read(br#"{"ts": "x""#));
        assert!(!k.read(b"[1, 2]"));
    }
}
