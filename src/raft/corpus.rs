//! The corpus RAFT rows draw their passages from: the distinct source chunks of the mix's rows,
//! each cut into passages (the retrieved style) or whole (the random style), with the TF-IDF
//! index that retrieves distractors. The run gathers the chunks and hands them out once
//! ([`CorpusShare`]); every thread or worker builds the same corpus from them.

use std::collections::HashMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{xxh3_128, xxh3_64};

use super::passages::passages;
use super::retrieve::TfIdf;
use super::{RaftParams, RaftStyle};
use crate::checksum::sha256_hex;
use crate::holdout::NGRAM;

/// The source chunks and how RAFT rows are made of them, named by one checksum, by which a
/// task names the corpus its worker must hold.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CorpusShare {
    pub documents: Vec<String>,
    pub params: RaftParams,
    /// The run's seed, from which each row draws its own.
    pub seed: u64,
    pub checksum: String,
}

impl CorpusShare {
    pub fn new(documents: Vec<String>, params: RaftParams, seed: u64) -> Self {
        let mut bytes = serde_json::to_vec(&params.resolved()).expect("plain data");
        bytes.extend_from_slice(&seed.to_le_bytes());
        for d in &documents {
            bytes.extend_from_slice(&(d.len() as u64).to_le_bytes());
            bytes.extend_from_slice(d.as_bytes());
        }
        CorpusShare {
            checksum: sha256_hex(&bytes),
            documents,
            params,
            seed,
        }
    }
}

impl CorpusShare {
    /// The passages a corpus of these chunks holds.
    pub fn passages(&self) -> usize {
        match self.params.style {
            RaftStyle::Retrieved => self.documents.iter().map(|d| passages(d).len()).sum(),
            RaftStyle::Random => self.documents.len(),
        }
    }

    /// The documents the chunks are cut from, as told apart by [`families`].
    pub fn families(&self) -> usize {
        let family = families(&self.documents);
        (family.iter().enumerate())
            .filter(|&(d, &f)| f as usize == d)
            .count()
    }
}

/// A passage: which source chunk, and where in its text.
#[derive(Debug, Clone)]
pub(super) struct Passage {
    pub document: u32,
    pub range: Range<usize>,
}

#[derive(Debug)]
pub struct RaftCorpus {
    share: CorpusShare,
    by_text: HashMap<u128, u32>,
    pub(super) passages: Vec<Passage>,
    /// Per source chunk, its passages' numbers.
    pub(super) of_document: Vec<Range<u32>>,
    /// Per source chunk, its family ([`families`]), and per family, its passages.
    family: Vec<u32>,
    family_passages: HashMap<u32, usize>,
    /// The retrieved style's index over the passages.
    pub(super) index: Option<TfIdf>,
}

impl RaftCorpus {
    pub fn new(share: CorpusShare) -> Self {
        let retrieved = share.params.style == RaftStyle::Retrieved;
        let mut all = Vec::new();
        let mut of_document = Vec::with_capacity(share.documents.len());
        for (d, text) in share.documents.iter().enumerate() {
            let ranges = match retrieved {
                true => passages(text),
                false => std::iter::once(0..text.len()).collect(),
            };
            let first = all.len() as u32;
            all.extend(ranges.into_iter().map(|range| Passage {
                document: d as u32,
                range,
            }));
            of_document.push(first..all.len() as u32);
        }
        let by_text = (share.documents.iter().enumerate())
            .map(|(d, text)| (xxh3_128(text.as_bytes()), d as u32))
            .collect();
        let texts = all
            .iter()
            .map(|p| &share.documents[p.document as usize][p.range.clone()]);
        let index = retrieved.then(|| TfIdf::new(texts));
        let family = families(&share.documents);
        let mut family_passages = HashMap::new();
        for p in &all {
            *family_passages
                .entry(family[p.document as usize])
                .or_default() += 1;
        }
        RaftCorpus {
            share,
            by_text,
            passages: all,
            of_document,
            family,
            family_passages,
            index,
        }
    }

    /// Whether passage `p` is of source chunk `document`'s family: never its distractor.
    pub(super) fn related(&self, p: u32, document: u32) -> bool {
        let of = self.passages[p as usize].document;
        self.family[of as usize] == self.family[document as usize]
    }

    /// The passages of source chunk `document`'s family.
    pub(super) fn related_passages(&self, document: u32) -> usize {
        self.family_passages[&self.family[document as usize]]
    }

    pub fn checksum(&self) -> &str {
        &self.share.checksum
    }

    pub fn params(&self) -> &RaftParams {
        &self.share.params
    }

    pub(super) fn seed(&self) -> u64 {
        self.share.seed
    }

    /// The source chunk whose text this is.
    pub(super) fn document_of(&self, text: &str) -> Option<u32> {
        self.by_text.get(&xxh3_128(text.as_bytes())).copied()
    }

    pub(super) fn text(&self, passage: u32) -> &str {
        let p = &self.passages[passage as usize];
        &self.share.documents[p.document as usize][p.range.clone()]
    }
}

/// Source chunks told apart as families: two that share a run of [`NGRAM`] words (a seed
/// context cut from a generation chunk, a chunk repeated with an edit) are one document, so
/// neither is the other's distractor. Each family is named by its first chunk.
fn families(documents: &[String]) -> Vec<u32> {
    let mut parent: Vec<u32> = (0..documents.len() as u32).collect();
    fn root(parent: &mut [u32], mut d: u32) -> u32 {
        while parent[d as usize] != d {
            parent[d as usize] = parent[parent[d as usize] as usize];
            d = parent[d as usize];
        }
        d
    }
    let mut first_with: HashMap<u64, u32> = HashMap::new();
    for (d, text) in documents.iter().enumerate() {
        let words: Vec<&str> = text.split_whitespace().collect();
        for run in words.windows(NGRAM.min(words.len()).max(1)) {
            let hash = xxh3_64(run.join(" ").as_bytes());
            let other = *first_with.entry(hash).or_insert(d as u32);
            let (a, b) = (root(&mut parent, other), root(&mut parent, d as u32));
            parent[a.max(b) as usize] = a.min(b);
        }
    }
    (0..documents.len() as u32)
        .map(|d| root(&mut parent, d))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_that_share_a_long_run_of_words_are_one_family() {
        let long = |start: usize| {
            (start..start + 30)
                .map(|i| format!("w{i} "))
                .collect::<String>()
        };
        let documents = [
            long(0),
            long(100),
            long(0)[..60].to_string(),
            long(10),
            "short".into(),
        ];
        // The third is the first's start (13 words or more); the fourth shares w10..w29.
        assert_eq!(families(&documents), [0, 1, 0, 0, 4]);
    }
}
