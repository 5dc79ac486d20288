//! A run under way: the driver asks [`MixRun::what_next`] what to do, hands results back to
//! [`MixRun::complete`] in any order, writes the lines it gives out in order, and ends with
//! [`MixRun::finish`].

use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

use super::finish::{finish, Finished, ManifestDraft};
use super::outcome::Outcome;
use super::raft::{Before, RaftRun};
use super::stages::{Handout, Stage, Tasks};
use super::task::{
    BlendRow, ChunkResult, ChunkTask, ContaminatedRow, HoldoutCheck, RefusedRow, TaskRow, Work,
    TASK_ROWS,
};
use super::RunSettings;
use crate::blend::{plan_blend, BlendParams, CutBlend, Entry, SourceRows};
use crate::browse::RowTable;
use crate::checksum::Hashing;
use crate::error::{Error, Result};
use crate::mix::Mix;
use crate::output::{
    blend_file_name, output_file_name, raft_file_name, recipe_file_name, Contamination, LeakingRow,
    OutputTallies, RefusedRows,
};
use crate::raft::CorpusShare;
use crate::read::{Index, InputFile, Kind, RAFT};
use crate::render::CutLines;
use crate::tokens::RowTokens;

/// What a driver does next.
#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Next {
    /// Process this task ([`super::process_chunk`]) and hand its result to [`MixRun::complete`].
    Task(ChunkTask),
    /// Give every thread or worker the RAFT corpus built from this ([`crate::raft::RaftCorpus::new`]),
    /// then say so ([`MixRun::shared`]): the knowledge tasks that follow name it.
    Share(CorpusShare),
    /// Hand a result back first: as many tasks are out as the run's workers keep busy, or the
    /// blends wait for every count to be back.
    Wait,
    /// Nothing more to hand out: every task is out, or one failed. Hand back the tasks still
    /// out, then [`MixRun::finish`].
    Done,
}

/// Where the run is.
enum Phase {
    /// The knowledge and dataset rows are out and coming back; the blends wait for their counts.
    Counting,
    /// Every cut's blend (or pre-flight) is planned; their writing tasks follow the counting ones.
    Planned(Vec<CutBlend>),
}

/// The files a run writes: the knowledge mixes, their RAFT rows, then the blends.
struct Files {
    names: Vec<String>,
    /// The cuts whose knowledge mix is written, in the order of their names (none on a dry run).
    written: Vec<u32>,
    /// Whether each written cut's RAFT rows are written too, after the mixes.
    raft: bool,
    /// The cuts whose blend is written.
    blended: Vec<u32>,
    /// Rows handed out for writing, per file: what the edge's tallies must have seen.
    rows_out: Vec<u64>,
    /// Every written row, per file, to look through afterwards.
    tables: Vec<RowTable>,
}

/// Token counts as they come back: the knowledge rows' by position, each dataset's by row.
struct Counts {
    knowledge: Vec<RowTokens>,
    datasets: Vec<Vec<RowTokens>>,
}

/// Where a blend entry's row comes from: the blend's sources are the knowledge mix, the RAFT
/// rows where the blend names them, then each added dataset.
enum EntrySource {
    /// The knowledge row at this position of the mix's selected rows.
    Knowledge(usize),
    /// The RAFT row of the knowledge row at this position.
    Raft(usize),
    /// This row of this dataset.
    Dataset(usize, usize),
}

fn entry_source(entry: &Entry, blend: &BlendParams) -> EntrySource {
    let id = entry.id as usize;
    match (entry.source, blend.raft) {
        (0, _) => EntrySource::Knowledge(id),
        (1, true) => EntrySource::Raft(id),
        (s, raft) => EntrySource::Dataset(s as usize - 1 - usize::from(raft), id),
    }
}

/// A task's share of the files, in order, for the edge to write.
#[derive(Debug, Serialize)]
pub struct Ready {
    pub seq: u32,
    /// Rows this task covered, for progress.
    pub rows: usize,
    /// Rows the run covers in all, as far as known (the blends' are known after counting).
    pub total: usize,
    /// Lines for each file of [`MixRun::file_names`].
    pub lines: Vec<CutLines>,
}

