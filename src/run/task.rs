//! A chunk task and its processing: rows to read again, count and render, as plain data that
//! crosses threads and workers; and the one function that does the work, wherever it runs.

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::holdout::{HeldOut, Leak};
use crate::output::Refusal;
use crate::raft::{RaftCorpus, RaftNote};
use crate::read::{blend_line, chat_messages, IndexRow, Record, Span};
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
    /// A knowledge row's RAFT row, drawn again as its RAFT file has it, with the knowledge rows'
    /// fields alone (its oracle's place in its metadata).
    Raft { row: IndexRow, length: Option<u32> },
    /// An added dataset's row, written as the dataset has it, on one line (reshaped if it does
    /// not fit the knowledge rows' schema).
    Dataset { file: u32, span: Span },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Work {
    /// Rows whose source chunks make the RAFT corpus: their texts come back.
    Documents { rows: Vec<IndexRow> },
    /// Knowledge rows: counted, and rendered as lines of each cut's mix (and RAFT file).
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
    /// The held-out set knowledge rows are checked against, or none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holdout: Option<HoldoutCheck>,
    /// Trained tokens are counted as instructlab-training 0.16 counts them (unmask tokens), not
    /// as the template's own tokens.
    #[serde(default)]
    pub unmask: bool,
    /// The RAFT corpus knowledge rows are asked over again, by its checksum (the worker holds
    /// it), or none: no RAFT rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raft: Option<String>,
}

/// Which held-out set a task's rows are checked against (the worker holds it), and whether the
/// rows that leak it are left out of the lines.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HoldoutCheck {
    /// [`crate::holdout::HeldOutInfo::checksum`].
    pub checksum: String,
    pub drop: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChunkResult {
    pub seq: u32,
    /// The rows' tokens, when the task counts them.
    pub counts: Option<Vec<RowTokens>>,
    /// Knowledge: lines for each of the task's cuts; blend: its one file's lines.
    pub lines: Vec<CutLines>,
    /// Knowledge rows the chat template refused, left out of `lines` (their counts are zeros
    /// that no cut takes): the run either stops at the first or leaves them out of every cut.
    #[serde(default)]
    pub refused: Vec<RefusedRow>,
    /// Knowledge rows that leak the held-out set: left out of `lines` when the task drops them.
    #[serde(default)]
    pub contaminated: Vec<ContaminatedRow>,
    /// The source chunks of a corpus task's rows, in order.
    #[serde(default)]
    pub documents: Vec<String>,
    /// The knowledge rows' RAFT rows, when the task makes them (their lines follow the mixes').
    #[serde(default)]
    pub raft: Option<RaftResult>,
}

/// How a task's RAFT rows were made, and their tokens, one per row of the task (a row left out
/// of the lines has a default of each).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RaftResult {
    pub notes: Vec<RaftNote>,
    pub counts: Option<Vec<RowTokens>>,
}

/// A row of a task that leaks the held-out set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContaminatedRow {
    /// Its place among the task's rows.
    pub row: u32,
    /// The start of its question, to name it by.
    pub question: String,
    pub leak: Leak,
}

/// A row of a task that the chat template refused.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefusedRow {
    /// Its place among the task's rows.
    pub row: u32,
    pub refusal: Refusal,
}

