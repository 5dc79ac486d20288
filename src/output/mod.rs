//! Writers: the mixes as JSON Lines, the report, the manifest.

mod manifest;
mod report;
mod row;

use crate::checksum::Hashing;
use crate::input::Record;
pub use manifest::{Manifest, OutputFile};
pub use report::{cut_reports, output_file_name, report_text, CutReport, KindReport};
pub use row::write_row;

/// One chunk of a mix's rows as lines of one cut's file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CutChunk {
    pub bytes: Vec<u8>,
    pub rows: u64,
}

/// Serialises a chunk of rows (in output order) for every cut at once: a row goes into each cut at
/// least as large as its smallest cut. `counts`, when given, are the rows' token lengths.
pub fn serialize_chunk(
    records: &[Record],
    min_cuts: &[u32],
    counts: Option<&[u32]>,
    cuts: &[u32],
) -> Vec<CutChunk> {
    let mut chunks = vec![CutChunk::default(); cuts.len()];
    if cuts.is_empty() {
        return chunks;
    }
    let mut line = Vec::new();
    for (i, record) in records.iter().enumerate() {
        line.clear();
        write_row(record, counts.map(|c| c[i]), &mut line);
        for (chunk, &cut) in chunks.iter_mut().zip(cuts) {
            if min_cuts[i] <= cut {
                chunk.bytes.extend_from_slice(&line);
                chunk.rows += 1;
            }
        }
    }
    chunks
}

/// Counts and hashes a cut's file as its chunks are written, for the manifest.
pub struct OutputTally {
    file_name: String,
    rows: u64,
    hashing: Hashing<std::io::Sink>,
}

impl OutputTally {
    pub fn new(cut: u32) -> Self {
        OutputTally {
            file_name: output_file_name(cut),
            rows: 0,
            hashing: Hashing::new(std::io::sink()),
        }
    }

    pub fn add(&mut self, chunk: &CutChunk) {
        use std::io::Write;
        self.rows += chunk.rows;
        self.hashing
            .write_all(&chunk.bytes)
            .expect("writing to a sink cannot fail");
    }

    /// What has been written so far, as the manifest describes a finished file.
    pub fn snapshot(&self) -> OutputFile {
        OutputFile {
            file_name: self.file_name.clone(),
            rows: self.rows,
            bytes: self.hashing.bytes(),
            sha256: self.hashing.digest_hex(),
        }
    }
}
