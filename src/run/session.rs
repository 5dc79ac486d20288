//! The session's two states: the indexed inputs (plan and start runs, as often as wanted) and a
//! run under way (tasks out, results in, in order, to one outcome).

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::outcome::{Outcome, TextFile};
use super::task::{BlendRow, ChunkResult, ChunkTask, TaskRow, Work, TASK_ROWS};
use crate::blend::{
    blend_text, plan_blend, preview, recipe_text, BlendParams, BlendReport, BlendText, CutBlend,
    Entry, SourcePreview, SourceRows,
};
use crate::browse::RowTable;
use crate::checksum::is_sha256_hex;
use crate::error::{Error, Result};
use crate::mix::{plan, Mix, MixParams};
use crate::output::{
    blend_file_name, cut_reports, histogram, output_file_name, recipe_file_name, report_text,
    BlendRecord, Manifest, OutputFile, OutputTallies, ReadRecord, MANIFEST_FILE_NAME,
};
use crate::read::{BadRows, Index, InputFile, Kind};
use crate::render::CutLines;
use crate::tokens::{RowTokens, TokenizerInfo};

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
    /// The folders and files the user chose, by name, for the manifest.
    pub input_roots: Vec<String>,
    /// The blend beside the knowledge mix, and the trainer pre-flight.
    pub blend: BlendText,
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

    /// The SHA-256 (hex) of the files the edge hashed itself ([`crate::read::FirstPass::hash_elsewhere`]),
    /// one entry per file of the index, none for the others.
    pub fn give_digests(&mut self, digests: Vec<Option<String>>) -> Result<()> {
        let index = Arc::get_mut(&mut self.index)
            .ok_or_else(|| Error::input("the inputs' checksums come before any run starts"))?;
        if digests.len() != index.files.len() {
            return Err(Error::input(format!(
                "expected a checksum (or none) for each of the {} input files",
                index.files.len()
            )));
        }
        for (file, digest) in index.files.iter_mut().zip(digests) {
            match digest {
                Some(d) if file.sha256.is_none() && is_sha256_hex(&d) => file.sha256 = Some(d),
                Some(_) => {
                    return Err(Error::input(
                        "a checksum given for a file hashed already, or not 64 hex digits",
                    )
                    .in_file(&file.path))
                }
                None => {}
            }
        }
        Ok(())
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
                let available: Vec<usize> = std::iter::once(mix.positions_in_cut(cut).count())
                    .chain(self.index.datasets.iter().map(|d| d.rows.len()))
                    .collect();
                BlendPreview {
                    cut,
                    writes_blend: params.writes_blend(),
                    sources: preview(&params, &available),
                }
            })
            .collect())
    }

    /// Starts a run of a plan; it needs at least one feasible cut.
    pub fn start(&self, mix: Mix, settings: RunSettings) -> Result<MixRun> {
        mix.check_feasible()?;
        if let Some(file) =
            (self.index.files.iter()).find(|f| f.ignored.is_none() && f.sha256.is_none())
        {
            return Err(Error::input(
                "the file's checksum, computed elsewhere, was never given to the inputs",
            )
            .in_file(&file.path));
        }
        let blend = self.blend_params(&settings.blend)?;
        if blend.needs_tokens() && settings.tokenizer.is_none() {
            return Err(Error::parameters(
                "a token budget, a size in tokens and the trainer pre-flight count tokens: choose a tokenizer",
            )
            .field("tokenizer"));
        }
        let cuts: Vec<u32> = mix.feasible_cuts().collect();
        let written = if settings.dry_run { Vec::new() } else { cuts };
        let blended = if blend.writes_blend() {
            written.clone()
        } else {
            Vec::new()
        };
        let knowledge_tasks = mix.selected.len().div_ceil(TASK_ROWS) as u32;
        // Datasets are counted when there is a tokenizer: for the report, sizes in tokens and the
        // pre-flight.
        let dataset_chunks: Vec<(usize, usize)> = match settings.tokenizer {
            Some(_) => self
                .index
                .datasets
                .iter()
                .enumerate()
                .flat_map(|(d, set)| {
                    (0..set.rows.len())
                        .step_by(TASK_ROWS)
                        .map(move |at| (d, at))
                })
                .collect(),
            None => Vec::new(),
        };
        let counting = knowledge_tasks + dataset_chunks.len() as u32;
        let file_names: Vec<String> = written
            .iter()
            .map(|&cut| output_file_name(cut))
            .chain(blended.iter().map(|&cut| blend_file_name(cut)))
            .collect();
        let mut run = MixRun {
            index: Arc::clone(&self.index),
            rows_out: vec![0; file_names.len()],
            tables: vec![RowTable::new(); file_names.len()],
            file_names,
            written,
            blended,
            counts: Vec::with_capacity(if settings.tokenizer.is_some() {
                mix.selected.len()
            } else {
                0
            }),
            dataset_tokens: vec![Vec::new(); self.index.datasets.len()],
            mix,
            settings,
            blend,
            knowledge_tasks,
            dataset_chunks,
            counting,
            blends: None,
            blend_chunks: Vec::new(),
            tasks: counting,
            handed_out: 0,
            completed: 0,
            waiting: BTreeMap::new(),
            failed: false,
        };
        if counting == 0 {
            run.plan_blends()?;
        }
        Ok(run)
    }
}

