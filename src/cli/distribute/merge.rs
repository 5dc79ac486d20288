//! `kmix merge`: the run made again from the plan's index and settings, its counting stage's
//! results taken from the parts in the run's order, the tasks no part did (the blends' writing,
//! planned from the counts) processed here, and every file written as one machine's run writes it.

use std::path::Path;

use super::folder::PlanFolder;
use super::stored::StoredResults;
use super::worker::Worker;
use crate::cli::blend::recipe_path;
use crate::cli::drive::Drive;
use crate::cli::sources::check_output_outside;
use crate::cli::{write_run, Mixed, Observer};
use crate::run::{Inputs, RunSettings};
use crate::Error;

pub fn merge(
    dir: &Path,
    out: &Path,
    threads: usize,
    observer: &dyn Observer,
) -> Result<Mixed, Error> {
    let folder = PlanFolder::new(dir);
    let (id, plan) = folder.read()?;
    let stored = StoredResults::open(&folder, &id, &plan)?;
    if !plan.settings.dry_run {
        check_output_outside(&plan.roots, out)?;
    }
    let worker = Worker::new(&folder, &plan)?;
    let inputs = Inputs::new(folder.read_index(&plan)?);
    let mix = inputs.plan(&plan.params)?;
    let mut settings = RunSettings {
        workers: threads as u32,
        ..plan.settings.clone()
    };
    // The recipes name each dataset from where they are written.
    settings.blend.recipe_paths = (plan.datasets.iter())
        .map(|d| (d.shown.clone(), recipe_path(out, &d.path)))
        .collect();
    let run = inputs.start(mix, settings)?;
    let sources = worker.sources();
    let drive = Drive {
        sources: &sources,
        tokenizer: worker.tokenizer.as_ref(),
        holdout: worker.holdout.as_ref(),
        threads,
        observer,
        elsewhere: Some(&stored),
    };
    let (outcome, written) = write_run(run, out, &drive)?;
    Ok(Mixed {
        outcome,
        written,
        settings: Vec::new(),
    })
}