/// A run under way: its tasks come in two stages, the knowledge rows (counted and written) and
/// the added datasets' rows (counted); then, once every count is back, the blends are planned
/// from them and their lines written.
pub struct MixRun {
    index: Arc<Index>,
    mix: Mix,
    settings: RunSettings,
    blend: BlendParams,
    files: Files,
    tasks: Tasks,
    handout: Handout,
    phase: Phase,
    counts: Counts,
    /// Knowledge rows the chat template refused, left out of every cut (`--skip-bad-rows`).
    refused: RefusedRows,
    /// Knowledge rows that leak the held-out set (none without one).
    contamination: Option<Contamination>,
    /// The RAFT rows, when made.
    raft: Option<RaftRun>,
}

impl MixRun {
    pub(super) fn new(
        index: Arc<Index>,
        mix: Mix,
        settings: RunSettings,
        blend: BlendParams,
    ) -> Result<MixRun> {
        let counted = settings.tokenizer.is_some();
        // Datasets are counted when there is a tokenizer: for the report, sizes in tokens and the
        // pre-flight.
        let dataset_rows: Vec<usize> = (index.datasets.iter())
            .filter(|_| counted)
            .map(|d| d.rows.len())
            .collect();
        let raft = (settings.raft.clone())
            .map(|params| RaftRun::new(params, &index, &mix))
            .transpose()?;
        let corpus_rows = raft.as_ref().map_or(0, |r| r.sources.len());
        let mut run = MixRun {
            files: Files::new(&mix, &settings, &blend),
            tasks: Tasks::new(corpus_rows, mix.selected.len(), &dataset_rows),
            handout: Handout::new(settings.workers),
            phase: Phase::Counting,
            counts: Counts {
                knowledge: Vec::with_capacity(if counted { mix.selected.len() } else { 0 }),
                datasets: vec![Vec::new(); index.datasets.len()],
            },
            refused: RefusedRows::default(),
            contamination: (settings.holdout.as_ref())
                .map(|h| Contamination::new(h.files.clone(), settings.drop_contaminated)),
            raft,
            index,
            mix,
            settings,
            blend,
        };
        if run.tasks.counting() == 0 || !run.blend.plans_blends() {
            run.plan_blends()?;
        }
        Ok(run)
    }

    pub fn mix(&self) -> &Mix {
        &self.mix
    }

    /// The input files the tasks' rows point into, for whoever reads them again.
    pub fn input_files(&self) -> &[InputFile] {
        &self.index.files
    }

    /// The files this run writes, in the order of each [`Ready::lines`] (none on a dry run):
    /// the knowledge mixes, then the blends; then [`Outcome::texts`] (the blends' recipes) and
    /// last the manifest, [`crate::output::MANIFEST_FILE_NAME`], with [`Outcome::manifest`].
    pub fn file_names(&self) -> Vec<String> {
        self.files.names.clone()
    }

    /// Rows to process in all, as far as known: the blends' rows count once they are planned.
    pub fn rows(&self) -> usize {
        self.tasks.rows()
    }

    /// Tasks known so far: every task once the blends are planned.
    pub fn tasks(&self) -> u32 {
        self.tasks.count()
    }

    /// What the driver does next: process a task, wait for a result to come back, or stop.
    pub fn what_next(&mut self) -> Next {
        let all = self.tasks.count();
        let planned = matches!(self.phase, Phase::Planned(_));
        if self.handout.failed() || (planned && self.handout.handed_out() == all) {
            return Next::Done;
        }
        if self.handout.handed_out() == all || self.handout.window_full() {
            return Next::Wait;
        }
        let corpus_out = self.handout.handed_out() >= self.tasks.corpus();
        match (self.raft.as_mut())
            .filter(|_| corpus_out)
            .and_then(RaftRun::next)
        {
            Some(Before::Share(share)) => return Next::Share(share),
            Some(Before::Wait) => return Next::Wait,
            None => {}
        }
        let seq = self.handout.hand_out();
        let stage = self.tasks.stage(seq);
        let knowledge = matches!(stage, Stage::Knowledge { .. });
        // Blends that hold RAFT rows draw them again.
        let knowledge = knowledge || (self.blend.raft && matches!(stage, Stage::Blend { .. }));
        Next::Task(ChunkTask {
            seq,
            work: self.work(stage),
            tokenizer: self.settings.tokenizer.clone(),
            holdout: (self.settings.holdout.as_ref()).map(|h| HoldoutCheck {
                checksum: h.checksum.clone(),
                drop: self.settings.drop_contaminated,
            }),
            unmask: self.blend.counts_unmasked(),
            raft: (self.raft.as_ref())
                .filter(|_| knowledge)
                .and_then(RaftRun::held),
        })
    }

