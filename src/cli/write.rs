//! Outputs are written whole or not at all: each goes to a temporary file in the output folder,
//! renamed into place only when the run has succeeded; otherwise the temporary file is removed.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use kmix::Error;

pub struct PendingFile {
    temp: PathBuf,
    target: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl PendingFile {
    pub fn create(dir: &Path, file_name: &str) -> Result<Self, Error> {
        let temp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
        let file = File::create(&temp).map_err(|e| write_error(e, &temp))?;
        Ok(PendingFile {
            temp,
            target: dir.join(file_name),
            writer: Some(BufWriter::with_capacity(1 << 20, file)),
        })
    }

    pub fn write_all(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let writer = self.writer.as_mut().expect("written only before commit");
        writer
            .write_all(bytes)
            .map_err(|e| write_error(e, &self.temp))
    }

    /// Flushes to disk and renames into place; on failure the temporary file is removed.
    pub fn commit(mut self) -> Result<PathBuf, Error> {
        let writer = self.writer.as_mut().expect("committed once");
        writer.flush().map_err(|e| write_error(e, &self.temp))?;
        writer
            .get_ref()
            .sync_all()
            .map_err(|e| write_error(e, &self.temp))?;
        std::fs::rename(&self.temp, &self.target).map_err(|e| write_error(e, &self.target))?;
        self.writer = None;
        Ok(self.target.clone())
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

fn write_error(e: std::io::Error, path: &Path) -> Error {
    Error::io(format!("cannot write: {e}")).in_file(path.display().to_string())
}
