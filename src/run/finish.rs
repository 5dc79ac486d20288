//! A run's end: its counts and tallies made into the outcome — reports, recipes, histograms
//! and the manifest, which waits for the checksums of the files written where the edge
//! computes them (the page shows the rest meanwhile).

use std::sync::Arc;

use super::outcome::{Outcome, TextFile};
use super::RunSettings;
use crate::blend::{blend_text, recipe_text, BlendParams, BlendReport};
use crate::browse::RowTable;
use crate::error::Result;
use crate::mix::Mix;
use crate::output::{
    cut_reports, histogram, output_file_name, raft_file_name, report_text, BlendRecord,
    Contamination, Histogram, Manifest, OutputTallies, RaftReport, ReadRecord, RefusedRows,
    MANIFEST_FILE_NAME,
};
use crate::read::Index;

/// What a complete run hands on to its outcome.
pub(super) struct Finished {
    pub index: Arc<Index>,
    pub mix: Mix,
    pub settings: RunSettings,
    pub blend: BlendParams,
    /// Every cut's blend (or pre-flight alone), when asked for.
    pub blends: Vec<BlendReport>,
    /// The knowledge rows' token lengths, by position (none without a tokenizer).
    pub counts: Option<Vec<u32>>,
    /// Knowledge rows the chat template refused, left out of every cut.
    pub refused: RefusedRows,
    /// Knowledge rows that leak the held-out set (none without one).
    pub contamination: Option<Contamination>,
    /// The RAFT rows, when made.
    pub raft: Option<RaftReport>,
    /// The written files, tallied (and hashed, or to be given their checksums).
    pub outputs: OutputTallies,
    pub tables: Vec<RowTable>,
}

/// The outcome, without its output files and manifest until the draft completes it.
pub(super) fn finish(run: Finished) -> (Outcome, ManifestDraft) {
    let counts = run.counts.as_deref();
    let reports = cut_reports(&run.index, &run.mix, counts);
    let tokenizer = run.settings.tokenizer.as_ref().map(|t| t.name.as_str());
    let mut text = report_text(&run.index, &run.mix, &run.refused, &reports, tokenizer);
    if let Some(c) = &run.contamination {
        text.push_str(&c.text());
    }
    if let Some(r) = &run.raft {
        text.push_str(&r.text());
    }
    text.push_str(&blend_text(
        &run.blends,
        run.blend.max_seq_len,
        run.blend.trainer_count,
    ));
    let texts = recipes(&run.blends, &run.blend, run.mix.params.seed);
    let histograms = counts.map_or_else(Vec::new, |c| histograms(&run.mix, c, &run.blend));
    let outcome = Outcome {
        reports,
        text,
        manifest: None,
        manifest_file_name: MANIFEST_FILE_NAME,
        histograms,
        texts,
        mix: run.mix,
        refused_rows: run.refused,
        contamination: run.contamination,
        raft: run.raft,
        outputs: Vec::new(),
        tokenizer: run.settings.tokenizer,
        blends: run.blends,
        rows: run.tables,
    };
    let draft = ManifestDraft {
        index: run.index,
        input_roots: run.settings.input_roots,
        blend: run.blend,
        dry_run: run.settings.dry_run,
        tallies: run.outputs,
    };
    (outcome, draft)
}

/// What the manifest says beyond the outcome, and the written files' tallies, which may still
/// wait for the checksums the edge computes.
pub struct ManifestDraft {
    index: Arc<Index>,
    input_roots: Vec<String>,
    blend: BlendParams,
    dry_run: bool,
    tallies: OutputTallies,
}

impl ManifestDraft {
    /// The SHA-256 (hex) of each file written, in the run's order, as the edge computed them.
    pub fn give_digests(&mut self, sha256: Vec<String>) -> Result<()> {
        self.tallies.give_digests(sha256)
    }

    /// Completes `outcome`: the files written, and the manifest that lists them (none on a
    /// dry run).
    pub fn complete(self, outcome: &mut Outcome) -> Result<()> {
        outcome.outputs = self.tallies.finish()?;
        if !self.dry_run {
            let text = manifest(&self.index, &self.input_roots, &self.blend, outcome);
            outcome.manifest = Some(text);
        }
        Ok(())
    }
}

fn manifest(index: &Index, roots: &[String], blend: &BlendParams, outcome: &Outcome) -> String {
    // The recipes name their datasets by where they are, which differs between machines and
    // edges: the manifest lists them by name (in its blend section), not by checksum.
    Manifest {
        kmix_version: env!("CARGO_PKG_VERSION"),
        read: ReadRecord {
            roots,
            options: index.options,
        },
        mix: &outcome.mix,
        inputs: &index.files,
        bad_rows: &index.bad_rows,
        refused_rows: &outcome.refused_rows,
        held_out: outcome.contamination.as_ref(),
        raft: outcome.raft.as_ref(),
        tokenizer: outcome.tokenizer.as_ref(),
        report: &outcome.reports,
        blend: blend.plans_blends().then_some(BlendRecord {
            params: blend,
            cuts: &outcome.blends,
        }),
        outputs: &outcome.outputs,
    }
    .to_json()
}

/// The recipe of each written blend.
fn recipes(blends: &[BlendReport], params: &BlendParams, seed: u64) -> Vec<TextFile> {
    (blends.iter())
        .filter_map(|b| {
            Some(TextFile {
                name: b.recipe_file_name.clone()?,
                text: recipe(b, params, seed),
            })
        })
        .collect()
}

/// Each feasible cut's token lengths.
fn histograms(mix: &Mix, counts: &[u32], blend: &BlendParams) -> Vec<Histogram> {
    mix.feasible_cuts()
        .map(|cut| {
            let lengths: Vec<u32> = mix.positions_in_cut(cut).map(|p| counts[p]).collect();
            histogram(cut, &lengths, blend.max_seq_len)
        })
        .collect()
}

/// The recipe of a written blend: the knowledge mix beside it, then each dataset, with the rows
/// taken of each.
fn recipe(blend: &BlendReport, params: &BlendParams, seed: u64) -> String {
    let knowledge = output_file_name(blend.cut);
    let raft = raft_file_name(blend.cut);
    let sources: Vec<(&str, u64)> = (blend.sources.iter().zip(&params.sources).enumerate())
        .map(|(i, (s, p))| {
            let path = match (i, params.raft) {
                (0, _) => knowledge.as_str(),
                (1, true) => raft.as_str(),
                _ => p.recipe_path.as_str(),
            };
            (path, s.rows)
        })
        .collect();
    let header = format!(
        "The recipe of {}, written by kmix {} (seed {seed}).\n\
         sampling_size is the rows kmix took of each dataset; kmix makes the same blend again from\n\
         this recipe and the same inputs (kmix GENERATED --cuts {} --recipe THIS_FILE).",
        blend.file_name.as_deref().unwrap_or_default(),
        env!("CARGO_PKG_VERSION"),
        blend.cut,
    );
    recipe_text(&header, &sources, params.sys_prompt.as_deref())
}
