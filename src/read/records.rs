//! Splits a JSON Lines or JSON array file into records, each with the line it starts on.
//!
//! Handles what real files carry: gzip, a UTF-8 BOM, CRLF line ends, blank lines, a last line
//! without a newline. Bytes that are not UTF-8 are an error naming the line and byte column.

use std::io::{BufRead, BufReader, Read};
use std::ops::ControlFlow;

use flate2::read::MultiGzDecoder;
use serde_json::value::RawValue;

use crate::error::{Error, Result};
use crate::source::read_error;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const BOM: &str = "\u{feff}";

/// One record's text, or why its line could not be read (a row-level error the caller may skip).
pub type RecordText<'a> = Result<&'a str>;

/// Where a record is: the line it starts on, and its bytes in the (decompressed) file, so that a
/// second pass can read it again without reading what lies between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: u64,
    pub offset: u64,
    pub len: u32,
}

/// Whether to read on after a record.
pub type Flow = ControlFlow<()>;

/// Calls `on_record(position, text)` for every record, until it breaks or returns an error.
/// Malformed JSON Lines rows are passed on as `Err` (they can be skipped); a broken JSON array is
/// fatal, and so is a line longer than `max_row` bytes.
pub fn for_each_record(
    reader: impl Read,
    file: &str,
    max_row: usize,
    on_record: &mut dyn FnMut(Position, RecordText) -> Result<Flow>,
) -> Result<()> {
    let mut input = decompressed(reader, file)?;
    let mut buf = Vec::with_capacity(1 << 16);
    let mut line_no = 0u64;
    let mut next_offset = 0u64;
    let mut seen_content = false;
    loop {
        buf.clear();
        let line_offset = next_offset;
        let n = read_line(&mut input, &mut buf, max_row)
            .map_err(|e| read_error(e, file).at_line(line_no + 1))?
            .ok_or_else(|| {
                Error::input(format!(
                    "the row is longer than {} MB, the most one row may be (--max-row-mb raises it)",
                    max_row >> 20
                ))
                .in_file(file)
                .at_line(line_no + 1)
            })?;
        if n == 0 {
            if seen_content {
                return Ok(());
            }
            return Err(Error::input("the file is empty: it holds no rows").in_file(file));
        }
        next_offset += n as u64;
        line_no += 1;
        let at = |text: &[u8]| Position {
            line: line_no,
            offset: line_offset + (text.as_ptr() as usize - buf.as_ptr() as usize) as u64,
            len: text.len() as u32,
        };
        let text = match std::str::from_utf8(trim_line_end(&buf)) {
            Ok(text) => text,
            Err(e) => {
                seen_content = true;
                let err = Error::input("the line is not valid UTF-8 text")
                    .in_file(file)
                    .at_line(line_no)
                    .at_column(e.valid_up_to() as u64 + 1);
                if on_record(at(trim_line_end(&buf)), Err(err))?.is_break() {
                    return Ok(());
                }
                continue;
            }
        };
        let text = if line_no == 1 {
            text.strip_prefix(BOM).unwrap_or(text)
        } else {
            text
        };
        let content = text.trim_start();
        if content.is_empty() {
            continue;
        }
        if !seen_content && content.starts_with('[') {
            // A JSON array: the whole file is one value, parsed at once from this line on.
            let start = at(text.as_bytes()).offset;
            let mut rest = text.as_bytes().to_vec();
            rest.push(b'\n');
            input
                .read_to_end(&mut rest)
                .map_err(|e| read_error(e, file))?;
            return for_each_array_element(&rest, line_no, start, file, on_record);
        }
        seen_content = true;
        if on_record(at(text.as_bytes()), Ok(text))?.is_break() {
            return Ok(());
        }
    }
}