#[derive(Debug, Serialize)]
pub struct BlendPreview {
    pub cut: u32,
    pub writes_blend: bool,
    pub sources: Vec<SourcePreview>,
}

/// A run under way.
///
/// Its tasks come in two stages: first the knowledge rows (counted and written) and the added
/// datasets' rows (counted); then, once every count is back, the blends are planned from them and
/// their lines written.
pub struct MixRun {
    index: Arc<Index>,
    mix: Mix,
    settings: RunSettings,
    blend: BlendParams,
    /// The files written: the knowledge mixes, then the blends.
    file_names: Vec<String>,
    /// The cuts whose knowledge mix is written, in the order of their names (none on a dry run).
    written: Vec<u32>,
    /// The cuts whose blend is written.
    blended: Vec<u32>,
    /// Rows handed out for writing, per file: what the edge's tallies must have seen.
    rows_out: Vec<u64>,
    /// Every written row, per file, to look through afterwards.
    tables: Vec<RowTable>,
    knowledge_tasks: u32,
    /// The counting tasks of the datasets, after the knowledge tasks: (dataset, first row).
    dataset_chunks: Vec<(usize, usize)>,
    /// Tasks of the first stage: knowledge and dataset rows.
    counting: u32,
    /// Every cut's blend (or pre-flight), once the first stage is back.
    blends: Option<Vec<CutBlend>>,
    /// The writing tasks of the blends, after the counting ones: (blend, first entry, end).
    blend_chunks: Vec<(usize, usize, usize)>,
    /// Tasks known so far: the blends' are added once they are planned.
    tasks: u32,
    handed_out: u32,
    /// Tasks taken back in order: every task before this one is complete.
    completed: u32,
    /// Results taken back ahead of their turn, and failures, by task number.
    waiting: BTreeMap<u32, Result<ChunkResult>>,
    /// A task failed: no more tasks are handed out.
    failed: bool,
    /// The knowledge rows' tokens, by position.
    counts: Vec<RowTokens>,
    /// Each dataset's rows' tokens, by row.
    dataset_tokens: Vec<Vec<RowTokens>>,
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

impl MixRun {
    pub fn mix(&self) -> &Mix {
        &self.mix
    }

    /// The input files the tasks' rows point into, for whoever reads them again.
    pub fn input_files(&self) -> &[InputFile] {
        &self.index.files
    }

    /// The files this run writes, in the order of each [`Ready::lines`] (none on a dry run):
    /// the knowledge mixes, then the blends; then [`Outcome::texts`] (the blends' recipes) and
    /// last the manifest, [`MANIFEST_FILE_NAME`], with [`Outcome::manifest`].
    pub fn file_names(&self) -> Vec<String> {
        self.file_names.clone()
    }

