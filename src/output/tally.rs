//! Counts and hashes a cut's file as its lines are written, for the manifest.

use std::io::Write;

use super::manifest::OutputFile;
use super::names::output_file_name;
use crate::checksum::Hashing;
use crate::render::CutLines;

pub struct OutputTally {
    cut: u32,
    rows: u64,
    hashing: Hashing<std::io::Sink>,
}

impl OutputTally {
    pub fn new(cut: u32) -> Self {
        OutputTally {
            cut,
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
            file_name: output_file_name(self.cut),
            rows: self.rows,
            bytes: self.hashing.bytes(),
            sha256: self.hashing.finish().1,
        }
    }
}
