//! A part's results, as `kmix work` writes them and `kmix merge` reads them back: a header line
//! naming the plan and the part, then each task's result in order (a JSON line with its lines'
//! bytes taken out, then those bytes), then an end line with the SHA-256 of all before it. A
//! part is written to a temporary file and renamed when complete, so that a killed part leaves
//! nothing that looks finished; a file without its end line, or whose bytes are not the ones
//! the end line names, is refused.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::checksum::hex;
use crate::cli::write::PendingFile;
use crate::run::ChunkResult;
use crate::Error;

const FORMAT: &str = "kmix part 1";

/// What a part file is: of which plan, which part, which tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartHeader {
    pub format: String,
    pub plan: String,
    pub part: u32,
    pub first: u32,
    pub end: u32,
}

impl PartHeader {
    pub fn new(plan: &str, part: u32, first: u32, end: u32) -> Self {
        PartHeader {
            format: FORMAT.into(),
            plan: plan.into(),
            part,
            first,
            end,
        }
    }
}

/// A task's result with its lines' bytes written after it, `sizes[i]` bytes for `lines[i]`.
#[derive(Serialize, Deserialize)]
struct Stored {
    result: ChunkResult,
    sizes: Vec<u64>,
}

#[derive(Serialize, Deserialize)]
struct End {
    end: Ending,
}

#[derive(Serialize, Deserialize)]
struct Ending {
    results: u32,
    sha256: String,
}

pub struct PartWriter {
    file: PendingFile,
    hasher: Sha256,
    results: u32,
}

impl PartWriter {
    pub fn create(dir: &Path, name: &str, header: &PartHeader) -> Result<Self, Error> {
        let mut writer = PartWriter {
            file: PendingFile::create(dir, name)?,
            hasher: Sha256::new(),
            results: 0,
        };
        writer.write(&json_line(header))?;
        Ok(writer)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.hasher.update(bytes);
        self.file.write_all(bytes)
    }

    pub fn add(&mut self, mut result: ChunkResult) -> Result<(), Error> {
        let bytes: Vec<Vec<u8>> = (result.lines.iter_mut())
            .map(|l| std::mem::take(&mut l.bytes))
            .collect();
        let sizes = bytes.iter().map(|b| b.len() as u64).collect();
        self.write(&json_line(&Stored { result, sizes }))?;
        for b in &bytes {
            self.write(b)?;
        }
        self.results += 1;
        Ok(())
    }

    /// Ends the part and renames it into place.
    pub fn commit(mut self) -> Result<PathBuf, Error> {
        let end = End {
            end: Ending {
                results: self.results,
                sha256: hex(&self.hasher.finalize_reset()),
            },
        };
        self.file.write_all(&json_line(&end))?;
        let mut written = PendingFile::commit_all(vec![self.file])?;
        Ok(written.remove(0))
    }
}

fn json_line(value: &impl Serialize) -> Vec<u8> {
    let mut line = serde_json::to_vec(value).expect("plain data");
    line.push(b'\n');
    line
}

/// A part file read forward, checked as it goes.
pub struct PartReader {
    reader: BufReader<File>,
    hasher: Sha256,
    shown: String,
    header: PartHeader,
    ending: Ending,
    read: u32,
}

/// The most bytes the end line takes.
const END_BYTES: u64 = 4096;

impl PartReader {
    /// Opens a part file: its header, and its end line (none: a half-written part).
    pub fn open(path: &Path) -> Result<Self, Error> {
        let shown = path.display().to_string();
        let io =
            |e: std::io::Error| Error::io(format!("cannot read the part: {e}")).in_file(&shown);
        let mut file = File::open(path).map_err(io)?;
        let ending = last_line(&mut file)
            .map_err(io)?
            .and_then(|line| serde_json::from_slice::<End>(&line).ok())
            .ok_or_else(|| {
                Error::input("the part is incomplete (it has no end line): work it again")
                    .in_file(&shown)
            })?
            .end;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        let mut reader = PartReader {
            reader: BufReader::with_capacity(1 << 20, file),
            hasher: Sha256::new(),
            shown,
            header: PartHeader::new("", 0, 0, 0),
            ending,
            read: 0,
        };
        let line = reader.line()?;
        reader.header = (serde_json::from_slice(&line).ok())
            .filter(|h: &PartHeader| h.format == FORMAT)
            .ok_or_else(|| Error::input("not a kmix part").in_file(&reader.shown))?;
        reader.check_end()?;
        Ok(reader)
    }

    /// Once every result is read: the part's bytes are those its end line names.
    fn check_end(&mut self) -> Result<(), Error> {
        match self.finished() && hex(&self.hasher.finalize_reset()) != self.ending.sha256 {
            true => Err(self.damaged("its bytes are not those its end line names")),
            false => Ok(()),
        }
    }

    pub fn header(&self) -> &PartHeader {
        &self.header
    }

    pub fn shown(&self) -> &str {
        &self.shown
    }

    fn damaged(&self, what: &str) -> Error {
        Error::input(format!("the part is damaged ({what}): work it again")).in_file(&self.shown)
    }

    fn line(&mut self) -> Result<Vec<u8>, Error> {
        let mut line = Vec::new();
        (self.reader.read_until(b'\n', &mut line))
            .map_err(|e| Error::io(format!("cannot read the part: {e}")).in_file(&self.shown))?;
        self.hasher.update(&line);
        Ok(line)
    }

    /// Whether every result is read, and the part checked whole.
    pub fn finished(&self) -> bool {
        self.read == self.ending.results
    }

    /// The next result, none after the last; the part's checksum is checked as the last is read.
    pub fn next(&mut self) -> Result<Option<ChunkResult>, Error> {
        if self.finished() {
            return Ok(None);
        }
        let line = self.line()?;
        let mut stored: Stored =
            (serde_json::from_slice(&line)).map_err(|_| self.damaged("a result"))?;
        for (lines, &size) in stored.result.lines.iter_mut().zip(&stored.sizes) {
            lines.bytes = vec![0; size as usize];
            self.reader
                .read_exact(&mut lines.bytes)
                .map_err(|_| self.damaged("a result's lines"))?;
            self.hasher.update(&lines.bytes);
        }
        self.read += 1;
        self.check_end()?;
        Ok(Some(stored.result))
    }
}

/// The file's last line, without its newline (none: the file does not end in one).
fn last_line(file: &mut File) -> std::io::Result<Option<Vec<u8>>> {
    let size = file.seek(SeekFrom::End(0))?;
    let start = size.saturating_sub(END_BYTES);
    file.seek(SeekFrom::Start(start))?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail)?;
    let Some(body) = tail.strip_suffix(b"\n") else {
        return Ok(None);
    };
    let from = body.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    Ok(Some(body[from..].to_vec()))
}
