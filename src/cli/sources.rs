//! Input files on disk, as the core's byte sources.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::output::MANIFEST_FILE_NAME;
use crate::source::ByteSource;
use crate::Error;

pub struct FileSource {
    /// Shown in reports and errors: relative to the folder the user named, or as given.
    display: String,
    path: PathBuf,
    size: u64,
    /// Opened on the second pass's first read, then kept for the ranges that follow; read by
    /// position, so that threads share it without a lock.
    file: OnceLock<File>,
}

impl ByteSource for FileSource {
    fn path(&self) -> &str {
        &self.display
    }
    fn size(&self) -> u64 {
        self.size
    }
    fn open(&self) -> std::io::Result<Box<dyn Read>> {
        Ok(Box::new(File::open(&self.path)?))
    }
    fn read_at(&self, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
        use std::os::unix::fs::FileExt;
        if self.file.get().is_none() {
            // Two threads may both open it; one handle is kept, the other closed.
            let _ = self.file.set(File::open(&self.path)?);
        }
        let file = self.file.get().expect("set above");
        let mut bytes = vec![0; len];
        file.read_exact_at(&mut bytes, offset)?;
        Ok(bytes)
    }
}

impl FileSource {
    pub fn new(display: String, path: PathBuf, size: u64) -> Self {
        FileSource {
            display,
            path,
            size,
            file: OnceLock::new(),
        }
    }

    /// Where it is on disk.
    pub fn disk_path(&self) -> &Path {
        &self.path
    }
}

/// A folder's or file's own name, as the manifest records what was chosen (`.` as the folder's name).
pub fn root_name(path: &Path) -> String {
    let named = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
    named(path)
        .or_else(|| path.canonicalize().ok().as_deref().and_then(named))
        .unwrap_or_else(|| path.display().to_string())
}

/// Every file under the given folders (recursively) and every given file, each once whatever path
/// names it (a folder given twice, or a folder and one of its files); the second list says which
/// were named again.
pub fn collect(inputs: &[PathBuf]) -> Result<(Vec<FileSource>, Vec<String>), Error> {
    let mut seen = std::collections::HashMap::new();
    let mut once = Vec::new();
    let mut again = Vec::new();
    for source in every_file(inputs)? {
        let key = source
            .path
            .canonicalize()
            .unwrap_or_else(|_| source.path.clone());
        match seen.get(&key) {
            Some(first) => again.push(format!("{} (the same file as {first})", source.display)),
            None => {
                seen.insert(key, source.display.clone());
                once.push(source);
            }
        }
    }
    Ok((once, again))
}

/// The output folder must not be inside an input folder, where the next run would read the mixes
/// as inputs; unless it is kmix's own (new, or holding a kmix manifest), which no run reads.
pub fn check_output_outside(inputs: &[PathBuf], out: &Path) -> Result<(), Error> {
    let out_resolved = resolved(out);
    if !out.exists() || is_kmix_output(out) {
        return Ok(());
    }
    for input in inputs.iter().filter(|i| i.is_dir()) {
        if out_resolved.starts_with(resolved(input)) {
            return Err(Error::parameters(format!(
                "the output folder {} is inside the input folder {}: a later run would read the \
                 mixes as inputs; choose an --out outside it",
                out.display(),
                input.display()
            ))
            .field("out"));
        }
    }
    Ok(())
}

/// A path made absolute through its nearest existing ancestor (the output folder may not exist).
pub fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
    let mut path = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    path.extend(rest.iter().rev());
    path
}

fn every_file(inputs: &[PathBuf]) -> Result<Vec<FileSource>, Error> {
    let mut sources = Vec::new();
    for input in inputs {
        let shown = input.display().to_string();
        let meta = std::fs::metadata(input)
            .map_err(|e| Error::io(format!("cannot read it: {e}")).in_file(&shown))?;
        if meta.is_dir() {
            let before = sources.len();
            walk(input, input, &mut sources)?;
            if sources.len() == before {
                return Err(Error::input("the folder holds no files").in_file(shown));
            }
        } else {
            // `./base/x.jsonl` is shown as `base/x.jsonl`.
            let shown = shown.trim_start_matches("./").to_string();
            sources.push(FileSource::new(shown, input.clone(), meta.len()));
        }
    }
    Ok(sources)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<FileSource>) -> Result<(), Error> {
    let shown = || dir.display().to_string();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(format!("cannot list the folder: {e}")).in_file(shown()))?
        .collect::<Result<_, _>>()
        .map_err(|e| Error::io(format!("cannot list the folder: {e}")).in_file(shown()))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let meta = std::fs::metadata(&path).map_err(|e| {
            Error::io(format!("cannot read it: {e}")).in_file(path.display().to_string())
        })?;
        if meta.is_dir() && is_kmix_output(&path) {
            continue; // an earlier run's mixes: never an input
        } else if meta.is_dir() {
            walk(root, &path, out)?;
        } else {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let display = relative.to_string_lossy().replace('\\', "/");
            out.push(FileSource::new(display, path, meta.len()));
        }
    }
    Ok(())
}

/// Whether `dir` is a kmix output folder: its manifest.json is kmix's (it names kmix's version).
fn is_kmix_output(dir: &Path) -> bool {
    let manifest = dir.join(MANIFEST_FILE_NAME);
    let Ok(text) = std::fs::read_to_string(manifest) else {
        return false;
    };
    serde_json::from_str::<serde_json::Value>(&text)
        .is_ok_and(|m| m.get("kmix_version").is_some_and(|v| v.is_string()))
}
