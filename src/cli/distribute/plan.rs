//! `kmix plan`: the first pass and the plan, once, into a plan folder; then the run is started
//! and asked for its tasks, and those it hands out before it needs a result back (its counting
//! stage) are split into parts, for `kmix work` to process anywhere.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::folder::{PlanFile, PlanFolder, PlannedInput, PlannedPart, PlannedTokenizer, FORMAT};
use super::split::{split, task_bytes};
use crate::checksum::sha256_hex;
use crate::cli::sources::{resolved, FileSource};
use crate::cli::write::PendingFile;
use crate::cli::{prepare, Observer, Prepared};
use crate::raft::CorpusShare;
use crate::read::{Index, StoredIndex};
use crate::reread::Rereader;
use crate::run::{process_chunk, ChunkTask, MixRun, Next, RunSettings, Work};
use crate::source::{in_path_order, ByteSource};
use crate::Error;

use super::PlanArgs;

/// What a plan made.
#[derive(Debug, Serialize)]
pub struct Planned {
    pub dir: PathBuf,
    pub id: String,
    pub tasks: u32,
    pub parts: Vec<PlannedPart>,
}

pub fn plan(args: &PlanArgs, dotenv: &[String], observer: &dyn Observer) -> Result<Planned, Error> {
    if args.mix.out.is_some() {
        return Err(
            Error::parameters("a plan writes no mixes: give --out to `kmix merge`").field("out"),
        );
    }
    if args.parts == 0 {
        return Err(Error::parameters("a plan needs one part or more").field("parts"));
    }
    let prepared = prepare(&args.mix, dotenv, observer, false)?;
    let folder = PlanFolder::new(&args.dir);
    create_dir(folder.dir())?;
    // A folder planned again is no plan until its plan.json is written again.
    let _ = std::fs::remove_file(folder.plan_json());
    // Every task out at once: the parts take them all.
    let settings = RunSettings {
        workers: u32::MAX,
        ..prepared.run_settings.clone()
    };
    let mut run = prepared.inputs.start(prepared.mix.clone(), settings)?;
    let (tasks, corpus) = counting_tasks(&mut run, &prepared)?;
    let bytes: Vec<u64> = tasks.iter().map(task_bytes).collect();
    let parts = write_parts(&folder, &tasks, &split(&bytes, args.parts as usize), &bytes)?;
    let index_sha256 = write_index(&folder, prepared.inputs.index())?;
    let mut plan = plan_file(args, &prepared, &folder, parts.clone(), index_sha256)?;
    plan.corpus_sha256 = corpus
        .map(|share| write_corpus(&folder, &share))
        .transpose()?;
    let (text, id) = PlanFolder::plan_text(plan);
    write_whole(folder.dir(), "plan.json", text.as_bytes())?;
    observer.note(&format!(
        "planned {} tasks in {} parts into {} (plan {})",
        tasks.len(),
        parts.len(),
        folder.dir().display(),
        &id[..12]
    ));
    Ok(Planned {
        dir: folder.dir().to_path_buf(),
        id,
        tasks: tasks.len() as u32,
        parts,
    })
}

/// The tasks the run hands out before it needs a result back: its counting stage, which the
/// parts process. The RAFT corpus's tasks, which must be back before the counting stage starts,
/// are processed here (the merge processes them again, as no part holds them), and the corpus
/// they make is kept for the parts.
fn counting_tasks(
    run: &mut MixRun,
    prepared: &Prepared,
) -> Result<(Vec<ChunkTask>, Option<CorpusShare>), Error> {
    let sources: Vec<&dyn ByteSource> = (prepared.sources.all().into_iter())
        .map(|s| s as _)
        .collect();
    let mut rereader = Rereader::new(run.input_files(), &sources)?;
    let (mut tasks, mut corpus) = (Vec::new(), None);
    loop {
        match run.what_next() {
            Next::Task(task) if matches!(task.work, Work::Documents { .. }) => {
                let (tokenizer, holdout) = (prepared.tokenizer.as_ref(), prepared.holdout.as_ref());
                let result = process_chunk(&task, &mut rereader, tokenizer, holdout, None);
                run.complete(task.seq, result)?;
            }
            Next::Task(task) => tasks.push(task),
            Next::Share(share) => {
                corpus = Some(share);
                run.shared()?;
            }
            Next::Wait | Next::Done => return Ok((tasks, corpus)),
        }
    }
}

/// The RAFT corpus, for every part to hold; its SHA-256.
fn write_corpus(folder: &PlanFolder, share: &CorpusShare) -> Result<String, Error> {
    let text = serde_json::to_vec(share).expect("a corpus is plain data");
    write_whole(folder.dir(), "corpus.json", &text)?;
    Ok(sha256_hex(&text))
}

