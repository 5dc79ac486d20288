//! A chunk task and its processing: the rows to read again, count and render, as plain data that
//! crosses threads and workers; and the one function that does the work, wherever it runs.

use serde::{Deserialize, Serialize};

use super::outcome::Preview;
use crate::error::{Error, Result};
use crate::read::{IndexRow, Record};
use crate::render::{conversation, lines_for_cuts, CutLines};
use crate::reread::Rereader;
use crate::tokens::{ChatTokenizer, TokenizerInfo};

/// Rows per task: enough to keep a worker's per-task cost small, few enough to balance the work
/// and bound what waits in memory to be written in order.
pub const TASK_ROWS: usize = 256;

/// One row of a task.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct TaskRow {
    pub row: IndexRow,
    /// The smallest cut the row belongs to (0: every cut).
    pub min_cut: u32,
    /// Shown as a sample of its kind in the outcome.
    pub preview: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChunkTask {
    /// Tasks are numbered from 0 in output order.
    pub seq: u32,
    pub rows: Vec<TaskRow>,
    /// The cuts to render lines for, in the order of the run's files (none on a dry run).
    pub cuts: Vec<u32>,
    /// The tokenizer that must count the rows, or none: no token counts.
    pub tokenizer: Option<TokenizerInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChunkResult {
    pub seq: u32,
    /// One token count a row, when the task asked for counts.
    pub counts: Option<Vec<u32>>,
    /// Lines for each of the task's cuts.
    pub lines: Vec<CutLines>,
    pub previews: Vec<Preview>,
}

/// Reads the task's rows again, counts their tokens with `tokenizer` (which must be the one the
/// task names) and renders their lines for every cut.
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
    let rows: Vec<IndexRow> = task.rows.iter().map(|r| r.row).collect();
    let records = rereader.records(&rows)?;
    let counts = counting
        .map(|t| {
            records
                .iter()
                .map(|r| count(r, t))
                .collect::<Result<Vec<_>>>()
        })
        .transpose()?;
    let min_cuts: Vec<u32> = task.rows.iter().map(|r| r.min_cut).collect();
    let lines = lines_for_cuts(&records, &min_cuts, counts.as_deref(), &task.cuts);
    let mut previews = Vec::new();
    for (i, (row, record)) in task.rows.iter().zip(&records).enumerate() {
        if row.preview {
            let messages = conversation(record).to_vec();
            let rendered = counting.map(|t| t.render(&messages)).transpose()?;
            previews.push(Preview {
                kind: record.kind,
                messages,
                rendered,
                token_length: counts.as_ref().map(|c| c[i]),
            });
        }
    }
    Ok(ChunkResult {
        seq: task.seq,
        counts,
        lines,
        previews,
    })
}

/// The row's token count; a failure says which row it was.
fn count(record: &Record, tokenizer: &ChatTokenizer) -> Result<u32> {
    tokenizer
        .count(&conversation(record))
        .map_err(|e| e.context(format!("{} row {:?}", record.kind.name(), record.question)))
}