/// Processes a task: reads its rows again, counts their tokens with `tokenizer` (which must be
/// the one the task names), checks them against `holdout` (the set it names), renders their
/// lines, and their RAFT rows' over `corpus` (the one it names).
pub fn process_chunk(
    task: &ChunkTask,
    rereader: &mut Rereader,
    tokenizer: Option<&ChatTokenizer>,
    holdout: Option<&HeldOut>,
    corpus: Option<&RaftCorpus>,
) -> Result<ChunkResult> {
    let corpus = match (&task.raft, corpus) {
        (None, _) => None,
        (Some(wanted), Some(held)) if held.checksum() == wanted => Some(held),
        (Some(_), _) => {
            return Err(Error::input(
                "the rows are to be asked over a RAFT corpus this worker does not hold",
            ))
        }
    };
    let checking = match (&task.holdout, holdout) {
        (None, _) => None,
        (Some(wanted), Some(held)) if held.info().checksum == wanted.checksum => {
            Some((held, wanted.drop))
        }
        (Some(_), _) => {
            return Err(Error::input(
                "the rows are to be checked against a held-out set this worker does not hold",
            ))
        }
    };
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
        refused: Vec::new(),
        contaminated: Vec::new(),
        documents: Vec::new(),
        raft: None,
    };
    match &task.work {
        Work::Documents { rows } => {
            let records = rereader.records(rows)?;
            result.documents = records.into_iter().map(|r| r.raw_document).collect();
        }
        Work::Knowledge { rows, cuts } => {
            let counting = counting.map(|t| (t, task.unmask));
            knowledge(
                rows,
                cuts,
                rereader,
                (counting, checking, corpus),
                &mut result,
            )?;
        }
        Work::Dataset { file, rows } => {
            let tokenizer = counting.ok_or_else(|| {
                Error::tokenizer("a dataset's rows are counted only with a tokenizer")
            })?;
            let count = |span: &Span| {
                let (text, path) = rereader.dataset_row(*file, span)?;
                dataset_tokens(&text, tokenizer, task.unmask)
                    .map_err(|e| e.in_file(path).at_line(span.line))
            };
            result.counts = Some(rows.iter().map(count).collect::<Result<_>>()?);
        }
        Work::Blend { rows } => result.lines.push(blend_lines(rows, rereader, corpus)?),
    }
    Ok(result)
}

/// An added dataset's row, counted; `unmask`: its trained tokens as the trainer's unmask path
/// counts them.
fn dataset_tokens(text: &str, tokenizer: &ChatTokenizer, unmask: bool) -> Result<RowTokens> {
    let row = chat_messages(text)?;
    let rejected = |e: Error| {
        Error::input(format!("the chat template rejects the row: {}", e.message)).field("messages")
    };
    let trained = match unmask {
        true => Some(
            tokenizer
                .unmasked_tokens(row.messages.clone(), row.unmask)
                .map_err(rejected)?,
        ),
        false => None,
    };
    let rendered = tokenizer.render_json(row.messages).map_err(rejected)?;
    let tokens = tokenizer.tokens_of_text(&rendered)?;
    Ok(RowTokens {
        trained: trained.unwrap_or(tokens.trained),
        ..tokens
    })
}

