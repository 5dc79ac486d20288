//! The plan folder: what `kmix plan` stores for the parts and the merge, where each file is,
//! and `plan.json`, written last, whose presence says the plan is complete and whose id every
//! part carries.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::checksum::sha256_hex;
use crate::mix::MixParams;
use crate::raft::CorpusShare;
use crate::read::{Index, InputFile, StoredIndex};
use crate::run::{ChunkTask, RunSettings};
use crate::Error;

/// What `plan.json` says it is, for a reader to refuse another format.
pub const FORMAT: &str = "kmix plan 1";

/// `plan.json`: the run's parameters and settings, its inputs, and its parts.
#[derive(Debug, Serialize, Deserialize)]
pub struct PlanFile {
    pub format: String,
    pub kmix_version: String,
    pub params: MixParams,
    pub settings: RunSettings,
    /// The time templates saw as now, local wall-clock seconds, for every step to see it too.
    pub now_local: i64,
    /// The folders and files the user chose, absolute (an output folder may not be inside one).
    pub roots: Vec<PathBuf>,
    /// The knowledge inputs and the datasets to blend, as the first pass took them.
    pub inputs: Vec<PlannedInput>,
    pub datasets: Vec<PlannedInput>,
    /// The index's files, which every step that reads rows again needs.
    pub files: Vec<InputFile>,
    /// The tokenizer, its files copied into `tokenizer/`.
    pub tokenizer: Option<PlannedTokenizer>,
    /// The held-out files' names, copied into `holdout/`.
    pub holdout: Vec<String>,
    pub index_sha256: String,
    /// The RAFT corpus the plan gathered (`corpus.json`), when the run makes RAFT rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corpus_sha256: Option<String>,
    pub parts: Vec<PlannedPart>,
}

/// An input file as planned.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlannedInput {
    /// Its name in reports (relative to the folder chosen).
    pub shown: String,
    pub path: PathBuf,
    pub size: u64,
    /// None: a file the first pass ignored, never read again.
    pub sha256: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlannedTokenizer {
    pub name: String,
    /// The folder its files came from, as errors name it.
    pub shown: String,
}

/// One part: the tasks `first..end` (in the run's numbering), and their rows' bytes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlannedPart {
    pub first: u32,
    pub end: u32,
    pub bytes: u64,
    pub tasks_sha256: String,
}

#[derive(Serialize, Deserialize)]
struct PlanJson {
    /// The SHA-256 of `plan`'s JSON: what a part says it belongs to.
    id: String,
    plan: PlanFile,
}

/// The plan folder's layout.
pub struct PlanFolder {
    dir: PathBuf,
}

