//! The run's tasks by number, in output order, and how far they are handed out and back.
//!
//! The tasks are the RAFT corpus's source chunks' (read, where RAFT rows are made), then the
//! knowledge rows' (counted and written), then the added datasets' rows' (counted), then, once
//! planned from those counts, the blends' (written). One function, [`Tasks::stage`], says which
//! a number is.

use std::collections::BTreeMap;

use super::task::{ChunkResult, TASK_ROWS};
use crate::error::{Error, Result};

/// Tasks out at once per worker of a driver: enough that no worker waits for a slow
/// neighbour's turn, few enough to bound what waits in memory to be written in order.
const TASKS_PER_WORKER: u32 = 4;

/// What one task covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    /// The RAFT corpus's source chunks `start..end`.
    Corpus { start: usize, end: usize },
    /// The mix's selected rows at positions `start..end`.
    Knowledge { start: usize, end: usize },
    /// Rows `start..end` of added dataset `dataset`.
    Dataset {
        dataset: usize,
        start: usize,
        end: usize,
    },
    /// Entries `start..end` of written blend `blend` (its place among the blends written).
    Blend {
        blend: usize,
        start: usize,
        end: usize,
    },
}

impl Stage {
    /// Rows the task covers.
    pub fn rows(self) -> usize {
        match self {
            Stage::Corpus { start, end }
            | Stage::Knowledge { start, end }
            | Stage::Dataset { start, end, .. }
            | Stage::Blend { start, end, .. } => end - start,
        }
    }
}

/// The run's tasks: the counting stage's from the start, the blends' added once planned.
#[derive(Debug)]
pub(super) struct Tasks {
    corpus_rows: usize,
    knowledge_rows: usize,
    /// Per counting task of the datasets: (dataset, first row, end).
    datasets: Vec<(usize, usize, usize)>,
    /// Per writing task of the blends: (blend, first entry, end).
    blends: Vec<(usize, usize, usize)>,
    /// Rows the tasks cover in all, as far as known.
    rows: usize,
}

impl Tasks {
    /// `corpus_rows`: the RAFT corpus's source chunks (none without RAFT rows); `dataset_rows`:
    /// the rows of each dataset to count (none when nothing is counted).
    pub fn new(corpus_rows: usize, knowledge_rows: usize, dataset_rows: &[usize]) -> Self {
        let datasets = (dataset_rows.iter().enumerate())
            .flat_map(|(d, &rows)| {
                (0..rows)
                    .step_by(TASK_ROWS)
                    .map(move |start| (d, start, (start + TASK_ROWS).min(rows)))
            })
            .collect();
        Tasks {
            corpus_rows,
            knowledge_rows,
            datasets,
            blends: Vec::new(),
            rows: corpus_rows + knowledge_rows + dataset_rows.iter().sum::<usize>(),
        }
    }

    /// Tasks of the corpus stage, which come back before any knowledge task goes out.
    pub fn corpus(&self) -> u32 {
        self.corpus_rows.div_ceil(TASK_ROWS) as u32
    }

    fn knowledge(&self) -> u32 {
        self.knowledge_rows.div_ceil(TASK_ROWS) as u32
    }

    /// Tasks up to the end of the counting stage: the corpus's, the knowledge rows' and the
    /// datasets'.
    pub fn counting(&self) -> u32 {
        self.corpus() + self.knowledge() + self.datasets.len() as u32
    }

    /// Tasks known so far: every task once the blends are planned.
    pub fn count(&self) -> u32 {
        self.counting() + self.blends.len() as u32
    }

    /// Adds the writing tasks of written blend `blend`, over its entries' `chunks`.
    pub fn add_blend(&mut self, blend: usize, chunks: impl Iterator<Item = (usize, usize)>) {
        for (start, end) in chunks {
            self.blends.push((blend, start, end));
            self.rows += end - start;
        }
    }

    /// Rows the tasks cover in all, as far as known.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// What task `seq` (one of [`Tasks::count`]) covers.
    pub fn stage(&self, seq: u32) -> Stage {
        let rows = |at: u32, all: usize| {
            let start = at as usize * TASK_ROWS;
            (start, (start + TASK_ROWS).min(all))
        };
        let corpus = self.corpus();
        if seq < corpus {
            let (start, end) = rows(seq, self.corpus_rows);
            return Stage::Corpus { start, end };
        }
        let knowledge = corpus + self.knowledge();
        if seq < knowledge {
            let (start, end) = rows(seq - corpus, self.knowledge_rows);
            return Stage::Knowledge { start, end };
        }
        let at = (seq - knowledge) as usize;
        if let Some(&(dataset, start, end)) = self.datasets.get(at) {
            return Stage::Dataset {
                dataset,
                start,
                end,
            };
        }
        let (blend, start, end) = self.blends[at - self.datasets.len()];
        Stage::Blend { blend, start, end }
    }
}

