//! The session's two states: the indexed inputs (plan and start runs, as often as wanted) and a
//! run under way (tasks out, results in, in order, to one outcome).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::outcome::{Outcome, Preview};
use super::task::{ChunkResult, ChunkTask, TaskRow, TASK_ROWS};
use crate::error::{Error, Result};
use crate::mix::{plan, Mix, MixParams};
use crate::output::{
    cut_reports, histogram, output_file_name, report_text, Manifest, OutputTally, ReadRecord,
    MANIFEST_FILE_NAME,
};
use crate::read::{BadRows, Index, InputFile, Kind};
use crate::render::CutLines;
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
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RunSettings {
    /// The tokenizer that counts every row; none: no token counts.
    pub tokenizer: Option<TokenizerInfo>,
    /// Count and report, but render no lines and write nothing.
    pub dry_run: bool,
    /// Sample rows of each kind to show in the outcome.
    pub previews_per_kind: usize,
    /// The folders and files the user chose, by name, for the manifest.
    pub input_roots: Vec<String>,
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
        report_text(&self.index, mix, &[], None)
    }

    /// Starts a run of a plan; it needs at least one feasible cut.
    pub fn start(&self, mix: Mix, settings: RunSettings) -> Result<MixRun> {
        mix.check_feasible()?;
        let cuts: Vec<u32> = mix.feasible_cuts().collect();
        let written = if settings.dry_run { Vec::new() } else { cuts };
        let tasks = mix.selected.len().div_ceil(TASK_ROWS) as u32;
        Ok(MixRun {
            index: Arc::clone(&self.index),
            tallies: written.iter().map(|&cut| OutputTally::new(cut)).collect(),
            written,
            counts: Vec::with_capacity(if settings.tokenizer.is_some() {
                mix.selected.len()
            } else {
                0
            }),
            mix,
            settings,
            tasks,
            handed_out: 0,
            completed: 0,
            waiting: BTreeMap::new(),
            failed: false,
            previewed: Vec::new(),
            previews: Vec::new(),
        })
    }
}

/// A run under way.
pub struct MixRun {
    index: Arc<Index>,
    mix: Mix,
    settings: RunSettings,
    /// The cuts whose files are written, in the order of their names (none on a dry run).
    written: Vec<u32>,
    tallies: Vec<OutputTally>,
    tasks: u32,
    handed_out: u32,
    /// Tasks taken back in order: every task before this one is complete.
    completed: u32,
    /// Results taken back ahead of their turn, and failures, by task number.
    waiting: BTreeMap<u32, Result<ChunkResult>>,
    /// A task failed: no more tasks are handed out.
    failed: bool,
    counts: Vec<u32>,
    /// How many previews of each kind the tasks handed out so far carry.
    previewed: Vec<(Kind, usize)>,
    previews: Vec<Preview>,
}

/// A task's share of the files, in order, for the edge to write.
#[derive(Debug, Serialize)]
pub struct Ready {
    pub seq: u32,
    /// Planned rows this task covered, for progress.
    pub rows: usize,
    /// Lines for each file of [`MixRun::file_names`].
    pub lines: Vec<CutLines>,
}

impl MixRun {
    pub fn mix(&self) -> &Mix {
        &self.mix
    }

    /// The input files the tasks' rows point into, for whoever reads them again.
    pub fn input_files(&self) -> &[InputFile] {
        &self.index.files
    }

    /// The mixes this run writes, in the order of each [`Ready::lines`] (none on a dry run); the
    /// manifest, [`MANIFEST_FILE_NAME`], comes last with [`Outcome::manifest`].
    pub fn file_names(&self) -> Vec<String> {
        self.written
            .iter()
            .map(|&cut| output_file_name(cut))
            .collect()
    }

    /// Rows to process in all.
    pub fn rows(&self) -> usize {
        self.mix.selected.len()
    }

    pub fn tasks(&self) -> u32 {
        self.tasks
    }

    /// Tasks handed out and not yet taken back in order: an edge keeps this bounded.
    pub fn in_flight(&self) -> u32 {
        self.handed_out - self.completed
    }

