//! Seeded, nested sampling of augmentations.
//!
//! Each raw document's distinct augmentations are shuffled once, with a generator seeded from the
//! run's seed, the kind and the raw document's text (its hash); cut N takes the first N. So a smaller cut is
//! always a subset of a larger one, and a raw document's choice does not depend on the others.

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use xxhash_rust::xxh3::xxh3_64;

use super::augmentations::RawDocument;
use crate::read::{Index, Kind, TextId};

/// The smallest cut a row belongs to (0: every cut), or `None` when it is in no cut.
pub type MinCut = Option<u32>;

/// `raw_documents`: the kept rows grouped by [`super::augmentations::per_raw_document`].
pub fn min_cuts(
    index: &Index,
    kept: &[bool],
    raw_documents: &[RawDocument],
    qa_per_doc: u32,
    seed: u64,
) -> Vec<MinCut> {
    let ranks = augmentation_ranks(index, raw_documents, seed);
    let mut qa_seen: HashMap<(Kind, TextId, TextId), u32> = HashMap::new();
    index
        .rows
        .iter()
        .zip(kept)
        .map(|(row, &keep)| {
            if !keep {
                return None;
            }
            if !row.kind.is_summary() {
                return Some(0);
            }
            let key = (row.kind, row.raw_document, row.document);
            let seen = qa_seen.entry(key).or_insert(0);
            *seen += 1;
            (*seen <= qa_per_doc).then(|| ranks[&key])
        })
        .collect()
}

/// 1-based position of each augmentation in its raw document's shuffled list.
fn augmentation_ranks(
    index: &Index,
    raw_documents: &[RawDocument],
    seed: u64,
) -> HashMap<(Kind, TextId, TextId), u32> {
    let mut ranks = HashMap::new();
    for group in raw_documents {
        let (kind, raw) = (group.kind, group.raw_document);
        let mut docs = group.augmentations.clone();
        let mut rng = StdRng::seed_from_u64(raw_document_seed(seed, kind, index.texts.hash(raw)));
        docs.shuffle(&mut rng);
        for (i, doc) in docs.into_iter().enumerate() {
            ranks.insert((kind, raw, doc), i as u32 + 1);
        }
    }
    ranks
}

fn raw_document_seed(seed: u64, kind: Kind, raw_document_hash: u128) -> u64 {
    let mut bytes = Vec::with_capacity(48);
    bytes.extend_from_slice(&seed.to_le_bytes());
    bytes.extend_from_slice(kind.name().as_bytes());
    bytes.extend_from_slice(&raw_document_hash.to_le_bytes());
    xxh3_64(&bytes)
}
