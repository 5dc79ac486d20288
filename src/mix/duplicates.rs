//! Exact duplicates among generated Q&A: the same pair twice (two generation runs dropped
//! together), or the same question with another response (one question on several
//! augmentations), compared after [`crate::text::normalise`] within a kind, in input order.
//! Only the generation folders' kinds are compared: seed data repeats its examples by design.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::read::{Index, Kind};

/// What `--dedupe` drops, keeping the first of each in input order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dedupe {
    #[default]
    Off,
    /// Rows whose question and response both repeat an earlier row's.
    Pairs,
    /// Rows whose question repeats an earlier row's, whatever the response.
    Questions,
}

impl Dedupe {
    pub fn is_off(&self) -> bool {
        *self == Dedupe::Off
    }
}

/// Examples named per kind: enough to find the rows, few enough to keep the report short.
const EXAMPLES: usize = 3;

/// A row named by where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    pub file: String,
    pub line: u32,
}

/// A row that repeats an earlier one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repeat {
    pub first: Place,
    pub repeat: Place,
    /// The response repeats too.
    pub pair: bool,
}

/// One kind's duplicates among some rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindDuplicates {
    pub kind: Kind,
    /// Rows whose question and response repeat an earlier row's.
    pub duplicate_pairs: u64,
    /// Rows whose question repeats an earlier row's, with another response.
    pub repeated_questions: u64,
    pub examples: Vec<Repeat>,
}

/// The duplicates of one cut.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CutDuplicates {
    pub cut: u32,
    pub kinds: Vec<KindDuplicates>,
}

/// The rows seen so far of each kind, by hash, and what was found among them.
#[derive(Default)]
struct Seen {
    /// The first row of each (kind, question) and (kind, pair).
    questions: HashMap<(Kind, u64), usize>,
    pairs: HashMap<(Kind, u64), usize>,
    found: Vec<KindDuplicates>,
}

impl Seen {
    /// Notes row `i`: the earlier row it repeats, if any, and whether the response repeats too.
    fn note(&mut self, index: &Index, i: usize) -> Option<(usize, bool)> {
        let kind = index.rows[i].kind;
        if !Kind::FOLDERS.contains(&kind) {
            return None;
        }
        let hashes = index.hashes[i];
        let pair = *self.pairs.entry((kind, hashes.pair)).or_insert(i);
        let question = *self.questions.entry((kind, hashes.question)).or_insert(i);
        match (pair != i, question != i) {
            (true, _) => Some((pair, true)),
            (false, true) => Some((question, false)),
            (false, false) => None,
        }
    }

    /// Counts row `i`, a repeat of row `first`, under its kind.
    fn found(&mut self, index: &Index, (first, pair): (usize, bool), i: usize) {
        let kind = index.rows[i].kind;
        let at = match self.found.iter().position(|k| k.kind == kind) {
            Some(at) => at,
            None => {
                self.found.push(KindDuplicates {
                    kind,
                    duplicate_pairs: 0,
                    repeated_questions: 0,
                    examples: Vec::new(),
                });
                self.found.len() - 1
            }
        };
        let found = &mut self.found[at];
        *if pair {
            &mut found.duplicate_pairs
        } else {
            &mut found.repeated_questions
        } += 1;
        if found.examples.len() < EXAMPLES {
            let place = |i: usize| Place {
                file: index.files[index.rows[i].file as usize].path.clone(),
                line: index.rows[i].line,
            };
            found.examples.push(Repeat {
                first: place(first),
                repeat: place(i),
                pair,
            });
        }
    }
}

/// Leaves out of `kept` the rows `dedupe` drops (each a repeat of an earlier kept row of its
/// kind, in input order, so the same whatever read the files); returns them, per kind.
pub fn drop_repeats(index: &Index, kept: &mut [bool], dedupe: Dedupe) -> Vec<KindDuplicates> {
    let mut seen = Seen::default();
    for (i, keep) in kept.iter_mut().enumerate().filter(|(_, k)| **k) {
        match seen.note(index, i) {
            Some(repeat) if repeat.1 || dedupe == Dedupe::Questions => {
                *keep = false;
                seen.found(index, repeat, i);
            }
            _ => {}
        }
    }
    seen.found
}

/// The repeats among `rows` (indexes into [`Index::rows`], in output order).
pub fn repeats(index: &Index, rows: impl Iterator<Item = usize>) -> Vec<KindDuplicates> {
    let mut seen = Seen::default();
    for i in rows {
        if let Some(repeat) = seen.note(index, i) {
            seen.found(index, repeat, i);
        }
    }
    seen.found
}
