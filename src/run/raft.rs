//! A run's RAFT rows: the corpus its first tasks gather and the run hands out once, for the
//! driver to give every thread or worker before a knowledge task goes out; and how each row's
//! passages were chosen, for the report.

use crate::error::{Error, Result};
use crate::mix::Mix;
use crate::output::{RaftCut, RaftReport};
use crate::raft::{CorpusShare, RaftNote, RaftParams};
use crate::read::{Index, IndexRow};
use crate::tokens::RowTokens;

/// What comes before any knowledge task while the corpus is not held yet.
pub(super) enum Before {
    /// Hand the corpus out to every thread or worker.
    Share(CorpusShare),
    /// Wait: for its source chunks to come back, or for the workers to take it in.
    Wait,
}

/// Where the corpus is.
enum Share {
    /// Its source chunks are coming back.
    Gathering,
    /// Complete: to hand out.
    Ready(CorpusShare),
    /// Handed out: the driver's workers are taking it in.
    Out(String),
    /// Every worker holds it (its checksum): knowledge tasks go out.
    Held(String),
}

pub(super) struct RaftRun {
    params: RaftParams,
    seed: u64,
    /// One selected row per distinct source chunk, in the order first selected.
    pub sources: Vec<IndexRow>,
    documents: Vec<String>,
    share: Share,
    /// Source chunks and passages, for the report.
    size: (u64, u64),
    /// By position of the mix's selected rows.
    pub notes: Vec<RaftNote>,
    pub counts: Vec<RowTokens>,
}

impl RaftRun {
    /// RAFT rows need distractors, so source chunks other than a row's own.
    pub fn new(params: RaftParams, index: &Index, mix: &Mix) -> Result<Self> {
        params.check()?;
        let mut seen = std::collections::HashSet::new();
        let sources: Vec<IndexRow> = (mix.selected.iter().map(|&i| index.rows[i]))
            .filter(|row| seen.insert(row.raw_document))
            .collect();
        if sources.len() < 2 {
            return Err(Error::parameters(format!(
                "RAFT rows need distractors from other source chunks, but the mix holds {} source chunk (raw_document){}: give more documents, or make no RAFT rows",
                sources.len(),
                (sources.first().and_then(|r| index.texts.start(r.raw_document)))
                    .map_or(String::new(), |start| format!(" (\"{start}\")")),
            ))
            .field("raft"));
        }
        Ok(RaftRun {
            params,
            seed: mix.params.seed,
            documents: Vec::with_capacity(sources.len()),
            sources,
            share: Share::Gathering,
            size: (0, 0),
            notes: Vec::new(),
            counts: Vec::new(),
        })
    }

    /// A corpus task's source chunks, in order; the corpus is complete with the last. Chunks
    /// that are all one document (sharing long runs of words) leave no distractor either.
    pub fn take_documents(&mut self, documents: Vec<String>) -> Result<()> {
        self.documents.extend(documents);
        if self.documents.len() < self.sources.len() {
            return Ok(());
        }
        let documents = std::mem::take(&mut self.documents);
        let share = CorpusShare::new(documents, self.params.clone(), self.seed);
        if share.families() < 2 {
            return Err(Error::parameters(format!(
                "RAFT rows need distractors from other documents, but the mix's {} source chunks (raw_document) are cut from one document (they share runs of 13 words): give more documents, or make no RAFT rows",
                share.documents.len()
            ))
            .field("raft"));
        }
        self.share = Share::Ready(share);
        Ok(())
    }

    /// What the driver does before any knowledge task: hand the corpus out, or wait for it
    /// (to come back, or to be taken in). None: every worker holds it.
    pub fn next(&mut self) -> Option<Before> {
        match std::mem::replace(&mut self.share, Share::Gathering) {
            Share::Ready(share) => {
                self.size = (share.documents.len() as u64, share.passages() as u64);
                self.share = Share::Out(share.checksum.clone());
                Some(Before::Share(share))
            }
            Share::Held(checksum) => {
                self.share = Share::Held(checksum);
                None
            }
            other => {
                self.share = other;
                Some(Before::Wait)
            }
        }
    }

    /// The driver's workers hold the corpus handed out.
    pub fn shared(&mut self) -> Result<()> {
        match std::mem::replace(&mut self.share, Share::Gathering) {
            Share::Out(checksum) => {
                self.share = Share::Held(checksum);
                Ok(())
            }
            other => {
                self.share = other;
                Err(Error::input("no RAFT corpus was handed out to take in"))
            }
        }
    }

    /// The corpus's checksum, for the tasks that need it.
    pub fn held(&self) -> Option<String> {
        match &self.share {
            Share::Held(checksum) => Some(checksum.clone()),
            _ => None,
        }
    }

    /// The report: per feasible cut, its rows' notes and tokens.
    pub fn report(&self, mix: &Mix, file_name: impl Fn(u32) -> Option<String>) -> RaftReport {
        let cuts = (mix.feasible_cuts())
            .map(|cut| {
                let mut report = RaftCut::new(cut, file_name(cut));
                for p in mix.positions_in_cut(cut) {
                    report.add(self.notes[p], self.counts.get(p).map(|t| t.length));
                }
                report
            })
            .collect();
        RaftReport {
            params: self.params.resolved(),
            documents: self.size.0,
            passages: self.size.1,
            cuts,
        }
    }
}
