//! kmix: the knowledge-mixing step of a knowledge-tuning pipeline.
//!
//! Data flows one way, one module a step:
//!
//! 1. [`read`]: the first pass streams every input once into a compact [`read::Index`];
//! 2. [`mix`]: planning only: feasibility and seeded, nested sampling on the index;
//! 3. [`reread`]: the second pass reads the selected rows again by position;
//! 4. [`render`]: a row becomes its conversation, built once ([`render::Rendered`]);
//! 5. [`tokens`]: the conversation's token count, exactly as Python `transformers` counts it;
//!    then [`render`] writes the row's JSON line, its metadata and count in it;
//! 6. [`output`]: names, tallies, report, histograms and the manifest.
//!
//! [`run`] drives these steps as one session, free of I/O, clocks and threads: the edges (the
//! native command line [`cli`], which the Python module drives too, and the wasm facade for the
//! page) hand it [`source::ByteSource`]s, ask the
//! run what comes next ([`run::MixRun::what_next`]), run its chunk tasks on their threads or
//! workers, and write the lines it gives back.

pub mod blend;
pub mod browse;
pub mod checksum;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod error;
pub mod holdout;
pub mod mix;
pub mod names;
pub mod output;
#[cfg(all(feature = "python", not(target_arch = "wasm32")))]
mod python;
pub mod raft;
pub mod read;
pub mod render;
pub mod reread;
pub mod run;
pub mod source;
pub mod text;
pub mod tokens;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use error::{Error, ErrorKind, Result};
