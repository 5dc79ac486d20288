//! kmix: the knowledge-mixing step of a knowledge-tuning pipeline.
//!
//! Data flows one way: [`input::read_inputs`] (first pass: a compact index) -> [`mix::plan`] ->
//! [`input::Rereader`] (second pass: the selected rows, chunk by chunk) -> [`count_tokens`] ->
//! [`output::serialize_chunk`], with [`output::cut_reports`] and [`output::Manifest`] on the side.
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

pub use error::{Error, Result};
use input::Record;
use mix::conversation;
use tokens::ChatTokenizer;

/// Token counts of rows, each as its chat-template rendering encodes.
pub fn count_tokens(records: &[Record], tokenizer: &ChatTokenizer) -> Result<Vec<u32>> {
    records
        .iter()
        .map(|row| {
            tokenizer.count(&conversation(row)).map_err(|mut e| {
                e.message = format!("{} row {:?}: {}", row.kind.name(), row.question, e.message);
                e
            })
        })
        .collect()
}