    /// The RAFT rows' tokens, by position (none without RAFT rows or a tokenizer).
    fn raft_counts(&self) -> &[RowTokens] {
        self.raft.as_ref().map_or(&[], |r| &r.counts[..])
    }

    /// The driver's threads or workers hold the RAFT corpus of the last [`Next::Share`].
    pub fn shared(&mut self) -> Result<()> {
        match self.raft.as_mut() {
            Some(raft) => raft.shared(),
            None => Err(Error::input("this run makes no RAFT rows")),
        }
    }

    fn work(&self, stage: Stage) -> Work {
        match stage {
            Stage::Corpus { start, end } => Work::Documents {
                rows: self.raft.as_ref().expect("corpus tasks are RAFT's").sources[start..end]
                    .to_vec(),
            },
            Stage::Knowledge { start, end } => Work::Knowledge {
                rows: (start..end)
                    .map(|position| TaskRow {
                        row: self.index.rows[self.mix.selected[position]],
                        min_cut: self.mix.min_cut(position),
                    })
                    .collect(),
                cuts: self.files.written.clone(),
            },
            Stage::Dataset {
                dataset,
                start,
                end,
            } => {
                let set = &self.index.datasets[dataset];
                Work::Dataset {
                    file: set.file,
                    rows: set.rows[start..end].to_vec(),
                }
            }
            Stage::Blend { blend, start, end } => Work::Blend {
                rows: self
                    .blend_entries(blend, start, end)
                    .iter()
                    .map(|e| self.blend_row(e))
                    .collect(),
            },
        }
    }

    /// Written blend `blend`'s entries `start..end`.
    fn blend_entries(&self, blend: usize, start: usize, end: usize) -> &[Entry] {
        let Phase::Planned(blends) = &self.phase else {
            unreachable!("blend tasks are numbered once the blends are planned")
        };
        // Blends are written for every cut planned, in the same order.
        &blends[blend].entries[start..end]
    }

    fn blend_row(&self, entry: &Entry) -> BlendRow {
        match entry_source(entry, &self.blend) {
            EntrySource::Knowledge(position) => BlendRow::Knowledge {
                row: self.index.rows[self.mix.selected[position]],
                length: self.counts.knowledge.get(position).map(|t| t.length),
            },
            EntrySource::Raft(position) => BlendRow::Raft {
                row: self.index.rows[self.mix.selected[position]],
                length: (self.raft_counts().get(position)).map(|t| t.length),
            },
            EntrySource::Dataset(d, row) => {
                let set = &self.index.datasets[d];
                BlendRow::Dataset {
                    file: set.file,
                    span: set.rows[row],
                }
            }
        }
    }

    /// A blend entry's tokens and group: its kind for a knowledge row, else its dataset's name.
    fn entry_row(&self, entry: &Entry) -> (Option<u32>, &str) {
        match entry_source(entry, &self.blend) {
            EntrySource::Knowledge(position) => (
                self.counts.knowledge.get(position).map(|t| t.length),
                self.index.rows[self.mix.selected[position]].kind.name(),
            ),
            EntrySource::Raft(position) => {
                (self.raft_counts().get(position).map(|t| t.length), RAFT)
            }
            EntrySource::Dataset(d, row) => (
                self.counts.datasets[d].get(row).map(|t| t.length),
                &self.index.datasets[d].name,
            ),
        }
    }