/// Tasks handed out and taken back: results wait here until every task before them is back.
#[derive(Debug)]
pub(super) struct Handout {
    /// Tasks out at once at most, for the driver's workers.
    window: u32,
    handed_out: u32,
    /// Every task before this one is back and taken, in order.
    completed: u32,
    /// Results back ahead of their turn, and failures, by task number.
    waiting: BTreeMap<u32, Result<ChunkResult>>,
    /// A task failed: no more are handed out.
    failed: bool,
}

impl Handout {
    pub fn new(workers: u32) -> Self {
        Handout {
            window: TASKS_PER_WORKER.saturating_mul(workers.max(1)),
            handed_out: 0,
            completed: 0,
            waiting: BTreeMap::new(),
            failed: false,
        }
    }

    pub fn handed_out(&self) -> u32 {
        self.handed_out
    }

    pub fn completed(&self) -> u32 {
        self.completed
    }

    pub fn failed(&self) -> bool {
        self.failed
    }

    pub fn fail(&mut self) {
        self.failed = true;
    }

    /// As many tasks are out as the driver's workers keep busy.
    pub fn window_full(&self) -> bool {
        self.handed_out - self.completed >= self.window
    }

    /// The next task's number, now out.
    pub fn hand_out(&mut self) -> u32 {
        self.handed_out += 1;
        self.handed_out - 1
    }

    /// Takes task `seq`'s result (or failure) back, in any order.
    pub fn give_back(&mut self, seq: u32, result: Result<ChunkResult>) -> Result<()> {
        if seq < self.completed || seq >= self.handed_out || self.waiting.contains_key(&seq) {
            return Err(Error::input(format!(
                "task {seq} was not handed out or came back twice"
            )));
        }
        if result.is_err() {
            self.failed = true;
        }
        self.waiting.insert(seq, result);
        Ok(())
    }

    /// The next result in order, if it is back; it then counts as completed.
    pub fn take_in_order(&mut self) -> Option<Result<ChunkResult>> {
        let result = self.waiting.remove(&self.completed)?;
        self.completed += 1;
        Some(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_numbers_map_to_their_stage_in_output_order() {
        let mut tasks = Tasks::new(2, TASK_ROWS + 1, &[3, 0, TASK_ROWS]);
        tasks.add_blend(1, [(0, 5), (5, 9)].into_iter());
        assert_eq!(tasks.counting(), 5);
        assert_eq!(tasks.count(), 7);
        let stages: Vec<Stage> = (0..tasks.count()).map(|s| tasks.stage(s)).collect();
        let (k, d) = (TASK_ROWS, TASK_ROWS);
        assert_eq!(
            stages,
            [
                Stage::Corpus { start: 0, end: 2 },
                Stage::Knowledge { start: 0, end: k },
                Stage::Knowledge {
                    start: k,
                    end: k + 1
                },
                Stage::Dataset {
                    dataset: 0,
                    start: 0,
                    end: 3
                },
                Stage::Dataset {
                    dataset: 2,
                    start: 0,
                    end: d
                },
                Stage::Blend {
                    blend: 1,
                    start: 0,
                    end: 5
                },
                Stage::Blend {
                    blend: 1,
                    start: 5,
                    end: 9
                },
            ]
        );
        assert_eq!(tasks.rows(), 2 + k + 1 + 3 + d + 9);
    }

    #[test]
    fn results_are_taken_in_order_and_the_window_bounds_what_is_out() {
        let mut handout = Handout::new(1);
        let seqs: Vec<u32> = (0..4).map(|_| handout.hand_out()).collect();
        assert_eq!(seqs, [0, 1, 2, 3]);
        assert!(handout.window_full());
        let result = |seq| {
            Ok(ChunkResult {
                seq,
                counts: None,
                lines: Vec::new(),
                refused: Vec::new(),
                contaminated: Vec::new(),
                documents: Vec::new(),
                raft: None,
            })
        };
        handout.give_back(1, result(1)).unwrap();
        assert!(handout.take_in_order().is_none(), "task 0 is not back");
        handout.give_back(0, result(0)).unwrap();
        assert_eq!(handout.take_in_order().unwrap().unwrap().seq, 0);
        assert_eq!(handout.take_in_order().unwrap().unwrap().seq, 1);
        assert!(!handout.window_full());
        assert!(handout.give_back(1, result(1)).is_err(), "back twice");
        assert!(handout.give_back(4, result(4)).is_err(), "never out");
    }
}
