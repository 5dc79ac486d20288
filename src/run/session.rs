//! The session's first state: the indexed inputs, to plan and start runs from, as often as
//! wanted (a run under way is [`MixRun`]).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::mix_run::MixRun;
use crate::blend::{preview, BlendParams, BlendText, SourcePreview};
use crate::error::{Error, Result};
use crate::holdout::HeldOutInfo;
use crate::mix::{plan, Mix, MixParams};
use crate::names;
use crate::output::plan_text;
use crate::raft::RaftParams;
use crate::read::{BadRows, Index, InputFile};
use crate::tokens::TokenizerInfo;

/// The inputs, read and indexed.
pub struct Inputs {
    index: Arc<Index>,
}

/// What was read, for a person to check before mixing.
#[derive(Debug, Serialize)]
pub struct InputSummary<'a> {
    pub files: &'a [InputFile],
    pub bad_rows: &'a BadRows,
    pub rows: usize,
}

/// How a run goes, beside the mix's parameters.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RunSettings {
    /// The tokenizer that counts every row; none: no token counts.
    pub tokenizer: Option<TokenizerInfo>,
    /// Count and report, but render no lines and write nothing.
    pub dry_run: bool,
    /// The folders and files the user chose, by name, for the manifest.
    pub input_roots: Vec<String>,
    /// The blend beside the knowledge mix, and the trainer pre-flight.
    pub blend: BlendText,
    /// The driver's threads or workers, which keep a few tasks each out at once (none: one;
    /// `u32::MAX`: every task out at once, as a plan that hands them to other machines has them).
    pub workers: u32,
    /// The held-out set every knowledge row is checked against (each thread or worker holds it).
    pub holdout: Option<HeldOutInfo>,
    /// Leave the rows that leak the held-out set out of every cut.
    pub drop_contaminated: bool,
    /// Write each cut's knowledge rows again as RAFT rows.
    pub raft: Option<RaftParams>,
}

impl Inputs {
    pub fn new(index: Index) -> Self {
        Inputs {
            index: Arc::new(index),
        }
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    pub fn summary(&self) -> InputSummary<'_> {
        InputSummary {
            files: &self.index.files,
            bad_rows: &self.index.bad_rows,
            rows: self.index.rows.len(),
        }
    }

    /// Feasibility and the rows of every cut, before any row is read again.
    pub fn plan(&self, params: &MixParams) -> Result<Mix> {
        plan(&self.index, params)
    }

    /// The report of a plan alone: what was read, feasibility, and why cuts are skipped.
    pub fn plan_text(&self, mix: &Mix) -> String {
        plan_text(&self.index, mix)
    }

    /// The blend as asked, checked against the datasets read.
    pub fn blend_params(&self, text: &BlendText) -> Result<BlendParams> {
        let names: Vec<String> = self.index.datasets.iter().map(|d| d.name.clone()).collect();
        text.parse(&names)
    }

    /// Per feasible cut, each source of the blend as far as it is known before counting (rows
    /// for row and ratio sizes), so that a person sees what a size takes as they type it.
    pub fn blend_preview(&self, mix: &Mix, text: &BlendText) -> Result<Vec<BlendPreview>> {
        let params = self.blend_params(text)?;
        Ok(mix
            .feasible_cuts()
            .map(|cut| {
                // The RAFT rows, where a source, are one per knowledge row.
                let knowledge = mix.positions_in_cut(cut).count();
                let available: Vec<usize> = std::iter::once(knowledge)
                    .chain(params.raft.then_some(knowledge))
                    .chain(self.index.datasets.iter().map(|d| d.rows.len()))
                    .collect();
                BlendPreview {
                    cut,
                    mix_file: names::output_file_name(cut),
                    blend_files: if params.writes_blend() {
                        vec![names::blend_file_name(cut), names::recipe_file_name(cut)]
                    } else {
                        Vec::new()
                    },
                    sources: preview(&params, &available),
                }
            })
            .collect())
    }

    /// Starts a run of a plan; it needs at least one feasible cut.
    pub fn start(&self, mix: Mix, settings: RunSettings) -> Result<MixRun> {
        // A dataset to blend that could not be read stops the run, not the reading of the rest.
        if let Some(e) = self.index.dataset_error() {
            return Err(e.clone());
        }
        mix.check_feasible()?;
        let blend = self.blend_params(&settings.blend)?;
        if blend.needs_tokens() && settings.tokenizer.is_none() {
            return Err(Error::parameters(
                "a token budget, a size in tokens and the trainer pre-flight count tokens: choose a tokenizer",
            )
            .field("tokenizer"));
        }
        if blend.raft && settings.raft.is_none() {
            return Err(Error::parameters(
                "the blend names `raft`, the RAFT rows: make them (--raft retrieved|random)",
            )
            .field("raft"));
        }
        if settings.drop_contaminated && settings.holdout.is_none() {
            return Err(Error::parameters(
                "leaving out rows that leak held-out questions needs held-out files: give them",
            )
            .field("holdout"));
        }
        MixRun::new(Arc::clone(&self.index), mix, settings, blend)
    }
}

#[derive(Debug, Serialize)]
pub struct BlendPreview {
    pub cut: u32,
    /// The cut's mix, and the files its blend writes beside it (none without a blend).
    pub mix_file: String,
    pub blend_files: Vec<String>,
    pub sources: Vec<SourcePreview>,
}
