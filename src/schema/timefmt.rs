//! Timestamp formats as Lookout for Metrics writes them: Java `SimpleDateFormat` patterns or `UNIX`.
//! A pattern is compiled once into a token list so that parsing every record of a large file costs
//! no allocation; [`detect`] guesses the format of a column from sample values and says how sure it is.

use std::fmt::{self, Write as _};
use std::sync::LazyLock;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Utc};

use super::Confidence;

/// Epoch values above this are milliseconds, at or below it seconds (the L4M rule, decided per value).
pub const UNIX_MILLIS_THRESHOLD: u64 = 94_694_400_000;

/// The special pattern text for epoch time.
const UNIX: &str = "UNIX";

/// A compiled timestamp format.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeFormat {
    pattern: String,
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Unix,
    Pattern(Vec<Token>),
}

/// How many digits a numeric field takes when parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Width {
    /// Exactly this many digits (doubled letters, `yyyy`).
    Fixed(u8),
    /// One or two digits (single letters, Java's lenience). `reserve` digits are left for numeric
    /// fields that follow with no separator, so that `Hmm` reads `930` as 9:30 and not as hour 93.
    Flex { reserve: u8 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Year4,
    Year2,
    Month,
    Day,
    /// `H`: 0-23.
    Hour0To23,
    /// `k`: 1-24, where 24 is midnight.
    Hour1To24,
    /// `h`: 1-12, needs `a`.
    Hour1To12,
    /// `K`: 0-11, needs `a`.
    Hour0To11,
    Minute,
    Second,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OffsetStyle {
    /// `Z`: `+0700`.
    Rfc822,
    /// `X`: `Z` or `+07`.
    IsoHours,
    /// `XX`: `Z` or `+0700`.
    IsoBasic,
    /// `XXX`: `Z` or `+07:00`.
    IsoExtended,
    /// `z`: only `UTC`, `GMT` or `Z`, because zone names are ambiguous (`CST` is three zones).
    Name,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Literal(Box<str>),
    Number(Field, Width),
    MonthName {
        long: bool,
    },
    DayName {
        long: bool,
    },
    /// Fractional seconds; `digits == 0` means one to nine digits.
    Fraction {
        digits: u8,
    },
    AmPm,
    Offset(OffsetStyle),
}

impl Token {
    /// Digits this token needs at least, when it is numeric and can abut another numeric field.
    fn min_digits(&self) -> Option<u8> {
        match self {
            Token::Number(_, Width::Fixed(n)) => Some(*n),
            Token::Number(_, Width::Flex { .. }) => Some(1),
            Token::Fraction { digits: 0 } => Some(1),
            Token::Fraction { digits } => Some(*digits),
            _ => None,
        }
    }
}

/// A timestamp value once parsed: either wall-clock time or an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParsedTime {
    /// Wall-clock time without an offset: the dataset timezone decides the instant.
    Local(NaiveDateTime),
    /// An instant: the value carried its offset (or was epoch time).
    Instant(DateTime<Utc>),
}

impl ParsedTime {
    /// The calendar year as written (for an instant, in UTC); used to judge plausibility.
    fn year(self) -> i32 {
        match self {
            ParsedTime::Local(t) => t.year(),
            ParsedTime::Instant(t) => t.year(),
        }
    }
}

/// Why a timestamp pattern cannot be used; each message names the part and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeFormatError {
    /// The pattern is empty or only whitespace.
    #[error("the timestamp format is empty: use a pattern such as yyyy-MM-dd HH:mm:ss, or UNIX")]
    Empty,
    /// `unix` written in the wrong case.
    #[error("\"{0}\" is not a timestamp format: write UNIX in capitals for epoch time")]
    UnixSpelling(String),
    /// A pattern letter that is not supported at all.
    #[error("letter '{letter}' at position {position} is not supported: {hint}")]
    UnsupportedLetter {
        letter: char,
        position: usize,
        hint: &'static str,
    },
    /// A supported letter repeated a number of times that has no meaning here.
    #[error("\"{run}\" at position {position} is not supported: {hint}")]
    UnsupportedWidth {
        run: String,
        position: usize,
        hint: &'static str,
    },
    /// A `'` that opens literal text is never closed.
    #[error(
        "the quote at position {position} is never closed: close the literal text with ', or write '' for a quote character"
    )]
    UnterminatedQuote { position: usize },
    /// The pattern is only literal text.
    #[error(
        "\"{0}\" has no date or time letters: use a pattern such as yyyy-MM-dd HH:mm:ss, or UNIX"
    )]
    NoFields(String),
}

impl TimeFormat {
    /// Compile "UNIX" or a Java SimpleDateFormat pattern. Errors say which letter/part is unsupported.
    ///
    /// Positions in errors count characters from 1. Deviations from Java, chosen to make parsing
    /// strict enough for detection: `yy` maps 00-69 to 20xx and 70-99 to 19xx (Java slides an
    /// 80/20 window around today); `y`, `yyy` and `yyyy` all mean a 4-digit year; `S` runs are a
    /// fraction of a second (Java reads milliseconds); and `ss.s` means fractional seconds, as some
    /// real configs write it, although Java would read the second `s` as seconds again.
    pub fn compile(pattern: &str) -> Result<TimeFormat, TimeFormatError> {
        let trimmed = pattern.trim();
        if trimmed.is_empty() {
            return Err(TimeFormatError::Empty);
        }
        if trimmed == UNIX {
            return Ok(TimeFormat {
                pattern: pattern.to_string(),
                kind: Kind::Unix,
            });
        }
        if trimmed.eq_ignore_ascii_case(UNIX) {
            return Err(TimeFormatError::UnixSpelling(pattern.to_string()));
        }
        let mut tokens = tokenize(pattern)?;
        if tokens.iter().all(|t| matches!(t, Token::Literal(_))) {
            return Err(TimeFormatError::NoFields(pattern.to_string()));
        }
        set_reserves(&mut tokens);
        Ok(TimeFormat {
            pattern: pattern.to_string(),
            kind: Kind::Pattern(tokens),
        })
    }

    /// The text the format was compiled from, e.g. `yyyy-MM-dd HH:mm:ss` or `UNIX`.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// The same layout with day and month the other way round (`dd/MM/yyyy HH:mm` for
    /// `MM/dd/yyyy HH:mm`), when detection knows one: values with both fields at 12 or below
    /// read either way.
    pub fn day_month_swapped(&self) -> Option<TimeFormat> {
        CANDIDATES
            .iter()
            .find(|c| c.format.pattern == self.pattern)
            .and_then(|c| c.swapped.clone())
    }

    /// True for epoch time (`UNIX`).
    pub fn is_unix(&self) -> bool {
        matches!(self.kind, Kind::Unix)
    }

    /// Parse one value. Leading/trailing ASCII whitespace is allowed. Whole string must be consumed.
    ///
    /// Returns `None` for anything that does not fit, including impossible dates (Feb 30, hour 25).
    pub fn parse(&self, s: &str) -> Option<ParsedTime> {
        let s = s.trim_ascii().as_bytes();
        match &self.kind {
            Kind::Unix => parse_unix(s).map(|u| ParsedTime::Instant(u.instant)),
            Kind::Pattern(tokens) => parse_tokens(tokens, s),
        }
    }

    /// Format a naive local time with this pattern (for UNIX: epoch seconds of the naive time taken as UTC).
    ///
    /// Offset letters write UTC (`Z`, `+0000`, `UTC`) because a naive time has no offset of its own.
    pub fn format(&self, t: NaiveDateTime) -> String {
        match &self.kind {
            Kind::Unix => t.and_utc().timestamp().to_string(),
            Kind::Pattern(tokens) => format_tokens(tokens, t),
        }
    }

    /// True when the pattern has no time-of-day fields (e.g. "yyyy-MM-dd"); such formats fit only P1D.
    pub fn is_date_only(&self) -> bool {
        match &self.kind {
            Kind::Unix => false,
            Kind::Pattern(tokens) => !tokens.iter().any(|t| {
                matches!(
                    t,
                    Token::Number(
                        Field::Hour0To23
                            | Field::Hour1To24
                            | Field::Hour1To12
                            | Field::Hour0To11
                            | Field::Minute
                            | Field::Second,
                        _
                    ) | Token::Fraction { .. }
                        | Token::AmPm
                )
            }),
        }
    }

    /// The finest unit the pattern can express, in seconds: 86400 (date only), 3600 (hours), 60, 1 (seconds or finer). UNIX → 1.
    pub fn resolution_seconds(&self) -> i64 {
        let Kind::Pattern(tokens) = &self.kind else {
            return 1;
        };
        let has = |wanted: fn(&Token) -> bool| tokens.iter().any(wanted);
        if has(|t| matches!(t, Token::Number(Field::Second, _) | Token::Fraction { .. })) {
            1
        } else if has(|t| matches!(t, Token::Number(Field::Minute, _))) {
            60
        } else if self.is_date_only() {
            86_400
        } else {
            3_600
        }
    }

    /// True if the pattern uses 12-hour hour letters (`h` or `K`) without the AM/PM marker `a`.
    pub fn twelve_hour_without_marker(&self) -> bool {
        let Kind::Pattern(tokens) = &self.kind else {
            return false;
        };
        let twelve = tokens
            .iter()
            .any(|t| matches!(t, Token::Number(Field::Hour1To12 | Field::Hour0To11, _)));
        twelve && !tokens.contains(&Token::AmPm)
    }

    /// True if the values carry their own UTC offset (Z/X/XXX/z letters), or UNIX.
    pub fn has_offset(&self) -> bool {
        match &self.kind {
            Kind::Unix => true,
            Kind::Pattern(tokens) => tokens.iter().any(|t| matches!(t, Token::Offset(_))),
        }
    }
}

/// The shape of the values of a fixed-width pattern (numbers of fixed width and literal text only),
/// and how many leading bytes decide which interval a value falls in. Sorted data repeats those
/// bytes for every record of an interval, so a scan parses a value only when they change: see
/// [`TimeFormat::fixed_layout`].
#[derive(Debug, Clone, PartialEq)]
pub struct FixedLayout {
    /// What each byte of a value must be, in order.
    parts: Vec<FixedPart>,
    /// The bytes that decide the interval.
    prefix: usize,
    /// The first part after the prefix.
    tail_part: usize,
    len: usize,
    /// What each byte after the prefix must be: a literal, or a digit (`None`).
    tail_shape: Vec<Option<u8>>,
    /// Numbers after the prefix with a bound (seconds at most 59): start, width, bound.
    tail_bounds: Vec<(usize, usize, u32)>,
    /// For a tail of at most 8 bytes in a value of at least 8: the tail checked as one word.
    tail_word: Option<TailWord>,
}

/// The shape of a value's last 8 bytes as masks, so that a tail is checked in a few instructions.
#[derive(Debug, Clone, PartialEq)]
struct TailWord {
    /// Which bytes are literals, and their values.
    literal: u64,
    expected: u64,
    /// The high bit of each digit byte.
    digits: u64,
    /// For each digit byte with a largest digit `d` (the tens of seconds: 5), `127 - d`: adding
    /// it to a digit's value sets the byte's high bit when the digit is larger.
    limits: u64,
    /// Bounds the digits alone cannot check (hours: 23), as in `tail_bounds`.
    rest: Vec<(usize, usize, u32)>,
}

