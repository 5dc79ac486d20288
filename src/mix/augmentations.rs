//! The kept summary rows grouped as cuts count them: per kind and raw document, its distinct
//! augmentations (the documents generated from it). Feasibility counts them; sampling shuffles
//! them.

use std::collections::{HashMap, HashSet};

use crate::read::{Index, Kind, TextId};

/// One raw document of one summary kind, and its distinct augmentations among the kept rows.
pub struct RawDocument {
    pub kind: Kind,
    pub raw_document: TextId,
    /// In the order their first kept row comes.
    pub augmentations: Vec<TextId>,
}

/// Every raw document of a summary kind among the kept rows (`kept[i]` for `index.rows[i]`), in
/// the order its first kept row comes.
pub fn per_raw_document(index: &Index, kept: &[bool]) -> Vec<RawDocument> {
    let mut groups: Vec<RawDocument> = Vec::new();
    let mut slots: HashMap<(Kind, TextId), usize> = HashMap::new();
    let mut seen: HashSet<(Kind, TextId, TextId)> = HashSet::new();
    for (row, _) in (index.rows.iter().zip(kept)).filter(|(r, &k)| k && r.kind.is_summary()) {
        let slot = *slots
            .entry((row.kind, row.raw_document))
            .or_insert_with(|| {
                groups.push(RawDocument {
                    kind: row.kind,
                    raw_document: row.raw_document,
                    augmentations: Vec::new(),
                });
                groups.len() - 1
            });
        if seen.insert((row.kind, row.raw_document, row.document)) {
            groups[slot].augmentations.push(row.document);
        }
    }
    groups
}