/// The tokenizer that counts a task's rows (with whether trained tokens are counted the unmask
/// way), the held-out set they are checked against (with whether the rows that leak it are
/// dropped), and the corpus their RAFT rows are asked over.
type Held<'a> = (
    Option<(&'a ChatTokenizer, bool)>,
    Option<(&'a HeldOut, bool)>,
    Option<&'a RaftCorpus>,
);

fn knowledge(
    rows: &[TaskRow],
    cuts: &[u32],
    rereader: &mut Rereader,
    (counting, checking, corpus): Held,
    result: &mut ChunkResult,
) -> Result<()> {
    let index_rows: Vec<IndexRow> = rows.iter().map(|r| r.row).collect();
    let records = rereader.records(&index_rows)?;
    let rendered: Vec<Rendered> = records.iter().map(Rendered::new).collect();
    let counts = counting
        .map(|(t, unmask)| count_rows(rows, &rendered, (t, unmask), rereader, &mut result.refused))
        .transpose()?;
    if let Some((held, _)) = checking {
        result.contaminated = contaminated(&records, held);
    }
    // Rows refused are left out of the lines, and so are those that leak, if dropped.
    let mut keep = vec![true; rows.len()];
    let dropped = (result.contaminated.iter()).filter(|_| checking.is_some_and(|(_, d)| d));
    for row in (result.refused.iter().map(|r| r.row)).chain(dropped.map(|c| c.row)) {
        keep[row as usize] = false;
    }
    let min_cuts = kept(rows.iter().map(|r| r.min_cut), &keep);
    let lengths = (counts.as_ref()).map(|c| kept(c.iter().map(|t| t.length), &keep));
    let rendered = kept(rendered, &keep);
    result.lines = lines_for_cuts(&rendered, &min_cuts, lengths.as_deref(), cuts);
    result.counts = counts;
    if let Some(corpus) = corpus {
        let (raft, lines) = raft_rows(&records, (&keep, &min_cuts), cuts, corpus, counting)?;
        result.lines.extend(lines);
        result.raft = Some(raft);
    }
    Ok(())
}

/// The RAFT rows of the task's `records` that are `keep`, counted, as lines of each cut's RAFT
/// file (`min_cuts`: the kept rows').
fn raft_rows(
    records: &[Record],
    (keep, min_cuts): (&[bool], &[u32]),
    cuts: &[u32],
    corpus: &RaftCorpus,
    counting: Option<(&ChatTokenizer, bool)>,
) -> Result<(RaftResult, Vec<CutLines>)> {
    let rows = (records.iter().zip(keep).enumerate())
        .filter(|(_, (_, &k))| k)
        .map(|(i, (record, _))| Ok((i, corpus.row(record)?)))
        .collect::<Result<Vec<_>>>()?;
    let rendered: Vec<Rendered> = (rows.iter())
        .map(|(i, row)| Rendered::raft(&records[*i], row))
        .collect();
    let mut result = RaftResult {
        notes: vec![RaftNote::default(); records.len()],
        counts: counting.map(|_| vec![RowTokens::default(); records.len()]),
    };
    for ((i, row), r) in rows.iter().zip(&rendered) {
        result.notes[*i] = row.note;
        if let (Some(counts), Some((tokenizer, unmask))) = (result.counts.as_mut(), counting) {
            let tokens = tokenizer.tokens(&r.messages);
            counts[*i] = (tokens.and_then(|t| trained_as_asked(r, t, (tokenizer, unmask))))
                .map_err(|e| e.context("a RAFT row"))?;
        }
    }
    let lengths: Option<Vec<u32>> =
        (result.counts.as_ref()).map(|c| rows.iter().map(|(i, _)| c[*i].length).collect());
    let lines = lines_for_cuts(&rendered, min_cuts, lengths.as_deref(), cuts);
    Ok((result, lines))
}

/// A row's `tokens`, its trained tokens as the trainer's unmask path counts them with `unmask`.
fn trained_as_asked(
    row: &Rendered,
    tokens: RowTokens,
    (tokenizer, unmask): (&ChatTokenizer, bool),
) -> Result<RowTokens> {
    match unmask {
        true => Ok(RowTokens {
            trained: tokenizer.unmasked_tokens_of(&row.messages)?,
            ..tokens
        }),
        false => Ok(tokens),
    }
}

/// The records that leak the held-out set, by place.
fn contaminated(records: &[crate::read::Record], held: &HeldOut) -> Vec<ContaminatedRow> {
    (records.iter().enumerate())
        .filter_map(|(i, record)| {
            let leak = held.check(record)?;
            let question: String = record.question.chars().take(QUESTION_CHARS).collect();
            Some(ContaminatedRow {
                row: i as u32,
                question,
                leak,
            })
        })
        .collect()
}

/// How much of a question names its row in a report.
const QUESTION_CHARS: usize = 60;

/// The items whose `keep` is true.
fn kept<T>(items: impl IntoIterator<Item = T>, keep: &[bool]) -> Vec<T> {
    (items.into_iter().zip(keep))
        .filter_map(|(item, &k)| k.then_some(item))
        .collect()
}

/// A blend's lines; a row repeated (an upsampled copy, next to its original) is read once.
fn blend_lines(
    rows: &[BlendRow],
    rereader: &mut Rereader,
    corpus: Option<&RaftCorpus>,
) -> Result<CutLines> {
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
                BlendRow::Raft { row, length } => {
                    let corpus = corpus.ok_or_else(|| {
                        Error::input("a blend's RAFT rows are drawn only over the run's corpus")
                    })?;
                    let record = rereader.record(row)?;
                    let mut rendered = Rendered::raft(&record, &corpus.row(&record)?);
                    rendered.in_blend();
                    write_row(&rendered, *length, &mut line)
                }
                BlendRow::Dataset { file, span } => {
                    blend_line(&rereader.dataset_row(*file, span)?.0, &mut line)
                }
            }
            last = Some(row);
        }
        out.push(&line);
    }
    Ok(out)
}

