//! The counting stage's tasks in parts of about equal work: by the bytes of the rows each task
//! reads again (and counts), in order, so that a part reads runs of rows that lie together.

use std::ops::Range;

use crate::run::{BlendRow, ChunkTask, Work};

/// The bytes of the rows a task reads again.
pub fn task_bytes(task: &ChunkTask) -> u64 {
    match &task.work {
        Work::Documents { rows } => rows.iter().map(|r| u64::from(r.len)).sum(),
        Work::Knowledge { rows, .. } => rows.iter().map(|r| u64::from(r.row.len)).sum(),
        Work::Dataset { rows, .. } => rows.iter().map(|s| u64::from(s.len)).sum(),
        Work::Blend { rows } => (rows.iter())
            .map(|r| match r {
                BlendRow::Knowledge { row, .. } | BlendRow::Raft { row, .. } => u64::from(row.len),
                BlendRow::Dataset { span, .. } => u64::from(span.len),
            })
            .sum(),
    }
}

/// The rows a task covers, for progress.
pub fn task_rows(task: &ChunkTask) -> usize {
    match &task.work {
        Work::Documents { rows } => rows.len(),
        Work::Knowledge { rows, .. } => rows.len(),
        Work::Dataset { rows, .. } => rows.len(),
        Work::Blend { rows } => rows.len(),
    }
}

/// `parts` runs of the tasks whose `bytes` are given, in order: part `k` ends where the bytes
/// so far come nearest `(k + 1) / parts` of all. A part may be empty (fewer tasks than parts).
pub fn split(bytes: &[u64], parts: usize) -> Vec<Range<usize>> {
    let total: u128 = bytes.iter().map(|&b| u128::from(b)).sum();
    let mut ranges = Vec::with_capacity(parts);
    let (mut start, mut done) = (0, 0u128);
    for k in 0..parts {
        let goal = total * (k as u128 + 1) / parts.max(1) as u128;
        let mut end = start;
        // A task goes in if half of it or more lies before the goal; the last part takes the rest.
        while end < bytes.len() && (k + 1 == parts || 2 * done + u128::from(bytes[end]) <= 2 * goal)
        {
            done += u128::from(bytes[end]);
            end += 1;
        }
        ranges.push(start..end);
        start = end;
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_runs_of_about_equal_bytes_covering_every_task() {
        let bytes = [10, 10, 10, 10, 10, 10, 10];
        assert_eq!(split(&bytes, 1), vec![0..7]);
        assert_eq!(split(&bytes, 3), [0..2, 2..5, 5..7]);
        assert_eq!(split(&[100, 1, 1, 1, 100], 2), [0..2, 2..5]);
        let few = split(&[5, 5], 4);
        assert_eq!(few.len(), 4);
        assert_eq!(few.iter().map(|r| r.len()).sum::<usize>(), 2);
        assert_eq!(split(&[], 3), [0..0, 0..0, 0..0]);
    }
}
