//! Counts and hashes the output files as their lines are written, for the manifest. The edge
//! that writes holds them, so that hashing runs on its writing thread, beside the counting ones.

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
        self.rows += lines.rows();
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

/// One tally per file a run writes, fed with each task's lines in order.
pub struct OutputTallies(Vec<OutputTally>);

impl OutputTallies {
    pub fn new(file_names: &[String]) -> Self {
        OutputTallies(file_names.iter().cloned().map(OutputTally::new).collect())
    }

    /// A task's lines, one entry per file.
    pub fn add(&mut self, lines: &[CutLines]) {
        for (tally, file_lines) in self.0.iter_mut().zip(lines) {
            tally.add(file_lines);
        }
    }

    /// Rows tallied per file.
    pub fn rows(&self) -> Vec<u64> {
        self.0.iter().map(|t| t.rows).collect()
    }

    pub fn finish(self) -> Vec<OutputFile> {
        self.0.into_iter().map(OutputTally::finish).collect()
    }
}
