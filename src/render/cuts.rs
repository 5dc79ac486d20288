//! A run of rows as lines of every cut's file at once: each row is rendered once and goes into
//! every cut at least as large as the smallest cut it belongs to.

use serde::{Deserialize, Serialize};

use super::line::write_row;
use super::message::Rendered;
use crate::read::Record;

/// Lines of one cut's file.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CutLines {
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
    /// Each line's length in bytes, its newline included.
    pub lens: Vec<u32>,
}

impl CutLines {
    pub fn rows(&self) -> u64 {
        self.lens.len() as u64
    }

    /// The lines' bytes in all, by their lengths: an edge may keep the bytes themselves.
    pub fn byte_len(&self) -> u64 {
        self.lens.iter().map(|&len| u64::from(len)).sum()
    }

    /// Adds one line.
    pub fn push(&mut self, line: &[u8]) {
        self.bytes.extend_from_slice(line);
        self.lens.push(line.len() as u32);
    }
}

/// `min_cuts[i]` is the smallest cut of `rows[i]`; `counts`, when given, their token lengths.
/// Each row is serialised once; a cut that holds every row takes those bytes as they are, and the
/// others copy their rows out at their exact size (no buffer grows by copying itself).
pub fn lines_for_cuts(
    rows: &[Rendered],
    min_cuts: &[u32],
    counts: Option<&[u32]>,
    cuts: &[u32],
) -> Vec<CutLines> {
    if cuts.is_empty() {
        return Vec::new();
    }
    let mut all = Vec::with_capacity(rows.iter().map(|r| estimated_line_bytes(r.record)).sum());
    let mut ends = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        write_row(row, counts.map(|c| c[i]), &mut all);
        ends.push(all.len());
    }
    let range = |i: usize| if i == 0 { 0 } else { ends[i - 1] }..ends[i];
    let rows_of = |cut: u32| (0..rows.len()).filter(move |&i| min_cuts[i] <= cut);
    let whole = cuts
        .iter()
        .position(|&cut| rows_of(cut).count() == rows.len());
    let mut out: Vec<CutLines> = cuts
        .iter()
        .enumerate()
        .map(|(at, &cut)| {
            if whole == Some(at) {
                return CutLines::default(); // takes `all` below
            }
            let mut lines = CutLines {
                bytes: Vec::with_capacity(rows_of(cut).map(|i| range(i).len()).sum()),
                lens: Vec::with_capacity(rows_of(cut).count()),
            };
            for i in rows_of(cut) {
                lines.push(&all[range(i)]);
            }
            lines
        })
        .collect();
    if let Some(at) = whole {
        let lens = (0..rows.len()).map(|i| range(i).len() as u32).collect();
        out[at] = CutLines { bytes: all, lens };
    }
    out
}

/// About what a row's line takes: its texts appear two or three times (fields, messages and the
/// metadata string), a little more where JSON escapes them.
fn estimated_line_bytes(row: &Record) -> usize {
    let texts = row.question.len() + row.outline.len();
    let documents = row.document.len() + row.raw_document.len();
    let response = row.response.as_ref().map_or(0, String::len);
    let reasoning = row.reasoning.as_ref().map_or(0, String::len);
    (2 * texts + 3 * documents + response + reasoning) * 11 / 10 + 256
}
