//! What a step that processes tasks holds, from the plan folder and the inputs alone: the
//! inputs (checked to be the files planned), the tokenizer and the held-out set.

use super::checked::{open_inputs, CheckedSource};
use super::folder::{PlanFile, PlanFolder};
use crate::cli::tokenizer::{self, Located};
use crate::holdout::HeldOut;
use crate::raft::RaftCorpus;
use crate::source::ByteSource;
use crate::tokens::ChatTokenizer;
use crate::Error;

pub struct Worker {
    /// The knowledge inputs, then the datasets, as the first pass took them.
    inputs: Vec<CheckedSource>,
    pub tokenizer: Option<ChatTokenizer>,
    pub holdout: Option<HeldOut>,
    /// The RAFT corpus the plan gathered, when the run makes RAFT rows.
    pub corpus: Option<RaftCorpus>,
}

impl Worker {
    pub fn new(folder: &PlanFolder, plan: &PlanFile) -> Result<Self, Error> {
        let mut inputs = open_inputs(&plan.inputs)?;
        inputs.extend(open_inputs(&plan.datasets)?);
        let tokenizer = (plan.tokenizer.as_ref())
            .map(|t| {
                let copied =
                    Located::copied(&folder.tokenizer_dir(), t.name.clone(), t.shown.clone());
                tokenizer::load(&copied, plan.now_local)
            })
            .transpose()?;
        let held: Vec<_> = (plan.holdout.iter())
            .map(|name| folder.holdout_dir().join(name))
            .collect();
        Ok(Worker {
            inputs,
            tokenizer,
            holdout: crate::cli::read_holdout(&held)?,
            corpus: folder.read_corpus(plan)?.map(RaftCorpus::new),
        })
    }

    pub fn sources(&self) -> Vec<&(dyn ByteSource + Sync)> {
        self.inputs.iter().map(|s| s as _).collect()
    }
}
