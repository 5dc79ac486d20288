//! What the edges hand the core: input files as byte sources, read as a stream (first pass) or by
//! range (second pass).

use std::io::Read;

use crate::error::{Error, ErrorKind};

/// An input file as the edges provide it: a path relative to what the user chose, and its bytes.
pub trait ByteSource {
    fn path(&self) -> &str;
    fn size(&self) -> u64;
    /// A fresh stream from the start; it owns what it reads, so a reader can keep it.
    fn open(&self) -> std::io::Result<Box<dyn Read>>;
    fn read_at(&self, offset: u64, len: usize) -> std::io::Result<Vec<u8>>;
    /// The widest gap between two wanted ranges that costs less to read through than a read of
    /// its own: a system call natively, a round trip to the browser's file reader in the page.
    fn read_through(&self) -> u64 {
        64 << 10
    }
}

/// A borrowed source is a source: the native edge lends its files, the page gives its own.
impl<S: ByteSource + ?Sized> ByteSource for &S {
    fn path(&self) -> &str {
        (**self).path()
    }
    fn size(&self) -> u64 {
        (**self).size()
    }
    fn open(&self) -> std::io::Result<Box<dyn Read>> {
        (**self).open()
    }
    fn read_at(&self, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
        (**self).read_at(offset, len)
    }
    fn read_through(&self) -> u64 {
        (**self).read_through()
    }
}

/// An input file that could not be read: the error names it.
pub fn read_error(e: std::io::Error, file: &str) -> Error {
    Error::new(ErrorKind::Io, format!("cannot read the file: {e}")).in_file(file)
}
