//! Feasibility, seeded sampling, messages: which rows go into which cut, and what they say.

mod feasibility;
mod filter;
pub mod message;
pub mod params;
mod sample;

use serde::Serialize;

use crate::error::Result;
use crate::input::{Index, Kind};
pub use feasibility::{AugmentationStats, CutFeasibility};
pub use filter::is_placeholder_question;
pub use message::{conversation, metadata, Message};
pub use params::{parse_cuts, MixParams};

/// The plan of a mix: every cut's rows, before any token is counted.
#[derive(Debug, Clone, Serialize)]
pub struct Mix {
    pub params: MixParams,
    pub augmentations: Vec<AugmentationStats>,
    pub cuts: Vec<CutFeasibility>,
    /// Rows dropped by the GPT-OSS filter.
    pub filtered_rows: u64,
    /// Rows of the largest feasible cut, in output order (kind, then input order): every smaller
    /// cut is a subsequence, so each row is formatted and counted once for all cuts.
    #[serde(skip)]
    pub rows: Vec<usize>,
    /// For each of `rows`, the smallest cut it belongs to (0: every cut).
    #[serde(skip)]
    min_cut: Vec<u32>,
}

pub fn plan(index: &Index, params: &MixParams) -> Result<Mix> {
    params.validate()?;
    let mut params = params.clone();
    params.cuts.sort_unstable();
    let kept: Vec<bool> = index
        .rows
        .iter()
        .map(|r| !(params.gpt_oss && r.placeholder))
        .collect();
    let augmentations = feasibility::augmentation_stats(index, &kept);
    let cuts = feasibility::feasibility(&params.cuts, &augmentations);
    let largest = cuts.iter().filter(|c| c.feasible).map(|c| c.cut).max();
    let min_cuts = sample::min_cuts(index, &kept, params.qa_per_doc, params.seed);
    let mut selected: Vec<(usize, u32)> = match largest {
        None => Vec::new(),
        Some(largest) => min_cuts
            .iter()
            .enumerate()
            .filter_map(|(i, m)| m.filter(|&m| m <= largest).map(|m| (i, m)))
            .collect(),
    };
    selected.sort_by_key(|&(i, _)| (index.rows[i].kind, i));
    Ok(Mix {
        filtered_rows: kept.iter().filter(|k| !**k).count() as u64,
        params,
        augmentations,
        cuts,
        rows: selected.iter().map(|&(i, _)| i).collect(),
        min_cut: selected.iter().map(|&(_, m)| m).collect(),
    })
}

impl Mix {
    pub fn feasible_cuts(&self) -> impl Iterator<Item = u32> + '_ {
        self.cuts.iter().filter(|c| c.feasible).map(|c| c.cut)
    }

    /// Positions in `rows` (and so in the token counts) of the rows of one cut, in output order.
    pub fn positions_in_cut(&self, cut: u32) -> impl Iterator<Item = usize> + '_ {
        self.min_cut
            .iter()
            .enumerate()
            .filter(move |(_, &m)| m <= cut)
            .map(|(p, _)| p)
    }

    /// The smallest cut the row at `position` belongs to (0: every cut).
    pub fn min_cut(&self, position: usize) -> u32 {
        self.min_cut[position]
    }

    pub fn kinds(&self, index: &Index) -> Vec<Kind> {
        let mut kinds: Vec<Kind> = self.rows.iter().map(|&i| index.rows[i].kind).collect();
        kinds.dedup();
        kinds
    }
}
