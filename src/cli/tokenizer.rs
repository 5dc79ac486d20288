//! Finds and loads the student model's tokenizer: a folder, a tokenizer.json, or a Hugging Face
//! model id found in the local Hugging Face cache (never downloaded).

use std::path::{Path, PathBuf};

use crate::tokens::{ChatTokenizer, TokenizerFiles};
use crate::Error;

/// Where the tokenizer is, and the name the report and manifest give it.
pub struct Located {
    /// The folder holding tokenizer.json and the files beside it.
    dir: PathBuf,
    tokenizer_json: PathBuf,
    name: String,
    /// The folder as errors name it: `dir`, or where a copy's files came from.
    shown: Option<String>,
}

/// The files kmix reads beside tokenizer.json, each if it is there.
const BESIDE: [&str; 3] = [
    "tokenizer_config.json",
    "chat_template.jinja",
    "chat_template.json",
];

impl Located {
    /// A copy's files in `dir` (tokenizer.json and those beside it), as [`Located::copy_into`]
    /// made them: known by the original's `name`, its errors naming the original's `shown` folder.
    pub fn copied(dir: &Path, name: String, shown: String) -> Self {
        Located {
            dir: dir.to_path_buf(),
            tokenizer_json: dir.join("tokenizer.json"),
            name,
            shown: Some(shown),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The folder as errors name it.
    pub fn shown(&self) -> String {
        (self.shown.clone()).unwrap_or_else(|| self.dir.display().to_string())
    }

    /// Copies the files kmix reads into `dir` (made), tokenizer.json under that name, so that
    /// another machine loads the same tokenizer from there alone.
    pub fn copy_into(&self, dir: &Path) -> Result<(), Error> {
        let failed = |e: std::io::Error, path: &Path| {
            Error::tokenizer(format!("cannot copy the tokenizer: {e}"))
                .in_file(path.display().to_string())
        };
        std::fs::create_dir_all(dir).map_err(|e| failed(e, dir))?;
        let target = dir.join("tokenizer.json");
        std::fs::copy(&self.tokenizer_json, &target)
            .map_err(|e| failed(e, &self.tokenizer_json))?;
        for name in BESIDE {
            let from = self.dir.join(name);
            if from.is_file() {
                std::fs::copy(&from, dir.join(name)).map_err(|e| failed(e, &from))?;
            }
        }
        Ok(())
    }
}

/// `given`: `--tokenizer`, or the notebook's `TOKENIZER_MODEL_NAME` / `STUDENT_MODEL`: a folder,
/// a tokenizer.json, or a model id (`ORG/NAME`) in the Hugging Face cache.
pub fn locate(given: &str) -> Result<Located, Error> {
    let path = Path::new(given);
    if path.is_dir() {
        let name = folder_name(path);
        return Ok(Located {
            dir: path.to_path_buf(),
            tokenizer_json: path.join("tokenizer.json"),
            name,
            shown: None,
        });
    }
    if path.is_file() {
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        return Ok(Located {
            name: folder_name(&dir),
            tokenizer_json: path.to_path_buf(),
            dir,
            shown: None,
        });
    }
    match given.split_once('/') {
        Some((org, model)) if !org.is_empty() && !model.is_empty() && !model.contains('/') => {
            let hub = hub_cache();
            let dir = cached_snapshot(&hub, org, model).ok_or_else(|| {
                Error::tokenizer(format!(
                    "`{given}` is neither a folder nor a file, and the model is not in the Hugging \
                     Face cache ({}); kmix never downloads: fetch its tokenizer once with \
                     `huggingface-cli download {given} tokenizer.json tokenizer_config.json`, or \
                     give --tokenizer the model's folder",
                    hub.display()
                ))
            })?;
            Ok(Located {
                tokenizer_json: dir.join("tokenizer.json"),
                dir,
                name: given.to_string(),
                shown: None,
            })
        }
        _ => Err(Error::tokenizer(format!(
            "`{given}` is neither a folder, a file, nor a Hugging Face model id (ORG/NAME)"
        ))),
    }
}

/// The hub cache as huggingface_hub finds it: `HF_HUB_CACHE`, else `HF_HOME/hub`, else
/// `~/.cache/huggingface/hub`.
fn hub_cache() -> PathBuf {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("HF_HUB_CACHE")
        .or_else(|| var("HF_HOME").map(|home| home.join("hub")))
        .or_else(|| var("HOME").map(|home| home.join(".cache/huggingface/hub")))
        .unwrap_or_else(|| PathBuf::from(".cache/huggingface/hub"))
}

/// `models--ORG--NAME/snapshots/<revision of refs/main>/`, if it holds a tokenizer.json.
fn cached_snapshot(hub: &Path, org: &str, model: &str) -> Option<PathBuf> {
    let repo = hub.join(format!("models--{org}--{model}"));
    let revision = std::fs::read_to_string(repo.join("refs/main")).ok()?;
    let dir = repo.join("snapshots").join(revision.trim());
    dir.join("tokenizer.json").is_file().then_some(dir)
}

/// A folder's name, with its parent's where the name alone says nothing (`models`, `tokenizer`).
fn folder_name(dir: &Path) -> String {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
    match name(&dir) {
        Some(n) if ["models", "model", "tokenizer", "tokenizers"].contains(&n.as_str()) => {
            match dir.parent().and_then(name) {
                Some(parent) => format!("{parent}/{n}"),
                None => n,
            }
        }
        Some(n) => n,
        None => dir.display().to_string(),
    }
}

/// Loads it; `now_local`: the time templates see as now (local wall-clock seconds).
pub fn load(located: &Located, now_local: i64) -> Result<ChatTokenizer, Error> {
    let tokenizer_json = std::fs::read(&located.tokenizer_json).map_err(|e| {
        Error::tokenizer(format!("cannot read the tokenizer: {e}"))
            .in_file(located.tokenizer_json.display().to_string())
    })?;
    let beside = |name: &str| std::fs::read(located.dir.join(name)).ok();
    let [config, jinja, json] = BESIDE;
    let files = TokenizerFiles {
        name: located.name.clone(),
        tokenizer_json,
        tokenizer_config_json: beside(config),
        chat_template_jinja: beside(jinja)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
        chat_template_json: beside(json),
        folder: Some(located.shown()),
    };
    ChatTokenizer::load(&files, now_local)
}
