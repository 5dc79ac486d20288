//! What a finished run gives the edges: everything they show, write or hand on.

use serde::Serialize;

use crate::blend::BlendReport;
use crate::browse::RowTable;
use crate::mix::Mix;
use crate::output::{Contamination, CutReport, Histogram, OutputFile, RaftReport, RefusedRows};
use crate::tokens::TokenizerInfo;

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The plan: parameters, feasibility and its numbers.
    pub mix: Mix,
    /// Per cut: the notebook's table, by kind.
    pub reports: Vec<CutReport>,
    /// The report as the command line prints it.
    pub text: String,
    /// Knowledge rows the chat template cannot render, left out under `--skip-bad-rows`.
    pub refused_rows: RefusedRows,
    /// Knowledge rows that leak the held-out set (none without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contamination: Option<Contamination>,
    /// How the RAFT rows were made (none without).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raft: Option<RaftReport>,
    /// `manifest.json`'s text (none on a dry run, nor before the checksums complete it).
    pub manifest: Option<String>,
    pub manifest_file_name: &'static str,
    /// The files written, in the order the run gave their names (none on a dry run, nor before
    /// the checksums complete the outcome).
    pub outputs: Vec<OutputFile>,
    /// Token lengths per cut (none without a tokenizer).
    pub histograms: Vec<Histogram>,
    pub tokenizer: Option<TokenizerInfo>,
    /// Per cut: the blend (or the trainer pre-flight alone), when asked for.
    pub blends: Vec<BlendReport>,
    /// Text files written beside the mixes, before the manifest: the blends' recipes.
    pub texts: Vec<TextFile>,
    /// Every written file's rows, in the order of `outputs`, to look through.
    #[serde(skip)]
    pub rows: Vec<RowTable>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TextFile {
    pub name: String,
    pub text: String,
}

/// A text file to write, borrowed from the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TextToWrite<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

impl Outcome {
    /// The files written once the lines' files are complete, in writing order: the blends'
    /// recipes, then the manifest last (none on a dry run, nor before it is complete).
    pub fn files_after_lines(&self) -> Vec<TextToWrite<'_>> {
        (self.texts.iter())
            .map(|t| TextToWrite {
                name: &t.name,
                text: &t.text,
            })
            .chain(self.manifest_file())
            .collect()
    }

    /// `manifest.json`, once complete (never on a dry run).
    pub fn manifest_file(&self) -> Option<TextToWrite<'_>> {
        (self.manifest.as_deref()).map(|text| TextToWrite {
            name: self.manifest_file_name,
            text,
        })
    }
}
