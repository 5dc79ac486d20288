//! What a run leaves besides its mixes: the names of its files, their tallies and checksums, the
//! report, the token-length histograms and the manifest.

mod contaminated;
mod duplicates;
mod histogram;
mod manifest;
mod raft;
mod refused;
mod report;
mod tally;

pub use crate::names::{
    blend_file_name, is_mix_name, mixes_listed_in, output_file_name, raft_file_name,
    recipe_file_name, MANIFEST_FILE_NAME,
};
pub use contaminated::{Contamination, LeakingRow};
pub use histogram::{histogram, Histogram};
pub use manifest::{BlendRecord, Manifest, OutputFile, ReadRecord};
pub use raft::{RaftCut, RaftReport};
pub use refused::{ReasonCount, Refusal, RefusedRows};
pub use report::{cut_reports, plan_text, report_text, CutReport, KindReport};
pub use tally::{OutputTallies, OutputTally};
