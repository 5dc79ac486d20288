//! Loads a model's tokenizer from a folder, or from a tokenizer.json and the files beside it.

use std::path::Path;

use kmix::tokens::{ChatTokenizer, TokenizerFiles};
use kmix::Error;

/// `now_local`: the time templates see as now (local wall-clock seconds, see `parse_date`).
pub fn load(path: &Path, now_local: i64) -> Result<ChatTokenizer, Error> {
    let dir = if path.is_dir() {
        path
    } else {
        path.parent().unwrap_or(Path::new("."))
    };
    let json_path = if path.is_dir() {
        path.join("tokenizer.json")
    } else {
        path.to_path_buf()
    };
    let tokenizer_json = std::fs::read(&json_path).map_err(|e| {
        Error::tokenizer(format!("cannot read the tokenizer: {e}"))
            .in_file(json_path.display().to_string())
    })?;
    let name = if path.is_dir() { path } else { dir };
    let files = TokenizerFiles {
        name: name
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| name.display().to_string()),
        tokenizer_json,
        tokenizer_config_json: std::fs::read(dir.join("tokenizer_config.json")).ok(),
        chat_template_jinja: std::fs::read_to_string(dir.join("chat_template.jinja")).ok(),
    };
    ChatTokenizer::load(&files, now_local).map_err(|e| match e.file {
        Some(_) => e,
        None => e.in_file(json_path.display().to_string()),
    })
}
