//! From stored bytes to text bytes: gzip (found by its magic bytes, not the name), byte-order
//! marks, and the checks that tell a text file from a binary or mis-encoded one.

use std::io::{self, BufRead, BufReader, Read};

use flate2::bufread::GzDecoder;
use serde::Serialize;

use crate::error::ReadProblem;

/// How the stored bytes are compressed (`FileCompression` in the API model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    None,
    Gzip,
}

impl Compression {
    /// The API value: `NONE` or `GZIP`.
    pub fn api_name(self) -> &'static str {
        match self {
            Compression::None => "NONE",
            Compression::Gzip => "GZIP",
        }
    }
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
pub const UTF8_BOM: [u8; 3] = [0xef, 0xbb, 0xbf];

/// True when the bytes start like a gzip member.
pub fn is_gzip(head: &[u8]) -> bool {
    head.starts_with(&GZIP_MAGIC)
}

/// The head of a file, decompressed if needed.
#[derive(Debug, Clone)]
pub struct DecodedHead {
    /// Text bytes, without a byte-order mark.
    pub bytes: Vec<u8>,
    pub compression: Compression,
    /// True when a UTF-8 byte-order mark was removed.
    pub had_bom: bool,
    /// True when `bytes` is the whole file (the raw head was the whole file and nothing was cut).
    pub complete: bool,
}

/// The gzip members of a stream one after another, as `gzip -dc` reads them. Zero bytes after
/// the last member (the padding some uploaders and tape tools leave) end the stream; anything
/// else after them is an error, as a damaged header is.
pub struct GzMembers<R: BufRead> {
    state: Members<R>,
}

enum Members<R: BufRead> {
    Member(Box<GzDecoder<R>>),
    Between { input: R, padding: bool },
    Gone,
}

impl<R: BufRead> GzMembers<R> {
    /// A stream that starts with a gzip member.
    pub fn new(input: R) -> GzMembers<R> {
        GzMembers {
            state: Members::Member(Box::new(GzDecoder::new(input))),
        }
    }
}

impl<R: BufRead> Read for GzMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match &mut self.state {
                Members::Member(decoder) => {
                    let n = decoder.read(buf)?;
                    if n > 0 {
                        return Ok(n);
                    }
                    // The member ended: what follows it decides.
                    let Members::Member(decoder) =
                        std::mem::replace(&mut self.state, Members::Gone)
                    else {
                        unreachable!()
                    };
                    self.state = Members::Between {
                        input: decoder.into_inner(),
                        padding: false,
                    };
                }
                Members::Between { input, padding } => {
                    let avail = input.fill_buf()?;
                    if avail.is_empty() {
                        return Ok(0);
                    }
                    let zeros = avail.iter().take_while(|&&b| b == 0).count();
                    if zeros > 0 {
                        input.consume(zeros);
                        *padding = true;
                        continue;
                    }
                    if *padding {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            "invalid gzip header: bytes after the zero padding that follows the last member",
                        ));
                    }
                    let Members::Between { input, .. } =
                        std::mem::replace(&mut self.state, Members::Gone)
                    else {
                        unreachable!()
                    };
                    self.state = Members::Member(Box::new(GzDecoder::new(input)));
                }
                Members::Gone => return Ok(0),
            }
        }
    }
}

/// Decompress (if gzip) and strip a BOM from the first bytes of a file. `raw_complete` says whether
/// `raw` is the whole file. At most `max_out` decompressed bytes are kept.
pub fn decode_head(
    raw: &[u8],
    raw_complete: bool,
    max_out: usize,
) -> Result<DecodedHead, ReadProblem> {
    let (mut bytes, compression, mut complete) = if is_gzip(raw) {
        let mut decoder = GzMembers::new(raw);
        let mut out = Vec::new();
        let mut buf = [0u8; 64 * 1024];
        let mut complete = raw_complete;
        loop {
            if out.len() >= max_out {
                out.truncate(max_out);
                complete = false;
                break;
            }
            match decoder.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
                // The raw head was cut mid-stream: what was decoded so far is the preview.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof && !raw_complete => {
                    complete = false;
                    break;
                }
                Err(e) if out.is_empty() => {
                    return Err(ReadProblem::BadGzip {
                        detail: e.to_string(),
                    });
                }
                Err(_) => {
                    complete = false;
                    break;
                }
            }
        }
        (out, Compression::Gzip, complete)
    } else {
        let take = raw.len().min(max_out);
        (
            raw[..take].to_vec(),
            Compression::None,
            raw_complete && take == raw.len(),
        )
    };
    check_text(&bytes)?;
    let had_bom = bytes.starts_with(&UTF8_BOM);
    if had_bom {
        bytes.drain(..3);
    }
    if bytes.is_empty() {
        complete = true;
    }
    Ok(DecodedHead {
        bytes,
        compression,
        had_bom,
        complete,
    })
}

