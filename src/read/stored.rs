//! The index as plain data, to keep between the steps of a run split over machines: a plan reads
//! the inputs once and stores this; its merge takes the index back from it, unread.

use serde::{Deserialize, Serialize};

use super::ids::TextIds;
use super::reshape::Reshapes;
use super::{
    BadRows, DatasetIndex, Index, IndexRow, InputFile, ReadOptions, RowHashes, Span, TextId,
};

/// Every field of an [`Index`], as serde takes it (the index's own serialisation, for reports,
/// leaves out what only the run needs).
#[derive(Debug, Serialize, Deserialize)]
pub struct StoredIndex {
    /// The hash of each text id, in id order, and the starts kept of source chunks.
    text_hashes: Vec<u128>,
    text_starts: Vec<(TextId, String)>,
    rows: Vec<IndexRow>,
    hashes: Vec<RowHashes>,
    files: Vec<InputFile>,
    bad_rows: BadRows,
    skip_bad_rows: bool,
    max_row_bytes: usize,
    datasets: Vec<StoredDataset>,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredDataset {
    name: String,
    file: u32,
    rows: Vec<Span>,
    reshapes: Reshapes,
}

impl From<&Index> for StoredIndex {
    fn from(index: &Index) -> Self {
        let (text_hashes, text_starts) = index.texts.parts();
        StoredIndex {
            text_hashes,
            text_starts,
            rows: index.rows.clone(),
            hashes: index.hashes.clone(),
            files: index.files.clone(),
            bad_rows: index.bad_rows.clone(),
            skip_bad_rows: index.options.skip_bad_rows,
            max_row_bytes: index.options.max_row_bytes,
            datasets: (index.datasets.iter())
                .map(|d| StoredDataset {
                    name: d.name.clone(),
                    file: d.file,
                    rows: d.rows.clone(),
                    reshapes: d.reshapes.clone(),
                })
                .collect(),
        }
    }
}

impl From<StoredIndex> for Index {
    fn from(stored: StoredIndex) -> Self {
        let mut texts = TextIds::default();
        // Ids are given in the order hashes come, so each text gets its id back.
        texts.add(stored.text_hashes, stored.text_starts);
        Index {
            texts,
            rows: stored.rows,
            hashes: stored.hashes,
            files: stored.files,
            bad_rows: stored.bad_rows,
            options: ReadOptions {
                skip_bad_rows: stored.skip_bad_rows,
                max_row_bytes: stored.max_row_bytes,
            },
            datasets: (stored.datasets.into_iter())
                .map(|d| DatasetIndex {
                    name: d.name,
                    file: d.file,
                    rows: d.rows,
                    reshapes: d.reshapes,
                })
                .collect(),
        }
    }
}
