//! The RAFT rows in the report and the manifest: how they were made, and per cut how many carry
//! their oracle passage and how their distractors were found.

use std::fmt::Write;

use serde::Serialize;

use crate::raft::{RaftNote, RaftParams, RaftStyle};

#[derive(Debug, Clone, Serialize)]
pub struct RaftReport {
    /// Every parameter, defaults included.
    pub params: RaftParams,
    /// Source chunks in the corpus (and, for the retrieved style, the passages cut from them).
    pub documents: u64,
    pub passages: u64,
    pub cuts: Vec<RaftCut>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RaftCut {
    pub cut: u32,
    /// None on a dry run.
    pub file_name: Option<String>,
    pub rows: u64,
    pub with_oracle: u64,
    pub retrieved_distractors: u64,
    pub random_distractors: u64,
    /// The rows' token lengths in all (none without a tokenizer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokens: Option<u64>,
}

impl RaftCut {
    pub fn new(cut: u32, file_name: Option<String>) -> Self {
        RaftCut {
            cut,
            file_name,
            rows: 0,
            with_oracle: 0,
            retrieved_distractors: 0,
            random_distractors: 0,
            tokens: None,
        }
    }

    pub fn add(&mut self, note: RaftNote, length: Option<u32>) {
        self.rows += 1;
        self.with_oracle += u64::from(note.oracle);
        self.retrieved_distractors += u64::from(note.retrieved);
        self.random_distractors += u64::from(note.random);
        if let Some(length) = length {
            *self.tokens.get_or_insert(0) += u64::from(length);
        }
    }
}

impl RaftReport {
    pub fn text(&self) -> String {
        let p = &self.params;
        let how = match p.style {
            RaftStyle::Retrieved => "distractor passages retrieved by TF-IDF over word 1-2-grams from other source chunks, then filled at random (sdg_hub's RAFT builder)",
            RaftStyle::Random => "distractor documents drawn at random from the other source chunks (InstructLab SDG's data mixing)",
        };
        let mut text = format!(
            "\nRAFT rows ({} style): {} passages a row, the oracle with probability {}; {how}; corpus: {} source chunks, {} passages.\n",
            p.style.name(),
            p.passages(),
            p.p_oracle(),
            self.documents,
            self.passages,
        );
        for c in &self.cuts {
            let share = c.with_oracle as f64 / c.rows.max(1) as f64;
            let _ = write!(
                text,
                "  cut {}: {} rows, {} with the oracle ({:.1}%), distractors {} retrieved, {} at random",
                c.cut, c.rows, c.with_oracle, 100.0 * share, c.retrieved_distractors, c.random_distractors,
            );
            if let Some(tokens) = c.tokens {
                let _ = write!(text, ", {tokens} tokens");
            }
            if let Some(name) = &c.file_name {
                let _ = write!(text, " -> {name}");
            }
            text.push('\n');
        }
        text
    }
}
