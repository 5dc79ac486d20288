//! A run of rows as lines of every cut's file at once: each row is rendered once and goes into
//! every cut at least as large as the smallest cut it belongs to.

use serde::{Deserialize, Serialize};

use super::line::write_row;
use crate::read::Record;

/// Lines of one cut's file.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CutLines {
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
    pub rows: u64,
}

/// `min_cuts[i]` is the smallest cut of `records[i]`; `counts`, when given, their token lengths.
pub fn lines_for_cuts(
    records: &[Record],
    min_cuts: &[u32],
    counts: Option<&[u32]>,
    cuts: &[u32],
) -> Vec<CutLines> {
    let mut out = vec![CutLines::default(); cuts.len()];
    if cuts.is_empty() {
        return out;
    }
    let mut line = Vec::new();
    for (i, record) in records.iter().enumerate() {
        line.clear();
        write_row(record, counts.map(|c| c[i]), &mut line);
        for (lines, &cut) in out.iter_mut().zip(cuts) {
            if min_cuts[i] <= cut {
                lines.bytes.extend_from_slice(&line);
                lines.rows += 1;
            }
        }
    }
    out
}
