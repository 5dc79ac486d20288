//! kmix: the knowledge-mixing step of a knowledge-tuning pipeline.
//!
//! Data flows one way: [`input::read_inputs`] -> [`mix::plan`] -> [`count_tokens`] ->
//! [`output::write_cut`], with [`output::cut_reports`] and [`output::Manifest`] on the side.
//! The core reads from [`input::ByteSource`]s and writes to `std::io::Write` sinks that the edges
//! (the native CLI, the wasm facade) provide; it has no filesystem, clock or threads of its own.

pub mod checksum;
pub mod error;
pub mod input;
pub mod mix;
pub mod output;
pub mod tokens;
#[cfg(target_arch = "wasm32")]
mod wasm;

use std::ops::Range;

pub use error::{Error, Result};
use input::Corpus;
use mix::{conversation, Mix};
use tokens::ChatTokenizer;

/// Token counts of the rows at `positions` of `mix.rows` (a slice, so that edges can spread the
/// work over threads or workers and report progress between slices).
pub fn count_tokens(
    corpus: &Corpus,
    mix: &Mix,
    tokenizer: &ChatTokenizer,
    positions: Range<usize>,
) -> Result<Vec<u32>> {
    mix.rows[positions]
        .iter()
        .map(|&i| {
            let row = &corpus.rows[i];
            tokenizer.count(&conversation(corpus, row)).map_err(|e| {
                let mut e = e;
                e.message = format!("{} row {:?}: {}", row.kind.name(), row.question, e.message);
                e
            })
        })
        .collect()
}
