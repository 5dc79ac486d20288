//! The output folder of a run: nothing in it changes until the run is complete, then its files
//! appear together, and the mixes an earlier run listed there that this one does not replace go.

use std::path::{Path, PathBuf};

use super::observe::Observer;
use super::write::{self, PendingFile};
use crate::output::{mixes_listed_in, MANIFEST_FILE_NAME};
use crate::run::Outcome;
use crate::Error;

/// The output folder of a run: its files are written beside their final names and committed
/// together once the run is complete; a failed run leaves the folder as it found it.
pub struct OutputFolder {
    out: PathBuf,
    /// The lines' files of the run, in the order of its file names.
    names: Vec<String>,
    /// The mixes an earlier run's manifest lists there.
    earlier: Vec<String>,
    /// Declared after the pending files' owner is dropped: a failed run removes its temporary
    /// files, then the folder if this run created it and it is empty.
    _created: Option<CreatedDir>,
}

impl OutputFolder {
    pub fn prepare(out: &Path, names: Vec<String>, observer: &dyn Observer) -> Result<Self, Error> {
        let created = (!names.is_empty() && !out.exists()).then(|| CreatedDir(out.to_path_buf()));
        if !names.is_empty() {
            std::fs::create_dir_all(out).map_err(|e| {
                Error::io(format!("cannot create the output folder: {e}"))
                    .in_file(out.display().to_string())
            })?;
            for removed in write::remove_debris(out) {
                observer.note(&format!(
                    "removed {} (left by an interrupted run)",
                    removed.display()
                ));
            }
        }
        // An earlier run's mixes that this run does not replace must not stay looking current.
        let earlier = std::fs::read_to_string(out.join(MANIFEST_FILE_NAME))
            .map(|text| mixes_listed_in(&text))
            .unwrap_or_default();
        Ok(OutputFolder {
            out: out.to_path_buf(),
            names,
            earlier,
            _created: created,
        })
    }

    /// A pending file for each of the run's lines' files.
    pub fn files_for_lines(&self) -> Result<Vec<PendingFile>, Error> {
        (self.names.iter())
            .map(|name| PendingFile::create(&self.out, name))
            .collect()
    }

    /// Writes the outcome's text files after the lines' files, commits them all, and removes
    /// the earlier run's mixes this one does not replace; the files written, in writing order.
    pub fn commit(
        self,
        mut files: Vec<PendingFile>,
        outcome: &Outcome,
        observer: &dyn Observer,
    ) -> Result<Vec<PathBuf>, Error> {
        for text in outcome.files_after_lines() {
            let mut file = PendingFile::create(&self.out, text.name)?;
            file.write_all(text.text.as_bytes())?;
            files.push(file);
        }
        let written = PendingFile::commit_all(files)?;
        for (path, output) in written.iter().zip(&outcome.outputs) {
            let rows = if output.file_name.ends_with(".yaml") {
                "datasets"
            } else {
                "rows"
            };
            observer.note(&format!(
                "wrote {} ({} {rows}, {:.1} MB)",
                path.display(),
                output.rows,
                output.bytes as f64 / 1e6
            ));
        }
        if let Some(manifest_path) = written.last() {
            observer.note(&format!("wrote {}", manifest_path.display()));
        }
        let replaced = |name: &String| {
            self.names.contains(name) || outcome.texts.iter().any(|t| t.name == *name)
        };
        for name in self.earlier.iter().filter(|name| !replaced(name)) {
            let path = self.out.join(name);
            if std::fs::remove_file(&path).is_ok() {
                observer.note(&format!(
                    "removed {} (an earlier run's mix, listed in its manifest)",
                    path.display()
                ));
            }
        }
        Ok(written)
    }
}

struct CreatedDir(std::path::PathBuf);

impl Drop for CreatedDir {
    fn drop(&mut self) {
        // Fails, as it should, when the run wrote its files there.
        let _ = std::fs::remove_dir(&self.0);
    }
}
