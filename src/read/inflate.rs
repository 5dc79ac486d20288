//! Gzip, known by its first two bytes and decompressed transparently: pushed in pieces for the
//! first pass, pulled as a stream for the second.

use std::io::{BufRead, BufReader, Read, Write};

use flate2::read::MultiGzDecoder;

use super::records::Flow;
use crate::error::Result;
use crate::source::read_error;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Compressed input is fed to the decoder this much at a time, so that what one piece can expand
/// to stays bounded (deflate expands at most about 1000-fold).
const INFLATE_PIECE: usize = 32 << 10;

/// A file's bytes in, its text out: the bytes as they are, or decompressed when they are gzip.
pub enum Inflate {
    /// Fewer than two bytes seen: not yet known.
    Unknown(Vec<u8>),
    Plain,
    Gzip(Box<flate2::write::MultiGzDecoder<Vec<u8>>>),
}

impl Default for Inflate {
    fn default() -> Self {
        Inflate::Unknown(Vec::with_capacity(GZIP_MAGIC.len()))
    }
}

impl Inflate {
    pub fn is_gzip(&self) -> bool {
        matches!(self, Inflate::Gzip(_))
    }

    /// Passes the text of the next piece of the file's bytes on to `text`, until that breaks.
    pub fn push(
        &mut self,
        mut bytes: &[u8],
        file: &str,
        text: &mut dyn FnMut(&[u8]) -> Result<Flow>,
    ) -> Result<Flow> {
        if let Inflate::Unknown(head) = self {
            let wanted = (GZIP_MAGIC.len() - head.len()).min(bytes.len());
            head.extend_from_slice(&bytes[..wanted]);
            bytes = &bytes[wanted..];
            if head.len() < GZIP_MAGIC.len() {
                return Ok(Flow::Continue(()));
            }
            let head = std::mem::take(head);
            *self = if head == GZIP_MAGIC {
                Inflate::Gzip(Box::new(flate2::write::MultiGzDecoder::new(Vec::new())))
            } else {
                Inflate::Plain
            };
            if self.pass(&head, file, text)?.is_break() {
                return Ok(Flow::Break(()));
            }
        }
        self.pass(bytes, file, text)
    }

    /// The text still held once the whole file is pushed; an error if a gzip stream is cut short.
    pub fn finish(
        mut self,
        file: &str,
        text: &mut dyn FnMut(&[u8]) -> Result<Flow>,
    ) -> Result<Flow> {
        match &mut self {
            Inflate::Unknown(head) => text(head),
            Inflate::Plain => Ok(Flow::Continue(())),
            Inflate::Gzip(decoder) => {
                decoder.try_finish().map_err(|e| read_error(e, file))?;
                text(decoder.get_ref())
            }
        }
    }

    fn pass(
        &mut self,
        bytes: &[u8],
        file: &str,
        text: &mut dyn FnMut(&[u8]) -> Result<Flow>,
    ) -> Result<Flow> {
        let Inflate::Gzip(decoder) = self else {
            return text(bytes);
        };
        for piece in bytes.chunks(INFLATE_PIECE) {
            decoder
                .write_all(piece)
                .and_then(|()| decoder.flush())
                .map_err(|e| read_error(e, file))?;
            let flow = text(decoder.get_ref());
            decoder.get_mut().clear();
            if flow?.is_break() {
                return Ok(Flow::Break(()));
            }
        }
        Ok(Flow::Continue(()))
    }
}

/// Fills `head` as far as the stream allows, however few bytes each read gives.
fn read_head(reader: &mut dyn Read, head: &mut [u8; 2]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < head.len() {
        match reader.read(&mut head[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// The stream's bytes, decompressed when it is gzip.
pub fn decompressed<'r>(mut reader: impl Read + 'r, file: &str) -> Result<Box<dyn BufRead + 'r>> {
    let mut head = [0u8; 2];
    let n = read_head(&mut reader, &mut head).map_err(|e| read_error(e, file))?;
    let whole = std::io::Cursor::new(head).take(n as u64).chain(reader);
    Ok(if n == 2 && head == GZIP_MAGIC {
        Box::new(BufReader::with_capacity(
            1 << 16,
            MultiGzDecoder::new(whole),
        ))
    } else {
        Box::new(BufReader::with_capacity(1 << 16, whole))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    /// The text of `bytes` pushed `step` bytes at a time.
    fn inflated(bytes: &[u8], step: usize) -> Result<Vec<u8>> {
        let mut inflate = Inflate::default();
        let mut out = Vec::new();
        let mut text = |t: &[u8]| {
            out.extend_from_slice(t);
            Ok(Flow::Continue(()))
        };
        for piece in bytes.chunks(step) {
            assert!(inflate.push(piece, "f.gz", &mut text)?.is_continue());
        }
        assert!(inflate.finish("f.gz", &mut text)?.is_continue());
        Ok(out)
    }

    #[test]
    fn plain_and_gzip_give_the_same_text_however_pushed() {
        let text = "{\"a\": \"Zürich\"}\n".repeat(5000);
        let mut two_members = gzip(&text.as_bytes()[..7]);
        two_members.extend(gzip(&text.as_bytes()[7..]));
        for bytes in [text.as_bytes().to_vec(), gzip(text.as_bytes()), two_members] {
            for step in [1, 2, 3, 1000, usize::MAX] {
                assert_eq!(
                    inflated(&bytes, step).unwrap(),
                    text.as_bytes(),
                    "step {step}"
                );
            }
        }
        assert_eq!(inflated(b"x", 1).unwrap(), b"x");
        assert_eq!(inflated(b"", 1).unwrap(), b"");
    }

    #[test]
    fn a_cut_or_broken_gzip_stream_is_an_error_naming_the_file() {
        let whole = gzip(&b"{\"a\": 1}\n".repeat(100));
        let err = inflated(&whole[..whole.len() - 5], 7).unwrap_err();
        assert_eq!(err.file.as_deref(), Some("f.gz"), "{err}");
        let mut broken = whole.clone();
        broken[12] ^= 0xff;
        assert!(inflated(&broken, 7).is_err());
    }

    #[test]
    fn the_stream_reader_agrees() {
        let text = b"{\"a\": 1}\n{\"a\": 2}\n";
        for bytes in [text.to_vec(), gzip(text)] {
            let mut out = Vec::new();
            decompressed(&bytes[..], "f")
                .unwrap()
                .read_to_end(&mut out)
                .unwrap();
            assert_eq!(out, text);
        }
    }
}