/// Each row's tokens (an augmentation's text counted once for the rows that share it; with
/// `unmask`, its trained tokens as the trainer's unmask path counts them). A row the chat template
/// refuses is noted in `refused`, with a zero count; any other failure says which row it was.
fn count_rows(
    rows: &[TaskRow],
    rendered: &[Rendered],
    (tokenizer, unmask): (&ChatTokenizer, bool),
    rereader: &Rereader,
    refused: &mut Vec<RefusedRow>,
) -> Result<Vec<RowTokens>> {
    let mut shared = SharedText::default();
    let mut counts = Vec::with_capacity(rows.len());
    for (i, (row, r)) in rows.iter().zip(rendered).enumerate() {
        let counted = tokenizer.tokens_sharing(&r.messages, r.shared_context(), &mut shared);
        let tokens = match counted.and_then(|t| trained_as_asked(r, t, (tokenizer, unmask))) {
            Ok(tokens) => tokens,
            Err(e) if e.kind == ErrorKind::Template => {
                let path = rereader.path(row.row.file);
                let refusal = refusal(r, path, row.row.line, &tokenizer.info().name, e);
                refused.push(RefusedRow {
                    row: i as u32,
                    refusal,
                });
                RowTokens::default()
            }
            Err(e) => {
                let record = r.record;
                return Err(e.context(format!("{} row {:?}", record.kind.name(), record.question)));
            }
        };
        counts.push(tokens);
    }
    Ok(counts)
}

/// Why the template refused a row, in words, naming the row's file and line. A null response
/// is the usual cause (transformers fails on it too, where a template calls a string method on
/// the content), so it is named as such; otherwise the template's own message says why. Either
/// way the file that holds the template is named too, as for any template error.
fn refusal(row: &Rendered, path: &str, line: u32, template: &str, e: Error) -> Refusal {
    let failure = match &e.file {
        Some(file) => format!("{file}: {}", e.message),
        None => e.message.clone(),
    };
    let (reason, error) = if row.record.response.is_none() {
        let text = format!(
            "is null, and the {template} chat template cannot render a null message ({failure})"
        );
        let error = Error::template(text).field("response");
        ("`response` is null".into(), error)
    } else {
        let text = format!("the {template} chat template cannot render the row: {failure}");
        (e.message, Error::template(text))
    };
    let error = error.in_file(path);
    // qna.yaml rows have no line of their own (0).
    let error = match line {
        0 => error,
        line => error.at_line(line.into()),
    };
    Refusal { reason, error }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{Kind, Record};

    #[test]
    fn a_refusal_says_in_words_which_row_and_why() {
        let mut record = Record {
            kind: Kind::ExtractiveSummary,
            question: "Q".into(),
            response: None,
            document: "D".into(),
            raw_document: "R".into(),
            outline: "O".into(),
            reasoning: None,
        };
        let failed = || Error::template("the chat template failed: x").in_file("t.json");
        let null = refusal(&Rendered::new(&record), "a.jsonl", 7, "qwen3", failed());
        assert_eq!(null.reason, "`response` is null");
        assert_eq!(
            null.error.to_string(),
            "a.jsonl:7: field `response`: is null, and the qwen3 chat template cannot render a \
             null message (t.json: the chat template failed: x)"
        );
        record.response = Some("A".into());
        let other = refusal(&Rendered::new(&record), "qna.yaml", 0, "qwen3", failed());
        assert_eq!(other.reason, "the chat template failed: x");
        assert_eq!(
            other.error.to_string(),
            "qna.yaml: the qwen3 chat template cannot render the row: t.json: the chat template \
             failed: x"
        );
    }
}
