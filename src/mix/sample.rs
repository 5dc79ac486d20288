//! Seeded, nested sampling of augmentations.
//!
//! Each raw document's distinct augmentations are shuffled once, with a generator seeded from the
//! run's seed, the kind and the raw document's text; cut N takes the first N. So a smaller cut is
//! always a subset of a larger one, and a raw document's choice does not depend on the others.

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use sha2::{Digest, Sha256};

use crate::input::{Corpus, Kind, TextId};

/// The smallest cut a row belongs to (0: every cut), or `None` when it is in no cut.
pub type MinCut = Option<u32>;

pub fn min_cuts(corpus: &Corpus, kept: &[bool], qa_per_doc: u32, seed: u64) -> Vec<MinCut> {
    let ranks = augmentation_ranks(corpus, kept, seed);
    let mut qa_seen: HashMap<(Kind, TextId, TextId), u32> = HashMap::new();
    corpus
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
    corpus: &Corpus,
    kept: &[bool],
    seed: u64,
) -> HashMap<(Kind, TextId, TextId), u32> {
    let mut per_raw: Vec<((Kind, TextId), Vec<TextId>)> = Vec::new();
    let mut index: HashMap<(Kind, TextId), usize> = HashMap::new();
    for (row, _) in corpus
        .rows
        .iter()
        .zip(kept)
        .filter(|(r, &k)| k && r.kind.is_summary())
    {
        let slot = *index
            .entry((row.kind, row.raw_document))
            .or_insert_with(|| {
                per_raw.push(((row.kind, row.raw_document), Vec::new()));
                per_raw.len() - 1
            });
        let docs = &mut per_raw[slot].1;
        if !docs.contains(&row.document) {
            docs.push(row.document);
        }
    }
    let mut ranks = HashMap::new();
    for ((kind, raw), mut docs) in per_raw {
        let mut rng = StdRng::seed_from_u64(raw_document_seed(seed, kind, corpus.texts.get(raw)));
        docs.shuffle(&mut rng);
        for (i, doc) in docs.into_iter().enumerate() {
            ranks.insert((kind, raw, doc), i as u32 + 1);
        }
    }
    ranks
}

fn raw_document_seed(seed: u64, kind: Kind, raw_document: &str) -> u64 {
    let mut h = Sha256::new();
    h.update(seed.to_le_bytes());
    h.update(kind.name().as_bytes());
    h.update([0]);
    h.update(raw_document.as_bytes());
    let digest = h.finalize();
    u64::from_le_bytes(
        digest[..8]
            .try_into()
            .expect("a SHA-256 digest has 32 bytes"),
    )
}
