//! Splits a JSON Lines or JSON array file into records, each with the line it starts on, from
//! the file's text pushed in pieces of any size: the page streams a file and returns to its event
//! loop between pieces, the command line reads it in blocks, and both split it here.
//!
//! Handles what real files carry: a UTF-8 BOM, CRLF line ends, blank lines, a last line without
//! a newline. Bytes that are not UTF-8 are an error naming the line and byte column.

use std::ops::ControlFlow;

use serde_json::value::RawValue;

use crate::error::{Error, Result};

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

impl Position {
    /// The line as an index row keeps it: a file of more than 4 billion lines is not one kmix
    /// reads whole, and its last lines share the largest number.
    pub fn line_u32(&self) -> u32 {
        u32::try_from(self.line).unwrap_or(u32::MAX)
    }
}

/// Whether to read on after a record.
pub type Flow = ControlFlow<()>;

/// What a splitter hands each record to.
pub type OnRecord<'a> = dyn FnMut(Position, RecordText) -> Result<Flow> + 'a;

/// Splits pushed text into records. Malformed JSON Lines rows are passed on as `Err` (they can be
/// skipped); a broken JSON array is fatal, and so is a line longer than `max_row` bytes.
pub struct RecordSplitter {
    file: String,
    max_row: usize,
    /// The start of a line that the text pushed so far ends in the middle of.
    partial: Vec<u8>,
    /// Lines split so far.
    line_no: u64,
    /// Where in the file the next line starts (the start of `partial`).
    offset: u64,
    seen_content: bool,
    /// From a line that opens a JSON array on, the rest of the file: it is one value, parsed at
    /// the end.
    array: Option<ArrayText>,
}

struct ArrayText {
    bytes: Vec<u8>,
    line: u64,
    offset: u64,
}

impl RecordSplitter {
    pub fn new(file: &str, max_row: usize) -> Self {
        RecordSplitter {
            file: file.to_string(),
            max_row,
            partial: Vec::new(),
            line_no: 0,
            offset: 0,
            seen_content: false,
            array: None,
        }
    }

    /// Splits the next piece of the file's text, calling `on_record` for each record it
    /// completes, until that breaks.
    pub fn push(&mut self, mut text: &[u8], on_record: &mut OnRecord) -> Result<Flow> {
        if !self.partial.is_empty() {
            let Some(end) = memchr::memchr(b'\n', text) else {
                return self.keep_partial(text);
            };
            let mut line = std::mem::take(&mut self.partial);
            line.extend_from_slice(&text[..=end]);
            text = &text[end + 1..];
            let flow = self.line(&line, on_record);
            line.clear();
            self.partial = line; // its capacity serves the next partial line
            if flow?.is_break() {
                return Ok(Flow::Break(()));
            }
        }
        while self.array.is_none() {
            let Some(end) = memchr::memchr(b'\n', text) else {
                return self.keep_partial(text);
            };
            if self.line(&text[..=end], on_record)?.is_break() {
                return Ok(Flow::Break(()));
            }
            text = &text[end + 1..];
        }
        if let Some(array) = &mut self.array {
            array.bytes.extend_from_slice(text);
        }
        Ok(Flow::Continue(()))
    }