    /// The next task, in output order; none when all are out or one has failed.
    pub fn next_task(&mut self) -> Option<ChunkTask> {
        if self.failed || self.handed_out == self.tasks {
            return None;
        }
        let seq = self.handed_out;
        self.handed_out += 1;
        let start = seq as usize * TASK_ROWS;
        let end = (start + TASK_ROWS).min(self.mix.selected.len());
        let rows = (start..end)
            .map(|position| {
                let row = self.index.rows[self.mix.selected[position]];
                TaskRow {
                    row,
                    min_cut: self.mix.min_cut(position),
                    preview: self.take_preview(row.kind),
                }
            })
            .collect();
        Some(ChunkTask {
            seq,
            rows,
            cuts: self.written.clone(),
            tokenizer: self.settings.tokenizer.clone(),
        })
    }

    /// Whether the next row of `kind` is still among the first `previews_per_kind` of its kind.
    fn take_preview(&mut self, kind: Kind) -> bool {
        let slot = match self.previewed.iter().position(|(k, _)| *k == kind) {
            Some(slot) => slot,
            None => {
                self.previewed.push((kind, 0));
                self.previewed.len() - 1
            }
        };
        let taken = &mut self.previewed[slot].1;
        *taken += 1;
        *taken <= self.settings.previews_per_kind
    }

    /// Takes a task's result (or its failure) back, in any order; returns the tasks now complete
    /// in order, to be written. The first failure in output order ends the run with its error.
    pub fn complete(&mut self, seq: u32, result: Result<ChunkResult>) -> Result<Vec<Ready>> {
        if seq < self.completed || seq >= self.handed_out || self.waiting.contains_key(&seq) {
            return Err(Error::input(format!(
                "task {seq} was not handed out or came back twice"
            )));
        }
        if result.is_err() {
            self.failed = true;
        }
        self.waiting.insert(seq, result);
        let mut ready = Vec::new();
        while let Some(result) = self.waiting.remove(&self.completed) {
            ready.push(self.take(result?)?);
            self.completed += 1;
        }
        Ok(ready)
    }

    fn take(&mut self, result: ChunkResult) -> Result<Ready> {
        let start = result.seq as usize * TASK_ROWS;
        let rows = TASK_ROWS.min(self.mix.selected.len() - start);
        let counted = result.counts.as_ref().map(Vec::len);
        let expected = self.settings.tokenizer.as_ref().map(|_| rows);
        if counted != expected || result.lines.len() != self.tallies.len() {
            return Err(Error::input(format!(
                "task {} came back with {} token counts and lines for {} files, not {} and {}",
                result.seq,
                counted.unwrap_or(0),
                result.lines.len(),
                expected.unwrap_or(0),
                self.tallies.len()
            )));
        }
        self.counts.extend(result.counts.unwrap_or_default());
        for (tally, lines) in self.tallies.iter_mut().zip(&result.lines) {
            tally.add(lines);
        }
        self.previews.extend(result.previews);
        Ok(Ready {
            seq: result.seq,
            rows,
            lines: result.lines,
        })
    }

    /// The outcome, once every task is complete.
    pub fn finish(self) -> Result<Outcome> {
        if self.completed != self.tasks {
            return Err(Error::input(format!(
                "the run is not complete: {} of {} tasks are back",
                self.completed, self.tasks
            )));
        }
        let index = &self.index;
        let counts = self.settings.tokenizer.as_ref().map(|_| &self.counts[..]);
        let reports = cut_reports(index, &self.mix, counts);
        let tokenizer = self.settings.tokenizer;
        let text = report_text(
            index,
            &self.mix,
            &reports,
            tokenizer.as_ref().map(|t| t.name.as_str()),
        );
        let histograms = counts
            .map(|counts| {
                self.mix
                    .feasible_cuts()
                    .map(|cut| {
                        let lengths: Vec<u32> =
                            self.mix.positions_in_cut(cut).map(|p| counts[p]).collect();
                        histogram(cut, &lengths)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let outputs: Vec<_> = self.tallies.into_iter().map(OutputTally::finish).collect();
        let manifest = (!self.settings.dry_run).then(|| {
            Manifest {
                kmix_version: env!("CARGO_PKG_VERSION"),
                read: ReadRecord {
                    roots: &self.settings.input_roots,
                    options: index.options,
                },
                mix: &self.mix,
                inputs: &index.files,
                bad_rows: &index.bad_rows,
                tokenizer: tokenizer.as_ref(),
                report: &reports,
                outputs: &outputs,
            }
            .to_json()
        });
        Ok(Outcome {
            mix: self.mix,
            reports,
            text,
            manifest,
            manifest_file_name: MANIFEST_FILE_NAME,
            outputs,
            histograms,
            previews: self.previews,
            tokenizer,
        })
    }
}
