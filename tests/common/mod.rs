//! Helpers shared by the integration tests: the real tokenizers and the fixture generator.
#![allow(dead_code)] // each test binary uses its own part of this module

pub mod text;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kmix::source::ByteSource;

use kmix::render::Message;
use kmix::tokens::{ChatTokenizer, TokenizerFiles};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A tokenizer fetched by tools/fetch-tokenizers.sh; the tests need them, so a missing one fails.
pub fn tokenizer_dir(name: &str) -> PathBuf {
    let dir = root().join("vendor-tokenizers").join(name);
    assert!(
        dir.join("tokenizer.json").exists(),
        "{} is missing: run tools/fetch-tokenizers.sh",
        dir.display()
    );
    dir
}

/// Copies some files of a test tokenizer into `dest` (created), as a user's own model folder.
pub fn copy_tokenizer(name: &str, files: &[&str], dest: &Path) {
    std::fs::create_dir_all(dest).unwrap();
    for file in files {
        std::fs::copy(tokenizer_dir(name).join(file), dest.join(file)).unwrap();
    }
}

pub fn tokenizer_files(dir: &Path) -> TokenizerFiles {
    TokenizerFiles {
        name: dir.file_name().unwrap().to_string_lossy().into_owned(),
        tokenizer_json: std::fs::read(dir.join("tokenizer.json")).unwrap(),
        tokenizer_config_json: std::fs::read(dir.join("tokenizer_config.json")).ok(),
        chat_template_jinja: std::fs::read_to_string(dir.join("chat_template.jinja")).ok(),
        chat_template_json: std::fs::read(dir.join("chat_template.json")).ok(),
        folder: None,
    }
}

pub fn load_tokenizer(name: &str) -> ChatTokenizer {
    ChatTokenizer::load(&tokenizer_files(&tokenizer_dir(name)), 0).unwrap()
}

pub fn messages(value: &serde_json::Value) -> Vec<Message> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|m| Message {
            role: match m["role"].as_str().unwrap() {
                "user" => "user".into(),
                "assistant" => "assistant".into(),
                other => panic!("unexpected role {other}"),
            },
            content: m["content"].as_str().map(str::to_string),
            thinking: m["thinking"].as_str().map(str::to_string),
        })
        .collect()
}

/// Runs tools/gen_step03.py (the fixture generator) into `out`.
pub fn generate(out: &Path, args: &[&str]) {
    let script = root().join("tools/gen_step03.py");
    let status = Command::new("python3")
        .arg(script)
        .arg("--out")
        .arg(out)
        .args(args)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("python3 runs the generator");
    assert!(status.success(), "gen_step03.py failed");
}

/// An input file held in memory, as a byte source: (path relative to the inputs, bytes).
pub struct Mem(pub String, pub Vec<u8>);

impl ByteSource for Mem {
    fn path(&self) -> &str {
        &self.0
    }
    fn size(&self) -> u64 {
        self.1.len() as u64
    }
    fn open(&self) -> std::io::Result<Box<dyn Read>> {
        Ok(Box::new(std::io::Cursor::new(self.1.clone())))
    }
    fn read_at(&self, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
        Ok(self.1[offset as usize..][..len].to_vec())
    }
}

/// Every file under `dir`, read into memory, with paths relative to it.
pub fn files_under(dir: &Path) -> Vec<Mem> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.push(Mem(rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

/// The `kmix` binary in `cwd`, quiet, with the notebook's environment variables cleared.
pub fn kmix_command(args: &[&str], cwd: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kmix"));
    cmd.args(args).current_dir(cwd).arg("--quiet");
    for var in [
        "CUT_SIZES",
        "QA_PER_DOC",
        "SAVE_GPT_OSS_FORMAT",
        "TOKENIZER_MODEL_NAME",
        "STUDENT_MODEL",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs `kmix` with `envs` set; its output.
pub fn kmix(args: &[&str], envs: &[(&str, &str)], cwd: &Path) -> Output {
    kmix_command(args, cwd)
        .envs(envs.iter().copied())
        .output()
        .unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The names in a folder, hidden ones included, sorted; none when it does not exist.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// A written file's lines.
pub fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// The manifest an output folder holds.
pub fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}
