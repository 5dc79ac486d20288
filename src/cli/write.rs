//! Writes outputs whole or not at all: each goes to a temporary file renamed when complete.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use kmix::Error;

/// Writes `file_name` in `dir` through `fill`; on any failure the partial file is removed.
pub fn write_atomically<T>(
    dir: &Path,
    file_name: &str,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<T>,
) -> Result<T, Error> {
    let target = dir.join(file_name);
    let temp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let fail = |e: std::io::Error, path: &PathBuf| {
        let _ = std::fs::remove_file(&temp);
        Error::new(format!("cannot write: {e}")).in_file(path.display().to_string())
    };
    let file = File::create(&temp).map_err(|e| fail(e, &temp))?;
    let mut writer = BufWriter::with_capacity(1 << 20, file);
    let value = fill(&mut writer).map_err(|e| fail(e, &temp))?;
    let file = writer
        .into_inner()
        .map_err(|e| fail(e.into_error(), &temp))?;
    file.sync_all().map_err(|e| fail(e, &temp))?;
    std::fs::rename(&temp, &target).map_err(|e| fail(e, &target))?;
    Ok(value)
}
