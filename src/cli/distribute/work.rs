//! `kmix work`: one part's tasks processed, their results written into the plan folder's
//! `parts/`, whole or not at all (a rerun replaces them).

use std::path::{Path, PathBuf};

use super::folder::PlanFolder;
use super::part_file::{PartHeader, PartWriter};
use super::plan::create_dir;
use super::pool::in_order;
use super::split::task_rows;
use super::worker::Worker;
use crate::cli::write::remove_debris_of;
use crate::cli::Observer;
use crate::reread::Rereader;
use crate::run::process_chunk;
use crate::source::ByteSource;
use crate::Error;

pub fn work(
    dir: &Path,
    part: u32,
    threads: usize,
    observer: &dyn Observer,
) -> Result<PathBuf, Error> {
    let folder = PlanFolder::new(dir);
    let (id, plan) = folder.read()?;
    let planned = plan.parts.get(part as usize).ok_or_else(|| {
        Error::parameters(format!(
            "the plan has parts 0 to {}",
            plan.parts.len().saturating_sub(1)
        ))
        .field("part")
    })?;
    let tasks = folder.read_tasks(part as usize, planned)?;
    let worker = Worker::new(&folder, &plan)?;
    let sources = worker.sources();
    let parts = folder.parts_dir();
    create_dir(&parts)?;
    for removed in remove_debris_of(&parts, PlanFolder::is_results_name) {
        observer.note(&format!(
            "removed {} (left by an interrupted part)",
            removed.display()
        ));
    }
    let header = PartHeader::new(&id, part, planned.first, planned.end);
    let mut writer = PartWriter::create(&parts, &PlanFolder::results_name(part as usize), &header)?;
    let total: usize = tasks.iter().map(task_rows).sum();
    let rereader = || {
        let refs: Vec<&dyn ByteSource> = sources.iter().map(|&s| s as _).collect();
        Rereader::new(&plan.files, &refs)
    };
    let process = |rereader: &mut Rereader, task: &crate::run::ChunkTask| {
        let result = process_chunk(
            task,
            rereader,
            worker.tokenizer.as_ref(),
            worker.holdout.as_ref(),
            worker.corpus.as_ref(),
        );
        (task_rows(task), result)
    };
    in_order(&tasks, threads, rereader, process, |(rows, result)| {
        if observer.stopped() {
            return Err(Error::cancelled());
        }
        writer.add(result?)?;
        observer.advance(rows as u64, total as u64);
        Ok(())
    })?;
    let written = writer.commit()?;
    observer.note(&format!(
        "wrote {} ({} tasks)",
        written.display(),
        tasks.len()
    ));
    Ok(written)
}