    /// Splits what is left once the whole file is pushed: a last line without a newline, or the
    /// JSON array.
    pub fn finish(mut self, on_record: &mut OnRecord) -> Result<()> {
        if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            if self.line(&line, on_record)?.is_break() {
                return Ok(());
            }
        }
        if let Some(array) = self.array.take() {
            return for_each_array_element(
                &array.bytes,
                array.line,
                array.offset,
                &self.file,
                on_record,
            );
        }
        if !self.seen_content {
            return Err(Error::input("the file is empty: it holds no rows").in_file(&self.file));
        }
        Ok(())
    }

    fn keep_partial(&mut self, text: &[u8]) -> Result<Flow> {
        if self.partial.len() + text.len() > self.max_row.saturating_add(2) {
            return Err(self.too_long());
        }
        self.partial.extend_from_slice(text);
        Ok(Flow::Continue(()))
    }

    fn too_long(&self) -> Error {
        Error::input(format!(
            "the row is longer than {} MB, the most one row may be (--max-row-mb raises it)",
            self.max_row >> 20
        ))
        .in_file(&self.file)
        .at_line(self.line_no + 1)
    }

    /// One whole line, with its line end if it has one.
    fn line(&mut self, line: &[u8], on_record: &mut OnRecord) -> Result<Flow> {
        if line.len() > self.max_row.saturating_add(2) {
            return Err(self.too_long());
        }
        let line_offset = self.offset;
        self.offset += line.len() as u64;
        self.line_no += 1;
        let at = |text: &[u8]| Position {
            line: self.line_no,
            offset: line_offset + (text.as_ptr() as usize - line.as_ptr() as usize) as u64,
            len: text.len() as u32,
        };
        let text = match std::str::from_utf8(trim_line_end(line)) {
            Ok(text) => text,
            Err(e) => {
                self.seen_content = true;
                let err = Error::input("the line is not valid UTF-8 text")
                    .in_file(&self.file)
                    .at_line(self.line_no)
                    .at_column(e.valid_up_to() as u64 + 1);
                return on_record(at(trim_line_end(line)), Err(err));
            }
        };
        let text = if self.line_no == 1 {
            text.strip_prefix(BOM).unwrap_or(text)
        } else {
            text
        };
        let content = text.trim_start();
        if content.is_empty() {
            return Ok(Flow::Continue(()));
        }
        if !self.seen_content && content.starts_with('[') {
            // A JSON array: the whole file is one value, gathered from this line on, line end
            // included, so that offsets into it are offsets into the file.
            let start = text.as_ptr() as usize - line.as_ptr() as usize;
            self.array = Some(ArrayText {
                bytes: line[start..].to_vec(),
                line: self.line_no,
                offset: line_offset + start as u64,
            });
            self.seen_content = true;
            return Ok(Flow::Continue(()));
        }
        self.seen_content = true;
        on_record(at(text.as_bytes()), Ok(text))
    }
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

    /// Pushes `text` `step` bytes at a time, so that every record, and every multi-byte
    /// character, is split across pieces somewhere.
    fn split(text: &[u8], step: usize, on_record: &mut OnRecord) -> Result<()> {
        let mut splitter = RecordSplitter::new("f.jsonl", usize::MAX);
        for piece in text.chunks(step.max(1)) {
            if splitter.push(piece, on_record)?.is_break() {
                return Ok(());
            }
        }
        splitter.finish(on_record)
    }

    fn records(bytes: &[u8]) -> Result<Vec<(u64, Result<String>)>> {
        let mut out = Vec::new();
        split(bytes, usize::MAX, &mut |at, text| {
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
            // CRLF before an array's later elements: offsets still point into the file.
            &b"\xef\xbb\xbf[\r\n {\"a\": 1},\r\n {\"a\": [2]}\r\n]\r\n"[..],
        ] {
            let mut found = Vec::new();
            split(bytes, usize::MAX, &mut |at, text| {
                let again = &bytes[at.offset as usize..][..at.len as usize];
                assert_eq!(again, text.unwrap().as_bytes());
                found.push(at.line);
                Ok(Flow::Continue(()))
            })
            .unwrap();
            assert_eq!(found.len(), 2);
        }
    }

    fn all_records(bytes: &[u8], step: usize) -> Vec<(Position, String)> {
        let mut out = Vec::new();
        split(bytes, step, &mut |at, text| {
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
        for bytes in [lines.as_bytes(), array.as_bytes()] {
            let whole = all_records(bytes, usize::MAX);
            assert!(whole.len() >= 2);
            for step in 1..=bytes.len() {
                assert_eq!(
                    all_records(bytes, step),
                    whole,
                    "pushed {step} bytes at a time"
                );
            }
        }
        let last = &all_records(lines.as_bytes(), usize::MAX)[2];
        assert_eq!(last.1, "{\"q\": \"last, no newline 한국어\"}");
        assert_eq!(
            &lines.as_bytes()[last.0.offset as usize..],
            last.1.as_bytes()
        );
    }

    #[test]
    fn a_break_stops_the_split() {
        let mut seen = 0;
        split(b"{}\n{}\n{}", 1, &mut |_, _| {
            seen += 1;
            Ok(Flow::Break(()))
        })
        .unwrap();
        assert_eq!(seen, 1);
    }

    #[test]
    fn a_row_longer_than_the_limit_is_an_error_at_its_line() {
        for step in [1, 3, 100] {
            let mut splitter = RecordSplitter::new("f.jsonl", 4);
            let mut on_record = |_: Position, _: RecordText| Ok(Flow::Continue(()));
            let pushed: Result<Vec<Flow>> = b"{}\n{\"a\":12}\n"
                .chunks(step)
                .map(|piece| splitter.push(piece, &mut on_record))
                .collect();
            let err = pushed.unwrap_err();
            assert_eq!(err.line, Some(2), "{err}");
            assert!(err.message.contains("longer than"), "{err}");
        }
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
}
