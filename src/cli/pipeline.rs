//! The second pass as a pipeline: this thread reads chunk n+1 while every core counts and
//! serialises chunk n and a writer thread writes chunk n-1. Results stay in row order, and memory
//! holds a few chunks whatever the size of the input.

use std::sync::mpsc::SyncSender;
use std::thread::ScopedJoinHandle;

use indicatif::ProgressBar;
use kmix::input::{ByteSource, Index, Rereader};
use kmix::mix::Mix;
use kmix::output::{CutChunk, OutputTally};
use kmix::tokens::ChatTokenizer;
use kmix::Error;

use super::process::{process_parallel, Processed};
use super::write::PendingFile;

/// Rows read back, counted and written at a time.
const CHUNK_ROWS: usize = 1024;

pub struct SecondPass<'a> {
    pub index: &'a Index,
    pub mix: &'a Mix,
    pub sources: &'a [&'a dyn ByteSource],
    pub tokenizer: Option<&'a ChatTokenizer>,
    /// The cuts to serialise (none on a dry run), in the order of `outputs`.
    pub cuts: &'a [u32],
    pub threads: usize,
    pub progress: &'a ProgressBar,
}

pub type Outputs = Vec<(PendingFile, OutputTally)>;

impl SecondPass<'_> {
    /// Token counts of every planned row (none without a tokenizer), and the outputs written.
    pub fn run(&self, outputs: Outputs) -> Result<(Vec<u32>, Outputs), Error> {
        let (index, mix) = (self.index, self.mix);
        let mut rereader = Rereader::new(&index.files, self.sources)?;
        let mut counts = Vec::with_capacity(mix.rows.len());
        let outputs = std::thread::scope(|scope| -> Result<_, Error> {
            let (to_writer, chunks_in) = std::sync::mpsc::sync_channel::<Vec<CutChunk>>(2);
            let writer = scope.spawn(move || -> Result<_, Error> {
                let mut outputs = outputs;
                for chunks in chunks_in {
                    for ((file, tally), chunk) in outputs.iter_mut().zip(&chunks) {
                        file.write_all(&chunk.bytes)?;
                        tally.add(chunk);
                    }
                }
                Ok(outputs)
            });
            let mut pending = None;
            for start in (0..mix.rows.len()).step_by(CHUNK_ROWS) {
                let positions = start..(start + CHUNK_ROWS).min(mix.rows.len());
                let rows: Vec<_> = positions.clone().map(|p| index.rows[mix.rows[p]]).collect();
                let records = rereader.records(&rows)?;
                let min_cuts: Vec<u32> = positions.map(|p| mix.min_cut(p)).collect();
                if let Some(handle) = pending.take() {
                    hand_on(joined(handle)?, &mut counts, &to_writer);
                }
                let (tokenizer, cuts, threads, progress) =
                    (self.tokenizer, self.cuts, self.threads, self.progress);
                pending = Some(scope.spawn(move || {
                    process_parallel(&records, &min_cuts, tokenizer, cuts, threads, progress)
                }));
            }
            if let Some(handle) = pending.take() {
                hand_on(joined(handle)?, &mut counts, &to_writer);
            }
            drop(to_writer);
            joined(writer)
        })?;
        Ok((counts, outputs))
    }
}

/// Keeps a processed chunk's counts and passes its lines to the writer thread.
fn hand_on(processed: Processed, counts: &mut Vec<u32>, writer: &SyncSender<Vec<CutChunk>>) {
    counts.extend(processed.counts.unwrap_or_default());
    // The writer only stops early on an error, which its join reports.
    let _ = writer.send(processed.cuts);
}

pub fn joined<T>(handle: ScopedJoinHandle<'_, Result<T, Error>>) -> Result<T, Error> {
    handle
        .join()
        .unwrap_or_else(|_| Err(Error::new("a worker thread failed")))
}