impl TailWord {
    /// The word of `shape` (the bytes after a prefix, ending a value of `len` bytes) and its
    /// bounds (positions in the value).
    fn new(shape: &[Option<u8>], bounds: &[(usize, usize, u32)], len: usize) -> TailWord {
        // Byte k of the word is byte len - 8 + k of the value; the tail is its last bytes.
        let skip = 8 - shape.len();
        let mut w = TailWord {
            literal: 0,
            expected: 0,
            digits: 0,
            limits: 0,
            rest: Vec::new(),
        };
        for (k, b) in shape.iter().enumerate() {
            let shift = 8 * (skip + k);
            match b {
                Some(b) => {
                    w.literal |= 0xff << shift;
                    w.expected |= u64::from(*b) << shift;
                }
                None => w.digits |= 0x80 << shift,
            }
        }
        let mut limit = |at: usize, max: u32| {
            let shift = 8 * (at + 8 - len);
            w.limits |= u64::from(127 - max) << shift;
        };
        for &(at, n, max) in bounds {
            match (n, max) {
                (1, max) => limit(at, max),
                // Two digits up to x9 (59): the first digit up to x, the second any.
                (2, max) if max % 10 == 9 => limit(at, max / 10),
                _ => w.rest.push((at, n, max)),
            }
        }
        w
    }

    #[inline]
    fn fits(&self, value: &[u8]) -> bool {
        const ASCII_0: u64 = 0x3030_3030_3030_3030;
        let Some(last) = value.last_chunk::<8>() else {
            return false;
        };
        let w = u64::from_le_bytes(*last);
        let x = w ^ ASCII_0;
        let not_digit = bytes_above(x, 9);
        // Digits are at most 9 here, so adding a limit (at most 127) carries out of no byte; where
        // a byte is not a digit, the check above has failed already.
        let over = x.wrapping_add(self.limits);
        w & self.literal == self.expected
            && (not_digit | over) & self.digits == 0
            && (self.rest.is_empty() || in_bounds(&self.rest, value))
    }
}

/// The high bit of each byte of `x` above `n` (at most 127), the others clear: with `x` a word
/// of text less `'0'` in every byte, `bytes_above(x, 9)` marks the bytes that were not digits. No
/// carry crosses a byte.
pub(crate) fn bytes_above(x: u64, n: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    (((x & (0x7f * ONES)) + u64::from(127 - n) * ONES) | x) & (0x80 * ONES)
}

/// True when every bounded number of `value` is at most its bound.
fn in_bounds(bounds: &[(usize, usize, u32)], value: &[u8]) -> bool {
    bounds.iter().all(|&(at, n, max)| {
        value[at..at + n]
            .iter()
            .fold(0u32, |v, d| v * 10 + u32::from(d - b'0'))
            <= max
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum FixedPart {
    Literal(u8),
    /// `n` digits whose value is at most `max`.
    Digits {
        n: u8,
        max: u32,
    },
}

impl FixedLayout {
    /// How many leading bytes decide the interval.
    pub fn prefix(&self) -> usize {
        self.prefix
    }

    /// True when `value` has exactly the layout's shape and the fields after the prefix hold values
    /// the full parser accepts (so that a value whose prefix was parsed before needs no parse).
    pub fn fits(&self, value: &[u8]) -> bool {
        self.fits_from(value, 0, 0)
    }

    /// The same, for a value whose prefix is known to fit (it equals one that did): only the
    /// bytes after the prefix are checked.
    #[inline]
    pub fn fits_after_prefix(&self, value: &[u8]) -> bool {
        if value.len() != self.len {
            return false;
        }
        // The hot path of a scan of sorted data: the tail checked as one word.
        match &self.tail_word {
            Some(word) => word.fits(value),
            None => self.tail_fits(value),
        }
    }

    fn tail_fits(&self, value: &[u8]) -> bool {
        value[self.prefix..]
            .iter()
            .zip(&self.tail_shape)
            .all(|(&b, shape)| shape.map_or(b.is_ascii_digit(), |l| b == l))
            && in_bounds(&self.tail_bounds, value)
    }

    fn fits_from(&self, value: &[u8], first_part: usize, at: usize) -> bool {
        if value.len() != self.len {
            return false;
        }
        let mut i = at;
        for part in &self.parts[first_part..] {
            match *part {
                FixedPart::Literal(b) => {
                    if value[i] != b {
                        return false;
                    }
                    i += 1;
                }
                FixedPart::Digits { n, max } => {
                    let digits = &value[i..i + n as usize];
                    if !digits.iter().all(u8::is_ascii_digit) {
                        return false;
                    }
                    if i >= self.prefix {
                        let v = digits
                            .iter()
                            .fold(0u32, |v, d| v * 10 + u32::from(d - b'0'));
                        if v > max {
                            return false;
                        }
                    }
                    i += n as usize;
                }
            }
        }
        true
    }
}

impl TimeFormat {
    /// The fixed layout of this pattern's values, when it has one: only fixed-width numbers, a
    /// fixed number of fraction digits and literal text, no offset (the interval of a value with an
    /// offset depends on more than its prefix). `interval_seconds` decides how much of a value
    /// tells its interval: the date for a day, the hour for an hour, the minute for 5 or 10 minutes.
    pub fn fixed_layout(&self, interval_seconds: i64) -> Option<FixedLayout> {
        let Kind::Pattern(tokens) = &self.kind else {
            return None;
        };
        let deciding = |field: Field| match field {
            Field::Year4 | Field::Year2 | Field::Month | Field::Day => true,
            Field::Hour0To23 | Field::Hour1To24 => interval_seconds < 86_400,
            Field::Minute => interval_seconds < 3_600,
            _ => false,
        };
        let mut parts = Vec::new();
        let mut prefix = 0;
        let mut len = 0;
        for token in tokens {
            match token {
                Token::Literal(text) => {
                    parts.extend(text.bytes().map(FixedPart::Literal));
                    len += text.len();
                }
                Token::Number(field, Width::Fixed(n)) => {
                    let max = match field {
                        Field::Minute | Field::Second => 59,
                        Field::Hour0To23 => 23,
                        Field::Hour1To24 => 24,
                        // Months and days are checked by the full parse of the prefix.
                        Field::Year4 | Field::Year2 | Field::Month | Field::Day => u32::MAX,
                        Field::Hour1To12 | Field::Hour0To11 => return None,
                    };
                    parts.push(FixedPart::Digits { n: *n, max });
                    len += usize::from(*n);
                    if deciding(*field) {
                        prefix = len;
                    }
                }
                Token::Fraction { digits } if *digits > 0 => {
                    parts.push(FixedPart::Digits {
                        n: *digits,
                        max: u32::MAX,
                    });
                    len += usize::from(*digits);
                }
                _ => return None,
            }
        }
        // A value's hour `24` (k) is midnight of the next day: only a full parse tells.
        let k = tokens
            .iter()
            .any(|t| matches!(t, Token::Number(Field::Hour1To24, _)));
        // The prefix always ends between parts: find the first part after it.
        let mut at = 0;
        let mut tail_part = parts.len();
        for (n, p) in parts.iter().enumerate() {
            if at == prefix {
                tail_part = n;
                break;
            }
            at += match p {
                FixedPart::Literal(_) => 1,
                FixedPart::Digits { n, .. } => usize::from(*n),
            };
        }
        let (tail_shape, tail_bounds) = tail_of(&parts[tail_part..], prefix);
        let tail_word = (len >= 8 && tail_shape.len() <= 8)
            .then(|| TailWord::new(&tail_shape, &tail_bounds, len));
        (prefix > 0 && !k).then_some(FixedLayout {
            parts,
            prefix,
            tail_part,
            len,
            tail_shape,
            tail_bounds,
            tail_word,
        })
    }
}

/// The byte shape and the bounded numbers of the parts after a layout's prefix (at byte `at`).
type Tail = (Vec<Option<u8>>, Vec<(usize, usize, u32)>);

fn tail_of(parts: &[FixedPart], mut at: usize) -> Tail {
    let (mut shape, mut bounds) = (Vec::new(), Vec::new());
    for part in parts {
        match *part {
            FixedPart::Literal(b) => {
                shape.push(Some(b));
                at += 1;
            }
            FixedPart::Digits { n, max } => {
                let n = usize::from(n);
                shape.extend(std::iter::repeat_n(None, n));
                // A bound that n digits cannot pass needs no check.
                if u64::from(max) < 10u64.pow(n as u32) - 1 {
                    bounds.push((at, n, max));
                }
                at += n;
            }
        }
    }
    (shape, bounds)
}

impl serde::Serialize for TimeFormat {
    /// A format is written as its pattern, as configs and reports show it.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.pattern)
    }
}

impl fmt::Display for TimeFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.pattern)
    }
}

// ---------------------------------------------------------------------------------------------
// Compiling

fn tokenize(pattern: &str) -> Result<Vec<Token>, TimeFormatError> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut literal = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            if chars.get(i + 1) == Some(&'\'') {
                literal.push('\'');
                i += 2;
                continue;
            }
            let open = i;
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(TimeFormatError::UnterminatedQuote { position: open + 1 }),
                    Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                        literal.push('\'');
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(&ch) => {
                        literal.push(ch);
                        i += 1;
                    }
                }
            }
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while chars.get(i) == Some(&c) {
                i += 1;
            }
            if !literal.is_empty() {
                tokens.push(Token::Literal(
                    std::mem::take(&mut literal).into_boxed_str(),
                ));
            }
            let token = letter_token(c, i - start, start + 1, &tokens)?;
            tokens.push(token);
        } else {
            literal.push(c);
            i += 1;
        }
    }
    if !literal.is_empty() {
        tokens.push(Token::Literal(literal.into_boxed_str()));
    }
    Ok(tokens)
}

/// The token for a run of `count` copies of `letter` starting at (1-based) `position`.
fn letter_token(
    letter: char,
    count: usize,
    position: usize,
    before: &[Token],
) -> Result<Token, TimeFormatError> {
    let width_error = |hint| {
        Err(TimeFormatError::UnsupportedWidth {
            run: std::iter::repeat_n(letter, count).collect(),
            position,
            hint,
        })
    };
    let numeric = |field, hint| match count {
        1 => Ok(Token::Number(field, Width::Flex { reserve: 0 })),
        2 => Ok(Token::Number(field, Width::Fixed(2))),
        _ => width_error(hint),
    };
    let fraction = |count: usize| {
        if count > 9 {
            width_error("at most 9 fraction digits are supported: use SSSSSSSSS or fewer")
        } else {
            // Casting is fine: count is 1..=9 here.
            let digits = if count == 1 { 0 } else { count as u8 };
            Ok(Token::Fraction { digits })
        }
    };
    match letter {
        'y' => match count {
            2 => Ok(Token::Number(Field::Year2, Width::Fixed(2))),
            1 | 3 | 4 => Ok(Token::Number(Field::Year4, Width::Fixed(4))),
            _ => width_error("use yyyy for a 4-digit year or yy for a 2-digit year"),
        },
        'M' => match count {
            1 | 2 => numeric(Field::Month, ""),
            3 => Ok(Token::MonthName { long: false }),
            _ => Ok(Token::MonthName { long: true }),
        },
        'd' => numeric(
            Field::Day,
            "use dd for a 2-digit day or d for one or two digits",
        ),
        'H' => numeric(Field::Hour0To23, "use HH (00-23) or H"),
        'k' => numeric(Field::Hour1To24, "use kk (01-24) or k"),
        'h' => numeric(
            Field::Hour1To12,
            "use hh (01-12) with a, or HH for 24-hour time",
        ),
        'K' => numeric(
            Field::Hour0To11,
            "use KK (00-11) with a, or HH for 24-hour time",
        ),
        'm' => numeric(Field::Minute, "use mm for minutes"),
        's' if follows_seconds_and_dot(before) => fraction(count),
        's' => numeric(
            Field::Second,
            "use ss for seconds and S letters for fractions (ss.SSS)",
        ),
        'S' => fraction(count),
        'a' => Ok(Token::AmPm),
        'Z' => Ok(Token::Offset(OffsetStyle::Rfc822)),
        'X' => match count {
            1 => Ok(Token::Offset(OffsetStyle::IsoHours)),
            2 => Ok(Token::Offset(OffsetStyle::IsoBasic)),
            3 => Ok(Token::Offset(OffsetStyle::IsoExtended)),
            _ => width_error("use X (+07), XX (+0700) or XXX (+07:00)"),
        },
        'z' => Ok(Token::Offset(OffsetStyle::Name)),
        'E' => Ok(Token::DayName { long: count >= 4 }),
        other => Err(TimeFormatError::UnsupportedLetter {
            letter: other,
            position,
            hint: letter_hint(other),
        }),
    }
}