/// Refuse what is not UTF-8 text, with the reason and what to do.
fn check_text(bytes: &[u8]) -> Result<(), ReadProblem> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(ReadProblem::Utf16);
    }
    let probe = &bytes[..bytes.len().min(8192)];
    if let Some(pos) = probe.iter().position(|&b| b == 0) {
        return Err(ReadProblem::Binary { offset: pos as u64 });
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        // A multi-byte character cut at the end of the head is fine; anything else is not UTF-8.
        if e.error_len().is_some() {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(ReadProblem::InvalidUtf8 {
                byte: at as u64,
                line: line as u64,
            });
        }
    }
    Ok(())
}

/// Wrap a whole-file stream so that it yields text bytes: decompressed if it starts with the gzip
/// magic, and without a leading UTF-8 BOM.
pub fn decode_stream(
    stream: Box<dyn Read + Send>,
) -> io::Result<(Box<dyn Read + Send>, Compression)> {
    let mut buffered = BufReader::with_capacity(256 * 1024, stream);
    let gzip = is_gzip(buffered.fill_buf()?);
    let (mut inner, compression): (Box<dyn BufRead + Send>, _) = if gzip {
        (
            Box::new(BufReader::with_capacity(
                256 * 1024,
                GzMembers::new(buffered),
            )),
            Compression::Gzip,
        )
    } else {
        (Box::new(buffered), Compression::None)
    };
    let head = inner.fill_buf()?;
    if head.starts_with(&UTF8_BOM) {
        inner.consume(3);
    }
    Ok((Box::new(inner), compression))
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compression as Level, write::GzEncoder};
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut enc = GzEncoder::new(Vec::new(), Level::default());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn gzip_is_found_by_magic_bytes_and_decoded() {
        let packed = gzip(b"a,b\n1,2\n");
        let head = decode_head(&packed, true, 1 << 20).unwrap();
        assert_eq!(head.compression, Compression::Gzip);
        assert_eq!(head.bytes, b"a,b\n1,2\n");
        assert!(head.complete);
    }

    #[test]
    fn a_cut_gzip_head_gives_the_bytes_decoded_so_far() {
        let text: Vec<u8> = (0..20_000)
            .flat_map(|i| format!("{i},x\n").into_bytes())
            .collect();
        let packed = gzip(&text);
        let cut = &packed[..packed.len() / 2];
        let head = decode_head(cut, false, 1 << 20).unwrap();
        assert!(!head.complete);
        assert!(head.bytes.len() > 1000);
        assert_eq!(&text[..head.bytes.len()], head.bytes.as_slice());
    }

    #[test]
    fn bom_is_removed_and_remembered() {
        let head = decode_head(b"\xef\xbb\xbfa,b\n", true, 100).unwrap();
        assert!(head.had_bom);
        assert_eq!(head.bytes, b"a,b\n");
    }

    #[test]
    fn binary_and_latin1_are_refused_with_what_to_do() {
        let err = decode_head(b"PK\x03\x04\x00\x00", true, 100).unwrap_err();
        assert_eq!(err, ReadProblem::Binary { offset: 4 });
        let err = decode_head(b"name\ncaf\xe9\n", true, 100).unwrap_err();
        assert_eq!(err, ReadProblem::InvalidUtf8 { byte: 8, line: 2 });
    }

    #[test]
    fn a_multibyte_character_cut_at_the_end_of_the_head_is_accepted() {
        let text = "name\ncafé\n".as_bytes();
        let cut = &text[..text.len() - 2];
        assert!(decode_head(cut, false, 100).is_ok());
    }

    #[test]
    fn streams_are_decompressed_and_lose_their_bom() {
        let packed = gzip(b"\xef\xbb\xbfa,b\n1,2\n");
        let (mut r, c) = decode_stream(Box::new(std::io::Cursor::new(packed))).unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(c, Compression::Gzip);
        assert_eq!(s, "a,b\n1,2\n");
    }
}
