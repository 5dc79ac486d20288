//! A chunk task and its processing: rows to read again, count and render, as plain data that
//! crosses threads and workers; and the one function that does the work, wherever it runs.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::read::{chat_messages, one_line, IndexRow, Span};
use crate::render::{lines_for_cuts, write_row, CutLines, Rendered};
use crate::reread::Rereader;
use crate::tokens::{ChatTokenizer, RowTokens, SharedText, TokenizerInfo};

/// Rows per task: enough to keep a worker's per-task cost small, few enough to balance the work
/// and bound what waits in memory to be written in order.
pub const TASK_ROWS: usize = 256;

/// One knowledge row of a task.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct TaskRow {
    pub row: IndexRow,
    /// The smallest cut the row belongs to (0: every cut).
    pub min_cut: u32,
}

/// One row of a blend's file.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlendRow {
    /// A knowledge row, written as its knowledge mix has it (with its token length).
    Knowledge { row: IndexRow, length: Option<u32> },
    /// An added dataset's row, written as the dataset has it, on one line.
    Dataset { file: u32, span: Span },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Work {
    /// Knowledge rows: counted, and rendered as lines of each cut's mix.
    Knowledge { rows: Vec<TaskRow>, cuts: Vec<u32> },
    /// An added dataset's rows: checked by the chat template and counted.
    Dataset { file: u32, rows: Vec<Span> },
    /// Lines of one blend, whose rows are counted already.
    Blend { rows: Vec<BlendRow> },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChunkTask {
    /// Tasks are numbered from 0 in output order.
    pub seq: u32,
    pub work: Work,
    /// The tokenizer that must count the rows, or none: no token counts.
    pub tokenizer: Option<TokenizerInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChunkResult {
    pub seq: u32,
    /// The rows' tokens, when the task counts them.
    pub counts: Option<Vec<RowTokens>>,
    /// Knowledge: lines for each of the task's cuts; blend: its one file's lines.
    pub lines: Vec<CutLines>,
}

/// Processes a task: reads its rows again, counts their tokens with `tokenizer` (which must be
/// the one the task names) and renders their lines.
pub fn process_chunk(
    task: &ChunkTask,
    rereader: &mut Rereader,
    tokenizer: Option<&ChatTokenizer>,
) -> Result<ChunkResult> {
    let counting = match (&task.tokenizer, tokenizer) {
        (None, _) => None,
        (Some(wanted), Some(held)) if held.info() == wanted => Some(held),
        (Some(wanted), held) => {
            return Err(Error::tokenizer(format!(
                "the rows are to be counted with `{}`, but this worker holds {}",
                wanted.name,
                held.map_or("no tokenizer".to_string(), |t| format!(
                    "`{}`",
                    t.info().name
                ))
            )))
        }
    };
    let mut result = ChunkResult {
        seq: task.seq,
        counts: None,
        lines: Vec::new(),
    };
    match &task.work {
        Work::Knowledge { rows, cuts } => {
            knowledge(rows, cuts, rereader, counting, &mut result)?;
        }
        Work::Dataset { file, rows } => {
            let count = |span: &Span| {
                let (text, path) = rereader.dataset_row(*file, span)?;
                let at = |e: Error| e.in_file(path).at_line(span.line);
                let messages = chat_messages(&text).map_err(at)?;
                let tokenizer = counting.ok_or_else(|| {
                    Error::tokenizer("a dataset's rows are counted only with a tokenizer")
                })?;
                let rendered = tokenizer.render_json(messages).map_err(|e| {
                    at(
                        Error::input(format!("the chat template rejects the row: {}", e.message))
                            .field("messages"),
                    )
                })?;
                tokenizer.tokens_of_text(&rendered).map_err(at)
            };
            result.counts = Some(rows.iter().map(count).collect::<Result<_>>()?);
        }
        Work::Blend { rows } => result.lines.push(blend_lines(rows, rereader)?),
    }
    Ok(result)
}

fn knowledge(
    rows: &[TaskRow],
    cuts: &[u32],
    rereader: &mut Rereader,
    counting: Option<&ChatTokenizer>,
    result: &mut ChunkResult,
) -> Result<()> {
    let index_rows: Vec<IndexRow> = rows.iter().map(|r| r.row).collect();
    let records = rereader.records(&index_rows)?;
    let rendered: Vec<Rendered> = records.iter().map(Rendered::new).collect();
    let counts = counting
        .map(|t| {
            let mut shared = SharedText::default();
            (rendered.iter())
                .map(|r| count(r, t, &mut shared))
                .collect::<Result<Vec<_>>>()
        })
        .transpose()?;
    let min_cuts: Vec<u32> = rows.iter().map(|r| r.min_cut).collect();
    let lengths: Option<Vec<u32>> = counts
        .as_ref()
        .map(|c| c.iter().map(|t| t.length).collect());
    result.lines = lines_for_cuts(&rendered, &min_cuts, lengths.as_deref(), cuts);
    result.counts = counts;
    Ok(())
}

/// A blend's lines; a row repeated (an upsampled copy, next to its original) is read once.
fn blend_lines(rows: &[BlendRow], rereader: &mut Rereader) -> Result<CutLines> {
    let mut out = CutLines::default();
    let mut line = Vec::new();
    let mut last: Option<&BlendRow> = None;
    for row in rows {
        if last != Some(row) {
            line.clear();
            match row {
                BlendRow::Knowledge { row, length } => {
                    write_row(&Rendered::new(&rereader.record(row)?), *length, &mut line)
                }
                BlendRow::Dataset { file, span } => {
                    one_line(&rereader.dataset_row(*file, span)?.0, &mut line)
                }
            }
            last = Some(row);
        }
        out.push(&line);
    }
    Ok(out)
}

/// The row's tokens (its augmentation's text counted once for the rows that share it); a failure
/// says which row it was.
fn count(row: &Rendered, tokenizer: &ChatTokenizer, shared: &mut SharedText) -> Result<RowTokens> {
    let record = row.record;
    tokenizer
        .tokens_sharing(&row.messages, row.shared_context(), shared)
        .map_err(|e| e.context(format!("{} row {:?}", record.kind.name(), record.question)))
}
