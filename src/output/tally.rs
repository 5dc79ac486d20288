//! Counts and hashes the output files as their lines are written, for the manifest. The edge
//! that writes holds them, so that hashing runs on its writing thread, beside the counting ones;
//! or it hashes the files on a thread of its own (the page) and gives the digests.

use super::manifest::OutputFile;
use crate::checksum::{is_sha256_hex, Checksum, Hashing};
use crate::error::{Error, Result};
use crate::render::CutLines;

pub struct OutputTally {
    file_name: String,
    rows: u64,
    bytes: u64,
    checksum: Checksum,
}

impl OutputTally {
    pub fn new(file_name: String, hashing: Hashing) -> Self {
        OutputTally {
            file_name,
            rows: 0,
            bytes: 0,
            checksum: Checksum::new(hashing),
        }
    }

    pub fn add(&mut self, lines: &CutLines) {
        self.rows += lines.rows();
        self.bytes += lines.byte_len();
        self.checksum.update(&lines.bytes);
    }

    /// The finished file, as the manifest describes it.
    pub fn finish(self) -> Result<OutputFile> {
        let sha256 = (self.checksum.finish()).map_err(|e| e.in_file(&self.file_name))?;
        Ok(OutputFile {
            file_name: self.file_name,
            rows: self.rows,
            bytes: self.bytes,
            sha256,
        })
    }
}

/// One tally per file a run writes, fed with each task's lines in order.
pub struct OutputTallies(Vec<OutputTally>);

impl OutputTallies {
    /// `hashing`: whether the core hashes the lines as they are added, or the edge hashes the
    /// files itself (the page, on another thread) and gives the digests to
    /// [`Self::give_digests`] once they are written.
    pub fn new(file_names: &[String], hashing: Hashing) -> Self {
        let tally = |name: &String| OutputTally::new(name.clone(), hashing);
        OutputTallies(file_names.iter().map(tally).collect())
    }

    /// The SHA-256 (hex) of each file, in order, hashed by the edge.
    pub fn give_digests(&mut self, digests: Vec<String>) -> Result<()> {
        // All checked first, so that a wrong list leaves the tallies as they were.
        if digests.len() != self.0.len() || !digests.iter().all(|d| is_sha256_hex(d)) {
            return Err(Error::input(format!(
                "expected the SHA-256 of each of the {} files written, as 64 hex digits",
                self.0.len()
            )));
        }
        for (tally, digest) in self.0.iter_mut().zip(digests) {
            (tally.checksum.give(digest)).map_err(|e| e.in_file(&tally.file_name))?;
        }
        Ok(())
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

    pub fn finish(self) -> Result<Vec<OutputFile>> {
        self.0.into_iter().map(OutputTally::finish).collect()
    }
}