    /// Rows to process in all, as far as known: the blends' rows count once they are planned.
    pub fn rows(&self) -> usize {
        let datasets: usize = match self.settings.tokenizer {
            Some(_) => self.index.datasets.iter().map(|d| d.rows.len()).sum(),
            None => 0,
        };
        let blends: usize = self
            .blend_chunks
            .iter()
            .map(|(_, start, end)| end - start)
            .sum();
        self.mix.selected.len() + datasets + blends
    }

    pub fn tasks(&self) -> u32 {
        self.tasks
    }

    /// Tasks handed out and not yet taken back in order: an edge keeps this bounded.
    pub fn in_flight(&self) -> u32 {
        self.handed_out - self.completed
    }

    /// Whether every task is out (or one failed): when not, and [`MixRun::next_task`] gives none,
    /// the next tasks wait for the ones out to come back.
    pub fn all_handed_out(&self) -> bool {
        self.failed || (self.blends.is_some() && self.handed_out == self.tasks)
    }

    /// The next task, in output order; none when all are out, a stage waits for the tasks out,
    /// or one has failed.
    pub fn next_task(&mut self) -> Option<ChunkTask> {
        if self.failed || self.handed_out == self.tasks {
            return None;
        }
        let seq = self.handed_out;
        self.handed_out += 1;
        let work = if seq < self.knowledge_tasks {
            let start = seq as usize * TASK_ROWS;
            let end = (start + TASK_ROWS).min(self.mix.selected.len());
            let rows = (start..end)
                .map(|position| TaskRow {
                    row: self.index.rows[self.mix.selected[position]],
                    min_cut: self.mix.min_cut(position),
                })
                .collect();
            Work::Knowledge {
                rows,
                cuts: self.written.clone(),
            }
        } else if seq < self.counting {
            let (d, start) = self.dataset_chunks[(seq - self.knowledge_tasks) as usize];
            let set = &self.index.datasets[d];
            let end = (start + TASK_ROWS).min(set.rows.len());
            Work::Dataset {
                file: set.file,
                rows: set.rows[start..end].to_vec(),
            }
        } else {
            let (b, start, end) = self.blend_chunks[(seq - self.counting) as usize];
            let entries = &self.blends.as_ref().expect("blend tasks follow the plan")[b].entries;
            Work::Blend {
                rows: entries[start..end]
                    .iter()
                    .map(|e| self.blend_row(e))
                    .collect(),
            }
        };
        Some(ChunkTask {
            seq,
            work,
            tokenizer: self.settings.tokenizer.clone(),
        })
    }

    /// A blend entry's tokens and group: its kind for a knowledge row, else its dataset's name.
    fn entry_row(&self, entry: &Entry) -> (Option<u32>, &str) {
        let id = entry.id as usize;
        match entry.source.checked_sub(1) {
            None => (
                self.counts.get(id).map(|t| t.length),
                self.index.rows[self.mix.selected[id]].kind.name(),
            ),
            Some(d) => (
                self.dataset_tokens[d as usize].get(id).map(|t| t.length),
                &self.index.datasets[d as usize].name,
            ),
        }
    }

    fn blend_row(&self, entry: &Entry) -> BlendRow {
        match entry.source.checked_sub(1) {
            None => BlendRow::Knowledge {
                row: self.index.rows[self.mix.selected[entry.id as usize]],
                length: self.counts.get(entry.id as usize).map(|t| t.length),
            },
            Some(d) => {
                let set = &self.index.datasets[d as usize];
                BlendRow::Dataset {
                    file: set.file,
                    span: set.rows[entry.id as usize],
                }
            }
        }
    }