impl PlanFolder {
    pub fn new(dir: &Path) -> Self {
        PlanFolder {
            dir: dir.to_path_buf(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn plan_json(&self) -> PathBuf {
        self.dir.join("plan.json")
    }

    pub fn index_json(&self) -> PathBuf {
        self.dir.join("index.json")
    }

    pub fn corpus_json(&self) -> PathBuf {
        self.dir.join("corpus.json")
    }

    /// The RAFT corpus the plan gathered, checked to be the one planned.
    pub fn read_corpus(&self, plan: &PlanFile) -> Result<Option<CorpusShare>, Error> {
        let Some(sha256) = &plan.corpus_sha256 else {
            return Ok(None);
        };
        let path = self.corpus_json();
        let bytes = read_checked(&path, sha256)?;
        let share = serde_json::from_slice(&bytes).map_err(|e| {
            Error::input(format!("the stored RAFT corpus is damaged: {e}"))
                .in_file(path.display().to_string())
        })?;
        Ok(Some(share))
    }

    pub fn tokenizer_dir(&self) -> PathBuf {
        self.dir.join("tokenizer")
    }

    pub fn holdout_dir(&self) -> PathBuf {
        self.dir.join("holdout")
    }

    pub fn tasks_dir(&self) -> PathBuf {
        self.dir.join("tasks")
    }

    pub fn parts_dir(&self) -> PathBuf {
        self.dir.join("parts")
    }

    /// Part `part`'s tasks, one JSON line each, in `tasks/`.
    pub fn tasks_name(part: usize) -> String {
        format!("part-{part:04}.jsonl")
    }

    /// Part `part`'s results, in `parts/`.
    pub fn results_name(part: usize) -> String {
        format!("part-{part:04}.kmix")
    }

    pub fn is_results_name(name: &str) -> bool {
        name.starts_with("part-") && name.ends_with(".kmix")
    }

    /// `plan.json`'s text, and the plan's id: the SHA-256 of the plan itself (its inputs'
    /// checksums, parameters and parts).
    pub fn plan_text(plan: PlanFile) -> (String, String) {
        let body = serde_json::to_string(&plan).expect("a plan is plain data");
        let id = sha256_hex(body.as_bytes());
        let json = PlanJson {
            id: id.clone(),
            plan,
        };
        let text = serde_json::to_string_pretty(&json).expect("a plan is plain data");
        (text, id)
    }

    /// The plan and its id; an error says what is wrong with the folder.
    pub fn read(&self) -> Result<(String, PlanFile), Error> {
        let path = self.plan_json();
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Error::io(format!(
                "cannot read the plan ({e}): is this a folder `kmix plan` made, and did it finish?"
            ))
            .in_file(&shown)
        })?;
        let json: PlanJson = serde_json::from_str(&text)
            .map_err(|e| Error::input(format!("not a kmix plan: {e}")).in_file(&shown))?;
        let plan = json.plan;
        if plan.format != FORMAT || plan.kmix_version != env!("CARGO_PKG_VERSION") {
            return Err(Error::input(format!(
                "the plan is `{}` of kmix {}; this is kmix {}, which reads `{FORMAT}`: plan again",
                plan.format,
                plan.kmix_version,
                env!("CARGO_PKG_VERSION")
            ))
            .in_file(&shown));
        }
        Ok((json.id, plan))
    }

    /// The stored index, checked against the plan.
    pub fn read_index(&self, plan: &PlanFile) -> Result<Index, Error> {
        let path = self.index_json();
        let bytes = read_checked(&path, &plan.index_sha256)?;
        let stored: StoredIndex = serde_json::from_slice(&bytes).map_err(|e| {
            Error::input(format!("the stored index is damaged: {e}"))
                .in_file(path.display().to_string())
        })?;
        Ok(stored.into())
    }

    /// Part `part`'s tasks, checked against the plan.
    pub fn read_tasks(&self, part: usize, planned: &PlannedPart) -> Result<Vec<ChunkTask>, Error> {
        let path = self.tasks_dir().join(Self::tasks_name(part));
        let shown = path.display().to_string();
        let bytes = read_checked(&path, &planned.tasks_sha256)?;
        let tasks = (bytes.lines().enumerate())
            .map(|(i, line)| {
                let line = line.map_err(|e| Error::io(e.to_string()).in_file(&shown))?;
                serde_json::from_str::<ChunkTask>(&line).map_err(|e| {
                    Error::input(format!("a damaged task: {e}"))
                        .in_file(&shown)
                        .at_line(i as u64 + 1)
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let seqs_planned = (planned.first..planned.end).eq(tasks.iter().map(|t| t.seq));
        if !seqs_planned {
            return Err(Error::input("the tasks are not the part's tasks planned").in_file(shown));
        }
        Ok(tasks)
    }
}

/// A file's bytes, whose SHA-256 must be `sha256`.
fn read_checked(path: &Path, sha256: &str) -> Result<Vec<u8>, Error> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| Error::io(format!("cannot read the plan's file: {e}")).in_file(&shown))?;
    if sha256_hex(&bytes) != sha256 {
        return Err(Error::input(
            "the plan's file changed since it was planned (its SHA-256 is not plan.json's): plan again",
        )
        .in_file(shown));
    }
    Ok(bytes)
}
