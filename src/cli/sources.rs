//! Input files on disk, as the core's byte sources.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use kmix::input::ByteSource;
use kmix::Error;

pub struct FileSource {
    /// Shown in reports and errors: relative to the folder the user named, or as given.
    display: String,
    path: PathBuf,
    size: u64,
    /// Opened on the second pass's first read, then kept for the ranges that follow.
    file: Mutex<Option<File>>,
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
        let mut guard = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let file = match &mut *guard {
            Some(file) => file,
            None => guard.insert(File::open(&self.path)?),
        };
        file.seek(SeekFrom::Start(offset))?;
        let mut bytes = vec![0; len];
        file.read_exact(&mut bytes)?;
        Ok(bytes)
    }
}

impl FileSource {
    fn new(display: String, path: PathBuf, size: u64) -> Self {
        FileSource {
            display,
            path,
            size,
            file: Mutex::new(None),
        }
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
            sources.push(FileSource::new(shown, input.clone(), meta.len()));
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
            let display = relative.to_string_lossy().replace('\\', "/");
            out.push(FileSource::new(display, path, meta.len()));
        }
    }
    Ok(())
}
