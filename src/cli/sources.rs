//! Input files on disk, as the core's byte sources.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use kmix::input::ByteSource;
use kmix::Error;

pub struct FileSource {
    /// Shown in reports and errors: relative to the folder the user named, or as given.
    display: String,
    path: PathBuf,
    size: u64,
}

impl ByteSource for FileSource {
    fn path(&self) -> &str {
        &self.display
    }
    fn size(&self) -> u64 {
        self.size
    }
    fn open(&self) -> std::io::Result<Box<dyn Read + '_>> {
        Ok(Box::new(File::open(&self.path)?))
    }
}

/// Every file under the given folders (recursively) and every given file.
pub fn collect(inputs: &[PathBuf]) -> Result<Vec<FileSource>, Error> {
    let mut sources = Vec::new();
    for input in inputs {
        let shown = input.display().to_string();
        let meta = std::fs::metadata(input)
            .map_err(|e| Error::new(format!("cannot read it: {e}")).in_file(&shown))?;
        if meta.is_dir() {
            let before = sources.len();
            walk(input, input, &mut sources)?;
            if sources.len() == before {
                return Err(Error::new("the folder holds no files").in_file(shown));
            }
        } else {
            sources.push(FileSource {
                display: shown,
                path: input.clone(),
                size: meta.len(),
            });
        }
    }
    Ok(sources)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<FileSource>) -> Result<(), Error> {
    let shown = || dir.display().to_string();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::new(format!("cannot list the folder: {e}")).in_file(shown()))?
        .collect::<Result<_, _>>()
        .map_err(|e| Error::new(format!("cannot list the folder: {e}")).in_file(shown()))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let meta = std::fs::metadata(&path).map_err(|e| {
            Error::new(format!("cannot read it: {e}")).in_file(path.display().to_string())
        })?;
        if meta.is_dir() {
            walk(root, &path, out)?;
        } else {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            out.push(FileSource {
                display: relative.to_string_lossy().replace('\\', "/"),
                path,
                size: meta.len(),
            });
        }
    }
    Ok(())
}
