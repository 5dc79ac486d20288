//! The session: one engine that runs a mix from indexed inputs to its outcome, with no I/O, clock
//! or thread of its own. An edge reads the inputs ([`crate::read::FirstPass`]), wraps the index in
//! [`Inputs`], plans, and starts a [`MixRun`]; a driver asks the run what comes [`Next`]: a
//! [`ChunkTask`] (plain data), which any thread or worker turns into a [`ChunkResult`] with
//! [`process_chunk`], a wait for results out, or the end. The run takes results back in any
//! order, gives out their lines in order for the edge to write, and ends in one [`Outcome`].

mod finish;
mod mix_run;
mod outcome;
mod raft;
mod session;
mod stages;
mod task;

pub use finish::ManifestDraft;
pub use mix_run::{MixRun, Next, Ready};
pub use outcome::{Outcome, TextFile, TextToWrite};
pub use session::{BlendPreview, InputSummary, Inputs, RunSettings};
pub use task::{
    process_chunk, BlendRow, ChunkResult, ChunkTask, ContaminatedRow, HoldoutCheck, RaftResult,
    RefusedRow, TaskRow, Work, TASK_ROWS,
};