/// `read_until(b'\n')` that stops at `max` bytes: `None` when the line is longer, so that an
/// endless line never takes more memory than one row may.
fn read_line(
    input: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<usize>> {
    let start = buf.len();
    loop {
        let available = match input.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let (used, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (available.len(), available.is_empty()),
        };
        if buf.len() - start + used > max.saturating_add(2) {
            return Ok(None);
        }
        buf.extend_from_slice(&available[..used]);
        input.consume(used);
        if done {
            return Ok(Some(buf.len() - start));
        }
    }
}

/// Whether a stream starts as gzip does.
pub fn is_gzip(reader: &mut dyn Read) -> std::io::Result<bool> {
    let mut head = [0u8; 2];
    Ok(read_head(reader, &mut head)? == 2 && head == GZIP_MAGIC)
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

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn for_each_array_element(
    bytes: &[u8],
    first_line: u64,
    first_offset: u64,
    file: &str,
    on_record: &mut dyn FnMut(Position, RecordText) -> Result<Flow>,
) -> Result<()> {
    let at = |offset: usize| {
        let (line, column) = line_and_column(bytes, offset);
        (line + first_line - 1, column)
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = at(e.valid_up_to());
        Error::input("the file is not valid UTF-8 text")
            .in_file(file)
            .at_line(line)
            .at_column(column)
    })?;
    let elements: Vec<&RawValue> = serde_json::from_str(text).map_err(|e| {
        Error::input(format!("the JSON array: {}", json_problem(&e)))
            .in_file(file)
            .at_line(e.line() as u64 + first_line - 1)
            .at_column(e.column() as u64)
    })?;
    if elements.is_empty() {
        return Err(Error::input("the file is empty: the JSON array holds no rows").in_file(file));
    }
    for element in elements {
        let raw = element.get();
        let offset = raw.as_ptr() as usize - text.as_ptr() as usize;
        let position = Position {
            line: at(offset).0,
            offset: first_offset + offset as u64,
            len: raw.len() as u32,
        };
        if on_record(position, Ok(raw))?.is_break() {
            break;
        }
    }
    Ok(())
}

/// 1-based line and byte column of a byte offset.
fn line_and_column(bytes: &[u8], offset: usize) -> (u64, u64) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() as u64 + 1;
    (line, column)
}

/// What is wrong with a JSON text, in plain words and without a location (the error carries the
/// file, line and column): `not valid JSON: a value is expected here (...)`.
pub fn json_problem(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let raw = without_location(e.to_string());
    let plain = match e.classify() {
        Category::Eof => {
            "the text ends before the JSON does (a closing brace, bracket or quote is missing)"
                .into()
        }
        Category::Syntax => plain_syntax(&raw).unwrap_or(raw),
        Category::Data => match raw.strip_prefix("invalid type: ") {
            Some(found) => {
                let found = found.split(", expected").next().unwrap_or(found);
                format!("a row must be a JSON object {{...}}, found {found}")
            }
            None => raw,
        },
        Category::Io => raw,
    };
    format!("not valid JSON: {plain}")
}

/// serde_json's syntax errors as a person would say them.
fn plain_syntax(raw: &str) -> Option<String> {
    let text = match raw {
        "expected value" | "expected ident" => {
            "a value is expected here (text in double quotes, a number, true, false, null, an \
             object or a list; true, false and null in lower case)"
        }
        "expected `,` or `}`" => "a comma or a closing brace `}` is expected here",
        "expected `,` or `]`" => "a comma or a closing bracket `]` is expected here",
        "expected `:`" => "a colon `:` is expected after a field name",
        "key must be a string" => "a field name must be text in double quotes",
        "trailing characters" => "there is more text after the end of the JSON value",
        "trailing comma" => "a comma before a closing brace or bracket is not allowed",
        "invalid escape" => "text in quotes holds an invalid escape (write a backslash as \\\\)",
        "number out of range" => "a number is out of range",
        "recursion limit exceeded" => "the JSON is nested too deeply",
        _ if raw.starts_with("control character") => {
            "text in quotes holds a raw control character (write a tab as \\t, a new line as \\n)"
        }
        _ if raw.contains("unicode code point") || raw.contains("surrogate") => {
            "text in quotes holds an invalid \\u escape"
        }
        _ => return None,
    };
    Some(text.to_string())
}

