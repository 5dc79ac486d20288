//! Counts and hashes an output file as its lines are written, for the manifest.

use std::io::Write;

use super::manifest::OutputFile;
use crate::checksum::Hashing;
use crate::render::CutLines;

pub struct OutputTally {
    file_name: String,
    rows: u64,
    hashing: Hashing<std::io::Sink>,
}

impl OutputTally {
    pub fn new(file_name: String) -> Self {
        OutputTally {
            file_name,
            rows: 0,
            hashing: Hashing::new(std::io::sink()),
        }
    }

    pub fn add(&mut self, lines: &CutLines) {
        self.rows += lines.rows;
        self.hashing
            .write_all(&lines.bytes)
            .expect("writing to a sink cannot fail");
    }

    /// The finished file, as the manifest describes it.
    pub fn finish(self) -> OutputFile {
        OutputFile {
            file_name: self.file_name,
            rows: self.rows,
            bytes: self.hashing.bytes(),
            sha256: self.hashing.finish().1,
        }
    }
}
