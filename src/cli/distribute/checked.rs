//! The inputs a plan names, opened on the machine of a later step and checked to be the files
//! planned: the size of each at once, the SHA-256 of each when it is first read again (a part
//! reads only some of them).

use std::io::Read;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use super::folder::PlannedInput;
use crate::checksum::hex;
use crate::cli::sources::FileSource;
use crate::source::ByteSource;
use crate::Error;

pub struct CheckedSource {
    source: FileSource,
    sha256: Option<String>,
    /// Whether the file is the one planned, found on the first read.
    checked: OnceLock<Result<(), String>>,
}

/// Each input planned, as a source: one that is gone or of another size is an error naming it.
pub fn open_inputs(planned: &[PlannedInput]) -> Result<Vec<CheckedSource>, Error> {
    planned.iter().map(open).collect()
}

fn open(input: &PlannedInput) -> Result<CheckedSource, Error> {
    let meta = std::fs::metadata(&input.path).map_err(|e| {
        Error::io(format!(
            "the input planned is not there ({e}); every step reads the inputs where the plan found them"
        ))
        .in_file(input.path.display().to_string())
    })?;
    if meta.len() != input.size {
        return Err(changed(
            input,
            &format!("{} bytes", meta.len()),
            &format!("{} bytes", input.size),
        ));
    }
    Ok(CheckedSource {
        source: FileSource::new(input.shown.clone(), input.path.clone(), meta.len()),
        sha256: input.sha256.clone(),
        checked: OnceLock::new(),
    })
}

fn changed(input: &PlannedInput, now: &str, planned: &str) -> Error {
    Error::input(format!(
        "the input changed since it was planned: it is {now}, the plan has {planned}; plan again"
    ))
    .in_file(input.path.display().to_string())
}

impl CheckedSource {
    /// The file's SHA-256 against the plan's, computed once.
    fn check(&self) -> std::io::Result<()> {
        let checked = self.checked.get_or_init(|| {
            let Some(planned) = &self.sha256 else {
                return Ok(());
            };
            let now = sha256_of(self.source.disk_path()).map_err(|e| e.to_string())?;
            match &now == planned {
                true => Ok(()),
                false => Err(format!(
                    "the input changed since it was planned: its SHA-256 is {now}, the plan's {planned}; plan again"
                )),
            }
        });
        checked.clone().map_err(std::io::Error::other)
    }
}

fn sha256_of(path: &std::path::Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1 << 20];
    loop {
        match file.read(&mut buffer)? {
            0 => return Ok(hex(&hasher.finalize())),
            n => hasher.update(&buffer[..n]),
        }
    }
}

impl ByteSource for CheckedSource {
    fn path(&self) -> &str {
        self.source.path()
    }
    fn size(&self) -> u64 {
        self.source.size()
    }
    fn open(&self) -> std::io::Result<Box<dyn Read>> {
        self.check()?;
        self.source.open()
    }
    fn read_at(&self, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
        self.check()?;
        self.source.read_at(offset, len)
    }
}