    /// Plans every cut's blend from the counts, once they are all back, and adds the tasks that
    /// write the blends.
    fn plan_blends(&mut self) -> Result<()> {
        if !self.blend.writes_blend() && self.blend.max_seq_len.is_none() {
            self.blends = Some(Vec::new());
            return Ok(());
        }
        let counted = self.settings.tokenizer.is_some();
        let kinds: Vec<Kind> = self
            .mix
            .selected
            .iter()
            .map(|&i| self.index.rows[i].kind)
            .collect();
        let mut blends = Vec::new();
        for cut in self.mix.feasible_cuts() {
            let mut sources = vec![SourceRows {
                ids: self.mix.positions_in_cut(cut).map(|p| p as u32).collect(),
                tokens: counted.then_some(&self.counts[..]),
                kinds: Some(&kinds),
            }];
            for (set, tokens) in self.index.datasets.iter().zip(&self.dataset_tokens) {
                sources.push(SourceRows {
                    ids: (0..set.rows.len() as u32).collect(),
                    tokens: counted.then_some(&tokens[..]),
                    kinds: None,
                });
            }
            let mut blend = plan_blend(cut, &self.blend, &sources, self.mix.params.seed)?;
            if let Some(b) = self.blended.iter().position(|&c| c == cut) {
                blend.report.file_name = Some(blend_file_name(cut));
                blend.report.recipe_file_name = Some(recipe_file_name(cut));
                self.blend_chunks
                    .extend(chunks(&blend.entries).map(|(s, e)| (b, s, e)));
            }
            blends.push(blend);
        }
        self.tasks += self.blend_chunks.len() as u32;
        self.blends = Some(blends);
        Ok(())
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
            let taken = self.take(result?);
            self.completed += 1;
            ready.push(taken?);
            if self.completed == self.counting && self.blends.is_none() {
                if let Err(e) = self.plan_blends() {
                    self.failed = true;
                    return Err(e);
                }
            }
        }
        Ok(ready)
    }

    fn take(&mut self, result: ChunkResult) -> Result<Ready> {
        let seq = result.seq;
        let mismatch = |what: &str| {
            Error::input(format!(
                "task {seq} came back with {what} other than it was asked for"
            ))
        };
        let files = self.files_of(seq);
        if result.lines.len() != files.len() {
            return Err(mismatch("lines"));
        }
        let mut lines = vec![CutLines::default(); self.file_names.len()];
        let rows = if seq < self.knowledge_tasks {
            let start = seq as usize * TASK_ROWS;
            let rows = TASK_ROWS.min(self.mix.selected.len() - start);
            let counted = result.counts.as_ref().map(Vec::len);
            if counted != self.settings.tokenizer.as_ref().map(|_| rows) {
                return Err(mismatch("token counts"));
            }
            let first_count = self.counts.len();
            self.counts.extend(result.counts.unwrap_or_default());
            for (slot, cut_lines) in result.lines.into_iter().enumerate() {
                let cut = self.written[slot];
                let in_cut = (start..start + rows).filter(|&p| self.mix.min_cut(p) <= cut);
                if in_cut.clone().count() != cut_lines.lens.len() {
                    return Err(mismatch("lines"));
                }
                for (position, &len) in in_cut.zip(&cut_lines.lens) {
                    let kind = self.index.rows[self.mix.selected[position]].kind;
                    let tokens = self.counts.get(first_count + position - start);
                    self.tables[slot].push(len, tokens.map(|t| t.length), kind.name());
                }
                lines[slot] = cut_lines;
            }
            rows
        } else if seq < self.counting {
            let (d, start) = self.dataset_chunks[(seq - self.knowledge_tasks) as usize];
            let rows = TASK_ROWS.min(self.index.datasets[d].rows.len() - start);
            match result.counts {
                Some(counts) if counts.len() == rows => self.dataset_tokens[d].extend(counts),
                _ => return Err(mismatch("token counts")),
            }
            rows
        } else {
            let (b, start, end) = self.blend_chunks[(seq - self.counting) as usize];
            let blend_lines = result
                .lines
                .into_iter()
                .next()
                .expect("one file, checked above");
            if blend_lines.rows() != (end - start) as u64 {
                return Err(mismatch("lines"));
            }
            let slot = files.start;
            let entries = &self.blends.as_ref().expect("blend tasks follow the plan")[b].entries;
            let mut table = std::mem::take(&mut self.tables[slot]);
            for (entry, &len) in entries[start..end].iter().zip(&blend_lines.lens) {
                let (tokens, group) = self.entry_row(entry);
                table.push(len, tokens, group);
            }
            self.tables[slot] = table;
            lines[slot] = blend_lines;
            end - start
        };
        for (rows_out, file_lines) in self.rows_out.iter_mut().zip(&lines) {
            *rows_out += file_lines.rows();
        }
        Ok(Ready {
            seq,
            rows,
            total: self.rows(),
            lines,
        })
    }

