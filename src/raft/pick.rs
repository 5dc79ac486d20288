//! One RAFT row: which passages a Q&A pair is asked over (seeded by the row itself, so that a
//! row reads the same in every cut and run), in which order, and its user message.

use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use super::{RaftCorpus, RaftStyle};
use crate::error::{Error, Result};
use crate::read::Record;

/// How a row's passages were chosen, for the report.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaftNote {
    /// The oracle passage is among them.
    pub oracle: bool,
    /// Distractors retrieved by TF-IDF, and filled at random.
    pub retrieved: u8,
    pub random: u8,
}

/// A knowledge row's RAFT user message, and where its oracle passage is in it.
#[derive(Debug, Clone, PartialEq)]
pub struct RaftRow {
    pub user: String,
    /// 1-based, as the message numbers passages; none when the row carries no oracle.
    pub oracle_passage: Option<u32>,
    pub note: RaftNote,
}

impl RaftCorpus {
    /// `record`'s RAFT row.
    pub fn row(&self, record: &Record) -> Result<RaftRow> {
        let own = self.document_of(&record.raw_document).ok_or_else(|| {
            Error::input("the row's source chunk is not in the RAFT corpus the worker holds")
        })?;
        let mut rng = StdRng::seed_from_u64(row_seed(self.seed(), record));
        let params = self.params();
        let oracle = rng.random::<f64>() < params.p_oracle();
        let want = params.passages() as usize - usize::from(oracle);
        let mut chosen: Vec<u32> = match &self.index {
            Some(index) => (index
                .ranked(&record.question, |p| !self.related(p, own))
                .into_iter())
            .take(want)
            .map(|(p, _)| p)
            .collect(),
            None => Vec::new(),
        };
        let retrieved = chosen.len();
        self.fill_at_random(&mut chosen, want, own, &mut rng);
        let note = RaftNote {
            oracle,
            retrieved: retrieved as u8,
            random: (chosen.len() - retrieved) as u8,
        };
        let mut picked: Vec<(u32, bool)> = chosen.into_iter().map(|p| (p, false)).collect();
        if oracle {
            picked.push((self.oracle_passage(record, own), true));
        }
        picked.shuffle(&mut rng);
        let texts: Vec<&str> = picked.iter().map(|&(p, _)| self.text(p)).collect();
        Ok(RaftRow {
            user: user_message(params.style, &texts, &record.question),
            oracle_passage: (picked.iter().position(|&(_, o)| o)).map(|at| at as u32 + 1),
            note,
        })
    }

    /// Adds passages of source chunks unrelated to `own` at random until `chosen` holds `want`
    /// (or every such passage).
    fn fill_at_random(&self, chosen: &mut Vec<u32>, want: usize, own: u32, rng: &mut StdRng) {
        let total = self.passages.len() as u32;
        let free = |p: &u32, chosen: &[u32]| !self.related(*p, own) && !chosen.contains(p);
        let available = total as usize - self.related_passages(own) - chosen.len();
        let target = chosen.len() + (want.saturating_sub(chosen.len())).min(available);
        // Few to choose from: draw from the list of them; many: draw and throw back repeats.
        if available <= 4 * (target - chosen.len()) {
            let candidates: Vec<u32> = (0..total).filter(|p| free(p, chosen)).collect();
            let drawn = candidates.choose_multiple(rng, target - chosen.len());
            chosen.extend(drawn.copied().collect::<Vec<_>>());
            return;
        }
        while chosen.len() < target {
            let p = rng.random_range(0..total);
            if free(&p, chosen) {
                chosen.push(p);
            }
        }
    }

    /// The passage of the row's own source chunk that best matches its question and answer
    /// (the first, for whole chunks or when none shares a term).
    fn oracle_passage(&self, record: &Record, own: u32) -> u32 {
        let own = &self.of_document[own as usize];
        let Some(index) = &self.index else {
            return own.start;
        };
        let query = format!(
            "{} {}",
            record.question,
            record.response.as_deref().unwrap_or("")
        );
        (index.ranked(&query, |p| own.contains(&p)).first()).map_or(own.start, |&(p, _)| p)
    }
}

fn user_message(style: RaftStyle, texts: &[&str], question: &str) -> String {
    match style {
        RaftStyle::Retrieved => {
            let passages: Vec<String> = (texts.iter().enumerate())
                .map(|(i, t)| format!("[Passage {}] {t}", i + 1))
                .collect();
            format!(
                "Passages:\n{}\n\nQuestion: {question}",
                passages.join("\n\n")
            )
        }
        RaftStyle::Random => {
            let documents: Vec<String> = (texts.iter())
                .map(|e| format!("Document:\n{e}\n\n"))
                .collect();
            format!("{}\n\n{question}", documents.join("\n"))
        }
    }
}

/// A row's own seed: the run's, with its question, answer and source chunk.
fn row_seed(seed: u64, record: &Record) -> u64 {
    let mut hasher = Xxh3::new();
    hasher.update(&seed.to_le_bytes());
    for text in [
        "raft",
        &record.question,
        record.response.as_deref().unwrap_or(""),
        &record.raw_document,
    ] {
        hasher.update(text.as_bytes());
        hasher.update(&[0]);
    }
    hasher.digest()
}