/// Each part's tasks, one JSON line each, in `tasks/`.
fn write_parts(
    folder: &PlanFolder,
    tasks: &[ChunkTask],
    ranges: &[std::ops::Range<usize>],
    bytes: &[u64],
) -> Result<Vec<PlannedPart>, Error> {
    let dir = folder.tasks_dir();
    create_dir(&dir)?;
    let mut parts = Vec::with_capacity(ranges.len());
    // The tasks are numbered on from the first's (an empty part starts where the next would).
    let base = tasks.first().map_or(0, |t| t.seq);
    for (part, range) in ranges.iter().enumerate() {
        let mut text = Vec::new();
        for task in &tasks[range.clone()] {
            serde_json::to_writer(&mut text, task).expect("a task is plain data");
            text.push(b'\n');
        }
        write_whole(&dir, &PlanFolder::tasks_name(part), &text)?;
        let first = base + range.start as u32;
        parts.push(PlannedPart {
            first,
            end: first + range.len() as u32,
            bytes: bytes[range.clone()].iter().sum(),
            tasks_sha256: sha256_hex(&text),
        });
    }
    Ok(parts)
}

fn write_index(folder: &PlanFolder, index: &Index) -> Result<String, Error> {
    let text = serde_json::to_vec(&StoredIndex::from(index)).expect("an index is plain data");
    write_whole(folder.dir(), "index.json", &text)?;
    Ok(sha256_hex(&text))
}

fn plan_file(
    args: &PlanArgs,
    prepared: &Prepared,
    folder: &PlanFolder,
    parts: Vec<PlannedPart>,
    index_sha256: String,
) -> Result<PlanFile, Error> {
    let index = prepared.inputs.index();
    let tokenizer = match &prepared.located {
        Some(located) => {
            located.copy_into(&folder.tokenizer_dir())?;
            Some(PlannedTokenizer {
                name: located.name().to_string(),
                shown: located.shown(),
            })
        }
        None => None,
    };
    Ok(PlanFile {
        format: FORMAT.into(),
        kmix_version: env!("CARGO_PKG_VERSION").into(),
        params: prepared.mix.params.clone(),
        settings: prepared.run_settings.clone(),
        now_local: prepared.now_local,
        roots: prepared
            .settings
            .inputs
            .iter()
            .map(|p| resolved(p))
            .collect(),
        inputs: planned_inputs(&prepared.sources.files, index, true),
        datasets: planned_inputs(&prepared.sources.datasets, index, false),
        files: index.files.clone(),
        tokenizer,
        holdout: copy_holdout(&args.mix.holdout, &folder.holdout_dir())?,
        index_sha256,
        corpus_sha256: None,
        parts,
    })
}

/// Each source with its checksum from the index, by the name the first pass gave it (a copy's
/// name where knowledge inputs share a path; a dataset's own path).
fn planned_inputs(sources: &[FileSource], index: &Index, knowledge: bool) -> Vec<PlannedInput> {
    let sha256: HashMap<&str, &Option<String>> = (index.files.iter())
        .map(|f| (f.path.as_str(), &f.sha256))
        .collect();
    // Each source has a path of its own on disk (the sources are collected once each).
    let names: HashMap<&Path, String> = match knowledge {
        true => (in_path_order(sources.iter().collect()).into_iter())
            .map(|(name, s)| (s.disk_path(), name))
            .collect(),
        false => (sources.iter())
            .map(|s| (s.disk_path(), s.path().to_string()))
            .collect(),
    };
    (sources.iter())
        .map(|s| PlannedInput {
            shown: s.path().to_string(),
            path: std::path::absolute(s.disk_path())
                .unwrap_or_else(|_| s.disk_path().to_path_buf()),
            size: s.size(),
            sha256: names
                .get(s.disk_path())
                .and_then(|name| sha256.get(name.as_str()))
                .and_then(|d| (*d).clone()),
        })
        .collect()
}

/// The held-out files, copied into `dir` by their names (as the run knows them).
fn copy_holdout(paths: &[PathBuf], dir: &Path) -> Result<Vec<String>, Error> {
    let mut names: Vec<String> = Vec::new();
    for path in paths {
        let name = path
            .file_name()
            .unwrap_or(path.as_os_str())
            .to_string_lossy()
            .into_owned();
        if names.contains(&name) {
            return Err(
                Error::parameters("two held-out files share a name; rename one")
                    .in_file(path.display().to_string()),
            );
        }
        create_dir(dir)?;
        std::fs::copy(path, dir.join(&name)).map_err(|e| {
            Error::io(format!("cannot copy the held-out file: {e}"))
                .in_file(path.display().to_string())
        })?;
        names.push(name);
    }
    Ok(names)
}

/// A file of the plan folder, written whole or not at all.
pub fn write_whole(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), Error> {
    let mut file = PendingFile::create(dir, name)?;
    file.write_all(bytes)?;
    PendingFile::commit_all(vec![file]).map(drop)
}

pub fn create_dir(dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|e| {
        Error::io(format!("cannot create the folder: {e}")).in_file(dir.display().to_string())
    })
}
