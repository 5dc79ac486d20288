//! The parts' results, for the merge: every part checked up front (there, complete, of this
//! plan), then read forward as the run asks for its tasks' results, each part under a lock of
//! its own.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use super::folder::{PlanFile, PlanFolder};
use super::part_file::{PartHeader, PartReader};
use crate::cli::drive::Elsewhere;
use crate::run::{ChunkResult, ChunkTask};
use crate::Error;

pub struct StoredResults {
    /// Each part's tasks, in order (a part may have none).
    ranges: Vec<std::ops::Range<u32>>,
    parts: Vec<Mutex<PartStream>>,
}

struct PartStream {
    reader: PartReader,
    /// Results read ahead of their turn (the run's threads ask in any order).
    ahead: BTreeMap<u32, ChunkResult>,
}

impl StoredResults {
    pub fn open(folder: &PlanFolder, id: &str, plan: &PlanFile) -> Result<Self, Error> {
        let mut parts = Vec::with_capacity(plan.parts.len());
        for (i, planned) in plan.parts.iter().enumerate() {
            let path = folder.parts_dir().join(PlanFolder::results_name(i));
            if !path.is_file() {
                return Err(Error::input(format!(
                    "part {i} is missing: run `kmix work {} --part {i}`",
                    folder.dir().display()
                ))
                .in_file(path.display().to_string()));
            }
            let reader = PartReader::open(&path)?;
            if *reader.header() != PartHeader::new(id, i as u32, planned.first, planned.end) {
                return Err(Error::input(format!(
                    "part {i} is not of this plan (it names plan {}, this is {}): work it again",
                    short(&reader.header().plan),
                    short(id)
                ))
                .in_file(reader.shown()));
            }
            parts.push(Mutex::new(PartStream {
                reader,
                ahead: BTreeMap::new(),
            }));
        }
        Ok(StoredResults {
            ranges: plan.parts.iter().map(|p| p.first..p.end).collect(),
            parts,
        })
    }
}

fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}

impl PartStream {
    fn take(&mut self, seq: u32) -> Result<ChunkResult, Error> {
        if let Some(result) = self.ahead.remove(&seq) {
            return Ok(result);
        }
        loop {
            match self.reader.next()? {
                Some(result) if result.seq == seq => return Ok(result),
                Some(result) => drop(self.ahead.insert(result.seq, result)),
                None => {
                    return Err(
                        Error::input(format!("the part holds no result of task {seq}"))
                            .in_file(self.reader.shown()),
                    )
                }
            }
        }
    }
}

impl Elsewhere for StoredResults {
    fn result(&self, task: &ChunkTask) -> Option<Result<ChunkResult, Error>> {
        // Tasks of no part (the blends' writing) are the merge's own.
        let part = self.ranges.iter().position(|r| r.contains(&task.seq))?;
        Some(lock(&self.parts[part]).take(task.seq))
    }

    fn all_taken(&self) -> Result<(), Error> {
        for part in &self.parts {
            let stream = lock(part);
            if !stream.reader.finished() || !stream.ahead.is_empty() {
                return Err(
                    Error::input("the run did not take every result of the part")
                        .in_file(stream.reader.shown()),
                );
            }
        }
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