    /// The files task `seq`'s lines go to, as positions in [`MixRun::file_names`], in the order
    /// of its result's lines: every knowledge mix, none (a dataset's counts), or one blend.
    pub fn files_of(&self, seq: u32) -> Range<usize> {
        if seq < self.knowledge_tasks {
            0..self.written.len()
        } else if seq < self.counting {
            0..0
        } else {
            let (b, _, _) = self.blend_chunks[(seq - self.counting) as usize];
            let slot = self.written.len() + b;
            slot..slot + 1
        }
    }

    /// Tallies for the files this run writes, for the edge to feed every [`Ready`]'s lines to
    /// as it writes them and to hand to [`MixRun::finish`].
    pub fn output_tallies(&self) -> OutputTallies {
        OutputTallies::new(&self.file_names)
    }

    /// The outcome, once every task is complete and `tallies` has seen every line written.
    pub fn finish(self, tallies: OutputTallies) -> Result<Outcome> {
        if self.completed != self.tasks {
            return Err(Error::input(format!(
                "the run is not complete: {} of {} tasks are back",
                self.completed, self.tasks
            )));
        }
        if tallies.rows() != self.rows_out {
            return Err(Error::input(
                "the output checksums did not see every line written",
            ));
        }
        let index = &self.index;
        let lengths: Option<Vec<u32>> = self
            .settings
            .tokenizer
            .as_ref()
            .map(|_| self.counts.iter().map(|t| t.length).collect());
        let counts = lengths.as_deref();
        let reports = cut_reports(index, &self.mix, counts);
        let tokenizer = self.settings.tokenizer;
        let blends: Vec<BlendReport> = self
            .blends
            .unwrap_or_default()
            .into_iter()
            .map(|b| b.report)
            .collect();
        let mut text = report_text(
            index,
            &self.mix,
            &reports,
            tokenizer.as_ref().map(|t| t.name.as_str()),
        );
        text.push_str(&blend_text(&blends, self.blend.max_seq_len));
        let texts: Vec<TextFile> = blends
            .iter()
            .filter_map(|b| {
                Some(TextFile {
                    name: b.recipe_file_name.clone()?,
                    text: recipe(b, &self.blend, self.mix.params.seed),
                })
            })
            .collect();
        let histograms = counts
            .map(|counts| {
                self.mix
                    .feasible_cuts()
                    .map(|cut| {
                        let lengths: Vec<u32> =
                            self.mix.positions_in_cut(cut).map(|p| counts[p]).collect();
                        histogram(cut, &lengths, self.blend.max_seq_len)
                    })
                    .collect()
            })
            .unwrap_or_default();
        // The recipes name their datasets by where they are, which differs between machines and
        // edges: the manifest lists them by name (in its blend section), not by checksum.
        let outputs: Vec<OutputFile> = tallies.finish()?;
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
                blend: (self.blend.writes_blend() || self.blend.max_seq_len.is_some()).then_some(
                    BlendRecord {
                        params: &self.blend,
                        cuts: &blends,
                    },
                ),
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
            tokenizer,
            blends,
            texts,
            rows: self.tables,
        })
    }
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

/// The recipe of a written blend: the knowledge mix beside it, then each dataset, with the rows
/// taken of each.
fn recipe(blend: &BlendReport, params: &BlendParams, seed: u64) -> String {
    let knowledge = output_file_name(blend.cut);
    let sources: Vec<(&str, u64)> = blend
        .sources
        .iter()
        .zip(&params.sources)
        .enumerate()
        .map(|(i, (s, p))| {
            let path = if i == 0 {
                knowledge.as_str()
            } else {
                p.recipe_path.as_str()
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