    /// Plans every cut's blend from the counts, once they are all back, and adds the tasks that
    /// write the blends.
    fn plan_blends(&mut self) -> Result<()> {
        if !self.blend.plans_blends() {
            self.phase = Phase::Planned(Vec::new());
            return Ok(());
        }
        let counted = self.settings.tokenizer.is_some();
        let kinds: Vec<Kind> = (self.mix.selected.iter())
            .map(|&i| self.index.rows[i].kind)
            .collect();
        let mut blends = Vec::new();
        for cut in self.mix.feasible_cuts() {
            let knowledge = SourceRows {
                ids: self.mix.positions_in_cut(cut).map(|p| p as u32).collect(),
                tokens: counted.then_some(&self.counts.knowledge[..]),
                kinds: Some(&kinds),
            };
            let datasets =
                (self.index.datasets.iter().zip(&self.counts.datasets)).map(|(set, tokens)| {
                    SourceRows {
                        ids: (0..set.rows.len() as u32).collect(),
                        tokens: counted.then_some(&tokens[..]),
                        kinds: None,
                    }
                });
            let raft = (self.blend.raft).then(|| SourceRows {
                ids: knowledge.ids.clone(),
                tokens: counted.then_some(self.raft_counts()),
                kinds: None,
            });
            let sources: Vec<SourceRows> = (std::iter::once(knowledge).chain(raft))
                .chain(datasets)
                .collect();
            let mut blend = plan_blend(cut, &self.blend, &sources, self.mix.params.seed)?;
            if let Some(b) = self.files.blended.iter().position(|&c| c == cut) {
                blend.report.file_name = Some(blend_file_name(cut));
                blend.report.recipe_file_name = Some(recipe_file_name(cut));
                self.tasks.add_blend(b, chunks(&blend.entries));
            }
            blends.push(blend);
        }
        self.phase = Phase::Planned(blends);
        Ok(())
    }

    /// Takes a task's result (or its failure) back, in any order; returns the tasks now complete
    /// in order, to be written. The first failure in output order ends the run with its error.
    pub fn complete(&mut self, seq: u32, result: Result<ChunkResult>) -> Result<Vec<Ready>> {
        self.handout.give_back(seq, result)?;
        let mut ready = Vec::new();
        while let Some(result) = self.handout.take_in_order() {
            let taken = result.and_then(|r| self.take(r));
            match taken.and_then(|r| self.plan_once_counted().map(|()| r)) {
                Ok(r) => ready.push(r),
                Err(e) => {
                    self.handout.fail();
                    return Err(e);
                }
            }
        }
        Ok(ready)
    }

    /// Plans the blends when the last counting task is back.
    fn plan_once_counted(&mut self) -> Result<()> {
        let counted = self.handout.completed() == self.tasks.counting();
        if counted && matches!(self.phase, Phase::Counting) {
            self.plan_blends()?;
        }
        Ok(())
    }

    fn take(&mut self, result: ChunkResult) -> Result<Ready> {
        let seq = result.seq;
        let files = self.files_of(seq);
        if result.lines.len() != files.len() {
            return Err(mismatch(seq, "lines"));
        }
        let stage = self.tasks.stage(seq);
        let mut lines = vec![CutLines::default(); self.files.names.len()];
        match stage {
            Stage::Corpus { start, end } => match self.raft.as_mut() {
                Some(raft) if result.documents.len() == end - start => {
                    raft.take_documents(result.documents)?
                }
                _ => return Err(mismatch(seq, "source chunks")),
            },
            Stage::Knowledge { start, end } => {
                self.take_knowledge(seq, start..end, result, &mut lines)?
            }
            Stage::Dataset {
                dataset,
                start,
                end,
            } => match result.counts {
                Some(counts) if counts.len() == end - start => {
                    self.counts.datasets[dataset].extend(counts)
                }
                _ => return Err(mismatch(seq, "token counts")),
            },
            Stage::Blend { blend, start, end } => {
                let slot = files.start;
                let blend_lines = result
                    .lines
                    .into_iter()
                    .next()
                    .expect("one file, checked above");
                if blend_lines.rows() != (end - start) as u64 {
                    return Err(mismatch(seq, "lines"));
                }
                let mut table = std::mem::take(&mut self.files.tables[slot]);
                for (entry, &len) in self
                    .blend_entries(blend, start, end)
                    .iter()
                    .zip(&blend_lines.lens)
                {
                    let (tokens, group) = self.entry_row(entry);
                    table.push(len, tokens, group);
                }
                self.files.tables[slot] = table;
                lines[slot] = blend_lines;
            }
        }
        for (rows_out, file_lines) in self.files.rows_out.iter_mut().zip(&lines) {
            *rows_out += file_lines.rows();
        }
        Ok(Ready {
            seq,
            rows: stage.rows(),
            total: self.rows(),
            lines,
        })
    }

