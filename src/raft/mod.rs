//! RAFT rows (retrieval-augmented fine-tuning): each knowledge Q&A pair asked again over a few
//! passages, its own source chunk's (the oracle) among them or not, the others distractors from
//! other source chunks. Two styles, named and shaped as the tools people know make them:
//! sdg_hub's knowledge-tuning RAFT builder (passages retrieved by TF-IDF) and InstructLab SDG's
//! data mixing (random documents).

mod corpus;
mod ln;
mod passages;
mod pick;
mod retrieve;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub use corpus::{CorpusShare, RaftCorpus};
pub use pick::{RaftNote, RaftRow};

/// How distractors are chosen, and the format of the user message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RaftStyle {
    /// sdg_hub: source chunks cut into passages of about 400 words (60 shared with the next),
    /// distractors retrieved by TF-IDF over 1–2-grams from other chunks, then filled at random;
    /// `Passages:\n[Passage i] …\n\nQuestion: …`.
    Retrieved,
    /// InstructLab SDG: whole source chunks, distractors at random from the others; each as
    /// `Document:\n{e}\n\n`, joined by new lines, then the question.
    Random,
}

impl RaftStyle {
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim() {
            "retrieved" => Ok(RaftStyle::Retrieved),
            "random" => Ok(RaftStyle::Random),
            other => Err(Error::parameters(format!(
                "`{other}` is not a RAFT style: `retrieved` (TF-IDF passages, as sdg_hub) or `random` (random documents, as InstructLab SDG)"
            ))
            .field("raft")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            RaftStyle::Retrieved => "retrieved",
            RaftStyle::Random => "random",
        }
    }

    /// Passages in all per row, as each tool has it by default.
    fn default_passages(self) -> u32 {
        match self {
            RaftStyle::Retrieved => 5,
            RaftStyle::Random => 4,
        }
    }

    /// The chance a row carries its oracle, as each tool has it by default.
    fn default_p_oracle(self) -> f64 {
        match self {
            RaftStyle::Retrieved => 0.9,
            RaftStyle::Random => 0.4,
        }
    }
}

/// RAFT rows as asked: the style, and (unless the style's default) the passages per row and the
/// chance of the oracle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RaftParams {
    pub style: RaftStyle,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passages: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_oracle: Option<f64>,
}

/// The most passages a row may carry.
const MAX_PASSAGES: u32 = 20;

impl RaftParams {
    /// Passages in all per row (`--raft-passages`, sdg_hub's k, SDG's num_doc_in_context).
    pub fn passages(&self) -> u32 {
        self.passages.unwrap_or(self.style.default_passages())
    }

    /// The chance a row carries its oracle passage (`--raft-p-oracle`, the tools' p).
    pub fn p_oracle(&self) -> f64 {
        self.p_oracle.unwrap_or(self.style.default_p_oracle())
    }

    pub fn check(&self) -> Result<()> {
        if !(1..=MAX_PASSAGES).contains(&self.passages()) {
            return Err(Error::parameters(format!(
                "a RAFT row carries from 1 to {MAX_PASSAGES} passages, not {}",
                self.passages()
            ))
            .field("raft_passages"));
        }
        if !(0.0..=1.0).contains(&self.p_oracle()) {
            return Err(Error::parameters(format!(
                "the chance of the oracle passage is from 0 to 1, not {}",
                self.p_oracle()
            ))
            .field("raft_p_oracle"));
        }
        Ok(())
    }

    /// As the manifest records them: every value, defaults included.
    pub fn resolved(&self) -> RaftParams {
        RaftParams {
            style: self.style,
            passages: Some(self.passages()),
            p_oracle: Some(self.p_oracle()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_style_and_bounds_are_checked() {
        let retrieved = RaftParams {
            style: RaftStyle::parse("retrieved").unwrap(),
            passages: None,
            p_oracle: None,
        };
        assert_eq!((retrieved.passages(), retrieved.p_oracle()), (5, 0.9));
        let random = RaftParams {
            style: RaftStyle::Random,
            ..retrieved.clone()
        };
        assert_eq!((random.passages(), random.p_oracle()), (4, 0.4));
        assert!(RaftStyle::parse("bm25").is_err());
        let bad = |passages, p_oracle| RaftParams {
            style: RaftStyle::Retrieved,
            passages,
            p_oracle,
        };
        assert!(bad(Some(0), None).check().is_err());
        assert!(bad(None, Some(1.5)).check().is_err());
        assert!(bad(Some(1), Some(0.0)).check().is_ok());
    }
}
