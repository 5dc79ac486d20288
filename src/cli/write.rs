//! Outputs are written whole or not at all: each goes to a temporary file in the output folder,
//! renamed into place only when the run has succeeded; otherwise the temporary file is removed,
//! also when the run is interrupted (Ctrl-C, SIGTERM), and a later run removes what a killed run
//! left behind.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::output::{is_mix_name, MANIFEST_FILE_NAME};
use crate::Error;

/// Temporary files not yet renamed, for the interrupt handler; and whether the renames are under
/// way (then the handler lets them finish, so that a run's files appear together).
static PENDING: Mutex<(Vec<PathBuf>, bool)> = Mutex::new((Vec::new(), false));

fn pending() -> std::sync::MutexGuard<'static, (Vec<PathBuf>, bool)> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// On Ctrl-C or SIGTERM: remove every temporary file and exit, unless the renames have begun.
pub fn clean_up_on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        let mut pending = pending();
        if pending.1 {
            // Committing: the files appear together, then the run ends on its own.
            return;
        }
        for temp in pending.0.drain(..) {
            let _ = std::fs::remove_file(temp);
        }
        eprintln!("kmix: interrupted: nothing was written");
        std::process::exit(130);
    });
}

/// Removes the temporary files an earlier kmix run left in `dir` when it was killed: `.NAME.PID.tmp`
/// of kmix's own file names, whose process is gone. Returns those removed.
pub fn remove_debris(dir: &Path) -> Vec<PathBuf> {
    remove_debris_of(dir, |target| {
        target == MANIFEST_FILE_NAME || is_mix_name(target)
    })
}

/// As [`remove_debris`], of the files whose names `ours` picks.
pub fn remove_debris_of(dir: &Path, ours: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return removed;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((target, pid)) = name
            .strip_prefix('.')
            .and_then(|n| n.strip_suffix(".tmp"))
            .and_then(|n| n.rsplit_once('.'))
        else {
            continue;
        };
        let ours = ours(target);
        let gone = pid.parse::<u32>().is_ok_and(|pid| {
            pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists()
        });
        if ours && gone && std::fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed
}

pub struct PendingFile {
    temp: PathBuf,
    target: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl PendingFile {
    pub fn create(dir: &Path, file_name: &str) -> Result<Self, Error> {
        let temp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
        // Created and noted under the lock, so that an interrupt sees every file that exists.
        let mut pending = pending();
        let file = File::create(&temp).map_err(|e| write_error(e, &temp))?;
        pending.0.push(temp.clone());
        drop(pending);
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

    /// Flushes every file to disk, then renames them all into place (the manifest last): the
    /// renames need no space, so once they start they finish, and an interrupt waits for them.
    pub fn commit_all(files: Vec<PendingFile>) -> Result<Vec<PathBuf>, Error> {
        let mut files = files;
        for file in &mut files {
            let writer = file.writer.as_mut().expect("committed once");
            writer.flush().map_err(|e| write_error(e, &file.temp))?;
            writer
                .get_ref()
                .sync_all()
                .map_err(|e| write_error(e, &file.temp))?;
        }
        pending().1 = true;
        let renamed = files
            .iter_mut()
            .map(|file| {
                std::fs::rename(&file.temp, &file.target)
                    .map_err(|e| write_error(e, &file.target))?;
                file.writer = None;
                Ok(file.target.clone())
            })
            .collect();
        let mut pending = pending();
        pending
            .0
            .retain(|temp| files.iter().all(|f| &f.temp != temp));
        pending.1 = false;
        renamed
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
        pending().0.retain(|temp| temp != &self.temp);
    }
}

fn write_error(e: std::io::Error, path: &Path) -> Error {
    Error::io(format!("cannot write: {e}")).in_file(path.display().to_string())
}