    /// A knowledge task's counts and its lines for every written cut (and its RAFT rows'),
    /// checked against the plan.
    fn take_knowledge(
        &mut self,
        seq: u32,
        positions: Range<usize>,
        result: ChunkResult,
        lines: &mut [CutLines],
    ) -> Result<()> {
        let counted = result.counts.as_ref().map(Vec::len);
        let expected = self.settings.tokenizer.as_ref().map(|_| positions.len());
        if counted != expected {
            return Err(mismatch(seq, "token counts"));
        }
        self.leave_out_refused(seq, &positions, result.refused)?;
        self.take_contaminated(seq, &positions, result.contaminated)?;
        self.take_raft(seq, positions.len(), expected, result.raft)?;
        self.counts
            .knowledge
            .extend(result.counts.unwrap_or_default());
        let mixes = self.files.written.len();
        for (slot, cut_lines) in result.lines.into_iter().enumerate() {
            let cut = self.files.written[slot % mixes];
            let counts = match slot < mixes {
                true => &self.counts.knowledge,
                false => &self.raft.as_ref().expect("RAFT files are RAFT's").counts,
            };
            let in_cut = positions.clone().filter(|&p| self.mix.in_cut(p, cut));
            if in_cut.clone().count() != cut_lines.lens.len() {
                return Err(mismatch(seq, "lines"));
            }
            for (position, &len) in in_cut.zip(&cut_lines.lens) {
                let kind = self.index.rows[self.mix.selected[position]].kind;
                let tokens = counts.get(position).map(|t| t.length);
                self.files.tables[slot].push(len, tokens, kind.name());
            }
            lines[slot] = cut_lines;
        }
        Ok(())
    }

    /// A knowledge task's RAFT rows' notes and counts (`counted`: the rows counted, if any).
    fn take_raft(
        &mut self,
        seq: u32,
        rows: usize,
        counted: Option<usize>,
        result: Option<super::task::RaftResult>,
    ) -> Result<()> {
        match (self.raft.as_mut(), result) {
            (None, None) => Ok(()),
            (Some(raft), Some(r))
                if r.notes.len() == rows && r.counts.as_ref().map(Vec::len) == counted =>
            {
                raft.notes.extend(r.notes);
                raft.counts.extend(r.counts.unwrap_or_default());
                Ok(())
            }
            _ => Err(mismatch(seq, "RAFT rows")),
        }
    }

    /// Rows the chat template refused: the first is the run's error, or, with `--skip-bad-rows`,
    /// each is left out of every cut (so of the reports and the blends too) and counted.
    fn leave_out_refused(
        &mut self,
        seq: u32,
        positions: &Range<usize>,
        refused: Vec<RefusedRow>,
    ) -> Result<()> {
        for RefusedRow { row, refusal } in refused {
            let position = position_of(seq, positions, row, "refused rows")?;
            if !self.index.options.skip_bad_rows {
                return Err(refusal.error);
            }
            self.mix.leave_out(position);
            self.refused.add(refusal);
        }
        Ok(())
    }

    /// Rows that leak the held-out set: counted in every cut they are in and named, and, with
    /// `--drop-contaminated`, left out of every cut (the task left them out of its lines).
    fn take_contaminated(
        &mut self,
        seq: u32,
        positions: &Range<usize>,
        contaminated: Vec<ContaminatedRow>,
    ) -> Result<()> {
        let Some(report) = self.contamination.as_mut() else {
            return match contaminated.is_empty() {
                true => Ok(()),
                false => Err(mismatch(seq, "contaminated rows")),
            };
        };
        for ContaminatedRow {
            row,
            question,
            leak,
        } in contaminated
        {
            let position = position_of(seq, positions, row, "contaminated rows")?;
            let index_row = self.index.rows[self.mix.selected[position]];
            let cuts: Vec<u32> = (self.mix.feasible_cuts())
                .filter(|&c| self.mix.in_cut(position, c))
                .collect();
            let named = LeakingRow {
                file: self.index.files[index_row.file as usize].path.clone(),
                line: index_row.line,
                question,
                leak,
            };
            report.add(index_row.kind, &cuts, named);
            if report.dropped {
                self.mix.leave_out(position);
            }
        }
        Ok(())
    }