/// The `ss.s` quirk: an `s` run straight after `ss.` is a fraction of a second, not seconds again.
fn follows_seconds_and_dot(before: &[Token]) -> bool {
    matches!(
        before,
        [.., Token::Number(Field::Second, _), Token::Literal(dot)] if &**dot == "."
    )
}

fn letter_hint(letter: char) -> &'static str {
    match letter {
        'Y' => {
            "Y is the week-based year, which differs from the calendar year around New Year: use yyyy"
        }
        'D' => "D is the day of the year: use dd for the day of the month",
        'G' => "era designators (AD/BC) are not supported: remove G",
        'w' | 'W' => "week numbers are not supported: use yyyy-MM-dd",
        'F' => "day of week in month is not supported: use dd",
        'u' => "day number of the week is not supported: use EEE for a day name, or remove it",
        'L' => "use M, MM or MMM for the month",
        'n' => "use S letters for fractions of a second (ss.SSS)",
        _ => "it is not a date or time letter: put literal text in single quotes, like 'T'",
    }
}

/// Give each one-or-two-digit field the number of digits that abutting numeric fields need after it.
fn set_reserves(tokens: &mut [Token]) {
    let mut following: u8 = 0;
    for token in tokens.iter_mut().rev() {
        let Some(min) = token.min_digits() else {
            following = 0;
            continue;
        };
        if let Token::Number(_, Width::Flex { reserve }) = token {
            *reserve = following;
        }
        following = following.saturating_add(min);
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing

const MONTHS_LONG: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_SHORT: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAYS_LONG: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const DAYS_SHORT: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Field values gathered while walking the tokens; Java's defaults stand for absent fields.
struct Fields {
    year: i32,
    month: u32,
    day: u32,
    hour: u32,
    hour12: Option<u32>,
    pm: Option<bool>,
    minute: u32,
    second: u32,
    nano: u32,
    offset_seconds: Option<i32>,
}

fn parse_tokens(tokens: &[Token], s: &[u8]) -> Option<ParsedTime> {
    let mut f = Fields {
        year: 1970,
        month: 1,
        day: 1,
        hour: 0,
        hour12: None,
        pm: None,
        minute: 0,
        second: 0,
        nano: 0,
        offset_seconds: None,
    };
    let mut pos = 0;
    for token in tokens {
        let rest = s.get(pos..)?;
        match token {
            Token::Literal(text) => {
                if !rest.starts_with(text.as_bytes()) {
                    return None;
                }
                pos += text.len();
            }
            Token::Number(field, width) => {
                let (value, used) = read_number(rest, *width)?;
                pos += used;
                match field {
                    Field::Year4 => f.year = value as i32,
                    Field::Year2 => f.year = if value < 70 { 2000 } else { 1900 } + value as i32,
                    Field::Month => f.month = value,
                    Field::Day => f.day = value,
                    Field::Hour0To23 if value <= 23 => f.hour = value,
                    Field::Hour1To24 if (1..=24).contains(&value) => f.hour = value % 24,
                    Field::Hour1To12 if (1..=12).contains(&value) => f.hour12 = Some(value % 12),
                    Field::Hour0To11 if value <= 11 => f.hour12 = Some(value),
                    Field::Minute if value <= 59 => f.minute = value,
                    Field::Second if value <= 59 => f.second = value,
                    _ => return None,
                }
            }
            Token::Fraction { digits } => {
                let (nano, used) = read_fraction(rest, *digits)?;
                f.nano = nano;
                pos += used;
            }
            Token::MonthName { .. } => {
                let (index, used) =
                    match_name(rest, &MONTHS_LONG).or_else(|| match_name(rest, &MONTHS_SHORT))?;
                f.month = index as u32 + 1;
                pos += used;
            }
            Token::DayName { .. } => {
                // Java reads the name and then ignores it when a date is present: so do we.
                let (_, used) =
                    match_name(rest, &DAYS_LONG).or_else(|| match_name(rest, &DAYS_SHORT))?;
                pos += used;
            }
            Token::AmPm => {
                let (index, used) = match_name(rest, &["AM", "PM"])?;
                f.pm = Some(index == 1);
                pos += used;
            }
            Token::Offset(style) => {
                let (offset, used) = read_offset(rest, *style)?;
                f.offset_seconds = Some(offset);
                pos += used;
            }
        }
    }
    if pos != s.len() {
        return None;
    }
    // Java ignores the marker for H and k; without a marker, h and K read as morning.
    let hour = match f.hour12 {
        Some(h) if f.pm == Some(true) => h + 12,
        Some(h) => h,
        None => f.hour,
    };
    let date = NaiveDate::from_ymd_opt(f.year, f.month, f.day)?;
    let time = NaiveTime::from_hms_nano_opt(hour, f.minute, f.second, f.nano)?;
    let local = NaiveDateTime::new(date, time);
    match f.offset_seconds {
        None => Some(ParsedTime::Local(local)),
        Some(offset) => local
            .checked_sub_signed(TimeDelta::seconds(i64::from(offset)))
            .map(|utc| ParsedTime::Instant(utc.and_utc())),
    }
}

/// The value and length of the number at the start of `s`, or `None` if the digits do not fit.
fn read_number(s: &[u8], width: Width) -> Option<(u32, usize)> {
    let take = match width {
        Width::Fixed(n) => usize::from(n),
        Width::Flex { reserve } => {
            let reserve = usize::from(reserve);
            let available = s
                .iter()
                .take(2 + reserve)
                .take_while(|b| b.is_ascii_digit())
                .count();
            available.saturating_sub(reserve).min(2)
        }
    };
    if take == 0 {
        return None;
    }
    let digits = s.get(..take)?;
    let mut value = 0u32;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + u32::from(b - b'0');
    }
    Some((value, take))
}

/// Nanoseconds and length of the fraction at the start of `s`; `digits == 0` takes one to nine.
fn read_fraction(s: &[u8], digits: u8) -> Option<(u32, usize)> {
    let run = s.iter().take(9).take_while(|b| b.is_ascii_digit()).count();
    let take = if digits == 0 {
        run
    } else {
        usize::from(digits)
    };
    if take == 0 || run < take {
        return None;
    }
    let mut nano = 0u32;
    for &b in &s[..take] {
        nano = nano * 10 + u32::from(b - b'0');
    }
    for _ in take..9 {
        nano *= 10;
    }
    Some((nano, take))
}

/// Index and length of the first name that `s` starts with, ignoring ASCII case.
fn match_name(s: &[u8], names: &[&str]) -> Option<(usize, usize)> {
    names.iter().enumerate().find_map(|(i, name)| {
        let n = name.len();
        s.get(..n)
            .filter(|head| head.eq_ignore_ascii_case(name.as_bytes()))
            .map(|_| (i, n))
    })
}

/// Offset east of UTC in seconds, and the length read.
fn read_offset(s: &[u8], style: OffsetStyle) -> Option<(i32, usize)> {
    if style == OffsetStyle::Name {
        return match_name(s, &["UTC", "GMT", "Z"]).map(|(_, used)| (0, used));
    }
    if style != OffsetStyle::Rfc822 && s.first() == Some(&b'Z') {
        return Some((0, 1));
    }
    let sign = match s.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let two = |at: usize| -> Option<i32> {
        let (v, _) = read_number(s.get(at..)?, Width::Fixed(2))?;
        Some(v as i32)
    };
    let hours = two(1)?;
    let (minutes, used) = match style {
        OffsetStyle::IsoHours => (0, 3),
        OffsetStyle::IsoExtended => {
            if s.get(3) != Some(&b':') {
                return None;
            }
            (two(4)?, 6)
        }
        _ => (two(3)?, 5),
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some((sign * (hours * 3_600 + minutes * 60), used))
}

/// An epoch value as read, with what detection needs to judge it.
struct UnixValue {
    instant: DateTime<Utc>,
    millis: bool,
    integer_digits: usize,
}

/// Epoch seconds or milliseconds (decided per value), with an optional fraction; never negative.
fn parse_unix(s: &[u8]) -> Option<UnixValue> {
    let (integer, fraction) = match s.iter().position(|&b| b == b'.') {
        Some(dot) => (&s[..dot], Some(&s[dot + 1..])),
        None => (s, None),
    };
    if integer.is_empty() || !integer.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut value: u64 = 0;
    for &b in integer {
        value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    // The fraction of one unit (second or millisecond), in billionths; digits past nine are noise.
    let mut part: u64 = 0;
    if let Some(fraction) = fraction {
        if fraction.is_empty() || !fraction.iter().all(u8::is_ascii_digit) {
            return None;
        }
        for i in 0..9 {
            part = part * 10 + fraction.get(i).map_or(0, |b| u64::from(b - b'0'));
        }
    }
    let millis = value > UNIX_MILLIS_THRESHOLD;
    let (seconds, nanos) = if millis {
        (value / 1_000, (value % 1_000) * 1_000_000 + part / 1_000)
    } else {
        (value, part)
    };
    let instant =
        DateTime::from_timestamp(i64::try_from(seconds).ok()?, u32::try_from(nanos).ok()?)?;
    Some(UnixValue {
        instant,
        millis,
        integer_digits: integer.len(),
    })
}

// ---------------------------------------------------------------------------------------------
// Formatting

fn format_tokens(tokens: &[Token], t: NaiveDateTime) -> String {
    let mut out = String::with_capacity(32);
    for token in tokens {
        // Writing to a String cannot fail, so the fmt::Result carries nothing.
        let _ = match token {
            Token::Literal(text) => out.write_str(text),
            Token::Number(field, width) => {
                let value = match field {
                    Field::Year4 => i64::from(t.year()),
                    Field::Year2 => i64::from(t.year().rem_euclid(100)),
                    Field::Month => i64::from(t.month()),
                    Field::Day => i64::from(t.day()),
                    Field::Hour0To23 => i64::from(t.hour()),
                    Field::Hour1To24 if t.hour() == 0 => 24,
                    Field::Hour1To24 => i64::from(t.hour()),
                    Field::Hour1To12 if t.hour().is_multiple_of(12) => 12,
                    Field::Hour1To12 | Field::Hour0To11 => i64::from(t.hour() % 12),
                    Field::Minute => i64::from(t.minute()),
                    Field::Second => i64::from(t.second()),
                };
                let pad = match width {
                    Width::Fixed(n) => usize::from(*n),
                    Width::Flex { .. } => 1,
                };
                write!(out, "{value:0pad$}")
            }
            Token::Fraction { digits } => {
                // Leap-second nanos (>= 1e9) are folded back so the digit count stays right.
                let nanos = format!("{:09}", t.nanosecond() % 1_000_000_000);
                let text = match digits {
                    0 => {
                        let trimmed = nanos.trim_end_matches('0');
                        if trimmed.is_empty() { "0" } else { trimmed }
                    }
                    n => &nanos[..usize::from(*n)],
                };
                out.write_str(text)
            }
            Token::MonthName { long } => {
                let i = t.month0() as usize;
                out.write_str(if *long {
                    MONTHS_LONG[i]
                } else {
                    MONTHS_SHORT[i]
                })
            }
            Token::DayName { long } => {
                let i = t.weekday().num_days_from_monday() as usize;
                out.write_str(if *long { DAYS_LONG[i] } else { DAYS_SHORT[i] })
            }
            Token::AmPm => out.write_str(if t.hour() < 12 { "AM" } else { "PM" }),
            Token::Offset(style) => out.write_str(match style {
                OffsetStyle::Rfc822 => "+0000",
                OffsetStyle::Name => "UTC",
                _ => "Z",
            }),
        };
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Detection

/// The timestamp format guessed for a column, with the evidence for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Detected {
    /// The format that parses the most samples.
    pub format: TimeFormat,
    /// How many non-empty samples parse with it.
    pub parsed: usize,
    /// How many non-empty samples there were.
    pub total: usize,
    /// HIGH only when every sample parses and no other reading (day/month swapped) fits as well.
    pub confidence: Confidence,
    /// Short, e.g. "all 21 values parse as yyyy-MM-dd HH:mm:ss".
    pub reason: String,
    /// The first non-empty sample (trimmed) that does not parse, if any.
    pub first_unparsed: Option<String>,
}

/// One format detection tries, with what it takes to trust it.
struct Candidate {
    format: TimeFormat,
    /// The same layout with day and month swapped, when values could be read either way.
    swapped: Option<TimeFormat>,
    /// Digits only (like `yyyyMMdd`): numbers such as IDs can fit, so the year must be plausible.
    compact: bool,
}

impl Candidate {
    fn accepts(&self, value: &str) -> bool {
        if self.format.is_unix() {
            return plausible_unix(value);
        }
        match self.format.parse(value) {
            Some(parsed) => !self.compact || (1900..=2200).contains(&parsed.year()),
            None => false,
        }
    }
}

/// Epoch time as detection accepts it: 9-13 integer digits, between 1990-01-01 and 2100-01-01.
fn plausible_unix(value: &str) -> bool {
    // 1990-01-01T00:00:00Z and 2100-01-01T00:00:00Z.
    const FROM: i64 = 631_152_000;
    const UNTIL: i64 = 4_102_444_800;
    parse_unix(value.trim_ascii().as_bytes()).is_some_and(|u| {
        (9..=13).contains(&u.integer_digits) && (FROM..UNTIL).contains(&u.instant.timestamp())
    })
}

/// Fraction variants of a pattern ending in seconds: exact digit counts first, then `S` (any count),
/// so that a column where every value has three digits gets `SSS`.
fn with_fractions(base: &str, separator: char, suffix: &str) -> Vec<String> {
    let mut out: Vec<String> = (2..=9)
        .map(|n| format!("{base}{separator}{}{suffix}", "S".repeat(n)))
        .collect();
    out.push(format!("{base}{separator}S{suffix}"));
    out
}

/// Every pattern detection tries, in tie-break order, with its day/month swap where one exists.
fn candidate_patterns() -> Vec<(String, Option<String>)> {
    let mut list: Vec<(String, Option<String>)> = Vec::new();
    let mut plain = |patterns: &[String]| {
        list.extend(patterns.iter().map(|p| (p.clone(), None)));
    };
    let strings = |patterns: &[&str]| patterns.iter().map(|p| p.to_string()).collect::<Vec<_>>();

    plain(&strings(&[
        "yyyy-MM-dd HH:mm:ss",
        "yyyy-MM-dd HH:mm",
        "yyyy-MM-dd",
        "yyyy-MM-dd hh:mm:ss a",
        "yyyy-MM-dd hh:mm a",
    ]));
    plain(&with_fractions("yyyy-MM-dd HH:mm:ss", '.', ""));
    plain(&with_fractions("yyyy-MM-dd HH:mm:ss", ',', ""));
    for separator in ["'T'", " "] {
        let base = format!("yyyy-MM-dd{separator}HH:mm:ss");
        for offset in ["", "X", "XXX", "Z", "XX"] {
            if separator == " " && offset.is_empty() {
                continue; // listed first above
            }
            plain(&[format!("{base}{offset}")]);
        }
        for offset in ["", "X", "XXX", "Z", "XX"] {
            if separator == " " && offset.is_empty() {
                continue;
            }
            plain(&with_fractions(&base, '.', offset));
        }
    }
    plain(&strings(&[
        "yyyy-MM-dd'T'HH:mm",
        "yyyy-MM-dd'T'HH:mmX",
        "yyyy-MM-dd'T'HH:mmXXX",
        "yyyy/MM/dd HH:mm:ss",
        "yyyy/MM/dd HH:mm",
        "yyyy/MM/dd",
    ]));
    plain(&with_fractions("yyyy/MM/dd HH:mm:ss", '.', ""));

    // Day-first and month-first layouts: each is listed with its swap, month-first winning ties
    // for slashes (the US habit), day-first for dashes.
    let mut pairs = |first: &str, second: &str, times: &[&str]| {
        for (a, b) in [(first, second), (second, first)] {
            for time in times {
                list.push((format!("{a}{time}"), Some(format!("{b}{time}"))));
            }
        }
    };
    let full_times = [" HH:mm:ss", " HH:mm", "", " hh:mm:ss a", " hh:mm a"];
    let flex_times = [" H:mm:ss", " H:mm", "", " h:mm:ss a", " h:mm a"];
    pairs("MM/dd/yyyy", "dd/MM/yyyy", &full_times);
    pairs("M/d/yyyy", "d/M/yyyy", &flex_times);
    pairs("dd-MM-yyyy", "MM-dd-yyyy", &[" HH:mm:ss", " HH:mm", ""]);

    list.extend(
        [
            "dd.MM.yyyy HH:mm:ss",
            "dd.MM.yyyy HH:mm",
            "dd.MM.yyyy",
            "yyyyMMdd",
            "yyyyMMddHHmmss",
            "yyyyMMddHHmm",
            "yyyyMMdd'T'HHmmss",
            "yyyyMMdd'T'HHmmssX",
            "dd MMM yyyy HH:mm:ss",
            "dd MMM yyyy HH:mm",
            "dd MMM yyyy",
            "dd-MMM-yyyy HH:mm:ss",
            "dd-MMM-yyyy HH:mm",
            "dd-MMM-yyyy",
            UNIX,
        ]
        .iter()
        .map(|p| (p.to_string(), None)),
    );
    list
}

static CANDIDATES: LazyLock<Vec<Candidate>> = LazyLock::new(|| {
    candidate_patterns()
        .into_iter()
        .filter_map(|(pattern, swapped)| {
            let format = TimeFormat::compile(&pattern).ok()?;
            let compact = !format.is_unix() && pattern.bytes().all(|b| b.is_ascii_alphabetic());
            Some(Candidate {
                format,
                swapped: swapped.and_then(|s| TimeFormat::compile(&s).ok()),
                compact,
            })
        })
        .collect()
});

/// Work out the timestamp format of a column from sample values.
///
/// Empty and whitespace-only samples are ignored. The candidate that parses the most samples wins
/// (ties go to the earlier candidate); `None` when no candidate parses at least 80% of them.
pub fn detect(samples: &[&str]) -> Option<Detected> {
    let values: Vec<&str> = samples
        .iter()
        .map(|s| s.trim_ascii())
        .filter(|s| !s.is_empty())
        .collect();
    let total = values.len();
    // A candidate is first tried on a few hundred values spread over the column: one that fails
    // on a fifth of them will not pass the column, and most columns are text or numbers that fail
    // them all, so most candidates are not tried on every value.
    let step = total.div_ceil(256).max(1);
    let probe: Vec<&str> = values.iter().copied().step_by(step).collect();
    let mut best: Option<(&Candidate, usize)> = None;
    for candidate in CANDIDATES.iter() {
        let probed = probe.iter().filter(|v| candidate.accepts(v)).count();
        if probed * 5 < probe.len() * 4 {
            continue;
        }
        let parsed = values.iter().filter(|v| candidate.accepts(v)).count();
        if parsed > best.map_or(0, |(_, n)| n) {
            best = Some((candidate, parsed));
            // A later candidate can only tie, and ties go to the earlier one.
            if parsed == total {
                break;
            }
        }
    }
    let (candidate, parsed) = best?;
    if parsed * 5 < total * 4 {
        return None;
    }

    let first_unparsed = values
        .iter()
        .find(|v| !candidate.accepts(v))
        .map(|v| v.to_string());
    let ambiguous_with = candidate.swapped.as_ref().filter(|swapped| {
        values
            .iter()
            .filter(|v| candidate.accepts(v))
            .all(|v| swapped.parse(v).is_some())
    });

    let pattern = candidate.format.pattern();
    let described = if candidate.format.is_unix() {
        let millis = values
            .iter()
            .filter(|v| plausible_unix(v))
            .filter_map(|v| parse_unix(v.as_bytes()))
            .filter(|u| u.millis)
            .count();
        let unit = match millis {
            0 => "epoch seconds",
            n if n == parsed => "epoch milliseconds",
            _ => "epoch seconds and milliseconds",
        };
        format!("UNIX {unit}")
    } else {
        pattern.to_string()
    };
    let mut reason = if total == 1 && parsed == 1 {
        format!("the only value parses as {described}")
    } else if parsed == total {
        format!("all {total} values parse as {described}")
    } else {
        format!("{parsed} of {total} values parse as {described}")
    };
    if let Some(swapped) = ambiguous_with {
        let _ = write!(
            reason,
            "; every one also parses as {}, so day and month could be either way round: please confirm",
            swapped.pattern()
        );
    }
    let confidence = if parsed == total && ambiguous_with.is_none() {
        Confidence::High
    } else {
        Confidence::Low
    };
    Some(Detected {
        format: candidate.format.clone(),
        parsed,
        total,
        confidence,
        reason,
        first_unparsed,
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_fixed_layout_decides_the_interval_by_its_prefix() {
        let f = TimeFormat::compile("yyyy-MM-dd HH:mm:ss").unwrap();
        let minutes = f.fixed_layout(300).unwrap();
        assert_eq!(minutes.prefix(), "2023-01-01 00:05".len());
        assert_eq!(
            f.fixed_layout(3_600).unwrap().prefix(),
            "2023-01-01 00".len()
        );
        assert_eq!(f.fixed_layout(86_400).unwrap().prefix(), "2023-01-01".len());
        assert!(minutes.fits(b"2023-01-01 00:05:59"));
        assert!(!minutes.fits(b"2023-01-01 00:05:60"), "seconds above 59");
        assert!(!minutes.fits(b"2023-01-01 00:05:5x"));
        assert!(!minutes.fits(b"2023-01-01T00:05:59"));
        assert!(!minutes.fits(b"2023-01-01 00:05:59 "));
        let ms = TimeFormat::compile("yyyy-MM-dd'T'HH:mm:ss.SSS").unwrap();
        assert!(
            ms.fixed_layout(300)
                .unwrap()
                .fits(b"2023-01-01T00:05:59.123")
        );
        for no in [
            "yyyy-MM-dd'T'HH:mm:ssXXX",
            "UNIX",
            "d/M/yyyy H:mm",
            "yyyy-MM-dd hh:mm a",
        ] {
            assert_eq!(
                TimeFormat::compile(no).unwrap().fixed_layout(300),
                None,
                "{no}"
            );
        }
    }

    use super::*;

    #[test]
    fn the_tail_checked_as_a_word_agrees_with_the_full_check() {
        // Every byte of the tail of valid values replaced by every byte: the word check of
        // fits_after_prefix must say what the part-by-part fits says.
        for (pattern, value, interval) in [
            ("yyyy-MM-dd HH:mm:ss", "2023-01-01 00:05:59", 300),
            ("yyyy-MM-dd HH:mm:ss", "2023-01-01 23:05:09", 3_600),
            ("yyyy-MM-dd'T'HH:mm:ss.SSS", "2023-01-01T00:05:59.123", 300),
            ("yyyy/MM/dd HH:mm", "2023/01/01 10:45", 3_600),
            // Hours (at most 23) in the word, checked apart from it.
            ("yyyyMMddHHmmss", "20230101235959", 86_400),
            ("yyyyMMddHHmmss", "20230101195909", 86_400),
            // A tail of 9 bytes, checked byte by byte.
            ("yyyy-MM-dd HH:mm:ss", "2023-01-01 19:59:59", 86_400),
        ] {
            let layout = TimeFormat::compile(pattern)
                .unwrap()
                .fixed_layout(interval)
                .unwrap();
            assert!(layout.fits_after_prefix(value.as_bytes()), "{value}");
            let mut v = value.as_bytes().to_vec();
            for at in layout.prefix()..v.len() {
                let keep = v[at];
                for b in 0..=255u8 {
                    v[at] = b;
                    assert_eq!(
                        layout.fits_after_prefix(&v),
                        layout.fits(&v),
                        "{pattern}: byte {at} = {b}"
                    );
                }
                v[at] = keep;
            }
        }
    }

    fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|date| date.and_hms_opt(h, mi, s))
            .expect("test date is valid")
    }

    fn dt_nano(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, nano: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|date| date.and_hms_nano_opt(h, mi, s, nano))
            .expect("test date is valid")
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        dt(y, mo, d, h, mi, s).and_utc()
    }

    fn fmt(pattern: &str) -> TimeFormat {
        TimeFormat::compile(pattern).expect("test pattern compiles")
    }

    fn local(pattern: &str, value: &str) -> Option<NaiveDateTime> {
        match fmt(pattern).parse(value)? {
            ParsedTime::Local(t) => Some(t),
            ParsedTime::Instant(_) => None,
        }
    }

    fn instant(pattern: &str, value: &str) -> Option<DateTime<Utc>> {
        match fmt(pattern).parse(value)? {
            ParsedTime::Instant(t) => Some(t),
            ParsedTime::Local(_) => None,
        }
    }

    fn detected(samples: &[&str]) -> (String, Confidence) {
        let d = detect(samples).expect("a format is detected");
        (d.format.pattern().to_string(), d.confidence)
    }

    fn high(pattern: &str) -> (String, Confidence) {
        (pattern.to_string(), Confidence::High)
    }

    // --- compiling -------------------------------------------------------------------------

    #[test]
    fn pattern_returns_the_original_text() {
        assert_eq!(fmt("yyyy-MM-dd HH:mm:ss").pattern(), "yyyy-MM-dd HH:mm:ss");
        assert_eq!(fmt("UNIX").pattern(), "UNIX");
        assert!(fmt("UNIX").is_unix());
        assert!(!fmt("yyyy").is_unix());
        assert_eq!(fmt("yyyy-MM-dd").to_string(), "yyyy-MM-dd");
    }

    #[test]
    fn unknown_letters_are_errors_that_name_the_letter_and_position() {
        let err = TimeFormat::compile("yyyy-QQ").unwrap_err();
        assert!(matches!(
            err,
            TimeFormatError::UnsupportedLetter {
                letter: 'Q',
                position: 6,
                ..
            }
        ));
        assert!(err.to_string().contains("letter 'Q' at position 6"));
        for (pattern, letter) in [
            ("G yyyy", 'G'),
            ("yyyy-ww", 'w'),
            ("u", 'u'),
            ("yyyy n", 'n'),
        ] {
            match TimeFormat::compile(pattern) {
                Err(TimeFormatError::UnsupportedLetter { letter: l, .. }) => assert_eq!(l, letter),
                other => panic!("{pattern}: {other:?}"),
            }
        }
    }

    #[test]
    fn week_year_letter_suggests_the_calendar_year() {
        let message = TimeFormat::compile("YYYY-MM-dd").unwrap_err().to_string();
        assert!(message.contains("'Y' at position 1"), "{message}");
        assert!(message.contains("use yyyy"), "{message}");
        let message = TimeFormat::compile("yyyy-MM-DD").unwrap_err().to_string();
        assert!(message.contains("use dd"), "{message}");
    }

    #[test]
    fn unsupported_repeat_counts_are_errors_that_say_what_to_use() {
        let err = TimeFormat::compile("yyyy-MM-ddd").unwrap_err();
        assert_eq!(
            err,
            TimeFormatError::UnsupportedWidth {
                run: "ddd".to_string(),
                position: 9,
                hint: "use dd for a 2-digit day or d for one or two digits",
            }
        );
        assert!(matches!(
            TimeFormat::compile("HH:mmXXXX"),
            Err(TimeFormatError::UnsupportedWidth { position: 6, .. })
        ));
        assert!(matches!(
            TimeFormat::compile("ss.SSSSSSSSSS"),
            Err(TimeFormatError::UnsupportedWidth { .. })
        ));
        assert!(matches!(
            TimeFormat::compile("yyyyy"),
            Err(TimeFormatError::UnsupportedWidth { .. })
        ));
    }

    #[test]
    fn an_unclosed_quote_is_an_error_at_the_quote() {
        assert_eq!(
            TimeFormat::compile("yyyy'T"),
            Err(TimeFormatError::UnterminatedQuote { position: 5 })
        );
        assert_eq!(
            TimeFormat::compile("'"),
            Err(TimeFormatError::UnterminatedQuote { position: 1 })
        );
        assert_eq!(
            TimeFormat::compile("''"),
            Err(TimeFormatError::NoFields("''".to_string()))
        );
    }

    #[test]
    fn empty_and_misspelled_unix_patterns_are_errors() {
        assert_eq!(TimeFormat::compile(""), Err(TimeFormatError::Empty));
        assert_eq!(TimeFormat::compile("  "), Err(TimeFormatError::Empty));
        assert_eq!(
            TimeFormat::compile("unix"),
            Err(TimeFormatError::UnixSpelling("unix".to_string()))
        );
        assert_eq!(
            TimeFormat::compile("--"),
            Err(TimeFormatError::NoFields("--".to_string()))
        );
    }

    // --- parsing each letter ---------------------------------------------------------------

    #[test]
    fn year_month_day_hour_minute_second_parse_to_the_wall_clock_time() {
        assert_eq!(
            local("yyyy-MM-dd HH:mm:ss", "2020-10-01 13:45:59"),
            Some(dt(2020, 10, 1, 13, 45, 59))
        );
        assert_eq!(
            local("yyyy-MM-dd", "2020-02-29"),
            Some(dt(2020, 2, 29, 0, 0, 0))
        );
        assert_eq!(
            local("yyyyMMddHHmmss", "20201001134559"),
            Some(dt(2020, 10, 1, 13, 45, 59))
        );
    }

    #[test]
    fn two_digit_years_below_70_are_this_century_and_the_rest_the_last() {
        assert_eq!(local("yy-MM-dd", "00-01-02"), Some(dt(2000, 1, 2, 0, 0, 0)));
        assert_eq!(local("yy-MM-dd", "69-01-02"), Some(dt(2069, 1, 2, 0, 0, 0)));
        assert_eq!(local("yy-MM-dd", "70-01-02"), Some(dt(1970, 1, 2, 0, 0, 0)));
        assert_eq!(
            local("yy-MM-dd", "99-12-31"),
            Some(dt(1999, 12, 31, 0, 0, 0))
        );
        assert_eq!(local("yy-MM-dd", "2020-01-02"), None);
    }

    #[test]
    fn single_letters_take_one_or_two_digits_and_doubled_letters_exactly_two() {
        assert_eq!(
            local("yyyy/M/d H:m:s", "2020/1/2 3:4:5"),
            Some(dt(2020, 1, 2, 3, 4, 5))
        );
        assert_eq!(
            local("yyyy/M/d H:m:s", "2020/11/12 13:14:15"),
            Some(dt(2020, 11, 12, 13, 14, 15))
        );
        assert_eq!(local("yyyy/M/d", "2020/011/2"), None);
        assert_eq!(local("yyyy/MM/dd", "2020/1/02"), None);
        assert_eq!(local("yyyy/MM/dd", "2020/01/2"), None);
        assert_eq!(local("yyyy-MM-dd", "20-01-02"), None);
        assert_eq!(local("yyyy-MM-dd", "02020-01-02"), None);
    }

    #[test]
    fn a_single_letter_field_leaves_digits_for_an_abutting_field() {
        assert_eq!(
            local("yyyy-MM-dd Hmm", "2020-01-02 930"),
            Some(dt(2020, 1, 2, 9, 30, 0))
        );
        assert_eq!(
            local("yyyy-MM-dd Hmm", "2020-01-02 1930"),
            Some(dt(2020, 1, 2, 19, 30, 0))
        );
        assert_eq!(local("yyyy-MM-dd Hmm", "2020-01-02 30"), None);
    }

    #[test]
    fn month_names_parse_short_or_long_in_any_case() {
        let expect = Some(dt(2020, 9, 3, 0, 0, 0));
        assert_eq!(local("dd MMM yyyy", "03 Sep 2020"), expect);
        assert_eq!(local("dd MMM yyyy", "03 SEP 2020"), expect);
        assert_eq!(local("dd MMM yyyy", "03 sep 2020"), expect);
        assert_eq!(local("dd MMM yyyy", "03 September 2020"), expect);
        assert_eq!(local("dd MMMM yyyy", "03 september 2020"), expect);
        assert_eq!(local("dd MMM yyyy", "03 Sept 2020"), None);
        assert_eq!(local("dd MMM yyyy", "03 Foo 2020"), None);
    }

    #[test]
    fn day_names_are_read_and_then_ignored() {
        let expect = Some(dt(2020, 10, 1, 0, 0, 0));
        assert_eq!(local("EEE, dd MMM yyyy", "Thu, 01 Oct 2020"), expect);
        assert_eq!(local("EEEE dd MMM yyyy", "thursday 01 Oct 2020"), expect);
        // Java ignores a day name that does not match the date; so do we.
        assert_eq!(local("EEE dd MMM yyyy", "Mon 01 Oct 2020"), expect);
        assert_eq!(local("EEE dd MMM yyyy", "Xyz 01 Oct 2020"), None);
    }

    #[test]
    fn hour_of_day_h_is_0_to_23() {
        assert_eq!(
            local("yyyy-MM-dd H", "2020-01-01 0"),
            Some(dt(2020, 1, 1, 0, 0, 0))
        );
        assert_eq!(
            local("yyyy-MM-dd HH", "2020-01-01 23"),
            Some(dt(2020, 1, 1, 23, 0, 0))
        );
        assert_eq!(local("yyyy-MM-dd HH", "2020-01-01 24"), None);
    }

    #[test]
    fn hour_k_is_1_to_24_with_24_meaning_midnight() {
        assert_eq!(
            local("yyyy-MM-dd kk:mm", "2020-01-01 24:00"),
            Some(dt(2020, 1, 1, 0, 0, 0))
        );
        assert_eq!(
            local("yyyy-MM-dd kk:mm", "2020-01-01 13:30"),
            Some(dt(2020, 1, 1, 13, 30, 0))
        );
        assert_eq!(local("yyyy-MM-dd k:mm", "2020-01-01 0:30"), None);
    }

    #[test]
    fn twelve_hour_h_with_a_reads_am_and_pm_in_any_case() {
        let p = "yyyy-MM-dd hh:mm a";
        assert_eq!(
            local(p, "2020-01-01 12:30 AM"),
            Some(dt(2020, 1, 1, 0, 30, 0))
        );
        assert_eq!(
            local(p, "2020-01-01 12:30 PM"),
            Some(dt(2020, 1, 1, 12, 30, 0))
        );
        assert_eq!(
            local(p, "2020-01-01 01:00 pm"),
            Some(dt(2020, 1, 1, 13, 0, 0))
        );
        assert_eq!(
            local(p, "2020-01-01 11:59 am"),
            Some(dt(2020, 1, 1, 11, 59, 0))
        );
        assert_eq!(local(p, "2020-01-01 13:00 PM"), None);
        assert_eq!(local(p, "2020-01-01 00:00 AM"), None);
        assert_eq!(local(p, "2020-01-01 01:00 XM"), None);
    }

    #[test]
    fn twelve_hour_k_is_0_to_11() {
        let p = "yyyy-MM-dd KK:mm a";
        assert_eq!(
            local(p, "2020-01-01 00:15 PM"),
            Some(dt(2020, 1, 1, 12, 15, 0))
        );
        assert_eq!(
            local(p, "2020-01-01 11:15 AM"),
            Some(dt(2020, 1, 1, 11, 15, 0))
        );
        assert_eq!(local(p, "2020-01-01 12:15 AM"), None);
    }

    #[test]
    fn twelve_hour_pattern_needs_the_am_pm_marker() {
        assert!(fmt("yyyy-MM-dd hh:mm").twelve_hour_without_marker());
        assert!(fmt("yyyy-MM-dd K:mm").twelve_hour_without_marker());
        assert!(!fmt("yyyy-MM-dd hh:mm a").twelve_hour_without_marker());
        assert!(!fmt("yyyy-MM-dd HH:mm").twelve_hour_without_marker());
        assert!(!fmt("UNIX").twelve_hour_without_marker());
        // Without the marker every value reads as morning, as Java does.
        assert_eq!(
            local("yyyy-MM-dd hh:mm", "2020-01-01 03:00"),
            Some(dt(2020, 1, 1, 3, 0, 0))
        );
    }

    #[test]
    fn s_letters_read_a_fraction_of_a_second() {
        let p = "yyyy-MM-dd HH:mm:ss.SSS";
        assert_eq!(
            local(p, "2020-01-01 00:00:01.250"),
            Some(dt_nano(2020, 1, 1, 0, 0, 1, 250_000_000))
        );
        assert_eq!(local(p, "2020-01-01 00:00:01.25"), None);
        assert_eq!(local(p, "2020-01-01 00:00:01.2500"), None);
        assert_eq!(
            local(
                "yyyy-MM-dd HH:mm:ss.SSSSSSSSS",
                "2020-01-01 00:00:01.123456789"
            ),
            Some(dt_nano(2020, 1, 1, 0, 0, 1, 123_456_789))
        );
        let one = "yyyy-MM-dd HH:mm:ss.S";
        assert_eq!(
            local(one, "2020-01-01 00:00:01.5"),
            Some(dt_nano(2020, 1, 1, 0, 0, 1, 500_000_000))
        );
        assert_eq!(
            local(one, "2020-01-01 00:00:01.000123"),
            Some(dt_nano(2020, 1, 1, 0, 0, 1, 123_000))
        );
        assert_eq!(local(one, "2020-01-01 00:00:01.1234567890"), None);
        assert_eq!(local(one, "2020-01-01 00:00:01."), None);
    }

    #[test]
    fn seconds_dot_s_means_fractional_seconds_as_real_configs_write_it() {
        let p = "yyyy-MM-dd HH:mm:ss.s";
        assert_eq!(
            local(p, "2020-01-01 10:20:30.75"),
            Some(dt_nano(2020, 1, 1, 10, 20, 30, 750_000_000))
        );
        assert_eq!(
            local(p, "2020-01-01 10:20:30.7"),
            Some(dt_nano(2020, 1, 1, 10, 20, 30, 700_000_000))
        );
        assert_eq!(fmt(p).resolution_seconds(), 1);
        // Elsewhere `s` is still seconds.
        assert_eq!(
            local("yyyy-MM-dd s", "2020-01-01 7"),
            Some(dt(2020, 1, 1, 0, 0, 7))
        );
    }

    #[test]
    fn quoted_text_is_literal_and_doubled_quotes_are_a_quote() {
        assert_eq!(
            local("yyyy-MM-dd'T'HH:mm", "2020-01-01T10:20"),
            Some(dt(2020, 1, 1, 10, 20, 0))
        );
        assert_eq!(
            local("HH 'o''clock' yyyy-MM-dd", "07 o'clock 2020-01-01"),
            Some(dt(2020, 1, 1, 7, 0, 0))
        );
        assert_eq!(local("yyyy''MM", "2020'05"), Some(dt(2020, 5, 1, 0, 0, 0)));
        assert_eq!(local("'at' yyyy", "at 2021"), Some(dt(2021, 1, 1, 0, 0, 0)));
        assert_eq!(
            local("yyyy年MM月dd日", "2020年05月06日"),
            Some(dt(2020, 5, 6, 0, 0, 0))
        );
    }

    #[test]
    fn surrounding_ascii_whitespace_is_allowed_but_everything_else_must_be_consumed() {
        let p = "yyyy-MM-dd";
        assert_eq!(
            local(p, "  2020-01-01\t\r\n"),
            Some(dt(2020, 1, 1, 0, 0, 0))
        );
        assert_eq!(local(p, "2020-01-01x"), None);
        assert_eq!(local(p, "2020-01-01 00:00"), None);
        assert_eq!(local(p, "2020-01-0"), None);
        assert_eq!(local(p, ""), None);
    }

    #[test]
    fn impossible_dates_and_times_are_rejected() {
        let p = "yyyy-MM-dd HH:mm:ss";
        for value in [
            "2020-02-30 00:00:00",
            "2021-02-29 00:00:00",
            "2020-13-01 00:00:00",
            "2020-00-10 00:00:00",
            "2020-01-00 00:00:00",
            "2020-04-31 00:00:00",
            "2020-01-01 25:00:00",
            "2020-01-01 24:00:00",
            "2020-01-01 00:60:00",
            "2020-01-01 00:00:60",
        ] {
            assert_eq!(fmt(p).parse(value), None, "{value}");
        }
        assert!(fmt(p).parse("2020-02-29 23:59:59").is_some());
    }

    // --- offsets ---------------------------------------------------------------------------

    #[test]
    fn rfc822_offset_z_converts_to_the_utc_instant() {
        let p = "yyyy-MM-dd'T'HH:mm:ssZ";
        assert_eq!(
            instant(p, "2020-01-01T07:00:00+0700"),
            Some(utc(2020, 1, 1, 0, 0, 0))
        );
        assert_eq!(
            instant(p, "2020-01-01T00:00:00-0530"),
            Some(utc(2020, 1, 1, 5, 30, 0))
        );
        assert_eq!(instant(p, "2020-01-01T00:00:00Z"), None);
        assert_eq!(instant(p, "2020-01-01T00:00:00+07:00"), None);
        assert!(fmt(p).has_offset());
    }

    #[test]
    fn iso_offsets_x_xx_xxx_accept_z_and_their_own_shape() {
        let x = "yyyy-MM-dd'T'HH:mm:ssX";
        assert_eq!(
            instant(x, "2020-01-01T00:00:00Z"),
            Some(utc(2020, 1, 1, 0, 0, 0))
        );
        assert_eq!(
            instant(x, "2020-01-01T07:00:00+07"),
            Some(utc(2020, 1, 1, 0, 0, 0))
        );
        assert_eq!(instant(x, "2020-01-01T07:00:00+0700"), None);
        let xx = "yyyy-MM-dd'T'HH:mm:ssXX";
        assert_eq!(
            instant(xx, "2020-01-01T07:00:00+0700"),
            Some(utc(2020, 1, 1, 0, 0, 0))
        );
        assert_eq!(
            instant(xx, "2020-01-01T00:00:00Z"),
            Some(utc(2020, 1, 1, 0, 0, 0))
        );
        let xxx = "yyyy-MM-dd'T'HH:mm:ssXXX";
        assert_eq!(
            instant(xxx, "2020-01-01T07:00:00+07:00"),
            Some(utc(2020, 1, 1, 0, 0, 0))
        );
        assert_eq!(
            instant(xxx, "2019-12-31T20:00:00-04:00"),
            Some(utc(2020, 1, 1, 0, 0, 0))
        );
        assert_eq!(
            instant(xxx, "2020-01-01T00:00:00Z"),
            Some(utc(2020, 1, 1, 0, 0, 0))
        );
        assert_eq!(instant(xxx, "2020-01-01T00:00:00+0700"), None);
        assert_eq!(instant(xxx, "2020-01-01T00:00:00+24:00"), None);
        assert_eq!(instant(xxx, "2020-01-01T00:00:00+07:60"), None);
    }

    #[test]
    fn zone_name_z_accepts_only_utc_gmt_and_z() {
        let p = "yyyy-MM-dd HH:mm z";
        assert_eq!(
            instant(p, "2020-01-01 10:00 UTC"),
            Some(utc(2020, 1, 1, 10, 0, 0))
        );
        assert_eq!(
            instant(p, "2020-01-01 10:00 GMT"),
            Some(utc(2020, 1, 1, 10, 0, 0))
        );
        assert_eq!(
            instant(p, "2020-01-01 10:00 Z"),
            Some(utc(2020, 1, 1, 10, 0, 0))
        );
        assert_eq!(instant(p, "2020-01-01 10:00 CST"), None);
    }

    #[test]
    fn offsets_can_move_the_instant_across_a_day() {
        assert_eq!(
            instant("yyyy-MM-dd HH:mmXXX", "2020-03-01 01:00+05:00"),
            Some(utc(2020, 2, 29, 20, 0, 0))
        );
    }

    #[test]
    fn only_offset_letters_and_unix_carry_an_offset() {
        for p in [
            "yyyy-MM-dd'T'HH:mm:ssX",
            "yyyy-MM-ddXXX",
            "HH:mm Z",
            "yyyy z",
            "UNIX",
        ] {
            assert!(fmt(p).has_offset(), "{p}");
        }
        for p in ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'Z'"] {
            assert!(!fmt(p).has_offset(), "{p}");
        }
    }

    // --- UNIX ------------------------------------------------------------------------------

    #[test]
    fn unix_values_up_to_the_threshold_are_seconds_and_above_it_milliseconds() {
        let unix = fmt("UNIX");
        assert_eq!(
            unix.parse("1601510400"),
            Some(ParsedTime::Instant(utc(2020, 10, 1, 0, 0, 0)))
        );
        assert_eq!(
            unix.parse("1601510400000"),
            Some(ParsedTime::Instant(utc(2020, 10, 1, 0, 0, 0)))
        );
        let at_threshold = DateTime::from_timestamp(94_694_400_000, 0).expect("in range");
        assert_eq!(
            unix.parse("94694400000"),
            Some(ParsedTime::Instant(at_threshold))
        );
        let just_above = DateTime::from_timestamp(94_694_400, 1_000_000).expect("in range");
        assert_eq!(
            unix.parse("94694400001"),
            Some(ParsedTime::Instant(just_above))
        );
        assert_eq!(
            just_above.naive_utc(),
            dt_nano(1973, 1, 1, 0, 0, 0, 1_000_000)
        );
        assert_eq!(
            unix.parse("0"),
            Some(ParsedTime::Instant(utc(1970, 1, 1, 0, 0, 0)))
        );
    }

    #[test]
    fn unix_values_may_have_a_fraction_but_not_a_sign() {
        let unix = fmt("UNIX");
        let half = DateTime::from_timestamp(1_601_510_400, 500_000_000).expect("in range");
        assert_eq!(
            unix.parse(" 1601510400.5 "),
            Some(ParsedTime::Instant(half))
        );
        let ms = DateTime::from_timestamp(1_601_510_400, 1_500_000).expect("in range");
        assert_eq!(unix.parse("1601510400001.5"), Some(ParsedTime::Instant(ms)));
        for bad in [
            "-1601510400",
            "+1601510400",
            "1601510400.",
            ".5",
            "1.2.3",
            "1e9",
            "",
            "abc",
        ] {
            assert_eq!(unix.parse(bad), None, "{bad}");
        }
        assert_eq!(unix.parse("99999999999999999999999999"), None);
    }

    #[test]
    fn unix_formats_epoch_seconds_of_the_naive_time_as_utc() {
        assert_eq!(fmt("UNIX").format(dt(2020, 10, 1, 0, 0, 0)), "1601510400");
        assert_eq!(fmt("UNIX").resolution_seconds(), 1);
        assert!(!fmt("UNIX").is_date_only());
    }

    // --- formatting ------------------------------------------------------------------------

    #[test]
    fn format_writes_each_letter_the_java_way() {
        let t = dt_nano(2020, 3, 4, 15, 6, 7, 89_000_000);
        let cases = [
            ("yyyy-MM-dd HH:mm:ss", "2020-03-04 15:06:07"),
            ("yy/M/d H:m:s", "20/3/4 15:6:7"),
            ("yyyy-MM-dd hh:mm a", "2020-03-04 03:06 PM"),
            ("KK a", "03 PM"),
            ("kk", "15"),
            ("EEE, dd MMM yyyy", "Wed, 04 Mar 2020"),
            ("EEEE d MMMM", "Wednesday 4 March"),
            ("ss.SSS", "07.089"),
            ("ss.S", "07.089"),
            ("ss.SSSSSS", "07.089000"),
            ("yyyy-MM-dd'T'HH:mm:ssX", "2020-03-04T15:06:07Z"),
            ("HHmmZ", "1506+0000"),
            ("HH z", "15 UTC"),
            ("'o''clock' HH", "o'clock 15"),
        ];
        for (pattern, expected) in cases {
            assert_eq!(fmt(pattern).format(t), expected, "{pattern}");
        }
        let midnight = dt(2020, 3, 4, 0, 0, 0);
        assert_eq!(fmt("hh a").format(midnight), "12 AM");
        assert_eq!(fmt("kk").format(midnight), "24");
        assert_eq!(fmt("ss.S").format(midnight), "00.0");
    }

    #[test]
    fn formatting_then_parsing_gives_back_the_same_time() {
        let times = [
            dt(2020, 1, 1, 0, 0, 0),
            dt(2020, 12, 31, 23, 59, 59),
            dt(1999, 2, 28, 12, 0, 30),
            dt_nano(2024, 2, 29, 9, 5, 1, 123_000_000),
        ];
        let local_patterns = [
            "yyyy-MM-dd HH:mm:ss.SSS",
            "yyyy-MM-dd'T'HH:mm:ss.S",
            "yy-M-d H:m:s.SSS",
            "yyyyMMddHHmmss.SSS",
            "dd MMM yyyy hh:mm:ss.SSS a",
            "EEEE, d MMMM yyyy KK:mm:ss.SSS a",
            "yyyy-MM-dd kk:mm:ss.SSS",
            "yyyy-MM-dd Hmmss.SSS",
        ];
        for pattern in local_patterns {
            let f = fmt(pattern);
            for t in times {
                assert_eq!(
                    f.parse(&f.format(t)),
                    Some(ParsedTime::Local(t)),
                    "{pattern} {t}"
                );
            }
        }
        for pattern in [
            "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
            "yyyy-MM-dd HH:mm:ss.SSSZ",
            "yyyy-MM-dd HH:mm:ss.SSS z",
        ] {
            let f = fmt(pattern);
            for t in times {
                assert_eq!(
                    f.parse(&f.format(t)),
                    Some(ParsedTime::Instant(t.and_utc())),
                    "{pattern}"
                );
            }
        }
        let unix = fmt("UNIX");
        let t = dt(2021, 6, 1, 12, 0, 0);
        assert_eq!(
            unix.parse(&unix.format(t)),
            Some(ParsedTime::Instant(t.and_utc()))
        );
    }

    // --- resolution ------------------------------------------------------------------------

    #[test]
    fn date_only_patterns_resolve_to_a_day_and_time_patterns_to_their_finest_field() {
        assert!(fmt("yyyy-MM-dd").is_date_only());
        assert!(fmt("dd MMM yyyy EEE").is_date_only());
        assert!(!fmt("yyyy-MM-dd HH").is_date_only());
        assert!(!fmt("yyyy-MM-dd a").is_date_only());
        assert_eq!(fmt("yyyy-MM-dd").resolution_seconds(), 86_400);
        assert_eq!(fmt("yyyy-MM-ddXXX").resolution_seconds(), 86_400);
        assert_eq!(fmt("yyyy-MM-dd HH").resolution_seconds(), 3_600);
        assert_eq!(fmt("yyyy-MM-dd hh a").resolution_seconds(), 3_600);
        assert_eq!(fmt("yyyy-MM-dd HH:mm").resolution_seconds(), 60);
        assert_eq!(fmt("yyyy-MM-dd HH:mm:ss").resolution_seconds(), 1);
        assert_eq!(fmt("yyyy-MM-dd HH:mm:ss.SSS").resolution_seconds(), 1);
    }

    // --- detection -------------------------------------------------------------------------

    #[test]
    fn every_candidate_pattern_compiles_and_day_month_layouts_know_their_swap() {
        assert_eq!(CANDIDATES.len(), candidate_patterns().len());
        let swapped: Vec<(&str, &str)> = CANDIDATES
            .iter()
            .filter_map(|c| Some((c.format.pattern(), c.swapped.as_ref()?.pattern())))
            .collect();
        assert!(swapped.contains(&("MM/dd/yyyy", "dd/MM/yyyy")));
        assert!(swapped.contains(&("dd/MM/yyyy HH:mm:ss", "MM/dd/yyyy HH:mm:ss")));
        assert!(swapped.contains(&("dd-MM-yyyy", "MM-dd-yyyy")));
        assert!(swapped.iter().all(|(p, _)| !p.starts_with("yyyy")));
    }

    #[test]
    fn detects_dash_dates_with_and_without_time() {
        assert_eq!(
            detected(&["2020-10-01 00:00:00", "2020-10-01 01:00:00"]),
            high("yyyy-MM-dd HH:mm:ss")
        );
        assert_eq!(
            detected(&["2020-10-01 00:05", "2020-10-01 00:10"]),
            high("yyyy-MM-dd HH:mm")
        );
        assert_eq!(detected(&["2020-10-01", "2020-10-02"]), high("yyyy-MM-dd"));
        assert_eq!(
            detected(&["2020-10-01 01:00:00 PM", "2020-10-01 12:30:00 am"]),
            high("yyyy-MM-dd hh:mm:ss a")
        );
    }

    #[test]
    fn detects_the_number_of_fraction_digits_actually_present() {
        assert_eq!(
            detected(&["2020-10-01 00:00:00.123", "2020-10-01 00:00:01.500"]),
            high("yyyy-MM-dd HH:mm:ss.SSS")
        );
        assert_eq!(
            detected(&["2020-10-01 00:00:00.1"]),
            high("yyyy-MM-dd HH:mm:ss.S")
        );
        assert_eq!(
            detected(&["2020-10-01 00:00:00.12"]),
            high("yyyy-MM-dd HH:mm:ss.SS")
        );
        assert_eq!(
            detected(&["2020-10-01 00:00:00.123456"]),
            high("yyyy-MM-dd HH:mm:ss.SSSSSS")
        );
        // Mixed lengths fall back to S, which reads one to nine digits.
        assert_eq!(
            detected(&["2020-10-01 00:00:00.1", "2020-10-01 00:00:00.123456"]),
            high("yyyy-MM-dd HH:mm:ss.S")
        );
        assert_eq!(
            detected(&["2020-10-01 00:00:00,123"]),
            high("yyyy-MM-dd HH:mm:ss,SSS")
        );
    }

    #[test]
    fn detects_iso_8601_with_t_and_each_offset_style() {
        assert_eq!(
            detected(&["2020-10-01T00:00:00"]),
            high("yyyy-MM-dd'T'HH:mm:ss")
        );
        assert_eq!(
            detected(&["2020-10-01T00:00:00Z"]),
            high("yyyy-MM-dd'T'HH:mm:ssX")
        );
        assert_eq!(
            detected(&["2020-10-01T00:00:00+07"]),
            high("yyyy-MM-dd'T'HH:mm:ssX")
        );
        assert_eq!(
            detected(&["2020-10-01T00:00:00+07:00", "2020-10-01T00:00:00Z"]),
            high("yyyy-MM-dd'T'HH:mm:ssXXX")
        );
        assert_eq!(
            detected(&["2020-10-01T00:00:00+0700"]),
            high("yyyy-MM-dd'T'HH:mm:ssZ")
        );
        assert_eq!(
            detected(&["2020-10-01T00:00:00+0700", "2020-10-01T00:00:00Z"]),
            high("yyyy-MM-dd'T'HH:mm:ssXX")
        );
        assert_eq!(detected(&["2020-10-01T00:00"]), high("yyyy-MM-dd'T'HH:mm"));
        assert_eq!(
            detected(&["2020-10-01 00:00:00+00"]),
            high("yyyy-MM-dd HH:mm:ssX")
        );
    }

    #[test]
    fn detects_iso_8601_with_fractions_and_offsets() {
        assert_eq!(
            detected(&["2020-10-01T00:00:00.123Z"]),
            high("yyyy-MM-dd'T'HH:mm:ss.SSSX")
        );
        assert_eq!(
            detected(&["2020-10-01T00:00:00.123456+05:30"]),
            high("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX")
        );
        assert_eq!(
            detected(&["2020-10-01T00:00:00.123-0800"]),
            high("yyyy-MM-dd'T'HH:mm:ss.SSSZ")
        );
        assert_eq!(
            detected(&["2020-10-01T00:00:00.5"]),
            high("yyyy-MM-dd'T'HH:mm:ss.S")
        );
    }

    #[test]
    fn detects_slash_dates_year_first() {
        assert_eq!(
            detected(&["2020/10/01 00:00:00"]),
            high("yyyy/MM/dd HH:mm:ss")
        );
        assert_eq!(detected(&["2020/10/01 00:00"]), high("yyyy/MM/dd HH:mm"));
        assert_eq!(detected(&["2020/10/01"]), high("yyyy/MM/dd"));
    }

    #[test]
    fn detects_day_first_slash_dates_when_a_first_field_is_above_12() {
        assert_eq!(
            detected(&["01/10/2020 00:00:00", "13/10/2020 00:00:00"]),
            high("dd/MM/yyyy HH:mm:ss")
        );
        assert_eq!(
            detected(&["01/10/2020 10:00", "25/10/2020 10:00"]),
            high("dd/MM/yyyy HH:mm")
        );
        assert_eq!(detected(&["01/10/2020", "31/10/2020"]), high("dd/MM/yyyy"));
    }

    #[test]
    fn detects_month_first_slash_dates_when_a_second_field_is_above_12() {
        assert_eq!(
            detected(&["10/01/2020 00:00:00", "10/13/2020 00:00:00"]),
            high("MM/dd/yyyy HH:mm:ss")
        );
        assert_eq!(
            detected(&["10/01/2020 10:00", "10/25/2020 10:00"]),
            high("MM/dd/yyyy HH:mm")
        );
        assert_eq!(detected(&["10/01/2020", "10/31/2020"]), high("MM/dd/yyyy"));
        assert_eq!(
            detected(&["10/31/2020 01:00:00 PM"]),
            high("MM/dd/yyyy hh:mm:ss a")
        );
    }

    #[test]
    fn an_ambiguous_day_month_column_is_read_month_first_with_low_confidence() {
        let d = detect(&["01/02/2020", "03/04/2020", "12/11/2020"]).expect("detected");
        assert_eq!(d.format.pattern(), "MM/dd/yyyy");
        assert_eq!(d.confidence, Confidence::Low);
        assert_eq!((d.parsed, d.total), (3, 3));
        assert!(d.reason.contains("dd/MM/yyyy"), "{}", d.reason);
        assert!(d.reason.contains("day and month"), "{}", d.reason);
        assert_eq!(d.first_unparsed, None);
        // Dashes: day first by habit, still LOW.
        assert_eq!(
            detected(&["01-02-2020", "03-04-2020"]),
            ("dd-MM-yyyy".to_string(), Confidence::Low)
        );
    }

    #[test]
    fn detects_single_digit_month_and_day_as_spreadsheets_write_them() {
        assert_eq!(
            detected(&["1/5/2020 9:30", "12/25/2020 14:00"]),
            high("M/d/yyyy H:mm")
        );
        assert_eq!(detected(&["13/5/2020", "1/5/2020"]), high("d/M/yyyy"));
    }

    #[test]
    fn detects_other_day_first_and_compact_forms() {
        assert_eq!(detected(&["31-10-2020"]), high("dd-MM-yyyy"));
        assert_eq!(
            detected(&["31-10-2020 10:00:00"]),
            high("dd-MM-yyyy HH:mm:ss")
        );
        assert_eq!(detected(&["31.10.2020 10:00"]), high("dd.MM.yyyy HH:mm"));
        assert_eq!(detected(&["20201001", "20201002"]), high("yyyyMMdd"));
        assert_eq!(detected(&["20201001134559"]), high("yyyyMMddHHmmss"));
        assert_eq!(detected(&["202010011345"]), high("yyyyMMddHHmm"));
        assert_eq!(detected(&["20201001T134559"]), high("yyyyMMdd'T'HHmmss"));
        assert_eq!(detected(&["20201001T134559Z"]), high("yyyyMMdd'T'HHmmssX"));
        assert_eq!(
            detected(&["01 Oct 2020 13:45:59"]),
            high("dd MMM yyyy HH:mm:ss")
        );
        assert_eq!(detected(&["01 OCT 2020"]), high("dd MMM yyyy"));
        assert_eq!(detected(&["01-Oct-2020"]), high("dd-MMM-yyyy"));
    }

    #[test]
    fn detects_unix_seconds_and_milliseconds_with_or_without_fractions() {
        let d = detect(&["1601510400", "1601514000"]).expect("detected");
        assert_eq!(
            (d.format.pattern(), d.confidence),
            ("UNIX", Confidence::High)
        );
        assert!(d.reason.contains("epoch seconds"), "{}", d.reason);
        let d = detect(&["1601510400000", "1601514000000"]).expect("detected");
        assert_eq!(d.format.pattern(), "UNIX");
        assert!(d.reason.contains("epoch milliseconds"), "{}", d.reason);
        assert_eq!(detected(&["1601510400.25", "1601510400.5"]), high("UNIX"));
        assert_eq!(detected(&["700000000"]), high("UNIX"));
    }

    #[test]
    fn numbers_outside_the_plausible_epoch_range_are_not_unix() {
        assert!(detect(&["12345678"]).is_none()); // 8 digits
        assert!(detect(&["123456789"]).is_none()); // 1973
        assert!(detect(&["5000000000"]).is_none()); // seconds after 2100
        assert!(detect(&["50000000000"]).is_none()); // 11 digits
        assert!(detect(&["12345678901234"]).is_none());
        assert!(detect(&["19.5", "20.25"]).is_none());
        // 8 digits that are a date are a date, not epoch time.
        assert_eq!(detected(&["19991231"]), high("yyyyMMdd"));
        assert!(detect(&["10000101"]).is_none());
    }

    #[test]
    fn a_text_column_gives_no_format() {
        assert_eq!(detect(&["apple", "banana", "cherry"]), None);
        assert_eq!(detect(&["us-east-1", "eu-west-1"]), None);
    }

    #[test]
    fn no_samples_or_only_blank_ones_give_no_format() {
        assert_eq!(detect(&[]), None);
        assert_eq!(detect(&["", "  ", "\t"]), None);
    }

    #[test]
    fn blank_samples_are_ignored_and_surrounding_spaces_trimmed() {
        let d = detect(&["", " 2020-10-01 ", "   ", "2020-10-02"]).expect("detected");
        assert_eq!((d.parsed, d.total), (2, 2));
        assert_eq!(d.confidence, Confidence::High);
        assert_eq!(d.reason, "all 2 values parse as yyyy-MM-dd");
        assert_eq!(
            detect(&["2020-10-01"]).map(|d| d.reason),
            Some("the only value parses as yyyy-MM-dd".to_string())
        );
    }

    #[test]
    fn a_few_values_that_fit_nothing_lower_confidence_and_are_reported() {
        let mut samples = vec!["2020-10-01 00:00:00"; 8];
        samples.push("n/a");
        samples.push("2020-10-01 00:00:00");
        let d = detect(&samples).expect("detected");
        assert_eq!(d.format.pattern(), "yyyy-MM-dd HH:mm:ss");
        assert_eq!(d.confidence, Confidence::Low);
        assert_eq!((d.parsed, d.total), (9, 10));
        assert_eq!(d.first_unparsed.as_deref(), Some("n/a"));
        assert_eq!(d.reason, "9 of 10 values parse as yyyy-MM-dd HH:mm:ss");
    }

    #[test]
    fn fewer_than_80_percent_parsing_gives_no_format() {
        let samples = ["2020-10-01", "2020-10-02", "2020-10-03", "x", "y"];
        assert_eq!(detect(&samples), None); // 60%
        let samples = ["2020-10-01", "2020-10-02", "2020-10-03", "2020-10-04", "x"];
        assert_eq!(
            detect(&samples).map(|d| (d.parsed, d.confidence)),
            Some((4, Confidence::Low))
        );
    }

    // --- robustness ------------------------------------------------------------------------

    #[test]
    fn odd_inputs_do_not_panic_and_do_not_parse() {
        let long = "9".repeat(100_000);
        let long_date = format!("2020-01-01{}", " ".repeat(10_000) + "x");
        let odd = [
            "",
            "２０２０-01-01",
            "2020-01-01\u{0}",
            "\u{feff}2020-01-01",
            "2020-01-01 ００:00:00",
            "é",
            "🙂🙂🙂",
            long.as_str(),
            long_date.as_str(),
            "+",
            "-",
            "Z",
            "'",
            ".",
        ];
        let formats: Vec<TimeFormat> = candidate_patterns()
            .iter()
            .map(|(p, _)| fmt(p))
            .chain(["yyyy-MM-dd Hmm", "EEE MMM d H:m:s.S z yyyy", "ss.s"].map(fmt))
            .collect();
        for f in &formats {
            for value in odd {
                assert_eq!(f.parse(value), None, "{} on {value:?}", f.pattern());
            }
        }
        assert_eq!(detect(&odd), None);
    }

    #[test]
    fn odd_patterns_do_not_panic() {
        for pattern in [
            "'", "''", "'''", "''''", "'a", "a'", "yyyy'", "\u{0}", "年", "🙂yyyy", "S", "s.s",
            ".s", "ZZZZZ", "zzzz", "EEEEEE", "MMMMMM", "aaaa",
        ] {
            if let Ok(f) = TimeFormat::compile(pattern) {
                let _ = f.parse("2020-01-01");
                let _ = f.format(dt(2020, 1, 1, 0, 0, 0));
            }
        }
        assert_eq!(
            TimeFormat::compile("'''"),
            Err(TimeFormatError::UnterminatedQuote { position: 3 })
        );
        assert_eq!(
            TimeFormat::compile("''''"),
            Err(TimeFormatError::NoFields("''''".to_string()))
        );
    }

    #[test]
    fn pseudo_random_values_and_patterns_never_panic() {
        // A small LCG keeps the test deterministic without a dependency.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize
        };
        let value_chars: Vec<char> = "0123456789-:/.T Z+aApPmM'SsEe,年\u{ff10}".chars().collect();
        let pattern_chars: Vec<char> = "yMdHhkKmsSaZXzE'T -:/.,Qx".chars().collect();
        let formats: Vec<TimeFormat> = CANDIDATES.iter().map(|c| c.format.clone()).collect();
        let extreme = [NaiveDateTime::MIN, NaiveDateTime::MAX, dt(1, 1, 1, 0, 0, 0)];
        for _ in 0..3_000 {
            let len = next() % 30;
            let value: String = (0..len)
                .map(|_| value_chars[next() % value_chars.len()])
                .collect();
            let plen = next() % 12;
            let pattern: String = (0..plen)
                .map(|_| pattern_chars[next() % pattern_chars.len()])
                .collect();
            let _ = formats[next() % formats.len()].parse(&value);
            if let Ok(f) = TimeFormat::compile(&pattern) {
                let _ = f.parse(&value);
                for t in extreme {
                    let _ = f.format(t);
                }
            }
            let _ = detect(&[value.as_str()]);
        }
    }
}
