//! The session: one engine that runs a mix from indexed inputs to its outcome, with no I/O, clock
//! or thread of its own. An edge reads the inputs ([`crate::read::FirstPass`]), wraps the index in
//! [`Inputs`], plans, and starts a [`MixRun`]; the run hands out [`ChunkTask`]s (plain data), which
//! any thread or worker turns into [`ChunkResult`]s with [`process_chunk`]; the run takes them
//! back in any order, gives out their lines in order for the edge to write, and ends in one
//! [`Outcome`].

mod outcome;
mod session;
mod task;

pub use outcome::{Outcome, TextFile};
pub use session::{BlendPreview, InputSummary, Inputs, MixRun, Ready, RunSettings};
pub use task::{process_chunk, BlendRow, ChunkResult, ChunkTask, TaskRow, Work, TASK_ROWS};