    /// The files task `seq`'s lines go to, as positions in [`MixRun::file_names`], in the order
    /// of its result's lines: every knowledge mix, none (a dataset's counts), or one blend.
    pub fn files_of(&self, seq: u32) -> Range<usize> {
        match self.tasks.stage(seq) {
            Stage::Knowledge { .. } => 0..self.files.knowledge(),
            Stage::Corpus { .. } | Stage::Dataset { .. } => 0..0,
            Stage::Blend { blend, .. } => {
                let slot = self.files.knowledge() + blend;
                slot..slot + 1
            }
        }
    }

    /// Tallies for the files this run writes, for the edge to feed every [`Ready`]'s lines to
    /// as it writes them and to hand to [`MixRun::finish`].
    pub fn output_tallies(&self, hashing: Hashing) -> OutputTallies {
        OutputTallies::new(&self.files.names, hashing)
    }

    /// The outcome, once every task is complete and `tallies` has seen every line written; its
    /// output files and manifest come once the draft completes it ([`ManifestDraft::complete`]),
    /// when the edge has given the checksums it computes.
    pub fn finish(self, tallies: OutputTallies) -> Result<(Outcome, ManifestDraft)> {
        if self.handout.completed() != self.tasks.count() {
            return Err(Error::input(format!(
                "the run is not complete: {} of {} tasks are back",
                self.handout.completed(),
                self.tasks.count()
            )));
        }
        if tallies.rows() != self.files.rows_out {
            return Err(Error::input(
                "the output checksums did not see every line written",
            ));
        }
        let blends = match self.phase {
            Phase::Planned(blends) => blends,
            Phase::Counting => unreachable!("every task is back, so the blends are planned"),
        };
        let counts = (self.settings.tokenizer.as_ref())
            .map(|_| self.counts.knowledge.iter().map(|t| t.length).collect());
        let written = &self.files.written;
        let raft = (self.raft.as_ref()).map(|r| {
            r.report(&self.mix, |cut| {
                written.contains(&cut).then(|| raft_file_name(cut))
            })
        });
        Ok(finish(Finished {
            index: self.index,
            mix: self.mix,
            settings: self.settings,
            blend: self.blend,
            blends: blends.into_iter().map(|b| b.report).collect(),
            counts,
            refused: self.refused,
            contamination: self.contamination,
            raft,
            outputs: tallies,
            tables: self.files.tables,
        }))
    }
}

impl Files {
    fn new(mix: &Mix, settings: &RunSettings, blend: &BlendParams) -> Self {
        let written: Vec<u32> = if settings.dry_run {
            Vec::new()
        } else {
            mix.feasible_cuts().collect()
        };
        let blended = if blend.writes_blend() {
            written.clone()
        } else {
            Vec::new()
        };
        let raft = settings.raft.is_some();
        let rafts = written.iter().filter(|_| raft);
        let names: Vec<String> = (written.iter().map(|&cut| output_file_name(cut)))
            .chain(rafts.map(|&cut| raft_file_name(cut)))
            .chain(blended.iter().map(|&cut| blend_file_name(cut)))
            .collect();
        Files {
            rows_out: vec![0; names.len()],
            tables: vec![RowTable::new(); names.len()],
            names,
            written,
            raft,
            blended,
        }
    }

    /// The files a knowledge task writes to: every mix, and every RAFT file.
    fn knowledge(&self) -> usize {
        self.written.len() * (1 + usize::from(self.raft))
    }
}

/// The position of a task's row `row`, which must be one of the task's `positions`.
fn position_of(seq: u32, positions: &Range<usize>, row: u32, what: &str) -> Result<usize> {
    let position = positions.start + row as usize;
    match position < positions.end {
        true => Ok(position),
        false => Err(mismatch(seq, what)),
    }
}

fn mismatch(seq: u32, what: &str) -> Error {
    Error::input(format!(
        "task {seq} came back with {what} other than it was asked for"
    ))
}

/// Task bounds over a blend's entries: at most [`TASK_ROWS`] each, but never splitting a row's
/// copies, so that each is read once.
fn chunks(entries: &[Entry]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start == entries.len() {
            return None;
        }
        let mut end = (start + TASK_ROWS).min(entries.len());
        while end < entries.len() && entries[end] == entries[end - 1] {
            end += 1;
        }
        let chunk = (start, end);
        start = end;
        Some(chunk)
    })
}