/// A parser's message without its own " at line L column C" suffix.
pub fn without_location(text: String) -> String {
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(bytes: &[u8]) -> Result<Vec<(u64, Result<String>)>> {
        let mut out = Vec::new();
        for_each_record(bytes, "f.jsonl", usize::MAX, &mut |at, text| {
            out.push((at.line, text.map(str::to_string)));
            Ok(Flow::Continue(()))
        })?;
        Ok(out)
    }

    #[test]
    fn json_lines_with_bom_crlf_blank_lines_and_no_final_newline() {
        let got = records(b"\xef\xbb\xbf{\"a\":1}\r\n\r\n  \n{\"a\":2}").unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, 1);
        assert_eq!(got[0].1.as_deref().unwrap(), "{\"a\":1}");
        assert_eq!(got[1].0, 4);
        assert_eq!(got[1].1.as_deref().unwrap(), "{\"a\":2}");
    }

    #[test]
    fn a_json_array_gives_each_element_its_line() {
        let got = records(b"\n[\n {\"a\": 1},\n {\"a\": 2}\n]\n").unwrap();
        let lines: Vec<u64> = got.iter().map(|r| r.0).collect();
        assert_eq!(lines, vec![3, 4]);
        let err = records(b"[\n {\"a\": 1},\n {\"a\" 2}\n]").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(
            err.message.contains("the JSON array: not valid JSON"),
            "{err}"
        );
    }

    #[test]
    fn positions_find_each_record_again() {
        for bytes in [
            &b"\xef\xbb\xbf{\"a\":1}\r\n\n{\"a\": \"\xc3\xa9\"}\n"[..],
            &b"  [ {\"a\": 1},\n {\"a\": [2]} ]"[..],
        ] {
            let mut found = Vec::new();
            for_each_record(bytes, "f", usize::MAX, &mut |at, text| {
                let again = &bytes[at.offset as usize..][..at.len as usize];
                assert_eq!(again, text.unwrap().as_bytes());
                found.push(at.line);
                Ok(Flow::Continue(()))
            })
            .unwrap();
            assert_eq!(found.len(), 2);
        }
    }

    /// Hands out its bytes `step` at a time, so that every record, and every multi-byte
    /// character, is split across reads somewhere.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    fn all_records(reader: impl Read) -> Vec<(Position, String)> {
        let mut out = Vec::new();
        for_each_record(reader, "f", usize::MAX, &mut |at, text| {
            out.push((at, text.unwrap().to_string()));
            Ok(Flow::Continue(()))
        })
        .unwrap();
        out
    }

    #[test]
    fn records_split_at_every_boundary_read_the_same() {
        let lines = "\u{feff}{\"q\": \"Zürich 中文 🚀\"}\r\n\n{\"q\": \"naïve ✅\"}\n{\"q\": \"last, no newline 한국어\"}";
        let array = "[{\"q\": \"é\"},\n {\"q\": \"🚀🚀\"}]";
        let gzipped = {
            use flate2::{write::GzEncoder, Compression};
            use std::io::Write;
            let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
            enc.write_all(lines.as_bytes()).unwrap();
            enc.finish().unwrap()
        };
        for bytes in [lines.as_bytes(), array.as_bytes(), &gzipped] {
            let whole = all_records(bytes);
            assert!(whole.len() >= 2);
            for step in 1..=bytes.len() {
                assert_eq!(
                    all_records(Trickle { bytes, step }),
                    whole,
                    "read {step} bytes at a time"
                );
            }
        }
        let last = &all_records(lines.as_bytes())[2];
        assert_eq!(last.1, "{\"q\": \"last, no newline 한국어\"}");
        assert_eq!(
            &lines.as_bytes()[last.0.offset as usize..],
            last.1.as_bytes()
        );
    }

    #[test]
    fn non_utf8_names_line_and_column() {
        let got = records(b"{\"a\":1}\n{\"a\":\"\xff\"}\n").unwrap();
        let err = got[1].1.as_ref().unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(7)));
    }

    #[test]
    fn empty_files_are_errors() {
        assert!(records(b"").unwrap_err().message.contains("empty"));
        assert!(records(b"\n \r\n").unwrap_err().message.contains("empty"));
        assert!(records(b"[]").unwrap_err().message.contains("empty"));
    }

    #[test]
    fn gzip_is_read_transparently() {
        use flate2::{write::GzEncoder, Compression};
        use std::io::Write;
        let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
        enc.write_all(b"{\"a\":1}\n{\"a\":2}\n").unwrap();
        let got = records(&enc.finish().unwrap()).unwrap();
        assert_eq!(got.len(), 2);
    }
}
